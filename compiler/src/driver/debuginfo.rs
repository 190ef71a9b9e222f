//! What an executable tells debuggers and profilers about its HL code:
//! every HL function's symbol carries HashLink's name for it (`$Main.main`,
//! `Main.~update.0`, `fun$12`: [`hlbc::names::FunctionNames::hl_name`], the
//! names stack traces print), and DWARF maps the machine code back to `.hx`
//! files and lines:
//!
//! - `.debug_line`: one sequence per function, a row wherever the source
//!   position of the op being executed changes (Cranelift's source location
//!   of each instruction is its op index, [`hlbc::codemap`]; the op's
//!   position comes from the bytecode's debug information);
//! - `.debug_info`: one compile unit (named after the `.hl` file) with a
//!   subprogram per function (name, code range, declaration line);
//! - `.debug_frame`: Cranelift's unwind information, so debuggers unwind
//!   HL frames exactly (frame pointers alone would also do).
//!
//! The sections are written with gimli's writer into relocatable ELF
//! sections: addresses are relocations against the function symbols, and
//! offsets into other debug sections are relocations against those
//! sections, so the linker can merge them with the runtime's own DWARF.
//! `--release` leaves them out (and the linker strips the symbols).

use crate::lower::CompiledFunction;
use cranelift_codegen::gimli::write::{
    Address, AttributeValue, DwarfUnit, EndianVec, FileId, FrameTable, LineProgram, LineString, Range, RangeList,
    RelocateWriter, Relocation as DwarfReloc, RelocationTarget, Sections,
};
use cranelift_codegen::gimli::{self, Encoding, Format, LineEncoding, RunTimeEndian, SectionId};
use cranelift_codegen::isa::unwind::UnwindInfo;
use cranelift_codegen::isa::TargetIsa;
use cranelift_object::object::write::{Object, Relocation, SymbolId};
use cranelift_object::object::{BinaryFormat, RelocationEncoding, RelocationFlags, RelocationKind, SectionKind};
use cranelift_object::ObjectProduct;
use hlbc::names::FunctionNames;
use hlbc::Module;
use miette::{miette, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where the program came from, for the compile unit: the `.hl` file, and
/// the directory relative `.hx` paths are taken from (the `.hl` file's, as
/// Haxe is usually run where it writes its output).
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub dir: PathBuf,
}

impl Source {
    /// The compile unit for the `.hl` file at `path`.
    pub fn of(path: &Path) -> Source {
        let abs = std::fs::canonicalize(path).or_else(|_| std::path::absolute(path)).unwrap_or_else(|_| path.to_path_buf());
        let dir = abs.parent().map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        let name = abs.file_name().map_or_else(|| "main.hl".into(), |n| n.to_string_lossy().into_owned());
        Source { name, dir }
    }
}

/// Renames the symbol of every HL function (`hlc_f<findex>` while
/// compiling) to HashLink's name for it. The symbols stay local: names may
/// repeat, and relocations refer to symbols, not names.
pub fn name_functions(product: &mut ObjectProduct, m: &Module, names: &FunctionNames, compiled: &[CompiledFunction]) {
    for (fi, c) in compiled.iter().enumerate() {
        let sym = product.function_symbol(c.id);
        product.object.symbol_mut(sym).name = symbol_name(m, names, fi);
    }
}

/// HashLink's name for function `fi` as a symbol or DWARF name: NUL-free
/// (the names come from the file's strings, which may hold NUL bytes; the
/// object writer and DWARF strings end at NUL), each NUL written as `?`.
fn symbol_name(m: &Module, names: &FunctionNames, fi: usize) -> Vec<u8> {
    let mut name = names.hl_name(m, fi).into_bytes();
    for b in name.iter_mut().filter(|b| **b == 0) {
        *b = b'?';
    }
    name
}

/// A section's bytes and the relocations gimli asked for.
#[derive(Clone)]
struct Section {
    data: EndianVec<RunTimeEndian>,
    relocs: Vec<DwarfReloc>,
}

impl RelocateWriter for Section {
    type Writer = EndianVec<RunTimeEndian>;
    fn writer(&self) -> &Self::Writer {
        &self.data
    }
    fn writer_mut(&mut self) -> &mut Self::Writer {
        &mut self.data
    }
    fn relocate(&mut self, relocation: DwarfReloc) {
        self.relocs.push(relocation);
    }
}

