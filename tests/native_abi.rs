//! HashLink's native-library ABI: libhl's exports, `hl.h` as native
//! libraries use it, and how `hlc build` links native libraries — static
//! archives, shared `.hdll`s, optional natives, libraries that replace the
//! runtime's natives, signature checks and link options.
//!
//! The extension `tests/programs/abi_ext/abiext.c` is written the way
//! HashLink's libraries are; its program's expected output was recorded with
//! the reference `hl` loading it as `abiext.hdll`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hlc_tests::{hdll, include_dir, program, repo, run, scratch, static_lib, p};

fn runtime_lib() -> PathBuf {
    hlc_tests::ensure_runtime_library();
    let lib = repo().join("target/debug/libhlrt.a");
    assert!(lib.is_file(), "{} was not built", lib.display());
    lib
}

fn hlc(args: &[&str]) -> Output {
    hlc_tests::ensure_runtime_library();
    hlc_tests::hlc(env!("CARGO_BIN_EXE_hlc-test-driver"), &args.iter().map(std::ffi::OsStr::new).collect::<Vec<_>>())
}

/// The `DT_NEEDED` entries and `DT_SONAME` of an ELF file.
fn dynamic_entries(path: &Path) -> (Vec<String>, Option<String>) {
    use object::read::elf::{Dyn as _, FileHeader as _};
    let data = std::fs::read(path).unwrap();
    let elf = object::read::elf::ElfFile64::<object::Endianness>::parse(&*data).unwrap();
    let endian = elf.endian();
    let sections = elf.elf_header().sections(endian, &*data).unwrap();
    let (mut needed, mut soname) = (Vec::new(), None);
    if let Some((dynamic, link)) = sections.dynamic(endian, &*data).unwrap() {
        let strings = sections.strings(endian, &*data, link).unwrap();
        for d in dynamic {
            let text = || String::from_utf8_lossy(d.string(endian, strings).unwrap()).into_owned();
            let tag = d.tag32(endian);
            if tag == Some(object::elf::DT_NEEDED.0 as i32) {
                needed.push(text());
            } else if tag == Some(object::elf::DT_SONAME.0 as i32) {
                soname = Some(text());
            }
        }
    }
    (needed, soname)
}

fn libhl_exports() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("runtime/libhl-exports.txt")).unwrap();
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from).collect()
}

/// Every function and global libhl 1.17 exports is defined by libhlrt.a.
#[test]
fn runtime_defines_every_libhl_export() {
    let names = libhl_exports();
    assert_eq!(names.len(), 450, "libhl 1.17 exports 437 functions and 13 globals besides hlp_* entries");
    let defined = hlc::driver::natives::defined_symbols(&runtime_lib()).unwrap();
    let missing: Vec<&String> = names.iter().filter(|n| !defined.contains(*n)).collect();
    assert!(missing.is_empty(), "libhlrt.a lacks {} libhl export(s): {missing:?}", missing.len());
}

/// The identifiers hl.h declares with HL_API (functions and globals).
fn header_declarations() -> Vec<String> {
    let header = std::fs::read_to_string(include_dir().join("hl.h")).unwrap();
    let mut names = Vec::new();
    for line in header.lines().filter(|l| l.starts_with("HL_API ")) {
        let decl = line.trim_end_matches(';').replace("HL_NO_RETURN(", "");
        let before_paren = decl.split('(').next().unwrap();
        let name = before_paren.trim().rsplit([' ', '*']).next().unwrap();
        names.push(name.to_string());
    }
    names
}

