// N-queens (bitmask backtracking, counting and first solutions) and a
// sudoku solver with constraint propagation plus backtracking.
class Queens {
	public static function count(n:Int):Int {
		return solve(n, 0, 0, 0, 0);
	}

	static function solve(n:Int, row:Int, cols:Int, d1:Int, d2:Int):Int {
		if (row == n)
			return 1;
		var total = 0;
		var avail = ~(cols | d1 | d2) & ((1 << n) - 1);
		while (avail != 0) {
			var bit = avail & -avail;
			avail ^= bit;
			total += solve(n, row + 1, cols | bit, ((d1 | bit) << 1) & ((1 << n) - 1), (d2 | bit) >> 1);
		}
		return total;
	}

	public static function first(n:Int):Array<Int> {
		var pos = [for (i in 0...n) -1];
		function place(r:Int):Bool {
			if (r == n)
				return true;
			for (c in 0...n) {
				var ok = true;
				for (pr in 0...r) {
					var pc = pos[pr];
					if (pc == c || pc - c == pr - r || pc - c == r - pr) {
						ok = false;
						break;
					}
				}
				if (ok) {
					pos[r] = c;
					if (place(r + 1))
						return true;
					pos[r] = -1;
				}
			}
			return false;
		}
		return place(0) ? pos : null;
	}
}

class Sudoku {
	var cells:Array<Int>; // 0 = empty
	public var guesses = 0;
	public var propagations = 0;

	public function new(s:String) {
		cells = [];
		for (i in 0...81) {
			var c = s.charAt(i);
			cells.push(c == "." || c == "0" ? 0 : Std.parseInt(c));
		}
	}

	inline function candidates(i:Int):Int {
		var r = Std.int(i / 9), c = i % 9;
		var used = 0;
		for (k in 0...9) {
			used |= 1 << cells[r * 9 + k];
			used |= 1 << cells[k * 9 + c];
		}
		var br = r - r % 3, bc = c - c % 3;
		for (dr in 0...3)
			for (dc in 0...3)
				used |= 1 << cells[(br + dr) * 9 + bc + dc];
		return ~used & 0x3FE;
	}

	static function popcount(x:Int):Int {
		var n = 0;
		while (x != 0) {
			x &= x - 1;
			n++;
		}
		return n;
	}

	public function solve():Bool {
		// propagate naked singles
		var trail = [];
		var changed = true;
		while (changed) {
			changed = false;
			for (i in 0...81) {
				if (cells[i] != 0)
					continue;
				var cand = candidates(i);
				if (cand == 0) {
					for (t in trail)
						cells[t] = 0;
					return false;
				}
				if (cand & (cand - 1) == 0) {
					var v = 0;
					while ((1 << v) != cand)
						v++;
					cells[i] = v;
					trail.push(i);
					propagations++;
					changed = true;
				}
			}
		}
		// choose the most constrained cell
		var best = -1, bestCount = 10, bestCand = 0;
		for (i in 0...81) {
			if (cells[i] != 0)
				continue;
			var cand = candidates(i);
			var n = popcount(cand);
			if (n < bestCount) {
				best = i;
				bestCount = n;
				bestCand = cand;
			}
		}
		if (best < 0)
			return true;
		for (v in 1...10) {
			if (bestCand & (1 << v) == 0)
				continue;
			guesses++;
			cells[best] = v;
			if (solve())
				return true;
		}
		cells[best] = 0;
		for (t in trail)
			cells[t] = 0;
		return false;
	}

	public function valid():Bool {
		for (i in 0...81) {
			var v = cells[i];
			if (v == 0)
				return false;
			cells[i] = 0;
			var ok = candidates(i) & (1 << v) != 0;
			cells[i] = v;
			if (!ok)
				return false;
		}
		return true;
	}

	public function toString():String {
		var rows = [];
		for (r in 0...9) {
			var row = "";
			for (c in 0...9) {
				row += cells[r * 9 + c] == 0 ? "." : "" + cells[r * 9 + c];
				if (c == 2 || c == 5)
					row += "|";
			}
			rows.push(row);
			if (r == 2 || r == 5)
				rows.push("---+---+---");
		}
		return rows.join("\n");
	}
}

class Main {
	static function main() {
		Sys.println("== n-queens counts ==");
		for (n in 1...11)
			Sys.println("queens(" + n + ") = " + Queens.count(n));
		Sys.println("== first solutions ==");
		for (n in [1, 2, 3, 4, 5, 8, 12]) {
			var s = Queens.first(n);
			if (s == null) {
				Sys.println(n + ": none");
				continue;
			}
			Sys.println(n + ": " + s);
			if (n == 8)
				for (r in 0...n)
					Sys.println("   " + [for (c in 0...n) s[r] == c ? "Q" : "."].join(" "));
		}
		Sys.println("== sudoku ==");
		var puzzles = [
			"53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
			"..9748...7.........2.1.9.....7...24..64.1.59..98...3.....8.3.2.........6...2759..",
			"8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..",
			"1...7.9.4...8...........3.7.2....8.9..3.5.2..6.8....1.9.6...........2...4.5.6...3",
			"11.......................................................................1......."
		];
		for (p in puzzles) {
			var s = new Sudoku(p);
			var ok = s.solve();
			Sys.println("solved=" + ok + " valid=" + (ok && s.valid()) + " guesses=" + s.guesses + " propagations=" + s.propagations);
			if (ok)
				Sys.println(s.toString());
		}
		Sys.println("done");
	}
}
