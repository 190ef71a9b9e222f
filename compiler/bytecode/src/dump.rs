//! `hlc dump`: prints a module in the layout of the Haxe compiler's own
//! disassembly (`haxe -D dump` → `dump/hlcode.txt`).
//!
//! The Haxe compiler is written in OCaml, so reproducing its text means
//! reproducing a few OCaml library behaviours too: `String.escaped`,
//! `string_of_float` (`%.12g` plus a trailing dot) and the iteration order of
//! the `Hashtbl` in which it collects object prototypes.

use crate::names::FunctionNames;
use crate::opcodes::OpNames;
use crate::*;
use std::fmt::Write as _;

/// Renders the whole module.
pub fn dump(m: &Module) -> String {
    Dumper::new(m).run()
}

/// One op as `hlc dump` prints it (function operands named as in the dump).
pub fn op_text(m: &Module, op: &Op) -> String {
    let mut text = String::new();
    op.dump(&Dumper::new(m), &mut text);
    text
}

struct Dumper<'m> {
    m: &'m Module,
    fun_names: Vec<String>,
    out: String,
}

impl OpNames for Dumper<'_> {
    fn fun_name(&self, f: FunIdx) -> String {
        match self.fun_names.get(f.idx()) {
            Some(n) if !n.is_empty() => n.clone(),
            _ => format!("f@{:X}", f.0),
        }
    }
    fn type_str(&self, t: TypeIdx) -> String {
        type_str(self.m, t)
    }
}

impl<'m> Dumper<'m> {
    fn new(m: &'m Module) -> Self {
        let names = FunctionNames::new(m);
        let mut fun_names = vec![String::new(); m.functions.len() + m.natives.len()];
        for n in &m.natives {
            fun_names[n.findex.idx()] = format!("{}@{}", m.str(n.lib), m.str(n.name));
        }
        for (i, f) in m.functions.iter().enumerate() {
            fun_names[f.findex.idx()] = names.dump_name(m, i);
        }
        Dumper { m, fun_names, out: String::new() }
    }

    fn line(&mut self, s: impl AsRef<str>) {
        self.out.push_str(s.as_ref());
        self.out.push('\n');
    }

    fn debug_pos(&self, p: DebugPos) -> String {
        let file = p
            .file
            .and_then(|f| self.m.debug_files.get(f.idx()))
            .map_or("???".to_string(), |f| String::from_utf8_lossy(f).into_owned());
        format!("{}:{}", file, p.line)
    }

