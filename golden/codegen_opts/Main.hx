// What the lowering's optimisations must not change: registers whose
// address is taken (hl.Ref) and written through it in loops, small leaf
// functions inlined into loops (branches, int division and modulo by zero,
// field reads and writes on `this`), natives computed inline (sqrt, abs,
// isNaN, isFinite), and memory typed by kind (object fields, bytes, virtual
// fields pointing at object fields) read back after writes of other kinds,
// and bytes written at one width or kind and read at another; object
// literals, whose fields are stored at their own offsets until the object is
// passed on, then moved by dynamic code; object fields kept in values across
// branches, changed by calls, through another register, a structural view or
// reflection, and by another thread while a loop waits for them.
import haxe.io.Bytes;

typedef HasX = {x:Float, n:Int};

class Point {
	public var x:Float;
	public var n:Int;
	public var next:Point;

	public function new(x, n) {
		this.x = x;
		this.n = n;
	}

	public function getX():Float return x;

	public function setN(v:Int):Void n = v;

	public function scaled(k:Float):Float return x * k + n;
}

class Box {
	public var n:Int;
	public var items:Array<Int>;
	public var done:Bool;

	public function new() {
		n = 0;
		items = [];
		done = false;
	}

	public function bump() n += 10;
}

class Main {
	static function bump(r:hl.Ref<Int>, by:Int) {
		r.set(r.get() + by);
	}

	static function read(r:hl.Ref<Int>):Int return r.get();

	static function sign(v:Int):Int return v < 0 ? -1 : (v > 0 ? 1 : 0);

	static function div(a:Int, b:Int):Int return Std.int(a / b);

	static function idiv(a:Int, b:Int):Int return cast(a, Int) % b;

	static function mix(h:Int, v:Int):Int return (h ^ v) * 16777619;

	static function clamp(v:Float, lo:Float, hi:Float):Float return v < lo ? lo : (v > hi ? hi : v);

	static function refs() {
		// The loop counter's address is taken: writes through the reference
		// (in a callee) must be seen by the loop, and the loop's own updates
		// by readers of the reference.
		var i = 0, total = 0, seen = 0;
		while (i < 20) {
			total += i;
			if (i % 3 == 0) bump(i, 2);
			seen += read(i);
			i++;
		}
		Sys.println('refs $i $total $seen');
		var s = "";
		for (k in 0...5) s += Std.string(k * 7) + ",";
		Sys.println('itos $s');
	}

	static function leaves() {
		var h = 0x811C9DC5, signs = 0, q = 0, r = 0;
		for (i in -50...50) {
			h = mix(h, i);
			signs += sign(i) * i;
			q += idiv(i, i & 3);
			r += div(100, i & 7);
		}
		Sys.println('leaves $h $signs $q $r');
		var acc = 0.0;
		for (i in 0...100) acc += clamp(i / 10 - 2.5, 0, 5);
		Sys.println('clamp $acc');
		var p = new Point(1.5, 2);
		var sum = 0.0;
		for (i in 0...10) {
			p.setN(i);
			sum += p.getX() + p.scaled(2);
		}
		Sys.println('methods $sum ${p.n}');
		Sys.println('div0 ${idiv(7, 0)} ${idiv(-7, 0)} ${idiv(0x80000000, -1)}');
	}

	static function natives() {
		var vals = [4.0, 2.0, -1.0, 0.0, -0.0, 1e308 * 10, -1e308 * 10, Math.NaN, 1e-320];
		for (v in vals)
			Sys.println('$v sqrt=${Math.sqrt(v)} abs=${Math.abs(v)} nan=${Math.isNaN(v)} finite=${Math.isFinite(v)} neg=${1 / Math.abs(v) > 0}');
	}

	static function memory() {
		var a = new Point(1.0, 1), b = new Point(2.0, 2);
		a.next = b;
		var total = 0.0;
		for (i in 0...4) {
			var n = a.next;
			n.x += 1; // a float store must not hide the pointer store below
			a.next = i % 2 == 0 ? a : b;
			total += a.next.x + n.x;
			n.n = i; // an int store read back through another path
			total += a.n + b.n;
		}
		Sys.println('fields $total ${a.x} ${b.x} ${a.n} ${b.n}');
		var v:HasX = a;
		for (i in 0...3) {
			a.x = i * 10.0;
			v.x += 1; // through the virtual's slot: the same field
			a.n = i;
			v.n += 100;
			Sys.println('virtual ${a.x} ${v.x} ${a.n} ${v.n}');
		}
		var bytes = Bytes.alloc(16);
		var arr = [1, 2, 3];
		for (i in 0...4) {
			bytes.setInt32(i * 4, arr.length + i);
			arr.push(bytes.getInt32(i * 4));
			bytes.setDouble(8, bytes.getInt32(0) * 0.5);
			arr[0] = Std.int(bytes.getDouble(8));
		}
		Sys.println('bytes $arr ${bytes.toHex()}');
	}

