class Log {
	public static var lines:Array<String> = [];

	public static function add(s:String):Int {
		lines.push(s);
		Sys.println("  [init] " + s);
		return lines.length;
	}
}

class Config {
	public static inline var VERSION = 3;
	public static inline var NAME = "cfg";
	public static inline var RATIO = 0.25;
	public static inline var FLAG = true;
	public static var computed = VERSION * 100 + Log.add("Config.computed");
	public static var label = NAME + "-v" + VERSION;
	public static var table = [for (i in 0...5) i * VERSION];
	public static var lookup = ["a" => 1, "b" => 2];
	public static var uninitInt:Int;
	public static var uninitFloat:Float;
	public static var uninitBool:Bool;
	public static var uninitString:String;
	public static var uninitArray:Array<Int>;
	public static var nullableInt:Null<Int>;
}

class A {
	public static var a1 = Log.add("A.a1");
	public static var a2 = a1 * 10;
	public static var fromB = B.b1 + 1;
}

class B {
	public static var b1 = Log.add("B.b1") + 100;
	public static var b2 = "B" + b1;
}

class WithInit {
	public static var value:Int;
	public static var names:Array<String>;

	static function __init__() {
		value = 77;
		names = ["init", "ran"];
	}
}

class Lazy {
	static var _instance:Lazy;
	static var created = 0;

	public static var instance(get, never):Lazy;

	static function get_instance():Lazy {
		if (_instance == null) {
			created++;
			_instance = new Lazy("singleton#" + created);
		}
		return _instance;
	}

	public static function createdCount()
		return created;

	public var id:String;

	function new(id:String) {
		this.id = id;
		Log.add("Lazy.new " + id);
	}
}

class Cache {
	static var memo:Map<Int, Float> = new Map();
	public static var misses = 0;

	public static function get(n:Int):Float {
		if (memo.exists(n))
			return memo.get(n);
		misses++;
		var v = n < 2 ? n : get(n - 1) + get(n - 2);
		memo.set(n, v);
		return v;
	}
}

class Counter {
	public static var count = 0;
	public static var history:Array<Int> = [];

	public var mine:Int;

	public function new() {
		count++;
		mine = count;
		history.push(mine * mine);
	}
}

class Chain {
	public static var first = Log.add("Chain.first");
	public static var second = first + Log.add("Chain.second");
	public static var third = second + first;
}

class Parent {
	public static var parentStatic = Log.add("Parent.parentStatic");
	public static var shared = "parent";

	public static function who()
		return "Parent " + shared;
}

class Child extends Parent {
	public static var childStatic = Log.add("Child.childStatic");
	public static var shared = "child";

	public static function who()
		return "Child " + shared + " / " + Parent.who();
}

class Main {
	static var mainStatic = Log.add("Main.mainStatic");
	static var fromConfig = Config.label + "!";
	static final FINAL_VALUE = 12345;
	static inline var INLINE_STR = "inline";

	static function main() {
		Sys.println("main started");
		Sys.println("log so far: " + Log.lines.join(" ; "));
		Sys.println("Config.VERSION=" + Config.VERSION + " NAME=" + Config.NAME + " RATIO=" + Config.RATIO + " FLAG=" + Config.FLAG);
		Sys.println("Config.computed=" + Config.computed + " label=" + Config.label + " table=" + Config.table + " lookup b=" + Config.lookup.get("b"));
		Sys.println("uninit: int=" + Config.uninitInt + " float=" + Config.uninitFloat + " bool=" + Config.uninitBool + " string=" + Config.uninitString + " array=" + Config.uninitArray + " nullable=" + Config.nullableInt);
		Sys.println("A.a1=" + A.a1 + " A.a2=" + A.a2 + " A.fromB=" + A.fromB);
		Sys.println("B.b1=" + B.b1 + " B.b2=" + B.b2);
		Sys.println("WithInit.value=" + WithInit.value + " names=" + WithInit.names);
		Sys.println("fromConfig=" + fromConfig + " FINAL=" + FINAL_VALUE + " INLINE=" + INLINE_STR);
		Sys.println("Chain: " + Chain.first + " " + Chain.second + " " + Chain.third);
		Sys.println("Parent/Child: " + Parent.parentStatic + " " + Child.childStatic + " " + Child.who() + " | " + Parent.who());

		Sys.println("lazy created before access: " + Lazy.createdCount());
		var l1 = Lazy.instance;
		var l2 = Lazy.instance;
		Sys.println("lazy ids " + l1.id + " " + l2.id + " same=" + (l1 == l2) + " created=" + Lazy.createdCount());

		Sys.println("fib(50) via cache = " + Cache.get(50) + " misses=" + Cache.misses);
		Sys.println("fib(60) via cache = " + Cache.get(60) + " misses=" + Cache.misses);

		for (i in 0...4)
			new Counter();
		Sys.println("Counter.count=" + Counter.count + " history=" + Counter.history);

		// mutate statics
		Config.uninitInt += 5;
		Config.uninitString = "now set";
		Config.table.push(999);
		A.a2 *= 2;
		Sys.println("mutated: " + Config.uninitInt + " " + Config.uninitString + " " + Config.table + " " + A.a2);
		Child.shared = "CHILD";
		Parent.shared = "PARENT";
		Sys.println(Child.who());
		Sys.println("final log: " + Log.lines.length + " entries: " + Log.lines.join(" ; "));
		trace("statics done");
	}
}
