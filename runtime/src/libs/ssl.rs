//! `libs/ssl`: the natives of HashLink's `ssl` library (`sys.ssl.Socket`,
//! `Certificate`, `Key`, `Digest`), which libhl builds over mbedtls; here TLS
//! is rustls with its `ring` provider, certificates are parsed with
//! x509-parser and digests come from the RustCrypto hash crates. HL/C links
//! `ssl@name` as `ssl_<name>`.
//!
//! Handles are GC finalizer blocks (word 0 = finalizer) holding Rust objects:
//! - `hl_ssl_cert`: a certificate chain shared by all handles into it (an
//!   `Arc<Mutex<Vec<DER>>>`) and the position of this handle's certificate;
//!   `cert_get_next` hands out a handle to the next position of the same chain
//!   and `cert_add_*` append to it, as mbedtls' linked `mbedtls_x509_crt` does.
//! - `hl_ssl_pkey`: a private key (DER + rustls signing key) or a public key
//!   (SubjectPublicKeyInfo DER).
//! - `mbedtls_ssl_config`: the settings (`conf_set_*`); rustls configurations
//!   are immutable, so each context builds its own from them when it starts
//!   its handshake (a context keeps the settings alive past `conf_close`).
//! - `mbedtls_ssl_context`: the transport (the socket's descriptor, read from
//!   `hl_socket` like libhl, or `ssl_set_bio`'s closures), the host name and
//!   the rustls connection, created lazily because Haxe sets the host name
//!   after `ssl_new`.
//!
//! Return codes follow libhl: `ssl_handshake` gives 0, -1 (would block), -2
//! (connection closed during the handshake) or a negative mbedtls-style error
//! code; `ssl_send*`/`ssl_recv*` give a count, -1 (would block) or -2 (error or
//! end of stream), and `ssl_recv` gives 0 when the peer sent close_notify.
//! Errors of the loading natives are thrown with mbedtls' messages.
//!
//! Verify modes (`conf_set_verify`): 0 none, 1 required, 2 optional. A client
//! in mode 1 checks the chain against the CA set with `conf_set_ca` and the
//! host name (when one was set); modes 0 and 2 accept any server certificate
//! (mbedtls' optional mode reports but ignores failures, which Haxe never
//! reads). A server in mode 1 requires a client certificate signed by the CA,
//! in mode 2 it asks for one and accepts any (or none), in mode 0 it asks for
//! none. Handshake signatures are always checked.
//!
//! Differences from libhl (documented in the natives): `cert_load_defaults`
//! returns null on Linux as libhl does, unless `SSL_CERT_FILE`/`SSL_CERT_DIR`
//! name a bundle or directory; `cert_load_path` skips unreadable or non
//! certificate files instead of failing; password-protected keys are not
//! supported; `dgst_sign`/`dgst_verify` support the key/hash pairs ring has
//! (RSA PKCS#1 v1.5 with SHA256/384/512, plus SHA1 for verification; ECDSA
//! P-256/P-384; Ed25519) and throw for others. `ssl_close` sends close_notify
//! (best effort, never blocking). A TLS error's description is kept for
//! [`last_error`].

#![allow(clippy::missing_safety_doc)]

use crate::abi::*;
use crate::gc::{hl_blocking, hl_gc_alloc_gen};
use crate::std::{alloc_bytes_copy, alloc_noptr, alloc_ucs2, raise_error};
use ::std::cell::UnsafeCell;
use ::std::ffi::{c_void, CStr};
use ::std::io::{self, Read, Write};
use ::std::mem::size_of;
use ::std::ptr::null_mut;
use ::std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer, ServerName, UnixTime,
};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::{CertifiedKey, SigningKey};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, Connection, DigitallySignedStruct, DistinguishedName,
    RootCertStore, ServerConfig, ServerConnection, SignatureScheme,
};

// ---------------------------------------------------------------------------
// mbedtls-compatible error codes and messages.

/// `MBEDTLS_ERR_*` values the natives return or that Haxe code may compare.
pub mod code {
    pub const SSL_CONN_EOF: i32 = -0x7280;
    pub const SSL_FATAL_ALERT_MESSAGE: i32 = -0x7780;
    pub const SSL_HANDSHAKE_FAILURE: i32 = -0x6C00;
    pub const SSL_NO_CLIENT_CERTIFICATE: i32 = -0x7480;
    pub const SSL_INVALID_RECORD: i32 = -0x7200;
    pub const SSL_BAD_INPUT_DATA: i32 = -0x7100;
    pub const X509_CERT_VERIFY_FAILED: i32 = -0x2700;
    pub const NET_RECV_FAILED: i32 = -0x004C;
    pub const NET_SEND_FAILED: i32 = -0x004E;
}

const E_BAD_INPUT: &str = "SSL - Bad input parameters to function";
const E_X509_FILE_IO: &str = "X509 - Read/write of file failed";
const E_X509_FORMAT: &str =
    "X509 - The CRT/CRL/CSR format is invalid, e.g. different type expected : ASN1 - ASN1 tag was of an unexpected value";
const E_X509_UNKNOWN_FORMAT: &str = "X509 - Format not recognized as DER or PEM";
const E_PEM_INVALID: &str = "PEM - PEM string is not as expected";
const E_PK_FORMAT: &str = "PK - Invalid key tag or value";
const E_PK_PASSWORD: &str = "PK - Private key password can't be empty";
const E_PK_UNAVAILABLE: &str = "PK - Unavailable feature, e.g. RSA disabled for RSA key";
const E_PK_UNKNOWN_ALG: &str = "PK - Key algorithm is unsupported (only RSA and EC are supported)";
const E_PK_TYPE_MISMATCH: &str = "PK - Type mismatch, eg attempt to encrypt with an ECDSA key";

/// The mbedtls-style code of a rustls error (never -1 or -2).
fn tls_error_code(e: &rustls::Error) -> i32 {
    use rustls::Error as E;
    match e {
        E::InvalidCertificate(_) => code::X509_CERT_VERIFY_FAILED,
        E::AlertReceived(_) => code::SSL_FATAL_ALERT_MESSAGE,
        E::NoCertificatesPresented => code::SSL_NO_CLIENT_CERTIFICATE,
        E::InvalidMessage(_) | E::DecryptError | E::PeerMisbehaved(_) | E::InappropriateMessage { .. } => {
            code::SSL_INVALID_RECORD
        }
        _ => code::SSL_HANDSHAKE_FAILURE,
    }
}

fn provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())).clone()
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

unsafe fn c_str<'a>(p: *const vbyte) -> &'a [u8] {
    if p.is_null() {
        raise_error("Null access");
    }
    CStr::from_ptr(p.cast()).to_bytes()
}

/// Allocates a finalizer block holding `v` (whose first field is the finalizer).
unsafe fn alloc_handle<T>(v: T) -> *mut T {
    let p = hl_gc_alloc_gen(hlt_abstract.get(), size_of::<T>() as i32, mem::KIND_FINALIZER) as *mut T;
    p.write(v);
    p
}

/// A GC root holding one pointer, for GC objects kept in Rust memory.
struct Root(Box<UnsafeCell<*mut c_void>>);

impl Root {
    fn new(p: *mut c_void) -> Root {
        let r = Root(Box::new(UnsafeCell::new(p)));
        crate::gc::add_root(r.0.get());
        r
    }
    fn get(&self) -> *mut c_void {
        // SAFETY: the cell is boxed (stable address) and lives as long as `self`; the GC
        // only reads it as a root and never writes it.
        unsafe { *self.0.get() }
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        crate::gc::remove_root(self.0.get());
    }
}

