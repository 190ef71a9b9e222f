//! Inlining at the bytecode level: a direct call to a small function is
//! replaced by a copy of the callee's ops, on registers of its own, before
//! the caller is lowered.
//!
//! Cranelift's inliner (`inline.rs`) sees only IR, where an object is a
//! pointer to memory. Splicing the bytecode instead lets the caller's
//! analyses see through the call: an object a callee allocates and the
//! caller only reads the fields of never needs to exist (`scalar.rs`), and
//! fields stay known across the call (`fieldcache.rs`).
//!
//! A spliced callee is a leaf ([`super::inline::is_leaf`]) that may also
//! allocate objects (`ONew` of a class or struct, which runs no
//! constructor), check for null and call other spliced functions. It cannot
//! loop or call other Haxe code, and it throws only from a null check, whose
//! trace shows the frames splicing removed; allocation may collect, which
//! scans the caller's frame as it would any other. Each of its registers that is not
//! an argument is written before it is read on every path, so a copy in a
//! loop does not see the previous iteration's values where the callee would
//! see zeroes.
//!
//! The spliced ops keep the position of the call in the caller's debug
//! information: machine code maps back to the call's op ([`Spliced::origin`]).
//! A callee's null check may fail: then the trace gets the spliced
//! functions' frames back ([`Spliced::frames`]), so it reads as HashLink's.

use hlbc::opcodes::{Jump, Op};
use hlbc::{FunIdx, Function, Module, Reg, Type};
use std::sync::Arc;

/// The most ops a caller grows by through splicing.
pub const MAX_GROWTH: usize = 2000;
/// The most ops a spliced body may have (its own callees spliced in).
pub const MAX_BODY: usize = 120;

/// The frames of spliced functions an op comes from, innermost first:
/// `(position in Module::functions, op)`.
pub type Frames = Arc<[(u32, u32)]>;

/// A caller with callees spliced in.
pub struct Spliced {
    pub function: Function,
    /// For each op of `function`, the op of the original caller it comes
    /// from (a spliced op: the call), for source positions.
    pub origin: Vec<u32>,
    /// For each op of `function`, the frames of the spliced functions it
    /// comes from, innermost first: `(position in Module::functions, op)`.
    /// Empty for the caller's own ops. A null check that fails there puts
    /// them in the stack trace (`hlc_null_access_inlined`).
    pub frames: Vec<Frames>,
}

impl Spliced {
    /// Function `f` as a body to splice, with nothing spliced into it.
    pub fn plain(f: &Function) -> Spliced {
        let none: Frames = Arc::new([]);
        Spliced { function: f.clone(), origin: (0..f.ops.len() as u32).collect(), frames: vec![none; f.ops.len()] }
    }
}

/// Whether the leaf `f` may be spliced: every register it reads that is not
/// an argument was written before on every path (ops run in order, jumps go
/// forward only).
pub fn assigns_before_reads(m: &Module, f: &Function) -> bool {
    let nargs = match m.ty(f.ty) {
        Type::Fun(ft) | Type::Method(ft) => ft.args.len(),
        _ => return false,
    };
    let n = f.ops.len();
    let words = f.regs.len().div_ceil(64);
    // Registers surely written at the start of each op; `None`: not reached yet.
    let mut at: Vec<Option<Vec<u64>>> = vec![None; n + 1];
    let mut start = vec![0u64; words];
    // Arguments and void registers (which hold nothing) count as written.
    for (r, &t) in f.regs.iter().enumerate() {
        if r < nargs || matches!(m.ty(t), Type::Void) {
            start[r / 64] |= 1 << (r % 64);
        }
    }
    at[0] = Some(start);
    let meet = |slot: &mut Option<Vec<u64>>, s: &[u64]| match slot {
        Some(old) => old.iter_mut().zip(s).for_each(|(o, n)| *o &= n),
        None => *slot = Some(s.to_vec()),
    };
    for (i, op) in f.ops.iter().enumerate() {
        let Some(mut s) = at[i].take() else { continue };
        let written = op.written();
        let mut ok = true;
        op.registers(|r| {
            if Some(r) != written && s[r.idx() / 64] >> (r.idx() % 64) & 1 == 0 {
                ok = false;
            }
        });
        // `OIncr`/`ODecr` read the register they write.
        if matches!(op, Op::Incr { .. } | Op::Decr { .. }) {
            if let Some(r) = written {
                ok &= s[r.idx() / 64] >> (r.idx() % 64) & 1 == 1;
            }
        }
        if !ok {
            return false;
        }
        if let Some(r) = written {
            s[r.idx() / 64] |= 1 << (r.idx() % 64);
        }
        let mut targets = Vec::new();
        super::function::jump_targets(op, i, &mut targets);
        for t in targets {
            if t <= i || t > n {
                return false;
            }
            meet(&mut at[t], &s);
        }
        if !super::cfg::terminates(op) {
            meet(&mut at[i + 1], &s);
        }
    }
    true
}

