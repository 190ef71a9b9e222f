import haxe.Json;

typedef Address = {
	street:String,
	city:String,
	zip:String,
	?geo:{lat:Float, lng:Float}
}

typedef Person = {
	id:Int,
	name:String,
	email:Null<String>,
	active:Bool,
	score:Float,
	tags:Array<String>,
	address:Address,
	friends:Array<Int>
}

class Main {
	static function sortedFields(o:Dynamic):Array<String> {
		var f = Reflect.fields(o);
		f.sort(Reflect.compare);
		return f;
	}

	// canonical printer with sorted keys so output does not depend on field order
	static function canon(v:Dynamic, ?indent:String = ""):String {
		if (v == null)
			return "null";
		switch (Type.typeof(v)) {
			case TInt, TFloat, TBool:
				return Std.string(v);
			case TClass(String):
				return Json.stringify(v);
			case TClass(Array):
				var a:Array<Dynamic> = v;
				return "[" + [for (x in a) canon(x, indent)].join(",") + "]";
			case TObject:
				return "{" + [for (f in sortedFields(v)) Json.stringify(f) + ":" + canon(Reflect.field(v, f), indent)].join(",") + "}";
			default:
				return "?" + Std.string(v);
		}
	}

	static function deepEqual(a:Dynamic, b:Dynamic):Bool {
		return canon(a) == canon(b);
	}

	static function makePeople(n:Int):Array<Person> {
		var seed = 2024;
		function rnd(m:Int):Int {
			seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
			return (seed >> 8) % m;
		}
		var first = ["Ana", "Bo", "Chloé", "Dmitri", "Eve", "Fátima", "Gus", "Hiro", "Ines", "Jörg"];
		var cities = ["Paris", "Tōkyō", "New \"York\"", "Back\\slash", "Tab\tCity", "Zürich"];
		var people:Array<Person> = [];
		for (i in 0...n) {
			var tags = [for (t in 0...rnd(4)) "tag" + rnd(10)];
			var p:Person = {
				id: i,
				name: first[rnd(first.length)] + " " + String.fromCharCode(65 + rnd(26)) + ".",
				email: rnd(3) == 0 ? null : "user" + i + "@example.com",
				active: rnd(2) == 0,
				score: rnd(10000) / 100,
				tags: tags,
				address: {
					street: (rnd(200) + 1) + " Main St",
					city: cities[rnd(cities.length)],
					zip: StringTools.lpad("" + rnd(99999), "0", 5)
				},
				friends: [for (f in 0...rnd(5)) rnd(n)]
			};
			if (rnd(2) == 0)
				p.address.geo = {lat: rnd(18000) / 100 - 90, lng: rnd(36000) / 100 - 180};
			people.push(p);
		}
		return people;
	}

	static function main() {
		Sys.println("== scalars ==");
		var scalars:Array<Dynamic> = [0, -1, 2147483647, 1.5, -0.25, 1e21, 1e-7, 0.1, true, false, null, "", "plain", "quote\"back\\slash/slash",
			"ctrl\n\r\t\x01", "unicode é 日本 😀"];
		for (s in scalars) {
			var j = Json.stringify(s);
			var back:Dynamic = Json.parse(j);
			Sys.println(j + " -> " + canon(back) + " eq=" + deepEqual(s, back));
		}

		Sys.println("== parse variety ==");
		var texts = [
			'{"a":1,"b":[true,false,null],"c":{"d":"e"}}', '[1, 2.5, -3e2, 4E-1, 0.0, -0]', '  {  "spaces" :  [ ]  , "empty":{} }  ',
			'"\\u00e9\\u65e5\\ud83d\\ude00 \\n\\t\\"\\\\\\/"', '{"nested":[[[[[]]]]],"n":[[1],[2,[3]]]}', '123456789012', '1.7976931348623157e308',
			'{"dup":1,"dup":2}'
		];
		for (t in texts) {
			try {
				var v:Dynamic = Json.parse(t);
				Sys.println(canon(v) + "  | restringified: " + canon(Json.parse(Json.stringify(v))));
			} catch (e:Dynamic) {
				Sys.println("parse error: " + Std.string(e));
			}
		}
		Sys.println("== invalid ==");
		for (t in ['{"a":}', '[1,2', '{a:1}', 'tru', '"unterminated', '[1,]', '', '{"a":1} extra']) {
			try {
				var v:Dynamic = Json.parse(t);
				Sys.println("parsed?! " + canon(v));
			} catch (e:Dynamic) {
				Sys.println("error for " + t + " : " + Std.string(e));
			}
		}

		Sys.println("== people round trip ==");
		var people = makePeople(60);
		var json = Json.stringify(people);
		Sys.println("json length " + json.length);
		var back:Array<Person> = Json.parse(json);
		Sys.println("count " + back.length + " equal " + deepEqual(people, back));
		var pretty = Json.stringify(people.slice(0, 2), null, "  ");
		var reparsed:Dynamic = Json.parse(pretty);
		Sys.println("pretty reparse equal " + deepEqual(people.slice(0, 2), reparsed) + " lines " + pretty.split("\n").length);
		for (p in back.slice(0, 5))
			Sys.println(canon(p));
		var active = back.filter(p -> p.active);
		var avg = 0.0;
		for (p in active)
			avg += p.score;
		avg /= active.length;
		Sys.println("active " + active.length + " avg score " + Math.round(avg * 100) / 100);
		var byCity = new Map<String, Int>();
		for (p in back)
			byCity.set(p.address.city, (byCity.exists(p.address.city) ? byCity.get(p.address.city) : 0) + 1);
		var cities = [for (c in byCity.keys()) c];
		cities.sort(Reflect.compare);
		Sys.println("by city " + [for (c in cities) c + "=" + byCity.get(c)].join("; "));
		var withGeo = back.filter(p -> p.address.geo != null).length;
		var nullEmails = back.filter(p -> p.email == null).length;
		Sys.println("with geo " + withGeo + " null emails " + nullEmails);

		Sys.println("== replacer ==");
		var obj = {keep: 1, drop: "secret", nested: {drop: 2, keep: [1, 2]}};
		var replaced = Json.stringify(obj, function(key:Dynamic, value:Dynamic):Dynamic {
			if (key == "drop")
				return "[redacted]";
			if (Std.isOfType(value, Int))
				return value * 10;
			return value;
		});
		Sys.println("replaced " + canon(Json.parse(replaced)));

		Sys.println("== stringify of class instance / map ==");
		var m = new Map<String, Int>();
		m.set("x", 1);
		Sys.println("map: " + Json.stringify(m));
		Sys.println("done");
	}
}
