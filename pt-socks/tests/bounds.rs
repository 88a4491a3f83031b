//! Output buffers of a fixed size: the exported bounds hold on every path, a buffer of exactly
//! the bound always works, and the machine asks only for the room the call may use, failing with
//! `BufferTooSmall` without changing anything when it has less.

mod common;
use common::hex;

use proptest::prelude::*;
use pt_socks::Error;
use pt_socks::server::{
    Credentials, Event, Handshake, MAX_ADVANCE_OUTPUT, MAX_DECIDE_OUTPUT, MAX_REPLY_OUTPUT, Policy,
};
use pt_socks::socks5::ReplyCode;
use std::net::SocketAddr;

/// How each call gets its `out`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Room {
    /// Plenty (what a `Vec` gives).
    Plenty,
    /// Exactly the exported bound of the call: `MAX_ADVANCE_OUTPUT`, `MAX_DECIDE_OUTPUT`,
    /// `MAX_REPLY_OUTPUT`.
    Bound,
    /// None at first; on `BufferTooSmall { needed, .. }`, which must have written nothing and
    /// changed nothing, the same call again with exactly `needed`.
    Tight,
}

#[derive(Debug, Default, PartialEq)]
struct Run {
    /// Everything written, in order.
    sent: Vec<u8>,
    events: Vec<String>,
    error: Option<Error>,
    /// The most bytes one call wrote: advance, decide, reply.
    max: [usize; 3],
}

const ADVANCE: usize = 0;
const DECIDE: usize = 1;
const REPLY: usize = 2;
const BOUNDS: [usize; 3] = [MAX_ADVANCE_OUTPUT, MAX_DECIDE_OUTPUT, MAX_REPLY_OUTPUT];

/// One call with a fresh `&mut [u8]` sized by `room`; what it wrote is appended to `run.sent`.
fn call<T>(
    run: &mut Run,
    room: Room,
    kind: usize,
    mut f: impl FnMut(&mut &mut [u8]) -> Result<T, Error>,
) -> Result<T, Error> {
    let size = match room {
        Room::Plenty => 1024,
        Room::Bound => BOUNDS[kind],
        Room::Tight => 0,
    };
    let mut buf = vec![0xAA; size];
    let mut out: &mut [u8] = &mut buf;
    let mut result = f(&mut out);
    let mut written = size - out.len();
    if let (Room::Tight, Err(Error::BufferTooSmall { needed, available })) = (room, &result) {
        assert_eq!(
            (written, *available),
            (0, 0),
            "BufferTooSmall wrote something"
        );
        let needed = *needed;
        assert!(needed <= BOUNDS[kind], "asked for {needed} (call {kind})");
        buf = vec![0xAA; needed];
        let mut out: &mut [u8] = &mut buf;
        result = f(&mut out);
        written = needed - out.len();
        assert!(
            !matches!(result, Err(Error::BufferTooSmall { .. })),
            "{needed} bytes, as asked, were not enough: {:?}",
            result.as_ref().err()
        );
        // It asked for what it wrote; only a greeting with more bytes behind it asks for the
        // room of a reply to them too (2 + 2 for RFC 1929, 2 + 10 otherwise), and may then
        // write just its method selection.
        let greeting = kind == ADVANCE && written == 2 && (needed == 4 || needed == 12);
        assert!(
            written == needed || greeting,
            "call {kind} asked for {needed} bytes and wrote {written}"
        );
    }
    assert!(
        !matches!(result, Err(Error::BufferTooSmall { .. })),
        "{room:?} call {kind}: {:?}",
        result.as_ref().err()
    );
    run.max[kind] = run.max[kind].max(written);
    run.sent.extend_from_slice(&buf[..written]);
    result
}

