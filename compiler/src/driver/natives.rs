//! Binding a program's natives to the libraries linked with it.
//!
//! - [`Library::read`]: the global symbols a static archive, object file or
//!   shared library (`.hdll`) defines, and the signatures of its `hlp_<name>`
//!   entries (what `DEFINE_PRIM` emits), read from the machine code.
//! - [`plan`]: which library provides each native (user libraries before the
//!   runtime, so they win), which natives are missing (optional ones, `?lib`,
//!   and with `--allow-missing-natives` all, become throwing stubs), and
//!   which declarations disagree with the library's signature.
//! - [`replace_symbols`]: a copy of a runtime object file with the natives a
//!   user library replaces renamed out of the way, so the link has one
//!   definition of each.

use hlbc::native_sig::{is_optional, native_signature, native_symbol};
use miette::{miette, IntoDiagnostic as _, Result, WrapErr as _};
use object::read::archive::ArchiveFile;
use object::{Object as _, ObjectSymbol as _};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What kind of file a library is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LibKind {
    /// A static archive (`.a`).
    Archive,
    /// A relocatable object (`.o`).
    Object,
    /// A shared library (`.so`, `.hdll`): linked dynamically, loaded at start-up.
    Shared,
}

/// One object file of a library (an archive member, or the file itself).
#[derive(Clone, Debug)]
pub struct Member {
    /// Its name in the archive (empty for a lone file).
    pub name: String,
    /// Where its bytes are in the library file.
    pub range: std::ops::Range<usize>,
}

/// A native library given to the link: what it defines and the native
/// signatures it declares.
#[derive(Debug)]
pub struct Library {
    pub path: PathBuf,
    pub kind: LibKind,
    pub members: Vec<Member>,
    /// Global symbols it defines, with the member defining each (the first, if several).
    pub symbols: HashMap<String, usize>,
    /// `hlp_<name>` entries whose signature could be read: name (without
    /// `hlp_`) → (member, signature).
    pub signatures: HashMap<String, Vec<(usize, String)>>,
}

impl Library {
    /// Reads the symbol tables of `path`: an archive's members, a relocatable
    /// object, or a shared library's dynamic symbols.
    pub fn read(path: &Path) -> Result<Library> {
        let data = std::fs::read(path).into_diagnostic().wrap_err_with(|| format!("cannot read `{}`", path.display()))?;
        let mut lib = Library {
            path: path.to_path_buf(),
            kind: LibKind::Object,
            members: Vec::new(),
            symbols: HashMap::new(),
            signatures: HashMap::new(),
        };
        if let Ok(archive) = ArchiveFile::parse(&*data) {
            lib.kind = LibKind::Archive;
            for member in archive.members() {
                let member = member.map_err(|e| miette!("{}: {e}", path.display()))?;
                let (start, size) = member.file_range();
                let range = start as usize..(start + size) as usize;
                let name = String::from_utf8_lossy(member.name()).into_owned();
                let Some(bytes) = data.get(range.clone()) else { continue };
                let index = lib.members.len();
                lib.members.push(Member { name, range: range.clone() });
                if let Ok(file) = object::File::parse(bytes) {
                    lib.collect(&file, index);
                }
            }
            return Ok(lib);
        }
        let file = object::File::parse(&*data).map_err(|e| {
            miette!(
                code = "hlc::bad_library",
                "`{}` is not a static archive, object file or shared library: {e}",
                path.display()
            )
        })?;
        lib.kind = match file.kind() {
            object::ObjectKind::Dynamic => LibKind::Shared,
            object::ObjectKind::Relocatable => LibKind::Object,
            other => {
                return Err(miette!(
                    code = "hlc::bad_library",
                    "`{}` is a {other:?} file, not a library (expected .a, .o, .so or .hdll)",
                    path.display()
                ))
            }
        };
        lib.members.push(Member { name: String::new(), range: 0..data.len() });
        lib.collect(&file, 0);
        Ok(lib)
    }

    fn collect(&mut self, file: &object::File, member: usize) {
        let shared = file.kind() == object::ObjectKind::Dynamic;
        let symbols: Vec<object::Symbol> = if shared { file.dynamic_symbols().collect() } else { file.symbols().collect() };
        for sym in &symbols {
            if !(sym.is_definition() && sym.is_global()) {
                continue;
            }
            let Ok(name) = sym.name() else { continue };
            self.symbols.entry(name.to_string()).or_insert(member);
            if let Some(native) = name.strip_prefix("hlp_") {
                if let Some(sig) = signature::of_entry(file, sym) {
                    self.signatures.entry(native.to_string()).or_default().push((member, sig));
                }
            }
        }
    }

