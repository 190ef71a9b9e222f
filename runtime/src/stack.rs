//! Call stacks of HL code: capturing return addresses by walking the frame
//! pointer chain, and resolving them to `Class.method(File.hx:line)` frames
//! through the code-offset → op table hlc emits with every program and the
//! bytecode's own debug positions. Names follow HashLink's module loader
//! ([`hlbc::names`]), so traces read like the reference VM's.

use crate::abi::*;
use hlbc::names::FunctionNames;
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::{Acquire, Relaxed, Release}};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

/// Where one compiled function's code is and how it maps back to ops.
struct FnDebug {
    start: usize,
    size: usize,
    /// The module (see [`DebugTable::add_module`]) and the function index.
    module: u32,
    findex: u32,
    /// Sorted `(code offset, op index)`.
    locs: Vec<(u32, u32)>,
}

/// What resolving a module's frames needs.
struct ModuleDebug {
    /// The module as loaded. An executable's runtime loads it without its
    /// functions (`Program::load`); then `source` holds the whole bytecode.
    module: Arc<hlbc::Module>,
    source: Option<&'static [u8]>,
    /// The module with its bodies (debug positions, and the ops closures are
    /// named from), its function names and the position in its `functions`
    /// of each function index: made when first asked for.
    named: OnceLock<Option<Named>>,
}

/// What [`ModuleDebug::named`] makes.
struct Named {
    module: Arc<hlbc::Module>,
    names: FunctionNames,
    position: HashMap<u32, usize>,
}

impl ModuleDebug {
    fn named(&self) -> Option<&Named> {
        self.named
            .get_or_init(|| {
                let full = match self.source {
                    // The bytecode the program was compiled from: it reads as it did then.
                    Some(data) => Arc::new(hlbc::read_module(data).ok()?),
                    None => self.module.clone(),
                };
                let names = FunctionNames::new(&full);
                let position = full.functions.iter().enumerate().map(|(i, f)| (f.findex.0, i)).collect();
                Some(Named { module: full, names, position })
            })
            .as_ref()
    }
}

/// The code ranges of every compiled function of a program, sorted by start
/// address. An executable's are all known at start-up; the JIT adds each
/// function as it compiles it, and modules it loads later add theirs.
pub struct DebugTable {
    modules: RwLock<Vec<Arc<ModuleDebug>>>,
    fns: RwLock<Vec<FnDebug>>,
    /// Encoded code maps not decoded into `fns` yet ([`DebugTable::add_encoded`]),
    /// and whether there are any: decoded when an address is first looked up.
    pending: Mutex<Vec<PendingMaps>>,
    has_pending: AtomicBool,
    /// Lowest start and highest end of any range: a quick rejection test.
    lo: AtomicUsize,
    hi: AtomicUsize,
    /// Resolved frames by return address: exceptions resolve the same ones over and over.
    resolved: Mutex<HashMap<usize, Option<Arc<Frame>>>>,
}

/// An executable's code maps as it embeds them (`hlbc::codemap::encode`),
/// with the code address of every function index of the module.
struct PendingMaps {
    module: u32,
    blob: &'static [u8],
    functions: &'static [usize],
}

/// A resolved frame, `Class.method(File.hx:line)`, as text and as the UTF-16
/// `haxe.CallStack` receives (made once per return address).
pub struct Frame {
    text: Box<str>,
    pub utf16: Box<[u16]>,
}

impl std::ops::Deref for Frame {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl Default for DebugTable {
    fn default() -> Self {
        DebugTable::new()
    }
}

impl DebugTable {
    pub fn new() -> DebugTable {
        DebugTable {
            modules: Default::default(),
            fns: Default::default(),
            pending: Default::default(),
            has_pending: AtomicBool::new(false),
            lo: usize::MAX.into(),
            hi: 0.into(),
            resolved: Default::default(),
        }
    }

