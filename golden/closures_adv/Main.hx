import haxe.Rest;

class Animal {
	public var name:String;

	public function new(name:String) {
		this.name = name;
	}

	public function speak():String {
		return name + " makes a sound";
	}

	public function describe(prefix:String, times:Int):String {
		return prefix + ":" + name + "x" + times;
	}

	public function getSpeaker():Void->String {
		return speak;
	}

	public function delayed():Void->String {
		return () -> "delayed " + speak();
	}
}

class Dog extends Animal {
	override public function speak():String {
		return name + " barks";
	}

	override public function describe(prefix:String, times:Int):String {
		return "Dog(" + super.describe(prefix, times) + ")";
	}
}

class Puppy extends Dog {
	override public function speak():String {
		return super.speak() + " softly";
	}
}

class Counter {
	var n:Int = 0;

	public function new() {}

	public function bump(by:Int):Int {
		n += by;
		return n;
	}

	public function bumper():Int->Int {
		return bump;
	}
}

class Main {
	static function opt(a:Int, ?b:Int, ?c:String, d:Float = 2.5, e:Bool = true):String {
		return "a=" + a + " b=" + b + " c=" + c + " d=" + d + " e=" + e;
	}

	static function sumRest(base:Int, rest:Rest<Int>):Int {
		var s = base;
		for (r in rest)
			s += r;
		return s;
	}

	static function fmtRest(sep:String, parts:Rest<String>):String {
		return parts.toArray().join(sep) + " (" + parts.length + ")";
	}

	static function makeAdder(n:Int):Int->Int {
		return x -> x + n;
	}

	static function makeMultiplierFactory(factor:Float):Int->(Float->Float) {
		return function(offset:Int) {
			return function(x:Float) {
				return x * factor + offset;
			};
		};
	}

	static function chain(fs:Array<Int->Int>):Int->Int {
		return function(x) {
			for (f in fs)
				x = f(x);
			return x;
		};
	}

	static function memo(f:Int->Int):Int->Int {
		var cache = new Map<Int, Int>();
		var misses = 0;
		return function(x) {
			if (cache.exists(x))
				return cache.get(x);
			misses++;
			var v = f(x);
			cache.set(x, v);
			return v * 1000 + misses;
		};
	}

