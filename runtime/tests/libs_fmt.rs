//! `fmt` natives (libs/fmt): digests on known vectors, zlib streams round
//! trips with every flush mode and chunked input (cross-checked with an
//! independent deflate implementation), and the error messages libhl throws.

use hlrt::libs::fmt::*;
use std::ptr::null_mut;

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn digest(data: &[u8], format: i32, init: u32) -> Vec<u8> {
    let mut out = vec![0u8; 20];
    out[..4].copy_from_slice(&init.to_ne_bytes());
    let mut d = data.to_vec();
    unsafe { fmt_digest(out.as_mut_ptr(), d.as_mut_ptr(), d.len() as i32, format) };
    out.truncate(digest_size(format));
    out
}

fn checksum(data: &[u8], format: i32, init: u32) -> u32 {
    u32::from_ne_bytes(digest(data, format, init)[..4].try_into().unwrap())
}

#[test]
fn md5_and_sha1_vectors() {
    no_gc();
    let long: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let cases: &[(&[u8], &str, &str)] = &[
        (b"", "d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        (b"abc", "900150983cd24fb0d6963f7d28e17f72", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (
            b"The quick brown fox jumps over the lazy dog",
            "9e107d9d372bb6826bd81d3542a419d6",
            "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
        ),
        (
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "8215ef0796a20bcaaae116d3876c664a",
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
        ),
        (&[b'a'; 1_000_000], "7707d6ae4e027c70eea2a935c2296f21", "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),
    ];
    for &(data, md5, sha1) in cases {
        assert_eq!(hex(&digest(data, 0, 0)), md5);
        assert_eq!(hex(&digest(data, 1, 0)), sha1);
    }
    // The safe Rust entry gives the same as the native.
    let mut out = [0u8; 20];
    digest_into(&mut out, &long, 1).unwrap();
    assert_eq!(&out[..], &digest(&long, 1, 0)[..]);
    assert_eq!(digest_into(&mut out, b"x", 7), Err("Unknown digest format 7".to_string()));
}

#[test]
fn crc32_and_adler32_continue_from_out() {
    no_gc();
    assert_eq!(checksum(b"123456789", 2, 0), 0xCBF4_3926);
    assert_eq!(checksum(b"The quick brown fox jumps over the lazy dog", 2, 0), 0x414F_A339);
    assert_eq!(checksum(b"Wikipedia", 3, 1), 0x11E6_0398);
    // zlib's initial adler value is 1; starting from 0 gives another sum.
    assert_eq!(checksum(b"abc", 3, 1), 0x024D_0127);
    assert_eq!(checksum(b"abc", 3, 0), 0x024A_0126);
    // Chained: the value in `out` is the running checksum.
    let part = checksum(b"12345", 2, 0);
    assert_eq!(checksum(b"6789", 2, part), 0xCBF4_3926);
    let part = checksum(b"Wiki", 3, 1);
    assert_eq!(checksum(b"pedia", 3, part), 0x11E6_0398);
    // An empty buffer keeps the running value; a null one gives zlib's (0 / 1).
    assert_eq!(checksum(b"", 2, 0x1234), 0x1234);
    assert_eq!(checksum(b"", 3, 0x1234), 0x1234);
    unsafe {
        let mut out = 0x5555_5555u32.to_ne_bytes();
        fmt_digest(out.as_mut_ptr(), null_mut(), 0, 2);
        assert_eq!(u32::from_ne_bytes(out), 0);
        let mut out = 0x5555_5555u32.to_ne_bytes();
        fmt_digest(out.as_mut_ptr(), null_mut(), 0, 3);
        assert_eq!(u32::from_ne_bytes(out), 1);
    }
}

#[test]
fn digest_of_utf16_string_hashes_utf8() {
    no_gc();
    let s = "héllo wörld €😀";
    let mut units: Vec<u16> = s.encode_utf16().collect();
    units.push(0);
    for format in [0, 1, 2, 3] {
        let mut out = vec![0u8; 20];
        if format == 3 {
            out[..4].copy_from_slice(&1u32.to_ne_bytes());
        }
        // The length argument is ignored: the string is NUL-terminated.
        unsafe { fmt_digest(out.as_mut_ptr(), units.as_mut_ptr().cast(), 3, format | 256) };
        out.truncate(digest_size(format));
        assert_eq!(out, digest(s.as_bytes(), format, if format == 3 { 1 } else { 0 }), "format {format}");
    }
}

// ---------------------------------------------------------------------------
// zlib streams.

const NO: i32 = 0;
const SYNC: i32 = 1;
const FULL: i32 = 2;
const FINISH: i32 = 3;
const BLOCK: i32 = 4;

fn sample(n: usize) -> Vec<u8> {
    let words = ["alpha ", "beta ", "gamma ", "delta ", "zlib ", "stream ", "HashLink ", "\u{e9}t\u{e9} "];
    let mut v = Vec::new();
    let mut x = 12345u32;
    while v.len() < n {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        if x >> 28 == 0 {
            v.push((x >> 8) as u8); // some noise
        } else {
            v.extend_from_slice(words[(x >> 16) as usize % words.len()].as_bytes());
        }
    }
    v.truncate(n);
    v
}

/// One `*_buffer` call: (done, read, written).
fn step(h: *mut FmtZip, inflate: bool, src: &mut [u8], spos: usize, dst: &mut [u8], dpos: usize) -> (bool, usize, usize) {
    let (mut r, mut w) = (-1, -1);
    let f = if inflate { fmt_inflate_buffer } else { fmt_deflate_buffer };
    let done = unsafe {
        f(h, src.as_mut_ptr(), spos as i32, src.len() as i32, dst.as_mut_ptr(), dpos as i32, dst.len() as i32, &mut r, &mut w)
    };
    assert!(r >= 0 && w >= 0);
    (done, r as usize, w as usize)
}

/// Compresses `data` in `chunk`-byte pieces with flush mode `mode` after each
/// piece (the last with FINISH), through an output buffer of `out_size` bytes.
/// Returns the stream and the stream length at each piece's end.
fn compress(data: &[u8], level: i32, chunk: usize, mode: i32, out_size: usize) -> (Vec<u8>, Vec<usize>) {
    let h = unsafe { fmt_deflate_init(level) };
    let mut out = Vec::new();
    let mut marks = Vec::new();
    let mut buf = vec![0u8; out_size];
    let pieces: Vec<&[u8]> = if data.is_empty() { vec![&[][..]] } else { data.chunks(chunk).collect() };
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        unsafe { fmt_zip_flush_mode(h, if last { FINISH } else { mode }) };
        let mut src = piece.to_vec();
        let mut pos = 0;
        loop {
            let (done, r, w) = step(h, false, &mut src, pos, &mut buf, 0);
            pos += r;
            out.extend_from_slice(&buf[..w]);
            if done {
                assert!(last);
                break;
            }
            // Keep going while input remains or the output buffer filled up.
            if pos == src.len() && w < buf.len() && !last {
                break;
            }
        }
        assert_eq!(pos, src.len());
        marks.push(out.len());
    }
    unsafe { fmt_zip_end(h) };
    (out, marks)
}

