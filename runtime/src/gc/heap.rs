//! The heap: one virtual range (the *span*) cut into 64 KB chunks, a side
//! table mapping each chunk to its page header, page headers with side
//! bitmaps, and the chunk allocator that returns memory to the OS.
//!
//! The span is chosen at start-up but reserved from the OS only as the heap
//! grows: a `PROT_NONE` mapping of the whole 64 GB is free for the kernel but
//! costs an emulator such as qemu-user seconds and hundreds of MB of
//! bookkeeping per process. The span is placed in the lowest free gap big
//! enough for it, far from where the kernel puts new mappings (top-down
//! below the libraries), so the space above the reserved part stays free for
//! growth; if that fails (or the system cannot list its mappings, as on
//! Windows, where reserving costs nothing), the whole span is reserved at once.
//! The OS calls are `crate::sys`'s.

use super::size::*;
use std::collections::BTreeMap;
use crate::sys;
use std::ptr::null_mut;

/// Sentinel class of pages holding one large block.
pub const LARGE: u8 = u8::MAX;

/// Page kinds are `MEM_KIND_*`.
pub const NKINDS: usize = 4;

/// How much address space the heap may use (halved until the OS agrees).
const RESERVE_BYTES: usize = 64 << 30;
const MIN_RESERVE_BYTES: usize = 1 << 30;
/// What is reserved at first when the span could be placed; the reservation
/// then doubles as needed.
const INITIAL_RESERVE_BYTES: usize = 256 << 20;
/// The span is placed at or above this address (keeping the low 4 GB to
/// programs that want 32-bit addresses and to a non-PIE program's brk heap).
const LOWEST_SPAN_ADDRESS: usize = 4 << 30;
/// Address space is made accessible in steps of this many chunks.
const COMMIT_STEP: u32 = 64; // 4 MB
/// Freed single pages kept (not returned to the OS) for quick reuse, at least
/// (as many as the smallest trigger allocates).
const DIRTY_CACHE_PAGES: usize = 8;

/// One of a page header's bitmaps: a bit per block, in words that follow
/// the header in its allocation ([`Heap::header`]), as many as the page's
/// blocks need (128 for 8-byte blocks, 16 for 64-byte ones, one for 1 KB
/// blocks or a large page), not always the 128 the smallest class needs.
pub struct Bits {
    words: *mut u64,
    len: usize,
}

impl std::ops::Deref for Bits {
    type Target = [u64];
    #[inline(always)]
    fn deref(&self) -> &[u64] {
        // SAFETY: `words` points at `len` initialised words of the header's own allocation,
        // which lives as long as the header (`Heap::header`, `Heap::destroy`), and only the
        // header's owner reaches them, through this field.
        unsafe { std::slice::from_raw_parts(self.words, self.len) }
    }
}

impl std::ops::DerefMut for Bits {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [u64] {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference, and the two
        // bitmaps of a header never overlap.
        unsafe { std::slice::from_raw_parts_mut(self.words, self.len) }
    }
}

/// The header of a page. Small pages hold `nblocks` blocks of `block_size`
/// bytes starting at `start`; large pages hold one block spanning `nchunks`
/// chunks. Headers live outside the pages so block data stays aligned and
/// marking touches only the bitmaps.
#[repr(C)]
pub struct Page {
    pub start: usize,
    pub recip: u64,
    pub block_size: u32,
    pub nblocks: u32,
    pub chunk: u32,
    pub nchunks: u32,
    pub kind: u8,
    pub class: u8,
    /// Held by a thread's allocation buffer.
    pub owned: bool,
    /// Blocks found marked by the last sweep (counted from the mark bitmap).
    pub live: u32,
    /// Next block index the lazy sweep looks at for a free run.
    pub scan_from: u32,
    /// Blocks at or past this index were never handed out since the page's
    /// memory was last zeroed, so they are known to be zero.
    pub zero_from: u32,
    /// Set bit = block allocated (or survived the last mark).
    pub alloc: Bits,
    /// Set bit = block reached in the current mark phase.
    pub mark: Bits,
}

