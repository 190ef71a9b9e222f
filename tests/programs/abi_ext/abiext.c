/*
 * abiext: a native library written the way HashLink's own libraries are
 * (HL_NAME, HL_PRIM, DEFINE_PRIM with signature macros), over the surface of
 * hl.h. tests/native_abi.rs builds it against runtime-c/include as a static
 * archive and as a shared .hdll, links it into Main.hx with hlc, and compares
 * the output with the reference VM's (expected.stdout, recorded with `hl`
 * and this file built as abiext.hdll against the same header).
 */
#define HL_NAME(n) abiext_##n
#include <hl.h>
#include <hlsystem.h>
#include <unistd.h>

/* ---- scalars ---------------------------------------------------------- */

HL_PRIM int HL_NAME(add)(int a, int b) { return a + b; }
DEFINE_PRIM(_I32, add, _I32 _I32);

HL_PRIM double HL_NAME(mix)(double d, float f, bool neg) { return neg ? -(d + f) : d + f; }
DEFINE_PRIM(_F64, mix, _F64 _F32 _BOOL);

HL_PRIM int64 HL_NAME(wide)(int64 a, unsigned char b, unsigned short c) { return a * 1000 + b * 100 + c; }
DEFINE_PRIM(_I64, wide, _I64 _I8 _I16);

/* Out parameters (_REF) and nullable values (_NULL). */
HL_PRIM void HL_NAME(divmod)(int a, int b, int *q, int *r) {
	if( b == 0 ) hl_error("division of %d by zero", a);
	*q = a / b;
	*r = a % b;
}
DEFINE_PRIM(_VOID, divmod, _I32 _I32 _REF(_I32) _REF(_I32));

HL_PRIM int HL_NAME(or_default)(vdynamic *v, int def) { return v ? v->v.i : def; }
DEFINE_PRIM(_I32, or_default, _NULL(_I32) _I32);

HL_PRIM vdynamic *HL_NAME(maybe_half)(int x) {
	if( x & 1 ) return NULL;
	vdynamic *d = hl_alloc_dynamic(&hlt_i32);
	d->v.i = x / 2;
	return d;
}
DEFINE_PRIM(_NULL(_I32), maybe_half, _I32);

/* ---- strings and bytes ------------------------------------------------ */

/* A Haxe String in, UTF-16 bytes out (the Haxe side wraps them). */
HL_PRIM vbyte *HL_NAME(shout)(vstring *s) {
	uchar buf[128];
	int n = usprintf(buf, 128, USTR("%s! (%d units, %.1f, %5d, %x)"), s->bytes, s->length, 2.25, 42, 255);
	for( int i = 0; i < n; i++ )
		if( buf[i] >= 'a' && buf[i] <= 'z' ) buf[i] -= 32;
	return hl_copy_bytes((vbyte*)buf, (n + 1) * (int)sizeof(uchar));
}
DEFINE_PRIM(_BYTES, shout, _STRING);

/* UTF-8 round trips: the byte length of the UTF-8 form, and a UTF-16 copy rebuilt from it. */
HL_PRIM int HL_NAME(utf8_size)(vstring *s) {
	char *u = hl_to_utf8(s->bytes);
	return (int)strlen(u);
}
DEFINE_PRIM(_I32, utf8_size, _STRING);

HL_PRIM vbyte *HL_NAME(from_c)(vbyte *utf8) {
	return (vbyte*)hl_to_utf16((const char*)utf8);
}
DEFINE_PRIM(_BYTES, from_c, _BYTES);

HL_PRIM int HL_NAME(ucompare)(vstring *a, vstring *b) {
	int c = ucmp(a->bytes, b->bytes);
	return c < 0 ? -1 : c > 0 ? 1 : 0;
}
DEFINE_PRIM(_I32, ucompare, _STRING _STRING);

/* A string buffer: texts, characters, C strings and any value. */
HL_PRIM vbyte *HL_NAME(describe)(vdynamic *v, vbyte *label) {
	hl_buffer *b = hl_alloc_buffer();
	hl_buffer_str(b, (uchar*)label);
	hl_buffer_char(b, '=');
	hl_buffer_val(b, v);
	hl_buffer_cstr(b, " [");
	hl_buffer_str_sub(b, USTR("typed as xyz"), 9);
	hl_buffer_str(b, v ? hl_type_str(v->t) : USTR("null"));
	hl_buffer_char(b, ']');
	int len = 0;
	uchar *out = hl_buffer_content(b, &len);
	if( len != hl_buffer_length(b) || len != ustrlen(out) ) hl_error("buffer length mismatch");
	return (vbyte*)out;
}
DEFINE_PRIM(_BYTES, describe, _DYN _BYTES);

