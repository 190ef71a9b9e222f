//! HashLink's field-name hash (`hl_hash_gen`), the one definition used by the
//! compiler (constant hashes of `DynGet`/`DynSet`) and the runtime (field
//! lookup tables), so both always agree.

/// Hash of a name given as UTF-16 code units (without the terminating NUL).
pub fn hl_hash_utf16(name: impl IntoIterator<Item = u16>) -> i32 {
    let mut h: i32 = 0;
    for c in name {
        h = h.wrapping_mul(223).wrapping_add(c as i32);
    }
    h % 0x1FFF_FF7B
}

/// Hash of a UTF-8 name, as the runtime would hash its UTF-16 form.
pub fn hl_hash_str(name: &str) -> i32 {
    hl_hash_utf16(name.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_the_223_polynomial_modulo() {
        assert_eq!(hl_hash_str(""), 0);
        assert_eq!(hl_hash_str("a"), 97);
        assert_eq!(hl_hash_str("ab"), 97 * 223 + 98);
        // Wraps like C's int arithmetic and keeps the sign of the dividend.
        let long = "abcdefghijklmnopqrstuvwxyz";
        let mut h: i32 = 0;
        for c in long.bytes() {
            h = h.wrapping_mul(223).wrapping_add(c as i32);
        }
        assert_eq!(hl_hash_str(long), h % 0x1FFF_FF7B);
    }
}
