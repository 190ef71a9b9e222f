class Acc {
	public var total:Int;
	public var name:String;

	public function new(name:String) {
		this.name = name;
		total = 0;
	}

	public function add(x:Int):Int {
		total += x;
		return total;
	}

	public function describe(prefix:String, suffix:String):String {
		return prefix + name + "=" + total + suffix;
	}

	public static function twice(x:Int):Int {
		return x * 2;
	}

	public static function join3(a:String, b:String, c:String):String {
		return a + "-" + b + "-" + c;
	}
}

class Main {
	static var log:Array<String> = [];

	static function apply(f:Int->Int, x:Int):Int {
		return f(x);
	}

	static function compose<A, B, C>(f:B->C, g:A->B):A->C {
		return function(x:A) return f(g(x));
	}

	static function makeCounter(start:Int):{inc:Void->Int, get:Void->Int, reset:Void->Void} {
		var count = start;
		return {
			inc: function() return ++count,
			get: function() return count,
			reset: function() count = start
		};
	}

	static function adder(n:Int):Int->Int {
		return function(x) return x + n;
	}

	static function curry3(a:Int):Int->(Int->Int) {
		return b -> c -> a * 100 + b * 10 + c;
	}

	static function repeat(n:Int, f:Int->Void) {
		for (i in 0...n)
			f(i);
	}

