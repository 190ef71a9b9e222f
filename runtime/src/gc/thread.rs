//! Registered threads, their allocation buffers, register capture and the
//! cooperative stop-the-world protocol.
//!
//! A thread is *at a safe point* while its `gc_blocking` counter is positive;
//! before raising it, the thread records its stack pointer (`stack_cur`) and
//! spills its callee-saved registers into `gc_regs`, so a collector can scan
//! `[stack_cur, stack_top)` plus those registers. A collector holds the GC
//! lock, raises `STOPPING` and waits until every other registered thread is
//! at a safe point. Threads reach one by allocating on the slow path (which
//! takes the GC lock), by `hl_blocking(true)`, or at `hl_gc_safepoint`;
//! generated code polls [`STOPPING`] on every loop back-edge and calls
//! `hl_gc_safepoint` when it is set.

use super::heap::{Page, NKINDS};
use super::size::NCLASSES;
use crate::abi::hl_thread_info;
use std::cell::Cell;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering::*};
use std::sync::{Mutex, MutexGuard};

/// The GC lock: held by a collector for a whole collection, and briefly for
/// page refills, large allocations, roots and the thread list.
pub static LOCK: Mutex<()> = Mutex::new(());
/// A collector is stopping (or has stopped) the world. Exported as
/// `hlc_gc_stopping`: generated code loads this byte on every loop back-edge
/// and calls `hlc_gc_poll` when it is set, so a thread spinning in a
/// loop that neither allocates nor calls a blocking native still stops.
#[export_name = "hlc_gc_stopping"]
pub static STOPPING: AtomicBool = AtomicBool::new(false);

pub type Guard = MutexGuard<'static, ()>;

/// A thread-local allocation buffer: free blocks of one class and kind in
/// one page, either a run handed out by bumping `cursor` up to `limit`, or
/// (once the run is used up) the free blocks of one bitmap word, the set bits
/// of `mask` (bit `b` is the block at `mask_base + b * block size`).
#[repr(C)]
pub struct Tlab {
    pub cursor: usize,
    pub limit: usize,
    pub mask: u64,
    pub mask_base: usize,
    pub page: *mut Page,
    /// The run's memory is known to be zero (not said of `mask` blocks).
    pub zeroed: bool,
}

impl Tlab {
    pub const EMPTY: Tlab = Tlab {
        cursor: 0,
        limit: 0,
        mask: 0,
        mask_base: 0,
        page: null_mut(),
        zeroed: false,
    };
}

/// Per-thread state; `info` comes first so the pointer is also the
/// `hl_thread_info*` that `hl_get_thread` returns.
#[repr(C)]
pub struct ThreadState {
    pub info: hl_thread_info,
    pub tlabs: [[Tlab; NCLASSES]; NKINDS],
    /// Allocations served (written only by the owner).
    pub alloc_count: AtomicU64,
    /// Registered implicitly (stack bounds from pthread).
    pub implicit: bool,
}

thread_local! {
    static CURRENT: Cell<*mut ThreadState> = const { Cell::new(null_mut()) };
    static EXIT_GUARD: ExitGuard = const { ExitGuard };
}

/// Unregisters a thread that exits while still registered.
struct ExitGuard;
impl Drop for ExitGuard {
    fn drop(&mut self) {
        if !current().is_null() {
            // SAFETY: the thread is registered (checked) and exiting; nothing runs HL code on it after this.
            unsafe { super::unregister_current() };
        }
    }
}

#[inline(always)]
pub fn current() -> *mut ThreadState {
    CURRENT.with(|c| c.get())
}

pub fn set_current(ts: *mut ThreadState) {
    CURRENT.with(|c| c.set(ts));
    if !ts.is_null() {
        // Make sure the guard exists so it runs at thread exit.
        EXIT_GUARD.with(|_| {});
    }
}

