//! Memory layouts: the one place that decides where every field of every
//! HashLink value lives. The compiler uses it to emit inline field accesses;
//! the runtime uses it to build `hl_runtime_obj`, enum and virtual tables, so
//! both always agree. The rules are HashLink's (`hl_get_obj_rt`,
//! `hl_init_enum`, `hl_init_virtual`, module globals), parameterised by the
//! target's pointer size.

use crate::*;

/// Target facts the layouts depend on.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Pointer size in bytes (8 on the supported 64-bit targets).
    pub ptr: u32,
}

impl Target {
    pub const HOST: Target = Target { ptr: std::mem::size_of::<usize>() as u32 };
}

/// Fixed offsets of the runtime's C structures (`hl.h`), for a target.
#[derive(Copy, Clone, Debug)]
pub struct Abi {
    pub ptr: u32,
}

/// The fields of `hlc_program`, the descriptor generated code hands the
/// runtime (`runtime/src/module.rs`), in order; each is pointer-sized.
#[derive(Copy, Clone, Debug)]
pub enum ProgramField {
    /// `u32` [`PROGRAM_ABI_VERSION`] (in a pointer-sized slot).
    AbiVersion,
    Bytecode,
    BytecodeLen,
    Types,
    Globals,
    Functions,
    NFunctions,
    Entry,
    Debug,
    DebugLen,
    /// What start-up reads instead of the bytecode (`crate::declarations`).
    Declarations,
    DeclarationsLen,
}

/// Bumped whenever `hlc_program` changes, so a mismatched runtime is caught.
pub const PROGRAM_ABI_VERSION: u32 = 2;

impl Abi {
    pub const HOST: Abi = Abi { ptr: Target::HOST.ptr };

    pub const fn new(t: Target) -> Abi {
        Abi { ptr: t.ptr }
    }
    /// `offsetof(hlc_program, field)`.
    pub const fn program_field(&self, f: ProgramField) -> u32 {
        f as u32 * self.ptr
    }
    /// `sizeof(hlc_program)`.
    pub const fn program_size(&self) -> u32 {
        (ProgramField::DeclarationsLen as u32 + 1) * self.ptr
    }
    /// `offsetof(hl_thread_info, trap_current)`: after `thread_id`, `gc_blocking`, `stack_top`, `stack_cur`.
    pub const fn thread_trap_current(&self) -> u32 {
        8 + 2 * self.ptr
    }
    /// `offsetof(hl_thread_info, exc_value)`: after `trap_uncaught` and `exc_handler`.
    pub const fn thread_exc_value(&self) -> u32 {
        self.thread_trap_current() + 3 * self.ptr
    }
    /// `sizeof(hl_type)`: kind, union pointer, `vobj_proto`, `mark_bits`.
    pub const fn type_size(&self) -> u32 {
        4 * self.ptr
    }
    /// `offsetof(hl_type, vobj_proto)`.
    pub const fn type_vobj_proto(&self) -> u32 {
        2 * self.ptr
    }
    /// `offsetof(vdynamic, v)`.
    pub const fn dyn_value(&self) -> u32 {
        if self.ptr > 8 { self.ptr } else { 8 }
    }
    /// `sizeof(varray)`: the element data follows the header.
    pub const fn array_header(&self) -> u32 {
        2 * self.ptr + 8
    }
    /// `offsetof(varray, size)`.
    pub const fn array_size(&self) -> u32 {
        2 * self.ptr
    }
    /// `offsetof(varray, at)`.
    pub const fn array_type(&self) -> u32 {
        self.ptr
    }
    /// `offsetof(vclosure, fun)`, `hasValue`, `value`.
    pub const fn closure_fun(&self) -> u32 {
        self.ptr
    }
    pub const fn closure_has_value(&self) -> u32 {
        2 * self.ptr
    }
    pub const fn closure_value(&self) -> u32 {
        2 * self.ptr + if self.ptr == 8 { 8 } else { 4 }
    }
    /// `offsetof(venum, index)`.
    pub const fn enum_index(&self) -> u32 {
        self.ptr
    }
    /// `offsetof(vvirtual, value)`; the field pointers start at `virtual_fields`.
    pub const fn virtual_value(&self) -> u32 {
        self.ptr
    }
    pub const fn virtual_fields(&self) -> u32 {
        3 * self.ptr
    }
}

