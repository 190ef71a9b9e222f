import sys.thread.Thread;
import sys.thread.Lock;
import sys.thread.Mutex;
import sys.thread.Tls;
import sys.thread.Deque;

class Node {
	public var value:Int;
	public var name:String;
	public var next:Node;

	public function new(v:Int, n:Node) {
		value = v;
		name = "n" + v;
		next = n;
	}
}

// Several threads allocate heavily while the main thread does too: the
// collector runs many times with every thread's objects live on its stack,
// in thread-local storage or in a deque.
class Main {
	static var tls = new Tls<Array<String>>();
	static var counterTls = new Tls<Null<Int>>();

	static function checksum(n:Node):Int {
		var s = 0;
		while (n != null) {
			s = (s * 31 + n.value + n.name.length) & 0xFFFFFF;
			n = n.next;
		}
		return s;
	}

	static function work(seed:Int, rounds:Int):Int {
		var keep:Node = null;
		var acc = 0;
		tls.value = [];
		counterTls.value = 0;
		for (r in 0...rounds) {
			// A list that dies after each round.
			var l:Node = null;
			for (i in 0...2000)
				l = new Node(i * seed + r, l);
			acc = (acc + checksum(l)) & 0xFFFFFF;
			// Some survivors kept across rounds.
			keep = new Node(r * seed, keep);
			// Strings only reachable through thread-local storage.
			var arr = tls.value;
			arr.push("s" + seed + "_" + r);
			if (arr.length > 50)
				tls.value = arr.slice(25);
			counterTls.value = counterTls.value + 1;
			var m = new Map<Int, String>();
			for (i in 0...100)
				m.set(i, "v" + (i * seed));
			acc = (acc + m.get(seed % 100).length) & 0xFFFFFF;
		}
		var tl = 0;
		for (s in tls.value)
			tl += s.length;
		return (acc + checksum(keep) + tl + counterTls.value) & 0xFFFFFF;
	}

	static function main() {
		var nthreads = 4;
		var rounds = 150;
		var results = new Deque<Array<Int>>();
		var done = new Lock();
		// Values parked in a deque while everybody allocates.
		var parked = new Deque<Node>();
		for (i in 0...100)
			parked.add(new Node(i, null));
		for (t in 0...nthreads) {
			Thread.create(function() {
				var r = work(t + 3, rounds);
				results.add([t, r]);
				done.release();
			});
		}
		// The main thread allocates meanwhile, with its own TLS values.
		var mine = work(11, rounds);
		for (t in 0...nthreads)
			done.wait();
		var byThread = [for (t in 0...nthreads) 0];
		for (t in 0...nthreads) {
			var r = results.pop(true);
			byThread[r[0]] = r[1];
		}
		for (t in 0...nthreads)
			trace("thread " + t + " checksum " + byThread[t] + " (expected " + work(t + 3, 3 * 0 + rounds) + ")");
		trace("main checksum " + mine);
		var s = 0;
		var n = 0;
		var p:Node;
		while ((p = parked.pop(false)) != null) {
			s += p.value + p.name.length;
			n++;
		}
		trace("parked " + n + " sum " + s);
		trace("main tls " + tls.value.length + " " + counterTls.value);

		// A thread sees its own TLS values, not the main thread's.
		var lock = new Lock();
		var seen = "";
		Thread.create(function() {
			seen = (tls.value == null ? "null" : "set") + " " + counterTls.value;
			tls.value = ["x"];
			counterTls.value = 7;
			seen += " " + tls.value.length + " " + counterTls.value;
			lock.release();
		});
		lock.wait();
		trace("other thread tls: " + seen);
		trace("main tls after: " + tls.value.length + " " + counterTls.value);

		// Collections forced from several threads at once.
		var m = new Mutex();
		var total = 0;
		for (t in 0...3) {
			Thread.create(function() {
				var l:Node = null;
				for (i in 0...5000) {
					l = new Node(i, l);
					if (i % 1000 == 0)
						hl.Gc.major();
				}
				m.acquire();
				total += checksum(l);
				m.release();
				done.release();
			});
		}
		for (t in 0...3)
			done.wait();
		trace("forced collections total " + total);
	}
}
