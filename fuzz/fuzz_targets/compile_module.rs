//! Fuzz target: the whole compile pipeline, read → verify → lower →
//! Cranelift → object file (no linking). Nothing may panic, whatever the
//! input; and a module the verifier accepts must compile: Cranelift's own
//! verifier (on in this build, which has debug assertions) or a lowering
//! error on a verified module is a gap in `hlbc::verify` and fails here.
//!
//! Speed: a mutant usually changes one function, so only functions not yet
//! compiled (same body in the same context: types, globals, natives, every
//! function's type) are lowered and compiled; the first time a context is
//! seen the whole module is, into an object file as `hlc build` writes it.
//! Code is generated at the cheapest settings (`OptLevel::Once`: no
//! optimisation, single-pass register allocation); the IR is checked by
//! Cranelift's verifier before either runs. See docs/ARCHITECTURE.md
//! ("Verifying") for how to build and seed it.
#![no_main]

use hlbc::{Function, Module};
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
    let fresh: HashSet<usize> = {
        let cache = COMPILED.lock().unwrap();
        (0..keys.len()).filter(|&fi| !cache.as_ref().is_some_and(|c| c.contains(&keys[fi]))).collect()
    };
    if fresh.is_empty() {
        return;
    }
    let m = std::sync::Arc::new(m);
    let opt = hlc::driver::isa::OptLevel::Once;
    let result = if fresh.len() == keys.len() {
        let options = hlc::driver::aot::ObjectOptions { opt, target: None, jobs: 1, debug: None, library: false };
        hlc::driver::aot::compile_module(m, data, &options, &HashSet::new()).map(|_| ())
    } else {
        hlc::driver::aot::compile_functions(m, opt, &|fi| fresh.contains(&fi))
    };
    match result {
        Ok(()) => COMPILED.lock().unwrap().get_or_insert_with(HashSet::new).extend(fresh.iter().map(|&fi| keys[fi])),
        Err(e) => {
            let message = format!("{e:?}");
            assert!(acceptable(&message), "a verified module failed to compile: {message}");
        }
    }
});