/// `hl_type_size`: bytes a value of this kind takes in a field or register.
pub fn kind_size(t: &Type, target: Target) -> u32 {
    match t {
        Type::Void | Type::Packed(_) => 0,
        Type::U8 | Type::Bool => 1,
        Type::U16 => 2,
        Type::I32 | Type::F32 => 4,
        Type::I64 | Type::F64 | Type::Guid => 8,
        _ => target.ptr,
    }
}

/// `hl_pad_struct`: padding needed before a field of type `t` at offset `size`.
pub fn pad_for(size: u32, t: &Type, target: Target) -> u32 {
    let align = match t {
        Type::Void => return 0,
        Type::U8 | Type::Bool => 1,
        Type::U16 => 2,
        Type::I32 | Type::F32 => 4,
        Type::I64 | Type::F64 | Type::Guid => 8,
        _ => target.ptr,
    };
    size.wrapping_neg() & (align - 1)
}

/// `hl_is_ptr`: whether values of this type are (possibly GC) pointers.
pub fn is_ptr(t: &Type) -> bool {
    !matches!(
        t,
        Type::Void | Type::U8 | Type::U16 | Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::Bool | Type::Guid
    )
}

/// `hl_is_dynamic`: whether values of this type carry their type at run time.
pub fn is_dynamic(t: &Type) -> bool {
    matches!(
        t,
        Type::Dyn | Type::Fun(_) | Type::Obj(_) | Type::Array | Type::Virtual(_) | Type::DynObj | Type::Enum(_) | Type::Null(_)
    )
}

/// The runtime layout of an object (or struct) type, super chain included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjLayout {
    /// Byte offset of every field, the super chain's first (`fields_indexes`).
    pub field_offsets: Vec<u32>,
    /// Total size, padded to the largest field.
    pub size: u32,
    pub pad_size: u32,
    pub largest_field: u32,
    /// Whether any field holds a pointer (decides the GC page kind).
    pub has_ptr: bool,
}

/// Layout of one enum constructor: its size and the offset of each parameter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConstructLayout {
    pub size: u32,
    pub offsets: Vec<u32>,
    pub has_ptr: bool,
}

/// Layout of a virtual: offsets of field data after the header and field pointers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VirtualLayout {
    pub field_offsets: Vec<u32>,
    /// Size of the whole block (header, field pointers and data).
    pub size: u32,
}

/// The layout of every type and global of a module.
#[derive(Clone, Debug, Default)]
pub struct Layouts {
    pub target: Option<Target>,
    /// Indexed by type; `Some` for `obj` and `struct` types.
    pub objs: Vec<Option<ObjLayout>>,
    /// Indexed by type; constructor layouts of `enum` types.
    pub enums: Vec<Vec<ConstructLayout>>,
    /// Indexed by type; `Some` for `virtual` types.
    pub virtuals: Vec<Option<VirtualLayout>>,
    /// Offset of every global in the globals area.
    pub global_offsets: Vec<u32>,
    pub globals_size: u32,
}

/// Why a module's layouts cannot be computed.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("invalid type graph: {0}")]
#[diagnostic(code(hlc::layout))]
pub struct LayoutError(pub String);

impl Layouts {
    pub fn compute(m: &Module, target: Target) -> Result<Layouts, LayoutError> {
        let mut l = Layouts {
            target: Some(target),
            objs: vec![None; m.types.len()],
            enums: vec![Vec::new(); m.types.len()],
            virtuals: vec![None; m.types.len()],
            ..Layouts::default()
        };
        let mut in_progress = vec![false; m.types.len()];
        for i in 0..m.types.len() {
            if m.types[i].as_obj().is_some() {
                obj_layout(m, target, TypeIdx(i as u32), &mut l.objs, &mut in_progress)?;
            }
        }
        let hdr = target.ptr + 4; // venum: t + index
        for (i, t) in m.types.iter().enumerate() {
            match t {
                Type::Enum(e) => {
                    l.enums[i] = e
                        .constructs
                        .iter()
                        .map(|c| {
                            let mut size = hdr;
                            let mut offsets = Vec::with_capacity(c.params.len());
                            let mut has_ptr = false;
                            for &p in &c.params {
                                let pt = m.ty(p);
                                size += pad_for(size, pt, target);
                                offsets.push(size);
                                has_ptr |= is_ptr(pt);
                                size += kind_size(pt, target);
                            }
                            ConstructLayout { size, offsets, has_ptr }
                        })
                        .collect();
                }
                Type::Virtual(v) => {
                    let vsize = 3 * target.ptr + target.ptr * v.fields.len() as u32;
                    let mut size = vsize;
                    let mut field_offsets = Vec::with_capacity(v.fields.len());
                    for f in &v.fields {
                        let ft = m.ty(f.ty);
                        size += pad_for(size, ft, target);
                        field_offsets.push(size);
                        size += kind_size(ft, target);
                    }
                    l.virtuals[i] = Some(VirtualLayout { field_offsets, size });
                }
                _ => {}
            }
        }
        let mut size = 0;
        for &g in &m.globals {
            let t = m.ty(g);
            size += pad_for(size, t, target);
            l.global_offsets.push(size);
            size += kind_size(t, target);
        }
        l.globals_size = size;
        Ok(l)
    }

