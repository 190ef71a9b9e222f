//! Natives of HashLink's `fmt` library (`libs/fmt`), the parts Haxe's standard
//! library reaches without images or sound: zlib streams (`haxe.zip.Compress`,
//! `haxe.zip.Uncompress`), `digest` (`haxe.crypto.Md5`, `Sha1`, and
//! `hl.Format.digest` with crc32 / adler32) and `img_scale`. HL/C names a
//! native `fmt@name` `fmt_<name>`.
//!
//! Not implemented (they need image or sound codecs): `jpg_encode`,
//! `jpg_decode`, `png_decode`, `dxt_decode`, `ogg_*`, `mp3_*`,
//! `compute_mikkt_tangents`. Programs calling them get hlc's "missing native"
//! stub.
//!
//! zlib streams use the C zlib itself (`libz-sys`, built statically), so flush
//! modes, window bits, return codes, error messages and the compressed bytes
//! are those of HashLink's zlib.

// The natives follow libhl's C signatures: callers pass HashLink values.
#![allow(clippy::missing_safety_doc, clippy::too_many_arguments)]

use crate::abi::*;
use crate::gc::{hl_blocking, hl_gc_alloc_gen};
use crate::std::raise_error;
use libz_sys as z;
use std::ffi::{c_int, c_ulong, CStr};
use std::ptr::null_mut;

// ---------------------------------------------------------------------------
// zlib streams.

/// `fmt_zip`: a finalizer block (word 0 is the finalizer) owning a zlib stream.
#[repr(C)]
pub struct FmtZip {
    finalize: Option<unsafe extern "C" fn(*mut FmtZip)>,
    /// Boxed (zlib's state points back at its stream, so it must not move);
    /// null once the stream has ended.
    z: *mut z::z_stream,
    /// The zlib flush mode passed to every `inflate` / `deflate` call.
    flush: c_int,
    inflate: bool,
}

/// Ends the stream and frees it; the handle's finalizer is disarmed. A second
/// call does nothing.
unsafe extern "C" fn zip_free(h: *mut FmtZip) {
    let s = (*h).z;
    if !s.is_null() {
        if (*h).inflate {
            z::inflateEnd(s);
        } else {
            z::deflateEnd(s);
        }
        drop(Box::from_raw(s));
    }
    (*h).z = null_mut();
    (*h).finalize = None;
}

/// The message libhl throws for a zlib failure: `ZLib Error : <msg> (<code>)`,
/// or `ZLib Error : <code>` when zlib set no message.
pub fn zlib_error_message(msg: Option<&str>, code: i32) -> String {
    match msg {
        Some(m) => format!("ZLib Error : {m} ({code})"),
        None => format!("ZLib Error : {code}"),
    }
}

unsafe fn zlib_error(s: *const z::z_stream, code: c_int) -> ! {
    let msg = if s.is_null() || (*s).msg.is_null() {
        None
    } else {
        Some(CStr::from_ptr((*s).msg).to_string_lossy().into_owned())
    };
    raise_error(&zlib_error_message(msg.as_deref(), code))
}

unsafe extern "C" fn zalloc(_: z::voidpf, items: z::uInt, size: z::uInt) -> z::voidpf {
    libc::calloc(items as usize, size as usize)
}

unsafe extern "C" fn zfree(_: z::voidpf, p: z::voidpf) {
    libc::free(p)
}

unsafe fn new_stream() -> *mut z::z_stream {
    Box::into_raw(Box::new(z::z_stream {
        next_in: null_mut(),
        avail_in: 0,
        total_in: 0,
        next_out: null_mut(),
        avail_out: 0,
        total_out: 0,
        msg: null_mut(),
        state: null_mut(),
        zalloc,
        zfree,
        opaque: null_mut(),
        data_type: 0,
        adler: 0,
        reserved: 0,
    }))
}

