//! Dynamic objects, virtuals, casts, comparisons and value-to-string on
//! hand-built values. Expected texts are what HashLink 1.17 prints.

mod obj_support;
use hlrt::abi::kind::*;
use hlrt::abi::*;
use hlrt::std::cast::*;
use hlrt::std::obj::*;
use hlrt::std::tostring::*;
use obj_support::*;
use std::ptr::null_mut;

#[test]
fn dynobj_fields_keep_declaration_order_and_types() {
    unsafe {
        let o = hl_alloc_dynobj() as *mut vdynamic;
        hl_dyn_seti(o, hn("zeta"), hlt_i32.get(), 5);
        hl_dyn_setp(o, hn("name"), hlt_bytes.get(), u("Ann") as *mut _);
        hl_dyn_setd(o, hn("alpha"), 0.9);
        hl_dyn_setp(o, hn("inner"), hlt_dyn.get(), boxed_i32(300).cast());
        hl_dyn_setp(o, hn("none"), hlt_dyn.get(), null_mut());
        assert_eq!(to_str(o), "{zeta : 5, name : Ann, alpha : 0.90000000000000002, inner : 300, none : null}");
        assert_eq!(hl_dyn_geti(o, h("zeta"), hlt_i32.get()), 5);
        assert_eq!(hl_dyn_getd(o, h("zeta")), 5.0);
        assert_eq!(hl_dyn_geti(o, h("alpha"), hlt_i32.get()), 0);
        assert_eq!(hl_dyn_geti(o, h("inner"), hlt_i32.get()), 300);
        assert_eq!(hl_dyn_geti(o, h("missing"), hlt_i32.get()), 0);
        assert!(hl_dyn_getp(o, h("missing"), hlt_dyn.get()).is_null());
        // A field read as dynamic is boxed with its own type.
        let z = hl_dyn_getp(o, h("zeta"), hlt_dyn.get()) as *mut vdynamic;
        assert_eq!((*(*z).t).kind, HI32);
        assert_eq!((*z).v.i, 5);
        // Re-typing a field to another size moves it last (checked with hl 1.17).
        hl_dyn_setd(o, h("zeta"), 2.5);
        assert_eq!(to_str(o), "{name : Ann, alpha : 0.90000000000000002, inner : 300, none : null, zeta : 2.5}");
        hl_dyn_seti(o, h("zeta"), hlt_i32.get(), 3);
        hl_dyn_setd(o, h("zeta"), 2.5);
        // Deleting and re-adding moves it last.
        assert!(hl_obj_delete_field(o, h("name")));
        assert!(!hl_obj_delete_field(o, h("name")));
        assert!(!hl_obj_has_field(o, h("name")));
        assert!(hl_obj_has_field(o, h("alpha")));
        hl_dyn_setp(o, h("name"), hlt_bytes.get(), u("Bob") as *mut _);
        assert_eq!(to_str(o), "{alpha : 0.90000000000000002, inner : 300, none : null, zeta : 2.5, name : Bob}");
        let f = hl_obj_fields(o);
        let names: Vec<String> = (0..(*f).size as usize).map(|i| s(*(varray::data(f) as *const *const u16).add(i))).collect();
        assert_eq!(names, ["alpha", "inner", "none", "zeta", "name"]);
        let c = hl_obj_copy(o);
        hl_dyn_seti(c, h("zeta"), hlt_i32.get(), 1);
        assert_eq!(to_str(c), "{alpha : 0.90000000000000002, inner : 300, none : null, name : Bob, zeta : 1}");
        assert_eq!(hl_dyn_getd(o, h("zeta")), 2.5);
    }
}

#[test]
fn obj_set_field_and_get_field_box_values() {
    unsafe {
        let o = hl_alloc_dynobj() as *mut vdynamic;
        hl_obj_set_field(o, hn("k"), boxed_f64(2.0));
        hl_obj_set_field(o, hn("b"), hl_alloc_dynbool(true));
        hl_obj_set_field(o, hn("n"), null_mut());
        assert_eq!(to_str(o), "{k : 2, b : true, n : null}");
        let k = hl_obj_get_field(o, h("k"));
        assert_eq!((*(*k).t).kind, HF64);
        assert!(hl_obj_get_field(boxed_i32(3), h("k")).is_null());
        assert!(hl_obj_get_field(null_mut(), h("k")).is_null());
    }
}

