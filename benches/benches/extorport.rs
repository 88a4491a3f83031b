//! pt-extorport: SAFE_COOKIE authentication plus USERADDR, TRANSPORT, DONE and OKAY, with the
//! cost of the HMAC-SHA256 computations alone measured in the same run as the baseline.
//!
//! `cargo bench -p pt-benches --bench extorport`. The allocation profiler reports allocations
//! per operation next to the times. Goal (issue 10): each side of the authentication <= 1.1x
//! the two HMAC-SHA256 computations it must do, with the key schedule reused (the `hmac`
//! group below; about 384 ns on the reference machine, where goptlib needs 2.2 us for the same
//! two hashes), and 0 allocations.
//!
//! Instruction counts (`valgrind --tool=callgrind <bench binary> --bench <row> --sample-count 1
//! --sample-size N`, the difference between N = 2000 and N = 1000 divided by 1000) are exact
//! for the machines, but valgrind hides the CPU's SHA extensions from `sha2`, which then runs
//! its portable SHA-256: the HMACs cost far more instructions than they cost time natively, so
//! ratios to the HMACs are much smaller in instructions than in nanoseconds.
//!
//! Input: the benchmark vector (cookie 32 x `11`, client nonce 32 x `22`, server nonce
//! 32 x `33`), USERADDR `198.51.100.7:50000`, TRANSPORT `obfs4`.
//!
//! - `hmac::two_hashes_key_reused`: ServerHash and ClientHash from one prepared key (what each
//!   side computes or checks); `two_hashes_new_key` keys the HMAC for each.
//! - `pt_side::*`: our PT-side machine fed tor's bytes (precomputed, in one buffer that is
//!   sliced, not copied, as the reads arrive), whole messages or one byte per read, writing
//!   into a reused stack buffer: checks ServerHash, computes ClientHash. `auth_only` sends
//!   DONE alone, `whole` and `bytewise` USERADDR and TRANSPORT too.
//! - `tor_side::*`: our tor-side machine fed the PT's bytes: computes ServerHash, checks
//!   ClientHash, reads the three commands, writes OKAY.
//! - `both::in_memory`: the two machines talking to each other, four hashes in all: compare
//!   with twice `two_hashes_key_reused`.
//! - `wire::*`: the command framing, the USERADDR grammar, the TRANSPORT check and the
//!   USERADDR writer alone.

use std::hint::black_box;

use divan::Bencher;
use pt_extorport::{AuthKey, Command, Cookie, Parsed, client, command, server};

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

const CN: [u8; 32] = [0x22; 32];
const SN: [u8; 32] = [0x33; 32];
const ADDR: &str = "198.51.100.7:50000";

fn key() -> AuthKey {
    Cookie::new([0x11; 32]).key()
}

/// tor's messages to the PT: auth types, ServerHash + ServerNonce, status, OKAY.
fn tor_msgs(k: &AuthKey) -> Vec<Vec<u8>> {
    let mut hash = k.server_hash(&CN, &SN).to_vec();
    hash.extend_from_slice(&SN);
    vec![vec![1, 0], hash, vec![1], vec![0x10, 0, 0, 0]]
}

/// The PT's messages to tor: auth type + nonce, ClientHash, USERADDR + TRANSPORT (with
/// `meta`) + DONE.
fn pt_msgs(k: &AuthKey, meta: bool) -> Vec<Vec<u8>> {
    let mut first = vec![1];
    first.extend_from_slice(&CN);
    let mut cmds = Vec::new();
    if meta {
        command::write_useraddr(ADDR.parse().unwrap(), &mut cmds).unwrap();
        Command::Transport(b"obfs4").encode(&mut cmds).unwrap();
    }
    Command::Done.encode(&mut cmds).unwrap();
    vec![first, k.client_hash(&CN, &SN).to_vec(), cmds]
}

fn main() {
    check_inputs();
    divan::main();
}

fn check_inputs() {
    let k = key();
    assert_eq!(
        k.server_hash(&CN, &SN)[..4],
        [0xc8, 0x14, 0x17, 0x30],
        "the benchmark vector"
    );
    let tor = tor_msgs(&k);
    for meta in [false, true] {
        let pt = pt_msgs(&k, meta);
        for bytewise in [false, true] {
            let mut sent = [0u8; 128];
            let (n, done) = pt_side(&k, &chunks(&tor, bytewise), meta, &mut sent);
            assert!(done);
            assert_eq!(
                sent[..n],
                pt.concat()[..],
                "the PT side sends what the PT sends"
            );
            let (n, done) = tor_side(&k, &chunks(&pt, bytewise), &mut sent);
            assert!(done);
            assert_eq!(
                sent[..n],
                tor.concat()[..],
                "the tor side sends what tor sends"
            );
        }
        assert_eq!(both(&k, meta), (true, true));
    }
}

