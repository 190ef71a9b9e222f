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

/// `hlc_gc_poll`: the slow path of generated code's loop polls, reached only
/// when `hlc_gc_stopping` is set. It preserves every register (generated code
/// declares it with Cranelift's `preserve_all` convention), so a poll in a
/// loop makes the register allocator save nothing around it: the call is
/// invisible to the hot path. The caller-saved registers are pushed on this
/// frame, above the stack pointer `hl_gc_safepoint` records, so pointers the
/// loop keeps in them are scanned like the rest of its stack.
#[cfg(target_arch = "x86_64")]
#[unsafe(naked)]
#[no_mangle]
pub unsafe extern "C" fn hlc_gc_poll() {
    std::arch::naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        "push rax",
        "push rcx",
        "push rdx",
        "push rsi",
        "push rdi",
        "push r8",
        "push r9",
        "push r10",
        "push r11",
        // 9 pushes after rbp: 8 more bytes keep the call 16-byte aligned.
        // The lowest 32 bytes are the callee's home area in the Windows x64
        // convention (it may write there); unused on System V.
        "sub rsp, 296",
        "movaps [rsp + 32], xmm0",
        "movaps [rsp + 48], xmm1",
        "movaps [rsp + 64], xmm2",
        "movaps [rsp + 80], xmm3",
        "movaps [rsp + 96], xmm4",
        "movaps [rsp + 112], xmm5",
        "movaps [rsp + 128], xmm6",
        "movaps [rsp + 144], xmm7",
        "movaps [rsp + 160], xmm8",
        "movaps [rsp + 176], xmm9",
        "movaps [rsp + 192], xmm10",
        "movaps [rsp + 208], xmm11",
        "movaps [rsp + 224], xmm12",
        "movaps [rsp + 240], xmm13",
        "movaps [rsp + 256], xmm14",
        "movaps [rsp + 272], xmm15",
        "call {safepoint}",
        "movaps xmm0, [rsp + 32]",
        "movaps xmm1, [rsp + 48]",
        "movaps xmm2, [rsp + 64]",
        "movaps xmm3, [rsp + 80]",
        "movaps xmm4, [rsp + 96]",
        "movaps xmm5, [rsp + 112]",
        "movaps xmm6, [rsp + 128]",
        "movaps xmm7, [rsp + 144]",
        "movaps xmm8, [rsp + 160]",
        "movaps xmm9, [rsp + 176]",
        "movaps xmm10, [rsp + 192]",
        "movaps xmm11, [rsp + 208]",
        "movaps xmm12, [rsp + 224]",
        "movaps xmm13, [rsp + 240]",
        "movaps xmm14, [rsp + 256]",
        "movaps xmm15, [rsp + 272]",
        "add rsp, 296",
        "pop r11",
        "pop r10",
        "pop r9",
        "pop r8",
        "pop rdi",
        "pop rsi",
        "pop rdx",
        "pop rcx",
        "pop rax",
        "pop rbp",
        "ret",
        safepoint = sym hl_gc_safepoint,
    )
}

/// `hlc_gc_poll` for aarch64: x0-x17 and all of q0-q31 (the callee-saved
/// d8-d15 are only preserved in their low halves by the C convention).
#[cfg(target_arch = "aarch64")]
#[unsafe(naked)]
#[no_mangle]
pub unsafe extern "C" fn hlc_gc_poll() {
    std::arch::naked_asm!(
        "stp x29, x30, [sp, #-16]!",
        "mov x29, sp",
        "sub sp, sp, #656",
        "stp x0, x1, [sp, #0]",
        "stp x2, x3, [sp, #16]",
        "stp x4, x5, [sp, #32]",
        "stp x6, x7, [sp, #48]",
        "stp x8, x9, [sp, #64]",
        "stp x10, x11, [sp, #80]",
        "stp x12, x13, [sp, #96]",
        "stp x14, x15, [sp, #112]",
        "stp x16, x17, [sp, #128]",
        "stp q0, q1, [sp, #144]",
        "stp q2, q3, [sp, #176]",
        "stp q4, q5, [sp, #208]",
        "stp q6, q7, [sp, #240]",
        "stp q8, q9, [sp, #272]",
        "stp q10, q11, [sp, #304]",
        "stp q12, q13, [sp, #336]",
        "stp q14, q15, [sp, #368]",
        "stp q16, q17, [sp, #400]",
        "stp q18, q19, [sp, #432]",
        "stp q20, q21, [sp, #464]",
        "stp q22, q23, [sp, #496]",
        "stp q24, q25, [sp, #528]",
        "stp q26, q27, [sp, #560]",
        "stp q28, q29, [sp, #592]",
        "stp q30, q31, [sp, #624]",
        "bl {safepoint}",
        "ldp x0, x1, [sp, #0]",
        "ldp x2, x3, [sp, #16]",
        "ldp x4, x5, [sp, #32]",
        "ldp x6, x7, [sp, #48]",
        "ldp x8, x9, [sp, #64]",
        "ldp x10, x11, [sp, #80]",
        "ldp x12, x13, [sp, #96]",
        "ldp x14, x15, [sp, #112]",
        "ldp x16, x17, [sp, #128]",
        "ldp q0, q1, [sp, #144]",
        "ldp q2, q3, [sp, #176]",
        "ldp q4, q5, [sp, #208]",
        "ldp q6, q7, [sp, #240]",
        "ldp q8, q9, [sp, #272]",
        "ldp q10, q11, [sp, #304]",
        "ldp q12, q13, [sp, #336]",
        "ldp q14, q15, [sp, #368]",
        "ldp q16, q17, [sp, #400]",
        "ldp q18, q19, [sp, #432]",
        "ldp q20, q21, [sp, #464]",
        "ldp q22, q23, [sp, #496]",
        "ldp q24, q25, [sp, #528]",
        "ldp q26, q27, [sp, #560]",
        "ldp q28, q29, [sp, #592]",
        "ldp q30, q31, [sp, #624]",
        "add sp, sp, #656",
        "ldp x29, x30, [sp], #16",
        "ret",
        safepoint = sym hl_gc_safepoint,
    )
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
        // SAFETY: `t` is the calling thread's own registered state (checked non-null).
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
    // SAFETY: `g` is the GC lock, under which state() may be borrowed mutably.
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
        // SAFETY: the caller holds the GC lock (`st` borrows from it); pages are freed only under it.
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