unsafe fn alloc_handle(s: *mut z::z_stream, inflate: bool) -> *mut FmtZip {
    let h = hl_gc_alloc_gen(hlt_abstract.get(), std::mem::size_of::<FmtZip>() as i32, mem::KIND_FINALIZER) as *mut FmtZip;
    h.write(FmtZip { finalize: Some(zip_free), z: s, flush: z::Z_NO_FLUSH, inflate });
    h
}

const STREAM_SIZE: c_int = std::mem::size_of::<z::z_stream>() as c_int;

/// `inflate_init(wbits)`: a decompression stream; `wbits` as zlib's
/// `inflateInit2` (0 means 15: zlib header, 32K window; negative: raw deflate;
/// +16: gzip; +32: automatic header detection).
#[no_mangle]
pub unsafe extern "C" fn fmt_inflate_init(wbits: i32) -> *mut FmtZip {
    let wbits = if wbits == 0 { 15 } else { wbits };
    init_stream(true, |s| z::inflateInit2_(s, wbits, z::zlibVersion(), STREAM_SIZE))
}

/// `deflate_init(level)`: a compression stream with a zlib header
/// (`deflateInit`; level -1 .. 9).
#[no_mangle]
pub unsafe extern "C" fn fmt_deflate_init(level: i32) -> *mut FmtZip {
    init_stream(false, |s| z::deflateInit_(s, level, z::zlibVersion(), STREAM_SIZE))
}

/// A new stream set up by `init` (zlib's `*Init*`), as a handle; throws zlib's error.
unsafe fn init_stream(inflate: bool, init: impl FnOnce(*mut z::z_stream) -> i32) -> *mut FmtZip {
    let s = new_stream();
    let err = init(s);
    if err != z::Z_OK {
        drop(Box::from_raw(s));
        zlib_error(std::ptr::null(), err);
    }
    alloc_handle(s, inflate)
}

/// `zip_end`: ends the stream (inflate or deflate) and frees its memory.
#[no_mangle]
pub unsafe extern "C" fn fmt_zip_end(h: *mut FmtZip) {
    if h.is_null() {
        raise_error("Null access");
    }
    zip_free(h);
}

/// `zip_flush_mode(mode)`: the index of `haxe.zip.FlushMode`: NO, SYNC, FULL,
/// FINISH, BLOCK.
#[no_mangle]
pub unsafe extern "C" fn fmt_zip_flush_mode(h: *mut FmtZip, flush: i32) {
    let f = match flush {
        0 => z::Z_NO_FLUSH,
        1 => z::Z_SYNC_FLUSH,
        2 => z::Z_FULL_FLUSH,
        3 => z::Z_FINISH,
        4 => z::Z_BLOCK,
        _ => raise_error(&format!("Invalid flush mode {flush}")),
    };
    if h.is_null() {
        raise_error("Null access");
    }
    (*h).flush = f;
}

/// The shared body of `inflate_buffer` / `deflate_buffer`: runs one zlib call
/// over `src[srcpos..srclen]` into `dst[dstpos..dstlen]` and reports how much
/// was read and written. True once the stream's end was reached (or written).
unsafe fn run_stream(
    h: *mut FmtZip,
    inflate: bool,
    src: *mut vbyte,
    srcpos: i32,
    srclen: i32,
    dst: *mut vbyte,
    dstpos: i32,
    dstlen: i32,
    read: *mut i32,
    write: *mut i32,
) -> bool {
    if h.is_null() || (*h).z.is_null() {
        raise_error("Null access");
    }
    let s = (*h).z;
    let slen = srclen.wrapping_sub(srcpos);
    let dlen = dstlen.wrapping_sub(dstpos);
    if srcpos < 0 || dstpos < 0 || slen < 0 || dlen < 0 {
        raise_error("Out of range");
    }
    hl_blocking(true);
    (*s).next_in = if src.is_null() { null_mut() } else { src.add(srcpos as usize) };
    (*s).next_out = if dst.is_null() { null_mut() } else { dst.add(dstpos as usize) };
    (*s).avail_in = slen as u32;
    (*s).avail_out = dlen as u32;
    let err = if inflate { z::inflate(s, (*h).flush) } else { z::deflate(s, (*h).flush) };
    if err < 0 {
        hl_blocking(false);
        zlib_error(s, err);
    }
    (*s).next_in = null_mut();
    (*s).next_out = null_mut();
    crate::std::set_out(read, slen - (*s).avail_in as i32);
    crate::std::set_out(write, dlen - (*s).avail_out as i32);
    hl_blocking(false);
    err == z::Z_STREAM_END
}

