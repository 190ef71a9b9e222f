//! The C entry points: `hl.h`'s allocation, root and thread API, and the
//! natives of Haxe's `hl.Gc` (libhl's `gc.c` primitives).

// The contracts of these functions are hl.h's.
#![allow(clippy::missing_safety_doc)]

use super::*;
use crate::abi::{hl_type, kind, varray, vdynamic};
use std::ffi::{c_char, CStr};
use std::io::Write;

/// `hl_types_dump`: called by the memory dump to write type information.
pub type TypesDump = unsafe extern "C" fn(unsafe extern "C" fn(*mut c_void, i32));

#[no_mangle]
pub unsafe extern "C" fn hl_gc_alloc_gen(t: *mut hl_type, size: i32, flags: i32) -> *mut c_void {
    alloc(t, size, flags).cast()
}

#[no_mangle]
pub unsafe extern "C" fn hl_add_root(slot: *mut c_void) {
    add_root(slot.cast());
}

#[no_mangle]
pub unsafe extern "C" fn hl_remove_root(slot: *mut c_void) {
    remove_root(slot.cast());
}

#[no_mangle]
pub extern "C" fn hl_gc_major() {
    collect();
}

#[no_mangle]
pub extern "C" fn hl_is_gc_ptr(p: *mut c_void) -> bool {
    is_gc_ptr(p)
}

#[no_mangle]
pub extern "C" fn hl_gc_get_memsize(p: *mut c_void) -> i32 {
    memsize(p)
}

#[no_mangle]
pub extern "C" fn hl_blocking(b: bool) {
    set_blocking(b);
}

#[no_mangle]
pub extern "C" fn hl_is_blocking() -> bool {
    is_blocking()
}

#[no_mangle]
pub extern "C" fn hl_gc_safepoint() {
    safepoint();
}

#[no_mangle]
pub extern "C" fn hl_register_thread(stack_top: *mut c_void) {
    register_thread(stack_top);
}

#[no_mangle]
pub extern "C" fn hl_unregister_thread() {
    unregister_thread();
}

#[no_mangle]
pub extern "C" fn hl_get_thread() -> *mut hl_thread_info {
    current_thread()
}

#[no_mangle]
pub extern "C" fn hl_gc_enable(b: bool) {
    enable(b);
}

#[no_mangle]
pub extern "C" fn hl_gc_profile(b: bool) {
    let f = get_flags();
    set_flags(if b {
        f | flags::PROFILE
    } else {
        f & !flags::PROFILE
    });
}

/// `hl.Gc.stats`: total bytes allocated, number of allocations, heap size.
#[no_mangle]
pub unsafe extern "C" fn hl_gc_stats(
    total_allocated: *mut f64,
    allocation_count: *mut f64,
    current_memory: *mut f64,
) {
    let s = stats();
    if !total_allocated.is_null() {
        *total_allocated = s.total_allocated as f64;
    }
    if !allocation_count.is_null() {
        *allocation_count = s.allocation_count as f64;
    }
    if !current_memory.is_null() {
        *current_memory = s.heap_bytes as f64;
    }
}

#[no_mangle]
pub extern "C" fn hl_gc_get_flags() -> i32 {
    get_flags()
}

#[no_mangle]
pub extern "C" fn hl_gc_set_flags(f: i32) {
    set_flags(f);
}

#[no_mangle]
pub extern "C" fn hl_set_thread_flags(flags: i32, mask: i32) {
    let t = current_thread();
    if !t.is_null() {
        unsafe { (*t).flags = ((*t).flags & !mask) | flags };
    }
}

#[no_mangle]
pub extern "C" fn hl_debug_call(_mode: i32, _v: *mut vdynamic) -> *mut vdynamic {
    null_mut()
}

#[no_mangle]
pub extern "C" fn hl_gc_set_dump_types(f: Option<TypesDump>) {
    init();
    let g = lock_raw();
    unsafe { state(&g).dump_types = f };
}

/// `hl.Gc.dumpMemory`: writes a text summary of the heap (statistics, then
/// one line per page) to `filename` (default `hlmemory.dump`).
#[no_mangle]
pub unsafe extern "C" fn hl_gc_dump_memory(filename: *const c_char) {
    if !is_initialized() {
        return;
    }
    let name = if filename.is_null() {
        "hlmemory.dump".to_string()
    } else {
        CStr::from_ptr(filename).to_string_lossy().into_owned()
    };
    let g = lock_heap(current());
    if let Err(e) = dump_memory(state(&g), &name) {
        eprintln!("hlrt gc: cannot write {name}: {e}");
    }
}

pub(super) fn dump_memory(st: &mut Gc, name: &str) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(name)?);
    writeln!(f, "hlrt heap dump")?;
    writeln!(f, "heap_bytes {}", st.heap.heap_bytes())?;
    writeln!(f, "live_bytes_last_collection {}", st.live_bytes)?;
    writeln!(f, "collections {}", COLLECTIONS.load(Relaxed))?;
    writeln!(f, "total_allocated {}", TOTAL_ALLOCATED.load(Relaxed))?;
    writeln!(f, "roots {}", st.roots.len())?;
    writeln!(f, "threads {}", st.threads.len())?;
    writeln!(f, "pages {}", st.heap.pages.len())?;
    for &h in st.heap.pages.iter() {
        let pg = unsafe { &*h };
        let used: u32 = pg.alloc[..pg.bitmap_words()]
            .iter()
            .map(|w| w.count_ones())
            .sum();
        writeln!(
            f,
            "page {:#x} kind {} block {} blocks {} allocated {}{}",
            pg.start,
            pg.kind,
            pg.block_size,
            pg.nblocks,
            used,
            if pg.is_large() { " large" } else { "" }
        )?;
    }
    f.flush()
}

/// `hl.Gc.getLiveObjects`: collects, counts the live blocks whose type is
/// `t` and stores up to `arr.size` of them in `arr`.
#[no_mangle]
pub unsafe extern "C" fn hl_gc_get_live_objects(t: *mut hl_type, arr: *mut varray) -> i32 {
    if t.is_null() {
        return -1;
    }
    // hl_is_dynamic
    let k = (*t).kind;
    let dynamic = matches!(
        k,
        kind::HDYN
            | kind::HFUN
            | kind::HOBJ
            | kind::HARRAY
            | kind::HVIRTUAL
            | kind::HDYNOBJ
            | kind::HENUM
            | kind::HNULL
    );
    if !dynamic {
        return -1;
    }
    let kinds = (1 << mem::KIND_DYNAMIC) | (1 << mem::KIND_NOPTR);
    let mut count = 0i32;
    let cap = if arr.is_null() {
        0
    } else {
        (*arr).size.max(0) as usize
    };
    let data = if arr.is_null() {
        null_mut()
    } else {
        varray::data(arr) as *mut *mut c_void
    };
    collect_and_visit(kinds, &mut |addr, size| {
        if size >= 8 && *(addr as *const *mut hl_type) == t {
            if (count as usize) < cap {
                *data.add(count as usize) = addr as *mut c_void;
            }
            count += 1;
        }
    });
    count
}
