// The test package's copy of the hlc front end runs `hlc run` too: it is
// linked as the `hlc` binary is (compiler/build.rs).
fn main() {
    println!("cargo:rustc-link-arg-bin=hlc-test-driver=-Wl,--export-dynamic");
    println!("cargo:rustc-link-arg-bin=hlc-test-driver=-Wl,-soname,libhl.so");
}