/// Drives a server over `chunks`, accepting credentials when `accept`, answering requests with
/// `code` and `bound` (twice for BIND), with each call's `out` sized by `room`.
fn drive(
    policy: Policy,
    chunks: &[&[u8]],
    accept: bool,
    code: ReplyCode,
    bound: Option<SocketAddr>,
    room: Room,
) -> Run {
    let mut hs = Handshake::new(policy);
    let mut run = Run::default();
    let mut buf: Vec<u8> = Vec::new();
    let mut chunks = chunks.iter();
    loop {
        let input: &[u8] = &buf;
        let p = match call(&mut run, room, ADVANCE, |out| hs.advance(input, out)) {
            Ok(p) => p,
            Err(e) => {
                assert!(run.sent.ends_with(e.reply()));
                run.error = Some(e);
                break;
            }
        };
        let consumed = p.consumed;
        match p.event {
            Event::NeedInput => {
                buf.drain(..consumed);
                match chunks.next() {
                    Some(c) => buf.extend_from_slice(c),
                    None => break,
                }
                continue;
            }
            Event::Credentials(c) => {
                if let Credentials::UserPass(_) | Credentials::UserId(_) = c {
                    let _ = c.pt_args(pt_args::socks::Config::LENIENT);
                }
                run.events.push(format!("{c:?}"));
                if let Err(e) = call(&mut run, room, DECIDE, |out| hs.decide(accept, out)) {
                    run.error = Some(e);
                    break;
                }
            }
            Event::Request(r) => {
                run.events.push(format!("{r:?}"));
                call(&mut run, room, REPLY, |out| hs.reply(code, bound, out)).unwrap();
                if !hs.is_done() && !hs.is_failed() {
                    // BIND: the second reply, when the peer connects.
                    call(&mut run, room, REPLY, |out| hs.reply(code, bound, out)).unwrap();
                }
                if !code.is_success() {
                    break;
                }
            }
            Event::Done => {
                buf.drain(..consumed);
                buf.extend(chunks.by_ref().flat_map(|c| c.iter()));
                run.events.push(format!("done {buf:?}"));
                break;
            }
        }
        buf.drain(..consumed);
    }
    run
}

/// Valid handshakes that between them take every path of the machine that writes.
fn valid_inputs() -> Vec<Vec<u8>> {
    let args =
        "cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw;iat-mode=0";
    let mut s5 = hex("05 02 00 02 01 56");
    s5.extend_from_slice(args.as_bytes());
    s5.extend(hex("01 00 05 01 00 03 0b 6578616d706c652e636f6d 01bb"));
    s5.extend_from_slice(b"pipelined");
    let mut s4a = hex("04 01 01 bb 00 00 00 01");
    s4a.extend_from_slice(args.as_bytes());
    s4a.extend(hex("00 6578616d706c652e636f6d 00 16 03"));
    vec![
        s5,
        s4a,
        hex("05 01 09 00000002 7b7d 05 01 00 01 c6336401 a926 78"),
        hex("05 01 00 05 01 00 04 00000000000000000000000000000000 0000"),
        hex("05 01 00 05 02 00 04 20010db8000000000000000000000001 0050"),
        hex("05 01 00 05 03 00 01 00000000 0000"),
        hex("04 02 0050 7f000001 00"),
        hex("04 01 0050 7f000001 6b3d76 00 ff"),
        hex("05 01 02 01 00 00 05 01 00 01 7f000001 0009"),
    ]
}

fn policy(strict: bool, allow_all: bool) -> Policy {
    let mut p = Policy::default();
    p.strict = strict;
    p.allow_bind = allow_all;
    p.allow_udp_associate = allow_all;
    p.max_userid_len = 64;
    p.max_json_len = 16;
    p
}

fn bound_addr(which: u8) -> Option<SocketAddr> {
    match which % 3 {
        0 => None,
        1 => Some("192.0.2.7:443".parse().unwrap()),
        _ => Some("[2001:db8::7]:443".parse().unwrap()),
    }
}

