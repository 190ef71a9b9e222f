// The host: loads plugin.hl (its path is the first argument) into itself.
class Main {
	@:hlNative("std", "sys_load_plugin") static function loadPlugin(path:hl.Bytes):Bool {
		return false;
	}

	public static var log:Array<String> = [];

	static function main() {
		var api = new Api("host");
		Sys.println(api.greet("main"));
		Sys.println("missing plugin loaded: " + loadPlugin(@:privateAccess "no-such-plugin.hl".bytes));
		Sys.println("plugin loaded: " + loadPlugin(@:privateAccess Sys.args()[0].bytes));
		Sys.println("Api.calls = " + Api.calls);
	}
}
