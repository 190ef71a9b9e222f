//! Dynamic calls into C-ABI functions of any signature (`hl_dyn_call`,
//! `static_call` with stack arguments), closures with a bound value,
//! var-args closures, function wrappers (the assembly trampoline) and
//! `hl_dyn_call_obj`.

mod obj_support;
use hlrt::abi::kind::*;
use hlrt::abi::*;
use hlrt::std::fun::*;
use hlrt::std::obj::*;
use obj_support::*;
use std::ffi::c_void;
use std::ptr::null_mut;

unsafe extern "C" fn mixed(a: i32, d: f64, s: *const u16, f: f32, b: bool, l: i64, u8v: u8) -> f64 {
    let text = obj_support::s(s);
    a as f64 + d + text.len() as f64 * 1000.0 + f as f64 + if b { 0.5 } else { 0.0 } + l as f64 * 1e6 + u8v as f64 * 1e-3
}

#[test]
fn dyn_call_converts_and_boxes() {
    unsafe {
        let t = fun_type(
            &[prim(HI32), prim(HF64), prim(HBYTES), prim(HF32), prim(HBOOL), prim(HI64), prim(HUI8)],
            prim(HF64),
        );
        let c = hl_alloc_closure_void(t, mixed as *mut c_void);
        let mut args = [
            boxed_f64(7.9), // truncated to 7
            boxed_i32(2),   // widened to 2.0
            boxed_bytes("abc"),
            boxed_f64(0.25),
            hl_alloc_dynbool(true),
            boxed_i32(3),
            boxed_i32(200),
        ];
        let r = hl_dyn_call(c, args.as_mut_ptr(), 7);
        assert_eq!((*(*r).t).kind, HF64);
        assert_eq!((*r).v.d, 7.0 + 2.0 + 3000.0 + 0.25 + 0.5 + 3e6 + 0.2);
        // Null arguments become zeros.
        let mut args2 = [null_mut(), null_mut(), boxed_bytes(""), null_mut(), null_mut(), null_mut(), null_mut()];
        assert_eq!((*hl_dyn_call(c, args2.as_mut_ptr(), 7)).v.d, 0.0);
    }
}

unsafe extern "C" fn many(
    a0: i32, a1: i64, a2: i32, a3: i32, a4: i32, a5: i32, a6: i32, a7: i32, a8: i32, a9: i32,
    d0: f64, d1: f32, d2: f64, d3: f64, d4: f64, d5: f64, d6: f64, d7: f64, d8: f32, d9: f64,
    last: *const u16,
) -> i64 {
    let ints = [a0 as i64, a1, a2 as i64, a3 as i64, a4 as i64, a5 as i64, a6 as i64, a7 as i64, a8 as i64, a9 as i64];
    let fl = [d0, d1 as f64, d2, d3, d4, d5, d6, d7, d8 as f64, d9];
    let mut h = 0i64;
    for (i, v) in ints.iter().enumerate() {
        h = h.wrapping_mul(31).wrapping_add(v.wrapping_mul(i as i64 + 1));
    }
    for (i, v) in fl.iter().enumerate() {
        h = h.wrapping_mul(31).wrapping_add((*v * 4.0) as i64 * (i as i64 + 1));
    }
    h.wrapping_mul(10) + obj_support::s(last).len() as i64
}

#[test]
fn static_call_with_stack_arguments() {
    unsafe {
        let mut args_t = vec![prim(HI32), prim(HI64)];
        args_t.extend([prim(HI32); 8]);
        args_t.extend([prim(HF64), prim(HF32)]);
        args_t.extend([prim(HF64); 6]);
        args_t.extend([prim(HF32), prim(HF64), prim(HBYTES)]);
        let t = fun_type(&args_t, prim(HI64));
        let mut ints: Vec<i64> = (0..10).map(|i| i * 3 - 7).collect();
        ints[1] = -1 << 40;
        let mut i32s: Vec<i32> = ints.iter().map(|&v| v as i32).collect();
        let mut fl: Vec<f64> = (0..10).map(|i| i as f64 * 1.25 - 3.0).collect();
        let mut f32s: Vec<f32> = fl.iter().map(|&v| v as f32).collect();
        let text = u("hello");
        let mut ptrs: Vec<*mut c_void> = Vec::new();
        for i in 0..10 {
            ptrs.push(if i == 1 { (&mut ints[1] as *mut i64).cast() } else { (&mut i32s[i] as *mut i32).cast() });
        }
        for i in 0..10 {
            ptrs.push(if i == 1 || i == 8 { (&mut f32s[i] as *mut f32).cast() } else { (&mut fl[i] as *mut f64).cast() });
        }
        ptrs.push(text as *mut c_void);
        let mut out = vdynamic { t: null_mut(), v: vdynamic_value { i64: 0 } };
        let r = static_call(many as *mut c_void, t, ptrs.as_mut_ptr(), &mut out);
        let expect = many(
            i32s[0], ints[1], i32s[2], i32s[3], i32s[4], i32s[5], i32s[6], i32s[7], i32s[8], i32s[9],
            fl[0], f32s[1], fl[2], fl[3], fl[4], fl[5], fl[6], fl[7], f32s[8], fl[9], text,
        );
        assert_eq!(*(r as *const i64), expect);
        assert_eq!(out.v.i64, expect);
    }
}

