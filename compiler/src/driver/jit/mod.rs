//! The JIT driver: `hlc run main.hl` compiles the program into this process
//! with `cranelift-jit`, over the same lowering as `hlc build`, and runs it
//! with the runtime linked into `hlc`.
//!
//! Every call between HL functions goes through a slot (one code pointer per
//! function, see [`crate::lower::env::Callee::Slot`]). A function is
//! compiled on its first call: its slot starts at a lazy stub (`stubs.rs`)
//! that compiles it, stores its code in the slot and continues into it.
//! Wherever a function's address escapes into data it is its trampoline,
//! which jumps through the slot. Natives' slots hold the native's address.
//!
//! Code loaded into the running program later (`--hot-reload`, plugins) is
//! another [`Generation`]: its own Cranelift module, compiled lazily in the
//! same way, whose functions either take over the slots of the functions they
//! replace or get slots of their own.
//!
//! - `memory.rs`: the address range one generation's code and data live in;
//! - `stubs.rs`: trampolines, lazy stubs and the lazy entry;
//! - `natives.rs`: where each native comes from (the runtime in `hlc`, or a
//!   `.hdll` library);
//! - `identity.rs`: keys that match a module against the running one;
//! - `perf_map.rs`: `/tmp/perf-<pid>.map` for perf (`HLC_PERF_MAP=1`);
//! - `reload.rs`: `--hot-reload` and plugins.

mod cache;
mod identity;
mod memory;
mod natives;
mod perf_map;
mod reload;
mod stubs;

use super::isa::{self, OptLevel};
use crate::lower::env::{Address, Callee, Env, FunKind};
use crate::lower::{FnCodeMap, Lowerer, TargetInfo};
use cranelift_codegen::ir::Signature;
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module as ClModule;
use hlbc::{FunIdx, FunRef, GlobalIdx, Module, TypeIdx};
use miette::{miette, Result, WrapErr as _};
use std::collections::HashSet;
use std::ffi::{c_void, CString, OsString};
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
    /// `std@sys_check_reload` reloads changed code (as `hl --hot-reload`).
    pub hot_reload: bool,
    /// Neither use nor fill the code cache (`cache.rs`).
    pub no_cache: bool,
    pub verbose: bool,
}

/// Address space reserved for one generation's code and data.
const CODE_RESERVE: usize = 1 << 30;

/// A code slot, alive as long as the process.
type Slot = &'static AtomicPtr<u8>;

/// `n` new slots, all null.
fn new_slots(n: usize) -> Vec<Slot> {
    let slots: &'static [AtomicPtr<u8>] = Box::leak((0..n).map(|_| AtomicPtr::new(std::ptr::null_mut())).collect());
    slots.iter().collect()
}

/// The addresses one generation's code refers to, by index: every type's
/// `hl_type`, global, function slot and trampoline. Code refers to them
/// through symbols (`hlc:t12`, `hlc:g3`, `hlc:s40`, `hlc:f40`) that the
/// module resolves here, so compiled code is relocatable (see `cache.rs`).
pub struct Symbols {
    types: Vec<u64>,
    globals: Vec<u64>,
    slots: Vec<u64>,
    trampolines: Vec<u64>,
}

/// The kinds of [`Symbols`], as the letter of their names.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Type,
    Global,
    Slot,
    Trampoline,
}

impl SymbolKind {
    const ALL: [SymbolKind; 4] = [SymbolKind::Type, SymbolKind::Global, SymbolKind::Slot, SymbolKind::Trampoline];

    fn letter(self) -> char {
        match self {
            SymbolKind::Type => 't',
            SymbolKind::Global => 'g',
            SymbolKind::Slot => 's',
            SymbolKind::Trampoline => 'f',
        }
    }
}

impl Symbols {
    pub fn name(kind: SymbolKind, index: u32) -> String {
        format!("hlc:{}{index}", kind.letter())
    }

    /// The kind and index a symbol name stands for.
    pub fn parse(name: &str) -> Option<(SymbolKind, u32)> {
        let rest = name.strip_prefix("hlc:")?;
        let letter = rest.chars().next()?;
        let kind = SymbolKind::ALL.into_iter().find(|k| k.letter() == letter)?;
        Some((kind, rest[1..].parse().ok()?))
    }

    fn table(&self, kind: SymbolKind) -> &[u64] {
        match kind {
            SymbolKind::Type => &self.types,
            SymbolKind::Global => &self.globals,
            SymbolKind::Slot => &self.slots,
            SymbolKind::Trampoline => &self.trampolines,
        }
    }

