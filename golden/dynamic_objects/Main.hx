class Thing {
	public var name:String;
	public var size:Int;
	public var ratio:Float;
	public var items:Array<Int>;
	public var level(get, set):Int;

	var hidden:Int = 99;

	public function new(n:String) {
		name = n;
		size = n.length;
		ratio = 0.5;
		items = [1, 2];
		level = 1;
	}

	function get_level():Int {
		return hidden;
	}

	function set_level(v:Int):Int {
		hidden = v * 10;
		return v;
	}

	public function greet(who:String):String {
		return name + " greets " + who;
	}

	public function add(a:Int, b:Int):Int {
		return a + b + size;
	}

	public function noArgs():String {
		return "noArgs of " + name;
	}
}

class Main {
	static function sortedFields(o:Dynamic):Array<String> {
		var f = Reflect.fields(o);
		f.sort(Reflect.compare);
		return f;
	}

	static function dump(o:Dynamic):String {
		return "{" + [for (f in sortedFields(o)) f + "=" + Std.string(Reflect.field(o, f))].join(", ") + "}";
	}

	static function attempt(label:String, f:Void->Dynamic) {
		try {
			Sys.println(label + " -> " + Std.string(f()));
		} catch (e:Dynamic) {
			Sys.println(label + " threw: " + Std.string(e));
		}
	}

	static function kind(v:Dynamic):String {
		return switch (Type.typeof(v)) {
			case TNull: "null";
			case TInt: "int " + v;
			case TFloat: "float " + v;
			case TBool: "bool " + v;
			case TObject: "object " + dump(v);
			case TFunction: "function";
			case TClass(c): "instance of " + Type.getClassName(c);
			case TEnum(e): "enum " + Type.getEnumName(e);
			case TUnknown: "unknown";
		}
	}

