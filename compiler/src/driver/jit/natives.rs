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

/// The address range the `hlc` executable itself is mapped at.
fn executable_range() -> std::ops::Range<usize> {
    let mut range = 0..0;
    unsafe extern "C" fn first(info: *mut libc::dl_phdr_info, _size: usize, data: *mut c_void) -> i32 {
        // SAFETY: the loader passes a valid program-header list; the first object is the executable.
        unsafe {
            let info = &*info;
            let range = &mut *(data as *mut std::ops::Range<usize>);
            for i in 0..info.dlpi_phnum as usize {
                let ph = &*info.dlpi_phdr.add(i);
                if ph.p_type == libc::PT_LOAD {
                    let start = info.dlpi_addr as usize + ph.p_vaddr as usize;
                    let end = start + ph.p_memsz as usize;
                    if range.end == 0 {
                        *range = start..end;
                    } else {
                        range.start = range.start.min(start);
                        range.end = range.end.max(end);
                    }
                }
            }
        }
        1 // stop after the first object
    }
    // SAFETY: the callback only reads the loader's data and writes `range`.
    unsafe { libc::dl_iterate_phdr(Some(first), &mut range as *mut _ as *mut c_void) };
    range
}

/// The address of `symbol` if the runtime linked into this executable
/// (exported by it, see build.rs) defines it: not a same-named symbol of
/// the C library or another library.
fn runtime_symbol(symbol: &str, exe: &std::ops::Range<usize>) -> Option<*const c_void> {
    let name = CString::new(symbol).ok()?;
    // SAFETY: dlsym with a NUL-terminated name.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!p.is_null() && exe.contains(&(p as usize))).then_some(p.cast_const())
}

/// Resolves every native of `m`, the program at `input`.
pub fn resolve(m: &Module, _input: &Path) -> miette::Result<Resolved> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    let exe = executable_range();
    for (index, n) in m.natives.iter().enumerate() {
        let lib = m.str(n.lib);
        let name = m.str(n.name);
        let (optional, lib) = match lib.strip_prefix('?') {
            Some(l) => (true, l),
            None => (false, &*lib),
        };
        let symbol = native_symbol(lib, &name);
        match runtime_symbol(&symbol, &exe) {
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
