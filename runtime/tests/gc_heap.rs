//! Collector behaviour on one thread: reachability (roots, stack, interior
//! pointers, precise mark bits, enums, arrays, RAW and NOPTR blocks),
//! finalizers, large blocks, pointer queries and memory reuse.
//!
//! The GC is process-global, so the tests of this file run one at a time.

use hlrt::abi::{hl_type, hlt_array, hlt_i32, kind, mem, varray, venum};
use hlrt::gc::{self, *};
use std::ffi::c_void;
use std::hint::black_box;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering::*};
use std::sync::Mutex;

static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `f` on a registered thread whose stack top is above all of `f`'s frames.
fn with_gc(f: impl FnOnce()) {
    let _s = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    gc::init();
    let top = 0usize;
    hl_register_thread(black_box(&top) as *const usize as *mut c_void);
    run(f);
    hl_unregister_thread();
}

#[inline(never)]
fn run(f: impl FnOnce()) {
    f();
    clobber_stack();
}

/// Overwrites dead stack below the caller so stale pointers do not survive there.
#[inline(never)]
fn clobber_stack() {
    let mut buf = [0usize; 8192];
    black_box(&mut buf);
}

fn leak_type(k: u32, bits: &[u32]) -> *mut hl_type {
    let mut t = Box::new(hl_type::new(k));
    if !bits.is_empty() {
        t.mark_bits = Box::leak(bits.to_vec().into_boxed_slice()).as_mut_ptr();
    }
    Box::into_raw(t)
}

/// An object type `{ t, a: ptr, b: int, c: ptr }` (32 bytes) with mark bits.
fn obj_type() -> *mut hl_type {
    leak_type(kind::HOBJ, &[0b1010])
}

unsafe fn new_obj(t: *mut hl_type, size: i32) -> *mut usize {
    let p = hl_gc_alloc_gen(t, size, mem::KIND_DYNAMIC | mem::ZERO) as *mut usize;
    assert!(!p.is_null());
    *p = t as usize;
    p
}

unsafe fn new_noptr(size: i32, fill: u8) -> *mut u8 {
    let p = hl_gc_alloc_gen(hlt_i32.get(), size, mem::KIND_NOPTR) as *mut u8;
    std::ptr::write_bytes(p, fill, size as usize);
    p
}

/// Allocates and drops about `bytes` of garbage (overwriting freed blocks).
#[inline(never)]
unsafe fn churn(bytes: usize) {
    let mut done = 0;
    let mut i = 0usize;
    while done < bytes {
        let size = 16 + (i * 40) % 500;
        let p = hl_gc_alloc_gen(null_mut(), size as i32, mem::KIND_RAW) as *mut u8;
        std::ptr::write_bytes(p, 0xAB, size);
        done += size;
        i += 1;
    }
}

/// A block address hidden from conservative scanning.
struct Hidden(usize);
impl Hidden {
    fn new(p: *const c_void) -> Hidden {
        Hidden(p as usize ^ 0x5555_5555_5555_5555)
    }
    fn get(&self) -> *mut c_void {
        (self.0 ^ 0x5555_5555_5555_5555) as *mut c_void
    }
}

/// Whether the block at the hidden address was freed by a full collection.
#[inline(never)]
fn freed_after_collection(h: &Hidden) -> bool {
    clobber_stack();
    hl_gc_major();
    !hl_is_gc_ptr(h.get())
}

static ROOT: AtomicUsize = AtomicUsize::new(0);

