//! `fmt@jpg_decode` and `fmt@jpg_encode`: JPEG as libhl does it, through
//! libjpeg-turbo's code (the C sources of mozjpeg, a libjpeg-turbo fork,
//! built by `mozjpeg-sys` without SIMD; libjpeg-turbo's SIMD routines give
//! the same bytes as its C ones).
//!
//! - Decoding is TurboJPEG's own `tjDecompress2`, called as libhl calls it:
//!   every pixel format, every scaling factor (the largest of TurboJPEG's
//!   sixteen, 2/1 down to 1/8, whose result fits the requested size; scaling
//!   happens in libjpeg's IDCT), and the same failures.
//! - Encoding is `tjCompress2`'s set-up written against the libjpeg API:
//!   mozjpeg's own `tjCompress2` always uses mozjpeg's compression profile
//!   (trellis quantisation, progressive scans), whereas the JCP_FASTEST
//!   profile is libjpeg-turbo's encoder, byte for byte.
//!
//! Pixel formats are TurboJPEG's `TJPF_*` numbers (`hl.Format.PixelFormat`).

use mozjpeg_sys::*;
use std::ffi::{c_int, c_ulong, c_void};

extern "C" {
    fn tjInitDecompress() -> *mut c_void;
    fn tjDecompress2(
        handle: *mut c_void,
        jpeg: *const u8,
        jpeg_size: c_ulong,
        dst: *mut u8,
        width: c_int,
        pitch: c_int,
        height: c_int,
        pixel_format: c_int,
        flags: c_int,
    ) -> c_int;
    fn tjDestroy(handle: *mut c_void) -> c_int;
}

/// `TJFLAG_BOTTOMUP`, which libhl passes for flags bit 0.
const TJFLAG_BOTTOMUP: c_int = 2;

/// `tjDecompress2(data, out, width, stride, height, format, flags & 1 ?
/// TJFLAG_BOTTOMUP : 0)`, as libhl calls it: false where TurboJPEG fails
/// (corrupt or truncated data, a warning, a bad format, no scaling factor
/// meeting the size).
///
/// # Safety
/// `out` must be writable for every row the (scaled) height and stride reach.
pub unsafe fn decode(data: &[u8], out: *mut u8, width: i32, height: i32, stride: i32, format: i32, flags: i32) -> bool {
    let flags = if flags & 1 != 0 { TJFLAG_BOTTOMUP } else { 0 };
    // SAFETY: a handle is created, used once and destroyed; TurboJPEG checks
    // the arguments and reads `data.len()` bytes; the caller vouches for `out`.
    unsafe {
        let h = tjInitDecompress();
        if h.is_null() {
            return false;
        }
        let r = tjDecompress2(h, data.as_ptr(), data.len() as c_ulong, out, width, stride, height, format, flags);
        tjDestroy(h);
        r == 0
    }
}

/// `TJPF_*` → libjpeg input colour space and bytes per pixel (TurboJPEG's
/// `pf2cs` and `tjPixelSize`).
const FORMATS: [(J_COLOR_SPACE, usize); 12] = {
    use J_COLOR_SPACE::*;
    [
        (JCS_EXT_RGB, 3),
        (JCS_EXT_BGR, 3),
        (JCS_EXT_RGBX, 4),
        (JCS_EXT_BGRX, 4),
        (JCS_EXT_XBGR, 4),
        (JCS_EXT_XRGB, 4),
        (JCS_GRAYSCALE, 1),
        (JCS_EXT_RGBA, 4),
        (JCS_EXT_BGRA, 4),
        (JCS_EXT_ABGR, 4),
        (JCS_EXT_ARGB, 4),
        (JCS_CMYK, 4),
    ]
};
const TJPF_CMYK: usize = 11;

/// `TJSAMP_*` (4:4:4, 4:2:2, 4:2:0, grey, 4:4:0, 4:1:1) → the MCU size in
/// pixels (TurboJPEG's `tjMCUWidth` / `tjMCUHeight`).
const MCU: [(i32, i32); 6] = [(8, 8), (16, 8), (16, 16), (8, 8), (8, 16), (32, 8)];
const TJSAMP_GRAY: usize = 3;

/// TurboJPEG's `tjBufSize(width, height, subsamp)`: the worst-case size of a
/// compressed image, which libhl allocates for `jpg_encode`'s result.
pub fn buf_size(width: i32, height: i32, subsamp: i32) -> Option<usize> {
    let &(mw, mh) = MCU.get(usize::try_from(subsamp).ok()?)?;
    if width < 1 || height < 1 {
        return None;
    }
    let chroma = if subsamp as usize == TJSAMP_GRAY { 0 } else { 4 * 64 / (mw * mh) as usize };
    let pad = |v: i32, m: i32| (v as usize).div_ceil(m as usize) * m as usize;
    Some(pad(width, mw) * pad(height, mh) * (2 + chroma) + 2048)
}

