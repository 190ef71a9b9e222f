//! Natives of Heaps' `heaps` library (HashLink's `libs/heaps`) that the
//! runtime provides: `compute_mikkt_tangents`, which `heaps.hdll` builds from
//! the same C source as `fmt`'s (`mikkt.c`, only the name prefix differs), so
//! it is the same implementation under the `heaps_` symbol. The library's
//! other natives (meshoptimizer, V-HACD, RenderDoc) are not provided: a
//! program calling them needs `heaps.hdll` (or `--allow-missing-natives`).

use super::fmt::{fmt_compute_mikkt_tangents, mikkt::MikktInfo};

/// `heaps@compute_mikkt_tangents(m, threshold)`: see
/// [`fmt_compute_mikkt_tangents`].
#[no_mangle]
pub unsafe extern "C" fn heaps_compute_mikkt_tangents(m: *mut MikktInfo, threshold: f64) -> bool {
    // SAFETY: the same contract as the fmt native, which checks `m`.
    unsafe { fmt_compute_mikkt_tangents(m, threshold) }
}
