//! [`super`] on POSIX systems (Linux, glibc or musl).

pub mod net;
pub mod process;

use std::ffi::c_void;
use std::ptr::null_mut;

/// `len` bytes of readable, writable (and, with `exec`, executable) memory,
/// zeroed; null on failure.
///
/// # Safety
/// The caller releases it with [`unmap`] and the same `len`.
pub unsafe fn map(len: usize, exec: bool) -> *mut u8 {
    let prot = libc::PROT_READ | libc::PROT_WRITE | if exec { libc::PROT_EXEC } else { 0 };
    let p = libc::mmap(null_mut(), len, prot, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE, -1, 0);
    if p == libc::MAP_FAILED {
        null_mut()
    } else {
        p.cast()
    }
}

/// Returns what [`map`], [`reserve`] or [`reserve_at`] gave (any whole
/// number of the ranges they returned, adjacent ones together).
///
/// # Safety
/// Nothing may use the memory afterwards.
pub unsafe fn unmap(p: *mut u8, len: usize) {
    libc::munmap(p.cast(), len);
}

/// Reserves `len` bytes of address space aligned to `align` (a power of
/// two), inaccessible until [`commit`]ted; null on failure.
///
/// # Safety
/// The caller releases it with [`unmap`].
pub unsafe fn reserve(len: usize, align: usize) -> *mut u8 {
    // Over-reserve by one alignment unit, then give back the unaligned head and tail.
    let p = libc::mmap(null_mut(), len + align, libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE, -1, 0);
    if p == libc::MAP_FAILED {
        return null_mut();
    }
    let base = p as usize;
    let aligned = (base + align - 1) & !(align - 1);
    if aligned > base {
        libc::munmap(p, aligned - base);
    }
    let tail = base + len + align - (aligned + len);
    if tail > 0 {
        libc::munmap((aligned + len) as *mut c_void, tail);
    }
    aligned as *mut u8
}

/// Reserves `[at, at + len)` exactly (inaccessible), or fails (the range is
/// taken, or the kernel ignores `MAP_FIXED_NOREPLACE`).
///
/// # Safety
/// The caller releases it with [`unmap`].
pub unsafe fn reserve_at(at: usize, len: usize) -> bool {
    let p = libc::mmap(
        at as *mut c_void,
        len,
        libc::PROT_NONE,
        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED_NOREPLACE,
        -1,
        0,
    );
    if p == libc::MAP_FAILED {
        return false;
    }
    if p as usize != at {
        libc::munmap(p, len);
        return false;
    }
    true
}

/// The lowest address at or above `lowest`, aligned to `align`, where `len`
/// bytes are unmapped (from `/proc/self/maps`): where a span that grows by
/// [`reserve_at`] can start.
pub fn free_gap(len: usize, lowest: usize, align: usize) -> Option<usize> {
    // `/proc` files report no size, so `fs::read_to_string` would start
    // from a 32-byte buffer and double it read by read (eight reads for a
    // hello world's map); room for a few hundred lines reads it in one.
    // (Reserving the whole range to test it instead would cost qemu-user
    // seconds: see `gc::heap`.)
    let mut maps = String::with_capacity(32 << 10);
    std::io::Read::read_to_string(&mut std::fs::File::open("/proc/self/maps").ok()?, &mut maps).ok()?;
    let mut ranges: Vec<(usize, usize)> = maps
        .lines()
        .filter_map(|l| {
            let (lo, hi) = l.split_whitespace().next()?.split_once('-')?;
            Some((usize::from_str_radix(lo, 16).ok()?, usize::from_str_radix(hi, 16).ok()?))
        })
        .collect();
    ranges.sort_unstable();
    let mut candidate = lowest;
    for (lo, hi) in ranges {
        if candidate.checked_add(len)? <= lo {
            return Some(candidate);
        }
        candidate = candidate.max((hi.checked_add(align - 1)?) & !(align - 1));
    }
    // Above the last mapping (the vsyscall page, if any, is the last line):
    // no room that is known to be user address space.
    None
}

/// Makes reserved memory readable and writable (zero where never touched).
///
/// # Safety
/// `[p, p + len)` lies in a reservation.
pub unsafe fn commit(p: *mut u8, len: usize) -> bool {
    libc::mprotect(p.cast(), len, libc::PROT_READ | libc::PROT_WRITE) == 0
}

/// Gives committed memory's pages back to the OS; they stay accessible and
/// read as zero.
///
/// # Safety
/// Nothing may rely on the range's contents.
pub unsafe fn discard(p: *mut u8, len: usize) {
    libc::madvise(p.cast(), len, libc::MADV_DONTNEED);
}

/// The operating system's id of the calling thread.
pub fn thread_id() -> i32 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::syscall(libc::SYS_gettid) as i32 }
}

/// The top (highest address) of the calling thread's stack, from pthread's
/// attributes, or null when unknown.
pub fn stack_top() -> *mut c_void {
    // SAFETY: the attribute object is initialised by pthread_getattr_np
    // before it is read, and destroyed once.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) == 0 {
            let mut addr = null_mut();
            let mut size = 0usize;
            let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
            libc::pthread_attr_destroy(&mut attr);
            if ok {
                return (addr as usize + size) as *mut _;
            }
        }
    }
    null_mut()
}

/// The calling thread's C `errno`.
pub fn errno() -> i32 {
    // SAFETY: `__errno_location` returns the calling thread's errno slot.
    unsafe { *libc::__errno_location() }
}

/// Sets the calling thread's C `errno`.
pub fn set_errno(v: i32) {
    // SAFETY: as above; the slot is writable by its own thread.
    unsafe { *libc::__errno_location() = v }
}

