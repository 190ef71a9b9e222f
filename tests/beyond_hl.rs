//! Behaviour where hlc deliberately does better than the reference VM, so
//! the expected output is written by hand instead of recorded from `hl`.
//! The programs live in `tests/programs/<name>/` (`Main.hx` and its `main.hl`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs").join(name)
}

fn hlc(args: &[&std::ffi::OsStr]) -> Output {
    hlc_tests::hlc(env!("CARGO_BIN_EXE_hlc-test-driver"), args)
}

fn build_and_run(name: &str) -> Output {
    let exe = std::env::temp_dir().join(format!("hlc-beyond-{name}-{}", std::process::id()));
    let build = hlc_tests::hlc_build(env!("CARGO_BIN_EXE_hlc-test-driver"), &program(name).join("main.hl"), &exe, &[]);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let out = Command::new(&exe).output().unwrap();
    let _ = std::fs::remove_file(&exe);
    out
}

/// What `tests/programs/stack_overflow` prints: three overflows caught, then
/// a deep recursion that still fits.
const STACK_OVERFLOW_OUTPUT: &str = "Main.hx:14: 10000\n\
     Main.hx:19: round 0 caught: Stack overflow\n\
     Main.hx:19: round 1 caught: Stack overflow\n\
     Main.hx:19: round 2 caught: Stack overflow\n\
     Main.hx:22: 20000\n";

/// HashLink dies with SIGSEGV on unbounded recursion; hlc throws a catchable
/// error, repeatedly, and the program goes on with a usable stack.
#[test]
fn stack_overflow_is_a_catchable_error() {
    let out = build_and_run("stack_overflow");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout, STACK_OVERFLOW_OUTPUT);
}

/// The same for a Windows executable under Wine (vectored exception
/// handler; the guard page is re-armed each time). Skipped without the
/// Windows runtime, MinGW or Wine unless `HLC_TEST_WINDOWS=1`.
#[test]
fn stack_overflow_is_a_catchable_error_on_windows() {
    let required = std::env::var_os("HLC_TEST_WINDOWS").is_some_and(|v| v == "1");
    let exe = std::env::temp_dir().join(format!("hlc-beyond-so-{}.exe", std::process::id()));
    let build = hlc_tests::hlc_build(
        env!("CARGO_BIN_EXE_hlc-test-driver"),
        &program("stack_overflow").join("main.hl"),
        &exe,
        &["--target", "x86_64-pc-windows-gnu"],
    );
    let stderr = String::from_utf8_lossy(&build.stderr);
    let wine = ["wine64", "wine"].into_iter().find(|w| Command::new(w).arg("--version").output().is_ok_and(|o| o.status.success()));
    if !required && (!build.status.success() && (stderr.contains("hlc::runtime_missing") || stderr.contains("no linker for")) || wine.is_none()) {
        eprintln!("skipped: no Windows runtime, MinGW or Wine here");
        let _ = std::fs::remove_file(&exe);
        return;
    }
    assert!(build.status.success(), "{stderr}");
    let out = Command::new(wine.expect("wine")).arg(&exe).env("WINEDEBUG", "-all").output().unwrap();
    let _ = std::fs::remove_file(&exe);
    let stdout = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout, STACK_OVERFLOW_OUTPUT);
}

/// `--lib` links a user's native library whose symbols follow HL/C's naming;
/// a native nobody provides is listed with its library and signature, and with
/// `--allow-missing-natives` it throws an exception naming itself when called.
#[test]
fn user_native_libraries_and_missing_natives() {
    hlc_tests::ensure_runtime_library();
    let dir = std::env::temp_dir().join(format!("hlc-ext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = program("native_ext");
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime-c/include");
    let obj = dir.join("ext.o");
    let lib = dir.join("libmyext.a");
    let cc = Command::new("cc").arg("-c").arg("-I").arg(&include).arg(src.join("ext.c")).arg("-o").arg(&obj).status().unwrap();
    assert!(cc.success());
    assert!(Command::new("ar").arg("rcs").arg(&lib).arg(&obj).status().unwrap().success());
    let hl = src.join("main.hl");
    let exe = dir.join("prog");

    // Without --allow-missing-natives: a diagnostic listing the missing native.
    let out = hlc(&["build".as_ref(), hl.as_os_str(), "-o".as_ref(), exe.as_os_str(), "--lib".as_ref(), lib.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nolib@nothing") && stderr.contains("nolib_nothing") && stderr.contains("():i32"), "{stderr}");
    assert!(!stderr.contains("myext@"), "the --lib natives were reported missing: {stderr}");
    assert!(!exe.exists());

    // With it: the library's natives work and the missing one throws.
    let out = hlc(&[
        "build".as_ref(),
        hl.as_os_str(),
        "-o".as_ref(),
        exe.as_os_str(),
        "--lib".as_ref(),
        lib.as_os_str(),
        "--allow-missing-natives".as_ref(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let run = Command::new(&exe).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "Main.hx:17: 42\n\
         Main.hx:18: 4.5\n\
         Main.hx:22: caught: Missing native function nolib@nothing (not provided by the hlc runtime or a --lib library)\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two field names with the same hash stay distinct through dynamic access,
/// `Reflect` and structural views (the reference VM confuses them).
#[test]
fn field_names_with_colliding_hashes_stay_apart() {
    let out = build_and_run("hash_collisions");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "1 two\n1 two\n1 changed\n[ibkgfmc,yzwoeoe] 4 a\n9 changed 9\n"
    );
}

/// Threads spinning in loops that neither allocate nor call natives do not
/// hold up collections: generated code polls for the GC on loop back-edges
/// (HashLink waits for such a thread forever).
#[test]
fn spinning_loops_let_collections_run() {
    let exe = std::env::temp_dir().join(format!("hlc-beyond-spin-{}", std::process::id()));
    let build = hlc_tests::hlc_build(env!("CARGO_BIN_EXE_hlc-test-driver"), &program("spin_loop_gc").join("main.hl"), &exe, &[]);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let mut child = Command::new(&exe)
        .env("HL_GC_PROFILE", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t0.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(&exe);
            panic!("a collection waited for the spinning threads (killed after 60 s)");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    let _ = std::fs::remove_file(&exe);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let collections = stdout.lines().filter(|l| l.starts_with("GC-PROFILE ")).count();
    assert!(collections >= 2, "expected collections while the threads spin:\n{stdout}");
    let program: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("GC-PROFILE") && !l.starts_with('\t')).collect();
    assert_eq!(program, ["spinning threads stopped: true", "allocated over 32 MB: true"]);
}
