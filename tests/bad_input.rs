//! Malformed input must give a diagnostic naming the section and byte offset,
//! never a panic, an unbounded allocation or a partial output file.

use hlc::bytecode::{read_module, ReadError};
use hlc_tests::{golden_dir, index, Hlb, Rng};
use std::process::Command;

fn hello() -> Vec<u8> {
    std::fs::read(golden_dir().join("hello").join("main.hl")).expect("golden/hello/main.hl")
}

fn err(data: &[u8]) -> ReadError {
    match read_module(data) {
        Ok(_) => panic!("a malformed module was accepted"),
        Err(e) => e,
    }
}

#[test]
fn the_crafted_minimal_module_is_valid() {
    let m = read_module(&Hlb::minimal().bytes()).expect("minimal module");
    assert_eq!(m.functions.len(), 1);
    assert_eq!(m.str(hlc::bytecode::StrIdx(0)), "hello");
}

#[test]
fn empty_and_foreign_files_are_rejected() {
    let e = err(b"");
    assert_eq!((e.offset, e.section.to_string().as_str()), (0, "header"));
    assert!(e.message.contains("HLB"), "{e}");
    let e = err(b"\x7fELF\x02\x01\x01\0\0\0\0\0");
    assert!(e.message.contains("not a HashLink bytecode file"), "{e}");
}

#[test]
fn unsupported_versions_are_rejected() {
    for v in [0u8, 1, 6, 255] {
        let e = err(&[b'H', b'L', b'B', v, 0]);
        assert!(e.message.contains(&format!("unsupported HLB version {v}")), "{e}");
        assert_eq!(e.offset, 3);
    }
}

#[test]
fn truncation_at_every_byte_is_an_error_within_the_file() {
    let data = hello();
    for len in 0..data.len() {
        let e = err(&data[..len]);
        assert!(e.offset <= len, "truncated at {len}: offset {} beyond the data", e.offset);
    }
    read_module(&data).expect("the whole file reads");
}

#[test]
fn trailing_garbage_is_rejected() {
    let mut data = hello();
    data.extend_from_slice(b"junk");
    let e = err(&data);
    assert!(e.message.contains("4 unexpected bytes"), "{e}");
}

#[test]
fn flipped_bytes_never_panic() {
    let data = hello();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut rejected, mut accepted) = (0, 0);
    for _ in 0..3000 {
        let mut d = data.clone();
        for _ in 0..1 + rng.next_u64() % 4 {
            let at = (rng.next_u64() % d.len() as u64) as usize;
            d[at] ^= 1 << (rng.next_u64() % 8);
        }
        match read_module(&d) {
            // A flip in a constant or a name can leave a valid module; it must print too.
            Ok(m) => {
                let _ = hlc::bytecode::dump::dump(&m);
                accepted += 1;
            }
            Err(e) => {
                assert!(e.offset <= d.len());
                rejected += 1;
            }
        }
    }
    assert!(rejected > 1000, "only {rejected} of 3000 corrupted files were rejected ({accepted} accepted)");
}

#[test]
fn absurd_counts_fail_fast_without_allocating() {
    // Every table count at the largest encodable value (2^29 - 1).
    let mut d = b"HLB\x04".to_vec();
    index(&mut d, 0);
    for _ in 0..8 {
        index(&mut d, 0x1FFF_FFFF);
    }
    index(&mut d, 0);
    let e = err(&d);
    assert!(e.message.contains("count 536870911 needs at least"), "{e}");
}

#[test]
fn out_of_range_indices_name_the_section() {
    let mut h = Hlb::minimal();
    h.globals = vec![99];
    let e = err(&h.bytes());
    assert_eq!(e.section.to_string(), "globals");
    assert!(e.message.contains("type index 99 out of range (0..3)"), "{e}");

    let mut h = Hlb::minimal();
    h.types.push(vec![11, 42]); // obj whose name is string #42
    let e = err(&h.bytes());
    assert_eq!(e.section.to_string(), "types (type #3)");
    assert!(e.message.contains("string index 42 out of range (0..1)"), "{e}");

    let mut h = Hlb::minimal();
    h.entrypoint = 5;
    assert!(err(&h.bytes()).message.contains("entrypoint function index 5 out of range"));

    let mut h = Hlb::minimal();
    h.types.push(vec![99]);
    assert!(err(&h.bytes()).message.contains("invalid type kind 99"));
}