/// glibc's (and musl's) `jmp_buf`: registers, a flag and the signal mask.
#[cfg(target_arch = "x86_64")]
#[allow(non_camel_case_types)]
pub type jmp_buf = [u64; 25];
#[cfg(target_arch = "aarch64")]
#[allow(non_camel_case_types)]
pub type jmp_buf = [u64; 39];

/// The system's own stack walk: none here (callers walk the frame-pointer
/// chain, which every frame on POSIX targets keeps). See the Windows side.
#[inline]
pub fn capture_stack(_out: &mut [*mut c_void], _keep: impl Fn(usize) -> bool) -> Option<usize> {
    None
}

/// The C library as the natives use it: `libc`'s bindings as they are.
pub mod c {
    pub use libc::*;

    /// The C math library (linked by Rust's std on every Unix target).
    pub mod math {
        extern "C" {
            pub fn cos(x: f64) -> f64;
            pub fn sin(x: f64) -> f64;
            pub fn tan(x: f64) -> f64;
            pub fn acos(x: f64) -> f64;
            pub fn asin(x: f64) -> f64;
            pub fn atan(x: f64) -> f64;
            pub fn log(x: f64) -> f64;
            pub fn exp(x: f64) -> f64;
            pub fn sqrt(x: f64) -> f64;
            pub fn atan2(y: f64, x: f64) -> f64;
            pub fn pow(x: f64, y: f64) -> f64;
        }
    }
}

/// The running executable's path (`/proc/self/exe`, else `$_`).
pub fn exe_path() -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt as _;
    match std::fs::read_link("/proc/self/exe") {
        Ok(p) => Some(p.as_os_str().as_bytes().to_vec()),
        Err(_) => std::env::var_os("_").map(|v| v.as_bytes().to_vec()),
    }
}

/// One byte from stdin read in raw mode (no line buffering), echoed if asked.
pub fn get_char(echo: bool) -> i32 {
    // SAFETY: the terminal attributes are read before being modified and
    // restored after the read; getchar/putchar use C's own streams.
    unsafe {
        let fd = libc::STDIN_FILENO;
        let mut old: libc::termios = std::mem::zeroed();
        libc::tcgetattr(fd, &mut old);
        let mut term = old;
        libc::cfmakeraw(&mut term);
        libc::tcsetattr(fd, 0, &term);
        let c = libc::getchar();
        libc::tcsetattr(fd, 0, &old);
        if echo {
            libc::putchar(c);
        }
        c
    }
}

/// What `sys_command` returns for `system()`'s result: `exit status | signal << 8`.
pub fn command_status(status: i32) -> i32 {
    libc::WEXITSTATUS(status) | (libc::WTERMSIG(status) << 8)
}

/// Whether a `stat` mode has the directory bit (as libhl tests it).
pub fn mode_is_dir(mode: u32) -> bool {
    mode & libc::S_IFDIR != 0
}

/// `mkdir(path, mode)`.
///
/// # Safety
/// `path` is a NUL-terminated string.
pub unsafe fn mkdir(path: *const std::ffi::c_char, mode: i32) -> bool {
    libc::mkdir(path, mode as libc::mode_t) == 0
}

/// A directory's entry names in `readdir` order, without `.` and `..`.
///
/// # Safety
/// `path` is a NUL-terminated string.
pub unsafe fn read_dir(path: *const std::ffi::c_char) -> Option<Vec<Vec<u8>>> {
    let d = libc::opendir(path);
    if d.is_null() {
        return None;
    }
    let mut names = Vec::new();
    loop {
        let e = libc::readdir(d);
        if e.is_null() {
            break;
        }
        let name = std::ffi::CStr::from_ptr((*e).d_name.as_ptr()).to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        names.push(name.to_vec());
    }
    libc::closedir(d);
    Some(names)
}

/// The absolute path with links resolved (`realpath`).
///
/// # Safety
/// `path` is a NUL-terminated string.
pub unsafe fn full_path(path: *const std::ffi::c_char) -> Option<Vec<u8>> {
    let mut buf = [0 as std::ffi::c_char; libc::PATH_MAX as usize];
    if libc::realpath(path, buf.as_mut_ptr()).is_null() {
        return None;
    }
    Some(std::ffi::CStr::from_ptr(buf.as_ptr()).to_bytes().to_vec())
}

/// Sets the calling thread's `LC_TIME` locale.
///
/// # Safety
/// `l` is a NUL-terminated string.
pub unsafe fn set_time_locale(l: *const std::ffi::c_char) -> bool {
    let lc = libc::newlocale(libc::LC_TIME_MASK, l, null_mut());
    if lc.is_null() {
        return false;
    }
    let old = libc::uselocale(lc);
    if old.is_null() {
        libc::freelocale(lc);
        return false;
    }
    // glibc's LC_GLOBAL_LOCALE is ((locale_t) -1L).
    if old as isize != -1 {
        libc::freelocale(old);
    }
    true
}

/// User + system CPU time of the process, in seconds (clock-tick resolution).
pub fn process_cpu_time() -> f64 {
    let mut t = libc::tms { tms_utime: 0, tms_stime: 0, tms_cutime: 0, tms_cstime: 0 };
    // SAFETY: `t` is valid for writes; sysconf has no preconditions.
    let tck = unsafe {
        libc::times(&mut t);
        libc::sysconf(libc::_SC_CLK_TCK)
    };
    let tck = if tck > 0 { tck as f64 } else { 100.0 };
    (t.tms_utime + t.tms_stime) as f64 / tck
}

/// A path given as bytes (UTF-8 from Haxe) as the OS takes it.
pub fn path_from_bytes(b: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt as _;
    std::ffi::OsStr::from_bytes(b).into()
}

/// A path as bytes for Haxe.
pub fn path_to_bytes(p: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt as _;
    p.as_bytes().to_vec()
}

