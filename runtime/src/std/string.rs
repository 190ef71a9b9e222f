//! `std/string.c`: int/float to string, UTF-8 <-> UTF-16 conversions, case
//! mapping and URL encoding. Strings are NUL-terminated UTF-16 (`uchar*`);
//! out-parameters `len` receive lengths in UTF-16 units unless noted.

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

use super::{alloc_noptr, alloc_ucs2, number, raise_error, set_out, ucs2, unicase};
use crate::abi::*;
use ::std::ffi::c_char;

/// `itos`: `%d`.
#[no_mangle]
pub unsafe extern "C" fn hl_itos(i: i32, len: *mut i32) -> *mut vbyte {
    let mut buf = [0u16; 11];
    let s = ucs2::format_int_ucs2(i, &mut buf);
    set_out(len, s.len() as i32);
    alloc_ucs2(s).cast()
}

/// `ftos`: `NaN`, or `%.15g` (see [`number::format_float`]).
#[no_mangle]
pub unsafe extern "C" fn hl_ftos(d: f64, len: *mut i32) -> *mut vbyte {
    let s: Vec<u16> = number::format_float(d).encode_utf16().collect();
    set_out(len, s.len() as i32);
    alloc_ucs2(&s).cast()
}

/// `ucs2length`: units before the NUL, from byte offset `pos`.
#[no_mangle]
pub unsafe extern "C" fn hl_ucs2length(s: *mut vbyte, pos: i32) -> i32 {
    ucs2::ucs2_len(s.offset(pos as isize) as *const u16) as i32
}

/// `hl_utf8_length`: the number of UTF-16 units the UTF-8 string at `s + pos`
/// decodes to, stopping at NUL or at the first malformed sequence (a lead
/// byte >= 0xF8 counts as one unit and stops).
#[no_mangle]
pub unsafe extern "C" fn hl_utf8_length(s: *const vbyte, pos: i32) -> i32 {
    let mut s = s.offset(pos as isize);
    let mut len = 0i32;
    loop {
        let c = *s;
        len += 1;
        if c < 0x80 {
            if c == 0 {
                return len - 1;
            }
            s = s.add(1);
        } else if c < 0xC0 {
            return len - 1;
        } else if c < 0xE0 {
            if *s.add(1) & 0x80 == 0 {
                return len - 1;
            }
            s = s.add(2);
        } else if c < 0xF0 {
            if (*s.add(1) & *s.add(2)) & 0x80 == 0 {
                return len - 1;
            }
            s = s.add(3);
        } else if c < 0xF8 {
            if (*s.add(1) & *s.add(2) & *s.add(3)) & 0x80 == 0 {
                return len - 1;
            }
            len += 1;
            s = s.add(4);
        } else {
            return len;
        }
    }
}

/// `hl_from_utf8`: decodes UTF-8 into at most `out_len` UTF-16 units and a NUL.
/// Like libhl it does not validate: continuation bytes are taken as two-byte
/// leads and following bytes are used without checks. Returns the units written.
#[no_mangle]
pub unsafe extern "C" fn hl_from_utf8(out: *mut uchar, out_len: i32, s: *const c_char) -> i32 {
    let mut s = s as *const u8;
    let mut out = out;
    let mut p: i32 = 0;
    let mut next = || {
        let b = *s as u32;
        s = s.add(1);
        b
    };
    loop {
        let go = p < out_len;
        p += 1;
        if !go {
            break;
        }
        let mut c = next();
        if c < 0x80 {
            if c == 0 {
                break;
            }
        } else if c < 0xE0 {
            c = ((c & 0x3F) << 6) | (next() & 0x7F);
        } else if c < 0xF0 {
            let c2 = next();
            c = ((c & 0x1F) << 12) | ((c2 & 0x7F) << 6) | (next() & 0x7F);
        } else {
            let c2 = next();
            let c3 = next();
            let c4 = next();
            c = (((c & 0x0F) << 18) | ((c2 & 0x7F) << 12) | ((c3 & 0x7F) << 6) | (c4 & 0x7F)).wrapping_sub(0x10000);
            let full = p == out_len;
            p += 1;
            if full {
                break;
            }
            *out = ((c >> 10) + 0xD800) as uchar;
            *out.add(1) = ((c & 0x3FF) | 0xDC00) as uchar;
            out = out.add(2);
            continue;
        }
        *out = c as uchar;
        out = out.add(1);
    }
    *out = 0;
    p - 1
}

