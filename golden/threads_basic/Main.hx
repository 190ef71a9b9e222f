import sys.thread.Thread;
import sys.thread.Lock;
import sys.thread.Mutex;
import sys.thread.Deque;

// Threads, Lock, Mutex and Deque: a work queue served by several workers.
class Main {
	static function rangeSum(lo:Int, hi:Int):Int {
		var s = 0;
		for (i in lo...hi)
			s += (i * i) % 1000;
		return s;
	}

	static function main() {
		// 1. A single thread signalling a Lock.
		var lock = new Lock();
		var value = 0;
		Thread.create(function() {
			value = 42;
			lock.release();
		});
		lock.wait();
		trace("single thread set " + value);

		// 2. A Lock wait with a timeout and nothing to wait for.
		var idle = new Lock();
		trace("timed wait: " + idle.wait(0.05));
		idle.release();
		idle.release();
		trace("two releases: " + idle.wait(0.01) + " " + idle.wait(0.01) + " " + idle.wait(0.01));

		// 3. A work queue: jobs in a Deque, N workers, results keyed by job.
		var jobs = new Deque<Null<Int>>();
		var results = new Deque<Array<Int>>();
		var done = new Lock();
		var nworkers = 4;
		var njobs = 24;
		var chunk = 5000;
		var served = new Mutex();
		var perWorker = [for (w in 0...nworkers) 0];
		for (w in 0...nworkers) {
			Thread.create(function() {
				while (true) {
					var j:Null<Int> = jobs.pop(true);
					if (j == null || j < 0)
						break;
					var s = rangeSum(j * chunk, (j + 1) * chunk);
					served.acquire();
					perWorker[w]++;
					served.release();
					results.add([j, s]);
				}
				done.release();
			});
		}
		for (j in 0...njobs)
			jobs.add(j);
		for (w in 0...nworkers)
			jobs.add(-1);
		for (w in 0...nworkers)
			done.wait();
		var sums = [for (j in 0...njobs) 0];
		var count = 0;
		while (true) {
			var r = results.pop(false);
			if (r == null)
				break;
			sums[r[0]] = r[1];
			count++;
		}
		trace("results: " + count);
		var total = 0;
		for (j in 0...njobs) {
			if (j % 6 == 0)
				trace("job " + j + " -> " + sums[j]);
			total += sums[j];
		}
		trace("total " + total + " expected " + rangeSum(0, njobs * chunk));
		var served = 0;
		for (c in perWorker)
			served += c;
		trace("served " + served);

		// 4. Deque order: add appends, push prepends.
		var d = new Deque<String>();
		d.add("b");
		d.add("c");
		d.push("a");
		var out = [];
		var s:String;
		while ((s = d.pop(false)) != null)
			out.push(s);
		trace(out.join(","));

		// 5. A Mutex shared by threads incrementing a counter.
		var m = new Mutex();
		var counter = 0;
		var finished = new Lock();
		for (t in 0...3) {
			Thread.create(function() {
				for (i in 0...1000) {
					m.acquire();
					counter++;
					m.release();
				}
				finished.release();
			});
		}
		for (t in 0...3)
			finished.wait();
		trace("counter " + counter);
		trace("tryAcquire " + m.tryAcquire());
		trace("recursive " + m.tryAcquire());
		m.release();
		m.release();

		// 6. Messages between threads.
		var main = Thread.current();
		var echo = Thread.create(function() {
			while (true) {
				var msg:String = Thread.readMessage(true);
				if (msg == "stop")
					break;
				main.sendMessage("echo " + msg);
			}
			main.sendMessage("stopped");
		});
		for (w in ["one", "two", "three"])
			echo.sendMessage(w);
		echo.sendMessage("stop");
		for (i in 0...4)
			trace(Thread.readMessage(true));
		trace("no message: " + Thread.readMessage(false));
	}
}
