// Object fields kept in registers through loops (in an executable without
// threads a loop head is a join like any other): what the loop stores into
// the same field through another register of a related class (a subclass
// or a superclass) must be seen on the next iteration, a store to a field of
// the same index of an unrelated class must not disturb it, and calls in
// the loop (which may write anything) and array growth must be seen too.
// Also a method of more than 40 ops with branches, spliced into its loop.
class Base {
	public var count:Int;
	public var scale:Float;

	public function new() {
		count = 0;
		scale = 1.0;
	}
}

class Derived extends Base {
	public var extra:Int;

	public function new() {
		super();
		extra = 7;
	}
}

class Other {
	public var count:Int;
	public var scale:Float;

	public function new() {
		count = 100;
		scale = 2.0;
	}
}

class Body {
	public var x:Float;
	public var y:Float;
	public var vx:Float;
	public var vy:Float;
	public var hits:Int;

	public function new(x, y, vx, vy) {
		this.x = x;
		this.y = y;
		this.vx = vx;
		this.vy = vy;
		hits = 0;
	}

	// Over 40 ops, several branches: spliced into the loop that calls it.
	public function step(dt:Float) {
		vx *= 0.999;
		vy = vy * 0.999 - 9.81 * dt;
		x += vx * dt;
		y += vy * dt;
		if (y < 0) { y = -y; vy = -vy * 0.8; hits++; }
		if (x < 0) { x = -x; vx = -vx * 0.8; hits++; }
		if (x > 10) { x = 20 - x; vx = -vx * 0.8; hits++; }
		if (y > 10) { y = 20 - y; vy = -vy * 0.8; hits++; }
	}
}

class Main {
	static function bump(b:Base) {
		b.count += 3;
	}

	static function main() {
		// A store through a subclass register, read through the base one.
		var d = new Derived();
		var asBase:Base = d;
		var seen = [];
		for (i in 0...5) {
			seen.push(asBase.count);
			d.count = d.count * 2 + 1;
		}
		Sys.println("subclass stores: " + seen.join(","));

		// A store through the base register, read through the subclass one.
		var d2 = new Derived();
		var b2:Base = d2;
		var sum = 0;
		var i = 0;
		while (d2.count < 40) {
			sum += d2.count + d2.extra;
			b2.count += 9;
			i++;
		}
		Sys.println("base stores: " + sum + " in " + i);

		// An unrelated class's field of the same index: independent.
		var o = new Other();
		var b3 = new Base();
		var total = 0.0;
		for (k in 0...6) {
			total += b3.scale * b3.count + o.scale;
			o.count += k;
			o.scale += 0.5;
			b3.count += 1;
		}
		Sys.println("unrelated: " + total + " " + o.count + " " + b3.count);

		// A call in the loop writes the field.
		var b4 = new Base();
		var trace = [];
		for (k in 0...4) {
			trace.push(b4.count);
			bump(b4);
		}
		Sys.println("calls: " + trace.join(","));

		// The array grows while a loop reads its length.
		var a = [1, 2, 3];
		var n = 0;
		while (n < a.length && a.length < 12) {
			if (a[n] % 2 == 1) a.push(a[n] * 3);
			n++;
		}
		Sys.println("growing: " + a.join(",") + " n=" + n);

		// A spliced method with branches in a loop over an array of objects.
		var bodies = [for (k in 0...8) new Body(k * 1.25, 5 + (k % 3), 1.5 - k * 0.4, 0.0)];
		for (s in 0...20000)
			for (b in bodies)
				b.step(0.002);
		var hits = 0, e = 0.0;
		for (b in bodies) {
			hits += b.hits;
			e += b.vx * b.vx + b.vy * b.vy + b.y;
		}
		Sys.println("bodies: " + hits + " " + Math.round(e * 1000));

		// A null object met inside the spliced method's loop.
		var withNull:Array<Body> = [new Body(1, 1, 0, 0), null];
		try {
			for (b in withNull)
				b.step(0.1);
		} catch (err:Dynamic) {
			Sys.println("caught: " + err);
		}
	}
}
