// Float loops on class fields through methods: particles in a box with
// springs to their neighbour, position/velocity fields updated in place.
class Vec {
	public var x:Float; public var y:Float;
	public function new(x, y) { this.x = x; this.y = y; }
}

class Particle {
	public var pos:Vec; public var vel:Vec;
	public var mass:Float;
	public function new(x:Float, y:Float, m:Float) {
		pos = new Vec(x, y);
		vel = new Vec(0, 0);
		mass = m;
	}

	public function pull(o:Particle, k:Float, dt:Float) {
		var dx = o.pos.x - pos.x, dy = o.pos.y - pos.y;
		var f = k * dt / mass;
		vel.x += dx * f;
		vel.y += dy * f;
	}

	public function move(dt:Float) {
		vel.x *= 0.9995;
		vel.y = vel.y * 0.9995 - 9.81 * dt;
		pos.x += vel.x * dt;
		pos.y += vel.y * dt;
		if (pos.y < 0) { pos.y = -pos.y; vel.y = -vel.y * 0.9; }
		if (pos.x < 0) { pos.x = -pos.x; vel.x = -vel.x * 0.9; }
		if (pos.x > 100) { pos.x = 200 - pos.x; vel.x = -vel.x * 0.9; }
	}
}

class Main {
	static function main() {
		var ps = [for (i in 0...200) new Particle(i * 0.5, 50 + (i % 7), 1 + (i % 3) * 0.5)];
		var dt = 0.001;
		for (step in 0...100000) {
			for (i in 1...ps.length)
				ps[i].pull(ps[i - 1], 2.0, dt);
			for (p in ps)
				p.move(dt);
		}
		var e = 0.0;
		for (p in ps) e += p.mass * (p.vel.x * p.vel.x + p.vel.y * p.vel.y) + p.pos.y;
		Sys.println("energy " + Math.round(e * 1000));
	}
}
