// A big tree built and checked in `main`, then dead while `main` goes on
// looping: the collections the loop forces must not find it through a dead
// copy of its root in `main`'s frame (tests/gc_memory.rs).
class Node {
	public var left:Node;
	public var right:Node;
	public function new(l, r) { left = l; right = r; }
}

class Main {
	static function make(d:Int):Node {
		return d == 0 ? new Node(null, null) : new Node(make(d - 1), make(d - 1));
	}
	static function count(n:Node):Int {
		return n.left == null ? 1 : 1 + count(n.left) + count(n.right);
	}
	static function main() {
		var depth = 17;
		var tree = make(depth);
		Sys.println("tree of depth " + depth + ": " + count(tree) + " nodes");
		var small = make(4);
		var total = 0;
		var rounds = Sys.args().length + 3;
		for (i in 0...rounds) {
			hl.Gc.major();
			total += count(small);
		}
		Sys.println("small trees: " + total + " nodes");
	}
}
