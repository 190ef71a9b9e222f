//! IPv4 sockets on POSIX systems, for `std/socket.rs`: BSD sockets as they
//! are, with close-on-exec descriptors and no `SIGPIPE` on sends.
//! Addresses are IPv4 addresses in network byte order (the bytes of the
//! `in_addr`) and ports in host order. A failed call reports whether it
//! would have blocked (`Err(true)`) or failed otherwise (`Err(false)`),
//! read from `errno` before anything else can change it.

use std::ffi::{c_char, c_int, CStr};
use std::mem::{size_of, zeroed};
use std::ptr::null_mut;

/// `sizeof(fd_set)`: what libhl's `socket_fd_size` reports per array.
pub const FD_SET_BYTES: usize = size_of::<libc::fd_set>();
/// The most sockets libhl's `select` takes per array.
#[allow(clippy::unnecessary_cast)] // not `usize` in every libc binding
pub const FD_SETSIZE: usize = libc::FD_SETSIZE as usize;

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Whether the last call failed because it would block (or is in progress).
fn failure() -> bool {
    let e = errno();
    e == libc::EAGAIN || e == libc::EWOULDBLOCK || e == libc::EINPROGRESS || e == libc::EALREADY
}

fn result(r: isize) -> Result<usize, bool> {
    if r < 0 {
        Err(failure())
    } else {
        Ok(r as usize)
    }
}

fn sockaddr(host: u32, port: u16) -> libc::sockaddr_in {
    // SAFETY: sockaddr_in is plain data; all zeroes is valid.
    let mut a: libc::sockaddr_in = unsafe { zeroed() };
    a.sin_family = libc::AF_INET as libc::sa_family_t;
    a.sin_port = port.to_be();
    a.sin_addr.s_addr = host;
    a
}

const ADDR_LEN: libc::socklen_t = size_of::<libc::sockaddr_in>() as libc::socklen_t;

/// Nothing to start outside Windows.
pub fn init() {}

/// A new TCP (or UDP) socket, or `None`.
pub fn socket(udp: bool) -> Option<i32> {
    let ty = if udp { libc::SOCK_DGRAM } else { libc::SOCK_STREAM };
    // SAFETY: no pointers.
    let s = unsafe { libc::socket(libc::AF_INET, ty | libc::SOCK_CLOEXEC, 0) };
    (s >= 0).then_some(s)
}

/// Closes `fd`.
pub fn close(fd: i32) {
    // SAFETY: no pointers; a stale descriptor only fails.
    unsafe { libc::close(fd) };
}

/// Sends `buf[..len]`.
///
/// # Safety
/// `buf` is readable for `len` bytes.
pub unsafe fn send(fd: i32, buf: *const u8, len: usize) -> Result<usize, bool> {
    send_with(fd, buf, len, false)
}

/// [`send`], without waiting if `dont_wait` (even on a blocking socket).
///
/// # Safety
/// `buf` is readable for `len` bytes.
pub unsafe fn send_with(fd: i32, buf: *const u8, len: usize, dont_wait: bool) -> Result<usize, bool> {
    let flags = libc::MSG_NOSIGNAL | if dont_wait { libc::MSG_DONTWAIT } else { 0 };
    result(libc::send(fd, buf.cast(), len, flags))
}

/// Receives into `buf[..len]` (0: the peer closed).
///
/// # Safety
/// `buf` is writable for `len` bytes.
pub unsafe fn recv(fd: i32, buf: *mut u8, len: usize) -> Result<usize, bool> {
    result(libc::recv(fd, buf.cast(), len, libc::MSG_NOSIGNAL))
}

/// Sends a datagram to `host:port`.
///
/// # Safety
/// `buf` is readable for `len` bytes.
pub unsafe fn send_to(fd: i32, buf: *const u8, len: usize, host: u32, port: u16) -> Result<usize, bool> {
    let a = sockaddr(host, port);
    result(libc::sendto(fd, buf.cast(), len, libc::MSG_NOSIGNAL, (&a as *const libc::sockaddr_in).cast(), ADDR_LEN))
}

/// Receives a datagram; its size and sender.
///
/// # Safety
/// `buf` is writable for `len` bytes.
pub unsafe fn recv_from(fd: i32, buf: *mut u8, len: usize) -> Result<(usize, u32, u16), bool> {
    let mut a: libc::sockaddr_in = zeroed();
    let mut alen = ADDR_LEN;
    let n = result(libc::recvfrom(fd, buf.cast(), len, libc::MSG_NOSIGNAL, (&mut a as *mut libc::sockaddr_in).cast(), &mut alen))?;
    Ok((n, a.sin_addr.s_addr, u16::from_be(a.sin_port)))
}

