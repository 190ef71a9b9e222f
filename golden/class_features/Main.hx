interface Visitor {
	function visitNum(n:Float):String;
	function visitAdd(a:Node, b:Node):String;
}

interface Node {
	function accept(v:Visitor):String;
	function eval():Float;
}

interface Named {
	var name(get, never):String;
}

interface Shape extends Named {
	function area():Float;
	function scale(f:Float):Shape;
}

abstract class Base implements Shape {
	public var name(get, never):String;

	static var created = 0;

	public static var count(get, set):Int;

	static function get_count():Int {
		return created;
	}

	static function set_count(v:Int):Int {
		Sys.println("  (count reset to " + v + ")");
		return created = v;
	}

	public function new() {
		created++;
	}

	function get_name():String {
		return "base#" + kind();
	}

	abstract function kind():String;

	public abstract function area():Float;

	public abstract function scale(f:Float):Shape;

	public function describe():String {
		return name + " area=" + area();
	}
}

class Sq extends Base {
	public var side(default, null):Float;

	public function new(s:Float) {
		super();
		side = s;
	}

	function kind()
		return "sq";

	public function area()
		return side * side;

	public function scale(f:Float):Shape
		return new Sq(side * f);

	override public function describe():String {
		return "Sq[" + super.describe() + "]";
	}
}

class Rc extends Sq {
	public var other:Float;

	public function new(a:Float, b:Float) {
		super(a);
		other = b;
	}

	override function kind()
		return "rc";

	override public function area()
		return side * other;

	override public function scale(f:Float):Shape
		return new Rc(side * f, other * f);

	override public function describe():String {
		return "Rc{" + super.describe() + "}";
	}
}

class Cube extends Rc {
	public function new(s:Float) {
		super(s, s);
	}

	override function kind()
		return "cube";

	override public function area()
		return 6 * super.area();

	override public function describe():String {
		return "Cube<" + super.describe() + ">";
	}

	override function get_name():String {
		return "cube:" + super.get_name();
	}
}

class Num implements Node {
	var v:Float;

	public function new(v)
		this.v = v;

	public function accept(vis:Visitor)
		return vis.visitNum(v);

	public function eval()
		return v;
}

class Add implements Node {
	var a:Node;
	var b:Node;

	public function new(a, b) {
		this.a = a;
		this.b = b;
	}

	public function accept(vis:Visitor)
		return vis.visitAdd(a, b);

	public function eval()
		return a.eval() + b.eval();
}

class Printer implements Visitor {
	public function new() {}

	public function visitNum(n:Float)
		return "" + n;

	public function visitAdd(a:Node, b:Node)
		return "(" + a.accept(this) + " + " + b.accept(this) + ")";
}

class RpnPrinter implements Visitor {
	public function new() {}

	public function visitNum(n:Float)
		return "" + n;

	public function visitAdd(a:Node, b:Node)
		return a.accept(this) + " " + b.accept(this) + " +";
}

class Props {
	@:isVar public var clamped(get, set):Int = 0;
	public var readOnly(default, null):String = "ro";
	public var computed(get, never):Float;
	public var log:Array<String> = [];
	public final frozen:Int;
	public var lazy(get, null):Array<Int>;

	public function new(f:Int) {
		frozen = f;
	}

	function get_clamped() {
		log.push("get");
		return clamped;
	}

	function set_clamped(v:Int) {
		log.push("set " + v);
		return clamped = v < 0 ? 0 : (v > 100 ? 100 : v);
	}

	function get_computed()
		return clamped * 1.5 + frozen;

	function get_lazy() {
		if (lazy == null) {
			log.push("lazy init");
			lazy = [1, 2, 3];
		}
		return lazy;
	}
}

class Factory {
	public var id:Int;
	public var tag:String;

	static var nextId = 100;

	function new(tag:String) {
		id = nextId++;
		this.tag = tag;
	}

	public static function make(?tag:String = "default"):Factory {
		return new Factory(tag);
	}
}

class Maker {
	public var a:Int;
	public var b:String;

	public function new(a:Int, ?b:String) {
		this.a = a;
		this.b = b == null ? "nob" : b;
	}
}

@:generic
class Stack<T> {
	var items:Array<T> = [];

	public function new() {}

	public function push(x:T)
		items.push(x);

	public function pop():T
		return items.pop();

	public function size()
		return items.length;
}

abstract Money(Int) {
	public inline function new(cents:Int)
		this = cents;

	@:from static function fromFloat(f:Float):Money
		return new Money(Math.round(f * 100));

	@:op(A + B) function add(o:Money):Money
		return new Money(this + o.cents());

	@:op(A * B) function mul(k:Int):Money
		return new Money(this * k);

	@:op(A > B) function gt(o:Money):Bool
		return this > o.cents();

	public inline function cents():Int
		return this;

	@:to function toString():String
		return "$" + Std.int(this / 100) + "." + StringTools.lpad("" + (this % 100), "0", 2);
}

