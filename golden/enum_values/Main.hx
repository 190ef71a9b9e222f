import haxe.ds.Option;
import haxe.ds.Either;

enum Suit {
	Clubs;
	Diamonds;
	Hearts;
	Spades;
}

enum Card {
	Pip(suit:Suit, rank:Int);
	Face(suit:Suit, name:String);
	Joker;
	Scored(c:Card, points:Float);
}

enum Result<T, E> {
	Ok(v:T);
	Err(e:E);
}

enum abstract Level(Int) to Int {
	var Debug = 10;
	var Info = 20;
	var Warn = 30;
	var Error = 40;

	public function label():String {
		return switch (cast this : Level) {
			case Debug: "DBG";
			case Info: "INF";
			case Warn: "WRN";
			case Error: "ERR";
			default: "L" + this;
		}
	}

	@:op(A > B) static function gt(a:Level, b:Level):Bool;

	public static function fromInt(i:Int):Level {
		return cast i;
	}
}

enum abstract Dir(String) {
	var North = "N";
	var East = "E";
	var South = "S";
	var West = "W";

	public function turnRight():Dir {
		return switch (cast this : Dir) {
			case North: East;
			case East: South;
			case South: West;
			case West: North;
			default: North;
		}
	}

	public function toString():String {
		return "Dir(" + this + ")";
	}
}

class Main {
	static function cardValue(c:Card):Float {
		return switch (c) {
			case Pip(_, r): r;
			case Face(_, "King"): 13;
			case Face(_, "Queen"): 12;
			case Face(_, _): 11;
			case Joker: 0;
			case Scored(inner, p): cardValue(inner) * p;
		}
	}

	static function safeDiv(a:Int, b:Int):Result<Int, String> {
		return b == 0 ? Err("division by zero: " + a + "/0") : Ok(Std.int(a / b));
	}

	static function findFirst<T>(a:Array<T>, f:T->Bool):Option<T> {
		for (x in a)
			if (f(x))
				return Some(x);
		return None;
	}

