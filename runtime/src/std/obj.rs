//! Objects, virtuals and dynamic objects (libhl's `std/obj.c` plus the
//! allocation entry points of `gc.c`): allocation, field lookup tables,
//! access to fields by hashed name (`hl_dyn_get*` / `hl_dyn_set*`), the
//! mapping of values to virtuals (`hl_to_virtual`) and the `std@obj_*`
//! natives. Field-name hashing and its name cache are in [`super::bytes`].
//!
//! Rust API: [`lookup_find`], [`obj_resolve_field`], [`obj_lookup`] (address
//! and type of a field), [`dynobj_field_addr`], [`throw_msg`].

use super::cast::{hl_dyn_castd, hl_dyn_castf, hl_dyn_casti, hl_dyn_casti64, hl_dyn_castp, hl_write_dyn};
use super::fun::hl_alloc_closure_ptr;
use super::types::{aptr, is_ptr, kind_size, new_array, pad_size, safe_cast, same_type, type_string};
use crate::abi::kind::*;
use crate::abi::*;
use crate::gc::hl_gc_alloc_gen;
use ::std::cell::UnsafeCell;
use ::std::ffi::c_void;
use ::std::mem::size_of;
use ::std::ptr::null_mut;

pub const DYNOBJ_INDEX_SHIFT: i32 = 17;
pub const DYNOBJ_INDEX_MASK: i32 = (1 << DYNOBJ_INDEX_SHIFT) - 1;

/// `hl_error(fmt, ...)` with an already formatted message.
pub fn throw_msg(msg: &str) -> ! {
    super::raise_error(msg)
}

/// The name of a hashed field as a Rust string (`hl_field_name`).
pub unsafe fn field_name_string(hfield: i32) -> String {
    super::ucs2::ucs2_to_string(super::bytes::hl_field_name(hfield) as *const u16)
}

pub(crate) unsafe fn ustring(s: *const uchar) -> String {
    super::ucs2::ucs2_to_string(s)
}

// ---------------------------------------------------------------------------
// Sorted lookup tables.

/// `hl_lookup_find`: binary search of a table sorted by hash.
pub unsafe fn lookup_find(l: *mut hl_field_lookup, size: i32, hash: i32) -> *mut hl_field_lookup {
    let (mut min, mut max) = (0i32, size);
    while min < max {
        let mid = (min + max) >> 1;
        let h = (*l.add(mid as usize)).hashed_name;
        if h < hash {
            min = mid + 1;
        } else if h > hash {
            max = mid;
        } else {
            return l.add(mid as usize);
        }
    }
    null_mut()
}

/// Position where `hash` is or would be inserted.
unsafe fn lookup_find_index(l: *mut hl_field_lookup, size: i32, hash: i32) -> i32 {
    let (mut min, mut max) = (0i32, size);
    while min < max {
        let mid = (min + max) >> 1;
        let h = (*l.add(mid as usize)).hashed_name;
        if h < hash {
            min = mid + 1;
        } else if h > hash {
            max = mid;
        } else {
            return mid;
        }
    }
    (min + max) >> 1
}

#[no_mangle]
pub unsafe extern "C" fn hl_lookup_find(l: *mut hl_field_lookup, size: i32, hash: i32) -> *mut hl_field_lookup {
    lookup_find(l, size, hash)
}

/// `hl_lookup_insert`: inserts into a sorted table that has room for one more entry.
#[no_mangle]
pub unsafe extern "C" fn hl_lookup_insert(
    l: *mut hl_field_lookup,
    size: i32,
    hash: i32,
    t: *mut hl_type,
    index: i32,
) -> *mut hl_field_lookup {
    let (mut min, mut max) = (0i32, size);
    while min < max {
        let mid = (min + max) >> 1;
        if (*l.add(mid as usize)).hashed_name < hash {
            min = mid + 1;
        } else {
            max = mid;
        }
    }
    let pos = ((min + max) >> 1) as usize;
    ::std::ptr::copy(l.add(pos), l.add(pos + 1), size as usize - pos);
    let e = &mut *l.add(pos);
    e.field_index = index;
    e.hashed_name = hash;
    e.t = t;
    e
}

/// `obj_resolve_field`: a field or method of a class or its ancestors.
pub unsafe fn obj_resolve_field(o: *mut hl_type_obj, hfield: i32) -> *mut hl_field_lookup {
    let mut rt = (*o).rt;
    while !rt.is_null() {
        let f = lookup_find((*rt).lookup, (*rt).nlookup, hfield);
        if !f.is_null() {
            return f;
        }
        rt = (*rt).parent;
    }
    null_mut()
}

/// `hl_obj_field_fetch`: field `fid` (counted over the super chain) of a class.
#[no_mangle]
pub unsafe extern "C" fn hl_obj_field_fetch(t: *mut hl_type, fid: i32) -> *mut hl_obj_field {
    if !matches!((*t).kind, HOBJ | HSTRUCT) {
        return null_mut();
    }
    let mut rt = (*(*t).obj()).rt;
    if fid < 0 || fid >= (*rt).nfields {
        return null_mut();
    }
    while !(*rt).parent.is_null() && fid < (*(*rt).parent).nfields {
        rt = (*rt).parent;
    }
    let start = if (*rt).parent.is_null() { 0 } else { (*(*rt).parent).nfields };
    (*(*(*rt).t).obj()).fields.add((fid - start) as usize)
}

/// `hl_mark_size`: bytes of GC mark bits for `data_size` bytes.
#[no_mangle]
pub extern "C" fn hl_mark_size(data_size: i32) -> i32 {
    let w = size_of::<usize>() as i32;
    let ptr_count = (data_size + w - 1) / w;
    ((ptr_count + 31) >> 5) * 4
}

/// `hl_get_obj_rt` / `hl_get_obj_proto`: the runtime data, which the program
/// loader builds completely for every class before any code runs.
#[no_mangle]
pub unsafe extern "C" fn hl_get_obj_rt(t: *mut hl_type) -> *mut hl_runtime_obj {
    let rt = (*(*t).obj()).rt;
    if rt.is_null() {
        throw_msg(&format!("Class {} is not initialised", ustring((*(*t).obj()).name)));
    }
    rt
}

#[no_mangle]
pub unsafe extern "C" fn hl_get_obj_proto(t: *mut hl_type) -> *mut hl_runtime_obj {
    hl_get_obj_rt(t)
}

