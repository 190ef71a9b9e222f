//! Enum values (the enum parts of libhl's `std/types.c`): allocation,
//! construction from dynamics, parameters, structural equality and the
//! `std@type_enum_*` reflection natives.

use super::cast::{hl_dyn_compare, hl_make_dyn, hl_write_dyn};
use super::types::{aptr, is_ptr, new_array};
use crate::abi::kind::*;
use crate::abi::*;
use crate::gc::hl_gc_alloc_gen;
use ::std::ptr::null_mut;

/// Constructor `index` of enum type `t`.
#[inline]
pub unsafe fn construct(t: *mut hl_type, index: i32) -> *mut hl_enum_construct {
    (*(*t).tenum()).constructs.add(index as usize)
}

/// `hl_init_enum`: lays out enum type `et` from its constructors' parameter
/// types (sizes, offsets, whether they hold pointers, mark bits), as libhl
/// does for types built at run time; the data comes from `m`'s arena.
#[no_mangle]
pub unsafe extern "C" fn hl_init_enum(et: *mut hl_type, m: *mut hl_module_context) {
    let e = (*et).tenum();
    let n = (*e).nconstructs.max(0) as usize;
    let mut rows = 0usize;
    for i in 0..n {
        let c = &mut *(*e).constructs.add(i);
        c.hasptr = false;
        c.size = (::std::mem::size_of::<*mut hl_type>() + ::std::mem::size_of::<i32>()) as i32;
        for j in 0..c.nparams.max(0) as usize {
            let t = *c.params.add(j);
            c.size += super::types::hl_pad_struct(c.size, t);
            *c.offsets.add(j) = c.size;
            c.hasptr |= is_ptr(t);
            c.size += super::types::kind_size((*t).kind);
        }
        if c.hasptr {
            rows = rows.max(i + super::obj::mark_words(c.size - 16));
        }
    }
    if rows == 0 {
        (*et).mark_bits = null_mut();
        return;
    }
    let mark = super::obj::type_data_alloc(m, rows * 4) as *mut u32;
    for i in 0..n {
        let c = &*(*e).constructs.add(i);
        if !c.hasptr {
            continue;
        }
        for j in 0..c.nparams.max(0) as usize {
            if is_ptr(*c.params.add(j)) {
                // Bit 0 of a constructor's row is the word after the index.
                let pos = (*c.offsets.add(j) / 8 - 2) as usize;
                *mark.add(i + (pos >> 5)) |= 1 << (pos & 31);
            }
        }
    }
    (*et).mark_bits = mark;
}

/// `hl_alloc_enum`: a zeroed value of constructor `index`.
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_enum(t: *mut hl_type, index: i32) -> *mut venum {
    let c = &*construct(t, index);
    let kind = if c.hasptr { mem::KIND_DYNAMIC } else { mem::KIND_NOPTR };
    let v = hl_gc_alloc_gen(t, c.size, kind | mem::ZERO) as *mut venum;
    (*v).t = t;
    (*v).index = index;
    v
}

/// `std@alloc_enum_dyn`: constructor `index` with the first `nargs` dynamics
/// of `args` (missing trailing parameters must be nullable); null if they do not fit.
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_enum_dyn(t: *mut hl_type, index: i32, args: *mut varray, nargs: i32) -> *mut venum {
    let c = &*construct(t, index);
    if c.nparams < nargs || (*args).size < nargs {
        return null_mut();
    }
    for i in nargs.max(0)..c.nparams {
        if !is_ptr(*c.params.add(i as usize)) {
            return null_mut();
        }
    }
    let e = hl_alloc_enum(t, index);
    for i in 0..nargs.max(0) as usize {
        let off = *c.offsets.add(i) as usize;
        hl_write_dyn((e as *mut u8).add(off).cast(), *c.params.add(i), *aptr::<*mut vdynamic>(args).add(i), false);
    }
    e
}

/// `std@enum_parameters`: the parameters of `e`, boxed.
#[no_mangle]
pub unsafe extern "C" fn hl_enum_parameters(e: *mut venum) -> *mut varray {
    let c = &*construct((*e).t, (*e).index);
    let a = new_array(hlt_dyn.get(), c.nparams);
    for i in 0..c.nparams.max(0) as usize {
        let addr = (e as *mut u8).add(*c.offsets.add(i) as usize);
        *aptr::<*mut vdynamic>(a).add(i) = hl_make_dyn(addr.cast(), *c.params.add(i));
    }
    a
}

#[no_mangle]
pub unsafe extern "C" fn hl_type_enum_fields(t: *mut hl_type) -> *mut varray {
    let te = &*(*t).tenum();
    let a = new_array(hlt_bytes.get(), te.nconstructs);
    for i in 0..te.nconstructs.max(0) as usize {
        *aptr::<*const uchar>(a).add(i) = (*te.constructs.add(i)).name;
    }
    a
}

/// `std@type_enum_values`: a fresh value for every constructor without
/// parameters (null for the others).
#[no_mangle]
pub unsafe extern "C" fn hl_type_enum_values(t: *mut hl_type) -> *mut varray {
    let te = &*(*t).tenum();
    let a = new_array(hlt_dyn.get(), te.nconstructs);
    for i in 0..te.nconstructs.max(0) {
        if (*te.constructs.add(i as usize)).nparams == 0 {
            *aptr::<*mut venum>(a).add(i as usize) = hl_alloc_enum(t, i);
        }
    }
    a
}

/// `std@type_enum_eq`: structural equality (`Type.enumEq`).
#[no_mangle]
pub unsafe extern "C" fn hl_type_enum_eq(a: *mut venum, b: *mut venum) -> bool {
    if a == b {
        return true;
    }
    if a.is_null() || b.is_null() || (*a).t != (*b).t || (*a).index != (*b).index {
        return false;
    }
    let c = &*construct((*a).t, (*a).index);
    for i in 0..c.nparams.max(0) as usize {
        let t = *c.params.add(i);
        let off = *c.offsets.add(i) as usize;
        let pa = (a as *mut u8).add(off);
        let pb = (b as *mut u8).add(off);
        if (*t).kind == HENUM {
            if !hl_type_enum_eq(*(pa as *mut *mut venum), *(pb as *mut *mut venum)) {
                return false;
            }
            continue;
        }
        let da = hl_make_dyn(pa.cast(), t);
        let db = hl_make_dyn(pb.cast(), t);
        if !da.is_null() && !db.is_null() && (*(*da).t).kind == HENUM && (*(*db).t).kind == HENUM {
            if !hl_type_enum_eq(da.cast(), db.cast()) {
                return false;
            }
            continue;
        }
        if hl_dyn_compare(da, db) != 0 {
            return false;
        }
    }
    true
}
