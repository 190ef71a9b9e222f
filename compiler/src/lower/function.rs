//! Translation of one HL function into Cranelift IR, op by op. The semantics
//! follow HashLink (its JIT is the reference): integer division by zero gives
//! 0, float-to-int conversion of out-of-range values gives the minimum
//! integer, shifts mask their count, and so on.
//!
//! Registers are Cranelift variables, except in functions with `OTrap`
//! (every register lives in a stack slot, so a handler reached through
//! `longjmp` reads the latest values) and registers whose address is taken
//! by `ORef` (always in a stack slot).

use super::runtime_fns::{self as rt, RtFn, K};
use super::types::{cl_type, dyn_suffix, is_float, is_signed_int};
use super::env::{Address, Callee, Env};
use super::polls::Poll;
use super::{Lowerer, LowerError};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types as clt, AliasRegionData, Block, FuncRef, Function, InstBuilder, MemFlagsData, SigRef, StackSlot, StackSlotData,
    StackSlotKind, TrapCode, Type as ClType, Value,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Switch, Variable};
use cranelift_module::FuncId;
use hlbc::opcodes::{Jump, Op};
use hlbc::{FieldIdx, FunIdx, Reg, Type, TypeIdx};
use std::collections::HashMap;

/// What the lowering's analyses need to know of a function's registers.
struct RegFacts {
    kinds: Vec<super::facts::RegKind>,
    /// Registers `ORef` takes the address of.
    address_taken: Vec<bool>,
    has_trap: bool,
    nargs: usize,
}

fn reg_facts(m: &hlbc::Module, f: &hlbc::Function) -> RegFacts {
    use super::facts::RegKind;
    let mut address_taken = vec![false; f.regs.len()];
    for op in &f.ops {
        if let Op::Ref { src, .. } = op {
            address_taken[src.idx()] = true;
        }
    }
    let kinds = f
        .regs
        .iter()
        .map(|&t| match m.ty(t) {
            Type::Obj(_) | Type::Struct(_) => RegKind::Object,
            Type::Virtual(_) => RegKind::Virtual,
            Type::Void | Type::U8 | Type::U16 | Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::Bool => RegKind::Value,
            _ => RegKind::Pointer,
        })
        .collect();
    let nargs = match m.ty(f.ty) {
        Type::Fun(ft) | Type::Method(ft) => ft.args.len(),
        _ => 0,
    };
    RegFacts { kinds, address_taken, has_trap: f.ops.iter().any(|o| matches!(o, Op::Trap { .. })), nargs }
}

/// Whether registers of types `a` and `b` may hold one object: unless both
/// are classes (or structs) and neither is an ancestor of the other.
fn related_classes(m: &hlbc::Module, a: hlbc::TypeIdx, b: hlbc::TypeIdx) -> bool {
    let descends = |mut t: hlbc::TypeIdx, from: hlbc::TypeIdx| loop {
        if t == from {
            return true;
        }
        match m.ty(t).as_obj() {
            Some(o) => match o.super_ {
                Some(s) => t = s,
                None => return false,
            },
            None => return true,
        }
    };
    m.ty(a).as_obj().is_none() || m.ty(b).as_obj().is_none() || descends(a, b) || descends(b, a)
}

/// The registers of `f` that live in field variables (`scalar.rs`).
fn scalars(m: &hlbc::Module, f: &hlbc::Function, rf: &RegFacts, ptr: ClType) -> super::scalar::Scalars {
    let candidate: Vec<bool> = (0..f.regs.len())
        .map(|r| !rf.has_trap && r >= rf.nargs && !rf.address_taken[r] && rf.kinds[r] == super::facts::RegKind::Object)
        .collect();
    if !candidate.iter().any(|&c| c) {
        return Default::default();
    }
    // A field access moves a value of the field's own representation.
    let fits = |i: usize| -> bool {
        let (obj, field, value) = match &f.ops[i] {
            Op::Field { dst, obj, field } => (*obj, *field, *dst),
            Op::SetField { obj, field, src } => (*obj, *field, *src),
            _ => return false,
        };
        hlbc::names::field_of(m, f.regs[obj.idx()], field)
            .is_some_and(|fd| cl_type(m, fd.ty, ptr) == cl_type(m, f.regs[value.idx()], ptr))
    };
    super::scalar::analyse(&f.ops, &candidate, &f.regs, &fits)
}

/// Where a register's value lives.
#[derive(Copy, Clone)]
enum Store {
    Void,
    Var(Variable, ClType),
    Slot(StackSlot, ClType),
    /// An address-taken register (`ORef`) of a function without traps: the
    /// value lives in the variable, and the slot is the memory the reference
    /// points at. The slot is written from the variable before anything that
    /// may read through a reference, and the variable reloaded after anything
    /// that may write through one (calls, `OUnref`/`OSetref`, memory ops) —
    /// only at ops a reference may be live at (`ref_reach`). So a loop
    /// counter whose address is taken once, for `std@itos` after the loop,
    /// stays in a machine register in the loop.
    Mirror(Variable, StackSlot, ClType),
}

struct FnLower<'a, 'f> {
    lw: &'a mut Lowerer,
    env: &'a mut dyn Env,
    m: &'a hlbc::Module,
    b: FunctionBuilder<'f>,
    /// The function lowered (its callees spliced in, `splice.rs`).
    f: &'a hlbc::Function,
    /// The bytecode's function, when `f` has callees spliced in.
    unspliced: Option<&'a hlbc::Function>,
    /// The op of the bytecode's function each op of `f` comes from, when
    /// they differ (`Spliced::origin`).
    origin: Option<&'a [u32]>,
    /// The frames of the spliced functions each op of `f` comes from
    /// (`Spliced::frames`).
    frames: Option<&'a [super::splice::Frames]>,
    regs: Vec<Store>,
    /// Objects that live in their fields' variables (`scalar.rs`).
    scalar: super::scalar::Scalars,
    /// The variable of each field of each such object that the function
    /// accesses.
    scalar_vars: HashMap<(Reg, FieldIdx), (Variable, ClType)>,
    /// The fields accessed on such objects, by type.
    scalar_fields: HashMap<TypeIdx, Vec<FieldIdx>>,
    /// The block starting at each op that is a jump target or follows a branch.
    blocks: Vec<Option<Block>>,
    /// The GC poll at the start of each op's block (loop heads, see `polls`).
    polls: Vec<Poll>,
    /// Pointer registers kept in slots that are cleared when they die.
    dead_slots: Option<super::deadslots::DeadSlots>,
    /// What the bytecode proves at each op (`facts.rs`).
    proven: super::facts::Proven,
    /// Object fields kept in values (`fieldcache.rs`).
    cache: super::fieldcache::FieldCache,
    /// The variable and type of each cached pair, or `None` where an access
    /// of the pair has another type than the field (the pair is not used).
    cache_vars: Vec<Option<(Variable, ClType)>>,
    /// Registers stored as [`Store::Mirror`].
    mirrored: Vec<Reg>,
    /// Ops reachable from an `ORef` of a mirrored register: where its slot
    /// and variable are kept in step.
    ref_reach: Vec<bool>,
    func_refs: HashMap<FuncId, FuncRef>,
    sigs: HashMap<Vec<u8>, SigRef>,
    /// Trap context slots, by nesting depth.
    traps: Vec<StackSlot>,
    /// The trap depth each `OTrap`/`OEndTrap` refers to (as HL/C tracks it).
    trap_slot_of_op: Vec<usize>,
    op_index: usize,
    /// Which ops are calls on a loop's cold path ([`cold_calls`]).
    cold_calls: Vec<bool>,
    /// Which ops start the out-of-range arm of an array read in a loop
    /// ([`default_reads`]).
    default_reads: Vec<bool>,
    terminated: bool,
    /// The target's pointer type.
    pt: ClType,
}

const MEM: MemFlagsData = MemFlagsData::new();

/// User ids of the alias regions (see `FnLower::mem_flags`): fields and array
/// elements one per value kind ([`type_code`]); unique across the compilation, as inlining requires.
const FIELD_REGION_BASE: u32 = 0x484c_0000;
const ELEMENT_REGION_BASE: u32 = 0x484c_0100;
const BYTES_REGION: u32 = 0x484c_0200;
/// `OBJECT_FIELD_REGION_BASE | type code << 20 | offset`: one region per
/// kind and offset of an object field no virtual can reach (`Data::ObjectField`).
const OBJECT_FIELD_REGION_BASE: u32 = 0x4000_0000;
/// Offsets up to this get their own region; fields further in share their kind's.
const OBJECT_FIELD_REGION_OFFSETS: i32 = 1 << 20;

/// What an access to program data reaches (see `FnLower::mem_flags`).
#[derive(Clone, Copy)]
enum Data {
    /// A field of an object, struct, virtual or enum value.
    Field,
    /// A field of an object at `offset` that no virtual's field pointer can
    /// reach (its name is no virtual field's): only object field accesses at
    /// that offset reach it, so each kind and offset is a region of its own.
    /// Values stored there stay known across stores to other fields.
    ObjectField { offset: i32 },
    /// An element of a native array (`OGetArray`, `OSetArray`).
    Element,
    /// Bytes (`OGetI8` ... `OSetMem`).
    Bytes,
    /// What a reference points at (`OUnref`, `OSetref`).
    Ref,
}

pub fn lower(
    lw: &mut Lowerer,
    env: &mut dyn Env,
    m: &hlbc::Module,
    f: &hlbc::Function,
    spliced: Option<(&hlbc::Function, &[u32], &[super::splice::Frames])>,
    func: &mut Function,
    fb: &mut FunctionBuilderContext,
) -> Result<(), LowerError> {
    let b = FunctionBuilder::new(func, fb);
    let pt = lw.ptr;
    let polls = if lw.target.loop_polls {
        let counter_ok = |r: Reg| f.regs.get(r.idx()).is_some_and(|&t| matches!(m.ty(t), Type::I32 | Type::I64));
        // Calls that return soon (natives, leaves, small functions without
        // loops) do not keep a loop from counting.
        let quick: std::collections::HashSet<FunIdx> =
            f.ops.iter().filter_map(Op::direct_callee).filter(|&fun| lw.quick_call(fun).is_some()).collect();
        let runs_code = |op: &Op| match op.direct_callee() {
            Some(fun) => !quick.contains(&fun),
            None => super::polls::calls_unknown_code(op),
        };
        super::polls::poll_points(&f.ops, &super::polls::Facts { counter_ok: &counter_ok, runs_code: &runs_code })
    } else {
        vec![Poll::None; f.ops.len() + 1]
    };
    let in_loop = ops_in_loops(&f.ops);
    let mut fl = FnLower {
        lw,
        env,
        m,
        b,
        f,
        unspliced: spliced.map(|s| s.0),
        origin: spliced.map(|s| s.1),
        frames: spliced.map(|s| s.2),
        regs: Vec::new(),
        scalar: Default::default(),
        scalar_vars: HashMap::new(),
        scalar_fields: HashMap::new(),
        blocks: vec![None; f.ops.len() + 1],
        polls,
        dead_slots: None,
        mirrored: Vec::new(),
        proven: Default::default(),
        cache: Default::default(),
        cache_vars: Vec::new(),
        ref_reach: vec![false; f.ops.len() + 1],
        func_refs: HashMap::new(),
        sigs: HashMap::new(),
        traps: Vec::new(),
        trap_slot_of_op: vec![0; f.ops.len()],
        op_index: 0,
        cold_calls: cold_calls(&f.ops, &in_loop),
        default_reads: default_reads(&f.ops, &in_loop),
        terminated: false,
        pt,
    };
    fl.run()?;
    let cfg = fl.env.module().target_config();
    fl.b.finalize(cfg);
    Ok(())
}