HL_PRIM vbyte *HL_NAME(to_text)(vdynamic *v) {
	return (vbyte*)hl_to_string(v);
}
DEFINE_PRIM(_BYTES, to_text, _DYN);

/* ---- dynamic objects and hashes --------------------------------------- */

HL_PRIM vdynamic *HL_NAME(make_point)(int x, double y, vbyte *name) {
	vdynobj *o = hl_alloc_dynobj();
	hl_dyn_seti((vdynamic*)o, hl_hash_utf8("x"), &hlt_i32, x);
	hl_dyn_setd((vdynamic*)o, hl_hash_utf8("y"), y);
	hl_dyn_setp((vdynamic*)o, hl_hash_gen(USTR("name"), true), &hlt_bytes, name);
	return (vdynamic*)o;
}
DEFINE_PRIM(_DYN, make_point, _I32 _F64 _BYTES);

HL_PRIM double HL_NAME(point_sum)(vdynamic *o) {
	int x = hl_dyn_geti(o, hl_hash_utf8("x"), &hlt_i32);
	double y = hl_dyn_getd(o, hl_hash_utf8("y"));
	return x + y;
}
DEFINE_PRIM(_F64, point_sum, _DYN);

HL_PRIM vbyte *HL_NAME(field_name)(vbyte *name) {
	return hl_field_name(hl_hash(name));
}
DEFINE_PRIM(_BYTES, field_name, _BYTES);

/* ---- arrays ------------------------------------------------------------ */

HL_PRIM varray *HL_NAME(squares)(int n) {
	varray *a = hl_alloc_array(&hlt_i32, n);
	for( int i = 0; i < n; i++ ) hl_aptr(a, int)[i] = i * i;
	return a;
}
DEFINE_PRIM(_ARR, squares, _I32);

HL_PRIM int HL_NAME(sum_dyn)(varray *a) {
	int s = 0;
	for( int i = 0; i < a->size; i++ ) {
		vdynamic *v = hl_aptr(a, vdynamic*)[i];
		if( v ) s += hl_dyn_casti(&v, &hlt_dyn, &hlt_i32);
	}
	return s;
}
DEFINE_PRIM(_I32, sum_dyn, _ARR);

/* ---- closures called back from C -------------------------------------- */

/* A typed closure: called directly (hl_call1). */
HL_PRIM int HL_NAME(apply_twice)(vclosure *f, int x) {
	return hl_call1(int, f, int, hl_call1(int, f, int, x));
}
DEFINE_PRIM(_I32, apply_twice, _FUN(_I32, _I32) _I32);

/* Any closure through hl_dyn_call, with boxed arguments. */
HL_PRIM vdynamic *HL_NAME(call_dyn)(vclosure *f, int a, vbyte *b) {
	vdynamic *args[2];
	args[0] = hl_make_dyn(&a, &hlt_i32);
	args[1] = hl_alloc_dynamic(&hlt_bytes);
	args[1]->v.bytes = b;
	return hl_dyn_call(f, args, 2);
}
DEFINE_PRIM(_DYN, call_dyn, _DYN _I32 _BYTES);

/* A closure kept across calls: rooted while stored. */
static vclosure *saved = NULL;

HL_PRIM void HL_NAME(save)(vclosure *f) {
	if( !saved ) hl_add_root(&saved);
	saved = f;
}
DEFINE_PRIM(_VOID, save, _FUN(_VOID, _I32));

HL_PRIM void HL_NAME(fire)(int n) {
	for( int i = 0; i < n; i++ ) {
		hl_gc_major();
		hl_call1(void, saved, int, i);
	}
	hl_remove_root(&saved);
	saved = NULL;
}
DEFINE_PRIM(_VOID, fire, _I32);

/* ---- exceptions -------------------------------------------------------- */

/* Calls `f` and catches what it throws with a C trap context. */
HL_PRIM vbyte *HL_NAME(catch_from)(vclosure *f) {
	hl_trap_ctx trap;
	vdynamic *exc;
	hl_trap(trap, exc, on_error);
	hl_call0(void, f);
	hl_endtrap(trap);
	return (vbyte*)USTR("no exception");
on_error:
	{
		hl_buffer *b = hl_alloc_buffer();
		hl_buffer_str(b, USTR("caught in C: "));
		hl_buffer_val(b, exc);
		return (vbyte*)hl_buffer_content(b, NULL);
	}
}
DEFINE_PRIM(_BYTES, catch_from, _FUN(_VOID, _NO_ARG));

