//! The code cache of `hlc run`: the machine code of every function compiled
//! for a program, kept on disk so that running the same program again
//! starts without compiling what ran before.
//!
//! Entries are per function, under a directory named by a hash of
//! everything the code depends on: the `.hl` file's bytes, the `hlc`
//! executable (its size and modification time: a rebuilt `hlc` never reuses
//! another's code), the target and the compiler settings. Within it, the
//! code refers to types, globals, slots, trampolines, the runtime and
//! constants by the symbol names the lowering gave them (`Symbols`,
//! runtime names, `hlc_str12`...), which stay the same for the same file, so
//! an entry is relocated anew in every run like freshly compiled code.
//!
//! The directory is `$HLC_CACHE_DIR`, else `$XDG_CACHE_HOME/hlc`, else
//! `~/.cache/hlc`; an empty `HLC_CACHE_DIR` or `hlc run --no-cache` turns the
//! cache off. Entries are written as they are compiled (a few kilobytes,
//! next to milliseconds of compiling), each to a temporary name renamed into
//! place, and checked (magic, length, checksum)
//! when read: a damaged or foreign file is ignored and rewritten. A marker
//! file `verified` records that the bytecode passed the verifier, which the
//! next run then skips. At most
//! [`MAX_PROGRAMS`] programs are kept; the oldest go first.

use crate::lower::{LocalData, LocalTarget};
use cranelift_codegen::binemit::Reloc;
use cranelift_module::ModuleReloc;
use hlbc::codemap::FnCodeMap;
use std::path::{Path, PathBuf};

/// Programs whose code is kept.
const MAX_PROGRAMS: usize = 64;
const MAGIC: &[u8; 8] = b"HLCCODE1";
/// The contents of the marker saying the bytecode passed the verifier.
const VERIFIED: &[u8] = b"HLCCODE1 verified\n";

/// What a relocation or data pointer points at, by name.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A function of the module (a runtime entry point).
    Func(String),
    /// Data of the module: a symbol, runtime data, or a constant of [`Entry::data`].
    Data(String),
    /// A Cranelift library call.
    LibCall(String),
}

/// One function's compiled code, as kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub code: Vec<u8>,
    pub align: u64,
    /// `(offset, kind, addend, target)`.
    pub relocs: Vec<(u32, Reloc, i64, Target)>,
    /// Constants and static closures the code refers to: name and contents
    /// (pointers as `(offset, target, addend)`).
    pub data: Vec<(String, DataEntry)>,
    pub map: FnCodeMap,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DataEntry {
    pub bytes: Vec<u8>,
    pub align: u64,
    pub writable: bool,
    pub relocs: Vec<(u32, Target, i64)>,
}

/// The relocation kinds the JIT produces, with their numbers in entries.
const RELOCS: &[(Reloc, u8)] = &[
    (Reloc::Abs4, 1),
    (Reloc::Abs8, 2),
    (Reloc::X86PCRel4, 3),
    (Reloc::X86CallPCRel4, 4),
    (Reloc::Arm64Call, 5),
    (Reloc::Aarch64AdrPrelPgHi21, 6),
    (Reloc::Aarch64AddAbsLo12Nc, 7),
];

fn reloc_code(r: Reloc) -> Option<u8> {
    RELOCS.iter().find(|(k, _)| *k == r).map(|&(_, c)| c)
}

fn reloc_of(code: u8) -> Option<Reloc> {
    RELOCS.iter().find(|(_, c)| *c == code).map(|&(k, _)| k)
}

/// A program's code cache.
pub struct CodeCache {
    dir: PathBuf,
}


