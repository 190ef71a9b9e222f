//! Fuzz target: the whole compile pipeline, read → verify → lower →
//! Cranelift → object file (no linking). Nothing may panic, whatever the
//! input; and a module the verifier accepts must compile: Cranelift's own
//! verifier (on in this build, which has debug assertions) or a lowering
//! error on a verified module is a gap in `hlbc::verify` and fails here.
//!
//! Speed: a mutant usually changes one function, so functions already
//! compiled (same body, same types, globals and natives) are replaced by a
//! one-op stub before compiling; the code generator is at `opt_level=none`.
#![no_main]

use hlbc::opcodes::Op;
use hlbc::{Function, Module, Reg, Type};
use libfuzzer_sys::fuzz_target;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// (context, function) hashes of functions that compiled without error.
static COMPILED: Mutex<Option<HashSet<(u64, u64)>>> = Mutex::new(None);

/// Everything a function's lowering depends on besides its own body: the
/// types, globals, natives and every function's type.
fn context_hash(m: &Module) -> u64 {
    let mut h = DefaultHasher::new();
    m.version.hash(&mut h);
    format!("{:?}{:?}{:?}", m.types, m.globals, m.natives).hash(&mut h);
    for f in &m.functions {
        (f.ty, f.findex).hash(&mut h);
    }
    (m.ints.len(), m.floats.len(), m.strings.len(), m.bytes.len(), m.entrypoint).hash(&mut h);
    h.finish()
}

fn function_hash(f: &Function) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{:?}{:?}", f.regs, f.ops).hash(&mut h);
    h.finish()
}

/// Replaces a function's body by `ret` of a zero value of its return type.
fn stub(m: &Module, f: &mut Function) {
    let Type::Fun(ft) = m.ty(f.ty) else { return };
    f.regs = ft.args.clone();
    f.regs.push(ft.ret);
    f.ops = vec![Op::Ret { src: Reg(ft.args.len() as u32) }];
    f.debug.truncate(1);
    f.assigns.clear();
}

/// Errors a verified module may still give: names that clash when declared
/// (natives sharing a C symbol), and ops hlc does not support.
fn acceptable(message: &str) -> bool {
    !(message.contains("code generation failed") || message.contains("cannot compile")) || message.contains("(OAsm)")
}

fuzz_target!(|data: &[u8]| {
    let Ok(m) = hlbc::read_module(data) else { return };
    if hlbc::verify_module(&m).is_err() {
        return;
    }
    let ctx = context_hash(&m);
    let keys: Vec<(u64, u64)> = m.functions.iter().map(|f| (ctx, function_hash(f))).collect();
    let mut reduced = m.clone();
    let fresh: Vec<(u64, u64)> = {
        let cache = COMPILED.lock().unwrap();
        let mut fresh = Vec::new();
        for (f, key) in reduced.functions.iter_mut().zip(&keys) {
            if cache.as_ref().is_some_and(|c| c.contains(key)) {
                stub(&m, f);
            } else {
                fresh.push(*key);
            }
        }
        fresh
    };
    if fresh.is_empty() {
        return;
    }
    let stubs = HashSet::new();
    let reduced = std::sync::Arc::new(reduced);
    let options = hlc::driver::aot::ObjectOptions { opt: hlc::driver::isa::OptLevel::None, target: None, jobs: 1, debug: None, library: false };
    match hlc::driver::aot::compile_module(reduced, data, &options, &stubs) {
        Ok(_) => COMPILED.lock().unwrap().get_or_insert_with(HashSet::new).extend(fresh),
        Err(e) => {
            let message = format!("{e:?}");
            assert!(acceptable(&message), "a verified module failed to compile: {message}");
        }
    }
});
