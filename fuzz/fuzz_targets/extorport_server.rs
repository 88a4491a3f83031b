//! tor's side of the ExtORPort with arbitrary input cut into arbitrary chunks: no panic,
//! errors only after their reply was written, and the same bytes, events and verdict as
//! feeding the input whole. With `authentic`, the input starts with a real PT's
//! authentication, so that the fuzzer reaches the commands quickly.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pt_extorport::Cookie;
use pt_extorport::server::{self, Event, MAX_ADVANCE_OUTPUT};

#[derive(Debug, Arbitrary)]
struct Input {
    data: Vec<u8>,
    cuts: Vec<u8>,
    authentic: bool,
    accept: bool,
}

#[derive(Debug, PartialEq)]
struct Run {
    sent: Vec<u8>,
    events: Vec<String>,
    error: Option<pt_extorport::Error>,
    leftover: Option<Vec<u8>>,
}

fn run(key: &pt_extorport::AuthKey, chunks: &[&[u8]], accept: bool) -> Run {
    let mut hs = server::Handshake::new(key, [0x33; 32]);
    let mut r = Run {
        sent: Vec::new(),
        events: Vec::new(),
        error: None,
        leftover: None,
    };
    let mut buf = Vec::new();
    let mut chunks = chunks.iter();
    loop {
        let mut out = Vec::new();
        let result = hs.advance(&buf, &mut out);
        r.sent.extend_from_slice(&out);
        assert!(r.sent.len() <= MAX_ADVANCE_OUTPUT + 4);
        let p = match result {
            Ok(p) => p,
            Err(e) => {
                assert!(
                    out.ends_with(e.reply()),
                    "the reply is written before the error"
                );
                assert!(hs.is_failed());
                r.error = Some(e);
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
            Event::Decide { .. } => {
                r.events.push(format!("{:?}", p.event));
                let mut out = Vec::new();
                let result = hs.decide(accept, &mut out);
                r.sent.extend_from_slice(&out);
                if let Err(e) = result {
                    assert_eq!(out, e.reply());
                    r.error = Some(e);
                    break;
                }
            }
            Event::Done => {
                buf.drain(..consumed);
                buf.extend(chunks.by_ref().flat_map(|c| c.iter()));
                r.leftover = Some(buf);
                break;
            }
            other => r.events.push(format!("{other:?}")),
        }
        buf.drain(..consumed);
    }
    r
}

fuzz_target!(|input: Input| {
    let key = Cookie::new([0x11; 32]).key();
    let mut data = Vec::new();
    if input.authentic {
        data.push(1);
        data.extend_from_slice(&[0x22; 32]);
        data.extend_from_slice(&key.client_hash(&[0x22; 32], &[0x33; 32]));
    }
    data.extend_from_slice(&input.data);
    let mut chunks = Vec::new();
    let mut rest = &data[..];
    for &c in &input.cuts {
        let n = (usize::from(c) % 70).min(rest.len());
        let (a, b) = rest.split_at(n);
        chunks.push(a);
        rest = b;
    }
    chunks.push(rest);
    let chunked = run(&key, &chunks, input.accept);
    let whole = run(&key, &[&data], input.accept);
    assert_eq!(chunked, whole);
});
