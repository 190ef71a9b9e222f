// The GC pathology of HashLink's mark trigger: a 437,500-element array of
// objects stays alive while every pixel allocates temporary Complex values.
class Complex {
	public var i:Float;
	public var j:Float;
	public inline function new(i, j) { this.i = i; this.j = j; }
}

class RGB {
	public var r:Int; public var g:Int; public var b:Int;
	public function new(r, g, b) { this.r = r; this.g = g; this.b = b; }
}

class Main {
	static function add(a:Complex, b:Complex) return new Complex(a.i + b.i, a.j + b.j);
	static function square(a:Complex) return new Complex(a.i * a.i - a.j * a.j, 2 * a.i * a.j);
	static function length2(a:Complex) return a.i * a.i + a.j * a.j;

	static function main() {
		var size = 25, maxIterations = 500, maxRad = 1 << 16;
		var width = 35 * size, height = 20 * size;
		var palette = [for (i in 0...maxIterations + 1) new RGB(i * 255 >> 9, i * 7 & 255, 255 - (i & 255))];
		var image = new Array<RGB>();
		image[width * height - 1] = null;
		var outPixel = 0;
		var scale = 0.1 / size;
		for (y in 0...height) {
			for (x in 0...width) {
				var iteration = 0;
				var offset = new Complex(x * scale - 2.5, y * scale - 1);
				var val = new Complex(0.0, 0.0);
				while (length2(val) < maxRad && iteration < maxIterations) {
					val = add(square(val), offset);
					iteration++;
				}
				image[outPixel++] = palette[iteration];
			}
		}
		var sum = 0;
		for (p in image) sum = (sum * 31 + p.r + p.g + p.b) & 0xFFFFFF;
		Sys.println("checksum " + sum);
	}
}
