//! `std/process.c`: child processes with piped standard streams (`sys.io.Process`).
//!
//! A process handle is a finalizer block (word 0 is the finalizer) holding
//! the system's [`Child`]: the parent's ends of the three pipes and the
//! process; the finalizer and `process_close` close them. Starting,
//! reading, writing, waiting and killing are [`crate::sys::process`]'s
//! (`fork`/`execvp` on POSIX, `CreateProcessW` on Windows; see there for
//! how the command is run on each). Reads give -1 at the end of the stream
//! or on error, as in libhl. Blocking reads, writes and waits run in a GC
//! blocking section.

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

use crate::abi::*;
use crate::gc::{hl_blocking, hl_gc_alloc_gen};
use crate::sys::process::{Child, Output};
use ::std::ffi::{c_char, CStr};
use ::std::ptr::null_mut;

/// `vprocess`: the finalizer word, then the child.
#[repr(C)]
pub struct vprocess {
    /// Word 0 of a finalizer block; cleared by `process_close`.
    pub finalize: Option<unsafe extern "C" fn(*mut vprocess)>,
    pub child: Child,
}

unsafe extern "C" fn process_finalize(p: *mut vprocess) {
    (*p).child.close();
}

/// Runs `f` in a GC blocking section.
fn blocking<R>(f: impl FnOnce() -> R) -> R {
    hl_blocking(true);
    let r = f();
    hl_blocking(false);
    r
}

/// `process_run`: starts `cmd` (UTF-8) with `vargs` (an array of UTF-8 strings)
/// or, when `vargs` is null, as a shell command (POSIX) / command line
/// (Windows). Null if the process cannot be created.
#[no_mangle]
pub unsafe extern "C" fn hl_process_run(cmd: *mut vbyte, vargs: *mut varray, detached: bool) -> *mut vprocess {
    if cmd.is_null() {
        return null_mut();
    }
    let cmd = CStr::from_ptr(cmd as *const c_char);
    let args: Option<Vec<&CStr>> = if vargs.is_null() {
        None
    } else {
        if (*(*vargs).at).kind != kind::HBYTES {
            return null_mut();
        }
        let items = varray::data(vargs) as *const *const c_char;
        let n = (*vargs).size.max(0) as usize;
        if (0..n).any(|i| (*items.add(i)).is_null()) {
            return null_mut();
        }
        Some((0..n).map(|i| CStr::from_ptr(*items.add(i))).collect())
    };
    let Some(child) = Child::spawn(cmd, args.as_deref(), detached) else {
        return null_mut();
    };
    let p = hl_gc_alloc_gen(hlt_abstract.get(), ::std::mem::size_of::<vprocess>() as i32, mem::KIND_FINALIZER)
        as *mut vprocess;
    p.write(vprocess { finalize: Some(process_finalize), child });
    p
}

/// `len` bytes of `buf` from `pos`, or `None` for a negative range.
unsafe fn span<'a>(buf: *mut vbyte, pos: i32, len: i32) -> Option<&'a mut [u8]> {
    if buf.is_null() || pos < 0 || len < 0 {
        return None;
    }
    Some(::std::slice::from_raw_parts_mut(buf.add(pos as usize), len as usize))
}

unsafe fn read(p: *mut vprocess, which: Output, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    let (Some(buf), false) = (span(buf, pos, len), p.is_null()) else {
        return -1;
    };
    // SAFETY: `p` is a live process block; `buf` is the caller's bytes.
    blocking(|| unsafe { (*p).child.read(which, buf) }).map_or(-1, |n| n as i32)
}

/// `process_stdout_read`: bytes read from the child's stdout, -1 at end or on error.
#[no_mangle]
pub unsafe extern "C" fn hl_process_stdout_read(p: *mut vprocess, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    read(p, Output::Stdout, buf, pos, len)
}

/// `process_stderr_read`: bytes read from the child's stderr, -1 at end or on error.
#[no_mangle]
pub unsafe extern "C" fn hl_process_stderr_read(p: *mut vprocess, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    read(p, Output::Stderr, buf, pos, len)
}

/// `process_stdin_write`: bytes written to the child's stdin, or -1 on error.
#[no_mangle]
pub unsafe extern "C" fn hl_process_stdin_write(p: *mut vprocess, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    let (Some(buf), false) = (span(buf, pos, len), p.is_null()) else {
        return -1;
    };
    // SAFETY: `p` is a live process block; `buf` is the caller's bytes.
    blocking(|| unsafe { (*p).child.write(buf) }).map_or(-1, |n| n as i32)
}

/// `process_stdin_close`: closes the child's stdin (false if already closed).
#[no_mangle]
pub unsafe extern "C" fn hl_process_stdin_close(p: *mut vprocess) -> bool {
    !p.is_null() && (*p).child.close_stdin()
}

/// `process_exit`: waits for the child (or, with `running`, polls it) and
/// gives its exit status (see `Child::exit_code`). When polling, a running
/// child gives 0 and sets `*running`.
#[no_mangle]
pub unsafe extern "C" fn hl_process_exit(p: *mut vprocess, running: *mut bool) -> i32 {
    if p.is_null() {
        return -1;
    }
    match running.as_mut() {
        Some(r) => (*p).child.exit_code(Some(r)),
        // SAFETY: `p` is a live process block.
        None => blocking(|| unsafe { (*p).child.exit_code(None) }),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_process_pid(p: *mut vprocess) -> i32 {
    if p.is_null() {
        return -1;
    }
    (*p).child.pid()
}

/// `process_close`: closes the pipes (once); the child is not waited for.
#[no_mangle]
pub unsafe extern "C" fn hl_process_close(p: *mut vprocess) {
    if p.is_null() || (*p).finalize.is_none() {
        return;
    }
    (*p).finalize = None;
    (*p).child.close();
}

/// `process_kill`: `SIGKILL` (POSIX) / `TerminateProcess` (Windows).
#[no_mangle]
pub unsafe extern "C" fn hl_process_kill(p: *mut vprocess) {
    if !p.is_null() {
        (*p).child.kill();
    }
}
