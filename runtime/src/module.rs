//! Loading a compiled program: the runtime half of what HashLink's module
//! loader does. From the bytecode embedded in the executable it builds the
//! `hl_type` graph (in storage the compiled code addresses directly), object
//! runtime data (field offsets from [`hlbc::layout`], method tables, lookup
//! tables, GC mark bits), enum and virtual tables, and registers the pointer
//! globals as GC roots.

use crate::abi::*;
use hlbc::layout::{is_ptr, Layouts, Target};
use hlbc::{FunIdx, Module, Type, TypeIdx};
use std::ffi::c_void;
use std::sync::Arc;
use std::ptr::null_mut;

/// What the compiler emits for the runtime: addresses of its data and code.
#[repr(C)]
pub struct hlc_program {
    /// Layout version of this descriptor; see [`PROGRAM_ABI_VERSION`].
    pub abi_version: u32,
    pub bytecode: *const u8,
    pub bytecode_len: usize,
    /// Zeroed storage for every `hl_type` of the module, filled at start-up.
    pub types: *mut hl_type,
    /// Zeroed storage for the globals, laid out by `hlbc::layout`.
    pub globals: *mut u8,
    /// Code address of every function index (functions and natives).
    pub functions: *const *mut c_void,
    pub nfunctions: usize,
    pub entry: unsafe extern "C" fn(),
    /// Code-offset → op table for stack traces (see `crate::stack`).
    pub debug: *const u8,
    pub debug_len: usize,
    /// `bytecode`'s declarations (`hlbc::declarations`), read at start-up
    /// instead of it; null if absent (the JIT).
    pub declarations: *const u8,
    pub declarations_len: usize,
}

pub use hlbc::layout::PROGRAM_ABI_VERSION;

// The compiler writes the descriptor at the offsets hlbc::layout gives.
const _: () = {
    use hlbc::layout::{Abi, ProgramField as F};
    use std::mem::offset_of;
    const A: Abi = Abi::HOST;
    assert!(offset_of!(hlc_program, bytecode) == A.program_field(F::Bytecode) as usize);
    assert!(offset_of!(hlc_program, bytecode_len) == A.program_field(F::BytecodeLen) as usize);
    assert!(offset_of!(hlc_program, types) == A.program_field(F::Types) as usize);
    assert!(offset_of!(hlc_program, globals) == A.program_field(F::Globals) as usize);
    assert!(offset_of!(hlc_program, functions) == A.program_field(F::Functions) as usize);
    assert!(offset_of!(hlc_program, nfunctions) == A.program_field(F::NFunctions) as usize);
    assert!(offset_of!(hlc_program, entry) == A.program_field(F::Entry) as usize);
    assert!(offset_of!(hlc_program, debug) == A.program_field(F::Debug) as usize);
    assert!(offset_of!(hlc_program, debug_len) == A.program_field(F::DebugLen) as usize);
    assert!(offset_of!(hlc_program, declarations) == A.program_field(F::Declarations) as usize);
    assert!(offset_of!(hlc_program, declarations_len) == A.program_field(F::DeclarationsLen) as usize);
    assert!(std::mem::size_of::<hlc_program>() == A.program_size() as usize);
};

/// A module loaded into the runtime: the `hl_type` of each of its types
/// (built for it, or shared with a module loaded before it), its globals and
/// its functions' code addresses. A program is one such module; the JIT may
/// load more into it (hot reload, plugins).
pub struct Instance {
    pub module: Arc<Module>,
    /// What the tables are built from; the program's first module drops
    /// them once its constants are made ([`Program::init_globals`]): the
    /// runtime objects and types hold the same facts from then on.
    layouts: Layouts,
    /// The `hl_type` of every type index.
    types: Vec<*mut hl_type>,
    /// Whether this instance built the type (false: shared with an earlier module).
    owned: Vec<bool>,
    /// The storage of every global.
    globals: Vec<*mut u8>,
    /// Code address of every function index (functions and natives).
    pub functions: Vec<*mut c_void>,
    /// The type of every function and native, by index, until the types are built.
    fun_types: Vec<(FunIdx, TypeIdx)>,
    /// This module's id in the program's code maps ([`crate::stack::DebugTable`]).
    pub debug_id: u32,
    /// Field-name hashes of the program's first module; names it does not
    /// know are hashed through the runtime's name cache.
    hashes: Arc<hlbc::hash::FieldHashes>,
    arena: Arena,
}

/// A loaded program: its first module and everything built for it, the code
/// maps of all its code, and modules loaded into it later.
pub struct Program {
    pub main: Instance,
    /// Code ranges and op maps of compiled functions, for stack traces.
    pub debug: crate::stack::DebugTable,
    /// Field-name hashes, the same the compiler used for its constants.
    pub hashes: Arc<hlbc::hash::FieldHashes>,
    extensions: std::sync::Mutex<Vec<Arc<Instance>>>,
}

