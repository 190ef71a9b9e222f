//! Threads and synchronisation: the natives of libhl's `std/thread.c` and the
//! C API `hl.h` declares for them (`hl_thread_start`, `hl_mutex_*`,
//! `hl_semaphore_*`, `hl_condition_*`, `hl_tls_*`), plus `deque_*`, `lock_*`
//! and the `atomic_*` natives.
//!
//! Integration with the collector (see `crate::gc`):
//! - A thread started with `with_gc` (every thread `thread_create` makes)
//!   registers with the GC before its callback runs, with a local of its entry
//!   function as stack top, gets the alternate signal stack the stack-overflow
//!   handler needs, and unregisters when the callback returns. The creator
//!   waits until the new thread is registered, so the start record (which keeps
//!   the callback's argument alive) can die as soon as the call returns.
//! - Every native that `hl` treats as a safe point is one here too: each
//!   wait (mutex, lock, deque pop, condition, semaphore, thread start)
//!   happens inside a GC blocking section, so a collection never waits for a
//!   sleeping thread, and the calls that do not wait (an uncontended mutex,
//!   `deque_pop(false)` on an empty deque, `semaphore_try_acquire` without a
//!   timeout, `thread_yield`) still stop for a pending collection
//!   ([`gc::safepoint`]), so a thread polling them never holds one up.
//!   A native lock is only ever waited for inside a blocking section; leaving
//!   the section may wait for a running collection while holding that lock,
//!   which is safe because no other thread can be stuck on it outside a
//!   blocking section.
//! - GC memory reachable only from a deque or a TLS slot stays visible: a
//!   deque is a RAW (scanned) block holding its linked list of RAW nodes;
//!   a GC-valued TLS slot is a malloc'd word registered as a root.
//! - Handles with native resources are finalizer blocks (word 0 = finalizer,
//!   as libhl's `hl_gc_alloc_finalizer`), the resource lives in a `Box`.
//!
//! Never hold one of this module's Rust mutexes across a call into the GC:
//! a running thread waiting for such a mutex is not at a safe point.

// The contracts of these functions are hl.h's.
#![allow(clippy::missing_safety_doc, non_camel_case_types)]

use crate::abi::*;
use crate::sys::c;
use crate::gc::{self, hl_gc_alloc_gen};
use crate::std::raise_error;
use ::std::cell::UnsafeCell;
use ::std::ffi::{c_char, c_void};
use ::std::mem::size_of;
use ::std::ptr::null_mut;
use ::std::sync::atomic::{AtomicI32, AtomicPtr, Ordering::SeqCst};
use ::std::sync::{Arc, Condvar, Mutex};

/// `hl_thread*`: a `pthread_t` in disguise.
pub type hl_thread = c_void;

extern "C" {
    fn hl_dyn_call_safe(c: *mut vclosure, args: *mut *mut vdynamic, nargs: i32, is_exc: *mut bool) -> *mut vdynamic;
}

// ---------------------------------------------------------------------------
// Shared helpers.

/// A finalizer block owning a native resource: word 0 is the finalizer
/// (libhl's `free` field), cleared once the resource is released.
#[repr(C)]
pub struct Handle<T> {
    free: Option<unsafe extern "C" fn(*mut Handle<T>)>,
    inner: *mut T,
}

unsafe extern "C" fn finalize_handle<T>(h: *mut Handle<T>) {
    (*h).free = None;
    let p = ::std::mem::replace(&mut (*h).inner, null_mut());
    if !p.is_null() {
        drop(Box::from_raw(p));
    }
}

unsafe fn alloc_handle<T>(inner: Box<T>) -> *mut Handle<T> {
    let h = hl_gc_alloc_gen(
        hlt_abstract.get(),
        size_of::<Handle<T>>() as i32,
        mem::KIND_FINALIZER | mem::ZERO,
    ) as *mut Handle<T>;
    (*h).inner = Box::into_raw(inner);
    (*h).free = Some(finalize_handle::<T>);
    h
}

/// The resource behind a handle; throws on a null or freed handle.
unsafe fn inner<'a, T>(h: *mut Handle<T>, what: &str) -> &'a T {
    if h.is_null() {
        raise_error("Null access");
    }
    let p = (*h).inner;
    if p.is_null() {
        raise_error(&format!("{what} has been freed"));
    }
    &*p
}

/// Explicit `*_free`: releases the resource now; the finalizer is disarmed.
unsafe fn free_handle<T>(h: *mut Handle<T>) {
    if !h.is_null() && (*h).free.is_some() {
        finalize_handle(h);
    }
}

