import haxe.Exception;

class StopError extends Exception {
	public var at:Int;

	public function new(at:Int) {
		super("stop at " + at);
		this.at = at;
	}
}

class DeepError extends StopError {
	public var depth:Int;

	public function new(at:Int, depth:Int) {
		super(at);
		this.depth = depth;
	}

	override function toString():String {
		return "DeepError(at=" + at + ", depth=" + depth + ")";
	}
}

class Ctor {
	public var v:Int;

	public function new(v:Int) {
		if (v < 0)
			throw new StopError(v);
		if (v == 13)
			throw "unlucky";
		this.v = v;
	}
}

class Sub extends Ctor {
	public function new(v:Int) {
		Main.say("Sub ctor before super " + v);
		super(v * 2 - 100);
		Main.say("Sub ctor after super " + this.v);
	}
}

class Main {
	public static function say(s:String) {
		Sys.println(s);
	}

	static function descend(n:Int, throwAt:Int):Int {
		if (n == throwAt)
			throw new DeepError(n, throwAt);
		return 1 + descend(n + 1, throwAt);
	}

	static function descendCatchMid(n:Int, throwAt:Int, catchAt:Int):Int {
		if (n == throwAt)
			throw n;
		if (n == catchAt) {
			try {
				return descendCatchMid(n + 1, throwAt, catchAt);
			} catch (e:Int) {
				say("caught int " + e + " at depth " + n);
				return -1000;
			}
		}
		return 1 + descendCatchMid(n + 1, throwAt, catchAt);
	}

