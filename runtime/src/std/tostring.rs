//! Value-to-string (libhl's `std/buffer.c`, and `std@value_to_string` of
//! `string.c`): the `hl_buffer` C API, `hl_buffer_val`, `hl_to_string`,
//! and the text of an uncaught exception.
//!
//! Formatting as libhl does it on 64-bit Linux: `%d` ints, `%.9g` f32,
//! `%.17g` f64 (`0.90000000000000002`), objects through their `__string`
//! method or their class name (`@Name` for structs), enums `Name(a,b)`,
//! anonymous objects `{a : 1, b : x}` (dynobjs in declaration order, plain
//! virtuals in lookup (hash) order), native arrays `[1, 2]`, closures
//! `function#<HEX>`, `...` for cycles, `null`.
//!
//! Rust API: [`value_to_ucs2`] (the text of a value as UTF-16 units),
//! [`value_to_string`] (as a Rust `String`), [`uncaught_message`].

use super::number::{format_float, format_g};
use super::obj::{dynobj_order, lookup_find, DYNOBJ_INDEX_MASK};
use super::types::{kind_size, type_str};
use super::ucs2::ucs2_slice;
use crate::abi::kind::*;
use crate::abi::*;
use crate::gc::hl_gc_alloc_gen;
use crate::ustr;
use ::std::ffi::{c_char, c_void};
use ::std::mem::size_of;

struct Out<'a> {
    buf: &'a mut Vec<u16>,
    stack: Vec<*mut vdynamic>,
}

impl Out<'_> {
    fn s(&mut self, s: &str) {
        self.buf.extend(s.encode_utf16());
    }
    unsafe fn u(&mut self, s: *const uchar) {
        if s.is_null() {
            self.s("null");
        } else {
            self.buf.extend_from_slice(ucs2_slice(s));
        }
    }
    fn ptr(&mut self, p: usize) {
        self.s(&format!("{p:X}"));
    }
    /// Whether `v` is being printed already (then `...` is written).
    fn cycle(&mut self, v: *mut vdynamic) -> bool {
        if self.stack.contains(&v) {
            self.s("...");
            return true;
        }
        false
    }
}

/// `hl_guid_str` (without registered names).
pub fn guid_str(guid: i64) -> String {
    const CHARS: &[u8] = b"#&0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    if guid == 0 {
        return "0".into();
    }
    let mut s = String::new();
    for i in 0..11 {
        if i == 4 || i == 8 {
            s.push('-');
        }
        s.push(CHARS[((guid >> (60 - i * 6)) & 63) as usize] as char);
    }
    s
}

unsafe fn obj_to_string(o: &mut Out, t: *mut hl_type, v: *mut vdynamic) {
    let tobj = (*t).obj();
    let rt = (*tobj).rt;
    match if rt.is_null() { None } else { (*rt).to_string_fun } {
        Some(f) => {
            let s = f(v);
            o.u(s)
        }
        None => {
            if (*t).kind == HSTRUCT {
                o.s("@");
            }
            o.u((*tobj).name)
        }
    }
}

/// `hl_buffer_addr`: the value of type `t` stored at `data`.
unsafe fn addr_rec(o: &mut Out, data: *mut c_void, t: *mut hl_type) {
    match (*t).kind {
        HUI8 => o.s(&(*(data as *const u8)).to_string()),
        HUI16 => o.s(&(*(data as *const u16)).to_string()),
        HI32 => o.s(&(*(data as *const i32)).to_string()),
        HI64 => o.s(&(*(data as *const i64)).to_string()),
        HF32 => o.s(&format_g(*(data as *const f32) as f64, 9)),
        HF64 => o.s(&format_g(*(data as *const f64), 17)),
        HBYTES => o.u(*(data as *const *const uchar)),
        HGUID => o.s(&guid_str(*(data as *const i64))),
        HTYPE | HREF | HABSTRACT => {
            let p = *(data as *const *mut c_void);
            let mut tmp = vdynamic { t, v: vdynamic_value { ptr: p } };
            rec(o, if p.is_null() { ::std::ptr::null_mut() } else { &mut tmp });
        }
        HBOOL => o.s(if *(data as *const u8) != 0 { "true" } else { "false" }),
        HSTRUCT => obj_to_string(o, t, *(data as *const *mut vdynamic)),
        _ => rec(o, *(data as *const *mut vdynamic)),
    }
}

