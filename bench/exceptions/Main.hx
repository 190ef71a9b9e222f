// Cost of try blocks and of throw+catch (2M of each), across a few frames.
class Main {
	static var counter = 0;
	static function maybeThrow(i:Int, depth:Int):Int {
		if (depth > 0) return maybeThrow(i, depth - 1) + 1;
		if (i < 0) throw "negative";
		return i & 7;
	}
	static function main() {
		var sum = 0;
		for (i in 0...2000000) {
			try { sum += maybeThrow(i, 2); } catch (e:String) { sum--; }
		}
		Sys.println("try without throw: " + sum);
		var caught = 0;
		for (i in 0...2000000) {
			try { maybeThrow(-1, 2); } catch (e:String) { caught++; }
		}
		Sys.println("throw and catch: " + caught);
	}
}