#[test]
fn root_and_precise_fields_keep_objects_alive() {
    with_gc(|| unsafe {
        let hs = setup();
        clobber_stack();
        check(&hs);
        hl_remove_root(ROOT.as_ptr() as *mut c_void);
        assert!(
            freed_after_collection(&hs[0]),
            "object kept alive after its root was removed"
        );
    });

    /// root -> a -(field a)-> b -(field c)-> c; a's int field holds the address of d.
    #[inline(never)]
    unsafe fn setup() -> [Hidden; 4] {
        let t = obj_type();
        let a = new_obj(t, 32);
        ROOT.store(a as usize, Relaxed);
        hl_add_root(ROOT.as_ptr() as *mut c_void);
        let b = new_obj(t, 32);
        let c = new_noptr(40, 0x11);
        let d = new_noptr(24, 0x22);
        *a.add(1) = b as usize;
        *a.add(2) = d as usize; // not a pointer field: must not keep d alive
        *b.add(3) = c as usize;
        *b.add(2) = 1234;
        [
            Hidden::new(a.cast()),
            Hidden::new(b.cast()),
            Hidden::new(c.cast()),
            Hidden::new(d.cast()),
        ]
    }

    #[inline(never)]
    unsafe fn check(hs: &[Hidden; 4]) {
        for _ in 0..3 {
            churn(2 << 20);
            clobber_stack();
            hl_gc_major();
        }
        assert!(
            freed_after_collection(&hs[3]),
            "an int field kept a block alive"
        );
        let (a, b, c) = (
            hs[0].get() as *mut usize,
            hs[1].get() as *mut usize,
            hs[2].get() as *mut u8,
        );
        assert!(hl_is_gc_ptr(a.cast()) && hl_is_gc_ptr(b.cast()) && hl_is_gc_ptr(c.cast()));
        assert_eq!(*a.add(1), b as usize);
        assert_eq!(*b.add(3), c as usize);
        assert_eq!(*b.add(2), 1234);
        assert!((0..40).all(|i| *c.add(i) == 0x11));
    }
}

#[test]
fn stack_locals_and_interior_pointers_keep_objects_alive() {
    with_gc(|| unsafe {
        let t = obj_type();
        let local = new_obj(t, 32);
        *local.add(2) = 0xDEAD_BEEF;
        let target = new_noptr(100, 0x33);
        *local.add(1) = target as usize;
        // Only an interior pointer (into the middle) refers to this one.
        let inner = new_noptr(200, 0x44) as usize + 120;
        let inner = black_box(inner);
        let big = new_noptr(3 << 20, 0x55) as usize + (2 << 20);
        let big = black_box(big);
        for _ in 0..3 {
            churn(3 << 20);
            hl_gc_major();
        }
        let local = black_box(local);
        assert_eq!(*local.add(2), 0xDEAD_BEEF);
        assert_eq!(*local.add(1), target as usize);
        assert!((0..100).all(|i| *(*local.add(1) as *const u8).add(i) == 0x33));
        let start = inner - 120;
        assert!(hl_is_gc_ptr(start as *mut c_void));
        assert!((0..200).all(|i| *((start + i) as *const u8) == 0x44));
        let bstart = big - (2 << 20);
        assert!(hl_is_gc_ptr(bstart as *mut c_void));
        assert!((0..(3 << 20))
            .step_by(4093)
            .all(|i| *((bstart + i) as *const u8) == 0x55));
        black_box((local, inner, big));
    });
}

static ROOT2: AtomicUsize = AtomicUsize::new(0);

