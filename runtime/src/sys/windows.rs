//! [`super`] on Windows (x86-64, MinGW-w64's C runtime over msvcrt.dll).
//! Win32 functions are declared here, by hand, from kernel32's documented
//! signatures (MinGW's import libraries provide them).

pub mod c;
pub mod net;
pub mod process;
mod quote;

use std::ffi::c_void;
use std::ptr::null_mut;

const MEM_COMMIT: u32 = 0x1000;
const MEM_RESERVE: u32 = 0x2000;
const MEM_DECOMMIT: u32 = 0x4000;
const MEM_RELEASE: u32 = 0x8000;
const PAGE_NOACCESS: u32 = 0x01;
const PAGE_READWRITE: u32 = 0x04;
const PAGE_EXECUTE_READWRITE: u32 = 0x40;

#[repr(C)]
struct MemoryBasicInformation {
    base_address: *mut c_void,
    allocation_base: *mut c_void,
    allocation_protect: u32,
    partition_id: u16,
    region_size: usize,
    state: u32,
    protect: u32,
    kind: u32,
}

extern "system" {
    fn VirtualAlloc(addr: *mut c_void, size: usize, kind: u32, protect: u32) -> *mut c_void;
    fn VirtualFree(addr: *mut c_void, size: usize, kind: u32) -> i32;
    fn VirtualQuery(addr: *const c_void, info: *mut MemoryBasicInformation, len: usize) -> usize;
    fn GetCurrentThreadId() -> u32;
    fn GetCurrentThreadStackLimits(low: *mut usize, high: *mut usize);
    fn RtlCaptureStackBackTrace(skip: u32, count: u32, frames: *mut *mut c_void, hash: *mut u32) -> u16;
}

extern "C" {
    /// msvcrt: the calling thread's errno slot.
    fn _errno() -> *mut i32;
}

/// `len` bytes of readable, writable (and, with `exec`, executable) memory,
/// zeroed; null on failure.
///
/// # Safety
/// The caller releases it with [`unmap`] and the same `len`.
pub unsafe fn map(len: usize, exec: bool) -> *mut u8 {
    let prot = if exec { PAGE_EXECUTE_READWRITE } else { PAGE_READWRITE };
    VirtualAlloc(null_mut(), len, MEM_RESERVE | MEM_COMMIT, prot).cast()
}

/// Returns what [`map`], [`reserve`] or [`reserve_at`] gave (any whole
/// number of the ranges they returned, adjacent ones together). Windows
/// releases whole allocations only: each one in the range is released.
///
/// # Safety
/// Nothing may use the memory afterwards.
pub unsafe fn unmap(p: *mut u8, len: usize) {
    let end = p as usize + len;
    let mut addr = p as usize;
    while addr < end {
        let mut q: MemoryBasicInformation = std::mem::zeroed();
        if VirtualQuery(addr as *const c_void, &mut q, std::mem::size_of::<MemoryBasicInformation>()) == 0 {
            return;
        }
        let base = q.allocation_base;
        // Skip the rest of this allocation (regions never span two).
        loop {
            addr = q.base_address as usize + q.region_size;
            if addr >= end
                || VirtualQuery(addr as *const c_void, &mut q, std::mem::size_of::<MemoryBasicInformation>()) == 0
                || q.allocation_base != base
            {
                break;
            }
        }
        if !base.is_null() {
            VirtualFree(base, 0, MEM_RELEASE);
        }
    }
}

