//! Number formatting and conversion as libhl does them with the C library:
//! `%d`, `%.<p>g` (glibc's exact, correctly rounded output) and x86's
//! float-to-int truncation. These are Rust functions for the natives and for
//! other runtime code (e.g. `hl_buffer`, string concatenation, trace).

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

/// C's `printf("%.<prec>g", d)` as glibc prints it (prec 0 means 1):
/// `inf`, `-inf`, `nan`, `-nan` (sign of the NaN), `-0`, exponents with at
/// least two digits, trailing zeros removed.
pub fn format_g(d: f64, prec: usize) -> String {
    if d.is_nan() {
        return if d.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if d.is_infinite() {
        return if d < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let p = prec.max(1);
    // Correctly rounded scientific form with p significant digits.
    let sci = format!("{:.*e}", p - 1, d);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let x: i32 = exp.parse().unwrap_or(0);
    let (neg, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let digits: Vec<u8> = mant.bytes().filter(|b| b.is_ascii_digit()).collect();
    let mut out = String::with_capacity(p + 8);
    if neg {
        out.push('-');
    }
    if x < -4 || x >= p as i32 {
        // Scientific: d.ddd without trailing zeros, then e±XX.
        out.push(digits[0] as char);
        let frac = trim_zeros(&digits[1..]);
        if !frac.is_empty() {
            out.push('.');
            out.extend(frac.iter().map(|&b| b as char));
        }
        out.push('e');
        out.push(if x < 0 { '-' } else { '+' });
        let ax = x.unsigned_abs();
        if ax < 10 {
            out.push('0');
        }
        out.push_str(&ax.to_string());
    } else if x >= 0 {
        let ip = (x as usize + 1).min(digits.len());
        out.extend(digits[..ip].iter().map(|&b| b as char));
        for _ in digits.len()..(x as usize + 1) {
            out.push('0');
        }
        let frac = trim_zeros(&digits[ip..]);
        if !frac.is_empty() {
            out.push('.');
            out.extend(frac.iter().map(|&b| b as char));
        }
    } else {
        let frac = trim_zeros(&digits);
        out.push_str("0.");
        for _ in 0..(-x - 1) {
            out.push('0');
        }
        out.extend(frac.iter().map(|&b| b as char));
    }
    out
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let mut n = d.len();
    while n > 0 && d[n - 1] == b'0' {
        n -= 1;
    }
    &d[..n]
}

/// HashLink's float-to-string (`hl_ftos`, used by `Std.string` and string
/// concatenation): `NaN` for any NaN, otherwise `%.15g` (`inf`, `-inf`, `1e+21`,
/// `0.333333333333333`, `-0`).
pub fn format_float(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    format_g(d, 15)
}

/// `(int)d` as x86-64 computes it (`cvttsd2si`): truncation toward zero, and
/// `-2147483648` for NaN and for values outside the `int` range.
#[inline]
pub fn f64_to_i32(d: f64) -> i32 {
    if d > -2147483649.0 && d < 2147483648.0 {
        d as i32
    } else {
        i32::MIN
    }
}

/// 64-bit `cvttsd2si`: `i64::MIN` for NaN and out-of-range values.
#[inline]
pub fn f64_to_i64(d: f64) -> i64 {
    if (-9223372036854775808.0..9223372036854775808.0).contains(&d) {
        d as i64
    } else {
        i64::MIN
    }
}
