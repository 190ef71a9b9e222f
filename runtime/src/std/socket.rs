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

// The natives' contracts are those of hl.h; C types are cast explicitly for portability.
#![allow(clippy::missing_safety_doc, clippy::unnecessary_cast)]

use super::alloc_bytes_copy;
use crate::abi::*;
use crate::gc::{hl_blocking, hl_gc_alloc_gen};
use ::std::ffi::{c_char, c_int, c_void, CStr};
use ::std::mem::{size_of, zeroed};
use ::std::ptr::null_mut;

/// `hl_socket`: the descriptor (-1 once closed).
#[repr(C)]
pub struct hl_socket {
    pub sock: i32,
}

extern "C" {
    fn inet_addr(cp: *const c_char) -> u32;
    fn gethostbyname_r(
        name: *const c_char,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn gethostbyaddr_r(
        addr: *const c_void,
        len: libc::socklen_t,
        kind: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
}

fn errno() -> i32 {
    ::std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// The result of a failed send/receive: -1 if it would block, -2 otherwise.
fn block_error() -> i32 {
    match errno() {
        libc::EAGAIN | libc::EINPROGRESS | libc::EALREADY => -1,
        #[allow(unreachable_patterns)]
        libc::EWOULDBLOCK => -1,
        _ => -2,
    }
}

unsafe fn new_handle(fd: i32) -> *mut hl_socket {
    let h = hl_gc_alloc_gen(hlt_bytes.get(), size_of::<hl_socket>() as i32, mem::KIND_NOPTR) as *mut hl_socket;
    (*h).sock = fd;
    h
}

fn sockaddr(host: i32, port: i32) -> libc::sockaddr_in {
    let mut a: libc::sockaddr_in = unsafe { zeroed() };
    a.sin_family = libc::AF_INET as libc::sa_family_t;
    a.sin_port = (port as u16).to_be();
    a.sin_addr.s_addr = host as u32;
    a
}

/// `socket_init`: nothing to do outside Windows.
#[no_mangle]
pub extern "C" fn hl_socket_init() {}

/// `socket_new`: a TCP (or UDP) IPv4 socket, or null.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_new(udp: bool) -> *mut hl_socket {
    let ty = if udp { libc::SOCK_DGRAM } else { libc::SOCK_STREAM };
    let s = libc::socket(libc::AF_INET, ty | libc::SOCK_CLOEXEC, 0);
    if s < 0 {
        return null_mut();
    }
    new_handle(s)
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_set_broadcast(s: *mut hl_socket, b: bool) -> bool {
    if s.is_null() {
        return false;
    }
    set_int_opt((*s).sock, libc::SOL_SOCKET, libc::SO_BROADCAST, b as c_int)
}

unsafe fn set_int_opt(fd: i32, level: c_int, name: c_int, v: c_int) -> bool {
    libc::setsockopt(fd, level, name, (&v as *const c_int).cast(), size_of::<c_int>() as libc::socklen_t) == 0
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_close(s: *mut hl_socket) {
    if s.is_null() {
        return;
    }
    if (*s).sock >= 0 {
        libc::close((*s).sock);
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
    hl_blocking(true);
    let r = libc::send((*s).sock, (&b as *const u8).cast(), 1, libc::MSG_NOSIGNAL);
    hl_blocking(false);
    if r < 0 {
        return block_error();
    }
    1
}

/// `socket_send`: bytes sent, or -1 (would block) / -2 (error).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_send(s: *mut hl_socket, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    if s.is_null() {
        return -2;
    }
    hl_blocking(true);
    let r = libc::send((*s).sock, buf.add(pos as usize).cast(), len.max(0) as usize, libc::MSG_NOSIGNAL);
    hl_blocking(false);
    if r < 0 {
        return block_error();
    }
    r as i32
}

/// `socket_recv`: bytes received (0 when the peer closed), or -1 (would block) / -2 (error).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_recv(s: *mut hl_socket, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    if s.is_null() {
        return -2;
    }
    hl_blocking(true);
    let r = libc::recv((*s).sock, buf.add(pos as usize).cast(), len.max(0) as usize, libc::MSG_NOSIGNAL);
    hl_blocking(false);
    if r < 0 {
        return block_error();
    }
    r as i32
}

/// `socket_recv_char`: one byte, or -1 (would block) / -2 (error or closed).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_recv_char(s: *mut hl_socket) -> i32 {
    if s.is_null() {
        return -2;
    }
    let mut b = 0u8;
    hl_blocking(true);
    let r = libc::recv((*s).sock, (&mut b as *mut u8).cast(), 1, libc::MSG_NOSIGNAL);
    hl_blocking(false);
    if r < 0 {
        return block_error();
    }
    if r == 0 {
        return -2;
    }
    b as i32
}

