// A small expression language: tokenizer, parser, tree-walking interpreter,
// plus a hand-written JSON encoder/decoder, binary-trees and n-body workloads.

enum Token {
	TNum(v:Float);
	TIdent(name:String);
	TStr(s:String);
	TOp(op:String);
	TLParen;
	TRParen;
	TLBrace;
	TRBrace;
	TComma;
	TSemi;
	TEof;
}

enum Node {
	NNum(v:Float);
	NStr(s:String);
	NVar(name:String);
	NBin(op:String, a:Node, b:Node);
	NUnary(op:String, e:Node);
	NCall(fn:String, args:Array<Node>);
	NAssign(name:String, e:Node);
	NIf(c:Node, t:Node, e:Null<Node>);
	NWhile(c:Node, body:Node);
	NBlock(stmts:Array<Node>);
	NFunc(name:String, params:Array<String>, body:Node);
	NReturn(e:Node);
}

enum Value {
	VNum(v:Float);
	VStr(s:String);
	VFunc(params:Array<String>, body:Node);
	VNative(f:Array<Value>->Value);
	VNil;
}

class ReturnSignal {
	public var value:Value;

	public function new(v:Value) {
		value = v;
	}
}

class Lexer {
	var src:String;
	var pos:Int = 0;

	public function new(src:String) {
		this.src = src;
	}

	static function isDigit(c:Int)
		return c >= "0".code && c <= "9".code;

	static function isAlpha(c:Int)
		return (c >= "a".code && c <= "z".code) || (c >= "A".code && c <= "Z".code) || c == "_".code;

	public function tokenize():Array<Token> {
		var out = [];
		while (true) {
			var t = next();
			out.push(t);
			if (t == TEof)
				break;
		}
		return out;
	}

	function next():Token {
		while (pos < src.length) {
			var c = src.charCodeAt(pos);
			if (c == " ".code || c == "\n".code || c == "\t".code) {
				pos++;
			} else if (c == "#".code) {
				while (pos < src.length && src.charCodeAt(pos) != "\n".code)
					pos++;
			} else
				break;
		}
		if (pos >= src.length)
			return TEof;
		var c = src.charCodeAt(pos);
		if (isDigit(c)) {
			var start = pos;
			while (pos < src.length && (isDigit(src.charCodeAt(pos)) || src.charCodeAt(pos) == ".".code))
				pos++;
			return TNum(Std.parseFloat(src.substring(start, pos)));
		}
		if (isAlpha(c)) {
			var start = pos;
			while (pos < src.length && (isAlpha(src.charCodeAt(pos)) || isDigit(src.charCodeAt(pos))))
				pos++;
			return TIdent(src.substring(start, pos));
		}
		if (c == '"'.code) {
			pos++;
			var b = new StringBuf();
			while (pos < src.length && src.charCodeAt(pos) != '"'.code) {
				var ch = src.charCodeAt(pos);
				if (ch == "\\".code) {
					pos++;
					var e = src.charCodeAt(pos);
					b.addChar(e == "n".code ? "\n".code : e);
				} else
					b.addChar(ch);
				pos++;
			}
			pos++;
			return TStr(b.toString());
		}
		pos++;
		switch (c) {
			case "(".code:
				return TLParen;
			case ")".code:
				return TRParen;
			case "{".code:
				return TLBrace;
			case "}".code:
				return TRBrace;
			case ",".code:
				return TComma;
			case ";".code:
				return TSemi;
			default:
		}
		var two = src.substr(pos - 1, 2);
		if (two == "==" || two == "!=" || two == "<=" || two == ">=" || two == "&&" || two == "||") {
			pos++;
			return TOp(two);
		}
		return TOp(String.fromCharCode(c));
	}
}

class Parser {
	var toks:Array<Token>;
	var p:Int = 0;

	static var PREC = ["||" => 1, "&&" => 2, "==" => 3, "!=" => 3, "<" => 4, ">" => 4, "<=" => 4, ">=" => 4, "+" => 5, "-" => 5, "*" => 6, "/" => 6, "%" => 6];

	public function new(toks:Array<Token>) {
		this.toks = toks;
	}

	function peek():Token
		return toks[p];

	function advance():Token
		return toks[p++];

	function expect(t:Token) {
		var got = advance();
		if (!Type.enumEq(got, t))
			throw "expected " + t + " got " + got;
	}

