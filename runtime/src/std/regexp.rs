//! `EReg` natives (`regexp_*`) over PCRE2, the engine HashLink uses, with
//! HashLink's compile options. HashLink runs PCRE2's 16-bit library on the
//! UTF-16 text; the `pcre2-sys` crate builds the 8-bit library, so the
//! subject is converted to UTF-8 and offsets are mapped back to UTF-16 units.
//! The matching semantics are PCRE2's in both cases.

use crate::abi::*;
use pcre2_sys::*;
use std::ffi::c_void;
use std::ptr::null_mut;

/// The `ereg` block: a finalizer block (word 0 is the finalizer), so the
/// compiled pattern is freed with it.
#[repr(C)]
pub struct Ereg {
    finalize: unsafe extern "C" fn(*mut Ereg),
    code: *mut pcre2_code_8,
    match_data: *mut pcre2_match_data_8,
    n_groups: i32,
    matched: bool,
    /// The last subject (UTF-16 units) and its UTF-8 form, with the UTF-16
    /// offset of every UTF-8 byte boundary; reused while the subject repeats.
    cache: *mut SubjectCache,
}

struct SubjectCache {
    units: Vec<u16>,
    utf8: Vec<u8>,
    /// `u16_at[b]`: UTF-16 offset of UTF-8 byte offset `b` (len = utf8.len() + 1).
    u16_at: Vec<u32>,
    /// `byte_at[u]`: UTF-8 byte offset of UTF-16 offset `u` (len = units.len() + 1).
    byte_at: Vec<u32>,
}

unsafe extern "C" fn finalize(e: *mut Ereg) {
    if !(*e).code.is_null() {
        pcre2_code_free_8((*e).code);
    }
    if !(*e).match_data.is_null() {
        pcre2_match_data_free_8((*e).match_data);
    }
    if !(*e).cache.is_null() {
        drop(Box::from_raw((*e).cache));
    }
    (*e).code = null_mut();
    (*e).match_data = null_mut();
    (*e).cache = null_mut();
}

/// Converts UTF-16 units to UTF-8 with offset maps; lone surrogates become U+FFFD.
fn convert(units: &[u16]) -> SubjectCache {
    let mut utf8 = Vec::with_capacity(units.len());
    let mut u16_at = Vec::with_capacity(units.len() + 1);
    let mut byte_at = vec![0u32; units.len() + 1];
    let mut i = 0;
    while i < units.len() {
        let start = utf8.len();
        byte_at[i] = start as u32;
        let c = units[i];
        let (ch, n) = if (0xD800..0xDC00).contains(&c) && i + 1 < units.len() && (0xDC00..0xE000).contains(&units[i + 1]) {
            let cp = 0x10000 + (((c as u32) - 0xD800) << 10) + ((units[i + 1] as u32) - 0xDC00);
            (char::from_u32(cp).unwrap_or('\u{FFFD}'), 2)
        } else {
            (char::from_u32(c as u32).unwrap_or('\u{FFFD}'), 1)
        };
        let mut buf = [0u8; 4];
        utf8.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        for _ in start..utf8.len() {
            u16_at.push(i as u32);
        }
        if n == 2 {
            byte_at[i + 1] = start as u32; // inside a pair: not a valid start
        }
        i += n;
    }
    u16_at.push(units.len() as u32);
    byte_at[units.len()] = utf8.len() as u32;
    SubjectCache { units: units.to_vec(), utf8, u16_at, byte_at }
}

unsafe fn error_text(code: i32) -> String {
    let mut buf = [0u8; 256];
    let n = pcre2_get_error_message_8(code, buf.as_mut_ptr(), buf.len());
    String::from_utf8_lossy(&buf[..n.max(0) as usize]).into_owned()
}

