class Node {
	public var value:Int;
	public var next:Node;

	public function new(v:Int, n:Node) {
		value = v;
		next = n;
	}

	public function sumRec():Int {
		return value + (next == null ? 0 : next.sumRec());
	}

	public function lengthRec():Int {
		return next == null ? 1 : 1 + next.lengthRec();
	}
}

enum Expr {
	Num(n:Int);
	Add(a:Expr, b:Expr);
	Neg(e:Expr);
}

class Main {
	static function sumTo(n:Int):Int {
		return n == 0 ? 0 : n + sumTo(n - 1);
	}

	static function sumToFloat(n:Int, acc:Float):Float {
		if (n == 0)
			return acc;
		return sumToFloat(n - 1, acc + n * 0.5);
	}

	static function isEven(n:Int):Bool {
		return n == 0 ? true : isOdd(n - 1);
	}

	static function isOdd(n:Int):Bool {
		return n == 0 ? false : isEven(n - 1);
	}

	static function ackermann(m:Int, n:Int):Int {
		if (m == 0)
			return n + 1;
		if (n == 0)
			return ackermann(m - 1, 1);
		return ackermann(m - 1, ackermann(m, n - 1));
	}

	static function manyArgs(n:Int, a:Int, b:Float, c:String, d:Bool, e:Int):Int {
		if (n == 0)
			return a + Std.int(b) + c.length + (d ? 1 : 0) + e;
		return manyArgs(n - 1, a + 1, b + 0.25, c, !d, e ^ n);
	}

	static function depthString(n:Int):String {
		if (n == 0)
			return "";
		var s = depthString(n - 1);
		return n % 1000 == 0 ? s + "|" + n : s;
	}

	static function eval(e:Expr):Int {
		return switch (e) {
			case Num(n): n;
			case Add(a, b): eval(a) + eval(b);
			case Neg(x): -eval(x);
		}
	}

	static function hanoi(n:Int, from:Int, to:Int, via:Int, moves:Array<Int>):Void {
		if (n == 0)
			return;
		hanoi(n - 1, from, via, to, moves);
		moves[from * 3 + to]++;
		hanoi(n - 1, via, to, from, moves);
	}

	static function collatzSteps(n:Int):Int {
		var steps = 0;
		var x = n;
		while (x != 1) {
			x = (x & 1) == 0 ? x >> 1 : 3 * x + 1;
			steps++;
		}
		return steps;
	}

	static function gcdTail(a:Int, b:Int):Int {
		return b == 0 ? a : gcdTail(b, a % b);
	}

	static function main() {
		Sys.println("sumTo(10000) = " + sumTo(10000));
		Sys.println("sumTo(50000) = " + sumTo(50000));
		Sys.println("sumToFloat(30000) = " + sumToFloat(30000, 0));
		Sys.println("isEven(20001) = " + isEven(20001) + " isOdd(20001) = " + isOdd(20001) + " isEven(40000) = " + isEven(40000));
		Sys.println("ackermann(2,3) = " + ackermann(2, 3) + " ackermann(3,5) = " + ackermann(3, 5));
		Sys.println("manyArgs(20000) = " + manyArgs(20000, 0, 0.0, "xyz", false, 7));
		Sys.println("depthString(10000) = " + depthString(10000));

		var list:Node = null;
		for (i in 0...30000)
			list = new Node(i % 97, list);
		Sys.println("list length rec = " + list.lengthRec() + " sum rec = " + list.sumRec());

		var e = Num(1);
		for (i in 0...20000)
			e = (i % 3 == 0) ? Neg(e) : Add(e, Num(i));
		Sys.println("deep expr eval = " + eval(e));

		var closureRec:Int->Int = null;
		closureRec = function(n:Int):Int {
			return n <= 0 ? 0 : (n & 7) + closureRec(n - 1);
		};
		Sys.println("closure recursion 25000 = " + closureRec(25000));

		var fact:Int->Float = null;
		fact = n -> n <= 1 ? 1.0 : n * fact(n - 1);
		Sys.println("fact(20) = " + fact(20) + " fact(170) = " + fact(170) + " fact(171) = " + fact(171));

		var moves = [for (i in 0...9) 0];
		hanoi(16, 0, 2, 1, moves);
		var total = 0;
		for (m in moves)
			total += m;
		Sys.println("hanoi(16) moves = " + total + " by pair " + moves);

		var maxSteps = 0, maxN = 0;
		for (n in 1...30000) {
			var s = collatzSteps(n);
			if (s > maxSteps) {
				maxSteps = s;
				maxN = n;
			}
		}
		Sys.println("collatz max under 30000: n=" + maxN + " steps=" + maxSteps);
		var g = 0;
		for (a in 1...200)
			for (b in 1...200)
				g += gcdTail(a * 7919, b * 104729);
		Sys.println("gcd sum = " + g);

		// recursion through dynamic dispatch
		var dynF:Dynamic = null;
		dynF = function(n:Int):Int return n == 0 ? 0 : 2 + dynF(n - 1);
		Sys.println("dynamic recursion 3000 = " + dynF(3000));

		// deep recursion repeated (stack reuse)
		var acc = 0;
		for (k in 0...20)
			acc += sumTo(10000 + k) % 1000;
		Sys.println("repeated deep = " + acc);

		// exception from deep recursion caught at top
		try {
			throwDeep(40000);
		} catch (e:String) {
			Sys.println("caught from depth: " + e);
		}
		Sys.println("after deep throw sumTo(20000) = " + sumTo(20000));
		Sys.println("done");
	}

	static function throwDeep(n:Int):Int {
		if (n == 0)
			throw "bottom reached";
		return throwDeep(n - 1) + 1;
	}
}
