import haxe.ds.BalancedTree;
import haxe.ds.GenericStack;
import haxe.ds.List;
import haxe.ds.ObjectMap;
import haxe.ds.Vector;

class Key {
	public var name:String;

	public function new(n)
		name = n;
}

class Main {
	static function main() {
		Sys.println("== List ==");
		var l = new List<Int>();
		for (i in 0...10)
			if (i % 2 == 0) l.add(i) else l.push(i);
		Sys.println("list " + l + " length " + l.length + " first " + l.first() + " last " + l.last());
		Sys.println("pop " + l.pop() + " remove(4) " + l.remove(4) + " remove(42) " + l.remove(42) + " -> " + l);
		var mapped = l.map(x -> x * 10);
		var filtered = l.filter(x -> x > 3);
		Sys.println("map " + mapped + " filter " + filtered + " join " + l.join("|"));
		var sum = 0;
		for (x in l)
			sum += x;
		Sys.println("sum " + sum + " isEmpty " + l.isEmpty());
		l.clear();
		Sys.println("cleared " + l + " isEmpty " + l.isEmpty() + " pop " + l.pop() + " first " + l.first());
		var sl = new List<String>();
		for (w in "one two three".split(" "))
			sl.add(w);
		var kv = [];
		for (i => s in sl)
			kv.push(i + ":" + s);
		Sys.println("string list kv " + kv.join(","));

		Sys.println("== GenericStack ==");
		var st = new GenericStack<String>();
		for (w in ["a", "b", "c", "d"])
			st.add(w);
		Sys.println("stack " + st.toString() + " first " + st.first() + " pop " + st.pop() + " remove(b) " + st.remove("b") + " -> " + st.toString());
		var it = [];
		for (x in st)
			it.push(x);
		Sys.println("iterate " + it + " isEmpty " + st.isEmpty());
		while (!st.isEmpty())
			st.pop();
		Sys.println("drained isEmpty " + st.isEmpty() + " pop " + st.pop());

		Sys.println("== BalancedTree ==");
		var bt = new BalancedTree<Int, String>();
		var seed = 99;
		var inserted = [];
		for (i in 0...200) {
			seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
			var k = (seed >> 8) % 500;
			bt.set(k, "v" + k);
			inserted.push(k);
		}
		var keys = [for (k in bt.keys()) k];
		var sorted = true;
		for (i in 1...keys.length)
			if (keys[i - 1] >= keys[i])
				sorted = false;
		Sys.println("tree size " + keys.length + " sorted " + sorted + " first " + keys.slice(0, 10) + " get(" + inserted[5] + ")=" + bt.get(inserted[5])
			+ " get(-1)=" + bt.get(-1));
		var removed = 0;
		for (i in 0...100)
			if (bt.remove(inserted[i]))
				removed++;
		var after = [for (k in bt.keys()) k];
		Sys.println("removed " + removed + " remaining " + after.length + " head " + after.slice(0, 8) + " exists(" + inserted[150] + ")="
			+ bt.exists(inserted[150]));
		var vals = [for (v in bt) v];
		Sys.println("values head " + vals.slice(0, 5));
		var small = new BalancedTree<String, Int>();
		for (w in "the quick brown fox jumps over the lazy dog".split(" "))
			small.set(w, w.length);
		Sys.println("string tree " + small.toString());
		var cp = small.copy();
		cp.set("zebra", 5);
		small.remove("fox");
		Sys.println("copy " + cp.toString() + " orig " + small.toString());

		Sys.println("== ObjectMap (order-independent output) ==");
		var om = new ObjectMap<Key, Int>();
		var ks = [for (i in 0...50) new Key("key" + i)];
		for (i in 0...ks.length)
			om.set(ks[i], i * i);
		var twin = new Key("key3");
		Sys.println("get ks[3]=" + om.get(ks[3]) + " twin=" + om.get(twin) + " exists twin " + om.exists(twin));
		for (i in 0...25)
			om.remove(ks[i * 2]);
		var total = 0, count = 0;
		for (k in om.keys()) {
			total += om.get(k);
			count++;
		}
		var names = [for (k in om.keys()) k.name];
		names.sort(Reflect.compare);
		Sys.println("count " + count + " total " + total + " names " + names.slice(0, 6).join(","));
		var omc = om.copy();
		omc.set(twin, -1);
		var c2 = 0;
		for (_ in omc)
			c2++;
		Sys.println("copy count " + c2 + " original still " + count);

		Sys.println("== Vector of vectors ==");
		var grid = new Vector<Vector<Int>>(4);
		for (i in 0...4) {
			grid[i] = new Vector<Int>(4);
			for (j in 0...4)
				grid[i][j] = i * 4 + j;
		}
		var trace = 0;
		for (i in 0...4)
			trace += grid[i][i];
		Sys.println("trace " + trace + " row2 " + grid[2].toArray() + " fromArray " + Vector.fromArrayCopy([1.5, 2.5]).toArray());
		var vb = new Vector<Bool>(3);
		vb[1] = true;
		Sys.println("bool vector " + vb.toArray());
		Sys.println("done");
	}
}
