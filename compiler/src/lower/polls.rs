//! Where a function polls for the GC. Every cycle of a function's control
//! flow must pass a poll, so that a thread spinning in a loop that neither
//! allocates nor calls a native still reaches a safe point; beyond that, a
//! poll is only a cost. Every cycle contains a backward jump (fallthrough
//! only goes forward), so the targets of backward jumps — loop heads — are
//! the candidates. A loop head's poll is dropped when every path from it back
//! to itself passes another loop head that still polls: an outer loop whose
//! every iteration enters an inner loop (`for (i ...) for (j ...)`) is left to
//! the inner loop's poll. Outer heads are looked at first, so inner loops keep
//! theirs (an inner loop's own back-edge passes no other head).

use super::function::jump_targets;
use hlbc::opcodes::Op;

/// Above this many (loop head × op) steps the analysis is skipped and every
/// loop head polls: a pathological function still compiles in bounded time.
const BUDGET: usize = 50_000_000;

/// For each op index (and the end, `ops.len()`), whether a poll goes at the
/// start of its block.
pub fn poll_points(ops: &[Op]) -> Vec<bool> {
    let n = ops.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let mut polls = vec![false; n + 1];
    let mut targets = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        targets.clear();
        jump_targets(op, i, &mut targets);
        for &t in &targets {
            if t <= n {
                succ[i].push(t);
                if t <= i {
                    polls[t] = true;
                }
            }
        }
        // A trap's handler counts as reached from the `OTrap` itself: a path
        // that skips the protected ops is a superset of the real ones, so
        // this can only keep more polls, never drop one that is needed.
        if !matches!(op, Op::Ret { .. } | Op::Throw { .. } | Op::Rethrow { .. } | Op::JAlways { .. }) {
            succ[i].push(i + 1);
        }
    }
    let heads: Vec<usize> = (0..=n).filter(|&h| polls[h]).collect();
    if heads.len().saturating_mul(n + 1) > BUDGET {
        return polls;
    }
    let mut seen = vec![false; n + 1];
    let mut stack = Vec::new();
    for &h in &heads {
        seen.iter_mut().for_each(|s| *s = false);
        stack.clear();
        stack.extend_from_slice(&succ[h]);
        let mut cycles = false;
        while let Some(i) = stack.pop() {
            if i == h {
                cycles = true;
                break;
            }
            if seen[i] || polls[i] {
                continue;
            }
            seen[i] = true;
            stack.extend_from_slice(&succ[i]);
        }
        if !cycles {
            polls[h] = false;
        }
    }
    polls
}

#[cfg(test)]
mod tests {
    use super::poll_points;
    use hlbc::opcodes::{Jump, Op};
    use hlbc::Reg;

    fn heads(ops: &[Op]) -> Vec<usize> {
        poll_points(ops).iter().enumerate().filter(|(_, &p)| p).map(|(i, _)| i).collect()
    }

    /// `label; jsgte a,b -> exit; ...; jalways label`, `body` ops in between.
    fn counted(body: Vec<Op>) -> Vec<Op> {
        let n = body.len() as i32;
        let mut ops = vec![Op::Label {}, Op::JSGte { a: Reg(1), b: Reg(2), offset: Jump(n + 1) }];
        ops.extend(body);
        ops.push(Op::JAlways { offset: Jump(-(n + 3)) });
        ops
    }

    #[test]
    fn a_single_loop_polls_at_its_head() {
        let mut ops = counted(vec![Op::Incr { dst: Reg(1) }]);
        ops.push(Op::Ret { src: Reg(0) });
        assert_eq!(heads(&ops), [0]);
    }

    #[test]
    fn an_outer_loop_that_always_enters_an_inner_loop_leaves_the_poll_to_it() {
        let mut ops = vec![Op::Label {}, Op::JSGte { a: Reg(1), b: Reg(2), offset: Jump(6) }];
        ops.extend(counted(vec![Op::Incr { dst: Reg(3) }])); // ops 2..=5
        ops.push(Op::Incr { dst: Reg(1) }); // 6
        ops.push(Op::JAlways { offset: Jump(-8) }); // 7 -> 0
        ops.push(Op::Ret { src: Reg(0) }); // 8
        assert_eq!(heads(&ops), [2]);
    }

    #[test]
    fn an_outer_loop_that_can_skip_its_inner_loop_keeps_its_poll() {
        let mut ops = vec![Op::Label {}, Op::JSGte { a: Reg(1), b: Reg(2), offset: Jump(7) }];
        ops.push(Op::JTrue { cond: Reg(4), offset: Jump(4) }); // 2 -> 7, past the inner loop
        ops.extend(counted(vec![Op::Incr { dst: Reg(3) }])); // ops 3..=6
        ops.push(Op::Incr { dst: Reg(1) }); // 7
        ops.push(Op::JAlways { offset: Jump(-9) }); // 8 -> 0
        ops.push(Op::Ret { src: Reg(0) }); // 9
        assert_eq!(heads(&ops), [0, 3]);
    }

    #[test]
    fn two_loops_in_sequence_each_poll() {
        let mut ops = counted(vec![Op::Incr { dst: Reg(1) }]);
        ops.extend(counted(vec![Op::Incr { dst: Reg(1) }]));
        ops.push(Op::Ret { src: Reg(0) });
        assert_eq!(heads(&ops), [0, 4]);
    }
}
