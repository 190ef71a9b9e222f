//! `std/socket.c`: IPv4 TCP/UDP sockets and host names (`sys.net.Socket`,
//! `UdpSocket`, `Host`).
//!
//! A socket handle (`hl_socket`) is a pointer-free GC block holding the file
//! descriptor; as in libhl it has no finalizer, so a socket lives until
//! `socket_close`. Sockets are close-on-exec. Hosts are IPv4 addresses in
//! network byte order stored in an `Int` (the bytes of the `in_addr`).
//!
//! Results follow libhl: the send/receive natives give a count, `-1` when the
//! operation would block (non-blocking sockets) and `-2` on any other error;
//! the others give false / null on failure. Calls that may wait run in a GC
//! blocking section: those libhl blocks in, and also the sends (a send to a
//! full buffer waits for the peer, which may itself wait for a collection).
//! Leaving a section keeps `errno`, so `block_error` reads the call's own.
//!
//! `socket_select` keeps libhl's interface (the caller's scratch buffer must
//! hold `socket_fd_size(n)` bytes per array) but waits with `poll`, so
//! descriptors above `FD_SETSIZE` work; readiness is reported as `select` does.
//!
//! The system calls are [`crate::sys::net`]'s (BSD sockets, or Winsock).

// The natives' contracts are those of hl.h; C types are cast explicitly for portability.
#![allow(clippy::missing_safety_doc, clippy::unnecessary_cast)]

use super::alloc_bytes_copy;
use crate::abi::*;
use crate::gc::{hl_blocking, hl_gc_alloc_gen};
use crate::sys::net;
use ::std::ffi::c_char;
use ::std::mem::size_of;
use ::std::ptr::null_mut;

/// `hl_socket`: the descriptor (-1 once closed).
#[repr(C)]
pub struct hl_socket {
    pub sock: i32,
}

/// A send/receive count, or -1 if it would block / -2 on any other error.
fn count(r: Result<usize, bool>) -> i32 {
    match r {
        Ok(n) => n as i32,
        Err(true) => -1,
        Err(false) => -2,
    }
}

/// Runs `f` in a GC blocking section.
fn blocking<R>(f: impl FnOnce() -> R) -> R {
    hl_blocking(true);
    let r = f();
    hl_blocking(false);
    r
}

unsafe fn new_handle(fd: i32) -> *mut hl_socket {
    let h = hl_gc_alloc_gen(hlt_bytes.get(), size_of::<hl_socket>() as i32, mem::KIND_NOPTR) as *mut hl_socket;
    (*h).sock = fd;
    h
}

/// `socket_init`: starts the system's socket library where it has one (Winsock).
#[no_mangle]
pub extern "C" fn hl_socket_init() {
    net::init();
}

/// `socket_new`: a TCP (or UDP) IPv4 socket, or null.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_new(udp: bool) -> *mut hl_socket {
    match net::socket(udp) {
        Some(s) => new_handle(s),
        None => null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_set_broadcast(s: *mut hl_socket, b: bool) -> bool {
    !s.is_null() && net::set_broadcast((*s).sock, b)
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_close(s: *mut hl_socket) {
    if s.is_null() {
        return;
    }
    if (*s).sock >= 0 {
        net::close((*s).sock);
    }
    (*s).sock = -1;
}

/// `socket_send_char`: sends the low byte of `c`; 1, or -1 (would block) / -2 (error).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_send_char(s: *mut hl_socket, c: i32) -> i32 {
    if s.is_null() {
        return -2;
    }
    let b = c as u8;
    count(blocking(|| net::send((*s).sock, &b, 1)))
}

/// `socket_send`: bytes sent, or -1 (would block) / -2 (error).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_send(s: *mut hl_socket, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    if s.is_null() {
        return -2;
    }
    count(blocking(|| net::send((*s).sock, buf.add(pos as usize), len.max(0) as usize)))
}

/// `socket_recv`: bytes received (0 when the peer closed), or -1 (would block) / -2 (error).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_recv(s: *mut hl_socket, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    if s.is_null() {
        return -2;
    }
    count(blocking(|| net::recv((*s).sock, buf.add(pos as usize), len.max(0) as usize)))
}