pub fn new_state(stack_top: *mut std::ffi::c_void) -> *mut ThreadState {
    // SAFETY: the state is a fresh zeroed allocation of its own layout (checked non-null
    // before use); zero is a valid value of every field, and the loops below set the rest.
    unsafe {
        let layout = std::alloc::Layout::new::<ThreadState>();
        let ts = std::alloc::alloc_zeroed(layout) as *mut ThreadState;
        if ts.is_null() {
            super::out_of_memory("thread state");
        }
        for row in (*ts).tlabs.iter_mut() {
            for t in row.iter_mut() {
                *t = Tlab::EMPTY;
            }
        }
        (*ts).info.thread_id = crate::sys::thread_id();
        (*ts).info.stack_top = stack_top;
        (*ts).info.stack_cur = stack_top;
        // As libhl: all tracking flags allowed for the thread.
        (*ts).info.flags = 15 << 16;
        ts
    }
}

pub unsafe fn free_state(ts: *mut ThreadState) {
    std::alloc::dealloc(ts.cast(), std::alloc::Layout::new::<ThreadState>());
}

/// The top of the calling thread's stack, from pthread's attributes.
pub fn stack_top_of_current_thread() -> *mut std::ffi::c_void {
    let top = crate::sys::stack_top();
    if !top.is_null() {
        return top;
    }
    // Fall back to a point close to the current frame.
    let local = 0usize;
    (&local as *const usize as usize + 4096) as *mut _
}

#[inline(always)]
pub fn blocking(ts: *mut ThreadState) -> &'static AtomicI32 {
    // SAFETY: `ts` is a live registered thread state (callers' contract); gc_blocking is an
    // i32 that is only ever accessed atomically, and AtomicI32 has the layout of i32.
    unsafe { &*(std::ptr::addr_of!((*ts).info.gc_blocking) as *const AtomicI32) }
}

/// Number of register words `capture_context` writes into `gc_regs`.
#[cfg(all(target_arch = "x86_64", not(windows)))]
pub const SAVED_REGS: usize = 6;
/// Windows x64 also keeps rdi and rsi across calls.
#[cfg(all(target_arch = "x86_64", windows))]
pub const SAVED_REGS: usize = 8;
#[cfg(target_arch = "aarch64")]
pub const SAVED_REGS: usize = 11;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub const SAVED_REGS: usize = 0;

/// Spills the callee-saved registers into `buf` and returns the caller's
/// stack pointer (the value it has after this call returns). A naked
/// function, so no frame of its own sits between the two.
#[cfg(all(target_arch = "x86_64", windows))]
#[unsafe(naked)]
unsafe extern "C" fn spill_registers(buf: *mut usize) -> usize {
    // The Windows x64 convention: the argument in rcx; rdi and rsi are callee-saved.
    std::arch::naked_asm!(
        "mov [rcx], rbx",
        "mov [rcx + 8], rbp",
        "mov [rcx + 16], r12",
        "mov [rcx + 24], r13",
        "mov [rcx + 32], r14",
        "mov [rcx + 40], r15",
        "mov [rcx + 48], rdi",
        "mov [rcx + 56], rsi",
        "lea rax, [rsp + 8]",
        "ret",
    )
}

#[cfg(all(target_arch = "x86_64", not(windows)))]
#[unsafe(naked)]
unsafe extern "C" fn spill_registers(buf: *mut usize) -> usize {
    std::arch::naked_asm!(
        "mov [rdi], rbx",
        "mov [rdi + 8], rbp",
        "mov [rdi + 16], r12",
        "mov [rdi + 24], r13",
        "mov [rdi + 32], r14",
        "mov [rdi + 40], r15",
        "lea rax, [rsp + 8]",
        "ret",
    )
}

