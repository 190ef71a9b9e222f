// Compressed bytes at every level must be the reference VM's exactly.
class Main {
	static function main() {
		var b = new StringBuf();
		for (i in 0...400)
			b.add("line " + (i * 7919 % 1000) + " of some fairly repetitive text; ");
		var data = haxe.io.Bytes.ofString(b.toString());
		for (level in 0...10) {
			var z = haxe.zip.Compress.run(data, level);
			var crc = haxe.crypto.Crc32.make(z);
			Sys.println('level $level: ${z.length} bytes, crc32 $crc, head ${z.sub(0, 16).toHex()}');
			var back = haxe.zip.Uncompress.run(z);
			if (back.compare(data) != 0) Sys.println("round trip failed");
		}
		var small = haxe.io.Bytes.ofString("hello hello hello hello");
		for (level in [1, 6, 9])
			Sys.println('small $level: ${haxe.zip.Compress.run(small, level).toHex()}');
	}
}
