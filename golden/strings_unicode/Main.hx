using StringTools;

class Main {
	static function codes(s:String):String {
		var out = [];
		for (i in 0...s.length)
			out.push(StringTools.hex(s.charCodeAt(i), 4));
		return out.join(" ");
	}

	// replaces unpaired surrogates by \uXXXX so that no lone surrogate is ever printed
	static function safe(s:String):String {
		var b = new StringBuf();
		var i = 0;
		while (i < s.length) {
			var c = s.charCodeAt(i);
			if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xDC00 && s.charCodeAt(i + 1) <= 0xDFFF) {
				b.addChar(((c - 0xD800) << 10) + (s.charCodeAt(i + 1) - 0xDC00) + 0x10000);
				i += 2;
				continue;
			}
			if (c >= 0xD800 && c <= 0xDFFF)
				b.add("\\u" + StringTools.hex(c, 4));
			else
				b.addChar(c);
			i++;
		}
		return b.toString();
	}

	static function hash(s:String):Int {
		var h = 5381;
		for (i in 0...s.length)
			h = (h * 33) ^ s.charCodeAt(i);
		return h;
	}

	static function main() {
		Sys.println("== fromCharCode ==");
		var cps = [0x41, 0xE9, 0x3A9, 0x416, 0x4E2D, 0xFFFD, 0x10000, 0x1F600, 0x1F4A9, 0x10FFFF, 0x20AC, 0x1D11E];
		for (cp in cps) {
			var s = String.fromCharCode(cp);
			Sys.println(StringTools.hex(cp) + " -> [" + s + "] len=" + s.length + " codes=" + codes(s) + " bytes=" + haxe.io.Bytes.ofString(s).toHex());
		}

		Sys.println("== StringBuf ==");
		var b = new StringBuf();
		for (cp in cps)
			b.addChar(cp);
		b.add("|");
		b.addSub("héllo wörld", 1, 4);
		b.add("|");
		b.addSub("😀😁😂", 2, 2);
		b.add("|");
		b.addSub("abc", 1);
		b.add("|");
		b.add(3.25);
		b.add(-7);
		b.add(false);
		var bs = b.toString();
		Sys.println(bs + " len=" + bs.length + " buflen=" + b.length);
		Sys.println("codes: " + codes(bs));

		Sys.println("== concatenation ==");
		var parts = ["α", "β", "😀", "x", "日本", "\u00e9", "e\u0301"];
		var acc = "";
		for (p in parts)
			acc += p;
		Sys.println(acc + " len=" + acc.length + " hash=" + hash(acc));
		var joined = parts.join("·");
		Sys.println(joined + " len=" + joined.length);
		var back = joined.split("·");
		Sys.println("split roundtrip ok=" + (back.join("·") == joined) + " n=" + back.length + " eq parts=" + (back.toString() == parts.toString()));
		for (sep in ["", ",", "😀", "ab", "日"]) {
			var src = "a😀b日本ab,c😀😀d日";
			var sp = src.split(sep);
			Sys.println("split by '" + sep + "': " + sp.length + " [" + [for (x in sp) safe(x)].join("|") + "] rejoin ok=" + (sp.join(sep) == src));
		}

		Sys.println("== substr / substring ==");
		var s = "ab😀cd日本語ef";
		Sys.println("s=" + s + " len=" + s.length);
		for (args in [[0, 3], [2, 2], [3, 1], [-3, 2], [-1, 5], [-20, 3], [4, -1], [5, 0], [100, 2], [-4, 100]]) {
			Sys.println("substr(" + args[0] + "," + args[1] + ")=[" + safe(s.substr(args[0], args[1])) + "] codes=" + codes(s.substr(args[0], args[1])));
		}
		Sys.println("substr(-2)=[" + s.substr(-2) + "] substr(7)=[" + s.substr(7) + "]");
		for (args in [[0, 3], [3, 0], [-5, 2], [4, 100], [6, 6], [2, 4]])
			Sys.println("substring(" + args[0] + "," + args[1] + ")=[" + safe(s.substring(args[0], args[1])) + "]");

		Sys.println("== indexOf / lastIndexOf ==");
		var hay = "abcabc😀abc😀";
		for (needle in ["a", "abc", "😀", "c😀", "", "z"]) {
			var fw = [];
			var bw = [];
			for (start in [0, 1, 3, 6, 8, 11, 13, 20, -1])
				fw.push(hay.indexOf(needle, start));
			for (start in [0, 1, 3, 6, 8, 11, 13, 20])
				bw.push(hay.lastIndexOf(needle, start));
			Sys.println("'" + needle + "' idx=" + hay.indexOf(needle) + " last=" + hay.lastIndexOf(needle) + " from=" + fw + " lastFrom=" + bw);
		}

		Sys.println("== case mapping ==");
		for (t in ["Hello Wörld", "ÀÉÎÕÜ àéîõü", "Ωμέγα ΣΊΣΥΦΟΣ", "Привет МИР", "straße", "ǅǈ", "İıI", "ÿŸ", "日本語 ABC def", "😀aB", "ﬀ ﬁ", "Ⅷ ⅷ"]) {
			Sys.println(t + " -> up=" + t.toUpperCase() + " low=" + t.toLowerCase());
		}

		Sys.println("== charCodeAt iteration ==");
		var mix = "a\u00e9\u4e2d😀\ud7ff\ue000";
		var i = 0;
		var out = [];
		while (i < mix.length) {
			var c = mix.charCodeAt(i);
			if (c >= 0xD800 && c <= 0xDBFF && i + 1 < mix.length) {
				var lo = mix.charCodeAt(i + 1);
				out.push("U+" + StringTools.hex(((c - 0xD800) << 10) + (lo - 0xDC00) + 0x10000));
				i += 2;
			} else {
				out.push("U+" + StringTools.hex(c, 4));
				i++;
			}
		}
		Sys.println(out.join(" ") + " charCodeAt(len)=" + mix.charCodeAt(mix.length) + " charAt(len)=[" + mix.charAt(mix.length) + "]");
		var uit = [];
		for (c in new haxe.iterators.StringIteratorUnicode(mix))
			uit.push(StringTools.hex(c));
		Sys.println("unicode iterator: " + uit.join(","));
		var kvs = [];
		for (k => c in new haxe.iterators.StringKeyValueIteratorUnicode("x😀y"))
			kvs.push(k + ":" + StringTools.hex(c));
		Sys.println("unicode kv iterator: " + kvs.join(","));
		Sys.println("utf16CodePointAt: " + StringTools.hex(@:privateAccess StringTools.utf16CodePointAt("😀", 0)) + " " + StringTools.hex(@:privateAccess StringTools.utf16CodePointAt("a😀", 1)));

		Sys.println("== bytes roundtrip ==");
		for (t in ["plain", "héllo", "日本語", "😀x😁", ""]) {
			var by = haxe.io.Bytes.ofString(t);
			var rt = by.toString();
			Sys.println("[" + t + "] utf8 bytes=" + by.length + " hex=" + by.toHex() + " back eq=" + (rt == t) + " len=" + rt.length);
		}
		var raw = haxe.io.Bytes.ofHex("e697a5e69cace8aa9e");
		Sys.println("ofHex toString: " + raw.toString() + " getString(3,3)=" + raw.getString(3, 3));

		Sys.println("== StringTools on unicode ==");
		Sys.println("[" + "  ünï  ".trim() + "] " + "日本".lpad("*", 5) + " " + "😀".rpad("-", 5) + " " + "a😀b😀c".replace("😀", "<>") + " "
			+ "ÀB".startsWith("À") + " " + "xyz😀".endsWith("😀") + " " + "naïve".contains("ï"));
		Sys.println("urlEncode: " + "日本 😀".urlEncode() + " decode back: " + "日本 😀".urlEncode().urlDecode());
		Sys.println("htmlEscape: " + "<ü & 😀>".htmlEscape());

		Sys.println("== big strings ==");
		var big = new StringBuf();
		for (k in 0...20000) {
			big.addChar(0x61 + k % 26);
			if (k % 1000 == 999)
				big.addChar(0x1F600 + (k % 7));
		}
		var bigS = big.toString();
		Sys.println("big len=" + bigS.length + " hash=" + hash(bigS) + " idx of 😂=" + bigS.indexOf("😂") + " last a=" + bigS.lastIndexOf("a"));
		var rep = "";
		for (k in 0...200)
			rep += "ab😀";
		Sys.println("rep len=" + rep.length + " count 😀=" + (rep.split("😀").length - 1) + " hash=" + hash(rep));
		var upperBig = bigS.toUpperCase();
		Sys.println("upper hash=" + hash(upperBig) + " same len=" + (upperBig.length == bigS.length));
		Sys.println("done");
	}
}
