//! Zero allocations, proven with a counting global allocator.
//!
//! The allocator is `stats_alloc`'s wrapper around `std::alloc::System`, which counts every
//! allocation and reallocation: the workspace forbids `unsafe_code`, and a `GlobalAlloc` impl
//! of our own would need it. This file holds a single test, so no other test thread allocates
//! while it measures.
//!
//! Measured: a full SAFE_COOKIE authentication with USERADDR, TRANSPORT, DONE and OKAY between
//! our PT-side and tor-side machines, all buffers on the stack, each side's messages handed to
//! the other whole, then again one byte at a time; and making the key from a cookie file.

use std::alloc::System;
use std::hint::black_box;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

use pt_extorport::{AuthKey, Cookie, client, server};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let region = Region::new(GLOBAL);
    let value = f();
    let change = region.change();
    (change.allocations + change.reallocations, value)
}

/// A stack byte pipe.
struct Pipe {
    buf: [u8; 256],
    start: usize,
    end: usize,
    /// The end of what has arrived at the reader.
    arrived: usize,
}

impl Pipe {
    fn new() -> Self {
        Pipe {
            buf: [0; 256],
            start: 0,
            end: 0,
            arrived: 0,
        }
    }
    fn room(&mut self) -> &mut [u8] {
        &mut self.buf[self.end..]
    }
    fn wrote(&mut self, room_left: usize) {
        self.end = 256 - room_left;
    }
    /// `limit` more bytes arrive.
    fn deliver(&mut self, limit: usize) {
        self.arrived = self.end.min(self.arrived.saturating_add(limit));
    }
    fn data(&self) -> &[u8] {
        &self.buf[self.start..self.arrived]
    }
    fn consume(&mut self, n: usize) {
        self.start += n;
    }
}

/// Both machines in lockstep; `limit` bytes of each pipe visible per call (1: bytewise).
/// Returns (PT done, tor done, transport length seen).
fn handshake(key: &AuthKey, limit: usize) -> (bool, bool, usize) {
    let mut pt = match client::Handshake::new(key, [0x22; 32])
        .with_useraddr(std::net::SocketAddr::from(([198, 51, 100, 7], 50000)))
        .with_transport("obfs4")
    {
        Ok(pt) => pt,
        Err(_) => return (false, false, 0),
    };
    let mut tor = server::Handshake::new(key, [0x33; 32]);
    let (mut to_pt, mut to_tor) = (Pipe::new(), Pipe::new());
    let (mut pt_done, mut tor_done, mut transport_len) = (false, false, 0);
    for _ in 0..10_000 {
        if !tor_done {
            let mut out = to_pt.room();
            let r = tor.advance(to_tor.data(), &mut out);
            let left = out.len();
            to_pt.wrote(left);
            match r {
                Ok(p) => {
                    let consumed = p.consumed;
                    match p.event {
                        server::Event::Transport(t) => transport_len = t.len(),
                        server::Event::Decide { .. } => {
                            let mut out = to_pt.room();
                            if tor.decide(true, &mut out).is_err() {
                                break;
                            }
                            let left = out.len();
                            to_pt.wrote(left);
                        }
                        server::Event::Done => tor_done = true,
                        other => {
                            black_box(other);
                        }
                    }
                    to_tor.consume(consumed);
                }
                Err(e) => {
                    eprintln!("{e:?}");
                    break;
                }
            }
        }
        to_pt.deliver(limit);
        if !pt_done {
            let mut out = to_tor.room();
            let r = pt.advance(to_pt.data(), &mut out);
            let left = out.len();
            to_tor.wrote(left);
            match r {
                Ok(p) => {
                    to_pt.consume(p.consumed);
                    pt_done = p.event == client::Event::Done;
                }
                Err(e) => {
                    eprintln!("{e:?}");
                    break;
                }
            }
        }
        if pt_done && tor_done {
            break;
        }
        to_pt.deliver(limit);
        to_tor.deliver(limit);
    }
    (pt_done, tor_done, transport_len)
}

#[test]
fn handshakes_allocate_nothing() {
    // The counter counts: something that does allocate.
    let (n, v) = allocations(|| black_box(Vec::<u8>::with_capacity(32)));
    assert!(n >= 1, "the counter saw no allocation for a Vec");
    drop(v);
    let (n, s) = allocations(|| black_box(format!("{:?}", Cookie::new([1; 32]))));
    assert!(n >= 1, "the counter saw no allocation for a String");
    drop(s);

    let file = Cookie::new([0x11; 32]).to_file();
    let (n, key) = allocations(|| Cookie::from_file(&file[..]).map(|c| c.key()));
    assert_eq!(
        n, 0,
        "reading the cookie file and keying the HMAC allocated {n} times"
    );
    let key = key.unwrap();

    for limit in [usize::MAX, 7, 1] {
        let (n, r) = allocations(|| handshake(&key, limit));
        assert_eq!(r, (true, true, 5), "limit {limit}");
        assert_eq!(n, 0, "the handshakes (limit {limit}) allocated {n} times");
    }
}