/// `inflate_buffer(z, src, srcpos, srclen, dst, dstpos, dstlen, &read, &write)`:
/// decompresses what fits; true at the end of the compressed stream.
#[no_mangle]
pub unsafe extern "C" fn fmt_inflate_buffer(
    h: *mut FmtZip,
    src: *mut vbyte,
    srcpos: i32,
    srclen: i32,
    dst: *mut vbyte,
    dstpos: i32,
    dstlen: i32,
    read: *mut i32,
    write: *mut i32,
) -> bool {
    run_stream(h, true, src, srcpos, srclen, dst, dstpos, dstlen, read, write)
}

/// `deflate_buffer(...)`: compresses what fits; true once the stream is
/// complete (flush mode FINISH).
#[no_mangle]
pub unsafe extern "C" fn fmt_deflate_buffer(
    h: *mut FmtZip,
    src: *mut vbyte,
    srcpos: i32,
    srclen: i32,
    dst: *mut vbyte,
    dstpos: i32,
    dstlen: i32,
    read: *mut i32,
    write: *mut i32,
) -> bool {
    run_stream(h, false, src, srcpos, srclen, dst, dstpos, dstlen, read, write)
}

/// `deflate_bound(z, size)`: an upper bound of the compressed size of `size`
/// bytes (`deflateBound` of the compressor in use).
#[no_mangle]
pub unsafe extern "C" fn fmt_deflate_bound(h: *mut FmtZip, size: i32) -> i32 {
    let s = if h.is_null() { null_mut() } else { (*h).z };
    z::deflateBound(s, size as u32 as c_ulong) as i32
}

// ---------------------------------------------------------------------------
// Digests.

/// Computes digest `format & 0xFF` of `data` into `out`: 0 = MD5 (16 bytes),
/// 1 = SHA-1 (20 bytes), 2 = CRC-32 and 3 = Adler-32 (4 bytes, native-endian
/// `int`; the checksum continues from the value `out` holds, as zlib's
/// `crc32(crc, ...)` / `adler32(adler, ...)`). Unknown formats: `Err` with
/// libhl's message.
pub fn digest_into(out: &mut [u8], data: &[u8], format: i32) -> Result<(), String> {
    unsafe { digest_raw(out, data.as_ptr(), data.len(), format) }
}

/// [`digest_into`] on a raw buffer, which may be null (an empty `hl.Bytes`):
/// zlib then gives its null-buffer values (crc32 0, adler32 1), as in libhl.
unsafe fn digest_raw(out: &mut [u8], data: *const u8, len: usize, format: i32) -> Result<(), String> {
    use md5::Digest as _;
    let slice = if data.is_null() { &[][..] } else { std::slice::from_raw_parts(data, len) };
    match format & 0xFF {
        0 => out[..16].copy_from_slice(&md5::Md5::digest(slice)),
        1 => out[..20].copy_from_slice(&sha1::Sha1::digest(slice)),
        f @ (2 | 3) => {
            let sum = if f == 2 { z::crc32 } else { z::adler32 };
            let mut v = u32::from_ne_bytes([out[0], out[1], out[2], out[3]]) as c_ulong;
            if data.is_null() {
                v = sum(v, data, 0);
            } else {
                // zlib's length is 32 bits: long inputs go in pieces.
                for chunk in slice.chunks(1 << 30) {
                    v = sum(v, chunk.as_ptr(), chunk.len() as u32);
                }
            }
            out[..4].copy_from_slice(&(v as u32).to_ne_bytes());
        }
        f => return Err(format!("Unknown digest format {f}")),
    }
    Ok(())
}

