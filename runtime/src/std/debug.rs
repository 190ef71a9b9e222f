//! Natives of libhl's debug.c, track.c and the raw stack primitives of
//! error.c: raw call and exception stacks, symbol resolution, allocation
//! tracking (compiled out in standard HashLink builds, so it reports
//! nothing, as there), GUID names, and the debugger natives, which drive
//! another process through ptrace and are not supported by hlc.

use crate::abi::*;
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::Mutex;

/// `call_stack_raw(arr)`: return addresses of the current stack into `arr`
/// (up to its size); with null, just their count.
#[no_mangle]
pub unsafe extern "C" fn hl_call_stack_raw(arr: *mut varray) -> i32 {
    let mut buf = [std::ptr::null_mut(); HL_EXC_MAX_STACK];
    let n = crate::stack::capture(&mut buf);
    if arr.is_null() {
        return n as i32;
    }
    let n = n.min((*arr).size.max(0) as usize);
    std::ptr::copy_nonoverlapping(buf.as_ptr(), varray::data(arr) as *mut *mut c_void, n);
    n as i32
}

/// `exception_stack_raw(arr)`: the last exception's return addresses into `arr`.
#[no_mangle]
pub unsafe extern "C" fn hl_exception_stack_raw(arr: *mut varray) -> i32 {
    let t = crate::gc::hl_get_thread();
    if t.is_null() {
        return 0;
    }
    let n = ((*t).exc_stack_count.max(0) as usize).min(HL_EXC_MAX_STACK);
    if !arr.is_null() {
        let trace = &(&(*t).exc_stack_trace)[..n];
        std::ptr::copy_nonoverlapping(trace.as_ptr(), varray::data(arr) as *mut *mut c_void, n);
    }
    n as i32
}

/// `resolve_symbol(addr, out, &size)`: `Class.method(File.hx:line)` of a code
/// address into `out` (UTF-16, `*size` units available; set to the length),
/// or null when the address is not in HL code.
#[no_mangle]
pub unsafe extern "C" fn hl_resolve_symbol(addr: *mut c_void, out: *mut uchar, size: *mut i32) -> *mut uchar {
    let Some(p) = crate::start::try_program() else { return std::ptr::null_mut() };
    let Some(text) = p.debug.resolve(addr as usize) else { return std::ptr::null_mut() };
    let units: Vec<u16> = text.encode_utf16().collect();
    let room = (*size).max(1) as usize - 1;
    let n = units.len().min(room);
    std::ptr::copy_nonoverlapping(units.as_ptr(), out, n);
    *out.add(n) = 0;
    *size = n as i32;
    out
}

/// `is_prim_loaded(f)`: whether a closure holds a function. The stub hlc
/// builds for a native nobody provides (an optional one, or any with
/// `--allow-missing-natives`) is a function too, so this is true for it,
/// where HashLink answers false: the program does not list its stubs.
#[no_mangle]
pub unsafe extern "C" fn hl_is_prim_loaded(f: *mut vdynamic) -> bool {
    !f.is_null() && (*(*f).t).kind == kind::HFUN
}

/// GUID names given by `register_guid_name`, owned by the runtime context.
#[derive(Default)]
pub struct GuidNames(Mutex<HashMap<i64, String>>);

impl GuidNames {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, String>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `register_guid_name(guid, name)`: remembers (or with null, forgets) a GUID's name.
#[no_mangle]
pub unsafe extern "C" fn hl_register_guid_name(guid: i64, name: *mut vbyte) {
    let mut map = crate::context::rt().guid_names.lock();
    if name.is_null() {
        map.remove(&guid);
    } else {
        map.insert(guid, super::ucs2::ucs2_to_string(name as *const u16));
    }
}

/// The name registered for a GUID, if any.
pub fn guid_name(guid: i64) -> Option<String> {
    crate::context::rt().guid_names.lock().get(&guid).cloned()
}

/// `hl_guid_str(guid, buf)`: the name registered for a GUID (a GC copy), or
/// its text (`XXXX-XXXX-XXX`, or `0`) written into `buf` (14 units).
#[no_mangle]
pub unsafe extern "C" fn hl_guid_str(guid: i64, buf: *mut uchar) -> *mut uchar {
    if let Some(name) = guid_name(guid) {
        return super::ucs2::ucs2_from_str(&name);
    }
    let text = super::tostring::guid_str(guid);
    let units: Vec<u16> = text.encode_utf16().take(13).collect();
    std::ptr::copy_nonoverlapping(units.as_ptr(), buf, units.len());
    *buf.add(units.len()) = 0;
    buf
}

/// `hl_detect_debugger`: whether a debugger traces this process (Linux:
/// a non-zero `TracerPid` in /proc/self/status, read once).
#[no_mangle]
pub extern "C" fn hl_detect_debugger() -> bool {
    static TRACED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRACED.get_or_init(|| {
        let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return false };
        status
            .lines()
            .find_map(|l| l.strip_prefix("TracerPid:"))
            .and_then(|v| v.trim().parse::<i64>().ok())
            .is_some_and(|pid| pid > 0)
    })
}

