//! hlbc: the typed model of a HashLink bytecode module (HLB versions 2 to 5), its
//! reader, and the printer that reproduces the Haxe compiler's disassembly.
//!
//! The model keeps the file's own indices (as newtypes) instead of resolving
//! them into pointers, so every later stage can address the tables directly.

pub mod codemap;
pub mod declarations;
pub mod dump;
pub mod hash;
pub mod layout;
pub mod index;
pub mod names;
pub mod native_sig;
pub mod opcodes;
pub mod reader;
pub mod verify;

pub use index::*;
pub use opcodes::{Jump, JumpTable, Op, RegList};
pub use reader::{read_module, ReadError, Section};
pub use verify::{verify_module, VerifyError};

/// The oldest and newest HLB versions this reader accepts.
pub const MIN_VERSION: u8 = 2;
pub const MAX_VERSION: u8 = 5;

/// A whole HashLink module as stored in an `.hl` file.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// HLB format version (2..=5).
    pub version: u8,
    /// The raw header flags; bit 0 says debug information is present.
    pub flags: u32,
    pub ints: Vec<i32>,
    pub floats: Vec<f64>,
    /// Strings as stored (UTF-8 bytes, without the terminating NUL).
    pub strings: Vec<Box<[u8]>>,
    /// The constant byte blobs of HLB v5 (`OBytes` operands); empty before v5.
    pub bytes: Vec<Box<[u8]>>,
    /// Source file names referenced by debug information.
    pub debug_files: Vec<Box<[u8]>>,
    pub types: Vec<Type>,
    /// The type of every global.
    pub globals: Vec<TypeIdx>,
    pub natives: Vec<Native>,
    pub functions: Vec<Function>,
    /// Globals initialised from constant tables (HLB v4+).
    pub constants: Vec<Constant>,
    /// The function run first (it initialises globals, then calls `main`).
    pub entrypoint: FunIdx,
}

impl Module {
    /// Whether the file carries per-op debug information and assigns.
    pub fn has_debug(&self) -> bool {
        self.flags & 1 != 0
    }

    /// A string of the module's table, decoded leniently for display.
    pub fn str(&self, s: StrIdx) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.strings[s.idx()])
    }

    /// The type at `t`.
    pub fn ty(&self, t: TypeIdx) -> &Type {
        &self.types[t.idx()]
    }

    /// Where function index `f` points: a compiled function or a native.
    pub fn fun_table(&self) -> Vec<Option<FunRef>> {
        let total = self.functions.len() + self.natives.len();
        let mut table = vec![None; total];
        for (i, f) in self.functions.iter().enumerate() {
            table[f.findex.idx()] = Some(FunRef::Function(i));
        }
        for (i, n) in self.natives.iter().enumerate() {
            table[n.findex.idx()] = Some(FunRef::Native(i));
        }
        table
    }
}

/// What a function index resolves to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FunRef {
    /// Position in [`Module::functions`].
    Function(usize),
    /// Position in [`Module::natives`].
    Native(usize),
}

/// A HashLink type; kinds and numbering follow `hl_type_kind` of `hl.h`.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Void,
    U8,
    U16,
    I32,
    I64,
    F32,
    F64,
    Bool,
    Bytes,
    Dyn,
    Fun(FunType),
    Obj(ObjType),
    Array,
    Type,
    Ref(TypeIdx),
    Virtual(VirtualType),
    DynObj,
    Abstract(StrIdx),
    Enum(EnumType),
    Null(TypeIdx),
    Method(FunType),
    Struct(ObjType),
    Packed(TypeIdx),
    Guid,
}

impl Type {
    /// The `hl_type_kind` number of this type.
    pub fn kind(&self) -> u8 {
        match self {
            Type::Void => 0,
            Type::U8 => 1,
            Type::U16 => 2,
            Type::I32 => 3,
            Type::I64 => 4,
            Type::F32 => 5,
            Type::F64 => 6,
            Type::Bool => 7,
            Type::Bytes => 8,
            Type::Dyn => 9,
            Type::Fun(_) => 10,
            Type::Obj(_) => 11,
            Type::Array => 12,
            Type::Type => 13,
            Type::Ref(_) => 14,
            Type::Virtual(_) => 15,
            Type::DynObj => 16,
            Type::Abstract(_) => 17,
            Type::Enum(_) => 18,
            Type::Null(_) => 19,
            Type::Method(_) => 20,
            Type::Struct(_) => 21,
            Type::Packed(_) => 22,
            Type::Guid => 23,
        }
    }

    /// The object layout of an `obj` or `struct` type.
    pub fn as_obj(&self) -> Option<&ObjType> {
        match self {
            Type::Obj(o) | Type::Struct(o) => Some(o),
            _ => None,
        }
    }
}

/// Argument and return types of a `fun` or `method` type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunType {
    pub args: Vec<TypeIdx>,
    pub ret: TypeIdx,
}

/// A class (or struct) type: its own fields, methods and static bindings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjType {
    pub name: StrIdx,
    pub super_: Option<TypeIdx>,
    /// The global holding the class object, if any.
    pub global: Option<GlobalIdx>,
    /// Fields declared by this type (the super chain's come first at run time).
    pub fields: Vec<ObjField>,
    pub protos: Vec<ObjProto>,
    /// `(field, function)` pairs: fields initialised with a function at startup.
    pub bindings: Vec<(FieldIdx, FunIdx)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjField {
    pub name: StrIdx,
    pub ty: TypeIdx,
}

/// A method: its name, implementation, and virtual slot (`-1` when none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjProto {
    pub name: StrIdx,
    pub findex: FunIdx,
    pub pindex: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VirtualType {
    pub fields: Vec<ObjField>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumType {
    pub name: StrIdx,
    pub global: Option<GlobalIdx>,
    pub constructs: Vec<EnumConstruct>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumConstruct {
    pub name: StrIdx,
    pub params: Vec<TypeIdx>,
}

/// A function implemented outside the bytecode (`lib@name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Native {
    pub lib: StrIdx,
    pub name: StrIdx,
    pub ty: TypeIdx,
    pub findex: FunIdx,
}

/// Source position of one op.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub struct DebugPos {
    /// Index into [`Module::debug_files`], or `None` before any file was set.
    pub file: Option<FileIdx>,
    pub line: u32,
}

/// A function of the bytecode.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub ty: TypeIdx,
    pub findex: FunIdx,
    /// The type of every register; the first ones hold the arguments.
    pub regs: Vec<TypeIdx>,
    pub ops: Vec<Op>,
    /// One position per op, when the file has debug information.
    pub debug: Vec<DebugPos>,
    /// Local variable names and the op where each is assigned (HLB v3+).
    pub assigns: Vec<(StrIdx, i32)>,
}

/// A global initialised from constants: an object whose fields take the given values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constant {
    pub global: GlobalIdx,
    pub fields: Vec<u32>,
}