/// The messages as one buffer and the end of each read in it (every message, or every byte).
struct Reads {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

fn chunks(msgs: &[Vec<u8>], bytewise: bool) -> Reads {
    let bytes = msgs.concat();
    let ends = if bytewise {
        (1..=bytes.len()).collect()
    } else {
        msgs.iter()
            .scan(0, |end, m| {
                *end += m.len();
                Some(*end)
            })
            .collect()
    };
    Reads { bytes, ends }
}

/// The PT side against tor's bytes, read as `reads` says, with no copy of the input: what
/// arrived so far is `bytes[start..end]`. Writes into `sent`; returns the bytes written and
/// whether it saw OKAY.
fn pt_side(k: &AuthKey, reads: &Reads, meta: bool, sent: &mut [u8; 128]) -> (usize, bool) {
    let mut out: &mut [u8] = sent;
    let Ok(mut hs) = handshake(k, meta) else {
        return (0, false);
    };
    let (mut start, mut ends) = (0, reads.ends.iter());
    let mut end = 0;
    let mut done = false;
    while let Ok(p) = hs.advance(&reads.bytes[start..end], &mut out) {
        start += p.consumed;
        match p.event {
            client::Event::Done => {
                done = true;
                break;
            }
            client::Event::NeedInput => match ends.next() {
                Some(&e) => end = e,
                None => break,
            },
        }
    }
    (128 - out.len(), done)
}

/// tor's side against the PT's bytes; returns the bytes written and whether it wrote OKAY.
fn tor_side(k: &AuthKey, reads: &Reads, sent: &mut [u8; 128]) -> (usize, bool) {
    let mut out: &mut [u8] = sent;
    let mut hs = server::Handshake::new(k, SN);
    let (mut start, mut ends) = (0, reads.ends.iter());
    let mut end = 0;
    let mut done = false;
    while let Ok(p) = hs.advance(&reads.bytes[start..end], &mut out) {
        let consumed = p.consumed;
        match p.event {
            server::Event::NeedInput => match ends.next() {
                Some(&e) => end = e,
                None => break,
            },
            server::Event::Decide { useraddr, .. } => {
                black_box(useraddr);
                if hs.decide(true, &mut out).is_err() {
                    break;
                }
            }
            server::Event::Done => {
                done = true;
                break;
            }
            other => {
                black_box(other);
            }
        }
        start += consumed;
    }
    (128 - out.len(), done)
}

/// A stack pipe between the two machines.
struct Input {
    buf: [u8; 256],
    start: usize,
    end: usize,
}

impl Input {
    fn new() -> Self {
        Input {
            buf: [0; 256],
            start: 0,
            end: 0,
        }
    }
}

/// The PT side's machine, with or without USERADDR and TRANSPORT.
fn handshake(k: &AuthKey, meta: bool) -> Result<client::Handshake<'_>, pt_extorport::Error> {
    let hs = client::Handshake::new(k, CN);
    if meta {
        hs.with_useraddr(std::net::SocketAddr::from(([198, 51, 100, 7], 50000)))
            .with_transport("obfs4")
    } else {
        Ok(hs)
    }
}

/// Both machines over stack pipes.
fn both(k: &AuthKey, meta: bool) -> (bool, bool) {
    let Ok(mut pt) = handshake(k, meta) else {
        return (false, false);
    };
    let mut tor = server::Handshake::new(k, SN);
    let (mut to_pt, mut to_tor) = (Input::new(), Input::new());
    let (mut pt_done, mut tor_done) = (false, false);
    for _ in 0..16 {
        while !tor_done {
            let mut out: &mut [u8] = &mut to_pt.buf[to_pt.end..];
            let room = out.len();
            let r = tor.advance(&to_tor.buf[to_tor.start..to_tor.end], &mut out);
            let written = room - out.len();
            let Ok(p) = r else { return (pt_done, false) };
            let consumed = p.consumed;
            let stop = match p.event {
                server::Event::NeedInput => true,
                server::Event::Decide { .. } => {
                    let mut out: &mut [u8] = &mut to_pt.buf[to_pt.end + written..];
                    if tor.decide(true, &mut out).is_err() {
                        return (pt_done, false);
                    }
                    to_pt.end += 4;
                    false
                }
                server::Event::Done => {
                    tor_done = true;
                    true
                }
                other => {
                    black_box(other);
                    false
                }
            };
            to_pt.end += written;
            to_tor.start += consumed;
            if stop {
                break;
            }
        }
        if !pt_done {
            let mut out: &mut [u8] = &mut to_tor.buf[to_tor.end..];
            let room = out.len();
            let r = pt.advance(&to_pt.buf[to_pt.start..to_pt.end], &mut out);
            let written = room - out.len();
            to_tor.end += written;
            let Ok(p) = r else { return (false, tor_done) };
            to_pt.start += p.consumed;
            pt_done = p.event == client::Event::Done;
        }
        if pt_done && tor_done {
            break;
        }
    }
    (pt_done, tor_done)
}