impl<'a> FnLower<'a, '_> {
    fn m(&self) -> &'a hlbc::Module {
        self.m
    }

    fn fun(&self) -> &'a hlbc::Function {
        self.f
    }

    fn error(&self, message: impl Into<String>) -> LowerError {
        let f = self.fun();
        let op = f.ops.get(self.op_index).map(|o| o.name()).unwrap_or("");
        LowerError {
            function: format!("fun@{} (op #{} {op})", f.findex.0, self.op_index),
            message: message.into(),
        }
    }

    fn run(&mut self) -> Result<(), LowerError> {
        let f = self.fun();
        let m = self.m();
        let RegFacts { kinds, address_taken, has_trap, nargs } = reg_facts(m, f);
        self.proven = super::facts::analyse(&f.ops, &kinds, &address_taken, self.lw.memory_regions);
        self.cache = super::fieldcache::analyse(
            &f.ops,
            &kinds,
            &address_taken,
            has_trap,
            self.lw.memory_regions,
            !self.lw.target.loop_polls,
            &|a, b| related_classes(m, f.regs[a.idx()], f.regs[b.idx()]),
        );
        self.scalar = scalars(m, f, &RegFacts { kinds: kinds.clone(), address_taken: address_taken.clone(), has_trap, nargs }, self.pt);
        self.declare_scalars();
        for k in 0..self.cache.pairs.len() {
            let v = if self.scalar.is(self.cache.pairs[k].0) { None } else { self.cache_var_for(f, k) };
            self.cache_vars.push(v);
        }
        let ptr = self.pt;
        let pointer: Vec<bool> = (0..f.regs.len())
            .map(|r| kinds[r] != super::facts::RegKind::Value && !address_taken[r] && !self.scalar.is(Reg(r as u32)))
            .collect();
        self.dead_slots = super::deadslots::analyse(&f.ops, &pointer);
        for (i, &t) in f.regs.iter().enumerate() {
            let cleared = self.dead_slots.as_ref().is_some_and(|d| d.slot[i]);
            let store = match cl_type(m, t, ptr) {
                _ if self.scalar.is(Reg(i as u32)) => Store::Void,
                None => Store::Void,
                Some(ty) if has_trap || address_taken[i] || cleared => {
                    let size = ty.bytes().max(8);
                    let slot = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, size, 3));
                    if has_trap || cleared {
                        Store::Slot(slot, ty)
                    } else {
                        self.mirrored.push(Reg(i as u32));
                        Store::Mirror(self.b.declare_var(ty), slot, ty)
                    }
                }
                Some(ty) => Store::Var(self.b.declare_var(ty), ty),
            };
            self.regs.push(store);
        }

        // Blocks: op 0, every jump target, and every op after a branch.
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        for (i, op) in f.ops.iter().enumerate() {
            let mut targets = Vec::new();
            jump_targets(op, i, &mut targets);
            if !targets.is_empty() {
                for t in targets {
                    self.block_at(t);
                }
                self.block_at(i + 1);
            }
            if matches!(op, Op::Ret { .. } | Op::Throw { .. } | Op::Rethrow { .. } | Op::JAlways { .. }) {
                self.block_at(i + 1);
            }
        }
        if !self.mirrored.is_empty() {
            self.ref_reach = ref_reach(&f.ops);
        }
        // Trap nesting, tracked linearly like HL/C.
        let mut depth = 0usize;
        let mut max_depth = 0usize;
        for (i, op) in f.ops.iter().enumerate() {
            match op {
                Op::Trap { .. } => {
                    self.trap_slot_of_op[i] = depth;
                    depth += 1;
                    max_depth = max_depth.max(depth);
                }
                Op::EndTrap { flag } => {
                    self.trap_slot_of_op[i] = depth.saturating_sub(1);
                    if *flag {
                        depth = depth.saturating_sub(1);
                    }
                }
                _ => {}
            }
        }
        let ctx_size = self.lw.target.jmp_buf_size + 2 * self.lw.target.layout.ptr;
        for _ in 0..max_depth {
            let s = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, (ctx_size + 15) & !15, 4));
            self.traps.push(s);
        }

        self.b.switch_to_block(entry);
        // Arguments fill the first registers; other registers start zeroed.
        let params: Vec<Value> = self.b.block_params(entry).to_vec();
        let mut pi = 0;
        let nargs = match m.ty(f.ty) {
            Type::Fun(ft) | Type::Method(ft) => ft.args.len(),
            _ => 0,
        };
        for r in 0..f.regs.len() {
            match self.regs[r] {
                Store::Void => {}
                Store::Var(_, ty) | Store::Slot(_, ty) | Store::Mirror(_, _, ty) => {
                    let v = if r < nargs && pi < params.len() {
                        pi += 1;
                        params[pi - 1]
                    } else {
                        self.zero(ty)
                    };
                    self.set(Reg(r as u32), v);
                }
            }
        }
        if let Some(b0) = self.blocks[0] {
            self.b.ins().jump(b0, &[]);
        } else {
            let b0 = self.b.create_block();
            self.blocks[0] = Some(b0);
            self.b.ins().jump(b0, &[]);
        }
        self.terminated = true;

        for (i, op) in f.ops.iter().enumerate() {
            self.op_index = i;
            // Machine code maps back to its op: stack traces resolve lines through it.
            let at = self.origin.map_or(i as u32, |o| o[i]);
            self.b.set_srcloc(cranelift_codegen::ir::SourceLoc::new(at));
            if let Some(blk) = self.blocks[i] {
                if !self.terminated {
                    self.b.ins().jump(blk, &[]);
                }
                self.b.switch_to_block(blk);
                self.terminated = false;
                match self.polls[i] {
                    Poll::None => {}
                    Poll::Flag => self.gc_poll(),
                    Poll::Counter(r) => self.gc_poll_counter(r),
                }
            } else if self.terminated {
                // Unreachable code after a return or throw: give it a block of its own.
                let blk = self.b.create_block();
                self.b.switch_to_block(blk);
                self.terminated = false;
            }
            self.op(i, op)?;
            self.reload_cached(i);
            self.clear_dead(i);
        }
        if !self.terminated {
            // Falling off the end: HL functions always return explicitly; trap if not.
            self.b.ins().trap(TrapCode::unwrap_user(1));
        }
        if let Some(Some(end)) = self.blocks.get(f.ops.len()).copied() {
            self.b.switch_to_block(end);
            self.b.ins().trap(TrapCode::unwrap_user(1));
        }
        self.b.seal_all_blocks();
        Ok(())
    }

    /// After op `i`: null into the slots of the registers whose value dies
    /// there (`deadslots.rs`), so the collector's stack scan no longer
    /// finds it.
    fn clear_dead(&mut self, i: usize) {
        let Some(d) = self.dead_slots.take() else { return };
        if !self.terminated {
            for &r in &d.after[i] {
                if let Store::Slot(s, t) = self.regs[r.idx()] {
                    let null = self.b.ins().iconst(t, 0);
                    self.b.ins().stack_store(self.pt, null, s, 0);
                }
            }
        }
        self.dead_slots = Some(d);
    }

    /// Declares the field variables of the registers that live in them
    /// (`scalar.rs`).
    fn declare_scalars(&mut self) {
        let f = self.fun();
        for op in &f.ops {
            if let Op::Field { obj, field, .. } | Op::SetField { obj, field, .. } = op {
                if self.scalar.is(*obj) {
                    let list = self.scalar_fields.entry(f.regs[obj.idx()]).or_default();
                    if !list.contains(field) {
                        list.push(*field);
                    }
                }
            }
        }
        for r in 0..f.regs.len() {
            let reg = Reg(r as u32);
            if !self.scalar.is(reg) {
                continue;
            }
            let fields = self.scalar_fields.get(&f.regs[r]).cloned().unwrap_or_default();
            for fid in fields {
                let Ok((_, fty)) = self.obj_field(f.regs[r], fid) else { continue };
                if let Some(ty) = cl_type(self.m(), fty, self.pt) {
                    let var = self.b.declare_var(ty);
                    self.scalar_vars.insert((reg, fid), (var, ty));
                }
            }
        }
    }

    /// Lowers op `op` if it allocates, copies or accesses an object that
    /// lives in field variables; whether it did.
    fn scalar_op(&mut self, op: &Op) -> bool {
        match op {
            Op::New { dst } if self.scalar.is(*dst) => {
                // A new object's fields are zero.
                for fid in self.scalar_fields.get(&self.rtype(*dst)).cloned().unwrap_or_default() {
                    if let Some(&(var, ty)) = self.scalar_vars.get(&(*dst, fid)) {
                        let z = self.zero(ty);
                        self.b.def_var(var, z);
                    }
                }
                true
            }
            Op::Mov { dst, src } if self.scalar.is(*dst) => {
                for fid in self.scalar_fields.get(&self.rtype(*dst)).cloned().unwrap_or_default() {
                    if let (Some(&(to, _)), Some(&(from, _))) = (self.scalar_vars.get(&(*dst, fid)), self.scalar_vars.get(&(*src, fid))) {
                        let v = self.b.use_var(from);
                        self.b.def_var(to, v);
                    }
                }
                true
            }
            Op::Field { dst, obj, field } if self.scalar.is(*obj) => {
                if let Some(&(var, _)) = self.scalar_vars.get(&(*obj, *field)) {
                    let v = self.b.use_var(var);
                    self.set(*dst, v);
                }
                true
            }
            Op::SetField { obj, field, src } if self.scalar.is(*obj) => {
                if let Some(&(var, ty)) = self.scalar_vars.get(&(*obj, *field)) {
                    let v = self.get(*src);
                    let v = self.coerce(v, ty);
                    self.b.def_var(var, v);
                }
                true
            }
            // It holds an object wherever it is read.
            Op::NullCheck { reg } => self.scalar.is(*reg),
            _ => false,
        }
    }

    /// A variable for cached pair `k` if every access of the pair has the
    /// field's type.
    fn cache_var_for(&mut self, f: &hlbc::Function, k: usize) -> Option<(Variable, ClType)> {
        let (o, fid) = self.cache.pairs[k];
        let (_, fty) = self.obj_field(f.regs[o.idx()], fid).ok()?;
        let ty = cl_type(self.m(), fty, self.pt)?;
        let same = f.ops.iter().enumerate().all(|(i, op)| {
            self.cache.pair[i] != Some(k as u8)
                || match op {
                    Op::Field { dst, .. } | Op::GetThis { dst, .. } => cl_type(self.m(), f.regs[dst.idx()], self.pt) == Some(ty),
                    _ => true,
                }
        });
        same.then(|| (self.b.declare_var(ty), ty))
    }

    /// The variable of the cached pair op `i` reads or stores.
    fn cached(&self, i: usize) -> Option<(Variable, ClType)> {
        self.cache.pair.get(i).copied().flatten().and_then(|k| self.cache_vars[k as usize])
    }

    /// Loads again the cached pairs op `i` may have changed and that are read later.
    fn reload_cached(&mut self, i: usize) {
        let bits = self.cache.reload.get(i).copied().unwrap_or(0);
        if bits == 0 || self.terminated {
            return;
        }
        for k in 0..self.cache.pairs.len() {
            let Some((var, ty)) = self.cache_vars[k] else { continue };
            if bits >> k & 1 == 0 {
                continue;
            }
            let (o, fid) = self.cache.pairs[k];
            let ot = self.rtype(o);
            let Ok((off, _)) = self.obj_field(ot, fid) else { continue };
            let obj = self.get(o);
            let data = self.object_field_data(ot, fid, off);
            // The object was read or written through before: it is not null.
            let v = self.load_data(data, ty, obj, off);
            self.b.def_var(var, v);
        }
    }

    fn block_at(&mut self, i: usize) -> Block {
        if let Some(b) = self.blocks[i] {
            return b;
        }
        let b = self.b.create_block();
        self.blocks[i] = Some(b);
        b
    }

    fn target(&mut self, i: usize, j: Jump) -> Block {
        let t = j.target(i);
        self.block_at(t)
    }

    // ---- registers ---------------------------------------------------------

    fn rty(&self, r: Reg) -> &'a Type {
        let m = self.m();
        m.ty(self.fun().regs[r.idx()])
    }

    fn rtype(&self, r: Reg) -> TypeIdx {
        self.fun().regs[r.idx()]
    }

    fn cl(&self, r: Reg) -> Option<ClType> {
        match self.regs[r.idx()] {
            Store::Void => None,
            Store::Var(_, t) | Store::Slot(_, t) | Store::Mirror(_, _, t) => Some(t),
        }
    }

    fn get(&mut self, r: Reg) -> Value {
        match self.regs[r.idx()] {
            Store::Void => self.b.ins().iconst(clt::I32, 0),
            Store::Var(v, _) | Store::Mirror(v, _, _) => self.b.use_var(v),
            Store::Slot(s, t) => self.b.ins().stack_load(self.pt, t, s, 0),
        }
    }

    fn set(&mut self, r: Reg, v: Value) {
        match self.regs[r.idx()] {
            Store::Void => {}
            Store::Var(var, t) | Store::Mirror(var, _, t) => {
                let v = self.coerce(v, t);
                self.b.def_var(var, v);
            }
            Store::Slot(s, t) => {
                let v = self.coerce(v, t);
                self.b.ins().stack_store(self.pt, v, s, 0);
            }
        }
    }

    /// Adapts an integer value to a register's width (zero-extending: the
    /// only narrower integers are HL's unsigned `ui8`/`ui16` and `bool`).
    fn coerce(&mut self, v: Value, to: ClType) -> Value {
        let from = self.b.func.dfg.value_type(v);
        if from == to {
            return v;
        }
        if from.is_int() && to.is_int() {
            if from.bits() < to.bits() {
                self.b.ins().uextend(to, v)
            } else {
                self.b.ins().ireduce(to, v)
            }
        } else if from.is_float() && to.is_float() {
            if from.bits() < to.bits() {
                self.b.ins().fpromote(to, v)
            } else {
                self.b.ins().fdemote(to, v)
            }
        } else {
            self.b.ins().bitcast(to, MemFlagsData::new(), v)
        }
    }

    fn zero(&mut self, t: ClType) -> Value {
        match t {
            clt::F32 => self.b.ins().f32const(0.0),
            clt::F64 => self.b.ins().f64const(0.0),
            _ => self.b.ins().iconst(t, 0),
        }
    }

    /// The value of `r` as a 32-bit (or 64-bit) integer, extended per its HL type.
    fn int_value(&mut self, r: Reg, to: ClType) -> Value {
        let v = self.get(r);
        let from = self.b.func.dfg.value_type(v);
        if from == to {
            v
        } else if from.bits() < to.bits() {
            if is_signed_int(self.rty(r)) {
                self.b.ins().sextend(to, v)
            } else {
                self.b.ins().uextend(to, v)
            }
        } else {
            self.b.ins().ireduce(to, v)
        }
    }

    /// A stack slot holding a copy of `r`'s value, for runtime calls taking `&reg`.
    fn spill(&mut self, r: Reg) -> Value {
        if let Store::Slot(s, _) = self.regs[r.idx()] {
            return self.b.ins().stack_addr(self.pt, s, 0);
        }
        let v = self.get(r);
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
        self.b.ins().stack_store(self.pt, v, slot, 0);
        self.b.ins().stack_addr(self.pt, slot, 0)
    }

    /// Before an op that may read through a reference: every mirrored
    /// register's slot takes its current value.
    fn flush_refs(&mut self) {
        if !self.ref_reach[self.op_index] {
            return;
        }
        for k in 0..self.mirrored.len() {
            let r = self.mirrored[k];
            if let Store::Mirror(var, s, _) = self.regs[r.idx()] {
                let v = self.b.use_var(var);
                self.b.ins().stack_store(self.pt, v, s, 0);
            }
        }
    }

    /// After an op that may write through a reference: every mirrored
    /// register takes its slot's value.
    fn reload_refs(&mut self) {
        if !self.ref_reach[self.op_index] {
            return;
        }
        for k in 0..self.mirrored.len() {
            let r = self.mirrored[k];
            if let Store::Mirror(var, s, t) = self.regs[r.idx()] {
                let v = self.b.ins().stack_load(self.pt, t, s, 0);
                self.b.def_var(var, v);
            }
        }
    }

    // ---- addresses and calls -------------------------------------------------

    fn type_ptr(&mut self, t: TypeIdx) -> Value {
        let a = self.env.type_address(t);
        self.address(a)
    }

    /// The value of address `a`.
    fn address(&mut self, a: Address) -> Value {
        match a {
            Address::Data { id, offset } => self.data_ptr_at(id, offset),
            Address::Absolute(p) => self.b.ins().iconst(self.pt, p as i64),
        }
    }

    /// The address of global `g` (a base the load/store may add an offset to).
    fn global_ptr(&mut self, g: hlbc::GlobalIdx) -> (Value, i32) {
        let a = self.env.global_address(g);
        self.base_offset(a)
    }

    /// Address `a` as a base and an offset a load or store can fold.
    fn base_offset(&mut self, a: Address) -> (Value, i32) {
        match a {
            Address::Data { id, offset } if i32::try_from(offset).is_ok() => (self.data_ptr(id), offset as i32),
            a => (self.address(a), 0),
        }
    }

    /// The address of data `id`: defined in this module, or imported (the
    /// runtime's, or program storage the environment placed), which is
    /// PC-relative only if the environment says the runtime is near.
    fn data_ptr(&mut self, id: cranelift_module::DataId) -> Value {
        self.data_ptr_at(id, 0)
    }

    /// The address `offset` bytes into data `id`, as one symbol reference
    /// with that addend (one `lea` on x86-64). Each use declares its own
    /// global value, so that the egraph does not merge them into one value
    /// live across the whole function.
    fn data_ptr_at(&mut self, id: cranelift_module::DataId, at: i64) -> Value {
        let near = self.env.runtime_is_near();
        let gv = self.env.module().declare_data_in_func(id, self.b.func);
        if let cranelift_codegen::ir::GlobalValueData::Symbol { colocated, offset, .. } = &mut self.b.func.global_values[gv] {
            *colocated |= near;
            *offset = at.into();
        }
        self.b.ins().symbol_value(self.pt, gv)
    }

    /// A reference to function `id` in this function: defined in this module
    /// (always near), or imported (near only if the environment says so).
    fn func_ref(&mut self, id: FuncId) -> FuncRef {
        if let Some(&r) = self.func_refs.get(&id) {
            return r;
        }
        let near = self.env.runtime_is_near();
        let r = self.env.module().declare_func_in_func(id, self.b.func);
        self.b.func.dfg.ext_funcs[r].colocated |= near;
        self.func_refs.insert(id, r);
        r
    }

    /// Calls function index `f` with `args`, as the environment says it is reached.
    fn call_index(&mut self, f: FunIdx, args: &[Value]) -> Option<Value> {
        match self.lw.callee(f) {
            // A leaf (inlined later) reads and writes no memory but objects'
            // fields: the loop around it keeps address-taken registers in
            // machine registers.
            Callee::Direct(id) if self.lw.fi_of_body.get(&id).copied().is_some_and(|fi| self.lw.is_leaf(fi)) => {
                self.call_id_no_refs(id, args)
            }
            // A call only a failed range check reaches goes through an entry
            // that preserves every register (`Lowerer::cold_entry`): the
            // hot path around it keeps its values in caller-saved registers.
            // Declaring it cannot fail but on a clash of names; the plain
            // call is then as correct, only slower.
            Callee::Direct(id) if self.is_cold_call(self.op_index) => match self.lw.cold_entry(self.env, id) {
                Ok(entry) => self.call_cold(entry, args),
                Err(_) => self.call_id(id, args),
            },
            Callee::Direct(id) => self.call_id(id, args),
            Callee::Slot => {
                let slot = self.env.slot_address(f);
                let (base, off) = self.base_offset(slot);
                let fptr = self.load(self.pt, base, off);
                let sig = super::types::fun_signature(self.m, self.lw.fun_type(f), self.pt, self.lw.target.call_conv);
                let sig = self.b.import_signature(sig);
                self.flush_refs();
                let call = self.b.ins().call_indirect(sig, fptr, args);
                self.reload_refs();
                self.b.inst_results(call).first().copied()
            }
        }
    }

    /// The code address of function index `f`, as closures hold it.
    fn function_address(&mut self, f: FunIdx) -> Value {
        match self.lw.callee(f) {
            Callee::Direct(id) => {
                let fr = self.func_ref(id);
                self.b.ins().func_addr(self.pt, fr)
            }
            Callee::Slot => {
                let stable = self.env.stable_address(f);
                self.address(stable)
            }
        }
    }

    /// A call of `entry`, a function's entry for cold paths: the arguments
    /// go in a stack slot, 8 bytes each, whose address is the one argument.
    /// Passed in registers, they would tie the values to the convention's
    /// argument registers, which makes the register allocator spill them
    /// in the hot loop around the call.
    fn call_cold(&mut self, entry: FuncId, args: &[Value]) -> Option<Value> {
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8 * args.len().max(1) as u32, 3));
        for (k, &a) in args.iter().enumerate() {
            self.b.ins().stack_store(self.pt, a, slot, 8 * k as i32);
        }
        let p = self.b.ins().stack_addr(self.pt, slot, 0);
        let r = self.call_id(entry, &[p]);
        // The stack is scanned conservatively: a pointer left in the slot
        // would keep its object alive after this frame is gone, for as long
        // as no later frame overwrites that word (int_arrays kept a dead
        // 8 MB array alive that way while the next one was allocated).
        let zero = self.b.ins().iconst(self.pt, 0);
        for k in 0..args.len() {
            self.b.ins().stack_store(self.pt, zero, slot, 8 * k as i32);
        }
        r
    }

    fn call_id(&mut self, id: FuncId, args: &[Value]) -> Option<Value> {
        self.flush_refs();
        let r = self.call_id_no_refs(id, args);
        self.reload_refs();
        r
    }

    /// A call to a function that never reads or writes through an HL reference.
    fn call_id_no_refs(&mut self, id: FuncId, args: &[Value]) -> Option<Value> {
        let fr = self.func_ref(id);
        let call = self.b.ins().call(fr, args);
        self.b.inst_results(call).first().copied()
    }

    fn call_rt(&mut self, f: RtFn, args: &[Value]) -> Option<Value> {
        let id = self.lw.runtime_fn(f.0);
        if rt::NO_REFS.contains(&f.0) {
            self.call_id_no_refs(id, args)
        } else {
            self.call_id(id, args)
        }
    }

    fn call_rt_dyn(&mut self, (name, _, _): (String, Vec<K>, Option<K>), args: &[Value]) -> Option<Value> {
        let id = self.lw.runtime_fn(&name);
        self.call_id(id, args)
    }

    /// Calls a function pointer with the C signature made of the given value types.
    fn call_ptr(&mut self, fptr: Value, args: &[Value], ret: Option<ClType>) -> Option<Value> {
        let mut key: Vec<u8> = args.iter().map(|&a| type_code(self.b.func.dfg.value_type(a))).collect();
        key.push(0xFF);
        key.push(ret.map_or(0, type_code));
        let sig = match self.sigs.get(&key) {
            Some(&s) => s,
            None => {
                let mut sig = cranelift_codegen::ir::Signature::new(self.lw.target.call_conv);
                for &a in args {
                    let t = self.b.func.dfg.value_type(a);
                    let p = cranelift_codegen::ir::AbiParam::new(t);
                    sig.params.push(if t.bits() < 32 && t.is_int() { p.uext() } else { p });
                }
                if let Some(r) = ret {
                    let p = cranelift_codegen::ir::AbiParam::new(r);
                    sig.returns.push(if r.bits() < 32 && r.is_int() { p.uext() } else { p });
                }
                let s = self.b.import_signature(sig);
                self.sigs.insert(key, s);
                s
            }
        };
        self.flush_refs();
        let call = self.b.ins().call_indirect(sig, fptr, args);
        self.reload_refs();
        self.b.inst_results(call).first().copied()
    }

    /// Ends the current block after a call that never returns.
    fn unreachable(&mut self) {
        self.b.ins().trap(TrapCode::unwrap_user(2));
        self.terminated = true;
    }

    fn load(&mut self, ty: ClType, p: Value, off: i32) -> Value {
        self.b.ins().load(ty, MEM, p, off)
    }

    fn store(&mut self, v: Value, p: Value, off: i32) {
        self.b.ins().store(MEM, v, p, off);
    }

    /// Arguments for a call: each register's value (void registers are skipped).
    fn args(&mut self, regs: &[Reg]) -> Vec<Value> {
        let live: Vec<Reg> = regs.iter().copied().filter(|&r| self.cl(r).is_some()).collect();
        live.into_iter().map(|r| self.get(r)).collect()
    }

    fn set_result(&mut self, dst: Reg, v: Option<Value>) {
        if let (Some(v), Some(_)) = (v, self.cl(dst)) {
            self.set(dst, v);
        }
    }

    fn call_fun(&mut self, dst: Reg, f: FunIdx, regs: &[Reg]) {
        let args = self.args(regs);
        if let Some(v) = self.lw.intrinsic(f).and_then(|i| i.emit(&mut self.b, &args)) {
            self.set_result(dst, Some(v));
            return;
        }
        let r = self.call_index(f, &args);
        self.set_result(dst, r);
    }

    // ---- fields ----------------------------------------------------------------

    /// Byte offset and type of field `fid` of object type `t` (super chain included).
    fn obj_field(&self, t: TypeIdx, fid: FieldIdx) -> Result<(i32, TypeIdx), LowerError> {
        let m = self.m();
        let layout = self.lw.layouts.obj(t).ok_or_else(|| self.error(format!("{} is not an object type", self.lw.type_name(t))))?;
        let off = *layout
            .field_offsets
            .get(fid.idx())
            .ok_or_else(|| self.error(format!("field #{} out of range for {}", fid.0, self.lw.type_name(t))))?;
        let fd = hlbc::names::field_of(m, t, fid).ok_or_else(|| self.error("field not found"))?;
        Ok((off as i32, fd.ty))
    }

    /// Memory flags of an access to program data: type-based alias
    /// analysis, as C compilers apply it to HL/C's code.
    ///
    /// Object and struct fields, virtual fields' direct slots (which point at
    /// fields of the same type) and enum fields are tagged with one alias
    /// region per value kind, array elements with another per kind, and all
    /// bytes accesses (`OGetMem`, `OSetI8`, ..., whatever the width: the
    /// program may write an `i32` and read an `f32` there) with one region.
    /// So Cranelift's alias analysis keeps, say, a loaded `this.vel` pointer
    /// across stores to `vel.x` floats, or an `Array<Int>`'s buffer pointer
    /// and length across stores of its ints. Cranelift requires that no
    /// location is ever reached under two regions (untagged counting as one):
    /// references (`OUnref`/`OSetref`, which point at stack slots) and the
    /// runtime's metadata (type pointers, method tables, virtuals' slot
    /// tables, closures, boxes, which the program never writes) stay
    /// untagged, and the runtime reaches program data only inside calls,
    /// which end every region. A module that reinterprets pointers
    /// ([`super::memory_regions_sound`]) gets no regions at all.
    fn mem_flags(&mut self, data: Data, ty: ClType) -> MemFlagsData {
        if !self.lw.memory_regions {
            return MEM;
        }
        let (user_id, description) = match data {
            Data::Field => (FIELD_REGION_BASE + u32::from(type_code(ty)), "fields"),
            Data::ObjectField { offset } if (0..OBJECT_FIELD_REGION_OFFSETS).contains(&offset) => {
                (OBJECT_FIELD_REGION_BASE | u32::from(type_code(ty)) << 20 | offset as u32, "object field")
            }
            Data::ObjectField { .. } => (FIELD_REGION_BASE + u32::from(type_code(ty)), "fields"),
            Data::Element => (ELEMENT_REGION_BASE + u32::from(type_code(ty)), "array elements"),
            Data::Bytes => (BYTES_REGION, "bytes"),
            Data::Ref => return MEM,
        };
        let region = self.b.func.dfg.alias_regions.insert(AliasRegionData {
            user_id,
            description: std::borrow::Cow::Borrowed(description),
        });
        MEM.with_alias_region(Some(region))
    }

    /// How field `fid` (at `off`) of an object or struct of type `ot` is
    /// reached: [`Data::ObjectField`] for an object's field whose name no
    /// virtual field has, else [`Data::Field`].
    fn object_field_data(&self, ot: TypeIdx, fid: FieldIdx, off: i32) -> Data {
        let m = self.m();
        match (m.ty(ot), hlbc::names::field_of(m, ot, fid)) {
            (Type::Obj(_), Some(f)) if !self.lw.virtual_field_names.contains(&m.strings[f.name.idx()]) => {
                Data::ObjectField { offset: off }
            }
            _ => Data::Field,
        }
    }

    fn load_data(&mut self, data: Data, ty: ClType, p: Value, off: i32) -> Value {
        let flags = self.mem_flags(data, ty);
        self.b.ins().load(ty, flags, p, off)
    }

    fn store_data(&mut self, data: Data, v: Value, p: Value, off: i32) {
        let ty = self.b.func.dfg.value_type(v);
        let flags = self.mem_flags(data, ty);
        self.b.ins().store(flags, v, p, off);
    }

    /// `dst = obj.fid`; `own`: `obj` is a virtual whose fields are its own (`facts.rs`).
    fn get_field(&mut self, dst: Reg, obj: Reg, fid: FieldIdx, own: bool) -> Result<(), LowerError> {
        let ot = self.rtype(obj);
        match self.rty(obj) {
            Type::Obj(_) | Type::Struct(_) => {
                let (off, _) = self.obj_field(ot, fid)?;
                let Some(ty) = self.cl(dst) else { return Ok(()) };
                let cached = self.cached(self.op_index);
                let v = match cached {
                    Some((var, _)) if self.cache.hit[self.op_index] => self.b.use_var(var),
                    _ => {
                        let o = self.get(obj);
                        let data = self.object_field_data(ot, fid, off);
                        let v = self.load_data(data, ty, o, off);
                        if let Some((var, _)) = cached {
                            self.b.def_var(var, v);
                        }
                        v
                    }
                };
                self.set(dst, v);
            }
            Type::Virtual(v) => {
                let field = v.fields.get(fid.idx()).ok_or_else(|| self.error("virtual field out of range"))?;
                let fty = field.ty;
                let hash = self.env.field_hash(&self.m().str(field.name));
                let Some(ty) = self.cl(dst) else { return Ok(()) };
                let o = self.get(obj);
                if let Some(off) = own.then(|| self.own_field_offset(ot, fid)).flatten() {
                    let v = self.load_data(Data::Field, ty, o, off);
                    self.set(dst, v);
                    return Ok(());
                }
                let slot = self.load(self.pt, o, (self.lw.abi.virtual_fields() + 8 * fid.0) as i32);
                let direct = self.b.create_block();
                let dynamic = self.b.create_block();
                let join = self.b.create_block();
                self.b.append_block_param(join, ty);
                self.b.ins().brif(slot, direct, &[], dynamic, &[]);
                self.b.switch_to_block(direct);
                let v1 = self.load_data(Data::Field, ty, slot, 0);
                self.b.ins().jump(join, &[v1.into()]);
                self.b.switch_to_block(dynamic);
                let value = self.load(self.pt, o, self.lw.abi.virtual_value() as i32);
                let v2 = self.dyn_get(value, hash, fty, ty);
                self.b.ins().jump(join, &[v2.into()]);
                self.b.switch_to_block(join);
                let v = self.b.block_params(join)[0];
                self.set(dst, v);
            }
            _ => return Err(self.error(format!("field access on {}", self.lw.type_name(ot)))),
        }
        Ok(())
    }

    fn dyn_get(&mut self, obj: Value, hash: i32, fty: TypeIdx, want: ClType) -> Value {
        let suffix = dyn_suffix(self.m().ty(fty));
        let h = self.b.ins().iconst(clt::I32, hash as i64);
        let (name, params, ret) = rt::dyn_get(suffix);
        let mut args = vec![obj, h];
        if params.len() == 3 {
            let tp = self.type_ptr(fty);
            args.push(tp);
        }
        let v = self.call_rt_dyn((name, params, ret), &args).expect("dyn_get returns");
        self.coerce(v, want)
    }

    fn dyn_set(&mut self, obj: Value, hash: i32, vty: TypeIdx, v: Value) {
        let suffix = dyn_suffix(self.m().ty(vty));
        let h = self.b.ins().iconst(clt::I32, hash as i64);
        let (name, params, ret) = rt::dyn_set(suffix);
        let mut args = vec![obj, h];
        if params.len() == 4 {
            let tp = self.type_ptr(vty);
            args.push(tp);
        }
        let want = match params.last() {
            Some(K::I32) => clt::I32,
            Some(K::I64) => clt::I64,
            Some(K::F32) => clt::F32,
            Some(K::F64) => clt::F64,
            _ => self.pt,
        };
        let v = self.coerce(v, want);
        args.push(v);
        self.call_rt_dyn((name, params, ret), &args);
    }

    /// The offset of field `fid` of a virtual of type `t` that owns its fields.
    fn own_field_offset(&self, t: TypeIdx, fid: FieldIdx) -> Option<i32> {
        let l = self.lw.layouts.virtuals.get(t.idx())?.as_ref()?;
        l.field_offsets.get(fid.idx()).map(|&o| o as i32)
    }

    /// `obj.fid = src`; `own`: `obj` is a virtual whose fields are its own (`facts.rs`).
    fn set_field(&mut self, obj: Reg, fid: FieldIdx, src: Reg, own: bool) -> Result<(), LowerError> {
        let ot = self.rtype(obj);
        match self.rty(obj) {
            Type::Obj(_) | Type::Struct(_) => {
                let (off, fty) = self.obj_field(ot, fid)?;
                let Some(ty) = cl_type(self.m(), fty, self.pt) else { return Ok(()) };
                let o = self.get(obj);
                let v = self.get(src);
                let v = self.coerce(v, ty);
                let data = self.object_field_data(ot, fid, off);
                self.store_data(data, v, o, off);
                if let Some((var, _)) = self.cached(self.op_index) {
                    self.b.def_var(var, v);
                }
            }
            Type::Virtual(vt) => {
                let field = vt.fields.get(fid.idx()).ok_or_else(|| self.error("virtual field out of range"))?;
                let hash = self.env.field_hash(&self.m().str(field.name));
                let Some(ty) = cl_type(self.m(), field.ty, self.pt) else { return Ok(()) };
                let o = self.get(obj);
                let v = self.get(src);
                let v = self.coerce(v, ty);
                if let Some(off) = own.then(|| self.own_field_offset(ot, fid)).flatten() {
                    self.store_data(Data::Field, v, o, off);
                    return Ok(());
                }
                let slot = self.load(self.pt, o, (self.lw.abi.virtual_fields() + 8 * fid.0) as i32);
                let direct = self.b.create_block();
                let dynamic = self.b.create_block();
                let join = self.b.create_block();
                self.b.ins().brif(slot, direct, &[], dynamic, &[]);
                self.b.switch_to_block(direct);
                self.store_data(Data::Field, v, slot, 0);
                self.b.ins().jump(join, &[]);
                self.b.switch_to_block(dynamic);
                let value = self.load(self.pt, o, self.lw.abi.virtual_value() as i32);
                let vty = self.rtype(src);
                self.dyn_set(value, hash, vty, v);
                self.b.ins().jump(join, &[]);
                self.b.switch_to_block(join);
            }
            _ => return Err(self.error(format!("field write on {}", self.lw.type_name(ot)))),
        }
        Ok(())
    }

    /// The function type of the method in virtual slot `slot` of object type `t`.
    fn method_type(&self, t: TypeIdx, slot: u32) -> Option<TypeIdx> {
        let m = self.m();
        let mut cur = Some(t);
        while let Some(c) = cur {
            let o = m.ty(c).as_obj()?;
            if let Some(p) = o.protos.iter().find(|p| p.pindex == slot as i32) {
                return Some(self.lw.fun_type(p.findex));
            }
            cur = o.super_;
        }
        None
    }

    fn call_method(&mut self, dst: Reg, field: FieldIdx, regs: &[Reg]) -> Result<(), LowerError> {
        let obj = *regs.first().ok_or_else(|| self.error("method call without receiver"))?;
        let ret = self.cl(dst);
        match self.rty(obj) {
            Type::Obj(_) | Type::Struct(_) => {
                let o = self.get(obj);
                let t = self.load(self.pt, o, 0);
                let protos = self.load(self.pt, t, self.lw.abi.type_vobj_proto() as i32);
                let fptr = self.load(self.pt, protos, (field.0 * self.lw.target.layout.ptr) as i32);
                let args = self.args(regs);
                let r = self.call_ptr(fptr, &args, ret);
                self.set_result(dst, r);
            }
            Type::Virtual(vt) => {
                let vfield = vt.fields.get(field.idx()).ok_or_else(|| self.error("virtual method out of range"))?;
                let hash = self.env.field_hash(&self.m().str(vfield.name));
                let fty = vfield.ty;
                let o = self.get(obj);
                let fptr = self.load(self.pt, o, (self.lw.abi.virtual_fields() + 8 * field.0) as i32);
                let direct = self.b.create_block();
                let dynamic = self.b.create_block();
                let join = self.b.create_block();
                if let Some(rt) = ret {
                    self.b.append_block_param(join, rt);
                }
                self.b.ins().brif(fptr, direct, &[], dynamic, &[]);
                // The slot holds the method's code, called on the underlying object.
                self.b.switch_to_block(direct);
                let value = self.load(self.pt, o, self.lw.abi.virtual_value() as i32);
                let mut args = vec![value];
                args.extend(self.args(&regs[1..]));
                let r = self.call_ptr(fptr, &args, ret);
                let jargs: Vec<_> = r.into_iter().map(Into::into).collect();
                self.b.ins().jump(join, &jargs);
                // Otherwise a dynamic call through the value's field.
                self.b.switch_to_block(dynamic);
                let value = self.load(self.pt, o, self.lw.abi.virtual_value() as i32);
                let argv = self.pointer_args(&regs[1..], false);
                let h = self.b.ins().iconst(clt::I32, hash as i64);
                let ftp = self.type_ptr(fty);
                let dst_is_ptr = self.is_ptr_reg(dst);
                let (retp, ret_slot) = if ret.is_none() || dst_is_ptr {
                    (self.b.ins().iconst(self.pt, 0), None)
                } else {
                    let s = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 16, 3));
                    (self.b.ins().stack_addr(self.pt, s, 0), Some(s))
                };
                let res = self.call_rt(rt::hl_dyn_call_obj, &[value, ftp, h, argv, retp]).unwrap();
                let jargs: Vec<cranelift_codegen::ir::BlockArg> = match (ret, ret_slot) {
                    (None, _) => vec![],
                    (Some(rt_ty), Some(s)) => {
                        let v = self.b.ins().stack_load(self.pt, rt_ty, s, self.lw.abi.dyn_value() as i32);
                        vec![v.into()]
                    }
                    (Some(rt_ty), None) => {
                        let v = self.coerce(res, rt_ty);
                        vec![v.into()]
                    }
                };
                self.b.ins().jump(join, &jargs);
                self.b.switch_to_block(join);
                if ret.is_some() {
                    let v = self.b.block_params(join)[0];
                    self.set(dst, v);
                }
            }
            _ => return Err(self.error("method call on a value that is neither an object nor a virtual")),
        }
        Ok(())
    }

    fn is_ptr_reg(&self, r: Reg) -> bool {
        hlbc::layout::is_ptr(self.rty(r))
    }

    /// A stack array of argument pointers: pointer values themselves, or the
    /// address of a copy for scalars (`hl_dyn_call_obj`), or boxed values
    /// when `boxed` (`hl_dyn_call`).
    fn pointer_args(&mut self, regs: &[Reg], boxed: bool) -> Value {
        if regs.is_empty() {
            return self.b.ins().iconst(self.pt, 0);
        }
        let p = self.lw.target.layout.ptr;
        let arr = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, p * regs.len() as u32, 3));
        for (i, &r) in regs.iter().enumerate() {
            let v = if boxed {
                if self.lw.is_dynamic(self.rtype(r)) {
                    self.get(r)
                } else {
                    let addr = self.spill(r);
                    let t = self.rtype(r);
                    let tp = self.type_ptr(t);
                    self.call_rt(rt::hl_make_dyn, &[addr, tp]).unwrap()
                }
            } else if self.is_ptr_reg(r) {
                self.get(r)
            } else {
                self.spill(r)
            };
            self.b.ins().stack_store(self.pt, v, arr, (i as u32 * p) as i32);
        }
        self.b.ins().stack_addr(self.pt, arr, 0)
    }

    // ---- comparisons -----------------------------------------------------------------

    fn cond_jump(&mut self, i: usize, cmp: Cmp, a: Reg, b: Reg, off: Jump) -> Result<(), LowerError> {
        let target = self.target(i, off);
        let next = self.block_at(i + 1);
        if self.is_cold_call(i + 1) || self.default_reads.get(i + 1).copied().unwrap_or(false) {
            self.b.set_cold_block(next);
        }
        let c = self.compare(cmp, a, b)?;
        self.b.ins().brif(c, target, &[], next, &[]);
        self.terminated = true;
        Ok(())
    }

    /// Whether op `i` is a call that runs only when an unsigned range check
    /// fails, in a loop (see [`cold_calls`]).
    fn is_cold_call(&self, i: usize) -> bool {
        self.cold_calls.get(i).copied().unwrap_or(false)
    }

    /// The truth value of `a cmp b` under HL's rules for the operands' types.
    fn compare(&mut self, cmp: Cmp, a: Reg, b: Reg) -> Result<Value, LowerError> {
        let (ta, tb) = (self.rty(a), self.rty(b));
        use hlbc::Type::*;
        Ok(match (ta, tb) {
            _ if is_float(ta) && is_float(tb) => {
                let (x, y) = (self.get(a), self.get(b));
                let y = self.coerce(y, self.b.func.dfg.value_type(x));
                let cc = match cmp {
                    Cmp::Lt => FloatCC::LessThan,
                    Cmp::Gte => FloatCC::GreaterThanOrEqual,
                    Cmp::Gt => FloatCC::GreaterThan,
                    Cmp::Lte => FloatCC::LessThanOrEqual,
                    Cmp::Eq => FloatCC::Equal,
                    Cmp::NotEq => FloatCC::NotEqual,
                    Cmp::NotLt => FloatCC::UnorderedOrGreaterThanOrEqual,
                    Cmp::NotGte => FloatCC::UnorderedOrLessThan,
                    Cmp::ULt | Cmp::UGte => return Err(self.error("unsigned comparison of floats")),
                };
                self.b.ins().fcmp(cc, x, y)
            }
            (U8 | U16 | I32 | I64 | Bool, U8 | U16 | I32 | I64 | Bool) => {
                let wide = if matches!(ta, I64) || matches!(tb, I64) { clt::I64 } else { clt::I32 };
                let x = self.int_value(a, wide);
                let y = self.int_value(b, wide);
                self.b.ins().icmp(cmp.int_cc(), x, y)
            }
            (Type, Type) => {
                let (x, y) = (self.get(a), self.get(b));
                let same = self.call_rt(rt::hl_same_type, &[x, y]).unwrap();
                let eq = self.b.ins().icmp_imm_s(IntCC::NotEqual, same, 0);
                match cmp {
                    Cmp::Eq => eq,
                    Cmp::NotEq => self.b.ins().bxor_imm_s(eq, 1),
                    _ => return Err(self.error("ordered comparison of types")),
                }
            }
            (Null(inner), Null(_)) => self.compare_nulls(cmp, a, b, *inner)?,
            (Dyn | Fun(_), _) | (_, Dyn | Fun(_)) => {
                let (x, y) = (self.get(a), self.get(b));
                let r = self.call_rt(rt::hl_dyn_compare, &[x, y]).unwrap();
                let c = self.b.ins().icmp_imm_s(cmp.int_cc(), r, 0);
                if matches!(cmp, Cmp::Gt | Cmp::Gte) {
                    // hl_invalid_comparison never satisfies > or >=.
                    let valid = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, HL_INVALID_COMPARISON);
                    self.b.ins().band(c, valid)
                } else {
                    c
                }
            }
            (Obj(_), Obj(_)) => {
                let at = self.rtype(a);
                match self.find_compare(at) {
                    Some(f) => self.compare_with(cmp, a, b, f)?,
                    None => self.phys_compare(cmp, a, b),
                }
            }
            (Virtual(_), Virtual(_)) => {
                let (x, y) = (self.get(a), self.get(b));
                let vo = self.lw.abi.virtual_value() as i32;
                let same = self.b.ins().icmp(IntCC::Equal, x, y);
                let both = self.both_non_null(x, y);
                let xv = self.load_if(both, x, vo);
                let yv = self.load_if(both, y, vo);
                let vnn = self.b.ins().icmp_imm_s(IntCC::NotEqual, xv, 0);
                let veq = self.b.ins().icmp(IntCC::Equal, xv, yv);
                let inner = self.b.ins().band(both, vnn);
                let inner = self.b.ins().band(inner, veq);
                let eq = self.b.ins().bor(same, inner);
                match cmp {
                    Cmp::Eq => eq,
                    Cmp::NotEq => self.b.ins().bxor_imm_s(eq, 1),
                    _ => return Err(self.error("ordered comparison of virtuals")),
                }
            }
            (Virtual(_), Obj(_)) | (Obj(_), Virtual(_)) => {
                let (v, o) = if matches!(ta, Virtual(_)) { (a, b) } else { (b, a) };
                let (x, y) = (self.get(v), self.get(o));
                let xnn = self.b.ins().icmp_imm_s(IntCC::NotEqual, x, 0);
                let xv = self.load_if(xnn, x, self.lw.abi.virtual_value() as i32);
                let ynn = self.b.ins().icmp_imm_s(IntCC::NotEqual, y, 0);
                let veq = self.b.ins().icmp(IntCC::Equal, xv, y);
                let t1 = self.b.ins().band(ynn, veq);
                let ynull = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
                let eq = self.b.ins().select(xnn, t1, ynull);
                match cmp {
                    Cmp::Eq => eq,
                    Cmp::NotEq => self.b.ins().bxor_imm_s(eq, 1),
                    _ => return Err(self.error("ordered comparison of a virtual and an object")),
                }
            }
            (Struct(_), Struct(_)) | (Enum(_), Enum(_)) | (DynObj, DynObj) | (Abstract(_), Abstract(_)) | (Bytes, Bytes)
            | (Array, Array) | (Ref(_), Ref(_)) => self.phys_compare(cmp, a, b),
            _ => return Err(self.error(format!(
                "don't know how to compare {} and {}",
                self.lw.type_name(self.rtype(a)),
                self.lw.type_name(self.rtype(b))
            ))),
        })
    }

    fn phys_compare(&mut self, cmp: Cmp, a: Reg, b: Reg) -> Value {
        let (x, y) = (self.get(a), self.get(b));
        self.b.ins().icmp(cmp.ptr_cc(), x, y)
    }

    fn both_non_null(&mut self, x: Value, y: Value) -> Value {
        let xn = self.b.ins().icmp_imm_s(IntCC::NotEqual, x, 0);
        let yn = self.b.ins().icmp_imm_s(IntCC::NotEqual, y, 0);
        self.b.ins().band(xn, yn)
    }

    /// `cond ? *(p + off) : 0`, without touching memory when `cond` is false.
    fn load_if(&mut self, cond: Value, p: Value, off: i32) -> Value {
        let zero = self.b.ins().iconst(self.pt, 0);
        let safe = self.b.ins().select(cond, p, zero);
        let yes = self.b.create_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, self.pt);
        self.b.ins().brif(cond, yes, &[], join, &[zero.into()]);
        self.b.switch_to_block(yes);
        let v = self.load(self.pt, safe, off);
        self.b.ins().jump(join, &[v.into()]);
        self.b.switch_to_block(join);
        self.b.block_params(join)[0]
    }

    fn compare_nulls(&mut self, cmp: Cmp, a: Reg, b: Reg, inner: TypeIdx) -> Result<Value, LowerError> {
        let Some(vt) = cl_type(self.m(), inner, self.pt) else { return Err(self.error("null(void) comparison")) };
        let (x, y) = (self.get(a), self.get(b));
        let both = self.both_non_null(x, y);
        let off = self.lw.abi.dyn_value() as i32;
        // Load both payloads only when both are present.
        let yes = self.b.create_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, clt::I8);
        let f = self.b.ins().iconst(clt::I8, 0);
        self.b.ins().brif(both, yes, &[], join, &[f.into()]);
        self.b.switch_to_block(yes);
        let xv = self.load(vt, x, off);
        let yv = self.load(vt, y, off);
        let it = self.m().ty(inner);
        let c = if is_float(it) {
            // HashLink compares boxed floats with `comisd` and tests only ZF:
            // an unordered pair (NaN) counts as equal.
            let cc = match cmp {
                Cmp::Lt => FloatCC::LessThan,
                Cmp::Gte => FloatCC::GreaterThanOrEqual,
                Cmp::Gt => FloatCC::GreaterThan,
                Cmp::Lte => FloatCC::LessThanOrEqual,
                Cmp::Eq => FloatCC::UnorderedOrEqual,
                Cmp::NotEq => FloatCC::OrderedNotEqual,
                Cmp::NotLt => FloatCC::UnorderedOrGreaterThanOrEqual,
                Cmp::NotGte => FloatCC::UnorderedOrLessThan,
                _ => FloatCC::Equal,
            };
            self.b.ins().fcmp(cc, xv, yv)
        } else if is_signed_int(it) {
            self.b.ins().icmp(cmp.int_cc(), xv, yv)
        } else {
            self.b.ins().icmp(cmp.ptr_cc(), xv, yv)
        };
        self.b.ins().jump(join, &[c.into()]);
        self.b.switch_to_block(join);
        let payload = self.b.block_params(join)[0];
        Ok(match cmp {
            Cmp::Eq => {
                let same = self.b.ins().icmp(IntCC::Equal, x, y);
                self.b.ins().bor(same, payload)
            }
            Cmp::NotEq => {
                // a != b && (!a || !b || payloads differ)
                let differ = self.b.ins().icmp(IntCC::NotEqual, x, y);
                let notboth = self.b.ins().bxor_imm_s(both, 1);
                let any = self.b.ins().bor(notboth, payload);
                self.b.ins().band(differ, any)
            }
            _ => payload,
        })
    }

    /// The `__compare` method of an object type, if its class defines one.
    fn find_compare(&self, t: TypeIdx) -> Option<FunIdx> {
        let m = self.m();
        let mut cur = Some(t);
        while let Some(c) = cur {
            let o = m.ty(c).as_obj()?;
            if let Some(p) = o.protos.iter().find(|p| &*m.str(p.name) == "__compare") {
                return Some(p.findex);
            }
            cur = o.super_;
        }
        None
    }

    fn compare_with(&mut self, cmp: Cmp, a: Reg, b: Reg, f: FunIdx) -> Result<Value, LowerError> {
        let (x, y) = (self.get(a), self.get(b));
        let both = self.both_non_null(x, y);
        let yes = self.b.create_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, clt::I8);
        let f0 = self.b.ins().iconst(clt::I8, 0);
        self.b.ins().brif(both, yes, &[], join, &[f0.into()]);
        self.b.switch_to_block(yes);
        let r = self.call_index(f, &[x, y]).ok_or_else(|| self.error("__compare returns nothing"))?;
        let r = self.coerce(r, clt::I32);
        let c = self.b.ins().icmp_imm_s(cmp.int_cc(), r, 0);
        self.b.ins().jump(join, &[c.into()]);
        self.b.switch_to_block(join);
        let res = self.b.block_params(join)[0];
        Ok(match cmp {
            Cmp::Eq => {
                let same = self.b.ins().icmp(IntCC::Equal, x, y);
                self.b.ins().bor(same, res)
            }
            Cmp::NotEq => {
                // a != b && (!a || !b || compare != 0)
                let differ = self.b.ins().icmp(IntCC::NotEqual, x, y);
                let notboth = self.b.ins().bxor_imm_s(both, 1);
                let any = self.b.ins().bor(notboth, res);
                self.b.ins().band(differ, any)
            }
            _ => res,
        })
    }

    // ---- arithmetic ------------------------------------------------------------------

    fn binop(&mut self, op: &Op, dst: Reg, a: Reg, b: Reg) -> Result<(), LowerError> {
        let Some(ty) = self.cl(dst) else { return Ok(()) };
        let dt = self.rty(dst);
        if is_float(dt) {
            let x = self.get(a);
            let x = self.coerce(x, ty);
            let y = self.get(b);
            let y = self.coerce(y, ty);
            let v = match op {
                Op::Add { .. } => self.b.ins().fadd(x, y),
                Op::Sub { .. } => self.b.ins().fsub(x, y),
                Op::Mul { .. } => self.b.ins().fmul(x, y),
                Op::SDiv { .. } | Op::UDiv { .. } => self.b.ins().fdiv(x, y),
                Op::SMod { .. } | Op::UMod { .. } => {
                    let f = if ty == clt::F32 { rt::fmodf } else { rt::fmod };
                    self.call_rt(f, &[x, y]).unwrap()
                }
                _ => return Err(self.error("bitwise operation on floats")),
            };
            self.set(dst, v);
            return Ok(());
        }
        let x = self.get(a);
        let x = self.coerce(x, ty);
        let y = self.get(b);
        let y = self.coerce(y, ty);
        let v = match op {
            Op::Add { .. } => self.b.ins().iadd(x, y),
            Op::Sub { .. } => self.b.ins().isub(x, y),
            Op::Mul { .. } => self.b.ins().imul(x, y),
            Op::SDiv { .. } => self.guarded_div(x, y, ty, true, false),
            Op::UDiv { .. } => self.guarded_div(x, y, ty, false, false),
            Op::SMod { .. } => self.guarded_div(x, y, ty, true, true),
            Op::UMod { .. } => self.guarded_div(x, y, ty, false, true),
            Op::Shl { .. } => self.b.ins().ishl(x, y),
            Op::SShr { .. } => {
                if is_signed_int(dt) {
                    self.b.ins().sshr(x, y)
                } else {
                    self.b.ins().ushr(x, y)
                }
            }
            Op::UShr { .. } => self.b.ins().ushr(x, y),
            Op::And { .. } => self.b.ins().band(x, y),
            Op::Or { .. } => self.b.ins().bor(x, y),
            Op::Xor { .. } => self.b.ins().bxor(x, y),
            _ => unreachable!(),
        };
        self.set(dst, v);
        Ok(())
    }

    /// Integer division and remainder as HL computes them: by zero gives 0,
    /// and the overflowing `MIN / -1` wraps (its remainder is 0) instead of trapping.
    fn guarded_div(&mut self, x: Value, y: Value, ty: ClType, signed: bool, rem: bool) -> Value {
        let ok = self.b.create_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, ty);
        let zero = self.b.ins().iconst(ty, 0);
        let is_zero = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
        let special = if signed {
            let minus1 = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
            let bad = self.b.create_block();
            self.b.ins().brif(is_zero, join, &[zero.into()], bad, &[]);
            self.b.switch_to_block(bad);
            let res = if rem { zero } else { self.b.ins().ineg(x) };
            self.b.ins().brif(minus1, join, &[res.into()], ok, &[]);
            None
        } else {
            Some(is_zero)
        };
        if let Some(z) = special {
            self.b.ins().brif(z, join, &[zero.into()], ok, &[]);
        }
        self.b.switch_to_block(ok);
        let v = match (signed, rem) {
            (true, false) => self.b.ins().sdiv(x, y),
            (true, true) => self.b.ins().srem(x, y),
            (false, false) => self.b.ins().udiv(x, y),
            (false, true) => self.b.ins().urem(x, y),
        };
        self.b.ins().jump(join, &[v.into()]);
        self.b.switch_to_block(join);
        self.b.block_params(join)[0]
    }

    /// Float to integer as x86's truncating conversion does: NaN and
    /// out-of-range values give the minimum integer.
    fn float_to_int(&mut self, v: Value, to: ClType) -> Value {
        let ft = self.b.func.dfg.value_type(v);
        let v = if ft == clt::F32 { self.b.ins().fpromote(clt::F64, v) } else { v };
        let (lo, hi) = if to == clt::I64 { (i64::MIN as f64, -(i64::MIN as f64)) } else { (i32::MIN as f64, -(i32::MIN as f64)) };
        let sat = self.b.ins().fcvt_to_sint_sat(to, v);
        let lo = self.b.ins().f64const(lo);
        let hi = self.b.ins().f64const(hi);
        let ge = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, v, lo);
        let lt = self.b.ins().fcmp(FloatCC::LessThan, v, hi);
        let in_range = self.b.ins().band(ge, lt);
        let min = self.b.ins().iconst(to, if to == clt::I64 { i64::MIN } else { i32::MIN as i64 });
        self.b.ins().select(in_range, sat, min)
    }

    // ---- exceptions ---------------------------------------------------------------------

    fn thread_info(&mut self) -> Value {
        self.call_rt(rt::hl_get_thread, &[]).unwrap()
    }

    fn trap(&mut self, i: usize, exc: Reg, off: Jump) {
        let depth = self.trap_slot_of_op[i];
        let slot = self.traps[depth];
        let p = self.lw.target.layout.ptr as i32;
        let jb = self.lw.target.jmp_buf_size as i32;
        let t = self.thread_info();
        let ctx = self.b.ins().stack_addr(self.pt, slot, 0);
        let null = self.b.ins().iconst(self.pt, 0);
        self.b.ins().stack_store(self.pt, null, slot, jb + p); // tcheck
        let prev = self.load(self.pt, t, self.lw.abi.thread_trap_current() as i32);
        self.b.ins().stack_store(self.pt, prev, slot, jb); // prev
        self.store(ctx, t, self.lw.abi.thread_trap_current() as i32);
        let rc = if self.lw.target.setjmp_takes_frame {
            self.call_rt(rt::_setjmp, &[ctx, null]).unwrap()
        } else {
            self.call_rt(rt::_setjmp, &[ctx]).unwrap()
        };
        let handler = self.b.create_block();
        let body = self.block_at(i + 1);
        self.b.ins().brif(rc, handler, &[], body, &[]);
        self.b.switch_to_block(handler);
        // Back from hl_throw: the context was already unlinked; fetch the exception.
        let t = self.thread_info();
        let v = self.load(self.pt, t, self.lw.abi.thread_exc_value() as i32);
        self.set(exc, v);
        let target = self.target(i, off);
        self.b.ins().jump(target, &[]);
        self.terminated = true;
    }

    fn end_trap(&mut self, i: usize) {
        let depth = self.trap_slot_of_op[i];
        let Some(&slot) = self.traps.get(depth) else { return };
        let jb = self.lw.target.jmp_buf_size as i32;
        let t = self.thread_info();
        let prev = self.b.ins().stack_load(self.pt, self.pt, slot, jb);
        self.store(prev, t, self.lw.abi.thread_trap_current() as i32);
    }

    /// `ONullCheck`: as HashLink's JIT, name the field when the next access is a field.
    fn null_check(&mut self, i: usize, r: Reg) -> Result<(), LowerError> {
        let m = self.m();
        let mut hash = None;
        // HashLink looks at the ops after the check in the function it is in,
        // before any splicing: a spliced call must still name the callee, not
        // the callee's first field. There the checked register is `r`; here,
        // `r_here`.
        let (ops, at): (&[Op], usize) = match self.frames.and_then(|fr| fr.get(i)).and_then(|fr| fr.first()) {
            Some(&(pos, op)) => (&m.functions[pos as usize].ops, op as usize),
            None => match (self.unspliced, self.origin) {
                (Some(u), Some(o)) => (&u.ops, o[i] as usize),
                _ => (&self.fun().ops, i),
            },
        };
        let r_here = r;
        let r = match ops.get(at) {
            Some(Op::NullCheck { reg }) => *reg,
            _ => r,
        };
        let mut k = at + 1;
        while k + 1 < ops.len() && (1..=23).contains(&ops[k].code()) {
            k += 1;
        }
        let field = match ops.get(k) {
            Some(Op::Field { obj, field, .. }) if *obj == r => Some(*field),
            Some(Op::SetField { obj, field, .. }) if *obj == r => Some(*field),
            _ => None,
        };
        // A call whose third operand is the checked register names the callee's
        // field. HashLink compares that operand as encoded: the first argument of
        // OCall1..4, but the argument count of OCallN.
        let callee = match ops.get(k) {
            Some(Op::Call1 { fun, a0, .. } | Op::Call2 { fun, a0, .. } | Op::Call3 { fun, a0, .. } | Op::Call4 { fun, a0, .. })
                if *a0 == r =>
            {
                Some(*fun)
            }
            Some(Op::CallN { fun, args, .. }) if args.0.len() as u32 == r.0 => Some(*fun),
            _ => None,
        };
        if let Some(name) = callee.and_then(|c| self.lw.function_field_name(c)) {
            hash = Some(self.env.field_hash(&name));
        }
        if let Some(fid) = field {
            let name = match self.rty(r_here) {
                Type::Obj(_) | Type::Struct(_) => hlbc::names::field_of(m, self.rtype(r_here), fid).map(|f| f.name),
                Type::Virtual(v) => v.fields.get(fid.idx()).map(|f| f.name),
                _ => None,
            };
            hash = name.map(|n| self.env.field_hash(&m.str(n)));
        }
        let v = self.get(r_here);
        let fail = self.b.create_block();
        let ok = self.b.create_block();
        self.b.ins().brif(v, ok, &[], fail, &[]);
        self.b.set_cold_block(fail);
        self.b.switch_to_block(fail);
        let inlined = self.frames.and_then(|fr| fr.get(i)).filter(|fr| !fr.is_empty());
        match (hash, inlined) {
            // A spliced function's check: the trace gets its frames back.
            (_, Some(frames)) => {
                let id = self.lw.inline_frames_data(self.env, frames)?;
                let list = self.data_ptr(id);
                let named = self.b.ins().iconst(clt::I32, hash.is_some() as i64);
                let h = self.b.ins().iconst(clt::I32, hash.unwrap_or(0) as i64);
                self.call_rt(rt::hlc_null_access_inlined, &[list, named, h]);
            }
            (Some(h), None) => {
                let h = self.b.ins().iconst(clt::I32, h as i64);
                self.call_rt(rt::hl_null_access_field, &[h]);
            }
            (None, None) => {
                self.call_rt(rt::hl_null_access, &[]);
            }
        }
        self.b.ins().trap(TrapCode::unwrap_user(3));
        self.b.switch_to_block(ok);
        Ok(())
    }

    // ---- the ops ---------------------------------------------------------------------------

    fn op(&mut self, i: usize, op: &Op) -> Result<(), LowerError> {
        let m = self.m();
        if self.scalar_op(op) {
            return Ok(());
        }
        match op {
            Op::Mov { dst, src } => {
                if self.cl(*dst).is_some() {
                    let v = self.get(*src);
                    self.set(*dst, v);
                }
            }
            Op::Int { dst, value } => {
                if let Some(ty) = self.cl(*dst) {
                    let n = m.ints[value.idx()] as i64;
                    let v = if ty.is_float() {
                        let f = self.b.ins().f64const(n as f64);
                        self.coerce(f, ty)
                    } else {
                        self.b.ins().iconst(ty, if ty == clt::I64 { n } else { n & ((1i64 << ty.bits()) - 1) })
                    };
                    self.set(*dst, v);
                }
            }
            Op::Float { dst, value } => {
                if let Some(ty) = self.cl(*dst) {
                    let x = m.floats[value.idx()];
                    // HashLink materialises a zero constant as +0.0, whatever its sign.
                    let x = if x == 0.0 { 0.0 } else { x };
                    let v = if ty == clt::F32 { self.b.ins().f32const(x as f32) } else { self.b.ins().f64const(x) };
                    self.set(*dst, v);
                }
            }
            Op::Bool { dst, value } => {
                let v = self.b.ins().iconst(clt::I8, *value as i64);
                self.set(*dst, v);
            }
            Op::Bytes { dst, value } => {
                let d = self.lw.bytes_data(self.env, value.0).map_err(|e| self.error(e.message))?;
                let v = self.data_ptr(d);
                self.set(*dst, v);
            }
            Op::String { dst, value } => {
                let d = self.lw.string_data(self.env, value.0).map_err(|e| self.error(e.message))?;
                let v = self.data_ptr(d);
                self.set(*dst, v);
            }
            Op::Null { dst } => {
                if let Some(ty) = self.cl(*dst) {
                    let v = self.zero(ty);
                    self.set(*dst, v);
                }
            }
            Op::Add { dst, a, b }
            | Op::Sub { dst, a, b }
            | Op::Mul { dst, a, b }
            | Op::SDiv { dst, a, b }
            | Op::UDiv { dst, a, b }
            | Op::SMod { dst, a, b }
            | Op::UMod { dst, a, b }
            | Op::Shl { dst, a, b }
            | Op::SShr { dst, a, b }
            | Op::UShr { dst, a, b }
            | Op::And { dst, a, b }
            | Op::Or { dst, a, b }
            | Op::Xor { dst, a, b } => self.binop(op, *dst, *a, *b)?,
            Op::Neg { dst, src } => {
                if let Some(ty) = self.cl(*dst) {
                    let v = self.get(*src);
                    let v = self.coerce(v, ty);
                    let r = if ty.is_float() {
                        // HashLink computes 0 - x, so -(+0.0) stays +0.0.
                        let z = self.zero(ty);
                        self.b.ins().fsub(z, v)
                    } else {
                        self.b.ins().ineg(v)
                    };
                    self.set(*dst, r);
                }
            }
            Op::Not { dst, src } => {
                let v = self.get(*src);
                let r = self.b.ins().icmp_imm_s(IntCC::Equal, v, 0);
                self.set(*dst, r);
            }
            Op::Incr { dst } | Op::Decr { dst } => {
                if self.cl(*dst).is_some() {
                    let v = self.get(*dst);
                    let d = if matches!(op, Op::Incr { .. }) { 1 } else { -1 };
                    let r = self.b.ins().iadd_imm_s(v, d);
                    self.set(*dst, r);
                }
            }
            Op::Call0 { dst, fun } => self.call_fun(*dst, *fun, &[]),
            Op::Call1 { dst, fun, a0 } => self.call_fun(*dst, *fun, &[*a0]),
            Op::Call2 { dst, fun, a0, a1 } => self.call_fun(*dst, *fun, &[*a0, *a1]),
            Op::Call3 { dst, fun, a0, a1, a2 } => self.call_fun(*dst, *fun, &[*a0, *a1, *a2]),
            Op::Call4 { dst, fun, a0, a1, a2, a3 } => self.call_fun(*dst, *fun, &[*a0, *a1, *a2, *a3]),
            Op::CallN { dst, fun, args } => self.call_fun(*dst, *fun, &args.0),
            Op::CallMethod { dst, field, args } => self.call_method(*dst, *field, &args.0)?,
            Op::CallThis { dst, field, args } => {
                let mut regs = vec![Reg(0)];
                regs.extend_from_slice(&args.0);
                self.call_method(*dst, *field, &regs)?
            }
            Op::CallClosure { dst, fun, args } => self.call_closure(*dst, *fun, &args.0)?,
            Op::StaticClosure { dst, fun } => {
                let d = self.lw.static_closure(self.env, *fun).map_err(|e| self.error(e.message))?;
                let v = self.data_ptr(d);
                self.set(*dst, v);
            }
            Op::InstanceClosure { dst, fun, obj } => {
                let ft = self.lw.fun_type(*fun);
                let tp = self.type_ptr(ft);
                let fp = self.function_address(*fun);
                let o = self.get(*obj);
                let v = self.call_rt(rt::hl_alloc_closure_ptr, &[tp, fp, o]).unwrap();
                self.set(*dst, v);
            }
            Op::VirtualClosure { dst, obj, field } => {
                let ot = self.rtype(*obj);
                let ft = self.method_type(ot, field.0).ok_or_else(|| self.error("virtual closure of an unknown method"))?;
                let o = self.get(*obj);
                let t = self.load(self.pt, o, 0);
                let protos = self.load(self.pt, t, self.lw.abi.type_vobj_proto() as i32);
                let fp = self.load(self.pt, protos, (field.0 * self.lw.target.layout.ptr) as i32);
                let tp = self.type_ptr(ft);
                let v = self.call_rt(rt::hl_alloc_closure_ptr, &[tp, fp, o]).unwrap();
                self.set(*dst, v);
            }
            Op::GetGlobal { dst, global } => {
                if let Some(ty) = self.cl(*dst) {
                    let (base, off) = self.global_ptr(*global);
                    let v = self.load(ty, base, off);
                    self.set(*dst, v);
                }
            }
            Op::SetGlobal { global, src } => {
                if let Some(ty) = cl_type(m, m.globals[global.idx()], self.pt) {
                    let (base, off) = self.global_ptr(*global);
                    let v = self.get(*src);
                    let v = self.coerce(v, ty);
                    self.store(v, base, off);
                }
            }
            Op::Field { dst, obj, field } => self.get_field(*dst, *obj, *field, self.proven.own_virtual[i])?,
            Op::SetField { obj, field, src } => self.set_field(*obj, *field, *src, self.proven.own_virtual[i])?,
            Op::GetThis { dst, field } => self.get_field(*dst, Reg(0), *field, false)?,
            Op::SetThis { field, src } => self.set_field(Reg(0), *field, *src, false)?,
            Op::DynGet { dst, obj, name } => {
                if let Some(ty) = self.cl(*dst) {
                    let hash = self.env.field_hash(&m.str(*name));
                    let o = self.get(*obj);
                    let dt = self.rtype(*dst);
                    let v = self.dyn_get(o, hash, dt, ty);
                    self.set(*dst, v);
                }
            }
            Op::DynSet { obj, name, src } => {
                let hash = self.env.field_hash(&m.str(*name));
                let o = self.get(*obj);
                let v = self.get(*src);
                let st = self.rtype(*src);
                self.dyn_set(o, hash, st, v);
            }
            Op::JTrue { cond, offset } | Op::JNotNull { reg: cond, offset } => {
                let t = self.target(i, *offset);
                let n = self.block_at(i + 1);
                let v = self.get(*cond);
                self.b.ins().brif(v, t, &[], n, &[]);
                self.terminated = true;
            }
            Op::JFalse { cond, offset } | Op::JNull { reg: cond, offset } => {
                let t = self.target(i, *offset);
                let n = self.block_at(i + 1);
                let v = self.get(*cond);
                self.b.ins().brif(v, n, &[], t, &[]);
                self.terminated = true;
            }
            Op::JSLt { a, b, offset } => self.cond_jump(i, Cmp::Lt, *a, *b, *offset)?,
            Op::JSGte { a, b, offset } => self.cond_jump(i, Cmp::Gte, *a, *b, *offset)?,
            Op::JSGt { a, b, offset } => self.cond_jump(i, Cmp::Gt, *a, *b, *offset)?,
            Op::JSLte { a, b, offset } => self.cond_jump(i, Cmp::Lte, *a, *b, *offset)?,
            Op::JULt { a, b, offset } => self.cond_jump(i, Cmp::ULt, *a, *b, *offset)?,
            Op::JUGte { a, b, offset } => self.cond_jump(i, Cmp::UGte, *a, *b, *offset)?,
            Op::JNotLt { a, b, offset } => self.cond_jump(i, Cmp::NotLt, *a, *b, *offset)?,
            Op::JNotGte { a, b, offset } => self.cond_jump(i, Cmp::NotGte, *a, *b, *offset)?,
            Op::JEq { a, b, offset } => self.cond_jump(i, Cmp::Eq, *a, *b, *offset)?,
            Op::JNotEq { a, b, offset } => self.cond_jump(i, Cmp::NotEq, *a, *b, *offset)?,
            Op::JAlways { offset } => {
                let t = self.target(i, *offset);
                self.b.ins().jump(t, &[]);
                self.terminated = true;
            }
            Op::ToDyn { dst, src } => self.box_value(*dst, *src),
            Op::ToSFloat { dst, src } | Op::ToUFloat { dst, src } => {
                let Some(ty) = self.cl(*dst) else { return Ok(()) };
                let st = self.rty(*src);
                let v = if is_float(st) {
                    let v = self.get(*src);
                    self.coerce(v, ty)
                } else if matches!(op, Op::ToUFloat { .. }) || !is_signed_int(st) {
                    let w = if matches!(st, Type::I64) { clt::I64 } else { clt::I32 };
                    let v = self.int_value(*src, w);
                    self.b.ins().fcvt_from_uint(ty, v)
                } else {
                    let v = self.get(*src);
                    self.b.ins().fcvt_from_sint(ty, v)
                };
                self.set(*dst, v);
            }
            Op::ToInt { dst, src } => {
                let Some(ty) = self.cl(*dst) else { return Ok(()) };
                let v = if is_float(self.rty(*src)) {
                    let v = self.get(*src);
                    let wide = if ty == clt::I64 { clt::I64 } else { clt::I32 };
                    let r = self.float_to_int(v, wide);
                    self.coerce(r, ty)
                } else {
                    let wide = if ty == clt::I64 { clt::I64 } else { clt::I32 };
                    let v = self.int_value(*src, wide);
                    self.coerce(v, ty)
                };
                self.set(*dst, v);
            }
            Op::SafeCast { dst, src } => self.safe_cast(*dst, *src),
            Op::UnsafeCast { dst, src } => {
                if let Some(ty) = self.cl(*dst) {
                    let v = self.get(*src);
                    let v = self.coerce(v, ty);
                    self.set(*dst, v);
                }
            }
            Op::ToVirtual { dst, src } => {
                let tp = self.type_ptr(self.rtype(*dst));
                let v = self.get(*src);
                if self.proven.own_virtual[i] {
                    // Made here: not null, and of its register's type.
                    let r = match self.rtype(*src) == self.rtype(*dst) {
                        true => v,
                        false => self.call_rt(rt::hl_to_virtual, &[tp, v]).unwrap(),
                    };
                    self.set(*dst, r);
                    return Ok(());
                }
                // A virtual of the very type asked for is its own view (what
                // `hl_to_virtual` returns for it): taken inline, as when an
                // interface value comes back out of an `Array<Shape>`.
                let same = self.b.create_block();
                let check = self.b.create_block();
                let slow = self.b.create_block();
                let join = self.b.create_block();
                self.b.append_block_param(join, self.pt);
                self.b.ins().brif(v, check, &[], slow, &[]);
                self.b.switch_to_block(check);
                let t = self.load(self.pt, v, 0);
                let eq = self.b.ins().icmp(IntCC::Equal, t, tp);
                self.b.ins().brif(eq, same, &[], slow, &[]);
                self.b.switch_to_block(same);
                self.b.ins().jump(join, &[v.into()]);
                self.b.switch_to_block(slow);
                let r = self.call_rt(rt::hl_to_virtual, &[tp, v]).unwrap();
                self.b.ins().jump(join, &[r.into()]);
                self.b.switch_to_block(join);
                let r = self.b.block_params(join)[0];
                self.set(*dst, r);
            }
            Op::Label {} | Op::Nop {} | Op::Prefetch { .. } | Op::Catch { .. } => {}
            Op::Ret { src } => {
                if self.cl(*src).is_some() && !self.b.func.signature.returns.is_empty() {
                    let want = self.b.func.signature.returns[0].value_type;
                    let v = self.get(*src);
                    let v = self.coerce(v, want);
                    self.b.ins().return_(&[v]);
                } else {
                    self.b.ins().return_(&[]);
                }
                self.terminated = true;
            }
            Op::Throw { exc } | Op::Rethrow { exc } => {
                let v = self.get(*exc);
                let f = if matches!(op, Op::Throw { .. }) { rt::hl_throw } else { rt::hl_rethrow };
                self.call_rt(f, &[v]);
                self.unreachable();
            }
            Op::Switch { reg, targets, .. } => {
                let v = self.int_value(reg.0, clt::I32);
                let mut sw = Switch::new();
                for (k, &off) in targets.0.iter().enumerate() {
                    let b = self.target(i, Jump(off as i32));
                    sw.set_entry(k as u128, b);
                }
                let next = self.block_at(i + 1);
                sw.emit(&mut self.b, v, next);
                self.terminated = true;
            }
            Op::NullCheck { reg } => {
                if !self.proven.redundant_null.get(i).copied().unwrap_or(false) {
                    self.null_check(i, *reg)?
                }
            }
            Op::Trap { exc, offset } => self.trap(i, *exc, *offset),
            Op::EndTrap { .. } => self.end_trap(i),
            Op::GetI8 { dst, bytes, index } | Op::GetI16 { dst, bytes, index } | Op::GetMem { dst, bytes, index } => {
                let Some(ty) = self.cl(*dst) else { return Ok(()) };
                // Bytes made from a reference by a cast read the register's memory.
                self.flush_refs();
                let addr = self.byte_addr(*bytes, *index);
                let wide = if ty == clt::I64 { clt::I64 } else { clt::I32 };
                let v = match op {
                    Op::GetI8 { .. } => {
                        let flags = self.mem_flags(Data::Bytes, clt::I8);
                        self.b.ins().uload8(wide, flags, addr, 0)
                    }
                    Op::GetI16 { .. } => {
                        let flags = self.mem_flags(Data::Bytes, clt::I16);
                        self.b.ins().uload16(wide, flags, addr, 0)
                    }
                    _ => self.load_data(Data::Bytes, ty, addr, 0),
                };
                self.set(*dst, v);
            }
            Op::SetI8 { bytes, index, src } | Op::SetI16 { bytes, index, src } | Op::SetMem { bytes, index, src } => {
                if self.cl(*src).is_none() {
                    return Ok(());
                }
                let addr = self.byte_addr(*bytes, *index);
                let v = self.get(*src);
                self.flush_refs();
                let vt = self.b.func.dfg.value_type(v);
                match op {
                    Op::SetI8 { .. } => {
                        let v = if vt.bits() > 8 { self.b.ins().ireduce(clt::I8, v) } else { v };
                        self.store_data(Data::Bytes, v, addr, 0)
                    }
                    Op::SetI16 { .. } => {
                        let v = if vt.bits() > 16 {
                            self.b.ins().ireduce(clt::I16, v)
                        } else if vt.bits() < 16 {
                            self.b.ins().uextend(clt::I16, v)
                        } else {
                            v
                        };
                        self.store_data(Data::Bytes, v, addr, 0)
                    }
                    _ => self.store_data(Data::Bytes, v, addr, 0),
                }
                self.reload_refs();
            }
            Op::GetArray { dst, array, index } => {
                let Some(ty) = self.cl(*dst) else { return Ok(()) };
                let size = hlbc::layout::kind_size(self.rty(*dst), self.lw.target.layout);
                let addr = self.array_addr(*array, *index, size);
                let v = self.load_data(Data::Element, ty, addr, 0);
                self.set(*dst, v);
            }
            Op::SetArray { array, index, src } => {
                if self.cl(*src).is_none() {
                    return Ok(());
                }
                let size = hlbc::layout::kind_size(self.rty(*src), self.lw.target.layout);
                let addr = self.array_addr(*array, *index, size);
                let v = self.get(*src);
                self.store_data(Data::Element, v, addr, 0);
            }
            Op::New { dst } => {
                let t = self.rtype(*dst);
                let v = match self.rty(*dst) {
                    Type::Obj(_) | Type::Struct(_) => {
                        let tp = self.type_ptr(t);
                        self.call_rt(rt::hl_alloc_obj, &[tp]).unwrap()
                    }
                    Type::DynObj => self.call_rt(rt::hl_alloc_dynobj, &[]).unwrap(),
                    Type::Virtual(_) => {
                        let tp = self.type_ptr(t);
                        self.call_rt(rt::hl_alloc_virtual, &[tp]).unwrap()
                    }
                    _ => return Err(self.error(format!("new of {}", self.lw.type_name(t)))),
                };
                self.set(*dst, v);
            }
            Op::ArraySize { dst, array } => {
                let a = self.get(*array);
                let v = self.load(clt::I32, a, self.lw.abi.array_size() as i32);
                self.set(*dst, v);
            }
            Op::Type { dst, ty } => {
                let v = self.type_ptr(*ty);
                self.set(*dst, v);
            }
            Op::GetType { dst, src } => {
                let v = self.get(*src);
                let void_t = self.hlt_void();
                let loaded = self.load_if_nonnull(v, 0);
                let isnull = self.b.ins().icmp_imm_s(IntCC::Equal, v, 0);
                let r = self.b.ins().select(isnull, void_t, loaded);
                self.set(*dst, r);
            }
            Op::GetTID { dst, src } => {
                let t = self.get(*src);
                let k = self.load(clt::I32, t, 0);
                self.set(*dst, k);
            }
            Op::Ref { dst, src } => {
                let s = match self.regs[src.idx()] {
                    Store::Slot(s, _) => s,
                    Store::Mirror(var, s, _) => {
                        let v = self.b.use_var(var);
                        self.b.ins().stack_store(self.pt, v, s, 0);
                        s
                    }
                    _ => return Err(self.error("reference to a register without a stack slot")),
                };
                let a = self.b.ins().stack_addr(self.pt, s, 0);
                self.set(*dst, a);
            }
            Op::Unref { dst, src } => {
                if let Some(ty) = self.cl(*dst) {
                    self.flush_refs();
                    let p = self.get(*src);
                    let v = self.load_data(Data::Ref, ty, p, 0);
                    self.set(*dst, v);
                }
            }
            Op::Setref { dst, src } => {
                if self.cl(*src).is_some() {
                    let p = self.get(*dst);
                    let v = self.get(*src);
                    self.flush_refs();
                    self.store_data(Data::Ref, v, p, 0);
                    self.reload_refs();
                }
            }
            Op::MakeEnum { dst, construct, args } => {
                let t = self.rtype(*dst);
                let tp = self.type_ptr(t);
                let c = self.b.ins().iconst(clt::I32, construct.0 as i64);
                let e = self.call_rt(rt::hl_alloc_enum, &[tp, c]).unwrap();
                let offsets = self.lw.layouts.enums[t.idx()]
                    .get(construct.idx())
                    .ok_or_else(|| self.error("enum constructor out of range"))?
                    .offsets
                    .clone();
                for (k, &a) in args.0.iter().enumerate() {
                    if self.cl(a).is_some() {
                        let v = self.get(a);
                        let off = *offsets.get(k).ok_or_else(|| self.error("too many enum parameters"))? as i32;
                        self.store_data(Data::Field, v, e, off);
                    }
                }
                self.set(*dst, e);
            }
            Op::EnumAlloc { dst, construct } => {
                let tp = self.type_ptr(self.rtype(*dst));
                let c = self.b.ins().iconst(clt::I32, construct.0 as i64);
                let e = self.call_rt(rt::hl_alloc_enum, &[tp, c]).unwrap();
                self.set(*dst, e);
            }
            Op::EnumIndex { dst, src } => {
                let e = self.get(*src);
                let v = self.load(clt::I32, e, self.lw.abi.enum_index() as i32);
                self.set(*dst, v);
            }
            Op::EnumField { dst, src, construct, field } => {
                let Some(ty) = self.cl(*dst) else { return Ok(()) };
                let t = self.rtype(*src);
                let off = self.enum_offset(t, construct.idx(), field.idx())?;
                let e = self.get(*src);
                let v = self.load_data(Data::Field, ty, e, off);
                self.set(*dst, v);
            }
            Op::SetEnumField { dst, field, src } => {
                if self.cl(*src).is_some() {
                    let t = self.rtype(*dst);
                    let off = self.enum_offset(t, 0, field.idx())?;
                    let e = self.get(*dst);
                    let v = self.get(*src);
                    self.store_data(Data::Field, v, e, off);
                }
            }
            Op::Assert {} => {
                self.call_rt(rt::hl_assert, &[]);
            }
            Op::RefData { dst, src } => {
                let a = self.get(*src);
                let v = self.b.ins().iadd_imm_s(a, self.lw.abi.array_header() as i64);
                self.set(*dst, v);
            }
            Op::RefOffset { dst, src, offset } => {
                let elem = match self.rty(*dst) {
                    Type::Ref(t) => hlbc::layout::kind_size(m.ty(*t), self.lw.target.layout),
                    _ => 1,
                };
                let p = self.get(*src);
                let o = self.int_value(*offset, clt::I64);
                let scaled = self.b.ins().imul_imm_s(o, elem as i64);
                let v = self.b.ins().iadd(p, scaled);
                self.set(*dst, v);
            }
            Op::Asm { .. } => return Err(self.error("inline assembly (OAsm) is not supported by hlc")),
        }
        Ok(())
    }

    /// The GC safe-point poll at a loop head: one load of the runtime's
    /// `hlc_gc_stopping` byte and a branch; only when a collector is waiting
    /// for this thread, a call to `hlc_gc_poll` in a cold block. So a loop
    /// that neither allocates nor calls a blocking native still lets
    /// collections run. `hlc_gc_poll` preserves every register, so the
    /// register allocator saves nothing around it and the loop's values stay
    /// in registers. Leaves the builder in the block that continues the loop.
    fn gc_poll(&mut self) {
        let id = self.lw.runtime_data("hlc_gc_stopping");
        let flag_addr = self.data_ptr(id);
        // Not `readonly`: the load is redone on every iteration.
        let stopping = self.b.ins().load(clt::I8, MemFlagsData::trusted(), flag_addr, 0);
        // The byte (a Rust `AtomicBool`) is 0 or 1. Compared with 1 so the
        // load can fold into the compare; a test against 0 is simplified
        // into a branch on the loaded register.
        let set = self.b.ins().icmp_imm_s(IntCC::Equal, stopping, 1);
        let slow = self.b.create_block();
        let cont = self.b.create_block();
        self.b.ins().brif(set, slow, &[], cont, &[]);
        self.b.set_cold_block(slow);
        self.b.switch_to_block(slow);
        self.call_rt(rt::hlc_gc_poll, &[]);
        self.b.ins().jump(cont, &[]);
        self.b.switch_to_block(cont);
    }

    /// The GC poll at the head of a loop that steps `counter` by one per
    /// iteration (see `polls`): when its low 16 bits are all ones, a call to
    /// `hlc_gc_poll` in a cold block, which reads the stop flag itself. One
    /// compare of the register's low half with -1 and a branch; no memory
    /// access. Any 65,536 steps in a row pass one such value, and a loop
    /// entered with its counter at 0 (`for (i in 0...n)`) does not take
    /// the slow path on entry, as a test for zero would.
    fn gc_poll_counter(&mut self, counter: Reg) {
        let v = self.get(counter);
        let low = self.b.ins().ireduce(clt::I16, v);
        let ones = self.b.ins().icmp_imm_s(IntCC::Equal, low, -1);
        let slow = self.b.create_block();
        let cont = self.b.create_block();
        self.b.ins().brif(ones, slow, &[], cont, &[]);
        self.b.set_cold_block(slow);
        self.b.switch_to_block(slow);
        self.call_rt(rt::hlc_gc_poll, &[]);
        self.b.ins().jump(cont, &[]);
        self.b.switch_to_block(cont);
    }

    fn hlt_void(&mut self) -> Value {
        let id = self.lw.runtime_data("hlt_void");
        self.data_ptr(id)
    }

    fn load_if_nonnull(&mut self, p: Value, off: i32) -> Value {
        let c = self.b.ins().icmp_imm_s(IntCC::NotEqual, p, 0);
        self.load_if(c, p, off)
    }

    fn enum_offset(&self, t: TypeIdx, c: usize, p: usize) -> Result<i32, LowerError> {
        self.lw
            .layouts
            .enums
            .get(t.idx())
            .and_then(|cs| cs.get(c))
            .and_then(|c| c.offsets.get(p))
            .map(|&o| o as i32)
            .ok_or_else(|| self.error("enum field out of range"))
    }

    fn byte_addr(&mut self, bytes: Reg, index: Reg) -> Value {
        let b = self.get(bytes);
        let i = self.int_value(index, clt::I64);
        self.b.ins().iadd(b, i)
    }

    fn array_addr(&mut self, array: Reg, index: Reg, elem: u32) -> Value {
        let a = self.get(array);
        let i = self.int_value(index, clt::I64);
        let scaled = self.b.ins().imul_imm_s(i, elem as i64);
        let base = self.b.ins().iadd_imm_s(a, self.lw.abi.array_header() as i64);
        self.b.ins().iadd(base, scaled)
    }

    fn box_value(&mut self, dst: Reg, src: Reg) {
        let st = self.rty(src);
        if matches!(st, Type::Bool) {
            let v = self.get(src);
            let r = self.call_rt(rt::hl_alloc_dynbool, &[v]).unwrap();
            self.set(dst, r);
            return;
        }
        let ptr = self.is_ptr_reg(src);
        let v = self.get(src);
        let tp = self.type_ptr(self.rtype(src));
        let off = self.lw.abi.dyn_value() as i32;
        if ptr {
            let alloc = self.b.create_block();
            let join = self.b.create_block();
            self.b.append_block_param(join, self.pt);
            let null = self.b.ins().iconst(self.pt, 0);
            self.b.ins().brif(v, alloc, &[], join, &[null.into()]);
            self.b.switch_to_block(alloc);
            let d = self.call_rt(rt::hl_alloc_dynamic, &[tp]).unwrap();
            self.store(v, d, off);
            self.b.ins().jump(join, &[d.into()]);
            self.b.switch_to_block(join);
            let r = self.b.block_params(join)[0];
            self.set(dst, r);
        } else {
            let d = self.call_rt(rt::hl_alloc_dynamic, &[tp]).unwrap();
            let vt = self.b.func.dfg.value_type(v);
            let v = if vt.is_int() && vt.bits() < 32 { self.b.ins().uextend(clt::I32, v) } else { v };
            self.store(v, d, off);
            self.set(dst, d);
        }
    }

    fn safe_cast(&mut self, dst: Reg, src: Reg) {
        let Some(ty) = self.cl(dst) else { return };
        let (dt, stt) = (self.rtype(dst), self.rtype(src));
        if let Type::Null(inner) = self.rty(src) {
            if *inner == dt || self.m().ty(*inner) == self.rty(dst) {
                let v = self.get(src);
                let nn = self.b.ins().icmp_imm_s(IntCC::NotEqual, v, 0);
                let yes = self.b.create_block();
                let join = self.b.create_block();
                self.b.append_block_param(join, ty);
                let z = self.zero(ty);
                self.b.ins().brif(nn, yes, &[], join, &[z.into()]);
                self.b.switch_to_block(yes);
                let x = self.load(ty, v, self.lw.abi.dyn_value() as i32);
                self.b.ins().jump(join, &[x.into()]);
                self.b.switch_to_block(join);
                let r = self.b.block_params(join)[0];
                self.set(dst, r);
                return;
            }
        }
        let suffix = dyn_suffix(self.rty(dst));
        let addr = self.spill(src);
        let sp = self.type_ptr(stt);
        let (name, params, ret) = rt::dyn_cast(suffix);
        let mut args = vec![addr, sp];
        if params.len() == 3 {
            let dp = self.type_ptr(dt);
            args.push(dp);
        }
        let v = self.call_rt_dyn((name, params, ret), &args).unwrap();
        let v = self.coerce(v, ty);
        self.set(dst, v);
    }

    fn call_closure(&mut self, dst: Reg, cl: Reg, regs: &[Reg]) -> Result<(), LowerError> {
        let ret = self.cl(dst);
        match self.rty(cl) {
            Type::Fun(_) => {
                let c = self.get(cl);
                let fp = self.load(self.pt, c, self.lw.abi.closure_fun() as i32);
                let has = self.load(clt::I32, c, self.lw.abi.closure_has_value() as i32);
                let with = self.b.create_block();
                let without = self.b.create_block();
                let join = self.b.create_block();
                if let Some(t) = ret {
                    self.b.append_block_param(join, t);
                }
                self.b.ins().brif(has, with, &[], without, &[]);
                self.b.switch_to_block(with);
                let value = self.load(self.pt, c, self.lw.abi.closure_value() as i32);
                let mut args = vec![value];
                args.extend(self.args(regs));
                let r = self.call_ptr(fp, &args, ret);
                let ja: Vec<_> = r.into_iter().map(Into::into).collect();
                self.b.ins().jump(join, &ja);
                self.b.switch_to_block(without);
                let args = self.args(regs);
                let r = self.call_ptr(fp, &args, ret);
                let ja: Vec<_> = r.into_iter().map(Into::into).collect();
                self.b.ins().jump(join, &ja);
                self.b.switch_to_block(join);
                if ret.is_some() {
                    let v = self.b.block_params(join)[0];
                    self.set(dst, v);
                }
            }
            Type::Dyn => {
                let c = self.get(cl);
                let argv = self.pointer_args(regs, true);
                let n = self.b.ins().iconst(clt::I32, regs.len() as i64);
                let r = self.call_rt(rt::hl_dyn_call, &[c, argv, n]).unwrap();
                if let Some(t) = ret {
                    if self.lw.is_dynamic(self.rtype(dst)) {
                        self.set(dst, r);
                    } else {
                        // Unbox as HL/C does: hl_dyn_cast<kind>(&ret, &hlt_dyn[, type]).
                        let slot = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
                        self.b.ins().stack_store(self.pt, r, slot, 0);
                        let addr = self.b.ins().stack_addr(self.pt, slot, 0);
                        let dyn_t = self.hlt_dyn();
                        let (name, params, rk) = rt::dyn_cast(dyn_suffix(self.rty(dst)));
                        let mut args = vec![addr, dyn_t];
                        if params.len() == 3 {
                            let dp = self.type_ptr(self.rtype(dst));
                            args.push(dp);
                        }
                        let v = self.call_rt_dyn((name, params, rk), &args).unwrap();
                        let v = self.coerce(v, t);
                        self.set(dst, v);
                    }
                }
            }
            _ => return Err(self.error("closure call on a value that is not a function")),
        }
        Ok(())
    }

    fn hlt_dyn(&mut self) -> Value {
        let id = self.lw.runtime_data("hlt_dyn");
        self.data_ptr(id)
    }
}

