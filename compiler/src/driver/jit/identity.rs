//! What stays the same when a program is recompiled: the keys hot reload
//! (and plugin loading) matches a new module against the running one with,
//! independent of how the compiler numbered types, globals, constants and
//! functions.
//!
//! - a **type key** is the type as the dump prints it: named types by name,
//!   the others by structure;
//! - a **layout key** is a named type's shape (fields, methods, super class,
//!   enum constructors): if it differs, objects already built no longer fit;
//! - a **function identity** is the name HashLink gives it (`Main.update`,
//!   `Main.~update.0`) with its type; for a function nothing names, its
//!   fingerprint (two such functions with the same code are interchangeable);
//! - a **global key** is what the global holds: a class or enum object (by
//!   type), a constant (by content), else its type and rank among globals of
//!   that type;
//! - a **fingerprint** is a function's code with every index replaced by
//!   the key of what it designates, so an unchanged function compares equal
//!   however much else moved.

use hlbc::dump::type_str;
use hlbc::names::{FunctionNames, Owner};
use hlbc::opcodes::{Constant, OpNames};
use hlbc::{FunIdx, FunRef, Module, Type, TypeIdx};
use std::collections::HashMap;
use std::fmt::Write as _;

/// The keys of one module.
pub struct Keys {
    pub types: Vec<String>,
    pub globals: Vec<String>,
    /// Identity of every function index; natives are `lib@name`.
    pub functions: Vec<Option<String>>,
    names: FunctionNames,
}

impl Keys {
    pub fn new(m: &Module) -> Keys {
        let types: Vec<String> = (0..m.types.len()).map(|t| type_str(m, TypeIdx(t as u32))).collect();
        let names = FunctionNames::new(m);
        let mut functions = vec![None; m.fun_table().len()];
        for (i, f) in m.functions.iter().enumerate() {
            if !matches!(names.owner(i), Owner::Anonymous) {
                functions[f.findex.idx()] = Some(format!("{}|{}", names.hl_name(m, i), types[f.ty.idx()]));
            }
        }
        for n in &m.natives {
            functions[n.findex.idx()] = Some(format!("{}@{}|{}", m.str(n.lib), m.str(n.name), types[n.ty.idx()]));
        }
        let anonymous: Vec<usize> = (0..m.functions.len()).filter(|&i| matches!(names.owner(i), Owner::Anonymous)).collect();
        let constant: HashMap<u32, &hlbc::Constant> = m.constants.iter().map(|c| (c.global.0, c)).collect();
        let mut rank: HashMap<String, usize> = HashMap::new();
        let globals = m
            .globals
            .iter()
            .enumerate()
            .map(|(g, &t)| {
                let tk = &types[t.idx()];
                if let Some(c) = constant.get(&(g as u32)) {
                    return format!("const {tk} {}", constant_text(m, &types, c));
                }
                match m.ty(t) {
                    Type::Obj(_) | Type::Struct(_) | Type::Enum(_) => {
                        let n = rank.entry(tk.clone()).or_default();
                        *n += 1;
                        if *n == 1 {
                            format!("global {tk}")
                        } else {
                            format!("global {tk} #{n}")
                        }
                    }
                    _ => {
                        let n = rank.entry(tk.clone()).or_default();
                        *n += 1;
                        format!("global {tk} #{n}")
                    }
                }
            })
            .collect();
        let mut keys = Keys { types, globals, functions, names };
        let anonymous: Vec<(usize, String)> =
            anonymous.into_iter().map(|i| (m.functions[i].findex.idx(), format!("anon|{}", keys.fingerprint(m, i)))).collect();
        for (f, id) in anonymous {
            keys.functions[f] = Some(id);
        }
        keys
    }

    /// The layout key of named type `t` (objects, structs, enums), `None` for others.
    pub fn layout(&self, m: &Module, t: TypeIdx) -> Option<(String, String)> {
        let mut out = String::new();
        let name = match m.ty(t) {
            Type::Obj(o) | Type::Struct(o) => {
                let _ = write!(out, "super {:?};", o.super_.map(|s| &self.types[s.idx()]));
                for f in &o.fields {
                    let _ = write!(out, "field {}:{};", m.str(f.name), self.types[f.ty.idx()]);
                }
                for p in &o.protos {
                    let _ = write!(out, "method {} {};", m.str(p.name), p.pindex);
                }
                for (field, fun) in &o.bindings {
                    let _ = write!(out, "binding {} {:?};", field.0, self.functions.get(fun.idx()).cloned().flatten());
                }
                let _ = write!(out, "global {}", o.global.is_some());
                m.str(o.name).into_owned()
            }
            Type::Enum(e) => {
                for c in &e.constructs {
                    let params: Vec<&str> = c.params.iter().map(|p| self.types[p.idx()].as_str()).collect();
                    let _ = write!(out, "{}({});", m.str(c.name), params.join(","));
                }
                let _ = write!(out, "global {}", e.global.is_some());
                format!("enum {}", m.str(e.name))
            }
            _ => return None,
        };
        Some((name, out))
    }

