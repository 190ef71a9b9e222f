//! Names of functions, recovered from the types that reference them.
//!
//! The bytecode stores no function names. HashLink derives them the same way
//! for stack traces: a function that implements a method (`proto`) or is bound
//! to a static field (`bindings`) is named after that class and field; a
//! closure defined inside a named function is named after it; the entry point
//! is `.init`. Anything else is `fun$N`.

use crate::*;

/// Who a function belongs to, as HashLink's module loader determines it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A method or static function: the object type and the field name.
    Field { obj: TypeIdx, name: StrIdx },
    /// A closure created inside function `parent` (an index into
    /// [`Module::functions`]); `nth` counts the closures of that parent.
    Closure { parent: usize, nth: u32 },
    /// The module's entry point.
    Entry,
    /// Nothing names it.
    Anonymous,
}

/// The owner of every function of a module (indexed like [`Module::functions`]).
pub struct FunctionNames {
    owners: Vec<Owner>,
}

impl FunctionNames {
    pub fn new(m: &Module) -> FunctionNames {
        let table = m.fun_table();
        let position = |f: FunIdx| match table.get(f.idx()).copied().flatten() {
            Some(FunRef::Function(i)) => Some(i),
            _ => None,
        };
        let mut owners = vec![Owner::Anonymous; m.functions.len()];
        for (ti, t) in m.types.iter().enumerate() {
            let Some(o) = t.as_obj() else { continue };
            let obj = TypeIdx(ti as u32);
            for p in &o.protos {
                if let Some(i) = position(p.findex) {
                    owners[i] = Owner::Field { obj, name: p.name };
                }
            }
            for &(field, fun) in &o.bindings {
                let Some(fd) = field_of(m, obj, field) else { continue };
                if matches!(m.ty(fd.ty), Type::Fun(_) | Type::Dyn) {
                    if let Some(i) = position(fun) {
                        owners[i] = Owner::Field { obj, name: fd.name };
                    }
                }
            }
        }
        // Closures take the name of the first named function that creates or calls them.
        let mut counters = vec![0u32; m.functions.len()];
        for fi in 0..m.functions.len() {
            let Some(root) = named_root(&owners, fi) else { continue };
            for op in &m.functions[fi].ops {
                let callee = match op {
                    Op::Call0 { fun, .. }
                    | Op::Call1 { fun, .. }
                    | Op::Call2 { fun, .. }
                    | Op::Call3 { fun, .. }
                    | Op::Call4 { fun, .. }
                    | Op::CallN { fun, .. }
                    | Op::StaticClosure { fun, .. }
                    | Op::InstanceClosure { fun, .. } => *fun,
                    _ => continue,
                };
                let Some(ci) = position(callee) else { continue };
                if matches!(owners[ci], Owner::Field { .. }) {
                    continue;
                }
                owners[ci] = Owner::Closure { parent: root, nth: counters[root] };
                counters[root] += 1;
            }
        }
        if let Some(i) = position(m.entrypoint) {
            owners[i] = Owner::Entry;
        }
        FunctionNames { owners }
    }

    /// The owner of the function at position `i` of [`Module::functions`].
    pub fn owner(&self, i: usize) -> Owner {
        self.owners[i]
    }

    /// The name the Haxe compiler's dump uses: `pack.Class.method`, or `fun$N`
    /// for closures, wrappers and the entry point. Constructors are bound to
    /// the class object's `__constructor__` field; Haxe calls them `new`.
    pub fn dump_name(&self, m: &Module, i: usize) -> String {
        match self.owners[i] {
            Owner::Field { obj, name } => {
                let class = class_path(m, obj);
                let field = m.str(name);
                let field = if field == "__constructor__" { "new" } else { &field };
                format!("{class}.{field}")
            }
            _ => format!("fun${}", m.functions[i].findex.0),
        }
    }
}

impl FunctionNames {
    /// The name HashLink gives function `i` in stack traces: `Obj.field`,
    /// `Obj.~field.N` for the N-th closure created in it, `.init` for the
    /// entry point, `fun$N` otherwise.
    pub fn hl_name(&self, m: &Module, i: usize) -> String {
        let obj_name = |t: TypeIdx| m.ty(t).as_obj().map_or(String::new(), |o| m.str(o.name).into_owned());
        match self.owners[i] {
            Owner::Field { obj, name } => format!("{}.{}", obj_name(obj), m.str(name)),
            Owner::Closure { parent, nth } => match self.owners[parent] {
                Owner::Field { obj, name } => format!("{}.~{}.{nth}", obj_name(obj), m.str(name)),
                _ => format!("fun${}", m.functions[i].findex.0),
            },
            Owner::Entry => ".init".to_string(),
            Owner::Anonymous => format!("fun${}", m.functions[i].findex.0),
        }
    }
}

/// A function's root: itself if it is a method, else its creator's root.
fn named_root(owners: &[Owner], mut i: usize) -> Option<usize> {
    for _ in 0..owners.len() {
        match owners[i] {
            Owner::Field { .. } => return Some(i),
            Owner::Closure { parent, .. } => i = parent,
            _ => return None,
        }
    }
    None
}

/// The Haxe class path of an object type: the class object of `pack.Cls`
/// is the type `pack.$Cls`, whose statics belong to `pack.Cls`.
pub fn class_path(m: &Module, obj: TypeIdx) -> String {
    let name = match m.ty(obj).as_obj() {
        Some(o) => m.str(o.name).into_owned(),
        None => return String::new(),
    };
    match name.rfind('.') {
        Some(dot) if name[dot + 1..].starts_with('$') => format!("{}.{}", &name[..dot], &name[dot + 2..]),
        None if name.starts_with('$') => name[1..].to_string(),
        _ => name,
    }
}

/// Field `field` of object type `obj`, counting the super chain's fields first.
pub fn field_of(m: &Module, obj: TypeIdx, field: FieldIdx) -> Option<&ObjField> {
    let mut chain = Vec::new();
    let mut cur = Some(obj);
    while let Some(t) = cur {
        if chain.len() > m.types.len() {
            return None; // a cycle in corrupted input
        }
        let o = m.ty(t).as_obj()?;
        chain.push(o);
        cur = o.super_;
    }
    let mut idx = field.idx();
    for o in chain.iter().rev() {
        if idx < o.fields.len() {
            return Some(&o.fields[idx]);
        }
        idx -= o.fields.len();
    }
    None
}
