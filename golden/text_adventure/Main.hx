// A text adventure state machine driven by a fixed script of commands.
enum Dir {
	N;
	S;
	E;
	W;
	Up;
	Down;
}

enum Cmd {
	Go(d:Dir);
	Take(item:String);
	Drop(item:String);
	Use(item:String, target:String);
	Look;
	Inventory;
	Talk(who:String);
	Wait(turns:Null<Int>);
	Unknown(text:String);
}

enum GameState {
	Playing;
	Won(score:Int);
	Dead(reason:String);
}

class Room {
	public var id:String;
	public var title:String;
	public var exits:Map<String, String> = new Map();
	public var items:Array<String> = [];
	public var dark:Bool = false;
	public var locked:Map<String, String> = new Map(); // dir -> key item

	public function new(id, title) {
		this.id = id;
		this.title = title;
	}
}

class Game {
	var rooms:Map<String, Room> = new Map();
	var here:Room;
	var inventory:Array<String> = [];
	var turns = 0;
	var lampOn = false;
	var lampFuel = 12;
	var trollFed = false;
	var state = Playing;
	var visited:Map<String, Bool> = new Map();
	var log:Array<String> = [];

	public function new() {
		var defs = [
			["hall", "Great Hall"], ["kitchen", "Kitchen"], ["cellar", "Dark Cellar"], ["garden", "Overgrown Garden"], ["tower", "Tower Stairs"],
			["top", "Tower Top"], ["bridge", "Troll Bridge"], ["vault", "Vault"]
		];
		for (d in defs)
			rooms.set(d[0], new Room(d[0], d[1]));
		link("hall", "N", "kitchen");
		link("hall", "E", "garden");
		link("kitchen", "Down", "cellar");
		link("garden", "N", "tower");
		link("tower", "Up", "top");
		link("garden", "E", "bridge");
		link("bridge", "E", "vault");
		rooms.get("cellar").dark = true;
		rooms.get("kitchen").items = ["bread", "knife"];
		rooms.get("hall").items = ["lamp"];
		rooms.get("cellar").items = ["rusty key", "coin"];
		rooms.get("top").items = ["gem"];
		rooms.get("garden").items = ["flower"];
		rooms.get("tower").locked.set("Up", "rusty key");
		here = rooms.get("hall");
	}

	static function opposite(d:String):String {
		return switch (d) {
			case "N": "S";
			case "S": "N";
			case "E": "W";
			case "W": "E";
			case "Up": "Down";
			default: "Up";
		}
	}

	function link(a:String, d:String, b:String) {
		rooms.get(a).exits.set(d, b);
		rooms.get(b).exits.set(opposite(d), a);
	}

	function say(s:String) {
		Sys.println("  " + s);
	}

	public static function parse(line:String):Cmd {
		var words = line.toLowerCase().split(" ").filter(w -> w.length > 0);
		if (words.length == 0)
			return Unknown("");
		var rest = words.slice(1).join(" ");
		return switch (words[0]) {
			case "n" | "north": Go(N);
			case "s" | "south": Go(S);
			case "e" | "east": Go(E);
			case "w" | "west": Go(W);
			case "u" | "up": Go(Up);
			case "d" | "down": Go(Down);
			case "take" | "get": Take(rest);
			case "drop": Drop(rest);
			case "use":
				var on = rest.indexOf(" on ");
				on < 0 ? Use(rest, "") : Use(rest.substr(0, on), rest.substr(on + 4));
			case "look" | "l": Look;
			case "i" | "inv" | "inventory": Inventory;
			case "talk": Talk(rest);
			case "wait": Wait(rest == "" ? 1 : Std.parseInt(rest));
			default: Unknown(line);
		}
	}

	function canSee():Bool {
		return !here.dark || (lampOn && inventory.contains("lamp"));
	}

	function describe() {
		if (!canSee()) {
			say("It is pitch dark. You might be eaten by something.");
			return;
		}
		var first = !visited.exists(here.id);
		visited.set(here.id, true);
		say("[" + here.title + "]" + (first ? " (new)" : ""));
		var ex = [for (k in here.exits.keys()) k];
		ex.sort(Reflect.compare);
		say("Exits: " + ex.join(", ") + (here.items.length > 0 ? " | Items: " + here.items.join(", ") : ""));
	}

	function tick() {
		turns++;
		if (lampOn) {
			lampFuel--;
			if (lampFuel == 3)
				say("Your lamp flickers.");
			if (lampFuel <= 0) {
				lampOn = false;
				say("Your lamp goes out.");
			}
		}
		if (here.dark && !canSee() && turns % 3 == 0) {
			state = Dead("eaten by a grue in the " + here.title);
		}
	}

