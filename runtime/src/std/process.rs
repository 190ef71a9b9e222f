//! `std/process.c`: child processes with piped standard streams (`sys.io.Process`).
//!
//! A process handle is a finalizer block (word 0 is the finalizer) holding
//! the three pipe ends and the pid; the finalizer and `process_close` close
//! the pipes. The child is started with `fork` + `execvp`: with arguments,
//! `cmd` is the program looked up in `PATH`; without, `cmd` is run by
//! `/bin/sh -c`. If the program cannot be started, the child writes
//! `Command not found : <cmd>` on its stderr and exits with status 1.
//!
//! Differences from libhl that no program can rely on: the parent's pipe ends
//! are close-on-exec (so one child does not keep another child's stdin open),
//! a child whose `exec` failed leaves with `_exit` (it does not flush stdio
//! buffers copied from the parent), and blocking reads, writes and waits run
//! in a GC blocking section.

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

use crate::abi::*;
use crate::gc::{hl_blocking, hl_gc_alloc_gen};
use ::std::ffi::{c_char, CStr};
use ::std::ptr::null_mut;

/// `vprocess`: pipe ends (-1 once closed) and the child's pid.
#[repr(C)]
pub struct vprocess {
    /// Word 0 of a finalizer block; cleared by `process_close`.
    pub finalize: Option<unsafe extern "C" fn(*mut vprocess)>,
    /// Read end of the child's stdout.
    pub oread: i32,
    /// Read end of the child's stderr.
    pub eread: i32,
    /// Write end of the child's stdin.
    pub iwrite: i32,
    pub pid: i32,
}

unsafe fn close_fd(fd: &mut i32) {
    if *fd >= 0 {
        libc::close(*fd);
        *fd = -1;
    }
}

unsafe extern "C" fn process_finalize(p: *mut vprocess) {
    close_fd(&mut (*p).eread);
    close_fd(&mut (*p).oread);
    close_fd(&mut (*p).iwrite);
}

fn errno() -> i32 {
    ::std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// A close-on-exec pipe, `[read, write]`.
unsafe fn make_pipe() -> Option<[i32; 2]> {
    let mut fds = [-1i32; 2];
    if libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
        return None;
    }
    Some(fds)
}

/// In the child: makes `fd` the standard stream `target`, without close-on-exec.
unsafe fn child_redirect(fd: i32, target: i32) {
    if fd == target {
        let fl = libc::fcntl(fd, libc::F_GETFD);
        if fl >= 0 {
            libc::fcntl(fd, libc::F_SETFD, fl & !libc::FD_CLOEXEC);
        }
    } else {
        libc::dup2(fd, target);
    }
}

/// In the child: writes all of `data` to stderr (async-signal-safe).
unsafe fn child_write_err(data: &[u8]) {
    let mut off = 0;
    while off < data.len() {
        let n = libc::write(2, data[off..].as_ptr().cast(), data.len() - off);
        if n <= 0 {
            if n < 0 && errno() == libc::EINTR {
                continue;
            }
            return;
        }
        off += n as usize;
    }
}

/// `process_run`: starts `cmd` (UTF-8) with `vargs` (an array of UTF-8 strings),
/// or `/bin/sh -c cmd` when `vargs` is null. Null if the process cannot be created.
#[no_mangle]
pub unsafe extern "C" fn hl_process_run(cmd: *mut vbyte, vargs: *mut varray, _detached: bool) -> *mut vprocess {
    if cmd.is_null() {
        return null_mut();
    }
    let cmd_c = cmd as *const c_char;
    // Everything the child needs is prepared before fork: it may only make system calls.
    let mut argv: Vec<*const c_char> = Vec::new();
    if vargs.is_null() {
        argv.extend([c"/bin/sh".as_ptr(), c"-c".as_ptr(), cmd_c]);
    } else {
        if (*(*vargs).at).kind != kind::HBYTES {
            return null_mut();
        }
        argv.push(cmd_c);
        let items = varray::data(vargs) as *const *const c_char;
        for i in 0..(*vargs).size.max(0) as usize {
            argv.push(*items.add(i));
        }
    }
    argv.push(::std::ptr::null());
    let mut not_found = b"Command not found : ".to_vec();
    not_found.extend_from_slice(CStr::from_ptr(cmd_c).to_bytes());
    not_found.push(b'\n');

    let mut pipes: Vec<[i32; 2]> = Vec::with_capacity(3);
    for _ in 0..3 {
        match make_pipe() {
            Some(p) => pipes.push(p),
            None => {
                for p in &pipes {
                    libc::close(p[0]);
                    libc::close(p[1]);
                }
                return null_mut();
            }
        }
    }
    let (input, output, error) = (pipes[0], pipes[1], pipes[2]);
    let p = hl_gc_alloc_gen(hlt_abstract.get(), ::std::mem::size_of::<vprocess>() as i32, mem::KIND_FINALIZER)
        as *mut vprocess;
    p.write(vprocess { finalize: None, oread: -1, eread: -1, iwrite: -1, pid: -1 });
    let pid = libc::fork();
    if pid == -1 {
        for fd in input.iter().chain(output.iter()).chain(error.iter()) {
            libc::close(*fd);
        }
        return null_mut();
    }
    if pid == 0 {
        // Child.
        child_redirect(input[0], 0);
        child_redirect(output[1], 1);
        child_redirect(error[1], 2);
        libc::execvp(argv[0], argv.as_ptr());
        child_write_err(&not_found);
        libc::_exit(1);
    }
    libc::close(input[0]);
    libc::close(output[1]);
    libc::close(error[1]);
    (*p).pid = pid;
    (*p).iwrite = input[1];
    (*p).oread = output[0];
    (*p).eread = error[0];
    (*p).finalize = Some(process_finalize);
    p
}

