class Main {
	static function findFirst(grid:Array<Array<Int>>, target:Int):String {
		for (y in 0...grid.length) {
			for (x in 0...grid[y].length) {
				if (grid[y][x] == target)
					return x + "," + y;
			}
		}
		return "none";
	}

	static function main() {
		// do-while
		var i = 0;
		var out = [];
		do {
			out.push(i);
			i += 3;
		} while (i < 10);
		Sys.println("do-while " + out);
		var once = 0;
		do {
			once++;
		} while (false);
		Sys.println("do-while once " + once);

		// while with break and continue
		var n = 0;
		var evens = [];
		while (true) {
			n++;
			if (n > 20)
				break;
			if (n % 2 == 1)
				continue;
			evens.push(n);
		}
		Sys.println("evens " + evens);

		// for ranges with variable bounds, empty and reversed ranges
		var lo = 5, hi = 9;
		Sys.println("range " + [for (k in lo...hi) k] + " empty " + [for (k in hi...lo) k] + " same " + [for (k in 3...3) k]);
		var count = 0;
		for (k in 0...0)
			count++;
		Sys.println("zero iterations " + count);
		// modifying bound variable inside loop does not change iteration count
		var limit = 5;
		var iters = 0;
		for (k in 0...limit) {
			limit = 100;
			iters++;
		}
		Sys.println("iters with changed limit " + iters + " limit now " + limit);

		// nested loops with early return
		var grid = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
		Sys.println("find 6 -> " + findFirst(grid, 6) + ", find 10 -> " + findFirst(grid, 10));

		// labeled-style break via flag
		var pairs = [];
		var done = false;
		for (a in 1...10) {
			if (done)
				break;
			for (b in a...10) {
				if (a * b > 20) {
					done = a >= 3;
					break;
				}
				if ((a + b) % 4 == 0)
					pairs.push(a + "+" + b);
			}
		}
		Sys.println("pairs " + pairs.join(" "));

		// loop over array while modifying it (iterating a copy)
		var items = [1, 2, 3, 4, 5, 6];
		for (x in items.copy())
			if (x % 2 == 0)
				items.remove(x);
		Sys.println("removed evens " + items);

		// iterating array that grows during loop (index-based)
		var q = [1];
		var idx = 0;
		while (idx < q.length && q.length < 20) {
			var v = q[idx++];
			q.push(v * 2);
			if (v % 3 == 0)
				q.push(v + 1);
		}
		Sys.println("queue growth " + q);

		// continue in for over array
		var words = ["alpha", "", "beta", "skip", "gamma"];
		var kept = [];
		for (w in words) {
			if (w == "")
				continue;
			if (w == "skip")
				continue;
			kept.push(w.toUpperCase());
		}
		Sys.println("kept " + kept);

		// loop variable captured after loop ends
		var last = -1;
		for (k in 0...7)
			last = k;
		Sys.println("last " + last);

		// while with complex condition and side effects
		var a = 0, b = 100, steps = 0;
		while (a < b && (steps++ < 1000)) {
			a += 7;
			b -= 3;
		}
		Sys.println("converge a=" + a + " b=" + b + " steps=" + steps);

		// short-circuit evaluation
		var calls = [];
		function t(name:String, v:Bool):Bool {
			calls.push(name);
			return v;
		}
		var r1 = t("a", false) && t("b", true);
		var r2 = t("c", true) || t("d", true);
		var r3 = t("e", true) && t("f", false) || t("g", true);
		var r4 = !t("h", false) && (t("i", false) || t("j", true));
		Sys.println("short circuit " + [r1, r2, r3, r4] + " calls " + calls.join(""));

		// evaluation order of operands and arguments
		var order = [];
		function v(x:Int):Int {
			order.push(x);
			return x;
		}
		var res = v(1) + v(2) * v(3) - v(4);
		function three(a:Int, b:Int, c:Int) return a * 100 + b * 10 + c;
		var res2 = three(v(5), v(6), v(7));
		var arr = [v(8), v(9)];
		Sys.println("eval order " + order + " res " + res + " res2 " + res2 + " arr " + arr);

		// increments in expressions
		var x = 5;
		var y = x++ + ++x;
		var z = x-- - --x;
		Sys.println("incdec x=" + x + " y=" + y + " z=" + z);
		var arrI = [0, 0, 0];
		var j = 0;
		arrI[j++] = j;
		arrI[j++] = j * 10;
		Sys.println("index side effects " + arrI + " j=" + j);

		// nested ternaries and assignment expressions
		var val = 0;
		var chained = (val = 5) + (val += 2);
		Sys.println("assignment expr " + chained + " val " + val);
		var m = 7;
		var desc = m < 0 ? "neg" : m == 0 ? "zero" : m < 5 ? "small" : m < 10 ? "medium" : "large";
		Sys.println("nested ternary " + desc);

		// numeric loops with floats
		var fsum = 0.0;
		var f = 0.0;
		while (f < 1.0) {
			fsum += f;
			f += 0.125;
		}
		Sys.println("float loop sum " + fsum);

		// large loop with accumulation
		var acc = 0;
		for (k in 0...1000000)
			acc = (acc + k * k) % 1000003;
		Sys.println("big loop acc " + acc);

		// key-value loops over maps and arrays
		var colors = ["red", "green", "blue"];
		for (i => c in colors)
			Sys.print(i + "=" + c + (i < colors.length - 1 ? " " : "\n"));

		// iterating string characters
		var vowels = 0;
		var s = "The quick brown fox jumps over the lazy dog";
		for (k in 0...s.length)
			switch (s.charAt(k).toLowerCase()) {
				case "a" | "e" | "i" | "o" | "u":
					vowels++;
				default:
			}
		Sys.println("vowels " + vowels);
		trace("loops done");
	}
}
