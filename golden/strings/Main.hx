using StringTools;

class Main {
	static function show(label:String, v:Dynamic) {
		Sys.println(label + ": " + Std.string(v));
	}

	static function main() {
		var s = "Hello, World";
		show("length", s.length);
		show("charAt(0)", s.charAt(0));
		show("charAt(7)", s.charAt(7));
		show("charAt(100)", "[" + s.charAt(100) + "]");
		show("charAt(-1)", "[" + s.charAt(-1) + "]");
		show("charCodeAt(1)", s.charCodeAt(1));
		show("charCodeAt(100)", s.charCodeAt(100));
		show("indexOf o", s.indexOf("o"));
		show("indexOf o from 5", s.indexOf("o", 5));
		show("indexOf xyz", s.indexOf("xyz"));
		show("indexOf empty", s.indexOf(""));
		show("lastIndexOf o", s.lastIndexOf("o"));
		show("lastIndexOf o from 7", s.lastIndexOf("o", 7));
		show("lastIndexOf l", s.lastIndexOf("l"));
		show("substr(7)", s.substr(7));
		show("substr(0,5)", s.substr(0, 5));
		show("substr(-5)", s.substr(-5));
		show("substr(-5,2)", s.substr(-5, 2));
		show("substr(3,-2)", "[" + s.substr(3, -2) + "]");
		show("substr(50)", "[" + s.substr(50) + "]");
		show("substring(7)", s.substring(7));
		show("substring(0,5)", s.substring(0, 5));
		show("substring(5,0)", s.substring(5, 0));
		show("substring(-3,4)", s.substring(-3, 4));
		show("substring(7,100)", s.substring(7, 100));
		show("toUpperCase", s.toUpperCase());
		show("toLowerCase", s.toLowerCase());
		show("split ', '", s.split(", "));
		show("split ''", "abc".split(""));
		show("split l", s.split("l"));
		show("split none", s.split("#"));
		show("split edge", ",a,,b,".split(","));
		show("fromCharCode", String.fromCharCode(72) + String.fromCharCode(105) + String.fromCharCode(0x263A));
		show("concat", "a" + 1 + 2 + "b" + (1 + 2) + true + null + 1.5);
		show("int+string", 1 + 2 + "c");

		// non-ascii
		var texts = ["héllo", "über", "日本語", "emoji😀!", "naïve café", "\u00e9", "Ωμέγα"];
		for (t in texts) {
			var codes = [];
			for (i in 0...t.length)
				codes.push(t.charCodeAt(i));
			Sys.println(t + " len=" + t.length + " codes=" + codes.join(",") + " upper=" + t.toUpperCase() + " lower=" + t.toLowerCase());
		}
		var emo = "a😀b";
		Sys.println("emoji substr: [" + emo.substr(0, 1) + "] [" + emo.substr(3) + "] indexOf b=" + emo.indexOf("b"));
		Sys.println("fromCharCode 0x1F600: " + String.fromCharCode(0x1F600) + " len=" + String.fromCharCode(0x1F600).length);
		Sys.println("japanese split: " + "日本,語".split(",").join("|") + " charAt(1)=" + "日本語".charAt(1));

		// StringBuf
		var b = new StringBuf();
		b.add("start");
		b.add(1);
		b.add(2.5);
		b.add(true);
		b.add(null);
		b.addChar(65);
		b.addChar(0xE9);
		b.addSub("abcdefgh", 2, 3);
		b.addSub("xyz", 1);
		for (i in 0...5)
			b.add(i);
		show("StringBuf", b.toString());
		show("StringBuf length", b.length);

		// StringTools
		show("replace", "a-b-c-d".replace("-", "+"));
		show("replace multi", "aaaa".replace("aa", "b"));
		show("replace empty", "abc".replace("", "-"));
		show("trim", "[" + "  \t spaced \n ".trim() + "]");
		show("ltrim", "[" + "  left".ltrim() + "]");
		show("rtrim", "[" + "right   ".rtrim() + "]");
		show("lpad", "5".lpad("0", 4));
		show("lpad multi", "x".lpad("ab", 6));
		show("rpad", "5".rpad("*", 4));
		show("hex 255", StringTools.hex(255));
		show("hex 255 4", StringTools.hex(255, 4));
		show("hex -1", StringTools.hex(-1));
		show("hex 0", StringTools.hex(0));
		show("startsWith", "foobar".startsWith("foo") + " " + "foobar".startsWith("bar"));
		show("endsWith", "foobar".endsWith("bar") + " " + "foobar".endsWith("foo"));
		show("contains", "foobar".contains("oba") + " " + "foobar".contains("z"));
		show("htmlEscape", "<a href=\"x\">Tom & 'Jerry'</a>".htmlEscape());
		show("htmlEscape quotes", "<a href=\"x\">Tom & 'Jerry'</a>".htmlEscape(true));
		show("htmlUnescape", "&lt;b&gt; &amp; &quot;q&quot; &#039;".htmlUnescape());
		show("isSpace", StringTools.isSpace(" x", 0) + " " + StringTools.isSpace(" x", 1));
		show("fastCodeAt", StringTools.fastCodeAt("abc", 1));
		show("isEof", StringTools.isEof(StringTools.fastCodeAt("abc", 1)));
		show("quoteUnixArg", haxe.SysTools.quoteUnixArg("it's"));

		// comparison
		var words = ["banana", "Apple", "cherry", "apple", "Banana", "", "a", "ab", "é", "z"];
		var cmp = [];
		for (i in 0...words.length - 1)
			cmp.push(words[i] + (words[i] < words[i + 1] ? "<" : (words[i] > words[i + 1] ? ">" : "=")) + words[i + 1]);
		show("comparisons", cmp.join(" "));
		var sorted = words.copy();
		sorted.sort((a, b) -> a < b ? -1 : (a > b ? 1 : 0));
		show("sorted", sorted);
		show("equality", ("ab" + "c" == "abc") + " " + ("abc" == "abd") + " " + ("abc" != "ABC"));
		show("compare", Reflect.compare("a", "b") + " " + Reflect.compare("b", "a") + " " + Reflect.compare("x", "x"));

		// parseInt / parseFloat
		var ints = ["0", "42", "-17", "0x1F", "0X1f", " 12", "12abc", "abc", "", "-0", "+5", "3.9", "2147483647", "2147483648", "-2147483648", "1e3", "  -8  ", "0x", "007"];
		for (x in ints)
			Sys.println("parseInt(\"" + x + "\") = " + Std.parseInt(x));
		var floats = ["0", "3.14", "-2.5", "1e3", "1.5e-3", "abc", "", " 12.5", "12.5xyz", "-0", ".5", "5.", "1e", "0x10", "inf", "NaN", "1e400", "-.25e2"];
		for (x in floats)
			Sys.println("parseFloat(\"" + x + "\") = " + Std.parseFloat(x));

		// iteration
		var it = [];
		for (c in "abc日本".iterator())
			it.push(c);
		show("iterator", it);
		var kv = [];
		for (i => c in "xyz".keyValueIterator())
			kv.push(i + ":" + String.fromCharCode(c));
		show("keyValueIterator", kv);
		var rev = "";
		var src = "stressed";
		for (i in 0...src.length)
			rev = src.charAt(i) + rev;
		show("reversed", rev);

		// Std.string of various, string escapes
		show("escapes", "tab\there\nnewline \"quoted\" back\\slash");
		show("interp", 'value ${1 + 1} and ${s.length} $s');
		show("Std.string(null)", Std.string(null));
		var ns:String = null;
		show("null concat", "x" + ns);
		show("repeat-built", [for (i in 0...5) "ab"].join(""));
		show("char codes", [for (i in 0..."AZaz09".length) "AZaz09".charCodeAt(i)]);
		show("urlEncode", "a b&c=d/é".urlEncode());
		show("urlDecode", "a%20b%26c".urlDecode());
		show("uppercase non-letters", "abc-123_XYZ".toUpperCase());
		trace("strings done: " + s);
	}
}