fn chunked(input: &[u8], cuts: &[prop::sample::Index]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = cuts.iter().map(|i| i.index(input.len() + 1)).collect();
    points.sort();
    points.dedup();
    let mut chunks = Vec::new();
    let mut last = 0;
    for p in points {
        chunks.push(input[last..p].to_vec());
        last = p;
    }
    chunks.push(input[last..].to_vec());
    chunks
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Over valid handshakes with up to three bytes changed (and wholly hostile bytes), cut
    /// anywhere, with every reply code and bound address: no call writes more than its
    /// exported bound; a buffer of exactly the bound always works; and a call that gets too
    /// little room writes nothing, changes nothing and asks for no more than it may write.
    /// All three ways of giving room send the same bytes and see the same events.
    #[test]
    fn bounds_hold_on_every_path(
        base in 0usize..10,
        hostile in proptest::collection::vec(any::<u8>(), 0..64),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
        accept in any::<bool>(),
        code in prop_oneof![Just(0u8), Just(0u8), 1u8..=9, Just(0x13)],
        bound in any::<u8>(),
        strict in any::<bool>(),
        allow_all in any::<bool>(),
    ) {
        let inputs = valid_inputs();
        let mut input = inputs.get(base).cloned().unwrap_or_else(|| {
            let mut h = vec![5];
            h.extend_from_slice(&hostile);
            h
        });
        for (at, byte) in edits {
            let i = at.index(input.len());
            input[i] = byte;
        }
        let chunks = chunked(&input, &cuts);
        let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let p = policy(strict, allow_all);
        let code = ReplyCode(code);
        let bound = bound_addr(bound);
        let plenty = drive(p, &chunks, accept, code, bound, Room::Plenty);
        for (kind, max) in plenty.max.iter().enumerate() {
            prop_assert!(*max <= BOUNDS[kind], "call {kind} wrote {max} bytes");
        }
        let exact = drive(p, &chunks, accept, code, bound, Room::Bound);
        let tight = drive(p, &chunks, accept, code, bound, Room::Tight);
        prop_assert_eq!(&exact, &plenty);
        prop_assert_eq!(&tight, &plenty);
    }
}

/// The bounds are reached, so none is larger than it must be: 12 bytes for a greeting with a
/// failing request behind it, 10 for refusing a JSON block, 22 for a reply with an IPv6 bound
/// address.
#[test]
fn bounds_are_reached() {
    let p = policy(false, false);
    let run = drive(
        p,
        &[&hex("05 01 00 05 07 00 01 7f000001 0009")],
        true,
        ReplyCode::SUCCEEDED,
        None,
        Room::Bound,
    );
    assert_eq!(run.max[ADVANCE], MAX_ADVANCE_OUTPUT);
    assert_eq!(run.sent, hex("05 00 05 07 00 01 00000000 0000"));
    let run = drive(
        p,
        &[&hex("05 01 09 00000002 7b7d")],
        false,
        ReplyCode::SUCCEEDED,
        None,
        Room::Bound,
    );
    assert_eq!(run.max[DECIDE], MAX_DECIDE_OUTPUT);
    let run = drive(
        p,
        &[&hex("05 01 00 05 01 00 01 7f000001 0009")],
        true,
        ReplyCode::SUCCEEDED,
        bound_addr(2),
        Room::Bound,
    );
    assert_eq!(run.max[REPLY], MAX_REPLY_OUTPUT);
    assert_eq!(
        run.sent,
        hex("05 00 05 00 00 04 20010db8000000000000000000000007 01bb")
    );
}

