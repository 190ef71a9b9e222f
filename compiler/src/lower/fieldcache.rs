//! Object fields kept in SSA values across branches and calls.
//!
//! Cranelift forgets what memory holds wherever control flow joins after a
//! call, even a call on a path that never runs. Writing an `Array<Int>`
//! element is `if (i >= a.length) a.__expand(i); a.bytes[i] = v`, so a
//! loop that swaps two elements reloads `a.length` and `a.bytes` at every
//! access. gcc keeps `a.bytes` in a register and reloads it on the cold path
//! only; this pass does the same at the HL level.
//!
//! A *pair* `(o, f)` is field `f` of the object in register `o`, read at
//! least twice in the function. A forward data-flow finds where each pair's
//! current value is known: after it is read or stored, until `o` is written,
//! a pointer-or-number is stored into field `f` of an object whose class is
//! `o`'s or one of its ancestors or descendants (fields of one index are one
//! field along a class hierarchy, and an object register holds instances
//! of its class and its subclasses only), or an op that may write
//! object fields otherwise runs (calls, dynamic and virtual stores: see
//! [`super::facts::keeps_fields`]). After such an op, the pairs known before
//! it and read again later (a backward analysis) are loaded again at once,
//! so a join after a cold call still knows them; a read where its pair is
//! known uses the value instead of a load. A read also loads the other pairs
//! of its object read later (the object is not null there), so that
//! `i < a.length ? a.bytes[i] : 0` does not know `a.bytes` in one arm only.
//!
//! A loop head is a join like any other when no other thread runs the
//! program's code (`across_loops`: an executable that gets no loop polls,
//! [`super::polls::needed_by_executable`]): a pair read before a loop and
//! neither stored nor forgotten in it stays in a register through the loop,
//! as gcc keeps HL/C's `a->length` (`for (i in 1...a.length) a[i] ...`).
//! Otherwise a loop head forgets every pair: a loop that waits for another
//! thread to set a field reads it on every iteration, as without this pass. Registers
//! whose address is taken, functions with traps (their registers live in
//! stack slots) and modules that reinterpret pointers get no pairs.

use super::cfg::OpBlocks;
use super::facts::{keeps_fields, RegKind};
use hlbc::opcodes::Op;
use hlbc::{FieldIdx, Reg};

/// The most pairs a function caches (one bit each).
pub const MAX_PAIRS: usize = 64;

/// What the lowering needs, per op.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldCache {
    /// The pairs cached.
    pub pairs: Vec<(Reg, FieldIdx)>,
    /// The pair an op reads or stores (`OField`, `OGetThis`, `OSetField`, `OSetThis`).
    pub pair: Vec<Option<u8>>,
    /// Whether the pair an op reads is known before it: the read uses the value.
    pub hit: Vec<bool>,
    /// Pairs to load again right after each op (a bit set).
    pub reload: Vec<u64>,
}

/// The field access of an op: (object register, field, whether it stores).
fn access(op: &Op) -> Option<(Reg, FieldIdx, bool)> {
    match *op {
        Op::Field { obj, field, .. } => Some((obj, field, false)),
        Op::GetThis { field, .. } => Some((Reg(0), field, false)),
        Op::SetField { obj, field, .. } => Some((obj, field, true)),
        Op::SetThis { field, .. } => Some((Reg(0), field, true)),
        _ => None,
    }
}

