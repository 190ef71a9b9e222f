//! Closures and dynamic calls (libhl's `std/fun.c`, plus the roles of the
//! JIT's `callback_c2hl` / `call_jit_hl2c`):
//!
//! - closure allocation (`hl_alloc_closure_void` / `_ptr`), the `std@`
//!   natives `no_closure`, `make_closure`, `get_closure_value`,
//!   `fun_compare`, `make_var_args`, `call_method`;
//! - [`static_call`]: calls a C-ABI function pointer of any HashLink function
//!   type with arguments given as in `hl_setup.static_call` (a pointer value
//!   for pointer types, else the address of the value);
//! - `hl_dyn_call`, `hl_wrapper_call`, `hl_dyn_call_obj`;
//! - `hl_make_fun_wrapper`: a closure of another function type around a
//!   closure. Its code is one assembly trampoline for every signature
//!   ([`hlrt_wrapper_entry`]) which saves the argument registers and lets
//!   Rust box the arguments from the wrapper's type, as HashLink's JIT does.
//!
//! Calls are made through function pointers transmuted to
//! `extern "C" fn(i64 × NI, f64 × 8, i64 × k)`: with every integer and
//! float argument register filled, the next `k` arguments go to the stack in
//! order, 8 bytes each, which is what SysV x86-64 and AAPCS64 (Linux) do for
//! the real signature too. Integers narrower than 32 bits are passed
//! zero-extended; an `f32` travels in the low half of an FP register.

use super::cast::{hl_dyn_castd, hl_dyn_castf, hl_dyn_casti, hl_dyn_casti64, hl_dyn_castp, hl_make_dyn};
use super::obj::{hl_alloc_dynamic, hl_alloc_dynbool, lookup_find, throw_msg, ustring, DYNOBJ_INDEX_MASK};
use super::types::{aptr, is_dynamic, is_ptr, new_array, safe_cast, type_string};
use crate::abi::kind::*;
use crate::abi::*;
use crate::gc::hl_gc_alloc_gen;
use ::std::cell::UnsafeCell;
use ::std::ffi::c_void;
use ::std::mem::size_of;
use ::std::ptr::null_mut;

/// `HL_MAX_ARGS`: the most arguments `hl_dyn_call` / `call_method` accept.
pub const HL_MAX_ARGS: usize = 9;

// ---------------------------------------------------------------------------
// Closures.

#[no_mangle]
pub unsafe extern "C" fn hl_alloc_closure_void(t: *mut hl_type, fvalue: *mut c_void) -> *mut vclosure {
    let c = hl_gc_alloc_gen(hlt_bytes.get(), size_of::<vclosure>() as i32, mem::KIND_NOPTR | mem::ZERO) as *mut vclosure;
    (*c).t = t;
    (*c).fun = fvalue;
    (*c).has_value = 0;
    (*c).value = null_mut();
    c
}

/// The type of a closure of `t` bound to its first argument (`hl_get_closure_type`),
/// stored in `t`'s `closure_type` and built on first use.
pub unsafe fn closure_type(t: *mut hl_type) -> *mut hl_type {
    let ft = (*t).fun();
    if (*ft).closure_type.kind != HFUN {
        if (*ft).nargs == 0 {
            throw_msg("assert");
        }
        (*ft).closure.nargs = (*ft).nargs - 1;
        (*ft).closure.args = if (*ft).closure.nargs > 0 { (*ft).args.add(1) } else { null_mut() };
        (*ft).closure.ret = (*ft).ret;
        (*ft).closure.parent = t;
        (*ft).closure_type.p = ::std::ptr::addr_of_mut!((*ft).closure).cast();
        (*ft).closure_type.kind = HFUN;
    }
    ::std::ptr::addr_of_mut!((*ft).closure_type).cast()
}

/// `hl_alloc_closure_ptr`: a closure calling `fvalue` with `v` as first
/// argument; `fullt` is the function's own type (with that argument).
#[no_mangle]
pub unsafe extern "C" fn hl_alloc_closure_ptr(fullt: *mut hl_type, fvalue: *mut c_void, v: *mut c_void) -> *mut vclosure {
    let t = closure_type(fullt);
    let c = hl_gc_alloc_gen(t, size_of::<vclosure>() as i32, mem::KIND_DYNAMIC | mem::ZERO) as *mut vclosure;
    (*c).t = t;
    (*c).fun = fvalue;
    (*c).has_value = 1;
    (*c).stack_count = 0;
    (*c).value = v;
    c
}

unsafe extern "C" fn fun_var_args() {
    throw_msg("Variable fun args was not cast to typed function")
}

fn var_args_ptr() -> *mut c_void {
    fun_var_args as *const () as *mut c_void
}

#[no_mangle]
pub unsafe extern "C" fn hl_no_closure(c: *mut vdynamic) -> *mut vdynamic {
    let cl = c as *mut vclosure;
    if (*cl).has_value == 0 {
        return c;
    }
    if (*cl).has_value == 2 {
        return hl_no_closure((*(c as *mut vclosure_wrapper)).wrapped_fun.cast());
    }
    hl_alloc_closure_void((*(*(*cl).t).fun()).parent, (*cl).fun).cast()
}