#[test]
fn raw_blocks_are_scanned_and_noptr_blocks_are_not() {
    with_gc(|| unsafe {
        let (kept, lost) = setup();
        clobber_stack();
        check(&kept, &lost);
        hl_remove_root(ROOT.as_ptr() as *mut c_void);
        hl_remove_root(ROOT2.as_ptr() as *mut c_void);
    });

    #[inline(never)]
    unsafe fn setup() -> (Hidden, Hidden) {
        let raw = hl_gc_alloc_gen(null_mut(), 64, mem::KIND_RAW) as *mut usize;
        let noptr = hl_gc_alloc_gen(null_mut(), 64, mem::KIND_NOPTR | mem::ZERO) as *mut usize;
        let kept = new_noptr(48, 0x66);
        let lost = new_noptr(48, 0x77);
        *raw.add(5) = kept as usize;
        *noptr.add(3) = lost as usize;
        ROOT.store(raw as usize, Relaxed);
        hl_add_root(ROOT.as_ptr() as *mut c_void);
        ROOT2.store(noptr as usize, Relaxed);
        hl_add_root(ROOT2.as_ptr() as *mut c_void);
        (Hidden::new(kept.cast()), Hidden::new(lost.cast()))
    }

    #[inline(never)]
    unsafe fn check(kept: &Hidden, lost: &Hidden) {
        assert!(
            freed_after_collection(lost),
            "a NOPTR block kept its pointee alive"
        );
        assert!(hl_is_gc_ptr(ROOT2.load(Relaxed) as *mut c_void));
        churn(1 << 20);
        hl_gc_major();
        let k = kept.get() as *const u8;
        assert!(
            hl_is_gc_ptr(k as *mut c_void),
            "a RAW block did not keep its pointee alive"
        );
        assert!((0..48).all(|i| *k.add(i) == 0x66));
    }
}

#[test]
fn enums_use_per_constructor_rows() {
    with_gc(|| unsafe {
        let hs = setup();
        clobber_stack();
        check(&hs);
        hl_remove_root(ROOT.as_ptr() as *mut c_void);
        hl_remove_root(ROOT2.as_ptr() as *mut c_void);
    });

    // Constructor 0: { t, index, p: ptr }          row 0: bit 0 (word 2)
    // Constructor 1: { t, index, n: int, p: ptr }  row 1: bit 1 (word 3)
    #[inline(never)]
    unsafe fn setup() -> [Hidden; 3] {
        let et = leak_type(kind::HENUM, &[0b01, 0b10]);
        let e0 = hl_gc_alloc_gen(et, 24, mem::KIND_DYNAMIC | mem::ZERO) as *mut usize;
        let e1 = hl_gc_alloc_gen(et, 32, mem::KIND_DYNAMIC | mem::ZERO) as *mut usize;
        *e0 = et as usize;
        *e1 = et as usize;
        (*(e0 as *mut venum)).index = 0;
        (*(e1 as *mut venum)).index = 1;
        let p0 = new_noptr(16, 0x10);
        let p1 = new_noptr(16, 0x20);
        let not_ptr = new_noptr(16, 0x30);
        *e0.add(2) = p0 as usize;
        *e1.add(2) = not_ptr as usize; // int slot of constructor 1
        *e1.add(3) = p1 as usize;
        ROOT.store(e0 as usize, Relaxed);
        ROOT2.store(e1 as usize, Relaxed);
        hl_add_root(ROOT.as_ptr() as *mut c_void);
        hl_add_root(ROOT2.as_ptr() as *mut c_void);
        [
            Hidden::new(p0.cast()),
            Hidden::new(p1.cast()),
            Hidden::new(not_ptr.cast()),
        ]
    }

    #[inline(never)]
    unsafe fn check(hs: &[Hidden; 3]) {
        assert!(
            freed_after_collection(&hs[2]),
            "an enum int field kept a block alive"
        );
        assert!(hl_is_gc_ptr(hs[0].get()) && hl_is_gc_ptr(hs[1].get()));
        assert_eq!(*(hs[0].get() as *const u8), 0x10);
        assert_eq!(*(hs[1].get() as *const u8), 0x20);
    }
}