/// The output size of a digest format (0 if unknown).
pub fn digest_size(format: i32) -> usize {
    match format & 0xFF {
        0 => 16,
        1 => 20,
        2 | 3 => 4,
        _ => 0,
    }
}

/// `digest(out, in, length, format)`: see [`digest_into`]. With bit 256 set,
/// `in` is a NUL-terminated UTF-16 string hashed as UTF-8 (`length` ignored).
#[no_mangle]
pub unsafe extern "C" fn fmt_digest(out: *mut vbyte, input: *mut vbyte, length: i32, format: i32) {
    let size = digest_size(format);
    if size == 0 {
        raise_error(&format!("Unknown digest format {}", format & 0xFF));
    }
    let utf8;
    let (data, len) = if format & 256 != 0 {
        utf8 = crate::std::ucs2::ucs2_to_utf8_bytes(input as *const u16);
        (utf8.as_ptr(), utf8.len())
    } else {
        (input as *const u8, length.max(0) as usize)
    };
    hl_blocking(true);
    let out = std::slice::from_raw_parts_mut(out, size);
    let _ = digest_raw(out, data, len, format);
    hl_blocking(false);
}

// ---------------------------------------------------------------------------
// Images: scaling only.

/// `img_scale(out, outPos, outStride, outW, outH, in, inPos, inStride, inW, inH, flags)`:
/// resizes 32-bit pixels, nearest (flags bit 0 clear) or bilinear (set), with
/// libhl's single-precision arithmetic.
#[no_mangle]
pub unsafe extern "C" fn fmt_img_scale(
    out: *mut vbyte,
    out_pos: i32,
    out_stride: i32,
    out_width: i32,
    out_height: i32,
    input: *mut vbyte,
    in_pos: i32,
    in_stride: i32,
    in_width: i32,
    in_height: i32,
    flags: i32,
) {
    let scale_x = if out_width <= 1 { 0.0f32 } else { (in_width as f32 - 1.001f32) / (out_width - 1) as f32 };
    let scale_y = if out_height <= 1 { 0.0f32 } else { (in_height as f32 - 1.001f32) / (out_height - 1) as f32 };
    let mut o = out.offset(out_pos as isize);
    let inp = input.offset(in_pos as isize);
    hl_blocking(true);
    for y in 0..out_height.max(0) {
        for x in 0..out_width.max(0) {
            let fx = x as f32 * scale_x;
            let fy = y as f32 * scale_y;
            let ix = fx as i32;
            let iy = fy as i32;
            let row = inp.offset(iy as isize * in_stride as isize);
            let px = |p: *const u8| -> [u8; 4] { (p as *const [u8; 4]).read_unaligned() };
            if flags & 1 == 0 {
                let p = px(row.offset((ix as isize) << 2));
                (o as *mut [u8; 4]).write_unaligned(p);
                o = o.add(4);
            } else {
                let rx = fx - ix as f32;
                let ry = fy - iy as f32;
                let rx1 = 1.0f32 - rx;
                let ry1 = 1.0f32 - ry;
                let w1 = (rx1 * ry1 * 256.0f32) as i32;
                let w2 = (rx * ry1 * 256.0f32) as i32;
                let w3 = (rx1 * ry * 256.0f32) as i32;
                let w4 = (rx * ry * 256.0f32) as i32;
                let p1 = px(row.offset((ix as isize) << 2));
                let p2 = px(row.offset((ix as isize + 1) << 2));
                let p3 = px(row.offset(in_stride as isize + ((ix as isize) << 2)));
                let p4 = px(row.offset(in_stride as isize + ((ix as isize + 1) << 2)));
                for c in 0..4 {
                    let v = p1[c] as i32 * w1 + p2[c] as i32 * w2 + p3[c] as i32 * w3 + p4[c] as i32 * w4 + 128;
                    *o = (v >> 8) as u8;
                    o = o.add(1);
                }
            }
        }
        o = o.offset(out_stride as isize - ((out_width as isize) << 2));
    }
    hl_blocking(false);
}
