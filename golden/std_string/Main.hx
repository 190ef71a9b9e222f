class Plain {
	public var a:Int;
	public var b:String;

	public function new() {
		a = 1;
		b = "bee";
	}
}

class WithToString {
	var v:Float;

	public function new(v:Float) {
		this.v = v;
	}

	public function toString():String {
		return "WTS<" + v + ">";
	}
}

class Child extends WithToString {
	override public function toString():String {
		return "Child:" + super.toString();
	}
}

class Empty {
	public function new() {}
}

enum Shape {
	Dot;
	Circle(r:Float);
	Rect(w:Float, h:Float);
	Label(s:String, b:Bool);
	Group(items:Array<Shape>);
	Boxed(o:Dynamic);
	Opt(i:Null<Int>, f:Null<Float>);
}

class Main {
	static function show(v:Dynamic) {
		Sys.println(Std.string(v));
	}

	static function main() {
		Sys.println("== ints ==");
		for (i in [0, 1, -1, 42, -2147483648, 2147483647, 1000000, 0x10])
			show(i);
		Sys.println("== floats ==");
		var fs = [0.0, 1.0, -1.0, 0.5, 0.1, 1 / 3, 2 / 3, 10.0, 100.0, 1e6, 1e7, 1e10, 1e14, 1e15, 1e16, 1e20, 1e21, 1e22, 1.5e300, 1e-4, 1e-5, 1e-6, 1e-7,
			123.456, -0.001, 3.0000000001, 1.23456789012345678, 98765.4321, 4.35, 0.07, 1.005, 2.675, 1e100, 5e-324, 2.2250738585072014e-308, 9007199254740993.0,
			0.30000000000000004, 100.5, -99.99, 6.02214076e23, 1.602176634e-19];
		for (f in fs)
			Sys.println(Std.string(f) + " | " + f + " | " + [f] + " | " + Circle(f));
		show(Math.NaN);
		show(Math.POSITIVE_INFINITY);
		show(Math.NEGATIVE_INFINITY);
		Sys.println("== bools / null ==");
		show(true);
		show(false);
		show(null);
		var ns:String = null;
		show(ns);
		var ni:Null<Int> = null;
		show(ni);
		Sys.println("null concat: " + ns + "|" + ni);
		Sys.println("== strings ==");
		show("");
		show("plain");
		show("with \"quotes\" and \n newline");
		show("unicode é 日本 😀");
		Sys.println("== arrays ==");
		show([]);
		show([1, 2, 3]);
		show([1.5, -0.25, 1e21]);
		show([true, false]);
		show(["a", "", "c"]);
		show([null, "x"]);
		var mixed:Array<Dynamic> = [1, "two", 3.5, true, null, [4, 5], {k: "v"}, Dot, Circle(1.5), new Plain(), new WithToString(2.5)];
		show(mixed);
		show([[1, 2], [], [3, [4, [5, []]]]]);
		var nested:Array<Array<Float>> = [[0.1, 0.2], [0.3]];
		show(nested);
		var ai:Array<Null<Int>> = [1, null, 3];
		show(ai);
		Sys.println("== anonymous objects ==");
		show({});
		show({a: 1});
		show({name: "x"});
		show({f: 1.5});
		show({inner: {deep: {deeper: [1, 2]}}});
		show({e: Rect(1, 2)});
		show({n: null});
		Sys.println("== class instances ==");
		show(new Plain());
		show(new Empty());
		show(new WithToString(1.25));
		show(new Child(-3));
		show([new Child(1), new Child(2)]);
		Sys.println("string concat with object: " + new WithToString(7) + " / " + new Plain());
		Sys.println("== enums ==");
		var es:Array<Shape> = [
			Dot, Circle(0.1), Circle(1e21), Rect(1, 2.5), Label("lbl", true), Label("", false), Group([]), Group([Dot, Circle(2)]),
			Group([Group([Group([Dot])])]), Boxed(null), Boxed(5), Boxed("str"), Boxed([1, 2]), Boxed(new WithToString(9)), Opt(null, null), Opt(3, 0.5),
			Opt(0, Math.NaN), Circle(1 / 3), Rect(-0.0, 100)
		];
		for (e in es)
			show(e);
		Sys.println("== types ==");
		show(Plain);
		show(Shape);
		show(String);
		show(Main);
		show(Type.getClass(new Child(0)));
		show(Type.getEnum(Dot));
		Sys.println("class name via Type: " + Type.getClassName(Plain) + " " + Type.getEnumName(Shape));
		Sys.println("== maps / lists ==");
		var im = new Map<Int, String>();
		im.set(1, "one");
		show(im);
		var sm = new Map<String, Float>();
		sm.set("pi", 3.14);
		show(sm);
		var em = new Map<Int, Array<Int>>();
		em.set(7, [7, 7]);
		show(em);
		show(new Map<String, Int>());
		var l = new List<Dynamic>();
		l.add(1);
		l.add("two");
		l.add(null);
		l.add(Circle(3));
		show(l);
		show(new List<Int>());
		var gl = new haxe.ds.GenericStack<Int>();
		gl.add(1);
		gl.add(2);
		show(gl);
		Sys.println("explicit: " + im.toString() + " " + sm.toString() + " " + em.toString() + " " + l.toString() + " " + gl.toString());
		Sys.println("concat: " + im + " " + l);
		Sys.println("== bytes / int64 ==");
		show(haxe.io.Bytes.ofString("bytes!"));
		show(haxe.io.Bytes.alloc(0));
		show(haxe.Int64.make(1, 0));
		show(haxe.Int64.ofInt(-5));
		var i64:haxe.Int64 = haxe.Int64.make(0x7FFFFFFF, 0xFFFFFFFF);
		Sys.println("int64 concat: " + i64);
		Sys.println("== trace ==");
		trace(1);
		trace(2.5);
		trace("s");
		trace(null);
		trace([1, 2]);
		trace({t: true});
		trace(Label("t", false));
		trace(new WithToString(0.5));
		trace("multi", 1, [2]);
		Sys.println("== Sys.println of non-strings ==");
		Sys.println(12);
		Sys.println(1.5);
		Sys.println(false);
		Sys.println(null);
		Sys.println([1]);
		Sys.println(Dot);
		Sys.print(3);
		Sys.print(" ");
		Sys.print(4.5);
		Sys.print("\n");
		Sys.println("== string interpolation ==");
		var x = 0.1 + 0.2;
		var arr = [1, 2];
		Sys.println('x=$x arr=$arr e=${Circle(x)} o=${new WithToString(x)} n=${null} b=${x > 0}');
		Sys.println("== Std.string of boxed values ==");
		var dynInt:Dynamic = 5;
		var dynF:Dynamic = 5.0;
		var dynB:Dynamic = true;
		Sys.println(Std.string(dynInt) + " " + Std.string(dynF) + " " + Std.string(dynB) + " " + (dynInt + dynF) + " " + (dynF + "s"));
		Sys.println("done");
	}
}
