import haxe.ds.List;
import haxe.ds.GenericStack;
import haxe.ds.BalancedTree;
import haxe.ds.Option;
import haxe.crypto.Base64;
import haxe.crypto.Sha256;
import haxe.crypto.Crc32;
import haxe.crypto.Adler32;
import haxe.io.Bytes;
import haxe.Json;

using Lambda;
using StringTools;

// Pure-Haxe MD5 / SHA-1 (HashLink's std versions need fmt.hdll).
class PureMd5 {
	static var S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
	static var K:Array<Int> = null;

	static function rol(x:Int, c:Int):Int {
		return (x << c) | (x >>> (32 - c));
	}

	public static function make(msg:Bytes):Bytes {
		if (K == null)
			K = [for (i in 0...64) Std.int(Math.ffloor(Math.abs(Math.sin(i + 1)) * 4294967296.0) - (Math.abs(Math.sin(i + 1)) * 4294967296.0 >= 2147483648.0 ? 4294967296.0 : 0))];
		var len = msg.length;
		var padded = ((len + 8) >> 6) + 1;
		var buf = Bytes.alloc(padded * 64);
		buf.fill(0, buf.length, 0);
		buf.blit(0, msg, 0, len);
		buf.set(len, 0x80);
		buf.setInt32(buf.length - 8, len << 3);
		buf.setInt32(buf.length - 4, len >>> 29);
		var a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
		for (chunk in 0...padded) {
			var m = [for (j in 0...16) buf.getInt32(chunk * 64 + j * 4)];
			var a = a0, b = b0, c = c0, d = d0;
			for (i in 0...64) {
				var f:Int, g:Int;
				if (i < 16) {
					f = (b & c) | (~b & d);
					g = i;
				} else if (i < 32) {
					f = (d & b) | (~d & c);
					g = (5 * i + 1) % 16;
				} else if (i < 48) {
					f = b ^ c ^ d;
					g = (3 * i + 5) % 16;
				} else {
					f = c ^ (b | ~d);
					g = (7 * i) % 16;
				}
				f = f + a + K[i] + m[g];
				a = d;
				d = c;
				c = b;
				b = b + rol(f, S[i]);
			}
			a0 += a;
			b0 += b;
			c0 += c;
			d0 += d;
		}
		var out = Bytes.alloc(16);
		out.setInt32(0, a0);
		out.setInt32(4, b0);
		out.setInt32(8, c0);
		out.setInt32(12, d0);
		return out;
	}

	public static function encode(s:String):String {
		return make(Bytes.ofString(s)).toHex();
	}
}

class PureSha1 {
	static function rol(x:Int, c:Int):Int {
		return (x << c) | (x >>> (32 - c));
	}

	static function be32(b:Bytes, pos:Int):Int {
		return (b.get(pos) << 24) | (b.get(pos + 1) << 16) | (b.get(pos + 2) << 8) | b.get(pos + 3);
	}

	static function setBe32(b:Bytes, pos:Int, v:Int) {
		b.set(pos, v >>> 24);
		b.set(pos + 1, (v >>> 16) & 0xFF);
		b.set(pos + 2, (v >>> 8) & 0xFF);
		b.set(pos + 3, v & 0xFF);
	}

	public static function make(msg:Bytes):Bytes {
		var len = msg.length;
		var blocks = ((len + 8) >> 6) + 1;
		var buf = Bytes.alloc(blocks * 64);
		buf.fill(0, buf.length, 0);
		buf.blit(0, msg, 0, len);
		buf.set(len, 0x80);
		setBe32(buf, buf.length - 8, len >>> 29);
		setBe32(buf, buf.length - 4, len << 3);
		var h0 = 0x67452301, h1 = 0xEFCDAB89, h2 = 0x98BADCFE, h3 = 0x10325476, h4 = 0xC3D2E1F0;
		var w = new haxe.ds.Vector<Int>(80);
		for (blk in 0...blocks) {
			for (t in 0...16)
				w[t] = be32(buf, blk * 64 + t * 4);
			for (t in 16...80)
				w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
			var a = h0, b = h1, c = h2, d = h3, e = h4;
			for (t in 0...80) {
				var f, k;
				if (t < 20) {
					f = (b & c) | (~b & d);
					k = 0x5A827999;
				} else if (t < 40) {
					f = b ^ c ^ d;
					k = 0x6ED9EBA1;
				} else if (t < 60) {
					f = (b & c) | (b & d) | (c & d);
					k = 0x8F1BBCDC;
				} else {
					f = b ^ c ^ d;
					k = 0xCA62C1D6;
				}
				var tmp = rol(a, 5) + f + e + k + w[t];
				e = d;
				d = c;
				c = rol(b, 30);
				b = a;
				a = tmp;
			}
			h0 += a;
			h1 += b;
			h2 += c;
			h3 += d;
			h4 += e;
		}
		var out = Bytes.alloc(20);
		var i = 0;
		for (h in [h0, h1, h2, h3, h4]) {
			setBe32(out, i, h);
			i += 4;
		}
		return out;
	}