#[test]
fn virtual_over_dynobj_shares_storage_and_recasts_ints() {
    unsafe {
        let vt = virtual_type(&[("x", prim(HF64)), ("y", prim(HI32)), ("s", prim(HBYTES))]);
        let o = hl_alloc_dynobj() as *mut vdynamic;
        hl_dyn_seti(o, hn("x"), hlt_i32.get(), 3); // an Int where the virtual wants a Float
        hl_dyn_seti(o, hn("y"), hlt_i32.get(), 4);
        let v = hl_to_virtual(vt, o);
        assert_eq!(hl_to_virtual(vt, o), v, "cached per virtual type");
        let f = vfields(v);
        // x was recast to a float so the virtual can address it.
        assert!(!(*f).is_null());
        assert_eq!(*(*f as *const f64), 3.0);
        assert_eq!(*(*f.add(1) as *const i32), 4);
        assert!((*f.add(2)).is_null());
        // Writes through the dynobj are seen by the virtual and vice versa.
        hl_dyn_seti(o, h("y"), hlt_i32.get(), 40);
        assert_eq!(*(*vfields(v).add(1) as *const i32), 40);
        hl_dyn_setp(v.cast(), h("s"), hlt_bytes.get(), u("hey") as *mut _);
        assert!(!(*vfields(v).add(2)).is_null());
        // The recast re-added x after y (as hl 1.17 prints `{y : 4, x : 3}`).
        assert_eq!(to_str(v.cast()), "{y : 40, x : 3, s : hey}");
        assert_eq!(hl_dyn_compare(v.cast(), o), 0);
        assert_eq!(hl_get_virtual_value(v.cast()), o);
    }
}

#[test]
fn standalone_virtual_becomes_a_dynobj_on_new_field() {
    unsafe {
        let vt = virtual_type(&[("a", prim(HI32)), ("b", prim(HBYTES))]);
        let v = hl_alloc_virtual(vt);
        *(*vfields(v) as *mut i32) = 7;
        hl_dyn_setp(v.cast(), h("b"), hlt_bytes.get(), u("bee") as *mut _);
        assert!((*v).value.is_null());
        // Virtual fields print in lookup (hash) order: "a" < "b".
        assert_eq!(to_str(v.cast()), "{a : 7, b : bee}");
        hl_dyn_setd(v.cast(), hn("c"), 1.5);
        assert!(!(*v).value.is_null());
        assert_eq!((*(*(*v).value).t).kind, HDYNOBJ);
        assert_eq!(to_str(v.cast()), "{a : 7, b : bee, c : 1.5}");
        *(*vfields(v) as *mut i32) = 8;
        assert_eq!(hl_dyn_geti((*v).value, h("a"), hlt_i32.get()), 8);
    }
}

#[test]
fn casts_between_numbers_and_dynamics() {
    unsafe {
        let mut d = boxed_f64(-2.75);
        let pd = (&mut d as *mut *mut vdynamic).cast();
        assert_eq!(hl_dyn_casti(pd, hlt_dyn.get(), hlt_i32.get()), -2);
        assert_eq!(hl_dyn_casti64(pd, hlt_dyn.get()), -2);
        assert_eq!(hl_dyn_castf(pd, hlt_dyn.get()), -2.75f32);
        let mut big = boxed_f64(1e20);
        assert_eq!(hl_dyn_casti((&mut big as *mut *mut vdynamic).cast(), hlt_dyn.get(), hlt_i32.get()), i32::MIN);
        let mut n: *mut vdynamic = null_mut();
        assert_eq!(hl_dyn_castd((&mut n as *mut *mut vdynamic).cast(), hlt_dyn.get()), 0.0);
        // Boxing to Null<Int> from a float converts.
        let ni = null_of(prim(HI32));
        let r = hl_dyn_castp(pd, hlt_dyn.get(), ni) as *mut vdynamic;
        assert_eq!((*(*r).t).kind, HI32);
        assert_eq!((*r).v.i, -2);
        // Small ints are shared, others are not.
        assert_eq!(boxed_i32(100), boxed_i32(100));
        assert_ne!(boxed_i32(1000), boxed_i32(1000));
        assert_eq!(hl_alloc_dynbool(true), hl_alloc_dynbool(true));
        // A typed value to dynamic.
        let mut x = 12i32;
        let r = hl_dyn_castp((&mut x as *mut i32).cast(), hlt_i32.get(), hlt_dyn.get()) as *mut vdynamic;
        assert_eq!((*r).v.i, 12);
        // write_dyn copies temporaries.
        let mut tmp = vdynamic { t: hlt_f64.get(), v: vdynamic_value { d: 4.5 } };
        let mut slot: *mut vdynamic = null_mut();
        hl_write_dyn((&mut slot as *mut *mut vdynamic).cast(), hlt_dyn.get(), &mut tmp, true);
        assert_ne!(slot, &mut tmp as *mut vdynamic);
        assert_eq!((*slot).v.d, 4.5);
    }
}

