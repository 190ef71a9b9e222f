//! `fmt@png_decode`: PNG files into the pixel layouts of libpng's simplified
//! API (`png_image_finish_read`), which libhl calls. The `png` crate decodes
//! (palette and tRNS expanded, low bit depths widened to 8); this module does
//! what libpng's simplified API does on top:
//!
//! - 8-bit formats are sRGB, alpha not premultiplied. An 8-bit file without
//!   `gAMA`/`sRGB` is taken as sRGB and a 16-bit one as linear (libpng's
//!   defaults); a file whose gamma differs significantly from the output's is
//!   gamma-corrected.
//! - 16-bit ("linear") formats are linear, native-endian, with the colour
//!   channels premultiplied by alpha when the file has alpha.
//! - A format without alpha read from a file with alpha is composited onto
//!   the bytes already in the output buffer (8-bit) or onto black (16-bit).
//! - A negative row stride (flags bit 0) writes the rows bottom-up; a stride
//!   of 0 means packed rows; a stride shorter than a row fails.

use std::io::Cursor;

/// libpng's `PNG_FORMAT_FLAG_*` bits for the formats libhl maps.
const ALPHA: u32 = 1;
const COLOR: u32 = 2;
const LINEAR: u32 = 4;
const BGR: u32 = 16;
const AFIRST: u32 = 32;

/// libhl's format number → libpng's format flags; `None` for a number libhl
/// rejects with "Unsupported format".
pub fn format_flags(format: i32) -> Option<u32> {
    Some(match format {
        0 => COLOR,
        1 => COLOR | BGR,
        7 => COLOR | ALPHA,
        8 => COLOR | ALPHA | BGR,
        9 => COLOR | ALPHA | BGR | AFIRST,
        10 => COLOR | ALPHA | AFIRST,
        12 => LINEAR,
        13 => LINEAR | COLOR,
        14 => LINEAR | COLOR | ALPHA,
        15 => LINEAR | ALPHA,
        _ => return None,
    })
}

/// Gamma values in libpng's fixed point (1.0 = 100000).
const GAMMA_LINEAR: i64 = 100_000;
const GAMMA_SRGB_FILE: i64 = 45_455;
const GAMMA_SRGB_SCREEN: i64 = 220_000;

/// A decoded file: interleaved samples, every one widened to 16 bits
/// (`v * 257` for 8-bit files), plus what the conversion needs to know.
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    /// 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
    channels: usize,
    sixteen: bool,
    /// The file's gamma (libpng's fixed point), after libpng's defaults.
    file_gamma: i64,
    samples: Vec<u16>,
}

/// Reads the whole file; `None` where libpng's `png_image_begin_read` or
/// `finish_read` would fail (corrupt data, CRC errors, truncation).
pub fn decode(data: &[u8]) -> Option<Decoded> {
    let mut dec = png::Decoder::new(Cursor::new(data));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut reader = dec.read_info().ok()?;
    let (ct, depth) = reader.output_color_type();
    let channels = match ct {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return None,
    };
    let sixteen = depth == png::BitDepth::Sixteen;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    let file_gamma = if info.srgb.is_some() {
        GAMMA_SRGB_FILE
    } else if let Some(g) = info.gama_chunk {
        i64::from(g.into_scaled())
    } else if sixteen {
        GAMMA_LINEAR
    } else {
        GAMMA_SRGB_FILE
    };
    let mut buf = vec![0u8; reader.output_buffer_size()?];
    let frame = reader.next_frame(&mut buf).ok()?;
    let line = frame.line_size;
    let mut samples = Vec::with_capacity(width as usize * height as usize * channels);
    for row in buf.chunks(line).take(height as usize) {
        let n = width as usize * channels;
        if sixteen {
            samples.extend(row[..n * 2].chunks_exact(2).map(|b| u16::from_be_bytes([b[0], b[1]])));
        } else {
            samples.extend(row[..n].iter().map(|&b| u16::from(b) * 257));
        }
    }
    Some(Decoded { width, height, channels, sixteen, file_gamma, samples })
}

