//! The ahead-of-time driver: lowers a module into an object file with
//! `cranelift-object`, then links it with the runtime library into one
//! executable using the system C compiler as linker.

use super::isa::{self, OptLevel};
use super::debuginfo;
use super::natives;
use super::toolchain;
use crate::lower::env::{Address, Callee, Env, FunKind};
use crate::lower::{native_symbol, Lowerer};
use cranelift_codegen::ir::Signature;
use cranelift_module::{DataDescription, DataId, Linkage, Module as ClModule};
use cranelift_object::{ObjectBuilder, ObjectModule};
use hlbc::layout::{Abi, Layouts};
use hlbc::{FunIdx, GlobalIdx, TypeIdx};
use std::sync::Arc;
use miette::{miette, Diagnostic, IntoDiagnostic as _, Result, WrapErr as _};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What `hlc build` was asked to do.
pub struct BuildOptions {
    pub input: PathBuf,
    pub output: PathBuf,
    pub opt: OptLevel,
    pub target: Option<String>,
    /// What to write: an executable, the object file, or a library for
    /// embedding (`--emit`).
    pub emit: Emit,
    /// Keep the intermediate object file next to the output.
    pub keep_obj: bool,
    pub verbose: bool,
    /// Native libraries to link: static archives, objects, or shared
    /// libraries (`.so`, `.hdll`), whose natives replace the runtime's.
    pub libs: Vec<PathBuf>,
    /// Replace natives no library defines with stubs that throw when called.
    pub allow_missing_natives: bool,
    /// System libraries to link (`-l NAME`), after the native libraries.
    pub link_libs: Vec<String>,
    /// Directories to search for them (`-L DIR`).
    pub link_dirs: Vec<PathBuf>,
    /// Arguments passed to the linker driver as they are (`--link-arg`).
    pub link_args: Vec<String>,
    /// A release executable: symbols and debug information stripped.
    pub release: bool,
    /// Link the runtime with its debug information (by default executables
    /// carry only their own: see [`super::stripped_runtime`]).
    pub runtime_debug_info: bool,
    /// Threads compiling functions.
    pub jobs: usize,
}

/// What `hlc build` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    /// An executable (with a C `main`).
    Exe,
    /// The program's object file alone (with a C `main`).
    Obj,
    /// A static archive: the program (with `hlc_vm_create` instead of
    /// `main`) and the runtime, for a host embedding it (`hlc_embed.h`).
    StaticLib,
    /// A shared library of the same.
    CDylib,
}

impl Emit {
    /// Whether the program is a library for a host (no `main`).
    pub fn is_library(self) -> bool {
        matches!(self, Emit::StaticLib | Emit::CDylib)
    }
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

    // An executable calls every function directly (`callee` never says `Slot`).
    fn slot_address(&mut self, _f: FunIdx) -> Address {
        unreachable!("an executable has no call slots")
    }

    fn stable_address(&mut self, _f: FunIdx) -> Address {
        unreachable!("an executable has no call slots")
    }

    fn field_hash(&mut self, name: &str) -> i32 {
        self.hashes.get(name)
    }
}

/// Natives whose declaration differs from the signature their library declares.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{} native function(s) are declared with a different signature than their library's:\n{}", .0.len(), .0.join("\n"))]
#[diagnostic(
    code(hlc::native_signature),
    help("the library and the Haxe declarations (@:hlNative) come from different versions: rebuild the library from the sources that match the declarations (HashLink refuses to load such a program)")
)]
pub struct MismatchedNatives(pub Vec<String>);

/// How to compile a module into an object file.
#[derive(Clone, Debug)]
pub struct ObjectOptions<'a> {
    pub opt: OptLevel,
    /// The target triple (the host when `None`).
    pub target: Option<&'a str>,
    /// Threads compiling functions (1: all on the calling thread).
    pub jobs: usize,
    /// Write DWARF (lines, functions, frames) for this source; `None` for
    /// none. Function symbols are named either way.
    pub debug: Option<debuginfo::Source>,
    /// A library for a host (`hlc_vm_create`, no C `main`).
    pub library: bool,
}

