//! `std/date.c`: dates as 32-bit Unix timestamps (seconds, read as unsigned),
//! converted with the C library's local time (`localtime_r`, `mktime`).

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc, clippy::too_many_arguments)]

use super::number::f64_to_i64;
use super::{alloc_ucs2, raise_error, set_out, ucs2};
use crate::abi::*;
use crate::sys::c;

unsafe fn local(date: i32) -> Option<c::tm> {
    // (time_t: the libc crate marks it deprecated on musl, where it is 64-bit anyway.)
    #[allow(deprecated)]
    let t: c::time_t = date as u32 as c::time_t;
    let mut tm: c::tm = ::std::mem::zeroed();
    if c::localtime_r(&t, &mut tm).is_null() {
        None
    } else {
        Some(tm)
    }
}

/// `date_now`: `time(NULL)` truncated to 32 bits.
#[no_mangle]
pub extern "C" fn hl_date_now() -> i32 {
    // SAFETY: time accepts a null pointer.
    unsafe { c::time(::std::ptr::null_mut()) as i32 }
}

/// `date_to_string`: local time as `YYYY-MM-DD hh:mm:ss`.
#[no_mangle]
pub unsafe extern "C" fn hl_date_to_string(date: i32, len: *mut i32) -> *mut vbyte {
    let Some(t) = local(date) else { raise_error("Invalid date") };
    let mut buf = [0u8; 127];
    let n = c::strftime(buf.as_mut_ptr().cast(), 127, c"%Y-%m-%d %H:%M:%S".as_ptr(), &t);
    let units: Vec<u16> = String::from_utf8_lossy(&buf[..n]).encode_utf16().collect();
    set_out(len, units.len() as i32);
    alloc_ucs2(&units).cast()
}

/// `date_get_time`: milliseconds, from the timestamp read as unsigned.
#[no_mangle]
pub extern "C" fn hl_date_get_time(date: i32) -> f64 {
    date as u32 as f64 * 1000.0
}

/// `date_from_time`: `(int)(unsigned)(ms / 1000)` as x86-64 compiles it
/// (64-bit truncation, low 32 bits kept; NaN and huge values give 0).
#[no_mangle]
pub extern "C" fn hl_date_from_time(time: f64) -> i32 {
    f64_to_i64(time / 1000.0) as u32 as i32
}

/// Reads up to `width` decimal digits (after optional blanks and sign) as `sscanf("%Nd")`.
fn scan_int(s: &[u8], pos: &mut usize, width: usize) -> Option<i32> {
    while *pos < s.len() && s[*pos].is_ascii_whitespace() {
        *pos += 1;
    }
    let start = *pos;
    let mut end = start;
    let mut neg = false;
    if end < s.len() && (s[end] == b'-' || s[end] == b'+') && width > 1 {
        neg = s[end] == b'-';
        end += 1;
    }
    let digits_start = end;
    let mut v: i64 = 0;
    while end < s.len() && end - start < width && s[end].is_ascii_digit() {
        v = v * 10 + (s[end] - b'0') as i64;
        end += 1;
    }
    if end == digits_start {
        return None;
    }
    *pos = end;
    Some(if neg { -v } else { v } as i32)
}

/// `sscanf(s, fmt, ...)` for formats made of `%Nd` fields separated by literal
/// characters: fills fields in order until the first mismatch.
fn scan(s: &[u8], seps: &[u8], widths: &[usize], out: &mut [&mut i32]) {
    let mut pos = 0;
    for (i, w) in widths.iter().enumerate() {
        if i > 0 {
            let sep = seps[i - 1];
            if sep == b' ' {
                while pos < s.len() && s[pos].is_ascii_whitespace() {
                    pos += 1;
                }
            } else if pos < s.len() && s[pos] == sep {
                pos += 1;
            } else {
                return;
            }
        }
        match scan_int(s, &mut pos, *w) {
            Some(v) => *out[i] = v,
            None => return,
        }
    }
}

