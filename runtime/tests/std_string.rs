//! String natives (`std/string.c`, `std/ucs2.c`). Expected values were
//! checked against the reference VM (hl 1.17) with equivalent Haxe code.

use hlrt::abi::*;
use hlrt::std::string::*;
use hlrt::std::ucs2::{self, ucs2_from_str, ucs2_to_string};

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

fn u(s: &str) -> *mut vbyte {
    unsafe { ucs2_from_str(s).cast() }
}

unsafe fn s_of(p: *mut vbyte) -> String {
    ucs2_to_string(p as *const u16)
}

#[test]
fn itos_and_ftos() {
    no_gc();
    unsafe {
        for (i, e) in [(0, "0"), (-1, "-1"), (i32::MIN, "-2147483648"), (i32::MAX, "2147483647")] {
            let mut len = 0;
            let p = hl_itos(i, &mut len);
            assert_eq!(s_of(p), e);
            assert_eq!(len as usize, e.len());
        }
        // Std.string(f) on the reference VM.
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (1e21, "1e+21"),
            (1e20, "1e+20"),
            (1.0 / 3.0, "0.333333333333333"),
            (2.0 / 3.0, "0.666666666666667"),
            (0.1 + 0.2, "0.3"),
            (1e-5, "1e-05"),
            (1e-4, "0.0001"),
            (1e-7, "1e-07"),
            (123456789012345.0, "123456789012345"),
            (1234567890123456.0, "1.23456789012346e+15"),
            (1e15, "1e+15"),
            (5e-324, "4.94065645841247e-324"),
            (f64::MAX, "1.79769313486232e+308"),
            (f64::NAN, "NaN"),
            (-f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (5.1, "5.1"),
            (86.57, "86.57"),
            (std::f64::consts::PI, "3.14159265358979"),
            (0.000123, "0.000123"),
            (1234567895.0, "1234567895"),
            (123.456, "123.456"),
            (-1e100, "-1e+100"),
            (1.5e-300, "1.5e-300"),
            (1e14 + 0.5, "100000000000000"),
            (9007199254740993.0, "9.00719925474099e+15"),
            (2.675, "2.675"),
            (99999999999999.99, "100000000000000"),
            (12345678901234567890.0, "1.23456789012346e+19"),
        ];
        for &(f, e) in cases {
            let mut len = 0;
            let p = hl_ftos(f, &mut len);
            assert_eq!(s_of(p), e, "ftos({f:e})");
            assert_eq!(len as usize, e.len());
            assert_eq!(hlrt::std::number::format_float(f), e);
        }
    }
}

/// `format_g` must agree with glibc's `snprintf` for every precision libhl uses.
#[test]
fn format_g_matches_snprintf() {
    no_gc();
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let mut vals: Vec<f64> = vec![
        0.5,
        1.5,
        2.5,
        0.125,
        1234567885.0,
        1234567895.0,
        123456789012345.5,
        999999999999999.5,
        9.5,
        0.95,
        1e-5,
        1e-4,
        9.9999999999999995e-5,
        99999.5,
        1e16,
        1e17,
        1e22,
        1e23,
        5e-324,
        2.2250738585072014e-308,
    ];
    for _ in 0..3000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let f = f64::from_bits(x);
        if f.is_finite() {
            vals.push(f);
        }
        // Also values with short decimal expansions, where ties occur.
        vals.push((x % 2000001) as f64 / 1000.0 - 1000.0);
        vals.push((x % 100000) as f64 * 0.5);
    }
    for &v in &vals {
        for prec in [1usize, 6, 9, 15, 17] {
            let mut buf = [0u8; 64];
            let fmt = std::ffi::CString::new(format!("%.{prec}g")).unwrap();
            let n = unsafe { libc::snprintf(buf.as_mut_ptr().cast(), 64, fmt.as_ptr(), v) };
            let c = std::str::from_utf8(&buf[..n as usize]).unwrap();
            assert_eq!(hlrt::std::number::format_g(v, prec), c, "%.{prec}g of {v:e} ({:#x})", v.to_bits());
        }
    }
}

#[test]
fn utf8_conversions() {
    no_gc();
    unsafe {
        let text = "aé日😀z";
        let mut size = 0;
        let u8p = hl_utf16_to_utf8(u(text), 0, &mut size);
        assert_eq!(size as usize, text.len());
        assert_eq!(std::slice::from_raw_parts(u8p, size as usize + 1), b"a\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80z\0");
        assert_eq!(hl_utf8_length(u8p, 0), 6);
        let back = hl_utf8_to_utf16(u8p, 0, &mut size);
        assert_eq!(size, 12);
        assert_eq!(s_of(back), text);
        // Explicit length stops early (a NUL inside is kept).
        let src: Vec<u16> = vec![b'a' as u16, 0, b'b' as u16, 0];
        let p = hl_utf16_to_utf8(src.as_ptr() as *mut vbyte, 3, &mut size);
        assert_eq!(std::slice::from_raw_parts(p, 4), b"a\0b\0");
        assert_eq!(size, 3);
        // A lone low surrogate is taken as the start of a pair (libhl quirk).
        let lone: Vec<u16> = vec![0xDC00, b'A' as u16, 0];
        let p = hl_utf16_to_utf8(lone.as_ptr() as *mut vbyte, 0, &mut size);
        assert_eq!(size, 4);
        let _ = p;
        // utf8_length stops at malformed input.
        assert_eq!(hl_utf8_length(b"ab\x80cd\0".as_ptr(), 0), 2);
        assert_eq!(hl_utf8_length(b"ab\xc3\0".as_ptr(), 0), 2);
        assert_eq!(hl_utf8_length(b"xyab\0".as_ptr(), 2), 2);
        // hl_to_utf8 / hl_to_utf16 round trip.
        let c = hl_to_utf8(ucs2_from_str("héllo"));
        assert_eq!(std::ffi::CStr::from_ptr(c).to_bytes(), "héllo".as_bytes());
        assert_eq!(ucs2_to_string(hl_to_utf16(c)), "héllo");
        // hl_from_utf8 with a short output buffer.
        let mut out = [0xFFFFu16; 8];
        let n = hl_from_utf8(out.as_mut_ptr(), 3, c"h\xc3\xa9llo".as_ptr());
        assert_eq!(n, 3);
        assert_eq!(&out[..4], &[b'h' as u16, 0xE9, b'l' as u16, 0]);
        assert_eq!(hl_ucs2length(u("hello"), 4), 3);
    }
}

