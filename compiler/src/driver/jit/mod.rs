//! The JIT driver: `hlc run main.hl` compiles the program into this process
//! with `cranelift-jit`, over the same lowering as `hlc build`, and runs it
//! with the runtime linked into `hlc`.
//!
//! Every call between HL functions goes through a slot table (one code
//! pointer per function index, see [`crate::lower::env::Callee::Slot`]). A
//! function is compiled on its first call: its slot starts at a lazy stub
//! (`stubs.rs`) that compiles it, stores its code in the slot and continues
//! into it. Wherever a function's address escapes into data it is its
//! trampoline, which jumps through the slot. Natives' slots hold the
//! native's address from the start.
//!
//! - `memory.rs`: the code and data range all of a program's code lives in;
//! - `stubs.rs`: trampolines, lazy stubs and the lazy entry;
//! - `natives.rs`: where each native comes from (the runtime in `hlc`, or a
//!   `.hdll` library).

mod memory;
mod natives;
mod stubs;

use super::isa::{self, OptLevel};
use crate::lower::env::{Address, Callee, Env, FunKind};
use crate::lower::{FnCodeMap, Lowerer};
use cranelift_codegen::ir::Signature;
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module as ClModule;
use hlbc::{FunIdx, FunRef, GlobalIdx, TypeIdx};
use miette::{miette, Result, WrapErr as _};
use std::ffi::{CString, OsString};
use std::path::PathBuf;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Mutex};
use target_lexicon::Architecture;

/// What `hlc run` was asked to do.
pub struct RunOptions {
    pub input: PathBuf,
    /// The program's arguments (`Sys.args()`).
    pub args: Vec<OsString>,
    pub opt: OptLevel,
    /// Natives nobody provides become stubs that throw when called.
    pub allow_missing_natives: bool,
    pub verbose: bool,
}

/// Address space reserved for one program's code and data.
const CODE_RESERVE: usize = 1 << 30;

/// The lowering's environment for the JIT: calls go through slots, the
/// runtime may be anywhere in the address space, program storage is memory
/// the engine allocated.
struct JitEnv {
    module: JITModule,
    /// Address of every type's `hl_type`, of every global, of every function index's slot.
    types: Vec<u64>,
    globals: Vec<u64>,
    slots: Vec<u64>,
    /// Address of every function index's trampoline.
    trampolines: Vec<u64>,
}

impl Env for JitEnv {
    fn module(&mut self) -> &mut dyn ClModule {
        &mut self.module
    }

    fn runtime_is_near(&self) -> bool {
        false
    }

    fn type_address(&mut self, t: TypeIdx) -> Address {
        Address::Absolute(self.types[t.idx()])
    }

    fn global_address(&mut self, g: GlobalIdx) -> Address {
        Address::Absolute(self.globals[g.idx()])
    }

    fn callee(&mut self, f: FunIdx, _kind: FunKind<'_>, _sig: &Signature) -> std::result::Result<Callee, String> {
        Ok(Callee::Slot { slot: Address::Absolute(self.slots[f.idx()]), stable: Address::Absolute(self.trampolines[f.idx()]) })
    }

    fn field_hash(&mut self, name: &str) -> i32 {
        // Functions are compiled once the runtime has loaded the program and
        // seeded its name cache: ask it.
        hlrt::start::program().field_hash(name)
    }
}

/// What the engine keeps between compilations (under its lock).
struct Compiler {
    lw: Lowerer,
    env: JitEnv,
    ctx: Context,
    fb: FunctionBuilderContext,
    /// Position in `Module::functions` of every function index.
    position: Vec<Option<usize>>,
    /// Whether each function index has been compiled.
    compiled: Vec<bool>,
}

/// One running program's JIT: the slot table and the compiler behind the lazy stubs.
struct Engine {
    slots: Box<[AtomicPtr<u8>]>,
    stubs: stubs::StubArea,
    compiler: Mutex<Compiler>,
    verbose: bool,
}