	static function main() {
		Sys.println("== growing / shrinking anonymous objects ==");
		var o:Dynamic = {};
		for (i in 0...60)
			Reflect.setField(o, "f" + i, i * i);
		Sys.println("60 fields: count=" + Reflect.fields(o).length + " f7=" + o.f7 + " f59=" + Reflect.field(o, "f59"));
		for (i in 0...60)
			if (i % 3 != 0)
				Reflect.deleteField(o, "f" + i);
		Sys.println("after delete: " + sortedFields(o).join(","));
		var sum = 0;
		for (f in Reflect.fields(o))
			sum += Reflect.field(o, f);
		Sys.println("sum of remaining = " + sum);
		o.f3 = "now a string";
		o.f6 = 6.5;
		o.f9 = [9];
		o.f12 = null;
		Sys.println("retyped: " + dump(o));
		Sys.println("hasField f12 (null)=" + Reflect.hasField(o, "f12") + " f13=" + Reflect.hasField(o, "f13"));
		var counter:Dynamic = {n: 0, total: 0.0};
		for (i in 0...10) {
			counter.n++;
			counter.total += i / 4;
		}
		counter.n *= 3;
		counter.n -= 1;
		Sys.println("counter " + counter.n + " " + counter.total);
		var weird:Dynamic = {};
		Reflect.setField(weird, "with space", 1);
		Reflect.setField(weird, "", 2);
		Reflect.setField(weird, "日本", 3);
		Reflect.setField(weird, "123", 4);
		Sys.println("weird names: " + dump(weird) + " get '': " + Reflect.field(weird, ""));

		Sys.println("== Reflect.copy ==");
		var src:Dynamic = {a: 1, b: [1, 2], c: {d: "x"}};
		var cp:Dynamic = Reflect.copy(src);
		cp.a = 100;
		cp.b.push(3);
		cp.c = "replaced";
		Sys.println("src " + dump(src) + " copy " + dump(cp));

		Sys.println("== class instances as Dynamic ==");
		var t = new Thing("widget");
		var dt:Dynamic = t;
		Sys.println("fields: " + sortedFields(t).join(","));
		Sys.println("dt.name=" + dt.name + " dt.size=" + dt.size + " dt.ratio=" + dt.ratio + " dt.items=" + dt.items + " dt.level=" + dt.level);
		dt.size = 42;
		dt.ratio = 3;
		dt.items.push(7);
		attempt("dyn write of property level", () -> {
			dt.level = 5;
			dt.level;
		});
		Sys.println("after dyn writes: size=" + t.size + " ratio=" + t.ratio + " items=" + t.items + " level=" + t.level);
		Sys.println("greet via dyn: " + dt.greet("you") + " add: " + dt.add(1, 2) + " noArgs: " + dt.noArgs());
		Reflect.setProperty(t, "level", 7);
		Sys.println("setProperty level 7 -> level=" + t.level + " getProperty=" + Reflect.getProperty(t, "level") + " field(level)="
			+ Reflect.field(t, "level"));
		attempt("setField level 8", () -> {
			Reflect.setField(t, "level", 8);
			t.level;
		});
		Sys.println("hasField name=" + Reflect.hasField(t, "name") + " greet=" + Reflect.hasField(t, "greet") + " nope=" + Reflect.hasField(t, "nope"));
		Sys.println("deleteField on instance: " + Reflect.deleteField(t, "name") + " name still " + t.name);
		attempt("read missing field", () -> dt.missingField);
		attempt("write missing field", () -> {
			dt.missingField = 1;
			dt.missingField;
		});
		attempt("call missing method", () -> dt.missingMethod());

		Sys.println("== wrong arity ==");
		attempt("greet()", () -> dt.greet());
		attempt("greet(a,b)", () -> dt.greet("a", "b"));
		attempt("add(1)", () -> dt.add(1));
		attempt("add(1,2,3)", () -> dt.add(1, 2, 3));
		attempt("noArgs(1)", () -> dt.noArgs(1));
		var lam:Dynamic = function(a:Int, b:Int) return a * b;
		attempt("lam(3,4)", () -> lam(3, 4));
		attempt("lam(3)", () -> lam(3));
		attempt("lam(1,2,3)", () -> lam(1, 2, 3));
		attempt("callMethod lam [5,6]", () -> Reflect.callMethod(null, lam, [5, 6]));
		attempt("callMethod lam [5]", () -> Reflect.callMethod(null, lam, [5]));
		attempt("call null", () -> {
			var nf:Dynamic = null;
			nf();
		});
		attempt("string arg to int param", () -> lam("x", 2));
		attempt("float arg to int param", () -> lam(2.9, 2));

		Sys.println("== dynamic arrays ==");
		var arr:Array<Dynamic> = [1, 2.5, "s", true, null, [1, 2], {k: 1}, t, Math.NaN, -0.0, 1e300];
		for (x in arr)
			Sys.println("  " + kind(x));
		var da:Dynamic = ([10, 20, 30] : Array<Dynamic>);
		// note: "str" + da[i] is avoided on purpose, Std.string is used for dynamic index reads
		Sys.println("dyn array length=" + Std.string(da.length) + " [1]=" + Std.string(da[1]) + " push=" + Std.string(da.push(40)) + " join="
			+ Std.string(da.join("/")));
		da[6] = 70;
		Sys.println("after sparse write " + Std.string(da) + " length=" + Std.string(da.length));
		var di:Dynamic = [1, 2, 3];
		var typedRead:Int = di[2];
		Sys.println("int array through Dynamic: [2]=" + typedRead + " [0]=" + Std.string(di[0]) + " push=" + Std.string(di.push(4)) + " -> "
			+ Std.string(di));
		var nestedDyn:Dynamic = {list: [{v: 1}, {v: 2}, {v: 3}]};
		var s2 = 0;
		for (i in 0...nestedDyn.list.length)
			s2 += (nestedDyn.list[i].v : Int);
		Sys.println("nested dyn sum " + s2);
		var iter:Dynamic = [5, 6, 7];
		var itSum = 0;
		for (x in (iter : Array<Int>))
			itSum += x;
		Sys.println("iterated dyn sum " + itSum);

		Sys.println("== dynamic as map ==");
		var counts:Dynamic = {};
		for (w in "a b a c b a d".split(" ")) {
			var cur:Null<Int> = Reflect.field(counts, w);
			Reflect.setField(counts, w, cur == null ? 1 : cur + 1);
		}
		Sys.println("counts " + dump(counts));
		Sys.println("isObject " + Reflect.isObject(counts) + " " + Reflect.isObject(t) + " " + Reflect.isObject("s") + " " + Reflect.isObject(1)
			+ " " + Reflect.isObject(null));
		Sys.println("done");
	}
}