pub fn analyse(
    ops: &[Op],
    kinds: &[RegKind],
    address_taken: &[bool],
    has_trap: bool,
    sound: bool,
    across_loops: bool,
    related: &dyn Fn(Reg, Reg) -> bool,
) -> FieldCache {
    let n = ops.len();
    let mut out = FieldCache { pairs: Vec::new(), pair: vec![None; n], hit: vec![false; n], reload: vec![0; n] };
    if has_trap || !sound {
        return out;
    }
    let object = |r: Reg| {
        kinds.get(r.idx()) == Some(&RegKind::Object) && !address_taken.get(r.idx()).copied().unwrap_or(true)
    };
    // Candidate pairs: read at least twice; the most read first.
    let mut reads: Vec<((Reg, FieldIdx), usize)> = Vec::new();
    for op in ops {
        if let Some((o, f, false)) = access(op) {
            if object(o) {
                match reads.iter_mut().find(|(p, _)| *p == (o, f)) {
                    Some((_, c)) => *c += 1,
                    None => reads.push(((o, f), 1)),
                }
            }
        }
    }
    reads.retain(|&(_, c)| c >= 2);
    if reads.is_empty() {
        return out;
    }
    reads.sort_by_key(|&(_, c)| std::cmp::Reverse(c));
    reads.truncate(MAX_PAIRS);
    out.pairs = reads.into_iter().map(|(p, _)| p).collect();
    let index = |o: Reg, f: FieldIdx| out.pairs.iter().position(|&p| p == (o, f)).map(|k| k as u8);
    for (i, op) in ops.iter().enumerate() {
        out.pair[i] = access(op).and_then(|(o, f, _)| index(o, f));
    }
    // Bit sets of pairs by object register and by field.
    let of_reg = |r: Reg| -> u64 {
        out.pairs.iter().enumerate().filter(|(_, p)| p.0 == r).fold(0, |m, (k, _)| m | 1 << k)
    };
    // The pairs a store to field `f` of the object in `o` may write: the
    // same field of objects whose classes are `o`'s or related to it.
    let of_field = |o: Reg, f: FieldIdx| -> u64 {
        out.pairs.iter().enumerate().filter(|(_, p)| p.1 == f && related(p.0, o)).fold(0, |m, (k, _)| m | 1 << k)
    };
    // What an op does to the set of pairs: (kept, added), or None if it may
    // write any object field.
    let effect = |i: usize, op: &Op, live_after: &[u64]| -> Option<(u64, u64)> {
        let mut keep = !0u64;
        let mut add = 0u64;
        match access(op) {
            Some((o, f, true)) if object(o) => {
                keep &= !of_field(o, f);
                add |= out.pair[i].map_or(0, |k| 1 << k);
            }
            // A store through a virtual may reach any object's field.
            Some((_, _, true)) => return None,
            // The object is not null: its other pairs read later are loaded too.
            Some((o, _, false)) if out.pair[i].is_some() => add |= of_reg(o) & live_after[i] | 1 << out.pair[i].unwrap_or(0),
            Some((_, _, false)) => {}
            None if !keeps_fields(op, sound) => return None,
            None => {}
        }
        if let Some(d) = op.written() {
            keep &= !of_reg(d);
            add &= !of_reg(d);
        }
        Some((keep, add))
    };
    let g = OpBlocks::new(ops);
    let nb = g.len();
    // Backward: pairs read later before anything forgets them.
    let mut live_in = vec![0u64; nb];
    let forgets = |b: usize| g.loop_head[b] && !across_loops;
    let live_out = |live_in: &[u64], b: usize| g.succs[b].iter().filter(|&&s| !forgets(s)).fold(0, |m, &s| m | live_in[s]);
    let mut live_after = vec![0u64; n];
    let mut changed = true;
    while changed {
        changed = false;
        for b in (0..nb).rev() {
            let mut live = live_out(&live_in, b);
            for i in g.ops(b).rev() {
                live_after[i] = live;
                live = match effect(i, &ops[i], &live_after) {
                    None => 0,
                    Some((keep, _)) => {
                        let read = match access(&ops[i]) {
                            Some((_, _, false)) => out.pair[i].map_or(0, |k| 1u64 << k),
                            _ => 0,
                        };
                        let written = ops[i].written().map_or(0, of_reg);
                        // Reads happen before the op's own write.
                        (live & keep & !written) | read
                    }
                };
            }
            if live != live_in[b] {
                live_in[b] = live;
                changed = true;
            }
        }
    }
    // Forward: pairs known before each op (None: block not reached yet).
    let transfer = |i: usize, known: u64| -> u64 {
        match effect(i, &ops[i], &live_after) {
            None => known & live_after[i],
            Some((keep, add)) => (known & keep) | add,
        }
    };
    let entry = |outs: &[Option<u64>], b: usize| -> u64 {
        if b == 0 || g.handler[b] || forgets(b) {
            return 0;
        }
        g.preds[b].iter().filter_map(|&p| outs[p]).fold(None, |m: Option<u64>, o| Some(m.map_or(o, |m| m & o))).unwrap_or(0)
    };
    let outs = g.forward(entry, |known, i| *known = transfer(i, *known));
    for b in 0..nb {
        let mut known = entry(&outs, b);
        for i in g.ops(b) {
            if let (Some(k), Some((_, _, false))) = (out.pair[i], access(&ops[i])) {
                out.hit[i] = known >> k & 1 == 1;
            }
            let after = transfer(i, known);
            out.reload[i] = match effect(i, &ops[i], &live_after) {
                None => after,
                // A read loads the pairs of its object it makes known besides its own.
                Some(_) if matches!(access(&ops[i]), Some((_, _, false))) => {
                    after & !known & !out.pair[i].map_or(0, |k| 1u64 << k)
                }
                Some(_) => 0,
            };
            known = after;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hlbc::opcodes::Jump;
    use RegKind::*;

    /// `a.length` and `a.bytes` read at each of two element writes, with a
    /// cold call between them: reading `a.length` loads `a.bytes` too, and
    /// the later reads use the values, reloaded after the calls.
    #[test]
    fn a_call_on_one_path_reloads_what_is_read_after_the_join() {
        let (len, bytes) = (FieldIdx(0), FieldIdx(1));
        let a = Reg(1);
        let kinds = [Object, Object, Value, Pointer, Value];
        let ops = vec![
            Op::Field { dst: Reg(2), obj: a, field: len },                    // 0: load
            Op::JSLt { a: Reg(4), b: Reg(2), offset: Jump(1) },               // 1 -> 3
            Op::Call1 { dst: Reg(2), fun: hlbc::FunIdx(0), a0: a },           // 2: __expand: reload len, bytes
            Op::Field { dst: Reg(3), obj: a, field: bytes },                  // 3: hit (loaded with len)
            Op::Field { dst: Reg(2), obj: a, field: len },                    // 4: hit
            Op::JSLt { a: Reg(4), b: Reg(2), offset: Jump(1) },               // 5 -> 7
            Op::Call1 { dst: Reg(2), fun: hlbc::FunIdx(0), a0: a },           // 6: reload both
            Op::Field { dst: Reg(3), obj: a, field: bytes },                  // 7: hit
            Op::Ret { src: Reg(4) },                                          // 8
        ];
        let c = analyse(&ops, &kinds, &[false; 5], false, true, false, &|_, _| true);
        assert_eq!(c.pairs, vec![(a, len), (a, bytes)]);
        let hits: Vec<usize> = (0..ops.len()).filter(|&i| c.hit[i]).collect();
        assert_eq!(hits, [3, 4, 7]);
        assert_eq!(c.reload[0], 0b10);
        // After the first call both are read again; after the second, only `bytes`.
        assert_eq!(c.reload[2], 0b11);
        assert_eq!(c.reload[6], 0b10);
    }

    /// A store to the same field of another register, a write of the object
    /// register, and a loop head each forget the pair.
    #[test]
    fn stores_writes_and_loop_heads_forget() {
        let f = FieldIdx(0);
        let kinds = [Object, Object, Value, Object];
        let read = |dst: u32| Op::Field { dst: Reg(dst), obj: Reg(1), field: f };
        for (k, between) in [
            Op::SetField { obj: Reg(3), field: f, src: Reg(2) },
            Op::Mov { dst: Reg(1), src: Reg(3) },
        ]
        .into_iter()
        .enumerate()
        {
            let ops = vec![read(2), between, read(2), Op::Ret { src: Reg(2) }];
            assert!(!analyse(&ops, &kinds, &[false; 4], false, true, false, &|_, _| true).hit[2], "case {k}");
        }
        // A store of this very pair is its value.
        let ops = vec![read(2), Op::SetField { obj: Reg(1), field: f, src: Reg(2) }, read(2), Op::Ret { src: Reg(2) }];
        assert!(analyse(&ops, &kinds, &[false; 4], false, true, false, &|_, _| true).hit[2]);
        // A loop: read before it and in it; the read in the loop loads.
        let ops = vec![
            read(2),                                                          // 0
            Op::Label {},                                                     // 1: loop head
            read(2),                                                          // 2: miss
            read(2),                                                          // 3: hit
            Op::JTrue { cond: Reg(2), offset: Jump(-4) },                     // 4 -> 1
            Op::Ret { src: Reg(2) },                                          // 5
        ];
        let c = analyse(&ops, &kinds, &[false; 4], false, true, false, &|_, _| true);
        assert_eq!((c.hit[2], c.hit[3]), (false, true));
        // Where no other thread runs the program, the loop keeps what it
        // neither stores nor forgets: both reads in it use the value.
        let c = analyse(&ops, &kinds, &[false; 4], false, true, true, &|_, _| true);
        assert_eq!((c.hit[2], c.hit[3]), (true, true));
        // Address taken, traps or reinterpreted pointers: nothing is cached.
        assert!(analyse(&ops, &kinds, &[false, true, false, false], false, true, false, &|_, _| true).pairs.is_empty());
        assert!(analyse(&ops, &kinds, &[false; 4], true, true, false, &|_, _| true).pairs.is_empty());
        assert!(analyse(&ops, &kinds, &[false; 4], false, false, false, &|_, _| true).pairs.is_empty());
    }

    /// Kept across loops, a pair is still forgotten by a store to its field
    /// of another object of a related class in the loop: the read at the
    /// head loads again, as does the read after the loop. A call in the loop
    /// reloads the pairs read after it, so the head knows them.
    #[test]
    fn a_loop_that_stores_the_field_forgets_at_its_head() {
        let f = FieldIdx(0);
        let kinds = [Object, Object, Value, Object];
        let read = |dst: u32| Op::Field { dst: Reg(dst), obj: Reg(1), field: f };
        let looped = |between: Op| {
            vec![
                read(2),                                                      // 0
                Op::Label {},                                                 // 1: loop head
                read(2),                                                      // 2
                between,                                                      // 3
                Op::JTrue { cond: Reg(2), offset: Jump(-4) },                 // 4 -> 1
                read(2),                                                      // 5
                Op::Ret { src: Reg(2) },                                      // 6
            ]
        };
        let store = Op::SetField { obj: Reg(3), field: f, src: Reg(2) };
        let call = Op::Call1 { dst: Reg(2), fun: hlbc::FunIdx(0), a0: Reg(3) };
        let c = analyse(&looped(store.clone()), &kinds, &[false; 4], false, true, true, &|_, _| true);
        assert_eq!((c.hit[2], c.hit[5]), (false, false));
        // Unless the other object's class is unrelated to this one's: then
        // its field of the same index is another field.
        let c = analyse(&looped(store), &kinds, &[false; 4], false, true, true, &|a, b| a == b);
        assert_eq!((c.hit[2], c.hit[5]), (true, true));
        let c = analyse(&looped(call), &kinds, &[false; 4], false, true, true, &|_, _| true);
        assert_eq!((c.hit[2], c.hit[5], c.reload[3]), (true, true, 1));
    }
}
