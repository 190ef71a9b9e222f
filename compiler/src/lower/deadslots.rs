//! Pointer registers whose value is cleared from the stack when it dies.
//!
//! The collector scans stacks conservatively: any word that points into
//! the heap keeps a block alive. A pointer that stays live across a call
//! sits in a callee-saved register or a spill slot the register allocator
//! chose, and after its last use nothing overwrites that word until the
//! allocator happens to reuse it. In a function that goes on to loop for a
//! long time, a dead pointer there can keep a whole structure alive: the
//! classic binary-trees program builds a 24 MB "stretch" tree in `main`,
//! checks it, and then spends the rest of the run in loops with the tree's
//! root still in `main`'s frame.
//!
//! So in a function with a loop, a GC pointer register that no loop touches
//! and whose value is live across a call lives in a stack slot of its own
//! (loaded at each use, stored at each write), and the lowering stores null
//! into that slot right after the op where its value dies. Code in loops is
//! left alone (no extra memory accesses there), and so is a function without
//! loops, which returns soon.

use super::function::jump_targets;
use hlbc::opcodes::Op;
use hlbc::Reg;

/// The registers cleared when they die, and where.
pub struct DeadSlots {
    /// Per register: it lives in a slot of its own, cleared when it dies.
    pub slot: Vec<bool>,
    /// Per op: the registers whose value dies at it (to clear after it).
    pub after: Vec<Vec<Reg>>,
}

/// The registers of a function with `ops` to keep in cleared slots, among
/// the `pointer` registers (GC pointers the lowering may keep in a slot).
/// `None` when there are none. A function with traps is not analysed.
pub fn analyse(ops: &[Op], pointer: &[bool]) -> Option<DeadSlots> {
    let n = ops.len();
    let mut targets = Vec::new();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    // Every op between a backward jump and its target may be in its loop
    // (an over-approximation: fewer registers qualify).
    let in_loop = super::function::ops_in_loops(ops);
    let any_loop = in_loop.contains(&true);
    for (i, op) in ops.iter().enumerate() {
        if matches!(op, Op::Trap { .. }) {
            return None;
        }
        targets.clear();
        jump_targets(op, i, &mut targets);
        if !matches!(op, Op::Ret { .. } | Op::Throw { .. } | Op::Rethrow { .. } | Op::JAlways { .. }) {
            // Conditional jumps and `OSwitch` fall through too.
            targets.push(i + 1);
        }
        succ[i] = targets.iter().copied().filter(|&t| t < n).collect();
    }
    if !any_loop {
        return None;
    }
    // Candidates: pointers that no op in a loop names.
    let mut candidate = pointer.to_vec();
    for (op, _) in ops.iter().zip(&in_loop).filter(|(_, &l)| l) {
        for r in reads(op).into_iter().chain(op.written()) {
            if let Some(c) = candidate.get_mut(r.idx()) {
                *c = false;
            }
        }
    }
    let regs: Vec<usize> = (0..candidate.len()).filter(|&r| candidate[r]).collect();
    if regs.is_empty() {
        return None;
    }
    let mut dense = vec![usize::MAX; candidate.len()];
    for (k, &r) in regs.iter().enumerate() {
        dense[r] = k;
    }
    let words = regs.len().div_ceil(64);
    // What each op reads and writes among the candidates.
    let mut uses = vec![0u64; n * words];
    let mut defs = vec![0u64; n * words];
    for (i, op) in ops.iter().enumerate() {
        for r in reads(op) {
            if let Some(&k) = dense.get(r.idx()).filter(|&&k| k != usize::MAX) {
                uses[i * words + k / 64] |= 1 << (k % 64);
            }
        }
        if let Some(&k) = op.written().and_then(|r| dense.get(r.idx())).filter(|&&k| k != usize::MAX) {
            defs[i * words + k / 64] |= 1 << (k % 64);
        }
    }
    // Backward liveness to a fixed point.
    let mut live_in = vec![0u64; n * words];
    let mut live_out = vec![0u64; n * words];
    let mut changed = true;
    while changed {
        changed = false;
        for i in (0..n).rev() {
            for w in 0..words {
                let out = succ[i].iter().fold(0u64, |acc, &s| acc | live_in[s * words + w]);
                let inn = (out & !defs[i * words + w]) | uses[i * words + w];
                live_out[i * words + w] = out;
                if live_in[i * words + w] != inn {
                    live_in[i * words + w] = inn;
                    changed = true;
                }
            }
        }
    }
    let bit = |set: &[u64], i: usize, k: usize| set[i * words + k / 64] >> (k % 64) & 1 != 0;
    // Only values live across a call: the others stay in caller-saved
    // registers, which the next call overwrites.
    let mut chosen = vec![false; regs.len()];
    for (i, op) in ops.iter().enumerate() {
        if calls(op) {
            for (k, c) in chosen.iter_mut().enumerate() {
                *c |= bit(&live_out, i, k) && !bit(&defs, i, k);
            }
        }
    }
    if !chosen.iter().any(|&c| c) {
        return None;
    }
    let mut slot = vec![false; candidate.len()];
    let mut after = vec![Vec::new(); n];
    for (k, &r) in regs.iter().enumerate() {
        if !chosen[k] {
            continue;
        }
        slot[r] = true;
        for (i, op) in ops.iter().enumerate() {
            if !ends_block(op) && bit(&uses, i, k) && !bit(&defs, i, k) && !bit(&live_out, i, k) {
                after[i].push(Reg(r as u32));
            }
        }
    }
    Some(DeadSlots { slot, after })
}

