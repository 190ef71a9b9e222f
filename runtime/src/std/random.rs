//! `std/random.c`: the TT800-style generator behind `Std.random` and
//! `Math.random`. The state words are C `unsigned long`, 64-bit on Linux
//! x86-64: a negative seed sign-extends into the high half, and those bits
//! shift down into the outputs, so the state is kept as `u64` here too.

// The natives' contracts are those of hl.h; C types (time_t, ...) are cast explicitly for portability.
#![allow(clippy::missing_safety_doc, clippy::unnecessary_cast)]

use super::alloc_noptr_zero;
use crate::sys::c;

const NSEEDS: usize = 25;
const MAX: usize = 7;
const MAG01: [u64; 2] = [0x0, 0x8ebfd028];
const INIT_SEEDS: [u64; NSEEDS] = [
    0x95f24dab, 0x0b685215, 0xe76ccae7, 0xaf3ec239, 0x715fad23, 0x24a590ad, 0x69e4b5ef, 0xbf456141, 0x96bc1b7b,
    0xa7bdf825, 0xc1de75b7, 0x8858a9c9, 0x2da87693, 0xb657f9dd, 0xffdc8a9f, 0x8121da71, 0x8b823ecb, 0x885d05f5,
    0x4e20cd47, 0x5a9ad5d9, 0x512c0c03, 0xea857ccd, 0x4cc1d30f, 0x8891a8a1, 0xa6b7aadb,
];

/// The `hl_random` abstract.
#[repr(C)]
pub struct Rnd {
    seeds: [u64; NSEEDS],
    cur: u64,
}

/// `rnd_alloc`: an unseeded generator (all zero).
#[no_mangle]
pub unsafe extern "C" fn hl_rnd_alloc() -> *mut Rnd {
    alloc_noptr_zero(::std::mem::size_of::<Rnd>()) as *mut Rnd
}

/// `rnd_set_seed`.
#[no_mangle]
pub unsafe extern "C" fn hl_rnd_set_seed(r: *mut Rnd, s: i32) {
    let r = &mut *r;
    r.cur = 0;
    let s = s as i64 as u64;
    for (dst, init) in r.seeds.iter_mut().zip(INIT_SEEDS) {
        *dst = init ^ s;
    }
}

/// `rnd_init_system`: seeded from the time of day (microseconds) and the pid.
#[no_mangle]
pub unsafe extern "C" fn hl_rnd_init_system() -> *mut Rnd {
    let r = hl_rnd_alloc();
    let pid = c::getpid();
    let mut tv = c::timeval { tv_sec: 0, tv_usec: 0 };
    c::gettimeofday(&mut tv, ::std::ptr::null_mut());
    let time = (tv.tv_sec as i64).wrapping_mul(1000000).wrapping_add(tv.tv_usec as i64) as u32;
    hl_rnd_set_seed(r, (time ^ (pid | (pid << 16)) as u32) as i32);
    r
}

/// `rnd_int`: the next 32 random bits (an `unsigned int`; `Int` on the Haxe side).
#[no_mangle]
pub unsafe extern "C" fn hl_rnd_int(r: *mut Rnd) -> u32 {
    let r = &mut *r;
    let mut pos = r.cur as usize;
    r.cur = r.cur.wrapping_add(1);
    if pos >= NSEEDS {
        let s = &mut r.seeds;
        for kk in 0..NSEEDS - MAX {
            s[kk] = s[kk + MAX] ^ (s[kk] >> 1) ^ MAG01[(s[kk] % 2) as usize];
        }
        for kk in NSEEDS - MAX..NSEEDS {
            s[kk] = s[kk + MAX - NSEEDS] ^ (s[kk] >> 1) ^ MAG01[(s[kk] % 2) as usize];
        }
        r.cur = 1;
        pos = 0;
    }
    let mut y = r.seeds[pos] as u32;
    y ^= (y << 7) & 0x2b5b2500;
    y ^= (y << 15) & 0xdb8b0000;
    y ^= y >> 16;
    y
}

/// `rnd_float`: a float in [0, 1) from three draws.
#[no_mangle]
pub unsafe extern "C" fn hl_rnd_float(r: *mut Rnd) -> f64 {
    let big = 4294967296.0;
    let a = hl_rnd_int(r) as f64;
    let b = hl_rnd_int(r) as f64;
    let c = hl_rnd_int(r) as f64;
    ((a / big + b) / big + c) / big
}