/// Connects to `host:port`.
pub fn connect(fd: i32, host: u32, port: u16) -> Result<(), bool> {
    let a = sockaddr(host, port);
    // SAFETY: `a` is a sockaddr_in of the length passed.
    let r = unsafe { libc::connect(fd, (&a as *const libc::sockaddr_in).cast(), ADDR_LEN) };
    result(r as isize).map(|_| ())
}

/// Binds to `host:port`, with `SO_REUSEADDR` as libhl sets it outside Windows.
pub fn bind(fd: i32, host: u32, port: u16) -> bool {
    set_flag(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, true);
    let a = sockaddr(host, port);
    // SAFETY: `a` is a sockaddr_in of the length passed.
    unsafe { libc::bind(fd, (&a as *const libc::sockaddr_in).cast(), ADDR_LEN) == 0 }
}

pub fn listen(fd: i32, n: i32) -> bool {
    // SAFETY: no pointers.
    unsafe { libc::listen(fd, n) == 0 }
}

/// The next connection (close-on-exec), or `None` (also when it would block).
pub fn accept(fd: i32) -> Option<i32> {
    // SAFETY: null address and length: the peer's address is not wanted.
    let n = unsafe { libc::accept4(fd, null_mut(), null_mut(), libc::SOCK_CLOEXEC) };
    (n >= 0).then_some(n)
}

/// The remote (`peer`) or local address and port.
pub fn name(fd: i32, peer: bool) -> Option<(u32, u16)> {
    // SAFETY: plain data, then a sockaddr_in and its length for the call to fill.
    unsafe {
        let mut a: libc::sockaddr_in = zeroed();
        let mut len = ADDR_LEN;
        let p = (&mut a as *mut libc::sockaddr_in).cast();
        let r = if peer { libc::getpeername(fd, p, &mut len) } else { libc::getsockname(fd, p, &mut len) };
        (r == 0).then(|| (a.sin_addr.s_addr, u16::from_be(a.sin_port)))
    }
}

fn set_flag(fd: i32, level: c_int, name: c_int, on: bool) -> bool {
    let v = on as c_int;
    // SAFETY: an int option of its size.
    unsafe { libc::setsockopt(fd, level, name, (&v as *const c_int).cast(), size_of::<c_int>() as libc::socklen_t) == 0 }
}

pub fn set_broadcast(fd: i32, on: bool) -> bool {
    set_flag(fd, libc::SOL_SOCKET, libc::SO_BROADCAST, on)
}

pub fn set_no_delay(fd: i32, on: bool) -> bool {
    set_flag(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, on)
}

/// Seconds as a `timeval`, truncating each part to `int` as libhl does.
fn timeval_of(t: f64) -> libc::timeval {
    let sec = t as i32;
    libc::timeval { tv_sec: sec as _, tv_usec: ((t - sec as f64) * 1000000.0) as i32 as _ }
}

/// Send and receive timeouts, in seconds (0: none).
pub fn set_timeout(fd: i32, t: f64) -> bool {
    let tv = timeval_of(t);
    let sz = size_of::<libc::timeval>() as libc::socklen_t;
    let p = (&tv as *const libc::timeval).cast();
    // SAFETY: a timeval option of its size.
    unsafe {
        libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_SNDTIMEO, p, sz) == 0
            && libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_RCVTIMEO, p, sz) == 0
    }
}

/// Shuts down reading and/or writing (at least one).
pub fn shutdown(fd: i32, read: bool, write: bool) -> bool {
    let how = match (read, write) {
        (true, true) => libc::SHUT_RDWR,
        (true, false) => libc::SHUT_RD,
        _ => libc::SHUT_WR,
    };
    // SAFETY: no pointers.
    unsafe { libc::shutdown(fd, how) == 0 }
}

pub fn set_blocking(fd: i32, blocking: bool) -> bool {
    // SAFETY: no pointers.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        if fl == -1 {
            return false;
        }
        let fl = if blocking { fl & !libc::O_NONBLOCK } else { fl | libc::O_NONBLOCK };
        libc::fcntl(fd, libc::F_SETFL, fl) != -1
    }
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
        addr: *const libc::c_void,
        len: libc::socklen_t,
        kind: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
}