    /// The fingerprint of function `fi` (a position in `Module::functions`).
    pub fn fingerprint(&self, m: &Module, fi: usize) -> String {
        let f = &m.functions[fi];
        let mut out = String::new();
        let _ = write!(out, "{};", self.types[f.ty.idx()]);
        for r in &f.regs {
            out.push_str(&self.types[r.idx()]);
            out.push(',');
        }
        let names = Names { m, keys: self, table: m.fun_table(), depth: 0 };
        for op in &f.ops {
            out.push('\n');
            op.dump(&names, &mut out);
        }
        out
    }

    /// HashLink's name of function `fi`, for messages.
    pub fn hl_name(&self, m: &Module, fi: usize) -> String {
        self.names.hl_name(m, fi)
    }
}

/// A constant global's fields, by value (HLB v4 constants: ints, floats,
/// strings, types, booleans, or other globals).
fn constant_text(m: &Module, types: &[String], c: &hlbc::Constant) -> String {
    let Type::Obj(o) = m.ty(m.globals[c.global.idx()]) else { return String::new() };
    let mut out = String::new();
    for (f, &v) in o.fields.iter().zip(&c.fields) {
        let _ = match m.ty(f.ty) {
            Type::I32 => write!(out, "{},", m.ints.get(v as usize).copied().unwrap_or_default()),
            Type::F64 => write!(out, "{:#x},", m.floats.get(v as usize).copied().unwrap_or_default().to_bits()),
            Type::Bytes => write!(out, "{:?},", m.str(hlbc::StrIdx(v))),
            Type::Type => write!(out, "{},", types.get(v as usize).map_or("?", |t| t.as_str())),
            Type::Bool => write!(out, "{},", v != 0),
            _ => write!(out, "global {},", m.globals.get(v as usize).and_then(|t| types.get(t.idx())).map_or("?", |t| t.as_str())),
        };
    }
    out
}

/// Renders operands by what they designate.
struct Names<'a> {
    m: &'a Module,
    keys: &'a Keys,
    table: Vec<Option<FunRef>>,
    /// Nesting of anonymous callees rendered by content.
    depth: u32,
}

impl OpNames for Names<'_> {
    fn fun_name(&self, f: FunIdx) -> String {
        if let Some(k) = self.keys.functions.get(f.idx()).cloned().flatten().filter(|k| !k.starts_with("anon|")) {
            return k;
        }
        // An anonymous function has no name: it stands for its own code (one level deep).
        match self.table.get(f.idx()).copied().flatten() {
            Some(FunRef::Function(i)) if self.depth == 0 => {
                let inner = Names { m: self.m, keys: self.keys, table: self.table.clone(), depth: 1 };
                let fun = &self.m.functions[i];
                let mut out = format!("anon[{};", self.keys.types[fun.ty.idx()]);
                for op in &fun.ops {
                    op.dump(&inner, &mut out);
                    out.push(';');
                }
                out.push(']');
                out
            }
            _ => "anon".to_string(),
        }
    }

    fn type_str(&self, t: TypeIdx) -> String {
        self.keys.types[t.idx()].clone()
    }

    fn constant(&self, c: Constant, out: &mut String) {
        let m = self.m;
        let _ = match c {
            Constant::Int(i) => write!(out, "{}", m.ints[i.idx()]),
            Constant::Float(i) => write!(out, "{:#x}", m.floats[i.idx()].to_bits()),
            Constant::String(i) => write!(out, "{:?}", m.str(i)),
            Constant::Bytes(i) => write!(out, "{:?}", m.bytes.get(i.idx()).map(|b| &b[..])),
            Constant::Global(g) => write!(out, "<{}>", self.keys.globals[g.idx()]),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn golden(name: &str) -> Module {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../golden/");
        hlbc::read_module(&std::fs::read(format!("{path}{name}/main.hl")).unwrap()).unwrap()
    }

    #[test]
    fn keys_identify_functions_and_types() {
        let m = golden("closures");
        let k = Keys::new(&m);
        // Every function has an identity; named ones are unique within the module
        // (identical unnamed functions share theirs).
        assert!(k.functions.iter().all(|f| f.is_some()));
        let ids: Vec<&String> = m
            .functions
            .iter()
            .filter_map(|f| k.functions[f.findex.idx()].as_ref())
            .filter(|f| !f.starts_with("anon|"))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let dups: Vec<&&String> = ids.iter().filter(|i| !seen.insert(**i)).collect();
        assert!(dups.is_empty(), "{dups:?}");
        assert!(ids.iter().any(|i| i.starts_with("$Main.main|")), "{ids:?}");
        // A function's fingerprint is stable and differs from another's.
        let a = k.fingerprint(&m, 0);
        assert_eq!(a, Keys::new(&m).fingerprint(&m, 0));
        assert_ne!(a, k.fingerprint(&m, 1));
    }
}
