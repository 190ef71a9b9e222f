// Codec natives of the fmt library: on a 1024x1024 picture, PNG decoding (a
// file written with haxe.zip.Compress), JPEG encoding, full-size and
// half-size JPEG decoding, DXT5 decoding and bilinear scaling; then Ogg Vorbis
// decoding of a 1 s 44.1 kHz stereo file. Prints digests, which agree with hl.
import hl.Format;

class Main {
	static inline var W = 1024;
	static inline var H = 1024;

	static function picture() {
		var b = haxe.io.Bytes.alloc(W * H * 4);
		var seed = 1;
		for (y in 0...H)
			for (x in 0...W) {
				seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
				var p = (y * W + x) * 4;
				b.set(p, (x >> 2) + (seed >> 28));
				b.set(p + 1, (y >> 2) ^ (x >> 5));
				b.set(p + 2, ((x + y) >> 3) + (seed >> 29));
				b.set(p + 3, 255 - (y >> 3));
			}
		return b;
	}

	static function chunk(out:haxe.io.BytesOutput, kind:String, data:haxe.io.Bytes) {
		out.bigEndian = true;
		out.writeInt32(data.length);
		var body = new haxe.io.BytesOutput();
		body.writeString(kind);
		body.write(data);
		var all = body.getBytes();
		out.write(all);
		out.writeInt32(haxe.crypto.Crc32.make(all));
	}

	static function png(px:haxe.io.Bytes) {
		var raw = haxe.io.Bytes.alloc(H * (W * 4 + 1));
		for (y in 0...H)
			raw.blit(y * (W * 4 + 1) + 1, px, y * W * 4, W * 4);
		var out = new haxe.io.BytesOutput();
		out.write(haxe.io.Bytes.ofHex("89504e470d0a1a0a"));
		var ihdr = new haxe.io.BytesOutput();
		ihdr.bigEndian = true;
		ihdr.writeInt32(W);
		ihdr.writeInt32(H);
		ihdr.write(haxe.io.Bytes.ofHex("0806000000"));
		chunk(out, "IHDR", ihdr.getBytes());
		chunk(out, "IDAT", haxe.zip.Compress.run(raw, 6));
		chunk(out, "IEND", haxe.io.Bytes.alloc(0));
		return out.getBytes();
	}

	@:hlNative("fmt", "jpg_encode") static function jpg_encode(data:hl.Bytes, width:Int, height:Int, stride:Int, format:Int, subsamp:Int, quality:Int,
		flags:Int, outLength:hl.Ref<Int>):hl.Bytes
		return null;

	static function main() {
		var px = picture();
		var dst = haxe.io.Bytes.alloc(W * H * 4);
		var file = png(px);
		var ok = true;
		for (i in 0...10)
			ok = ok && Format.decodePNG(file, file.length, dst, W, H, W * 4, BGRA, 0);
		Sys.println('png: $ok ${haxe.crypto.Md5.make(dst).toHex()}');
		var len = 0;
		var jpg:hl.Bytes = null;
		for (i in 0...5)
			jpg = jpg_encode(px, W, H, W * 4, 7, 2, 90, 0, len);
		Sys.println('jpg encode: $len ${haxe.crypto.Md5.make(jpg.toBytes(len)).toHex()}');
		for (i in 0...10)
			ok = ok && Format.decodeJPG(jpg, len, dst, W, H, W * 4, BGRA, 0);
		Sys.println('jpg: $ok ${haxe.crypto.Md5.make(dst).toHex()}');
		var half = haxe.io.Bytes.alloc(W * H);
		for (i in 0...10)
			ok = ok && Format.decodeJPG(jpg, len, half, W >> 1, H >> 1, 0, RGBA, 0);
		Sys.println('jpg 1/2: $ok ${haxe.crypto.Md5.make(half).toHex()}');
		var out = haxe.io.Bytes.alloc(W * H * 4);
		for (i in 0...10)
			Format.decodeDXT(px, out, W, H, 3);
		Sys.println('dxt: ${haxe.crypto.Md5.make(out).toHex()}');
		var small = haxe.io.Bytes.alloc(700 * 600 * 4);
		for (i in 0...10)
			Format.scaleImage(small, 0, 700 * 4, 700, 600, px, 0, W * 4, W, H, 1);
		Sys.println('scale: ${haxe.crypto.Md5.make(small).toHex()}');
		var ogg = sys.io.File.getBytes("../../runtime/tests/data/fmt/stereo44.ogg");
		var buf = haxe.io.Bytes.alloc(4096);
		var sum = 0;
		for (i in 0...20) {
			var o = ogg_open(ogg, ogg.length);
			while (true) {
				var n = ogg_read(o, buf, 4096, 2);
				if (n <= 0)
					break;
				sum = (sum * 31 + buf.getInt32(0) + n) | 0;
			}
		}
		Sys.println('ogg: $sum');
	}

	@:hlNative("fmt", "ogg_open") static function ogg_open(bytes:hl.Bytes, size:Int):hl.Abstract<"fmt_ogg">
		return null;

	@:hlNative("fmt", "ogg_read") static function ogg_read(o:hl.Abstract<"fmt_ogg">, output:hl.Bytes, size:Int, format:Int):Int
		return 0;
}
