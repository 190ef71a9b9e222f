//! The C library as the natives use it, on Windows: `libc`'s msvcrt
//! bindings, plus what POSIX has and msvcrt lacks, from MinGW-w64 —
//! winpthreads (threads, mutexes, conditions, semaphores, thread-specific
//! data, `clock_gettime`, `nanosleep`, linked statically) — and thin
//! wrappers over msvcrt's equivalents (`localtime_r` over `_localtime64_s`,
//! `fseeko` over `_fseeki64`, `setenv` over `_putenv_s`, ...). Types follow
//! MinGW-w64's headers (`pthread.h`, `semaphore.h`, `pthread_time.h`).
#![allow(non_camel_case_types)]

pub use libc::*;

// ---- winpthreads ----------------------------------------------------------

pub type pthread_t = usize;
pub type pthread_mutex_t = isize;
pub type pthread_cond_t = isize;
pub type pthread_mutexattr_t = u32;
pub type pthread_key_t = u32;
pub type sem_t = *mut c_void;
pub type clockid_t = c_int;

#[repr(C)]
pub struct pthread_attr_t {
    p_state: c_uint,
    stack: *mut c_void,
    s_size: size_t,
    sched_priority: c_int,
}

/// winpthreads' static initialisers (`GENERIC_INITIALIZER`).
pub const PTHREAD_MUTEX_INITIALIZER: pthread_mutex_t = -1;
pub const PTHREAD_COND_INITIALIZER: pthread_cond_t = -1;
pub const PTHREAD_MUTEX_RECURSIVE: c_int = 2;
pub const PTHREAD_CREATE_DETACHED: c_int = 0x04;
pub const CLOCK_REALTIME: clockid_t = 0;
pub const CLOCK_MONOTONIC: clockid_t = 1;
pub const CLOCK_PROCESS_CPUTIME_ID: clockid_t = 2;
pub const CLOCK_THREAD_CPUTIME_ID: clockid_t = 3;

extern "C" {
    pub fn pthread_mutexattr_init(a: *mut pthread_mutexattr_t) -> c_int;
    pub fn pthread_mutexattr_settype(a: *mut pthread_mutexattr_t, kind: c_int) -> c_int;
    pub fn pthread_mutexattr_destroy(a: *mut pthread_mutexattr_t) -> c_int;
    pub fn pthread_mutex_init(m: *mut pthread_mutex_t, a: *const pthread_mutexattr_t) -> c_int;
    pub fn pthread_mutex_lock(m: *mut pthread_mutex_t) -> c_int;
    pub fn pthread_mutex_trylock(m: *mut pthread_mutex_t) -> c_int;
    pub fn pthread_mutex_unlock(m: *mut pthread_mutex_t) -> c_int;
    pub fn pthread_mutex_destroy(m: *mut pthread_mutex_t) -> c_int;
    pub fn pthread_cond_wait(c: *mut pthread_cond_t, m: *mut pthread_mutex_t) -> c_int;
    pub fn pthread_cond_timedwait(c: *mut pthread_cond_t, m: *mut pthread_mutex_t, t: *const timespec) -> c_int;
    pub fn pthread_cond_signal(c: *mut pthread_cond_t) -> c_int;
    pub fn pthread_cond_broadcast(c: *mut pthread_cond_t) -> c_int;
    pub fn pthread_cond_destroy(c: *mut pthread_cond_t) -> c_int;
    pub fn sem_init(s: *mut sem_t, pshared: c_int, value: c_uint) -> c_int;
    pub fn sem_destroy(s: *mut sem_t) -> c_int;
    pub fn sem_wait(s: *mut sem_t) -> c_int;
    pub fn sem_trywait(s: *mut sem_t) -> c_int;
    pub fn sem_timedwait(s: *mut sem_t, t: *const timespec) -> c_int;
    pub fn sem_post(s: *mut sem_t) -> c_int;
    pub fn pthread_key_create(k: *mut pthread_key_t, dtor: Option<unsafe extern "C" fn(*mut c_void)>) -> c_int;
    pub fn pthread_key_delete(k: pthread_key_t) -> c_int;
    pub fn pthread_setspecific(k: pthread_key_t, v: *const c_void) -> c_int;
    pub fn pthread_getspecific(k: pthread_key_t) -> *mut c_void;
    pub fn pthread_self() -> pthread_t;
    pub fn pthread_attr_init(a: *mut pthread_attr_t) -> c_int;
    pub fn pthread_attr_setdetachstate(a: *mut pthread_attr_t, state: c_int) -> c_int;
    pub fn pthread_attr_destroy(a: *mut pthread_attr_t) -> c_int;
    pub fn pthread_create(
        t: *mut pthread_t,
        a: *const pthread_attr_t,
        f: extern "C" fn(*mut c_void) -> *mut c_void,
        arg: *mut c_void,
    ) -> c_int;
    pub fn pthread_setname_np(t: pthread_t, name: *const c_char) -> c_int;
    pub fn sched_yield() -> c_int;
    pub fn clock_gettime(clock: clockid_t, t: *mut timespec) -> c_int;
    pub fn nanosleep(req: *const timespec, rem: *mut timespec) -> c_int;
}