#[no_mangle]
pub unsafe extern "C" fn hl_make_closure(c: *mut vdynamic, v: *mut vdynamic) -> *mut vdynamic {
    let cl = c as *mut vclosure;
    if (*cl).has_value == 2 {
        return hl_make_closure((*(c as *mut vclosure_wrapper)).wrapped_fun.cast(), v);
    }
    let t = if (*cl).has_value != 0 { (*(*(*cl).t).fun()).parent } else { (*cl).t };
    let ft = &*(*t).fun();
    if ft.nargs == 0 || v.is_null() || !safe_cast((*v).t, *ft.args) {
        return null_mut();
    }
    hl_alloc_closure_ptr(t, (*cl).fun, v.cast()).cast()
}

#[no_mangle]
pub unsafe extern "C" fn hl_get_closure_value(c: *mut vdynamic) -> *mut vdynamic {
    let cl = c as *mut vclosure;
    if (*cl).has_value == 0 {
        return null_mut();
    }
    if (*cl).has_value == 2 {
        return hl_get_closure_value((*(c as *mut vclosure_wrapper)).wrapped_fun.cast());
    }
    if (*cl).fun == var_args_ptr() {
        return null_mut();
    }
    let parent = (*(*(*cl).t).fun()).parent;
    hl_make_dyn(::std::ptr::addr_of_mut!((*cl).value).cast(), *(*(*parent).fun()).args)
}

#[no_mangle]
pub unsafe extern "C" fn hl_fun_compare(a: *mut vdynamic, b: *mut vdynamic) -> bool {
    if a == b {
        return true;
    }
    if a.is_null() || b.is_null() {
        return false;
    }
    if (*(*a).t).kind != (*(*b).t).kind || (*(*a).t).kind != HFUN {
        return false;
    }
    let (ca, cb) = (a as *mut vclosure, b as *mut vclosure);
    if (*ca).fun != (*cb).fun {
        return false;
    }
    !((*ca).has_value != 0 && (*ca).value != (*cb).value)
}

/// Static storage for the type of var-args closures.
#[repr(transparent)]
struct SyncCell<T>(UnsafeCell<T>);
unsafe impl<T> Sync for SyncCell<T> {}

static HLT_VAR_ARGS: SyncCell<hl_type> = SyncCell(UnsafeCell::new(hl_type {
    kind: HFUN,
    data: HLT_VAR_FUN.0.get() as *mut c_void,
    vobj_proto: null_mut(),
    mark_bits: null_mut(),
}));

static HLT_VAR_FUN: SyncCell<hl_type_fun> = SyncCell(UnsafeCell::new(hl_type_fun {
    args: null_mut(),
    ret: hlt_void.0.get(),
    nargs: -1,
    parent: HLT_VAR_ARGS.0.get(),
    closure_type: hl_type_fun_closure_type { kind: HFUN, p: HLT_VAR_FUN.0.get() as *mut c_void },
    closure: hl_type_fun_closure { args: null_mut(), ret: hlt_void.0.get(), nargs: -1, parent: HLT_VAR_ARGS.0.get() },
}));

/// `std@make_var_args`: a closure accepting any arguments, which calls `c`
/// with them as an array of dynamics.
#[no_mangle]
pub unsafe extern "C" fn hl_make_var_args(c: *mut vclosure) -> *mut vdynamic {
    hl_alloc_closure_ptr(HLT_VAR_ARGS.0.get(), var_args_ptr(), c.cast()).cast()
}

// ---------------------------------------------------------------------------
// Calling a function pointer of any signature.

// The C calling convention's argument registers. System V x86-64 and
// AArch64 give integer and FP arguments separate registers, counted
// separately; Windows x64 gives the first four arguments one register each
// by position (rcx/xmm0, rdx/xmm1, r8/xmm2, r9/xmm3), the rest on the stack.
#[cfg(all(target_arch = "x86_64", not(windows)))]
const NINT: usize = 6;
#[cfg(all(target_arch = "x86_64", windows))]
const NINT: usize = 4;
#[cfg(target_arch = "aarch64")]
const NINT: usize = 8;
#[cfg(not(windows))]
const NFLOAT: usize = 8;
const MAX_STACK: usize = 16;

/// Arguments in call order (Windows x64: the position decides the register).
#[cfg(windows)]
pub struct CallArgs {
    slots: [u64; NINT + MAX_STACK],
    n: usize,
}

#[cfg(windows)]
impl Default for CallArgs {
    fn default() -> Self {
        CallArgs { slots: [0; NINT + MAX_STACK], n: 0 }
    }
}

#[cfg(windows)]
impl CallArgs {
    fn push(&mut self, v: u64) {
        if self.n == self.slots.len() {
            throw_msg("Too many arguments for dynamic call");
        }
        self.slots[self.n] = v;
        self.n += 1;
    }
    pub fn push_int(&mut self, v: u64) {
        self.push(v)
    }
    /// An `f64`, or an `f32` as its bits in the low half.
    pub fn push_float_bits(&mut self, v: u64) {
        self.push(v)
    }
}