/// `hl_buffer_rec`.
unsafe fn rec(o: &mut Out, v: *mut vdynamic) {
    if v.is_null() {
        o.s("null");
        return;
    }
    let t = (*v).t;
    match (*t).kind {
        HVOID => o.s("void"),
        HUI8 => o.s(&(*v).v.ui8.to_string()),
        HUI16 => o.s(&(*v).v.ui16.to_string()),
        HI32 => o.s(&(*v).v.i.to_string()),
        HI64 => o.s(&(*v).v.i64.to_string()),
        HF32 => o.s(&format_g((*v).v.f as f64, 9)),
        HF64 => o.s(&format_g((*v).v.d, 17)),
        HBOOL => o.s(if (*v).v.b { "true" } else { "false" }),
        HBYTES => o.u((*v).v.bytes as *const uchar),
        HFUN => {
            o.s("function#");
            o.ptr(v as usize);
        }
        HMETHOD => {
            o.s("method#");
            o.ptr((*v).v.ptr as usize);
        }
        HOBJ => obj_to_string(o, t, v),
        HSTRUCT => obj_to_string(o, t, (*v).v.ptr.cast()),
        HARRAY => {
            if o.cycle(v) {
                return;
            }
            let a = v as *mut varray;
            let at = (*a).at;
            let stride = kind_size((*at).kind) as usize;
            o.stack.push(v);
            o.s("[");
            for i in 0..(*a).size.max(0) as usize {
                if i > 0 {
                    o.s(", ");
                }
                addr_rec(o, varray::data(a).add(i * stride).cast(), at);
            }
            o.s("]");
            o.stack.pop();
        }
        HTYPE => {
            let s = type_str((*v).v.ptr as *const hl_type);
            o.buf.extend_from_slice(&s);
        }
        HREF => o.s("ref"),
        HVIRTUAL => {
            let vv = v as *mut vvirtual;
            if !(*vv).value.is_null() {
                rec(o, (*vv).value);
                return;
            }
            if o.cycle(v) {
                return;
            }
            o.stack.push(v);
            let vt = &*(*t).virt();
            o.s("{");
            for i in 0..vt.nfields.max(0) as usize {
                let f = &*vt.lookup.add(i);
                if i > 0 {
                    o.s(", ");
                }
                o.u(super::bytes::hl_field_name(f.hashed_name) as *const uchar);
                o.s(" : ");
                let addr = (v as *mut u8).add(*vt.indexes.add(f.field_index as usize) as usize);
                addr_rec(o, addr.cast(), f.t);
            }
            o.s("}");
            o.stack.pop();
        }
        HDYNOBJ => {
            if o.cycle(v) {
                return;
            }
            let d = v as *mut vdynobj;
            let h = super::bytes::hl_hash_gen(ustr!("__string"), false);
            let f = lookup_find((*d).lookup, (*d).nfields, h);
            if !f.is_null() && (*(*f).t).kind == HFUN {
                let ft = &*(*(*f).t).fun();
                if ft.nargs == 0 && (*ft.ret).kind == HBYTES {
                    let c = *(*d).values.add(((*f).field_index & DYNOBJ_INDEX_MASK) as usize) as *mut vclosure;
                    if !c.is_null() {
                        let s = if (*c).has_value != 0 {
                            let g: unsafe extern "C" fn(*mut c_void) -> *const uchar = ::std::mem::transmute((*c).fun);
                            g((*c).value)
                        } else {
                            let g: unsafe extern "C" fn() -> *const uchar = ::std::mem::transmute((*c).fun);
                            g()
                        };
                        o.u(s);
                        return;
                    }
                }
            }
            o.stack.push(v);
            o.s("{");
            let n = (*d).nfields.max(0) as usize;
            let mut order = vec![0usize; n];
            for i in 0..n {
                let k = dynobj_order(&*(*d).lookup.add(i)) as usize;
                if k < n {
                    order[k] = i;
                }
            }
            for (i, &k) in order.iter().enumerate() {
                let f = (*d).lookup.add(k);
                if i > 0 {
                    o.s(", ");
                }
                o.u(super::bytes::hl_field_name((*f).hashed_name) as *const uchar);
                o.s(" : ");
                addr_rec(o, super::obj::dynobj_field_addr(d, f), (*f).t);
            }
            o.s("}");
            o.stack.pop();
        }
        HABSTRACT => {
            o.s("~");
            o.u((*t).abs_name());
            o.s(":");
            o.ptr((*v).v.ptr as usize);
        }
        HENUM => {
            let e = v as *mut venum;
            let c = &*(*(*t).tenum()).constructs.add((*e).index as usize);
            if c.nparams == 0 {
                o.u(c.name);
                return;
            }
            if o.cycle(v) {
                return;
            }
            o.stack.push(v);
            o.u(c.name);
            o.s("(");
            for i in 0..c.nparams as usize {
                if i > 0 {
                    o.s(",");
                }
                addr_rec(o, (v as *mut u8).add(*c.offsets.add(i) as usize).cast(), *c.params.add(i));
            }
            o.s(")");
            o.stack.pop();
        }
        HNULL => o.s("_null_"),
        HGUID => o.s(&guid_str((*v).v.i64)),
        _ => {
            o.ptr(v as usize);
            o.s("H");
        }
    }
}

