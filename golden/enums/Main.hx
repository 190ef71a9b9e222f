enum Color {
	Red;
	Green;
	Blue;
	Rgb(r:Int, g:Int, b:Int);
	Named(name:String, ?alpha:Float);
}

enum Expr {
	Num(v:Float);
	Var(name:String);
	Add(a:Expr, b:Expr);
	Sub(a:Expr, b:Expr);
	Mul(a:Expr, b:Expr);
	Div(a:Expr, b:Expr);
	Neg(e:Expr);
	Let(name:String, value:Expr, body:Expr);
	IfZero(cond:Expr, then:Expr, els:Expr);
}

enum Tree<T> {
	Leaf;
	Node(left:Tree<T>, value:T, right:Tree<T>);
}

enum Shape {
	Circle(r:Float);
	Rect(w:Float, h:Float);
	Poly(points:Array<Int>);
}

enum Simple {
	A;
	B;
	C;
	D;
}

class Main {
	static function colorName(c:Color):String {
		return switch (c) {
			case Red: "red";
			case Green: "green";
			case Blue: "blue";
			case Rgb(0, 0, 0): "black";
			case Rgb(255, 255, 255): "white";
			case Rgb(r, g, b) if (r > g && r > b): "reddish(" + r + ")";
			case Rgb(r, g, b) if (g > r && g > b): "greenish(" + g + ")";
			case Rgb(r, g, b): "rgb(" + r + "," + g + "," + b + ")";
			case Named(n, null): "named " + n;
			case Named(n, a) if (a < 0.5): "faint " + n + " " + a;
			case Named(n, a): "named " + n + " alpha " + a;
		}
	}

	static function eval(e:Expr, env:Map<String, Float>):Float {
		return switch (e) {
			case Num(v): v;
			case Var(n): env.exists(n) ? env.get(n) : throw "unbound " + n;
			case Add(a, b): eval(a, env) + eval(b, env);
			case Sub(a, b): eval(a, env) - eval(b, env);
			case Mul(a, b): eval(a, env) * eval(b, env);
			case Div(a, b): eval(a, env) / eval(b, env);
			case Neg(x): -eval(x, env);
			case Let(n, v, body):
				var old = env.get(n);
				var had = env.exists(n);
				env.set(n, eval(v, env));
				var r = eval(body, env);
				if (had) env.set(n, old) else env.remove(n);
				r;
			case IfZero(c, t, f): eval(c, env) == 0 ? eval(t, env) : eval(f, env);
		}
	}

	static function show(e:Expr):String {
		return switch (e) {
			case Num(v): Std.string(v);
			case Var(n): n;
			case Add(a, b): "(" + show(a) + " + " + show(b) + ")";
			case Sub(a, b): "(" + show(a) + " - " + show(b) + ")";
			case Mul(a, b): show(a) + " * " + show(b);
			case Div(a, b): show(a) + " / " + show(b);
			case Neg(x): "-" + show(x);
			case Let(n, v, b): "let " + n + " = " + show(v) + " in " + show(b);
			case IfZero(c, t, f): "ifz " + show(c) + " then " + show(t) + " else " + show(f);
		}
	}

	static function simplify(e:Expr):Expr {
		return switch (e) {
			case Add(Num(0), x) | Add(x, Num(0)): simplify(x);
			case Mul(Num(1), x) | Mul(x, Num(1)): simplify(x);
			case Mul(Num(0), _) | Mul(_, Num(0)): Num(0);
			case Add(Num(a), Num(b)): Num(a + b);
			case Add(a, b): Add(simplify(a), simplify(b));
			case Mul(a, b): Mul(simplify(a), simplify(b));
			case Neg(Neg(x)): simplify(x);
			case Neg(x): Neg(simplify(x));
			default: e;
		}
	}

	static function insert<T>(t:Tree<T>, v:T, cmp:T->T->Int):Tree<T> {
		return switch (t) {
			case Leaf: Node(Leaf, v, Leaf);
			case Node(l, x, r):
				var c = cmp(v, x);
				if (c < 0) Node(insert(l, v, cmp), x, r) else if (c > 0) Node(l, x, insert(r, v, cmp)) else t;
		}
	}

	static function toList<T>(t:Tree<T>, out:Array<T>):Array<T> {
		switch (t) {
			case Leaf:
			case Node(l, v, r):
				toList(l, out);
				out.push(v);
				toList(r, out);
		}
		return out;
	}

	static function depth<T>(t:Tree<T>):Int {
		return switch (t) {
			case Leaf: 0;
			case Node(l, _, r):
				var a = depth(l), b = depth(r);
				1 + (a > b ? a : b);
		}
	}

	static function area(s:Shape):Float {
		return switch s {
			case Circle(r): 3.14 * r * r;
			case Rect(w, h): w * h;
			case Poly(pts) if (pts.length == 0): 0;
			case Poly(pts): pts.length * 1.5;
		}
	}

	static function classify(i:Int, s:Simple):String {
		return switch [i, s] {
			case [0, A]: "zero-A";
			case [0, _]: "zero-other";
			case [n, B | C] if (n > 10): "big-BC";
			case [_, D]: "any-D";
			case [n, _]: "n=" + n;
		}
	}

