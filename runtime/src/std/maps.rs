//! `std/maps.c`: the hash tables behind Haxe's `IntMap` (`hi*`), `Int64Map`
//! (`hi64*`), `StringMap` (`hb*`, keys are UTF-16 strings) and `ObjectMap`
//! (`ho*`, keys compared by address).
//!
//! Programs observe the iteration order (`keys`, `values`, iterators), so the
//! table reproduces libhl's structure exactly: entries live in slots
//! `0..maxentries` handed out by a free list; each of `ncells` buckets
//! (a prime) chains its slots, newest first; the table grows by 1.5x from 3
//! slots, and when the bucket count changes every chain is re-inserted in
//! bucket order (which reverses chains). Slot indices are stored as bytes
//! below 128 slots and as ints above.
//!
//! Memory: the map header and the value slots (which hold keys and values,
//! both GC pointers for `hb`/`ho`) are `MEM_KIND_RAW` blocks the GC scans;
//! buckets, chains, int keys, hashes and the free list are `MEM_KIND_NOPTR`.

// The natives' contracts are those of hl.h.
#![allow(clippy::missing_safety_doc)]

use super::array::hl_alloc_array;
use super::{alloc_noptr, alloc_raw, bytes, raise_error, ucs2};
use crate::abi::*;
use ::std::marker::PhantomData;
use ::std::mem::size_of;
use ::std::ptr::{copy_nonoverlapping, null_mut, write_bytes};

const H_SIZE_INIT: i32 = 3;
/// Index width switches from `i8` to `i32` at this many slots.
const LIMIT: i32 = 128;

/// Primes, each about twice the previous: the bucket counts.
const PRIMES: [i32; 28] = [
    7, 17, 37, 79, 163, 331, 673, 1361, 2729, 5471, 10949, 21911, 43853, 87613, 175229, 350459, 700919, 1401857,
    2803727, 5607457, 11214943, 22429903, 44859823, 89719661, 179424673, 373587883, 776531401, 1611623773,
];

// ---------------------------------------------------------------------------
// Free list of slot indices: either one contiguous range (`buckets` null,
// `head` = first index, `nbuckets` = count) or a sorted array of ranges.

#[repr(C)]
#[derive(Clone, Copy)]
struct FreeRange {
    pos: i32,
    count: i32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct FreeList {
    buckets: *mut FreeRange,
    head: i32,
    nbuckets: i32,
}

impl FreeList {
    const EMPTY: FreeList = FreeList { buckets: null_mut(), head: 0, nbuckets: 0 };

    unsafe fn resize(&mut self, newsize: i32) {
        let nb = alloc_noptr(size_of::<FreeRange>() * newsize as usize) as *mut FreeRange;
        if self.head > 0 {
            copy_nonoverlapping(self.buckets, nb, self.head as usize);
        }
        self.buckets = nb;
        self.nbuckets = newsize;
    }

    unsafe fn add_range(&mut self, pos: i32, count: i32) {
        if self.buckets.is_null() {
            if self.nbuckets == 0 {
                self.head = pos;
                self.nbuckets = count;
                return;
            } else if self.head + self.nbuckets == pos {
                self.nbuckets += count;
                return;
            } else if pos + count == self.head {
                self.head -= count;
                self.nbuckets += count;
                return;
            } else {
                let (cur_pos, cur_count) = (self.head, self.nbuckets);
                self.head = 0;
                self.nbuckets = 0;
                self.resize(2);
                if cur_count != 0 {
                    self.add_range(cur_pos, cur_count);
                }
            }
        }
        // First range starting after `pos`, and the one before it.
        let mut b: i32 = 0;
        let mut prev: i32 = -1;
        while b < self.head {
            if (*self.buckets.add(b as usize)).pos > pos {
                break;
            }
            prev = b;
            b += 1;
        }
        if b < self.head && (*self.buckets.add(b as usize)).pos == pos + count {
            let r = &mut *self.buckets.add(b as usize);
            r.pos -= count;
            r.count += count;
            if prev >= 0 {
                let p = &mut *self.buckets.add(prev as usize);
                if p.pos + p.count == r.pos {
                    p.count += r.count;
                    let tail = (self.head - (b + 1)) as usize;
                    ::std::ptr::copy(self.buckets.add(b as usize + 1), self.buckets.add(b as usize), tail);
                    self.head -= 1;
                }
            }
            return;
        }
        if prev >= 0 {
            let p = &mut *self.buckets.add(prev as usize);
            if p.pos + p.count == pos {
                p.count += count;
                return;
            }
        }
        if self.head == self.nbuckets {
            self.resize(((self.nbuckets * 3) + 1) >> 1);
        }
        let tail = (self.head - b) as usize;
        ::std::ptr::copy(self.buckets.add(b as usize), self.buckets.add(b as usize + 1), tail);
        *self.buckets.add(b as usize) = FreeRange { pos, count };
        self.head += 1;
    }

