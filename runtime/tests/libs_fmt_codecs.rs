//! `fmt` image and sound natives against reference values from the libraries
//! HashLink's `fmt.hdll` links (libpng's simplified API, TurboJPEG,
//! libvorbisfile, minimp3), called as `fmt.hdll` calls them. The inputs and
//! expected values are under `tests/data/fmt/` (see its README.md).

use hlrt::libs::fmt::*;
use std::ptr::null_mut;

fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/fmt/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn md5_hex(b: &[u8]) -> String {
    use md5::Digest as _;
    md5::Md5::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

// ---------------------------------------------------------------------------
// PNG

/// Every case of `expected/png.txt` (17 files: every colour type and bit
/// depth, 4-bit grey, tRNS, palettes with and without transparency, Adam7,
/// gAMA 1.0, 0.8 and 0.45455, sRGB and sBIT chunks; every format libhl maps,
/// top-down and bottom-up, packed and padded rows, composition onto buffers
/// of 0, 128 and 255): the same result and bytes as libpng, untouched bytes
/// included.
#[test]
fn png_decode_matches_libpng() {
    no_gc();
    let mut failures = Vec::new();
    let cases = table("expected/png.txt");
    for f in &cases {
        let n: Vec<i32> = f[1..5].iter().map(|v| v.parse().unwrap()).collect();
        let (format, flags, stride, fill) = (n[0], n[1], n[2], n[3] as u8);
        let comps = match format {
            0 | 1 | 13 => 3,
            12 => 1,
            15 => 2,
            _ => 4,
        };
        let unit = if format >= 12 { 2 } else { 1 };
        let size = (if stride == 0 { 21 * comps } else { stride.unsigned_abs() as usize }) * 13 * unit + 64;
        let mut src = data(&f[0]);
        let mut out = vec![fill; size];
        let ok = unsafe { fmt_png_decode(src.as_mut_ptr(), src.len() as i32, out.as_mut_ptr(), 21, 13, stride, format, flags) };
        let got = format!("{} {}", if ok { "ok" } else { "fail" }, md5_hex(&out));
        if got != f[5..].join(" ") {
            failures.push(format!("{}: {got}", f.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn png_decode_rejects_bad_input() {
    no_gc();
    let mut src = data("rgba8.png");
    let mut out = vec![0u8; 21 * 13 * 4];
    unsafe {
        // Wrong size, truncated file, corrupted CRC, not a PNG, short stride.
        assert!(!fmt_png_decode(src.as_mut_ptr(), src.len() as i32, out.as_mut_ptr(), 20, 13, 0, 7, 0));
        assert!(!fmt_png_decode(src.as_mut_ptr(), src.len() as i32 - 20, out.as_mut_ptr(), 21, 13, 0, 7, 0));
        let mut bad = src.clone();
        bad[40] ^= 0x55;
        assert!(!fmt_png_decode(bad.as_mut_ptr(), bad.len() as i32, out.as_mut_ptr(), 21, 13, 0, 7, 0));
        let mut jpg = data("gray.jpg");
        assert!(!fmt_png_decode(jpg.as_mut_ptr(), jpg.len() as i32, out.as_mut_ptr(), 21, 13, 0, 7, 0));
        assert!(!fmt_png_decode(src.as_mut_ptr(), src.len() as i32, out.as_mut_ptr(), 21, 13, 83, 7, 0));
        assert!(!fmt_png_decode(null_mut(), 0, out.as_mut_ptr(), 21, 13, 0, 7, 0));
    }
}

// ---------------------------------------------------------------------------
// JPEG

/// The fields of one line of an `expected/*.txt` table (comments skipped).
fn table(name: &str) -> Vec<Vec<String>> {
    let text = String::from_utf8(data(name)).unwrap();
    text.lines().filter(|l| !l.starts_with('#')).map(|l| l.split_whitespace().map(str::to_owned).collect()).collect()
}

/// Every case of `expected/jpeg_decode.txt` (12 files: 4:2:0, 4:2:2, 4:4:4,
/// 4:4:0, 4:1:1, greyscale, progressive, arithmetic-coded, restart markers,
/// YCCK, Adobe CMYK; every pixel format, bottom-up, padded rows, all
/// sixteen scaling factors and sizes no factor meets; truncated files):
/// the same result and the same bytes as TurboJPEG 2.1.5, untouched buffer
/// bytes included.
#[test]
fn jpg_decode_matches_turbojpeg() {
    no_gc();
    let mut failures = Vec::new();
    let cases = table("expected/jpeg_decode.txt");
    for f in &cases {
        let (file, cut) = match f[0].split_once('@') {
            Some((file, cut)) => (file, Some(cut.parse::<usize>().unwrap())),
            None => (f[0].as_str(), None),
        };
        let n: Vec<i32> = f[1..7].iter().map(|v| v.parse().unwrap()).collect();
        let (format, width, height, stride, flags, size) = (n[0], n[1], n[2], n[3], n[4], n[5] as usize);
        let mut src = data(file);
        src.truncate(cut.unwrap_or(src.len()));
        let mut out = vec![0xA5u8; size];
        let ok = unsafe { fmt_jpg_decode(src.as_mut_ptr(), src.len() as i32, out.as_mut_ptr(), width, height, stride, format, flags) };
        let got = if ok { format!("ok {}", md5_hex(&out)) } else { "fail -".to_owned() };
        if got != f[7..].join(" ") {
            failures.push(format!("{}: {got}", f.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn jpg_decode_rejects_what_is_not_a_jpeg() {
    no_gc();
    let mut out = vec![0u8; 64 * 64 * 4];
    let mut png = data("rgb8.png");
    assert!(!unsafe { fmt_jpg_decode(png.as_mut_ptr(), png.len() as i32, out.as_mut_ptr(), 21, 13, 0, 7, 0) });
    let mut jpg = data("q85_420.jpg");
    assert!(!unsafe { fmt_jpg_decode(jpg.as_mut_ptr(), 0, out.as_mut_ptr(), 37, 29, 0, 7, 0) });
    assert!(!unsafe { fmt_jpg_decode(jpg.as_mut_ptr(), jpg.len() as i32, out.as_mut_ptr(), 37, 29, 0, 12, 0) });
    assert!(!unsafe { fmt_jpg_decode(jpg.as_mut_ptr(), jpg.len() as i32, out.as_mut_ptr(), 37, 29, -1, 7, 0) });
}

/// `encode_src.rgba`'s bytes repeated to `len` bytes.
fn encode_source(len: usize) -> Vec<u8> {
    data("encode_src.rgba").into_iter().cycle().take(len).collect()
}

/// Every case of `expected/jpeg_encode.txt` (every pixel format, every
/// subsampling, qualities 0-100 across the ISLOW/IFAST switch at 96,
/// bottom-up, padded rows, 1 x 1 and wide images): the same file, byte for
/// byte, as TurboJPEG 2.1.5's `tjCompress2`, or the same failure.
#[test]
fn jpg_encode_matches_turbojpeg() {
    no_gc();
    const PIXEL_SIZE: [usize; 12] = [3, 3, 4, 4, 4, 4, 1, 4, 4, 4, 4, 4];
    let mut failures = Vec::new();
    let cases = table("expected/jpeg_encode.txt");
    for f in &cases {
        let n: Vec<i32> = f[..7].iter().map(|v| v.parse().unwrap()).collect();
        let (w, h, stride, format, subsamp, quality, flags) = (n[0], n[1], n[2], n[3], n[4], n[5], n[6]);
        let row = if stride == 0 { w as usize * PIXEL_SIZE[format as usize] } else { stride as usize };
        let mut src = encode_source(row * h as usize);
        let mut len = -1;
        let p = unsafe { fmt_jpg_encode(src.as_mut_ptr(), w, h, stride, format, subsamp, quality, flags, &mut len) };
        let got = if p.is_null() {
            format!("fail {len} -")
        } else {
            assert!(len as usize <= jpeg::buf_size(w, h, subsamp).unwrap());
            format!("ok {len} {}", md5_hex(unsafe { std::slice::from_raw_parts(p, len as usize) }))
        };
        if got != f[7..].join(" ") {
            failures.push(format!("{}: {got}", f.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn jpg_encode_rejects_bad_arguments() {
    no_gc();
    let mut src = data("encode_src.rgba");
    for (w, q, ss, format) in [(0, 90, 0, 7), (37, -1, 0, 7), (37, 101, 0, 7), (37, 90, 9, 7), (37, 90, 0, 12), (37, 90, -1, 7)] {
        let mut len = 7;
        let p = unsafe { fmt_jpg_encode(src.as_mut_ptr(), w, 29, 0, format, ss, q, 0, &mut len) };
        assert!(p.is_null() && len == 0, "{w} {q} {ss} {format}");
    }
}

// ---------------------------------------------------------------------------
// DXT

/// A 565 colour.
fn c565(r: u16, g: u16, b: u16) -> [u8; 2] {
    (r << 11 | g << 5 | b).to_le_bytes()
}

fn dxt(data: &mut [u8], w: i32, h: i32, format: i32) -> (bool, Vec<u32>) {
    let mut out = vec![0xDEAD_BEEFu32; (w * h) as usize];
    let ok = unsafe { fmt_dxt_decode(data.as_mut_ptr(), out.as_mut_ptr().cast(), w, h, format) };
    (ok, out)
}

fn rgba(r: u32, g: u32, b: u32, a: u32) -> u32 {
    a << 24 | b << 16 | g << 8 | r
}

#[test]
fn dxt1_colours_and_transparency() {
    // Block 1: four-colour mode (c0 > c1), indices 0,1,2,3 in the first row.
    // Block 2: three-colour mode (c0 <= c1), index 3 is transparent black.
    let mut b = Vec::new();
    b.extend(c565(31, 63, 0)); // (255, 255, 0)
    b.extend(c565(0, 0, 31)); // (0, 0, 255)
    b.extend([0b11_10_01_00, 0, 0xFF, 0x55]);
    b.extend(c565(1, 2, 3)); // (8, 8, 25)
    b.extend(c565(30, 61, 29)); // (247, 247, 239)
    b.extend([0b11_10_01_00, 0xE4, 0xE4, 0xE4]);
    let (ok, out) = dxt(&mut b, 8, 4, 1);
    assert!(ok);
    assert_eq!(&out[..4], &[rgba(255, 255, 0, 255), rgba(0, 0, 255, 255), rgba(170, 170, 85, 255), rgba(85, 85, 170, 255)]);
    assert_eq!(out[8], rgba(255, 255, 0, 255)); // row 1 is all index 0
    assert_eq!(out[16], rgba(85, 85, 170, 255)); // row 2 all index 3
    assert_eq!(out[24], rgba(0, 0, 255, 255)); // row 3 (0x55) all index 1
    assert_eq!(&out[4..8], &[rgba(8, 8, 25, 255), rgba(247, 247, 239, 255), rgba(127, 127, 132, 255), 0]);
}

#[test]
fn dxt3_and_dxt5_alpha() {
    // DXT3: explicit 4-bit alpha, high nibble first within each byte.
    let mut b = vec![0x1F, 0x2E, 0x3D, 0x4C, 0, 0, 0, 0];
    b.extend(c565(31, 0, 0));
    b.extend(c565(0, 0, 0));
    b.extend([0; 4]);
    let (ok, out) = dxt(&mut b, 4, 4, 2);
    assert!(ok);
    let alphas: Vec<u32> = out[..4].iter().map(|p| p >> 24).collect();
    assert_eq!(alphas, [17, 255, 34, 238]);
    assert_eq!(out[4] >> 24, 51);
    assert_eq!(out[4] & 0xFFFFFF, 255);
    assert_eq!(out[8] >> 24, 0);
    // DXT5: 8-entry (a0 > a1) and 6-entry ramps; 3-bit indices over 48 bits.
    let ramp = |a0: u8, a1: u8| {
        let idx: u64 = (0..16u64).fold(0, |acc, i| acc | (i % 8) << (3 * i));
        let mut b = vec![a0, a1];
        b.extend(&idx.to_le_bytes()[..6]);
        b.extend(c565(0, 63, 0));
        b.extend(c565(0, 0, 0));
        b.extend([0; 4]);
        let (ok, out) = dxt(&mut b, 4, 4, 3);
        assert!(ok);
        out[..8].iter().map(|p| p >> 24).collect::<Vec<_>>()
    };
    assert_eq!(ramp(200, 10), [200, 10, (6 * 200 + 10) / 7, (5 * 200 + 20) / 7, (800 + 30) / 7, (600 + 40) / 7, (400 + 50) / 7, (200 + 60) / 7]);
    assert_eq!(ramp(10, 200), [10, 200, (40 + 200) / 5, (30 + 400) / 5, (20 + 600) / 5, (10 + 800) / 5, 0, 255]);
    // Unknown formats fail.
    assert!(!dxt(&mut [0u8; 16], 4, 4, 4).0);
    assert!(!dxt(&mut [0u8; 16], 4, 4, 0).0);
}

#[test]
fn dxt_block_rows_follow_libhl_when_width_is_not_a_multiple_of_4() {
    // Width 6: one block a row; the second block row starts 4 + 3 * 6 = 22
    // pixels in, not 24, as in libhl.
    let mut b = Vec::new();
    for c in [c565(31, 0, 0), c565(0, 63, 0)] {
        b.extend(c);
        b.extend(c);
        b.extend([0; 4]);
    }
    let mut out = vec![0u32; 6 * 8];
    assert!(unsafe { fmt_dxt_decode(b.as_mut_ptr(), out.as_mut_ptr().cast(), 6, 8, 1) });
    assert_eq!(out[21], rgba(255, 0, 0, 255)); // the first block's last row ends at 18..=21
    assert_eq!(&out[22..26], &[rgba(0, 255, 0, 255); 4]);
    assert_eq!(out[26], 0);
    assert_eq!(out[4], 0, "columns past the last whole block stay untouched");
}

// ---------------------------------------------------------------------------
// img_scale

#[test]
fn img_scale_nearest_and_bilinear() {
    // 2x2 source scaled to 3x3: the middle pixel blends all four.
    let mut src: Vec<u8> = [[0u8, 0, 0, 0], [255, 255, 255, 255], [100, 0, 0, 0], [0, 100, 0, 200]].concat();
    let mut out = vec![0u8; 3 * 3 * 4 + 4];
    unsafe { fmt_img_scale(out.as_mut_ptr(), 4, 12, 3, 3, src.as_mut_ptr(), 0, 8, 2, 2, 1) };
    // libhl: scale = (2 - 1.001) / 2 in single precision; x = y = 1 gives
    // ix = iy = 0 and fractions r = scale.
    let r = (2.0f32 - 1.001f32) / 2.0f32;
    let r1 = 1.0f32 - r;
    let (w1, w2, w3, w4) = ((r1 * r1 * 256.0) as i32, (r * r1 * 256.0) as i32, (r1 * r * 256.0) as i32, (r * r * 256.0) as i32);
    let mid = |c: [i32; 4]| ((c[0] * w1 + c[1] * w2 + c[2] * w3 + c[3] * w4 + 128) >> 8) as u8;
    let p = &out[4 + 16..][..4];
    assert_eq!(p, [mid([0, 255, 100, 0]), mid([0, 255, 0, 100]), mid([0, 255, 0, 0]), mid([0, 255, 0, 200])]);
    assert_eq!(&out[..4], &[0; 4], "outPos respected");
    // Nearest: every output pixel is one of the source's.
    unsafe { fmt_img_scale(out.as_mut_ptr(), 0, 12, 3, 3, src.as_mut_ptr(), 0, 8, 2, 2, 0) };
    assert_eq!(&out[..12], &[[0u8; 4], [0; 4], [0; 4]].concat()[..]);
    assert_eq!(&out[24..28], &[0u8; 4]);
}

// ---------------------------------------------------------------------------
// Ogg Vorbis

fn ogg_open(file: &str) -> *mut FmtOgg {
    let mut src = data(file);
    let h = unsafe { fmt_ogg_open(src.as_mut_ptr(), src.len() as i32) };
    drop(src); // the decoder keeps its own copy
    assert!(!h.is_null(), "{file}");
    h
}

/// Reads to the end in `chunk`-byte calls: (bytes, number of calls).
fn ogg_read_all(h: *mut FmtOgg, chunk: usize, format: i32) -> (Vec<u8>, usize) {
    let mut all = Vec::new();
    let mut buf = vec![0u8; chunk];
    let mut calls = 0;
    loop {
        let n = unsafe { fmt_ogg_read(h, buf.as_mut_ptr(), chunk as i32, format) };
        assert!(n >= 0, "read error {n}");
        if n == 0 {
            return (all, calls);
        }
        calls += 1;
        all.extend_from_slice(&buf[..n as usize]);
    }
}

/// Replays `expected/ogg.txt` (stereo, mono, 3 s, a chained stream whose
/// links differ in channel count, a stream starting after sample 0, 44.1 kHz
/// stereo): `ogg_info`, complete reads in every format with several buffer
/// sizes (the bytes, every `ogg_read` result, the final `ogg_tell`), a series
/// of seeks on one handle (result, `ogg_tell`, the samples that follow), and
/// opening a file cut inside its headers, all as libvorbisfile 1.3.7 does.
#[test]
fn ogg_matches_libvorbisfile() {
    no_gc();
    let mut failures = Vec::new();
    let cases = table("expected/ogg.txt");
    let mut seeker: Option<(String, *mut FmtOgg)> = None;
    for f in &cases {
        let file = f[0].as_str();
        let got = match f[1].as_str() {
            "info" => {
                let mut i = [0i32; 4];
                unsafe { fmt_ogg_info(ogg_open(file), &mut i[0], &mut i[1], &mut i[2], &mut i[3]) };
                i.map(|v| v.to_string()).join(" ")
            }
            "read" => {
                let (chunk, format): (usize, i32) = (f[2].parse().unwrap(), f[3].parse().unwrap());
                let h = ogg_open(file);
                let (mut all, mut results, mut buf) = (Vec::new(), Vec::new(), vec![0u8; chunk]);
                loop {
                    let n = unsafe { fmt_ogg_read(h, buf.as_mut_ptr(), chunk as i32, format) };
                    results.push(n.to_string());
                    if n <= 0 {
                        break;
                    }
                    all.extend_from_slice(&buf[..n as usize]);
                }
                let results = format!("[{}]", results.join(", "));
                format!("{} {} {} tell {}", all.len(), md5_hex(&all), md5_hex(results.as_bytes()), unsafe { fmt_ogg_tell(h) })
            }
            "seek" => {
                if seeker.as_ref().is_none_or(|(name, _)| name != file) {
                    seeker = Some((file.to_owned(), ogg_open(file)));
                }
                let h = seeker.as_ref().unwrap().1;
                let ok = unsafe { fmt_ogg_seek(h, f[2].parse().unwrap()) };
                let tell = unsafe { fmt_ogg_tell(h) };
                let (mut next, mut buf) = (Vec::new(), vec![0u8; 4096]);
                while next.len() < 4096 {
                    let n = unsafe { fmt_ogg_read(h, buf.as_mut_ptr(), 4096, 2) };
                    if n <= 0 {
                        break;
                    }
                    next.extend_from_slice(&buf[..n as usize]);
                }
                format!("{} {tell} {}", i32::from(ok), md5_hex(&next))
            }
            "open" => {
                let (name, cut) = file.split_once('@').unwrap();
                let mut src = data(name);
                let h = unsafe { fmt_ogg_open(src.as_mut_ptr(), cut.parse().unwrap()) };
                i32::from(!h.is_null()).to_string()
            }
            other => panic!("unknown case {other}"),
        };
        let want = match f[1].as_str() {
            "seek" => f[3..].join(" "),
            "read" => f[4..].join(" "),
            _ => f[2..].join(" "),
        };
        if got != want {
            failures.push(format!("{}: {got}", f.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn ogg_bad_calls() {
    no_gc();
    let h = ogg_open("stereo.ogg");
    // Too small for one stereo frame (ov_read's OV_EINVAL), and a float
    // format, which libhl does not pass on.
    let mut buf = [0u8; 3];
    assert_eq!(unsafe { fmt_ogg_read(h, buf.as_mut_ptr(), 3, 2) }, -131);
    assert_eq!(unsafe { fmt_ogg_read(h, buf.as_mut_ptr(), 3, 3) }, -1);
    // Not Ogg Vorbis.
    let mut mp3 = data("stereo.mp3");
    assert!(unsafe { fmt_ogg_open(mp3.as_mut_ptr(), mp3.len() as i32) }.is_null());
}

#[test]
fn ogg_seek_across_pages_matches_a_linear_read() {
    no_gc();
    let (all, _) = ogg_read_all(ogg_open("long.ogg"), 4096, 2);
    assert_eq!(all.len(), 66150 * 2, "libvorbisfile's length");
    let h = ogg_open("long.ogg");
    let mut info = [0i32; 4];
    unsafe { fmt_ogg_info(h, &mut info[0], &mut info[1], &mut info[2], &mut info[3]) };
    assert_eq!(info, [45111, 22050, 66150, 1]);
    // Far forward and backward jumps (page seeks), short hops, the ends.
    for target in [50_000usize, 20_000, 20_001, 65_000, 16_384, 16_383, 40_000, 1, 66_149, 30_000, 66_150] {
        assert!(unsafe { fmt_ogg_seek(h, target as i32) });
        assert_eq!(unsafe { fmt_ogg_tell(h) }, target as i32);
        let mut got = Vec::new();
        let mut buf = vec![0u8; 1000];
        while got.len() < 3000 {
            let n = unsafe { fmt_ogg_read(h, buf.as_mut_ptr(), 1000, 2) } as usize;
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        // At least 3000 bytes, or everything left before the end.
        let left = all.len() - target * 2;
        assert!(got.len() >= 3000.min(left) && got.len() <= left, "after seeking to {target}: {} bytes", got.len());
        assert!(got == all[target * 2..target * 2 + got.len()], "samples after seeking to {target} differ from a linear read");
    }
}

// ---------------------------------------------------------------------------
// MP3

/// Replays `expected/mp3.txt`: the same calls give the same samples (bit for
/// bit: minimp3 is the decoder libhl uses) and the same frame information.
#[test]
fn mp3_frames_match_minimp3() {
    no_gc();
    let table = String::from_utf8(data("expected/mp3.txt")).unwrap();
    let mut current: Option<(String, String, *mut mp3::Mp3, Vec<u8>)> = None;
    let mut frames = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if current.as_ref().is_none_or(|c| c.0 != f[0] || c.1 != f[1]) {
            current = Some((f[0].into(), f[1].into(), unsafe { fmt_mp3_open() }, data(f[0])));
        }
        let (_, _, h, bytes) = current.as_mut().unwrap();
        let pos: i32 = f[2].parse().unwrap();
        let mut out = vec![0u8; 1152 * 2 * 4];
        let n = unsafe { fmt_mp3_decode_frame(*h, bytes.as_mut_ptr(), bytes.len() as i32, pos, out.as_mut_ptr(), out.len() as i32, 0) };
        let mut info = [0i32; 5];
        unsafe { fmt_mp3_frame_info(*h, &mut info[0], &mut info[1], &mut info[2], &mut info[3], &mut info[4]) };
        let expected: Vec<i32> = f[3..9].iter().map(|v| v.parse().unwrap()).collect();
        assert_eq!([n, info[0], info[1], info[2], info[3], info[4]], expected[..], "{line}");
        let size = if n > 0 { n as usize * info[1] as usize * 4 } else { 0 };
        assert_eq!(md5_hex(&out[..size]), f[9], "{line}");
        frames += 1;
    }
    assert!(frames > 30);
}

#[test]
fn mp3_decode_frame_bounds() {
    no_gc();
    let mut bytes = data("stereo.mp3");
    let h = unsafe { fmt_mp3_open() };
    let len = bytes.len() as i32;
    let mut out = vec![0u8; 1152 * 2 * 4];
    unsafe {
        assert_eq!(fmt_mp3_decode_frame(h, bytes.as_mut_ptr(), len, len, out.as_mut_ptr(), 4608, 0), -1);
        assert_eq!(fmt_mp3_decode_frame(h, bytes.as_mut_ptr(), len, -1, out.as_mut_ptr(), 4608, 0), -1);
        // Output too small for 576 stereo float samples.
        assert_eq!(fmt_mp3_decode_frame(h, bytes.as_mut_ptr(), len, 0, out.as_mut_ptr(), 4607, 100), -1);
        // Garbage: no frame.
        let mut junk = vec![0x42u8; 3000];
        assert_eq!(fmt_mp3_decode_frame(h, junk.as_mut_ptr(), 3000, 0, out.as_mut_ptr(), 4608, 0), 0);
        let mut info = [0i32; 5];
        fmt_mp3_frame_info(h, &mut info[0], &mut info[1], &mut info[2], &mut info[3], &mut info[4]);
        assert_eq!(info[2], 0, "libhl's loop ends on an empty frame");
    }
}

// ---------------------------------------------------------------------------
// MikkTSpace

#[test]
fn mikkt_tangents_of_a_textured_quad() {
    no_gc();
    // Two triangles of a unit quad in the XY plane, normal +Z, u along +X and
    // v along +Y: the tangent is +X, orientation preserved (sign 1). The third
    // triangle mirrors u, which flips the sign.
    #[rustfmt::skip]
    let mut buffer: Vec<f32> = vec![
        // x y z   nx ny nz   u v
        0., 0., 0.,  0., 0., 1.,  0., 0.,
        1., 0., 0.,  0., 0., 1.,  1., 0.,
        1., 1., 0.,  0., 0., 1.,  1., 1.,
        0., 1., 0.,  0., 0., 1.,  0., 1.,
        2., 0., 0.,  0., 0., 1.,  0., 0.,
        3., 0., 0.,  0., 0., 1.,  -1., 0.,
        3., 1., 0.,  0., 0., 1.,  -1., 1.,
    ];
    let mut indexes: Vec<i32> = vec![0, 1, 2, 0, 2, 3, 4, 5, 6];
    let mut tangents = vec![9.0f32; 9 * 5];
    let mut info = mikkt::MikktInfo {
        t: std::ptr::null(),
        buffer: buffer.as_mut_ptr(),
        stride: 8,
        x_pos: 0,
        normal_pos: 3,
        uv_pos: 6,
        tangents: tangents.as_mut_ptr(),
        tangent_stride: 5,
        tangent_pos: 1,
        indexes: indexes.as_mut_ptr(),
        indices: 9,
    };
    assert!(unsafe { fmt_compute_mikkt_tangents(&mut info, 180.0) });
    for corner in 0..9 {
        let t = &tangents[corner * 5..][..5];
        assert_eq!(t[0], 9.0, "stride padding untouched");
        let expected = if corner < 6 { [1.0, 0.0, 0.0, 1.0] } else { [-1.0, 0.0, 0.0, -1.0] };
        for k in 0..4 {
            assert!((t[1 + k] - expected[k]).abs() < 1e-6, "corner {corner}: {t:?}");
        }
    }
    // No triangle: false (Haxe throws "assert").
    info.indices = 2;
    assert!(!unsafe { fmt_compute_mikkt_tangents(&mut info, 180.0) });
}

// ---------------------------------------------------------------------------
// ui (HashLink's Linux stub)

#[test]
fn ui_stub_values() {
    use hlrt::libs::ui::*;
    ui_ui_init();
    assert_eq!(ui_ui_loop(true), 1);
    assert!(ui_ui_winlog_new(null_mut(), 10, 10).is_null());
    assert!(ui_ui_start_sentinel(1.0, null_mut()).is_null());
    assert!(!ui_ui_sentinel_is_paused(null_mut()));
    assert!(ui_ui_choose_file(false, null_mut()).is_null());
    assert!(ui_ui_get_clipboard_text().is_null());
    assert!(!ui_ui_set_clipboard_text(null_mut()));
}

// ---------------------------------------------------------------------------
// Damaged input: every decoder fails cleanly (no crash, no panic).

#[test]
fn truncated_and_corrupted_files_fail_cleanly() {
    no_gc();
    let mut out = vec![0u8; 64 * 64 * 8];
    let mut seed = 0x1234_5678u32;
    let mut flip = |b: &mut Vec<u8>| {
        for _ in 0..4 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let i = (seed >> 8) as usize % b.len();
            b[i] ^= (seed >> 24) as u8 | 1;
        }
    };
    for file in ["rgba8.png", "pal.png", "rgba8_interlaced.png", "rgba16.png"] {
        let full = data(file);
        for cut in (0..full.len()).step_by(7) {
            let mut src = full[..cut].to_vec();
            assert!(!unsafe { fmt_png_decode(src.as_mut_ptr(), cut as i32, out.as_mut_ptr(), 21, 13, 0, 7, 0) }, "{file} cut at {cut}");
        }
        for _ in 0..50 {
            let mut src = full.clone();
            flip(&mut src);
            unsafe { fmt_png_decode(src.as_mut_ptr(), src.len() as i32, out.as_mut_ptr(), 21, 13, 0, 7, 0) };
        }
    }
    for file in ["q85_420.jpg", "progressive.jpg", "gray.jpg"] {
        let full = data(file);
        for cut in (0..full.len()).step_by(11) {
            let mut src = full[..cut].to_vec();
            src.push(0);
            unsafe { fmt_jpg_decode(src.as_mut_ptr(), cut as i32, out.as_mut_ptr(), 37, 29, 0, 7, 0) };
        }
        for _ in 0..50 {
            let mut src = full.clone();
            flip(&mut src);
            unsafe { fmt_jpg_decode(src.as_mut_ptr(), src.len() as i32, out.as_mut_ptr(), 37, 29, 0, 7, 0) };
        }
    }
    let full = data("stereo.ogg");
    for cut in (0..full.len()).step_by(97).chain([4000, 5000]) {
        let mut src = full[..cut].to_vec();
        src.push(0);
        let h = unsafe { fmt_ogg_open(src.as_mut_ptr(), cut as i32) };
        if !h.is_null() {
            let mut i = [0i32; 4];
            unsafe { fmt_ogg_info(h, &mut i[0], &mut i[1], &mut i[2], &mut i[3]) };
            while unsafe { fmt_ogg_read(h, out.as_mut_ptr(), 4096, 2) } > 0 {}
            unsafe { fmt_ogg_seek(h, 100) };
        }
    }
    for _ in 0..30 {
        let mut src = full.clone();
        flip(&mut src);
        let h = unsafe { fmt_ogg_open(src.as_mut_ptr(), src.len() as i32) };
        if !h.is_null() {
            for _ in 0..100 {
                if unsafe { fmt_ogg_read(h, out.as_mut_ptr(), 4096, 2) } <= 0 {
                    break;
                }
            }
        }
    }
    let full = data("stereo.mp3");
    let h = unsafe { fmt_mp3_open() };
    for _ in 0..30 {
        let mut src = full.clone();
        flip(&mut src);
        let mut pos = 0;
        while pos < src.len() {
            let n = unsafe { fmt_mp3_decode_frame(h, src.as_mut_ptr(), src.len() as i32, pos as i32, out.as_mut_ptr(), out.len() as i32, 0) };
            let mut info = [0i32; 5];
            unsafe { fmt_mp3_frame_info(h, &mut info[0], &mut info[1], &mut info[2], &mut info[3], &mut info[4]) };
            if n <= 0 || info[2] <= 0 {
                break;
            }
            pos += info[2] as usize;
        }
    }
}
