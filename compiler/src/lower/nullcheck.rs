//! Null checks the bytecode proves redundant.
//!
//! The Haxe compiler emits `ONullCheck r` before every field access and
//! method call on a nullable register, so a loop over an array checks the
//! array on every iteration. A forward data-flow over the function's ops
//! finds the registers known non-null before each op — checked by an earlier
//! `ONullCheck` (or made by `ONew`, or copied from such a register) on every
//! path, and not written since — and the lowering emits no check for those.
//! Registers whose address is taken may change through the reference, so
//! they are never known; a trap handler starts knowing nothing.

use hlbc::opcodes::{Jump, Op};
use hlbc::Reg;

/// For each op, whether it is an `ONullCheck` of a register already known
/// non-null there.
pub fn redundant(ops: &[Op], nregs: usize, address_taken: &[bool]) -> Vec<bool> {
    let n = ops.len();
    let mut out = vec![false; n];
    if !ops.iter().any(|o| matches!(o, Op::NullCheck { .. })) {
        return out;
    }
    // Blocks: op 0, jump targets, and the op after any branch or terminator.
    let mut start = vec![false; n + 1];
    let mut handler = vec![false; n + 1];
    start[0] = true;
    let mut targets = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        targets.clear();
        successors(op, i, &mut targets);
        if ends_block(op) {
            start[i + 1] = true;
        }
        for &t in &targets {
            start[t.min(n)] = true;
        }
        if let Op::Trap { offset, .. } = op {
            handler[offset.target(i).min(n)] = true;
        }
    }
    let starts: Vec<usize> = (0..n).filter(|&i| start[i]).collect();
    let block_of = {
        let mut b = vec![0usize; n + 1];
        let mut k = 0;
        for (i, slot) in b.iter_mut().enumerate().take(n) {
            if k + 1 < starts.len() && starts[k + 1] == i {
                k += 1;
            }
            *slot = k;
        }
        b
    };
    let nb = starts.len();
    let end = |b: usize| if b + 1 < nb { starts[b + 1] } else { n };
    let words = nregs.div_ceil(64);
    let full = vec![u64::MAX; words];
    let empty = vec![0u64; words];
    // Predecessors of each block.
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); nb];
    for b in 0..nb {
        let last = end(b) - 1;
        let op = &ops[last];
        targets.clear();
        successors(op, last, &mut targets);
        if !terminates(op) {
            targets.push(last + 1);
        }
        for &t in &targets {
            if t < n {
                preds[block_of[t]].push(b);
            }
        }
    }
    let transfer = |set: &mut Vec<u64>, op: &Op| {
        let known = |set: &Vec<u64>, r: Reg| set[r.idx() / 64] >> (r.idx() % 64) & 1 == 1;
        let add = |set: &mut Vec<u64>, r: Reg| {
            if !address_taken.get(r.idx()).copied().unwrap_or(true) {
                set[r.idx() / 64] |= 1 << (r.idx() % 64);
            }
        };
        match op {
            Op::NullCheck { reg } => add(set, *reg),
            Op::New { dst } => add(set, *dst),
            Op::Mov { dst, src } => {
                let k = known(set, *src);
                set[dst.idx() / 64] &= !(1 << (dst.idx() % 64));
                if k {
                    add(set, *dst);
                }
            }
            _ => {
                if let Some(d) = op.written() {
                    set[d.idx() / 64] &= !(1 << (d.idx() % 64));
                }
            }
        }
    };
    // What is known at the start of block `b`: nothing at the entry, in a
    // trap handler or in unreachable code; else what every predecessor ends with.
    let entry = |outs: &[Vec<u64>], b: usize| {
        if b == 0 || handler[starts[b]] || preds[b].is_empty() {
            return empty.clone();
        }
        let mut s = full.clone();
        for &p in &preds[b] {
            for (w, o) in s.iter_mut().zip(&outs[p]) {
                *w &= *o;
            }
        }
        s
    };
    let mut outs: Vec<Vec<u64>> = vec![full.clone(); nb];
    let mut changed = true;
    while changed {
        changed = false;
        for b in 0..nb {
            let mut set = entry(&outs, b);
            for op in &ops[starts[b]..end(b)] {
                transfer(&mut set, op);
            }
            if set != outs[b] {
                outs[b] = set;
                changed = true;
            }
        }
    }
    // Final pass: mark checks of known registers.
    for (b, &start) in starts.iter().enumerate().take(nb) {
        let mut set = entry(&outs, b);
        for i in start..end(b) {
            if let Op::NullCheck { reg } = &ops[i] {
                out[i] = set.get(reg.idx() / 64).is_some_and(|w| w >> (reg.idx() % 64) & 1 == 1);
            }
            transfer(&mut set, &ops[i]);
        }
    }
    out
}

