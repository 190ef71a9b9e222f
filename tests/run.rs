//! End to end, quickly: a representative handful of golden programs is built
//! with `hlc build`, run, and its stdout, stderr and exit code compared with
//! the reference VM's. The whole suite runs once per backend and target in
//! `cargo xtask golden` (which `cargo xtask test` and CI run), not here:
//! this is the fast feedback of `cargo test`.

use hlc_tests::golden_dir;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One program per area: output and traces, exceptions and their stacks,
/// an uncaught exception's report and exit code, closures, Unicode strings,
/// enums, reflection, threads.
const REPRESENTATIVE: &[&str] =
    &["hello", "exceptions", "uncaught", "closures", "strings_unicode", "enum_values", "reflection", "threads_basic"];

/// Builds and runs one program; `Err` describes the first difference.
fn check(dir: &Path, work: &Path) -> Result<(), String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let exe = work.join(&name);
    let build = hlc_tests::hlc_build(env!("CARGO_BIN_EXE_hlc-test-driver"), &dir.join("main.hl"), &exe, &[]);
    if !build.status.success() {
        return Err(format!("hlc build failed:\n{}", String::from_utf8_lossy(&build.stderr)));
    }
    let run = run_limited(Command::new(&exe).current_dir(dir), RUN_LIMIT)?;
    let expected_code: i32 = std::fs::read_to_string(dir.join("expected.exit")).unwrap().trim().parse().unwrap();
    let expected_out = std::fs::read(dir.join("expected.stdout")).unwrap();
    let expected_err = std::fs::read(dir.join("expected.stderr")).unwrap();
    if run.status.code() != Some(expected_code) {
        return Err(format!(
            "exit status {:?}, expected {expected_code}\nstderr: {}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    for (what, got, want) in [("stdout", &run.stdout, &expected_out), ("stderr", &run.stderr, &expected_err)] {
        if got != want {
            let (g, w) = (String::from_utf8_lossy(got), String::from_utf8_lossy(want));
            let line = g.lines().zip(w.lines()).position(|(a, b)| a != b).unwrap_or(g.lines().count().min(w.lines().count()));
            return Err(format!(
                "{what} differs at line {}:\n  got:  {:?}\n  want: {:?}",
                line + 1,
                g.lines().nth(line).unwrap_or("<end>"),
                w.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    Ok(())
}

/// How long one golden program may run: a program that waits forever (say,
/// for a collection some thread never lets through) fails instead of hanging.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// Runs `cmd` to completion, capturing its output; kills it after `limit`.
fn run_limited(cmd: &mut Command, limit: Duration) -> Result<Output, String> {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {} s (killed)", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Output { status, stdout: out_t.join().unwrap_or_default(), stderr: err_t.join().unwrap_or_default() })
}

#[test]
fn representative_golden_programs_match_the_reference_vm() {
    hlc_tests::ensure_runtime_library();
    let work = std::env::temp_dir().join(format!("hlc-run-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let mut failures = Vec::new();
    for name in REPRESENTATIVE {
        let dir = golden_dir().join(name);
        assert!(dir.join("main.hl").is_file(), "golden/{name} is gone: update REPRESENTATIVE");
        if let Err(e) = check(&dir, &work) {
            failures.push(format!("{name}: {e}"));
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    println!("golden subset: {} passed, {} failed", REPRESENTATIVE.len() - failures.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