/// `hl_to_utf16`: a C UTF-8 string as a new GC UTF-16 string.
#[no_mangle]
pub unsafe extern "C" fn hl_to_utf16(s: *const c_char) -> *mut uchar {
    let len = hl_utf8_length(s as *const vbyte, 0);
    let out = alloc_noptr((len as usize + 1) * 2) as *mut uchar;
    hl_from_utf8(out, len, s);
    out
}

/// `utf8_to_utf16`: decodes the UTF-8 at `str + pos`; `size` receives the byte size (units * 2).
#[no_mangle]
pub unsafe extern "C" fn hl_utf8_to_utf16(s: *mut vbyte, pos: i32, size: *mut i32) -> *mut vbyte {
    let ulen = hl_utf8_length(s, pos);
    let out = alloc_noptr((ulen as usize + 1) * 2) as *mut uchar;
    hl_from_utf8(out, ulen, s.offset(pos as isize) as *const c_char);
    set_out(size, ulen << 1);
    out.cast()
}

unsafe fn map_case(s: *mut vbyte, pos: i32, len: i32, table: &[(u16, u16)]) -> *mut vbyte {
    let src = s.offset(pos as isize) as *const u16;
    let n = len.max(0) as usize;
    let out = alloc_noptr((n + 1) * 2) as *mut u16;
    for i in 0..n {
        *out.add(i) = unicase::map(table, src.add(i).read_unaligned());
    }
    *out.add(n) = 0;
    out.cast()
}

/// `ucs2_upper`: a new string of `len` units with each unit upper-cased (one-to-one mappings only).
#[no_mangle]
pub unsafe extern "C" fn hl_ucs2_upper(s: *mut vbyte, pos: i32, len: i32) -> *mut vbyte {
    map_case(s, pos, len, &unicase::UPPER)
}

/// `ucs2_lower`.
#[no_mangle]
pub unsafe extern "C" fn hl_ucs2_lower(s: *mut vbyte, pos: i32, len: i32) -> *mut vbyte {
    map_case(s, pos, len, &unicase::LOWER)
}

/// `utf16_to_utf8`: encodes `len` units (0: up to the NUL) as NUL-terminated
/// UTF-8; `size` receives the byte length without the NUL. Any surrogate unit
/// is combined with the unit after it, as libhl does.
#[no_mangle]
pub unsafe extern "C" fn hl_utf16_to_utf8(s: *mut vbyte, len: i32, size: *mut i32) -> *mut vbyte {
    let src = s as *const u16;
    let units: &[u16] =
        if len == 0 { ucs2::ucs2_slice(src) } else { ::std::slice::from_raw_parts(src, len.max(0) as usize) };
    let mut bytes = Vec::with_capacity(units.len() + 1);
    ucs2::utf16_to_utf8_lossless(units, &mut bytes);
    // With an explicit length a trailing high surrogate pairs with the unit
    // past the end in libhl; we pair it with 0 instead of reading beyond.
    let out = alloc_noptr(bytes.len() + 1);
    ::std::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len());
    *out.add(bytes.len()) = 0;
    set_out(size, bytes.len() as i32);
    out
}