/// Arguments sorted by the register class they travel in.
#[cfg(not(windows))]
#[derive(Default)]
pub struct CallArgs {
    ints: [u64; NINT],
    nint: usize,
    floats: [u64; NFLOAT],
    nfloat: usize,
    stack: [u64; MAX_STACK],
    nstack: usize,
}

#[cfg(not(windows))]
impl CallArgs {
    fn push_stack(&mut self, v: u64) {
        if self.nstack == MAX_STACK {
            throw_msg("Too many arguments for dynamic call");
        }
        self.stack[self.nstack] = v;
        self.nstack += 1;
    }
    pub fn push_int(&mut self, v: u64) {
        if self.nint < NINT {
            self.ints[self.nint] = v;
            self.nint += 1;
        } else {
            self.push_stack(v);
        }
    }
    /// An `f64`, or an `f32` as its bits in the low half.
    pub fn push_float_bits(&mut self, v: u64) {
        if self.nfloat < NFLOAT {
            self.floats[self.nfloat] = v;
            self.nfloat += 1;
        } else {
            self.push_stack(v);
        }
    }
}

impl CallArgs {
    /// Adds the value of type `t` at `p` (the pointer itself for pointer types).
    pub unsafe fn push_typed(&mut self, t: *mut hl_type, p: *mut c_void) {
        match (*t).kind {
            HUI8 | HBOOL => self.push_int(*(p as *const u8) as u64),
            HUI16 => self.push_int(*(p as *const u16) as u64),
            HI32 => self.push_int(*(p as *const i32) as u32 as u64),
            HI64 | HGUID => self.push_int(*(p as *const i64) as u64),
            HF32 => self.push_float_bits((*(p as *const f32)).to_bits() as u64),
            HF64 => self.push_float_bits((*(p as *const f64)).to_bits()),
            HVOID => self.push_int(0),
            _ => self.push_int(p as u64),
        }
    }
}

#[cfg(not(windows))]
macro_rules! call_with_stack {
    ($f:expr, $a:expr, $float:expr, $($s:literal)*) => {{
        let i = &$a.ints;
        let x = |k: usize| f64::from_bits($a.floats[k]);
        #[cfg(all(target_arch = "x86_64", not(windows)))]
        {
            if $float {
                type F = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, f64, f64, f64, f64, f64, f64, f64, f64 $(, call_with_stack!(@ty $s))*) -> f64;
                let f: F = ::std::mem::transmute($f);
                f(i[0], i[1], i[2], i[3], i[4], i[5], x(0), x(1), x(2), x(3), x(4), x(5), x(6), x(7) $(, $a.stack[$s])*).to_bits()
            } else {
                type F = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, f64, f64, f64, f64, f64, f64, f64, f64 $(, call_with_stack!(@ty $s))*) -> u64;
                let f: F = ::std::mem::transmute($f);
                f(i[0], i[1], i[2], i[3], i[4], i[5], x(0), x(1), x(2), x(3), x(4), x(5), x(6), x(7) $(, $a.stack[$s])*)
            }
        }
        #[cfg(target_arch = "aarch64")]
        {
            if $float {
                type F = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64, f64, f64, f64, f64, f64, f64, f64, f64 $(, call_with_stack!(@ty $s))*) -> f64;
                let f: F = ::std::mem::transmute($f);
                f(i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], x(0), x(1), x(2), x(3), x(4), x(5), x(6), x(7) $(, $a.stack[$s])*).to_bits()
            } else {
                type F = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64, f64, f64, f64, f64, f64, f64, f64, f64 $(, call_with_stack!(@ty $s))*) -> u64;
                let f: F = ::std::mem::transmute($f);
                f(i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], x(0), x(1), x(2), x(3), x(4), x(5), x(6), x(7) $(, $a.stack[$s])*)
            }
        }
    }};
    (@ty $s:literal) => { u64 };
}

/// Calls `f` with `a`; the raw bits of the result (integer register, or FP
/// register when `float_ret`). Windows x64: `hlrt_win64_call` copies the
/// arguments to the stack and loads each of the first four into both its
/// integer and its FP register, so the callee finds it whichever its type.
#[cfg(windows)]
pub unsafe fn raw_call(f: *mut c_void, a: &CallArgs, float_ret: bool) -> u64 {
    extern "C" {
        fn hlrt_win64_call();
    }
    let entry = hlrt_win64_call as *const ();
    if float_ret {
        let g: unsafe extern "C" fn(*mut c_void, *const u64, usize) -> f64 = ::std::mem::transmute(entry);
        g(f, a.slots.as_ptr(), a.n).to_bits()
    } else {
        let g: unsafe extern "C" fn(*mut c_void, *const u64, usize) -> u64 = ::std::mem::transmute(entry);
        g(f, a.slots.as_ptr(), a.n)
    }
}

