//! Lowering of a HashLink module into Cranelift functions and data, shared
//! by every backend. The lowering reaches the outside world only through
//! [`env::Env`]: `driver/aot.rs` implements it for an object file linked into
//! an executable, `driver/jit.rs` for code generated into the running process.
//!
//! - `env.rs`: the seam (runtime reach, program storage, calls, field hashes).
//! - `types.rs`: HL types as Cranelift types and C signatures.
//! - `runtime_fns.rs`: the runtime entry points generated code calls.
//! - `function.rs`: the translation of one function, op by op.
//!
//! What the generated code and the runtime share (see `runtime/src/module.rs`):
//! the `hl_type` of every type (storage the runtime fills in) and the globals
//! (laid out by `hlbc::layout`), found through [`env::Env::type_address`] and
//! [`env::Env::global_address`].

mod cfg;
mod deadslots;
mod edges;
pub mod env;
mod facts;
mod fieldcache;
mod function;
mod inline;
mod intrinsics;
pub(crate) mod polls;
pub mod runtime_fns;
mod scalar;
mod select;
mod splice;
pub mod types;

use cranelift_codegen::ir::{Function, Type as ClType, UserFuncName};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module as ClModule};
use env::{Address, Callee, Env, FunKind};
use hlbc::layout::{Abi, Layouts, Target};
use hlbc::{FunIdx, FunRef, Module, Op, TypeIdx};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A function could not be lowered.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot compile {function}: {message}")]
#[diagnostic(code(hlc::lower))]
pub struct LowerError {
    pub function: String,
    pub message: String,
}

impl LowerError {
    fn module(e: impl std::fmt::Display) -> LowerError {
        LowerError { function: "the program".into(), message: e.to_string() }
    }
}

/// Target facts the lowering needs beyond pointer size, and its settings.
#[derive(Copy, Clone, Debug)]
pub struct TargetInfo {
    pub layout: Target,
    pub call_conv: CallConv,
    /// `sizeof(jmp_buf)` of the target's C library (offset of `hl_trap_ctx.prev`).
    pub jmp_buf_size: u32,
    /// Loop heads poll for the GC (true unless `HLC_LOOP_POLLS=0`, a switch
    /// for measuring what the polls cost).
    pub loop_polls: bool,
    /// `_setjmp` takes a second argument, the frame to unwind to (MinGW):
    /// generated code passes null, so `longjmp` does not unwind through SEH.
    pub setjmp_takes_frame: bool,
}

pub use hlbc::codemap::FnCodeMap;

/// Data the lowering defined, as it defined it.
#[derive(Clone, Debug)]
pub struct LocalData {
    pub bytes: Vec<u8>,
    pub align: u64,
    pub writable: bool,
    /// `(offset, target, addend)`: pointers to other data or functions.
    pub relocs: Vec<(u32, LocalTarget, i64)>,
}

/// What a [`LocalData`] pointer points at.
#[derive(Copy, Clone, Debug)]
pub enum LocalTarget {
    Data(DataId),
    Func(FuncId),
}

/// Where compiled function `findex` (in `ctx`) maps back to its ops.
pub fn code_map(findex: u32, ctx: &Context) -> FnCodeMap {
    let mut map = FnCodeMap { findex, ..Default::default() };
    if let Some(code) = ctx.compiled_code() {
        map.code_size = code.code_info().total_size;
        map.locs = code
            .buffer
            .get_srclocs_sorted()
            .iter()
            .filter(|l| !l.loc.is_default())
            .map(|l| (l.start, l.loc.bits()))
            .collect();
        map.locs.dedup_by_key(|l| l.0);
    }
    map
}

/// One function compiled to machine code, not yet placed: what a Cranelift
/// module's `define_function_bytes` takes, and what debuggers and stack
/// traces need to know about it.
pub struct CompiledFunction {
    /// The function it is to be defined as.
    pub id: FuncId,
    pub bytes: Vec<u8>,
    pub alignment: u64,
    pub relocs: Vec<cranelift_module::ModuleReloc>,
    /// Code offsets back to ops.
    pub map: FnCodeMap,
    /// How to unwind its frames (for `.debug_frame`), when the ISA makes it.
    pub unwind: Option<cranelift_codegen::isa::unwind::UnwindInfo>,
}

/// Compiles the IR in `ctx.func` (function index `findex`, to be defined as
/// `id`) for `isa`, with unwind information if `unwind` is set; `ctx` is
/// left holding the compiled function.
pub fn compile_function(
    ctx: &mut Context,
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    id: FuncId,
    findex: u32,
    unwind: bool,
) -> miette::Result<CompiledFunction> {
    ctx.compile(isa, &mut Default::default())
        .map_err(|e| miette::miette!("code generation failed for fun@{findex}: {:?}", e.inner))?;
    let map = code_map(findex, ctx);
    let code = ctx.compiled_code().expect("just compiled");
    let unwind = match unwind {
        true => code.create_unwind_info(isa).map_err(|e| miette::miette!("unwind information for fun@{findex}: {e:?}"))?,
        false => None,
    };
    Ok(CompiledFunction {
        id,
        bytes: code.code_buffer().to_vec(),
        alignment: (code.buffer.alignment as u64).max(isa.function_alignment().minimum as u64),
        relocs: code.buffer.relocs().iter().map(|r| cranelift_module::ModuleReloc::from_mach_reloc(r, &ctx.func, id)).collect(),
        map,
        unwind,
    })
}

