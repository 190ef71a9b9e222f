typedef Person = {
	name:String,
	age:Int,
	?email:String
}

class Box {
	public var value:Dynamic;
	public var count:Int = 3;

	public function new(v:Dynamic) {
		value = v;
	}

	public function scaled(k:Int):Int {
		return count * k;
	}
}

class Main {
	static function sortedFields(o:Dynamic):String {
		var f = Reflect.fields(o);
		f.sort((a, b) -> a < b ? -1 : (a > b ? 1 : 0));
		return f.join(",");
	}

	static function dump(o:Dynamic):String {
		var f = Reflect.fields(o);
		f.sort((a, b) -> a < b ? -1 : (a > b ? 1 : 0));
		return "{" + [for (k in f) k + "=" + Std.string(Reflect.field(o, k))].join(", ") + "}";
	}

	static function describe(v:Dynamic):String {
		return switch (Type.typeof(v)) {
			case TNull: "null";
			case TInt: "Int " + v;
			case TFloat: "Float " + v;
			case TBool: "Bool " + v;
			case TObject: "Object " + sortedFields(v);
			case TFunction: "Function";
			case TClass(c): "Class " + Type.getClassName(c);
			case TEnum(e): "Enum " + Type.getEnumName(e);
			case TUnknown: "Unknown";
		}
	}