// hlrt_win64_call(f, args, n): calls f with args[0..n] (at least 4 slots
// readable) by the Windows x64 convention; returns with f's rax and xmm0.
#[cfg(all(target_arch = "x86_64", windows))]
::std::arch::global_asm!(
    ".text",
    ".globl hlrt_win64_call",
    ".p2align 4",
    "hlrt_win64_call:",
    // Unwind information (.pdata/.xdata), so Windows can walk through this
    // frame (stack traces, exceptions): the registers are saved first and
    // rbp then holds rsp, as Windows x64 unwinding wants a frame register
    // set after the pushes.
    ".seh_proc hlrt_win64_call",
    "push rbp",
    ".seh_pushreg rbp",
    "push rsi",
    ".seh_pushreg rsi",
    "push rdi",
    ".seh_pushreg rdi",
    "mov rbp, rsp",
    ".seh_setframe rbp, 0",
    ".seh_endprologue",
    "mov rax, rcx",
    "mov rsi, rdx",
    "mov rcx, r8",
    "cmp rcx, 4",
    "jae 2f",
    "mov rcx, 4",
    "2:",
    // Room for max(n, 4) slots, 16-byte aligned (rsp is 16-aligned after the pushes).
    "lea r10, [rcx * 8 + 15]",
    "and r10, -16",
    "sub rsp, r10",
    "xor r11, r11",
    "3:",
    "cmp r11, rcx",
    "jae 4f",
    "mov r10, [rsi + r11 * 8]",
    "mov [rsp + r11 * 8], r10",
    "inc r11",
    "jmp 3b",
    "4:",
    "mov rcx, [rsp]",
    "mov rdx, [rsp + 8]",
    "mov r8, [rsp + 16]",
    "mov r9, [rsp + 24]",
    "movq xmm0, rcx",
    "movq xmm1, rdx",
    "movq xmm2, r8",
    "movq xmm3, r9",
    "call rax",
    "mov rsp, rbp",
    "pop rdi",
    "pop rsi",
    "pop rbp",
    "ret",
    ".seh_endproc",
);

#[cfg(not(windows))]
pub unsafe fn raw_call(f: *mut c_void, a: &CallArgs, float_ret: bool) -> u64 {
    match a.nstack {
        0 => call_with_stack!(f, a, float_ret,),
        1 => call_with_stack!(f, a, float_ret, 0),
        2 => call_with_stack!(f, a, float_ret, 0 1),
        3 => call_with_stack!(f, a, float_ret, 0 1 2),
        4 => call_with_stack!(f, a, float_ret, 0 1 2 3),
        5 => call_with_stack!(f, a, float_ret, 0 1 2 3 4),
        6 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5),
        7 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6),
        8 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6 7),
        9 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6 7 8),
        10 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6 7 8 9),
        11 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6 7 8 9 10),
        12 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6 7 8 9 10 11),
        13 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6 7 8 9 10 11 12),
        14 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6 7 8 9 10 11 12 13),
        15 => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14),
        _ => call_with_stack!(f, a, float_ret, 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15),
    }
}

/// Stores the raw result `bits` of a function returning `ret` into `out.v`
/// and returns what `hl_setup.static_call` returns: the pointer for pointer
/// types, else the address of the value in `out`.
unsafe fn store_ret(ret: *mut hl_type, bits: u64, out: *mut vdynamic) -> *mut c_void {
    let v = ::std::ptr::addr_of_mut!((*out).v);
    match (*ret).kind {
        HVOID => null_mut(),
        HUI8 | HBOOL => {
            (*v).i64 = 0;
            (*v).i = (bits & 0xFF) as i32;
            v.cast()
        }
        HUI16 => {
            (*v).i64 = 0;
            (*v).i = (bits & 0xFFFF) as i32;
            v.cast()
        }
        HI32 => {
            (*v).i64 = 0;
            (*v).i = bits as u32 as i32;
            v.cast()
        }
        HI64 | HGUID => {
            (*v).i64 = bits as i64;
            v.cast()
        }
        HF32 => {
            (*v).i64 = 0;
            (*v).f = f32::from_bits(bits as u32);
            v.cast()
        }
        HF64 => {
            (*v).d = f64::from_bits(bits);
            v.cast()
        }
        _ => bits as *mut c_void,
    }
}

/// `hl_setup.static_call`: calls `fun`, of function type `t`, with `args[i]`
/// the value (pointer types) or the address of the value of argument `i`.
/// Non-pointer results are stored in `out.v` and their address returned.
pub unsafe fn static_call(fun: *mut c_void, t: *mut hl_type, args: *mut *mut c_void, out: *mut vdynamic) -> *mut c_void {
    let ft = &*(*t).fun();
    let mut a = CallArgs::default();
    for i in 0..ft.nargs.max(0) as usize {
        a.push_typed(*ft.args.add(i), *args.add(i));
    }
    let float_ret = matches!((*ft.ret).kind, HF32 | HF64);
    let bits = raw_call(fun, &a, float_ret);
    store_ret(ft.ret, bits, out)
}

// ---------------------------------------------------------------------------
// Dynamic calls.

#[repr(C)]
union Tmp {
    d: f64,
    i: i32,
    f: f32,
    i64: i64,
}

