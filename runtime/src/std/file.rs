//! `std/file.c`: buffered files (`sys.io.FileInput` / `FileOutput`, `File.getContent`).
//!
//! A file handle (`hl_fdesc`) wraps a C stdio stream, so buffering, `feof` and
//! `ftell` behave as in libhl and the standard streams share C's buffers with
//! `sys_print`. Handles from `file_open` are finalizer blocks (word 0 is the
//! finalizer, which closes a stream the program forgot to close); the
//! standard-stream handles are plain pointer-free blocks that are never closed
//! by the GC.
//!
//! Paths are UTF-8 C strings. Reads and writes run in a GC blocking section.
//! A null handle gives the "failure" result of each native, as in libhl.

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

use crate::abi::*;
use crate::sys::c;
use crate::gc::{hl_blocking, hl_gc_alloc_gen};
use ::std::ffi::c_char;
use ::std::ptr::null_mut;

/// `hl_fdesc`: a finalizer block holding a C stream.
#[repr(C)]
pub struct hl_fdesc {
    /// Word 0 of a finalizer block: run by the GC when the handle dies; cleared on close.
    pub finalize: Option<unsafe extern "C" fn(*mut hl_fdesc)>,
    /// The stream, null once closed.
    pub f: *mut c::FILE,
}


unsafe extern "C" fn fdesc_finalize(fd: *mut hl_fdesc) {
    if !(*fd).f.is_null() {
        c::fclose((*fd).f);
        (*fd).f = null_mut();
    }
}

/// C's `errno` (on Windows distinct from `GetLastError`, which `last_os_error` reads).
fn errno() -> i32 {
    crate::sys::errno()
}

/// `fread`, retried while a signal interrupts it before anything is read.
unsafe fn read_retry(buf: *mut u8, len: usize, f: *mut c::FILE) -> usize {
    loop {
        let n = c::fread(buf.cast(), 1, len, f);
        if n == 0 && c::ferror(f) != 0 && errno() == c::EINTR {
            c::clearerr(f);
            continue;
        }
        return n;
    }
}

/// `fwrite`, retried while a signal interrupts it before anything is written.
unsafe fn write_retry(buf: *const u8, len: usize, f: *mut c::FILE) -> usize {
    loop {
        let n = c::fwrite(buf.cast(), 1, len, f);
        if n == 0 && len > 0 && c::ferror(f) != 0 && errno() == c::EINTR {
            c::clearerr(f);
            continue;
        }
        return n;
    }
}

/// The `fopen` mode for `file_open`'s mode (0 read, 1 write, 2 append, 3 update) and binary flag.
fn open_mode(mode: i32, binary: bool) -> Option<&'static ::std::ffi::CStr> {
    const MODES: [&::std::ffi::CStr; 8] = [c"r", c"w", c"a", c"r+", c"rb", c"wb", c"ab", c"rb+"];
    if !(0..4).contains(&mode) {
        return None;
    }
    Some(MODES[(mode | if binary { 4 } else { 0 }) as usize])
}

/// `file_open`: a new handle, or null if the file cannot be opened.
#[no_mangle]
pub unsafe extern "C" fn hl_file_open(name: *mut vbyte, mode: i32, binary: bool) -> *mut hl_fdesc {
    let Some(m) = open_mode(mode, binary) else {
        return null_mut();
    };
    if name.is_null() {
        return null_mut();
    }
    let f = c::fopen(name as *const c_char, m.as_ptr());
    if f.is_null() {
        return null_mut();
    }
    let fd = hl_gc_alloc_gen(hlt_abstract.get(), ::std::mem::size_of::<hl_fdesc>() as i32, mem::KIND_FINALIZER)
        as *mut hl_fdesc;
    fd.write(hl_fdesc { finalize: Some(fdesc_finalize), f });
    fd
}

/// `file_is_locked`: always false outside Windows.
#[no_mangle]
pub extern "C" fn hl_file_is_locked(_name: *mut vbyte) -> bool {
    false
}

/// `file_close`: closes the stream; the handle's finalizer is disarmed.
#[no_mangle]
pub unsafe extern "C" fn hl_file_close(fd: *mut hl_fdesc) {
    if fd.is_null() {
        return;
    }
    if !(*fd).f.is_null() {
        c::fclose((*fd).f);
    }
    (*fd).f = null_mut();
    (*fd).finalize = None;
}

/// The stream of an open handle (null for a null or closed handle).
unsafe fn stream(fd: *mut hl_fdesc) -> *mut c::FILE {
    if fd.is_null() {
        null_mut()
    } else {
        (*fd).f
    }
}

/// `file_write`: bytes written, or -1 for a null handle.
#[no_mangle]
pub unsafe extern "C" fn hl_file_write(fd: *mut hl_fdesc, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    let f = stream(fd);
    if f.is_null() {
        return -1;
    }
    if len <= 0 {
        return 0;
    }
    hl_blocking(true);
    let n = write_retry(buf.add(pos as usize), len as usize, f);
    hl_blocking(false);
    n as i32
}

/// `file_read`: bytes read (0 at end of file), or -1 for a null handle.
#[no_mangle]
pub unsafe extern "C" fn hl_file_read(fd: *mut hl_fdesc, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    let f = stream(fd);
    if f.is_null() {
        return -1;
    }
    if len <= 0 {
        return 0;
    }
    hl_blocking(true);
    let n = read_retry(buf.add(pos as usize), len as usize, f);
    hl_blocking(false);
    n as i32
}

/// `file_write_char`: writes the low byte of `c`.
#[no_mangle]
pub unsafe extern "C" fn hl_file_write_char(fd: *mut hl_fdesc, c: i32) -> bool {
    let f = stream(fd);
    if f.is_null() {
        return false;
    }
    let b = c as u8;
    hl_blocking(true);
    let n = write_retry(&b, 1, f);
    hl_blocking(false);
    n == 1
}

