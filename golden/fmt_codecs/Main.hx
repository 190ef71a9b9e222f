// Every image and sound native of HashLink's fmt library, through hl.Format
// and the natives Heaps declares, on the files of runtime/tests/data/fmt:
// digests of every output, which must equal fmt.hdll's byte for byte.
import hl.Format;

private typedef OggFile = hl.Abstract<"fmt_ogg">;
private typedef Mp3File = hl.Abstract<"fmt_mp3">;

class Main {
	static var DATA = "../../runtime/tests/data/fmt/";

	static function md5(b:haxe.io.Bytes, len:Int)
		return haxe.crypto.Md5.make(b.sub(0, len)).toHex();

	static function load(name:String)
		return sys.io.File.getBytes(DATA + name);

	static function png() {
		// (format, bytes per pixel, components per pixel).
		var formats = [[0, 3, 3], [1, 3, 3], [7, 4, 4], [8, 4, 4], [9, 4, 4], [10, 4, 4], [12, 2, 1], [13, 6, 3], [14, 8, 4], [15, 4, 2]];
		for (file in ["rgba8", "pal", "graya8", "rgba16", "rgba8_interlaced", "gray16", "rgb8", "rgb8_gamma10", "rgba16_sbit", "ga16", "rgb16_gamma",
			"rgba8_gamma", "ga8_srgb", "gray4", "gray_trns", "pal_opaque"]) {
			var src = load(file + ".png");
			var digest = "";
			for (f in formats) {
				// Formats without alpha compose onto the buffer's bytes: start from a pattern.
				var dst = haxe.io.Bytes.alloc(21 * 13 * f[1]);
				for (i in 0...dst.length)
					dst.set(i, i * 7);
				var ok = Format.decodePNG(src, src.length, dst, 21, 13, 21 * f[2], cast f[0], 0);
				digest += '$ok ${md5(dst, dst.length)} ';
			}
			Sys.println('png $file: ${haxe.crypto.Md5.encode(digest)}');
		}
		// Bottom-up rows with padding.
		var src = load("pal.png");
		var dst = haxe.io.Bytes.alloc(13 * 100);
		Sys.println('png flipped: ${Format.decodePNG(src, src.length, dst, 21, 13, 100, ARGB, 1)} ${md5(dst, dst.length)}');
		var src = load("rgba8.png");
		var dst = haxe.io.Bytes.alloc(21 * 13 * 4);
		Sys.println('png wrong size: ${Format.decodePNG(src, src.length, dst, 20, 13, 80, RGBA, 0)}');
		try {
			Format.decodePNG(src, src.length, dst, 21, 13, 84, cast 3, 0);
		} catch (e:Dynamic) {
			Sys.println('png bad format: $e');
		}
	}

	static function jpg() {
		// Every file in two layouts, bottom-up with padding.
		for (file in ["q85_420", "q90_444", "q75_422", "gray", "progressive", "s440", "s411", "arith", "restart", "odd_420"]) {
			var src = load(file + ".jpg");
			var dst = haxe.io.Bytes.alloc(67 * 41 * 4 + 64);
			var w = file == "odd_420" ? 67 : file.charAt(0) == "q" || file == "gray" || file == "progressive" ? 37 : 45;
			var h = file == "odd_420" ? 41 : w == 37 ? 29 : 35;
			var ok = Format.decodeJPG(src, src.length, dst, w, h, w * 4 + 3, BGRA, 1);
			var ok2 = Format.decodeJPG(src, src.length, dst, w, h, 0, RGBA, 0);
			Sys.println('jpg $file: $ok $ok2 ${md5(dst, dst.length)}');
		}
		// Every scaling factor TurboJPEG offers (n/8 of the size), and sizes between.
		var src = load("q85_420.jpg");
		var digest = "";
		for (n in 1...17) {
			var dst = haxe.io.Bytes.alloc(80 * 64 * 4);
			var ok = Format.decodeJPG(src, src.length, dst, Std.int((37 * n + 7) / 8), Std.int((29 * n + 7) / 8), 0, RGBA, 0);
			digest += '$ok ${md5(dst, dst.length)} ';
		}
		Sys.println('jpg scaled: ${haxe.crypto.Md5.encode(digest)}');
		var dst = haxe.io.Bytes.alloc(37 * 29 * 4);
		Sys.println('jpg 36x29: ${Format.decodeJPG(src, src.length, dst, 36, 29, 0, RGBA, 0)} ${md5(dst, dst.length)}');
		Sys.println('jpg truncated: ${Format.decodeJPG(src, 300, dst, 37, 29, 0, RGBA, 0)}');
		var raw = load("encode_src.rgba");
		for (ss in 0...6)
			for (q in [0, 75, 96]) {
				var len = 0;
				var out:hl.Bytes = jpg_encode(raw, 37, 29, 37 * 4, 7, ss, q, ss & 1, len);
				Sys.println('jpg encode $ss q$q: $len ${md5(out.toBytes(len), len)}');
			}
		var len = 0;
		var bad = jpg_encode(raw, 37, 29, 0, 7, 2, 101, 0, len);
		Sys.println('jpg encode quality 101: ${bad == null} $len');
	}

