import haxe.Exception;

class MyError {
	public var code:Int;
	public var msg:String;

	public function new(code:Int, msg:String) {
		this.code = code;
		this.msg = msg;
	}

	public function toString():String {
		return "MyError(" + code + ": " + msg + ")";
	}
}

class SubError extends MyError {
	public function new(msg:String) {
		super(500, msg);
	}
}

class AppException extends Exception {
	public var detail:Int;

	public function new(message:String, detail:Int, ?previous:Exception) {
		super(message, previous);
		this.detail = detail;
	}
}

class ValidationException extends AppException {
	public function new(field:String) {
		super("invalid field " + field, 42);
	}
}

class Resource {
	public static var log:Array<String> = [];

	public var name:String;

	public function new(name:String) {
		this.name = name;
		log.push("open " + name);
	}

	public function close() {
		log.push("close " + name);
	}
}

class Main {
	static var depthReached = 0;

	static function thrower(kind:Int):Void {
		switch (kind) {
			case 0:
				throw "a string";
			case 1:
				throw 123;
			case 2:
				throw new MyError(7, "custom");
			case 3:
				throw new SubError("sub");
			case 4:
				throw new AppException("app failure", 9);
			case 5:
				throw new ValidationException("email");
			case 6:
				throw new Exception("plain exception");
			case 7:
				throw 2.5;
			case 8:
				throw [1, 2, 3];
			case 9:
				throw {field: "anon"};
			case 10:
				throw true;
			default:
		}
	}

	static function classify(kind:Int):String {
		try {
			thrower(kind);
			return "no throw";
		} catch (e:ValidationException) {
			return "ValidationException: " + e.message + " detail=" + e.detail;
		} catch (e:AppException) {
			return "AppException: " + e.message + " detail=" + e.detail;
		} catch (e:SubError) {
			return "SubError: " + e.msg + " code=" + e.code;
		} catch (e:MyError) {
			return "MyError: " + e;
		} catch (s:String) {
			return "String: " + s;
		} catch (i:Int) {
			return "Int: " + i;
		} catch (f:Float) {
			return "Float: " + f;
		} catch (b:Bool) {
			return "Bool: " + b;
		} catch (e:Exception) {
			return "Exception: " + e.message;
		} catch (e:Dynamic) {
			return "Dynamic: " + Std.string(e);
		}
	}

	static function recurseAndThrow(n:Int):Int {
		depthReached = n;
		if (n == 0)
			throw new MyError(n, "bottom reached");
		return recurseAndThrow(n - 1) + 1;
	}

	static function level3(x:Int):Int {
		if (x > 2)
			throw "level3 failed with " + x;
		return x * 3;
	}

	static function level2(x:Int):Int {
		try {
			return level3(x) + 1;
		} catch (e:Int) {
			return -1; // never: wrong type
		}
	}

	static function level1(x:Int):String {
		try {
			return "ok " + level2(x);
		} catch (e:String) {
			return "caught at level1: " + e;
		}
	}

	static function rethrower(kind:Int):String {
		try {
			try {
				thrower(kind);
			} catch (e:MyError) {
				Resource.log.push("inner saw " + e.code);
				throw e;
			}
		} catch (e:MyError) {
			return "outer got rethrown " + e;
		} catch (e:Dynamic) {
			return "outer got other " + e;
		}
		return "nothing";
	}

	static function withResource(fail:Bool):String {
		var r = new Resource(fail ? "failing" : "fine");
		try {
			if (fail)
				throw "resource error";
			r.close();
			return "used " + r.name;
		} catch (e:String) {
			r.close();
			return "recovered: " + e;
		}
	}

	static function wrapException():Void {
		try {
			throw new AppException("root cause", 1);
		} catch (e:AppException) {
			throw new AppException("wrapped", 2, e);
		}
	}

