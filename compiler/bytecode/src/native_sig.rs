//! HashLink's signature strings for natives: what `DEFINE_PRIM` stores in a
//! library's `hlp_<name>` entry (`_FUN(ret, args)` of `hl.h`) and what the
//! reference VM's module loader derives from the bytecode type to compare
//! with it before binding a native.
//!
//! Each type is one character, indexed by its `hl_type_kind` (`TYPE_STR`,
//! `"vcsilfdbBDPOATR??X?N?S?g"`), followed by:
//! - functions: the argument types, `_`, the return type (`P` args `_` ret);
//! - references and nullables: the parameter type (`R`t, `N`t);
//! - objects: every field type, the super class's first, then `_`;
//! - abstracts: the name (UTF-8, at most 99 bytes), then `_`.
//!
//! Other kinds (virtuals, enums, structs, ...) are the single character.
//!
//! Also here: the C symbol HL/C gives a native ([`native_symbol`]).

use crate::{Module, Type, TypeIdx};

/// The C symbol of native `lib@name`, as HL/C names it: `lib_name`, with
/// `std` named `hl`; an optional library (`?lib`) is named without its `?`.
pub fn native_symbol(lib: &str, name: &str) -> String {
    let lib = lib.strip_prefix('?').unwrap_or(lib);
    let lib = if lib == "std" { "hl" } else { lib };
    format!("{lib}_{name}")
}

/// Whether a native's library is optional (`?lib`): when no library provides
/// it, calling it throws instead of the program failing to load or build.
pub fn is_optional(lib: &str) -> bool {
    lib.starts_with('?')
}

/// The signature character of each `hl_type_kind`.
const TYPE_CHARS: &[u8; 24] = b"vcsilfdbBDPOATR??X?N?S?g";

/// How deep object fields are followed before giving up on a self-referencing type.
const MAX_DEPTH: usize = 32;

/// Longest signature written: past it the rest is left out. A class with two
/// fields of its own type (a binary tree's node) would otherwise double the
/// text at each of the MAX_DEPTH levels. `DEFINE_PRIM` signatures are far
/// shorter, so a cut one only ever fails to match.
pub const MAX_SIGNATURE: usize = 4096;

/// The signature string of the function type `fun_type` as `hl.h`'s
/// `_FUN(ret, args)` writes it, e.g. `"PBi_i"` for `(bytes, i32) -> i32`.
pub fn native_signature(m: &Module, fun_type: TypeIdx) -> String {
    let mut out = Vec::new();
    append(m, fun_type, &mut out, 0);
    out.truncate(MAX_SIGNATURE);
    String::from_utf8_lossy(&out).into_owned()
}

fn append(m: &Module, t: TypeIdx, out: &mut Vec<u8>, depth: usize) {
    if out.len() >= MAX_SIGNATURE {
        return;
    }
    let Some(ty) = m.types.get(t.idx()) else {
        out.push(b'?');
        return;
    };
    out.push(TYPE_CHARS[ty.kind() as usize]);
    if depth > MAX_DEPTH {
        return;
    }
    match ty {
        Type::Fun(f) => {
            for &a in &f.args {
                append(m, a, out, depth + 1);
            }
            out.push(b'_');
            append(m, f.ret, out, depth + 1);
        }
        Type::Ref(p) | Type::Null(p) => append(m, *p, out, depth + 1),
        Type::Obj(_) => {
            append_fields(m, t, out, depth + 1);
            out.push(b'_');
        }
        Type::Abstract(name) => {
            out.extend_from_slice(truncated_utf8(&m.strings[name.idx()], 99));
            out.push(b'_');
        }
        _ => {}
    }
}