	@:hlNative("fmt", "jpg_encode") static function jpg_encode(data:hl.Bytes, width:Int, height:Int, stride:Int, format:Int, subsamp:Int, quality:Int,
		flags:Int, outLength:hl.Ref<Int>):hl.Bytes
		return null;

	static function dxt() {
		var blocks = haxe.io.Bytes.alloc(16 * 4);
		var seed = 7;
		for (i in 0...blocks.length) {
			seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
			blocks.set(i, seed >> 16);
		}
		for (format in 1...5) {
			var out = haxe.io.Bytes.alloc(8 * 8 * 4);
			var ok = Format.decodeDXT(blocks, out, 8, 8, format);
			Sys.println('dxt $format: $ok ${md5(out, out.length)}');
		}
		var out = haxe.io.Bytes.alloc(6 * 8 * 4);
		Format.decodeDXT(blocks, out, 6, 8, 1);
		Sys.println('dxt width 6: ${md5(out, out.length)}');
	}

	static function scale() {
		var src = load("encode_src.rgba");
		for (flags in [0, 1]) {
			var out = haxe.io.Bytes.alloc(50 * 20 * 4 + 8);
			Format.scaleImage(out, 8, 50 * 4, 50, 20, src, 4, 37 * 4, 36, 29, flags);
			Sys.println('img_scale $flags: ${md5(out, out.length)}');
		}
	}

	static function ogg() {
		for (file in ["stereo", "mono", "long", "chained", "offset", "stereo44"]) {
			var src = load(file + ".ogg");
			var o = ogg_open(src, src.length);
			var b = 0, f = 0, s = 0, c = 0;
			ogg_info(o, b, f, s, c);
			Sys.println('ogg $file: bitrate $b freq $f samples $s channels $c tell ${ogg_tell(o)}');
			var all = new haxe.io.BytesBuffer();
			var buf = haxe.io.Bytes.alloc(4096);
			var calls = 0;
			while (true) {
				var n = ogg_read(o, buf, 4096, 2);
				if (n <= 0)
					break;
				calls++;
				all.addBytes(buf, 0, n);
			}
			var pcm = all.getBytes();
			Sys.println('  read: $calls calls, ${pcm.length} bytes, tell ${ogg_tell(o)}, ${md5(pcm, pcm.length)}');
			var seeks = "";
			for (target in [1000, s >> 1, 3, s - 10, s + 1]) {
				var ok = ogg_seek(o, target);
				var n = ogg_read(o, buf, 4096, target & 1 == 0 ? 1 | 256 : 2 | 128);
				seeks += '$target: $ok ${ogg_tell(o)} $n ${md5(buf, n < 0 ? 0 : n)}; ';
			}
			Sys.println('  seeks: ${haxe.crypto.Md5.encode(seeks)}');
		}
		var junk = haxe.io.Bytes.alloc(100);
		Sys.println('ogg junk: ${ogg_open(junk, 100) == null}');
	}

