import haxe.io.FPHelper;
import haxe.io.Bytes;

class Main {
	static function fid(x:Float):Float {
		return x;
	}

	static function f32id(x:hl.F32):hl.F32 {
		return x;
	}

	static function roundTrip(x:Float):Float {
		return FPHelper.i32ToFloat(FPHelper.floatToI32(x));
	}

	static function main() {
		Sys.println("== FPHelper float32 ==");
		var vals = [0.0, 1.0, -1.0, 0.1, 0.2, 1 / 3, 3.4028234663852886e38, 3.5e38, 1e-45, 1e-46, 16777216.0, 16777217.0, 123456.789, -2.5, 65504.0,
			Math.PI, Math.NaN, Math.POSITIVE_INFINITY, Math.NEGATIVE_INFINITY, 1e39, -1e39];
		for (v in vals) {
			var x = fid(v);
			var bits = FPHelper.floatToI32(x);
			Sys.println(x + " -> bits " + StringTools.hex(bits, 8) + " -> " + FPHelper.i32ToFloat(bits));
		}
		Sys.println("== FPHelper float64 ==");
		for (v in [0.0, 1.0, -2.0, 0.1, 1e308, 5e-324, Math.PI, Math.NEGATIVE_INFINITY]) {
			var i = FPHelper.doubleToI64(fid(v));
			Sys.println(v + " -> " + StringTools.hex(i.high, 8) + StringTools.hex(i.low, 8) + " -> " + FPHelper.i64ToDouble(i.low, i.high));
		}
		var nb = FPHelper.doubleToI64(Math.NaN);
		Sys.println("nan64 isNaN back: " + Math.isNaN(FPHelper.i64ToDouble(nb.low, nb.high)));
		Sys.println("bits to float: " + FPHelper.i32ToFloat(0x3F800000) + " " + FPHelper.i32ToFloat(0xC0490FDB) + " " + FPHelper.i32ToFloat(0x00000001) + " "
			+ FPHelper.i32ToFloat(0x7F800000) + " " + FPHelper.i32ToFloat(0x7F7FFFFF));

		Sys.println("== hl.F32 arithmetic ==");
		var a:hl.F32 = f32id(0.1);
		var b:hl.F32 = f32id(0.2);
		var c:hl.F32 = a + b;
		Sys.println("f32 0.1 = " + a);
		Sys.println("f32 0.1+0.2 = " + c);
		Sys.println("f32 as float = " + (c : Float));
		var d:Float = a;
		Sys.println("f32 widened = " + d + " == 0.1 ? " + (d == 0.1));
		var acc:hl.F32 = 0;
		for (i in 0...1000)
			acc += f32id(0.1);
		Sys.println("f32 sum 0.1 x1000 = " + acc);
		var big:hl.F32 = f32id(16777216.0);
		Sys.println("f32 2^24 + 1 = " + (big + f32id(1.0)));
		var m:hl.F32 = f32id(1.5) * f32id(2.25);
		Sys.println("f32 mul = " + m + " div = " + (f32id(1.0) / f32id(3.0)));
		var ov:hl.F32 = f32id(3e38) * f32id(10.0);
		Sys.println("f32 overflow = " + ov);
		Sys.println("f32 int conv = " + Std.int(f32id(1234.75)) + " " + Std.int(f32id(-1234.75)));
		var fromInt:hl.F32 = 16777217;
		Sys.println("f32 from int 16777217 = " + fromInt);
		Sys.println("f32 compare: " + (f32id(0.1) < f32id(0.2)) + " " + (f32id(0.1) == f32id(0.1)) + " " + ((f32id(0.1) : Float) == 0.1));

		Sys.println("== hl.Bytes f32 ==");
		var hb = new hl.Bytes(64);
		for (i in 0...8)
			hb.setF32(i * 4, i * 0.3);
		var parts = [];
		for (i in 0...8)
			parts.push(Std.string(hb.getF32(i * 4)));
		Sys.println("setF32/getF32: " + parts.join(" "));
		for (i in 0...4)
			hb.setF64(32 + i * 8, i * 0.3);
		var parts2 = [];
		for (i in 0...4)
			parts2.push(Std.string(hb.getF64(32 + i * 8)));
		Sys.println("setF64/getF64: " + parts2.join(" "));
		Sys.println("raw int of f32 0.3*1: " + StringTools.hex(hb.getI32(4), 8));

		Sys.println("== haxe.io.Bytes float ==");
		var bytes = Bytes.alloc(32);
		bytes.setFloat(0, fid(1.1));
		bytes.setDouble(8, fid(1.1));
		bytes.setFloat(16, fid(-1e-40));
		bytes.setFloat(20, fid(1e40));
		Sys.println("getFloat 1.1 = " + bytes.getFloat(0));
		Sys.println("getDouble 1.1 = " + bytes.getDouble(8));
		Sys.println("getFloat denormal = " + bytes.getFloat(16));
		Sys.println("getFloat overflow = " + bytes.getFloat(20));
		Sys.println("hex = " + bytes.toHex());

		Sys.println("== hl.NativeArray<F32> / Vector ==");
		var na = new hl.NativeArray<hl.F32>(10);
		for (i in 0...10)
			na[i] = i / 7;
		var s = new StringBuf();
		for (i in 0...10) {
			s.add(na[i]);
			s.add(" ");
		}
		Sys.println(s.toString());
		var total:Float = 0;
		for (i in 0...10)
			total += na[i];
		Sys.println("total = " + total);

		Sys.println("== roundtrip table ==");
		var x = 1.0;
		for (i in 0...20) {
			var r = roundTrip(x);
			Sys.println(x + " -> " + r + " exact=" + (r == x));
			x = x * 3.7 + 0.013;
		}
		Sys.println("done");
	}
}
