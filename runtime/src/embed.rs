//! The embedding API of `runtime-c/include/hlc_embed.h`: a host process
//! starts the runtime for the program linked into a library built with
//! `hlc build --emit staticlib|cdylib`, runs its entry point, calls its
//! static functions, and shuts it down, as many times as it likes.
//!
//! - One VM at a time: its state ([`VmState`]) lives in the runtime context
//!   ([`crate::context`]), which `hlc_vm_destroy` drops. A handle is an
//!   opaque token, never dereferenced: a stale one is recognised.
//! - The thread that created the VM (the *host thread*) stays registered
//!   with the collector until `hlc_vm_destroy`, at a safe point whenever
//!   control is in the host, so program threads can collect meanwhile and
//!   the host can call `hl.h`'s functions. Any other thread calling into the
//!   VM is registered for the duration of the call.
//! - `Sys.exit` unwinds to the API call running on its thread (see
//!   `hlc_exit_unwind` in runtime-c), or ends the program thread calling it.
//! - `hlc_vm_destroy` waits (at most `HLC_VM_DESTROY_TIMEOUT_MS`, default
//!   5000) for calls running on other threads and for the program's threads
//!   to end; if they do not, it refuses and the VM stays alive.

use crate::abi::*;
use crate::module::hlc_program;
use crate::std::obj::StaticDyn;
use std::cell::{Cell, UnsafeCell};
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::{Mutex, OnceLock};

/// The opaque VM type of `hlc_embed.h`.
#[repr(C)]
pub struct hlc_vm {
    _private: [u8; 0],
}

/// The embedding host's VM, owned by the runtime context.
pub struct VmState {
    handle: usize,
    /// `pthread_self()` of the thread that created the VM.
    host_thread: usize,
    desc: *const hlc_program,
    /// API calls running now (`run_main`, `call`), on any thread.
    active_calls: AtomicUsize,
    /// Threads registered with the collector for the duration of a call.
    call_threads: AtomicUsize,
    /// The code of the last `Sys.exit`.
    exit_code: AtomicI32,
    /// GC roots holding the last call's result and exception.
    result: Box<UnsafeCell<*mut vdynamic>>,
    exception: Box<UnsafeCell<*mut vdynamic>>,
    /// Static functions by Haxe path (`pack.Class.method`) → function index
    /// and position in the module's function list.
    paths: OnceLock<HashMap<String, (u32, usize)>>,
}

/// Handle of the live VM (0: none), and what checks it against running
/// calls: a call is counted, or a destroy claims the VM, under this lock.
static LIVE: Mutex<usize> = Mutex::new(0);
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Handles are tokens: a tag no pointer has on x86-64 or aarch64 Linux
/// (non-canonical) and a generation, so a destroyed VM's handle never
/// matches a later one.
fn make_handle(generation: u64) -> usize {
    (0x4c56usize << 48) | ((generation as usize & 0x0fff_ffff_ffff) << 4)
}

/// The value `Sys.exit` unwinds with inside an embedded VM.
static EXIT_MARKER: StaticDyn = StaticDyn(UnsafeCell::new(vdynamic { t: hlt_void.0.get(), v: vdynamic_value { i64: 0 } }));

/// Whether `v` is the value `Sys.exit` unwinds with.
pub fn is_exit_marker(v: *mut vdynamic) -> bool {
    std::ptr::eq(v, EXIT_MARKER.0.get())
}

static STALE_TEXT: [u16; 61] = crate::std::types::ascii_u16::<61>(
    "hlc_vm_call: this VM is not alive (destroyed, or never made)",
);
/// The error `hlc_vm_call` gives for a handle that is not the live VM: a
/// HashLink error value (type `bytes`, UTF-16 text) that needs no VM.
static STALE_ERROR: StaticDyn = StaticDyn(UnsafeCell::new(vdynamic {
    t: hlt_bytes.0.get(),
    v: vdynamic_value { ptr: STALE_TEXT.as_ptr() as *mut c_void },
}));

/// `Sys.exit(code)` in an embedded VM: records the code and unwinds the
/// calling thread (see `hlc_exit_unwind`). Returns if the runtime is not
/// embedded, or the thread has no trap to unwind to.
pub fn exit_unwind(code: i32) {
    let Some(rt) = crate::context::try_rt() else { return };
    let Some(vm) = &rt.embed else { return };
    vm.exit_code.store(code, SeqCst);
    crate::start::flush_stdout();
    // SAFETY: the marker is a static value; unwinding skips only HL frames
    // and natives that call back into HL, as any HL exception does.
    unsafe { hlrt_c::hlc_exit_unwind(EXIT_MARKER.0.get().cast()) };
}

