//! libhl entry points native libraries and embedders call beyond the
//! natives: run-time type layout (`hl_init_virtual`, `hl_init_enum`), malloc
//! arenas, UTF-16 printf and formatted errors, GUID text, GC introspection
//! and the global lock, the name cache, fatal errors.

mod obj_support;
use hlrt::abi::kind::*;
use hlrt::abi::*;
use hlrt::arena::*;
use obj_support::*;
use std::ffi::c_void;
use std::process::Command;
use std::ptr::null_mut;

extern "C" {
    fn usprintf(out: *mut u16, out_size: i32, fmt: *const u16, ...) -> i32;
    fn hl_alloc_strbytes(fmt: *const u16, ...) -> *mut vdynamic;
    fn hl_fatal_fmt(file: *const i8, line: i32, fmt: *const i8, ...);
}

fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

/// `hl_init_virtual` and `hl_init_enum`, run on copies of the types of real
/// programs, lay them out exactly as the loader did from the bytecode.
#[test]
fn runtime_type_layout_agrees_with_the_loader() {
    no_gc();
    let mut virtuals = 0;
    let mut enums = 0;
    for name in ["structural", "enum_values", "dynamic_objects", "enum_tree", "json_roundtrip"] {
        let p = load_fake(name);
        let mut ctx: hl_module_context = unsafe { std::mem::zeroed() };
        for (i, t) in p.main.module.types.iter().enumerate() {
            let orig = p.main.ty(hlbc::TypeIdx(i as u32));
            unsafe {
                match t {
                    hlbc::Type::Virtual(_) => {
                        let ov = &*(*orig).virt();
                        let copy = leak(hl_type_virtual { fields: ov.fields, nfields: ov.nfields, data_size: 0, indexes: null_mut(), lookup: null_mut() });
                        let mut nt = hl_type::new(HVIRTUAL);
                        nt.data = copy.cast();
                        let nt = leak(nt);
                        hlrt::std::obj::hl_init_virtual(nt, &mut ctx);
                        let n = ov.nfields as usize;
                        assert_eq!((*copy).data_size, ov.data_size, "{name} type {i}");
                        for f in 0..n {
                            assert_eq!(*(*copy).indexes.add(f), *ov.indexes.add(f), "{name} type {i} field {f}");
                            let (a, b) = (&*(*copy).lookup.add(f), &*ov.lookup.add(f));
                            assert_eq!((a.hashed_name, a.t, a.field_index), (b.hashed_name, b.t, b.field_index));
                        }
                        let size = 24 + 8 * n as i32 + ov.data_size;
                        let words = ((size as usize).div_ceil(8)).div_ceil(32).max(1);
                        for w in 0..words {
                            assert_eq!(*(*nt).mark_bits.add(w), *(*orig).mark_bits.add(w), "{name} type {i} mark word {w}");
                        }
                        virtuals += 1;
                    }
                    hlbc::Type::Enum(_) => {
                        let oe = &*(*orig).tenum();
                        let n = oe.nconstructs as usize;
                        let cs: Vec<hl_enum_construct> = (0..n)
                            .map(|k| {
                                let c = &*oe.constructs.add(k);
                                hl_enum_construct {
                                    name: c.name,
                                    nparams: c.nparams,
                                    params: c.params,
                                    size: 0,
                                    hasptr: false,
                                    offsets: leak_slice(&vec![0i32; c.nparams as usize + 1]),
                                }
                            })
                            .collect();
                        let copy = leak(hl_type_enum { name: oe.name, nconstructs: oe.nconstructs, constructs: Box::leak(cs.into_boxed_slice()).as_mut_ptr(), global_value: null_mut() });
                        let mut nt = hl_type::new(HENUM);
                        nt.data = copy.cast();
                        let nt = leak(nt);
                        hlrt::std::enums::hl_init_enum(nt, &mut ctx);
                        let mut rows = 0;
                        for k in 0..n {
                            let (a, b) = (&*(*copy).constructs.add(k), &*oe.constructs.add(k));
                            assert_eq!((a.size, a.hasptr), (b.size, b.hasptr), "{name} enum {i} construct {k}");
                            for j in 0..a.nparams as usize {
                                assert_eq!(*a.offsets.add(j), *b.offsets.add(j));
                            }
                            if a.hasptr {
                                rows = rows.max(k + ((a.size as usize - 16).div_ceil(8)).div_ceil(32));
                            }
                        }
                        assert_eq!((*nt).mark_bits.is_null(), (*orig).mark_bits.is_null(), "{name} enum {i}");
                        for w in 0..rows {
                            assert_eq!(*(*nt).mark_bits.add(w), *(*orig).mark_bits.add(w), "{name} enum {i} row {w}");
                        }
                        enums += 1;
                    }
                    _ => {}
                }
            }
        }
        unsafe { hl_free(std::ptr::addr_of_mut!(ctx.alloc).cast()) };
    }
    assert!(virtuals >= 5 && enums >= 5, "{virtuals} virtuals, {enums} enums");
}

