//! Builds the C part of the runtime with `cc`.
fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=include");
    cc::Build::new()
        .file("src/exceptions.c")
        .file("src/signals.c")
        .include("include")
        .flag("-fno-omit-frame-pointer")
        .warnings(true)
        .compile("hlrt_c");
}
