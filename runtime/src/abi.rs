//! The libhl C ABI: `#[repr(C)]` mirrors of the structures of HashLink's
//! `hl.h` (types, values, thread state, trap contexts) and the built-in type
//! objects (`hlt_*`). Natives written in C against `hl.h` see exactly these
//! layouts; the compile-time assertions at the end tie them to
//! [`hlbc::layout::Abi`], which the compiler uses for inline accesses.

#![allow(non_camel_case_types, non_upper_case_globals)]

use std::ffi::c_void;
use std::ptr::null_mut;

/// A UTF-16 code unit (`uchar` / `char16_t` on non-Windows platforms).
pub type uchar = u16;
pub type vbyte = u8;

/// `hl_type_kind`.
pub mod kind {
    pub const HVOID: u32 = 0;
    pub const HUI8: u32 = 1;
    pub const HUI16: u32 = 2;
    pub const HI32: u32 = 3;
    pub const HI64: u32 = 4;
    pub const HF32: u32 = 5;
    pub const HF64: u32 = 6;
    pub const HBOOL: u32 = 7;
    pub const HBYTES: u32 = 8;
    pub const HDYN: u32 = 9;
    pub const HFUN: u32 = 10;
    pub const HOBJ: u32 = 11;
    pub const HARRAY: u32 = 12;
    pub const HTYPE: u32 = 13;
    pub const HREF: u32 = 14;
    pub const HVIRTUAL: u32 = 15;
    pub const HDYNOBJ: u32 = 16;
    pub const HABSTRACT: u32 = 17;
    pub const HENUM: u32 = 18;
    pub const HNULL: u32 = 19;
    pub const HMETHOD: u32 = 20;
    pub const HSTRUCT: u32 = 21;
    pub const HPACKED: u32 = 22;
    pub const HGUID: u32 = 23;
}

#[repr(C)]
pub struct hl_type {
    pub kind: u32,
    /// The union `abs_name` / `fun` / `obj` / `tenum` / `virt` / `tparam`.
    pub data: *mut c_void,
    pub vobj_proto: *mut *mut c_void,
    pub mark_bits: *mut u32,
}

impl hl_type {
    pub const fn new(kind: u32) -> hl_type {
        hl_type { kind, data: null_mut(), vobj_proto: null_mut(), mark_bits: null_mut() }
    }
    pub fn fun(&self) -> *mut hl_type_fun {
        self.data.cast()
    }
    pub fn obj(&self) -> *mut hl_type_obj {
        self.data.cast()
    }
    pub fn tenum(&self) -> *mut hl_type_enum {
        self.data.cast()
    }
    pub fn virt(&self) -> *mut hl_type_virtual {
        self.data.cast()
    }
    pub fn tparam(&self) -> *mut hl_type {
        self.data.cast()
    }
    pub fn abs_name(&self) -> *const uchar {
        self.data.cast()
    }
}

#[repr(C)]
pub struct hl_type_fun_closure_type {
    pub kind: u32,
    pub p: *mut c_void,
}

#[repr(C)]
pub struct hl_type_fun_closure {
    pub args: *mut *mut hl_type,
    pub ret: *mut hl_type,
    pub nargs: i32,
    pub parent: *mut hl_type,
}

#[repr(C)]
pub struct hl_type_fun {
    pub args: *mut *mut hl_type,
    pub ret: *mut hl_type,
    pub nargs: i32,
    pub parent: *mut hl_type,
    pub closure_type: hl_type_fun_closure_type,
    pub closure: hl_type_fun_closure,
}

#[repr(C)]
pub struct hl_obj_field {
    pub name: *const uchar,
    pub t: *mut hl_type,
    pub hashed_name: i32,
}

#[repr(C)]
pub struct hl_obj_proto {
    pub name: *const uchar,
    pub findex: i32,
    pub pindex: i32,
    pub hashed_name: i32,
}

#[repr(C)]
pub struct hl_module_context {
    pub alloc: *mut c_void,
    pub functions_ptrs: *mut *mut c_void,
    pub functions_types: *mut *mut hl_type,
}

#[repr(C)]
pub struct hl_type_obj {
    pub nfields: i32,
    pub nproto: i32,
    pub nbindings: i32,
    pub name: *const uchar,
    pub super_: *mut hl_type,
    pub fields: *mut hl_obj_field,
    pub proto: *mut hl_obj_proto,
    pub bindings: *mut i32,
    pub global_value: *mut *mut c_void,
    pub m: *mut hl_module_context,
    pub rt: *mut hl_runtime_obj,
}

#[repr(C)]
pub struct hl_type_virtual {
    pub fields: *mut hl_obj_field,
    pub nfields: i32,
    pub data_size: i32,
    pub indexes: *mut i32,
    pub lookup: *mut hl_field_lookup,
}

#[repr(C)]
pub struct hl_enum_construct {
    pub name: *const uchar,
    pub nparams: i32,
    pub params: *mut *mut hl_type,
    pub size: i32,
    pub hasptr: bool,
    pub offsets: *mut i32,
}