/// `std@call_method`: calls closure `c` with the dynamics of `args`.
#[no_mangle]
pub unsafe extern "C" fn hl_call_method(c: *mut vdynamic, args: *mut varray) -> *mut vdynamic {
    let mut cl = c as *mut vclosure;
    let vargs = aptr::<*mut vdynamic>(args);
    let n = (*args).size.max(0) as usize;
    if n > HL_MAX_ARGS {
        throw_msg("Too many arguments");
    }
    if (*cl).has_value != 0 {
        if (*cl).has_value == 2 {
            cl = (*(cl as *mut vclosure_wrapper)).wrapped_fun;
        }
        if (*cl).fun == var_args_ptr() {
            let cb = (*cl).value as *mut vclosure;
            return if (*cb).has_value != 0 {
                let f: unsafe extern "C" fn(*mut c_void, *mut varray) -> *mut vdynamic = ::std::mem::transmute((*cb).fun);
                f((*cb).value, args)
            } else {
                let f: unsafe extern "C" fn(*mut varray) -> *mut vdynamic = ::std::mem::transmute((*cb).fun);
                f(args)
            };
        }
        throw_msg("Can't call closure with value");
    }
    let ft = &*(*(*cl).t).fun();
    let nargs = ft.nargs.max(0) as usize;
    if n < nargs {
        throw_msg(&format!("Missing arguments : {} expected but {} passed", ft.nargs, n));
    }
    let mut tmp: [Tmp; HL_MAX_ARGS] = ::std::array::from_fn(|_| Tmp { i64: 0 });
    let mut pargs: [*mut c_void; HL_MAX_ARGS] = [null_mut(); HL_MAX_ARGS];
    let dynt = hlt_dyn.get();
    for i in 0..nargs {
        let v = *vargs.add(i);
        let t = *ft.args.add(i);
        let pv = vargs.add(i).cast::<c_void>();
        pargs[i] = if v.is_null() {
            if is_ptr(t) {
                null_mut()
            } else {
                tmp[i].d = 0.0;
                ::std::ptr::addr_of_mut!(tmp[i]).cast()
            }
        } else {
            match (*t).kind {
                HBOOL | HUI8 | HUI16 | HI32 => {
                    tmp[i].i = hl_dyn_casti(pv, dynt, t);
                    ::std::ptr::addr_of_mut!(tmp[i]).cast()
                }
                HI64 | HGUID => {
                    tmp[i].i64 = hl_dyn_casti64(pv, dynt);
                    ::std::ptr::addr_of_mut!(tmp[i]).cast()
                }
                HF32 => {
                    tmp[i].f = hl_dyn_castf(pv, dynt);
                    ::std::ptr::addr_of_mut!(tmp[i]).cast()
                }
                HF64 => {
                    tmp[i].d = hl_dyn_castd(pv, dynt);
                    ::std::ptr::addr_of_mut!(tmp[i]).cast()
                }
                _ => hl_dyn_castp(pv, dynt, t),
            }
        };
    }
    let mut out = vdynamic { t: null_mut(), v: vdynamic_value { i64: 0 } };
    let ret = static_call((*cl).fun, (*cl).t, pargs.as_mut_ptr(), &mut out);
    let tret = ft.ret;
    if !is_ptr(tret) {
        return match (*tret).kind {
            HVOID => null_mut(),
            HBOOL => hl_alloc_dynbool(out.v.b),
            _ => {
                let r = hl_alloc_dynamic(tret);
                (*r).v = out.v;
                r
            }
        };
    }
    if ret.is_null() || is_dynamic(tret) {
        return ret.cast();
    }
    let r = hl_alloc_dynamic(tret);
    (*r).v.ptr = ret;
    r
}

/// `hl_dyn_call`: calls closure `c` with `nargs` dynamics, converting each to
/// the parameter's type and boxing the result.
#[no_mangle]
pub unsafe extern "C" fn hl_dyn_call(c: *mut vclosure, args: *mut *mut vdynamic, nargs: i32) -> *mut vdynamic {
    #[repr(C)]
    struct Tmp {
        a: varray,
        args: [*mut vdynamic; HL_MAX_ARGS + 1],
    }
    if nargs as usize > HL_MAX_ARGS || nargs < 0 {
        throw_msg("Too many arguments");
    }
    let n = nargs as usize;
    let mut tmp = Tmp {
        a: varray { t: hlt_array.get(), at: hlt_dyn.get(), size: nargs, _pad: 0 },
        args: [null_mut(); HL_MAX_ARGS + 1],
    };
    let mut ctmp = vclosure { t: null_mut(), fun: null_mut(), has_value: 0, stack_count: 0, value: null_mut() };
    let mut c = c;
    let ft = (*(*c).t).fun();
    if (*c).has_value != 0 && (*ft).nargs >= 0 && !(*ft).parent.is_null() {
        ctmp.t = (*ft).parent;
        ctmp.fun = (*c).fun;
        tmp.args[0] = hl_make_dyn(::std::ptr::addr_of_mut!((*c).value).cast(), *(*(*ctmp.t).fun()).args);
        tmp.a.size += 1;
        for i in 0..n {
            tmp.args[i + 1] = *args.add(i);
        }
        c = &mut ctmp;
    } else {
        for i in 0..n {
            tmp.args[i] = *args.add(i);
        }
    }
    hl_call_method(c.cast(), &mut tmp.a)
}