// Roots are only touched under the GC's lock or by the thread using the value.
unsafe impl Send for Root {}
unsafe impl Sync for Root {}

// ---------------------------------------------------------------------------
// PEM and DER helpers.

struct PemBlock {
    label: String,
    encrypted: bool,
    der: Vec<u8>,
}

fn base64_decode(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    let mut pad = 0;
    for &c in body {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                pad += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        if pad > 0 {
            return None;
        }
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    if pad > 2 {
        return None;
    }
    Some(out)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    hay[from..].windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// The PEM blocks of `text`, in order; `Err` for a block whose body is not valid.
fn pem_blocks(text: &[u8]) -> Vec<Result<PemBlock, &'static str>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(b) = find(text, b"-----BEGIN ", pos) {
        let lstart = b + 11;
        let Some(lend) = find(text, b"-----", lstart) else { break };
        let label = String::from_utf8_lossy(&text[lstart..lend]).into_owned();
        let body_start = lend + 5;
        let end_marker = format!("-----END {label}-----");
        let Some(e) = find(text, end_marker.as_bytes(), body_start) else {
            out.push(Err(E_PEM_INVALID));
            break;
        };
        pos = e + end_marker.len();
        let body = &text[body_start..e];
        // Optional RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") end at a blank line.
        if body.contains(&b':') {
            let s = String::from_utf8_lossy(body);
            let encrypted = s.contains("ENCRYPTED");
            let lines: Vec<&str> = s.lines().collect();
            let mut i = 0;
            while i < lines.len() && (lines[i].trim().is_empty() || lines[i].contains(':')) {
                i += 1;
            }
            let rest = lines[i..].join("\n");
            match base64_decode(rest.as_bytes()) {
                Some(der) => out.push(Ok(PemBlock { label, encrypted, der })),
                None => out.push(Err(E_PEM_INVALID)),
            }
            continue;
        }
        match base64_decode(body) {
            Some(der) => out.push(Ok(PemBlock { label, encrypted: false, der })),
            None => out.push(Err(E_PEM_INVALID)),
        }
    }
    out
}

/// Splits a DER TLV: (tag, content, rest).
fn der_tlv(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, d) = d.split_first()?;
    let (&l0, mut d) = d.split_first()?;
    let len = if l0 < 0x80 {
        l0 as usize
    } else {
        let n = (l0 & 0x7F) as usize;
        if n == 0 || n > 4 || d.len() < n {
            return None;
        }
        let mut l = 0usize;
        for &b in &d[..n] {
            l = (l << 8) | b as usize;
        }
        d = &d[n..];
        l
    };
    if d.len() < len {
        return None;
    }
    Some((tag, &d[..len], &d[len..]))
}

fn der_wrap(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let n = content.len();
    if n < 0x80 {
        v.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        v.push(0x80 | (bytes.len() - skip) as u8);
        v.extend_from_slice(&bytes[skip..]);
    }
    v.extend_from_slice(content);
    v
}

/// A PKCS#1 `RSAPublicKey` as a SubjectPublicKeyInfo.
fn rsa_pkcs1_to_spki(pkcs1: &[u8]) -> Vec<u8> {
    // AlgorithmIdentifier { rsaEncryption, NULL }
    const ALG: &[u8] = &[0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00];
    let mut bits = vec![0u8];
    bits.extend_from_slice(pkcs1);
    let mut seq = ALG.to_vec();
    seq.extend(der_wrap(0x03, &bits));
    der_wrap(0x30, &seq)
}

// ---------------------------------------------------------------------------
// Certificates.

type Chain = Arc<Mutex<Vec<CertificateDer<'static>>>>;

/// `hl_ssl_cert`.
#[repr(C)]
pub struct hl_ssl_cert {
    finalize: Option<unsafe extern "C" fn(*mut hl_ssl_cert)>,
    chain: *const Mutex<Vec<CertificateDer<'static>>>,
    index: usize,
}

unsafe extern "C" fn cert_finalize(c: *mut hl_ssl_cert) {
    if !(*c).chain.is_null() {
        drop(Arc::from_raw((*c).chain));
        (*c).chain = ::std::ptr::null();
    }
}

unsafe fn new_cert(chain: Chain, index: usize) -> *mut hl_ssl_cert {
    alloc_handle(hl_ssl_cert { finalize: Some(cert_finalize), chain: Arc::into_raw(chain), index })
}

/// The chain and position of a certificate handle.
unsafe fn cert_ref(c: *mut hl_ssl_cert) -> Option<(Chain, usize)> {
    if c.is_null() || (*c).chain.is_null() {
        return None;
    }
    Arc::increment_strong_count((*c).chain);
    Some((Arc::from_raw((*c).chain), (*c).index))
}

fn chain_from(r: &(Chain, usize)) -> Vec<CertificateDer<'static>> {
    lock(&r.0).iter().skip(r.1).cloned().collect()
}

/// The DER of the certificate a handle designates.
unsafe fn cert_der(c: *mut hl_ssl_cert) -> Option<CertificateDer<'static>> {
    if c.is_null() {
        raise_error("Null access");
    }
    let r = cert_ref(c)?;
    let g = lock(&r.0);
    g.get(r.1).cloned()
}

fn valid_cert(der: &[u8]) -> bool {
    x509_parser::parse_x509_certificate(der).is_ok()
}

