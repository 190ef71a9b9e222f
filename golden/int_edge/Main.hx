import haxe.Int32;

class Main {
	static function id(x:Int):Int {
		return x;
	}

	static function uid(x:UInt):UInt {
		return x;
	}

	static function show(label:String, v:Dynamic) {
		Sys.println(label + " = " + v);
	}

	static function main() {
		var vals = [0, 1, -1, 2, -2, 7, -7, 100, 0x7FFFFFFF, 0x80000000, 0x7FFFFFFE, 0x80000001, 0xFFFF, 0x10000, 0x55555555, 0xAAAAAAAA];

		Sys.println("== add/sub/mul wrap ==");
		for (a in vals) {
			var row = [];
			for (b in [1, -1, 0x7FFFFFFF, 0x80000000, 65537]) {
				var x = id(a), y = id(b);
				row.push((x + y) + "/" + (x - y) + "/" + (x * y));
			}
			Sys.println(a + ": " + row.join(" "));
		}

		Sys.println("== neg ==");
		for (a in vals)
			Sys.print((-id(a)) + " ");
		Sys.println("");

		Sys.println("== div/mod ==");
		var ds = [1, -1, 2, -3, 7, 0x7FFFFFFF, 0x80000000, 0];
		for (a in vals) {
			var row = [];
			for (b in ds) {
				var x = id(a), y = id(b);
				var m = x % y;
				var q:Float = x / y;
				var qi = if (y == 0) -999 else Std.int(x / y);
				row.push(m + "|" + qi);
			}
			Sys.println(a + ": " + row.join(" "));
		}
		Sys.println("== mod by zero ==");
		for (a in [0, 1, -1, 17, 0x80000000])
			Sys.println(a + " % 0 = " + (id(a) % id(0)));
		Sys.println("== float division by zero ==");
		for (a in [0, 1, -1, 17]) {
			var f:Float = id(a) / id(0);
			Sys.println(a + " / 0 = " + f + " isNaN=" + Math.isNaN(f) + " finite=" + Math.isFinite(f));
		}
		Sys.println("min % -1 = " + (id(0x80000000) % id(-1)));

		Sys.println("== shifts ==");
		var counts = [0, 1, 15, 16, 31, 32, 33, 47, 63, 64, 65, 100, -1, -31, -32, 255, 256, 0x7FFFFFFF];
		for (v in [1, -1, 0x12345678, 0x80000000, 0x7FFFFFFF, -12345]) {
			var row = [];
			for (c in counts) {
				var x = id(v), s = id(c);
				row.push((x << s) + "," + (x >> s) + "," + (x >>> s));
			}
			Sys.println(v + ": " + row.join(" "));
		}
		// compound shift assignments
		var z = id(1);
		for (i in 0...40) {
			z <<= 3;
			z ^= i;
		}
		show("compound shl xor", z);
		var w = id(-1);
		var steps = [];
		for (i in 0...10) {
			w >>>= 3;
			steps.push(w);
		}
		show("ushr steps", steps);
		var sv = id(-1000000);
		var ssteps = [];
		for (i in 0...10) {
			sv >>= 2;
			ssteps.push(sv);
		}
		show("sar steps", ssteps);

		Sys.println("== UInt ==");
		var us:Array<UInt> = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 12345];
		for (a in us) {
			var row = [];
			for (b in us) {
				var x = uid(a), y = uid(b);
				var r = (x < y ? "<" : "") + (x <= y ? "<=" : "") + (x > y ? ">" : "") + (x >= y ? ">=" : "") + (x == y ? "==" : "");
				row.push(r);
			}
			Sys.println(Std.string(a) + ": " + row.join(" "));
		}
		var big:UInt = uid(0xFFFFFFFF);
		show("uint max", big);
		show("uint max as float", (big : Float));
		show("uint max / 2", big / 2);
		var u3:UInt = uid(0xB2D05E00);
		show("uint 3e9 + 1", u3 + 1);
		show("uint 3e9 * 2", u3 * 2);
		show("uint 3e9 >> 1", u3 >> 1);
		show("uint 3e9 >>> 1", u3 >>> 1);
		show("uint 3e9 % 7", u3 % 7);
		show("uint 3e9 div 7", Std.int(u3 / 7));
		show("uint to int", (u3 : Int));
		show("uint 3e9 > 1", u3 > 1);
		show("int 3e9 > 1", (u3 : Int) > 1);
		var uarr:Array<UInt> = [uid(0xEE6B2800), uid(5), uid(0x80000000), uid(0x7FFFFFFF)];
		uarr.sort((a, b) -> a < b ? -1 : (a > b ? 1 : 0));
		var parts = [];
		for (x in uarr)
			parts.push(Std.string(x));
		show("sorted uints", parts.join(","));