/// libpng's `png_gamma_significant`: further than 5% from 1.
fn significant(gamma: f64) -> bool {
    !(0.95..=1.05).contains(&gamma)
}

/// libpng's `png_reciprocal2(a, b)`: 1 / (a * b) in its fixed point, rounded.
fn reciprocal2(a: i64, b: i64) -> f64 {
    ((1e15 / a as f64) / b as f64 + 0.5).floor() / 1e5
}

/// sRGB-encoded 8-bit value to linear [0, 1] (the sRGB curve, as libpng's
/// `png_sRGB_table` tabulates it).
fn srgb_to_linear(v: f64) -> f64 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

fn linear_to_srgb(v: f64) -> f64 {
    if v <= 0.0031308 {
        v * 12.92
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    }
}

/// libpng's `png_set_scale_16`: 16-bit to 8-bit with rounding.
fn scale16(v: u16) -> u8 {
    ((u32::from(v) * 255 + 32895) >> 16) as u8
}

/// libpng's `png_composite_16` onto black: premultiplies `v` by `a`.
fn premultiply16(v: u16, a: u16) -> u16 {
    match a {
        65535 => v,
        0 => 0,
        _ => {
            let t = u32::from(v) * u32::from(a) + 32768;
            ((t + (t >> 16)) >> 16) as u16
        }
    }
}

