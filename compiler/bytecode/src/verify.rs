//! The bytecode verifier: checks that a module the reader accepted is also
//! well-typed, so the lowering (AOT or JIT) never meets an op it cannot
//! translate.
//!
//! The reader guarantees that every index is in range; this pass checks what
//! depends on types: the operand types of every op, field and method indices
//! against the object type, call arity and argument types, return types,
//! jump targets, `OTrap`/`OEndTrap` nesting along every path, and a few
//! module-level facts the lowering and the runtime rely on (function types,
//! class hierarchies, the entry point, constant tables).
//!
//! The typing rules are those of the Haxe compiler's own checker of
//! generated HashLink code (`-D hl-check`), with HashLink's implicit
//! conversions ([`Verifier::safe_cast`]: a subclass where its superclass is
//! expected, any dynamic value where `dyn` is expected, a larger virtual
//! where a smaller one is expected, function types with contravariant
//! arguments, `i64`/`guid`), plus a few rules the lowering needs that Haxe
//! never had to state (a `this` register to read, references only to
//! registers that hold a value, comparisons of comparable types, no falling
//! off the end of a function). Registers need no definition before use:
//! the lowering zero-initialises every register on entry, as HashLink does.
//!
//! The first violation is reported as a [`VerifyError`] naming the function
//! (as HashLink's stack traces name it), the op index, the op as `hlc dump`
//! prints it, and what was expected.

use crate::layout::is_dynamic;
use crate::names::{field_of, FunctionNames};
use crate::opcodes::{Jump, Op};
use crate::*;
use std::fmt;

/// Where a verification failure was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A part of the module outside any function (`type #12`, `native #3`, ...).
    Module(String),
    /// A function as a whole: HashLink's name for it, and its function index.
    Function { name: String, findex: u32 },
    /// One op of a function: its index and its text as `hlc dump` prints it.
    Op { name: String, findex: u32, op: usize, text: String },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Module(what) => write!(f, "{what}"),
            Location::Function { name, findex } => write!(f, "function {name} (fun@{findex})"),
            Location::Op { name, findex, op, text } => {
                write!(f, "function {name} (fun@{findex}), op #{op} (@{op:X}) `{text}`")
            }
        }
    }
}

/// A module that reads cleanly but is not well-typed HashLink bytecode.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("ill-typed HashLink bytecode in {location}: {message}")]
#[diagnostic(
    code(hlc::verify),
    help("the file was not produced by `haxe -hl` or was modified afterwards; rebuild it with `haxe -hl` (Haxe checks its own output with `-D hl-check`)")
)]
pub struct VerifyError {
    pub location: Location,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Checks every type, function and op of `m`; see the module documentation.
pub fn verify_module(m: &Module) -> Result<(), VerifyError> {
    let v = Verifier::new(m);
    let res = v.module_checks().and_then(|()| (0..m.functions.len()).try_for_each(|fi| v.function(fi)));
    res.map_err(|fail| fail.into_error(m))
}

/// A failure before names are resolved (they cost a pass over the module,
/// so they are computed only once something failed).
struct Fail {
    at: FailAt,
    message: String,
}

enum FailAt {
    Module(String),
    Function(usize),
    Op(usize, usize),
}

impl Fail {
    fn into_error(self, m: &Module) -> VerifyError {
        let location = match self.at {
            FailAt::Module(what) => Location::Module(what),
            FailAt::Function(fi) => {
                let names = FunctionNames::new(m);
                Location::Function { name: names.hl_name(m, fi), findex: m.functions[fi].findex.0 }
            }
            FailAt::Op(fi, op) => {
                let names = FunctionNames::new(m);
                let f = &m.functions[fi];
                Location::Op {
                    name: names.hl_name(m, fi),
                    findex: f.findex.0,
                    op,
                    text: dump::op_text(m, &f.ops[op]),
                }
            }
        };
        VerifyError { location, message: self.message }
    }
}

type Check = Result<(), Fail>;

/// How deep type comparisons recurse before giving up (real programs nest
/// a handful of levels; only crafted type graphs go deeper).
const MAX_TYPE_DEPTH: u32 = 64;

/// The typing context of one module.
pub struct Verifier<'m> {
    m: &'m Module,
    /// The type of every function index (functions and natives).
    fun_types: Vec<TypeIdx>,
}

impl<'m> Verifier<'m> {
    pub fn new(m: &'m Module) -> Verifier<'m> {
        let mut fun_types = vec![TypeIdx(0); m.functions.len() + m.natives.len()];
        for f in &m.functions {
            if let Some(t) = fun_types.get_mut(f.findex.idx()) {
                *t = f.ty;
            }
        }
        for n in &m.natives {
            if let Some(t) = fun_types.get_mut(n.findex.idx()) {
                *t = n.ty;
            }
        }
        Verifier { m, fun_types }
    }

    fn ty(&self, t: TypeIdx) -> &'m Type {
        self.m.ty(t)
    }

    fn tstr(&self, t: TypeIdx) -> String {
        dump::type_str(self.m, t)
    }