/// Parses certificates as `mbedtls_x509_crt_parse` does: every
/// `CERTIFICATE` block if the data holds one, else one DER certificate.
/// Returns the certificates and the first error met.
fn parse_certs(data: &[u8]) -> (Vec<CertificateDer<'static>>, Option<&'static str>) {
    let mut certs = Vec::new();
    let mut first_err = None;
    if find(data, b"-----BEGIN CERTIFICATE-----", 0).is_some() {
        for b in pem_blocks(data) {
            match b {
                Ok(b) if b.label == "CERTIFICATE" => {
                    if valid_cert(&b.der) {
                        certs.push(CertificateDer::from(b.der));
                    } else {
                        first_err.get_or_insert(E_X509_FORMAT);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        if certs.is_empty() && first_err.is_none() {
            first_err = Some(E_X509_UNKNOWN_FORMAT);
        }
    } else if valid_cert(data) {
        certs.push(CertificateDer::from(data.to_vec()));
    } else {
        first_err = Some(E_X509_FORMAT);
    }
    (certs, first_err)
}

fn load_cert_file(path: &[u8]) -> Result<Vec<CertificateDer<'static>>, &'static str> {
    let data = ::std::fs::read(crate::sys::path_from_bytes(path)).map_err(|_| E_X509_FILE_IO)?;
    match parse_certs(&data) {
        (_, Some(e)) => Err(e),
        (c, None) => Ok(c),
    }
}

/// Every certificate of the regular files of a directory (files that cannot
/// be read or parsed are skipped).
fn load_cert_dir(path: &[u8]) -> Result<Vec<CertificateDer<'static>>, &'static str> {
    let dir = ::std::fs::read_dir(crate::sys::path_from_bytes(path)).map_err(|_| E_X509_FILE_IO)?;
    let mut names: Vec<_> = dir.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    names.sort();
    let mut out = Vec::new();
    for p in names {
        if !p.is_file() {
            continue;
        }
        if let Ok(data) = ::std::fs::read(&p) {
            out.extend(parse_certs(&data).0);
        }
    }
    Ok(out)
}

unsafe fn chain_handle_or_raise(r: Result<Vec<CertificateDer<'static>>, &'static str>) -> *mut hl_ssl_cert {
    match r {
        Ok(v) => new_cert(Arc::new(Mutex::new(v)), 0),
        Err(e) => raise_error(e),
    }
}

/// `cert_load_file(path)`: the certificates of a PEM bundle or a DER file.
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_load_file(file: *mut vbyte) -> *mut hl_ssl_cert {
    let r = load_cert_file(c_str(file));
    chain_handle_or_raise(r)
}

/// `cert_load_path(dir)`: the certificates of the files of a directory.
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_load_path(path: *mut vbyte) -> *mut hl_ssl_cert {
    let r = load_cert_dir(c_str(path));
    chain_handle_or_raise(r)
}

/// `cert_load_defaults()`: the system's trusted roots. As in libhl on Linux
/// this is null (Haxe then tries the usual bundle paths), except that a
/// bundle named by `SSL_CERT_FILE` or a directory named by `SSL_CERT_DIR` is
/// loaded when set.
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_load_defaults() -> *mut hl_ssl_cert {
    use crate::sys::path_to_bytes;
    let mut certs = Vec::new();
    if let Some(f) = ::std::env::var_os("SSL_CERT_FILE") {
        certs = load_cert_file(&path_to_bytes(&f)).unwrap_or_default();
    }
    if certs.is_empty() {
        if let Some(d) = ::std::env::var_os("SSL_CERT_DIR") {
            certs = load_cert_dir(&path_to_bytes(&d)).unwrap_or_default();
        }
    }
    if certs.is_empty() {
        return null_mut();
    }
    new_cert(Arc::new(Mutex::new(certs)), 0)
}

/// mbedtls' short names of X.520 attributes, by OID.
fn attr_short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "2.5.4.5" => "serialNumber",
        "2.5.4.16" => "postalAddress",
        "2.5.4.17" => "postalCode",
        "2.5.4.4" => "SN",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.12" => "title",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "0.9.2342.19200300.100.1.1" => "uid",
        "0.9.2342.19200300.100.1.25" => "DC",
        "2.5.4.45" => "uniqueIdentifier",
        _ => return None,
    })
}

/// A raw ASN.1 value as libhl shows it: one UTF-16 unit per byte, control
/// characters replaced by '?'.
unsafe fn asn1_to_ucs2(data: &[u8]) -> *mut vbyte {
    let units: Vec<u16> = data
        .iter()
        .map(|&c| if c < 32 || c == 127 || (c > 128 && c < 160) { b'?' as u16 } else { c as u16 })
        .collect();
    alloc_ucs2(&units) as *mut vbyte
}

unsafe fn name_field(cert: *mut hl_ssl_cert, field: *mut vbyte, issuer: bool) -> *mut vbyte {
    let want = c_str(field).to_vec();
    let Some(der) = cert_der(cert) else { return null_mut() };
    let value = {
        let Ok((_, x)) = x509_parser::parse_x509_certificate(&der) else { return null_mut() };
        let name = if issuer { x.issuer() } else { x.subject() };
        let found = name
            .iter_attributes()
            .find(|a| attr_short_name(&a.attr_type().to_id_string()).is_some_and(|n| n.as_bytes() == want.as_slice()))
            .map(|a| a.attr_value().data.to_vec());
        found
    };
    match value {
        Some(v) => asn1_to_ucs2(&v),
        None => null_mut(),
    }
}

/// `cert_get_subject(cert, "CN")`: a subject attribute (UTF-16) or null.
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_get_subject(cert: *mut hl_ssl_cert, objname: *mut vbyte) -> *mut vbyte {
    name_field(cert, objname, false)
}

/// `cert_get_issuer(cert, "CN")`: an issuer attribute (UTF-16) or null.
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_get_issuer(cert: *mut hl_ssl_cert, objname: *mut vbyte) -> *mut vbyte {
    name_field(cert, objname, true)
}

/// `cert_get_altnames(cert)`: the subject alternative names (UTF-16 strings
/// of the raw values of every GeneralName, as mbedtls lists them).
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_get_altnames(cert: *mut hl_ssl_cert) -> *mut varray {
    let names: Vec<Vec<u8>> = match cert_der(cert) {
        None => Vec::new(),
        Some(der) => match x509_parser::parse_x509_certificate(&der) {
            Err(_) => Vec::new(),
            Ok((_, x)) => {
                let mut v = Vec::new();
                if let Some(ext) = x.extensions().iter().find(|e| e.oid.to_id_string() == "2.5.29.17") {
                    if let Some((0x30, mut items, _)) = der_tlv(ext.value) {
                        while let Some((_, content, rest)) = der_tlv(items) {
                            v.push(content.to_vec());
                            items = rest;
                        }
                    }
                }
                v
            }
        },
    };
    let a = crate::std::array::alloc_array(hlt_bytes.get(), names.len() as i32);
    let p = varray::data(a) as *mut *mut vbyte;
    for (i, n) in names.iter().enumerate() {
        *p.add(i) = asn1_to_ucs2(n);
    }
    a
}

unsafe fn cert_time(cert: *mut hl_ssl_cert, after: bool) -> *mut varray {
    let mut t = [0i32; 6];
    if let Some(der) = cert_der(cert) {
        if let Ok((_, x)) = x509_parser::parse_x509_certificate(&der) {
            let v = x.validity();
            let d = if after { v.not_after } else { v.not_before }.to_datetime();
            t = [d.year(), u8::from(d.month()) as i32, d.day() as i32, d.hour() as i32, d.minute() as i32, d.second() as i32];
        }
    }
    let a = crate::std::array::alloc_array(hlt_i32.get(), 6);
    ::std::ptr::copy_nonoverlapping(t.as_ptr(), varray::data(a) as *mut i32, 6);
    a
}

/// `cert_get_notbefore(cert)`: `[year, month (1-12), day, hour, minute, second]` (UTC).
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_get_notbefore(cert: *mut hl_ssl_cert) -> *mut varray {
    cert_time(cert, false)
}

/// `cert_get_notafter(cert)`: as `cert_get_notbefore`.
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_get_notafter(cert: *mut hl_ssl_cert) -> *mut varray {
    cert_time(cert, true)
}

/// `cert_get_next(cert)`: the next certificate of the chain, or null.
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_get_next(cert: *mut hl_ssl_cert) -> *mut hl_ssl_cert {
    if cert.is_null() {
        raise_error("Null access");
    }
    let Some(r) = cert_ref(cert) else { return null_mut() };
    let len = lock(&r.0).len();
    if r.1 + 1 >= len {
        return null_mut();
    }
    new_cert(r.0, r.1 + 1)
}

unsafe fn cert_add(cert: *mut hl_ssl_cert, parsed: (Vec<CertificateDer<'static>>, Option<&'static str>)) -> *mut hl_ssl_cert {
    let (certs, err) = parsed;
    if certs.is_empty() {
        raise_error(err.unwrap_or(E_X509_UNKNOWN_FORMAT));
    }
    match cert_ref(cert) {
        Some((chain, _)) => {
            lock(&chain).extend(certs);
            cert
        }
        None => new_cert(Arc::new(Mutex::new(certs)), 0),
    }
}

/// `cert_add_pem(cert, pem)`: appends the PEM certificates to `cert`'s chain
/// (a new chain if `cert` is null); throws if none could be parsed.
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_add_pem(cert: *mut hl_ssl_cert, data: *mut vbyte) -> *mut hl_ssl_cert {
    let parsed = parse_certs(c_str(data));
    cert_add(cert, parsed)
}

/// `cert_add_der(cert, der, len)`: as `cert_add_pem` for one DER certificate.
#[no_mangle]
pub unsafe extern "C" fn ssl_cert_add_der(cert: *mut hl_ssl_cert, data: *mut vbyte, len: i32) -> *mut hl_ssl_cert {
    if data.is_null() && len > 0 {
        raise_error("Null access");
    }
    let d = if len <= 0 { &[][..] } else { ::std::slice::from_raw_parts(data, len as usize) };
    let parsed = if valid_cert(d) {
        (vec![CertificateDer::from(d.to_vec())], None)
    } else {
        (Vec::new(), Some(E_X509_FORMAT))
    };
    cert_add(cert, parsed)
}

// ---------------------------------------------------------------------------
// Keys.

enum KeyData {
    Private { der: PrivateKeyDer<'static>, signer: Arc<dyn SigningKey> },
    Public { spki: Vec<u8> },
}

/// `hl_ssl_pkey`.
#[repr(C)]
pub struct hl_ssl_pkey {
    finalize: Option<unsafe extern "C" fn(*mut hl_ssl_pkey)>,
    key: *const KeyData,
}

unsafe extern "C" fn pkey_finalize(k: *mut hl_ssl_pkey) {
    if !(*k).key.is_null() {
        drop(Arc::from_raw((*k).key));
        (*k).key = ::std::ptr::null();
    }
}

unsafe fn key_ref(k: *mut hl_ssl_pkey) -> Option<Arc<KeyData>> {
    if k.is_null() || (*k).key.is_null() {
        return None;
    }
    Arc::increment_strong_count((*k).key);
    Some(Arc::from_raw((*k).key))
}

fn load_private(der: PrivateKeyDer<'static>) -> Result<KeyData, &'static str> {
    let signer = provider().key_provider.load_private_key(der.clone_key()).map_err(|_| E_PK_FORMAT)?;
    Ok(KeyData::Private { der, signer })
}

/// A private key in DER: PKCS#8, then PKCS#1 (RSA), then SEC1 (EC).
fn private_from_der(d: &[u8]) -> Result<KeyData, &'static str> {
    let candidates = [
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(d.to_vec())),
        PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(d.to_vec())),
        PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(d.to_vec())),
    ];
    candidates.into_iter().find_map(|k| load_private(k).ok()).ok_or(E_PK_FORMAT)
}

