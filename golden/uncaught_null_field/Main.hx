class Node {
	public var value:Int;
	public var next:Node;

	public function new(v:Int, ?n:Node) {
		value = v;
		next = n;
	}
}

class Main {
	static function sumFirst(n:Node, count:Int):Int {
		var s = 0;
		var cur = n;
		for (i in 0...count) {
			s += cur.value;
			Sys.println("added " + cur.value);
			cur = cur.next;
		}
		return s;
	}

	static function main() {
		var list = new Node(1, new Node(2, new Node(3)));
		Sys.println("sum of 3 = " + sumFirst(list, 3));
		Sys.println("sum of 5 = " + sumFirst(list, 5));
		Sys.println("not reached");
	}
}
