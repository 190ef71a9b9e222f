/*
 * hlc_embed.h: running a HashLink program inside another program.
 *
 * `hlc build main.hl --emit staticlib -o libgame.a` (or `--emit cdylib -o
 * libgame.so`) writes a library holding the compiled program and the hlc
 * runtime. A host links it with `cc host.c libgame.a -lm -lpthread -ldl`
 * (or opens libgame.so with dlopen and finds these four functions with
 * dlsym) and includes this header, next to hl.h.
 *
 * Life cycle. create -> run_main -> any number of calls -> destroy, and
 * again, as often as the host likes, in one process: destroy frees all the
 * runtime's memory and puts back what it changed in the process (signal
 * handlers, hl_setup), and the next create starts from a state equal to a
 * fresh process's. One VM is alive at a time.
 *
 * Threads. The thread that calls hlc_vm_create is the VM's host thread: it
 * stays registered with the garbage collector until hlc_vm_destroy, which
 * must be called on it. Between calls it is parked at a GC safe point, so the
 * program's own threads keep running and collecting. Any thread may call
 * hlc_vm_run_main and hlc_vm_call (threads other than the host's are
 * registered for the duration of the call). hl.h's functions (allocating,
 * hl_add_root, ...) may be used between create and destroy on the host
 * thread, or inside a call.
 *
 * Values. Values returned by hlc_vm_call (result and exception) stay valid
 * until the next call into the VM, on any thread. To keep one longer, store
 * it in a variable of the host whose address is a GC root:
 *     static vdynamic *kept;  kept = v;  hl_add_root(&kept);
 *     ...  hl_remove_root(&kept);
 * (all roots go with hlc_vm_destroy). A value the host allocates itself
 * (hl_alloc_dynamic(&hlt_i32) to box an argument) is safe until it is passed
 * to a call while the program has no thread of its own running; if it has,
 * root the value the same way until the call.
 *
 * Sys.exit(n) never exits the host process: inside hlc_vm_run_main it ends
 * the run, which returns n; inside hlc_vm_call it ends the call, which
 * returns NULL with *exception the String "Sys.exit(n)"; on a thread the
 * program started, it ends that thread.
 */
#ifndef HLC_EMBED_H
#define HLC_EMBED_H

#include "hl.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hlc_vm hlc_vm;

/* Starts the runtime for the program linked into this library (argv[0] is
   the program name; Sys.args() is argv[1..], copied). NULL on failure, with
   a message in *error (if error is not NULL; free it with free()). One VM at
   a time per process: creating a second while one is alive fails with a
   message. */
hlc_vm *hlc_vm_create(int argc, char **argv, char **error);

/* Runs the program's entry point (static initialisers, then main). Returns
   the exit code: 0, the n of Sys.exit(n), or 1 after printing an uncaught
   exception as the executable would. Sys.exit returns here; it never exits
   the host process. With a handle that is not the live VM: -1 and a message
   on stderr. */
int hlc_vm_run_main(hlc_vm *vm);

/* Calls a static function by its Haxe path ("pack.Class.method"; keep it
   from dead-code elimination with @:keep) with boxed arguments; returns its
   boxed result (NULL for Void). An uncaught exception is returned in
   *exception (if not NULL) and the call returns NULL; *exception is NULL
   otherwise. An unknown path or wrong argument count: *exception holds a
   String describing it. With a handle that is not the live VM (for instance
   after hlc_vm_destroy), *exception holds a static error value (type bytes,
   UTF-16 text) that needs no VM. Call hlc_vm_run_main first: it runs the
   static initialisers. */
vdynamic *hlc_vm_call(hlc_vm *vm, const char *path, vdynamic **args, int nargs,
                      vdynamic **exception);

/* Waits for the program's threads and for calls running on other threads to
   end, at most HLC_VM_DESTROY_TIMEOUT_MS milliseconds (environment; default
   5000), then frees everything: the program, its globals, the GC heap,
   every root. It never stops a thread: if the wait times out, it prints a
   message on stderr and refuses, leaving the VM alive and usable (call it
   again once the threads have ended; a program should give the host a way to
   end its threads, e.g. a static function to call before destroy). It also
   refuses (message on stderr, VM alive) when called from a thread other than
   the host thread or from inside a call. With a handle that is not the live
   VM, it prints a message and does nothing. */
void hlc_vm_destroy(hlc_vm *vm);

#ifdef __cplusplus
}
#endif

#endif