	@:hlNative("fmt", "ogg_open") static function ogg_open(bytes:hl.Bytes, size:Int):OggFile
		return null;

	@:hlNative("fmt", "ogg_seek") static function ogg_seek(o:OggFile, sample:Int):Bool
		return false;

	@:hlNative("fmt", "ogg_tell") static function ogg_tell(o:OggFile):Int
		return 0;

	@:hlNative("fmt", "ogg_info") static function ogg_info(o:OggFile, bitrate:hl.Ref<Int>, freq:hl.Ref<Int>, samples:hl.Ref<Int>, channels:hl.Ref<Int>):Void {}

	@:hlNative("fmt", "ogg_read") static function ogg_read(o:OggFile, output:hl.Bytes, size:Int, format:Int):Int
		return 0;

	static function mp3() {
		for (file in ["stereo", "mono"]) {
			var src = load(file + ".mp3");
			var m = mp3_open();
			var out = haxe.io.Bytes.alloc(1152 * 2 * 4);
			var pos = 0, frames = 0;
			var digest = "";
			while (true) {
				var n = mp3_decode_frame(m, src, src.length, pos, out, out.length, 0);
				var kbps = 0, ch = 0, bytes = 0, hz = 0, layer = 0;
				mp3_frame_info(m, kbps, ch, bytes, hz, layer);
				if (n <= 0) {
					Sys.println('mp3 $file: $frames frames, last result $n, info $kbps $ch $bytes $hz $layer, digest ${haxe.crypto.Md5.encode(digest)}');
					break;
				}
				digest += md5(out, n * ch * 4);
				frames++;
				pos += bytes;
			}
		}
		var m = mp3_open();
		var src = load("stereo.mp3");
		var out = haxe.io.Bytes.alloc(16);
		Sys.println('mp3 small output: ${mp3_decode_frame(m, src, src.length, 0, out, 16, 0)}, bad position: ${mp3_decode_frame(m, src, src.length, src.length, out, 16, 0)}');
	}

	@:hlNative("fmt", "mp3_open") static function mp3_open():Mp3File
		return null;

	@:hlNative("fmt", "mp3_frame_info") static function mp3_frame_info(o:Mp3File, bitrate:hl.Ref<Int>, channels:hl.Ref<Int>, frameBytes:hl.Ref<Int>,
		hz:hl.Ref<Int>, layer:hl.Ref<Int>):Void {}

	@:hlNative("fmt", "mp3_decode_frame") static function mp3_decode_frame(o:Mp3File, bytes:hl.Bytes, size:Int, position:Int, output:hl.Bytes,
		outputSize:Int, offset:Int):Int
		return 0;