	static function main() {
		say("== across many frames ==");
		for (t in [5, 50, 500]) {
			try {
				descend(0, t);
			} catch (e:DeepError) {
				say("caught " + e.toString() + " message=" + e.message + " at=" + e.at);
			}
		}
		say("mid catch -> " + descendCatchMid(0, 40, 20));
		say("mid catch -> " + descendCatchMid(0, 10, 20 - 20));

		say("== inside sort comparator (Array<Int>) ==");
		var ints = [5, 3, 9, 1, 7, 2, 8];
		var calls = 0;
		try {
			ints.sort(function(a, b) {
				calls++;
				if (calls == 4)
					throw "cmp failed after " + calls;
				return a - b;
			});
		} catch (e:String) {
			say("caught: " + e);
		}
		say("array still has " + ints.length + " elements, sum=" + Lambda.fold(ints, (x, acc) -> x + acc, 0));

		say("== inside sort comparator (Array<String>) ==");
		var strs = ["pear", "apple", "fig", "kiwi", "banana"];
		try {
			strs.sort(function(a, b) {
				if (a == "fig" || b == "fig")
					throw new StopError(a.length + b.length);
				return Reflect.compare(a, b);
			});
		} catch (e:StopError) {
			say("caught StopError " + e.message);
		}
		strs.sort(Reflect.compare);
		say("sorted ok afterwards: " + strs);

		say("== inside sort comparator (Array<Float>) ==");
		var floats = [2.5, 1.5, 3.5, 0.5];
		try {
			floats.sort((a, b) -> {
				if (a + b > 5.5)
					throw a + b;
				return a < b ? -1 : 1;
			});
		} catch (e:Float) {
			say("caught float " + e);
		}

		say("== haxe.ds.ArraySort ==");
		var objs = [for (i in 0...20) {k: (i * 7) % 10, i: i}];
		var ncmp = 0;
		try {
			haxe.ds.ArraySort.sort(objs, function(a, b) {
				ncmp++;
				if (ncmp == 25)
					throw "arraysort " + a.i + "/" + b.i;
				return a.k - b.k;
			});
		} catch (e:String) {
			say("caught: " + e);
		}
		haxe.ds.ArraySort.sort(objs, (a, b) -> a.k - b.k);
		say("stable: " + [for (o in objs) o.k + ":" + o.i].join(" "));

		say("== inside map / filter ==");
		var src = [for (i in 0...10) i];
		try {
			var mapped = src.map(x -> {
				if (x == 6)
					throw new StopError(x);
				x * x;
			});
			say("not reached " + mapped);
		} catch (e:StopError) {
			say("map threw at " + e.at);
		}
		try {
			var filtered = src.filter(x -> x % 2 == 0 ? true : (x == 7 ? throw "filter " + x : false));
			say("not reached " + filtered);
		} catch (e:String) {
			say("filter threw: " + e);
		}
		var okMapped = src.map(x -> try {
			if (x % 3 == 0) throw x;
			x;
		} catch (e:Int) {
			-e;
		});
		say("map with inner catch: " + okMapped);

		say("== inside Lambda / iterators ==");
		try {
			Lambda.iter(src, x -> if (x == 4) throw "lambda iter " + x);
		} catch (e:String) {
			say("caught: " + e);
		}
		try {
			var found = Lambda.find(src, x -> {
				if (x > 8)
					throw new DeepError(x, 0);
				false;
			});
			say("found " + found);
		} catch (e:StopError) {
			say("caught as StopError: " + Std.string(e) + " isDeep=" + Std.isOfType(e, DeepError));
		}

		say("== inside EReg.map ==");
		var re = ~/[0-9]+/g;
		try {
			var r = re.map("a1 b22 c333 d4444", function(r) {
				var m = r.matched(0);
				if (m.length == 3)
					throw "regex cb " + m;
				return "<" + m + ">";
			});
			say("not reached " + r);
		} catch (e:String) {
			say("caught: " + e);
		}
		say("after: " + re.map("x9y88", r -> "[" + r.matched(0) + "]"));

		say("== Reflect.callMethod / makeVarArgs ==");
		var thrower = function(a:Int, b:Int):Int {
			if (a > b)
				throw new StopError(a - b);
			return b - a;
		};
		for (args in [[1, 5], [9, 2]]) {
			try {
				say("callMethod -> " + Reflect.callMethod(null, thrower, args));
			} catch (e:StopError) {
				say("callMethod threw " + e.message);
			}
		}
		var va:Dynamic = Reflect.makeVarArgs(function(args:Array<Dynamic>) {
			if (args.length > 2)
				throw "too many: " + args.length;
			return args.length;
		});
		try {
			say("varargs 2 -> " + va(1, 2));
			say("varargs 3 -> " + va(1, 2, 3));
		} catch (e:String) {
			say("varargs threw " + e);
		}

		say("== nested try in loops ==");
		var log = [];
		for (i in 0...6) {
			try {
				for (j in 0...6) {
					try {
						if ((i + j) % 4 == 3)
							throw j;
						if (i * j == 8)
							throw "outer " + i + "," + j;
						log.push(i * 10 + j);
					} catch (e:Int) {
						log.push(-e);
						if (e > 3)
							break;
						continue;
					}
				}
			} catch (e:String) {
				log.push(1000 + i);
			}
		}
		say("log: " + log.join(","));

		say("== exception in constructor ==");
		for (v in [5, -3, 13]) {
			try {
				var c = new Ctor(v);
				say("constructed " + c.v);
			} catch (e:StopError) {
				say("ctor StopError " + e.at);
			} catch (e:String) {
				say("ctor string " + e);
			}
		}
		for (v in [60, 40]) {
			try {
				var s = new Sub(v);
				say("sub constructed " + s.v);
			} catch (e:Exception) {
				say("sub ctor failed: " + e.message);
			}
		}

		say("== catch inside closures ==");
		var safeDiv = function(a:Int, b:Int):String {
			try {
				if (b == 0)
					throw "div0";
				return "" + Std.int(a / b);
			} catch (e:String) {
				return "err:" + e;
			}
		};
		say([safeDiv(10, 2), safeDiv(1, 0), safeDiv(-9, 4)].join(" "));
		var counter = 0;
		var retry = function(f:Void->Int):Int {
			for (attempt in 0...5) {
				try {
					return f();
				} catch (e:Dynamic) {
					say("attempt " + attempt + " failed: " + Std.string(e));
				}
			}
			return -1;
		};
		say("retry result " + retry(() -> {
			counter++;
			if (counter < 3) throw "flaky " + counter;
			counter * 100;
		}));

		say("== rethrow ==");
		try {
			try {
				throw new DeepError(1, 2);
			} catch (e:StopError) {
				say("inner caught " + e.toString() + ", rethrowing");
				throw e;
			}
		} catch (e:DeepError) {
			say("outer caught same object depth=" + e.depth);
		}
		try {
			try {
				throw "plain";
			} catch (e:Dynamic) {
				throw "wrapped(" + e + ")";
			}
		} catch (e:String) {
			say("outer got " + e);
		}

		say("== finally-like ==");
		for (k in 0...3) {
			var cleaned = false;
			try {
				try {
					if (k == 1)
						throw "k1";
					if (k == 2)
						throw new StopError(k);
					say("body ok " + k);
				} catch (e:Dynamic) {
					cleaned = true;
					throw e;
				}
				cleaned = true;
			} catch (e:String) {
				say("string " + e + " cleaned=" + cleaned);
			} catch (e:StopError) {
				say("stop " + e.at + " cleaned=" + cleaned);
			}
			say("after k=" + k + " cleaned=" + cleaned);
		}
		say("done");
	}
}