/// Memory for type descriptors built at run time: from the module
/// context's arena (`hl_zalloc`), or, without a context, zeroed memory kept
/// for the life of the process.
pub(crate) unsafe fn type_data_alloc(ctx: *mut hl_module_context, bytes: usize) -> *mut c_void {
    if ctx.is_null() {
        let p = libc::calloc(1, bytes.max(1));
        if p.is_null() {
            crate::start::fatal("out of memory (type descriptors)");
        }
        return p;
    }
    let arena = ::std::ptr::addr_of_mut!((*ctx).alloc) as *mut crate::arena::hl_alloc;
    crate::arena::hl_zalloc(arena, bytes.max(1) as i32)
}

/// Mark bits for a block of `size` bytes: one bit per word, in 32-bit rows.
pub(crate) fn mark_words(size: i32) -> usize {
    (size.max(0) as usize).div_ceil(8).div_ceil(32)
}

/// `hl_init_virtual`: lays out virtual type `vt` from its fields (field
/// slots, data size, lookup table, mark bits), as libhl does for types built
/// at run time; the data comes from `ctx`'s arena.
#[no_mangle]
pub unsafe extern "C" fn hl_init_virtual(vt: *mut hl_type, ctx: *mut hl_module_context) {
    let virt = (*vt).virt();
    let n = (*virt).nfields.max(0) as usize;
    let header = (size_of::<vvirtual>() + size_of::<*mut c_void>() * n) as i32;
    let lookup = type_data_alloc(ctx, size_of::<hl_field_lookup>() * n) as *mut hl_field_lookup;
    let indexes = type_data_alloc(ctx, size_of::<i32>() * n) as *mut i32;
    let mut size = header;
    for i in 0..n {
        let f = &*(*virt).fields.add(i);
        hl_lookup_insert(lookup, i as i32, f.hashed_name, f.t, i as i32);
        size += super::types::hl_pad_struct(size, f.t);
        *indexes.add(i) = size;
        size += kind_size((*f.t).kind);
    }
    (*virt).lookup = lookup;
    (*virt).indexes = indexes;
    (*virt).data_size = size - header;
    let mark = type_data_alloc(ctx, mark_words(size).max(1) * 4) as *mut u32;
    *mark |= 2 | 4; // `value` and `next`
    for i in 0..n {
        let f = &*(*virt).fields.add(i);
        if is_ptr(f.t) {
            let word = (*indexes.add(i) / 8) as usize;
            *mark.add(word >> 5) |= 1 << (word & 31);
        }
    }
    (*vt).mark_bits = mark;
}

/// `hl_flush_proto`: points the bindings of class `ot` (fields of its class
/// object bound to functions) at the functions its module context holds now,
/// as after code has been replaced.
#[no_mangle]
pub unsafe extern "C" fn hl_flush_proto(ot: *mut hl_type) {
    let o = (*ot).obj();
    let rt = (*o).rt;
    let m = (*o).m;
    if rt.is_null() || (*ot).vobj_proto.is_null() || m.is_null() || (*m).functions_ptrs.is_null() {
        return;
    }
    for i in 0..(*o).nbindings.max(0) as usize {
        let fid = *(*o).bindings.add(2 * i);
        let mid = *(*o).bindings.add(2 * i + 1);
        let ptr = *(*m).functions_ptrs.add(mid as usize);
        let Some(b) = (0..(*rt).nbindings.max(0) as usize).map(|j| (*rt).bindings.add(j)).find(|&b| (*b).fid == fid) else {
            continue;
        };
        if !(*b).closure.is_null() {
            (*b).ptr = ptr;
        } else if !(*b).ptr.is_null() {
            (*((*b).ptr as *mut vclosure)).fun = ptr;
        }
    }
}

// ---------------------------------------------------------------------------
// Allocation.

/// A `vdynamic` in static storage (`true`, `false`, small ints).
#[repr(transparent)]
pub struct StaticDyn(pub UnsafeCell<vdynamic>);
unsafe impl Sync for StaticDyn {}

static DYN_TRUE: StaticDyn = StaticDyn(UnsafeCell::new(vdynamic { t: hlt_bool.0.get(), v: vdynamic_value { i64: 1 } }));
static DYN_FALSE: StaticDyn = StaticDyn(UnsafeCell::new(vdynamic { t: hlt_bool.0.get(), v: vdynamic_value { i64: 0 } }));

#[no_mangle]
pub unsafe extern "C" fn hl_alloc_dynamic(t: *mut hl_type) -> *mut vdynamic {
    let kind = if is_ptr(t) {
        if (*t).kind == HSTRUCT {
            mem::KIND_RAW
        } else {
            mem::KIND_DYNAMIC
        }
    } else {
        mem::KIND_NOPTR
    };
    let d = hl_gc_alloc_gen(t, size_of::<vdynamic>() as i32, kind | mem::ZERO) as *mut vdynamic;
    (*d).t = t;
    d
}

/// `hl_alloc_dynbool`: one shared value for each of `true` and `false`.
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_dynbool(b: bool) -> *mut vdynamic {
    if b {
        DYN_TRUE.0.get()
    } else {
        DYN_FALSE.0.get()
    }
}

/// Stores the initial value of every bound field (`rt.bindings`) of a new object at `o`.
// Not inlined: most classes have no bound fields, and keeping the closure
// allocation out of `hl_alloc_obj` keeps that hot entry point small (a
// small frame, everything in registers).
#[inline(never)]
unsafe fn init_bindings(rt: *mut hl_runtime_obj, o: *mut u8) {
    for i in 0..(*rt).nbindings as usize {
        let b = &*(*rt).bindings.add(i);
        let v: *mut c_void = if b.closure.is_null() { b.ptr } else { hl_alloc_closure_ptr(b.closure, b.ptr, o.cast()).cast() };
        *(o.add(*(*rt).fields_indexes.add(b.fid as usize) as usize) as *mut *mut c_void) = v;
    }
}