/// Decompresses with `wbits`, feeding `chunk`-byte pieces of input through an
/// output buffer of `out_size` bytes.
fn uncompress(data: &[u8], wbits: i32, chunk: usize, mode: i32, out_size: usize) -> Vec<u8> {
    let h = unsafe { fmt_inflate_init(wbits) };
    unsafe { fmt_zip_flush_mode(h, mode) };
    let mut out = Vec::new();
    let mut buf = vec![0u8; out_size];
    let mut fed = 0;
    let mut pending: Vec<u8> = Vec::new();
    let mut done = false;
    let mut guard = 0;
    while !done {
        guard += 1;
        assert!(guard < 1_000_000, "no progress");
        if pending.is_empty() && fed < data.len() {
            let n = chunk.min(data.len() - fed);
            pending.extend_from_slice(&data[fed..fed + n]);
            fed += n;
        }
        let (d, r, w) = step(h, true, &mut pending, 0, &mut buf, 0);
        pending.drain(..r);
        out.extend_from_slice(&buf[..w]);
        done = d;
        if !done && r == 0 && w == 0 {
            assert!(fed < data.len() || !pending.is_empty(), "truncated stream");
        }
    }
    unsafe { fmt_zip_end(h) };
    out
}

#[test]
fn deflate_then_inflate_every_flush_mode_and_chunking() {
    no_gc();
    let data = sample(200_000);
    for mode in [NO, SYNC, FULL, FINISH, BLOCK] {
        for &(chunk, out_size) in &[(1000usize, 64usize), (65536, 1 << 16), (7, 13)] {
            let input = if chunk == 7 { &data[..5000] } else { &data[..] };
            let mode = if mode == FINISH { NO } else { mode }; // FINISH is the last piece's mode
            let (z, marks) = compress(input, 6, chunk, mode, out_size);
            // An independent inflater reads the stream.
            assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&z).unwrap(), input, "mode {mode} chunk {chunk}");
            // Ours, in pieces of several sizes.
            for &(ic, io) in &[(1usize, 1usize), (100, 37), (1 << 20, 1 << 20)] {
                assert_eq!(uncompress(&z, 0, ic, SYNC, io), input, "mode {mode} chunk {chunk} in {ic}/{io}");
            }
            assert_eq!(uncompress(&z, 15, 4096, NO, 4096), input);
            if mode == SYNC || mode == FULL {
                // Each piece ends on a byte boundary with an empty stored block.
                for &m in &marks[..marks.len() - 1] {
                    assert_eq!(&z[m - 4..m], &[0, 0, 0xFF, 0xFF]);
                }
            }
        }
    }
}

