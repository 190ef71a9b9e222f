// Shared by the host program and the plugin: the plugin's Api is the host's.
class Api {
	public static var calls = 0;

	public var name:String;

	public function new(name:String) {
		this.name = name;
	}

	public function greet(who:String):String {
		calls++;
		return name + " greets " + who;
	}
}