/// `socket_recv_char`: one byte, or -1 (would block) / -2 (error or closed).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_recv_char(s: *mut hl_socket) -> i32 {
    if s.is_null() {
        return -2;
    }
    let mut b = 0u8;
    match blocking(|| net::recv((*s).sock, &mut b, 1)) {
        Ok(0) => -2,
        Ok(_) => b as i32,
        r => count(r),
    }
}

/// `host_resolve`: a dotted address or a host name (UTF-8) to an IPv4
/// address, or -1 if it cannot be resolved.
#[no_mangle]
pub unsafe extern "C" fn hl_host_resolve(host: *mut vbyte) -> i32 {
    if host.is_null() {
        return -1;
    }
    blocking(|| net::resolve(host as *const c_char)).map_or(-1, |ip| ip as i32)
}

/// `host_to_string`: the dotted form of an address (a fresh NUL-terminated string).
#[no_mangle]
pub unsafe extern "C" fn hl_host_to_string(ip: i32) -> *mut vbyte {
    let b = ip.to_ne_bytes();
    let s = format!("{}.{}.{}.{}\0", b[0], b[1], b[2], b[3]);
    alloc_bytes_copy(s.as_bytes())
}

/// A fresh NUL-terminated copy of `name`, or null.
unsafe fn c_string(name: Option<Vec<u8>>) -> *mut vbyte {
    match name {
        Some(mut n) => {
            n.push(0);
            alloc_bytes_copy(&n)
        }
        None => null_mut(),
    }
}

/// `host_reverse`: the name of an address, or null.
#[no_mangle]
pub unsafe extern "C" fn hl_host_reverse(ip: i32) -> *mut vbyte {
    c_string(blocking(|| net::reverse(ip as u32)))
}

/// `host_local`: this machine's host name, or null.
#[no_mangle]
pub unsafe extern "C" fn hl_host_local() -> *mut vbyte {
    c_string(net::host_name())
}

/// `socket_connect`: true once connected, or (non-blocking) while the connection is in progress.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_connect(s: *mut hl_socket, host: i32, port: i32) -> bool {
    if s.is_null() {
        return false;
    }
    match blocking(|| net::connect((*s).sock, host as u32, port as u16)) {
        Ok(()) => true,
        Err(would_block) => would_block,
    }
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_listen(s: *mut hl_socket, n: i32) -> bool {
    !s.is_null() && net::listen((*s).sock, n)
}

/// `socket_bind` (with `SO_REUSEADDR`, as libhl does outside Windows).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_bind(s: *mut hl_socket, host: i32, port: i32) -> bool {
    !s.is_null() && net::bind((*s).sock, host as u32, port as u16)
}

/// `socket_accept`: the new connection, or null (also when it would block).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_accept(s: *mut hl_socket) -> *mut hl_socket {
    if s.is_null() {
        return null_mut();
    }
    match blocking(|| net::accept((*s).sock)) {
        Some(n) => new_handle(n),
        None => null_mut(),
    }
}

unsafe fn sock_name(s: *mut hl_socket, peer: bool, host: *mut i32, port: *mut i32) -> bool {
    if s.is_null() {
        return false;
    }
    let Some((h, p)) = net::name((*s).sock, peer) else { return false };
    super::set_out(host, h as i32);
    super::set_out(port, p as i32);
    true
}

/// `socket_peer`: the remote address and port.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_peer(s: *mut hl_socket, host: *mut i32, port: *mut i32) -> bool {
    sock_name(s, true, host, port)
}

/// `socket_host`: the local address and port.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_host(s: *mut hl_socket, host: *mut i32, port: *mut i32) -> bool {
    sock_name(s, false, host, port)
}

/// `socket_set_timeout`: send and receive timeouts in seconds (0: none).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_set_timeout(s: *mut hl_socket, t: f64) -> bool {
    !s.is_null() && net::set_timeout((*s).sock, t)
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_shutdown(s: *mut hl_socket, r: bool, w: bool) -> bool {
    if s.is_null() {
        return false;
    }
    if !r && !w {
        return true;
    }
    net::shutdown((*s).sock, r, w)
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_set_blocking(s: *mut hl_socket, b: bool) -> bool {
    !s.is_null() && net::set_blocking((*s).sock, b)
}

/// `socket_set_fast_send`: `TCP_NODELAY`.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_set_fast_send(s: *mut hl_socket, b: bool) -> bool {
    !s.is_null() && net::set_no_delay((*s).sock, b)
}