/// `hl_wrapper_call`: calls the closure wrapped by `value` (a
/// `vclosure_wrapper`) with `args` typed by the wrapper's type, converting
/// arguments and result between the two function types.
#[no_mangle]
pub unsafe extern "C" fn hl_wrapper_call(value: *mut c_void, args: *mut *mut c_void, ret: *mut vdynamic) -> *mut c_void {
    let c = value as *mut vclosure_wrapper;
    let tfun = &*(*(*c).cl.t).fun();
    let mut out = vdynamic { t: null_mut(), v: vdynamic_value { i64: 0 } };
    let ret = if ret.is_null() { &mut out as *mut vdynamic } else { ret };
    let mut w = (*c).wrapped_fun;
    let mut tmp: [Tmp; HL_MAX_ARGS] = ::std::array::from_fn(|_| Tmp { i64: 0 });
    let mut vargs: [*mut c_void; HL_MAX_ARGS + 1] = [null_mut(); HL_MAX_ARGS + 1];
    let mut p = 0;
    let arg_addr = |i: usize, t: *mut hl_type| -> *mut c_void {
        if is_ptr(t) {
            args.add(i).cast()
        } else {
            *args.add(i)
        }
    };
    if (*w).fun == var_args_ptr() {
        w = (*w).value as *mut vclosure;
        let a = new_array(hlt_dyn.get(), tfun.nargs);
        for i in 0..tfun.nargs.max(0) as usize {
            let t = *tfun.args.add(i);
            *aptr::<*mut vdynamic>(a).add(i) = hl_make_dyn(arg_addr(i, t), t);
        }
        if (*w).has_value != 0 {
            vargs[p] = (*w).value;
            p += 1;
        }
        vargs[p] = a.cast();
    } else {
        if (*w).has_value != 0 {
            vargs[p] = (*w).value;
            p += 1;
        }
        let wf = &*(*(*w).t).fun();
        if wf.nargs as usize > HL_MAX_ARGS {
            throw_msg("Too many arguments");
        }
        // `i` indexes the caller's and the callee's argument types and `tmp` alike.
        #[allow(clippy::needless_range_loop)]
        for i in 0..wf.nargs.max(0) as usize {
            let t = *tfun.args.add(i);
            let to = *wf.args.add(i);
            let v = arg_addr(i, t);
            vargs[p] = match (*to).kind {
                HUI8 | HUI16 | HI32 | HBOOL => {
                    tmp[i].i = hl_dyn_casti(v, t, to);
                    ::std::ptr::addr_of_mut!(tmp[i]).cast()
                }
                HI64 | HGUID => {
                    tmp[i].i64 = hl_dyn_casti64(v, t);
                    ::std::ptr::addr_of_mut!(tmp[i]).cast()
                }
                HF32 => {
                    tmp[i].f = hl_dyn_castf(v, t);
                    ::std::ptr::addr_of_mut!(tmp[i]).cast()
                }
                HF64 => {
                    tmp[i].d = hl_dyn_castd(v, t);
                    ::std::ptr::addr_of_mut!(tmp[i]).cast()
                }
                _ => hl_dyn_castp(v, t, to),
            };
            p += 1;
        }
    }
    let call_t = if (*w).has_value != 0 { (*(*(*w).t).fun()).parent } else { (*w).t };
    let mut pret = static_call((*w).fun, call_t, vargs.as_mut_ptr(), ret);
    let wret = (*(*(*w).t).fun()).ret;
    let mut aret: *mut c_void = if is_ptr(wret) { (&mut pret as *mut *mut c_void).cast() } else { pret };
    if aret.is_null() {
        aret = (&mut pret as *mut *mut c_void).cast();
    }
    match (*tfun.ret).kind {
        HVOID => return null_mut(),
        HUI8 | HUI16 | HI32 | HBOOL => (*ret).v.i = hl_dyn_casti(aret, wret, tfun.ret),
        HI64 | HGUID => (*ret).v.i64 = hl_dyn_casti64(aret, wret),
        HF32 => (*ret).v.f = hl_dyn_castf(aret, wret),
        HF64 => (*ret).v.d = hl_dyn_castd(aret, wret),
        _ => pret = hl_dyn_castp(aret, wret, tfun.ret),
    }
    pret
}

