//! Natives of HashLink's `ui` library as its Linux build provides them
//! (`libs/ui/ui_stub.c`): no windows, no dialogs, no clipboard. Symbols are
//! `ui_<name>` for `ui@name`, and every name already starts with `ui_`
//! (`ui@ui_dialog` → `ui_ui_dialog`).
//!
//! What they do: `ui_dialog` prints `[DIALOG] [<title>] <title>` and a
//! newline on stdout (the stub prints the title twice and never the
//! message) and returns 0; `ui_loop` returns 1; window and sentinel
//! constructors return null; `ui_choose_file` and `ui_get_clipboard_text`
//! return null, `ui_set_clipboard_text` and `ui_sentinel_is_paused` false;
//! everything else does nothing.

#![allow(clippy::missing_safety_doc)]

use crate::abi::{vbyte, vclosure, vdynamic};
use crate::std::ucs2::uprintf;
use std::ffi::c_void;
use std::ptr::null_mut;

type Uchar = u16;

/// A NUL-terminated UTF-16 copy of `s` (for `uprintf` formats).
fn utf16z(s: &str) -> Vec<Uchar> {
    s.encode_utf16().chain([0]).collect()
}

#[no_mangle]
pub extern "C" fn ui_ui_init() {}

#[no_mangle]
pub unsafe extern "C" fn ui_ui_dialog(title: *const Uchar, _message: *const Uchar, _flags: i32) -> i32 {
    // SAFETY: `title` is a NUL-terminated UTF-16 string from the program, as
    // libhl's stub expects; the formats are NUL-terminated above.
    unsafe {
        uprintf(utf16z("[DIALOG] [%s]").as_ptr(), title);
        uprintf(utf16z(" %s\n").as_ptr(), title);
    }
    0
}

#[no_mangle]
pub extern "C" fn ui_ui_winlog_new(_title: *const Uchar, _width: i32, _height: i32) -> *mut c_void {
    null_mut()
}

#[no_mangle]
pub extern "C" fn ui_ui_button_new(_w: *mut c_void, _txt: *const Uchar, _callb: *mut vclosure) -> *mut c_void {
    null_mut()
}

#[no_mangle]
pub extern "C" fn ui_ui_winlog_set_text(_w: *mut c_void, _txt: *const Uchar, _auto_scroll: bool) {}

#[no_mangle]
pub extern "C" fn ui_ui_win_set_text(_w: *mut c_void, _txt: *const Uchar) {}

#[no_mangle]
pub extern "C" fn ui_ui_win_set_enable(_w: *mut c_void, _enable: bool) {}

#[no_mangle]
pub extern "C" fn ui_ui_win_destroy(_w: *mut c_void) {}

#[no_mangle]
pub extern "C" fn ui_ui_loop(_blocking: bool) -> i32 {
    1
}

#[no_mangle]
pub extern "C" fn ui_ui_stop_loop() {}

#[no_mangle]
pub extern "C" fn ui_ui_close_console() {}

#[no_mangle]
pub extern "C" fn ui_ui_start_sentinel(_timeout: f64, _c: *mut vclosure) -> *mut c_void {
    null_mut()
}

#[no_mangle]
pub extern "C" fn ui_ui_sentinel_tick(_s: *mut c_void) {}

#[no_mangle]
pub extern "C" fn ui_ui_sentinel_pause(_s: *mut c_void, _pause: bool) {}

#[no_mangle]
pub extern "C" fn ui_ui_sentinel_is_paused(_s: *mut c_void) -> bool {
    false
}

#[no_mangle]
pub extern "C" fn ui_ui_choose_file(_for_save: bool, _options: *mut vdynamic) -> *mut vbyte {
    null_mut()
}

#[no_mangle]
pub extern "C" fn ui_ui_set_clipboard_text(_text: *mut vbyte) -> bool {
    false
}

#[no_mangle]
pub extern "C" fn ui_ui_get_clipboard_text() -> *mut vbyte {
    null_mut()
}