/// `hl_invalid_comparison`: what `hl_dyn_compare` returns for unordered values.
const HL_INVALID_COMPARISON: i64 = 0xAABBCCDD_u32 as i32 as i64;

#[derive(Copy, Clone)]
enum Cmp {
    Lt,
    Gte,
    Gt,
    Lte,
    Eq,
    NotEq,
    NotLt,
    NotGte,
    ULt,
    UGte,
}

impl Cmp {
    fn int_cc(self) -> IntCC {
        match self {
            Cmp::Lt => IntCC::SignedLessThan,
            Cmp::Gte | Cmp::NotLt => IntCC::SignedGreaterThanOrEqual,
            Cmp::Gt => IntCC::SignedGreaterThan,
            Cmp::Lte => IntCC::SignedLessThanOrEqual,
            Cmp::Eq => IntCC::Equal,
            Cmp::NotEq => IntCC::NotEqual,
            Cmp::NotGte => IntCC::SignedLessThan,
            Cmp::ULt => IntCC::UnsignedLessThan,
            Cmp::UGte => IntCC::UnsignedGreaterThanOrEqual,
        }
    }
    fn ptr_cc(self) -> IntCC {
        match self {
            Cmp::Lt | Cmp::NotGte | Cmp::ULt => IntCC::UnsignedLessThan,
            Cmp::Gte | Cmp::NotLt | Cmp::UGte => IntCC::UnsignedGreaterThanOrEqual,
            Cmp::Gt => IntCC::UnsignedGreaterThan,
            Cmp::Lte => IntCC::UnsignedLessThanOrEqual,
            Cmp::Eq => IntCC::Equal,
            Cmp::NotEq => IntCC::NotEqual,
        }
    }
}

