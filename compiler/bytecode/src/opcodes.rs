//! The opcode table: the single source of truth for every HashLink opcode.
//!
//! Each row gives the opcode number, its HashLink name, its operands in
//! bytecode order (each operand's type says how it is encoded and validated)
//! and how the Haxe compiler's own disassembler (`haxe -D dump`) prints it.
//! The [`Op`] enum, the decoder, the printer and the name table are all
//! generated from this one table; the lowering matches on [`Op`].

use crate::index::*;
use crate::reader::{OpDecoder, ReadError};
use std::fmt::{self, Write as _};

/// A relative jump: the target is `op_index + 1 + offset`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Jump(pub i32);

impl Jump {
    /// The index of the op this jump lands on, for a jump at `at`.
    pub fn target(self, at: usize) -> usize {
        (at as i64 + 1 + self.0 as i64) as usize
    }
}

/// A raw integer immediate (e.g. `ORefOffset`'s scale, `OPrefetch`'s mode).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Imm(pub i32);

/// The argument registers of a call or enum construction (count byte + indexes).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RegList(pub Vec<Reg>);

/// The jump table of `OSwitch`: unsigned relative offsets, one per case.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct JumpTable(pub Vec<u32>);

/// An operand that indexes one of the module's constant tables or its globals.
#[derive(Copy, Clone, Debug)]
pub enum Constant {
    Int(IntIdx),
    Float(FloatIdx),
    String(StrIdx),
    Bytes(BytesIdx),
    Global(GlobalIdx),
}

/// How names of functions and types are rendered when an op is printed.
pub trait OpNames {
    /// The display name of function `f` (`Class.method`, `lib@name`, `fun$N`).
    fn fun_name(&self, f: FunIdx) -> String;
    /// The dump rendering of type `t`.
    fn type_str(&self, t: TypeIdx) -> String;
    /// A constant or global operand; the dump prints its index.
    fn constant(&self, c: Constant, out: &mut String) {
        let i = match c {
            Constant::Int(i) => i.0,
            Constant::Float(i) => i.0,
            Constant::String(i) => i.0,
            Constant::Bytes(i) => i.0,
            Constant::Global(i) => i.0,
        };
        let _ = write!(out, "{i}");
    }
}

/// One operand kind: how it is decoded from bytecode and printed in a dump.
pub trait Operand: Sized {
    /// Decodes and validates one operand of the op being read.
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError>;
    /// Appends the operand as the Haxe disassembler prints it.
    fn dump(&self, names: &dyn OpNames, out: &mut String);
    /// Calls `f` with each register the operand names.
    fn registers(&self, _f: &mut dyn FnMut(Reg)) {}
    /// Replaces each register the operand names by `f` of it.
    fn map_registers(&mut self, _f: &mut dyn FnMut(Reg) -> Reg) {}
    /// Replaces each relative jump offset the operand holds by `f` of it.
    fn map_jumps(&mut self, _f: &mut dyn FnMut(i64) -> i64) {}
}

/// Display adapter used by the generated printer.
struct Show<'a, T: Operand>(&'a T, &'a dyn OpNames);

impl<T: Operand> fmt::Display for Show<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.0.dump(self.1, &mut s);
        f.write_str(&s)
    }
}

macro_rules! numeric_operand {
    ($($ty:ident => $check:ident),* $(,)?) => {$(
        impl Operand for $ty {
            fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
                let v = d.index()?;
                d.$check(v).map($ty)
            }
            fn dump(&self, _: &dyn OpNames, out: &mut String) {
                let _ = write!(out, "{}", self.0);
            }
        }
    )*};
}

impl Operand for Reg {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        let v = d.index()?;
        d.check_reg(v).map(Reg)
    }
    fn dump(&self, _: &dyn OpNames, out: &mut String) {
        let _ = write!(out, "{}", self.0);
    }
    fn registers(&self, f: &mut dyn FnMut(Reg)) {
        f(*self)
    }
    fn map_registers(&mut self, f: &mut dyn FnMut(Reg) -> Reg) {
        *self = f(*self)
    }
}

