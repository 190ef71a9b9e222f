//! Modules that read cleanly but are ill-typed: the verifier must reject
//! each with a diagnostic naming the function, the op and what was expected;
//! `hlc check`, `hlc dump --verify`, `hlc build` and `hlc run` must report it without
//! panicking; and every golden program must pass.

use hlc::bytecode::verify::Location;
use hlc::bytecode::{read_module, verify_module, VerifyError};
use hlc_tests::{function, golden_programs, index, op, op_list, scratch, Hlb, Rng};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// The type table of the test module.
const VOID: i32 = 0;
const I32: i32 = 1;
const FUN_VOID: i32 = 2; // ():void
const F64: i32 = 3;
const BOOL: i32 = 4;
const DYN: i32 = 5;
const POINT: i32 = 6; // obj Point { x: i32 }, method f (slot 0) = fun@3
const FUN_POINT_VOID: i32 = 7; // (Point):void
const BYTES: i32 = 8;
const FUN_I32_I32: i32 = 9; // (i32):i32
const ENUM: i32 = 10; // enum E { A(i32) }
const REF_I32: i32 = 11;
const ARRAY: i32 = 12;
const TYPE: i32 = 13;

// Opcodes.
const MOV: u8 = 0;
const INT: u8 = 1;
const CALL0: u8 = 24;
const CALL1: u8 = 25;
const CALL_METHOD: u8 = 30;
const CALL_THIS: u8 = 31;
const FIELD: u8 = 38;
const GET_THIS: u8 = 40;
const JTRUE: u8 = 44;
const JSLT: u8 = 48;
const JALWAYS: u8 = 58;
const TO_DYN: u8 = 59;
const LABEL: u8 = 66;
const RET: u8 = 67;
const THROW: u8 = 68;
const SWITCH: u8 = 70;
const TRAP: u8 = 72;
const END_TRAP: u8 = 73;
const GET_ARRAY: u8 = 77;
const ARRAY_SIZE: u8 = 83;
const REF: u8 = 87;
const UNREF: u8 = 88;
const MAKE_ENUM: u8 = 90;
const ENUM_FIELD: u8 = 93;
const NOP: u8 = 98;

fn types() -> Vec<Vec<u8>> {
    let enc = |v: &[i32]| {
        let mut o = Vec::new();
        for &x in v {
            index(&mut o, x);
        }
        o
    };
    let tagged = |kind: u8, v: &[i32]| {
        let mut o = vec![kind];
        o.extend(enc(v));
        o
    };
    vec![
        vec![0],                   // void
        vec![3],                   // i32
        vec![10, 0, 0],            // ():void
        vec![6],                   // f64
        vec![7],                   // bool
        vec![9],                   // dyn
        // obj: name "Point", no super, no global, 1 field, 1 proto, 0 bindings;
        // field x:i32; proto f = fun@3, slot 0
        tagged(11, &[1, -1, 0, 1, 1, 0, 2, I32, 5, 3, 0]),
        vec![10, 1, POINT as u8, VOID as u8], // (Point):void
        vec![8],                   // bytes
        vec![10, 1, I32 as u8, I32 as u8], // (i32):i32
        // enum "E", no global, 1 constructor "A" with one i32 parameter
        tagged(18, &[3, 0, 1, 4, 1, I32]),
        tagged(14, &[I32]),        // ref(i32)
        vec![12],                  // array
        vec![13],                  // type
    ]
}

/// The test module with `fun@1` of type `ty` holding `regs` and `ops`. The
/// other functions: `fun@0` the entry point, `fun@2: (i32):i32`, and
/// `fun@3: (Point):void`, the method `Point.f`.
fn module_with(ty: i32, regs: &[i32], ops: &[Vec<u8>]) -> Hlb {
    let mut h = Hlb::minimal();
    h.strings = vec!["hello", "Point", "x", "E", "A", "f"];
    h.types = types();
    h.globals = vec![I32, POINT];
    h.functions = vec![
        function(FUN_VOID, 0, &[VOID], &[op(RET, &[0])]),
        function(ty, 1, regs, ops),
        function(FUN_I32_I32, 2, &[I32], &[op(RET, &[0])]),
        function(FUN_POINT_VOID, 3, &[POINT, VOID], &[op(RET, &[1])]),
    ];
    h
}

fn verify(h: &Hlb) -> Result<(), VerifyError> {
    let m = read_module(&h.bytes()).unwrap_or_else(|e| panic!("the crafted module must read cleanly: {e}"));
    verify_module(&m)
}