/// After `decide` wrote `01 00` into an `out` that was not sent, `advance` needs room only for
/// what it will write: none for a good request (the old flat demand of 12 bytes failed here
/// with "need 12 bytes, have 8"), the 10-byte reply for a bad one. Too little room changes
/// nothing: the same call with room gives the same result.
#[test]
fn after_unflushed_decide_advance_needs_only_what_it_writes() {
    let greeting_and_auth = hex("05 02 00 02 01 03 6b3d76 01 00");
    for (request, wanted) in [
        (hex("05 01 00 01 7f000001 0009"), None),
        (
            hex("05 02 00 01 7f000001 0009"),
            Some(hex("05 07 00 01 00000000 0000")),
        ),
    ] {
        let mut hs = Handshake::new(Policy::default());
        let mut buf = [0u8; 12];
        let mut out: &mut [u8] = &mut buf;
        let p = hs.advance(&greeting_and_auth, &mut out).unwrap();
        assert!(matches!(p.event, Event::Credentials(_)));
        hs.decide(true, &mut out).unwrap();
        assert_eq!(out.len(), 8);
        let r = hs.advance(&request, &mut out);
        match &wanted {
            None => {
                let p = r.unwrap();
                assert!(matches!(p.event, Event::Request(_)));
                assert_eq!(p.consumed, request.len());
                assert_eq!(out.len(), 8, "a good request writes nothing");
                // The success reply needs 10 of the 8 bytes left: it waits, unchanged.
                assert_eq!(
                    hs.reply(ReplyCode::SUCCEEDED, None, &mut out),
                    Err(Error::BufferTooSmall {
                        needed: 10,
                        available: 8
                    })
                );
                let mut fresh = [0u8; 10];
                hs.reply(ReplyCode::SUCCEEDED, None, &mut &mut fresh[..])
                    .unwrap();
                assert_eq!(fresh.to_vec(), hex("05 00 00 01 00000000 0000"));
                assert!(hs.is_done());
            }
            Some(reply) => {
                assert_eq!(
                    r,
                    Err(Error::BufferTooSmall {
                        needed: 10,
                        available: 8
                    })
                );
                assert!(!hs.is_failed(), "too little room changes nothing");
                assert_eq!(buf[..4], [5, 2, 1, 0]);
                // Sent, the same call again: the refusal.
                let mut fresh = [0u8; 10];
                let r = hs.advance(&request, &mut &mut fresh[..]);
                assert!(matches!(r, Err(Error::CommandRefused { .. })));
                assert_eq!(fresh.to_vec(), *reply);
                assert!(hs.is_failed());
            }
        }
    }
    // A good request needs no room at all once the credentials were decided.
    let mut hs = Handshake::new(Policy::default());
    let mut out = Vec::new();
    let _credentials = hs.advance(&greeting_and_auth, &mut out).unwrap();
    hs.decide(true, &mut out).unwrap();
    let request = hex("05 01 00 01 7f000001 0009");
    let mut none: &mut [u8] = &mut [];
    let p = hs.advance(&request, &mut none).unwrap();
    assert!(matches!(p.event, Event::Request(_)));
}

/// A greeting needs 2 bytes alone, 12 when a message follows it in the same input (the reply
/// to its failure may be written in the same call); too little room leaves the machine as it
/// was.
#[test]
fn greeting_room() {
    let mut hs = Handshake::new(Policy::default());
    let mut two = [0u8; 2];
    let greeting = hex("05 01 00");
    let p = hs.advance(&greeting, &mut &mut two[..]).unwrap();
    assert_eq!((p.consumed, p.event, two), (3, Event::NeedInput, [5, 0]));

    let pipelined = hex("05 01 00 05 01 00 01 7f000001 0009");
    let mut hs = Handshake::new(Policy::default());
    let mut small = [0u8; 11];
    assert_eq!(
        hs.advance(&pipelined, &mut &mut small[..]),
        Err(Error::BufferTooSmall {
            needed: 12,
            available: 11
        })
    );
    assert_eq!(small, [0; 11]);
    assert_eq!(hs.version(), None);
    assert_eq!(hs.method(), None);
    let mut twelve = [0u8; 12];
    let p = hs.advance(&pipelined, &mut &mut twelve[..]).unwrap();
    assert_eq!(p.consumed, pipelined.len());
    assert!(matches!(p.event, Event::Request(_)));
    assert_eq!(twelve[..2], [5, 0]);
    // RFC 1929 behind the greeting: its failure reply is 2 bytes, so 4 suffice.
    let mut hs = Handshake::new(Policy::default());
    let mut four = [0u8; 4];
    let bad_auth = hex("05 01 02 07 00 00");
    let r = hs.advance(&bad_auth, &mut &mut four[..]);
    assert_eq!(r, Err(Error::BadAuthVersion { found: 7 }));
    assert_eq!(four, [5, 2, 1, 1]);
}