    fn run(mut self) -> String {
        let m = self.m;
        // Object types printed at top level, collected as the Haxe dumper does.
        let mut protos = OcamlHashtbl::default();
        let mut seen = |t: TypeIdx| {
            if let Type::Obj(o) = m.ty(t) {
                protos.replace(&m.strings[o.name.idx()], t);
            }
        };

        self.line(format!("hl v{}", m.version));
        self.line(format!("entry @{}", m.entrypoint.0));
        self.line(format!("{} strings", m.strings.len()));
        for (i, s) in m.strings.iter().enumerate() {
            self.line(format!("\t@{} : {}", i, ocaml_escaped(s)));
        }
        self.line(format!("{} bytes", m.bytes.len()));
        for (i, b) in m.bytes.iter().enumerate() {
            self.line(format!("\t@{} : {}", i, b.len()));
        }
        self.line(format!("{} ints", m.ints.len()));
        for (i, v) in m.ints.iter().enumerate() {
            self.line(format!("\t@{i} : {v}"));
        }
        self.line(format!("{} floats", m.floats.len()));
        for (i, v) in m.floats.iter().enumerate() {
            self.line(format!("\t@{} : {}", i, ocaml_string_of_float(*v)));
        }
        self.line(format!("{} globals", m.globals.len()));
        for (i, &g) in m.globals.iter().enumerate() {
            seen(g);
            self.line(format!("\t@{} : {}", i, type_str(m, g)));
        }
        self.line(format!("{} natives", m.natives.len()));
        for n in &m.natives {
            seen(n.ty);
            self.line(format!(
                "\t@{} native {}@{} {}",
                n.findex.0,
                m.str(n.lib),
                m.str(n.name),
                type_str(m, n.ty)
            ));
        }
        self.line(format!("{} functions", m.functions.len()));
        for f in &m.functions {
            seen(f.ty);
            self.line(format!("\tfun@{}({:X}h) {}", f.findex.0, f.findex.0, type_str(m, f.ty)));
            let first = f.debug.first().copied().unwrap_or_default();
            let name = &self.fun_names[f.findex.idx()];
            self.line(format!("\t; {} ({})", self.debug_pos(first), name));
            for (i, &r) in f.regs.iter().enumerate() {
                seen(r);
                self.line(format!("\t\tr{} {}", i, type_str(m, r)));
            }
            let mut cur_file = first.file;
            for (i, op) in f.ops.iter().enumerate() {
                let pos = f.debug.get(i).copied().unwrap_or_default();
                if pos.file != cur_file {
                    cur_file = pos.file;
                    self.line(format!("\t; {}", self.debug_pos(pos)));
                }
                let mut text = String::new();
                op.dump(&self, &mut text);
                self.line(format!("\t\t.{:<5} @{:X} {}", pos.line, i, text));
            }
        }

        let protos = protos.fold_list();
        self.line(format!("{} objects protos", protos.len()));
        for t in protos {
            let Some(o) = m.ty(t).as_obj() else { continue };
            let global = o.global.map_or("no global".to_string(), |g| format!("@{}", g.0));
            self.line(format!("\t{} {}", m.str(o.name), global));
            let mut start = 0;
            if let Some(s) = o.super_ {
                if let Some(so) = m.ty(s).as_obj() {
                    self.line(format!("\t\textends {}", m.str(so.name)));
                }
                start = super_field_count(m, s);
            }
            self.line(format!("\t\t{} fields", o.fields.len()));
            for (i, fd) in o.fields.iter().enumerate() {
                self.line(format!("\t\t  @{} {} {}", i + start, m.str(fd.name), type_str(m, fd.ty)));
            }
            self.line(format!("\t\t{} methods", o.protos.len()));
            for (i, p) in o.protos.iter().enumerate() {
                let virt = if p.pindex >= 0 { format!("[{}]", p.pindex) } else { String::new() };
                self.line(format!("\t\t  @{} {} fun@{}{}", i, m.str(p.name), p.findex.0, virt));
            }
            self.line(format!("\t\t{} bindings", o.bindings.len()));
            for (field, fun) in &o.bindings {
                self.line(format!("\t\t  @{} fun@{}", field.0, fun.0));
            }
        }
        self.line(format!("{} constant values", m.constants.len()));
        for c in &m.constants {
            let mut fields = String::new();
            for (i, v) in c.fields.iter().enumerate() {
                if i > 0 {
                    fields.push(',');
                }
                let _ = write!(fields, "{v}");
            }
            let ty = m.globals.get(c.global.idx()).map_or("?".to_string(), |&t| type_str(m, t));
            self.line(format!("    @{} {} [{}]", c.global.0, ty, fields));
        }
        self.out
    }
}

/// Number of fields an object type has in total, including its super chain.
fn super_field_count(m: &Module, t: TypeIdx) -> usize {
    let mut n = 0;
    let mut cur = Some(t);
    let mut guard = 0;
    while let Some(t) = cur {
        let Some(o) = m.ty(t).as_obj() else { break };
        n += o.fields.len();
        cur = o.super_;
        guard += 1;
        if guard > m.types.len() {
            break;
        }
    }
    n
}

/// Longest text [`type_str`] writes before cutting a type short with `...`
/// (Haxe's own types print in well under 2 KiB).
pub const TYPE_STR_MAX: usize = 16 * 1024;

/// Renders a type as the Haxe dumper's `tstr` does, cut short with `...`
/// past [`TYPE_STR_MAX`] bytes: a corrupted file can make a function type
/// its own arguments and result, whose text then triples with each level
/// down to the depth limit.
pub fn type_str(m: &Module, t: TypeIdx) -> String {
    let mut out = String::new();
    write_type(m, t, &mut Vec::new(), 0, &mut out);
    if out.len() > TYPE_STR_MAX {
        let mut end = TYPE_STR_MAX;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push_str("...");
    }
    out
}

