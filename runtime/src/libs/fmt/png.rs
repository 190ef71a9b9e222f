//! `fmt@png_decode`: PNG files into the pixel layouts of libpng's simplified
//! API (`png_image_finish_read`), which libhl calls. The `png` crate decodes
//! (palette and tRNS expanded, low bit depths widened to 8); this module does
//! what libpng's simplified API does on top:
//!
//! - 8-bit formats are sRGB, alpha not premultiplied. An 8-bit file without
//!   `gAMA`/`sRGB` is taken as sRGB and a 16-bit one as linear (libpng's
//!   defaults); a file whose gamma differs significantly from the output's is
//!   gamma-corrected with libpng's tables: 8-bit files through an 8-bit table
//!   (`png_build_8bit_table`, then widened by 257 for 16-bit formats), 16-bit
//!   files read as 8-bit through the `png_build_16to8_table` boundaries, whose
//!   precision (11 bits, fewer with an `sBIT` chunk) libpng's `gamma_shift` sets.
//! - 16-bit ("linear") formats are linear, native-endian, with the colour
//!   channels premultiplied by alpha when the file has alpha (in 8 bits with
//!   `(c * a + 127) / 255` for 8-bit files, `png_composite_16` for 16-bit).
//! - Colour to grey uses libpng's default coefficients (6968, 23434, 2366 /
//!   32768) on linear values.
//! - A format without alpha read from a file with alpha is composited onto
//!   the bytes already in the output buffer in linear light (8-bit: libpng's
//!   `png_image_read_composite`, with its sRGB tables, which `build.rs`
//!   computes as libpng's generator does) or onto black (16-bit).
//! - A negative row stride (flags bit 0) writes the rows bottom-up; a stride
//!   of 0 means packed rows; a stride shorter than a row fails.
//!
//! Byte-identical with libpng 1.6.39 as Debian ships it (the library the
//! reference `fmt.hdll` loads) on every case of the runtime's PNG tests.

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

/// A file whose header has been read, and what the conversion needs to
/// know; its rows are decoded one at a time as they are written out (as
/// libpng's simplified API does), so decoding needs no buffer for the
/// whole image (except for an interlaced file). Rows are packed interleaved
/// samples: 1 byte each, or 2 big-endian bytes for 16-bit files.
pub struct Decoded<'a> {
    pub header: Header,
    reader: png::Reader<Cursor<&'a [u8]>>,
}

/// What the conversion needs to know of a file.
pub struct Header {
    pub width: u32,
    pub height: u32,
    /// 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
    channels: usize,
    sixteen: bool,
    /// The `sBIT` chunk's significant bits (the largest colour or grey
    /// entry; 0 without one): libpng's 16-bit gamma tables keep that many.
    sig_bits: u8,
    /// A palette file (libpng composes its palette, not its pixels).
    palette: bool,
    /// The file's gamma (libpng's fixed point), after libpng's defaults.
    file_gamma: i64,
}

impl Header {
    /// Pixel `x` of `row`, its samples widened to 16 bits (`v * 257` for 8-bit files).
    fn pixel16<'o>(&self, row: &[u8], x: usize, out: &'o mut [u16; 4]) -> &'o [u16] {
        let n = self.channels;
        for (c, o) in out[..n].iter_mut().enumerate() {
            let k = x * n + c;
            *o = if self.sixteen { u16::from_be_bytes([row[k * 2], row[k * 2 + 1]]) } else { u16::from(row[k]) * 257 };
        }
        &out[..n]
    }


    /// Decodes the image from `reader`, calling `f` with each row's index and packed
    /// samples in order, then reads the rest of the image data. False where
    /// libpng's `png_image_finish_read` would fail (corrupt data, CRC
    /// errors, truncation); the rows before the error have been passed on.
    fn rows(&self, reader: &mut png::Reader<Cursor<&[u8]>>, mut f: impl FnMut(usize, &[u8])) -> bool {
        let h = self;
        let packed = h.width as usize * h.channels * if h.sixteen { 2 } else { 1 };
        let rows = h.height as usize;
        if reader.info().interlaced {
            // Adam7 passes come in pass order: the whole image is needed.
            let Some(size) = reader.output_buffer_size() else { return false };
            let mut buf = vec![0u8; size];
            let Ok(frame) = reader.next_frame(&mut buf) else { return false };
            let line = frame.line_size;
            if line < packed || buf.len() < line * rows {
                return false;
            }
            for (y, row) in buf.chunks(line).take(rows).enumerate() {
                f(y, &row[..packed]);
            }
            return true;
        }
        for y in 0..rows {
            match reader.next_row() {
                Ok(Some(row)) if row.data().len() >= packed => f(y, &row.data()[..packed]),
                _ => return false,
            }
        }
        // After the last row, this reads the rest of the image data (and
        // checks its CRC), as `next_frame` does.
        matches!(reader.next_row(), Ok(None))
    }
}

