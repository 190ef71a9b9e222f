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
    /// Constant globals: the global and the value index of each field.
    pub constants: Vec<(i32, Vec<i32>)>,
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
            constants: vec![],
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
            self.constants.len(),
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
        for (g, fields) in &self.constants {
            index(&mut o, *g);
            index(&mut o, fields.len() as i32);
            for &v in fields {
                index(&mut o, v);
            }
        }
        o
    }
}

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `tests/programs/<name>`.
pub fn program(name: &str) -> PathBuf {
    repo().join("tests/programs").join(name)
}

/// Where hlc's `hl.h` is.
pub fn include_dir() -> PathBuf {
    repo().join("runtime-c/include")
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hlc-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `cmd`, which must succeed.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    out
}

/// A path as a `&str` (test paths are UTF-8).
pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Compiles C sources against hlc's hl.h into a static archive.
pub fn static_lib(dir: &Path, name: &str, sources: &[PathBuf]) -> PathBuf {
    let mut objs = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let obj = dir.join(format!("{name}{i}.o"));
        run(Command::new("cc").args(["-c", "-O1", "-Wall", "-Werror", "-I"]).arg(include_dir()).arg(src).arg("-o").arg(&obj));
        objs.push(obj);
    }
    let lib = dir.join(format!("lib{name}.a"));
    run(Command::new("ar").arg("rcs").arg(&lib).args(&objs));
    lib
}

/// Compiles C sources against hlc's hl.h into a shared library that, like
/// HashLink's prebuilt ones, needs `libhl.so` (a placeholder made only for
/// this link and deleted afterwards: at run time nothing provides it).
pub fn hdll(dir: &Path, name: &str, sources: &[PathBuf]) -> PathBuf {
    let stub_dir = dir.join("link-only");
    std::fs::create_dir_all(&stub_dir).unwrap();
    let empty = stub_dir.join("empty.c");
    std::fs::write(&empty, "void hlc_test_placeholder(void) {}\n").unwrap();
    run(Command::new("cc").args(["-shared", "-fPIC", "-o"]).arg(stub_dir.join("libhl.so")).arg(&empty));
    let out = dir.join(format!("{name}.hdll"));
    run(Command::new("cc")
        .args(["-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-I"])
        .arg(include_dir())
        .args(sources)
        .arg("-o")
        .arg(&out)
        .arg(format!("-L{}", stub_dir.display()))
        .args(["-Wl,--no-as-needed", "-lhl"]));
    std::fs::remove_dir_all(&stub_dir).unwrap();
    out
}

/// Encodes one op: its opcode and its operands, each as an HLB index.
pub fn op(code: u8, operands: &[i32]) -> Vec<u8> {
    let mut o = vec![code];
    for &v in operands {
        index(&mut o, v);
    }
    o
}

/// Encodes an op whose operands end with a register list (calls, `OMakeEnum`).
pub fn op_list(code: u8, operands: &[i32], regs: &[i32]) -> Vec<u8> {
    let mut o = op(code, operands);
    o.push(regs.len() as u8);
    for &r in regs {
        index(&mut o, r);
    }
    o
}

/// Encodes a function: its type, function index, register types and ops.
pub fn function(ty: i32, findex: i32, regs: &[i32], ops: &[Vec<u8>]) -> Vec<u8> {
    let mut f = Vec::new();
    index(&mut f, ty);
    index(&mut f, findex);
    index(&mut f, regs.len() as i32);
    index(&mut f, ops.len() as i32);
    for &r in regs {
        index(&mut f, r);
    }
    for o in ops {
        f.extend(o);
    }
    f
}

/// A small deterministic generator (xorshift64*) so tests are reproducible.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}