/// Verifies `fun@1` with the given body and returns the error, which must
/// name op `at` of `fun$1` and contain `expected`.
fn rejects(ty: i32, regs: &[i32], ops: &[Vec<u8>], at: usize, expected: &str) -> VerifyError {
    let e = match verify(&module_with(ty, regs, ops)) {
        Ok(()) => panic!("an ill-typed module was accepted (expected: {expected})"),
        Err(e) => e,
    };
    match &e.location {
        Location::Op { name, findex, op, text } => {
            assert_eq!((name.as_str(), *findex, *op), ("fun$1", 1, at), "{e}");
            assert!(!text.is_empty(), "{e}");
        }
        other => panic!("error not located at an op: {other:?} ({e})"),
    }
    assert!(e.message.contains(expected), "expected `{expected}` in: {e}");
    e
}

/// A function type that takes its own type (two bytes of golden/hello
/// changed, four bits in all, make type #21 a function of two #21s) printed
/// in a diagnostic: its text grew geometrically down to the depth limit of
/// 64, and the verifier allocated until the machine ran out of memory (~23 GB
/// in a fuzzing run). Type texts are now cut short; a chain of function types
/// 14 levels deep, each taking the next as both arguments and result (full
/// text: 24 MB), checks the cut.
#[test]
fn self_referential_function_types_print_bounded_diagnostics() {
    let first = types().len() as i32;
    for depth in [14, 0] {
        let mut h = module_with(FUN_VOID, &[first], &[op(RET, &[0])]);
        for level in 0..depth.max(1) {
            // (next,next):next, where next is the following type, or this one.
            let next = if depth == 0 { first } else { first + level + 1 };
            let mut t = vec![10, 2];
            for _ in 0..3 {
                index(&mut t, next);
            }
            h.types.push(t);
        }
        if depth > 0 {
            h.types.push(vec![3]); // i32
        }
        let started = Instant::now();
        let e = verify(&h).expect_err("a function-typed register returned from a void function");
        let text = format!("{e}");
        assert!(text.contains("the function's return type") && text.contains("..."), "{}", &text[..text.len().min(300)]);
        assert!(text.len() < 40_000, "depth {depth}: a {}-byte diagnostic", text.len());
        assert!(started.elapsed() < Duration::from_secs(5), "depth {depth}: {:?}", started.elapsed());
    }
}