/// `hl_alloc_obj`: a zeroed instance of a class (or struct) with its bound
/// fields set: a static closure for a function field, or a closure on the
/// new object for a method bound to a field (`b.closure` set).
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_obj(t: *mut hl_type) -> *mut vdynamic {
    let rt = hl_get_obj_rt(t);
    let o = if (*t).kind == HSTRUCT {
        let k = if (*rt).has_ptr { mem::KIND_RAW } else { mem::KIND_NOPTR };
        hl_gc_alloc_gen(t, (*rt).size, k | mem::ZERO) as *mut u8
    } else {
        let k = if (*rt).has_ptr { mem::KIND_DYNAMIC } else { mem::KIND_NOPTR };
        let o = hl_gc_alloc_gen(t, (*rt).size, k | mem::ZERO) as *mut u8;
        (*(o as *mut vobj)).t = t;
        o
    };
    if (*rt).nbindings > 0 {
        init_bindings(rt, o);
    }
    o.cast()
}

/// `hl_alloc_carray`: `size` inline instances of a class or struct.
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_carray(at: *mut hl_type, size: i32) -> *mut c_void {
    if !matches!((*at).kind, HOBJ | HSTRUCT) {
        throw_msg("Invalid array type");
    }
    if size < 0 {
        throw_msg("Invalid array size");
    }
    let rt = hl_get_obj_rt(at);
    let k = if (*rt).has_ptr { mem::KIND_RAW } else { mem::KIND_NOPTR };
    let arr = hl_gc_alloc_gen(at, size * (*rt).size, k | mem::ZERO) as *mut u8;
    if (*at).kind == HOBJ || (*rt).nbindings > 0 {
        for i in 0..size as usize {
            let o = arr.add((*rt).size as usize * i);
            if (*at).kind == HOBJ {
                (*(o as *mut vobj)).t = at;
            }
            init_bindings(rt, o);
        }
    }
    arr.cast()
}

/// `hl_carray_blit`.
#[no_mangle]
pub unsafe extern "C" fn hl_carray_blit(dst: *mut c_void, at: *mut hl_type, dpos: i32, src: *mut c_void, spos: i32, len: i32) {
    if !matches!((*at).kind, HOBJ | HSTRUCT) {
        throw_msg("Invalid array type");
    }
    if dpos < 0 || spos < 0 || len < 0 {
        throw_msg("Invalid array pos or length");
    }
    let size = (*hl_get_obj_rt(at)).size as usize;
    ::std::ptr::copy((src as *mut u8).add(spos as usize * size), (dst as *mut u8).add(dpos as usize * size), len as usize * size);
}

#[no_mangle]
pub unsafe extern "C" fn hl_alloc_dynobj() -> *mut vdynobj {
    let o = hl_gc_alloc_gen(hlt_dynobj.get(), size_of::<vdynobj>() as i32, mem::KIND_DYNAMIC | mem::ZERO) as *mut vdynobj;
    (*o).t = hlt_dynobj.get();
    o
}

/// The field pointers of a virtual (`hl_vfields`).
#[inline]
pub unsafe fn vfields(v: *mut vvirtual) -> *mut *mut c_void {
    v.add(1).cast()
}

/// `hl_alloc_virtual`: a virtual with its own storage, fields pointing into it.
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_virtual(t: *mut hl_type) -> *mut vvirtual {
    let vt = &*(*t).virt();
    let nf = vt.nfields.max(0) as usize;
    let size = vt.data_size as usize + size_of::<vvirtual>() + size_of::<usize>() * nf;
    let v = hl_gc_alloc_gen(t, size as i32, mem::KIND_DYNAMIC | mem::ZERO) as *mut vvirtual;
    (*v).t = t;
    (*v).value = null_mut();
    (*v).next = null_mut();
    let f = vfields(v);
    for i in 0..nf {
        *f.add(i) = (v as *mut u8).add(*vt.indexes.add(i) as usize).cast();
    }
    v
}

// ---------------------------------------------------------------------------
// Dynamic objects.

/// Address of a dynobj field's storage (`hl_dynobj_field`).
#[inline]
pub unsafe fn dynobj_field_addr(o: *mut vdynobj, f: *const hl_field_lookup) -> *mut c_void {
    let idx = ((*f).field_index & DYNOBJ_INDEX_MASK) as usize;
    if is_ptr((*f).t) {
        (*o).values.add(idx).cast()
    } else {
        (*o).raw_data.add(idx).cast()
    }
}

/// Declaration order of a dynobj field (`hl_dynobj_order`).
#[inline]
pub fn dynobj_order(f: &hl_field_lookup) -> i32 {
    ((f.field_index as u32) >> DYNOBJ_INDEX_SHIFT) as i32
}

unsafe fn gc_noptr(size: usize) -> *mut u8 {
    hl_gc_alloc_gen(hlt_bytes.get(), size as i32, mem::KIND_NOPTR) as *mut u8
}

unsafe fn gc_raw(size: usize) -> *mut u8 {
    hl_gc_alloc_gen(hlt_abstract.get(), size as i32, mem::KIND_RAW | mem::ZERO) as *mut u8
}

/// `hl_virtual_make_value`: turns a virtual with its own storage into a
/// dynobj holding the data, the virtual then pointing into the dynobj.
#[no_mangle]
pub unsafe extern "C" fn hl_virtual_make_value(v: *mut vvirtual) -> *mut vdynamic {
    if !(*v).value.is_null() {
        return (*v).value;
    }
    let vt = &*(*(*v).t).virt();
    let nfields = vt.nfields;
    let o = hl_alloc_dynobj();
    (*o).lookup = gc_noptr(size_of::<hl_field_lookup>() * nfields as usize) as *mut hl_field_lookup;
    (*o).nfields = nfields;
    if nfields > 0 {
        ::std::ptr::copy_nonoverlapping(vt.lookup, (*o).lookup, nfields as usize);
    }
    let (mut raw_size, mut nvalues) = (0i32, 0i32);
    for i in 0..nfields {
        let f = &mut *(*o).lookup.add(i as usize);
        if is_ptr(f.t) {
            f.field_index = nvalues;
            nvalues += 1;
        } else {
            raw_size += pad_size(raw_size, f.t);
            f.field_index = raw_size;
            raw_size += kind_size((*f.t).kind);
        }
        if f.field_index > DYNOBJ_INDEX_MASK {
            throw_msg("Too many dynobj fields");
        }
        f.field_index |= i << DYNOBJ_INDEX_SHIFT;
    }
    (*o).raw_data = gc_noptr(raw_size as usize);
    (*o).raw_size = raw_size;
    (*o).values = gc_raw(nvalues as usize * size_of::<usize>()) as *mut *mut c_void;
    (*o).nvalues = nvalues;
    let vf = vfields(v);
    for i in 0..nfields as usize {
        let f = (*o).lookup.add(i);
        let vl = &*vt.lookup.add(i);
        let vaddr = vf.add(vl.field_index as usize);
        let dst = dynobj_field_addr(o, f);
        ::std::ptr::copy_nonoverlapping(*vaddr as *const u8, dst as *mut u8, kind_size((*(*f).t).kind) as usize);
        *vaddr = dst;
    }
    // The virtual's own data is no longer used.
    ::std::ptr::write_bytes(vf.add(nfields as usize) as *mut u8, 0, vt.data_size as usize);
    (*o).virtuals = v;
    (*v).value = o.cast();
    (*v).value
}

