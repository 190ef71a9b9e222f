//! `std/bytes.c`: raw byte buffers, comparisons, search, in-place sorts with
//! a Haxe comparison closure, number parsing, pointer arithmetic; and the
//! field-name hash of `std/obj.c` (`hash`, `hl_hash_gen`, `field_name`).

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

use super::{alloc_noptr, dyn_i32, ucs2};
use crate::abi::*;
use ::std::ffi::{c_char, c_void};
use ::std::sync::Mutex;

/// `alloc_bytes`: uninitialised pointer-free GC memory (null for 0 bytes).
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_bytes(size: i32) -> *mut vbyte {
    if size < 0 {
        super::raise_error("Invalid allocation size");
    }
    alloc_noptr(size as usize)
}

/// `hl_copy_bytes`.
#[no_mangle]
pub unsafe extern "C" fn hl_copy_bytes(ptr: *const vbyte, size: i32) -> *mut vbyte {
    let b = hl_alloc_bytes(size);
    if size > 0 {
        ::std::ptr::copy_nonoverlapping(ptr, b, size as usize);
    }
    b
}

/// `bytes_blit`: `memmove(dst + dpos, src + spos, len)`.
#[no_mangle]
pub unsafe extern "C" fn hl_bytes_blit(dst: *mut vbyte, dpos: i32, src: *mut vbyte, spos: i32, len: i32) {
    if len > 0 {
        ::std::ptr::copy(src.offset(spos as isize), dst.offset(dpos as isize), len as usize);
    }
}

/// `memcmp` sign convention of glibc: difference of the first differing bytes.
unsafe fn memcmp(a: *const u8, b: *const u8, len: usize) -> i32 {
    if len == 0 {
        return 0;
    }
    libc::memcmp(a.cast(), b.cast(), len)
}

/// `bytes_compare`: `memcmp(a + apos, b + bpos, len)`.
#[no_mangle]
pub unsafe extern "C" fn hl_bytes_compare(a: *mut vbyte, apos: i32, b: *mut vbyte, bpos: i32, len: i32) -> i32 {
    if len <= 0 {
        return 0;
    }
    memcmp(a.offset(apos as isize), b.offset(bpos as isize), len as usize)
}

/// `bytes_compare16`: compares `len` UTF-16 units; returns the difference of the first differing pair.
#[no_mangle]
pub unsafe extern "C" fn hl_bytes_compare16(a: *mut vbyte, b: *mut vbyte, len: i32) -> i32 {
    let (a, b) = (a as *const u16, b as *const u16);
    for i in 0..len.max(0) as usize {
        let (x, y) = (a.add(i).read_unaligned(), b.add(i).read_unaligned());
        if x != y {
            return x as i32 - y as i32;
        }
    }
    0
}

/// `string_compare`: `memcmp` over `len` UTF-16 units (byte order, so
/// little-endian units do not compare by value: only the sign of the first
/// differing byte counts).
#[no_mangle]
pub unsafe extern "C" fn hl_string_compare(a: *mut vbyte, b: *mut vbyte, len: i32) -> i32 {
    if len <= 0 {
        return 0;
    }
    memcmp(a, b, len as usize * 2)
}

/// `bytes_find`: first occurrence of `which[wpos..wpos+wlen]` in
/// `where[pos..pos+len]`, as an offset from `where` (not from `pos`), or -1.
/// An empty pattern matches at `pos`.
#[no_mangle]
pub unsafe extern "C" fn hl_bytes_find(
    where_: *mut vbyte,
    pos: i32,
    len: i32,
    which: *mut vbyte,
    wpos: i32,
    wlen: i32,
) -> i32 {
    if where_.is_null() || which.is_null() {
        return -1;
    }
    let len = len as isize as usize;
    let wlen = wlen as isize as usize;
    // Negative sizes read as huge unsigned ones in C: no match unless the pattern is empty.
    if wlen == 0 {
        return pos;
    }
    if len < wlen || len > isize::MAX as usize || wlen > isize::MAX as usize {
        return -1;
    }
    let hay = ::std::slice::from_raw_parts(where_.offset(pos as isize), len);
    let pat = ::std::slice::from_raw_parts(which.offset(wpos as isize), wlen);
    let first = pat[0];
    let mut i = 0;
    while i + wlen <= len {
        // memchr's vectorised scan for the first byte: `String.split` and
        // `indexOf` search the whole rest of a string from each position.
        match memchr::memchr(first, &hay[i..=len - wlen]) {
            None => return -1,
            Some(k) => {
                i += k;
                if &hay[i..i + wlen] == pat {
                    return pos + i as i32;
                }
                i += 1;
            }
        }
    }
    -1
}