fn timeout() -> std::time::Duration {
    let ms = std::env::var("HLC_VM_DESTROY_TIMEOUT_MS").ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(5000);
    std::time::Duration::from_millis(ms)
}

fn self_thread() -> usize {
    // SAFETY: no preconditions.
    unsafe { crate::sys::c::pthread_self() as usize }
}

/// A `malloc`ed copy of `msg` for the host to `free`.
fn c_error(msg: &str) -> *mut c_char {
    let c = CString::new(msg.replace('\0', " ")).unwrap_or_default();
    // SAFETY: a valid C string; the copy belongs to the caller.
    unsafe { libc::strdup(c.as_ptr()) }
}

/// `hlc_vm_create` for program `desc` (the library's own `hlc_vm_create`
/// passes its descriptor).
///
/// # Safety
/// `desc` is a descriptor hlc emitted; `argv` holds `argc` C strings;
/// `error` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn hlc_embed_create(
    desc: *const hlc_program,
    argc: i32,
    argv: *const *const c_char,
    error: *mut *mut c_char,
) -> *mut hlc_vm {
    let fail = |msg: &str| {
        if !error.is_null() {
            *error = c_error(&format!("hlc_vm_create: {msg}"));
        }
        null_mut()
    };
    if desc.is_null() || (argc > 0 && argv.is_null()) {
        return fail("no program, or argc > 0 with argv null");
    }
    let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    if *live != 0 {
        return fail("a VM is already alive in this process (one at a time: destroy it first)");
    }
    if crate::gc::is_initialized() && crate::gc::registered_threads() > 0 && crate::gc::current_thread().is_null() {
        return fail("the runtime is in use by other threads of this process");
    }
    let handle = make_handle(GENERATION.fetch_add(1, SeqCst) + 1);
    let state = VmState {
        handle,
        host_thread: self_thread(),
        desc,
        active_calls: AtomicUsize::new(0),
        call_threads: AtomicUsize::new(0),
        exit_code: AtomicI32::new(0),
        result: Box::new(UnsafeCell::new(null_mut())),
        exception: Box::new(UnsafeCell::new(null_mut())),
        paths: OnceLock::new(),
    };
    let rt = match crate::context::start_embedded(state) {
        Ok(rt) => rt,
        Err(e) => return fail(&e),
    };
    crate::gc::init();
    // The host's frames above this call may hold values it allocates: its
    // whole stack is scanned.
    crate::gc::register_whole_stack();
    let vm = rt.embed.as_ref().expect("started embedded");
    crate::gc::add_root(vm.result.get().cast());
    crate::gc::add_root(vm.exception.get().cast());
    if let Err(e) = crate::start::start(rt, argc, argv, &*desc, None) {
        drop(live);
        crate::context::shutdown();
        return fail(&format!("cannot load the program: {e}"));
    }
    *live = handle;
    // Control goes back to the host: a safe point until its next call.
    crate::gc::park();
    handle as *mut hlc_vm
}

/// How the calling thread entered the VM, undone by [`leave`].
enum Entry {
    /// The host thread, parked at a safe point between calls.
    Parked,
    /// Registered for this call only (alternate signal stack given if 1).
    Registered(i32),
    /// Already running HL code (a native calling back into the VM).
    Nested,
}

