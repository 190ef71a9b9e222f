import sys.io.Process;

class Main {
	static function show(s:String):String {
		return StringTools.replace(StringTools.replace(s, "\r", "\\r"), "\n", "\\n");
	}

	static function main() {
		var args = Sys.args();
		if (args[0] == "--child")
			child(args[1], args.slice(2));
		else if (Sys.systemName() == "Windows")
			windows();
		else
			posix();
	}

	// Unix commands: echo, sh, cat, sleep (the reference output is hl's on Linux).
	static function posix() {
		// Program with arguments (looked up in PATH).
		var p = new Process("echo", ["hello", "world", "with space", "quote\"d"]);
		Sys.println("echo out: " + show(p.stdout.readAll().toString()));
		Sys.println("echo exit: " + p.exitCode());
		p.close();

		// Shell command with an exit code.
		var p = new Process("echo to-out; echo to-err 1>&2; exit 3");
		Sys.println("sh out: " + show(p.stdout.readAll().toString()));
		Sys.println("sh err: " + show(p.stderr.readAll().toString()));
		Sys.println("sh exit: " + p.exitCode());
		p.close();

		var p = new Process("sh", ["-c", "exit 42"]);
		Sys.println("sh -c exit: " + p.exitCode());
		p.close();

		// Writing to stdin of cat.
		var p = new Process("cat", []);
		p.stdin.writeString("line one\n");
		p.stdin.writeString("line two\n");
		var big = new StringBuf();
		for (i in 0...2000)
			big.add("x");
		p.stdin.writeString(big.toString() + "\n");
		p.stdin.close();
		Sys.println("cat line: " + p.stdout.readLine());
		Sys.println("cat line: " + p.stdout.readLine());
		Sys.println("cat big: " + p.stdout.readLine().length);
		try {
			p.stdout.readLine();
			Sys.println("no eof?");
		} catch (e:haxe.io.Eof) {
			Sys.println("cat eof");
		}
		Sys.println("cat exit: " + p.exitCode());
		p.close();

		// Binary round trip through cat.
		var p = new Process("cat");
		var b = haxe.io.Bytes.alloc(300);
		for (i in 0...300)
			b.set(i, i & 0xFF);
		p.stdin.write(b);
		p.stdin.close();
		var got = p.stdout.readAll();
		var ok = got.compare(b) == 0;
		Sys.println("binary: " + got.length + " same=" + ok);
		p.exitCode();
		p.close();

		// Non-blocking exit code while the process is still running.
		var p = new Process("cat");
		Sys.println("running: " + (p.exitCode(false) == null));
		p.stdin.close();
		Sys.println("after close: " + p.exitCode());
		Sys.println("after wait: " + p.exitCode(false));
		p.close();

		// Lots of output on both streams.
		var p = new Process("i=0; while [ $i -lt 500 ]; do echo out$i; i=$((i+1)); done; echo done 1>&2");
		var out = p.stdout.readAll().toString();
		Sys.println("many lines: " + out.split("\n").length + " err=" + show(p.stderr.readAll().toString()));
		Sys.println("exit: " + p.exitCode());
		p.close();

		// Unknown program.
		var p = new Process("hlc-no-such-program-xyz", ["a"]);
		Sys.println("unknown err: " + show(p.stderr.readAll().toString()));
		Sys.println("unknown exit: " + p.exitCode());
		p.close();

		// Killed process.
		var p = new Process("sleep", ["10"]);
		p.kill();
		Sys.println("killed exit: " + StringTools.hex(p.exitCode()));
		p.close();

		// Sys.command.
		Sys.println("command exit: " + Sys.command("exit 5"));
		Sys.println("command args: " + Sys.command("true", ["a", "b"]));
		Sys.println("command false: " + Sys.command("false"));
		var code = Sys.command("sh", ["-c", "echo from-command"]);
		Sys.println("command code: " + code);
	}