/// The lowering of one module: declarations made once, constants and static
/// closures defined on first use. Functions are lowered one at a time
/// ([`Lowerer::lower_ir`]), all at once for an executable
/// ([`Lowerer::lower_all`]) or on first call in the JIT; every call passes
/// the same environment.
pub struct Lowerer {
    pub m: Arc<Module>,
    pub layouts: Layouts,
    pub target: TargetInfo,
    pub abi: Abi,
    ptr: ClType,
    /// How each function index is reached.
    callees: Vec<Callee>,
    /// The function each compiled function index (or missing-native stub) is defined as.
    bodies: Vec<Option<FuncId>>,
    fun_table: Vec<Option<FunRef>>,
    runtime: HashMap<String, FuncId>,
    runtime_data: HashMap<&'static str, DataId>,
    strings: HashMap<u32, DataId>,
    bytes: HashMap<u32, DataId>,
    static_closures: HashMap<u32, DataId>,
    /// The inline form of each function index that is a native computed inline.
    intrinsics: Vec<Option<intrinsics::Intrinsic>>,
    /// Natives no library defines, replaced by throwing stubs: (stub, native).
    stubs: Vec<(FuncId, usize)>,
    /// HashLink's owner of every function, computed on first use.
    names: Option<hlbc::names::FunctionNames>,
    /// What each constant and static closure was defined as.
    local_data: HashMap<DataId, LocalData>,
    /// The position in `Module::functions` of each compiled function's body.
    fi_of_body: HashMap<FuncId, usize>,
    /// Whether each function (position in `Module::functions`) is a leaf
    /// inlined into its callers (`inline.rs`), computed on first use.
    leaves: Vec<Option<bool>>,
    /// How many ops a call of each function runs at most, if it is quick
    /// (`polls::quick_call_ops`): `Some(None)` for not quick (or being
    /// decided: a cycle of calls is not quick); computed on first use.
    quick_calls: Vec<Option<Option<usize>>>,
    /// The body each function is spliced into its callers as (itself with
    /// its own callees spliced, `splice.rs`), or `None` if it is not
    /// spliced; computed on first use.
    spliceable: Vec<Option<Option<Arc<splice::Spliced>>>>,
    /// Read-only lists of spliced frames defined so far (`splice.rs`), by list.
    inline_frames: HashMap<Vec<u64>, DataId>,
    /// The IR of each leaf called so far, as inlined.
    leaf_bodies: HashMap<FuncId, Function>,
    /// Whether accesses to program data carry alias regions ([`memory_regions_sound`]).
    memory_regions: bool,
    /// The entry that preserves every register of each function called on
    /// a cold path, by the function's body, in declaration order
    /// ([`Lowerer::cold_entry`]).
    cold_entries: Vec<(FuncId, FuncId)>,
    /// Names of the module's virtual fields: an object field of another name
    /// is reached only at its own offset in its object, never through a
    /// virtual's field pointer, so it may have an alias region of its own.
    virtual_field_names: HashSet<Box<[u8]>>,
}

pub use hlbc::native_sig::native_symbol;

/// Ends an IR function a unit test built: returns `ret`, seals every block
/// and finalizes it for x86-64 System V.
#[cfg(test)]
fn finish_test_function(mut b: cranelift_frontend::FunctionBuilder, ret: cranelift_codegen::ir::Value) {
    use cranelift_codegen::ir::InstBuilder;
    b.ins().return_(&[ret]);
    b.seal_all_blocks();
    b.finalize(cranelift_codegen::isa::TargetFrontendConfig {
        default_call_conv: CallConv::SystemV,
        pointer_width: target_lexicon::PointerWidth::U64,
        page_size_align_log2: 12,
    });
}

impl Lowerer {
    /// `missing_natives` lists natives (positions in `Module::natives`) to
    /// replace by stubs that throw "Missing native function lib@name" when called.
    pub fn new(env: &mut dyn Env, m: Arc<Module>, target: TargetInfo, missing_natives: &HashSet<usize>) -> miette::Result<Lowerer> {
        let layouts = Layouts::compute(&m, target.layout)?;
        let ptr = ClType::int(target.layout.ptr as u16 * 8).expect("pointer type");
        let fun_table = m.fun_table();
        let abi = Abi::new(target.layout);
        let memory_regions = memory_regions_sound(&m);
        let virtual_field_names = m
            .types
            .iter()
            .filter_map(|t| match t {
                hlbc::Type::Virtual(v) => Some(v.fields.iter().map(|f| m.strings[f.name.idx()].clone())),
                _ => None,
            })
            .flatten()
            .collect();
        let mut lw = Lowerer {
            m,
            layouts,
            abi,
            target,
            ptr,
            callees: Vec::new(),
            bodies: Vec::new(),
            fun_table,
            runtime: HashMap::new(),
            runtime_data: HashMap::new(),
            strings: HashMap::new(),
            bytes: HashMap::new(),
            static_closures: HashMap::new(),
            intrinsics: Vec::new(),
            stubs: Vec::new(),
            names: None,
            local_data: HashMap::new(),
            fi_of_body: HashMap::new(),
            leaves: Vec::new(),
            quick_calls: Vec::new(),
            spliceable: Vec::new(),
            inline_frames: HashMap::new(),
            leaf_bodies: HashMap::new(),
            memory_regions,
            cold_entries: Vec::new(),
            virtual_field_names,
        };
        lw.declare_functions(env, missing_natives)?;
        lw.declare_runtime(env)?;
        Ok(lw)
    }

