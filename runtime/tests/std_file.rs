//! `std/file.c`: stdio-backed file handles and whole-file reads.

use hlrt::std::file::*;
use std::ffi::{CStr, CString};
use std::ptr::null_mut;

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("hlrt_file_{}_{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn c(p: &std::path::Path) -> CString {
    CString::new(p.to_str().unwrap()).unwrap()
}

#[test]
fn write_seek_read() {
    no_gc();
    let dir = scratch("rw");
    let path = c(&dir.join("a.bin"));
    let p = path.as_ptr() as *mut u8;
    unsafe {
        let f = hl_file_open(p, 1, true);
        assert!(!f.is_null());
        assert!((*f).finalize.is_some());
        let mut data = *b"0123456789";
        assert_eq!(hl_file_write(f, data.as_mut_ptr(), 2, 8), 8);
        assert!(hl_file_write_char(f, 0x1FF)); // low byte only
        assert_eq!(hl_file_tell(f), 9);
        assert!(hl_file_seek(f, 1, 0));
        assert_eq!(hl_file_write(f, data.as_mut_ptr(), 0, 2), 2);
        assert!(hl_file_seek2(f, 0.0, 2));
        assert_eq!(hl_file_tell2(f), 9.0);
        assert!(hl_file_flush(f));
        hl_file_close(f);
        assert!((*f).f.is_null() && (*f).finalize.is_none());
        hl_file_close(f); // closing twice is harmless
        assert_eq!(std::fs::read(dir.join("a.bin")).unwrap(), b"20156789\xFF");

        // Append, then update in place.
        let f = hl_file_open(p, 2, false);
        assert_eq!(hl_file_write(f, b"xy".as_ptr() as *mut u8, 0, 2), 2);
        hl_file_close(f);
        let f = hl_file_open(p, 3, true);
        assert!(hl_file_seek(f, -2, 2));
        assert!(hl_file_write_char(f, b'Z' as i32));
        hl_file_close(f);
        assert_eq!(std::fs::read(dir.join("a.bin")).unwrap(), b"20156789\xFFZy");

        let f = hl_file_open(p, 0, true);
        let mut buf = [0u8; 16];
        assert_eq!(hl_file_read(f, buf.as_mut_ptr(), 1, 4), 4);
        assert_eq!(&buf[1..5], b"2015");
        assert_eq!(hl_file_read_char(f), b'6' as i32);
        assert!(!hl_file_eof(f));
        assert!(hl_file_seek(f, -3, 2));
        assert_eq!(hl_file_read_char(f), 0xFF);
        assert_eq!(hl_file_read(f, buf.as_mut_ptr(), 0, 16), 2);
        assert!(hl_file_eof(f));
        assert_eq!(hl_file_read(f, buf.as_mut_ptr(), 0, 16), 0);
        assert_eq!(hl_file_read_char(f), -2);
        assert!(hl_file_seek(f, 2, 0));
        assert!(!hl_file_eof(f)); // seeking clears the end-of-file indicator
        assert!(!hl_file_seek(f, -100, 0));
        // The finalizer closes a handle the program dropped.
        let fin = (*f).finalize.unwrap();
        let fileno = libc::fileno((*f).f);
        fin(f);
        assert!(libc::fcntl(fileno, libc::F_GETFD) == -1);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn open_failures_and_null_handles() {
    no_gc();
    let dir = scratch("fail");
    let missing = c(&dir.join("missing/x.txt"));
    let m = missing.as_ptr() as *mut u8;
    unsafe {
        assert!(hl_file_open(m, 0, true).is_null());
        assert!(hl_file_open(m, 1, true).is_null());
        assert_eq!(hl_file_error_code(), libc::ENOENT);
        let ok = c(&dir.join("x"));
        assert!(hl_file_open(ok.as_ptr() as *mut u8, 7, true).is_null());
        assert!(!hl_file_is_locked(ok.as_ptr() as *mut u8));
        let n = null_mut();
        let mut b = [0u8; 4];
        assert_eq!(hl_file_write(n, b.as_mut_ptr(), 0, 1), -1);
        assert_eq!(hl_file_read(n, b.as_mut_ptr(), 0, 1), -1);
        assert!(!hl_file_write_char(n, 1));
        assert_eq!(hl_file_read_char(n), -2);
        assert!(!hl_file_seek(n, 0, 0));
        assert!(!hl_file_seek2(n, 0.0, 0));
        assert_eq!(hl_file_tell(n), -1);
        assert_eq!(hl_file_tell2(n), -1.0);
        assert!(hl_file_eof(n));
        assert!(!hl_file_flush(n));
        hl_file_close(n);
        // Reading a file opened for writing fails without crashing.
        let f = hl_file_open(ok.as_ptr() as *mut u8, 1, true);
        assert_eq!(hl_file_read(f, b.as_mut_ptr(), 0, 4), 0);
        hl_file_close(f);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn contents() {
    no_gc();
    let dir = scratch("contents");
    std::fs::write(dir.join("t.txt"), "héllo").unwrap();
    std::fs::write(dir.join("e.txt"), "").unwrap();
    unsafe {
        let t = c(&dir.join("t.txt"));
        let mut size = -1;
        let b = hl_file_contents(t.as_ptr() as *mut u8, &mut size);
        assert_eq!(size, 6);
        assert_eq!(std::slice::from_raw_parts(b, 6), "héllo".as_bytes());
        // Without a size the content is NUL-terminated.
        let b = hl_file_contents(t.as_ptr() as *mut u8, null_mut());
        assert_eq!(CStr::from_ptr(b.cast()).to_str().unwrap(), "héllo");
        let e = c(&dir.join("e.txt"));
        let b = hl_file_contents(e.as_ptr() as *mut u8, &mut size);
        assert!(!b.is_null());
        assert_eq!(size, 0);
        let b = hl_file_contents(e.as_ptr() as *mut u8, null_mut());
        assert_eq!(*b, 0);
        let m = c(&dir.join("nope"));
        assert!(hl_file_contents(m.as_ptr() as *mut u8, &mut size).is_null());
        // A directory opens but cannot be read.
        let d = c(&dir);
        assert!(hl_file_contents(d.as_ptr() as *mut u8, null_mut()).is_null());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn standard_streams() {
    no_gc();
    unsafe {
        for f in [hl_file_stdin(), hl_file_stdout(), hl_file_stderr()] {
            assert!(!f.is_null());
            assert!((*f).finalize.is_none());
            assert!(!(*f).f.is_null());
        }
        let o = hl_file_stdout();
        assert_eq!(libc::fileno((*o).f), 1);
        assert_eq!(libc::fileno((*hl_file_stderr()).f), 2);
        assert!(hl_file_flush(o));
    }
}
