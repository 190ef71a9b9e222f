fn main() {
    println!("cargo:rustc-link-arg-bin=hlc=-Wl,--export-dynamic");
}
