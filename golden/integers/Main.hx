import haxe.Int64;
import haxe.Int32;

class Main {
	static function id(x:Int):Int {
		return x; // prevent constant folding
	}

	static function main() {
		var max = id(2147483647);
		var min = id(-2147483648);
		Sys.println("max+1 = " + (max + 1));
		Sys.println("min-1 = " + (min - 1));
		Sys.println("max*2 = " + (max * 2));
		Sys.println("-min = " + (-min));
		Sys.println("min*-1 = " + (min * -1));
		Sys.println("65536*65536 = " + (id(65536) * id(65536)));
		Sys.println("46341*46341 = " + (id(46341) * id(46341)));
		Sys.println("123456789*987654321 = " + (id(123456789) * id(987654321)));
		Sys.println("literal fold 2147483647+1 = " + (2147483647 + 1));
		var acc = id(1);
		for (i in 0...40)
			acc = acc * 3 + 1;
		Sys.println("acc overflow loop = " + acc);
		var h = 0;
		for (c in StringTools.iterator("hash me please"))
			h = h * 31 + c;
		Sys.println("string hash = " + h);

		// division & modulo with negatives
		var nums = [7, -7, 13, -13, 0, 1, -1];
		var divs = [2, -2, 3, -3, 5];
		for (a in nums) {
			var row = [];
			for (b in divs) {
				var a1 = id(a), b1 = id(b);
				row.push(a1 + "%" + b1 + "=" + (a1 % b1) + " /=" + (a1 / b1) + " int/=" + Std.int(a1 / b1));
			}
			Sys.println(row.join(" | "));
		}
		Sys.println("min % -1 = " + (min % id(-1)));
		Sys.println("min / -1 = " + (min / id(-1)));

		// shifts
		var vals = [1, -1, 0x7FFFFFFF, min, -8, 0x12345678, 5];
		var shifts = [0, 1, 4, 31, 32, 33, 63, -1];
		for (v in vals) {
			var row = [];
			for (s in shifts) {
				var v1 = id(v), s1 = id(s);
				row.push("s" + s1 + ":" + (v1 << s1) + "," + (v1 >> s1) + "," + (v1 >>> s1));
			}
			Sys.println(v + " => " + row.join(" "));
		}

		// bit ops
		var a = id(0x0F0F0F0F);
		var b = id(0x00FF00FF);
		Sys.println("and=" + (a & b) + " or=" + (a | b) + " xor=" + (a ^ b) + " not a=" + (~a) + " not 0=" + (~id(0)));
		Sys.println("hex literals: " + 0xFF + " " + 0xDEADBEEF + " " + 0x80000000 + " " + 0x7FFFFFFF + " " + 0xFFFFFFFF);
		Sys.println("hex via StringTools: " + StringTools.hex(id(0xDEADBEEF)) + " " + StringTools.hex(id(-2), 8));
		var popcount = function(x:Int) {
			var c = 0;
			while (x != 0) {
				x &= x - 1;
				c++;
			}
			return c;
		};
		Sys.println("popcounts: " + [for (v in [0, 1, 255, -1, min, 0x55555555]) popcount(v)]);
		var rev = 0;
		var src = id(0x12345678);
		for (i in 0...32) {
			rev = (rev << 1) | (src & 1);
			src >>>= 1;
		}
		Sys.println("bit reversed 0x12345678 = " + StringTools.hex(rev, 8));

		// compound assignment ops
		var c = id(100);
		c += 5;
		c -= 3;
		c *= 7;
		c <<= 2;
		c >>= 1;
		c |= 1;
		c &= 0xFFF;
		c ^= 0x55;
		c %= 1000;
		c >>>= 1;
		Sys.println("compound result = " + c);
		var pre = id(5);
		var post = pre++;
		var pre2 = ++pre;
		Sys.println("inc: post=" + post + " pre2=" + pre2 + " pre=" + pre + " dec=" + (pre--) + " " + (--pre));

		// Std.int division
		Sys.println("Std.int(7/2)=" + Std.int(id(7) / 2) + " Std.int(-7/2)=" + Std.int(id(-7) / 2));

		// comparisons with unsigned semantics
		var u1:UInt = id(-1);
		var u2:UInt = id(1);
		Sys.println("UInt -1 = " + u1 + " > 1: " + (u1 > u2) + " as Int < 1: " + (id(-1) < 1));
		var u3:UInt = id(0x80000000);
		Sys.println("UInt 0x80000000 = " + u3 + " /2 = " + (u3 / 2) + " >> 1 = " + (u3 >> 1));
		var uAdd:UInt = u1 + u2;
		Sys.println("UInt -1 + 1 = " + uAdd);
		var uf:Float = u1;
		Sys.println("UInt to Float = " + uf);
		var uSmall:UInt = id(0xB2D05E00);
		Sys.println("UInt 3000000000 = " + uSmall + " % 7 = " + (uSmall % 7));

		// Int64
		var x64 = Int64.make(0, 0xFFFFFFFF);
		var y64 = Int64.ofInt(1);
		var sum64 = x64 + y64;
		Sys.println("Int64 0xFFFFFFFF+1 = " + Int64.toStr(sum64) + " high=" + sum64.high + " low=" + sum64.low);
		var big64 = Int64.make(0x7FFFFFFF, 0xFFFFFFFF);
		Sys.println("Int64 max = " + big64 + " max+1 = " + (big64 + 1));
		var m64 = Int64.ofInt(123456789) * Int64.ofInt(987654321);
		Sys.println("Int64 mul = " + m64);
		var f64 = Int64.ofInt(1);
		for (i in 1...21)
			f64 *= Int64.ofInt(i);
		Sys.println("20! as Int64 = " + f64);
		Sys.println("Int64 div = " + (f64 / Int64.ofInt(1000000)) + " mod = " + (f64 % Int64.ofInt(1000000)));
		Sys.println("Int64 neg = " + (-m64) + " compare " + Int64.compare(m64, -m64) + " " + Int64.compare(-m64, m64) + " " + Int64.compare(m64, m64));
		Sys.println("Int64 ucompare = " + Int64.ucompare(Int64.ofInt(-1), Int64.ofInt(1)));
		Sys.println("Int64 shifts = " + (Int64.ofInt(1) << 40) + " " + (Int64.ofInt(-16) >> 2) + " " + (Int64.ofInt(-16) >>> 60));
		Sys.println("Int64 eq = " + (Int64.ofInt(5) == Int64.ofInt(5)) + " isNeg=" + Int64.isNeg(Int64.ofInt(-3)) + " isZero=" + Int64.isZero(Int64.ofInt(0)));
		Sys.println("Int64 parse = " + Int64.parseString("-9223372036854775808") + " " + Int64.parseString("1234567890123"));
		Sys.println("Int64 toInt = " + Int64.toInt(Int64.ofInt(-42)) + " fromFloat = " + Int64.fromFloat(1e15));
		var fib64a = Int64.ofInt(0), fib64b = Int64.ofInt(1);
		for (i in 0...90) {
			var t = fib64a + fib64b;
			fib64a = fib64b;
			fib64b = t;
		}
		Sys.println("fib(90) = " + fib64a);
		Sys.println("Int64 and/or/xor = " + (Int64.make(0xF0, 0xF0) & Int64.make(0xFF, 0x0F)) + " " + (Int64.make(1, 0) | Int64.ofInt(1)) + " " + (Int64.ofInt(-1) ^ Int64.ofInt(0xFF)));

		// Int32 abstract
		var i32:Int32 = 0x7FFFFFFF;
		i32++;
		Sys.println("Int32 wrap = " + i32);
		var i32m:Int32 = 0x10000;
		Sys.println("Int32 mul = " + (i32m * i32m) + " " + (i32m * 0x8000));

		// collatz & gcd
		var steps = 0;
		var n = id(27);
		while (n != 1) {
			n = (n & 1) == 0 ? n >> 1 : 3 * n + 1;
			steps++;
		}
		Sys.println("collatz(27) steps = " + steps);
		function gcd(a:Int, b:Int):Int return b == 0 ? a : gcd(b, a % b);
		Sys.println("gcd = " + gcd(1071, 462) + " " + gcd(id(-48), 18) + " " + gcd(17, 5));
		var primes = [];
		var sieve = [for (i in 0...200) true];
		for (i in 2...200) {
			if (sieve[i]) {
				primes.push(i);
				var j = i * i;
				while (j < 200) {
					sieve[j] = false;
					j += i;
				}
			}
		}
		Sys.println("primes < 200: " + primes.length + " last=" + primes[primes.length - 1] + " " + primes.slice(0, 15));

		// int to string and parse
		Sys.println("Std.string(min) = " + Std.string(min) + " parse back = " + Std.parseInt(Std.string(min)));
		Sys.println("int equality with float: " + (id(3) == 3.0) + " int compare: " + (id(-1) < id(0)));
		// LCG
		var seed = id(12345);
		var outs = [];
		for (i in 0...8) {
			seed = seed * 1103515245 + 12345;
			outs.push((seed >>> 16) & 0x7FFF);
		}
		Sys.println("lcg: " + outs);
		// xorshift
		var xs = id(0x92D68CA2);
		var xo = [];
		for (i in 0...6) {
			xs ^= xs << 13;
			xs ^= xs >>> 17;
			xs ^= xs << 5;
			xo.push(xs);
		}
		Sys.println("xorshift: " + xo);
		trace("integers done");
	}
}
