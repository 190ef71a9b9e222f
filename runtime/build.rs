//! Builds PCRE2's 16-bit library, which the `regexp` natives run directly on
//! HashLink's UTF-16 strings (as libhl does), from the PCRE2 source that the
//! `pcre2-sys` crate ships, and libvorbisfile with the Vorbis MDCT for the
//! `fmt@ogg_*` natives (see `src/libs/fmt/vorbis.c` for why these two, and
//! with these flags), and computes libpng's sRGB tables for `fmt@png_decode`
//! (`srgb_tables.rs`). `pcre2-sys` itself builds only the 8-bit library;
//! its Rust bindings declare every width, so the runtime uses them for the
//! `_16` functions this script provides.
//!
//! The source is found in Cargo's registry (the `pcre2-sys` version named in
//! `Cargo.lock`), or in the directory `$HLC_PCRE2_SRC` names (a PCRE2 tree with
//! `src/` and `include/`, e.g. for vendored or offline builds).
//!
//! Both libraries end up in `libhlrt.a`: PCRE2 suffixes its width-specific
//! internal symbols (`_8`, `_16`), and the one it does not (`_pcre2_ckd_smul`)
//! is the same code in both.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    write_srgb_tables();
    build_pcre2_16();
    build_vorbis();
    build_turbojpeg_image_io();
}

/// PCRE2's 16-bit library.
fn build_pcre2_16() {
    println!("cargo:rerun-if-env-changed=HLC_PCRE2_SRC");
    println!("cargo:rerun-if-changed=build.rs");
    let src = match pcre2_source() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot find the PCRE2 source to build its 16-bit library: {e}");
            eprintln!("help: set HLC_PCRE2_SRC to a PCRE2 source tree (the directory holding src/ and include/)");
            std::process::exit(1);
        }
    };
    let target = std::env::var("TARGET").unwrap_or_default();
    let mut b = cc::Build::new();
    b.define("PCRE2_CODE_UNIT_WIDTH", "16")
        .define("SUPPORT_PCRE2_16", "1")
        .define("SUPPORT_UNICODE", "1")
        .define("HAVE_CONFIG_H", "1")
        .define("HAVE_STDLIB_H", "1")
        .define("HAVE_MEMMOVE", "1")
        .define("STDC_HEADERS", "1")
        .define("PCRE2_STATIC", "1")
        .include(src.join("src"))
        .include(src.join("include"))
        .include(src.join("deps"))
        .warnings(false);
    if target.contains("windows") {
        b.define("HAVE_WINDOWS_H", "1");
    }
    // The JIT, where sljit supports the target (pcre2-sys's own list).
    if !(target == "aarch64-unknown-linux-musl" || target.contains("musleabi") || target.contains("android")) {
        b.define("SUPPORT_JIT", "1");
    }
    let dir = src.join("src");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            std::process::exit(1);
        }
    };
    files.sort();
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // These are #included by other files (PCRE2's NON-AUTOTOOLS-BUILD).
        let included = matches!(name, "pcre2_jit_match.c" | "pcre2_jit_misc.c" | "pcre2_ucptables.c");
        if name.ends_with(".c") && !included {
            b.file(&f);
        }
    }
    b.compile("hlc_pcre2_16");
}

/// The PCRE2 source tree: `$HLC_PCRE2_SRC`, else `upstream/` of the
/// `pcre2-sys` package in Cargo's registry.
fn pcre2_source() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("HLC_PCRE2_SRC") {
        let p = PathBuf::from(p);
        return if p.join("src/pcre2_compile.c").is_file() {
            Ok(p)
        } else {
            Err(format!("HLC_PCRE2_SRC={} has no src/pcre2_compile.c", p.display()))
        };
    }
    let version = locked_version("pcre2-sys");
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let registry = home.join("registry/src");
    let mut found: Vec<PathBuf> = Vec::new();
    for index in std::fs::read_dir(&registry).map_err(|e| format!("{}: {e}", registry.display()))?.flatten() {
        for pkg in std::fs::read_dir(index.path()).into_iter().flatten().flatten() {
            let name = pkg.file_name().to_string_lossy().into_owned();
            let Some(v) = name.strip_prefix("pcre2-sys-") else { continue };
            if version.as_deref().is_none_or(|want| want == v) && pkg.path().join("upstream/src/pcre2_compile.c").is_file() {
                found.push(pkg.path().join("upstream"));
            }
        }
    }
    found.sort();
    found.pop().ok_or_else(|| {
        format!(
            "no pcre2-sys-{} package under {}",
            version.as_deref().unwrap_or("*"),
            registry.display()
        )
    })
}