// SAFETY: the tables behind the raw pointers are built before HL code can
// reach them and only read afterwards (modules loaded later build their own).
unsafe impl Send for Instance {}
unsafe impl Sync for Instance {}

/// The hash of field name `name`: the first module's (so constants the
/// compiler emitted agree), else through the runtime's name cache.
fn field_hash(hashes: &hlbc::hash::FieldHashes, name: &str) -> i32 {
    match hashes.known(name) {
        Some(h) => h,
        None => {
            let mut units: Vec<u16> = name.encode_utf16().collect();
            units.push(0);
            // SAFETY: a NUL-terminated UTF-16 string; the cache copies it.
            unsafe { crate::std::bytes::hl_hash_gen(units.as_ptr(), true) }
        }
    }
}

/// Owner of the C-visible tables built at load time: chunks handed out in
/// order (one allocation per chunk, not per table), and the UTF-16 copy of
/// each module string asked for (type and field names repeat). A chunk is
/// zeroed as it is handed out, so the part no table took is never touched
/// (and costs no resident memory).
#[derive(Default)]
struct Arena {
    blocks: Vec<Box<[std::mem::MaybeUninit<u64>]>>,
    /// Words of the last block not handed out yet.
    free: usize,
    /// Address of the UTF-16 copy of each module string (0: not made yet).
    ustrs: Vec<usize>,
}

/// Words in one chunk; a table of more than a quarter of that gets its own.
const ARENA_CHUNK_WORDS: usize = 8192;

impl Arena {
    /// Zeroed memory for `n` values of `T`, aligned to 8 and kept alive with the arena.
    fn alloc<T>(&mut self, n: usize) -> *mut T {
        let bytes = std::mem::size_of::<T>() * n;
        let words = bytes.div_ceil(8).max(1);
        if words > ARENA_CHUNK_WORDS / 4 {
            let mut b = Box::new_zeroed_slice(words);
            let p = b.as_mut_ptr().cast();
            // Behind the current chunk, whose free words stay usable.
            let at = self.blocks.len().saturating_sub(1);
            self.blocks.insert(at, b);
            return p;
        }
        if words > self.free {
            self.blocks.push(Box::new_uninit_slice(ARENA_CHUNK_WORDS));
            self.free = ARENA_CHUNK_WORDS;
        }
        let block = self.blocks.last_mut().expect("a chunk was pushed");
        let at = block.len() - self.free;
        self.free -= words;
        let words = &mut block[at..at + words];
        words.fill(std::mem::MaybeUninit::new(0));
        words.as_mut_ptr().cast()
    }

    /// The NUL-terminated UTF-16 copy of string `s` of module `m`, made once.
    fn ustr_of(&mut self, m: &Module, s: hlbc::StrIdx) -> *const uchar {
        if self.ustrs.len() < m.strings.len() {
            self.ustrs.resize(m.strings.len(), 0);
        }
        match self.ustrs.get(s.idx()) {
            Some(&p) if p != 0 => p as *const uchar,
            _ => {
                let p = self.ustr(&m.str(s));
                if let Some(slot) = self.ustrs.get_mut(s.idx()) {
                    *slot = p as usize;
                }
                p
            }
        }
    }

    fn slice<T: Copy>(&mut self, items: &[T]) -> *mut T {
        let p = self.alloc::<T>(items.len());
        // SAFETY: alloc returned room for `items.len()` values of T, which the new block
        // does not share with `items`.
        unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), p, items.len()) };
        p
    }

    /// A NUL-terminated UTF-16 copy of `s`.
    fn ustr(&mut self, s: &str) -> *const uchar {
        let mut v: Vec<u16> = s.encode_utf16().collect();
        v.push(0);
        self.slice(&v)
    }
}

/// The type of every function and native of `m`, with its index (one per
/// function index: the reader checked that every index is named once).
fn function_types(m: &Module) -> Vec<(FunIdx, TypeIdx)> {
    let funs = m.functions.iter().map(|f| (f.findex, f.ty));
    funs.chain(m.natives.iter().map(|n| (n.findex, n.ty))).collect()
}

/// Why a program could not be loaded.
#[derive(Debug)]
pub struct LoadError(pub String);

