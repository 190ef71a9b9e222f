//! Natives of HashLink's `fmt` library (`libs/fmt`): every one of them. HL/C
//! names a native `fmt@name` `fmt_<name>`.
//!
//! - zlib streams (`haxe.zip.Compress` / `Uncompress`) and `digest`
//!   (`haxe.crypto.Md5`, `Sha1`, crc32 / adler32): here. zlib streams use the
//!   C zlib itself (`libz-sys`, built statically), so flush modes, window
//!   bits, return codes, error messages and the compressed bytes are those of
//!   HashLink's zlib.
//! - Images (`hl.Format`, Heaps' `hxd.res.Image`): `png_decode` ([`png`]),
//!   `jpg_decode` / `jpg_encode` ([`jpeg`]), `dxt_decode` ([`dxt`]),
//!   `img_scale` ([`scale`]).
//! - Sound (Heaps' `hxd.snd.OggData` / `Mp3Data`): `ogg_*` ([`ogg`]),
//!   `mp3_*` ([`mp3`]).
//! - `compute_mikkt_tangents` ([`mikkt`]).
//!
//! Each codec lives in its own module so a program that never calls it does
//! not keep it (the linker drops unreferenced sections).

// The natives follow libhl's C signatures: callers pass HashLink values.
#![allow(clippy::missing_safety_doc, clippy::too_many_arguments)]

use crate::abi::*;
use crate::gc::{hl_blocking, hl_gc_alloc_gen};
use crate::std::raise_error;
use libz_sys as z;
use std::ffi::{c_int, c_ulong, CStr};
use std::ptr::null_mut;

pub mod dxt;
pub mod jpeg;
pub mod mikkt;
pub mod mp3;
pub mod ogg;
pub mod png;
pub mod scale;
pub use scale::fmt_img_scale;

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
    // SAFETY: the pointer and length describe `data`.
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
// Images.

/// Runs a decoder on untrusted data: a panic inside a codec crate (a bug,
/// not an expected outcome) becomes `fallback` instead of unwinding into
/// HL code.
fn guarded<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// `png_decode(data, dataLen, out, width, height, stride, format, flags)`:
/// false if the file does not decode or is not `width` x `height`; throws
/// "Unsupported format" for a format libhl does not map. `stride` counts
/// components (bytes, or 16-bit units for the linear formats 12-15); flags
/// bit 0 writes the rows bottom-up.
#[no_mangle]
pub unsafe extern "C" fn fmt_png_decode(
    data: *mut vbyte,
    len: i32,
    out: *mut vbyte,
    width: i32,
    height: i32,
    stride: i32,
    format: i32,
    flags: i32,
) -> bool {
    if data.is_null() || len <= 0 {
        return false;
    }
    hl_blocking(true);
    // SAFETY: the caller passes `len` readable bytes.
    let img = guarded(None, || png::decode(unsafe { std::slice::from_raw_parts(data, len as usize) }));
    hl_blocking(false);
    let Some(img) = img else { return false };
    let Some(fmt) = png::format_flags(format) else { raise_error("Unsupported format") };
    if img.header.width != width as u32 || img.header.height != height as u32 || out.is_null() {
        return false;
    }
    hl_blocking(true);
    let stride = if flags & 1 != 0 { stride.wrapping_neg() } else { stride };
    // SAFETY: the caller's buffer holds `height` rows of `stride` components.
    let ok = guarded(false, || unsafe { png::write_pixels(img, fmt, out, stride) });
    hl_blocking(false);
    ok
}

/// `jpg_decode(data, dataLen, out, width, height, stride, format, flags)`:
/// see [`jpeg::decode`].
#[no_mangle]
pub unsafe extern "C" fn fmt_jpg_decode(
    data: *mut vbyte,
    len: i32,
    out: *mut vbyte,
    width: i32,
    height: i32,
    stride: i32,
    format: i32,
    flags: i32,
) -> bool {
    if data.is_null() || len <= 0 || out.is_null() {
        return false;
    }
    hl_blocking(true);
    // SAFETY: `len` readable bytes; the caller sized `out` for the request.
    let ok = guarded(false, || unsafe { jpeg::decode(std::slice::from_raw_parts(data, len as usize), out, width, height, stride, format, flags) });
    hl_blocking(false);
    ok
}

