interface Shape {
	function area():Float;
	function name():String;
}

interface Named {
	var label(get, never):String;
}

class Base implements Named {
	public static var instances:Int = 0;
	public static var registry:Array<String> = [];

	public var id:Int;
	public var label(get, never):String;

	public function new(id:Int) {
		this.id = id;
		instances++;
		registry.push("Base#" + id);
	}

	function get_label():String {
		return "base-" + id;
	}

	public function describe():String {
		return "Base(" + id + ")";
	}

	public function greet(who:String):String {
		return "Hello " + who + " from " + describe();
	}

	public static function count():Int {
		return instances;
	}

	public function toString():String {
		return "[Base id=" + id + "]";
	}
}

class Derived extends Base {
	public var extra:String;

	public function new(id:Int, extra:String) {
		super(id);
		this.extra = extra;
		Base.registry.push("Derived#" + id);
	}

	override function get_label():String {
		return "derived-" + super.get_label();
	}

	override public function describe():String {
		return "Derived(" + extra + ", " + super.describe() + ")";
	}

	override public function toString():String {
		return "[Derived " + extra + " / " + super.toString() + "]";
	}
}

class MoreDerived extends Derived {
	public function new() {
		super(99, "more");
	}

	override public function describe():String {
		return "MoreDerived<" + super.describe() + ">";
	}
}

class Circle implements Shape {
	public var r:Float;

	public function new(r:Float) {
		this.r = r;
	}

	public function area():Float {
		return 3.0 * r * r;
	}

	public function name():String {
		return "circle";
	}
}

class Rect implements Shape {
	public var w:Float;
	public var h:Float;

	public function new(w:Float, h:Float) {
		this.w = w;
		this.h = h;
	}

	public function area():Float {
		return w * h;
	}

	public function name():String {
		return "rect";
	}

	public function toString():String {
		return 'Rect(${w}x${h})';
	}
}

class Square extends Rect {
	public function new(s:Float) {
		super(s, s);
	}

	override public function name():String {
		return "square";
	}
}

class Counter {
	public var value(default, null):Int = 0;
	public var doubled(get, never):Int;
	public var clamped(default, set):Int = 0;
	@:isVar public var stored(get, set):String;

	public var setCalls:Int = 0;

	public function new() {
		stored = "init";
	}

	public function inc():Counter {
		value++;
		return this;
	}

	function get_doubled():Int {
		return value * 2;
	}

	function set_clamped(v:Int):Int {
		setCalls++;
		if (v < 0)
			v = 0;
		if (v > 10)
			v = 10;
		return clamped = v;
	}

	function get_stored():String {
		return "<" + stored + ">";
	}

	function set_stored(s:String):String {
		setCalls++;
		stored = s.toUpperCase();
		return s;
	}
}

class NoToString {
	public var x:Int;

	public function new(x:Int) {
		this.x = x;
	}
}

class Animal {
	public function new() {}

	public function speak():String {
		return "...";
	}

	public function intro():String {
		return "I say " + speak();
	}
}

class Dog extends Animal {
	override public function speak():String {
		return "Woof";
	}
}

class Cat extends Animal {
	override public function speak():String {
		return "Meow";
	}
}

class Kitten extends Cat {
	override public function speak():String {
		return super.speak().toLowerCase() + "~";
	}
}

class Point {
	public var x:Int;
	public var y:Int;

	public function new(x = 0, y = 0) {
		this.x = x;
		this.y = y;
	}

	public function add(o:Point):Point {
		return new Point(x + o.x, y + o.y);
	}

	public function toString() {
		return "(" + x + "," + y + ")";
	}
}

class Main {
	static var staticCounter = 10;

	static function bump(by:Int = 1):Int {
		staticCounter += by;
		return staticCounter;
	}