#[repr(C)]
pub struct hl_type_enum {
    pub name: *const uchar,
    pub nconstructs: i32,
    pub constructs: *mut hl_enum_construct,
    pub global_value: *mut *mut c_void,
}

#[repr(C)]
pub struct hl_field_lookup {
    pub t: *mut hl_type,
    pub hashed_name: i32,
    /// Negative or zero: index in methods.
    pub field_index: i32,
}

#[repr(C)]
pub struct hl_runtime_binding {
    pub ptr: *mut c_void,
    pub closure: *mut hl_type,
    pub fid: i32,
}

#[repr(C)]
pub struct hl_runtime_obj {
    pub t: *mut hl_type,
    pub nfields: i32,
    pub nproto: i32,
    pub size: i32,
    pub nmethods: i32,
    pub nbindings: i32,
    pub pad_size: u8,
    pub largest_field: u8,
    pub has_ptr: bool,
    pub methods: *mut *mut c_void,
    pub fields_indexes: *mut i32,
    pub bindings: *mut hl_runtime_binding,
    pub parent: *mut hl_runtime_obj,
    pub to_string_fun: Option<unsafe extern "C" fn(*mut vdynamic) -> *const uchar>,
    pub compare_fun: Option<unsafe extern "C" fn(*mut vdynamic, *mut vdynamic) -> i32>,
    pub cast_fun: Option<unsafe extern "C" fn(*mut vdynamic, *mut hl_type) -> *mut vdynamic>,
    pub get_field_fun: Option<unsafe extern "C" fn(*mut vdynamic, i32) -> *mut vdynamic>,
    pub nlookup: i32,
    pub ninterfaces: i32,
    pub lookup: *mut hl_field_lookup,
    pub interfaces: *mut i32,
}

/// The payload union of `vdynamic`.
#[repr(C)]
#[derive(Copy, Clone)]
pub union vdynamic_value {
    pub b: bool,
    pub ui8: u8,
    pub ui16: u16,
    pub i: i32,
    pub f: f32,
    pub d: f64,
    pub bytes: *mut vbyte,
    pub ptr: *mut c_void,
    pub i64: i64,
}

#[repr(C)]
pub struct vdynamic {
    pub t: *mut hl_type,
    pub v: vdynamic_value,
}

#[repr(C)]
pub struct vobj {
    pub t: *mut hl_type,
}

#[repr(C)]
pub struct vvirtual {
    pub t: *mut hl_type,
    pub value: *mut vdynamic,
    pub next: *mut vvirtual,
}

#[repr(C)]
pub struct varray {
    pub t: *mut hl_type,
    pub at: *mut hl_type,
    pub size: i32,
    pub _pad: i32,
}

impl varray {
    /// `hl_aptr`: the element data after the header.
    pub fn data(this: *mut varray) -> *mut u8 {
        this.wrapping_add(1).cast()
    }
}

#[repr(C)]
pub struct vclosure {
    pub t: *mut hl_type,
    pub fun: *mut c_void,
    pub has_value: i32,
    pub stack_count: i32,
    pub value: *mut c_void,
}

#[repr(C)]
pub struct vclosure_wrapper {
    pub cl: vclosure,
    pub wrapped_fun: *mut vclosure,
}

#[repr(C)]
pub struct vdynobj {
    pub t: *mut hl_type,
    pub lookup: *mut hl_field_lookup,
    pub raw_data: *mut u8,
    pub values: *mut *mut c_void,
    pub nfields: i32,
    pub raw_size: i32,
    pub nvalues: i32,
    pub virtuals: *mut vvirtual,
}

#[repr(C)]
pub struct venum {
    pub t: *mut hl_type,
    pub index: i32,
}

/// `vstring`: the object layout of Haxe's `String` (`bytes` is UTF-16, NUL-terminated).
#[repr(C)]
pub struct vstring {
    pub t: *mut hl_type,
    pub bytes: *mut uchar,
    pub length: i32,
}

/// The C library's `jmp_buf` as a blob of the right size and alignment
/// (it places every field after it in `hl_trap_ctx` and `hl_thread_info`).
pub use crate::sys::jmp_buf;

#[repr(C)]
pub struct hl_trap_ctx {
    pub buf: jmp_buf,
    pub prev: *mut hl_trap_ctx,
    pub tcheck: *mut vdynamic,
}

pub const HL_EXC_MAX_STACK: usize = 0x100;
pub const HL_MAX_EXTRA_STACK: usize = 64;
pub const HL_EXC_RETHROW: i32 = 1;
pub const HL_EXC_CATCH_ALL: i32 = 2;
pub const HL_EXC_IS_THROW: i32 = 4;

