enum Suit {
	Hearts;
	Spades;
	Custom(name:String, rank:Int);
}

class Animal {
	public var name:String;
	public var legs:Int;

	public static var population:Int = 0;

	public function new(name:String, legs:Int) {
		this.name = name;
		this.legs = legs;
		population++;
	}

	public function speak():String {
		return name + " makes a sound";
	}

	public static function create(n:String):Animal {
		return new Animal(n, 4);
	}
}

class Bird extends Animal {
	public var canFly:Bool;

	public function new(name:String) {
		super(name, 2);
		canFly = true;
	}

	override public function speak():String {
		return name + " chirps";
	}

	public function fly(height:Int):String {
		return name + " flies at " + height;
	}
}

class Main {
	static function sorted(a:Array<String>):String {
		var c = a.copy();
		c.sort((x, y) -> x < y ? -1 : (x > y ? 1 : 0));
		return c.join(",");
	}

	static function main() {
		var b = new Bird("tweety");
		var a = new Animal("rex", 4);

		// class info
		var cls = Type.getClass(b);
		Sys.println("class name: " + Type.getClassName(cls));
		Sys.println("super: " + Type.getClassName(Type.getSuperClass(cls)));
		Sys.println("super of Animal is null: " + (Type.getSuperClass(Animal) == null));
		Sys.println("instance fields Bird: " + sorted(Type.getInstanceFields(Bird)));
		Sys.println("instance fields Animal: " + sorted(Type.getInstanceFields(Animal)));
		Sys.println("class fields Animal: " + sorted(Type.getClassFields(Animal)));
		Sys.println("resolveClass Bird: " + (Type.resolveClass("Bird") == Bird) + " unknown: " + Type.resolveClass("NoSuchClass"));
		Sys.println("resolveEnum Suit: " + (Type.resolveEnum("Suit") == Suit));

		// dynamic instantiation
		var made:Animal = Type.createInstance(Animal, ["dyn", 6]);
		Sys.println("createInstance: " + made.speak() + " legs=" + made.legs);
		var madeBird:Bird = Type.createInstance(Bird, ["polly"]);
		Sys.println("createInstance Bird: " + madeBird.speak() + " fly=" + madeBird.fly(10));
		var empty:Bird = Type.createEmptyInstance(Bird);
		Sys.println("createEmptyInstance: name=" + empty.name + " legs=" + empty.legs + " canFly=" + empty.canFly);
		Sys.println("population: " + Animal.population);

		// Reflect on instances
		Sys.println("field name: " + Reflect.field(b, "name") + " legs: " + Reflect.field(b, "legs") + " canFly: " + Reflect.field(b, "canFly"));
		Reflect.setField(b, "legs", 3);
		Sys.println("after setField legs: " + b.legs);
		var speak = Reflect.field(b, "speak");
		Sys.println("method via field: " + Reflect.callMethod(b, speak, []));
		var fly = Reflect.field(b, "fly");
		Sys.println("method with args: " + Reflect.callMethod(b, fly, [99]));
		Sys.println("hasField name: " + Reflect.hasField(b, "name") + " nope: " + Reflect.hasField(b, "nope"));
		Sys.println("static via Reflect: " + Reflect.field(Animal, "population"));
		var createFn = Reflect.field(Animal, "create");
		var created:Animal = Reflect.callMethod(Animal, createFn, ["static-made"]);
		Sys.println("static method via Reflect: " + created.speak());
		Sys.println("fields of instance: " + sorted(Reflect.fields(b)));

		// Type.typeof for class instances and enums
		Sys.println("typeof bird: " + Type.typeof(b));
		Sys.println("typeof enum: " + Type.typeof(Custom("x", 1)));
		Sys.println("typeof int/float/bool/null: " + Type.typeof(1) + " " + Type.typeof(1.5) + " " + Type.typeof(true) + " " + Type.typeof(null));

		// enum reflection
		Sys.println("enum name: " + Type.getEnumName(Suit) + " constructs: " + Type.getEnumConstructs(Suit));
		var c = Type.createEnum(Suit, "Custom", ["joker", 15]);
		Sys.println("createEnum: " + c + " params: " + Type.enumParameters(c) + " index: " + Type.enumIndex(c));
		var h = Type.createEnum(Suit, "Hearts");
		Sys.println("createEnum no args: " + h + " eq: " + (h == Hearts));
		try {
			Type.createEnum(Suit, "Nope");
		} catch (e:Dynamic) {
			Sys.println("createEnum bad: " + e);
		}
		Sys.println("allEnums: " + Type.allEnums(Suit));
		Sys.println("enumEq: " + Type.enumEq(Custom("a", 1), Custom("a", 1)) + " " + Type.enumEq(Custom("a", 1), Custom("a", 2)) + " " + Type.enumEq(Hearts, Spades));
		Sys.println("getEnum: " + Type.getEnumName(Type.getEnum(Spades)));

		// Std.isOfType with classes
		var items:Array<Dynamic> = [a, b, made, madeBird, "str", 5, Hearts, null];
		for (it in items)
			Sys.println(Std.string(it == null ? "null" : (Std.isOfType(it, Animal) ? cast(it, Animal).name : Std.string(it))) + ": Animal=" + Std.isOfType(it, Animal) + " Bird=" + Std.isOfType(it, Bird) + " Suit=" + Std.isOfType(it, Suit));

		// anonymous objects
		var o:Dynamic = {};
		for (i in 0...5)
			Reflect.setField(o, "f" + i, i * i);
		Sys.println("anon fields: " + sorted(Reflect.fields(o)) + " f3=" + Reflect.field(o, "f3"));
		var sum = 0;
		for (f in Reflect.fields(o))
			sum += Reflect.field(o, f);
		Sys.println("anon sum: " + sum);
		Reflect.deleteField(o, "f2");
		Sys.println("after delete: " + sorted(Reflect.fields(o)));
		Sys.println("isObject/isEnumValue: " + Reflect.isObject(o) + " " + Reflect.isEnumValue(Hearts) + " " + Reflect.isEnumValue(o));
		Sys.println("getClass of anon: " + Type.getClass(o) + " of string: " + Type.getClassName(Type.getClass("s")));
		Sys.println("class toString: " + Std.string(Animal) + " enum toString: " + Std.string(Suit));
		trace("reflection done");
	}
}
