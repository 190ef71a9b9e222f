//! The trigger policy: a large live pointer array (HashLink's mandelbrot
//! pathology) must not be re-marked every few hundred KB of allocation.

use hlrt::abi::{hl_type, kind, mem, varray};
use hlrt::gc::{self, *};
use std::ffi::c_void;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::*};

static IMAGE: AtomicUsize = AtomicUsize::new(0);

#[test]
fn big_live_pointer_array_triggers_few_collections() {
    gc::init();
    let top = 0usize;
    hl_register_thread(black_box(&top) as *const usize as *mut c_void);
    unsafe { run() };
    hl_unregister_thread();
}

#[inline(never)]
unsafe fn run() {
    // `Complex { t, re: f64, im: f64 }`: no pointer fields, so NOPTR as hl_alloc_obj does.
    let complex_t = Box::into_raw(Box::new(hl_type::new(kind::HOBJ)));
    let arr_t = Box::into_raw(Box::new(hl_type::new(kind::HARRAY)));
    let n = 400_000usize;
    let image =
        hl_gc_alloc_gen(arr_t, (24 + 8 * n) as i32, mem::KIND_DYNAMIC | mem::ZERO) as *mut varray;
    (*image).t = arr_t;
    (*image).at = complex_t;
    (*image).size = n as i32;
    IMAGE.store(image as usize, Relaxed);
    hl_add_root(IMAGE.as_ptr() as *mut c_void);
    let data = varray::data(image) as *mut usize;
    let new_complex = |re: f64| {
        let c = hl_gc_alloc_gen(complex_t, 24, mem::KIND_NOPTR) as *mut f64;
        *(c as *mut *mut hl_type) = complex_t;
        *c.add(1) = re;
        *c.add(2) = -re;
        c
    };
    for i in 0..n {
        *data.add(i) = new_complex(i as f64) as usize;
    }
    hl_gc_major();
    let s0 = gc::stats();
    // The live heap: the array (3.2 MB) and 400k 24-byte objects (9.6 MB).
    assert!(s0.live_bytes >= 12 << 20, "live {}", s0.live_bytes);
    // Allocate 240 MB of temporaries, replacing some pixels as we go.
    let total = 240usize << 20;
    let mut allocated = 0usize;
    let mut i = 0usize;
    while allocated < total {
        let c = new_complex(1.5);
        if i % 7 == 0 {
            let k = (i / 7) % n;
            *data.add(k) = new_complex(k as f64) as usize;
            allocated += 24;
        }
        black_box(c);
        allocated += 24;
        i += 1;
    }
    let s1 = gc::stats();
    let collections = s1.collections - s0.collections;
    let allocated = (s1.total_allocated - s0.total_allocated) as usize;
    // The trigger is at least min(4 MB, 2 × live) and 0.4 × live (a
    // 5 MB window here), so at most allocated / (0.4 × live) collections
    // (+1 for rounding). HashLink's policy (20% of heap capacity / block count)
    // would run about twice as many, and with an 8 MB live heap hundreds.
    let bound = allocated / (4 << 20).max(s0.live_bytes * 2 / 5) + 1;
    eprintln!(
        "{collections} collections for {} MB allocated, live {} MB, mark time {:.1} ms total",
        allocated >> 20,
        s0.live_bytes >> 20,
        (s1.total_collection_ns - s0.total_collection_ns) as f64 / 1e6
    );
    assert!(collections >= 5, "{collections} collections");
    assert!(
        collections <= bound as u64,
        "{collections} collections for {allocated} bytes (bound {bound})"
    );
    // Every pixel is intact.
    for k in 0..n {
        let c = *data.add(k) as *const f64;
        assert!(hl_is_gc_ptr(c as *mut c_void));
        let re = *c.add(1);
        assert!(re == k as f64 && *c.add(2) == -re, "pixel {k}");
    }
    // The heap stays around twice the live size (plus page rounding).
    assert!(
        s1.heap_bytes < 2 * s0.live_bytes + (24 << 20),
        "heap {} MB",
        s1.heap_bytes >> 20
    );
    hl_remove_root(IMAGE.as_ptr() as *mut c_void);
}