    unsafe fn get(&mut self) -> i32 {
        if self.buckets.is_null() {
            if self.nbuckets == 0 {
                return -1;
            }
            self.nbuckets -= 1;
            let p = self.head;
            self.head += 1;
            return p;
        }
        if self.head == 0 {
            return -1;
        }
        let b = &mut *self.buckets.add(self.head as usize - 1);
        b.count -= 1;
        let p = b.pos + b.count;
        if b.count == 0 {
            self.head -= 1;
            if self.head < (self.nbuckets >> 1) {
                self.resize(self.nbuckets >> 1);
            }
        }
        p
    }
}

// ---------------------------------------------------------------------------
// The generic table.

/// A value slot: the key when it is a GC pointer (`hb`, `ho`; `()` otherwise) and the value.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Slot<K: Copy> {
    key: K,
    value: *mut vdynamic,
}

/// What differs between the four maps.
pub trait MapKind {
    /// The key as the natives take it.
    type Key: Copy;
    /// Per-slot data without pointers (int key or string hash; `()` for `ho`).
    type Entry: Copy;
    /// The key part of a value slot.
    type VKey: Copy;
    unsafe fn hash(key: Self::Key) -> u32;
    unsafe fn matches(m: &HMap<Self>, c: usize, key: Self::Key, hash: u32) -> bool
    where
        Self: Sized;
    unsafe fn key(m: &HMap<Self>, c: usize) -> Self::Key
    where
        Self: Sized;
    unsafe fn set_key(m: &HMap<Self>, c: usize, key: Self::Key, hash: u32)
    where
        Self: Sized;
    unsafe fn erase(m: &HMap<Self>, c: usize)
    where
        Self: Sized;
    /// The hash of slot `c`'s key (what `hash(key(m, c))` gives).
    #[inline(always)]
    unsafe fn stored_hash(m: &HMap<Self>, c: usize) -> u32
    where
        Self: Sized,
    {
        Self::hash(Self::key(m, c))
    }
    fn key_type() -> *mut hl_type;
}

/// A map (the `hl_int_map`, `hl_int64_map`, `hl_bytes_map`, `hl_obj_map` abstracts).
#[repr(C)]
pub struct HMap<K: MapKind> {
    cells: *mut u8,
    nexts: *mut u8,
    entries: *mut K::Entry,
    values: *mut Slot<K::VKey>,
    lfree: FreeList,
    ncells: i32,
    nentries: i32,
    maxentries: i32,
    /// `u64::MAX / ncells + 1`: `bucket` divides by `ncells` with two
    /// multiplications instead of a division (set with `ncells`).
    cells_recip: u64,
    _k: PhantomData<K>,
}

impl<K: MapKind> HMap<K> {
    unsafe fn alloc() -> *mut HMap<K> {
        // Zeroed RAW block: all fields null / 0.
        alloc_raw(size_of::<HMap<K>>()) as *mut HMap<K>
    }

    unsafe fn snapshot(&self) -> HMap<K> {
        ::std::ptr::read(self)
    }

    #[inline]
    unsafe fn index(&self, arr: *mut u8, i: i32) -> i32 {
        if self.maxentries < LIMIT {
            *(arr as *mut i8).add(i as usize) as i32
        } else {
            *(arr as *mut i32).add(i as usize)
        }
    }

    #[inline]
    unsafe fn set_index(&self, arr: *mut u8, i: i32, v: i32) {
        if self.maxentries < LIMIT {
            *(arr as *mut i8).add(i as usize) = v as i8;
        } else {
            *(arr as *mut i32).add(i as usize) = v;
        }
    }

    /// `hash % ncells` (what libhl computes), as Lemire's exact
    /// multiply-high remainder for 32-bit operands.
    #[inline]
    fn bucket(&self, hash: u32) -> i32 {
        let low = self.cells_recip.wrapping_mul(hash as u64);
        let b = ((low as u128 * self.ncells as u128) >> 64) as i32;
        debug_assert_eq!(b as u32, hash % self.ncells as u32);
        b
    }

    unsafe fn find(&self, key: K::Key) -> *mut *mut vdynamic {
        if self.values.is_null() {
            return null_mut();
        }
        let hash = K::hash(key);
        let mut c = self.index(self.cells, self.bucket(hash));
        while c >= 0 {
            if K::matches(self, c as usize, key, hash) {
                return &mut (*self.values.add(c as usize)).value;
            }
            c = self.index(self.nexts, c);
        }
        null_mut()
    }

