//! Properties of the executables `hlc build` writes, beyond their output.

use hlc_tests::golden_dir;
use std::process::Command;

fn build(name: &str, extra: &[&str]) -> (std::process::Output, std::path::PathBuf) {
    let exe = std::env::temp_dir().join(format!("hlc-exe-{name}-{}", std::process::id()));
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
    let _ = std::fs::remove_dir_all(&dir);
}

/// Lowering is target-parametric: every golden program compiles to an
/// aarch64 object file too (linking needs an aarch64 runtime library).
#[test]
fn every_golden_program_compiles_for_aarch64() {
    for dir in hlc_tests::golden_programs() {
        let obj = std::env::temp_dir().join(format!("hlc-a64-{}.o", std::process::id()));
        let out = hlc_tests::hlc(
            env!("CARGO_BIN_EXE_hlc-test-driver"),
            &[
                "build".as_ref(),
                dir.join("main.hl").as_os_str(),
                "--target".as_ref(),
                "aarch64-unknown-linux-gnu".as_ref(),
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
        assert_eq!(object::Object::architecture(&file), object::Architecture::Aarch64, "{}", dir.display());
    }
}