#[test]
fn dynamic_comparisons() {
    unsafe {
        assert_eq!(hl_dyn_compare(boxed_i32(5), boxed_f64(5.0)), 0);
        assert_eq!(hl_dyn_compare(boxed_i32(5), boxed_f64(2.5)), 1);
        assert_eq!(hl_dyn_compare(boxed_f64(2.5), boxed_i32(5)), -1);
        assert_eq!(hl_dyn_compare(boxed_f64(f64::NAN), boxed_f64(1.0)), HL_INVALID_COMPARISON);
        assert_eq!(hl_dyn_compare(boxed_f64(f64::INFINITY), boxed_f64(f64::INFINITY)), 0);
        assert_eq!(hl_dyn_compare(null_mut(), boxed_i32(1)), -1);
        assert_eq!(hl_dyn_compare(boxed_i32(1), null_mut()), 1);
        assert_eq!(hl_dyn_compare(boxed_bytes("a"), boxed_bytes("a")), 1, "bytes compare by address");
        assert_eq!(hl_dyn_compare(boxed_i32(1), boxed_bytes("a")), HL_INVALID_COMPARISON);
        assert_eq!(hl_dyn_compare(hl_alloc_dynbool(true), hl_alloc_dynbool(false)), 1);
    }
}

#[test]
fn dynamic_arithmetic() {
    unsafe {
        let r = hl_dyn_op(0, boxed_i32(5), boxed_i32(2));
        assert_eq!((*(*r).t).kind, HF64);
        assert_eq!((*r).v.d, 7.0);
        assert_eq!((*hl_dyn_op(4, boxed_i32(5), boxed_i32(2))).v.d, 2.5);
        assert_eq!((*hl_dyn_op(3, boxed_f64(-5.5), boxed_i32(2))).v.d, -1.5);
        let sh = hl_dyn_op(5, boxed_i32(3), boxed_i32(4));
        assert_eq!(((*(*sh).t).kind, (*sh).v.i), (HI32, 48));
        assert_eq!((*hl_dyn_op(7, boxed_i32(-1), boxed_i32(28))).v.i, 15);
        assert!(hl_dyn_op(0, null_mut(), null_mut()).is_null());
        assert!((*hl_dyn_op(4, null_mut(), null_mut())).v.d.is_nan());
        assert_eq!((*hl_dyn_op(2, null_mut(), boxed_i32(3))).v.d, 0.0);
    }
}

#[test]
fn to_string_of_basic_values() {
    unsafe {
        assert_eq!(to_str(null_mut()), "null");
        assert_eq!(to_str(hl_alloc_dynbool(false)), "false");
        assert_eq!(to_str(boxed_i32(-7)), "-7");
        assert_eq!(to_str(boxed_f64(0.1)), "0.10000000000000001");
        assert_eq!(to_str(boxed_f64(1e21)), "1e+21");
        assert_eq!(to_str(boxed_f64(-0.0)), "-0");
        let mut f = 0.1f32;
        assert_eq!(to_str(hl_make_dyn((&mut f as *mut f32).cast(), hlt_f32.get())), "0.100000001");
        let mut l = -5_000_000_000i64;
        assert_eq!(to_str(hl_make_dyn((&mut l as *mut i64).cast(), hlt_i64.get())), "-5000000000");
        assert_eq!(to_str(boxed_bytes("héllo")), "héllo");
        // value_to_string prints floats as Std.string does.
        let mut len = 0;
        let p = hl_value_to_string(boxed_f64(0.1), &mut len);
        assert_eq!((s(p as *const u16), len), ("0.1".to_string(), 3));
        let p = hl_value_to_string(boxed_f64(f64::NAN), &mut len);
        assert_eq!(s(p as *const u16), "NaN");
        let p = hl_value_to_string(null_mut(), &mut len);
        assert_eq!((s(p as *const u16), len), ("null".to_string(), 4));
        // A native array of ints and one of dynamics.
        let a = hlrt::std::types::new_array(hlt_i32.get(), 3);
        for i in 0..3 {
            *(varray::data(a) as *mut i32).add(i) = i as i32 * 10;
        }
        assert_eq!(to_str(a.cast()), "[0, 10, 20]");
        let b = hlrt::std::types::new_array(hlt_dyn.get(), 2);
        *(varray::data(b) as *mut *mut vdynamic) = a.cast();
        assert_eq!(to_str(b.cast()), "[[0, 10, 20], null]");
        *(varray::data(b) as *mut *mut vdynamic).add(1) = b.cast();
        assert_eq!(to_str(b.cast()), "[[0, 10, 20], ...]");
        // A type value.
        let vt = virtual_type(&[("x", prim(HI32)), ("f", fun_type(&[prim(HF64)], prim(HBOOL)))]);
        let td = hl_alloc_dynamic(prim(HTYPE));
        (*td).v.ptr = vt.cast();
        assert_eq!(to_str(td), "virtual<x:i32,f:(bool (f64))>");
        assert_eq!(s(hlrt::std::types::hl_type_str(null_of(prim(HF64)))), "null<f64>");
        assert_eq!(s(hlrt::std::types::hl_type_str(hlt_dyn.get())), "dynamic");
    }
}