/// Arenas: aligned, zeroed on request, one block per large request, and
/// empty again after `hl_free`, even when the arena lives in its own block.
#[test]
fn malloc_arenas() {
    unsafe {
        let mut a = hl_alloc { cur: null_mut() };
        hl_alloc_init(&mut a);
        assert!(hl_malloc(&mut a, 0).is_null());
        let mut seen = Vec::new();
        for size in [1, 3, 8, 13, 100, 5000, 7] {
            let p = hl_zalloc(&mut a, size) as *mut u8;
            assert_eq!(p as usize % 8, 0);
            assert!((0..size as usize).all(|i| *p.add(i) == 0));
            std::ptr::write_bytes(p, 0xEE, size as usize);
            seen.push((p as usize, size as usize));
        }
        seen.sort();
        assert!(seen.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0), "overlapping blocks");
        hl_free(&mut a);
        assert!(a.cur.is_null());

        // The arena structure allocated from itself: freed with it, not written after.
        let mut tmp = hl_alloc { cur: null_mut() };
        let inner = hl_malloc(&mut tmp, std::mem::size_of::<hl_alloc>() as i32) as *mut hl_alloc;
        (*inner).cur = tmp.cur;
        hl_malloc(inner, 64);
        hl_free(inner);
    }
}

fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().chain([0]).collect()
}

/// `usprintf`: the conversions libhl supports, into a bounded UTF-16 buffer.
#[test]
fn utf16_printf() {
    no_gc();
    unsafe {
        let mut buf = [0u16; 128];
        let name = utf16("wörld");
        let fmt = utf16("%d|%5d|%-3d|%ld|%x|%X|%lx|%.2f|%g|%s|%c");
        let n = usprintf(buf.as_mut_ptr(), 128, fmt.as_ptr(), -7i32, 42i32, 5i32, 1i64 << 40, 255u32, 255u32, 0x00de_adbe_ef00_usize, 1.23456f64, 0.5f64, name.as_ptr(), 'é' as i32);
        let text = String::from_utf16(&buf[..n as usize]).unwrap();
        assert_eq!(text, "-7|   42|5  |1099511627776|ff|FF|deadbeef00|1.23|0.5|wörld|é");
        assert_eq!(buf[n as usize], 0);
        // Truncated to the buffer, NUL included.
        let n = usprintf(buf.as_mut_ptr(), 6, utf16("%s-%d").as_ptr(), name.as_ptr(), 12345i32);
        assert_eq!((n, String::from_utf16(&buf[..5]).unwrap()), (5, "wörld".to_string()));
        assert_eq!(buf[5], 0);
        // hl_error's value: a dynamic holding UTF-16 bytes.
        let d = hl_alloc_strbytes(utf16("error %d in %s").as_ptr(), 3i32, name.as_ptr());
        assert_eq!((*d).t, hlt_bytes.get());
        assert_eq!(s((*d).v.ptr as *const u16), "error 3 in wörld");
        let long = "x".repeat(1000);
        let d = hl_alloc_strbytes(utf16("<%s>").as_ptr(), utf16(&long).as_ptr());
        assert_eq!(s((*d).v.ptr as *const u16), format!("<{long}>"));
    }
}