	public function parseProgram():Node {
		var stmts = [];
		while (peek() != TEof)
			stmts.push(statement());
		return NBlock(stmts);
	}

	function statement():Node {
		switch (peek()) {
			case TIdent("fn"):
				advance();
				var name = switch (advance()) {
					case TIdent(n): n;
					case t: throw "bad fn name " + t;
				};
				expect(TLParen);
				var params = [];
				while (peek() != TRParen) {
					switch (advance()) {
						case TIdent(n):
							params.push(n);
						case t:
							throw "bad param " + t;
					}
					if (peek() == TComma)
						advance();
				}
				expect(TRParen);
				return NFunc(name, params, block());
			case TIdent("if"):
				advance();
				var c = expr(0);
				var t = block();
				var e:Null<Node> = null;
				if (Type.enumEq(peek(), TIdent("else"))) {
					advance();
					e = Type.enumEq(peek(), TIdent("if")) ? statement() : block();
				}
				return NIf(c, t, e);
			case TIdent("while"):
				advance();
				var c = expr(0);
				return NWhile(c, block());
			case TIdent("return"):
				advance();
				var e = expr(0);
				expect(TSemi);
				return NReturn(e);
			default:
				var e = expr(0);
				expect(TSemi);
				return e;
		}
	}

	function block():Node {
		expect(TLBrace);
		var stmts = [];
		while (peek() != TRBrace)
			stmts.push(statement());
		expect(TRBrace);
		return NBlock(stmts);
	}

	function expr(minPrec:Int):Node {
		var left = unary();
		while (true) {
			var op = switch (peek()) {
				case TOp(o) if (PREC.exists(o)): o;
				default: null;
			};
			if (op == null || PREC.get(op) <= minPrec)
				break;
			advance();
			var right = expr(PREC.get(op));
			left = NBin(op, left, right);
		}
		return left;
	}

	function unary():Node {
		switch (peek()) {
			case TOp("-"):
				advance();
				return NUnary("-", unary());
			case TOp("!"):
				advance();
				return NUnary("!", unary());
			default:
				return primary();
		}
	}

	function primary():Node {
		var t = advance();
		switch (t) {
			case TNum(v):
				return NNum(v);
			case TStr(s):
				return NStr(s);
			case TLParen:
				var e = expr(0);
				expect(TRParen);
				return e;
			case TIdent(name):
				if (peek() == TLParen) {
					advance();
					var args = [];
					while (peek() != TRParen) {
						args.push(expr(0));
						if (peek() == TComma)
							advance();
					}
					expect(TRParen);
					return NCall(name, args);
				}
				if (Type.enumEq(peek(), TOp("="))) {
					advance();
					return NAssign(name, expr(0));
				}
				return NVar(name);
			default:
				throw "unexpected token " + t;
		}
	}
}

class Interp {
	var scopes:Array<Map<String, Value>>;
	public var output:Array<String> = [];
	public var calls:Int = 0;

	public function new() {
		scopes = [new Map()];
		var g = scopes[0];
		g.set("print", VNative(args -> {
			output.push([for (a in args) show(a)].join(" "));
			return VNil;
		}));
		g.set("sqrt", VNative(args -> VNum(Math.sqrt(num(args[0])))));
		g.set("floor", VNative(args -> VNum(Math.floor(num(args[0])))));
		g.set("len", VNative(args -> switch (args[0]) {
			case VStr(s): VNum(s.length);
			default: VNum(0);
		}));
		g.set("str", VNative(args -> VStr(show(args[0]))));
	}

	public static function show(v:Value):String {
		return switch (v) {
			case VNum(n): Std.string(n);
			case VStr(s): s;
			case VFunc(p, _): "<fn/" + p.length + ">";
			case VNative(_): "<native>";
			case VNil: "nil";
		}
	}

	static function num(v:Value):Float {
		return switch (v) {
			case VNum(n): n;
			case VStr(s): Std.parseFloat(s);
			case VNil: 0;
			default: throw "not a number: " + show(v);
		}
	}

	static function truthy(v:Value):Bool {
		return switch (v) {
			case VNum(n): n != 0;
			case VStr(s): s.length > 0;
			case VNil: false;
			default: true;
		}
	}

