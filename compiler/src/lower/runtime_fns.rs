//! The runtime entry points generated code calls, with their C signatures:
//! the one list the lowering declares them from (named after their C symbols).
#![allow(non_upper_case_globals)]

use cranelift_codegen::ir::{types, AbiParam, Signature, Type as ClType};
use cranelift_codegen::isa::CallConv;

/// A parameter or return kind of a runtime entry point.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum K {
    Ptr,
    I32,
    I64,
    F32,
    F64,
    Bool,
}

/// `(symbol, parameters, return)`; `None` return means `void`.
pub type RtFn = (&'static str, &'static [K], Option<K>);

macro_rules! rt {
    ($($name:ident : ($($p:ident),*) -> $ret:tt;)*) => {
        $(pub const $name: RtFn = (stringify!($name), &[$(K::$p),*], rt!(@ret $ret));)*
        /// Every fixed-signature entry point above.
        pub const ALL: &[RtFn] = &[$($name),*];
    };
    (@ret void) => { None };
    (@ret $k:ident) => { Some(K::$k) };
}

rt! {
    hl_alloc_obj: (Ptr) -> Ptr;
    hl_alloc_dynobj: () -> Ptr;
    hl_alloc_virtual: (Ptr) -> Ptr;
    hl_alloc_dynamic: (Ptr) -> Ptr;
    hl_alloc_dynbool: (Bool) -> Ptr;
    hl_alloc_closure_ptr: (Ptr, Ptr, Ptr) -> Ptr;
    hl_alloc_enum: (Ptr, I32) -> Ptr;
    hl_make_dyn: (Ptr, Ptr) -> Ptr;
    hl_to_virtual: (Ptr, Ptr) -> Ptr;
    hl_dyn_call: (Ptr, Ptr, I32) -> Ptr;
    hl_dyn_call_obj: (Ptr, Ptr, I32, Ptr, Ptr) -> Ptr;
    hl_dyn_compare: (Ptr, Ptr) -> I32;
    hl_same_type: (Ptr, Ptr) -> Bool;
    hl_throw: (Ptr) -> void;
    hl_rethrow: (Ptr) -> void;
    hl_null_access: () -> void;
    hl_null_access_field: (I32) -> void;
    hlc_null_access_inlined: (Ptr, I32, I32) -> void;
    hl_assert: () -> void;
    hl_get_thread: () -> Ptr;
    hlc_gc_poll: () -> void;
    _setjmp: (Ptr) -> I32;
    fmod: (F64, F64) -> F64;
    fmodf: (F32, F32) -> F32;
    hlc_unsupported_op: (I32) -> void;
}

/// `hl_dyn_get{suffix}` and friends, whose signatures depend on the value kind.
pub fn dyn_get(suffix: &str) -> (String, Vec<K>, Option<K>) {
    let (val, typed) = value_kind(suffix);
    let mut params = vec![K::Ptr, K::I32];
    if typed {
        params.push(K::Ptr);
    }
    (format!("hl_dyn_get{suffix}"), params, Some(val))
}

pub fn dyn_set(suffix: &str) -> (String, Vec<K>, Option<K>) {
    let (val, typed) = value_kind(suffix);
    let mut params = vec![K::Ptr, K::I32];
    if typed {
        params.push(K::Ptr);
    }
    params.push(val);
    (format!("hl_dyn_set{suffix}"), params, None)
}

/// `hl_dyn_cast{suffix}(void *data, hl_type *t[, hl_type *to])`.
pub fn dyn_cast(suffix: &str) -> (String, Vec<K>, Option<K>) {
    let (val, typed) = value_kind(suffix);
    let mut params = vec![K::Ptr, K::Ptr];
    if typed {
        params.push(K::Ptr);
    }
    (format!("hl_dyn_cast{suffix}"), params, Some(val))
}

/// Every `hl_dyn_get*`, `hl_dyn_set*` and `hl_dyn_cast*` entry point.
pub fn all_dynamic() -> Vec<(String, Vec<K>, Option<K>)> {
    let mut out = Vec::new();
    for suffix in ["i", "f", "d", "i64", "p"] {
        out.extend([dyn_get(suffix), dyn_set(suffix), dyn_cast(suffix)]);
    }
    out
}

/// Entry points that never run Haxe code nor read or write through an HL
/// reference, so calls to them need no reference synchronisation (see
/// `Store::Mirror` in `function.rs`).
pub const NO_REFS: &[&str] = &[
    "hl_alloc_obj",
    "hl_alloc_dynobj",
    "hl_alloc_virtual",
    "hl_alloc_dynamic",
    "hl_alloc_dynbool",
    "hl_alloc_closure_ptr",
    "hl_alloc_enum",
    "hl_throw",
    "hl_rethrow",
    "hl_null_access",
    "hl_null_access_field",
    "hlc_null_access_inlined",
    "hl_get_thread",
    "hlc_gc_poll",
    "fmod",
    "fmodf",
];

/// Entry points that preserve every register (Cranelift's `preserve_all`
/// convention): the slow path of loop polls, so that a poll costs the loop
/// no spills.
pub const PRESERVE_ALL: &[&str] = &["hlc_gc_poll"];

/// The calling convention of runtime entry point `name`.
pub fn call_conv(name: &str, default: CallConv) -> CallConv {
    if PRESERVE_ALL.contains(&name) {
        CallConv::PreserveAll
    } else {
        default
    }
}

/// Data the runtime defines that generated code addresses.
pub const DATA: &[&str] = &["hlt_void", "hlt_dyn", "hlc_gc_stopping"];

/// The value kind of a `hl_dyn_*` suffix and whether the call also takes the value's type.
fn value_kind(suffix: &str) -> (K, bool) {
    match suffix {
        "i" => (K::I32, true),
        "f" => (K::F32, false),
        "d" => (K::F64, false),
        "i64" => (K::I64, false),
        _ => (K::Ptr, true),
    }
}

pub fn signature(params: &[K], ret: Option<K>, ptr: ClType, cc: CallConv) -> Signature {
    let mut sig = Signature::new(cc);
    let abi = |k: K| match k {
        K::Ptr => AbiParam::new(ptr),
        K::I32 => AbiParam::new(types::I32),
        K::I64 => AbiParam::new(types::I64),
        K::F32 => AbiParam::new(types::F32),
        K::F64 => AbiParam::new(types::F64),
        K::Bool => AbiParam::new(types::I8).uext(),
    };
    sig.params.extend(params.iter().map(|&k| abi(k)));
    sig.returns.extend(ret.map(abi));
    sig
}