/// `hl_to_utf8`: a UTF-16 string as a new NUL-terminated UTF-8 GC string.
#[no_mangle]
pub unsafe extern "C" fn hl_to_utf8(s: *const uchar) -> *mut c_char {
    let mut size = 0;
    hl_utf16_to_utf8(s as *mut vbyte, 0, &mut size).cast()
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_hex(b: &mut Vec<u16>, c: u32) {
    b.push(b'%' as u16);
    b.push(HEX[((c >> 4) & 0xF) as usize] as u16);
    b.push(HEX[(c & 0xF) as usize] as u16);
}

/// `url_encode`: keeps `A-Z a-z 0-9 _ - .`, percent-encodes the UTF-8 bytes
/// of everything else (upper-case hex). A high surrogate followed by a low one
/// in `DC00..DFFE` is one 4-byte character; other surrogates are encoded alone.
#[no_mangle]
pub unsafe extern "C" fn hl_url_encode(s: *mut vbyte, len: *mut i32) -> *mut vbyte {
    let src = ucs2::ucs2_slice(s as *const u16);
    let mut b: Vec<u16> = Vec::with_capacity(src.len() * 3);
    let mut i = 0;
    while i < src.len() {
        let c = src[i] as u32;
        i += 1;
        let keep = (c >= b'A' as u32 && c <= b'Z' as u32)
            || (c >= b'a' as u32 && c <= b'z' as u32)
            || (c >= b'0' as u32 && c <= b'9' as u32)
            || c == b'_' as u32
            || c == b'-' as u32
            || c == b'.' as u32;
        if keep {
            b.push(c as u16);
        } else if c < 0x80 {
            push_hex(&mut b, c);
        } else if c < 0x800 {
            push_hex(&mut b, 0xC0 | (c >> 6));
            push_hex(&mut b, 0x80 | (c & 63));
        } else {
            let sur = src.get(i).copied().unwrap_or(0) as u32;
            if (0xD800..=0xDBFF).contains(&c) && (0xDC00..0xDFFF).contains(&sur) {
                i += 1;
                let k = (((c - 0xD800) << 10) | (sur - 0xDC00)) + 0x10000;
                push_hex(&mut b, 0xF0 | (k >> 18));
                push_hex(&mut b, 0x80 | ((k >> 12) & 63));
                push_hex(&mut b, 0x80 | ((k >> 6) & 63));
                push_hex(&mut b, 0x80 | (k & 63));
            } else {
                push_hex(&mut b, 0xE0 | (c >> 12));
                push_hex(&mut b, 0x80 | ((c >> 6) & 63));
                push_hex(&mut b, 0x80 | (c & 63));
            }
        }
    }
    set_out(len, b.len() as i32);
    alloc_ucs2(&b).cast()
}

fn hex_digit(c: u16) -> Option<u16> {
    match c {
        0x30..=0x39 => Some(c - 0x30),
        0x61..=0x66 => Some(c - 0x61 + 10),
        0x41..=0x46 => Some(c - 0x41 + 10),
        _ => None,
    }
}

/// `url_decode`: `+` is a space; `%XX` sequences are decoded as UTF-8 into
/// UTF-16. A `%` not followed by two hex digits is kept as is. A multi-byte
/// lead not followed by `%` is an error ("Malformed URL encoded"); bad hex
/// digits after such a `%` are not checked (they count as 0xFFFF, as in libhl).
#[no_mangle]
pub unsafe extern "C" fn hl_url_decode(s: *mut vbyte, len: *mut i32) -> *mut vbyte {
    match url_decode_units(ucs2::ucs2_slice(s as *const u16)) {
        Some(b) => {
            set_out(len, b.len() as i32);
            alloc_ucs2(&b).cast()
        }
        None => raise_error("Malformed URL encoded"),
    }
}

fn url_decode_units(src: &[u16]) -> Option<Vec<u16>> {
    let at = |i: usize| src.get(i).copied().unwrap_or(0);
    // Two hex digits at `*i`: advances past them; 0xFFFF (not advancing) otherwise.
    let hex = |i: &mut usize| -> u16 {
        match (hex_digit(at(*i)), hex_digit(at(*i + 1))) {
            (Some(a), Some(b)) => {
                *i += 2;
                (a << 4) | b
            }
            _ => 0xFFFF,
        }
    };
    let mut b = Vec::with_capacity(src.len());
    let mut i = 0;
    while i < src.len() {
        let mut c = src[i];
        i += 1;
        if c == b'+' as u16 {
            c = b' ' as u16;
        } else if c == b'%' as u16 {
            let p1 = hex(&mut i);
            if p1 == 0xFFFF {
                b.push(b'%' as u16);
                continue;
            }
            // Each continuation must start with '%' (the '%' is consumed either way).
            let cont = |i: &mut usize| -> Option<u32> {
                let pc = at(*i);
                *i += 1;
                if pc != b'%' as u16 {
                    return None;
                }
                Some(hex(i) as u32)
            };
            let p1 = p1 as u32;
            if p1 < 0x80 {
                c = p1 as u16;
            } else if p1 < 0xE0 {
                let p2 = cont(&mut i)?;
                c = (((p1 & 0x3F) << 6) | (p2 & 0x7F)) as u16;
            } else if p1 < 0xF0 {
                let p2 = cont(&mut i)?;
                let p3 = cont(&mut i)?;
                c = (((p1 & 0x1F) << 12) | ((p2 & 0x7F) << 6) | (p3 & 0x7F)) as u16;
            } else {
                let p2 = cont(&mut i)?;
                let p3 = cont(&mut i)?;
                let p4 = cont(&mut i)?;
                let k = (((p1 & 0x0F) << 18) | ((p2 & 0x7F) << 12) | ((p3 & 0x7F) << 6) | (p4 & 0x7F))
                    .wrapping_sub(0x10000);
                b.push(((k >> 10).wrapping_add(0xD800)) as u16);
                c = ((k & 0x3FF) | 0xDC00) as u16;
            }
        }
        b.push(c);
    }
    Some(b)
}