/// `host_resolve`: a dotted address or a host name (UTF-8) to an IPv4
/// address, or -1 if it cannot be resolved.
#[no_mangle]
pub unsafe extern "C" fn hl_host_resolve(host: *mut vbyte) -> i32 {
    if host.is_null() {
        return -1;
    }
    hl_blocking(true);
    let mut ip = inet_addr(host as *const c_char);
    if ip == libc::INADDR_NONE {
        let mut he: libc::hostent = zeroed();
        let mut res: *mut libc::hostent = null_mut();
        let mut herr: c_int = 0;
        let mut buf = vec![0 as c_char; 1024];
        loop {
            let r = gethostbyname_r(host as *const c_char, &mut he, buf.as_mut_ptr(), buf.len(), &mut res, &mut herr);
            if r == libc::ERANGE && buf.len() < 1 << 20 {
                buf = vec![0; buf.len() * 4];
                continue;
            }
            break;
        }
        if res.is_null() || (*res).h_addr_list.is_null() || (*(*res).h_addr_list).is_null() {
            hl_blocking(false);
            return -1;
        }
        ip = ((*(*res).h_addr_list) as *const u32).read_unaligned();
    }
    hl_blocking(false);
    ip as i32
}

/// `host_to_string`: the dotted form of an address (a fresh NUL-terminated string).
#[no_mangle]
pub unsafe extern "C" fn hl_host_to_string(ip: i32) -> *mut vbyte {
    let b = ip.to_ne_bytes();
    let s = format!("{}.{}.{}.{}\0", b[0], b[1], b[2], b[3]);
    alloc_bytes_copy(s.as_bytes())
}

/// `host_reverse`: the name of an address, or null.
#[no_mangle]
pub unsafe extern "C" fn hl_host_reverse(ip: i32) -> *mut vbyte {
    let addr = ip as u32;
    let mut he: libc::hostent = zeroed();
    let mut res: *mut libc::hostent = null_mut();
    let mut herr: c_int = 0;
    let mut buf = vec![0 as c_char; 1024];
    hl_blocking(true);
    loop {
        let r = gethostbyaddr_r(
            (&addr as *const u32).cast(),
            4,
            libc::AF_INET,
            &mut he,
            buf.as_mut_ptr(),
            buf.len(),
            &mut res,
            &mut herr,
        );
        if r == libc::ERANGE && buf.len() < 1 << 20 {
            buf = vec![0; buf.len() * 4];
            continue;
        }
        break;
    }
    hl_blocking(false);
    if res.is_null() || (*res).h_name.is_null() {
        return null_mut();
    }
    alloc_bytes_copy(CStr::from_ptr((*res).h_name).to_bytes_with_nul())
}

/// `host_local`: this machine's host name, or null.
#[no_mangle]
pub unsafe extern "C" fn hl_host_local() -> *mut vbyte {
    let mut buf = [0 as c_char; 256];
    if libc::gethostname(buf.as_mut_ptr(), buf.len()) != 0 {
        return null_mut();
    }
    buf[255] = 0;
    alloc_bytes_copy(CStr::from_ptr(buf.as_ptr()).to_bytes_with_nul())
}

/// `socket_connect`: true once connected, or (non-blocking) while the connection is in progress.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_connect(s: *mut hl_socket, host: i32, port: i32) -> bool {
    if s.is_null() {
        return false;
    }
    let addr = sockaddr(host, port);
    hl_blocking(true);
    let r = libc::connect(
        (*s).sock,
        (&addr as *const libc::sockaddr_in).cast(),
        size_of::<libc::sockaddr_in>() as libc::socklen_t,
    );
    if r != 0 {
        let err = block_error();
        hl_blocking(false);
        return err == -1;
    }
    hl_blocking(false);
    true
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_listen(s: *mut hl_socket, n: i32) -> bool {
    if s.is_null() {
        return false;
    }
    libc::listen((*s).sock, n) == 0
}