/// Ops after which control does not fall through.
fn terminates(op: &Op) -> bool {
    matches!(op, Op::Ret { .. } | Op::Throw { .. } | Op::Rethrow { .. } | Op::JAlways { .. })
}

/// Ops that end a block: terminators and branches.
fn ends_block(op: &Op) -> bool {
    let mut t = Vec::new();
    successors(op, 0, &mut t);
    terminates(op) || !t.is_empty() || matches!(op, Op::Trap { .. } | Op::EndTrap { .. })
}

/// The jump targets of the op at `i` (not its fall-through; not a trap's handler).
fn successors(op: &Op, i: usize, out: &mut Vec<usize>) {
    if let Some(j) = op.conditional_jump() {
        out.push(j.target(i));
        return;
    }
    match op {
        Op::JAlways { offset } => out.push(offset.target(i)),
        Op::Switch { targets, .. } => out.extend(targets.0.iter().map(|&t| Jump(t as i32).target(i))),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hlbc::opcodes::Jump;

    fn check(r: u32) -> Op {
        Op::NullCheck { reg: Reg(r) }
    }

    #[test]
    fn a_check_in_a_loop_after_one_before_it_is_redundant() {
        let ops = vec![
            check(1),                                                   // 0
            Op::Label {},                                               // 1: loop head
            Op::JSGte { a: Reg(2), b: Reg(3), offset: Jump(3) },        // 2 -> 6
            check(1),                                                   // 3: redundant
            Op::Incr { dst: Reg(2) },                                   // 4
            Op::JAlways { offset: Jump(-5) },                           // 5 -> 1
            Op::Ret { src: Reg(0) },                                    // 6
        ];
        assert_eq!(redundant(&ops, 4, &[false; 4]), vec![false, false, false, true, false, false, false]);
    }

    #[test]
    fn a_write_on_any_path_or_a_taken_address_keeps_the_check() {
        let ops = vec![
            check(1),                                                   // 0
            Op::JTrue { cond: Reg(2), offset: Jump(1) },                // 1 -> 3
            Op::Null { dst: Reg(1) },                                   // 2: one path writes r1
            check(1),                                                   // 3: needed
            check(1),                                                   // 4: redundant
            Op::Mov { dst: Reg(3), src: Reg(1) },                       // 5
            check(3),                                                   // 6: a copy is known too
            Op::Ret { src: Reg(0) },                                    // 7
        ];
        assert_eq!(redundant(&ops, 4, &[false; 4]), vec![false, false, false, false, true, false, true, false]);
        // r1's address is taken: it may change through the reference.
        assert_eq!(redundant(&ops, 4, &[false, true, false, false]), vec![false; 8]);
    }

    #[test]
    fn a_trap_handler_knows_nothing() {
        let ops = vec![
            Op::Trap { exc: Reg(2), offset: Jump(3) },                  // 0 -> handler 4
            check(1),                                                   // 1
            Op::EndTrap { flag: true },                                 // 2
            Op::JAlways { offset: Jump(1) },                            // 3 -> 5
            check(1),                                                   // 4: handler: needed
            check(1),                                                   // 5: joins 3 (known) and 4 (checked)
            Op::Ret { src: Reg(0) },                                    // 6
        ];
        assert_eq!(redundant(&ops, 3, &[false; 3]), vec![false, false, false, false, false, true, false]);
    }
}
