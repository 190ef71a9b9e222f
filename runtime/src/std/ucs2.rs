//! UTF-16 ("ucs2") string helpers of libhl (`std/ucs2.c`): the C-side
//! functions other natives call (`ustrlen`, `ucmp`, `utod`, `utoi`,
//! `utostr`, `uprintf`) plus a Rust API for the rest of the runtime.

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

use super::{alloc_ucs2, number};
use crate::abi::uchar;
use ::std::ffi::c_char;

// ---------------------------------------------------------------------------
// Rust API.

/// Length in code units of a NUL-terminated UTF-16 string (null: 0).
pub unsafe fn ucs2_len(s: *const u16) -> usize {
    if s.is_null() {
        return 0;
    }
    let mut n = 0;
    while *s.add(n) != 0 {
        n += 1;
    }
    n
}

/// The code units of a NUL-terminated UTF-16 string, without the terminator.
pub unsafe fn ucs2_slice<'a>(s: *const u16) -> &'a [u16] {
    if s.is_null() {
        return &[];
    }
    ::std::slice::from_raw_parts(s, ucs2_len(s))
}

/// A NUL-terminated UTF-16 copy of `s` on the GC heap.
pub unsafe fn ucs2_from_str(s: &str) -> *mut u16 {
    let v: Vec<u16> = s.encode_utf16().collect();
    alloc_ucs2(&v)
}

/// A NUL-terminated UTF-16 string as a Rust string (lone surrogates become U+FFFD).
pub unsafe fn ucs2_to_string(s: *const u16) -> String {
    String::from_utf16_lossy(ucs2_slice(s))
}

/// libhl's UTF-16 to UTF-8 encoding (as `utostr` / `hl_utf16_to_utf8`): any
/// surrogate unit, high or low, is taken as the first half of a pair and
/// combined with the unit after it. Stops at the end of `units`.
pub fn utf16_to_utf8_lossless(units: &[u16], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < units.len() {
        let c = units[i] as u32;
        i += 1;
        if c < 0x80 {
            out.push(c as u8);
        } else if c < 0x800 {
            out.push((0xC0 | (c >> 6)) as u8);
            out.push((0x80 | (c & 63)) as u8);
        } else if (0xD800..=0xDFFF).contains(&c) {
            let lo = units.get(i).copied().unwrap_or(0) as u32;
            i += 1;
            let k = ((c.wrapping_sub(0xD800) << 10) | lo.wrapping_sub(0xDC00)).wrapping_add(0x10000);
            out.push((0xF0 | (k >> 18)) as u8);
            out.push((0x80 | ((k >> 12) & 63)) as u8);
            out.push((0x80 | ((k >> 6) & 63)) as u8);
            out.push((0x80 | (k & 63)) as u8);
        } else {
            out.push((0xE0 | (c >> 12)) as u8);
            out.push((0x80 | ((c >> 6) & 63)) as u8);
            out.push((0x80 | (c & 63)) as u8);
        }
    }
}

/// The UTF-8 bytes libhl prints for a NUL-terminated UTF-16 string.
pub unsafe fn ucs2_to_utf8_bytes(s: *const u16) -> Vec<u8> {
    let mut out = Vec::new();
    utf16_to_utf8_lossless(ucs2_slice(s), &mut out);
    out
}

// ---------------------------------------------------------------------------
// Number parsing shared by `parse_int` / `parse_float` and C callers.

