class Main {
	static function sortedInts(it:Iterator<Int>):Array<Int> {
		var a = [for (x in it) x];
		a.sort((x, y) -> x < y ? -1 : (x > y ? 1 : 0));
		return a;
	}

	static function sortedStrs(it:Iterator<String>):Array<String> {
		var a = [for (x in it) x];
		a.sort(Reflect.compare);
		return a;
	}

	static function main() {
		Sys.println("== IntMap with negative / large keys ==");
		var im = new Map<Int, String>();
		var ks = [0, -1, 1, -2147483648, 2147483647, 65536, -65536, 1 << 30, -(1 << 30), 12345678, -7, 7, 0x7FFF0000, 0x80000001];
		for (k in ks)
			im.set(k, "v" + k);
		Sys.println("keys (iteration order): " + [for (k in im.keys()) k].join(","));
		Sys.println("keys sorted: " + sortedInts(im.keys()));
		for (k in ks)
			if (im.get(k) != "v" + k)
				Sys.println("MISMATCH " + k);
		Sys.println("get -2147483648=" + im.get(-2147483648) + " get 2147483646=" + im.get(2147483646) + " exists 0=" + im.exists(0));
		Sys.println("toString: " + im.toString());
		im.remove(0);
		im.remove(-2147483648);
		im.set(-1, "minus one again");
		Sys.println("after edits: " + im.toString());

		Sys.println("== StringMap with unicode / empty keys ==");
		var sm = new Map<String, Int>();
		var skeys = ["", " ", "a", "A", "é", "e\u0301", "日本", "😀", "😀😀", "null", "key with spaces", "\t", "0", "00", "__proto__", "hasOwnProperty"];
		for (i in 0...skeys.length)
			sm.set(skeys[i], i);
		Sys.println("iteration order: " + [for (k in sm.keys()) "[" + k + "]"].join(""));
		Sys.println("sorted: " + sortedStrs(sm.keys()).map(k -> "[" + k + "]").join(""));
		Sys.println("get '': " + sm.get("") + " get '😀': " + sm.get("😀") + " get 'e\u0301': " + sm.get("e\u0301") + " get 'é': " + sm.get("é") + " get missing: "
			+ sm.get("missing"));
		Sys.println("exists '': " + sm.exists("") + " exists 'nul': " + sm.exists("nul") + " remove '': " + sm.remove("") + " again: " + sm.remove("")
			+ " exists after: " + sm.exists(""));
		var built = "日" + "本";
		Sys.println("lookup with built key: " + sm.get(built) + " substr key: " + sm.get("x😀x".substr(1, 2)));
		Sys.println("toString: " + sm.toString());

		Sys.println("== churn: many removes / reinserts ==");
		var churn = new Map<Int, Int>();
		var seed = 7;
		var live = 0;
		for (round in 0...20) {
			for (i in 0...500) {
				seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
				var k = (seed >> 4) % 1000 - 500;
				if (churn.exists(k)) {
					churn.remove(k);
				} else {
					churn.set(k, round * 1000 + i);
				}
			}
			var count = 0, sum = 0;
			for (k => v in churn) {
				count++;
				sum += k * 3 + v;
			}
			if (round % 4 == 3)
				Sys.println("round " + round + ": count=" + count + " checksum=" + sum);
		}
		Sys.println("final order first 20: " + [for (k in churn.keys()) k].slice(0, 20).join(","));
		var schurn = new Map<String, Int>();
		for (i in 0...3000)
			schurn.set("k" + (i * 7919 % 1000), i);
		for (i in 0...1000)
			if (i % 3 != 0)
				schurn.remove("k" + i);
		for (i in 0...200)
			schurn.set("new" + i, -i);
		var sc = 0, ssum = 0;
		for (k => v in schurn) {
			sc++;
			ssum += v + k.length;
		}
		Sys.println("string churn count=" + sc + " sum=" + ssum + " first keys: " + [for (k in schurn.keys()) k].slice(0, 12).join(","));

		Sys.println("== map of maps ==");
		var mm = new Map<String, Map<Int, Array<String>>>();
		var words = "the quick brown fox jumps over the lazy dog and then the fox sleeps while a dog barks".split(" ");
		for (w in words) {
			var first = w.charAt(0);
			if (!mm.exists(first))
				mm.set(first, new Map());
			var inner = mm.get(first);
			if (!inner.exists(w.length))
				inner.set(w.length, []);
			inner.get(w.length).push(w);
		}
		for (f in sortedStrs(mm.keys())) {
			var inner = mm.get(f);
			Sys.println(f + ": " + [for (l in sortedInts(inner.keys())) l + "=" + inner.get(l).join("/")].join(" "));
		}
		mm.get("t").get(3).push("tea");
		Sys.println("t3 after push: " + mm["t"][3]);

		Sys.println("== copy independence ==");
		var orig = ["a" => 1, "b" => 2, "c" => 3];
		var cp = orig.copy();
		cp.set("a", 100);
		cp.remove("b");
		cp.set("d", 4);
		orig.set("c", 30);
		Sys.println("orig: " + sortedStrs(orig.keys()).map(k -> k + "=" + orig[k]).join(","));
		Sys.println("copy: " + sortedStrs(cp.keys()).map(k -> k + "=" + cp[k]).join(","));
		var arrMap = [1 => [1, 2], 2 => [3]];
		var shallow = arrMap.copy();
		shallow.get(1).push(99);
		Sys.println("shallow copy shares arrays: " + arrMap.get(1) + " " + (arrMap.get(1) == shallow.get(1)));

		Sys.println("== iterator protocol ==");
		var small = [10 => "x", 20 => "y"];
		var it = small.keys();
		var seen = [];
		while (it.hasNext()) {
			var h1 = it.hasNext();
			var h2 = it.hasNext();
			seen.push(it.next() + (h1 && h2 ? "" : "?"));
		}
		Sys.println("seen " + seen.length + " items, hasNext after end: " + it.hasNext());
		var emptyIt = new Map<String, Int>().keys();
		Sys.println("empty map hasNext: " + emptyIt.hasNext());
		var vit = small.iterator();
		var vals = [];
		for (v in vit)
			vals.push(v);
		vals.sort(Reflect.compare);
		Sys.println("values: " + vals + " vit.hasNext: " + vit.hasNext());
		var kvSum = 0;
		for (kv in small.keyValueIterator())
			kvSum += kv.key;
		Sys.println("kv sum: " + kvSum);

		Sys.println("== large map ==");
		var big = new Map<Int, Int>();
		for (i in 0...100000)
			big.set(i * 37 - 1000000, i);
		var bsum = 0.0;
		for (k => v in big)
			bsum += k * 0.5 + v;
		var hits = 0;
		for (i in 0...200000)
			if (big.exists(i * 37 - 1000000))
				hits++;
		for (i in 0...50000)
			big.remove(i * 74 - 1000000);
		var remaining = 0;
		for (_ in big)
			remaining++;
		Sys.println("big sum=" + bsum + " hits=" + hits + " remaining=" + remaining);
		var bigS = new Map<String, Int>();
		for (i in 0...50000)
			bigS.set(Std.string(i * 13), i);
		var found = 0;
		for (i in 0...50000)
			if (bigS.get(Std.string(i * 13)) == i)
				found++;
		Sys.println("big string map found=" + found);
		big.clear();
		Sys.println("cleared: " + big.toString() + " exists: " + big.exists(-1000000));
		Sys.println("done");
	}
}
