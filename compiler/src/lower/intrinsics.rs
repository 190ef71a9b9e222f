//! Natives of HashLink's `std` library that the lowering computes inline
//! instead of calling: each is one machine instruction (or two) with exactly
//! the result libhl's C function gives, so the call, and the spills of every
//! caller-saved register around it, disappear from float loops.
//! (`std` natives are libhl's own functions, which no `--lib` library may
//! replace, so the inline form is always the one the program would call.)

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{InstBuilder, Value};
use cranelift_frontend::FunctionBuilder;

/// A native computed inline.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Intrinsic {
    /// `math_sqrt(f64) -> f64`: IEEE square root, as `sqrt`.
    Sqrt,
    /// `math_abs(f64) -> f64`: `fabs`.
    Abs,
    /// `math_isnan(f64) -> bool`.
    IsNan,
    /// `math_isfinite(f64) -> bool`: neither NaN nor infinite.
    IsFinite,
}

/// The intrinsic for native `lib@name`, if it has one.
pub fn lookup(lib: &str, name: &str) -> Option<Intrinsic> {
    if lib != "std" {
        return None;
    }
    Some(match name {
        "math_sqrt" => Intrinsic::Sqrt,
        "math_abs" => Intrinsic::Abs,
        "math_isnan" => Intrinsic::IsNan,
        "math_isfinite" => Intrinsic::IsFinite,
        _ => return None,
    })
}

impl Intrinsic {
    /// Emits the intrinsic on `args` (already of the native's parameter
    /// types); returns its result, or `None` if the arguments do not fit
    /// (the caller then calls the native).
    pub fn emit(self, b: &mut FunctionBuilder, args: &[Value]) -> Option<Value> {
        let &[x] = args else { return None };
        if b.func.dfg.value_type(x) != cranelift_codegen::ir::types::F64 {
            return None;
        }
        Some(match self {
            Intrinsic::Sqrt => b.ins().sqrt(x),
            Intrinsic::Abs => b.ins().fabs(x),
            Intrinsic::IsNan => b.ins().fcmp(FloatCC::Unordered, x, x),
            Intrinsic::IsFinite => {
                // x - x is 0 for finite x and NaN for NaN and the infinities.
                let d = b.ins().fsub(x, x);
                b.ins().fcmp(FloatCC::Equal, d, d)
            }
        })
    }
}
