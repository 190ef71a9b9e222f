//! Memory outside the garbage collector that libhl hands out: `hl_alloc`
//! arenas (`hl_malloc` into a chain of malloc'ed blocks, all released by one
//! `hl_free`; type descriptors built at run time live there) and executable
//! memory.

use std::ffi::c_void;
use std::ptr::null_mut;

/// One malloc'ed block of an arena; its free space follows the header.
#[repr(C)]
pub struct hl_alloc_block {
    /// Bytes still free after `p`.
    size: i32,
    next: *mut hl_alloc_block,
    /// The next free byte.
    p: *mut u8,
}

/// `hl_alloc`: an arena, the newest block first.
#[repr(C)]
pub struct hl_alloc {
    pub cur: *mut hl_alloc_block,
}

/// Blocks are at least this large (header included), as in libhl.
const BLOCK_BYTES: usize = 4096;
const HEADER: usize = std::mem::size_of::<hl_alloc_block>();

/// `hl_alloc_init`: an empty arena.
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_init(a: *mut hl_alloc) {
    (*a).cur = null_mut();
}

/// `hl_malloc`: `size` bytes (8-byte aligned, not zeroed) that live until
/// `hl_free(a)`; null for a size of 0.
#[no_mangle]
pub unsafe extern "C" fn hl_malloc(a: *mut hl_alloc, size: i32) -> *mut c_void {
    if size <= 0 {
        return null_mut();
    }
    let size = (size as usize + 7) & !7;
    let mut b = (*a).cur;
    if b.is_null() || ((*b).size as usize) < size {
        let room = size.max(BLOCK_BYTES - HEADER);
        b = libc::malloc(HEADER + room) as *mut hl_alloc_block;
        if b.is_null() {
            crate::start::fatal("out of memory (hl_malloc)");
        }
        (*b).p = (b as *mut u8).add(HEADER);
        (*b).size = room as i32;
        (*b).next = (*a).cur;
        (*a).cur = b;
    }
    let p = (*b).p;
    (*b).p = p.add(size);
    (*b).size -= size as i32;
    p.cast()
}

/// `hl_zalloc`: like `hl_malloc`, zeroed.
#[no_mangle]
pub unsafe extern "C" fn hl_zalloc(a: *mut hl_alloc, size: i32) -> *mut c_void {
    let p = hl_malloc(a, size);
    if !p.is_null() {
        std::ptr::write_bytes(p as *mut u8, 0, size as usize);
    }
    p
}

/// `hl_free`: releases every block of the arena, which is then empty again.
/// The `hl_alloc` itself may live in one of its own blocks (then it is gone
/// too, and not written to).
#[no_mangle]
pub unsafe extern "C" fn hl_free(a: *mut hl_alloc) {
    let mut b = (*a).cur;
    let mut inside = false;
    while !b.is_null() {
        let next = (*b).next;
        let start = b as usize;
        let end = (*b).p as usize + (*b).size as usize;
        inside |= (a as usize) >= start && (a as usize) < end;
        libc::free(b.cast());
        b = next;
    }
    if !inside {
        (*a).cur = null_mut();
    }
}

/// `hl_alloc_executable_memory`: `size` bytes readable, writable and
/// executable (for code generated at run time), or null.
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_executable_memory(size: i32) -> *mut c_void {
    if size <= 0 {
        return null_mut();
    }
    crate::sys::map(size as usize, true).cast()
}

/// `hl_free_executable_memory`: releases what `hl_alloc_executable_memory` gave.
#[no_mangle]
pub unsafe extern "C" fn hl_free_executable_memory(p: *mut c_void, size: i32) {
    if !p.is_null() && size > 0 {
        crate::sys::unmap(p.cast(), size as usize);
    }
}
