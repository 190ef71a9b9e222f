//! `std/thread.c`: threads started through the C API and `thread_create`,
//! mutex / lock / deque / condition / semaphore / TLS semantics, atomics, and
//! collections while several threads allocate and others wait.
//!
//! The tests share one collector, so they run one at a time (`serial`), and a
//! registered thread only waits for another thread inside a GC blocking
//! section (else a collection started by the other thread would wait forever).

use hlrt::abi::*;
use hlrt::gc::{self, *};
use hlrt::std::thread::*;
use std::ffi::{c_void, CStr};
use std::hint::black_box;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering::SeqCst};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    gc::init();
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` with the calling thread registered (stack top = a local here).
#[inline(never)]
fn registered<R>(f: impl FnOnce() -> R) -> R {
    let top = 0usize;
    hl_register_thread(black_box(&top) as *const usize as *mut c_void);
    let r = call(f);
    hl_unregister_thread();
    black_box(&top);
    r
}

#[inline(never)]
fn call<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Runs `f` inside a GC blocking section (waiting for other threads).
fn blocking<R>(f: impl FnOnce() -> R) -> R {
    hl_blocking(true);
    let r = f();
    hl_blocking(false);
    r
}

/// A GC root holding `p` (handles shared through Rust memory the GC does not scan).
struct Root(Box<*mut c_void>);

impl Root {
    fn new<T>(p: *mut T) -> Root {
        let mut b = Box::new(p as *mut c_void);
        unsafe { hl_add_root((&mut *b) as *mut *mut c_void as *mut c_void) };
        Root(b)
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        unsafe { hl_remove_root((&mut *self.0) as *mut *mut c_void as *mut c_void) };
    }
}

fn dynf(v: f64) -> vdynamic {
    vdynamic { t: hlt_f64.get(), v: vdynamic_value { d: v } }
}

/// A `Send` raw pointer.
struct P<T>(*mut T);
impl<T> Clone for P<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for P<T> {}
unsafe impl<T> Send for P<T> {}
unsafe impl<T> Sync for P<T> {}

impl<T> P<T> {
    /// The pointer (a method, so closures capture the whole `Send` wrapper).
    fn p(self) -> *mut T {
        self.0
    }
}

/// A pointer-free block of `n` words filled from `seed`.
unsafe fn patterned(seed: u64, n: usize) -> *mut u64 {
    let p = hl_gc_alloc_gen(hlt_bytes.get(), (n * 8) as i32, mem::KIND_NOPTR) as *mut u64;
    for i in 0..n {
        *p.add(i) = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(i as u64);
    }
    p
}

unsafe fn check_pattern(p: *const u64, seed: u64, n: usize) -> bool {
    (0..n).all(|i| *p.add(i) == seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(i as u64))
}

/// Allocates about `bytes` of garbage (pointer-free and RAW blocks).
#[inline(never)]
unsafe fn churn(bytes: usize) {
    let mut n = 0;
    while n < bytes {
        let p = hl_gc_alloc_gen(hlt_bytes.get(), 256, mem::KIND_NOPTR) as *mut u8;
        std::ptr::write_bytes(p, 0xAB, 256);
        let r = hl_gc_alloc_gen(hlt_abstract.get(), 64, mem::KIND_RAW) as *mut *mut u8;
        *r = p;
        n += 320;
    }
}

// ---------------------------------------------------------------------------
// Threads through the C API.

struct StartInfo {
    registered: bool,
    has_signal_stack: bool,
    handle: usize,
    tid: i32,
    block_ok: bool,
    name: Option<String>,
    done: *mut hl_lock,
}

unsafe extern "C" fn c_thread(param: *mut c_void) {
    let s = &mut *(param as *mut StartInfo);
    s.registered = !hl_get_thread().is_null();
    let mut ss: libc::stack_t = std::mem::zeroed();
    libc::sigaltstack(null_mut(), &mut ss);
    s.has_signal_stack = !ss.ss_sp.is_null() && ss.ss_flags & libc::SS_DISABLE == 0;
    s.handle = hl_thread_current() as usize;
    s.tid = hl_thread_id();
    let b = patterned(5, 100);
    churn(1 << 20);
    s.block_ok = check_pattern(b, 5, 100);
    hl_thread_set_name(hl_thread_current(), c"hl-worker".as_ptr());
    let n = hl_thread_get_name(hl_thread_current());
    s.name = (!n.is_null()).then(|| CStr::from_ptr(n.cast()).to_string_lossy().into_owned());
    hl_lock_release(s.done);
}

unsafe extern "C" fn raw_thread(param: *mut c_void) -> *mut c_void {
    let s = &mut *(param as *mut StartInfo);
    s.registered = !hl_get_thread().is_null();
    s.handle = hl_thread_current() as usize;
    // No GC here: signal through a plain flag.
    s.block_ok = true;
    null_mut()
}

#[test]
fn thread_start_c_api() {
    let _s = serial();
    registered(|| unsafe {
        let done = hl_lock_create();
        let _r = Root::new(done);
        let mut info = StartInfo {
            registered: false,
            has_signal_stack: false,
            handle: 0,
            tid: 0,
            block_ok: false,
            name: None,
            done,
        };
        let h = hl_thread_start(c_thread as *mut c_void, (&mut info as *mut StartInfo).cast(), true);
        assert!(!h.is_null());
        assert!(hl_lock_wait(done, null_mut()));
        // Give the thread time to unregister.
        std::thread::sleep(Duration::from_millis(20));
        assert!(info.registered, "a GC thread is registered while its callback runs");
        assert!(info.has_signal_stack, "a GC thread has an alternate signal stack");
        assert_eq!(info.handle, h as usize, "thread_current in the thread is the handle returned");
        assert!(info.tid > 0 && info.tid != hl_thread_id());
        assert!(info.block_ok);
        assert_eq!(info.name.as_deref(), Some("hl-worker"));
        assert_ne!(hl_thread_current() as usize, h as usize);
        assert_eq!(hl_get_thread_id(hl_thread_current()), hl_thread_id());

        // Without the GC: not registered.
        let mut raw = StartInfo { registered: true, has_signal_stack: false, handle: 0, tid: 0, block_ok: false, name: None, done };
        let p = P(&mut raw as *mut StartInfo);
        let h = hl_thread_start(raw_thread as *mut c_void, p.p().cast(), false);
        assert!(!h.is_null());
        let t0 = Instant::now();
        while !std::ptr::read_volatile(&(*p.p()).block_ok) {
            assert!(t0.elapsed() < Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(!std::ptr::read_volatile(&(*p.p()).registered));
        assert_eq!(std::ptr::read_volatile(&(*p.p()).handle), h as usize);
    });
}

/// The type `Void -> Void` for closures made here.
fn void_fun_type() -> *mut hl_type {
    let f = Box::leak(Box::new(hl_type_fun {
        args: null_mut(),
        ret: hlt_void.get(),
        nargs: 0,
        parent: null_mut(),
        closure_type: hl_type_fun_closure_type { kind: 0, p: null_mut() },
        closure: hl_type_fun_closure { args: null_mut(), ret: null_mut(), nargs: 0, parent: null_mut() },
    }));
    let mut t = Box::new(hl_type::new(kind::HFUN));
    t.data = (f as *mut hl_type_fun).cast();
    Box::into_raw(t)
}

static CLOSURE_RUNS: AtomicI32 = AtomicI32::new(0);
static CLOSURE_LOCK: AtomicUsize = AtomicUsize::new(0);

extern "C" fn closure_body() {
    unsafe {
        assert!(!hl_get_thread().is_null());
        churn(256 << 10);
        CLOSURE_RUNS.fetch_add(1, SeqCst);
        hl_lock_release(CLOSURE_LOCK.load(SeqCst) as *mut hl_lock);
    }
}

extern "C" fn closure_throws() {
    unsafe {
        CLOSURE_RUNS.fetch_add(100, SeqCst);
        hl_lock_release(CLOSURE_LOCK.load(SeqCst) as *mut hl_lock);
        hlrt::start::throw_error("thread test failure");
    }
}

#[test]
fn thread_create_runs_closures() {
    let _s = serial();
    registered(|| unsafe {
        let t = void_fun_type();
        let lock = hl_lock_create();
        let _r = Root::new(lock);
        CLOSURE_LOCK.store(lock as usize, SeqCst);
        CLOSURE_RUNS.store(0, SeqCst);
        let mut handles = Vec::new();
        for _ in 0..4 {
            let c = hlrt::std::fun::hl_alloc_closure_void(t, closure_body as *mut c_void);
            handles.push(hl_thread_create(c) as usize);
        }
        for _ in 0..4 {
            assert!(hl_lock_wait(lock, null_mut()));
        }
        assert_eq!(CLOSURE_RUNS.load(SeqCst), 4);
        handles.sort();
        handles.dedup();
        assert!(handles.iter().all(|&h| h != 0));
        // An uncaught exception ends the thread (it is printed on stdout).
        let c = hlrt::std::fun::hl_alloc_closure_void(t, closure_throws as *mut c_void);
        assert!(!hl_thread_create(c).is_null());
        assert!(hl_lock_wait(lock, null_mut()));
        assert_eq!(CLOSURE_RUNS.load(SeqCst), 104);
        // The main thread can still collect: the failed thread unregistered.
        let t0 = Instant::now();
        std::thread::sleep(Duration::from_millis(20));
        hl_gc_major();
        assert!(t0.elapsed() < Duration::from_secs(10));
    });
}

// ---------------------------------------------------------------------------
// Synchronisation primitives.

#[test]
fn mutex_is_recursive_and_exclusive() {
    let _s = serial();
    registered(|| unsafe {
        let m = P(hl_mutex_alloc(true));
        let _r = Root::new(m.p());
        hl_mutex_acquire(m.p());
        assert!(hl_mutex_try_acquire(m.p()), "recursive");
        let other = blocking(|| std::thread::spawn(move || hl_mutex_try_acquire(m.p())).join().unwrap());
        assert!(!other);
        hl_mutex_release(m.p());
        hl_mutex_release(m.p());
        let other = blocking(|| {
            std::thread::spawn(move || {
                let ok = hl_mutex_try_acquire(m.p());
                hl_mutex_release(m.p());
                ok
            })
            .join()
            .unwrap()
        });
        assert!(other);
        // Exclusive: concurrent increments of an unsynchronised counter.
        let count = P(Box::into_raw(Box::new(0u64)));
        blocking(|| {
            std::thread::scope(|s| {
                for _ in 0..4 {
                    s.spawn(move || {
                        for _ in 0..20000 {
                            hl_mutex_acquire(m.p());
                            let v = std::ptr::read_volatile(count.p());
                            std::ptr::write_volatile(count.p(), v + 1);
                            hl_mutex_release(m.p());
                        }
                    });
                }
            })
        });
        assert_eq!(*count.p(), 80000);
        drop(Box::from_raw(count.p()));
        hl_mutex_free(m.p());
        hl_mutex_free(m.p());
    });
}

#[test]
fn lock_counts_releases_and_times_out() {
    let _s = serial();
    registered(|| unsafe {
        let l = P(hl_lock_create());
        let _r = Root::new(l.p());
        let mut t = dynf(0.05);
        let t0 = Instant::now();
        assert!(!hl_lock_wait(l.p(), &mut t));
        assert!(t0.elapsed() >= Duration::from_millis(45));
        hl_lock_release(l.p());
        hl_lock_release(l.p());
        let mut t = dynf(0.0);
        assert!(hl_lock_wait(l.p(), &mut t));
        assert!(hl_lock_wait(l.p(), &mut t));
        assert!(!hl_lock_wait(l.p(), &mut t));
        // Released later by another thread.
        let h = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            hl_lock_release(l.p());
        });
        assert!(hl_lock_wait(l.p(), null_mut()));
        blocking(|| h.join().unwrap());
    });
}

#[test]
fn deque_order_and_blocking_pop() {
    let _s = serial();
    registered(|| unsafe {
        let q = P(hl_deque_alloc());
        let _r = Root::new(q.p());
        let vals: Vec<*mut vdynamic> = (0..4).map(|i| hlrt::std::dyn_i32(i)).collect();
        let _roots: Vec<Root> = vals.iter().map(|&v| Root::new(v)).collect();
        assert!(hl_deque_pop(q.p(), false).is_null());
        hl_deque_add(q.p(), vals[1]);
        hl_deque_add(q.p(), vals[2]);
        hl_deque_push(q.p(), vals[0]);
        hl_deque_add(q.p(), vals[3]);
        for v in &vals {
            assert_eq!(hl_deque_pop(q.p(), false), *v);
        }
        assert!(hl_deque_pop(q.p(), false).is_null());
        // A blocking pop waits for another thread's add.
        let v = P(vals[2]);
        let h = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            hl_deque_add(q.p(), v.p());
        });
        assert_eq!(hl_deque_pop(q.p(), true), vals[2]);
        blocking(|| h.join().unwrap());
        // Several consumers: every message is taken exactly once.
        let n = 2000usize;
        let taken: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
        let ids: Vec<*mut vdynamic> = (0..n).map(|i| hlrt::std::dyn_i32(i as i32)).collect();
        let _id_roots: Vec<Root> = ids.iter().map(|&v| Root::new(v)).collect();
        let stop = hlrt::std::dyn_i32(-1);
        let _stop_root = Root::new(stop);
        blocking(|| {
            std::thread::scope(|s| {
                for _ in 0..3 {
                    let taken = &taken;
                    s.spawn(move || loop {
                        let m = hl_deque_pop(q.p(), true);
                        let i = (*m).v.i;
                        if i < 0 {
                            break;
                        }
                        taken[i as usize].fetch_add(1, SeqCst);
                    });
                }
                let ids = P(ids.as_ptr() as *mut *mut vdynamic);
                let stop = P(stop);
                s.spawn(move || {
                    for i in 0..n {
                        hl_deque_add(q.p(), *ids.p().add(i));
                    }
                    for _ in 0..3 {
                        hl_deque_add(q.p(), stop.p());
                    }
                });
            })
        });
        assert!(taken.iter().all(|t| t.load(SeqCst) == 1));
    });
}

#[test]
fn condition_and_semaphore() {
    let _s = serial();
    registered(|| unsafe {
        let s = P(hl_semaphore_alloc(2));
        let _r = Root::new(s.p());
        assert!(hl_semaphore_try_acquire(s.p(), null_mut()));
        assert!(hl_semaphore_try_acquire(s.p(), null_mut()));
        assert!(!hl_semaphore_try_acquire(s.p(), null_mut()));
        let mut t = dynf(0.03);
        let t0 = Instant::now();
        assert!(!hl_semaphore_try_acquire(s.p(), &mut t));
        assert!(t0.elapsed() >= Duration::from_millis(25));
        let h = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            hl_semaphore_release(s.p());
            hl_semaphore_release(s.p());
        });
        hl_semaphore_acquire(s.p());
        let mut t = dynf(5.0);
        assert!(hl_semaphore_try_acquire(s.p(), &mut t));
        blocking(|| h.join().unwrap());
        hl_semaphore_free(s.p());

        let c = P(hl_condition_alloc());
        let _rc = Root::new(c.p());
        hl_condition_acquire(c.p());
        assert!(hl_condition_try_acquire(c.p()), "recursive");
        hl_condition_release(c.p());
        let t0 = Instant::now();
        assert!(!hl_condition_timed_wait(c.p(), 0.03));
        assert!(t0.elapsed() >= Duration::from_millis(25));
        hl_condition_release(c.p());
        // A flag set under the condition's mutex, waited for with wait().
        let flag = P(Box::into_raw(Box::new(0i32)));
        let h = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            hl_condition_acquire(c.p());
            *flag.p() = 1;
            hl_condition_broadcast(c.p());
            hl_condition_release(c.p());
        });
        hl_condition_acquire(c.p());
        while *flag.p() == 0 {
            hl_condition_wait(c.p());
        }
        hl_condition_release(c.p());
        blocking(|| h.join().unwrap());
        // timed_wait returns true when signalled in time.
        let h = std::thread::spawn(move || {
            for _ in 0..500 {
                std::thread::sleep(Duration::from_millis(5));
                hl_condition_acquire(c.p());
                let done = *flag.p() == 2;
                hl_condition_signal(c.p());
                hl_condition_release(c.p());
                if done {
                    break;
                }
            }
        });
        hl_condition_acquire(c.p());
        assert!(hl_condition_timed_wait(c.p(), 10.0));
        *flag.p() = 2;
        hl_condition_release(c.p());
        blocking(|| h.join().unwrap());
        drop(Box::from_raw(flag.p()));
        hl_condition_free(c.p());
    });
}

#[test]
fn tls_values_per_thread() {
    let _s = serial();
    registered(|| unsafe {
        let plain = P(hl_tls_alloc(false));
        let _r1 = Root::new(plain.p());
        assert!(hl_tls_get(plain.p()).is_null());
        hl_tls_set(plain.p(), 0x1234 as *mut c_void);
        assert_eq!(hl_tls_get(plain.p()) as usize, 0x1234);
        let other = blocking(|| {
            std::thread::spawn(move || {
                let before = hl_tls_get(plain.p()) as usize;
                hl_tls_set(plain.p(), 0x99 as *mut c_void);
                (before, hl_tls_get(plain.p()) as usize)
            })
            .join()
            .unwrap()
        });
        assert_eq!(other, (0, 0x99));
        assert_eq!(hl_tls_get(plain.p()) as usize, 0x1234);
        hl_tls_free(plain.p());

        let g = P(hl_tls_alloc(true));
        let _r2 = Root::new(g.p());
        let v = hlrt::std::dyn_i32(5);
        hl_tls_set(g.p(), v.cast());
        assert_eq!(hl_tls_get(g.p()), v.cast());
        let other = blocking(|| std::thread::spawn(move || hl_tls_get(g.p()).is_null()).join().unwrap());
        assert!(other);
        hl_tls_set(g.p(), null_mut());
        assert!(hl_tls_get(g.p()).is_null());
        hl_tls_set(g.p(), v.cast());
        hl_tls_free(g.p());
    });
}

#[test]
fn atomics() {
    unsafe {
        let mut a = 10i32;
        assert_eq!(hl_atomic_add32(&mut a, 5), 10);
        assert_eq!(hl_atomic_sub32(&mut a, 3), 15);
        assert_eq!(hl_atomic_and32(&mut a, 6), 12);
        assert_eq!(hl_atomic_or32(&mut a, 9), 4);
        assert_eq!(hl_atomic_xor32(&mut a, 3), 13);
        assert_eq!(hl_atomic_compare_exchange32(&mut a, 14, 100), 14);
        assert_eq!(a, 100);
        assert_eq!(hl_atomic_compare_exchange32(&mut a, 1, 200), 100);
        assert_eq!(hl_atomic_exchange32(&mut a, 7), 100);
        assert_eq!(hl_atomic_load32(&mut a), 7);
        assert_eq!(hl_atomic_store32(&mut a, 33), 33);
        assert_eq!(a, 33);
        let (x, y) = (0x10usize as *mut c_void, 0x20usize as *mut c_void);
        let mut p = x;
        assert_eq!(hl_atomic_compare_exchange_ptr(&mut p, x, y), x);
        assert_eq!(p, y);
        assert_eq!(hl_atomic_compare_exchange_ptr(&mut p, x, null_mut()), y);
        assert_eq!(hl_atomic_exchange_ptr(&mut p, x), y);
        assert_eq!(hl_atomic_load_ptr(&mut p), x);
        assert_eq!(hl_atomic_store_ptr(&mut p, y), y);
        assert_eq!(p, y);
        let counter = AtomicI32::new(0);
        let cp = P(counter.as_ptr());
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(move || {
                    for _ in 0..10000 {
                        hl_atomic_add32(cp.p(), 1);
                    }
                });
            }
        });
        assert_eq!(counter.load(SeqCst), 40000);
    }
}

// ---------------------------------------------------------------------------
// GC integration.

/// Fills the deque and TLS with blocks referenced from nowhere else.
#[inline(never)]
unsafe fn park_values(q: *mut hl_deque, tls: *mut hl_tls, n: usize) {
    for i in 0..n {
        hl_deque_add(q, patterned(1000 + i as u64, 32).cast());
    }
    let arr = hl_gc_alloc_gen(hlt_abstract.get(), (n * 8) as i32, mem::KIND_RAW) as *mut *mut u64;
    for i in 0..n {
        *arr.add(i) = patterned(5000 + i as u64, 32);
    }
    hl_tls_set(tls, arr.cast());
}

/// Blocks referenced only from Rust memory: they must die.
#[inline(never)]
unsafe fn unreferenced(n: usize) -> Vec<usize> {
    (0..n).map(|i| patterned(9000 + i as u64, 32) as usize).collect()
}

#[inline(never)]
unsafe fn clobber_stack() {
    let mut buf = [0u64; 4096];
    for (i, b) in buf.iter_mut().enumerate() {
        *b = i as u64;
    }
    black_box(&mut buf);
}

#[test]
fn gc_keeps_values_in_deques_and_tls() {
    let _s = serial();
    registered(|| unsafe {
        let n = 500;
        let q = hl_deque_alloc();
        let tls = hl_tls_alloc(true);
        let _rq = Root::new(q);
        let _rt = Root::new(tls);
        park_values(q, tls, n);
        let control = unreferenced(n);
        clobber_stack();
        let c0 = gc::stats().collections;
        for _ in 0..4 {
            churn(4 << 20);
            hl_gc_major();
        }
        assert!(gc::stats().collections >= c0 + 4);
        let dead = control.iter().filter(|&&p| !hl_is_gc_ptr(p as *mut c_void)).count();
        assert!(dead > n / 2, "unreferenced blocks are collected ({dead}/{n})");
        for i in 0..n {
            let p = hl_deque_pop(q, false) as *const u64;
            assert!(!p.is_null());
            assert!(check_pattern(p, 1000 + i as u64, 32), "deque value {i} survived");
        }
        assert!(hl_deque_pop(q, false).is_null());
        let arr = hl_tls_get(tls) as *const *const u64;
        for i in 0..n {
            assert!(check_pattern(*arr.add(i), 5000 + i as u64, 32), "TLS value {i} survived");
        }
        hl_tls_set(tls, null_mut());
    });
}

struct Shared {
    results: *mut hl_deque,
    gate: *mut hl_lock,
    tls: *mut hl_tls,
    seed: u64,
}

/// `RAW` list node: [next, payload, value].
unsafe fn build_list(seed: u64, n: usize) -> *mut usize {
    let mut head: *mut usize = null_mut();
    for i in 0..n {
        let node = hl_gc_alloc_gen(hlt_abstract.get(), 24, mem::KIND_RAW) as *mut usize;
        *node = head as usize;
        *node.add(1) = patterned(seed + i as u64, 4) as usize;
        *node.add(2) = i;
        head = node;
    }
    head
}

unsafe fn list_ok(mut head: *mut usize, seed: u64, n: usize) -> bool {
    let mut i = n;
    while !head.is_null() {
        i -= 1;
        if *head.add(2) != i || !check_pattern(*head.add(1) as *const u64, seed + i as u64, 4) {
            return false;
        }
        head = *head as *mut usize;
    }
    i == 0
}

unsafe extern "C" fn gc_worker(param: *mut c_void) {
    let s = Box::from_raw(param as *mut Shared);
    let mut ok = true;
    // A list in TLS only, one on the stack.
    hl_tls_set(s.tls, build_list(s.seed * 7, 300).cast());
    let keep = build_list(s.seed, 1000);
    let never = hl_lock_create();
    for round in 0..30 {
        let tmp = build_list(s.seed + 100 + round, 2000);
        ok &= list_ok(tmp, s.seed + 100 + round, 2000);
        if round % 10 == 5 {
            // Wait (blocking) for the main thread to open the gate.
            hl_lock_wait(s.gate, null_mut());
        }
        let mut t = dynf(0.001);
        ok &= !hl_lock_wait(never, &mut t);
    }
    ok &= list_ok(keep, s.seed, 1000);
    ok &= list_ok(hl_tls_get(s.tls) as *mut usize, s.seed * 7, 300);
    hl_deque_add(s.results, hlrt::std::dyn_i32(if ok { 1 } else { 0 }));
}

#[test]
fn collections_while_threads_allocate_and_block() {
    let _s = serial();
    registered(|| unsafe {
        let results = hl_deque_alloc();
        let gate = hl_lock_create();
        let tls = hl_tls_alloc(true);
        let _roots = [Root::new(results), Root::new(gate), Root::new(tls)];
        let c0 = gc::stats().collections;
        let nthreads = 4;
        for w in 0..nthreads {
            let sh = Box::into_raw(Box::new(Shared { results, gate, tls, seed: 1 + w as u64 * 100_000 }));
            assert!(!hl_thread_start(gc_worker as *mut c_void, sh.cast(), true).is_null());
        }
        // The main thread allocates and collects while the workers run; it
        // opens the gate for each worker's blocking waits.
        let mine = build_list(77, 3000);
        for _ in 0..3 * nthreads {
            churn(1 << 20);
            hl_gc_major();
            hl_lock_release(gate);
        }
        let mut oks = 0;
        for _ in 0..nthreads {
            let r = hl_deque_pop(results, true);
            oks += (*r).v.i;
        }
        assert_eq!(oks, nthreads as i32, "every worker's lists survived");
        assert!(list_ok(mine, 77, 3000));
        assert!(gc::stats().collections >= c0 + 3 * nthreads as u64);
        // The main thread does not see the workers' TLS values.
        assert!(hl_tls_get(tls).is_null());
    });
}

// ---------------------------------------------------------------------------
// Natives that do not wait are still safe points (as in libhl, where each of
// them enters and leaves a blocking section).

/// Set by `collecting_worker` once its collections are done.
static WORKER_DONE: AtomicI32 = AtomicI32::new(0);

unsafe extern "C" fn collecting_worker(_: *mut c_void) {
    for _ in 0..3 {
        churn(1 << 20);
        hl_gc_major();
    }
    WORKER_DONE.store(1, SeqCst);
}

/// Starts a thread that collects three times while the calling (registered)
/// thread spins on `poll`, which must let each collection through; fails if
/// the worker is not done within 20 s.
unsafe fn spin_while_worker_collects(what: &str, mut poll: impl FnMut()) {
    WORKER_DONE.store(0, SeqCst);
    let c0 = gc::stats().collections;
    assert!(!hl_thread_start(collecting_worker as *mut c_void, null_mut(), true).is_null());
    let t0 = Instant::now();
    while WORKER_DONE.load(SeqCst) == 0 {
        poll();
        assert!(t0.elapsed() < Duration::from_secs(20), "{what}: a collection waited for the polling thread");
    }
    assert!(gc::stats().collections >= c0 + 3, "{what}");
}

#[test]
fn polling_natives_are_safe_points() {
    let _s = serial();
    registered(|| unsafe {
        let q = P(hl_deque_alloc());
        let m = P(hl_mutex_alloc(true));
        let c = P(hl_condition_alloc());
        let s = P(hl_semaphore_alloc(0));
        let l = P(hl_lock_create());
        let _roots = [Root::new(q.p()), Root::new(m.p()), Root::new(c.p()), Root::new(s.p()), Root::new(l.p())];
        spin_while_worker_collects("deque_pop(false)", || assert!(hl_deque_pop(q.p(), false).is_null()));
        spin_while_worker_collects("mutex_acquire", || {
            hl_mutex_acquire(m.p());
            hl_mutex_release(m.p());
        });
        spin_while_worker_collects("condition_acquire", || {
            hl_condition_acquire(c.p());
            hl_condition_release(c.p());
        });
        spin_while_worker_collects("semaphore_try_acquire", || assert!(!hl_semaphore_try_acquire(s.p(), null_mut())));
        spin_while_worker_collects("semaphore_acquire", || {
            hl_semaphore_release(s.p());
            hl_semaphore_acquire(s.p());
        });
        spin_while_worker_collects("lock_release", || hl_lock_release(l.p()));
        spin_while_worker_collects("thread_yield", || hl_thread_yield());
    });
}