unsafe extern "C" fn add_to_obj(this: *mut vdynamic, x: i32) -> i32 {
    (*this).v.i + x
}

unsafe extern "C" fn ret_f32(x: f32) -> f32 {
    x * 2.0
}

#[test]
fn closures_with_values_and_f32_results() {
    unsafe {
        let full = fun_type(&[prim(HDYN), prim(HI32)], prim(HI32));
        let base = boxed_i32(1000);
        let c = hl_alloc_closure_ptr(full, add_to_obj as *mut c_void, base.cast());
        assert_eq!((*(*(*c).t).fun()).nargs, 1);
        assert_eq!((*(*(*c).t).fun()).parent, full);
        let mut args = [boxed_i32(5)];
        let r = hl_dyn_call(c, args.as_mut_ptr(), 1);
        assert_eq!(((*(*r).t).kind, (*r).v.i), (HI32, 1005));
        assert_eq!(hl_get_closure_value(c.cast()), base);
        let nc = hl_no_closure(c.cast()) as *mut vclosure;
        assert_eq!(((*nc).has_value, (*nc).t), (0, full));
        // A boxed Int is not a dynamic value for `make_closure`; a Null<Int> box is.
        assert!(hl_make_closure(nc.cast(), boxed_i32(1)).is_null());
        let nb = hl_alloc_dynamic(null_of(prim(HI32)));
        (*nb).v.i = 1;
        let mc = hl_make_closure(nc.cast(), nb);
        let mut args = [boxed_i32(2)];
        assert_eq!((*hl_dyn_call(mc.cast(), args.as_mut_ptr(), 1)).v.i, 3);
        assert!(hl_fun_compare(c.cast(), c.cast()));
        assert!(!hl_fun_compare(c.cast(), mc));

        let t = fun_type(&[prim(HF32)], prim(HF32));
        let f = hl_alloc_closure_void(t, ret_f32 as *mut c_void);
        let mut args = [boxed_f64(1.25)];
        let r = hl_dyn_call(f, args.as_mut_ptr(), 1);
        assert_eq!(((*(*r).t).kind, (*r).v.f), (HF32, 2.5f32));
    }
}

unsafe extern "C" fn sum_args(a: *mut varray) -> *mut vdynamic {
    let mut t = 0.0;
    for i in 0..(*a).size as usize {
        let mut d = *(varray::data(a) as *mut *mut vdynamic).add(i);
        t += hlrt::std::cast::hl_dyn_castd((&mut d as *mut *mut vdynamic).cast(), hlt_dyn.get());
    }
    boxed_f64(t)
}

#[test]
fn var_args_closures_receive_an_array() {
    unsafe {
        let cb_t = fun_type(&[prim(HARRAY)], prim(HDYN));
        let cb = hl_alloc_closure_void(cb_t, sum_args as *mut c_void);
        let va = hl_make_var_args(cb) as *mut vclosure;
        let mut args = [boxed_i32(1), boxed_f64(2.5), boxed_i32(3)];
        assert_eq!((*hl_dyn_call(va, args.as_mut_ptr(), 3)).v.d, 6.5);
        assert!(hl_get_closure_value(va.cast()).is_null());
        // Typed as (i32, f64) -> f64 through a wrapper.
        let to = fun_type(&[prim(HI32), prim(HF64)], prim(HF64));
        let w = hl_make_fun_wrapper(va, to);
        let f: unsafe extern "C" fn(*mut c_void, i32, f64) -> f64 = std::mem::transmute((*w).fun);
        assert_eq!(f((*w).value, 4, 0.5), 4.5);
    }
}

unsafe extern "C" fn scale(x: f64, by: *mut vdynamic) -> *mut vdynamic {
    let k = if by.is_null() { 1.0 } else { (*by).v.i as f64 };
    boxed_f64(x * k)
}

