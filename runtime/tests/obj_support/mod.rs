//! Shared helpers of the `obj_*` tests: hand-built `hl_type`s (leaked, as a
//! loaded program's are), UTF-16 strings, boxing, and finding a loaded
//! program's types by name.
#![allow(dead_code)]

use hlrt::abi::kind::*;
use hlrt::abi::*;
use hlrt::module::Program;
use std::ffi::c_void;
use std::ptr::null_mut;

pub fn leak<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

pub fn leak_slice<T: Clone>(v: &[T]) -> *mut T {
    Box::leak(v.to_vec().into_boxed_slice()).as_mut_ptr()
}

pub fn u(s: &str) -> *const u16 {
    let mut v: Vec<u16> = s.encode_utf16().collect();
    v.push(0);
    leak_slice(&v)
}

pub unsafe fn s(p: *const u16) -> String {
    hlrt::std::ucs2::ucs2_to_string(p)
}

pub fn h(name: &str) -> i32 {
    hlbc::hash::hl_hash_str(name)
}

/// Records `name` for `hl_field_name`, as the loader does, and returns its hash.
pub fn hn(name: &str) -> i32 {
    unsafe { hlrt::std::bytes::hl_hash_gen(u(name), true) };
    h(name)
}

pub fn prim(k: u32) -> *mut hl_type {
    {
        match k {
            HI32 => hlt_i32.get(),
            HI64 => hlt_i64.get(),
            HF64 => hlt_f64.get(),
            HF32 => hlt_f32.get(),
            HBOOL => hlt_bool.get(),
            HDYN => hlt_dyn.get(),
            HBYTES => hlt_bytes.get(),
            HVOID => hlt_void.get(),
            HARRAY => hlt_array.get(),
            HDYNOBJ => hlt_dynobj.get(),
            _ => leak(hl_type::new(k)),
        }
    }
}

pub fn null_of(t: *mut hl_type) -> *mut hl_type {
    let mut n = hl_type::new(HNULL);
    n.data = t.cast();
    leak(n)
}

pub fn fun_type(args: &[*mut hl_type], ret: *mut hl_type) -> *mut hl_type {
    let f = hl_type_fun {
        args: leak_slice(args),
        ret,
        nargs: args.len() as i32,
        parent: null_mut(),
        closure_type: hl_type_fun_closure_type { kind: 0, p: null_mut() },
        closure: hl_type_fun_closure { args: null_mut(), ret: null_mut(), nargs: 0, parent: null_mut() },
    };
    let mut t = hl_type::new(HFUN);
    t.data = leak(f).cast();
    leak(t)
}

/// A virtual type with the given fields, initialised as `hl_init_virtual` does.
pub fn virtual_type(fields: &[(&str, *mut hl_type)]) -> *mut hl_type {
    unsafe {
        let fs: Vec<hl_obj_field> =
            fields.iter().map(|(n, t)| hl_obj_field { name: u(n), t: *t, hashed_name: hn(n) }).collect();
        let n = fs.len();
        let v = leak(hl_type_virtual { fields: leak_slice_fields(fs), nfields: n as i32, data_size: 0, indexes: null_mut(), lookup: null_mut() });
        let mut t = hl_type::new(HVIRTUAL);
        t.data = v.cast();
        let t = leak(t);
        // Layout and lookup as in hl_init_virtual.
        let vsize = 24 + 8 * n as i32;
        let mut size = vsize;
        let mut idx = Vec::new();
        let mut look: Vec<(i32, *mut hl_type, i32)> = Vec::new();
        for (i, (name, ft)) in fields.iter().enumerate() {
            size += hlrt::std::types::hl_pad_struct(size, *ft);
            idx.push(size);
            size += hlrt::std::types::hl_type_size(*ft);
            look.push((h(name), *ft, i as i32));
        }
        look.sort_by_key(|l| l.0);
        let lk: Vec<hl_field_lookup> = look.iter().map(|&(hh, t, i)| hl_field_lookup { t, hashed_name: hh, field_index: i }).collect();
        (*v).indexes = leak_slice(&idx);
        (*v).lookup = Box::leak(lk.into_boxed_slice()).as_mut_ptr();
        (*v).data_size = size - vsize;
        t
    }
}

fn leak_slice_fields(v: Vec<hl_obj_field>) -> *mut hl_obj_field {
    Box::leak(v.into_boxed_slice()).as_mut_ptr()
}

pub unsafe fn boxed_i32(v: i32) -> *mut vdynamic {
    let mut v = v;
    hlrt::std::cast::hl_make_dyn((&mut v as *mut i32).cast(), hlt_i32.get())
}

pub unsafe fn boxed_f64(v: f64) -> *mut vdynamic {
    let mut v = v;
    hlrt::std::cast::hl_make_dyn((&mut v as *mut f64).cast(), hlt_f64.get())
}

pub unsafe fn boxed_bytes(text: &str) -> *mut vdynamic {
    let d = hlrt::std::obj::hl_alloc_dynamic(hlt_bytes.get());
    (*d).v.ptr = u(text) as *mut c_void;
    d
}

pub unsafe fn to_str(v: *mut vdynamic) -> String {
    s(hlrt::std::tostring::hl_to_string(v))
}

/// The loaded type named `name` (class or enum).
pub fn find_type(p: &Program, name: &str) -> *mut hl_type {
    for (i, t) in p.main.module.types.iter().enumerate() {
        let n = match t {
            hlbc::Type::Obj(o) | hlbc::Type::Struct(o) => p.main.module.str(o.name),
            hlbc::Type::Enum(e) => p.main.module.str(e.name),
            _ => continue,
        };
        if n == name {
            return p.main.ty(hlbc::TypeIdx(i as u32));
        }
    }
    panic!("no type {name}")
}

/// Code address the loaded programs of [`load_fake`] give function index 0.
pub const FAKE: usize = 0x10000;

unsafe extern "C" fn no_entry() {}

/// Loads golden program `name` with fake, never-called function pointers
/// (`FAKE + findex`), leaked as a running program is.
pub fn load_fake(name: &str) -> &'static Program {
    use hlrt::module::{hlc_program, PROGRAM_ABI_VERSION};
    let path = format!("{}/../golden/{}/main.hl", env!("CARGO_MANIFEST_DIR"), name);
    let data: &'static [u8] = Box::leak(std::fs::read(&path).unwrap().into_boxed_slice());
    let m = hlbc::read_module(data).unwrap();
    let l = hlbc::layout::Layouts::compute(&m, hlbc::layout::Target::HOST).unwrap();
    let types: *mut hl_type = Box::leak((0..m.types.len()).map(|_| hl_type::new(0)).collect::<Vec<_>>().into_boxed_slice()).as_mut_ptr();
    let globals: *mut u8 = Box::leak(vec![0u64; (l.globals_size as usize).div_ceil(8) + 1].into_boxed_slice()).as_mut_ptr().cast();
    let nf = m.functions.len() + m.natives.len();
    let fns: Vec<*mut c_void> = (0..nf).map(|i| (FAKE + i) as *mut c_void).collect();
    let desc = hlc_program {
        abi_version: PROGRAM_ABI_VERSION,
        bytecode: data.as_ptr(),
        bytecode_len: data.len(),
        types,
        globals,
        functions: leak_slice(&fns),
        nfunctions: nf,
        entry: no_entry,
        debug: std::ptr::null(),
        debug_len: 0,
        declarations: std::ptr::null(),
        declarations_len: 0,
    };
    Box::leak(Box::new(unsafe { Program::load(&desc) }.unwrap()))
}
