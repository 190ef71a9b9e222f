/*
 * Signals: a stack overflow in HL code becomes a catchable "Stack overflow"
 * error (HashLink itself crashes there), other crashes are reported like the
 * reference VM does ("SIGNAL 11[Segmentation fault]" and the HL stack) before
 * the default action. The overflow is thrown by unwinding to the newest trap
 * directly from the handler (which runs on an alternate stack), with an
 * exception value allocated in advance: nothing is allocated on a dead stack.
 */
#define _GNU_SOURCE
#include "hl.h"
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

void hlc_dump_stack_from(void *fp);

static vdynamic *stack_overflow_error;

static uintptr_t context_sp(ucontext_t *uc) {
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.sp;
#else
	return 0;
#endif
}

static void *context_fp(ucontext_t *uc) {
#if defined(__x86_64__)
	return (void *)uc->uc_mcontext.gregs[REG_RBP];
#elif defined(__aarch64__)
	return (void *)uc->uc_mcontext.regs[29];
#else
	return NULL;
#endif
}

static void on_fault(int sig, siginfo_t *info, void *ctx) {
	ucontext_t *uc = (ucontext_t *)ctx;
	hl_thread_info *t = hl_get_thread();
	uintptr_t addr = (uintptr_t)info->si_addr;
	uintptr_t sp = context_sp(uc);
	/* A fault just below the stack pointer is the stack running out. */
	if (sig == SIGSEGV && t && t->trap_current && stack_overflow_error && sp && addr < sp + 4096 && addr + (1 << 20) > sp) {
		hl_trap_ctx *trap = t->trap_current;
		t->exc_value = stack_overflow_error;
		t->exc_stack_count = 0;
		t->flags &= ~HL_EXC_RETHROW;
		t->trap_current = trap->prev;
		if (trap == t->trap_uncaught) t->trap_uncaught = NULL;
		longjmp(trap->buf, 1);
	}
	signal(sig, SIG_DFL);
	printf("SIGNAL %d[%s]\n", sig, strsignal(sig));
	if (t) hlc_dump_stack_from(context_fp(uc));
	fflush(stdout);
	raise(sig);
}

/* Gives the calling thread an alternate signal stack. */
void hlc_signals_thread_init(void) {
	stack_t ss;
	size_t size = 64 * 1024;
	ss.ss_sp = malloc(size);
	ss.ss_size = size;
	ss.ss_flags = 0;
	if (ss.ss_sp) sigaltstack(&ss, NULL);
}

/* Installs the handlers; `overflow` is the (rooted) value thrown on stack overflow. */
void hlc_signals_init(vdynamic *overflow) {
	struct sigaction act;
	stack_overflow_error = overflow;
	hlc_signals_thread_init();
	memset(&act, 0, sizeof(act));
	act.sa_sigaction = on_fault;
	act.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&act.sa_mask);
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGSEGV, &act, NULL);
	sigaction(SIGBUS, &act, NULL);
}