/// Reserves `len` bytes of address space aligned to `align` (a power of
/// two), inaccessible until [`commit`]ted; null on failure.
///
/// # Safety
/// The caller releases it with [`unmap`].
pub unsafe fn reserve(len: usize, align: usize) -> *mut u8 {
    // Windows cannot release part of a reservation: find an aligned address
    // by over-reserving, then reserve exactly there (retrying if another
    // thread took it meanwhile).
    for _ in 0..8 {
        let p = VirtualAlloc(null_mut(), len + align, MEM_RESERVE, PAGE_NOACCESS);
        if p.is_null() {
            return null_mut();
        }
        let aligned = (p as usize + align - 1) & !(align - 1);
        VirtualFree(p, 0, MEM_RELEASE);
        let q = VirtualAlloc(aligned as *mut c_void, len, MEM_RESERVE, PAGE_NOACCESS);
        if q as usize == aligned {
            return q.cast();
        }
        if !q.is_null() {
            VirtualFree(q, 0, MEM_RELEASE);
        }
    }
    null_mut()
}

/// Reserves `[at, at + len)` exactly (inaccessible), or fails.
///
/// # Safety
/// The caller releases it with [`unmap`].
pub unsafe fn reserve_at(at: usize, len: usize) -> bool {
    let p = VirtualAlloc(at as *mut c_void, len, MEM_RESERVE, PAGE_NOACCESS);
    if p.is_null() {
        return false;
    }
    if p as usize != at {
        VirtualFree(p, 0, MEM_RELEASE);
        return false;
    }
    true
}

/// Where a growing span could start: on Windows reserving address space
/// costs nothing, so the heap reserves its whole span at once instead.
pub fn free_gap(_len: usize, _lowest: usize, _align: usize) -> Option<usize> {
    None
}

/// Makes reserved memory readable and writable (zero where never touched).
///
/// # Safety
/// `[p, p + len)` lies in a reservation.
pub unsafe fn commit(p: *mut u8, len: usize) -> bool {
    !VirtualAlloc(p.cast(), len, MEM_COMMIT, PAGE_READWRITE).is_null()
}

/// Gives committed memory's pages back to the OS; they stay accessible and
/// read as zero (decommitted, then committed again: fresh zero pages on
/// first touch).
///
/// # Safety
/// Nothing may rely on the range's contents.
pub unsafe fn discard(p: *mut u8, len: usize) {
    if VirtualFree(p.cast(), len, MEM_DECOMMIT) != 0 && !commit(p, len) {
        crate::gc::out_of_memory("recommitting freed heap pages");
    }
}

/// The operating system's id of the calling thread.
pub fn thread_id() -> i32 {
    // SAFETY: no preconditions.
    unsafe { GetCurrentThreadId() as i32 }
}

/// The top (highest address) of the calling thread's stack.
pub fn stack_top() -> *mut c_void {
    let (mut low, mut high) = (0usize, 0usize);
    // SAFETY: both pointers are valid for writes.
    unsafe { GetCurrentThreadStackLimits(&mut low, &mut high) };
    high as *mut c_void
}

/// The calling thread's C `errno`.
pub fn errno() -> i32 {
    // SAFETY: `_errno` returns the calling thread's errno slot.
    unsafe { *_errno() }
}

/// Sets the calling thread's C `errno`.
pub fn set_errno(v: i32) {
    // SAFETY: as above; the slot is writable by its own thread.
    unsafe { *_errno() = v }
}

extern "C" {
    fn _getch() -> i32;
    fn _getche() -> i32;
    #[link_name = "_mkdir"]
    fn c_mkdir(path: *const std::ffi::c_char) -> i32;
}

/// The running executable's path.
pub fn exe_path() -> Option<Vec<u8>> {
    std::env::current_exe().ok().map(|p| path_to_bytes(p.as_os_str()))
}

/// One character from the console without waiting for Enter, echoed if asked.
pub fn get_char(echo: bool) -> i32 {
    // SAFETY: msvcrt's console input functions have no preconditions.
    unsafe {
        if echo {
            _getche()
        } else {
            _getch()
        }
    }
}

/// What `sys_command` returns for `system()`'s result: the exit code
/// (Windows has no signals).
pub fn command_status(status: i32) -> i32 {
    status
}

/// Whether a `stat` mode has the directory bit (as libhl tests it).
pub fn mode_is_dir(mode: u32) -> bool {
    mode & 0o040000 != 0
}