    /// Registers a module whose functions will be added; returns its id.
    /// `source` is the whole bytecode of a module loaded without function
    /// bodies, read again when a frame of it is first resolved.
    pub fn add_module(&self, m: Arc<hlbc::Module>, source: Option<&'static [u8]>) -> u32 {
        let info = ModuleDebug {
            module: m,
            source,
            named: OnceLock::new(),
        };
        let mut modules = self.modules.write().unwrap_or_else(|e| e.into_inner());
        modules.push(Arc::new(info));
        (modules.len() - 1) as u32
    }

    /// Module `module` with its function bodies (read from the bytecode the
    /// first time, when it was loaded without them), shared with stack traces.
    pub fn full_module(&self, module: u32) -> Option<Arc<hlbc::Module>> {
        let info = self.modules.read().unwrap_or_else(|e| e.into_inner()).get(module as usize)?.clone();
        Some(info.named()?.module.clone())
    }

    /// Adds function `map.findex` of module `module`, whose code starts at `start`.
    pub fn add(&self, module: u32, start: usize, map: hlbc::codemap::FnCodeMap) {
        self.add_all(module, std::iter::once((start, map)));
    }

    /// Adds functions of module `module`: each `(code start, code map)`.
    fn add_all(&self, module: u32, maps: impl Iterator<Item = (usize, hlbc::codemap::FnCodeMap)>) {
        let mut fns = self.fns.write().unwrap_or_else(|e| e.into_inner());
        let before = fns.len();
        for (start, map) in maps {
            let size = map.code_size as usize;
            fns.push(FnDebug { start, size, module, findex: map.findex, locs: map.locs });
            self.lo.fetch_min(start, Relaxed);
            self.hi.fetch_max(start + size, Relaxed);
        }
        if fns.len() - before == 1 {
            // One function (the JIT, as it compiles): moved into place.
            let f = fns.pop().expect("pushed above");
            let at = fns.partition_point(|g| g.start < f.start);
            fns.insert(at, f);
        } else if fns.len() > before {
            fns.sort_by_key(|f| f.start);
        }
    }

    /// Registers the code maps `blob` (`hlbc::codemap::encode`) of module
    /// `module`, whose function index `i` has its code at `functions[i]`;
    /// they are decoded when an address is first looked up, so a program
    /// that never needs a stack trace never reads them.
    pub fn add_encoded(&self, module: u32, blob: &'static [u8], functions: &'static [usize]) {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).push(PendingMaps { module, blob, functions });
        self.has_pending.store(true, Release);
    }

    /// Decodes the pending code maps into `fns`.
    fn decode_pending(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        for p in pending.drain(..) {
            let maps = hlbc::codemap::decode(p.blob);
            self.add_all(p.module, maps.into_iter().filter_map(|map| Some((*p.functions.get(map.findex as usize)?, map))));
        }
        // Cleared while the lock is held: a thread that saw it set waits for
        // the lock, and one that sees it clear finds every map added.
        self.has_pending.store(false, Release);
    }

    /// Calls `with` on the function whose code holds `addr`.
    fn find<R>(&self, addr: usize, with: impl FnOnce(&FnDebug) -> R) -> Option<R> {
        if self.has_pending.load(Acquire) {
            self.decode_pending();
        }
        if addr < self.lo.load(Relaxed) || addr >= self.hi.load(Relaxed) {
            return None;
        }
        let fns = self.fns.read().unwrap_or_else(|e| e.into_inner());
        let i = fns.partition_point(|f| f.start <= addr);
        let f = fns.get(i.checked_sub(1)?)?;
        (addr < f.start + f.size).then(|| with(f))
    }

    /// Whether `addr` is inside generated code.
    pub fn contains(&self, addr: usize) -> bool {
        self.find(addr, |_| ()).is_some()
    }