#[test]
fn sync_flushed_prefix_inflates_to_its_input() {
    no_gc();
    let data = sample(30_000);
    let (z, marks) = compress(&data, 9, 10_000, SYNC, 1 << 16);
    // Inflating the stream up to the first flush point gives the first piece.
    let h = unsafe { fmt_inflate_init(0) };
    unsafe { fmt_zip_flush_mode(h, SYNC) };
    let mut src = z[..marks[0]].to_vec();
    let mut dst = vec![0u8; 100_000];
    let (done, r, w) = step(h, true, &mut src, 0, &mut dst, 0);
    assert!(!done);
    assert_eq!(r, marks[0]);
    assert_eq!(&dst[..w], &data[..10_000]);
    unsafe { fmt_zip_end(h) };
}

#[test]
fn levels_raw_and_gzip_streams() {
    no_gc();
    let data = sample(50_000);
    for level in -1..=9 {
        let (z, _) = compress(&data, level, 1 << 20, NO, 1 << 20);
        assert_eq!(uncompress(&z, 0, 1 << 20, SYNC, 1 << 20), data, "level {level}");
        if level == 0 {
            assert!(z.len() > data.len());
        } else {
            assert!(z.len() < data.len() / 2, "level {level}: {}", z.len());
        }
    }
    // Raw deflate (negative window bits), as haxe.zip.Reader uses.
    let raw = miniz_oxide::deflate::compress_to_vec(&data, 6);
    assert_eq!(uncompress(&raw, -15, 333, SYNC, 1000), data);
    // gzip (window bits + 16) and automatic detection (+ 32).
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    gz.extend_from_slice(&raw);
    gz.extend_from_slice(&checksum(&data, 2, 0).to_le_bytes());
    gz.extend_from_slice(&(data.len() as u32).to_le_bytes());
    assert_eq!(uncompress(&gz, 31, 500, SYNC, 4096), data);
    assert_eq!(uncompress(&gz, 47, 500, SYNC, 4096), data);
    let zl = miniz_oxide::deflate::compress_to_vec_zlib(&data, 9);
    assert_eq!(uncompress(&zl, 47, 500, SYNC, 4096), data);
    // Empty input.
    let (z, _) = compress(&[], 6, 10, NO, 100);
    assert_eq!(uncompress(&z, 0, 10, SYNC, 100), Vec::<u8>::new());
}

