//! Project automation: `cargo xtask <command>`.
//!
//! - `golden [--regen] [--release] [NAME...]`: build every program under
//!   `golden/` with `hlc`, run it and compare stdout, stderr and exit code
//!   with the expected files (and with a reference `hl` on PATH, if any).
//!   `--regen` first recompiles each `Main.hx` with `haxe` (writing `main.hl`
//!   and `hlcode.txt`) and, when a reference `hl` is found, rewrites the
//!   expected output files from it. `--jit` runs each program with
//!   `hlc run` instead of building an executable.
//! - `test`: `cargo build` and `cargo test` for the workspace, then `golden`
//!   and `golden --jit`.
//! - `runtime --target TRIPLE [--dest DIR]`: builds the runtime library
//!   for a target (adding the Rust target with rustup if needed) into
//!   cargo's `<target dir>/<triple>/release/`, where `hlc` looks for it; for
//!   musl targets, with musl's C library and start files beside it.
//!   `--dest DIR` also copies it into `DIR/<triple>/` (e.g. next to an
//!   installed `hlc`).
//! - `golden --target TRIPLE`: builds every golden program for the target
//!   and runs it, under `$CARGO_TARGET_<TRIPLE>_RUNNER` if set, else under
//!   `qemu-<arch> -L /usr/<arch>-linux-gnu` when the host cannot run it.
//!   With `--jit`, builds `hlc` itself for the target and runs `hlc run`
//!   with it the same way.
//! - `bench [--runs N] [NAME...]`: builds the programs under `bench/` with a
//!   release `hlc`, runs each built (AOT) and under `hlc run` (JIT), against
//!   the reference `hl` (and HL/C builds found in `$HLC_BENCH_HLC_DIR/<name>`,
//!   if given) side by side, in turns (N rounds, default 3), and prints the
//!   best wall time and peak RSS of each with the ratios and their geometric
//!   means; then build times and start-up (a hello world — also
//!   `$HLC_BENCH_HLC_DIR/hello` if present — and the first output of
//!   `$HLC_BENCH_UNIT` if given).
//! - `hot-runtime`: builds the golden programs of [`HOT_PROFILED`] with a
//!   release `hlc`, runs each under valgrind's callgrind and rewrites
//!   `compiler/targets/src/hot_runtime.txt`: the runtime functions that at
//!   least two of them run, those most of them run first, which executables
//!   lay out together in that order (`hlc_targets::code_layout`). Rerun it when the runtime's start-up,
//!   GC or common natives change much.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;
use hlc_targets::{musl, Arch, Libc, Os, Target};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("golden") => golden(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("runtime") => runtime_command(&args[1..]),
        Some("hot-runtime") => hot_runtime(),
        _ => Err("usage: cargo xtask golden [--regen] [--release] [--jit] [--target TRIPLE] [NAME...] | cargo xtask test | cargo xtask bench [--runs N] [NAME...] | cargo xtask runtime --target TRIPLE [--dest DIR] | cargo xtask hot-runtime".into()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T> = std::result::Result<T, String>;

fn run_status(cmd: &mut Command) -> Result<bool> {
    cmd.status().map(|s| s.success()).map_err(|e| format!("cannot run {cmd:?}: {e}"))
}

/// A cargo command without the `CARGO_MANIFEST_DIR` that `cargo run` set
/// for xtask: ring's build script reruns when it changes, so builds from
/// here and by hand would otherwise rebuild each other's (minutes each).
fn cargo() -> Command {
    let mut c = Command::new(env!("CARGO"));
    c.env_remove("CARGO_MANIFEST_DIR");
    c
}

fn test(rest: &[String]) -> Result<bool> {
    // The executables the tests build link with libhlrt.a, which `cargo test` alone does not produce.
    if !run_status(cargo().args(["build", "--workspace"]).current_dir(root()))? {
        return Ok(false);
    }
    let ok = run_status(cargo().args(["test", "--workspace"]).current_dir(root()))?;
    if !ok {
        return Ok(false);
    }
    let aot = golden(rest)?;
    let mut jit_args = rest.to_vec();
    jit_args.push("--jit".into());
    Ok(golden(&jit_args)? && aot)
}

/// Looks for a program on PATH.
fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.is_file()))
        .unwrap_or(None)
}

/// The reference VM: `$HLC_REFERENCE_HL`, else `hl` on PATH.
fn reference_hl() -> Option<PathBuf> {
    std::env::var_os("HLC_REFERENCE_HL").map(PathBuf::from).filter(|p| p.is_file()).or_else(|| which("hl"))
}

struct Outcome {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    code: i32,
}

/// Runs a program with a time limit and captures its output.
fn run_captured(cmd: &mut Command, limit: Duration) -> Result<Outcome> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).ok();
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).ok();
        v
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {}s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    use std::os::unix::process::ExitStatusExt as _;
    let code = status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
    Ok(Outcome { stdout: t_out.join().unwrap(), stderr: t_err.join().unwrap(), code })
}