/// `bytes_rfind`: last occurrence of `which[0..wlen]` in `where[0..len]`; `len` for an empty pattern.
#[no_mangle]
pub unsafe extern "C" fn hl_bytes_rfind(where_: *mut vbyte, len: i32, which: *mut vbyte, wlen: i32) -> i32 {
    if wlen > len {
        return -1;
    }
    if wlen == 0 {
        return len;
    }
    let mut pos = len - wlen;
    while pos >= 0 {
        if memcmp(where_.offset(pos as isize), which, wlen as usize) == 0 {
            return pos;
        }
        pos -= 1;
    }
    -1
}

/// `bytes_fill`: `memset(bytes + pos, value, len)`.
#[no_mangle]
pub unsafe extern "C" fn hl_bytes_fill(bytes: *mut vbyte, pos: i32, len: i32, value: i32) {
    if len > 0 {
        ::std::ptr::write_bytes(bytes.offset(pos as isize), value as u8, len as usize);
    }
}

// ---------------------------------------------------------------------------
// In-place stable merge sort with a comparison closure (libhl's algorithm:
// insertion sort below 12 elements, then recursive in-place merging by
// rotations), so the comparison calls happen in the same order as in HashLink.

trait SortElem: Copy {
    unsafe fn call(cl: *mut vclosure, a: Self, b: Self) -> i32;
}

macro_rules! sort_elem {
    ($t:ty) => {
        impl SortElem for $t {
            unsafe fn call(cl: *mut vclosure, a: $t, b: $t) -> i32 {
                if (*cl).has_value != 0 {
                    let f: unsafe extern "C" fn(*mut c_void, $t, $t) -> i32 = ::std::mem::transmute((*cl).fun);
                    f((*cl).value, a, b)
                } else {
                    let f: unsafe extern "C" fn($t, $t) -> i32 = ::std::mem::transmute((*cl).fun);
                    f(a, b)
                }
            }
        }
    };
}
sort_elem!(i32);
sort_elem!(f64);
sort_elem!(i64);

struct Sorter<T: SortElem> {
    arr: *mut T,
    cl: *mut vclosure,
}

