//! The mark phase: roots, conservative stack scanning and an explicit mark
//! stack. A single thread marks (the world is stopped), so bit sets are
//! plain read-modify-writes.

use super::heap::{Heap, Page};
use super::size::{div_by, PAGE_BITS};
use crate::abi::{hl_type, kind, mem, venum};

/// Marking state for one collection.
pub struct Marker<'a> {
    base: usize,
    reserved: usize,
    table: *mut *mut Page,
    pub stack: &'a mut Vec<(usize, *mut Page)>,
    /// Unscanned tails of big blocks (first word, word count).
    ranges: Vec<(*const usize, usize)>,
}

/// Words of a block scanned before its tail is set aside (see `scan_words`).
const SCAN_CHUNK: usize = 1024;

/// Blocks in flight between the mark stack and their scan (see `drain`).
const PREFETCH_DEPTH: usize = 16;

/// Hints the CPU to load the cache line at `addr` (a block about to be
/// scanned). A hint only: it never faults, whatever the address.
#[inline(always)]
fn prefetch(addr: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 is part of SSE, which every x86_64 CPU has; it reads
    // nothing architecturally and never faults.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(addr as *const i8);
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: PRFM is a hint: it never faults and changes no register or memory.
    unsafe {
        std::arch::asm!("prfm pldl1keep, [{0}]", in(reg) addr, options(nostack, readonly, preserves_flags));
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    let _ = addr;
}

#[inline(always)]
fn has_ptr(kind: u8) -> bool {
    kind as i32 & 2 == 0
}

/// `hl_is_ptr` on a kind.
#[inline(always)]
fn is_ptr_kind(k: u32) -> bool {
    (kind::HBYTES..kind::HGUID).contains(&k)
}

impl<'a> Marker<'a> {
    pub fn new(heap: &Heap, stack: &'a mut Vec<(usize, *mut Page)>) -> Marker<'a> {
        Marker {
            base: heap.base,
            reserved: heap.reserved,
            table: heap.table,
            stack,
            ranges: Vec::new(),
        }
    }

    /// The page covering address `p`, or null (cheap rejection of anything
    /// outside the reserved range: statics, type objects, malloc memory).
    #[inline(always)]
    pub fn page_of(&self, p: usize) -> *mut Page {
        let off = p.wrapping_sub(self.base);
        if off >= self.reserved {
            return std::ptr::null_mut();
        }
        // SAFETY: `off` is inside the reserved range (checked), and the table has an entry
        // for every page of that range.
        unsafe { *self.table.add(off >> PAGE_BITS) }
    }

    /// Marks the block starting at `p` (heap fields and roots: only block
    /// starts count).
    #[inline(always)]
    pub unsafe fn mark_exact(&mut self, p: usize) {
        let h = self.page_of(p);
        if h.is_null() {
            return;
        }
        let pg = &mut *h;
        let rel = p - pg.start;
        // One path for small and large pages: a large page's `recip` is 0,
        // so `idx` is 0 and the block-start test accepts only `rel == 0`.
        debug_assert!(!pg.is_large() || pg.recip == 0);
        let idx = div_by(rel, pg.recip);
        if idx * pg.block_size as usize != rel || idx >= pg.nblocks as usize {
            return;
        }
        self.mark_block(h, idx, p);
    }

    /// Marks the block containing `p` (stacks and registers: interior
    /// pointers count).
    #[inline(always)]
    pub unsafe fn mark_interior(&mut self, p: usize) {
        let h = self.page_of(p);
        if h.is_null() {
            return;
        }
        let pg = &mut *h;
        let rel = p - pg.start;
        let idx = if pg.is_large() {
            if rel >= pg.block_size as usize {
                return;
            }
            0
        } else {
            let idx = div_by(rel, pg.recip);
            if idx >= pg.nblocks as usize {
                return;
            }
            idx
        };
        self.mark_block(h, idx, pg.start + idx * pg.block_size as usize);
    }

    /// `idx` is a block index of page `h` (below its `nblocks`), `addr` that
    /// block's start. The live counts are taken from the mark bitmaps at the
    /// sweep, not here.
    #[inline(always)]
    unsafe fn mark_block(&mut self, h: *mut Page, idx: usize, addr: usize) {
        let pg = &mut *h;
        let bit = 1u64 << (idx & 63);
        let w = idx >> 6;
        // `idx < nblocks`, and both bitmaps hold `nblocks.div_ceil(64)` words or more.
        let markw = pg.mark.get_unchecked_mut(w);
        // Free blocks hold stale data: never treat them as objects.
        if *pg.alloc.get_unchecked(w) & bit == 0 || *markw & bit != 0 {
            return;
        }
        *markw |= bit;
        if has_ptr(pg.kind) {
            self.stack.push((addr, h));
        }
    }

    /// Conservatively scans `[from, to)` of a stack or register save area.
    pub unsafe fn scan_stack(&mut self, from: usize, to: usize) {
        let mut p = (from + 7) & !7;
        while p + 8 <= to {
            let v = std::ptr::read_volatile(p as *const usize);
            self.mark_interior(v);
            p += 8;
        }
    }

    /// Every word of `[p, p + n*8)` that is the start of a block.
    #[inline(always)]
    unsafe fn scan_words(&mut self, p: *const usize, mut n: usize) {
        if n > SCAN_CHUNK {
            // The rest waits until the mark stack is empty, so a big array
            // adds at most SCAN_CHUNK entries to it at a time.
            self.ranges.push((p.add(SCAN_CHUNK), n - SCAN_CHUNK));
            n = SCAN_CHUNK;
        }
        // A word equal to the one before it was just marked (arrays often
        // repeat a value: a palette entry, a shared default).
        let mut last = 0usize;
        for i in 0..n {
            let v = *p.add(i);
            if v != last {
                last = v;
                self.mark_exact(v);
            }
        }
    }

    /// Words `first..n` of `p` whose bit in `bits` (bit 0 = word `bias`) is set.
    /// A word is read before its bit, so zero words past the type's end
    /// (blocks are zeroed past the request) never read past `bits`.
    #[inline(always)]
    unsafe fn scan_precise(
        &mut self,
        p: *const usize,
        first: usize,
        n: usize,
        bits: *const u32,
        bias: usize,
    ) {
        for i in first..n {
            let v = *p.add(i);
            if v == 0 {
                continue;
            }
            let pos = i - bias;
            if *bits.add(pos >> 5) & (1u32 << (pos & 31)) != 0 {
                self.mark_exact(v);
            }
        }
    }

    /// Drains the mark stack. Blocks go through a small FIFO whose entries
    /// are prefetched when they enter it, so a block's memory is (mostly) in
    /// cache by the time it is scanned: without it, marking a heap of small
    /// objects spent most of its time waiting for each block's first word.
    pub unsafe fn drain(&mut self) {
        let mut ring = [(0usize, std::ptr::null_mut::<Page>()); PREFETCH_DEPTH];
        let mut head = 0usize;
        let mut len = 0usize;
        loop {
            while len < PREFETCH_DEPTH {
                let Some(e) = self.stack.pop() else { break };
                prefetch(e.0);
                ring[(head + len) % PREFETCH_DEPTH] = e;
                len += 1;
            }
            if len == 0 {
                match self.ranges.pop() {
                    Some((p, n)) => {
                        self.scan_words(p, n);
                        continue;
                    }
                    None => return,
                }
            }
            let (addr, h) = ring[head];
            head = (head + 1) % PREFETCH_DEPTH;
            len -= 1;
            let pg = &*h;
            let nwords = pg.block_size as usize / 8;
            let p = addr as *const usize;
            match pg.kind as i32 {
                mem::KIND_RAW => self.scan_words(p, nwords),
                mem::KIND_DYNAMIC => self.scan_dynamic(p, nwords),
                _ => {}
            }
        }
    }

    unsafe fn scan_dynamic(&mut self, p: *const usize, nwords: usize) {
        let t = *p as *const hl_type;
        if t.is_null() {
            return; // allocated, type not yet written
        }
        let tk = (*t).kind;
        let bits = (*t).mark_bits as *const u32;
        if !bits.is_null() && tk != kind::HFUN {
            if tk == kind::HENUM {
                // One row per constructor; bit 0 is the word after the index.
                let row = bits.add((*(p as *const venum)).index as usize);
                self.scan_precise(p, 2, nwords, row, 2);
            } else {
                self.scan_precise(p, 1, nwords, bits, 0);
            }
        } else if tk == kind::HARRAY {
            // varray: { t, at, size, pad } then the elements.
            let at = *p.add(1) as *const hl_type;
            if at.is_null() {
                return;
            }
            let ak = (*at).kind;
            if ak == kind::HPACKED {
                self.scan_words(p.add(3), nwords.saturating_sub(3));
            } else if is_ptr_kind(ak) {
                let size = *(p.add(2) as *const i32);
                let n = (size.max(0) as usize).min(nwords.saturating_sub(3));
                self.scan_words(p.add(3), n);
            }
        } else {
            self.scan_words(p, nwords);
        }
    }
}
