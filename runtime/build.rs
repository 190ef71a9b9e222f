//! Builds PCRE2's 16-bit library, which the `regexp` natives run directly on
//! HashLink's UTF-16 strings (as libhl does), from the PCRE2 source that the
//! `pcre2-sys` crate ships, and libvorbisfile with the Vorbis MDCT for the
//! `fmt@ogg_*` natives (see `src/libs/fmt/vorbis.c` for why these two, and
//! with these flags). `pcre2-sys` itself builds only the 8-bit library;
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

use std::path::{Path, PathBuf};

fn main() {
    build_pcre2_16();
    build_vorbis();
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