/// The algorithm of a SubjectPublicKeyInfo: "rsa", "p256", "p384", "ed25519".
fn spki_kind(spki: &[u8]) -> Result<(&'static str, Vec<u8>), &'static str> {
    use x509_parser::prelude::FromDer;
    let (_, info) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki).map_err(|_| E_PK_FORMAT)?;
    let key = info.subject_public_key.data.to_vec();
    let kind = match info.algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.1" => "rsa",
        "1.3.101.112" => "ed25519",
        "1.2.840.10045.2.1" => match info.algorithm.parameters.as_ref().map(|p| p.data) {
            Some([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]) => "p256",
            Some([0x2B, 0x81, 0x04, 0x00, 0x22]) => "p384",
            _ => return Err(E_PK_UNAVAILABLE),
        },
        _ => return Err(E_PK_UNKNOWN_ALG),
    };
    Ok((kind, key))
}

/// A public key in DER: SubjectPublicKeyInfo, then PKCS#1 `RSAPublicKey`.
fn public_from_der(d: &[u8]) -> Result<KeyData, &'static str> {
    match spki_kind(d) {
        Ok(_) => Ok(KeyData::Public { spki: d.to_vec() }),
        Err(e) => {
            let wrapped = rsa_pkcs1_to_spki(d);
            if is_rsa_pkcs1_public(d) && spki_kind(&wrapped).is_ok() {
                Ok(KeyData::Public { spki: wrapped })
            } else {
                Err(e)
            }
        }
    }
}

/// Whether `d` is a DER PKCS#1 `RSAPublicKey` (a SEQUENCE of two INTEGERs).
fn is_rsa_pkcs1_public(d: &[u8]) -> bool {
    let Some((0x30, content, [])) = der_tlv(d) else { return false };
    let Some((2, _, r1)) = der_tlv(content) else { return false };
    matches!(der_tlv(r1), Some((2, _, [])))
}

fn key_from_pem_data(data: &[u8], public: bool, pass: Option<&[u8]>) -> Result<KeyData, &'static str> {
    let blocks = pem_blocks(data);
    if public {
        for b in blocks.iter().flatten() {
            match b.label.as_str() {
                "PUBLIC KEY" => return public_from_der(&b.der),
                "RSA PUBLIC KEY" => return public_from_der(&b.der),
                _ => {}
            }
        }
        if let Some(Err(e)) = blocks.into_iter().find(|b| b.is_err()) {
            return Err(e);
        }
        return public_from_der(data);
    }
    for b in blocks.iter() {
        let b = match b {
            Ok(b) => b,
            Err(e) => return Err(e),
        };
        let der = match b.label.as_str() {
            "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "PRIVATE KEY" if b.encrypted => {
                return Err(if pass.is_none() { E_PK_PASSWORD } else { E_PK_UNAVAILABLE });
            }
            "ENCRYPTED PRIVATE KEY" => return Err(if pass.is_none() { E_PK_PASSWORD } else { E_PK_UNAVAILABLE }),
            "RSA PRIVATE KEY" => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(b.der.clone())),
            "EC PRIVATE KEY" => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(b.der.clone())),
            "PRIVATE KEY" => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(b.der.clone())),
            _ => continue,
        };
        return load_private(der);
    }
    private_from_der(data)
}

unsafe fn new_key(k: KeyData) -> *mut hl_ssl_pkey {
    alloc_handle(hl_ssl_pkey { finalize: Some(pkey_finalize), key: Arc::into_raw(Arc::new(k)) })
}

/// `key_from_pem(pem, isPublic, password)`: a private key (PKCS#1, SEC1 or
/// PKCS#8 PEM) or a public key (SubjectPublicKeyInfo or PKCS#1). Encrypted
/// keys are not supported (throws).
#[no_mangle]
pub unsafe extern "C" fn ssl_key_from_pem(data: *mut vbyte, public: bool, pass: *mut vbyte) -> *mut hl_ssl_pkey {
    let pass = if pass.is_null() { None } else { Some(c_str(pass)) };
    let r = key_from_pem_data(c_str(data), public, pass);
    match r {
        Ok(k) => new_key(k),
        Err(e) => raise_error(e),
    }
}

/// `key_from_der(der, len, isPublic)`.
#[no_mangle]
pub unsafe extern "C" fn ssl_key_from_der(data: *mut vbyte, len: i32, public: bool) -> *mut hl_ssl_pkey {
    if data.is_null() && len > 0 {
        raise_error("Null access");
    }
    let d = if len <= 0 { &[][..] } else { ::std::slice::from_raw_parts(data, len as usize) };
    let r = if public { public_from_der(d) } else { private_from_der(d) };
    match r {
        Ok(k) => new_key(k),
        Err(e) => raise_error(e),
    }
}

// ---------------------------------------------------------------------------
// Digests and signatures.

#[derive(Clone, Copy, PartialEq, Debug)]
enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Ripemd160,
}

unsafe fn hash_alg(alg: *mut vbyte) -> Hash {
    let name = c_str(alg);
    match name {
        b"MD5" => Hash::Md5,
        b"SHA1" => Hash::Sha1,
        b"SHA224" => Hash::Sha224,
        b"SHA256" => Hash::Sha256,
        b"SHA384" => Hash::Sha384,
        b"SHA512" => Hash::Sha512,
        b"RIPEMD160" => Hash::Ripemd160,
        _ => {
            let msg = format!("Unknown hash algorithm: {}", String::from_utf8_lossy(name));
            raise_error(&msg)
        }
    }
}

