//! Inlining of small leaf functions into their callers.
//!
//! A direct call to a function whose bytecode is a *leaf* — a few ops of
//! arithmetic, comparisons, forward branches, field reads and writes on
//! objects, bytes reads, natives computed inline — is replaced by the callee's body
//! (Cranelift's inliner, [`cranelift_codegen::Context::inline`]); the loop
//! around the call then keeps its values in registers and the body is
//! optimised with the caller's (constants, common subexpressions).
//!
//! A leaf cannot throw, call, allocate, loop or take a register's address,
//! so nothing can observe that its frame is gone: no stack trace or
//! exception passes through inlined code, and the GC never stops in it.

use cranelift_codegen::inline::{Inline, InlineCommand};
use cranelift_codegen::ir::{self, ExternalName, Function, InstructionData};
use cranelift_module::FuncId;
use hlbc::opcodes::Op;
use hlbc::{Module, Reg, Type};
use std::borrow::Cow;
use std::collections::HashMap;

/// The most ops a leaf may have. (A function to splice may have up to
/// [`super::splice::MAX_BODY`]: splicing works on the bytecode, before the
/// caller is lowered, where Cranelift's inliner copies lowered IR.)
pub const MAX_LEAF_OPS: usize = 40;

/// Whether function `f` (a position in `m.functions`) is a leaf:
/// `intrinsic(findex)` says which called natives are computed inline; `sound`
/// ([`super::memory_regions_sound`]): no bytes pointer of the module can
/// point at a register's stack slot, so a bytes read (`haxe.io.Bytes.get`)
/// reads no register the caller keeps in a machine register.
pub fn is_leaf(m: &Module, fi: usize, intrinsic: &dyn Fn(hlbc::FunIdx) -> bool, sound: bool) -> bool {
    leaf_ops(m, fi, intrinsic, sound, None)
}

/// Whether function `f` may be spliced into its callers (`splice.rs`): a
/// leaf that may also allocate objects, check for null (the caller splices
/// it only where the check is proven to pass) and call functions `spliced`
/// says are spliced, and whose registers are written before they are read.
pub fn is_spliceable(
    m: &Module,
    fi: usize,
    intrinsic: &dyn Fn(hlbc::FunIdx) -> bool,
    sound: bool,
    spliced: &dyn Fn(hlbc::FunIdx) -> bool,
) -> bool {
    leaf_ops(m, fi, intrinsic, sound, Some(spliced)) && super::splice::assigns_before_reads(m, &m.functions[fi])
}

/// Whether every op of function `fi` is a leaf's, or (with `spliced`) one a
/// spliced function may also have.
fn leaf_ops(
    m: &Module,
    fi: usize,
    intrinsic: &dyn Fn(hlbc::FunIdx) -> bool,
    sound: bool,
    spliced: Option<&dyn Fn(hlbc::FunIdx) -> bool>,
) -> bool {
    let new = spliced.is_some();
    let f = &m.functions[fi];
    if f.ops.len() > if new { super::splice::MAX_BODY } else { MAX_LEAF_OPS } {
        return false;
    }
    let ty = |r: &Reg| f.regs.get(r.idx()).map(|&t| m.ty(t));
    let scalar = |r: &Reg| matches!(ty(r), Some(Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::U8 | Type::U16 | Type::Bool));
    let object = |r: &Reg| matches!(ty(r), Some(Type::Obj(_) | Type::Struct(_)));
    f.ops.iter().all(|op| match op {
        op if op.registers_only() => true,
        Op::Ret { .. } => true,
        // Forward branches only (no loop, so no GC poll); comparisons of
        // numbers only (objects may compare through a Haxe `__compare`).
        Op::JTrue { offset, .. } | Op::JFalse { offset, .. } | Op::JAlways { offset } => offset.0 >= 0,
        Op::JSLt { a, b, offset }
        | Op::JSGte { a, b, offset }
        | Op::JSGt { a, b, offset }
        | Op::JSLte { a, b, offset }
        | Op::JULt { a, b, offset }
        | Op::JUGte { a, b, offset }
        | Op::JNotLt { a, b, offset }
        | Op::JNotGte { a, b, offset }
        | Op::JEq { a, b, offset }
        | Op::JNotEq { a, b, offset } => offset.0 >= 0 && scalar(a) && scalar(b),
        // `this` is checked by the caller; other objects the compiler proved
        // non-null (it would have emitted `ONullCheck`, which is not a leaf op).
        Op::GetThis { .. } | Op::SetThis { .. } => object(&Reg(0)),
        Op::Field { obj, .. } | Op::SetField { obj, .. } => object(obj),
        Op::GetI8 { .. } | Op::GetI16 { .. } | Op::GetMem { .. } => sound,
        Op::Call1 { fun, .. } | Op::Call2 { fun, .. } | Op::Call3 { fun, .. } | Op::Call4 { fun, .. } if intrinsic(*fun) => true,
        op if op.direct_callee().is_some() => spliced.is_some_and(|s| s(op.direct_callee().unwrap())),
        // Runs no constructor: a call to the runtime's allocator.
        Op::New { dst } => new && object(dst),
        Op::NullCheck { .. } => new,
        _ => false,
    })
}

/// The `FuncId` a direct call in `func` targets, if it names a module function.
pub fn call_target(func: &Function, inst: ir::Inst) -> Option<FuncId> {
    let InstructionData::Call { func_ref, .. } = func.dfg.insts[inst] else { return None };
    let ExternalName::User(r) = func.dfg.ext_funcs[func_ref].name else { return None };
    let name = &func.params.user_named_funcs()[r];
    // cranelift-module names functions in namespace 0 by their `FuncId`.
    (name.namespace == 0).then(|| FuncId::from_u32(name.index))
}

/// Directs Cranelift's inliner: inline the calls to the bodies given.
pub struct Leaves<'a> {
    pub bodies: &'a HashMap<FuncId, Function>,
}

impl Inline for Leaves<'_> {
    fn inline(
        &mut self,
        caller: &Function,
        inst: ir::Inst,
        _opcode: ir::Opcode,
        callee: ir::FuncRef,
        _args: &[ir::Value],
    ) -> InlineCommand<'_> {
        let Some(body) = call_target(caller, inst).and_then(|id| self.bodies.get(&id)) else {
            return InlineCommand::KeepCall;
        };
        let sig = &caller.dfg.signatures[caller.dfg.ext_funcs[callee].signature];
        if *sig != body.signature {
            return InlineCommand::KeepCall;
        }
        InlineCommand::Inline { callee: Cow::Borrowed(body), visit_callee: false }
    }
}