    /// The signature the library declares for native `name`, preferring the
    /// `hlp_` entry next to the native's own definition.
    pub fn signature(&self, name: &str, member: Option<usize>) -> Option<&str> {
        let entries = self.signatures.get(name)?;
        entries
            .iter()
            .find(|(m, _)| Some(*m) == member)
            .or_else(|| entries.first())
            .map(|(_, s)| s.as_str())
    }

    pub fn defines(&self, symbol: &str) -> bool {
        self.symbols.contains_key(symbol)
    }
}

/// Where a native's code comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provider {
    /// The hlc runtime.
    Runtime,
    /// The user library at this position of the `--lib` list.
    Lib(usize),
    /// Nobody: a stub that throws when called.
    Stub,
}

/// How the natives of a program are bound.
#[derive(Debug, Default)]
pub struct NativePlan {
    /// Per native (position in `Module::natives`).
    pub providers: Vec<Option<Provider>>,
    /// Natives no library provides and that may not be stubbed: descriptions.
    pub missing: Vec<String>,
    /// Natives whose declared signature differs from the library's: descriptions.
    pub mismatched: Vec<String>,
    /// Runtime symbols a user library also defines, which the library's
    /// definition replaces: symbol → library position.
    pub replaced: Vec<(String, usize)>,
    /// libhl functions a user library defines itself: descriptions.
    pub conflicts: Vec<String>,
    /// What `-v` reports.
    pub notes: Vec<String>,
}

impl NativePlan {
    /// The natives to replace by throwing stubs.
    pub fn stubs(&self) -> HashSet<usize> {
        self.providers.iter().enumerate().filter(|(_, p)| **p == Some(Provider::Stub)).map(|(i, _)| i).collect()
    }
}

/// Binds each native of `m`: user libraries first (in order), then the
/// runtime; missing optional natives (and, with `allow_missing`, all missing
/// natives) become stubs; declarations are checked against the `hlp_`
/// signatures of the library that provides them.
pub fn plan(m: &hlbc::Module, runtime: &Library, libs: &[Library], allow_missing: bool) -> NativePlan {
    let mut plan = NativePlan::default();
    // Every symbol a user library shares with the runtime is the library's:
    // natives as the user asked, and others so that neither a static link sees
    // two definitions nor a shared library's own calls are diverted into the
    // executable. libhl's functions are the runtime's alone.
    let abi: HashSet<&str> = libhl_exports().collect();
    let mut replaced = HashSet::new();
    for (li, l) in libs.iter().enumerate() {
        let mut shared: Vec<&String> = l.symbols.keys().filter(|s| runtime.defines(s)).collect();
        shared.sort();
        for sym in shared {
            if abi.contains(sym.as_str()) {
                plan.conflicts.push(format!("`{}` defines `{sym}`, a libhl function the hlc runtime provides", l.path.display()));
            } else if replaced.insert(sym.clone()) {
                plan.replaced.push((sym.clone(), li));
            }
        }
    }
    for n in &m.natives {
        let (lib, name) = (m.str(n.lib), m.str(n.name));
        let sym = native_symbol(&lib, &name);
        let declared = || native_signature(m, n.ty);
        let provider = if let Some(li) = libs.iter().position(|l| l.defines(&sym)) {
            let l = &libs[li];
            if runtime.defines(&sym) {
                plan.notes.push(format!("`{}` replaces the runtime's native {lib}@{name} (`{sym}`)", l.path.display()));
            }
            if let Some(sig) = l.signature(&name, l.symbols.get(&sym).copied()) {
                let want = declared();
                if sig != want {
                    plan.mismatched.push(format!(
                        "{lib}@{name}: the program declares `{want}` ({}), but `{}` defines it as `{sig}` (hlp_{name})",
                        hlbc::dump::type_str(m, n.ty),
                        l.path.display()
                    ));
                }
            }
            Provider::Lib(li)
        } else if runtime.defines(&sym) {
            Provider::Runtime
        } else if is_optional(&lib) || allow_missing {
            plan.notes.push(format!("{lib}@{name} (`{sym}`) is not provided: calling it throws"));
            Provider::Stub
        } else {
            plan.missing.push(format!("{lib}@{name} (C symbol `{sym}`): {}", hlbc::dump::type_str(m, n.ty)));
            plan.providers.push(None);
            continue;
        };
        plan.providers.push(Some(provider));
    }
    plan
}

