//! Lowering of a HashLink module into Cranelift functions and data, written
//! over the `cranelift_module::Module` trait so the AOT driver
//! (`cranelift-object`) and a JIT driver share it.
//!
//! - `types.rs`: HL types as Cranelift types and C signatures.
//! - `runtime_fns.rs`: the runtime entry points generated code calls.
//! - `function.rs`: the translation of one function, op by op.
//!
//! What the generated code and the runtime share (see `runtime/src/module.rs`):
//! `hlc_types` (zeroed `hl_type` storage the runtime fills), `hlc_globals`
//! (laid out by `hlbc::layout`), `hlc_functions` (code address per function
//! index), the embedded bytecode and the `hlc_program` descriptor.

mod function;
pub mod runtime_fns;
pub mod types;

use cranelift_codegen::ir::{types as clt, Function, Type as ClType, UserFuncName};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::FunctionBuilderContext;
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module as ClModule};
use hlbc::layout::{Abi, Layouts, Target};
use hlbc::{FunIdx, FunRef, Module, TypeIdx};
use std::collections::HashMap;

/// Version of the `hlc_program` descriptor layout (must match the runtime's).
pub const PROGRAM_ABI_VERSION: u32 = 1;

/// A function could not be lowered.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot compile {function}: {message}")]
#[diagnostic(code(hlc::lower))]
pub struct LowerError {
    pub function: String,
    pub message: String,
}

/// Target facts the lowering needs beyond pointer size.
#[derive(Copy, Clone, Debug)]
pub struct TargetInfo {
    pub layout: Target,
    pub call_conv: CallConv,
    /// `sizeof(jmp_buf)` of the target's C library (offset of `hl_trap_ctx.prev`).
    pub jmp_buf_size: u32,
}

/// Where a compiled function's machine code maps back to its ops.
struct FnDebug {
    findex: u32,
    code_size: u32,
    /// Sorted `(code offset, op index)`.
    locs: Vec<(u32, u32)>,
}

/// Where each function index's code lives.
#[derive(Copy, Clone)]
enum Callee {
    Compiled(FuncId),
    Native(FuncId),
}

/// State shared by the lowering of every function of one module.
pub struct Lowerer<'a> {
    pub module: &'a mut dyn ClModule,
    pub m: &'a Module,
    pub layouts: Layouts,
    pub target: TargetInfo,
    pub abi: Abi,
    ptr: ClType,
    callees: Vec<Callee>,
    fun_table: Vec<Option<FunRef>>,
    runtime: HashMap<String, FuncId>,
    strings: HashMap<u32, DataId>,
    bytes: HashMap<u32, DataId>,
    static_closures: HashMap<u32, DataId>,
    types_data: DataId,
    globals_data: DataId,
    /// Per compiled function, for stack traces.
    debug: Vec<FnDebug>,
    /// Natives no linked library defines, replaced by throwing stubs: (stub, native).
    stubs: Vec<(FuncId, usize)>,
    /// HashLink's owner of every function, computed on first use.
    names: Option<hlbc::names::FunctionNames>,
    /// The hash of every field name, as the runtime will give it.
    pub hashes: hlbc::hash::FieldHashes,
}

/// The C symbol of native `lib@name`, as HL/C names it.
pub fn native_symbol(lib: &str, name: &str) -> String {
    let lib = if lib == "std" { "hl" } else { lib };
    format!("{lib}_{name}")
}