/// `hl_dyn_call_obj`: calls method or closure field `hfield` of `o` as a
/// function of type `ft` (`args` as for [`static_call`]; non-pointer results in `ret.v`).
#[no_mangle]
pub unsafe extern "C" fn hl_dyn_call_obj(
    o: *mut vdynamic,
    ft: *mut hl_type,
    hfield: i32,
    args: *mut *mut c_void,
    ret: *mut vdynamic,
) -> *mut c_void {
    let field_name = |h: i32| super::obj::field_name_string(h);
    let mut w = vclosure_wrapper {
        cl: vclosure { t: ft, fun: wrapper_entry(), has_value: 2, stack_count: 0, value: null_mut() },
        wrapped_fun: null_mut(),
    };
    w.cl.value = (&mut w as *mut vclosure_wrapper).cast();
    match (*(*o).t).kind {
        HDYNOBJ => {
            let d = o as *mut vdynobj;
            let l = lookup_find((*d).lookup, (*d).nfields, hfield);
            if !l.is_null() && (*(*l).t).kind != HFUN {
                throw_msg(&format!("Field {} is of type {} and cannot be called", field_name(hfield), type_string((*l).t)));
            }
            if !l.is_null() {
                let f = *(*d).values.add(((*l).field_index & DYNOBJ_INDEX_MASK) as usize) as *mut vclosure;
                if !f.is_null() {
                    w.wrapped_fun = f;
                    return hl_wrapper_call((&mut w as *mut vclosure_wrapper).cast(), args, ret);
                }
            }
            throw_msg(&format!("{} has no method {}", type_string((*o).t), field_name(hfield)))
        }
        HOBJ => {
            let tobj = (*(*o).t).obj();
            let mut rt = (*tobj).rt;
            while !rt.is_null() {
                let l = lookup_find((*rt).lookup, (*rt).nlookup, hfield);
                if !l.is_null() && (*(*l).t).kind != HFUN {
                    throw_msg(&format!("Field {} is of type {} and cannot be called", field_name(hfield), type_string((*l).t)));
                }
                if !l.is_null() {
                    let mut tmp = vclosure { t: null_mut(), fun: null_mut(), has_value: 1, stack_count: 0, value: o.cast() };
                    if (*l).field_index < 0 {
                        tmp.t = closure_type((*l).t);
                        tmp.fun = *(*(*tobj).rt).methods.add((-(*l).field_index - 1) as usize);
                        w.wrapped_fun = &mut tmp;
                    } else {
                        let f = *((o as *mut u8).add((*l).field_index as usize) as *mut *mut vclosure);
                        if f.is_null() {
                            break;
                        }
                        w.wrapped_fun = f;
                    }
                    return hl_wrapper_call((&mut w as *mut vclosure_wrapper).cast(), args, ret);
                }
                rt = (*rt).parent;
            }
            throw_msg(&format!("{} has no method {}", ustring((*tobj).name), field_name(hfield)))
        }
        _ => throw_msg("Invalid field access"),
    }
}

// ---------------------------------------------------------------------------
// Function wrappers.

/// `hl_make_fun_wrapper`: a closure of type `to` calling `v` (whose arity
/// must match, unless it is a var-args closure), converting arguments and
/// result.
#[no_mangle]
pub unsafe extern "C" fn hl_make_fun_wrapper(v: *mut vclosure, to: *mut hl_type) -> *mut vclosure {
    if (*v).fun != var_args_ptr() && (*(*(*v).t).fun()).nargs != (*(*to).fun()).nargs {
        return null_mut();
    }
    let c = hl_gc_alloc_gen(to, size_of::<vclosure_wrapper>() as i32, mem::KIND_DYNAMIC | mem::ZERO) as *mut vclosure_wrapper;
    (*c).cl.t = to;
    (*c).cl.fun = wrapper_entry();
    (*c).cl.has_value = 2;
    (*c).cl.stack_count = 0;
    (*c).cl.value = c.cast();
    (*c).wrapped_fun = v;
    c.cast()
}

/// The code address of the universal wrapper trampoline.
pub fn wrapper_entry() -> *mut c_void {
    extern "C" {
        fn hlrt_wrapper_entry();
    }
    hlrt_wrapper_entry as *const () as *mut c_void
}

// Register save area layout shared with the trampolines: the integer
// argument registers (the first is the wrapper itself), then the FP ones.
// The FP result is returned in the first FP slot.
#[cfg(all(target_arch = "x86_64", not(windows)))]
::std::arch::global_asm!(
    ".text",
    ".globl hlrt_wrapper_entry",
    ".p2align 4",
    "hlrt_wrapper_entry:",
    "push rbp",
    "mov rbp, rsp",
    "sub rsp, 112",
    "mov [rsp], rdi",
    "mov [rsp + 8], rsi",
    "mov [rsp + 16], rdx",
    "mov [rsp + 24], rcx",
    "mov [rsp + 32], r8",
    "mov [rsp + 40], r9",
    "movsd [rsp + 48], xmm0",
    "movsd [rsp + 56], xmm1",
    "movsd [rsp + 64], xmm2",
    "movsd [rsp + 72], xmm3",
    "movsd [rsp + 80], xmm4",
    "movsd [rsp + 88], xmm5",
    "movsd [rsp + 96], xmm6",
    "movsd [rsp + 104], xmm7",
    "mov rdi, rsp",
    "lea rsi, [rbp + 16]",
    "call {dispatch}",
    "movsd xmm0, [rsp + 48]",
    "mov rsp, rbp",
    "pop rbp",
    "ret",
    dispatch = sym hlrt_wrapper_dispatch,
);

