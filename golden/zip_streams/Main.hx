import haxe.io.Bytes;
import haxe.io.BytesInput;
import haxe.io.BytesOutput;
import haxe.zip.Compress;
import haxe.zip.FlushMode;
import haxe.zip.Uncompress;

// zlib streams (fmt@deflate_* / inflate_*): one-shot and streaming
// compression at several levels and flush modes, decompression with small
// buffers and chunked input, raw deflate, zip archives written and read in
// memory, and the errors zlib reports.
// The compressed bytes themselves depend on the zlib build (HashLink links the
// system's): the program prints what any conforming deflater gives the same.
class Main {
	static function text(n:Int):Bytes {
		var words = ["alpha", "beta", "gamma", "delta", "HashLink", "zlib", "stream", "d\u00e9j\u00e0", "\u20ac"];
		var b = new StringBuf();
		var x = 7;
		while (b.length < n) {
			x = (x * 1103515245 + 12345) & 0x7FFFFFFF;
			b.add(words[(x >> 16) % words.length]);
			b.add((x >> 8) % 13 == 0 ? "\n" : " ");
		}
		return Bytes.ofString(b.toString().substr(0, n));
	}

	static function noise(n:Int):Bytes {
		var b = Bytes.alloc(n);
		var x = 99;
		for (i in 0...n) {
			x = (x * 1103515245 + 12345) & 0x7FFFFFFF;
			b.set(i, x >> 16);
		}
		return b;
	}

	static function same(a:Bytes, b:Bytes):String {
		return a.length == b.length && a.compare(b) == 0 ? "same" : "DIFFERENT";
	}

	static function describe(name:String, z:Bytes, input:Bytes) {
		// zlib header: CMF 0x78, FCHECK makes CMF*256+FLG a multiple of 31;
		// trailer: Adler-32 of the data, big-endian.
		var header = z.get(0) == 0x78 && ((z.get(0) << 8) | z.get(1)) % 31 == 0;
		var n = z.length;
		var trailer = (z.get(n - 4) << 24) | (z.get(n - 3) << 16) | (z.get(n - 2) << 8) | z.get(n - 1);
		var adler = haxe.crypto.Adler32.make(input);
		Sys.println('$name: zlib header $header, adler32 trailer ${trailer == adler}, smaller ${n < input.length}');
	}

	// Streaming compression: `chunk` bytes at a time with `mode` after each, then FINISH.
	static function streamCompress(input:Bytes, level:Int, chunk:Int, mode:FlushMode, outSize:Int):Bytes {
		var c = new Compress(level);
		var out = new BytesOutput();
		var buf = Bytes.alloc(outSize);
		var pos = 0;
		var calls = 0;
		while (true) {
			var end = pos + chunk >= input.length;
			var piece = input.sub(pos, end ? input.length - pos : chunk);
			c.setFlushMode(end ? FlushMode.FINISH : mode);
			var p = 0;
			while (true) {
				var r = c.execute(piece, p, buf, 0);
				calls++;
				p += r.read;
				out.writeBytes(buf, 0, r.write);
				if (r.done)
					break;
				if (!end && p == piece.length && r.write < outSize)
					break;
			}
			if (end)
				break;
			pos += chunk;
		}
		c.close();
		return out.getBytes();
	}

	// Streaming decompression: input fed `chunk` bytes at a time, output through `outSize` bytes.
	static function streamUncompress(z:Bytes, windowBits:Null<Int>, chunk:Int, outSize:Int, mode:FlushMode):Bytes {
		var u = new Uncompress(windowBits);
		u.setFlushMode(mode);
		var out = new BytesOutput();
		var buf = Bytes.alloc(outSize);
		var fed = 0, pos = 0;
		var pending = Bytes.alloc(0);
		while (true) {
			if (pos == pending.length && fed < z.length) {
				var n = chunk < z.length - fed ? chunk : z.length - fed;
				pending = z.sub(fed, n);
				fed += n;
				pos = 0;
			}
			var r = u.execute(pending, pos, buf, 0);
			pos += r.read;
			out.writeBytes(buf, 0, r.write);
			if (r.done)
				break;
		}
		u.close();
		return out.getBytes();
	}

