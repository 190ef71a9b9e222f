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
