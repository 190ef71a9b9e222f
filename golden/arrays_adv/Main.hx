import haxe.ds.Vector;

class Item {
	public var key:Int;
	public var id:Int;

	public function new(key, id) {
		this.key = key;
		this.id = id;
	}

	public function toString() {
		return key + ":" + id;
	}
}

class Main {
	static function boundaryOps<T>(label:String, make:Void->Array<T>, extra:T) {
		var a = make();
		a.insert(0, extra);
		a.insert(a.length, extra);
		a.insert(-1, extra);
		a.insert(-100, extra);
		a.insert(100, extra);
		Sys.println(label + " inserts: " + a + " len=" + a.length);
		a = make();
		var removed = [a.remove(extra), a.remove(a[0]), a.remove(a[a.length - 1])];
		Sys.println(label + " removes: " + removed + " -> " + a);
		for (args in [[0, 1], [0, 0], [-1, 1], [-2, 5], [1, -1], [2, 100], [5, 1], [100, 1], [-100, 2]]) {
			a = make();
			var sp = a.splice(args[0], args[1]);
			Sys.println(label + " splice(" + args[0] + "," + args[1] + ") -> " + sp + " rest " + a);
		}
		a = make();
		Sys.println(label + " slice(1,-1) " + a.slice(1, -1) + " slice(-2,-1) " + a.slice(-2, -1) + " slice(3,1) " + a.slice(3, 1) + " slice(-100) "
			+ a.slice(-100));
		a = make();
		a.resize(2);
		Sys.println(label + " resize(2) " + a);
		a.resize(5);
		Sys.println(label + " resize(5) " + a);
		a = make();
		var c = a.copy();
		c[0] = extra;
		c.push(extra);
		Sys.println(label + " copy independence orig=" + a + " copy=" + c);
		a = make();
		a.unshift(extra);
		var sh = a.shift();
		var po = a.pop();
		Sys.println(label + " unshift/shift/pop " + sh + " " + po + " " + a);
	}