/// `hl_guid_str`: the registered name, else 11 base-64 digits with dashes.
#[test]
fn guid_text() {
    no_gc();
    unsafe {
        let mut buf = [0u16; 14];
        let g: i64 = 0x0123_4567_89AB_CDEF;
        let text = s(hlrt::std::debug::hl_guid_str(g, buf.as_mut_ptr()));
        assert_eq!(text, hlrt::std::tostring::guid_str(g));
        assert_eq!((text.len(), &text[4..5], &text[9..10]), (13, "-", "-"));
        assert_eq!(s(hlrt::std::debug::hl_guid_str(0, buf.as_mut_ptr())), "0");
        hlrt::std::debug::hl_register_guid_name(g, u("Player") as *mut u8);
        assert_eq!(s(hlrt::std::debug::hl_guid_str(g, buf.as_mut_ptr())), "Player");
        hlrt::std::debug::hl_register_guid_name(g, null_mut());
    }
}

/// GC introspection and the exclusive lock.
#[test]
fn gc_threads_pages_and_global_lock() {
    no_gc();
    let top = 0usize;
    hlrt::gc::register_thread(&top as *const usize as *mut c_void);
    unsafe {
        let info = hlrt::gc::global::hl_gc_threads_info();
        let me = hlrt::gc::hl_get_thread();
        let threads = std::slice::from_raw_parts((*info).threads, (*info).count as usize);
        assert!(threads.contains(&me));
        assert!(!(*info).exclusive_lock.is_null());

        let block = hlrt::gc::hl_gc_alloc_gen(hlt_bytes.get(), 40, mem::KIND_NOPTR);
        assert!(!hlrt::gc::global::hl_gc_get_page(block).is_null());
        assert_eq!(hlrt::gc::global::hl_gc_get_page((block as *mut u8).add(8).cast()), hlrt::gc::global::hl_gc_get_page(block));
        assert!(hlrt::gc::global::hl_gc_get_page(&top as *const usize as *mut c_void).is_null());
        assert_eq!(hlrt::gc::global::hl_gc_get_mark_threads(null_mut()), 0);

        // Recursive for its holder; another thread waits until it is released.
        hlrt::gc::global::hl_global_lock(true);
        hlrt::gc::global::hl_global_lock(true);
        hlrt::gc::global::hl_global_lock(false);
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let d2 = done.clone();
        let t = std::thread::spawn(move || {
            hlrt::gc::global::hl_global_lock(true);
            d2.store(true, std::sync::atomic::Ordering::SeqCst);
            hlrt::gc::global::hl_global_lock(false);
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!done.load(std::sync::atomic::Ordering::SeqCst), "the lock did not exclude another thread");
        hlrt::gc::global::hl_global_lock(false);
        t.join().unwrap();
        assert!(done.load(std::sync::atomic::Ordering::SeqCst));
    }
}

/// Cases that end the process or reset process-wide state run in a child.
#[test]
fn child() {
    let Ok(case) = std::env::var("HLRT_LIBHL_CHILD") else { return };
    unsafe {
        match case.as_str() {
            "fatal" => {
                hl_fatal_fmt(c"lib.c".as_ptr(), 12, c"bad value %d (%s)".as_ptr(), 7i32, c"seven".as_ptr());
            }
            "cache" => {
                let name = u("someCachedName");
                let h = hlrt::std::bytes::hl_hash_gen(name, true);
                print!("{}|", s(hlrt::std::bytes::hl_field_name(h) as *const u16));
                hlrt::std::bytes::hl_cache_free();
                print!("{}", s(hlrt::std::bytes::hl_field_name(h) as *const u16));
            }
            _ => panic!("unknown case {case}"),
        }
    }
}

fn run_child(case: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env("HLRT_LIBHL_CHILD", case)
        .output()
        .unwrap()
}

/// `hl_fatal_fmt` prints HashLink's report on stdout and exits with 1.
#[test]
fn fatal_errors() {
    let out = run_child("fatal");
    assert!(String::from_utf8_lossy(&out.stdout).contains("lib.c(12) : FATAL ERROR : bad value 7 (seven)\n"), "{out:?}");
    assert_eq!(out.status.code(), Some(1));
}

/// `hl_cache_free` forgets the recorded field names.
#[test]
fn name_cache_is_freed() {
    let out = run_child("cache");
    assert!(String::from_utf8_lossy(&out.stdout).contains("someCachedName|???"), "{out:?}");
}
