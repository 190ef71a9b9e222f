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
/* What the handlers replaced, put back by hlc_signals_free. */
static struct sigaction old_segv, old_bus, old_pipe;
static int installed;

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
	/* Not ours to handle: the action in place before the runtime started. */
	sigaction(sig, sig == SIGBUS ? &old_bus : &old_segv, NULL);
	printf("SIGNAL %d[%s]\n", sig, strsignal(sig));
	if (t) hlc_dump_stack_from(context_fp(uc));
	fflush(stdout);
	raise(sig);
}

#define ALT_STACK_SIZE (64 * 1024)
/* The alternate stack this thread got from hlc_signals_thread_init, if any,
   and the one it replaced. */
static __thread void *own_alt_stack;
static __thread stack_t replaced_alt_stack;

/* Gives the calling thread an alternate signal stack, unless it has one of
   at least ALT_STACK_SIZE bytes (a host's, or ours): the handler prints HL
   stacks, more than a minimal signal stack holds. Returns 1 if it installed
   one. */
int hlc_signals_thread_init(void) {
	stack_t ss, old;
	if (own_alt_stack) return 0;
	if (sigaltstack(NULL, &old) != 0) return 0;
	if (old.ss_flags & SS_ONSTACK) return 0;
	if (!(old.ss_flags & SS_DISABLE) && old.ss_sp && old.ss_size >= ALT_STACK_SIZE) return 0;
	ss.ss_sp = malloc(ALT_STACK_SIZE);
	ss.ss_size = ALT_STACK_SIZE;
	ss.ss_flags = 0;
	if (!ss.ss_sp) return 0;
	if (sigaltstack(&ss, NULL) != 0) {
		free(ss.ss_sp);
		return 0;
	}
	own_alt_stack = ss.ss_sp;
	replaced_alt_stack = old;
	return 1;
}

/* Removes and frees the alternate stack hlc_signals_thread_init gave the
   calling thread, putting back the one it replaced (a host's own stays). */
void hlc_signals_thread_free(void) {
	stack_t prev, cur;
	if (!own_alt_stack) return;
	if (sigaltstack(NULL, &cur) != 0 || (cur.ss_flags & SS_ONSTACK) || cur.ss_sp != own_alt_stack) return;
	prev = replaced_alt_stack;
	if (prev.ss_flags & SS_DISABLE || !prev.ss_sp) {
		memset(&prev, 0, sizeof(prev));
		prev.ss_flags = SS_DISABLE;
	} else {
		prev.ss_flags = 0;
	}
	if (sigaltstack(&prev, NULL) == 0) {
		free(own_alt_stack);
		own_alt_stack = NULL;
	}
}

/* Installs the handlers; `overflow` is the (rooted) value thrown on stack overflow. */
void hlc_signals_init(vdynamic *overflow) {
	struct sigaction act, ign;
	stack_overflow_error = overflow;
	hlc_signals_thread_init();
	memset(&act, 0, sizeof(act));
	act.sa_sigaction = on_fault;
	act.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&act.sa_mask);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigaction(SIGSEGV, &act, &old_segv);
	sigaction(SIGBUS, &act, &old_bus);
	installed = 1;
}

/* Puts back the actions hlc_signals_init replaced, forgets the overflow value
   and frees the calling thread's alternate stack if the runtime gave it one. */
void hlc_signals_free(void) {
	if (installed) {
		sigaction(SIGSEGV, &old_segv, NULL);
		sigaction(SIGBUS, &old_bus, NULL);
		sigaction(SIGPIPE, &old_pipe, NULL);
		installed = 0;
	}
	stack_overflow_error = NULL;
	hlc_signals_thread_free();
}
