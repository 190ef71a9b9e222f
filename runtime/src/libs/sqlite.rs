//! Natives of HashLink's `sqlite` library (`libs/sqlite`), behind Haxe's
//! `sys.db.Sqlite` on HashLink. HL/C names a native `sqlite@name` `sqlite_<name>`.
//!
//! SQLite is compiled into the runtime (libsqlite3-sys, `bundled`) and used
//! through its UTF-16 C API, as libhl does: the SQL text, file names, column
//! names and text values are HashLink's UTF-16 strings. Row values convert as
//! libhl's: NULL -> null, INTEGER -> `Int` (32 low bits; `Bool` for columns
//! declared `BOOL`), FLOAT -> `Float`, TEXT -> `bytes` (UTF-16), BLOB -> an array
//! `[bytes, length]`. Errors are thrown as `SQLite error: <message>`.
//!
//! Database and result handles are finalizer blocks (word 0 is the finalizer),
//! not scanned by the GC, like libhl's. A connection has at most one open
//! statement (`last`): a new request finalizes the previous one.

// The natives follow libhl's C signatures: callers pass HashLink values.
#![allow(clippy::missing_safety_doc, clippy::too_many_arguments)]

use crate::abi::*;
use crate::gc::{hl_blocking, hl_gc_alloc_gen};
use crate::std::raise_error;
use libsqlite3_sys as ffi;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::null_mut;

// The UTF-16 entry points (left out of libsqlite3-sys's bindings, compiled in).
extern "C" {
    fn sqlite3_open16(filename: *const c_void, db: *mut *mut ffi::sqlite3) -> c_int;
    fn sqlite3_prepare16_v2(
        db: *mut ffi::sqlite3,
        sql: *const c_void,
        nbytes: c_int,
        stmt: *mut *mut ffi::sqlite3_stmt,
        tail: *mut *const c_void,
    ) -> c_int;
    fn sqlite3_errmsg16(db: *mut ffi::sqlite3) -> *const c_void;
    fn sqlite3_column_name16(stmt: *mut ffi::sqlite3_stmt, n: c_int) -> *const c_void;
    fn sqlite3_column_text16(stmt: *mut ffi::sqlite3_stmt, n: c_int) -> *const c_void;
}

/// `sqlite_database`.
#[repr(C)]
pub struct SqliteDatabase {
    finalize: Option<unsafe extern "C" fn(*mut SqliteDatabase)>,
    db: *mut ffi::sqlite3,
    /// The statement still open on this connection, if any.
    last: *mut SqliteResult,
}

/// `sqlite_result`.
#[repr(C)]
pub struct SqliteResult {
    finalize: Option<unsafe extern "C" fn(*mut SqliteResult)>,
    /// The connection while the statement is open, null once finalized.
    db: *mut SqliteDatabase,
    ncols: i32,
    /// Rows changed, for statements without columns (set when finalized).
    count: i32,
    /// Per column: declared `BOOL` (a boxed slice, freed when finalized).
    bools: *mut Box<[bool]>,
    done: bool,
    /// No row fetched yet (`result_get*` then fetch the first one).
    first: bool,
    stmt: *mut ffi::sqlite3_stmt,
}

/// Runs `f` as a blocking section (the GC may collect meanwhile); `f` must not
/// touch the GC heap nor throw.
#[inline]
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    hl_blocking(true);
    let r = f();
    hl_blocking(false);
    r
}

unsafe fn utf16_at(p: *const c_void) -> String {
    if p.is_null() {
        return String::new();
    }
    String::from_utf16_lossy(crate::std::ucs2::ucs2_slice(p as *const u16))
}

/// Throws `SQLite error: <sqlite3_errmsg16>`, closing the connection first if asked.
unsafe fn sqlite_error(db: *mut ffi::sqlite3, close: bool) -> ! {
    let msg = format!("SQLite error: {}", utf16_at(sqlite3_errmsg16(db)));
    if close {
        blocking(|| ffi::sqlite3_close(db));
    }
    raise_error(&msg)
}

