//! `fmt@ogg_*`: Ogg Vorbis through libvorbisfile, as libhl does: the C
//! libvorbis 1.3.7 and libvorbisfile (compiled from the `vorbis-sys`
//! crate's sources, see `vorbis.c` beside this file) decode, so samples,
//! lengths, seeking, chained streams and streams that do not start at sample
//! 0 behave as in HashLink's `fmt.hdll`.

use std::ffi::{c_char, c_int, c_long};
// The C libraries `vorbis.c` calls into (linked only when named here).
use ogg_sys as _;
use vorbis_sys as _;

/// `hlrt_ogg` of `vorbis.c`: vorbisfile's state and the read position.
#[repr(C)]
struct RawOgg {
    _opaque: [u8; 0],
}

extern "C" {
    fn hlrt_ogg_open(bytes: *const u8, size: c_int) -> *mut RawOgg;
    fn hlrt_ogg_close(o: *mut RawOgg);
    fn hlrt_ogg_info(o: *mut RawOgg, bitrate: *mut c_int, freq: *mut c_int, samples: *mut c_int, channels: *mut c_int);
    fn hlrt_ogg_tell(o: *mut RawOgg) -> c_int;
    fn hlrt_ogg_seek(o: *mut RawOgg, sample: c_int) -> c_int;
    fn hlrt_ogg_read(o: *mut RawOgg, out: *mut c_char, size: c_int, bigendian: c_int, word: c_int, signed: c_int) -> c_long;
}

/// An open stream over its own copy of the file (libhl keeps a pointer to
/// the Haxe bytes; a copy stays valid whatever the program does with them).
pub struct Ogg {
    raw: *mut RawOgg,
    /// Read by `raw` through the pointer it was opened with; never moved.
    _data: Box<[u8]>,
}

/// What `ogg_info` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    pub bitrate: i32,
    pub rate: i32,
    /// `ov_pcm_total(-1)`: every link of a chained stream.
    pub samples: i32,
    pub channels: i32,
}

impl Ogg {
    /// `ov_open_callbacks` over a copy of `data`; `None` if it is not Ogg
    /// Vorbis (or longer than libhl's `int` sizes allow).
    pub fn open(data: &[u8]) -> Option<Ogg> {
        let size = c_int::try_from(data.len()).ok()?;
        let data: Box<[u8]> = data.into();
        // SAFETY: `data` is heap memory that lives (unmoved) as long as the
        // handle, which is all vorbisfile's callbacks read.
        let raw = unsafe { hlrt_ogg_open(data.as_ptr(), size) };
        (!raw.is_null()).then_some(Ogg { raw, _data: data })
    }

    pub fn info(&self) -> Info {
        let (mut bitrate, mut rate, mut samples, mut channels) = (0, 0, 0, 0);
        // SAFETY: `raw` is an open stream.
        unsafe { hlrt_ogg_info(self.raw, &mut bitrate, &mut rate, &mut samples, &mut channels) };
        Info { bitrate, rate, samples, channels }
    }

    /// `ov_pcm_tell`, truncated to `int` as libhl does.
    pub fn tell(&self) -> i32 {
        // SAFETY: `raw` is an open stream.
        unsafe { hlrt_ogg_tell(self.raw) }
    }

    /// `ov_pcm_seek(sample) == 0`.
    pub fn seek(&mut self, sample: i32) -> bool {
        // SAFETY: `raw` is an open stream.
        unsafe { hlrt_ogg_seek(self.raw, sample) != 0 }
    }

    /// `ov_read(output, size, bigendian, word, signed)` with libhl's `format`
    /// bits (1 = 8-bit, 2 = 16-bit, 128 = big-endian, 256 = unsigned): the
    /// byte count, 0 at the end, a negative `OV_*` code on failure; -1 for
    /// a format libhl does not pass on.
    pub fn read(&mut self, out: &mut [u8], format: i32) -> i32 {
        if !matches!(format & 127, 1 | 2) {
            return -1;
        }
        let size = c_int::try_from(out.len()).unwrap_or(c_int::MAX);
        let big = c_int::from(format & 128 != 0);
        let signed = c_int::from(format & 256 == 0);
        // SAFETY: `raw` is an open stream; `out` has `size` writable bytes.
        unsafe { hlrt_ogg_read(self.raw, out.as_mut_ptr().cast(), size, big, format & 3, signed) as i32 }
    }
}

impl Drop for Ogg {
    fn drop(&mut self) {
        // SAFETY: `raw` is open and closed only here.
        unsafe { hlrt_ogg_close(self.raw) }
    }
}
