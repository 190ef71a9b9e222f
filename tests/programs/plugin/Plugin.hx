// The plugin: its entry point runs when the host loads it.
class Plugin {
	@:hlNative("std", "sys_resolve_type") static function resolveType(t:hl.Type, gt:hl.Type):Dynamic {
		return null;
	}

	static function main() {
		var api = new Api("plugin");
		Sys.println("in plugin: " + api.greet("the host"));
		// The host's class object: its statics are the host's.
		var hostApi:Dynamic = resolveType(hl.Type.get(api), hl.Type.getDynamic(Api));
		Sys.println("host's Api.calls seen from the plugin: " + hostApi.calls);
		// Since resolveType, the plugin's Api methods are the host's: this counts in the host's statics.
		Sys.println("in plugin: " + api.greet("the host again"));
		Sys.println("host's Api.calls now: " + hostApi.calls);
	}
}