fn type_code(t: ClType) -> u8 {
    match t {
        clt::I8 => 1,
        clt::I16 => 2,
        clt::I32 => 3,
        clt::I64 => 4,
        clt::F32 => 5,
        clt::F64 => 6,
        _ => 7,
    }
}

/// Which ops an `ORef` may have run before: everything reachable from one.
fn ref_reach(ops: &[Op]) -> Vec<bool> {
    let mut reach = vec![false; ops.len() + 1];
    let mut work: Vec<usize> = ops.iter().enumerate().filter(|(_, o)| matches!(o, Op::Ref { .. })).map(|(i, _)| i + 1).collect();
    let mut targets = Vec::new();
    while let Some(i) = work.pop() {
        if i >= ops.len() || reach[i] {
            continue;
        }
        reach[i] = true;
        let op = &ops[i];
        if !matches!(op, Op::Ret { .. } | Op::Throw { .. } | Op::Rethrow { .. } | Op::JAlways { .. }) {
            work.push(i + 1);
        }
        targets.clear();
        jump_targets(op, i, &mut targets);
        work.extend_from_slice(&targets);
    }
    reach
}

/// Which ops are calls that run only when an unsigned range check fails,
/// inside a loop: the op after `OJULt a, b, +1`, which skips just it, between
/// a backward jump and its target. That is how Haxe's arrays grow on a write
/// past their end (`if ((idx:UInt) >= length) __expand(idx)` in
/// `ArrayBytes.set`, `ArrayObj.set`, ...), a path a loop writing in bounds
/// never takes. Such calls of a function reached directly (in an executable
/// or library; `hlc run` reaches every function through its slot) go
/// through an entry that preserves every register (`Lowerer::cold_entry`).
/// Outside loops there is nothing to gain from
/// that, and a cost: the entry saves every register, dead values too, where
/// the conservative stack scan sees them (a register still holding a dead
/// 8 MB array from an earlier call kept it alive through the collection the
/// call started).
fn cold_calls(ops: &[Op], in_loop: &[bool]) -> Vec<bool> {
    (0..ops.len())
        .map(|i| {
            in_loop[i] && i > 0 && matches!(ops[i - 1], Op::JULt { offset: Jump(1), .. }) && ops[i].direct_callee().is_some()
        })
        .collect()
}

