//! IPv4 sockets on Windows (Winsock 2), for `std/socket.rs`: the same
//! functions as the POSIX side (see there for the conventions). A `SOCKET`
//! is kept in `hl_socket`'s `int`, as libhl keeps it: Windows hands out
//! small handle values. Sockets are not inherited by child processes.

use std::ffi::{c_char, c_int, CStr};
use std::mem::size_of;
use std::ptr::null_mut;

type Socket = usize;
const INVALID_SOCKET: Socket = !0;

const AF_INET: c_int = 2;
const SOCK_STREAM: c_int = 1;
const SOCK_DGRAM: c_int = 2;
const SOL_SOCKET: c_int = 0xffff;
const SO_BROADCAST: c_int = 0x20;
const SO_SNDTIMEO: c_int = 0x1005;
const SO_RCVTIMEO: c_int = 0x1006;
const IPPROTO_TCP: c_int = 6;
const TCP_NODELAY: c_int = 1;
const SD_RECEIVE: c_int = 0;
const SD_SEND: c_int = 1;
const SD_BOTH: c_int = 2;
const FIONBIO: i32 = 0x8004667e_u32 as i32;
const WSA_FLAG_OVERLAPPED: u32 = 0x01;
const WSA_FLAG_NO_HANDLE_INHERIT: u32 = 0x80;
const WSAEINTR: i32 = 10004;
const WSAEWOULDBLOCK: i32 = 10035;
const WSAEINPROGRESS: i32 = 10036;
const WSAEALREADY: i32 = 10037;
const WSAETIMEDOUT: i32 = 10060;
const INADDR_NONE: u32 = 0xffff_ffff;

/// Winsock's `fd_set` has room for 64 sockets (`FD_SETSIZE`): a count and the handles.
pub const FD_SETSIZE: usize = 64;
pub const FD_SET_BYTES: usize = size_of::<FdSet>();

#[repr(C)]
struct SockAddrIn {
    sin_family: u16,
    sin_port: u16,
    sin_addr: u32,
    sin_zero: [u8; 8],
}

#[repr(C)]
struct HostEnt {
    h_name: *mut c_char,
    h_aliases: *mut *mut c_char,
    h_addrtype: i16,
    h_length: i16,
    h_addr_list: *mut *mut c_char,
}


#[repr(C)]
struct WsaData {
    // WSADATA on x64: versions, then what the runtime does not read
    // (limits, vendor info, description and status strings).
    version: u16,
    high_version: u16,
    rest: [u8; 400],
}

/// Winsock's functions, by their documented signatures.
mod ws {
    use super::{FdSet, HostEnt, SockAddrIn, Socket, TimeVal, WsaData};
    use std::ffi::{c_char, c_int};
    #[link(name = "ws2_32")]
    extern "system" {
        pub fn WSAStartup(version: u16, data: *mut WsaData) -> c_int;
        pub fn WSAGetLastError() -> c_int;
        pub fn WSASocketW(af: c_int, ty: c_int, proto: c_int, info: *mut u8, group: u32, flags: u32) -> Socket;
        pub fn closesocket(s: Socket) -> c_int;
        pub fn send(s: Socket, buf: *const c_char, len: c_int, flags: c_int) -> c_int;
        pub fn recv(s: Socket, buf: *mut c_char, len: c_int, flags: c_int) -> c_int;
        pub fn sendto(s: Socket, buf: *const c_char, len: c_int, flags: c_int, to: *const SockAddrIn, tolen: c_int) -> c_int;
        pub fn recvfrom(s: Socket, buf: *mut c_char, len: c_int, flags: c_int, from: *mut SockAddrIn, fromlen: *mut c_int) -> c_int;
        pub fn connect(s: Socket, name: *const SockAddrIn, len: c_int) -> c_int;
        pub fn bind(s: Socket, name: *const SockAddrIn, len: c_int) -> c_int;
        pub fn listen(s: Socket, backlog: c_int) -> c_int;
        pub fn accept(s: Socket, addr: *mut SockAddrIn, len: *mut c_int) -> Socket;
        pub fn getpeername(s: Socket, name: *mut SockAddrIn, len: *mut c_int) -> c_int;
        pub fn getsockname(s: Socket, name: *mut SockAddrIn, len: *mut c_int) -> c_int;
        pub fn setsockopt(s: Socket, level: c_int, name: c_int, val: *const c_char, len: c_int) -> c_int;
        pub fn shutdown(s: Socket, how: c_int) -> c_int;
        pub fn ioctlsocket(s: Socket, cmd: i32, arg: *mut u32) -> c_int;
        pub fn inet_addr(cp: *const c_char) -> u32;
        pub fn gethostbyname(name: *const c_char) -> *mut HostEnt;
        pub fn gethostbyaddr(addr: *const c_char, len: c_int, kind: c_int) -> *mut HostEnt;
        pub fn gethostname(name: *mut c_char, len: c_int) -> c_int;
        pub fn select(n: c_int, r: *mut FdSet, w: *mut FdSet, e: *mut FdSet, timeout: *const TimeVal) -> c_int;
    }
}

