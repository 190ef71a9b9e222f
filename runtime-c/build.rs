//! Builds the C part of the runtime with `cc` (nothing to compile yet).
fn main() {
    println!("cargo:rerun-if-changed=src");
}
