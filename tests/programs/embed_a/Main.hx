// Embedding test program A (tests/embed.rs): a plain program whose static
// functions a C host calls through hlc_embed.h.
class Main {
	static var base = 0;
	static var calls = 0;

	static function main() {
		base = 100;
		Sys.println("A: main, args " + Sys.args().join(","));
	}

	@:keep static function add(a:Int, b:Int):Int {
		calls++;
		return a + b + base;
	}

	@:keep static function greet(n:Int):String {
		calls++;
		return "hello " + n + " #" + calls;
	}

	@:keep static function half(x:Float):Float {
		return x / 2;
	}

	@:keep static function fail(code:Int):Int {
		throw "A failed: " + code;
	}

	@:keep static function nothing():Void {
		calls++;
	}

	@:keep static function callCount():Int {
		return calls;
	}

	@:keep static function exitNow(code:Int):Int {
		Sys.exit(code);
		return -1;
	}
}
