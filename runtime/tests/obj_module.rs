//! The loader's runtime data for real programs (golden modules loaded with
//! fake, never-called function pointers: `0x10000 + findex`), and the object
//! model on top of it: allocation with bindings, method tables, dynamic
//! field access on classes, enums, interfaces as virtuals.

mod obj_support;
use hlrt::abi::kind::*;
use hlrt::abi::*;
use hlrt::module::Program;
use hlrt::std::enums::*;
use hlrt::std::obj::*;
use obj_support::*;
use std::ptr::null_mut;

/// The findex of method `name` of class `cls` (its proto).
fn proto_findex(p: &Program, cls: &str, name: &str) -> usize {
    for t in &p.main.module.types {
        if let hlbc::Type::Obj(o) = t {
            if p.main.module.str(o.name) == cls {
                for pr in &o.protos {
                    if p.main.module.str(pr.name) == name {
                        return pr.findex.idx();
                    }
                }
            }
        }
    }
    panic!("no {cls}.{name}")
}

unsafe fn lookup(t: *mut hl_type, name: &str) -> *mut hl_field_lookup {
    obj_resolve_field((*t).obj(), h(name))
}

#[test]
fn class_runtime_data_follows_hashlink() {
    let p = load_fake("reflection");
    unsafe {
        let animal = find_type(p, "Animal");
        let bird = find_type(p, "Bird");
        let (art, brt) = ((*(*animal).obj()).rt, (*(*bird).obj()).rt);
        assert_eq!((*brt).parent, art);
        assert_eq!((*brt).nfields, (*art).nfields + 1);
        // `speak` is Animal's method slot; Bird's override takes it over.
        let speak = lookup(bird, "speak");
        assert!((*speak).field_index < 0);
        assert!(!lookup_find((*art).lookup, (*art).nlookup, h("speak")).is_null());
        assert!(lookup_find((*brt).lookup, (*brt).nlookup, h("speak")).is_null(), "overrides are not in the child's lookup");
        let si = (-(*speak).field_index - 1) as usize;
        assert_eq!(*(*art).methods.add(si) as usize, FAKE + proto_findex(p, "Animal", "speak"));
        assert_eq!(*(*brt).methods.add(si) as usize, FAKE + proto_findex(p, "Bird", "speak"));
        let fly = lookup(bird, "fly");
        assert_eq!(*(*brt).methods.add((-(*fly).field_index - 1) as usize) as usize, FAKE + proto_findex(p, "Bird", "fly"));
        assert_eq!((*brt).nmethods, (*art).nmethods + 1);
        // Fields: offsets after the header, the child's after the parent's.
        let legs = lookup(bird, "legs");
        assert_eq!((*(*legs).t).kind, HI32);
        assert_eq!((*legs).field_index, *(*art).fields_indexes.add(1));
        let can_fly = lookup(bird, "canFly");
        assert_eq!((*can_fly).field_index, *(*brt).fields_indexes.add(2));
        // Instance: fields by name, class name as text.
        let b = hl_alloc_obj(bird);
        assert_eq!((*b).t, bird);
        hl_dyn_seti(b, h("legs"), hlt_i32.get(), 2);
        hl_dyn_seti(b, h("canFly"), hlt_i32.get(), 1);
        assert_eq!(hl_dyn_geti(b, h("legs"), hlt_i32.get()), 2);
        assert_eq!(hl_dyn_getd(b, h("legs")), 2.0);
        assert_eq!(*((b as *mut u8).add((*can_fly).field_index as usize)), 1);
        assert!(hl_obj_has_field(b, h("name")));
        assert!(!hl_obj_has_field(b, h("speak")));
        let f = hl_obj_fields(b);
        let names: Vec<String> = (0..(*f).size as usize).map(|i| s(*(varray::data(f) as *const *const u16).add(i))).collect();
        assert_eq!(names, ["canFly", "name", "legs"]);
        assert_eq!(to_str(b), "Bird");
        // A method read as a field is a closure bound to the object.
        let c = hl_dyn_getp(b, h("fly"), hlt_dyn.get()) as *mut vclosure;
        assert_eq!((*c).has_value, 1);
        assert_eq!((*c).value, b.cast());
        assert_eq!((*c).fun as usize, FAKE + proto_findex(p, "Bird", "fly"));
        assert_eq!((*(*(*c).t).fun()).nargs, 1);
        assert_eq!(s(hlrt::std::types::hl_type_str((*c).t)), "(String (i32))");
        // Virtual table by pindex.
        assert!(!(*bird).vobj_proto.is_null());
        // Reflection natives.
        assert_eq!(hlrt::std::types::hl_type_super(bird), animal);
        assert_eq!(s(hlrt::std::types::hl_type_name(bird) as *const u16), "Bird");
    }
}

