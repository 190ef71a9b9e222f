//! What the bytecode proves about registers at each op: null checks that
//! are redundant, and virtuals whose fields are still their own.
//!
//! ## Redundant null checks
//!
//! The Haxe compiler emits `ONullCheck r` before every field access and
//! method call on a nullable register, so a loop over an array checks the
//! array on every iteration, and `vel.x += 1; vel.y += 1` reads `this.vel`
//! into a fresh register and checks it twice. A forward data-flow over the
//! function's ops finds the registers known non-null before each op, and the
//! lowering emits no check for those. A register is known non-null when, on
//! every path, it was checked by an earlier `ONullCheck`, made by `ONew`,
//! copied from a known register, or read from an object field known
//! non-null; it stops being known when it is written.
//!
//! A field `(o, f)` (field `f` of the object in register `o`) becomes known
//! non-null when a register read from it is checked, or a known register is
//! stored into it. It stops being known when `o` is written, when a pointer
//! is stored into field `f` of any object (fields of one index have one type
//! in a class hierarchy, so a number stored there cannot clear a pointer),
//! and at any op that may write object fields otherwise: calls, dynamic and
//! virtual stores, and — in a module that reinterprets pointers as bytes
//! ([`super::memory_regions_sound`]) — stores to bytes, arrays and
//! references. Registers whose address is taken may change through the
//! reference, so they and their fields are never known; a trap handler
//! starts knowing nothing.
//!
//! ## Virtuals with their own fields
//!
//! A virtual made by `ONew` holds its fields' data itself, and its field
//! pointers point into it (the runtime's `hl_alloc_virtual`, at the offsets of
//! [`hlbc::layout::VirtualLayout`]). They move elsewhere only when dynamic code
//! adds a field to that virtual, which needs a reference to it. So from its
//! `ONew` until the register is written or the virtual may be reached from
//! anywhere else, its fields are at fixed offsets, and an object literal's
//! field stores need neither the field pointer nor the dynamic fallback. The
//! virtual stays its own while the register is only read by `OField`,
//! `OSetField` (as the object, not the value stored) and `ONullCheck`; any
//! other op naming the register (a copy, a call, a store of it) ends it.

use hlbc::opcodes::Op;
use hlbc::{FieldIdx, Reg};

/// What the analysis needs to know of a register's type.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RegKind {
    /// An object or struct: its fields live at fixed slots.
    Object,
    /// A virtual: its fields may be another object's, at other indexes.
    Virtual,
    /// Any other value that may be null.
    Pointer,
    /// A number or boolean: never null.
    Value,
}

/// What is known at one point of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Facts {
    /// Registers known non-null (a bit set).
    regs: Vec<u64>,
    /// `(register, object register, field)`: the register holds what it read
    /// from that field, which has not been written since. Sorted.
    origin: Vec<(u32, u32, u32)>,
    /// `(object register, field)` known non-null. Sorted.
    fields: Vec<(u32, u32)>,
    /// Registers holding a virtual made here that nothing else reaches (a bit set).
    own: Vec<u64>,
}

fn bit(set: &[u64], r: Reg) -> bool {
    set.get(r.idx() / 64).is_some_and(|w| w >> (r.idx() % 64) & 1 == 1)
}

impl Facts {
    fn empty(nregs: usize) -> Facts {
        let words = nregs.div_ceil(64);
        Facts { regs: vec![0; words], origin: Vec::new(), fields: Vec::new(), own: vec![0; words] }
    }

    fn known(&self, r: Reg) -> bool {
        bit(&self.regs, r)
    }

    /// What both `self` and `other` know.
    fn meet(&mut self, other: &Facts) {
        for (w, o) in self.regs.iter_mut().zip(&other.regs) {
            *w &= *o;
        }
        for (w, o) in self.own.iter_mut().zip(&other.own) {
            *w &= *o;
        }
        self.origin.retain(|e| other.origin.binary_search(e).is_ok());
        self.fields.retain(|e| other.fields.binary_search(e).is_ok());
    }

