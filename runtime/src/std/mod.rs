//! Natives of HashLink's `std` library, one module per area as in libhl's
//! `src/std/*.c`. Symbols follow HL/C's naming: `hl_<name>` for `std@<name>`.
//!
//! This file also holds the small helpers the natives share: GC allocation
//! wrappers, UCS-2 string utilities and the hooks through which natives raise
//! HashLink errors (the exception machinery lives elsewhere in the runtime).
//!
//! Rust API for other runtime modules (see each module for details):
//! - [`alloc_noptr`], [`alloc_raw`], [`alloc_bytes_copy`]: GC allocation shorthands.
//! - [`ucs2::ucs2_from_str`], [`ucs2::ucs2_to_string`], [`ucs2::ucs2_len`]: UTF-16 <-> Rust strings.
//! - [`number::format_float`] (= `ftos`), [`number::format_g`] (C's `%.<p>g`),
//!   [`number::f64_to_i32`] (x86 `cvttsd2si` conversion).
//! - [`bytes::hash_ucs2`] (`hl_hash_gen`), [`array::type_size`], [`array::alloc_array`].
//! - [`set_error_hook`] / [`raise_error`]: how natives throw (`hl_error`).

pub mod array;
pub mod bytes;
pub mod date;
pub mod debug;
pub mod maps;
pub mod math;
pub mod number;
pub mod random;
pub mod regexp;
pub mod string;
pub mod sys;
pub mod ucs2;
mod unicase;

use crate::abi::*;
use crate::gc::hl_gc_alloc_gen;
use ::std::sync::atomic::{AtomicPtr, Ordering};

/// Allocates `size` bytes of pointer-free GC memory (`hl_gc_alloc_noptr`).
/// Like libhl, a size of 0 gives a null pointer.
///
/// # Safety
/// Allocates on the GC heap: the caller keeps the result where the GC sees it.
pub unsafe fn alloc_noptr(size: usize) -> *mut u8 {
    if size > i32::MAX as usize {
        raise_error("Invalid allocation size");
    }
    hl_gc_alloc_gen(hlt_bytes.get(), size as i32, mem::KIND_NOPTR).cast()
}

/// Zeroed pointer-free GC memory.
///
/// # Safety
/// Allocates on the GC heap: the caller keeps the result where the GC sees it.
pub unsafe fn alloc_noptr_zero(size: usize) -> *mut u8 {
    if size > i32::MAX as usize {
        raise_error("Invalid allocation size");
    }
    hl_gc_alloc_gen(hlt_bytes.get(), size as i32, mem::KIND_NOPTR | mem::ZERO).cast()
}

/// Zeroed GC memory whose every word may be a GC pointer (`hl_gc_alloc_raw`).
///
/// # Safety
/// Allocates on the GC heap: the caller keeps the result where the GC sees it.
pub unsafe fn alloc_raw(size: usize) -> *mut u8 {
    if size > i32::MAX as usize {
        raise_error("Invalid allocation size");
    }
    hl_gc_alloc_gen(hlt_abstract.get(), size as i32, mem::KIND_RAW | mem::ZERO).cast()
}

/// Copies `data` into fresh pointer-free GC memory (`hl_copy_bytes`).
///
/// # Safety
/// Allocates on the GC heap: the caller keeps the result where the GC sees it.
pub unsafe fn alloc_bytes_copy(data: &[u8]) -> *mut u8 {
    let p = alloc_noptr(data.len());
    if !p.is_null() {
        ::std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len());
    }
    p
}

/// Copies UTF-16 units into a fresh NUL-terminated GC string.
///
/// # Safety
/// Allocates on the GC heap: the caller keeps the result where the GC sees it.
pub unsafe fn alloc_ucs2(units: &[u16]) -> *mut u16 {
    let p = alloc_noptr((units.len() + 1) * 2) as *mut u16;
    ::std::ptr::copy_nonoverlapping(units.as_ptr(), p, units.len());
    *p.add(units.len()) = 0;
    p
}

/// Writes `v` through an optional out-parameter (`_REF(_I32)` arguments).
#[inline]
pub(crate) unsafe fn set_out(p: *mut i32, v: i32) {
    if !p.is_null() {
        *p = v;
    }
}

/// A boxed `Int` (`hl_make_dyn(&v, &hlt_i32)`).
///
/// # Safety
/// Allocates on the GC heap: the caller keeps the result where the GC sees it.
pub unsafe fn dyn_i32(v: i32) -> *mut vdynamic {
    let d = hl_gc_alloc_gen(hlt_i32.get(), ::std::mem::size_of::<vdynamic>() as i32, mem::KIND_NOPTR | mem::ZERO)
        as *mut vdynamic;
    (*d).t = hlt_i32.get();
    (*d).v.i = v;
    d
}

// ---------------------------------------------------------------------------
// Raising errors.

/// A function that throws a HashLink exception whose value is the given
/// message (a GC-allocated, NUL-terminated UTF-16 string): what libhl's
/// `hl_error(msg)` does with `hl_throw(hl_alloc_strbytes(msg))`. It must not return.
pub type ErrorHook = unsafe extern "C" fn(msg: *const uchar) -> !;

static ERROR_HOOK: AtomicPtr<()> = AtomicPtr::new(::std::ptr::null_mut());

/// Installs the function natives use to throw errors (set by the exception
/// machinery at start-up). Until one is installed, errors print
/// `Uncaught exception: <msg>` on stderr and exit with status 1.
pub fn set_error_hook(hook: ErrorHook) {
    ERROR_HOOK.store(hook as *mut (), Ordering::SeqCst);
}

/// `hl_error(msg)`: throws `msg` as a HashLink exception.
pub fn raise_error(msg: &str) -> ! {
    let hook = ERROR_HOOK.load(Ordering::SeqCst);
    if !hook.is_null() {
        // SAFETY: the hook is only ever set from a function of type ErrorHook (so the
        // transmute restores its type), and it receives a NUL-terminated UTF-16 string.
        unsafe {
            let f: ErrorHook = ::std::mem::transmute::<*mut (), ErrorHook>(hook);
            let m = ucs2::ucs2_from_str(msg);
            f(m)
        }
    }
    eprintln!("Uncaught exception: {msg}");
    ::std::process::exit(1)
}

/// `hl_virtual_make_value` (obj.c): the value behind a virtual, which the
/// object map uses as the key.
pub(crate) unsafe fn virtual_make_value(v: *mut vvirtual) -> *mut vdynamic {
    if !(*v).value.is_null() {
        return (*v).value;
    }
    obj::hl_virtual_make_value(v)
}
pub mod cast;
pub mod enums;
pub mod fun;
pub mod obj;
pub mod tostring;
pub mod types;
pub mod file;
pub mod process;
pub mod socket;
pub mod thread;
