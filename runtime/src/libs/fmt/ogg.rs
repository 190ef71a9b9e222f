//! `fmt@ogg_*`: Ogg Vorbis decoding with libvorbisfile's behaviour (which
//! libhl wraps), decoded by `lewton`.
//!
//! - `ogg_read` returns what is left of the current decoded packet, at most
//!   `size` bytes, interleaved, converted as `ov_read` does: `round(f * 32768)`
//!   (or `* 128` for 8-bit) clipped, optionally unsigned (+32768 / +128) and
//!   big-endian; 0 at the end of the stream; a negative value for a buffer
//!   smaller than one sample frame or a bad format.
//! - `ogg_seek` is sample-exact: decoding resumes at an Ogg page a little
//!   before the target (or continues from the current position when that is
//!   close), and the samples before the target are dropped, so what follows is
//!   exactly what a linear read gives.
//! - The total length is the last page's granule position.

use lewton::inside_ogg::OggStreamReader;

/// How far before a seek target decoding restarts (in samples): more than a
/// page plus the longest Vorbis block, so the target is decoded normally.
const SEEK_MARGIN: u64 = 16384;
use lewton::samples::InterleavedSamples;
use std::io::Cursor;

pub struct Ogg {
    /// The compressed file (a copy: the Haxe bytes may move or die).
    data: std::sync::Arc<[u8]>,
    reader: OggStreamReader<Cursor<ArcBytes>>,
    /// The current decoded packet, interleaved, and how much of it was read.
    packet: Vec<f32>,
    used: usize,
    /// Samples (per channel) returned so far: `ov_pcm_tell`.
    position: u64,
    pub channels: usize,
    pub rate: u32,
    pub bitrate: i32,
    pub total: u64,
    /// Seeks that jumped to a page rather than decoding from the start.
    pub page_seeks: u32,
}