/// A copy of the 64-bit ELF relocatable object `data` in which each symbol
/// of `names` is renamed `hlc_replaced.<name>`: its definition stays (code of
/// the same object still calls it) but no longer answers to the name, which
/// the user library that replaces it then defines alone.
///
/// The symbol string table is copied to the end of the file with the new
/// names appended, its section header points there, and the renamed symbols
/// point at their new names; nothing else moves.
pub fn replace_symbols(data: &[u8], names: &HashSet<&str>) -> Result<Vec<u8>> {
    use object::read::elf::{FileHeader as _, SectionHeader as _, Sym as _};
    let bad = |e: &dyn std::fmt::Display| miette!("cannot rewrite a runtime object: {e}");
    let header = object::elf::FileHeader64::<object::Endianness>::parse(data).map_err(|e| bad(&e))?;
    let endian = header.endian().map_err(|e| bad(&e))?;
    let sections = header.sections(endian, data).map_err(|e| bad(&e))?;
    let (symtab_index, symtab) = sections
        .iter()
        .enumerate()
        .find(|(_, s)| s.sh_type(endian) == object::elf::SHT_SYMTAB)
        .ok_or_else(|| bad(&"no symbol table"))?;
    let strtab_index = symtab.sh_link(endian) as usize;
    let strtab = sections.section(object::SectionIndex(strtab_index)).map_err(|e| bad(&e))?;
    let old_strings = strtab.data(endian, data).map_err(|e| bad(&e))?;
    let symbols = sections.symbol_table_by_index(endian, data, object::SectionIndex(symtab_index)).map_err(|e| bad(&e))?;

    let mut out = data.to_vec();
    let mut strings = old_strings.to_vec();
    let sym_base = symtab.sh_offset(endian) as usize;
    let sym_size = std::mem::size_of::<object::elf::Sym64<object::Endianness>>();
    for (i, sym) in symbols.iter().enumerate() {
        let Ok(name) = sym.name(endian, symbols.strings()) else { continue };
        let Ok(name) = std::str::from_utf8(name) else { continue };
        if !names.contains(name) {
            continue;
        }
        let at = u32::try_from(strings.len()).map_err(|_| bad(&"string table too large"))?;
        strings.extend_from_slice(format!("hlc_replaced.{name}").as_bytes());
        strings.push(0);
        // st_name is the first field of an Elf64_Sym.
        let field = sym_base + i * sym_size;
        out[field..field + 4].copy_from_slice(&endian_u32(endian, at));
    }
    let new_offset = out.len() as u64;
    out.extend_from_slice(&strings);
    // sh_offset and sh_size of the string table's Elf64_Shdr (at 24 and 32).
    let shdr = header.e_shoff(endian) as usize + strtab_index * header.e_shentsize(endian) as usize;
    out[shdr + 24..shdr + 32].copy_from_slice(&endian_u64(endian, new_offset));
    out[shdr + 32..shdr + 40].copy_from_slice(&endian_u64(endian, strings.len() as u64));
    Ok(out)
}

fn endian_u32(e: object::Endianness, v: u32) -> [u8; 4] {
    match e {
        object::Endianness::Little => v.to_le_bytes(),
        object::Endianness::Big => v.to_be_bytes(),
    }
}

fn endian_u64(e: object::Endianness, v: u64) -> [u8; 8] {
    match e {
        object::Endianness::Little => v.to_le_bytes(),
        object::Endianness::Big => v.to_be_bytes(),
    }
}

/// Reading the signature an `hlp_<name>` entry stores. Such an entry is
/// `*sign = "P...": return &lib_name;`, so the signature is the string its
/// code addresses: found through the relocations of an object file, or by
/// decoding the address computations of a shared library's code (x86-64
/// `lea reg, [rip+disp]`; aarch64 `adrp`+`add` or `adr`).
mod signature {
    use object::{Object as _, ObjectSection as _, ObjectSymbol as _, SectionKind};

    pub fn of_entry(file: &object::File, sym: &object::Symbol) -> Option<String> {
        let section = file.section_by_index(sym.section_index()?).ok()?;
        if section.kind() != SectionKind::Text {
            return None;
        }
        if file.kind() == object::ObjectKind::Relocatable {
            from_relocations(file, &section, sym)
        } else {
            from_code(file, &section, sym)
        }
    }

    fn from_relocations(file: &object::File, section: &object::Section, sym: &object::Symbol) -> Option<String> {
        let start = sym.address().checked_sub(section.address())?;
        let end = start + sym.size().max(1);
        for (offset, reloc) in section.relocations() {
            if offset < start || offset >= end {
                continue;
            }
            let object::RelocationTarget::Symbol(ti) = reloc.target() else { continue };
            let target = file.symbol_by_index(ti).ok()?;
            let Some(tsi) = target.section_index() else { continue };
            let Ok(tsec) = file.section_by_index(tsi) else { continue };
            if !is_data(tsec.kind()) {
                continue;
            }
            let Ok(data) = tsec.data() else { continue };
            let base = target.address().wrapping_sub(tsec.address()) as i64 + reloc.addend();
            // A PC-relative displacement ends its instruction on x86, so the
            // string is 4 bytes past the addend; elsewhere it is at the
            // addend. The other reading must at least start a string.
            let (exact, other) = if reloc.kind() == object::RelocationKind::Relative { (4, 0) } else { (0, 4) };
            if let Some(s) = string_at(data, base + exact, false).or_else(|| string_at(data, base + other, true)) {
                return Some(s);
            }
        }
        None
    }

