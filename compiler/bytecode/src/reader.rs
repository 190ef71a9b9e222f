//! Decoding of HLB files into a [`Module`], with every index validated.
//!
//! The reader never trusts a count or an index: a count larger than the bytes
//! left cannot be satisfied and is rejected before anything is allocated, and
//! every index is checked against the table it addresses. Errors name the
//! section and the byte offset where decoding stopped.

use crate::opcodes::{Op, OP_COUNT};
use crate::*;
use std::fmt;

/// The part of the file being decoded when an error occurred.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Section {
    Header,
    Ints,
    Floats,
    Strings,
    Bytes,
    DebugFiles,
    Type(usize),
    Globals,
    Native(usize),
    Function(usize),
    Constant(usize),
    Trailer,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Section::Header => write!(f, "header"),
            Section::Ints => write!(f, "ints"),
            Section::Floats => write!(f, "floats"),
            Section::Strings => write!(f, "strings"),
            Section::Bytes => write!(f, "bytes"),
            Section::DebugFiles => write!(f, "debug files"),
            Section::Type(i) => write!(f, "types (type #{i})"),
            Section::Globals => write!(f, "globals"),
            Section::Native(i) => write!(f, "natives (native #{i})"),
            Section::Function(i) => write!(f, "functions (function #{i})"),
            Section::Constant(i) => write!(f, "constants (constant #{i})"),
            Section::Trailer => write!(f, "end of file"),
        }
    }
}

/// Why an HLB file could not be read.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("invalid HashLink bytecode: {message} (section: {section}, byte offset {offset} = {offset:#x})")]
#[diagnostic(
    code(hlc::bytecode),
    help("the file is not a complete HashLink module; rebuild it with `haxe -hl`")
)]
pub struct ReadError {
    pub section: Section,
    pub offset: usize,
    pub message: String,
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    section: Section,
}

impl<'a> Reader<'a> {
    fn error_at(&self, offset: usize, message: impl Into<String>) -> ReadError {
        ReadError { section: self.section.clone(), offset, message: message.into() }
    }

