//! `sqlite` natives (libs/sqlite) on a real database file in a temporary
//! directory: typed columns and libhl's value conversions, NULLs, changed-row
//! counts, last insert id, transactions, reopening, and the errors thrown
//! (checked in child processes, where an error prints `Uncaught exception`).

use hlrt::abi::*;
use hlrt::libs::sqlite::*;
use hlrt::std::ucs2::{ucs2_from_str, ucs2_to_string};
use std::path::PathBuf;
use std::process::Command;

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

fn u(s: &str) -> *mut vbyte {
    unsafe { ucs2_from_str(s).cast() }
}

/// A fresh directory for one test's database.
fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hlrt-sqlite-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A row value as the tests compare it.
#[derive(Debug, PartialEq, Clone)]
enum V {
    Null,
    Int(i32),
    Bool(bool),
    Float(f64),
    Text(String),
    Blob(Vec<u8>),
}

unsafe fn value(d: *mut vdynamic) -> V {
    if d.is_null() {
        return V::Null;
    }
    let t = (*d).t;
    if t == hlt_i32.get() {
        V::Int((*d).v.i)
    } else if t == hlt_bool.get() {
        V::Bool((*d).v.b)
    } else if t == hlt_f64.get() {
        V::Float((*d).v.d)
    } else if t == hlt_bytes.get() {
        V::Text(ucs2_to_string((*d).v.ptr as *const u16))
    } else {
        // A blob: the array [bytes, length] itself.
        let a = d as *mut varray;
        assert_eq!((*a).t, hlt_array.get());
        assert_eq!((*a).at, hlt_dyn.get());
        assert_eq!((*a).size, 2);
        let items = varray::data(a) as *mut *mut vdynamic;
        let (b, n) = (*items, *items.add(1));
        assert_eq!((*b).t, hlt_bytes.get());
        assert_eq!((*n).t, hlt_i32.get());
        let len = (*n).v.i as usize;
        let bytes = std::slice::from_raw_parts((*b).v.ptr as *const u8, len + 1);
        assert_eq!(bytes[len], 0);
        V::Blob(bytes[..len].to_vec())
    }
}

unsafe fn next_row(r: *mut SqliteResult) -> Option<Vec<V>> {
    let a = sqlite_result_next(r);
    if a.is_null() {
        return None;
    }
    assert_eq!((*a).at, hlt_dyn.get());
    let items = varray::data(a) as *mut *mut vdynamic;
    Some((0..(*a).size as usize).map(|i| value(*items.add(i))).collect())
}

unsafe fn rows(db: *mut SqliteDatabase, sql: &str) -> Vec<Vec<V>> {
    let r = sqlite_request(db, u(sql));
    let mut out = Vec::new();
    while let Some(row) = next_row(r) {
        out.push(row);
    }
    out
}

/// Runs a statement without result columns; the rows it changed.
unsafe fn exec(db: *mut SqliteDatabase, sql: &str) -> i32 {
    let r = sqlite_request(db, u(sql));
    assert!(next_row(r).is_none());
    let n = sqlite_result_get_length(r);
    assert!(!n.is_null());
    (*n).v.i
}

unsafe fn fields(r: *mut SqliteResult) -> Vec<String> {
    let a = sqlite_result_get_fields(r);
    let p = varray::data(a) as *mut *mut u16;
    (0..(*a).size as usize)
        .map(|i| {
            let s = *p.add(i);
            if s.is_null() {
                "<null>".into()
            } else {
                ucs2_to_string(s)
            }
        })
        .collect()
}

fn text(s: &str) -> V {
    V::Text(s.into())
}

