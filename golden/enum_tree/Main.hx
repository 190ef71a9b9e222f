enum Op {
	Nop;
	Push(v:Int);
	PushF(f:Float);
	PushS(s:String);
	Pop;
	Dup;
	Swap;
	Add;
	Sub;
	Mul;
	Div;
	Neg;
	Jmp(target:Int);
	Jz(target:Int);
	Call(name:String, argc:Int);
	Label(name:String);
	Pair(a:Op, b:Op);
	Many(ops:Array<Op>);
	Opt(v:Null<Int>);
	Flag(b:Bool);
}

class Main {
	static function main() {
		AVL.run();
		OpsDemo.run();
	}
}

enum T {
	E;
	N(l:T, k:Int, v:String, r:T, h:Int);
}

class AVL {
	static function h(t:T):Int {
		return switch (t) {
			case E: 0;
			case N(_, _, _, _, hh): hh;
		}
	}

	static function mk(l:T, k:Int, v:String, r:T):T {
		var hl = h(l), hr = h(r);
		return N(l, k, v, r, (hl > hr ? hl : hr) + 1);
	}

	static function rotR(t:T):T {
		return switch (t) {
			case N(N(a, lk, lv, b, _), k, v, c, _): mk(a, lk, lv, mk(b, k, v, c));
			default: t;
		}
	}

	static function rotL(t:T):T {
		return switch (t) {
			case N(a, k, v, N(b, rk, rv, c, _), _): mk(mk(a, k, v, b), rk, rv, c);
			default: t;
		}
	}

	static function balance(t:T):T {
		switch (t) {
			case E:
				return t;
			case N(l, k, v, r, _):
				var bf = h(l) - h(r);
				if (bf > 1) {
					var l2 = switch (l) {
						case N(ll, _, _, lr, _) if (h(ll) < h(lr)): rotL(l);
						default: l;
					}
					return rotR(mk(l2, k, v, r));
				}
				if (bf < -1) {
					var r2 = switch (r) {
						case N(rl, _, _, rr, _) if (h(rr) < h(rl)): rotR(r);
						default: r;
					}
					return rotL(mk(l, k, v, r2));
				}
				return mk(l, k, v, r);
		}
	}

	public static function insert(t:T, k:Int, v:String):T {
		return switch (t) {
			case E: N(E, k, v, E, 1);
			case N(l, kk, vv, r, _):
				if (k < kk) balance(mk(insert(l, k, v), kk, vv, r)); else if (k > kk) balance(mk(l, kk, vv, insert(r, k, v))); else mk(l, k, v, r);
		}
	}

	static function minNode(t:T):{k:Int, v:String} {
		return switch (t) {
			case N(E, k, v, _, _): {k: k, v: v};
			case N(l, _, _, _, _): minNode(l);
			case E: null;
		}
	}

	public static function remove(t:T, k:Int):T {
		return switch (t) {
			case E: E;
			case N(l, kk, vv, r, _):
				if (k < kk) balance(mk(remove(l, k), kk, vv, r)); else if (k > kk) balance(mk(l, kk, vv, remove(r, k))); else {
					switch [l, r] {
						case [E, _]: r;
						case [_, E]: l;
						default:
							var m = minNode(r);
							balance(mk(l, m.k, m.v, remove(r, m.k)));
					}
				}
		}
	}

	public static function find(t:T, k:Int):Null<String> {
		var cur = t;
		while (true) {
			switch (cur) {
				case E:
					return null;
				case N(l, kk, v, r, _):
					if (k == kk)
						return v;
					cur = k < kk ? l : r;
			}
		}
	}

	static function size(t:T):Int {
		return switch (t) {
			case E: 0;
			case N(l, _, _, r, _): size(l) + 1 + size(r);
		}
	}

	static function check(t:T):Bool {
		return switch (t) {
			case E: true;
			case N(l, k, _, r, hh):
				var d = h(l) - h(r);
				d >= -1 && d <= 1 && hh == (h(l) > h(r) ? h(l) : h(r)) + 1 && check(l) && check(r);
		}
	}

	static function inorder(t:T, out:Array<Int>) {
		switch (t) {
			case E:
			case N(l, k, _, r, _):
				inorder(l, out);
				out.push(k);
				inorder(r, out);
		}
	}

	static function show(t:T, depth:Int):String {
		return switch (t) {
			case E: ".";
			case N(E, k, _, E, _): "" + k;
			case N(l, k, _, r, _): if (depth > 3) "(" + k + "...)" else "(" + show(l, depth + 1) + " " + k + " " + show(r, depth + 1) + ")";
		}
	}