/// `socket_send_to`: a datagram to `host:port`; bytes sent, or -1 / -2.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_send_to(s: *mut hl_socket, data: *mut c_char, len: i32, host: i32, port: i32) -> i32 {
    if s.is_null() {
        return -2;
    }
    count(blocking(|| net::send_to((*s).sock, data as *const u8, len.max(0) as usize, host as u32, port as u16)))
}

/// `socket_recv_from`: a datagram and its sender; bytes received, or -1 / -2.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_recv_from(
    s: *mut hl_socket,
    data: *mut c_char,
    len: i32,
    host: *mut i32,
    port: *mut i32,
) -> i32 {
    if s.is_null() {
        return -2;
    }
    match blocking(|| net::recv_from((*s).sock, data as *mut u8, len.max(0) as usize)) {
        Ok((n, h, p)) => {
            super::set_out(host, h as i32);
            super::set_out(port, p as i32);
            n as i32
        }
        Err(e) => count(Err(e)),
    }
}

/// `socket_fd_size`: scratch bytes `socket_select` needs for an array of
/// `size` sockets (`sizeof(fd_set)`), or -1 above `FD_SETSIZE`.
#[no_mangle]
pub extern "C" fn hl_socket_fd_size(size: i32) -> i32 {
    if size > net::FD_SETSIZE as i32 {
        return -1;
    }
    net::FD_SET_BYTES as i32
}

/// The sockets of a select array, up to its first null entry.
unsafe fn select_items(a: *mut varray) -> &'static mut [*mut hl_socket] {
    if a.is_null() {
        return &mut [];
    }
    let items = ::std::slice::from_raw_parts_mut(varray::data(a) as *mut *mut hl_socket, (*a).size.max(0) as usize);
    let n = items.iter().position(|s| s.is_null()).unwrap_or(items.len());
    &mut items[..n]
}

/// Keeps the ready sockets at the front of `a` (in order), then a null if there is room.
unsafe fn select_result(a: *mut varray, ready: &[net::Watch]) {
    if a.is_null() {
        return;
    }
    let size = (*a).size.max(0) as usize;
    let items = ::std::slice::from_raw_parts_mut(varray::data(a) as *mut *mut hl_socket, size);
    let n = items.iter().position(|s| s.is_null()).unwrap_or(size);
    let mut pos = 0;
    for i in 0..n {
        if ready[i].ready {
            items[pos] = items[i];
            pos += 1;
        }
    }
    if pos < size {
        items[pos] = null_mut();
    }
}

/// `socket_select`: waits until a socket of `ra` is readable, one of `wa`
/// writable or one of `ea` has exceptional data, or `timeout` seconds (< 0:
/// forever). Each non-null array is then reduced in place to its ready
/// sockets, followed by a null. False on error or if `tmp_size` is too small.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_select(
    ra: *mut varray,
    wa: *mut varray,
    ea: *mut varray,
    _tmp: *mut c_char,
    tmp_size: i32,
    timeout: f64,
) -> bool {
    let mut room = tmp_size;
    for a in [ra, wa, ea] {
        if a.is_null() {
            continue;
        }
        let req = hl_socket_fd_size((*a).size);
        if room < req {
            return false;
        }
        room -= req;
    }
    let mut watch: Vec<net::Watch> = Vec::new();
    let mut starts = [0usize; 4];
    for (k, a) in [ra, wa, ea].into_iter().enumerate() {
        starts[k] = watch.len();
        for s in select_items(a) {
            if (**s).sock < 0 {
                // select() rejects a closed descriptor.
                return false;
            }
            watch.push(net::Watch { fd: (**s).sock, kind: k as u8, ready: false });
        }
    }
    starts[3] = watch.len();
    match blocking(|| net::wait(&mut watch, timeout)) {
        None => false,
        Some(false) => true,
        Some(true) => {
            for (k, a) in [ra, wa, ea].into_iter().enumerate() {
                select_result(a, &watch[starts[k]..starts[k + 1]]);
            }
            true
        }
    }
}