impl ObjectOptions<'_> {
    /// Every available core.
    pub fn default_jobs() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Compiles `bytecode` (an `.hl` file's contents) into an object file;
/// `stub_natives` are natives to replace by throwing stubs.
pub fn compile_object(bytecode: &[u8], options: &ObjectOptions, stub_natives: &HashSet<usize>) -> Result<Vec<u8>> {
    let module = Arc::new(hlbc::read_module(bytecode).map_err(miette::Report::new)?);
    // The lowering relies on a well-typed module.
    hlbc::verify_module(&module).map_err(miette::Report::new)?;
    compile_module(module, bytecode, options, stub_natives)
}

/// Compiles a verified `module` into an object file that embeds `bytecode`
/// (the file it was read from).
pub fn compile_module(
    module: Arc<hlbc::Module>,
    bytecode: &[u8],
    options: &ObjectOptions,
    stub_natives: &HashSet<usize>,
) -> Result<Vec<u8>> {
    let (isa, mut info, _) = isa::build(options.target, options.opt)?;
    info.loop_polls &= options.library || crate::lower::polls::needed_by_executable(&module);
    let builder = ObjectBuilder::new(isa.clone(), "hlc_program", cranelift_module::default_libcall_names())
        .map_err(|e| miette!("cannot create the object writer: {e}"))?;
    let mut env = ObjectEnv::new(ObjectModule::new(builder), &module, info.layout)?;
    // Windows needs every function's unwind information (.xdata/.pdata).
    let windows = isa.triple().operating_system == target_lexicon::OperatingSystem::Windows;
    let mut lw = Lowerer::new(&mut env, module.clone(), info, stub_natives)?;
    let compiled = lw.lower_all(&mut env, &*isa, options.jobs, options.debug.is_some() || windows)?;
    let maps: Vec<_> = compiled.iter().map(|c| c.map.clone()).collect();
    lw.define_native_stubs(&mut env)?;
    lw.define_cold_entries(&mut env)?;
    super::main_shim::define_program(&mut env, &lw, bytecode, &maps, options.library)?;
    let mut product = env.module.finish();
    let names = lw.function_names();
    debuginfo::name_functions(&mut product, &module, names, &compiled);
    if let Some(source) = &options.debug {
        debuginfo::write_dwarf(&mut product, &module, names, &compiled, &*isa, source)?;
    }
    if windows {
        add_windows_unwind_info(&mut product, &compiled);
    }
    product.emit().map_err(|e| miette!("cannot write the object file: {e}"))
}

/// Windows x64 unwind information: an `UNWIND_INFO` per function in
/// `.xdata` and a `RUNTIME_FUNCTION` (start, end, unwind info; image-relative)
/// per function in `.pdata`, so that Windows can walk HL frames (exception
/// dispatch, debuggers, crash reports).
fn add_windows_unwind_info(product: &mut cranelift_object::ObjectProduct, compiled: &[crate::lower::CompiledFunction]) {
    use cranelift_codegen::isa::unwind::UnwindInfo;
    use cranelift_object::object::write::{Relocation, SectionKind};
    use cranelift_object::object::{pe, RelocationFlags};
    let unwind: Vec<_> = compiled
        .iter()
        .filter_map(|c| match &c.unwind {
            Some(UnwindInfo::WindowsX64(info)) => {
                let mut bytes = vec![0u8; info.emit_size()];
                info.emit(&mut bytes);
                Some((product.function_symbol(c.id), bytes, c.map.code_size))
            }
            _ => None,
        })
        .collect();
    let obj = &mut product.object;
    let xdata = obj.add_section(Vec::new(), b".xdata".to_vec(), SectionKind::ReadOnlyData);
    let pdata = obj.add_section(Vec::new(), b".pdata".to_vec(), SectionKind::ReadOnlyData);
    let xdata_sym = obj.section_symbol(xdata);
    for (sym, info, len) in &unwind {
        let at = obj.append_section_data(xdata, info, 4);
        let entry = obj.append_section_data(pdata, &[0u8; 12], 4);
        for (offset, symbol, addend) in [(entry, *sym, 0), (entry + 4, *sym, *len as i64), (entry + 8, xdata_sym, at as i64)] {
            obj.add_relocation(pdata, Relocation { offset, symbol, addend, flags: RelocationFlags::Coff { typ: pe::IMAGE_REL_AMD64_ADDR32NB } })
                .expect("a COFF relocation");
        }
    }
}

/// Lowers and compiles only the functions of a verified `module` that
/// `select` picks (by position in `module.functions`), for the host at
/// `opt`, as [`compile_module`] compiles each; defines nothing and writes no
/// object file (it would miss the others). For the `compile_module` fuzz
/// target, which compiles only the functions a mutant changed.
pub fn compile_functions(module: Arc<hlbc::Module>, opt: OptLevel, select: &dyn Fn(usize) -> bool) -> Result<()> {
    let (isa, info, _) = isa::build(None, opt)?;
    let builder = ObjectBuilder::new(isa.clone(), "hlc_program", cranelift_module::default_libcall_names())
        .map_err(|e| miette!("cannot create the object writer: {e}"))?;
    let mut env = ObjectEnv::new(ObjectModule::new(builder), &module, info.layout)?;
    let mut lw = Lowerer::new(&mut env, module.clone(), info, &HashSet::new())?;
    let mut ctx = cranelift_codegen::Context::new();
    let mut fb = cranelift_frontend::FunctionBuilderContext::new();
    for fi in (0..module.functions.len()).filter(|&fi| select(fi)) {
        let id = lw.lower_ir(&mut env, fi, &mut ctx, &mut fb)?;
        crate::lower::compile_function(&mut ctx, &*isa, id, module.functions[fi].findex.0, false)?;
        ctx.clear();
    }
    Ok(())
}

/// Everything the link step puts together.
pub struct LinkInputs<'a> {
    pub object: &'a Path,
    /// The runtime archive to link (see [`super::stripped_runtime`]).
    pub runtime: &'a Path,
    /// The runtime archive found for the target: what lies beside it (musl's
    /// C library) is linked too.
    pub runtime_home: &'a Path,
    /// Native libraries (`--lib`), in order.
    pub libs: &'a [natives::Library],
    /// Copies of runtime objects without the natives user libraries replace.
    pub runtime_replacements: &'a [PathBuf],
    pub link_libs: &'a [String],
    pub link_dirs: &'a [PathBuf],
    pub link_args: &'a [String],
    /// Where to write the linker's export list, if a shared library needs one.
    pub export_list: &'a Path,
    pub output: &'a Path,
    /// Strip symbols and debug information (`--release`).
    pub release: bool,
    /// Write a shared library for embedding (`--emit cdylib`) instead of an executable.
    pub shared_library: bool,
}

