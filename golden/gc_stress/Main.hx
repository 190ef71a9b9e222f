// Allocation-heavy workload: many short-lived and long-lived objects,
// strings, arrays, maps and closures. Output is checksums only.
class Cons {
	public var head:Int;
	public var tail:Cons;

	public function new(h:Int, t:Cons) {
		head = h;
		tail = t;
	}
}

class Blob {
	public var id:Int;
	public var data:Array<Float>;
	public var name:String;
	public var next:Blob;

	public function new(id:Int) {
		this.id = id;
		data = [for (i in 0...(id % 17)) i * 0.5 + id];
		name = "blob-" + id;
	}

	public function weight():Float {
		var s = 0.0;
		for (d in data)
			s += d;
		return s + name.length;
	}
}

class Main {
	static var keep:Array<Blob> = [];

	static function buildList(n:Int):Cons {
		var l:Cons = null;
		for (i in 0...n)
			l = new Cons(i, l);
		return l;
	}

	static function sumList(l:Cons):Int {
		var s = 0;
		while (l != null) {
			s += l.head;
			l = l.tail;
		}
		return s;
	}

	static function main() {
		// phase 1: many short lived lists
		var total = 0;
		for (round in 0...1000)
			total += sumList(buildList(1000 + round));
		Sys.println("phase1 list sums: " + total);

		// phase 2: long lived objects interleaved with garbage
		var garbageWeight = 0.0;
		for (i in 0...20000) {
			var b = new Blob(i);
			if (i % 100 == 0)
				keep.push(b);
			else
				garbageWeight += b.weight();
		}
		var keptWeight = 0.0;
		for (b in keep)
			keptWeight += b.weight();
		Sys.println("phase2 kept=" + keep.length + " keptWeight=" + keptWeight + " garbageWeight=" + garbageWeight);

		// phase 3: linked chain of blobs surviving GC
		var head:Blob = null;
		for (i in 0...5000) {
			var b = new Blob(i * 7);
			b.next = head;
			head = b;
			// temporary strings
			var tmp = "t" + i + "-" + (i * i);
			if (tmp.length > 100)
				Sys.println("impossible");
		}
		var chainLen = 0, chainIds = 0;
		var cur = head;
		while (cur != null) {
			chainLen++;
			chainIds += cur.id;
			cur = cur.next;
		}
		Sys.println("phase3 chain length=" + chainLen + " id sum=" + chainIds);

		// phase 4: string building and maps
		var m = new Map<String, Array<Int>>();
		for (i in 0...5000) {
			var key = "k" + (i % 257);
			var arr = m.get(key);
			if (arr == null) {
				arr = [];
				m.set(key, arr);
			}
			arr.push(i);
		}
		var mapCheck = 0;
		for (k in m.keys())
			mapCheck += m.get(k).length * k.length;
		Sys.println("phase4 map keys=" + Lambda.count(m) + " check=" + mapCheck);
		var sb = new StringBuf();
		for (i in 0...20000)
			sb.add(String.fromCharCode(97 + i % 26));
		var big = sb.toString();
		var counts = [for (i in 0...26) 0];
		for (i in 0...big.length)
			counts[big.charCodeAt(i) - 97]++;
		Sys.println("phase4 big string length=" + big.length + " counts[0]=" + counts[0] + " counts[25]=" + counts[25]);
		var concat = "";
		for (i in 0...2000)
			concat += (i % 10);
		Sys.println("phase4 concat length=" + concat.length + " tail=" + concat.substr(-10));

		// phase 5: closures capturing allocations
		var fns:Array<Void->Int> = [];
		for (i in 0...3000) {
			var arr = [i, i * 2, i * 3];
			fns.push(() -> arr[0] + arr[1] + arr[2]);
		}
		var fsum = 0;
		for (f in fns)
			fsum += f();
		Sys.println("phase5 closure sum=" + fsum);

		// phase 6: int map churn
		var im = new Map<Int, Blob>();
		for (i in 0...10000) {
			im.set(i % 1000, new Blob(i));
			if (i % 3 == 0)
				im.remove((i * 7) % 1000);
		}
		var imIds = 0, imCount = 0;
		for (k => v in im) {
			imIds += v.id;
			imCount++;
		}
		Sys.println("phase6 int map count=" + imCount + " id sum=" + imIds);

		// phase 7: 2D arrays reallocated
		var grid:Array<Array<Int>> = [];
		for (pass in 0...50) {
			grid = [for (y in 0...50) [for (x in 0...50) (x * y + pass) % 13]];
		}
		var gsum = 0;
		for (row in grid)
			for (v in row)
				gsum += v;
		Sys.println("phase7 grid sum=" + gsum);
		Sys.println("kept still valid: " + keep[0].name + " " + keep[keep.length - 1].name + " " + keep[100].weight());
	}
}