/// Which ops are the default value of an array read past its end, inside a
/// loop: `OInt`, `OFloat`, `OBool` or `ONull` after `OJULt i, length, +2`
/// and before a forward `OJAlways` over the read, the shape in which Haxe
/// reads `Array<Int>`, `Array<Float>` and `Array<T>` elements (out of range
/// gives 0 or null). A loop reading in bounds never runs it, so its block is
/// cold: Cranelift lays it out after the function's hot code and the read in
/// bounds falls straight through, where it would otherwise jump over the
/// default on every element (int_arrays ran 10% faster).
fn default_reads(ops: &[Op], in_loop: &[bool]) -> Vec<bool> {
    (0..ops.len())
        .map(|i| {
            in_loop[i]
                && i > 0
                && matches!(ops[i - 1], Op::JULt { offset: Jump(2), .. })
                && matches!(ops[i], Op::Int { .. } | Op::Float { .. } | Op::Bool { .. } | Op::Null { .. })
                && matches!(ops.get(i + 1), Some(Op::JAlways { offset }) if offset.0 > 0)
        })
        .collect()
}

/// Whether each op lies between a backward jump and its target: inside a
/// loop's body in Haxe's structured bytecode (an over-approximation for
/// other control flow).
pub(super) fn ops_in_loops(ops: &[Op]) -> Vec<bool> {
    // +1 at each backward jump's target, -1 after the jump: ops with a
    // positive running sum are inside some such range.
    let mut delta = vec![0i32; ops.len() + 1];
    let mut targets = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        targets.clear();
        jump_targets(op, i, &mut targets);
        for &t in targets.iter().filter(|&&t| t <= i) {
            delta[t] += 1;
            delta[i + 1] -= 1;
        }
    }
    let mut depth = 0;
    delta[..ops.len()]
        .iter()
        .map(|d| {
            depth += d;
            depth > 0
        })
        .collect()
}