	static function main() {
		for (k in 0...12)
			Sys.println(k + " -> " + classify(k));

		// catch generic Exception wrapping non-exception values
		for (k in [0, 1, 2, 6, 8]) {
			try {
				thrower(k);
			} catch (e:Exception) {
				Sys.println("as Exception: message=" + e.message + " string=" + Std.string(e) + " isNative=" + Std.isOfType(e, Exception));
			}
		}

		// deep stack
		try {
			recurseAndThrow(50);
		} catch (e:MyError) {
			Sys.println("deep: " + e + " depthReached=" + depthReached);
		}

		// across frames
		for (x in 0...5)
			Sys.println(level1(x));

		// rethrow
		Sys.println(rethrower(2));
		Sys.println(rethrower(3));
		Sys.println(rethrower(0));
		Sys.println(rethrower(99));

		// resources
		Sys.println(withResource(false));
		Sys.println(withResource(true));
		Sys.println("resource log: " + Resource.log.join(", "));

		// previous exception chain
		try {
			wrapException();
		} catch (e:AppException) {
			Sys.println("wrapped: " + e.message + " detail=" + e.detail);
			var p = e.previous;
			Sys.println("previous: " + (p == null ? "none" : p.message));
			if (p != null) {
				var pa = cast(p, AppException);
				Sys.println("previous detail: " + pa.detail);
			}
		}

		// exceptions thrown from closures
		var actions:Array<Void->Int> = [
			() -> 1,
			() -> throw "closure string",
			() -> throw new MyError(3, "from closure"),
			() -> {
				var arr = [1, 2, 3];
				arr.map(x -> if (x == 2) throw new ValidationException("x" + x) else x);
				return 99;
			},
			() -> 4
		];
		var i = 0;
		for (a in actions) {
			try {
				Sys.println("action " + i + " returned " + a());
			} catch (e:ValidationException) {
				Sys.println("action " + i + " validation: " + e.message);
			} catch (e:MyError) {
				Sys.println("action " + i + " myerror: " + e.toString());
			} catch (e:Dynamic) {
				Sys.println("action " + i + " dynamic: " + e);
			}
			i++;
		}

		// exception in callback of array method
		try {
			[3, 2, 1].sort((a, b) -> throw "sort abort");
		} catch (e:String) {
			Sys.println("sort aborted: " + e);
		}

		// try/catch as expression
		var val = try Std.parseInt("12") catch (e:Dynamic) -1;
		Sys.println("try expr: " + val);
		var val2:Int = try {
			throw "x";
		} catch (e:String) {
			e.length * 100;
		}
		Sys.println("try expr caught: " + val2);

		// loops with break/continue inside try
		var collected = [];
		for (n in 0...10) {
			try {
				if (n % 3 == 0)
					throw n;
				if (n == 8)
					break;
				collected.push(n);
			} catch (e:Int) {
				collected.push(-e);
				continue;
			}
		}
		Sys.println("collected: " + collected);

		// nested try in loop with catch rethrowing different type
		var results = [];
		for (n in 0...4) {
			try {
				try {
					if (n == 1)
						throw "one";
					if (n == 2)
						throw 2;
					results.push("fine" + n);
				} catch (e:String) {
					throw new MyError(n, e);
				}
			} catch (e:MyError) {
				results.push("converted " + e.msg);
			} catch (e:Int) {
				results.push("int " + e);
			}
		}
		Sys.println("results: " + results.join(" | "));

		// catch(e:Dynamic) then inspect
		var thrown:Array<Dynamic> = ["s", 1, 1.5, new MyError(1, "m"), null];
		for (t in thrown) {
			try {
				throw t;
			} catch (e:Dynamic) {
				var kind = if (e == null) "null" else if (Std.isOfType(e, String)) "String" else if (Std.isOfType(e, Int)) "Int" else if (Std.isOfType(e, Float)) "Float" else if (Std.isOfType(e, MyError)) "MyError" else "other";
				Sys.println("dynamic caught " + Std.string(e) + " kind=" + kind);
			}
		}

		// Exception.wrap / unwrap behaviour via haxe.Exception catch of String
		try {
			throw "raw";
		} catch (e:Exception) {
			Sys.println("wrapped raw: message=" + e.message);
			try {
				throw e;
			} catch (s:String) {
				Sys.println("rethrown exception caught as String: " + s);
			} catch (e2:Exception) {
				Sys.println("rethrown exception caught as Exception: " + e2.message);
			}
		}

		// null access exception
		try {
			var o:MyError = null;
			Sys.println(o.code);
		} catch (e:Dynamic) {
			Sys.println("null access caught: " + Std.string(e));
		}

		// array index exception-free behaviour, division by zero (no exception for floats)
		var z = 0;
		Sys.println("int div by zero as float: " + (1 / z));

		// finally-like pattern
		var steps = [];
		function guarded(fail:Bool) {
			steps.push("start");
			var ok = false;
			try {
				if (fail)
					throw "fail";
				ok = true;
			} catch (e:Dynamic) {
				steps.push("caught");
			}
			steps.push("cleanup ok=" + ok);
		}
		guarded(false);
		guarded(true);
		Sys.println("steps: " + steps.join(", "));
		trace("exceptions done");
	}
}