numeric_operand! {
    FieldIdx => check_non_negative,
    ConstructIdx => check_non_negative,
}

macro_rules! constant_operand {
    ($($ty:ident => $check:ident, $kind:ident),* $(,)?) => {$(
        impl Operand for $ty {
            fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
                let v = d.index()?;
                d.$check(v).map($ty)
            }
            fn dump(&self, names: &dyn OpNames, out: &mut String) {
                names.constant(Constant::$kind(*self), out);
            }
        }
    )*};
}

constant_operand! {
    IntIdx => check_int, Int,
    FloatIdx => check_float, Float,
    StrIdx => check_string, String,
    BytesIdx => check_bytes, Bytes,
    GlobalIdx => check_global, Global,
}

impl Operand for FunIdx {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        let v = d.index()?;
        d.check_fun(v).map(FunIdx)
    }
    fn dump(&self, names: &dyn OpNames, out: &mut String) {
        out.push_str(&names.fun_name(*self));
    }
}

impl Operand for TypeIdx {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        let v = d.index()?;
        d.check_type(v).map(TypeIdx)
    }
    fn dump(&self, names: &dyn OpNames, out: &mut String) {
        out.push_str(&names.type_str(*self));
    }
}

impl Operand for Jump {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        let v = d.index()?;
        d.check_jump(v as i64).map(|_| Jump(v))
    }
    fn dump(&self, _: &dyn OpNames, out: &mut String) {
        let _ = write!(out, "{}", self.0);
    }
    fn map_jumps(&mut self, f: &mut dyn FnMut(i64) -> i64) {
        self.0 = f(self.0 as i64) as i32
    }
}

impl Operand for bool {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        Ok(d.index()? != 0)
    }
    fn dump(&self, _: &dyn OpNames, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl Operand for Imm {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        Ok(Imm(d.index()?))
    }
    fn dump(&self, _: &dyn OpNames, out: &mut String) {
        let _ = write!(out, "{}", self.0);
    }
}

impl Operand for RegList {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        let n = d.byte()? as usize;
        let mut regs = Vec::with_capacity(n);
        for _ in 0..n {
            regs.push(Reg::decode(d)?);
        }
        Ok(RegList(regs))
    }
    fn dump(&self, _: &dyn OpNames, out: &mut String) {
        join(out, self.0.iter().map(|r| r.0 as i64));
    }
    fn registers(&self, f: &mut dyn FnMut(Reg)) {
        self.0.iter().for_each(|&r| f(r))
    }
    fn map_registers(&mut self, f: &mut dyn FnMut(Reg) -> Reg) {
        self.0.iter_mut().for_each(|r| *r = f(*r))
    }
}

impl Operand for JumpTable {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        let n = d.uindex()?;
        d.check_count(n as usize, 1)?;
        let mut offsets = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let v = d.uindex()?;
            d.check_jump(v as i64)?;
            offsets.push(v);
        }
        Ok(JumpTable(offsets))
    }
    fn dump(&self, _: &dyn OpNames, out: &mut String) {
        join(out, self.0.iter().map(|&v| v as i64));
    }
    fn map_jumps(&mut self, f: &mut dyn FnMut(i64) -> i64) {
        self.0.iter_mut().for_each(|v| *v = f(*v as i64) as u32)
    }
}

/// The end offset of `OSwitch`, encoded unsigned.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SwitchEnd(pub u32);

impl Operand for SwitchEnd {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        let v = d.uindex()?;
        d.check_jump(v as i64).map(|_| SwitchEnd(v))
    }
    fn dump(&self, _: &dyn OpNames, out: &mut String) {
        let _ = write!(out, "{}", self.0);
    }
    fn map_jumps(&mut self, f: &mut dyn FnMut(i64) -> i64) {
        self.0 = f(self.0 as i64) as u32
    }
}

