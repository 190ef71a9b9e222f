//! `std/math.c`. Float functions go through the C math library (libm), as in
//! libhl, so results are bit-identical to the reference VM on the same libc.
//! Float-to-int natives truncate as x86 does: NaN and out-of-range values
//! give -2147483648 (see [`super::number::f64_to_i32`]).

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

use super::number::f64_to_i32;

#[no_mangle]
pub extern "C" fn hl_nan() -> f64 {
    f64::NAN
}

#[no_mangle]
pub extern "C" fn hl_math_abs(a: f64) -> f64 {
    a.abs()
}

#[no_mangle]
pub extern "C" fn hl_math_isnan(a: f64) -> bool {
    a.is_nan()
}

#[no_mangle]
pub extern "C" fn hl_math_isfinite(a: f64) -> bool {
    a.is_finite()
}

#[no_mangle]
pub extern "C" fn hl_math_fceil(d: f64) -> f64 {
    d.ceil()
}

/// `Math.fround`: `floor(d + 0.5)` (so -2.5 → -2, 0.49999999999999994 → 1).
#[no_mangle]
pub extern "C" fn hl_math_fround(d: f64) -> f64 {
    (d + 0.5).floor()
}

#[no_mangle]
pub extern "C" fn hl_math_ffloor(d: f64) -> f64 {
    d.floor()
}

#[no_mangle]
pub extern "C" fn hl_math_round(d: f64) -> i32 {
    f64_to_i32(hl_math_fround(d))
}

#[no_mangle]
pub extern "C" fn hl_math_ceil(d: f64) -> i32 {
    f64_to_i32(d.ceil())
}

#[no_mangle]
pub extern "C" fn hl_math_floor(d: f64) -> i32 {
    f64_to_i32(d.floor())
}

macro_rules! libm1 {
    ($($name:ident = $c:ident;)*) => {$(
        #[no_mangle]
        pub extern "C" fn $name(a: f64) -> f64 {
            // SAFETY: libm's one-argument functions are defined for every f64.
            unsafe { libm::$c(a) }
        }
    )*};
}

libm1! {
    hl_math_cos = cos;
    hl_math_sin = sin;
    hl_math_tan = tan;
    hl_math_acos = acos;
    hl_math_asin = asin;
    hl_math_atan = atan;
    hl_math_log = log;
    hl_math_exp = exp;
    hl_math_sqrt = sqrt;
}

#[no_mangle]
pub extern "C" fn hl_math_atan2(a: f64, b: f64) -> f64 {
    // SAFETY: atan2 is defined for every pair of f64.
    unsafe { libm::atan2(a, b) }
}

#[no_mangle]
pub extern "C" fn hl_math_pow(a: f64, b: f64) -> f64 {
    // SAFETY: pow is defined for every pair of f64.
    unsafe { libm::pow(a, b) }
}

/// The math library the natives use (`crate::sys::c::math`: the C one on
/// Linux; on Windows a correctly working one instead of MinGW's x87 code).
use crate::sys::c::math as libm;
