/*
 * A stand-in for Windows' bcryptprimitives.dll, for Wine versions that lack
 * it (Wine 8, Debian 12's): Rust's standard library on Windows imports
 * ProcessPrng from it, and every Windows 10+ system has it. `cargo xtask
 * golden --target x86_64-pc-windows-gnu` builds this with MinGW and puts it
 * in the Wine prefix's system32 when Wine has none; executables never ship it.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG len); /* RtlGenRandom, advapi32 */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!SystemFunction036(data, n)) return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