/// `read` on a pipe: bytes read, or -1 at end of stream or on error.
unsafe fn pipe_read(fd: i32, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    if fd < 0 || len < 0 {
        return -1;
    }
    hl_blocking(true);
    let n = loop {
        let n = libc::read(fd, buf.add(pos as usize).cast(), len as usize);
        if n == -1 && errno() == libc::EINTR {
            continue;
        }
        break n;
    };
    hl_blocking(false);
    if n <= 0 {
        -1
    } else {
        n as i32
    }
}

/// `process_stdout_read`: bytes read from the child's stdout, -1 at end or on error.
#[no_mangle]
pub unsafe extern "C" fn hl_process_stdout_read(p: *mut vprocess, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    if p.is_null() {
        return -1;
    }
    pipe_read((*p).oread, buf, pos, len)
}

/// `process_stderr_read`: bytes read from the child's stderr, -1 at end or on error.
#[no_mangle]
pub unsafe extern "C" fn hl_process_stderr_read(p: *mut vprocess, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    if p.is_null() {
        return -1;
    }
    pipe_read((*p).eread, buf, pos, len)
}

/// `process_stdin_write`: bytes written to the child's stdin, or -1 on error.
#[no_mangle]
pub unsafe extern "C" fn hl_process_stdin_write(p: *mut vprocess, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    if p.is_null() || (*p).iwrite < 0 || len < 0 {
        return -1;
    }
    let fd = (*p).iwrite;
    hl_blocking(true);
    let n = loop {
        // SIGPIPE is ignored by the program's entry point, so a closed pipe gives EPIPE.
        let n = libc::write(fd, buf.add(pos as usize).cast(), len as usize);
        if n == -1 && errno() == libc::EINTR {
            continue;
        }
        break n;
    };
    hl_blocking(false);
    if n < 0 {
        -1
    } else {
        n as i32
    }
}

/// `process_stdin_close`: closes the child's stdin (false if already closed).
#[no_mangle]
pub unsafe extern "C" fn hl_process_stdin_close(p: *mut vprocess) -> bool {
    if p.is_null() || (*p).iwrite < 0 {
        return false;
    }
    if libc::close((*p).iwrite) != 0 {
        return false;
    }
    (*p).iwrite = -1;
    true
}

/// `process_exit`: waits for the child (or, with `running`, polls it) and gives
/// its exit status; `0x40000000 | signal` if a signal killed it, -1 if it
/// cannot be waited for. When polling, a running child gives 0 and sets `*running`.
#[no_mangle]
pub unsafe extern "C" fn hl_process_exit(p: *mut vprocess, running: *mut bool) -> i32 {
    if p.is_null() {
        return -1;
    }
    let mut status = 0;
    let wret = if running.is_null() {
        hl_blocking(true);
        let r = loop {
            let r = libc::waitpid((*p).pid, &mut status, 0);
            if r == -1 && errno() == libc::EINTR {
                continue;
            }
            break r;
        };
        hl_blocking(false);
        r
    } else {
        libc::waitpid((*p).pid, &mut status, libc::WNOHANG)
    };
    if !running.is_null() {
        *running = false;
    }
    if wret != (*p).pid {
        if !running.is_null() {
            if wret == 0 {
                *running = true;
            }
            return 0;
        }
        return -1;
    }
    if !libc::WIFEXITED(status) {
        if libc::WIFSIGNALED(status) {
            return 0x40000000 | libc::WTERMSIG(status);
        }
        return -2;
    }
    libc::WEXITSTATUS(status)
}

#[no_mangle]
pub unsafe extern "C" fn hl_process_pid(p: *mut vprocess) -> i32 {
    if p.is_null() {
        return -1;
    }
    (*p).pid
}

/// `process_close`: closes the pipes (once); the child is not waited for.
#[no_mangle]
pub unsafe extern "C" fn hl_process_close(p: *mut vprocess) {
    if p.is_null() || (*p).finalize.is_none() {
        return;
    }
    (*p).finalize = None;
    process_finalize(p);
}

/// `process_kill`: `SIGKILL`.
#[no_mangle]
pub unsafe extern "C" fn hl_process_kill(p: *mut vprocess) {
    if p.is_null() || (*p).pid <= 0 {
        return;
    }
    libc::kill((*p).pid, libc::SIGKILL);
}
