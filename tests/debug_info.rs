//! What executables tell debuggers and profilers: HashLink's function names
//! as symbols (`nm`, `perf`), DWARF lines (`addr2line`, `gdb`), and
//! `--release` stripping both.

use hlc_tests::golden_dir;
use object::{Object as _, ObjectSymbol as _};
use std::path::PathBuf;
use std::process::Command;

/// Builds golden program `name` with `extra` options; the executable is
/// removed when the returned guard is dropped.
fn build(name: &str, extra: &[&str]) -> Exe {
    // Tests run in parallel and may build the same program: one path per call.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("hlc-dbg-{name}-{}-{}-{call}", extra.join(""), std::process::id()));
    let out = hlc_tests::hlc_build(env!("CARGO_BIN_EXE_hlc-test-driver"), &golden_dir().join(name).join("main.hl"), &path, extra);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Exe(path)
}

struct Exe(PathBuf);

impl Drop for Exe {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `nm` lists every HL function under HashLink's name for it, as a local
/// text symbol; `addr2line` maps its code to the `.hx` file and line.
#[test]
fn symbols_carry_hashlink_names_and_addr2line_finds_lines() {
    let exe = build("closures", &[]);
    let nm = stdout(Command::new("nm").arg(&exe.0));
    let symbols: Vec<(&str, &str, &str)> = nm
        .lines()
        .filter_map(|l| {
            let mut it = l.splitn(3, ' ');
            Some((it.next()?, it.next()?, it.next()?))
        })
        .collect();
    let find = |name: &str| symbols.iter().find(|s| s.2 == name).unwrap_or_else(|| panic!("nm lists no `{name}`:\n{nm}"));
    // Statics (the class object `$Main`), closures, instance methods, the entry point.
    for name in ["$Main.main", "$Main.apply", "$Main.~main.0", "$Main.~adder.0", "Acc.add", "Acc.describe", "$Acc.twice", ".init"] {
        assert_eq!(find(name).1, "t", "`{name}` should be a local text symbol");
    }
    let unnamed = |s: &str| s.strip_prefix("hlc_f").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    assert!(!symbols.iter().any(|s| unnamed(s.2)), "functions left without their HashLink name:\n{nm}");

    // addr2line: Acc.add's code is lines 11-12 of golden/closures/Main.hx (`total += x; return total;`).
    let nm_sizes = stdout(Command::new("nm").arg("-S").arg(&exe.0));
    let (start, size) = nm_sizes
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (f.len() == 4 && f[3] == "Acc.add").then(|| (u64::from_str_radix(f[0], 16).unwrap(), u64::from_str_radix(f[1], 16).unwrap()))
        })
        .unwrap_or_else(|| panic!("nm -S gives no size for Acc.add:\n{nm_sizes}"));
    let addresses: Vec<String> = (start..start + size).map(|a| format!("{a:#x}")).collect();
    let out = stdout(Command::new("addr2line").arg("-f").arg("-e").arg(&exe.0).args(&addresses));
    let main_hx = std::fs::canonicalize(golden_dir().join("closures").join("Main.hx")).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2 * addresses.len(), "{out}");
    let mut seen = std::collections::BTreeSet::new();
    for pair in lines.chunks(2) {
        assert_eq!(pair[0], "Acc.add", "{out}");
        let place = pair[1].split(" (discriminator").next().unwrap();
        let (file, line) = place.rsplit_once(':').unwrap_or_else(|| panic!("{out}"));
        assert_eq!(std::path::Path::new(file), main_hx, "{out}");
        seen.insert(line.parse::<u32>().unwrap_or_else(|_| panic!("{out}")));
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![11, 12], "{out}");
}

/// gdb sets a breakpoint by `Main.hx:LINE`, stops there, and `bt` shows the
/// Haxe frames with their files and lines.
#[test]
fn gdb_breaks_at_haxe_lines_and_shows_haxe_frames() {
    if Command::new("gdb").arg("--version").output().is_err() {
        eprintln!("SKIPPED: gdb is not installed (apt-get install gdb)");
        return;
    }
    let exe = build("closures", &[]);
    let out = Command::new("gdb")
        .args(["-nx", "-batch", "-ex", "set debuginfod enabled off", "-ex", "break Main.hx:11", "-ex", "run", "-ex", "bt"])
        .arg(&exe.0)
        .output()
        .expect("run gdb");
    let text = String::from_utf8_lossy(&out.stdout);
    let text = format!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Breakpoint 1, Acc.add () at Main.hx:11"), "gdb did not stop in Acc.add at Main.hx:11:\n{text}");
    let frames: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    let frame = |n: usize| frames.get(n).copied().unwrap_or_else(|| panic!("no frame #{n}:\n{text}"));
    assert!(frame(0).starts_with("#0  Acc.add () at Main.hx:11"), "{text}");
    // Acc.add was called through a bound-method closure from line 124 of main.
    assert!(frame(1).ends_with(" in $Main.main () at Main.hx:124"), "{text}");
    assert!(frame(2).contains(" in .init () "), "{text}");
    assert!(frames.iter().any(|f| f.ends_with(" in main ()")), "gdb could not unwind to main:\n{text}");
}

