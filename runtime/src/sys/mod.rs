//! The operating system under the runtime, behind one interface: memory
//! reservation and commit, the calling thread's identity and stack, `errno`,
//! and per-thread fault-handling state. `posix.rs` (Linux) and `windows.rs`
//! implement the same functions; the rest of the runtime calls only these
//! (or Rust's `std`, which is portable), never `cfg` on the OS itself.
//! Sockets (`net`) and child processes (`process`) are submodules of each.

#[cfg(unix)]
mod posix;
#[cfg(unix)]
pub use posix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

// The Windows command-line quoting is pure: its test runs on every host.
#[cfg(all(test, not(windows)))]
#[path = "windows/quote.rs"]
mod windows_quote;

/// `Sys.systemName()` as HashLink reports it on this system.
pub const SYSTEM_NAME: &str = if cfg!(windows) {
    "Windows"
} else if cfg!(target_os = "macos") {
    "Mac"
} else {
    "Linux"
};
