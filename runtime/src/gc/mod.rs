//! The garbage collector: a non-moving, size-segregated mark-sweep collector
//! with thread-local allocation buffers, lazy sweeping and a trigger
//! proportional to the live heap. See `DESIGN.md` in this directory.
//!
//! - [`size`]: size classes and constant-time block-index division.
//! - [`heap`]: the reserved address range, page headers and chunk allocator.
//! - [`thread`]: registered threads, register capture, stop-the-world.
//! - [`mark`]: the mark phase.
//! - [`natives`]: the `hl_*` C entry points (`hl.h` and `hl.Gc` natives).
//!
//! The Rust API below is what the rest of the runtime calls; the C entry
//! points are thin wrappers over it.

mod heap;
mod mark;
pub mod global;
pub mod natives;
mod size;
mod thread;

use crate::abi::{hl_thread_info, hl_type, mem};
use heap::{Heap, Page, Take, LARGE, NKINDS};
use size::{class_of, CLASS_SIZES, MAX_SMALL, NCLASSES};
use std::cell::UnsafeCell;
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering::*};
use thread::{blocking, current, lock_heap, lock_raw, Guard, ThreadState, Tlab};

pub use natives::*;

/// Default minimum allocation between two collections.
pub const DEFAULT_MIN_TRIGGER: usize = 512 << 10;
/// Default ratio of allocation between collections to live bytes.
pub const DEFAULT_GROWTH: f64 = 0.4;
/// A small live heap may allocate up to twice its size, at most this much,
/// between collections (see [`update_trigger`]).
const SMALL_HEAP_WINDOW: usize = 4 << 20;
/// The heap target reuses an earlier, larger target up to this many times
/// the live bytes.
const BUDGET_LIVE_RATIO: usize = 3;

/// `hl.Gc` flags (libhl's values).
pub mod flags {
    pub const PROFILE: i32 = 1;
    pub const DUMP_MEM: i32 = 2;
    pub const NO_THREADS: i32 = 4;
    pub const FORCE_MAJOR: i32 = 8;
    pub const PROFILE_MEM: i32 = 16;
}

/// Collector statistics.
#[derive(Clone, Copy, Debug, Default)]
pub struct GcStats {
    /// Bytes of pages in use (small pages and large blocks).
    pub heap_bytes: usize,
    /// Bytes of blocks found live by the last collection.
    pub live_bytes: usize,
    /// Blocks found live by the last collection.
    pub live_blocks: usize,
    /// Completed collections.
    pub collections: u64,
    /// Bytes handed out since start (block sizes, not requested sizes).
    pub total_allocated: u64,
    /// Allocations served since start.
    pub allocation_count: u64,
    /// Bytes handed out since the last collection.
    pub allocated_since_collection: usize,
    /// Allocation volume that triggers the next collection.
    pub trigger_bytes: usize,
    /// Duration of the last collection and of all collections, in ns.
    pub last_collection_ns: u64,
    pub total_collection_ns: u64,
}

/// Everything behind the GC lock.
struct Gc {
    heap: Heap,
    roots: Vec<*mut *mut c_void>,
    threads: Vec<*mut ThreadState>,
    mark_stack: Vec<(usize, *mut Page)>,
    pending_finalizers: Vec<usize>,
    live_bytes: usize,
    live_blocks: usize,
    last_ns: u64,
    total_ns: u64,
    /// Allocation counts of threads that have exited.
    retired_alloc_count: u64,
    min_trigger: usize,
    growth: f64,
    /// The largest heap size (live bytes plus trigger) any collection has
    /// let the program reach so far.
    high_water: usize,
    dump_types: Option<natives::TypesDump>,
}

struct StateCell(UnsafeCell<Option<Gc>>);
// Only accessed with LOCK held (or by the single collector with the world stopped).
unsafe impl Sync for StateCell {}
static STATE: StateCell = StateCell(UnsafeCell::new(None));

static INITIALIZED: AtomicBool = AtomicBool::new(false);
static ALLOC_SINCE: AtomicUsize = AtomicUsize::new(0);
static TRIGGER: AtomicUsize = AtomicUsize::new(DEFAULT_MIN_TRIGGER);
static TOTAL_ALLOCATED: AtomicU64 = AtomicU64::new(0);
static COLLECTIONS: AtomicU64 = AtomicU64::new(0);
static ENABLED: AtomicBool = AtomicBool::new(true);
static FLAGS: AtomicI32 = AtomicI32::new(0);
static HAS_PENDING_FINALIZERS: AtomicBool = AtomicBool::new(false);
/// Mirrors of the heap range for lock-free pointer queries.
static HEAP_BASE: AtomicUsize = AtomicUsize::new(0);
static HEAP_RESERVED: AtomicUsize = AtomicUsize::new(0);
static HEAP_TABLE: AtomicUsize = AtomicUsize::new(0);

/// The state; the caller holds the GC lock.
#[allow(clippy::mut_from_ref)]
unsafe fn state(_g: &Guard) -> &'static mut Gc {
    match (*STATE.0.get()).as_mut() {
        Some(s) => s,
        None => fatal("the GC is not initialised"),
    }
}

pub(crate) fn fatal(msg: &str) -> ! {
    eprintln!("hlrt gc: fatal error: {msg}");
    std::process::abort()
}

pub(crate) fn out_of_memory(what: &str) -> ! {
    eprintln!("hlrt gc: out of memory ({what})");
    std::process::abort()
}

