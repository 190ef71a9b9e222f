/*
 * The parts of HashLink's exception ABI that need setjmp/longjmp, which Rust
 * cannot express: throwing (unwinding to the newest trap context) and calls
 * that catch whatever their callee throws.
 */
#include "hl.h"
#include <stdio.h>
#include <stdlib.h>

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
