// Byte manipulation and hashing written in Haxe: CRC-32 and Adler-32 from
// the standard library, SHA-256 (Array<Int> based), FNV-1a over bytes and a
// word-wise xorshift fill through getInt32/setInt32.
import haxe.io.Bytes;

class Main {
	static function fill(b:Bytes, seed:Int) {
		var s = seed;
		var i = 0;
		while (i + 4 <= b.length) {
			s ^= s << 13;
			s ^= s >>> 17;
			s ^= s << 5;
			b.setInt32(i, s);
			i += 4;
		}
	}

	static function fnv(b:Bytes):Int {
		var h = 0x811C9DC5;
		for (i in 0...b.length)
			h = (h ^ b.get(i)) * 0x01000193;
		return h;
	}

	static function xorWords(b:Bytes):Int {
		var x = 0;
		var i = 0;
		while (i + 4 <= b.length) {
			x = (x ^ b.getInt32(i)) + (x << 3);
			i += 4;
		}
		return x;
	}

	static function main() {
		var data = Bytes.alloc(1 << 20);
		var crc = 0, adler = 0, f = 0, w = 0;
		for (round in 0...12) {
			fill(data, 0x2545F491 + round);
			crc ^= haxe.crypto.Crc32.make(data);
			adler ^= haxe.crypto.Adler32.make(data);
			f ^= fnv(data);
			w ^= xorWords(data);
		}
		Sys.println("crc " + crc + " adler " + adler + " fnv " + f + " words " + w);
		var small = data.sub(0, 1 << 18);
		var digest = "";
		for (k in 0...4) {
			small.set(0, k);
			digest = haxe.crypto.Sha256.make(small).toHex();
		}
		Sys.println("sha256 " + digest);
	}
}