fn write_type(m: &Module, t: TypeIdx, stack: &mut Vec<TypeIdx>, depth: usize, out: &mut String) {
    if out.len() > TYPE_STR_MAX {
        return;
    }
    if depth > 64 {
        // Only corrupted files nest this deep; Haxe itself would never end.
        out.push_str("...");
        return;
    }
    let fun = |prefix: &str, ft: &FunType, stack: &mut Vec<TypeIdx>, out: &mut String| {
        out.push_str(prefix);
        out.push('(');
        for (i, &a) in ft.args.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_type(m, a, stack, depth + 1, out);
        }
        out.push_str("):");
        write_type(m, ft.ret, stack, depth + 1, out);
    };
    match m.ty(t) {
        Type::Void => out.push_str("void"),
        Type::U8 => out.push_str("ui8"),
        Type::U16 => out.push_str("ui16"),
        Type::I32 => out.push_str("i32"),
        Type::I64 => out.push_str("i64"),
        Type::F32 => out.push_str("f32"),
        Type::F64 => out.push_str("f64"),
        Type::Bool => out.push_str("bool"),
        Type::Bytes => out.push_str("bytes"),
        Type::Dyn => out.push_str("dyn"),
        Type::Fun(ft) => fun("", ft, stack, out),
        Type::Method(ft) => fun("method:", ft, stack, out),
        Type::Obj(o) => out.push_str(&m.str(o.name)),
        Type::Struct(o) => {
            out.push('@');
            out.push_str(&m.str(o.name));
        }
        Type::Array => out.push_str("array"),
        Type::Type => out.push_str("type"),
        Type::Ref(inner) => {
            out.push_str("ref(");
            write_type(m, *inner, &mut Vec::new(), depth + 1, out);
            out.push(')');
        }
        Type::Virtual(_) if stack.contains(&t) => out.push_str("..."),
        Type::Virtual(v) => {
            out.push_str("virtual(");
            stack.push(t);
            for (i, f) in v.fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&m.str(f.name));
                out.push(':');
                write_type(m, f.ty, stack, depth + 1, out);
            }
            stack.pop();
            out.push(')');
        }
        Type::DynObj => out.push_str("dynobj"),
        Type::Abstract(name) => {
            out.push_str("abstract(");
            out.push_str(&m.str(*name));
            out.push(')');
        }
        // Haxe's anonymous enums (name string #0) print their first constructor's parameters.
        Type::Enum(e) if e.name.0 == 0 => {
            out.push_str("enum(");
            if let Some(c) = e.constructs.first() {
                for (i, &p) in c.params.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_type(m, p, &mut Vec::new(), depth + 1, out);
                }
            }
            out.push(')');
        }
        Type::Enum(e) => {
            out.push_str("enum(");
            out.push_str(&m.str(e.name));
            out.push(')');
        }
        Type::Null(inner) => {
            out.push_str("null(");
            write_type(m, *inner, &mut Vec::new(), depth + 1, out);
            out.push(')');
        }
        // Kinds newer than Haxe 4.2.5's dumper: printed in the same style.
        Type::Packed(inner) => {
            out.push_str("packed(");
            write_type(m, *inner, &mut Vec::new(), depth + 1, out);
            out.push(')');
        }
        Type::Guid => out.push_str("guid"),
    }
}

/// OCaml's `String.escaped`.
fn ocaml_escaped(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s {
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            8 => out.push_str("\\b"),
            b' '..=b'~' => out.push(c as char),
            _ => {
                let _ = write!(out, "\\{c:03}");
            }
        }
    }
    out
}

/// OCaml's `string_of_float`: C's `%.12g`, plus a `.` when the result looks like an integer.
pub fn ocaml_string_of_float(f: f64) -> String {
    let s = format_g(f, 12);
    if s.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
        s + "."
    } else {
        s
    }
}

/// C's `%.<precision>g` as glibc prints it.
pub fn format_g(f: f64, precision: usize) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let p = precision.max(1);
    // Scientific form with p significant digits tells the decimal exponent after rounding.
    let sci = format!("{:.*e}", p - 1, f);
    let (mantissa, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    if exp < -4 || exp >= p as i32 {
        let mantissa = strip_fraction_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", mantissa, sign, exp.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        strip_fraction_zeros(&format!("{:.*}", decimals, f)).to_string()
    }
}

fn strip_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Just enough of OCaml's `Hashtbl` (string keys, 16 initial buckets,
/// in-order resizing) to reproduce the order of `Hashtbl.fold`.
#[derive(Default)]
struct OcamlHashtbl {
    buckets: Vec<Vec<(Box<[u8]>, TypeIdx)>>,
    size: usize,
}

impl OcamlHashtbl {
    fn index(key: &[u8], nbuckets: usize) -> usize {
        (ocaml_hash_string(key) as usize) & (nbuckets - 1)
    }

    fn replace(&mut self, key: &[u8], value: TypeIdx) {
        if self.buckets.is_empty() {
            self.buckets = vec![Vec::new(); 16];
        }
        let i = Self::index(key, self.buckets.len());
        if let Some(e) = self.buckets[i].iter_mut().find(|(k, _)| &**k == key) {
            e.1 = value;
            return;
        }
        self.buckets[i].insert(0, (key.into(), value));
        self.size += 1;
        if self.size > 2 * self.buckets.len() {
            let n = self.buckets.len() * 2;
            let mut fresh = vec![Vec::new(); n];
            for bucket in std::mem::take(&mut self.buckets) {
                for (k, v) in bucket {
                    fresh[Self::index(&k, n)].push((k, v));
                }
            }
            self.buckets = fresh;
        }
    }

