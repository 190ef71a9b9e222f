//! How HashLink types map onto Cranelift values and C-ABI signatures.

use cranelift_codegen::ir::{types, AbiParam, Signature, Type as ClType};
use cranelift_codegen::isa::CallConv;
use hlbc::{Module, Type, TypeIdx};

/// The Cranelift type holding a value of HL type `t`; `None` for `void`.
pub fn cl_type(m: &Module, t: TypeIdx, ptr: ClType) -> Option<ClType> {
    cl_type_of(m.ty(t), ptr)
}

pub fn cl_type_of(t: &Type, ptr: ClType) -> Option<ClType> {
    Some(match t {
        Type::Void => return None,
        Type::U8 | Type::Bool => types::I8,
        Type::U16 => types::I16,
        Type::I32 => types::I32,
        Type::I64 | Type::Guid => types::I64,
        Type::F32 => types::F32,
        Type::F64 => types::F64,
        _ => ptr,
    })
}

/// The C signature of an HL function type (`fun` or `method`), as HL/C declares it.
pub fn fun_signature(m: &Module, fun_type: TypeIdx, ptr: ClType, cc: CallConv) -> Signature {
    let mut sig = Signature::new(cc);
    if let Type::Fun(f) | Type::Method(f) = m.ty(fun_type) {
        for &a in &f.args {
            if let Some(t) = cl_type(m, a, ptr) {
                sig.params.push(param(m.ty(a), t));
            }
        }
        if let Some(t) = cl_type(m, f.ret, ptr) {
            sig.returns.push(param(m.ty(f.ret), t));
        }
    }
    sig
}

/// A C ABI parameter: small integers are extended as C compilers expect.
pub fn param(t: &Type, cl: ClType) -> AbiParam {
    match t {
        Type::U8 | Type::Bool | Type::U16 => AbiParam::new(cl).uext(),
        _ => AbiParam::new(cl),
    }
}

/// Whether HL type `t` has a signed integer representation.
pub fn is_signed_int(t: &Type) -> bool {
    matches!(t, Type::I32 | Type::I64)
}

pub fn is_int(t: &Type) -> bool {
    matches!(t, Type::U8 | Type::U16 | Type::I32 | Type::I64 | Type::Bool)
}

pub fn is_float(t: &Type) -> bool {
    matches!(t, Type::F32 | Type::F64)
}

/// The suffix of `hl_dyn_get*`/`hl_dyn_set*`/`hl_dyn_cast*` for a value type.
pub fn dyn_suffix(t: &Type) -> &'static str {
    match t {
        Type::U8 | Type::U16 | Type::I32 | Type::Bool => "i",
        Type::F32 => "f",
        Type::F64 => "d",
        Type::I64 => "i64",
        _ => "p",
    }
}
