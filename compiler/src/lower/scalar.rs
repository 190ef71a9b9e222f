//! Objects that never need to exist: scalar replacement of allocations.
//!
//! A register that only ever holds objects this function allocates (`ONew`),
//! and that the function only reads and writes the fields of, can keep each
//! field in a variable of its own: the allocation, the stores and the loads
//! all disappear. After splicing (`splice.rs`) this covers small value
//! classes built by helper functions, `add(square(z), c)` on a `Complex`.
//!
//! Registers are grouped by moves between them: a move copies every field
//! variable, so the group must never see one object through two registers
//! with different contents. Hence the rules, per group (all of one type):
//! - each register is written only by `ONew` or by a move from the group, and
//!   read only as the object of `OField`/`OSetField`, by `ONullCheck`, or by
//!   a move into the group: no reference to the object is ever taken, so
//!   nothing else can read or write it;
//! - a field is written only while the object is *fresh*: after its `ONew`
//!   in the same block with no move of the register in between, so no other
//!   register of the group holds the same object yet (objects are copied only
//!   once they are complete, which is how constructors inlined by Haxe build
//!   them);
//! - the register holds an object wherever it is read (definite assignment),
//!   so the variables never stand for `null`;
//! - no argument, no address-taken register, no function with a trap (whose
//!   handler reads registers from memory).

use super::cfg::OpBlocks;
use hlbc::opcodes::Op;
use hlbc::{Reg, TypeIdx};

/// Which registers live in field variables.
#[derive(Default)]
pub struct Scalars {
    pub of: Vec<bool>,
}

impl Scalars {
    pub fn is(&self, r: Reg) -> bool {
        self.of.get(r.idx()).copied().unwrap_or(false)
    }
}

