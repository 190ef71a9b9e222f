// Natives from a user library (tests/beyond_hl.rs links ext.c with --lib),
// and one native nobody provides (built with --allow-missing-natives).
class Main {
	@:hlNative("myext", "add_twice") static function addTwice(a:Int, b:Int):Int {
		return 0;
	}

	@:hlNative("myext", "scale") static function scale(x:Float, k:Float):Float {
		return 0;
	}

	@:hlNative("nolib", "nothing") static function nothing():Int {
		return 0;
	}

	static function main() {
		trace(addTwice(20, 1));
		trace(scale(1.5, 3));
		try {
			nothing();
		} catch (e:Dynamic) {
			trace("caught: " + e);
		}
	}
}