#[cfg(target_arch = "aarch64")]
#[unsafe(naked)]
unsafe extern "C" fn spill_registers(buf: *mut usize) -> usize {
    std::arch::naked_asm!(
        "stp x19, x20, [x0]",
        "stp x21, x22, [x0, #16]",
        "stp x23, x24, [x0, #32]",
        "stp x25, x26, [x0, #48]",
        "stp x27, x28, [x0, #64]",
        "str x29, [x0, #80]",
        "mov x0, sp",
        "ret",
    )
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
#[inline(never)]
unsafe extern "C" fn spill_registers(_buf: *mut usize) -> usize {
    let local = 0usize;
    std::hint::black_box(&local as *const usize as usize)
}

/// Spills the callee-saved registers into `info.gc_regs` and records the
/// stack pointer of the calling function in `info.stack_cur`. Values the
/// mutator keeps in callee-saved registers are either still there (and
/// saved here) or were pushed by a frame between it and the caller, which
/// lies above the recorded stack pointer. Frames the caller creates later
/// lie below it and are not scanned, so the collector's own temporaries
/// never act as roots.
#[inline(always)]
pub unsafe fn capture_context(ts: *mut ThreadState) {
    let regs = std::ptr::addr_of_mut!((*ts).info.gc_regs) as *mut usize;
    let sp = spill_registers(regs);
    std::ptr::write_volatile(std::ptr::addr_of_mut!((*ts).info.stack_cur), sp as *mut _);
}

/// Enters a safe point: the thread will not touch the GC heap until
/// `leave_safe_point`.
#[inline(never)]
pub unsafe fn enter_safe_point(ts: *mut ThreadState) {
    let b = blocking(ts);
    if b.load(Relaxed) == 0 {
        capture_context(ts);
    }
    b.fetch_add(1, SeqCst);
}

/// Leaves a safe point, first waiting for a running collection to finish.
pub unsafe fn leave_safe_point(ts: *mut ThreadState) {
    let b = blocking(ts);
    loop {
        let n = b.load(Relaxed);
        if n > 1 {
            b.store(n - 1, SeqCst);
            return;
        }
        // Dekker-style handshake with the collector: publish that we run,
        // then check whether a collector saw us stopped.
        b.store(0, SeqCst);
        if !STOPPING.load(SeqCst) {
            return;
        }
        b.store(1, SeqCst);
        // The collector holds the lock until the world restarts. Waiting for
        // it may change `errno` (futex), which the blocking native that is
        // leaving its section may still have to read.
        let saved = errno::get();
        drop(lock_raw());
        errno::set(saved);
    }
}

/// The calling thread's `errno`.
mod errno {
    pub use crate::sys::{errno as get, set_errno as set};
}

/// Takes the GC lock without entering a safe point (callers that are not
/// registered or already at a safe point).
pub fn lock_raw() -> Guard {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Takes the GC lock from a running registered thread: if it must wait, the
/// thread waits at a safe point so a collector holding the lock can proceed.
pub unsafe fn lock_heap(ts: *mut ThreadState) -> Guard {
    match LOCK.try_lock() {
        Ok(g) => return g,
        Err(std::sync::TryLockError::Poisoned(e)) => return e.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => {}
    }
    if ts.is_null() {
        return lock_raw();
    }
    enter_safe_point(ts);
    let g = lock_raw();
    // No collection runs while we hold the lock.
    let b = blocking(ts);
    b.store(b.load(Relaxed) - 1, SeqCst);
    g
}

/// Waits at a safe point if a collector is stopping the world.
#[inline]
pub unsafe fn poll(ts: *mut ThreadState) {
    if STOPPING.load(Relaxed) && blocking(ts).load(Relaxed) == 0 {
        enter_safe_point(ts);
        leave_safe_point(ts);
    }
}

/// Called by the collector (holding the lock): waits until every other
/// thread in `threads` is at a safe point.
pub unsafe fn stop_world(me: *mut ThreadState, threads: &[*mut ThreadState]) {
    STOPPING.store(true, SeqCst);
    for &t in threads {
        if t == me {
            continue;
        }
        let mut spins = 0u32;
        while blocking(t).load(SeqCst) == 0 {
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
}

pub fn restart_world() {
    STOPPING.store(false, SeqCst);
}
