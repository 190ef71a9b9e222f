//! `fmt@mp3_*`: MPEG audio layers I-III through minimp3 (the decoder libhl
//! uses, compiled by the `rmp3` crate with float output and layers I/II, as
//! in HashLink's fmt), with libhl's frame loop around it.

use rmp3::ffi;

/// `fmt_mp3`: the decoder state, the last frame's information and the PCM
/// of the last frame. Plain data, kept in a GC block without pointers.
#[repr(C)]
pub struct Mp3 {
    dec: ffi::mp3dec_t,
    pub info: ffi::mp3dec_frame_info_t,
    pcm: [f32; ffi::MINIMP3_MAX_SAMPLES_PER_FRAME as usize],
}

/// minimp3's header size: the frame search stops this many bytes before the
/// end of the input.
const HDR_SIZE: i32 = 4;

impl Mp3 {
    /// Initialises a decoder in place (`mp3dec_init`), its frame information zeroed.
    ///
    /// # Safety
    /// `this` must be writable for `size_of::<Mp3>()` bytes.
    pub unsafe fn init(this: *mut Mp3) {
        // SAFETY: the caller guarantees `this` is writable; all-zero is a valid
        // `Mp3` (plain integers and floats), and mp3dec_init sets what it needs.
        unsafe {
            std::ptr::write_bytes(this, 0, 1);
            ffi::mp3dec_init(&mut (*this).dec);
        }
    }

    /// libhl's `mp3_decode_frame`: decodes the frame at `data[position..]`,
    /// skipping garbage and frames that give no samples (such as those whose
    /// bit reservoir is missing after a seek), and copies the float samples
    /// to `out`. Returns the samples per channel, 0 if no frame was found, -1
    /// for a position outside the input or an output too small.
    pub fn decode_frame(&mut self, data: &[u8], mut position: usize, out: &mut [u8]) -> i32 {
        if position >= data.len() {
            return -1;
        }
        let mut samples;
        loop {
            let input = &data[position..];
            let len = input.len().min(i32::MAX as usize) as i32;
            // minimp3 sets `frame_offset` only when it found a frame header.
            self.info.frame_offset = -1;
            // SAFETY: `input` is readable for `len` bytes, `pcm` holds the
            // largest frame minimp3 writes, `dec` was initialised.
            samples = unsafe { ffi::mp3dec_decode_frame(&mut self.dec, input.as_ptr(), len, self.pcm.as_mut_ptr(), &mut self.info) };
            if samples == 0 && self.info.frame_offset == -1 && self.info.frame_bytes == len {
                // Nothing found: the minimp3 libhl bundles reports the bytes it
                // scanned (all but the last header's worth), not the whole input.
                self.info.frame_bytes = (len - HDR_SIZE).max(0);
            }
            if samples != 0 || self.info.frame_bytes == 0 {
                break;
            }
            position += self.info.frame_bytes as usize;
            if position >= data.len() {
                break;
            }
        }
        if samples == 0 || self.info.frame_bytes == 0 {
            return 0;
        }
        let count = samples as usize * self.info.channels as usize;
        if out.len() < count * 4 {
            return -1;
        }
        for (dst, s) in out.chunks_exact_mut(4).zip(&self.pcm[..count]) {
            dst.copy_from_slice(&s.to_ne_bytes());
        }
        samples
    }
}