#[test]
fn typed_columns_nulls_counts_and_ids() {
    no_gc();
    let dir = temp_dir("typed");
    let file = dir.join("test.db");
    unsafe {
        let db = sqlite_connect(u(file.to_str().unwrap()));
        assert!(file.exists());
        assert_eq!(
            exec(
                db,
                "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, score REAL, flag BOOL, \
                 data BLOB, big INTEGER, b2 boolean)"
            ),
            0
        );
        assert_eq!(sqlite_last_id(db), 0);
        assert_eq!(
            exec(db, "INSERT INTO t (name, score, flag, data, big, b2) VALUES ('alpha', 1.5, 1, x'00ff41', 1099511627781, 1)"),
            1
        );
        assert_eq!(sqlite_last_id(db), 1);
        exec(db, "INSERT INTO t (name, score, flag, data, big) VALUES ('h\u{e9}llo \u{20ac}\u{1F600}', -0.25, 0, x'20', -3)");
        exec(db, "INSERT INTO t (name) VALUES (NULL)");
        exec(db, "INSERT INTO t (name, flag, score) VALUES ('it''s', 256, 7)");
        assert_eq!(sqlite_last_id(db), 4);

        let r = sqlite_request(db, u("SELECT * FROM t ORDER BY id"));
        assert_eq!(sqlite_result_get_nfields(r), 7);
        assert!(sqlite_result_get_length(r).is_null());
        assert_eq!(fields(r), ["id", "name", "score", "flag", "data", "big", "b2"]);
        let got: Vec<Vec<V>> = std::iter::from_fn(|| next_row(r)).collect();
        assert_eq!(
            got,
            vec![
                vec![V::Int(1), text("alpha"), V::Float(1.5), V::Bool(true), V::Blob(vec![0, 0xff, 0x41]), V::Int(5), V::Int(1)],
                vec![
                    V::Int(2),
                    text("h\u{e9}llo \u{20ac}\u{1F600}"),
                    V::Float(-0.25),
                    V::Bool(false),
                    V::Blob(vec![0x20]),
                    V::Int(-3),
                    V::Null
                ],
                vec![V::Int(3), V::Null, V::Null, V::Null, V::Null, V::Null, V::Null],
                // A BOOL column boxes the int's first byte, as libhl does (256 -> false);
                // an integer value in a REAL column is stored as REAL.
                vec![V::Int(4), text("it's"), V::Float(7.0), V::Bool(false), V::Null, V::Null, V::Null],
            ]
        );
        // Finished: the statement is finalized, further calls give null.
        assert!(next_row(r).is_none());
        assert!(sqlite_result_get(r, 0).is_null());
        assert_eq!(fields(r), ["<null>"; 7]);

        // Typed getters fetch the first row themselves.
        let r = sqlite_request(db, u("SELECT name, big, score, 'x' || id FROM t WHERE id = 1"));
        assert_eq!(ucs2_to_string(sqlite_result_get(r, 0) as *const u16), "alpha");
        assert_eq!((*sqlite_result_get_int(r, 1)).v.i, 5);
        assert_eq!((*sqlite_result_get_float(r, 2)).v.d, 1.5);
        assert_eq!((*sqlite_result_get_int(r, 0)).v.i, 0);
        assert_eq!(ucs2_to_string(sqlite_result_get(r, 1) as *const u16), "1099511627781");
        assert!(sqlite_result_get(r, 7).is_null());
        assert!(sqlite_result_get_int(r, -1).is_null());
        assert!(next_row(r).is_none());
        assert!(sqlite_result_get_float(r, 0).is_null());

        // Changed-row counts; an unfinished SELECT is finalized by the next request.
        let pending = sqlite_request(db, u("SELECT id FROM t"));
        assert_eq!(next_row(pending), Some(vec![V::Int(1)]));
        assert_eq!(exec(db, "UPDATE t SET score = 2 WHERE id > 1"), 3);
        assert!(next_row(pending).is_none());
        assert_eq!(exec(db, "DELETE FROM t WHERE name IS NULL"), 1);
        // An empty request: no statement, no rows.
        let r = sqlite_request(db, u(""));
        assert!(next_row(r).is_none());
        assert_eq!(sqlite_result_get_nfields(r), 0);
        sqlite_close(db);
        sqlite_close(db); // closing twice is harmless
    }
    // The file holds the data: reopen it.
    unsafe {
        let db = sqlite_connect(u(file.to_str().unwrap()));
        assert_eq!(
            rows(db, "SELECT id, score FROM t ORDER BY id"),
            vec![vec![V::Int(1), V::Float(1.5)], vec![V::Int(2), V::Float(2.0)], vec![V::Int(4), V::Float(2.0)]]
        );
        sqlite_close(db);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn transactions_and_constraints() {
    no_gc();
    let dir = temp_dir("tx");
    let file = dir.join("tx.db");
    unsafe {
        let db = sqlite_connect(u(file.to_str().unwrap()));
        exec(db, "CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
        exec(db, "BEGIN TRANSACTION");
        exec(db, "INSERT INTO k (v) VALUES ('a')");
        exec(db, "INSERT INTO k (v) VALUES ('b')");
        exec(db, "ROLLBACK");
        assert_eq!(rows(db, "SELECT COUNT(*) FROM k"), vec![vec![V::Int(0)]]);
        exec(db, "BEGIN");
        exec(db, "INSERT INTO k (v) VALUES ('a')");
        exec(db, "COMMIT");
        assert_eq!(rows(db, "SELECT v FROM k"), vec![vec![text("a")]]);
        // A constraint failure ends the statement silently (libhl only throws
        // for SQLITE_ERROR and SQLITE_BUSY); nothing is inserted.
        let r = sqlite_request(db, u("INSERT INTO k (v) VALUES ('a')"));
        assert!(next_row(r).is_none());
        assert_eq!(rows(db, "SELECT COUNT(*) FROM k"), vec![vec![V::Int(1)]]);
        // Foreign keys are off, as in stock SQLite builds.
        exec(db, "CREATE TABLE c (p INTEGER REFERENCES k(id))");
        exec(db, "INSERT INTO c VALUES (42)");
        assert_eq!(rows(db, "SELECT p FROM c"), vec![vec![V::Int(42)]]);
        sqlite_close(db);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// In a child process (the GC is process-global): connections and results left
/// to the GC are closed by their finalizers.
fn gc_child(file: &std::path::Path) {
    use std::ffi::c_void;
    hlrt::gc::init();
    let top = 0usize;
    hlrt::gc::hl_register_thread(std::hint::black_box(&top) as *const usize as *mut c_void);
    hlrt::gc::hl_gc_enable(false);
    let handles = open_and_drop(file);
    clobber_stack();
    hlrt::gc::hl_gc_enable(true);
    hlrt::gc::collect();
    hlrt::gc::run_pending_finalizers();
    // A finalizer that ran leaves word 0 cleared (the block is freed by a later collection).
    let done = handles.iter().filter(|&&h| unsafe { *(h as *const usize) } == 0).count();
    hlrt::gc::hl_gc_enable(false);
    // Each file is writable again: the reading statements left open were finalized.
    unsafe {
        for i in 0..20 {
            let db = sqlite_connect(u(gc_file(file, i).to_str().unwrap()));
            assert_eq!(exec(db, "INSERT INTO g VALUES (-1)"), 1);
            assert_eq!(rows(db, "SELECT COUNT(*) FROM g"), vec![vec![V::Int(2)]]);
            sqlite_close(db);
        }
    }
    println!("finalized {done}/{}", handles.len());
}

fn gc_file(base: &std::path::Path, i: i32) -> PathBuf {
    base.with_file_name(format!("gc{i}.db"))
}

/// Opens connections and results and forgets them; their addresses, hidden
/// from the conservative stack scan.
#[inline(never)]
fn open_and_drop(file: &std::path::Path) -> Vec<usize> {
    let mut hidden = Vec::new();
    unsafe {
        for i in 0..20 {
            // A reading statement left open holds a lock on its file.
            let db = sqlite_connect(u(gc_file(file, i).to_str().unwrap()));
            exec(db, "CREATE TABLE IF NOT EXISTS g (x)");
            exec(db, &format!("INSERT INTO g VALUES ({i})"));
            let r = sqlite_request(db, u("SELECT x FROM g"));
            next_row(r);
            hidden.push(db as usize);
            hidden.push(r as usize);
        }
    }
    hidden
}

#[inline(never)]
fn clobber_stack() {
    let mut buf = [0usize; 8192];
    std::hint::black_box(&mut buf);
}

#[test]
fn handles_are_finalized_by_the_gc() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env("HLRT_SQLITE_CHILD", "gc")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("finalized 40/40"), "{text}");
}

// ---------------------------------------------------------------------------
// Errors, each in a child process.

fn child_case(name: &str) {
    no_gc();
    let dir = temp_dir(&format!("err-{name}"));
    let file = dir.join("e.db");
    if name == "gc" {
        gc_child(&file);
        return;
    }
    unsafe {
        if name == "open" {
            sqlite_connect(u(dir.join("missing/dir/x.db").to_str().unwrap()));
            return;
        }
        let db = sqlite_connect(u(file.to_str().unwrap()));
        match name {
            "syntax" => {
                sqlite_request(db, u("SELEC 1"));
            }
            "table" => {
                sqlite_request(db, u("SELECT * FROM nope"));
            }
            "several" => {
                sqlite_request(db, u("SELECT 1; SELECT 2"));
            }
            "trailing" => {
                sqlite_request(db, u("SELECT 1;  "));
            }
            "same_field" => {
                sqlite_request(db, u("SELECT 1 a, 2 a"));
            }
            "step" => {
                // An error found while running (SQLITE_ERROR from sqlite3_step).
                exec(db, "CREATE TABLE j (x)");
                exec(db, "INSERT INTO j VALUES ('{')");
                rows(db, "SELECT json_extract(x, '$') FROM j");
            }
            "closed" => {
                sqlite_close(db);
                sqlite_request(db, u("SELECT 1"));
            }
            _ => unreachable!(),
        }
    }
    println!("no error");
}

mod child_support;

fn expect_error(case: &str, msg: &str) {
    child_support::expect_error("HLRT_SQLITE_CHILD", case, msg);
}

#[test]
fn child() {
    if let Ok(case) = std::env::var("HLRT_SQLITE_CHILD") {
        child_case(&case);
    }
}

#[test]
fn errors_thrown() {
    expect_error("open", "SQLite error: unable to open database file");
    expect_error("syntax", "SQLite error: near \"SELEC\": syntax error");
    expect_error("table", "SQLite error: no such table: nope");
    expect_error("several", "SQLite error: Cannot execute several SQL requests at the same time");
    expect_error("trailing", "SQLite error: Cannot execute several SQL requests at the same time");
    expect_error("same_field", "SQLite error: Same field is two times in the request: SELECT 1 a, 2 a");
    expect_error("step", "SQLite error: malformed JSON");
    expect_error("closed", "SQLite error: out of memory");
}