    fn declare_functions(&mut self, env: &mut dyn Env, missing: &HashSet<usize>) -> miette::Result<()> {
        let m = self.m.clone();
        let err = |e: cranelift_module::ModuleError| miette::miette!("{e}");
        self.intrinsics = vec![None; self.fun_table.len()];
        for findex in 0..self.fun_table.len() {
            let f = FunIdx(findex as u32);
            let sig = types::fun_signature(&m, self.fun_type(f), self.ptr, self.target.call_conv);
            let (callee, body) = match self.fun_table[findex] {
                Some(FunRef::Function(fi)) => {
                    let body = env.module().declare_function(&format!("hlc_f{findex}"), Linkage::Local, &sig).map_err(err)?;
                    self.fi_of_body.insert(body, fi);
                    (env.callee(f, FunKind::Compiled { body }, &sig), Some(body))
                }
                Some(FunRef::Native(i)) if missing.contains(&i) => {
                    let stub =
                        env.module().declare_function(&format!("hlc_missing{findex}"), Linkage::Local, &sig).map_err(err)?;
                    self.stubs.push((stub, i));
                    (env.callee(f, FunKind::MissingNative { stub }, &sig), Some(stub))
                }
                Some(FunRef::Native(i)) => {
                    let n = &m.natives[i];
                    let (lib, name) = (m.str(n.lib), m.str(n.name));
                    self.intrinsics[findex] = intrinsics::lookup(&lib, &name);
                    let callee = env
                        .callee(f, FunKind::Native { lib: &lib, name: &name }, &sig)
                        .map_err(|e| format!("native {lib}@{name}: {e}"));
                    (callee, None)
                }
                None => return Err(miette::miette!("function index {findex} is neither a function nor a native")),
            };
            self.callees.push(callee.map_err(|e| miette::miette!("function index {findex}: {e}"))?);
            self.bodies.push(body);
        }
        Ok(())
    }

    /// How generated code reaches function index `f`.
    pub fn callee(&self, f: FunIdx) -> Callee {
        self.callees[f.idx()]
    }

    /// The inline form of function index `f`, if it is a native computed inline.
    fn intrinsic(&self, f: FunIdx) -> Option<intrinsics::Intrinsic> {
        self.intrinsics.get(f.idx()).copied().flatten()
    }

    /// The function compiled function index `f` (or its missing-native stub) is defined as.
    pub fn body(&self, f: FunIdx) -> Option<FuncId> {
        self.bodies.get(f.idx()).copied().flatten()
    }

    /// Number of function indices (functions and natives).
    pub fn function_count(&self) -> usize {
        self.fun_table.len()
    }

    /// The HL function type of function index `f`.
    fn fun_type(&self, f: FunIdx) -> TypeIdx {
        match self.fun_table[f.idx()] {
            Some(FunRef::Function(i)) => self.m.functions[i].ty,
            Some(FunRef::Native(i)) => self.m.natives[i].ty,
            None => TypeIdx(0),
        }
    }

    /// HashLink's names of the module's functions.
    pub fn function_names(&mut self) -> &hlbc::names::FunctionNames {
        let m = &*self.m;
        self.names.get_or_insert_with(|| hlbc::names::FunctionNames::new(m))
    }

    /// HashLink's `fun_field_name`: the field a function implements (or, for a
    /// closure, its creator's); `init` for the entry point; `None` otherwise.
    fn function_field_name(&mut self, f: FunIdx) -> Option<String> {
        use hlbc::names::Owner;
        let Some(FunRef::Function(i)) = self.fun_table.get(f.idx()).copied().flatten() else { return None };
        let m = &*self.m;
        let names = self.names.get_or_insert_with(|| hlbc::names::FunctionNames::new(m));
        let field = |o: Owner| match o {
            Owner::Field { name, .. } => Some(m.str(name).into_owned()),
            Owner::Entry => Some("init".to_string()),
            _ => None,
        };
        match names.owner(i) {
            Owner::Closure { parent, .. } => field(names.owner(parent)),
            o => field(o),
        }
    }

