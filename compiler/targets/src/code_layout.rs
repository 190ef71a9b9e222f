//! Which of the runtime's functions executables lay out together: the ones
//! most programs run, named the same way by `cargo xtask hot-runtime` (which
//! finds them) and by `hlc build` (which orders the runtime archive's code
//! sections by them).

/// The runtime functions that at least two of the golden programs run, one
/// per line as [`function_key`] names them, those most programs run first;
/// written by `cargo xtask hot-runtime`.
pub const HOT_RUNTIME: &str = include_str!("hot_runtime.txt");

/// A function's name as the list holds it: a Rust symbol demangled without
/// its hash (`hlrt::gc::alloc_slow`; the same for every build of the
/// runtime), any other symbol (C) as it is.
pub fn function_key(symbol: &str) -> String {
    match rustc_demangle::try_demangle(symbol) {
        Ok(d) => format!("{d:#}"),
        Err(_) => symbol.to_string(),
    }
}

/// The function a code section of an object compiled with one section per
/// function holds (`.text.name`, `.text.unlikely.name`, ...), or None for
/// other sections.
pub fn section_function(section: &str) -> Option<&str> {
    let name = section.strip_prefix(".text.")?;
    for group in ["unlikely.", "hot.", "startup.", "exit."] {
        if let Some(f) = name.strip_prefix(group) {
            return Some(f);
        }
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names_lose_their_hashes_and_c_names_stay() {
        assert_eq!(function_key("_ZN4hlrt2gc10alloc_slow17h7a5b4ffc185d776bE"), "hlrt::gc::alloc_slow");
        assert_eq!(function_key("_ZN4hlrt2gc10alloc_slow17h0123456789abcdefE.llvm.1234"), "hlrt::gc::alloc_slow");
        assert_eq!(function_key("hl_alloc_bytes"), "hl_alloc_bytes");
    }

    #[test]
    fn code_sections_name_their_function() {
        assert_eq!(section_function(".text.hl_alloc_bytes"), Some("hl_alloc_bytes"));
        assert_eq!(section_function(".text.unlikely._ZN4hlrt2gc5fatal17h0E"), Some("_ZN4hlrt2gc5fatal17h0E"));
        assert_eq!(section_function(".rodata.x"), None);
        assert_eq!(section_function(".text"), None);
    }

    #[test]
    fn the_list_is_keys() {
        let keys: Vec<&str> = HOT_RUNTIME.lines().collect();
        assert!(keys.len() > 100, "the list names the start-up path, the GC and common natives");
        assert!(keys.iter().all(|k| !k.is_empty() && !k.starts_with("_ZN") && !k.starts_with("_R")), "names are demangled");
        assert!(keys.contains(&"hlrt::gc::alloc_slow"));
    }
}
