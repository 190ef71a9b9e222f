// A toy Forth-like stack language: tokenizer, compiler to an instruction
// array (with user-defined words, if/else/then, begin/until, do/loop) and a
// virtual machine with a data stack, a return stack and a small memory.
enum Instr {
	IPush(v:Int);
	IStr(s:String);
	IPrim(name:String);
	ICall(addr:Int);
	IRet;
	IJmp(addr:Int);
	IJz(addr:Int);
	IDo;
	ILoop(addr:Int);
	II;
	IJ;
	IHalt;
}

class VmError extends haxe.Exception {}

class Compiler {
	public var code:Array<Instr> = [];
	public var words:Map<String, Int> = new Map();

	var prims = [
		"+", "-", "*", "/", "mod", "dup", "drop", "swap", "over", "rot", ".", "emit", "cr", "=", "<", ">", "and", "or", "not", "@", "!", "negate", "abs",
		"max", "min", "depth", ".s", "type"
	];

	public function new() {}

	static function tokenize(src:String):Array<String> {
		var toks = [];
		var i = 0;
		while (i < src.length) {
			var c = src.charAt(i);
			if (c == " " || c == "\n" || c == "\t") {
				i++;
				continue;
			}
			if (c == "(") {
				while (i < src.length && src.charAt(i) != ")")
					i++;
				i++;
				continue;
			}
			if (src.substr(i, 3) == ".\" ") {
				var end = src.indexOf("\"", i + 3);
				toks.push("\"" + src.substring(i + 3, end));
				i = end + 1;
				continue;
			}
			var start = i;
			while (i < src.length && src.charAt(i) != " " && src.charAt(i) != "\n")
				i++;
			toks.push(src.substring(start, i));
		}
		return toks;
	}

	public function compile(src:String):Int {
		var toks = tokenize(src);
		var main = [];
		var pos = 0;
		// first pass: definitions are compiled immediately, the rest is collected for main
		var control:Array<{kind:String, at:Int}> = [];
		var target = main;
		var defining = false;
		var emit = function(i:Instr) {
			if (defining)
				code.push(i)
			else
				main.push(i);
		};
		var here = function() return defining ? code.length : main.length;
		var patch = function(at:Int, i:Instr) {
			if (defining)
				code[at] = i
			else
				main[at] = i;
		};
		while (pos < toks.length) {
			var t = toks[pos++];
			var lt = t.toLowerCase();
			if (lt == ":") {
				var name = toks[pos++].toLowerCase();
				defining = true;
				words.set(name, code.length);
				continue;
			}
			if (lt == ";") {
				code.push(IRet);
				defining = false;
				continue;
			}
			switch (lt) {
				case "if":
					control.push({kind: "if", at: here()});
					emit(IJz(-1));
				case "else":
					var c = control.pop();
					control.push({kind: "else", at: here()});
					emit(IJmp(-1));
					patch(c.at, IJz(here()));
				case "then":
					var c = control.pop();
					patch(c.at, c.kind == "if" ? IJz(here()) : IJmp(here()));
				case "begin":
					control.push({kind: "begin", at: here()});
				case "until":
					emit(IJz(control.pop().at));
				case "do":
					emit(IDo);
					control.push({kind: "do", at: here()});
				case "loop":
					emit(ILoop(control.pop().at));
				case "i":
					emit(II);
				case "j":
					emit(IJ);
				default:
					if (t.charAt(0) == "\"") {
						emit(IStr(t.substr(1)));
					} else if (words.exists(lt)) {
						emit(ICall(words.get(lt)));
					} else if (prims.indexOf(lt) >= 0) {
						emit(IPrim(lt));
					} else {
						var n = Std.parseInt(t);
						if (n == null)
							throw new VmError("unknown word: " + t);
						emit(IPush(n));
					}
			}
		}
		var entry = code.length;
		for (i in main) {
			code.push(switch (i) {
				case IJz(a): IJz(a + entry);
				case IJmp(a): IJmp(a + entry);
				case ILoop(a): ILoop(a + entry);
				default: i;
			});
		}
		code.push(IHalt);
		return entry;
	}
}

class Vm {
	var stack:Array<Int> = [];
	var rstack:Array<Int> = [];
	var loops:Array<{index:Int, limit:Int}> = [];
	var mem = new haxe.ds.Vector<Int>(256);

	public var out = new StringBuf();
	public var steps = 0;

	public function new() {
		for (i in 0...mem.length)
			mem[i] = 0;
	}

	inline function pop():Int {
		if (stack.length == 0)
			throw new VmError("stack underflow");
		return stack.pop();
	}

	public function run(code:Array<Instr>, entry:Int, maxSteps:Int) {
		var pc = entry;
		while (true) {
			if (++steps > maxSteps)
				throw new VmError("step limit exceeded at pc " + pc);
			var ins = code[pc++];
			switch (ins) {
				case IPush(v):
					stack.push(v);
				case IStr(s):
					out.add(s);
				case IPrim(p):
					prim(p);
				case ICall(a):
					rstack.push(pc);
					pc = a;
				case IRet:
					pc = rstack.pop();
				case IJmp(a):
					pc = a;
				case IJz(a):
					if (pop() == 0)
						pc = a;
				case IDo:
					var index = pop();
					var limit = pop();
					loops.push({index: index, limit: limit});
				case ILoop(a):
					var l = loops[loops.length - 1];
					l.index++;
					if (l.index < l.limit)
						pc = a;
					else
						loops.pop();
				case II:
					stack.push(loops[loops.length - 1].index);
				case IJ:
					stack.push(loops[loops.length - 2].index);
				case IHalt:
					return;
			}
		}
	}

