// EReg over PCRE2: options, groups, positions, matchSub, replace, split, map,
// Unicode subjects (BMP and surrogate pairs), literals evaluated in loops,
// many distinct patterns, one EReg over several subjects, compile errors.
class Main {
	static function show(r:EReg, s:String) {
		if (!r.match(s)) {
			Sys.println('  no match in "$s"');
			return;
		}
		var p = r.matchedPos();
		var groups = [];
		var i = 0;
		while (true) {
			try {
				groups.push(r.matched(i));
			} catch (e:Dynamic) {
				break;
			}
			i++;
		}
		Sys.println('  "$s": pos ${p.pos} len ${p.len} groups $groups left "${r.matchedLeft()}" right "${r.matchedRight()}"');
	}

	static function main() {
		Sys.println("options");
		show(~/hello/i, "Say HELLO there");
		show(~/a.c/, "a\nc");
		show(~/a.c/s, "a\nc");
		show(~/^b$/, "a\nb\nc");
		show(~/^b$/m, "a\nb\nc");
		show(~/a+/, "caaat");
		show(~/a+/g, "caaat");
		show(~/é+/u, "caféé!");
		show(~/(x)?(y)/, "zy");

		Sys.println("unicode");
		var u = "naïve 😀 café 😀😀 end";
		show(~/😀+/, u);
		show(~/\w+$/, u);
		show(~/./, "😀x");
		show(~/[^a-z ]+/, u);
		var replaced = ~/😀/g.replace(u, "<smile>");
		var parts = ~/\s+/g.split(u);
		Sys.println('  length ${u.length}, replace: $replaced');
		Sys.println('  split: $parts');

		Sys.println("matchSub");
		var w = ~/\d+/;
		var s = "a1b22c333d4444";
		var pos = 0;
		var found = [];
		while (w.matchSub(s, pos)) {
			var p = w.matchedPos();
			found.push(w.matched(0) + "@" + p.pos);
			pos = p.pos + p.len;
		}
		Sys.println('  $found');
		Sys.println('  bounded: ${w.matchSub(s, 2, 2)} ${w.matched(0)} ${w.matchSub(s, 5, 1)}');

		Sys.println("replace, split, map");
		Sys.println('  ' + ~/(\w+)@(\w+)/g.replace("joe@home, ann@work", "$2:$1"));
		Sys.println('  ' + ~/[aeiou]/g.replace("education", "$$"));
		Sys.println('  ' + ~/,\s*/g.split("a, b,c,,  d"));
		Sys.println('  ' + ~/,/.split("a,b,c"));
		Sys.println('  ' + ~/\d+/g.map("x1y22z333", e -> "[" + (Std.parseInt(e.matched(0)) * 2) + "]"));
		Sys.println('  ' + ~/b*/g.replace("abc", "-"));
		Sys.println('  escape: ' + EReg.escape("a.b*c?") + " " + new EReg(EReg.escape("1+1=2"), "").match("is 1+1=2?"));

		Sys.println("literals in loops");
		var subjects = ["alpha beta", "gamma delta", "beta gamma", "epsilon"];
		var hits = 0, posSum = 0;
		for (i in 0...2000) {
			var sub = subjects[i % subjects.length];
			if (~/beta|delta/.match(sub)) {
				hits++;
				posSum += ~/beta|delta/.match(sub) ? 0 : 1;
			}
			var r = ~/(a)(l|m)/;
			if (r.match(sub))
				posSum += r.matchedPos().pos + r.matched(2).length;
		}
		Sys.println('  hits $hits, positions $posSum');

		Sys.println("one EReg, alternating subjects");
		var r = ~/o+/;
		var a = StringTools.lpad("", "x", 5000) + "ooo" + "y";
		var b = "o" + StringTools.lpad("", "z", 3000);
		var acc = [];
		for (i in 0...6) {
			var sub = i % 2 == 0 ? a : b;
			r.match(sub);
			acc.push(r.matchedPos().pos + "/" + r.matchedPos().len + "/" + r.matchedRight().length);
		}
		Sys.println('  $acc');

		Sys.println("many distinct patterns");
		var total = 0;
		for (round in 0...2)
			for (i in 0...400) {
				var e = new EReg("k" + i + "(\\d)", round == 0 ? "" : "i");
				if (e.match("xx K" + i + "7 k" + i + "5"))
					total += Std.parseInt(e.matched(1)) + e.matchedPos().pos;
			}
		Sys.println('  $total');

		Sys.println("errors");
		for (p in ["(", "a{2,1}", "[z-a]", "(?<n>a)(?<n>b)"]) {
			try {
				new EReg(p, "");
				Sys.println('  "$p" compiled');
			} catch (e:Dynamic) {
				Sys.println('  "$p": $e');
			}
		}
		try {
			var e = ~/a/;
			e.matched(0);
		} catch (e:Dynamic) {
			Sys.println('  unmatched: $e');
		}
		try {
			var e = ~/(a)/;
			e.match("a");
			e.matched(5);
		} catch (e:Dynamic) {
			Sys.println('  bounds: $e');
		}
	}
}