impl Page {
    #[inline(always)]
    pub fn is_large(&self) -> bool {
        self.class == LARGE
    }
    #[inline(always)]
    pub fn bitmap_words(&self) -> usize {
        (self.nblocks as usize).div_ceil(64)
    }
    #[inline(always)]
    pub fn test(bits: &[u64], i: usize) -> bool {
        bits[i >> 6] & (1u64 << (i & 63)) != 0
    }
    /// Sets (`value`) or clears bits `[from, to)`.
    pub fn set_range(bits: &mut [u64], from: usize, to: usize, value: bool) {
        let mut i = from;
        while i < to {
            let w = i >> 6;
            let lo = i & 63;
            let hi = if (w + 1) * 64 <= to { 64 } else { to & 63 };
            let mask = if hi - lo == 64 {
                !0u64
            } else {
                ((1u64 << (hi - lo)) - 1) << lo
            };
            if value {
                bits[w] |= mask;
            } else {
                bits[w] &= !mask;
            }
            i = (w + 1) * 64;
        }
    }

    /// The first free block at or after `scan_from`; when there is none,
    /// `scan_from` moves to the end.
    fn first_free(&mut self) -> Option<usize> {
        let n = self.nblocks as usize;
        let mut i = self.scan_from as usize;
        while i < n {
            let w = !self.alloc[i >> 6] & (!0u64 << (i & 63));
            if w != 0 {
                i = (i & !63) + w.trailing_zeros() as usize;
                if i < n {
                    return Some(i);
                }
                break;
            }
            i = (i | 63) + 1;
        }
        self.scan_from = n as u32;
        None
    }

    /// The next free blocks for an allocation buffer, flagged allocated:
    /// a run `[i, j)` when the free blocks from the first one reach the end
    /// of its bitmap word (fresh or emptied memory: the run may go on past
    /// it), else every free block of that word, as `(word, mask)`.
    /// Survivors interleaved with dead blocks leave runs of one or two blocks;
    /// a word's mask serves them all with one refill instead of one each.
    pub fn take(&mut self) -> Option<Take> {
        let n = self.nblocks as usize;
        let i = self.first_free()?;
        let wi = i >> 6;
        let end = ((wi + 1) << 6).min(n);
        // Bits i..end of the word (the page's last word may be partial).
        let span = (!0u64 << (i & 63)) & (!0u64 >> (((wi + 1) << 6) - end));
        let free = !self.alloc[wi] & span;
        if free == span {
            self.scan_from = i as u32;
            return self.take_run().map(|(i, j)| Take::Run(i, j));
        }
        self.alloc[wi] |= free;
        self.scan_from = end as u32;
        Some(Take::Mask(wi, free))
    }

    /// Finds the next run of free blocks at or after `scan_from`, marks it
    /// allocated and returns `[first, end)` block indices.
    pub fn take_run(&mut self) -> Option<(usize, usize)> {
        let n = self.nblocks as usize;
        let i = self.first_free()?;
        // first allocated block after it
        let mut j = i + 1;
        while j < n {
            let w = self.alloc[j >> 6] & (!0u64 << (j & 63));
            if w != 0 {
                j = (j & !63) + w.trailing_zeros() as usize;
                break;
            }
            j = (j | 63) + 1;
        }
        let j = j.min(n);
        Page::set_range(&mut self.alloc, i, j, true);
        self.scan_from = j as u32;
        Some((i, j))
    }
}

/// The layout of a page header whose bitmaps hold `words` words each.
fn header_layout(words: usize) -> std::alloc::Layout {
    let size = std::mem::size_of::<Page>() + 2 * words * 8;
    std::alloc::Layout::from_size_align(size, std::mem::align_of::<Page>().max(8)).expect("a page header's size is small")
}