#[test]
fn pointer_arrays_keep_their_elements() {
    with_gc(|| unsafe {
        let n = 1000usize;
        let lost = setup(n);
        clobber_stack();
        check(ROOT.load(Relaxed) as *mut varray, n, &lost);
        hl_remove_root(ROOT.as_ptr() as *mut c_void);
        hl_remove_root(ROOT2.as_ptr() as *mut c_void);
    });

    #[inline(never)]
    unsafe fn setup(n: usize) -> Hidden {
        let elem_t = obj_type();
        let arr_t = leak_type(kind::HARRAY, &[]);
        let a = hl_gc_alloc_gen(arr_t, (24 + 8 * n) as i32, mem::KIND_DYNAMIC | mem::ZERO)
            as *mut varray;
        (*a).t = arr_t;
        (*a).at = elem_t;
        (*a).size = n as i32;
        let data = varray::data(a) as *mut usize;
        for i in 0..n {
            let o = new_obj(elem_t, 32);
            *o.add(2) = i;
            *data.add(i) = o as usize;
        }
        // The built-in hlt_array with an int element type: the words are not pointers.
        let ia = hl_gc_alloc_gen(hlt_array.get(), 24 + 8 * 4, mem::KIND_DYNAMIC | mem::ZERO)
            as *mut varray;
        (*ia).t = hlt_array.get();
        (*ia).at = hlt_i32.get();
        (*ia).size = 4;
        let lost = new_noptr(32, 1);
        *(varray::data(ia) as *mut usize) = lost as usize;
        ROOT.store(a as usize, Relaxed);
        ROOT2.store(ia as usize, Relaxed);
        hl_add_root(ROOT.as_ptr() as *mut c_void);
        hl_add_root(ROOT2.as_ptr() as *mut c_void);
        Hidden::new(lost.cast())
    }

    #[inline(never)]
    unsafe fn check(a: *mut varray, n: usize, lost: &Hidden) {
        churn(4 << 20);
        assert!(
            freed_after_collection(lost),
            "an int array kept a block alive"
        );
        let data = varray::data(a) as *mut usize;
        for i in 0..n {
            let o = *data.add(i) as *mut usize;
            assert!(hl_is_gc_ptr(o.cast()));
            assert_eq!(*o.add(2), i);
        }
    }
}

static FINALIZED: AtomicUsize = AtomicUsize::new(0);
static FINALIZED_SUM: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn finalize(p: *mut c_void) {
    FINALIZED.fetch_add(1, SeqCst);
    FINALIZED_SUM.fetch_add(*(p as *const usize).add(1), SeqCst);
}

#[test]
fn finalizers_run_once_for_dead_blocks() {
    with_gc(|| unsafe {
        FINALIZED.store(0, SeqCst);
        FINALIZED_SUM.store(0, SeqCst);
        make_finalized(100);
        clobber_stack();
        // One finalized block that stays alive.
        let live = hl_gc_alloc_gen(null_mut(), 16, mem::KIND_FINALIZER) as *mut usize;
        *live = finalize as usize;
        *live.add(1) = 1_000_000;
        let live = black_box(live);
        clobber_stack();
        hl_gc_major();
        assert_eq!(FINALIZED.load(SeqCst), 101);
        assert_eq!(FINALIZED_SUM.load(SeqCst), (1..=100).sum::<usize>() + 5000);
        for _ in 0..3 {
            churn(1 << 20);
            hl_gc_major();
        }
        assert_eq!(FINALIZED.load(SeqCst), 101, "a finalizer ran twice");
        assert_eq!(*black_box(live).add(1), 1_000_000);
        assert!(hl_is_gc_ptr(live.cast()));
    });

    #[inline(never)]
    unsafe fn make_finalized(n: usize) {
        for i in 1..=n {
            let p = hl_gc_alloc_gen(null_mut(), 24, mem::KIND_FINALIZER) as *mut usize;
            *p = finalize as usize;
            *p.add(1) = i;
        }
        let big = hl_gc_alloc_gen(null_mut(), 2 << 20, mem::KIND_FINALIZER) as *mut usize;
        *big = finalize as usize;
        *big.add(1) = 5000;
    }
}

