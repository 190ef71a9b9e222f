//! `std/socket.c`: IPv4 TCP/UDP sockets, host names and `select`.

use hlrt::abi::*;
use hlrt::std::array::hl_alloc_array;
use hlrt::std::socket::*;
use std::ffi::CStr;
use std::ptr::null_mut;

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

fn loopback() -> i32 {
    unsafe { hl_host_resolve(c"127.0.0.1".as_ptr() as *mut u8) }
}

unsafe fn sock_array(items: &[*mut hl_socket]) -> *mut varray {
    let a = hl_alloc_array(hlt_abstract.get(), items.len() as i32);
    for (i, s) in items.iter().enumerate() {
        *(varray::data(a) as *mut *mut hl_socket).add(i) = *s;
    }
    a
}

unsafe fn array_items(a: *mut varray) -> Vec<*mut hl_socket> {
    let p = varray::data(a) as *mut *mut hl_socket;
    (0..(*a).size as usize).map(|i| *p.add(i)).collect()
}

unsafe fn select(r: *mut varray, w: *mut varray, timeout: f64) -> bool {
    let mut tmp = [0u8; 1024];
    let size = 3 * hl_socket_fd_size(1000);
    hl_socket_select(r, w, null_mut(), tmp.as_mut_ptr().cast(), size, timeout)
}

#[test]
fn hosts() {
    no_gc();
    unsafe {
        let ip = loopback();
        assert_eq!(ip.to_ne_bytes(), [127, 0, 0, 1]);
        assert_eq!(CStr::from_ptr(hl_host_to_string(ip).cast()).to_bytes(), b"127.0.0.1");
        assert_eq!(hl_host_resolve(c"localhost".as_ptr() as *mut u8).to_ne_bytes()[0], 127);
        assert_eq!(hl_host_resolve(c"no-such-host.invalid".as_ptr() as *mut u8), -1);
        let ip = hl_host_resolve(c"10.1.2.3".as_ptr() as *mut u8);
        assert_eq!(CStr::from_ptr(hl_host_to_string(ip).cast()).to_bytes(), b"10.1.2.3");
        assert!(!CStr::from_ptr(hl_host_local().cast()).to_bytes().is_empty());
        let name = hl_host_reverse(loopback());
        if !name.is_null() {
            assert!(!CStr::from_ptr(name.cast()).to_bytes().is_empty());
        }
        assert_eq!(hl_socket_fd_size(10), std::mem::size_of::<libc::fd_set>() as i32);
        assert_eq!(hl_socket_fd_size(1 << 20), -1);
    }
}

#[test]
fn tcp_exchange() {
    no_gc();
    unsafe {
        hl_socket_init();
        let lo = loopback();
        let server = hl_socket_new(false);
        assert!(!server.is_null());
        assert!(hl_socket_bind(server, lo, 0));
        assert!(hl_socket_listen(server, 4));
        let (mut host, mut port) = (0, 0);
        assert!(hl_socket_host(server, &mut host, &mut port));
        assert_eq!(host, lo);
        assert!(port > 0);
        // Non-blocking accept with nothing pending.
        assert!(hl_socket_set_blocking(server, false));
        assert!(hl_socket_accept(server).is_null());

        let client = hl_socket_new(false);
        assert!(hl_socket_connect(client, lo, port));
        assert!(hl_socket_set_fast_send(client, true));
        let ra = sock_array(&[server]);
        assert!(select(ra, null_mut(), 5.0));
        assert_eq!(array_items(ra), vec![server]);
        let conn = hl_socket_accept(server);
        assert!(!conn.is_null());
        let (mut ph, mut pp) = (0, 0);
        assert!(hl_socket_peer(client, &mut ph, &mut pp));
        assert_eq!((ph, pp), (lo, port));
        let (mut ch, mut cp) = (0, 0);
        assert!(hl_socket_host(client, &mut ch, &mut cp));
        assert!(hl_socket_peer(conn, &mut ph, &mut pp));
        assert_eq!(pp, cp);

        let mut msg = *b"..hello";
        assert_eq!(hl_socket_send(client, msg.as_mut_ptr(), 2, 5), 5);
        assert_eq!(hl_socket_send_char(client, 0x121), 1);
        let mut buf = [0u8; 16];
        let ra = sock_array(&[client, conn]);
        assert!(select(ra, null_mut(), 5.0));
        assert_eq!(array_items(ra), vec![conn, null_mut()]);
        let mut got = 0;
        while got < 6 {
            let n = hl_socket_recv(conn, buf.as_mut_ptr(), got, 16 - got);
            assert!(n > 0);
            got += n;
        }
        assert_eq!(&buf[..6], b"hello!");

        // Nothing left: a non-blocking receive would block.
        assert!(hl_socket_set_blocking(conn, false));
        assert_eq!(hl_socket_recv(conn, buf.as_mut_ptr(), 0, 4), -1);
        assert_eq!(hl_socket_recv_char(conn), -1);
        let ra = sock_array(&[client, conn]);
        assert!(select(ra, null_mut(), 0.0));
        // As in libhl, only the entry after the last ready socket is cleared.
        assert_eq!(array_items(ra), vec![null_mut(), conn]);
        let wa = sock_array(&[client, conn]);
        assert!(select(null_mut(), wa, 0.0));
        assert_eq!(array_items(wa), vec![client, conn]);
        assert!(hl_socket_set_blocking(conn, true));

        // A receive timeout reports "would block".
        assert!(hl_socket_set_timeout(client, 0.02));
        assert_eq!(hl_socket_recv_char(client), -1);

        assert_eq!(hl_socket_send_char(conn, b'z' as i32), 1);
        assert_eq!(hl_socket_recv_char(client), b'z' as i32);
        assert!(hl_socket_shutdown(client, false, false));
        assert!(hl_socket_shutdown(client, false, true));
        assert_eq!(hl_socket_recv(conn, buf.as_mut_ptr(), 0, 4), 0);
        assert_eq!(hl_socket_recv_char(conn), -2);

        hl_socket_close(conn);
        hl_socket_close(client);
        hl_socket_close(server);
        assert_eq!((*client).sock, -1);
        assert_eq!(hl_socket_send(client, msg.as_mut_ptr(), 0, 1), -2);
        // Closed sockets make select fail; too small a scratch buffer too.
        assert!(!select(sock_array(&[client]), null_mut(), 0.0));
        let mut tmp = [0u8; 8];
        let fresh = hl_socket_new(false);
        assert!(!hl_socket_select(sock_array(&[fresh]), null_mut(), null_mut(), tmp.as_mut_ptr().cast(), 8, 0.0));
        hl_socket_close(fresh);

        // Nobody listens any more.
        let c2 = hl_socket_new(false);
        assert!(!hl_socket_connect(c2, lo, port));
        hl_socket_close(c2);
    }
}

