//! The C part of the hlc runtime: only what Rust cannot express — throwing
//! and catching HashLink exceptions, which need `setjmp`/`longjmp`, turning a
//! stack overflow into one from a signal handler, and libhl's functions with
//! variable argument lists (`usprintf`, `hl_alloc_strbytes`, `hl_fatal_fmt`) —
//! and `include/hl.h`, the header native extensions compile against.

use std::ffi::c_void;

extern "C" {
    /// C's `stdin`, `stdout` and `stderr` streams (macros in MinGW's C runtime).
    pub fn hlc_c_stdin() -> *mut c_void;
    pub fn hlc_c_stdout() -> *mut c_void;
    pub fn hlc_c_stderr() -> *mut c_void;
    /// The process environment (`environ`; `_environ` in MinGW's C runtime).
    pub fn hlc_c_environ() -> *const *const std::ffi::c_char;
    /// Installs the SIGSEGV/SIGBUS handlers; `overflow` is thrown on stack overflow.
    pub fn hlc_signals_init(overflow: *mut c_void);
    /// Puts back the signal actions `hlc_signals_init` replaced and frees the
    /// calling thread's alternate stack if the runtime gave it one.
    pub fn hlc_signals_free();
    /// Gives the calling thread the alternate signal stack the handlers run
    /// on, unless it has one of at least 64 KiB; 1 if it installed one.
    pub fn hlc_signals_thread_init() -> i32;
    /// Removes and frees the alternate stack `hlc_signals_thread_init` gave
    /// the calling thread, putting back the one it replaced.
    pub fn hlc_signals_thread_free();
    /// Calls closure `c` with `args` (or, if `c` is null, `entry`) under a
    /// trap that `hlc_exit_unwind` also unwinds to: 1 if it returned (`*out`
    /// = the result), 0 if it threw (`*out` = the exception).
    pub fn hlc_call_embedded(
        c: *mut c_void,
        entry: Option<unsafe extern "C" fn()>,
        args: *mut *mut c_void,
        nargs: i32,
        out: *mut *mut c_void,
    ) -> i32;
    /// Unwinds the calling thread to its innermost `hlc_call_embedded` (or
    /// its outermost trap) with `marker` as the exception; returns only if
    /// the thread has no trap.
    pub fn hlc_exit_unwind(marker: *mut c_void);
    /// C's `sizeof(jmp_buf)`, `offsetof(hl_trap_ctx, prev)`,
    /// `offsetof(hl_thread_info, exc_stack_trace)` and `sizeof(hl_thread_info)`.
    pub fn hlc_c_layout(out: *mut [usize; 4]);
    /// Runs `entry` inside a trap context: 1 if it returned, 0 if it threw (`*exc` = the value).
    pub fn hlc_run_protected(entry: unsafe extern "C" fn(), exc: *mut *mut c_void) -> i32;
}
