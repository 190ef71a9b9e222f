//! The collector under load, measured from outside: peak RSS of a program
//! that allocates more than 5 GB over a small live set, and the number of
//! collections of a program that keeps a 400k-element object array alive
//! while allocating (HashLink re-marks that array every few hundred KB);
//! a dead tree that a function's stack frame must not keep alive; and
//! `EReg`s that must not hold memory the collector does not see.

use hlc_tests::golden_dir;
use std::path::Path;
use std::process::{Command, Stdio};

struct Run {
    stdout: Vec<u8>,
    stderr: String,
    code: i32,
    max_rss_kb: i64,
}

fn build(name: &str) -> std::path::PathBuf {
    let exe = std::env::temp_dir().join(format!("hlc-gc-{name}-{}", std::process::id()));
    let out = hlc_tests::hlc_build(env!("CARGO_BIN_EXE_hlc-test-driver"), &golden_dir().join(name).join("main.hl"), &exe, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    exe
}

/// Runs `exe` with `HLC_GC_STATS=1`, reading its peak RSS with `wait4`.
fn run(exe: &Path) -> Run {
    let child = Command::new(exe)
        .env("HLC_GC_STATS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let (mut out, mut err) = (child.stdout.unwrap(), child.stderr.unwrap());
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).unwrap();
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).unwrap();
        s
    });
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
    let _ = std::fs::remove_file(exe);
    Run {
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
        code: if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { 128 + libc::WTERMSIG(status) },
        max_rss_kb: usage.ru_maxrss,
    }
}

/// `hlc-gc: collections=N allocated=B ...` → (collections, allocated bytes).
fn gc_figures(stderr: &str) -> (u64, u64) {
    let line = stderr.lines().find(|l| l.starts_with("hlc-gc:")).expect("HLC_GC_STATS line");
    let field = |k: &str| -> u64 {
        line.split_whitespace().find_map(|w| w.strip_prefix(&format!("{k}="))).unwrap().parse().unwrap()
    };
    (field("collections"), field("allocated"))
}

fn expected_stdout(name: &str) -> Vec<u8> {
    std::fs::read(golden_dir().join(name).join("expected.stdout")).unwrap()
}

#[test]
fn five_gigabytes_of_garbage_stay_under_100_mb() {
    let r = run(&build("gc_churn"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, expected_stdout("gc_churn"));
    let (collections, allocated) = gc_figures(&r.stderr);
    println!("gc_churn: {allocated} bytes allocated, {collections} collections, peak RSS {} KB", r.max_rss_kb);
    assert!(allocated > 5_000_000_000, "only {allocated} bytes allocated");
    assert!(r.max_rss_kb < 100 * 1024, "peak RSS {} KB", r.max_rss_kb);
}

#[test]
fn a_big_live_array_is_not_re_marked_every_few_hundred_kb() {
    let r = run(&build("gc_big_array"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, expected_stdout("gc_big_array"));
    let (collections, allocated) = gc_figures(&r.stderr);
    println!("gc_big_array: {allocated} bytes allocated, {collections} collections");
    // HashLink collects after ~315 KB of allocation here; require at least 4 MB per collection.
    assert!(collections > 0 && allocated / collections > 4 << 20, "{collections} collections for {allocated} bytes");
}

/// `tests/programs/dead_root` builds a 6 MB tree in `main`, prints its size
/// (its root is live across the calls that build the message) and then
/// forces collections in a loop. The root is dead by then, so no collection
/// in the loop may find the tree: before `lower/deadslots.rs`, a dead copy
/// of the root in `main`'s frame kept all of it alive (6151 KB live in
/// every one of them).
#[test]
fn a_dead_root_in_a_looping_function_frees_its_tree() {
    let exe = std::env::temp_dir().join(format!("hlc-gc-dead-root-{}", std::process::id()));
    let out = hlc_tests::hlc_build(env!("CARGO_BIN_EXE_hlc-test-driver"), &hlc_tests::program("dead_root").join("main.hl"), &exe, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let run = Command::new(&exe).env("HL_GC_PROFILE", "1").output().unwrap();
    let _ = std::fs::remove_file(&exe);
    assert!(run.status.success());
    // The profile is printed on standard output, as `hl` prints it: a
    // `GC-PROFILE N` line and tab-indented figures after each collection,
    // `\tlive NKB in M blocks` among them; the last three are the loop's.
    let stdout = String::from_utf8_lossy(&run.stdout);
    let program: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("GC-PROFILE") && !l.starts_with('\t')).collect();
    assert_eq!(program, ["tree of depth 17: 262143 nodes", "small trees: 93 nodes"]);
    let live: Vec<u64> = stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("live ")?.split("KB").next()?.parse().ok())
        .collect();
    assert!(live.len() >= 3, "{stdout}");
    let forced = &live[live.len() - 3..];
    assert!(forced.iter().all(|&kb| kb < 1024), "live KB after the loop's collections: {forced:?}");
}

/// `tests/programs/ereg_churn` makes 200,000 `EReg`s over 1,000 patterns
/// and matches each once, in PCRE2's interpreter. The interpreter keeps its
/// backtracking frames (20 KB) in the match data it is given; when each
/// `EReg` had match data of its own, the frames of every `EReg` not yet
/// finalized stayed allocated (18 MB peak RSS here; `hl` 1.17 reaches 74 MB).
/// Matches now run in one match data block per thread.
#[test]
fn eregs_made_in_a_loop_hold_no_interpreter_frames() {
    let dir = hlc_tests::program("ereg_churn");
    let exe = std::env::temp_dir().join(format!("hlc-gc-ereg-churn-{}", std::process::id()));
    let out = hlc_tests::hlc_build(env!("CARGO_BIN_EXE_hlc-test-driver"), &dir.join("main.hl"), &exe, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = run(&exe);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, std::fs::read(dir.join("expected.stdout")).unwrap());
    println!("ereg_churn: peak RSS {} KB", r.max_rss_kb);
    assert!(r.max_rss_kb < 10 * 1024, "peak RSS {} KB", r.max_rss_kb);
}