#[test]
fn large_blocks_work_and_are_freed() {
    with_gc(|| unsafe {
        hl_gc_major();
        let before = gc::stats().heap_bytes;
        let size = (5 << 20) + 1000;
        let kept = keep_large(size);
        let after_alloc = gc::stats().heap_bytes;
        assert!(
            after_alloc >= before + 2 * size,
            "heap {before} -> {after_alloc}"
        );
        assert_eq!(hl_gc_get_memsize(kept.cast()), size as i32);
        assert_eq!(
            hl_gc_get_memsize((kept as *mut u8).add(size - 1).cast()),
            size as i32
        );
        assert_eq!(hl_gc_get_memsize((kept as *mut u8).add(size).cast()), -1);
        clobber_stack();
        hl_gc_major();
        let after = gc::stats().heap_bytes;
        assert!(
            after + size <= after_alloc,
            "the dead large block was not freed: {after_alloc} -> {after}"
        );
        assert!(hl_is_gc_ptr(kept.cast()));
        assert!((0..size)
            .step_by(4099)
            .all(|i| *(kept as *const u8).add(i) == 0x5A));
        black_box(kept);
    });

    #[inline(never)]
    unsafe fn keep_large(size: usize) -> *mut usize {
        let a = hl_gc_alloc_gen(null_mut(), size as i32, mem::KIND_RAW) as *mut u8;
        let b = hl_gc_alloc_gen(null_mut(), size as i32, mem::KIND_NOPTR) as *mut u8;
        assert!(
            (0..size).step_by(4096).all(|i| *a.add(i) == 0),
            "large RAW block not zeroed"
        );
        std::ptr::write_bytes(a, 0x5A, size);
        std::ptr::write_bytes(b, 0x5B, size);
        a.cast()
    }
}

#[test]
fn pointer_queries() {
    with_gc(|| unsafe {
        static STATIC_DATA: [usize; 4] = [0; 4];
        let m = libc::malloc(64);
        assert!(!hl_is_gc_ptr(STATIC_DATA.as_ptr() as *mut c_void));
        assert!(!hl_is_gc_ptr(m));
        assert!(!hl_is_gc_ptr(null_mut()));
        assert_eq!(hl_gc_get_memsize(m), -1);
        assert_eq!(hl_gc_get_memsize(hlt_i32.get().cast()), -1);
        libc::free(m);
        assert!(hl_gc_alloc_gen(null_mut(), 0, 0).is_null());
        for (req, block) in [
            (1, 8),
            (8, 8),
            (24, 24),
            (100, 112),
            (1000, 1024),
            (20000, 20480),
        ] {
            let p = hl_gc_alloc_gen(null_mut(), req, mem::KIND_NOPTR) as *mut u8;
            assert!(hl_is_gc_ptr(p.cast()));
            assert_eq!(p as usize % 8, 0);
            assert_eq!(
                hl_gc_get_memsize(p.cast()),
                block,
                "block size of a {req}-byte request"
            );
            if block > 8 {
                assert!(
                    !hl_is_gc_ptr(p.add(8).cast()),
                    "interior pointer reported as a block"
                );
                assert_eq!(hl_gc_get_memsize(p.add(8).cast()), block);
            }
        }
        let z = hl_gc_alloc_gen(
            null_mut(),
            256,
            mem::KIND_NOPTR | mem::ZERO | mem::ALIGN_DOUBLE,
        ) as *mut u8;
        assert!((0..256).all(|i| *z.add(i) == 0));
        assert_eq!(z as usize % 8, 0);
        let t = hl_get_thread();
        assert!(!t.is_null());
        assert!(!hl_is_blocking());
        hl_blocking(true);
        assert!(hl_is_blocking());
        // Allocating while blocking still works (under the lock).
        let p = hl_gc_alloc_gen(null_mut(), 40, mem::KIND_RAW);
        assert!(hl_is_gc_ptr(p));
        hl_blocking(false);
        assert!(!hl_is_blocking());
        hl_gc_safepoint();
    });
}

/// A zeroed table of `n` pointers that `ROOT` holds, registered as a root.
unsafe fn rooted_table(n: usize) -> *mut usize {
    let table = hl_gc_alloc_gen(null_mut(), (8 * n) as i32, mem::KIND_RAW | mem::ZERO) as *mut usize;
    ROOT.store(table as usize, Relaxed);
    hl_add_root(ROOT.as_ptr() as *mut c_void);
    table
}

