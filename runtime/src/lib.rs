//! hlrt: the hlc runtime. It implements the libhl C ABI of HashLink's `hl.h`
//! (struct layouts and `hl_*` entry points) for the code hlc generates and for
//! native extensions written against `hl.h`. Built as a staticlib (linked into
//! every executable) and an rlib (for the JIT and tests).
//!
//! - [`abi`]: `#[repr(C)]` mirrors of `hl.h`'s structures and built-in types.
//! - [`arena`]: memory outside the GC (`hl_alloc` arenas, executable memory).
//! - [`context`]: the runtime context, all state of one run, and its shutdown.
//! - [`embed`]: the embedding API of `hlc_embed.h` (`hlc_vm_*`).
//! - [`gc`]: the garbage collector and thread registry.
//! - [`libs`]: natives of HashLink's `fmt`, `ssl` and `sqlite` libraries.
//! - [`module`]: loading a compiled program (types, layouts, method tables).
//! - [`stack`]: capturing and resolving HL call stacks.
//! - [`start`]: `hlc_main`, uncaught exceptions, error natives.
//! - [`std`]: the natives of HashLink's `std` library.
//! - [`sys`]: the operating system under the runtime (POSIX or Windows), behind one interface.

// The natives are `extern "C"` entry points whose safety contract is libhl's
// (valid HashLink values of the types `hl.h` declares), not a per-function one.
#![allow(clippy::missing_safety_doc)]

pub mod abi;
pub mod arena;
pub mod context;
pub mod embed;
pub mod gc;
pub mod libs;
pub mod module;
pub mod stack;
pub mod start;
pub mod std;
pub mod sys;