	function lookup(name:String):Value {
		var i = scopes.length - 1;
		while (i >= 0) {
			if (scopes[i].exists(name))
				return scopes[i].get(name);
			i--;
		}
		throw "undefined variable " + name;
	}

	function assign(name:String, v:Value) {
		var i = scopes.length - 1;
		while (i >= 0) {
			if (scopes[i].exists(name)) {
				scopes[i].set(name, v);
				return;
			}
			i--;
		}
		scopes[scopes.length - 1].set(name, v);
	}

	public function eval(n:Node):Value {
		switch (n) {
			case NNum(v):
				return VNum(v);
			case NStr(s):
				return VStr(s);
			case NVar(name):
				return lookup(name);
			case NAssign(name, e):
				var v = eval(e);
				assign(name, v);
				return v;
			case NUnary("-", e):
				return VNum(-num(eval(e)));
			case NUnary(_, e):
				return VNum(truthy(eval(e)) ? 0 : 1);
			case NBin("&&", a, b):
				var l = eval(a);
				return truthy(l) ? eval(b) : l;
			case NBin("||", a, b):
				var l = eval(a);
				return truthy(l) ? l : eval(b);
			case NBin(op, a, b):
				var l = eval(a), r = eval(b);
				switch ([op, l, r]) {
					case ["+", VStr(x), _]:
						return VStr(x + show(r));
					case ["+", _, VStr(y)]:
						return VStr(show(l) + y);
					case ["==", VStr(x), VStr(y)]:
						return VNum(x == y ? 1 : 0);
					default:
				}
				var x = num(l), y = num(r);
				return VNum(switch (op) {
					case "+": x + y;
					case "-": x - y;
					case "*": x * y;
					case "/": x / y;
					case "%": x % y;
					case "<": x < y ? 1 : 0;
					case ">": x > y ? 1 : 0;
					case "<=": x <= y ? 1 : 0;
					case ">=": x >= y ? 1 : 0;
					case "==": x == y ? 1 : 0;
					case "!=": x != y ? 1 : 0;
					default: throw "bad op " + op;
				});
			case NCall(name, args):
				var f = lookup(name);
				var vals = [for (a in args) eval(a)];
				calls++;
				switch (f) {
					case VNative(fn):
						return fn(vals);
					case VFunc(params, body):
						var scope = new Map<String, Value>();
						for (i in 0...params.length)
							scope.set(params[i], i < vals.length ? vals[i] : VNil);
						scopes.push(scope);
						try {
							eval(body);
						} catch (r:ReturnSignal) {
							scopes.pop();
							return r.value;
						}
						scopes.pop();
						return VNil;
					default:
						throw name + " is not callable";
				}
			case NIf(c, t, e):
				if (truthy(eval(c)))
					return eval(t);
				else if (e != null)
					return eval(e);
				return VNil;
			case NWhile(c, body):
				var iterations = 0;
				while (truthy(eval(c))) {
					eval(body);
					if (++iterations > 100000)
						throw "loop limit";
				}
				return VNil;
			case NBlock(stmts):
				var last = VNil;
				for (s in stmts)
					last = eval(s);
				return last;
			case NFunc(name, params, body):
				var f = VFunc(params, body);
				scopes[scopes.length - 1].set(name, f);
				return f;
			case NReturn(e):
				throw new ReturnSignal(eval(e));
		}
	}
}

class Json {
	public static function encode(v:Dynamic, indent:String = ""):String {
		if (v == null)
			return "null";
		if (Std.isOfType(v, Bool))
			return v ? "true" : "false";
		if (Std.isOfType(v, Int))
			return Std.string(v);
		if (Std.isOfType(v, Float))
			return Std.string(v);
		if (Std.isOfType(v, String))
			return quote(v);
		if (Std.isOfType(v, Array)) {
			var a:Array<Dynamic> = v;
			return "[" + [for (x in a) encode(x)].join(",") + "]";
		}
		var keys = Reflect.fields(v);
		keys.sort((a, b) -> a < b ? -1 : (a > b ? 1 : 0));
		return "{" + [for (k in keys) quote(k) + ":" + encode(Reflect.field(v, k))].join(",") + "}";
	}

