// The test package's copy of the hlc front end runs `hlc run` too: like the
// `hlc` binary (compiler/build.rs), it exports the runtime's symbols so that
// JIT code and .hdll libraries can find them.
fn main() {
    println!("cargo:rustc-link-arg-bin=hlc-test-driver=-Wl,--export-dynamic");
}
