class Main {
	static function fid(x:Float):Float {
		return x;
	}

	static function id(x:Int):Int {
		return x;
	}

	static function main() {
		var nan = fid(Math.NaN);
		var inf = fid(Math.POSITIVE_INFINITY);
		var ninf = fid(Math.NEGATIVE_INFINITY);
		var nz = fid(-0.0);

		Sys.println("== float -> int ==");
		var fs = [0.0, 0.4, 0.5, 0.6, 1.5, 2.5, -0.4, -0.5, -0.6, -1.5, -2.5, 1e9, 2147483647.0, 2147483647.9, 2147483648.0, -2147483648.0, -2147483649.0,
			4294967296.0, 1e10, -1e10, 1e20, -1e20, 1e300, 123456.789, -98765.4321, 0.999999999, -0.999999999];
		for (f in fs) {
			var x = fid(f);
			Sys.println(x + ": int=" + Std.int(x) + " floor=" + Math.floor(x) + " ceil=" + Math.ceil(x) + " round=" + Math.round(x) + " ffloor=" + Math.ffloor(x)
				+ " fceil=" + Math.fceil(x) + " fround=" + Math.fround(x));
		}
		Sys.println("nan int=" + Std.int(nan) + " inf int=" + Std.int(inf) + " -inf int=" + Std.int(ninf));
		Sys.println("nan floor=" + Math.floor(nan) + " inf floor=" + Math.floor(inf) + " round inf=" + Math.round(inf));
		Sys.println("ffloor nan=" + Math.ffloor(nan) + " fround -inf=" + Math.fround(ninf) + " fceil -0.5=" + Math.fceil(fid(-0.5)));
		var casted:Int = cast fid(3.99);
		Sys.println("Std.int of int division: " + Std.int(id(7) / id(2)) + " " + Std.int(id(-7) / id(2)) + " " + Std.int(id(1) / id(0)) + " "
			+ Std.int(id(-1) / id(0)) + " " + Std.int(id(0) / id(0)));

		Sys.println("== int -> float ==");
		for (i in [0, 1, -1, 0x7FFFFFFF, 0x80000000, 16777217, -16777217]) {
			var f:Float = id(i);
			Sys.println(i + " -> " + f + " *1.5=" + (f * 1.5) + " /3=" + (f / 3));
		}

		Sys.println("== printing ==");
		var pv = [0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1e21, 1e-7, 1.5e-5, 123456789012345.0, 1234567890123456789.0, 5e-324, 1.7976931348623157e308, 100.0,
			1e15, 1e16, 1e17, 0.000001, 0.0000001, 3.14159265358979, 2.718281828459045, -0.0, 1.0e100, 255 / 256, 1.1, 2.2, 3.3];
		for (v in pv)
			Sys.println(Std.string(fid(v)));
		Sys.println("nan=" + nan + " inf=" + inf + " -inf=" + ninf + " -0=" + nz);

		Sys.println("== -0.0 ==");
		Sys.println("-0 == 0: " + (nz == 0.0));
		Sys.println("1/-0: " + (1 / nz));
		Sys.println("1/0: " + (1 / fid(0.0)));
		Sys.println("-0 * 5: " + (nz * 5) + " 1/(nz*5)=" + (1 / (nz * 5)));
		Sys.println("0 * -1: " + (fid(0.0) * -1) + " 1/x=" + (1 / (fid(0.0) * -1)));
		Sys.println("abs(-0)=" + Math.abs(nz) + " 1/abs=" + (1 / Math.abs(nz)));
		Sys.println("sqrt(-0)=" + Math.sqrt(nz) + " 1/sqrt=" + (1 / Math.sqrt(nz)));
		Sys.println("-0 + 0 = " + (nz + 0.0) + " 1/=" + (1 / (nz + 0.0)));
		Sys.println("-0 - 0 = " + (nz - 0.0) + " 1/=" + (1 / (nz - 0.0)));
		Sys.println("min(0,-0): " + (1 / Math.min(fid(0.0), nz)) + " max(-0,0): " + (1 / Math.max(nz, fid(0.0))));
		Sys.println("round(-0.4): " + (1 / Math.fround(fid(-0.4))));
		Sys.println("Std.int(-0.0): " + Std.int(nz));

		Sys.println("== modulo ==");
		var ma = [5.5, -5.5, 7.0, -7.0, 0.0, 1e10, 0.3, 2.0];
		var mb = [2.0, -2.0, 0.1, 3.0, 0.0, inf, nan, 1.5];
		for (a in ma) {
			var row = [];
			for (b in mb)
				row.push(Std.string(fid(a) % fid(b)));
			Sys.println(a + ": " + row.join(" "));
		}
		Sys.println("inf % 2 = " + (inf % 2) + " -0 % 3 = " + (1 / (nz % 3)));

		Sys.println("== arithmetic ==");
		Sys.println("inf-inf=" + (inf - inf) + " inf*0=" + (inf * 0) + " inf+inf=" + (inf + inf) + " inf/inf=" + (inf / inf) + " -inf*-1=" + (ninf * -1));
		Sys.println("nan+1=" + (nan + 1) + " nan*0=" + (nan * 0) + " 0/0=" + (fid(0.0) / fid(0.0)));
		Sys.println("sqrt(-1)=" + Math.sqrt(fid(-1)) + " log(0)=" + Math.log(fid(0)) + " log(-1)=" + Math.log(fid(-1)) + " exp(1000)=" + Math.exp(fid(1000))
			+ " exp(-1000)=" + Math.exp(fid(-1000)));
		Sys.println("pow: " + Math.pow(2, 10) + " " + Math.pow(2, -1) + " " + Math.pow(fid(-8), 1 / 3) + " " + Math.pow(0, 0) + " " + Math.pow(nan, 0) + " "
			+ Math.pow(1, nan) + " " + Math.pow(fid(10), 308) + " " + Math.pow(fid(10), 309));
		Sys.println("trig: " + Math.sin(0) + " " + Math.cos(0) + " " + Math.atan2(1, 1) + " " + Math.atan2(fid(-0.0), -1) + " " + Math.atan2(0, -1) + " "
			+ Math.tan(fid(0.5)) + " " + Math.asin(fid(2)) + " " + Math.acos(fid(1)));
		Sys.println("isNaN/isFinite: " + Math.isNaN(nan) + Math.isNaN(inf) + Math.isFinite(inf) + Math.isFinite(fid(1e308)) + Math.isFinite(nan));
		var sum = 0.0;
		for (i in 0...1000)
			sum += 0.1;
		Sys.println("sum 0.1 x1000 = " + sum);
		var kahan = 0.0, comp = 0.0;
		for (i in 0...1000) {
			var y = 0.1 - comp;
			var t = kahan + y;
			comp = (t - kahan) - y;
			kahan = t;
		}
		Sys.println("kahan = " + kahan);
		var big = fid(9007199254740992.0);
		Sys.println("2^53+1 = " + (big + 1) + " 2^53+2 = " + (big + 2));
		Sys.println("denormal: " + (fid(5e-324) / 2) + " " + (fid(2.2250738585072014e-308) / 4));

		Sys.println("== parse ==");
		for (s in ["1.5", "-2.25e3", "  42", "abc", "1e400", "-1e400", ".5", "5.", "0x10", "1,5", "NaN", "Infinity", "-0", "3.0abc", ""]) {
			var f = Std.parseFloat(s);
			Sys.println("'" + s + "' -> " + f + " isNaN=" + Math.isNaN(f));
		}
		for (s in ["42", "-42", "0x1F", "  7", "12abc", "abc", "2147483648", "-2147483649", "99999999999", "+5", ""]) {
			var i = Std.parseInt(s);
			Sys.println("parseInt '" + s + "' -> " + i);
		}
		Sys.println("== string ops on floats ==");
		Sys.println("concat: " + 1.0 + " " + 2.50 + " " + (-3.125) + " " + 1e-10);
		Sys.println('interp: ${fid(0.5)} ${fid(1 / 7)}');
		var fa = [1.0, 2.5, nan, inf, -0.0];
		Sys.println("array: " + fa);
		Sys.println("done");
	}
}