/// The expected outcome of the program in `dir` for a target whose
/// expected-file keys are `keys` (`Target::expected_keys`): where a
/// program's output legitimately depends on the architecture (see the
/// `expected.<arch>.why` file beside them), `expected.<arch>.stdout` and
/// the like take the place of the reference VM's (x86-64) files.
fn read_expected(dir: &Path, keys: &[&str]) -> Result<Outcome> {
    let read = |n: &str| {
        let specific = keys.iter().map(|k| dir.join(format!("expected.{k}.{}", n.trim_start_matches("expected.")))).find(|p| p.is_file());
        let path = specific.unwrap_or_else(|| dir.join(n));
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let code = String::from_utf8_lossy(&read("expected.exit")?)
        .trim()
        .parse()
        .map_err(|e| format!("{}: bad expected.exit: {e}", dir.display()))?;
    Ok(Outcome { stdout: read("expected.stdout")?, stderr: read("expected.stderr")?, code })
}

/// Output written through a Windows text-mode stream as the program wrote
/// it: each "\r\n" back to "\n" (the translation is one-to-one).
fn undo_text_mode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The first difference between two outputs, for the failure report.
fn describe_diff(what: &str, got: &[u8], want: &[u8]) -> Option<String> {
    if got == want {
        return None;
    }
    let (g, w) = (String::from_utf8_lossy(got), String::from_utf8_lossy(want));
    for (i, (a, b)) in g.lines().zip(w.lines()).enumerate() {
        if a != b {
            return Some(format!("{what} line {}:\n      got:  {a}\n      want: {b}", i + 1));
        }
    }
    Some(format!("{what}: {} lines, expected {}", g.lines().count(), w.lines().count()))
}

fn compare(got: &Outcome, want: &Outcome) -> Vec<String> {
    let mut diffs = Vec::new();
    if got.code != want.code {
        diffs.push(format!("exit code {}, expected {}", got.code, want.code));
    }
    diffs.extend(describe_diff("stdout", &got.stdout, &want.stdout));
    diffs.extend(describe_diff("stderr", &got.stderr, &want.stderr));
    diffs
}

fn golden_dirs(names: &[String]) -> Result<Vec<PathBuf>> {
    let base = root().join("golden");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .map_err(|e| format!("{}: {e}", base.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Main.hx").is_file())
        .filter(|p| names.is_empty() || names.iter().any(|n| p.file_name().is_some_and(|f| f == n.as_str())))
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// Recompiles `Main.hx` into `main.hl` and `hlcode.txt` with haxe.
fn regen_bytecode(dir: &Path) -> Result<()> {
    let ok = run_status(
        Command::new("haxe")
            .args(["-main", "Main", "-hl", "main.hl", "-D", "dump"])
            .current_dir(dir),
    )?;
    if !ok {
        return Err(format!("haxe failed in {}", dir.display()));
    }
    std::fs::rename(dir.join("dump/hlcode.txt"), dir.join("hlcode.txt")).map_err(|e| e.to_string())?;
    std::fs::remove_dir_all(dir.join("dump")).map_err(|e| e.to_string())
}

fn regen_expected(dir: &Path, hl: &Path) -> Result<()> {
    let o = run_captured(Command::new(hl).arg("main.hl").current_dir(dir), Duration::from_secs(300))?;
    let write = |n: &str, d: &[u8]| std::fs::write(dir.join(n), d).map_err(|e| e.to_string());
    write("expected.stdout", &o.stdout)?;
    write("expected.stderr", &o.stderr)?;
    write("expected.exit", format!("{}\n", o.code).as_bytes())
}

/// The value of option `name` (`--target X`), and the arguments without it.
fn take_option(args: &[String], name: &str) -> Result<(Option<String>, Vec<String>)> {
    let mut rest = Vec::new();
    let mut value = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == name {
            value = Some(it.next().ok_or_else(|| format!("{name} needs a value"))?.clone());
        } else if let Some(v) = a.strip_prefix(&format!("{name}=")) {
            value = Some(v.to_string());
        } else {
            rest.push(a.clone());
        }
    }
    Ok((value, rest))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

fn find_target(triple: &str) -> Result<&'static Target> {
    Target::find(triple).ok_or_else(|| format!("unsupported target `{triple}` (supported: {})", Target::supported()))
}

/// `cargo xtask runtime --target TRIPLE [--dest DIR]`.
fn runtime_command(args: &[String]) -> Result<bool> {
    let (triple, rest) = take_option(args, "--target")?;
    let (dest, rest) = take_option(&rest, "--dest")?;
    if let Some(extra) = rest.first() {
        return Err(format!("unexpected argument `{extra}`"));
    }
    let t = find_target(&triple.ok_or("--target TRIPLE is required")?)?;
    let dir = build_runtime(t)?;
    if let Some(dest) = dest {
        let to = PathBuf::from(dest).join(t.triple);
        copy_runtime(&dir, &to)?;
        println!("installed the {} runtime in {}", t.triple, to.display());
    }
    Ok(true)
}

/// Builds `t`'s runtime into cargo's `<target dir>/<triple>/release/`; returns that directory.
fn build_runtime(t: &'static Target) -> Result<PathBuf> {
    let start = std::time::Instant::now();
    ensure_rust_target(t)?;
    let mut cmd = cargo();
    cmd.args(["build", "--quiet", "--release", "-p", "hlrt", "--target", t.triple]).current_dir(root());
    // The C parts (runtime-c, PCRE2, zlib, SQLite, ring) need a C compiler
    // for the target; cc-rs finds Debian's `<arch>-linux-gnu-gcc` itself.
    if !run_status(&mut cmd)? {
        return Err(format!(
            "building the runtime for {} failed (see above); if its C compiler was missing: on Debian `apt-get install {}`, or name one with {}",
            t.triple,
            t.c_compiler_packages(),
            t.cc_env()
        ));
    }
    let dir = target_dir().join(t.triple).join("release");
    if t.libc == Libc::Musl {
        // musl executables are linked fully statically against the C library
        // and start files Rust ships for the target (its "self-contained" copies).
        let out = Command::new("rustc").args(["--print", "sysroot"]).output().map_err(|e| format!("rustc: {e}"))?;
        let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let from = sysroot.join("lib/rustlib").join(t.triple).join("lib/self-contained");
        let to = dir.join("self-contained");
        std::fs::create_dir_all(&to).map_err(|e| e.to_string())?;
        for f in musl::files() {
            std::fs::copy(from.join(f), to.join(f)).map_err(|e| format!("{}: {e}", from.join(f).display()))?;
        }
    }
    eprintln!("runtime for {} in {} ({:.0}s)", t.triple, dir.display(), start.elapsed().as_secs_f64());
    Ok(dir)
}

fn copy_runtime(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    std::fs::copy(from.join("libhlrt.a"), to.join("libhlrt.a")).map_err(|e| e.to_string())?;
    if from.join("self-contained").is_dir() {
        std::fs::create_dir_all(to.join("self-contained")).map_err(|e| e.to_string())?;
        for f in musl::files() {
            std::fs::copy(from.join("self-contained").join(f), to.join("self-contained").join(f)).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// `rustup target add` unless the target's standard library is installed.
fn ensure_rust_target(t: &Target) -> Result<()> {
    let out = Command::new("rustc").args(["--print", "target-libdir", "--target", t.triple]).output();
    let installed = out.as_ref().is_ok_and(|o| {
        o.status.success() && Path::new(String::from_utf8_lossy(&o.stdout).trim()).read_dir().is_ok_and(|mut d| d.next().is_some())
    });
    if installed {
        return Ok(());
    }
    if which("rustup").is_none() {
        return Err(format!("the Rust standard library for {} is not installed, and there is no rustup to add it", t.triple));
    }
    if !run_status(Command::new("rustup").args(["target", "add", t.triple]))? {
        return Err(format!("rustup target add {} failed", t.triple));
    }
    Ok(())
}

/// Builds `hlc` itself for `t` (for `hlc run` there); returns its path.
/// The Rust linker for the target is the C compiler `hlc` would link its
/// executables with (`CC_<triple>`, else Debian's `<arch>-linux-gnu-gcc`).
fn build_hlc_for(t: &'static Target, release: bool) -> Result<PathBuf> {
    ensure_rust_target(t)?;
    let mut cmd = cargo();
    cmd.args(["build", "--quiet", "-p", "hlc", "--target", t.triple]).current_dir(root());
    if release {
        cmd.arg("--release");
    }
    if std::env::var_os(t.cargo_linker_env()).is_none() && !t.runs_natively() {
        let cc = std::env::var(t.cc_env()).unwrap_or_else(|_| format!("{}-gcc", t.gnu_prefix()));
        cmd.env(t.cargo_linker_env(), cc);
    }
    if !run_status(&mut cmd)? {
        return Err(format!("building hlc for {} failed", t.triple));
    }
    Ok(target_dir().join(t.triple).join(if release { "release" } else { "debug" }).join("hlc"))
}

/// How to run an executable built for `t`: directly when the host can,
/// else `$CARGO_TARGET_<TRIPLE>_RUNNER`, else qemu user-mode emulation.
fn runner(t: &Target) -> Result<Vec<String>> {
    if let Ok(v) = std::env::var(t.runner_env()) {
        let words: Vec<String> = v.split_whitespace().map(str::to_string).collect();
        if !words.is_empty() {
            return Ok(words);
        }
    }
    if t.runs_natively() {
        return Ok(Vec::new());
    }
    if t.os == Os::Windows {
        // Wine runs x86-64 Windows programs on an x86-64 Linux host.
        return match ["wine64", "wine"].into_iter().find(|w| which(w).is_some()) {
            Some(w) if t.arch == Arch::host() => Ok(vec![w.to_string()]),
            _ => Err(format!(
                "{} executables need Wine here: install it (`apt-get install wine64`) or set {}",
                t.triple,
                t.runner_env()
            )),
        };
    }
    if which(t.arch.qemu()).is_none() {
        return Err(format!(
            "{} executables need an emulator: install qemu-user (`apt-get install qemu-user`) or set {}",
            t.triple,
            t.runner_env()
        ));
    }
    Ok(vec![t.arch.qemu().to_string(), "-L".to_string(), t.arch.debian_sysroot()])
}

/// Prepares the Wine prefix for Windows executables: creates it if needed
/// and, when Wine lacks `bcryptprimitives.dll` (Wine 8; every Windows 10+
/// has it, and Rust's standard library imports `ProcessPrng` from it),
/// installs a stand-in built from `xtask/wine/bcryptprimitives.c`.
fn prepare_wine(runner: &[String], t: &Target) -> Result<()> {
    let prefix = std::env::var_os("WINEPREFIX")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".wine")))
        .ok_or("neither WINEPREFIX nor HOME is set")?;
    let system32 = prefix.join("drive_c/windows/system32");
    if !system32.is_dir() {
        let mut init = Command::new(&runner[0]);
        init.args(&runner[1..]).args(["wineboot", "--init"]).env("WINEDEBUG", "-all");
        run_captured(&mut init, Duration::from_secs(300))?;
    }
    let dll = system32.join("bcryptprimitives.dll");
    if dll.exists() {
        return Ok(());
    }
    let gcc = std::env::var(t.cc_env()).unwrap_or_else(|_| format!("{}-gcc", t.gnu_prefix()));
    let src = root().join("xtask/wine/bcryptprimitives.c");
    let mut cc = Command::new(&gcc);
    cc.args(["-shared", "-O2", "-o"]).arg(&dll).arg(&src).arg("-ladvapi32");
    if !run_status(&mut cc)? {
        return Err(format!("building {} with {gcc} failed", dll.display()));
    }
    eprintln!("installed a stand-in {} (this Wine has none)", dll.display());
    Ok(())
}

/// `cmd` run through `runner` (empty: directly).
fn with_runner(runner: &[String], program: &Path) -> Command {
    match runner.split_first() {
        None => Command::new(program),
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(program);
            // Wine's own diagnostics ("fixme:...") are not the program's stderr.
            if first.contains("wine") && std::env::var_os("WINEDEBUG").is_none() {
                c.env("WINEDEBUG", "-all");
            }
            c
        }
    }
}

fn golden(args: &[String]) -> Result<bool> {
    let (triple, args) = take_option(args, "--target")?;
    let args = &args[..];
    let regen = args.iter().any(|a| a == "--regen");
    let release = args.iter().any(|a| a == "--release");
    let jit = args.iter().any(|a| a == "--jit");
    let target = triple.as_deref().map(find_target).transpose()?;
    let host_like = target.is_none_or(|t| t.runs_natively());
    let expected_keys = target.map_or_else(|| vec![Arch::host().name()], |t| t.expected_keys());
    let names: Vec<String> = args.iter().filter(|a| !a.starts_with("--")).cloned().collect();
    let dirs = golden_dirs(&names)?;
    let hl = reference_hl();

    if regen {
        if which("haxe").is_none() {
            return Err("--regen needs `haxe` on PATH (apt-get install haxe)".into());
        }
        for dir in &dirs {
            regen_bytecode(dir)?;
            if let Some(hl) = &hl {
                regen_expected(dir, hl)?;
            }
        }
        match &hl {
            Some(hl) => eprintln!("regenerated {} programs (expected output from {})", dirs.len(), hl.display()),
            None => eprintln!("regenerated {} programs' bytecode (no reference `hl` found: expected output kept)", dirs.len()),
        }
    }

    // Build hlc and its runtime once.
    let profile = if release { "release" } else { "debug" };
    let mut build = cargo();
    build.args(["build", "--quiet", "-p", "hlc", "-p", "hlrt"]).current_dir(root());
    if release {
        build.arg("--release");
    }
    if !run_status(&mut build)? {
        return Err("building hlc failed".into());
    }
    let target_dir = target_dir();
    let hlc = target_dir.join(profile).join("hlc");
    let mut work = target_dir.join("golden");
    let mut runner_cmd = Vec::new();
    // `hlc run` for another target: hlc itself built for it, run under its runner.
    let mut jit_hlc = hlc.clone();
    if let Some(t) = target {
        runner_cmd = runner(t)?;
        if t.os == Os::Windows && runner_cmd.first().is_some_and(|r| r.contains("wine")) {
            prepare_wine(&runner_cmd, t)?;
        }
        work = work.join(t.triple);
        if jit {
            jit_hlc = build_hlc_for(t, release)?;
        } else {
            build_runtime(t)?;
        }
    }
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;

    let (mut passed, mut failed) = (0, 0);
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut problems = Vec::new();
        let start = std::time::Instant::now();
        // The command that runs the program: the built executable, or `hlc run`.
        let program = if jit {
            let mut c = with_runner(&runner_cmd, &jit_hlc);
            c.arg("run").arg("main.hl");
            Ok(c)
        } else {
            let exe = work.join(format!("{name}{}", target.map_or("", |t| t.exe_suffix())));
            let _ = std::fs::remove_file(&exe);
            let mut build = Command::new(&hlc);
            build.arg("build").arg(dir.join("main.hl")).arg("-o").arg(&exe);
            if let Some(t) = target {
                build.args(["--target", t.triple]);
            }
            match run_captured(&mut build, Duration::from_secs(600)) {
                Ok(b) if b.code == 0 => Ok(with_runner(&runner_cmd, &exe)),
                Ok(b) => Err(format!("hlc build failed:\n{}", String::from_utf8_lossy(&b.stderr))),
                Err(e) => Err(format!("hlc build: {e}")),
            }
        };
        let build_time = start.elapsed();
        match program {
            Ok(mut cmd) => {
                let want = read_expected(dir, &expected_keys)?;
                match run_captured(cmd.current_dir(dir), Duration::from_secs(300)) {
                    Ok(mut got) => {
                        if target.is_some_and(|t| t.os == Os::Windows) {
                            // C's streams on Windows are in text mode, writing every
                            // "\n" as "\r\n" (as HL/C programs do there): undo that.
                            got.stdout = undo_text_mode(&got.stdout);
                            got.stderr = undo_text_mode(&got.stderr);
                        }
                        problems.extend(compare(&got, &want));
                        // The reference VM runs here, on the host's architecture.
                        if let Some(hl) = hl.as_ref().filter(|_| host_like) {
                            let live = run_captured(Command::new(hl).arg("main.hl").current_dir(dir), Duration::from_secs(300))?;
                            problems.extend(compare(&got, &live).into_iter().map(|d| format!("vs live hl: {d}")));
                        }
                    }
                    Err(e) => problems.push(format!("run: {e}")),
                }
            }
            Err(e) => problems.push(e),
        }
        if problems.is_empty() {
            passed += 1;
            // A passing program's executable is not needed again: each one
            // carries the runtime (25-50 MB), and all of them together fill a
            // small CI disk (Windows debug ones ~60 MB). A failing one is kept to be looked at.
            if !jit {
                let _ = std::fs::remove_file(work.join(format!("{name}{}", target.map_or("", |t| t.exe_suffix()))));
            }
            if jit {
                println!("ok     {name} (ran in {:.2}s)", start.elapsed().as_secs_f64());
            } else {
                println!("ok     {name} (built in {:.2}s)", build_time.as_secs_f64());
            }
        } else {
            failed += 1;
            println!("FAILED {name}");
            for p in problems {
                println!("    {p}");
            }
        }
    }
    let what = match (jit, target) {
        (true, None) => " (hlc run)".to_string(),
        (true, Some(t)) => format!(" (hlc run, {})", t.triple),
        (false, Some(t)) => format!(" ({})", t.triple),
        (false, None) => String::new(),
    };
    println!("golden{what}: {passed} passed, {failed} failed");
    Ok(failed == 0)
}

/// Start-up: the median time to run a hello world to its end, and, for a
/// large program (`$HLC_BENCH_UNIT`, e.g. Haxe's unit suite compiled to
/// `.hl`), the median time until its first byte of output.
fn startup(hlc: &Path, hl: Option<&Path>, hlc_c_dir: Option<&Path>, work: &Path) -> Result<()> {
    let hello = root().join("golden").join("hello").join("main.hl");
    let exe = work.join("hello");
    run_captured(Command::new(hlc).arg("build").arg(&hello).arg("-o").arg(&exe), Duration::from_secs(600))?;
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2] * 1e3
    };
    let mut line = String::from("start-up, hello world (median of 11, ms):");
    let runners: Vec<Runner> = {
        let mut r: Vec<Runner> = vec![
            ("AOT", Box::new(|| Command::new(&exe))),
            ("hlc run", Box::new(|| {
                let mut c = Command::new(hlc);
                c.arg("run").arg(&hello);
                c
            })),
        ];
        if let Some(hl) = hl {
            let hello = &hello;
            r.push(("hl", Box::new(move || {
                let mut c = Command::new(hl);
                c.arg(hello);
                c
            })));
        }
        // An HL/C build of golden/hello, if `$HLC_BENCH_HLC_DIR` has one.
        if let Some(c_hello) = hlc_c_dir.map(|d| d.join("hello")).filter(|p| p.is_file()) {
            r.push(("HL/C", Box::new(move || Command::new(&c_hello))));
        }
        r
    };
    for (what, make) in &runners {
        let times: Result<Vec<f64>> = (0..11).map(|_| measure(&mut make()).map(|m| m.seconds)).collect();
        line.push_str(&format!(" {what} {:.1}", median(times?)));
    }
    println!("{line}");
    if let Some(unit) = std::env::var_os("HLC_BENCH_UNIT").map(PathBuf::from) {
        let dir = unit.parent().and_then(|d| d.parent()).unwrap_or(Path::new("."));
        let mut line = format!("first output of {} (median of 7, ms):", unit.display());
        let mut run = |what: &str, mut make: Box<dyn FnMut() -> Command + '_>| -> Result<()> {
            let times: Result<Vec<f64>> = (0..7).map(|_| first_output(make().current_dir(dir))).collect();
            line.push_str(&format!(" {what} {:.1}", median(times?)));
            Ok(())
        };
        run("hlc run", Box::new(|| {
            let mut c = Command::new(hlc);
            c.arg("run").arg(&unit);
            c
        }))?;
        if let Some(hl) = hl {
            run("hl", Box::new(|| {
                let mut c = Command::new(hl);
                c.arg(&unit);
                c
            }))?;
        }
        println!("{line}");
    }
    Ok(())
}

