//! `EReg` natives (`regexp_*`) over PCRE2's 16-bit library, with HashLink's
//! compile options. As in libhl, a match runs on the subject's UTF-16 data in
//! place, with offsets in UTF-16 units, so its cost does not depend on whether
//! the subject or the `EReg` is new.
//!
//! - Compiled patterns are shared: a cache keyed by pattern and options keeps
//!   up to [`CACHE_SIZE`] of them (dropping the least recently used quarter
//!   when full), so an `EReg` literal
//!   evaluated in a loop (Haxe creates a new `EReg` each time) compiles once.
//!   Each `EReg` holds a reference to its pattern and its own match data.
//! - A pattern is JIT-compiled (where the target supports it) once it has
//!   matched enough subject text with the interpreter, so patterns used
//!   briefly cost no more to create than in libhl; the JIT code is cached
//!   with the pattern. Matching falls back to the interpreter if the JIT
//!   fails or runs out of its stack.
//! - Subjects that are not valid UTF-16 (lone surrogates) are safe where the
//!   JIT is available: patterns are compiled with `PCRE2_MATCH_INVALID_UTF`,
//!   under which an invalid code unit never matches. libhl (and hlc without
//!   the JIT, where that option would make the interpreter check the whole
//!   subject on every match) passes `PCRE2_NO_UTF_CHECK`, whose behaviour on
//!   such subjects PCRE2 leaves undefined.

use crate::abi::*;
use pcre2_sys::*;
use std::collections::HashMap;
use std::ffi::c_void;
use std::hash::{BuildHasherDefault, Hasher};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering::*};
use std::sync::{Arc, Mutex};

/// How many compiled patterns the cache keeps (patterns still used by a live
/// `EReg` stay alive beyond it).
pub const CACHE_SIZE: usize = 256;

/// Subject units (plus [`CALL_WORK`] per call) the interpreter matches with
/// a pattern before it is JIT-compiled: JIT-compiling costs about as much as
/// interpreting a scan of 10-20k units, so a pattern used once on a short
/// subject never pays for it.
const JIT_AFTER_WORK: usize = 32 << 10;
/// The work one interpreted match counts for besides its subject length.
const CALL_WORK: usize = 64;

/// A compiled pattern and, once it has done enough work, a JIT-compiled copy.
struct Pattern {
    /// For the interpreter; never modified once compiled.
    code: *mut pcre2_code_16,
    /// The JIT-compiled copy (null until then, or if the JIT failed).
    jit: AtomicPtr<pcre2_code_16>,
    /// Interpreted work so far (see [`JIT_AFTER_WORK`]).
    work: AtomicUsize,
    /// Set by the thread that JIT-compiles (once).
    jit_tried: AtomicBool,
    /// Capture groups plus one (the whole match).
    n_groups: i32,
}

impl Pattern {
    /// The code to match `units` subject units with, and whether it is JIT
    /// code: the JIT copy if there is one; else the interpreter's,
    /// JIT-compiling a copy once enough work was done.
    fn code_for(&self, units: usize) -> (*mut pcre2_code_16, bool) {
        let jit = self.jit.load(Acquire);
        if !jit.is_null() {
            return (jit, true);
        }
        let done = self.work.fetch_add(units + CALL_WORK, Relaxed);
        if done >= JIT_AFTER_WORK && jit_available() && !self.jit_tried.swap(true, Relaxed) {
            // SAFETY: `code` is a valid pattern; the copy is compiled before
            // it is published, and other threads only read either.
            unsafe {
                let copy = pcre2_code_copy_16(self.code);
                if !copy.is_null() {
                    if pcre2_jit_compile_16(copy, PCRE2_JIT_COMPLETE) == 0 {
                        self.jit.store(copy, Release);
                        return (copy, true);
                    }
                    // No JIT for this pattern (or no executable memory).
                    pcre2_code_free_16(copy);
                }
            }
        }
        (self.code, false)
    }
}

// SAFETY: PCRE2 never modifies a compiled pattern (or its JIT code) while
// matching, so one can be used from several threads at once; each `EReg`
// has its own match data.
unsafe impl Send for Pattern {}
unsafe impl Sync for Pattern {}

impl Drop for Pattern {
    fn drop(&mut self) {
        // SAFETY: both came from PCRE2 and are freed once, here.
        unsafe {
            pcre2_code_free_16(self.code);
            let jit = *self.jit.get_mut();
            if !jit.is_null() {
                pcre2_code_free_16(jit);
            }
        }
    }
}

struct Entry {
    pattern: Box<[u16]>,
    options: u32,
    compiled: Arc<Pattern>,
    last_use: u64,
}

