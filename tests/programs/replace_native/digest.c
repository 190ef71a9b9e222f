/* A replacement for the runtime's fmt@digest: every digest is 0x5A bytes. */
#define HL_NAME(n) fmt_##n
#include <hl.h>

HL_PRIM void HL_NAME(digest)(vbyte *out, vbyte *in, int len, int format) {
	(void)in; (void)len; (void)format;
	memset(out, 0x5A, 16);
}
DEFINE_PRIM(_VOID, digest, _BYTES _BYTES _I32 _I32);