    fn lookup(&self, name: &str) -> Option<*const u8> {
        let (kind, index) = Symbols::parse(name)?;
        self.table(kind).get(index as usize).map(|&a| a as *const u8)
    }
}

/// The lowering's environment for the JIT: calls go through slots, the
/// runtime may be anywhere in the address space, types, globals, slots and
/// trampolines are at addresses the runtime or the engine chose, named by
/// [`Symbols`].
struct JitEnv {
    module: JITModule,
    /// Data symbols declared so far.
    declared: std::collections::HashMap<(SymbolKind, u32), cranelift_module::DataId>,
}

impl JitEnv {
    fn symbol(&mut self, kind: SymbolKind, index: u32) -> Address {
        let module = &mut self.module;
        let id = *self.declared.entry((kind, index)).or_insert_with(|| {
            module
                .declare_data(&Symbols::name(kind, index), cranelift_module::Linkage::Import, true, false)
                .expect("hlc: symbols are declared once, with one linkage")
        });
        Address::Data { id, offset: 0 }
    }
}

impl Env for JitEnv {
    fn module(&mut self) -> &mut dyn ClModule {
        &mut self.module
    }

    fn runtime_is_near(&self) -> bool {
        false
    }

    fn type_address(&mut self, t: TypeIdx) -> Address {
        self.symbol(SymbolKind::Type, t.0)
    }

    fn global_address(&mut self, g: GlobalIdx) -> Address {
        self.symbol(SymbolKind::Global, g.0)
    }

    fn callee(&mut self, _f: FunIdx, _kind: FunKind<'_>, _sig: &Signature) -> std::result::Result<Callee, String> {
        Ok(Callee::Slot)
    }

    fn slot_address(&mut self, f: FunIdx) -> Address {
        self.symbol(SymbolKind::Slot, f.0)
    }

    fn stable_address(&mut self, f: FunIdx) -> Address {
        self.symbol(SymbolKind::Trampoline, f.0)
    }

    fn field_hash(&mut self, name: &str) -> i32 {
        // Functions are compiled once the runtime has loaded the program and
        // seeded its name cache: ask it.
        hlrt::start::program().field_hash(name)
    }
}

/// What a generation keeps between compilations (under its lock).
struct Compiler {
    lw: Lowerer,
    env: JitEnv,
    ctx: Context,
    fb: FunctionBuilderContext,
    /// Position in `Module::functions` of every function index.
    position: Vec<Option<usize>>,
    /// Whether each function index has been compiled.
    compiled: Vec<bool>,
    /// The entry point, and the settings it is compiled with: it runs once
    /// (every class's initialisation, then `main`), so it is compiled as
    /// cheaply as possible.
    entry: usize,
    once: cranelift_codegen::isa::OwnedTargetIsa,
    /// The settings of every other function.
    full: cranelift_codegen::isa::OwnedTargetIsa,
    /// Code kept from earlier runs of the same program.
    cache: Option<cache::CodeCache>,
}

impl Compiler {
    /// Compiles function `fi` (index `findex`), and keeps its code in the cache.
    fn compile(&mut self, fi: usize, findex: u32) -> Result<FnCodeMap> {
        let c = self;
        let isa = if findex as usize == c.entry { &*c.once } else { &*c.full };
        let id = c.lw.lower_ir(&mut c.env, fi, &mut c.ctx, &mut c.fb)?;
        let compiled = crate::lower::compile_function(&mut c.ctx, isa, id, findex, false)?;
        c.ctx.clear();
        let (bytes, alignment, relocs, map) = (&compiled.bytes, compiled.alignment, &compiled.relocs, compiled.map);
        c.env
            .module
            .define_function_bytes(id, alignment, bytes, relocs)
            .map_err(|e| miette!("code generation failed for fun@{findex}: {e:?}"))?;
        if let Some(cache) = &c.cache {
            let lw = &c.lw;
            if let Some(entry) = cache::describe(&c.env.module, &|d| lw.local_data(d).cloned(), bytes, alignment, relocs, &map) {
                cache.store(findex, &entry);
            }
        }
        Ok(map)
    }