	static function main() {
		// anonymous structures
		var p:Person = {name: "Ann", age: 30};
		Sys.println(p.name + " " + p.age + " email=" + p.email);
		p.email = "ann@example.com";
		p.age++;
		Sys.println(p.name + " " + p.age + " email=" + p.email);
		var single = {x: 5};
		Sys.println("single: " + single + " Std.string=" + Std.string(single));
		trace(single);
		var nestedSingle = {inner: {v: "deep"}};
		Sys.println("nested single: " + nestedSingle);
		Sys.println("fields of p: " + sortedFields(p));
		Sys.println("dump p: " + dump(p));

		// Dynamic field access
		var d:Dynamic = {a: 1, b: "two", c: [1, 2, 3], f: function(x:Int) return x * 10};
		var c1:Dynamic = d.c[1];
		Sys.println("d.a=" + d.a + " d.b=" + d.b + " d.c[1]=" + c1 + " d.f(4)=" + d.f(4));
		d.a += 10;
		d.newField = "added";
		Sys.println("d.a=" + d.a + " newField=" + d.newField + " missing=" + d.missing);
		Sys.println("fields of d: " + sortedFields(d));

		// Reflect
		Sys.println("hasField a=" + Reflect.hasField(d, "a") + " zz=" + Reflect.hasField(d, "zz"));
		Reflect.setField(d, "zz", 99);
		Sys.println("after setField zz=" + Reflect.field(d, "zz") + " hasField=" + Reflect.hasField(d, "zz"));
		Sys.println("deleteField zz=" + Reflect.deleteField(d, "zz") + " again=" + Reflect.deleteField(d, "zz") + " hasField=" + Reflect.hasField(d, "zz"));
		Sys.println("Reflect.field missing=" + Reflect.field(d, "nope"));
		var fn = Reflect.field(d, "f");
		Sys.println("callMethod f=" + Reflect.callMethod(d, fn, [7]));
		var box = new Box("payload");
		Sys.println("class field via Reflect: " + Reflect.field(box, "value") + " count=" + Reflect.field(box, "count"));
		Reflect.setField(box, "count", 10);
		Sys.println("count after setField: " + box.count);
		Sys.println("callMethod on instance: " + Reflect.callMethod(box, Reflect.field(box, "scaled"), [4]));
		Sys.println("getProperty: " + Reflect.getProperty(box, "count"));
		Reflect.setProperty(box, "count", 11);
		Sys.println("setProperty: " + box.count);
		Sys.println("isObject: " + Reflect.isObject(d) + " " + Reflect.isObject(box) + " " + Reflect.isObject(5) + " " + Reflect.isObject("s"));
		var copied = Reflect.copy({k: 1});
		copied.k = 2;
		Sys.println("copy: " + copied);

		// dynamic arithmetic
		var x:Dynamic = 5;
		var y:Dynamic = 2;
		var fx:Dynamic = 2.5;
		var sx:Dynamic = "str";
		Sys.println("5+2=" + (x + y) + " 5-2=" + (x - y) + " 5*2=" + (x * y) + " 5/2=" + (x / y) + " 5%2=" + (x % y));
		Sys.println("5+2.5=" + (x + fx) + " 5*2.5=" + (x * fx) + " 2.5-5=" + (fx - x));
		Sys.println("str+5=" + (sx + x) + " 5+str=" + (x + sx));
		Sys.println("cmp 5>2 " + (x > y) + " 5<2.5 " + (x < fx) + " 5==5.0 " + (x == 5.0) + " 2.5>=2.5 " + (fx >= 2.5));
		Sys.println("neg " + (-x) + " inc " + (x + 1));
		var dyn:Dynamic = 10;
		dyn++;
		dyn += 5;
		dyn *= 2;
		Sys.println("dyn ops: " + dyn);
		var ds:Dynamic = "a";
		ds += "b";
		ds += 1;
		Sys.println("dyn string ops: " + ds);
		var bits:Dynamic = 12;
		Sys.println("bit ops: " + (bits & 10) + " " + (bits | 3) + " " + (bits ^ 5) + " " + (bits << 2) + " " + (bits >> 1));
		var dstr1:Dynamic = "abc";
		var dstr2:Dynamic = "abd";
		Sys.println("dyn string cmp: " + (dstr1 < dstr2) + " " + (dstr1 == "abc"));

		// typeof
		var things:Array<Dynamic> = [null, 1, -3, 1.5, true, "s", [1], {a: 1}, box, function() {}, haxe.ds.Option.Some(1), 1e10, 0.0, 2.0, 2147483648.0, -2147483648.0];
		for (t in things)
			Sys.println("typeof: " + describe(t));

		// dynamic arrays
		var arr:Array<Dynamic> = [1, "two", 3.0, true, null, [4, 5], {six: 6}];
		Sys.println("dyn array: " + arr + " length=" + arr.length);
		arr.push(box.count);
		arr[10] = "far";
		Sys.println("after growth: " + arr.length + " " + arr[9] + " " + arr[10]);
		var sumNum = 0.0;
		for (a in arr)
			if (Std.isOfType(a, Float))
				sumNum += a;
		Sys.println("numeric sum: " + sumNum);
		var nestedDyn:Dynamic = [[1, 2], [3, [4, 5]]];
		var deepVal:Int = nestedDyn[1][1][0];
		var nlen:Int = nestedDyn.length;
		Sys.println("nested dyn index: " + deepVal + " length " + nlen + " str " + Std.string(nestedDyn[1]));

		// null handling
		var ni:Null<Int> = null;
		Sys.println("Null<Int> null: " + ni + " ==null " + (ni == null));
		ni = 5;
		Sys.println("Null<Int> 5: " + (ni + 1));
		var nf:Null<Float> = null;
		Sys.println("Null<Float>: " + nf);
		var nb:Null<Bool> = null;
		Sys.println("Null<Bool>: " + nb + " " + (nb == null));
		nb = false;
		Sys.println("Null<Bool> false: " + nb + " " + (nb == false));
		var orDefault = (ni != null ? ni : 0) + (nf != null ? nf : 0.5);
		Sys.println("defaults: " + orDefault);
		var nullDyn:Dynamic = null;
		Sys.println("null dynamic: " + nullDyn + " field access safe check " + (nullDyn == null));
		var intAsDyn:Dynamic = 7;
		var backToInt:Int = intAsDyn;
		var asFloat:Float = intAsDyn;
		Sys.println("dyn to int/float: " + backToInt + " " + asFloat);
		var floatAsDyn:Dynamic = 7.9;
		var truncated:Int = Std.int(floatAsDyn);
		Sys.println("std.int of dyn float: " + truncated);
		var nullInts:Array<Null<Int>> = [1, null, 3];
		Sys.println("array of Null<Int>: " + nullInts);
		var ns:Null<String> = null;
		Sys.println("null string length check: " + (ns == null ? -1 : ns.length));

		// struct equality is by reference
		var s1 = {v: 1};
		var s2 = {v: 1};
		var s3 = s1;
		Sys.println("struct eq: " + (s1 == s2) + " " + (s1 == s3));

		// Dynamic method on anonymous object with this-like capture
		var counter = {n: 0, inc: null};
		counter.inc = function() {
			counter.n++;
			return counter.n;
		};
		counter.inc();
		counter.inc();
		Sys.println("counter.n=" + counter.n);

		// Dynamic to String and Std.string
		var mixed:Array<Dynamic> = [1, 1.0, 1.25, -0.5, "1", true, false, null, [], [[]], {z: null}];
		Sys.println("mixed: " + [for (m in mixed) Std.string(m)].join(" | "));

		// Std.isOfType with dynamic values and Std.is-like checks
		var vals:Array<Dynamic> = [0, 0.5, "x", true, null, box];
		for (v in vals)
			Sys.println(Std.string(v) + ": Int=" + Std.isOfType(v, Int) + " Float=" + Std.isOfType(v, Float) + " String=" + Std.isOfType(v, String) + " Bool=" + Std.isOfType(v, Bool) + " Box=" + Std.isOfType(v, Box) + " Dynamic=" + Std.isOfType(v, Dynamic));

		// Dynamic function calls with different arg counts
		var add3:Dynamic = function(a:Int, b:Int, c:Int) return a + b + c;
		Sys.println("Reflect.callMethod add3: " + Reflect.callMethod(null, add3, [1, 2, 3]));
		var varf = Reflect.makeVarArgs(function(args:Array<Dynamic>) return args.length + ":" + args.join("/"));
		Sys.println("makeVarArgs: " + varf(1, "b", 3.5));
		Sys.println("Reflect.compare: " + Reflect.compare(1, 2) + " " + Reflect.compare(2.5, 2.5) + " " + Reflect.compare("b", "a"));
		trace("dynamic done");
	}
}