/* The same with hl_dyn_call_safe. */
HL_PRIM bool HL_NAME(call_safe)(vclosure *f) {
	bool failed = false;
	hl_dyn_call_safe(f, NULL, 0, &failed);
	return failed;
}
DEFINE_PRIM(_BOOL, call_safe, _DYN);

HL_PRIM void HL_NAME(fail)(int how) {
	switch( how ) {
	case 0: hl_error("plain failure");
	case 1: hl_error("failure %d of %s", 42, USTR("many"));
	case 2: {
		hl_buffer *b = hl_alloc_buffer();
		hl_buffer_cstr(b, "built in a buffer");
		hl_throw_buffer(b);
	}
	default: {
		vdynamic *d = hl_alloc_dynamic(&hlt_i32);
		d->v.i = how;
		hl_throw(d);
	}
	}
}
DEFINE_PRIM(_VOID, fail, _I32);

/* ---- abstract handles, finalizers, blocking ---------------------------- */

typedef struct {
	void (*finalize)(void *);
	int value;
} counter;

static int finalized = 0;

static void counter_finalize(void *p) {
	(void)p;
	finalized++;
}

HL_PRIM counter *HL_NAME(counter_new)(int start) {
	counter *c = (counter*)hl_gc_alloc_finalizer(sizeof(counter));
	c->finalize = counter_finalize;
	c->value = start;
	return c;
}
DEFINE_PRIM(_ABSTRACT(abiext_counter), counter_new, _I32);

HL_PRIM int HL_NAME(counter_next)(counter *c) { return ++c->value; }
DEFINE_PRIM(_I32, counter_next, _ABSTRACT(abiext_counter));

/* Collects until `n` finalizers ran (or gives up), then reports how many did. */
HL_PRIM int HL_NAME(finalized_after_gc)(int n) {
	for( int i = 0; i < 20 && finalized < n; i++ ) hl_gc_major();
	return finalized >= n ? n : finalized;
}
DEFINE_PRIM(_I32, finalized_after_gc, _I32);

/* GC memory kinds: raw (scanned) and no-pointer blocks. */
HL_PRIM int HL_NAME(alloc_kinds)(void) {
	void **raw = (void**)hl_gc_alloc_raw(4 * sizeof(void*));
	vbyte *data = (vbyte*)hl_gc_alloc_noptr(64);
	raw[0] = data;
	memset(data, 7, 64);
	hl_gc_major();
	int ok = hl_is_gc_ptr(raw) && hl_gc_get_memsize(data) >= 64 && ((vbyte*)raw[0])[63] == 7;
	return ok;
}
DEFINE_PRIM(_I32, alloc_kinds, _NO_ARG);

/* A blocking section: the GC may run meanwhile. */
HL_PRIM int HL_NAME(nap)(int ms) {
	hl_blocking(true);
	usleep(ms * 1000);
	bool was = hl_is_blocking();
	hl_blocking(false);
	return was && !hl_is_blocking();
}
DEFINE_PRIM(_I32, nap, _I32);

/* ---- types, malloc arenas, threads' state ------------------------------ */

HL_PRIM vbyte *HL_NAME(type_name)(hl_type *t) {
	return (vbyte*)hl_type_str(t);
}
DEFINE_PRIM(_BYTES, type_name, _TYPE);

HL_PRIM int HL_NAME(arena)(int n) {
	hl_alloc a;
	hl_alloc_init(&a);
	int *ints = (int*)hl_zalloc(&a, n * (int)sizeof(int));
	int sum = 0;
	for( int i = 0; i < n; i++ ) sum += ints[i] + i;
	char *big = (char*)hl_malloc(&a, 10000);
	big[9999] = 1;
	hl_free(&a);
	return a.cur == NULL ? sum : -1;
}
DEFINE_PRIM(_I32, arena, _I32);

HL_PRIM bool HL_NAME(in_trap)(void) {
	hl_thread_info *t = hl_get_thread();
	return t != NULL && t->trap_current != NULL;
}
DEFINE_PRIM(_BOOL, in_trap, _NO_ARG);

HL_PRIM int HL_NAME(mutex_count)(int n) {
	hl_mutex *m = hl_mutex_alloc(true);
	int c = 0;
	for( int i = 0; i < n; i++ ) {
		hl_mutex_acquire(m);
		if( hl_mutex_try_acquire(m) ) { c++; hl_mutex_release(m); }
		hl_mutex_release(m);
	}
	hl_mutex_free(m);
	return c;
}
DEFINE_PRIM(_I32, mutex_count, _I32);

/* Declared optional (`?abiext`) on the Haxe side and provided. */
HL_PRIM int HL_NAME(present)(void) { return 7; }
DEFINE_PRIM(_I32, present, _NO_ARG);
