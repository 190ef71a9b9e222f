//! Conversions between typed and dynamic values (libhl's `std/cast.c`):
//! boxing (`hl_make_dyn`), unboxing casts (`hl_dyn_cast*`), `hl_write_dyn`,
//! dynamic comparison (`hl_dyn_compare`, [`HL_INVALID_COMPARISON`]) and
//! arithmetic on dynamics (`std@dyn_op`).
//!
//! The `hl_dyn_cast*` functions take the *address* of a value of type `t`
//! (for a dynamic type: the address of the pointer), as in libhl.

use super::fun::hl_make_fun_wrapper;
use super::number::{f64_to_i32, f64_to_i64};
use super::obj::{hl_alloc_dynamic, hl_alloc_dynbool, hl_to_virtual, throw_msg, StaticDyn};
use super::types::{is_dynamic, safe_cast, same_type, type_string};
use crate::abi::kind::*;
use crate::abi::*;
use crate::gc::hl_gc_alloc_gen;
use ::std::cell::UnsafeCell;
use ::std::ffi::c_void;
use ::std::mem::size_of;
use ::std::ptr::null_mut;

/// `hl_invalid_comparison`: what comparisons return when values are unordered
/// or incomparable (every relational test on it is false in generated code).
pub const HL_INVALID_COMPARISON: i32 = 0xAABBCCDDu32 as i32;

fn invalid_cast(from: *mut hl_type, to: *mut hl_type) -> ! {
    // SAFETY: both types come from the running program's type table.
    unsafe { throw_msg(&format!("Can't cast {} to {}", type_string(from), type_string(to))) }
}

const fn small_ints() -> [StaticDyn; 256] {
    let mut a = [const { StaticDyn(UnsafeCell::new(vdynamic { t: hlt_i32.0.get(), v: vdynamic_value { i64: 0 } })) }; 256];
    let mut i = 0;
    while i < 256 {
        let v = (i as u8) as i8 as i32;
        a[i] = StaticDyn(UnsafeCell::new(vdynamic { t: hlt_i32.0.get(), v: vdynamic_value { i: v } }));
        i += 1;
    }
    a
}

/// Boxed ints from -128 to 127 are shared, as in libhl.
static SMALL_INTS: [StaticDyn; 256] = small_ints();

unsafe fn alloc_noptr_dyn(t: *mut hl_type) -> *mut vdynamic {
    let v = hl_gc_alloc_gen(hlt_bytes.get(), size_of::<vdynamic>() as i32, mem::KIND_NOPTR | mem::ZERO) as *mut vdynamic;
    (*v).t = t;
    v
}

/// A boxed `i32` (`hl_dyni32`).
pub unsafe fn dyn_i32(v: i32) -> *mut vdynamic {
    if v as i8 as i32 == v {
        return SMALL_INTS[(v & 0xFF) as usize].0.get();
    }
    let d = alloc_noptr_dyn(hlt_i32.get());
    (*d).v.i = v;
    d
}

/// A boxed `f64`.
pub unsafe fn dyn_f64(v: f64) -> *mut vdynamic {
    let d = hl_alloc_dynamic(hlt_f64.get());
    (*d).v.d = v;
    d
}

/// `hl_make_dyn`: boxes the value of type `t` stored at `data`.
#[no_mangle]
pub unsafe extern "C" fn hl_make_dyn(data: *mut c_void, t: *mut hl_type) -> *mut vdynamic {
    match (*t).kind {
        HVOID => null_mut(),
        HUI8 => {
            let v = alloc_noptr_dyn(t);
            (*v).v.i = *(data as *const u8) as i32;
            v
        }
        HUI16 => {
            let v = alloc_noptr_dyn(t);
            (*v).v.i = *(data as *const u16) as i32;
            v
        }
        HI32 => dyn_i32(*(data as *const i32)),
        HI64 | HGUID => {
            let v = alloc_noptr_dyn(t);
            (*v).v.i64 = *(data as *const i64);
            v
        }
        HF32 => {
            let v = alloc_noptr_dyn(t);
            (*v).v.f = *(data as *const f32);
            v
        }
        HF64 => {
            let v = alloc_noptr_dyn(t);
            (*v).v.d = *(data as *const f64);
            v
        }
        HBOOL => hl_alloc_dynbool(*(data as *const u8) != 0),
        HBYTES | HTYPE | HREF | HABSTRACT => {
            let p = *(data as *const *mut c_void);
            if p.is_null() {
                return null_mut();
            }
            let v = hl_alloc_dynamic(t);
            (*v).v.ptr = p;
            v
        }
        _ => *(data as *const *mut vdynamic),
    }
}

