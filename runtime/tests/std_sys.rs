//! `std/sys.c`: the parts that do not depend on the terminal.

use hlrt::abi::*;
use hlrt::std::sys::*;
use hlrt::std::ucs2::ucs2_to_string;
use std::ffi::CStr;

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

#[test]
fn platform_and_environment() {
    no_gc();
    unsafe {
        assert!(hl_sys_utf8_path());
        assert!(hl_sys_is64());
        assert_eq!(ucs2_to_string(hl_sys_string() as *const u16), "Linux");
        assert!(hl_sys_put_env(c"HLRT_TEST_VAR".as_ptr() as *mut u8, c"värde".as_ptr() as *mut u8));
        let v = hl_sys_get_env(c"HLRT_TEST_VAR".as_ptr() as *mut u8);
        assert_eq!(CStr::from_ptr(v.cast()).to_str().unwrap(), "värde");
        let env = hl_sys_env();
        assert_eq!((*env).size % 2, 0);
        let p = varray::data(env) as *const *const i8;
        let found = (0..(*env).size as usize / 2).any(|i| {
            CStr::from_ptr(*p.add(2 * i)).to_bytes() == b"HLRT_TEST_VAR"
                && CStr::from_ptr(*p.add(2 * i + 1)).to_bytes() == "värde".as_bytes()
        });
        assert!(found);
        assert!(hl_sys_put_env(c"HLRT_TEST_VAR".as_ptr() as *mut u8, std::ptr::null_mut()));
        assert!(hl_sys_get_env(c"HLRT_TEST_VAR".as_ptr() as *mut u8).is_null());

        let cwd = CStr::from_ptr(hl_sys_get_cwd().cast()).to_str().unwrap().to_string();
        assert!(cwd.ends_with('/'));
        let exe = CStr::from_ptr(hl_sys_exe_path().cast()).to_str().unwrap().to_string();
        assert!(exe.contains("std_sys"));
        assert!(hl_sys_time() > 1.6e9);
        assert!(hl_sys_cpu_time() >= 0.0);
        assert!(hl_sys_thread_cpu_time() >= 0.0);
        let t0 = hl_sys_timestamp_ms();
        hl_sys_sleep(0.01);
        assert!(hl_sys_timestamp_ms() - t0 >= 9);
        assert_eq!(hl_sys_getpid(), std::process::id() as i32);
        // No arguments until the entry point fills hl_setup.
        assert_eq!((*hl_sys_args()).size, 0);
    }
}

#[test]
fn file_queries() {
    no_gc();
    unsafe {
        let dir = std::env::temp_dir().join(format!("hlrt_sys_{}", std::process::id()));
        let d = std::ffi::CString::new(dir.to_str().unwrap()).unwrap();
        assert!(hl_sys_create_dir(d.as_ptr() as *mut u8, 0o755));
        assert!(hl_sys_is_dir(d.as_ptr() as *mut u8));
        std::fs::write(dir.join("a.txt"), b"hello").unwrap();
        let f = std::ffi::CString::new(dir.join("a.txt").to_str().unwrap()).unwrap();
        assert!(hl_sys_exists(f.as_ptr() as *mut u8));
        let st = hl_sys_stat(f.as_ptr() as *mut u8);
        assert_eq!(*(varray::data(st) as *const i32).add(5), 5);
        let list = hl_sys_read_dir(d.as_ptr() as *mut u8);
        assert_eq!((*list).size, 1);
        assert_eq!(CStr::from_ptr(*(varray::data(list) as *const *const i8)).to_bytes(), b"a.txt");
        let full = hl_sys_full_path(f.as_ptr() as *mut u8);
        assert!(CStr::from_ptr(full.cast()).to_str().unwrap().ends_with("a.txt"));
        assert!(hl_sys_delete(f.as_ptr() as *mut u8));
        assert!(!hl_sys_exists(f.as_ptr() as *mut u8));
        assert!(hl_sys_stat(f.as_ptr() as *mut u8).is_null());
        assert!(hl_sys_remove_dir(d.as_ptr() as *mut u8));
        assert!(hl_sys_read_dir(d.as_ptr() as *mut u8).is_null());
        assert_eq!(hl_sys_command(c"exit 3".as_ptr() as *mut u8), 3);
    }
}

/// Run in a child process: prints, then leaves without flushing C's stdio.
#[test]
fn child_print() {
    if std::env::var_os("HLRT_PRINT_CHILD").is_none() {
        return;
    }
    unsafe {
        hl_sys_print(hlrt::std::ucs2::ucs2_from_str("héllo 😀\n").cast());
        let embedded: Vec<u16> = vec![b'a' as u16, 0, b'b' as u16, 0];
        hl_sys_print(embedded.as_ptr() as *mut u8);
        libc::_exit(0);
    }
}

#[test]
fn sys_print_writes_utf8_and_flushes() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_print", "--nocapture", "--test-threads=1"])
        .env("HLRT_PRINT_CHILD", "1")
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    // sys_print flushed each message before `_exit`; printing stops at the NUL.
    assert!(s.contains("héllo 😀\na"), "{s:?}");
    assert!(!s.contains("ab"));
}