impl CodeCache {
    /// The cache of the program whose `.hl` bytes are `bytecode`, compiled
    /// with `settings` (target and Cranelift flags); `None` if the cache is
    /// off or its directory cannot be made.
    pub fn open(bytecode: &[u8], settings: &str) -> Option<CodeCache> {
        let root = super::super::cache_root()?;
        let exe = std::env::current_exe().ok().and_then(|e| std::fs::metadata(e).ok());
        let mut key = Vec::with_capacity(settings.len() + 64);
        key.extend_from_slice(MAGIC);
        key.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
        if let Some(md) = &exe {
            key.extend_from_slice(&md.len().to_le_bytes());
            if let Ok(t) = md.modified().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).map_err(std::io::Error::other)) {
                key.extend_from_slice(&t.as_nanos().to_le_bytes());
            }
        }
        key.extend_from_slice(settings.as_bytes());
        key.extend_from_slice(&(bytecode.len() as u64).to_le_bytes());
        // 128 bits of SipHash (two differently seeded runs): collisions between
        // programs are out of reach by accident, and hashing is cheap.
        let hash = |seed: u8| {
            use std::hash::Hasher as _;
            let mut h = std::hash::DefaultHasher::new();
            h.write_u8(seed);
            h.write(&key);
            h.write(bytecode);
            h.finish()
        };
        let name = format!("{:016x}{:016x}", hash(1), hash(2));
        let dir = root.join(name);
        let fresh = !dir.is_dir();
        std::fs::create_dir_all(&dir).ok()?;
        if fresh {
            prune(&root);
        } else {
            // Mark it used, for pruning.
            let _ = std::fs::File::open(&dir).and_then(|f| f.set_modified(std::time::SystemTime::now()));
        }
        Some(CodeCache { dir })
    }

    fn path(&self, findex: u32) -> PathBuf {
        self.dir.join(format!("{findex}"))
    }

    /// Whether this program's bytecode passed the verifier in an earlier
    /// run (the directory's name covers the bytes and the `hlc` build, so
    /// the verdict would be the same).
    pub fn verified(&self) -> bool {
        std::fs::read(self.dir.join("verified")).is_ok_and(|b| b == VERIFIED)
    }

    /// Records that the bytecode passed the verifier.
    pub fn mark_verified(&self) {
        write(&self.dir.join("verified"), VERIFIED);
    }

    /// The kept code of function `findex`, if any (and intact).
    pub fn load(&self, findex: u32) -> Option<Entry> {
        decode(&std::fs::read(self.path(findex)).ok()?)
    }

    /// Keeps `entry` as the code of function `findex`.
    pub fn store(&self, findex: u32, entry: &Entry) {
        write(&self.path(findex), &encode(entry));
    }
}

/// Writes `bytes` to `path` under a temporary name renamed into place, so
/// that a reader sees the whole file or none (a process ending mid-write
/// leaves only the temporary). Errors leave the cache without the entry.
fn write(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Removes the least recently used programs beyond [`MAX_PROGRAMS`].
fn prune(root: &Path) {
    let Ok(dirs) = std::fs::read_dir(root) else { return };
    let mut dirs: Vec<(std::time::SystemTime, PathBuf)> = dirs
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if dirs.len() <= MAX_PROGRAMS {
        return;
    }
    dirs.sort();
    for (_, d) in &dirs[..dirs.len() - MAX_PROGRAMS] {
        let _ = std::fs::remove_dir_all(d);
    }
}

// ---------------------------------------------------------------------------
// Entries <-> the module's relocations

/// Describes compiled code (`code`, `relocs`) for keeping: every target by
/// name, and the constants it refers to with their contents. `None` if the
/// code refers to something that has no stable name.
pub fn describe(
    module: &dyn cranelift_module::Module,
    local: &dyn Fn(cranelift_module::DataId) -> Option<LocalData>,
    code: &[u8],
    align: u64,
    relocs: &[ModuleReloc],
    map: &FnCodeMap,
) -> Option<Entry> {
    use cranelift_module::{DataId, FuncId, ModuleDeclarations, ModuleRelocTarget};
    let decls = module.declarations();
    let mut data: Vec<(String, DataEntry)> = Vec::new();
    let data_target = |id: DataId, data: &mut Vec<(String, DataEntry)>| -> Option<Target> {
        let name = decls.get_data_decl(id).name.clone()?;
        if let Some(d) = local(id) {
            if !data.iter().any(|(n, _)| *n == name) {
                let mut relocs = Vec::with_capacity(d.relocs.len());
                for &(at, t, addend) in &d.relocs {
                    let target = match t {
                        LocalTarget::Data(t) => Target::Data(decls.get_data_decl(t).name.clone()?),
                        LocalTarget::Func(f) => Target::Func(decls.get_function_decl(f).name.clone()?),
                    };
                    relocs.push((at, target, addend));
                }
                data.push((name.clone(), DataEntry { bytes: d.bytes, align: d.align, writable: d.writable, relocs }));
            }
        }
        Some(Target::Data(name))
    };
    let mut out = Vec::with_capacity(relocs.len());
    for r in relocs {
        let kind = reloc_code(r.kind).and(Some(r.kind))?;
        let target = match &r.name {
            name @ ModuleRelocTarget::User { .. } if ModuleDeclarations::is_function(name) => {
                Target::Func(decls.get_function_decl(FuncId::from_name(name)).name.clone()?)
            }
            name @ ModuleRelocTarget::User { .. } => data_target(DataId::from_name(name), &mut data)?,
            ModuleRelocTarget::LibCall(l) => Target::LibCall(l.to_string()),
            _ => return None,
        };
        out.push((r.offset, kind, r.addend, target));
    }
    Some(Entry { code: code.to_vec(), align, relocs: out, data, map: map.clone() })
}

// ---------------------------------------------------------------------------
// Encoding

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
    fn target(&mut self, t: &Target) {
        let (tag, name) = match t {
            Target::Func(n) => (0, n),
            Target::Data(n) => (1, n),
            Target::LibCall(n) => (2, n),
        };
        self.u8(tag);
        self.bytes(name.as_bytes());
    }
}

