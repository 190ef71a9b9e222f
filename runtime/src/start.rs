//! Program start and the error entry points: `hlc_main` (called by the `main`
//! that hlc generates), the uncaught-exception report, and the natives that
//! raise HashLink errors (`Null access`, assertions).

use crate::abi::*;
use crate::module::{hlc_program, Program};
use std::ffi::{c_char, c_void, CStr};

/// The running program. Panics if called before a program was loaded.
pub fn program() -> &'static Program {
    match try_program() {
        Some(p) => p,
        None => panic!("no HashLink program is loaded"),
    }
}

/// The running program, if any.
pub fn try_program() -> Option<&'static Program> {
    crate::context::try_rt()?.program()
}

extern "C" {
    fn hl_to_string(v: *mut vdynamic) -> *const uchar;
}

/// Prints a fatal runtime error and exits, as HashLink's `hl_fatal` does.
#[no_mangle]
pub unsafe extern "C" fn hlc_fatal(msg: *const c_char) {
    let msg = CStr::from_ptr(msg).to_string_lossy();
    fatal(&msg);
}

pub fn fatal(msg: &str) -> ! {
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    eprintln!("hlc runtime: FATAL ERROR : {msg}");
    std::process::exit(1);
}

/// Entry point used by generated executables.
///
/// # Safety
/// `desc` must be the descriptor emitted by hlc; `argv` holds `argc` C strings.
#[no_mangle]
pub unsafe extern "C" fn hlc_main(argc: i32, argv: *const *const c_char, desc: *const hlc_program) -> i32 {
    run_main(argc, argv, &*desc, None)
}

/// Starts the runtime, loads the program `desc` describes (from `module`, or
/// else by parsing its bytecode), runs its entry point and reports an
/// uncaught exception; returns the exit code. The JIT calls this directly.
/// The runtime is not shut down: the process exits after this.
///
/// # Safety
/// As for [`hlc_main`]; `module`, if given, is the one `desc` was compiled from.
pub unsafe fn run_main(argc: i32, argv: *const *const c_char, desc: &hlc_program, module: Option<std::sync::Arc<hlbc::Module>>) -> i32 {
    let stack_top = 0usize;
    crate::gc::init();
    crate::gc::hl_register_thread(&stack_top as *const usize as *mut c_void);
    let rt = crate::context::rt();
    if let Err(e) = start(rt, argc, argv, desc, module) {
        fatal(&format!("cannot load the program: {e}"));
    }
    let code = match run_entry(desc) {
        Ok(()) => 0,
        Err(exc) => {
            print_uncaught(exc);
            1
        }
    };
    flush_stdout();
    if std::env::var_os("HLC_GC_STATS").is_some() {
        report_gc_stats();
    }
    std::hint::black_box(&stack_top);
    code
}

/// Fills context `rt` for the program `desc` describes: the arguments
/// (`argv[1..]`, copied), the error hook, the program (types built, globals
/// rooted, constants made), the stack-overflow value and the signal
/// handlers. The collector runs and the calling thread is registered.
///
/// # Safety
/// As for [`run_main`].
/// The structures C and Rust both declare have the same layout (a wrong
/// `jmp_buf` size for the C library would move every field after it).
fn check_c_layout() -> Result<(), String> {
    let mut c = [0usize; 4];
    // SAFETY: writes four words into `c`.
    unsafe { hlrt_c::hlc_c_layout(&mut c) };
    let rust = [
        std::mem::size_of::<jmp_buf>(),
        std::mem::offset_of!(hl_trap_ctx, prev),
        std::mem::offset_of!(hl_thread_info, exc_stack_trace),
        std::mem::size_of::<hl_thread_info>(),
    ];
    if c != rust {
        return Err(format!("the runtime's C and Rust parts disagree on structure layout (jmp_buf, trap prev, exc_stack_trace, thread info): C {c:?}, Rust {rust:?}"));
    }
    Ok(())
}

pub(crate) unsafe fn start(
    rt: &'static crate::context::Runtime,
    argc: i32,
    argv: *const *const c_char,
    desc: &hlc_program,
    module: Option<std::sync::Arc<hlbc::Module>>,
) -> Result<&'static Program, String> {
    crate::std::set_error_hook(throw_error_ucs2);
    check_c_layout()?;
    let args: Vec<&CStr> = (1..argc.max(0) as usize).map(|i| CStr::from_ptr(*argv.add(i))).collect();
    rt.sys.set_args(&args);
    let mut program = match module {
        Some(m) => Program::load_module(desc, m),
        None => Program::load(desc),
    }
    .map_err(|e| e.0)?;
    program.init_globals();
    let program = rt.set_program(program)?;
    rt.install_signals();
    Ok(program)
}

/// Runs the entry function `desc` names under a trap: the exception it
/// let escape, if any.
///
/// # Safety
/// The runtime was started for `desc`; the calling thread is registered.
pub(crate) unsafe fn run_entry(desc: &hlc_program) -> Result<(), *mut vdynamic> {
    let mut exc: *mut c_void = std::ptr::null_mut();
    if hlrt_c::hlc_run_protected(desc.entry, &mut exc) != 0 {
        Ok(())
    } else {
        Err(exc.cast())
    }
}

/// `HLC_GC_STATS=1`: one line of collector figures on stderr at exit.
fn report_gc_stats() {
    let s = crate::gc::stats();
    eprintln!(
        "hlc-gc: collections={} allocated={} allocations={} live={} heap={} gc_ms={:.1}",
        s.collections,
        s.total_allocated,
        s.allocation_count,
        s.live_bytes,
        s.heap_bytes,
        s.total_collection_ns as f64 / 1e6
    );
}

