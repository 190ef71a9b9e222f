enum FloatHolder {
	FA(f:Float);
	FB(?f:Float);
}

class Main {
	static function p(label:String, f:Float) {
		Sys.println(label + " = " + f);
	}

	static function main() {
		p("0.1+0.2", 0.1 + 0.2);
		p("1e21", 1e21);
		p("1e20", 1e20);
		p("1e-7", 1e-7);
		p("1e-6", 1e-6);
		p("1e-5", 1e-5);
		p("123456789.123", 123456789.123);
		var zeroF = Std.parseFloat("0");
		var negZero = zeroF * -1.0;
		p("computed -0", negZero);
		p("parsed -0", Std.parseFloat("-0"));
		p("1/computed -0", 1 / negZero);
		p("1/3", 1 / 3);
		p("2/3", 2 / 3);
		p("PI", Math.PI);
		p("1e100", 1e100);
		p("1.7976931348623157e308", 1.7976931348623157e308);
		p("5e-324", 5e-324);
		p("2.2250738585072014e-308", 2.2250738585072014e-308);
		p("POSITIVE_INFINITY", Math.POSITIVE_INFINITY);
		p("NEGATIVE_INFINITY", Math.NEGATIVE_INFINITY);
		p("NaN", Math.NaN);
		p("1.0", 1.0);
		p("100.0", 100.0);
		p("0.5", 0.5);
		p("1e15", 1e15);
		p("1e16", 1e16);
		p("1e17", 1e17);
		p("123456789012345680000", 123456789012345680000.0);
		p("0.000123", 0.000123);
		p("1.5e-10", 1.5e-10);
		p("9007199254740993", 9007199254740993.0);
		p("2^53", Math.pow(2, 53));
		p("2^31", Math.pow(2, 31));
		p("2^63", Math.pow(2, 63));
		p("0.1*3", 0.1 * 3);
		p("1.1*1.1", 1.1 * 1.1);
		p("3.0-2.9", 3.0 - 2.9);
		p("100/7", 100 / 7);
		p("-1/7", -1 / 7);
		p("1e300*1e10", 1e300 * 1e10);
		p("1e-300*1e-300", 1e-300 * 1e-300);
		p("4.35", 4.35);
		p("0.3", 0.3);
		p("2.675", 2.675);
		p("1234.5678", 1234.5678);
		p("12345678.9", 12345678.9);
		p("0.1+0.7", 0.1 + 0.7);

		// Math functions
		p("sqrt(2)", Math.sqrt(2));
		p("sqrt(16)", Math.sqrt(16));
		p("sqrt(-1)", Math.sqrt(-1));
		p("pow(2,10)", Math.pow(2, 10));
		p("pow(2,0.5)", Math.pow(2, 0.5));
		p("pow(-8,1/3)", Math.pow(-8, 1 / 3));
		p("pow(0,0)", Math.pow(0, 0));
		p("pow(10,-2)", Math.pow(10, -2));
		for (v in [2.5, -2.5, 2.4, -2.6, 0.5, -0.5, 1.5, -1.5, 0.49999999999999994, 1e10 + 0.5, -1e-300]) {
			Sys.println("v=" + v + " floor=" + Math.floor(v) + " ceil=" + Math.ceil(v) + " round=" + Math.round(v) + " ffloor=" + Math.ffloor(v) + " fceil=" + Math.fceil(v) + " fround=" + Math.fround(v) + " int=" + Std.int(v) + " abs=" + Math.abs(v));
		}
		p("abs(-3)", Math.abs(-3));
		p("min(1,2)", Math.min(1, 2));
		p("max(1,2)", Math.max(1, 2));
		p("min(NaN,1)", Math.min(Math.NaN, 1));
		p("max(1,NaN)", Math.max(1, Math.NaN));
		p("sin(0)", Math.sin(0));
		p("sin(PI/2)", Math.sin(Math.PI / 2));
		p("sin(PI)", Math.sin(Math.PI));
		p("cos(0)", Math.cos(0));
		p("cos(PI)", Math.cos(Math.PI));
		p("tan(PI/4)", Math.tan(Math.PI / 4));
		p("asin(1)", Math.asin(1));
		p("acos(0)", Math.acos(0));
		p("atan(1)", Math.atan(1));
		p("atan2(1,1)", Math.atan2(1, 1));
		p("atan2(-1,-1)", Math.atan2(-1, -1));
		p("atan2(0,-1)", Math.atan2(0, -1));
		p("exp(1)", Math.exp(1));
		p("exp(0)", Math.exp(0));
		p("exp(710)", Math.exp(710));
		p("log(10)", Math.log(10));
		p("log(0)", Math.log(0));
		p("log(-1)", Math.log(-1));
		p("log(E)", Math.log(Math.exp(1)));

		// Std.int truncation
		for (v in [3.99, -3.99, 0.1, -0.1, 2147483647.0, 2147483648.5, -2147483649.0, 1e10, -1e10])
			Sys.println("Std.int(" + v + ") = " + Std.int(v));

		// int/float conversions
		var i:Int = 7;
		var f:Float = i;
		Sys.println("int to float: " + f + " " + (f / 2) + " int/int: " + (i / 2) + " " + (7 / 7));
		var big:Int = 2147483647;
		var bigF:Float = big;
		Sys.println("big to float+1: " + (bigF + 1) + " big+1 as int: " + (big + 1));
		Sys.println("mixed arith: " + (1 + 0.5) + " " + (3 * 1.5) + " " + (10 - 0.25) + " " + (7 % 2.5) + " " + (-7 % 2.5) + " " + (7.5 % -2));
		Sys.println("int division as float: " + (1 / 2) + " " + (-1 / 2) + " " + (6 / 3));

		// division by zero
		var zero = 0.0;
		var izero = 0;
		Sys.println("1/0 = " + (1 / zero) + ", -1/0 = " + (-1 / zero) + ", 0/0 = " + (0 / zero) + ", 1/izero = " + (1 / izero));
		Sys.println("1/(0*-1) = " + (1 / (zero * -1)));

		// NaN / finite checks
		var vals = [0.0, 1.5, Math.NaN, Math.POSITIVE_INFINITY, Math.NEGATIVE_INFINITY, 1 / zero, 0 / zero, 1e308 * 10];
		for (v in vals)
			Sys.println(v + ": isNaN=" + Math.isNaN(v) + " isFinite=" + Math.isFinite(v));
		var nan = Math.NaN;
		Sys.println("NaN comparisons: " + (nan == nan) + " " + (nan != nan) + " " + (nan < 1) + " " + (nan > 1) + " " + (nan <= nan) + " " + (nan >= 0));
		Sys.println("inf comparisons: " + (Math.POSITIVE_INFINITY > 1e308) + " " + (Math.NEGATIVE_INFINITY < -1e308) + " " + (Math.POSITIVE_INFINITY == 1 / zero));
		Sys.println("-0 == 0: " + (negZero == 0.0));

		// formatting in concatenation & Std.string
		var fl:Array<Float> = [1.0, 1.5, -2.25, 1e-4, 3.0e9, 0.1, 1 / 3];
		Sys.println("array of floats: " + fl);
		Sys.println("Std.string(2.0)=" + Std.string(2.0) + " Std.string(2.5)=" + Std.string(2.5));
		trace(0.1 + 0.2);
		trace(1e21);
		var s = "x" + 1.0 + "y" + 0.25 + "z" + (-1e-10);
		Sys.println(s);
		var d:Dynamic = 0.1 + 0.2;
		Sys.println("dynamic float: " + d);
		var nf:Null<Float> = 0.3;
		Sys.println("Null<Float>: " + nf);
		var sb = new StringBuf();
		sb.add(0.1 + 0.2);
		sb.add(" ");
		sb.add(1e21);
		Sys.println("StringBuf floats: " + sb.toString());

		// runtime (C-side) float printing inside enums / anonymous objects uses more digits
		Sys.println("enum float: " + FA(0.9) + " " + FB(0.1) + " " + FA(1 / 3) + " " + FA(2.5) + " " + FB(null) + " " + FA(1e21) + " " + FA(1e-7));
		Sys.println("anon float: " + {x: 0.9} + " " + {y: 0.5});
		Sys.println("array of Null<Float>: " + ([0.9, null, 0.1] : Array<Null<Float>>));
		Sys.println("option float: " + haxe.ds.Option.Some(0.3));

		// accumulation
		var acc = 0.0;
		for (k in 0...10)
			acc += 0.1;
		Sys.println("sum of ten 0.1: " + acc + " == 1? " + (acc == 1.0));
		var harmonic = 0.0;
		for (k in 1...1001)
			harmonic += 1.0 / k;
		Sys.println("harmonic(1000) = " + harmonic);
		var prod = 1.0;
		for (k in 1...31)
			prod *= k;
		Sys.println("30! = " + prod);
		var x = 1.0;
		var steps = 0;
		while (x > 0) {
			x /= 2;
			steps++;
		}
		Sys.println("halvings to zero: " + steps);

		// Float parsing round-trips
		for (str in ["0.1", "1e21", "123.456", "-9.99e-5", "3.4028235e38"]) {
			var v = Std.parseFloat(str);
			Sys.println("roundtrip " + str + " -> " + v + " *2=" + (v * 2));
		}
		// Math.round edge behaviour, fround
		Sys.println("round(0.5)=" + Math.round(0.5) + " round(-0.5)=" + Math.round(-0.5) + " round(-1.5)=" + Math.round(-1.5));
		// float to int comparisons
		Sys.println("3 == 3.0: " + (3 == 3.0) + " 3 < 3.5: " + (3 < 3.5) + " int max < float: " + (2147483647 < 2147483648.0));
	}
}