// ---------------------------------------------------------------------------
// Initialisation

/// Initialises the collector (idempotent). Reserves the heap's address range.
pub fn init() {
    if INITIALIZED.load(Acquire) {
        return;
    }
    let g = lock_raw();
    // SAFETY: `g` is the GC lock, which init_locked needs to write STATE.
    unsafe { init_locked(&g) };
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.trim().parse().ok()
}

unsafe fn init_locked(_g: &Guard) {
    let slot = &mut *STATE.0.get();
    if slot.is_some() {
        return;
    }
    let heap = match Heap::new() {
        Some(h) => h,
        None => out_of_memory("cannot reserve address space for the heap"),
    };
    HEAP_BASE.store(heap.base, Relaxed);
    HEAP_RESERVED.store(heap.reserved, Relaxed);
    HEAP_TABLE.store(heap.table as usize, Relaxed);
    let mut fl = 0;
    if std::env::var_os("HL_GC_PROFILE").is_some() {
        fl |= flags::PROFILE;
    }
    if std::env::var_os("HL_DUMP_MEMORY").is_some() {
        fl |= flags::DUMP_MEM;
    }
    FLAGS.store(fl, Relaxed);
    ENABLED.store(true, Relaxed);
    ALLOC_SINCE.store(0, Relaxed);
    TOTAL_ALLOCATED.store(0, Relaxed);
    COLLECTIONS.store(0, Relaxed);
    // Tuning knobs (documented in docs/ARCHITECTURE.md): bytes, and a ratio.
    let min_trigger = env_number("HLC_GC_MIN_TRIGGER").unwrap_or(DEFAULT_MIN_TRIGGER);
    let growth = env_number::<f64>("HLC_GC_GROWTH").filter(|g| *g >= 0.0).unwrap_or(DEFAULT_GROWTH);
    TRIGGER.store(min_trigger, Relaxed);
    *slot = Some(Gc {
        heap,
        roots: Vec::new(),
        threads: Vec::new(),
        mark_stack: Vec::new(),
        pending_finalizers: Vec::new(),
        live_bytes: 0,
        live_blocks: 0,
        last_ns: 0,
        total_ns: 0,
        retired_alloc_count: 0,
        min_trigger,
        growth,
        high_water: 0,
        dump_types: None,
    });
    INITIALIZED.store(true, Release);
}

/// Tears the collector down and returns all its memory to the OS. Every GC
/// pointer becomes invalid. The calling thread is unregistered; no other
/// thread may still be registered. [`init`] may be called again afterwards.
pub fn shutdown() {
    if !INITIALIZED.load(Acquire) {
        return;
    }
    let g = lock_raw();
    // SAFETY: `g` holds the GC lock, so nothing else reads or writes STATE; the
    // registered threads are checked below before anything is freed.
    unsafe {
        let slot = &mut *STATE.0.get();
        let Some(st) = slot.as_mut() else { return };
        let me = current();
        if st.threads.iter().any(|&t| t != me) {
            fatal("gc::shutdown() called while other threads are still registered");
        }
        if !me.is_null() {
            thread::set_current(null_mut());
            thread::free_state(me);
        }
        st.heap.destroy();
        *slot = None;
        INITIALIZED.store(false, Release);
        HEAP_BASE.store(0, Relaxed);
        HEAP_RESERVED.store(0, Relaxed);
        HEAP_TABLE.store(0, Relaxed);
        HAS_PENDING_FINALIZERS.store(false, Relaxed);
    }
    drop(g);
}

/// Runs the finalizer of every block that still has one (FINALIZER blocks,
/// live or not), as a shutdown does not: the resources they own outside the
/// heap (mutexes, compiled regexps, ...) are released before [`shutdown`]
/// frees the heap. The caller is the only registered thread, or none is; the
/// blocks stay allocated with their word 0 cleared.
pub fn finalize_all() {
    if !INITIALIZED.load(Acquire) {
        return;
    }
    // SAFETY: lock_heap gets the GC lock for the calling thread (current() is
    // itself or null), and state() is only used while it is held.
    let list = unsafe {
        let g = lock_heap(current());
        let st = state(&g);
        let finalizer = mem::KIND_FINALIZER as u8;
        let mut list = std::mem::take(&mut st.pending_finalizers);
        for &h in &st.heap.pages {
            let pg = &*h;
            if pg.kind != finalizer {
                continue;
            }
            if pg.is_large() {
                list.push(pg.start);
                continue;
            }
            for b in 0..pg.nblocks as usize {
                if pg.alloc[b >> 6] & (1u64 << (b & 63)) != 0 {
                    list.push(pg.start + b * pg.block_size as usize);
                }
            }
        }
        HAS_PENDING_FINALIZERS.store(false, Relaxed);
        list
    };
    for addr in list {
        // SAFETY: every address is the start of a FINALIZER block of the
        // heap, whose word 0 is its finalizer or 0 (free blocks of finalizer
        // pages are zero there: a finalizer's slot is cleared before its
        // block can be freed).
        unsafe { call_finalizer(addr) };
    }
}

/// The number of threads registered with the collector.
pub fn registered_threads() -> usize {
    if !INITIALIZED.load(Acquire) {
        return 0;
    }
    // SAFETY: the thread list is read under the GC lock (taken at a safe
    // point if a collection holds it).
    unsafe {
        let g = lock_heap(current());
        state(&g).threads.len()
    }
}