/// `jpg_encode(data, width, height, stride, format, subsamp, quality, flags,
/// &outLength)`: the JPEG file, in a buffer of TurboJPEG's worst-case size
/// (`tjBufSize`), with its real length in `outLength`; null and 0 on failure.
#[no_mangle]
pub unsafe extern "C" fn fmt_jpg_encode(
    data: *mut vbyte,
    width: i32,
    height: i32,
    stride: i32,
    format: i32,
    subsamp: i32,
    quality: i32,
    flags: i32,
    out_len: *mut i32,
) -> *mut vbyte {
    hl_blocking(true);
    // SAFETY: the caller's pixels cover `height` rows of `stride` bytes.
    let jpg = guarded(None, || unsafe { jpeg::encode(data, width, height, stride, format, subsamp, quality, flags) });
    hl_blocking(false);
    let (Some(jpg), Some(cap)) = (jpg, jpeg::buf_size(width, height, subsamp)) else {
        crate::std::set_out(out_len, 0);
        return null_mut();
    };
    let buf = crate::std::bytes::hl_alloc_bytes(cap.max(jpg.len()) as i32);
    // SAFETY: `buf` was just allocated with at least `jpg.len()` bytes.
    unsafe { std::ptr::copy_nonoverlapping(jpg.as_ptr(), buf, jpg.len()) };
    crate::std::set_out(out_len, jpg.len() as i32);
    buf
}

/// `dxt_decode(data, out, width, height, format)`: DXT1/3/5 (format 1-3)
/// into RGBA words; false for another format.
#[no_mangle]
pub unsafe extern "C" fn fmt_dxt_decode(data: *mut vbyte, out: *mut vbyte, width: i32, height: i32, format: i32) -> bool {
    let Some(in_size) = dxt::input_size(width, height, format) else { return false };
    let out_size = dxt::output_size(width, height);
    if in_size == 0 || out_size == 0 {
        return true;
    }
    if data.is_null() || out.is_null() {
        raise_error("Null access");
    }
    // SAFETY: libhl reads and writes exactly these ranges for these sizes;
    // `out` is 4-byte aligned GC or malloc memory in every caller.
    let (src, dst) = unsafe {
        (std::slice::from_raw_parts(data, in_size), std::slice::from_raw_parts_mut(out as *mut u32, out_size))
    };
    dxt::decode(src, dst, width as usize, height as usize, format)
}

// ---------------------------------------------------------------------------
// Sound.

/// `fmt_ogg`: a finalizer block owning the decoder.
#[repr(C)]
pub struct FmtOgg {
    finalize: Option<unsafe extern "C" fn(*mut FmtOgg)>,
    ogg: *mut ogg::Ogg,
}

unsafe extern "C" fn ogg_free(h: *mut FmtOgg) {
    // SAFETY: `ogg` is null or the Box this handle was given; the GC calls
    // the finalizer once, and it disarms itself.
    unsafe {
        if !(*h).ogg.is_null() {
            drop(Box::from_raw((*h).ogg));
        }
        (*h).ogg = null_mut();
        (*h).finalize = None;
    }
}

/// The decoder behind a handle; throws on a null one (as libhl crashes).
unsafe fn ogg_of<'a>(h: *mut FmtOgg) -> &'a mut ogg::Ogg {
    // SAFETY: a non-null handle was made by `fmt_ogg_open` and is alive
    // while the caller holds it.
    unsafe {
        if h.is_null() || (*h).ogg.is_null() {
            raise_error("Null access");
        }
        &mut *(*h).ogg
    }
}

/// `ogg_open(bytes, size)`: a decoder over a copy of the file, or null if it
/// is not Ogg Vorbis.
#[no_mangle]
pub unsafe extern "C" fn fmt_ogg_open(bytes: *mut vbyte, size: i32) -> *mut FmtOgg {
    if bytes.is_null() || size <= 0 {
        return null_mut();
    }
    // SAFETY: the caller passes `size` readable bytes.
    let Some(ogg) = ogg::Ogg::open(unsafe { std::slice::from_raw_parts(bytes, size as usize) }) else {
        return null_mut();
    };
    let h = hl_gc_alloc_gen(hlt_abstract.get(), std::mem::size_of::<FmtOgg>() as i32, mem::KIND_FINALIZER) as *mut FmtOgg;
    // SAFETY: `h` is a fresh block of the right size.
    unsafe { h.write(FmtOgg { finalize: Some(ogg_free), ogg: Box::into_raw(Box::new(ogg)) }) };
    h
}

/// `ogg_info(o, &bitrate, &freq, &samples, &channels)`.
#[no_mangle]
pub unsafe extern "C" fn fmt_ogg_info(h: *mut FmtOgg, bitrate: *mut i32, freq: *mut i32, samples: *mut i32, channels: *mut i32) {
    // SAFETY: see `ogg_of`.
    let i = unsafe { ogg_of(h) }.info();
    crate::std::set_out(bitrate, i.bitrate);
    crate::std::set_out(freq, i.rate);
    crate::std::set_out(samples, i.samples);
    crate::std::set_out(channels, i.channels);
}