extern "system" {
    fn Sleep(ms: u32);
}

fn sock(fd: i32) -> Socket {
    fd as u32 as Socket
}

fn failure() -> bool {
    // SAFETY: no arguments; the calling thread's last Winsock error.
    let e = unsafe { ws::WSAGetLastError() };
    // A send/receive timeout (SO_RCVTIMEO) is WSAETIMEDOUT here, EAGAIN on POSIX.
    e == WSAEWOULDBLOCK || e == WSAEINPROGRESS || e == WSAEALREADY || e == WSAETIMEDOUT
}

fn result(r: c_int) -> Result<usize, bool> {
    if r < 0 {
        Err(failure())
    } else {
        Ok(r as usize)
    }
}

fn sockaddr(host: u32, port: u16) -> SockAddrIn {
    SockAddrIn { sin_family: AF_INET as u16, sin_port: port.to_be(), sin_addr: host, sin_zero: [0; 8] }
}

const ADDR_LEN: c_int = size_of::<SockAddrIn>() as c_int;

/// Starts Winsock 2.2 (counted: every call may start it again).
pub fn init() {
    let mut data = WsaData { version: 0, high_version: 0, rest: [0; 400] };
    // SAFETY: `data` is writable and larger than WSADATA.
    unsafe { ws::WSAStartup(0x0202, &mut data) };
}

pub fn socket(udp: bool) -> Option<i32> {
    init();
    let ty = if udp { SOCK_DGRAM } else { SOCK_STREAM };
    // SAFETY: no protocol info; flags as `socket()` plus no inheritance.
    let s = unsafe { ws::WSASocketW(AF_INET, ty, 0, null_mut(), 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT) };
    (s != INVALID_SOCKET).then_some(s as i32)
}

pub fn close(fd: i32) {
    // SAFETY: no pointers; a stale handle only fails.
    unsafe { ws::closesocket(sock(fd)) };
}

/// # Safety
/// `buf` is readable for `len` bytes.
pub unsafe fn send(fd: i32, buf: *const u8, len: usize) -> Result<usize, bool> {
    result(ws::send(sock(fd), buf.cast(), len.min(i32::MAX as usize) as c_int, 0))
}

/// [`send`]: Winsock has no per-call "don't wait" flag, so a blocking
/// socket may wait here (used for close_notify, a few bytes).
///
/// # Safety
/// `buf` is readable for `len` bytes.
pub unsafe fn send_with(fd: i32, buf: *const u8, len: usize, _dont_wait: bool) -> Result<usize, bool> {
    send(fd, buf, len)
}

/// # Safety
/// `buf` is writable for `len` bytes.
pub unsafe fn recv(fd: i32, buf: *mut u8, len: usize) -> Result<usize, bool> {
    result(ws::recv(sock(fd), buf.cast(), len.min(i32::MAX as usize) as c_int, 0))
}