/// Adds `.debug_line`, `.debug_info` (with `.debug_abbrev`, `.debug_str`,
/// `.debug_ranges`) and `.debug_frame` for the functions of `compiled`
/// (indexed like `Module::functions`) to the object. ELF objects only; other
/// formats get symbols but no DWARF.
pub fn write_dwarf(
    product: &mut ObjectProduct,
    m: &Module,
    names: &FunctionNames,
    compiled: &[CompiledFunction],
    isa: &dyn TargetIsa,
    source: &Source,
) -> Result<()> {
    if product.object.format() != BinaryFormat::Elf {
        return Ok(());
    }
    // gimli's relocations name symbols by number: positions in `symbols`.
    let symbols: Vec<SymbolId> = compiled.iter().map(|c| product.function_symbol(c.id)).collect();
    let encoding = Encoding { format: Format::Dwarf32, version: 4, address_size: isa.pointer_bytes() };
    let mut dwarf = DwarfUnit::new(encoding);
    let dir_bytes = |p: &Path| p.to_string_lossy().into_owned().into_bytes();
    dwarf.unit.line_program = LineProgram::new(
        encoding,
        LineEncoding::default(),
        LineString::String(dir_bytes(&source.dir)),
        None,
        LineString::String(source.name.clone().into_bytes()),
        None,
    );
    let mut files: HashMap<usize, FileId> = HashMap::new();
    let mut ranges = Vec::with_capacity(compiled.len());
    let root = dwarf.unit.root();
    let mut subprograms = Vec::with_capacity(compiled.len());
    for (fi, c) in compiled.iter().enumerate() {
        let fun = &m.functions[fi];
        let start = Address::Symbol { symbol: fi, addend: 0 };
        let size = c.map.code_size as u64;
        ranges.push(Range::StartLength { begin: start, length: size });
        // The position of each op that starts code, in code order.
        let mut rows: Vec<(u32, usize, u32)> = Vec::new();
        for &(offset, op) in &c.map.locs {
            let Some(pos) = fun.debug.get(op as usize) else { continue };
            let (Some(file), line) = (pos.file, pos.line) else { continue };
            if line == 0 || rows.last().is_some_and(|r| (r.1, r.2) == (file.idx(), line)) {
                continue;
            }
            rows.push((offset, file.idx(), line));
        }
        let first = rows.iter().min_by_key(|r| r.0).copied();
        let lp = &mut dwarf.unit.line_program;
        let mut file_id = |lp: &mut LineProgram, f: usize| -> Option<FileId> {
            if let Some(&id) = files.get(&f) {
                return Some(id);
            }
            let path = m.debug_files.get(f)?;
            let path = String::from_utf8_lossy(path).into_owned();
            if path.is_empty() || path.contains('\0') {
                return None;
            }
            let (dir, base) = match path.rfind('/') {
                Some(i) if i > 0 => (lp.add_directory(LineString::String(path.as_bytes()[..i].to_vec())), &path[i + 1..]),
                _ => (lp.default_directory(), path.as_str()),
            };
            let base = if base.is_empty() { path.as_str() } else { base };
            let id = lp.add_file(LineString::String(base.as_bytes().to_vec()), dir, None);
            files.insert(f, id);
            Some(id)
        };
        if size > 0 {
            lp.begin_sequence(Some(start));
            // The prologue belongs to the function's first line.
            if let Some((_, file, line)) = first.filter(|r| r.0 > 0) {
                if let Some(id) = file_id(lp, file) {
                    let row = lp.row();
                    (row.address_offset, row.file, row.line) = (0, id, line as u64);
                    lp.generate_row();
                }
            }
            for &(offset, file, line) in &rows {
                let Some(id) = file_id(lp, file) else { continue };
                let row = lp.row();
                (row.address_offset, row.file, row.line) = (offset as u64, id, line as u64);
                lp.generate_row();
            }
            lp.end_sequence(size);
        }
        let decl = match first {
            Some((_, file, line)) => file_id(lp, file).map(|id| (id, line)),
            None => None,
        };
        subprograms.push((fi, start, size, decl));
    }
    for (fi, start, size, decl) in subprograms {
        let id = dwarf.unit.add(root, gimli::DW_TAG_subprogram);
        let entry = dwarf.unit.get_mut(id);
        entry.set(gimli::DW_AT_name, AttributeValue::String(symbol_name(m, names, fi)));
        entry.set(gimli::DW_AT_low_pc, AttributeValue::Address(start));
        entry.set(gimli::DW_AT_high_pc, AttributeValue::Udata(size));
        entry.set(gimli::DW_AT_frame_base, AttributeValue::Exprloc(frame_base()));
        if let Some((file, line)) = decl {
            entry.set(gimli::DW_AT_decl_file, AttributeValue::FileIndex(Some(file)));
            entry.set(gimli::DW_AT_decl_line, AttributeValue::Udata(line as u64));
        }
    }
    let ranges = dwarf.unit.ranges.add(RangeList(ranges));
    let entry = dwarf.unit.get_mut(root);
    entry.set(gimli::DW_AT_producer, AttributeValue::String(format!("hlc {}", env!("CARGO_PKG_VERSION")).into_bytes()));
    entry.set(gimli::DW_AT_name, AttributeValue::String(source.name.clone().into_bytes()));
    entry.set(gimli::DW_AT_comp_dir, AttributeValue::String(dir_bytes(&source.dir)));
    entry.set(gimli::DW_AT_low_pc, AttributeValue::Address(Address::Constant(0)));
    entry.set(gimli::DW_AT_ranges, AttributeValue::RangeListRef(ranges));

    let endian = match isa.endianness() {
        cranelift_codegen::ir::Endianness::Little => RunTimeEndian::Little,
        cranelift_codegen::ir::Endianness::Big => RunTimeEndian::Big,
    };
    let mut sections = Sections::new(Section { data: EndianVec::new(endian), relocs: Vec::new() });
    let err = |e: gimli::write::Error| miette!("cannot write debug information: {e}");
    dwarf.write(&mut sections).map_err(err)?;
    if let Some(cie) = isa.create_systemv_cie() {
        let mut frames = FrameTable::default();
        let cie = frames.add_cie(cie);
        for (fi, c) in compiled.iter().enumerate() {
            if let Some(UnwindInfo::SystemV(u)) = &c.unwind {
                frames.add_fde(cie, u.to_fde(Address::Symbol { symbol: fi, addend: 0 }));
            }
        }
        frames.write_debug_frame(&mut sections.debug_frame).map_err(err)?;
    }
    add_sections(&mut product.object, &sections, &symbols)
}