/// Frees a header made by [`Heap::header`].
///
/// # Safety
/// `p` is such a header, in no list any more.
unsafe fn free_header(p: *mut Page) {
    // SAFETY: the caller's promise; the layout is the one it was allocated with (its
    // bitmaps' length never changes).
    unsafe { std::alloc::dealloc(p.cast(), header_layout((*p).alloc.len)) }
}

/// What `Page::take` hands an allocation buffer.
pub enum Take {
    /// Blocks `i..j`.
    Run(usize, usize),
    /// The set bits of the mask, in bitmap word `w` (block `64 * w + bit`).
    Mask(usize, u64),
}

/// Address-space bookkeeping and page lists; only touched under the GC lock.
pub struct Heap {
    pub base: usize,
    /// The span: the range the side table covers and pointers are checked against.
    pub reserved: usize,
    /// How much of the span, from `base`, is reserved from the OS.
    mapped: usize,
    /// One entry per chunk: the page covering it, or null.
    pub table: *mut *mut Page,
    table_bytes: usize,
    committed: u32,
    high_water: u32,
    /// Free chunk runs known to be zero (start → length), coalesced.
    clean: BTreeMap<u32, u32>,
    /// Freed single chunks whose memory was kept.
    dirty: Vec<u32>,
    /// How many freed pages to keep: about what the allocation until the
    /// next collection will need again.
    pub dirty_limit: usize,
    /// Every page in use.
    pub pages: Vec<*mut Page>,
    /// Pages with free blocks, per kind × class.
    pub partial: Vec<Vec<*mut Page>>,
    /// Headers of freed pages, by the length of their bitmaps (a page of
    /// one class, or a large page, takes one of the same length).
    spare: Vec<Vec<*mut Page>>,
    pub small_pages: usize,
    pub large_bytes: usize,
}

/// The lowest address at or above [`LOWEST_SPAN_ADDRESS`], aligned to a
/// chunk, where `size` bytes are free (on systems that can tell).
fn free_span(size: usize) -> Option<usize> {
    sys::free_gap(size, LOWEST_SPAN_ADDRESS, PAGE_SIZE)
}

impl Heap {
    pub unsafe fn new() -> Option<Heap> {
        let (base, size, mapped) = match Self::place_span(RESERVE_BYTES) {
            Some(base) => (base, RESERVE_BYTES, INITIAL_RESERVE_BYTES),
            None => {
                let (base, size) = Self::reserve_whole()?;
                (base, size, size)
            }
        };
        let nchunks = size >> PAGE_BITS;
        let table_bytes = nchunks * std::mem::size_of::<*mut Page>();
        let table = sys::map(table_bytes, false);
        if table.is_null() {
            sys::unmap(base as *mut u8, mapped);
            return None;
        }
        Some(Heap {
            base,
            reserved: size,
            mapped,
            table: table.cast(),
            table_bytes,
            committed: 0,
            high_water: 0,
            clean: BTreeMap::new(),
            dirty: Vec::new(),
            dirty_limit: DIRTY_CACHE_PAGES,
            pages: Vec::new(),
            partial: (0..NKINDS * NCLASSES).map(|_| Vec::new()).collect(),
            spare: Vec::new(),
            small_pages: 0,
            large_bytes: 0,
        })
    }

    /// Places a span of `size` bytes in a free gap and reserves its first
    /// [`INITIAL_RESERVE_BYTES`]; returns its base.
    unsafe fn place_span(size: usize) -> Option<usize> {
        let base = free_span(size)?;
        sys::reserve_at(base, INITIAL_RESERVE_BYTES).then_some(base)
    }

    /// Reserves a whole span where the kernel likes (halving its size until
    /// it agrees): the fallback when no gap could be found.
    unsafe fn reserve_whole() -> Option<(usize, usize)> {
        let mut size = RESERVE_BYTES;
        loop {
            let p = sys::reserve(size, PAGE_SIZE);
            if !p.is_null() {
                return Some((p as usize, size));
            }
            size /= 2;
            if size < MIN_RESERVE_BYTES {
                return None;
            }
        }
    }

