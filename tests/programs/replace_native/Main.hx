// fmt@digest comes from the runtime unless a --lib library defines
// `fmt_digest` (tests/native_abi.rs links digest.c, which answers a fixed pattern).
class Main {
	static function main() {
		trace(haxe.crypto.Md5.encode("abc"));
	}
}
