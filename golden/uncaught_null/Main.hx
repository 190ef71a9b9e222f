class Node {
	public var value:Int;
	public var next:Node;

	public function new(v:Int, n:Node) {
		value = v;
		next = n;
	}
}

class Main {
	static function sumFirst(n:Node, count:Int):Int {
		var s = 0;
		for (i in 0...count) {
			s += n.value;
			Sys.println("visited " + n.value + " running sum " + s);
			n = n.next;
		}
		return s;
	}

	static function main() {
		var list = new Node(1, new Node(2, new Node(3, null)));
		Sys.println("sum of 3 = " + sumFirst(list, 3));
		try {
			sumFirst(list, 4);
		} catch (e:Dynamic) {
			Sys.println("caught: " + e);
		}
		trace("now without a handler");
		Sys.println("sum of 5 = " + sumFirst(list, 5));
		Sys.println("unreachable");
	}
}
