//! The drivers over the shared lowering, and what the `hlc` subcommands do
//! independent of argument parsing:
//! - `aot`: an object file linked with the runtime into an executable
//!   (`hlc build`), with `main_shim` holding what only an executable needs;
//! - `jit`: code generated into this process and run with the runtime
//!   linked into `hlc` (`hlc run`);
//! - `debuginfo`: function symbols and DWARF for executables;
//! - `isa`: the Cranelift target for a triple;
//! - `natives`: which natives the runtime and given libraries provide;
//! - `stripped_runtime`: the runtime archive without debug information;
//! - `hot_runtime`: the runtime's commonly run functions laid out together;
//! - `toolchain`: a target's runtime library, linker and link line;
//! - `commands`: reading modules, `hlc dump`, writing outputs atomically.

pub mod aot;
pub mod archive;
pub mod commands;
pub mod debuginfo;
pub mod hot_runtime;
pub mod isa;
pub mod jit;
pub mod main_shim;
pub mod natives;
pub mod stripped_runtime;
pub mod toolchain;

pub use commands::*;
