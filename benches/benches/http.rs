//! pt-socks HTTP CONNECT client: encoding the request with Basic credentials and reading a
//! typical `200` response head, whole and one byte per read.
//!
//! `cargo bench -p pt-benches --bench http`. The allocation profiler reports allocations per
//! operation next to the times; every row should show 0. The machine rows (`handshake_*`)
//! include writing the request, as a real first `advance` does; the `request_*` rows give that
//! part alone, and `feed_loop_only_bytewise` the cost of the byte-by-byte loop without any
//! machine.

use std::hint::black_box;

use divan::Bencher;
use pt_socks::http::{BasicAuth, ConnectRequest, Event, Handshake, Response};
use pt_socks::{Encode, Parse, Parsed, Target};

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    check_inputs();
    divan::main();
}

/// The userinfo of tor's own test vector `http://hwest:r34n1m470r@192.0.2.1:80`.
const USERINFO: &[u8] = b"hwest:r34n1m470r";

/// What a CONNECT proxy typically answers: a status line and a few headers.
const HEAD: &[u8] = b"HTTP/1.1 200 Connection established\r\n\
Date: Tue, 01 Sep 2026 12:00:00 GMT\r\n\
Proxy-Agent: tinyproxy/1.11.1\r\n\
Via: 1.1 proxy.example (squid/6.10)\r\n\
\r\n";

/// A userinfo of 1 KiB, to measure Basic encoding past any small fixed buffer.
fn long_userinfo() -> Vec<u8> {
    let mut v = b"user:".to_vec();
    v.resize(1024, b'p');
    v
}

fn target() -> Target<'static> {
    Target::domain("bridge.example", 443).unwrap()
}

/// Fails the run before any timing if an input does not mean what the benchmark names say.
fn check_inputs() {
    let req = ConnectRequest {
        target: target(),
        auth: Some(BasicAuth::from_userinfo(USERINFO)),
    };
    let mut out = Vec::new();
    req.encode(&mut out).unwrap();
    assert_eq!(
        out,
        b"CONNECT bridge.example:443 HTTP/1.1\r\nHost: bridge.example:443\r\n\
          Proxy-Authorization: Basic aHdlc3Q6cjM0bjFtNDcwcg==\r\n\r\n"
    );
    assert_eq!(out.len(), req.encoded_len());
    let long = long_userinfo();
    let req = ConnectRequest {
        target: target(),
        auth: Some(BasicAuth::from_userinfo(&long)),
    };
    assert!(req.encoded_len() <= 2048);
    let Parsed::Complete { value, len } = Response::parse(HEAD).unwrap() else {
        panic!("incomplete head")
    };
    assert_eq!(
        (value.status, len, value.headers().count()),
        (200, HEAD.len(), 3)
    );
    assert_eq!(handshake(HEAD, false), HEAD.len());
    assert_eq!(handshake(HEAD, true), HEAD.len());
}

/// The measured request encoding: into a stack buffer.
#[inline]
fn encode_request(userinfo: &[u8]) -> usize {
    let mut outbuf = [0u8; 2048];
    let mut out: &mut [u8] = &mut outbuf;
    let req = ConnectRequest {
        target: target(),
        auth: Some(BasicAuth::from_userinfo(userinfo)),
    };
    let n = req.encode(&mut out).unwrap();
    black_box(&outbuf);
    n
}

/// `CONNECT` with the 16-byte `hwest:r34n1m470r` credentials.
#[divan::bench]
fn request_basic_auth(b: Bencher) {
    b.bench_local(|| encode_request(black_box(USERINFO)));
}

/// `CONNECT` with 1 KiB of credentials.
#[divan::bench]
fn request_basic_auth_1k(b: Bencher) {
    let long = long_userinfo();
    b.bench_local(|| encode_request(black_box(&long)));
}

/// The wire parse of the whole head, no machine.
#[divan::bench]
fn response_parse_whole(b: Bencher) {
    b.bench_local(|| match Response::parse(black_box(HEAD)).unwrap() {
        Parsed::Complete { value, len } => {
            black_box(value);
            len
        }
        Parsed::Incomplete { .. } => unreachable!(),
    });
}

/// The machine: writes the request, then reads [`HEAD`] in one read or one byte per read.
/// Returns the bytes consumed.
#[inline]
fn handshake(head: &[u8], bytewise: bool) -> usize {
    let mut outbuf = [0u8; 256];
    let mut out: &mut [u8] = &mut outbuf;
    let mut hs = Handshake::new(target(), Some(BasicAuth::from_userinfo(USERINFO))).unwrap();
    let mut end = if bytewise { 0 } else { head.len() };
    loop {
        let p = hs.advance(&head[..end], &mut out).unwrap();
        match p.event {
            Event::Connected(r) => {
                black_box(r);
                black_box(&outbuf);
                return p.consumed;
            }
            Event::NeedInput => end += 1,
        }
    }
}

/// The handshake with the head in one read.
#[divan::bench]
fn handshake_whole(b: Bencher) {
    b.bench_local(|| handshake(black_box(HEAD), false));
}

/// The handshake with the head one byte per read.
#[divan::bench]
fn handshake_bytewise(b: Bencher) {
    b.bench_local(|| handshake(black_box(HEAD), true));
}

/// What the byte-by-byte loop costs without the machine: one opaque call per byte of
/// [`HEAD`]. Subtract it from `handshake_bytewise` to see the machine's own per-call cost.
#[divan::bench]
fn feed_loop_only_bytewise(b: Bencher) {
    b.bench_local(|| {
        let head = black_box(HEAD);
        for end in 1..=head.len() {
            black_box(&head[..end]);
        }
        head.len()
    });
}
