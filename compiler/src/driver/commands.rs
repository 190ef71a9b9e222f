//! The `hlc` subcommands as library functions, so tests and the CLI share them.

use hlbc::{self as bytecode, Module};
use miette::{Diagnostic, IntoDiagnostic as _, Result, WrapErr as _};
use std::path::Path;

/// An input file could not be read from disk.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot read `{path}`")]
#[diagnostic(code(hlc::io))]
pub struct InputError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

/// hlc's cache directory (the JIT's code cache, the runtime without debug
/// information): `$HLC_CACHE_DIR`, else `$XDG_CACHE_HOME/hlc`, else
/// `~/.cache/hlc`; `None` when `HLC_CACHE_DIR` is set but empty (no cache).
pub fn cache_root() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    match std::env::var_os("HLC_CACHE_DIR") {
        Some(d) if d.is_empty() => None,
        Some(d) => Some(PathBuf::from(d)),
        None => std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(|d| PathBuf::from(d).join("hlc"))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("hlc"))),
    }
}

/// FNV-1a, 64 bits: checksums of cache entries and keys of cached files.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// Reads and decodes the module at `path`.
pub fn load_module(path: &Path) -> Result<Module> {
    let data = std::fs::read(path).map_err(|source| InputError { path: path.display().to_string(), source })?;
    bytecode::read_module(&data)
        .map_err(miette::Report::new)
        .wrap_err_with(|| format!("while reading `{}`", path.display()))
}

/// Checks that a module is well-typed (`hlbc::verify`), naming the file in the error.
pub fn verify(m: &Module, path: &Path) -> Result<()> {
    bytecode::verify_module(m)
        .map_err(miette::Report::new)
        .wrap_err_with(|| format!("while verifying `{}`", path.display()))
}

/// `hlc dump`: the module in `hlcode.txt` layout; with `verify`, only if it is well-typed.
pub fn dump(path: &Path, verify: bool) -> Result<String> {
    let m = load_module(path)?;
    if verify {
        self::verify(&m, path)?;
    }
    Ok(bytecode::dump::dump(&m))
}

/// What `hlc check` verified.
pub struct CheckReport {
    pub functions: usize,
    pub ops: usize,
    /// Time spent in the verifier alone.
    pub verify_time: std::time::Duration,
}

/// `hlc check`: reads and verifies a module without compiling it.
pub fn check(path: &Path) -> Result<CheckReport> {
    let m = load_module(path)?;
    let start = std::time::Instant::now();
    verify(&m, path)?;
    Ok(CheckReport {
        functions: m.functions.len(),
        ops: m.functions.iter().map(|f| f.ops.len()).sum(),
        verify_time: start.elapsed(),
    })
}

/// Writes `contents` to `path` atomically: a temporary file renamed into place,
/// so a failed run never leaves a half-written output.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.hlc-tmp-{}", std::process::id()));
    std::fs::write(&tmp, contents)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write `{}`", tmp.display()))?;
    std::fs::rename(&tmp, path).into_diagnostic().wrap_err_with(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot create `{}`", path.display())
    })
}
