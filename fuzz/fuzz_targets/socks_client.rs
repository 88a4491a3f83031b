//! The SOCKS and HTTP CONNECT client machines against arbitrary replies: no panic, and the
//! same result however the replies are cut.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pt_socks::client::{Auth, Event, Handshake, Options};
use pt_socks::{Target, Version, http};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    target: Target<'static>,
    version: bool,
    auth: u8,
    creds: &'a [u8],
    offer_no_auth: bool,
    strict: bool,
    replies: Vec<u8>,
    cut: u8,
}

fn socks(
    input: &Input<'_>,
    chunks: &[&[u8]],
) -> Option<(Result<Target<'static>, pt_socks::Error>, Vec<u8>)> {
    let version = if input.version {
        Version::Socks4
    } else {
        Version::Socks5
    };
    let auth = match (version, input.auth % 3) {
        (_, 0) => Auth::None,
        (Version::Socks4, _) => Auth::from_pt_args(input.creds, Version::Socks4).ok()?,
        (Version::Socks5, 1) => Auth::from_pt_args(input.creds, Version::Socks5).ok()?,
        (Version::Socks5, _) => Auth::Json(input.creds),
    };
    let mut o = Options::default();
    o.offer_no_auth = input.offer_no_auth;
    o.strict = input.strict;
    let mut hs = Handshake::with_options(version, input.target.clone(), auth, o).ok()?;
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut chunks = chunks.iter();
    let result = loop {
        match hs.advance(&buf, &mut out) {
            Err(e) => break Err(e),
            Ok(p) => {
                if let Event::Connected(b) = p.event {
                    break Ok(b.into_owned());
                }
                buf.drain(..p.consumed);
                match chunks.next() {
                    Some(c) => buf.extend_from_slice(c),
                    None => break Err(pt_socks::Error::Failed),
                }
            }
        }
    };
    Some((result, out))
}

fn http(input: &Input<'_>, chunks: &[&[u8]]) -> Option<Result<u16, pt_socks::Error>> {
    let auth = (input.auth % 2 == 1).then(|| http::BasicAuth::from_userinfo(input.creds));
    let mut hs = http::Handshake::new(input.target.clone(), auth)
        .ok()?
        .with_max_head(256);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for c in chunks {
        buf.extend_from_slice(c);
        match hs.advance(&buf, &mut out) {
            Err(e) => return Some(Err(e)),
            Ok(p) => {
                if let http::Event::Connected(r) = p.event {
                    black_box(r.headers().count());
                    return Some(Ok(r.status));
                }
            }
        }
    }
    Some(Err(pt_socks::Error::Failed))
}

fuzz_target!(|input: Input<'_>| {
    let cut = usize::from(input.cut % 8) + 1;
    let chunks: Vec<&[u8]> = input.replies.chunks(cut).collect();
    assert_eq!(socks(&input, &[&input.replies]), socks(&input, &chunks));
    assert_eq!(http(&input, &[&input.replies]), http(&input, &chunks));
});
