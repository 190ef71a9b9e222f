//! `std/process.c`: child processes with piped standard streams.

use hlrt::abi::*;
use hlrt::std::array::hl_alloc_array;
use hlrt::std::process::*;
use std::ffi::CString;
use std::ptr::null_mut;

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

/// Runs `cmd` with `args` (`None`: through `/bin/sh -c`).
unsafe fn run(cmd: &str, args: Option<&[&str]>) -> (*mut vprocess, Vec<CString>) {
    let mut keep = vec![CString::new(cmd).unwrap()];
    let arr = match args {
        None => null_mut(),
        Some(a) => {
            let arr = hl_alloc_array(hlt_bytes.get(), a.len() as i32);
            for (i, s) in a.iter().enumerate() {
                keep.push(CString::new(*s).unwrap());
                *(varray::data(arr) as *mut *const i8).add(i) = keep.last().unwrap().as_ptr();
            }
            arr
        }
    };
    let p = hl_process_run(keep[0].as_ptr() as *mut u8, arr, false);
    (p, keep)
}

unsafe fn read_all(p: *mut vprocess, err: bool) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    loop {
        let n = if err {
            hl_process_stderr_read(p, buf.as_mut_ptr(), 0, 64)
        } else {
            hl_process_stdout_read(p, buf.as_mut_ptr(), 0, 64)
        };
        if n < 0 {
            break;
        }
        out.extend_from_slice(&buf[..n as usize]);
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn args_and_shell() {
    no_gc();
    unsafe {
        let (p, _k) = run("echo", Some(&["a b", "c"]));
        assert!(!p.is_null());
        assert!(hl_process_pid(p) > 0);
        assert_eq!(read_all(p, false), "a b c\n");
        assert_eq!(read_all(p, true), "");
        assert_eq!(hl_process_exit(p, null_mut()), 0);
        // Already reaped: waiting again fails, polling says "not running".
        assert_eq!(hl_process_exit(p, null_mut()), -1);
        let mut running = true;
        assert_eq!(hl_process_exit(p, &mut running), 0);
        assert!(!running);
        assert!((*p).finalize.is_some());
        hl_process_close(p);
        assert!((*p).finalize.is_none());
        hl_process_close(p);

        let (p, _k) = run("echo out; echo err >&2; exit 7", None);
        assert_eq!(read_all(p, false), "out\n");
        assert_eq!(read_all(p, true), "err\n");
        assert_eq!(hl_process_exit(p, null_mut()), 7);
        hl_process_close(p);

        // An unknown program: the child reports it and exits with 1.
        let (p, _k) = run("hlrt-no-such-program", Some(&[]));
        assert!(!p.is_null());
        assert_eq!(read_all(p, true), "Command not found : hlrt-no-such-program\n");
        assert_eq!(hl_process_exit(p, null_mut()), 1);
        hl_process_close(p);

        // Arguments must be bytes.
        let c = CString::new("echo").unwrap();
        let arr = hl_alloc_array(hlt_i32.get(), 1);
        assert!(hl_process_run(c.as_ptr() as *mut u8, arr, false).is_null());
    }
}

#[test]
fn stdin_poll_and_kill() {
    no_gc();
    unsafe {
        let (p, _k) = run("cat", Some(&[]));
        let mut running = false;
        assert_eq!(hl_process_exit(p, &mut running), 0);
        assert!(running);
        let mut data = *b"xxhello\n";
        assert_eq!(hl_process_stdin_write(p, data.as_mut_ptr(), 2, 6), 6);
        assert!(hl_process_stdin_close(p));
        assert!(!hl_process_stdin_close(p));
        assert_eq!(hl_process_stdin_write(p, data.as_mut_ptr(), 0, 1), -1);
        let mut buf = [0u8; 16];
        assert_eq!(hl_process_stdout_read(p, buf.as_mut_ptr(), 3, 10), 6);
        assert_eq!(&buf[3..9], b"hello\n");
        assert_eq!(hl_process_stdout_read(p, buf.as_mut_ptr(), 0, 10), -1);
        assert_eq!(hl_process_exit(p, null_mut()), 0);
        hl_process_close(p);

        // Writing to a child that exited gives -1 (SIGPIPE is ignored by Rust's runtime).
        let (p, _k) = run("true", Some(&[]));
        assert_eq!(hl_process_exit(p, null_mut()), 0);
        assert_eq!(hl_process_stdin_write(p, data.as_mut_ptr(), 0, 8), -1);
        // The finalizer closes the pipes.
        let fd = (*p).child.stdout;
        ((*p).finalize.unwrap())(p);
        assert_eq!(libc::fcntl(fd, libc::F_GETFD), -1);

        let (p, _k) = run("sleep", Some(&["10"]));
        hl_process_kill(p);
        assert_eq!(hl_process_exit(p, null_mut()), 0x40000000 | libc::SIGKILL);
        hl_process_close(p);
    }
}

#[test]
fn pipes_are_not_inherited() {
    no_gc();
    unsafe {
        // A second child must not hold the first one's stdin open.
        let (a, _ka) = run("cat", Some(&[]));
        let (b, _kb) = run("sleep", Some(&["5"]));
        assert!(hl_process_stdin_close(a));
        assert_eq!(hl_process_exit(a, null_mut()), 0);
        hl_process_kill(b);
        hl_process_exit(b, null_mut());
        hl_process_close(a);
        hl_process_close(b);
    }
}