	// Bytes are typed by the op, not the memory: writes of one width or kind
	// must be seen by reads of another at the same place, in one function.
	static function punning() {
		var b = new hl.Bytes(16);
		var out = [];
		for (i in 0...3) {
			b.setF64(0, 1.5 + i);
			var before = b.getF64(0);
			b.setI32(0, 7 * i + 1); // the low half of the double
			var low = b.getI32(0);
			var after = b.getF64(0);
			b.setUI8(1, 0xAB);
			var w = b.getI32(0);
			var u = b.getUI8(0);
			b.setF32(8, 2.5);
			var f = b.getF32(8);
			b.setI32(8, 0x3F800000 + i); // 1.0f and its neighbours
			var g = b.getF32(8);
			b.setUI16(10, 0x4000);
			var h = b.getF32(8);
			out.push('$before $low $after $w $u $f $g $h');
		}
		Sys.println('punning ${out.join(" | ")}');
	}

	static function pick(b:Bool):Int return b ? 7 : 8;

	static function addField(o:Dynamic, name:String, v:Dynamic) Reflect.setField(o, name, v);

	// Anonymous objects: built field by field, with calls and branches between
	// the stores; converted to another structure; given new fields by
	// reflection, which moves the fields' storage, then read and written again.
	static function literals() {
		var out = [];
		for (i in 0...3) {
			var o = {a: i, b: pick(i == 1), s: i > 0 ? "pos" : "zero", f: i * 0.5};
			o.a += o.b;
			var wide = {x: o.f + 1, n: o.a, extra: o.s};
			var h:HasX = wide;
			out.push('${o.a} ${o.b} ${o.s} ${o.f} ${h.x} ${h.n} ${Reflect.field(h, "extra")}');
			addField(o, "c", i * 100);
			o.a += 1000;
			o.s += "!";
			addField(h, "n", 55);
			h.x *= 2;
			out.push('${o.a} ${o.s} ${Reflect.field(o, "c")} ${Reflect.fields(o).length} ${h.x} ${h.n}');
		}
		var same:HasX = {x: 2.5, n: 3};
		same.n++;
		Reflect.setField(same, "n", same.n * 10);
		out.push('${same.x} ${same.n}');
		Sys.println('literals ${out.join(" | ")}');
	}

	static function touch(b:Box) b.n++;

	// Reads of `b.n` and `b.items` around everything that may change them.
	static function cached(b:Box, other:Box, cond:Bool) {
		var out = [];
		var a = b.n;
		if (cond) touch(b); // a call on one path only
		out.push(b.n - a);
		other.n = 7; // `other` may be `b`
		out.push(b.n);
		var view:{n:Int} = b;
		view.n = 40; // through a structural view
		out.push(b.n);
		Reflect.setField(b, "n", 41);
		out.push(b.n);
		b.bump();
		out.push(b.n);
		var arr = b.items;
		for (i in 0...20) {
			arr[i] = i; // grows the array: `__expand` moves its bytes
			if (arr.length > 5 && i % 7 == 0) arr.push(-i);
		}
		out.push(arr.length);
		out.push(arr[19] + arr[6] + arr[7]);
		Sys.println('cached ${out.join(" ")}');
	}

	// Another thread sets `box.done`: a loop that only reads it must see it.
	static function waits() {
		var box = new Box();
		sys.thread.Thread.create(() -> {
			Sys.sleep(0.02);
			box.n = 1;
			box.done = true;
		});
		var spins = 0.0;
		var before = box.done; // known on entry to the loop
		while (!box.done && spins < 3e9)
			spins++;
		Sys.println('waits $before ${box.done} ${box.n} ${spins < 3e9}');
	}

	static function main() {
		var b = new Box();
		cached(b, b, true);
		cached(new Box(), new Box(), false);
		waits();
		literals();
		refs();
		leaves();
		natives();
		memory();
		punning();
	}
}
