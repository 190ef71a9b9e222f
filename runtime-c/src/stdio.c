/*
 * C's standard streams as functions: `stdin`/`stdout`/`stderr` are plain
 * variables in glibc and musl but macros over a function in MinGW's C
 * runtime, so Rust code asks here instead of linking to a symbol.
 */
#include <stdio.h>

FILE *hlc_c_stdin(void) { return stdin; }
FILE *hlc_c_stdout(void) { return stdout; }
FILE *hlc_c_stderr(void) { return stderr; }
