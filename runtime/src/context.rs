//! The runtime context: every piece of state one run of a program has, in
//! one value created when the runtime starts and dropped when it shuts down
//! (see "Runtime lifecycle" in docs/ARCHITECTURE.md).
//!
//! Natives and generated code reach the context through [`rt`]. An
//! executable starts it in `hlc_main` and never drops it (the process exits);
//! an embedding host starts and drops it with `hlc_vm_create` /
//! `hlc_vm_destroy` ([`crate::embed`]), any number of times. Natives called
//! before any start (libhl's functions used by a host, the runtime's own
//! tests) get a context without a program, created on first use, as
//! HashLink's `hl_global_init` would.
//!
//! A few pieces of state are reached by C code through fixed symbols of the
//! libhl ABI: `hl_setup` (the host block of `hl.h`) and the built-in types
//! (`hlt_*`). They stay statics; the context fills `hl_setup` at start and
//! resets it when dropped, and the `hlt_*` types are constant.

use crate::abi::vdynamic;
use crate::module::Program;
use std::cell::UnsafeCell;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, OnceLock};

/// All state of one run of the runtime.
pub struct Runtime {
    /// The loaded program: its modules, types, globals and code maps.
    program: OnceLock<Program>,
    /// Field names recorded by `hl_hash_gen` (`std/bytes.rs`).
    pub(crate) names: crate::std::bytes::NameCache,
    /// Names given to GUIDs (`std/debug.rs`).
    pub(crate) guid_names: crate::std::debug::GuidNames,
    /// Threads started by the program, and named threads (`std/thread.rs`).
    pub(crate) threads: crate::std::thread::Threads,
    /// Program arguments and print flags (`std/sys.rs`).
    pub(crate) sys: crate::std::sys::SysState,
    /// The value thrown on stack overflow, allocated in advance; a GC root.
    stack_overflow: Box<UnsafeCell<*mut vdynamic>>,
    /// Whether this context installed the signal handlers (restored on drop).
    signals: std::sync::atomic::AtomicBool,
    /// The embedding host's VM, when a host started this context.
    pub(crate) embed: Option<crate::embed::VmState>,
}

// SAFETY: every field is either synchronised (mutexes, atomics, OnceLock) or
// written only while no HL code runs (the stack-overflow slot, at start).
unsafe impl Sync for Runtime {}
unsafe impl Send for Runtime {}

/// The current context, or null.
static CURRENT: AtomicPtr<Runtime> = AtomicPtr::new(null_mut());
/// Serialises creating and dropping contexts.
static LIFECYCLE: Mutex<()> = Mutex::new(());

impl Runtime {
    fn new(embed: Option<crate::embed::VmState>) -> Runtime {
        Runtime {
            program: OnceLock::new(),
            names: Default::default(),
            guid_names: Default::default(),
            threads: Default::default(),
            sys: Default::default(),
            stack_overflow: Box::new(UnsafeCell::new(null_mut())),
            signals: Default::default(),
            embed,
        }
    }

    /// The loaded program, if one was loaded into this context.
    pub fn program(&self) -> Option<&Program> {
        self.program.get()
    }

    /// Makes `p` this context's program (once).
    pub(crate) fn set_program(&self, p: Program) -> Result<&Program, String> {
        self.program.set(p).map_err(|_| "a program is already loaded in this runtime".to_string())?;
        Ok(self.program.get().expect("just set"))
    }

    /// Allocates the stack-overflow value, roots it and installs the signal
    /// handlers that throw it (the GC must be running).
    pub(crate) unsafe fn install_signals(&self) {
        let slot = self.stack_overflow.get();
        *slot = crate::start::error_value("Stack overflow");
        crate::gc::add_root(slot.cast());
        hlrt_c::hlc_signals_init((*slot).cast());
        self.signals.store(true, Ordering::Release);
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if self.signals.load(Ordering::Acquire) {
            // SAFETY: restores what hlc_signals_init replaced; no HL code runs.
            unsafe { hlrt_c::hlc_signals_free() };
        }
        // SAFETY: no HL code runs while a context is dropped (see `shutdown`).
        unsafe { crate::std::sys::reset_setup() };
    }
}

/// The current context, created (without a program) if there is none.
#[inline]
pub fn rt() -> &'static Runtime {
    let p = CURRENT.load(Ordering::Acquire);
    if !p.is_null() {
        // SAFETY: a published context lives until `shutdown`, which runs only
        // when no other thread uses the runtime.
        return unsafe { &*p };
    }
    create(None)
}

/// The current context, if there is one.
#[inline]
pub fn try_rt() -> Option<&'static Runtime> {
    let p = CURRENT.load(Ordering::Acquire);
    // SAFETY: as in `rt`.
    (!p.is_null()).then(|| unsafe { &*p })
}

#[cold]
fn create(embed: Option<crate::embed::VmState>) -> &'static Runtime {
    let _g = LIFECYCLE.lock().unwrap_or_else(|e| e.into_inner());
    let p = CURRENT.load(Ordering::Acquire);
    if !p.is_null() {
        // SAFETY: as in `rt`.
        return unsafe { &*p };
    }
    let p = Box::into_raw(Box::new(Runtime::new(embed)));
    CURRENT.store(p, Ordering::Release);
    // SAFETY: just published; freed only by `shutdown`.
    unsafe { &*p }
}

/// Starts a context for an embedding host: fails if one with a program
/// exists already. A context without a program (hl.h used before) is
/// dropped first.
pub(crate) fn start_embedded(state: crate::embed::VmState) -> Result<&'static Runtime, String> {
    if let Some(r) = try_rt() {
        if r.program().is_some() || r.embed.is_some() {
            return Err("a program is already running in this process".into());
        }
        shutdown();
    }
    Ok(create(Some(state)))
}

/// Ends the runtime: runs every pending finalizer, drops the context
/// (program, names, threads, GUID names, arguments, signal handlers,
/// `hl_setup`), releases the collector's global lock and thread list, and
/// frees the GC heap. The calling thread must be the only thread registered
/// with the collector (or none is); afterwards every GC pointer is invalid
/// and the runtime may start again.
pub fn shutdown() {
    let _g = LIFECYCLE.lock().unwrap_or_else(|e| e.into_inner());
    crate::gc::finalize_all();
    let p = CURRENT.swap(null_mut(), Ordering::AcqRel);
    if !p.is_null() {
        // SAFETY: made by Box::into_raw in `create` and unpublished above;
        // no other thread runs HL code or natives now.
        drop(unsafe { Box::from_raw(p) });
    }
    crate::gc::global::release();
    crate::gc::shutdown();
}