impl Program {
    /// Builds everything from `desc`, parsing its bytecode.
    ///
    /// # Safety
    /// `desc` must come from hlc-generated code (or the JIT), with storage for
    /// every type and global of its module.
    pub unsafe fn load(desc: &hlc_program) -> Result<Program, LoadError> {
        // SAFETY: the descriptor's bytecode is static data of the executable
        // or library that holds the program, which outlives the runtime (a
        // host destroys the runtime before it unloads the library).
        let data: &'static [u8] = std::slice::from_raw_parts(desc.bytecode, desc.bytecode_len);
        if desc.declarations.is_null() {
            let module = hlbc::read_module(data).map_err(|e| LoadError(e.to_string()))?;
            let hashes = hlbc::hash::FieldHashes::new(&module);
            let fun_types = function_types(&module);
            return Program::load_with(desc, Arc::new(module), hashes, fun_types, None);
        }
        // Start-up reads the declarations only: the code is compiled, and
        // stack traces read the whole bytecode when they first need it.
        // SAFETY: as for `data`.
        let decls = std::slice::from_raw_parts(desc.declarations, desc.declarations_len);
        let (mut module, dynamic) = hlbc::declarations::decode(decls).map_err(LoadError)?;
        // Of the functions, only their types are needed from here on (stack
        // traces and the embedding API read the whole bytecode): dropped
        // before the tables are built, which then reuse the memory.
        let fun_types = function_types(&module);
        module.functions = Vec::new();
        let hashes = hlbc::hash::FieldHashes::with_dynamic_names(&module, &dynamic);
        Program::load_with(desc, Arc::new(module), hashes, fun_types, Some(data))
    }

    /// Builds everything for `module`, the module `desc` was compiled from.
    ///
    /// # Safety
    /// As for [`Program::load`].
    pub unsafe fn load_module(desc: &hlc_program, module: Arc<Module>) -> Result<Program, LoadError> {
        let hashes = hlbc::hash::FieldHashes::new(&module);
        let fun_types = function_types(&module);
        Program::load_with(desc, module, hashes, fun_types, None)
    }

    /// [`Program::load_module`] with the module's field-name hashes, for a
    /// module read without its function bodies from `source` when that is given.
    unsafe fn load_with(
        desc: &hlc_program,
        module: Arc<Module>,
        hashes: hlbc::hash::FieldHashes,
        fun_types: Vec<(FunIdx, TypeIdx)>,
        source: Option<&'static [u8]>,
    ) -> Result<Program, LoadError> {
        if desc.abi_version != PROGRAM_ABI_VERSION {
            return Err(LoadError(format!(
                "program built for runtime ABI {}, this runtime has {}",
                desc.abi_version, PROGRAM_ABI_VERSION
            )));
        }
        let layouts = Layouts::compute(&module, Target::HOST).map_err(|e| LoadError(e.to_string()))?;
        let functions = std::slice::from_raw_parts(desc.functions, desc.nfunctions).to_vec();
        let type_size = hlbc::layout::Abi::HOST.type_size() as usize;
        // The storage is the executable's (or library's) static data: a second
        // start in the same process (embedding) must find it as a fresh
        // process does, zeroed.
        std::ptr::write_bytes(desc.types.cast::<u8>(), 0, module.types.len() * type_size);
        std::ptr::write_bytes(desc.globals, 0, layouts.globals_size as usize);
        let types = (0..module.types.len()).map(|i| desc.types.byte_add(i * type_size)).collect();
        let globals = layouts.global_offsets.iter().map(|&o| desc.globals.add(o as usize)).collect();
        let hashes = Arc::new(hashes);
        let debug = crate::stack::DebugTable::new();
        let debug_id = debug.add_module(module.clone(), source);
        let mut main = Instance {
            owned: vec![true; module.types.len()],
            module,
            layouts,
            types,
            globals,
            functions,
            fun_types,
            debug_id,
            hashes: hashes.clone(),
            arena: Arena::default(),
        };
        // Seed the runtime's name cache in the order HashLink sees names, so
        // its collision resolution gives each name the hash the compiler used.
        let mut units: Vec<u16> = Vec::new();
        for name in &hashes.order {
            units.clear();
            units.extend(name.encode_utf16());
            units.push(0);
            // SAFETY: a NUL-terminated UTF-16 string; the cache copies it.
            crate::std::bytes::hl_hash_gen(units.as_ptr(), true);
        }
        main.build_types();
        let p = Program { main, debug, hashes, extensions: Default::default() };
        if !desc.debug.is_null() {
            // SAFETY: the code maps and the function table are static data of
            // the executable or library that holds the program, as the bytecode is.
            let (blob, functions) = (
                std::slice::from_raw_parts(desc.debug, desc.debug_len),
                std::slice::from_raw_parts(desc.functions.cast::<usize>(), desc.nfunctions),
            );
            p.debug.add_encoded(p.main.debug_id, blob, functions);
        }
        Ok(p)
    }

    /// The hash of field name `name` in this program.
    pub fn field_hash(&self, name: &str) -> i32 {
        field_hash(&self.hashes, name)
    }

