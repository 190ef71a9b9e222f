/*
 * hlsystem.h for the hlc runtime: hl.h plus the operating-system headers
 * HashLink's native libraries expect from it (windows.h on Windows desktop).
 */
#ifndef HLSYSTEM_H
#define HLSYSTEM_H

#include <hl.h>

#if defined(HL_WIN)
#	undef _GUID
#	if defined(HL_WIN_DESKTOP) || defined(HL_XBS)
#		include <windows.h>
#	else
#		include <xdk.h>
#	endif
#endif

#endif