	static function main() {
		var b = new Base(1);
		var d = new Derived(2, "two");
		var m = new MoreDerived();
		Sys.println(b.describe());
		Sys.println(d.describe());
		Sys.println(m.describe());
		Sys.println(b.greet("Alice"));
		Sys.println(d.greet("Bob"));
		Sys.println(m.greet("Carol"));
		Sys.println(b.label + " " + d.label + " " + m.label);
		var n:Named = d;
		Sys.println("via interface: " + n.label);
		Sys.println("instances=" + Base.count() + " " + Base.instances);
		Sys.println("registry=" + Base.registry.join(","));
		Sys.println("concat: " + b);
		Sys.println("concat: " + d);
		Sys.println("Std.string: " + Std.string(m));
		trace(b);
		trace(d);
		var bs:Array<Base> = [b, d, m];
		Sys.println("array: " + bs);
		for (x in bs)
			Sys.println(x.describe() + " | " + x.label);

		var shapes:Array<Shape> = [new Circle(1), new Rect(2, 3), new Square(4), new Circle(0.5)];
		var total = 0.0;
		for (s in shapes) {
			Sys.println(s.name() + " area=" + s.area());
			total += s.area();
		}
		Sys.println("total area=" + total);
		Sys.println("Rect toString: " + new Rect(1.5, 2));
		Sys.println("Square toString: " + Std.string(new Square(7)));

		var c = new Counter();
		c.inc().inc().inc();
		Sys.println("value=" + c.value + " doubled=" + c.doubled);
		c.clamped = 5;
		Sys.println("clamped=" + c.clamped);
		c.clamped = 50;
		Sys.println("clamped=" + c.clamped);
		c.clamped = -3;
		Sys.println("clamped=" + c.clamped);
		var r = (c.clamped = 7);
		Sys.println("assign result=" + r);
		c.clamped += 2;
		Sys.println("clamped after += " + c.clamped);
		c.clamped++;
		Sys.println("clamped after ++ " + c.clamped);
		Sys.println("stored=" + c.stored);
		c.stored = "hello";
		Sys.println("stored=" + c.stored);
		Sys.println("setCalls=" + c.setCalls);

		var nts = new NoToString(5);
		var s = Std.string(nts);
		Sys.println("NoToString: " + s);

		// Std.isOfType
		var objs:Array<Dynamic> = [b, d, m, new Circle(2), new Square(1), 5, "str", 2.5, true, null, [1, 2]];
		for (o in objs) {
			var tags = [];
			if (Std.isOfType(o, Base))
				tags.push("Base");
			if (Std.isOfType(o, Derived))
				tags.push("Derived");
			if (Std.isOfType(o, MoreDerived))
				tags.push("MoreDerived");
			if (Std.isOfType(o, Shape))
				tags.push("Shape");
			if (Std.isOfType(o, Rect))
				tags.push("Rect");
			if (Std.isOfType(o, Square))
				tags.push("Square");
			if (Std.isOfType(o, Named))
				tags.push("Named");
			if (Std.isOfType(o, Int))
				tags.push("Int");
			if (Std.isOfType(o, Float))
				tags.push("Float");
			if (Std.isOfType(o, String))
				tags.push("String");
			if (Std.isOfType(o, Bool))
				tags.push("Bool");
			if (Std.isOfType(o, Array))
				tags.push("Array");
			Sys.println(Std.string(o) + " -> " + tags.join(","));
		}

		// casts
		var asBase:Base = m;
		var back = cast(asBase, Derived);
		Sys.println("safe cast ok: " + back.extra);
		var unsafe:Derived = cast asBase;
		Sys.println("unsafe cast: " + unsafe.extra);
		var downcast = Std.downcast(b, Derived);
		Sys.println("downcast base->derived: " + downcast);
		var downcast2 = Std.downcast(asBase, MoreDerived);
		Sys.println("downcast ok: " + (downcast2 != null) + " " + downcast2.describe());
		try {
			var bad = cast(b, Derived);
			Sys.println("should not reach " + bad);
		} catch (e:Dynamic) {
			Sys.println("cast failed: " + Std.string(e));
		}

		// animals & dynamic dispatch
		var animals:Array<Animal> = [new Animal(), new Dog(), new Cat(), new Kitten()];
		for (a in animals)
			Sys.println(a.intro());

		// classes via Type
		Sys.println(Type.getClassName(Type.getClass(d)));
		Sys.println(Type.getClassName(Type.getSuperClass(Type.getClass(m))));
		Sys.println(Type.getClassName(Kitten));
		var inst = Type.createInstance(Point, [3, 4]);
		Sys.println("createInstance: " + inst);
		Sys.println("Type.getInstanceFields sorted: " + sorted(Type.getInstanceFields(Point)));

		// statics
		Sys.println("bump: " + bump() + " " + bump(5) + " " + bump(-20));
		Sys.println("staticCounter=" + staticCounter);

		// default args, object identity
		var p1 = new Point();
		var p2 = new Point(1);
		var p3 = new Point(1, 2);
		Sys.println(p1 + " " + p2 + " " + p3 + " " + p2.add(p3));
		var p4 = p3;
		Sys.println("identity: " + (p3 == p4) + " " + (p3 == new Point(1, 2)));
		var nullBase:Base = null;
		Sys.println("null obj: " + nullBase + " " + (nullBase == null));
	}

	static function sorted(a:Array<String>):String {
		a.sort((x, y) -> x < y ? -1 : (x > y ? 1 : 0));
		return a.join(",");
	}
}
