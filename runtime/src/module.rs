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
}

/// Bumped whenever [`hlc_program`] changes, so a mismatched runtime is caught.
pub const PROGRAM_ABI_VERSION: u32 = 1;

/// A loaded program: the parsed module and everything built for it. The
/// storage lives as long as the program; dropping it frees the tables.
pub struct Program {
    pub module: Module,
    pub layouts: Layouts,
    pub types: *mut hl_type,
    pub globals: *mut u8,
    pub functions: Vec<*mut c_void>,
    arena: Arena,
}

// The program is built before HL code runs and only read afterwards.
unsafe impl Send for Program {}
unsafe impl Sync for Program {}

/// Owner of the C-visible tables built at load time.
#[derive(Default)]
struct Arena {
    blocks: Vec<Box<[u64]>>,
}

impl Arena {
    /// Zeroed memory for `n` values of `T`, aligned to 8 and kept alive with the arena.
    fn alloc<T>(&mut self, n: usize) -> *mut T {
        let bytes = std::mem::size_of::<T>() * n;
        let words = bytes.div_ceil(8).max(1);
        let mut b = vec![0u64; words].into_boxed_slice();
        let p = b.as_mut_ptr().cast();
        self.blocks.push(b);
        p
    }

    fn slice<T: Copy>(&mut self, items: &[T]) -> *mut T {
        let p = self.alloc::<T>(items.len());
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

/// Why a program could not be loaded.
#[derive(Debug)]
pub struct LoadError(pub String);

impl Program {
    /// Builds everything from `desc`. Safety: `desc` must come from hlc-generated code.
    pub unsafe fn load(desc: &hlc_program) -> Result<Program, LoadError> {
        if desc.abi_version != PROGRAM_ABI_VERSION {
            return Err(LoadError(format!(
                "program built for runtime ABI {}, this runtime has {}",
                desc.abi_version, PROGRAM_ABI_VERSION
            )));
        }
        let data = std::slice::from_raw_parts(desc.bytecode, desc.bytecode_len);
        let module = hlbc::read_module(data).map_err(|e| LoadError(e.to_string()))?;
        let layouts = Layouts::compute(&module, Target::HOST).map_err(|e| LoadError(e.to_string()))?;
        let functions = std::slice::from_raw_parts(desc.functions, desc.nfunctions).to_vec();
        let mut p = Program { module, layouts, types: desc.types, globals: desc.globals, functions, arena: Arena::default() };
        p.build_types();
        Ok(p)
    }

    /// The `hl_type` of type index `t`.
    pub fn ty(&self, t: TypeIdx) -> *mut hl_type {
        unsafe { self.types.add(t.idx()) }
    }

    /// Address of global `g`'s storage.
    pub fn global_addr(&self, g: hlbc::GlobalIdx) -> *mut u8 {
        unsafe { self.globals.add(self.layouts.global_offsets[g.idx()] as usize) }
    }

    fn fun_ptr(&self, f: FunIdx) -> *mut c_void {
        self.functions.get(f.idx()).copied().unwrap_or(null_mut())
    }

    unsafe fn build_types(&mut self) {
        let m = &self.module as *const Module;
        let m = &*m;
        let n = m.types.len();
        // First every kind and payload, so that later steps can follow pointers.
        for i in 0..n {
            let t = self.ty(TypeIdx(i as u32));
            (*t).kind = m.types[i].kind() as u32;
            (*t).data = self.build_payload(m, i);
        }
        for i in 0..n {
            match &m.types[i] {
                Type::Obj(_) | Type::Struct(_) => self.build_obj_rt(m, TypeIdx(i as u32)),
                Type::Enum(_) => self.build_enum(m, TypeIdx(i as u32)),
                Type::Virtual(_) => self.build_virtual(m, TypeIdx(i as u32)),
                _ => {}
            }
        }
    }

    unsafe fn build_payload(&mut self, m: &Module, i: usize) -> *mut c_void {
        let types = self.types;
        let tp = |t: TypeIdx| types.add(t.idx());
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
                (*obj).name = self.arena.ustr(&m.str(o.name));
                (*obj).super_ = o.super_.map_or(null_mut(), tp);
                (*obj).nfields = o.fields.len() as i32;
                (*obj).nproto = o.protos.len() as i32;
                (*obj).nbindings = o.bindings.len() as i32;
                let fields = self.arena.alloc::<hl_obj_field>(o.fields.len());
                for (k, f) in o.fields.iter().enumerate() {
                    let name = m.str(f.name);
                    let fp = fields.add(k);
                    (*fp).name = self.arena.ustr(&name);
                    (*fp).t = tp(f.ty);
                    (*fp).hashed_name = hlbc::hash::hl_hash_str(&name);
                }
                (*obj).fields = fields;
                let protos = self.arena.alloc::<hl_obj_proto>(o.protos.len());
                for (k, p) in o.protos.iter().enumerate() {
                    let name = m.str(p.name);
                    let pp = protos.add(k);
                    (*pp).name = self.arena.ustr(&name);
                    (*pp).findex = p.findex.0 as i32;
                    (*pp).pindex = p.pindex;
                    (*pp).hashed_name = hlbc::hash::hl_hash_str(&name);
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
                    (*fp).name = self.arena.ustr(&name);
                    (*fp).t = tp(f.ty);
                    (*fp).hashed_name = hlbc::hash::hl_hash_str(&name);
                }
                (*virt).fields = fields;
                (*virt).nfields = v.fields.len() as i32;
                virt.cast()
            }
            Type::Abstract(name) => self.arena.ustr(&m.str(*name)) as *mut c_void,
            Type::Enum(e) => {
                let en = self.arena.alloc::<hl_type_enum>(1);
                (*en).name = self.arena.ustr(&m.str(e.name));
                (*en).nconstructs = e.constructs.len() as i32;
                let cs = self.arena.alloc::<hl_enum_construct>(e.constructs.len());
                for (k, c) in e.constructs.iter().enumerate() {
                    let cp = cs.add(k);
                    (*cp).name = self.arena.ustr(&m.str(c.name));
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

    /// `hl_runtime_obj`, method table (`vobj_proto`) and mark bits of an object type.
    unsafe fn build_obj_rt(&mut self, m: &Module, ti: TypeIdx) {
        let t = self.ty(ti);
        let tobj = (*t).obj();
        if !(*tobj).rt.is_null() {
            return;
        }
        let o = m.ty(ti).as_obj().expect("object type");
        let parent_rt = match o.super_ {
            Some(s) => {
                self.build_obj_rt(m, s);
                (*(*self.ty(s)).obj()).rt
            }
            None => null_mut(),
        };
        let layout = self.layouts.obj(ti).cloned().unwrap_or_default();
        let rt = self.arena.alloc::<hl_runtime_obj>(1);
        (*rt).t = t;
        (*rt).parent = parent_rt;
        (*rt).nfields = layout.field_offsets.len() as i32;
        (*rt).size = layout.size as i32;
        (*rt).pad_size = layout.pad_size as u8;
        (*rt).largest_field = layout.largest_field as u8;
        (*rt).has_ptr = layout.has_ptr;
        let offsets: Vec<i32> = layout.field_offsets.iter().map(|&x| x as i32).collect();
        (*rt).fields_indexes = self.arena.slice(&offsets);

        // Virtual method table: the parent's, extended and overridden by this type's protos.
        let mut methods: Vec<*mut c_void> = Vec::new();
        if !parent_rt.is_null() {
            let pm = (*parent_rt).nproto as usize;
            methods.extend_from_slice(std::slice::from_raw_parts((*parent_rt).methods, pm));
        }
        for p in &o.protos {
            if p.pindex >= 0 {
                let slot = p.pindex as usize;
                if methods.len() <= slot {
                    methods.resize(slot + 1, null_mut());
                }
                methods[slot] = self.fun_ptr(p.findex);
            }
        }
        (*rt).nproto = methods.len() as i32;
        (*rt).nmethods = o.protos.len() as i32 + if parent_rt.is_null() { 0 } else { (*parent_rt).nmethods };
        (*rt).methods = self.arena.slice(&methods);
        (*t).vobj_proto = (*rt).methods;

        // Lookup table of fields and methods by hashed name (sorted for binary search).
        let mut lookup: Vec<(i32, *mut hl_type, i32)> = Vec::new();
        let start = layout.field_offsets.len() - o.fields.len();
        for (k, f) in o.fields.iter().enumerate() {
            let name = m.str(f.name);
            if name.is_empty() {
                continue;
            }
            lookup.push((hlbc::hash::hl_hash_str(&name), self.ty(f.ty), layout.field_offsets[start + k] as i32));
        }
        for (k, p) in o.protos.iter().enumerate() {
            if p.pindex >= 0 && !parent_rt.is_null() && p.pindex < (*parent_rt).nproto {
                continue; // an override: the parent's entry already names it
            }
            let fty = m.functions.iter().find(|f| f.findex == p.findex).map(|f| self.ty(f.ty)).unwrap_or(null_mut());
            let idx = if p.pindex >= 0 { -p.pindex } else { -(k as i32) - 1 };
            lookup.push((hlbc::hash::hl_hash_str(&m.str(p.name)), fty, idx));
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

        // Bindings: fields initialised with a function (statics of class objects).
        let binds = self.arena.alloc::<hl_runtime_binding>(o.bindings.len());
        for (k, &(fid, fun)) in o.bindings.iter().enumerate() {
            let b = binds.add(k);
            (*b).fid = fid.0 as i32;
            (*b).ptr = self.fun_ptr(fun);
            (*b).closure = m.functions.iter().find(|f| f.findex == fun).map_or(null_mut(), |f| self.ty(f.ty));
        }
        (*rt).bindings = binds;
        (*rt).nbindings = o.bindings.len() as i32;
        (*tobj).rt = rt;

        // Pointer bitmap, one bit per word of the object.
        if layout.has_ptr {
            let words = (layout.size as usize).div_ceil(8);
            let mut bits = vec![0u32; words.div_ceil(32).max(1)];
            let mut chain = Vec::new();
            let mut cur = Some(ti);
            while let Some(c) = cur {
                let co = m.ty(c).as_obj().expect("object");
                chain.push(co);
                cur = co.super_;
            }
            let field_types = chain.iter().rev().flat_map(|co| co.fields.iter().map(|f| f.ty));
            for (k, ft) in field_types.enumerate() {
                if is_ptr(m.ty(ft)) && !matches!(m.ty(ft), Type::Packed(_)) {
                    let word = layout.field_offsets[k] as usize / 8;
                    bits[word >> 5] |= 1 << (word & 31);
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
            .map(|(k, f)| (hlbc::hash::hl_hash_str(&m.str(f.name)), self.ty(f.ty), k as i32))
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