/// The version of `name` in the workspace's `Cargo.lock`, if there is one.
fn locked_version(name: &str) -> Option<String> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let lock = manifest.ancestors().map(|d| d.join("Cargo.lock")).find(|p| p.is_file())?;
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(lock).ok()?;
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if l.trim() == format!("name = \"{name}\"") {
            let v = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(v.to_string());
        }
    }
    None
}

/// libvorbisfile and the MDCT, with libvorbis' own flags.
fn build_vorbis() {
    println!("cargo:rerun-if-changed=src/libs/fmt/vorbis.c");
    let vorbis_src = std::env::var("DEP_VORBIS_SRC").expect("vorbis-sys gives its source directory");
    let vorbis_include = std::env::var("DEP_VORBIS_INCLUDE").expect("vorbis-sys gives its include directory");
    let ogg_include = std::env::var("DEP_OGG_INCLUDE").expect("ogg-sys gives its include directory");
    cc::Build::new()
        .file("src/libs/fmt/vorbis.c")
        .include(&vorbis_src)
        .include(&vorbis_include)
        .include(&ogg_include)
        // libvorbis' configure flags, which Debian's build keeps (its -O2 wins over -O3).
        .opt_level(2)
        .flag("-ffast-math")
        .flag("-fsigned-char")
        .define("_REENTRANT", None)
        .warnings(false)
        .compile("hlrt_vorbis");
}

/// Writes `SRGB_TABLE`, `SRGB_BASE` and `SRGB_DELTA` into `$OUT_DIR/srgb_tables.rs`.
fn write_srgb_tables() {
    let (table, base, delta) = srgb_tables();
    let mut out = String::new();
    let list = |v: &mut dyn Iterator<Item = u32>| v.map(|x| x.to_string()).collect::<Vec<_>>().join(", ");
    writeln!(out, "/// 8-bit sRGB to 16-bit linear (libpng's `png_sRGB_table`).").unwrap();
    writeln!(out, "pub const SRGB_TABLE: [u16; 256] = [{}];", list(&mut table.iter().map(|&x| u32::from(x)))).unwrap();
    writeln!(out, "/// libpng's `png_sRGB_base`: see [`srgb_from_linear`].").unwrap();
    writeln!(out, "pub const SRGB_BASE: [u16; 512] = [{}];", list(&mut base.iter().map(|&x| u32::from(x)))).unwrap();
    writeln!(out, "/// libpng's `png_sRGB_delta`: see [`srgb_from_linear`].").unwrap();
    writeln!(out, "pub const SRGB_DELTA: [u8; 512] = [{}];", list(&mut delta.iter().map(|&x| u32::from(x)))).unwrap();
    let path = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("srgb_tables.rs");
    std::fs::write(path, out).unwrap();
}

