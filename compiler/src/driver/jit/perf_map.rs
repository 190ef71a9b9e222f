//! `HLC_PERF_MAP=1 hlc run ...`: every function the JIT compiles is
//! appended to `/tmp/perf-<pid>.map`, where `perf report` looks up symbols
//! of code generated at run time (one `START SIZE NAME` line, in hex), under
//! HashLink's name for it, as `hlc build` names its symbols.

use std::io::Write as _;
use std::sync::{Mutex, OnceLock};

/// The map file, opened on first use when `HLC_PERF_MAP` is set; the file
/// belongs to the process (perf finds it by pid), hence one per process.
static MAP: OnceLock<Option<Mutex<std::fs::File>>> = OnceLock::new();

fn open() -> Option<Mutex<std::fs::File>> {
    let on = std::env::var_os("HLC_PERF_MAP").is_some_and(|v| !v.is_empty() && v != "0");
    if !on {
        return None;
    }
    let path = format!("/tmp/perf-{}.map", std::process::id());
    match std::fs::OpenOptions::new().create(true).append(true).open(&path) {
        Ok(f) => Some(Mutex::new(f)),
        Err(e) => {
            eprintln!("hlc: HLC_PERF_MAP: cannot open {path}: {e}");
            None
        }
    }
}

/// Records code at `start`, `size` bytes long, named `name()` (only computed
/// when a map is being written).
pub fn record(start: usize, size: u32, name: impl FnOnce() -> String) {
    let Some(file) = MAP.get_or_init(open) else { return };
    let line = format!("{start:x} {size:x} {}\n", name());
    // One write per line, so lines from threads compiling at once do not mix.
    let _ = file.lock().unwrap_or_else(|e| e.into_inner()).write_all(line.as_bytes());
}