    /// `Class.method(File.hx:line)` for a return address, as HashLink prints it.
    pub fn resolve(&self, ret_addr: usize) -> Option<Arc<Frame>> {
        if let Ok(cache) = self.resolved.lock() {
            if let Some(hit) = cache.get(&ret_addr) {
                return hit.clone();
            }
        }
        let text = self.resolve_uncached(ret_addr).map(|t| Arc::new(Frame { utf16: t.encode_utf16().collect(), text: t.into() }));
        if let Ok(mut cache) = self.resolved.lock() {
            cache.insert(ret_addr, text.clone());
        }
        text
    }

    fn resolve_uncached(&self, ret_addr: usize) -> Option<String> {
        // The call that returns here is the op covering the byte before the return address.
        // A spliced function's frame names its position in the module's
        // functions; a code map, its function index.
        let (module, fun, op) = match InlinedFrame::decode(ret_addr) {
            Some(f) => (f.module, Err(f.fi), f.op),
            None => self.find(ret_addr, |f| {
                let off = (ret_addr - f.start).saturating_sub(1) as u32;
                let i = f.locs.partition_point(|l| l.0 <= off);
                (f.module, Ok(f.findex), i.checked_sub(1).and_then(|i| f.locs.get(i)).map_or(0, |l| l.1) as usize)
            })?,
        };
        let info = self.modules.read().unwrap_or_else(|e| e.into_inner()).get(module as usize)?.clone();
        let Named { module: m, names, position } = info.named()?;
        let fi = match fun {
            Ok(findex) => *position.get(&findex)?,
            Err(fi) => fi,
        };
        let fun = &m.functions[fi];
        let pos = fun.debug.get(op).copied().unwrap_or_default();
        let file = pos
            .file
            .and_then(|fi| m.debug_files.get(fi.idx()))
            .map_or("?".to_string(), |f| String::from_utf8_lossy(f).into_owned());
        Some(format!("{}({file}:{})", names.hl_name(m, fi), pos.line))
    }
}

/// A frame of a function the compiler spliced into its caller
/// (`compiler/src/lower/splice.rs`): a stack trace holds it, in place of a
/// return address, where the function's own frame would be. Tagged with the
/// top bit, which no user-space code address has.
struct InlinedFrame {
    module: u32,
    fi: usize,
    op: usize,
}

impl InlinedFrame {
    const TAG: u64 = 1 << 63;

    fn encode(&self) -> usize {
        (Self::TAG | (self.module as u64 & 0x7FF) << 52 | (self.fi as u64 & 0xFFF_FFFF) << 24 | (self.op as u64 & 0xFF_FFFF)) as usize
    }

    fn decode(v: usize) -> Option<InlinedFrame> {
        let v = v as u64;
        (v & Self::TAG != 0 && usize::BITS == 64).then_some(InlinedFrame {
            module: (v >> 52 & 0x7FF) as u32,
            fi: (v >> 24 & 0xFFF_FFFF) as usize,
            op: (v & 0xFF_FFFF) as usize,
        })
    }
}

thread_local! {
    /// The spliced frames of the null check failing on this thread, for the
    /// trace `hl_throw` captures next (see [`hlc_null_access_inlined`]).
    static INLINED: std::cell::Cell<*const u64> = const { std::cell::Cell::new(std::ptr::null()) };
}

/// `hlc_null_access_inlined(frames, named, hash)`: a null check in code
/// spliced from other functions failed. `frames` lists those functions,
/// innermost first, as `position << 32 | op` words ending with `u64::MAX`
/// (read-only data of the program). The exception and its trace are those of
/// `hl_null_access_field(hash)` (`named`) or `hl_null_access()`, with the
/// spliced functions' frames where their calls were.
///
/// # Safety
/// `frames` points at such a list, which lives as long as the program.
#[no_mangle]
pub unsafe extern "C" fn hlc_null_access_inlined(frames: *const u64, named: i32, hash: i32) {
    INLINED.with(|c| c.set(frames));
    if named != 0 {
        crate::start::hl_null_access_field(hash)
    } else {
        crate::start::hl_null_access()
    }
}