impl<T: SortElem> Sorter<T> {
    unsafe fn cmp(&self, a: i32, b: i32) -> i32 {
        T::call(self.cl, self.get(a), self.get(b))
    }
    unsafe fn get(&self, i: i32) -> T {
        self.arr.offset(i as isize).read_unaligned()
    }
    unsafe fn set(&self, i: i32, v: T) {
        self.arr.offset(i as isize).write_unaligned(v)
    }
    unsafe fn swap(&self, a: i32, b: i32) {
        let t = self.get(a);
        self.set(a, self.get(b));
        self.set(b, t);
    }
    unsafe fn lower(&self, mut from: i32, to: i32, val: i32) -> i32 {
        let mut len = to - from;
        while len > 0 {
            let half = len >> 1;
            let mid = from + half;
            if self.cmp(mid, val) < 0 {
                from = mid + 1;
                len = len - half - 1;
            } else {
                len = half;
            }
        }
        from
    }
    unsafe fn upper(&self, mut from: i32, to: i32, val: i32) -> i32 {
        let mut len = to - from;
        while len > 0 {
            let half = len >> 1;
            let mid = from + half;
            if self.cmp(val, mid) < 0 {
                len = half;
            } else {
                from = mid + 1;
                len = len - half - 1;
            }
        }
        from
    }
    unsafe fn rotate(&self, from: i32, mid: i32, to: i32) {
        if from == mid || mid == to {
            return;
        }
        let mut n = gcd(to - from, mid - from);
        while n != 0 {
            n -= 1;
            let val = self.get(from + n);
            let shift = mid - from;
            let mut p1 = from + n;
            let mut p2 = from + n + shift;
            while p2 != from + n {
                self.set(p1, self.get(p2));
                p1 = p2;
                if to - p2 > shift {
                    p2 += shift;
                } else {
                    p2 = from + (shift - (to - p2));
                }
            }
            self.set(p1, val);
        }
    }
    unsafe fn merge(&self, from: i32, pivot: i32, to: i32, len1: i32, len2: i32) {
        if len1 == 0 || len2 == 0 {
            return;
        }
        if len1 + len2 == 2 {
            if self.cmp(pivot, from) < 0 {
                self.swap(pivot, from);
            }
            return;
        }
        let (first_cut, second_cut, len11, len22);
        if len1 > len2 {
            len11 = len1 >> 1;
            first_cut = from + len11;
            second_cut = self.lower(pivot, to, first_cut);
            len22 = second_cut - pivot;
        } else {
            len22 = len2 >> 1;
            second_cut = pivot + len22;
            first_cut = self.upper(from, pivot, second_cut);
            len11 = first_cut - from;
        }
        self.rotate(first_cut, pivot, second_cut);
        let new_mid = first_cut + len22;
        self.merge(from, first_cut, new_mid, len11, len22);
        self.merge(new_mid, second_cut, to, len1 - len11, len2 - len22);
    }
    unsafe fn sort(&self, from: i32, to: i32) {
        if to - from < 12 {
            if to <= from {
                return;
            }
            for i in from + 1..to {
                let mut j = i;
                while j > from {
                    if self.cmp(j, j - 1) < 0 {
                        self.swap(j - 1, j);
                    } else {
                        break;
                    }
                    j -= 1;
                }
            }
            return;
        }
        let middle = (from + to) >> 1;
        self.sort(from, middle);
        self.sort(middle, to);
        self.merge(from, middle, to, middle - from, to - middle);
    }
}

fn gcd(mut m: i32, mut n: i32) -> i32 {
    while n != 0 {
        let t = m % n;
        m = n;
        n = t;
    }
    m
}

/// `bsort_i32`: sorts `len` ints at `bytes + pos` with `cmp : (Int, Int) -> Int`.
#[no_mangle]
pub unsafe extern "C" fn hl_bsort_i32(bytes: *mut vbyte, pos: i32, len: i32, cmp: *mut vclosure) {
    let s = Sorter::<i32> { arr: bytes.offset(pos as isize).cast(), cl: cmp };
    s.sort(0, len);
}

/// `bsort_f64`: sorts `len` floats at `bytes + pos` with `cmp : (Float, Float) -> Int`.
#[no_mangle]
pub unsafe extern "C" fn hl_bsort_f64(bytes: *mut vbyte, pos: i32, len: i32, cmp: *mut vclosure) {
    let s = Sorter::<f64> { arr: bytes.offset(pos as isize).cast(), cl: cmp };
    s.sort(0, len);
}

/// `bsort_i64`.
#[no_mangle]
pub unsafe extern "C" fn hl_bsort_i64(bytes: *mut vbyte, pos: i32, len: i32, cmp: *mut vclosure) {
    let s = Sorter::<i64> { arr: bytes.offset(pos as isize).cast(), cl: cmp };
    s.sort(0, len);
}

// ---------------------------------------------------------------------------
// Number parsing.

#[inline]
fn is_space(c: u16) -> bool {
    c == 32 || (c > 8 && c < 14)
}

