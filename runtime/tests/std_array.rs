//! `std/array.c`.

use hlrt::abi::*;
use hlrt::std::array::*;

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

#[test]
fn alloc_blit_type() {
    no_gc();
    unsafe {
        let a = hl_alloc_array(hlt_i32.get(), 10);
        assert_eq!((*a).t, hlt_array.get());
        assert_eq!(hl_array_type(a), hlt_i32.get());
        assert_eq!((*a).size, 10);
        let p = hl_array_bytes(a) as *mut i32;
        assert_eq!(p as *mut u8, varray::data(a));
        assert!((0..10).all(|i| *p.add(i) == 0));
        for i in 0..10 {
            *p.add(i) = i as i32;
        }
        hl_array_blit(a, 2, a, 0, 5);
        let v: Vec<i32> = (0..10).map(|i| *p.add(i)).collect();
        assert_eq!(v, vec![0, 1, 0, 1, 2, 3, 4, 7, 8, 9]);

        let f = hl_alloc_array(hlt_f64.get(), 3);
        let b = hl_alloc_array(hlt_f64.get(), 3);
        *(hl_array_bytes(f) as *mut f64).add(2) = 2.5;
        hl_array_blit(b, 0, f, 2, 1);
        assert_eq!(*(hl_array_bytes(b) as *mut f64), 2.5);

        // Empty Dynamic arrays are a shared static; other empty arrays are fresh.
        assert_eq!(hl_alloc_array(hlt_dyn.get(), 0), hl_alloc_array(hlt_dyn.get(), 0));
        assert_ne!(hl_alloc_array(hlt_bytes.get(), 0), hl_alloc_array(hlt_bytes.get(), 0));
        assert_eq!(type_size(hlt_bool.get()), 1);
        assert_eq!(type_size(hlt_dyn.get()), 8);
        assert!(is_ptr(hlt_bytes.get()) && !is_ptr(hlt_f64.get()));
    }
}