/// Seconds until `cmd` writes its first byte to stdout (it is then killed).
fn first_output(cmd: &mut Command) -> Result<f64> {
    let start = std::time::Instant::now();
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
    let mut byte = [0u8; 1];
    let n = std::io::Read::read(child.stdout.as_mut().expect("piped"), &mut byte).map_err(|e| e.to_string())?;
    let t = start.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    if n == 0 {
        return Err(format!("{cmd:?} printed nothing"));
    }
    Ok(t)
}

/// One timed run: wall time and the child's peak resident set size.
struct Measure {
    seconds: f64,
    max_rss_kb: i64,
    stdout: Vec<u8>,
}

/// Runs `cmd` to completion, measuring wall time and (via `wait4`) peak RSS.
fn measure(cmd: &mut Command) -> Result<Measure> {
    let start = std::time::Instant::now();
    let child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut out = child.stdout.expect("piped");
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).ok();
        v
    });
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = start.elapsed().as_secs_f64();
    if r != pid {
        return Err(format!("wait4 failed for {cmd:?}"));
    }
    let stdout = reader.join().unwrap_or_default();
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!("{cmd:?} failed (status {status})"));
    }
    Ok(Measure { seconds, max_rss_kb: usage.ru_maxrss, stdout })
}

/// `runs` rounds in which each runner runs once, in turn: for each, the best
/// run (least time; the peak RSS is the largest seen) or the first error.
/// A named way to start one run of a benchmarked program.
type Runner<'a> = (&'a str, Box<dyn Fn() -> Command + 'a>);