    /// Declares every runtime entry point and runtime data symbol generated
    /// code may use, so that a clash with a native's symbol is reported here,
    /// once, rather than while lowering some function.
    fn declare_runtime(&mut self, env: &mut dyn Env) -> miette::Result<()> {
        let fixed = runtime_fns::ALL.iter().map(|&(n, p, r)| (n.to_string(), p.to_vec(), r));
        for (name, mut params, ret) in fixed.chain(runtime_fns::all_dynamic()) {
            if name == runtime_fns::_setjmp.0 && self.target.setjmp_takes_frame {
                params.push(runtime_fns::K::Ptr);
            }
            let cc = runtime_fns::call_conv(&name, self.target.call_conv);
            let sig = runtime_fns::signature(&params, ret, self.ptr, cc);
            let id = env
                .module()
                .declare_function(&name, Linkage::Import, &sig)
                .map_err(|e| miette::miette!("runtime function {name}: {e}"))?;
            self.runtime.insert(name, id);
        }
        for &name in runtime_fns::DATA {
            let id = env
                .module()
                .declare_data(name, Linkage::Import, true, false)
                .map_err(|e| miette::miette!("runtime data {name}: {e}"))?;
            self.runtime_data.insert(name, id);
        }
        Ok(())
    }

    /// A runtime entry point (all are declared by [`Lowerer::new`]).
    fn runtime_fn(&self, name: &str) -> FuncId {
        *self.runtime.get(name).unwrap_or_else(|| panic!("runtime function {name} is missing from runtime_fns"))
    }

    /// Data the runtime defines (all are declared by [`Lowerer::new`]).
    fn runtime_data(&self, name: &str) -> DataId {
        *self.runtime_data.get(name).unwrap_or_else(|| panic!("runtime data {name} is missing from runtime_fns::DATA"))
    }

