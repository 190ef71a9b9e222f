//! Size classes of small blocks and the constant-time offset → block index
//! division used by marking and `hl_gc_get_memsize`.

/// log2 of the page (and address-space chunk) size: 64 KB.
pub const PAGE_BITS: usize = 16;
pub const PAGE_SIZE: usize = 1 << PAGE_BITS;

/// Requests larger than this get pages of their own.
pub const MAX_SMALL: usize = 32 * 1024;

/// Block sizes of the small classes: 8-byte steps up to 64 bytes, then four
/// classes per power of two, so rounding wastes at most 25% (usually far less).
pub const CLASS_SIZES: [u32; 44] = [
    8, 16, 24, 32, 40, 48, 56, 64, //
    80, 96, 112, 128, 160, 192, 224, 256, //
    320, 384, 448, 512, 640, 768, 896, 1024, //
    1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, //
    5120, 6144, 7168, 8192, 10240, 12288, 14336, 16384, //
    20480, 24576, 28672, 32768,
];
pub const NCLASSES: usize = CLASS_SIZES.len();


const fn build_class_table() -> [u8; MAX_SMALL / 8 + 1] {
    let mut t = [0u8; MAX_SMALL / 8 + 1];
    let mut words = 0;
    let mut c = 0;
    while words <= MAX_SMALL / 8 {
        while (CLASS_SIZES[c] as usize) < words * 8 {
            c += 1;
        }
        t[words] = c as u8;
        words += 1;
    }
    t
}

/// Class index of a request of `w` 8-byte words (`w = (size + 7) / 8`).
static CLASS_OF_WORDS: [u8; MAX_SMALL / 8 + 1] = build_class_table();

/// The size class of a request of `size` bytes, `1 <= size <= MAX_SMALL`.
#[inline(always)]
pub fn class_of(size: usize) -> usize {
    debug_assert!((1..=MAX_SMALL).contains(&size));
    CLASS_OF_WORDS[(size + 7) >> 3] as usize
}

/// Multiplier such that `(off * recip) >> 32 == off / size` for every
/// `off < 2^16` and `size <= 2^16` (the error term `off * e / 2^32` with
/// `e < size` stays below `1/size`).
pub const fn reciprocal(size: u32) -> u64 {
    (1u64 << 32).div_ceil(size as u64)
}

#[inline(always)]
pub fn div_by(off: usize, recip: u64) -> usize {
    ((off as u64 * recip) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_all_sizes() {
        for size in 1..=MAX_SMALL {
            let c = class_of(size);
            assert!(CLASS_SIZES[c] as usize >= size);
            if c > 0 {
                assert!((CLASS_SIZES[c - 1] as usize) < size);
            }
            assert!(
                CLASS_SIZES[c] as usize * 4 <= size * 5 + 32,
                "waste at {size}"
            );
        }
    }

    #[test]
    fn reciprocal_division_is_exact() {
        for &s in CLASS_SIZES.iter() {
            let r = reciprocal(s);
            for off in 0..PAGE_SIZE {
                assert_eq!(div_by(off, r), off / s as usize, "size {s} off {off}");
            }
        }
    }
}
