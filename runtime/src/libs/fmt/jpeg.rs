//! `fmt@jpg_decode` and `fmt@jpg_encode`: JPEG through TurboJPEG's calling
//! conventions (`tjDecompress2` / `tjCompress2`, which libhl calls), with
//! `jpeg-decoder` and `jpeg-encoder` doing the work.
//!
//! Pixel formats are TurboJPEG's `TJPF_*` numbers (`hl.Format.PixelFormat`);
//! X bytes are written as 0xFF, a stride of 0 means packed rows and flags
//! bit 0 means bottom-up rows. A requested size smaller than the image is
//! met by TurboJPEG's rule (the largest scaling factor whose result fits);
//! the factors 1/2, 1/4 and 1/8 are supported, by averaging 2x2, 4x4 or 8x8
//! pixels of the full-size image (libjpeg scales in its IDCT instead, so
//! scaled images are close, not equal), and a size needing another factor
//! fails.

/// `TJPF_*`: bytes per pixel and the offsets of red, green, blue and alpha
/// or X (-1 where absent).
const FORMATS: [(usize, [i8; 4]); 12] = [
    (3, [0, 1, 2, -1]), // RGB
    (3, [2, 1, 0, -1]), // BGR
    (4, [0, 1, 2, 3]),  // RGBX
    (4, [2, 1, 0, 3]),  // BGRX
    (4, [3, 2, 1, 0]),  // XBGR
    (4, [1, 2, 3, 0]),  // XRGB
    (1, [-1, -1, -1, -1]), // GRAY
    (4, [0, 1, 2, 3]),  // RGBA
    (4, [2, 1, 0, 3]),  // BGRA
    (4, [3, 2, 1, 0]),  // ABGR
    (4, [1, 2, 3, 0]),  // ARGB
    (4, [-1, -1, -1, -1]), // CMYK
];
const GRAY: i32 = 6;
const CMYK: i32 = 11;

/// TurboJPEG's scaling factors, largest first.
const SCALES: [(u32, u32); 16] = [
    (2, 1), (15, 8), (7, 4), (13, 8), (3, 2), (11, 8), (5, 4), (9, 8), (1, 1), (7, 8), (3, 4), (5, 8), (1, 2), (3, 8),
    (1, 4), (1, 8),
];

fn scaled(dim: u32, (num, den): (u32, u32)) -> u32 {
    (dim * num).div_ceil(den)
}

/// Decodes `data` into `out` as `tjDecompress2(data, out, width, stride,
/// height, format, flags & 1 ? TJFLAG_BOTTOMUP : 0)`; false where TurboJPEG
/// fails (corrupt or truncated data, a bad format, a size no factor meets).
///
/// # Safety
/// `out` must be writable for every row the (scaled) height and stride reach.
pub unsafe fn decode(data: &[u8], out: *mut u8, width: i32, height: i32, stride: i32, format: i32, flags: i32) -> bool {
    if !(0..12).contains(&format) || width < 0 || height < 0 || stride < 0 {
        return false;
    }
    let mut dec = jpeg_decoder::Decoder::new(data);
    if dec.read_info().is_err() {
        return false;
    }
    let Some(info) = dec.info() else { return false };
    let (iw, ih) = (u32::from(info.width), u32::from(info.height));
    let (want_w, want_h) = (if width == 0 { iw } else { width as u32 }, if height == 0 { ih } else { height as u32 });
    let Some(&factor) = SCALES.iter().find(|&&f| scaled(iw, f) <= want_w && scaled(ih, f) <= want_h) else {
        return false;
    };
    if factor != (1, 1) && (factor.0 != 1 || !matches!(factor.1, 2 | 4 | 8)) {
        return false;
    }
    let Ok(pixels) = dec.decode() else { return false };
    let src_channels = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => 1,
        jpeg_decoder::PixelFormat::RGB24 => 3,
        jpeg_decoder::PixelFormat::CMYK32 => 4,
        jpeg_decoder::PixelFormat::L16 => return false,
    };
    // Colour conversions libjpeg cannot do.
    if (format == CMYK) != (src_channels == 4) {
        return false;
    }
    if pixels.len() < iw as usize * ih as usize * src_channels {
        return false;
    }
    let (pixels, w, h) = if factor == (1, 1) {
        (pixels, iw as usize, ih as usize)
    } else {
        shrink(&pixels, iw as usize, ih as usize, src_channels, factor.1 as usize)
    };
    let (size, offsets) = FORMATS[format as usize];
    let pitch = if stride == 0 { w * size } else { stride as usize };
    for y in 0..h {
        let src = &pixels[y * w * src_channels..][..w * src_channels];
        let row_index = if flags & 1 != 0 { h - 1 - y } else { y };
        // SAFETY: the caller guarantees every row up to the height is writable.
        let row = unsafe { std::slice::from_raw_parts_mut(out.add(row_index * pitch), w * size) };
        for (x, px) in row.chunks_exact_mut(size).enumerate() {
            let s = &src[x * src_channels..][..src_channels];
            if format == CMYK {
                px.copy_from_slice(s);
            } else if format == GRAY {
                // libjpeg outputs the luma plane; from RGB it is recomputed with
                // the JFIF weights.
                px[0] = if src_channels == 1 { s[0] } else { luma(s[0], s[1], s[2]) };
            } else {
                let (r, g, b) = if src_channels == 1 { (s[0], s[0], s[0]) } else { (s[0], s[1], s[2]) };
                px[offsets[0] as usize] = r;
                px[offsets[1] as usize] = g;
                px[offsets[2] as usize] = b;
                if offsets[3] >= 0 {
                    px[offsets[3] as usize] = 0xFF;
                }
            }
        }
    }
    true
}

