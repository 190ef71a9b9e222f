//! Type predicates and reflection (libhl's `std/types.c`): sizes and
//! alignment of kinds, `hl_same_type` / `hl_safe_cast`, `hl_type_str`, and
//! the `std@type_*` natives. Enum natives live in [`super::enums`].
//!
//! Rust API: [`kind_size`], [`is_ptr_kind`], [`is_dynamic_kind`],
//! [`same_type`], [`safe_cast`], [`type_str`] (as a `Vec<u16>`),
//! [`new_array`] (an `hl_alloc_array` that does not depend on the array
//! module), the [`ustr!`] macro (a static NUL-terminated UTF-16 literal).

use crate::abi::kind::*;
use crate::abi::*;
use crate::gc::hl_gc_alloc_gen;
use ::std::ptr::null_mut;

/// Converts an ASCII literal into a NUL-terminated UTF-16 array at compile time.
pub const fn ascii_u16<const N: usize>(s: &str) -> [u16; N] {
    let b = s.as_bytes();
    let mut out = [0u16; N];
    let mut i = 0;
    while i < b.len() {
        out[i] = b[i] as u16;
        i += 1;
    }
    out
}

/// `USTR("...")`: a `*const u16` to a static NUL-terminated UTF-16 copy of an ASCII literal.
#[macro_export]
macro_rules! ustr {
    ($s:literal) => {{
        const S: &str = $s;
        const N: usize = S.len() + 1;
        static A: [u16; N] = $crate::std::types::ascii_u16::<N>(S);
        A.as_ptr()
    }};
}
pub use ustr;

/// `hl_type_size` by kind.
pub fn kind_size(kind: u32) -> i32 {
    match kind {
        HVOID | HPACKED => 0,
        HUI8 | HBOOL => 1,
        HUI16 => 2,
        HI32 | HF32 => 4,
        HI64 | HF64 | HGUID => 8,
        _ => ::std::mem::size_of::<usize>() as i32,
    }
}

/// `hl_is_ptr` by kind.
pub fn is_ptr_kind(kind: u32) -> bool {
    !matches!(kind, HVOID | HUI8 | HUI16 | HI32 | HI64 | HF32 | HF64 | HBOOL | HGUID)
}

/// `hl_is_dynamic` by kind.
pub fn is_dynamic_kind(kind: u32) -> bool {
    matches!(kind, HDYN | HFUN | HOBJ | HARRAY | HVIRTUAL | HDYNOBJ | HENUM | HNULL)
}

#[inline]
pub unsafe fn is_ptr(t: *const hl_type) -> bool {
    is_ptr_kind((*t).kind)
}

#[inline]
pub unsafe fn is_dynamic(t: *const hl_type) -> bool {
    is_dynamic_kind((*t).kind)
}