#[repr(C)]
pub struct hl_thread_info {
    pub thread_id: i32,
    pub gc_blocking: i32,
    pub stack_top: *mut c_void,
    pub stack_cur: *mut c_void,
    pub trap_current: *mut hl_trap_ctx,
    pub trap_uncaught: *mut hl_trap_ctx,
    pub exc_handler: *mut vclosure,
    pub exc_value: *mut vdynamic,
    pub flags: i32,
    pub exc_stack_count: i32,
    pub thread_name: [u8; 128],
    pub gc_regs: jmp_buf,
    pub exc_stack_trace: [*mut c_void; HL_EXC_MAX_STACK],
    pub extra_stack_data: [*mut c_void; HL_MAX_EXTRA_STACK],
    pub extra_stack_size: i32,
}

/// `hl_threads_info`: the threads the GC knows, as `hl_gc_threads_info` reports them.
#[repr(C)]
pub struct hl_threads_info {
    pub count: i32,
    pub stopping_world: bool,
    pub threads: *mut *mut hl_thread_info,
    pub global_lock: *mut c_void,
    pub exclusive_lock: *mut c_void,
    pub guid_map: *mut c_void,
}

/// `hl_track_info`: allocation-tracking hooks (the global `hl_track`).
#[repr(C)]
pub struct hl_track_info {
    pub flags: i32,
    pub on_alloc: Option<unsafe extern "C" fn(*mut hl_type, i32, i32, *mut c_void)>,
    pub on_cast: Option<unsafe extern "C" fn(*mut hl_type, *mut hl_type)>,
    pub on_dynfield: Option<unsafe extern "C" fn(*mut vdynamic, i32)>,
    pub on_dyncall: Option<unsafe extern "C" fn(*mut vdynamic, i32)>,
}

/// `MEM_KIND_*` and flags of `hl_gc_alloc_gen`.
pub mod mem {
    pub const KIND_DYNAMIC: i32 = 0;
    pub const KIND_RAW: i32 = 1;
    pub const KIND_NOPTR: i32 = 2;
    pub const KIND_FINALIZER: i32 = 3;
    pub const ALIGN_DOUBLE: i32 = 128;
    pub const ZERO: i32 = 256;
}

/// A built-in type object with a stable address that C code can take.
#[repr(transparent)]
pub struct StaticType(pub std::cell::UnsafeCell<hl_type>);
// The built-in types are initialised before any thread runs HL code and never change after.
unsafe impl Sync for StaticType {}

impl StaticType {
    pub const fn new(kind: u32) -> StaticType {
        StaticType(std::cell::UnsafeCell::new(hl_type::new(kind)))
    }
    pub fn get(&self) -> *mut hl_type {
        self.0.get()
    }
}

macro_rules! builtin_types {
    ($($name:ident = $kind:ident;)*) => {$(
        #[no_mangle]
        pub static $name: StaticType = StaticType::new(kind::$kind);
    )*};
}

builtin_types! {
    hlt_void = HVOID;
    hlt_i32 = HI32;
    hlt_i64 = HI64;
    hlt_f64 = HF64;
    hlt_f32 = HF32;
    hlt_dyn = HDYN;
    hlt_array = HARRAY;
    hlt_bytes = HBYTES;
    hlt_dynobj = HDYNOBJ;
    hlt_bool = HBOOL;
    hlt_abstract = HABSTRACT;
}

// The layouts the compiler assumes (hlbc::layout::Abi) must be these structs'.
const _: () = {
    use hlbc::layout::Abi;
    use std::mem::{offset_of, size_of};
    const A: Abi = Abi::HOST;
    assert!(size_of::<hl_type>() == A.type_size() as usize);
    assert!(offset_of!(hl_type, vobj_proto) == A.type_vobj_proto() as usize);
    assert!(offset_of!(vdynamic, v) == A.dyn_value() as usize);
    assert!(size_of::<varray>() == A.array_header() as usize);
    assert!(offset_of!(varray, size) == A.array_size() as usize && offset_of!(varray, at) == A.array_type() as usize);
    assert!(offset_of!(vclosure, fun) == A.closure_fun() as usize);
    assert!(offset_of!(vclosure, has_value) == A.closure_has_value() as usize);
    assert!(offset_of!(vclosure, value) == A.closure_value() as usize);
    assert!(offset_of!(venum, index) == A.enum_index() as usize);
    assert!(offset_of!(vvirtual, value) == A.virtual_value() as usize && size_of::<vvirtual>() == A.virtual_fields() as usize);
    assert!(offset_of!(hl_thread_info, trap_current) == A.thread_trap_current() as usize);
    assert!(offset_of!(hl_thread_info, exc_value) == A.thread_exc_value() as usize);
};

// hl.h's sizes on 64-bit targets.
#[cfg(target_pointer_width = "64")]
const _: () = {
    use std::mem::size_of;
    assert!(size_of::<hl_type>() == 32 && size_of::<vdynamic>() == 16 && size_of::<vclosure>() == 32);
    assert!(size_of::<vdynobj>() == 56);
    assert!(size_of::<hl_threads_info>() == 40 && std::mem::offset_of!(hl_threads_info, threads) == 8);
    assert!(size_of::<hl_track_info>() == 40);
};

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<hl_trap_ctx>() == 216 && offset_of!(hl_trap_ctx, prev) == 200);
    assert!(size_of::<hl_thread_info>() == 2960);
};
