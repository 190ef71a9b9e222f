//! The socket natives ported to Windows so far (Winsock); the others are
//! in [`crate::sys::not_ported`].

#[repr(C)]
struct WsaData {
    // WSADATA on x64: versions, then the rest (description and status
    // strings, limits, vendor info) the runtime does not read.
    version: u16,
    high_version: u16,
    rest: [u8; 400],
}

extern "system" {
    fn WSAStartup(version: u16, data: *mut WsaData) -> i32;
}

/// `socket_init`: starts Winsock 2.2 (libhl does the same on Windows).
/// Every `sys.net` class calls it from its static initialiser, so a program
/// that only links them (Haxe's unit suite) runs.
#[no_mangle]
pub extern "C" fn hl_socket_init() {
    let mut data = WsaData { version: 0, high_version: 0, rest: [0; 400] };
    // SAFETY: `data` is writable and larger than WSADATA; WSAStartup may be
    // called more than once (each call is counted).
    unsafe { WSAStartup(0x0202, &mut data) };
}