    /// Loads another module into the running program. Each of its types
    /// either is one of the program's (`shared_types[t]`) or is built anew,
    /// each global either shares the program's storage (`shared_globals[g]`)
    /// or gets its own; `functions` gives the code of every function index.
    /// The new pointer globals become GC roots and its constant objects are
    /// built, as at start-up.
    ///
    /// # Safety
    /// Shared types and globals must be the program's and have the same
    /// layout as the new module's; `functions` must be callable code of the
    /// new module's function types.
    pub unsafe fn load_extension(
        &self,
        module: Arc<Module>,
        shared_types: &[Option<*mut hl_type>],
        shared_globals: &[Option<*mut u8>],
        functions: Vec<*mut c_void>,
    ) -> Result<Arc<Instance>, LoadError> {
        let layouts = Layouts::compute(&module, Target::HOST).map_err(|e| LoadError(e.to_string()))?;
        let mut arena = Arena::default();
        let n = module.types.len();
        let owned: Vec<bool> = (0..n).map(|i| shared_types.get(i).copied().flatten().is_none()).collect();
        let types = (0..n)
            .map(|i| shared_types.get(i).copied().flatten().unwrap_or_else(|| arena.alloc::<hl_type>(1)))
            .collect();
        let mut fresh = vec![false; module.globals.len()];
        let globals = (0..module.globals.len())
            .map(|g| match shared_globals.get(g).copied().flatten() {
                Some(p) => p,
                None => {
                    fresh[g] = true;
                    let size = hlbc::layout::kind_size(module.ty(module.globals[g]), Target::HOST).max(8);
                    arena.alloc::<u8>(size as usize)
                }
            })
            .collect();
        let debug_id = self.debug.add_module(module.clone(), None);
        let fun_types = function_types(&module);
        let mut inst = Instance {
            module,
            layouts,
            types,
            owned,
            fun_types,
            globals,
            functions,
            debug_id,
            hashes: self.hashes.clone(),
            arena,
        };
        inst.build_types();
        inst.init_globals_where(|g| fresh[g]);
        let inst = Arc::new(inst);
        self.extensions.lock().unwrap_or_else(|e| e.into_inner()).push(inst.clone());
        Ok(inst)
    }

    /// Registers the main module's pointer globals as GC roots and builds
    /// its constant objects.
    pub unsafe fn init_globals(&mut self) {
        self.main.init_globals_where(|_| true);
        // Freed before the program runs, so what it allocates reuses the memory.
        self.main.layouts = Layouts::default();
    }
}

impl Instance {
    /// The `hl_type` of type index `t`.
    pub fn ty(&self, t: TypeIdx) -> *mut hl_type {
        self.types[t.idx()]
    }

    /// Address of global `g`'s storage.
    pub fn global_addr(&self, g: hlbc::GlobalIdx) -> *mut u8 {
        self.globals[g.idx()]
    }

    fn hash(&self, name: &str) -> i32 {
        field_hash(&self.hashes, name)
    }

    /// Registers the pointer globals `which` selects as GC roots and builds
    /// the constant objects (HLB v4+) that some of them start with.
    unsafe fn init_globals_where(&mut self, which: impl Fn(usize) -> bool) {
        let m = self.module.clone();
        let constant: std::collections::HashSet<u32> = m.constants.iter().map(|c| c.global.0).collect();
        for (g, &t) in m.globals.iter().enumerate() {
            if which(g) && is_ptr(m.ty(t)) && !constant.contains(&(g as u32)) {
                crate::gc::hl_add_root(self.global_addr(hlbc::GlobalIdx(g as u32)).cast());
            }
        }
        for c in &m.constants {
            if !which(c.global.idx()) {
                continue;
            }
            let t = m.globals[c.global.idx()];
            let Some(layout) = self.layouts.obj(t).cloned() else { continue };
            let Some(o) = m.ty(t).as_obj() else { continue };
            let v = self.arena.alloc::<u8>(layout.size as usize);
            *(v as *mut *mut hl_type) = self.ty(t);
            for (i, &idx) in c.fields.iter().enumerate() {
                let Some(fd) = o.fields.get(i) else { break };
                let addr = v.add(layout.field_offsets[i] as usize);
                match m.ty(fd.ty) {
                    Type::I32 => *(addr as *mut i32) = m.ints[idx as usize],
                    Type::Bool => *(addr as *mut bool) = idx != 0,
                    Type::F64 => *(addr as *mut f64) = m.floats[idx as usize],
                    Type::Bytes => {
                        *(addr as *mut *const uchar) = self.arena.ustr_of(&m, hlbc::StrIdx(idx));
                    }
                    Type::Type => *(addr as *mut *mut hl_type) = self.ty(TypeIdx(idx)),
                    _ => *(addr as *mut *mut c_void) = *(self.global_addr(hlbc::GlobalIdx(idx)) as *mut *mut c_void),
                }
            }
            *(self.global_addr(c.global) as *mut *mut u8) = v;
        }
    }

    fn fun_ptr(&self, f: FunIdx) -> *mut c_void {
        self.functions.get(f.idx()).copied().unwrap_or(null_mut())
    }