/// Finalizes the statement of `r` and detaches it from its connection. With
/// `exc`, a failing `sqlite3_finalize` throws.
unsafe fn finalize_request(r: *mut SqliteResult, exc: bool) {
    (*r).first = false;
    (*r).done = true;
    let db = (*r).db;
    if (*r).ncols == 0 && !db.is_null() {
        (*r).count = ffi::sqlite3_changes((*db).db);
    }
    let stmt = (*r).stmt;
    let rc = ffi::sqlite3_finalize(stmt);
    (*r).stmt = null_mut();
    if !db.is_null() {
        (*db).last = null_mut();
    }
    (*r).db = null_mut();
    if !(*r).bools.is_null() {
        drop(Box::from_raw((*r).bools));
        (*r).bools = null_mut();
    }
    if rc != ffi::SQLITE_OK && exc {
        raise_error("SQLite error: Could not finalize request");
    }
}

unsafe extern "C" fn finalize_result(r: *mut SqliteResult) {
    if !r.is_null() && !(*r).db.is_null() {
        finalize_request(r, false);
    }
    (*r).finalize = None;
}

unsafe fn close_db(db: *mut SqliteDatabase, from_finalizer: bool) {
    if !(*db).last.is_null() {
        finalize_request((*db).last, false);
    }
    let h = (*db).db;
    // A failure is ignored (libhl: no allocation in a finalizer).
    if from_finalizer {
        ffi::sqlite3_close(h);
    } else {
        blocking(|| ffi::sqlite3_close(h));
    }
    (*db).db = null_mut();
}

unsafe extern "C" fn finalize_database(db: *mut SqliteDatabase) {
    if !db.is_null() && !(*db).db.is_null() {
        close_db(db, true);
    }
    (*db).finalize = None;
}

unsafe fn check<T>(p: *mut T) -> *mut T {
    if p.is_null() {
        raise_error("Null access");
    }
    p
}

/// `connect(filename)`: opens (creating it if needed) the database file named
/// by a UTF-16 string.
#[no_mangle]
pub unsafe extern "C" fn sqlite_connect(filename: *mut vbyte) -> *mut SqliteDatabase {
    let mut h: *mut ffi::sqlite3 = null_mut();
    let name = filename as *const c_void;
    let rc = blocking(|| sqlite3_open16(name, &mut h));
    if rc != ffi::SQLITE_OK {
        sqlite_error(h, true);
    }
    // Stock SQLite builds leave foreign keys off by default; the bundled build
    // turns them on: keep the stock behaviour HashLink programs see.
    ffi::sqlite3_db_config(h, ffi::SQLITE_DBCONFIG_ENABLE_FKEY, 0 as c_int, null_mut::<c_int>());
    let db = hl_gc_alloc_gen(hlt_abstract.get(), std::mem::size_of::<SqliteDatabase>() as i32, mem::KIND_FINALIZER)
        as *mut SqliteDatabase;
    db.write(SqliteDatabase { finalize: Some(finalize_database), db: h, last: null_mut() });
    db
}

/// `close(db)`: finalizes the open statement and closes the connection.
#[no_mangle]
pub unsafe extern "C" fn sqlite_close(db: *mut SqliteDatabase) {
    close_db(check(db), false);
}

/// `last_id(db)`: `sqlite3_last_insert_rowid`, truncated to 32 bits.
#[no_mangle]
pub unsafe extern "C" fn sqlite_last_id(db: *mut SqliteDatabase) -> i32 {
    ffi::sqlite3_last_insert_rowid((*check(db)).db) as i32
}

/// libhl compares column names with C's `strcmp` on their UTF-16 buffers: the
/// bytes up to the first zero byte.
unsafe fn c_bytes_equal(a: *const c_void, b: *const c_void) -> bool {
    if a.is_null() || b.is_null() {
        return a == b;
    }
    CStr::from_ptr(a as *const c_char) == CStr::from_ptr(b as *const c_char)
}

