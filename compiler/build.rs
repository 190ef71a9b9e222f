// `hlc run` executes programs against the runtime linked into `hlc`: the
// executable exports its symbols (JIT code and natives are looked up in it)
// and is named `libhl.so`, so an .hdll built for HashLink, which needs
// libhl.so, binds to hlc's runtime without any HashLink installation (as
// executables built by `hlc build` with an .hdll do, see driver/aot.rs).
fn main() {
    println!("cargo:rustc-link-arg-bin=hlc=-Wl,--export-dynamic");
    println!("cargo:rustc-link-arg-bin=hlc=-Wl,-soname,libhl.so");
}