    /// Builds the types this instance owns.
    unsafe fn build_types(&mut self) {
        let m = self.module.clone();
        let n = m.types.len();
        // First every kind and payload, so that later steps can follow pointers.
        for i in 0..n {
            if !self.owned[i] {
                continue;
            }
            let t = self.ty(TypeIdx(i as u32));
            (*t).kind = m.types[i].kind() as u32;
            (*t).data = self.build_payload(&m, i);
        }
        // The type of every function index, and the module context classes point to.
        let fun_types = std::mem::take(&mut self.fun_types);
        let mut ftypes: Vec<*mut hl_type> = vec![null_mut(); fun_types.len()];
        for &(f, t) in &fun_types {
            if let Some(s) = ftypes.get_mut(f.idx()) {
                *s = self.ty(t);
            }
        }
        drop(fun_types);
        let ctx = self.arena.alloc::<hl_module_context>(1);
        (*ctx).functions_ptrs = self.functions.as_mut_ptr();
        (*ctx).functions_types = self.arena.slice(&ftypes);
        for i in 0..n {
            let t = self.ty(TypeIdx(i as u32));
            if self.owned[i] && matches!(&m.types[i], Type::Obj(_) | Type::Struct(_)) {
                (*(*t).obj()).m = ctx;
            }
        }
        for i in 0..n {
            if !self.owned[i] {
                continue;
            }
            match &m.types[i] {
                Type::Obj(_) | Type::Struct(_) => self.build_obj_rt(&m, TypeIdx(i as u32), &ftypes),
                Type::Enum(_) => self.build_enum(&m, TypeIdx(i as u32)),
                Type::Virtual(_) => self.build_virtual(&m, TypeIdx(i as u32)),
                _ => {}
            }
        }
    }

    unsafe fn build_payload(&mut self, m: &Module, i: usize) -> *mut c_void {
        // The table is not resized while types are built; indices were checked by the reader.
        let (types, ntypes) = (self.types.as_ptr(), self.types.len());
        let tp = |t: TypeIdx| {
            assert!(t.idx() < ntypes);
            // SAFETY: in bounds (checked above), and the table outlives this call.
            unsafe { *types.add(t.idx()) }
        };
        match &m.types[i] {
            Type::Fun(f) | Type::Method(f) => {
                let args: Vec<*mut hl_type> = f.args.iter().map(|&a| tp(a)).collect();
                let fun = self.arena.alloc::<hl_type_fun>(1);
                (*fun).args = self.arena.slice(&args);
                (*fun).nargs = args.len() as i32;
                (*fun).ret = tp(f.ret);
                fun.cast()
            }
            Type::Obj(o) | Type::Struct(o) => {
                let obj = self.arena.alloc::<hl_type_obj>(1);
                (*obj).name = self.arena.ustr_of(m, o.name);
                (*obj).super_ = o.super_.map_or(null_mut(), tp);
                (*obj).nfields = o.fields.len() as i32;
                (*obj).nproto = o.protos.len() as i32;
                (*obj).nbindings = o.bindings.len() as i32;
                let fields = self.arena.alloc::<hl_obj_field>(o.fields.len());
                for (k, f) in o.fields.iter().enumerate() {
                    let name = m.str(f.name);
                    let fp = fields.add(k);
                    (*fp).name = self.arena.ustr_of(m, f.name);
                    (*fp).t = tp(f.ty);
                    (*fp).hashed_name = self.hash(&name);
                }
                (*obj).fields = fields;
                let protos = self.arena.alloc::<hl_obj_proto>(o.protos.len());
                for (k, p) in o.protos.iter().enumerate() {
                    let name = m.str(p.name);
                    let pp = protos.add(k);
                    (*pp).name = self.arena.ustr_of(m, p.name);
                    (*pp).findex = p.findex.0 as i32;
                    (*pp).pindex = p.pindex;
                    (*pp).hashed_name = self.hash(&name);
                }
                (*obj).proto = protos;
                let b: Vec<i32> = o.bindings.iter().flat_map(|&(f, fun)| [f.0 as i32, fun.0 as i32]).collect();
                (*obj).bindings = self.arena.slice(&b);
                (*obj).global_value = match o.global {
                    Some(g) => self.global_addr(g).cast(),
                    None => null_mut(),
                };
                obj.cast()
            }
            Type::Virtual(v) => {
                let virt = self.arena.alloc::<hl_type_virtual>(1);
                let fields = self.arena.alloc::<hl_obj_field>(v.fields.len());
                for (k, f) in v.fields.iter().enumerate() {
                    let name = m.str(f.name);
                    let fp = fields.add(k);
                    (*fp).name = self.arena.ustr_of(m, f.name);
                    (*fp).t = tp(f.ty);
                    (*fp).hashed_name = self.hash(&name);
                }
                (*virt).fields = fields;
                (*virt).nfields = v.fields.len() as i32;
                virt.cast()
            }
            Type::Abstract(name) => self.arena.ustr_of(m, *name) as *mut c_void,
            Type::Enum(e) => {
                let en = self.arena.alloc::<hl_type_enum>(1);
                (*en).name = self.arena.ustr_of(m, e.name);
                (*en).nconstructs = e.constructs.len() as i32;
                let cs = self.arena.alloc::<hl_enum_construct>(e.constructs.len());
                for (k, c) in e.constructs.iter().enumerate() {
                    let cp = cs.add(k);
                    (*cp).name = self.arena.ustr_of(m, c.name);
                    (*cp).nparams = c.params.len() as i32;
                    let params: Vec<*mut hl_type> = c.params.iter().map(|&p| tp(p)).collect();
                    (*cp).params = self.arena.slice(&params);
                }
                (*en).constructs = cs;
                (*en).global_value = match e.global {
                    Some(g) => self.global_addr(g).cast(),
                    None => null_mut(),
                };
                en.cast()
            }
            Type::Ref(t) | Type::Null(t) | Type::Packed(t) => tp(*t).cast(),
            _ => null_mut(),
        }
    }