mod hmac {
    use super::*;

    /// ServerHash and ClientHash from one prepared key: the floor of each side.
    #[divan::bench]
    fn two_hashes_key_reused(b: Bencher) {
        let k = key();
        b.bench_local(|| {
            let s = black_box(&k).server_hash(black_box(&CN), black_box(&SN));
            let c = black_box(&k).client_hash(black_box(&CN), black_box(&SN));
            black_box((s, c))
        });
    }

    /// The same, keying the HMAC for each hash (what a naive implementation does).
    #[divan::bench]
    fn two_hashes_new_key(b: Bencher) {
        let cookie = Cookie::new([0x11; 32]);
        b.bench_local(|| {
            let s = black_box(&cookie)
                .key()
                .server_hash(black_box(&CN), black_box(&SN));
            let c = black_box(&cookie)
                .key()
                .client_hash(black_box(&CN), black_box(&SN));
            black_box((s, c))
        });
    }
}

mod pt_side {
    use super::*;

    /// USERADDR, TRANSPORT and DONE after the authentication.
    #[divan::bench]
    fn whole(b: Bencher) {
        let k = key();
        let tor = chunks(&tor_msgs(&k), false);
        let mut sent = [0u8; 128];
        b.bench_local(|| pt_side(black_box(&k), black_box(&tor), true, &mut sent));
    }

    #[divan::bench]
    fn bytewise(b: Bencher) {
        let k = key();
        let tor = chunks(&tor_msgs(&k), true);
        let mut sent = [0u8; 128];
        b.bench_local(|| pt_side(black_box(&k), black_box(&tor), true, &mut sent));
    }

    /// DONE alone after the authentication.
    #[divan::bench]
    fn auth_only(b: Bencher) {
        let k = key();
        let tor = chunks(&tor_msgs(&k), false);
        let mut sent = [0u8; 128];
        b.bench_local(|| pt_side(black_box(&k), black_box(&tor), false, &mut sent));
    }
}

mod tor_side {
    use super::*;

    #[divan::bench]
    fn whole(b: Bencher) {
        let k = key();
        let pt = chunks(&pt_msgs(&k, true), false);
        let mut sent = [0u8; 128];
        b.bench_local(|| tor_side(black_box(&k), black_box(&pt), &mut sent));
    }

    #[divan::bench]
    fn bytewise(b: Bencher) {
        let k = key();
        let pt = chunks(&pt_msgs(&k, true), true);
        let mut sent = [0u8; 128];
        b.bench_local(|| tor_side(black_box(&k), black_box(&pt), &mut sent));
    }

    #[divan::bench]
    fn auth_only(b: Bencher) {
        let k = key();
        let pt = chunks(&pt_msgs(&k, false), false);
        let mut sent = [0u8; 128];
        b.bench_local(|| tor_side(black_box(&k), black_box(&pt), &mut sent));
    }
}

mod both {
    use super::*;

    /// Both machines, four hashes: compare with twice `hmac::two_hashes_key_reused`.
    #[divan::bench]
    fn in_memory(b: Bencher) {
        let k = key();
        b.bench_local(|| both(black_box(&k), true));
    }

    #[divan::bench]
    fn auth_only(b: Bencher) {
        let k = key();
        b.bench_local(|| both(black_box(&k), false));
    }
}

mod wire {
    use super::*;

    /// USERADDR + TRANSPORT + DONE framed.
    #[divan::bench]
    fn parse_three_commands(b: Bencher) {
        let wire = pt_msgs(&key(), true).pop().unwrap();
        b.bench_local(|| {
            let mut rest = black_box(&wire[..]);
            let mut n = 0;
            while let Parsed::Complete { value, len } = Command::parse(rest) {
                n += value.body().len();
                rest = &rest[len..];
            }
            n
        });
    }

    /// tor's side reading a USERADDR body: the spec's two forms (the fast path), and a
    /// port-less one (the full grammar).
    #[divan::bench(args = ["198.51.100.7:50000", "1.2.3.4:5678", "[2001:db8::1]:443", "1.2.3.4"])]
    fn parse_useraddr(b: Bencher, body: &str) {
        b.bench_local(|| command::parse_useraddr(black_box(body.as_bytes())));
    }

    /// tor's side checking a TRANSPORT body.
    #[divan::bench]
    fn check_transport(b: Bencher) {
        b.bench_local(|| command::check_transport(black_box(b"obfs4")).is_ok());
    }

    /// The PT side writing a USERADDR command.
    #[divan::bench(args = ["198.51.100.7:50000", "[2001:db8::1]:443"])]
    fn write_useraddr(b: Bencher, addr: &str) {
        let addr: std::net::SocketAddr = addr.parse().unwrap();
        let mut buf = [0u8; 64];
        b.bench_local(|| {
            let mut out: &mut [u8] = &mut buf;
            command::write_useraddr(black_box(addr), &mut out)
        });
    }
}