/// `date_from_string`: `YYYY-MM-DD hh:mm:ss` or `YYYY-MM-DD` (local time,
/// through `mktime`), or `hh:mm:ss` (seconds since midnight, no time zone);
/// any other length raises "Invalid date format".
#[no_mangle]
pub unsafe extern "C" fn hl_date_from_string(b: *mut vbyte, _len: i32) -> i32 {
    let s = ucs2::ucs2_to_utf8_bytes(b as *const u16);
    let mut t: c::tm = ::std::mem::zeroed();
    let (mut y, mut mo, mut d, mut h, mut mi, mut sec) = (0, 0, 0, 0, 0, 0);
    match s.len() {
        19 => {
            scan(&s, b"-- ::", &[4, 2, 2, 2, 2, 2], &mut [&mut y, &mut mo, &mut d, &mut h, &mut mi, &mut sec]);
            t.tm_isdst = -1;
        }
        8 => {
            scan(&s, b"::", &[2, 2, 2], &mut [&mut h, &mut mi, &mut sec]);
            return sec.wrapping_add(mi.wrapping_mul(60)).wrapping_add(h.wrapping_mul(3600));
        }
        10 => {
            scan(&s, b"--", &[4, 2, 2], &mut [&mut y, &mut mo, &mut d]);
            t.tm_isdst = -1;
        }
        _ => {
            drop(s);
            raise_error("Invalid date format")
        }
    }
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_sec = sec;
    c::mktime(&mut t) as i32
}

/// `date_new(y, month0, day, h, m, s)`: local time through `mktime` (months from 0).
#[no_mangle]
pub unsafe extern "C" fn hl_date_new(y: i32, mo: i32, d: i32, h: i32, m: i32, s: i32) -> i32 {
    let mut t: c::tm = ::std::mem::zeroed();
    t.tm_year = y.wrapping_sub(1900);
    t.tm_mon = mo;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = m;
    t.tm_sec = s;
    t.tm_isdst = -1;
    c::mktime(&mut t) as i32
}

unsafe fn write_inf(
    t: &c::tm,
    y: *mut i32,
    mo: *mut i32,
    day: *mut i32,
    h: *mut i32,
    m: *mut i32,
    s: *mut i32,
    wday: *mut i32,
) {
    set_out(y, t.tm_year + 1900);
    set_out(mo, t.tm_mon);
    set_out(day, t.tm_mday);
    set_out(h, t.tm_hour);
    set_out(m, t.tm_min);
    set_out(s, t.tm_sec);
    set_out(wday, t.tm_wday);
}

/// `date_get_inf`: local year, month (0-11), day, hours, minutes, seconds, week day (0 = Sunday).
#[no_mangle]
pub unsafe extern "C" fn hl_date_get_inf(
    date: i32,
    y: *mut i32,
    mo: *mut i32,
    day: *mut i32,
    h: *mut i32,
    m: *mut i32,
    s: *mut i32,
    wday: *mut i32,
) {
    let Some(t) = local(date) else { raise_error("invalid date") };
    write_inf(&t, y, mo, day, h, m, s, wday);
}

/// `date_get_utc_inf`: as `date_get_inf` in UTC.
#[no_mangle]
pub unsafe extern "C" fn hl_date_get_utc_inf(
    date: i32,
    y: *mut i32,
    mo: *mut i32,
    day: *mut i32,
    h: *mut i32,
    m: *mut i32,
    s: *mut i32,
    wday: *mut i32,
) {
    #[allow(deprecated)] // time_t on musl, see above
    let tt: c::time_t = date as u32 as c::time_t;
    let mut t: c::tm = ::std::mem::zeroed();
    if c::gmtime_r(&tt, &mut t).is_null() {
        raise_error("invalid date");
    }
    write_inf(&t, y, mo, day, h, m, s, wday);
}