/// # Safety
/// `buf` is readable for `len` bytes.
pub unsafe fn send_to(fd: i32, buf: *const u8, len: usize, host: u32, port: u16) -> Result<usize, bool> {
    let a = sockaddr(host, port);
    result(ws::sendto(sock(fd), buf.cast(), len.min(i32::MAX as usize) as c_int, 0, &a, ADDR_LEN))
}

/// # Safety
/// `buf` is writable for `len` bytes.
pub unsafe fn recv_from(fd: i32, buf: *mut u8, len: usize) -> Result<(usize, u32, u16), bool> {
    let mut a = sockaddr(0, 0);
    let mut alen = ADDR_LEN;
    let n = result(ws::recvfrom(sock(fd), buf.cast(), len.min(i32::MAX as usize) as c_int, 0, &mut a, &mut alen))?;
    Ok((n, a.sin_addr, u16::from_be(a.sin_port)))
}

pub fn connect(fd: i32, host: u32, port: u16) -> Result<(), bool> {
    let a = sockaddr(host, port);
    // SAFETY: a sockaddr_in of the length passed.
    result(unsafe { ws::connect(sock(fd), &a, ADDR_LEN) }).map(|_| ())
}

/// Binds to `host:port` (no `SO_REUSEADDR`: on Windows it lets another
/// socket take the port over; libhl does not set it there either).
pub fn bind(fd: i32, host: u32, port: u16) -> bool {
    let a = sockaddr(host, port);
    // SAFETY: a sockaddr_in of the length passed.
    unsafe { ws::bind(sock(fd), &a, ADDR_LEN) == 0 }
}

pub fn listen(fd: i32, n: i32) -> bool {
    // SAFETY: no pointers.
    unsafe { ws::listen(sock(fd), n) == 0 }
}

pub fn accept(fd: i32) -> Option<i32> {
    // SAFETY: null address and length: the peer's address is not wanted.
    let s = unsafe { ws::accept(sock(fd), null_mut(), null_mut()) };
    (s != INVALID_SOCKET).then_some(s as i32)
}

pub fn name(fd: i32, peer: bool) -> Option<(u32, u16)> {
    let mut a = sockaddr(0, 0);
    let mut len = ADDR_LEN;
    // SAFETY: a sockaddr_in and its length for the call to fill.
    let r = unsafe { if peer { ws::getpeername(sock(fd), &mut a, &mut len) } else { ws::getsockname(sock(fd), &mut a, &mut len) } };
    (r == 0).then(|| (a.sin_addr, u16::from_be(a.sin_port)))
}

fn set_opt(fd: i32, level: c_int, name: c_int, v: u32) -> bool {
    // SAFETY: a 4-byte option of its size (BOOL or DWORD).
    unsafe { ws::setsockopt(sock(fd), level, name, (&v as *const u32).cast(), 4) == 0 }
}

pub fn set_broadcast(fd: i32, on: bool) -> bool {
    set_opt(fd, SOL_SOCKET, SO_BROADCAST, on as u32)
}

pub fn set_no_delay(fd: i32, on: bool) -> bool {
    set_opt(fd, IPPROTO_TCP, TCP_NODELAY, on as u32)
}

/// Send and receive timeouts in seconds (0: none): Winsock takes milliseconds.
pub fn set_timeout(fd: i32, t: f64) -> bool {
    let ms = (t.max(0.0) * 1000.0) as u32;
    set_opt(fd, SOL_SOCKET, SO_SNDTIMEO, ms) && set_opt(fd, SOL_SOCKET, SO_RCVTIMEO, ms)
}

pub fn shutdown(fd: i32, read: bool, write: bool) -> bool {
    let how = match (read, write) {
        (true, true) => SD_BOTH,
        (true, false) => SD_RECEIVE,
        _ => SD_SEND,
    };
    // SAFETY: no pointers.
    unsafe { ws::shutdown(sock(fd), how) == 0 }
}