/// Links the program object with the native libraries and the runtime into
/// `output`. A shared library (`.hdll`) is linked by file name, found beside
/// the executable at run time (`$ORIGIN`); the executable then exports
/// libhl's ABI and answers to the name `libhl.so`, so the library's libhl
/// imports bind to the runtime inside it.
pub fn link(inputs: &LinkInputs, target: &'static hlc_targets::Target, verbose: bool) -> Result<()> {
    // The target's linker and its part of the link line: start files and
    // flags before the inputs, system libraries after them (`toolchain`).
    let linker = toolchain::linker(target)?;
    let shared: Vec<&natives::Library> = inputs.libs.iter().filter(|l| l.kind == natives::LibKind::Shared).collect();
    // An executable loading `.hdll`s answers to `libhl.so` (see below).
    let soname = !shared.is_empty() && !inputs.shared_library;
    let line = toolchain::link_line(target, &linker, inputs.runtime_home, inputs.release, soname);
    let mut cmd = toolchain::link_command(&linker, &line);
    cmd.arg("-o").arg(inputs.output).arg(inputs.object);
    for lib in inputs.libs {
        if lib.kind == natives::LibKind::Shared {
            let dir = lib.path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let name = lib.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            cmd.arg(format!("-L{}", dir.display())).arg(format!("-l:{name}"));
        } else {
            cmd.arg(&lib.path);
        }
    }
    for d in inputs.link_dirs {
        cmd.arg(format!("-L{}", d.display()));
    }
    for l in inputs.link_libs {
        cmd.arg(format!("-l{l}"));
    }
    cmd.args(inputs.link_args);
    if inputs.shared_library {
        // The embedding API and every libhl function the host may call
        // (hl.h) are pulled from the runtime archive and exported.
        // `-Bsymbolic`: the program's code reaches the runtime PC-relatively
        // (one image), so its references bind inside the library.
        cmd.args(["-shared", "-Wl,-Bsymbolic"]);
        for name in EMBED_API.iter().copied().chain(natives::libhl_exports()) {
            cmd.arg(format!("-Wl,--undefined={name}"));
        }
    }
    cmd.args(inputs.runtime_replacements).arg(inputs.runtime);
    if line.gold {
        let order = super::hot_runtime::ordering_file(inputs.runtime_home, inputs.runtime, &mut |note| {
            if verbose {
                eprintln!("hlc: {note}");
            }
        });
        if let Some(order) = order {
            // `-Xlinker`, not `-Wl,`: the path may hold commas.
            cmd.args(["-Xlinker", "--section-ordering-file", "-Xlinker"]).arg(order);
        }
    }
    cmd.args(&line.tail);
    if !shared.is_empty() {
        if target.libc == hlc_targets::Libc::Musl {
            return Err(miette!(
                code = "hlc::shared_library_target",
                "a fully static {} executable cannot load the shared native library `{}`; link a static archive of it instead",
                target.triple,
                shared[0].path.display()
            ));
        }
        let linux = target.triple.contains("linux");
        if !linux {
            return Err(miette!(
                code = "hlc::shared_library_target",
                "linking a shared native library (`{}`) is supported for Linux targets only; link a static archive of it instead",
                shared[0].path.display()
            ));
        }
        let mut list = String::from("{\n");
        for name in natives::libhl_exports() {
            list.push_str(&format!("  {name};\n"));
        }
        list.push_str("};\n");
        std::fs::write(inputs.export_list, list)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write `{}`", inputs.export_list.display()))?;
        cmd.arg("-Wl,-rpath,$ORIGIN");
        if !inputs.shared_library {
            cmd.arg(format!("-Wl,--dynamic-list={}", inputs.export_list.display())).arg("-Wl,-soname,libhl.so");
        }
    }
    if verbose {
        eprintln!("hlc: linking ({} from {}): {cmd:?}", target.triple, linker.source);
    }
    let out = cmd.output().map_err(|e| {
        miette!(
            code = "hlc::linker_missing",
            help = format!("install a C toolchain for {} or name one with {}", target.triple, target.cc_env()),
            "cannot run the linker `{}` (from {}): {e}",
            linker.program(),
            linker.source
        )
    })?;
    if !out.status.success() {
        return Err(link_error(&out.status, &String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

/// The runtime's half of the embedding API (`hlc_embed.h`); the program
/// object defines `hlc_vm_create`.
const EMBED_API: [&str; 3] = ["hlc_vm_run_main", "hlc_vm_call", "hlc_vm_destroy"];

/// `--emit staticlib`: the runtime archive's members and the program object
/// in one archive with one symbol index (see [`super::archive`]).
fn write_static_library(object: &[u8], runtime: &natives::Library, output: &Path) -> Result<()> {
    use object::{Object as _, ObjectSymbol as _};
    let data = std::fs::read(&runtime.path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read `{}`", runtime.path.display()))?;
    let file = object::File::parse(object).map_err(|e| miette!("cannot read the program object: {e}"))?;
    let defined: Vec<String> = file
        .symbols()
        .filter(|s| s.is_definition() && s.is_global())
        .filter_map(|s| s.name().ok().map(String::from))
        .collect();
    let archive = super::archive::write(runtime, &data, ("hlc_program.o", object, &defined));
    std::fs::write(output, archive).into_diagnostic().wrap_err_with(|| format!("cannot write `{}`", output.display()))
}

/// The linker's failure, without the warning every prebuilt `.hdll` causes
/// (its `libhl.so` is the executable itself), with a hint for duplicates.
fn link_error(status: &std::process::ExitStatus, stderr: &str) -> miette::Report {
    let text: Vec<&str> = stderr.lines().filter(|l| !(l.contains("warning: libhl.so, needed by") && l.contains("not found"))).collect();
    let text = text.join("\n");
    let help = if text.contains("multiple definition of") {
        // Symbols shared with the runtime are resolved before linking; these are between libraries.
        "a symbol is defined by two of the linked libraries (--lib, -l or --link-arg): link only one of them".to_string()
    } else if text.contains("undefined reference to") {
        "a library needs a symbol nobody provides: add the system library that defines it (`-l NAME`, `-L DIR`)".to_string()
    } else {
        "run with -v to see the linker command".to_string()
    };
    miette!(code = "hlc::link_failed", help = help, "linking failed ({status}):\n{text}")
}

/// `hlc build`: the whole pipeline. The output appears only on success.
pub fn build(opts: &BuildOptions) -> Result<()> {
    let data = std::fs::read(&opts.input)
        .map_err(|source| super::commands::InputError { path: opts.input.display().to_string(), source })?;
    let start = std::time::Instant::now();
    // `-v` prints each step's time.
    let mut step = start;
    let mut timed = |what: &str| {
        if opts.verbose {
            eprintln!("hlc: {what} took {:.1} ms", step.elapsed().as_secs_f64() * 1e3);
        }
        step = std::time::Instant::now();
    };
    let module = hlbc::read_module(&data)
        .map_err(miette::Report::new)
        .wrap_err_with(|| format!("while reading `{}`", opts.input.display()))?;
    crate::driver::verify(&module, &opts.input)?;
    timed("reading and verifying");
    // Natives come from the user's libraries, then the runtime; check before compiling.
    let emit_obj = opts.emit == Emit::Obj;
    if opts.emit == Emit::StaticLib && !opts.libs.is_empty() {
        return Err(miette!(
            code = "hlc::staticlib_libs",
            help = "build the library without --lib and link the native libraries into the host with it, or use --emit cdylib",
            "--emit staticlib does not take --lib libraries"
        ));
    }
    let target = toolchain::target(opts.target.as_deref())?;
    let runtime_home = if emit_obj { None } else { Some(toolchain::find_runtime(target)?) };
    let runtime = runtime_home.as_ref().map(|home| {
        if opts.runtime_debug_info {
            return home.clone();
        }
        super::stripped_runtime::for_linking(target, home, &mut |note| {
            if opts.verbose {
                eprintln!("hlc: {note}");
            }
        })
    });
    let mut stubs = std::collections::HashSet::new();
    let mut bound = None;
    if let Some(rt) = &runtime {
        let b = bind_natives(&module, rt, opts)?;
        stubs = b.plan.stubs();
        bound = Some(b);
    }
    timed("binding natives");
    let options = ObjectOptions {
        opt: opts.opt,
        target: opts.target.as_deref(),
        jobs: opts.jobs,
        debug: (!opts.release).then(|| debuginfo::Source::of(&opts.input)),
        library: opts.emit.is_library(),
    };
    let object = compile_module(Arc::new(module), &data, &options, &stubs)
        .wrap_err_with(|| format!("while compiling `{}`", opts.input.display()))?;
    if opts.verbose {
        eprintln!(
            "hlc: code generation took {:.1} ms on {} thread(s) ({} bytes of object code)",
            step.elapsed().as_secs_f64() * 1e3,
            opts.jobs,
            object.len()
        );
    }
    step = std::time::Instant::now();
    if emit_obj {
        return super::commands::write_atomically(&opts.output, &object);
    }
    let runtime = runtime.expect("found above");
    let runtime_home = runtime_home.expect("found above");
    let dir = opts.output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let stem = opts.output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let obj_path = if opts.keep_obj { dir.join(format!("{stem}.o")) } else { dir.join(format!(".{stem}.hlc-{}.o", std::process::id())) };
    let tmp_exe = dir.join(format!(".{stem}.hlc-{}.tmp", std::process::id()));
    std::fs::write(&obj_path, &object).into_diagnostic().wrap_err_with(|| format!("cannot write `{}`", obj_path.display()))?;
    let bound = bound.expect("bound above");
    let scratch = |what: &str| dir.join(format!(".{stem}.hlc-{}.{what}", std::process::id()));
    let mut temporaries = vec![scratch("exports")];
    let linked = write_runtime_replacements(&runtime, &bound, &scratch, &mut temporaries).and_then(|replacements| {
        if opts.emit == Emit::StaticLib {
            return write_static_library(&object, &bound.runtime, &tmp_exe);
        }
        link(
            &LinkInputs {
                object: &obj_path,
                runtime: &runtime,
                runtime_home: &runtime_home,
                libs: &bound.libs,
                runtime_replacements: &replacements,
                link_libs: &opts.link_libs,
                link_dirs: &opts.link_dirs,
                link_args: &opts.link_args,
                export_list: &temporaries[0],
                output: &tmp_exe,
                release: opts.release,
                shared_library: opts.emit == Emit::CDylib,
            },
            target,
            opts.verbose,
        )
    });
    for t in &temporaries {
        let _ = std::fs::remove_file(t);
    }
    if !opts.keep_obj {
        let _ = std::fs::remove_file(&obj_path);
    }
    if let Err(e) = linked {
        let _ = std::fs::remove_file(&tmp_exe);
        return Err(e);
    }
    if opts.verbose {
        eprintln!("hlc: linking took {:.1} ms", step.elapsed().as_secs_f64() * 1e3);
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

/// The program's natives bound to the runtime and the `--lib` libraries.
struct BoundNatives {
    runtime: natives::Library,
    libs: Vec<natives::Library>,
    plan: natives::NativePlan,
}

/// Reads the runtime's and the user libraries' symbols and binds every
/// native: missing or mismatched natives are errors, replaced and stubbed
/// ones are reported under `-v`.
fn bind_natives(module: &hlbc::Module, runtime: &Path, opts: &BuildOptions) -> Result<BoundNatives> {
    let rt = natives::Library::read(runtime)?;
    let libs = opts.libs.iter().map(|p| natives::Library::read(p)).collect::<Result<Vec<_>>>()?;
    let plan = natives::plan(module, &rt, &libs, opts.allow_missing_natives);
    if !plan.missing.is_empty() {
        return Err(MissingNatives(plan.missing.iter().map(|m| format!("  {m}")).collect()).into());
    }
    if !plan.conflicts.is_empty() {
        return Err(miette!(
            code = "hlc::libhl_conflict",
            help = "build the library against hlc's hl.h (runtime-c/include) without HashLink's libhl: hlc's runtime is the libhl",
            "{} symbol(s) of libhl are defined by a native library:\n{}",
            plan.conflicts.len(),
            plan.conflicts.iter().map(|c| format!("  {c}")).collect::<Vec<_>>().join("\n")
        ));
    }
    if !plan.mismatched.is_empty() {
        return Err(MismatchedNatives(plan.mismatched.iter().map(|m| format!("  {m}")).collect()).into());
    }
    if opts.verbose {
        for note in &plan.notes {
            eprintln!("hlc: note: {note}");
        }
        let natives: HashSet<String> =
            module.natives.iter().map(|n| hlbc::native_sig::native_symbol(&module.str(n.lib), &module.str(n.name))).collect();
        let others = plan.replaced.iter().filter(|(s, _)| !natives.contains(s)).count();
        if others > 0 {
            eprintln!("hlc: note: {others} other runtime symbol(s) defined by the --lib libraries are taken from them");
        }
    }
    Ok(BoundNatives { runtime: rt, libs, plan })
}

/// Copies of the runtime's object files that define natives a user library
/// replaces, with those symbols renamed (see [`natives::replace_symbols`]);
/// linked before the runtime archive, they stand for the originals.
fn write_runtime_replacements(
    runtime: &Path,
    bound: &BoundNatives,
    scratch: &dyn Fn(&str) -> PathBuf,
    temporaries: &mut Vec<PathBuf>,
) -> Result<Vec<PathBuf>> {
    if bound.plan.replaced.is_empty() {
        return Ok(Vec::new());
    }
    let rt = &bound.runtime;
    let data = std::fs::read(runtime).into_diagnostic().wrap_err_with(|| format!("cannot read `{}`", runtime.display()))?;
    let mut by_member: std::collections::BTreeMap<usize, std::collections::HashSet<&str>> = Default::default();
    for (sym, _) in &bound.plan.replaced {
        if let Some(&m) = rt.symbols.get(sym) {
            by_member.entry(m).or_default().insert(sym.as_str());
        }
    }
    let mut out = Vec::new();
    for (member, names) in by_member {
        let range = rt.members[member].range.clone();
        let rewritten = natives::replace_symbols(&data[range], &names)
            .wrap_err_with(|| format!("while replacing runtime natives in `{}`", rt.members[member].name))?;
        let path = scratch(&format!("rt{member}.o"));
        temporaries.push(path.clone());
        std::fs::write(&path, rewritten).into_diagnostic().wrap_err_with(|| format!("cannot write `{}`", path.display()))?;
        out.push(path);
    }
    Ok(out)
}