thread_local! {
    /// Depth of API calls on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Checks that `vm` is the live VM and counts a call into it.
fn enter(vm: *mut hlc_vm) -> Result<&'static VmState, &'static str> {
    let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    if *live == 0 || *live != vm as usize {
        return Err("this VM is not alive (destroyed, or never made)");
    }
    let rt = crate::context::try_rt().ok_or("this VM is not alive")?;
    let state = rt.embed.as_ref().ok_or("this VM is not alive")?;
    state.active_calls.fetch_add(1, SeqCst);
    drop(live);
    Ok(state)
}

/// Makes the calling thread a running GC thread for an API call.
fn enter_thread(state: &VmState) -> Entry {
    let depth = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    let ts = crate::gc::current_thread();
    if ts.is_null() || (depth == 1 && crate::gc::current_is_implicit()) {
        // A thread other than the host's (registered by an allocation it made
        // before, or not at all): registered with its whole stack for the call.
        state.call_threads.fetch_add(1, SeqCst);
        crate::gc::register_whole_stack();
        // SAFETY: no preconditions; undone in `leave_thread`.
        let alt = unsafe { hlrt_c::hlc_signals_thread_init() };
        Entry::Registered(alt)
    } else if depth == 1 && crate::gc::is_blocking() {
        crate::gc::set_blocking(false);
        Entry::Parked
    } else {
        Entry::Nested
    }
}

fn leave_thread(state: &VmState, e: Entry) {
    DEPTH.with(|d| d.set(d.get() - 1));
    match e {
        Entry::Parked => crate::gc::park(),
        Entry::Registered(alt) => {
            crate::gc::unregister_thread();
            state.call_threads.fetch_sub(1, SeqCst);
            if alt != 0 {
                // SAFETY: frees the stack `enter_thread` installed.
                unsafe { hlrt_c::hlc_signals_thread_free() };
            }
        }
        Entry::Nested => {}
    }
}

/// `hlc_vm_run_main`: runs the entry point (static initialisers, then
/// `main`): 0, the code of `Sys.exit`, or 1 after printing an uncaught
/// exception as an executable does. -1 (with a message on stderr) if `vm` is
/// not the live VM.
///
/// # Safety
/// `vm` is a handle `hlc_vm_create` returned (a stale one is detected).
#[no_mangle]
pub unsafe extern "C" fn hlc_vm_run_main(vm: *mut hlc_vm) -> i32 {
    let state = match enter(vm) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hlc_vm_run_main: {e}");
            return -1;
        }
    };
    let entry = enter_thread(state);
    let mut out: *mut c_void = null_mut();
    let ok = hlrt_c::hlc_call_embedded(null_mut(), Some((*state.desc).entry), null_mut(), 0, &mut out);
    let code = if ok != 0 {
        0
    } else if is_exit_marker(out.cast()) {
        state.exit_code.load(SeqCst)
    } else {
        crate::start::print_uncaught(out.cast());
        1
    };
    crate::start::flush_stdout();
    leave_thread(state, entry);
    state.active_calls.fetch_sub(1, SeqCst);
    code
}

/// `hlc_vm_call`: calls the static function at `path` with boxed `args`.
///
/// # Safety
/// `vm` is a handle `hlc_vm_create` returned; `path` a C string; `args`
/// holds `nargs` values (null or boxed HashLink values); `exception` is null
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn hlc_vm_call(
    vm: *mut hlc_vm,
    path: *const c_char,
    args: *mut *mut vdynamic,
    nargs: i32,
    exception: *mut *mut vdynamic,
) -> *mut vdynamic {
    let set_exc = |e: *mut vdynamic| {
        if !exception.is_null() {
            *exception = e;
        }
    };
    set_exc(null_mut());
    let state = match enter(vm) {
        Ok(s) => s,
        Err(_) => {
            set_exc(STALE_ERROR.0.get());
            return null_mut();
        }
    };
    let entry = enter_thread(state);
    *state.result.get() = null_mut();
    *state.exception.get() = null_mut();
    let result = call(state, path, args, nargs);
    let out = match result {
        Ok(v) => {
            *state.result.get() = v;
            v
        }
        Err(e) => {
            *state.exception.get() = e;
            set_exc(e);
            null_mut()
        }
    };
    leave_thread(state, entry);
    state.active_calls.fetch_sub(1, SeqCst);
    out
}

unsafe fn call(state: &VmState, path: *const c_char, args: *mut *mut vdynamic, nargs: i32) -> Result<*mut vdynamic, *mut vdynamic> {
    let program = crate::start::program();
    if path.is_null() {
        return Err(haxe_string("hlc_vm_call: the path is null"));
    }
    let path = CStr::from_ptr(path).to_string_lossy();
    // The module with its functions (an executable's runtime loads it without them).
    let Some(m) = program.debug.full_module(program.main.debug_id) else {
        return Err(haxe_string("hlc_vm_call: the program's bytecode cannot be read"));
    };
    let paths = state.paths.get_or_init(|| static_functions(&m));
    let Some(&(findex, i)) = paths.get(path.as_ref()) else {
        return Err(haxe_string(&format!(
            "hlc_vm_call: no static function `{path}` in the program (a Haxe path, `pack.Class.method`; keep it from dead-code elimination with @:keep)"
        )));
    };
    let ft = program.main.ty(m.functions[i].ty);
    let expected = (*(*ft).fun()).nargs;
    if nargs != expected || (nargs > 0 && args.is_null()) {
        return Err(haxe_string(&format!("hlc_vm_call: `{path}` takes {expected} argument(s), {nargs} given")));
    }
    let mut closure =
        vclosure { t: ft, fun: program.main.functions[findex as usize], has_value: 0, stack_count: 0, value: null_mut() };
    let mut out: *mut c_void = null_mut();
    let ok = hlrt_c::hlc_call_embedded((&mut closure as *mut vclosure).cast(), None, args.cast(), nargs, &mut out);
    if ok != 0 {
        Ok(out.cast())
    } else if is_exit_marker(out.cast()) {
        Err(haxe_string(&format!("Sys.exit({})", state.exit_code.load(SeqCst))))
    } else {
        Err(out.cast())
    }
}