/// Points the virtuals of `o` at the (moved or retyped) field `f`.
unsafe fn dynobj_remap_virtuals(o: *mut vdynobj, f: *mut hl_field_lookup, address_offset: isize) {
    let mut v = (*o).virtuals;
    let fptr = is_ptr((*f).t);
    while !v.is_null() {
        let vt = &*(*(*v).t).virt();
        let vf = lookup_find(vt.lookup, vt.nfields, (*f).hashed_name);
        let fields = vfields(v);
        if address_offset != 0 {
            for i in 0..vt.nfields as usize {
                let p = fields.add(i);
                if !(*p).is_null() && is_ptr((*vt.fields.add(i)).t) == fptr {
                    *p = (*p as *mut u8).offset(address_offset).cast();
                }
            }
        }
        if !vf.is_null() {
            *fields.add((*vf).field_index as usize) =
                if same_type((*vf).t, (*f).t) { dynobj_field_addr(o, f) } else { null_mut() };
        }
        v = (*v).next;
    }
}

unsafe fn dynobj_delete_field(o: *mut vdynobj, f: *mut hl_field_lookup) {
    let order = dynobj_order(&*f);
    let index = ((*f).field_index & DYNOBJ_INDEX_MASK) as usize;
    let fptr = is_ptr((*f).t);
    let hashed = (*f).hashed_name;
    if fptr {
        let n = (*o).nvalues as usize;
        ::std::ptr::copy((*o).values.add(index + 1), (*o).values.add(index), n - (index + 1));
        (*o).nvalues -= 1;
        *(*o).values.add((*o).nvalues as usize) = null_mut();
        for i in 0..(*o).nfields as usize {
            let l = &mut *(*o).lookup.add(i);
            if is_ptr(l.t) && (l.field_index & DYNOBJ_INDEX_MASK) as usize > index {
                l.field_index -= 1;
            }
        }
    }
    // Unmap from the virtuals, and move the pointers to shifted values.
    let mut v = (*o).virtuals;
    while !v.is_null() {
        let vt = &*(*(*v).t).virt();
        let fields = vfields(v);
        let vf = lookup_find(vt.lookup, vt.nfields, hashed);
        if !vf.is_null() {
            *fields.add((*vf).field_index as usize) = null_mut();
        }
        if fptr {
            for i in 0..vt.nfields as usize {
                let l = &*vt.lookup.add(i);
                if is_ptr(l.t) {
                    let pf = fields.add(l.field_index as usize) as *mut *mut *mut c_void;
                    if !(*pf).is_null() && *pf > (*o).values.add(index) {
                        *pf = (*pf).sub(1);
                    }
                }
            }
        }
        v = (*v).next;
    }
    let field = f.offset_from((*o).lookup) as usize;
    let n = (*o).nfields as usize;
    ::std::ptr::copy((*o).lookup.add(field + 1), (*o).lookup.add(field), n - (field + 1));
    (*o).nfields -= 1;
    for i in 0..(*o).nfields as usize {
        let l = &mut *(*o).lookup.add(i);
        if dynobj_order(l) > order {
            l.field_index -= 1 << DYNOBJ_INDEX_SHIFT;
        }
    }
}

unsafe fn dynobj_add_field(o: *mut vdynobj, hfield: i32, t: *mut hl_type) -> *mut hl_field_lookup {
    let index;
    let address_offset: isize;
    if is_ptr(t) {
        index = (*o).nvalues;
        if index > DYNOBJ_INDEX_MASK {
            throw_msg("Too many dynobj values");
        }
        let nv = gc_raw(((*o).nvalues as usize + 1) * size_of::<usize>()) as *mut *mut c_void;
        if (*o).nvalues > 0 {
            ::std::ptr::copy_nonoverlapping((*o).values, nv, (*o).nvalues as usize);
        }
        *nv.add(index as usize) = null_mut();
        address_offset = (nv as isize).wrapping_sub((*o).values as isize);
        (*o).values = nv;
        (*o).nvalues += 1;
    } else {
        // The raw data is compacted if deletions left holes.
        let mut raw_size = 0i32;
        for i in 0..(*o).nfields as usize {
            let l = &*(*o).lookup.add(i);
            if is_ptr(l.t) {
                continue;
            }
            raw_size += pad_size(raw_size, l.t);
            raw_size += kind_size((*l.t).kind);
        }
        if raw_size > (*o).raw_size {
            raw_size = (*o).raw_size;
        }
        let pad = pad_size(raw_size, t);
        let size = kind_size((*t).kind);
        if raw_size + pad > DYNOBJ_INDEX_MASK {
            throw_msg("Too many dynobj values");
        }
        let new_data = gc_noptr((raw_size + pad + size) as usize);
        if raw_size == (*o).raw_size {
            if raw_size > 0 {
                ::std::ptr::copy_nonoverlapping((*o).raw_data, new_data, raw_size as usize);
            }
        } else {
            raw_size = 0;
            for i in 0..(*o).nfields as usize {
                let l = (*o).lookup.add(i);
                let idx = (*l).field_index & DYNOBJ_INDEX_MASK;
                if is_ptr((*l).t) {
                    continue;
                }
                raw_size += pad_size(raw_size, (*l).t);
                ::std::ptr::copy_nonoverlapping(
                    (*o).raw_data.add(idx as usize),
                    new_data.add(raw_size as usize),
                    kind_size((*(*l).t).kind) as usize,
                );
                (*l).field_index = raw_size | (dynobj_order(&*l) << DYNOBJ_INDEX_SHIFT);
                if idx != raw_size {
                    dynobj_remap_virtuals(o, l, 0);
                }
                raw_size += kind_size((*(*l).t).kind);
            }
            (*o).raw_size = raw_size;
        }
        address_offset = (new_data as isize).wrapping_sub((*o).raw_data as isize);
        (*o).raw_data = new_data;
        (*o).raw_size += pad;
        index = (*o).raw_size;
        (*o).raw_size += size;
    }
    let n = (*o).nfields as usize;
    let new_lookup = gc_noptr(size_of::<hl_field_lookup>() * (n + 1)) as *mut hl_field_lookup;
    let pos = lookup_find_index((*o).lookup, (*o).nfields, hfield) as usize;
    if pos > 0 {
        ::std::ptr::copy_nonoverlapping((*o).lookup, new_lookup, pos);
    }
    let f = new_lookup.add(pos);
    (*f).t = t;
    (*f).hashed_name = hfield;
    (*f).field_index = index | ((*o).nfields << DYNOBJ_INDEX_SHIFT);
    if n > pos {
        ::std::ptr::copy_nonoverlapping((*o).lookup.add(pos), new_lookup.add(pos + 1), n - pos);
    }
    (*o).nfields += 1;
    (*o).lookup = new_lookup;
    dynobj_remap_virtuals(o, f, address_offset);
    f
}