#[test]
fn class_objects_get_their_static_bindings() {
    let p = load_fake("reflection");
    unsafe {
        let cls = find_type(p, "$Animal");
        let o = &*(*cls).obj();
        let rt = &*o.rt;
        assert!(rt.nbindings > 0);
        let v = hl_alloc_obj(cls);
        let mut statics = 0;
        for k in 0..rt.nbindings as usize {
            let b = &*rt.bindings.add(k);
            let slot = *((v as *mut u8).add(*rt.fields_indexes.add(b.fid as usize) as usize) as *mut *mut vclosure);
            assert!(!slot.is_null());
            if b.closure.is_null() {
                // A static function: the same shared closure in every instance.
                assert_eq!(slot.cast(), b.ptr);
                assert_eq!((*slot).has_value, 0);
                assert!((*slot).fun as usize >= FAKE);
                statics += 1;
            } else {
                assert_eq!((*slot).has_value, 1);
                assert_eq!((*slot).value, v.cast());
            }
        }
        assert!(statics > 0);
        let create = hl_dyn_getp(v, h("create"), hlt_dyn.get()) as *mut vclosure;
        assert!(!create.is_null());
        assert_eq!((*create).has_value, 0);
    }
}

#[test]
fn enums_print_compare_and_reflect() {
    let p = load_fake("reflection");
    unsafe {
        let suit = find_type(p, "Suit");
        let names = hlrt::std::enums::hl_type_enum_fields(suit);
        let n: Vec<String> = (0..(*names).size as usize).map(|i| s(*(varray::data(names) as *const *const u16).add(i))).collect();
        assert_eq!(n, ["Hearts", "Spades", "Custom"]);
        let a = hl_alloc_enum(suit, 2);
        let c = &*construct(suit, 2);
        *((a as *mut u8).add(*c.offsets.add(1) as usize) as *mut i32) = 15;
        assert_eq!(to_str(a.cast()), "Custom(null,15)");
        let args = hlrt::std::types::new_array(hlt_dyn.get(), 2);
        *(varray::data(args) as *mut *mut vdynamic).add(1) = boxed_f64(15.0);
        let b = hl_alloc_enum_dyn(suit, 2, args, 2);
        assert!(!b.is_null());
        assert!(hl_type_enum_eq(a, b));
        *((b as *mut u8).add(*c.offsets.add(1) as usize) as *mut i32) = 14;
        assert!(!hl_type_enum_eq(a, b));
        assert!(hl_alloc_enum_dyn(suit, 2, args, 1).is_null(), "rank is not nullable");
        let params = hl_enum_parameters(a);
        assert_eq!(to_str(params.cast()), "[null, 15]");
        let vals = hl_type_enum_values(suit);
        assert_eq!(to_str(vals.cast()), "[Hearts, Spades, null]");
        assert_eq!(s(hlrt::std::types::hl_type_str(suit)), "enum<Suit>");
    }
    // Floats inside enums print with 17 digits (golden/enums: `Named(ink,0.90000000000000002)`).
    let p = load_fake("enums");
    unsafe {
        let color = find_type(p, "Color");
        let e = hl_alloc_enum(color, 4);
        let c = &*construct(color, 4);
        *((e as *mut u8).add(*c.offsets.add(1) as usize) as *mut *mut vdynamic) = boxed_f64(0.9);
        assert_eq!(to_str(e.cast()), "Named(null,0.90000000000000002)");
        let red = hl_alloc_enum(color, 0);
        assert_eq!(to_str(red.cast()), "Red");
    }
}

#[test]
fn objects_viewed_through_interface_virtuals() {
    let p = load_fake("classes");
    unsafe {
        let circle = find_type(p, "Circle");
        // The virtual type with fields `area` and `name` (interface Shape).
        let mut vt = null_mut();
        for (i, t) in p.main.module.types.iter().enumerate() {
            if let hlbc::Type::Virtual(v) = t {
                let names: Vec<String> = v.fields.iter().map(|f| p.main.module.str(f.name).into_owned()).collect();
                if names == ["area", "name"] {
                    vt = p.main.ty(hlbc::TypeIdx(i as u32));
                }
            }
        }
        let c = hl_alloc_obj(circle);
        hl_dyn_setd(c, h("r"), 2.0);
        if !vt.is_null() {
            let v = hl_to_virtual(vt, c);
            assert_eq!((*v).value, c);
            assert_eq!(hl_to_virtual(vt, c), v, "cached in the class's interface field");
        }
        // A virtual with a data field addresses the object's storage.
        let rv = virtual_type(&[("r", prim(HF64))]);
        let v = hl_to_virtual(rv, c);
        assert_eq!(*(*vfields(v) as *const f64), 2.0);
        *(*vfields(v) as *mut f64) = 3.5;
        assert_eq!(hl_dyn_getd(c, h("r")), 3.5);
        assert_eq!(hl_dyn_getd(v.cast(), h("r")), 3.5);
        // A field of another type is not mapped.
        let iv = virtual_type(&[("r", prim(HI32))]);
        let w = hl_to_virtual(iv, c);
        assert!((*vfields(w)).is_null());
    }
}
