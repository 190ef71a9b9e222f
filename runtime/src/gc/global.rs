//! Process-wide libhl entry points around the collector: `hl_global_init` /
//! `hl_global_free` (what an embedding host calls around a run), the
//! exclusive lock of `hl_global_lock`, and the introspection HashLink's tools
//! use (`hl_gc_threads_info`, `hl_gc_get_page`, `hl_gc_get_mark_threads`).

use super::*;
use crate::abi::hl_threads_info;
use std::sync::atomic::AtomicPtr;
use std::sync::Mutex;

/// `hl_global_init`: starts the collector (a no-op if it runs already).
#[no_mangle]
pub extern "C" fn hl_global_init() {
    init();
}

/// `hl_global_free`: releases the field-name cache and, when no other thread
/// is registered, the whole runtime context and GC heap (every GC pointer
/// becomes invalid and the calling thread is unregistered; see
/// `crate::context::shutdown`); `hl_global_init` may start again. With other
/// threads still registered the heap stays, as libhl leaves it.
#[no_mangle]
pub extern "C" fn hl_global_free() {
    crate::std::bytes::hl_cache_free();
    if !INITIALIZED.load(Acquire) {
        return;
    }
    let me = current();
    // SAFETY: lock_heap waits at a safe point if a collection holds the lock;
    // with the lock held the collector's state may be read.
    let alone = unsafe {
        let g = lock_heap(me);
        state(&g).threads.iter().all(|&t| t == me)
    };
    if alone {
        crate::context::shutdown();
    }
}

/// Forgets the exclusive lock (its GC block goes with the heap) and frees the
/// thread lists `hl_gc_threads_info` handed out: part of a runtime shutdown.
pub(crate) fn release() {
    EXCLUSIVE.store(null_mut(), Relaxed);
    *THREADS_INFO.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// The recursive mutex of `hl_global_lock`, allocated on first use.
static EXCLUSIVE: AtomicPtr<crate::std::thread::hl_mutex> = AtomicPtr::new(null_mut());
static EXCLUSIVE_INIT: Mutex<()> = Mutex::new(());

fn exclusive_lock() -> *mut crate::std::thread::hl_mutex {
    let l = EXCLUSIVE.load(Acquire);
    if !l.is_null() {
        return l;
    }
    let _g = EXCLUSIVE_INIT.lock().unwrap_or_else(|e| e.into_inner());
    let l = EXCLUSIVE.load(Acquire);
    if !l.is_null() {
        return l;
    }
    // SAFETY: allocating a GC mutex needs an initialised collector (init is
    // idempotent); the static slot is a root, so the mutex lives until
    // `hl_global_free` clears the slot.
    unsafe {
        init();
        let m = crate::std::thread::hl_mutex_alloc(true);
        EXCLUSIVE.store(m, Release);
        add_root(EXCLUSIVE.as_ptr().cast());
        m
    }
}

/// `hl_global_lock`: takes (`true`) or releases (`false`) the process-wide
/// exclusive lock, a recursive mutex; waiting for it is a GC safe point.
#[no_mangle]
pub unsafe extern "C" fn hl_global_lock(lock: bool) {
    let l = exclusive_lock();
    if lock {
        crate::std::thread::hl_mutex_acquire(l);
    } else {
        crate::std::thread::hl_mutex_release(l);
    }
}

/// What `hl_gc_threads_info` returns, and the thread lists it pointed to.
struct ThreadsInfo {
    info: hl_threads_info,
    /// Capacity of `info.threads`. A buffer that grows is replaced and the old
    /// one kept (a caller may still read it) until [`release`].
    cap: usize,
    buffers: Vec<Box<[*mut hl_thread_info]>>,
}
// SAFETY: only accessed under the THREADS_INFO mutex; the pointers inside are
// thread descriptors owned by the collector.
unsafe impl Send for ThreadsInfo {}

static THREADS_INFO: Mutex<Option<Box<ThreadsInfo>>> = Mutex::new(None);

/// `hl_gc_threads_info`: the threads registered with the collector now (a
/// snapshot refreshed by each call), whether a collection is stopping them,
/// and the exclusive lock. hlc's collector has no `hl_mutex` global lock and
/// keeps GUID names elsewhere: `global_lock` and `guid_map` are null.
#[no_mangle]
pub extern "C" fn hl_gc_threads_info() -> *mut hl_threads_info {
    init();
    let lock = exclusive_lock();
    let mut slot = THREADS_INFO.lock().unwrap_or_else(|e| e.into_inner());
    let ti = slot.get_or_insert_with(|| {
        Box::new(ThreadsInfo {
            info: hl_threads_info {
                count: 0,
                stopping_world: false,
                threads: null_mut(),
                global_lock: null_mut(),
                exclusive_lock: null_mut(),
                guid_map: null_mut(),
            },
            cap: 0,
            buffers: Vec::new(),
        })
    });
    // SAFETY: lock_heap waits at a safe point if a collection holds the lock;
    // with it held the thread list is copied into a buffer of `cap` pointers.
    let g = unsafe { lock_heap(current()) };
    unsafe {
        let st = state(&g);
        let n = st.threads.len();
        if n > ti.cap {
            let cap = n.max(4).next_power_of_two();
            let mut buf: Box<[*mut hl_thread_info]> = vec![null_mut(); cap].into_boxed_slice();
            ti.info.threads = buf.as_mut_ptr();
            ti.buffers.push(buf);
            ti.cap = cap;
        }
        for (i, &t) in st.threads.iter().enumerate() {
            *ti.info.threads.add(i) = t.cast();
        }
        ti.info.count = n as i32;
    }
    drop(g);
    ti.info.stopping_world = thread::STOPPING.load(SeqCst);
    ti.info.exclusive_lock = lock.cast();
    &mut ti.info
}

/// `hl_gc_get_page`: an opaque handle on the GC page holding the allocated
/// block that contains `p`, or null when `p` is not in one.
#[no_mangle]
pub extern "C" fn hl_gc_get_page(p: *mut c_void) -> *mut c_void {
    match find_block(p as usize) {
        Some((page, _)) => page.cast(),
        None => null_mut(),
    }
}

/// `hl_gc_get_mark_threads`: the collector's helper marking threads. hlc's
/// collector marks on the collecting thread alone, so there are none: 0.
#[no_mangle]
pub extern "C" fn hl_gc_get_mark_threads(_tids: *mut *mut c_void) -> i32 {
    0
}

/// `hl_gc_mark_grow`: libhl exports this step of its own marker (growing its
/// mark stack), which has no counterpart here; calling it is a fatal error.
#[no_mangle]
pub extern "C" fn hl_gc_mark_grow(_stack: *mut c_void) -> *mut c_void {
    crate::start::fatal("hl_gc_mark_grow belongs to HashLink's own collector and has no meaning in hlc's")
}
