// Unbounded recursion: hlc throws a catchable "Stack overflow" error
// (the reference VM crashes with SIGSEGV here). Checked by tests/beyond_hl.rs.
class Main {
	static function depth(n:Int):Int {
		return n == 0 ? 0 : 1 + depth(n - 1);
	}

	static function forever(a:Array<Int>):Int {
		a.push(a.length);
		return forever(a) + 1;
	}

	static function main() {
		trace(depth(10000));
		for (round in 0...3) {
			try {
				trace(forever([]));
			} catch (e:Dynamic) {
				trace('round $round caught: $e');
			}
		}
		trace(depth(20000));
	}
}