// ---------------------------------------------------------------------------
// Virtuals.

fn should_recast(t: &hl_type, vt: &hl_type) -> bool {
    // SAFETY: an HNULL type's tparam is always set (the loader builds it with one).
    unsafe {
        (vt.kind == HF64 && t.kind == HI32)
            || (vt.kind == HNULL && (*vt.tparam()).kind == t.kind)
            || (vt.kind == HNULL && (*vt.tparam()).kind == HF64 && t.kind == HI32)
            || (vt.kind == HVIRTUAL && t.kind == HDYNOBJ)
            || (vt.kind == HOBJ && t.kind == HOBJ && (*(*vt.obj()).rt).cast_fun.is_some())
    }
}

/// `hl_to_virtual`: the virtual of type `vt` viewing `obj` (cached per
/// interface field on classes and per virtual type on dynobjs).
#[no_mangle]
pub unsafe extern "C" fn hl_to_virtual(vt: *mut hl_type, obj: *mut vdynamic) -> *mut vvirtual {
    if obj.is_null() {
        return null_mut();
    }
    let vtv = &*(*vt).virt();
    let nf = vtv.nfields.max(0) as usize;
    let vsize = (size_of::<vvirtual>() + size_of::<usize>() * nf) as i32;
    match (*(*obj).t).kind {
        HOBJ => {
            let mut interface_address: *mut *mut c_void = null_mut();
            let mut rt = (*(*(*obj).t).obj()).rt;
            while !rt.is_null() {
                for i in 0..(*rt).ninterfaces as usize {
                    let fi = *(*rt).interfaces.add(i);
                    if (*(*(*(*rt).t).obj()).fields.add(fi as usize)).t == vt {
                        let start = if (*rt).parent.is_null() { 0 } else { (*(*rt).parent).nfields };
                        let off = *(*rt).fields_indexes.add((fi + start) as usize);
                        interface_address = (obj as *mut u8).add(off as usize).cast();
                        break;
                    }
                }
                rt = (*rt).parent;
            }
            if !interface_address.is_null() && !(*interface_address).is_null() {
                return (*interface_address).cast();
            }
            let v = hl_gc_alloc_gen(vt, vsize, mem::KIND_DYNAMIC | mem::ZERO) as *mut vvirtual;
            (*v).t = vt;
            (*v).value = obj;
            (*v).next = null_mut();
            let tobj = (*(*obj).t).obj();
            let fields = vfields(v);
            for i in 0..nf {
                let vfd = &*vtv.fields.add(i);
                let f = obj_resolve_field(tobj, vfd.hashed_name);
                *fields.add(i) = if !f.is_null() && (*f).field_index < 0 {
                    // A method: usable when its type without `this` fits the field.
                    let mt = &*(*(*f).t).fun();
                    let mut tf = hl_type_fun {
                        args: mt.args.add(1),
                        ret: mt.ret,
                        nargs: mt.nargs - 1,
                        parent: null_mut(),
                        closure_type: hl_type_fun_closure_type { kind: 0, p: null_mut() },
                        closure: hl_type_fun_closure { args: null_mut(), ret: null_mut(), nargs: 0, parent: null_mut() },
                    };
                    let tmp = hl_type { kind: HMETHOD, data: (&mut tf as *mut hl_type_fun).cast(), vobj_proto: null_mut(), mark_bits: null_mut() };
                    if safe_cast(&tmp, vfd.t) {
                        *(*(*tobj).rt).methods.add((-(*f).field_index - 1) as usize)
                    } else {
                        null_mut()
                    }
                } else if f.is_null() || !same_type((*f).t, vfd.t) {
                    null_mut()
                } else {
                    (obj as *mut u8).add((*f).field_index as usize).cast()
                };
            }
            if !interface_address.is_null() {
                *interface_address = v.cast();
            }
            v
        }
        HDYNOBJ => {
            let o = obj as *mut vdynobj;
            let mut v = (*o).virtuals;
            while !v.is_null() {
                if (*(*v).t).data == (*vt).data {
                    return v;
                }
                v = (*v).next;
            }
            let v = hl_gc_alloc_gen(vt, vsize, mem::KIND_DYNAMIC | mem::ZERO) as *mut vvirtual;
            (*v).t = vt;
            (*v).value = obj;
            let mut need_recast: u64 = 0;
            let fields = vfields(v);
            for i in 0..nf {
                let vfd = &*vtv.fields.add(i);
                let f = lookup_find((*o).lookup, (*o).nfields, vfd.hashed_name);
                let addr = if f.is_null() || !same_type((*f).t, vfd.t) { null_mut() } else { dynobj_field_addr(o, f) };
                if addr.is_null() && !f.is_null() && (*o).virtuals.is_null() && should_recast(&*(*f).t, &*vfd.t) {
                    need_recast |= 1u64.wrapping_shl(i as u32);
                }
                *fields.add(i) = addr;
            }
            (*v).next = (*o).virtuals;
            (*o).virtuals = v;
            if need_recast != 0 {
                let extra_check = nf > 63;
                for i in 0..nf {
                    if need_recast & 1u64.wrapping_shl(i as u32) == 0 {
                        continue;
                    }
                    let f = &*vtv.fields.add(i);
                    if extra_check && lookup_find((*o).lookup, (*o).nfields, f.hashed_name).is_null() {
                        continue;
                    }
                    if is_ptr(f.t) {
                        let p = hl_dyn_getp(obj, f.hashed_name, f.t);
                        hl_dyn_setp(obj, f.hashed_name, f.t, p);
                    } else if (*f.t).kind == HF64 {
                        let d = hl_dyn_getd(obj, f.hashed_name);
                        hl_dyn_setd(obj, f.hashed_name, d);
                    }
                }
            }
            v
        }
        HVIRTUAL => {
            if safe_cast((*obj).t, vt) {
                return obj.cast();
            }
            hl_to_virtual(vt, hl_virtual_make_value(obj.cast()))
        }
        _ => throw_msg(&format!("Can't cast {} to {}", type_string((*obj).t), type_string(vt))),
    }
}