	// What a child started by windows() does: this program, run again.
	static function child(mode:String, args:Array<String>) {
		switch (mode) {
			case "args":
				Sys.println(args.length + " " + [for (a in args) "[" + a + "]"].join(" "));
			case "cat":
				// Echoes lines until the end of its input, then exits with the line count.
				var n = 0;
				try {
					while (true) {
						Sys.println(Sys.stdin().readLine());
						n++;
					}
				} catch (e:haxe.io.Eof) {}
				Sys.exit(n);
			case "exit":
				Sys.exit(Std.parseInt(args[0]));
			case _:
				Sys.exit(99);
		}
	}

	// The process that runs this program again with `args` (a .hl file is run by its VM).
	static function self(args:Array<String>):Process {
		var prog = Sys.programPath();
		if (!StringTools.endsWith(prog, ".hl"))
			return new Process(prog, ["--child"].concat(args));
		var vm = Sys.executablePath();
		var pre = ~/hlc(\.exe)?$/i.match(vm) ? ["run", prog] : [prog];
		return new Process(vm, pre.concat(["--child"]).concat(args));
	}

	// Windows has no echo, sh, cat or sleep programs: the shell is cmd.exe
	// (a Process without arguments runs "%COMSPEC%" /C), and the programs
	// that must see their arguments and input exactly are this one
	// (child()). The C runtime's text-mode streams write each "\n" as
	// "\r\n", shown as \r\n.
	static function windows() {
		// Program with arguments: Haxe quotes each one, the child's C runtime splits them.
		var p = self(["args", "hello", "world", "with space", "quote\"d", "back\\slash", "tail\\", "\\\"both", ""]);
		Sys.println("args out: " + show(p.stdout.readAll().toString()));
		Sys.println("args exit: " + p.exitCode());
		p.close();

		// Shell command with an exit code.
		var p = new Process("echo to-out& echo to-err>&2& exit 3");
		Sys.println("cmd out: " + show(p.stdout.readAll().toString()));
		Sys.println("cmd err: " + show(p.stderr.readAll().toString()));
		Sys.println("cmd exit: " + p.exitCode());
		p.close();

		var p = self(["exit", "42"]);
		Sys.println("child exit: " + p.exitCode());
		p.close();

		// Writing to stdin of a child that echoes lines and exits with their count.
		var p = self(["cat"]);
		p.stdin.writeString("line one\n");
		p.stdin.writeString("line two\n");
		var big = new StringBuf();
		for (i in 0...2000)
			big.add("x");
		p.stdin.writeString(big.toString() + "\n");
		p.stdin.close();
		Sys.println("cat line: " + p.stdout.readLine());
		Sys.println("cat line: " + p.stdout.readLine());
		Sys.println("cat big: " + p.stdout.readLine().length);
		try {
			p.stdout.readLine();
			Sys.println("no eof?");
		} catch (e:haxe.io.Eof) {
			Sys.println("cat eof");
		}
		Sys.println("cat exit: " + p.exitCode());
		p.close();

		// Non-blocking exit code while the process is still running.
		var p = self(["cat"]);
		Sys.println("running: " + (p.exitCode(false) == null));
		p.stdin.close();
		Sys.println("after close: " + p.exitCode());
		Sys.println("after wait: " + p.exitCode(false));
		p.close();

		// Lots of output on both streams.
		var p = new Process("(for /L %i in (0,1,499) do @echo out%i)& echo done>&2");
		var out = p.stdout.readAll().toString();
		Sys.println("many lines: " + out.split("\n").length + " err=" + show(p.stderr.readAll().toString()));
		Sys.println("exit: " + p.exitCode());
		p.close();

		// Unknown program: CreateProcess fails, as in hl on Windows.
		try {
			new Process("hlc-no-such-program-xyz", ["a"]);
			Sys.println("unknown started?");
		} catch (e:Dynamic) {
			Sys.println("unknown: " + e);
		}

		// Killed process (TerminateProcess with hl's exit code).
		var p = self(["cat"]);
		p.kill();
		Sys.println("killed exit: " + StringTools.hex(p.exitCode()));
		p.close();

		// Sys.command (through cmd.exe).
		Sys.println("command exit: " + Sys.command("exit 5"));
		Sys.println("command args: " + Sys.command("cmd", ["/c", "exit", "0"]));
		Sys.println("command false: " + Sys.command("exit 1"));
		var code = Sys.command("cmd", ["/c", "echo", "from-command"]);
		Sys.println("command code: " + code);
	}
}
