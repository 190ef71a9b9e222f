// Float arithmetic and field access: the n-body benchmark (5 bodies, 5M steps).
class Body {
	public var x:Float; public var y:Float; public var z:Float;
	public var vx:Float; public var vy:Float; public var vz:Float;
	public var mass:Float;
	public function new(x, y, z, vx, vy, vz, mass) {
		this.x = x; this.y = y; this.z = z; this.vx = vx; this.vy = vy; this.vz = vz; this.mass = mass;
	}
}

class Main {
	static inline var PI = 3.141592653589793;
	static inline var SOLAR_MASS = 4 * PI * PI;
	static inline var DAYS = 365.24;

	static function energy(bodies:Array<Body>):Float {
		var e = 0.0;
		for (i in 0...bodies.length) {
			var b = bodies[i];
			e += 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz);
			for (j in i + 1...bodies.length) {
				var b2 = bodies[j];
				var dx = b.x - b2.x, dy = b.y - b2.y, dz = b.z - b2.z;
				e -= (b.mass * b2.mass) / Math.sqrt(dx * dx + dy * dy + dz * dz);
			}
		}
		return e;
	}

	static function advance(bodies:Array<Body>, dt:Float) {
		var n = bodies.length;
		for (i in 0...n) {
			var b = bodies[i];
			for (j in i + 1...n) {
				var b2 = bodies[j];
				var dx = b.x - b2.x, dy = b.y - b2.y, dz = b.z - b2.z;
				var d2 = dx * dx + dy * dy + dz * dz;
				var mag = dt / (d2 * Math.sqrt(d2));
				b.vx -= dx * b2.mass * mag; b.vy -= dy * b2.mass * mag; b.vz -= dz * b2.mass * mag;
				b2.vx += dx * b.mass * mag; b2.vy += dy * b.mass * mag; b2.vz += dz * b.mass * mag;
			}
		}
		for (b in bodies) { b.x += dt * b.vx; b.y += dt * b.vy; b.z += dt * b.vz; }
	}

	static function main() {
		var bodies = [
			new Body(0, 0, 0, 0, 0, 0, SOLAR_MASS),
			new Body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
				1.66007664274403694e-03 * DAYS, 7.69901118419740425e-03 * DAYS, -6.90460016972063023e-05 * DAYS, 9.54791938424326609e-04 * SOLAR_MASS),
			new Body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
				-2.76742510726862411e-03 * DAYS, 4.99852801234917238e-03 * DAYS, 2.30417297573763929e-05 * DAYS, 2.85885980666130812e-04 * SOLAR_MASS),
			new Body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
				2.96460137564761618e-03 * DAYS, 2.37847173959480950e-03 * DAYS, -2.96589568540237556e-05 * DAYS, 4.36624404335156298e-05 * SOLAR_MASS),
			new Body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
				2.68067772490389322e-03 * DAYS, 1.62824170038242295e-03 * DAYS, -9.51592254519715870e-05 * DAYS, 5.15138902046611451e-05 * SOLAR_MASS)
		];
		var px = 0.0, py = 0.0, pz = 0.0;
		for (b in bodies) { px += b.vx * b.mass; py += b.vy * b.mass; pz += b.vz * b.mass; }
		bodies[0].vx = -px / SOLAR_MASS; bodies[0].vy = -py / SOLAR_MASS; bodies[0].vz = -pz / SOLAR_MASS;
		Sys.println(energy(bodies));
		for (i in 0...5000000) advance(bodies, 0.01);
		Sys.println(energy(bodies));
	}
}