/// `regexp_new_options(pattern, options)`; options are `i s m u g`. Unknown
/// options give null, as in HashLink.
#[no_mangle]
pub unsafe extern "C" fn hl_regexp_new_options(pattern: *mut vbyte, opts: *mut vbyte) -> *mut Ereg {
    let mut options = PCRE2_UCP | PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS | PCRE2_MATCH_UNSET_BACKREF;
    for &o in super::ucs2::ucs2_slice(opts as *const u16) {
        match o {
            0x69 => options |= PCRE2_CASELESS,  // i
            0x73 => options |= PCRE2_DOTALL,    // s
            0x6D => options |= PCRE2_MULTILINE, // m
            0x75 => {}                          // u
            0x67 => options |= PCRE2_UNGREEDY,  // g
            _ => return null_mut(),
        }
    }
    let units = super::ucs2::ucs2_slice(pattern as *const u16);
    let text = String::from_utf16_lossy(units);
    let mut err = 0i32;
    let mut err_off = 0usize;
    let code = pcre2_compile_8(text.as_ptr(), text.len(), options, &mut err, &mut err_off, null_mut());
    if code.is_null() {
        super::raise_error(&format!("Regexp compilation error : {} in {}", error_text(err), text));
    }
    let e = crate::gc::hl_gc_alloc_gen(hlt_abstract.get(), std::mem::size_of::<Ereg>() as i32, mem::KIND_FINALIZER) as *mut Ereg;
    let mut groups: u32 = 0;
    pcre2_pattern_info_8(code, PCRE2_INFO_CAPTURECOUNT, (&mut groups as *mut u32).cast::<c_void>());
    e.write(Ereg {
        finalize,
        code,
        match_data: pcre2_match_data_create_from_pattern_8(code, null_mut()),
        n_groups: groups as i32 + 1,
        matched: false,
        cache: null_mut(),
    });
    e
}

/// `regexp_match(e, s, pos, len)`: searches `s[pos .. pos+len]` (UTF-16 units).
#[no_mangle]
pub unsafe extern "C" fn hl_regexp_match(e: *mut Ereg, s: *mut vbyte, pos: i32, len: i32) -> bool {
    if e.is_null() || (*e).code.is_null() {
        super::raise_error("Null access");
    }
    let end = (pos.max(0) + len.max(0)) as usize;
    let units = std::slice::from_raw_parts(s as *const u16, end);
    let reuse = !(*e).cache.is_null() && (*(*e).cache).units == units;
    if !reuse {
        if !(*e).cache.is_null() {
            drop(Box::from_raw((*e).cache));
        }
        (*e).cache = Box::into_raw(Box::new(convert(units)));
    }
    let c = &*(*e).cache;
    let start = c.byte_at[(pos.max(0) as usize).min(units.len())] as usize;
    let res = pcre2_match_8((*e).code, c.utf8.as_ptr(), c.utf8.len(), start, PCRE2_NO_UTF_CHECK, (*e).match_data, null_mut());
    (*e).matched = res >= 0;
    if res >= 0 {
        return true;
    }
    if res != PCRE2_ERROR_NOMATCH {
        super::raise_error("An error occurred while running pcre2_match()");
    }
    false
}

/// `regexp_matched_pos(e, group, &len)`: start of a group in UTF-16 units (-1 if unset).
#[no_mangle]
pub unsafe extern "C" fn hl_regexp_matched_pos(e: *mut Ereg, m: i32, len: *mut i32) -> i32 {
    if !(*e).matched {
        super::raise_error("Calling regexp_matched_pos() on an unmatched regexp");
    }
    if m < 0 || m >= (*e).n_groups {
        super::raise_error(&format!("Matched index {m} outside bounds"));
    }
    let ov = pcre2_get_ovector_pointer_8((*e).match_data);
    let (s, t) = (*ov.add(2 * m as usize), *ov.add(2 * m as usize + 1));
    let c = &*(*e).cache;
    let map = |b: usize| if b == usize::MAX { -1 } else { c.u16_at.get(b).map_or(-1, |&u| u as i32) };
    let (start, stop) = (map(s), map(t));
    if !len.is_null() {
        *len = stop - start;
    }
    start
}

/// `regexp_matched_num(e)`: the number of groups of the last match, or -1.
#[no_mangle]
pub unsafe extern "C" fn hl_regexp_matched_num(e: *mut Ereg) -> i32 {
    if (*e).matched {
        (*e).n_groups
    } else {
        -1
    }
}