/// `OSwitch`'s register is encoded unsigned.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SwitchReg(pub Reg);

impl Operand for SwitchReg {
    fn decode(d: &mut OpDecoder<'_, '_>) -> Result<Self, ReadError> {
        let v = d.uindex()?;
        d.check_reg(v as i32).map(|r| SwitchReg(Reg(r)))
    }
    fn dump(&self, names: &dyn OpNames, out: &mut String) {
        self.0.dump(names, out)
    }
    fn registers(&self, f: &mut dyn FnMut(Reg)) {
        f(self.0)
    }
    fn map_registers(&mut self, f: &mut dyn FnMut(Reg) -> Reg) {
        self.0 = f(self.0)
    }
}

fn join(out: &mut String, items: impl Iterator<Item = i64>) {
    for (i, v) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{v}");
    }
}

macro_rules! op_dump {
    ($out:ident, $names:ident, [$($field:ident),*], $fmt:literal) => {
        let _ = write!($out, $fmt, $($field = Show($field, $names)),*);
    };
    ($out:ident, $names:ident, [$($field:ident),*], (|$o:ident, $n:ident| $body:block)) => {{
        let $o = $out;
        let $n = $names;
        $body
    }};
}

macro_rules! define_opcodes {
    ($(
        $code:literal $name:ident $hlname:literal { $($field:ident : $fty:ty),* } $fmt:tt;
    )*) => {
        /// One HashLink instruction, with typed operands in bytecode order.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Op {
            $( #[doc = $hlname] $name { $($field: $fty),* }, )*
        }

        /// The number of opcodes HashLink 1.17 defines (`OLast`).
        pub const OP_COUNT: u8 = [$($code),*].len() as u8;

        /// HashLink's names of the opcodes, indexed by opcode number.
        pub const OP_NAMES: &[&str] = &[$($hlname),*];

        impl Op {
            /// The opcode number of this op in HLB files.
            pub fn code(&self) -> u8 {
                match self { $( Op::$name { .. } => $code, )* }
            }

            /// HashLink's name of this op (`OMov`, `OCall2`, ...).
            pub fn name(&self) -> &'static str {
                OP_NAMES[self.code() as usize]
            }

            /// Decodes the operands of opcode `code` (already read).
            pub fn decode(code: u8, d: &mut OpDecoder<'_, '_>) -> Result<Op, ReadError> {
                match code {
                    $( $code => Ok(Op::$name { $($field: <$fty as Operand>::decode(d)?),* }), )*
                    _ => Err(d.error(format!("invalid opcode {code}"))),
                }
            }

            /// Calls `f` with every register the op names, read or written,
            /// in operand order.
            pub fn registers(&self, mut f: impl FnMut(Reg)) {
                match self {
                    $( Op::$name { $($field),* } => { $( Operand::registers($field, &mut f); )* } )*
                }
            }

            /// Replaces every register the op names, read or written, by `f` of it.
            pub fn map_registers(&mut self, mut f: impl FnMut(Reg) -> Reg) {
                match self {
                    $( Op::$name { $($field),* } => { $( Operand::map_registers($field, &mut f); )* } )*
                }
            }

            /// Replaces every relative jump offset the op holds (branches,
            /// `OSwitch`'s cases and end, `OTrap`'s handler, `OCatch`) by `f` of it.
            pub fn map_jumps(&mut self, mut f: impl FnMut(i64) -> i64) {
                match self {
                    $( Op::$name { $($field),* } => { $( Operand::map_jumps($field, &mut f); )* } )*
                }
            }

            /// Appends the op as the Haxe compiler's disassembler prints it.
            pub fn dump(&self, names: &dyn OpNames, out: &mut String) {
                match self {
                    $( Op::$name { $($field),* } => { op_dump!(out, names, [$($field),*], $fmt); } )*
                }
            }
        }
    };
}

