//! `hlc dump` must reproduce the Haxe compiler's own disassembly
//! (`haxe -D dump` → `hlcode.txt`) of every golden program.

use hlc::bytecode::{read_module, Module, Type};
use hlc_tests::golden_programs;
use std::collections::HashMap;

/// Function name per function index, from `fun@N(..)` headers and the
/// `; file:line (name)` line after each.
fn function_names(text: &str) -> HashMap<u32, String> {
    let mut names = HashMap::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        let Some(rest) = l.strip_prefix("\tfun@") else { continue };
        let findex: u32 = rest.split('(').next().unwrap().parse().unwrap();
        let next = lines.next().unwrap_or("");
        if let (Some(open), true) = (next.rfind(" ("), next.ends_with(')')) {
            names.insert(findex, next[open + 2..next.len() - 1].to_string());
        }
    }
    names
}

/// Whether class `class` has a class object (`pack.$Cls` with a global): only
/// then does the bytecode carry the names of its static functions.
fn has_class_object(m: &Module, class: &str) -> bool {
    let dollar = match class.rfind('.') {
        Some(dot) => format!("{}.${}", &class[..dot], &class[dot + 1..]),
        None => format!("${class}"),
    };
    m.types.iter().any(|t| match t {
        Type::Obj(o) => o.global.is_some() && m.str(o.name) == dollar,
        _ => false,
    })
}

/// The one normalisation: static functions of classes without a class
/// object (Haxe's `hl.types.Array*` implementation classes) are named by the
/// compiler from its own AST, and no part of the bytecode records that name;
/// hlc prints `fun$N` for them. Their names are mapped to `fun$N` in the
/// expected text, after checking that the class really has no class object.
fn normalise_expected(m: &Module, mine: &str, expected: &str) -> (String, usize) {
    let mine_names = function_names(mine);
    let mut renames: Vec<(String, String)> = Vec::new();
    for (findex, theirs) in function_names(expected) {
        let ours = mine_names.get(&findex).cloned().unwrap_or_default();
        if ours == theirs {
            continue;
        }
        assert_eq!(ours, format!("fun${findex}"), "fun@{findex}: hlc named it `{ours}`, Haxe `{theirs}`");
        let class = &theirs[..theirs.rfind('.').unwrap_or(0)];
        assert!(
            !has_class_object(m, class),
            "fun@{findex} `{theirs}` is unnamed although `{class}` has a class object"
        );
        renames.push((theirs, ours));
    }
    let count = renames.len();
    let mut out = String::with_capacity(expected.len());
    for line in expected.lines() {
        let mut line = line.to_string();
        let is_header = line.starts_with("\t; ");
        let is_op = line.starts_with("\t\t.");
        for (theirs, ours) in &renames {
            if is_header && line.ends_with(&format!(" ({theirs})")) {
                line = format!("{}{ours})", &line[..line.len() - theirs.len() - 1]);
            } else if is_op {
                line = line.replace(&format!(" {theirs}("), &format!(" {ours}("));
                if line.ends_with(&format!(" {theirs}")) {
                    line = format!("{}{ours}", &line[..line.len() - theirs.len()]);
                }
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    (out, count)
}

fn section_counts(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.starts_with('\t') && !l.starts_with(' ')).collect()
}

#[test]
fn dump_matches_haxe_disassembly_for_every_golden_program() {
    let programs = golden_programs();
    assert!(programs.len() >= 10, "expected at least 10 golden programs, found {}", programs.len());
    let mut failures = Vec::new();
    for dir in &programs {
        let data = std::fs::read(dir.join("main.hl")).unwrap();
        let m = read_module(&data).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mine = hlc::bytecode::dump::dump(&m);
        let expected = std::fs::read_to_string(dir.join("hlcode.txt")).unwrap();
        assert_eq!(section_counts(&mine), section_counts(&expected), "{}: section counts", dir.display());
        let (expected, renamed) = normalise_expected(&m, &mine, &expected);
        assert!(renamed < 40, "{}: {renamed} unnamed functions is more than the Array classes explain", dir.display());
        let diff: Vec<_> = mine
            .lines()
            .zip(expected.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  hlc:  {a}\n  haxe: {b}", i + 1))
            .collect();
        if !diff.is_empty() || mine.lines().count() != expected.lines().count() {
            failures.push(format!("{}:\n{}", dir.display(), diff.join("\n")));
        }
    }
    assert!(failures.is_empty(), "dump differs:\n{}", failures.join("\n"));
}

#[test]
fn cli_dump_prints_the_same_text() {
    let dir = &golden_programs()[0];
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hlc-test-driver"))
        .arg("dump")
        .arg(dir.join("main.hl"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m = read_module(&std::fs::read(dir.join("main.hl")).unwrap()).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), hlc::bytecode::dump::dump(&m));
}

/// `hlbc::reader::without_code` (the module an executable's runtime reads at
/// start-up) keeps every declaration of every golden program and drops
/// every function body; its own bodiless form is a fixed point. The
/// declarations blob carries the field names only the code named.
#[test]
fn without_code_keeps_every_declaration() {
    for dir in golden_programs() {
        let data = std::fs::read(dir.join("main.hl")).unwrap();
        let full = read_module(&data).unwrap();
        let stripped = hlc::bytecode::reader::without_code(&data).unwrap();
        assert!(stripped.len() < data.len(), "{}", dir.display());
        let m = read_module(&stripped).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let what = dir.display();
        assert_eq!((m.version, m.flags, m.entrypoint), (full.version, full.flags, full.entrypoint), "{what}");
        assert_eq!(m.ints, full.ints, "{what}");
        let bits = |f: &[f64]| f.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&m.floats), bits(&full.floats), "{what}");
        assert_eq!((&m.strings, &m.bytes, &m.debug_files), (&full.strings, &full.bytes, &full.debug_files), "{what}");
        assert_eq!((&m.types, &m.globals, &m.natives, &m.constants), (&full.types, &full.globals, &full.natives, &full.constants), "{what}");
        assert_eq!(m.functions.len(), full.functions.len(), "{what}");
        for (a, b) in m.functions.iter().zip(&full.functions) {
            assert_eq!((a.ty, a.findex), (b.ty, b.findex), "{what}");
            assert!(a.regs.is_empty() && a.ops.is_empty() && a.debug.is_empty() && a.assigns.is_empty(), "{what}");
        }
        assert_eq!(hlc::bytecode::reader::without_code(&stripped).unwrap(), stripped, "{what}");
        // What executables embed: the same declarations, and the dynamic
        // field names the code held, so field hashes come out the same.
        let (d, dynamic) = hlc::bytecode::declarations::decode(&hlc::bytecode::declarations::encode(&data).unwrap()).unwrap();
        assert_eq!(d.types, full.types, "{what}");
        let hashes = hlc::bytecode::hash::FieldHashes::new(&full);
        assert_eq!(hlc::bytecode::hash::FieldHashes::with_dynamic_names(&d, &dynamic).order, hashes.order, "{what}");
    }
}