// Windows x64: the four argument registers of each class, then the caller's
// stack arguments above its 32-byte shadow space.
#[cfg(all(target_arch = "x86_64", windows))]
::std::arch::global_asm!(
    ".text",
    ".globl hlrt_wrapper_entry",
    ".p2align 4",
    "hlrt_wrapper_entry:",
    // Unwind information, as for hlrt_win64_call.
    ".seh_proc hlrt_wrapper_entry",
    "push rbp",
    ".seh_pushreg rbp",
    "mov rbp, rsp",
    ".seh_setframe rbp, 0",
    "sub rsp, 96",
    ".seh_stackalloc 96",
    ".seh_endprologue",
    "mov [rsp + 32], rcx",
    "mov [rsp + 40], rdx",
    "mov [rsp + 48], r8",
    "mov [rsp + 56], r9",
    "movsd [rsp + 64], xmm0",
    "movsd [rsp + 72], xmm1",
    "movsd [rsp + 80], xmm2",
    "movsd [rsp + 88], xmm3",
    "lea rcx, [rsp + 32]",
    "lea rdx, [rbp + 48]",
    "call {dispatch}",
    "movsd xmm0, [rsp + 64]",
    "mov rsp, rbp",
    "pop rbp",
    "ret",
    ".seh_endproc",
    dispatch = sym hlrt_wrapper_dispatch,
);

#[cfg(target_arch = "aarch64")]
::std::arch::global_asm!(
    ".text",
    ".globl hlrt_wrapper_entry",
    ".p2align 4",
    "hlrt_wrapper_entry:",
    "stp x29, x30, [sp, #-16]!",
    "mov x29, sp",
    "sub sp, sp, #128",
    "stp x0, x1, [sp, #0]",
    "stp x2, x3, [sp, #16]",
    "stp x4, x5, [sp, #32]",
    "stp x6, x7, [sp, #48]",
    "stp d0, d1, [sp, #64]",
    "stp d2, d3, [sp, #80]",
    "stp d4, d5, [sp, #96]",
    "stp d6, d7, [sp, #112]",
    "mov x0, sp",
    "add x1, x29, #16",
    "bl {dispatch}",
    "ldr d0, [sp, #64]",
    "mov sp, x29",
    "ldp x29, x30, [sp], #16",
    "ret",
    dispatch = sym hlrt_wrapper_dispatch,
);

/// Called by the trampoline: boxes the arguments found in the saved
/// registers and on the caller's stack according to the wrapper's type,
/// calls the wrapped closure with `hl_dyn_call`, and converts the result
/// (integer result returned, FP result stored in `regs[NINT]`).
unsafe extern "C" fn hlrt_wrapper_dispatch(regs: *mut u64, stack: *mut u64) -> u64 {
    let c = *regs as *mut vclosure_wrapper;
    let ft = &*(*(*c).cl.t).fun();
    let nargs = ft.nargs.max(0) as usize;
    if nargs > HL_MAX_ARGS {
        throw_msg("Too many arguments for wrapped call");
    }
    let mut args: [*mut vdynamic; HL_MAX_ARGS] = [null_mut(); HL_MAX_ARGS];
    #[cfg(not(windows))]
    let (mut ni, mut nf, mut ns) = (1usize, 0usize, 0usize);
    for (i, arg) in args.iter_mut().enumerate().take(nargs) {
        let t = *ft.args.add(i);
        // Windows x64: argument i + 1 (the wrapper is the first) by position.
        #[cfg(windows)]
        let slot: *mut u64 = match i + 1 {
            p if p < NINT && matches!((*t).kind, HF32 | HF64) => regs.add(NINT + p),
            p if p < NINT => regs.add(p),
            p => stack.add(p - NINT),
        };
        #[cfg(not(windows))]
        let slot: *mut u64 = if matches!((*t).kind, HF32 | HF64) {
            if nf < NFLOAT {
                nf += 1;
                regs.add(NINT + nf - 1)
            } else {
                ns += 1;
                stack.add(ns - 1)
            }
        } else if ni < NINT {
            ni += 1;
            regs.add(ni - 1)
        } else {
            ns += 1;
            stack.add(ns - 1)
        };
        *arg = if is_dynamic(t) { *(slot as *mut *mut vdynamic) } else { hl_make_dyn(slot.cast(), t) };
    }
    let mut r = hl_dyn_call((*c).wrapped_fun, args.as_mut_ptr(), nargs as i32);
    let pr = (&mut r as *mut *mut vdynamic).cast::<c_void>();
    let dynt = hlt_dyn.get();
    match (*ft.ret).kind {
        HVOID => 0,
        HUI8 | HUI16 | HI32 | HBOOL => hl_dyn_casti(pr, dynt, ft.ret) as u32 as u64,
        HI64 | HGUID => hl_dyn_casti64(pr, dynt) as u64,
        HF32 => {
            *regs.add(NINT) = hl_dyn_castf(pr, dynt).to_bits() as u64;
            0
        }
        HF64 => {
            *regs.add(NINT) = hl_dyn_castd(pr, dynt).to_bits();
            0
        }
        _ => hl_dyn_castp(pr, dynt, ft.ret) as u64,
    }
}