fn digest(h: Hash, data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match h {
        Hash::Md5 => md5::Md5::digest(data).to_vec(),
        Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
        Hash::Sha224 => sha2::Sha224::digest(data).to_vec(),
        Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
        Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
        Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        Hash::Ripemd160 => ripemd::Ripemd160::digest(data).to_vec(),
    }
}

unsafe fn bytes_arg<'a>(p: *mut vbyte, len: i32) -> &'a [u8] {
    if len <= 0 {
        return &[];
    }
    if p.is_null() {
        raise_error("Null access");
    }
    ::std::slice::from_raw_parts(p, len as usize)
}

/// `dgst_make(data, len, alg, &size)`: the digest of `data` ("MD5", "SHA1",
/// "SHA224", "SHA256", "SHA384", "SHA512", "RIPEMD160").
#[no_mangle]
pub unsafe extern "C" fn ssl_dgst_make(data: *mut vbyte, len: i32, alg: *mut vbyte, size: *mut i32) -> *mut vbyte {
    let h = hash_alg(alg);
    let d = digest(h, bytes_arg(data, len));
    crate::std::set_out(size, d.len() as i32);
    alloc_bytes_copy(&d)
}

fn sign_schemes(h: Hash) -> &'static [SignatureScheme] {
    use SignatureScheme as S;
    match h {
        Hash::Sha256 => &[S::RSA_PKCS1_SHA256, S::ECDSA_NISTP256_SHA256, S::ED25519],
        Hash::Sha384 => &[S::RSA_PKCS1_SHA384, S::ECDSA_NISTP384_SHA384, S::ED25519],
        Hash::Sha512 => &[S::RSA_PKCS1_SHA512, S::ECDSA_NISTP521_SHA512, S::ED25519],
        _ => &[S::ED25519],
    }
}

fn sign(key: &KeyData, h: Hash, data: &[u8]) -> Result<Vec<u8>, String> {
    let KeyData::Private { signer, .. } = key else { return Err(E_PK_TYPE_MISMATCH.into()) };
    let Some(s) = signer.choose_scheme(sign_schemes(h)) else {
        return Err(format!("{E_PK_UNAVAILABLE} (no {h:?} signature with this key)"));
    };
    s.sign(data).map_err(|e| e.to_string())
}

/// `dgst_sign(data, len, key, alg, &size)`: signs the digest of `data` with
/// a private key (RSA PKCS#1 v1.5 or ECDSA, DER-encoded, as mbedtls).
#[no_mangle]
pub unsafe extern "C" fn ssl_dgst_sign(
    data: *mut vbyte,
    len: i32,
    key: *mut hl_ssl_pkey,
    alg: *mut vbyte,
    size: *mut i32,
) -> *mut vbyte {
    let h = hash_alg(alg);
    let Some(k) = key_ref(key) else { raise_error("Null access") };
    let r = sign(&k, h, bytes_arg(data, len));
    drop(k);
    match r {
        Ok(sig) => {
            crate::std::set_out(size, sig.len() as i32);
            let p = alloc_noptr(sig.len().max(1));
            ::std::ptr::copy_nonoverlapping(sig.as_ptr(), p, sig.len());
            p
        }
        Err(e) => raise_error(&e),
    }
}

fn verify(key: &KeyData, h: Hash, data: &[u8], sig: &[u8]) -> Result<bool, String> {
    use ring::signature as rs;
    let spki: Vec<u8> = match key {
        KeyData::Public { spki } => spki.clone(),
        KeyData::Private { signer, .. } => match signer.public_key() {
            Some(s) => s.as_ref().to_vec(),
            None => return Err(E_PK_TYPE_MISMATCH.into()),
        },
    };
    let (kind, pk) = spki_kind(&spki).map_err(String::from)?;
    let alg: &'static dyn rs::VerificationAlgorithm = match (kind, h) {
        ("rsa", Hash::Sha1) => &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        ("rsa", Hash::Sha256) => &rs::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        ("rsa", Hash::Sha384) => &rs::RSA_PKCS1_2048_8192_SHA384,
        ("rsa", Hash::Sha512) => &rs::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        ("p256", Hash::Sha256) => &rs::ECDSA_P256_SHA256_ASN1,
        ("p256", Hash::Sha384) => &rs::ECDSA_P256_SHA384_ASN1,
        ("p384", Hash::Sha256) => &rs::ECDSA_P384_SHA256_ASN1,
        ("p384", Hash::Sha384) => &rs::ECDSA_P384_SHA384_ASN1,
        ("ed25519", _) => &rs::ED25519,
        _ => return Err(format!("{E_PK_UNAVAILABLE} (no {h:?} signature with this key)")),
    };
    Ok(rs::UnparsedPublicKey::new(alg, pk).verify(data, sig).is_ok())
}

/// `dgst_verify(data, dlen, sig, slen, key, alg)`: whether `sig` is a valid
/// signature of `data`'s digest under `key` (public, or private's public half).
#[no_mangle]
pub unsafe extern "C" fn ssl_dgst_verify(
    data: *mut vbyte,
    dlen: i32,
    sig: *mut vbyte,
    slen: i32,
    key: *mut hl_ssl_pkey,
    alg: *mut vbyte,
) -> bool {
    let h = hash_alg(alg);
    let Some(k) = key_ref(key) else { raise_error("Null access") };
    let r = verify(&k, h, bytes_arg(data, dlen), bytes_arg(sig, slen));
    drop(k);
    match r {
        Ok(b) => b,
        Err(e) => raise_error(&e),
    }
}

// ---------------------------------------------------------------------------
// Configurations.

/// A rooted `hl.Bytes -> SNICbResult` closure.
struct SniCallback(Root);

impl ::std::fmt::Debug for SniCallback {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("SniCallback")
    }
}

impl SniCallback {
    /// Calls the closure with the requested name; the certificate and key of
    /// its `SNICbResult { cert, key }` (fields after the type pointer).
    unsafe fn call(&self, name: &str) -> Option<Arc<CertifiedKey>> {
        let cl = self.0.get() as *mut vclosure;
        if cl.is_null() {
            return None;
        }
        let mut z = name.as_bytes().to_vec();
        z.push(0);
        let b = alloc_bytes_copy(&z);
        drop(z);
        let ret: *mut *mut c_void = if (*cl).has_value != 0 {
            let f: unsafe extern "C" fn(*mut c_void, *mut vbyte) -> *mut *mut c_void = ::std::mem::transmute((*cl).fun);
            f((*cl).value, b)
        } else {
            let f: unsafe extern "C" fn(*mut vbyte) -> *mut *mut c_void = ::std::mem::transmute((*cl).fun);
            f(b)
        };
        if ret.is_null() {
            return None;
        }
        let cert = *ret.add(1) as *mut hl_ssl_cert;
        let key = *ret.add(2) as *mut hl_ssl_pkey;
        certified_key(&cert_ref(cert)?, &*key_ref(key)?)
    }
}

fn certified_key(chain: &(Chain, usize), key: &KeyData) -> Option<Arc<CertifiedKey>> {
    let KeyData::Private { signer, .. } = key else { return None };
    let certs = chain_from(chain);
    if certs.is_empty() {
        return None;
    }
    Some(Arc::new(CertifiedKey::new(certs, signer.clone())))
}

struct ConfState {
    server: bool,
    verify: i32,
    ca: Option<(Chain, usize)>,
    own: Option<((Chain, usize), Arc<KeyData>)>,
    sni: Option<Arc<SniCallback>>,
}

struct Conf(Mutex<ConfState>);

/// `mbedtls_ssl_config`.
#[repr(C)]
pub struct SslConf {
    finalize: Option<unsafe extern "C" fn(*mut SslConf)>,
    conf: *const Conf,
}