	public static function encode(s:String):String {
		return make(Bytes.ofString(s)).toHex();
	}
}

class Main {
	static function main() {
		// haxe.ds.List
		var l = new List<Int>();
		l.add(1);
		l.add(2);
		l.push(0);
		l.add(3);
		Sys.println("list " + l + " length=" + l.length + " first=" + l.first() + " last=" + l.last());
		Sys.println("list pop=" + l.pop() + " remove(2)=" + l.remove(2) + " remove(9)=" + l.remove(9) + " -> " + l);
		var lm = l.map(x -> x * 100);
		Sys.println("list map " + lm + " filter " + l.filter(x -> x > 1) + " join " + l.join("+") + " isEmpty " + l.isEmpty());
		var ls = new List<String>();
		for (w in ["x", "y", "z"])
			ls.add(w);
		var acc = [];
		for (w in ls)
			acc.push(w.toUpperCase());
		Sys.println("list iter " + acc);
		ls.clear();
		Sys.println("cleared " + ls + " isEmpty " + ls.isEmpty() + " pop " + ls.pop());

		// GenericStack
		var st = new GenericStack<String>();
		st.add("bottom");
		st.add("middle");
		st.add("top");
		Sys.println("stack first=" + st.first() + " toString=" + st.toString());
		Sys.println("stack pop=" + st.pop() + " pop=" + st.pop() + " isEmpty=" + st.isEmpty());
		st.add("again");
		Sys.println("stack iter " + [for (s in st) s] + " remove bottom=" + st.remove("bottom") + " then " + [for (s in st) s]);
		var sti = new GenericStack<Int>();
		for (i in 0...5)
			sti.add(i * i);
		var total = 0;
		while (!sti.isEmpty())
			total += sti.pop();
		Sys.println("int stack total " + total);

		// BalancedTree
		var bt = new BalancedTree<String, Int>();
		for (w in "delta alpha echo charlie bravo golf foxtrot hotel india".split(" "))
			bt.set(w, w.length);
		Sys.println("tree keys " + [for (k in bt.keys()) k]);
		Sys.println("tree values " + [for (v in bt) v]);
		Sys.println("tree get echo=" + bt.get("echo") + " get zulu=" + bt.get("zulu") + " exists golf=" + bt.exists("golf"));
		Sys.println("tree remove alpha=" + bt.remove("alpha") + " remove zulu=" + bt.remove("zulu"));
		Sys.println("tree toString " + bt.toString());
		var bti = new BalancedTree<Int, String>();
		for (i in [50, 20, 80, 10, 30, 70, 90, 25, 35, 5])
			bti.set(i, "n" + i);
		for (i in [20, 90])
			bti.remove(i);
		Sys.println("int tree " + [for (k => v in bti.keyValueIterator()) k + "=" + v].join(" "));
		var copyT = bti.copy();
		copyT.set(1, "one");
		Sys.println("tree copy size " + [for (k in copyT.keys()) k].length + " original size " + [for (k in bti.keys()) k].length);

		// Option
		var opts = [Some(5), None, Some(-1)];
		for (o in opts)
			Sys.println("option " + o + " -> " + switch (o) {
				case Some(v) if (v > 0): "positive " + v;
				case Some(v): "other " + v;
				case None: "nothing";
			});

		// Json
		Sys.println("json int " + Json.stringify(42));
		Sys.println("json float " + Json.stringify(3.25) + " " + Json.stringify(1e21) + " " + Json.stringify(0.1));
		Sys.println("json string " + Json.stringify("he said \"hi\"\n\ttab\\ é ☺"));
		Sys.println("json control " + Json.stringify("\x01\x1f"));
		Sys.println("json bool/null " + Json.stringify(true) + " " + Json.stringify(null));
		Sys.println("json array " + Json.stringify([1, 2, 3]) + " " + Json.stringify(["a", "b"]) + " " + Json.stringify([[1], [], [2, [3]]]));
		Sys.println("json object " + Json.stringify({name: "value"}) + " " + Json.stringify({list: ([1, {x: true}] : Array<Dynamic>)}));
		Sys.println("json pretty " + Json.stringify([1, [2, 3]], null, "  ").replace("\n", "\\n"));
		Sys.println("json replacer " + Json.stringify([1, 2, 3], function(k:Dynamic, v:Dynamic):Dynamic {
			if (Std.isOfType(v, Int)) {
				var i:Int = v;
				return i * 10;
			}
			return v;
		}));
		var parsed:Dynamic = Json.parse('{"a": [1, 2.5, "three", null, true], "b": {"c": "d\\u00e9"}}');
		var arr:Array<Dynamic> = parsed.a;
		Sys.println("json parse a=" + arr + " len=" + arr.length + " b.c=" + parsed.b.c);
		var n:Dynamic = Json.parse("123");
		var fl:Dynamic = Json.parse("-1.5e2");
		var s:Dynamic = Json.parse('"str\\n\\"esc\\""');
		Sys.println("json parse scalars " + n + " " + fl + " " + s);
		Sys.println("json roundtrip " + Json.stringify(Json.parse('[{"k":[1,2,{"z":null}]}]')));
		try {
			Json.parse("{bad json}");
		} catch (e:Dynamic) {
			Sys.println("json parse error caught: " + Std.string(e));
		}

		// url encoding
		var urls = ["hello world", "a+b=c&d", "ümlaut/é", "safe-_.~", "100%", ""];
		for (u in urls) {
			var enc = u.urlEncode();
			Sys.println("urlEncode [" + u + "] = [" + enc + "] decode ok=" + (enc.urlDecode() == u));
		}

		// crypto
		var inputs = ["", "a", "abc", "hello world", "The quick brown fox jumps over the lazy dog", "é日本😀"];
		for (i in inputs) {
			Sys.println("input [" + i + "]");
			Sys.println("  md5    " + PureMd5.encode(i));
			Sys.println("  sha1   " + PureSha1.encode(i));
			Sys.println("  sha256 " + Sha256.encode(i));
			var b = Bytes.ofString(i);
			Sys.println("  base64 " + Base64.encode(b) + " nopad " + Base64.encode(b, false) + " urlsafe " + Base64.urlEncode(b));
			Sys.println("  crc32 " + Crc32.make(b) + " adler32 " + Adler32.make(b) + " bytes " + b.length + " hex " + b.toHex());
		}
		var dec = Base64.decode("SGVsbG8sIEhhc2hMaW5rIQ==");
		Sys.println("base64 decode: " + dec.toString());
		var longStr = [for (i in 0...100) String.fromCharCode(33 + i % 90)].join("");
		Sys.println("md5 long " + PureMd5.encode(longStr) + " sha1 long " + PureSha1.encode(longStr));
		var md5b = PureMd5.make(Bytes.ofString("bytes"));
		Sys.println("md5 bytes " + md5b.toHex());

		// Bytes
		var by = Bytes.alloc(8);
		by.fill(0, 8, 0);
		by.set(0, 0xAB);
		by.set(1, 300);
		by.setInt32(2, 0x12345678);
		by.setUInt16(6, 0xBEEF);
		Sys.println("bytes " + by.toHex() + " get1=" + by.get(1) + " int32=" + StringTools.hex(by.getInt32(2)) + " u16=" + StringTools.hex(by.getUInt16(6)));
		var fb = Bytes.alloc(8);
		fb.setDouble(0, 1.5);
		Sys.println("double bytes " + fb.toHex() + " back " + fb.getDouble(0));
		fb.setFloat(0, 0.1);
		Sys.println("float32 roundtrip " + fb.getFloat(0));
		var sub = Bytes.ofString("abcdefgh").sub(2, 4);
		Sys.println("sub " + sub.toString() + " compare " + Bytes.ofString("abc").compare(Bytes.ofString("abd")));
		var bb = new haxe.io.BytesBuffer();
		bb.addByte(65);
		bb.addString("BC");
		bb.addInt32(0x44434241);
		Sys.println("bytes buffer " + bb.getBytes().toString());

		// Lambda
		var nums = [4, 8, 15, 16, 23, 42];
		Sys.println("lambda count=" + nums.count() + " count odd=" + nums.count(x -> x % 2 == 1));
		Sys.println("lambda exists>40=" + nums.exists(x -> x > 40) + " foreach>3=" + nums.foreach(x -> x > 3) + " has 15=" + nums.has(15));
		Sys.println("lambda fold sum=" + nums.fold((x, a) -> a + x, 0) + " find=" + nums.find(x -> x > 10) + " findIndex=" + nums.findIndex(x -> x > 10));
		Sys.println("lambda map=" + nums.map(x -> x + 1) + " filter=" + nums.filter(x -> x > 10) + " array=" + Lambda.array(l));
		Sys.println("lambda indexOf 23=" + nums.indexOf(23) + " empty=" + Lambda.empty([]) + " concat=" + Lambda.concat([1, 2], [3]));
		Sys.println("lambda mapi=" + Lambda.mapi(nums, (i, x) -> i * x) + " flatten=" + Lambda.flatten([[1, 2], [3], []]) + " flatMap=" + Lambda.flatMap([1, 2, 3], x -> [x, -x]));
		var lst = Lambda.list([3, 1, 2]);
		Sys.println("lambda list " + lst);

		// IntIterator, Std misc
		var it = new IntIterator(3, 7);
		Sys.println("IntIterator " + [for (i in it) i]);
		Sys.println("Std.random is not used; Std.int/parse " + Std.int(9.99) + " " + Std.parseInt("77"));
		trace("stdlib misc done");
	}
}
