import sys.io.Process;

class Main {
	static function show(s:String):String {
		return StringTools.replace(s, "\n", "\\n");
	}

	static function main() {
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
}
