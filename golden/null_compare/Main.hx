class Main {
	static function ni(x:Null<Int>):Null<Int> {
		return x;
	}

	static function nf(x:Null<Float>):Null<Float> {
		return x;
	}

	static function nb(x:Null<Bool>):Null<Bool> {
		return x;
	}

	static function s(v:Dynamic):String {
		return v == null ? "null" : Std.string(v);
	}

	static function cmpI(a:Null<Int>, b:Null<Int>):String {
		var r = "";
		r += (a == b) ? "=" : ".";
		r += (a != b) ? "!" : ".";
		r += (a < b) ? "<" : ".";
		r += (a <= b) ? "l" : ".";
		r += (a > b) ? ">" : ".";
		r += (a >= b) ? "g" : ".";
		return r;
	}

	static function cmpF(a:Null<Float>, b:Null<Float>):String {
		var r = "";
		r += (a == b) ? "=" : ".";
		r += (a != b) ? "!" : ".";
		r += (a < b) ? "<" : ".";
		r += (a <= b) ? "l" : ".";
		r += (a > b) ? ">" : ".";
		r += (a >= b) ? "g" : ".";
		return r;
	}

	static function cmpIF(a:Null<Int>, b:Null<Float>):String {
		var r = "";
		r += (a == b) ? "=" : ".";
		r += (a != b) ? "!" : ".";
		r += (a < b) ? "<" : ".";
		r += (a > b) ? ">" : ".";
		return r;
	}

	static function cmpIPlain(a:Null<Int>, b:Int):String {
		var r = "";
		r += (a == b) ? "=" : ".";
		r += (a != b) ? "!" : ".";
		r += (a < b) ? "<" : ".";
		r += (a >= b) ? "g" : ".";
		return r;
	}

	static function main() {
		Sys.println("== Null<Int> ==");
		var ivals:Array<Null<Int>> = [null, 0, 1, -1, 1000000];
		for (a in ivals) {
			var row = [];
			for (b in ivals)
				row.push(cmpI(ni(a), ni(b)));
			Sys.println(s(a) + ": " + row.join(" "));
		}
		Sys.println("== Null<Int> vs Int ==");
		for (a in ivals) {
			var row = [];
			for (b in [0, 1, -1])
				row.push(cmpIPlain(ni(a), b));
			Sys.println(s(a) + ": " + row.join(" "));
		}
		Sys.println("== Null<Float> ==");
		var fvals:Array<Null<Float>> = [null, 0.0, 1.5, -1.5, Math.NaN];
		for (a in fvals) {
			var row = [];
			for (b in fvals)
				row.push(cmpF(nf(a), nf(b)));
			Sys.println(s(a) + ": " + row.join(" "));
		}
		Sys.println("== Null<Int> vs Null<Float> ==");
		for (a in ivals) {
			var row = [];
			for (b in [null, 0.0, 1.0, 0.5])
				row.push(cmpIF(ni(a), nf(b)));
			Sys.println(s(a) + ": " + row.join(" "));
		}
		Sys.println("== Null<Bool> ==");
		var bvals:Array<Null<Bool>> = [null, true, false];
		for (a in bvals) {
			var row = [];
			for (b in bvals) {
				var x = nb(a), y = nb(b);
				row.push((x == y ? "=" : ".") + (x != y ? "!" : "."));
			}
			var x = nb(a);
			var truthy = if (x == true) "T" else if (x == false) "F" else "N";
			var notNull = x != null;
			Sys.println(s(a) + ": " + row.join(" ") + " truthy=" + truthy + " notNull=" + notNull);
		}
		Sys.println("== null arithmetic defaults ==");
		var maybe:Null<Int> = ni(null);
		var fallback = maybe != null ? maybe : -1;
		Sys.println("fallback = " + fallback);
		var q = maybe == null ? 0 : maybe + 1;
		Sys.println("q = " + q);
		var present:Null<Int> = ni(41);
		Sys.println("present + 1 = " + (present + 1));
		var pf:Null<Float> = nf(2.5);
		Sys.println("pf * 2 = " + (pf * 2));
		var arr:Array<Null<Int>> = [1, null, 3, null, 5];
		var sum = 0;
		var nulls = 0;
		for (x in arr) {
			if (x == null)
				nulls++;
			else
				sum += x;
		}
		Sys.println("sum = " + sum + " nulls = " + nulls + " arr = " + arr);
		Sys.println("indexOf(null) = " + arr.indexOf(null) + " lastIndexOf(null) = " + arr.lastIndexOf(null) + " contains(3) = " + arr.contains(3));
		var fa:Array<Null<Float>> = [1.5, null, Math.NaN];
		Sys.println("float arr = " + fa + " indexOf(1.5)=" + fa.indexOf(1.5) + " indexOf(null)=" + fa.indexOf(null));
		Sys.println("== Dynamic null comparisons ==");
		var dn:Dynamic = null;
		var dz:Dynamic = 0;
		var df:Dynamic = 0.0;
		var ds:Dynamic = "";
		var dfalse:Dynamic = false;
		Sys.println("null==0:" + (dn == dz) + " 0==0.0:" + (dz == df) + " 0=='':" + (dz == ds) + " false==0:" + (dfalse == dz) + " null==false:" + (dn == dfalse)
			+ " null==null:" + (dn == null));
		Sys.println("== Null struct fields ==");
		var o:{?a:Int, ?b:Float, ?c:Bool} = {a: 3};
		Sys.println("o.a=" + o.a + " o.b=" + o.b + " o.c=" + o.c + " o.b==null:" + (o.b == null) + " o.a>2:" + (o.a > 2));
		o.b = 1.25;
		o.c = false;
		Sys.println("after: o.b=" + o.b + " o.c=" + o.c + " o.c==false:" + (o.c == false));
		Sys.println("== optional args ==");
		Sys.println(opt() + " " + opt(5) + " " + opt(null) + " " + opt2() + " " + opt2(2.5));
		Sys.println("== Null<Int> in map ==");
		var m = new Map<String, Int>();
		m.set("a", 0);
		var got = m.get("a");
		var missing = m.get("zz");
		Sys.println("got=" + got + " missing=" + missing + " got==null:" + (got == null) + " missing==null:" + (missing == null) + " got==0:" + (got == 0));
		Sys.println("done");
	}

	static function opt(?x:Int):String {
		return x == null ? "none" : "x=" + x;
	}

	static function opt2(?f:Float = 1.5):String {
		return "f=" + f;
	}
}