/// `hl_pad_size(size, t)`: padding to the type's size (dynobj raw data).
pub unsafe fn pad_size(size: i32, t: *const hl_type) -> i32 {
    if (*t).kind == HVOID {
        0
    } else {
        size.wrapping_neg() & (kind_size((*t).kind) - 1).max(0)
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_type_size(t: *mut hl_type) -> i32 {
    kind_size((*t).kind)
}

#[no_mangle]
pub unsafe extern "C" fn hl_pad_struct(size: i32, t: *mut hl_type) -> i32 {
    let align = match (*t).kind {
        HVOID => return 0,
        HUI8 | HBOOL => 1,
        HUI16 => 2,
        HI32 | HF32 => 4,
        HI64 | HF64 | HGUID => 8,
        _ => ::std::mem::size_of::<usize>() as i32,
    };
    size.wrapping_neg() & (align - 1)
}

#[no_mangle]
pub unsafe extern "C" fn hl_is_ptr(t: *mut hl_type) -> bool {
    is_ptr(t)
}

#[no_mangle]
pub unsafe extern "C" fn hl_is_dynamic(t: *mut hl_type) -> bool {
    is_dynamic(t)
}

/// `hl_same_type`.
pub unsafe fn same_type(a: *const hl_type, b: *const hl_type) -> bool {
    if a == b {
        return true;
    }
    let (a, b) = (&*a, &*b);
    if a.kind != b.kind {
        return false;
    }
    match a.kind {
        HVOID | HUI8 | HUI16 | HI32 | HI64 | HF32 | HF64 | HBOOL | HTYPE | HBYTES | HDYN | HARRAY | HDYNOBJ | HGUID => true,
        HREF | HNULL | HPACKED => same_type(a.tparam(), b.tparam()),
        HFUN | HMETHOD => {
            let (fa, fb) = (&*a.fun(), &*b.fun());
            if fa.nargs != fb.nargs {
                return false;
            }
            for i in 0..fa.nargs.max(0) as usize {
                if !same_type(*fa.args.add(i), *fb.args.add(i)) {
                    return false;
                }
            }
            same_type(fa.ret, fb.ret)
        }
        // Pointer identity of the payloads, as libhl compares them.
        HOBJ | HSTRUCT | HVIRTUAL | HABSTRACT | HENUM => a.data == b.data,
        _ => false,
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_same_type(a: *mut hl_type, b: *mut hl_type) -> bool {
    same_type(a, b)
}

/// `hl_safe_cast`: whether a value of type `t` can be used as a `to` without conversion.
pub unsafe fn safe_cast(t: *const hl_type, to: *const hl_type) -> bool {
    if t == to {
        return true;
    }
    if (*to).kind == HDYN {
        return is_dynamic(t);
    }
    if (*t).kind != (*to).kind {
        return false;
    }
    match (*t).kind {
        HVIRTUAL => {
            let (v, vto) = (&*(*t).virt(), &*(*to).virt());
            if vto.nfields < v.nfields {
                let mut ok = true;
                for i in 0..vto.nfields as usize {
                    let f1 = &*v.fields.add(i);
                    let f2 = &*vto.fields.add(i);
                    if f1.hashed_name != f2.hashed_name || !same_type(f1.t, f2.t) {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    return true;
                }
            }
        }
        HOBJ | HSTRUCT => {
            let mut o = (*t).obj();
            let oto = (*to).obj();
            loop {
                if o == oto || (*o).name == (*oto).name {
                    return true;
                }
                if (*o).super_.is_null() {
                    return false;
                }
                o = (*(*o).super_).obj();
            }
        }
        HFUN | HMETHOD => {
            let (ft, fto) = (&*(*t).fun(), &*(*to).fun());
            if ft.nargs == fto.nargs {
                if !safe_cast(ft.ret, fto.ret) {
                    return false;
                }
                for i in 0..ft.nargs.max(0) as usize {
                    let t1 = *ft.args.add(i);
                    let t2 = *fto.args.add(i);
                    if !safe_cast(t2, t1) && ((*t1).kind != HDYN || !is_dynamic(t2)) {
                        return false;
                    }
                }
                return true;
            }
        }
        HPACKED => return safe_cast((*t).tparam(), to),
        _ => {}
    }
    same_type(t, to)
}

#[no_mangle]
pub unsafe extern "C" fn hl_safe_cast(t: *mut hl_type, to: *mut hl_type) -> bool {
    safe_cast(t, to)
}

fn simple_name(kind: u32) -> Option<&'static str> {
    Some(match kind {
        HVOID => "void",
        HUI8 => "i8",
        HUI16 => "i16",
        HI32 => "i32",
        HI64 => "i64",
        HF32 => "f32",
        HF64 => "f64",
        HBOOL => "bool",
        HBYTES => "bytes",
        HDYN => "dynamic",
        HARRAY => "array",
        HTYPE => "type",
        HDYNOBJ => "dynobj",
        HGUID => "guid",
        _ => return None,
    })
}

unsafe fn push_ustr(out: &mut Vec<u16>, s: *const uchar) {
    if s.is_null() {
        out.extend("null".encode_utf16());
    } else {
        out.extend_from_slice(super::ucs2::ucs2_slice(s));
    }
}

unsafe fn type_str_rec(out: &mut Vec<u16>, t: *const hl_type, parents: &mut Vec<*const hl_type>) {
    if let Some(n) = simple_name((*t).kind) {
        out.extend(n.encode_utf16());
        return;
    }
    if parents.contains(&t) {
        out.extend("<...>".encode_utf16());
        return;
    }
    parents.push(t);
    let s = |out: &mut Vec<u16>, x: &str| out.extend(x.encode_utf16());
    match (*t).kind {
        HFUN | HMETHOD => {
            let f = &*(*t).fun();
            s(out, "(");
            type_str_rec(out, f.ret, parents);
            s(out, " (");
            for i in 0..f.nargs.max(0) as usize {
                if i > 0 {
                    s(out, ",");
                }
                type_str_rec(out, *f.args.add(i), parents);
            }
            s(out, "))");
        }
        HSTRUCT | HOBJ => {
            if (*t).kind == HSTRUCT {
                s(out, "@");
            }
            push_ustr(out, (*(*t).obj()).name);
        }
        HREF => {
            s(out, "ref<");
            type_str_rec(out, (*t).tparam(), parents);
            s(out, ">");
        }
        HVIRTUAL => {
            let v = &*(*t).virt();
            s(out, "virtual<");
            for i in 0..v.nfields.max(0) as usize {
                let f = &*v.fields.add(i);
                if i > 0 {
                    s(out, ",");
                }
                push_ustr(out, f.name);
                s(out, ":");
                type_str_rec(out, f.t, parents);
            }
            s(out, ">");
        }
        HABSTRACT => push_ustr(out, (*t).abs_name()),
        HENUM => {
            s(out, "enum");
            let name = (*(*t).tenum()).name;
            if !name.is_null() {
                s(out, "<");
                push_ustr(out, name);
                s(out, ">");
            }
        }
        HNULL => {
            s(out, "null<");
            type_str_rec(out, (*t).tparam(), parents);
            s(out, ">");
        }
        HPACKED => {
            s(out, "packed<");
            type_str_rec(out, (*t).tparam(), parents);
            s(out, ">");
        }
        _ => s(out, "???"),
    }
    parents.pop();
}

/// `hl_type_str` as UTF-16 units.
pub unsafe fn type_str(t: *const hl_type) -> Vec<u16> {
    let mut out = Vec::new();
    type_str_rec(&mut out, t, &mut Vec::new());
    out
}

/// `hl_type_str` as a Rust string (for error messages).
pub unsafe fn type_string(t: *const hl_type) -> String {
    String::from_utf16_lossy(&type_str(t))
}

static TSTR_VOID: [u16; 5] = ascii_u16::<5>("void");
static TSTR_I8: [u16; 3] = ascii_u16::<3>("i8");
static TSTR_I16: [u16; 4] = ascii_u16::<4>("i16");
static TSTR_I32: [u16; 4] = ascii_u16::<4>("i32");
static TSTR_I64: [u16; 4] = ascii_u16::<4>("i64");
static TSTR_F32: [u16; 4] = ascii_u16::<4>("f32");
static TSTR_F64: [u16; 4] = ascii_u16::<4>("f64");
static TSTR_BOOL: [u16; 5] = ascii_u16::<5>("bool");
static TSTR_BYTES: [u16; 6] = ascii_u16::<6>("bytes");
static TSTR_DYN: [u16; 8] = ascii_u16::<8>("dynamic");
static TSTR_ARRAY: [u16; 6] = ascii_u16::<6>("array");
static TSTR_TYPE: [u16; 5] = ascii_u16::<5>("type");
static TSTR_DYNOBJ: [u16; 7] = ascii_u16::<7>("dynobj");
static TSTR_GUID: [u16; 5] = ascii_u16::<5>("guid");

/// `hl_type_str` (also the native `std@type_str`): static strings for the
/// simple kinds, a fresh GC string otherwise.
#[no_mangle]
pub unsafe extern "C" fn hl_type_str(t: *mut hl_type) -> *const uchar {
    let s: &'static [u16] = match (*t).kind {
        HVOID => &TSTR_VOID,
        HUI8 => &TSTR_I8,
        HUI16 => &TSTR_I16,
        HI32 => &TSTR_I32,
        HI64 => &TSTR_I64,
        HF32 => &TSTR_F32,
        HF64 => &TSTR_F64,
        HBOOL => &TSTR_BOOL,
        HBYTES => &TSTR_BYTES,
        HDYN => &TSTR_DYN,
        HARRAY => &TSTR_ARRAY,
        HTYPE => &TSTR_TYPE,
        HDYNOBJ => &TSTR_DYNOBJ,
        HGUID => &TSTR_GUID,
        _ => return gc_ucs2(&type_str(t)),
    };
    s.as_ptr()
}

/// A NUL-terminated GC copy of `units`.
pub unsafe fn gc_ucs2(units: &[u16]) -> *mut u16 {
    let p = hl_gc_alloc_gen(hlt_bytes.get(), ((units.len() + 1) * 2) as i32, mem::KIND_NOPTR) as *mut u16;
    ::std::ptr::copy_nonoverlapping(units.as_ptr(), p, units.len());
    *p.add(units.len()) = 0;
    p
}

/// `hl_alloc_array(at, size)` (zeroed elements).
pub unsafe fn new_array(at: *mut hl_type, size: i32) -> *mut varray {
    if size < 0 {
        super::raise_error("Invalid array size");
    }
    let esize = kind_size((*at).kind);
    let bytes = ::std::mem::size_of::<varray>() as i32 + esize * size;
    let flags = if is_ptr(at) { mem::KIND_DYNAMIC } else { mem::KIND_NOPTR } | mem::ZERO;
    let a = hl_gc_alloc_gen(hlt_array.get(), bytes, flags) as *mut varray;
    (*a).t = hlt_array.get();
    (*a).at = at;
    (*a).size = size;
    a
}

/// Element `i` of an array of pointers.
#[inline]
pub unsafe fn aptr<T>(a: *mut varray) -> *mut T {
    varray::data(a).cast()
}

// ---------------------------------------------------------------------------
// Natives of `std@type_*`.

#[no_mangle]
pub unsafe extern "C" fn hl_type_name(t: *mut hl_type) -> *mut vbyte {
    match (*t).kind {
        HOBJ | HSTRUCT => (*(*t).obj()).name as *mut vbyte,
        HENUM => (*(*t).tenum()).name as *mut vbyte,
        HABSTRACT => (*t).abs_name() as *mut vbyte,
        _ => null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_type_args_count(t: *mut hl_type) -> i32 {
    match (*t).kind {
        HFUN | HMETHOD => (*(*t).fun()).nargs,
        _ => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_type_super(t: *mut hl_type) -> *mut hl_type {
    if matches!((*t).kind, HOBJ | HSTRUCT) && !(*(*t).obj()).super_.is_null() {
        return (*(*t).obj()).super_;
    }
    hlt_void.get()
}

#[no_mangle]
pub unsafe extern "C" fn hl_type_get_global(t: *mut hl_type) -> *mut vdynamic {
    match (*t).kind {
        HOBJ | HSTRUCT => {
            let g = (*(*t).obj()).global_value;
            if g.is_null() {
                null_mut()
            } else {
                *(g as *mut *mut vdynamic)
            }
        }
        HENUM => {
            let g = (*(*t).tenum()).global_value;
            if g.is_null() {
                null_mut()
            } else {
                *(g as *mut *mut vdynamic)
            }
        }
        _ => null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_type_set_global(t: *mut hl_type, v: *mut vdynamic) -> bool {
    let g = match (*t).kind {
        HOBJ | HSTRUCT => (*(*t).obj()).global_value,
        HENUM => (*(*t).tenum()).global_value,
        _ => return false,
    };
    if g.is_null() {
        return false;
    }
    *(g as *mut *mut vdynamic) = v;
    true
}

/// `std@type_instance_fields`: methods (new ones only), then fields, from the
/// class up its super chain. Like libhl, the array is sized generously and the
/// unused tail stays null.
#[no_mangle]
pub unsafe extern "C" fn hl_type_instance_fields(t: *mut hl_type) -> *mut varray {
    if (*t).kind == HVIRTUAL {
        let v = &*(*t).virt();
        let a = new_array(hlt_bytes.get(), v.nfields);
        for i in 0..v.nfields as usize {
            *aptr::<*const uchar>(a).add(i) = (*v.fields.add(i)).name;
        }
        return a;
    }
    if !matches!((*t).kind, HOBJ | HSTRUCT) {
        return null_mut();
    }
    let mut mcount = 0;
    let mut o = (*t).obj();
    loop {
        for i in 0..(*o).nproto as usize {
            if (*(*o).proto.add(i)).pindex < 0 {
                mcount += 1;
            }
        }
        if (*o).super_.is_null() {
            break;
        }
        o = (*(*o).super_).obj();
    }
    let mut rt = (*(*t).obj()).rt;
    let a = new_array(hlt_bytes.get(), mcount + (*rt).nproto + (*rt).nfields);
    let names = aptr::<*const uchar>(a);
    let mut out = 0;
    o = (*t).obj();
    loop {
        let pproto = if rt.is_null() || (*rt).parent.is_null() { 0 } else { (*(*rt).parent).nproto };
        for i in 0..(*o).nproto as usize {
            let p = &*(*o).proto.add(i);
            if p.pindex < 0 || p.pindex >= pproto {
                *names.add(out) = p.name;
                out += 1;
            }
        }
        for i in 0..(*o).nfields as usize {
            *names.add(out) = (*(*o).fields.add(i)).name;
            out += 1;
        }
        if (*o).super_.is_null() {
            break;
        }
        o = (*(*o).super_).obj();
        rt = (*o).rt;
    }
    a
}

#[no_mangle]
pub unsafe extern "C" fn hl_type_data_size(t: *mut hl_type) -> i32 {
    match (*t).kind {
        HOBJ | HSTRUCT => (*(*(*t).obj()).rt).size,
        _ => -1,
    }
}

/// `std@type_safe_cast`.
#[no_mangle]
pub unsafe extern "C" fn hl_type_safe_cast(a: *mut hl_type, b: *mut hl_type) -> bool {
    safe_cast(a, b)
}