fn interleaved(runs: usize, runners: &[Runner<'_>]) -> Vec<Result<Measure>> {
    let mut out: Vec<Result<Measure>> = runners.iter().map(|_| Err(String::new())).collect();
    for _ in 0..runs {
        for (k, (_, make)) in runners.iter().enumerate() {
            if matches!(&out[k], Err(e) if !e.is_empty()) {
                continue;
            }
            match measure(&mut make()) {
                Ok(m) => match &mut out[k] {
                    Ok(best) => {
                        let rss = best.max_rss_kb.max(m.max_rss_kb);
                        if m.seconds < best.seconds {
                            *best = m;
                        }
                        best.max_rss_kb = rss;
                    }
                    slot => *slot = Ok(m),
                },
                Err(e) => out[k] = Err(e),
            }
        }
    }
    out
}

fn bench(args: &[String]) -> Result<bool> {
    let names: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(k, a)| !a.starts_with("--") && (*k == 0 || args[k - 1] != "--runs"))
        .map(|(_, a)| a.clone())
        .collect();
    let runs = match args.iter().position(|a| a == "--runs") {
        Some(k) => args.get(k + 1).and_then(|n| n.parse::<usize>().ok()).filter(|&n| n > 0).ok_or("--runs takes a positive number")?,
        None => 3,
    };
    if !run_status(cargo().args(["build", "--quiet", "--release", "-p", "hlc", "-p", "hlrt"]).current_dir(root()))? {
        return Err("building hlc failed".into());
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"));
    let hlc = target_dir.join("release").join("hlc");
    let work = target_dir.join("bench");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let hl = reference_hl();
    let hlc_c_dir = std::env::var_os("HLC_BENCH_HLC_DIR").map(PathBuf::from);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("bench"))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("main.hl").is_file())
        .filter(|p| names.is_empty() || names.iter().any(|n| p.file_name().is_some_and(|f| f == n.as_str())))
        .collect();
    dirs.sort();
    println!(
        "{:<18} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "benchmark", "AOT s", "JIT s", "hl s", "HL/C s", "hl/AOT", "hl/JIT", "C/AOT", "AOT MB", "JIT MB", "hl MB", "C MB"
    );
    let mut ok = true;
    let mut builds = Vec::new();
    // Ratios for the geometric means: hl/AOT, hl/JIT, C/AOT, and C/AOT peak RSS.
    let mut geo: [Vec<f64>; 4] = Default::default();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let exe = work.join(&name);
        let t = std::time::Instant::now();
        let built = run_captured(Command::new(&hlc).arg("build").arg(dir.join("main.hl")).arg("-o").arg(&exe), Duration::from_secs(600))?;
        if built.code != 0 {
            println!("{name}: hlc build failed:\n{}", String::from_utf8_lossy(&built.stderr));
            ok = false;
            continue;
        }
        builds.push((name.clone(), t.elapsed().as_secs_f64()));
        // A failing program is reported, not fatal: its cells show "-".
        let measured = |what: &str, r: Result<Measure>| match r {
            Ok(m) => Some(m),
            Err(e) => {
                println!("{name}: {what}: {e}");
                None
            }
        };
        // The runners take turns (AOT, JIT, hl, HL/C, AOT, ...), so that a
        // machine whose speed drifts affects each the same; each keeps its
        // best time and largest peak RSS.
        // Each runs in the program's directory, as the golden programs do
        // (fmt_codecs reads a file relative to it).
        let c_exe = hlc_c_dir.as_ref().map(|d| d.join(&name)).filter(|p| p.is_file());
        let in_dir = |program: &Path| {
            let mut c = Command::new(program);
            c.current_dir(&dir);
            c
        };
        let mut runners: Vec<Runner> = vec![
            ("hlc build", Box::new(|| in_dir(&exe))),
            ("hlc run", Box::new(|| {
                let mut c = in_dir(&hlc);
                c.arg("run").arg(dir.join("main.hl"));
                c
            })),
        ];
        if let Some(hl) = &hl {
            let main = dir.join("main.hl");
            runners.push(("hl", Box::new(move || {
                let mut c = in_dir(hl);
                c.arg(&main);
                c
            })));
        }
        if let Some(c) = &c_exe {
            runners.push(("HL/C", Box::new(move || in_dir(c))));
        }
        let mut results = interleaved(runs, &runners);
        let mut take = |what: &str| -> Option<Measure> {
            let k = runners.iter().position(|(w, _)| *w == what)?;
            measured(what, std::mem::replace(&mut results[k], Err(String::new())))
        };
        let aot = take("hlc build");
        let jit = take("hlc run");
        let reference = take("hl");
        let hlc_c = take("HL/C");
        if let Some(r) = &reference {
            for (what, m) in [("hlc build", &aot), ("hlc run", &jit)] {
                if m.as_ref().is_some_and(|m| m.stdout != r.stdout) {
                    println!("{name}: {what}'s output differs from hl's");
                    ok = false;
                }
            }
        }
        ok &= aot.is_some() && jit.is_some();
        let secs = |m: &Option<Measure>| m.as_ref().map_or("-".to_string(), |m| format!("{:.3}", m.seconds));
        let ratio = |a: &Option<Measure>, b: &Option<Measure>| match (a, b) {
            (Some(a), Some(b)) => format!("{:.2}", a.seconds / b.seconds),
            _ => "-".to_string(),
        };
        let mb = |m: &Option<Measure>| m.as_ref().map_or("-".to_string(), |m| format!("{:.1}", m.max_rss_kb as f64 / 1024.0));
        for (k, (a, b)) in [(&reference, &aot), (&reference, &jit), (&hlc_c, &aot)].into_iter().enumerate() {
            if let (Some(a), Some(b)) = (a, b) {
                geo[k].push(a.seconds / b.seconds);
            }
        }
        if let (Some(c), Some(a)) = (&hlc_c, &aot) {
            geo[3].push(c.max_rss_kb as f64 / a.max_rss_kb.max(1) as f64);
        }
        println!(
            "{:<18} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
            name,
            secs(&aot),
            secs(&jit),
            secs(&reference),
            secs(&hlc_c),
            ratio(&reference, &aot),
            ratio(&reference, &jit),
            ratio(&hlc_c, &aot),
            mb(&aot),
            mb(&jit),
            mb(&reference),
            mb(&hlc_c),
        );
    }
    let gm = |v: &Vec<f64>| {
        if v.is_empty() {
            "-".to_string()
        } else {
            format!("{:.2}", (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp())
        }
    };
    println!(
        "{:<18} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7}   (geometric means; C/AOT peak RSS {})",
        "geometric mean", "", "", "", "", gm(&geo[0]), gm(&geo[1]), gm(&geo[2]), gm(&geo[3])
    );
    println!("(best of {runs} interleaved runs; ratios above 1 mean hlc is faster)");
    println!();
    for (name, s) in &builds {
        println!("hlc build {name}: {s:.2} s");
    }
    startup(&hlc, hl.as_deref(), hlc_c_dir.as_deref(), &work)?;
    if names.is_empty() || names.iter().any(|n| n == "embed") {
        ok &= bench_embed(&hlc, &work)?;
    }
    Ok(ok)
}