/// A pthread mutex at a stable address (inside a `Box`).
struct PMutex(UnsafeCell<c::pthread_mutex_t>);

impl PMutex {
    /// A normal mutex; [`PMutex::make_recursive`] turns it into a recursive
    /// one once it sits at its final address.
    fn new() -> PMutex {
        PMutex(UnsafeCell::new(c::PTHREAD_MUTEX_INITIALIZER))
    }
    fn make_recursive(&self) {
        // SAFETY: `self` sits at its final address and is not locked yet (called right
        // after it is boxed); the attribute is a local initialised before use.
        unsafe {
            let mut a: c::pthread_mutexattr_t = ::std::mem::zeroed();
            c::pthread_mutexattr_init(&mut a);
            c::pthread_mutexattr_settype(&mut a, c::PTHREAD_MUTEX_RECURSIVE);
            c::pthread_mutex_init(self.0.get(), &a);
            c::pthread_mutexattr_destroy(&mut a);
        }
    }
    fn lock(&self) {
        // SAFETY: the mutex lives in its UnsafeCell at a stable address (a Box) for as long as `self`.
        unsafe { c::pthread_mutex_lock(self.0.get()) };
    }
    fn try_lock(&self) -> bool {
        // SAFETY: the mutex lives in its UnsafeCell at a stable address (a Box) for as long as `self`.
        unsafe { c::pthread_mutex_trylock(self.0.get()) == 0 }
    }
    fn unlock(&self) {
        // SAFETY: the mutex lives in its UnsafeCell at a stable address (a Box) for as long as `self`.
        unsafe { c::pthread_mutex_unlock(self.0.get()) };
    }
    /// Locks inside a GC blocking section; a safe point even when the
    /// mutex is free (as libhl's, which always enters the section).
    fn lock_blocking(&self) {
        gc::safepoint();
        if !self.try_lock() {
            gc::set_blocking(true);
            self.lock();
            gc::set_blocking(false);
        }
    }
}

impl Drop for PMutex {
    fn drop(&mut self) {
        // SAFETY: `&mut self`: no thread holds or waits on the mutex any more.
        unsafe { c::pthread_mutex_destroy(self.0.get()) };
    }
}

/// A pthread condition variable at a stable address (CLOCK_REALTIME, as libhl's).
struct PCond(UnsafeCell<c::pthread_cond_t>);

impl PCond {
    fn new() -> PCond {
        PCond(UnsafeCell::new(c::PTHREAD_COND_INITIALIZER))
    }
    fn wait(&self, m: &PMutex) {
        // SAFETY: the condition and the mutex live at stable addresses (Boxes) for as long as `self` and `m`.
        unsafe { c::pthread_cond_wait(self.0.get(), m.0.get()) };
    }
    /// False on timeout (or any error).
    fn timed_wait(&self, m: &PMutex, deadline: &c::timespec) -> bool {
        // SAFETY: the condition and the mutex live at stable addresses (Boxes) for as long as `self` and `m`.
        unsafe { c::pthread_cond_timedwait(self.0.get(), m.0.get(), deadline) == 0 }
    }
    fn signal(&self) {
        // SAFETY: the condition lives at a stable address (a Box) for as long as `self`.
        unsafe { c::pthread_cond_signal(self.0.get()) };
    }
    fn broadcast(&self) {
        // SAFETY: the condition lives at a stable address (a Box) for as long as `self`.
        unsafe { c::pthread_cond_broadcast(self.0.get()) };
    }
}

impl Drop for PCond {
    fn drop(&mut self) {
        // SAFETY: `&mut self`: no thread waits on the condition any more.
        unsafe { c::pthread_cond_destroy(self.0.get()) };
    }
}

/// The absolute CLOCK_REALTIME time `timeout` seconds from now (clamped).
#[allow(clippy::unnecessary_cast)] // time_t / c_long are not i64 everywhere
fn deadline(timeout: f64) -> c::timespec {
    let mut now = c::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec to write.
    unsafe { c::clock_gettime(c::CLOCK_REALTIME, &mut now) };
    let t = if timeout.is_nan() { 0.0 } else { timeout.clamp(-1e12, 1e12) };
    let whole = t.floor();
    let mut sec = now.tv_sec as i64 + whole as i64;
    let mut nsec = now.tv_nsec as i64 + ((t - whole) * 1e9) as i64;
    if nsec >= 1_000_000_000 {
        sec += 1;
        nsec -= 1_000_000_000;
    }
    if sec < 0 {
        sec = 0;
        nsec = 0;
    }
    c::timespec { tv_sec: sec as _, tv_nsec: nsec as _ }
}

