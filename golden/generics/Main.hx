typedef HasName = {
	var name(default, null):String;
	function greet(other:String):String;
}

typedef Pointlike = {
	x:Float,
	y:Float
}

interface Container<T> {
	function add(item:T):Void;
	function get(i:Int):T;
	function size():Int;
}

interface Transformer<A, B> {
	function apply(a:A):B;
}

class Stack<T> implements Container<T> {
	var items:Array<T>;

	public function new() {
		items = [];
	}

	public function add(item:T):Void {
		items.push(item);
	}

	public function get(i:Int):T {
		return items[i];
	}

	public function size():Int {
		return items.length;
	}

	public function pop():Null<T> {
		return items.pop();
	}

	public function peek():Null<T> {
		return items.length == 0 ? null : items[items.length - 1];
	}

	public function map<U>(f:T->U):Stack<U> {
		var s = new Stack<U>();
		for (i in items)
			s.add(f(i));
		return s;
	}

	public function toString():String {
		return "Stack" + Std.string(items);
	}
}

class Pair<A, B> {
	public var first:A;
	public var second:B;

	public function new(a:A, b:B) {
		first = a;
		second = b;
	}

	public function swap():Pair<B, A> {
		return new Pair(second, first);
	}

	public function toString() {
		return "(" + first + ", " + second + ")";
	}
}

@:generic
class TypedBuffer<T> {
	public var data:Array<T>;
	public var label:String;

	public function new(label:String) {
		this.label = label;
		data = [];
	}

	public function put(v:T):TypedBuffer<T> {
		data.push(v);
		return this;
	}

	public function describe():String {
		return label + data.toString();
	}
}

@:generic
class Cell<T> {
	public var value:T;

	public function new(v:T) {
		value = v;
	}
}

class Person {
	public var name(default, null):String;
	public var age:Int;

	public function new(name:String, age:Int) {
		this.name = name;
		this.age = age;
	}

	public function greet(other:String):String {
		return name + " greets " + other;
	}
}

class Robot {
	public var name(default, null):String;

	public function new(id:Int) {
		name = "RX-" + id;
	}

	public function greet(other:String):String {
		return "BEEP " + other.toUpperCase();
	}
}

class Vec {
	public var x:Float;
	public var y:Float;

	public function new(x, y) {
		this.x = x;
		this.y = y;
	}
}

class Lengths implements Transformer<String, Int> {
	public function new() {}

	public function apply(a:String):Int {
		return a.length;
	}
}

class Doubler implements Transformer<Int, Int> {
	public function new() {}

	public function apply(a:Int):Int {
		return a * 2;
	}
}

class RangeIter {
	var cur:Int;
	var end:Int;
	var step:Int;

	public function new(start:Int, end:Int, step:Int) {
		cur = start;
		this.end = end;
		this.step = step;
	}

	public function hasNext():Bool {
		return step > 0 ? cur < end : cur > end;
	}

	public function next():Int {
		var v = cur;
		cur += step;
		return v;
	}
}

class Fib {
	var a:Int = 0;
	var b:Int = 1;
	var n:Int;

	public function new(n:Int) {
		this.n = n;
	}

	public function iterator():Iterator<Int> {
		return {
			hasNext: () -> n > 0,
			next: () -> {
				n--;
				var r = a;
				var t = a + b;
				a = b;
				b = t;
				r;
			}
		};
	}
}

class LinkedList<T> {
	var head:Null<Node<T>>;
	var len:Int = 0;

	public function new() {}

	public function prepend(v:T) {
		head = new Node(v, head);
		len++;
	}

	public function iterator():ListIter<T> {
		return new ListIter(head);
	}
}

class Node<T> {
	public var value:T;
	public var next:Null<Node<T>>;

	public function new(v:T, n:Null<Node<T>>) {
		value = v;
		next = n;
	}
}

class ListIter<T> {
	var node:Null<Node<T>>;

	public function new(n:Null<Node<T>>) {
		node = n;
	}

	public function hasNext():Bool {
		return node != null;
	}

	public function next():T {
		var v = node.value;
		node = node.next;
		return v;
	}
}

