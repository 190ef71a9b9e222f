//! The Windows command line for a program and its arguments. Pure (no
//! system calls), so its test also runs on other hosts (`sys/mod.rs`).

/// `program` and `args` as one command line, each word in double quotes,
/// as Haxe's `sys.io.Process` writes it on Windows and the C runtime's
/// argument parsing reads it back: in an argument, backslashes before a
/// quote (or before the closing quote) are doubled and the quote escaped;
/// other backslashes are literal. The program's name is only enclosed.
pub fn command_line(program: &[u8], args: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(program.len() + 2 + args.iter().map(|a| a.len() + 3).sum::<usize>());
    out.push(b'"');
    out.extend_from_slice(program);
    out.push(b'"');
    for arg in args {
        out.extend_from_slice(b" \"");
        let mut backslashes = 0;
        for &c in arg.iter() {
            match c {
                b'\\' => backslashes += 1,
                b'"' => {
                    out.extend(std::iter::repeat_n(b'\\', backslashes * 2 + 1));
                    out.push(b'"');
                    backslashes = 0;
                }
                _ => {
                    out.extend(std::iter::repeat_n(b'\\', backslashes));
                    out.push(c);
                    backslashes = 0;
                }
            }
        }
        out.extend(std::iter::repeat_n(b'\\', backslashes * 2));
        out.push(b'"');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::command_line;

    #[test]
    fn words_are_quoted_as_the_c_runtime_reads_them() {
        let line = command_line(b"C:\\a dir\\p.exe", &[b"plain", b"with space", b"quote\"d", b"back\\slash", b"tail\\", b"bs\\\"q", b""]);
        assert_eq!(
            String::from_utf8(line).unwrap(),
            r#""C:\a dir\p.exe" "plain" "with space" "quote\"d" "back\slash" "tail\\" "bs\\\"q" """#
        );
    }
}
