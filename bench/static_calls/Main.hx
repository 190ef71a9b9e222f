// Small static functions called in the innermost loop (gcc inlines them in
// HL/C): integer mixing, a float clamp and lerp, a min/max pair.
class Main {
	static function mix(h:Int, v:Int):Int {
		return (h ^ v) * 16777619;
	}

	static function rotl(x:Int, r:Int):Int {
		return (x << r) | (x >>> (32 - r));
	}

	static function clamp(v:Float, lo:Float, hi:Float):Float {
		return v < lo ? lo : (v > hi ? hi : v);
	}

	static function lerp(a:Float, b:Float, t:Float):Float {
		return a + (b - a) * t;
	}

	static function imin(a:Int, b:Int):Int {
		return a < b ? a : b;
	}

	static function imax(a:Int, b:Int):Int {
		return a > b ? a : b;
	}

	static function main() {
		var h = 0x811C9DC5;
		var lo = 0x7FFFFFFF, hi = 0;
		for (i in 0...60000000) {
			h = mix(h, rotl(i, i & 31));
			var m = h & 0xFFFF;
			lo = imin(lo, m);
			hi = imax(hi, m);
		}
		Sys.println("ints " + h + " " + lo + " " + hi);
		var acc = 0.0;
		var x = 0.0;
		for (i in 0...40000000) {
			x = lerp(x, (i & 255) / 255.0, 0.25);
			acc += clamp(x * 1.5 - 0.25, 0.0, 1.0);
		}
		Sys.println("floats " + Math.round(acc));
	}
}