    /// Extends the reservation to cover at least the first `chunks` chunks
    /// of the span (doubling it), directly above what is reserved. False
    /// when the span is exhausted or something else took the space.
    unsafe fn grow(&mut self, chunks: u32) -> bool {
        let need = (chunks as usize) << PAGE_BITS;
        if need > self.reserved {
            return false;
        }
        let new_mapped = need.max(self.mapped * 2).min(self.reserved);
        if !sys::reserve_at(self.base + self.mapped, new_mapped - self.mapped) {
            return false;
        }
        self.mapped = new_mapped;
        true
    }


    /// Returns all memory to the OS.
    pub unsafe fn destroy(&mut self) {
        for &p in self.pages.iter().chain(self.spare.iter().flatten()) {
            free_header(p);
        }
        self.pages.clear();
        self.spare.clear();
        sys::unmap(self.base as *mut u8, self.mapped);
        sys::unmap(self.table.cast(), self.table_bytes);
    }

    #[inline(always)]
    pub fn nchunks(&self) -> u32 {
        (self.reserved >> PAGE_BITS) as u32
    }

    #[inline(always)]
    pub fn chunk_addr(&self, c: u32) -> usize {
        self.base + ((c as usize) << PAGE_BITS)
    }

    /// `n` contiguous chunks; the bool tells whether their memory is zero.
    unsafe fn alloc_chunks(&mut self, n: u32) -> Option<(u32, bool)> {
        if n == 1 {
            if let Some(c) = self.dirty.pop() {
                return Some((c, false));
            }
        }
        let found = self
            .clean
            .iter()
            .find(|(_, &len)| len >= n)
            .map(|(&s, &l)| (s, l));
        if let Some((s, l)) = found {
            self.clean.remove(&s);
            if l > n {
                self.clean.insert(s + n, l - n);
            }
            return Some((s, true));
        }
        let start = self.high_water;
        let end = start.checked_add(n)?;
        if end > self.nchunks() {
            return None;
        }
        let mapped_chunks = (self.mapped >> PAGE_BITS) as u32;
        if end > mapped_chunks && !self.grow(end) {
            return None;
        }
        let mapped_chunks = (self.mapped >> PAGE_BITS) as u32;
        if end > self.committed {
            let new_committed = end.max(self.committed + COMMIT_STEP).min(mapped_chunks);
            let from = self.chunk_addr(self.committed);
            let len = ((new_committed - self.committed) as usize) << PAGE_BITS;
            if !sys::commit(from as *mut u8, len) {
                return None;
            }
            self.committed = new_committed;
        }
        self.high_water = end;
        Some((start, true))
    }

    /// Frees `n` chunks; a single small page may be kept in the dirty cache.
    unsafe fn free_chunks(&mut self, start: u32, n: u32, may_cache: bool) {
        if may_cache && n == 1 && self.dirty.len() < self.dirty_limit.max(DIRTY_CACHE_PAGES) {
            self.dirty.push(start);
            return;
        }
        sys::discard(self.chunk_addr(start) as *mut u8, (n as usize) << PAGE_BITS);
        let (mut s, mut l) = (start, n);
        if let Some((&ps, &pl)) = self.clean.range(..s).next_back() {
            if ps + pl == s {
                self.clean.remove(&ps);
                s = ps;
                l += pl;
            }
        }
        if let Some(&nl) = self.clean.get(&(s + l)) {
            self.clean.remove(&(s + l));
            l += nl;
        }
        self.clean.insert(s, l);
    }