/// Static functions by Haxe path: functions bound to a field of a class
/// object (`pack.$Cls`), named `pack.Cls.field`.
fn static_functions(m: &hlbc::Module) -> HashMap<String, (u32, usize)> {
    let names = hlbc::names::FunctionNames::new(m);
    let mut out = HashMap::new();
    for (i, f) in m.functions.iter().enumerate() {
        let hlbc::names::Owner::Field { obj, .. } = names.owner(i) else { continue };
        let Some(o) = m.ty(obj).as_obj() else { continue };
        let tname = m.str(o.name);
        let last = tname.rsplit('.').next().unwrap_or("");
        if last.starts_with('$') {
            out.insert(names.dump_name(m, i), (f.findex.0, i));
        }
    }
    out
}

/// A Haxe `String` holding `msg` (a HashLink error value if the program has
/// no `String` class).
unsafe fn haxe_string(msg: &str) -> *mut vdynamic {
    let program = crate::start::program();
    let m = &program.main.module;
    let found = m.types.iter().enumerate().find_map(|(i, t)| {
        let o = t.as_obj()?;
        (m.str(o.name) == "String").then_some((hlbc::TypeIdx(i as u32), o))
    });
    let Some((ti, o)) = found else { return crate::start::error_value(msg) };
    // The field offsets, from the class's runtime object (built at start-up).
    let rt = (*(*program.main.ty(ti)).obj()).rt;
    let field = |name: &str| o.fields.iter().position(|f| m.str(f.name) == name);
    let (Some(b), Some(l)) = (field("bytes"), field("length")) else {
        return crate::start::error_value(msg);
    };
    if rt.is_null() || o.super_.is_some() || (*rt).nfields as usize != o.fields.len() {
        return crate::start::error_value(msg);
    }
    // String has no super class: its own fields are the runtime object's.
    let offset = |k: usize| *(*rt).fields_indexes.add(k) as usize;
    let units: Vec<u16> = msg.encode_utf16().chain([0]).collect();
    let bytes = crate::std::alloc_noptr(units.len() * 2) as *mut u16;
    std::ptr::copy_nonoverlapping(units.as_ptr(), bytes, units.len());
    let s = crate::std::obj::hl_alloc_obj(program.main.ty(ti));
    let base = s as *mut u8;
    *(base.add(offset(b)) as *mut *mut u16) = bytes;
    *(base.add(offset(l)) as *mut i32) = (units.len() - 1) as i32;
    s
}

/// `hlc_vm_destroy`: waits for calls running on other threads and for the
/// program's threads to end (at most `HLC_VM_DESTROY_TIMEOUT_MS`), then
/// frees everything. Refuses, with a message on stderr and the VM left
/// alive, when called with a stale handle, from a thread other than the
/// host thread, or when the wait times out.
///
/// # Safety
/// `vm` is a handle `hlc_vm_create` returned (a stale one is detected).
#[no_mangle]
pub unsafe extern "C" fn hlc_vm_destroy(vm: *mut hlc_vm) {
    let state = {
        let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        if *live == 0 || *live != vm as usize {
            eprintln!("hlc_vm_destroy: this VM is not alive (destroyed, or never made): nothing done");
            return;
        }
        let Some(state) = crate::context::try_rt().and_then(|r| r.embed.as_ref()) else { return };
        if state.host_thread != self_thread() {
            eprintln!("hlc_vm_destroy: refused: call it from the thread that created the VM; the VM stays alive");
            return;
        }
        if DEPTH.with(|d| d.get()) > 0 {
            eprintln!("hlc_vm_destroy: refused: called from inside a call into the VM; the VM stays alive");
            return;
        }
        state
    };
    let limit = timeout();
    let start = std::time::Instant::now();
    loop {
        {
            let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
            let calls = state.active_calls.load(SeqCst);
            // The host thread itself stays registered (parked) until the end;
            // threads registered for a call are counted as calls.
            let threads =
                crate::gc::registered_threads().saturating_sub(1 + state.call_threads.load(SeqCst));
            if calls == 0 && threads == 0 {
                *live = 0;
                break;
            }
            if start.elapsed() >= limit {
                eprintln!(
                    "hlc_vm_destroy: refused after {} ms: {calls} call(s) into the VM still running on other threads, {threads} program thread(s) still running; the VM stays alive (call hlc_vm_destroy again once they have ended)",
                    limit.as_millis()
                );
                return;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    debug_assert_eq!(state.handle, vm as usize);
    // The host thread leaves its safe point; the shutdown unregisters it.
    crate::gc::set_blocking(false);
    crate::context::shutdown();
}