/// Averages `d` x `d` blocks (clipped at the right and bottom edges):
/// (pixels, width, height) of the result.
fn shrink(src: &[u8], w: usize, h: usize, channels: usize, d: usize) -> (Vec<u8>, usize, usize) {
    let (ow, oh) = (w.div_ceil(d), h.div_ceil(d));
    let mut out = Vec::with_capacity(ow * oh * channels);
    for oy in 0..oh {
        let ys = oy * d..((oy + 1) * d).min(h);
        for ox in 0..ow {
            let xs = ox * d..((ox + 1) * d).min(w);
            let n = (ys.len() * xs.len()) as u32;
            for c in 0..channels {
                let sum: u32 = ys.clone().flat_map(|y| xs.clone().map(move |x| (y * w + x) * channels + c)).map(|i| u32::from(src[i])).sum();
                out.push(((sum + n / 2) / n) as u8);
            }
        }
    }
    (out, ow, oh)
}

/// JFIF luma with libjpeg's 16-bit fixed-point weights.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    let (r, g, b) = (u32::from(r), u32::from(g), u32::from(b));
    ((19595 * r + 38470 * g + 7471 * b + 32768) >> 16) as u8
}

/// TurboJPEG's `tjBufSize(width, height, subsamp)`: the worst-case size of a
/// compressed image, which libhl allocates for `jpg_encode`'s result.
pub fn buf_size(width: i32, height: i32, subsamp: i32) -> Option<usize> {
    let (mw, mh) = match subsamp {
        0 | 3 => (8, 8),
        1 => (16, 8),
        2 => (16, 16),
        4 => (8, 16),
        5 => (32, 8),
        _ => return None,
    };
    if width < 1 || height < 1 {
        return None;
    }
    let chroma = if subsamp == 3 { 0 } else { 4 * 64 / (mw * mh) };
    let pad = |v: usize, m: usize| v.div_ceil(m) * m;
    Some(pad(width as usize, mw) * pad(height as usize, mh) * (2 + chroma) + 2048)
}

/// Encodes as `tjCompress2(data, width, stride, height, format, subsamp,
/// quality, flags & 1 ? TJFLAG_BOTTOMUP : 0)`; `None` where TurboJPEG fails
/// (bad sizes, format, subsampling or quality).
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
    use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, SamplingFactor};
    if !(0..12).contains(&format) || !(0..=100).contains(&quality) || stride < 0 || data.is_null() {
        return None;
    }
    // TurboJPEG accepts 0, which libjpeg's quality scaling treats as 1.
    let quality = quality.max(1);
    buf_size(width, height, subsamp)?;
    if width > 65535 || height > 65535 {
        return None;
    }
    let (w, h) = (width as usize, height as usize);
    let (size, offsets) = FORMATS[format as usize];
    let pitch = if stride == 0 { w * size } else { stride as usize };
    let (channels, color) = match (format, subsamp) {
        (CMYK, _) => (4, ColorType::Cmyk),
        (GRAY, _) | (_, 3) => (1, ColorType::Luma),
        _ => (3, ColorType::Rgb),
    };
    let mut packed = Vec::with_capacity(w * h * channels);
    for y in 0..h {
        let row_index = if flags & 1 != 0 { h - 1 - y } else { y };
        // SAFETY: the caller guarantees every row up to the height is readable.
        let row = unsafe { std::slice::from_raw_parts(data.add(row_index * pitch), w * size) };
        for px in row.chunks_exact(size) {
            match (format, channels) {
                (CMYK, _) | (GRAY, _) => packed.extend_from_slice(px),
                (_, 1) => packed.push(luma(px[offsets[0] as usize], px[offsets[1] as usize], px[offsets[2] as usize])),
                _ => packed.extend(offsets[..3].iter().map(|&o| px[o as usize])),
            }
        }
    }
    let mut result = Vec::new();
    let mut enc = Encoder::new(&mut result, quality as u8);
    enc.set_sampling_factor(match subsamp {
        1 => SamplingFactor::F_2_1,
        2 => SamplingFactor::F_2_2,
        4 => SamplingFactor::F_1_2,
        5 => SamplingFactor::F_4_1,
        _ => SamplingFactor::F_1_1,
    });
    // libjpeg averages each block of chroma samples (`h2v2_downsample`).
    enc.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    enc.encode(&packed, width as u16, height as u16, color).ok()?;
    Some(result)
}