/// `file_read_char`: the next byte, or -2 at end of file / on error.
#[no_mangle]
pub unsafe extern "C" fn hl_file_read_char(fd: *mut hl_fdesc) -> i32 {
    let f = stream(fd);
    if f.is_null() {
        return -2;
    }
    let mut b = 0u8;
    hl_blocking(true);
    let n = read_retry(&mut b, 1, f);
    hl_blocking(false);
    if n != 1 {
        return -2;
    }
    b as i32
}

/// `file_seek`: `kind` is 0 (from start), 1 (from current) or 2 (from end).
#[no_mangle]
pub unsafe extern "C" fn hl_file_seek(fd: *mut hl_fdesc, pos: i32, kind: i32) -> bool {
    let f = stream(fd);
    if f.is_null() {
        return false;
    }
    c::fseeko(f, pos as c::off_t, kind) == 0
}

/// `file_tell`: the position truncated to 32 bits, -1 on failure.
#[no_mangle]
pub unsafe extern "C" fn hl_file_tell(fd: *mut hl_fdesc) -> i32 {
    let f = stream(fd);
    if f.is_null() {
        return -1;
    }
    c::ftello(f) as i32
}

/// `file_seek2`: `file_seek` with a 64-bit position given as a float.
#[no_mangle]
pub unsafe extern "C" fn hl_file_seek2(fd: *mut hl_fdesc, pos: f64, kind: i32) -> bool {
    let f = stream(fd);
    if f.is_null() {
        return false;
    }
    c::fseeko(f, pos as i64 as c::off_t, kind) == 0
}

/// `file_tell2`: the 64-bit position as a float, -1 on failure.
#[no_mangle]
pub unsafe extern "C" fn hl_file_tell2(fd: *mut hl_fdesc) -> f64 {
    let f = stream(fd);
    if f.is_null() {
        return -1.0;
    }
    c::ftello(f) as f64
}

/// `file_eof`: C's end-of-file indicator (true for a null handle).
#[no_mangle]
pub unsafe extern "C" fn hl_file_eof(fd: *mut hl_fdesc) -> bool {
    let f = stream(fd);
    if f.is_null() {
        return true;
    }
    c::feof(f) != 0
}

/// `file_error_code`: the thread's `errno`.
#[no_mangle]
pub extern "C" fn hl_file_error_code() -> i32 {
    errno()
}

/// `file_flush`: `fflush`, true on success.
#[no_mangle]
pub unsafe extern "C" fn hl_file_flush(fd: *mut hl_fdesc) -> bool {
    let f = stream(fd);
    if f.is_null() {
        return false;
    }
    hl_blocking(true);
    let r = c::fflush(f);
    hl_blocking(false);
    r == 0
}

/// A handle on a standard stream: no finalizer, never closed by the GC.
unsafe fn std_handle(f: *mut c::FILE) -> *mut hl_fdesc {
    let fd = hl_gc_alloc_gen(hlt_bytes.get(), ::std::mem::size_of::<hl_fdesc>() as i32, mem::KIND_NOPTR)
        as *mut hl_fdesc;
    fd.write(hl_fdesc { finalize: None, f });
    fd
}

#[no_mangle]
pub unsafe extern "C" fn hl_file_stdin() -> *mut hl_fdesc {
    std_handle(hlrt_c::hlc_c_stdin().cast())
}

#[no_mangle]
pub unsafe extern "C" fn hl_file_stdout() -> *mut hl_fdesc {
    std_handle(hlrt_c::hlc_c_stdout().cast())
}

#[no_mangle]
pub unsafe extern "C" fn hl_file_stderr() -> *mut hl_fdesc {
    std_handle(hlrt_c::hlc_c_stderr().cast())
}

/// The empty content `file_contents` gives for an empty file read with a size.
static EMPTY: [u8; 1] = [0];

/// `file_contents`: the whole file in fresh GC memory, or null if it cannot be
/// read. With `size` the length is stored there (an empty file gives a static
/// empty buffer); without it the content gets a terminating NUL.
#[no_mangle]
pub unsafe extern "C" fn hl_file_contents(name: *mut vbyte, size: *mut i32) -> *mut vbyte {
    if name.is_null() {
        return null_mut();
    }
    let f = c::fopen(name as *const c_char, c"rb".as_ptr());
    if f.is_null() {
        return null_mut();
    }
    hl_blocking(true);
    c::fseeko(f, 0, c::SEEK_END);
    let end = c::ftello(f);
    c::fseeko(f, 0, c::SEEK_SET);
    hl_blocking(false);
    // Like libhl, the length is C's `int`.
    let len = end as i32;
    if len < 0 || (size.is_null() && len == i32::MAX) {
        c::fclose(f);
        return null_mut();
    }
    if !size.is_null() {
        *size = len;
    }
    let alloc = if size.is_null() { len as usize + 1 } else { len as usize };
    let mut content: *mut u8 = if alloc == 0 {
        null_mut()
    } else {
        hl_gc_alloc_gen(hlt_bytes.get(), alloc as i32, mem::KIND_NOPTR).cast()
    };
    if size.is_null() {
        *content.add(len as usize) = 0;
    } else if len == 0 {
        content = EMPTY.as_ptr() as *mut u8;
    }
    hl_blocking(true);
    let mut p = 0usize;
    let mut left = len as usize;
    while left > 0 {
        let n = read_retry(content.add(p), left, f);
        if n == 0 {
            hl_blocking(false);
            c::fclose(f);
            return null_mut();
        }
        p += n;
        left -= n;
    }
    c::fclose(f);
    hl_blocking(false);
    content
}
