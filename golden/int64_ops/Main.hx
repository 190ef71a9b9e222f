import haxe.Int64;

using haxe.Int64;

class Main {
	static function id(x:Int):Int {
		return x;
	}

	static function i64(hi:Int, lo:Int):Int64 {
		return Int64.make(hi, lo);
	}

	static function p(label:String, v:Int64) {
		Sys.println(label + " = " + Int64.toStr(v) + " (hi=" + v.high + " lo=" + v.low + ")");
	}

	static function main() {
		var vals:Array<Int64> = [
			Int64.ofInt(0), Int64.ofInt(1), Int64.ofInt(-1), Int64.ofInt(id(0x7FFFFFFF)), Int64.ofInt(id(0x80000000)), i64(0, 0x80000000),
			i64(1, 0), i64(0x7FFFFFFF, 0xFFFFFFFF), i64(0x80000000, 0), i64(0x80000000, 1), i64(0x12345678, 0x9ABCDEF0), i64(-2, 12345),
			Int64.parseString("1000000000000"), Int64.parseString("-999999999999999999"), Int64.fromFloat(1e15), Int64.fromFloat(-123456789012.0)
		];
		Sys.println("== toString ==");
		for (v in vals)
			Sys.println(Std.string(v) + " " + Int64.toStr(v) + " isNeg=" + v.isNeg() + " isZero=" + v.isZero() + " toInt-ish low=" + v.low);

		Sys.println("== add/sub/mul ==");
		for (a in vals) {
			var row = [];
			for (b in [Int64.ofInt(1), Int64.ofInt(-1), i64(0x7FFFFFFF, 0xFFFFFFFF), i64(0, 1000000007)]) {
				row.push(Std.string(a + b) + "/" + Std.string(a - b) + "/" + Std.string(a * b));
			}
			Sys.println(Std.string(a) + ": " + row.join(" "));
		}

		Sys.println("== div/mod ==");
		var divisors:Array<Int64> = [Int64.ofInt(1), Int64.ofInt(-1), Int64.ofInt(7), Int64.ofInt(-10), i64(1, 0), Int64.parseString("1000000007"), i64(0x80000000, 0)];
		for (a in vals) {
			var row = [];
			for (d in divisors) {
				if (a == i64(0x80000000, 0) && d == Int64.ofInt(-1)) {
					row.push("skip");
					continue;
				}
				var q = a / d;
				var r = a % d;
				var dm = Int64.divMod(a, d);
				row.push(Std.string(q) + "r" + Std.string(r) + (dm.quotient == q && dm.modulus == r ? "" : "!"));
			}
			Sys.println(Std.string(a) + ": " + row.join(" "));
		}
		try {
			var z = Int64.ofInt(id(0));
			var bad = Int64.ofInt(5) / z;
			Sys.println("div by zero gave " + Std.string(bad));
		} catch (e:Dynamic) {
			Sys.println("div by zero threw: " + Std.string(e));
		}

		Sys.println("== shifts ==");
		var sv:Array<Int64> = [Int64.ofInt(1), Int64.ofInt(-1), i64(0x12345678, 0x9ABCDEF0), i64(0x80000000, 0)];
		for (v in sv) {
			var row = [];
			for (s in [0, 1, 4, 31, 32, 33, 48, 63, 64, 65]) {
				var c = id(s);
				row.push(Std.string(v << c) + "," + Std.string(v >> c) + "," + Std.string(v >>> c));
			}
			Sys.println(Std.string(v) + ": " + row.join(" "));
		}

		Sys.println("== bitwise ==");
		var a = i64(0x0F0F0F0F, 0xF0F0F0F0);
		var b = i64(0x00FF00FF, 0xFF00FF00);
		p("and", a & b);
		p("or", a | b);
		p("xor", a ^ b);
		p("not", ~a);
		p("neg", -a);

		Sys.println("== compare ==");
		var cv:Array<Int64> = [i64(0x80000000, 0), Int64.ofInt(-1), Int64.ofInt(0), Int64.ofInt(1), i64(0, 0xFFFFFFFF), i64(1, 0), i64(0x7FFFFFFF, 0xFFFFFFFF)];
		for (x in cv) {
			var row = "";
			for (y in cv) {
				row += (x < y ? "L" : "") + (x <= y ? "l" : "") + (x > y ? "G" : "") + (x >= y ? "g" : "") + (x == y ? "E" : "") + (x != y ? "N" : "") + ":"
					+ Int64.compare(x, y) + ":" + Int64.ucompare(x, y) + " ";
			}
			Sys.println(Std.string(x) + ": " + row);
		}

		Sys.println("== factorials / fib ==");
		var f = Int64.ofInt(1);
		for (i in 1...26) {
			f = f * Int64.ofInt(i);
			Sys.println(i + "! = " + Std.string(f));
		}
		var fa = Int64.ofInt(0), fb = Int64.ofInt(1);
		for (i in 0...100) {
			var t = fa + fb;
			fa = fb;
			fb = t;
		}
		Sys.println("fib100 mod 2^64 = " + Std.string(fa));

		Sys.println("== parse / float ==");
		for (s in ["0", "-0", "9223372036854775807", "-9223372036854775808", "123", "-456", "00012", "4294967296"]) {
			try {
				Sys.println(s + " -> " + Std.string(Int64.parseString(s)));
			} catch (e:Dynamic) {
				Sys.println(s + " -> error " + Std.string(e));
			}
		}
		for (s in ["9223372036854775808", "abc", "", "12a"]) {
			try {
				Sys.println(s + " -> " + Std.string(Int64.parseString(s)));
			} catch (e:Dynamic) {
				Sys.println(s + " -> error");
			}
		}
		for (fv in [0.0, 1.5, -1.5, 4294967296.0, 1e18, -1e18, 9007199254740993.0]) {
			try {
				Sys.println(fv + " -> " + Std.string(Int64.fromFloat(fv)));
			} catch (e:Dynamic) {
				Sys.println(fv + " -> error");
			}
		}
		Sys.println("toInt small: " + Int64.toInt(Int64.ofInt(-77)));
		try {
			Sys.println("toInt big: " + Int64.toInt(i64(1, 5)));
		} catch (e:Dynamic) {
			Sys.println("toInt big threw: " + Std.string(e));
		}

		Sys.println("== hashing with Int64 ==");
		var h = i64(0xCBF29CE4, 0x84222325);
		var prime = i64(0x100, 0x000001B3);
		for (c in StringTools.iterator("the quick brown fox")) {
			h = h ^ Int64.ofInt(c);
			h = h * prime;
		}
		p("fnv1a64", h);
		var acc = Int64.ofInt(0);
		for (i in 0...1000) {
			acc += Int64.ofInt(i) * Int64.ofInt(i) * Int64.ofInt(i) * Int64.ofInt(i);
		}
		p("sum i^4", acc);
		var inc = i64(0, 0xFFFFFFFE);
		for (i in 0...4) {
			inc++;
			p("inc", inc);
		}
		for (i in 0...4) {
			inc--;
			p("dec", inc);
		}
		Sys.println("done");
	}
}