/// Ops that end their block: nothing is emitted after them.
fn ends_block(op: &Op) -> bool {
    op.conditional_jump().is_some()
        || matches!(op, Op::Ret { .. } | Op::Throw { .. } | Op::Rethrow { .. } | Op::JAlways { .. } | Op::Switch { .. })
}

/// Ops lowered as a call (of HL code, a native or the allocator).
fn calls(op: &Op) -> bool {
    op.direct_callee().is_some() || matches!(op, Op::CallMethod { .. } | Op::CallThis { .. } | Op::CallClosure { .. } | Op::New { .. })
}

/// The registers an op reads: every register it names but the one it
/// writes, unless it also names that one as an operand (`add r1, r1, r2`)
/// or steps it in place (`incr`, `decr`); and `this` for the ops on it.
fn reads(op: &Op) -> Vec<Reg> {
    let mut named = Vec::new();
    op.registers(|r| named.push(r));
    // These read `this`, register 0, without naming it.
    if matches!(op, Op::GetThis { .. } | Op::SetThis { .. } | Op::CallThis { .. }) {
        named.push(Reg(0));
    }
    if let (Some(w), false) = (op.written(), matches!(op, Op::Incr { .. } | Op::Decr { .. })) {
        if let Some(p) = named.iter().position(|&r| r == w) {
            named.remove(p);
        }
    }
    named
}

#[cfg(test)]
mod tests {
    use super::analyse;
    use hlbc::opcodes::{Jump, Op};
    use hlbc::{FunIdx, Reg};

    fn call(dst: u32, arg: u32) -> Op {
        Op::Call1 { dst: Reg(dst), fun: FunIdx(0), a0: Reg(arg) }
    }

    /// `r1 = f(r0); r2 = f(r0); r3 = f(r1); loop { r4 = f(r0) }`: r1 is live
    /// across the second call and dies at the third, before the loop.
    fn program() -> Vec<Op> {
        vec![
            call(1, 0),
            call(2, 0),
            call(3, 1),
            Op::Label {},
            call(4, 0),
            Op::JAlways { offset: Jump(-3) },
        ]
    }

    #[test]
    fn a_pointer_live_across_a_call_is_cleared_where_it_dies_in_a_function_that_loops() {
        let d = analyse(&program(), &[true; 5]).expect("r1 qualifies");
        assert_eq!(d.slot, [false, true, false, false, false]);
        assert_eq!(d.after[2], [Reg(1)]);
        assert!(d.after.iter().enumerate().all(|(i, a)| i == 2 || a.is_empty()));
    }

    #[test]
    fn ops_on_this_read_register_0() {
        // r1 = f(r0); r2 = f(r1); getthis r3,[0]; loop { r4 = f(r2) }
        let ops = vec![
            call(1, 0),
            call(2, 1),
            Op::GetThis { dst: Reg(3), field: hlbc::FieldIdx(0) },
            Op::Label {},
            call(4, 2),
            Op::JAlways { offset: Jump(-3) },
        ];
        let d = analyse(&ops, &[true; 5]).expect("r0 is live across the second call");
        assert_eq!(d.slot, [true, false, false, false, false]);
        assert_eq!(d.after[2], [Reg(0)]);
        assert!(d.after[0].is_empty());
    }

    #[test]
    fn registers_used_in_loops_non_pointers_and_loop_free_functions_are_left_alone() {
        // r0 is used in the loop; r1 is not a pointer.
        assert!(analyse(&program(), &[true, false, true, true, true]).is_none());
        // Without the loop: no function that returns soon is touched.
        assert!(analyse(&program()[..3], &[true; 5]).is_none());
    }
}