// ---------------------------------------------------------------------------
// Dynamic get.

/// `hl_obj_lookup`: the address and type of a data field of `d`, or null.
/// Throws `Invalid field access` on values without fields.
pub unsafe fn obj_lookup(d: *mut vdynamic, hfield: i32, t: &mut *mut hl_type) -> *mut c_void {
    match (*(*d).t).kind {
        HDYNOBJ => {
            let o = d as *mut vdynobj;
            let f = lookup_find((*o).lookup, (*o).nfields, hfield);
            if f.is_null() {
                return null_mut();
            }
            *t = (*f).t;
            dynobj_field_addr(o, f)
        }
        HOBJ | HSTRUCT => {
            let f = obj_resolve_field((*(*d).t).obj(), hfield);
            if f.is_null() || (*f).field_index < 0 {
                return null_mut();
            }
            *t = (*f).t;
            let base = if (*(*d).t).kind == HSTRUCT { (*d).v.ptr as *mut u8 } else { d as *mut u8 };
            base.add((*f).field_index as usize).cast()
        }
        HVIRTUAL => {
            let v = (*(d as *mut vvirtual)).value;
            if !v.is_null() {
                return obj_lookup(v, hfield, t);
            }
            let vt = &*(*(*d).t).virt();
            let f = lookup_find(vt.lookup, vt.nfields, hfield);
            if f.is_null() {
                return null_mut();
            }
            *t = (*f).t;
            (d as *mut u8).add(*vt.indexes.add((*f).field_index as usize) as usize).cast()
        }
        _ => throw_msg("Invalid field access"),
    }
}

