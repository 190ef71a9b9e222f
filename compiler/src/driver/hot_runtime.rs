//! The runtime's commonly run functions laid out together in executables.
//!
//! Linux maps a program's code from its file 64 KB at a time around each
//! page the program first runs (the kernel's fault-around), and all of it
//! counts as resident. Linked in archive order, the few hundred runtime
//! functions nearly every program runs (start-up, the GC, strings, output)
//! lie scattered over the runtime's whole 600 KB of code, so every 64 KB of
//! it was resident in every program. Ordered together, the rest of the
//! runtime's code is not: `bytes_hash` keeps 256 KB less resident, from
//! 816 KB of its code to 560 KB.
//!
//! The functions are `hlc_targets::code_layout::HOT_RUNTIME`'s. For each
//! runtime archive, the names of its code sections holding one of them
//! (objects compiled with one section per function, as Rust and `cc` build
//! the runtime) are written once to a section ordering file in hlc's cache,
//! which GNU gold takes as `--section-ordering-file`. With other linkers,
//! or when the file cannot be made, the archive links in its own order.

use hlc_targets::code_layout::{function_key, section_function, HOT_RUNTIME};
use object::read::archive::ArchiveFile;
use object::{Object, ObjectSection, ObjectSymbol};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The section ordering file for `linked`, the copy linked of the runtime
/// archive `runtime` (or `runtime` itself), made now if it is not cached
/// (under `runtime`'s build), or None. `note` receives what happened, for `-v`.
pub fn ordering_file(runtime: &Path, linked: &Path, note: &mut dyn FnMut(String)) -> Option<PathBuf> {
    match super::stripped_runtime::cached(runtime, "order", |_, out| {
        let data = std::fs::read(linked).map_err(|e| format!("cannot read `{}`: {e}", linked.display()))?;
        let sections = hot_sections(&data)?;
        std::fs::write(out, sections.into_iter().map(|(_, name)| name).collect::<Vec<_>>().join("\n") + "\n")
            .map_err(|e| format!("cannot write `{}`: {e}", out.display()))
    }) {
        Ok((path, made)) => {
            if made {
                note(format!("made the runtime's code order: {}", path.display()));
            }
            Some(path)
        }
        Err(why) => {
            note(format!("linking the runtime's code in archive order: {why}"));
            None
        }
    }
}

/// The names of the code sections of archive `data` that hold a hot
/// function, in the list's order (by the function's line): the one the
/// section is named after, or another symbol defined in it (LLVM merges
/// identical functions: `hl_get_thread` is a second name of
/// `hlrt::gc::current_thread`'s section, and a profile may name either).
fn hot_sections(data: &[u8]) -> Result<BTreeSet<(usize, String)>, String> {
    let hot: HashMap<&str, usize> = HOT_RUNTIME.lines().enumerate().map(|(i, k)| (k, i)).collect();
    let archive = ArchiveFile::parse(data).map_err(|e| format!("not an archive: {e}"))?;
    let mut out = BTreeSet::new();
    for member in archive.members() {
        let member = member.map_err(|e| format!("bad archive member: {e}"))?;
        let Ok(bytes) = member.data(data) else { continue };
        let Ok(file) = object::File::parse(bytes) else { continue };
        let line = |symbol: &str| hot.get(function_key(symbol).as_str()).copied();
        // The first line of a hot function each section holds.
        let mut holds_hot: HashMap<object::SectionIndex, usize> = HashMap::new();
        for symbol in file.symbols() {
            if let (Some(index), Ok(name)) = (symbol.section_index(), symbol.name()) {
                if let Some(l) = line(name).filter(|_| symbol.kind() == object::SymbolKind::Text) {
                    let at = holds_hot.entry(index).or_insert(l);
                    *at = (*at).min(l);
                }
            }
        }
        for section in file.sections() {
            let Ok(name) = section.name() else { continue };
            let Some(function) = section_function(name) else { continue };
            let at = [holds_hot.get(&section.index()).copied(), line(function)].into_iter().flatten().min();
            if let Some(at) = at {
                out.insert((at, name.to_string()));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An archive of one object whose code sections hold a listed and an unlisted function.
    fn archive() -> Vec<u8> {
        use object::write::{Object as Obj, StandardSegment};
        let mut obj = Obj::new(object::BinaryFormat::Elf, object::Architecture::X86_64, object::Endianness::Little);
        let text = obj.segment_name(StandardSegment::Text).to_vec();
        for name in [".text._ZN4hlrt2gc10alloc_slow17h7a5b4ffc185d776bE", ".text.unlikely.no_such_runtime_function", ".data.x"] {
            let id = obj.add_section(text.clone(), name.as_bytes().to_vec(), object::SectionKind::Text);
            obj.append_section_data(id, &[0xc3], 1);
        }
        let member = obj.write().expect("object");
        let mut a = b"!<arch>\n".to_vec();
        a.extend_from_slice(format!("{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", "hot.o/", 0, 0, 0, 644, member.len()).as_bytes());
        a.extend_from_slice(&member);
        if member.len() % 2 == 1 {
            a.push(b'\n');
        }
        a
    }

    #[test]
    fn listed_functions_sections_are_ordered_and_others_are_not() {
        let got = hot_sections(&archive()).expect("an archive");
        let names: Vec<String> = got.into_iter().map(|(_, name)| name).collect();
        assert_eq!(names, [".text._ZN4hlrt2gc10alloc_slow17h7a5b4ffc185d776bE"]);
    }

    #[test]
    fn a_file_that_is_no_archive_is_refused() {
        assert!(hot_sections(b"not an archive").is_err());
    }
}
