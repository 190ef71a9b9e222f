// Hot reload, version 2. The test replaces the running .hl with v2 (changed
// bodies), v3 (a changed class layout: refused) and v4 (which ends the loop).
class A {
	public function new() {}
	public function get():String {
		return "a";
	}
}

class B extends A {
	override public function get():String {
		return "b" + [1, 1].length;
	}
}

class Main {
	@:hlNative("std", "sys_check_reload") static function checkReload(alt:hl.Bytes):Bool {
		return false;
	}

	static function value():String {
		return "two";
	}

	static function main() {
		// Made before any reload: they must reach the new code after one.
		var f = value;
		var a:A = new B();
		var last = "";
		var deadline = haxe.Timer.stamp() + 60;
		while (haxe.Timer.stamp() < deadline) {
			var line = value() + " " + f() + " " + a.get();
			if (line != last) {
				Sys.println(line);
				last = line;
			}
			if (value() == "stop")
				break;
			if (checkReload(null))
				Sys.println("reloaded");
			Sys.sleep(0.005);
		}
	}
}