    unsafe fn set_impl(&mut self, key: K::Key, value: *mut vdynamic) {
        let hash = K::hash(key);
        let mut ckey = 0;
        if !self.values.is_null() {
            ckey = self.bucket(hash);
            let mut c = self.index(self.cells, ckey);
            while c >= 0 {
                if K::matches(self, c as usize, key, hash) {
                    (*self.values.add(c as usize)).value = value;
                    return;
                }
                c = self.index(self.nexts, c);
            }
        }
        let mut c = self.lfree.get();
        if c < 0 {
            self.resize();
            ckey = self.bucket(hash);
            c = self.lfree.get();
        }
        self.link(c, ckey, key, hash, value);
    }

    /// Fills free slot `c` with the entry and puts it at the head of bucket
    /// `ckey`'s chain.
    #[inline(always)]
    unsafe fn link(&mut self, c: i32, ckey: i32, key: K::Key, hash: u32, value: *mut vdynamic) {
        K::set_key(self, c as usize, key, hash);
        let head = self.index(self.cells, ckey);
        self.set_index(self.nexts, c, head);
        self.set_index(self.cells, ckey, c);
        (*self.values.add(c as usize)).value = value;
        self.nentries += 1;
    }

    /// `set_impl` for a key known to be absent, with its hash known, and a
    /// free slot known to exist (re-insertion after a resize): the same slot
    /// and chain position, without the lookup or the re-hash.
    #[inline(always)]
    unsafe fn insert_absent(&mut self, key: K::Key, hash: u32, value: *mut vdynamic) {
        let ckey = self.bucket(hash);
        let c = self.lfree.get();
        debug_assert!(c >= 0);
        self.link(c, ckey, key, hash, value);
    }

    unsafe fn resize(&mut self) {
        let old = self.snapshot();
        if self.nentries != self.maxentries {
            raise_error("assert");
        }
        let nentries = if self.maxentries != 0 { ((self.maxentries * 3) + 1) >> 1 } else { H_SIZE_INIT };
        let want = nentries >> 2;
        let ncells = PRIMES.iter().copied().find(|&p| p >= want).unwrap_or(PRIMES[PRIMES.len() - 1]);
        let ksize = if nentries < LIMIT { 1 } else { 4 };
        let esize = size_of::<K::Entry>();
        let vsize = size_of::<Slot<K::VKey>>();
        self.entries = alloc_noptr(nentries as usize * esize) as *mut K::Entry;
        self.values = alloc_raw(nentries as usize * vsize) as *mut Slot<K::VKey>;
        self.maxentries = nentries;

        if old.ncells == ncells && (nentries < LIMIT || old.maxentries >= LIMIT) {
            // Same buckets: copy the slots and add the new ones to the free list.
            self.nexts = alloc_noptr(nentries as usize * ksize);
            let n = old.maxentries as usize;
            if esize > 0 {
                copy_nonoverlapping(old.entries as *const u8, self.entries as *mut u8, n * esize);
            }
            copy_nonoverlapping(old.values as *const u8, self.values as *mut u8, n * vsize);
            copy_nonoverlapping(old.nexts, self.nexts, n * ksize);
            self.lfree.add_range(old.maxentries, self.maxentries - old.maxentries);
        } else {
            // New buckets: re-insert every entry, bucket by bucket.
            self.cells = alloc_noptr((ncells + nentries) as usize * ksize);
            self.nexts = self.cells.add(ncells as usize * ksize);
            self.ncells = ncells;
            self.cells_recip = (u64::MAX / ncells as u64).wrapping_add(1);
            self.nentries = 0;
            write_bytes(self.cells, 0xFF, ncells as usize * ksize);
            self.lfree = FreeList::EMPTY;
            self.lfree.add_range(0, self.maxentries);
            for i in 0..old.ncells {
                let mut c = old.index(old.cells, i);
                while c >= 0 {
                    // Keys are distinct and `maxentries` grew: no lookup, no
                    // failed `lfree.get`; the stored hash spares re-hashing.
                    let cu = c as usize;
                    self.insert_absent(K::key(&old, cu), K::stored_hash(&old, cu), (*old.values.add(cu)).value);
                    c = old.index(old.nexts, c);
                }
            }
        }
    }

