//! Shared helpers for the end-to-end tests: where the golden programs are,
//! the `hlc` front end under test, and a small HLB writer for crafting
//! malformed modules.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `hlc build` links with `libhlrt.a`, which `cargo test` does not build (it
/// builds the runtime's rlib only): build it as `cargo build` would. The whole
/// workspace is named, as `cargo xtask test` builds it, so features resolve the
/// same way and an up-to-date build is not redone.
pub fn ensure_runtime_library() {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--workspace"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .status()
        .expect("run cargo");
    assert!(status.success(), "building the runtime library failed");
}

/// Runs the `hlc` front end (the test package's copy, `driver`) with `args`.
pub fn hlc(driver: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(driver).args(args).output().expect("run hlc")
}

/// `hlc build <hl> -o <exe> <extra...>` after making sure the runtime exists.
pub fn hlc_build(driver: &str, hl: &Path, exe: &Path, extra: &[&str]) -> Output {
    ensure_runtime_library();
    let mut args: Vec<&std::ffi::OsStr> = vec!["build".as_ref(), hl.as_os_str(), "-o".as_ref(), exe.as_os_str()];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    hlc(driver, &args)
}

/// The repository's `golden/` directory.
pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("golden")
}

/// Every golden program directory (those holding a `main.hl`), sorted.
pub fn golden_programs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("golden/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("main.hl").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// HashLink's variable-length index encoding (the inverse of the reader's).
pub fn index(out: &mut Vec<u8>, v: i32) {
    let (neg, a) = (v < 0, v.unsigned_abs());
    let sign = if neg { 0x20 } else { 0 };
    if !neg && a < 0x80 {
        out.push(a as u8);
    } else if a < 0x2000 {
        out.push(0x80 | sign | (a >> 8) as u8);
        out.push(a as u8);
    } else {
        assert!(a < 0x2000_0000, "index too large to encode");
        out.push(0xC0 | sign | (a >> 24) as u8);
        out.push((a >> 16) as u8);
        out.push((a >> 8) as u8);
        out.push(a as u8);
    }
}

/// A hand-assembled HLB v4 module without debug information. Types, ops and
/// the like are given as already-encoded bytes so tests can corrupt them.
#[derive(Clone)]
pub struct Hlb {
    pub ints: Vec<i32>,
    pub strings: Vec<&'static str>,
    /// Encoded types, one entry per type.
    pub types: Vec<Vec<u8>>,
    /// Type index of each global.
    pub globals: Vec<i32>,
    /// Encoded natives, one entry each.
    pub natives: Vec<Vec<u8>>,
    /// Encoded functions, one entry each.
    pub functions: Vec<Vec<u8>>,
    pub entrypoint: i32,
}

impl Hlb {
    /// `void`, `i32` and `():void`; one function `fun@0` returning void.
    pub fn minimal() -> Hlb {
        let mut f = Vec::new();
        index(&mut f, 2); // type: ():void
        index(&mut f, 0); // findex
        index(&mut f, 1); // nregs
        index(&mut f, 1); // nops
        index(&mut f, 0); // r0: void
        f.extend([67, 0]); // ORet r0
        Hlb {
            ints: vec![7],
            strings: vec!["hello"],
            types: vec![vec![0], vec![3], vec![10, 0, 0]],
            globals: vec![1],
            natives: vec![],
            functions: vec![f],
            entrypoint: 0,
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut o = b"HLB".to_vec();
        o.push(4);
        index(&mut o, 0); // flags: no debug info
        for n in [
            self.ints.len(),
            0,
            self.strings.len(),
            self.types.len(),
            self.globals.len(),
            self.natives.len(),
            self.functions.len(),
            0,
        ] {
            index(&mut o, n as i32);
        }
        index(&mut o, self.entrypoint);
        for i in &self.ints {
            o.extend(i.to_le_bytes());
        }
        let size: usize = self.strings.iter().map(|s| s.len() + 1).sum();
        o.extend((size as i32).to_le_bytes());
        for s in &self.strings {
            o.extend(s.as_bytes());
            o.push(0);
        }
        for s in &self.strings {
            index(&mut o, s.len() as i32);
        }
        for t in &self.types {
            o.extend(t);
        }
        for g in &self.globals {
            index(&mut o, *g);
        }
        for n in &self.natives {
            o.extend(n);
        }
        for f in &self.functions {
            o.extend(f);
        }
        o
    }
}
