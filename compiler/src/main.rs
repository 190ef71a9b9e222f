//! The `hlc` executable; everything lives in [`hlc::cli`].

fn main() -> std::process::ExitCode {
    hlc::cli::main()
}