/// Jump targets of an op at index `i`.
pub(super) fn jump_targets(op: &Op, i: usize, out: &mut Vec<usize>) {
    if let Some(j) = op.conditional_jump() {
        out.push(j.target(i));
        return;
    }
    match op {
        Op::JAlways { offset } | Op::Trap { offset, .. } => out.push(offset.target(i)),
        Op::Switch { targets, .. } => {
            for &t in &targets.0 {
                out.push(Jump(t as i32).target(i));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{default_reads, ops_in_loops};
    use hlbc::opcodes::{Jump, Op};
    use hlbc::{FieldIdx, IntIdx, Reg};

    /// Haxe's `a[i]` on an `Array<Int>` in `r1`, index `r0`, into `r3`:
    /// `if ((i:UInt) < a.length) r3 = a.bytes[i << 2] else r3 = 0`, the
    /// default arm first.
    fn array_read() -> Vec<Op> {
        vec![
            Op::Field { dst: Reg(2), obj: Reg(1), field: FieldIdx(0) },
            Op::JULt { a: Reg(0), b: Reg(2), offset: Jump(2) },
            Op::Int { dst: Reg(3), value: IntIdx(0) },
            Op::JAlways { offset: Jump(4) },
            Op::Field { dst: Reg(4), obj: Reg(1), field: FieldIdx(1) },
            Op::Int { dst: Reg(5), value: IntIdx(1) },
            Op::Shl { dst: Reg(5), a: Reg(0), b: Reg(5) },
            Op::GetMem { dst: Reg(3), bytes: Reg(4), index: Reg(5) },
        ]
    }

    fn looped(body: Vec<Op>) -> Vec<Op> {
        let n = body.len() as i32;
        let mut ops = vec![Op::Label {}];
        ops.extend(body);
        ops.push(Op::Incr { dst: Reg(0) });
        ops.push(Op::JAlways { offset: Jump(-(n + 3)) });
        ops
    }

    fn reads(ops: &[Op]) -> Vec<usize> {
        let d = default_reads(ops, &ops_in_loops(ops));
        (0..ops.len()).filter(|&i| d[i]).collect()
    }

    #[test]
    fn the_default_of_an_array_read_in_a_loop_is_cold() {
        // Label, Field, JULt, then the default `OInt` at 3.
        assert_eq!(reads(&looped(array_read())), [3]);
    }

    #[test]
    fn outside_loops_or_in_other_shapes_nothing_is_cold() {
        assert_eq!(reads(&array_read()), Vec::<usize>::new());
        // A range check skipping two ops that are not a default and a jump over the read.
        let mut other = array_read();
        other[3] = Op::Incr { dst: Reg(3) };
        assert_eq!(reads(&looped(other)), Vec::<usize>::new());
        // A check skipping a single op (how arrays grow on a write) is `cold_calls`' case.
        let mut grow = array_read();
        grow[1] = Op::JULt { a: Reg(0), b: Reg(2), offset: Jump(1) };
        assert_eq!(reads(&looped(grow)), Vec::<usize>::new());
    }
}