/// Splices into `caller` every direct call (op `i` calling `fun`) for which
/// `callee(fun)` gives the callee's position and the body to splice (the
/// callee, itself spliced); `None` if there is none.
pub fn splice(
    m: &Module,
    caller: &Function,
    callee: &mut dyn FnMut(FunIdx) -> Option<(usize, Arc<Spliced>)>,
) -> Option<Spliced> {
    // The callee spliced at each op: its position, its body, and how each of
    // its arguments arrives.
    type Choice = (usize, Arc<Spliced>, Vec<Arg>);
    let mut chosen: Vec<Option<Choice>> = vec![None; caller.ops.len()];
    let mut growth = 0usize;
    for (i, op) in caller.ops.iter().enumerate() {
        let Some(fun) = op.direct_callee() else { continue };
        let Some((gfi, body)) = callee(fun) else { continue };
        let g = &body.function;
        if g.findex == caller.findex || growth + g.ops.len() * 2 > MAX_GROWTH {
            continue;
        }
        let args = call_args(op);
        let nargs = match m.ty(g.ty) {
            Type::Fun(ft) | Type::Method(ft) => ft.args.len(),
            _ => continue,
        };
        let void = |r: Reg, regs: &[hlbc::TypeIdx]| matches!(m.ty(regs[r.idx()]), Type::Void);
        // A result the caller keeps must come from a value.
        let returns_value = g.ops.iter().all(|o| !matches!(o, Op::Ret { src } if void(*src, &g.regs)));
        if args.len() != nargs || nargs > g.regs.len() || (keeps(m, caller, op) && !returns_value) {
            continue;
        }
        // An argument the callee never writes is the caller's register
        // itself (when of the same type): a constructor then fills the very
        // register `ONew` wrote, which keeps the object fresh (`scalar.rs`).
        let mut written = vec![false; nargs];
        for gop in &g.ops {
            if let Some(w) = gop.written().filter(|w| w.idx() < nargs) {
                written[w.idx()] = true;
            }
        }
        let how = args
            .iter()
            .enumerate()
            .map(|(k, &a)| if !written[k] && caller.regs[a.idx()] == g.regs[k] { Arg::Same(a) } else { Arg::Moved })
            .collect();
        growth += g.ops.len() * 2 + nargs;
        chosen[i] = Some((gfi, body.clone(), how));
    }
    if chosen.iter().all(Option::is_none) {
        return None;
    }

    // Where each op of the caller starts in the result.
    let mut start = Vec::with_capacity(caller.ops.len() + 1);
    let mut at = 0usize;
    for (i, op) in caller.ops.iter().enumerate() {
        start.push(at);
        at += match &chosen[i] {
            Some((_, g, how)) => how.iter().filter(|h| matches!(h, Arg::Moved)).count() + layout(&g.function, keeps(m, caller, op)).1,
            None => 1,
        };
    }
    start.push(at);

    let mut out = Function {
        ty: caller.ty,
        findex: caller.findex,
        regs: caller.regs.clone(),
        ops: Vec::with_capacity(at),
        debug: Vec::new(),
        assigns: caller
            .assigns
            .iter()
            .map(|&(n, k)| (n, if k >= 0 { start.get(k as usize).map_or(k, |&s| s as i32) } else { k }))
            .collect(),
    };
    let mut origin = Vec::with_capacity(at);
    let none: Frames = Arc::new([]);
    let mut frames: Vec<Frames> = Vec::with_capacity(at);
    for (i, op) in caller.ops.iter().enumerate() {
        let here = out.ops.len();
        debug_assert_eq!(here, start[i]);
        let Some((gfi, body, how)) = &chosen[i] else {
            let mut op = op.clone();
            // A jump from op `i` to op `t` now goes from `here` to `start[t]`.
            op.map_jumps(|off| start[(i as i64 + 1 + off) as usize] as i64 - (here as i64 + 1));
            out.ops.push(op);
            origin.push(i as u32);
            frames.push(none.clone());
            continue;
        };
        let g = &body.function;
        // The frames of the body's op `k`: its own, then the callee's at the op it comes from.
        let frames_of = |k: usize| -> Frames {
            body.frames[k].iter().copied().chain(std::iter::once((*gfi as u32, body.origin[k]))).collect()
        };
        let base = out.regs.len() as u32;
        out.regs.extend_from_slice(&g.regs);
        let args = call_args(op);
        let rename = |r: Reg| match how.get(r.idx()) {
            Some(Arg::Same(a)) => *a,
            _ => Reg(r.0 + base),
        };
        // The other arguments are moved into the callee's registers.
        for (k, &a) in args.iter().enumerate() {
            if matches!(how[k], Arg::Moved) {
                out.ops.push(Op::Mov { dst: Reg(base + k as u32), src: a });
                frames.push(none.clone());
            }
        }
        let body = out.ops.len();
        let end = start[i + 1];
        let dst = op.written().expect("a call writes its result");
        let keep = keeps(m, caller, op);
        let (gstart, _) = layout(g, keep);
        for (k, gop) in g.ops.iter().enumerate() {
            let mut gop = match gop {
                Op::GetThis { dst, field } => Op::Field { dst: *dst, obj: Reg(0), field: *field },
                Op::SetThis { field, src } => Op::SetField { obj: Reg(0), field: *field, src: *src },
                other => other.clone(),
            };
            gop.map_registers(rename);
            // Jumps inside the callee keep their targets.
            gop.map_jumps(|off| {
                let from = body + gstart[k];
                let to = body + gstart[(k as i64 + 1 + off) as usize];
                to as i64 - (from as i64 + 1)
            });
            let fr = frames_of(k);
            match gop {
                // The result goes to the call's register, control to the op
                // after the call.
                Op::Ret { src } => {
                    if keep {
                        out.ops.push(Op::Mov { dst, src });
                        frames.push(fr.clone());
                    }
                    if k + 1 < g.ops.len() || !keep {
                        let from = out.ops.len();
                        out.ops.push(Op::JAlways { offset: Jump((end as i64 - (from as i64 + 1)) as i32) });
                        frames.push(fr);
                    }
                }
                other => {
                    out.ops.push(other);
                    frames.push(fr);
                }
            }
        }
        debug_assert_eq!(out.ops.len(), end);
        origin.resize(end, i as u32);
    }
    if !caller.debug.is_empty() {
        out.debug = origin.iter().map(|&o| caller.debug[o as usize]).collect();
    }
    Some(Spliced { function: out, origin, frames })
}

