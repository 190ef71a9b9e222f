//! Which natives a program needs and which the linked libraries define:
//! missing ones are reported with their library and signature, or, when the
//! user allows it, replaced by stubs that throw a clear exception.

use miette::{miette, IntoDiagnostic as _, Result, WrapErr as _};
use object::read::archive::ArchiveFile;
use object::{Object as _, ObjectSymbol as _};
use std::collections::HashSet;
use std::path::Path;

/// Global symbols defined by a static library (`.a`) or an object file.
pub fn defined_symbols(path: &Path) -> Result<HashSet<String>> {
    let data = std::fs::read(path).into_diagnostic().wrap_err_with(|| format!("cannot read `{}`", path.display()))?;
    let mut out = HashSet::new();
    if let Ok(archive) = ArchiveFile::parse(&*data) {
        for member in archive.members() {
            let member = member.map_err(|e| miette!("{}: {e}", path.display()))?;
            let Ok(bytes) = member.data(&*data) else { continue };
            collect(bytes, &mut out);
        }
    } else {
        collect(&data, &mut out);
    }
    Ok(out)
}

fn collect(bytes: &[u8], out: &mut HashSet<String>) {
    let Ok(file) = object::File::parse(bytes) else { return };
    for sym in file.symbols() {
        if sym.is_definition() && sym.is_global() {
            if let Ok(name) = sym.name() {
                out.insert(name.to_string());
            }
        }
    }
}

/// A native the program calls that no linked library defines.
pub struct MissingNative {
    /// Position in `Module::natives`.
    pub index: usize,
    pub description: String,
}

/// The natives of `m` whose C symbols are not in `available`.
pub fn missing(m: &hlbc::Module, available: &HashSet<String>) -> Vec<MissingNative> {
    m.natives
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let (lib, name) = (m.str(n.lib), m.str(n.name));
            let sym = crate::lower::native_symbol(&lib, &name);
            (!available.contains(&sym)).then(|| MissingNative {
                index: i,
                description: format!("{lib}@{name} (C symbol `{sym}`): {}", hlbc::dump::type_str(m, n.ty)),
            })
        })
        .collect()
}