/// hl.h compiles as C and C++, its macros and layouts are HashLink's, and
/// every function and global it declares links against libhlrt.a.
#[test]
fn header_surface_compiles_and_links() {
    let dir = scratch("surface");
    let decls = header_declarations();
    let exports: HashSet<String> = libhl_exports().into_iter().collect();
    let unknown: Vec<&String> = decls.iter().filter(|d| !exports.contains(*d)).collect();
    assert!(unknown.is_empty(), "hl.h declares names libhl does not export: {unknown:?}");
    let mut table = String::from("#include <hl.h>\n#ifdef __cplusplus\nextern \"C\" {\n#endif\nvoid *abi_table[] = {\n");
    for d in &decls {
        table.push_str(&format!("\t(void*)&{d},\n"));
    }
    table.push_str(&format!("}};\nint abi_table_size = {};\n#ifdef __cplusplus\n}}\n#endif\n", decls.len()));
    std::fs::write(dir.join("table.c"), &table).unwrap();
    let surface = program("abi_ext").join("surface.c");
    for (compiler, lang) in [("cc", "c"), ("c++", "c++")] {
        let exe = dir.join(format!("surface-{lang}"));
        let mut objs = Vec::new();
        for src in [dir.join("table.c"), surface.clone()] {
            let obj = dir.join(format!("{}-{lang}.o", src.file_stem().unwrap().to_string_lossy()));
            run(Command::new(compiler).args(["-x", lang, "-c", "-Wall", "-Werror", "-I"]).arg(include_dir()).arg(&src).arg("-o").arg(&obj));
            objs.push(obj);
        }
        run(Command::new(compiler)
            .arg("-o")
            .arg(&exe)
            .args(&objs)
            .arg(runtime_lib())
            .args(["-lgcc_eh", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl"]));
        let out = run(&mut Command::new(&exe));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n", "{lang}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn expected_abi_ext() -> String {
    std::fs::read_to_string(program("abi_ext").join("expected.stdout")).unwrap()
}

/// The extension as a static archive: every entry point behaves as under
/// `hl`, its optional natives included, with no `--allow-missing-natives`.
#[test]
fn extension_as_static_archive() {
    let dir = scratch("static");
    let lib = static_lib(&dir, "abiext", &[program("abi_ext").join("abiext.c")]);
    let exe = dir.join("app");
    let out = hlc(&["build", p(&program("abi_ext").join("main.hl")), "-o", p(&exe), "--lib", p(&lib), "-v"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The optional natives nobody provides are reported, not refused.
    assert!(stderr.contains("?abiext@absent (`abiext_absent`) is not provided: calling it throws"), "{stderr}");
    assert!(stderr.contains("?nolib@nothing (`nolib_nothing`) is not provided"), "{stderr}");
    let run = Command::new(&exe).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected_abi_ext());
    assert!(run.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The extension as a shared `.hdll` that needs `libhl.so`, as prebuilt
/// HashLink libraries do: the executable loads it from its own directory and
/// satisfies its libhl imports itself; no libhl.so exists anywhere.
#[test]
fn extension_as_hdll_needs_no_libhl() {
    let dir = scratch("hdll");
    let lib = hdll(&dir, "abiext", &[program("abi_ext").join("abiext.c")]);
    assert!(dynamic_entries(&lib).0.contains(&"libhl.so".to_string()));
    let exe = dir.join("app");
    let out = hlc(&["build", p(&program("abi_ext").join("main.hl")), "-o", p(&exe), "--lib", p(&lib)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (needed, soname) = dynamic_entries(&exe);
    assert!(needed.contains(&"abiext.hdll".to_string()), "{needed:?}");
    assert!(!needed.iter().any(|n| n.starts_with("libhl")), "{needed:?}");
    assert_eq!(soname.as_deref(), Some("libhl.so"));
    assert!(!dir.join("libhl.so").exists());
    // Run from elsewhere: the library is found beside the executable.
    let run = Command::new(&exe).current_dir(std::env::temp_dir()).env_remove("LD_LIBRARY_PATH").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected_abi_ext(), "{}", String::from_utf8_lossy(&run.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A missing optional native (`?lib@name`) needs no flag to build and
/// throws HashLink's error only when called; a missing ordinary native is
/// still refused.
#[test]
fn missing_optional_native_throws_only_when_called() {
    let dir = scratch("optional");
    let exe = dir.join("app");
    // Without the extension every abiext native is missing: the ordinary ones are refused...
    let out = hlc(&["build", p(&program("abi_ext").join("main.hl")), "-o", p(&exe)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("abiext@add (C symbol `abiext_add`)"), "{stderr}");
    assert!(!stderr.contains("@absent") && !stderr.contains("@nothing") && !stderr.contains("@present"), "{stderr}");
    assert!(!exe.exists());
    // ...and with it only the optional ones that are really absent become stubs.
    let lib = static_lib(&dir, "abiext", &[program("abi_ext").join("abiext.c")]);
    let out = hlc(&["build", p(&program("abi_ext").join("main.hl")), "-o", p(&exe), "--lib", p(&lib)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&Command::new(&exe).output().unwrap().stdout).into_owned();
    let tail: Vec<&str> = stdout.lines().rev().take(4).map(|l| l.split_once(": ").map_or(l, |x| x.1)).collect();
    assert_eq!(tail, ["done", "nothing: Primitive or library is missing", "absent: Primitive or library is missing", "7"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `--lib` library that defines a native the runtime also provides
/// replaces it (with a note under -v), as a static archive and as an hdll.
#[test]
fn user_library_replaces_runtime_native() {
    let dir = scratch("replace");
    let hl = program("replace_native").join("main.hl");
    let src = program("replace_native").join("digest.c");
    let exe = dir.join("app");
    // The runtime's own digest first.
    let out = hlc(&["build", p(&hl), "-o", p(&exe)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let run = Command::new(&exe).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), "Main.hx:5: 900150983cd24fb0d6963f7d28e17f72\n");
    for lib in [static_lib(&dir, "digest", std::slice::from_ref(&src)), hdll(&dir, "digest", std::slice::from_ref(&src))] {
        let out = hlc(&["build", p(&hl), "-o", p(&exe), "--lib", p(&lib), "-v"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains(&format!("note: `{}` replaces the runtime's native fmt@digest (`fmt_digest`)", lib.display())), "{stderr}");
        let run = Command::new(&exe).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&run.stdout), format!("Main.hx:5: {}\n", "5a".repeat(16)), "{}", lib.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A library whose `hlp_` entry declares another signature than the
/// program's is refused, naming both signatures (whatever the library form).
#[test]
fn mismatched_native_signature_is_an_error() {
    let dir = scratch("signature");
    let src = dir.join("wrong.c");
    std::fs::write(
        &src,
        "#define HL_NAME(n) abiext_##n\n#include <hl.h>\n\
         HL_PRIM int HL_NAME(add)(int a, double b) { return a + (int)b; }\n\
         DEFINE_PRIM(_I32, add, _I32 _F64);\n",
    )
    .unwrap();
    let exe = dir.join("app");
    for lib in [static_lib(&dir, "wrong", std::slice::from_ref(&src)), hdll(&dir, "wrong", std::slice::from_ref(&src))] {
        let out = hlc(&["build", p(&program("abi_ext").join("main.hl")), "-o", p(&exe), "--lib", p(&lib), "--allow-missing-natives"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("hlc::native_signature"), "{stderr}");
        let flat = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("abiext@add: the program declares `Pii_i`"), "{stderr}");
        assert!(flat.contains("defines it as `Pid_i` (hlp_add)"), "{stderr}");
        assert!(!exe.exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `-l`/`-L` and `--link-arg` reach the linker: a native library that needs
/// another library links once that one is given, and not before (with a hint).
#[test]
fn link_options_reach_the_linker() {
    let dir = scratch("linkopts");
    let helper = dir.join("helper.c");
    std::fs::write(&helper, "int replace_helper_value(void) { return 0x5A; }\n").unwrap();
    let helper_dir = dir.join("helpers");
    std::fs::create_dir_all(&helper_dir).unwrap();
    let helper_lib = static_lib(&helper_dir, "hlchelper", &[helper]);
    let src = dir.join("digest.c");
    std::fs::write(
        &src,
        "#define HL_NAME(n) fmt_##n\n#include <hl.h>\nint replace_helper_value(void);\n\
         HL_PRIM void HL_NAME(digest)(vbyte *out, vbyte *in, int len, int format) { memset(out, replace_helper_value(), 16); }\n\
         DEFINE_PRIM(_VOID, digest, _BYTES _BYTES _I32 _I32);\n",
    )
    .unwrap();
    let lib = static_lib(&dir, "digest", &[src]);
    let hl = program("replace_native").join("main.hl");
    let exe = dir.join("app");
    let expected = format!("Main.hx:5: {}\n", "5a".repeat(16));

    let out = hlc(&["build", p(&hl), "-o", p(&exe), "--lib", p(&lib)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("replace_helper_value") && stderr.contains("-l NAME"), "{stderr}");

    let out = hlc(&["build", p(&hl), "-o", p(&exe), "--lib", p(&lib), "-L", p(&helper_dir), "-l", "hlchelper"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&Command::new(&exe).output().unwrap().stdout), expected);

    let out = hlc(&["build", p(&hl), "-o", p(&exe), "--lib", p(&lib), "--link-arg", p(&helper_lib)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&Command::new(&exe).output().unwrap().stdout), expected);
    let _ = std::fs::remove_dir_all(&dir);
}
