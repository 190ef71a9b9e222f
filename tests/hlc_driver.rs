//! The `hlc` front end built inside the test package, so the tests can run it
//! as a process (`CARGO_BIN_EXE_hlc-test-driver`).

fn main() -> std::process::ExitCode {
    hlc::cli::main()
}