/// The seconds of a `Null<Float>` argument.
unsafe fn opt_seconds(timeout: *mut vdynamic) -> Option<f64> {
    if timeout.is_null() {
        None
    } else {
        Some((*timeout).v.d)
    }
}

// ---------------------------------------------------------------------------
// Mutex (recursive).

pub struct MutexInner {
    lock: PMutex,
    is_gc: bool,
}

pub type hl_mutex = Handle<MutexInner>;

/// `mutex_alloc`: a recursive mutex; with `gc_thread`, waiting for it is a GC
/// blocking section (threads not known to the GC pass false).
#[no_mangle]
pub unsafe extern "C" fn hl_mutex_alloc(gc_thread: bool) -> *mut hl_mutex {
    let m = Box::new(MutexInner { lock: PMutex::new(), is_gc: gc_thread });
    m.lock.make_recursive();
    alloc_handle(m)
}

#[no_mangle]
pub unsafe extern "C" fn hl_mutex_acquire(l: *mut hl_mutex) {
    let m = inner(l, "Mutex");
    if m.is_gc {
        m.lock.lock_blocking();
    } else {
        m.lock.lock();
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_mutex_try_acquire(l: *mut hl_mutex) -> bool {
    inner(l, "Mutex").lock.try_lock()
}

#[no_mangle]
pub unsafe extern "C" fn hl_mutex_release(l: *mut hl_mutex) {
    inner(l, "Mutex").lock.unlock();
}

#[no_mangle]
pub unsafe extern "C" fn hl_mutex_free(l: *mut hl_mutex) {
    free_handle(l);
}

// ---------------------------------------------------------------------------
// Semaphore.

pub struct SemInner(UnsafeCell<c::sem_t>);

impl Drop for SemInner {
    fn drop(&mut self) {
        // SAFETY: `&mut self`: the semaphore was initialised and nobody waits on it any more.
        unsafe { c::sem_destroy(self.0.get()) };
    }
}

pub type hl_semaphore = Handle<SemInner>;

/// C's `errno` (on Windows distinct from `GetLastError`, which `last_os_error` reads).
fn errno() -> i32 {
    crate::sys::errno()
}

#[no_mangle]
pub unsafe extern "C" fn hl_semaphore_alloc(value: i32) -> *mut hl_semaphore {
    let s = Box::new(SemInner(UnsafeCell::new(::std::mem::zeroed())));
    c::sem_init(s.0.get(), 0, value.max(0) as u32);
    alloc_handle(s)
}

#[no_mangle]
pub unsafe extern "C" fn hl_semaphore_acquire(sem: *mut hl_semaphore) {
    let s = inner(sem, "Semaphore").0.get();
    gc::safepoint();
    if c::sem_trywait(s) == 0 {
        return;
    }
    gc::set_blocking(true);
    while c::sem_wait(s) != 0 && errno() == c::EINTR {}
    gc::set_blocking(false);
}

/// `semaphore_try_acquire`: without a timeout, does not wait; else waits up
/// to `timeout` seconds.
#[no_mangle]
pub unsafe extern "C" fn hl_semaphore_try_acquire(sem: *mut hl_semaphore, timeout: *mut vdynamic) -> bool {
    let s = inner(sem, "Semaphore").0.get();
    let Some(secs) = opt_seconds(timeout) else {
        gc::safepoint();
        return c::sem_trywait(s) == 0;
    };
    let dl = deadline(secs);
    gc::set_blocking(true);
    let ok = loop {
        if c::sem_timedwait(s, &dl) == 0 {
            break true;
        }
        if errno() != c::EINTR {
            break false;
        }
    };
    gc::set_blocking(false);
    ok
}

#[no_mangle]
pub unsafe extern "C" fn hl_semaphore_release(sem: *mut hl_semaphore) {
    c::sem_post(inner(sem, "Semaphore").0.get());
}

#[no_mangle]
pub unsafe extern "C" fn hl_semaphore_free(sem: *mut hl_semaphore) {
    free_handle(sem);
}

// ---------------------------------------------------------------------------
// Condition (a recursive mutex and a condition variable).

pub struct CondInner {
    mutex: PMutex,
    cond: PCond,
}

pub type hl_condition = Handle<CondInner>;

#[no_mangle]
pub unsafe extern "C" fn hl_condition_alloc() -> *mut hl_condition {
    let c = Box::new(CondInner { mutex: PMutex::new(), cond: PCond::new() });
    c.mutex.make_recursive();
    alloc_handle(c)
}

#[no_mangle]
pub unsafe extern "C" fn hl_condition_acquire(c: *mut hl_condition) {
    inner(c, "Condition").mutex.lock_blocking();
}

#[no_mangle]
pub unsafe extern "C" fn hl_condition_try_acquire(c: *mut hl_condition) -> bool {
    inner(c, "Condition").mutex.try_lock()
}

#[no_mangle]
pub unsafe extern "C" fn hl_condition_release(c: *mut hl_condition) {
    inner(c, "Condition").mutex.unlock();
}

/// `condition_wait`: the caller holds the condition's mutex.
#[no_mangle]
pub unsafe extern "C" fn hl_condition_wait(c: *mut hl_condition) {
    let c = inner(c, "Condition");
    gc::set_blocking(true);
    c.cond.wait(&c.mutex);
    gc::set_blocking(false);
}

/// `condition_timed_wait`: false if `timeout` seconds passed without a signal.
#[no_mangle]
pub unsafe extern "C" fn hl_condition_timed_wait(c: *mut hl_condition, timeout: f64) -> bool {
    let c = inner(c, "Condition");
    let dl = deadline(timeout);
    gc::set_blocking(true);
    let ok = c.cond.timed_wait(&c.mutex, &dl);
    gc::set_blocking(false);
    ok
}

#[no_mangle]
pub unsafe extern "C" fn hl_condition_signal(c: *mut hl_condition) {
    inner(c, "Condition").cond.signal();
}

#[no_mangle]
pub unsafe extern "C" fn hl_condition_broadcast(c: *mut hl_condition) {
    inner(c, "Condition").cond.broadcast();
}

#[no_mangle]
pub unsafe extern "C" fn hl_condition_free(c: *mut hl_condition) {
    free_handle(c);
}

// ---------------------------------------------------------------------------
// Thread-local storage.

/// What a TLS handle owns: the pthread key and, for GC values, every
/// thread's root slot (so freeing the TLS releases them all).
pub struct TlsShared {
    key: c::pthread_key_t,
    gc: bool,
    stores: Mutex<Vec<usize>>,
}

/// A thread's slot of a GC-valued TLS: `value` is registered as a GC root.
struct TlsStore {
    value: *mut c_void,
    owner: Arc<TlsShared>,
}

pub struct TlsInner(Arc<TlsShared>);

impl Drop for TlsInner {
    fn drop(&mut self) {
        // SAFETY: the key is this TLS's own and deleted once; each listed store is a
        // live TlsStore allocation (stores stay allocated, see below), whose
        // `value` field was registered as a root.
        unsafe {
            c::pthread_key_delete(self.0.key);
            let stores = ::std::mem::take(&mut *self.0.stores.lock().unwrap_or_else(|e| e.into_inner()));
            // The slots stay allocated: a thread exiting right now may still
            // look at its own (its key destructor frees it only if listed).
            for s in stores {
                gc::remove_root(::std::ptr::addr_of_mut!((*(s as *mut TlsStore)).value));
            }
        }
    }
}

pub type hl_tls = Handle<TlsInner>;

unsafe fn release_store(s: *mut TlsStore) {
    gc::remove_root(::std::ptr::addr_of_mut!((*s).value));
    drop(Box::from_raw(s));
}

/// Removes `s` from its owner's list; true if it was there (the caller then frees it).
unsafe fn unlist_store(s: *mut TlsStore) -> bool {
    let owner: &TlsShared = &(*s).owner;
    let mut l = owner.stores.lock().unwrap_or_else(|e| e.into_inner());
    match l.iter().position(|&p| p == s as usize) {
        Some(i) => {
            l.swap_remove(i);
            true
        }
        None => false,
    }
}

/// Key destructor of GC-valued TLS: a thread's slot dies with the thread.
unsafe extern "C" fn tls_store_exit(p: *mut c_void) {
    let s = p as *mut TlsStore;
    if unlist_store(s) {
        release_store(s);
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_tls_alloc(gc_value: bool) -> *mut hl_tls {
    let mut key: c::pthread_key_t = 0;
    let dtor: Option<unsafe extern "C" fn(*mut c_void)> = if gc_value { Some(tls_store_exit) } else { None };
    if c::pthread_key_create(&mut key, dtor) != 0 {
        raise_error("Could not allocate thread local storage");
    }
    let shared = Arc::new(TlsShared { key, gc: gc_value, stores: Mutex::new(Vec::new()) });
    alloc_handle(Box::new(TlsInner(shared)))
}

#[no_mangle]
pub unsafe extern "C" fn hl_tls_free(l: *mut hl_tls) {
    free_handle(l);
}

#[no_mangle]
pub unsafe extern "C" fn hl_tls_set(l: *mut hl_tls, v: *mut c_void) {
    let sh = &inner(l, "Tls").0;
    if !sh.gc {
        c::pthread_setspecific(sh.key, v);
        return;
    }
    let s = c::pthread_getspecific(sh.key) as *mut TlsStore;
    if s.is_null() {
        if v.is_null() {
            return;
        }
        let s = Box::into_raw(Box::new(TlsStore { value: v, owner: sh.clone() }));
        gc::add_root(::std::ptr::addr_of_mut!((*s).value));
        sh.stores.lock().unwrap_or_else(|e| e.into_inner()).push(s as usize);
        c::pthread_setspecific(sh.key, s.cast());
    } else if v.is_null() {
        c::pthread_setspecific(sh.key, null_mut());
        if unlist_store(s) {
            release_store(s);
        }
    } else {
        (*s).value = v;
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_tls_get(l: *mut hl_tls) -> *mut c_void {
    let sh = &inner(l, "Tls").0;
    let p = c::pthread_getspecific(sh.key);
    if !sh.gc {
        return p;
    }
    if p.is_null() {
        null_mut()
    } else {
        (*(p as *mut TlsStore)).value
    }
}

// ---------------------------------------------------------------------------
// Deque: a message queue. The handle is a RAW block, so the GC scans the
// list through it; the native lock lives in a finalizer block it points to.

#[repr(C)]
struct DequeNode {
    msg: *mut vdynamic,
    next: *mut DequeNode,
}

pub struct DequeSync {
    lock: PMutex,
    wait: PCond,
}

#[repr(C)]
pub struct hl_deque {
    first: *mut DequeNode,
    last: *mut DequeNode,
    sync: *mut Handle<DequeSync>,
}

#[no_mangle]
pub unsafe extern "C" fn hl_deque_alloc() -> *mut hl_deque {
    let sync = alloc_handle(Box::new(DequeSync { lock: PMutex::new(), wait: PCond::new() }));
    let q = crate::std::alloc_raw(size_of::<hl_deque>()) as *mut hl_deque;
    (*q).sync = sync;
    q
}

unsafe fn deque_sync<'a>(q: *mut hl_deque) -> &'a DequeSync {
    if q.is_null() {
        raise_error("Null access");
    }
    inner((*q).sync, "Deque")
}

unsafe fn new_node(msg: *mut vdynamic) -> *mut DequeNode {
    let n = crate::std::alloc_raw(size_of::<DequeNode>()) as *mut DequeNode;
    (*n).msg = msg;
    n
}

/// `deque_add`: appends `msg` at the end.
#[no_mangle]
pub unsafe extern "C" fn hl_deque_add(q: *mut hl_deque, msg: *mut vdynamic) {
    let s = deque_sync(q);
    let n = new_node(msg);
    s.lock.lock_blocking();
    if (*q).last.is_null() {
        (*q).first = n;
    } else {
        (*(*q).last).next = n;
    }
    (*q).last = n;
    s.wait.signal();
    s.lock.unlock();
}

/// `deque_push`: inserts `msg` at the front.
#[no_mangle]
pub unsafe extern "C" fn hl_deque_push(q: *mut hl_deque, msg: *mut vdynamic) {
    let s = deque_sync(q);
    let n = new_node(msg);
    s.lock.lock_blocking();
    (*n).next = (*q).first;
    (*q).first = n;
    if (*q).last.is_null() {
        (*q).last = n;
    }
    s.wait.signal();
    s.lock.unlock();
}

/// `deque_pop`: takes the first message; if the deque is empty, waits for one
/// when `block`, else returns null. Always a safe point (`lock_blocking`),
/// so a thread polling with `block = false` lets collections run. The list
/// is only modified outside blocking sections (no collection is marking then).
#[no_mangle]
pub unsafe extern "C" fn hl_deque_pop(q: *mut hl_deque, block: bool) -> *mut vdynamic {
    let s = deque_sync(q);
    s.lock.lock_blocking();
    while (*q).first.is_null() {
        if !block {
            s.lock.unlock();
            return null_mut();
        }
        gc::set_blocking(true);
        s.wait.wait(&s.lock);
        gc::set_blocking(false);
    }
    let n = (*q).first;
    let msg = (*n).msg;
    (*q).first = (*n).next;
    if (*q).first.is_null() {
        (*q).last = null_mut();
    } else {
        s.wait.signal();
    }
    s.lock.unlock();
    msg
}

// ---------------------------------------------------------------------------
// Lock: a counting event (`sys.thread.Lock`).

pub struct LockInner {
    mutex: PMutex,
    wait: PCond,
    counter: UnsafeCell<i32>,
}

pub type hl_lock = Handle<LockInner>;

#[no_mangle]
pub unsafe extern "C" fn hl_lock_create() -> *mut hl_lock {
    alloc_handle(Box::new(LockInner { mutex: PMutex::new(), wait: PCond::new(), counter: UnsafeCell::new(0) }))
}

#[no_mangle]
pub unsafe extern "C" fn hl_lock_release(l: *mut hl_lock) {
    let l = inner(l, "Lock");
    l.mutex.lock_blocking();
    *l.counter.get() += 1;
    l.wait.signal();
    l.mutex.unlock();
}

/// `lock_wait`: consumes one release, waiting for it (at most `timeout`
/// seconds if given); false on timeout.
#[no_mangle]
pub unsafe extern "C" fn hl_lock_wait(l: *mut hl_lock, timeout: *mut vdynamic) -> bool {
    let l = inner(l, "Lock");
    let dl = opt_seconds(timeout).map(deadline);
    gc::set_blocking(true);
    l.mutex.lock();
    while *l.counter.get() == 0 {
        match &dl {
            Some(t) => {
                if !l.wait.timed_wait(&l.mutex, t) && *l.counter.get() == 0 {
                    l.mutex.unlock();
                    gc::set_blocking(false);
                    return false;
                }
            }
            None => l.wait.wait(&l.mutex),
        }
    }
    *l.counter.get() -= 1;
    if *l.counter.get() > 0 {
        l.wait.signal();
    }
    l.mutex.unlock();
    gc::set_blocking(false);
    true
}

// ---------------------------------------------------------------------------
// Threads.

/// Threads started by `hl_thread_start` with the GC (and any thread that was
/// named): its `pthread_t`, kernel id, GC thread info and name.
struct ThreadRec {
    handle: usize,
    tid: i32,
    info: usize,
    name: Option<Vec<u8>>,
}

/// The thread records of a runtime context.
#[derive(Default)]
pub struct Threads(Mutex<Vec<ThreadRec>>);

fn threads() -> ::std::sync::MutexGuard<'static, Vec<ThreadRec>> {
    crate::context::rt().threads.0.lock().unwrap_or_else(|e| e.into_inner())
}

fn self_handle() -> usize {
    // SAFETY: pthread_self has no preconditions.
    unsafe { c::pthread_self() as usize }
}

/// `thread_current`: the calling thread's handle.
#[no_mangle]
pub extern "C" fn hl_thread_current() -> *mut hl_thread {
    self_handle() as *mut hl_thread
}

/// `thread_yield`: gives up the processor; also a safe point.
#[no_mangle]
pub extern "C" fn hl_thread_yield() {
    gc::safepoint();
    // SAFETY: sched_yield has no preconditions.
    unsafe { c::sched_yield() };
}

/// `hl_thread_id`: the calling thread's kernel id.
#[no_mangle]
pub extern "C" fn hl_thread_id() -> i32 {
    crate::sys::thread_id()
}

/// `hl_get_thread_id`: the kernel id of a thread handle, if known (the
/// calling thread and threads started through `hl_thread_start` with the
/// GC), else -1.
#[no_mangle]
pub extern "C" fn hl_get_thread_id(t: *mut hl_thread) -> i32 {
    if t as usize == self_handle() {
        return hl_thread_id();
    }
    threads().iter().find(|r| r.handle == t as usize).map_or(-1, |r| r.tid)
}

/// Waits until the new thread has registered with the GC.
struct StartSignal {
    done: Mutex<bool>,
    cond: Condvar,
}

/// The start record of a GC thread: a RAW block, so `param` stays alive.
#[repr(C)]
struct StartRec {
    param: *mut c_void,
    callb: usize,
    signal: *const StartSignal,
}

type ThreadCallback = unsafe extern "C" fn(*mut c_void);

extern "C" fn gc_thread_entry(rec: *mut c_void) -> *mut c_void {
    let top = 0usize;
    gc::register_thread(::std::hint::black_box(&top) as *const usize as *mut c_void);
    // SAFETY: this thread was registered just above; `rec` is the StartRec its
    // creator passed to it, owned by this thread from now on.
    unsafe {
        hlrt_c::hlc_signals_thread_init();
        run_registered(rec as *mut StartRec);
        let me = self_handle();
        threads().retain(|r| r.handle != me);
    }
    gc::unregister_thread();
    // SAFETY: frees what hlc_signals_thread_init set up on this thread, once.
    unsafe { hlrt_c::hlc_signals_thread_free() };
    ::std::hint::black_box(&top);
    null_mut()
}

/// The registered part of a GC thread; its frames lie below the stack top.
#[inline(never)]
unsafe fn run_registered(rec: *mut StartRec) {
    let param = (*rec).param;
    let callb: ThreadCallback = ::std::mem::transmute::<usize, ThreadCallback>((*rec).callb);
    let signal = &*(*rec).signal;
    threads().push(ThreadRec {
        handle: self_handle(),
        tid: hl_thread_id(),
        info: gc::current_thread() as usize,
        name: None,
    });
    {
        let mut d = signal.done.lock().unwrap_or_else(|e| e.into_inner());
        *d = true;
        signal.cond.notify_all();
    }
    callb(::std::hint::black_box(param));
}

/// `hl_thread_start`: runs `callback(param)` in a new detached thread. With
/// `with_gc`, the thread is registered with the GC while `callback` runs
/// (and has the alternate signal stack), and this returns once it is
/// registered. Returns null if the thread cannot be created.
#[no_mangle]
pub unsafe extern "C" fn hl_thread_start(callback: *mut c_void, param: *mut c_void, with_gc: bool) -> *mut hl_thread {
    let mut attr: c::pthread_attr_t = ::std::mem::zeroed();
    c::pthread_attr_init(&mut attr);
    c::pthread_attr_setdetachstate(&mut attr, c::PTHREAD_CREATE_DETACHED);
    // SAFETY: pthread_t is an integer (glibc) or a pointer (musl); zero is a valid placeholder for both.
    let mut t: c::pthread_t = ::std::mem::zeroed();
    if !with_gc {
        let f: extern "C" fn(*mut c_void) -> *mut c_void = ::std::mem::transmute(callback);
        let r = c::pthread_create(&mut t, &attr, f, param);
        c::pthread_attr_destroy(&mut attr);
        return if r == 0 { t as *mut hl_thread } else { null_mut() };
    }
    let signal = Box::new(StartSignal { done: Mutex::new(false), cond: Condvar::new() });
    let rec = crate::std::alloc_raw(size_of::<StartRec>()) as *mut StartRec;
    (*rec).param = param;
    (*rec).callb = callback as usize;
    (*rec).signal = &*signal;
    let r = c::pthread_create(&mut t, &attr, gc_thread_entry, rec.cast());
    c::pthread_attr_destroy(&mut attr);
    if r != 0 {
        return null_mut();
    }
    gc::set_blocking(true);
    {
        let mut d = signal.done.lock().unwrap_or_else(|e| e.into_inner());
        while !*d {
            d = signal.cond.wait(d).unwrap_or_else(|e| e.into_inner());
        }
    }
    gc::set_blocking(false);
    ::std::hint::black_box(rec);
    drop(signal);
    t as *mut hl_thread
}

/// Prints an exception that ended a thread, as libhl's
/// `hl_print_uncaught_exception` does (on stdout, with its call stack).
unsafe fn print_uncaught(exc: *mut vdynamic) {
    let s = crate::std::tostring::hl_to_string(exc);
    let text = if s.is_null() { "null".to_string() } else { crate::std::ucs2::ucs2_to_string(s) };
    let mut out = format!("Uncaught exception: {text}\n");
    for f in crate::stack::exception_frames() {
        out.push_str("Called from ");
        out.push_str(&f);
        out.push('\n');
    }
    crate::start::write_stdout(out.as_bytes());
    crate::start::flush_stdout();
}

/// The body of a `thread_create` thread: calls the closure under a trap
/// context; an exception it lets escape is printed and ends the thread.
unsafe extern "C" fn run_thread_closure(c: *mut c_void) {
    let mut is_exc = false;
    let exc = hl_dyn_call_safe(c as *mut vclosure, null_mut(), 0, &mut is_exc);
    // Sys.exit in an embedded VM ends the thread that calls it.
    if is_exc && !crate::embed::is_exit_marker(exc) {
        print_uncaught(exc);
    }
}

/// `thread_create`: runs the closure `c` (`Void -> Void`) in a new thread.
#[no_mangle]
pub unsafe extern "C" fn hl_thread_create(c: *mut vclosure) -> *mut hl_thread {
    if c.is_null() {
        raise_error("Null access");
    }
    hl_thread_start(run_thread_closure as *mut c_void, c.cast(), true)
}

/// `thread_set_name`: names the calling thread, or a thread started through
/// `hl_thread_start` with the GC that is still running (the OS name is
/// truncated to Linux's 15 bytes; the HL name to 126).
#[no_mangle]
pub unsafe extern "C" fn hl_thread_set_name(t: *mut hl_thread, name: *const c_char) {
    if name.is_null() {
        raise_error("Null access");
    }
    let bytes = ::std::ffi::CStr::from_ptr(name).to_bytes();
    let bytes = &bytes[..bytes.len().min(126)];
    let mut os = bytes[..bytes.len().min(15)].to_vec();
    os.push(0);
    let mut l = threads();
    let info: *mut hl_thread_info = if t as usize == self_handle() {
        match l.iter_mut().find(|r| r.handle == t as usize) {
            Some(r) => r.name = Some(bytes.to_vec()),
            None => l.push(ThreadRec { handle: t as usize, tid: hl_thread_id(), info: 0, name: Some(bytes.to_vec()) }),
        }
        gc::current_thread()
    } else {
        // Another thread: only one started here and still running (its
        // record has its GC info, removed before it exits).
        match l.iter_mut().find(|r| r.handle == t as usize && r.info != 0) {
            Some(r) => {
                r.name = Some(bytes.to_vec());
                r.info as *mut hl_thread_info
            }
            None => return,
        }
    };
    c::pthread_setname_np(t as c::pthread_t, os.as_ptr().cast());
    if !info.is_null() {
        let dst = &mut (*info).thread_name;
        dst.fill(0);
        dst[..bytes.len()].copy_from_slice(bytes);
    }
    drop(l);
}

/// `thread_get_name`: the name given by `thread_set_name`, or null.
#[no_mangle]
pub unsafe extern "C" fn hl_thread_get_name(t: *mut hl_thread) -> *mut vbyte {
    let name = threads().iter().find(|r| r.handle == t as usize).and_then(|r| r.name.clone());
    match name {
        Some(n) if !n.is_empty() => {
            let mut z = n;
            z.push(0);
            crate::std::alloc_bytes_copy(&z)
        }
        _ => null_mut(),
    }
}

// ---------------------------------------------------------------------------
// Atomics (`_REF(_I32)` / `_REF(_DYN)` arguments), all sequentially consistent.

unsafe fn a32<'a>(a: *mut i32) -> &'a AtomicI32 {
    if a.is_null() {
        raise_error("Null access");
    }
    AtomicI32::from_ptr(a)
}

unsafe fn aptr<'a>(a: *mut *mut c_void) -> &'a AtomicPtr<c_void> {
    if a.is_null() {
        raise_error("Null access");
    }
    AtomicPtr::from_ptr(a)
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_add32(a: *mut i32, b: i32) -> i32 {
    a32(a).fetch_add(b, SeqCst)
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_sub32(a: *mut i32, b: i32) -> i32 {
    a32(a).fetch_sub(b, SeqCst)
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_and32(a: *mut i32, b: i32) -> i32 {
    a32(a).fetch_and(b, SeqCst)
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_or32(a: *mut i32, b: i32) -> i32 {
    a32(a).fetch_or(b, SeqCst)
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_xor32(a: *mut i32, b: i32) -> i32 {
    a32(a).fetch_xor(b, SeqCst)
}

/// Returns the value found (the swap happened if it equals `expected`).
#[no_mangle]
pub unsafe extern "C" fn hl_atomic_compare_exchange32(a: *mut i32, expected: i32, replacement: i32) -> i32 {
    match a32(a).compare_exchange(expected, replacement, SeqCst, SeqCst) {
        Ok(v) | Err(v) => v,
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_compare_exchange_ptr(
    a: *mut *mut c_void,
    expected: *mut c_void,
    replacement: *mut c_void,
) -> *mut c_void {
    match aptr(a).compare_exchange(expected, replacement, SeqCst, SeqCst) {
        Ok(v) | Err(v) => v,
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_exchange32(a: *mut i32, replacement: i32) -> i32 {
    a32(a).swap(replacement, SeqCst)
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_exchange_ptr(a: *mut *mut c_void, replacement: *mut c_void) -> *mut c_void {
    aptr(a).swap(replacement, SeqCst)
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_load32(a: *mut i32) -> i32 {
    a32(a).load(SeqCst)
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_load_ptr(a: *mut *mut c_void) -> *mut c_void {
    aptr(a).load(SeqCst)
}

/// Returns the value stored.
#[no_mangle]
pub unsafe extern "C" fn hl_atomic_store32(a: *mut i32, value: i32) -> i32 {
    a32(a).store(value, SeqCst);
    value
}

#[no_mangle]
pub unsafe extern "C" fn hl_atomic_store_ptr(a: *mut *mut c_void, value: *mut c_void) -> *mut c_void {
    aptr(a).store(value, SeqCst);
    value
}
