//! Behaviour where hlc deliberately does better than the reference VM, so
//! the expected output is written by hand instead of recorded from `hl`.
//! The programs live in `tests/programs/<name>/` (`Main.hx` and its `main.hl`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs").join(name)
}

fn build_and_run(name: &str) -> Output {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "hlrt"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .status()
        .unwrap();
    assert!(status.success());
    let exe = std::env::temp_dir().join(format!("hlc-beyond-{name}-{}", std::process::id()));
    let build = Command::new(env!("CARGO_BIN_EXE_hlc-test-driver"))
        .arg("build")
        .arg(program(name).join("main.hl"))
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let out = Command::new(&exe).output().unwrap();
    let _ = std::fs::remove_file(&exe);
    out
}

/// HashLink dies with SIGSEGV on unbounded recursion; hlc throws a catchable
/// error, repeatedly, and the program goes on with a usable stack.
#[test]
fn stack_overflow_is_a_catchable_error() {
    let out = build_and_run("stack_overflow");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        stdout,
        "Main.hx:14: 10000\n\
         Main.hx:19: round 0 caught: Stack overflow\n\
         Main.hx:19: round 1 caught: Stack overflow\n\
         Main.hx:19: round 2 caught: Stack overflow\n\
         Main.hx:22: 20000\n"
    );
}