	public static function run() {
		var t = E;
		for (i in 0...16)
			t = insert(t, i, "v" + i);
		Sys.println("sequential 16: " + show(t, 0) + " h=" + h(t) + " ok=" + check(t));
		var seed = 12345;
		var keys = [];
		for (i in 0...3000) {
			seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF;
			var k = seed % 5000;
			keys.push(k);
			t = insert(t, k, "k" + k);
		}
		Sys.println("after random inserts: size=" + size(t) + " h=" + h(t) + " ok=" + check(t));
		var hits = 0, misses = 0;
		for (k in 0...5000) {
			if (find(t, k) != null)
				hits++;
			else
				misses++;
		}
		Sys.println("hits=" + hits + " misses=" + misses + " find(keys[7])=" + find(t, keys[7]) + " find(-1)=" + find(t, -1));
		for (i in 0...1500)
			t = remove(t, keys[i]);
		Sys.println("after removes: size=" + size(t) + " h=" + h(t) + " ok=" + check(t));
		var out = [];
		inorder(t, out);
		var sorted = true;
		for (i in 1...out.length)
			if (out[i - 1] >= out[i])
				sorted = false;
		var cs = 0;
		for (k in out)
			cs = (cs * 31 + k) | 0;
		Sys.println("inorder sorted=" + sorted + " first=" + out.slice(0, 8) + " checksum=" + cs);
		Sys.println("enum eq of leaves: " + Type.enumEq(E, E) + " small trees eq: " + Type.enumEq(insert(insert(E, 1, "a"), 2, "b"), insert(insert(E, 1, "a"), 2, "b")));
		Sys.println("small tree string: " + Std.string(insert(insert(insert(E, 2, "b"), 1, "a"), 3, "c")));
	}
}

class OpsDemo {
	static function describe(op:Op):String {
		return switch (op) {
			case Nop: "nop";
			case Push(v) if (v < 0): "push-neg " + v;
			case Push(0): "push-zero";
			case Push(v): "push " + v;
			case PushF(f): "pushf " + f;
			case PushS(""): "push-empty-string";
			case PushS(s): "pushs '" + s + "'";
			case Pop: "pop";
			case Dup: "dup";
			case Swap: "swap";
			case Add | Sub | Mul | Div: "arith " + Type.enumConstructor(op).toLowerCase();
			case Neg: "neg";
			case Jmp(t) | Jz(t): (op.match(Jmp(_)) ? "jmp " : "jz ") + t;
			case Call(n, 0): "call0 " + n;
			case Call(n, a): "call " + n + "/" + a;
			case Label(n): n + ":";
			case Pair(Push(a), Push(b)): "push-pair " + (a + b);
			case Pair(a, b): "pair[" + describe(a) + "; " + describe(b) + "]";
			case Many([]): "many-empty";
			case Many([single]): "many-one " + describe(single);
			case Many(ops): "many " + ops.length + " first=" + describe(ops[0]);
			case Opt(null): "opt-none";
			case Opt(v): "opt " + v;
			case Flag(true): "flag-on";
			case Flag(false): "flag-off";
		}
	}

	public static function run() {
		var ops = [
			Nop, Push(-5), Push(0), Push(42), PushF(2.5), PushF(-0.125), PushS(""), PushS("hi"), Pop, Dup, Swap, Add, Sub, Mul, Div, Neg, Jmp(3), Jz(9),
			Call("f", 0), Call("g", 2), Label("loop"), Pair(Push(1), Push(2)), Pair(Pop, Many([Dup, Dup])), Many([]), Many([Neg]), Many([Push(1), Pop, Nop]),
			Opt(null), Opt(0), Opt(7), Flag(true), Flag(false)
		];
		var counts = new Map<Int, Int>();
		for (op in ops) {
			Sys.println(StringTools.lpad("" + op.getIndex(), " ", 2) + " " + describe(op) + "   <" + Std.string(op) + ">");
			counts.set(op.getIndex(), (counts.exists(op.getIndex()) ? counts.get(op.getIndex()) : 0) + 1);
		}
		var ks = [for (k in counts.keys()) k];
		ks.sort((a, b) -> a - b);
		Sys.println("counts: " + [for (k in ks) k + "x" + counts.get(k)].join(" "));
		Sys.println("params of Pair: " + Type.enumParameters(Pair(Push(1), Flag(true))) + " of Many: " + Type.enumParameters(Many([Nop, Pop])));
		Sys.println("constructors: " + Type.getEnumConstructs(Op).join(","));
	}
}
