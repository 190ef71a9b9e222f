//! The seam between the shared lowering and a backend: everything the
//! lowering needs to know about *where things live* is asked of an [`Env`].
//! `driver/aot.rs` implements it for an object file linked into one
//! executable, `driver/jit.rs` for code generated into this process.
//!
//! The lowering itself never assumes either case: it asks how to reach a
//! runtime entry point or runtime data ([`Env::runtime_is_near`]), where a
//! type's `hl_type` and a global live ([`Env::type_address`],
//! [`Env::global_address`]), how to call or take the address of another HL
//! function ([`Env::callee`]), and what a field name hashes to
//! ([`Env::field_hash`]). Constants and static closures are data in the
//! Cranelift module, declared the same way for both.

use cranelift_codegen::ir::Signature;
use cranelift_module::{DataId, FuncId, Module as ClModule};
use hlbc::{FunIdx, GlobalIdx, TypeIdx};

/// Where something the runtime fills in lives.
#[derive(Copy, Clone, Debug)]
pub enum Address {
    /// `offset` bytes into data `id` of the module.
    Data { id: DataId, offset: i64 },
    /// A fixed address in this process (the JIT's storage, or an earlier
    /// module's, for code loaded into a running program).
    Absolute(u64),
}

/// What a function index is, as the lowering tells the environment.
pub enum FunKind<'a> {
    /// An HL function, compiled into `body` (declared `Local` in the module).
    Compiled { body: FuncId },
    /// A native `lib@name` some library provides.
    Native { lib: &'a str, name: &'a str },
    /// A native nobody provides, replaced by `stub` (throws when called).
    MissingNative { stub: FuncId },
}

/// How generated code reaches a function index.
#[derive(Copy, Clone, Debug)]
pub enum Callee {
    /// Call `id` directly; its address is `id`'s address.
    Direct(FuncId),
    /// Call through the code pointer stored in the function's slot
    /// ([`Env::slot_address`]), so the code behind it can change while the
    /// program runs (lazy compilation, hot reload); wherever the function's
    /// address escapes (closures, method tables), its stable address
    /// ([`Env::stable_address`]) stands for it: code that always jumps to the
    /// slot's current target.
    Slot,
}

/// What the lowering asks its backend.
pub trait Env {
    /// The Cranelift module functions and data are declared in.
    fn module(&mut self) -> &mut dyn ClModule;

    /// Whether the runtime and native libraries end up linked with the
    /// generated code, so calls and addresses may reach them PC-relative
    /// (`colocated`). False when they may be anywhere in the address space.
    fn runtime_is_near(&self) -> bool;

    /// Where the `hl_type` of type `t` lives (filled in by the runtime).
    fn type_address(&mut self, t: TypeIdx) -> Address;

    /// Where global `g` lives.
    fn global_address(&mut self, g: GlobalIdx) -> Address;

    /// Declares function index `f` (of C signature `sig`) and says how
    /// generated code calls it.
    fn callee(&mut self, f: FunIdx, kind: FunKind<'_>, sig: &Signature) -> Result<Callee, String>;

    /// Where the code pointer of function `f` is, for a [`Callee::Slot`].
    fn slot_address(&mut self, f: FunIdx) -> Address;

    /// The address that stands for function `f` in data, for a [`Callee::Slot`].
    fn stable_address(&mut self, f: FunIdx) -> Address;

    /// The hash of field name `name`, as the running program's runtime has it.
    fn field_hash(&mut self, name: &str) -> i32;
}
