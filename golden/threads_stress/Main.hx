import sys.thread.*;

class Tree {
	public var left:Tree;
	public var right:Tree;
	public var value:Int;

	public function new(l, r, v) {
		left = l;
		right = r;
		value = v;
	}
}

// Many threads allocate trees while synchronising through Locks (whose timed
// wait polls a Deque in Haxe 4.2.5), Mutexes, Deques and thread messages. Every
// wait and poll must let the other threads' collections run.
class Main {
	static inline var THREADS = 50;
	static inline var ROUNDS = 8;
	static inline var LAPS = 4;

	static function build(depth:Int, v:Int):Tree
		return depth == 0 ? new Tree(null, null, v) : new Tree(build(depth - 1, v * 2), build(depth - 1, v * 2 + 1), v);

	static function sum(t:Tree):Int
		return t == null ? 0 : t.value + sum(t.left) + sum(t.right);

	static function main() {
		var start = new Lock();
		var finished = new Lock();
		var results = new Deque<Int>();
		var mutex = new Mutex();
		var counter = 0;
		var timeouts = 0;
		// A token goes round a ring of locks (blocking waits), LAPS times.
		var ring = [for (i in 0...THREADS) new Lock()];
		var ringOk = true;
		for (w in 0...THREADS) {
			Thread.create(() -> {
				start.wait();
				var total = 0;
				for (round in 0...ROUNDS) {
					var t = build(9, w + round);
					total += sum(t);
					mutex.acquire();
					counter++;
					mutex.release();
					// A timed wait that times out (polling all the while).
					if (!new Lock().wait(0.001)) {
						mutex.acquire();
						timeouts++;
						mutex.release();
					}
				}
				for (lap in 0...LAPS) {
					ring[w].wait();
					var garbage = build(6, lap);
					if (sum(garbage) <= 0)
						ringOk = false;
					ring[(w + 1) % THREADS].release();
				}
				results.add(total);
				finished.release();
			});
		}
		for (_ in 0...THREADS)
			start.release();
		ring[0].release();
		var all = 0;
		for (_ in 0...THREADS) {
			if (!finished.wait(60.0)) {
				Sys.println("a worker did not finish in 60 s");
				Sys.exit(1);
			}
			all += results.pop(true);
		}
		// The token is back at ring[0] after LAPS laps.
		Sys.println('ring: ${ringOk && ring[0].wait(10.0)}');
		Sys.println('sum of all trees: $all');
		Sys.println('mutex counter: $counter, timed out waits: $timeouts');
	}
}