    unsafe fn remove(&mut self, key: K::Key) -> bool {
        if self.cells.is_null() {
            return false;
        }
        let hash = K::hash(key);
        let ckey = self.bucket(hash);
        let mut c = self.index(self.cells, ckey);
        let mut prev = -1;
        while c >= 0 {
            if K::matches(self, c as usize, key, hash) {
                self.lfree.add_range(c, 1);
                self.nentries -= 1;
                K::erase(self, c as usize);
                (*self.values.add(c as usize)).value = null_mut();
                let next = self.index(self.nexts, c);
                if prev >= 0 {
                    self.set_index(self.nexts, prev, next);
                } else {
                    self.set_index(self.cells, ckey, next);
                }
                return true;
            }
            prev = c;
            c = self.index(self.nexts, c);
        }
        false
    }

    /// Calls `f(slot)` for every entry in iteration order.
    unsafe fn each(&self, mut f: impl FnMut(usize)) {
        for i in 0..self.ncells {
            let mut c = self.index(self.cells, i);
            while c >= 0 {
                f(c as usize);
                c = self.index(self.nexts, c);
            }
        }
    }

    unsafe fn keys(&self) -> *mut varray {
        let a = hl_alloc_array(K::key_type(), self.nentries);
        let out = varray::data(a) as *mut K::Key;
        let mut p = 0;
        self.each(|c| {
            out.add(p).write_unaligned(K::key(self, c));
            p += 1;
        });
        a
    }

    unsafe fn values(&self) -> *mut varray {
        let a = hl_alloc_array(hlt_dyn.get(), self.nentries);
        let out = varray::data(a) as *mut *mut vdynamic;
        let mut p = 0;
        self.each(|c| {
            *out.add(p) = (*self.values.add(c)).value;
            p += 1;
        });
        a
    }

    unsafe fn clear(&mut self) {
        write_bytes(self as *mut HMap<K> as *mut u8, 0, size_of::<HMap<K>>());
    }
}

// ---------------------------------------------------------------------------
// The four key kinds.

pub enum IntKeys {}
pub enum Int64Keys {}
pub enum BytesKeys {}
pub enum ObjKeys {}

impl MapKind for IntKeys {
    type Key = i32;
    type Entry = i32;
    type VKey = ();
    unsafe fn hash(key: i32) -> u32 {
        key as u32
    }
    unsafe fn matches(m: &HMap<Self>, c: usize, key: i32, _: u32) -> bool {
        *m.entries.add(c) == key
    }
    unsafe fn key(m: &HMap<Self>, c: usize) -> i32 {
        *m.entries.add(c)
    }
    unsafe fn set_key(m: &HMap<Self>, c: usize, key: i32, _: u32) {
        *m.entries.add(c) = key;
    }
    unsafe fn erase(_: &HMap<Self>, _: usize) {}
    fn key_type() -> *mut hl_type {
        hlt_i32.get()
    }
}

impl MapKind for Int64Keys {
    type Key = i64;
    type Entry = i64;
    type VKey = ();
    unsafe fn hash(key: i64) -> u32 {
        (key as u32) ^ ((key >> 32) as u32)
    }
    unsafe fn matches(m: &HMap<Self>, c: usize, key: i64, _: u32) -> bool {
        *m.entries.add(c) == key
    }
    unsafe fn key(m: &HMap<Self>, c: usize) -> i64 {
        *m.entries.add(c)
    }
    unsafe fn set_key(m: &HMap<Self>, c: usize, key: i64, _: u32) {
        *m.entries.add(c) = key;
    }
    unsafe fn erase(_: &HMap<Self>, _: usize) {}
    fn key_type() -> *mut hl_type {
        hlt_i64.get()
    }
}

impl MapKind for BytesKeys {
    type Key = *mut uchar;
    /// The key's hash.
    type Entry = u32;
    type VKey = *mut uchar;
    unsafe fn hash(key: *mut uchar) -> u32 {
        bytes::hash_ucs2(key) as u32
    }
    unsafe fn matches(m: &HMap<Self>, c: usize, key: *mut uchar, hash: u32) -> bool {
        *m.entries.add(c) == hash && ucs2::ucmp((*m.values.add(c)).key, key) == 0
    }
    unsafe fn key(m: &HMap<Self>, c: usize) -> *mut uchar {
        (*m.values.add(c)).key
    }
    unsafe fn set_key(m: &HMap<Self>, c: usize, key: *mut uchar, hash: u32) {
        *m.entries.add(c) = hash;
        (*m.values.add(c)).key = key;
    }
    unsafe fn erase(m: &HMap<Self>, c: usize) {
        (*m.values.add(c)).key = null_mut();
    }
    #[inline(always)]
    unsafe fn stored_hash(m: &HMap<Self>, c: usize) -> u32 {
        *m.entries.add(c)
    }
    fn key_type() -> *mut hl_type {
        hlt_bytes.get()
    }
}

