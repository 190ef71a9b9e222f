import haxe.ds.Vector;

class Item {
	public var name:String;
	public var weight:Int;

	public function new(name:String, weight:Int) {
		this.name = name;
		this.weight = weight;
	}

	public function toString() {
		return name + ":" + weight;
	}
}

class Main {
	static function main() {
		// Array<Int>
		var a = [5, 3, 8, 1];
		Sys.println("initial " + a + " length=" + a.length);
		Sys.println("push returns " + a.push(10) + " -> " + a);
		Sys.println("pop returns " + a.pop() + " -> " + a);
		Sys.println("shift returns " + a.shift() + " -> " + a);
		a.unshift(42);
		Sys.println("after unshift " + a);
		a.insert(2, 99);
		Sys.println("insert(2,99) " + a);
		a.insert(-1, 77);
		Sys.println("insert(-1,77) " + a);
		a.insert(100, 55);
		Sys.println("insert(100,55) " + a);
		Sys.println("remove(99) " + a.remove(99) + " remove(1234) " + a.remove(1234) + " -> " + a);
		Sys.println("indexOf(8)=" + a.indexOf(8) + " indexOf(1234)=" + a.indexOf(1234) + " lastIndexOf(55)=" + a.lastIndexOf(55) + " contains(42)=" + a.contains(42));
		var b = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
		Sys.println("splice(2,3) " + b.splice(2, 3) + " -> " + b);
		Sys.println("splice(-2,1) " + b.splice(-2, 1) + " -> " + b);
		Sys.println("splice(10,2) " + b.splice(10, 2) + " -> " + b);
		Sys.println("slice(1,3) " + b.slice(1, 3) + " slice(-2) " + b.slice(-2) + " slice(3) " + b.slice(3) + " slice(5,2) " + b.slice(5, 2));
		Sys.println("concat " + b.concat([100, 200]) + " original " + b);
		var r = b.copy();
		r.reverse();
		Sys.println("reverse " + r + " original " + b);
		Sys.println("join '-' " + b.join("-") + " join '' " + b.join(""));
		Sys.println("map x*x " + b.map(x -> x * x));
		Sys.println("filter even " + b.filter(x -> x % 2 == 0));
		Sys.println("map to string " + b.map(x -> "<" + x + ">"));
		var it = b.iterator();
		var parts = [];
		while (it.hasNext())
			parts.push(it.next() * 10);
		Sys.println("iterator " + parts);
		for (i => v in b)
			if (i < 3)
				Sys.println("  kv " + i + " -> " + v);

		// sort
		var unsorted = [38, 27, 43, 3, 9, 82, 10, 3, -5, 0, 100, 27];
		var asc = unsorted.copy();
		asc.sort((x, y) -> x - y);
		var desc = unsorted.copy();
		desc.sort((x, y) -> y - x);
		Sys.println("sort asc " + asc + " desc " + desc);
		var strs = ["pear", "apple", "fig", "banana", "kiwi", "Cherry", "date"];
		var byLen = strs.copy();
		byLen.sort((x, y) -> x.length != y.length ? x.length - y.length : (x < y ? -1 : (x > y ? 1 : 0)));
		Sys.println("strings by length " + byLen);
		var alpha = strs.copy();
		alpha.sort(Reflect.compare);
		Sys.println("strings Reflect.compare " + alpha);
		// stability check: sort items by weight only
		var items = [
			new Item("a", 3), new Item("b", 1), new Item("c", 3), new Item("d", 2), new Item("e", 1), new Item("f", 3), new Item("g", 2), new Item("h", 1)
		];
		var byWeight = items.copy();
		byWeight.sort((x, y) -> x.weight - y.weight);
		Sys.println("items by weight " + byWeight);
		var big = [for (i in 0...50) (i * 37) % 23];
		big.sort((x, y) -> x - y);
		Sys.println("big sorted " + big);

		// Array<Float>
		var f = [1.5, -2.25, 3.0, 0.1];
		f.push(1e10);
		Sys.println("floats " + f + " sum=" + Lambda.fold(f, (x, acc) -> acc + x, 0.0));
		f.sort((x, y) -> x < y ? -1 : (x > y ? 1 : 0));
		Sys.println("floats sorted " + f + " indexOf(3)=" + f.indexOf(3.0));

		// Array<String>
		var s = "the quick brown fox".split(" ");
		s.push("jumps");
		Sys.println("strings " + s + " upper " + s.map(w -> w.toUpperCase()).join(" "));
		Sys.println("indexOf fox=" + s.indexOf("fox") + " remove quick=" + s.remove("quick") + " -> " + s);

		// Array<Bool>
		var bools = [true, false, true];
		bools[5] = true;
		Sys.println("bools " + bools + " len=" + bools.length);

		// Array<Dynamic>
		var d:Array<Dynamic> = [1, "x", 2.5, null, [1, 2], true];
		d.push({k: "v"});
		Sys.println("dynamic " + d + " length=" + d.length);
		d.reverse();
		Sys.println("dynamic reversed " + d);

		// Array of objects
		var objs = [for (i in 0...5) new Item("item" + i, i * i)];
		Sys.println("objects " + objs);
		var heavy = objs.filter(o -> o.weight > 3);
		Sys.println("heavy " + heavy + " names " + heavy.map(o -> o.name));
		var idx = objs.indexOf(objs[3]);
		Sys.println("indexOf object " + idx + " indexOf fresh " + objs.indexOf(new Item("item3", 9)));
		objs.remove(objs[0]);
		Sys.println("after remove " + objs.length + " first=" + objs[0]);

		// out of range reads
		var small = [1, 2, 3];
		Sys.println("small[5]=" + small[5] + " small[-1]=" + small[-1]);
		var smallS = ["a"];
		Sys.println("smallS[3]=" + smallS[3]);
		var smallF = [1.5];
		Sys.println("smallF[3]=" + smallF[3]);
		var smallO = [new Item("x", 1)];
		Sys.println("smallO[2]=" + smallO[2]);
		var emptyPop:Array<Int> = [];
		Sys.println("empty pop=" + emptyPop.pop() + " shift=" + emptyPop.shift());
		var emptyPopS:Array<String> = [];
		Sys.println("empty string pop=" + emptyPopS.pop());

		// growing by writing past the end
		var g = [1];
		g[4] = 5;
		Sys.println("grown " + g + " length=" + g.length);
		var gs:Array<String> = [];
		gs[2] = "c";
		Sys.println("grown strings " + gs + " length=" + gs.length);
		var gf:Array<Float> = [];
		gf[3] = 1.5;
		Sys.println("grown floats " + gf);
		var growing = [];
		for (i in 0...1000)
			growing.push(i);
		var total = 0;
		for (v in growing)
			total += v;
		Sys.println("1000 pushes total=" + total + " length=" + growing.length);
		while (growing.length > 10)
			growing.pop();
		Sys.println("popped down " + growing);
		growing.resize(3);
		Sys.println("resize(3) " + growing);
		growing.resize(6);
		Sys.println("resize(6) " + growing);

		// Vector
		var v = new Vector<Int>(5);
		for (i in 0...v.length)
			v[i] = i * 3;
		Sys.println("vector " + v.toArray() + " length=" + v.length + " v[2]=" + v.get(2));
		var vs = new Vector<String>(3);
		vs[1] = "mid";
		Sys.println("string vector " + vs.toArray());
		var vf = Vector.fromArrayCopy([1.5, 2.5, 3.5]);
		Sys.println("float vector " + vf.toArray() + " sum=" + (vf[0] + vf[1] + vf[2]));
		var v2 = new Vector<Int>(8);
		Vector.blit(v, 1, v2, 2, 3);
		Sys.println("blit " + v2.toArray());
		var vcopy = v.copy();
		vcopy[0] = 100;
		Sys.println("vector copy " + vcopy.toArray() + " original " + v.toArray());
		var vmap = v.map(x -> x + 0.5);
		Sys.println("vector map " + vmap.toArray());
		var vjoin = v.join("|");
		Sys.println("vector join " + vjoin);

		// 2D arrays
		var grid = [for (y in 0...4) [for (x in 0...5) x * y]];
		Sys.println("grid " + grid);
		grid[2][3] = -1;
		var rowSums = grid.map(row -> Lambda.fold(row, (x, acc) -> acc + x, 0));
		Sys.println("row sums " + rowSums);
		var transposed = [for (x in 0...5) [for (y in 0...4) grid[y][x]]];
		Sys.println("transposed " + transposed);
		var jagged:Array<Array<String>> = [];
		for (i in 0...4) {
			jagged.push([]);
			for (j in 0...i)
				jagged[i].push(String.fromCharCode(65 + j));
		}
		Sys.println("jagged " + jagged);
		var mat = [[1, 2], [3, 4]];
		var mat2 = [[5, 6], [7, 8]];
		var prod = [for (i in 0...2) [for (j in 0...2) mat[i][0] * mat2[0][j] + mat[i][1] * mat2[1][j]]];
		Sys.println("matrix product " + prod);

		// array equality & identity
		var e1 = [1, 2];
		var e2 = [1, 2];
		Sys.println("array == " + (e1 == e2) + " self " + (e1 == e1));
		// array comprehension with condition
		Sys.println("comprehension " + [for (i in 0...20) if (i % 3 == 0) i * i]);
		// nested loops with break/continue
		var found = [];
		for (i in 0...10) {
			if (i % 2 == 1)
				continue;
			for (j in 0...10) {
				if (j > i)
					break;
				if ((i + j) % 4 == 0)
					found.push(i * 10 + j);
			}
		}
		Sys.println("found " + found);
		// toString of nested/empty
		Sys.println("empty " + [] + " nested empty " + [[], [[]]] + " null elems " + [null, null]);
		trace([1, 2, 3]);
		trace(["a", "b"]);
		// array of arrays of floats
		var af = [[0.5, 1.0], [1e21, 1e-7]];
		Sys.println("nested floats " + af);
		// Lambda over arrays
		Sys.println("exists " + Lambda.exists(b, x -> x > 8) + " count " + Lambda.count(b, x -> x > 3) + " has " + Lambda.has(b, 7) + " find " + Lambda.find(b, x -> x > 5));
		// array with holes printed
		var holes:Array<Null<Int>> = [];
		holes[3] = 7;
		Sys.println("holes " + holes);
		// unshift many & shift many
		var q = [];
		for (i in 0...20)
			q.unshift(i);
		var sh = [];
		for (i in 0...5)
			sh.push(q.shift());
		Sys.println("queue " + q + " shifted " + sh);
	}
}