    /// Register `r` gets a new value.
    fn write(&mut self, r: Reg) {
        self.regs[r.idx() / 64] &= !(1 << (r.idx() % 64));
        self.disown(r);
        self.origin.retain(|&(d, o, _)| d != r.0 && o != r.0);
        self.fields.retain(|&(o, _)| o != r.0);
    }

    /// The virtual in `r` may now be reached from elsewhere.
    fn disown(&mut self, r: Reg) {
        self.own[r.idx() / 64] &= !(1 << (r.idx() % 64));
    }

    /// Fields may have changed: nothing is known of any.
    fn forget_fields(&mut self) {
        self.origin.clear();
        self.fields.clear();
    }

    /// A pointer may have been stored into field `f` of some object.
    fn forget_field(&mut self, f: FieldIdx) {
        self.origin.retain(|&(_, _, g)| g != f.0);
        self.fields.retain(|&(_, g)| g != f.0);
    }

    fn insert_field(&mut self, o: Reg, f: FieldIdx) {
        if let Err(at) = self.fields.binary_search(&(o.0, f.0)) {
            self.fields.insert(at, (o.0, f.0));
        }
    }
}

/// What [`analyse`] proves, per op.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proven {
    /// Whether the op is an `ONullCheck` of a register already known non-null.
    pub redundant_null: Vec<bool>,
    /// Whether the op reads a virtual made by `ONew` in this function that
    /// owns its fields (see the module documentation): the object of an
    /// `OField` or `OSetField`, the source of an `OToVirtual`. Such a virtual
    /// is not null and its type is its register's.
    pub own_virtual: Vec<bool>,
}

