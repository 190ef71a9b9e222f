// Small value classes built and read by helper functions: what hlc splices
// into callers and keeps in field variables instead of allocating, and every
// way such an object can be shared, mutated, escape or be null.
class Vec2 {
	public var x:Float;
	public var y:Float;
	public function new(x, y) {
		this.x = x;
		this.y = y;
	}
	public function len2() return x * x + y * y;
	public function toString() return "(" + x + ", " + y + ")";
}

class Cell {
	public var n:Int;
	public var on:Bool;
	public var name:String;
	public var next:Cell;
	public function new() {}
}

class Pair {
	public var a:Vec2;
	public var b:Vec2;
	public function new(a, b) {
		this.a = a;
		this.b = b;
	}
}

class Main {
	static var kept:Array<Vec2> = [];

	static function add(a:Vec2, b:Vec2) return new Vec2(a.x + b.x, a.y + b.y);
	static function square(a:Vec2) return new Vec2(a.x * a.x - a.y * a.y, 2 * a.x * a.y);
	static function scale(a:Vec2, k:Float) return new Vec2(a.x * k, a.y * k);
	static function pick(a:Vec2, b:Vec2, first:Bool) return first ? a : b;
	static function bump(v:Vec2) v.x += 1;
	static function dot(a:Vec2, b:Vec2) return a.x * b.x + a.y * b.y;
	static function keep(v:Vec2) kept.push(v);
	static function origin() return new Vec2(0, 0);
	static function sum3(a:Vec2, b:Vec2, c:Vec2) return add(add(a, b), c);

	static function iterate(cx:Float, cy:Float) {
		var c = new Vec2(cx, cy);
		var z = origin();
		var n = 0;
		while (z.len2() < 4 && n < 50) {
			z = add(square(z), c);
			n++;
		}
		return n;
	}

	static function describe(v:Vec2) {
		try {
			return "len2 " + dot(v, v);
		} catch (e:Dynamic) {
			return "caught " + e;
		}
	}

	static function main() {
		// A loop-carried value: each step's objects are never needed.
		var rows = [];
		for (y in -3...4) {
			var row = "";
			for (x in -6...3)
				row += String.fromCharCode(48 + iterate(x * 0.35, y * 0.35) % 10);
			rows.push(row);
		}
		Sys.println(rows.join("\n"));
		sharing();
		aliasing(true);
		aliasing(false);
		escapes();
		maybeNull(rows.length);
		hotLoop();
	}

	static function sharing() {
		// Defaults of a fresh object: 0, false, null.
		var c = new Cell();
		Sys.println(c.n + " " + c.on + " " + c.name + " " + (c.next == null));
		c.n = 7;
		c.name = "seven";
		var d = new Cell();
		d.next = c; // c escapes into d: both still read the same object
		c.n++;
		Sys.println(d.next.n + " " + d.next.name);

		// Two registers, one object: a store through one is seen by the other.
		var p = new Vec2(1, 2);
		var q = p;
		q.x = 10;
		Sys.println(p.x + " " + q.x + " " + (p == q));
		// The same without comparing them: only their fields are read.
		var p2 = new Vec2(1, 2);
		var q2 = p2;
		q2.y = 20;
		var p3 = new Vec2(3, 4);
		var q3 = p3;
		p3.x = 30;
		Sys.println(p2.y + " " + q2.y + " " + p3.x + " " + q3.x);
		// A helper that changes its argument.
		var r = new Vec2(3, 4);
		bump(r);
		bump(r);
		Sys.println(r.x + " " + r.y);
		// Picking one of two: the copy is the object picked.
		var s = pick(new Vec2(1, 1), scale(new Vec2(1, 2), 3), false);
		var t = pick(s, r, true);
		Sys.println(s.y + " " + t.y + " " + (s == t));
	}

	static function aliasing(first:Bool) {
		// A helper's result that is its argument: one object in two registers.
		var o1 = new Vec2(1, 2);
		var o2 = pick(o1, new Vec2(0, 0), first);
		o2.x = 50;
		o1.y = 60;
		Sys.println(o1.x + " " + o2.x + " " + o1.y + " " + o2.y);
	}

	static function escapes() {
		var r = new Vec2(5, 4);
		var s = scale(new Vec2(1, 2), 3);
		// Escaping through an array, a string conversion, reflection.
		var u = add(r, s);
		keep(u);
		kept[0].y = -1;
		Sys.println(u.y + " " + kept.length);
		var w = square(new Vec2(2, 3));
		Sys.println("w = " + w);
		var z = scale(new Vec2(0.5, 0.25), 8);
		Sys.println(Reflect.field(z, "x") + " " + Reflect.fields(z).length);
		// Nested: the holder is replaced, what it holds is a real object.
		var pair = new Pair(new Vec2(1, 0), origin());
		pair.b.y = 9;
		Sys.println(pair.a.x + pair.b.y + " " + pair.b.len2());
	}

	static function maybeNull(rowCount:Int) {

		// Maybe null: only some paths allocate.
		var m:Vec2 = null;
		for (i in 0...3)
			if (i == 2)
				m = new Vec2(i, i);
		Sys.println(m == null ? "null" : "" + m.len2());
		// A null reaching a helper that reads its fields throws there.
		var none:Vec2 = rowCount > 100 ? new Vec2(1, 1) : null;
		Sys.println(describe(none));
		Sys.println(describe(new Vec2(3, 4)));
		try {
			Sys.println(dot(none, new Vec2(1, 1)));
		} catch (e:Dynamic) {
			Sys.println("caught " + e);
			var stack = haxe.CallStack.exceptionStack();
			Sys.println(stack.length > 0 ? "" + stack[0] : "no stack");
		}
		// Through two spliced functions: both frames are in the trace.
		try {
			Sys.println(sum3(new Vec2(1, 1), new Vec2(2, 2), none).x);
		} catch (e:Dynamic) {
			Sys.println("caught " + e);
			for (s in haxe.CallStack.exceptionStack())
				Sys.println("  " + s);
		}
	}

	static function hotLoop() {

		// Many small objects in a hot loop, one escaping now and then.
		var acc = new Vec2(0, 0);
		for (i in 0...100000) {
			var v = add(acc, scale(new Vec2(i % 7, i % 3), 0.001));
			if (i % 25000 == 0)
				keep(v);
			acc = v;
		}
		Sys.println(Math.round(acc.x) + " " + Math.round(acc.y) + " " + kept.length + " " + kept[2].x);
		// Uncaught, through spliced code: the reference VM's trace on stderr.
		var last:Vec2 = kept.length > 100 ? acc : null;
		Sys.println(sum3(acc, acc, last).y);
	}
}
