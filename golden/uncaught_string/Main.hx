class Main {
	static function check(x:Int):Int {
		if (x > 3)
			throw "value too large: " + x;
		return x * 10;
	}

	static function main() {
		var small = [1, 2, 3].map(x -> check(x));
		Sys.println("small mapped: " + small);
		try {
			[5].map(check);
		} catch (e:String) {
			Sys.println("caught: " + e);
		}
		var values = [0, 1, 2, 3, 4, 5];
		var mapped = values.map(function(v) {
			Sys.println("mapping " + v);
			return check(v);
		});
		Sys.println("not reached " + mapped);
	}
}