/// `hl_print_uncaught_exception`: the value and the stack it was thrown
/// from, on stdout, as HashLink prints them.
#[no_mangle]
pub unsafe extern "C" fn hl_print_uncaught_exception(exc: *mut vdynamic) {
    print_uncaught(exc);
    flush_stdout();
}

pub(crate) unsafe fn print_uncaught(exc: *mut vdynamic) {
    let text = ucs2_to_string(hl_to_string(exc));
    let mut out = format!("Uncaught exception: {text}\n");
    for frame in crate::stack::exception_frames() {
        out.push_str("Called from ");
        out.push_str(&frame);
        out.push('\n');
    }
    write_stdout(out.as_bytes());
}

unsafe fn ucs2_to_string(p: *const uchar) -> String {
    if p.is_null() {
        return "null".into();
    }
    let mut n = 0;
    while *p.add(n) != 0 {
        n += 1;
    }
    String::from_utf16_lossy(std::slice::from_raw_parts(p, n))
}

/// The error hook of the natives: throws a NUL-terminated UTF-16 message.
unsafe extern "C" fn throw_error_ucs2(msg: *const uchar) -> ! {
    throw_error(&ucs2_to_string(msg));
}

/// Throws a HashLink error message: a dynamic of type `bytes` holding UTF-16 text.
pub unsafe fn throw_error(msg: &str) -> ! {
    hl_throw(error_value(msg));
}

/// The value HashLink errors throw: a dynamic of type `bytes` holding UTF-16 text.
pub(crate) unsafe fn error_value(msg: &str) -> *mut vdynamic {
    let mut units: Vec<u16> = msg.encode_utf16().collect();
    units.push(0);
    let bytes = crate::gc::hl_gc_alloc_gen(hlt_bytes.get(), (units.len() * 2) as i32, mem::KIND_NOPTR) as *mut u16;
    std::ptr::copy_nonoverlapping(units.as_ptr(), bytes, units.len());
    // A dynamic block (scanned), since it points to the text.
    let d = crate::std::obj::hl_alloc_dynamic(hlt_bytes.get());
    (*d).v.ptr = bytes.cast();
    d
}

extern "C" {
    pub fn hl_throw(v: *mut vdynamic) -> !;
}

/// `hl_null_access`.
#[no_mangle]
pub unsafe extern "C" fn hl_null_access() {
    throw_error("Null access");
}

/// `hl_null_access_field`: names the field when the program knows its hash.
#[no_mangle]
pub unsafe extern "C" fn hl_null_access_field(hashed_name: i32) {
    match field_name(hashed_name) {
        Some(name) => throw_error(&format!("Null access .{name}")),
        None => throw_error("Null access"),
    }
}

/// The field name with this hash, from the runtime's name cache.
fn field_name(hash: i32) -> Option<String> {
    // SAFETY: hl_field_name returns a NUL-terminated UTF-16 string (the name, or "???").
    let name = unsafe { crate::std::ucs2::ucs2_to_string(crate::std::bytes::hl_field_name(hash) as *const u16) };
    (name != "???").then_some(name)
}

/// Writes to standard output through C's `stdout`, which `sys_print` also uses.
pub fn write_stdout(bytes: &[u8]) {
    // SAFETY: the pointer and length describe `bytes`; stdout_file() is C's stdout.
    unsafe {
        libc::fwrite(bytes.as_ptr().cast(), 1, bytes.len(), stdout_file());
    }
}

/// Flushes C's `stdout` and Rust's.
pub fn flush_stdout() {
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    // SAFETY: fflush(NULL) flushes every C output stream; no precondition.
    unsafe {
        libc::fflush(std::ptr::null_mut());
    }
}

fn stdout_file() -> *mut libc::FILE {
    // SAFETY: returns C's stdout stream; no preconditions.
    unsafe { hlrt_c::hlc_c_stdout().cast() }
}

/// Called by the stubs hlc generates for natives no library provided: an
/// optional native (`?lib@name`) throws what HashLink throws for it
/// ([`hl_prim_not_loaded`]); any other (`hlc build --allow-missing-natives`)
/// an error naming the native.
#[no_mangle]
pub unsafe extern "C" fn hlc_missing_native(name: *const c_char) {
    let name = CStr::from_ptr(name).to_string_lossy();
    if name.starts_with('?') {
        hl_prim_not_loaded();
    }
    throw_error(&format!("Missing native function {name} (not provided by the hlc runtime or a --lib library)"));
}

/// `hl_prim_not_loaded`: what an optional native that no library provides
/// does when called.
#[no_mangle]
pub unsafe extern "C" fn hl_prim_not_loaded() {
    throw_error("Primitive or library is missing");
}

/// `hl_assert`.
#[no_mangle]
pub unsafe extern "C" fn hl_assert() {
    throw_error("Assert");
}

/// `std@breakpoint`: a no-op without a debugger.
#[no_mangle]
pub extern "C" fn hl_breakpoint() {}

/// `std@set_error_handler`.
#[no_mangle]
pub unsafe extern "C" fn hl_set_error_handler(handler: *mut vclosure) {
    let t = crate::gc::hl_get_thread();
    (*t).trap_uncaught = (*t).trap_current;
    (*t).exc_handler = handler;
}
