import sys.thread.*;

// Threads spin in loops that neither allocate nor call a native while the
// main thread allocates enough for several collections. hlc polls for the GC
// on loop back-edges, so the collections (and the program) go on; HashLink
// waits for the spinning threads forever.
class Main {
	static var flag = false;

	static function main() {
		var done = new Lock();
		var counts = [0, 0];
		Thread.create(() -> {
			var n = 0;
			while (!flag)
				n++;
			counts[0] = n;
			done.release();
		});
		Thread.create(() -> {
			var n = 0;
			do {
				for (k in 0...100)
					n += k & 1;
			} while (!flag);
			counts[1] = n;
			done.release();
		});
		var before = hl.Gc.stats().totalAllocated;
		var keep = [];
		for (i in 0...200000) {
			keep.push(haxe.io.Bytes.alloc(200));
			if (keep.length > 1000)
				keep = [];
		}
		flag = true;
		done.wait();
		done.wait();
		Sys.println('spinning threads stopped: ${counts[0] > 0 && counts[1] > 0}');
		Sys.println('allocated over 32 MB: ${hl.Gc.stats().totalAllocated - before > 32e6}');
	}
}
