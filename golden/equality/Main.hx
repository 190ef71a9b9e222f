enum Color {
	Red;
	Green;
	Rgb(r:Int, g:Int, b:Int);
	Named(name:String);
	Wrap(c:Color);
}

class Point {
	public var x:Int;
	public var y:Int;

	public function new(x, y) {
		this.x = x;
		this.y = y;
	}

	public function equals(o:Point):Bool {
		return o != null && o.x == x && o.y == y;
	}

	public function norm1():Int {
		return (x < 0 ? -x : x) + (y < 0 ? -y : y);
	}

	public function sum():Int {
		return x + y;
	}
}

class Point3 extends Point {
	public var z:Int;

	public function new(x, y, z) {
		super(x, y);
		this.z = z;
	}

	override public function sum():Int {
		return x + y + z;
	}
}

class Main {
	static function dyn(v:Dynamic):Dynamic {
		return v;
	}

	static function eqs(a:Dynamic, b:Dynamic):String {
		return (a == b ? "=" : ".") + (a != b ? "!" : ".") + (a < b ? "<" : ".") + (a > b ? ">" : ".");
	}

	static function topLevel(x:Int):Int {
		return x * 2;
	}

	static function main() {
		Sys.println("== Dynamic scalar comparisons ==");
		var dv:Array<Dynamic> = [0, 1, 1.0, 1.5, -1, "1", "a", "b", "", true, false, null, 2147483647, 2147483648.0];
		var labels = ["0", "1", "1.0", "1.5", "-1", "'1'", "'a'", "'b'", "''", "true", "false", "null", "maxint", "2^31f"];
		for (i in 0...dv.length) {
			var row = [];
			for (j in 0...dv.length)
				row.push(eqs(dyn(dv[i]), dyn(dv[j])));
			Sys.println(StringTools.rpad(labels[i], " ", 7) + row.join(" "));
		}

		Sys.println("== strings ==");
		var s1 = "hello";
		var s2 = "hel" + "lo";
		var s3 = "hel";
		s3 += "lo";
		Sys.println("s1==s2 " + (s1 == s2) + " s1==s3 " + (s1 == s3) + " dyn " + (dyn(s1) == dyn(s3)) + " compare " + Reflect.compare(s1, s3));
		var strs = ["b", "a", "B", "", "ab", "aa", "a\u00e9", "\u00e9", "z", "Z"];
		var srow = [];
		for (a in strs) {
			var r = "";
			for (b in strs)
				r += a < b ? "<" : (a > b ? ">" : "=");
			srow.push(r);
		}
		Sys.println(srow.join(" "));
		var sorted = strs.copy();
		sorted.sort(Reflect.compare);
		Sys.println("sorted: " + sorted.join(","));

		Sys.println("== objects ==");
		var p1 = new Point(1, 2);
		var p2 = new Point(1, 2);
		var p3 = p1;
		Sys.println("p1==p2 " + (p1 == p2) + " p1==p3 " + (p1 == p3) + " equals " + p1.equals(p2) + " dyn " + (dyn(p1) == dyn(p2)) + " dyn same "
			+ (dyn(p1) == dyn(p3)));
		var a1 = [1, 2, 3];
		var a2 = [1, 2, 3];
		Sys.println("arrays: " + (a1 == a2) + " " + (a1 == a1) + " " + (dyn(a1) == dyn(a1.copy())));
		var o1 = {x: 1};
		var o2 = {x: 1};
		Sys.println("anon: " + (o1 == o2) + " " + (dyn(o1) == dyn(o1)));
		var p3d:Point = new Point3(1, 2, 3);
		Sys.println("subclass identity " + (dyn(p3d) == dyn(p3d)) + " isOfType " + Std.isOfType(p3d, Point3) + " " + Std.isOfType(p1, Point3));

		Sys.println("== enums ==");
		var e1 = Rgb(1, 2, 3);
		var e2 = Rgb(1, 2, 3);
		var e3 = Red;
		var e4 = Red;
		Sys.println("Red==Red " + (e3 == e4) + " Red==Green " + (e3 == Green));
		Sys.println("Rgb==Rgb (==) " + (e1 == e2) + " Type.enumEq " + Type.enumEq(e1, e2) + " with diff " + Type.enumEq(e1, Rgb(1, 2, 4)));
		Sys.println("Named enumEq " + Type.enumEq(Named("x"), Named("x")) + " Wrap deep " + Type.enumEq(Wrap(Rgb(1, 1, 1)), Wrap(Rgb(1, 1, 1))) + " Wrap diff "
			+ Type.enumEq(Wrap(Red), Wrap(Green)));
		var cs = [Red, Green, Rgb(0, 0, 0), Named("n"), Wrap(Red)];
		for (c in cs) {
			var matched = switch (c) {
				case Red: "red";
				case Green: "green";
				case Rgb(0, 0, 0): "black";
				case Rgb(r, g, b): "rgb";
				case Named(n): "named " + n;
				case Wrap(Red): "wrapped red";
				case Wrap(_): "wrapped";
			}
			Sys.println(Std.string(c) + " idx=" + c.getIndex() + " -> " + matched + " eqRed=" + (c == Red) + " dynEqRed=" + (dyn(c) == dyn(Red)));
		}
		Sys.println("params: " + Type.enumParameters(Rgb(7, 8, 9)) + " ctor: " + Type.enumConstructor(Named("q")));

		Sys.println("== closures ==");
		var f1 = topLevel;
		var f2 = topLevel;
		Sys.println("static fn compareMethods " + Reflect.compareMethods(f1, f2));
		var m1 = p1.sum;
		var m2 = p1.sum;
		var m3 = p2.sum;
		var m4 = p1.norm1;
		Sys.println("bound same obj " + Reflect.compareMethods(m1, m2) + " diff obj " + Reflect.compareMethods(m1, m3) + " diff method "
			+ Reflect.compareMethods(m1, m4));
		var lam = function(x:Int) return x;
		var lam2 = lam;
		Sys.println("lambda self " + Reflect.compareMethods(lam, lam2) + " vs other " + Reflect.compareMethods(lam, function(x:Int) return x));
		Sys.println("closure == " + (lam == lam2));
		Sys.println("isFunction " + Reflect.isFunction(lam) + " " + Reflect.isFunction(p1) + " " + Reflect.isFunction(m1));
		Sys.println("calls " + f1(21) + " " + m1() + " " + m3() + " " + lam(9));
		var virt:Point = new Point3(4, 5, 6);
		var vm = virt.sum;
		Sys.println("virtual bound " + vm());

		Sys.println("== Reflect.compare ==");
		var rc:Array<Dynamic> = [1, 2, 1.5, "a", "b", -3];
		var out = [];
		for (a in rc)
			for (b in rc)
				out.push(Reflect.compare(a, b));
		Sys.println(out.join(","));

		Sys.println("== classes and types ==");
		Sys.println("Point==Point " + (Type.getClass(p1) == Type.getClass(p2)) + " Point==Point3 " + (Type.getClass(p1) == cast Type.getClass(p3d)));
		Sys.println("enum type eq " + (Type.getEnum(Red) == Color));
		Sys.println("done");
	}
}