/// Whether [`init`] has run (and [`shutdown`] has not).
pub fn is_initialized() -> bool {
    INITIALIZED.load(Acquire)
}

/// Sets the trigger policy's floor and growth: collect when the bytes
/// allocated since the last collection reach `max(min_bytes, growth × live
/// bytes after it)`, or the larger amounts of [`update_trigger`]'s rules.
pub fn set_trigger(min_bytes: usize, growth: f64) {
    init();
    let g = lock_raw();
    // SAFETY: `g` is the GC lock, under which state() may be borrowed mutably.
    unsafe {
        let st = state(&g);
        st.min_trigger = min_bytes;
        st.growth = growth.max(0.0);
        update_trigger(st);
    }
}

/// The trigger after a collection that found `live` bytes:
/// - `max(min_trigger, min(4 MB, 2 × live), growth × live)`: a big heap
///   grows by `growth` (0.75) between collections (HashLink's by 20%);
///   a small one by up to twice its size, so a live pointer array of a few MB
///   is not re-marked every few hundred KB; an empty one by `min_trigger`;
/// - raised to reach the largest heap size an earlier trigger allowed, up to
///   3 × live: that memory was touched already, so reusing it costs no peak
///   RSS and saves collections after a phase that had more live data.
fn update_trigger(st: &mut Gc) {
    let live = st.live_bytes;
    let base = (((live as f64) * st.growth) as usize)
        .max(st.min_trigger)
        .max(live.saturating_mul(2).min(SMALL_HEAP_WINDOW));
    let target = live.saturating_add(base);
    st.high_water = st.high_water.max(target);
    // Up to the largest heap target so far (the process has already touched
    // that much memory, so reusing it does not raise the peak), but never
    // more than BUDGET_LIVE_RATIO × live.
    let budget = target.max(st.high_water.min(live.saturating_mul(BUDGET_LIVE_RATIO)));
    let t = budget - live;
    TRIGGER.store(t, Relaxed);
    st.heap.dirty_limit = t >> size::PAGE_BITS;
}

// ---------------------------------------------------------------------------
// Threads

/// Registers the calling thread; its stack is scanned from the current
/// stack pointer up to `stack_top` (the address of a local of an outer
/// frame). Registering again updates `stack_top`.
pub fn register_thread(stack_top: *mut c_void) {
    init();
    // SAFETY: current() is this thread's own state or null (it is only ever set
    // by this thread), and the GC lock is taken before the shared list is touched.
    unsafe {
        let me = current();
        if !me.is_null() {
            (*me).info.stack_top = stack_top;
            (*me).implicit = false;
            return;
        }
        let ts = thread::new_state(stack_top);
        let g = lock_raw();
        state(&g).threads.push(ts);
        thread::set_current(ts);
        drop(g);
    }
}

/// Registers the calling thread with its whole stack (from pthread's
/// attributes), as an allocation from an unregistered thread does.
pub fn register_whole_stack() {
    register_thread(thread::stack_top_of_current_thread());
}

/// Whether the calling thread was registered by an allocation it made
/// without registering (not by `hl_register_thread`).
pub fn current_is_implicit() -> bool {
    let ts = current();
    // SAFETY: the calling thread's own state, alive while it is registered.
    !ts.is_null() && unsafe { (*ts).implicit }
}

/// A thread that allocates without registering is registered with its whole
/// stack (from pthread's attributes).
#[cold]
unsafe fn register_implicit() -> *mut ThreadState {
    register_thread(thread::stack_top_of_current_thread());
    let ts = current();
    (*ts).implicit = true;
    ts
}

/// Unregisters the calling thread (no-op if it is not registered).
pub fn unregister_thread() {
    // SAFETY: unregister_current only touches the calling thread's own state and,
    // under the GC lock, the shared thread list.
    unsafe { unregister_current() }
}

unsafe fn unregister_current() {
    let me = current();
    if me.is_null() || !INITIALIZED.load(Acquire) {
        thread::set_current(null_mut());
        return;
    }
    let g = lock_heap(me);
    let st = state(&g);
    retire_tlabs(st, me, false);
    st.retired_alloc_count += (*me).alloc_count.load(Relaxed);
    st.threads.retain(|&t| t != me);
    thread::set_current(null_mut());
    thread::free_state(me);
    drop(g);
}

/// The calling thread's `hl_thread_info`, or null if it is not registered.
pub fn current_thread() -> *mut hl_thread_info {
    current().cast()
}

/// `hl_blocking`: `true` enters a region where the thread does not touch the
/// GC heap (a blocking system call); collections may run meanwhile.
pub fn set_blocking(b: bool) {
    let ts = current();
    if ts.is_null() {
        return;
    }
    // SAFETY: `ts` is the calling thread's own registered state (checked non-null
    // above); it stays valid until this thread unregisters.
    unsafe {
        if b {
            thread::enter_safe_point(ts);
        } else if blocking(ts).load(Relaxed) == 0 {
            eprintln!("hlrt gc: hl_blocking(false) on a thread that is not blocking");
        } else {
            thread::leave_safe_point(ts);
        }
    }
}