    /// A header whose bitmaps hold `words` words each (cleared): a spare
    /// one, or a new one.
    fn header(&mut self, words: usize) -> *mut Page {
        if let Some(p) = self.spare.get_mut(words).and_then(Vec::pop) {
            // SAFETY: spare headers are live allocations of `header_layout`, owned by the heap
            // and out of every other list, so this is the only reference.
            let pg = unsafe { &mut *p };
            pg.alloc[..words].fill(0);
            pg.mark[..words].fill(0);
            return p;
        }
        // SAFETY: a zeroed allocation of the header's layout with room for both bitmaps,
        // checked non-null; zero is a valid Page apart from the bitmap pointers, set here
        // to the words after the header.
        unsafe {
            let p = std::alloc::alloc_zeroed(header_layout(words)) as *mut Page;
            if p.is_null() {
                super::out_of_memory("page header");
            }
            let bits = p.add(1) as *mut u64;
            std::ptr::addr_of_mut!((*p).alloc).write(Bits { words: bits, len: words });
            std::ptr::addr_of_mut!((*p).mark).write(Bits { words: bits.add(words), len: words });
            p
        }
    }

    /// A new small page of `kind` and `class`, or None when out of address space.
    pub unsafe fn new_page(&mut self, kind: usize, class: usize) -> Option<*mut Page> {
        let (chunk, zero) = self.alloc_chunks(1)?;
        let bs = CLASS_SIZES[class];
        let nblocks = (PAGE_SIZE as u32) / bs;
        let h = self.header((nblocks as usize).div_ceil(64));
        let pg = &mut *h;
        pg.start = self.chunk_addr(chunk);
        pg.recip = reciprocal(bs);
        pg.block_size = bs;
        pg.nblocks = nblocks;
        pg.chunk = chunk;
        pg.nchunks = 1;
        pg.kind = kind as u8;
        pg.class = class as u8;
        pg.owned = false;
        pg.live = 0;
        pg.scan_from = 0;
        pg.zero_from = if zero { 0 } else { nblocks };
        *self.table.add(chunk as usize) = h;
        self.pages.push(h);
        self.small_pages += 1;
        Some(h)
    }

    /// A page holding one block of `size` bytes (zeroed), or None.
    pub unsafe fn new_large(&mut self, kind: usize, size: usize) -> Option<*mut Page> {
        let nchunks = size.checked_add(PAGE_SIZE - 1)? >> PAGE_BITS;
        if nchunks > u32::MAX as usize {
            return None;
        }
        let (chunk, zero) = self.alloc_chunks(nchunks as u32)?;
        let h = self.header(1);
        let pg = &mut *h;
        pg.start = self.chunk_addr(chunk);
        pg.recip = 0;
        pg.block_size = size as u32;
        pg.nblocks = 1;
        pg.chunk = chunk;
        pg.nchunks = nchunks as u32;
        pg.kind = kind as u8;
        pg.class = LARGE;
        pg.owned = false;
        pg.live = 0;
        pg.scan_from = 1;
        pg.zero_from = 1;
        pg.alloc[0] = 1;
        pg.mark[0] = 0;
        if !zero {
            std::ptr::write_bytes(pg.start as *mut u8, 0, size);
        }
        for c in chunk..chunk + nchunks as u32 {
            *self.table.add(c as usize) = h;
        }
        self.pages.push(h);
        self.large_bytes += nchunks << PAGE_BITS;
        Some(h)
    }

    /// Releases a page (which must already be out of `pages`).
    pub unsafe fn free_page(&mut self, h: *mut Page) {
        let pg = &mut *h;
        for c in pg.chunk..pg.chunk + pg.nchunks {
            *self.table.add(c as usize) = null_mut();
        }
        if pg.is_large() {
            self.large_bytes -= (pg.nchunks as usize) << PAGE_BITS;
            // Large blocks always go back to the OS at once.
            self.free_chunks(pg.chunk, pg.nchunks, false);
        } else {
            self.small_pages -= 1;
            self.free_chunks(pg.chunk, 1, true);
        }
        let words = pg.alloc.len;
        if self.spare.len() <= words {
            self.spare.resize_with(words + 1, Vec::new);
        }
        self.spare[words].push(h);
    }

    /// Bytes of pages in use.
    pub fn heap_bytes(&self) -> usize {
        (self.small_pages << PAGE_BITS) + self.large_bytes
    }
}
