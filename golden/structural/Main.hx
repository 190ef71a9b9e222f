typedef Point = {
	x:Int,
	y:Int
}

typedef Named = {
	var name:String;
	@:optional var nick:String;
	@:optional var age:Int;
	@:optional var score:Float;
}

typedef Shape = {
	function area():Float;
	var label:String;
}

typedef Mutable = {
	var count:Int;
	var total:Float;
	var tag:String;
}

interface HasArea {
	function area():Float;
}

class Rect implements HasArea {
	public var label:String;
	public var w:Float;
	public var h:Float;

	public function new(w, h) {
		this.w = w;
		this.h = h;
		label = "rect " + w + "x" + h;
	}

	public function area():Float {
		return w * h;
	}
}

class Circle implements HasArea {
	public var label:String;
	public var r:Float;

	public function new(r) {
		this.r = r;
		label = "circle r=" + r;
	}

	public function area():Float {
		return Math.round(Math.PI * r * r * 100) / 100;
	}
}

class Pixel {
	public var x:Int;
	public var y:Int;
	public var color:Int;

	public function new(x, y, c) {
		this.x = x;
		this.y = y;
		color = c;
	}
}

class Account {
	public var count:Int = 0;
	public var total:Float = 0;
	public var tag:String = "acct";
	public var extra:Bool = true;

	public function new() {}
}

class Main {
	static function manhattan(p:Point):Int {
		return (p.x < 0 ? -p.x : p.x) + (p.y < 0 ? -p.y : p.y);
	}

	static function shift(p:Point, dx:Int, dy:Int):Void {
		p.x += dx;
		p.y += dy;
	}

	static function greet(n:Named):String {
		var s = "hi " + n.name;
		if (n.nick != null)
			s += " aka " + n.nick;
		if (n.age != null)
			s += " age " + n.age;
		if (n.score != null)
			s += " score " + n.score;
		return s;
	}

	static function totalArea(shapes:Array<Shape>):Float {
		var t = 0.0;
		for (s in shapes)
			t += s.area();
		return t;
	}

	static function record(m:Mutable, v:Float) {
		m.count++;
		m.total += v;
		m.tag = m.tag + "+";
	}

	static function main() {
		Sys.println("== anonymous structures ==");
		var p:Point = {x: 3, y: -4};
		Sys.println("manhattan " + manhattan(p));
		shift(p, 10, 10);
		Sys.println("after shift " + p.x + "," + p.y);
		var pts:Array<Point> = [for (i in 0...5) {x: i, y: i * i - 5}];
		for (q in pts)
			shift(q, -1, 1);
		Sys.println("points " + [for (q in pts) q.x + ":" + q.y].join(" ") + " sum " + Lambda.fold(pts, (q, a) -> a + manhattan(q), 0));

		Sys.println("== class instances through structural views ==");
		var px = new Pixel(7, 8, 0xFF00FF);
		var view:Point = px;
		Sys.println("view " + view.x + "," + view.y + " manhattan " + manhattan(px));
		shift(px, 1, 2);
		Sys.println("after shift through view: pixel " + px.x + "," + px.y + " color " + StringTools.hex(px.color));
		view.x = 100;
		Sys.println("write through view: " + px.x);
		var mixed:Array<Point> = [px, {x: -1, y: -1}, new Pixel(2, 2, 0)];
		for (m in mixed)
			shift(m, 1, 1);
		Sys.println("mixed " + [for (m in mixed) m.x + "/" + m.y].join(" ") + " px now " + px.x + "," + px.y);

		var acct = new Account();
		for (i in 0...4)
			record(acct, i * 1.5);
		Sys.println("account via Mutable: count=" + acct.count + " total=" + acct.total + " tag=" + acct.tag + " extra=" + acct.extra);
		var anonM:Mutable = {count: 10, total: 0.5, tag: "anon"};
		record(anonM, 2);
		Sys.println("anon Mutable: " + anonM.count + " " + anonM.total + " " + anonM.tag);

		Sys.println("== optional fields ==");
		Sys.println(greet({name: "ann"}));
		Sys.println(greet({name: "bob", nick: "bobby"}));
		Sys.println(greet({name: "cy", age: 30}));
		Sys.println(greet({name: "di", age: 0, score: 9.5, nick: ""}));
		var n:Named = {name: "ed"};
		n.age = 41;
		n.nick = "eddie";
		Sys.println(greet(n));
		n.age = null;
		Sys.println(greet(n));

		Sys.println("== interfaces and structural shapes ==");
		var shapes:Array<Shape> = [new Rect(2, 3), new Circle(1), {label: "custom", area: () -> 10.0}];
		for (s in shapes)
			Sys.println(s.label + " -> " + s.area());
		Sys.println("total area " + totalArea(shapes));
		var ifaces:Array<HasArea> = [new Rect(1, 1), new Circle(2)];
		Sys.println("via interface " + [for (i in ifaces) i.area()]);
		var asShape:Shape = cast(ifaces[0], Rect);
		Sys.println("iface->Shape label " + asShape.label);

		Sys.println("== Dynamic to typedef ==");
		var d:Dynamic = {x: 5, y: 6, z: 7};
		var dp:Point = d;
		Sys.println("dynamic as Point " + dp.x + "," + dp.y + " manhattan " + manhattan(d));
		shift(d, 1, 1);
		Sys.println("after shift dyn " + d.x + "," + d.y + "," + d.z);
		var parsed:Dynamic = haxe.Json.parse('{"x": 11, "y": -12, "name": "json"}');
		var jp:Point = parsed;
		Sys.println("json as Point " + jp.x + "," + jp.y + " manhattan " + manhattan(jp));
		var jn:Named = parsed;
		Sys.println("json as Named: " + greet(jn));
		var dynObj:Dynamic = {};
		dynObj.name = "late";
		dynObj.age = 77;
		Sys.println("built dynamic as Named: " + greet(dynObj));
		var fromClass:Dynamic = new Pixel(1, 2, 3);
		var fcp:Point = fromClass;
		Sys.println("class through Dynamic as Point " + fcp.x + "," + fcp.y);

		Sys.println("== nested structures ==");
		var nested = {
			name: "root",
			pos: {x: 1, y: 2},
			children: [{name: "a", pos: {x: 3, y: 4}, children: []}, {name: "b", pos: {x: 5, y: 6}, children: []}]
		};
		var sum = nested.pos.x + nested.pos.y;
		for (c in nested.children)
			sum += c.pos.x * c.pos.y;
		nested.children[1].pos.x = 50;
		Sys.println("nested sum " + sum + " modified " + nested.children[1].pos.x + " name " + nested.children[0].name);
		var fnStruct = {apply: (a:Int, b:Int) -> a * b + 1, name: "muladd"};
		Sys.println(fnStruct.name + " " + fnStruct.apply(6, 7));

		Sys.println("== structural with Float/Bool fields ==");
		var st:{f:Float, b:Bool, i:Int, s:String} = {f: 1.25, b: true, i: -3, s: "s"};
		var copyView:{f:Float, i:Int} = st;
		copyView.f *= 4;
		copyView.i -= 7;
		Sys.println("st " + st.f + " " + st.b + " " + st.i + " " + st.s);
		var anyView:Dynamic = st;
		anyView.f = 0.5;
		anyView.b = false;
		Sys.println("after dyn writes " + st.f + " " + st.b + " fields " + Reflect.fields(st).length);
		Sys.println("done");
	}
}