/// Compiled patterns by hash of (pattern, options).
#[derive(Default)]
struct Cache {
    buckets: HashMap<u64, Vec<Entry>, BuildHasherDefault<KeyIsHash>>,
    len: usize,
    tick: u64,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

/// FNV-1a over the options and the pattern's units: patterns are short, and
/// this runs every time an `EReg` literal is evaluated.
fn key_hash(pattern: &[u16], options: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ options as u64;
    for &u in pattern {
        h = (h ^ u as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The map's hasher: its keys are already hashes.
#[derive(Default)]
struct KeyIsHash(u64);

impl Hasher for KeyIsHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

impl Cache {
    fn get(&mut self, hash: u64, pattern: &[u16], options: u32) -> Option<Arc<Pattern>> {
        self.tick += 1;
        let tick = self.tick;
        let e = self.buckets.get_mut(&hash)?.iter_mut().find(|e| e.options == options && *e.pattern == *pattern)?;
        e.last_use = tick;
        Some(e.compiled.clone())
    }

    /// Adds a pattern (unless another thread did meanwhile) and returns the cached one.
    fn insert(&mut self, hash: u64, pattern: &[u16], options: u32, compiled: Arc<Pattern>) -> Arc<Pattern> {
        if let Some(p) = self.get(hash, pattern, options) {
            return p;
        }
        if self.len >= CACHE_SIZE {
            self.evict_oldest(CACHE_SIZE / 4);
        }
        self.tick += 1;
        self.buckets.entry(hash).or_default().push(Entry {
            pattern: pattern.into(),
            options,
            compiled: compiled.clone(),
            last_use: self.tick,
        });
        self.len += 1;
        compiled
    }

    /// Drops the `n` least recently used patterns (in one pass, so the
    /// cost per inserted pattern stays constant).
    fn evict_oldest(&mut self, n: usize) {
        let mut uses: Vec<u64> = self.buckets.values().flat_map(|v| v.iter().map(|e| e.last_use)).collect();
        if uses.is_empty() {
            return;
        }
        let k = n.clamp(1, uses.len()) - 1;
        let (_, &mut limit, _) = uses.select_nth_unstable(k);
        self.buckets.retain(|_, v| {
            v.retain(|e| e.last_use > limit);
            !v.is_empty()
        });
        self.len = self.buckets.values().map(Vec::len).sum();
    }
}

fn cache() -> std::sync::MutexGuard<'static, Option<Cache>> {
    CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Number of compiled patterns in the cache (for tests).
pub fn cached_patterns() -> usize {
    cache().as_ref().map_or(0, |c| c.len)
}

/// Whether `e`'s pattern has been JIT-compiled (for tests).
///
/// # Safety
/// `e` is a live `EReg` from `hl_regexp_new_options`.
pub unsafe fn is_jit_compiled(e: *mut Ereg) -> bool {
    !e.is_null() && !(*e).pattern.is_null() && !(*(*e).pattern).jit.load(Acquire).is_null()
}

/// The `ereg` block: a finalizer block (word 0 is the finalizer), which
/// releases its pattern. The offsets of the last match are stored in the
/// block itself, after this header, so an `EReg` owns no memory outside the
/// GC heap besides its share of the pattern.
#[repr(C)]
pub struct Ereg {
    finalize: unsafe extern "C" fn(*mut Ereg),
    /// `Arc::into_raw` of the shared compiled pattern (null once finalized).
    pattern: *const Pattern,
    /// Capture groups plus one; the block ends with `2 × n_groups` offsets
    /// (see [`offsets`]).
    n_groups: i32,
    matched: bool,
}

/// The `2 × n_groups` offsets (start and end of each group, in UTF-16 units,
/// `PCRE2_UNSET` for unset groups) that follow `e`'s header.
unsafe fn offsets(e: *mut Ereg) -> *mut usize {
    // The header's size is a multiple of 8 (it holds pointers), so the
    // offsets that follow it are aligned.
    e.cast::<u8>().add(std::mem::size_of::<Ereg>()).cast::<usize>()
}

unsafe extern "C" fn finalize(e: *mut Ereg) {
    if !(*e).pattern.is_null() {
        drop(Arc::from_raw((*e).pattern));
    }
    (*e).pattern = std::ptr::null();
}

/// PCRE2's message for an error code.
fn error_text(code: i32) -> String {
    let mut buf = [0u16; 256];
    // SAFETY: PCRE2 writes at most `buf.len()` units and returns the length (or a negative error).
    let n = unsafe { pcre2_get_error_message_16(code, buf.as_mut_ptr(), buf.len()) };
    String::from_utf16_lossy(&buf[..n.max(0) as usize])
}

/// Whether this build of PCRE2 has a JIT for the running machine.
fn jit_available() -> bool {
    static JIT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *JIT.get_or_init(|| {
        let mut v: u32 = 0;
        // SAFETY: PCRE2_CONFIG_JIT writes one uint32_t.
        unsafe { pcre2_config_16(PCRE2_CONFIG_JIT, (&mut v as *mut u32).cast::<c_void>()) == 0 && v == 1 }
    })
}

/// Compiles `pattern` for the interpreter; the error text on failure.
fn compile(pattern: &[u16], options: u32) -> Result<Pattern, String> {
    let mut err = 0i32;
    let mut err_off = 0usize;
    // SAFETY: the pointer and length describe `pattern`.
    let code = unsafe { pcre2_compile_16(pattern.as_ptr(), pattern.len(), options, &mut err, &mut err_off, null_mut()) };
    if code.is_null() {
        return Err(error_text(err));
    }
    let mut groups: u32 = 0;
    // SAFETY: `code` is a valid compiled pattern; CAPTURECOUNT writes one uint32_t.
    unsafe {
        pcre2_pattern_info_16(code, PCRE2_INFO_CAPTURECOUNT, (&mut groups as *mut u32).cast::<c_void>());
    }
    Ok(Pattern {
        code,
        jit: AtomicPtr::new(null_mut()),
        work: AtomicUsize::new(0),
        jit_tried: AtomicBool::new(false),
        n_groups: groups as i32 + 1,
    })
}

/// The cached compiled form of `pattern` with `options`, compiling it on a miss.
fn compiled(pattern: &[u16], options: u32) -> Result<Arc<Pattern>, String> {
    let hash = key_hash(pattern, options);
    if let Some(p) = cache().get_or_insert_with(Cache::default).get(hash, pattern, options) {
        return Ok(p);
    }
    // Compiled outside the lock; a racing thread's copy may win the insert.
    let p = Arc::new(compile(pattern, options)?);
    Ok(cache().get_or_insert_with(Cache::default).insert(hash, pattern, options, p))
}

/// `regexp_new_options(pattern, options)`; options are `i s m u g`. Unknown
/// options give null, as in HashLink.
#[no_mangle]
pub unsafe extern "C" fn hl_regexp_new_options(pattern: *mut vbyte, opts: *mut vbyte) -> *mut Ereg {
    let mut options = PCRE2_UCP | PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS | PCRE2_MATCH_UNSET_BACKREF;
    if jit_available() {
        // Under this option the interpreter checks the subject's UTF-16 from
        // the start offset on each match; that is bounded by the work done
        // before the JIT takes over. Without a JIT, behave as libhl instead.
        options |= PCRE2_MATCH_INVALID_UTF;
    }
    for &o in super::ucs2::ucs2_slice(opts as *const u16) {
        match o {
            0x69 => options |= PCRE2_CASELESS,  // i
            0x73 => options |= PCRE2_DOTALL,    // s
            0x6D => options |= PCRE2_MULTILINE, // m
            0x75 => {}                          // u
            0x67 => options |= PCRE2_UNGREEDY,  // g
            _ => return null_mut(),
        }
    }
    let units = super::ucs2::ucs2_slice(pattern as *const u16);
    let p = match compiled(units, options) {
        Ok(p) => p,
        Err(msg) => super::raise_error(&format!(
            "Regexp compilation error : {msg} in {}",
            String::from_utf16_lossy(units)
        )),
    };
    let bytes = std::mem::size_of::<Ereg>() + 2 * p.n_groups as usize * std::mem::size_of::<usize>();
    let Ok(bytes) = i32::try_from(bytes) else { super::raise_error("Out of memory") };
    // A finalizer block is not scanned: the offsets are integers.
    let e = crate::gc::hl_gc_alloc_gen(hlt_abstract.get(), bytes, mem::KIND_FINALIZER) as *mut Ereg;
    e.write(Ereg { finalize, n_groups: p.n_groups, pattern: Arc::into_raw(p), matched: false });
    e
}

/// `regexp_match(e, s, pos, len)`: searches `s[pos .. pos+len]` (UTF-16 units).
#[no_mangle]
pub unsafe extern "C" fn hl_regexp_match(e: *mut Ereg, s: *mut vbyte, pos: i32, len: i32) -> bool {
    if e.is_null() || (*e).pattern.is_null() || s.is_null() {
        super::raise_error("Null access");
    }
    let start = pos.max(0) as usize;
    let end = start + len.max(0) as usize;
    let (code, jit) = (*(*e).pattern).code_for(end - start);
    let subject = s as *const u16;
    // JIT code is entered directly (PCRE2's fast path, without the
    // interpreter's option checks); it copes with invalid UTF-16 itself.
    let pairs = (*e).n_groups as usize;
    let md = scratch_match_data(pairs as u32);
    let mut res = if jit {
        pcre2_jit_match_16(code, subject, end, start, 0, md, null_mut())
    } else {
        pcre2_match_16(code, subject, end, start, PCRE2_NO_UTF_CHECK, md, null_mut())
    };
    if res == PCRE2_ERROR_JIT_STACKLIMIT {
        // Deep backtracking: the interpreter keeps its frames on the heap.
        res = pcre2_match_16(code, subject, end, start, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, md, null_mut());
    }
    if res > 0 {
        // SAFETY: the scratch ovector holds at least `pairs` pairs and `e`
        // exactly `pairs`; `res`, one more than the highest group set, is at
        // most `pairs`. Unset groups below it are PCRE2_UNSET in the scratch
        // ovector; those above it are written here.
        let set = (res as usize).min(pairs);
        let to = offsets(e);
        std::ptr::copy_nonoverlapping(pcre2_get_ovector_pointer_16(md), to, 2 * set);
        for i in 2 * set..2 * pairs {
            *to.add(i) = PCRE2_UNSET;
        }
    }
    (*e).matched = res >= 0;
    if res >= 0 {
        return true;
    }
    if res != PCRE2_ERROR_NOMATCH {
        super::raise_error("An error occurred while running pcre2_match()");
    }
    false
}

/// This thread's match data, with room for at least `pairs` offset pairs.
/// Every match runs in it and copies its offsets into the `EReg`. The
/// interpreter keeps its backtracking frames (20 KB at first) in the match
/// data it is given, until that is freed: with match data per `EReg`, held
/// until the collector finalizes the `EReg`, a loop creating an `EReg` per
/// match piled them up (and each `EReg` held a `malloc` block the
/// collector's trigger does not see). One scratch block per thread keeps
/// one set of frames.
unsafe fn scratch_match_data(pairs: u32) -> *mut pcre2_match_data_16 {
    struct Scratch(std::cell::Cell<*mut pcre2_match_data_16>);
    impl Drop for Scratch {
        fn drop(&mut self) {
            let md = self.0.get();
            if !md.is_null() {
                // SAFETY: created below by PCRE2, freed once, when the thread ends.
                unsafe { pcre2_match_data_free_16(md) };
            }
        }
    }
    thread_local!(static SCRATCH: Scratch = const { Scratch(std::cell::Cell::new(null_mut())) });
    SCRATCH.with(|s| {
        let md = s.0.get();
        // SAFETY: `md` is null or a live match data block of this thread.
        if !md.is_null() && unsafe { pcre2_get_ovector_count_16(md) } >= pairs {
            return md;
        }
        // SAFETY: as above; the old block is replaced, so freed once.
        unsafe {
            if !md.is_null() {
                pcre2_match_data_free_16(md);
            }
            let md = pcre2_match_data_create_16(pairs.max(16), null_mut());
            if md.is_null() {
                super::raise_error("Out of memory");
            }
            s.0.set(md);
            md
        }
    })
}

/// `regexp_matched_pos(e, group, &len)`: start of a group in UTF-16 units (-1 if unset).
#[no_mangle]
pub unsafe extern "C" fn hl_regexp_matched_pos(e: *mut Ereg, m: i32, len: *mut i32) -> i32 {
    if e.is_null() {
        super::raise_error("Null access");
    }
    if !(*e).matched {
        super::raise_error("Calling regexp_matched_pos() on an unmatched regexp");
    }
    if m < 0 || m >= (*e).n_groups {
        super::raise_error(&format!("Matched index {m} outside bounds"));
    }
    let ov = offsets(e);
    // An unset group has PCRE2_UNSET (usize::MAX) at both ends: -1, length 0.
    let start = *ov.add(2 * m as usize) as i32;
    let stop = *ov.add(2 * m as usize + 1) as i32;
    if !len.is_null() {
        *len = stop.wrapping_sub(start);
    }
    start
}

/// `regexp_matched_num(e)`: the number of groups of the last match, or -1.
#[no_mangle]
pub unsafe extern "C" fn hl_regexp_matched_num(e: *mut Ereg) -> i32 {
    if e.is_null() {
        super::raise_error("Null access");
    }
    if (*e).matched {
        (*e).n_groups
    } else {
        -1
    }
}