/// `DW_AT_frame_base`: the canonical frame address.
fn frame_base() -> gimli::write::Expression {
    let mut e = gimli::write::Expression::new();
    e.op(gimli::DW_OP_call_frame_cfa);
    e
}

/// Copies the non-empty sections into the object, then their relocations.
fn add_sections(obj: &mut Object, sections: &Sections<Section>, symbols: &[SymbolId]) -> Result<()> {
    let mut ids: HashMap<SectionId, cranelift_object::object::write::SectionId> = HashMap::new();
    sections
        .for_each(|id, s| -> Result<()> {
            if !s.data.slice().is_empty() {
                let sid = obj.add_section(Vec::new(), id.name().as_bytes().to_vec(), SectionKind::Debug);
                obj.set_section_data(sid, s.data.slice().to_vec(), 1);
                ids.insert(id, sid);
            }
            Ok(())
        })?;
    sections.for_each(|id, s| -> Result<()> {
        let Some(&sid) = ids.get(&id) else { return Ok(()) };
        for r in &s.relocs {
            let symbol = match r.target {
                RelocationTarget::Symbol(i) => symbols[i],
                RelocationTarget::Section(target) => {
                    let target = *ids.get(&target).ok_or_else(|| miette!("debug section {} is empty", target.name()))?;
                    obj.section_symbol(target)
                }
            };
            let flags = RelocationFlags::Generic { kind: RelocationKind::Absolute, encoding: RelocationEncoding::Generic, size: r.size * 8 };
            obj.add_relocation(sid, Relocation { offset: r.offset as u64, symbol, addend: r.addend, flags })
                .map_err(|e| miette!("cannot relocate debug information: {e}"))?;
        }
        Ok(())
    })
}
