//! hlc: an ahead-of-time compiler from HashLink bytecode to native code.
//!
//! - [`bytecode`]: the typed model of `.hl` files, their reader and the
//!   `hlcode.txt`-compatible printer.
//! - [`lower`]: HL functions to Cranelift IR (shared by all drivers).
//! - [`backend`]: the AOT driver (object file + link) and ISA selection.
//! - [`cli`]: the command line.
//! - [`driver`]: what the `hlc` subcommands do, independent of argument parsing.

pub mod backend;
pub use hlbc as bytecode;
pub mod cli;
pub mod driver;
pub mod lower;