	static function main() {
		var inputs = [
			"empty" => Bytes.alloc(0),
			"one" => Bytes.ofString("x"),
			"text" => text(20000),
			"noise" => noise(5000),
			"zeros" => Bytes.alloc(100000),
			"big" => text(300000)
		];
		var names = ["empty", "one", "text", "noise", "zeros", "big"];
		for (name in names) {
			var input = inputs.get(name);
			Sys.println('== $name (${input.length} bytes)');
			for (level in [-1, 0, 1, 2, 6, 9]) {
				var z = Compress.run(input, level);
				var back = Uncompress.run(z);
				var back2 = Uncompress.run(z, 1000);
				Sys.print('level $level: round trip ${same(back, input)} ${same(back2, input)}');
				if (level == 0)
					Sys.print(', stored ${z.length >= input.length}');
				Sys.println("");
				if (level == 6 && input.length > 0)
					describe("  level 6 stream", z, input);
			}
		}

		var input = text(50000);
		for (mode in [FlushMode.NO, FlushMode.SYNC, FlushMode.FULL, FlushMode.BLOCK]) {
			for (chunk in [1000, 16384]) {
				var z = streamCompress(input, 6, chunk, mode, 512);
				var r1 = streamUncompress(z, null, 100, 64, FlushMode.SYNC);
				var r2 = streamUncompress(z, 15, 7, 4096, FlushMode.NO);
				var r3 = Uncompress.run(z);
				Sys.println('stream $mode chunk $chunk: ${same(r1, input)} ${same(r2, input)} ${same(r3, input)}');
			}
		}

		// A sync-flushed prefix decompresses to the data written before the flush.
		var c = new Compress(9);
		var part1 = Bytes.ofString("first part of the message, ");
		var buf = Bytes.alloc(1024);
		c.setFlushMode(FlushMode.SYNC);
		var r = c.execute(part1, 0, buf, 0);
		var prefix = buf.sub(0, r.write);
		Sys.println('sync flush: read ${r.read}, done ${r.done}, ends with 0000FFFF ${prefix.sub(prefix.length - 4, 4).toHex() == "0000ffff"}');
		var u = new Uncompress();
		u.setFlushMode(FlushMode.SYNC);
		var out = Bytes.alloc(100);
		var ur = u.execute(prefix, 0, out, 0);
		Sys.println('  inflated prefix: "${out.sub(0, ur.write).toString()}" done ${ur.done}');
		c.setFlushMode(FlushMode.FINISH);
		var part2 = Bytes.ofString("and the end.");
		var r2 = c.execute(part2, 0, buf, 0);
		c.close();
		var ur2 = u.execute(buf.sub(0, r2.write), 0, out, ur.write);
		u.close();
		Sys.println('  then: "${out.sub(0, ur.write + ur2.write).toString()}" done ${ur2.done}');

		// Raw deflate (window bits -15), as zip entries hold.
		var entry = haxe.zip.Compress.run(input, 6);
		var raw = entry.sub(2, entry.length - 6);
		Sys.println('raw deflate: ${same(streamUncompress(raw, -15, 999, 333, FlushMode.SYNC), input)}');

		// Zip archives in memory.
		var entries = new haxe.ds.List<haxe.zip.Entry>();
		var files = [
			{name: "readme.txt", data: Bytes.ofString("Hello from a zip archive!\n"), level: 6},
			{name: "dir/text.txt", data: text(10000), level: 9},
			{name: "dir/noise.bin", data: noise(3000), level: 1},
			{name: "empty.txt", data: Bytes.alloc(0), level: -1},
			{name: "stored.txt", data: Bytes.ofString("kept as is"), level: 0}
		];
		for (f in files) {
			var e:haxe.zip.Entry = {
				fileName: f.name,
				fileSize: f.data.length,
				fileTime: new Date(2020, 0, 2, 3, 4, 6),
				compressed: false,
				dataSize: f.data.length,
				data: f.data,
				crc32: haxe.crypto.Crc32.make(f.data)
			};
			if (f.level != 0)
				haxe.zip.Tools.compress(e, f.level);
			entries.add(e);
		}
		var zipOut = new BytesOutput();
		new haxe.zip.Writer(zipOut).write(entries);
		var zipBytes = zipOut.getBytes();
		Sys.println('zip written: starts with PK ${zipBytes.getString(0, 2) == "PK"}, smaller than inputs ${zipBytes.length < 13100}');
		var read = haxe.zip.Reader.readZip(new BytesInput(zipBytes));
		var i = 0;
		for (e in read) {
			var f = files[i++];
			var compressed = e.compressed;
			var data = try haxe.zip.Reader.unzip(e) catch (err:Dynamic) {
				// An empty entry unzips into an empty (null) buffer, which zlib refuses.
				Sys.println('  ${e.fileName}: size ${e.fileSize}, compressed $compressed, unzip error: $err');
				continue;
			}
			Sys.println('  ${e.fileName}: size ${e.fileSize}, compressed $compressed, data ${same(data, f.data)}, crc ${e.crc32 == haxe.crypto.Crc32.make(f.data)}, time ${e.fileTime}');
		}

		// Errors.
		try {
			Uncompress.run(Bytes.ofString("this is not a zlib stream"));
		} catch (e:Dynamic) {
			Sys.println("bad header: " + e);
		}
		var z = Compress.run(text(1000), 6);
		try {
			Uncompress.run(z.sub(0, z.length >> 1));
		} catch (e:Dynamic) {
			Sys.println("truncated: " + e);
		}
		var corrupt = z.sub(0, z.length);
		corrupt.set(z.length - 1, corrupt.get(z.length - 1) ^ 1);
		try {
			Uncompress.run(corrupt);
		} catch (e:Dynamic) {
			Sys.println("bad checksum: " + e);
		}
		try {
			new Compress(10);
		} catch (e:Dynamic) {
			Sys.println("bad level: " + e);
		}
		try {
			new Uncompress(5);
		} catch (e:Dynamic) {
			Sys.println("bad window: " + e);
		}
	}
}