define_opcodes! {
    0 Mov "OMov" { dst: Reg, src: Reg } "mov {dst},{src}";
    1 Int "OInt" { dst: Reg, value: IntIdx } "int {dst},@{value}";
    2 Float "OFloat" { dst: Reg, value: FloatIdx } "float {dst},@{value}";
    3 Bool "OBool" { dst: Reg, value: bool } "{value} {dst}";
    4 Bytes "OBytes" { dst: Reg, value: BytesIdx } "bytes {dst},@{value}";
    5 String "OString" { dst: Reg, value: StrIdx } "string {dst},@{value}";
    6 Null "ONull" { dst: Reg } "null {dst}";
    7 Add "OAdd" { dst: Reg, a: Reg, b: Reg } "add {dst},{a},{b}";
    8 Sub "OSub" { dst: Reg, a: Reg, b: Reg } "sub {dst},{a},{b}";
    9 Mul "OMul" { dst: Reg, a: Reg, b: Reg } "mul {dst},{a},{b}";
    10 SDiv "OSDiv" { dst: Reg, a: Reg, b: Reg } "sdiv {dst},{a},{b}";
    11 UDiv "OUDiv" { dst: Reg, a: Reg, b: Reg } "udiv {dst},{a},{b}";
    12 SMod "OSMod" { dst: Reg, a: Reg, b: Reg } "smod {dst},{a},{b}";
    13 UMod "OUMod" { dst: Reg, a: Reg, b: Reg } "umod {dst},{a},{b}";
    14 Shl "OShl" { dst: Reg, a: Reg, b: Reg } "shl {dst},{a},{b}";
    15 SShr "OSShr" { dst: Reg, a: Reg, b: Reg } "sshr {dst},{a},{b}";
    16 UShr "OUShr" { dst: Reg, a: Reg, b: Reg } "ushr {dst},{a},{b}";
    17 And "OAnd" { dst: Reg, a: Reg, b: Reg } "and {dst},{a},{b}";
    18 Or "OOr" { dst: Reg, a: Reg, b: Reg } "or {dst},{a},{b}";
    19 Xor "OXor" { dst: Reg, a: Reg, b: Reg } "xor {dst},{a},{b}";
    20 Neg "ONeg" { dst: Reg, src: Reg } "neg {dst},{src}";
    21 Not "ONot" { dst: Reg, src: Reg } "not {dst},{src}";
    22 Incr "OIncr" { dst: Reg } "incr {dst}";
    23 Decr "ODecr" { dst: Reg } "decr {dst}";
    24 Call0 "OCall0" { dst: Reg, fun: FunIdx } "call {dst}, {fun}()";
    25 Call1 "OCall1" { dst: Reg, fun: FunIdx, a0: Reg } "call {dst}, {fun}({a0})";
    26 Call2 "OCall2" { dst: Reg, fun: FunIdx, a0: Reg, a1: Reg } "call {dst}, {fun}({a0},{a1})";
    27 Call3 "OCall3" { dst: Reg, fun: FunIdx, a0: Reg, a1: Reg, a2: Reg }
        "call {dst}, {fun}({a0},{a1},{a2})";
    28 Call4 "OCall4" { dst: Reg, fun: FunIdx, a0: Reg, a1: Reg, a2: Reg, a3: Reg }
        "call {dst}, {fun}({a0},{a1},{a2},{a3})";
    29 CallN "OCallN" { dst: Reg, fun: FunIdx, args: RegList } "call {dst}, {fun}({args})";
    30 CallMethod "OCallMethod" { dst: Reg, field: FieldIdx, args: RegList } (|out, _names| {
        // The receiver is the first argument; Haxe prints it before the field.
        match args.0.split_first() {
            None => out.push_str("callmethod ???"),
            Some((obj, rest)) => {
                let _ = write!(out, "callmethod {}, {}[{}](", dst.0, obj.0, field.0);
                join(out, rest.iter().map(|r| r.0 as i64));
                out.push(')');
            }
        }
    });
    31 CallThis "OCallThis" { dst: Reg, field: FieldIdx, args: RegList } "callthis {dst}, [{field}]({args})";
    32 CallClosure "OCallClosure" { dst: Reg, fun: Reg, args: RegList } "callclosure {dst}, {fun}({args})";
    33 StaticClosure "OStaticClosure" { dst: Reg, fun: FunIdx } "staticclosure {dst}, {fun}";
    34 InstanceClosure "OInstanceClosure" { dst: Reg, fun: FunIdx, obj: Reg }
        "instanceclosure {dst}, {fun}({obj})";
    35 VirtualClosure "OVirtualClosure" { dst: Reg, obj: Reg, field: FieldIdx }
        "virtualclosure {dst},{obj}[{field}]";
    36 GetGlobal "OGetGlobal" { dst: Reg, global: GlobalIdx } "global {dst}, {global}";
    37 SetGlobal "OSetGlobal" { global: GlobalIdx, src: Reg } "setglobal {global}, {src}";
    38 Field "OField" { dst: Reg, obj: Reg, field: FieldIdx } "field {dst},{obj}[{field}]";
    39 SetField "OSetField" { obj: Reg, field: FieldIdx, src: Reg } "setfield {obj}[{field}],{src}";
    40 GetThis "OGetThis" { dst: Reg, field: FieldIdx } "getthis {dst},[{field}]";
    41 SetThis "OSetThis" { field: FieldIdx, src: Reg } "setthis [{field}],{src}";
    42 DynGet "ODynGet" { dst: Reg, obj: Reg, name: StrIdx } "dynget {dst},{obj}[@{name}]";
    43 DynSet "ODynSet" { obj: Reg, name: StrIdx, src: Reg } "dynset {obj}[@{name}],{src}";
    44 JTrue "OJTrue" { cond: Reg, offset: Jump } "jtrue {cond},{offset}";
    45 JFalse "OJFalse" { cond: Reg, offset: Jump } "jfalse {cond},{offset}";
    46 JNull "OJNull" { reg: Reg, offset: Jump } "jnull {reg},{offset}";
    47 JNotNull "OJNotNull" { reg: Reg, offset: Jump } "jnotnull {reg},{offset}";
    48 JSLt "OJSLt" { a: Reg, b: Reg, offset: Jump } "jslt {a},{b},{offset}";
    49 JSGte "OJSGte" { a: Reg, b: Reg, offset: Jump } "jsgte {a},{b},{offset}";
    50 JSGt "OJSGt" { a: Reg, b: Reg, offset: Jump } "jsgt {a},{b},{offset}";
    51 JSLte "OJSLte" { a: Reg, b: Reg, offset: Jump } "jslte {a},{b},{offset}";
    52 JULt "OJULt" { a: Reg, b: Reg, offset: Jump } "jult {a},{b},{offset}";
    53 JUGte "OJUGte" { a: Reg, b: Reg, offset: Jump } "jugte {a},{b},{offset}";
    54 JNotLt "OJNotLt" { a: Reg, b: Reg, offset: Jump } "jnotlt {a},{b},{offset}";
    55 JNotGte "OJNotGte" { a: Reg, b: Reg, offset: Jump } "jnotgte {a},{b},{offset}";
    56 JEq "OJEq" { a: Reg, b: Reg, offset: Jump } "jeq {a},{b},{offset}";
    57 JNotEq "OJNotEq" { a: Reg, b: Reg, offset: Jump } "jnoteq {a},{b},{offset}";
    58 JAlways "OJAlways" { offset: Jump } "jalways {offset}";
    59 ToDyn "OToDyn" { dst: Reg, src: Reg } "todyn {dst},{src}";
    60 ToSFloat "OToSFloat" { dst: Reg, src: Reg } "tosfloat {dst},{src}";
    61 ToUFloat "OToUFloat" { dst: Reg, src: Reg } "toufloat {dst},{src}";
    62 ToInt "OToInt" { dst: Reg, src: Reg } "toint {dst},{src}";
    63 SafeCast "OSafeCast" { dst: Reg, src: Reg } "safecast {dst},{src}";
    64 UnsafeCast "OUnsafeCast" { dst: Reg, src: Reg } "unsafecast {dst},{src}";
    65 ToVirtual "OToVirtual" { dst: Reg, src: Reg } "tovirtual {dst},{src}";
    66 Label "OLabel" {} "label";
    67 Ret "ORet" { src: Reg } "ret {src}";
    68 Throw "OThrow" { exc: Reg } "throw {exc}";
    69 Rethrow "ORethrow" { exc: Reg } "rethrow {exc}";
    70 Switch "OSwitch" { reg: SwitchReg, targets: JumpTable, end: SwitchEnd } "switch {reg} [{targets}] {end}";
    71 NullCheck "ONullCheck" { reg: Reg } "nullcheck {reg}";
    72 Trap "OTrap" { exc: Reg, offset: Jump } "trap {exc}, {offset}";
    73 EndTrap "OEndTrap" { flag: bool } "endtrap {flag}";
    74 GetI8 "OGetI8" { dst: Reg, bytes: Reg, index: Reg } "getui8 {dst},{bytes}[{index}]";
    75 GetI16 "OGetI16" { dst: Reg, bytes: Reg, index: Reg } "getui16 {dst},{bytes}[{index}]";
    76 GetMem "OGetMem" { dst: Reg, bytes: Reg, index: Reg } "getmem {dst},{bytes}[{index}]";
    77 GetArray "OGetArray" { dst: Reg, array: Reg, index: Reg } "getarray {dst},{array}[{index}]";
    78 SetI8 "OSetI8" { bytes: Reg, index: Reg, src: Reg } "setui8 {bytes},{index},{src}";
    79 SetI16 "OSetI16" { bytes: Reg, index: Reg, src: Reg } "setui16 {bytes},{index},{src}";
    80 SetMem "OSetMem" { bytes: Reg, index: Reg, src: Reg } "setmem {bytes},{index},{src}";
    81 SetArray "OSetArray" { array: Reg, index: Reg, src: Reg } "setarray {array}[{index}],{src}";
    82 New "ONew" { dst: Reg } "new {dst}";
    83 ArraySize "OArraySize" { dst: Reg, array: Reg } "arraysize {dst},{array}";
    84 Type "OType" { dst: Reg, ty: TypeIdx } "type {dst},{ty}";
    85 GetType "OGetType" { dst: Reg, src: Reg } "gettype {dst},{src}";
    86 GetTID "OGetTID" { dst: Reg, src: Reg } "gettid {dst},{src}";
    87 Ref "ORef" { dst: Reg, src: Reg } "ref {dst},&{src}";
    88 Unref "OUnref" { dst: Reg, src: Reg } "unref {dst},*{src}";
    89 Setref "OSetref" { dst: Reg, src: Reg } "setref *{dst},{src}";
    90 MakeEnum "OMakeEnum" { dst: Reg, construct: ConstructIdx, args: RegList }
        "makeenum {dst}, {construct}({args})";
    91 EnumAlloc "OEnumAlloc" { dst: Reg, construct: ConstructIdx } "enumalloc {dst}, {construct}";
    92 EnumIndex "OEnumIndex" { dst: Reg, src: Reg } "enumindex {dst}, {src}";
    93 EnumField "OEnumField" { dst: Reg, src: Reg, construct: ConstructIdx, field: FieldIdx }
        "enumfield {dst}, {src}[{construct}:{field}]";
    94 SetEnumField "OSetEnumField" { dst: Reg, field: FieldIdx, src: Reg } "setenumfield {dst}[{field}], {src}";
    95 Assert "OAssert" {} "assert";
    96 RefData "ORefData" { dst: Reg, src: Reg } "refdata {dst}, {src}";
    97 RefOffset "ORefOffset" { dst: Reg, src: Reg, offset: Reg } "refoffset {dst}, {src}, {offset}";
    98 Nop "ONop" {} "nop";
    99 Prefetch "OPrefetch" { src: Reg, field: FieldIdx, mode: Imm } "prefetch {src}[{field}], {mode}";
    100 Asm "OAsm" { mode: Imm, value: Imm, reg: Imm } "asm {mode}, {value}, {reg}";
    101 Catch "OCatch" { offset: Jump } "catch {offset}";
}