	static function quote(s:String):String {
		var b = new StringBuf();
		b.add('"');
		for (i in 0...s.length) {
			var c = s.charCodeAt(i);
			switch (c) {
				case '"'.code:
					b.add('\\"');
				case "\\".code:
					b.add("\\\\");
				case "\n".code:
					b.add("\\n");
				case "\t".code:
					b.add("\\t");
				default:
					if (c < 32)
						b.add("\\u" + StringTools.hex(c, 4));
					else
						b.addChar(c);
			}
		}
		b.add('"');
		return b.toString();
	}

	var s:String;
	var i:Int = 0;

	function new(s:String) {
		this.s = s;
	}

	public static function decode(s:String):Dynamic {
		var j = new Json(s);
		var v = j.value();
		j.ws();
		if (j.i != s.length)
			throw "trailing data at " + j.i;
		return v;
	}

	function ws() {
		while (i < s.length && StringTools.isSpace(s, i))
			i++;
	}

	function value():Dynamic {
		ws();
		var c = s.charCodeAt(i);
		if (c == "{".code) {
			i++;
			var o = {};
			ws();
			if (s.charCodeAt(i) == "}".code) {
				i++;
				return o;
			}
			while (true) {
				ws();
				var k = str();
				ws();
				if (s.charCodeAt(i++) != ":".code)
					throw "expected : at " + (i - 1);
				Reflect.setField(o, k, value());
				ws();
				var d = s.charCodeAt(i++);
				if (d == "}".code)
					break;
				if (d != ",".code)
					throw "expected , or } at " + (i - 1);
			}
			return o;
		}
		if (c == "[".code) {
			i++;
			var a:Array<Dynamic> = [];
			ws();
			if (s.charCodeAt(i) == "]".code) {
				i++;
				return a;
			}
			while (true) {
				a.push(value());
				ws();
				var d = s.charCodeAt(i++);
				if (d == "]".code)
					break;
				if (d != ",".code)
					throw "expected , or ] at " + (i - 1);
			}
			return a;
		}
		if (c == '"'.code)
			return str();
		if (s.substr(i, 4) == "true") {
			i += 4;
			return true;
		}
		if (s.substr(i, 5) == "false") {
			i += 5;
			return false;
		}
		if (s.substr(i, 4) == "null") {
			i += 4;
			return null;
		}
		var start = i;
		while (i < s.length && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0)
			i++;
		if (start == i)
			throw "unexpected char '" + s.charAt(i) + "' at " + i;
		var numStr = s.substring(start, i);
		var f = Std.parseFloat(numStr);
		if (numStr.indexOf(".") < 0 && numStr.indexOf("e") < 0 && Math.abs(f) < 1e9)
			return Std.int(f);
		return f;
	}

	function str():String {
		if (s.charCodeAt(i) != '"'.code)
			throw "expected string at " + i;
		i++;
		var b = new StringBuf();
		while (true) {
			var c = s.charCodeAt(i++);
			if (c == '"'.code)
				break;
			if (c == "\\".code) {
				var e = s.charCodeAt(i++);
				switch (e) {
					case "n".code:
						b.addChar("\n".code);
					case "t".code:
						b.addChar("\t".code);
					case "u".code:
						b.addChar(Std.parseInt("0x" + s.substr(i, 4)));
						i += 4;
					default:
						b.addChar(e);
				}
			} else
				b.addChar(c);
		}
		return b.toString();
	}
}

class TreeNode {
	public var left:TreeNode;
	public var right:TreeNode;

	public function new(l, r) {
		left = l;
		right = r;
	}

	public static function bottomUp(depth:Int):TreeNode {
		return depth > 0 ? new TreeNode(bottomUp(depth - 1), bottomUp(depth - 1)) : new TreeNode(null, null);
	}

	public function check():Int {
		return left == null ? 1 : 1 + left.check() + right.check();
	}
}

class Body {
	public var x:Float;
	public var y:Float;
	public var z:Float;
	public var vx:Float;
	public var vy:Float;
	public var vz:Float;
	public var mass:Float;

	public function new(x, y, z, vx, vy, vz, mass) {
		this.x = x;
		this.y = y;
		this.z = z;
		this.vx = vx;
		this.vy = vy;
		this.vz = vz;
		this.mass = mass;
	}
}

class NBody {
	static inline var PI = 3.141592653589793;
	static inline var SOLAR_MASS = 4 * PI * PI;
	static inline var DAYS_PER_YEAR = 365.24;

	public var bodies:Array<Body>;

