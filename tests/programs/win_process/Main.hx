import sys.io.Process;

// Run on Windows by tests/executables.rs with the path of bincat.exe, a
// byte-transparent filter: bytes written to a child's stdin come back from
// its stdout unchanged (no text-mode translation anywhere on the way).
class Main {
	static function main() {
		var helper = Sys.args()[0];
		// Every byte value, then the ones a text-mode stream changes: "\r\n", a lone "\n", Ctrl-Z.
		var b = haxe.io.Bytes.alloc(600);
		for (i in 0...256)
			b.set(i, i);
		for (i in 256...600)
			b.set(i, [13, 10, 10, 26, 0, 255][i % 6]);
		var p = new Process(helper, ["x y", "q\"z", ""]);
		p.stdin.write(b);
		p.stdin.close();
		var got = p.stdout.readAll();
		Sys.println("binary: " + got.length + " same=" + (got.compare(b) == 0));
		Sys.println("stderr: " + p.stderr.readAll().toString().split("\n").join("|"));
		try {
			p.stdout.readByte();
			Sys.println("no eof?");
		} catch (e:haxe.io.Eof) {
			Sys.println("eof");
		}
		Sys.println("exit: " + p.exitCode());
		Sys.println("pid: " + (p.getPid() > 0));
		p.close();

		// The parent's pipe ends are not inherited: a second child started
		// while the first one's stdin is open does not keep it open.
		var first = new Process(helper, []);
		var second = new Process(helper, []);
		first.stdin.writeString("one");
		first.stdin.close();
		Sys.println("first: " + first.stdout.readAll().toString() + " exit " + first.exitCode());
		second.stdin.close();
		Sys.println("second: " + second.stdout.readAll().length + " exit " + second.exitCode());
		first.close();
		second.close();
	}
}