	public function step(line:String):GameState {
		if (state != Playing)
			return state;
		var cmd = parse(line);
		Sys.println("> " + line + "   {" + Std.string(cmd) + "}");
		switch (cmd) {
			case Go(d):
				var key = Std.string(d);
				if (!here.exits.exists(key)) {
					say("You can't go that way.");
				} else if (here.locked.exists(key)) {
					say("The way " + key + " is locked.");
				} else if (here.id == "bridge" && key == "E" && !trollFed) {
					say("The troll blocks the way, looking hungry.");
				} else {
					here = rooms.get(here.exits.get(key));
					describe();
				}
			case Take(item):
				if (!canSee())
					say("You fumble around in the dark.");
				else if (here.items.remove(item)) {
					inventory.push(item);
					say("Taken: " + item);
				} else
					say("No " + item + " here.");
			case Drop(item):
				if (inventory.remove(item)) {
					here.items.push(item);
					say("Dropped: " + item);
				} else
					say("You don't have " + item + ".");
			case Use("lamp", _):
				if (!inventory.contains("lamp"))
					say("You have no lamp.");
				else if (lampFuel <= 0)
					say("The lamp is out of fuel.");
				else {
					lampOn = !lampOn;
					say("Lamp is now " + (lampOn ? "on" : "off") + " (fuel " + lampFuel + ")");
					if (lampOn)
						describe();
				}
			case Use(item, "door") | Use(item, "lock"):
				var unlocked = false;
				for (d => k in here.locked)
					if (k == item && inventory.contains(item)) {
						here.locked.remove(d);
						unlocked = true;
						say("You unlock the way " + d + " with the " + item + ".");
					}
				if (!unlocked)
					say("Nothing to unlock with " + item + ".");
			case Use(item, "troll"):
				if (here.id != "bridge")
					say("There is no troll here.");
				else if (item == "bread" && inventory.remove("bread")) {
					trollFed = true;
					say("The troll munches the bread and steps aside.");
				} else
					say("The troll is not interested in " + item + ".");
			case Use(item, target):
				say("You can't use " + item + (target == "" ? "" : " on " + target) + ".");
			case Look:
				describe();
			case Inventory:
				var inv = inventory.copy();
				inv.sort(Reflect.compare);
				say("You carry: " + (inv.length == 0 ? "nothing" : inv.join(", ")) + (lampOn ? " (lamp lit)" : ""));
			case Talk(who):
				say(here.id == "bridge" && who == "troll" ? (trollFed ? "\"Thanks for the bread.\"" : "\"Bread. Want bread.\"") : "No one answers.");
			case Wait(n):
				for (i in 0...(n == null ? 1 : n)) {
					tick();
					if (state != Playing)
						break;
				}
				say("Time passes...");
			case Unknown(t):
				say("I don't understand '" + t + "'.");
		}
		tick();
		if (state == Playing && here.id == "vault" && inventory.contains("gem"))
			state = Won(100 - turns + inventory.length * 5);
		return state;
	}

	public function summary():String {
		var v = [for (k in visited.keys()) k];
		v.sort(Reflect.compare);
		return "turns=" + turns + " visited=" + v.join(",") + " fuel=" + lampFuel;
	}
}

class Main {
	static function play(name:String, script:Array<String>) {
		Sys.println("=== " + name);
		var g = new Game();
		g.step("look");
		for (line in script) {
			var st = g.step(line);
			switch (st) {
				case Playing:
				case Won(score):
					Sys.println("*** You won with score " + score + " (" + g.summary() + ")");
					return;
				case Dead(reason):
					Sys.println("*** You died: " + reason + " (" + g.summary() + ")");
					return;
			}
		}
		Sys.println("*** Script ended (" + g.summary() + ")");
	}

	static function main() {
		play("winning run", [
			"take lamp", "n", "take bread", "take knife", "use lamp", "d", "take rusty key", "take coin", "u", "use lamp", "s", "e", "take flower", "n",
			"up", "use rusty key on door", "up", "take gem", "inventory", "d", "s", "e", "talk troll", "use knife on troll", "use bread on troll", "talk troll",
			"e"
		]);
		play("grue", ["n", "d", "look", "take coin", "wait 4"]);
		play("lamp runs out", ["take lamp", "use lamp", "n", "d", "wait 3", "take coin", "wait 10", "look", "take rusty key", "u"]);
		play("confused", ["dance", "", "xyzzy", "w", "s", "drop sword", "use flower", "use lamp", "take lamp", "take lamp", "i", "drop lamp", "look", "i"]);
		Sys.println("parse table:");
		for (t in ["N", "get the gem", "use key on lock", "use  lamp", "wait", "wait 7", "talk", "LOOK"])
			Sys.println("  '" + t + "' -> " + Std.string(Game.parse(t)));
		Sys.println("done");
	}
}
