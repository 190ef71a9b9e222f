//! The C part of the hlc runtime: only what Rust cannot express — throwing
//! and catching HashLink exceptions, which need `setjmp`/`longjmp`, turning a
//! stack overflow into one from a signal handler, and libhl's functions with
//! variable argument lists (`usprintf`, `hl_alloc_strbytes`, `hl_fatal_fmt`) —
//! and `include/hl.h`, the header native extensions compile against.

use std::ffi::c_void;

extern "C" {
    /// Installs the SIGSEGV/SIGBUS handlers; `overflow` is thrown on stack overflow.
    pub fn hlc_signals_init(overflow: *mut c_void);
    /// Gives the calling thread the alternate signal stack the handlers run on.
    pub fn hlc_signals_thread_init();
    /// Runs `entry` inside a trap context: 1 if it returned, 0 if it threw (`*exc` = the value).
    pub fn hlc_run_protected(entry: unsafe extern "C" fn(), exc: *mut *mut c_void) -> i32;
}