    /// Defines function `findex` (to be body `id`) from the code cache; false
    /// if it has no usable entry.
    fn load_cached(&mut self, findex: u32, id: cranelift_module::FuncId) -> Option<FnCodeMap> {
        let entry = self.cache.as_ref()?.load(findex)?;
        let resolve = |c: &mut Compiler, t: &cache::Target| -> Option<cranelift_module::ModuleRelocTarget> {
            Some(match t {
                cache::Target::Func(name) => c.lw.runtime_function(name)?.into(),
                cache::Target::Data(name) => c.data_named(name)?.into(),
                cache::Target::LibCall(name) => cranelift_module::ModuleRelocTarget::LibCall(name.parse().ok()?),
            })
        };
        for (name, d) in &entry.data {
            let mut relocs = Vec::with_capacity(d.relocs.len());
            for (at, t, addend) in &d.relocs {
                let target = match resolve(self, t)? {
                    r @ cranelift_module::ModuleRelocTarget::User { .. } if cranelift_module::ModuleDeclarations::is_function(&r) => {
                        crate::lower::LocalTarget::Func(cranelift_module::FuncId::from_name(&r))
                    }
                    r @ cranelift_module::ModuleRelocTarget::User { .. } => {
                        crate::lower::LocalTarget::Data(cranelift_module::DataId::from_name(&r))
                    }
                    _ => return None,
                };
                relocs.push((*at, target, *addend));
            }
            let data = crate::lower::LocalData { bytes: d.bytes.clone(), align: d.align, writable: d.writable, relocs };
            self.lw.adopt_local(&mut self.env, name, data).ok()?;
        }
        let mut relocs = Vec::with_capacity(entry.relocs.len());
        for (offset, kind, addend, t) in &entry.relocs {
            relocs.push(cranelift_module::ModuleReloc { offset: *offset, kind: *kind, name: resolve(self, t)?, addend: *addend });
        }
        self.env.module.define_function_bytes(id, entry.align, &entry.code, &relocs).ok()?;
        Some(entry.map)
    }

    /// The data symbol `name`: a [`Symbols`] name, runtime data, or a constant already defined.
    fn data_named(&mut self, name: &str) -> Option<cranelift_module::DataId> {
        if let Some((kind, index)) = Symbols::parse(name) {
            let Address::Data { id, .. } = self.env.symbol(kind, index) else { return None };
            return Some(id);
        }
        if let Some(id) = self.lw.runtime_data_symbol(name) {
            return Some(id);
        }
        match self.env.module.declarations().get_name(name)? {
            cranelift_module::FuncOrDataId::Data(id) => Some(id),
            cranelift_module::FuncOrDataId::Func(_) => None,
        }
    }
}

/// One module's code in the running program: the slots its functions are
/// called through, and the compiler behind its lazy stubs.
struct Generation {
    /// The slot of every function index of the module.
    slots: Vec<Slot>,
    /// This module's trampolines and lazy stubs.
    stubs: stubs::StubArea,
    compiler: Mutex<Compiler>,
    /// The module's id in the runtime's code maps.
    debug_module: std::sync::atomic::AtomicU32,
    verbose: bool,
}

impl Generation {
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
        let id = c.lw.body(FunIdx(findex)).expect("HL functions have bodies");
        let (map, cached) = match c.load_cached(findex, id) {
            Some(map) => (map, true),
            None => (c.compile(fi, findex)?, false),
        };
        c.env.module.finalize_definitions().map_err(|e| miette!("cannot finalize fun@{findex}: {e}"))?;
        let body = c.lw.body(FunIdx(findex)).expect("HL functions have bodies");
        let code = c.env.module.get_finalized_function(body);
        if self.verbose {
            let how = if cached { "loaded" } else { "compiled" };
            eprintln!("hlc: {how} fun@{findex} ({} bytes) in {:.2} ms", map.code_size, start.elapsed().as_secs_f64() * 1e3);
        }
        let m = c.lw.m.clone();
        perf_map::record(code as usize, map.code_size, || c.lw.function_names().hl_name(&m, fi));
        hlrt::start::program().debug.add(self.debug_module.load(Ordering::Relaxed), code as usize, map);
        c.compiled[f] = true;
        self.slots[f].store(code as *mut u8, Ordering::Release);
        Ok(code)
    }
}

/// Called by the lazy stubs (through `stubs::lazy_entry`): compiles function
/// `findex` and returns its code. A function that cannot be compiled ends
/// the program with a diagnostic, as a build would have refused it.
unsafe extern "C" fn hlc_jit_compile(generation: *const (), findex: u32) -> *const u8 {
    // SAFETY: every lazy stub carries the address of a generation, which is never freed.
    let generation = unsafe { &*(generation as *const Generation) };
    // Compiling touches no GC memory: let collections proceed meanwhile (the
    // caller's arguments, saved by the lazy entry, are on this thread's stack).
    hlrt::gc::set_blocking(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| generation.compile(findex)));
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