		Sys.println("== Int32 ==");
		var i32a:Int32 = id(0x7FFFFFFF);
		var i32b:Int32 = id(2);
		show("int32 max+1", i32a + 1);
		show("int32 max*2", i32a * i32b);
		show("int32 max-(-1)", i32a - (-1 : Int32));
		var i32c:Int32 = id(0x80000000);
		show("int32 min-1", i32c - 1);
		show("int32 neg min", -i32c);
		show("int32 ++", {
			var t = i32a;
			t++;
			t;
		});
		show("int32 shl 1", i32a << 1);
		show("int32 and", i32a & (0xFF : Int32));
		show("int32 ucompare", Int32.ucompare(id(-1), id(1)));
		show("int32 ucompare2", Int32.ucompare(id(1), id(-1)));
		show("int32 ucompare3", Int32.ucompare(id(5), id(5)));

		Sys.println("== bit tricks ==");
		for (v in [0, 1, 2, 3, 7, 8, 12, 255, 256, 1023, 0x40000000, 0x7FFFFFFF, -1, 0x80000000, 0x12345678]) {
			var x = id(v);
			var lowest = x & -x;
			var isPow2 = x != 0 && (x & (x - 1)) == 0;
			var pc = x - ((x >>> 1) & 0x55555555);
			pc = (pc & 0x33333333) + ((pc >>> 2) & 0x33333333);
			pc = (((pc + (pc >>> 4)) & 0x0F0F0F0F) * 0x01010101) >>> 24;
			var clz = 0;
			var t = x;
			if (t == 0) clz = 32 else {
				while (t & 0x80000000 == 0) {
					t <<= 1;
					clz++;
				}
			}
			var ctz = 0;
			if (x == 0) ctz = 32 else {
				var tt = x;
				while (tt & 1 == 0) {
					tt >>>= 1;
					ctz++;
				}
			}
			var nextPow = x - 1;
			nextPow |= nextPow >> 1;
			nextPow |= nextPow >> 2;
			nextPow |= nextPow >> 4;
			nextPow |= nextPow >> 8;
			nextPow |= nextPow >> 16;
			nextPow++;
			var bswap = ((x & 0xFF) << 24) | ((x & 0xFF00) << 8) | ((x >>> 8) & 0xFF00) | (x >>> 24);
			var rotl = (x << 7) | (x >>> 25);
			var absv = (x ^ (x >> 31)) - (x >> 31);
			var sign = (x >> 31) | ((-x) >>> 31);
			Sys.println(StringTools.hex(x, 8) + " low=" + lowest + " pow2=" + isPow2 + " pop=" + pc + " clz=" + clz + " ctz=" + ctz + " next=" + nextPow
				+ " bswap=" + StringTools.hex(bswap, 8) + " rotl7=" + StringTools.hex(rotl, 8) + " abs=" + absv + " sign=" + sign);
		}

		Sys.println("== hashes ==");
		var h = id(0x811C9DC5);
		for (i in 0...1000) {
			h ^= i & 0xFF;
			h *= 16777619;
		}
		show("fnv", h);
		var x = id(123456789);
		var xs = [];
		for (i in 0...8) {
			x ^= x << 13;
			x ^= x >>> 17;
			x ^= x << 5;
			xs.push(x);
		}
		show("xorshift", xs);
		var lcg = id(42);
		var ls = [];
		for (i in 0...8) {
			lcg = lcg * 1103515245 + 12345;
			ls.push((lcg >>> 16) & 0x7FFF);
		}
		show("lcg", ls);

		Sys.println("== comparisons ==");
		var cmpVals = [0x80000000, -1, 0, 1, 0x7FFFFFFF];
		for (a in cmpVals) {
			var row = "";
			for (b in cmpVals) {
				var x = id(a), y = id(b);
				row += (x < y ? "L" : "") + (x <= y ? "l" : "") + (x > y ? "G" : "") + (x >= y ? "g" : "") + (x == y ? "E" : "") + (x != y ? "N" : "") + " ";
			}
			Sys.println(a + ": " + row);
		}
		Sys.println("== increments ==");
		var c = id(0x7FFFFFFE);
		var seq = [];
		for (i in 0...4)
			seq.push(c++);
		for (i in 0...4)
			seq.push(--c);
		show("inc/dec", seq);
		var arr = [id(0x7FFFFFFF)];
		arr[0]++;
		arr[0] += 5;
		arr[0] *= 3;
		show("array elem ops", arr);
		Sys.println("done");
	}
}
