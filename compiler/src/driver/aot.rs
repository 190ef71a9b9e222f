//! The ahead-of-time driver: lowers a module into an object file with
//! `cranelift-object`, then links it with the runtime library into one
//! executable using the system C compiler as linker.

use super::isa::{self, OptLevel};
use super::natives;
use crate::lower::env::{Address, Callee, Env, FunKind};
use crate::lower::{native_symbol, Lowerer};
use cranelift_codegen::ir::Signature;
use cranelift_module::{DataDescription, DataId, Linkage, Module as ClModule};
use cranelift_object::{ObjectBuilder, ObjectModule};
use hlbc::layout::{Abi, Layouts};
use hlbc::{FunIdx, GlobalIdx, TypeIdx};
use std::sync::Arc;
use miette::{miette, Diagnostic, IntoDiagnostic as _, Result, WrapErr as _};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `hlc build` was asked to do.
pub struct BuildOptions {
    pub input: PathBuf,
    pub output: PathBuf,
    pub opt: OptLevel,
    pub target: Option<String>,
    /// Stop after writing the object file (to `output`).
    pub emit_obj: bool,
    /// Keep the intermediate object file next to the output.
    pub keep_obj: bool,
    pub verbose: bool,
    /// Extra native libraries (static archives or objects) to link.
    pub libs: Vec<PathBuf>,
    /// Replace natives no library defines with stubs that throw when called.
    pub allow_missing_natives: bool,
}

/// The runtime library could not be found.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot find the hlc runtime library (libhlrt.a)")]
#[diagnostic(
    code(hlc::runtime_missing),
    help("build it with `cargo build -p hlrt` (it is built next to `hlc`), or point HLC_RUNTIME_DIR at the directory holding libhlrt.a; looked in: {searched}")
)]
pub struct RuntimeMissing {
    pub searched: String,
}

/// Natives the program calls that no library defines.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{} native function(s) are not provided by the runtime or the given libraries:\n{}", .0.len(), .0.join("\n"))]
#[diagnostic(
    code(hlc::missing_natives),
    help("link the library that implements them with `--lib path/to/lib.a`, or build with `--allow-missing-natives` to make each throw an exception when called")
)]
pub struct MissingNatives(pub Vec<String>);

/// The lowering's environment for an executable: one object file, linked
/// with the runtime and native libraries, so everything is near and every
/// function is called directly.
pub struct ObjectEnv {
    pub module: ObjectModule,
    hashes: hlbc::hash::FieldHashes,
    /// `hlc_types`: zeroed storage for every `hl_type`, filled in by the runtime.
    pub types: DataId,
    /// `hlc_globals`: zeroed storage for the globals.
    pub globals: DataId,
    layouts: Layouts,
    abi: Abi,
}

impl ObjectEnv {
    fn new(mut module: ObjectModule, m: &hlbc::Module, target: hlbc::layout::Target) -> Result<ObjectEnv> {
        let layouts = Layouts::compute(m, target)?;
        let abi = Abi::new(target);
        let mut storage = |name: &str, size: usize| -> Result<DataId> {
            let id = module.declare_data(name, Linkage::Local, true, false).map_err(|e| miette!("{e}"))?;
            let mut d = DataDescription::new();
            d.define_zeroinit(size.max(8));
            d.set_align(16);
            module.define_data(id, &d).map_err(|e| miette!("{e}"))?;
            Ok(id)
        };
        let types = storage("hlc_types", m.types.len() * abi.type_size() as usize)?;
        let globals = storage("hlc_globals", layouts.globals_size as usize)?;
        Ok(ObjectEnv { module, hashes: hlbc::hash::FieldHashes::new(m), types, globals, layouts, abi })
    }
}

impl Env for ObjectEnv {
    fn module(&mut self) -> &mut dyn ClModule {
        &mut self.module
    }

    fn runtime_is_near(&self) -> bool {
        true
    }

    fn type_address(&mut self, t: TypeIdx) -> Address {
        Address::Data { id: self.types, offset: (t.0 * self.abi.type_size()) as i64 }
    }

    fn global_address(&mut self, g: GlobalIdx) -> Address {
        Address::Data { id: self.globals, offset: self.layouts.global_offsets[g.idx()] as i64 }
    }

    fn callee(&mut self, _f: FunIdx, kind: FunKind<'_>, sig: &Signature) -> std::result::Result<Callee, String> {
        Ok(Callee::Direct(match kind {
            FunKind::Compiled { body } => body,
            FunKind::MissingNative { stub } => stub,
            FunKind::Native { lib, name } => self
                .module
                .declare_function(&native_symbol(lib, name), Linkage::Import, sig)
                .map_err(|e| e.to_string())?,
        }))
    }

    fn field_hash(&mut self, name: &str) -> i32 {
        self.hashes.get(name)
    }
}