	static function main() {
		var colors = [Red, Green, Blue, Rgb(0, 0, 0), Rgb(255, 255, 255), Rgb(200, 10, 20), Rgb(1, 100, 2), Rgb(5, 5, 50), Named("sky"), Named("fog", 0.25), Named("ink", 0.9)];
		for (c in colors) {
			Sys.println(colorName(c) + " | " + Std.string(c) + " | ctor=" + Type.enumConstructor(c) + " idx=" + Type.enumIndex(c) + " params=" + Type.enumParameters(c));
		}
		trace(Rgb(1, 2, 3));
		trace(Named("x", 1.5));
		trace(Red);
		trace("concat " + Blue + " and " + Rgb(4, 5, 6));

		// enum equality
		Sys.println("Red==Red " + (Red == Red));
		Sys.println("Red==Blue " + (Red == Blue));
		Sys.println("enumEq Rgb same " + Type.enumEq(Rgb(1, 2, 3), Rgb(1, 2, 3)));
		Sys.println("enumEq Rgb diff " + Type.enumEq(Rgb(1, 2, 3), Rgb(1, 2, 4)));
		Sys.println("enumEq Named " + Type.enumEq(Named("a", 1.0), Named("a", 1.0)));
		Sys.println("enumEq nested " + Type.enumEq(Add(Num(1), Var("x")), Add(Num(1), Var("x"))));
		Sys.println("enumEq nested diff " + Type.enumEq(Add(Num(1), Var("x")), Add(Num(1), Var("y"))));
		var r1 = Rgb(9, 9, 9);
		var r2 = r1;
		Sys.println("same instance == " + (r1 == r2));

		// Type reflection on enum
		Sys.println("getEnumName " + Type.getEnumName(Type.getEnum(Red)));
		Sys.println("getEnumConstructs " + Type.getEnumConstructs(Color));
		Sys.println("createEnum " + Type.createEnum(Color, "Rgb", [7, 8, 9]));
		Sys.println("createEnumIndex " + Type.createEnumIndex(Color, 1));
		Sys.println("allEnums " + Type.allEnums(Simple));
		var e:EnumValue = Rgb(1, 1, 1);
		Sys.println("EnumValue.getIndex " + e.getIndex() + " getName " + e.getName() + " getParameters " + e.getParameters());
		var ce:Color = Rgb(1, 1, 1);
		Sys.println("match " + ce.match(Rgb(1, _, _)) + " " + ce.match(Rgb(2, _, _)) + " " + ce.match(Red));

		// expression trees
		var env = new Map<String, Float>();
		env.set("x", 3);
		env.set("y", 4);
		var exprs = [
			Num(42),
			Add(Num(1), Num(2)),
			Mul(Add(Var("x"), Num(1)), Var("y")),
			Div(Num(1), Num(3)),
			Sub(Mul(Var("x"), Var("x")), Mul(Var("y"), Var("y"))),
			Neg(Neg(Var("x"))),
			Let("z", Num(10), Mul(Var("z"), Var("x"))),
			Let("x", Num(100), Add(Var("x"), Var("y"))),
			IfZero(Sub(Var("x"), Num(3)), Num(111), Num(222)),
			IfZero(Var("y"), Num(111), Num(222)),
			Div(Num(1), Num(0)),
			Add(Num(0), Mul(Num(1), Add(Var("x"), Num(0)))),
			Mul(Num(0), Var("x")),
		];
		for (ex in exprs) {
			Sys.println(show(ex) + " = " + eval(ex, env) + "   simplified: " + show(simplify(ex)));
		}
		Sys.println("x after lets: " + env.get("x"));
		try {
			eval(Var("nope"), env);
		} catch (msg:String) {
			Sys.println("error: " + msg);
		}
		// deep tree
		var big = Num(0);
		for (i in 1...200)
			big = Add(big, Num(i));
		Sys.println("sum 1..199 = " + eval(big, env));

		// generic tree
		var t:Tree<Int> = Leaf;
		for (v in [50, 30, 70, 20, 40, 60, 80, 30, 65, 10, 5, 99])
			t = insert(t, v, (a, b) -> a - b);
		Sys.println("tree sorted " + toList(t, []) + " depth " + depth(t));
		var ts:Tree<String> = Leaf;
		for (w in "the quick brown fox jumps over the lazy dog".split(" "))
			ts = insert(ts, w, (a, b) -> a < b ? -1 : (a > b ? 1 : 0));
		Sys.println("words sorted " + toList(ts, []).join(" ") + " depth " + depth(ts));
		var small:Tree<Int> = Node(Leaf, 1, Node(Leaf, 2, Leaf));
		Sys.println("tree toString " + small);

		// shapes
		var shapes = [Circle(1), Rect(2, 3.5), Poly([]), Poly([1, 2, 3]), Circle(0.5)];
		for (s in shapes)
			Sys.println(Std.string(s) + " area " + area(s));

		// switch over tuples
		for (i in [0, 5, 20])
			for (s in [A, B, C, D])
				Sys.println("classify " + i + " " + s + " -> " + classify(i, s));

		// enum in map as values and arrays
		var counts = new Map<String, Int>();
		for (c in [Red, Green, Red, Blue, Red, Rgb(1, 2, 3), Rgb(3, 2, 1)]) {
			var k = Type.enumConstructor(c);
			counts.set(k, (counts.exists(k) ? counts.get(k) : 0) + 1);
		}
		for (k in ["Red", "Green", "Blue", "Rgb", "Named"])
			Sys.println(k + ": " + counts.get(k));

		// enum index switch
		for (s in Type.allEnums(Simple)) {
			var v = switch (s) {
				case A: 1;
				case B: 2;
				case C: 4;
				case D: 8;
			}
			Sys.println(Std.string(s) + "=" + v + " index=" + s.getIndex());
		}
		// null enum
		var nc:Null<Color> = null;
		Sys.println("null enum: " + nc);
		nc = Green;
		Sys.println("nullable enum: " + nc + " " + (nc == Green));
	}
}
