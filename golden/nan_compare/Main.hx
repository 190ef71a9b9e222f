class Main {
	static function fid(x:Float):Float {
		return x;
	}

	static var log = new StringBuf();

	static function mark(s:String) {
		log.add(s);
	}

	static function flush(label:String) {
		Sys.println(label + ": " + log.toString());
		log = new StringBuf();
	}

	static function cmpAll(a:Float, b:Float) {
		// plain conditions in if
		if (a < b) mark("<") else mark(".");
		if (a <= b) mark("l") else mark(".");
		if (a > b) mark(">") else mark(".");
		if (a >= b) mark("g") else mark(".");
		if (a == b) mark("=") else mark(".");
		if (a != b) mark("!") else mark(".");
		mark(" ");
		// negated conditions
		if (!(a < b)) mark("n<") else mark("..");
		if (!(a <= b)) mark("nl") else mark("..");
		if (!(a > b)) mark("n>") else mark("..");
		if (!(a >= b)) mark("ng") else mark("..");
		if (!(a == b)) mark("n=") else mark("..");
		if (!(a != b)) mark("n!") else mark("..");
		mark(" ");
		// as values
		var r = [a < b, a <= b, a > b, a >= b, a == b, a != b, !(a < b), !(a >= b)];
		for (x in r)
			mark(x ? "1" : "0");
		mark(" ");
		// compound conditions
		if (a < b || a >= b) mark("T") else mark("F");
		if (a < b && b < a) mark("T") else mark("F");
		if (!(a < b) && !(a >= b)) mark("U") else mark("-");
		// ternaries
		mark(a > b ? "a" : "b");
		mark(!(a > b) ? "c" : "d");
		// while loops with float condition
		var n = 0;
		var x = a;
		while (x < b && n < 3) {
			n++;
			x += 1;
		}
		mark("w" + n);
		n = 0;
		x = a;
		while (!(x >= b) && n < 3) {
			n++;
			x += 1;
		}
		mark("W" + n);
		n = 0;
		do {
			n++;
		} while (a != b && n < 2);
		mark("d" + n);
	}

	static function dyncmp(a:Dynamic, b:Dynamic) {
		var s = "";
		s += (a < b) ? "<" : ".";
		s += (a <= b) ? "l" : ".";
		s += (a > b) ? ">" : ".";
		s += (a >= b) ? "g" : ".";
		s += (a == b) ? "=" : ".";
		s += (a != b) ? "!" : ".";
		s += !(a < b) ? "n" : ".";
		return s;
	}

	static function main() {
		var nan = fid(Math.NaN);
		var vals = [nan, fid(0.0), fid(-0.0) * -1, fid(1.0), fid(-1.0), Math.POSITIVE_INFINITY, Math.NEGATIVE_INFINITY];
		var names = ["nan", "0", "-0", "1", "-1", "inf", "-inf"];
		for (i in 0...vals.length) {
			for (j in 0...vals.length) {
				cmpAll(vals[i], vals[j]);
				flush(names[i] + " vs " + names[j]);
			}
		}
		Sys.println("== nan self ==");
		var n2 = nan;
		Sys.println("nan == nan: " + (nan == n2) + " nan != nan: " + (nan != n2) + " isNaN: " + Math.isNaN(n2));
		Sys.println("== Int vs Float ==");
		var i = 1;
		var fi:Float = fid(1.0);
		Sys.println("1 == 1.0: " + (i == fi) + " 1 < nan: " + (i < nan) + " !(1 < nan): " + !(i < nan) + " 1 >= nan: " + (i >= nan));
		Sys.println("== Dynamic comparisons with NaN ==");
		var dn:Dynamic = nan;
		var d1:Dynamic = 1.0;
		var di:Dynamic = 1;
		Sys.println("nan,nan " + dyncmp(dn, dn));
		Sys.println("nan,1.0 " + dyncmp(dn, d1));
		Sys.println("1.0,nan " + dyncmp(d1, dn));
		Sys.println("nan,1 " + dyncmp(dn, di));
		Sys.println("1,1.0 " + dyncmp(di, d1));
		Sys.println("== Null<Float> with NaN ==");
		var nf:Null<Float> = nan;
		var nnull:Null<Float> = null;
		Sys.println("nf == nf: " + (nf == nf) + " nf != null: " + (nf != null) + " nnull == null: " + (nnull == null));
		Sys.println("nf < 1: " + (nf < 1) + " !(nf < 1): " + !(nf < 1));
		Sys.println("== min/max/sort with NaN ==");
		Sys.println("min(nan,1)=" + Math.min(nan, 1) + " min(1,nan)=" + Math.min(1, nan) + " max(nan,1)=" + Math.max(nan, 1) + " max(1,nan)=" + Math.max(1, nan));
		var arr = [3.0, 1.0, 2.0, -1.0, 5.0];
		arr.sort((a, b) -> a < b ? -1 : (a > b ? 1 : 0));
		Sys.println("sorted: " + arr);
		var cnt = 0;
		for (v in [nan, 1.0, nan, 2.0, 3.0])
			if (v == v)
				cnt++;
		Sys.println("non-nan count: " + cnt);
		var best = Math.NEGATIVE_INFINITY;
		for (v in [1.0, nan, 7.0, nan, 3.0])
			if (!(v <= best))
				best = v;
		Sys.println("best (nan-sticky): " + best);
		var best2 = Math.NEGATIVE_INFINITY;
		for (v in [1.0, nan, 7.0, nan, 3.0])
			if (v > best2)
				best2 = v;
		Sys.println("best (nan-skipping): " + best2);
		Sys.println("done");
	}
}
