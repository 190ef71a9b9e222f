//! The basic blocks of a function's ops, for the lowering's data-flow
//! analyses (`facts.rs`, `fieldcache.rs`).

use hlbc::opcodes::{Jump, Op};

/// Blocks of ops: op 0, every jump target and the op after any branch or
/// terminator start one. A trap's handler is not an edge of the graph (it is
/// reached by `longjmp`): analyses start it knowing nothing.
pub struct OpBlocks {
    /// The first op of each block, ascending.
    pub starts: Vec<usize>,
    /// Predecessor blocks of each block.
    pub preds: Vec<Vec<usize>>,
    /// Successor blocks of each block.
    pub succs: Vec<Vec<usize>>,
    /// Whether each block starts a trap handler.
    pub handler: Vec<bool>,
    /// Whether each block is the target of a backward jump (a loop head).
    pub loop_head: Vec<bool>,
    n: usize,
}

impl OpBlocks {
    pub fn new(ops: &[Op]) -> OpBlocks {
        let n = ops.len();
        let mut start = vec![false; n + 1];
        let mut handler_at = vec![false; n + 1];
        let mut head_at = vec![false; n + 1];
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
                head_at[t.min(n)] |= t <= i;
            }
            if let Op::Trap { offset, .. } = op {
                handler_at[offset.target(i).min(n)] = true;
            }
        }
        let starts: Vec<usize> = (0..n).filter(|&i| start[i]).collect();
        let nb = starts.len();
        let mut block_of = vec![0usize; n + 1];
        let mut k = 0;
        for (i, slot) in block_of.iter_mut().enumerate().take(n) {
            if k + 1 < nb && starts[k + 1] == i {
                k += 1;
            }
            *slot = k;
        }
        let mut g = OpBlocks {
            handler: starts.iter().map(|&s| handler_at[s]).collect(),
            loop_head: starts.iter().map(|&s| head_at[s]).collect(),
            starts,
            preds: vec![Vec::new(); nb],
            succs: vec![Vec::new(); nb],
            n,
        };
        for b in 0..nb {
            let last = g.end(b) - 1;
            let op = &ops[last];
            targets.clear();
            successors(op, last, &mut targets);
            if !terminates(op) {
                targets.push(last + 1);
            }
            for &t in &targets {
                if t < n {
                    g.preds[block_of[t]].push(b);
                    g.succs[b].push(block_of[t]);
                }
            }
        }
        g
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// One past the last op of block `b`.
    pub fn end(&self, b: usize) -> usize {
        if b + 1 < self.starts.len() { self.starts[b + 1] } else { self.n }
    }

    /// The ops of block `b`.
    pub fn ops(&self, b: usize) -> std::ops::Range<usize> {
        self.starts[b]..self.end(b)
    }

    /// Runs a forward data-flow to its fixed point and returns what holds at
    /// the end of each block: `entry` gives what holds at the start of a
    /// block from its predecessors' ends (`None`: not reached yet), `step`
    /// applies op `i`.
    pub fn forward<S: Clone + PartialEq>(
        &self,
        entry: impl Fn(&[Option<S>], usize) -> S,
        mut step: impl FnMut(&mut S, usize),
    ) -> Vec<Option<S>> {
        let mut outs: Vec<Option<S>> = vec![None; self.len()];
        let mut changed = true;
        while changed {
            changed = false;
            for b in 0..self.len() {
                let mut s = entry(&outs, b);
                for i in self.ops(b) {
                    step(&mut s, i);
                }
                if outs[b].as_ref() != Some(&s) {
                    outs[b] = Some(s);
                    changed = true;
                }
            }
        }
        outs
    }
}

/// Ops after which control does not fall through.
pub fn terminates(op: &Op) -> bool {
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