impl Op {
    /// Whether the op reads and writes registers only: constants held in the
    /// op, moves, integer and float arithmetic, conversions, labels and
    /// no-ops. It touches no memory and calls nothing.
    pub fn registers_only(&self) -> bool {
        matches!(
            self,
            Op::Mov { .. }
                | Op::Int { .. }
                | Op::Float { .. }
                | Op::Bool { .. }
                | Op::Null { .. }
                | Op::Add { .. }
                | Op::Sub { .. }
                | Op::Mul { .. }
                | Op::SDiv { .. }
                | Op::UDiv { .. }
                | Op::SMod { .. }
                | Op::UMod { .. }
                | Op::Shl { .. }
                | Op::SShr { .. }
                | Op::UShr { .. }
                | Op::And { .. }
                | Op::Or { .. }
                | Op::Xor { .. }
                | Op::Neg { .. }
                | Op::Not { .. }
                | Op::Incr { .. }
                | Op::Decr { .. }
                | Op::ToSFloat { .. }
                | Op::ToUFloat { .. }
                | Op::ToInt { .. }
                | Op::Label {}
                | Op::Nop {}
        )
    }

    /// The register an op writes, if any (`OTrap` writes its exception
    /// register; `OSetref` and `OSetEnumField` write through their first
    /// register, not into it). Exhaustive on purpose: a new op must say what
    /// it writes. One list for the lowering's analyses (loop polls, null checks).
    pub fn written(&self) -> Option<Reg> {
        match self {
            Op::Mov { dst, .. }
            | Op::Int { dst, .. }
            | Op::Float { dst, .. }
            | Op::Bool { dst, .. }
            | Op::Bytes { dst, .. }
            | Op::String { dst, .. }
            | Op::Null { dst }
            | Op::Add { dst, .. }
            | Op::Sub { dst, .. }
            | Op::Mul { dst, .. }
            | Op::SDiv { dst, .. }
            | Op::UDiv { dst, .. }
            | Op::SMod { dst, .. }
            | Op::UMod { dst, .. }
            | Op::Shl { dst, .. }
            | Op::SShr { dst, .. }
            | Op::UShr { dst, .. }
            | Op::And { dst, .. }
            | Op::Or { dst, .. }
            | Op::Xor { dst, .. }
            | Op::Neg { dst, .. }
            | Op::Not { dst, .. }
            | Op::Incr { dst }
            | Op::Decr { dst }
            | Op::Call0 { dst, .. }
            | Op::Call1 { dst, .. }
            | Op::Call2 { dst, .. }
            | Op::Call3 { dst, .. }
            | Op::Call4 { dst, .. }
            | Op::CallN { dst, .. }
            | Op::CallMethod { dst, .. }
            | Op::CallThis { dst, .. }
            | Op::CallClosure { dst, .. }
            | Op::StaticClosure { dst, .. }
            | Op::InstanceClosure { dst, .. }
            | Op::VirtualClosure { dst, .. }
            | Op::GetGlobal { dst, .. }
            | Op::Field { dst, .. }
            | Op::GetThis { dst, .. }
            | Op::DynGet { dst, .. }
            | Op::ToDyn { dst, .. }
            | Op::ToSFloat { dst, .. }
            | Op::ToUFloat { dst, .. }
            | Op::ToInt { dst, .. }
            | Op::SafeCast { dst, .. }
            | Op::UnsafeCast { dst, .. }
            | Op::ToVirtual { dst, .. }
            | Op::GetI8 { dst, .. }
            | Op::GetI16 { dst, .. }
            | Op::GetMem { dst, .. }
            | Op::GetArray { dst, .. }
            | Op::New { dst }
            | Op::ArraySize { dst, .. }
            | Op::Type { dst, .. }
            | Op::GetType { dst, .. }
            | Op::GetTID { dst, .. }
            | Op::Ref { dst, .. }
            | Op::Unref { dst, .. }
            | Op::MakeEnum { dst, .. }
            | Op::EnumAlloc { dst, .. }
            | Op::EnumIndex { dst, .. }
            | Op::EnumField { dst, .. }
            | Op::RefData { dst, .. }
            | Op::RefOffset { dst, .. } => Some(*dst),
            Op::Trap { exc, .. } => Some(*exc),
            Op::SetGlobal { .. }
            | Op::SetField { .. }
            | Op::SetThis { .. }
            | Op::DynSet { .. }
            | Op::JTrue { .. }
            | Op::JFalse { .. }
            | Op::JNull { .. }
            | Op::JNotNull { .. }
            | Op::JSLt { .. }
            | Op::JSGte { .. }
            | Op::JSGt { .. }
            | Op::JSLte { .. }
            | Op::JULt { .. }
            | Op::JUGte { .. }
            | Op::JNotLt { .. }
            | Op::JNotGte { .. }
            | Op::JEq { .. }
            | Op::JNotEq { .. }
            | Op::JAlways { .. }
            | Op::Label {}
            | Op::Ret { .. }
            | Op::Throw { .. }
            | Op::Rethrow { .. }
            | Op::Switch { .. }
            | Op::NullCheck { .. }
            | Op::EndTrap { .. }
            | Op::SetI8 { .. }
            | Op::SetI16 { .. }
            | Op::SetMem { .. }
            | Op::SetArray { .. }
            | Op::Setref { .. }
            | Op::SetEnumField { .. }
            | Op::Assert {}
            | Op::Nop {}
            | Op::Prefetch { .. }
            | Op::Catch { .. } => None,
            // hlc refuses to compile inline assembly.
            Op::Asm { .. } => None,
        }
    }

