//! The machine code the JIT writes itself rather than through Cranelift:
//!
//! - a **trampoline** per function index, the address that stands for the
//!   function wherever it escapes into data (closures, method tables, the
//!   runtime's function table): it jumps to the function's slot's current
//!   target, so code compiled later (or reloaded) is reached through
//!   addresses handed out earlier;
//! - a **lazy stub** per HL function, the slot's first target: it passes the
//!   engine and the function index to [`lazy_entry`], which compiles the
//!   function, stores its code in the slot and jumps to it with the caller's
//!   arguments intact.
//!
//! Each is position-independent apart from absolute addresses known when it
//! is written. The scratch registers used are ones no C call passes
//! arguments in (x86-64: r10, r11, rax; aarch64: x9, x10, x16).

use target_lexicon::Architecture;

/// Bytes reserved for each trampoline and each lazy stub.
const TRAMPOLINE_SIZE: usize = 32;
const LAZY_STUB_SIZE: usize = 48;

/// The trampolines and lazy stubs of `count` function indices, in one
/// mapping: written while it is writable, then made read-execute.
pub struct StubArea {
    arch: Architecture,
    base: *mut u8,
    len: usize,
    count: usize,
}

// SAFETY: the area is written before any thread runs its code, then only executed.
unsafe impl Send for StubArea {}
unsafe impl Sync for StubArea {}

impl StubArea {
    pub fn new(arch: Architecture, count: usize) -> std::io::Result<StubArea> {
        let len = (count.max(1) * (TRAMPOLINE_SIZE + LAZY_STUB_SIZE)).next_multiple_of(4096);
        // SAFETY: a fresh anonymous mapping, placed by the kernel.
        let base = unsafe {
            libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0)
        };
        if base == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(StubArea { arch, base: base.cast(), len, count })
    }

    /// Where the trampoline of function index `f` is.
    pub fn trampoline(&self, f: usize) -> u64 {
        assert!(f < self.count);
        self.base as u64 + (f * TRAMPOLINE_SIZE) as u64
    }

    /// Where the lazy stub of function index `f` is.
    pub fn lazy_stub(&self, f: usize) -> u64 {
        assert!(f < self.count);
        self.base as u64 + (self.count * TRAMPOLINE_SIZE + f * LAZY_STUB_SIZE) as u64
    }

    fn write(&mut self, at: u64, code: &[u8], room: usize) {
        assert!(code.len() <= room);
        // SAFETY: `at` is a stub position inside our still-writable mapping, with `room` bytes.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), at as *mut u8, code.len()) };
    }

    /// Writes the trampoline of `f`, jumping through the slot at `slot`.
    pub fn write_trampoline(&mut self, f: usize, slot: u64) {
        let code = trampoline(self.arch, slot);
        self.write(self.trampoline(f), &code, TRAMPOLINE_SIZE);
    }

    /// Writes the lazy stub of `f` for `engine`.
    pub fn write_lazy_stub(&mut self, f: usize, engine: u64) {
        let code = lazy_stub(self.arch, engine, f as u32, lazy_entry as *const () as u64);
        self.write(self.lazy_stub(f), &code, LAZY_STUB_SIZE);
    }

    /// Makes the stubs executable (and no longer writable).
    pub fn publish(&self) -> std::io::Result<()> {
        // SAFETY: our own mapping; the stubs were written through plain stores.
        unsafe {
            wasmtime_internal_jit_icache_coherence::clear_cache(self.base.cast(), self.len).map_err(std::io::Error::other)?;
            if libc::mprotect(self.base.cast(), self.len, libc::PROT_READ | libc::PROT_EXEC) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        wasmtime_internal_jit_icache_coherence::pipeline_flush_mt().map_err(std::io::Error::other)
    }
}

/// A trampoline for the function whose slot is at `slot`.
fn trampoline(arch: Architecture, slot: u64) -> Vec<u8> {
    let mut c = Vec::with_capacity(24);
    match arch {
        Architecture::X86_64 => {
            c.extend([0x49, 0xBB]); // mov r11, imm64
            c.extend(slot.to_le_bytes());
            c.extend([0x41, 0xFF, 0x23]); // jmp qword ptr [r11]
        }
        Architecture::Aarch64(_) => {
            word(&mut c, ldr_literal(16, 16)); // ldr x16, slot address
            word(&mut c, 0xF940_0000 | (16 << 5) | 16); // ldr x16, [x16]
            word(&mut c, br(16)); // br x16
            word(&mut c, BRK);
            c.extend(slot.to_le_bytes());
        }
        _ => unreachable!("the JIT supports x86-64 and aarch64 (checked at start)"),
    }
    c
}