#[test]
fn unreachable_memory_is_reused() {
    with_gc(|| unsafe {
        let t = obj_type();
        // A live ring of 2000 objects, rooted, replaced as we go.
        let n = 2000usize;
        let ring = rooted_table(n);
        hl_gc_major();
        let s0 = gc::stats();
        let mut allocated = 0usize;
        let mut max_heap = 0usize;
        let mut i = 0usize;
        let target = 500 << 20;
        while allocated < target {
            let size = 32 + (i * 56) % 480;
            let o = new_obj(t, size as i32);
            *o.add(2) = i;
            let slot = ring.add(i % n);
            *slot = o as usize;
            allocated += size;
            if i % 4 == 0 {
                let raw = hl_gc_alloc_gen(null_mut(), 96, mem::KIND_NOPTR);
                black_box(raw);
                allocated += 96;
            }
            if i % 50_000 == 0 {
                let b = hl_gc_alloc_gen(null_mut(), 1 << 20 | 16, mem::KIND_NOPTR);
                black_box(b);
                allocated += 1 << 20;
                max_heap = max_heap.max(gc::stats().heap_bytes);
            }
            i += 1;
        }
        let s1 = gc::stats();
        max_heap = max_heap.max(s1.heap_bytes);
        assert!(s1.total_allocated - s0.total_allocated >= target as u64);
        assert!(
            s1.collections - s0.collections >= 20,
            "only {} collections",
            s1.collections - s0.collections
        );
        assert!(max_heap < 48 << 20, "heap grew to {} MB", max_heap >> 20);
        // The ring is intact.
        for k in 0..n {
            let o = *ring.add(k) as *const usize;
            assert!(hl_is_gc_ptr(o as *mut c_void));
            assert_eq!(*o as *mut hl_type, t);
            assert_eq!(*o.add(2) % n, k);
        }
        hl_remove_root(ROOT.as_ptr() as *mut c_void);
    });
}

#[test]
fn gc_natives() {
    with_gc(|| unsafe {
        let f = hl_gc_get_flags();
        hl_gc_set_flags(f | 8);
        assert_eq!(hl_gc_get_flags(), f | 8);
        hl_gc_set_flags(f);
        let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
        hl_gc_alloc_gen(null_mut(), 64, mem::KIND_NOPTR);
        hl_gc_stats(&mut a, &mut b, &mut c);
        assert!(a > 0.0 && b > 0.0 && c > 0.0);
        // getLiveObjects
        let t = obj_type();
        // On the stack: scanned conservatively.
        let mut objs = [0usize; 5];
        for o in objs.iter_mut() {
            *o = new_obj(t, 32) as usize;
        }
        let arr_t = leak_type(kind::HARRAY, &[]);
        let arr = hl_gc_alloc_gen(arr_t, 24 + 8 * 3, mem::KIND_DYNAMIC | mem::ZERO) as *mut varray;
        (*arr).t = arr_t;
        (*arr).size = 3;
        let count = hl_gc_get_live_objects(t, arr);
        assert_eq!(count, 5);
        let data = varray::data(arr) as *const usize;
        assert!((0..3).all(|i| objs.contains(&*data.add(i))));
        black_box(&objs);
        let path = std::env::temp_dir().join(format!("hlrt-gc-dump-{}.txt", std::process::id()));
        let cpath = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        hl_gc_dump_memory(cpath.as_ptr());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("hlrt heap dump") && text.contains("page "));
        std::fs::remove_file(&path).unwrap();
        hl_gc_enable(false);
        let n0 = gc::stats().collections;
        churn(40 << 20);
        assert_eq!(gc::stats().collections, n0, "collected while disabled");
        hl_gc_enable(true);
        churn(40 << 20);
        assert!(gc::stats().collections > n0);
    });
}

