import haxe.ds.StringMap;
import haxe.ds.IntMap;
import haxe.ds.ObjectMap;
import haxe.ds.EnumValueMap;

class Key {
	public var name:String;

	public function new(name:String) {
		this.name = name;
	}

	public function toString() {
		return "Key(" + name + ")";
	}
}

enum Slot {
	Head;
	Body(n:Int);
}

class Main {
	static function main() {
		// ---- StringMap ----
		var sm = new Map<String, Int>();
		sm.set("one", 1);
		sm.set("two", 2);
		sm.set("three", 3);
		sm["four"] = 4;
		sm.set("five", 5);
		sm.set("", 0);
		sm.set("two", 22); // overwrite
		Sys.println("sm.get(two)=" + sm.get("two") + " sm[four]=" + sm["four"] + " missing=" + sm.get("missing"));
		Sys.println("exists one=" + sm.exists("one") + " exists six=" + sm.exists("six") + " exists empty=" + sm.exists(""));
		var keys = [for (k in sm.keys()) k];
		Sys.println("keys order: " + keys.join(","));
		var vals = [for (v in sm) v];
		Sys.println("values order: " + vals.join(","));
		for (k => v in sm)
			Sys.println("  kv " + k + " => " + v);
		Sys.println("toString: " + sm.toString());
		Sys.println("remove three=" + sm.remove("three") + " remove again=" + sm.remove("three"));
		Sys.println("after remove: " + sm);
		var copy = sm.copy();
		copy.set("extra", 100);
		Sys.println("copy: " + copy + " original: " + sm);
		sm.clear();
		Sys.println("after clear: " + sm + " exists one=" + sm.exists("one"));

		// explicit StringMap with many keys
		var big = new StringMap<Int>();
		for (i in 0...100)
			big.set("key" + i, i * i);
		for (i in 0...100)
			if (i % 3 == 0)
				big.remove("key" + i);
		var bigKeys = [];
		var sum = 0;
		for (k in big.keys()) {
			bigKeys.push(k);
			sum += big.get(k);
		}
		Sys.println("big string map count=" + bigKeys.length + " sum=" + sum);
		Sys.println("big string keys order: " + bigKeys.join(" "));
		for (i in 0...10)
			big.set("key" + (i * 3), -i);
		Sys.println("re-added order: " + [for (k => v in big) k + "=" + v].join(" "));

		// ---- IntMap ----
		var im = new Map<Int, String>();
		for (i in [5, 3, 100, -7, 0, 42, 1000000, -2147483648, 2147483647, 17])
			im.set(i, "v" + i);
		Sys.println("im keys order: " + [for (k in im.keys()) k].join(","));
		Sys.println("im values order: " + [for (v in im) v].join(","));
		Sys.println("im toString: " + im);
		Sys.println("im get 42=" + im.get(42) + " get 43=" + im.get(43) + " exists -7=" + im.exists(-7));
		im.remove(100);
		im.remove(-7);
		im.set(3, "three");
		Sys.println("im after changes: " + im);
		for (k => v in im)
			Sys.println("  im kv " + k + " => " + v);

		var bigInt = new IntMap<Int>();
		for (i in 0...100)
			bigInt.set(i * 37 % 101, i);
		for (i in 0...50)
			bigInt.remove(i * 2);
		Sys.println("bigInt keys order: " + [for (k in bigInt.keys()) k].join(" "));
		var total = 0;
		for (v in bigInt.iterator())
			total += v;
		Sys.println("bigInt value sum: " + total);
		Sys.println("bigInt kv first: " + [for (kv in bigInt.keyValueIterator()) kv.key + ":" + kv.value].slice(0, 10).join(" "));

		// ---- ObjectMap ----
		var ka = new Key("a");
		var kb = new Key("b");
		var kc = new Key("c");
		var kaTwin = new Key("a");
		var om = new Map<Key, Int>();
		om.set(ka, 1);
		om.set(kb, 2);
		om.set(kc, 3);
		om.set(kaTwin, 10);
		Sys.println("om get ka=" + om.get(ka) + " kaTwin=" + om.get(kaTwin) + " exists kb=" + om.exists(kb));
		om.remove(kb);
		Sys.println("om exists kb after remove=" + om.exists(kb) + " get kb=" + om.get(kb));
		var okeys = [for (k in om.keys()) k.name + "/" + om.get(k)];
		okeys.sort((x, y) -> x < y ? -1 : (x > y ? 1 : 0));
		Sys.println("om entries (sorted): " + okeys.join(","));
		var osum = 0;
		for (v in om)
			osum += v;
		Sys.println("om value sum: " + osum);
		var om2 = new ObjectMap<Key, String>();
		var allKeys = [for (i in 0...100) new Key("k" + i)];
		for (k in allKeys)
			om2.set(k, k.name.toUpperCase());
		for (i in 0...100)
			if (i % 2 == 1)
				om2.remove(allKeys[i]);
		var cnt = 0;
		for (k in om2.keys())
			cnt++;
		Sys.println("om2 count=" + cnt + " get k4=" + om2.get(allKeys[4]) + " get k5=" + om2.get(allKeys[5]));

		// ---- EnumValueMap ----
		var em = new EnumValueMap<Slot, String>();
		em.set(Body(3), "body3");
		em.set(Head, "head");
		em.set(Body(1), "body1");
		em.set(Body(3), "body3b");
		Sys.println("em get Body(3)=" + em.get(Body(3)) + " Head=" + em.get(Head) + " Body(2)=" + em.get(Body(2)));
		Sys.println("em keys: " + [for (k in em.keys()) Std.string(k)].join(","));

		// ---- Map of maps, map with array values ----
		var groups = new Map<String, Array<String>>();
		for (w in "apple avocado banana blueberry cherry apricot cranberry".split(" ")) {
			var first = w.charAt(0);
			if (!groups.exists(first))
				groups.set(first, []);
			groups.get(first).push(w);
		}
		for (k in ["a", "b", "c"])
			Sys.println("group " + k + ": " + groups.get(k).join(","));
		var nested = new Map<String, Map<Int, Bool>>();
		nested.set("x", [1 => true, 2 => false]);
		nested.set("y", new Map());
		nested["y"][7] = true;
		Sys.println("nested x1=" + nested["x"][1] + " x2=" + nested["x"][2] + " y7=" + nested["y"][7] + " y8=" + nested["y"][8]);

		// map literal
		var lit = ["alpha" => 1, "beta" => 2, "gamma" => 3];
		Sys.println("literal: " + lit);
		var ilit = [10 => "ten", 20 => "twenty"];
		Sys.println("int literal: " + ilit);

		// word frequency
		var text = "the cat and the dog and the bird saw the cat";
		var freq = new Map<String, Int>();
		for (w in text.split(" "))
			freq[w] = (freq.exists(w) ? freq[w] : 0) + 1;
		Sys.println("freq: " + freq);
		var fk = [for (k in freq.keys()) k];
		fk.sort((a, b) -> freq[b] != freq[a] ? freq[b] - freq[a] : (a < b ? -1 : 1));
		Sys.println("by frequency: " + [for (k in fk) k + "=" + freq[k]].join(" "));

		// Null<Int> values
		var nm = new Map<String, Null<Int>>();
		nm.set("n", null);
		nm.set("z", 0);
		Sys.println("null value exists=" + nm.exists("n") + " get=" + nm.get("n") + " z=" + nm.get("z"));
		trace(nm);
	}
}