/// What the bytecode proves at each op. `kinds` gives each register's
/// [`RegKind`]; `sound` is [`super::memory_regions_sound`] for the module.
pub fn analyse(ops: &[Op], kinds: &[RegKind], address_taken: &[bool], sound: bool) -> Proven {
    let n = ops.len();
    let nregs = kinds.len();
    let mut out = Proven { redundant_null: vec![false; n], own_virtual: vec![false; n] };
    let kind = |r: Reg| kinds.get(r.idx()).copied().unwrap_or(RegKind::Pointer);
    if !ops.iter().any(|o| matches!(o, Op::NullCheck { .. }) || matches!(o, Op::New { dst } if kind(*dst) == RegKind::Virtual)) {
        return out;
    }
    let g = super::cfg::OpBlocks::new(ops);
    let nb = g.len();
    let tracked = |r: Reg| !address_taken.get(r.idx()).copied().unwrap_or(true);
    let transfer = |set: &mut Facts, op: &Op| {
        // Any op naming an own virtual's register other than to reach its
        // fields may let it be reached from elsewhere.
        match op {
            Op::Field { .. } | Op::NullCheck { .. } | Op::GetThis { .. } => {}
            Op::SetField { src, .. } | Op::SetThis { src, .. } => set.disown(*src),
            // The receiver, register 0, is passed without being named.
            Op::CallThis { .. } => {
                set.disown(Reg(0));
                op.registers(|r| set.disown(r));
            }
            _ => op.registers(|r| set.disown(r)),
        }
        let add = |set: &mut Facts, r: Reg| {
            if tracked(r) {
                set.regs[r.idx() / 64] |= 1 << (r.idx() % 64);
            }
        };
        // A read of field `f` of `o` into `dst`.
        let read = |set: &mut Facts, dst: Reg, o: Reg, f: FieldIdx| {
            let known = set.fields.binary_search(&(o.0, f.0)).is_ok();
            set.write(dst);
            if kind(o) != RegKind::Object || kind(dst) == RegKind::Value || !tracked(o) || dst == o {
                return;
            }
            if known {
                add(set, dst);
            } else if tracked(dst) {
                let e = (dst.0, o.0, f.0);
                if let Err(at) = set.origin.binary_search(&e) {
                    set.origin.insert(at, e);
                }
            }
        };
        // A store of `src` into field `f` of `o`.
        let store = |set: &mut Facts, o: Reg, f: FieldIdx, src: Reg| {
            if kind(o) != RegKind::Object {
                set.forget_fields();
                return;
            }
            if kind(src) == RegKind::Value {
                return;
            }
            set.forget_field(f);
            if set.known(src) && tracked(o) {
                set.insert_field(o, f);
            }
        };
        match op {
            Op::NullCheck { reg } => {
                add(set, *reg);
                let from: Vec<(u32, u32)> =
                    set.origin.iter().filter(|&&(d, _, _)| d == reg.0).map(|&(_, o, f)| (o, f)).collect();
                for (o, f) in from {
                    set.insert_field(Reg(o), FieldIdx(f));
                }
            }
            Op::New { dst } => {
                set.write(*dst);
                add(set, *dst);
                if kind(*dst) == RegKind::Virtual && tracked(*dst) {
                    set.own[dst.idx() / 64] |= 1 << (dst.idx() % 64);
                }
            }
            Op::Mov { dst, src } => {
                let k = set.known(*src);
                set.write(*dst);
                if k {
                    add(set, *dst);
                }
            }
            Op::Field { dst, obj, field } => read(set, *dst, *obj, *field),
            Op::GetThis { dst, field } => read(set, *dst, Reg(0), *field),
            Op::SetField { obj, field, src } => store(set, *obj, *field, *src),
            Op::SetThis { field, src } => store(set, Reg(0), *field, *src),
            _ => {
                if let Some(d) = op.written() {
                    set.write(d);
                }
                if !keeps_fields(op, sound) {
                    set.forget_fields();
                }
            }
        }
    };
    // What is known at the start of block `b`: nothing at the entry, in a
    // trap handler or in unreachable code; else what every predecessor ends
    // with (a predecessor not reached yet, `None`, adds no constraint).
    let entry = |outs: &[Option<Facts>], b: usize| {
        if b == 0 || g.handler[b] || g.preds[b].is_empty() {
            return Facts::empty(nregs);
        }
        let mut s: Option<Facts> = None;
        for p in &g.preds[b] {
            if let Some(o) = &outs[*p] {
                match &mut s {
                    None => s = Some(o.clone()),
                    Some(s) => s.meet(o),
                }
            }
        }
        s.unwrap_or_else(|| Facts::empty(nregs))
    };
    let outs = g.forward(entry, |set, i| transfer(set, &ops[i]));
    // Final pass: what holds before each op.
    for b in 0..nb {
        let mut set = entry(&outs, b);
        for (i, op) in ops.iter().enumerate().take(g.end(b)).skip(g.starts[b]) {
            match op {
                Op::NullCheck { reg } => out.redundant_null[i] = set.known(*reg),
                Op::Field { obj: v, .. } | Op::SetField { obj: v, .. } | Op::ToVirtual { src: v, .. } => {
                    out.own_virtual[i] = bit(&set.own, *v)
                }
                _ => {}
            }
            transfer(&mut set, op);
        }
    }
    out
}

