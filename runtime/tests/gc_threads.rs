//! Several registered threads allocate concurrently; collections stop them
//! all cooperatively and scan every thread's stack, and a thread inside
//! `hl_blocking(true)` does not hold collections up.

use hlrt::abi::{hl_type, kind, mem};
use hlrt::gc::{self, *};
use std::ffi::c_void;
use std::hint::black_box;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use std::time::{Duration, Instant};

/// `Node { t, next: ptr, value: int, payload: ptr }` with mark bits.
fn node_type() -> *mut hl_type {
    let mut t = Box::new(hl_type::new(kind::HOBJ));
    t.mark_bits = Box::leak(Box::new([0b1010u32])).as_mut_ptr();
    Box::into_raw(t)
}

struct SendPtr(*mut hl_type);
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

#[test]
fn threads_allocate_and_collect_concurrently() {
    gc::init();
    let t = SendPtr(node_type());
    let stop_blocker = AtomicBool::new(false);
    let blocked_collections = AtomicUsize::new(0);
    std::thread::scope(|s| {
        // A thread that spends its time in a blocking call.
        s.spawn(|| {
            let top = 0usize;
            hl_register_thread(black_box(&top) as *const usize as *mut c_void);
            let kept =
                unsafe { hl_gc_alloc_gen(null_mut(), 40, mem::KIND_NOPTR | mem::ZERO) as *mut u64 };
            unsafe { *kept = 77 };
            let c0 = gc::stats().collections;
            hl_blocking(true);
            while !stop_blocker.load(SeqCst) {
                std::thread::sleep(Duration::from_millis(2));
            }
            hl_blocking(false);
            blocked_collections.store((gc::stats().collections - c0) as usize, SeqCst);
            // Its stack was scanned while it was blocked.
            assert!(hl_is_gc_ptr(kept.cast()));
            assert_eq!(unsafe { *black_box(kept) }, 77);
            hl_unregister_thread();
        });
        let workers: Vec<_> = (0..3)
            .map(|w| {
                let t = &t;
                s.spawn(move || {
                    let top = 0usize;
                    hl_register_thread(black_box(&top) as *const usize as *mut c_void);
                    unsafe { worker(t.0, w) };
                    hl_unregister_thread();
                })
            })
            .collect();
        for h in workers {
            h.join().unwrap();
        }
        stop_blocker.store(true, SeqCst);
    });
    assert!(
        blocked_collections.load(SeqCst) >= 3,
        "collections ran while a thread was blocking"
    );
    let s = gc::stats();
    assert!(s.collections >= 5, "{} collections", s.collections);
}

#[inline(never)]
unsafe fn worker(t: *mut hl_type, w: usize) {
    let start = Instant::now();
    // A list of 2000 nodes reachable only from this thread's stack.
    let mut head: *mut usize = null_mut();
    for i in 0..2000 {
        let n = hl_gc_alloc_gen(t, 32, mem::KIND_DYNAMIC | mem::ZERO) as *mut usize;
        *n = t as usize;
        *n.add(1) = head as usize;
        *n.add(2) = w * 1_000_000 + i;
        let payload = hl_gc_alloc_gen(null_mut(), 24, mem::KIND_NOPTR) as *mut usize;
        *payload = i;
        *n.add(3) = payload as usize;
        head = n;
    }
    let head = black_box(head);
    let mut round = 0;
    while round < 12 || start.elapsed() < Duration::from_millis(200) {
        // ~6 MB of garbage per round, with some work on the list.
        for i in 0..100_000usize {
            let p = hl_gc_alloc_gen(null_mut(), (16 + i % 100) as i32, mem::KIND_RAW);
            black_box(p);
        }
        if round % 4 == w % 4 {
            hl_gc_safepoint();
        }
        check(head, w);
        round += 1;
        if round > 200 {
            break;
        }
    }
    check(black_box(head), w);
}

unsafe fn check(head: *mut usize, w: usize) {
    let mut n = head;
    let mut i = 2000;
    while !n.is_null() {
        i -= 1;
        assert!(hl_is_gc_ptr(n.cast()), "worker {w}: node {i} freed");
        assert_eq!(
            *n.add(2),
            w * 1_000_000 + i,
            "worker {w}: node {i} overwritten"
        );
        assert_eq!(
            *(*n.add(3) as *const usize),
            i,
            "worker {w}: payload {i} overwritten"
        );
        n = *n.add(1) as *mut usize;
    }
    assert_eq!(i, 0);
}
