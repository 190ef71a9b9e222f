//! Properties of the executables `hlc build` writes, beyond their output.

use hlc_tests::golden_dir;
use std::process::Command;

/// Whether diagnostic `text` contains `needle`, ignoring how miette wrapped
/// and framed it (whitespace and box-drawing characters).
fn says(text: &str, needle: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '│').collect::<String>();
    squash(text).contains(&squash(needle))
}

fn build(name: &str, extra: &[&str]) -> (std::process::Output, std::path::PathBuf) {
    // One path per call: tests building the same program run in parallel.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let exe = std::env::temp_dir().join(format!("hlc-exe-{name}-{}-{call}", std::process::id()));
    let out = hlc_tests::hlc_build(env!("CARGO_BIN_EXE_hlc-test-driver"), &golden_dir().join(name).join("main.hl"), &exe, extra);
    (out, exe)
}

/// The runtime is linked statically: only the C library's shared objects remain.
#[test]
fn executables_depend_only_on_the_c_library() {
    let (out, exe) = build("hello", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let data = std::fs::read(&exe).unwrap();
    let _ = std::fs::remove_file(&exe);
    let file = object::File::parse(&*data).unwrap();
    let needed = match file {
        object::File::Elf64(ref elf) => {
            use object::read::elf::{Dyn as _, FileHeader as _};
            let endian = elf.endian();
            let header = elf.elf_header();
            let data = elf.data();
            let sections = header.sections(endian, data).unwrap();
            let mut names = Vec::new();
            if let Some((dynamic, link)) = sections.dynamic(endian, data).unwrap() {
                let strings = sections.strings(endian, data, link).unwrap();
                for d in dynamic {
                    if d.tag32(endian) == Some(object::elf::DT_NEEDED.0 as i32) {
                        names.push(String::from_utf8_lossy(d.string(endian, strings).unwrap()).into_owned());
                    }
                }
            }
            names
        }
        _ => panic!("not a 64-bit ELF executable"),
    };
    let allowed = ["libc.so", "libm.so", "libpthread.so", "libdl.so", "ld-linux"];
    for lib in &needed {
        assert!(allowed.iter().any(|a| lib.starts_with(a)), "unexpected shared library {lib} (all: {needed:?})");
    }
    assert!(needed.iter().any(|l| l.starts_with("libc.so")), "{needed:?}");
}

/// `-O0`, `--emit obj` and `--keep-obj` do what they say.
#[test]
fn build_options() {
    let (out, exe) = build("hello", &["-O0", "--keep-obj"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let obj = exe.with_file_name(format!("{}.o", exe.file_name().unwrap().to_string_lossy()));
    assert!(obj.is_file(), "--keep-obj left no {}", obj.display());
    let run = Command::new(&exe).output().unwrap();
    assert!(String::from_utf8_lossy(&run.stdout).starts_with("Main.hx:3: Hello, world!\n"));
    let _ = std::fs::remove_file(&exe);
    let _ = std::fs::remove_file(&obj);

    let (out, path) = build("hello", &["--emit", "obj"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let data = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let file = object::File::parse(&*data).unwrap();
    assert_eq!(object::Object::kind(&file), object::ObjectKind::Relocatable);
}

/// A missing linker is a diagnostic, and no output file appears.
#[test]
fn a_missing_linker_is_a_clear_error() {
    let exe = std::env::temp_dir().join(format!("hlc-nolinker-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_hlc-test-driver"))
        .env("CC", "/nonexistent/cc")
        .arg("build")
        .arg(golden_dir().join("hello").join("main.hl"))
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot run the linker"), "{stderr}");
    assert!(!exe.exists());
}

/// A missing runtime library is a diagnostic naming where it looked.
#[test]
fn a_missing_runtime_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("hlc-nort-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A copy of the driver in a directory without libhlrt.a.
    let driver = dir.join("hlc");
    std::fs::copy(env!("CARGO_BIN_EXE_hlc-test-driver"), &driver).unwrap();
    let exe = dir.join("out");
    let out = Command::new(&driver)
        .env_remove("HLC_RUNTIME_DIR")
        .arg("build")
        .arg(golden_dir().join("hello").join("main.hl"))
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot find the hlc runtime library"), "{stderr}");
    assert!(!exe.exists());

    // Another target's: the diagnostic names the target and the command that builds its runtime.
    let out = Command::new(&driver)
        .env_remove("HLC_RUNTIME_DIR")
        .env_remove("CARGO_TARGET_DIR")
        .arg("build")
        .arg(golden_dir().join("hello").join("main.hl"))
        .args(["--target", "aarch64-unknown-linux-musl", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(says(&stderr, "libhlrt.a) for aarch64-unknown-linux-musl"), "{stderr}");
    assert!(says(&stderr, "cargo xtask runtime --target aarch64-unknown-linux-musl"), "{stderr}");
    assert!(!exe.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The host's libhlrt.a where another architecture's is expected.
fn runtime_dir_with_host_runtime_as(triple: &str, tag: &str) -> std::path::PathBuf {
    hlc_tests::ensure_runtime_library();
    let dir = std::env::temp_dir().join(format!("hlc-rt-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(triple)).unwrap();
    let host_runtime = std::path::Path::new(env!("CARGO_BIN_EXE_hlc-test-driver")).with_file_name("libhlrt.a");
    std::fs::copy(host_runtime, dir.join(triple).join("libhlrt.a")).unwrap();
    dir
}

/// A runtime of the wrong architecture is caught before linking, with the
/// command that builds the right one (not a linker's "Relocations in generic ELF").
#[test]
fn a_runtime_for_another_architecture_is_a_clear_error() {
    let triple = if cfg!(target_arch = "aarch64") { "x86_64-unknown-linux-gnu" } else { "aarch64-unknown-linux-gnu" };
    let dir = runtime_dir_with_host_runtime_as(triple, "arch");
    let exe = dir.join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_hlc-test-driver"))
        .env("HLC_RUNTIME_DIR", &dir)
        .arg("build")
        .arg(golden_dir().join("hello").join("main.hl"))
        .args(["--target", triple, "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(says(&stderr, &format!("not for {triple}")), "{stderr}");
    assert!(says(&stderr, &format!("cargo xtask runtime --target {triple}")), "{stderr}");
    assert!(!exe.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Without `CC_<triple>`, a C compiler or zig on PATH, the diagnostic names
/// the Debian packages to install; `CC_<triple>` is used when set.
#[test]
fn the_linker_for_a_target_is_chosen_from_cc_triple_then_path() {
    // The host target in a runtime directory: the linker step is reached.
    let host = if cfg!(target_arch = "aarch64") { "aarch64-unknown-linux-gnu" } else { "x86_64-unknown-linux-gnu" };
    let dir = runtime_dir_with_host_runtime_as(host, "linker");
    let empty = dir.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let exe = dir.join("out");
    let build = |envs: &[(&str, &std::ffi::OsStr)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hlc-test-driver"));
        cmd.env("HLC_RUNTIME_DIR", &dir).env("PATH", &empty).env_remove("CC");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.arg("build").arg(golden_dir().join("hello").join("main.hl")).args(["--target", host, "-o"]).arg(&exe);
        cmd.output().unwrap()
    };
    let out = build(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let arch = host.split('-').next().unwrap().replace('_', "-");
    assert!(says(&stderr, &format!("no linker for {host}")), "{stderr}");
    assert!(says(&stderr, &format!("apt-get install gcc-{arch}-linux-gnu")), "{stderr}");
    assert!(!exe.exists());

    // CC_<triple> names the linker.
    let var = format!("CC_{}", host.replace('-', "_"));
    let out = build(&[(var.as_str(), "/nonexistent/cross-gcc".as_ref())]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(says(&stderr, "cannot run the linker `/nonexistent/cross-gcc`"), "{stderr}");
    assert!(!exe.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--release` removes unused runtime code and strips the executable: a
/// hello world has no symbol table or debug information and is small.
#[test]
fn release_executables_are_small_and_stripped() {
    let (out, exe) = build("hello", &["--release"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let run = Command::new(&exe).output().unwrap();
    assert!(String::from_utf8_lossy(&run.stdout).starts_with("Main.hx:3: Hello, world!\n"));
    let data = std::fs::read(&exe).unwrap();
    let _ = std::fs::remove_file(&exe);
    let file = object::File::parse(&*data).unwrap();
    use object::{Object as _, ObjectSection as _};
    assert!(file.symbol_table().is_none(), "a release executable keeps its symbol table");
    let debug: Vec<String> =
        file.sections().filter_map(|s| s.name().ok().map(str::to_string)).filter(|n| n.starts_with(".debug")).collect();
    assert!(debug.is_empty(), "debug sections left: {debug:?}");
    assert!(data.len() <= 2 << 20, "hello world is {} bytes (at most 2 MB expected)", data.len());
}

/// Lowering is target-parametric: every golden program compiles to an
/// aarch64 object file too (linking needs an aarch64 runtime library).
#[test]
fn every_golden_program_compiles_for_aarch64() {
    for_each_golden_object("aarch64-unknown-linux-gnu", |dir, file| {
        assert_eq!(object::Object::architecture(file), object::Architecture::Aarch64, "{}", dir.display());
    });
}

/// Builds every golden program for `triple` as an object file (no runtime
/// library or linker needed) and hands each to `check`.
fn for_each_golden_object(triple: &str, check: impl Fn(&std::path::Path, &object::File)) {
    for dir in hlc_tests::golden_programs() {
        let obj = std::env::temp_dir().join(format!("hlc-{triple}-{}.o", std::process::id()));
        let out = hlc_tests::hlc(
            env!("CARGO_BIN_EXE_hlc-test-driver"),
            &[
                "build".as_ref(),
                dir.join("main.hl").as_os_str(),
                "--target".as_ref(),
                triple.as_ref(),
                "--emit".as_ref(),
                "obj".as_ref(),
                "-o".as_ref(),
                obj.as_os_str(),
            ],
        );
        assert!(out.status.success(), "{}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
        let data = std::fs::read(&obj).unwrap();
        let _ = std::fs::remove_file(&obj);
        let file = object::File::parse(&*data).unwrap();
        check(&dir, &file);
    }
}

/// Functions are compiled on several threads but defined in function order:
/// the object file is the same whatever the number of threads.
#[test]
fn parallel_compilation_gives_the_same_object() {
    let objects: Vec<Vec<u8>> = ["1", "4"]
        .iter()
        .map(|jobs| {
            let (out, path) = build("closures", &["--emit", "obj", "-j", jobs]);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let data = std::fs::read(&path).unwrap();
            let _ = std::fs::remove_file(&path);
            data
        })
        .collect();
    assert!(objects[0] == objects[1], "-j 1 and -j 4 wrote different objects");
}

/// Lowering for Windows: every golden program compiles to an x86-64 COFF
/// object (the Windows x64 calling convention, no GOT relocations).
#[test]
fn every_golden_program_compiles_for_windows() {
    for_each_golden_object("x86_64-pc-windows-gnu", |dir, file| {
        assert_eq!(file.format(), object::BinaryFormat::Coff, "{}", dir.display());
        assert_eq!(object::Object::architecture(file), object::Architecture::X86_64, "{}", dir.display());
        use object::{Object as _, ObjectSection as _};
        for section in file.sections() {
            for (_, r) in section.relocations() {
                assert!(
                    !matches!(r.kind(), object::RelocationKind::GotRelative | object::RelocationKind::PltRelative),
                    "{}: COFF has no GOT/PLT ({r:?})",
                    dir.display()
                );
            }
        }
    });
}

/// A Windows executable imports only DLLs every Windows 10+ system has
/// (`hlc_targets::WINDOWS_SYSTEM_DLLS`): MinGW's own libraries are linked
/// statically. Needs the Windows runtime (`cargo xtask runtime --target
/// x86_64-pc-windows-gnu`) and MinGW-w64; `HLC_TEST_WINDOWS=1` (set by
/// `.ci/run`'s Windows step, which built that runtime) makes their absence a failure.
#[test]
fn windows_executables_import_only_system_dlls() {
    let triple = "x86_64-pc-windows-gnu";
    let required = std::env::var_os("HLC_TEST_WINDOWS").is_some_and(|v| v == "1");
    let exe = std::env::temp_dir().join(format!("hlc-win-hello-{}.exe", std::process::id()));
    let out = hlc_tests::hlc(
        env!("CARGO_BIN_EXE_hlc-test-driver"),
        &["build".as_ref(), golden_dir().join("hello").join("main.hl").as_os_str(), "--target".as_ref(), triple.as_ref(), "-o".as_ref(), exe.as_os_str()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && !required && (stderr.contains("hlc::runtime_missing") || stderr.contains("no linker for")) {
        eprintln!("skipped: no Windows runtime or MinGW here ({stderr})");
        return;
    }
    assert!(out.status.success(), "{stderr}");
    let data = std::fs::read(&exe).unwrap();
    let _ = std::fs::remove_file(&exe);
    let pe = object::read::pe::PeFile64::parse(&*data).expect("a PE32+ executable");
    let imports = pe.import_table().unwrap().expect("an import table");
    let mut dlls = Vec::new();
    let mut descriptors = imports.descriptors().unwrap();
    while let Some(d) = descriptors.next().unwrap() {
        dlls.push(String::from_utf8_lossy(imports.name(d.name.get(object::LittleEndian)).unwrap()).to_ascii_lowercase());
    }
    assert!(dlls.iter().any(|d| d == "kernel32.dll"), "{dlls:?}");
    for dll in &dlls {
        assert!(hlc_targets::WINDOWS_SYSTEM_DLLS.contains(&dll.as_str()), "imports {dll}, which Windows does not ship (all: {dlls:?})");
    }
}

/// Processes in a Windows executable under Wine pass bytes unchanged both
/// ways (Windows has no byte-transparent filter, so the child is
/// `tests/programs/win_process/bincat.c`, built here with MinGW), quote
/// arguments as the C runtime splits them, report EOF, exit codes and the
/// pid, and do not leak the parent's pipe ends into later children (a
/// leaked stdin would never reach EOF: the program is killed after 120 s).
/// Skipped without the Windows runtime, MinGW or Wine unless `HLC_TEST_WINDOWS=1`.
#[test]
fn windows_processes_pass_bytes_unchanged() {
    let required = std::env::var_os("HLC_TEST_WINDOWS").is_some_and(|v| v == "1");
    let dir = hlc_tests::scratch("win-process");
    let src = hlc_tests::program("win_process");
    let exe = dir.join("win_process.exe");
    let build = hlc_tests::hlc_build(env!("CARGO_BIN_EXE_hlc-test-driver"), &src.join("main.hl"), &exe, &["--target", "x86_64-pc-windows-gnu"]);
    let stderr = String::from_utf8_lossy(&build.stderr);
    let wine = ["wine64", "wine"].into_iter().find(|w| Command::new(w).arg("--version").output().is_ok_and(|o| o.status.success()));
    if !required && (!build.status.success() && (stderr.contains("hlc::runtime_missing") || stderr.contains("no linker for")) || wine.is_none()) {
        eprintln!("skipped: no Windows runtime, MinGW or Wine here");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    assert!(build.status.success(), "{stderr}");
    hlc_tests::run(Command::new("x86_64-w64-mingw32-gcc").arg("-O2").arg("-o").arg(dir.join("bincat.exe")).arg(src.join("bincat.c")));
    // CreateProcess finds bincat.exe in the executable's directory.
    let mut child = Command::new(wine.expect("wine"))
        .arg(&exe)
        .arg("bincat.exe")
        .current_dir(&dir)
        .env("WINEDEBUG", "-all")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the program did not finish in 120 s (a child's stdin never reached EOF?)");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        stdout,
        "binary: 600 same=true\n\
         stderr: 600 bytes; 3 args: [x y] [q\"z] []|\n\
         eof\n\
         exit: 7\n\
         pid: true\n\
         first: one exit 7\n\
         second: 0 exit 7\n"
    );
}

/// Loop polls exist for a collection another thread starts: an executable
/// that never runs program code on a second thread (`gc_churn`: loops, no
/// `Thread.create`, only the runtime's libraries) has none, one that starts
/// threads (`threads_gc`) polls, and so does a library for a host, which
/// may call in from several threads.
#[test]
fn only_programs_that_start_threads_poll_in_loops() {
    // Whether the program's object file (the one that defines `defines`)
    // calls the runtime's `hlc_gc_poll` (has a relocation to it: the
    // runtime's entry points are all declared, used or not).
    fn calls_poll(file: &object::File, defines: &str) -> Option<bool> {
        use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget};
        file.symbols().any(|s| s.name() == Ok(defines) && !s.is_undefined()).then(|| {
            file.sections().flat_map(|sec| sec.relocations().collect::<Vec<_>>()).any(|(_, r)| match r.target() {
                RelocationTarget::Symbol(i) => file.symbol_by_index(i).is_ok_and(|s| s.name() == Ok("hlc_gc_poll")),
                _ => false,
            })
        })
    }
    let polls = |name: &str, emit: &str| -> bool {
        let (out, path) = build(name, &["--emit", emit]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let data = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        if emit == "obj" {
            return calls_poll(&object::File::parse(&*data).unwrap(), "main").expect("the object defines main");
        }
        let archive = object::read::archive::ArchiveFile::parse(&*data).unwrap();
        archive
            .members()
            .filter_map(|m| object::File::parse(m.ok()?.data(&*data).ok()?).ok())
            .find_map(|f| calls_poll(&f, "hlc_vm_create"))
            .expect("a member defines hlc_vm_create")
    };
    assert!(!polls("gc_churn", "obj"), "a program without threads polls");
    assert!(polls("threads_gc", "obj"), "a program with threads does not poll");
    assert!(polls("gc_churn", "staticlib"), "a library for a host does not poll");
}

/// The runtime functions most programs run lie together in an executable
/// (`hlc::driver::hot_runtime`), where the archive's own order spreads them
/// over all of the runtime's code: the shortest address range holding 90% of
/// their bytes is at least 80% theirs (about 45% in archive order). The
/// ordering is GNU gold's, which Debian's binutils has.
#[test]
fn commonly_run_runtime_functions_lie_together() {
    if Command::new("ld.gold").arg("--version").output().is_err() {
        eprintln!("skipped: no ld.gold on PATH (binutils' gold links in section order)");
        return;
    }
    use object::{Object, ObjectSymbol};
    use hlc_targets::code_layout::{function_key, HOT_RUNTIME};
    let (out, exe) = build("hello", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let data = std::fs::read(&exe).unwrap();
    let _ = std::fs::remove_file(&exe);
    let file = object::File::parse(&*data).unwrap();
    let listed: std::collections::HashSet<&str> = HOT_RUNTIME.lines().collect();
    let mut hot: Vec<(u64, u64)> = file
        .symbols()
        .filter(|s| s.kind() == object::SymbolKind::Text && s.size() > 0)
        .filter(|s| s.name().is_ok_and(|n| listed.contains(function_key(n).as_str())))
        .map(|s| (s.address(), s.size()))
        .collect();
    hot.sort_unstable();
    hot.dedup();
    assert!(hot.len() > 100, "only {} of the listed functions are in hello world", hot.len());
    let total: u64 = hot.iter().map(|h| h.1).sum();
    // The shortest range of consecutive hot functions holding 90% of their bytes.
    let (mut best, mut held, mut j) = (u64::MAX, 0u64, 0usize);
    for i in 0..hot.len() {
        while j < hot.len() && held * 10 < total * 9 {
            held += hot[j].1;
            j += 1;
        }
        if held * 10 >= total * 9 {
            best = best.min(hot[j - 1].0 + hot[j - 1].1 - hot[i].0);
        }
        held -= hot[i].1;
    }
    let density = (total * 9 / 10) as f64 / best as f64;
    assert!(density >= 0.8, "90% of the hot functions' {total} bytes spread over {best} bytes of code (density {density:.2})");
}
