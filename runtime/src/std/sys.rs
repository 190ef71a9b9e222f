//! `std/sys.c`: printing, environment, time, working directory,
//! simple file-system queries, process exit, and `hl_setup` (the host
//! configuration block of `hl.h`, read by `sys_args`, `sys_exit`, ...).
//!
//! What differs between operating systems is `crate::sys`'s. Paths and
//! environment strings are UTF-8 C strings
//! (`sys_utf8_path` is true; the Haxe side converts), except `sys_string`
//! which is UTF-16. Output goes through C's `stdout` stream and is flushed
//! after every `sys_print` (libhl's default `PR_AUTO_FLUSH`); other runtime
//! code should print with [`print_utf16`] / [`print_utf8`] to stay in order.
//!
//! Calls that may block (printing, sleeping, `system`, reading a key) run in
//! a GC blocking section (`hl_blocking`) as in libhl.

// The natives' contracts are those of hl.h; C types (time_t, ...) are cast explicitly for portability.
#![allow(clippy::missing_safety_doc, clippy::unnecessary_cast)]

use super::array::hl_alloc_array;
use super::number::f64_to_i32;
use super::{alloc_bytes_copy, raise_error, ucs2};
use crate::abi::*;
use crate::sys::c;
use crate::gc::hl_blocking;
use ::std::ffi::{c_char, c_void, CStr};
use ::std::sync::atomic::{AtomicI32, Ordering};

/// `hl_setup_t` of `hl.h`: hooks and settings given by the program's entry point.
#[repr(C)]
pub struct hl_setup_t {
    pub file_path: *mut c_char,
    pub sys_args: *mut *mut c_char,
    pub sys_nargs: i32,
    /// `void (*)(jmp_buf, int)`.
    pub throw_jump: Option<unsafe extern "C" fn(*mut c_void, i32)>,
    pub resolve_symbol: Option<unsafe extern "C" fn(*mut c_void, *mut uchar, *mut i32) -> *mut uchar>,
    pub capture_stack: Option<unsafe extern "C" fn(*mut *mut c_void, i32) -> i32>,
    pub reload_check: Option<unsafe extern "C" fn(*mut vbyte) -> bool>,
    pub static_call:
        Option<unsafe extern "C" fn(*mut c_void, *mut hl_type, *mut *mut c_void, *mut vdynamic) -> *mut c_void>,
    pub get_wrapper: Option<unsafe extern "C" fn(*mut hl_type) -> *mut c_void>,
    pub profile_event: Option<unsafe extern "C" fn(i32, *mut vbyte, i32)>,
    pub before_exit: Option<unsafe extern "C" fn()>,
    pub vtune_init: Option<unsafe extern "C" fn()>,
    pub load_plugin: Option<unsafe extern "C" fn(*mut c_char) -> bool>,
    pub resolve_type: Option<unsafe extern "C" fn(*mut hl_type, *mut hl_type) -> *mut vdynamic>,
    pub static_call_ref: bool,
    pub closure_stack_capture: i32,
    pub is_debugger_enabled: bool,
    pub is_debugger_attached: bool,
}

/// `hl_setup`: filled in by the entry point before any HL code runs
/// (`sys_args`/`sys_nargs`: the program arguments after the executable name,
/// owned by the runtime context). A fixed symbol of libhl's ABI that native
/// libraries may read; the runtime context resets it when dropped.
#[no_mangle]
pub static mut hl_setup: hl_setup_t = hl_setup_t::EMPTY;

impl hl_setup_t {
    /// No hooks, no arguments: what a fresh process has.
    pub const EMPTY: hl_setup_t = hl_setup_t {
        file_path: ::std::ptr::null_mut(),
        sys_args: ::std::ptr::null_mut(),
        sys_nargs: 0,
        throw_jump: None,
        resolve_symbol: None,
        capture_stack: None,
        reload_check: None,
        static_call: None,
        get_wrapper: None,
        profile_event: None,
        before_exit: None,
        vtune_init: None,
        load_plugin: None,
        resolve_type: None,
        static_call_ref: false,
        closure_stack_capture: 0,
        is_debugger_enabled: false,
        is_debugger_attached: false,
    };
}

fn setup() -> *mut hl_setup_t {
    ::std::ptr::addr_of_mut!(hl_setup)
}

/// Resets `hl_setup` to [`hl_setup_t::EMPTY`] (when the runtime context that
/// filled it is dropped).
///
/// # Safety
/// No HL code or native may be reading it.
pub(crate) unsafe fn reset_setup() {
    *setup() = hl_setup_t::EMPTY;
}

/// The `sys` state of a runtime context: the program's arguments (copied;
/// `hl_setup.sys_args` points into them) and the print flags.
pub struct SysState {
    args: ::std::sync::Mutex<(Vec<::std::ffi::CString>, Vec<usize>)>,
    print_flags: AtomicI32,
}