/// `request(db, sql)`: prepares one SQL statement (UTF-16). The statement runs
/// on the first `result_next`. Several statements in one string, or two result
/// columns with the same name, are errors.
#[no_mangle]
pub unsafe extern "C" fn sqlite_request(db: *mut SqliteDatabase, sql: *mut vbyte) -> *mut SqliteResult {
    let db = check(db);
    let r = hl_gc_alloc_gen(hlt_abstract.get(), std::mem::size_of::<SqliteResult>() as i32, mem::KIND_FINALIZER)
        as *mut SqliteResult;
    r.write(SqliteResult {
        finalize: Some(finalize_result),
        db: null_mut(),
        ncols: 0,
        count: 0,
        bools: null_mut(),
        done: false,
        first: false,
        stmt: null_mut(),
    });
    let h = (*db).db;
    let mut stmt: *mut ffi::sqlite3_stmt = null_mut();
    let mut tail: *const c_void = std::ptr::null();
    let text = sql as *const c_void;
    let rc = blocking(|| sqlite3_prepare16_v2(h, text, -1, &mut stmt, &mut tail));
    if rc != ffi::SQLITE_OK {
        sqlite_error(h, false);
    }
    // libhl tests the tail's first byte (of UTF-16 text).
    if !tail.is_null() && *(tail as *const u8) != 0 {
        ffi::sqlite3_finalize(stmt);
        raise_error("SQLite error: Cannot execute several SQL requests at the same time");
    }
    let ncols = ffi::sqlite3_column_count(stmt);
    let mut ids: Vec<i32> = Vec::with_capacity(ncols as usize);
    let mut bools: Vec<bool> = Vec::with_capacity(ncols as usize);
    for i in 0..ncols {
        let name = sqlite3_column_name16(stmt, i);
        let id = crate::std::bytes::hl_hash_gen(name as *const uchar, true);
        for (j, &other) in ids.iter().enumerate() {
            if other != id {
                continue;
            }
            let prev = sqlite3_column_name16(stmt, j as c_int);
            let msg = if c_bytes_equal(name, prev) {
                format!("SQLite error: Same field is two times in the request: {}", utf16_at(text))
            } else {
                format!("SQLite error: Same field ids for: {} and {}", utf16_at(name), utf16_at(prev))
            };
            ffi::sqlite3_finalize(stmt);
            drop(ids);
            drop(bools);
            raise_error(&msg);
        }
        ids.push(id);
        let decl = ffi::sqlite3_column_decltype(stmt, i);
        bools.push(!decl.is_null() && CStr::from_ptr(decl).to_bytes() == b"BOOL");
    }
    drop(ids);
    (*r).db = db;
    (*r).stmt = stmt;
    (*r).ncols = ncols;
    (*r).bools = Box::into_raw(Box::new(bools.into_boxed_slice()));
    (*r).first = true;
    (*r).done = false;
    if !(*db).last.is_null() {
        finalize_request((*db).last, false);
    }
    (*db).last = r;
    r
}

/// `result_get_length(r)`: rows changed by a statement without result columns
/// (known once it has run), else null.
#[no_mangle]
pub unsafe extern "C" fn sqlite_result_get_length(r: *mut SqliteResult) -> *mut vdynamic {
    let r = check(r);
    if (*r).ncols != 0 {
        return null_mut();
    }
    crate::std::dyn_i32((*r).count)
}

/// `result_get_nfields(r)`: the number of result columns.
#[no_mangle]
pub unsafe extern "C" fn sqlite_result_get_nfields(r: *mut SqliteResult) -> i32 {
    (*check(r)).ncols
}

/// Copies a NUL-terminated UTF-16 string (with its terminator) into GC bytes;
/// null stays null.
unsafe fn copy_utf16(p: *const c_void) -> *mut vbyte {
    if p.is_null() {
        return null_mut();
    }
    let n = crate::std::ucs2::ucs2_len(p as *const u16);
    crate::std::alloc_bytes_copy(std::slice::from_raw_parts(p as *const u8, (n + 1) * 2))
}

/// `result_get_fields(r)`: the column names (UTF-16 `bytes`; null entries once
/// the statement is finalized).
#[no_mangle]
pub unsafe extern "C" fn sqlite_result_get_fields(r: *mut SqliteResult) -> *mut varray {
    let r = check(r);
    let a = crate::std::array::alloc_array(hlt_bytes.get(), (*r).ncols);
    for i in 0..(*r).ncols {
        let name = copy_utf16(sqlite3_column_name16((*r).stmt, i));
        *(varray::data(a) as *mut *mut vbyte).add(i as usize) = name;
    }
    a
}

