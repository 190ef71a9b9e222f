//! Child processes on Windows, for `std/process.rs`: `CreateProcessW` with
//! three anonymous pipes, the same functions as the POSIX side.
//!
//! The command is a whole command line (UTF-8, converted to UTF-16), as
//! Haxe's `sys.io.Process` prepares it on Windows: a shell command as
//! `"%COMSPEC%" /C "cmd"`, a program with arguments as each word quoted.
//! Given arguments (a direct native call; libhl then fails), the runtime
//! quotes them the same way ([`command_line`]). A program that cannot be
//! started gives `None` (Haxe throws "Process creation failure"), as in libhl.
//!
//! As in libhl: the window is hidden (`SW_HIDE`); `detached` starts the
//! child in a new console with no pipes and nothing inherited; reading
//! gives `None` once the child's end is closed (`ERROR_BROKEN_PIPE`); the
//! exit code is `GetExitCodeProcess`'s; `kill` is `TerminateProcess` with
//! exit code `0xCDCDCDCD`; the pid is the process id.
//!
//! Beyond libhl: only the child's pipe ends are ever inheritable, and they
//! are created, inherited and closed under one lock, so a process started
//! by another thread at the same time does not inherit them (it would keep
//! this child's stdin open); a zero-byte read (a zero-length write by the
//! child) is read past rather than returned; polling a running child asks
//! whether its handle is signalled instead of comparing the exit code with
//! `STILL_ACTIVE` (259, which a program may exit with).

use std::ffi::{c_void, CStr};
use std::ptr::null_mut;
use std::sync::Mutex;

use super::quote::command_line;

type Handle = *mut c_void;

const HANDLE_FLAG_INHERIT: u32 = 0x1;
const STARTF_USESHOWWINDOW: u32 = 0x1;
const STARTF_USESTDHANDLES: u32 = 0x100;
const SW_HIDE: u16 = 0;
const CREATE_NEW_CONSOLE: u32 = 0x10;
const INFINITE: u32 = 0xffff_ffff;
const WAIT_OBJECT_0: u32 = 0;
const WAIT_TIMEOUT: u32 = 0x102;
/// The exit code libhl gives a process it kills.
const KILLED_EXIT_CODE: u32 = 0xCDCD_CDCD;

#[repr(C)]
struct SecurityAttributes {
    length: u32,
    descriptor: *mut c_void,
    inherit: i32,
}

#[repr(C)]
struct StartupInfoW {
    cb: u32,
    reserved: *mut u16,
    desktop: *mut u16,
    title: *mut u16,
    x: u32,
    y: u32,
    x_size: u32,
    y_size: u32,
    x_count_chars: u32,
    y_count_chars: u32,
    fill_attribute: u32,
    flags: u32,
    show_window: u16,
    reserved2_len: u16,
    reserved2: *mut u8,
    std_input: Handle,
    std_output: Handle,
    std_error: Handle,
}

#[repr(C)]
struct ProcessInformation {
    process: Handle,
    thread: Handle,
    process_id: u32,
    thread_id: u32,
}

extern "system" {
    fn CreatePipe(read: *mut Handle, write: *mut Handle, attrs: *const SecurityAttributes, size: u32) -> i32;
    fn SetHandleInformation(h: Handle, mask: u32, flags: u32) -> i32;
    fn CloseHandle(h: Handle) -> i32;
    #[allow(clippy::too_many_arguments)]
    fn CreateProcessW(
        app: *const u16,
        cmd_line: *mut u16,
        process_attrs: *const SecurityAttributes,
        thread_attrs: *const SecurityAttributes,
        inherit: i32,
        flags: u32,
        env: *mut c_void,
        cwd: *const u16,
        startup: *const StartupInfoW,
        info: *mut ProcessInformation,
    ) -> i32;
    fn ReadFile(h: Handle, buf: *mut c_void, len: u32, read: *mut u32, overlapped: *mut c_void) -> i32;
    fn WriteFile(h: Handle, buf: *const c_void, len: u32, written: *mut u32, overlapped: *mut c_void) -> i32;
    fn WaitForSingleObject(h: Handle, ms: u32) -> u32;
    fn GetExitCodeProcess(h: Handle, code: *mut u32) -> i32;
    fn TerminateProcess(h: Handle, code: u32) -> i32;
}

/// Held from making the child's pipe ends inheritable until they are
/// closed in the parent (see the module's documentation).
static INHERITABLE: Mutex<()> = Mutex::new(());

/// A child and the parent's ends of its standard streams (null once
/// closed). Plain data: it lives in a GC block and is released by
/// [`Child::close`].
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Child {
    stdout: Handle,
    stderr: Handle,
    stdin: Handle,
    process: Handle,
    pid: u32,
}

/// Which output of the child to read.
#[derive(Clone, Copy)]
pub enum Output {
    Stdout,
    Stderr,
}

/// Closes `h` if it is open and marks it closed.
unsafe fn close(h: &mut Handle) {
    if !h.is_null() {
        CloseHandle(*h);
        *h = null_mut();
    }
}

/// An anonymous pipe, `(read, write)`, neither end inheritable.
unsafe fn pipe() -> Option<(Handle, Handle)> {
    let (mut r, mut w) = (null_mut(), null_mut());
    let attrs = SecurityAttributes { length: size_of::<SecurityAttributes>() as u32, descriptor: null_mut(), inherit: 0 };
    (CreatePipe(&mut r, &mut w, &attrs, 0) != 0).then_some((r, w))
}