/// Reads the file's header; `None` where libpng's `png_image_begin_read`
/// would fail. The image data is decoded by [`write_pixels`].
pub fn decode(data: &[u8]) -> Option<Decoded<'_>> {
    let mut dec = png::Decoder::new(Cursor::new(data));
    dec.set_transformations(png::Transformations::EXPAND);
    let reader = dec.read_info().ok()?;
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
    let palette = info.color_type == png::ColorType::Indexed;
    let file_gamma = if info.srgb.is_some() {
        GAMMA_SRGB_FILE
    } else if let Some(g) = info.gama_chunk {
        i64::from(g.into_scaled())
    } else if sixteen {
        GAMMA_LINEAR
    } else {
        GAMMA_SRGB_FILE
    };
    // libpng's `sig_bit`: the grey entry, or the largest of red, green, blue.
    let colour = matches!(info.color_type, png::ColorType::Rgb | png::ColorType::Rgba | png::ColorType::Indexed);
    let sig_bits = info.sbit.as_deref().map_or(0, |b| if colour { b.iter().take(3).copied().max().unwrap_or(0) } else { b.first().copied().unwrap_or(0) });
    Some(Decoded { header: Header { width, height, channels, sixteen, sig_bits, palette, file_gamma }, reader })
}

/// libpng's `png_gamma_significant`: further than 5% from 1.
fn significant(gamma: f64) -> bool {
    !(0.95..=1.05).contains(&gamma)
}

/// libpng's `png_reciprocal2(a, b)`: 1 / (a * b) in its fixed point, rounded.
fn reciprocal2(a: i64, b: i64) -> i64 {
    ((1e15 / a as f64) / b as f64 + 0.5).floor() as i64
}

/// libpng's `png_product2(a, b)`: a * b in its fixed point, rounded.
fn product2(a: i64, b: i64) -> i64 {
    (a as f64 * 1e-5 * b as f64 + 0.5).floor() as i64
}

/// libpng's `png_reciprocal(a)`.
fn reciprocal(a: i64) -> i64 {
    (1e10 / a as f64 + 0.5).floor() as i64
}

/// libpng's `png_gamma_8bit_correct` (floating-point build).
fn gamma8(v: u8, gamma: i64) -> u8 {
    if v == 0 || v == 255 {
        return v;
    }
    (255.0 * (f64::from(v) / 255.0).powf(gamma as f64 * 1e-5) + 0.5).floor() as u8
}

/// libpng's `png_gamma_16bit_correct` (floating-point build).
fn gamma16(v: u32, gamma: i64) -> u32 {
    if v == 0 || v >= 65535 {
        return v;
    }
    (65535.0 * (f64::from(v) / 65535.0).powf(gamma as f64 * 1e-5) + 0.5).floor() as u32
}

/// How many low bits libpng's 16-bit gamma tables drop when the output is
/// 8-bit (`gamma_shift`): at least 5 (11 significant bits), more for an
/// `sBIT` chunk with fewer bits.
fn gamma_shift(sig_bits: u8) -> u32 {
    let shift = if (1..16).contains(&sig_bits) { 16 - u32::from(sig_bits) } else { 0 };
    shift.clamp(5, 8)
}

/// The 8-bit results of libpng's 16-to-8-bit gamma table
/// (`png_build_16to8_table`, `16 - shift` significant bits): entry `i` is
/// the first `v >> shift` that maps above `i`.
fn bounds_16to8(gamma: i64, shift: u32) -> [u32; 255] {
    let max = (1u32 << (16 - shift)) - 1;
    std::array::from_fn(|i| {
        let bound = gamma16(i as u32 * 257 + 128, gamma);
        (bound * max + 32768) / 65535 + 1
    })
}

include!(concat!(env!("OUT_DIR"), "/srgb_tables.rs"));

/// libpng's `PNG_sRGB_FROM_LINEAR`: a linear value scaled by 255 * 65535 to
/// 8-bit sRGB, along the piecewise-linear segments of its tables.
fn srgb_from_linear(l: u32) -> u8 {
    let e = (l >> 15) as usize;
    ((u32::from(SRGB_BASE[e]) + (((l & 0x7fff) * u32::from(SRGB_DELTA[e])) >> 12)) >> 8) as u8
}