	public function new() {
		bodies = [
			new Body(0, 0, 0, 0, 0, 0, SOLAR_MASS),
			new Body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * DAYS_PER_YEAR,
				7.69901118419740425e-03 * DAYS_PER_YEAR, -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS),
			new Body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * DAYS_PER_YEAR,
				4.99852801234917238e-03 * DAYS_PER_YEAR, 2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS),
			new Body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * DAYS_PER_YEAR,
				2.37847173959480950e-03 * DAYS_PER_YEAR, -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS),
			new Body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * DAYS_PER_YEAR,
				1.62824170038242295e-03 * DAYS_PER_YEAR, -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS)
		];
		var px = 0.0, py = 0.0, pz = 0.0;
		for (b in bodies) {
			px += b.vx * b.mass;
			py += b.vy * b.mass;
			pz += b.vz * b.mass;
		}
		bodies[0].vx = -px / SOLAR_MASS;
		bodies[0].vy = -py / SOLAR_MASS;
		bodies[0].vz = -pz / SOLAR_MASS;
	}

	public function advance(dt:Float) {
		var n = bodies.length;
		for (i in 0...n) {
			var bi = bodies[i];
			for (j in i + 1...n) {
				var bj = bodies[j];
				var dx = bi.x - bj.x, dy = bi.y - bj.y, dz = bi.z - bj.z;
				var d2 = dx * dx + dy * dy + dz * dz;
				var mag = dt / (d2 * Math.sqrt(d2));
				bi.vx -= dx * bj.mass * mag;
				bi.vy -= dy * bj.mass * mag;
				bi.vz -= dz * bj.mass * mag;
				bj.vx += dx * bi.mass * mag;
				bj.vy += dy * bi.mass * mag;
				bj.vz += dz * bi.mass * mag;
			}
		}
		for (b in bodies) {
			b.x += dt * b.vx;
			b.y += dt * b.vy;
			b.z += dt * b.vz;
		}
	}

	public function energy():Float {
		var e = 0.0;
		for (i in 0...bodies.length) {
			var b = bodies[i];
			e += 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz);
			for (j in i + 1...bodies.length) {
				var b2 = bodies[j];
				var dx = b.x - b2.x, dy = b.y - b2.y, dz = b.z - b2.z;
				e -= (b.mass * b2.mass) / Math.sqrt(dx * dx + dy * dy + dz * dz);
			}
		}
		return e;
	}
}

class Main {
	static function fmt(f:Float, digits:Int):String {
		var m = Math.pow(10, digits);
		var r = Math.round(f * m);
		var neg = r < 0;
		if (neg)
			r = -r;
		var s = Std.string(r);
		while (s.length <= digits)
			s = "0" + s;
		return (neg ? "-" : "") + s.substr(0, s.length - digits) + "." + s.substr(s.length - digits);
	}

	static function runProgram(title:String, src:String) {
		Sys.println("== " + title);
		try {
			var toks = new Lexer(src).tokenize();
			var ast = new Parser(toks).parseProgram();
			var it = new Interp();
			var result = it.eval(ast);
			for (line in it.output)
				Sys.println("  " + line);
			Sys.println("  result: " + Interp.show(result) + " (tokens=" + toks.length + ", calls=" + it.calls + ")");
		} catch (e:String) {
			Sys.println("  error: " + e);
		}
	}

