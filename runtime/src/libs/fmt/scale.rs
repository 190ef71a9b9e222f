//! `fmt@img_scale`: resizes 32-bit pixels, nearest (flags bit 0 clear) or
//! bilinear (set), with libhl's single-precision arithmetic. These are the
//! only filters libhl has.

#![allow(clippy::missing_safety_doc, clippy::too_many_arguments)]

use crate::abi::vbyte;
use crate::gc::hl_blocking;

/// C's `(int)f`: truncation toward zero, one `cvttss2si` on x86-64 (whose
/// result for NaN and out-of-range values, `i32::MIN`, HL/C's code gets
/// too). Rust's `as` saturates instead, which costs a compare and two
/// selects per conversion in this loop.
#[inline(always)]
fn trunc(f: f32) -> i32 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of the x86-64 baseline.
    unsafe {
        use std::arch::x86_64::{_mm_cvtt_ss2si, _mm_set_ss};
        _mm_cvtt_ss2si(_mm_set_ss(f))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        f as i32
    }
}

/// `img_scale(out, outPos, outStride, outW, outH, in, inPos, inStride, inW, inH, flags)`:
/// resizes 32-bit pixels, nearest (flags bit 0 clear) or bilinear (set), with
/// libhl's single-precision arithmetic.
#[no_mangle]
pub unsafe extern "C" fn fmt_img_scale(
    out: *mut vbyte,
    out_pos: i32,
    out_stride: i32,
    out_width: i32,
    out_height: i32,
    input: *mut vbyte,
    in_pos: i32,
    in_stride: i32,
    in_width: i32,
    in_height: i32,
    flags: i32,
) {
    let scale_x = if out_width <= 1 { 0.0f32 } else { (in_width as f32 - 1.001f32) / (out_width - 1) as f32 };
    let scale_y = if out_height <= 1 { 0.0f32 } else { (in_height as f32 - 1.001f32) / (out_height - 1) as f32 };
    let mut o = out.offset(out_pos as isize);
    let inp = input.offset(in_pos as isize);
    hl_blocking(true);
    for y in 0..out_height.max(0) {
        for x in 0..out_width.max(0) {
            let fx = x as f32 * scale_x;
            let fy = y as f32 * scale_y;
            let ix = trunc(fx);
            let iy = trunc(fy);
            let row = inp.offset(iy as isize * in_stride as isize);
            let px = |p: *const u8| -> [u8; 4] { (p as *const [u8; 4]).read_unaligned() };
            if flags & 1 == 0 {
                let p = px(row.offset((ix as isize) << 2));
                (o as *mut [u8; 4]).write_unaligned(p);
                o = o.add(4);
            } else {
                let rx = fx - ix as f32;
                let ry = fy - iy as f32;
                let rx1 = 1.0f32 - rx;
                let ry1 = 1.0f32 - ry;
                let w1 = trunc(rx1 * ry1 * 256.0f32);
                let w2 = trunc(rx * ry1 * 256.0f32);
                let w3 = trunc(rx1 * ry * 256.0f32);
                let w4 = trunc(rx * ry * 256.0f32);
                let p1 = px(row.offset((ix as isize) << 2));
                let p2 = px(row.offset((ix as isize + 1) << 2));
                let p3 = px(row.offset(in_stride as isize + ((ix as isize) << 2)));
                let p4 = px(row.offset(in_stride as isize + ((ix as isize + 1) << 2)));
                for c in 0..4 {
                    let v = p1[c] as i32 * w1 + p2[c] as i32 * w2 + p3[c] as i32 * w3 + p4[c] as i32 * w4 + 128;
                    *o = (v >> 8) as u8;
                    o = o.add(1);
                }
            }
        }
        o = o.offset(out_stride as isize - ((out_width as isize) << 2));
    }
    hl_blocking(false);
}