/// Scans the text `strtod` would accept at the start of `buf` (ASCII):
/// optional sign, digits with an optional fraction (at least one digit),
/// optional exponent. Returns the length of the accepted prefix (0: none).
fn strtod_prefix(buf: &[u8]) -> usize {
    let mut i = 0;
    if i < buf.len() && (buf[i] == b'+' || buf[i] == b'-') {
        i += 1;
    }
    let mut digits = 0;
    while i < buf.len() && buf[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < buf.len() && buf[i] == b'.' {
        i += 1;
        while i < buf.len() && buf[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return 0;
    }
    if i < buf.len() && (buf[i] == b'e' || buf[i] == b'E') {
        let mut j = i + 1;
        if j < buf.len() && (buf[j] == b'+' || buf[j] == b'-') {
            j += 1;
        }
        if j < buf.len() && buf[j].is_ascii_digit() {
            while j < buf.len() && buf[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    i
}

/// libhl's `utod`: copies at most 30 leading characters from the set
/// `0-9 . e E + -` and converts them as C's `strtod` would. Returns the value
/// and the number of UTF-16 units consumed (0 when nothing was recognised).
pub unsafe fn parse_float_prefix(s: *const u16) -> (f64, usize) {
    let mut buf = [0u8; 30];
    let mut n = 0;
    while n < 30 {
        let c = *s.add(n);
        let ok = (c >= b'0' as u16 && c <= b'9' as u16)
            || c == b'.' as u16
            || c == b'e' as u16
            || c == b'E' as u16
            || c == b'-' as u16
            || c == b'+' as u16;
        if !ok {
            break;
        }
        buf[n] = c as u8;
        n += 1;
    }
    let len = strtod_prefix(&buf[..n]);
    if len == 0 {
        return (0.0, 0);
    }
    // The accepted prefix is always valid Rust float syntax ("5.", ".5", "1e5").
    let text = ::std::str::from_utf8_unchecked(&buf[..len]);
    let v = text.parse::<f64>().unwrap_or(0.0);
    (v, len)
}

/// libhl's `utoi`: an optional sign then decimal digits, at most 16
/// characters in all, converted with 64-bit `strtol` and truncated to 32 bits.
/// Returns the value and the number of units consumed (0: no digits).
pub unsafe fn parse_int_prefix(s: *const u16) -> (i32, usize) {
    let mut i = 0;
    let mut neg = false;
    let first = *s;
    if first == b'-' as u16 || first == b'+' as u16 {
        neg = first == b'-' as u16;
        i = 1;
    }
    let start = i;
    let mut v: i64 = 0;
    while i < 16 {
        let c = *s.add(i);
        if !(b'0' as u16..=b'9' as u16).contains(&c) {
            break;
        }
        v = v * 10 + (c - b'0' as u16) as i64;
        i += 1;
    }
    if i == start {
        return (0, 0);
    }
    if neg {
        v = -v;
    }
    (v as i32, i)
}

// ---------------------------------------------------------------------------
// Exported C helpers.

/// `ustrlen`.
#[no_mangle]
pub unsafe extern "C" fn ustrlen(s: *const uchar) -> i32 {
    ucs2_len(s) as i32
}

/// `ustrdup`: a `malloc`ed copy (the caller frees it).
#[no_mangle]
pub unsafe extern "C" fn ustrdup(s: *const uchar) -> *mut uchar {
    let n = ucs2_len(s) + 1;
    let d = libc::malloc(n * 2) as *mut uchar;
    if !d.is_null() {
        ::std::ptr::copy_nonoverlapping(s, d, n);
    }
    d
}

/// `ucmp`: compares two NUL-terminated strings by code unit.
#[no_mangle]
pub unsafe extern "C" fn ucmp(a: *const uchar, b: *const uchar) -> i32 {
    let mut i = 0;
    loop {
        let (x, y) = (*a.add(i), *b.add(i));
        let d = x as i32 - y as i32;
        if d != 0 {
            return d;
        }
        if x == 0 {
            return 0;
        }
        i += 1;
    }
}

/// `utod`.
#[no_mangle]
pub unsafe extern "C" fn utod(s: *const uchar, end: *mut *mut uchar) -> f64 {
    let (v, n) = parse_float_prefix(s);
    if !end.is_null() {
        *end = s.add(n) as *mut uchar;
    }
    v
}

/// `utoi`.
#[no_mangle]
pub unsafe extern "C" fn utoi(s: *const uchar, end: *mut *mut uchar) -> i32 {
    let (v, n) = parse_int_prefix(s);
    if !end.is_null() {
        *end = s.add(n) as *mut uchar;
    }
    v
}

/// `utostr`: writes `s` as UTF-8 into `out` (at most `out_size - 1` bytes and
/// a NUL, never splitting a character). Returns the number of bytes written.
#[no_mangle]
pub unsafe extern "C" fn utostr(out: *mut c_char, out_size: i32, s: *const uchar) -> i32 {
    if out_size <= 0 {
        return 0;
    }
    let cap = (out_size - 1) as usize;
    let mut written = 0usize;
    let mut i = 0usize;
    let mut tmp = Vec::with_capacity(4);
    loop {
        if written >= cap {
            break;
        }
        let c = *s.add(i);
        if c == 0 {
            break;
        }
        tmp.clear();
        let is_sur = (0xD800..=0xDFFF).contains(&c);
        if is_sur {
            let lo = *s.add(i + 1);
            utf16_to_utf8_lossless(&[c, lo], &mut tmp);
        } else {
            utf16_to_utf8_lossless(&[c], &mut tmp);
        }
        if written + tmp.len() > cap {
            break;
        }
        i += if is_sur { 2 } else { 1 };
        ::std::ptr::copy_nonoverlapping(tmp.as_ptr(), out.add(written) as *mut u8, tmp.len());
        written += tmp.len();
        if is_sur && *s.add(i - 1) == 0 {
            break;
        }
    }
    *out.add(written) = 0;
    written as i32
}

/// `uprintf(fmt, str)`: prints `fmt` (UTF-16) to C's stdout with `%s`
/// replaced by `str`, both converted to UTF-8.
#[no_mangle]
pub unsafe extern "C" fn uprintf(fmt: *const uchar, s: *const uchar) {
    let f = ucs2_slice(fmt);
    let mut out = Vec::new();
    let mut plain: Vec<u16> = Vec::new();
    let mut i = 0;
    while i < f.len() {
        let next = f.get(i + 1).copied();
        if f[i] == b'%' as u16 && (next == Some(b's' as u16) || next == Some(b'%' as u16)) {
            utf16_to_utf8_lossless(&plain, &mut out);
            plain.clear();
            if next == Some(b's' as u16) {
                out.extend_from_slice(&ucs2_to_utf8_bytes(s));
            } else {
                out.push(b'%');
            }
            i += 2;
        } else {
            plain.push(f[i]);
            i += 1;
        }
    }
    utf16_to_utf8_lossless(&plain, &mut out);
    write_stdout(&out);
}

/// Writes bytes to C's `stdout` stream (shared with C code, so output interleaves correctly).
pub(crate) fn write_stdout(bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    // SAFETY: the pointer and length describe `bytes`; stdout_stream() is C's stdout.
    unsafe {
        libc::fwrite(bytes.as_ptr().cast(), 1, bytes.len(), stdout_stream());
    }
}

pub(crate) fn flush_stdout() {
    // SAFETY: stdout_stream() is C's stdout, a valid stream.
    unsafe {
        libc::fflush(stdout_stream());
    }
}

fn stdout_stream() -> *mut libc::FILE {
    // SAFETY: returns C's stdout stream; no preconditions.
    unsafe { hlrt_c::hlc_c_stdout().cast() }
}

/// `%d` formatting of an `int` as UTF-16 units (`usprintf(..., "%d", i)`),
/// into `buf` (11 units hold `-2147483648`); returns the digits' part of it.
/// No heap allocation: `Std.string(int)` and `"" + int` run it per call.
pub fn format_int_ucs2(i: i32, buf: &mut [u16; 11]) -> &[u16] {
    let mut n = i.unsigned_abs();
    let mut at = buf.len();
    // Two digits per division while at least two remain.
    while n >= 100 {
        let r = (n % 100) as u16;
        n /= 100;
        at -= 2;
        buf[at] = b'0' as u16 + r / 10;
        buf[at + 1] = b'0' as u16 + r % 10;
    }
    if n >= 10 {
        at -= 2;
        buf[at] = b'0' as u16 + (n / 10) as u16;
        buf[at + 1] = b'0' as u16 + (n % 10) as u16;
    } else {
        at -= 1;
        buf[at] = b'0' as u16 + n as u16;
    }
    if i < 0 {
        at -= 1;
        buf[at] = b'-' as u16;
    }
    &buf[at..]
}

/// `%.<prec>g` formatting as UTF-16 units.
pub fn format_g_ucs2(d: f64, prec: usize) -> Vec<u16> {
    number::format_g(d, prec).encode_utf16().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ints_format_as_printf_does() {
        for i in [0, 7, -7, 10, 99, -100, 123456789, i32::MAX, i32::MIN, i32::MIN + 1] {
            let mut buf = [0u16; 11];
            assert_eq!(String::from_utf16(super::format_int_ucs2(i, &mut buf)).unwrap(), i.to_string());
        }
    }
}