/// Puts the frames [`hlc_null_access_inlined`] left for this thread, if any,
/// before the first HL frame of trace `buf[..n]`; returns the new length.
fn insert_inlined(buf: &mut [*mut c_void], n: usize) -> usize {
    let frames = INLINED.with(|c| c.replace(std::ptr::null()));
    if frames.is_null() {
        return n;
    }
    let Some(p) = crate::start::try_program() else { return n };
    let Some((at, module)) = buf[..n].iter().enumerate().find_map(|(i, &a)| Some((i, p.debug.find(a as usize, |f| f.module)?))) else {
        return n;
    };
    let mut inlined = Vec::new();
    // SAFETY: the compiler ends the list with u64::MAX (the function's contract).
    unsafe {
        let mut q = frames;
        while *q != u64::MAX && inlined.len() < 64 {
            inlined.push(InlinedFrame { module, fi: (*q >> 32) as usize, op: (*q & 0xFFFF_FFFF) as usize }.encode());
            q = q.add(1);
        }
    }
    let k = inlined.len().min(buf.len() - at);
    let keep = (n - at).min(buf.len() - at - k);
    buf.copy_within(at..at + keep, at + k);
    for (slot, &v) in buf[at..at + k].iter_mut().zip(&inlined) {
        *slot = v as *mut c_void;
    }
    at + k + keep
}

/// Return addresses of HL frames on the current stack, innermost first,
/// found by walking the frame-pointer chain from the caller.
pub fn capture(out: &mut [*mut c_void]) -> usize {
    if let Some(n) = system_capture(out) {
        return n;
    }
    // SAFETY: `out` is a valid slice for `len` entries; `capture_here` starts
    // the walk at a frame record of a function that is still running.
    unsafe { capture_here(out.as_mut_ptr(), out.len()) }
}

// `capture_here(out, len)` walks from the frame pointer as it is when the
// function is entered, which is the frame record of the nearest caller that
// has not returned: the record stays in place for the whole walk whatever
// the compiler does with the callers (inlining, tail calls). Reading the
// frame pointer in Rust code instead gives the reading function's own
// record, which a tail call to the walker pops (aarch64 compiles it so).
//
// SAFETY: naked, no prologue: the frame pointer register is passed unchanged
// as the third argument and `walk` is tail-jumped to with the caller's stack
// and return address, so `walk` returns straight to our caller.
#[cfg(all(target_arch = "x86_64", not(windows)))]
#[unsafe(naked)]
unsafe extern "C" fn capture_here(out: *mut *mut c_void, len: usize) -> usize {
    core::arch::naked_asm!("mov rdx, rbp", "jmp {walk}", walk = sym walk)
}

// Windows x64: the third argument travels in r8.
#[cfg(all(target_arch = "x86_64", windows))]
#[unsafe(naked)]
unsafe extern "C" fn capture_here(out: *mut *mut c_void, len: usize) -> usize {
    core::arch::naked_asm!("mov r8, rbp", "jmp {walk}", walk = sym walk)
}

#[cfg(target_arch = "aarch64")]
#[unsafe(naked)]
unsafe extern "C" fn capture_here(out: *mut *mut c_void, len: usize) -> usize {
    core::arch::naked_asm!("mov x2, x29", "b {walk}", walk = sym walk)
}

unsafe extern "C" fn walk(out: *mut *mut c_void, len: usize, fp: usize) -> usize {
    // SAFETY: the caller (`capture_here`) passes `capture`'s slice.
    capture_from(fp, std::slice::from_raw_parts_mut(out, len))
}

/// HL return addresses found by the system's own stack walk, where it has
/// one that the frame-pointer chain cannot replace ([`crate::sys::capture_stack`]).
fn system_capture(out: &mut [*mut c_void]) -> Option<usize> {
    let p = crate::start::try_program()?;
    crate::sys::capture_stack(out, |a| p.debug.contains(a))
}

