//! hlrt: the hlc runtime. It implements the libhl C ABI of HashLink's `hl.h`
//! (struct layouts and `hl_*` entry points) for the code hlc generates and for
//! native extensions written against `hl.h`. Built as a staticlib (linked into
//! every executable) and an rlib (for the JIT and tests).