abstract Money(Int) {
	public inline function new(cents:Int) {
		this = cents;
	}

	@:op(A + B) public function add(other:Money):Money {
		return new Money(this + other.cents());
	}

	@:op(A - B) public function sub(other:Money):Money {
		return new Money(this - other.cents());
	}

	@:op(A * B) public function scale(k:Int):Money {
		return new Money(this * k);
	}

	@:op(A > B) public function gt(other:Money):Bool {
		return this > other.cents();
	}

	@:op(-A) public function neg():Money {
		return new Money(-this);
	}

	public function cents():Int {
		return this;
	}

	@:to public function toString():String {
		var sign = this < 0 ? "-" : "";
		var v = this < 0 ? -this : this;
		var c = v % 100;
		return sign + "$" + Std.int(v / 100) + "." + (c < 10 ? "0" : "") + c;
	}

	@:from static function fromInt(i:Int):Money {
		return new Money(i * 100);
	}
}

abstract Vec2(Array<Float>) {
	public function new(x:Float, y:Float) {
		this = [x, y];
	}

	public var x(get, never):Float;
	public var y(get, never):Float;

	function get_x()
		return this[0];

	function get_y()
		return this[1];

	@:op(A + B) static function plus(a:Vec2, b:Vec2):Vec2 {
		return new Vec2(a.x + b.x, a.y + b.y);
	}

	@:op(A * B) static function times(a:Vec2, k:Float):Vec2 {
		return new Vec2(a.x * k, a.y * k);
	}

	@:op(A == B) static function eq(a:Vec2, b:Vec2):Bool {
		return a.x == b.x && a.y == b.y;
	}

	@:arrayAccess function at(i:Int):Float {
		return this[i];
	}

	public function str():String {
		return "<" + x + "," + y + ">";
	}
}

enum abstract Level(Int) to Int {
	var Low = 1;
	var Mid = 5;
	var High = 10;

	public function label():String {
		return switch (cast this : Level) {
			case Low: "low";
			case Mid: "mid";
			case High: "high";
			default: "?";
		}
	}
}

class Main {
	static function maxOf<T>(items:Array<T>, cmp:T->T->Int):T {
		var best = items[0];
		for (i in items)
			if (cmp(i, best) > 0)
				best = i;
		return best;
	}

	static function mapPair<A, B, C>(p:Pair<A, B>, f:A->C):Pair<C, B> {
		return new Pair(f(p.first), p.second);
	}

	static function introduce(n:HasName):String {
		return "[" + n.name + "] " + n.greet("world");
	}

	static function dist(p:Pointlike):Float {
		return Math.sqrt(p.x * p.x + p.y * p.y);
	}

	static function applyAll<A, B>(t:Transformer<A, B>, xs:Array<A>):Array<B> {
		return [for (x in xs) t.apply(x)];
	}

	@:generic static function fill<T>(n:Int, v:T):Array<T> {
		return [for (_ in 0...n) v];
	}

	static function sumContainer(c:Container<Int>):Int {
		var s = 0;
		for (i in 0...c.size())
			s += c.get(i);
		return s;
	}

	static function firstOr<T>(a:Array<T>, def:T):T {
		return a.length > 0 ? a[0] : def;
	}