#[test]
fn case_mapping() {
    no_gc();
    // (input, toUpperCase, toLowerCase) from the reference VM.
    let cases = [
        ("Hello World", "HELLO WORLD", "hello world"),
        ("éàüß", "ÉÀÜß", "éàüß"),
        ("ÉÀÜ", "ÉÀÜ", "éàü"),
        ("ǅǆǄ", "ǅǅǅ", "ǆǆǆ"),
        ("ΑΒΓαβγς", "ΑΒΓΑΒΓΣ", "αβγαβγς"),
        ("ДЖЯджя", "ДЖЯДЖЯ", "джяджя"),
        ("ﬀ", "ﬀ", "ﬀ"),
        ("ǰ", "ǰ", "ǰ"),
        ("İı", "İI", "iı"),
        ("ẞ", "ẞ", "ß"),
        ("ⓐⒶ", "ⒶⒶ", "ⓐⓐ"),
        ("ａＡ", "ＡＡ", "ａａ"),
        ("ꭰ", "Ꭰ", "ꭰ"),
        ("Ꭰ", "Ꭰ", "ꭰ"),
        ("😀x", "😀X", "😀x"),
    ];
    unsafe {
        for (s, up, lo) in cases {
            let n = s.encode_utf16().count() as i32;
            assert_eq!(s_of(hl_ucs2_upper(u(s), 0, n)), up, "upper({s})");
            assert_eq!(s_of(hl_ucs2_lower(u(s), 0, n)), lo, "lower({s})");
        }
        // pos is a byte offset; len counts units.
        assert_eq!(s_of(hl_ucs2_upper(u("abcd"), 2, 2)), "BC");
    }
}

#[test]
fn url_encoding() {
    no_gc();
    let enc = [
        ("hello world", "hello%20world"),
        ("a+b=c&d", "a%2Bb%3Dc%26d"),
        ("é", "%C3%A9"),
        ("日本語", "%E6%97%A5%E6%9C%AC%E8%AA%9E"),
        ("😀x", "%F0%9F%98%80x"),
        ("~!*()'", "%7E%21%2A%28%29%27"),
        ("_-.", "_-."),
        ("\u{ff}\u{100}", "%C3%BF%C4%80"),
        ("A/Z", "A%2FZ"),
        ("", ""),
    ];
    unsafe {
        for (s, e) in enc {
            let mut len = -1;
            let p = hl_url_encode(u(s), &mut len);
            assert_eq!(s_of(p), e);
            assert_eq!(len as usize, e.len());
        }
        // A lone high surrogate is encoded as a 3-byte sequence.
        let lone: Vec<u16> = vec![0xD800, b'a' as u16, 0];
        let mut len = 0;
        assert_eq!(s_of(hl_url_encode(lone.as_ptr() as *mut vbyte, &mut len)), "%ED%A0%80a");
    }
    let dec: [(&str, &str); 12] = [
        ("a%20b", "a b"),
        ("a+b", "a b"),
        ("%C3%A9", "é"),
        ("%E6%97%A5", "日"),
        ("%F0%9F%98%80", "😀"),
        ("%zz", "%zz"),
        ("%", "%"),
        ("%4", "%4"),
        ("100%", "100%"),
        ("%41%42", "AB"),
        ("%e9%97%a5", "闥"),
        ("%C3%ZZ", "ÿZZ"),
    ];
    unsafe {
        for (s, e) in dec {
            let mut len = -1;
            let p = hl_url_decode(u(s), &mut len);
            assert_eq!(s_of(p), e, "decode {s}");
            assert_eq!(len as usize, e.encode_utf16().count());
        }
    }
}

#[test]
fn ucs2_helpers() {
    no_gc();
    unsafe {
        let a = ucs2_from_str("abc");
        let b = ucs2_from_str("abd");
        assert_eq!(ucs2::ucmp(a, b), -1);
        assert_eq!(ucs2::ucmp(a, a), 0);
        assert_eq!(ucs2::ucmp(ucs2_from_str("ab"), a), -(b'c' as i32));
        assert_eq!(ucs2::ustrlen(a), 3);
        let d = ucs2::ustrdup(a);
        assert_eq!(ucs2_to_string(d), "abc");
        libc::free(d.cast());
        let mut buf = [0i8; 6];
        // Never splits a character: "aé日" needs 6 bytes, only 5 fit.
        let n = ucs2::utostr(buf.as_mut_ptr(), 6, ucs2_from_str("aé日"));
        assert_eq!(n, 3);
        assert_eq!(buf[3], 0);
        let mut end = std::ptr::null_mut();
        let s = ucs2_from_str("12.5e1x");
        assert_eq!(ucs2::utod(s, &mut end), 125.0);
        assert_eq!(end.offset_from(s), 6);
        let s = ucs2_from_str("-42z");
        assert_eq!(ucs2::utoi(s, &mut end), -42);
        assert_eq!(end.offset_from(s), 3);
    }
}