    /// `hl_runtime_obj` of a class, as `hl_get_obj_rt` and `hl_get_obj_proto`
    /// build it: field offsets (from [`Layouts`]), the lookup table of named
    /// fields (byte offset) and of methods new in this class (`-(method
    /// index + 1)`), the method table (`rt.methods`, every method of the
    /// chain; overrides take their parent's slot), the virtual table
    /// (`vobj_proto`, by `pindex`), interface fields, bindings (inherited
    /// ones first, overridden in place), special methods and mark bits.
    unsafe fn build_obj_rt(&mut self, m: &Module, ti: TypeIdx, ftypes: &[*mut hl_type]) {
        let t = self.ty(ti);
        let tobj = (*t).obj();
        if !(*tobj).rt.is_null() {
            return;
        }
        let o = m.ty(ti).as_obj().expect("object type");
        let p = match o.super_ {
            Some(s) => {
                self.build_obj_rt(m, s, ftypes);
                (*(*self.ty(s)).obj()).rt
            }
            None => null_mut(),
        };
        for f in &o.fields {
            if let Type::Packed(inner) = m.ty(f.ty) {
                if m.ty(*inner).as_obj().is_some() {
                    self.build_obj_rt(m, *inner, ftypes);
                }
            }
        }
        let ftype = |f: FunIdx| ftypes.get(f.idx()).copied().unwrap_or(null_mut());
        let layout = self.layouts.obj(ti).cloned().unwrap_or_default();
        let rt = self.arena.alloc::<hl_runtime_obj>(1);
        (*rt).t = t;
        (*rt).parent = p;
        (*rt).nfields = layout.field_offsets.len() as i32;
        (*rt).size = layout.size as i32;
        (*rt).pad_size = layout.pad_size as u8;
        (*rt).largest_field = layout.largest_field as u8;
        (*rt).has_ptr = layout.has_ptr;
        let offsets: Vec<i32> = layout.field_offsets.iter().map(|&x| x as i32).collect();
        (*rt).fields_indexes = self.arena.slice(&offsets);
        let start = if p.is_null() { 0 } else { (*p).nfields as usize };

        // Lookup: named fields, then the methods this class adds.
        let mut lookup: Vec<(i32, *mut hl_type, i32)> = Vec::new();
        for (k, f) in o.fields.iter().enumerate() {
            let name = m.str(f.name);
            if name.is_empty() {
                continue;
            }
            lookup.push((self.hash(&name), self.ty(f.ty), offsets[start + k]));
        }
        let pnproto = if p.is_null() { 0 } else { (*p).nproto };
        let mut nproto = pnproto;
        let mut methods: Vec<*mut c_void> = if p.is_null() {
            vec![null_mut(); o.protos.len()]
        } else {
            std::slice::from_raw_parts((*p).methods, (*p).nmethods as usize).to_vec()
        };
        let mut has_compare = false;
        let compare_hash = self.hash("__compare");
        for (i, pr) in o.protos.iter().enumerate() {
            let hash = self.hash(&m.str(pr.name));
            let fptr = self.fun_ptr(pr.findex);
            let mt = ftype(pr.findex);
            let method_index = if p.is_null() {
                i
            } else if pr.pindex >= 0 && pr.pindex < pnproto {
                // An override: it takes the slot of the method it replaces.
                let f = crate::std::obj::obj_resolve_field((*(*p).t).obj(), hash);
                if !f.is_null() && (*f).field_index < 0 {
                    methods[(-(*f).field_index - 1) as usize] = fptr;
                }
                continue;
            } else {
                methods.push(null_mut());
                methods.len() - 1
            };
            methods[method_index] = fptr;
            if pr.pindex >= nproto {
                nproto = pr.pindex + 1;
            }
            lookup.push((hash, mt, -(method_index as i32 + 1)));
            // libhl only uses `__compare` declared with the expected signature, by the class itself.
            if hash == compare_hash && !mt.is_null() {
                let f = &*(*mt).fun();
                if f.nargs == 2 && (**f.args.add(1)).kind == kind::HDYN && (*f.ret).kind == kind::HI32 {
                    has_compare = true;
                }
            }
        }
        lookup.sort_by_key(|l| l.0);
        let lk = self.arena.alloc::<hl_field_lookup>(lookup.len());
        for (k, (h, ft, idx)) in lookup.iter().enumerate() {
            let e = lk.add(k);
            (*e).hashed_name = *h;
            (*e).t = *ft;
            (*e).field_index = *idx;
        }
        (*rt).lookup = lk;
        (*rt).nlookup = lookup.len() as i32;
        (*rt).nproto = nproto;
        (*rt).nmethods = methods.len() as i32;
        (*rt).methods = self.arena.slice(&methods);

        // Virtual table: the parent's, with this class's protos at their `pindex`.
        if nproto > 0 {
            let mut vt: Vec<*mut c_void> = vec![null_mut(); nproto as usize];
            if !p.is_null() && pnproto > 0 {
                vt[..pnproto as usize].copy_from_slice(std::slice::from_raw_parts((*(*p).t).vobj_proto, pnproto as usize));
            }
            for pr in &o.protos {
                if pr.pindex >= 0 {
                    vt[pr.pindex as usize] = self.fun_ptr(pr.findex);
                }
            }
            (*t).vobj_proto = self.arena.slice(&vt);
        } else {
            (*t).vobj_proto = null_mut();
        }

        // Interfaces: the unnamed fields, which cache the class's virtual of an interface.
        let interfaces: Vec<i32> =
            o.fields.iter().enumerate().filter(|(_, f)| m.str(f.name).is_empty()).map(|(k, _)| k as i32).collect();
        (*rt).ninterfaces = interfaces.len() as i32;
        (*rt).interfaces = self.arena.slice(&interfaces);

        // Bindings: fields of class objects initialised with a function.
        let mut binds: Vec<(i32, *mut c_void, *mut hl_type)> = Vec::new();
        if !p.is_null() {
            for k in 0..(*p).nbindings as usize {
                let b = &*(*p).bindings.add(k);
                binds.push((b.fid, b.ptr, b.closure));
            }
        }
        let chain_field_types: Vec<TypeIdx> = {
            let mut chain = Vec::new();
            let mut cur = Some(ti);
            while let Some(c) = cur {
                let co = m.ty(c).as_obj().expect("object");
                chain.push(co);
                cur = co.super_;
            }
            chain.iter().rev().flat_map(|co| co.fields.iter().map(|f| f.ty)).collect()
        };
        for &(fid, mid) in &o.bindings {
            let Some(&fty) = chain_field_types.get(fid.idx()) else { continue };
            let fptr = self.fun_ptr(mid);
            let mt = ftype(mid);
            let entry = match m.ty(fty) {
                Type::Fun(ft) if !mt.is_null() && ft.args.len() as i32 == (*(*mt).fun()).nargs => {
                    // A static function: one closure shared by every instance.
                    let c = self.arena.alloc::<vclosure>(1);
                    (*c).t = mt;
                    (*c).fun = fptr;
                    (*c).has_value = 0;
                    (*c).value = null_mut();
                    (fid.0 as i32, c.cast::<c_void>(), null_mut())
                }
                // A method (or `__constructor__`, typed dynamic): a closure on each new object.
                Type::Fun(_) | Type::Dyn => (fid.0 as i32, fptr, mt),
                _ => continue,
            };
            match binds.iter_mut().find(|b| b.0 == entry.0) {
                Some(b) => *b = entry,
                None => binds.push(entry),
            }
        }
        let bp = self.arena.alloc::<hl_runtime_binding>(binds.len());
        for (k, &(fid, ptr, closure)) in binds.iter().enumerate() {
            let b = bp.add(k);
            (*b).fid = fid;
            (*b).ptr = ptr;
            (*b).closure = closure;
        }
        (*rt).bindings = bp;
        (*rt).nbindings = binds.len() as i32;
        (*tobj).rt = rt;

        // Special methods, found through the whole chain.
        let rt_methods = (*rt).methods;
        let special = |name: &str| -> *mut c_void {
            let f = crate::std::obj::obj_resolve_field(tobj, self.hash(name));
            if f.is_null() || (*f).field_index >= 0 {
                return null_mut();
            }
            *rt_methods.add((-(*f).field_index - 1) as usize)
        };
        type ToStr = Option<unsafe extern "C" fn(*mut vdynamic) -> *const uchar>;
        type Cmp = Option<unsafe extern "C" fn(*mut vdynamic, *mut vdynamic) -> i32>;
        type Cast = Option<unsafe extern "C" fn(*mut vdynamic, *mut hl_type) -> *mut vdynamic>;
        type GetField = Option<unsafe extern "C" fn(*mut vdynamic, i32) -> *mut vdynamic>;
        (*rt).to_string_fun = std::mem::transmute::<*mut c_void, ToStr>(special("__string"));
        (*rt).compare_fun =
            if has_compare { std::mem::transmute::<*mut c_void, Cmp>(special("__compare")) } else { None };
        (*rt).cast_fun = std::mem::transmute::<*mut c_void, Cast>(special("__cast"));
        (*rt).get_field_fun = std::mem::transmute::<*mut c_void, GetField>(special("__get_field"));
        if (*rt).get_field_fun.is_none() && !p.is_null() {
            (*rt).get_field_fun = (*p).get_field_fun;
        }

        // Pointer bitmap, one bit per word of the object.
        if layout.has_ptr {
            let words = (layout.size as usize).div_ceil(8);
            let mut bits = vec![0u32; words.div_ceil(32).max(1)];
            for (k, &ft) in chain_field_types.iter().enumerate() {
                let word = layout.field_offsets[k] as usize / 8;
                match m.ty(ft) {
                    Type::Packed(inner) => {
                        let it = self.ty(*inner);
                        let Some(il) = self.layouts.obj(*inner) else { continue };
                        if (*it).mark_bits.is_null() {
                            continue;
                        }
                        let iw = (il.size as usize).div_ceil(8);
                        for w in 0..iw {
                            if *(*it).mark_bits.add(w >> 5) & (1 << (w & 31)) != 0 {
                                let pos = word + w;
                                bits[pos >> 5] |= 1 << (pos & 31);
                            }
                        }
                    }
                    ty if is_ptr(ty) => bits[word >> 5] |= 1 << (word & 31),
                    _ => {}
                }
            }
            (*t).mark_bits = self.arena.slice(&bits);
        }
    }

