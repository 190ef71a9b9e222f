//! Memory for JIT-compiled code and data: one address range reserved up
//! front, so every function, constant and stub of a program lies within
//! PC-relative reach of every other (calls between them may be `colocated`),
//! handed out by a bump pointer and committed as it grows.
//!
//! The range is mapped read-write-execute, as HashLink's own JIT maps its
//! code: functions are compiled one at a time while the program runs (on
//! first call), and small functions share pages with code other threads are
//! executing, so a page cannot be flipped between writable and executable.
//! A function's code is published (through its call slot) only after
//! [`JITMemoryProvider::finalize`] has made it visible to instruction fetch.

use cranelift_jit::{BranchProtection, JITMemoryKind, JITMemoryProvider};
use cranelift_module::{ModuleError, ModuleResult};
use std::io;

/// Commit granularity.
const CHUNK: usize = 1 << 20;

pub struct CodeMemory {
    base: *mut u8,
    reserved: usize,
    /// Bytes handed out.
    used: usize,
    /// Bytes made accessible.
    committed: usize,
    /// Start of what was written since the last `finalize`.
    unflushed: usize,
}

// SAFETY: the provider owns its mapping; the JIT module using it is only
// touched under the engine's lock.
unsafe impl Send for CodeMemory {}

impl CodeMemory {
    /// Reserves `reserve` bytes of address space (nothing is committed yet).
    pub fn new(reserve: usize) -> io::Result<CodeMemory> {
        // SAFETY: a fresh anonymous mapping, placed by the kernel.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                reserve,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(CodeMemory { base: base.cast(), reserved: reserve, used: 0, committed: 0, unflushed: 0 })
    }

    fn commit_to(&mut self, end: usize) -> io::Result<()> {
        if end <= self.committed {
            return Ok(());
        }
        let new_end = end.next_multiple_of(CHUNK).min(self.reserved);
        if end > new_end {
            return Err(io::Error::new(io::ErrorKind::OutOfMemory, "the JIT's code range is exhausted"));
        }
        // SAFETY: [committed, new_end) lies inside our reservation.
        let rc = unsafe {
            libc::mprotect(
                self.base.add(self.committed).cast(),
                new_end - self.committed,
                libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        self.committed = new_end;
        Ok(())
    }
}

impl JITMemoryProvider for CodeMemory {
    fn allocate(&mut self, size: usize, align: u64, _kind: JITMemoryKind) -> io::Result<*mut u8> {
        let start = self.used.next_multiple_of(align.max(1) as usize);
        let end = start + size.max(1);
        self.commit_to(end)?;
        self.used = end;
        // SAFETY: start < committed <= reserved.
        Ok(unsafe { self.base.add(start) })
    }

    unsafe fn free_memory(&mut self) {
        if !self.base.is_null() {
            // SAFETY: the caller guarantees no code or data of ours is used any more.
            unsafe { libc::munmap(self.base.cast(), self.reserved) };
            self.base = std::ptr::null_mut();
        }
    }

    fn finalize(&mut self, _branch_protection: BranchProtection) -> ModuleResult<()> {
        let len = self.used - self.unflushed;
        if len > 0 {
            // SAFETY: the range was written by the JIT and lies inside our mapping.
            unsafe {
                wasmtime_internal_jit_icache_coherence::clear_cache(self.base.add(self.unflushed).cast(), len)
                    .map_err(|e| ModuleError::Backend(anyhow_error(e)))?;
            }
            wasmtime_internal_jit_icache_coherence::pipeline_flush_mt().map_err(|e| ModuleError::Backend(anyhow_error(e)))?;
        }
        self.unflushed = self.used;
        Ok(())
    }
}

fn anyhow_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("instruction cache flush failed: {e}")
}
