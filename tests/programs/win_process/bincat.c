/* A byte-transparent filter for tests/executables.rs
 * `windows_processes_pass_bytes_unchanged`: copies its stdin to its stdout
 * in binary mode (Windows ships no such program: findstr, find and more
 * are text filters), then reports the byte count and its arguments on
 * stderr and exits with status 7. */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>

int main(int argc, char **argv) {
    char buf[4096];
    long total = 0;
    int n, i;
    _setmode(0, _O_BINARY);
    _setmode(1, _O_BINARY);
    _setmode(2, _O_BINARY);
    while ((n = _read(0, buf, sizeof buf)) > 0) {
        int off = 0;
        while (off < n) {
            int w = _write(1, buf + off, n - off);
            if (w <= 0)
                return 2;
            off += w;
        }
        total += n;
    }
    fprintf(stderr, "%ld bytes; %d args:", total, argc - 1);
    for (i = 1; i < argc; i++)
        fprintf(stderr, " [%s]", argv[i]);
    fprintf(stderr, "\n");
    return 7;
}