unsafe extern "C" fn conf_finalize(c: *mut SslConf) {
    if !(*c).conf.is_null() {
        drop(Arc::from_raw((*c).conf));
        (*c).conf = ::std::ptr::null();
    }
}

unsafe fn conf_ref(c: *mut SslConf) -> Arc<Conf> {
    if c.is_null() || (*c).conf.is_null() {
        raise_error("Null access");
    }
    Arc::increment_strong_count((*c).conf);
    Arc::from_raw((*c).conf)
}

/// Runs `f` on a configuration's settings.
unsafe fn with_conf(c: *mut SslConf, f: impl FnOnce(&mut ConfState)) {
    let conf = conf_ref(c);
    f(&mut lock(&conf.0));
}

/// `conf_new(server)`: mbedtls' defaults (a client verifies the server, a
/// server does not ask for client certificates).
#[no_mangle]
pub unsafe extern "C" fn ssl_conf_new(server: bool) -> *mut SslConf {
    let st = ConfState { server, verify: if server { 0 } else { 1 }, ca: None, own: None, sni: None };
    alloc_handle(SslConf { finalize: Some(conf_finalize), conf: Arc::into_raw(Arc::new(Conf(Mutex::new(st)))) })
}

/// `conf_close(conf)`: releases the settings (contexts made from them keep theirs).
#[no_mangle]
pub unsafe extern "C" fn ssl_conf_close(conf: *mut SslConf) {
    if !conf.is_null() {
        conf_finalize(conf);
    }
}

/// `conf_set_ca(conf, cert)`: the trusted certificates (from `cert` to the chain's end).
#[no_mangle]
pub unsafe extern "C" fn ssl_conf_set_ca(conf: *mut SslConf, cert: *mut hl_ssl_cert) {
    let ca = cert_ref(cert);
    with_conf(conf, |s| s.ca = ca);
}

/// `conf_set_verify(conf, mode)`: 0 none, 1 required, 2 optional.
#[no_mangle]
pub unsafe extern "C" fn ssl_conf_set_verify(conf: *mut SslConf, mode: i32) {
    let mode = if mode == 1 || mode == 2 { mode } else { 0 };
    with_conf(conf, |s| s.verify = mode);
}

/// `conf_set_cert(conf, cert, key)`: the own certificate chain and its key.
#[no_mangle]
pub unsafe extern "C" fn ssl_conf_set_cert(conf: *mut SslConf, cert: *mut hl_ssl_cert, key: *mut hl_ssl_pkey) {
    let (Some(c), Some(k)) = (cert_ref(cert), key_ref(key)) else { raise_error("Null access") };
    with_conf(conf, |s| s.own = Some((c, k)));
}

/// `conf_set_servername_callback(conf, cb)`: a server calls `cb(name)` when a
/// client asks for a host name (SNI); the handshake fails if it returns null
/// or a result without certificate and key.
#[no_mangle]
pub unsafe extern "C" fn ssl_conf_set_servername_callback(conf: *mut SslConf, cb: *mut vclosure) {
    let sni = if cb.is_null() { None } else { Some(Arc::new(SniCallback(Root::new(cb.cast())))) };
    with_conf(conf, |s| s.sni = sni);
}

// Certificate verifiers for the modes webpki's do not cover.

#[derive(Debug)]
struct AnyServerCert(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyServerCert {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.0)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.0)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// Required mode without a CA or without a host name: webpki's checks,
/// failing for lack of anchors, or ignoring the name.
#[derive(Debug)]
enum StrictServerCert {
    NoAnchors(WebPkiSupportedAlgorithms),
    IgnoreName(Arc<WebPkiServerVerifier>),
}

impl ServerCertVerifier for StrictServerCert {
    fn verify_server_cert(
        &self,
        e: &CertificateDer<'_>,
        i: &[CertificateDer<'_>],
        n: &ServerName<'_>,
        o: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self {
            Self::NoAnchors(_) => Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)),
            Self::IgnoreName(v) => match v.verify_server_cert(e, i, n, o, now) {
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                r => r,
            },
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        match self {
            Self::NoAnchors(a) => rustls::crypto::verify_tls12_signature(m, c, d, a),
            Self::IgnoreName(v) => v.verify_tls12_signature(m, c, d),
        }
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        match self {
            Self::NoAnchors(a) => rustls::crypto::verify_tls13_signature(m, c, d, a),
            Self::IgnoreName(v) => v.verify_tls13_signature(m, c, d),
        }
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        match self {
            Self::NoAnchors(a) => a.supported_schemes(),
            Self::IgnoreName(v) => v.supported_verify_schemes(),
        }
    }
}

/// A server's client verifier for the optional mode (any certificate or none)
/// and for the required mode without a CA (none can be accepted).
#[derive(Debug)]
struct LaxClientCert {
    algs: WebPkiSupportedAlgorithms,
    reject: bool,
}

impl ClientCertVerifier for LaxClientCert {
    fn client_auth_mandatory(&self) -> bool {
        self.reject
    }
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }
    fn verify_client_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if self.reject {
            Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer))
        } else {
            Ok(ClientCertVerified::assertion())
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.algs)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.algs)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

#[derive(Debug)]
struct ServerCertResolver {
    default: Option<Arc<CertifiedKey>>,
    sni: Option<Arc<SniCallback>>,
}

impl ResolvesServerCert for ServerCertResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        match (hello.server_name(), &self.sni) {
            // SAFETY: the callback's closure is rooted for as long as the resolver holds it.
            (Some(name), Some(cb)) => unsafe { cb.call(name) },
            _ => self.default.clone(),
        }
    }
}

fn roots(st: &ConfState) -> RootCertStore {
    let mut r = RootCertStore::empty();
    if let Some(ca) = &st.ca {
        r.add_parsable_certificates(chain_from(ca));
    }
    r
}

fn client_config(st: &ConfState, has_name: bool) -> Result<Arc<ClientConfig>, rustls::Error> {
    let p = provider();
    let algs = p.signature_verification_algorithms;
    let verifier: Arc<dyn ServerCertVerifier> = if st.verify == 1 {
        let r = roots(st);
        if r.is_empty() {
            Arc::new(StrictServerCert::NoAnchors(algs))
        } else {
            let v = WebPkiServerVerifier::builder_with_provider(Arc::new(r), p.clone())
                .build()
                .map_err(|e| rustls::Error::General(e.to_string()))?;
            if has_name {
                v
            } else {
                Arc::new(StrictServerCert::IgnoreName(v))
            }
        }
    } else {
        Arc::new(AnyServerCert(algs))
    };
    let b = ClientConfig::builder_with_provider(p)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let cfg = match &st.own {
        Some((chain, key)) => match &**key {
            KeyData::Private { der, .. } => b.with_client_auth_cert(chain_from(chain), der.clone_key())?,
            KeyData::Public { .. } => return Err(rustls::Error::General(E_PK_TYPE_MISMATCH.into())),
        },
        None => b.with_no_client_auth(),
    };
    Ok(Arc::new(cfg))
}

fn server_config(st: &ConfState) -> Result<Arc<ServerConfig>, rustls::Error> {
    let p = provider();
    let algs = p.signature_verification_algorithms;
    let b = ServerConfig::builder_with_provider(p.clone()).with_safe_default_protocol_versions()?;
    let b = match st.verify {
        1 => {
            let r = roots(st);
            if r.is_empty() {
                b.with_client_cert_verifier(Arc::new(LaxClientCert { algs, reject: true }))
            } else {
                let v = WebPkiClientVerifier::builder_with_provider(Arc::new(r), p)
                    .build()
                    .map_err(|e| rustls::Error::General(e.to_string()))?;
                b.with_client_cert_verifier(v)
            }
        }
        2 => b.with_client_cert_verifier(Arc::new(LaxClientCert { algs, reject: false })),
        _ => b.with_no_client_auth(),
    };
    let default = st.own.as_ref().and_then(|(c, k)| certified_key(c, k));
    Ok(Arc::new(b.with_cert_resolver(Arc::new(ServerCertResolver { default, sni: st.sni.clone() }))))
}