	static function main() {
		Sys.println("== boundary ops on each element type ==");
		boundaryOps("int", () -> [1, 2, 3, 4, 5], 0);
		boundaryOps("float", () -> [1.5, 2.5, 3.5, 4.5, 5.5], -0.5);
		boundaryOps("bool", () -> [true, false, true, true, false], false);
		boundaryOps("string", () -> ["a", "b", "c", "d", "e"], "z");
		var shared = new Item(9, 9);
		boundaryOps("object", () -> [for (i in 0...5) new Item(i, i * 10)], shared);
		boundaryOps("dynamic", () -> ([1, "two", 3.0, null, [5]] : Array<Dynamic>), "x");
		boundaryOps("nullint", () -> ([1, null, 3, null, 5] : Array<Null<Int>>), null);

		Sys.println("== sort stability (objects, key only) ==");
		var items = [for (i in 0...40) new Item((i * 7) % 5, i)];
		items.sort((a, b) -> a.key - b.key);
		Sys.println(items.join(" "));
		items.sort((a, b) -> b.key - a.key);
		Sys.println(items.join(" "));
		Sys.println("== sort stability (ints, high bits only) ==");
		var ints = [for (i in 0...40) ((i * 13) % 7) * 100 + i];
		ints.sort((a, b) -> Std.int(a / 100) - Std.int(b / 100));
		Sys.println(ints.join(" "));
		var strs = ["bb", "a", "ccc", "dd", "e", "fff", "gg", "h", "iii", "jj"];
		strs.sort((a, b) -> a.length - b.length);
		Sys.println("strings by length: " + strs.join(" "));
		var fl = [3.5, 1.25, 3.75, 1.5, 2.0, 3.0, 1.0];
		fl.sort((a, b) -> Std.int(a) - Std.int(b));
		Sys.println("floats by int part: " + fl);
		var bigSort = [for (i in 0...2000) (i * 7919) % 2003];
		bigSort.sort((a, b) -> a - b);
		var okSorted = true;
		for (i in 1...bigSort.length)
			if (bigSort[i - 1] > bigSort[i])
				okSorted = false;
		Sys.println("big sort ok=" + okSorted + " first=" + bigSort.slice(0, 5) + " last=" + bigSort.slice(-3));

		Sys.println("== indexOf / lastIndexOf / contains with fromIndex ==");
		var arr = [1, 2, 3, 1, 2, 3, 1];
		for (from in [-10, -3, -1, 0, 1, 3, 6, 7, 20])
			Sys.println("from " + from + ": indexOf(1)=" + arr.indexOf(1, from) + " indexOf(3)=" + arr.indexOf(3, from) + " lastIndexOf(1)="
				+ arr.lastIndexOf(1, from) + " lastIndexOf(2)=" + arr.lastIndexOf(2, from));
		Sys.println("contains 3=" + arr.contains(3) + " contains 4=" + arr.contains(4));
		var sarr = ["x", "y", "x", null, "y"];
		Sys.println("strings indexOf(y,2)=" + sarr.indexOf("y", 2) + " lastIndexOf(x,1)=" + sarr.lastIndexOf("x", 1) + " indexOf(null)=" + sarr.indexOf(null)
			+ " contains(" + "x".toUpperCase().toLowerCase() + ")=" + sarr.contains("x".toUpperCase().toLowerCase()));
		var farr = [0.5, Math.NaN, 0.5, -0.0];
		Sys.println("floats indexOf(0.5,1)=" + farr.indexOf(0.5, 1) + " indexOf(NaN)=" + farr.indexOf(Math.NaN) + " indexOf(0)=" + farr.indexOf(0.0));
		var oarr = [shared, new Item(9, 9), shared];
		Sys.println("objects indexOf(shared,1)=" + oarr.indexOf(shared, 1) + " lastIndexOf(shared)=" + oarr.lastIndexOf(shared) + " contains(new)="
			+ oarr.contains(new Item(9, 9)));

		Sys.println("== Vector ==");
		var v = new Vector<Int>(10);
		for (i in 0...v.length)
			v[i] = i * i;
		var w = new Vector<Int>(12);
		Vector.blit(v, 2, w, 5, 6);
		Sys.println("blit: " + w.toArray());
		Vector.blit(v, 0, v, 3, 7);
		Sys.println("overlapping blit forward: " + v.toArray());
		for (i in 0...v.length)
			v[i] = i;
		Vector.blit(v, 3, v, 0, 7);
		Sys.println("overlapping blit backward: " + v.toArray());
		var vs = Vector.fromArrayCopy(["p", "q", "r"]);
		var vs2 = vs.copy();
		vs2[0] = "changed";
		Sys.println("vector copy: " + vs.toArray() + " " + vs2.toArray() + " join " + vs.join("+"));
		var vf = new Vector<Float>(4);
		Sys.println("default float vector: " + vf.toArray());
		var vo = new Vector<Item>(3);
		Sys.println("default object vector: " + vo.toArray());
		var mapped = vs.map(s -> s + s);
		Sys.println("vector map: " + mapped.toArray());
		var va = Vector.fromArrayCopy([5, 3, 9, 1]);
		va.sort((a, b) -> a - b);
		Sys.println("vector sort: " + va.toArray());

		Sys.println("== arrays of arrays ==");
		var grid = [for (r in 0...5) [for (c in 0...6) r * 10 + c]];
		grid[2].reverse();
		grid[4] = grid[4].filter(x -> x % 2 == 0);
		grid.push([]);
		grid[0].insert(3, -1);
		Sys.println(grid.map(row -> row.join(",")).join(" | "));
		var transposed = [for (c in 0...3) [for (r in 0...4) grid[r][c]]];
		Sys.println("transposed: " + transposed);
		var jag:Array<Array<String>> = [];
		for (i in 0...4) {
			jag[i] = [];
			for (j in 0...i)
				jag[i].push(String.fromCharCode(65 + i + j));
		}
		Sys.println("jagged: " + jag);
		var flat = [];
		for (row in jag)
			for (x in row)
				flat.push(x);
		Sys.println("flat: " + flat.join(""));
		var cube = [for (i in 0...3) [for (j in 0...3) [for (k in 0...3) i * 9 + j * 3 + k]]];
		var diag = 0;
		for (i in 0...3)
			diag += cube[i][i][i];
		Sys.println("cube diag sum: " + diag + " cube[2][1]: " + cube[2][1]);

		Sys.println("== iterators ==");
		var it = [10, 20, 30].iterator();
		var got = [];
		while (it.hasNext())
			got.push(it.next());
		Sys.println("manual iterator: " + got + " hasNext after: " + it.hasNext());
		var kv = [];
		for (i => x in ["a", "b", "c"])
			kv.push(i + "=" + x);
		Sys.println("kv: " + kv.join(","));
		var kvi = ["p", "q"].keyValueIterator();
		var first = kvi.next();
		Sys.println("kv iterator next: " + first.key + "/" + first.value + " hasNext=" + kvi.hasNext());
		var mutating = [1, 2, 3];
		var seen = [];
		for (x in mutating) {
			seen.push(x);
			if (x == 2)
				mutating.push(4);
		}
		Sys.println("iterate while pushing: " + seen);

		Sys.println("== copy independence ==");
		var base = [[1, 2], [3, 4]];
		var shallow = base.copy();
		shallow[0].push(99);
		shallow[1] = [0];
		Sys.println("base=" + base + " shallow=" + shallow);
		var concat = base.concat([[5]]);
		concat[2].push(6);
		concat[0] = [];
		Sys.println("base=" + base + " concat=" + concat);

		Sys.println("== misc ==");
		var filled = [];
		filled[5] = 1;
		Sys.println("sparse write: " + filled + " len=" + filled.length);
		var fb:Array<Bool> = [];
		fb[3] = true;
		Sys.println("sparse bools: " + fb);
		var ff:Array<Float> = [];
		ff[2] = 1.5;
		Sys.println("sparse floats: " + ff);
		var rev = [for (i in 0...9) i];
		rev.reverse();
		Sys.println("reverse odd: " + rev);
		var big = [];
		for (i in 0...100000)
			big.push(i ^ (i >> 3));
		var s = 0;
		for (x in big)
			s = (s + x) % 1000003;
		while (big.length > 10)
			big.pop();
		Sys.println("big checksum=" + s + " after pops " + big);
		var shifted = [for (i in 0...1000) i];
		var ssum = 0;
		while (shifted.length > 0)
			ssum += shifted.shift() * shifted.length;
		Sys.println("shift drain sum=" + ssum);
		Sys.println("done");
	}
}
