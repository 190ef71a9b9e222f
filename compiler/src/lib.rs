//! hlc: an ahead-of-time compiler from HashLink bytecode to native code.
//!
//! - [`bytecode`]: the typed model of `.hl` files, their reader and the
//!   `hlcode.txt`-compatible printer.
//! - [`cli`]: the command line.
//! - [`driver`]: what the `hlc` subcommands do, independent of argument parsing.

pub use hlbc as bytecode;
pub mod cli;
pub mod driver;
