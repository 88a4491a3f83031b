//! The SOCKS server machine with arbitrary input cut into arbitrary chunks: no panic, errors
//! only after their reply was written, and the same result as feeding the input whole.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pt_socks::server::{Credentials, Event, Handshake, Policy};
use pt_socks::socks5::ReplyCode;

#[derive(Debug, Arbitrary)]
struct Input {
    data: Vec<u8>,
    cuts: Vec<u8>,
    accept: bool,
    code: u8,
    strict: bool,
    allow_all: bool,
    max_userid: u8,
}

#[derive(Debug, PartialEq)]
struct Run {
    out: Vec<u8>,
    events: Vec<String>,
    error: Option<pt_socks::Error>,
}

fn run(policy: Policy, chunks: &[&[u8]], accept: bool, code: ReplyCode) -> Run {
    let mut hs = Handshake::new(policy);
    let mut r = Run {
        out: Vec::new(),
        events: Vec::new(),
        error: None,
    };
    let mut buf = Vec::new();
    let mut chunks = chunks.iter();
    loop {
        let p = match hs.advance(&buf, &mut r.out) {
            Ok(p) => p,
            Err(e) => {
                assert!(r.out.ends_with(e.reply()));
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
            Event::Credentials(c) => {
                if let Credentials::UserPass(_) | Credentials::UserId(_) = c {
                    let _ = black_box(c.pt_args(pt_args::socks::Config::LENIENT));
                }
                r.events.push(format!("{c:?}"));
                if let Err(e) = hs.decide(accept, &mut r.out) {
                    r.error = Some(e);
                    break;
                }
            }
            Event::Request(req) => {
                r.events.push(format!("{req:?}"));
                if let Err(e) = hs.reply(code, None, &mut r.out) {
                    r.error = Some(e);
                    break;
                }
                if !code.is_success() {
                    break;
                }
                // A BIND gets its second reply at once.
                let _ = hs.reply(code, None, &mut r.out);
            }
            Event::Done => {
                buf.drain(..consumed);
                buf.extend(chunks.by_ref().flat_map(|c| c.iter()));
                r.events.push(format!("done {buf:?}"));
                break;
            }
        }
        buf.drain(..consumed);
    }
    r
}

fuzz_target!(|input: Input| {
    let mut policy = Policy::default();
    policy.strict = input.strict;
    policy.allow_bind = input.allow_all;
    policy.allow_udp_associate = input.allow_all;
    policy.max_userid_len = usize::from(input.max_userid) * 4;
    policy.max_json_len = 4096;
    let code = ReplyCode(input.code % 10);
    let mut chunks = Vec::new();
    let mut rest = &input.data[..];
    for &c in &input.cuts {
        let n = (usize::from(c) % 16).min(rest.len());
        let (a, b) = rest.split_at(n);
        chunks.push(a);
        rest = b;
    }
    chunks.push(rest);
    let chunked = run(policy, &chunks, input.accept, code);
    let whole = run(policy, &[&input.data], input.accept, code);
    assert_eq!(chunked, whole);
});
