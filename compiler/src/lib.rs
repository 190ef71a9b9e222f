//! hlc: a compiler from HashLink bytecode to native code, ahead of time or in process.
//!
//! - [`bytecode`]: the typed model of `.hl` files, their reader and the
//!   `hlcode.txt`-compatible printer.
//! - [`lower`]: HL functions to Cranelift IR (shared by all drivers).
//! - [`driver`]: the AOT and JIT drivers over the lowering, ISA selection,
//!   and what the `hlc` subcommands do, independent of argument parsing.
//! - [`cli`]: the command line.

pub use hlbc as bytecode;
pub mod cli;
pub mod driver;
pub mod lower;
pub use hlrt;