	static function main() {
		var si = new Stack<Int>();
		for (i in 1...6)
			si.add(i * i);
		Sys.println("int stack " + si + " size=" + si.size() + " peek=" + si.peek() + " sum=" + sumContainer(si));
		Sys.println("pop " + si.pop() + " then " + si);
		var ss = si.map(i -> "#" + i);
		Sys.println("mapped to strings " + ss + " get(1)=" + ss.get(1));
		var sf = si.map(i -> i / 2);
		Sys.println("mapped to floats " + sf);
		var sp = new Stack<Person>();
		sp.add(new Person("Ann", 31));
		sp.add(new Person("Bob", 25));
		Sys.println("person stack size " + sp.size() + " top " + sp.peek().name);
		var empty = new Stack<String>();
		Sys.println("empty peek " + empty.peek() + " pop " + empty.pop());
		var emptyI = new Stack<Int>();
		Sys.println("empty int peek " + emptyI.peek());

		var p = new Pair("one", 1);
		Sys.println("pair " + p + " swapped " + p.swap() + " mapped " + mapPair(p, s -> s.length));
		var pp = new Pair(new Pair(1.5, true), [1, 2]);
		Sys.println("nested pair " + pp + " first.second " + pp.first.second);

		Sys.println("maxOf ints " + maxOf([3, 9, 2, 7], (a, b) -> a - b));
		Sys.println("maxOf strings " + maxOf(["pear", "apple", "zucchini", "fig"], (a, b) -> a.length - b.length));
		Sys.println("maxOf floats " + maxOf([1.5, -3.0, 2.25], (a, b) -> a < b ? -1 : (a > b ? 1 : 0)));
		Sys.println("maxOf persons " + maxOf([new Person("X", 40), new Person("Y", 70), new Person("Z", 10)], (a, b) -> a.age - b.age).name);
		Sys.println("firstOr " + firstOr([], "default") + " " + firstOr([4], 0) + " " + firstOr(([] : Array<Int>), -1));

		// @:generic
		var tbI = new TypedBuffer<Int>("ints");
		tbI.put(1).put(2).put(3);
		var tbS = new TypedBuffer<String>("strs");
		tbS.put("a").put("b");
		var tbF = new TypedBuffer<Float>("floats");
		tbF.put(0.5).put(1e21);
		Sys.println(tbI.describe() + " " + tbS.describe() + " " + tbF.describe());
		var cI = new Cell<Int>(5);
		var cS = new Cell<String>("five");
		cI.value += 10;
		cS.value += "!";
		Sys.println("cells " + cI.value + " " + cS.value);
		Sys.println("fill " + fill(3, "x") + " " + fill(2, 7) + " " + fill(2, 0.5));
		Sys.println("generic class names " + Type.getClassName(Type.getClass(tbI)) + " " + Type.getClassName(Type.getClass(cS)));

		// structural typing
		var named:Array<HasName> = [new Person("Carol", 50), new Robot(7)];
		for (n in named)
			Sys.println(introduce(n));
		var anon:HasName = {name: "anon", greet: s -> "hi " + s};
		Sys.println(introduce(anon));
		Sys.println("dist vec " + dist(new Vec(3, 4)) + " dist anon " + dist({x: 6, y: 8}));

		// generic interfaces
		Sys.println("lengths " + applyAll(new Lengths(), ["a", "bb", "ccc", ""]));
		Sys.println("doubled " + applyAll(new Doubler(), [1, 2, 3]));
		var tr:Transformer<String, Int> = new Lengths();
		Sys.println("via interface " + tr.apply("hello"));

		// iterators
		var out = [];
		for (i in new RangeIter(0, 20, 3))
			out.push(i);
		Sys.println("range iter " + out);
		out = [];
		for (i in new RangeIter(10, 0, -4))
			out.push(i);
		Sys.println("range down " + out);
		Sys.println("fib iterable " + [for (f in new Fib(15)) f]);
		var ll = new LinkedList<String>();
		for (w in ["c", "b", "a"])
			ll.prepend(w);
		Sys.println("linked list " + [for (w in ll) w].join("->"));
		var lli = new LinkedList<Int>();
		for (i in 0...5)
			lli.prepend(i * 11);
		var total = 0;
		for (v in lli)
			total += v;
		Sys.println("linked int total " + total);
		var itAnon:Iterator<Int> = {
			var k = 0;
			{hasNext: () -> k < 3, next: () -> k++};
		};
		Sys.println("anon iterator " + [for (v in itAnon) v]);

		// abstracts with operators
		var m1:Money = 5; // from Int via @:from
		var m2 = new Money(250);
		var m3 = m1 + m2;
		Sys.println("money " + m1.toString() + " + " + m2.toString() + " = " + m3.toString());
		Sys.println("money sub " + (m2 - m1).toString() + " neg " + (-m2).toString() + " scale " + (m2 * 3).toString());
		Sys.println("money gt " + (m1 > m2) + " " + (m2 > new Money(100)));
		var ms:String = new Money(1234567);
		Sys.println("money to string implicit " + ms);
		var a = new Vec2(1, 2);
		var b = new Vec2(0.5, -1);
		var c = a + b * 2;
		Sys.println("vec2 " + c.str() + " x=" + c.x + " [1]=" + c[1] + " eq " + (c == new Vec2(2, 0)) + " " + (a == b));
		var lv:Level = Mid;
		var asInt:Int = lv;
		Sys.println("enum abstract " + lv.label() + " " + asInt + " " + High.label() + " " + (Low : Int) + " " + ((Low : Int) < (High : Int)));
		trace("generics done");
	}
}
