//! Natives without a Windows implementation yet. On Windows each exists
//! under its C name, so programs that mention it still build and link, and
//! throws `"<name>: not supported on Windows yet (hlc)"` when called: a
//! clear error naming it, never a silent misbehaviour. On POSIX systems the
//! real natives are compiled instead and this list is unused; a test checks
//! that every name here is a native the POSIX side defines.

/// Throws the error for the unported native `name`.
pub fn raise(name: &str) -> ! {
    crate::std::raise_error(&format!("{name}: not supported on Windows yet (hlc)"))
}

macro_rules! not_ported {
    ($($name:ident)*) => {
        /// Every native listed, for the test that checks the list.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[cfg(windows)]
            #[no_mangle]
            pub extern "C" fn $name() {
                raise(stringify!($name))
            }
        )*
    };
}

not_ported! {
    // std/process.rs: processes (CreateProcess, pipes).
    hl_process_run hl_process_stdout_read hl_process_stderr_read hl_process_stdin_write hl_process_stdin_close hl_process_exit hl_process_pid hl_process_close hl_process_kill
}

#[cfg(test)]
mod tests {
    /// The `#[no_mangle]` functions a source file defines.
    fn natives_of(source: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut lines = source.lines();
        while let Some(l) = lines.next() {
            if l.trim() == "#[no_mangle]" {
                let def = lines.next().unwrap_or_default();
                if let Some(rest) = def.split("fn ").nth(1) {
                    out.push(rest.split('(').next().unwrap_or_default().to_string());
                }
            }
        }
        out
    }

    /// The list is exactly the natives of the modules Windows lacks, so a
    /// native added there cannot be missing (a link error) on Windows.
    #[test]
    fn the_list_is_the_unported_modules_natives() {
        let mut want = natives_of(include_str!("../std/process.rs"));
        want.sort();
        let mut have: Vec<String> = super::NAMES.iter().map(|s| s.to_string()).collect();
        have.sort();
        assert_eq!(have, want);
        assert!(have.len() > 5, "{have:?}");
    }
}