/// Enters a safe point with no stack to scan: an embedding host thread
/// parked between API calls holds no HL frames, and once it returns to its
/// own code the stack below the parking point is dead (reading it would read
/// below the thread's stack pointer). What it holds must be rooted
/// (`hlc_embed.h`, "Values").
pub fn park() {
    set_blocking(true);
    let ts = current();
    if ts.is_null() {
        return;
    }
    // SAFETY: `ts` is the calling thread's own registered state; a collector
    // reads `stack_cur` once per collection, and both values describe live
    // stack at this moment.
    unsafe {
        let info = std::ptr::addr_of_mut!((*ts).info);
        std::ptr::write_volatile(std::ptr::addr_of_mut!((*info).stack_cur), (*info).stack_top);
    }
}

/// `hl_is_blocking`; from an unregistered thread, tells about the first
/// registered thread (as libhl does).
pub fn is_blocking() -> bool {
    let ts = current();
    if !ts.is_null() {
        return blocking(ts).load(Relaxed) > 0;
    }
    if !INITIALIZED.load(Acquire) {
        return false;
    }
    let g = lock_raw();
    // SAFETY: `g` is the GC lock: the thread list and the states it points at
    // (removed only under the lock) stay valid while it is held.
    unsafe {
        state(&g)
            .threads
            .first()
            .is_some_and(|&t| blocking(t).load(Relaxed) > 0)
    }
}

/// `hl_gc_safepoint`: lets a pending collection run. Costs one load and a
/// branch when no collection is pending.
#[inline]
pub fn safepoint() {
    if thread::STOPPING.load(Relaxed) {
        let ts = current();
        if !ts.is_null() {
            // SAFETY: `ts` is the calling thread's own registered state.
            unsafe { thread::poll(ts) };
        }
    }
}

// ---------------------------------------------------------------------------
// Allocation

/// `hl_gc_alloc_gen`: allocates `size` bytes of kind `flags & 3`
/// (`MEM_KIND_*`). Blocks that may hold pointers are always zeroed; NOPTR
/// blocks only with `MEM_ZERO`. Returns null for `size == 0`.
///
/// # Safety
/// `t` must be null or a valid type; a DYNAMIC block's word 0 must be set to
/// its `hl_type*` (or stay null) before the caller's next safe point.
#[inline(always)]
pub unsafe fn alloc(t: *mut hl_type, size: i32, flags: i32) -> *mut u8 {
    let sz = size as usize;
    if size > 0 && sz <= MAX_SMALL {
        let ts = current();
        if !ts.is_null() {
            let kind = (flags & 3) as usize;
            let class = class_of(sz);
            // `kind < 4` and `class < NCLASSES` (`class_of` of a small size).
            let tl = (*ts).tlabs.get_unchecked_mut(kind).get_unchecked_mut(class);
            let bs = *CLASS_SIZES.get_unchecked(class) as usize;
            if (*ts).info.gc_blocking == 0 {
                let p = tl.cursor;
                let zero = kind != mem::KIND_NOPTR as usize || flags & mem::ZERO != 0;
                if p + bs <= tl.limit {
                    tl.cursor = p + bs;
                    if !tl.zeroed && zero {
                        zero_block(p as *mut u8, bs);
                    }
                    let c = &(*ts).alloc_count;
                    c.store(c.load(Relaxed) + 1, Relaxed);
                    return p as *mut u8;
                }
                let m = tl.mask;
                if m != 0 {
                    tl.mask = m & (m - 1);
                    let p = tl.mask_base + m.trailing_zeros() as usize * bs;
                    if zero {
                        zero_block(p as *mut u8, bs);
                    }
                    let c = &(*ts).alloc_count;
                    c.store(c.load(Relaxed) + 1, Relaxed);
                    return p as *mut u8;
                }
            }
        }
    }
    alloc_slow(t, size, flags)
}

/// Zeroes a small block of `bs` bytes (a multiple of 8): inline stores for
/// the common sizes up to 64 bytes instead of a call to `memset`.
/// `p..p + bs` must be writable (a block the caller owns); every store below
/// stays inside it (overlapping where `bs` is not a multiple of 16 or 32).
#[inline(always)]
unsafe fn zero_block(p: *mut u8, bs: usize) {
    debug_assert!(bs.is_multiple_of(8) && bs >= 8);
    let z = [0u64; 2];
    if bs <= 16 {
        (p as *mut u64).write(0);
        (p.add(bs - 8) as *mut u64).write(0);
    } else if bs <= 32 {
        (p as *mut [u64; 2]).write_unaligned(z);
        (p.add(bs - 16) as *mut [u64; 2]).write_unaligned(z);
    } else if bs <= 64 {
        (p as *mut [u64; 2]).write_unaligned(z);
        (p.add(16) as *mut [u64; 2]).write_unaligned(z);
        (p.add(bs - 32) as *mut [u64; 2]).write_unaligned(z);
        (p.add(bs - 16) as *mut [u64; 2]).write_unaligned(z);
    } else {
        std::ptr::write_bytes(p, 0, bs);
    }
}