/// How an argument reaches a spliced callee.
#[derive(Clone, Copy)]
enum Arg {
    /// The callee reads the caller's register.
    Same(Reg),
    /// A move copies it into the callee's register.
    Moved,
}

/// Whether a spliced call keeps the callee's result (its register is not void).
fn keeps(m: &Module, caller: &Function, call: &Op) -> bool {
    let dst = call.written().expect("a call writes its result");
    !matches!(m.ty(caller.regs[dst.idx()]), Type::Void)
}

/// Where each op of callee `g` starts in its spliced body (and the end, at
/// `g.ops.len()`), and the body's length: a return becomes a move of the
/// result (when kept) and a jump to the end (unless it is the last op).
fn layout(g: &Function, keep: bool) -> (Vec<usize>, usize) {
    let mut at = 0;
    let mut starts = Vec::with_capacity(g.ops.len() + 1);
    for (k, op) in g.ops.iter().enumerate() {
        starts.push(at);
        at += match op {
            Op::Ret { .. } => usize::from(keep) + usize::from(k + 1 < g.ops.len() || !keep),
            _ => 1,
        };
    }
    starts.push(at);
    (starts, at)
}

/// The argument registers of a direct call.
fn call_args(op: &Op) -> Vec<Reg> {
    match op {
        Op::Call0 { .. } => vec![],
        Op::Call1 { a0, .. } => vec![*a0],
        Op::Call2 { a0, a1, .. } => vec![*a0, *a1],
        Op::Call3 { a0, a1, a2, .. } => vec![*a0, *a1, *a2],
        Op::Call4 { a0, a1, a2, a3, .. } => vec![*a0, *a1, *a2, *a3],
        Op::CallN { args, .. } => args.0.clone(),
        _ => vec![],
    }
}