    /// The argument and return types of a `fun` type.
    fn fun_sig(&self, t: TypeIdx) -> Option<&'m FunType> {
        match self.ty(t) {
            Type::Fun(f) => Some(f),
            _ => None,
        }
    }

    /// The super chain of an obj/struct type, the type itself first (cut
    /// short on a cyclic chain, which the module checks report).
    fn chain(&self, t: TypeIdx) -> impl Iterator<Item = &'m ObjType> + '_ {
        let limit = self.m.types.len() + 1;
        let mut cur = Some(t);
        std::iter::from_fn(move || {
            let o = self.ty(cur?).as_obj()?;
            cur = o.super_;
            Some(o)
        })
        .take(limit)
    }

    /// The function in virtual-method slot `slot` of obj type `t` (the most derived override).
    fn method_slot(&self, t: TypeIdx, slot: u32) -> Option<FunIdx> {
        self.chain(t).find_map(|o| o.protos.iter().find(|p| p.pindex == slot as i32).map(|p| p.findex))
    }

    // ---- type relations (Haxe's `tsame` and `safe_cast`) ----------------------------

    /// Kinds without parameters: any two types of such a kind are the same type.
    fn same_nullary(a: &Type, b: &Type) -> bool {
        use Type as T;
        matches!(
            (a, b),
            (T::Void, T::Void)
                | (T::U8, T::U8)
                | (T::U16, T::U16)
                | (T::I32, T::I32)
                | (T::I64, T::I64)
                | (T::F32, T::F32)
                | (T::F64, T::F64)
                | (T::Bool, T::Bool)
                | (T::Bytes, T::Bytes)
                | (T::Dyn, T::Dyn)
                | (T::Array, T::Array)
                | (T::Type, T::Type)
                | (T::DynObj, T::DynObj)
                | (T::Guid, T::Guid)
        )
    }

    fn name_eq(&self, a: StrIdx, b: StrIdx) -> bool {
        a == b || self.m.strings[a.idx()] == self.m.strings[b.idx()]
    }

    /// Whether `a` and `b` denote the same type.
    pub fn tsame(&self, a: TypeIdx, b: TypeIdx) -> bool {
        self.tsame_at(a, b, 0)
    }

    fn tsame_at(&self, a: TypeIdx, b: TypeIdx, depth: u32) -> bool {
        if a == b {
            return true;
        }
        if depth > MAX_TYPE_DEPTH {
            return false;
        }
        let d = depth + 1;
        match (self.ty(a), self.ty(b)) {
            (x, y) if Self::same_nullary(x, y) => true,
            (Type::Fun(f1), Type::Fun(f2)) | (Type::Method(f1), Type::Method(f2)) => {
                f1.args.len() == f2.args.len()
                    && f1.args.iter().zip(&f2.args).all(|(&x, &y)| self.tsame_at(x, y, d))
                    && self.tsame_at(f2.ret, f1.ret, d)
            }
            (Type::Abstract(x), Type::Abstract(y)) => self.name_eq(*x, *y),
            (Type::Virtual(v1), Type::Virtual(v2)) => {
                v1.fields.len() == v2.fields.len()
                    && v1.fields.iter().zip(&v2.fields).all(|(x, y)| self.name_eq(x.name, y.name) && self.tsame_at(x.ty, y.ty, d))
            }
            (Type::Null(x), Type::Null(y)) | (Type::Ref(x), Type::Ref(y)) | (Type::Packed(x), Type::Packed(y)) => {
                self.tsame_at(*x, *y, d)
            }
            // Objects, structs and enums are nominal: one type entry each.
            _ => false,
        }
    }

    /// Whether a value of type `a` can be used where `b` is expected.
    pub fn safe_cast(&self, a: TypeIdx, b: TypeIdx) -> bool {
        self.safe_cast_at(a, b, 0)
    }

    fn safe_cast_at(&self, a: TypeIdx, b: TypeIdx, depth: u32) -> bool {
        if a == b {
            return true;
        }
        if depth > MAX_TYPE_DEPTH {
            return false;
        }
        let d = depth + 1;
        let (ta, tb) = (self.ty(a), self.ty(b));
        match (ta, tb) {
            (x, y) if Self::same_nullary(x, y) => true,
            (_, Type::Dyn) => is_dynamic(ta),
            (Type::Virtual(v1), Type::Virtual(v2)) if v2.fields.len() < v1.fields.len() => v1
                .fields
                .iter()
                .zip(&v2.fields)
                .all(|(x, y)| self.name_eq(x.name, y.name) && self.tsame_at(x.ty, y.ty, d)),
            (Type::Obj(_), Type::Obj(target)) | (Type::Struct(_), Type::Struct(target)) => {
                self.chain(a).any(|o| self.name_eq(o.name, target.name))
            }
            (Type::Packed(inner), Type::Struct(_)) => self.safe_cast_at(*inner, b, d),
            (Type::Struct(_), Type::Packed(inner)) => self.safe_cast_at(a, *inner, d),
            (Type::Fun(f1), Type::Fun(f2)) if f1.args.len() == f2.args.len() => {
                self.fun_cast_at(&f1.args, f1.ret, &f2.args, f2.ret, d)
            }
            (Type::I64 | Type::Guid, Type::I64 | Type::Guid) => true,
            _ => self.tsame_at(a, b, d),
        }
    }

    /// `safe_cast(fun(args1):ret1, fun(args2):ret2)` for function types that
    /// need not exist in the type table: arguments are contravariant (or
    /// `dyn` accepting any dynamic value), the result covariant.
    fn fun_cast(&self, args1: &[TypeIdx], ret1: TypeIdx, args2: &[TypeIdx], ret2: TypeIdx) -> bool {
        self.fun_cast_at(args1, ret1, args2, ret2, 0)
    }

    fn fun_cast_at(&self, args1: &[TypeIdx], ret1: TypeIdx, args2: &[TypeIdx], ret2: TypeIdx, d: u32) -> bool {
        args1.len() == args2.len()
            && args1.iter().zip(args2).all(|(&t1, &t2)| {
                self.safe_cast_at(t2, t1, d) || (matches!(self.ty(t1), Type::Dyn) && is_dynamic(self.ty(t2)))
            })
            && self.safe_cast_at(ret1, ret2, d)
    }

    // ---- module-level checks ---------------------------------------------------------

    fn module_checks(&self) -> Check {
        let m = self.m;
        let fail = |what: String, message: String| Err(Fail { at: FailAt::Module(what), message });
        for (ti, t) in m.types.iter().enumerate() {
            let what = || format!("type #{ti} ({})", self.tstr(TypeIdx(ti as u32)));
            match t {
                Type::Obj(o) | Type::Struct(o) => {
                    let is_struct = matches!(t, Type::Struct(_));
                    if let Some(s) = o.super_ {
                        if matches!(self.ty(s), Type::Struct(_)) != is_struct || self.ty(s).as_obj().is_none() {
                            return fail(what(), format!("its super type {} is not an {}", self.tstr(s), if is_struct { "struct" } else { "object" }));
                        }
                    }
                    // A cyclic chain never reaches a type without super.
                    let mut cur = o.super_;
                    let mut steps = 0;
                    while let Some(s) = cur {
                        steps += 1;
                        if steps > m.types.len() {
                            return fail(what(), "its super chain is cyclic".into());
                        }
                        cur = self.ty(s).as_obj().and_then(|o| o.super_);
                    }
                }
                Type::Packed(inner) if !matches!(self.ty(*inner), Type::Struct(_)) => {
                    return fail(what(), format!("packed type of {}, which is not a struct", self.tstr(*inner)));
                }
                _ => {}
            }
        }
        // Object layouts exist (no struct packed into itself).
        if let Err(e) = crate::layout::Layouts::compute(m, crate::layout::Target { ptr: 8 }) {
            return fail("the type table".into(), e.0);
        }
        for (ti, t) in m.types.iter().enumerate() {
            let Some(o) = t.as_obj() else { continue };
            let what = || format!("type #{ti} ({})", self.tstr(TypeIdx(ti as u32)));
            for p in &o.protos {
                let ft = self.fun_types[p.findex.idx()];
                match self.fun_sig(ft) {
                    Some(f) if !f.args.is_empty() => {}
                    _ => {
                        return fail(what(), format!(
                            "method {} is implemented by fun@{} of type {}, not a function taking the object",
                            m.str(p.name),
                            p.findex.0,
                            self.tstr(ft)
                        ))
                    }
                }
            }
            let total: usize = self.chain(TypeIdx(ti as u32)).map(|o| o.fields.len()).sum();
            for &(field, fun) in &o.bindings {
                let Some(fd) = field_of(m, TypeIdx(ti as u32), field) else {
                    return fail(what(), format!("binding of field #{} but the type has {total} fields", field.0));
                };
                if !matches!(self.ty(fd.ty), Type::Fun(_) | Type::Dyn) || self.fun_sig(self.fun_types[fun.idx()]).is_none() {
                    return fail(what(), format!(
                        "binding of field {} ({}) to fun@{} ({}): a function field bound to a function is expected",
                        m.str(fd.name),
                        self.tstr(fd.ty),
                        fun.0,
                        self.tstr(self.fun_types[fun.idx()])
                    ));
                }
            }
        }
        for (i, n) in m.natives.iter().enumerate() {
            if self.fun_sig(n.ty).is_none() {
                return fail(
                    format!("native #{i} ({}@{})", m.str(n.lib), m.str(n.name)),
                    format!("its type {} is not a function type", self.tstr(n.ty)),
                );
            }
        }
        for (fi, f) in m.functions.iter().enumerate() {
            let at = || FailAt::Function(fi);
            let Some(sig) = self.fun_sig(f.ty) else {
                return Err(Fail { at: at(), message: format!("its type {} is not a function type", self.tstr(f.ty)) });
            };
            if f.regs.len() < sig.args.len() {
                return Err(Fail {
                    at: at(),
                    message: format!("it takes {} arguments but has only {} registers", sig.args.len(), f.regs.len()),
                });
            }
            for (r, &a) in sig.args.iter().enumerate() {
                if !self.safe_cast(f.regs[r], a) {
                    return Err(Fail {
                        at: at(),
                        message: format!(
                            "argument {r} is of type {} but register {r} is {}",
                            self.tstr(a),
                            self.tstr(f.regs[r])
                        ),
                    });
                }
            }
            if f.ops.is_empty() {
                return Err(Fail { at: at(), message: "it has no code".into() });
            }
        }
        match m.fun_table().get(m.entrypoint.idx()).copied().flatten() {
            Some(FunRef::Function(i)) => {
                let f = &m.functions[i];
                if !self.fun_sig(f.ty).is_some_and(|s| s.args.is_empty()) {
                    return fail("the entry point".into(), format!("fun@{} takes arguments ({})", f.findex.0, self.tstr(f.ty)));
                }
            }
            _ => return fail("the entry point".into(), format!("fun@{} is not a function of the module", m.entrypoint.0)),
        }
        for (ci, c) in m.constants.iter().enumerate() {
            let what = || format!("constant #{ci} (global @{})", c.global.0);
            let gt = m.globals[c.global.idx()];
            let Type::Obj(o) = self.ty(gt) else {
                return fail(what(), format!("the global is of type {}, not an object type", self.tstr(gt)));
            };
            if o.fields.len() != c.fields.len() {
                return fail(what(), format!("{} values for the {} fields of {}", c.fields.len(), o.fields.len(), self.tstr(gt)));
            }
            for (fd, &v) in o.fields.iter().zip(&c.fields) {
                let (table, len) = match self.ty(fd.ty) {
                    Type::I32 => ("int", m.ints.len()),
                    Type::F64 => ("float", m.floats.len()),
                    Type::Bytes => ("string", m.strings.len()),
                    Type::Type => ("type", m.types.len()),
                    Type::Bool => continue,
                    _ => ("global", m.globals.len()),
                };
                if v as usize >= len {
                    return fail(what(), format!("field {}: {table} index {v} out of range (0..{len})", m.str(fd.name)));
                }
            }
        }
        Ok(())
    }

    // ---- functions ----------------------------------------------------------------------

    fn function(&self, fi: usize) -> Check {
        let f = &self.m.functions[fi];
        let mut fc = FnCheck { v: self, f, fi, op: 0 };
        for (i, op) in f.ops.iter().enumerate() {
            fc.op = i;
            fc.op(op)?;
        }
        fc.flow()
    }
}

