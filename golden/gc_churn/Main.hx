// Allocates well over 5 GB in total (80 million 64-byte objects) while keeping
// a small live set: a ring buffer of 10,000 objects, each pointing to its
// predecessor; the link out of an object is cut when it leaves the ring, so
// at most RING + 1 objects stay reachable.
class Particle {
	public var x:Float;
	public var y:Float;
	public var vx:Float;
	public var vy:Float;
	public var mass:Float;
	public var id:Int;
	public var gen:Int;
	public var prev:Particle;

	public function new(id:Int, gen:Int, prev:Particle) {
		this.id = id;
		this.gen = gen;
		this.prev = prev;
		x = id * 0.5;
		y = gen * 0.25;
		vx = (id & 7) - 3.5;
		vy = (gen & 3) - 1.5;
		mass = 1.0 + (id % 5);
	}

	public inline function step():Void {
		x += vx;
		y += vy;
	}
}

class Main {
	static inline var RING = 10000;
	static inline var ROUNDS = 80;
	static inline var PER_ROUND = 1000000;
	// header (8) + 5 floats (40) + 2 ints (8) + 1 pointer (8)
	static inline var OBJECT_BYTES = 64;

	static function main() {
		var ring = new haxe.ds.Vector<Particle>(RING);
		var last:Particle = null;
		var total = 0.0;
		var allocated = 0;
		var checksum = 0;
		for (round in 0...ROUNDS) {
			for (i in 0...PER_ROUND) {
				var slot = i % RING;
				var old = ring[slot];
				var p = new Particle(i, round, last);
				p.step();
				if (old != null) {
					checksum = (checksum * 31 + old.id + old.gen) | 0;
					// follow a short chain of predecessors: all of them must still be valid
					var q = old.prev;
					if (q != null)
						checksum = (checksum ^ (q.id * 7)) | 0;
					old.prev = null;
				}
				ring[slot] = p;
				last = p;
				allocated++;
			}
			var sum = 0.0;
			for (j in 0...RING) {
				var p = ring[j];
				sum += p.x + p.y * 0.5 + p.mass;
			}
			total += sum;
			if (round % 10 == 9)
				Sys.println("round " + (round + 1) + ": allocated=" + allocated + " ring sum=" + sum + " checksum=" + checksum);
		}
		// walk the predecessor chain of the last object through the ring
		var chain = 0;
		var q = last;
		while (q != null && chain < RING * 2) {
			chain++;
			q = q.prev;
		}
		Sys.println("chain length from last (capped) = " + chain);
		Sys.println("total objects = " + allocated);
		Sys.println("estimated bytes allocated = " + (allocated * 1.0 * OBJECT_BYTES) + " (" + Math.round(allocated * 1.0 * OBJECT_BYTES / (1 << 20)) + " MiB)");
		Sys.println("grand total = " + total);
		Sys.println("final checksum = " + checksum);
	}
}
