// Keeps a 400,000-element array of objects alive while allocating about
// 100 million short-lived small objects; some of the new objects are stored
// into old ones, so the collector must trace pointers from the long-lived
// array into freshly allocated memory.
class Pair {
	public var a:Int;
	public var b:Int;

	public function new(a:Int, b:Int) {
		this.a = a;
		this.b = b;
	}
}

class Cell {
	public var id:Int;
	public var weight:Float;
	public var child:Pair;
	public var label:String;

	public function new(id:Int) {
		this.id = id;
		weight = id * 0.001;
		child = new Pair(id, -id);
		label = null;
	}
}

class Main {
	static inline var SIZE = 400000;
	static inline var TOTAL = 100000000;

	static function checksum(cells:Array<Cell>):Int {
		var h = 17;
		for (c in cells) {
			h = (h * 31 + c.id) | 0;
			h = (h * 31 + c.child.a - c.child.b) | 0;
			if (c.label != null)
				h = (h + c.label.length) | 0;
		}
		return h;
	}

	static function main() {
		var cells = [for (i in 0...SIZE) new Cell(i)];
		Sys.println("initial checksum = " + checksum(cells));
		var acc = 0;
		var seed = 1;
		var replaced = 0, relinked = 0, labelled = 0;
		for (i in 0...TOTAL) {
			var p = new Pair(i, i >> 3);
			acc = (acc + p.a - p.b) | 0;
			if (i & 15 == 0) {
				seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
				var idx = seed % SIZE;
				cells[idx].child = p;
				relinked++;
			}
			if (i % 997 == 0) {
				seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
				var idx = seed % SIZE;
				var c = new Cell(i);
				c.weight = cells[idx].weight + 1;
				cells[idx] = c;
				replaced++;
			}
			if (i % 100003 == 0) {
				seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
				cells[seed % SIZE].label = "L" + i;
				labelled++;
			}
			if (i % 20000000 == 19999999)
				Sys.println("after " + (i + 1) + " allocations: checksum = " + checksum(cells) + " acc = " + acc);
		}
		var wsum = 0.0;
		for (c in cells)
			wsum += c.weight;
		Sys.println("replaced=" + replaced + " relinked=" + relinked + " labelled=" + labelled);
		Sys.println("weight sum = " + wsum);
		Sys.println("final checksum = " + checksum(cells));
	}
}
