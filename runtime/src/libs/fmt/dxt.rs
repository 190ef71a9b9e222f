//! `fmt@dxt_decode`: BC1/BC2/BC3 (DXT1, DXT3, DXT5) blocks into 32-bit
//! pixels, with libhl's arithmetic: 5/6-bit endpoints through fixed lookup
//! tables, integer-division interpolation, and DXT3's alpha nibbles taken
//! high nibble first. Pixels are written as the little-endian word
//! `a << 24 | b << 16 | g << 8 | r` (RGBA bytes); only whole 4x4 blocks are
//! decoded. Block rows start `(width / 4) * 4 + 3 * width` pixels apart, as
//! in libhl (the same as `4 * width` when the width is a multiple of 4).

/// libhl's 5-bit to 8-bit channel table.
const BIT5: [u32; 32] = [
    0, 8, 16, 25, 33, 41, 49, 58, 66, 74, 82, 90, 99, 107, 115, 123, 132, 140, 148, 156, 165, 173, 181, 189, 197, 206,
    214, 222, 230, 239, 247, 255,
];

fn bit6(i: u32) -> u32 {
    const BIT6: [u8; 64] = [
        0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 45, 49, 53, 57, 61, 65, 69, 73, 77, 81, 85, 89, 93, 97, 101, 105, 109,
        113, 117, 121, 125, 130, 134, 138, 142, 146, 150, 154, 158, 162, 166, 170, 174, 178, 182, 186, 190, 194, 198,
        202, 206, 210, 215, 219, 223, 227, 231, 235, 239, 243, 247, 251, 255,
    ];
    u32::from(BIT6[i as usize])
}

/// The three 8-bit channels of a 565 colour.
fn rgb(c: u32) -> [u32; 3] {
    [BIT5[(c >> 11) as usize & 31], bit6((c >> 5) & 63), BIT5[c as usize & 31]]
}

fn pack(c: [u32; 3], a: u32) -> u32 {
    a << 24 | c[2] << 16 | c[1] << 8 | c[0]
}

/// Colour `t` (0-3) of a block with endpoints `c0`, `c1`. Four-colour mode
/// when `c0 > c1`; otherwise the third colour is the midpoint and the fourth
/// is transparent black (the whole word 0, alpha included).
fn color(c0: u32, c1: u32, a: u32, t: u32) -> u32 {
    let (p, q) = (rgb(c0), rgb(c1));
    let mix = |x: [u32; 3], y: [u32; 3], wx: u32, wy: u32, d: u32| {
        [(wx * x[0] + wy * y[0]) / d, (wx * x[1] + wy * y[1]) / d, (wx * x[2] + wy * y[2]) / d]
    };
    match t {
        0 => pack(p, a),
        1 => pack(q, a),
        2 if c0 > c1 => pack(mix(p, q, 2, 1, 3), a),
        2 => pack(mix(p, q, 1, 1, 2), a),
        _ if c0 > c1 => pack(mix(q, p, 2, 1, 3), a),
        _ => 0,
    }
}

/// DXT5 alpha `t` (0-7) between endpoints `a0`, `a1`.
fn alpha5(a0: u32, a1: u32, t: u32) -> u32 {
    match t {
        0 => a0,
        1 => a1,
        _ if a0 > a1 => ((8 - t) * a0 + (t - 1) * a1) / 7,
        6 => 0,
        7 => 255,
        _ => ((6 - t) * a0 + (t - 1) * a1) / 5,
    }
}

/// The number of input bytes a `width` x `height` image of `format` reads
/// (`None` for an unknown format).
pub fn input_size(width: i32, height: i32, format: i32) -> Option<usize> {
    let blocks = (width.max(0) as usize >> 2) * (height.max(0) as usize >> 2);
    match format {
        1 => Some(blocks * 8),
        2 | 3 => Some(blocks * 16),
        _ => None,
    }
}

/// The number of output pixels [`decode`] writes up to.
pub fn output_size(width: i32, height: i32) -> usize {
    let (w, bh) = (width.max(0) as usize, height.max(0) as usize >> 2);
    if w < 4 || bh == 0 {
        return 0;
    }
    (bh - 1) * block_row(w) + 3 * w + (w >> 2) * 4
}

fn block_row(width: usize) -> usize {
    (width >> 2) * 4 + 3 * width
}

/// Decodes `data` into `out` (`width` pixels a row). False for a format
/// other than 1 (DXT1), 2 (DXT3), 3 (DXT5). `data` must hold
/// [`input_size`] bytes and `out` [`output_size`] pixels.
pub fn decode(data: &[u8], out: &mut [u32], width: usize, height: usize, format: i32) -> bool {
    if !(1..=3).contains(&format) {
        return false;
    }
    let block_size = if format == 1 { 8 } else { 16 };
    let mut blocks = data.chunks_exact(block_size);
    for by in 0..height / 4 {
        for bx in 0..width / 4 {
            let Some(b) = blocks.next() else { return true };
            let mut alpha = [255u32; 16];
            let colors = &b[block_size - 8..];
            match format {
                2 => {
                    for (i, a) in alpha.iter_mut().enumerate() {
                        let byte = u32::from(b[i / 2]);
                        *a = 17 * if i % 2 == 0 { byte >> 4 } else { byte & 15 };
                    }
                }
                3 => {
                    let (a0, a1) = (u32::from(b[0]), u32::from(b[1]));
                    let bits0 = u32::from(b[2]) | u32::from(b[3]) << 8 | u32::from(b[4]) << 16;
                    let bits1 = u32::from(b[5]) | u32::from(b[6]) << 8 | u32::from(b[7]) << 16;
                    for (i, a) in alpha.iter_mut().enumerate() {
                        let bits = if i < 8 { bits0 } else { bits1 };
                        *a = alpha5(a0, a1, (bits >> (3 * (i % 8))) & 7);
                    }
                }
                _ => {}
            }
            let c0 = u32::from(colors[0]) | u32::from(colors[1]) << 8;
            let c1 = u32::from(colors[2]) | u32::from(colors[3]) << 8;
            for k in 0..4 {
                let bits = u32::from(colors[4 + k]);
                let row = by * block_row(width) + k * width + bx * 4;
                for i in 0..4 {
                    out[row + i] = color(c0, c1, alpha[k * 4 + i], (bits >> (2 * i)) & 3);
                }
            }
        }
    }
    true
}
