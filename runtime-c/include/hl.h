/*
 * hl.h-compatible declarations for the hlc runtime.
 *
 * Native extensions compiled against this header see the value and type
 * layouts of HashLink 1.17's libhl ABI, as implemented by hlc's Rust runtime
 * (runtime/src/abi.rs mirrors these structures; keep both in step).
 * This header grows as the runtime does; it declares only what is implemented.
 */
#ifndef HLC_HL_H
#define HLC_HL_H

#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint16_t uchar;
typedef unsigned char vbyte;
typedef int64_t int64;

typedef struct hl_type hl_type;
typedef struct vclosure vclosure;

struct hl_type {
	int kind;
	void *data;          /* abs_name / fun / obj / tenum / virt / tparam */
	void **vobj_proto;
	unsigned int *mark_bits;
};

typedef struct {
	hl_type *t;
	union {
		bool b;
		unsigned char ui8;
		unsigned short ui16;
		int i;
		float f;
		double d;
		vbyte *bytes;
		void *ptr;
		int64 i64;
	} v;
} vdynamic;

struct vclosure {
	hl_type *t;
	void *fun;
	int hasValue;
	int stackCount;
	void *value;
};

typedef struct {
	hl_type *t;
	hl_type *at;
	int size;
	int __pad;
} varray;

#define hl_aptr(a,t) ((t*)(((varray*)(a))+1))

typedef struct hl_trap_ctx hl_trap_ctx;
struct hl_trap_ctx {
	jmp_buf buf;
	hl_trap_ctx *prev;
	vdynamic *tcheck;
};

#define HL_EXC_MAX_STACK 0x100
#define HL_MAX_EXTRA_STACK 64
#define HL_EXC_RETHROW 1
#define HL_EXC_CATCH_ALL 2
#define HL_EXC_IS_THROW 4
#define HL_EXC_KILL 64

typedef struct {
	int thread_id;
	volatile int gc_blocking;
	void *stack_top;
	void *stack_cur;
	hl_trap_ctx *trap_current;
	hl_trap_ctx *trap_uncaught;
	vclosure *exc_handler;
	vdynamic *exc_value;
	int flags;
	int exc_stack_count;
	char thread_name[128];
	jmp_buf gc_regs;
	void *exc_stack_trace[HL_EXC_MAX_STACK];
	void *extra_stack_data[HL_MAX_EXTRA_STACK];
	int extra_stack_size;
} hl_thread_info;

hl_thread_info *hl_get_thread(void);
void hl_throw(vdynamic *v);
void hl_rethrow(vdynamic *v);
vdynamic *hl_dyn_call(vclosure *c, vdynamic **args, int nargs);
vdynamic *hl_dyn_call_safe(vclosure *c, vdynamic **args, int nargs, bool *isException);

/* Trap contexts, as HL/C-generated code and natives use them. The macro form
   of setjmp does not save the signal mask. */
#define hl_trap(ctx,r,label) { hl_thread_info *__tinf = hl_get_thread(); (ctx).tcheck = NULL; (ctx).prev = __tinf->trap_current; __tinf->trap_current = &(ctx); if( _setjmp((ctx).buf) ) { r = __tinf->exc_value; goto label; } }
#define hl_endtrap(ctx) (hl_get_thread()->trap_current = (ctx).prev)

#ifdef __cplusplus
}
#endif
#endif