// ---- math ------------------------------------------------------------------

/// The math natives' functions: MinGW-w64's `sin` and friends are x87
/// `fsin`-based (`sin(PI)` is off from the 5th digit), where `hl` on Windows
/// has the MSVC runtime's accurate ones; the `libm` crate (musl's, from
/// FreeBSD's msun) gives the results glibc gives on Linux.
pub mod math {
    macro_rules! via_libm {
        ($($name:ident($($a:ident),*);)*) => {$(
            /// # Safety
            /// None (`unsafe` to match the C declarations on Linux).
            pub unsafe fn $name($($a: f64),*) -> f64 {
                libm::$name($($a),*)
            }
        )*};
    }
    via_libm! {
        cos(x); sin(x); tan(x); acos(x); asin(x); atan(x); log(x); exp(x); sqrt(x); atan2(y, x); pow(x, y);
    }
}

// ---- msvcrt equivalents -----------------------------------------------------

/// msvcrt's 64-bit file offsets.
pub type off_t = i64;

extern "C" {
    fn _localtime64_s(out: *mut tm, t: *const time_t) -> c_int;
    fn _gmtime64_s(out: *mut tm, t: *const time_t) -> c_int;
    #[link_name = "_mktime64"]
    pub fn mktime(t: *mut tm) -> time_t;
    pub fn strftime(out: *mut c_char, max: size_t, fmt: *const c_char, t: *const tm) -> size_t;
    pub fn clearerr(f: *mut FILE);
    #[link_name = "_fseeki64"]
    pub fn fseeko(f: *mut FILE, off: off_t, whence: c_int) -> c_int;
    #[link_name = "_ftelli64"]
    pub fn ftello(f: *mut FILE) -> off_t;
    fn _putenv_s(name: *const c_char, value: *const c_char) -> c_int;
}

/// POSIX `localtime_r` over `_localtime64_s`.
///
/// # Safety
/// Both pointers are valid.
pub unsafe fn localtime_r(t: *const time_t, out: *mut tm) -> *mut tm {
    if _localtime64_s(out, t) == 0 {
        out
    } else {
        std::ptr::null_mut()
    }
}

/// POSIX `gmtime_r` over `_gmtime64_s`.
///
/// # Safety
/// Both pointers are valid.
pub unsafe fn gmtime_r(t: *const time_t, out: *mut tm) -> *mut tm {
    if _gmtime64_s(out, t) == 0 {
        out
    } else {
        std::ptr::null_mut()
    }
}

/// POSIX `setenv` (always overwriting) over `_putenv_s`.
///
/// # Safety
/// Both are NUL-terminated strings.
pub unsafe fn setenv(name: *const c_char, value: *const c_char, _overwrite: c_int) -> c_int {
    _putenv_s(name, value)
}

