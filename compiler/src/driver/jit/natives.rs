//! Where each native of a program comes from under `hlc run`, as `hl` finds
//! them: a native of library `lib` (other than `std`) comes from `lib.hdll`
//! if there is one — next to the `.hl` file, in the current directory, or in
//! a directory of `$HLC_LIBRARY_PATH` — through its `hlp_<name>` entry, whose
//! signature must be the program's; otherwise from the runtime linked into
//! `hlc` (every native `hlc build` links from `libhlrt.a`). An `.hdll` built
//! for HashLink needs `libhl.so`: `hlc` itself is that library (it exports
//! libhl's ABI and is named `libhl.so`, see build.rs).

use hlbc::native_sig::{is_optional, native_signature, native_symbol};
use hlbc::Module;
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr, CString};
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

/// `dlsym` in `handle` (or the whole process for `RTLD_DEFAULT`).
fn symbol(handle: *mut c_void, name: &str) -> Option<*mut c_void> {
    let name = CString::new(name).ok()?;
    // SAFETY: dlsym with a valid handle and a NUL-terminated name.
    let p = unsafe { libc::dlsym(handle, name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

/// The last `dlerror()` message.
fn dl_error() -> String {
    // SAFETY: dlerror returns null or a NUL-terminated message.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        "unknown error".into()
    } else {
        // SAFETY: checked non-null above.
        unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
    }
}

/// Directories searched for `<lib>.hdll`, in order.
pub fn library_dirs(input: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = input.parent() {
        dirs.push(if d.as_os_str().is_empty() { PathBuf::from(".") } else { d.to_path_buf() });
    }
    dirs.push(PathBuf::from("."));
    if let Some(paths) = std::env::var_os("HLC_LIBRARY_PATH") {
        dirs.extend(std::env::split_paths(&paths).filter(|d| !d.as_os_str().is_empty()));
    }
    dirs
}

/// Native libraries opened so far, by library name (`None`: there is no `.hdll`).
struct Libraries {
    dirs: Vec<PathBuf>,
    open: HashMap<String, Option<(PathBuf, *mut c_void)>>,
}

impl Libraries {
    /// `lib.hdll`'s handle, opening it on first use.
    fn get(&mut self, lib: &str) -> miette::Result<Option<(PathBuf, *mut c_void)>> {
        if let Some(h) = self.open.get(lib) {
            return Ok(h.clone());
        }
        let file = format!("{lib}.hdll");
        let found = self.dirs.iter().map(|d| d.join(&file)).find(|p| p.is_file());
        let opened = match found {
            None => None,
            Some(path) => {
                let c = CString::new(path.as_os_str().as_encoded_bytes())
                    .map_err(|_| miette::miette!("bad library path {}", path.display()))?;
                // SAFETY: a NUL-terminated path; the library's initialisers run here, as under hl.
                let h = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
                if h.is_null() {
                    return Err(miette::miette!(
                        code = "hlc::library",
                        "cannot load the native library {}: {}",
                        path.display(),
                        dl_error()
                    ));
                }
                Some((path, h))
            }
        };
        self.open.insert(lib.to_string(), opened.clone());
        Ok(opened)
    }
}

/// Resolves every native of `m`, the program at `input`. A library whose
/// `hlp_<name>` entry gives another signature than the program declares is
/// an error, as it is for `hl`.
pub fn resolve(m: &Module, input: &Path) -> miette::Result<Resolved> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    let exe = executable_range();
    let mut libs = Libraries { dirs: library_dirs(input), open: HashMap::new() };
    for (index, n) in m.natives.iter().enumerate() {
        let (lib_decl, name) = (m.str(n.lib), m.str(n.name));
        let lib = lib_decl.trim_start_matches('?');
        let mut searched = Vec::new();
        if lib != "std" {
            if let Some((path, h)) = libs.get(lib)? {
                if let Some(entry) = symbol(h, &format!("hlp_{name}")) {
                    let mut sign: *const c_char = std::ptr::null();
                    // SAFETY: an hlp_ entry (DEFINE_PRIM) returns the function and stores its signature.
                    let f = unsafe {
                        std::mem::transmute::<*mut c_void, unsafe extern "C" fn(*mut *const c_char) -> *mut c_void>(entry)(&mut sign)
                    };
                    let theirs = if sign.is_null() {
                        String::new()
                    } else {
                        // SAFETY: the library's signature is a NUL-terminated string.
                        unsafe { CStr::from_ptr(sign) }.to_string_lossy().into_owned()
                    };
                    let ours = native_signature(m, n.ty);
                    if theirs != ours {
                        return Err(miette::miette!(
                            code = "hlc::native_signature",
                            help = "rebuild the program or the library so that they agree",
                            "native {lib}@{name}: the program declares `{ours}`, {} defines it as `{theirs}` (hlp_{name})",
                            path.display()
                        ));
                    }
                    found.push((index, f.cast_const()));
                    continue;
                }
                searched.push(format!("{} (no hlp_{name})", path.display()));
            } else {
                searched.extend(libs.dirs.iter().map(|d| d.join(format!("{lib}.hdll")).display().to_string()));
            }
        }
        let sym = native_symbol(lib, &name);
        match symbol(libc::RTLD_DEFAULT, &sym).filter(|&p| exe.contains(&(p as usize))) {
            Some(p) => found.push((index, p.cast_const())),
            None => {
                searched.push(format!("the hlc runtime (symbol {sym})"));
                missing.push(Missing { index, name: format!("{lib}@{name}"), optional: is_optional(&lib_decl), searched });
            }
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
        help = "put the library (`<lib>.hdll`) next to the .hl file or in a directory of HLC_LIBRARY_PATH, or run with `--allow-missing-natives` to make each throw an exception when called",
        "{} native function(s) are not provided by the runtime or any library:\n{}",
        lines.len(),
        lines.join("\n")
    )
}