    fn from_code(file: &object::File, section: &object::Section, sym: &object::Symbol) -> Option<String> {
        let data = section.data().ok()?;
        let start = sym.address().checked_sub(section.address())? as usize;
        let size = (sym.size() as usize).clamp(1, 256);
        let code = data.get(start..(start + size).min(data.len()))?;
        let pc0 = sym.address();
        let targets: Vec<u64> = match file.architecture() {
            object::Architecture::X86_64 => x86_64_rip_targets(code, pc0),
            object::Architecture::Aarch64 => aarch64_targets(code, pc0),
            _ => Vec::new(),
        };
        for t in targets {
            for s in file.sections() {
                if !is_data(s.kind()) || t < s.address() || t >= s.address() + s.size() {
                    continue;
                }
                if let Ok(d) = s.data() {
                    if let Some(text) = string_at(d, (t - s.address()) as i64, false) {
                        return Some(text);
                    }
                }
            }
        }
        None
    }

    /// Addresses of `lea r64, [rip+disp32]` (REX.W 8D /r with mod=00 rm=101).
    fn x86_64_rip_targets(code: &[u8], pc0: u64) -> Vec<u64> {
        let mut out = Vec::new();
        for i in 0..code.len().saturating_sub(6) {
            let (rex, op, modrm) = (code[i], code[i + 1], code[i + 2]);
            if rex & 0xF8 == 0x48 && op == 0x8D && modrm & 0xC7 == 0x05 {
                let disp = i32::from_le_bytes([code[i + 3], code[i + 4], code[i + 5], code[i + 6]]);
                let next = pc0 + i as u64 + 7;
                out.push(next.wrapping_add(disp as i64 as u64));
            }
        }
        out
    }

    /// Addresses formed by `adrp xN` + `add xN, xN, #lo12`, or by `adr xN`.
    fn aarch64_targets(code: &[u8], pc0: u64) -> Vec<u64> {
        let insns: Vec<u32> = code.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let imm21 = |insn: u32| -> i64 {
            let v = (((insn >> 5) & 0x7FFFF) << 2 | ((insn >> 29) & 3)) as i64;
            (v << 43) >> 43
        };
        let mut out = Vec::new();
        for (k, &insn) in insns.iter().enumerate() {
            let pc = pc0 + 4 * k as u64;
            if insn & 0x9F00_0000 == 0x1000_0000 {
                out.push(pc.wrapping_add(imm21(insn) as u64));
            } else if insn & 0x9F00_0000 == 0x9000_0000 {
                let rd = insn & 31;
                let page = (pc & !0xFFF).wrapping_add((imm21(insn) << 12) as u64);
                for &next in insns.iter().skip(k + 1).take(4) {
                    // add (immediate, 64-bit, no shift) from rd
                    if next & 0xFFC0_0000 == 0x9100_0000 && (next >> 5) & 31 == rd {
                        out.push(page + ((next >> 10) & 0xFFF) as u64);
                        break;
                    }
                }
            }
        }
        out
    }

    fn is_data(kind: SectionKind) -> bool {
        matches!(kind, SectionKind::ReadOnlyData | SectionKind::ReadOnlyString | SectionKind::Data | SectionKind::ReadOnlyDataWithRel)
    }

    /// The NUL-terminated string at `offset` of `data` if it looks like a
    /// signature: `P`, then printable bytes including the `_` before the
    /// return type; with `at_start`, only if no string runs into it.
    fn string_at(data: &[u8], offset: i64, at_start: bool) -> Option<String> {
        let o = usize::try_from(offset).ok()?;
        if o >= data.len() || (at_start && o > 0 && data[o - 1] != 0) {
            return None;
        }
        let len = data[o..].iter().position(|&b| b == 0)?;
        let s = &data[o..o + len];
        let printable = s.iter().all(|&b| b > b' ' && b != 0x7F);
        (s.len() >= 3 && s[0] == b'P' && printable && s.contains(&b'_')).then(|| String::from_utf8_lossy(s).into_owned())
    }
}

/// The names libhl 1.17 exports (`runtime/libhl-exports.txt`): the ABI an
/// executable offers the shared libraries it loads.
pub fn libhl_exports() -> impl Iterator<Item = &'static str> {
    include_str!("../../../runtime/libhl-exports.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The global symbols `path` defines (used by tests and diagnostics).
pub fn defined_symbols(path: &Path) -> Result<HashSet<String>> {
    Ok(Library::read(path)?.symbols.into_keys().collect())
}