	static function main() {
		Sys.println("== EnumValue map keys ==");
		var counts = new Map<Suit, Int>();
		var seq = [Hearts, Clubs, Hearts, Spades, Diamonds, Hearts, Clubs];
		for (s in seq)
			counts.set(s, (counts.exists(s) ? counts.get(s) : 0) + 1);
		for (s in Type.allEnums(Suit))
			Sys.println(Std.string(s) + " -> " + counts.get(s));
		var cardMap = new Map<Card, String>();
		cardMap.set(Pip(Hearts, 7), "seven of hearts");
		cardMap.set(Face(Spades, "King"), "king of spades");
		cardMap.set(Joker, "joker");
		cardMap.set(Pip(Hearts, 7), "seven of hearts (again)");
		cardMap.set(Scored(Pip(Clubs, 2), 1.5), "scored");
		Sys.println("cardMap get Pip(Hearts,7): " + cardMap.get(Pip(Hearts, 7)));
		Sys.println("cardMap get Face(Spades,King): " + cardMap.get(Face(Spades, "King")));
		Sys.println("cardMap get Face(Spades,Queen): " + cardMap.get(Face(Spades, "Queen")));
		Sys.println("cardMap exists Scored: " + cardMap.exists(Scored(Pip(Clubs, 2), 1.5)) + " diff float: " + cardMap.exists(Scored(Pip(Clubs, 2), 1.25)));
		var keys = [for (k in cardMap.keys()) Std.string(k)];
		keys.sort(Reflect.compare);
		Sys.println("keys: " + keys.join(" | "));
		cardMap.remove(Joker);
		Sys.println("after remove Joker exists=" + cardMap.exists(Joker) + " count=" + [for (k in cardMap.keys()) k].length);
		Sys.println("cardMap toString: " + cardMap.toString());

		Sys.println("== createEnum / createEnumIndex ==");
		var c1 = Type.createEnum(Card, "Pip", [Diamonds, 9]);
		var c2 = Type.createEnumIndex(Card, 1, [Clubs, "Jack"]);
		var c3 = Type.createEnumIndex(Card, 2);
		var c4 = Type.createEnum(Card, "Scored", [c1, 2.5]);
		var s2 = Type.createEnumIndex(Suit, 3);
		for (c in [c1, c2, c3, c4])
			Sys.println(Std.string(c) + " value=" + cardValue(c) + " index=" + Type.enumIndex(c) + " ctor=" + Type.enumConstructor(c));
		Sys.println("suit idx3: " + s2 + " eq Spades " + (s2 == Spades));
		for (bad in ([() -> Type.createEnum(Card, "Pip", [Hearts]), () -> Type.createEnumIndex(Suit, 9), () -> Type.createEnum(Suit, "Nope")] : Array<Void->Dynamic>)) {
			try {
				Sys.println("unexpected: " + bad());
			} catch (e:Dynamic) {
				Sys.println("error: " + Std.string(e));
			}
		}
		Sys.println("allEnums Suit: " + Type.allEnums(Suit) + " allEnums Card: " + Type.allEnums(Card));
		Sys.println("constructs Card: " + Type.getEnumConstructs(Card));

		Sys.println("== enum abstracts ==");
		var levels = [Debug, Info, Warn, Error, Level.fromInt(25)];
		for (l in levels)
			Sys.println((l : Int) + " " + l.label() + " >Info=" + (l > Info) + " ==Warn " + (l == Warn));
		var lsum = 0;
		for (l in levels)
			lsum += l;
		Sys.println("level sum " + lsum);
		var d = North;
		var path = [];
		for (i in 0...6) {
			path.push(d.toString());
			d = d.turnRight();
		}
		Sys.println("dirs " + path.join(" "));
		var dm = new Map<String, Int>();
		for (x in [North, South, North, West])
			dm.set(cast x, (dm.exists(cast x) ? dm.get(cast x) : 0) + 1);
		var dk = [for (k in dm.keys()) k + "=" + dm.get(k)];
		dk.sort(Reflect.compare);
		Sys.println("dir counts " + dk.join(","));
		var raw:String = cast South;
		Sys.println("raw string " + raw + " eq " + (raw == "S"));

		Sys.println("== generic enums ==");
		for (p in [[10, 2], [7, 0], [-9, 4]]) {
			var r = safeDiv(p[0], p[1]);
			var txt = switch (r) {
				case Ok(v) if (v < 0): "negative " + v;
				case Ok(v): "ok " + v;
				case Err(e): "err " + e;
			}
			Sys.println(txt + "  <" + Std.string(r) + ">");
		}
		var names = ["ann", "bob", "carla", "dave"];
		for (len in [3, 5, 9]) {
			var o = findFirst(names, n -> n.length == len);
			var desc = switch (o) {
				case Some(v): "found " + v;
				case None: "none";
			}
			Sys.println("len " + len + ": " + desc + " " + Std.string(o));
		}
		var eithers:Array<Either<Int, String>> = [Left(1), Right("r"), Left(-5)];
		var acc = "";
		for (e in eithers)
			acc += switch (e) {
				case Left(i): "L" + i;
				case Right(s): "R" + s;
			};
		Sys.println("eithers " + acc + " " + eithers);
		var optF:Option<Float> = Some(0.1 + 0.2);
		Sys.println("option float " + optF);
		var nestedR:Result<Option<Array<Int>>, Result<Int, String>> = Ok(Some([1, 2]));
		var nestedE:Result<Option<Array<Int>>, Result<Int, String>> = Err(Err("deep"));
		Sys.println("nested " + nestedR + " " + nestedE);

		Sys.println("== enum params of various types ==");
		var scored = [for (i in 0...5) Scored(Pip(Type.allEnums(Suit)[i % 4], i + 2), i * 0.75)];
		var total = 0.0;
		for (s in scored)
			total += cardValue(s);
		Sys.println("scored " + scored + " total " + total);
		var deep = Joker;
		for (i in 0...5)
			deep = Scored(deep, i);
		Sys.println("deep " + deep);
		Sys.println("enumParameters " + Type.enumParameters(Scored(Joker, 1e-3)) + " " + Type.enumParameters(Face(Hearts, "Q")));
		Sys.println("done");
	}
}
