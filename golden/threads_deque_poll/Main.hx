import sys.thread.*;

// Threads spin on Deque.pop(false) and Thread.readMessage(false) while the
// main thread allocates: every poll is a GC safe point, so the main thread's
// collections are not held up.
class Main {
	static function main() {
		var d = new Deque<Int>();
		var done1 = new Deque<String>();
		var done2 = new Deque<String>();
		Thread.create(() -> {
			var v:Null<Int> = null;
			while ((v = d.pop(false)) == null) {}
			done1.add('deque poller got $v');
		});
		var main = Thread.current();
		var reader = Thread.create(() -> {
			var m:Dynamic = null;
			while ((m = Thread.readMessage(false)) == null) {}
			done2.add('message poller got $m');
			var owner:Thread = Thread.readMessage(true);
			owner.sendMessage("ack");
		});
		var t0 = haxe.Timer.stamp();
		var keep = [];
		var total = 0;
		for (i in 0...100000) {
			var a = [i, i + 1];
			total += a.length + haxe.io.Bytes.alloc(100).length - 100;
			keep.push(a);
			if (keep.length > 1000)
				keep = [];
		}
		d.add(42);
		reader.sendMessage("hello");
		reader.sendMessage(main);
		Sys.println(done1.pop(true));
		Sys.println(done2.pop(true));
		Sys.println('main got ${Thread.readMessage(true)}');
		Sys.println('allocated ${total >> 1} arrays, in under 2 s: ${haxe.Timer.stamp() - t0 < 2.0}');
	}
}