    /// The layout of object type `t`.
    pub fn obj(&self, t: TypeIdx) -> Option<&ObjLayout> {
        self.objs.get(t.idx()).and_then(|o| o.as_ref())
    }
}

/// The largest object or struct hlc lays out: offsets stay far from `i32`'s
/// limit (the lowering adds them to pointers as signed 32-bit immediates).
pub const MAX_OBJECT_SIZE: u32 = 1 << 30;

fn obj_layout(
    m: &Module,
    target: Target,
    ti: TypeIdx,
    out: &mut Vec<Option<ObjLayout>>,
    in_progress: &mut Vec<bool>,
) -> Result<(), LayoutError> {
    if out[ti.idx()].is_some() {
        return Ok(());
    }
    let t = m.ty(ti);
    let o = t.as_obj().ok_or_else(|| LayoutError(format!("type #{} is not an object", ti.0)))?;
    if std::mem::replace(&mut in_progress[ti.idx()], true) {
        return Err(LayoutError(format!("type #{} contains itself (super or packed field cycle)", ti.0)));
    }
    let parent = match o.super_ {
        Some(s) => {
            obj_layout(m, target, s, out, in_progress)?;
            out[s.idx()].clone()
        }
        None => None,
    };
    let mut field_offsets = parent.as_ref().map_or(Vec::new(), |p| p.field_offsets.clone());
    let mut size = match &parent {
        Some(p) => p.size - p.pad_size,
        None if matches!(t, Type::Struct(_)) => 0,
        None => target.ptr, // the hl_type* header
    };
    let mut largest = parent.as_ref().map_or(size, |p| p.largest_field);
    let mut has_ptr = parent.as_ref().is_some_and(|p| p.has_ptr);
    // Sizes are added in u64 and bounded, so that nested packed structs
    // (each field a copy of the whole inner struct) cannot wrap a u32.
    let too_large = || LayoutError(format!("type #{} is larger than {MAX_OBJECT_SIZE} bytes", ti.0));
    let grow = |size: u32, by: u32| -> Result<u32, LayoutError> {
        let n = u64::from(size) + u64::from(by);
        if n > u64::from(MAX_OBJECT_SIZE) {
            return Err(too_large());
        }
        Ok(n as u32)
    };
    for f in &o.fields {
        let ft = m.ty(f.ty);
        if let Type::Packed(inner) = ft {
            obj_layout(m, target, *inner, out, in_progress)?;
            let inner_l = out[inner.idx()].clone().unwrap_or_default();
            let large = inner_l.largest_field.max(1);
            if size % large != 0 {
                size = grow(size, large - size % large)?;
            }
            largest = largest.max(large);
            field_offsets.push(size);
            size = grow(size, inner_l.size)?;
            has_ptr |= inner_l.has_ptr;
            continue;
        }
        size = grow(size, pad_for(size, ft, target))?;
        field_offsets.push(size);
        let sz = kind_size(ft, target);
        size = grow(size, sz)?;
        largest = largest.max(sz);
        has_ptr |= is_ptr(ft);
    }
    let mut pad_size = 0;
    if largest > 0 && size % largest != 0 {
        pad_size = largest - size % largest;
    }
    grow(size, pad_size)?;
    in_progress[ti.idx()] = false;
    out[ti.idx()] = Some(ObjLayout { field_offsets, size: size + pad_size, pad_size, largest_field: largest, has_ptr });
    Ok(())
}
