class Foo {
	public var x:Int;
	public var name:String;
	public var child:Foo;
	public var f:Float;

	public function new(x:Int) {
		this.x = x;
		name = "foo" + x;
		f = x / 2;
	}

	public function hello():String {
		return "hello from " + name;
	}

	public function getChild():Foo {
		return child;
	}
}

class Main {
	static function attempt(label:String, f:Void->Dynamic) {
		try {
			var r = f();
			Sys.println(label + ": ok " + Std.string(r));
		} catch (e:haxe.Exception) {
			Sys.println(label + ": Exception " + e.message);
		} catch (e:Dynamic) {
			Sys.println(label + ": Dynamic " + Std.string(e));
		}
	}

	static function nullFoo():Foo {
		return null;
	}

	static function main() {
		var o:Foo = nullFoo();
		var ok = new Foo(3);
		attempt("field read int", () -> o.x);
		attempt("field read string", () -> o.name);
		attempt("field read float", () -> o.f);
		attempt("field write", () -> {
			o.x = 5;
			"written";
		});
		attempt("method call", () -> o.hello());
		attempt("chained null child", () -> ok.child.x);
		attempt("chained via method", () -> ok.getChild().hello());
		attempt("deep chain ok", () -> {
			ok.child = new Foo(4);
			ok.child.child = new Foo(5);
			ok.child.child.hello();
		});
		attempt("deep chain null", () -> ok.child.child.child.name);
		var arr:Array<Int> = null;
		attempt("null array read", () -> arr[0]);
		attempt("null array write", () -> {
			arr[0] = 1;
			"written";
		});
		attempt("null array length", () -> arr.length);
		attempt("null array push", () -> arr.push(1));
		var sarr:Array<String> = null;
		attempt("null string array read", () -> sarr[2]);
		var s:String = null;
		attempt("null string length", () -> s.length);
		attempt("null string charAt", () -> s.charAt(0));
		attempt("null string concat", () -> "a" + s + "b");
		var m:Map<String, Int> = null;
		attempt("null map get", () -> m.get("k"));
		var fn:Int->Int = null;
		attempt("null function call", () -> fn(1));
		var d:Dynamic = null;
		attempt("null dynamic field", () -> d.field);
		attempt("null dynamic call", () -> d.method());
		var objs:Array<Foo> = [new Foo(1), null, new Foo(2)];
		var total = 0;
		for (i in 0...objs.length) {
			try {
				total += objs[i].x;
				Sys.println("objs[" + i + "].x ok");
			} catch (e:Dynamic) {
				Sys.println("objs[" + i + "] failed: " + Std.string(e));
			}
		}
		Sys.println("total = " + total);
		var ni:Null<Int> = null;
		attempt("null int unboxed add", () -> {
			var v:Int = ni;
			v + 1;
		});
		attempt("Std.string null obj", () -> Std.string(o));
		attempt("null == check", () -> o == null);
		Sys.println("done");
	}
}
