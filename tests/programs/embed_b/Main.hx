// Embedding test program B (tests/embed.rs): threads, maps, regular
// expressions and exceptions, and a main that ends with Sys.exit(3).
import sys.thread.Deque;
import sys.thread.Thread;

class Main {
	static var words:Map<String, Int>;
	static var stop:Deque<Bool>;
	static var stopped:Deque<Bool>;

	static function main() {
		words = new Map();
		var results = new Deque<Int>();
		for (t in 0...4) {
			Thread.create(function() {
				var m = new Map<Int, Int>();
				for (k in 0...200)
					m.set(k, k * t);
				var s = 0;
				for (v in m)
					s += v;
				results.add(s);
			});
		}
		var sum = 0;
		for (_ in 0...4)
			sum += results.pop(true);
		var caught = "";
		try {
			throw new haxe.Exception("inner");
		} catch (e:haxe.Exception) {
			caught = e.message;
		}
		var re = ~/([a-z]+)=(\d+)/g;
		var pairs = [];
		re.map("x=1, yy=22, zzz=333", function(r) {
			pairs.push(r.matched(1) + ":" + r.matched(2));
			return "";
		});
		Sys.println("B: main sum " + sum + ", caught " + caught + ", pairs " + pairs.join(" "));
		Sys.exit(3);
		Sys.println("B: not reached");
	}

	/** Counts the words of a fixed sentence `times` times into the map. */
	@:keep static function countWords(times:Int):Int {
		var n = 0;
		var text = [for (_ in 0...times) "The cat, the dog and THE bird."].join(" ");
		for (w in ~/[^a-z]+/gi.split(text)) {
			if (w == "")
				continue;
			var k = w.toLowerCase();
			words.set(k, (words.exists(k) ? words.get(k) : 0) + 1);
			n++;
		}
		return n;
	}

	@:keep static function theCount():Int {
		var v = words.get("the");
		return v == null ? 0 : v;
	}

	@:keep static function parallelSum(n:Int):Int {
		var results = new Deque<Int>();
		for (t in 0...n)
			Thread.create(function() {
				var s = 0;
				for (i in 0...1000)
					s += i % (t + 2);
				results.add(s);
			});
		var total = 0;
		for (_ in 0...n)
			total += results.pop(true);
		return total;
	}

	@:keep static function check(x:Int):Int {
		if (x < 0)
			throw new haxe.Exception("negative: " + x);
		return x * 2;
	}

	static var sleeping = 0;
	static var wakeUp:Deque<Bool>;

	/** Sleeps at least `ms`, then until `wake` is called: the host decides
		when the call ends, however slow the machine (or valgrind) is. */
	@:keep static function sleepMs(ms:Int):Int {
		if (wakeUp == null)
			wakeUp = new Deque();
		sleeping++;
		Sys.sleep(ms / 1000);
		wakeUp.pop(true);
		sleeping--;
		return ms;
	}

	@:keep static function wake():Void {
		wakeUp.add(true);
	}

	/** How many calls of sleepMs are sleeping now. */
	@:keep static function sleepers():Int {
		return sleeping;
	}

	/** Starts a thread that runs until stopWorker is called. */
	@:keep static function startWorker():Void {
		stop = new Deque();
		stopped = new Deque();
		Thread.create(function() {
			stop.pop(true);
			stopped.add(true);
		});
	}

	@:keep static function stopWorker():Void {
		stop.add(true);
		stopped.pop(true);
	}

	/** Sys.exit on a thread of the program: ends that thread only. */
	@:keep static function exitOnThread():Int {
		var done = new Deque<Int>();
		Thread.create(function() {
			done.add(1);
			Sys.exit(7);
			done.add(2);
		});
		var first = done.pop(true);
		var second = done.pop(false);
		Sys.sleep(0.05);
		second = done.pop(false);
		return first * 10 + (second == null ? 0 : second);
	}
}
