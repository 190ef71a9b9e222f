import haxe.Exception;
import haxe.ValueException;

class IoError extends Exception {}

class NotFound extends IoError {
	public var path:String;

	public function new(path:String, ?previous:Exception) {
		super("not found: " + path, previous);
		this.path = path;
	}
}

class Denied extends IoError {
	public function new(what:String) {
		super("denied: " + what);
	}

	override public function toString():String {
		return "[Denied " + message + "]";
	}
}

class ParseError extends Exception {
	public var line:Int;
	public var col:Int;

	public function new(line:Int, col:Int, msg:String) {
		super(msg);
		this.line = line;
		this.col = col;
	}

	override function get_message():String {
		return "line " + line + ", col " + col + ": " + super.get_message();
	}
}

class Plain {
	public var code:Int;

	public function new(code:Int) {
		this.code = code;
	}

	public function toString() {
		return "Plain#" + code;
	}
}

enum Err {
	Timeout(ms:Int);
	Bad(reason:String);
}

class Main {
	static function fail(kind:Int):Void {
		switch (kind) {
			case 0:
				throw new IoError("generic io");
			case 1:
				throw new NotFound("/etc/missing");
			case 2:
				throw new Denied("root");
			case 3:
				throw new ParseError(3, 14, "unexpected token");
			case 4:
				throw new Plain(42);
			case 5:
				throw "a string";
			case 6:
				throw 123;
			case 7:
				throw 1.25;
			case 8:
				throw Timeout(500);
			case 9:
				throw new NotFound("inner", new Denied("inner-cause"));
			case 10:
				throw new ValueException("boxed value");
			case 11:
				var arr:Array<Int> = null;
				arr.push(1);
			case 12:
				throw @:privateAccess Exception.caught("wrapped string");
			case 13:
				throw false;
			case 14:
				throw [1, 2, 3];
			default:
				throw null;
		}
	}

	static function describe(e:Dynamic):String {
		var parts = [];
		parts.push("Exception=" + Std.isOfType(e, Exception));
		parts.push("IoError=" + Std.isOfType(e, IoError));
		parts.push("NotFound=" + Std.isOfType(e, NotFound));
		parts.push("String=" + Std.isOfType(e, String));
		parts.push("Int=" + Std.isOfType(e, Int));
		parts.push("Float=" + Std.isOfType(e, Float));
		parts.push("Plain=" + Std.isOfType(e, Plain));
		parts.push("Err=" + Std.isOfType(e, Err));
		return parts.join(" ");
	}

	static function main() {
		Sys.println("== catch by most specific type ==");
		for (k in 0...16) {
			var r = try {
				fail(k);
				"no throw";
			} catch (e:NotFound) {
				"NotFound(" + e.path + ") msg=" + e.message + " prev=" + (e.previous == null ? "none" : e.previous.message);
			} catch (e:Denied) {
				"Denied " + e.toString();
			} catch (e:IoError) {
				"IoError " + e.message;
			} catch (e:ParseError) {
				"ParseError " + e.message + " / " + e.line + ":" + e.col;
			} catch (e:Plain) {
				"Plain code=" + e.code;
			} catch (e:String) {
				"String " + e;
			} catch (e:Int) {
				"Int " + e;
			} catch (e:Err) {
				"Err " + Std.string(e);
			} catch (e:ValueException) {
				"ValueException value=" + Std.string(e.value) + " msg=" + e.message;
			} catch (e:Exception) {
				"Exception " + Type.getClassName(Type.getClass(e)) + " msg=" + e.message;
			} catch (e:Dynamic) {
				"Dynamic " + Std.string(e);
			}
			Sys.println(k + ": " + r);
		}

		Sys.println("== catch all as haxe.Exception ==");
		for (k in 0...16) {
			try {
				fail(k);
			} catch (e:Exception) {
				var unwrapped:Dynamic = @:privateAccess e.unwrap();
				var cls = Type.getClassName(Type.getClass(e));
				Sys.println(k + ": class=" + cls + " message=" + e.message + " unwrapped=" + Std.string(unwrapped) + " same=" + (unwrapped == e)
					+ " isValueEx=" + Std.isOfType(e, ValueException));
			}
		}

		Sys.println("== catch all as Dynamic ==");
		for (k in 0...16) {
			try {
				fail(k);
			} catch (e:Dynamic) {
				Sys.println(k + ": " + Std.string(e) + " | " + describe(e));
			}
		}

		Sys.println("== Exception.caught (wrap) ==");
		var vals:Array<Dynamic> = ["s", 7, new Plain(1), Bad("x"), new Denied("w")];
		for (v in vals) {
			var w = @:privateAccess Exception.caught(v);
			Sys.println("wrap(" + Std.string(v) + ") -> " + Type.getClassName(Type.getClass(w)) + " msg=" + w.message + " unwrap same=" + (@:privateAccess w.unwrap() == v)
				+ " w==v " + (w == v));
		}

		Sys.println("== previous chain ==");
		var chain:Exception = new Exception("root cause");
		for (i in 0...4)
			chain = new Exception("level " + i, chain);
		var c = chain;
		var names = [];
		while (c != null) {
			names.push(c.message);
			c = c.previous;
		}
		Sys.println(names.join(" <- "));
		try {
			try {
				fail(3);
			} catch (e:ParseError) {
				throw new NotFound("config.json", e);
			}
		} catch (e:NotFound) {
			Sys.println("outer " + e.message + " caused by " + e.previous.message + " (" + Std.isOfType(e.previous, ParseError) + ")");
		}

		Sys.println("== toString variants ==");
		Sys.println(Std.string(new IoError("io")));
		Sys.println(Std.string(new Denied("d")));
		Sys.println(Std.string(new ParseError(1, 2, "p")));
		Sys.println(new NotFound("nf").toString());
		Sys.println("" + new ValueException(99));
		Sys.println("" + new ValueException(null).value);

		Sys.println("== rethrow keeps identity ==");
		var original = new Denied("keep");
		try {
			try {
				throw original;
			} catch (e:Exception) {
				throw e;
			}
		} catch (e:Denied) {
			Sys.println("same object: " + (e == original));
		}
		try {
			try {
				throw "str";
			} catch (e:Exception) {
				Sys.println("caught string as Exception: " + e.message + " class=" + Type.getClassName(Type.getClass(e)));
				throw e;
			}
		} catch (e:String) {
			Sys.println("re-caught as String: " + e);
		} catch (e:Exception) {
			Sys.println("re-caught as Exception: " + e.message);
		}
		Sys.println("done");
	}
}
