// `ibkgfmc` and `yzwoeoe` have the same HashLink field hash: HashLink gives the
// name it sees second the next free hash. Dynamic access must keep them apart
// (the reference VM mixes them up here; checked by tests/beyond_hl.rs).
class Pair {
	public var ibkgfmc:Int;
	public var yzwoeoe:String;
	public function new() {
		ibkgfmc = 1;
		yzwoeoe = "two";
	}
}

class Main {
	static function main() {
		var p = new Pair();
		var d:Dynamic = p;
		Sys.println(d.ibkgfmc + " " + d.yzwoeoe);
		Sys.println(Reflect.field(p, "ibkgfmc") + " " + Reflect.field(p, "yzwoeoe"));
		Reflect.setField(p, "yzwoeoe", "changed");
		Sys.println(p.ibkgfmc + " " + p.yzwoeoe);
		var anon:Dynamic = {};
		anon.yzwoeoe = "a";
		anon.ibkgfmc = 3;
		Reflect.setField(anon, "ibkgfmc", 4);
		var fields = Reflect.fields(anon);
		fields.sort(Reflect.compare);
		Sys.println(fields + " " + anon.ibkgfmc + " " + anon.yzwoeoe);
		var s:{ibkgfmc:Int, yzwoeoe:String} = p;
		s.ibkgfmc = 9;
		Sys.println(s.ibkgfmc + " " + s.yzwoeoe + " " + p.ibkgfmc);
	}
}
