//! Code maps: where a compiled function's machine code maps back to its ops,
//! so the runtime can resolve return addresses to source positions. The
//! compiler records one per function; an executable embeds them encoded
//! ([`encode`]) and its runtime decodes them when it first resolves an
//! address ([`decode`]); the JIT
//! hands them to the runtime as it compiles.

/// One compiled function's code map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FnCodeMap {
    /// The function index.
    pub findex: u32,
    /// Size of the function's machine code in bytes.
    pub code_size: u32,
    /// `(code offset, op index)`, sorted by offset: the op whose code starts there.
    pub locs: Vec<(u32, u32)>,
}

/// `count`, then per function `findex, code size, n, n × (offset, op)`, all u32 LE.
pub fn encode(maps: &[FnCodeMap]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut put = |v: u32| out.extend_from_slice(&v.to_le_bytes());
    put(maps.len() as u32);
    for f in maps {
        put(f.findex);
        put(f.code_size);
        put(f.locs.len() as u32);
        for &(off, op) in &f.locs {
            put(off);
            put(op);
        }
    }
    out
}

/// Decodes what [`encode`] wrote; a truncated blob yields the maps it holds entirely.
pub fn decode(blob: &[u8]) -> Vec<FnCodeMap> {
    let mut words = blob.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let count = words.next().unwrap_or(0) as usize;
    let mut maps = Vec::with_capacity(count.min(blob.len() / 12));
    for _ in 0..count {
        let (Some(findex), Some(code_size), Some(n)) = (words.next(), words.next(), words.next()) else { break };
        let mut locs = Vec::with_capacity((n as usize).min(blob.len() / 8));
        for _ in 0..n {
            let (Some(off), Some(op)) = (words.next(), words.next()) else { return maps };
            locs.push((off, op));
        }
        maps.push(FnCodeMap { findex, code_size, locs });
    }
    maps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_truncation() {
        let maps = vec![
            FnCodeMap { findex: 3, code_size: 40, locs: vec![(0, 0), (12, 2), (30, 5)] },
            FnCodeMap { findex: 9, code_size: 8, locs: vec![] },
        ];
        let blob = encode(&maps);
        assert_eq!(decode(&blob), maps);
        // Cut inside the second map: only the first survives.
        assert_eq!(decode(&blob[..blob.len() - 4]), maps[..1].to_vec());
        assert!(decode(&[]).is_empty());
    }
}