/// `hl_track`: the allocation-tracking hooks C code tests with
/// `hl_is_tracking`; its flags stay 0 (hlc reports no tracked allocations).
#[no_mangle]
pub static mut hl_track: hl_track_info =
    hl_track_info { flags: 0, on_alloc: None, on_cast: None, on_dynfield: None, on_dyncall: None };

// Allocation tracking: libhl compiles it in only with HL_TRACK_ENABLE, which
// standard builds do not define; these are its natives in that configuration.

/// `track_init`.
#[no_mangle]
pub extern "C" fn hl_track_init() {}

/// `track_lock`.
#[no_mangle]
pub extern "C" fn hl_track_lock(_lock: bool) {}

/// `track_count(&depth)`: no tracked entries.
#[no_mangle]
pub unsafe extern "C" fn hl_track_count(depth: *mut i32) -> i32 {
    if !depth.is_null() {
        *depth = 0;
    }
    0
}

/// `track_entry(...)`: every id is out of range.
#[no_mangle]
pub extern "C" fn hl_track_entry(_id: i32, _t: *mut *mut hl_type, _count: *mut i32, _info: *mut i32, _stack: *mut varray) -> i32 {
    -1
}

/// `track_get_bits`.
#[no_mangle]
pub extern "C" fn hl_track_get_bits(_thread: bool) -> i32 {
    0
}

/// `track_set_bits`.
#[no_mangle]
pub extern "C" fn hl_track_set_bits(_flags: i32, _thread: bool) {}

/// `track_set_depth`.
#[no_mangle]
pub extern "C" fn hl_track_set_depth(_depth: i32) {}

/// `track_reset`.
#[no_mangle]
pub extern "C" fn hl_track_reset() {}

/// `mem_compact`: HashLink's object-graph compaction (for hot reload) is not
/// supported by hlc.
#[no_mangle]
pub unsafe extern "C" fn hl_mem_compact(_d: *mut vdynamic, _exclude: *mut varray, _flags: i32, _count: *mut i32) -> *mut vdynamic {
    super::raise_error("mem_compact is not supported by hlc");
}

macro_rules! debugger_native {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {$(
        /// A debugger native (attaching to another process): not supported by hlc.
        #[no_mangle]
        pub unsafe extern "C" fn $name($(_: $ty),*) -> $ret {
            super::raise_error(concat!(stringify!($name), ": the HashLink debugger API is not supported by hlc"));
        }
    )*};
}

debugger_native! {
    hl_debug_start(pid: i32) -> bool;
    hl_debug_stop(pid: i32) -> ();
    hl_debug_breakpoint(pid: i32) -> bool;
    hl_debug_read(pid: i32, addr: *mut u8, buf: *mut u8, size: i32) -> bool;
    hl_debug_write(pid: i32, addr: *mut u8, buf: *mut u8, size: i32) -> bool;
    hl_debug_flush(pid: i32, addr: *mut u8, size: i32) -> bool;
    hl_debug_wait(pid: i32, thread: *mut i32, timeout: i32) -> i32;
    hl_debug_resume(pid: i32, thread: i32) -> bool;
    hl_debug_read_register(pid: i32, thread: i32, reg: i32, is64: bool) -> *mut u8;
    hl_debug_write_register(pid: i32, thread: i32, reg: i32, value: *mut u8, is64: bool) -> bool;
}
