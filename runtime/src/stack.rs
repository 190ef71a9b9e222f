//! Call stacks of HL code: capturing return addresses by walking the frame
//! pointer chain, and resolving them to `Class.method(File.hx:line)` frames
//! through the code-offset → op table hlc emits with every program and the
//! bytecode's own debug positions. Names follow HashLink's module loader
//! ([`hlbc::names`]), so traces read like the reference VM's.

use crate::abi::*;
use crate::module::Program;
use hlbc::names::{FunctionNames, Owner};
use std::ffi::c_void;

/// Where one compiled function's code is and how it maps back to ops.
pub struct FnDebug {
    pub start: usize,
    pub size: usize,
    /// Position in `Module::functions`.
    pub fi: usize,
    /// Sorted `(code offset, op index)`.
    pub locs: Vec<(u32, u32)>,
}

/// All functions' code ranges, sorted by start address.
pub struct DebugTable {
    pub fns: Vec<FnDebug>,
    pub lo: usize,
    pub hi: usize,
    names: FunctionNames,
    /// Resolved frames by return address: exceptions resolve the same ones over and over.
    resolved: std::sync::Mutex<std::collections::HashMap<usize, Option<std::sync::Arc<str>>>>,
}

impl DebugTable {
    /// Builds the table from the code maps an executable embeds
    /// ([`hlbc::codemap::encode`]), with code addresses from the program's
    /// function table.
    pub fn parse(p: &Program, blob: &[u8]) -> DebugTable {
        let m = &p.module;
        let position: std::collections::HashMap<u32, usize> =
            m.functions.iter().enumerate().map(|(i, f)| (f.findex.0, i)).collect();
        let mut fns = Vec::new();
        for map in hlbc::codemap::decode(blob) {
            let (Some(&fi), Some(&start)) = (position.get(&map.findex), p.functions.get(map.findex as usize)) else { continue };
            fns.push(FnDebug { start: start as usize, size: map.code_size as usize, fi, locs: map.locs });
        }
        fns.sort_by_key(|f| f.start);
        let lo = fns.first().map_or(0, |f| f.start);
        let hi = fns.last().map_or(0, |f| f.start + f.size);
        DebugTable { fns, lo, hi, names: FunctionNames::new(m), resolved: Default::default() }
    }

    fn find(&self, addr: usize) -> Option<&FnDebug> {
        if addr < self.lo || addr >= self.hi {
            return None;
        }
        let i = self.fns.partition_point(|f| f.start <= addr);
        let f = self.fns.get(i.checked_sub(1)?)?;
        (addr < f.start + f.size).then_some(f)
    }

    /// Whether `addr` is inside generated code.
    pub fn contains(&self, addr: usize) -> bool {
        self.find(addr).is_some()
    }

    /// `Class.method(File.hx:line)` for a return address, as HashLink prints it.
    pub fn resolve(&self, p: &Program, ret_addr: usize) -> Option<std::sync::Arc<str>> {
        if let Ok(cache) = self.resolved.lock() {
            if let Some(hit) = cache.get(&ret_addr) {
                return hit.clone();
            }
        }
        let text: Option<std::sync::Arc<str>> = self.resolve_uncached(p, ret_addr).map(Into::into);
        if let Ok(mut cache) = self.resolved.lock() {
            cache.insert(ret_addr, text.clone());
        }
        text
    }

    fn resolve_uncached(&self, p: &Program, ret_addr: usize) -> Option<String> {
        let f = self.find(ret_addr)?;
        let m = &p.module;
        // The call that returns here is the op covering the byte before the return address.
        let off = (ret_addr - f.start).saturating_sub(1) as u32;
        let i = f.locs.partition_point(|l| l.0 <= off);
        let op = f.locs.get(i.checked_sub(1)?).map_or(0, |l| l.1) as usize;
        let fun = &m.functions[f.fi];
        let pos = fun.debug.get(op).copied().unwrap_or_default();
        let file = pos
            .file
            .and_then(|fi| m.debug_files.get(fi.idx()))
            .map_or("?".to_string(), |f| String::from_utf8_lossy(f).into_owned());
        let name = self.hl_name(p, f.fi);
        Some(format!("{name}({file}:{})", pos.line))
    }