class Main {
	static inline var LIMIT = 3;

	static inline function sq(x:Int):Int
		return x * x;

	@:generic static function maxOf<T:Float>(a:Array<T>):T {
		var m = a[0];
		for (x in a)
			if (x > m)
				m = x;
		return m;
	}

	@:generic static function pairUp<A, B>(a:A, b:B):{first:A, second:B}
		return {first: a, second: b};

	static function main() {
		Sys.println("== abstract classes / super chains ==");
		var shapes:Array<Shape> = [new Sq(2), new Rc(2, 3), new Cube(1.5)];
		for (s in shapes) {
			var b:Base = cast s;
			Sys.println(b.describe() + " | name=" + s.name + " | scaled=" + s.scale(2).area());
		}
		Sys.println("Base.count = " + Base.count);
		Base.count = 0;
		new Cube(1);
		Sys.println("Base.count after one more = " + Base.count);

		Sys.println("== interfaces / visitors ==");
		var expr:Node = new Add(new Num(1), new Add(new Num(2.5), new Add(new Num(-1), new Num(4))));
		var visitors:Array<Visitor> = [new Printer(), new RpnPrinter()];
		for (v in visitors)
			Sys.println(expr.accept(v));
		Sys.println("eval = " + expr.eval());
		var named:Array<Named> = [for (s in shapes) s];
		Sys.println("names via interface: " + [for (n in named) n.name].join(", "));

		Sys.println("== properties ==");
		var p = new Props(7);
		p.clamped = 250;
		p.clamped += 5;
		p.clamped = -4;
		var c1 = p.clamped;
		p.clamped = 42;
		Sys.println("clamped=" + p.clamped + " c1=" + c1 + " computed=" + p.computed + " readOnly=" + p.readOnly + " frozen=" + p.frozen);
		Sys.println("lazy " + p.lazy + " again " + p.lazy.length);
		Sys.println("log: " + p.log.join(", "));
		Reflect.setProperty(p, "clamped", 1000);
		Sys.println("Reflect.setProperty -> " + Reflect.getProperty(p, "clamped") + " field=" + Reflect.field(p, "clamped"));

		Sys.println("== factories / reflection ==");
		var f1 = Factory.make();
		var f2 = Factory.make("custom");
		Sys.println(f1.id + ":" + f1.tag + " " + f2.id + ":" + f2.tag);
		var m1:Maker = Type.createInstance(Maker, [5]);
		var m2:Maker = Type.createInstance(Maker, [6, "bee"]);
		Sys.println("createInstance " + m1.a + m1.b + " " + m2.a + m2.b);
		var cube:Cube = Type.createInstance(Cube, [2.0]);
		Sys.println("createInstance Cube area " + cube.area() + " class " + Type.getClassName(Type.getClass(cube)) + " super "
			+ Type.getClassName(Type.getSuperClass(Type.getClass(cube))));
		var asBase:Base = cube;
		var down1 = Std.downcast(asBase, Rc);
		var down2 = Std.downcast(asBase, Cube);
		var down3 = Std.downcast((new Sq(1) : Base), Rc);
		Sys.println("downcast Rc=" + (down1 != null) + " Cube=" + (down2 != null) + " Sq->Rc=" + (down3 == null));
		Sys.println("isOfType chain: " + Std.isOfType(cube, Base) + " " + Std.isOfType(cube, Shape) + " " + Std.isOfType(cube, Named) + " "
			+ Std.isOfType(cube, Node) + " " + Std.isOfType(new Sq(1), Rc));
		var empty:Cube = Type.createEmptyInstance(Cube);
		Sys.println("empty instance side=" + empty.side + " other=" + empty.other);
		Sys.println("class names: " + Type.getClassName(Sq) + " " + Type.getClassName(Stack) + " " + Type.getClassName(Main));

		Sys.println("== generics / inline ==");
		var si = new Stack<Int>();
		var ss = new Stack<String>();
		for (i in 0...LIMIT) {
			si.push(sq(i + 2));
			ss.push("s" + i);
		}
		Sys.println("stacks " + si.pop() + " " + si.size() + " " + ss.pop() + " " + ss.size());
		Sys.println("maxOf ints " + maxOf([3, 9, -2]) + " floats " + maxOf([0.5, -1.5, 0.75]));
		var pr = pairUp("x", 2.5);
		Sys.println("pair " + pr.first + " " + pr.second);

		Sys.println("== abstracts with operators ==");
		var a:Money = 12.34;
		var b:Money = 0.66;
		var total = a + b;
		var triple = total * 3;
		Sys.println("money " + a + " + " + b + " = " + total + " x3 = " + triple + " gt " + (triple > total) + " cents " + triple.cents());
		var sum:Money = 0.0;
		for (x in [0.1, 0.2, 0.3])
			sum = sum + x;
		Sys.println("sum " + sum);
		Sys.println("done");
	}
}
