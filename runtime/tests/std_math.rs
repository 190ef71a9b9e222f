//! `std/math.c`: rounding and float-to-int conversion as on the reference VM
//! (x86: out-of-range and NaN give -2147483648), libm functions bit for bit.

use hlrt::std::math::*;
use hlrt::std::number::{f64_to_i32, format_float};

#[test]
fn rounding_like_reference() {
    // (x, round, floor, ceil, Std.int, fround, ffloor, fceil) printed by hl 1.17.
    let cases: &[(f64, i32, i32, i32, i32, &str, &str, &str)] = &[
        (2.5, 3, 2, 3, 2, "3", "2", "3"),
        (-2.5, -2, -3, -2, -2, "-2", "-3", "-2"),
        (0.49999999999999994, 1, 0, 1, 0, "1", "0", "1"),
        (-0.5, 0, -1, 0, 0, "0", "-1", "-0"),
        (1e10, i32::MIN, i32::MIN, i32::MIN, i32::MIN, "10000000000", "10000000000", "10000000000"),
        (-1e10, i32::MIN, i32::MIN, i32::MIN, i32::MIN, "-10000000000", "-10000000000", "-10000000000"),
        (2147483647.5, i32::MIN, 2147483647, i32::MIN, 2147483647, "2147483648", "2147483647", "2147483648"),
        (-2147483648.7, i32::MIN, i32::MIN, i32::MIN, i32::MIN, "-2147483649", "-2147483649", "-2147483648"),
        (2147483648.0, i32::MIN, i32::MIN, i32::MIN, i32::MIN, "2147483648", "2147483648", "2147483648"),
        (-2147483649.0, i32::MIN, i32::MIN, i32::MIN, i32::MIN, "-2147483649", "-2147483649", "-2147483649"),
        (f64::NAN, i32::MIN, i32::MIN, i32::MIN, i32::MIN, "NaN", "NaN", "NaN"),
        (f64::INFINITY, i32::MIN, i32::MIN, i32::MIN, i32::MIN, "inf", "inf", "inf"),
        (1.9999, 2, 1, 2, 1, "2", "1", "2"),
        (-1.0000001, -1, -2, -1, -1, "-1", "-2", "-1"),
    ];
    for &(x, r, f, c, i, fr, ff, fc) in cases {
        assert_eq!(hl_math_round(x), r, "round({x})");
        assert_eq!(hl_math_floor(x), f, "floor({x})");
        assert_eq!(hl_math_ceil(x), c, "ceil({x})");
        assert_eq!(f64_to_i32(x), i, "int({x})");
        assert_eq!(format_float(hl_math_fround(x)), fr);
        assert_eq!(format_float(hl_math_ffloor(x)), ff);
        assert_eq!(format_float(hl_math_fceil(x)), fc);
    }
}

#[test]
fn libm_functions_like_reference() {
    let got = [
        hl_math_sin(1.0),
        hl_math_cos(1.0),
        hl_math_tan(1.0),
        hl_math_asin(0.5),
        hl_math_acos(0.5),
        hl_math_atan(1.0),
        hl_math_atan2(1.0, -1.0),
        hl_math_exp(1.0),
        hl_math_log(10.0),
        hl_math_sqrt(2.0),
        hl_math_pow(2.0, 0.5),
        hl_math_pow(-8.0, 1.0 / 3.0),
        hl_math_sqrt(-1.0),
        hl_math_log(-1.0),
        hl_math_log(0.0),
        hl_math_abs(-0.0),
    ]
    .iter()
    .map(|&f| format_float(f))
    .collect::<Vec<_>>()
    .join(" ");
    assert_eq!(
        got,
        "0.841470984807897 0.54030230586814 1.5574077246549 0.523598775598299 1.0471975511966 0.785398163397448 2.35619449019234 2.71828182845905 2.30258509299405 1.4142135623731 1.4142135623731 NaN NaN NaN -inf 0"
    );
    assert!(hl_math_isnan(hl_nan()));
    assert!(!hl_math_isfinite(f64::INFINITY));
    assert!(hl_math_isfinite(1e308));
    assert!(!hl_math_isfinite(f64::NAN));
}