    /// Read-only UTF-16 (NUL-terminated) data of string `idx`: `OString`'s operand.
    fn string_data(&mut self, env: &mut dyn Env, idx: u32) -> Result<DataId, LowerError> {
        if let Some(&d) = self.strings.get(&idx) {
            return Ok(d);
        }
        let text = String::from_utf8_lossy(&self.m.strings[idx as usize]).into_owned();
        let mut bytes = Vec::with_capacity(text.len() * 2 + 2);
        for u in text.encode_utf16().chain([0]) {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = define_rodata(env.module(), &format!("hlc_str{idx}"), bytes.clone(), 2)?;
        self.local_data.insert(d, LocalData { bytes, align: 2, writable: false, relocs: Vec::new() });
        self.strings.insert(idx, d);
        Ok(d)
    }

    /// `OBytes`' operand: a v5 bytes blob, or before v5 the UTF-8 string itself.
    fn bytes_data(&mut self, env: &mut dyn Env, idx: u32) -> Result<DataId, LowerError> {
        if let Some(&d) = self.bytes.get(&idx) {
            return Ok(d);
        }
        let mut bytes =
            if self.m.version >= 5 { self.m.bytes[idx as usize].to_vec() } else { self.m.strings[idx as usize].to_vec() };
        bytes.push(0);
        let d = define_rodata(env.module(), &format!("hlc_bytes{idx}"), bytes.clone(), 8)?;
        self.local_data.insert(d, LocalData { bytes, align: 8, writable: false, relocs: Vec::new() });
        self.bytes.insert(idx, d);
        Ok(d)
    }

    /// A static `vclosure` for function `f` (`OStaticClosure`): `{ &type, fun, hasValue = 0 }`.
    fn static_closure(&mut self, env: &mut dyn Env, f: FunIdx) -> Result<DataId, LowerError> {
        if let Some(&d) = self.static_closures.get(&f.0) {
            return Ok(d);
        }
        let err = |e: cranelift_module::ModuleError| LowerError::module(e);
        let id = env.module().declare_data(&format!("hlc_closure{}", f.0), Linkage::Local, true, false).map_err(err)?;
        // Not zero-init: data with relocations must not go to .bss.
        let ptr = self.target.layout.ptr as usize;
        let mut data = LocalData { bytes: vec![0u8; 4 * ptr], align: 8, writable: true, relocs: Vec::new() };
        let put = |at: u32, a: Address, data: &mut LocalData| match a {
            Address::Data { id, offset } => data.relocs.push((at, LocalTarget::Data(id), offset)),
            Address::Absolute(a) => data.bytes[at as usize..at as usize + ptr].copy_from_slice(&a.to_le_bytes()[..ptr]),
        };
        put(0, env.type_address(self.fun_type(f)), &mut data);
        let fun_at = self.abi.closure_fun();
        match self.callees[f.idx()] {
            Callee::Direct(target) => data.relocs.push((fun_at, LocalTarget::Func(target), 0)),
            Callee::Slot => put(fun_at, env.stable_address(f), &mut data),
        }
        define_local(env.module(), id, &data)?;
        self.local_data.insert(id, data);
        self.static_closures.insert(f.0, id);
        Ok(id)
    }

    /// Lowers function `fi` into Cranelift IR in `ctx.func` (for the caller
    /// to compile and define); returns the function it is to be defined as.
    pub fn lower_ir(
        &mut self,
        env: &mut dyn Env,
        fi: usize,
        ctx: &mut Context,
        fb: &mut FunctionBuilderContext,
    ) -> Result<FuncId, LowerError> {
        let m = self.m.clone();
        let f = &m.functions[fi];
        let id = self.body(f.findex).expect("every function has a body");
        ctx.func = Function::with_name_signature(
            UserFuncName::user(0, f.findex.0),
            types::fun_signature(&m, f.ty, self.ptr, self.target.call_conv),
        );
        // Direct calls of small functions are spliced at the bytecode level
        // (executables: `hlc run` calls through slots, for hot reload).
        let spliced = splice::splice(&m, f, &mut |fun| self.splice_body(fun));
        match &spliced {
            Some(s) => function::lower(self, env, &m, &s.function, Some((f, &s.origin, &s.frames)), &mut ctx.func, fb)?,
            None => function::lower(self, env, &m, f, None, &mut ctx.func, fb)?,
        }
        self.inline_leaves(env, fi, ctx, fb)?;
        select::if_convert(&mut ctx.func);
        edges::split_rematerialising_edges(&mut ctx.func);
        Ok(id)
    }

    /// Whether function `fi` is inlined into its callers.
    fn is_leaf(&mut self, fi: usize) -> bool {
        if self.leaves.is_empty() {
            self.leaves = vec![None; self.m.functions.len()];
        }
        if let Some(l) = self.leaves[fi] {
            return l;
        }
        let l = inline::is_leaf(&self.m, fi, &|f| self.intrinsic(f).is_some(), self.memory_regions);
        self.leaves[fi] = Some(l);
        l
    }

    /// How many ops a direct call of function index `fun` runs at most, if
    /// it returns soon (see `polls::quick_call_ops`): natives and leaves
    /// count as none; in an executable, a function without loops whose own
    /// calls are quick counts its ops and theirs. `hlc run` may reload a
    /// function with another body, so there only natives and leaves are quick.
    pub fn quick_call(&mut self, fun: FunIdx) -> Option<usize> {
        match self.fun_ref(fun)? {
            FunRef::Native(_) => Some(0),
            FunRef::Function(g) if self.is_leaf(g) => Some(0),
            FunRef::Function(g) if matches!(self.callee(fun), Callee::Direct(_)) => self.quick_function(g),
            FunRef::Function(_) => None,
        }
    }

    fn quick_function(&mut self, fi: usize) -> Option<usize> {
        if self.quick_calls.is_empty() {
            self.quick_calls = vec![None; self.m.functions.len()];
        }
        if let Some(q) = self.quick_calls[fi] {
            return q;
        }
        self.quick_calls[fi] = Some(None);
        let m = self.m.clone();
        let q = polls::quick_call_ops(&m.functions[fi].ops, &mut |op| match op.direct_callee() {
            Some(fun) if self.intrinsic(fun).is_some() => Some(0),
            Some(fun) => self.quick_call(fun),
            None if polls::calls_unknown_code(op) => None,
            None => Some(0),
        });
        self.quick_calls[fi] = Some(q);
        q
    }

    /// The body a direct call of function index `fun` is spliced as, if it
    /// is spliced: executables only.
    fn splice_body(&mut self, fun: FunIdx) -> Option<(usize, Arc<splice::Spliced>)> {
        match (self.fun_table.get(fun.idx()).copied().flatten(), self.callee(fun)) {
            (Some(FunRef::Function(g)), Callee::Direct(_)) => self.spliced_as(g).map(|b| (g, b)),
            _ => None,
        }
    }

    /// The body function `fi` is spliced as, if it is spliced.
    fn spliced_as(&mut self, fi: usize) -> Option<Arc<splice::Spliced>> {
        if self.spliceable.is_empty() {
            self.spliceable = vec![None; self.m.functions.len()];
        }
        if let Some(b) = &self.spliceable[fi] {
            return b.clone();
        }
        // Not spliced while deciding (a cycle of calls is not spliced).
        self.spliceable[fi] = Some(None);
        let m = self.m.clone();
        let f = &m.functions[fi];
        let mut callees = HashSet::new();
        for op in &f.ops {
            if let Some(fun) = op.direct_callee() {
                if self.intrinsic(fun).is_none() && self.splice_body(fun).is_some() {
                    callees.insert(fun);
                }
            }
        }
        let ok = inline::is_spliceable(&m, fi, &|g| self.intrinsic(g).is_some(), self.memory_regions, &|g| callees.contains(&g));
        let body = if !ok {
            None
        } else if callees.is_empty() {
            Some(Arc::new(splice::Spliced::plain(f)))
        } else {
            splice::splice(&m, f, &mut |fun| self.splice_body(fun)).map(Arc::new)
        };
        let body = body.filter(|b| b.function.ops.len() <= splice::MAX_BODY);
        self.spliceable[fi] = Some(body.clone());
        body
    }

    /// The read-only list of spliced frames `frames` (innermost first), as
    /// `hlc_null_access_inlined` reads it: `position << 32 | op` words and
    /// `u64::MAX`. Defined once per list.
    fn inline_frames_data(&mut self, env: &mut dyn Env, frames: &[(u32, u32)]) -> Result<DataId, LowerError> {
        let mut words: Vec<u64> = frames.iter().map(|&(fi, op)| (fi as u64) << 32 | op as u64).collect();
        words.push(u64::MAX);
        if let Some(&id) = self.inline_frames.get(&words) {
            return Ok(id);
        }
        // Every target hlc supports is little-endian.
        let bytes = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let id = define_rodata(env.module(), &format!("hlc_inline_frames{}", self.inline_frames.len()), bytes, 8)?;
        self.inline_frames.insert(words, id);
        Ok(id)
    }

    /// Replaces the direct calls in `ctx.func` (function `fi`) to leaves by
    /// their bodies.
    fn inline_leaves(&mut self, env: &mut dyn Env, fi: usize, ctx: &mut Context, fb: &mut FunctionBuilderContext) -> Result<(), LowerError> {
        let mut wanted = Vec::new();
        for block in ctx.func.layout.blocks() {
            for inst in ctx.func.layout.block_insts(block) {
                if let Some(&callee) = inline::call_target(&ctx.func, inst).and_then(|id| self.fi_of_body.get(&id)) {
                    if callee != fi && self.is_leaf(callee) {
                        wanted.push(callee);
                    }
                }
            }
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let m = self.m.clone();
        for callee in wanted {
            let f = &m.functions[callee];
            let id = self.body(f.findex).expect("every function has a body");
            if self.leaf_bodies.contains_key(&id) {
                continue;
            }
            let mut body = Function::with_name_signature(
                UserFuncName::user(0, f.findex.0),
                types::fun_signature(&m, f.ty, self.ptr, self.target.call_conv),
            );
            function::lower(self, env, &m, f, None, &mut body, fb)?;
            self.leaf_bodies.insert(id, body);
        }
        ctx.inline(inline::Leaves { bodies: &self.leaf_bodies })
            .map_err(|e| LowerError { function: format!("fun@{}", m.functions[fi].findex.0), message: format!("inlining failed: {e}") })?;
        Ok(())
    }

    /// The contents of data this lowering defined (constants, static
    /// closures), for code that is kept and defined again elsewhere.
    pub fn local_data(&self, id: DataId) -> Option<&LocalData> {
        self.local_data.get(&id)
    }

    /// Data `name` (a constant or static closure, named as this lowering
    /// names them) for code compiled earlier from the same module: defined
    /// as `data` unless it already is.
    pub fn adopt_local(&mut self, env: &mut dyn Env, name: &str, data: LocalData) -> Result<DataId, LowerError> {
        let table = [("hlc_str", &mut self.strings), ("hlc_bytes", &mut self.bytes), ("hlc_closure", &mut self.static_closures)];
        let Some((map, idx)) = table.into_iter().find_map(|(prefix, map)| Some((map, name.strip_prefix(prefix)?.parse::<u32>().ok()?)))
        else {
            return Err(LowerError::module(format_args!("`{name}` is not data the lowering defines")));
        };
        if let Some(&id) = map.get(&idx) {
            return Ok(id);
        }
        let id = env.module().declare_data(name, Linkage::Local, data.writable, false).map_err(LowerError::module)?;
        define_local(env.module(), id, &data)?;
        map.insert(idx, id);
        self.local_data.insert(id, data);
        Ok(id)
    }

    /// Runtime entry point `name`, if the lowering declared it.
    pub fn runtime_function(&self, name: &str) -> Option<FuncId> {
        self.runtime.get(name).copied()
    }

    /// Runtime data `name`, if the lowering declared it.
    pub fn runtime_data_symbol(&self, name: &str) -> Option<DataId> {
        self.runtime_data.get(name).copied()
    }

    /// Lowers, compiles and defines every function of the module into
    /// `env`'s module; returns them in function order, without their bytes.
    /// IR is built on this thread in function order (the lowering declares
    /// constants as it goes), compiled by `jobs` threads, and defined in
    /// function order, so the output does not depend on the threads' timing.
    pub fn lower_all(
        &mut self,
        env: &mut dyn Env,
        isa: &dyn cranelift_codegen::isa::TargetIsa,
        jobs: usize,
        unwind: bool,
    ) -> miette::Result<Vec<CompiledFunction>> {
        let n = self.m.functions.len();
        let mut compiled: Vec<Option<CompiledFunction>> = (0..n).map(|_| None).collect();
        let mut ctx = Context::new();
        let mut fb = FunctionBuilderContext::new();
        if jobs <= 1 {
            for (fi, slot) in compiled.iter_mut().enumerate() {
                let id = self.lower_ir(env, fi, &mut ctx, &mut fb)?;
                *slot = Some(compile_function(&mut ctx, isa, id, self.m.functions[fi].findex.0, unwind)?);
                ctx.clear();
            }
        } else {
            self.compile_in_parallel(env, isa, jobs, unwind, &mut compiled)?;
        }
        let mut out = Vec::with_capacity(n);
        for c in compiled {
            let mut c = c.expect("every function was compiled");
            env.module()
                .define_function_bytes(c.id, c.alignment, &c.bytes, &c.relocs)
                .map_err(|e| miette::miette!("code generation failed for fun@{}: {e}", c.map.findex))?;
            c.bytes = Vec::new();
            c.relocs = Vec::new();
            out.push(c);
        }
        Ok(out)
    }

    /// [`Lowerer::lower_all`]'s compilation on `jobs` threads: this thread
    /// lowers and hands out IR through a bounded queue (so IR of at most a
    /// few functions per thread waits), workers compile it. The first error
    /// in function order is reported.
    fn compile_in_parallel(
        &mut self,
        env: &mut dyn Env,
        isa: &dyn cranelift_codegen::isa::TargetIsa,
        jobs: usize,
        unwind: bool,
        compiled: &mut [Option<CompiledFunction>],
    ) -> miette::Result<()> {
        use std::sync::{mpsc, Mutex};
        // Workers own the queue's receiving end: should they all stop, sending fails instead of blocking.
        let m = self.m.clone();
        let mut errors: Vec<(usize, miette::Report)> = Vec::new();
        std::thread::scope(|s| {
            let (work_tx, work_rx) = mpsc::sync_channel::<(usize, FuncId, Function)>(jobs * 4);
            let work_rx = Arc::new(Mutex::new(work_rx));
            let (done_tx, done_rx) = mpsc::channel::<(usize, miette::Result<CompiledFunction>)>();
            for _ in 0..jobs {
                let (work_rx, done_tx, m) = (work_rx.clone(), done_tx.clone(), &m);
                s.spawn(move || {
                    let mut ctx = Context::new();
                    loop {
                        let next = work_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok((fi, id, func)) = next else { break };
                        ctx.clear();
                        ctx.func = func;
                        let result = compile_function(&mut ctx, isa, id, m.functions[fi].findex.0, unwind);
                        if done_tx.send((fi, result)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop((done_tx, work_rx));
            let mut ctx = Context::new();
            let mut fb = FunctionBuilderContext::new();
            for fi in 0..m.functions.len() {
                match self.lower_ir(env, fi, &mut ctx, &mut fb) {
                    Ok(id) => {
                        let func = std::mem::replace(&mut ctx.func, Function::new());
                        if work_tx.send((fi, id, func)).is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        errors.push((fi, e.into()));
                        break;
                    }
                }
            }
            drop(work_tx);
            for (fi, result) in done_rx {
                match result {
                    Ok(c) => compiled[fi] = Some(c),
                    Err(e) => errors.push((fi, e)),
                }
            }
        });
        match errors.into_iter().min_by_key(|e| e.0) {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }

    /// Bodies of the stubs that stand for missing natives: each calls
    /// `hlc_missing_native("lib@name")`, which throws.
    pub fn define_native_stubs(&mut self, env: &mut dyn Env) -> miette::Result<()> {
        use cranelift_codegen::ir::{AbiParam, InstBuilder, TrapCode};
        let err = |e: cranelift_module::ModuleError| miette::miette!("{e}");
        let mut sig = cranelift_codegen::ir::Signature::new(self.target.call_conv);
        sig.params.push(AbiParam::new(self.ptr));
        let report = env.module().declare_function("hlc_missing_native", Linkage::Import, &sig).map_err(err)?;
        let near = env.runtime_is_near();
        for (id, ni) in std::mem::take(&mut self.stubs) {
            let n = &self.m.natives[ni];
            let mut text = format!("{}@{}", self.m.str(n.lib), self.m.str(n.name)).into_bytes();
            text.push(0);
            let name = define_rodata(env.module(), &format!("hlc_missing_name{ni}"), text, 1)?;
            let sig = types::fun_signature(&self.m, n.ty, self.ptr, self.target.call_conv);
            let ptr = self.ptr;
            define_single_block(env.module(), id, UserFuncName::user(2, ni as u32), sig, |b, module, _| {
                let gv = module.declare_data_in_func(name, b.func);
                let p = b.ins().symbol_value(ptr, gv);
                let f = module.declare_func_in_func(report, b.func);
                b.func.dfg.ext_funcs[f].colocated = near;
                b.ins().call(f, &[p]);
                b.ins().trap(TrapCode::unwrap_user(2));
            })?;
        }
        Ok(())
    }

    /// The entry of function `body` for calls on cold paths (see
    /// `FnLower::is_cold_call`): it takes the address of `body`'s arguments
    /// (8 bytes each, see `FnLower::call_cold`), returns what `body` returns,
    /// and has Cranelift's `preserve_all` convention: it calls `body`,
    /// saving and restoring around it every register `body` may clobber. A
    /// caller of it keeps values in caller-saved registers across the call,
    /// so a loop around an array write that may grow the array spills
    /// nothing for the path it never takes. Declared on first use, defined
    /// by [`Lowerer::define_cold_entries`].
    fn cold_entry(&mut self, env: &mut dyn Env, body: FuncId) -> Result<FuncId, String> {
        if let Some(&(_, e)) = self.cold_entries.iter().find(|(b, _)| *b == body) {
            return Ok(e);
        }
        let module = env.module();
        let mut sig = module.declarations().get_function_decl(body).signature.clone();
        sig.call_conv = CallConv::PreserveAll;
        sig.params = vec![cranelift_codegen::ir::AbiParam::new(self.ptr)];
        let name = format!("hlc_cold{}", self.cold_entries.len());
        let entry = module.declare_function(&name, Linkage::Local, &sig).map_err(|e| e.to_string())?;
        self.cold_entries.push((body, entry));
        Ok(entry)
    }

    /// Bodies of the entries [`Lowerer::cold_entry`] declared: each calls
    /// its function and returns what it returns.
    pub fn define_cold_entries(&mut self, env: &mut dyn Env) -> miette::Result<()> {
        use cranelift_codegen::ir::InstBuilder;
        let near = env.runtime_is_near();
        for (n, (body, entry)) in std::mem::take(&mut self.cold_entries).into_iter().enumerate() {
            let sig = env.module().declarations().get_function_decl(entry).signature.clone();
            let params: Vec<ClType> =
                env.module().declarations().get_function_decl(body).signature.params.iter().map(|p| p.value_type).collect();
            define_single_block(env.module(), entry, UserFuncName::user(3, n as u32), sig, |b, module, at| {
                let f = module.declare_func_in_func(body, b.func);
                b.func.dfg.ext_funcs[f].colocated |= near;
                let flags = cranelift_codegen::ir::MemFlagsData::trusted();
                let args: Vec<_> = params.iter().enumerate().map(|(k, &t)| b.ins().load(t, flags, at[0], 8 * k as i32)).collect();
                let call = b.ins().call(f, &args);
                let results = b.inst_results(call).to_vec();
                b.ins().return_(&results);
            })?;
        }
        Ok(())
    }

    /// What function index `f` is: a function or a native.
    fn fun_ref(&self, f: FunIdx) -> Option<FunRef> {
        self.fun_table.get(f.idx()).copied().flatten()
    }

    /// The type index whose `hl_type` is `t`'s, for names in errors.
    fn type_name(&self, t: TypeIdx) -> String {
        hlbc::dump::type_str(&self.m, t)
    }

    fn is_dynamic(&self, t: TypeIdx) -> bool {
        hlbc::layout::is_dynamic(self.m.ty(t))
    }
}

/// Defines data `id` as `data` describes it.
pub fn define_local(module: &mut dyn ClModule, id: DataId, data: &LocalData) -> Result<(), LowerError> {
    let mut d = DataDescription::new();
    d.define(data.bytes.clone().into_boxed_slice());
    d.set_align(data.align);
    for &(at, target, addend) in &data.relocs {
        match target {
            LocalTarget::Data(t) => {
                let gv = module.declare_data_in_data(t, &mut d);
                d.write_data_addr(at, gv, addend);
            }
            LocalTarget::Func(f) => {
                let fr = module.declare_func_in_data(f, &mut d);
                d.write_function_addr(at, fr);
            }
        }
    }
    module.define_data(id, &d).map_err(LowerError::module)
}

/// Defines read-only data `name` holding `bytes`.
pub fn define_rodata(module: &mut dyn ClModule, name: &str, bytes: Vec<u8>, align: u64) -> Result<DataId, LowerError> {
    let err = |e: cranelift_module::ModuleError| LowerError::module(e);
    let id = module.declare_data(name, Linkage::Local, false, false).map_err(err)?;
    let mut d = DataDescription::new();
    d.define(bytes.into_boxed_slice());
    d.set_align(align);
    module.define_data(id, &d).map_err(err)?;
    Ok(id)
}

/// Defines `id` as a single-block function: `body` gets the builder, the
/// module and the block's parameters, and must end the block.
pub fn define_single_block(
    module: &mut dyn ClModule,
    id: FuncId,
    name: UserFuncName,
    sig: cranelift_codegen::ir::Signature,
    body: impl FnOnce(&mut cranelift_frontend::FunctionBuilder, &mut dyn ClModule, &[cranelift_codegen::ir::Value]),
) -> miette::Result<()> {
    let mut ctx = module.make_context();
    ctx.func = Function::with_name_signature(name, sig);
    let mut fb = FunctionBuilderContext::new();
    let mut b = cranelift_frontend::FunctionBuilder::new(&mut ctx.func, &mut fb);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let params = b.block_params(block).to_vec();
    body(&mut b, module, &params);
    b.finalize(module.target_config());
    module.define_function(id, &mut ctx).map_err(|e| miette::miette!("{e}"))
}


/// Whether the lowering may tag the module's memory accesses with alias
/// regions (`function.rs`, `FnLower::mem_flags`).
///
/// Cranelift's alias analysis assumes that every memory location is only
/// ever accessed under one region (untagged accesses form a region of their
/// own): a load is matched with the last store *of its region*. The lowering
/// tags program data by what it is and its value kind (object fields, array
/// elements, bytes), which holds while the program views each location one
/// way. Bytecode can break that by reinterpreting a pointer: bytes or a
/// reference made by `OUnsafeCast` from another kind of pointer (or cast to
/// one), or a reference into an array's data (`ORefData`, `ORefOffset`).
/// Haxe's standard library does neither (its unit suite's 1,050 unsafe casts
/// are all from `Dynamic` to a typed value or between classes), so a module
/// that does is compiled with no regions at all.
pub fn memory_regions_sound(m: &Module) -> bool {
    use hlbc::Type;
    let pointer_view = |t: &Type| matches!(t, Type::Bytes | Type::Ref(_));
    m.functions.iter().all(|f| {
        f.ops.iter().all(|op| match op {
            Op::RefData { .. } | Op::RefOffset { .. } => false,
            Op::UnsafeCast { dst, src } => {
                let (td, ts) = (m.ty(f.regs[dst.idx()]), m.ty(f.regs[src.idx()]));
                !(pointer_view(td) || pointer_view(ts)) || std::mem::discriminant(td) == std::mem::discriminant(ts)
            }
            _ => true,
        })
    })
}