/// `ogg_tell(o)`: the next sample `ogg_read` returns.
#[no_mangle]
pub unsafe extern "C" fn fmt_ogg_tell(h: *mut FmtOgg) -> i32 {
    // SAFETY: see `ogg_of`.
    unsafe { ogg_of(h) }.tell()
}

/// `ogg_seek(o, sample)`: `ov_pcm_seek`; false outside the stream.
#[no_mangle]
pub unsafe extern "C" fn fmt_ogg_seek(h: *mut FmtOgg, sample: i32) -> bool {
    // SAFETY: see `ogg_of`.
    let o = unsafe { ogg_of(h) };
    hl_blocking(true);
    let ok = o.seek(sample);
    hl_blocking(false);
    ok
}

/// `ogg_read(o, output, size, format)`: see [`ogg::Ogg::read`].
#[no_mangle]
pub unsafe extern "C" fn fmt_ogg_read(h: *mut FmtOgg, output: *mut vbyte, size: i32, format: i32) -> i32 {
    // SAFETY: see `ogg_of`.
    let o = unsafe { ogg_of(h) };
    if output.is_null() || size < 0 {
        return -1;
    }
    hl_blocking(true);
    // SAFETY: the caller passes `size` writable bytes.
    let n = o.read(unsafe { std::slice::from_raw_parts_mut(output, size as usize) }, format);
    hl_blocking(false);
    n
}

/// `mp3_open()`: a decoder (a GC block without pointers, as in libhl).
#[no_mangle]
pub unsafe extern "C" fn fmt_mp3_open() -> *mut mp3::Mp3 {
    let h = hl_gc_alloc_gen(hlt_abstract.get(), std::mem::size_of::<mp3::Mp3>() as i32, mem::KIND_NOPTR) as *mut mp3::Mp3;
    // SAFETY: `h` is a fresh block of the right size.
    unsafe { mp3::Mp3::init(h) };
    h
}

/// `mp3_frame_info(o, &bitrate_kbps, &channels, &frame_bytes, &hz, &layer)`:
/// of the last frame `mp3_decode_frame` looked at.
#[no_mangle]
pub unsafe extern "C" fn fmt_mp3_frame_info(
    h: *mut mp3::Mp3,
    bitrate: *mut i32,
    channels: *mut i32,
    frame_bytes: *mut i32,
    hz: *mut i32,
    layer: *mut i32,
) {
    if h.is_null() {
        raise_error("Null access");
    }
    // SAFETY: a non-null handle comes from `fmt_mp3_open`.
    let i = unsafe { (*h).info };
    crate::std::set_out(bitrate, i.bitrate_kbps);
    crate::std::set_out(channels, i.channels);
    crate::std::set_out(frame_bytes, i.frame_bytes);
    crate::std::set_out(hz, i.hz);
    crate::std::set_out(layer, i.layer);
}

/// `mp3_decode_frame(o, bytes, size, position, output, outputSize, offset)`:
/// see [`mp3::Mp3::decode_frame`]; the float samples go to `output + offset`.
#[no_mangle]
pub unsafe extern "C" fn fmt_mp3_decode_frame(
    h: *mut mp3::Mp3,
    bytes: *mut vbyte,
    size: i32,
    position: i32,
    output: *mut vbyte,
    output_size: i32,
    offset: i32,
) -> i32 {
    if position < 0 || size <= position {
        return -1;
    }
    if h.is_null() || bytes.is_null() {
        raise_error("Null access");
    }
    let room = output_size.wrapping_sub(offset).max(0) as usize;
    hl_blocking(true);
    // SAFETY: `size` readable input bytes; `room` writable bytes from
    // `output + offset` (none when the output is null); a live handle.
    let n = unsafe {
        let out: &mut [u8] = if output.is_null() || room == 0 {
            &mut []
        } else {
            std::slice::from_raw_parts_mut(output.offset(offset as isize), room)
        };
        (*h).decode_frame(std::slice::from_raw_parts(bytes, size as usize), position as usize, out)
    };
    hl_blocking(false);
    n
}

// ---------------------------------------------------------------------------
// Meshes.

/// `compute_mikkt_tangents(m, threshold)`: `m` is a Haxe `Mikktspace`
/// object (see [`mikkt::MikktInfo`]); false when it has no triangle.
#[no_mangle]
pub unsafe extern "C" fn fmt_compute_mikkt_tangents(m: *mut mikkt::MikktInfo, threshold: f64) -> bool {
    if m.is_null() {
        raise_error("Null access");
    }
    hl_blocking(true);
    // SAFETY: the object's buffers are sized for its counts (libhl's contract).
    let ok = unsafe { mikkt::compute(&*m, threshold) };
    hl_blocking(false);
    ok
}