/// For a value of type `t` at `data` where `t` is `dyn`: the boxed value's
/// type and the address of its payload (or of the pointer, for dynamic types).
/// `None` for null.
#[inline]
unsafe fn unwrap_dyn(data: *mut c_void, t: *mut hl_type) -> Option<(*mut c_void, *mut hl_type)> {
    if (*t).kind == HDYN {
        let v = *(data as *const *mut vdynamic);
        if v.is_null() {
            return None;
        }
        let vt = (*v).t;
        if !is_dynamic(vt) {
            return Some((::std::ptr::addr_of_mut!((*v).v).cast(), vt));
        }
        return Some((data, vt));
    }
    Some((data, t))
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_casti(data: *mut c_void, t: *mut hl_type, to: *mut hl_type) -> i32 {
    let Some((data, t)) = unwrap_dyn(data, t) else { return 0 };
    match (*t).kind {
        HUI8 => *(data as *const u8) as i32,
        HUI16 => *(data as *const u16) as i32,
        HI32 => *(data as *const i32),
        HI64 | HGUID => *(data as *const i64) as i32,
        HF32 => f64_to_i32(*(data as *const f32) as f64),
        HF64 => f64_to_i32(*(data as *const f64)),
        HBOOL => *(data as *const u8) as i32,
        HNULL => {
            let v = *(data as *const *mut vdynamic);
            if v.is_null() {
                return 0;
            }
            hl_dyn_casti(::std::ptr::addr_of_mut!((*v).v).cast(), (*t).tparam(), to)
        }
        _ => invalid_cast(t, to),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_casti64(data: *mut c_void, t: *mut hl_type) -> i64 {
    let Some((data, t)) = unwrap_dyn(data, t) else { return 0 };
    match (*t).kind {
        HUI8 => *(data as *const u8) as i64,
        HUI16 => *(data as *const u16) as i64,
        HI32 => *(data as *const i32) as i64,
        HI64 | HGUID => *(data as *const i64),
        HF32 => f64_to_i64(*(data as *const f32) as f64),
        HF64 => f64_to_i64(*(data as *const f64)),
        HBOOL => *(data as *const u8) as i64,
        HNULL => {
            let v = *(data as *const *mut vdynamic);
            if v.is_null() {
                return 0;
            }
            hl_dyn_casti64(::std::ptr::addr_of_mut!((*v).v).cast(), (*t).tparam())
        }
        _ => invalid_cast(t, hlt_i64.get()),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_castd(data: *mut c_void, t: *mut hl_type) -> f64 {
    let Some((data, t)) = unwrap_dyn(data, t) else { return 0.0 };
    match (*t).kind {
        HF32 => *(data as *const f32) as f64,
        HF64 => *(data as *const f64),
        HUI8 => *(data as *const u8) as f64,
        HUI16 => *(data as *const u16) as f64,
        HI32 => *(data as *const i32) as f64,
        HI64 => *(data as *const i64) as f64,
        HBOOL => *(data as *const u8) as f64,
        HNULL => {
            let v = *(data as *const *mut vdynamic);
            if v.is_null() {
                return 0.0;
            }
            hl_dyn_castd(::std::ptr::addr_of_mut!((*v).v).cast(), (*t).tparam())
        }
        _ => invalid_cast(t, hlt_f64.get()),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_dyn_castf(data: *mut c_void, t: *mut hl_type) -> f32 {
    let Some((data, t)) = unwrap_dyn(data, t) else { return 0.0 };
    match (*t).kind {
        HF32 => *(data as *const f32),
        HF64 => *(data as *const f64) as f32,
        HUI8 => *(data as *const u8) as f32,
        HUI16 => *(data as *const u16) as f32,
        HI32 => *(data as *const i32) as f32,
        HI64 => *(data as *const i64) as f32,
        HBOOL => *(data as *const u8) as f32,
        HNULL => {
            let v = *(data as *const *mut vdynamic);
            if v.is_null() {
                return 0.0;
            }
            hl_dyn_castf(::std::ptr::addr_of_mut!((*v).v).cast(), (*t).tparam())
        }
        _ => invalid_cast(t, hlt_f32.get()),
    }
}

/// `hl_dyn_castp`: converts the value of type `t` at `data` to pointer type `to`.
#[no_mangle]
pub unsafe extern "C" fn hl_dyn_castp(data: *mut c_void, t: *mut hl_type, to: *mut hl_type) -> *mut c_void {
    let mut data = data;
    let mut t = t;
    if (*to).kind == HDYN && is_dynamic(t) {
        return *(data as *const *mut c_void);
    }
    if (*t).kind == HDYN || (*t).kind == HNULL {
        let v = *(data as *const *mut vdynamic);
        if v.is_null() {
            return null_mut();
        }
        if (*to).kind == HNULL && (*v).t == (*to).tparam() && crate::gc::hl_is_gc_ptr(v.cast()) {
            return v.cast();
        }
        t = (*v).t;
        if !is_dynamic(t) {
            data = ::std::ptr::addr_of_mut!((*v).v).cast();
        }
    } else if is_dynamic(t) {
        let v = *(data as *const *mut vdynamic);
        if v.is_null() {
            return null_mut();
        }
        t = (*v).t;
    }
    if t == to || safe_cast(t, to) {
        return *(data as *const *mut c_void);
    }
    match ((*t).kind, (*to).kind) {
        (HOBJ, HOBJ) | (HSTRUCT, HSTRUCT) => {
            let mut t1 = (*t).obj();
            let t2 = (*to).obj();
            loop {
                if t1 == t2 || (*t1).name == (*t2).name {
                    return *(data as *const *mut c_void);
                }
                if (*t1).super_.is_null() {
                    break;
                }
                t1 = (*(*t1).super_).obj();
            }
            if let Some(cf) = (*(*(*t).obj()).rt).cast_fun {
                let v = cf(*(data as *const *mut vdynamic), to);
                if !v.is_null() {
                    return v.cast();
                }
            }
        }
        (HFUN, HFUN) => {
            let c = *(data as *const *mut vclosure);
            if c.is_null() {
                return null_mut();
            }
            let c = hl_make_fun_wrapper(c, to);
            if !c.is_null() {
                return c.cast();
            }
        }
        (HOBJ, HVIRTUAL) | (HDYNOBJ, HVIRTUAL) | (HVIRTUAL, HVIRTUAL) => {
            return hl_to_virtual(to, *(data as *const *mut vdynamic)).cast();
        }
        (HVIRTUAL, HOBJ) => {
            let v = *(data as *const *mut vvirtual);
            if !(*v).value.is_null() {
                return hl_dyn_castp(::std::ptr::addr_of_mut!((*v).value).cast(), (*(*v).value).t, to);
            }
        }
        (HOBJ, HDYN) | (HDYNOBJ, HDYN) | (HFUN, HDYN) | (HNULL, HDYN) | (HARRAY, HDYN) => {
            return *(data as *const *mut c_void);
        }
        _ => {}
    }
    if (*to).kind == HDYN {
        return hl_make_dyn(data, t).cast();
    }
    if (*to).kind == HNULL {
        let tp = (*to).tparam();
        if (*tp).kind == (*t).kind {
            return hl_make_dyn(data, t).cast();
        }
        match (*tp).kind {
            HUI8 | HUI16 | HI32 | HBOOL => {
                let mut v = hl_dyn_casti(data, t, tp);
                return hl_make_dyn((&mut v as *mut i32).cast(), tp).cast();
            }
            HI64 | HGUID => {
                let mut v = hl_dyn_casti64(data, t);
                return hl_make_dyn((&mut v as *mut i64).cast(), tp).cast();
            }
            HF32 => {
                let mut v = hl_dyn_castf(data, t);
                return hl_make_dyn((&mut v as *mut f32).cast(), tp).cast();
            }
            HF64 => {
                let mut v = hl_dyn_castd(data, t);
                return hl_make_dyn((&mut v as *mut f64).cast(), tp).cast();
            }
            _ => {}
        }
    }
    if (*to).kind == HREF {
        let tp = (*to).tparam();
        let noptr = |n: usize| hl_gc_alloc_gen(hlt_bytes.get(), n as i32, mem::KIND_NOPTR | mem::ZERO);
        match (*tp).kind {
            HUI8 | HUI16 | HI32 | HBOOL => {
                let p = noptr(4) as *mut i32;
                *p = hl_dyn_casti(data, t, tp);
                return p.cast();
            }
            HI64 | HGUID => {
                let p = noptr(8) as *mut i64;
                *p = hl_dyn_casti64(data, t);
                return p.cast();
            }
            HF32 => {
                let p = noptr(4) as *mut f32;
                *p = hl_dyn_castf(data, t);
                return p.cast();
            }
            HF64 => {
                let p = noptr(8) as *mut f64;
                *p = hl_dyn_castd(data, t);
                return p.cast();
            }
            _ => {
                let p = hl_gc_alloc_gen(hlt_abstract.get(), size_of::<usize>() as i32, mem::KIND_RAW | mem::ZERO)
                    as *mut *mut c_void;
                *p = hl_dyn_castp(data, t, tp);
                return p.cast();
            }
        }
    }
    invalid_cast(t, to)
}

fn fcompare(a: f32, b: f32) -> i32 {
    let d = a - b;
    if d.is_nan() {
        return if a == b { 0 } else { HL_INVALID_COMPARISON };
    }
    if d == 0.0 {
        0
    } else if d > 0.0 {
        1
    } else {
        -1
    }
}

fn dcompare(a: f64, b: f64) -> i32 {
    let d = a - b;
    if d.is_nan() {
        return if a == b { 0 } else { HL_INVALID_COMPARISON };
    }
    if d == 0.0 {
        0
    } else if d > 0.0 {
        1
    } else {
        -1
    }
}

/// `std@ptr_compare`.
#[no_mangle]
pub extern "C" fn hl_ptr_compare(a: *mut vdynamic, b: *mut vdynamic) -> i32 {
    if a == b {
        0
    } else if a > b {
        1
    } else {
        -1
    }
}

/// `hl_dyn_compare` (also `std@dyn_compare`): 0 when equal, -1/1 when
/// ordered, [`HL_INVALID_COMPARISON`] when incomparable.
#[no_mangle]
pub unsafe extern "C" fn hl_dyn_compare(a: *mut vdynamic, b: *mut vdynamic) -> i32 {
    if a == b {
        return 0;
    }
    if a.is_null() {
        return -1;
    }
    if b.is_null() {
        return 1;
    }
    let (ta, tb) = ((*a).t, (*b).t);
    let (va, vb) = (&(*a).v, &(*b).v);
    let cmp = |x: i64, y: i64| if x == y { 0 } else if x > y { 1 } else { -1 };
    match ((*ta).kind, (*tb).kind) {
        (HUI8, HUI8) => va.ui8 as i32 - vb.ui8 as i32,
        (HUI16, HUI16) => va.ui16 as i32 - vb.ui16 as i32,
        (HI32, HI32) => cmp(va.i as i64, vb.i as i64),
        (HI64, HI64) => cmp(va.i64, vb.i64),
        (HF32, HF32) => fcompare(va.f, vb.f),
        (HF64, HF64) => dcompare(va.d, vb.d),
        (HBOOL, HBOOL) => va.b as i32 - vb.b as i32,
        (HF64, HI32) => dcompare(va.d, vb.i as f64),
        (HI32, HF64) => dcompare(va.i as f64, vb.d),
        (HF64, HF32) => dcompare(va.d, vb.f as f64),
        (HF32, HF64) => dcompare(va.f as f64, vb.d),
        (HOBJ, HOBJ) | (HSTRUCT, HSTRUCT) => {
            if let Some(f) = (*(*(*ta).obj()).rt).compare_fun {
                return f(a, b);
            }
            if a > b {
                1
            } else {
                -1
            }
        }
        (HENUM, HENUM) => {
            if a > b {
                1
            } else {
                -1
            }
        }
        (HTYPE, HTYPE) | (HBYTES, HBYTES) => (va.ptr != vb.ptr) as i32,
        (HOBJ, HVIRTUAL) | (HDYNOBJ, HVIRTUAL) => hl_dyn_compare(a, (*(b as *mut vvirtual)).value),
        (HVIRTUAL, HOBJ) | (HVIRTUAL, HDYNOBJ) => hl_dyn_compare((*(a as *mut vvirtual)).value, b),
        (HFUN, HFUN) => {
            let (ca, cb) = (a as *mut vclosure, b as *mut vclosure);
            if (*ca).has_value == 2 {
                return hl_dyn_compare((*(a as *mut vclosure_wrapper)).wrapped_fun.cast(), b);
            }
            if (*cb).has_value == 2 {
                return hl_dyn_compare(a, (*(b as *mut vclosure_wrapper)).wrapped_fun.cast());
            }
            if (*ca).fun != (*cb).fun {
                return HL_INVALID_COMPARISON;
            }
            hl_dyn_compare((*ca).value.cast(), (*cb).value.cast())
        }
        (HVIRTUAL, HVIRTUAL) => {
            let (x, y) = ((*(a as *mut vvirtual)).value, (*(b as *mut vvirtual)).value);
            if !x.is_null() && !y.is_null() {
                hl_dyn_compare(x, y)
            } else {
                HL_INVALID_COMPARISON
            }
        }
        _ => HL_INVALID_COMPARISON,
    }
}

/// `hl_write_dyn`: stores dynamic `v` converted to `t` at `data`. With
/// `is_tmp`, `v` may live on the stack and is copied if stored as is.
#[no_mangle]
pub unsafe extern "C" fn hl_write_dyn(data: *mut c_void, t: *mut hl_type, v: *mut vdynamic, is_tmp: bool) {
    let mut v = v;
    let pv = (&mut v as *mut *mut vdynamic).cast::<c_void>();
    match (*t).kind {
        HUI8 => *(data as *mut u8) = hl_dyn_casti(pv, hlt_dyn.get(), t) as u8,
        HBOOL => *(data as *mut u8) = (hl_dyn_casti(pv, hlt_dyn.get(), t) != 0) as u8,
        HUI16 => *(data as *mut u16) = hl_dyn_casti(pv, hlt_dyn.get(), t) as u16,
        HI32 => *(data as *mut i32) = hl_dyn_casti(pv, hlt_dyn.get(), t),
        HI64 | HGUID => *(data as *mut i64) = hl_dyn_casti64(pv, hlt_dyn.get()),
        HF32 => *(data as *mut f32) = hl_dyn_castf(pv, hlt_dyn.get()),
        HF64 => *(data as *mut f64) = hl_dyn_castd(pv, hlt_dyn.get()),
        _ => {
            let mut ret: *mut c_void =
                if !v.is_null() && same_type(t, (*v).t) { v.cast() } else { hl_dyn_castp(pv, hlt_dyn.get(), t) };
            if is_tmp && ret == v.cast::<c_void>() {
                let c = hl_alloc_dynamic((*v).t);
                (*c).v = (*v).v;
                ret = c.cast();
            }
            *(data as *mut *mut c_void) = ret;
        }
    }
}

/// `std@value_cast`: `v` if it can be used as a `t`, else an error.
#[no_mangle]
pub unsafe extern "C" fn hl_value_cast(v: *mut vdynamic, t: *mut hl_type) -> *mut vdynamic {
    if (*t).kind == HDYN || v.is_null() || safe_cast((*v).t, t) {
        return v;
    }
    invalid_cast((*v).t, t)
}

/// `std@value_address`.
#[no_mangle]
pub unsafe extern "C" fn hl_value_address(v: *mut vdynamic) -> i64 {
    if !v.is_null() && !is_dynamic((*v).t) {
        (*v).v.ptr as i64
    } else {
        v as i64
    }
}

fn is_number(t: *mut hl_type) -> bool {
    // SAFETY: callers pass a type from the running program's type table.
    unsafe { (*t).kind >= HUI8 && (*t).kind <= HBOOL }
}

/// `hl_dyn_op` (`std@dyn_op`): arithmetic on dynamics (`op` is `OpAdd`..`OpXor`).
#[no_mangle]
pub unsafe extern "C" fn hl_dyn_op(op: i32, a: *mut vdynamic, b: *mut vdynamic) -> *mut vdynamic {
    const NAMES: [&str; 11] = ["+", "-", "*", "%", "/", "<<", ">>", ">>>", "&", "|", "^"];
    if !(0..11).contains(&op) {
        throw_msg(&format!("Invalid op {op}"));
    }
    if a.is_null() && b.is_null() {
        return if op == 3 || op == 4 { dyn_f64(f64::NAN) } else { null_mut() };
    }
    if (a.is_null() || is_number((*a).t)) && (b.is_null() || is_number((*b).t)) {
        let (mut a, mut b) = (a, b);
        let pa = (&mut a as *mut *mut vdynamic).cast::<c_void>();
        let pb = (&mut b as *mut *mut vdynamic).cast::<c_void>();
        let d = hlt_dyn.get();
        let fa = || hl_dyn_castd(pa, d);
        let fb = || hl_dyn_castd(pb, d);
        let ia = || hl_dyn_casti(pa, d, hlt_i32.get());
        let ib = || hl_dyn_casti(pb, d, hlt_i32.get());
        return match op {
            0 => dyn_f64(fa() + fb()),
            1 => dyn_f64(fa() - fb()),
            2 => dyn_f64(fa() * fb()),
            3 => {
                let (x, y) = (fa(), fb());
                dyn_f64(x % y)
            }
            4 => dyn_f64(fa() / fb()),
            5 => dyn_i32(ia().wrapping_shl(ib() as u32)),
            6 => dyn_i32(ia().wrapping_shr(ib() as u32)),
            7 => dyn_i32(((ia() as u32).wrapping_shr(ib() as u32)) as i32),
            8 => dyn_i32(ia() & ib()),
            9 => dyn_i32(ia() | ib()),
            _ => dyn_i32(ia() ^ ib()),
        };
    }
    // libhl reads both types here even when one side is null.
    let tn = |v: *mut vdynamic| if v.is_null() { "null".to_string() } else { type_string((*v).t) };
    throw_msg(&format!("Can't perform dyn op {} {} {}", tn(a), NAMES[op as usize], tn(b)))
}

/// Boxing helper for natives: `hl_make_dyn` of a pointer-sized value.
pub unsafe fn make_dyn_ptr(p: *mut c_void, t: *mut hl_type) -> *mut vdynamic {
    let mut p = p;
    hl_make_dyn((&mut p as *mut *mut c_void).cast(), t)
}