/// Calls a `*_r` resolver with a growing buffer; the entry it found.
unsafe fn with_hostent<R>(
    mut call: impl FnMut(*mut libc::hostent, *mut c_char, usize, *mut *mut libc::hostent, *mut c_int) -> c_int,
    read: impl FnOnce(&libc::hostent) -> Option<R>,
) -> Option<R> {
    let mut he: libc::hostent = zeroed();
    let mut res: *mut libc::hostent = null_mut();
    let mut herr: c_int = 0;
    let mut buf = vec![0 as c_char; 1024];
    loop {
        let r = call(&mut he, buf.as_mut_ptr(), buf.len(), &mut res, &mut herr);
        if r == libc::ERANGE && buf.len() < 1 << 20 {
            buf = vec![0; buf.len() * 4];
            continue;
        }
        break;
    }
    if res.is_null() {
        return None;
    }
    read(&*res)
}

/// A dotted address or a host name to an IPv4 address.
///
/// # Safety
/// `host` is NUL-terminated.
pub unsafe fn resolve(host: *const c_char) -> Option<u32> {
    let ip = inet_addr(host);
    if ip != libc::INADDR_NONE {
        return Some(ip);
    }
    with_hostent(
        |he, buf, len, res, herr| gethostbyname_r(host, he, buf, len, res, herr),
        |he| {
            if he.h_addr_list.is_null() || (*he.h_addr_list).is_null() {
                return None;
            }
            Some(((*he.h_addr_list) as *const u32).read_unaligned())
        },
    )
}

/// The name of an address (without its NUL).
pub fn reverse(ip: u32) -> Option<Vec<u8>> {
    // SAFETY: the address is 4 readable bytes; the buffers are the helper's.
    unsafe {
        with_hostent(
            |he, buf, len, res, herr| gethostbyaddr_r((&ip as *const u32).cast(), 4, libc::AF_INET, he, buf, len, res, herr),
            |he| (!he.h_name.is_null()).then(|| CStr::from_ptr(he.h_name).to_bytes().to_vec()),
        )
    }
}

/// This machine's host name.
pub fn host_name() -> Option<Vec<u8>> {
    let mut buf = [0 as c_char; 256];
    // SAFETY: the buffer's length is passed; the last byte is kept a NUL.
    unsafe {
        if libc::gethostname(buf.as_mut_ptr(), buf.len() - 1) != 0 {
            return None;
        }
        Some(CStr::from_ptr(buf.as_ptr()).to_bytes().to_vec())
    }
}

/// One socket `wait` watches: for reading (0), writing (1) or exceptional
/// data (2); `ready` is set if it is.
pub struct Watch {
    pub fd: i32,
    pub kind: u8,
    pub ready: bool,
}

// What select(2) reports on Linux for each set, in poll(2) terms.
const READY: [libc::c_short; 3] = [
    libc::POLLIN | libc::POLLRDNORM | libc::POLLRDBAND | libc::POLLHUP | libc::POLLERR,
    libc::POLLOUT | libc::POLLWRNORM | libc::POLLWRBAND | libc::POLLERR,
    libc::POLLPRI,
];
const ASK: [libc::c_short; 3] = [libc::POLLIN, libc::POLLOUT, libc::POLLPRI];

/// Waits until one of `w` is ready or `timeout` seconds passed (< 0:
/// forever), as `select` does: `Some(true)` once `ready` is set,
/// `Some(false)` if a signal interrupted the wait (nothing set), `None` on
/// error (a closed socket among them).
pub fn wait(w: &mut [Watch], timeout: f64) -> Option<bool> {
    let mut fds: Vec<libc::pollfd> = w.iter().map(|x| libc::pollfd { fd: x.fd, events: ASK[x.kind as usize], revents: 0 }).collect();
    let tv = timeval_of(timeout.max(0.0));
    let ts = libc::timespec { tv_sec: tv.tv_sec, tv_nsec: tv.tv_usec as libc::c_long * 1000 };
    let ts_ptr: *const libc::timespec = if timeout < 0.0 { std::ptr::null() } else { &ts };
    // SAFETY: `fds` holds the count passed; the timeout is null or valid.
    let r = unsafe { libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ts_ptr, std::ptr::null()) };
    if r < 0 {
        return (errno() == libc::EINTR).then_some(false);
    }
    if fds.iter().any(|p| p.revents & libc::POLLNVAL != 0) {
        // select() fails with EBADF.
        return None;
    }
    for (x, p) in w.iter_mut().zip(&fds) {
        x.ready = p.revents & READY[x.kind as usize] != 0;
    }
    Some(true)
}
