//! The PT-side ExtORPort machine with arbitrary input cut into arbitrary chunks: no panic, and
//! the same bytes sent, the same verdict and the same leftover as feeding the input whole.
//! With `authentic`, the input starts with a real tor's authentication (so that the fuzzer
//! reaches the command replies quickly).
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pt_extorport::{Cookie, client};

#[derive(Debug, Arbitrary)]
struct Input {
    data: Vec<u8>,
    cuts: Vec<u8>,
    authentic: bool,
    useraddr: Option<std::net::SocketAddr>,
    transport: bool,
}

#[derive(Debug, PartialEq)]
struct Run {
    sent: Vec<u8>,
    error: Option<pt_extorport::Error>,
    done: bool,
    leftover: Vec<u8>,
}

fn run(hs: client::Handshake<'_>, chunks: &[&[u8]]) -> Run {
    let mut hs = hs;
    let mut r = Run {
        sent: Vec::new(),
        error: None,
        done: false,
        leftover: Vec::new(),
    };
    let max = hs.max_output();
    let mut buf = Vec::new();
    let mut chunks = chunks.iter();
    loop {
        let mut out = Vec::new();
        let result = hs.advance(&buf, &mut out);
        assert!(out.len() <= max);
        r.sent.extend_from_slice(&out);
        assert!(r.sent.len() <= max, "more than max_output in all");
        let p = match result {
            Ok(p) => p,
            Err(e) => {
                assert!(
                    e.reply().is_empty(),
                    "the PT side never replies to an error"
                );
                assert!(hs.is_failed());
                r.error = Some(e);
                break;
            }
        };
        buf.drain(..p.consumed);
        match p.event {
            client::Event::NeedInput => match chunks.next() {
                Some(c) => buf.extend_from_slice(c),
                None => break,
            },
            client::Event::Done => {
                assert!(hs.is_done());
                r.done = true;
                buf.extend(chunks.by_ref().flat_map(|c| c.iter()));
                r.leftover = buf;
                break;
            }
        }
    }
    r
}

fuzz_target!(|input: Input| {
    let key = Cookie::new([0x11; 32]).key();
    let mut data = Vec::new();
    if input.authentic {
        data.extend_from_slice(&[1, 0]);
        data.extend_from_slice(&key.server_hash(&[0x22; 32], &[0x33; 32]));
        data.extend_from_slice(&[0x33; 32]);
        data.push(1);
    }
    data.extend_from_slice(&input.data);
    let mk = || {
        let mut hs = client::Handshake::new(&key, [0x22; 32]);
        if let Some(a) = input.useraddr {
            hs = hs.with_useraddr(a);
        }
        if input.transport {
            hs = hs.with_transport("obfs4").unwrap();
        }
        hs
    };
    let mut chunks = Vec::new();
    let mut rest = &data[..];
    for &c in &input.cuts {
        let n = (usize::from(c) % 70).min(rest.len());
        let (a, b) = rest.split_at(n);
        chunks.push(a);
        rest = b;
    }
    chunks.push(rest);
    let chunked = run(mk(), &chunks);
    let whole = run(mk(), &[&data]);
    assert_eq!(chunked, whole);
});