impl Engine {
    /// Compiles function index `findex` unless it already is; returns its code.
    fn compile(&self, findex: u32) -> Result<*const u8> {
        let mut guard = self.compiler.lock().unwrap_or_else(|e| e.into_inner());
        let c = &mut *guard;
        let f = findex as usize;
        if c.compiled[f] {
            return Ok(self.slots[f].load(Ordering::Acquire));
        }
        let fi = c.position[f].ok_or_else(|| miette!("function index {findex} is not an HL function"))?;
        let start = std::time::Instant::now();
        let map: FnCodeMap = c.lw.lower_function(&mut c.env, fi, &mut c.ctx, &mut c.fb)?;
        c.env.module.finalize_definitions().map_err(|e| miette!("cannot finalize fun@{findex}: {e}"))?;
        let body = c.lw.body(FunIdx(findex)).expect("HL functions have bodies");
        let code = c.env.module.get_finalized_function(body);
        if self.verbose {
            eprintln!("hlc: compiled fun@{findex} ({} bytes) in {:.2} ms", map.code_size, start.elapsed().as_secs_f64() * 1e3);
        }
        let p = hlrt::start::program();
        p.debug.add(p.main.debug_id, code as usize, map);
        c.compiled[f] = true;
        self.slots[f].store(code as *mut u8, Ordering::Release);
        Ok(code)
    }
}

/// Called by the lazy stubs (through `stubs::lazy_entry`): compiles function
/// `findex` and returns its code. A function that cannot be compiled ends
/// the program with a diagnostic, as a build would have refused it.
unsafe extern "C" fn hlc_jit_compile(engine: *const (), findex: u32) -> *const u8 {
    // SAFETY: every lazy stub carries the address of the engine `run` leaked.
    let engine = unsafe { &*(engine as *const Engine) };
    // Compiling touches no GC memory: let collections proceed meanwhile (the
    // caller's arguments, saved by the lazy entry, are on this thread's stack).
    hlrt::gc::set_blocking(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.compile(findex)));
    hlrt::gc::set_blocking(false);
    match result {
        Ok(Ok(code)) => code,
        Ok(Err(report)) => fatal(&format!("{report:?}")),
        Err(_) => fatal(&format!("internal error while compiling fun@{findex}")),
    }
}

fn fatal(msg: &str) -> ! {
    hlrt::start::flush_stdout();
    eprintln!("hlc run: {msg}");
    std::process::exit(1)
}

/// Zeroed, 16-byte aligned storage the program keeps for its whole run.
fn storage(bytes: usize) -> *mut u8 {
    let words = bytes.div_ceil(16).max(1);
    Box::leak(vec![0u128; words].into_boxed_slice()).as_mut_ptr().cast()
}

