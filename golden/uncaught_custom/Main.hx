class ConfigError extends haxe.Exception {
	public var key:String;

	public function new(key:String, msg:String) {
		super("config error for '" + key + "': " + msg);
		this.key = key;
	}
}

class Loader {
	var values:Map<String, String>;

	public function new() {
		values = ["port" => "8080", "host" => "localhost", "retries" => "three"];
	}

	public function getInt(key:String):Int {
		return parse(key, values.get(key));
	}

	function parse(key:String, raw:String):Int {
		var v = Std.parseInt(raw);
		if (v == null)
			throw new ConfigError(key, "not an integer: " + raw);
		return v;
	}
}

class Main {
	static function main() {
		var l = new Loader();
		Sys.println("port = " + l.getInt("port"));
		try {
			l.getInt("host");
		} catch (e:ConfigError) {
			Sys.println("handled: " + e.message + " (key " + e.key + ")");
		}
		Sys.println("now failing for real");
		Sys.println("retries = " + l.getInt("retries"));
		Sys.println("not reached");
	}
}