/// Like [`capture`], starting from the frame whose frame pointer is `fp`.
///
/// # Safety
/// `fp` must be 0 or the frame pointer of a frame that is still live on this
/// thread's stack (frame records are read up the chain from it).
pub unsafe fn capture_from(mut fp: usize, out: &mut [*mut c_void]) -> usize {
    let Some(p) = crate::start::try_program() else { return 0 };
    let table = &p.debug;
    let t = crate::gc::hl_get_thread();
    let top = if t.is_null() { usize::MAX } else { (*t).stack_top as usize };
    let mut n = 0;
    let mut steps = 0;
    while fp != 0 && fp.is_multiple_of(8) && fp < top && n < out.len() && steps < 100_000 {
        // SAFETY: `fp` is a frame record of the live chain below the stack
        // top: [previous frame pointer, return address].
        let next = *(fp as *const usize);
        let ret = *((fp + 8) as *const usize);
        if table.contains(ret) {
            out[n] = ret as *mut c_void;
            n += 1;
        }
        if next <= fp {
            break;
        }
        fp = next;
        steps += 1;
    }
    n
}

/// `hlc_capture_stack`, called by `hl_throw` (C).
#[no_mangle]
pub unsafe extern "C" fn hlc_capture_stack(out: *mut *mut c_void, max: i32) -> i32 {
    if out.is_null() || max <= 0 {
        return 0;
    }
    // SAFETY: the C caller passes a buffer of `max` entries.
    let buf = std::slice::from_raw_parts_mut(out, max as usize);
    let n = match system_capture(buf) {
        Some(n) => n,
        None => capture_here(out, max as usize),
    };
    insert_inlined(buf, n) as i32
}

/// `hl_dump_stack`-style report of the stack from frame pointer `fp` (used by
/// the crash handler): one resolved frame per line on stdout.
#[no_mangle]
pub unsafe extern "C" fn hlc_dump_stack_from(fp: *mut c_void) {
    let mut frames = [std::ptr::null_mut(); 256];
    let n = capture_from(fp as usize, &mut frames);
    print_frames(&frames[..n]);
}

fn print_frames(frames: &[*mut c_void]) {
    let Some(p) = crate::start::try_program() else { return };
    let table = &p.debug;
    let mut out = String::new();
    for &a in frames {
        if let Some(f) = table.resolve(a as usize) {
            out.push_str(&f);
            out.push('\n');
        }
    }
    crate::start::write_stdout(out.as_bytes());
}

/// `hl_dump_stack`: the HL frames of the current call stack, innermost
/// first, one per line on stdout.
#[no_mangle]
pub extern "C" fn hl_dump_stack() {
    let mut frames = [std::ptr::null_mut(); 256];
    let n = capture(&mut frames);
    print_frames(&frames[..n]);
    crate::start::flush_stdout();
}

/// The symbolic frames of the current thread's last exception.
pub fn exception_frames() -> Vec<Arc<Frame>> {
    // SAFETY: `t` is the calling thread's own info (checked non-null), and the count
    // read from it is clamped to the trace array's length.
    unsafe {
        let Some(p) = crate::start::try_program() else { return Vec::new() };
        let table = &p.debug;
        let t = crate::gc::hl_get_thread();
        if t.is_null() {
            return Vec::new();
        }
        let n = ((*t).exc_stack_count.max(0) as usize).min(HL_EXC_MAX_STACK);
        let trace = &(&(*t).exc_stack_trace)[..n];
        trace.iter().filter_map(|&a| table.resolve(a as usize)).collect()
    }
}

/// `std@exception_stack`: the last exception's frames as an array of UTF-16 strings.
#[no_mangle]
pub unsafe extern "C" fn hl_exception_stack() -> *mut varray {
    let frames = exception_frames();
    let a = crate::std::array::hl_alloc_array(hlt_bytes.get(), frames.len() as i32);
    let data = varray::data(a) as *mut *mut u16;
    for (i, f) in frames.iter().enumerate() {
        *data.add(i) = crate::std::alloc_ucs2(&f.utf16);
    }
    a
}