#[cold]
#[inline(never)]
unsafe fn alloc_slow(_t: *mut hl_type, size: i32, flags: i32) -> *mut u8 {
    if size == 0 {
        return null_mut();
    }
    if size < 0 {
        fatal(&format!("invalid allocation size {size}"));
    }
    init();
    let mut ts = current();
    if ts.is_null() {
        ts = register_implicit();
    }
    let kind = (flags & 3) as usize;
    let sz = size as usize;
    let c = &(*ts).alloc_count;
    c.store(c.load(Relaxed) + 1, Relaxed);
    if blocking(ts).load(Relaxed) > 0 {
        // At a safe point a collector may be running: allocate under the lock.
        let g = lock_raw();
        let p = if sz > MAX_SMALL {
            alloc_large_locked(ts, &g, kind, sz, true)
        } else {
            let class = class_of(sz);
            let tl = &(*ts).tlabs[kind][class];
            if tl.cursor + CLASS_SIZES[class] as usize > tl.limit && tl.mask == 0 {
                refill(ts, kind, class, Some(&g));
            }
            bump(ts, kind, class, flags)
        };
        drop(g);
        return p;
    }
    thread::poll(ts);
    // A large block counts before it is allocated, so the collection that
    // its size calls for runs first and can free the block it replaces (a
    // growing array's old buffer) before the new one is mapped.
    let incoming = if sz > MAX_SMALL { sz } else { 0 };
    let due = || {
        ALLOC_SINCE.load(Relaxed).saturating_add(incoming) >= TRIGGER.load(Relaxed)
            || FLAGS.load(Relaxed) & flags::FORCE_MAJOR != 0
    };
    let mut collected = false;
    if ENABLED.load(Relaxed) && due() {
        let g = lock_heap(ts);
        if due() {
            collect_locked(ts, &g);
            collected = true;
        }
        drop(g);
        run_pending_finalizers();
    }
    if sz > MAX_SMALL {
        let g = lock_heap(ts);
        // A block that a collection has just made room for does not count
        // toward the next one (it would trigger it at once, with the stack
        // still holding whatever the caller was doing).
        let p = alloc_large_locked(ts, &g, kind, sz, !collected);
        drop(g);
        run_pending_finalizers();
        return p;
    }
    let class = class_of(sz);
    refill(ts, kind, class, None);
    bump(ts, kind, class, flags)
}

/// Serves an allocation from a buffer `refill` just filled.
#[inline(always)]
unsafe fn bump(ts: *mut ThreadState, kind: usize, class: usize, flags: i32) -> *mut u8 {
    let tl = &mut (*ts).tlabs[kind][class];
    let bs = CLASS_SIZES[class] as usize;
    let zero = kind != mem::KIND_NOPTR as usize || flags & mem::ZERO != 0;
    let p = tl.cursor;
    if p + bs <= tl.limit {
        tl.cursor = p + bs;
        if !tl.zeroed && zero {
            zero_block(p as *mut u8, bs);
        }
        return p as *mut u8;
    }
    let m = tl.mask;
    debug_assert!(m != 0);
    tl.mask = m & (m - 1);
    let p = tl.mask_base + m.trailing_zeros() as usize * bs;
    if zero {
        zero_block(p as *mut u8, bs);
    }
    p as *mut u8
}

/// Fills the thread's buffer for `kind`/`class` with a run of free blocks:
/// first from the page it owns (no lock), else from another page.
unsafe fn refill(ts: *mut ThreadState, kind: usize, class: usize, locked: Option<&Guard>) {
    let tl: *mut Tlab = &mut (*ts).tlabs[kind][class];
    let mut collected = false;
    loop {
        let h = (*tl).page;
        if !h.is_null() {
            let pg = &mut *h;
            if let Some(take) = pg.take() {
                let bs = pg.block_size as usize;
                let bytes = match take {
                    Take::Run(i, j) => {
                        (*tl).cursor = pg.start + i * bs;
                        (*tl).limit = pg.start + j * bs;
                        (*tl).zeroed = i as u32 >= pg.zero_from;
                        pg.zero_from = pg.zero_from.max(j as u32);
                        (j - i) * bs
                    }
                    Take::Mask(w, m) => {
                        (*tl).cursor = 0;
                        (*tl).limit = 0;
                        (*tl).mask = m;
                        (*tl).mask_base = pg.start + w * 64 * bs;
                        // Blocks past the mask's last one in this word are allocated.
                        let last = (w * 64 + 64 - m.leading_zeros() as usize) as u32;
                        pg.zero_from = pg.zero_from.max(last);
                        m.count_ones() as usize * bs
                    }
                };
                ALLOC_SINCE.fetch_add(bytes, Relaxed);
                TOTAL_ALLOCATED.fetch_add(bytes as u64, Relaxed);
                return;
            }
            pg.owned = false;
            *tl = Tlab::EMPTY;
        }
        // Another page: needs the lock (a collection may run while we wait
        // for it, and reset our buffers).
        let own_guard;
        let g = match locked {
            Some(g) => g,
            None => {
                own_guard = lock_heap(ts);
                &own_guard
            }
        };
        let st = state(g);
        let list = &mut st.heap.partial[kind * NCLASSES + class];
        let h = match list.pop() {
            Some(h) => h,
            None => match st.heap.new_page(kind, class) {
                Some(h) => h,
                None if !collected => {
                    collect_locked(ts, g);
                    collected = true;
                    continue;
                }
                None => oom_report(st, "heap address space exhausted"),
            },
        };
        (*h).owned = true;
        (*tl).page = h;
    }
}