pub fn set_blocking(fd: i32, blocking: bool) -> bool {
    let mut v: u32 = (!blocking) as u32;
    // SAFETY: FIONBIO takes a u_long.
    unsafe { ws::ioctlsocket(sock(fd), FIONBIO, &mut v) == 0 }
}

/// # Safety
/// `host` is NUL-terminated.
pub unsafe fn resolve(host: *const c_char) -> Option<u32> {
    init();
    let ip = ws::inet_addr(host);
    if ip != INADDR_NONE {
        return Some(ip);
    }
    // Winsock's gethostbyname result is per thread.
    let he = ws::gethostbyname(host);
    if he.is_null() || (*he).h_addr_list.is_null() || (*(*he).h_addr_list).is_null() {
        return None;
    }
    Some(((*(*he).h_addr_list) as *const u32).read_unaligned())
}

pub fn reverse(ip: u32) -> Option<Vec<u8>> {
    init();
    // SAFETY: 4 readable address bytes; the result is per thread.
    unsafe {
        let he = ws::gethostbyaddr((&ip as *const u32).cast(), 4, AF_INET);
        if he.is_null() || (*he).h_name.is_null() {
            return None;
        }
        Some(CStr::from_ptr((*he).h_name).to_bytes().to_vec())
    }
}

pub fn host_name() -> Option<Vec<u8>> {
    init();
    let mut buf = [0 as c_char; 256];
    // SAFETY: the length passed keeps the last byte a NUL.
    unsafe {
        if ws::gethostname(buf.as_mut_ptr(), buf.len() as c_int - 1) != 0 {
            return None;
        }
        Some(CStr::from_ptr(buf.as_ptr()).to_bytes().to_vec())
    }
}

/// As on POSIX.
pub struct Watch {
    pub fd: i32,
    pub kind: u8,
    pub ready: bool,
}

#[repr(C)]
struct FdSet {
    count: u32,
    array: [Socket; FD_SETSIZE],
}

#[repr(C)]
struct TimeVal {
    sec: i32,
    usec: i32,
}

/// As on POSIX, with Winsock's `select` (what libhl calls there; its sets
/// are arrays, so at most [`FD_SETSIZE`] sockets per kind).
pub fn wait(w: &mut [Watch], timeout: f64) -> Option<bool> {
    if w.is_empty() {
        // Winsock's select refuses three empty sets; select() then only sleeps.
        if timeout >= 0.0 {
            // SAFETY: no pointers.
            unsafe { Sleep((timeout * 1000.0).min(u32::MAX as f64) as u32) };
        }
        return Some(true);
    }
    let mut sets: [FdSet; 3] = std::array::from_fn(|_| FdSet { count: 0, array: [0; FD_SETSIZE] });
    for x in w.iter() {
        let set = &mut sets[x.kind as usize];
        if set.count as usize == FD_SETSIZE {
            return None;
        }
        set.array[set.count as usize] = sock(x.fd);
        set.count += 1;
    }
    let sec = timeout.max(0.0) as i32;
    let tv = TimeVal { sec, usec: ((timeout.max(0.0) - sec as f64) * 1e6) as i32 };
    let tvp: *const TimeVal = if timeout < 0.0 { std::ptr::null() } else { &tv };
    let [r, wr, e] = &mut sets;
    let set_ptr = |s: &mut FdSet| -> *mut FdSet { if s.count == 0 { null_mut() } else { s } };
    // SAFETY: each set is null or a valid fd_set; the timeout is null or valid.
    let n = unsafe { ws::select(0, set_ptr(r), set_ptr(wr), set_ptr(e), tvp) };
    if n < 0 {
        // SAFETY: no arguments.
        return (unsafe { ws::WSAGetLastError() } == WSAEINTR).then_some(false);
    }
    for x in w.iter_mut() {
        let set = &sets[x.kind as usize];
        x.ready = n > 0 && set.array[..set.count as usize].contains(&sock(x.fd));
    }
    Some(true)
}