/// The field types of object `t`, its ancestors' first.
fn append_fields(m: &Module, t: TypeIdx, out: &mut Vec<u8>, depth: usize) {
    let Some(Type::Obj(o)) = m.types.get(t.idx()) else { return };
    if depth > MAX_DEPTH || out.len() >= MAX_SIGNATURE {
        return;
    }
    if let Some(s) = o.super_ {
        append_fields(m, s, out, depth + 1);
    }
    for f in &o.fields {
        append(m, f.ty, out, depth + 1);
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncated_utf8(s: &[u8], max: usize) -> &[u8] {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && (s[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FunType, ObjField, ObjType, StrIdx};

    fn module(types: Vec<Type>, strings: &[&str]) -> Module {
        Module {
            types,
            strings: strings.iter().map(|s| s.as_bytes().to_vec().into_boxed_slice()).collect(),
            ..Module::default()
        }
    }

    fn obj(name: u32, super_: Option<TypeIdx>, fields: &[u32]) -> Type {
        Type::Obj(ObjType {
            name: StrIdx(name),
            super_,
            global: None,
            fields: fields.iter().map(|&t| ObjField { name: StrIdx(0), ty: TypeIdx(t) }).collect(),
            protos: Vec::new(),
            bindings: Vec::new(),
        })
    }

    #[test]
    fn symbols_follow_hl_c() {
        assert_eq!(native_symbol("std", "bytes_blit"), "hl_bytes_blit");
        assert_eq!(native_symbol("sdl", "init_once"), "sdl_init_once");
        assert_eq!(native_symbol("?sdl", "get_framerate"), "sdl_get_framerate");
        assert!(is_optional("?sdl") && !is_optional("sdl"));
    }

    #[test]
    fn encodes_like_define_prim() {
        // 0 void, 1 i32, 2 bytes, 3 String {bytes, i32}, 4 f64, 5 dyn, 6 ref i32,
        // 7 null f64, 8 abstract, 9 fun(String, ref i32, null f64, abstract) -> void,
        // 10 fun(dyn, f64) -> bytes, 11 struct, 12 fun() -> struct, 13 bool, 14 array,
        // 15 fun(fun(dyn, f64) -> bytes, bool, array) -> i32
        let m = module(
            vec![
                Type::Void,
                Type::I32,
                Type::Bytes,
                obj(1, None, &[2, 1]),
                Type::F64,
                Type::Dyn,
                Type::Ref(TypeIdx(1)),
                Type::Null(TypeIdx(4)),
                Type::Abstract(StrIdx(2)),
                Type::Fun(FunType { args: vec![TypeIdx(3), TypeIdx(6), TypeIdx(7), TypeIdx(8)], ret: TypeIdx(0) }),
                Type::Fun(FunType { args: vec![TypeIdx(5), TypeIdx(4)], ret: TypeIdx(2) }),
                Type::Struct(ObjType {
                    name: StrIdx(1),
                    super_: None,
                    global: None,
                    fields: Vec::new(),
                    protos: Vec::new(),
                    bindings: Vec::new(),
                }),
                Type::Fun(FunType { args: vec![], ret: TypeIdx(11) }),
                Type::Bool,
                Type::Array,
                Type::Fun(FunType { args: vec![TypeIdx(10), TypeIdx(13), TypeIdx(14)], ret: TypeIdx(1) }),
            ],
            &["", "String", "sdl_window"],
        );
        // _FUN(_VOID, _STRING _REF(_I32) _NULL(_F64) _ABSTRACT(sdl_window))
        assert_eq!(native_signature(&m, TypeIdx(9)), "POBi_RiNdXsdl_window__v");
        assert_eq!(native_signature(&m, TypeIdx(10)), "PDd_B");
        assert_eq!(native_signature(&m, TypeIdx(12)), "P_S");
        // _FUN(_I32, _FUN(_BYTES, _DYN _F64) _BOOL _ARR)
        assert_eq!(native_signature(&m, TypeIdx(15)), "PPDd_BbA_i");
    }

    #[test]
    fn object_fields_include_the_super_class_first() {
        let m = module(
            vec![Type::I32, Type::F64, obj(0, None, &[0]), obj(0, Some(TypeIdx(2)), &[1]), Type::Fun(FunType { args: vec![TypeIdx(3)], ret: TypeIdx(0) })],
            &["A"],
        );
        assert_eq!(native_signature(&m, TypeIdx(4)), "POid__i");
    }

    #[test]
    fn self_referencing_objects_terminate() {
        let m = module(vec![obj(0, None, &[0]), Type::Fun(FunType { args: vec![TypeIdx(0)], ret: TypeIdx(0) })], &["Node"]);
        let s = native_signature(&m, TypeIdx(1));
        assert!(s.starts_with("POOO"), "{s}");
    }

    #[test]
    fn long_abstract_names_are_cut_at_99_bytes() {
        let name = "é".repeat(60); // 120 bytes
        let m = module(vec![Type::Abstract(StrIdx(0)), Type::Void, Type::Fun(FunType { args: vec![TypeIdx(0)], ret: TypeIdx(1) })], &[&name]);
        let s = native_signature(&m, TypeIdx(2));
        assert_eq!(s, format!("PX{}_", "é".repeat(49)) + "_v");
    }

    /// Objects whose fields are of the next type, three times: each level
    /// triples the signature (14 levels: 19 MB uncut); then a node type with
    /// two fields of its own type (2^33 bytes uncut, to MAX_DEPTH).
    #[test]
    fn signatures_are_bounded() {
        let mut types = vec![Type::Fun(FunType { args: vec![TypeIdx(1)], ret: TypeIdx(1) })];
        for level in 0..14 {
            types.push(obj(0, None, &[level + 2, level + 2, level + 2]));
        }
        types.push(Type::I32);
        let sig = native_signature(&module(types, &[""]), TypeIdx(0));
        assert!(sig.len() <= MAX_SIGNATURE && sig.starts_with("POOOOOOOOOOOOOOi"), "{} bytes", sig.len());
        let m = module(vec![Type::Fun(FunType { args: vec![TypeIdx(1)], ret: TypeIdx(1) }), obj(0, None, &[1, 1])], &[""]);
        assert_eq!(native_signature(&m, TypeIdx(0)).len(), MAX_SIGNATURE);
    }
}
