// Every entry point of the abiext native library (abiext.c), plus optional
// natives: one the library provides, one it lacks, one of a library nobody
// links. tests/native_abi.rs runs this against expected.stdout (recorded with
// the reference `hl` and abiext.hdll).
typedef Counter = hl.Abstract<"abiext_counter">;

@:hlNative("abiext")
class Ext {
	public static function add(a:Int, b:Int):Int return 0;
	public static function mix(d:Float, f:Single, neg:Bool):Float return 0;
	public static function wide(a:hl.I64, b:hl.UI8, c:hl.UI16):hl.I64 return 0;
	public static function divmod(a:Int, b:Int, q:hl.Ref<Int>, r:hl.Ref<Int>):Void {}
	@:hlNative("abiext", "or_default") public static function orDefault(v:Null<Int>, def:Int):Int return 0;
	@:hlNative("abiext", "maybe_half") public static function maybeHalf(x:Int):Null<Int> return null;
	public static function shout(s:String):hl.Bytes return null;
	@:hlNative("abiext", "utf8_size") public static function utf8Size(s:String):Int return 0;
	@:hlNative("abiext", "from_c") public static function fromC(utf8:hl.Bytes):hl.Bytes return null;
	public static function ucompare(a:String, b:String):Int return 0;
	public static function describe(v:Dynamic, label:hl.Bytes):hl.Bytes return null;
	@:hlNative("abiext", "to_text") public static function toText(v:Dynamic):hl.Bytes return null;
	@:hlNative("abiext", "make_point") public static function makePoint(x:Int, y:Float, name:hl.Bytes):Dynamic return null;
	@:hlNative("abiext", "point_sum") public static function pointSum(o:Dynamic):Float return 0;
	@:hlNative("abiext", "field_name") public static function fieldName(name:hl.Bytes):hl.Bytes return null;
	public static function squares(n:Int):hl.NativeArray<Int> return null;
	@:hlNative("abiext", "sum_dyn") public static function sumDyn(a:hl.NativeArray<Dynamic>):Int return 0;
	@:hlNative("abiext", "apply_twice") public static function applyTwice(f:Int->Int, x:Int):Int return 0;
	@:hlNative("abiext", "call_dyn") public static function callDyn(f:Dynamic, a:Int, b:hl.Bytes):Dynamic return null;
	public static function save(f:Int->Void):Void {}
	public static function fire(n:Int):Void {}
	@:hlNative("abiext", "catch_from") public static function catchFrom(f:Void->Void):hl.Bytes return null;
	@:hlNative("abiext", "call_safe") public static function callSafe(f:Dynamic):Bool return false;
	public static function fail(how:Int):Void {}
	@:hlNative("abiext", "counter_new") public static function counterNew(start:Int):Counter return null;
	@:hlNative("abiext", "counter_next") public static function counterNext(c:Counter):Int return 0;
	@:hlNative("abiext", "finalized_after_gc") public static function finalizedAfterGc(n:Int):Int return 0;
	@:hlNative("abiext", "alloc_kinds") public static function allocKinds():Int return 0;
	public static function nap(ms:Int):Int return 0;
	@:hlNative("abiext", "type_name") public static function typeName(t:hl.Type):hl.Bytes return null;
	public static function arena(n:Int):Int return 0;
	@:hlNative("abiext", "in_trap") public static function inTrap():Bool return false;
	@:hlNative("abiext", "mutex_count") public static function mutexCount(n:Int):Int return 0;
	@:hlNative("?abiext", "present") public static function present():Int return 0;
	@:hlNative("?abiext", "absent") public static function absent():Int return 0;
	@:hlNative("?nolib", "nothing") public static function nothing(x:Float):Void {}
}

class Main {
	static function ucs2(b:hl.Bytes):String return @:privateAccess String.fromUCS2(b);
	static function bytes(s:String):hl.Bytes return @:privateAccess s.bytes;