/// libpng's 16-bit to-linear table (`gamma_16_to_1`) as built when 16-bit
/// data is scaled to 8 bits: indexed by the sample's top `16 - shift` bits.
fn to_linear16(v: u16, gamma: i64, shift: u32) -> u32 {
    let top = u32::from(v) >> shift;
    let max = (1u32 << (16 - shift)) - 1;
    if significant(gamma as f64 * 1e-5) {
        (65535.0 * (f64::from(top) / f64::from(max)).powf(gamma as f64 * 1e-5) + 0.5).floor() as u32
    } else {
        (top * 65535 + (1 << (15 - shift))) / max
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

/// libpng's default colour-to-grey coefficients (sum 32768).
const GREY: [u32; 3] = [6968, 23434, 2366];

/// What the output needs from one pixel: its colour (1 or 3 components) and
/// alpha, at the output depth, or a request to composite 8-bit values.
struct Converter<'a> {
    img: &'a Header,
    linear: bool,
    grey_out: bool,
    alpha_out: bool,
    /// 8-bit gamma exponent (libpng's fixed point), when correction applies.
    gamma8: Option<i64>,
    /// 16-bit to 8-bit gamma boundaries, when correction applies.
    bounds: Option<[u32; 255]>,
    /// The file's exponent to linear light (for grey and composition).
    to_linear: i64,
}

impl<'a> Converter<'a> {
    fn new(img: &'a Header, fmt: u32) -> Converter<'a> {
        let linear = fmt & LINEAR != 0;
        let screen = if linear { GAMMA_LINEAR } else { GAMMA_SRGB_SCREEN };
        let product = img.file_gamma as f64 * screen as f64 / 1e10;
        let correction = significant(product).then(|| reciprocal2(screen, img.file_gamma));
        Converter {
            img,
            linear,
            grey_out: fmt & COLOR == 0,
            alpha_out: fmt & ALPHA != 0,
            gamma8: correction.filter(|_| !img.sixteen),
            // libpng 1.6's 16-to-8 table takes the product of the two
            // gammas (newer releases use the reciprocal of the correction,
            // which rounds differently).
            bounds: correction.filter(|_| img.sixteen && !linear).map(|_| bounds_16to8(product2(img.file_gamma, screen), gamma_shift(img.sig_bits))),
            to_linear: reciprocal(img.file_gamma),
        }
    }

    fn has_alpha(&self) -> bool {
        self.img.channels == 2 || self.img.channels == 4
    }

    /// An 8-bit file's sample through the gamma table.
    fn g8(&self, v: u16) -> u16 {
        let v = (v >> 8) as u8;
        u16::from(self.gamma8.map_or(v, |g| gamma8(v, g)))
    }

    /// A 16-bit file's sample as an 8-bit output value.
    fn to8(&self, v: u16) -> u16 {
        match &self.bounds {
            None => u16::from(scale16(v)),
            Some(b) => {
                let last = u32::from(v) >> gamma_shift(self.img.sig_bits);
                b.iter().position(|&bound| last < bound).unwrap_or(255) as u16
            }
        }
    }

    /// The output components of pixel `s` (colour first, then alpha if the
    /// format has it); `Err` with 8-bit colour and alpha when the pixel must
    /// be composited onto the buffer.
    fn pixel(&self, s: &[u16], px: &mut [u16; 4]) -> Result<usize, ([u8; 3], u8)> {
        let img = self.img;
        let rgb: [u16; 3] = if img.channels >= 3 { [s[0], s[1], s[2]] } else { [s[0]; 3] };
        let a = if self.has_alpha() { s[img.channels - 1] } else { 65535 };
        let colour_in = img.channels >= 3;
        let n = if self.grey_out { 1 } else { 3 };
        if !self.linear {
            let c: [u16; 3] = rgb.map(|v| if img.sixteen { self.to8(v) } else { self.g8(v) });
            let a8 = if img.sixteen { scale16(a) } else { (a >> 8) as u8 };
            if self.has_alpha() && !self.alpha_out {
                // 16-bit files reach the composition already premultiplied in
                // linear light (through libpng's 11-bit table), except fully
                // opaque pixels.
                let c8 = match img.sixteen {
                    true if a == 65535 => c.map(|v| v as u8),
                    true => rgb.map(|v| scale16(premultiply16(to_linear16(v, self.to_linear, gamma_shift(img.sig_bits)) as u16, a))),
                    false => rgb.map(|v| (v >> 8) as u8),
                };
                return Err((c8, a8));
            }
            px[..3].copy_from_slice(&c);
            px[3] = u16::from(a8);
        } else if img.sixteen {
            let grey = |rgb: [u16; 3]| {
                if rgb[0] == rgb[1] && rgb[1] == rgb[2] {
                    rgb[0]
                } else {
                    ((rgb.iter().zip(GREY).map(|(&v, k)| u32::from(v) * k).sum::<u32>() + 16384) >> 15) as u16
                }
            };
            let c = if significant(img.file_gamma as f64 / 1e5) {
                // A 16-bit file that is not linear: the rare float path.
                let g = reciprocal2(GAMMA_LINEAR, img.file_gamma);
                rgb.map(|v| gamma16(u32::from(v), g) as u16)
            } else {
                rgb
            };
            let c = if self.grey_out && colour_in { [grey(c); 3] } else { c };
            px[..3].copy_from_slice(&c.map(|v| if self.has_alpha() { premultiply16(v, a) } else { v }));
            px[3] = a;
        } else {
            let a8 = u32::from(a >> 8);
            let c8: [u32; 3] = rgb.map(|v| u32::from(self.g8(v)));
            if self.grey_out && colour_in {
                // libpng's rgb_to_gray on 8-bit values: rounded on the
                // gamma-corrected ones, truncated on the raw ones.
                let y = if rgb.iter().all(|&v| v == rgb[0]) {
                    c8[0]
                } else if self.gamma8.is_some() {
                    (c8.iter().zip(GREY).map(|(&v, k)| v * k).sum::<u32>() + 16384) >> 15
                } else {
                    rgb.iter().zip(GREY).map(|(&v, k)| u32::from(v >> 8) * k).sum::<u32>() >> 15
                };
                // With alpha, libpng premultiplies locally in 16 bits
                // (`png_image_read_background`).
                let (y16, a16) = (y * 257, a8 * 257);
                px[0] = match a16 {
                    _ if !self.has_alpha() => y16,
                    0 => 0,
                    65535 => y16,
                    _ => (y16 * a16 + 32767) / 65535,
                } as u16;
            } else {
                let c8 = if self.has_alpha() { c8.map(|v| (v * a8 + 127) / 255) } else { c8 };
                for (p, v) in px.iter_mut().zip(c8) {
                    *p = (v * 257) as u16;
                }
            }
            px[3] = a;
        }
        Ok(n)
    }

    /// libpng's `png_image_read_composite`: 8-bit colour with alpha onto the
    /// byte already in the buffer.
    fn compose(&self, c: u8, a: u8, bg: u8) -> u8 {
        match a {
            0 => bg,
            // Opaque pixels of an 8-bit file went through the gamma table
            // (16-bit files' arrive converted).
            255 if !self.img.sixteen && !self.img.palette => self.g8(u16::from(c) << 8) as u8,
            255 => c,
            _ if self.img.palette => {
                // The palette entry was composed onto black in linear light
                // (`png_composite` between the to-linear and from-linear
                // tables); the buffer byte is added in sRGB space.
                let fg = u32::from(gamma8(c, self.to_linear)) * u32::from(a) + 128;
                let fg = gamma8(((fg + (fg >> 8)) >> 8) as u8, reciprocal(GAMMA_SRGB_SCREEN));
                (u32::from(fg) + (u32::from(255 - a) * u32::from(bg) + 127) / 255).min(255) as u8
            }
            _ => {
                // Linear premultiplied colour plus the linear buffer byte,
                // encoded back to sRGB with libpng's tables.
                let fg = if self.img.sixteen {
                    u32::from(c)
                } else {
                    (u32::from(gamma8(c, self.to_linear)) * u32::from(a) + 127) / 255
                };
                let l = fg * 65535 + u32::from(255 - a) * u32::from(SRGB_TABLE[usize::from(bg)]);
                srgb_from_linear(l.min(255 * 65535))
            }
        }
    }
}

/// Decodes `img` into `out` as libpng's `png_image_finish_read(img, NULL,
/// out, stride)` with format flags `fmt` (see [`format_flags`]). `stride` is
/// in components (bytes for 8-bit formats, 16-bit units for linear ones);
/// negative means bottom-up. False if the stride is too short (nothing is
/// written) or the image data does not decode (the rows before the error
/// are written, as libpng writes them).
///
/// # Safety
/// `out` must be writable for every row the stride and height reach.
pub unsafe fn write_pixels(file: Decoded<'_>, fmt: u32, out: *mut u8, stride: i32) -> bool {
    let Decoded { header, mut reader } = file;
    let img = &header;
    let conv = Converter::new(img, fmt);
    let out_channels = if conv.grey_out { 1 } else { 3 } + usize::from(conv.alpha_out);
    let row_len = img.width as usize * out_channels;
    let stride = if stride == 0 { row_len as i64 } else { i64::from(stride) };
    if (stride.unsigned_abs() as usize) < row_len {
        return false;
    }
    let unit: usize = if conv.linear { 2 } else { 1 };
    let step = stride as isize * unit as isize;
    let first: isize = if step < 0 { (img.height as isize - 1) * -step } else { 0 };
    // Where each colour component and alpha go within a pixel.
    let bgr = fmt & BGR != 0 && !conv.grey_out;
    let afirst = fmt & AFIRST != 0 && conv.alpha_out;
    let base = usize::from(afirst);
    let order: [usize; 3] = if bgr { [2, 1, 0] } else { [0, 1, 2] };
    let alpha_at = if afirst { 0 } else { out_channels - 1 };

    let w = img.width as usize;
    if !img.sixteen && !conv.linear && (conv.alpha_out || !conv.has_alpha()) {
        // The common case, 8-bit file to an 8-bit format without composition:
        // a byte table per sample.
        let table: [u8; 256] = std::array::from_fn(|v| conv.gamma8.map_or(v as u8, |g| gamma8(v as u8, g)));
        let n = img.channels;
        let colour_in = n >= 3;
        // RGBA in, four channels out, no gamma: each pixel is one shuffle.
        let rgba_shuffle = (conv.gamma8.is_none() && n == 4 && out_channels == 4 && conv.has_alpha()).then_some((bgr, afirst));
        return img.rows(&mut reader, |y, src| {
            // SAFETY: the caller guarantees the rows the stride reaches are
            // writable; the row holds `width * out_channels` bytes.
            let row = unsafe { std::slice::from_raw_parts_mut(out.offset(first + y as isize * step), row_len) };
            if let Some((bgr, afirst)) = rgba_shuffle {
                return shuffle_rgba(src, row, bgr, afirst);
            }
            for (s, d) in src.chunks_exact(n).zip(row.chunks_exact_mut(out_channels)) {
                let rgb = if colour_in { [s[0], s[1], s[2]] } else { [s[0]; 3] };
                for (i, &c) in order.iter().enumerate() {
                    d[base + i] = table[usize::from(rgb[c])];
                }
                if conv.alpha_out {
                    d[alpha_at] = if conv.has_alpha() { s[n - 1] } else { 255 };
                }
            }
        });
    }
    let mut px = [0u16; 4];
    let mut sample = [0u16; 4];
    img.rows(&mut reader, |y, src| {
        // SAFETY: the caller guarantees the rows the stride reaches are writable.
        let row = unsafe { out.offset(first + y as isize * step) };
        for x in 0..w {
            let s = img.pixel16(src, x, &mut sample);
            // SAFETY: x < width, so the pixel lies inside the row.
            let dst = unsafe { row.add(x * out_channels * unit) };
            match conv.pixel(s, &mut px) {
                Ok(n) => {
                    // SAFETY: every index is below out_channels.
                    unsafe {
                        for (i, &src) in order[..n].iter().enumerate() {
                            put(dst, base + i, px[if n == 1 { 0 } else { src }], conv.linear);
                        }
                        if conv.alpha_out {
                            put(dst, alpha_at, px[3], conv.linear);
                        }
                    }
                }
                Err((c, a)) => {
                    let n = if conv.grey_out { 1 } else { 3 };
                    for (i, &src) in order[..n].iter().enumerate() {
                        // SAFETY: i < out_channels; 8-bit output.
                        unsafe {
                            let p = dst.add(i);
                            *p = conv.compose(c[src], a, *p);
                        }
                    }
                }
            }
        }
    })
}

/// Copies 8-bit RGBA pixels into `row` as RGBA, BGRA (`bgr`), ARGB
/// (`afirst`) or ABGR (both).
fn shuffle_rgba(src: &[u8], row: &mut [u8], bgr: bool, afirst: bool) {
    // A pixel read little-endian is `R | G << 8 | B << 16 | A << 24`.
    fn each(src: &[u8], row: &mut [u8], f: impl Fn(u32) -> u32) {
        for (s, d) in src.chunks_exact(4).zip(row.chunks_exact_mut(4)) {
            d.copy_from_slice(&f(u32::from_le_bytes([s[0], s[1], s[2], s[3]])).to_le_bytes());
        }
    }
    match (bgr, afirst) {
        (false, false) => {
            let n = row.len().min(src.len());
            row[..n].copy_from_slice(&src[..n]);
        }
        (true, false) => each(src, row, |v| v & 0xFF00_FF00 | (v >> 16) & 0xFF | (v & 0xFF) << 16),
        (false, true) => each(src, row, |v| v.rotate_left(8)),
        (true, true) => each(src, row, u32::swap_bytes),
    }
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