/// `socket_bind` (with `SO_REUSEADDR`, as libhl does outside Windows).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_bind(s: *mut hl_socket, host: i32, port: i32) -> bool {
    if s.is_null() {
        return false;
    }
    let addr = sockaddr(host, port);
    set_int_opt((*s).sock, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1);
    libc::bind((*s).sock, (&addr as *const libc::sockaddr_in).cast(), size_of::<libc::sockaddr_in>() as libc::socklen_t)
        == 0
}

/// `socket_accept`: the new connection, or null (also when it would block).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_accept(s: *mut hl_socket) -> *mut hl_socket {
    if s.is_null() {
        return null_mut();
    }
    let mut addr: libc::sockaddr_in = zeroed();
    let mut len = size_of::<libc::sockaddr_in>() as libc::socklen_t;
    hl_blocking(true);
    let n = libc::accept4((*s).sock, (&mut addr as *mut libc::sockaddr_in).cast(), &mut len, libc::SOCK_CLOEXEC);
    hl_blocking(false);
    if n < 0 {
        return null_mut();
    }
    new_handle(n)
}

type NameFn = unsafe extern "C" fn(c_int, *mut libc::sockaddr, *mut libc::socklen_t) -> c_int;

unsafe fn sock_name(s: *mut hl_socket, f: NameFn, host: *mut i32, port: *mut i32) -> bool {
    if s.is_null() {
        return false;
    }
    let mut addr: libc::sockaddr_in = zeroed();
    let mut len = size_of::<libc::sockaddr_in>() as libc::socklen_t;
    if f((*s).sock, (&mut addr as *mut libc::sockaddr_in).cast(), &mut len) != 0 {
        return false;
    }
    super::set_out(host, addr.sin_addr.s_addr as i32);
    super::set_out(port, u16::from_be(addr.sin_port) as i32);
    true
}

/// `socket_peer`: the remote address and port.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_peer(s: *mut hl_socket, host: *mut i32, port: *mut i32) -> bool {
    sock_name(s, libc::getpeername, host, port)
}

/// `socket_host`: the local address and port.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_host(s: *mut hl_socket, host: *mut i32, port: *mut i32) -> bool {
    sock_name(s, libc::getsockname, host, port)
}

/// Seconds as a `timeval`, truncating each part to `int` as libhl does.
fn timeval_of(t: f64) -> libc::timeval {
    let sec = t as i32;
    libc::timeval { tv_sec: sec as _, tv_usec: ((t - sec as f64) * 1000000.0) as i32 as _ }
}

/// `socket_set_timeout`: send and receive timeouts in seconds (0: none).
#[no_mangle]
pub unsafe extern "C" fn hl_socket_set_timeout(s: *mut hl_socket, t: f64) -> bool {
    if s.is_null() {
        return false;
    }
    let tv = timeval_of(t);
    let sz = size_of::<libc::timeval>() as libc::socklen_t;
    let p = (&tv as *const libc::timeval).cast();
    libc::setsockopt((*s).sock, libc::SOL_SOCKET, libc::SO_SNDTIMEO, p, sz) == 0
        && libc::setsockopt((*s).sock, libc::SOL_SOCKET, libc::SO_RCVTIMEO, p, sz) == 0
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_shutdown(s: *mut hl_socket, r: bool, w: bool) -> bool {
    if s.is_null() {
        return false;
    }
    if !r && !w {
        return true;
    }
    let how = match (r, w) {
        (true, true) => libc::SHUT_RDWR,
        (true, false) => libc::SHUT_RD,
        _ => libc::SHUT_WR,
    };
    libc::shutdown((*s).sock, how) == 0
}

#[no_mangle]
pub unsafe extern "C" fn hl_socket_set_blocking(s: *mut hl_socket, b: bool) -> bool {
    if s.is_null() {
        return false;
    }
    let fl = libc::fcntl((*s).sock, libc::F_GETFL);
    if fl == -1 {
        return false;
    }
    let fl = if b { fl & !libc::O_NONBLOCK } else { fl | libc::O_NONBLOCK };
    libc::fcntl((*s).sock, libc::F_SETFL, fl) != -1
}

/// `socket_set_fast_send`: `TCP_NODELAY`.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_set_fast_send(s: *mut hl_socket, b: bool) -> bool {
    if s.is_null() {
        return false;
    }
    set_int_opt((*s).sock, libc::IPPROTO_TCP, libc::TCP_NODELAY, b as c_int)
}