unsafe fn alloc_large_locked(
    ts: *mut ThreadState,
    g: &Guard,
    kind: usize,
    size: usize,
    count: bool,
) -> *mut u8 {
    let bytes = (size + 7) & !7;
    let st = state(g);
    let h = match st.heap.new_large(kind, bytes) {
        Some(h) => h,
        None => {
            if blocking(ts).load(Relaxed) == 0 {
                collect_locked(ts, g);
            }
            match state(g).heap.new_large(kind, bytes) {
                Some(h) => h,
                None => oom_report(
                    state(g),
                    &format!("cannot allocate a block of {size} bytes"),
                ),
            }
        }
    };
    let pg = &*h;
    if count {
        ALLOC_SINCE.fetch_add((pg.nchunks as usize) << size::PAGE_BITS, Relaxed);
    }
    TOTAL_ALLOCATED.fetch_add(bytes as u64, Relaxed);
    pg.start as *mut u8
}

fn oom_report(st: &mut Gc, what: &str) -> ! {
    if FLAGS.load(Relaxed) & flags::DUMP_MEM != 0 {
        let _ = natives::dump_memory(st, "hlmemory.dump");
    }
    out_of_memory(what)
}

/// Gives back the unused rest of a thread's buffers. Inside a collection the
/// pages are not put back on the partial lists (the sweep rebuilds them).
unsafe fn retire_tlabs(st: &mut Gc, ts: *mut ThreadState, in_collection: bool) {
    for k in 0..NKINDS {
        for c in 0..NCLASSES {
            let tl = &mut (*ts).tlabs[k][c];
            let h = tl.page;
            if h.is_null() {
                continue;
            }
            let pg = &mut *h;
            let bs = pg.block_size as usize;
            let mut unused = 0;
            if tl.cursor < tl.limit {
                let i = (tl.cursor - pg.start) / bs;
                let j = (tl.limit - pg.start) / bs;
                Page::set_range(&mut pg.alloc, i, j, false);
                pg.scan_from = pg.scan_from.min(i as u32);
                unused += (j - i) * bs;
            }
            if tl.mask != 0 {
                let w = (tl.mask_base - pg.start) / bs / 64;
                pg.alloc[w] &= !tl.mask;
                pg.scan_from = pg.scan_from.min((w * 64) as u32 + tl.mask.trailing_zeros());
                unused += tl.mask.count_ones() as usize * bs;
            }
            if unused > 0 {
                TOTAL_ALLOCATED.fetch_sub(unused as u64, Relaxed);
                let _ =
                    ALLOC_SINCE.fetch_update(Relaxed, Relaxed, |v| Some(v.saturating_sub(unused)));
            }
            pg.owned = false;
            if !in_collection {
                st.heap.partial[k * NCLASSES + c].push(h);
            }
            *tl = Tlab::EMPTY;
        }
    }
}

// ---------------------------------------------------------------------------
// Roots and queries

/// `hl_add_root`: `slot` is scanned at every collection (it must hold null, a
/// block start, or a pointer outside the GC heap).
pub fn add_root(slot: *mut *mut c_void) {
    init();
    // SAFETY: the GC lock is taken for the calling thread before state() is used.
    unsafe {
        let g = lock_heap(current());
        state(&g).roots.push(slot);
    }
}

/// `hl_remove_root`.
pub fn remove_root(slot: *mut *mut c_void) {
    if !INITIALIZED.load(Acquire) {
        return;
    }
    // SAFETY: the GC lock is taken for the calling thread before state() is used.
    unsafe {
        let g = lock_heap(current());
        let roots = &mut state(&g).roots;
        if let Some(i) = roots.iter().rposition(|&r| r == slot) {
            roots.swap_remove(i);
        }
    }
}

/// The page and block index of the allocated block containing `p`.
#[inline]
fn find_block(p: usize) -> Option<(*mut Page, usize)> {
    let base = HEAP_BASE.load(Relaxed);
    let off = p.wrapping_sub(base);
    if base == 0 || off >= HEAP_RESERVED.load(Relaxed) {
        return None;
    }
    // SAFETY: `off` is inside the reserved heap (checked above), so its page
    // table entry exists; a non-null entry points at a live page header,
    // and page headers are only freed under the GC lock during a collection,
    // which cannot run while this thread is outside a safe point.
    unsafe {
        let h = *(HEAP_TABLE.load(Relaxed) as *const *mut Page).add(off >> size::PAGE_BITS);
        if h.is_null() {
            return None;
        }
        let pg = &*h;
        let rel = p - pg.start;
        let idx = if pg.class == LARGE {
            if rel >= pg.block_size as usize {
                return None;
            }
            0
        } else {
            let i = size::div_by(rel, pg.recip);
            if i >= pg.nblocks as usize {
                return None;
            }
            i
        };
        if !Page::test(&pg.alloc, idx) || (pg.owned && is_in_unused_run(h, idx)) {
            return None;
        }
        Some((h, idx))
    }
}

/// Whether block `idx` of an owned page is in the unused part of its owner's
/// buffer (those blocks are flagged allocated but are free). Only the calling
/// thread's buffers can be checked without races; other threads' unused runs
/// count as allocated.
unsafe fn is_in_unused_run(h: *mut Page, idx: usize) -> bool {
    let ts = current();
    if ts.is_null() {
        return false;
    }
    let pg = &*h;
    let tl = &(*ts).tlabs[pg.kind as usize][pg.class as usize];
    let addr = pg.start + idx * pg.block_size as usize;
    if tl.page != h {
        return false;
    }
    if addr >= tl.cursor && addr < tl.limit {
        return true;
    }
    // A block of the word mask not handed out yet.
    let bs = pg.block_size as usize;
    tl.mask != 0 && addr >= tl.mask_base && addr < tl.mask_base + 64 * bs && {
        let b = (addr - tl.mask_base) / bs;
        tl.mask & (1u64 << b) != 0
    }
}

