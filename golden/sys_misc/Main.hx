enum Mood {
	Happy;
	Sad(level:Int);
}

class Thing {
	public var v:Int;

	public function new(v)
		this.v = v;

	public function toString()
		return "Thing(" + v + ")";
}

class Main {
	static function main() {
		var args = Sys.args();
		Sys.println("args length = " + args.length + " args = " + args);
		Sys.println("systemName nonempty = " + (Sys.systemName().length > 0));
		Sys.println(1);
		Sys.println(-2.5);
		Sys.println(true);
		Sys.println(null);
		Sys.println("");
		Sys.println([1, 2, 3]);
		Sys.println(["a" => 1]);
		Sys.println({x: 1});
		Sys.println(Happy);
		Sys.println(Sad(3));
		Sys.println(new Thing(4));
		Sys.println(haxe.io.Bytes.ofString("raw"));
		Sys.println(0.1 + 0.2);
		Sys.println(1e21);
		Sys.println('multi\nline\ttabbed');
		Sys.print("print without newline;");
		Sys.print(42);
		Sys.print(null);
		Sys.print("\n");
		var out = Sys.stdout();
		out.writeString("via stdout writeString\n");
		out.writeByte("!".code);
		out.writeByte("\n".code);
		out.write(haxe.io.Bytes.ofString("via stdout write bytes\n"));
		out.flush();
		var err = Sys.stderr();
		err.writeString("this goes to stderr\n");
		err.flush();
		Sys.println("back on stdout");
		var sb = new StringBuf();
		for (i in 0...2000)
			sb.add(i % 10);
		Sys.println(sb.toString());
		for (i in 0...300)
			Sys.print(i % 7 == 6 ? "\n" : "" + i + " ");
		Sys.println("");
		Sys.println("unicode: é 日本 😀");
		haxe.Log.trace("via haxe.Log.trace", null);
		haxe.Log.trace("with pos", {
			fileName: "Fake.hx",
			lineNumber: 77,
			className: "Fake",
			methodName: "m"
		});
		trace("trace with extra", [1, 2]);
		var oldTrace = haxe.Log.trace;
		haxe.Log.trace = function(v:Dynamic, ?infos:haxe.PosInfos) {
			Sys.println("custom trace: " + Std.string(v) + " @" + infos.lineNumber + " " + infos.methodName);
		};
		trace("redirected");
		trace(123);
		haxe.Log.trace = oldTrace;
		trace("restored");
		Sys.println("formatOutput: " + haxe.Log.formatOutput("msg", {
			fileName: "A.hx",
			lineNumber: 1,
			className: "A",
			methodName: "b",
			customParams: [2, 3]
		}));
		Sys.stderr().writeString("stderr line 2\n");
		Sys.println("done");
	}
}
