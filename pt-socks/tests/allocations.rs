//! Zero allocations, proven with a counting global allocator.
//!
//! The allocator is `stats_alloc`'s wrapper around `std::alloc::System`, which counts every
//! allocation and reallocation in atomics: the workspace forbids `unsafe_code`, and a
//! `GlobalAlloc` impl of our own would need it. This file holds a single test, so no other test
//! thread allocates while it measures, and the measured code runs on that one thread.
//!
//! Measured: the SOCKS5 server handshake fed the bytes tor writes for the 86-byte obfs4
//! arguments (greeting `05 02 00 02`, RFC 1929 with the arguments in UNAME and a one-NUL
//! PASSWD, CONNECT 127.0.0.1:9), parsing the arguments with `Credentials::pt_args` and reading
//! `cert`; and the SOCKS5 client handshake that sends the same arguments. Both write into a
//! `&mut [u8]` on the stack.

use std::alloc::System;
use std::hint::black_box;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

use pt_socks::server::{Credentials, Event, Handshake, MAX_REPLY_OUTPUT, Policy};
use pt_socks::socks5::ReplyCode;
use pt_socks::{Target, Version, client};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const OBFS4_ARGS: &[u8] =
    b"cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw;iat-mode=0";

/// Allocations and reallocations while `f` runs.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let region = Region::new(GLOBAL);
    let value = f();
    let change = region.change();
    (change.allocations + change.reallocations, value)
}

/// tor's writes to a PT's SOCKS port, one field at a time (as in
/// `testdata/tor-client/main/socks/fake5-127.0.0.1_9.hex`), in stack arrays.
struct TorBytes {
    greeting: [u8; 4],
    auth: [u8; 2 + 86 + 2],
    connect: [u8; 10],
}

fn tor_bytes() -> TorBytes {
    let mut auth = [0u8; 90];
    auth[0] = 1;
    auth[1] = 86;
    auth[2..88].copy_from_slice(OBFS4_ARGS);
    auth[88] = 1;
    auth[89] = 0;
    TorBytes {
        greeting: [5, 2, 0, 2],
        auth,
        connect: [5, 1, 0, 1, 127, 0, 0, 1, 0, 9],
    }
}

/// The server handshake with stack buffers, sending `out` after every call into `sent`.
/// Returns the bytes sent, how many, and the `cert` value's length.
fn server_handshake(tor: &TorBytes) -> ([u8; 64], usize, usize, bool) {
    let chunks: [&[u8]; 3] = [&tor.greeting, &tor.auth, &tor.connect];
    let mut inbuf = [0u8; 256];
    let (mut start, mut end) = (0, 0);
    let mut sent = [0u8; 64];
    let mut sent_len = 0;
    let mut send = |buf: &[u8; MAX_REPLY_OUTPUT], room_left: usize| {
        let n = MAX_REPLY_OUTPUT - room_left;
        sent[sent_len..sent_len + n].copy_from_slice(&buf[..n]);
        sent_len += n;
    };
    let mut chunks = chunks.iter();
    let mut hs = Handshake::new(Policy::default());
    let mut cert_len = 0;
    let mut done = false;
    loop {
        let mut buf = [0u8; MAX_REPLY_OUTPUT];
        let mut out: &mut [u8] = &mut buf;
        let result = hs.advance(&inbuf[start..end], &mut out);
        let left = out.len();
        send(&buf, left);
        let Ok(p) = result else { break };
        let consumed = p.consumed;
        let mut buf = [0u8; MAX_REPLY_OUTPUT];
        let mut out: &mut [u8] = &mut buf;
        match p.event {
            Event::NeedInput => {
                start += consumed;
                let Some(c) = chunks.next() else { break };
                inbuf[end..end + c.len()].copy_from_slice(c);
                end += c.len();
                continue;
            }
            Event::Credentials(c) => {
                let args = c.pt_args(pt_args::socks::Config::LENIENT);
                let ok = match &args {
                    Ok(Some(args)) => match args.get("cert") {
                        Some(cert) => {
                            cert_len = cert.len();
                            args.get("iat-mode") == Some("0")
                        }
                        None => false,
                    },
                    _ => false,
                };
                black_box(&args);
                assert!(matches!(c, Credentials::UserPass(_)));
                let result = hs.decide(ok, &mut out);
                let left = out.len();
                send(&buf, left);
                if result.is_err() {
                    break;
                }
            }
            Event::Request(r) => {
                black_box(&r);
                let result = hs.reply(ReplyCode::SUCCEEDED, None, &mut out);
                let left = out.len();
                send(&buf, left);
                if result.is_err() {
                    break;
                }
            }
            Event::Done => {
                done = true;
                break;
            }
        }
        start += consumed;
    }
    (sent, sent_len, cert_len, done)
}

/// The client handshake that sends the same arguments, against the server's answers, with a
/// stack `out` big enough for every message still to send (its `advance` asks for that).
fn client_handshake(replies: &[&[u8]]) -> ([u8; 128], usize, bool) {
    let mut outbuf = [0u8; 128];
    let mut out: &mut [u8] = &mut outbuf;
    let mut inbuf = [0u8; 64];
    let (mut start, mut end) = (0, 0);
    let Ok(auth) = client::Auth::from_pt_args(OBFS4_ARGS, Version::Socks5) else {
        return (outbuf, 0, false);
    };
    let target = Target::Ip(std::net::SocketAddr::from(([127, 0, 0, 1], 9)));
    let Ok(mut hs) = client::Handshake::new(Version::Socks5, target, auth) else {
        return (outbuf, 0, false);
    };
    let mut replies = replies.iter();
    let mut connected = false;
    while let Ok(p) = hs.advance(&inbuf[start..end], &mut out) {
        match p.event {
            client::Event::Connected(bound) => {
                black_box(bound);
                connected = true;
                break;
            }
            client::Event::NeedInput => {
                start += p.consumed;
                let Some(r) = replies.next() else { break };
                inbuf[end..end + r.len()].copy_from_slice(r);
                end += r.len();
            }
        }
    }
    let written = 128 - out.len();
    (outbuf, written, connected)
}

#[test]
fn socks5_handshakes_allocate_nothing() {
    // The counter counts: something that does allocate, in this crate and in std.
    let (n, owned) = allocations(|| {
        let t = Target::domain("bridge.example", 443).unwrap();
        black_box(t.into_owned())
    });
    assert!(
        n >= 1,
        "the counter saw no allocation for Target::into_owned"
    );
    drop(owned);
    let (n, v) = allocations(|| black_box(Vec::<u8>::with_capacity(32)));
    assert!(n >= 1, "the counter saw no allocation for a Vec");
    drop(v);

    // The server: tor's bytes for the obfs4 arguments, args parsed and `cert` read.
    let tor = tor_bytes();
    let (n, (sent, sent_len, cert_len, done)) = allocations(|| server_handshake(&tor));
    assert!(done, "the server handshake did not finish");
    assert_eq!(cert_len, 70);
    assert_eq!(sent[..sent_len], [5, 2, 1, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(n, 0, "the server handshake allocated {n} times");

    // The client, sending the same arguments; the server's answers come in three reads.
    let replies: [&[u8]; 3] = [&sent[..2], &sent[2..4], &sent[4..sent_len]];
    let (n, (out, written, connected)) = allocations(|| client_handshake(&replies));
    assert!(connected, "the client handshake did not finish");
    let mut expected = vec![5, 1, 2];
    expected.extend_from_slice(&tor.auth);
    expected.extend_from_slice(&tor.connect);
    assert_eq!(out[..written], expected[..]);
    assert_eq!(n, 0, "the client handshake allocated {n} times");
}