/// `hlc run`: compiles and runs the program; returns its exit code.
pub fn run(opts: &RunOptions) -> Result<i32> {
    let t0 = std::time::Instant::now();
    let phase = |what: &str| {
        if opts.verbose {
            eprintln!("hlc: {what} at {:.2} ms", t0.elapsed().as_secs_f64() * 1e3);
        }
    };
    let data = std::fs::read(&opts.input)
        .map_err(|source| super::commands::InputError { path: opts.input.display().to_string(), source })?;
    let m = Arc::new(
        hlbc::read_module(&data)
            .map_err(miette::Report::new)
            .wrap_err_with(|| format!("while reading `{}`", opts.input.display()))?,
    );
    let (isa, info, triple) = isa::build(None, opts.opt, false)?;
    let arch = triple.architecture;
    if !matches!(arch, Architecture::X86_64 | Architecture::Aarch64(_)) {
        return Err(miette!("hlc run supports x86-64 and aarch64 hosts, not {arch}"));
    }

    // Natives first: the ones nobody provides become stubs (or stop us here).
    phase("read");
    let resolved = natives::resolve(&m, &opts.input)?;
    phase("natives resolved");
    let missing: std::collections::HashSet<usize> = resolved.missing.iter().map(|n| n.index).collect();
    if resolved.missing.iter().any(|n| !n.optional) && !opts.allow_missing_natives {
        return Err(natives::missing_error(&resolved.missing));
    }

    // Storage the generated code addresses at fixed places.
    let abi = hlbc::layout::Abi::new(info.layout);
    let layouts = hlbc::layout::Layouts::compute(&m, info.layout)?;
    let types = storage(m.types.len().max(1) * abi.type_size() as usize);
    let globals = storage(layouts.globals_size.max(8) as usize);
    let nfun = m.fun_table().len();
    let slots: Box<[AtomicPtr<u8>]> = (0..nfun).map(|_| AtomicPtr::new(std::ptr::null_mut())).collect();

    let mut builder = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
    builder.memory_provider(Box::new(memory::CodeMemory::new(CODE_RESERVE).map_err(|e| miette!("cannot reserve memory for code: {e}"))?));
    let module = JITModule::new(builder);
    let stubs = stubs::StubArea::new(arch, nfun).map_err(|e| miette!("cannot map memory for stubs: {e}"))?;
    let type_size = abi.type_size() as u64;
    let mut env = JitEnv {
        module,
        types: (0..m.types.len() as u64).map(|i| types as u64 + i * type_size).collect(),
        globals: layouts.global_offsets.iter().map(|&o| globals as u64 + o as u64).collect(),
        slots: slots.iter().map(|s| s as *const AtomicPtr<u8> as u64).collect(),
        trampolines: (0..nfun).map(|f| stubs.trampoline(f)).collect(),
    };
    let mut lw = Lowerer::new(&mut env, m.clone(), info, &missing)?;
    phase("declared");
    lw.define_native_stubs(&mut env)?;
    env.module.finalize_definitions().map_err(|e| miette!("{e}"))?;

    let fun_table = m.fun_table();
    let mut position = vec![None; nfun];
    for (i, f) in m.functions.iter().enumerate() {
        position[f.findex.idx()] = Some(i);
    }
    // The slot of every function index: natives' code, a stub for missing
    // ones, the lazy stub for HL functions.
    for (index, addr) in resolved.found {
        slots[m.natives[index].findex.idx()].store(addr as *mut u8, Ordering::Relaxed);
    }
    for &index in &missing {
        let f = m.natives[index].findex;
        let stub = lw.body(f).expect("missing natives have stubs");
        slots[f.idx()].store(env.module.get_finalized_function(stub) as *mut u8, Ordering::Relaxed);
    }
    let mut engine = Box::new(Engine {
        slots,
        stubs,
        compiler: Mutex::new(Compiler {
            lw,
            env,
            ctx: Context::new(),
            fb: FunctionBuilderContext::new(),
            position,
            compiled: vec![false; nfun],
        }),
        verbose: opts.verbose,
    });
    // The engine's address is final (boxed); the lazy stubs carry it.
    let engine_addr = &*engine as *const Engine as u64;
    let e = &mut *engine;
    for (findex, kind) in fun_table.iter().enumerate() {
        e.stubs.write_trampoline(findex, &e.slots[findex] as *const AtomicPtr<u8> as u64);
        if let Some(FunRef::Function(_)) = kind {
            e.stubs.write_lazy_stub(findex, engine_addr);
            e.slots[findex].store(e.stubs.lazy_stub(findex) as *mut u8, Ordering::Relaxed);
        }
    }
    e.stubs.publish().map_err(|e| miette!("cannot make the stubs executable: {e}"))?;
    let engine: &'static Engine = Box::leak(engine);
    let functions: Vec<*mut std::ffi::c_void> = (0..nfun).map(|f| engine.stubs.trampoline(f) as *mut _).collect();
    phase("stubs written");
    let functions: &'static [*mut std::ffi::c_void] = Box::leak(functions.into_boxed_slice());
    let bytecode: &'static [u8] = Box::leak(data.into_boxed_slice());
    let desc = hlrt::module::hlc_program {
        abi_version: hlbc::layout::PROGRAM_ABI_VERSION,
        bytecode: bytecode.as_ptr(),
        bytecode_len: bytecode.len(),
        types: types.cast(),
        globals,
        functions: functions.as_ptr(),
        nfunctions: functions.len(),
        // SAFETY: the entry function's trampoline jumps to code taking no argument and returning nothing.
        entry: unsafe { std::mem::transmute::<*mut std::ffi::c_void, unsafe extern "C" fn()>(functions[m.entrypoint.idx()]) },
        debug: std::ptr::null(),
        debug_len: 0,
    };

    // argv as the program sees it: the .hl file, then the arguments (hl's `Sys.args()`).
    let mut argv: Vec<CString> = Vec::with_capacity(opts.args.len() + 1);
    for a in std::iter::once(opts.input.as_os_str()).chain(opts.args.iter().map(|a| a.as_os_str())) {
        use std::os::unix::ffi::OsStrExt as _;
        argv.push(CString::new(a.as_bytes()).map_err(|_| miette!("an argument contains a NUL byte"))?);
    }
    let argv: &'static [CString] = Box::leak(argv.into_boxed_slice());
    let ptrs: &'static [*const std::ffi::c_char] = Box::leak(argv.iter().map(|a| a.as_ptr()).collect());
    // SAFETY: hl_setup is written before any HL code runs, on this (the only) thread.
    unsafe {
        (*std::ptr::addr_of_mut!(hlrt::std::sys::hl_setup)).file_path = argv[0].as_ptr() as *mut _;
    }
    // SAFETY: the descriptor points at storage, code and bytecode that live
    // until the process exits, and argv holds argc C strings.
    Ok(unsafe { hlrt::start::run_main(ptrs.len() as i32, ptrs.as_ptr(), &desc, Some(m)) })
}
