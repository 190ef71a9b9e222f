//! The collector can be shut down (returning its memory) and started again.

use hlrt::abi::mem;
use hlrt::gc::{self, *};
use std::ffi::c_void;
use std::hint::black_box;
use std::ptr::null_mut;

fn mapped_kb() -> usize {
    // Sum of the process's mappings (VmSize), in KB.
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = s.lines().find(|l| l.starts_with("VmSize:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn shutdown_then_init_again() {
    let top = 0usize;
    let top = black_box(&top) as *const usize as *mut c_void;
    let vm0 = mapped_kb();
    for round in 0..3 {
        gc::init();
        assert!(gc::is_initialized());
        hl_register_thread(top);
        let p = unsafe { work(round) };
        assert!(hl_is_gc_ptr(p));
        let s = gc::stats();
        assert!(s.collections >= 1 && s.heap_bytes > 0);
        gc::shutdown();
        assert!(!gc::is_initialized());
        assert!(
            hl_get_thread().is_null(),
            "shutdown unregisters the calling thread"
        );
        assert!(
            !hl_is_gc_ptr(p),
            "a pointer of the old heap is still reported"
        );
        assert_eq!(gc::stats().heap_bytes, 0);
        // All reserved address space is returned (allow some slack for the
        // test harness's own allocations).
        let vm = mapped_kb();
        assert!(
            vm < vm0 + 64 * 1024,
            "round {round}: VmSize {vm0} KB -> {vm} KB"
        );
    }
    // Allocating without init initialises (and registers the thread) implicitly.
    let p = unsafe { hl_gc_alloc_gen(null_mut(), 32, mem::KIND_RAW) };
    assert!(hl_is_gc_ptr(p) && !hl_get_thread().is_null());
    gc::shutdown();
}

#[inline(never)]
unsafe fn work(round: usize) -> *mut c_void {
    let keep = hl_gc_alloc_gen(null_mut(), 64, mem::KIND_NOPTR) as *mut usize;
    *keep = round;
    for i in 0..20_000 {
        black_box(hl_gc_alloc_gen(
            null_mut(),
            8 + (i % 300) as i32,
            mem::KIND_RAW,
        ));
    }
    black_box(hl_gc_alloc_gen(null_mut(), 3 << 20, mem::KIND_NOPTR));
    hl_gc_major();
    assert_eq!(*keep, round);
    keep.cast()
}
