import haxe.io.Bytes;
import haxe.io.BytesBuffer;
import haxe.io.BytesInput;
import haxe.io.BytesOutput;
import haxe.io.Eof;
import haxe.io.Encoding;

class Main {
	static function main() {
		// BytesOutput with mixed data, little endian (default)
		var out = new BytesOutput();
		out.writeByte(0x7F);
		out.writeInt16(-2);
		out.writeUInt16(0xABCD);
		out.writeInt24(-100000);
		out.writeInt32(0x01020304);
		out.writeFloat(1.25);
		out.writeDouble(-Math.PI);
		out.writeString("héllo");
		out.writeByte(0);
		var bytes = out.getBytes();
		Sys.println("written " + bytes.length + " bytes: " + bytes.toHex());

		var inp = new BytesInput(bytes);
		Sys.println("byte=" + inp.readByte() + " int16=" + inp.readInt16() + " uint16=" + StringTools.hex(inp.readUInt16()) + " int24=" + inp.readInt24() + " int32=" + StringTools.hex(inp.readInt32()));
		Sys.println("float=" + inp.readFloat() + " double=" + inp.readDouble() + " string=" + inp.readString(6) + " pos=" + inp.position + " left=" + inp.length);
		Sys.println("last byte=" + inp.readByte());
		try {
			inp.readByte();
			Sys.println("no eof?");
		} catch (e:Eof) {
			Sys.println("eof caught");
		}

		// Big endian
		var be = new BytesOutput();
		be.bigEndian = true;
		be.writeInt32(0x01020304);
		be.writeInt16(0x0506);
		be.writeDouble(1.0);
		var beBytes = be.getBytes();
		Sys.println("big endian: " + beBytes.toHex());
		var bin = new BytesInput(beBytes);
		bin.bigEndian = true;
		Sys.println("read back: " + StringTools.hex(bin.readInt32()) + " " + StringTools.hex(bin.readInt16()) + " " + bin.readDouble());

		// readLine / readUntil / readAll
		var text = Bytes.ofString("line one\nline two\r\nthird;rest of it");
		var ti = new BytesInput(text);
		Sys.println("readLine: [" + ti.readLine() + "] [" + ti.readLine() + "]");
		Sys.println("readUntil ';': [" + ti.readUntil(";".code) + "] readAll: [" + ti.readAll().toString() + "]");

		// Bytes ops
		var b = Bytes.alloc(16);
		for (i in 0...16)
			b.set(i, i * 17);
		Sys.println("alloc+set: " + b.toHex());
		var c = Bytes.alloc(16);
		c.fill(0, 16, 0xEE);
		c.blit(4, b, 0, 8);
		Sys.println("blit: " + c.toHex());
		b.blit(2, b, 0, 10);
		Sys.println("overlapping blit: " + b.toHex());
		Sys.println("sub: " + b.sub(3, 4).toHex() + " getString: " + Bytes.ofString("abcdef").getString(1, 3));
		var h = Bytes.ofHex("48656c6c6f");
		Sys.println("ofHex: " + h.toString() + " length " + h.length);
		var cmp = [Bytes.ofString("abc").compare(Bytes.ofString("abc")), Bytes.ofString("abc").compare(Bytes.ofString("abd")), Bytes.ofString("b").compare(Bytes.ofString("abc")), Bytes.ofString("ab").compare(Bytes.ofString("abc"))];
		Sys.println("compare: " + cmp);
		var u = Bytes.ofString("日本é😀");
		Sys.println("utf8 bytes: " + u.length + " hex " + u.toHex() + " back " + u.toString());
		var i64 = Bytes.alloc(8);
		i64.setInt64(0, haxe.Int64.make(0x01020304, 0x05060708));
		Sys.println("int64 bytes: " + i64.toHex() + " back: " + i64.getInt64(0));
		var fl = Bytes.alloc(4);
		fl.setFloat(0, 3.5);
		Sys.println("float32 bytes: " + fl.toHex() + " " + fl.getFloat(0));

		// BytesBuffer
		var bb = new BytesBuffer();
		bb.addByte(1);
		bb.addInt32(-1);
		bb.addInt64(haxe.Int64.ofInt(258));
		bb.addFloat(0.5);
		bb.addDouble(2.0);
		bb.addString("xyz");
		bb.add(Bytes.ofString("!!"));
		bb.addBytes(Bytes.ofString("abcdef"), 2, 2);
		Sys.println("buffer length " + bb.length);
		var res = bb.getBytes();
		Sys.println("buffer: " + res.toHex());

		// simple checksum / run length encoding over bytes
		var src = Bytes.ofString("aaaabbbcccccccccccdddddddddddddddddddde");
		var rle = new BytesOutput();
		var i = 0;
		while (i < src.length) {
			var v = src.get(i);
			var run = 1;
			while (i + run < src.length && src.get(i + run) == v && run < 255)
				run++;
			rle.writeByte(run);
			rle.writeByte(v);
			i += run;
		}
		var enc = rle.getBytes();
		Sys.println("rle: " + enc.toHex());
		var dec = new BytesBuffer();
		var ri = new BytesInput(enc);
		while (ri.position < enc.length) {
			var n = ri.readByte();
			var v = ri.readByte();
			for (_ in 0...n)
				dec.addByte(v);
		}
		Sys.println("rle roundtrip: " + (dec.getBytes().toString() == src.toString()));
		var sum = 0;
		for (k in 0...src.length)
			sum = (sum * 31 + src.get(k)) & 0xFFFFFF;
		Sys.println("checksum: " + sum);
		trace("bytes done");
	}
}