	static function main() {
		// basic local functions
		function square(x:Int) return x * x;
		var cube = function(x:Int):Int return x * x * x;
		var arrow = (x:Int, y:Int) -> x - y;
		Sys.println("square 7 = " + square(7) + ", cube 3 = " + cube(3) + ", arrow = " + arrow(10, 4));

		// captured variable mutated after capture
		var v = 1;
		var getV = () -> v;
		Sys.println("getV before: " + getV());
		v = 42;
		Sys.println("getV after: " + getV());
		var setV = (x:Int) -> v = x;
		setV(7);
		Sys.println("v after setV: " + v + " getV: " + getV());

		// capturing strings and floats
		var s = "abc";
		var f = 1.5;
		var show = () -> s + ":" + f;
		s += "def";
		f *= 2;
		Sys.println("show: " + show());

		// closures in loops: each iteration gets its own variable
		var fns:Array<Void->Int> = [];
		for (i in 0...5)
			fns.push(() -> i * 10);
		Sys.println("loop closures: " + [for (g in fns) g()]);

		// while loop with shared captured var
		var shared:Array<Void->Int> = [];
		var j = 0;
		while (j < 4) {
			shared.push(() -> j);
			j++;
		}
		Sys.println("shared capture: " + [for (g in shared) g()]);

		// per-iteration copy inside while
		var copies:Array<Void->Int> = [];
		var k = 0;
		while (k < 4) {
			var kk = k * k;
			copies.push(() -> kk);
			k++;
		}
		Sys.println("per-iter copies: " + [for (g in copies) g()]);

		// counters
		var c1 = makeCounter(0);
		var c2 = makeCounter(100);
		c1.inc();
		c1.inc();
		c2.inc();
		Sys.println("c1=" + c1.get() + " c2=" + c2.get());
		c1.reset();
		Sys.println("after reset c1=" + c1.get() + " inc=" + c1.inc());

		// method closures
		var acc = new Acc("acc");
		var addM = acc.add;
		addM(5);
		addM(10);
		Sys.println("acc.total=" + acc.total + " via closure " + addM(1));
		var desc = acc.describe;
		Sys.println(desc("<", ">"));
		acc.name = "renamed";
		Sys.println(desc("[", "]"));
		var acc2 = new Acc("other");
		var methods = [acc.add, acc2.add];
		for (m in methods)
			m(3);
		Sys.println("acc=" + acc.total + " acc2=" + acc2.total);

		// static closures
		var tw = Acc.twice;
		Sys.println("twice via closure: " + tw(21) + " apply: " + apply(Acc.twice, 8));
		Sys.println("apply adder: " + apply(adder(5), 10) + " apply lambda: " + apply(x -> x * x - 1, 9));
		Sys.println("map static: " + [1, 2, 3].map(Acc.twice));
		Sys.println("map method: " + [1, 2, 3].map(acc2.add));

		// bind
		var j3 = Acc.join3.bind("a", _, "c");
		Sys.println("bind middle: " + j3("B"));
		var j3b = Acc.join3.bind(_, _, "end");
		Sys.println("bind last: " + j3b("x", "y"));
		var d2 = acc2.describe.bind("{");
		Sys.println("bind method: " + d2("}"));
		var addTo = function(a:Int, b:Int, c:Int) return a + b * c;
		var partial = addTo.bind(1);
		var partial2 = partial.bind(_, 10);
		Sys.println("bind chain: " + partial(2, 3) + " " + partial2(7));
		var bindAll = addTo.bind(1, 2, 3);
		Sys.println("bind all: " + bindAll());

		// functions returning functions
		var add5 = adder(5);
		var add10 = adder(10);
		Sys.println("adders: " + add5(1) + " " + add10(1) + " " + adder(-3)(3));
		var c3 = curry3(1);
		Sys.println("curry: " + c3(2)(3) + " " + curry3(9)(8)(7));
		var inc = (x:Int) -> x + 1;
		var dbl = (x:Int) -> x * 2;
		var incThenDbl = compose(dbl, inc);
		var dblThenInc = compose(inc, dbl);
		Sys.println("compose: " + incThenDbl(5) + " " + dblThenInc(5));
		var toStr = compose((x:Int) -> "<" + x + ">", dbl);
		Sys.println("compose to string: " + toStr(21));

		// recursion through local function
		function fact(n:Int):Int return n <= 1 ? 1 : n * fact(n - 1);
		Sys.println("fact 10 = " + fact(10));
		function fib(n:Int):Int return n < 2 ? n : fib(n - 1) + fib(n - 2);
		Sys.println("fib 20 = " + fib(20));
		// mutual recursion via vars
		var isEven:Int->Bool = null;
		var isOdd:Int->Bool = null;
		isEven = n -> n == 0 ? true : isOdd(n - 1);
		isOdd = n -> n == 0 ? false : isEven(n - 1);
		Sys.println("isEven 10 " + isEven(10) + " isOdd 7 " + isOdd(7) + " isEven 3 " + isEven(3));

		// nested closures capturing at multiple levels
		var outer = 1;
		var lvl1 = function() {
			var mid = 10;
			return function() {
				var inner = 100;
				return function() {
					outer++;
					mid++;
					inner++;
					return outer + mid + inner;
				}
			}
		};
		var lvl3 = lvl1()();
		Sys.println("nested: " + lvl3() + " " + lvl3() + " outer=" + outer);
		var lvl3b = lvl1()();
		Sys.println("nested fresh: " + lvl3b() + " outer=" + outer);

		// closures with static vars
		var logIt = (m:String) -> log.push(m);
		repeat(3, i -> logIt("item" + i));
		Sys.println("log: " + log.join(","));

		// accumulate via closure
		var sum = 0;
		repeat(10, i -> sum += i);
		Sys.println("sum via closure: " + sum);

		// closures stored in a map
		var ops = new Map<String, (Int, Int) -> Int>();
		ops.set("add", (a, b) -> a + b);
		ops.set("sub", (a, b) -> a - b);
		ops.set("mul", (a, b) -> a * b);
		ops.set("pow", function(a, b) {
			var r = 1;
			for (_ in 0...b)
				r *= a;
			return r;
		});
		for (name in ["add", "sub", "mul", "pow"])
			Sys.println(name + "(3,4) = " + ops.get(name)(3, 4));

		// closures as Dynamic
		var dyn:Dynamic = (a:Int, b:Int) -> a * 1000 + b;
		Sys.println("dynamic call: " + dyn(12, 34));
		var dynM:Dynamic = acc.describe;
		Sys.println("dynamic method call: " + dynM("(", ")"));
		Sys.println("Reflect.callMethod: " + Reflect.callMethod(null, dyn, [5, 6]));
		Sys.println("isFunction: " + Reflect.isFunction(dyn) + " " + Reflect.isFunction(5));

		// function equality
		var fa = square;
		Sys.println("same function ref equal: " + (fa == fa));
		Sys.println("compareMethods: " + Reflect.compareMethods(acc.add, acc.add) + " " + Reflect.compareMethods(acc.add, acc2.add));

		// closures capturing loop var in nested loops
		var grid:Array<Void->String> = [];
		for (x in 0...3)
			for (y in 0...2)
				grid.push(() -> x + "" + y);
		Sys.println("grid: " + [for (g in grid) g()].join(" "));

		// optional args in closures
		var opt = function(a:Int, ?b:Int) return b == null ? a : a + b;
		Sys.println("optional: " + opt(1) + " " + opt(1, 2));
		var defArg = function(a:Int, b:Int = 50) return a + b;
		Sys.println("default: " + defArg(1) + " " + defArg(1, 2));

		// void closures & side effects order
		var order = [];
		var mk = (tag:String) -> {
			order.push("make " + tag);
			return () -> order.push("call " + tag);
		};
		var ca = mk("a");
		var cb = mk("b");
		cb();
		ca();
		cb();
		Sys.println("order: " + order.join("; "));

		// array sort with closure capturing state
		var comparisons = 0;
		var arr = [5, 3, 9, 1, 7, 2, 8];
		arr.sort((a, b) -> {
			comparisons++;
			return b - a;
		});
		Sys.println("sorted desc: " + arr + " comparisons>0: " + (comparisons > 0));
		trace("closures done");
	}
}
