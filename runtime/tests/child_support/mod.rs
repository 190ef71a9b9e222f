//! Error paths of natives end the process (the error is uncaught outside HL
//! code), so tests run them in a child: the test binary re-runs its own
//! `child` test with the case named in an environment variable.

use std::process::Command;

/// Runs case `case` of this binary's `child` test (selected through `env_var`)
/// and checks that it died with HashLink's report of error `msg`.
pub fn expect_error(env_var: &str, case: &str, msg: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(env_var, case)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("Uncaught exception: {msg}\n")), "{case}: {err}");
    assert_eq!(out.status.code(), Some(1), "{case}");
}
