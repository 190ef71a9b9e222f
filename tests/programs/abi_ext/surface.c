/*
 * Compile-time surface of hl.h: platform macros, signature macros, layouts.
 * tests/native_abi.rs compiles this as C and as C++ together with a table
 * taking the address of every function and global hl.h declares (generated
 * from the header), links it with libhlrt.a, and runs it: it prints "ok".
 */
#define HL_NAME(n) surface_##n
#include <hl.h>
#include <hlsystem.h>
#include <stddef.h>

#if !defined(HL_64) || !defined(HL_LINUX) || !defined(HL_THREADS) || !defined(HL_TRACK_ENABLE)
#	error "platform macros"
#endif
#if HL_WSIZE != 8 || !IS_64 || HL_VERSION != 0x011100
#	error "word size or version"
#endif

extern void *abi_table[];
extern int abi_table_size;

/* A native in HashLink's idiom: it must compile and register an hlp_ entry. */
HL_PRIM int HL_NAME(twice)(int x) { return 2 * x; }
DEFINE_PRIM(_I32, twice, _I32);

static int fails = 0;
#define CHECK(c) do { if( !(c) ) { printf("FAILED: %s\n", #c); fails++; } } while(0)

int main(void) {
	const char *sign = NULL;
	void *f = hlp_twice(&sign);
	CHECK(f == (void*)&surface_twice && strcmp(sign, "Pi_i") == 0);

	CHECK(strcmp(_FUN(_VOID, _STRUCT _GUID _OBJ(_I32 _F64) _NULL(_BOOL) _TYPE _ARR _I8 _I16 _I64 _F32 _DYN _BYTES), "PSgOid_NbTAcslfDB_v") == 0);
	CHECK(strcmp(_STRING, "OBi_") == 0);
	CHECK(strcmp(_ABSTRACT(sdl_window), "Xsdl_window_") == 0);
	CHECK(strcmp(_REF(_FUN(_I32, _NO_ARG)), "RP_i") == 0);
	CHECK(TYPE_STR[HVOID] == 'v' && TYPE_STR[HABSTRACT] == 'X' && TYPE_STR[HSTRUCT] == 'S' && TYPE_STR[HGUID] == 'g');
	CHECK(HLAST == 24 && MEM_HAS_PTR(MEM_KIND_RAW) && !MEM_HAS_PTR(MEM_KIND_NOPTR));

	CHECK(sizeof(uchar) == 2 && USTR("é")[0] == 0xE9);
	CHECK(sizeof(hl_type) == 32 && offsetof(hl_type, vobj_proto) == 16);
	CHECK(sizeof(vdynamic) == 16 && offsetof(vdynamic, v) == 8);
	CHECK(sizeof(varray) == 24 && sizeof(vclosure) == 32 && offsetof(vclosure, value) == 24);
	CHECK(sizeof(vvirtual) == 24 && sizeof(vdynobj) == 56 && sizeof(vstring) == 24);
	CHECK(offsetof(hl_runtime_obj, methods) == 32 && offsetof(hl_runtime_obj, interfaces) == 112);
	CHECK(offsetof(hl_type_obj, rt) == 72 && sizeof(hl_type_fun) == 80);
	CHECK(offsetof(hl_thread_info, trap_current) == 24 && offsetof(hl_thread_info, exc_value) == 48);
	CHECK(offsetof(hl_thread_info, exc_stack_trace) == 392 && sizeof(hl_thread_info) == 2960);
	CHECK(sizeof(hl_trap_ctx) == 216 && offsetof(hl_trap_ctx, prev) == 200);
	CHECK(sizeof(hl_setup_t) == 128 && offsetof(hl_setup_t, static_call_ref) == 112);
	CHECK(sizeof(hl_threads_info) == 40 && sizeof(hl_track_info) == 40);

	int missing = 0;
	for( int i = 0; i < abi_table_size; i++ )
		if( abi_table[i] == NULL ) missing++;
	CHECK(missing == 0 && abi_table_size >= 150);
	CHECK(hl_track.flags == 0 && hlt_bytes.kind == HBYTES && hlt_dynobj.kind == HDYNOBJ);

	printf(fails ? "%d failed\n" : "ok\n", fails);
	return fails != 0;
}