/// `hl_is_gc_ptr`: whether `p` is the start of an allocated GC block.
pub fn is_gc_ptr(p: *const c_void) -> bool {
    match find_block(p as usize) {
        // SAFETY: find_block returned a live page header `h` and a block index in it.
        Some((h, idx)) => unsafe { (*h).start + idx * (*h).block_size as usize == p as usize },
        None => false,
    }
}

/// `hl_gc_get_memsize`: the size of the allocated block containing `p`
/// (at least the requested size), or -1.
pub fn memsize(p: *const c_void) -> i32 {
    match find_block(p as usize) {
        // SAFETY: find_block returned a live page header `h`.
        Some((h, _)) => unsafe { (*h).block_size as i32 },
        None => -1,
    }
}

/// Current statistics.
pub fn stats() -> GcStats {
    if !INITIALIZED.load(Acquire) {
        return GcStats::default();
    }
    // SAFETY: the collector is initialised (checked above); the calling thread
    // takes the lock as itself, and `st` is used only while `g` lives.
    let g = unsafe { lock_heap(current()) };
    let st = unsafe { state(&g) };
    let count = st.retired_alloc_count
        + st.threads
            .iter()
            // SAFETY: registered threads' states are removed from the list only
            // under the lock, which `g` holds.
            .map(|&t| unsafe { (*t).alloc_count.load(Relaxed) })
            .sum::<u64>();
    GcStats {
        heap_bytes: st.heap.heap_bytes(),
        live_bytes: st.live_bytes,
        live_blocks: st.live_blocks,
        collections: COLLECTIONS.load(Relaxed),
        total_allocated: TOTAL_ALLOCATED.load(Relaxed),
        allocation_count: count,
        allocated_since_collection: ALLOC_SINCE.load(Relaxed),
        trigger_bytes: TRIGGER.load(Relaxed),
        last_collection_ns: st.last_ns,
        total_collection_ns: st.total_ns,
    }
}

/// Enables or disables automatic collections (`hl.Gc.enable`).
pub fn enable(b: bool) {
    ENABLED.store(b, Relaxed);
}

pub fn get_flags() -> i32 {
    FLAGS.load(Relaxed)
}

pub fn set_flags(f: i32) {
    FLAGS.store(f, Relaxed);
}

// ---------------------------------------------------------------------------
// Collection

/// Runs a full collection now (`hl_gc_major`), then any finalizers it found.
pub fn collect() {
    init();
    // SAFETY: the GC lock is taken for the calling thread, which collect_locked
    // requires; its own stack is scanned from this frame.
    unsafe {
        let ts = current();
        let g = lock_heap(ts);
        collect_locked(ts, &g);
        drop(g);
    }
    run_pending_finalizers();
}

/// Runs a collection and, with the world still stopped, calls `f` with
/// every live block of the given kinds (block address, block size).
pub(crate) fn collect_and_visit(kinds: u32, f: &mut dyn FnMut(usize, usize)) {
    init();
    // SAFETY: as in collect(): the lock is held for the calling thread, and the
    // visited blocks are live until it is released.
    unsafe {
        let ts = current();
        let g = lock_heap(ts);
        collect_locked(ts, &g);
        let st = state(&g);
        for &h in st.heap.pages.iter() {
            let pg = &*h;
            if kinds & (1 << pg.kind) == 0 {
                continue;
            }
            for i in 0..pg.nblocks as usize {
                if Page::test(&pg.alloc, i) {
                    f(
                        pg.start + i * pg.block_size as usize,
                        pg.block_size as usize,
                    );
                }
            }
        }
        drop(g);
    }
    run_pending_finalizers();
}

/// Runs a collection; the caller holds the lock. `me` (possibly null) is the
/// calling thread, whose stack is scanned from this frame up.
#[inline(never)]
unsafe fn collect_locked(me: *mut ThreadState, g: &Guard) {
    if !me.is_null() {
        thread::capture_context(me);
    }
    collect_inner(me, g);
}

/// The collection proper. Its frames lie below the recorded stack pointer.
#[inline(never)]
unsafe fn collect_inner(me: *mut ThreadState, g: &Guard) {
    let t0 = std::time::Instant::now();
    let st = state(g);
    thread::stop_world(me, &st.threads);
    for i in 0..st.threads.len() {
        let t = st.threads[i];
        retire_tlabs(st, t, true);
    }

    // Mark.
    let mut stack = std::mem::take(&mut st.mark_stack);
    let mut m = mark::Marker::new(&st.heap, &mut stack);
    for &slot in st.roots.iter() {
        let p = std::ptr::read_volatile(slot) as usize;
        if p != 0 {
            m.mark_exact(p);
        }
    }
    for &t in st.threads.iter() {
        let info = &(*t).info;
        let cur = info.stack_cur as usize;
        let top = info.stack_top as usize;
        if cur != 0 && cur < top {
            m.scan_stack(cur, top);
        }
        let regs = std::ptr::addr_of!(info.gc_regs) as usize;
        m.scan_stack(regs, regs + thread::SAVED_REGS * 8);
        let extra = std::ptr::addr_of!(info.extra_stack_data) as usize;
        let n = (info.extra_stack_size.max(0) as usize).min(crate::abi::HL_MAX_EXTRA_STACK);
        m.scan_stack(extra, extra + n * 8);
        m.mark_exact(info.exc_value as usize);
        m.mark_exact(info.exc_handler as usize);
        m.drain();
    }
    m.drain();
    stack.clear();
    if stack.capacity() > (1 << 20) {
        stack.shrink_to(1 << 16);
    }
    st.mark_stack = stack;

    // Sweep the page list (block-level sweeping is lazy: allocation finds
    // free runs in the bitmaps).
    let (live_bytes, live_blocks) = sweep(st);
    st.live_bytes = live_bytes;
    st.live_blocks = live_blocks;
    ALLOC_SINCE.store(0, Relaxed);
    update_trigger(st);
    COLLECTIONS.fetch_add(1, Relaxed);
    let ns = t0.elapsed().as_nanos() as u64;
    st.last_ns = ns;
    st.total_ns += ns;
    if FLAGS.load(Relaxed) & flags::PROFILE != 0 {
        println!(
            "GC-PROFILE {}\n\tmark-time {:.3}ms\n\tlive {}KB in {} blocks\n\theap {}KB\n\ttotal-mark-time {:.3}ms",
            COLLECTIONS.load(Relaxed),
            ns as f64 / 1e6,
            live_bytes >> 10,
            live_blocks,
            st.heap.heap_bytes() >> 10,
            st.total_ns as f64 / 1e6
        );
    }
    thread::restart_world();
}

