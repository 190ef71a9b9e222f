//! `std/bytes.c` natives: parsing (checked against the reference VM's
//! `Std.parseInt` / `Std.parseFloat`), search, comparison, sorting, hashing.

use hlrt::abi::*;
use hlrt::std::bytes::*;
use hlrt::std::ucs2::ucs2_from_str;

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

fn u(s: &str) -> *mut vbyte {
    unsafe { ucs2_from_str(s).cast() }
}

/// `Std.parseInt(s)`: `parse_int(bytes, 0, length << 1)`.
fn parse_int(s: &str) -> Option<i32> {
    unsafe {
        let n = s.encode_utf16().count() as i32;
        let d = hl_parse_int(u(s), 0, n << 1);
        if d.is_null() {
            None
        } else {
            assert_eq!((*d).t, hlt_i32.get());
            Some((*d).v.i)
        }
    }
}

fn parse_float(s: &str) -> f64 {
    unsafe { hl_parse_float(u(s), 0, (s.encode_utf16().count() as i32) << 1) }
}

#[test]
fn parse_int_like_reference() {
    no_gc();
    let cases: &[(&str, Option<i32>)] = &[
        ("0x1F", Some(31)),
        (" 12", Some(12)),
        ("1e3", Some(1)),
        ("2147483648", Some(-2147483648)),
        ("-0", Some(0)),
        ("-0x10", Some(-16)),
        ("+5", Some(5)),
        ("-", None),
        ("", None),
        ("abc", None),
        ("12abc", Some(12)),
        ("0x", Some(0)),
        ("4294967297", Some(1)),
        ("99999999999999999999", Some(1874919423)),
        ("\t\n 7", Some(7)),
        ("0xFFFFFFFF", Some(-1)),
        ("+0x1f", Some(31)),
        ("  -12  ", Some(-12)),
        ("1.5", Some(1)),
        ("00012", Some(12)),
    ];
    for &(s, e) in cases {
        assert_eq!(parse_int(s), e, "parseInt({s:?})");
    }
}

#[test]
fn parse_float_like_reference() {
    no_gc();
    let cases: &[(&str, f64)] = &[
        ("1e3", 1000.0),
        (" 12", 12.0),
        ("1.5e", 1.5),
        ("-.5", -0.5),
        ("1e400", f64::INFINITY),
        ("0x10", 0.0),
        ("1.2.3", 1.2),
        ("123456789012345678901234567890123", 1.2345678901234568e29),
        ("  +3.25xyz", 3.25),
        ("5.", 5.0),
        ("1e-400", 0.0),
    ];
    for &(s, e) in cases {
        assert_eq!(parse_float(s), e, "parseFloat({s:?})");
    }
    // Only the first 30 characters are read.
    assert_eq!(parse_float("123456789012345678901234567890123"), 123456789012345678901234567890.0);
    assert!(parse_float("-0").is_sign_negative());
    for s in [".", "abc", "e5", "-", ""] {
        assert!(parse_float(s).is_nan(), "parseFloat({s:?})");
    }
}

#[test]
fn find_compare_fill() {
    no_gc();
    unsafe {
        let hay = u("abcabcabd");
        assert_eq!(hl_bytes_find(hay, 0, 18, u("abd"), 0, 6), 12);
        assert_eq!(hl_bytes_find(hay, 2, 16, u("c"), 0, 2), 4);
        assert_eq!(hl_bytes_find(hay, 4, 10, u("x"), 0, 0), 4);
        assert_eq!(hl_bytes_find(hay, 0, 18, u("zz"), 0, 4), -1);
        assert_eq!(hl_bytes_find(b"aaab".as_ptr() as *mut u8, 1, 3, b"ab".as_ptr() as *mut u8, 0, 2), 2);
        assert_eq!(hl_bytes_rfind(b"abab".as_ptr() as *mut u8, 4, b"ab".as_ptr() as *mut u8, 2), 2);
        assert_eq!(hl_bytes_rfind(b"abab".as_ptr() as *mut u8, 4, b"ab".as_ptr() as *mut u8, 0), 4);
        assert_eq!(hl_bytes_rfind(b"abab".as_ptr() as *mut u8, 4, b"x".as_ptr() as *mut u8, 1), -1);
        // string_compare is memcmp over the bytes (little-endian units).
        assert_eq!(hl_string_compare(u("ab"), u("ac"), 2), -1);
        assert_eq!(hl_string_compare(u("\u{100}"), u("\u{ff}"), 1), -255);
        assert_eq!(hl_bytes_compare16(u("\u{100}"), u("\u{ff}"), 1), 1);
        assert!(hl_bytes_compare(b"abc".as_ptr() as *mut u8, 1, b"xbd".as_ptr() as *mut u8, 1, 2) < 0);
        assert_eq!(hl_bytes_compare(b"abc".as_ptr() as *mut u8, 0, b"abc".as_ptr() as *mut u8, 0, 0), 0);
        let b = hl_alloc_bytes(8);
        hl_bytes_fill(b, 0, 8, 0x41);
        hl_bytes_fill(b, 2, 3, 0x142);
        assert_eq!(std::slice::from_raw_parts(b, 8), b"AABBBAAA");
        hl_bytes_blit(b, 1, b, 0, 4);
        assert_eq!(std::slice::from_raw_parts(b, 8), b"AAABBAAA");
        assert!(hl_alloc_bytes(0).is_null());
        assert_eq!(std::slice::from_raw_parts(hl_copy_bytes(b"xyz".as_ptr(), 3), 3), b"xyz");
        let mut high = 0;
        let low = hl_bytes_address(b, &mut high);
        assert_eq!(hl_bytes_from_address(low, high), b);
        assert_eq!(hl_bytes_from_address64(hl_bytes_address64(b)), b);
        assert_eq!(hl_bytes_subtract(hl_bytes_offset(b, 5), b), 5);
    }
}