/// A method whose name holds a NUL byte (a corrupted string, found by the
/// compile_module fuzz target): the object writer panicked on its symbol.
/// Symbols and DWARF names now write each NUL as `?`.
#[test]
fn function_names_with_nul_bytes_compile() {
    let mut h = module_with(FUN_VOID, &[VOID], &[op(RET, &[0])]);
    h.strings[5] = "f\0g"; // the name of Point's method, fun@3
    let bytes = h.bytes();
    let m = std::sync::Arc::new(read_module(&bytes).unwrap());
    verify_module(&m).unwrap();
    for debug in [None, Some(hlc::driver::debuginfo::Source::of(Path::new("main.hl")))] {
        let options = hlc::driver::aot::ObjectOptions { opt: hlc::driver::isa::OptLevel::Once, target: None, jobs: 1, debug, library: false };
        let object = hlc::driver::aot::compile_module(m.clone(), &bytes, &options, &Default::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(object.windows(9).any(|w| w == b"Point.f?g"), "no symbol Point.f?g");
    }
}

#[test]
fn the_well_typed_test_module_passes() {
    verify(&module_with(FUN_VOID, &[VOID, I32, I32], &[op(MOV, &[1, 2]), op(RET, &[0])])).unwrap();
    // A call, a method call, a field read, an enum and a trap, all well-typed.
    verify(&module_with(
        FUN_VOID,
        &[VOID, I32, POINT, ENUM, DYN, BOOL],
        &[
            op(INT, &[1, 0]),
            op(CALL1, &[1, 2, 1]),
            op_list(CALL_METHOD, &[0, 0], &[2]),
            op(FIELD, &[1, 2, 0]),
            op_list(MAKE_ENUM, &[3, 0], &[1]),
            op(ENUM_FIELD, &[1, 3, 0, 0]),
            op(TRAP, &[4, 2]),
            op(END_TRAP, &[1]),
            op(RET, &[0]),
            op(RET, &[0]),
        ],
    ))
    .unwrap();
}

#[test]
fn a_register_used_at_the_wrong_type() {
    let e = rejects(FUN_VOID, &[VOID, I32, F64], &[op(MOV, &[1, 2]), op(RET, &[0])], 0, "register 2 (f64) should be i32");
    // The op is printed as `hlc dump` prints it.
    assert!(e.to_string().contains("op #0 (@0) `mov 1,2`"), "{e}");
    rejects(FUN_VOID, &[VOID, F64], &[op(INT, &[1, 0]), op(RET, &[0])], 0, "register 1 (f64) should be an integer");
    rejects(FUN_VOID, &[VOID, I32], &[op(THROW, &[1])], 0, "register 1 (i32) should be dynamic");
    rejects(FUN_VOID, &[VOID, DYN], &[op(TO_DYN, &[1, 1]), op(RET, &[0])], 0, "already dynamic");
    rejects(FUN_VOID, &[VOID, I32, F64], &[op(GET_ARRAY, &[1, 2, 1]), op(RET, &[0])], 0, "register 2 (f64) should be an array");
    rejects(FUN_VOID, &[VOID, I32, BYTES], &[op(ARRAY_SIZE, &[1, 2]), op(RET, &[0])], 0, "register 2 (bytes) should be an array");
}

#[test]
fn field_and_method_indices_are_checked_against_the_object_type() {
    rejects(FUN_VOID, &[VOID, I32, POINT], &[op(FIELD, &[1, 2, 5]), op(RET, &[0])], 0, "register 2 (Point) has no field 5");
    rejects(FUN_VOID, &[VOID, F64, POINT], &[op(FIELD, &[1, 2, 0]), op(RET, &[0])], 0, "register 1 (f64) cannot hold a value of type i32");
    rejects(FUN_VOID, &[VOID, I32, I32], &[op(FIELD, &[1, 2, 0]), op(RET, &[0])], 0, "register 2 (i32) should be an object");
    rejects(FUN_VOID, &[VOID, POINT], &[op_list(CALL_METHOD, &[0, 3], &[1]), op(RET, &[0])], 0, "has no method in slot 3");
}

#[test]
fn calls_check_arity_argument_and_result_types() {
    rejects(FUN_VOID, &[VOID, I32], &[op(CALL0, &[1, 2]), op(RET, &[0])], 0, "takes 1 arguments, not 0");
    rejects(FUN_VOID, &[VOID, I32, F64], &[op(CALL1, &[1, 2, 2]), op(RET, &[0])], 0, "register 2 (f64) should be i32");
    rejects(FUN_VOID, &[VOID, BOOL, I32], &[op(CALL1, &[1, 2, 2]), op(RET, &[0])], 0, "register 1 (bool) cannot hold a value of type i32");
    rejects(FUN_VOID, &[VOID, I32], &[op_list(CALL_METHOD, &[0, 0], &[1]), op(RET, &[0])], 0, "register 1 (i32) should be an object");
}

#[test]
fn implicit_conversions_that_hashlink_accepts_pass() {
    // A Point where dyn is expected (any dynamic value converts), i32 where i32 is expected.
    verify(&module_with(FUN_VOID, &[VOID, DYN, POINT], &[op(MOV, &[1, 2]), op(RET, &[0])])).unwrap();
    // ... but not the other way round.
    rejects(FUN_VOID, &[VOID, DYN, POINT], &[op(MOV, &[2, 1]), op(RET, &[0])], 0, "register 1 (dyn) should be Point");
}

#[test]
fn return_types_are_checked() {
    rejects(FUN_I32_I32, &[I32, F64], &[op(RET, &[1])], 0, "register 1 (f64) should be i32, the function's return type");
}

#[test]
fn a_function_without_this_cannot_read_it() {
    rejects(FUN_VOID, &[VOID, I32], &[op(GET_THIS, &[1, 0]), op(RET, &[0])], 0, "the function has no `this`");
    rejects(FUN_VOID, &[VOID, I32], &[op_list(CALL_THIS, &[0, 0], &[]), op(RET, &[0])], 0, "the function has no `this`");
}

#[test]
fn trap_regions_nest_along_every_path() {
    // op 0 jumps over the OTrap into its region.
    rejects(
        FUN_VOID,
        &[VOID, DYN, BOOL],
        &[
            op(JTRUE, &[2, 1]),
            op(TRAP, &[1, 3]),
            op(NOP, &[]),
            op(END_TRAP, &[1]),
            op(RET, &[0]),
            op(RET, &[0]),
        ],
        1,
        "op #2 is reached with no trap along one path and with the trap of op #1 along another",
    );
    rejects(FUN_VOID, &[VOID], &[op(END_TRAP, &[1]), op(RET, &[0])], 0, "no trap is installed here");
    rejects(FUN_VOID, &[VOID, DYN], &[op(TRAP, &[1, 1]), op(RET, &[0]), op(RET, &[0])], 1, "still installed");
    rejects(FUN_VOID, &[VOID, I32], &[op(TRAP, &[1, 1]), op(RET, &[0]), op(RET, &[0])], 0, "register 1 (i32) should be dynamic");
}

#[test]
fn jumps_and_switches_land_inside_the_function() {
    let switch = |reg: i32, targets: &[i32], end: i32| {
        let mut o = op(SWITCH, &[reg, targets.len() as i32]);
        for &t in targets {
            index(&mut o, t);
        }
        index(&mut o, end);
        o
    };
    rejects(FUN_VOID, &[VOID, I32], &[switch(1, &[1], 1), op(RET, &[0])], 0, "the jump lands outside the function");
    rejects(FUN_VOID, &[VOID, F64], &[switch(1, &[0], 0), op(RET, &[0])], 0, "register 1 (f64) should be i32");
    rejects(FUN_VOID, &[VOID], &[op(NOP, &[]), op(JALWAYS, &[-2])], 1, "a backward jump must land on a label");
    verify(&module_with(FUN_VOID, &[VOID, BOOL], &[op(LABEL, &[]), op(JTRUE, &[1, -2]), op(RET, &[0])])).unwrap();
    rejects(FUN_VOID, &[VOID], &[op(NOP, &[])], 0, "control falls off the end of the function");
}

#[test]
fn comparisons_references_and_enums() {
    rejects(FUN_VOID, &[VOID, I32, F64], &[op(JSLT, &[1, 2, 0]), op(RET, &[0])], 0, "cannot be compared");
    rejects(FUN_VOID, &[VOID, I32, I32], &[op(UNREF, &[1, 2]), op(RET, &[0])], 0, "register 2 (i32) should be ref(i32)");
    rejects(FUN_VOID, &[VOID, REF_I32], &[op(REF, &[1, 0]), op(RET, &[0])], 0, "register 0 (void) should be i32");
    rejects(FUN_VOID, &[VOID, ENUM, I32], &[op_list(MAKE_ENUM, &[1, 3], &[2]), op(RET, &[0])], 0, "has no constructor 3");
    rejects(FUN_VOID, &[VOID, ENUM, I32], &[op_list(MAKE_ENUM, &[1, 0], &[]), op(RET, &[0])], 0, "takes 1 parameters, not 0");
    rejects(FUN_VOID, &[VOID, I32, ENUM], &[op(ENUM_FIELD, &[1, 2, 0, 4]), op(RET, &[0])], 0, "has no parameter 4");
    rejects(FUN_VOID, &[VOID, TYPE, ARRAY], &[op(ENUM_FIELD, &[1, 2, 0, 0]), op(RET, &[0])], 0, "register 2 (array) should be an enum");
}

#[test]
fn functions_are_named_as_hashlink_names_them() {
    // fun@3 is the method Point.f; give it an ill-typed body.
    let mut h = module_with(FUN_VOID, &[VOID], &[op(RET, &[0])]);
    h.functions[3] = function(FUN_POINT_VOID, 3, &[POINT, VOID, I32], &[op(MOV, &[2, 0]), op(RET, &[1])]);
    let e = verify(&h).unwrap_err();
    assert!(e.to_string().contains("function Point.f (fun@3), op #0 (@0) `mov 2,0`"), "{e}");
}

/// Nested packed structs multiply their size at each level: a module whose
/// innermost struct is 8 bytes and whose eight outer levels each pack 16
/// copies of the level below describes a 2^35-byte struct. Laying it out is an
/// error, not a wrapped u32 (a panic in debug builds, wrong offsets in release).
#[test]
fn nested_packed_structs_too_large_to_lay_out_are_an_error() {
    let mut h = module_with(FUN_VOID, &[VOID], &[op(RET, &[0])]);
    let first = h.types.len() as i32;
    let strukt = |fields: &[i32]| {
        let mut o = vec![21u8];
        for x in [1, -1, 0, fields.len() as i32, 0, 0] {
            index(&mut o, x);
        }
        for &t in fields {
            index(&mut o, 2);
            index(&mut o, t);
        }
        o
    };
    let packed = |t: i32| {
        let mut o = vec![22u8];
        index(&mut o, t);
        o
    };
    h.types.push(strukt(&[F64]));
    h.types.push(packed(first));
    for level in 1..=8 {
        let below = first + 2 * level - 1;
        h.types.push(strukt(&[below; 16]));
        h.types.push(packed(below + 1));
    }
    let m = read_module(&h.bytes()).unwrap_or_else(|e| panic!("the crafted module must read cleanly: {e}"));
    let e = hlc::bytecode::layout::Layouts::compute(&m, hlc::bytecode::layout::Target { ptr: 8 })
        .expect_err("a 2^35-byte struct cannot be laid out");
    assert!(e.0.contains("is larger than 1073741824 bytes"), "{}", e.0);
}

#[test]
fn module_level_facts() {
    let at_module = |h: &Hlb, what: &str, expected: &str| {
        let e = verify(h).expect_err(expected);
        assert!(matches!(&e.location, Location::Module(w) if w.contains(what)), "{e}");
        assert!(e.message.contains(expected), "{e}");
    };
    // A native whose type is not a function type.
    let mut h = module_with(FUN_VOID, &[VOID], &[op(RET, &[0])]);
    let mut n = Vec::new();
    for v in [0, 5, I32, 4] {
        index(&mut n, v); // lib "hello", name "f", type i32, findex 4
    }
    h.natives = vec![n];
    at_module(&h, "native #0 (hello@f)", "its type i32 is not a function type");

    // The entry point takes an argument.
    let mut h = module_with(FUN_VOID, &[VOID], &[op(RET, &[0])]);
    h.entrypoint = 2;
    at_module(&h, "the entry point", "takes arguments");

    // A class that is its own superclass.
    let mut h = module_with(FUN_VOID, &[VOID], &[op(RET, &[0])]);
    h.types[POINT as usize] = {
        let mut o = vec![11];
        for v in [1, POINT, 0, 1, 0, 0, 2, I32] {
            index(&mut o, v);
        }
        o
    };
    at_module(&h, "type #6", "super chain is cyclic");

    // A constant table naming an int that does not exist.
    let mut h = module_with(FUN_VOID, &[VOID], &[op(RET, &[0])]);
    h.constants = vec![(1, vec![40])];
    at_module(&h, "constant #0", "int index 40 out of range");

    // A function whose argument register has another type than the argument.
    let mut h = module_with(FUN_VOID, &[VOID], &[op(RET, &[0])]);
    h.functions[2] = function(FUN_I32_I32, 2, &[F64], &[op(RET, &[0])]);
    let e = verify(&h).unwrap_err();
    assert!(matches!(&e.location, Location::Function { findex: 2, .. }), "{e}");
    assert!(e.message.contains("argument 0 is of type i32 but register 0 is f64"), "{e}");
}

#[test]
fn every_golden_program_verifies() {
    let mut dirs = golden_programs();
    let programs = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
    dirs.extend(std::fs::read_dir(programs).unwrap().filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.join("main.hl").is_file()));
    assert!(dirs.len() > 60);
    for dir in dirs {
        let m = read_module(&std::fs::read(dir.join("main.hl")).unwrap()).unwrap();
        if let Err(e) = verify_module(&m) {
            panic!("{}: {e}", dir.display());
        }
    }
}