/// Writes `img` into `out` as libpng's `png_image_finish_read(img, NULL, out,
/// stride)` with format flags `fmt` (see [`format_flags`]). `stride` is in
/// components (bytes for 8-bit formats, 16-bit units for linear ones);
/// negative means bottom-up. False if the stride is too short.
///
/// # Safety
/// `out` must be writable for every row the stride and height reach.
pub unsafe fn write_pixels(img: &Decoded, fmt: u32, out: *mut u8, stride: i32) -> bool {
    let linear = fmt & LINEAR != 0;
    let out_color = fmt & COLOR != 0;
    let out_alpha = fmt & ALPHA != 0;
    let out_channels = if out_color { 3 } else { 1 } + usize::from(out_alpha);
    let row_len = img.width as usize * out_channels;
    let stride = if stride == 0 { row_len as i64 } else { i64::from(stride) };
    if (stride.unsigned_abs() as usize) < row_len {
        return false;
    }
    let unit = if linear { 2 } else { 1 };
    let step = stride * unit;
    let first: isize = if step < 0 { (img.height as isize - 1) * (-step as isize) } else { 0 };

    let in_alpha = img.channels == 2 || img.channels == 4;
    let in_color = img.channels >= 3;
    // Gamma: from the file's to the output's (sRGB for 8-bit, linear for 16-bit).
    let screen = if linear { GAMMA_LINEAR } else { GAMMA_SRGB_SCREEN };
    let product = img.file_gamma as f64 * screen as f64 / 1e10;
    let exponent = if significant(product) { Some(reciprocal2(screen, img.file_gamma)) } else { None };
    // One colour sample (16-bit widened) through gamma into the output depth.
    let color = |v: u16| -> u16 {
        match exponent {
            None if linear => v,
            None if img.sixteen => u16::from(scale16(v)),
            None => v >> 8,
            Some(e) if linear => (65535.0 * (f64::from(v) / 65535.0).powf(e) + 0.5).floor() as u16,
            Some(e) => (255.0 * (f64::from(v) / 65535.0).powf(e) + 0.5).floor() as u16,
        }
    };
    let alpha_out = |a: u16| -> u16 {
        if linear {
            a
        } else if img.sixteen {
            u16::from(scale16(a))
        } else {
            a >> 8
        }
    };

    let w = img.width as usize;
    for y in 0..img.height as usize {
        // SAFETY: the caller guarantees the rows the stride reaches are writable.
        let row = unsafe { out.offset(first + y as isize * step as isize) };
        for x in 0..w {
            let s = &img.samples[(y * w + x) * img.channels..][..img.channels];
            let (mut r, mut g, mut b) = if in_color { (s[0], s[1], s[2]) } else { (s[0], s[0], s[0]) };
            let a = if in_alpha { s[img.channels - 1] } else { 65535 };
            let mut px = [0u16; 4];
            let n;
            if !out_color {
                // libpng's rgb_to_gray with its default coefficients, in linear light.
                let grey = if in_color && !(r == g && g == b) {
                    let lin = |v: u16| {
                        if img.sixteen && img.file_gamma == GAMMA_LINEAR {
                            f64::from(v) / 65535.0
                        } else {
                            srgb_to_linear(f64::from(v) / 65535.0)
                        }
                    };
                    let y = (6968.0 * lin(r) + 23434.0 * lin(g) + 2366.0 * lin(b)) / 32768.0;
                    let enc = if img.sixteen && img.file_gamma == GAMMA_LINEAR { y } else { linear_to_srgb(y) };
                    (enc * 65535.0 + 0.5) as u16
                } else {
                    r
                };
                r = grey;
                g = grey;
                b = grey;
                px[0] = color(r);
                n = 1;
            } else {
                px[0] = color(r);
                px[1] = color(g);
                px[2] = color(b);
                n = 3;
            }
            let _ = (g, b);
            if linear && in_alpha {
                for c in &mut px[..n] {
                    *c = premultiply16(*c, a);
                }
            }
            // SAFETY: x < width, so the pixel lies inside the row.
            let dst = unsafe { row.add(x * out_channels * unit as usize) };
            if out_alpha {
                let av = alpha_out(a);
                let (order, alpha_at): (&[usize], usize) = match (fmt & BGR != 0 && out_color, fmt & AFIRST != 0) {
                    (false, false) => (&[0, 1, 2], n),
                    (true, false) => (&[2, 1, 0], n),
                    (false, true) => (&[0, 1, 2], 0),
                    (true, true) => (&[2, 1, 0], 0),
                };
                let base = if alpha_at == 0 { 1 } else { 0 };
                // SAFETY: every index is below out_channels.
                unsafe {
                    put(dst, alpha_at, av, linear);
                    for i in 0..n {
                        put(dst, base + i, px[if n == 1 { 0 } else { order[i] }], linear);
                    }
                }
            } else {
                let order: [usize; 3] = if fmt & BGR != 0 && out_color { [2, 1, 0] } else { [0, 1, 2] };
                for i in 0..n {
                    let v = px[if n == 1 { 0 } else { order[i] }];
                    // SAFETY: i < out_channels.
                    unsafe {
                        if linear || !in_alpha {
                            put(dst, i, v, linear);
                        } else {
                            let bg = *dst.add(i);
                            *dst.add(i) = compose8(v as u8, alpha_out(a) as u8, bg);
                        }
                    }
                }
            }
        }
    }
    true
}

/// Stores one output component: a byte, or a native-endian 16-bit value.
///
/// # Safety
/// `dst` must be writable at component `i`.
unsafe fn put(dst: *mut u8, i: usize, v: u16, linear: bool) {
    // SAFETY: the caller guarantees component `i` is in bounds.
    unsafe {
        if linear {
            (dst.add(i * 2) as *mut [u8; 2]).write_unaligned(v.to_ne_bytes());
        } else {
            *dst.add(i) = v as u8;
        }
    }
}

/// libpng's composition of an 8-bit sRGB component with alpha onto the byte
/// already in the buffer (`png_image_read_composite`), in linear light.
fn compose8(c: u8, a: u8, bg: u8) -> u8 {
    match a {
        0 => bg,
        255 => c,
        _ => {
            let fg = srgb_to_linear(f64::from(c) / 255.0) * f64::from(a) / 255.0;
            let back = srgb_to_linear(f64::from(bg) / 255.0) * f64::from(255 - a) / 255.0;
            (linear_to_srgb((fg + back).min(1.0)) * 255.0 + 0.5) as u8
        }
    }
}