/// Embedding: golden/hello as a static library in the host
/// `bench/embed/host.c`, which times create + run_main + destroy (goal: under
/// 1 ms) and prints its figures; `hl` cannot restart, so there is no column
/// to compare with.
fn bench_embed(hlc: &Path, work: &Path) -> Result<bool> {
    let lib = work.join("libhello_embed.a");
    let host = work.join("embed_host");
    let built = run_captured(
        Command::new(hlc).arg("build").arg(root().join("golden/hello/main.hl")).args(["--emit", "staticlib", "-o"]).arg(&lib),
        Duration::from_secs(600),
    )?;
    if built.code != 0 {
        println!("embed: hlc build --emit staticlib failed:\n{}", String::from_utf8_lossy(&built.stderr));
        return Ok(false);
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let linked = Command::new(&cc)
        .args(["-O2", "-I"])
        .arg(root().join("runtime-c/include"))
        .arg(root().join("bench/embed/host.c"))
        .arg(&lib)
        .args(["-lm", "-lpthread", "-ldl", "-o"])
        .arg(&host)
        .status()
        .map_err(|e| format!("cannot run {cc}: {e}"))?;
    if !linked.success() {
        println!("embed: linking the bench host failed");
        return Ok(false);
    }
    let out = run_captured(Command::new(&host).arg("200"), Duration::from_secs(600))?;
    print!("{}", String::from_utf8_lossy(&out.stderr));
    Ok(out.code == 0)
}

/// The golden programs `hot-runtime` profiles: start-up alone (`hello`) and
/// the common kinds of work (strings, maps, arrays, classes, closures, enums,
/// dynamic access, exceptions, JSON, reflection, the GC), none of them
/// depending on a library most programs do not use.
const HOT_PROFILED: [&str; 14] = [
    "hello", "strings", "std_string", "maps", "arrays", "classes", "closures", "enums",
    "dynamic", "exceptions", "json_roundtrip", "reflection", "gc_churn", "bytes_adv",
];

fn hot_runtime() -> Result<bool> {
    if which("valgrind").is_none() {
        return Err("hot-runtime needs valgrind on PATH (apt-get install valgrind)".into());
    }
    if !run_status(cargo().args(["build", "--quiet", "--release", "-p", "hlc", "-p", "hlrt"]).current_dir(root()))? {
        return Ok(false);
    }
    let hlc = target_dir().join("release").join("hlc");
    let work = target_dir().join("hot-runtime");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    // How many of the programs run each function.
    let mut runs: std::collections::BTreeMap<String, usize> = Default::default();
    let names: Vec<String> = HOT_PROFILED.iter().map(|s| s.to_string()).collect();
    for dir in golden_dirs(&names)? {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let exe = work.join(&name);
        if !run_status(Command::new(&hlc).arg("build").arg(dir.join("main.hl")).arg("-o").arg(&exe))? {
            return Err(format!("hlc build failed for {name}"));
        }
        let profile = work.join(format!("{name}.callgrind"));
        let mut cmd = Command::new("valgrind");
        cmd.args(["-q", "--tool=callgrind", "--demangle=no", "--compress-strings=no"])
            .arg(format!("--callgrind-out-file={}", profile.display()))
            .arg(&exe)
            .current_dir(&dir);
        run_captured(&mut cmd, Duration::from_secs(600))?;
        let text = std::fs::read_to_string(&profile).map_err(|e| format!("{}: {e}", profile.display()))?;
        let mut seen = std::collections::BTreeSet::new();
        for symbol in text.lines().filter_map(|l| l.strip_prefix("fn=")) {
            let key = hlc_targets::code_layout::function_key(symbol);
            // Runtime functions only: Rust paths and C names (Haxe's are
            // `Class.method`, `$Class.method`; unknown code is `0x...`).
            let c_name = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !key.starts_with("0x");
            if key.contains("::") || c_name {
                seen.insert(key);
            }
        }
        println!("hot-runtime: {name}: {} runtime functions run", seen.len());
        for key in seen {
            *runs.entry(key).or_default() += 1;
        }
    }
    // Those most programs run first: a program running only common
    // functions then touches only the first part of the block.
    let mut hot: Vec<(&str, usize)> = runs.iter().filter(|(_, &n)| n >= 2).map(|(k, &n)| (k.as_str(), n)).collect();
    hot.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let hot: Vec<&str> = hot.into_iter().map(|(k, _)| k).collect();
    let list = root().join("compiler/targets/src/hot_runtime.txt");
    let mut text = hot.join("\n");
    text.push('\n');
    std::fs::write(&list, text).map_err(|e| format!("{}: {e}", list.display()))?;
    println!("hot-runtime: {} functions written to {}", hot.len(), list.display());
    Ok(true)
}