/// libjpeg's `error_exit` must not return: unwind out of the C code (built
/// with `-fexceptions`) to [`encode`]'s `catch_unwind`.
unsafe extern "C-unwind" fn error_exit(_: &mut jpeg_common_struct) {
    std::panic::resume_unwind(Box::new("libjpeg error"))
}

/// TurboJPEG fails a compression that raised a warning; count them.
unsafe extern "C-unwind" fn emit_message(cinfo: &mut jpeg_common_struct, level: c_int) {
    if level < 0 {
        // SAFETY: `err` is the error manager `encode` installed.
        unsafe { (*cinfo.err).num_warnings += 1 };
    }
}

/// Encodes as `tjCompress2(data, width, stride, height, format, &buf, &size,
/// subsamp, quality, flags & 1 ? TJFLAG_BOTTOMUP : 0)` with libjpeg-turbo
/// 2.1: `None` where it fails (bad sizes, format, subsampling or quality, a
/// conversion libjpeg lacks such as grey pixels to a colour JPEG).
///
/// # Safety
/// `data` must be readable for every row the height and stride reach.
pub unsafe fn encode(
    data: *const u8,
    width: i32,
    height: i32,
    stride: i32,
    format: i32,
    subsamp: i32,
    quality: i32,
    flags: i32,
) -> Option<Vec<u8>> {
    let format = usize::try_from(format).ok().filter(|&f| f < FORMATS.len())?;
    let subsamp = usize::try_from(subsamp).ok().filter(|&s| s < MCU.len())?;
    if data.is_null() || width <= 0 || height <= 0 || stride < 0 || !(0..=100).contains(&quality) {
        return None;
    }
    let (color_space, pixel_size) = FORMATS[format];
    let pitch = if stride == 0 { width as usize * pixel_size } else { stride as usize };
    let rows: Vec<*const u8> = (0..height as usize)
        .map(|i| {
            let row = if flags & 1 != 0 { height as usize - 1 - i } else { i };
            // SAFETY: inside the caller's rows (the caller vouches for them).
            unsafe { data.add(row * pitch) }
        })
        .collect();
    // SAFETY: the libjpeg API used as its manual says, on zeroed structs it
    // initialises; every error unwinds to the `catch_unwind` below, after
    // which the compressor is destroyed and the output buffer freed.
    unsafe {
        let mut err: jpeg_error_mgr = std::mem::zeroed();
        let mut cinfo: jpeg_compress_struct = std::mem::zeroed();
        let e = jpeg_std_error(&mut err);
        e.error_exit = Some(error_exit);
        e.emit_message = Some(emit_message);
        cinfo.common.err = e;
        let mut buf: *mut u8 = std::ptr::null_mut();
        let mut size: c_ulong = 0;
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            jpeg_create_compress(&mut cinfo);
            // libjpeg-turbo's behaviour: baseline, standard tables, no trellis.
            jpeg_c_set_int_param(&mut cinfo, J_INT_PARAM::JINT_COMPRESS_PROFILE, JCP_FASTEST as c_int);
            jpeg_mem_dest(&mut cinfo, &mut buf, &mut size);
            cinfo.image_width = width as u32;
            cinfo.image_height = height as u32;
            cinfo.in_color_space = color_space;
            cinfo.input_components = pixel_size as c_int;
            jpeg_set_defaults(&mut cinfo);
            jpeg_set_quality(&mut cinfo, quality, 1);
            cinfo.dct_method = if quality >= 96 { J_DCT_METHOD::JDCT_ISLOW } else { J_DCT_METHOD::JDCT_IFAST };
            let jpeg_space = match (subsamp, format) {
                (TJSAMP_GRAY, _) => J_COLOR_SPACE::JCS_GRAYSCALE,
                (_, TJPF_CMYK) => J_COLOR_SPACE::JCS_YCCK,
                _ => J_COLOR_SPACE::JCS_YCbCr,
            };
            jpeg_set_colorspace(&mut cinfo, jpeg_space);
            let (mw, mh) = MCU[subsamp];
            let comps = std::slice::from_raw_parts_mut(cinfo.comp_info, cinfo.num_components as usize);
            for (i, c) in comps.iter_mut().enumerate() {
                // Luma (and K) carry the subsampling; chroma is one sample per MCU.
                let full = i == 0 || i == 3;
                c.h_samp_factor = if full { mw / 8 } else { 1 };
                c.v_samp_factor = if full { mh / 8 } else { 1 };
            }
            jpeg_start_compress(&mut cinfo, 1);
            while cinfo.next_scanline < cinfo.image_height {
                let (next, left) = (cinfo.next_scanline, cinfo.image_height - cinfo.next_scanline);
                jpeg_write_scanlines(&mut cinfo, rows[next as usize..].as_ptr(), left);
            }
            jpeg_finish_compress(&mut cinfo);
        }))
        .is_ok();
        let warned = err.num_warnings > 0;
        jpeg_destroy_compress(&mut cinfo);
        let out = (ok && !warned && !buf.is_null()).then(|| std::slice::from_raw_parts(buf, size as usize).to_vec());
        if !buf.is_null() {
            libc::free(buf.cast());
        }
        out
    }
}
