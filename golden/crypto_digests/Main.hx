import haxe.crypto.Adler32;
import haxe.crypto.Base64;
import haxe.crypto.BaseCode;
import haxe.crypto.Crc32;
import haxe.crypto.Hmac;
import haxe.crypto.Md5;
import haxe.crypto.Sha1;
import haxe.crypto.Sha224;
import haxe.crypto.Sha256;
import haxe.io.Bytes;

// Digests (fmt@digest for Md5 / Sha1, pure Haxe for the others), checksums
// through hl.Format.digest directly, HMAC, Base64 and BaseCode.
class Main {
	static function longString():String {
		var b = new StringBuf();
		for (i in 0...5000)
			b.add(String.fromCharCode(32 + (i * 7) % 95));
		return b.toString();
	}

	static function binary(n:Int):Bytes {
		var b = Bytes.alloc(n);
		var x = 1;
		for (i in 0...n) {
			x = (x * 1103515245 + 12345) & 0x7FFFFFFF;
			b.set(i, x >> 16);
		}
		return b;
	}

	static function rawDigest(b:Bytes, algo:Int, init:Int):Int {
		var out = Bytes.alloc(4);
		out.setInt32(0, init);
		hl.Format.digest(out.getData(), b.getData(), b.length, algo);
		return out.getInt32(0);
	}

	static function hex(i:Int):String {
		return StringTools.hex(i, 8);
	}

	static function main() {
		var inputs = [
			"",
			"a",
			"abc",
			"message digest",
			"The quick brown fox jumps over the lazy dog",
			"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
			"h\u00e9llo w\u00f6rld",
			"\u20ac uro \u4e2d\u6587 \u{1F600}",
			longString()
		];
		for (s in inputs) {
			var label = s.length > 40 ? s.substr(0, 20) + "...(" + s.length + ")" : '"' + s + '"';
			Sys.println(label);
			Sys.println("  md5    " + Md5.encode(s));
			Sys.println("  sha1   " + Sha1.encode(s));
			Sys.println("  sha224 " + Sha224.encode(s));
			Sys.println("  sha256 " + Sha256.encode(s));
			var b = Bytes.ofString(s);
			Sys.println("  crc32  " + hex(Crc32.make(b)) + " adler32 " + hex(Adler32.make(b)));
			Sys.println("  md5(bytes) " + Md5.make(b).toHex() + " sha1(bytes) " + Sha1.make(b).toHex());
		}

		// Binary data, including the empty buffer and sizes around block boundaries.
		for (n in [0, 1, 55, 56, 63, 64, 65, 119, 1000, 100000]) {
			var b = binary(n);
			Sys.println('binary $n: md5 ${Md5.make(b).toHex()} sha1 ${Sha1.make(b).toHex()}');
			// (Haxe 4.2's Sha224.make writes past its 28-byte result: Sha224.encode only.)
			if (n > 0)
				Sys.println('  sha256 ${Sha256.make(b).toHex()}');
			Sys.println('  crc32 ${hex(Crc32.make(b))} adler32 ${hex(Adler32.make(b))}');
			// The native checksums (2 = crc32, 3 = adler32) agree with the Haxe ones.
			if (n > 0) {
				Sys.println('  native crc32 ${hex(rawDigest(b, 2, 0))} adler32 ${hex(rawDigest(b, 3, 1))}');
				// Continuing from a previous value: checksum of the two halves.
				var h = n >> 1;
				var c = rawDigest(b.sub(h, n - h), 2, rawDigest(b.sub(0, h), 2, 0));
				var a = rawDigest(b.sub(h, n - h), 3, rawDigest(b.sub(0, h), 3, 1));
				Sys.println('  chained crc32 ${hex(c)} adler32 ${hex(a)}');
			}
		}
		// Incremental CRC32 object.
		var crc = new Crc32();
		for (i in 0...256)
			crc.byte(i);
		Sys.println("Crc32 bytes 0..255: " + hex(crc.get()));

		// HMAC with each hash.
		var key = Bytes.ofString("key");
		var msg = Bytes.ofString("The quick brown fox jumps over the lazy dog");
		Sys.println("hmac md5    " + new Hmac(MD5).make(key, msg).toHex());
		Sys.println("hmac sha1   " + new Hmac(SHA1).make(key, msg).toHex());
		Sys.println("hmac sha256 " + new Hmac(SHA256).make(key, msg).toHex());
		var longKey = binary(200);
		Sys.println("hmac long key " + new Hmac(SHA1).make(longKey, Bytes.alloc(0)).toHex());

		// Base64 and BaseCode.
		for (s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "h\u00e9llo \u20ac"]) {
			var e = Base64.encode(Bytes.ofString(s));
			var e2 = Base64.encode(Bytes.ofString(s), false);
			var u = Base64.urlEncode(Bytes.ofString(s));
			Sys.println('base64 "$s" -> $e | $e2 | $u -> "${Base64.decode(e).toString()}" "${Base64.urlDecode(u).toString()}"');
		}
		var bin = binary(64);
		var enc = Base64.encode(bin);
		Sys.println("base64 binary " + enc + " round trip " + (Base64.decode(enc).compare(bin) == 0));
		var hexCode = new BaseCode(Bytes.ofString("0123456789abcdef"));
		var b16 = hexCode.encodeBytes(Bytes.ofString("Hello, HashLink!"));
		Sys.println("base16 " + b16.toString() + " -> " + hexCode.decodeBytes(b16).toString());
		Sys.println("BaseCode.encode " + BaseCode.encode("hi there", "01234567"));
		Sys.println("BaseCode.decode " + BaseCode.decode(BaseCode.encode("hi there", "01234567"), "01234567"));
		var b32 = new BaseCode(Bytes.ofString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
		Sys.println("base32 " + b32.encodeString("foobar") + " -> " + b32.decodeString(b32.encodeString("foobar")));
	}
}
