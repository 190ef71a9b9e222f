/*
 * Faults on Windows: a stack overflow in HL code becomes a catchable
 * "Stack overflow" error, as the POSIX side does from SIGSEGV. A vectored
 * exception handler sees EXCEPTION_STACK_OVERFLOW (the thread touched its
 * stack's guard page) and resumes the thread in `overflow_landing`, on the
 * stack of the newest trap's frame (far from the exhausted end): there the
 * guard page is re-armed (_resetstkoflw) and the error thrown to that trap.
 * Other faults print the exception and the HL stack, then take Windows'
 * default action.
 */
/* windows.h before hl.h, whose signature macros (_GUID) clash with it. */
#include <windows.h>
#include <malloc.h>
#include "hl.h"
#include <stdint.h>
#include <stdio.h>

void hlc_dump_stack_from(void *fp);

static vdynamic *stack_overflow_error;

/* MinGW's x64 jmp_buf (_JUMP_BUFFER): Frame, Rbx, Rsp, ... */
#define JB_RSP_SLOT 2

static void overflow_landing(void) {
	hl_thread_info *t = hl_get_thread();
	hl_trap_ctx *trap = t->trap_current;
	_resetstkoflw();
	t->exc_value = stack_overflow_error;
	t->exc_stack_count = 0;
	t->flags &= ~HL_EXC_RETHROW;
	t->trap_current = trap->prev;
	if (trap == t->trap_uncaught) t->trap_uncaught = NULL;
	longjmp(trap->buf, 1);
}

static LONG CALLBACK on_exception(EXCEPTION_POINTERS *info) {
	DWORD code = info->ExceptionRecord->ExceptionCode;
	hl_thread_info *t;
	if (code == EXCEPTION_STACK_OVERFLOW) {
		t = hl_get_thread();
		if (t && t->trap_current && stack_overflow_error) {
			uint64_t sp = ((uint64_t *)t->trap_current->buf)[JB_RSP_SLOT];
			/* Below the frame that set the trap; 8 mod 16 as at a function's entry. */
			info->ContextRecord->Rsp = ((sp - 512) & ~(uint64_t)15) - 8;
			info->ContextRecord->Rip = (DWORD64)(uintptr_t)overflow_landing;
			return EXCEPTION_CONTINUE_EXECUTION;
		}
	}
	if (code == EXCEPTION_ACCESS_VIOLATION || code == EXCEPTION_STACK_OVERFLOW || code == EXCEPTION_ILLEGAL_INSTRUCTION) {
		t = hl_get_thread();
		printf("EXCEPTION %08lX at %p\n", (unsigned long)code, info->ExceptionRecord->ExceptionAddress);
		if (t && code != EXCEPTION_STACK_OVERFLOW) hlc_dump_stack_from((void *)info->ContextRecord->Rbp);
		fflush(stdout);
	}
	return EXCEPTION_CONTINUE_SEARCH;
}

static PVOID handler;

/* Room for the handler to run once the guard page is gone. Windows has no
   alternate stack to give: returns 0 (nothing for hlc_signals_thread_free). */
int hlc_signals_thread_init(void) {
	ULONG size = 64 * 1024;
	SetThreadStackGuarantee(&size);
	return 0;
}

/* The stack guarantee lasts as long as the thread: nothing to free. */
void hlc_signals_thread_free(void) {
}

/* Installs the handler; `overflow` is the (rooted) value thrown on stack overflow. */
void hlc_signals_init(vdynamic *overflow) {
	stack_overflow_error = overflow;
	hlc_signals_thread_init();
	if (!handler) handler = AddVectoredExceptionHandler(1, on_exception);
}

/* Removes the handler hlc_signals_init installed and forgets the overflow value. */
void hlc_signals_free(void) {
	if (handler) {
		RemoveVectoredExceptionHandler(handler);
		handler = NULL;
	}
	stack_overflow_error = NULL;
}
