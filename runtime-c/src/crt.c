/*
 * C runtime variables as functions: `stdin`/`stdout`/`stderr` and the
 * environment are plain variables in glibc and musl but macros or DLL data
 * imports in MinGW's C runtime, so Rust code asks here instead of linking to
 * a symbol.
 */
#include <stdio.h>
#include <stdlib.h>

FILE *hlc_c_stdin(void) { return stdin; }
FILE *hlc_c_stdout(void) { return stdout; }
FILE *hlc_c_stderr(void) { return stderr; }

#if defined(_WIN32)
char **hlc_c_environ(void) { return _environ; }
#else
extern char **environ;
char **hlc_c_environ(void) { return environ; }
#endif