/// Finds the registers of `ops` that can live in field variables.
/// `candidate`: registers of an object or struct type that are not
/// arguments and whose address is not taken; `types`: each register's type;
/// `fits(i)`: op `i`, a field access, reads or writes a value of the field's
/// own representation.
pub fn analyse(ops: &[Op], candidate: &[bool], types: &[TypeIdx], fits: &dyn Fn(usize) -> bool) -> Scalars {
    let n = candidate.len();
    if !candidate.iter().any(|&c| c) || !ops.iter().any(|o| matches!(o, Op::New { dst } if candidate[dst.idx()])) {
        return Scalars::default();
    }
    let cand = |r: Reg| candidate.get(r.idx()).copied().unwrap_or(false);
    let mut bad = vec![false; n];
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::New { .. } | Op::NullCheck { .. } => {}
            Op::Field { dst, obj, .. } => {
                bad[dst.idx()] = true;
                if cand(*obj) && !fits(i) {
                    bad[obj.idx()] = true;
                }
            }
            Op::SetField { obj, src, .. } => {
                bad[src.idx()] = true;
                if cand(*obj) && !fits(i) {
                    bad[obj.idx()] = true;
                }
            }
            Op::Mov { dst, src } if cand(*dst) && cand(*src) && types[dst.idx()] == types[src.idx()] => {
                let (a, b) = (find(&mut parent, dst.idx()), find(&mut parent, src.idx()));
                parent[a] = b;
            }
            _ => op.registers(|r| {
                if let Some(b) = bad.get_mut(r.idx()) {
                    *b = true;
                }
            }),
        }
    }
    if ops.iter().any(|o| matches!(o, Op::Trap { .. })) {
        return Scalars::default();
    }
    let g = OpBlocks::new(ops);
    // Fields are written only while the object is fresh.
    for b in 0..g.len() {
        let mut fresh = vec![false; n];
        for i in g.ops(b) {
            match &ops[i] {
                Op::New { dst } => fresh[dst.idx()] = true,
                Op::Mov { dst, src } => {
                    fresh[dst.idx()] = false;
                    fresh[src.idx()] = false;
                }
                Op::SetField { obj, .. } if !fresh[obj.idx()] => bad[obj.idx()] = true,
                _ => {}
            }
        }
    }
    // Definite assignment: the registers surely holding an object.
    let words = n.div_ceil(64);
    let get = |s: &[u64], r: usize| s[r / 64] >> (r % 64) & 1 == 1;
    let put = |s: &mut [u64], r: usize, v: bool| {
        if v {
            s[r / 64] |= 1 << (r % 64)
        } else {
            s[r / 64] &= !(1 << (r % 64))
        }
    };
    let step = |s: &mut Vec<u64>, i: usize| match &ops[i] {
        Op::New { dst } => put(s, dst.idx(), true),
        Op::Mov { dst, src } => {
            let v = get(s, src.idx());
            put(s, dst.idx(), v)
        }
        op => {
            if let Some(w) = op.written() {
                put(s, w.idx(), false)
            }
        }
    };
    let entry = |outs: &[Option<Vec<u64>>], b: usize| -> Vec<u64> {
        let mut s = vec![!0u64; words];
        if b == 0 {
            s.iter_mut().for_each(|w| *w = 0);
        }
        for &p in &g.preds[b] {
            if let Some(o) = &outs[p] {
                s.iter_mut().zip(o).for_each(|(a, b)| *a &= b);
            }
        }
        s
    };
    let outs = g.forward(entry, step);
    for b in 0..g.len() {
        let mut s = entry(&outs, b);
        for i in g.ops(b) {
            let read = match &ops[i] {
                Op::Field { obj, .. } | Op::SetField { obj, .. } => Some(*obj),
                Op::NullCheck { reg } => Some(*reg),
                Op::Mov { src, .. } => Some(*src),
                _ => None,
            };
            if let Some(r) = read.filter(|&r| cand(r)) {
                if !get(&s, r.idx()) {
                    bad[r.idx()] = true;
                }
            }
            step(&mut s, i);
        }
    }
    // A group is replaced whole or not at all.
    let mut group_bad = vec![false; n];
    for r in 0..n {
        if bad[r] || !candidate[r] {
            let root = find(&mut parent, r);
            group_bad[root] = true;
        }
    }
    let of = (0..n).map(|r| candidate[r] && !group_bad[find(&mut parent, r)]).collect();
    Scalars { of }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hlbc::opcodes::Jump;
    use hlbc::FieldIdx;

    fn run(ops: &[Op], n: usize) -> Vec<bool> {
        let candidate = vec![true; n];
        let types = vec![TypeIdx(1); n];
        analyse(ops, &candidate, &types, &|_| true).of
    }

    /// `c = new; c.0 = x; d = c; y = d.0; return y`: both registers are replaced.
    #[test]
    fn built_then_copied_objects_are_replaced() {
        let ops = [
            Op::New { dst: Reg(0) },
            Op::SetField { obj: Reg(0), field: FieldIdx(0), src: Reg(2) },
            Op::Mov { dst: Reg(1), src: Reg(0) },
            Op::Field { dst: Reg(3), obj: Reg(1), field: FieldIdx(0) },
            Op::Ret { src: Reg(3) },
        ];
        let mut cand = vec![true, true, false, false];
        let types = vec![TypeIdx(1); 4];
        assert_eq!(analyse(&ops, &cand, &types, &|_| true).of, [true, true, false, false]);
        // A field access of another representation keeps the group in memory.
        assert_eq!(analyse(&ops, &cand, &types, &|i| i != 3).of, [false; 4]);
        // So does a register of another type.
        let mixed = vec![TypeIdx(1), TypeIdx(2), TypeIdx(0), TypeIdx(0)];
        assert_eq!(analyse(&ops, &cand, &mixed, &|_| true).of, [false; 4]);
        cand[1] = false;
        assert_eq!(analyse(&ops, &cand, &types, &|_| true).of, [false; 4]);
    }

    /// Escapes, stores into a shared object and reads of a possibly null
    /// register each keep the group in memory.
    #[test]
    fn escaping_shared_or_unassigned_objects_stay() {
        // Returned: escapes.
        let ret = [Op::New { dst: Reg(0) }, Op::Ret { src: Reg(0) }];
        assert_eq!(run(&ret, 1), [false]);
        // Stored into another object: escapes (and the holder too).
        let stored = [Op::New { dst: Reg(0) }, Op::New { dst: Reg(1) }, Op::SetField { obj: Reg(1), field: FieldIdx(0), src: Reg(0) }];
        assert_eq!(run(&stored, 2), [false, true]);
        // A store after a copy: both registers see the one object.
        let shared = [
            Op::New { dst: Reg(0) },
            Op::Mov { dst: Reg(1), src: Reg(0) },
            Op::SetField { obj: Reg(1), field: FieldIdx(0), src: Reg(2) },
            Op::Field { dst: Reg(3), obj: Reg(0), field: FieldIdx(0) },
        ];
        let cand = [true, true, false, false];
        assert_eq!(analyse(&shared, &cand, &[TypeIdx(1); 4], &|_| true).of, [false; 4]);
        // A store in a later block than the allocation.
        let later = [
            Op::New { dst: Reg(0) },
            Op::JTrue { cond: Reg(1), offset: Jump(0) },
            Op::SetField { obj: Reg(0), field: FieldIdx(0), src: Reg(1) },
        ];
        assert_eq!(analyse(&later, &[true, false], &[TypeIdx(1); 2], &|_| true).of, [false, false]);
        // Allocated on one path only: the read may see null.
        let maybe = [
            Op::JTrue { cond: Reg(1), offset: Jump(1) },
            Op::New { dst: Reg(0) },
            Op::Field { dst: Reg(2), obj: Reg(0), field: FieldIdx(0) },
        ];
        assert_eq!(analyse(&maybe, &[true, false, false], &[TypeIdx(1); 3], &|_| true).of, [false; 3]);
        // A loop: allocated before it and again in it, read at its head.
        let looped = [
            Op::New { dst: Reg(0) },
            Op::Field { dst: Reg(2), obj: Reg(0), field: FieldIdx(0) }, // 1: loop head
            Op::New { dst: Reg(1) },
            Op::SetField { obj: Reg(1), field: FieldIdx(0), src: Reg(2) },
            Op::Mov { dst: Reg(0), src: Reg(1) },
            Op::JAlways { offset: Jump(-5) },
        ];
        assert_eq!(analyse(&looped, &[true, true, false], &[TypeIdx(1); 3], &|_| true).of, [true, true, false]);
        // Any other use (a call argument, a null test) is an escape.
        let called = [Op::New { dst: Reg(0) }, Op::Call1 { dst: Reg(1), fun: hlbc::FunIdx(0), a0: Reg(0) }];
        assert_eq!(analyse(&called, &[true, false], &[TypeIdx(1); 2], &|_| true).of, [false, false]);
        let tested = [Op::New { dst: Reg(0) }, Op::JNull { reg: Reg(0), offset: Jump(0) }];
        assert_eq!(run(&tested, 1), [false]);
    }
}