/// `--release` leaves neither symbols nor DWARF in the executable, which
/// still runs.
#[test]
fn release_strips_symbols_and_debug_info() {
    let debug = build("hello", &[]);
    let release = build("hello", &["--release"]);
    let data = std::fs::read(&debug.0).unwrap();
    let file = object::File::parse(&*data).unwrap();
    assert!(file.section_by_name(".debug_line").is_some());
    assert!(file.symbols().any(|s| s.name() == Ok("$Main.main")));
    let debug_size = data.len();

    let data = std::fs::read(&release.0).unwrap();
    let file = object::File::parse(&*data).unwrap();
    for section in [".debug_line", ".debug_info", ".debug_frame", ".symtab"] {
        assert!(file.section_by_name(section).is_none(), "--release left {section}");
    }
    assert!(data.len() < debug_size, "release {} bytes vs debug {debug_size}", data.len());
    let run = Command::new(&release.0).output().unwrap();
    assert!(String::from_utf8_lossy(&run.stdout).starts_with("Main.hx:3: Hello, world!\n"));
}

/// An executable carries the DWARF of its Haxe code and the runtime's
/// symbols, but the runtime's own DWARF only with `--runtime-debug-info`.
#[test]
fn runtime_debug_info_is_linked_on_request() {
    // Does any debug section mention `needle` (a source file name)?
    fn debug_mentions(exe: &Exe, needle: &[u8]) -> bool {
        use object::ObjectSection as _;
        let data = std::fs::read(&exe.0).unwrap();
        let file = object::File::parse(&*data).unwrap();
        let found = file.sections().filter(|s| s.name().is_ok_and(|n| n.starts_with(".debug"))).any(|s| {
            let bytes = s.uncompressed_data().unwrap();
            bytes.windows(needle.len()).any(|w| w == needle)
        });
        assert!(file.symbols().any(|s| s.name() == Ok("hl_alloc_obj")), "the runtime's symbols are kept");
        found
    }
    let default = build("hello", &[]);
    let with_runtime = build("hello", &["--runtime-debug-info"]);
    assert!(debug_mentions(&default, b"Main.hx"));
    assert!(debug_mentions(&with_runtime, b"Main.hx"));
    // `runtime/src/gc/heap.rs`: a source file of the runtime.
    assert!(!debug_mentions(&default, b"heap.rs"), "the runtime's DWARF was linked by default");
    assert!(debug_mentions(&with_runtime, b"heap.rs"), "--runtime-debug-info did not link the runtime's DWARF");
}

/// `HLC_PERF_MAP=1 hlc run` writes `/tmp/perf-<pid>.map` (what perf reads
/// for JIT code) with HashLink's names of the functions it compiled.
#[test]
fn hlc_run_writes_a_perf_map_on_request() {
    hlc_tests::ensure_runtime_library();
    let child = Command::new(env!("CARGO_BIN_EXE_hlc-test-driver"))
        .env("HLC_PERF_MAP", "1")
        .args(["run", "--no-cache"])
        .arg(golden_dir().join("closures").join("main.hl"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("run hlc");
    let map = PathBuf::from(format!("/tmp/perf-{}.map", child.id()));
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&map).unwrap_or_else(|e| panic!("no {}: {e}", map.display()));
    let _ = std::fs::remove_file(&map);
    let names: Vec<&str> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.splitn(3, ' ').collect();
            assert!(f.len() == 3 && u64::from_str_radix(f[0], 16).is_ok() && u64::from_str_radix(f[1], 16).is_ok(), "bad line `{l}`");
            f[2]
        })
        .collect();
    for name in ["$Main.main", "Acc.add", "$Main.~main.0", ".init"] {
        assert!(names.contains(&name), "`{name}` missing from the perf map:\n{text}");
    }
}
