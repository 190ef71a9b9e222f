//! `regexp_*` natives: matching on UTF-16 in place (positions in UTF-16
//! units), the shared cache of compiled patterns, subjects with lone
//! surrogates, and one pattern used from several threads at once.

use hlrt::abi::*;
use hlrt::std::regexp::*;

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The tests keep GC pointers in Rust memory the collector does not scan, and
/// run one at a time (they count the patterns in the shared cache).
fn no_gc() -> std::sync::MutexGuard<'static, ()> {
    hlrt::gc::hl_gc_enable(false);
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A NUL-terminated UTF-16 string in Rust memory (natives only read it).
fn w(s: &str) -> Vec<u16> {
    s.encode_utf16().chain([0]).collect()
}

fn re(pattern: &str, opts: &str) -> *mut Ereg {
    let (p, o) = (w(pattern), w(opts));
    let e = unsafe { hl_regexp_new_options(p.as_ptr() as *mut vbyte, o.as_ptr() as *mut vbyte) };
    assert!(!e.is_null(), "{pattern} /{opts}");
    e
}

/// Matches `s[pos..pos+len]` and gives (start, length) of each group (-1, 0 when unset).
fn find(e: *mut Ereg, s: &[u16], pos: i32, len: i32) -> Option<Vec<(i32, i32)>> {
    unsafe {
        if !hl_regexp_match(e, s.as_ptr() as *mut vbyte, pos, len) {
            assert_eq!(hl_regexp_matched_num(e), -1);
            return None;
        }
        let n = hl_regexp_matched_num(e);
        Some(
            (0..n)
                .map(|g| {
                    let mut l = 0;
                    let p = hl_regexp_matched_pos(e, g, &mut l);
                    (p, l)
                })
                .collect(),
        )
    }
}

fn units(s: &[u16]) -> i32 {
    s.len() as i32 - 1
}

#[test]
fn positions_are_utf16_units() {
    let _s = no_gc();
    let s = w("naïve 😀 café 😀😀 end");
    let n = units(&s);
    assert_eq!(find(re("😀+", ""), &s, 0, n), Some(vec![(6, 2)]));
    assert_eq!(find(re("😀+", ""), &s, 7, n - 7), Some(vec![(14, 4)]));
    assert_eq!(find(re("(é)|(ï)", ""), &s, 0, n), Some(vec![(2, 1), (-1, 0), (2, 1)]));
    assert_eq!(find(re("\\w+$", ""), &s, 0, n), Some(vec![(19, 3)]));
    assert_eq!(find(re("CAFÉ", "i"), &s, 0, n), Some(vec![(9, 4)]));
    // The search stops at pos + len.
    assert_eq!(find(re("end", ""), &s, 0, n - 1), None);
    assert_eq!(find(re("^b$", "m"), &w("a\nb\nc"), 0, 5), Some(vec![(2, 1)]));
    unsafe {
        let o = w("x");
        assert!(hl_regexp_new_options(w("a").as_ptr() as *mut vbyte, o.as_ptr() as *mut vbyte).is_null(), "unknown option");
    }
}

#[test]
fn literals_share_one_compiled_pattern() {
    let _s = no_gc();
    let pat = "shared-literal-(\\d+)";
    let s = w("xx shared-literal-42");
    let first = re(pat, "");
    let n0 = cached_patterns();
    for _ in 0..1000 {
        let e = re(pat, "");
        assert_eq!(find(e, &s, 0, units(&s)), Some(vec![(3, 17), (18, 2)]));
    }
    assert_eq!(cached_patterns(), n0, "the same pattern and options compile once");
    // Different options are a different pattern.
    re(pat, "i");
    assert!(cached_patterns() <= CACHE_SIZE);
    // The cache stays bounded; ERegs keep their patterns alive after eviction.
    for i in 0..CACHE_SIZE + 100 {
        re(&format!("distinct{i}"), "");
    }
    let n = cached_patterns();
    assert!((CACHE_SIZE * 3 / 4..=CACHE_SIZE).contains(&n), "{n} cached");
    assert_eq!(find(first, &s, 0, units(&s)), Some(vec![(3, 17), (18, 2)]));
}

#[test]
fn lone_surrogates_are_matched_safely() {
    let _s = no_gc();
    // A lone high surrogate, a lone low surrogate, one at the very end.
    let s: Vec<u16> = [0x61, 0xD800, 0x62, 0xDC00, 0x63, 0xD83D].into_iter().chain([0]).collect();
    let n = units(&s);
    assert_eq!(find(re("b", ""), &s, 0, n), Some(vec![(2, 1)]));
    assert_eq!(find(re("c", ""), &s, 0, n), Some(vec![(4, 1)]));
    assert_eq!(find(re("c$", ""), &s, 0, n - 1), Some(vec![(4, 1)]));
    // Every match attempt terminates and reports positions inside the
    // subject, with the interpreter and (after enough work) the JIT.
    let long = w(&"z".repeat(40_000));
    for p in [".", ".+", "[^a]", "\\X", "(?s).*$", "\\p{L}+"] {
        let mut results = Vec::new();
        for round in 0..2 {
            let e = re(p, "");
            assert_eq!(unsafe { is_jit_compiled(e) }, round == 1, "{p}");
            for start in 0..=n {
                let g = find(e, &s, start, n - start);
                if let Some(g) = &g {
                    assert!(g[0].0 >= start && g[0].0 + g[0].1 <= n, "{p} from {start}: {g:?}");
                }
                results.push(g);
            }
            if round == 0 {
                find(e, &long, 0, units(&long));
                find(e, &long, 0, units(&long));
            }
            assert!(unsafe { is_jit_compiled(e) }, "{p}: JIT-compiled after matching 80k units");
        }
        let (interp, jit) = results.split_at(results.len() / 2);
        assert_eq!(interp, jit, "{p}: the JIT and the interpreter agree");
    }
}

#[test]
fn one_pattern_matched_from_several_threads() {
    let _s = no_gc();
    let subject = w(&"abc 123 ".repeat(5000));
    let n = units(&subject);
    std::thread::scope(|sc| {
        for t in 0..4 {
            let subject = &subject;
            sc.spawn(move || {
                for i in 0..200 {
                    let e = re("(\\d+) $", "");
                    let start: i32 = (i * 8 + t) % 1000;
                    assert_eq!(find(e, subject, start, n - start), Some(vec![(n - 4, 4), (n - 4, 3)]));
                }
            });
        }
    });
}