/// Shared ownership of the file for the reader's cursor.
#[derive(Clone)]
struct ArcBytes(std::sync::Arc<[u8]>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The granule position of the last Ogg page of the first logical stream
/// that has one: the stream's length in samples.
fn last_granule(data: &[u8]) -> u64 {
    let mut pos = 0;
    let mut serial = None;
    let mut last = 0u64;
    while pos + 27 <= data.len() {
        if &data[pos..pos + 4] != b"OggS" {
            // Resynchronise on the next capture pattern.
            match data[pos + 1..].windows(4).position(|w| w == b"OggS") {
                Some(p) => pos += 1 + p,
                None => break,
            }
            continue;
        }
        let h = &data[pos..];
        let granule = i64::from_le_bytes(h[6..14].try_into().unwrap());
        let s = u32::from_le_bytes(h[14..18].try_into().unwrap());
        let segments = usize::from(h[26]);
        if pos + 27 + segments > data.len() {
            break;
        }
        let body: usize = h[27..27 + segments].iter().map(|&b| usize::from(b)).sum();
        if *serial.get_or_insert(s) == s && granule >= 0 {
            last = granule as u64;
        }
        pos += 27 + segments + body;
    }
    last
}

impl Ogg {
    /// `ov_open_callbacks` over a copy of `data`; `None` if it is not Ogg Vorbis.
    pub fn open(data: &[u8]) -> Option<Ogg> {
        let data: std::sync::Arc<[u8]> = data.into();
        let reader = OggStreamReader::new(Cursor::new(ArcBytes(data.clone()))).ok()?;
        let h = &reader.ident_hdr;
        let (channels, rate, bitrate) = (usize::from(h.audio_channels), h.audio_sample_rate, h.bitrate_nominal);
        let total = last_granule(&data);
        Some(Ogg { data, reader, packet: Vec::new(), used: 0, position: 0, channels, rate, bitrate, total, page_seeks: 0 })
    }

    pub fn tell(&self) -> u64 {
        self.position
    }

    /// Makes the current packet non-empty; false at the end of the stream
    /// or on a decoding error. Like libvorbisfile, nothing past the last
    /// granule position is returned (the final packet is cut there).
    fn fill(&mut self) -> bool {
        while self.used >= self.packet.len() {
            if self.position >= self.total {
                return false;
            }
            match self.reader.read_dec_packet_generic::<InterleavedSamples<f32>>() {
                Ok(Some(p)) => {
                    self.packet = p.samples;
                    self.used = 0;
                    let left = (self.total - self.position) as usize * self.channels;
                    self.packet.truncate(left);
                }
                _ => return false,
            }
        }
        true
    }

    /// `ov_pcm_seek`: false (and the position unchanged) outside `0..=total`.
    pub fn seek(&mut self, sample: i64) -> bool {
        if sample < 0 || sample as u64 > self.total {
            return false;
        }
        let target = sample as u64;
        if (target < self.position || target - self.position > SEEK_MARGIN) && !self.seek_page(target) {
            // Decode from the start: slow for far targets, always right.
            match OggStreamReader::new(Cursor::new(ArcBytes(self.data.clone()))) {
                Ok(r) => self.reader = r,
                Err(_) => return false,
            }
            self.packet.clear();
            self.used = 0;
            self.position = 0;
        }
        while self.position < target {
            if !self.fill() {
                break;
            }
            let left = ((self.packet.len() - self.used) / self.channels) as u64;
            let skip = left.min(target - self.position);
            self.used += skip as usize * self.channels;
            self.position += skip;
        }
        true
    }

    /// Moves to an Ogg page some way before `target` and decodes up to the
    /// first page end, which tells the absolute position of what was decoded.
    /// The first packet after the jump gives no samples (it only primes the
    /// overlap), so everything from then on equals a linear decode. False
    /// (state undefined: the caller restarts) when that does not land at or
    /// before `target`.
    fn seek_page(&mut self, target: u64) -> bool {
        if target < SEEK_MARGIN {
            return false;
        }
        if self.reader.seek_absgp_pg(target - SEEK_MARGIN).is_err() {
            return false;
        }
        let mut decoded: Vec<f32> = Vec::new();
        let end = loop {
            match self.reader.read_dec_packet_generic::<InterleavedSamples<f32>>() {
                Ok(Some(p)) => decoded.extend_from_slice(&p.samples),
                // The jump may land on the header pages: skip them.
                Err(lewton::VorbisError::BadAudio(lewton::audio::AudioReadError::AudioIsHeader)) => {}
                _ => return false,
            }
            if let Some(g) = self.reader.get_last_absgp() {
                break g;
            }
        };
        let frames = (decoded.len() / self.channels) as u64;
        let Some(start) = end.checked_sub(frames).filter(|&s| s <= target) else { return false };
        decoded.truncate(self.total.saturating_sub(start) as usize * self.channels);
        self.packet = decoded;
        self.used = 0;
        self.position = start;
        self.page_seeks += 1;
        true
    }

    /// `ov_read(output, size, bigendian, word, signed)` with libhl's `format`
    /// bits (1 = 8-bit, 2 = 16-bit, 128 = big-endian, 256 = unsigned).
    pub fn read(&mut self, out: &mut [u8], format: i32) -> i32 {
        let word = match format & 127 {
            1 => 1,
            2 => 2,
            _ => return -1,
        };
        if !self.fill() {
            return 0;
        }
        let frame = word * self.channels;
        let frames = ((self.packet.len() - self.used) / self.channels).min(out.len() / frame);
        if frames == 0 {
            return -131; // OV_EINVAL
        }
        let signed = format & 256 == 0;
        let big = format & 128 != 0;
        let src = &self.packet[self.used..self.used + frames * self.channels];
        for (i, &f) in src.iter().enumerate() {
            if word == 1 {
                let v = ftoi(f * 128.0).clamp(-128, 127);
                out[i] = (if signed { v } else { v + 128 }) as u8;
            } else {
                let v = ftoi(f * 32768.0).clamp(-32768, 32767);
                let v = (if signed { v } else { v + 32768 }) as u16;
                out[i * 2..i * 2 + 2].copy_from_slice(&if big { v.to_be_bytes() } else { v.to_le_bytes() });
            }
        }
        self.used += frames * self.channels;
        self.position += frames as u64;
        (frames * frame) as i32
    }
}

/// libvorbis's `vorbis_ftoi` on x86-64 (SSE2 `cvtsd2si`: round to nearest, ties to even).
fn ftoi(f: f32) -> i32 {
    let r = f64::from(f).round_ties_even();
    if r.is_nan() { i32::MIN } else { r as i32 }
}
