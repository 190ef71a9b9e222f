// Allocation-heavy: the classic binary-trees benchmark (depth 18).
class Node {
	public var left:Node;
	public var right:Node;
	public function new(l, r) { left = l; right = r; }
}

class Main {
	static function make(d:Int):Node {
		return d == 0 ? new Node(null, null) : new Node(make(d - 1), make(d - 1));
	}
	static function check(n:Node):Int {
		return n.left == null ? 1 : 1 + check(n.left) + check(n.right);
	}
	static function main() {
		var maxDepth = 18;
		var stretch = make(maxDepth + 1);
		Sys.println("stretch tree of depth " + (maxDepth + 1) + "\t check: " + check(stretch));
		var longLived = make(maxDepth);
		var d = 4;
		while (d <= maxDepth) {
			var iters = 1 << (maxDepth - d + 4);
			var c = 0;
			for (i in 0...iters) c += check(make(d));
			Sys.println(iters + "\t trees of depth " + d + "\t check: " + c);
			d += 2;
		}
		Sys.println("long lived tree of depth " + maxDepth + "\t check: " + check(longLived));
	}
}
