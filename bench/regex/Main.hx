// Regular expressions of several shapes, with EReg literals created in loops
// (Haxe makes a new EReg each time a literal is evaluated) over short and long
// subjects. Prints one checksum per shape; each shape's time goes to stderr.
class Main {
	static var t0 = 0.0;

	static function start()
		t0 = haxe.Timer.stamp();

	static function done(name:String, check:Int) {
		Sys.stderr().writeString('$name: ${Math.round((haxe.Timer.stamp() - t0) * 1000)} ms\n');
		Sys.println('$name $check');
	}

	static function text(n:Int, seed:Int):String {
		var words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "été", "naïve", "123", "4567"];
		var b = new StringBuf();
		var x = seed;
		while (b.length < n) {
			x = (x * 1103515245 + 12345) & 0x7FFFFFFF;
			b.add(words[x % words.length]);
			b.add((x >> 8) % 7 == 0 ? ", " : " ");
		}
		return b.toString().substr(0, n);
	}

	static function main() {
		var short = text(1000, 1);
		var long1 = text(100000, 2);
		var long2 = text(100000, 3);

		// A new EReg literal per match, no match in the subject (a full scan).
		start();
		var n = 0;
		for (i in 0...20000)
			if (~/x/.match(short)) n++;
		for (i in 0...1000)
			if (~/x/.match(long1)) n++;
		done("literal_scan", n);

		// A new EReg literal per match that finds something early.
		start();
		n = 0;
		for (i in 0...20000)
			if (~/g(am)+ma/.match(i % 2 == 0 ? short : long1)) n += ~/g(am)+ma/.match(long2) ? 1 : 0;
		done("literal_early", n);

		// One EReg alternating between two long subjects.
		start();
		var r = ~/(\d+), /;
		n = 0;
		for (i in 0...20000)
			if (r.match(i % 2 == 0 ? long1 : long2)) n += r.matchedPos().pos;
		done("alternating_subjects", n);

		// Walking every match of a long subject with matchSub.
		start();
		n = 0;
		for (k in 0...5) {
			var w = ~/[a-zé]+/i;
			var pos = 0;
			while (w.matchSub(long1, pos)) {
				var p = w.matchedPos();
				n += p.len;
				pos = p.pos + p.len;
			}
		}
		done("matchsub_walk", n);

		// Global replace and split over medium subjects.
		start();
		n = 0;
		for (i in 0...200) {
			var s = text(5000, i);
			n += ~/[aeiou]+/g.replace(s, "_").length;
			n += ~/\s*,\s*/g.split(s).length;
			n += ~/(\w+) (\w+)/g.map(s.substr(0, 500), e -> e.matched(2) + e.matched(1)).length;
		}
		done("replace_split_map", n);

		// Groups on many short strings, case-insensitive.
		start();
		n = 0;
		for (i in 0...100000) {
			var s = "Item-" + i + " costs " + (i * 7 % 1000) + "EUR";
			var e = ~/item-(\d+) costs (\d+)(eur|usd)/i;
			if (e.match(s))
				n += Std.parseInt(e.matched(1)) % 10 + Std.parseInt(e.matched(2)) % 10;
		}
		done("groups_short", n);

		// Backtracking.
		start();
		n = 0;
		var bt = ~/^(a|b|ab)*c$/;
		for (i in 0...2000) {
			var s = StringTools.lpad("", "ab", 40 + i % 20) + (i % 3 == 0 ? "c" : "d");
			if (bt.match(s)) n++;
		}
		done("backtracking", n);
	}
}
