class Main {
	static function main() {
		trace("Hello, world!");
		Sys.println("Hello from Sys.println");
		Sys.print("no newline, ");
		Sys.print("then newline\n");
		trace(42);
		trace(3.5);
		trace(true);
		trace(null);
		var name = "HashLink";
		trace('Hello, $name! 1 + 2 = ${1 + 2}');
		Sys.println("done");
	}
}