/// A native's library and name make a C symbol, which cannot hold a NUL
/// byte (the object writer asserted on such a symbol).
#[test]
fn native_names_with_nul_bytes_are_rejected() {
    for (lib, name) in [("std", "a\0b"), ("s\0d", "alloc")] {
        let mut h = Hlb::minimal();
        h.strings = vec!["hello", lib, name];
        let mut n = Vec::new();
        for v in [1, 2, 2, 1] {
            index(&mut n, v); // lib, name, type ():void, function index 1
        }
        h.natives = vec![n];
        let e = err(&h.bytes());
        assert_eq!(e.section.to_string(), "natives (native #0)");
        assert!(e.message.contains("contains a NUL byte"), "{e}");
        // The same native without the NUL reads cleanly.
        h.strings = vec!["hello", "std", "alloc"];
        read_module(&h.bytes()).unwrap();
    }
}

/// Replaces the single function's ops (and register count) of the minimal module.
fn with_ops(nregs: i32, ops: &[u8]) -> Vec<u8> {
    let mut h = Hlb::minimal();
    let mut f = Vec::new();
    index(&mut f, 2);
    index(&mut f, 0);
    index(&mut f, nregs);
    let nops = count_ops(ops);
    index(&mut f, nops);
    for _ in 0..nregs {
        index(&mut f, 1); // i32
    }
    f.extend_from_slice(ops);
    h.functions = vec![f];
    h.bytes()
}

fn count_ops(ops: &[u8]) -> i32 {
    // Tests below use fixed-size ops only; the first byte of each says its size.
    let mut n = 0;
    let mut i = 0;
    while i < ops.len() {
        i += match ops[i] {
            1 | 0 => 3,  // OInt r, @i / OMov a, b
            58 => 2,     // OJAlways off
            67 => 2,     // ORet r
            24 => 3,     // OCall0 r, f
            255 => 1,
            _ => unreachable!(),
        };
        n += 1;
    }
    n
}

#[test]
fn bad_operands_name_the_function_and_op() {
    let ok = with_ops(1, &[1, 0, 0, 67, 0]);
    read_module(&ok).expect("valid ops");

    let e = err(&with_ops(1, &[1, 5, 0, 67, 0]));
    assert_eq!(e.section.to_string(), "functions (function #0)");
    assert!(e.message.contains("op #0: register index 5 out of range (0..1)"), "{e}");

    let e = err(&with_ops(1, &[1, 0, 9, 67, 0]));
    assert!(e.message.contains("int constant index 9 out of range"), "{e}");

    let e = err(&with_ops(1, &[24, 0, 7, 67, 0]));
    assert!(e.message.contains("function index 7 out of range"), "{e}");

    let e = err(&with_ops(1, &[58, 5, 67, 0]));
    assert!(e.message.contains("jump offset 5 lands outside the function"), "{e}");

    let e = err(&with_ops(1, &[255]));
    assert!(e.message.contains("invalid opcode 255"), "{e}");
}

#[test]
fn the_cli_reports_a_diagnostic_and_exits_with_1() {
    let dir = std::env::temp_dir().join(format!("hlc-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.hl", vec![]),
        ("truncated.hl", hello()[..1000].to_vec()),
        ("text.hl", b"this is not bytecode".to_vec()),
    ];
    for (name, data) in cases {
        let path = dir.join(name);
        std::fs::write(&path, &data).unwrap();
        let out_file = dir.join(format!("{name}.txt"));
        let out = Command::new(env!("CARGO_BIN_EXE_hlc-test-driver"))
            .args(["dump", "-o"])
            .arg(&out_file)
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("invalid HashLink bytecode") && stderr.contains("byte offset"), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!out_file.exists(), "{name}: an output file was written despite the error");
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_hlc-test-driver"))
        .args(["dump", "/nonexistent/dir/x.hl"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
    let _ = std::fs::remove_dir_all(&dir);
}
