import haxe.io.Bytes;
import haxe.io.BytesBuffer;
import haxe.io.BytesInput;
import haxe.io.BytesOutput;
import haxe.io.Encoding;

class Main {
	static function tryIt(label:String, f:Void->Dynamic) {
		try {
			Sys.println(label + " -> " + Std.string(f()));
		} catch (e:Dynamic) {
			Sys.println(label + " threw " + Std.string(e));
		}
	}

	static function main() {
		Sys.println("== unaligned get/set ==");
		var b = Bytes.alloc(24);
		for (i in 0...24)
			b.set(i, i * 17 + 3);
		Sys.println("init " + b.toHex());
		for (off in [0, 1, 3, 5, 7]) {
			Sys.println("off " + off + ": get=" + b.get(off) + " u16=" + b.getUInt16(off) + " i32=" + b.getInt32(off) + " i64=" + Std.string(b.getInt64(off))
				+ " f32=" + b.getFloat(off) + " f64=" + b.getDouble(off));
		}
		b.set(0, 300);
		b.set(1, -1);
		b.setUInt16(2, 0x12345);
		b.setUInt16(4, -2);
		b.setInt32(6, -123456789);
		b.setInt64(10, haxe.Int64.make(0xCAFEBABE, 0xDEADBEEF));
		b.setFloat(18, -1.5);
		Sys.println("after sets " + b.toHex());
		Sys.println("read back: " + b.get(0) + " " + b.get(1) + " " + b.getUInt16(2) + " " + b.getUInt16(4) + " " + b.getInt32(6) + " "
			+ Std.string(b.getInt64(10)) + " " + b.getFloat(18));
		b.fill(4, 6, 0xAB);
		Sys.println("fill " + b.toHex());

		Sys.println("== bounds errors ==");
		var small = Bytes.ofString("hello");
		tryIt("sub(3,5)", () -> small.sub(3, 5).toHex());
		tryIt("sub(-1,2)", () -> small.sub(-1, 2).toHex());
		tryIt("sub(5,0)", () -> "[" + small.sub(5, 0).toHex() + "]");
		tryIt("getString(4,3)", () -> small.getString(4, 3));
		tryIt("blit overflow", () -> {
			small.blit(3, Bytes.alloc(4), 0, 4);
			"ok";
		});
		tryIt("blit negative", () -> {
			small.blit(0, Bytes.alloc(4), -1, 2);
			"ok";
		});
		tryIt("fill past end", () -> {
			small.fill(3, 10, 0);
			"ok";
		});
		tryIt("readByte at eof", () -> {
			var inp = new BytesInput(Bytes.alloc(1));
			inp.readByte();
			inp.readByte();
		});
		tryIt("readInt32 partial", () -> {
			var inp = new BytesInput(Bytes.ofHex("010203"));
			inp.readInt32();
		});
		tryIt("BytesInput bad range", () -> new BytesInput(small, 3, 10).readAll().toHex());

		Sys.println("== compare ==");
		var cs = ["", "a", "ab", "abc", "abd", "b", "\x00", "\u00ff", "\x7f"];
		for (x in cs) {
			var row = [];
			for (y in cs) {
				var c = Bytes.ofString(x).compare(Bytes.ofString(y));
				row.push(c < 0 ? "<" : (c > 0 ? ">" : "="));
			}
			Sys.println(StringTools.hex(Bytes.ofString(x).length) + ": " + row.join(""));
		}

		Sys.println("== sub / blit ==");
		var src = Bytes.alloc(16);
		for (i in 0...16)
			src.set(i, i);
		var dst = Bytes.alloc(16);
		dst.blit(4, src, 2, 8);
		Sys.println("blit " + dst.toHex());
		src.blit(2, src, 0, 10);
		Sys.println("self blit left " + src.toHex());
		for (i in 0...16)
			src.set(i, i);
		src.blit(0, src, 3, 10);
		Sys.println("self blit right " + src.toHex());
		var sb = src.sub(4, 6);
		sb.set(0, 0xEE);
		Sys.println("sub is a copy: " + sb.toHex() + " src[4]=" + src.get(4));

		Sys.println("== encodings ==");
		var text = "aé日😀";
		var u8 = Bytes.ofString(text, Encoding.UTF8);
		var raw = Bytes.ofString(text, Encoding.RawNative);
		Sys.println("utf8 " + u8.length + " " + u8.toHex());
		Sys.println("rawnative " + raw.length + " " + raw.toHex());
		Sys.println("utf8 back " + u8.getString(0, u8.length, Encoding.UTF8) + " raw back " + raw.getString(0, raw.length, Encoding.RawNative));
		Sys.println("partial utf8 " + u8.getString(0, 3) + " / " + u8.getString(3, 3));

		Sys.println("== BytesBuffer ==");
		var bb = new BytesBuffer();
		bb.addByte(0x7F);
		bb.addInt32(-2);
		bb.addInt64(haxe.Int64.make(1, 2));
		bb.addFloat(0.25);
		bb.addDouble(-1e-3);
		bb.addString("xy");
		bb.addString("é", Encoding.UTF8);
		bb.add(Bytes.ofHex("c0ffee"));
		bb.addBytes(Bytes.ofString("0123456789"), 3, 4);
		Sys.println("len " + bb.length);
		var bres = bb.getBytes();
		Sys.println("hex " + bres.toHex());

		Sys.println("== BytesOutput / BytesInput ==");
		for (bigEndian in [false, true]) {
			var o = new BytesOutput();
			o.bigEndian = bigEndian;
			o.writeByte(200);
			o.writeInt8(-100);
			o.writeInt16(-12345);
			o.writeUInt16(54321);
			o.writeInt24(-1000000);
			o.writeUInt24(0xABCDEF);
			o.writeInt32(0x12345678);
			o.writeFloat(3.5);
			o.writeDouble(Math.PI);
			o.writeString("end");
			var bytes = o.getBytes();
			Sys.println((bigEndian ? "BE " : "LE ") + bytes.length + " " + bytes.toHex());
			var inp = new BytesInput(bytes);
			inp.bigEndian = bigEndian;
			Sys.println("  read: " + inp.readByte() + " " + inp.readInt8() + " " + inp.readInt16() + " " + inp.readUInt16() + " " + inp.readInt24() + " "
				+ StringTools.hex(inp.readUInt24()) + " " + StringTools.hex(inp.readInt32()) + " " + inp.readFloat() + " " + inp.readDouble() + " "
				+ inp.readString(3) + " pos=" + inp.position + " len=" + inp.length);
		}
		var inp2 = new BytesInput(Bytes.ofString("0123456789abcdef"));
		inp2.position = 10;
		Sys.println("position set: " + String.fromCharCode(inp2.readByte()));
		var buf = Bytes.alloc(8);
		buf.fill(0, 8, 0x2E);
		var n = inp2.readBytes(buf, 2, 3);
		Sys.println("readBytes n=" + n + " buf=" + buf.toString());
		inp2.position = 0;
		var full = Bytes.alloc(4);
		inp2.readFullBytes(full, 0, 4);
		Sys.println("readFullBytes " + full.toString() + " then readLine: " + inp2.readLine());

		Sys.println("== crypto / checksums ==");
		for (s in ["", "a", "abc", "message digest", "The quick brown fox jumps over the lazy dog", "日本語😀"]) {
			var by = Bytes.ofString(s);
			Sys.println("[" + s + "] md5=" + haxe.crypto.Md5.encode(s) + " sha1=" + haxe.crypto.Sha1.encode(s) + " crc32=" + StringTools.hex(haxe.crypto.Crc32.make(by), 8)
				+ " adler=" + StringTools.hex(haxe.crypto.Adler32.make(by), 8));
			Sys.println("   sha256=" + haxe.crypto.Sha256.encode(s) + " b64=" + haxe.crypto.Base64.encode(by) + " b64url=" + haxe.crypto.Base64.urlEncode(by));
		}
		var dec = haxe.crypto.Base64.decode("SGVsbG8sIFdvcmxkIQ==");
		Sys.println("b64 decode: " + dec.toString());
		var big = Bytes.alloc(100000);
		for (i in 0...big.length)
			big.set(i, (i * 31 + (i >> 8)) & 0xFF);
		Sys.println("big md5=" + haxe.crypto.Md5.make(big).toHex() + " crc=" + StringTools.hex(haxe.crypto.Crc32.make(big), 8));
		var hx = new haxe.crypto.BaseCode(Bytes.ofString("0123456789abcdef"));
		Sys.println("basecode hex: " + hx.encodeString("Hi!") + " back " + hx.decodeString(hx.encodeString("Hi!")));
		Sys.println("done");
	}
}
