enum Cmd {
	Move(dx:Int, dy:Int);
	Say(text:String);
	Batch(cmds:Array<Cmd>);
	Quit;
}

typedef Pt = {x:Int, y:Int};

class Main {
	static function intSwitch(i:Int):String {
		return switch (i) {
			case 0: "zero";
			case 1 | 2 | 3: "small";
			case 4, 5: "four-or-five";
			case n if (n < 0): "negative " + n;
			case 100: "hundred";
			case n if (n % 2 == 0): "even " + n;
			case _: "odd " + i;
		}
	}

	static function denseSwitch(i:Int):Int {
		switch (i) {
			case 0:
				return 10;
			case 1:
				return 11;
			case 2:
				return 12;
			case 3:
				return 13;
			case 4:
				return 14;
			case 5:
				return 15;
			case 6:
				return 16;
			case 7:
				return 17;
			case 8:
				return 18;
			case 9:
				return 19;
			default:
				return -1;
		}
	}

	static function stringSwitch(s:String):Int {
		return switch (s) {
			case "apple": 1;
			case "banana" | "cherry": 2;
			case "": 0;
			case x if (x.length > 8): 99;
			case x if (x.charAt(0) == "z"): 26;
			default: -1;
		}
	}

	static function arraySwitch(a:Array<Int>):String {
		return switch (a) {
			case []: "empty";
			case [x]: "one " + x;
			case [x, y] if (x == y): "pair of " + x;
			case [x, y]: "two " + (x + y);
			case [1, _, 3]: "1?3";
			case [_, _, _]: "three";
			default: "many " + a.length;
		}
	}

	static function structSwitch(p:Pt):String {
		return switch (p) {
			case {x: 0, y: 0}: "origin";
			case {x: 0, y: y}: "on y axis at " + y;
			case {x: x, y: 0}: "on x axis at " + x;
			case {x: x, y: y} if (x == y): "diagonal " + x;
			case {x: x, y: y}: "point " + x + "," + y;
		}
	}

	static function run(c:Cmd, pos:Pt, log:Array<String>):Bool {
		switch (c) {
			case Move(0, 0):
				log.push("noop move");
			case Move(dx, 0):
				pos.x += dx;
				log.push("horizontal " + dx);
			case Move(0, dy):
				pos.y += dy;
				log.push("vertical " + dy);
			case Move(dx, dy):
				pos.x += dx;
				pos.y += dy;
				log.push("diag " + dx + "," + dy);
			case Say(t) if (t.length == 0):
				log.push("silence");
			case Say(t):
				log.push("say '" + t + "'");
			case Batch([]):
				log.push("empty batch");
			case Batch([single]):
				log.push("batch of one");
				return run(single, pos, log);
			case Batch(cmds):
				log.push("batch of " + cmds.length);
				for (x in cmds)
					if (!run(x, pos, log))
						return false;
			case Quit:
				log.push("quit");
				return false;
		}
		return true;
	}

	static function boolTuple(a:Bool, b:Bool):String {
		return switch [a, b] {
			case [true, true]: "both";
			case [true, false] | [false, true]: "one";
			case [false, false]: "none";
		}
	}

	static function nullable(v:Null<Int>):String {
		return switch (v) {
			case null: "null!";
			case 0: "zero";
			case n: "num " + n;
		}
	}

	static function fizz(i:Int):String {
		return switch [i % 3, i % 5] {
			case [0, 0]: "FizzBuzz";
			case [0, _]: "Fizz";
			case [_, 0]: "Buzz";
			default: Std.string(i);
		}
	}

	static function main() {
		Sys.println([for (i in [-5, 0, 1, 2, 3, 4, 5, 6, 7, 100, 101, 102]) intSwitch(i)].join(" | "));
		Sys.println([for (i in -2...12) denseSwitch(i)].join(","));
		Sys.println([for (s in ["apple", "banana", "cherry", "", "watermelon", "zebra", "kiwi", "Apple"]) s + "=" + stringSwitch(s)].join(" "));
		Sys.println([for (a in [[], [7], [3, 3], [3, 4], [1, 2, 3], [1, 9, 4], [1, 2, 3, 4]]) arraySwitch(a)].join(" | "));
		Sys.println([for (p in [{x: 0, y: 0}, {x: 0, y: 5}, {x: -2, y: 0}, {x: 3, y: 3}, {x: 1, y: 2}]) structSwitch(p)].join(" | "));
		var pos = {x: 0, y: 0};
		var log = [];
		var program = [
			Move(0, 0), Move(3, 0), Move(0, -2), Move(1, 1), Say(""), Say("hi"), Batch([]), Batch([Move(5, 5)]),
			Batch([Say("a"), Batch([Move(-1, 0), Say("b")]), Move(0, 10)]), Batch([Say("before quit"), Quit, Say("never")]), Say("after")
		];
		for (c in program) {
			if (!run(c, pos, log)) {
				log.push("stopped");
				break;
			}
		}
		Sys.println("log: " + log.join("; "));
		Sys.println("final pos " + pos.x + "," + pos.y);
		Sys.println(boolTuple(true, true) + " " + boolTuple(true, false) + " " + boolTuple(false, true) + " " + boolTuple(false, false));
		Sys.println(nullable(null) + " " + nullable(0) + " " + nullable(42));
		Sys.println([for (i in 1...31) fizz(i)].join(" "));

		// switch as statement with fallthrough-free blocks and side effects
		var counts = [0, 0, 0, 0];
		for (i in 0...100) {
			switch (i % 7) {
				case 0 | 6:
					counts[0]++;
				case 1:
					counts[1]++;
				case 2 | 3 | 4:
					counts[2] += 2;
				default:
					counts[3]--;
			}
		}
		Sys.println("counts " + counts);

		// switch on enum index with char codes
		var text = "Hello, World! 123 ok?";
		var classes = new StringBuf();
		for (i in 0...text.length) {
			var c = text.charCodeAt(i);
			classes.add(switch (c) {
				case " ".code: "_";
				case ",".code | "!".code | "?".code: "p";
				case c if (c >= "0".code && c <= "9".code): "d";
				case c if (c >= "A".code && c <= "Z".code): "U";
				case _: "l";
			});
		}
		Sys.println("char classes " + classes.toString());

		// large sparse int switch
		var sparse = [for (v in [1, 10, 100, 1000, 10000, 65536, -1, 7, 2147483647]) switch (v) {
			case 1: "one";
			case 10: "ten";
			case 100: "hundred";
			case 1000: "thousand";
			case 10000: "ten-thousand";
			case 65536: "2^16";
			case 2147483647: "max";
			case -1: "minus one";
			default: "?";
		}];
		Sys.println("sparse " + sparse.join(","));

		// if-else chains and ternaries
		for (score in [95, 85, 75, 65, 55, -1]) {
			var grade = if (score >= 90) "A" else if (score >= 80) "B" else if (score >= 70) "C" else if (score >= 60) "D" else if (score >= 0) "F" else "invalid";
			Sys.print(grade + (score == -1 ? "\n" : ","));
		}
		trace("switch done");
	}
}