/// The text of `v` as `hl_buffer_val` writes it.
pub unsafe fn value_to_ucs2(v: *mut vdynamic) -> Vec<u16> {
    let mut buf = Vec::new();
    rec(&mut Out { buf: &mut buf, stack: Vec::new() }, v);
    buf
}

/// The text of `v` as a Rust string.
pub unsafe fn value_to_string(v: *mut vdynamic) -> String {
    String::from_utf16_lossy(&value_to_ucs2(v))
}

// ---------------------------------------------------------------------------
// hl_buffer.

/// `hl_buffer`: UTF-16 text being built (opaque to C).
#[repr(C)]
pub struct hl_buffer {
    len: i32,
    cap: i32,
    data: *mut u16,
}

#[no_mangle]
pub unsafe extern "C" fn hl_alloc_buffer() -> *mut hl_buffer {
    hl_gc_alloc_gen(hlt_abstract.get(), size_of::<hl_buffer>() as i32, mem::KIND_RAW | mem::ZERO) as *mut hl_buffer
}

unsafe fn buffer_push(b: *mut hl_buffer, s: &[u16]) {
    if s.is_empty() {
        return;
    }
    let need = (*b).len as usize + s.len();
    if need > (*b).cap as usize {
        let cap = need.max(16).max((*b).cap as usize * 2);
        let nd = hl_gc_alloc_gen(hlt_bytes.get(), (cap * 2) as i32, mem::KIND_NOPTR) as *mut u16;
        if (*b).len > 0 {
            ::std::ptr::copy_nonoverlapping((*b).data, nd, (*b).len as usize);
        }
        (*b).data = nd;
        (*b).cap = cap as i32;
    }
    ::std::ptr::copy_nonoverlapping(s.as_ptr(), (*b).data.add((*b).len as usize), s.len());
    (*b).len += s.len() as i32;
}

#[no_mangle]
pub unsafe extern "C" fn hl_buffer_val(b: *mut hl_buffer, v: *mut vdynamic) {
    buffer_push(b, &value_to_ucs2(v));
}

#[no_mangle]
pub unsafe extern "C" fn hl_buffer_char(b: *mut hl_buffer, c: uchar) {
    buffer_push(b, &[c]);
}

#[no_mangle]
pub unsafe extern "C" fn hl_buffer_str_sub(b: *mut hl_buffer, s: *const uchar, len: i32) {
    if s.is_null() || len <= 0 {
        return;
    }
    buffer_push(b, ::std::slice::from_raw_parts(s, len as usize));
}