	static function main() {
		runProgram("arithmetic", "print(1 + 2 * 3, (1 + 2) * 3, 10 / 4, 10 % 3, -2 * -3); 7 - 2 - 1;");
		runProgram("variables", "x = 10; y = x * 2; x = x + y; print(\"x is\", x, \"y is\", y); x;");
		runProgram("fib", "fn fib(n) { if n < 2 { return n; } return fib(n - 1) + fib(n - 2); } print(fib(15)); fib(10);");
		runProgram("loop", "i = 0; s = 0; while i < 100 { i = i + 1; if i % 3 == 0 || i % 5 == 0 { s = s + i; } } print(\"sum\", s); s;");
		runProgram("strings", "name = \"world\"; greeting = \"hello, \" + name + \"!\"; print(greeting, len(greeting)); print(\"n=\" + 42, str(1.5) + \"x\"); greeting == \"hello, world!\";");
		runProgram("closures-ish", "fn apply(f, x) { return f(x); } fn sq(v) { return v * v; } print(apply(sq, 12)); fn compose(a) { return sq(sq(a)); } compose(3);");
		runProgram("gcd", "fn gcd(a, b) { while b != 0 { t = b; b = a % b; a = t; } return a; } print(gcd(1071, 462), gcd(17, 5)); gcd(100, 75);");
		runProgram("primes", "n = 2; c = 0; out = \"\"; while c < 15 { p = 1; d = 2; while d * d <= n && p { if n % d == 0 { p = 0; } d = d + 1; } if p { c = c + 1; out = out + str(n) + \" \"; } n = n + 1; } print(out); c;");
		runProgram("sqrt", "fn newton(x) { g = x / 2; i = 0; while i < 20 { g = (g + x / g) / 2; i = i + 1; } return g; } print(newton(2), sqrt(2), floor(newton(1000))); newton(81);");
		runProgram("logic", "print(1 && 0, 1 || 0, 0 || \"\", !0, !5, 3 <= 3, 3 >= 4, 2 != 2); 1 && 2 && 3;");
		runProgram("nested-if", "fn cls(n) { if n < 0 { return \"neg\"; } else if n == 0 { return \"zero\"; } else if n < 10 { return \"small\"; } else { return \"big\"; } } print(cls(-5), cls(0), cls(7), cls(100)); cls(3);");
		runProgram("error-undefined", "x = 1; y = z + 1;");
		runProgram("error-syntax", "x = (1 + 2;");
		runProgram("error-call", "x = 5; x(1);");
		runProgram("recursion-depth", "fn sum(n) { if n == 0 { return 0; } return n + sum(n - 1); } sum(300);");
		runProgram("comments", "# a comment line\nx = 3; # trailing\n# another\nx * 14;");

		// JSON
		Sys.println("== json");
		var samples = [
			'{"name":"Widget","price":12.5,"tags":["a","b"],"stock":null,"active":true}',
			'[1, 2.5, -3, 1e3, "x\\ny", [], {}, [[1],[2,[3]]]]',
			'  { "nested" : { "deep" : { "deeper" : [true, false, null] } } }  ',
			'"unicode \\u0041\\u00e9 tab\\t quote\\" backslash\\\\"',
			'{"a":1,"b":[1,2,3],"c":{"d":"e"}}',
			'[1, 2,',
			'{"k" 1}',
			'@',
		];
		for (s in samples) {
			try {
				var v = Json.decode(s);
				var enc = Json.encode(v);
				var again = Json.encode(Json.decode(enc));
				Sys.println("  " + enc + (enc == again ? " (stable)" : " (UNSTABLE " + again + ")"));
			} catch (e:String) {
				Sys.println("  json error: " + e);
			}
		}
		var built = {title: "Report", count: 3, ratio: 0.75, items: [{id: 1, ok: true}, {id: 2, ok: false}], note: "line1\nline2\t\"q\""};
		Sys.println("  built: " + Json.encode(built));

		// binary trees
		Sys.println("== binary trees");
		var maxDepth = 12;
		var minDepth = 4;
		var stretch = TreeNode.bottomUp(maxDepth + 1);
		Sys.println("stretch tree of depth " + (maxDepth + 1) + "\t check: " + stretch.check());
		var longLived = TreeNode.bottomUp(maxDepth);
		var d = minDepth;
		while (d <= maxDepth) {
			var iterations = 1 << (maxDepth - d + minDepth);
			var check = 0;
			for (i in 0...iterations)
				check += TreeNode.bottomUp(d).check();
			Sys.println(iterations + "\t trees of depth " + d + "\t check: " + check);
			d += 2;
		}
		Sys.println("long lived tree of depth " + maxDepth + "\t check: " + longLived.check());

		// n-body
		Sys.println("== n-body");
		var sys = new NBody();
		Sys.println("energy before: " + fmt(sys.energy(), 9) + " raw " + sys.energy());
		for (step in 0...5) {
			for (i in 0...200)
				sys.advance(0.01);
			Sys.println("after " + ((step + 1) * 200) + " steps: " + fmt(sys.energy(), 9));
		}
		Sys.println("energy after: " + sys.energy());
		var b1 = sys.bodies[1];
		Sys.println("jupiter position: " + fmt(b1.x, 6) + " " + fmt(b1.y, 6) + " " + fmt(b1.z, 6));
	}
}