/// Ops that write no object field (other than the field stores the
/// analysis follows itself). Stores to bytes, arrays and references reach
/// object fields only by reinterpreting pointers, which `sound` rules out.
pub(super) fn keeps_fields(op: &Op, sound: bool) -> bool {
    match op {
        Op::SetI8 { .. } | Op::SetI16 { .. } | Op::SetMem { .. } | Op::SetArray { .. } | Op::Setref { .. } => sound,
        op if op.registers_only() => true,
        Op::Bytes { .. }
        | Op::String { .. }
        | Op::GetGlobal { .. }
        | Op::SetGlobal { .. }
        | Op::Field { .. }
        | Op::GetThis { .. }
        | Op::Ret { .. }
        | Op::NullCheck { .. }
        | Op::GetI8 { .. }
        | Op::GetI16 { .. }
        | Op::GetMem { .. }
        | Op::GetArray { .. }
        | Op::New { .. }
        | Op::ArraySize { .. }
        | Op::Type { .. }
        | Op::GetType { .. }
        | Op::GetTID { .. }
        | Op::EnumIndex { .. }
        | Op::EnumField { .. }
        | Op::UnsafeCast { .. } => true,
        _ => op.conditional_jump().is_some() || matches!(op, Op::JAlways { .. } | Op::Switch { .. }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hlbc::opcodes::Jump;

    fn check(r: u32) -> Op {
        Op::NullCheck { reg: Reg(r) }
    }

    fn redundant(ops: &[Op], kinds: &[RegKind], address_taken: &[bool], sound: bool) -> Vec<bool> {
        analyse(ops, kinds, address_taken, sound).redundant_null
    }

    fn own_virtual(ops: &[Op], kinds: &[RegKind]) -> Vec<bool> {
        analyse(ops, kinds, &vec![false; kinds.len()], true).own_virtual
    }

    /// An object literal: `new` then field stores, with a call and a branch
    /// between them that do not see the virtual.
    #[test]
    fn a_new_virtual_owns_its_fields_until_it_is_passed_on() {
        use RegKind::*;
        let kinds = [Object, Virtual, Value, Pointer, Virtual];
        let (a, b) = (hlbc::FieldIdx(0), hlbc::FieldIdx(1));
        let ops = vec![
            Op::New { dst: Reg(1) },                                    // 0
            Op::SetField { obj: Reg(1), field: a, src: Reg(2) },        // 1: own
            Op::Call1 { dst: Reg(3), fun: hlbc::FunIdx(0), a0: Reg(2) }, // 2: does not see r1
            Op::JTrue { cond: Reg(2), offset: Jump(1) },                // 3 -> 5
            Op::Int { dst: Reg(2), value: hlbc::IntIdx(0) },            // 4
            Op::SetField { obj: Reg(1), field: b, src: Reg(3) },        // 5: own on both paths
            Op::Field { dst: Reg(2), obj: Reg(1), field: a },           // 6: own
            check(1),                                                   // 7
            Op::ToVirtual { dst: Reg(4), src: Reg(1) },                 // 8: own, then passed on
            Op::SetField { obj: Reg(1), field: a, src: Reg(2) },        // 9: not own
            Op::Ret { src: Reg(0) },                                    // 10
        ];
        let got = own_virtual(&ops, &kinds);
        let want: Vec<bool> = (0..ops.len()).map(|i| matches!(i, 1 | 5 | 6 | 8)).collect();
        assert_eq!(got, want);
    }

    /// Each way the virtual may be reached from elsewhere, or replaced, ends it.
    #[test]
    fn a_virtual_copied_stored_or_overwritten_is_not_own() {
        use RegKind::*;
        let kinds = [Object, Virtual, Value, Virtual, Object];
        let a = hlbc::FieldIdx(0);
        let enders = [
            Op::Mov { dst: Reg(3), src: Reg(1) },                       // a copy
            Op::SetField { obj: Reg(4), field: a, src: Reg(1) },        // stored into an object
            Op::SetField { obj: Reg(1), field: a, src: Reg(1) },        // stored into itself
            Op::ToDyn { dst: Reg(4), src: Reg(1) },                     // boxed
            Op::Null { dst: Reg(1) },                                   // overwritten
            Op::Ref { dst: Reg(4), src: Reg(1) },                       // its register's address
        ];
        for op in enders {
            let ops = vec![
                Op::New { dst: Reg(1) },
                op.clone(),
                Op::SetField { obj: Reg(1), field: a, src: Reg(2) },
                Op::Ret { src: Reg(0) },
            ];
            assert!(!own_virtual(&ops, &kinds)[2], "{op:?} must end it");
        }
        // One path that passes it on is enough.
        let ops = vec![
            Op::New { dst: Reg(1) },                                    // 0
            Op::JTrue { cond: Reg(2), offset: Jump(1) },                // 1 -> 3
            Op::Call1 { dst: Reg(3), fun: hlbc::FunIdx(0), a0: Reg(1) }, // 2
            Op::SetField { obj: Reg(1), field: a, src: Reg(2) },        // 3
            Op::Ret { src: Reg(0) },                                    // 4
        ];
        assert!(!own_virtual(&ops, &kinds)[3]);
        // A register whose address is taken elsewhere is never own.
        let ops = vec![Op::New { dst: Reg(1) }, Op::SetField { obj: Reg(1), field: a, src: Reg(2) }, Op::Ret { src: Reg(0) }];
        assert!(own_virtual(&ops, &kinds)[1]);
        assert!(!analyse(&ops, &kinds, &[false, true, false, false, false], true).own_virtual[1]);
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
        assert_eq!(redundant(&ops, &[RegKind::Pointer; 4], &[false; 4], true), vec![false, false, false, true, false, false, false]);
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
        assert_eq!(redundant(&ops, &[RegKind::Pointer; 4], &[false; 4], true), vec![false, false, false, false, true, false, true, false]);
        // r1's address is taken: it may change through the reference.
        assert_eq!(redundant(&ops, &[RegKind::Pointer; 4], &[false, true, false, false], true), vec![false; 8]);
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
        assert_eq!(redundant(&ops, &[RegKind::Pointer; 3], &[false; 3], true), vec![false, false, false, false, false, true, false]);
    }

    /// `getthis r,[f]; nullcheck r` twice (what `vel.x *= k; vel.y *= k`
    /// compiles to): the second check is redundant, across a branch too.
    #[test]
    fn a_field_read_again_is_known_after_one_check() {
        use RegKind::*;
        let kinds = [Object, Object, Value, Object];
        let (f, x) = (hlbc::FieldIdx(1), hlbc::FieldIdx(0));
        let ops = vec![
            Op::GetThis { dst: Reg(1), field: f },                      // 0
            check(1),                                                   // 1: needed
            Op::SetField { obj: Reg(1), field: x, src: Reg(2) },        // 2: a number: keeps (this, f)
            Op::JTrue { cond: Reg(2), offset: Jump(2) },                // 3 -> 6
            Op::GetThis { dst: Reg(3), field: f },                      // 4
            check(3),                                                   // 5: redundant
            Op::GetThis { dst: Reg(1), field: f },                      // 6: joins 3 and 5
            check(1),                                                   // 7: redundant
            Op::Ret { src: Reg(2) },                                    // 8
        ];
        let want = vec![false, false, false, false, false, true, false, true, false];
        assert_eq!(redundant(&ops, &kinds, &[false; 4], true), want);
    }

    /// A pointer stored into a field of that index, a call, or (in a module
    /// that reinterprets pointers) a bytes store: the field must be checked again.
    #[test]
    fn stores_and_calls_forget_fields() {
        use RegKind::*;
        let kinds = [Object, Object, Pointer, Object, Pointer];
        let f = hlbc::FieldIdx(1);
        let read_and_check = |r: u32| [Op::GetThis { dst: Reg(r), field: f }, check(r)];
        let between = [
            Op::SetField { obj: Reg(3), field: f, src: Reg(4) },         // another object's field f
            Op::Call0 { dst: Reg(2), fun: hlbc::FunIdx(0) },
            Op::SetMem { bytes: Reg(4), index: Reg(2), src: Reg(2) },
        ];
        for (k, op) in between.iter().enumerate() {
            let mut ops: Vec<Op> = read_and_check(1).to_vec();
            ops.push(op.clone());
            ops.extend(read_and_check(3));
            ops.push(Op::Ret { src: Reg(2) });
            // The bytes store: in a module that reinterprets pointers.
            let sound = k != 2;
            let got = redundant(&ops, &kinds, &[false; 5], sound);
            assert!(!got[4], "op {k} ({op:?}) must forget the field");
            if k == 2 {
                // In a module that does not reinterpret pointers, bytes stores keep it.
                assert!(redundant(&ops, &kinds, &[false; 5], true)[4]);
            }
        }
    }
}
