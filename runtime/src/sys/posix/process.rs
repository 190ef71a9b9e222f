//! Child processes on POSIX systems, for `std/process.rs`: `fork` +
//! `execvp`, three pipes. With arguments, the command is the program looked
//! up in `PATH`; without, it is run by `/bin/sh -c`. If the program cannot
//! be started, the child writes `Command not found : <cmd>` on its stderr
//! and exits with status 1 (as libhl).
//!
//! Differences from libhl that no program can rely on: the parent's pipe
//! ends are close-on-exec (so one child does not keep another child's stdin
//! open), and a child whose `exec` failed leaves with `_exit` (it does not
//! flush stdio buffers copied from the parent).

use std::ffi::{c_char, CStr};

/// A child and the parent's ends of its standard streams (-1 once closed).
/// Plain data: it lives in a GC block and is released by [`Child::close`].
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Child {
    pub stdout: i32,
    pub stderr: i32,
    pub stdin: i32,
    pub pid: i32,
}

/// Which output of the child to read.
#[derive(Clone, Copy)]
pub enum Output {
    Stdout,
    Stderr,
}

fn errno() -> i32 {
    super::errno()
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

/// Repeats `f` while it fails with `EINTR`.
fn retry(mut f: impl FnMut() -> isize) -> isize {
    loop {
        let n = f();
        if n == -1 && errno() == libc::EINTR {
            continue;
        }
        return n;
    }
}

impl Child {
    /// Starts `cmd` (UTF-8) with `args`, or `/bin/sh -c cmd` when `args` is
    /// `None`; `detached` changes nothing here (as in libhl). `None` if the
    /// pipes or the process cannot be created.
    ///
    /// # Safety
    /// None beyond the arguments' types (`unsafe` for the system calls).
    pub unsafe fn spawn(cmd: &CStr, args: Option<&[&CStr]>, _detached: bool) -> Option<Child> {
        // Everything the child needs is prepared before fork: it may only make system calls.
        let mut argv: Vec<*const c_char> = match args {
            None => vec![c"/bin/sh".as_ptr(), c"-c".as_ptr(), cmd.as_ptr()],
            Some(args) => [cmd].iter().chain(args).map(|a| a.as_ptr()).collect(),
        };
        argv.push(std::ptr::null());
        let mut not_found = b"Command not found : ".to_vec();
        not_found.extend_from_slice(cmd.to_bytes());
        not_found.push(b'\n');

        let mut pipes: Vec<[i32; 2]> = Vec::with_capacity(3);
        let close_all = |pipes: &[[i32; 2]]| {
            for fd in pipes.iter().flatten() {
                // SAFETY: each descriptor is one of this function's own pipe ends, closed once.
                unsafe { libc::close(*fd) };
            }
        };
        for _ in 0..3 {
            match make_pipe() {
                Some(p) => pipes.push(p),
                None => {
                    close_all(&pipes);
                    return None;
                }
            }
        }
        let (input, output, error) = (pipes[0], pipes[1], pipes[2]);
        let pid = libc::fork();
        if pid == -1 {
            close_all(&pipes);
            return None;
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
        Some(Child { stdout: output[0], stderr: error[0], stdin: input[1], pid })
    }

    /// Reads from the child's stdout or stderr: the count read, `None` at
    /// the end of the stream or on error.
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn read(&mut self, which: Output, buf: &mut [u8]) -> Option<usize> {
        let fd = match which {
            Output::Stdout => self.stdout,
            Output::Stderr => self.stderr,
        };
        if fd < 0 {
            return None;
        }
        // SAFETY: `buf` is valid for writes of its length.
        let n = retry(|| unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) });
        (n > 0).then_some(n as usize)
    }

    /// Writes to the child's stdin: the count written, `None` on error
    /// (including a closed stdin or a child that closed its end).
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn write(&mut self, buf: &[u8]) -> Option<usize> {
        let fd = self.stdin;
        if fd < 0 {
            return None;
        }
        // SIGPIPE is ignored by the program's entry point, so a closed pipe gives EPIPE.
        // SAFETY: `buf` is valid for reads of its length.
        let n = retry(|| unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) });
        (n >= 0).then_some(n as usize)
    }

    /// Closes the child's stdin (false if it was closed already).
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn close_stdin(&mut self) -> bool {
        if self.stdin < 0 || libc::close(self.stdin) != 0 {
            return false;
        }
        self.stdin = -1;
        true
    }

    /// The child's exit status, waiting for it, or with `running` only
    /// polling (a running child gives 0 and sets `*running`). A child killed
    /// by a signal gives `0x40000000 | signal`; -1 if it cannot be waited
    /// for, -2 if it stopped otherwise (libhl's values).
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn exit_code(&mut self, running: Option<&mut bool>) -> i32 {
        let mut status = 0;
        let pid = self.pid;
        let flags = if running.is_some() { libc::WNOHANG } else { 0 };
        // SAFETY: `status` is valid for writes.
        let wret = retry(|| unsafe { libc::waitpid(pid, &mut status, flags) as isize }) as i32;
        if let Some(r) = running {
            *r = wret == 0;
            if wret != pid {
                return 0;
            }
        } else if wret != pid {
            return -1;
        }
        if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else if libc::WIFSIGNALED(status) {
            0x40000000 | libc::WTERMSIG(status)
        } else {
            -2
        }
    }

    /// The child's process id.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// Kills the child (`SIGKILL`).
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn kill(&mut self) {
        if self.pid > 0 {
            libc::kill(self.pid, libc::SIGKILL);
        }
    }

    /// Closes the pipe ends still open; the child is not waited for.
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn close(&mut self) {
        for fd in [&mut self.stderr, &mut self.stdout, &mut self.stdin] {
            if *fd >= 0 {
                libc::close(*fd);
                *fd = -1;
            }
        }
    }
}
