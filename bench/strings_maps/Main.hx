// Strings, StringBuf and maps: building keys, hashing, lookups, iteration.
class Main {
	static function main() {
		var m = new Map<String, Int>();
		var im = new Map<Int, String>();
		for (i in 0...300000) {
			var k = "key" + (i * 7919 % 100003);
			m.set(k, (m.exists(k) ? m.get(k) : 0) + i);
			im.set(i * 31, k);
		}
		var total = 0;
		for (k => v in m) total = (total + v + k.length) & 0x3FFFFFFF;
		var b = new StringBuf();
		for (i in 0...200000) {
			b.add(im.get(i * 31));
			b.addChar(44);
		}
		var s = b.toString();
		var parts = s.split(",");
		Sys.println(total + " " + s.length + " " + parts.length + " " + s.indexOf("key99991"));
	}
}
