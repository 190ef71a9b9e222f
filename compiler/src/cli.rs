//! The `hlc` command line: argument parsing and error reporting. The
//! binaries only call [`main`], so tests run the very same front end.

use clap::{Parser, Subcommand};
use crate::driver::isa::OptLevel;
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
        /// The executable to write (default: the input's name without `.hl`).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Optimisation level: 0 (none), 1 (speed), 2 (speed and size; the default).
        #[arg(short = 'O', default_value = "2", value_parser = clap::value_parser!(u8).range(0..=2))]
        opt: u8,
        /// Target triple for cross compilation (default: the host).
        #[arg(long)]
        target: Option<String>,
        /// What to write instead of an executable: `obj` (the object file), `staticlib` or `cdylib`
        /// (a library holding the program and the runtime for a host, API in hlc_embed.h).
        #[arg(long, value_name = "KIND", value_parser = ["obj", "staticlib", "cdylib"])]
        emit: Option<String>,
        /// Keep the intermediate object file next to the output.
        #[arg(long)]
        keep_obj: bool,
        /// Print what each step does and how long it takes.
        #[arg(short, long)]
        verbose: bool,
        /// Link a native library: a static archive or object, or a shared library (.hdll, .so) loaded
        /// from beside the executable; its natives replace the runtime's (repeatable).
        #[arg(long = "lib", value_name = "PATH")]
        libs: Vec<PathBuf>,
        /// Build even if some natives are missing: each throws an exception naming itself when called.
        #[arg(long)]
        allow_missing_natives: bool,
        /// Link a system library, e.g. `-l SDL3 -l GL` (repeatable; after the --lib libraries).
        #[arg(short = 'l', value_name = "NAME")]
        link_libs: Vec<String>,
        /// Search DIR for -l libraries (repeatable).
        #[arg(short = 'L', value_name = "DIR")]
        link_dirs: Vec<PathBuf>,
        /// Pass ARG to the linker driver ($CC) as it is, e.g. `--link-arg=-Wl,--as-needed` (repeatable).
        #[arg(long = "link-arg", value_name = "ARG", allow_hyphen_values = true)]
        link_args: Vec<String>,
        /// A release executable: symbols and debug information stripped.
        #[arg(long)]
        release: bool,
        /// Link the runtime with its own debug information (by default an executable carries only
        /// its Haxe code's; the runtime's makes linking about twice as slow).
        #[arg(long)]
        runtime_debug_info: bool,
        /// Compile functions on N threads (default: every core).
        #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
    },
    /// Compile a .hl file in memory and run it (arguments after the file go to the program).
    Run {
        /// The HashLink bytecode file.
        input: PathBuf,
        /// Arguments for the program (`Sys.args()`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
        /// Optimisation level: 0 (none), 1 (speed), 2 (speed and size; the default).
        #[arg(short = 'O', default_value = "2", value_parser = clap::value_parser!(u8).range(0..=2))]
        opt: u8,
        /// Run even if some natives are missing: each throws an exception naming itself when called.
        #[arg(long)]
        allow_missing_natives: bool,
        /// Let the program reload its changed code (`std@sys_check_reload`, as `hl --hot-reload`).
        #[arg(long)]
        hot_reload: bool,
        /// Do not use the code cache (compiled code kept between runs of the same program).
        #[arg(long)]
        no_cache: bool,
        /// Print what is compiled and how long it takes.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Print a .hl file in the layout of `haxe -D dump` (dump/hlcode.txt).
    Dump {
        /// The HashLink bytecode file.
        input: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Verify the module first (as `hlc check` does); print nothing if it is ill-typed.
        #[arg(long)]
        verify: bool,
    },
    /// Check that a .hl file is well-formed and well-typed, without compiling it.
    Check {
        /// The HashLink bytecode file.
        input: PathBuf,
        /// Also print how long verification took.
        #[arg(short, long)]
        verbose: bool,
    },
}

/// Runs `hlc` with the process arguments; errors are reported on stderr
/// as miette diagnostics and give exit status 1.
pub fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => ExitCode::from(code as u8),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
    }
}

fn opt_level(opt: u8) -> OptLevel {
    match opt {
        0 => OptLevel::None,
        1 => OptLevel::Speed,
        _ => OptLevel::SpeedAndSize,
    }
}

/// Runs a subcommand; returns the exit status (`hlc run`: the program's).
fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Run { input, args, opt, allow_missing_natives, hot_reload, no_cache, verbose } => {
            let opts = crate::driver::jit::RunOptions {
                input,
                args,
                opt: opt_level(opt),
                allow_missing_natives,
                hot_reload,
                no_cache,
                verbose,
            };
            return crate::driver::jit::run(&opts);
        }
        Command::Check { input, verbose } => {
            let r = driver::check(&input)?;
            print!("{}: ok ({} functions, {} ops)", input.display(), r.functions, r.ops);
            if verbose {
                print!(", verified in {:.1} ms", r.verify_time.as_secs_f64() * 1e3);
            }
            println!();
        }
        Command::Dump { input, output, verify } => {
            let text = driver::dump(&input, verify)?;
            match output {
                Some(path) => driver::write_atomically(&path, text.as_bytes())?,
                None => {
                    let mut out = std::io::stdout().lock();
                    // A closed pipe (e.g. `| head`) is not an error worth reporting.
                    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
                }
            }
        }
        Command::Build {
            input,
            output,
            opt,
            target,
            emit,
            keep_obj,
            verbose,
            libs,
            allow_missing_natives,
            link_libs,
            link_dirs,
            link_args,
            release,
            runtime_debug_info,
            jobs,
        } => {
            let output = output.unwrap_or_else(|| {
                let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                match emit.as_deref() {
                    Some("staticlib") => input.with_file_name(format!("lib{stem}.a")),
                    Some("cdylib") => input.with_file_name(format!("lib{stem}.so")),
                    Some("obj") => input.with_extension("o"),
                    _ => input.with_extension(""),
                }
            });
            if output == input {
                return Err(miette::miette!("the output `{}` would overwrite the input", output.display()));
            }
            let opts = crate::driver::aot::BuildOptions {
                input,
                output,
                opt: opt_level(opt),
                target,
                emit: match emit.as_deref() {
                    Some("obj") => crate::driver::aot::Emit::Obj,
                    Some("staticlib") => crate::driver::aot::Emit::StaticLib,
                    Some("cdylib") => crate::driver::aot::Emit::CDylib,
                    _ => crate::driver::aot::Emit::Exe,
                },
                keep_obj,
                verbose,
                libs,
                allow_missing_natives,
                link_libs,
                link_dirs,
                link_args,
                release,
                runtime_debug_info,
                jobs: jobs.map_or_else(crate::driver::aot::ObjectOptions::default_jobs, usize::from),
            };
            crate::driver::aot::build(&opts)?;
        }
    }
    Ok(0)
}