impl<'a> Lowerer<'a> {
    /// `stub_natives` lists natives (positions in `Module::natives`) to replace
    /// by stubs that throw "Missing native function lib@name" when called.
    pub fn new(
        module: &'a mut dyn ClModule,
        m: &'a Module,
        target: TargetInfo,
        stub_natives: &std::collections::HashSet<usize>,
    ) -> miette::Result<Lowerer<'a>> {
        let layouts = Layouts::compute(m, target.layout)?;
        let ptr = ClType::int(target.layout.ptr as u16 * 8).expect("pointer type");
        let fun_table = m.fun_table();
        let types_data = module
            .declare_data("hlc_types", Linkage::Local, true, false)
            .map_err(|e| miette::miette!("{e}"))?;
        let globals_data = module
            .declare_data("hlc_globals", Linkage::Local, true, false)
            .map_err(|e| miette::miette!("{e}"))?;
        let mut lw = Lowerer {
            module,
            m,
            layouts,
            abi: Abi::new(target.layout),
            target,
            ptr,
            callees: Vec::new(),
            fun_table,
            runtime: HashMap::new(),
            strings: HashMap::new(),
            bytes: HashMap::new(),
            static_closures: HashMap::new(),
            types_data,
            globals_data,
            debug: Vec::new(),
            stubs: Vec::new(),
            names: None,
            hashes: hlbc::hash::FieldHashes::new(m),
        };
        lw.declare_functions(stub_natives)?;
        Ok(lw)
    }

    fn declare_functions(&mut self, stub_natives: &std::collections::HashSet<usize>) -> miette::Result<()> {
        let total = self.fun_table.len();
        let mut callees = Vec::with_capacity(total);
        for findex in 0..total {
            let callee = match self.fun_table[findex] {
                Some(FunRef::Function(i)) => {
                    let f = &self.m.functions[i];
                    let sig = types::fun_signature(self.m, f.ty, self.ptr, self.target.call_conv);
                    let id = self
                        .module
                        .declare_function(&format!("hlc_f{findex}"), Linkage::Local, &sig)
                        .map_err(|e| miette::miette!("{e}"))?;
                    Callee::Compiled(id)
                }
                Some(FunRef::Native(i)) if stub_natives.contains(&i) => {
                    let n = &self.m.natives[i];
                    let sig = types::fun_signature(self.m, n.ty, self.ptr, self.target.call_conv);
                    let id = self
                        .module
                        .declare_function(&format!("hlc_missing{findex}"), Linkage::Local, &sig)
                        .map_err(|e| miette::miette!("{e}"))?;
                    self.stubs.push((id, i));
                    Callee::Compiled(id)
                }
                Some(FunRef::Native(i)) => {
                    let n = &self.m.natives[i];
                    let sym = native_symbol(&self.m.str(n.lib), &self.m.str(n.name));
                    let sig = types::fun_signature(self.m, n.ty, self.ptr, self.target.call_conv);
                    let id = self.module.declare_function(&sym, Linkage::Import, &sig).map_err(|e| {
                        miette::miette!("native {}@{} ({sym}): {e}", self.m.str(n.lib), self.m.str(n.name))
                    })?;
                    Callee::Native(id)
                }
                None => return Err(miette::miette!("function index {findex} is neither a function nor a native")),
            };
            callees.push(callee);
        }
        self.callees = callees;
        Ok(())
    }

    fn callee_id(&self, f: FunIdx) -> FuncId {
        match self.callees[f.idx()] {
            Callee::Compiled(id) | Callee::Native(id) => id,
        }
    }

    /// The HL function type of function index `f`.
    fn fun_type(&self, f: FunIdx) -> TypeIdx {
        match self.fun_table[f.idx()] {
            Some(FunRef::Function(i)) => self.m.functions[i].ty,
            Some(FunRef::Native(i)) => self.m.natives[i].ty,
            None => TypeIdx(0),
        }
    }

    /// HashLink's `fun_field_name`: the field a function implements (or, for a
    /// closure, its creator's); `init` for the entry point; `None` otherwise.
    fn function_field_name(&mut self, f: FunIdx) -> Option<String> {
        use hlbc::names::Owner;
        let Some(FunRef::Function(i)) = self.fun_table.get(f.idx()).copied().flatten() else { return None };
        let m = self.m;
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

    /// A runtime entry point, declared on first use.
    fn runtime_fn(&mut self, name: &str, params: &[runtime_fns::K], ret: Option<runtime_fns::K>) -> FuncId {
        if let Some(&id) = self.runtime.get(name) {
            return id;
        }
        let sig = runtime_fns::signature(params, ret, self.ptr, self.target.call_conv);
        let id = self
            .module
            .declare_function(name, Linkage::Import, &sig)
            .unwrap_or_else(|e| panic!("runtime function {name} declared twice with different signatures: {e}"));
        self.runtime.insert(name.to_string(), id);
        id
    }

    /// Read-only UTF-16 (NUL-terminated) data of string `idx`: `OString`'s operand.
    fn string_data(&mut self, idx: u32) -> miette::Result<DataId> {
        if let Some(&d) = self.strings.get(&idx) {
            return Ok(d);
        }
        let text = String::from_utf8_lossy(&self.m.strings[idx as usize]).into_owned();
        let mut bytes = Vec::with_capacity(text.len() * 2 + 2);
        for u in text.encode_utf16().chain([0]) {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = self.define_rodata(&format!("hlc_str{idx}"), bytes, 2)?;
        self.strings.insert(idx, d);
        Ok(d)
    }

    /// `OBytes`' operand: a v5 bytes blob, or before v5 the UTF-8 string itself.
    fn bytes_data(&mut self, idx: u32) -> miette::Result<DataId> {
        if let Some(&d) = self.bytes.get(&idx) {
            return Ok(d);
        }
        let mut bytes = if self.m.version >= 5 {
            self.m.bytes[idx as usize].to_vec()
        } else {
            self.m.strings[idx as usize].to_vec()
        };
        bytes.push(0);
        let d = self.define_rodata(&format!("hlc_bytes{idx}"), bytes, 8)?;
        self.bytes.insert(idx, d);
        Ok(d)
    }

    fn define_rodata(&mut self, name: &str, bytes: Vec<u8>, align: u64) -> miette::Result<DataId> {
        let id = self.module.declare_data(name, Linkage::Local, false, false).map_err(|e| miette::miette!("{e}"))?;
        let mut d = DataDescription::new();
        d.define(bytes.into_boxed_slice());
        d.set_align(align);
        self.module.define_data(id, &d).map_err(|e| miette::miette!("{e}"))?;
        Ok(id)
    }

    /// A static `vclosure` for function `f` (`OStaticClosure`): `{ &type, fun, hasValue = 0 }`.
    fn static_closure(&mut self, f: FunIdx) -> miette::Result<DataId> {
        if let Some(&d) = self.static_closures.get(&f.0) {
            return Ok(d);
        }
        let id = self
            .module
            .declare_data(&format!("hlc_closure{}", f.0), Linkage::Local, true, false)
            .map_err(|e| miette::miette!("{e}"))?;
        let mut d = DataDescription::new();
        // Not zero-init: data with relocations must not go to .bss.
        d.define(vec![0u8; 4 * self.target.layout.ptr as usize].into_boxed_slice());
        d.set_align(8);
        let types = self.module.declare_data_in_data(self.types_data, &mut d);
        let ty = self.fun_type(f);
        d.write_data_addr(0, types, (ty.0 * self.abi.type_size()) as i64);
        let fref = self.module.declare_func_in_data(self.callee_id(f), &mut d);
        d.write_function_addr(self.abi.closure_fun(), fref);
        self.module.define_data(id, &d).map_err(|e| miette::miette!("{e}"))?;
        self.static_closures.insert(f.0, id);
        Ok(id)
    }

    /// Lowers every function of the module.
    pub fn lower_functions(&mut self) -> miette::Result<()> {
        let mut ctx = self.module.make_context();
        let mut fb = FunctionBuilderContext::new();
        for i in 0..self.m.functions.len() {
            let f = &self.m.functions[i];
            let Callee::Compiled(id) = self.callees[f.findex.idx()] else { unreachable!() };
            ctx.func = Function::with_name_signature(
                UserFuncName::user(0, f.findex.0),
                types::fun_signature(self.m, f.ty, self.ptr, self.target.call_conv),
            );
            function::lower(self, i, &mut ctx.func, &mut fb)?;
            self.module.define_function(id, &mut ctx).map_err(|e| {
                miette::miette!("code generation failed for fun@{}: {e:?}", f.findex.0)
            })?;
            if let Some(code) = ctx.compiled_code() {
                let size = code.code_info().total_size;
                let mut locs: Vec<(u32, u32)> = code
                    .buffer
                    .get_srclocs_sorted()
                    .iter()
                    .filter(|l| !l.loc.is_default())
                    .map(|l| (l.start, l.loc.bits()))
                    .collect();
                locs.dedup_by_key(|l| l.0);
                self.debug.push(FnDebug { findex: f.findex.0, code_size: size, locs });
            }
            self.module.clear_context(&mut ctx);
        }
        Ok(())
    }

    /// Defines `id` as a single-block function: `body` gets the builder, the
    /// module and the block's parameters, and must end the block.
    fn define_single_block(
        &mut self,
        id: FuncId,
        name: UserFuncName,
        sig: cranelift_codegen::ir::Signature,
        body: impl FnOnce(&mut cranelift_frontend::FunctionBuilder, &mut dyn ClModule, &[cranelift_codegen::ir::Value]),
    ) -> miette::Result<()> {
        let mut ctx = self.module.make_context();
        ctx.func = Function::with_name_signature(name, sig);
        let mut fb = FunctionBuilderContext::new();
        let mut b = cranelift_frontend::FunctionBuilder::new(&mut ctx.func, &mut fb);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        b.seal_block(block);
        let params = b.block_params(block).to_vec();
        body(&mut b, &mut *self.module, &params);
        b.finalize(self.module.target_config());
        self.module.define_function(id, &mut ctx).map_err(|e| miette::miette!("{e}"))
    }

    /// Bodies of the stubs that stand for missing natives.
    fn define_native_stubs(&mut self) -> miette::Result<()> {
        use cranelift_codegen::ir::{AbiParam, InstBuilder, TrapCode};
        let err = |e: cranelift_module::ModuleError| miette::miette!("{e}");
        let mut sig = cranelift_codegen::ir::Signature::new(self.target.call_conv);
        sig.params.push(AbiParam::new(self.ptr));
        let report = self.module.declare_function("hlc_missing_native", Linkage::Import, &sig).map_err(err)?;
        for (id, ni) in std::mem::take(&mut self.stubs) {
            let n = &self.m.natives[ni];
            let mut text = format!("{}@{}", self.m.str(n.lib), self.m.str(n.name)).into_bytes();
            text.push(0);
            let name = self.define_rodata(&format!("hlc_missing_name{ni}"), text, 1)?;
            let sig = types::fun_signature(self.m, n.ty, self.ptr, self.target.call_conv);
            let ptr = self.ptr;
            self.define_single_block(id, UserFuncName::user(2, ni as u32), sig, |b, module, _| {
                let gv = module.declare_data_in_func(name, b.func);
                let p = b.ins().symbol_value(ptr, gv);
                let f = module.declare_func_in_func(report, b.func);
                b.func.dfg.ext_funcs[f].colocated = true;
                b.ins().call(f, &[p]);
                b.ins().trap(TrapCode::unwrap_user(2));
            })?;
        }
        Ok(())
    }

    /// Defines the shared data (types, globals, function table, bytecode,
    /// program descriptor) and the C `main` that hands it to the runtime.
    pub fn define_program(&mut self, bytecode: &[u8]) -> miette::Result<()> {
        let err = |e: cranelift_module::ModuleError| miette::miette!("{e}");
        self.define_native_stubs()?;
        let ptr = self.target.layout.ptr as usize;

        let mut d = DataDescription::new();
        d.define_zeroinit((self.m.types.len().max(1)) * self.abi.type_size() as usize);
        d.set_align(16);
        self.module.define_data(self.types_data, &d).map_err(err)?;

        let mut d = DataDescription::new();
        d.define_zeroinit(self.layouts.globals_size.max(8) as usize);
        d.set_align(16);
        self.module.define_data(self.globals_data, &d).map_err(err)?;

        let table = self.module.declare_data("hlc_functions", Linkage::Local, false, false).map_err(err)?;
        let mut d = DataDescription::new();
        d.define(vec![0u8; self.callees.len().max(1) * ptr].into_boxed_slice());
        d.set_align(8);
        for findex in 0..self.callees.len() {
            let fref = self.module.declare_func_in_data(self.callee_id(FunIdx(findex as u32)), &mut d);
            d.write_function_addr((findex * ptr) as u32, fref);
        }
        self.module.define_data(table, &d).map_err(err)?;

        let code = self.define_rodata("hlc_bytecode", bytecode.to_vec(), 8)?;
        let debug_blob = self.debug_table();
        let debug_len = debug_blob.len();
        let debug = self.define_rodata("hlc_debug", debug_blob, 8)?;

        // hlc_program { abi_version: u32, bytecode, bytecode_len, types, globals, functions,
        //               nfunctions, entry, debug, debug_len }
        let prog = self.module.declare_data("hlc_program", Linkage::Local, false, false).map_err(err)?;
        let mut d = DataDescription::new();
        let mut bytes = vec![0u8; 10 * ptr];
        bytes[..4].copy_from_slice(&PROGRAM_ABI_VERSION.to_le_bytes());
        bytes[2 * ptr..3 * ptr].copy_from_slice(&(bytecode.len() as u64).to_le_bytes()[..ptr]);
        bytes[6 * ptr..7 * ptr].copy_from_slice(&(self.callees.len() as u64).to_le_bytes()[..ptr]);
        bytes[9 * ptr..10 * ptr].copy_from_slice(&(debug_len as u64).to_le_bytes()[..ptr]);
        d.define(bytes.into_boxed_slice());
        d.set_align(8);
        let gv = self.module.declare_data_in_data(code, &mut d);
        d.write_data_addr(ptr as u32, gv, 0);
        let gv = self.module.declare_data_in_data(self.types_data, &mut d);
        d.write_data_addr(3 * ptr as u32, gv, 0);
        let gv = self.module.declare_data_in_data(self.globals_data, &mut d);
        d.write_data_addr(4 * ptr as u32, gv, 0);
        let gv = self.module.declare_data_in_data(table, &mut d);
        d.write_data_addr(5 * ptr as u32, gv, 0);
        let entry = self.module.declare_func_in_data(self.callee_id(self.m.entrypoint), &mut d);
        d.write_function_addr(7 * ptr as u32, entry);
        let gv = self.module.declare_data_in_data(debug, &mut d);
        d.write_data_addr(8 * ptr as u32, gv, 0);
        self.module.define_data(prog, &d).map_err(err)?;

        self.define_main(prog)
    }

    /// The code-offset → op table the runtime resolves stack frames with:
    /// `count`, then per function `findex, code size, n, n × (offset, op)`, all u32 LE.
    fn debug_table(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut put = |v: u32| out.extend_from_slice(&v.to_le_bytes());
        put(self.debug.len() as u32);
        for f in &self.debug {
            put(f.findex);
            put(f.code_size);
            put(f.locs.len() as u32);
            for &(off, op) in &f.locs {
                put(off);
                put(op);
            }
        }
        out
    }

    /// `int main(int argc, char **argv) { return hlc_main(argc, argv, &hlc_program); }`
    fn define_main(&mut self, prog: DataId) -> miette::Result<()> {
        use cranelift_codegen::ir::{AbiParam, InstBuilder};
        let err = |e: cranelift_module::ModuleError| miette::miette!("{e}");
        let cc = self.target.call_conv;
        let mut sig = cranelift_codegen::ir::Signature::new(cc);
        sig.params.push(AbiParam::new(clt::I32));
        sig.params.push(AbiParam::new(self.ptr));
        sig.returns.push(AbiParam::new(clt::I32));
        let main_id = self.module.declare_function("main", Linkage::Export, &sig).map_err(err)?;
        let mut rt_sig = sig.clone();
        rt_sig.params.push(AbiParam::new(self.ptr));
        let rt_main = self.module.declare_function("hlc_main", Linkage::Import, &rt_sig).map_err(err)?;

        let ptr = self.ptr;
        self.define_single_block(main_id, UserFuncName::user(1, 0), sig, |b, module, params| {
            let gv = module.declare_data_in_func(prog, b.func);
            let p = b.ins().symbol_value(ptr, gv);
            let f = module.declare_func_in_func(rt_main, b.func);
            let call = b.ins().call(f, &[params[0], params[1], p]);
            let rc = b.inst_results(call)[0];
            b.ins().return_(&[rc]);
        })?;
        Ok(())
    }

    /// The type index whose `hl_type` is `t`'s, for names in errors.
    fn type_name(&self, t: TypeIdx) -> String {
        hlbc::dump::type_str(self.m, t)
    }

    fn is_dynamic(&self, t: TypeIdx) -> bool {
        hlbc::layout::is_dynamic(self.m.ty(t))
    }
}