impl MapKind for ObjKeys {
    type Key = *mut vdynamic;
    type Entry = ();
    type VKey = *mut vdynamic;
    unsafe fn hash(key: *mut vdynamic) -> u32 {
        key as usize as u32
    }
    unsafe fn matches(m: &HMap<Self>, c: usize, key: *mut vdynamic, _: u32) -> bool {
        (*m.values.add(c)).key == key
    }
    unsafe fn key(m: &HMap<Self>, c: usize) -> *mut vdynamic {
        (*m.values.add(c)).key
    }
    unsafe fn set_key(m: &HMap<Self>, c: usize, key: *mut vdynamic, _: u32) {
        (*m.values.add(c)).key = key;
    }
    unsafe fn erase(m: &HMap<Self>, c: usize) {
        (*m.values.add(c)).key = null_mut();
    }
    fn key_type() -> *mut hl_type {
        hlt_dyn.get()
    }
}

/// The key an object map really stores: the value behind a virtual, the raw
/// pointer inside a boxed bytes/type/abstract/ref.
unsafe fn obj_filter(key: *mut vdynamic) -> *mut vdynamic {
    if key.is_null() {
        return key;
    }
    match (*(*key).t).kind {
        kind::HVIRTUAL => super::virtual_make_value(key.cast()),
        kind::HBYTES | kind::HTYPE | kind::HABSTRACT | kind::HREF => (*key).v.ptr.cast(),
        _ => key,
    }
}

macro_rules! map_natives {
    ($kind:ty, $key:ty, $filter:path,
     $alloc:ident, $set:ident, $exists:ident, $get:ident, $remove:ident,
     $keys:ident, $values:ident, $clear:ident, $size:ident) => {
        #[no_mangle]
        pub unsafe extern "C" fn $alloc() -> *mut HMap<$kind> {
            HMap::<$kind>::alloc()
        }
        #[no_mangle]
        pub unsafe extern "C" fn $set(m: *mut HMap<$kind>, key: $key, value: *mut vdynamic) {
            (*m).set_impl($filter(key), value)
        }
        #[no_mangle]
        pub unsafe extern "C" fn $exists(m: *mut HMap<$kind>, key: $key) -> bool {
            !(*m).find($filter(key)).is_null()
        }
        #[no_mangle]
        pub unsafe extern "C" fn $get(m: *mut HMap<$kind>, key: $key) -> *mut vdynamic {
            let v = (*m).find($filter(key));
            if v.is_null() {
                null_mut()
            } else {
                *v
            }
        }
        #[no_mangle]
        pub unsafe extern "C" fn $remove(m: *mut HMap<$kind>, key: $key) -> bool {
            (*m).remove($filter(key))
        }
        #[no_mangle]
        pub unsafe extern "C" fn $keys(m: *mut HMap<$kind>) -> *mut varray {
            (*m).keys()
        }
        #[no_mangle]
        pub unsafe extern "C" fn $values(m: *mut HMap<$kind>) -> *mut varray {
            (*m).values()
        }
        #[no_mangle]
        pub unsafe extern "C" fn $clear(m: *mut HMap<$kind>) {
            (*m).clear()
        }
        #[no_mangle]
        pub unsafe extern "C" fn $size(m: *mut HMap<$kind>) -> i32 {
            (*m).nentries
        }
    };
}

#[inline]
fn same<T>(k: T) -> T {
    k
}

map_natives!(
    IntKeys,
    i32,
    same,
    hl_hialloc,
    hl_hiset,
    hl_hiexists,
    hl_higet,
    hl_hiremove,
    hl_hikeys,
    hl_hivalues,
    hl_hiclear,
    hl_hisize
);
map_natives!(
    Int64Keys,
    i64,
    same,
    hl_hi64alloc,
    hl_hi64set,
    hl_hi64exists,
    hl_hi64get,
    hl_hi64remove,
    hl_hi64keys,
    hl_hi64values,
    hl_hi64clear,
    hl_hi64size
);
map_natives!(
    BytesKeys,
    *mut uchar,
    same,
    hl_hballoc,
    hl_hbset,
    hl_hbexists,
    hl_hbget,
    hl_hbremove,
    hl_hbkeys,
    hl_hbvalues,
    hl_hbclear,
    hl_hbsize
);
map_natives!(
    ObjKeys,
    *mut vdynamic,
    obj_filter,
    hl_hoalloc,
    hl_hoset,
    hl_hoexists,
    hl_hoget,
    hl_horemove,
    hl_hokeys,
    hl_hovalues,
    hl_hoclear,
    hl_hosize
);