/// How a generation's functions are reached and what it compiles.
struct Plan {
    /// The slot of every function index: an existing one (the function
    /// replaces, or is, one already running) or `None` for a new slot.
    slots: Vec<Option<Slot>>,
    /// The trampoline of every function index: an existing one, or `None`
    /// for a new one (which jumps through the function's slot).
    trampolines: Vec<Option<u64>>,
    /// Function indices this generation compiles (on their first call).
    compile: Vec<bool>,
    /// `(function index, address)` of natives found.
    natives: Vec<(usize, *const c_void)>,
    /// Natives (positions in `Module::natives`) replaced by throwing stubs.
    missing: HashSet<usize>,
    types: Vec<u64>,
    globals: Vec<u64>,
}

/// A generation's stub area with the address of every function's trampoline.
struct Prepared {
    stubs: stubs::StubArea,
    slots: Vec<Slot>,
    trampolines: Vec<u64>,
}

/// The trampolines and slots `plan` asks for (before the runtime needs the
/// trampolines as the module's function addresses).
fn prepare(arch: Architecture, plan: &Plan) -> Result<Prepared> {
    let n = plan.slots.len();
    let stubs = stubs::StubArea::new(arch, n).map_err(|e| miette!("cannot map memory for stubs: {e}"))?;
    let fresh = new_slots(plan.slots.iter().filter(|s| s.is_none()).count());
    let mut fresh = fresh.into_iter();
    let slots: Vec<Slot> = plan.slots.iter().map(|s| s.unwrap_or_else(|| fresh.next().expect("counted"))).collect();
    let trampolines = (0..n).map(|f| plan.trampolines[f].unwrap_or_else(|| stubs.trampoline(f))).collect();
    Ok(Prepared { stubs, slots, trampolines })
}

/// Builds the generation for module `m` as `plan` says; its code is reachable
/// once [`activate`] has pointed the slots at it.
fn generation(
    m: &Arc<Module>,
    opt: OptLevel,
    plan: &Plan,
    prepared: Prepared,
    cache: Option<cache::CodeCache>,
    verbose: bool,
) -> Result<&'static Generation> {
    let (isa, info, _) = isa::build(None, opt)?;
    let mut builder = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
    builder.memory_provider(Box::new(
        memory::CodeMemory::new(CODE_RESERVE).map_err(|e| miette!("cannot reserve memory for code: {e}"))?,
    ));
    let symbols = Arc::new(Symbols {
        types: plan.types.clone(),
        globals: plan.globals.clone(),
        slots: prepared.slots.iter().map(|s| *s as *const AtomicPtr<u8> as u64).collect(),
        trampolines: prepared.trampolines.clone(),
    });
    let lookup = symbols.clone();
    builder.symbol_lookup_fn(Box::new(move |name| lookup.lookup(name)));
    let mut env = JitEnv { module: JITModule::new(builder), declared: Default::default() };
    let mut lw = Lowerer::new(&mut env, m.clone(), info, &plan.missing)?;
    lw.define_native_stubs(&mut env)?;
    env.module.finalize_definitions().map_err(|e| miette!("{e}"))?;
    let nfun = plan.slots.len();
    let mut position = vec![None; nfun];
    for (i, f) in m.functions.iter().enumerate() {
        position[f.findex.idx()] = Some(i);
    }
    let missing_code: Vec<(usize, *const u8)> = plan
        .missing
        .iter()
        .map(|&i| {
            let f = m.natives[i].findex;
            (f.idx(), env.module.get_finalized_function(lw.body(f).expect("missing natives have stubs")))
        })
        .collect();
    let mut g = Box::new(Generation {
        slots: prepared.slots,
        stubs: prepared.stubs,
        compiler: Mutex::new(Compiler {
            lw,
            env,
            ctx: Context::new(),
            fb: FunctionBuilderContext::new(),
            position,
            compiled: vec![false; nfun],
            entry: m.entrypoint.idx(),
            once: isa::build(None, OptLevel::Once)?.0,
            full: isa::build(None, opt)?.0,
            cache,
        }),
        debug_module: 0.into(),
        verbose,
    });
    // The generation's address is final (boxed): the lazy stubs carry it.
    let addr = &*g as *const Generation as u64;
    let gm = &mut *g;
    for f in 0..nfun {
        if plan.trampolines[f].is_none() {
            gm.stubs.write_trampoline(f, gm.slots[f] as *const AtomicPtr<u8> as u64);
        }
        if plan.compile[f] {
            gm.stubs.write_lazy_stub(f, addr);
        }
    }
    gm.stubs.publish().map_err(|e| miette!("cannot make the stubs executable: {e}"))?;
    // Natives (and their stubs) in new slots can be set now; nothing calls them yet.
    for &(f, a) in &plan.natives {
        if plan.slots[f].is_none() {
            gm.slots[f].store(a as *mut u8, Ordering::Relaxed);
        }
    }
    for &(f, a) in &missing_code {
        if plan.slots[f].is_none() {
            gm.slots[f].store(a as *mut u8, Ordering::Relaxed);
        }
    }
    Ok(Box::leak(g))
}

