// Interface and virtual calls in hot loops: shapes behind an interface,
// a class hierarchy with overridden methods, and methods no subclass
// overrides called through the class type.
interface Shape {
	function area():Float;
	function grow(k:Float):Void;
}

class Circle implements Shape {
	var r:Float;
	public function new(r) { this.r = r; }
	public function area() return 3.141592653589793 * r * r;
	public function grow(k:Float) { r *= k; }
}

class Rect implements Shape {
	var w:Float; var h:Float;
	public function new(w, h) { this.w = w; this.h = h; }
	public function area() return w * h;
	public function grow(k:Float) { w *= k; h *= k; }
}

class Square extends Rect {
	public function new(s) { super(s, s); }
}

class Op {
	public var k:Int;
	public function new(k) { this.k = k; }
	public function apply(x:Int):Int return x + k;
	public function weight():Int return k & 3;
}

class MulOp extends Op {
	override public function apply(x:Int):Int return x * k;
}

class XorOp extends Op {
	override public function apply(x:Int):Int return x ^ k;
}

class Main {
	static function main() {
		var shapes:Array<Shape> = [];
		for (i in 0...64) {
			shapes.push(switch (i % 3) {
				case 0: new Circle(1 + i * 0.01);
				case 1: new Rect(1 + i * 0.02, 2);
				default: new Square(0.5 + i * 0.01);
			});
		}
		var total = 0.0;
		for (round in 0...200000) {
			var k = (round & 1) == 0 ? 1.0001 : 0.9999;
			for (s in shapes) {
				total += s.area();
				s.grow(k);
			}
		}
		Sys.println("area " + Math.round(total));

		var ops:Array<Op> = [];
		for (i in 0...48) {
			ops.push(switch (i % 3) {
				case 0: new Op(i);
				case 1: new MulOp(i | 1);
				default: new XorOp(i * 7);
			});
		}
		var x = 1, w = 0;
		for (round in 0...300000) {
			for (o in ops) {
				x = o.apply(x);
				w += o.weight();
			}
		}
		Sys.println("ops " + x + " " + w);
	}
}
