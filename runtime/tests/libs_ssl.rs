//! `libs/ssl`: real TLS handshakes between a client and a server over
//! 127.0.0.1 through the natives (non-blocking in one thread, and blocking in
//! two), host name and CA verification, verify modes, client certificates,
//! SNI callbacks, certificate and key loading, digests and signatures.
//!
//! The certificates in `tests/data/ssl` were made with openssl (valid for a
//! century): `ca.pem` (EC P-256 CA), `server.pem` (CN=localhost, SAN
//! DNS:localhost and IP:127.0.0.1, RSA 2048 key `server.key` in PKCS#1,
//! public half `server_pub.pem`), `client.pem` (EC key `client.key` in SEC1,
//! `client_pkcs8.key` in PKCS#8).
//!
//! Natives that throw end the process without an exception handler, so
//! error cases run in a child process (this test binary re-run on
//! `error_child`) whose stderr is checked.

use hlrt::abi::*;
use hlrt::libs::ssl::*;
use hlrt::std::ucs2::ucs2_to_string;
use std::ffi::{c_void, CString};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The tests keep GC pointers in Rust memory the collector does not scan.
fn no_gc() {
    hlrt::gc::hl_gc_enable(false);
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ssl").join(name)
}

fn cstr(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn read(name: &str) -> CString {
    CString::new(std::fs::read(data(name)).unwrap()).unwrap()
}

fn p(c: &CString) -> *mut vbyte {
    c.as_ptr() as *mut vbyte
}

unsafe fn load_cert(name: &str) -> *mut hl_ssl_cert {
    let path = cstr(data(name).to_str().unwrap());
    ssl_cert_load_file(p(&path))
}

unsafe fn load_key(name: &str) -> *mut hl_ssl_pkey {
    ssl_key_from_pem(p(&read(name)), false, null_mut())
}

unsafe fn ucs2(s: *mut vbyte) -> Option<String> {
    if s.is_null() {
        None
    } else {
        Some(ucs2_to_string(s as *const u16))
    }
}

/// A connected TCP pair on 127.0.0.1: (client, server-side accepted stream).
fn tcp_pair(nonblocking: bool) -> (TcpStream, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (s, _) = l.accept().unwrap();
    c.set_nonblocking(nonblocking).unwrap();
    s.set_nonblocking(nonblocking).unwrap();
    (c, s)
}

/// `hl_socket` as the std natives lay it out: the descriptor first.
#[repr(C)]
struct Sock {
    fd: i32,
}

struct Settings {
    server_verify: i32,
    server_ca: bool,
    client_verify: i32,
    client_ca: bool,
    client_cert: bool,
    hostname: Option<&'static str>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { server_verify: 0, server_ca: false, client_verify: 1, client_ca: true, client_cert: false, hostname: Some("localhost") }
    }
}

struct Pair {
    client: *mut SslCtx,
    server: *mut SslCtx,
    _socks: (TcpStream, TcpStream, Box<Sock>, Box<Sock>),
}

unsafe fn server_conf(verify: i32, ca: bool) -> *mut SslConf {
    let conf = ssl_conf_new(true);
    ssl_conf_set_cert(conf, load_cert("server.pem"), load_key("server.key"));
    if ca {
        ssl_conf_set_ca(conf, load_cert("ca.pem"));
    }
    ssl_conf_set_verify(conf, verify);
    conf
}

unsafe fn pair_with(s: &Settings, sconf: *mut SslConf, nonblocking: bool) -> Pair {
    let (c, sv) = tcp_pair(nonblocking);
    let cconf = ssl_conf_new(false);
    if s.client_ca {
        ssl_conf_set_ca(cconf, load_cert("ca.pem"));
    }
    if s.client_cert {
        ssl_conf_set_cert(cconf, load_cert("client.pem"), load_key("client.key"));
    }
    ssl_conf_set_verify(cconf, s.client_verify);
    let csock = Box::new(Sock { fd: c.as_raw_fd() });
    let ssock = Box::new(Sock { fd: sv.as_raw_fd() });
    let client = ssl_ssl_new(cconf);
    ssl_ssl_set_socket(client, &*csock as *const Sock as *mut c_void);
    if let Some(h) = s.hostname {
        ssl_ssl_set_hostname(client, p(&cstr(h)));
    }
    let server = ssl_ssl_new(sconf);
    ssl_ssl_set_socket(server, &*ssock as *const Sock as *mut c_void);
    // The contexts keep the settings alive.
    ssl_conf_close(cconf);
    Pair { client, server, _socks: (c, sv, csock, ssock) }
}