impl Default for SysState {
    fn default() -> SysState {
        SysState { args: Default::default(), print_flags: AtomicI32::new(PR_AUTO_FLUSH) }
    }
}

impl SysState {
    /// Copies the program arguments and points `hl_setup` at them.
    ///
    /// # Safety
    /// Before any HL code runs.
    pub(crate) unsafe fn set_args(&self, args: &[&CStr]) {
        let mut a = self.args.lock().unwrap_or_else(|e| e.into_inner());
        a.0 = args.iter().map(|s| (*s).to_owned()).collect();
        a.1 = a.0.iter().map(|s| s.as_ptr() as usize).collect();
        let s = setup();
        (*s).sys_nargs = a.1.len() as i32;
        (*s).sys_args = if a.1.is_empty() { ::std::ptr::null_mut() } else { a.1.as_mut_ptr() as *mut *mut c_char };
    }
}

// ---------------------------------------------------------------------------
// Printing.

const PR_AUTO_FLUSH: i32 = 2;

/// Prints UTF-8 bytes on C's stdout, flushing as `sys_print` does.
pub fn print_utf8(bytes: &[u8]) {
    ucs2::write_stdout(bytes);
    if crate::context::rt().sys.print_flags.load(Ordering::Relaxed) & PR_AUTO_FLUSH != 0 {
        ucs2::flush_stdout();
    }
}

/// Prints a NUL-terminated UTF-16 string as `sys_print` does.
pub unsafe fn print_utf16(s: *const u16) {
    print_utf8(&ucs2::ucs2_to_utf8_bytes(s));
}

/// `sys_print`: the UTF-16 string as UTF-8 on stdout, then `fflush`.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_print(msg: *mut vbyte) {
    let bytes = ucs2::ucs2_to_utf8_bytes(msg as *const u16);
    hl_blocking(true);
    print_utf8(&bytes);
    hl_blocking(false);
}

/// `sys_set_flags`: 2 = flush after each print (default), 1 = Windows UTF-8 console.
#[no_mangle]
pub extern "C" fn hl_sys_set_flags(flags: i32) -> i32 {
    crate::context::rt().sys.print_flags.store(flags, Ordering::Relaxed);
    flags
}

// ---------------------------------------------------------------------------
// Platform.

#[no_mangle]
pub extern "C" fn hl_sys_utf8_path() -> bool {
    true
}

/// `sys_string`: the system's name as `hl` reports it (`crate::sys::SYSTEM_NAME`:
/// `"Linux"`, `"Windows"`), UTF-16, allocated once.
#[no_mangle]
pub extern "C" fn hl_sys_string() -> *mut vbyte {
    static NAME: ::std::sync::OnceLock<Vec<u16>> = ::std::sync::OnceLock::new();
    NAME.get_or_init(|| crate::sys::SYSTEM_NAME.encode_utf16().chain([0]).collect()).as_ptr() as *mut vbyte
}

/// `sys_locale`: `$LANG` (UTF-8) or null.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_locale() -> *mut vbyte {
    c::getenv(c"LANG".as_ptr()) as *mut vbyte
}

#[no_mangle]
pub extern "C" fn hl_sys_is64() -> bool {
    cfg!(target_pointer_width = "64")
}

#[no_mangle]
pub extern "C" fn hl_sys_init() {}

#[no_mangle]
pub extern "C" fn hl_sys_getpid() -> i32 {
    // SAFETY: getpid has no preconditions.
    unsafe { c::getpid() }
}