/// Compiles `bytecode` (an `.hl` file's contents) into an object file;
/// `stub_natives` are natives to replace by throwing stubs.
pub fn compile_object(
    bytecode: &[u8],
    opt: OptLevel,
    target: Option<&str>,
    stub_natives: &std::collections::HashSet<usize>,
) -> Result<Vec<u8>> {
    let module = Arc::new(hlbc::read_module(bytecode).map_err(miette::Report::new)?);
    let (isa, info, _) = isa::build(target, opt, true)?;
    let builder = ObjectBuilder::new(isa, "hlc_program", cranelift_module::default_libcall_names())
        .map_err(|e| miette!("cannot create the object writer: {e}"))?;
    let mut env = ObjectEnv::new(ObjectModule::new(builder), &module, info.layout)?;
    let mut lw = Lowerer::new(&mut env, module, info, stub_natives)?;
    let maps = lw.lower_all(&mut env)?;
    lw.define_native_stubs(&mut env)?;
    super::main_shim::define_program(&mut env, &lw, bytecode, &maps)?;
    env.module.finish().emit().map_err(|e| miette!("cannot write the object file: {e}"))
}

/// Finds `libhlrt.a`: `$HLC_RUNTIME_DIR`, then next to the running `hlc`.
pub fn find_runtime() -> Result<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("HLC_RUNTIME_DIR") {
        dirs.push(PathBuf::from(d));
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            dirs.push(dir.to_path_buf());
            if let Some(up) = dir.parent() {
                dirs.push(up.to_path_buf()); // target/debug/deps → target/debug
            }
        }
    }
    for d in &dirs {
        let lib = d.join("libhlrt.a");
        if lib.is_file() {
            return Ok(lib);
        }
    }
    Err(RuntimeMissing { searched: dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ") }.into())
}

/// The linker, `$CC` or `cc`.
fn linker() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".to_string())
}

/// Links `object` with the runtime into `output`.
pub fn link(object: &Path, runtime: &Path, libs: &[PathBuf], output: &Path, verbose: bool) -> Result<()> {
    let cc = linker();
    let mut cmd = Command::new(&cc);
    cmd.arg("-o").arg(output).arg(object).args(libs).arg(runtime);
    // What Rust's standard library needs from the system (`--print native-static-libs`),
    // with the unwinder linked statically (libgcc_eh) instead of libgcc_s.so:
    // executables depend only on libc, libm, libpthread and libdl.
    cmd.args(["-static-libgcc", "-lgcc_eh", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"]);
    if verbose {
        eprintln!("hlc: linking: {cmd:?}");
    }
    let out = cmd.output().map_err(|e| {
        miette!(
            code = "hlc::linker_missing",
            help = "install a C toolchain (e.g. `apt-get install gcc`) or set CC to a linker driver",
            "cannot run the linker `{cc}`: {e}"
        )
    })?;
    if !out.status.success() {
        return Err(miette!(
            code = "hlc::link_failed",
            "linking failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// `hlc build`: the whole pipeline. The output appears only on success.
pub fn build(opts: &BuildOptions) -> Result<()> {
    let data = std::fs::read(&opts.input)
        .map_err(|source| super::commands::InputError { path: opts.input.display().to_string(), source })?;
    let start = std::time::Instant::now();
    let module = hlbc::read_module(&data)
        .map_err(miette::Report::new)
        .wrap_err_with(|| format!("while reading `{}`", opts.input.display()))?;
    // Natives come from the runtime and the user's libraries; check before compiling.
    let runtime = if opts.emit_obj { None } else { Some(find_runtime()?) };
    let mut stubs = std::collections::HashSet::new();
    if let Some(rt) = &runtime {
        let mut available = natives::defined_symbols(rt)?;
        for lib in &opts.libs {
            available.extend(natives::defined_symbols(lib)?);
        }
        let missing = natives::missing(&module, &available);
        if !missing.is_empty() && !opts.allow_missing_natives {
            return Err(MissingNatives(missing.into_iter().map(|m| format!("  {}", m.description)).collect()).into());
        }
        if opts.verbose && !missing.is_empty() {
            eprintln!("hlc: {} missing native(s) will throw when called", missing.len());
        }
        stubs = missing.into_iter().map(|m| m.index).collect();
    }
    let object = compile_object(&data, opts.opt, opts.target.as_deref(), &stubs)
        .wrap_err_with(|| format!("while compiling `{}`", opts.input.display()))?;
    if opts.verbose {
        eprintln!("hlc: code generation took {:.2}s ({} bytes of object code)", start.elapsed().as_secs_f64(), object.len());
    }
    if opts.emit_obj {
        return super::commands::write_atomically(&opts.output, &object);
    }
    let runtime = runtime.expect("found above");
    let dir = opts.output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let stem = opts.output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let obj_path = if opts.keep_obj { dir.join(format!("{stem}.o")) } else { dir.join(format!(".{stem}.hlc-{}.o", std::process::id())) };
    let tmp_exe = dir.join(format!(".{stem}.hlc-{}.tmp", std::process::id()));
    std::fs::write(&obj_path, &object).into_diagnostic().wrap_err_with(|| format!("cannot write `{}`", obj_path.display()))?;
    let linked = link(&obj_path, &runtime, &opts.libs, &tmp_exe, opts.verbose);
    if !opts.keep_obj {
        let _ = std::fs::remove_file(&obj_path);
    }
    if let Err(e) = linked {
        let _ = std::fs::remove_file(&tmp_exe);
        return Err(e);
    }
    std::fs::rename(&tmp_exe, &opts.output).into_diagnostic().wrap_err_with(|| {
        let _ = std::fs::remove_file(&tmp_exe);
        format!("cannot create `{}`", opts.output.display())
    })?;
    if opts.verbose {
        eprintln!("hlc: wrote {} in {:.2}s", opts.output.display(), start.elapsed().as_secs_f64());
    }
    Ok(())
}