fn encode(e: &Entry) -> Vec<u8> {
    let mut w = Writer(MAGIC.to_vec());
    w.bytes(&e.code);
    w.u64(e.align);
    w.u32(e.relocs.len() as u32);
    for (offset, kind, addend, target) in &e.relocs {
        w.u32(*offset);
        w.u8(reloc_code(*kind).expect("described relocations have a code"));
        w.u64(*addend as u64);
        w.target(target);
    }
    w.u32(e.data.len() as u32);
    for (name, d) in &e.data {
        w.bytes(name.as_bytes());
        w.bytes(&d.bytes);
        w.u64(d.align);
        w.u8(d.writable as u8);
        w.u32(d.relocs.len() as u32);
        for (offset, target, addend) in &d.relocs {
            w.u32(*offset);
            w.target(target);
            w.u64(*addend as u64);
        }
    }
    w.u32(e.map.findex);
    w.u32(e.map.code_size);
    w.u32(e.map.locs.len() as u32);
    for &(off, op) in &e.map.locs {
        w.u32(off);
        w.u32(op);
    }
    let sum = super::super::fnv1a(&w.0);
    w.u64(sum);
    w.0
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = self.u32()? as usize;
        Some(self.take(n)?.to_vec())
    }
    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?).ok()
    }
    /// A count of items each at least `min` bytes long, checked against what is left.
    fn count(&mut self, min: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min)? <= self.0.len()).then_some(n)
    }
    fn target(&mut self) -> Option<Target> {
        let tag = self.u8()?;
        let name = self.string()?;
        match tag {
            0 => Some(Target::Func(name)),
            1 => Some(Target::Data(name)),
            2 => Some(Target::LibCall(name)),
            _ => None,
        }
    }
}

fn decode(file: &[u8]) -> Option<Entry> {
    let (body, sum) = file.split_at_checked(file.len().checked_sub(8)?)?;
    if super::super::fnv1a(body) != u64::from_le_bytes(sum.try_into().ok()?) {
        return None;
    }
    let mut r = Reader(body.strip_prefix(MAGIC.as_slice())?);
    let code = r.bytes()?;
    let align = r.u64()?;
    let mut relocs = Vec::new();
    for _ in 0..r.count(18)? {
        let offset = r.u32()?;
        let kind = reloc_of(r.u8()?)?;
        let addend = r.u64()? as i64;
        relocs.push((offset, kind, addend, r.target()?));
    }
    let mut data = Vec::new();
    for _ in 0..r.count(21)? {
        let name = r.string()?;
        let bytes = r.bytes()?;
        let align = r.u64()?;
        let writable = r.u8()? != 0;
        let mut relocs = Vec::new();
        for _ in 0..r.count(17)? {
            let offset = r.u32()?;
            let target = r.target()?;
            relocs.push((offset, target, r.u64()? as i64));
        }
        data.push((name, DataEntry { bytes, align, writable, relocs }));
    }
    let findex = r.u32()?;
    let code_size = r.u32()?;
    let mut locs = Vec::new();
    for _ in 0..r.count(8)? {
        locs.push((r.u32()?, r.u32()?));
    }
    r.0.is_empty().then_some(Entry { code, align, relocs, data, map: FnCodeMap { findex, code_size, locs } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Entry {
        Entry {
            code: vec![0x55, 0x48, 0x89, 0xe5, 0xc3],
            align: 16,
            relocs: vec![
                (1, Reloc::Abs8, -4, Target::Data("hlc:t12".into())),
                (3, Reloc::X86CallPCRel4, 0, Target::Func("hl_alloc_obj".into())),
                (4, Reloc::Abs8, 0, Target::LibCall("CeilF64".into())),
            ],
            data: vec![(
                "hlc_closure7".into(),
                DataEntry {
                    bytes: vec![0; 32],
                    align: 8,
                    writable: true,
                    relocs: vec![(0, Target::Data("hlc:t3".into()), 0), (8, Target::Data("hlc:f7".into()), 0)],
                },
            )],
            map: FnCodeMap { findex: 7, code_size: 5, locs: vec![(0, 0), (3, 2)] },
        }
    }

    #[test]
    fn entries_round_trip_and_damage_is_rejected() {
        let e = sample();
        let bytes = encode(&e);
        assert_eq!(decode(&bytes), Some(e));
        // Any truncation or flipped byte is caught.
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), None, "truncated at {cut}");
        }
        for at in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[at] ^= 0x40;
            assert_eq!(decode(&bad), None, "flipped at {at}");
        }
    }
}
