//! If-conversion: small diamonds become `select`s.
//!
//! A Haxe ternary or `if` that only picks a value (`a < b ? a : b`, `if (x >
//! hi) x = hi`) is a branch in HL bytecode, and after leaf inlining it sits in
//! the hottest loops. Cranelift's mid-end does not turn branches into
//! selects, so a data-dependent choice costs a misprediction where gcc emits
//! `cmov`, `minsd` or `maxsd`. This pass runs on the IR after inlining:
//!
//! ```text
//! A: ... brif c, B, C          A: ... (B's and C's instructions)
//! B: x1 = ...; jump D(x1)  =>     jump D(select(c, x1, y1))
//! C: y1 = ...; jump D(y1)      D(v): ...
//! D(v): ...
//! ```
//!
//! An arm is either a direct edge to `D` or a block whose only predecessor is
//! `A`, holding at most [`MAX_ARM_INSTS`] instructions that cannot trap, load,
//! store, call or have another effect (so running both arms is unobservable),
//! and ending in a jump to `D` (which may have other predecessors: in
//! `v < lo ? lo : (v > hi ? hi : v)` the inner choice jumps to the outer join).
//! A diamond is converted only when every value it picks is an integer
//! (`select` is `cmov`) or a float minimum or maximum of the compared values,
//! which is put in the form x86-64 lowers to `minsd`/`maxsd` with the same
//! result as the branch, NaN and signed zeros included. Other float choices
//! stay branches (a float `select` would be one too).

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{Block, BlockArg, Function, Inst, InstBuilder, InstructionData, Opcode, Value};

/// The most instructions an arm may have (besides its jump).
pub const MAX_ARM_INSTS: usize = 3;

/// Converts the function's small value-picking diamonds into selects.
pub fn if_convert(func: &mut Function) {
    let cfg = ControlFlowGraph::with_function(func);
    let blocks: Vec<Block> = func.layout.blocks().collect();
    for a in blocks {
        // A block removed as an arm of an earlier diamond is no longer laid out.
        if func.layout.is_block_inserted(a) {
            if let Some(plan) = plan(func, &cfg, a) {
                apply(func, plan);
            }
        }
    }
}

/// One arm of a diamond: the block holding its instructions (none for a
/// direct edge) and the values it passes to the join.
struct Arm {
    block: Option<Block>,
    args: Vec<Value>,
}

/// A diamond to convert: the branch, its condition, both arms and the join.
struct Plan {
    branch: Inst,
    cond: Value,
    then: Arm,
    els: Arm,
    join: Block,
    /// For each join parameter, how to pick its value.
    picks: Vec<Pick>,
}

#[derive(Copy, Clone)]
enum Pick {
    /// Both arms pass the same value.
    Same(Value),
    /// `select(cond, then, else)` on integers.
    Int,
    /// A float minimum or maximum: `select(fcmp lt x y, a, b)`.
    MinMax { x: Value, y: Value, a: Value, b: Value },
}

fn plan(func: &Function, cfg: &ControlFlowGraph, a: Block) -> Option<Plan> {
    let branch = func.layout.last_inst(a)?;
    let InstructionData::Brif { arg: cond, blocks, .. } = func.dfg.insts[branch] else { return None };
    let pool = &func.dfg.value_lists;
    let (tb, eb) = (blocks[0].block(pool), blocks[1].block(pool));
    if tb == eb {
        return None;
    }
    let edge_args = |bc: &cranelift_codegen::ir::BlockCall| -> Option<Vec<Value>> {
        bc.args(pool).map(|x| match x {
            BlockArg::Value(v) => Some(v),
            _ => None,
        }).collect()
    };
    let then_edge = edge_args(&blocks[0])?;
    let else_edge = edge_args(&blocks[1])?;
    // The join is where an arm block jumps, or the direct edge's target.
    let arm_join = |b: Block| -> Option<(Block, Vec<Value>)> {
        let last = func.layout.last_inst(b)?;
        let InstructionData::Jump { destination, .. } = func.dfg.insts[last] else { return None };
        Some((destination.block(pool), edge_args(&destination)?))
    };
    let candidates = [tb, eb];
    let join = candidates.iter().find_map(|&b| {
        // A block with parameters or other predecessors is not an arm: it is the join.
        if func.dfg.num_block_params(b) > 0 || cfg.pred_iter(b).count() != 1 {
            Some(b)
        } else {
            arm_join(b).map(|(d, _)| d)
        }
    })?;
    if join == a {
        return None;
    }
    let arm = |b: Block, edge: Vec<Value>| -> Option<Arm> {
        if b == join {
            return Some(Arm { block: None, args: edge });
        }
        if !edge.is_empty() || cfg.pred_iter(b).count() != 1 || func.dfg.num_block_params(b) != 0 {
            return None;
        }
        let (d, args) = arm_join(b)?;
        if d != join {
            return None;
        }
        let insts: Vec<Inst> = func.layout.block_insts(b).collect();
        let body = &insts[..insts.len() - 1];
        if body.len() > MAX_ARM_INSTS || !body.iter().all(|&i| speculatable(func, i)) {
            return None;
        }
        Some(Arm { block: Some(b), args })
    };
    let then = arm(tb, then_edge)?;
    let els = arm(eb, else_edge)?;
    if then.args.len() != func.dfg.num_block_params(join) || els.args.len() != then.args.len() {
        return None;
    }
    let picks = then
        .args
        .iter()
        .zip(&els.args)
        .map(|(&t, &e)| {
            if t == e {
                return Some(Pick::Same(t));
            }
            let ty = func.dfg.value_type(t);
            if ty.is_int() && ty.bits() <= 64 {
                return Some(Pick::Int);
            }
            min_max(func, cond, t, e)
        })
        .collect::<Option<Vec<Pick>>>()?;
    Some(Plan { branch, cond, then, els, join, picks })
}