#[test]
fn check_dump_and_build_report_the_diagnostic() {
    let dir = scratch("ill-typed-cli");
    let bad = dir.join("bad.hl");
    std::fs::write(&bad, module_with(FUN_VOID, &[VOID, I32, F64], &[op(MOV, &[1, 2]), op(RET, &[0])]).bytes()).unwrap();
    let good = dir.join("good.hl");
    std::fs::write(&good, module_with(FUN_VOID, &[VOID], &[op(RET, &[0])]).bytes()).unwrap();
    let driver = env!("CARGO_BIN_EXE_hlc-test-driver");
    let expect_diagnostic = |out: &std::process::Output, what: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
        assert!(stderr.contains("ill-typed HashLink bytecode") && stderr.contains("fun$1"), "{what}: {stderr}");
        assert!(stderr.contains("register 2 (f64) should be i32"), "{what}: {stderr}");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    };

    let out = Command::new(driver).arg("check").arg(&bad).output().unwrap();
    expect_diagnostic(&out, "check");
    let out = Command::new(driver).arg("check").arg(&good).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok (4 functions, 4 ops)"));

    let txt = dir.join("bad.txt");
    let out = Command::new(driver).args(["dump", "--verify", "-o"]).arg(&txt).arg(&bad).output().unwrap();
    expect_diagnostic(&out, "dump --verify");
    assert!(!txt.exists(), "dump --verify wrote output for an ill-typed module");
    let out = Command::new(driver).args(["dump", "-o"]).arg(&txt).arg(&bad).output().unwrap();
    assert!(out.status.success() && txt.exists(), "plain dump still prints what it read");

    let exe = dir.join("bad");
    let out = hlc_tests::hlc_build(driver, &bad, &exe, &[]);
    expect_diagnostic(&out, "build");
    assert!(!exe.exists());
    let out = Command::new(driver).arg("run").arg(&bad).output().unwrap();
    expect_diagnostic(&out, "run");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `hlc build --emit obj` on `input` (everything but the link, which
/// only sees what the compiler wrote), killing it after `limit`; `None` if it hung.
fn build_with_timeout(driver: &str, input: &Path, output: &Path, limit: Duration) -> Option<std::process::Output> {
    let mut child = Command::new(driver)
        .args(["build", "-O0", "--emit", "obj"])
        .arg(input)
        .arg("-o")
        .arg(output)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Mutants of a real module (1 to 8 flipped bits, fixed seed): whatever the
/// reader accepts, `hlc build` either compiles or reports a diagnostic, with
/// no panic, no signal and no hang; a verified mutant never reaches
/// Cranelift with invalid IR (its verifier is on in debug builds).
#[test]
fn mutants_of_a_golden_module_never_crash_the_build() {
    use std::os::unix::process::ExitStatusExt as _;
    let driver = env!("CARGO_BIN_EXE_hlc-test-driver");
    let data = std::fs::read(hlc_tests::golden_dir().join("hello").join("main.hl")).unwrap();
    let dir = scratch("ill-typed-mutants");
    let (input, exe) = (dir.join("m.hl"), dir.join("m.o"));
    let mut rng = Rng(0x00c0_ffee_1234_5678);
    let (mut accepted, mut built, mut ill_typed) = (0, 0, 0);
    while accepted < 300 {
        let mut d = data.clone();
        for _ in 0..1 + rng.next_u64() % 8 {
            let at = (rng.next_u64() % d.len() as u64) as usize;
            d[at] ^= 1 << (rng.next_u64() % 8);
        }
        if read_module(&d).is_err() {
            continue;
        }
        accepted += 1;
        std::fs::write(&input, &d).unwrap();
        let out = build_with_timeout(driver, &input, &exe, Duration::from_secs(120))
            .unwrap_or_else(|| panic!("mutant #{accepted} hung (kept in {})", input.display()));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let keep = || {
            let _ = std::fs::copy(&input, dir.join(format!("failing-{accepted}.hl")));
        };
        if let Some(sig) = out.status.signal() {
            keep();
            panic!("mutant #{accepted}: hlc died of signal {sig}: {stderr}");
        }
        if stderr.contains("panicked") || !matches!(out.status.code(), Some(0 | 1)) {
            keep();
            panic!("mutant #{accepted}: {:?}: {stderr}", out.status);
        }
        if stderr.contains("Verifier") || stderr.contains("verifier errors") {
            keep();
            panic!("mutant #{accepted} passed hlbc's verifier but produced invalid Cranelift IR: {stderr}");
        }
        if out.status.success() {
            built += 1;
        } else if stderr.contains("ill-typed") {
            ill_typed += 1;
        }
    }
    eprintln!("{accepted} mutants read cleanly: {built} built, {ill_typed} rejected as ill-typed, {} other diagnostics", accepted - built - ill_typed);
    assert!(ill_typed > 100, "only {ill_typed} of {accepted} mutants were rejected as ill-typed");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Small well-typed modules, one per family of ops: loops (counted, nested,
/// spinning on a global), integer and float arithmetic, objects and method
/// calls, closures, dynamic fields, references, arrays, enums, switches and
/// traps. Each must verify and compile. They seed the `compile_module` fuzz
/// target (a golden module holds ~300 functions of Haxe's standard library;
/// these hold four, so a mutant costs microseconds): with
/// `HLC_FUZZ_SEEDS=DIR` this test writes them into DIR.
fn seed_modules() -> Vec<(&'static str, Hlb)> {
    const TRUE: u8 = 3;
    const NULL: u8 = 6;
    const ADD: u8 = 7;
    const SUB: u8 = 8;
    const MUL: u8 = 9;
    const SDIV: u8 = 10;
    const UDIV: u8 = 11;
    const SMOD: u8 = 12;
    const UMOD: u8 = 13;
    const SHL: u8 = 14;
    const SSHR: u8 = 15;
    const USHR: u8 = 16;
    const AND: u8 = 17;
    const OR: u8 = 18;
    const XOR: u8 = 19;
    const NEG: u8 = 20;
    const NOT: u8 = 21;
    const INCR: u8 = 22;
    const DECR: u8 = 23;
    const CALL_CLOSURE: u8 = 32;
    const STATIC_CLOSURE: u8 = 33;
    const GLOBAL: u8 = 36;
    const SET_GLOBAL: u8 = 37;
    const SET_FIELD: u8 = 39;
    const DYN_GET: u8 = 42;
    const DYN_SET: u8 = 43;
    const JFALSE: u8 = 45;
    const JNULL: u8 = 46;
    const JSGTE: u8 = 49;
    const JEQ: u8 = 56;
    const TO_SFLOAT: u8 = 60;
    const TO_INT: u8 = 62;
    const SET_ARRAY: u8 = 81;
    const NEW: u8 = 82;
    const SETREF: u8 = 89;
    const ENUM_INDEX: u8 = 92;
    const NULL_CHECK: u8 = 71;
    let switch = |reg: i32, targets: &[i32], end: i32| {
        let mut o = op(SWITCH, &[reg, targets.len() as i32]);
        for &t in targets {
            index(&mut o, t);
        }
        index(&mut o, end);
        o
    };
    let with = |regs: &[i32], ops: Vec<Vec<u8>>| {
        let mut h = module_with(FUN_VOID, regs, &ops);
        h.ints = vec![7, 0, 1, -3];
        h
    };
    vec![
        // for (i in 0...n) acc = acc * i + n
        ("counted_loop", with(&[VOID, I32, I32, I32], vec![
            op(INT, &[1, 1]),
            op(INT, &[2, 0]),
            op(INT, &[3, 2]),
            op(LABEL, &[]),
            op(JSGTE, &[1, 2, 4]),
            op(MUL, &[3, 3, 1]),
            op(ADD, &[3, 3, 2]),
            op(INCR, &[1]),
            op(JALWAYS, &[-6]),
            op(RET, &[0]),
        ])),
        // for (i in 0...n) for (j in i...n) x += i * 0.5 / j
        ("nested_loops", with(&[VOID, I32, I32, I32, F64, F64, F64], vec![
            op(INT, &[3, 0]),
            op(INT, &[1, 1]),
            op(TO_SFLOAT, &[4, 1]),
            op(LABEL, &[]),
            op(JSGTE, &[1, 3, 12]),
            op(MOV, &[2, 1]),
            op(LABEL, &[]),
            op(JSGTE, &[2, 3, 7]),
            op(TO_SFLOAT, &[5, 1]),
            op(TO_SFLOAT, &[6, 2]),
            op(MUL, &[5, 5, 5]),
            op(SDIV, &[5, 5, 6]),
            op(ADD, &[4, 4, 5]),
            op(INCR, &[2]),
            op(JALWAYS, &[-9]),
            op(INCR, &[1]),
            op(JALWAYS, &[-14]),
            op(TO_INT, &[1, 4]),
            op(SET_GLOBAL, &[0, 1]),
            op(RET, &[0]),
        ])),
        // while (g < 7) {}: a loop that only reads a global
        ("spin_on_global", with(&[VOID, I32, I32], vec![
            op(INT, &[2, 0]),
            op(LABEL, &[]),
            op(GLOBAL, &[1, 0]),
            op(JSLT, &[1, 2, -3]),
            op(RET, &[0]),
        ])),
        ("int_arith", with(&[VOID, I32, I32, I32, BOOL], vec![
            op(INT, &[1, 0]),
            op(INT, &[2, 3]),
            op(ADD, &[3, 1, 2]),
            op(SUB, &[3, 3, 2]),
            op(MUL, &[3, 3, 1]),
            op(SDIV, &[3, 3, 2]),
            op(UDIV, &[3, 3, 2]),
            op(SMOD, &[3, 3, 1]),
            op(UMOD, &[3, 3, 1]),
            op(SHL, &[3, 3, 1]),
            op(SSHR, &[3, 3, 2]),
            op(USHR, &[3, 3, 1]),
            op(AND, &[3, 3, 1]),
            op(OR, &[3, 3, 2]),
            op(XOR, &[3, 3, 1]),
            op(NEG, &[3, 3]),
            op(DECR, &[3]),
            op(CALL1, &[3, 2, 3]),
            op(TRUE, &[4, 1]),
            op(NOT, &[4, 4]),
            op(JFALSE, &[4, 1]),
            op(SET_GLOBAL, &[0, 3]),
            op(JEQ, &[1, 2, 0]),
            op(RET, &[0]),
        ])),
        // new Point; p.x = 7; p.f(); p.x
        ("object_fields", with(&[VOID, I32, POINT, DYN], vec![
            op(NEW, &[2]),
            op(INT, &[1, 0]),
            op(SET_FIELD, &[2, 0, 1]),
            op(FIELD, &[1, 2, 0]),
            op_list(CALL_METHOD, &[0, 0], &[2]),
            op(CALL1, &[0, 3, 2]),
            op(SET_GLOBAL, &[1, 2]),
            op(GLOBAL, &[2, 1]),
            op(NULL_CHECK, &[2]),
            op(MOV, &[3, 2]),
            op(DYN_SET, &[3, 2, 1]),
            op(DYN_GET, &[1, 3, 2]),
            op(RET, &[0]),
        ])),
        // var f = fun@2; f(f(7))
        ("closures", with(&[VOID, I32, FUN_I32_I32, DYN], vec![
            op(STATIC_CLOSURE, &[2, 2]),
            op(INT, &[1, 0]),
            op_list(CALL_CLOSURE, &[1, 2], &[1]),
            op_list(CALL_CLOSURE, &[1, 2], &[1]),
            op(TO_DYN, &[3, 1]),
            op(JNULL, &[3, 1]),
            op(NULL_CHECK, &[3]),
            op(RET, &[0]),
        ])),
        ("refs_and_arrays", with(&[VOID, I32, REF_I32, ARRAY, DYN, I32], vec![
            op(INT, &[1, 0]),
            op(REF, &[2, 1]),
            op(UNREF, &[5, 2]),
            op(SETREF, &[2, 5]),
            op(NULL, &[3]),
            op(JNULL, &[3, 4]),
            op(ARRAY_SIZE, &[5, 3]),
            op(GET_ARRAY, &[4, 3, 1]),
            op(SET_ARRAY, &[3, 1, 4]),
            op(NOP, &[]),
            op(RET, &[0]),
        ])),
        // switch (E.A(i)) over the constructor index, then a trap around a call
        ("enum_switch_trap", with(&[VOID, I32, ENUM, DYN, I32], vec![
            op(INT, &[1, 0]),
            op_list(MAKE_ENUM, &[2, 0], &[1]),
            op(ENUM_INDEX, &[4, 2]),
            switch(4, &[1, 2], 0),
            op(ENUM_FIELD, &[1, 2, 0, 0]),
            op(ENUM_FIELD, &[4, 2, 0, 0]),
            op(TRAP, &[3, 3]),
            op(CALL1, &[1, 2, 4]),
            op(END_TRAP, &[1]),
            op(JALWAYS, &[1]),
            op(THROW, &[3]),
            op(RET, &[0]),
        ])),
    ]
}

#[test]
fn seed_modules_for_the_fuzz_target_verify_and_compile() {
    let dir = std::env::var_os("HLC_FUZZ_SEEDS").map(std::path::PathBuf::from);
    for (name, h) in seed_modules() {
        let bytes = h.bytes();
        let m = read_module(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        verify_module(&m).unwrap_or_else(|e| panic!("{name}: {e}"));
        let m = std::sync::Arc::new(m);
        let opt = hlc::driver::isa::OptLevel::Once;
        let options = hlc::driver::aot::ObjectOptions { opt, target: None, jobs: 1, debug: None, library: false };
        hlc::driver::aot::compile_module(m, &bytes, &options, &Default::default()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        if let Some(dir) = &dir {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join(format!("seed_{name}.hl")), &bytes).unwrap();
        }
    }
}
