//! What only an executable needs around the lowered program: the table of
//! function addresses, the embedded bytecode (the runtime builds its types
//! from it), the code maps for stack traces, the `hlc_program` descriptor
//! pointing at all of them, and the C `main` that hands the descriptor to the
//! runtime's `hlc_main` — or, for a library a host embeds (`--emit
//! staticlib|cdylib`), `hlc_vm_create`, which hands it to the runtime's
//! `hlc_embed_create`.

use super::aot::ObjectEnv;
use crate::lower::env::{Callee, Env as _};
use crate::lower::{define_rodata, define_single_block, FnCodeMap, Lowerer};
use cranelift_codegen::ir::{types as clt, AbiParam, InstBuilder, Signature, UserFuncName};
use cranelift_module::{DataDescription, Linkage, Module as _};
use hlbc::layout::{ProgramField as F, PROGRAM_ABI_VERSION};
use hlbc::FunIdx;
use miette::{miette, Result};

/// Defines `hlc_functions`, `hlc_bytecode`, `hlc_debug`, `hlc_declarations`, `hlc_program` and
/// `main`, or with `library`, `hlc_vm_create` instead of `main`.
pub fn define_program(env: &mut ObjectEnv, lw: &Lowerer, bytecode: &[u8], maps: &[FnCodeMap], library: bool) -> Result<()> {
    let err = |e: cranelift_module::ModuleError| miette!("{e}");
    let ptr = lw.target.layout.ptr as usize;
    let abi = lw.abi;
    let (types, globals) = (env.types, env.globals);
    let module = env.module();

    let table = module.declare_data("hlc_functions", Linkage::Local, false, false).map_err(err)?;
    let mut d = DataDescription::new();
    let count = lw.function_count();
    d.define(vec![0u8; count.max(1) * ptr].into_boxed_slice());
    d.set_align(8);
    for findex in 0..count {
        let Callee::Direct(id) = lw.callee(FunIdx(findex as u32)) else {
            return Err(miette!("an executable calls every function directly"));
        };
        let fref = module.declare_func_in_data(id, &mut d);
        d.write_function_addr((findex * ptr) as u32, fref);
    }
    module.define_data(table, &d).map_err(err)?;

    // The bytecode and the code maps are read only for stack traces: on ELF
    // they go to a section of their own, which the linker places after the
    // read-only data start-up reads, so their pages are not mapped in along
    // with it (the kernel maps a file's pages around each one touched).
    let elf = module.isa().triple().binary_format == target_lexicon::BinaryFormat::Elf;
    let code = define_cold_rodata(module, "hlc_bytecode", bytecode.to_vec(), elf)?;
    let blob = hlbc::codemap::encode(maps);
    let debug_len = blob.len();
    let debug = define_cold_rodata(module, "hlc_debug", blob, elf)?;
    // What start-up reads: the code is compiled already.
    let decls = hlbc::declarations::encode(bytecode).map_err(|e| miette!("{e}"))?;
    let decls_len = decls.len();
    let decls = define_rodata(module, "hlc_declarations", decls, 8)?;

    let prog = module.declare_data("hlc_program", Linkage::Local, false, false).map_err(err)?;
    let mut d = DataDescription::new();
    let mut bytes = vec![0u8; abi.program_size() as usize];
    let mut put = |f: F, v: u64| {
        let at = abi.program_field(f) as usize;
        bytes[at..at + ptr].copy_from_slice(&v.to_le_bytes()[..ptr]);
    };
    put(F::AbiVersion, PROGRAM_ABI_VERSION as u64);
    put(F::BytecodeLen, bytecode.len() as u64);
    put(F::NFunctions, count as u64);
    put(F::DebugLen, debug_len as u64);
    put(F::DeclarationsLen, decls_len as u64);
    d.define(bytes.into_boxed_slice());
    d.set_align(8);
    for (field, data) in [(F::Bytecode, code), (F::Types, types), (F::Globals, globals), (F::Functions, table), (F::Debug, debug), (F::Declarations, decls)] {
        let gv = module.declare_data_in_data(data, &mut d);
        d.write_data_addr(abi.program_field(field), gv, 0);
    }
    let Callee::Direct(entry) = lw.callee(lw.m.entrypoint) else { unreachable!("checked with the table") };
    let entry = module.declare_func_in_data(entry, &mut d);
    d.write_function_addr(abi.program_field(F::Entry), entry);
    module.define_data(prog, &d).map_err(err)?;

    let pt = clt::Type::int(ptr as u16 * 8).expect("pointer type");
    if library {
        // hlc_vm *hlc_vm_create(int argc, char **argv, char **error)
        //     { return hlc_embed_create(&hlc_program, argc, argv, error); }
        let mut sig = Signature::new(lw.target.call_conv);
        sig.params.push(AbiParam::new(clt::I32));
        sig.params.push(AbiParam::new(pt));
        sig.params.push(AbiParam::new(pt));
        sig.returns.push(AbiParam::new(pt));
        let create = module.declare_function("hlc_vm_create", Linkage::Export, &sig).map_err(err)?;
        let mut rt_sig = Signature::new(lw.target.call_conv);
        rt_sig.params.push(AbiParam::new(pt));
        rt_sig.params.extend(sig.params.iter().copied());
        rt_sig.returns.push(AbiParam::new(pt));
        let rt_create = module.declare_function("hlc_embed_create", Linkage::Import, &rt_sig).map_err(err)?;
        return define_single_block(module, create, UserFuncName::user(1, 0), sig, |b, module, params| {
            let gv = module.declare_data_in_func(prog, b.func);
            let p = b.ins().symbol_value(pt, gv);
            let f = module.declare_func_in_func(rt_create, b.func);
            b.func.dfg.ext_funcs[f].colocated = true;
            let call = b.ins().call(f, &[p, params[0], params[1], params[2]]);
            let vm = b.inst_results(call)[0];
            b.ins().return_(&[vm]);
        });
    }
    // int main(int argc, char **argv) { return hlc_main(argc, argv, &hlc_program); }
    let mut sig = Signature::new(lw.target.call_conv);
    sig.params.push(AbiParam::new(clt::I32));
    sig.params.push(AbiParam::new(pt));
    sig.returns.push(AbiParam::new(clt::I32));
    let main_id = module.declare_function("main", Linkage::Export, &sig).map_err(err)?;
    let mut rt_sig = sig.clone();
    rt_sig.params.push(AbiParam::new(pt));
    let rt_main = module.declare_function("hlc_main", Linkage::Import, &rt_sig).map_err(err)?;
    define_single_block(module, main_id, UserFuncName::user(1, 0), sig, |b, module, params| {
        let gv = module.declare_data_in_func(prog, b.func);
        let p = b.ins().symbol_value(pt, gv);
        let f = module.declare_func_in_func(rt_main, b.func);
        b.func.dfg.ext_funcs[f].colocated = true;
        let call = b.ins().call(f, &[params[0], params[1], p]);
        let rc = b.inst_results(call)[0];
        b.ins().return_(&[rc]);
    })
}

/// Read-only data `name` that start-up does not read: in section
/// `.hlc_cold` on ELF (see `define_program`), else as any read-only data.
fn define_cold_rodata(module: &mut dyn cranelift_module::Module, name: &str, bytes: Vec<u8>, elf: bool) -> Result<cranelift_module::DataId> {
    if !elf {
        return Ok(define_rodata(module, name, bytes, 8)?);
    }
    let err = |e: cranelift_module::ModuleError| miette!("{e}");
    let id = module.declare_data(name, Linkage::Local, false, false).map_err(err)?;
    let mut d = DataDescription::new();
    d.define(bytes.into_boxed_slice());
    d.set_align(8);
    d.set_custom_section(".hlc_cold");
    module.define_data(id, &d).map_err(err)?;
    Ok(id)
}