/// `select(cond, t, e)` as a float minimum or maximum of the compared values,
/// in the form Cranelift lowers to `minsd`/`maxsd`: `select(fcmp lt x y, x, y)`
/// (minimum) or `select(fcmp lt y x, x, y)` (maximum). `x < y ? x : y` is what
/// `minsd` computes, NaN and signed zeros included.
fn min_max(func: &Function, cond: Value, t: Value, e: Value) -> Option<Pick> {
    let def = func.dfg.value_def(cond).inst()?;
    let InstructionData::FloatCompare { cond: cc, args: [p, q], .. } = func.dfg.insts[def] else { return None };
    // Put the condition as `x < y`, swapping the picks when it is the negation.
    let (x, y, a, b) = match cc {
        FloatCC::LessThan => (p, q, t, e),
        FloatCC::GreaterThan => (q, p, t, e),
        // `!(p < q)` and `!(q < p)`, unordered included.
        FloatCC::UnorderedOrGreaterThanOrEqual => (p, q, e, t),
        FloatCC::UnorderedOrLessThanOrEqual => (q, p, e, t),
        _ => return None,
    };
    ((a == x && b == y) || (a == y && b == x)).then_some(Pick::MinMax { x, y, a, b })
}

/// Whether instruction `i` may run on a path that did not ask for it: it
/// cannot trap, touch memory, call or have another effect, and it is cheap.
fn speculatable(func: &Function, i: Inst) -> bool {
    let op = func.dfg.insts[i].opcode();
    !(op.can_trap()
        || op.can_load()
        || op.can_store()
        || op.is_call()
        || op.is_branch()
        || op.is_terminator()
        || op.other_side_effects()
        || matches!(op, Opcode::Fdiv | Opcode::Sqrt | Opcode::Udiv | Opcode::Sdiv | Opcode::Urem | Opcode::Srem))
}