    unsafe fn build_enum(&mut self, m: &Module, ti: TypeIdx) {
        let t = self.ty(ti);
        let en = (*t).tenum();
        let layouts = self.layouts.enums[ti.idx()].clone();
        let mut mark_rows = 0usize;
        for (k, c) in layouts.iter().enumerate() {
            let cp = (*en).constructs.add(k);
            (*cp).size = c.size as i32;
            (*cp).hasptr = c.has_ptr;
            let offs: Vec<i32> = c.offsets.iter().map(|&x| x as i32).collect();
            (*cp).offsets = self.arena.slice(&offs);
            if c.has_ptr {
                mark_rows = mark_rows.max(k + (c.size as usize).saturating_sub(16).div_ceil(8).div_ceil(32).max(1));
            }
        }
        if mark_rows > 0 {
            let Type::Enum(e) = m.ty(ti) else { return };
            let mut bits = vec![0u32; mark_rows];
            for (k, c) in layouts.iter().enumerate() {
                for (j, &p) in e.constructs[k].params.iter().enumerate() {
                    if c.has_ptr && is_ptr(m.ty(p)) {
                        let pos = c.offsets[j] as usize / 8 - 2;
                        bits[k + (pos >> 5)] |= 1 << (pos & 31);
                    }
                }
            }
            (*t).mark_bits = self.arena.slice(&bits);
        }
    }