// ---------------------------------------------------------------------------
// Contexts.

enum Bio {
    None,
    Socket(i32),
    /// `ssl_set_bio`'s array `[ctx, read, write]` (closures called as
    /// `fun(ctx, buf, len)`, -2 meaning "would block").
    Closures(Root),
}

struct Ssl {
    conf: Arc<Conf>,
    hostname: Option<String>,
    bio: Bio,
    conn: Option<Connection>,
    /// The code of a fatal TLS error: every later call fails.
    failed: Option<i32>,
    last_error: Option<String>,
}

/// `mbedtls_ssl_context`.
#[repr(C)]
pub struct SslCtx {
    finalize: Option<unsafe extern "C" fn(*mut SslCtx)>,
    ssl: *mut Ssl,
}

unsafe extern "C" fn ctx_finalize(c: *mut SslCtx) {
    if !(*c).ssl.is_null() {
        drop(Box::from_raw((*c).ssl));
        (*c).ssl = null_mut();
    }
}

unsafe fn ssl_mut<'a>(c: *mut SslCtx) -> Option<&'a mut Ssl> {
    if c.is_null() {
        raise_error("Null access");
    }
    (*c).ssl.as_mut()
}

/// The transport as `Read`/`Write` for rustls.
struct Io<'a> {
    bio: &'a Bio,
    nonblocking: bool,
}

/// A socket call's result ([`crate::sys::net`]) as I/O's.
fn socket_result(r: Result<usize, bool>) -> io::Result<usize> {
    match r {
        Ok(n) => Ok(n),
        Err(true) => Err(io::ErrorKind::WouldBlock.into()),
        Err(false) => Err(io::ErrorKind::ConnectionReset.into()),
    }
}

impl Io<'_> {
    unsafe fn call(&self, root: &Root, which: usize, buf: *mut u8, len: usize) -> io::Result<usize> {
        let arr = root.get() as *mut varray;
        if arr.is_null() || (*arr).size < 3 {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        let items = varray::data(arr) as *mut *mut c_void;
        let cl = *items.add(which) as *mut vclosure;
        if cl.is_null() {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        let f: unsafe extern "C" fn(*mut c_void, *mut u8, i32) -> i32 = ::std::mem::transmute((*cl).fun);
        let r = f(*items, buf, len.min(i32::MAX as usize) as i32);
        match r {
            -2 => Err(io::ErrorKind::WouldBlock.into()),
            r if r < 0 => Err(io::ErrorKind::BrokenPipe.into()),
            r => Ok(r as usize),
        }
    }
}

impl Read for Io<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.bio {
            Bio::None => Err(io::ErrorKind::NotConnected.into()),
            // SAFETY: the pointer and length are `buf`'s own.
            Bio::Socket(fd) => unsafe {
                hl_blocking(true);
                let r = crate::sys::net::recv(*fd, buf.as_mut_ptr(), buf.len());
                hl_blocking(false);
                socket_result(r)
            },
            // SAFETY: `buf` is a writable slice of `buf.len()` bytes for the closure to fill; `root` keeps it alive.
            Bio::Closures(root) => unsafe { self.call(root, 1, buf.as_mut_ptr(), buf.len()) },
        }
    }
}

impl Write for Io<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.bio {
            Bio::None => Err(io::ErrorKind::NotConnected.into()),
            // SAFETY: the pointer and length are `buf`'s own.
            Bio::Socket(fd) => unsafe {
                hl_blocking(true);
                let r = crate::sys::net::send_with(*fd, buf.as_ptr(), buf.len(), self.nonblocking);
                hl_blocking(false);
                socket_result(r)
            },
            // SAFETY: `buf` holds `buf.len()` readable bytes (the closure only reads them); `root` keeps it alive.
            Bio::Closures(root) => unsafe { self.call(root, 2, buf.as_ptr() as *mut u8, buf.len()) },
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Fail {
    Want,
    Eof,
    Code(i32),
}

/// Writes the pending TLS records.
fn flush_tls(conn: &mut Connection, bio: &Bio, nonblocking: bool) -> Result<(), Fail> {
    let mut io = Io { bio, nonblocking };
    while conn.wants_write() {
        match conn.write_tls(&mut io) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Fail::Want),
            Err(_) => return Err(Fail::Code(code::NET_SEND_FAILED)),
        }
    }
    Ok(())
}

impl Ssl {
    /// The connection, created on first use from the settings.
    fn conn(&mut self) -> Result<&mut Connection, i32> {
        if self.conn.is_none() {
            let st = lock(&self.conf.0);
            let r: Result<Connection, rustls::Error> = if st.server {
                server_config(&st).and_then(|c| ServerConnection::new(c).map(Connection::from))
            } else {
                let name = match &self.hostname {
                    Some(h) => ServerName::try_from(h.clone()).ok(),
                    None => None,
                };
                let has_name = name.is_some();
                let name = name.unwrap_or(ServerName::IpAddress(::std::net::IpAddr::from([0u8, 0, 0, 0]).into()));
                client_config(&st, has_name).and_then(|c| ClientConnection::new(c, name).map(Connection::from))
            };
            drop(st);
            match r {
                Ok(c) => self.conn = Some(c),
                Err(e) => {
                    self.last_error = Some(e.to_string());
                    self.failed = Some(code::SSL_BAD_INPUT_DATA);
                    return Err(code::SSL_BAD_INPUT_DATA);
                }
            }
        }
        Ok(self.conn.as_mut().unwrap())
    }

