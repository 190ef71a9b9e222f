//! Builds the C part of the runtime with `cc`.
fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=include");
    // Faults (stack overflow as an error): POSIX signals, or a vectored
    // exception handler on Windows.
    let windows = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "windows");
    cc::Build::new()
        .file("src/exceptions.c")
        .file(if windows { "src/signals_windows.c" } else { "src/signals_posix.c" })
        .file("src/varargs.c")
        .file("src/crt.c")
        .include("include")
        // These files define libhl's functions: declare them exported.
        .define("LIBHL_EXPORTS", None)
        .flag("-fno-omit-frame-pointer")
        .warnings(true)
        // Every function here is libhl ABI a native library may call, whether
        // or not Rust code refers to it: keep them all in what links the
        // runtime (the hlc binary exports them to .hdll libraries).
        .link_lib_modifier("+whole-archive")
        .compile("hlrt_c");
}
