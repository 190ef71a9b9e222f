//! `std/array.c`: HashLink's native arrays (`varray`: a 24-byte header then
//! the elements, `hl_aptr`).

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

use super::raise_error;
use crate::abi::*;
use crate::gc::hl_gc_alloc_gen;
use ::std::cell::UnsafeCell;
use ::std::sync::Once;

/// `hl_type_size`: the storage size of a value of type `t` (pointer types: 8).
pub unsafe fn type_size(t: *const hl_type) -> usize {
    const PTR: usize = ::std::mem::size_of::<*mut u8>();
    match (*t).kind {
        kind::HVOID => 0,
        kind::HUI8 => 1,
        kind::HUI16 => 2,
        kind::HI32 | kind::HF32 => 4,
        kind::HI64 | kind::HF64 | kind::HGUID => 8,
        kind::HBOOL => 1,
        kind::HPACKED => 0,
        _ => PTR,
    }
}

/// `hl_is_ptr`: whether values of type `t` are GC pointers.
pub unsafe fn is_ptr(t: *const hl_type) -> bool {
    let k = (*t).kind;
    k >= kind::HBYTES && k != kind::HGUID
}

struct EmptyArray(UnsafeCell<varray>);
// Written once under `Once`, read-only afterwards.
unsafe impl Sync for EmptyArray {}

static EMPTY_DYN_ARRAY: EmptyArray =
    EmptyArray(UnsafeCell::new(varray { t: ::std::ptr::null_mut(), at: ::std::ptr::null_mut(), size: 0, _pad: 0 }));
static EMPTY_INIT: Once = Once::new();

/// `alloc_array` / `hl_alloc_array(at, size)`: a zeroed array of `size` elements of type `at`.
/// Arrays of pointer types are `MEM_KIND_DYNAMIC` blocks of type `hlt_array`
/// (scanned by the GC), others `MEM_KIND_NOPTR`. An empty `Dynamic` array is
/// a single shared static, as in libhl. A negative size raises "Invalid array size".
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_array(at: *mut hl_type, size: i32) -> *mut varray {
    if size == 0 && (*at).kind == kind::HDYN {
        let p = EMPTY_DYN_ARRAY.0.get();
        EMPTY_INIT.call_once(|| {
            (*p).t = hlt_array.get();
            (*p).at = hlt_dyn.get();
        });
        return p;
    }
    if size < 0 {
        raise_error("Invalid array size");
    }
    let esize = type_size(at);
    let bytes = ::std::mem::size_of::<varray>() as i64 + esize as i64 * size as i64;
    if bytes > i32::MAX as i64 {
        raise_error("Invalid allocation size");
    }
    let kind = if is_ptr(at) { mem::KIND_DYNAMIC } else { mem::KIND_NOPTR };
    let a = hl_gc_alloc_gen(hlt_array.get(), bytes as i32, kind | mem::ZERO) as *mut varray;
    (*a).t = hlt_array.get();
    (*a).at = at;
    (*a).size = size;
    a
}

/// Rust shorthand for [`hl_alloc_array`].
pub unsafe fn alloc_array(at: *mut hl_type, size: i32) -> *mut varray {
    hl_alloc_array(at, size)
}

/// `array_blit`: `memmove` of `len` elements (element size of `dst`'s type).
#[no_mangle]
pub unsafe extern "C" fn hl_array_blit(dst: *mut varray, dpos: i32, src: *mut varray, spos: i32, len: i32) {
    let size = type_size((*dst).at) as isize;
    if len <= 0 || size == 0 {
        return;
    }
    let d = varray::data(dst).offset(dpos as isize * size);
    let s = varray::data(src).offset(spos as isize * size);
    ::std::ptr::copy(s, d, len as usize * size as usize);
}

/// `array_type`: the element type.
#[no_mangle]
pub unsafe extern "C" fn hl_array_type(a: *mut varray) -> *mut hl_type {
    (*a).at
}

/// `array_bytes`: the element data.
#[no_mangle]
pub unsafe extern "C" fn hl_array_bytes(a: *mut varray) -> *mut vbyte {
    varray::data(a)
}