    unsafe fn build_virtual(&mut self, m: &Module, ti: TypeIdx) {
        let t = self.ty(ti);
        let virt = (*t).virt();
        let Some(l) = self.layouts.virtuals[ti.idx()].clone() else { return };
        let Type::Virtual(v) = m.ty(ti) else { return };
        let header = 3 * 8 + 8 * v.fields.len();
        let idx: Vec<i32> = l.field_offsets.iter().map(|&x| x as i32).collect();
        (*virt).indexes = self.arena.slice(&idx);
        (*virt).data_size = (l.size as usize - header) as i32;
        let mut lookup: Vec<(i32, *mut hl_type, i32)> = v
            .fields
            .iter()
            .enumerate()
            .map(|(k, f)| (self.hash(&m.str(f.name)), self.ty(f.ty), k as i32))
            .collect();
        lookup.sort_by_key(|x| x.0);
        let lk = self.arena.alloc::<hl_field_lookup>(lookup.len());
        for (k, (h, ft, i)) in lookup.iter().enumerate() {
            (*lk.add(k)).hashed_name = *h;
            (*lk.add(k)).t = *ft;
            (*lk.add(k)).field_index = *i;
        }
        (*virt).lookup = lk;
        let words = (l.size as usize).div_ceil(8);
        let mut bits = vec![0u32; words.div_ceil(32).max(1)];
        bits[0] |= 2 | 4; // value and next
        for (k, f) in v.fields.iter().enumerate() {
            if is_ptr(m.ty(f.ty)) {
                let word = l.field_offsets[k] as usize / 8;
                bits[word >> 5] |= 1 << (word & 31);
            }
        }
        (*t).mark_bits = self.arena.slice(&bits);
    }
}