/// POSIX `unsetenv`: `_putenv_s` with an empty value removes the variable.
///
/// # Safety
/// `name` is a NUL-terminated string.
pub unsafe fn unsetenv(name: *const c_char) -> c_int {
    _putenv_s(name, c"".as_ptr())
}

/// POSIX `gettimeofday` from the system clock.
///
/// # Safety
/// `tv` is valid for writes.
pub unsafe fn gettimeofday(tv: *mut timeval, _tz: *mut c_void) -> c_int {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    (*tv).tv_sec = d.as_secs() as c_long;
    (*tv).tv_usec = d.subsec_micros() as c_long;
    0
}

// ---- UTF-8 paths --------------------------------------------------------------
// The natives get paths as UTF-8 (`sys_utf8_path` is true); msvcrt's narrow
// functions would read them in the ANSI code page. These take UTF-8 and call
// the UTF-16 (`_w`) functions, so any file name works.

extern "C" {
    fn _wfopen(name: *const u16, mode: *const u16) -> *mut FILE;
    fn _wstat64(name: *const u16, buf: *mut stat) -> c_int;
    fn _wunlink(name: *const u16) -> c_int;
    fn _wrename(from: *const u16, to: *const u16) -> c_int;
    fn _wrmdir(name: *const u16) -> c_int;
    fn _wchdir(name: *const u16) -> c_int;
}

/// A NUL-terminated UTF-8 string as NUL-terminated UTF-16.
unsafe fn wide(s: *const c_char) -> Vec<u16> {
    let bytes = std::ffi::CStr::from_ptr(s).to_bytes();
    String::from_utf8_lossy(bytes).encode_utf16().chain([0]).collect()
}

/// `fopen` with a UTF-8 name.
///
/// # Safety
/// Both are NUL-terminated strings.
pub unsafe fn fopen(name: *const c_char, mode: *const c_char) -> *mut FILE {
    _wfopen(wide(name).as_ptr(), wide(mode).as_ptr())
}

/// `stat` with a UTF-8 name.
///
/// # Safety
/// `name` is NUL-terminated; `buf` valid for writes.
pub unsafe fn stat(name: *const c_char, buf: *mut stat) -> c_int {
    _wstat64(wide(name).as_ptr(), buf)
}

/// Runs `op`; if Windows refused it because a file is open (`EACCES`: a
/// file open anywhere cannot be deleted or renamed, as it can on POSIX),
/// runs a full collection, whose finalizers close the files the program
/// dropped, and tries once more.
fn retry_after_gc(op: impl Fn() -> c_int) -> c_int {
    let r = op();
    if r == 0 || super::errno() != EACCES {
        return r;
    }
    crate::gc::collect();
    op()
}

/// `unlink` with a UTF-8 name (see [`retry_after_gc`]).
///
/// # Safety
/// `name` is NUL-terminated.
pub unsafe fn unlink(name: *const c_char) -> c_int {
    let name = wide(name);
    // SAFETY: `name` is a NUL-terminated UTF-16 string.
    retry_after_gc(|| unsafe { _wunlink(name.as_ptr()) })
}

/// `rename` with UTF-8 names (see [`retry_after_gc`]).
///
/// # Safety
/// Both are NUL-terminated.
pub unsafe fn rename(from: *const c_char, to: *const c_char) -> c_int {
    let (from, to) = (wide(from), wide(to));
    // SAFETY: both are NUL-terminated UTF-16 strings.
    retry_after_gc(|| unsafe { _wrename(from.as_ptr(), to.as_ptr()) })
}

/// `rmdir` with a UTF-8 name.
///
/// # Safety
/// `name` is NUL-terminated.
pub unsafe fn rmdir(name: *const c_char) -> c_int {
    _wrmdir(wide(name).as_ptr())
}

/// `chdir` with a UTF-8 name.
///
/// # Safety
/// `name` is NUL-terminated.
pub unsafe fn chdir(name: *const c_char) -> c_int {
    _wchdir(wide(name).as_ptr())
}