/// The heap's address space is reserved as it grows (a first 256 MB, then
/// doubling): 320 MB of live large blocks need the reservation extended,
/// and every block stays a valid, writable heap block across a collection.
#[test]
fn the_heap_grows_past_its_first_reservation() {
    with_gc(|| unsafe {
        const BLOCKS: usize = 20;
        const SIZE: usize = 16 << 20;
        // A RAW block is scanned conservatively: it keeps the large blocks alive.
        let table = hl_gc_alloc_gen(null_mut(), (BLOCKS * 8) as i32, mem::KIND_RAW | mem::ZERO) as *mut *mut u8;
        for i in 0..BLOCKS {
            let b = hl_gc_alloc_gen(null_mut(), SIZE as i32, mem::KIND_NOPTR) as *mut u8;
            assert!(!b.is_null(), "large block {i} could not be allocated");
            for off in (0..SIZE).step_by(64 << 10) {
                *b.add(off) = i as u8;
            }
            *table.add(i) = b;
        }
        hl_gc_major();
        assert!(gc::stats().heap_bytes >= BLOCKS * SIZE, "heap {} bytes", gc::stats().heap_bytes);
        let mut starts: Vec<usize> = (0..BLOCKS).map(|i| *table.add(i) as usize).collect();
        for (i, &b) in starts.iter().enumerate() {
            assert!(hl_is_gc_ptr(b as *mut c_void), "block {i} is no longer a heap block");
            assert_eq!(hl_gc_get_memsize(b as *mut c_void), SIZE as i32);
            assert!((0..SIZE).step_by(64 << 10).all(|off| *(b as *const u8).add(off) == i as u8));
        }
        starts.sort_unstable();
        assert!(starts.windows(2).all(|w| w[1] - w[0] >= SIZE), "blocks overlap");
        black_box(table);
    });
}

#[test]
fn holes_between_survivors_are_reused_and_zeroed() {
    with_gc(|| unsafe {
        let t = obj_type();
        // 4096 objects of one class; every other one stays reachable from a
        // rooted table, so after a collection the pages alternate live/free.
        let n = 4096usize;
        let table = rooted_table(n);
        let mut freed = std::collections::HashSet::new();
        for i in 0..n {
            let o = new_obj(t, 32);
            *o.add(2) = 0xDEAD_0000 + i;
            if i % 2 == 0 {
                *table.add(i / 2) = o as usize;
            } else {
                freed.insert(o as usize ^ 0x5555_5555_5555_5555);
            }
        }
        clobber_stack();
        hl_gc_major();
        // The holes are handed out again (a word's free blocks at a time),
        // zeroed, and are real blocks; the survivors are untouched.
        let mut reused = 0;
        for i in 0..n / 2 {
            let o = hl_gc_alloc_gen(t, 32, mem::KIND_DYNAMIC) as *mut usize;
            assert!((0..4).all(|w| *o.add(w) == 0), "reused block not zeroed");
            assert!(hl_is_gc_ptr(o.cast()));
            assert_eq!(hl_gc_get_memsize(o.cast()), 32);
            *o = t as usize;
            *o.add(2) = i;
            *table.add(n / 2 + i % (n / 2)) = o as usize;
            if freed.contains(&(o as usize ^ 0x5555_5555_5555_5555)) {
                reused += 1;
            }
        }
        assert!(reused >= n / 4, "only {reused} of {} holes reused", n / 2);
        for i in 0..n / 2 {
            let o = *table.add(i) as *const usize;
            assert_eq!(*o.add(2), 0xDEAD_0000 + 2 * i);
        }
        // Blocks still waiting in this thread's buffer are free, not blocks.
        let o = hl_gc_alloc_gen(t, 32, mem::KIND_DYNAMIC) as *mut usize;
        *o = t as usize;
        hl_gc_major();
        for i in 0..n / 2 {
            let o = *table.add(n / 2 + i) as *const usize;
            assert!(hl_is_gc_ptr(o as *mut c_void));
            assert_eq!(*o.add(2), i);
        }
        hl_remove_root(ROOT.as_ptr() as *mut c_void);
    });
}