/// `hl_obj_lookup_extra`: a method as a closure bound to `d`, or the result of `__get_field`.
unsafe fn obj_lookup_extra(d: *mut vdynamic, hfield: i32) -> *mut vdynamic {
    match (*(*d).t).kind {
        HOBJ | HSTRUCT => {
            let tobj = (*(*d).t).obj();
            let f = obj_resolve_field(tobj, hfield);
            if !f.is_null() && (*f).field_index < 0 {
                let m = *(*(*tobj).rt).methods.add((-(*f).field_index - 1) as usize);
                return hl_alloc_closure_ptr((*f).t, m, d.cast()).cast();
            }
            if f.is_null() {
                if let Some(gf) = (*(*tobj).rt).get_field_fun {
                    return gf(d, hfield);
                }
            }
            null_mut()
        }
        HVIRTUAL => {
            let v = (*(d as *mut vvirtual)).value;
            if v.is_null() {
                null_mut()
            } else {
                obj_lookup_extra(v, hfield)
            }
        }
        _ => null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_geti(d: *mut vdynamic, hfield: i32, t: *mut hl_type) -> i32 {
    let mut ft = null_mut();
    let addr = obj_lookup(d, hfield, &mut ft);
    if addr.is_null() {
        let mut e = obj_lookup_extra(d, hfield);
        return if e.is_null() { 0 } else { hl_dyn_casti((&mut e as *mut *mut vdynamic).cast(), hlt_dyn.get(), t) };
    }
    match (*ft).kind {
        HUI8 => *(addr as *const u8) as i32,
        HUI16 => *(addr as *const u16) as i32,
        HI32 => *(addr as *const i32),
        HI64 => *(addr as *const i64) as i32,
        HF32 => super::number::f64_to_i32(*(addr as *const f32) as f64),
        HF64 => super::number::f64_to_i32(*(addr as *const f64)),
        HBOOL => *(addr as *const u8) as i32,
        _ => hl_dyn_casti(addr, ft, t),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_geti64(d: *mut vdynamic, hfield: i32) -> i64 {
    let mut ft = null_mut();
    let addr = obj_lookup(d, hfield, &mut ft);
    if addr.is_null() {
        let mut e = obj_lookup_extra(d, hfield);
        return if e.is_null() { 0 } else { hl_dyn_casti64((&mut e as *mut *mut vdynamic).cast(), hlt_dyn.get()) };
    }
    match (*ft).kind {
        HUI8 => *(addr as *const u8) as i64,
        HUI16 => *(addr as *const u16) as i64,
        HI32 => *(addr as *const i32) as i64,
        HI64 | HGUID => *(addr as *const i64),
        HF32 => super::number::f64_to_i64(*(addr as *const f32) as f64),
        HF64 => super::number::f64_to_i64(*(addr as *const f64)),
        HBOOL => *(addr as *const u8) as i64,
        _ => hl_dyn_casti64(addr, ft),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_getf(d: *mut vdynamic, hfield: i32) -> f32 {
    let mut ft = null_mut();
    let addr = obj_lookup(d, hfield, &mut ft);
    if addr.is_null() {
        let mut e = obj_lookup_extra(d, hfield);
        return if e.is_null() { 0.0 } else { hl_dyn_castf((&mut e as *mut *mut vdynamic).cast(), hlt_dyn.get()) };
    }
    if (*ft).kind == HF32 {
        *(addr as *const f32)
    } else {
        hl_dyn_castf(addr, ft)
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_getd(d: *mut vdynamic, hfield: i32) -> f64 {
    let mut ft = null_mut();
    let addr = obj_lookup(d, hfield, &mut ft);
    if addr.is_null() {
        let mut e = obj_lookup_extra(d, hfield);
        return if e.is_null() { 0.0 } else { hl_dyn_castd((&mut e as *mut *mut vdynamic).cast(), hlt_dyn.get()) };
    }
    if (*ft).kind == HF64 {
        *(addr as *const f64)
    } else {
        hl_dyn_castd(addr, ft)
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_getp(d: *mut vdynamic, hfield: i32, t: *mut hl_type) -> *mut c_void {
    let mut ft = null_mut();
    let addr = obj_lookup(d, hfield, &mut ft);
    if addr.is_null() {
        let mut e = obj_lookup_extra(d, hfield);
        return if e.is_null() { null_mut() } else { hl_dyn_castp((&mut e as *mut *mut vdynamic).cast(), hlt_dyn.get(), t) };
    }
    if same_type(t, ft) {
        *(addr as *const *mut c_void)
    } else {
        hl_dyn_castp(addr, ft, t)
    }
}

// ---------------------------------------------------------------------------
// Dynamic set.

unsafe fn obj_lookup_set(d: *mut vdynamic, hfield: i32, t: *mut hl_type, ft: &mut *mut hl_type) -> *mut c_void {
    match (*(*d).t).kind {
        HDYNOBJ => {
            let o = d as *mut vdynobj;
            let mut f = lookup_find((*o).lookup, (*o).nfields, hfield);
            if f.is_null() {
                f = dynobj_add_field(o, hfield, t);
            } else if !same_type(t, (*f).t) {
                if is_ptr(t) != is_ptr((*f).t) || kind_size((*t).kind) != kind_size((*(*f).t).kind) {
                    dynobj_delete_field(o, f);
                    f = dynobj_add_field(o, hfield, t);
                } else {
                    (*f).t = t;
                    dynobj_remap_virtuals(o, f, 0);
                }
            }
            *ft = (*f).t;
            dynobj_field_addr(o, f)
        }
        HOBJ | HSTRUCT => {
            let tobj = (*(*d).t).obj();
            let f = obj_resolve_field(tobj, hfield);
            if f.is_null() || (*f).field_index < 0 {
                throw_msg(&format!("{} does not have field {}", ustring((*tobj).name), field_name_string(hfield)));
            }
            *ft = (*f).t;
            let base = if (*(*d).t).kind == HSTRUCT { (*d).v.ptr as *mut u8 } else { d as *mut u8 };
            base.add((*f).field_index as usize).cast()
        }
        HVIRTUAL => {
            let v = d as *mut vvirtual;
            if !(*v).value.is_null() {
                return obj_lookup_set((*v).value, hfield, t, ft);
            }
            let vt = &*(*(*v).t).virt();
            let f = lookup_find(vt.lookup, vt.nfields, hfield);
            if f.is_null() || !safe_cast(t, (*f).t) {
                return obj_lookup_set(hl_virtual_make_value(v), hfield, t, ft);
            }
            *ft = (*f).t;
            (v as *mut u8).add(*vt.indexes.add((*f).field_index as usize) as usize).cast()
        }
        _ => throw_msg("Invalid field access"),
    }
}

/// Stores an integer-like `value` into a field of kind `ft` (or converts through `tmp`).
unsafe fn store_int(addr: *mut c_void, ft: *mut hl_type, value: i64, src_t: *mut hl_type, as_i64: bool) -> bool {
    match (*ft).kind {
        HUI8 => *(addr as *mut u8) = value as u8,
        HUI16 => *(addr as *mut u16) = value as u16,
        HI32 => *(addr as *mut i32) = value as i32,
        HI64 | HGUID => *(addr as *mut i64) = value,
        HBOOL => *(addr as *mut u8) = (value != 0) as u8,
        HF32 => *(addr as *mut f32) = value as f32,
        HF64 => *(addr as *mut f64) = value as f64,
        _ => {
            let mut tmp = vdynamic { t: src_t, v: vdynamic_value { i64: 0 } };
            if as_i64 {
                tmp.v.i64 = value;
            } else {
                tmp.v.i = value as i32;
            }
            hl_write_dyn(addr, ft, &mut tmp, true);
        }
    }
    true
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_seti(d: *mut vdynamic, hfield: i32, t: *mut hl_type, value: i32) {
    let mut ft = null_mut();
    let addr = obj_lookup_set(d, hfield, t, &mut ft);
    store_int(addr, ft, value as i64, t, false);
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_seti64(d: *mut vdynamic, hfield: i32, value: i64) {
    let mut ft = null_mut();
    let addr = obj_lookup_set(d, hfield, hlt_i64.get(), &mut ft);
    store_int(addr, ft, value, hlt_i64.get(), true);
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_setf(d: *mut vdynamic, hfield: i32, value: f32) {
    let mut ft = null_mut();
    let addr = obj_lookup_set(d, hfield, hlt_f32.get(), &mut ft);
    if (*ft).kind == HF32 {
        *(addr as *mut f32) = value;
    } else {
        let mut tmp = vdynamic { t: hlt_f32.get(), v: vdynamic_value { i64: 0 } };
        tmp.v.f = value;
        hl_write_dyn(addr, ft, &mut tmp, true);
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_setd(d: *mut vdynamic, hfield: i32, value: f64) {
    let mut ft = null_mut();
    let addr = obj_lookup_set(d, hfield, hlt_f64.get(), &mut ft);
    if (*ft).kind == HF64 {
        *(addr as *mut f64) = value;
    } else {
        let mut tmp = vdynamic { t: hlt_f64.get(), v: vdynamic_value { d: value } };
        hl_write_dyn(addr, ft, &mut tmp, true);
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_setp(d: *mut vdynamic, hfield: i32, t: *mut hl_type, value: *mut c_void) {
    let mut ft = null_mut();
    let addr = obj_lookup_set(d, hfield, t, &mut ft);
    if same_type(t, ft) || (is_ptr(ft) && value.is_null()) {
        *(addr as *mut *mut c_void) = value;
    } else if super::types::is_dynamic(t) {
        hl_write_dyn(addr, ft, value.cast(), false);
    } else {
        let mut tmp = vdynamic { t, v: vdynamic_value { ptr: value } };
        hl_write_dyn(addr, ft, &mut tmp, true);
    }
}

// ---------------------------------------------------------------------------
// Natives (`std@obj_*`, `std@alloc_obj`, `std@get_virtual_value`).

#[no_mangle]
pub unsafe extern "C" fn hl_obj_get_field(obj: *mut vdynamic, hfield: i32) -> *mut vdynamic {
    if obj.is_null() {
        return null_mut();
    }
    match (*(*obj).t).kind {
        HOBJ | HVIRTUAL | HDYNOBJ | HSTRUCT => hl_dyn_getp(obj, hfield, hlt_dyn.get()).cast(),
        _ => null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_obj_set_field(obj: *mut vdynamic, hfield: i32, v: *mut vdynamic) {
    if obj.is_null() {
        throw_msg("Null access");
    }
    if v.is_null() {
        hl_dyn_setp(obj, hfield, hlt_dyn.get(), null_mut());
        return;
    }
    let mut ft = null_mut();
    let addr = obj_lookup_set(obj, hfield, (*v).t, &mut ft);
    hl_write_dyn(addr, ft, v, false);
}

#[no_mangle]
pub unsafe extern "C" fn hl_obj_has_field(obj: *mut vdynamic, hfield: i32) -> bool {
    if obj.is_null() {
        return false;
    }
    match (*(*obj).t).kind {
        HOBJ | HSTRUCT => {
            let l = obj_resolve_field((*(*obj).t).obj(), hfield);
            !l.is_null() && (*l).field_index >= 0
        }
        HDYNOBJ => {
            let d = obj as *mut vdynobj;
            !lookup_find((*d).lookup, (*d).nfields, hfield).is_null()
        }
        HVIRTUAL => {
            let v = obj as *mut vvirtual;
            if !(*v).value.is_null() {
                return hl_obj_has_field((*v).value, hfield);
            }
            let vt = &*(*(*v).t).virt();
            !lookup_find(vt.lookup, vt.nfields, hfield).is_null()
        }
        _ => false,
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_obj_delete_field(obj: *mut vdynamic, hfield: i32) -> bool {
    if obj.is_null() {
        return false;
    }
    match (*(*obj).t).kind {
        HDYNOBJ => {
            let d = obj as *mut vdynobj;
            let f = lookup_find((*d).lookup, (*d).nfields, hfield);
            if f.is_null() {
                return false;
            }
            dynobj_delete_field(d, f);
            true
        }
        HVIRTUAL => {
            let v = obj as *mut vvirtual;
            if !(*v).value.is_null() {
                return hl_obj_delete_field((*v).value, hfield);
            }
            let vt = &*(*(*v).t).virt();
            if lookup_find(vt.lookup, vt.nfields, hfield).is_null() {
                return false;
            }
            hl_obj_delete_field(hl_virtual_make_value(v), hfield)
        }
        _ => false,
    }
}

/// `std@obj_fields`: field names in declaration order (dynobjs), or every
/// named field from the class up (objects).
#[no_mangle]
pub unsafe extern "C" fn hl_obj_fields(obj: *mut vdynamic) -> *mut varray {
    if obj.is_null() {
        return null_mut();
    }
    match (*(*obj).t).kind {
        HDYNOBJ => {
            let o = obj as *mut vdynobj;
            let a = new_array(hlt_bytes.get(), (*o).nfields);
            for i in 0..(*o).nfields as usize {
                let f = &*(*o).lookup.add(i);
                *aptr::<*mut vbyte>(a).add(dynobj_order(f) as usize) = super::bytes::hl_field_name(f.hashed_name);
            }
            a
        }
        HOBJ | HSTRUCT => {
            let mut tobj = (*(*obj).t).obj();
            let a = new_array(hlt_bytes.get(), (*(*tobj).rt).nfields);
            let mut p = 0;
            loop {
                for i in 0..(*tobj).nfields as usize {
                    let f = &*(*tobj).fields.add(i);
                    if f.name.is_null() || *f.name == 0 {
                        (*a).size -= 1;
                        continue;
                    }
                    *aptr::<*const uchar>(a).add(p) = f.name;
                    p += 1;
                }
                if (*tobj).super_.is_null() {
                    break;
                }
                tobj = (*(*tobj).super_).obj();
            }
            a
        }
        HVIRTUAL => {
            let v = obj as *mut vvirtual;
            if !(*v).value.is_null() {
                return hl_obj_fields((*v).value);
            }
            let vt = &*(*(*v).t).virt();
            let a = new_array(hlt_bytes.get(), vt.nfields);
            for i in 0..vt.nfields as usize {
                *aptr::<*const uchar>(a).add(i) = (*vt.fields.add(i)).name;
            }
            a
        }
        _ => null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_obj_copy(obj: *mut vdynamic) -> *mut vdynamic {
    if obj.is_null() {
        return null_mut();
    }
    match (*(*obj).t).kind {
        HDYNOBJ => {
            let o = obj as *mut vdynobj;
            let c = hl_alloc_dynobj();
            let n = (*o).nfields as usize;
            (*c).raw_size = (*o).raw_size;
            (*c).nfields = (*o).nfields;
            (*c).nvalues = (*o).nvalues;
            (*c).virtuals = null_mut();
            (*c).lookup = gc_noptr(size_of::<hl_field_lookup>() * n) as *mut hl_field_lookup;
            if n > 0 {
                ::std::ptr::copy_nonoverlapping((*o).lookup, (*c).lookup, n);
            }
            (*c).raw_data = gc_noptr((*o).raw_size as usize);
            (*c).values = gc_raw((*o).nvalues as usize * size_of::<usize>()) as *mut *mut c_void;
            if (*o).raw_size > 0 {
                ::std::ptr::copy_nonoverlapping((*o).raw_data, (*c).raw_data, (*o).raw_size as usize);
            }
            if (*o).nvalues > 0 {
                ::std::ptr::copy_nonoverlapping((*o).values, (*c).values, (*o).nvalues as usize);
            }
            c.cast()
        }
        HVIRTUAL => {
            let v = obj as *mut vvirtual;
            if !(*v).value.is_null() {
                return hl_obj_copy((*v).value);
            }
            let vt = &*(*(*v).t).virt();
            let v2 = hl_alloc_virtual((*v).t);
            let nf = vt.nfields as usize;
            ::std::ptr::copy_nonoverlapping(vfields(v).add(nf) as *const u8, vfields(v2).add(nf) as *mut u8, vt.data_size as usize);
            v2.cast()
        }
        _ => null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_get_virtual_value(v: *mut vdynamic) -> *mut vdynamic {
    (*(v as *mut vvirtual)).value
}
