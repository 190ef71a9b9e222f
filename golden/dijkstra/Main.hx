// Binary-heap priority queue, Dijkstra over a generated weighted graph,
// path reconstruction, and a comparison against Bellman-Ford.
class Edge {
	public var to:Int;
	public var w:Int;

	public function new(to, w) {
		this.to = to;
		this.w = w;
	}
}

class MinHeap<T> {
	var keys:Array<Float> = [];
	var vals:Array<T> = [];

	public var length(get, never):Int;

	public function new() {}

	function get_length()
		return keys.length;

	public function push(k:Float, v:T) {
		keys.push(k);
		vals.push(v);
		var i = keys.length - 1;
		while (i > 0) {
			var p = (i - 1) >> 1;
			if (keys[p] <= keys[i])
				break;
			swap(i, p);
			i = p;
		}
	}

	inline function swap(a:Int, b:Int) {
		var tk = keys[a];
		keys[a] = keys[b];
		keys[b] = tk;
		var tv = vals[a];
		vals[a] = vals[b];
		vals[b] = tv;
	}

	public function peekKey():Float
		return keys[0];

	public function pop():T {
		var top = vals[0];
		var lastK = keys.pop();
		var lastV = vals.pop();
		if (keys.length > 0) {
			keys[0] = lastK;
			vals[0] = lastV;
			var i = 0;
			var n = keys.length;
			while (true) {
				var l = i * 2 + 1, r = l + 1, m = i;
				if (l < n && keys[l] < keys[m])
					m = l;
				if (r < n && keys[r] < keys[m])
					m = r;
				if (m == i)
					break;
				swap(i, m);
				i = m;
			}
		}
		return top;
	}
}

class Main {
	static var seed = 42;

	static function rnd(n:Int):Int {
		seed = (seed * 1664525 + 1013904223) | 0;
		return ((seed >>> 8) % n);
	}

	static function makeGraph(n:Int, extra:Int):Array<Array<Edge>> {
		var g = [for (i in 0...n) []];
		// a random spanning chain keeps it connected
		for (i in 1...n) {
			var j = rnd(i);
			var w = 1 + rnd(100);
			g[i].push(new Edge(j, w));
			g[j].push(new Edge(i, w));
		}
		for (k in 0...extra) {
			var a = rnd(n), b = rnd(n);
			if (a != b)
				g[a].push(new Edge(b, 1 + rnd(1000)));
		}
		return g;
	}

	static function dijkstra(g:Array<Array<Edge>>, src:Int):{dist:Array<Int>, prev:Array<Int>, pops:Int} {
		var n = g.length;
		var dist = [for (i in 0...n) 0x3FFFFFFF];
		var prev = [for (i in 0...n) -1];
		var done = [for (i in 0...n) false];
		dist[src] = 0;
		var h = new MinHeap<Int>();
		h.push(0, src);
		var pops = 0;
		while (h.length > 0) {
			var d = Std.int(h.peekKey());
			var u = h.pop();
			pops++;
			if (done[u])
				continue;
			done[u] = true;
			for (e in g[u]) {
				var nd = d + e.w;
				if (nd < dist[e.to]) {
					dist[e.to] = nd;
					prev[e.to] = u;
					h.push(nd, e.to);
				}
			}
		}
		return {dist: dist, prev: prev, pops: pops};
	}

	static function bellmanFord(g:Array<Array<Edge>>, src:Int):Array<Int> {
		var n = g.length;
		var dist = [for (i in 0...n) 0x3FFFFFFF];
		dist[src] = 0;
		for (round in 0...n) {
			var changed = false;
			for (u in 0...n) {
				if (dist[u] == 0x3FFFFFFF)
					continue;
				for (e in g[u])
					if (dist[u] + e.w < dist[e.to]) {
						dist[e.to] = dist[u] + e.w;
						changed = true;
					}
			}
			if (!changed)
				break;
		}
		return dist;
	}