/// Points the slots of the functions `plan` compiles at their lazy stubs:
/// from here on, every call reaches this generation's code.
fn activate(g: &Generation, plan: &Plan) {
    for (f, &c) in plan.compile.iter().enumerate() {
        if c {
            g.slots[f].store(g.stubs.lazy_stub(f) as *mut u8, Ordering::Release);
        }
    }
}

/// Which function indices are HL functions.
fn fun_kinds(m: &Module) -> Vec<bool> {
    m.fun_table().iter().map(|k| matches!(k, Some(FunRef::Function(_)))).collect()
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
    let (isa, info, triple) = isa::build(None, opts.opt)?;
    let arch = triple.architecture;
    if !matches!(arch, Architecture::X86_64 | Architecture::Aarch64(_)) {
        return Err(miette!("hlc run supports x86-64 and aarch64 hosts, not {arch}"));
    }
    let cache = if opts.no_cache {
        None
    } else {
        let isa_flags: Vec<String> = isa.isa_flags().iter().map(|v| v.to_string()).collect();
        cache::CodeCache::open(&data, &format!("{} {} {} {:?}", isa.triple(), isa.flags(), isa_flags.join(","), opts.opt))
    };
    drop(isa);
    // The same bytes were verified by this same `hlc` before if the cache says so.
    if cache.as_ref().is_some_and(|c| c.verified()) {
        if opts.verbose {
            eprintln!("hlc: verified in an earlier run");
        }
    } else {
        super::commands::verify(&m, &opts.input)?;
        if let Some(c) = &cache {
            c.mark_verified();
        }
    }
    phase("read");

    // Natives first: the ones nobody provides become stubs (or stop us here).
    let resolved = natives::resolve(&m, &opts.input)?;
    if resolved.missing.iter().any(|n| !n.optional) && !opts.allow_missing_natives {
        return Err(natives::missing_error(&resolved.missing));
    }
    phase("natives resolved");

    // Storage the generated code addresses at fixed places.
    let (plan, types, globals) = first_plan(&m, info, resolved)?;
    let prepared = prepare(arch, &plan)?;
    let functions: &'static [*mut c_void] = Box::leak(prepared.trampolines.iter().map(|&t| t as *mut c_void).collect());
    let g = generation(&m, opts.opt, &plan, prepared, cache, opts.verbose)?;
    activate(g, &plan);
    phase("stubs written");

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
        entry: unsafe { std::mem::transmute::<*mut c_void, unsafe extern "C" fn()>(functions[m.entrypoint.idx()]) },
        debug: std::ptr::null(),
        debug_len: 0,
        declarations: std::ptr::null(),
        declarations_len: 0,
    };
    if opts.hot_reload {
        reload::enable(reload::Live::new(opts.input.clone(), &m, &plan, g, opts.opt, arch, opts.verbose));
    }
    reload::enable_plugins(opts.opt, arch, opts.verbose);

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

/// The plan of a program's first generation: new storage for its types and
/// globals, new slots and trampolines for every function, all compiled.
/// Also returns the type and global storage.
fn first_plan(m: &Module, info: TargetInfo, resolved: natives::Resolved) -> Result<(Plan, *mut u8, *mut u8)> {
    let abi = hlbc::layout::Abi::new(info.layout);
    let layouts = hlbc::layout::Layouts::compute(m, info.layout)?;
    let (types_at, globals_at) = (storage(m.types.len() * abi.type_size() as usize), storage(layouts.globals_size as usize));
    let (types, globals) = (types_at as u64, globals_at as u64);
    let nfun = m.fun_table().len();
    let plan = Plan {
        slots: vec![None; nfun],
        trampolines: vec![None; nfun],
        compile: fun_kinds(m),
        natives: resolved.found.iter().map(|&(i, a)| (m.natives[i].findex.idx(), a)).collect(),
        missing: resolved.missing.iter().map(|n| n.index).collect(),
        types: (0..m.types.len() as u64).map(|i| types + i * abi.type_size() as u64).collect(),
        globals: layouts.global_offsets.iter().map(|&o| globals + o as u64).collect(),
    };
    Ok((plan, types_at, globals_at))
}