    /// The function a direct call (`OCall0` ... `OCallN`) calls; `None` for
    /// every other op (method, closure and `this` calls included).
    pub fn direct_callee(&self) -> Option<FunIdx> {
        match self {
            Op::Call0 { fun, .. }
            | Op::Call1 { fun, .. }
            | Op::Call2 { fun, .. }
            | Op::Call3 { fun, .. }
            | Op::Call4 { fun, .. }
            | Op::CallN { fun, .. } => Some(*fun),
            _ => None,
        }
    }

    /// The offset of a conditional jump (`OJTrue` ... `OJNotEq`); `None` for
    /// every other op, `OJAlways`, `OTrap` and `OSwitch` included. The one list
    /// of conditional jumps, for the verifier and the lowering.
    pub fn conditional_jump(&self) -> Option<Jump> {
        match self {
            Op::JTrue { offset, .. }
            | Op::JFalse { offset, .. }
            | Op::JNull { offset, .. }
            | Op::JNotNull { offset, .. }
            | Op::JSLt { offset, .. }
            | Op::JSGte { offset, .. }
            | Op::JSGt { offset, .. }
            | Op::JSLte { offset, .. }
            | Op::JULt { offset, .. }
            | Op::JUGte { offset, .. }
            | Op::JNotLt { offset, .. }
            | Op::JNotGte { offset, .. }
            | Op::JEq { offset, .. }
            | Op::JNotEq { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}