	static function main() {
		Sys.println("== virtual dispatch via bound closures ==");
		var animals:Array<Animal> = [new Animal("generic"), new Dog("rex"), new Puppy("bit")];
		var speakers:Array<Void->String> = [for (a in animals) a.speak];
		for (s in speakers)
			Sys.println(s());
		for (a in animals) {
			var sp = a.getSpeaker();
			var d = a.delayed();
			var desc = a.describe;
			Sys.println(sp() + " | " + d() + " | " + desc("p", 3));
		}
		// rename after binding: closure sees field mutation
		var dog = new Dog("max");
		var ds = dog.speak;
		dog.name = "maximus";
		Sys.println("after rename: " + ds());

		Sys.println("== Reflect.callMethod ==");
		var puppy = new Puppy("tiny");
		Sys.println(Reflect.callMethod(puppy, Reflect.field(puppy, "describe"), ["rc", 2]));
		Sys.println(Reflect.callMethod(puppy, Reflect.field(puppy, "speak"), []));
		Sys.println(Reflect.callMethod(null, opt, [1]));
		Sys.println(Reflect.callMethod(null, opt, [1, 2]));
		Sys.println(Reflect.callMethod(null, opt, [1, null, "c"]));
		Sys.println(Reflect.callMethod(null, opt, [1, 2, "c", 9.75, false]));
		Sys.println(Reflect.callMethod(null, makeAdder(10), [5]));
		var fl = function(a:Float, b:Float):Float return a / b;
		Sys.println("float args: " + Reflect.callMethod(null, fl, [1, 4]) + " " + Reflect.callMethod(null, fl, [1.5, 0.5]));
		var bools = function(a:Bool, b:Bool):String return (a ? "T" : "F") + (b ? "T" : "F");
		Sys.println("bool args: " + Reflect.callMethod(null, bools, [true, false]));
		var cnt = new Counter();
		var bm = Reflect.field(cnt, "bump");
		for (i in 1...5)
			Reflect.callMethod(cnt, bm, [i]);
		Sys.println("counter via callMethod: " + cnt.bump(0));

		Sys.println("== makeVarArgs ==");
		var va:Dynamic = Reflect.makeVarArgs(function(args:Array<Dynamic>):Dynamic {
			return args.length + ":" + args.join("/");
		});
		Sys.println(va());
		Sys.println(va(1));
		Sys.println(va(1, "two", 3.5, true, null));
		Sys.println(Reflect.callMethod(null, va, [7, 8, 9]));
		var summer:Dynamic = Reflect.makeVarArgs(function(args:Array<Dynamic>):Dynamic {
			var t = 0.0;
			for (a in args)
				t += a;
			return t;
		});
		Sys.println("var sum: " + summer(1, 2, 3.5) + " " + summer());

		Sys.println("== Rest args ==");
		Sys.println(sumRest(1));
		Sys.println(sumRest(1, 2, 3, 4));
		var more = [10, 20, 30];
		Sys.println(sumRest(0, ...more));
		Sys.println(fmtRest("-", "a", "b", "c"));
		Sys.println(fmtRest("+"));

		Sys.println("== optional / default ==");
		Sys.println(opt(1));
		Sys.println(opt(1, 2));
		Sys.println(opt(1, "skip-b"));
		Sys.println(opt(1, 5, "x", 0.125));
		Sys.println(opt(1, null, null, 0.0, false));
		var lam = function(x:Int, ?y:Int = 7, ?z:String = "zz") return x + y + z;
		Sys.println(lam(1) + " " + lam(1, 2) + " " + lam(1, 2, "q") + " " + lam(1, null, "w"));

		Sys.println("== closures returning closures ==");
		var f = makeMultiplierFactory(1.5);
		var g = f(10);
		var h = f(-3);
		Sys.println(g(2) + " " + h(2) + " " + f(0)(4));
		var pipeline = chain([makeAdder(1), x -> x * 3, makeAdder(-2), x -> x * x]);
		Sys.println("pipeline: " + [for (i in 0...6) pipeline(i)]);
		var curried = (a:Int) -> (b:Int) -> (c:Int) -> (d:Int) -> a * 1000 + b * 100 + c * 10 + d;
		Sys.println("curried: " + curried(1)(2)(3)(4) + " partial reuse: " + [for (i in 0...4) curried(9)(i)(i)(i)]);
		var sq = memo(x -> x * x);
		Sys.println("memo: " + [sq(3), sq(4), sq(3), sq(5), sq(4)]);

		Sys.println("== closures in containers ==");
		var ops = new Map<String, (Int, Int) -> Int>();
		ops.set("add", (a, b) -> a + b);
		ops.set("sub", (a, b) -> a - b);
		ops.set("mul", (a, b) -> a * b);
		ops.set("pow", function(a, b) {
			var r = 1;
			for (i in 0...b)
				r *= a;
			return r;
		});
		var keys = [for (k in ops.keys()) k];
		keys.sort(Reflect.compare);
		for (k in keys)
			Sys.println(k + "(7,3) = " + ops.get(k)(7, 3));
		var table:Array<{name:String, fn:Float->Float}> = [
			{name: "half", fn: x -> x / 2},
			{name: "sqrt", fn: Math.sqrt},
			{name: "neg", fn: x -> -x},
			{name: "floorish", fn: x -> Math.ffloor(x)}
		];
		for (t in table)
			Sys.println(t.name + ": " + [for (v in [2.0, 9.0, 2.5]) t.fn(v)]);
		var obj = {
			count: 0,
			inc: (null : Void->Int)
		};
		obj.inc = () -> ++obj.count;
		obj.inc();
		obj.inc();
		Sys.println("anon self-ref closure: " + obj.inc() + " count=" + obj.count);

		Sys.println("== capture semantics ==");
		var fns:Array<Void->Int> = [];
		for (i in 0...5)
			fns.push(() -> i * i);
		var j = 0;
		var shared:Array<Void->Int> = [];
		while (j < 5) {
			shared.push(() -> j);
			j++;
		}
		Sys.println("for-captured: " + [for (f in fns) f()] + " while-shared: " + [for (f in shared) f()]);
		var total = 0;
		var addTo = (n:Int) -> total += n;
		for (k in 0...10)
			addTo(k);
		Sys.println("captured total: " + total);
		var c1 = new Counter();
		var b1 = c1.bumper();
		var b2 = c1.bumper();
		b1(5);
		b2(7);
		Sys.println("bound bumpers share state: " + c1.bump(0));
		var str = "abc";
		var getStr = () -> str;
		str += "def";
		Sys.println("string capture after mutation: " + getStr());
		var fcap = 1.5;
		var fget = () -> fcap * 2;
		fcap = 4.25;
		Sys.println("float capture: " + fget());

		Sys.println("== function types through Dynamic ==");
		var asDyn:Dynamic = makeAdder(100);
		var back:Int->Int = asDyn;
		Sys.println("dyn roundtrip: " + back(1) + " " + asDyn(2));
		var fToF:Float->Float = x -> x + 0.5;
		var asDyn2:Dynamic = fToF;
		Sys.println("float fn via dyn: " + asDyn2(1) + " " + asDyn2(1.25));
		var intFn:Int->Int = x -> x * 2;
		var viaDynArg:Dynamic->Dynamic = cast intFn;
		Sys.println("cast fn: " + viaDynArg(21));
		var bound = Reflect.field(new Dog("dyn"), "speak");
		Sys.println("Reflect.field method: " + bound());
		Sys.println("done");
	}
}