/// The value of column `i` of the current row, converted as libhl does.
unsafe fn column_value(r: *mut SqliteResult, i: c_int) -> *mut vdynamic {
    let stmt = (*r).stmt;
    match ffi::sqlite3_column_type(stmt, i) {
        ffi::SQLITE_NULL => null_mut(),
        ffi::SQLITE_INTEGER => {
            let mut v: c_int = ffi::sqlite3_column_int(stmt, i);
            let is_bool = !(*r).bools.is_null() && (**(*r).bools).get(i as usize).copied().unwrap_or(false);
            let t = if is_bool { hlt_bool.get() } else { hlt_i32.get() };
            crate::std::cast::hl_make_dyn((&mut v as *mut c_int).cast(), t)
        }
        ffi::SQLITE_FLOAT => {
            let mut d = ffi::sqlite3_column_double(stmt, i);
            crate::std::cast::hl_make_dyn((&mut d as *mut f64).cast(), hlt_f64.get())
        }
        ffi::SQLITE_TEXT => {
            let mut b = copy_utf16(sqlite3_column_text16(stmt, i));
            crate::std::cast::hl_make_dyn((&mut b as *mut *mut vbyte).cast(), hlt_bytes.get())
        }
        ffi::SQLITE_BLOB => {
            let blob = ffi::sqlite3_column_blob(stmt, i) as *const u8;
            let mut size: c_int = ffi::sqlite3_column_bytes(stmt, i);
            // libhl copies size + 1 bytes; the extra byte is left zero here.
            let mut b = crate::std::alloc_noptr_zero(size.max(0) as usize + 1);
            if !blob.is_null() && size > 0 {
                std::ptr::copy_nonoverlapping(blob, b, size as usize);
            }
            let pair = crate::std::array::alloc_array(hlt_dyn.get(), 2);
            let items = varray::data(pair) as *mut *mut vdynamic;
            *items = crate::std::cast::hl_make_dyn((&mut b as *mut *mut vbyte).cast(), hlt_bytes.get());
            *items.add(1) = crate::std::cast::hl_make_dyn((&mut size as *mut c_int).cast(), hlt_i32.get());
            let mut p = pair;
            crate::std::cast::hl_make_dyn((&mut p as *mut *mut varray).cast(), hlt_array.get())
        }
        t => raise_error(&format!("SQLite error: Unknown type #{t}")),
    }
}

/// `result_next(r)`: steps the statement; the next row as an array of
/// dynamics, or null when done (the statement is then finalized).
#[no_mangle]
pub unsafe extern "C" fn sqlite_result_next(r: *mut SqliteResult) -> *mut varray {
    let r = check(r);
    if (*r).done {
        return null_mut();
    }
    let stmt = (*r).stmt;
    match blocking(|| ffi::sqlite3_step(stmt)) {
        ffi::SQLITE_ROW => {
            (*r).first = false;
            let a = crate::std::array::alloc_array(hlt_dyn.get(), (*r).ncols);
            for i in 0..(*r).ncols {
                let v = column_value(r, i);
                *(varray::data(a) as *mut *mut vdynamic).add(i as usize) = v;
            }
            a
        }
        ffi::SQLITE_DONE => {
            finalize_request(r, true);
            null_mut()
        }
        ffi::SQLITE_BUSY => raise_error("SQLite error: Database is busy"),
        ffi::SQLITE_ERROR => sqlite_error((*(*r).db).db, false),
        // Other failures (constraints, ...) end the iteration silently, as in libhl.
        _ => null_mut(),
    }
}

/// Positions on the first row if none was fetched yet; false if there is no
/// current row (or `n` is out of range).
unsafe fn current_row(r: *mut SqliteResult, n: i32) -> bool {
    if n < 0 || n >= (*r).ncols {
        return false;
    }
    if (*r).first {
        sqlite_result_next(r);
    }
    !(*r).done
}

/// `result_get(r, n)`: column `n` of the current row as UTF-16 text.
#[no_mangle]
pub unsafe extern "C" fn sqlite_result_get(r: *mut SqliteResult, n: i32) -> *mut vbyte {
    let r = check(r);
    if !current_row(r, n) {
        return null_mut();
    }
    copy_utf16(sqlite3_column_text16((*r).stmt, n))
}

/// `result_get_int(r, n)`: column `n` of the current row as an `Int`.
#[no_mangle]
pub unsafe extern "C" fn sqlite_result_get_int(r: *mut SqliteResult, n: i32) -> *mut vdynamic {
    let r = check(r);
    if !current_row(r, n) {
        return null_mut();
    }
    crate::std::dyn_i32(ffi::sqlite3_column_int((*r).stmt, n))
}

/// `result_get_float(r, n)`: column `n` of the current row as a `Float`.
#[no_mangle]
pub unsafe extern "C" fn sqlite_result_get_float(r: *mut SqliteResult, n: i32) -> *mut vdynamic {
    let r = check(r);
    if !current_row(r, n) {
        return null_mut();
    }
    let mut d = ffi::sqlite3_column_double((*r).stmt, n);
    crate::std::cast::hl_make_dyn((&mut d as *mut f64).cast(), hlt_f64.get())
}