/// `parse_float`: skips blanks (space, `\t`..`\r`), then the longest number C's
/// `strtod` accepts among the first 30 characters of `[0-9.eE+-]`; NaN when none.
/// `len` is ignored (the string is NUL-terminated), as in libhl.
#[no_mangle]
pub unsafe extern "C" fn hl_parse_float(bytes: *mut vbyte, pos: i32, _len: i32) -> f64 {
    let mut s = bytes.offset(pos as isize) as *const u16;
    while is_space(*s) {
        s = s.add(1);
    }
    let (v, n) = ucs2::parse_float_prefix(s);
    if n == 0 {
        return f64::NAN;
    }
    v
}

/// `parse_int`: `Std.parseInt`. Skips blanks; `0x`/`0X` (after an optional
/// sign) reads hex digits into a wrapping 32-bit value; otherwise sign and at
/// most 16 characters of decimal digits, truncated to 32 bits. Null when no
/// digit was read (`0x` alone gives 0).
#[no_mangle]
pub unsafe extern "C" fn hl_parse_int(bytes: *mut vbyte, pos: i32, len: i32) -> *mut vdynamic {
    let start = bytes.offset(pos as isize) as *const u16;
    let mut c = start;
    while is_space(*c) {
        c = c.add(1);
    }
    let skipped = c.offset_from(start) as i32;
    let rem = len.wrapping_sub(skipped);
    let sign = *c;
    let signed = sign == b'-' as u16 || sign == b'+' as u16;
    let x = |i: usize| *c.add(i) == b'x' as u16 || *c.add(i) == b'X' as u16;
    let hex = if signed { rem >= 3 && *c.add(1) == b'0' as u16 && x(2) } else { rem >= 2 && *c == b'0' as u16 && x(1) };
    let h: i32 = if hex {
        let mut p = c.add(if signed { 3 } else { 2 });
        let mut h: i32 = 0;
        loop {
            let k = *p;
            let d = match k {
                0x30..=0x39 => k - 0x30,
                0x41..=0x46 => k - 0x41 + 10,
                0x61..=0x66 => k - 0x61 + 10,
                _ => break,
            };
            h = (h << 4) | d as i32;
            p = p.add(1);
        }
        if sign == b'-' as u16 {
            h.wrapping_neg()
        } else {
            h
        }
    } else {
        let (v, n) = ucs2::parse_int_prefix(c);
        if n == 0 {
            return ::std::ptr::null_mut();
        }
        v
    };
    dyn_i32(h)
}

// ---------------------------------------------------------------------------
// Pointer manipulation.

#[no_mangle]
pub unsafe extern "C" fn hl_bytes_offset(src: *mut vbyte, offset: i32) -> *mut vbyte {
    src.wrapping_offset(offset as isize)
}

#[no_mangle]
pub unsafe extern "C" fn hl_bytes_subtract(a: *mut vbyte, b: *mut vbyte) -> i32 {
    (a as isize).wrapping_sub(b as isize) as i32
}

#[no_mangle]
pub unsafe extern "C" fn hl_bytes_address64(a: *mut vbyte) -> i64 {
    a as isize as i64
}

#[no_mangle]
pub unsafe extern "C" fn hl_bytes_address(a: *mut vbyte, high: *mut i32) -> i32 {
    super::set_out(high, ((a as u64) >> 32) as i32);
    a as usize as i32
}

#[no_mangle]
pub unsafe extern "C" fn hl_bytes_from_address(low: i32, high: i32) -> *mut vbyte {
    (((high as u32 as u64) << 32) | low as u32 as u64) as usize as *mut vbyte
}

#[no_mangle]
pub unsafe extern "C" fn hl_bytes_from_address64(v: i64) -> *mut vbyte {
    v as usize as *mut vbyte
}

/// `bytes_get_memsize`: the size of the GC block (`hl_gc_get_memsize`).
#[no_mangle]
pub unsafe extern "C" fn hl_bytes_get_memsize(ptr: *mut vbyte) -> i32 {
    crate::gc::hl_gc_get_memsize(ptr.cast())
}

// ---------------------------------------------------------------------------
// Field-name hashing (obj.c).

