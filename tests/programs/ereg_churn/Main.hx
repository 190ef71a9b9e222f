// 200,000 EReg objects, each used for one match, over 1,000 distinct
// patterns (so every match runs in PCRE2's interpreter, none long enough to
// be JIT-compiled). Whatever memory an EReg holds outside the GC heap stays
// held until the collector finalizes it.
class Main {
	static function main() {
		var found = 0, groups = 0;
		for (i in 0...200000) {
			var k = i % 1000;
			var r = new EReg("(a+)(" + k + ")?b", "");
			var s = "xx" + (i % 3 == 0 ? "aaa" + k + "b" : "aab");
			if (r.match(s)) {
				found++;
				groups += r.matched(1).length;
				if (r.matched(2) != null) groups += 100;
			}
		}
		Sys.println('found $found, groups $groups');
	}
}