/// Frees dead pages and lists partly free ones; returns the bytes and the
/// number of the blocks marked (finalizer blocks kept for their finalizer
/// not included).
unsafe fn sweep(st: &mut Gc) -> (usize, usize) {
    let (mut live_bytes, mut live_blocks) = (0usize, 0usize);
    let pages = std::mem::take(&mut st.heap.pages);
    let mut kept = Vec::with_capacity(pages.len());
    for list in st.heap.partial.iter_mut() {
        list.clear();
    }
    let finalizer = mem::KIND_FINALIZER as u8;
    for h in pages {
        let pg = &mut *h;
        if pg.is_large() {
            if pg.mark[0] & 1 != 0 {
                pg.mark[0] = 0;
                live_bytes += pg.block_size as usize;
                live_blocks += 1;
                kept.push(h);
            } else if pg.kind == finalizer && *(pg.start as *const usize) != 0 {
                st.pending_finalizers.push(pg.start);
                kept.push(h);
            } else {
                st.heap.free_page(h);
            }
            continue;
        }
        let nw = pg.bitmap_words();
        pg.live = pg.mark[..nw].iter().map(|w| w.count_ones()).sum();
        live_blocks += pg.live as usize;
        live_bytes += pg.live as usize * pg.block_size as usize;
        if pg.kind == finalizer {
            // Dead blocks whose finalizer has not run stay allocated until it has.
            for w in 0..nw {
                let mut dead = pg.alloc[w] & !pg.mark[w];
                while dead != 0 {
                    let b = dead.trailing_zeros() as usize;
                    dead &= dead - 1;
                    let addr = pg.start + (w * 64 + b) * pg.block_size as usize;
                    if *(addr as *const usize) != 0 {
                        st.pending_finalizers.push(addr);
                        pg.mark[w] |= 1u64 << b;
                        pg.live += 1;
                    }
                }
            }
        }
        pg.alloc[..nw].copy_from_slice(&pg.mark[..nw]);
        pg.mark[..nw].fill(0);
        pg.scan_from = 0;
        if pg.live == 0 {
            st.heap.free_page(h);
            continue;
        }
        if pg.live < pg.nblocks {
            st.heap.partial[pg.kind as usize * NCLASSES + pg.class as usize].push(h);
        }
        kept.push(h);
    }
    // Allocate from low addresses first (lists are popped from the end).
    for list in st.heap.partial.iter_mut() {
        list.reverse();
    }
    st.heap.pages = kept;
    if !st.pending_finalizers.is_empty() {
        HAS_PENDING_FINALIZERS.store(true, Release);
    }
    (live_bytes, live_blocks)
}

/// Calls the finalizers found by the last collections, outside the lock.
pub fn run_pending_finalizers() {
    if !HAS_PENDING_FINALIZERS.load(Acquire) {
        return;
    }
    // SAFETY: the GC lock is taken for the calling thread before state() is used.
    let list = unsafe {
        let g = lock_heap(current());
        HAS_PENDING_FINALIZERS.store(false, Relaxed);
        std::mem::take(&mut state(&g).pending_finalizers)
    };
    for addr in list {
        // SAFETY: the pending list holds starts of FINALIZER blocks that the
        // last collection found unreachable; word 0 is the finalizer or 0.
        unsafe { call_finalizer(addr) };
    }
}

/// Runs the finalizer in word 0 of the FINALIZER block at `addr`, if it
/// still has one, clearing the word first (so the block is freed by the
/// next collection and a finalizer never runs twice).
///
/// # Safety
/// `addr` is the start of a FINALIZER block whose word 0 is 0 or a
/// finalizer taking the block.
unsafe fn call_finalizer(addr: usize) {
    let slot = addr as *mut usize;
    let f = *slot;
    if f != 0 {
        *slot = 0;
        // SAFETY: a nonzero word 0 of a FINALIZER block is the finalizer
        // `hl_gc_alloc_finalizer`'s caller stored there.
        let f: unsafe extern "C" fn(*mut c_void) = std::mem::transmute(f);
        f(addr as *mut c_void);
    }
}