/// libpng's sRGB tables (`png_sRGB_table`, `png_sRGB_base`, `png_sRGB_delta`),
/// computed the way libpng's generator (contrib/tools/makesRGB.c) computes
/// them: the first exactly; the other two, the segments of a piecewise-linear
/// linear-to-sRGB encoding, by its search for the rounding offset with the
/// fewest wrong results over the 16-bit inputs, then its per-entry
/// adjustment (quirks included: an entry whose trial reaches zero errors keeps
/// its previous best). The runtime's PNG tests fail if any value differs.
fn srgb_tables() -> ([u16; 256], [u16; 512], [u8; 512]) {
    fn from_linear(l: f64) -> f64 {
        if l <= 0.0031308 { l * 12.92 } else { 1.055 * l.powf(1.0 / 2.4) - 0.055 }
    }
    fn to_linear(s: f64) -> f64 {
        if s <= 0.04045 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
    }
    const MAX_INPUT: u32 = 255 * 65535;
    let srgb = |i: u32| from_linear(f64::from(i) / f64::from(MAX_INPUT));
    let table: [u16; 256] = std::array::from_fn(|i| (65535.0 * to_linear(i as f64 / 255.0)).round_ties_even() as u16);
    let (mut base, mut delta) = ([0u16; 512], [0u8; 512]);
    let lookup = |base: &[u16; 512], delta: &[u8; 512], x: u32| -> u32 {
        let e = (x >> 15) as usize;
        ((u32::from(base[e]) + (((x & 0x7fff) * u32::from(delta[e])) >> 12)) >> 8) & 0xff
    };
    // The value each 16-bit linear input should encode to.
    let exact: Vec<u32> = (0..=65535u32).map(|i16| (255.0 * srgb(255 * i16)).round_ties_even() as u32).collect();
    let errors = |base: &[u16; 512], delta: &[u8; 512], range: std::ops::Range<u32>| {
        range.filter(|&i16| lookup(base, delta, 255 * i16) != exact[i16 as usize]).count()
    };
    // A search for the rounding offset with the fewest errors.
    let (mut adjust_lo, mut adjust_hi, mut adjust_mid) = (0.4f64, 0.6f64, 0.5f64);
    let (mut ec_lo, mut ec_hi, mut ec_mid) = (0usize, 0usize, 0usize);
    loop {
        let adjust = if ec_lo == 0 {
            adjust_lo
        } else if ec_hi == 0 {
            adjust_hi
        } else if ec_mid == 0 {
            adjust_mid
        } else if ec_mid < ec_hi {
            (adjust_mid + adjust_hi) / 2.0
        } else if ec_mid < ec_lo {
            (adjust_mid + adjust_lo) / 2.0
        } else {
            break;
        };
        for i in 0..512u32 {
            let lo = 255.0 * srgb(i << 15);
            let hi = 255.0 * srgb((i + 1) << 15);
            base[i as usize] = ((lo + adjust) * 256.0).round_ties_even() as u16;
            delta[i as usize] = ((hi - lo) * 32.0).round_ties_even() as u8;
        }
        let n = errors(&base, &delta, 0..65536);
        if ec_lo == 0 {
            ec_lo = n;
        } else if ec_hi == 0 {
            ec_hi = n;
        } else if ec_mid == 0 {
            ec_mid = n;
        } else if n < ec_mid {
            ec_mid = n;
            adjust_mid = adjust;
        } else if adjust < adjust_mid && n < ec_lo {
            ec_lo = n;
            adjust_lo = adjust;
        } else if adjust > adjust_mid && n < ec_hi {
            ec_hi = n;
            adjust_hi = adjust;
        } else {
            break;
        }
    }
    // Then each entry is nudged to the fewest errors over its 128 inputs.
    for ibase in (0..65536u32).step_by(128) {
        let e = (ibase >> 7) as usize;
        let (mut b, mut d) = (base[e], delta[e]);
        let (mut try_b, mut try_d) = (b, d);
        let mut best = 0;
        loop {
            base[e] = try_b;
            delta[e] = try_d;
            let n = errors(&base, &delta, ibase..ibase + 128);
            if n == 0 {
                break;
            }
            if best == 0 {
                best = n;
                try_b = try_b.wrapping_add(1);
            } else if n < best {
                if try_b > b {
                    b = try_b;
                    try_b = try_b.wrapping_add(1);
                } else if try_b < b {
                    b = try_b;
                    try_b = try_b.wrapping_sub(1);
                } else if try_d > d {
                    d = try_d;
                    try_d = try_d.wrapping_add(1);
                } else if try_d < d {
                    d = try_d;
                    try_d = try_d.wrapping_sub(1);
                }
                best = n;
            } else if try_b > b {
                try_b = b.wrapping_sub(1);
            } else if try_b < b {
                try_b = b;
                try_d = try_d.wrapping_add(1);
            } else if try_d > d {
                try_d = d.wrapping_sub(1);
            } else if try_d < d {
                break;
            }
        }
        base[e] = b;
        delta[e] = d;
    }
    (table, base, delta)
}

/// The image file readers and writers of libjpeg-turbo (`rdppm.c`,
/// `rdbmp.c`, `wrppm.c`, `wrbmp.c`), which `turbojpeg.c`'s
/// `tjLoadImage`/`tjSaveImage` call: libturbojpeg is built with them
/// (`PPM_SUPPORTED`, `BMP_SUPPORTED`), mozjpeg-sys leaves them out. The
/// natives never load or save image files, but `hlc` exports every symbol
/// (`--export-dynamic`), which keeps those two functions and so needs these.
fn build_turbojpeg_image_io() {
    let include = std::env::var_os("DEP_JPEG_INCLUDE").expect("mozjpeg-sys gives its include directories");
    let dirs: Vec<std::path::PathBuf> = std::env::split_paths(&include).collect();
    let vendor = dirs
        .iter()
        .find(|d| d.join("rdppm.c").is_file())
        .expect("mozjpeg-sys's include directories hold libjpeg-turbo's source")
        .clone();
    let mut b = cc::Build::new();
    for d in &dirs {
        b.include(d);
    }
    for f in ["rdppm.c", "rdbmp.c", "wrppm.c", "wrbmp.c"] {
        b.file(vendor.join(f));
    }
    b.define("PPM_SUPPORTED", None).define("BMP_SUPPORTED", None).warnings(false).compile("hlrt_turbojpeg_image_io");
}