    /// HashLink's name of function `fi`: `Obj.field`, `Obj.~field.N`, `fun$N`, `.init`.
    fn hl_name(&self, p: &Program, fi: usize) -> String {
        let m = &p.module;
        let obj_name = |t: hlbc::TypeIdx| m.ty(t).as_obj().map_or(String::new(), |o| m.str(o.name).into_owned());
        match self.names.owner(fi) {
            Owner::Field { obj, name } => format!("{}.{}", obj_name(obj), m.str(name)),
            Owner::Closure { parent, nth } => match self.names.owner(parent) {
                Owner::Field { obj, name } => format!("{}.~{}.{nth}", obj_name(obj), m.str(name)),
                _ => format!("fun${}", m.functions[fi].findex.0),
            },
            Owner::Entry => ".init".to_string(),
            Owner::Anonymous => format!("fun${}", m.functions[fi].findex.0),
        }
    }
}

/// Return addresses of HL frames on the current stack, innermost first,
/// found by walking the frame-pointer chain from the caller.
#[inline(never)]
pub unsafe fn capture(out: &mut [*mut c_void]) -> usize {
    capture_from(frame_pointer(), out)
}

/// Like [`capture`], starting from the frame whose frame pointer is `fp`.
pub unsafe fn capture_from(mut fp: usize, out: &mut [*mut c_void]) -> usize {
    let Some(p) = crate::start::try_program() else { return 0 };
    let Some(table) = p.debug.as_ref() else { return 0 };
    let t = crate::gc::hl_get_thread();
    let top = if t.is_null() { usize::MAX } else { (*t).stack_top as usize };
    let mut n = 0;
    let mut steps = 0;
    while fp != 0 && fp.is_multiple_of(8) && fp < top && n < out.len() && steps < 100_000 {
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

#[inline(always)]
unsafe fn frame_pointer() -> usize {
    let fp: usize;
    #[cfg(target_arch = "x86_64")]
    std::arch::asm!("mov {}, rbp", out(reg) fp, options(nomem, nostack, preserves_flags));
    #[cfg(target_arch = "aarch64")]
    std::arch::asm!("mov {}, x29", out(reg) fp, options(nomem, nostack, preserves_flags));
    fp
}

/// `hlc_capture_stack`, called by `hl_throw` (C).
#[no_mangle]
pub unsafe extern "C" fn hlc_capture_stack(out: *mut *mut c_void, max: i32) -> i32 {
    if out.is_null() || max <= 0 {
        return 0;
    }
    let slice = std::slice::from_raw_parts_mut(out, max as usize);
    capture(slice) as i32
}

/// `hl_dump_stack`-style report of the stack from frame pointer `fp` (used by
/// the crash handler): one resolved frame per line on stdout.
#[no_mangle]
pub unsafe extern "C" fn hlc_dump_stack_from(fp: *mut c_void) {
    let Some(p) = crate::start::try_program() else { return };
    let Some(table) = p.debug.as_ref() else { return };
    let mut frames = [std::ptr::null_mut(); 256];
    let n = capture_from(fp as usize, &mut frames);
    let mut out = String::new();
    for &a in &frames[..n] {
        if let Some(f) = table.resolve(p, a as usize) {
            out.push_str(&f);
            out.push('\n');
        }
    }
    crate::start::write_stdout(out.as_bytes());
}

/// The symbolic frames of the current thread's last exception.
pub fn exception_frames() -> Vec<std::sync::Arc<str>> {
    unsafe {
        let Some(p) = crate::start::try_program() else { return Vec::new() };
        let Some(table) = p.debug.as_ref() else { return Vec::new() };
        let t = crate::gc::hl_get_thread();
        if t.is_null() {
            return Vec::new();
        }
        let n = ((*t).exc_stack_count.max(0) as usize).min(HL_EXC_MAX_STACK);
        let trace = &(&(*t).exc_stack_trace)[..n];
        trace.iter().filter_map(|&a| table.resolve(p, a as usize)).collect()
    }
}

/// `std@exception_stack`: the last exception's frames as an array of UTF-16 strings.
#[no_mangle]
pub unsafe extern "C" fn hl_exception_stack() -> *mut varray {
    let frames = exception_frames();
    let a = crate::std::array::hl_alloc_array(hlt_bytes.get(), frames.len() as i32);
    let data = varray::data(a) as *mut *mut u16;
    for (i, f) in frames.iter().enumerate() {
        *data.add(i) = crate::std::ucs2::ucs2_from_str(f);
    }
    a
}