#[test]
fn udp_and_null_handles() {
    no_gc();
    unsafe {
        let lo = loopback();
        let a = hl_socket_new(true);
        let b = hl_socket_new(true);
        assert!(hl_socket_bind(a, lo, 0));
        assert!(hl_socket_set_broadcast(b, true));
        let (mut h, mut port) = (0, 0);
        assert!(hl_socket_host(a, &mut h, &mut port));
        let mut msg = *b"datagram";
        assert_eq!(hl_socket_send_to(b, msg.as_mut_ptr().cast(), 8, lo, port), 8);
        let mut buf = [0u8; 32];
        let (mut fh, mut fp) = (0, 0);
        assert_eq!(hl_socket_recv_from(a, buf.as_mut_ptr().cast(), 32, &mut fh, &mut fp), 8);
        assert_eq!(&buf[..8], b"datagram");
        let (mut bh, mut bp) = (0, 0);
        assert!(hl_socket_host(b, &mut bh, &mut bp));
        assert_eq!((fh, fp), (lo, bp));
        assert!(hl_socket_set_blocking(a, false));
        assert_eq!(hl_socket_recv_from(a, buf.as_mut_ptr().cast(), 32, &mut fh, &mut fp), -1);
        hl_socket_close(a);
        hl_socket_close(b);

        let n = null_mut();
        let mut x = 0;
        assert!(!hl_socket_set_broadcast(n, true));
        assert_eq!(hl_socket_send_char(n, 1), -2);
        assert_eq!(hl_socket_send(n, buf.as_mut_ptr(), 0, 1), -2);
        assert_eq!(hl_socket_recv(n, buf.as_mut_ptr(), 0, 1), -2);
        assert_eq!(hl_socket_recv_char(n), -2);
        assert!(!hl_socket_connect(n, lo, 1));
        assert!(!hl_socket_listen(n, 1));
        assert!(!hl_socket_bind(n, lo, 1));
        assert!(hl_socket_accept(n).is_null());
        assert!(!hl_socket_peer(n, &mut x, &mut x));
        assert!(!hl_socket_host(n, &mut x, &mut x));
        assert!(!hl_socket_set_timeout(n, 1.0));
        assert!(!hl_socket_shutdown(n, true, true));
        assert!(!hl_socket_set_blocking(n, true));
        assert!(!hl_socket_set_fast_send(n, true));
        assert_eq!(hl_socket_send_to(n, buf.as_mut_ptr().cast(), 1, lo, 1), -2);
        assert_eq!(hl_socket_recv_from(n, buf.as_mut_ptr().cast(), 1, &mut x, &mut x), -2);
        hl_socket_close(n);
        // select with no sockets only waits.
        assert!(select(null_mut(), null_mut(), 0.001));
    }
}
