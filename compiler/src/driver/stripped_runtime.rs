//! The runtime archive without debug information, which executables link by
//! default.
//!
//! `libhlrt.a` carries DWARF for the runtime's Rust and C code (and Rust's
//! standard library): two thirds of its bytes, and most of what the linker
//! does when it links a small program (hello world: 0.9 s against 0.4 s).
//! Executables keep their own debug information (Haxe functions, files and
//! lines, `debuginfo`) and the runtime's symbols; only the runtime's DWARF
//! goes, which is what HL/C users get from a release `libhl`.
//! `hlc build --runtime-debug-info` links the archive as built.
//!
//! The copy (Linux targets) is made once per runtime build, with the
//! target's `objcopy --strip-debug`, and kept in hlc's cache directory under a name derived
//! from the archive's path, size and modification time; a copy of an older
//! build of the same archive is removed when a new one is made. Without
//! `objcopy` or a cache directory the archive is linked as it is.

use hlc_targets::Target;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The archive to link for `runtime` (a `libhlrt.a` for `t`): a copy
/// without debug information if one exists or can be made, else `runtime`
/// itself. `note` receives what happened, for `-v`.
pub fn for_linking(t: &Target, runtime: &Path, note: &mut dyn FnMut(String)) -> PathBuf {
    match stripped_copy(t, runtime) {
        Ok((path, made)) => {
            if made {
                note(format!("made the runtime without debug information: {}", path.display()));
            }
            path
        }
        Err(why) => {
            note(format!("linking the runtime with its debug information: {why}"));
            runtime.to_path_buf()
        }
    }
}

/// The cached copy's path and whether it was made now.
fn stripped_copy(t: &Target, runtime: &Path) -> Result<(PathBuf, bool), String> {
    if t.os != hlc_targets::Os::Linux {
        // Rust's windows-gnu archives hold members without sections (`.dwo`),
        // which MinGW's objcopy refuses.
        return Err(format!("{} archives are linked as built", t.triple));
    }
    let objcopy = super::toolchain::binutil(t, "objcopy");
    cached(runtime, "a", |source, tmp| {
        let objcopy = objcopy.as_deref().ok_or_else(|| format!("no objcopy for {} on PATH", t.triple))?;
        let out = Command::new(objcopy).arg("--strip-debug").arg(source).arg(tmp).output();
        match &out {
            Ok(o) if o.status.success() => Ok(()),
            Ok(o) => Err(format!("`{}` failed: {}", objcopy.display(), String::from_utf8_lossy(&o.stderr).trim())),
            Err(e) => Err(format!("cannot run `{}`: {e}", objcopy.display())),
        }
    })
}

/// A file made from the runtime archive `runtime` by `make(archive, out)`,
/// kept in hlc's cache directory as `<place>-<state>.<ext>`, where `place`
/// derives from the archive's path and `state` from its size and
/// modification time: made once per runtime build, and files of earlier
/// builds of the same archive (same `place` and `ext`) removed when a new one
/// is made. Returns its path and whether it was made now.
pub fn cached(runtime: &Path, ext: &str, make: impl FnOnce(&Path, &Path) -> Result<(), String>) -> Result<(PathBuf, bool), String> {
    let dir = super::cache_root().ok_or("no cache directory (HLC_CACHE_DIR is empty)")?.join("runtime");
    let source = runtime.canonicalize().map_err(|e| format!("cannot resolve `{}`: {e}", runtime.display()))?;
    let meta = std::fs::metadata(&source).map_err(|e| format!("cannot read `{}`: {e}", source.display()))?;
    let mtime = meta.modified().ok().and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
    let place = format!("{:016x}", super::fnv1a(source.as_os_str().as_encoded_bytes()));
    let state = format!("{}:{}.{}", meta.len(), mtime.as_secs(), mtime.subsec_nanos());
    let name = format!("{place}-{:016x}.{ext}", super::fnv1a(state.as_bytes()));
    let file = dir.join(&name);
    if file.is_file() {
        return Ok((file, false));
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    // Written beside its final name and renamed: a reader sees a whole file or none.
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let made = make(&source, &tmp);
    if let Err(e) = made.and_then(|()| std::fs::rename(&tmp, &file).map_err(|e| format!("cannot create `{}`: {e}", file.display()))) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    // Files made from earlier builds of the same archive are stale.
    let suffix = format!(".{ext}");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let other = entry.file_name();
            let other = other.to_string_lossy();
            if other.starts_with(&place) && other.ends_with(&suffix) && other != name {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok((file, true))
}
