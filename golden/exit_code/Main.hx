class Main {
	static function work(n:Int):Int {
		var s = 0;
		for (i in 0...n)
			s += i * i % 7;
		return s;
	}

	static function main() {
		Sys.println("starting");
		for (i in 0...50)
			Sys.println("line " + i + " work=" + work(i * 100));
		Sys.print("unterminated output before exit: ");
		Sys.print(work(12345));
		Sys.stderr().writeString("stderr before exit\n");
		trace("trace before exit");
		var big = new StringBuf();
		for (i in 0...5000)
			big.add(String.fromCharCode(65 + i % 26));
		Sys.print(big.toString());
		try {
			throw "caught before exit";
		} catch (e:String) {
			Sys.print("\n" + e + "\n");
		}
		Sys.print("last words without newline");
		Sys.exit(3);
		Sys.println("never printed");
	}
}