fn apply(func: &mut Function, p: Plan) {
    // The arms' instructions run before the branch, then-arm first.
    for arm in [&p.then, &p.els] {
        if let Some(b) = arm.block {
            let insts: Vec<Inst> = func.layout.block_insts(b).collect();
            for &i in &insts[..insts.len() - 1] {
                func.layout.remove_inst(i);
                func.layout.insert_inst(i, p.branch);
            }
        }
    }
    let mut pos = FuncCursor::new(func).at_inst(p.branch);
    let args: Vec<BlockArg> = p
        .picks
        .iter()
        .zip(p.then.args.iter().zip(&p.els.args))
        .map(|(pick, (&t, &e))| {
            let v = match *pick {
                Pick::Same(v) => v,
                Pick::Int => pos.ins().select(p.cond, t, e),
                Pick::MinMax { x, y, a, b } => {
                    let lt = pos.ins().fcmp(FloatCC::LessThan, x, y);
                    pos.ins().select(lt, a, b)
                }
            };
            BlockArg::Value(v)
        })
        .collect();
    pos.ins().jump(p.join, &args);
    pos.func.layout.remove_inst(p.branch);
    for arm in [&p.then, &p.els] {
        if let Some(b) = arm.block {
            let last = pos.func.layout.last_inst(b).expect("an arm ends in its jump");
            pos.func.layout.remove_inst(last);
            pos.func.layout.remove_block(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::ir::{types, AbiParam, Signature};
    use cranelift_codegen::isa::CallConv;
    use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

    /// `f(x, y) = x < y ? x : y` (or with another comparison), built as a diamond.
    fn diamond(ty: types::Type, cmp: impl Fn(&mut FunctionBuilder, Value, Value) -> Value, arm_work: bool) -> Function {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.extend([AbiParam::new(ty), AbiParam::new(ty)]);
        sig.returns.push(AbiParam::new(ty));
        let mut f = Function::with_name_signature(Default::default(), sig);
        let mut fb = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut f, &mut fb);
        let (a, t, e, d) = (b.create_block(), b.create_block(), b.create_block(), b.create_block());
        b.append_block_params_for_function_params(a);
        b.append_block_param(d, ty);
        b.switch_to_block(a);
        let (x, y) = (b.block_params(a)[0], b.block_params(a)[1]);
        let c = cmp(&mut b, x, y);
        b.ins().brif(c, t, &[], e, &[]);
        b.switch_to_block(t);
        b.ins().jump(d, &[x.into()]);
        b.switch_to_block(e);
        let other = if arm_work { b.ins().load(ty, cranelift_codegen::ir::MemFlagsData::new(), y, 0) } else { y };
        b.ins().jump(d, &[other.into()]);
        b.switch_to_block(d);
        let r = b.block_params(d)[0];
        super::super::finish_test_function(b, r);
        f
    }

    fn opcodes(f: &Function) -> Vec<Opcode> {
        f.layout.blocks().flat_map(|b| f.layout.block_insts(b)).map(|i| f.dfg.insts[i].opcode()).collect()
    }

    #[test]
    fn an_integer_minimum_becomes_a_select() {
        let mut f = diamond(types::I32, |b, x, y| b.ins().icmp(cranelift_codegen::ir::condcodes::IntCC::SignedLessThan, x, y), false);
        if_convert(&mut f);
        assert_eq!(opcodes(&f), [Opcode::Icmp, Opcode::Select, Opcode::Jump, Opcode::Return]);
        cranelift_codegen::verify_function(&f, &cranelift_codegen::settings::Flags::new(cranelift_codegen::settings::builder())).unwrap();
    }

    #[test]
    fn a_float_minimum_is_put_in_min_form() {
        // `x > y ? x : y`: the maximum, as `select(fcmp lt y x, x, y)`.
        let mut f = diamond(types::F64, |b, x, y| b.ins().fcmp(FloatCC::GreaterThan, x, y), false);
        if_convert(&mut f);
        let ops = opcodes(&f);
        assert_eq!(ops, [Opcode::Fcmp, Opcode::Fcmp, Opcode::Select, Opcode::Jump, Opcode::Return]);
        let sel = f.layout.blocks().flat_map(|b| f.layout.block_insts(b)).find(|&i| f.dfg.insts[i].opcode() == Opcode::Select).unwrap();
        let [c, a, b] = f.dfg.inst_args(sel) else { panic!() };
        let cmp = f.dfg.value_def(*c).inst().unwrap();
        let InstructionData::FloatCompare { cond, args: [p, q], .. } = f.dfg.insts[cmp] else { panic!() };
        let params = f.dfg.block_params(f.layout.entry_block().unwrap()).to_vec();
        assert_eq!((cond, p, q, *a, *b), (FloatCC::LessThan, params[1], params[0], params[0], params[1]));
    }

    #[test]
    fn other_float_choices_and_arms_that_load_stay_branches() {
        // `x <= y ? x : y` differs from `minsd` on equal values of opposite sign.
        let mut f = diamond(types::F64, |b, x, y| b.ins().fcmp(FloatCC::LessThanOrEqual, x, y), false);
        if_convert(&mut f);
        assert!(opcodes(&f).contains(&Opcode::Brif));
        // A load may fault on the path that did not ask for it.
        let mut f = diamond(types::I64, |b, x, y| b.ins().icmp(cranelift_codegen::ir::condcodes::IntCC::Equal, x, y), true);
        if_convert(&mut f);
        assert!(opcodes(&f).contains(&Opcode::Brif));
    }
}
