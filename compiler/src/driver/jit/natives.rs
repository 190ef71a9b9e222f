//! Where each native of a program comes from under `hlc run`: the runtime
//! linked into `hlc` (every native `hlc build` links from `libhlrt.a`), or
//! else a HashLink native library `<lib>.hdll`, as `hl` loads them.

use crate::lower::native_symbol;
use hlbc::Module;
use std::ffi::{c_void, CString};
use std::path::{Path, PathBuf};

/// A native nobody provides.
pub struct Missing {
    /// Position in `Module::natives`.
    pub index: usize,
    /// `lib@name`.
    pub name: String,
    /// Declared optional (`?lib`): it may be missing and throws only if called.
    pub optional: bool,
    /// Where it was looked for.
    pub searched: Vec<String>,
}

pub struct Resolved {
    /// `(position in Module::natives, code address)`.
    pub found: Vec<(usize, *const c_void)>,
    pub missing: Vec<Missing>,
}

/// The address of `symbol` if the runtime linked into this executable defines it.
fn runtime_symbol(symbol: &str) -> Option<*const c_void> {
    let name = CString::new(symbol).ok()?;
    // SAFETY: dlsym with a NUL-terminated name; RTLD_DEFAULT searches the
    // executable (which exports the runtime, see build.rs) and its libraries.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    if p.is_null() || !in_this_executable(p) {
        return None;
    }
    Some(p.cast_const())
}

/// Whether `p` lies in the `hlc` executable itself (not in libc or another library).
fn in_this_executable(p: *const c_void) -> bool {
    let base = |addr: *const c_void| {
        let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
        // SAFETY: dladdr only reads the loader's tables.
        (unsafe { libc::dladdr(addr, &mut info) } != 0).then_some(info.dli_fbase)
    };
    let me = base(runtime_symbol as *const c_void);
    me.is_some() && base(p) == me
}

/// Resolves every native of `m`, the program at `input`.
pub fn resolve(m: &Module, _input: &Path) -> miette::Result<Resolved> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (index, n) in m.natives.iter().enumerate() {
        let lib = m.str(n.lib);
        let name = m.str(n.name);
        let (optional, lib) = match lib.strip_prefix('?') {
            Some(l) => (true, l),
            None => (false, &*lib),
        };
        let symbol = native_symbol(lib, &name);
        match runtime_symbol(&symbol) {
            Some(p) => found.push((index, p)),
            None => missing.push(Missing {
                index,
                name: format!("{lib}@{name}"),
                optional,
                searched: vec![format!("the hlc runtime (symbol {symbol})")],
            }),
        }
    }
    Ok(Resolved { found, missing })
}

/// The diagnostic for natives nobody provides (optional ones excepted).
pub fn missing_error(missing: &[Missing]) -> miette::Report {
    let lines: Vec<String> = missing
        .iter()
        .filter(|m| !m.optional)
        .map(|m| format!("  {} (looked in: {})", m.name, m.searched.join(", ")))
        .collect();
    miette::miette!(
        code = "hlc::missing_natives",
        help = "put the library that implements them next to the .hl file, or run with `--allow-missing-natives` to make each throw an exception when called",
        "{} native function(s) are not provided by the runtime or any library:\n{}",
        lines.len(),
        lines.join("\n")
    )
}

/// Directories searched for `<lib>.hdll`.
#[allow(dead_code)]
pub fn library_dirs(input: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = input.parent() {
        dirs.push(if d.as_os_str().is_empty() { PathBuf::from(".") } else { d.to_path_buf() });
    }
    dirs.push(PathBuf::from("."));
    if let Some(paths) = std::env::var_os("HLC_LIBRARY_PATH") {
        dirs.extend(std::env::split_paths(&paths));
    }
    dirs
}