unsafe fn pair(s: &Settings) -> Pair {
    pair_with(s, server_conf(s.server_verify, s.server_ca), true)
}

/// Runs both handshakes until neither would block: (client result, server result).
unsafe fn handshake(p: &Pair) -> (i32, i32) {
    let (mut c, mut s) = (-1, -1);
    for _ in 0..2000 {
        if c == -1 {
            c = ssl_ssl_handshake(p.client);
        }
        if s == -1 {
            s = ssl_ssl_handshake(p.server);
        }
        if c != -1 && s != -1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    (c, s)
}

/// Receives exactly `n` bytes on a non-blocking context.
unsafe fn recv_all(ssl: *mut SslCtx, n: usize) -> Vec<u8> {
    let mut out = vec![0u8; n];
    let mut got = 0;
    for _ in 0..5000 {
        if got == n {
            break;
        }
        let r = ssl_ssl_recv(ssl, out.as_mut_ptr(), got as i32, (n - got) as i32);
        if r == -1 {
            std::thread::sleep(std::time::Duration::from_millis(1));
            continue;
        }
        assert!(r > 0, "recv gave {r}");
        got += r as usize;
    }
    assert_eq!(got, n);
    out
}

unsafe fn send_all(ssl: *mut SslCtx, data: &[u8]) {
    let mut sent = 0;
    while sent < data.len() {
        let r = ssl_ssl_send(ssl, data.as_ptr() as *mut u8, sent as i32, (data.len() - sent) as i32);
        assert!(r > 0 || r == -1, "send gave {r}");
        if r > 0 {
            sent += r as usize;
        }
    }
}

#[test]
fn handshake_and_data_nonblocking() {
    no_gc();
    unsafe {
        ssl_ssl_init();
        let pr = pair(&Settings::default());
        // Nothing to read yet: the handshake would block on both sides first.
        assert_eq!(ssl_ssl_handshake(pr.server), -1);
        assert_eq!(handshake(&pr), (0, 0));
        assert_eq!(ssl_ssl_handshake(pr.client), 0);

        let peer = ssl_ssl_get_peer_certificate(pr.client);
        assert!(!peer.is_null());
        assert_eq!(ucs2(ssl_cert_get_subject(peer, p(&cstr("CN")))).as_deref(), Some("localhost"));
        assert_eq!(ucs2(ssl_cert_get_issuer(peer, p(&cstr("CN")))).as_deref(), Some("hlc test CA"));
        // The server asked for no client certificate.
        assert!(ssl_ssl_get_peer_certificate(pr.server).is_null());

        let mut b = [0u8; 16];
        assert_eq!(ssl_ssl_recv(pr.server, b.as_mut_ptr(), 0, 16), -1);
        assert_eq!(ssl_ssl_recv_char(pr.client), -1);

        let msg = b"hello from the client";
        assert_eq!(ssl_ssl_send(pr.client, msg.as_ptr() as *mut u8, 0, msg.len() as i32), msg.len() as i32);
        assert_eq!(recv_all(pr.server, msg.len()), msg);
        let reply = b"...and the server";
        assert_eq!(ssl_ssl_send(pr.server, reply.as_ptr() as *mut u8, 3, 14), 14);
        assert_eq!(recv_all(pr.client, 14), &reply[3..]);

        assert_eq!(ssl_ssl_send_char(pr.client, 0x1FF), 1);
        let mut c = -1;
        for _ in 0..1000 {
            c = ssl_ssl_recv_char(pr.server);
            if c != -1 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(c, 0xFF);

        // A larger transfer than the socket buffers hold, read as it arrives.
        let big: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut got = Vec::new();
        let mut sent = 0;
        let mut buf = vec![0u8; 65536];
        while got.len() < big.len() {
            if sent < big.len() {
                let r = ssl_ssl_send(pr.client, big.as_ptr() as *mut u8, sent as i32, (big.len() - sent) as i32);
                assert!(r > 0 || r == -1);
                if r > 0 {
                    sent += r as usize;
                }
            }
            let r = ssl_ssl_recv(pr.server, buf.as_mut_ptr(), 0, buf.len() as i32);
            assert!(r > 0 || r == -1, "recv gave {r}");
            if r > 0 {
                got.extend_from_slice(&buf[..r as usize]);
            }
            if r == -1 && sent == big.len() {
                // Records still buffered on the client side go out on its next call.
                ssl_ssl_send(pr.client, big.as_ptr() as *mut u8, 0, 0);
            }
        }
        assert!(got == big);

        // close_notify: the peer reads a clean end (0), then closed contexts fail.
        ssl_ssl_close(pr.client);
        let mut r = -1;
        for _ in 0..1000 {
            r = ssl_ssl_recv(pr.server, b.as_mut_ptr(), 0, 16);
            if r != -1 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(r, 0);
        assert_eq!(ssl_ssl_recv(pr.client, b.as_mut_ptr(), 0, 16), -2);
        assert_eq!(ssl_ssl_send_char(pr.client, 1), -2);
        ssl_ssl_close(pr.server);
    }
}

#[test]
fn blocking_sockets_in_two_threads() {
    no_gc();
    unsafe {
        // The certificate's IP address SAN matches a numeric host name.
        let s = Settings { hostname: Some("127.0.0.1"), ..Default::default() };
        let pr = pair_with(&s, server_conf(0, false), false);
        struct Send(*mut SslCtx);
        unsafe impl std::marker::Send for Send {}
        let server = Send(pr.server);
        let t = std::thread::spawn(move || {
            let server = server;
            let ssl = server.0;
            assert_eq!(ssl_ssl_handshake(ssl), 0);
            // Echo until the client closes.
            let mut buf = [0u8; 4096];
            let mut total = 0;
            loop {
                let r = ssl_ssl_recv(ssl, buf.as_mut_ptr(), 0, buf.len() as i32);
                if r <= 0 {
                    assert_eq!(r, 0, "clean close expected");
                    break;
                }
                total += r as usize;
                send_all(ssl, &buf[..r as usize]);
            }
            ssl_ssl_close(ssl);
            total
        });
        // No explicit handshake: send performs it.
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 256) as u8).collect();
        let mut echoed = Vec::new();
        let mut buf = [0u8; 8192];
        for chunk in data.chunks(10_000) {
            send_all(pr.client, chunk);
            let mut n = 0;
            while n < chunk.len() {
                let r = ssl_ssl_recv(pr.client, buf.as_mut_ptr(), 0, buf.len() as i32);
                assert!(r > 0);
                echoed.extend_from_slice(&buf[..r as usize]);
                n += r as usize;
            }
        }
        ssl_ssl_close(pr.client);
        assert_eq!(t.join().unwrap(), data.len());
        assert!(echoed == data);
    }
}

#[test]
fn wrong_hostname_fails_verification() {
    no_gc();
    unsafe {
        let pr = pair(&Settings { hostname: Some("example.com"), ..Default::default() });
        let (c, s) = handshake(&pr);
        assert_eq!(c, code::X509_CERT_VERIFY_FAILED);
        let err = last_error(pr.client).unwrap();
        assert!(err.contains("not valid for name"), "{err}");
        // The server got the client's alert.
        assert!(s < -2 || s == -2, "server: {s}");
        // Reads and writes after a failed handshake fail.
        let mut b = [0u8; 4];
        assert_eq!(ssl_ssl_recv(pr.client, b.as_mut_ptr(), 0, 4), -2);
        assert_eq!(ssl_ssl_send(pr.client, b.as_mut_ptr(), 0, 4), -2);
    }
}

#[test]
fn verify_modes() {
    no_gc();
    unsafe {
        // Mode 1 without a CA: the server cannot be trusted.
        let pr = pair(&Settings { client_ca: false, ..Default::default() });
        assert_eq!(handshake(&pr).0, code::X509_CERT_VERIFY_FAILED);
        // Mode 0 and mode 2 accept it, whatever the name.
        for mode in [0, 2] {
            let pr = pair(&Settings { client_ca: false, client_verify: mode, hostname: Some("wrong.example"), ..Default::default() });
            assert_eq!(handshake(&pr), (0, 0), "mode {mode}");
            let msg = b"ok";
            assert_eq!(ssl_ssl_send(pr.client, msg.as_ptr() as *mut u8, 0, 2), 2);
            assert_eq!(recv_all(pr.server, 2), msg);
        }
        // Mode 1 without a host name checks the chain but not the name.
        let pr = pair(&Settings { hostname: None, ..Default::default() });
        assert_eq!(handshake(&pr), (0, 0));
    }
}

#[test]
fn client_certificates() {
    no_gc();
    unsafe {
        // Required with a CA: the client's certificate is checked.
        let pr = pair(&Settings { server_verify: 1, server_ca: true, client_cert: true, ..Default::default() });
        assert_eq!(handshake(&pr), (0, 0));
        let peer = ssl_ssl_get_peer_certificate(pr.server);
        assert_eq!(ucs2(ssl_cert_get_subject(peer, p(&cstr("CN")))).as_deref(), Some("hlc test client"));
        let msg = b"authenticated";
        assert_eq!(ssl_ssl_send(pr.client, msg.as_ptr() as *mut u8, 0, msg.len() as i32), msg.len() as i32);
        assert_eq!(recv_all(pr.server, msg.len()), msg);

        // Required, and the client has none: the server refuses.
        let pr = pair(&Settings { server_verify: 1, server_ca: true, ..Default::default() });
        let (_, s) = handshake(&pr);
        assert_eq!(s, code::SSL_NO_CLIENT_CERTIFICATE);

        // Optional: no certificate is fine.
        let pr = pair(&Settings { server_verify: 2, ..Default::default() });
        assert_eq!(handshake(&pr), (0, 0));
        assert!(ssl_ssl_get_peer_certificate(pr.server).is_null());
    }
}

static SNI_CALLS: AtomicUsize = AtomicUsize::new(0);
static mut SNI_RESULT: [*mut c_void; 3] = [null_mut(); 3];

unsafe extern "C" fn sni_cb(name: *mut vbyte) -> *mut c_void {
    let name = std::ffi::CStr::from_ptr(name.cast()).to_str().unwrap();
    SNI_CALLS.fetch_add(1, Ordering::SeqCst);
    if name == "localhost" {
        std::ptr::addr_of_mut!(SNI_RESULT) as *mut c_void
    } else {
        null_mut()
    }
}

#[test]
fn servername_callback() {
    no_gc();
    unsafe {
        // The server has no default certificate: only the callback gives one.
        let sconf = ssl_conf_new(true);
        SNI_RESULT = [null_mut(), load_cert("server.pem").cast(), load_key("server.key").cast()];
        let mut cl = Box::new(vclosure {
            t: null_mut(),
            fun: sni_cb as *mut c_void,
            has_value: 0,
            stack_count: 0,
            value: null_mut(),
        });
        ssl_conf_set_servername_callback(sconf, &mut *cl);
        let pr = pair_with(&Settings::default(), sconf, true);
        assert_eq!(handshake(&pr), (0, 0));
        assert_eq!(SNI_CALLS.load(Ordering::SeqCst), 1);

        // A name the callback refuses fails the handshake.
        let pr = pair_with(&Settings { client_verify: 0, hostname: Some("other.example"), ..Default::default() }, sconf, true);
        let (c, s) = handshake(&pr);
        assert!(c < -2 || c == -2, "client: {c}");
        assert!(s < -2, "server: {s}");
        assert_eq!(SNI_CALLS.load(Ordering::SeqCst), 2);
    }
}

#[test]
fn certificates() {
    no_gc();
    unsafe {
        let c = load_cert("server.pem");
        let f = |name: &str| ucs2(ssl_cert_get_subject(c, p(&cstr(name))));
        assert_eq!(f("CN").as_deref(), Some("localhost"));
        assert_eq!(f("O").as_deref(), Some("hlc tests"));
        assert_eq!(f("OU").as_deref(), Some("runtime"));
        assert_eq!(f("C").as_deref(), Some("SE"));
        assert_eq!(f("L"), None);
        assert_eq!(ucs2(ssl_cert_get_issuer(c, p(&cstr("O")))).as_deref(), Some("hlc tests"));
        // Alternative names are the raw values (the IP address's bytes are unprintable).
        let alt = ssl_cert_get_altnames(c);
        assert_eq!((*alt).size, 2);
        let items = varray::data(alt) as *mut *mut vbyte;
        assert_eq!(ucs2(*items).as_deref(), Some("localhost"));
        assert_eq!(ucs2(*items.add(1)).as_deref(), Some("????"));
        let t = |a: *mut varray| std::slice::from_raw_parts(varray::data(a) as *const i32, (*a).size as usize).to_vec();
        let nb = t(ssl_cert_get_notbefore(c));
        let na = t(ssl_cert_get_notafter(c));
        assert_eq!(nb.len(), 6);
        assert!(nb[0] >= 2024 && (1..=12).contains(&nb[1]) && (1..=31).contains(&nb[2]));
        // openssl -days 36500: a little less than a century.
        assert!((99..=100).contains(&(na[0] - nb[0])), "{nb:?} {na:?}");
        assert!(ssl_cert_get_next(c).is_null());

        // A chain built from PEM and DER; handles into it see later additions.
        let ca_pem = read("ca.pem");
        let chain = ssl_cert_add_pem(null_mut(), p(&ca_pem));
        assert_eq!(ucs2(ssl_cert_get_subject(chain, p(&cstr("CN")))).as_deref(), Some("hlc test CA"));
        assert!(ssl_cert_get_next(chain).is_null());
        assert_eq!(ssl_cert_add_pem(chain, p(&read("server.pem"))), chain);
        let second = ssl_cert_get_next(chain);
        assert_eq!(ucs2(ssl_cert_get_subject(second, p(&cstr("CN")))).as_deref(), Some("localhost"));
        let client_der = pem_to_der(&std::fs::read_to_string(data("client.pem")).unwrap());
        ssl_cert_add_der(second, client_der.as_ptr() as *mut u8, client_der.len() as i32);
        let third = ssl_cert_get_next(second);
        assert_eq!(ucs2(ssl_cert_get_subject(third, p(&cstr("CN")))).as_deref(), Some("hlc test client"));
        assert!(ssl_cert_get_next(third).is_null());

        // A bundle file, and a directory of files (non-certificates skipped).
        let dir = std::env::temp_dir().join(format!("hlrt_ssl_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bundle = format!(
            "{}{}",
            std::fs::read_to_string(data("ca.pem")).unwrap(),
            std::fs::read_to_string(data("server.pem")).unwrap()
        );
        std::fs::write(dir.join("bundle.pem"), &bundle).unwrap();
        std::fs::write(dir.join("client.der"), &client_der).unwrap();
        std::fs::write(dir.join("notes.txt"), "not a certificate").unwrap();
        let path = cstr(dir.join("bundle.pem").to_str().unwrap());
        let b = ssl_cert_load_file(p(&path));
        assert!(!ssl_cert_get_next(b).is_null());
        let d = ssl_cert_load_path(p(&cstr(dir.to_str().unwrap())));
        let mut n = 0;
        let mut cur = d;
        while !cur.is_null() {
            n += 1;
            cur = ssl_cert_get_next(cur);
        }
        assert_eq!(n, 3);
        // loadDefaults: null unless SSL_CERT_FILE / SSL_CERT_DIR say where.
        std::env::remove_var("SSL_CERT_DIR");
        std::env::remove_var("SSL_CERT_FILE");
        assert!(ssl_cert_load_defaults().is_null());
        std::env::set_var("SSL_CERT_FILE", dir.join("bundle.pem"));
        let def = ssl_cert_load_defaults();
        std::env::remove_var("SSL_CERT_FILE");
        assert_eq!(ucs2(ssl_cert_get_subject(def, p(&cstr("CN")))).as_deref(), Some("hlc test CA"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in b64.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

unsafe fn dgst(data: &[u8], alg: &str) -> String {
    let mut size = 0;
    let r = ssl_dgst_make(data.as_ptr() as *mut u8, data.len() as i32, p(&cstr(alg)), &mut size);
    hex(std::slice::from_raw_parts(r, size as usize))
}

#[test]
fn digests() {
    no_gc();
    unsafe {
        assert_eq!(dgst(b"abc", "MD5"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(dgst(b"abc", "SHA1"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(dgst(b"abc", "SHA224"), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
        assert_eq!(dgst(b"abc", "SHA256"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            dgst(b"abc", "SHA384"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert!(dgst(b"abc", "SHA512").starts_with("ddaf35a193617aba"));
        assert_eq!(dgst(b"abc", "RIPEMD160"), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
        assert_eq!(dgst(b"", "SHA1"), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }
}

unsafe fn sign(data: &[u8], key: *mut hl_ssl_pkey, alg: &str) -> Vec<u8> {
    let mut size = 0;
    let r = ssl_dgst_sign(data.as_ptr() as *mut u8, data.len() as i32, key, p(&cstr(alg)), &mut size);
    std::slice::from_raw_parts(r, size as usize).to_vec()
}

unsafe fn verify(data: &[u8], sig: &[u8], key: *mut hl_ssl_pkey, alg: &str) -> bool {
    ssl_dgst_verify(data.as_ptr() as *mut u8, data.len() as i32, sig.as_ptr() as *mut u8, sig.len() as i32, key, p(&cstr(alg)))
}

#[test]
fn keys_and_signatures() {
    no_gc();
    unsafe {
        let msg = b"the message to sign";
        let rsa = load_key("server.key");
        let rsa_pub = ssl_key_from_pem(p(&read("server_pub.pem")), true, null_mut());
        for alg in ["SHA256", "SHA384", "SHA512"] {
            let sig = sign(msg, rsa, alg);
            assert_eq!(sig.len(), 256);
            assert!(verify(msg, &sig, rsa_pub, alg), "{alg}");
            assert!(verify(msg, &sig, rsa, alg), "{alg} with the private key");
            assert!(!verify(b"another message", &sig, rsa_pub, alg));
        }
        // PKCS#1 v1.5 is deterministic: the same signature as openssl's.
        let sig = sign(msg, rsa, "SHA256");
        assert_eq!(sig, sign(msg, rsa, "SHA256"));

        // The public key from a certificate's DER SPKI, and PKCS#1 public keys.
        let pub_der = pem_to_der(&std::fs::read_to_string(data("server_pub.pem")).unwrap());
        let k = ssl_key_from_der(pub_der.as_ptr() as *mut u8, pub_der.len() as i32, true);
        assert!(verify(msg, &sig, k, "SHA256"));
        // SPKI = SEQUENCE { AlgorithmIdentifier (15 bytes), BIT STRING { 0, RSAPublicKey } }.
        let pkcs1 = &pub_der[4 + 15 + 5..];
        let k1 = ssl_key_from_der(pkcs1.as_ptr() as *mut u8, pkcs1.len() as i32, true);
        assert!(verify(msg, &sig, k1, "SHA256"));

        // EC keys in SEC1 and PKCS#8 (ECDSA signatures are randomized).
        let ec = load_key("client.key");
        let ec8 = load_key("client_pkcs8.key");
        let sig = sign(msg, ec, "SHA256");
        assert!(verify(msg, &sig, ec8, "SHA256"));
        assert!(!verify(msg, &sig, rsa_pub, "SHA256"));
        let der = pem_to_der(&std::fs::read_to_string(data("client_pkcs8.key")).unwrap());
        let ecd = ssl_key_from_der(der.as_ptr() as *mut u8, der.len() as i32, false);
        assert!(verify(msg, &sign(msg, ecd, "SHA256"), ec, "SHA256"));
    }
}

/// Runs `case` in a child process; returns its stderr.
fn child_error(case: &str) -> String {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["error_child", "--exact", "--nocapture", "--test-threads=1"])
        .env("HLRT_SSL_ERROR_CASE", case)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{case}: the native returned");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn error_child() {
    let Ok(case) = std::env::var("HLRT_SSL_ERROR_CASE") else { return };
    no_gc();
    unsafe {
        match case.as_str() {
            "bad_pem" => {
                ssl_cert_add_pem(null_mut(), p(&cstr("not a certificate")));
            }
            "bad_base64" => {
                ssl_cert_add_pem(null_mut(), p(&cstr("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n")));
            }
            "missing_file" => {
                ssl_cert_load_file(p(&cstr("/nonexistent/cert.pem")));
            }
            "bad_key" => {
                ssl_key_from_pem(p(&cstr("garbage")), false, null_mut());
            }
            "encrypted_key" => {
                let pem = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
                ssl_key_from_pem(p(&cstr(pem)), false, null_mut());
            }
            "bad_alg" => {
                let mut size = 0;
                ssl_dgst_make(p(&cstr("x")), 1, p(&cstr("SHA3")), &mut size);
            }
            "bad_hostname" => {
                let conf = ssl_conf_new(false);
                let ssl = ssl_ssl_new(conf);
                ssl_ssl_set_hostname(ssl, p(&cstr("bad host name")));
            }
            _ => panic!("unknown case"),
        }
    }
    std::process::exit(0);
}

#[test]
fn errors_have_mbedtls_messages() {
    let cases = [
        ("bad_pem", "X509 - The CRT/CRL/CSR format is invalid"),
        ("bad_base64", "PEM - PEM string is not as expected"),
        ("missing_file", "X509 - Read/write of file failed"),
        ("bad_key", "PK - Invalid key tag or value"),
        ("encrypted_key", "PK - Private key password can't be empty"),
        ("bad_alg", "Unknown hash algorithm: SHA3"),
        ("bad_hostname", "SSL - Bad input parameters to function"),
    ];
    for (case, msg) in cases {
        let err = child_error(case);
        assert!(err.contains(&format!("Uncaught exception: {msg}")), "{case}: {err}");
    }
}