    /// Reads TLS records from the transport and processes them.
    fn fill(&mut self) -> Result<(), Fail> {
        let conn = self.conn.as_mut().unwrap();
        let mut io = Io { bio: &self.bio, nonblocking: false };
        loop {
            match conn.read_tls(&mut io) {
                Ok(0) => return Err(Fail::Eof),
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Fail::Want),
                Err(_) => return Err(Fail::Code(code::NET_RECV_FAILED)),
            }
        }
        match conn.process_new_packets() {
            Ok(_) => Ok(()),
            Err(e) => {
                // Tell the peer (the alert rustls queued), then report.
                let _ = flush_tls(conn, &self.bio, false);
                let c = tls_error_code(&e);
                self.last_error = Some(e.to_string());
                self.failed = Some(c);
                Err(Fail::Code(c))
            }
        }
    }

    /// Drives the handshake until it is done or cannot go on.
    fn drive_handshake(&mut self) -> Result<(), Fail> {
        if let Some(c) = self.failed {
            return Err(Fail::Code(c));
        }
        loop {
            self.conn().map_err(Fail::Code)?;
            let conn = self.conn.as_mut().unwrap();
            if conn.wants_write() {
                flush_tls(conn, &self.bio, false)?;
            }
            if !conn.is_handshaking() {
                return Ok(());
            }
            self.fill()?;
        }
    }

    /// `mbedtls_ssl_handshake`'s convention: 0, -1 (would block), -2 (EOF) or an error code.
    fn handshake(&mut self) -> i32 {
        match self.drive_handshake() {
            Ok(()) => 0,
            Err(Fail::Want) => -1,
            Err(Fail::Eof) => -2,
            // libhl's transport gives mbedtls -1 for a failed recv/send (e.g.
            // a reset connection), which its handshake passes on and Haxe
            // reads as "would block": kept for compatibility.
            Err(Fail::Code(code::NET_RECV_FAILED | code::NET_SEND_FAILED)) => -1,
            Err(Fail::Code(c)) => c,
        }
    }

    /// Completes the handshake first if needed: `Some(-1 / -2)` when it cannot.
    fn ready(&mut self) -> Option<i32> {
        if self.failed.is_some() {
            return Some(-2);
        }
        if self.conn.as_ref().is_some_and(|c| !c.is_handshaking()) {
            return None;
        }
        match self.drive_handshake() {
            Ok(()) => None,
            Err(Fail::Want) => Some(-1),
            Err(_) => Some(-2),
        }
    }

    fn send(&mut self, data: &[u8]) -> i32 {
        if let Some(r) = self.ready() {
            return r;
        }
        if data.is_empty() {
            return 0;
        }
        let conn = self.conn.as_mut().unwrap();
        // Records left over from a send that would have blocked go first.
        match flush_tls(conn, &self.bio, false) {
            Ok(()) => {}
            Err(Fail::Want) => return -1,
            Err(_) => return -2,
        }
        let n = match conn.writer().write(data) {
            Ok(n) => n,
            Err(_) => return -2,
        };
        // The data is taken even if the socket cannot take all of it now: the
        // rest is written by the next call.
        match flush_tls(conn, &self.bio, false) {
            Ok(()) | Err(Fail::Want) => n as i32,
            Err(_) => -2,
        }
    }

    /// Plaintext into `buf`: a count, 0 after the peer's close_notify, -1 or -2.
    fn recv(&mut self, buf: &mut [u8]) -> i32 {
        if let Some(r) = self.ready() {
            return r;
        }
        if buf.is_empty() {
            return 0;
        }
        loop {
            let conn = self.conn.as_mut().unwrap();
            match conn.reader().read(buf) {
                Ok(n) => return n as i32,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => return -2,
            }
            if conn.wants_write() {
                let _ = flush_tls(conn, &self.bio, false);
            }
            match self.fill() {
                Ok(()) => {}
                Err(Fail::Want) => return -1,
                Err(_) => return -2,
            }
        }
    }
}

/// `ssl_new(conf)`: a context using `conf`'s settings.
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_new(conf: *mut SslConf) -> *mut SslCtx {
    let conf = conf_ref(conf);
    let ssl = Box::new(Ssl { conf, hostname: None, bio: Bio::None, conn: None, failed: None, last_error: None });
    alloc_handle(SslCtx { finalize: Some(ctx_finalize), ssl: Box::into_raw(ssl) })
}

/// `ssl_close(ssl)`: sends close_notify if it can without waiting, then
/// releases the connection (later calls fail with -2).
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_close(ssl: *mut SslCtx) {
    let Some(s) = ssl_mut(ssl) else { return };
    if let Some(conn) = s.conn.as_mut() {
        if !conn.is_handshaking() {
            conn.send_close_notify();
            let _ = flush_tls(conn, &s.bio, true);
        }
    }
    ctx_finalize(ssl);
}

/// `ssl_handshake(ssl)`: 0 when done, -1 if it would block, -2 if the
/// connection was closed, another negative code on failure.
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_handshake(ssl: *mut SslCtx) -> i32 {
    match ssl_mut(ssl) {
        Some(s) => s.handshake(),
        None => -2,
    }
}

/// `ssl_set_socket(ssl, sock)`: the transport is the socket's descriptor.
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_set_socket(ssl: *mut SslCtx, sock: *mut c_void) {
    if sock.is_null() {
        raise_error("Null access");
    }
    // hl_socket's first field is the descriptor.
    let fd = *(sock as *const i32);
    if let Some(s) = ssl_mut(ssl) {
        s.bio = Bio::Socket(fd);
    }
}

/// `ssl_set_bio(ssl, [ctx, read, write])`: the transport is a pair of
/// closures `fun(ctx, buf, len) -> count` (-2: would block).
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_set_bio(ssl: *mut SslCtx, ctx: *mut varray) {
    if ctx.is_null() {
        raise_error("Null access");
    }
    if let Some(s) = ssl_mut(ssl) {
        s.bio = Bio::Closures(Root::new(ctx.cast()));
    }
}

/// `ssl_set_hostname(ssl, name)`: the name a client sends (SNI) and checks
/// the server's certificate against.
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_set_hostname(ssl: *mut SslCtx, hostname: *mut vbyte) {
    let name = c_str(hostname);
    let name = match ::std::str::from_utf8(name) {
        Ok(n) if n.len() <= 255 && ServerName::try_from(n).is_ok() => n.to_string(),
        _ => raise_error(E_BAD_INPUT),
    };
    if let Some(s) = ssl_mut(ssl) {
        s.hostname = Some(name);
    }
}

/// `ssl_get_peer_certificate(ssl)`: the peer's chain, or null if it sent none.
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_get_peer_certificate(ssl: *mut SslCtx) -> *mut hl_ssl_cert {
    let certs = match ssl_mut(ssl).and_then(|s| s.conn.as_ref()).and_then(|c| c.peer_certificates()) {
        Some(c) if !c.is_empty() => c.iter().map(|c| c.clone().into_owned()).collect::<Vec<_>>(),
        _ => return null_mut(),
    };
    new_cert(Arc::new(Mutex::new(certs)), 0)
}

/// `ssl_send_char(ssl, c)`: 1, -1 (would block) or -2.
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_send_char(ssl: *mut SslCtx, c: i32) -> i32 {
    match ssl_mut(ssl) {
        Some(s) => match s.send(&[c as u8]) {
            r if r < 0 => r,
            _ => 1,
        },
        None => -2,
    }
}

/// `ssl_send(ssl, buf, pos, len)`: the count of bytes taken, -1 or -2.
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_send(ssl: *mut SslCtx, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    let Some(s) = ssl_mut(ssl) else { return -2 };
    let data = bytes_arg(buf.wrapping_add(pos.max(0) as usize), len);
    s.send(data)
}

/// `ssl_recv_char(ssl)`: a byte, -1 (would block) or -2 (error or end).
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_recv_char(ssl: *mut SslCtx) -> i32 {
    let Some(s) = ssl_mut(ssl) else { return -2 };
    let mut b = [0u8];
    match s.recv(&mut b) {
        1 => b[0] as i32,
        -1 => -1,
        _ => -2,
    }
}

/// `ssl_recv(ssl, buf, pos, len)`: a count, 0 if the peer closed the
/// connection cleanly, -1 (would block) or -2.
#[no_mangle]
pub unsafe extern "C" fn ssl_ssl_recv(ssl: *mut SslCtx, buf: *mut vbyte, pos: i32, len: i32) -> i32 {
    let Some(s) = ssl_mut(ssl) else { return -2 };
    if len <= 0 {
        return 0;
    }
    if buf.is_null() {
        raise_error("Null access");
    }
    let out = ::std::slice::from_raw_parts_mut(buf.add(pos.max(0) as usize), len as usize);
    s.recv(out)
}

/// `ssl_init()`: nothing to do (the crypto provider is built on first use).
#[no_mangle]
pub extern "C" fn ssl_ssl_init() {
    let _ = provider();
}

/// The description of the last TLS failure of a context (for diagnostics).
///
/// # Safety
/// `ssl` must be null or a context from [`ssl_ssl_new`].
pub unsafe fn last_error(ssl: *mut SslCtx) -> Option<String> {
    if ssl.is_null() {
        return None;
    }
    (*ssl).ssl.as_ref().and_then(|s| s.last_error.clone())
}