/// The hash of a field name: `h = 223 * h + c` over the UTF-16 units with
/// 32-bit wrapping, then C's signed `% 0x1FFFFF7B` (so it may be negative).
pub fn hash_units(units: impl IntoIterator<Item = u32>) -> i32 {
    let mut h: i32 = 0;
    for c in units {
        h = h.wrapping_mul(223).wrapping_add(c as i32);
    }
    h % 0x1FFFFF7B
}

/// `hl_hash_gen` for a NUL-terminated UTF-16 name, without recording it.
pub unsafe fn hash_ucs2(name: *const u16) -> i32 {
    // One pass up to the terminator (string map keys are hashed on every
    // lookup): the same sum as `hash_units` over `ucs2_slice(name)`.
    // `name` is NUL-terminated (the caller's contract), and `p` stops there.
    if name.is_null() {
        return 0;
    }
    let mut h: i32 = 0;
    let mut p = name;
    while *p != 0 {
        h = h.wrapping_mul(223).wrapping_add(*p as i32);
        p = p.add(1);
    }
    h % 0x1FFFFF7B
}

/// The names hashed with `cache_name = true` (sorted by hash), for
/// `field_name` and to resolve collisions. Each name is kept NUL-terminated
/// for the life of the runtime context that owns the cache (as libhl keeps
/// its cache until `hl_global_free`).
#[derive(Default)]
pub struct NameCache(Mutex<Vec<(i32, Box<[u16]>)>>);

impl NameCache {
    fn lock(&self) -> ::std::sync::MutexGuard<'_, Vec<(i32, Box<[u16]>)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `hl_hash_gen(name, cache)`. With `cache`, the name is recorded so that
/// `field_name` can give it back, and a hash already taken by a different name
/// is bumped by one until free (as libhl does).
#[no_mangle]
pub unsafe extern "C" fn hl_hash_gen(name: *const uchar, cache_name: bool) -> i32 {
    let mut h = hash_ucs2(name);
    if cache_name {
        let units = ucs2::ucs2_slice(name);
        let mut cache = crate::context::rt().names.lock();
        loop {
            match cache.binary_search_by_key(&h, |e| e.0) {
                Ok(i) if &cache[i].1[..cache[i].1.len() - 1] == units => break,
                Ok(_) => h = h.wrapping_add(1),
                Err(i) => {
                    let mut v = units.to_vec();
                    v.push(0);
                    cache.insert(i, (h, v.into_boxed_slice()));
                    break;
                }
            }
        }
    }
    h
}

/// `hash` (`std@hash`): `hl_hash_gen(name, true)`.
#[no_mangle]
pub unsafe extern "C" fn hl_hash(name: *mut vbyte) -> i32 {
    hl_hash_gen(name as *const uchar, true)
}

/// `hl_hash_utf8`: the same hash over the bytes of a C string, not recorded.
#[no_mangle]
pub unsafe extern "C" fn hl_hash_utf8(name: *const c_char) -> i32 {
    let s = ::std::ffi::CStr::from_ptr(name).to_bytes();
    // C's `(unsigned)*name` sign-extends where `char` is signed (x86).
    hash_units(s.iter().map(|&b| b as c_char as i32 as u32))
}

/// `hl_cache_free`: forgets every recorded name and frees them (libhl calls
/// it from `hl_global_free`); names `field_name` returned before dangle.
#[no_mangle]
pub extern "C" fn hl_cache_free() {
    if let Some(rt) = crate::context::try_rt() {
        drop(::std::mem::take(&mut *rt.names.lock()));
    }
}

/// `field_name`: the name recorded for a hash, or `???`. The text lives as
/// long as the runtime context (or until `hl_cache_free`).
#[no_mangle]
pub unsafe extern "C" fn hl_field_name(hash: i32) -> *mut vbyte {
    static UNKNOWN: [u16; 4] = [b'?' as u16, b'?' as u16, b'?' as u16, 0];
    let cache = crate::context::rt().names.lock();
    match cache.binary_search_by_key(&hash, |e| e.0) {
        Ok(i) => cache[i].1.as_ptr() as *mut vbyte,
        Err(_) => UNKNOWN.as_ptr() as *mut vbyte,
    }
}