#[test]
fn deflate_bound_holds_and_positions_are_respected() {
    no_gc();
    let data = sample(10_000);
    unsafe {
        // The bound is enough for one FINISH call on incompressible data too.
        let noise: Vec<u8> = (0..10_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        for level in [0, 1, 6, 9] {
            for input in [&data, &noise] {
                let h = fmt_deflate_init(level);
                let bound = fmt_deflate_bound(h, input.len() as i32) as usize;
                assert!(bound >= input.len());
                fmt_zip_flush_mode(h, FINISH);
                let mut src = input.clone();
                let mut dst = vec![0u8; bound];
                let (done, r, w) = step(h, false, &mut src, 0, &mut dst, 0);
                assert!(done && r == input.len() && w <= bound, "level {level}");
                fmt_zip_end(h);
                fmt_zip_end(h); // a second end does nothing
            }
        }
        // srcpos / dstpos offsets.
        let h = fmt_deflate_init(6);
        fmt_zip_flush_mode(h, FINISH);
        let mut src = [b"xxxx".as_slice(), &data].concat();
        let mut dst = vec![0xAAu8; 20_000];
        let (done, r, w) = step(h, false, &mut src, 4, &mut dst, 10);
        assert!(done);
        assert_eq!(r, data.len());
        assert!(dst[..10].iter().all(|&b| b == 0xAA));
        assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&dst[10..10 + w]).unwrap(), data);
        fmt_zip_end(h);
    }
}

#[test]
fn error_messages_are_libhl_s() {
    assert_eq!(zlib_error_message(Some("incorrect header check"), -3), "ZLib Error : incorrect header check (-3)");
    assert_eq!(zlib_error_message(None, -5), "ZLib Error : -5");
}

// ---------------------------------------------------------------------------
// Errors: with no exception handler installed, a native's error prints
// `Uncaught exception: <msg>` and exits; each case runs in a child process.

fn child_case(name: &str) {
    no_gc();
    unsafe {
        match name {
            "bad_header" => {
                let mut src = b"this is not zlib data".to_vec();
                let h = fmt_inflate_init(0);
                step(h, true, &mut src, 0, &mut [0u8; 100], 0);
            }
            "truncated" => {
                let (z, _) = compress(&sample(1000), 6, 1 << 20, NO, 1 << 20);
                let h = fmt_inflate_init(0);
                fmt_zip_flush_mode(h, SYNC);
                let mut src = z[..z.len() / 2].to_vec();
                let mut dst = vec![0u8; 10_000];
                let (_, r, _) = step(h, true, &mut src, 0, &mut dst, 0);
                step(h, true, &mut src, r, &mut dst, 0);
            }
            "flush_mode" => fmt_zip_flush_mode(fmt_deflate_init(1), 7),
            "level" => {
                fmt_deflate_init(12);
            }
            "wbits" => {
                fmt_inflate_init(3);
            }
            "range" => {
                step(fmt_deflate_init(1), false, &mut [0u8; 4], 5, &mut [0u8; 4], 0);
            }
            "digest" => fmt_digest([0u8; 20].as_mut_ptr(), [0u8; 4].as_mut_ptr(), 4, 9),
            _ => unreachable!(),
        }
    }
    println!("no error");
}

mod child_support;

fn expect_error(case: &str, msg: &str) {
    child_support::expect_error("HLRT_FMT_CHILD", case, msg);
}

#[test]
fn child() {
    if let Ok(case) = std::env::var("HLRT_FMT_CHILD") {
        child_case(&case);
    }
}

#[test]
fn errors_thrown() {
    expect_error("bad_header", "ZLib Error : incorrect header check (-3)");
    expect_error("truncated", "ZLib Error : -5");
    expect_error("flush_mode", "Invalid flush mode 7");
    expect_error("level", "ZLib Error : -2");
    expect_error("wbits", "ZLib Error : -2");
    expect_error("range", "Out of range");
    expect_error("digest", "Unknown digest format 9");
}
