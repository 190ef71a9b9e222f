/*
 * The parts of HashLink's exception ABI that need setjmp/longjmp, which Rust
 * cannot express: throwing (unwinding to the newest trap context) and calls
 * that catch whatever their callee throws.
 */
#include "hl.h"
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>

/* Provided by the Rust runtime. */
int hlc_capture_stack(void **out, int max);
void hlc_fatal(const char *msg);

void hl_throw(vdynamic *v) {
	hl_thread_info *t = hl_get_thread();
	hl_trap_ctx *trap = t->trap_current;
	bool call_handler;
	if (t->flags & HL_EXC_KILL) hlc_fatal("Exception Occured");
	if (!(t->flags & HL_EXC_RETHROW))
		t->exc_stack_count = hlc_capture_stack(t->exc_stack_trace, HL_EXC_MAX_STACK);
	t->flags &= ~HL_EXC_RETHROW;
	t->exc_value = v;
	if (trap == NULL) hlc_fatal("exception thrown outside of any trap context");
	t->trap_current = trap->prev;
	call_handler = trap == t->trap_uncaught || t->trap_current == NULL;
	if (trap == t->trap_uncaught) t->trap_uncaught = NULL;
	if (t->exc_handler && call_handler) {
		bool failed;
		hl_dyn_call_safe(t->exc_handler, &v, 1, &failed);
	}
	longjmp(trap->buf, 1);
}

void hl_rethrow(vdynamic *v) {
	hl_get_thread()->flags |= HL_EXC_RETHROW;
	hl_throw(v);
}

vdynamic *hl_dyn_call_safe(vclosure *c, vdynamic **args, int nargs, bool *isException) {
	hl_trap_ctx trap;
	vdynamic *exc;
	vdynamic *volatile result;
	*isException = false;
	hl_trap(trap, exc, caught);
	result = hl_dyn_call(c, args, nargs);
	hl_endtrap(trap);
	return result;
caught:
	*isException = true;
	return exc;
}

/* Runs `entry` under a trap context; returns 1 if it returned normally, or 0
   with the exception in *exc. */
int hlc_run_protected(void (*entry)(void), vdynamic **exc) {
	hl_trap_ctx trap;
	vdynamic *caught;
	hl_trap(trap, caught, on_exception);
	entry();
	hl_endtrap(trap);
	return 1;
on_exception:
	*exc = caught;
	return 0;
}

/* The trap of the innermost embedding call on this thread (hlc_call_embedded):
   where Sys.exit unwinds to inside an embedded VM. */
static __thread hl_trap_ctx *exit_target;

/* Calls `c` with `args` (or, with `c` NULL, `entry`) under a trap that is
   also the target of hlc_exit_unwind. Returns 1 with the result in *out if
   it returned, 0 with the exception in *out if it threw. */
int hlc_call_embedded(vclosure *c, void (*entry)(void), vdynamic **args, int nargs, vdynamic **out) {
	hl_trap_ctx trap;
	vdynamic *caught;
	hl_trap_ctx *saved = exit_target;
	vdynamic *volatile result = NULL;
	hl_trap(trap, caught, on_exception);
	exit_target = &trap;
	if (c) result = hl_dyn_call(c, args, nargs);
	else entry();
	hl_endtrap(trap);
	exit_target = saved;
	*out = result;
	return 1;
on_exception:
	exit_target = saved;
	*out = caught;
	return 0;
}

/* Unwinds the calling thread to the trap of its innermost embedding call, or
   else to its outermost trap (a program thread's), with `marker` as the
   exception: what Sys.exit does in an embedded VM. Returns only if the thread
   has no trap at all. */
void hlc_exit_unwind(vdynamic *marker) {
	hl_thread_info *t = hl_get_thread();
	hl_trap_ctx *trap = exit_target;
	if (!t) return;
	if (!trap) {
		trap = t->trap_current;
		if (!trap) return;
		while (trap->prev) trap = trap->prev;
	}
	t->trap_current = trap->prev;
	t->trap_uncaught = NULL;
	t->exc_value = marker;
	t->exc_stack_count = 0;
	t->flags &= ~HL_EXC_RETHROW;
	longjmp(trap->buf, 1);
}

/* The C layout of the structures Rust also declares (runtime/src/abi.rs):
   jmp_buf's size differs between C libraries and places every field after
   it. The runtime compares these at start-up. */
void hlc_c_layout(size_t out[4]) {
	out[0] = sizeof(jmp_buf);
	out[1] = offsetof(hl_trap_ctx, prev);
	out[2] = offsetof(hl_thread_info, exc_stack_trace);
	out[3] = sizeof(hl_thread_info);
}