/// The checks of one function.
struct FnCheck<'v, 'm> {
    v: &'v Verifier<'m>,
    f: &'m Function,
    fi: usize,
    /// The op being checked.
    op: usize,
}

impl<'m> FnCheck<'_, 'm> {
    fn fail(&self, message: impl Into<String>) -> Check {
        Err(Fail { at: FailAt::Op(self.fi, self.op), message: message.into() })
    }

    fn rtype(&self, r: Reg) -> TypeIdx {
        self.f.regs[r.idx()]
    }

    fn rty(&self, r: Reg) -> &'m Type {
        self.v.ty(self.rtype(r))
    }

    fn reg_inf(&self, r: Reg) -> String {
        format!("register {} ({})", r.0, self.v.tstr(self.rtype(r)))
    }

    /// Register `r` must be usable as type `t`.
    fn reg(&self, r: Reg, t: TypeIdx) -> Check {
        if self.v.safe_cast(self.rtype(r), t) {
            Ok(())
        } else {
            self.fail(format!("{} should be {}", self.reg_inf(r), self.v.tstr(t)))
        }
    }

    /// Register `r` must be of a kind `pred` accepts, described as `what`.
    fn kind(&self, r: Reg, what: &str, pred: impl Fn(&Type) -> bool) -> Check {
        if pred(self.rty(r)) {
            Ok(())
        } else {
            self.fail(format!("{} should be {what}", self.reg_inf(r)))
        }
    }

    /// A value of type `t` must fit register `r`.
    fn fits_reg(&self, t: TypeIdx, r: Reg) -> Check {
        if self.v.safe_cast(t, self.rtype(r)) {
            Ok(())
        } else {
            self.fail(format!("{} cannot hold a value of type {}", self.reg_inf(r), self.v.tstr(t)))
        }
    }

    fn i32(&self, r: Reg) -> Check {
        self.kind(r, "i32", |t| matches!(t, Type::I32))
    }

    fn int(&self, r: Reg) -> Check {
        self.kind(r, "an integer", is_int)
    }

    fn dynamic(&self, r: Reg) -> Check {
        self.kind(r, "dynamic (a value that carries its type)", is_dynamic)
    }

    /// Arguments `args` of a call to a function of type `sig`, result into `dst`.
    fn call_args(&self, args: &[Reg], sig: &FunType, dst: Reg, callee: impl Fn() -> String) -> Check {
        if args.len() != sig.args.len() {
            return self.fail(format!("{} takes {} arguments, not {}", callee(), sig.args.len(), args.len()));
        }
        for (&a, &t) in args.iter().zip(&sig.args) {
            self.reg(a, t)?;
        }
        self.fits_reg(sig.ret, dst)
    }

    /// The signature of function index `f` (every function and native has a
    /// `fun` type once the module checks passed).
    fn sig(&self, f: FunIdx) -> Result<&'m FunType, Fail> {
        let ft = self.v.fun_types[f.idx()];
        self.v.fun_sig(ft).ok_or_else(|| Fail {
            at: FailAt::Op(self.fi, self.op),
            message: format!("fun@{} is of type {}, not a function type", f.0, self.v.tstr(ft)),
        })
    }

    fn call(&self, dst: Reg, fun: FunIdx, args: &[Reg]) -> Check {
        let sig = self.sig(fun)?;
        self.call_args(args, sig, dst, || format!("fun@{} ({})", fun.0, self.v.tstr(self.v.fun_types[fun.idx()])))
    }

    /// The type of field `fid` of the value in `obj` (objects, structs, virtuals).
    fn field(&self, obj: Reg, fid: FieldIdx) -> Result<TypeIdx, Fail> {
        let t = self.rtype(obj);
        let err = |message: String| Fail { at: FailAt::Op(self.fi, self.op), message };
        let found = match self.rty(obj) {
            Type::Obj(_) | Type::Struct(_) => field_of(self.v.m, t, fid).map(|f| f.ty),
            Type::Virtual(v) => v.fields.get(fid.idx()).map(|f| f.ty),
            _ => return Err(err(format!("{} should be an object, a struct or a virtual", self.reg_inf(obj)))),
        };
        found.ok_or_else(|| err(format!("{} has no field {}", self.reg_inf(obj), fid.0)))
    }

    /// The function type in method slot `slot` of the object in `obj`.
    fn method(&self, obj: Reg, slot: FieldIdx) -> Result<&'m FunType, Fail> {
        let err = |message: String| Fail { at: FailAt::Op(self.fi, self.op), message };
        if !matches!(self.rty(obj), Type::Obj(_)) {
            return Err(err(format!("{} should be an object", self.reg_inf(obj))));
        }
        let f = self
            .v
            .method_slot(self.rtype(obj), slot.0)
            .ok_or_else(|| err(format!("{} has no method in slot {}", self.reg_inf(obj), slot.0)))?;
        self.sig(f)
    }

    /// The function has a `this` (register 0).
    fn this(&self) -> Result<Reg, Fail> {
        if self.f.regs.is_empty() || self.v.fun_sig(self.f.ty).is_none_or(|s| s.args.is_empty()) {
            return Err(Fail {
                at: FailAt::Op(self.fi, self.op),
                message: format!("the function has no `this` (its type is {})", self.v.tstr(self.f.ty)),
            });
        }
        Ok(Reg(0))
    }

    fn enum_construct(&self, r: Reg, c: ConstructIdx) -> Result<&'m EnumConstruct, Fail> {
        let err = |message: String| Fail { at: FailAt::Op(self.fi, self.op), message };
        match self.rty(r) {
            Type::Enum(e) => e
                .constructs
                .get(c.idx())
                .ok_or_else(|| err(format!("{} has no constructor {} ({} constructors)", self.reg_inf(r), c.0, e.constructs.len()))),
            _ => Err(err(format!("{} should be an enum", self.reg_inf(r)))),
        }
    }

    fn jump(&self, j: Jump) -> Check {
        let t = j.target(self.op);
        if t >= self.f.ops.len() {
            return self.fail(format!("the jump lands outside the function (op #{t} of {})", self.f.ops.len()));
        }
        if t <= self.op && !matches!(self.f.ops[t], Op::Label {}) {
            return self.fail(format!("a backward jump must land on a label, not on op #{t} ({})", self.f.ops[t].name()));
        }
        Ok(())
    }

    fn compare(&self, a: Reg, b: Reg, ordered: bool) -> Check {
        let (ta, tb) = (self.rtype(a), self.rtype(b));
        let ok = if ordered {
            self.v.safe_cast(ta, tb) || self.v.safe_cast(tb, ta)
        } else {
            matches!((self.rty(a), self.rty(b)), (Type::Obj(_) | Type::Virtual(_), Type::Obj(_) | Type::Virtual(_)) | (Type::Dyn | Type::Fun(_), Type::Dyn | Type::Fun(_)))
                || self.v.safe_cast(tb, ta)
                || self.v.safe_cast(ta, tb)
        };
        if !ok {
            return self.fail(format!("{} cannot be compared with {}", self.reg_inf(a), self.reg_inf(b)));
        }
        // What the lowering knows how to compare.
        use Type as T;
        let lowerable = match (self.rty(a), self.rty(b)) {
            (x, y) if is_float(x) && is_float(y) => true,
            (T::U8 | T::U16 | T::I32 | T::I64 | T::Bool, T::U8 | T::U16 | T::I32 | T::I64 | T::Bool) => true,
            (T::Type, T::Type) | (T::Virtual(_), T::Virtual(_)) | (T::Virtual(_), T::Obj(_)) | (T::Obj(_), T::Virtual(_)) => {
                !ordered
            }
            (T::Null(inner), T::Null(_)) => !matches!(self.v.ty(*inner), T::Void),
            (T::Dyn | T::Fun(_), _) | (_, T::Dyn | T::Fun(_)) => true,
            (T::Obj(_), T::Obj(_)) => return self.compare_method(a),
            (T::Struct(_), T::Struct(_))
            | (T::Enum(_), T::Enum(_))
            | (T::DynObj, T::DynObj)
            | (T::Abstract(_), T::Abstract(_))
            | (T::Bytes, T::Bytes)
            | (T::Array, T::Array)
            | (T::Ref(_), T::Ref(_)) => true,
            _ => false,
        };
        if !lowerable {
            return self.fail(format!(
                "{} and {} cannot be compared{}",
                self.reg_inf(a),
                self.reg_inf(b),
                if ordered { " by order" } else { "" }
            ));
        }
        Ok(())
    }

    /// Objects compare through their class's `__compare(this, other):int` when it has one.
    fn compare_method(&self, a: Reg) -> Check {
        let m = self.v.m;
        let found = self
            .v
            .chain(self.rtype(a))
            .find_map(|o| o.protos.iter().find(|p| &*m.str(p.name) == "__compare"));
        if let Some(p) = found {
            let ft = self.v.fun_types[p.findex.idx()];
            let ok = self.v.fun_sig(ft).is_some_and(|s| {
                s.args.len() == 2
                    && s.args.iter().all(|&t| crate::layout::is_ptr(self.v.ty(t)))
                    && is_int(self.v.ty(s.ret))
            });
            if !ok {
                return self.fail(format!(
                    "the objects compare through fun@{} (__compare), whose type {} is not (object, dynamic) -> integer",
                    p.findex.0,
                    self.v.tstr(ft)
                ));
            }
        }
        Ok(())
    }

    fn op(&self, op: &Op) -> Check {
        let v = self.v;
        let m = v.m;
        match op {
            Op::Mov { dst, src } => self.reg(*src, self.rtype(*dst))?,
            Op::Int { dst, .. } => self.int(*dst)?,
            Op::Float { dst, .. } => self.kind(*dst, "a float", is_float)?,
            Op::Bool { dst, .. } => self.kind(*dst, "bool", |t| matches!(t, Type::Bool))?,
            Op::Bytes { dst, .. } | Op::String { dst, .. } => self.kind(*dst, "bytes", |t| matches!(t, Type::Bytes))?,
            Op::Null { dst } => self.kind(*dst, "nullable", is_nullable)?,
            Op::Add { dst, a, b }
            | Op::Sub { dst, a, b }
            | Op::Mul { dst, a, b }
            | Op::SDiv { dst, a, b }
            | Op::UDiv { dst, a, b }
            | Op::SMod { dst, a, b }
            | Op::UMod { dst, a, b } => {
                self.kind(*dst, "numeric", |t| is_int(t) || is_float(t))?;
                self.reg(*a, self.rtype(*dst))?;
                self.reg(*b, self.rtype(*dst))?;
            }
            Op::Shl { dst, a, b }
            | Op::SShr { dst, a, b }
            | Op::UShr { dst, a, b }
            | Op::And { dst, a, b }
            | Op::Or { dst, a, b }
            | Op::Xor { dst, a, b } => {
                self.int(*dst)?;
                self.reg(*a, self.rtype(*dst))?;
                self.reg(*b, self.rtype(*dst))?;
            }
            Op::Neg { dst, src } => {
                self.kind(*dst, "numeric", |t| is_int(t) || is_float(t))?;
                self.reg(*src, self.rtype(*dst))?;
            }
            Op::Not { dst, src } => {
                self.kind(*dst, "bool", |t| matches!(t, Type::Bool))?;
                self.kind(*src, "bool", |t| matches!(t, Type::Bool))?;
            }
            Op::Incr { dst } | Op::Decr { dst } => self.int(*dst)?,
            Op::Call0 { dst, fun } => self.call(*dst, *fun, &[])?,
            Op::Call1 { dst, fun, a0 } => self.call(*dst, *fun, &[*a0])?,
            Op::Call2 { dst, fun, a0, a1 } => self.call(*dst, *fun, &[*a0, *a1])?,
            Op::Call3 { dst, fun, a0, a1, a2 } => self.call(*dst, *fun, &[*a0, *a1, *a2])?,
            Op::Call4 { dst, fun, a0, a1, a2, a3 } => self.call(*dst, *fun, &[*a0, *a1, *a2, *a3])?,
            Op::CallN { dst, fun, args } => self.call(*dst, *fun, &args.0)?,
            Op::CallThis { dst, field, args } => {
                let this = self.this()?;
                let sig = self.method(this, *field)?;
                let mut all = vec![this];
                all.extend_from_slice(&args.0);
                self.call_args(&all, sig, *dst, || format!("method slot {}", field.0))?;
            }
            Op::CallMethod { dst, field, args } => {
                let Some((&obj, rest)) = args.0.split_first() else {
                    return self.fail("a method call needs the object as first argument");
                };
                match self.rty(obj) {
                    Type::Virtual(vt) => {
                        let Some(fd) = vt.fields.get(field.idx()) else {
                            return self.fail(format!("{} has no field {}", self.reg_inf(obj), field.0));
                        };
                        match v.ty(fd.ty) {
                            Type::Method(sig) => self.call_args(rest, sig, *dst, || format!("method {}", m.str(fd.name)))?,
                            _ => {
                                return self.fail(format!(
                                    "field {} of {} is of type {}, not a method",
                                    m.str(fd.name),
                                    self.reg_inf(obj),
                                    v.tstr(fd.ty)
                                ))
                            }
                        }
                    }
                    _ => {
                        let sig = self.method(obj, *field)?;
                        self.call_args(&args.0, sig, *dst, || format!("method slot {}", field.0))?;
                    }
                }
            }
            Op::CallClosure { dst, fun, args } => match self.rty(*fun) {
                Type::Dyn => {}
                Type::Fun(sig) => self.call_args(&args.0, sig, *dst, || self.reg_inf(*fun))?,
                _ => return self.fail(format!("{} should be a function or dyn", self.reg_inf(*fun))),
            },
            Op::StaticClosure { dst, fun } => self.reg(*dst, v.fun_types[fun.idx()])?,
            Op::InstanceClosure { dst, fun, obj } => {
                let sig = self.sig(*fun)?;
                let Some((&t, rest)) = sig.args.split_first() else {
                    return self.fail(format!("fun@{} ({}) takes no argument to bind", fun.0, v.tstr(v.fun_types[fun.idx()])));
                };
                self.reg(*obj, t)?;
                if !is_nullable(v.ty(t)) {
                    return self.fail(format!("the bound argument of fun@{} ({}) should be nullable", fun.0, v.tstr(t)));
                }
                self.closure_into(*dst, rest, sig.ret)?;
            }
            Op::VirtualClosure { dst, obj, field } => {
                let sig = self.method(*obj, *field)?;
                let Some((&t, rest)) = sig.args.split_first() else {
                    return self.fail(format!("method slot {} takes no object", field.0));
                };
                self.reg(*obj, t)?;
                self.closure_into(*dst, rest, sig.ret)?;
            }
            Op::GetGlobal { dst, global } => {
                let gt = m.globals[global.idx()];
                if !v.safe_cast(gt, self.rtype(*dst)) {
                    self.reg(*dst, gt)?;
                }
            }
            Op::SetGlobal { global, src } => self.reg(*src, m.globals[global.idx()])?,
            Op::Field { dst, obj, field } => {
                let ft = self.field(*obj, *field)?;
                self.fits_reg(ft, *dst)?;
            }
            Op::SetField { obj, field, src } => {
                let ft = self.field(*obj, *field)?;
                self.reg(*src, ft)?;
            }
            Op::GetThis { dst, field } => {
                let ft = self.field(self.this()?, *field)?;
                self.fits_reg(ft, *dst)?;
            }
            Op::SetThis { field, src } => {
                let ft = self.field(self.this()?, *field)?;
                self.reg(*src, ft)?;
            }
            Op::DynGet { obj, .. } | Op::DynSet { obj, .. } => {
                self.kind(*obj, "an object, dyn, dynobj or a virtual", |t| {
                    matches!(t, Type::Obj(_) | Type::Dyn | Type::DynObj | Type::Virtual(_))
                })?;
            }
            Op::JTrue { cond, offset } | Op::JFalse { cond, offset } => {
                self.kind(*cond, "bool", |t| matches!(t, Type::Bool))?;
                self.jump(*offset)?;
            }
            Op::JNull { reg, offset } | Op::JNotNull { reg, offset } => {
                self.kind(*reg, "nullable", is_nullable)?;
                self.jump(*offset)?;
            }
            Op::JSLt { a, b, offset }
            | Op::JSGte { a, b, offset }
            | Op::JSGt { a, b, offset }
            | Op::JSLte { a, b, offset }
            | Op::JULt { a, b, offset }
            | Op::JUGte { a, b, offset }
            | Op::JNotLt { a, b, offset }
            | Op::JNotGte { a, b, offset } => {
                self.compare(*a, *b, true)?;
                if matches!(op, Op::JULt { .. } | Op::JUGte { .. }) && is_float(self.rty(*a)) {
                    return self.fail("floats have no unsigned comparison");
                }
                self.jump(*offset)?;
            }
            Op::JEq { a, b, offset } | Op::JNotEq { a, b, offset } => {
                self.compare(*a, *b, false)?;
                self.jump(*offset)?;
            }
            Op::JAlways { offset } => self.jump(*offset)?,
            Op::ToDyn { dst, src } => {
                if is_dynamic(self.rty(*src)) {
                    return self.fail(format!("{} is already dynamic: it needs no boxing", self.reg_inf(*src)));
                }
                if matches!(self.rty(*src), Type::Void) {
                    return self.fail(format!("{} holds no value to box", self.reg_inf(*src)));
                }
                match self.rty(*dst) {
                    Type::Dyn => {}
                    Type::Null(inner) if v.tsame(*inner, self.rtype(*src)) => {}
                    _ => {
                        return self.fail(format!(
                            "{} should be dyn or null({})",
                            self.reg_inf(*dst),
                            v.tstr(self.rtype(*src))
                        ))
                    }
                }
            }
            Op::ToSFloat { dst, src } | Op::ToUFloat { dst, src } => {
                self.kind(*dst, "a float", is_float)?;
                self.kind(*src, "a number", |t| is_int(t) || is_float(t))?;
            }
            Op::ToInt { dst, src } => {
                self.int(*dst)?;
                self.kind(*src, "a number", |t| is_int(t) || is_float(t))?;
            }
            Op::SafeCast { .. } => {}
            Op::UnsafeCast { dst, src } => {
                // Reinterpretation needs representations of one class or one size.
                let (td, ts) = (self.rty(*dst), self.rty(*src));
                let size = |t: &Type| crate::layout::kind_size(t, crate::layout::Target { ptr: 8 });
                let ok = matches!(td, Type::Void) || is_float(td) == is_float(ts) || size(td) == size(ts);
                if !ok {
                    return self.fail(format!("{} cannot be reinterpreted as {}", self.reg_inf(*src), v.tstr(self.rtype(*dst))));
                }
            }
            Op::ToVirtual { dst, src } => {
                self.kind(*dst, "a virtual", |t| matches!(t, Type::Virtual(_)))?;
                self.kind(*src, "an object, dynobj, dyn or a virtual", |t| {
                    matches!(t, Type::Obj(_) | Type::DynObj | Type::Dyn | Type::Virtual(_))
                })?;
            }
            Op::Label {} | Op::Nop {} | Op::Assert {} | Op::Catch { .. } | Op::EndTrap { .. } | Op::Asm { .. } => {}
            Op::Ret { src } => {
                let ret = v.fun_sig(self.f.ty).map_or(self.f.ty, |s| s.ret);
                if !v.safe_cast(self.rtype(*src), ret) {
                    return self.fail(format!("{} should be {}, the function's return type", self.reg_inf(*src), v.tstr(ret)));
                }
            }
            Op::Throw { exc } | Op::Rethrow { exc } => self.dynamic(*exc)?,
            Op::Switch { reg, targets, end } => {
                self.i32(reg.0)?;
                for &t in &targets.0 {
                    self.jump(Jump(t as i32))?;
                }
                if Jump(end.0 as i32).target(self.op) != self.f.ops.len() {
                    self.jump(Jump(end.0 as i32))?;
                }
            }
            Op::NullCheck { reg } => self.kind(*reg, "nullable", is_nullable)?,
            Op::Trap { exc, offset } => {
                self.dynamic(*exc)?;
                self.jump(*offset)?;
            }
            Op::GetI8 { dst, bytes, index } | Op::GetI16 { dst, bytes, index } => {
                self.i32(*dst)?;
                self.kind(*bytes, "bytes", |t| matches!(t, Type::Bytes))?;
                self.i32(*index)?;
            }
            Op::GetMem { dst, bytes, index } => {
                self.kind(*dst, "a number of 32 or 64 bits", is_wide_number)?;
                self.kind(*bytes, "bytes", |t| matches!(t, Type::Bytes))?;
                self.i32(*index)?;
            }
            Op::SetI8 { bytes, index, src } | Op::SetI16 { bytes, index, src } => {
                self.kind(*bytes, "bytes", |t| matches!(t, Type::Bytes))?;
                self.i32(*index)?;
                self.i32(*src)?;
            }
            Op::SetMem { bytes, index, src } => {
                self.kind(*bytes, "bytes", |t| matches!(t, Type::Bytes))?;
                self.i32(*index)?;
                self.kind(*src, "a number of 32 or 64 bits", is_wide_number)?;
            }
            Op::GetArray { array, index, .. } | Op::SetArray { array, index, .. } => {
                self.kind(*array, "an array", |t| is_array(m, t))?;
                self.i32(*index)?;
            }
            Op::New { dst } => self.kind(*dst, "an object, a struct, a virtual or dynobj", |t| {
                matches!(t, Type::Obj(_) | Type::Struct(_) | Type::Virtual(_) | Type::DynObj)
            })?,
            Op::ArraySize { dst, array } => {
                self.i32(*dst)?;
                self.kind(*array, "an array", |t| matches!(t, Type::Array))?;
            }
            Op::Type { dst, .. } => self.kind(*dst, "type", |t| matches!(t, Type::Type))?,
            Op::GetType { dst, src } => {
                self.kind(*dst, "type", |t| matches!(t, Type::Type))?;
                self.dynamic(*src)?;
            }
            Op::GetTID { dst, src } => {
                self.i32(*dst)?;
                self.kind(*src, "type", |t| matches!(t, Type::Type))?;
            }
            Op::Ref { dst, src } | Op::Setref { dst, src } => {
                let Type::Ref(inner) = self.rty(*dst) else {
                    return self.fail(format!("{} should be ref({})", self.reg_inf(*dst), v.tstr(self.rtype(*src))));
                };
                self.reg(*src, *inner)?;
                if matches!(op, Op::Ref { .. }) && matches!(self.rty(*src), Type::Void) {
                    return self.fail(format!("{} holds no value to reference", self.reg_inf(*src)));
                }
            }
            Op::Unref { dst, src } => {
                let Type::Ref(inner) = self.rty(*src) else {
                    return self.fail(format!("{} should be ref({})", self.reg_inf(*src), v.tstr(self.rtype(*dst))));
                };
                self.fits_reg(*inner, *dst)?;
            }
            Op::MakeEnum { dst, construct, args } => {
                let c = self.enum_construct(*dst, *construct)?;
                if c.params.len() != args.0.len() {
                    return self.fail(format!(
                        "constructor {} takes {} parameters, not {}",
                        m.str(c.name),
                        c.params.len(),
                        args.0.len()
                    ));
                }
                for (&a, &t) in args.0.iter().zip(&c.params) {
                    self.reg(a, t)?;
                }
            }
            Op::EnumAlloc { dst, construct } => {
                self.enum_construct(*dst, *construct)?;
            }
            Op::EnumIndex { dst, src } => {
                self.kind(*src, "an enum or dyn", |t| matches!(t, Type::Enum(_) | Type::Dyn))?;
                self.i32(*dst)?;
            }
            Op::EnumField { dst, src, construct, field } => {
                let c = self.enum_construct(*src, *construct)?;
                let Some(&pt) = c.params.get(field.idx()) else {
                    return self.fail(format!("constructor {} has no parameter {}", m.str(c.name), field.0));
                };
                self.fits_reg(pt, *dst)?;
            }
            Op::SetEnumField { dst, field, src } => {
                let c = self.enum_construct(*dst, ConstructIdx(0))?;
                let Some(&pt) = c.params.get(field.idx()) else {
                    return self.fail(format!("constructor {} has no parameter {}", m.str(c.name), field.0));
                };
                self.reg(*src, pt)?;
            }
            Op::RefData { dst, src } => {
                self.kind(*dst, "a reference", |t| matches!(t, Type::Ref(_)))?;
                self.kind(*src, "an array", |t| matches!(t, Type::Array))?;
            }
            Op::RefOffset { dst, src, offset } => {
                self.kind(*src, "a reference", |t| matches!(t, Type::Ref(_)))?;
                self.reg(*dst, self.rtype(*src))?;
                self.i32(*offset)?;
            }
            Op::Prefetch { src, field, .. } => {
                if field.0 > 0 {
                    self.field(*src, FieldIdx(field.0 - 1))?;
                }
            }
        }
        Ok(())
    }

    /// A closure of `fun(args):ret` must fit register `dst`.
    fn closure_into(&self, dst: Reg, args: &[TypeIdx], ret: TypeIdx) -> Check {
        let ok = match self.v.fun_sig(self.rtype(dst)) {
            Some(d) => self.v.fun_cast(&d.args, d.ret, args, ret),
            None => false,
        };
        if !ok {
            let mut want = String::from("(");
            for (i, &a) in args.iter().enumerate() {
                if i > 0 {
                    want.push(',');
                }
                want.push_str(&self.v.tstr(a));
            }
            want.push_str("):");
            want.push_str(&self.v.tstr(ret));
            return self.fail(format!("{} cannot hold a closure of type {want}", self.reg_inf(dst)));
        }
        Ok(())
    }

    // ---- control flow -------------------------------------------------------------------

    /// Follows every path from op 0: no path falls off the end or returns
    /// with a trap still installed, every `OEndTrap` removes the innermost
    /// trap, and every op is reached with one trap nesting whatever the
    /// path (a jump into or out of a trap region without `OTrap`/`OEndTrap`
    /// is an error). Trap nesting must also agree with the op order, since
    /// trap contexts are assigned by position as HashLink's JIT does.
    fn flow(&mut self) -> Check {
        const UNSEEN: u32 = u32::MAX;
        const NO_TRAP: u32 = u32::MAX - 1;
        let ops = &self.f.ops;
        let n = ops.len();
        // The trap slot of each OTrap/OEndTrap by position (as the lowering assigns them).
        let mut linear = vec![0usize; n];
        let mut depth = 0usize;
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::Trap { .. } => {
                    linear[i] = depth;
                    depth += 1;
                }
                Op::EndTrap { flag } => {
                    linear[i] = depth.saturating_sub(1);
                    if *flag {
                        depth = depth.saturating_sub(1);
                    }
                }
                _ => {}
            }
        }
        // The innermost trap (its op index) on entry to each op; traps' parents and depths.
        let mut state = vec![UNSEEN; n];
        let mut parent = vec![NO_TRAP; n];
        let mut tdepth = vec![0usize; n];
        let mut work = vec![0usize];
        state[0] = NO_TRAP;
        let mut succ = Vec::new();
        while let Some(i) = work.pop() {
            self.op = i;
            let s = state[i];
            let depth_of = |t: u32, tdepth: &[usize]| if t == NO_TRAP { 0 } else { tdepth[t as usize] };
            succ.clear();
            let op = &ops[i];
            let mut next = s;
            match op {
                Op::Trap { offset, .. } => {
                    if depth_of(s, &tdepth) != linear[i] {
                        return self.fail("this trap's nesting differs from its position (a jump skips an OTrap or OEndTrap)");
                    }
                    parent[i] = s;
                    tdepth[i] = linear[i] + 1;
                    succ.push((offset.target(i), s));
                    next = i as u32;
                }
                Op::EndTrap { .. } => {
                    if s == NO_TRAP {
                        return self.fail("no trap is installed here");
                    }
                    if tdepth[s as usize] != linear[i] + 1 {
                        return self.fail(format!("this removes the trap of op #{s}, which its position does not nest in"));
                    }
                    next = parent[s as usize];
                }
                Op::Ret { .. } if s != NO_TRAP => {
                    return self.fail(format!("returns with the trap of op #{s} still installed (OEndTrap expected first)"));
                }
                _ => {}
            }
            match op {
                Op::Ret { .. } | Op::Throw { .. } | Op::Rethrow { .. } => {}
                Op::JAlways { offset } => succ.push((offset.target(i), next)),
                Op::Switch { targets, .. } => {
                    for &t in &targets.0 {
                        succ.push((Jump(t as i32).target(i), next));
                    }
                    succ.push((i + 1, next));
                }
                _ => {
                    let mut targets = Vec::new();
                    branch_target(op, i, &mut targets);
                    for t in targets {
                        succ.push((t, next));
                    }
                    succ.push((i + 1, next));
                }
            }
            for &(t, st) in &succ {
                if t >= n {
                    return self.fail("control falls off the end of the function (a return is expected)");
                }
                if state[t] == UNSEEN {
                    state[t] = st;
                    work.push(t);
                } else if state[t] != st {
                    let desc = |x: u32| if x == NO_TRAP { "no trap".to_string() } else { format!("the trap of op #{x}") };
                    return self.fail(format!(
                        "op #{t} is reached with {} along one path and with {} along another (a jump into or out of a trap region)",
                        desc(state[t]),
                        desc(st)
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Targets of conditional jumps (not `OTrap`, `OSwitch` or `OJAlways`).
fn branch_target(op: &Op, i: usize, out: &mut Vec<usize>) {
    out.extend(op.conditional_jump().map(|j| j.target(i)));
}

/// Whether a register of this type may hold null.
pub fn is_nullable(t: &Type) -> bool {
    !matches!(
        t,
        Type::U8 | Type::U16 | Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::Bool | Type::Void | Type::Packed(_) | Type::Guid
    )
}

/// Integer kinds (Haxe's `GInt` group).
pub fn is_int(t: &Type) -> bool {
    matches!(t, Type::U8 | Type::U16 | Type::I32 | Type::I64 | Type::Guid)
}

pub fn is_float(t: &Type) -> bool {
    matches!(t, Type::F32 | Type::F64)
}

/// Numbers of 32 or 64 bits (what `OGetMem`/`OSetMem` move).
fn is_wide_number(t: &Type) -> bool {
    matches!(t, Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::Guid)
}

/// `array`, or the `hl_carray` abstract.
fn is_array(m: &Module, t: &Type) -> bool {
    match t {
        Type::Array => true,
        Type::Abstract(name) => &*m.strings[name.idx()] == b"hl_carray",
        _ => false,
    }
}