/// `mkdir(path)` (Windows has no permission bits).
///
/// # Safety
/// `path` is a NUL-terminated string.
pub unsafe fn mkdir(path: *const std::ffi::c_char, _mode: i32) -> bool {
    std::fs::create_dir(path_from_bytes(std::ffi::CStr::from_ptr(path).to_bytes())).is_ok() || c_mkdir(path) == 0
}

/// A directory's entry names, without `.` and `..`.
///
/// # Safety
/// `path` is a NUL-terminated string.
pub unsafe fn read_dir(path: *const std::ffi::c_char) -> Option<Vec<Vec<u8>>> {
    let dir = std::fs::read_dir(path_from_bytes(std::ffi::CStr::from_ptr(path).to_bytes())).ok()?;
    Some(dir.filter_map(|e| e.ok()).map(|e| path_to_bytes(&e.file_name())).collect())
}

/// The absolute path with links resolved, without the `\\?\` prefix.
///
/// # Safety
/// `path` is a NUL-terminated string.
pub unsafe fn full_path(path: *const std::ffi::c_char) -> Option<Vec<u8>> {
    let p = std::fs::canonicalize(path_from_bytes(std::ffi::CStr::from_ptr(path).to_bytes())).ok()?;
    let b = path_to_bytes(p.as_os_str());
    Some(b.strip_prefix(br"\\?\").map(<[u8]>::to_vec).unwrap_or(b))
}

/// Sets the `LC_TIME` locale (msvcrt: per process).
///
/// # Safety
/// `l` is a NUL-terminated string.
pub unsafe fn set_time_locale(l: *const std::ffi::c_char) -> bool {
    !libc::setlocale(libc::LC_TIME, l).is_null()
}

/// User + system CPU time of the process, in seconds.
pub fn process_cpu_time() -> f64 {
    let mut ts = c::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is valid for writes.
    if unsafe { c::clock_gettime(c::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// A path given as bytes (UTF-8 from Haxe) as the OS takes it (UTF-16, by
/// Rust's `std`).
pub fn path_from_bytes(b: &[u8]) -> std::path::PathBuf {
    String::from_utf8_lossy(b).into_owned().into()
}

/// A path as bytes (UTF-8) for Haxe.
pub fn path_to_bytes(p: &std::ffi::OsStr) -> Vec<u8> {
    p.to_string_lossy().into_owned().into_bytes()
}

/// MinGW's x64 `jmp_buf` (`_JBTYPE`): 16 slots of 16 bytes, 16-aligned
/// (256 bytes; hlc-targets' `jmp_buf_size` for generated code agrees).
#[repr(C, align(16))]
#[allow(non_camel_case_types)]
pub struct jmp_buf(pub [u64; 32]);

/// Return addresses on the calling thread's stack for which `keep` holds,
/// innermost first, into `out`; `None` if the system walk found nothing
/// (the caller then walks the frame-pointer chain).
///
/// Windows walks the stack with the unwind information of every frame
/// (`.pdata`: hlc emits it for HL functions, MinGW gcc and Rust for theirs).
/// The frame-pointer chain cannot be followed here: MinGW gcc sets a C
/// function's frame pointer at an offset into its frame (as Windows x64
/// unwinding allows), so `[rbp]` is not the caller's frame pointer.
pub fn capture_stack(out: &mut [*mut c_void], keep: impl Fn(usize) -> bool) -> Option<usize> {
    // HL frames interleave with runtime frames (closures called from natives).
    let mut frames = [null_mut(); 1024];
    // SAFETY: `frames` has room for the count passed; no hash is asked for.
    let got = unsafe { RtlCaptureStackBackTrace(1, frames.len() as u32, frames.as_mut_ptr(), null_mut()) } as usize;
    if got == 0 {
        return None;
    }
    let mut n = 0;
    for &f in frames[..got].iter().filter(|&&f| keep(f as usize)) {
        if n == out.len() {
            break;
        }
        out[n] = f;
        n += 1;
    }
    Some(n)
}

