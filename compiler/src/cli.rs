//! The `hlc` command line: argument parsing and error reporting. The
//! binaries only call [`main`], so tests run the very same front end.

use clap::{Parser, Subcommand};
use crate::driver;
use miette::Result;
use std::process::ExitCode;
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "hlc", version, about = "Compile HashLink bytecode (.hl) into native executables")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a .hl file into a native executable.
    Build {
        /// The HashLink bytecode file (from `haxe -hl main.hl`).
        input: PathBuf,
        /// The executable to write.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print a .hl file in the layout of `haxe -D dump` (dump/hlcode.txt).
    Dump {
        /// The HashLink bytecode file.
        input: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// `build` before the native back end exists.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("`hlc build` is not implemented yet")]
#[diagnostic(code(hlc::unimplemented), help("`hlc dump` reads and checks the file in the meantime"))]
struct BuildNotImplemented;

/// Runs `hlc` with the process arguments; errors are reported on stderr
/// as miette diagnostics and give exit status 1.
pub fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Dump { input, output } => {
            let text = driver::dump(&input)?;
            match output {
                Some(path) => driver::write_atomically(&path, text.as_bytes())?,
                None => {
                    let mut out = std::io::stdout().lock();
                    // A closed pipe (e.g. `| head`) is not an error worth reporting.
                    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
                }
            }
        }
        Command::Build { input, output: _ } => {
            driver::load_module(&input)?;
            return Err(BuildNotImplemented.into());
        }
    }
    Ok(())
}
