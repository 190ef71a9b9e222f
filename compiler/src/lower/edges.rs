//! Conditional edges that pass values get a block of their own.
//!
//! Cranelift's mid-end recomputes ("rematerialises") constants and ALU ops
//! with a constant operand in each block that uses them instead of keeping
//! them in a register. A value a conditional branch passes along one of its
//! edges is used in the branch's own block, so it is recomputed there, on
//! both ways out. When that block is a loop's head and the edge leaves the
//! loop, the value is recomputed on every iteration: in
//!
//! ```haxe
//! sum = (sum + i) & 0xFFFFFFF;
//! while (j <= limit) { a[j] = 1; j += i; }
//! ```
//!
//! the `and` ran in the inner loop, because only the exit edge used it.
//! With the edge in a block of its own (a jump carrying the values, as
//! Cranelift's lowering would make of the edge anyway), it runs once, on
//! the way out.

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{Block, BlockArg, Function, InstBuilder, InstructionData};

/// Gives each conditional edge that passes values a block of its own.
pub fn split_rematerialising_edges(func: &mut Function) {
    let blocks: Vec<Block> = func.layout.blocks().collect();
    for b in blocks {
        let Some(branch) = func.layout.last_inst(b) else { continue };
        let InstructionData::Brif { blocks: dests, .. } = func.dfg.insts[branch] else { continue };
        for (k, dest) in dests.into_iter().enumerate() {
            let pool = &func.dfg.value_lists;
            let args: Vec<BlockArg> = dest.args(pool).collect();
            // The values may still be the target's own parameters that
            // Cranelift later finds constant (`remove_constant_phis`) and
            // replaces with a rematerialised value: every edge with values
            // gets its block. Cranelift's lowering makes a block of such an
            // edge anyway (a critical edge), to hold its moves.
            if args.is_empty() {
                continue;
            }
            let target = dest.block(pool);
            let edge = func.dfg.make_block();
            func.layout.append_block(edge);
            if func.layout.is_cold(b) || func.layout.is_cold(target) {
                func.layout.set_cold(edge);
            }
            FuncCursor::new(func).at_bottom(edge).ins().jump(target, &args);
            let call = func.dfg.block_call(edge, &[]);
            if let InstructionData::Brif { blocks, .. } = &mut func.dfg.insts[branch] {
                blocks[k] = call;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::ir::{types, AbiParam, Signature};
    use cranelift_codegen::isa::CallConv;
    use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

    /// `loop: brif p, exit(x & 7), loop` with `x` a parameter.
    fn looped(masked: bool) -> Function {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.extend([AbiParam::new(types::I32), AbiParam::new(types::I32)]);
        sig.returns.push(AbiParam::new(types::I32));
        let mut f = Function::with_name_signature(Default::default(), sig);
        let mut fb = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut f, &mut fb);
        let (entry, head, exit) = (b.create_block(), b.create_block(), b.create_block());
        b.append_block_params_for_function_params(entry);
        b.append_block_param(exit, types::I32);
        b.switch_to_block(entry);
        let (p, x) = (b.block_params(entry)[0], b.block_params(entry)[1]);
        b.ins().jump(head, &[]);
        b.switch_to_block(head);
        let v = if masked { b.ins().band_imm_u(x, 7) } else { x };
        b.ins().brif(p, exit, &[v.into()], head, &[]);
        b.switch_to_block(exit);
        let r = b.block_params(exit)[0];
        super::super::finish_test_function(b, r);
        f
    }

    fn brif_targets(f: &Function, block: Block) -> Vec<Block> {
        let last = f.layout.last_inst(block).unwrap();
        let InstructionData::Brif { blocks, .. } = f.dfg.insts[last] else { panic!("not a brif") };
        blocks.iter().map(|bc| bc.block(&f.dfg.value_lists)).collect()
    }

    #[test]
    fn an_edge_passing_values_gets_its_own_block_that_jumps_on_with_them() {
        let mut f = looped(true);
        let head = f.layout.blocks().nth(1).unwrap();
        let exit = f.layout.blocks().nth(2).unwrap();
        split_rematerialising_edges(&mut f);
        let [to_exit, back] = brif_targets(&f, head)[..] else { panic!() };
        assert_eq!(back, head);
        assert_ne!(to_exit, exit);
        let jump = f.layout.last_inst(to_exit).unwrap();
        let InstructionData::Jump { destination, .. } = f.dfg.insts[jump] else { panic!("edge block ends in a jump") };
        assert_eq!(destination.block(&f.dfg.value_lists), exit);
        assert_eq!(destination.args(&f.dfg.value_lists).count(), 1);
        cranelift_codegen::verifier::verify_function(&f, &cranelift_codegen::settings::Flags::new(cranelift_codegen::settings::builder()))
            .expect("valid IR");
    }

    #[test]
    fn an_edge_without_values_is_left_alone() {
        let mut f = looped(false);
        let head = f.layout.blocks().nth(1).unwrap();
        split_rematerialising_edges(&mut f);
        // The back edge passes nothing; the exit edge passes `x`.
        let [to_exit, back] = brif_targets(&f, head)[..] else { panic!() };
        assert_eq!(back, head);
        assert_eq!(f.layout.blocks().count(), 4);
        assert_ne!(to_exit, f.layout.blocks().nth(2).unwrap());
    }
}
