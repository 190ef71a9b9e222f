import sys.FileSystem;
import sys.io.File;
import sys.io.FileSeek;
import haxe.io.Bytes;

class Main {
	static inline var DIR = "file_io_scratch";

	static function rel(p:String):String {
		// fullPath gives the system's own form: `\` separators on Windows.
		p = p.split("\\").join("/");
		var cwd = FileSystem.absolutePath("");
		if (StringTools.startsWith(p, cwd))
			return "<cwd>" + p.substr(cwd.length);
		return p;
	}

	static function main() {
		if (FileSystem.exists(DIR))
			cleanup();
		FileSystem.createDirectory(DIR);
		Sys.println("created: " + FileSystem.exists(DIR) + " dir=" + FileSystem.isDirectory(DIR));

		// Whole-file text and bytes.
		var txt = DIR + "/hello.txt";
		File.saveContent(txt, "Hello, world!\nSecond line é ü €\n");
		Sys.println("content: " + StringTools.replace(File.getContent(txt), "\n", "|"));
		Sys.println("size: " + FileSystem.stat(txt).size);

		var bin = DIR + "/data.bin";
		var b = Bytes.alloc(256);
		for (i in 0...256)
			b.set(i, (i * 7 + 3) & 0xFF);
		File.saveBytes(bin, b);
		var back = File.getBytes(bin);
		var same = back.length == b.length;
		for (i in 0...b.length)
			if (back.get(i) != b.get(i))
				same = false;
		Sys.println("bytes: len=" + back.length + " same=" + same + " first=" + back.get(0) + " last=" + back.get(255));

		// Empty file.
		var empty = DIR + "/empty.txt";
		File.saveContent(empty, "");
		Sys.println("empty: '" + File.getContent(empty) + "' bytes=" + File.getBytes(empty).length);

		// Append.
		var app = File.append(txt);
		app.writeString("appended\n");
		app.close();
		var lines = File.getContent(txt).split("\n");
		Sys.println("lines after append: " + lines.length + " last=" + lines[lines.length - 2]);

		// FileOutput with seek/tell.
		var out = File.write(DIR + "/seek.bin");
		out.writeString("0123456789");
		Sys.println("out tell: " + out.tell());
		out.seek(2, SeekBegin);
		out.writeString("AB");
		out.seek(-1, SeekEnd);
		out.writeByte("Z".code);
		out.seek(0, SeekEnd);
		out.writeInt32(0x01020304);
		out.writeDouble(1.5);
		out.flush();
		Sys.println("out tell end: " + out.tell());
		out.close();

		// FileInput with seek/tell/eof.
		var inp = File.read(DIR + "/seek.bin");
		Sys.println("in: " + inp.readString(10) + " tell=" + inp.tell() + " eof=" + inp.eof());
		Sys.println("int32: " + StringTools.hex(inp.readInt32(), 8) + " double: " + inp.readDouble());
		Sys.println("tell=" + inp.tell() + " eof=" + inp.eof());
		try {
			inp.readByte();
			Sys.println("no eof?");
		} catch (e:haxe.io.Eof) {
			Sys.println("Eof caught, eof=" + inp.eof());
		}
		inp.seek(3, SeekBegin);
		Sys.println("after seek 3: " + String.fromCharCode(inp.readByte()) + " eof=" + inp.eof());
		inp.seek(2, SeekCur);
		Sys.println("after seek cur+2: " + String.fromCharCode(inp.readByte()) + " tell=" + inp.tell());
		inp.seek(-13, SeekEnd);
		Sys.println("after seek end-13: " + String.fromCharCode(inp.readByte()));
		inp.seek(0, SeekBegin);
		var all = inp.readAll();
		Sys.println("readAll: " + all.length);
		inp.close();

		// Line reading.
		var li = File.read(txt, false);
		var n = 0;
		try {
			while (true) {
				var l = li.readLine();
				n++;
				Sys.println("line " + n + ": " + l);
			}
		} catch (e:haxe.io.Eof) {}
		li.close();

		// Update: overwrite in the middle without truncating.
		var up = File.update(DIR + "/seek.bin");
		up.seek(5, SeekBegin);
		up.writeString("xyz");
		up.close();
		Sys.println("updated: " + File.getContent(DIR + "/seek.bin").substr(0, 10));
		var up2 = File.update(DIR + "/new.txt");
		up2.writeString("made by update");
		up2.close();
		Sys.println("update new: " + File.getContent(DIR + "/new.txt"));

		// Copy.
		File.copy(bin, DIR + "/copy.bin");
		Sys.println("copy size: " + FileSystem.stat(DIR + "/copy.bin").size);

		// Directories.
		FileSystem.createDirectory(DIR + "/sub/deeper/deepest");
		File.saveContent(DIR + "/sub/a.txt", "a");
		File.saveContent(DIR + "/sub/b.txt", "bb");
		var list = FileSystem.readDirectory(DIR);
		list.sort(Reflect.compare);
		Sys.println("dir: " + list.join(","));
		var list2 = FileSystem.readDirectory(DIR + "/sub");
		list2.sort(Reflect.compare);
		for (f in list2) {
			var st = FileSystem.stat(DIR + "/sub/" + f);
			Sys.println("  " + f + " isDir=" + FileSystem.isDirectory(DIR + "/sub/" + f) + (FileSystem.isDirectory(DIR + "/sub/" + f) ? "" : " size=" + st.size));
		}

		// Rename and delete.
		FileSystem.rename(DIR + "/sub/a.txt", DIR + "/sub/c.txt");
		Sys.println("renamed: a=" + FileSystem.exists(DIR + "/sub/a.txt") + " c=" + FileSystem.exists(DIR + "/sub/c.txt"));
		FileSystem.deleteFile(DIR + "/sub/c.txt");
		Sys.println("deleted: c=" + FileSystem.exists(DIR + "/sub/c.txt"));

		// Absolute paths, shown relative to the working directory.
		Sys.println("abs: " + rel(FileSystem.absolutePath(DIR + "/sub/b.txt")));
		Sys.println("full: " + rel(FileSystem.fullPath(DIR + "/sub/deeper/../b.txt")));

		// Errors.
		try {
			File.getContent(DIR + "/missing.txt");
		} catch (e:Dynamic) {
			Sys.println("error: " + e);
		}
		try {
			File.read(DIR + "/missing.txt");
		} catch (e:Dynamic) {
			Sys.println("error: " + e);
		}
		try {
			File.write(DIR + "/nodir/x.txt");
		} catch (e:Dynamic) {
			Sys.println("error: " + e);
		}
		try {
			FileSystem.deleteDirectory(DIR + "/sub");
		} catch (e:Dynamic) {
			Sys.println("error: " + e);
		}
		Sys.println("stat missing: " + (try FileSystem.stat(DIR + "/missing.txt").size catch (e:Dynamic) -1));

		leakHandles(bin);
		Sys.println("leaked handles ok");

		cleanup();
		Sys.println("removed: " + !FileSystem.exists(DIR));
	}

	// Many handles left to the GC (finalizers close them). In a function of
	// its own: none is still held by main's frame when cleanup deletes the
	// file (Windows cannot delete an open file; the runtime collects and
	// retries).
	static function leakHandles(bin:String) {
		for (i in 0...200) {
			var f = File.read(bin);
			f.readByte();
		}
	}

	static function cleanup() {
		function rm(p:String) {
			if (FileSystem.isDirectory(p)) {
				for (f in FileSystem.readDirectory(p))
					rm(p + "/" + f);
				FileSystem.deleteDirectory(p);
			} else
				FileSystem.deleteFile(p);
		}
		rm(DIR);
	}
}