	static function mikkt() {
		// A bent strip of four triangles with skewed texture coordinates.
		var verts = [
			0., 0., 0., 0., 0., 1., 0., 0.,
			1., 0., 0.2, 0., 0.2, 1., 0.9, 0.1,
			1., 1., 0.1, 0.1, 0., 1., 1., 1.2,
			0., 1., 0., 0., 0.1, 1., 0., 1.,
			2., 0.5, 0.8, 0.5, 0., 0.8, 1.7, 0.4,
		];
		var idx = [0, 1, 2, 0, 2, 3, 1, 4, 2, 2, 4, 3];
		var m = new hl.Format.Mikktspace();
		var buf = new hl.Bytes(verts.length * 4);
		for (i in 0...verts.length)
			buf.setF32(i * 4, verts[i]);
		var ib = new hl.Bytes(idx.length * 4);
		for (i in 0...idx.length)
			ib.setI32(i * 4, idx[i]);
		var tb = new hl.Bytes(idx.length * 4 * 4);
		m.buffer = buf;
		m.stride = 8;
		m.xPos = 0;
		m.normalPos = 3;
		m.uvPos = 6;
		m.tangents = tb;
		m.tangentStride = 4;
		m.tangentPos = 0;
		m.indexes = ib;
		m.indices = idx.length;
		for (threshold in [180., 30.]) {
			m.compute(threshold);
			// The exact bits of every float: MikkTSpace must match to the last bit.
			var parts = [];
			for (i in 0...idx.length * 4)
				parts.push(StringTools.hex(tb.getI32(i * 4), 8));
			Sys.println('mikkt $threshold: ${parts.join(" ")}');
		}
		// A bumpy 4x4 grid with distorted texture coordinates: the angular
		// threshold splits some vertices' tangent groups.
		var seed = 11;
		function rnd() {
			seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
			return (seed >> 8) / (1 << 23) - 0.5;
		}
		var gv = new hl.Bytes(16 * 8 * 4);
		for (y in 0...4)
			for (x in 0...4) {
				var p = (y * 4 + x) * 8 * 4;
				gv.setF32(p, x);
				gv.setF32(p + 4, y);
				gv.setF32(p + 8, rnd());
				gv.setF32(p + 12, rnd() * 0.3);
				gv.setF32(p + 16, rnd() * 0.3);
				gv.setF32(p + 20, 1);
				gv.setF32(p + 24, x + rnd() * 1.6);
				gv.setF32(p + 28, y + rnd() * 1.6);
			}
		var gi = [];
		for (y in 0...3)
			for (x in 0...3) {
				var a = y * 4 + x;
				gi = gi.concat([a, a + 1, a + 5, a, a + 5, a + 4]);
			}
		var gib = new hl.Bytes(gi.length * 4);
		for (i in 0...gi.length)
			gib.setI32(i * 4, gi[i]);
		var gt = new hl.Bytes(gi.length * 16);
		m.buffer = gv;
		m.indexes = gib;
		m.indices = gi.length;
		m.tangents = gt;
		var first = null;
		for (threshold in [180., 30., 5.]) {
			m.compute(threshold);
			var digest = haxe.crypto.Md5.make(gt.toBytes(gi.length * 16)).toHex();
			var differ = 0;
			if (first == null)
				first = gt.toBytes(gi.length * 16).sub(0, gi.length * 16);
			else
				for (i in 0...gi.length * 4)
					if (first.getInt32(i * 4) != gt.getI32(i * 4))
						differ++;
			Sys.println('mikkt grid $threshold: $digest, $differ floats differ from 180');
		}
		// Heaps' own library has the same native (libs/heaps/mikkt.c).
		heaps_compute_mikkt_tangents(m, 30.);
		Sys.println('heaps mikkt grid 30: ${haxe.crypto.Md5.make(gt.toBytes(gi.length * 16)).toHex()}');
		m.indices = 2;
		try {
			m.compute();
		} catch (e:Dynamic) {
			Sys.println('mikkt no triangle: $e');
		}
	}

	@:hlNative("heaps", "compute_mikkt_tangents") static function heaps_compute_mikkt_tangents(m:Dynamic, threshold:Float):Bool
		return false;

	static function ui() {
		ui_init();
		var r = ui_dialog(@:privateAccess "Title é".bytes, @:privateAccess "message".bytes, 0);
		Sys.println('ui dialog: $r, loop ${ui_loop(false)}, clipboard ${ui_get_clipboard_text() == null} ${ui_set_clipboard_text(null)}');
	}

	@:hlNative("ui", "ui_init") static function ui_init():Void {}

	@:hlNative("ui", "ui_dialog") static function ui_dialog(title:hl.Bytes, msg:hl.Bytes, flags:Int):Int
		return 0;

	@:hlNative("ui", "ui_loop") static function ui_loop(blocking:Bool):Int
		return 0;

	@:hlNative("ui", "ui_get_clipboard_text") static function ui_get_clipboard_text():hl.Bytes
		return null;

	@:hlNative("ui", "ui_set_clipboard_text") static function ui_set_clipboard_text(t:hl.Bytes):Bool
		return false;

	static function main() {
		png();
		jpg();
		dxt();
		scale();
		ogg();
		mp3();
		mikkt();
		ui();
	}
}