#[test]
fn wrappers_convert_arguments_and_results() {
    unsafe {
        let ft = fun_type(&[prim(HF64), prim(HDYN)], prim(HDYN));
        let c = hl_alloc_closure_void(ft, scale as *mut c_void);
        // (i32, Null<Int>) -> i32 view of (f64, dyn) -> dyn.
        let to = fun_type(&[prim(HI32), null_of(prim(HI32))], prim(HI32));
        let w = hlrt::std::cast::hl_dyn_castp((&mut { c } as *mut *mut vclosure).cast(), ft, to) as *mut vclosure;
        assert_eq!((*w).has_value, 2);
        assert_eq!((*w).t, to);
        let f: unsafe extern "C" fn(*mut c_void, i32, *mut vdynamic) -> i32 = std::mem::transmute((*w).fun);
        assert_eq!(f((*w).value, 7, boxed_i32(3)), 21);
        assert_eq!(f((*w).value, 7, null_mut()), 7);
        // f32 in, f32 out, through the FP registers of the trampoline.
        let to2 = fun_type(&[prim(HF32), prim(HDYN)], prim(HF32));
        let w2 = hl_make_fun_wrapper(c, to2);
        let g: unsafe extern "C" fn(*mut c_void, f32, *mut vdynamic) -> f32 = std::mem::transmute((*w2).fun);
        assert_eq!(g((*w2).value, 1.5, boxed_i32(3)), 4.5);
        // Arity mismatch: no wrapper.
        assert!(hl_make_fun_wrapper(c, fun_type(&[prim(HF64)], prim(HDYN))).is_null());
        // (libhl's `hl_dyn_call` refuses wrappers of typed closures: "Can't call closure with value".)
        assert_eq!(hlrt::std::cast::hl_dyn_compare(w.cast(), c.cast()), 0);
    }
}

unsafe extern "C" fn many_wrapped(a: *mut vdynamic, b: *mut vdynamic, c: *mut vdynamic, d: *mut vdynamic, e: *mut vdynamic, f: *mut vdynamic, g: *mut vdynamic, h: *mut vdynamic, i: *mut vdynamic) -> *mut vdynamic {
    let all = [a, b, c, d, e, f, g, h, i];
    let mut t = 0.0;
    for (k, v) in all.iter().enumerate() {
        let mut v = *v;
        t += (k as f64 + 1.0) * hlrt::std::cast::hl_dyn_castd((&mut v as *mut *mut vdynamic).cast(), hlt_dyn.get());
    }
    boxed_f64(t)
}

#[test]
fn wrapper_reads_stack_arguments() {
    unsafe {
        let ft = fun_type(&[prim(HDYN); 9], prim(HDYN));
        let c = hl_alloc_closure_void(ft, many_wrapped as *mut c_void);
        // 9 ints: 5 in registers after the wrapper itself on x86-64, the rest on the stack.
        let to = fun_type(&[prim(HI32); 9], prim(HF64));
        let w = hl_make_fun_wrapper(c, to);
        let f: unsafe extern "C" fn(*mut c_void, i32, i32, i32, i32, i32, i32, i32, i32, i32) -> f64 = std::mem::transmute((*w).fun);
        assert_eq!(f((*w).value, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1..=9).map(|k| (k * k) as f64).sum::<f64>());
        // 9 floats: 8 in registers, one on the stack.
        let to = fun_type(&[prim(HF64); 9], prim(HF64));
        let w = hl_make_fun_wrapper(c, to);
        let f: unsafe extern "C" fn(*mut c_void, f64, f64, f64, f64, f64, f64, f64, f64, f64) -> f64 = std::mem::transmute((*w).fun);
        assert_eq!(f((*w).value, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5), (1..=9).map(|k| (k * k) as f64 * 0.5).sum::<f64>());
    }
}

#[test]
fn dyn_call_obj_calls_closure_fields() {
    unsafe {
        let ft = fun_type(&[prim(HF64), prim(HDYN)], prim(HDYN));
        let c = hl_alloc_closure_void(ft, scale as *mut c_void);
        let o = hl_alloc_dynobj() as *mut vdynamic;
        hl_dyn_setp(o, hn("f"), ft, c.cast());
        let call_t = fun_type(&[prim(HI32), prim(HDYN)], prim(HF64));
        let mut x = 4i32;
        let mut args: [*mut c_void; 2] = [(&mut x as *mut i32).cast(), boxed_i32(5).cast()];
        let mut ret = vdynamic { t: null_mut(), v: vdynamic_value { i64: 0 } };
        hl_dyn_call_obj(o, call_t, h("f"), args.as_mut_ptr(), &mut ret);
        assert_eq!(ret.v.d, 20.0);
    }
}