/// `sys_exit`: runs `hl_setup.before_exit`, then C's `exit` (flushing
/// stdio). In an embedded VM it never exits the host: it unwinds to the API
/// call running on this thread, or ends the program thread calling it.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_exit(code: i32) {
    if let Some(f) = (*setup()).before_exit {
        f();
    }
    crate::embed::exit_unwind(code);
    if crate::context::try_rt().is_some_and(|r| r.embed.is_some()) {
        // A thread without any trap (started by a native): it goes on.
        return;
    }
    c::exit(code);
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_profile_event(code: i32, data: *mut vbyte, len: i32) {
    if let Some(f) = (*setup()).profile_event {
        f(code, data, len);
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_vtune_init() {
    if let Some(f) = (*setup()).vtune_init {
        f();
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_load_plugin(file: *mut vbyte) -> bool {
    // The path arrives as UTF-16 and is converted to UTF-8 as on every UTF-8-path platform.
    let f = super::string::hl_to_utf8(file as *const uchar);
    match (*setup()).load_plugin {
        Some(l) => l(f),
        None => false,
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_resolve_type(t: *mut hl_type, gt: *mut hl_type) -> *mut vdynamic {
    match (*setup()).resolve_type {
        Some(f) => f(t, gt),
        None => ::std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_hl_file() -> *mut vbyte {
    (*setup()).file_path as *mut vbyte
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_check_reload(alt: *mut vbyte) -> bool {
    match (*setup()).reload_check {
        Some(f) => f(alt),
        None => false,
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_has_debugger() -> bool {
    (*setup()).is_debugger_attached
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_special(_key: *const c_char) -> *const c_char {
    raise_error("Unknown sys_special key")
}

/// `sys_args`: the arguments in `hl_setup` (UTF-8 C strings, not copied).
#[no_mangle]
pub unsafe extern "C" fn hl_sys_args() -> *mut varray {
    let s = setup();
    let n = (*s).sys_nargs.max(0);
    let a = hl_alloc_array(hlt_bytes.get(), n);
    let out = varray::data(a) as *mut *mut c_char;
    for i in 0..n as usize {
        *out.add(i) = *(*s).sys_args.add(i);
    }
    a
}

// ---------------------------------------------------------------------------
// Time.

/// `sys_time`: seconds since the epoch, microsecond resolution.
#[no_mangle]
pub extern "C" fn hl_sys_time() -> f64 {
    let mut tv = c::timeval { tv_sec: 0, tv_usec: 0 };
    // SAFETY: `tv` is a valid timeval to write; the time zone argument may be null.
    if unsafe { c::gettimeofday(&mut tv, ::std::ptr::null_mut()) } != 0 {
        return 0.0;
    }
    tv.tv_sec as f64 + tv.tv_usec as f64 / 1000000.0
}

/// `sys_timestamp_ms`: monotonic milliseconds.
#[no_mangle]
pub extern "C" fn hl_sys_timestamp_ms() -> i64 {
    let mut ts = c::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec to write.
    if unsafe { c::clock_gettime(c::CLOCK_MONOTONIC, &mut ts) } != 0 {
        return 0;
    }
    ts.tv_sec as i64 * 1000 + ts.tv_nsec as i64 / 1000000
}

/// `sys_cpu_time`: user + system CPU time of the process, in clock ticks / `CLK_TCK`.
#[no_mangle]
pub extern "C" fn hl_sys_cpu_time() -> f64 {
    crate::sys::process_cpu_time()
}

#[no_mangle]
pub extern "C" fn hl_sys_thread_cpu_time() -> f64 {
    let mut ts = c::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec to write.
    if unsafe { c::clock_gettime(c::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// `sys_sleep`: seconds (fractional).
#[no_mangle]
pub extern "C" fn hl_sys_sleep(f: f64) {
    let sec = f64_to_i32(f);
    let nsec = f64_to_i32((f - sec as f64) * 1e9);
    let t = c::timespec { tv_sec: sec as _, tv_nsec: nsec as _ };
    hl_blocking(true);
    // SAFETY: `t` is a valid timespec; the remainder argument may be null.
    unsafe { c::nanosleep(&t, ::std::ptr::null_mut()) };
    hl_blocking(false);
}

/// `sys_set_time_locale`: the `LC_TIME` locale of this thread.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_set_time_locale(l: *mut vbyte) -> bool {
    crate::sys::set_time_locale(l as *const c_char)
}

// ---------------------------------------------------------------------------
// Environment and working directory.

unsafe fn cstr_copy(s: &[u8]) -> *mut vbyte {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s);
    v.push(0);
    alloc_bytes_copy(&v)
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_get_env(v: *mut vbyte) -> *mut vbyte {
    c::getenv(v as *const c_char) as *mut vbyte
}

/// `sys_put_env`: `setenv`, or `unsetenv` when `v` is null.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_put_env(e: *mut vbyte, v: *mut vbyte) -> bool {
    if v.is_null() {
        return c::unsetenv(e as *const c_char) == 0;
    }
    c::setenv(e as *const c_char, v as *const c_char, 1) == 0
}


/// `sys_env`: `[name0, value0, name1, value1, ...]` (UTF-8 copies).
#[no_mangle]
pub unsafe extern "C" fn hl_sys_env() -> *mut varray {
    let mut pairs: Vec<(&[u8], &[u8])> = Vec::new();
    let mut e = hlrt_c::hlc_c_environ();
    while !e.is_null() && !(*e).is_null() {
        let s = CStr::from_ptr(*e).to_bytes();
        if let Some(p) = s.iter().position(|&b| b == b'=') {
            pairs.push((&s[..p], &s[p + 1..]));
        }
        e = e.add(1);
    }
    let a = hl_alloc_array(hlt_bytes.get(), pairs.len() as i32 * 2);
    let out = varray::data(a) as *mut *mut vbyte;
    for (i, (k, v)) in pairs.iter().enumerate() {
        *out.add(2 * i) = cstr_copy(k);
        *out.add(2 * i + 1) = cstr_copy(v);
    }
    a
}

/// `sys_get_cwd`: the working directory with a trailing `/` (null if longer than 255 bytes).
#[no_mangle]
pub unsafe extern "C" fn hl_sys_get_cwd() -> *mut vbyte {
    let mut buf = [0u8; 258];
    if c::getcwd(buf.as_mut_ptr().cast(), 256).is_null() {
        return ::std::ptr::null_mut();
    }
    let mut l = buf.iter().position(|&b| b == 0).unwrap_or(0);
    if l > 0 && buf[l - 1] != b'/' && buf[l - 1] != b'\\' {
        buf[l] = b'/';
        l += 1;
    }
    cstr_copy(&buf[..l])
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_set_cwd(dir: *mut vbyte) -> bool {
    c::chdir(dir as *const c_char) == 0
}

/// `sys_exe_path`: `/proc/self/exe`, else `$_`.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_exe_path() -> *mut vbyte {
    match crate::sys::exe_path() {
        Some(p) => cstr_copy(&p),
        None => ::std::ptr::null_mut(),
    }
}

#[no_mangle]
pub extern "C" fn hl_sys_process_memory() -> f64 {
    0.0
}

/// `sys_get_char`: one byte from stdin in raw mode, echoed if asked.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_get_char(echo: bool) -> i32 {
    hl_blocking(true);
    let c = crate::sys::get_char(echo);
    hl_blocking(false);
    c
}

// ---------------------------------------------------------------------------
// Processes and files (simple queries).

/// `sys_command`: `system(cmd)`, giving `exit status | signal << 8`.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_command(cmd: *mut vbyte) -> i32 {
    hl_blocking(true);
    let status = c::system(cmd as *const c_char);
    hl_blocking(false);
    crate::sys::command_status(status)
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_exists(path: *mut vbyte) -> bool {
    let mut st: c::stat = ::std::mem::zeroed();
    c::stat(path as *const c_char, &mut st) == 0
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_delete(path: *mut vbyte) -> bool {
    c::unlink(path as *const c_char) == 0
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_rename(path: *mut vbyte, newname: *mut vbyte) -> bool {
    c::rename(path as *const c_char, newname as *const c_char) == 0
}

/// `sys_stat`: `[gid, uid, atime, mtime, ctime, size, dev, ino, nlink, rdev, mode, 0]`
/// (each truncated to 32 bits), or null.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_stat(path: *mut vbyte) -> *mut varray {
    let mut s: c::stat = ::std::mem::zeroed();
    if c::stat(path as *const c_char, &mut s) != 0 {
        return ::std::ptr::null_mut();
    }
    let a = hl_alloc_array(hlt_i32.get(), 12);
    let out = varray::data(a) as *mut i32;
    let vals = [
        s.st_gid as i32,
        s.st_uid as i32,
        s.st_atime as i32,
        s.st_mtime as i32,
        s.st_ctime as i32,
        s.st_size as i32,
        s.st_dev as i32,
        s.st_ino as i32,
        s.st_nlink as i32,
        s.st_rdev as i32,
        s.st_mode as i32,
    ];
    for (i, v) in vals.iter().enumerate() {
        *out.add(i) = *v;
    }
    a
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_is_dir(path: *mut vbyte) -> bool {
    let mut s: c::stat = ::std::mem::zeroed();
    if c::stat(path as *const c_char, &mut s) != 0 {
        return false;
    }
    crate::sys::mode_is_dir(s.st_mode as u32)
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_create_dir(path: *mut vbyte, mode: i32) -> bool {
    crate::sys::mkdir(path as *const c_char, mode)
}

#[no_mangle]
pub unsafe extern "C" fn hl_sys_remove_dir(path: *mut vbyte) -> bool {
    c::rmdir(path as *const c_char) == 0
}

/// `sys_read_dir`: entry names in `readdir` order without `.` and `..`, or null.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_read_dir(path: *mut vbyte) -> *mut varray {
    // Names stay in Rust memory until the array exists: GC copies held only in
    // a Rust Vec would be invisible to the collector.
    let Some(names) = crate::sys::read_dir(path as *const c_char) else {
        return ::std::ptr::null_mut();
    };
    // libhl grows the array by doubling from 16 and then shrinks `size`; only `size` is observable.
    let a = hl_alloc_array(hlt_bytes.get(), names.len() as i32);
    let out = varray::data(a) as *mut *mut vbyte;
    for (i, n) in names.iter().enumerate() {
        *out.add(i) = cstr_copy(n);
    }
    a
}

/// `sys_full_path`: `realpath`, or null.
#[no_mangle]
pub unsafe extern "C" fn hl_sys_full_path(path: *mut vbyte) -> *mut vbyte {
    match crate::sys::full_path(path as *const c_char) {
        Some(p) => cstr_copy(&p),
        None => ::std::ptr::null_mut(),
    }
}