/// The lazy stub of function index `findex`: calls `entry` (see
/// [`lazy_entry`]) with `engine` and `findex` in the scratch registers.
fn lazy_stub(arch: Architecture, engine: u64, findex: u32, entry: u64) -> Vec<u8> {
    let mut c = Vec::with_capacity(40);
    match arch {
        Architecture::X86_64 => {
            c.extend([0x41, 0xBA]); // mov r10d, imm32
            c.extend(findex.to_le_bytes());
            c.extend([0x49, 0xBB]); // mov r11, imm64
            c.extend(engine.to_le_bytes());
            c.extend([0x48, 0xB8]); // mov rax, imm64
            c.extend(entry.to_le_bytes());
            c.extend([0xFF, 0xE0]); // jmp rax
        }
        Architecture::Aarch64(_) => {
            word(&mut c, ldr_literal(9, 16)); // ldr x9, findex
            word(&mut c, ldr_literal(10, 20)); // ldr x10, engine
            word(&mut c, ldr_literal(16, 24)); // ldr x16, entry
            word(&mut c, br(16));
            c.extend(u64::from(findex).to_le_bytes());
            c.extend(engine.to_le_bytes());
            c.extend(entry.to_le_bytes());
        }
        _ => unreachable!("the JIT supports x86-64 and aarch64 (checked at start)"),
    }
    c
}

const BRK: u32 = 0xD420_0000;

fn word(c: &mut Vec<u8>, w: u32) {
    c.extend(w.to_le_bytes());
}

/// `ldr x<rt>, [pc + offset]` (LDR literal, 64-bit).
fn ldr_literal(rt: u32, offset: u32) -> u32 {
    0x5800_0000 | ((offset / 4) << 5) | rt
}

/// `br x<rn>`.
fn br(rn: u32) -> u32 {
    0xD61F_0000 | (rn << 5)
}

/// The common tail of every lazy stub. It saves the argument registers,
/// calls `hlc_jit_compile(engine, findex)` (from the stub's scratch
/// registers), restores them and jumps to the code it returned, so the
/// original call proceeds as if it had gone there directly. It keeps a frame
/// record, so stack walks pass through it.
#[cfg(target_arch = "x86_64")]
#[unsafe(naked)]
pub unsafe extern "C" fn lazy_entry() {
    core::arch::naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        "sub rsp, 176",
        "mov [rsp], rdi",
        "mov [rsp + 8], rsi",
        "mov [rsp + 16], rdx",
        "mov [rsp + 24], rcx",
        "mov [rsp + 32], r8",
        "mov [rsp + 40], r9",
        "movdqu [rsp + 48], xmm0",
        "movdqu [rsp + 64], xmm1",
        "movdqu [rsp + 80], xmm2",
        "movdqu [rsp + 96], xmm3",
        "movdqu [rsp + 112], xmm4",
        "movdqu [rsp + 128], xmm5",
        "movdqu [rsp + 144], xmm6",
        "movdqu [rsp + 160], xmm7",
        "mov rdi, r11",
        "mov esi, r10d",
        "call {compile}",
        "mov r11, rax",
        "mov rdi, [rsp]",
        "mov rsi, [rsp + 8]",
        "mov rdx, [rsp + 16]",
        "mov rcx, [rsp + 24]",
        "mov r8, [rsp + 32]",
        "mov r9, [rsp + 40]",
        "movdqu xmm0, [rsp + 48]",
        "movdqu xmm1, [rsp + 64]",
        "movdqu xmm2, [rsp + 80]",
        "movdqu xmm3, [rsp + 96]",
        "movdqu xmm4, [rsp + 112]",
        "movdqu xmm5, [rsp + 128]",
        "movdqu xmm6, [rsp + 144]",
        "movdqu xmm7, [rsp + 160]",
        "mov rsp, rbp",
        "pop rbp",
        "jmp r11",
        compile = sym super::hlc_jit_compile,
    )
}

#[cfg(target_arch = "aarch64")]
#[unsafe(naked)]
pub unsafe extern "C" fn lazy_entry() {
    core::arch::naked_asm!(
        "stp x29, x30, [sp, #-16]!",
        "mov x29, sp",
        "sub sp, sp, #208",
        "stp x0, x1, [sp, #0]",
        "stp x2, x3, [sp, #16]",
        "stp x4, x5, [sp, #32]",
        "stp x6, x7, [sp, #48]",
        "str x8, [sp, #64]",
        "stp q0, q1, [sp, #80]",
        "stp q2, q3, [sp, #112]",
        "stp q4, q5, [sp, #144]",
        "stp q6, q7, [sp, #176]",
        "mov x0, x10",
        "mov w1, w9",
        "bl {compile}",
        "mov x16, x0",
        "ldp x0, x1, [sp, #0]",
        "ldp x2, x3, [sp, #16]",
        "ldp x4, x5, [sp, #32]",
        "ldp x6, x7, [sp, #48]",
        "ldr x8, [sp, #64]",
        "ldp q0, q1, [sp, #80]",
        "ldp q2, q3, [sp, #112]",
        "ldp q4, q5, [sp, #144]",
        "ldp q6, q7, [sp, #176]",
        "mov sp, x29",
        "ldp x29, x30, [sp], #16",
        "br x16",
        compile = sym super::hlc_jit_compile,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        // ldr x16, #16 / ldr x16, [x16] / br x16, as an assembler writes them.
        assert_eq!(ldr_literal(16, 16), 0x5800_0090);
        assert_eq!(br(16), 0xD61F_0200);
        let t = trampoline(Architecture::X86_64, 0x1122_3344_5566_7788);
        assert_eq!(t, [0x49, 0xBB, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x41, 0xFF, 0x23]);
        let a = trampoline(Architecture::Aarch64(target_lexicon::Aarch64Architecture::Aarch64), 8);
        assert_eq!(a.len(), 24);
        assert_eq!(&a[16..], &8u64.to_le_bytes());
    }
}