    /// `Hashtbl.fold (fun _ v acc -> v :: acc) h []`.
    fn fold_list(&self) -> Vec<TypeIdx> {
        let mut acc = Vec::with_capacity(self.size);
        for bucket in &self.buckets {
            for (_, v) in bucket {
                acc.push(*v);
            }
        }
        acc.reverse();
        acc
    }
}

/// OCaml's `Hashtbl.hash` of a string (`caml_hash` with seed 0: MurmurHash3 mixing).
fn ocaml_hash_string(s: &[u8]) -> u32 {
    fn mix(h: u32, d: u32) -> u32 {
        let d = d.wrapping_mul(0xcc9e2d51).rotate_left(15).wrapping_mul(0x1b873593);
        (h ^ d).rotate_left(13).wrapping_mul(5).wrapping_add(0xe6546b64)
    }
    let mut h: u32 = 0;
    let chunks = s.chunks_exact(4);
    let tail = chunks.remainder();
    for c in chunks {
        h = mix(h, u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    }
    if !tail.is_empty() {
        let mut w = 0u32;
        for (i, &b) in tail.iter().enumerate() {
            w |= (b as u32) << (8 * i);
        }
        h = mix(h, w);
    }
    h ^= s.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85ebca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2ae35);
    h ^= h >> 16;
    h & 0x3FFF_FFFF
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_ocaml() {
        assert_eq!(ocaml_string_of_float(1.0), "1.");
        assert_eq!(ocaml_string_of_float(0.5), "0.5");
        assert_eq!(ocaml_string_of_float(-2.0), "-2.");
        assert_eq!(ocaml_string_of_float(1e21), "1e+21");
        assert_eq!(ocaml_string_of_float(1.5e-7), "1.5e-07");
        assert_eq!(ocaml_string_of_float(0.1 + 0.2), "0.3");
        assert_eq!(ocaml_string_of_float(123456789012.0), "123456789012.");
        assert_eq!(ocaml_string_of_float(1234567890123.0), "1.23456789012e+12");
        assert_eq!(ocaml_string_of_float(f64::INFINITY), "inf");
        assert_eq!(ocaml_string_of_float(f64::NEG_INFINITY), "-inf");
        assert_eq!(ocaml_string_of_float(f64::NAN), "nan");
        assert_eq!(ocaml_string_of_float(0.0001), "0.0001");
        assert_eq!(ocaml_string_of_float(std::f64::consts::PI), "3.14159265359");
    }

    /// `levels` function types, each taking the next as both arguments and
    /// result (the last one `i32`); one taking itself when `levels` is 0.
    fn tripling_fun_types(levels: u32) -> Module {
        let mut m = Module::default();
        let arg = |i: u32| if levels == 0 { TypeIdx(0) } else { TypeIdx(i + 1) };
        for i in 0..levels.max(1) {
            m.types.push(Type::Fun(FunType { args: vec![arg(i), arg(i)], ret: arg(i) }));
        }
        if levels > 0 {
            m.types.push(Type::I32);
        }
        m
    }

    /// A corrupted file could make a type's text need exabytes (each level
    /// tripling it down to the depth limit); it is cut at TYPE_STR_MAX.
    #[test]
    fn type_text_is_bounded() {
        let chain = type_str(&tripling_fun_types(14), TypeIdx(0)); // 24 MB uncut
        assert!(chain.len() <= TYPE_STR_MAX + 3, "{} bytes", chain.len());
        assert!(chain.starts_with("((((") && chain.ends_with("..."), "{}", &chain[..64]);
        let selfish = type_str(&tripling_fun_types(0), TypeIdx(0));
        assert!(selfish.len() <= TYPE_STR_MAX + 3 && selfish.ends_with("..."), "{} bytes", selfish.len());
        assert_eq!(type_str(&tripling_fun_types(2), TypeIdx(0)), "((i32,i32):i32,(i32,i32):i32):(i32,i32):i32");
    }

    #[test]
    fn strings_escape_like_ocaml() {
        assert_eq!(ocaml_escaped(b"a\"b\\c\n\t\r\x08"), "a\\\"b\\\\c\\n\\t\\r\\b");
        assert_eq!(ocaml_escaped("é".as_bytes()), "\\195\\169");
        assert_eq!(ocaml_escaped(b"\x01~"), "\\001~");
    }
}