	static function path(prev:Array<Int>, t:Int):Array<Int> {
		var p = [];
		var cur = t;
		while (cur != -1) {
			p.unshift(cur);
			cur = prev[cur];
		}
		return p;
	}

	static function main() {
		Sys.println("== heap sort check ==");
		var h = new MinHeap<String>();
		var ks = [5.5, 1.25, 9.0, -3.0, 1.25, 0.0, 7.75, -3.0, 2.5];
		for (i in 0...ks.length)
			h.push(ks[i], "v" + i + "@" + ks[i]);
		var order = [];
		while (h.length > 0)
			order.push(h.pop());
		Sys.println(order.join(" "));

		Sys.println("== small graph ==");
		var small:Array<Array<Edge>> = [for (i in 0...6) []];
		function add(a, b, w) {
			small[a].push(new Edge(b, w));
			small[b].push(new Edge(a, w));
		}
		add(0, 1, 7);
		add(0, 2, 9);
		add(0, 5, 14);
		add(1, 2, 10);
		add(1, 3, 15);
		add(2, 3, 11);
		add(2, 5, 2);
		add(3, 4, 6);
		add(4, 5, 9);
		var r = dijkstra(small, 0);
		for (t in 0...6)
			Sys.println("0 -> " + t + ": dist " + r.dist[t] + " path " + path(r.prev, t).join("-"));

		Sys.println("== generated graphs ==");
		for (cfg in [[50, 100], [500, 2000], [3000, 15000]]) {
			var g = makeGraph(cfg[0], cfg[1]);
			var edges = 0;
			for (l in g)
				edges += l.length;
			var res = dijkstra(g, 0);
			var bf = bellmanFord(g, 0);
			var same = true;
			for (i in 0...g.length)
				if (bf[i] != res.dist[i])
					same = false;
			var maxD = 0, far = 0, sum = 0.0;
			for (i in 0...g.length) {
				sum += res.dist[i];
				if (res.dist[i] > maxD) {
					maxD = res.dist[i];
					far = i;
				}
			}
			var p = path(res.prev, far);
			Sys.println("n=" + g.length + " edges=" + edges + " pops=" + res.pops + " matches bellman-ford=" + same + " farthest=" + far + " dist=" + maxD
				+ " sum=" + sum + " hops=" + (p.length - 1));
			Sys.println("   path head " + p.slice(0, 8).join(">") + (p.length > 8 ? ">..." : ""));
		}

		Sys.println("== grid shortest paths ==");
		var W = 30, H = 12;
		var grid = [];
		for (y in 0...H) {
			var row = "";
			for (x in 0...W)
				row += (rnd(100) < 17 && !(x == 0 && y == 0) && !(x == W - 1 && y == H - 1)) ? "#" : ".";
			grid.push(row);
		}
		var gg:Array<Array<Edge>> = [for (i in 0...W * H) []];
		for (y in 0...H)
			for (x in 0...W) {
				if (grid[y].charAt(x) == "#")
					continue;
				for (d in [[1, 0], [0, 1]]) {
					var nx = x + d[0], ny = y + d[1];
					if (nx < W && ny < H && grid[ny].charAt(nx) != "#") {
						var w = 1 + ((x * 7 + y * 13) % 3);
						gg[y * W + x].push(new Edge(ny * W + nx, w));
						gg[ny * W + nx].push(new Edge(y * W + x, w));
					}
				}
			}
		var gr = dijkstra(gg, 0);
		var target = W * H - 1;
		if (gr.dist[target] >= 0x3FFFFFFF) {
			Sys.println("unreachable");
		} else {
			var onPath = new Map<Int, Bool>();
			for (c in path(gr.prev, target))
				onPath.set(c, true);
			for (y in 0...H)
				Sys.println([for (x in 0...W) onPath.exists(y * W + x) ? "*" : grid[y].charAt(x)].join(""));
			Sys.println("grid distance " + gr.dist[target]);
		}
		Sys.println("done");
	}
}