impl Child {
    /// Starts the command line `cmd` (UTF-8), or `cmd` with `args` quoted
    /// by [`command_line`]; `detached`: in a new console, without pipes.
    /// `None` if the pipes or the process cannot be created.
    ///
    /// # Safety
    /// None beyond the arguments' types (`unsafe` for the system calls).
    pub unsafe fn spawn(cmd: &CStr, args: Option<&[&CStr]>, detached: bool) -> Option<Child> {
        let line = match args {
            None => cmd.to_bytes().to_vec(),
            Some(args) => command_line(cmd.to_bytes(), &args.iter().map(|a| a.to_bytes()).collect::<Vec<_>>()),
        };
        let mut line: Vec<u16> = String::from_utf8_lossy(&line).encode_utf16().chain([0]).collect();

        let mut startup: StartupInfoW = std::mem::zeroed();
        startup.cb = size_of::<StartupInfoW>() as u32;
        // Parent ends, then child ends, in the order stdout, stderr, stdin.
        let mut ours = [null_mut(); 3];
        let mut theirs = [null_mut(); 3];
        let close_all = |handles: &mut [Handle]| {
            for h in handles {
                // SAFETY: each handle is one of this function's own pipe ends (or null).
                unsafe { close(h) };
            }
        };
        if !detached {
            for k in 0..3 {
                let Some((r, w)) = pipe() else {
                    close_all(&mut ours);
                    close_all(&mut theirs);
                    return None;
                };
                // The child writes stdout and stderr and reads stdin.
                (ours[k], theirs[k]) = if k < 2 { (r, w) } else { (w, r) };
            }
            startup.flags = STARTF_USESTDHANDLES | STARTF_USESHOWWINDOW;
            startup.show_window = SW_HIDE;
            (startup.std_output, startup.std_error, startup.std_input) = (theirs[0], theirs[1], theirs[2]);
        }

        let mut info: ProcessInformation = std::mem::zeroed();
        let created = {
            let _inheritable = INHERITABLE.lock().unwrap_or_else(|e| e.into_inner());
            let inherit = !detached && theirs.iter().all(|&h| SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT) != 0);
            let flags = if detached { CREATE_NEW_CONSOLE } else { 0 };
            let ok = (detached || inherit)
                && CreateProcessW(
                    std::ptr::null(),
                    line.as_mut_ptr(),
                    std::ptr::null(),
                    std::ptr::null(),
                    inherit as i32,
                    flags,
                    null_mut(),
                    std::ptr::null(),
                    &startup,
                    &mut info,
                ) != 0;
            // The child has its copies (or there is no child): the parent's go.
            close_all(&mut theirs);
            ok
        };
        if !created {
            close_all(&mut ours);
            return None;
        }
        CloseHandle(info.thread);
        Some(Child { stdout: ours[0], stderr: ours[1], stdin: ours[2], process: info.process, pid: info.process_id })
    }

    /// Reads from the child's stdout or stderr: the count read, `None` at
    /// the end of the stream (the child's end is closed) or on error.
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn read(&mut self, which: Output, buf: &mut [u8]) -> Option<usize> {
        let h = match which {
            Output::Stdout => self.stdout,
            Output::Stderr => self.stderr,
        };
        if h.is_null() {
            return None;
        }
        if buf.is_empty() {
            return Some(0);
        }
        let len = buf.len().min(u32::MAX as usize) as u32;
        loop {
            let mut n = 0u32;
            if ReadFile(h, buf.as_mut_ptr().cast(), len, &mut n, null_mut()) == 0 {
                return None;
            }
            if n > 0 {
                return Some(n as usize);
            }
        }
    }

    /// Writes to the child's stdin: the count written, `None` on error
    /// (including a closed stdin or a child that closed its end).
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn write(&mut self, buf: &[u8]) -> Option<usize> {
        if self.stdin.is_null() {
            return None;
        }
        let mut n = 0u32;
        let len = buf.len().min(u32::MAX as usize) as u32;
        (WriteFile(self.stdin, buf.as_ptr().cast(), len, &mut n, null_mut()) != 0).then_some(n as usize)
    }

    /// Closes the child's stdin (false if it was closed already).
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn close_stdin(&mut self) -> bool {
        if self.stdin.is_null() || CloseHandle(self.stdin) == 0 {
            return false;
        }
        self.stdin = null_mut();
        true
    }

    /// The child's exit code, waiting for it, or with `running` only
    /// polling (a running child gives 0 and sets `*running`); -1 if it
    /// cannot be waited for (its handle is closed).
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn exit_code(&mut self, running: Option<&mut bool>) -> i32 {
        if self.process.is_null() {
            if let Some(r) = running {
                *r = false;
            }
            return -1;
        }
        let waited = WaitForSingleObject(self.process, if running.is_some() { 0 } else { INFINITE });
        if let Some(r) = running {
            *r = waited == WAIT_TIMEOUT;
            if *r {
                return 0;
            }
        }
        let mut code = 0u32;
        if waited != WAIT_OBJECT_0 || GetExitCodeProcess(self.process, &mut code) == 0 {
            return -1;
        }
        code as i32
    }

    /// The child's process id.
    pub fn pid(&self) -> i32 {
        self.pid as i32
    }

    /// Ends the child (`TerminateProcess`, exit code `0xCDCDCDCD` as in libhl).
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn kill(&mut self) {
        if !self.process.is_null() {
            TerminateProcess(self.process, KILLED_EXIT_CODE);
        }
    }

    /// Closes the pipe ends still open and the process handle; the child is
    /// not waited for.
    ///
    /// # Safety
    /// None (`unsafe` for the system call).
    pub unsafe fn close(&mut self) {
        for h in [&mut self.stderr, &mut self.stdout, &mut self.stdin, &mut self.process] {
            close(h);
        }
    }
}
