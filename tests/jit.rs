//! `hlc run` beyond what the golden programs show (`cargo xtask golden --jit`
//! runs those): hot reload, plugins, native libraries (`.hdll`), natives
//! nobody provides.

use hlc_tests::{hdll, program, scratch};
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DRIVER: &str = env!("CARGO_BIN_EXE_hlc-test-driver");

/// Replaces `file` with `contents` in one step, as an editor or compiler would.
fn replace(file: &Path, contents: &[u8]) {
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, contents).unwrap();
    std::fs::rename(&tmp, file).unwrap();
}

/// Waits for the next line on `lines`; fails after 30 s.
fn next_line(lines: &mpsc::Receiver<String>) -> String {
    lines.recv_timeout(Duration::from_secs(30)).expect("the program printed nothing new within 30 s")
}

/// The running program's `.hl` is replaced while it runs: changed function
/// bodies take effect (for direct calls, a closure and a virtual call made
/// before the reload), a half-written file is ignored, a changed class
/// layout is refused with one line on stderr, and a later good version still
/// loads.
#[test]
fn hot_reload_replaces_changed_code() {
    let dir = scratch("jit-reload");
    let src = program("hot_reload");
    let version = |v: &str| std::fs::read(src.join(v).join("main.hl")).unwrap();
    let prog = dir.join("prog.hl");
    std::fs::write(&prog, version("v1")).unwrap();
    let mut child = Command::new(DRIVER)
        .args(["run", "--hot-reload"])
        .arg(&prog)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    assert_eq!(next_line(&lines), "one one b1");

    // Half of the new file first: not a module yet, ignored.
    let v2 = version("v2");
    replace(&prog, &v2[..v2.len() / 2]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(lines.try_recv().is_err(), "a half-written file changed something");
    replace(&prog, &v2);
    assert_eq!(next_line(&lines), "reloaded");
    assert_eq!(next_line(&lines), "two two b2");

    // A new field in B: refused, the program goes on with what it has.
    replace(&prog, &version("v3"));
    std::thread::sleep(Duration::from_millis(500));
    assert!(lines.try_recv().is_err(), "a refused reload changed something");

    replace(&prog, &version("v4"));
    assert_eq!(next_line(&lines), "reloaded");
    assert_eq!(next_line(&lines), "stop stop b2");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the program did not end");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    assert_eq!(
        stderr,
        format!("hlc: hot reload of {} refused: type B has changed; the program keeps its current code\n", prog.display())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Without `--hot-reload`, `sys_check_reload` never reloads.
#[test]
fn check_reload_is_false_without_hot_reload() {
    let dir = scratch("jit-noreload");
    let src = program("hot_reload");
    let prog = dir.join("prog.hl");
    std::fs::copy(src.join("v1").join("main.hl"), &prog).unwrap();
    let mut child = Command::new(DRIVER).arg("run").arg(&prog).stdout(Stdio::piped()).spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert_eq!(first, "one one b1\n");
    replace(&prog, &std::fs::read(src.join("v4").join("main.hl")).unwrap());
    std::thread::sleep(Duration::from_millis(500));
    let _ = child.kill();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let _ = child.wait();
    assert_eq!(rest, "", "the program reloaded without --hot-reload");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A plugin is loaded into the running program: its classes with the host's
/// layout pass for the host's, its entry point runs, `sys_resolve_type`
/// gives it the host's class object and makes its copies of the class's
/// methods the host's; a file that cannot be loaded gives `false`.
#[test]
fn plugins_load_into_the_running_program() {
    let dir = program("plugin");
    let out = Command::new(DRIVER).arg("run").arg(dir.join("main.hl")).arg(dir.join("plugin.hl")).current_dir(scratch("jit-plugin")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "host greets main\n\
         missing plugin loaded: false\n\
         in plugin: plugin greets the host\n\
         host's Api.calls seen from the plugin: 1\n\
         in plugin: plugin greets the host again\n\
         host's Api.calls now: 2\n\
         plugin loaded: true\n\
         Api.calls = 2\n"
    );
    assert!(stderr.starts_with("hlc: cannot load plugin no-such-plugin.hl: cannot read"), "{stderr}");
}

/// A native nobody provides stops `hlc run` before the program starts, naming
/// it and where it was looked for; `--allow-missing-natives` runs the program
/// and the native throws when called.
#[test]
fn missing_natives_are_reported() {
    let hl = program("native_ext").join("main.hl");
    let out = Command::new(DRIVER).arg("run").arg(&hl).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nolib@nothing") && stderr.contains("myext@add_twice"), "{stderr}");
    assert!(stderr.contains("looked in"), "{stderr}");
    assert!(out.stdout.is_empty());

    let out = Command::new(DRIVER).args(["run", "--allow-missing-natives"]).arg(&hl).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.starts_with("Uncaught exception: Missing native function myext@add_twice"), "{stdout}");
}

/// A HashLink native library next to the program is loaded as `hl` loads it
/// (through its `hlp_` entries, binding its libhl imports to hlc's runtime:
/// it needs `libhl.so` and none exists), also found through
/// `HLC_LIBRARY_PATH`; one whose signatures differ from the program's is refused.
#[test]
fn hdll_libraries_are_loaded() {
    let dir = scratch("jit-hdll");
    let src = program("abi_ext");
    let lib = hdll(&dir, "abiext", &[src.join("abiext.c")]);
    std::fs::copy(src.join("main.hl"), dir.join("main.hl")).unwrap();
    let expected = std::fs::read_to_string(src.join("expected.stdout")).unwrap();
    // Next to the .hl file, run from elsewhere.
    let out = Command::new(DRIVER).arg("run").arg(dir.join("main.hl")).current_dir(std::env::temp_dir()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0));

    // In a directory of HLC_LIBRARY_PATH.
    let elsewhere = dir.join("libs");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::rename(&lib, elsewhere.join("abiext.hdll")).unwrap();
    let out = Command::new(DRIVER).arg("run").arg(dir.join("main.hl")).env("HLC_LIBRARY_PATH", &elsewhere).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{}", String::from_utf8_lossy(&out.stderr));

    // A library whose abiext@add takes a float: refused before the program starts.
    let wrong = dir.join("wrong.c");
    std::fs::write(
        &wrong,
        "#define HL_NAME(n) abiext_##n\n#include <hl.h>\n\
         HL_PRIM int HL_NAME(add)(int a, double b) { return a + (int)b; }\n\
         DEFINE_PRIM(_I32, add, _I32 _F64);\n",
    )
    .unwrap();
    hdll(&dir, "abiext", &[wrong]);
    let out = Command::new(DRIVER).args(["run", "--allow-missing-natives"]).arg(dir.join("main.hl")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let flat = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("native abiext@add: the program declares `Pii_i`"), "{stderr}");
    assert!(flat.contains("defines it as `Pid_i` (hlp_add)"), "{stderr}");
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The code cache: a second run of the same program loads every function the
/// first one compiled (and prints the same, stack traces included, which come
/// from the kept code maps); damaged entries are ignored and compiled anew;
/// `--no-cache` neither reads nor writes it. A run that loads code also
/// skips the verifier, which passed this file before.
#[test]
fn code_cache_is_reused_and_checked() {
    let dir = scratch("jit-cache");
    let cache = dir.join("cache");
    let golden = hlc_tests::golden_dir().join("uncaught");
    let expected = std::fs::read_to_string(golden.join("expected.stdout")).unwrap();
    let run = |extra: &[&str]| {
        let out = Command::new(DRIVER)
            .env("HLC_CACHE_DIR", &cache)
            .arg("run")
            .args(extra)
            .arg("-v")
            .arg(golden.join("main.hl"))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let count = |what: &str| stderr.lines().filter(|l| l.starts_with(&format!("hlc: {what} fun@"))).count();
        (count("compiled"), count("loaded"), stderr.contains("hlc: verified in an earlier run"))
    };
    let entries = || -> Vec<std::path::PathBuf> {
        let Ok(dirs) = std::fs::read_dir(&cache) else { return vec![] };
        dirs.flatten()
            .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
            .map(|e| e.path())
            .filter(|p| !p.extension().is_some_and(|e| e.to_string_lossy().starts_with("tmp")) && !p.ends_with("verified"))
            .collect()
    };

    let (compiled, loaded, skipped) = run(&["--no-cache"]);
    assert!(compiled > 10 && loaded == 0 && !skipped, "{compiled} {loaded}");
    assert!(entries().is_empty(), "--no-cache wrote the cache");

    let (compiled, loaded, skipped) = run(&[]);
    assert!(compiled > 10 && loaded == 0 && !skipped, "{compiled} {loaded}");
    assert_eq!(entries().len(), compiled, "one entry per compiled function");

    let (again, loaded, skipped) = run(&[]);
    assert_eq!((again, loaded, skipped), (0, compiled, true), "the second run did not load every function");

    // Damage every entry: flip a byte in the middle of each.
    for e in entries() {
        let mut bytes = std::fs::read(&e).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x5a;
        std::fs::write(&e, bytes).unwrap();
    }
    let (recompiled, loaded, _) = run(&[]);
    assert_eq!((recompiled, loaded), (compiled, 0), "damaged entries were used");
    let _ = std::fs::remove_dir_all(&dir);
}
