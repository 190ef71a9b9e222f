import sys.thread.*;

// With Haxe 4.2.5's default hl_ver, sys.thread.Lock is built on a Deque and
// Lock.wait(timeout) polls deque.pop(false): each poll must let the worker's
// collections run, or the wait times out.
class Main {
	static function main() {
		var lock = new Lock();
		Thread.create(() -> {
			var keep = [];
			for (i in 0...1000000) {
				keep.push([i]);
				if (keep.length > 1000)
					keep = [];
			}
			lock.release();
		});
		var t0 = haxe.Timer.stamp();
		var ok = lock.wait(5.0);
		var dt = haxe.Timer.stamp() - t0;
		Sys.println('lock.wait(5.0) returned $ok');
		Sys.println('in under 2 s: ${dt < 2.0}');
	}
}
