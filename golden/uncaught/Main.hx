class Failure {
	public var why:String;

	public function new(why:String) {
		this.why = why;
	}

	public function toString() {
		return "Failure<" + why + ">";
	}
}

class Worker {
	var steps:Int;

	public function new(steps:Int) {
		this.steps = steps;
	}

	public function run():Int {
		var total = 0;
		for (i in 0...steps) {
			total += process(i);
		}
		return total;
	}

	function process(i:Int):Int {
		if (i == 3)
			throw new Failure("step " + i + " exploded");
		Sys.println("processed step " + i);
		return i * i;
	}
}

class Main {
	static function main() {
		Sys.println("starting");
		trace("about to run worker");
		try {
			throw "handled first";
		} catch (e:String) {
			Sys.println("caught: " + e);
		}
		var w = new Worker(10);
		var r = w.run();
		Sys.println("never printed " + r);
	}
}
