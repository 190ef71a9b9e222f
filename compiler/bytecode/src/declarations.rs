//! What an executable's runtime reads at start-up instead of its bytecode:
//! the module without function bodies ([`crate::reader::without_code`]),
//! preceded by the one fact about the code the runtime needs before any
//! stack trace, the names of dynamic field accesses in code order (they take
//! part in field-name hashing, [`crate::hash::FieldHashes`]).
//!
//! Layout: a little-endian `u32` count, that many `u32` string indexes, then
//! the bodiless HLB file.

use crate::reader::{read_module, without_code, ReadError};
use crate::{Module, StrIdx};

/// The declarations of the HLB file `data` (checked whole).
pub fn encode(data: &[u8]) -> Result<Vec<u8>, ReadError> {
    let m = read_module(data)?;
    let names = crate::hash::dynamic_names(&m);
    let hlb = without_code(data)?;
    let mut out = Vec::with_capacity(4 + 4 * names.len() + hlb.len());
    out.extend_from_slice(&(names.len() as u32).to_le_bytes());
    for n in &names {
        out.extend_from_slice(&n.0.to_le_bytes());
    }
    out.extend_from_slice(&hlb);
    Ok(out)
}

/// The module (without bodies) and the dynamic field names of `blob`.
pub fn decode(blob: &[u8]) -> Result<(Module, Vec<StrIdx>), String> {
    let word = |i: usize| blob.get(4 * i..4 * i + 4).map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")));
    let n = word(0).ok_or("declarations: no name count")? as usize;
    if n.saturating_add(1).saturating_mul(4) > blob.len() {
        return Err("declarations: truncated names".into());
    }
    let names = (1..=n).map(|i| word(i).map(StrIdx)).collect::<Option<Vec<_>>>().ok_or("declarations: truncated names")?;
    let m = read_module(&blob[4 * (n + 1)..]).map_err(|e| e.to_string())?;
    if let Some(bad) = names.iter().find(|s| s.idx() >= m.strings.len()) {
        return Err(format!("declarations: string index {} out of range", bad.0));
    }
    Ok((m, names))
}