#[test]
fn hashes() {
    no_gc();
    unsafe {
        // Values from the reference VM's `std@hash`.
        assert_eq!(hl_hash(u("hello")), 79770519);
        assert_eq!(hl_hash(u("a_very_long_field_name_for_overflow")), 4524404);
        assert_eq!(hl_hash(u("日本")), 5843367);
        assert_eq!(hl_hash(u("hello")), hl_hash_gen(ucs2_from_str("hello"), false));
        assert_eq!(hl_hash(u("")), 0);
        assert_eq!(hl_hash_utf8(c"hello".as_ptr()), hl_hash_gen(ucs2_from_str("hello"), false));
        let h = hl_hash(u("some_field"));
        assert_eq!(hlrt::std::ucs2::ucs2_to_string(hl_field_name(h) as *const u16), "some_field");
        assert_eq!(hlrt::std::ucs2::ucs2_to_string(hl_field_name(12345) as *const u16), "???");
    }
}

unsafe extern "C" fn cmp_i32(a: i32, b: i32) -> i32 {
    a - b
}

static mut CALLS: Vec<(i32, i32)> = Vec::new();

unsafe extern "C" fn cmp_mod_with_env(env: *mut std::ffi::c_void, a: i32, b: i32) -> i32 {
    let m = *(env as *const i32);
    (*std::ptr::addr_of_mut!(CALLS)).push((a, b));
    (a % m) - (b % m)
}

unsafe extern "C" fn cmp_f64_desc(a: f64, b: f64) -> i32 {
    if a < b {
        1
    } else if a > b {
        -1
    } else {
        0
    }
}

#[test]
fn sorts_are_stable_and_call_closures() {
    no_gc();
    unsafe {
        let mut v: Vec<i32> = (0..100).map(|i| (i * 7919) % 101 - 50).collect();
        let mut cl = vclosure {
            t: std::ptr::null_mut(),
            fun: cmp_i32 as *mut _,
            has_value: 0,
            stack_count: 0,
            value: std::ptr::null_mut(),
        };
        hl_bsort_i32(v.as_mut_ptr().cast(), 0, 100, &mut cl);
        let mut e = v.clone();
        e.sort();
        assert_eq!(v, e);

        // Stability with a bound closure (keys modulo 10), like Array.sort.
        let mut w: Vec<i32> = (0..40).map(|i| (i * 13) % 40).collect();
        let mut env = 10i32;
        let mut cl2 = vclosure {
            t: std::ptr::null_mut(),
            fun: cmp_mod_with_env as *mut _,
            has_value: 1,
            stack_count: 0,
            value: &mut env as *mut i32 as *mut _,
        };
        hl_bsort_i32(w.as_mut_ptr().cast(), 0, 40, &mut cl2);
        let mut e = (0..40).map(|i| (i * 13) % 40).collect::<Vec<i32>>();
        e.sort_by_key(|x| x % 10);
        assert_eq!(w, e);
        assert!(!(*std::ptr::addr_of!(CALLS)).is_empty());

        let mut f = vec![0.5, -1.0, 3.25, 2.0, 1e10, -7.5];
        let mut cl3 = vclosure {
            t: std::ptr::null_mut(),
            fun: cmp_f64_desc as *mut _,
            has_value: 0,
            stack_count: 0,
            value: std::ptr::null_mut(),
        };
        hl_bsort_f64(f.as_mut_ptr().cast(), 0, 6, &mut cl3);
        assert_eq!(f, vec![1e10, 3.25, 2.0, 0.5, -1.0, -7.5]);
    }
}