	static function makeCounters(n:Int) {
		var total = 0;
		for (i in 0...n) {
			var c = Ext.counterNew(i * 10);
			Ext.counterNext(c);
			total += Ext.counterNext(c);
		}
		return total;
	}

	static function attempt(name:String, f:Void->Void) {
		try {
			f();
			trace('$name: no exception');
		} catch (e:Dynamic) {
			trace('$name: $e');
		}
	}

	static function main() {
		trace(Ext.add(40, 2));
		trace(Ext.mix(1.25, 0.5, false) + " " + Ext.mix(1.25, 0.5, true));
		var big:hl.I64 = 123456789;
		var w:hl.I64 = Ext.wide(big, 7, 65535);
		trace(Std.string(w));
		var q = 0, r = 0;
		Ext.divmod(47, 5, q, r);
		trace('47 = 5 * $q + $r');
		attempt("divmod by zero", () -> Ext.divmod(3, 0, q, r));
		trace(Ext.orDefault(null, -1) + " " + Ext.orDefault(5, -1));
		trace(Ext.maybeHalf(8) + " " + Ext.maybeHalf(7));

		trace(ucs2(Ext.shout("héllo wörld")));
		trace(Ext.utf8Size("héllo €"));
		trace(ucs2(Ext.fromC(@:privateAccess haxe.io.Bytes.ofHex("636166c3a920e282ac00").b)));
		trace(Ext.ucompare("abc", "abd") + " " + Ext.ucompare("b", "a") + " " + Ext.ucompare("same", "same"));
		trace(ucs2(Ext.describe(3.5, bytes("float"))));
		trace(ucs2(Ext.describe({a: 1}, bytes("object"))));
		trace(ucs2(Ext.describe(null, bytes("nothing"))));
		trace(ucs2(Ext.toText([1, 2, 3])));

		var p:Dynamic = Ext.makePoint(3, 0.25, bytes("origin"));
		trace(p.x + " " + p.y + " " + ucs2(p.name));
		p.x = 10;
		trace(Ext.pointSum(p));
		trace(ucs2(Ext.fieldName(bytes("someField"))));

		var sq = Ext.squares(6);
		var parts = [for (i in 0...sq.length) Std.string(sq[i])];
		trace(parts.join(","));
		var dyns = new hl.NativeArray<Dynamic>(4);
		dyns[0] = 1;
		dyns[1] = 20;
		dyns[3] = 300;
		trace(Ext.sumDyn(dyns));

		var k = 3;
		trace(Ext.applyTwice(x -> x * k + 1, 5));
		trace(Ext.callDyn((a:Int, b:hl.Bytes) -> a + ":" + ucs2(b), 9, bytes("nine")));
		var seen = [];
		Ext.save(i -> seen.push(i * i));
		Ext.fire(4);
		trace(seen);

		trace(ucs2(Ext.catchFrom(() -> throw "from Haxe")));
		trace(ucs2(Ext.catchFrom(() -> Ext.fail(0))));
		trace(ucs2(Ext.catchFrom(() -> {})));
		trace(Ext.callSafe(() -> throw "again") + " " + Ext.callSafe(() -> 0));
		for (how in 0...4)
			attempt('fail($how)', () -> Ext.fail(how));

		trace(makeCounters(5));
		trace(Ext.finalizedAfterGc(5));
		trace(Ext.allocKinds());
		trace(Ext.nap(5));

		trace(ucs2(Ext.typeName(hl.Type.getDynamic(42))) + " " + ucs2(Ext.typeName(hl.Type.getDynamic("s"))));
		trace(Ext.arena(10));
		trace(Ext.inTrap());
		try {
			trace(Ext.inTrap());
		} catch (e:Dynamic) {}
		trace(Ext.mutexCount(3));

		trace(Ext.present());
		attempt("absent", () -> Ext.absent());
		attempt("nothing", () -> Ext.nothing(1.5));
		trace("done");
	}
}