	function prim(p:String) {
		switch (p) {
			case "+":
				var b = pop(), a = pop();
				stack.push(a + b);
			case "-":
				var b = pop(), a = pop();
				stack.push(a - b);
			case "*":
				var b = pop(), a = pop();
				stack.push(a * b);
			case "/":
				var b = pop(), a = pop();
				if (b == 0)
					throw new VmError("division by zero");
				stack.push(Std.int(a / b));
			case "mod":
				var b = pop(), a = pop();
				if (b == 0)
					throw new VmError("division by zero");
				stack.push(a % b);
			case "dup":
				var a = pop();
				stack.push(a);
				stack.push(a);
			case "drop":
				pop();
			case "swap":
				var b = pop(), a = pop();
				stack.push(b);
				stack.push(a);
			case "over":
				var b = pop(), a = pop();
				stack.push(a);
				stack.push(b);
				stack.push(a);
			case "rot":
				var c = pop(), b = pop(), a = pop();
				stack.push(b);
				stack.push(c);
				stack.push(a);
			case ".":
				out.add(pop());
				out.add(" ");
			case "emit":
				out.addChar(pop());
			case "cr":
				out.add("\n");
			case "=":
				stack.push(pop() == pop() ? -1 : 0);
			case "<":
				var b = pop(), a = pop();
				stack.push(a < b ? -1 : 0);
			case ">":
				var b = pop(), a = pop();
				stack.push(a > b ? -1 : 0);
			case "and":
				stack.push(pop() & pop());
			case "or":
				stack.push(pop() | pop());
			case "not":
				stack.push(pop() == 0 ? -1 : 0);
			case "@":
				stack.push(mem[pop() & 255]);
			case "!":
				var addr = pop(), v = pop();
				mem[addr & 255] = v;
			case "negate":
				stack.push(-pop());
			case "abs":
				var a = pop();
				stack.push(a < 0 ? -a : a);
			case "max":
				var b = pop(), a = pop();
				stack.push(a > b ? a : b);
			case "min":
				var b = pop(), a = pop();
				stack.push(a < b ? a : b);
			case "depth":
				stack.push(stack.length);
			case ".s":
				out.add("<" + stack.length + "> " + stack.join(" ") + " ");
			case "type":
				var n = pop();
				for (k in 0...n)
					out.addChar(65 + (k % 26));
			default:
				throw new VmError("bad prim " + p);
		}
	}
}

class Main {
	static function runProgram(name:String, src:String, maxSteps = 2000000) {
		Sys.println("--- " + name);
		var c = new Compiler();
		var vm = new Vm();
		try {
			var entry = c.compile(src);
			vm.run(c.code, entry, maxSteps);
			Sys.println(StringTools.trim(vm.out.toString()));
			Sys.println("[ok: " + c.code.length + " instrs, " + vm.steps + " steps]");
		} catch (e:VmError) {
			Sys.println(StringTools.trim(vm.out.toString()));
			Sys.println("[error: " + e.message + " after " + vm.steps + " steps]");
		}
	}

	static function main() {
		runProgram("arith", "2 3 + . 10 4 - . 6 7 * . 100 7 / . 100 7 mod . -7 2 / . -7 2 mod . 5 negate abs . 3 9 max . 3 9 min . .s");
		runProgram("stack ops", "1 2 3 rot .s cr drop swap .s cr over .s cr dup * .s depth .");
		runProgram("factorial", ": fact ( n -- n! ) dup 1 > if dup 1 - fact * then ; 1 fact . 5 fact . 10 fact . 12 fact . 13 fact .");
		runProgram("fib loop", ": fib ( n -- f ) 0 1 rot 0 do over + swap loop drop ; 20 0 do i fib . loop cr 46 fib . 47 fib .");
		runProgram("nested do", "5 1 do 5 1 do i j * . loop cr loop");
		runProgram("begin until", ": countdown begin dup . 1 - dup 0 = until drop ; 10 countdown cr 1 countdown");
		runProgram("gcd", ": gcd begin dup 0 = not if swap over mod 0 else -1 then until drop ; 1071 462 gcd . 17 5 gcd . 0 9 gcd . 270 192 gcd .");
		runProgram("primes via memory",
			": clear 200 0 do 0 i ! loop ; : mark ( p -- ) dup dup * begin dup 200 < if dup 1 swap ! over + 0 else -1 then until drop drop ; "
			+ ": sieve 15 2 do i @ 0 = if i mark then loop ; : show 200 2 do i @ 0 = if i . then loop ; clear sieve show");
		runProgram("strings", ".\" hello world\" cr 65 emit 66 emit 67 emit cr 30 type cr .\" done\"");
		runProgram("collatz", ": step dup 2 mod if 3 * 1 + else 2 / then ; : steps 0 swap begin dup 1 = not if step swap 1 + swap 0 else -1 then until drop ; "
			+ "30 1 do i steps . loop");
		runProgram("overflow", "2147483647 1 + . -2147483648 1 - . 65536 65536 * . 46341 46341 * .");
		runProgram("underflow error", "1 2 + . drop drop");
		runProgram("div zero error", "10 0 / .");
		runProgram("unknown word", "1 2 frobnicate");
		runProgram("infinite loop", ": forever begin 0 until ; forever", 50000);
		runProgram("deep recursion", ": down dup 0 > if 1 - down then ; 5000 down .");
		var big = new StringBuf();
		big.add(": sq dup * ; : sumsq 0 swap 0 do i sq + loop ; ");
		for (k in 1...30)
			big.add((k * 37) + " sumsq . ");
		runProgram("generated", big.toString());
		Sys.println("done");
	}
}