    fn error(&self, message: impl Into<String>) -> ReadError {
        self.error_at(self.pos, message)
    }

    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn byte(&mut self) -> Result<u8, ReadError> {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.error("unexpected end of file")),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ReadError> {
        if n > self.remaining() {
            return Err(self.error(format!(
                "unexpected end of file: {n} bytes needed, {} left",
                self.remaining()
            )));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn i32(&mut self) -> Result<i32, ReadError> {
        let b = self.take(4)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f64(&mut self) -> Result<f64, ReadError> {
        let b = self.take(8)?;
        Ok(f64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    /// HashLink's variable-length signed index (1, 2 or 4 bytes).
    fn index(&mut self) -> Result<i32, ReadError> {
        let b = self.byte()? as i32;
        if b & 0x80 == 0 {
            return Ok(b & 0x7F);
        }
        let v = if b & 0x40 == 0 {
            self.byte()? as i32 | ((b & 31) << 8)
        } else {
            let c = self.byte()? as i32;
            let d = self.byte()? as i32;
            let e = self.byte()? as i32;
            ((b & 31) << 24) | (c << 16) | (d << 8) | e
        };
        Ok(if b & 0x20 == 0 { v } else { -v })
    }

    fn uindex(&mut self) -> Result<u32, ReadError> {
        let at = self.pos;
        let v = self.index()?;
        if v < 0 {
            return Err(self.error_at(at, format!("negative value {v} where a count or index was expected")));
        }
        Ok(v as u32)
    }

    /// Reads a count of entries that each take at least `min_bytes` bytes.
    fn count(&mut self, what: &str, min_bytes: usize) -> Result<usize, ReadError> {
        let at = self.pos;
        let n = self.uindex()? as usize;
        self.check_count_at(at, what, n, min_bytes)?;
        Ok(n)
    }

    fn check_count_at(&self, at: usize, what: &str, n: usize, min_bytes: usize) -> Result<(), ReadError> {
        if n.saturating_mul(min_bytes) > self.remaining() {
            return Err(self.error_at(
                at,
                format!(
                    "{what} count {n} needs at least {} bytes, but only {} are left in the file",
                    n.saturating_mul(min_bytes),
                    self.remaining()
                ),
            ));
        }
        Ok(())
    }

    fn checked(&self, at: usize, what: &str, v: i32, len: usize) -> Result<u32, ReadError> {
        if v < 0 || v as usize >= len {
            return Err(self.error_at(at, format!("{what} index {v} out of range (0..{len})")));
        }
        Ok(v as u32)
    }
}

/// The table sizes every index is validated against.
struct Limits {
    version: u8,
    ints: usize,
    floats: usize,
    strings: usize,
    bytes: usize,
    types: usize,
    globals: usize,
    functions: usize,
    debug_files: usize,
}

impl Limits {
    fn fun_space(&self) -> usize {
        self.functions
    }
}

/// Decoding state for the operands of one op; used by the opcode table.
pub struct OpDecoder<'r, 'a> {
    r: &'r mut Reader<'a>,
    limits: &'r Limits,
    nregs: usize,
    op_index: usize,
    nops: usize,
    op_start: usize,
}

impl OpDecoder<'_, '_> {
    pub fn index(&mut self) -> Result<i32, ReadError> {
        self.r.index()
    }
    pub fn uindex(&mut self) -> Result<u32, ReadError> {
        self.r.uindex()
    }
    pub fn byte(&mut self) -> Result<u8, ReadError> {
        self.r.byte()
    }
    pub fn error(&self, message: String) -> ReadError {
        self.r.error_at(self.op_start, format!("op #{}: {message}", self.op_index))
    }
    fn check(&self, what: &str, v: i32, len: usize) -> Result<u32, ReadError> {
        if v < 0 || v as usize >= len {
            return Err(self.error(format!("{what} index {v} out of range (0..{len})")));
        }
        Ok(v as u32)
    }
    pub fn check_count(&self, n: usize, min_bytes: usize) -> Result<(), ReadError> {
        if n.saturating_mul(min_bytes) > self.r.remaining() {
            return Err(self.error(format!("count {n} is larger than the bytes left in the file")));
        }
        Ok(())
    }
    pub fn check_reg(&self, v: i32) -> Result<u32, ReadError> {
        self.check("register", v, self.nregs)
    }
    pub fn check_int(&self, v: i32) -> Result<u32, ReadError> {
        self.check("int constant", v, self.limits.ints)
    }
    pub fn check_float(&self, v: i32) -> Result<u32, ReadError> {
        self.check("float constant", v, self.limits.floats)
    }
    pub fn check_string(&self, v: i32) -> Result<u32, ReadError> {
        self.check("string", v, self.limits.strings)
    }
    pub fn check_bytes(&self, v: i32) -> Result<u32, ReadError> {
        // Before HLB v5, `OBytes` addresses the string table.
        if self.limits.version >= 5 {
            self.check("bytes constant", v, self.limits.bytes)
        } else {
            self.check("string", v, self.limits.strings)
        }
    }
    pub fn check_global(&self, v: i32) -> Result<u32, ReadError> {
        self.check("global", v, self.limits.globals)
    }
    pub fn check_fun(&self, v: i32) -> Result<u32, ReadError> {
        self.check("function", v, self.limits.fun_space())
    }
    pub fn check_type(&self, v: i32) -> Result<u32, ReadError> {
        self.check("type", v, self.limits.types)
    }
    pub fn check_non_negative(&self, v: i32) -> Result<u32, ReadError> {
        if v < 0 {
            return Err(self.error(format!("negative field or constructor index {v}")));
        }
        Ok(v as u32)
    }
    pub fn check_jump(&self, offset: i64) -> Result<(), ReadError> {
        let target = self.op_index as i64 + 1 + offset;
        if target < 0 || target > self.nops as i64 {
            return Err(self.error(format!(
                "jump offset {offset} lands outside the function (target {target}, {} ops)",
                self.nops
            )));
        }
        Ok(())
    }
}

/// Reads a complete HLB module from `data`.
pub fn read_module(data: &[u8]) -> Result<Module, ReadError> {
    read_module_and_code_span(data).map(|(m, _)| m)
}

/// The HLB file `data` with every function's body removed: each function
/// keeps its type and index, and has no registers, ops, debug positions or
/// assigns; every other section is copied as it is. It reads as a valid
/// module whose declarations (types, globals, natives, strings, constants,
/// function types) are those of `data`: what an executable's runtime needs
/// at start-up, its code being compiled already. `data` is checked whole.
pub fn without_code(data: &[u8]) -> Result<Vec<u8>, ReadError> {
    let (m, span) = read_module_and_code_span(data)?;
    let mut out = Vec::with_capacity(span.start + 8 * m.functions.len() + (data.len() - span.end));
    out.extend_from_slice(&data[..span.start]);
    for f in &m.functions {
        write_index(&mut out, f.ty.0 as i32);
        write_index(&mut out, f.findex.0 as i32);
        // No registers and no ops; so no debug positions either.
        write_index(&mut out, 0);
        write_index(&mut out, 0);
        if m.has_debug() && m.version >= 3 {
            write_index(&mut out, 0); // no assigns
        }
    }
    out.extend_from_slice(&data[span.end..]);
    Ok(out)
}

/// HLB's variable-length integer, as [`Reader::index`] reads it.
fn write_index(out: &mut Vec<u8>, v: i32) {
    let (neg, a) = (v < 0, v.unsigned_abs());
    let sign = if neg { 0x20 } else { 0 };
    if !neg && a < 0x80 {
        out.push(a as u8);
    } else if a < 0x2000 {
        out.extend_from_slice(&[0x80 | sign | (a >> 8) as u8, a as u8]);
    } else {
        assert!(a < 0x2000_0000, "HLB cannot encode {v}");
        out.extend_from_slice(&[0xC0 | sign | (a >> 24) as u8, (a >> 16) as u8, (a >> 8) as u8, a as u8]);
    }
}

/// The module and the byte range of its functions section.
fn read_module_and_code_span(data: &[u8]) -> Result<(Module, std::ops::Range<usize>), ReadError> {
    let mut r = Reader { data, pos: 0, section: Section::Header };
    if data.len() < 3 || &data[..3] != b"HLB" {
        return Err(r.error("not a HashLink bytecode file (missing `HLB` signature)"));
    }
    r.pos = 3;
    let version = r.byte()?;
    if !(MIN_VERSION..=MAX_VERSION).contains(&version) {
        return Err(r.error_at(
            3,
            format!("unsupported HLB version {version} (supported: {MIN_VERSION} to {MAX_VERSION})"),
        ));
    }
    let flags = r.uindex()?;
    let nints = r.uindex()? as usize;
    let nfloats = r.uindex()? as usize;
    let nstrings = r.uindex()? as usize;
    let nbytes = if version >= 5 { r.uindex()? as usize } else { 0 };
    let ntypes = r.uindex()? as usize;
    let nglobals = r.uindex()? as usize;
    let nnatives = r.uindex()? as usize;
    let nfunctions = r.uindex()? as usize;
    let nconstants = if version >= 4 { r.uindex()? as usize } else { 0 };
    let entry_at = r.pos;
    let entrypoint = r.uindex()?;

    // Each table entry takes at least one byte; reject impossible counts now.
    for (what, n, min) in [
        ("int", nints, 4),
        ("float", nfloats, 8),
        ("string", nstrings, 1),
        ("bytes", nbytes, 1),
        ("type", ntypes, 1),
        ("global", nglobals, 1),
        ("native", nnatives, 4),
        ("function", nfunctions, 4),
        ("constant", nconstants, 2),
    ] {
        r.check_count_at(entry_at, what, n, min)?;
    }
    let total_funs = nfunctions + nnatives;
    r.checked(entry_at, "entrypoint function", entrypoint as i32, total_funs)?;

    let mut m = Module { version, flags, entrypoint: FunIdx(entrypoint), ..Module::default() };

    r.section = Section::Ints;
    m.ints = (0..nints).map(|_| r.i32()).collect::<Result<_, _>>()?;
    r.section = Section::Floats;
    m.floats = (0..nfloats).map(|_| r.f64()).collect::<Result<_, _>>()?;
    r.section = Section::Strings;
    m.strings = read_strings(&mut r, nstrings)?;
    if version >= 5 {
        r.section = Section::Bytes;
        m.bytes = read_bytes(&mut r, nbytes)?;
    }
    if m.has_debug() {
        r.section = Section::DebugFiles;
        let n = r.count("debug file", 1)?;
        m.debug_files = read_strings(&mut r, n)?;
    }

    let limits = Limits {
        version,
        ints: nints,
        floats: nfloats,
        strings: nstrings,
        bytes: nbytes,
        types: ntypes,
        globals: nglobals,
        functions: total_funs,
        debug_files: m.debug_files.len(),
    };

    m.types = Vec::with_capacity(ntypes);
    for i in 0..ntypes {
        r.section = Section::Type(i);
        m.types.push(read_type(&mut r, &limits)?);
    }

    r.section = Section::Globals;
    m.globals = (0..nglobals).map(|_| type_ref(&mut r, &limits)).collect::<Result<_, _>>()?;

    m.natives = Vec::with_capacity(nnatives);
    for i in 0..nnatives {
        r.section = Section::Native(i);
        let lib_at = r.pos;
        let lib = string_ref(&mut r, &limits)?;
        let name = string_ref(&mut r, &limits)?;
        // The library and name make a C symbol (`lib_name`), which cannot hold NUL.
        if m.strings[lib.idx()].contains(&0) || m.strings[name.idx()].contains(&0) {
            return Err(r.error_at(lib_at, "the native's library or name contains a NUL byte"));
        }
        let ty = type_ref(&mut r, &limits)?;
        let findex = fun_ref(&mut r, &limits)?;
        m.natives.push(Native { lib, name, ty, findex });
    }

    m.functions = Vec::with_capacity(nfunctions);
    let code_start = r.pos;
    for i in 0..nfunctions {
        r.section = Section::Function(i);
        let f = read_function(&mut r, &limits, m.has_debug())?;
        m.functions.push(f);
    }
    let code_span = code_start..r.pos;

    m.constants = Vec::with_capacity(nconstants);
    for i in 0..nconstants {
        r.section = Section::Constant(i);
        let at = r.pos;
        let g = r.uindex()?;
        let global = GlobalIdx(r.checked(at, "global", g as i32, nglobals)?);
        let n = r.count("constant field", 1)?;
        let fields = (0..n).map(|_| r.uindex()).collect::<Result<_, _>>()?;
        m.constants.push(Constant { global, fields });
    }

    r.section = Section::Trailer;
    if r.remaining() != 0 {
        return Err(r.error(format!("{} unexpected bytes after the last section", r.remaining())));
    }
    check_function_indexes(&m, &r)?;
    Ok((m, code_span))
}

/// Every function index must name exactly one function or native.
fn check_function_indexes(m: &Module, r: &Reader<'_>) -> Result<(), ReadError> {
    let total = m.functions.len() + m.natives.len();
    let mut seen = vec![false; total];
    let indexes = m
        .functions
        .iter()
        .map(|f| (f.findex, "function"))
        .chain(m.natives.iter().map(|n| (n.findex, "native")));
    for (f, what) in indexes {
        if std::mem::replace(&mut seen[f.idx()], true) {
            return Err(r.error(format!("function index {} is defined twice (second time by a {what})", f.0)));
        }
    }
    Ok(())
}

fn read_strings(r: &mut Reader<'_>, n: usize) -> Result<Vec<Box<[u8]>>, ReadError> {
    let at = r.pos;
    let size = r.i32()?;
    if size < 0 || size as usize > r.remaining() {
        return Err(r.error_at(at, format!("string block size {size} exceeds the {} bytes left", r.remaining())));
    }
    let blob_at = r.pos;
    let blob = r.take(size as usize)?;
    r.check_count_at(r.pos, "string", n, 1)?;
    let mut out = Vec::with_capacity(n);
    let mut cursor = 0usize;
    for i in 0..n {
        let len_at = r.pos;
        let len = r.uindex()? as usize;
        let end = cursor.checked_add(len).filter(|&e| e < blob.len());
        match end {
            Some(end) if blob[end] == 0 => {
                out.push(blob[cursor..end].into());
                cursor = end + 1;
            }
            _ => {
                return Err(r.error_at(
                    len_at,
                    format!(
                        "string #{i} (length {len}, at block offset {}) does not end with NUL inside the {}-byte block starting at byte {blob_at}",
                        cursor,
                        blob.len()
                    ),
                ))
            }
        }
    }
    Ok(out)
}

fn read_bytes(r: &mut Reader<'_>, n: usize) -> Result<Vec<Box<[u8]>>, ReadError> {
    let at = r.pos;
    let size = r.i32()?;
    if size < 0 || size as usize > r.remaining() {
        return Err(r.error_at(at, format!("bytes block size {size} exceeds the {} bytes left", r.remaining())));
    }
    let blob = r.take(size as usize)?;
    r.check_count_at(r.pos, "bytes", n, 1)?;
    let mut positions = Vec::with_capacity(n);
    for _ in 0..n {
        let p_at = r.pos;
        let p = r.uindex()? as usize;
        if p > blob.len() || positions.last().is_some_and(|&(_, last)| p < last) {
            return Err(r.error_at(p_at, format!("bytes position {p} is outside the {}-byte block or out of order", blob.len())));
        }
        positions.push((p_at, p));
    }
    let mut out = Vec::with_capacity(n);
    for (i, &(_, start)) in positions.iter().enumerate() {
        let end = positions.get(i + 1).map_or(blob.len(), |&(_, e)| e);
        out.push(blob[start..end].into());
    }
    Ok(out)
}

fn type_ref(r: &mut Reader<'_>, l: &Limits) -> Result<TypeIdx, ReadError> {
    let at = r.pos;
    let v = r.index()?;
    r.checked(at, "type", v, l.types).map(TypeIdx)
}

fn string_ref(r: &mut Reader<'_>, l: &Limits) -> Result<StrIdx, ReadError> {
    let at = r.pos;
    let v = r.index()?;
    r.checked(at, "string", v, l.strings).map(StrIdx)
}

fn fun_ref(r: &mut Reader<'_>, l: &Limits) -> Result<FunIdx, ReadError> {
    let at = r.pos;
    let v = r.index()?;
    r.checked(at, "function", v, l.functions).map(FunIdx)
}

/// Reads an optional global stored as `index + 1` (0 = none).
fn global_plus_one(r: &mut Reader<'_>, l: &Limits) -> Result<Option<GlobalIdx>, ReadError> {
    let at = r.pos;
    let g = r.uindex()?;
    if g == 0 {
        return Ok(None);
    }
    r.checked(at, "global", g as i32 - 1, l.globals).map(|g| Some(GlobalIdx(g)))
}

fn fields(r: &mut Reader<'_>, l: &Limits, n: usize) -> Result<Vec<ObjField>, ReadError> {
    (0..n)
        .map(|_| Ok(ObjField { name: string_ref(r, l)?, ty: type_ref(r, l)? }))
        .collect()
}

fn read_type(r: &mut Reader<'_>, l: &Limits) -> Result<Type, ReadError> {
    let kind_at = r.pos;
    let kind = r.byte()?;
    Ok(match kind {
        0 => Type::Void,
        1 => Type::U8,
        2 => Type::U16,
        3 => Type::I32,
        4 => Type::I64,
        5 => Type::F32,
        6 => Type::F64,
        7 => Type::Bool,
        8 => Type::Bytes,
        9 => Type::Dyn,
        10 | 20 => {
            let nargs = r.byte()? as usize;
            let args = (0..nargs).map(|_| type_ref(r, l)).collect::<Result<_, _>>()?;
            let ret = type_ref(r, l)?;
            let ft = FunType { args, ret };
            if kind == 10 {
                Type::Fun(ft)
            } else {
                Type::Method(ft)
            }
        }
        11 | 21 => {
            let name = string_ref(r, l)?;
            let super_at = r.pos;
            let sup = r.index()?;
            let super_ = if sup < 0 { None } else { Some(TypeIdx(r.checked(super_at, "super type", sup, l.types)?)) };
            let global = global_plus_one(r, l)?;
            let nfields = r.count("field", 2)?;
            let nprotos = r.count("method", 3)?;
            let nbindings = r.count("binding", 2)?;
            let fields = fields(r, l, nfields)?;
            let mut protos = Vec::with_capacity(nprotos);
            for _ in 0..nprotos {
                let name = string_ref(r, l)?;
                let at = r.pos;
                let f = r.uindex()?;
                let findex = FunIdx(r.checked(at, "function", f as i32, l.functions)?);
                let pindex = r.index()?;
                protos.push(ObjProto { name, findex, pindex });
            }
            let mut bindings = Vec::with_capacity(nbindings);
            for _ in 0..nbindings {
                let field = FieldIdx(r.uindex()?);
                let at = r.pos;
                let f = r.uindex()?;
                let findex = FunIdx(r.checked(at, "function", f as i32, l.functions)?);
                bindings.push((field, findex));
            }
            let o = ObjType { name, super_, global, fields, protos, bindings };
            if kind == 11 {
                Type::Obj(o)
            } else {
                Type::Struct(o)
            }
        }
        12 => Type::Array,
        13 => Type::Type,
        14 => Type::Ref(type_ref(r, l)?),
        15 => {
            let n = r.count("virtual field", 2)?;
            Type::Virtual(VirtualType { fields: fields(r, l, n)? })
        }
        16 => Type::DynObj,
        17 => Type::Abstract(string_ref(r, l)?),
        18 => {
            let name = string_ref(r, l)?;
            let global = global_plus_one(r, l)?;
            let n = r.count("enum constructor", 2)?;
            let mut constructs = Vec::with_capacity(n);
            for _ in 0..n {
                let name = string_ref(r, l)?;
                let np = r.count("constructor parameter", 1)?;
                let params = (0..np).map(|_| type_ref(r, l)).collect::<Result<_, _>>()?;
                constructs.push(EnumConstruct { name, params });
            }
            Type::Enum(EnumType { name, global, constructs })
        }
        19 => Type::Null(type_ref(r, l)?),
        22 => Type::Packed(type_ref(r, l)?),
        23 => Type::Guid,
        k => return Err(r.error_at(kind_at, format!("invalid type kind {k}"))),
    })
}

fn read_function(r: &mut Reader<'_>, l: &Limits, has_debug: bool) -> Result<Function, ReadError> {
    let ty = type_ref(r, l)?;
    let findex = fun_ref(r, l)?;
    let nregs = r.count("register", 1)?;
    let nops = r.count("op", 1)?;
    let regs: Vec<TypeIdx> = (0..nregs).map(|_| type_ref(r, l)).collect::<Result<_, _>>()?;
    let mut ops = Vec::with_capacity(nops);
    for op_index in 0..nops {
        let op_start = r.pos;
        let code = r.byte()?;
        if code >= OP_COUNT {
            return Err(r.error_at(op_start, format!("op #{op_index}: invalid opcode {code}")));
        }
        let mut d = OpDecoder { r: &mut *r, limits: l, nregs, op_index, nops, op_start };
        ops.push(Op::decode(code, &mut d)?);
    }
    let mut debug = Vec::new();
    let mut assigns = Vec::new();
    if has_debug {
        debug = read_debug_positions(r, l, nops)?;
        if l.version >= 3 {
            let n = r.count("assign", 2)?;
            assigns.reserve(n);
            for _ in 0..n {
                let name = string_ref(r, l)?;
                let pos = r.index()?;
                assigns.push((name, pos));
            }
        }
    }
    Ok(Function { ty, findex, regs, ops, debug, assigns })
}

/// Decodes HashLink's delta-compressed per-op (file, line) table.
fn read_debug_positions(r: &mut Reader<'_>, l: &Limits, nops: usize) -> Result<Vec<DebugPos>, ReadError> {
    let mut out = Vec::with_capacity(nops);
    let mut file: Option<FileIdx> = None;
    let mut line: u32 = 0;
    while out.len() < nops {
        let at = r.pos;
        let c = r.byte()? as u32;
        if c & 1 != 0 {
            let f = ((c >> 1) << 8) | r.byte()? as u32;
            if f as usize >= l.debug_files {
                return Err(r.error_at(at, format!("debug file index {f} out of range (0..{})", l.debug_files)));
            }
            file = Some(FileIdx(f));
        } else if c & 2 != 0 {
            let delta = c >> 6;
            let count = ((c >> 2) & 15) as usize;
            if out.len() + count > nops {
                return Err(r.error_at(at, format!("debug positions run past the function's {nops} ops")));
            }
            out.extend(std::iter::repeat_n(DebugPos { file, line }, count));
            line = line.wrapping_add(delta);
        } else if c & 4 != 0 {
            line = line.wrapping_add(c >> 3);
            out.push(DebugPos { file, line });
        } else {
            let b2 = r.byte()? as u32;
            let b3 = r.byte()? as u32;
            line = (c >> 3) | (b2 << 5) | (b3 << 13);
            out.push(DebugPos { file, line });
        }
    }
    Ok(out)
}
