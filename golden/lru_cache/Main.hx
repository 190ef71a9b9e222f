// LRU cache built from a hash map plus a doubly linked list with sentinel
// nodes; exercised with a deterministic access trace and checked against a
// naive array-based reference implementation.
class Entry<K, V> {
	public var key:K;
	public var value:V;
	public var prev:Entry<K, V>;
	public var next:Entry<K, V>;

	public function new(k:K, v:V) {
		key = k;
		value = v;
	}
}

class LruCache<V> {
	var map:Map<String, Entry<String, V>> = new Map();
	var head:Entry<String, V>;
	var tail:Entry<String, V>;
	var capacity:Int;

	public var size(default, null) = 0;
	public var hits(default, null) = 0;
	public var misses(default, null) = 0;
	public var evictions:Array<String> = [];

	public function new(capacity:Int) {
		this.capacity = capacity;
		head = new Entry(null, null);
		tail = new Entry(null, null);
		head.next = tail;
		tail.prev = head;
	}

	inline function unlink(e:Entry<String, V>) {
		e.prev.next = e.next;
		e.next.prev = e.prev;
		e.prev = null;
		e.next = null;
	}

	inline function pushFront(e:Entry<String, V>) {
		e.next = head.next;
		e.prev = head;
		head.next.prev = e;
		head.next = e;
	}

	public function get(k:String):Null<V> {
		var e = map.get(k);
		if (e == null) {
			misses++;
			return null;
		}
		hits++;
		unlink(e);
		pushFront(e);
		return e.value;
	}

	public function put(k:String, v:V) {
		var e = map.get(k);
		if (e != null) {
			e.value = v;
			unlink(e);
			pushFront(e);
			return;
		}
		if (size == capacity) {
			var victim = tail.prev;
			unlink(victim);
			map.remove(victim.key);
			evictions.push(victim.key);
			size--;
		}
		e = new Entry(k, v);
		map.set(k, e);
		pushFront(e);
		size++;
	}

	public function remove(k:String):Bool {
		var e = map.get(k);
		if (e == null)
			return false;
		unlink(e);
		map.remove(k);
		size--;
		return true;
	}

	public function keysMostRecentFirst():Array<String> {
		var out = [];
		var e = head.next;
		while (e != tail) {
			out.push(e.key);
			e = e.next;
		}
		return out;
	}

	public function keysLeastRecentFirst():Array<String> {
		var out = [];
		var e = tail.prev;
		while (e != head) {
			out.push(e.key);
			e = e.prev;
		}
		return out;
	}
}

class NaiveLru<V> {
	var keys:Array<String> = [];
	var vals:Array<V> = [];
	var capacity:Int;

	public function new(c)
		capacity = c;

	public function get(k:String):Null<V> {
		var i = keys.indexOf(k);
		if (i < 0)
			return null;
		var v = vals[i];
		keys.splice(i, 1);
		vals.splice(i, 1);
		keys.unshift(k);
		vals.unshift(v);
		return v;
	}

	public function put(k:String, v:V) {
		var i = keys.indexOf(k);
		if (i >= 0) {
			keys.splice(i, 1);
			vals.splice(i, 1);
		} else if (keys.length == capacity) {
			keys.pop();
			vals.pop();
		}
		keys.unshift(k);
		vals.unshift(v);
	}

	public function remove(k:String) {
		var i = keys.indexOf(k);
		if (i >= 0) {
			keys.splice(i, 1);
			vals.splice(i, 1);
		}
	}

	public function order()
		return keys.copy();
}

class Main {
	static function main() {
		Sys.println("== basic ==");
		var c = new LruCache<Int>(3);
		c.put("a", 1);
		c.put("b", 2);
		c.put("c", 3);
		Sys.println("order " + c.keysMostRecentFirst() + " get a=" + c.get("a") + " -> " + c.keysMostRecentFirst());
		c.put("d", 4);
		Sys.println("after d: " + c.keysMostRecentFirst() + " evicted " + c.evictions + " get b=" + c.get("b"));
		c.put("c", 30);
		Sys.println("update c: " + c.keysMostRecentFirst() + " c=" + c.get("c") + " reverse " + c.keysLeastRecentFirst());
		Sys.println("remove a " + c.remove("a") + " again " + c.remove("a") + " size " + c.size + " order " + c.keysMostRecentFirst());
		c.put("e", 5);
		c.put("f", 6);
		Sys.println("after e,f: " + c.keysMostRecentFirst() + " evictions " + c.evictions + " hits " + c.hits + " misses " + c.misses);

		Sys.println("== trace vs naive ==");
		for (cap in [1, 2, 5, 16, 64]) {
			var lru = new LruCache<String>(cap);
			var naive = new NaiveLru<String>(cap);
			var seed = cap * 7919;
			var mismatches = 0;
			var checksum = 0;
			for (step in 0...20000) {
				seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
				var r = seed >> 8;
				// skewed key distribution: small keys are hot
				var k = "k" + ((r % 7 == 0) ? (r >> 3) % 200 : (r >> 3) % 12);
				var op = (r >> 12) % 10;
				if (op < 6) {
					var a = lru.get(k);
					var b = naive.get(k);
					if (a != b)
						mismatches++;
					if (a != null)
						checksum = (checksum * 31 + a.length) | 0;
				} else if (op < 9) {
					var v = k + "#" + step;
					lru.put(k, v);
					naive.put(k, v);
				} else {
					lru.remove(k);
					naive.remove(k);
				}
				if (step % 5000 == 4999 && lru.keysMostRecentFirst().join(",") != naive.order().join(","))
					mismatches++;
			}
			var hitRate = Math.round(lru.hits * 1000 / (lru.hits + lru.misses)) / 10;
			Sys.println("cap " + cap + ": size=" + lru.size + " hits=" + lru.hits + " misses=" + lru.misses + " hit%=" + hitRate + " evictions="
				+ lru.evictions.length + " mismatches=" + mismatches + " checksum=" + checksum);
			Sys.println("   top " + lru.keysMostRecentFirst().slice(0, 6).join(",") + " last evicted " + lru.evictions.slice(-3).join(","));
		}

		Sys.println("== memoized computation ==");
		var memo = new LruCache<Float>(50);
		var computed = 0;
		function slowSqrt(n:Int):Float {
			var key = "" + n;
			var v = memo.get(key);
			if (v != null)
				return v;
			computed++;
			var x = n * 1.0;
			for (i in 0...30)
				x = 0.5 * (x + n / x);
			memo.put(key, x);
			return x;
		}
		var total = 0.0;
		for (i in 0...3000)
			total += slowSqrt(1 + (i * i) % 97);
		Sys.println("total " + total + " computed " + computed + " hits " + memo.hits);
		Sys.println("done");
	}
}