#[no_mangle]
pub unsafe extern "C" fn hl_buffer_str(b: *mut hl_buffer, s: *const uchar) {
    if s.is_null() {
        buffer_push(b, &[b'n' as u16, b'u' as u16, b'l' as u16, b'l' as u16]);
    } else {
        buffer_push(b, ucs2_slice(s));
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_buffer_cstr(b: *mut hl_buffer, s: *const c_char) {
    if s.is_null() {
        hl_buffer_str(b, ::std::ptr::null());
        return;
    }
    let bytes = ::std::ffi::CStr::from_ptr(s).to_bytes();
    let units: Vec<u16> = String::from_utf8_lossy(bytes).encode_utf16().collect();
    buffer_push(b, &units);
}

#[no_mangle]
pub unsafe extern "C" fn hl_buffer_length(b: *mut hl_buffer) -> i32 {
    (*b).len
}

/// `hl_buffer_content`: a NUL-terminated GC copy of the text.
#[no_mangle]
pub unsafe extern "C" fn hl_buffer_content(b: *mut hl_buffer, len: *mut i32) -> *mut uchar {
    let n = (*b).len.max(0) as usize;
    let out = hl_gc_alloc_gen(hlt_bytes.get(), ((n + 1) * 2) as i32, mem::KIND_NOPTR) as *mut u16;
    if n > 0 {
        ::std::ptr::copy_nonoverlapping((*b).data, out, n);
    }
    *out.add(n) = 0;
    if !len.is_null() {
        *len = n as i32;
    }
    out
}

/// `hl_throw_buffer`: throws the buffer's text as a HashLink error (a
/// dynamic of type `bytes`, as `hl_error` throws).
#[no_mangle]
pub unsafe extern "C" fn hl_throw_buffer(b: *mut hl_buffer) {
    let text = hl_buffer_content(b, ::std::ptr::null_mut());
    let d = super::obj::hl_alloc_dynamic(hlt_bytes.get());
    (*d).v.ptr = text.cast();
    crate::start::hl_throw(d);
}

// ---------------------------------------------------------------------------
// Entry points.

/// `hl_to_string`: the text of any value (static strings for null and booleans).
#[no_mangle]
pub unsafe extern "C" fn hl_to_string(v: *mut vdynamic) -> *const uchar {
    if v.is_null() {
        return ustr!("null");
    }
    if (*(*v).t).kind == HBOOL {
        return if (*v).v.b { ustr!("true") } else { ustr!("false") };
    }
    super::types::gc_ucs2(&value_to_ucs2(v))
}

/// `std@value_to_string`: like `hl_to_string` but `Int` and `Float` as
/// `Std.string` prints them (`%.15g`, `NaN`), with the length in units.
#[no_mangle]
pub unsafe extern "C" fn hl_value_to_string(d: *mut vdynamic, len: *mut i32) -> *mut vbyte {
    let set = |n: usize| {
        if !len.is_null() {
            *len = n as i32;
        }
    };
    if d.is_null() {
        set(4);
        return ustr!("null") as *mut vbyte;
    }
    let units: Vec<u16> = match (*(*d).t).kind {
        HI32 => (*d).v.i.to_string().encode_utf16().collect(),
        HF64 => format_float((*d).v.d).encode_utf16().collect(),
        _ => value_to_ucs2(d),
    };
    set(units.len());
    super::types::gc_ucs2(&units) as *mut vbyte
}

/// The first line libhl prints for an uncaught exception:
/// `Uncaught exception: <value>`. When the value is a `haxe.Exception` with
/// a `__customStack`, that text is returned as second element (printed
/// instead of the call stack).
pub unsafe fn uncaught_message(exc: *mut vdynamic) -> (String, Option<String>) {
    let first = format!("Uncaught exception: {}", value_to_string(exc));
    let mut custom = None;
    if !exc.is_null() {
        let mut t = (*exc).t;
        while (*t).kind == HOBJ {
            let o = (*t).obj();
            if (*o).super_.is_null() {
                if super::ucs2::ucs2_to_string((*o).name) == "haxe.Exception" && !(*o).rt.is_null() {
                    let h = super::bytes::hl_hash_gen(ustr!("__customStack"), true);
                    let rt = (*o).rt;
                    let f = lookup_find((*rt).lookup, (*rt).nlookup, h);
                    if !f.is_null() && (*f).field_index >= 0 {
                        let cs = *((exc as *mut u8).add((*f).field_index as usize) as *mut *mut vdynamic);
                        if !cs.is_null() {
                            custom = Some(value_to_string(cs));
                        }
                    }
                }
                break;
            }
            t = (*o).super_;
        }
    }
    (first, custom)
}