/// `socket_send_to`: a datagram to `host:port`; bytes sent, or -1 / -2.
#[no_mangle]
pub unsafe extern "C" fn hl_socket_send_to(s: *mut hl_socket, data: *mut c_char, len: i32, host: i32, port: i32) -> i32 {
    if s.is_null() {
        return -2;
    }
    let addr = sockaddr(host, port);
    hl_blocking(true);
    let r = libc::sendto(
        (*s).sock,
        data.cast(),
        len.max(0) as usize,
        libc::MSG_NOSIGNAL,
        (&addr as *const libc::sockaddr_in).cast(),
        size_of::<libc::sockaddr_in>() as libc::socklen_t,
    );
    hl_blocking(false);
    if r < 0 {
        return block_error();
    }
    r as i32
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
    let mut addr: libc::sockaddr_in = zeroed();
    let mut alen = size_of::<libc::sockaddr_in>() as libc::socklen_t;
    hl_blocking(true);
    let r = libc::recvfrom(
        (*s).sock,
        data.cast(),
        len.max(0) as usize,
        libc::MSG_NOSIGNAL,
        (&mut addr as *mut libc::sockaddr_in).cast(),
        &mut alen,
    );
    hl_blocking(false);
    if r < 0 {
        return block_error();
    }
    super::set_out(host, addr.sin_addr.s_addr as i32);
    super::set_out(port, u16::from_be(addr.sin_port) as i32);
    r as i32
}

/// `socket_fd_size`: scratch bytes `socket_select` needs for an array of
/// `size` sockets (`sizeof(fd_set)`), or -1 above `FD_SETSIZE`.
#[no_mangle]
pub extern "C" fn hl_socket_fd_size(size: i32) -> i32 {
    if size > libc::FD_SETSIZE as i32 {
        return -1;
    }
    size_of::<libc::fd_set>() as i32
}

// What select(2) reports on Linux for each set, in poll(2) terms.
const READ_EVENTS: libc::c_short = libc::POLLIN | libc::POLLRDNORM | libc::POLLRDBAND | libc::POLLHUP | libc::POLLERR;
const WRITE_EVENTS: libc::c_short = libc::POLLOUT | libc::POLLWRNORM | libc::POLLWRBAND | libc::POLLERR;
const EXCEPT_EVENTS: libc::c_short = libc::POLLPRI;

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
unsafe fn select_result(a: *mut varray, first: usize, fds: &[libc::pollfd], mask: libc::c_short) {
    if a.is_null() {
        return;
    }
    let size = (*a).size.max(0) as usize;
    let items = ::std::slice::from_raw_parts_mut(varray::data(a) as *mut *mut hl_socket, size);
    let n = items.iter().position(|s| s.is_null()).unwrap_or(size);
    let mut pos = 0;
    for i in 0..n {
        if fds[first + i].revents & mask != 0 {
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
    let mut fds: Vec<libc::pollfd> = Vec::new();
    let mut starts = [0usize; 3];
    for (k, (a, ev)) in [(ra, libc::POLLIN), (wa, libc::POLLOUT), (ea, libc::POLLPRI)].into_iter().enumerate() {
        starts[k] = fds.len();
        for s in select_items(a) {
            if (**s).sock < 0 {
                // select() rejects a closed descriptor.
                return false;
            }
            fds.push(libc::pollfd { fd: (**s).sock, events: ev, revents: 0 });
        }
    }
    let tv = timeval_of(timeout.max(0.0));
    let ts = libc::timespec { tv_sec: tv.tv_sec, tv_nsec: tv.tv_usec as libc::c_long * 1000 };
    let ts_ptr: *const libc::timespec = if timeout < 0.0 { ::std::ptr::null() } else { &ts };
    hl_blocking(true);
    let r = libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ts_ptr, ::std::ptr::null());
    hl_blocking(false);
    if r < 0 {
        return errno() == libc::EINTR;
    }
    if fds.iter().any(|p| p.revents & libc::POLLNVAL != 0) {
        // select() fails with EBADF.
        return false;
    }
    select_result(ra, starts[0], &fds, READ_EVENTS);
    select_result(wa, starts[1], &fds, WRITE_EVENTS);
    select_result(ea, starts[2], &fds, EXCEPT_EVENTS);
    true
}
