//! Property tests: `parse(encode(x)) == x`, every strict prefix is incomplete, every chunking
//! gives the same result, hostile input never panics, and byte-at-a-time feeding is linear.

mod common;
use common::{ServerRun, hex, run_server};

use proptest::prelude::*;
use pt_socks::json::{ByteOrder, JsonBlock};
use pt_socks::rfc1929::{Status, UserPass};
use pt_socks::server::Policy;
use pt_socks::socks5::{Command, Greeting, MethodSelection, ReplyCode};
use pt_socks::{
    Domain, Encode, Error, Parse, Parsed, Target, Version, client, http, socks4, socks5,
};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

fn target() -> impl Strategy<Value = Target<'static>> {
    prop_oneof![
        (any::<[u8; 4]>(), any::<u16>()).prop_map(|(ip, p)| Target::Ip(SocketAddr::V4(
            SocketAddrV4::new(Ipv4Addr::from(ip), p)
        ))),
        (any::<[u8; 16]>(), any::<u16>()).prop_map(|(ip, p)| Target::Ip(SocketAddr::V6(
            SocketAddrV6::new(Ipv6Addr::from(ip), p, 0, 0)
        ))),
        (proptest::collection::vec(1u8..=255, 1..=255), any::<u16>())
            .prop_map(|(d, p)| Target::Domain(Domain::new(d).unwrap(), p)),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        Just(Command::Connect),
        Just(Command::Bind),
        Just(Command::UdpAssociate)
    ]
}

/// Encodes, checks the length, the slice form, the too-small error, every strict prefix and
/// the round trip.
fn check<T>(
    value: &T,
    parse: impl for<'a> Fn(&'a [u8]) -> Result<Parsed<T>, Error>,
) -> Result<Vec<u8>, TestCaseError>
where
    T: Encode + PartialEq + std::fmt::Debug,
{
    let mut wire = Vec::new();
    let n = value
        .encode(&mut wire)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(n, wire.len());
    prop_assert_eq!(n, value.encoded_len());
    let mut slice = vec![0u8; n + 3];
    prop_assert_eq!(value.encode_to_slice(&mut slice), Ok(n));
    prop_assert_eq!(&slice[..n], &wire[..]);
    let mut small = vec![0u8; n - 1];
    prop_assert_eq!(
        value.encode_to_slice(&mut small),
        Err(Error::BufferTooSmall {
            needed: n,
            available: n - 1
        })
    );
    for i in 0..n {
        let r = parse(&wire[..i]);
        prop_assert!(
            matches!(r, Ok(Parsed::Incomplete { needed }) if needed >= 1 && needed <= n - i),
            "prefix {i}: {r:?}"
        );
    }
    let mut longer = wire.clone();
    longer.extend_from_slice(b"trailing");
    match parse(&longer) {
        Ok(Parsed::Complete { value: v, len }) => {
            prop_assert_eq!(len, n);
            prop_assert_eq!(&v, value);
        }
        other => prop_assert!(false, "{other:?}"),
    }
    Ok(wire)
}

proptest! {
    #[test]
    fn socks5_request_round_trip(command in command(), target in target()) {
        check(&socks5::Request { command, target }, |w| socks5::Request::parse(w).map(|p| match p {
            Parsed::Complete { value, len } => Parsed::Complete { value: value.into_owned(), len },
            Parsed::Incomplete { needed } => Parsed::Incomplete { needed },
        }))?;
    }

    #[test]
    fn socks5_reply_and_udp_round_trip(code in any::<u8>(), bound in target(), frag in any::<u8>()) {
        check(&socks5::Reply { code: ReplyCode(code), bound: bound.clone() }, |w| socks5::Reply::parse(w).map(|p| match p {
            Parsed::Complete { value, len } => Parsed::Complete { value: value.into_owned(), len },
            Parsed::Incomplete { needed } => Parsed::Incomplete { needed },
        }))?;
        check(&socks5::UdpHeader { frag, target: bound }, |w| socks5::UdpHeader::parse(w).map(|p| match p {
            Parsed::Complete { value, len } => Parsed::Complete { value: value.into_owned(), len },
            Parsed::Incomplete { needed } => Parsed::Incomplete { needed },
        }))?;
    }

    #[test]
    fn small_messages_round_trip(methods in proptest::collection::vec(any::<u8>(), 0..=255), m in any::<u8>(), s in any::<u8>()) {
        let g = Greeting::new(&methods).unwrap();
        let wire = check(&g, |w| Greeting::parse(w).map(|p| match p {
            Parsed::Complete { value, len } => Parsed::Complete { value: Greeting::new(Box::leak(value.methods().to_vec().into_boxed_slice())).unwrap(), len },
            Parsed::Incomplete { needed } => Parsed::Incomplete { needed },
        }))?;
        prop_assert_eq!(wire.len(), 2 + methods.len());
        check(&MethodSelection { method: socks5::Method(m) }, |w| MethodSelection::parse(w))?;
        check(&Status(s), |w| Status::parse(w))?;
    }

    #[test]
    fn user_pass_and_json_round_trip(u in proptest::collection::vec(any::<u8>(), 0..=255), p in proptest::collection::vec(any::<u8>(), 0..=255), le in any::<bool>()) {
        let up = UserPass { uname: &u, passwd: &p };
        let wire = check(&up, |w| UserPass::parse(w).map(|r| match r {
            Parsed::Complete { value, len } => Parsed::Complete { value: UserPass { uname: Box::leak(value.uname.into()), passwd: Box::leak(value.passwd.into()) }, len },
            Parsed::Incomplete { needed } => Parsed::Incomplete { needed },
        }))?;
        prop_assert_eq!(wire.len(), 3 + u.len() + p.len());
        let order = if le { ByteOrder::LittleEndian } else { ByteOrder::BigEndian };
        let block = JsonBlock { json: &u, order };
        check(&block, |w| JsonBlock::parse_with(w, order).map(|r| match r {
            Parsed::Complete { value, len } => Parsed::Complete { value: JsonBlock { json: Box::leak(value.json.into()), order }, len },
            Parsed::Incomplete { needed } => Parsed::Incomplete { needed },
        }))?;
    }

    #[test]
    fn socks4_round_trip(connect in any::<bool>(), ip in any::<[u8; 4]>(), port in any::<u16>(), domain in proptest::option::of(proptest::collection::vec(1u8..=255, 1..=255)), userid in proptest::collection::vec(1u8..=255, 0..600), code in any::<u8>()) {
        let command = if connect { Command::Connect } else { Command::Bind };
        let ip = Ipv4Addr::from(ip);
        let target = match domain {
            Some(d) => Target::Domain(Domain::new(d).unwrap(), port),
            None if ip.octets()[..3] == [0, 0, 0] && ip.octets()[3] != 0 => {
                // The 4a marker cannot be a SOCKS4 target.
                let r = socks4::Request { command, target: Target::Ip(SocketAddr::V4(SocketAddrV4::new(ip, port))), userid: &userid };
                let unencodable = matches!(r.encode(&mut Vec::new()), Err(Error::Unencodable { .. }));
                prop_assert!(unencodable);
                return Ok(());
            }
            None => Target::Ip(SocketAddr::V4(SocketAddrV4::new(ip, port))),
        };
        let req = socks4::Request { command, target, userid: &userid };
        check(&req, |w| socks4::Request::parse(w).map(|r| match r {
            Parsed::Complete { value, len } => Parsed::Complete { value: socks4::Request { command: value.command, target: value.target.into_owned(), userid: Box::leak(value.userid.into()) }, len },
            Parsed::Incomplete { needed } => Parsed::Incomplete { needed },
        }))?;
        check(&socks4::Reply { code: socks4::Code(code), bound: SocketAddrV4::new(ip, port) }, |w| socks4::Reply::parse(w))?;
    }

    /// Every chunking of `inputs()` gives the same run: the SOCKS5 and SOCKS4a handshakes of
    /// `benches/benches/socks.rs` (the 86-byte obfs4 arguments, CONNECT example.com:443), a JSON
    /// block and a no-auth CONNECT to `[::]:0`.
    #[test]
    fn chunkings_agree(cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12), which in 0usize..4) {
        let input = inputs()[which].clone();
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(input.len() + 1)).collect();
        points.sort();
        points.dedup();
        let mut chunks = Vec::new();
        let mut last = 0;
        for p in points {
            chunks.push(&input[last..p]);
            last = p;
        }
        chunks.push(&input[last..]);
        let whole = run_server(Policy::default(), &[&input], true, Some(ReplyCode::SUCCEEDED));
        let chunked = run_server(Policy::default(), &chunks, true, Some(ReplyCode::SUCCEEDED));
        prop_assert_eq!(strip(whole), strip(chunked));
    }

    /// Hostile bytes never panic, and give the same result however they are cut.
    #[test]
    fn hostile_server_input(input in proptest::collection::vec(any::<u8>(), 0..400), first in prop_oneof![Just(4u8), Just(5u8), any::<u8>()], cut in 1usize..9, strict in any::<bool>(), accept in any::<bool>()) {
        let mut bytes = vec![first];
        bytes.extend(input);
        let mut p = Policy::default();
        p.strict = strict;
        p.allow_bind = true;
        p.allow_udp_associate = true;
        p.max_userid_len = 64;
        let whole = run_server(p, &[&bytes], accept, Some(ReplyCode::SUCCEEDED));
        let chunks: Vec<&[u8]> = bytes.chunks(cut).collect();
        let chunked = run_server(p, &chunks, accept, Some(ReplyCode::SUCCEEDED));
        if let Some(e) = &whole.error {
            prop_assert!(whole.out.ends_with(e.reply()));
        }
        prop_assert_eq!(strip(whole), strip(chunked));
    }

    /// Arbitrary replies never panic the client, and cutting them does not change the result.
    #[test]
    fn hostile_client_replies(replies in proptest::collection::vec(any::<u8>(), 0..300), v4 in any::<bool>(), auth in 0u8..3, cut in 1usize..7, strict in any::<bool>()) {
        let version = if v4 { Version::Socks4 } else { Version::Socks5 };
        let a = match (v4, auth) {
            (true, 0) => client::Auth::None,
            (true, _) => client::Auth::UserId(b"k=v"),
            (false, 0) => client::Auth::None,
            (false, 1) => client::Auth::from_pt_args(b"k=v", Version::Socks5).unwrap(),
            (false, _) => client::Auth::Json(b"{}"),
        };
        let mut o = client::Options::default();
        o.strict = strict;
        let run = |chunks: Vec<&[u8]>| {
            let mut hs = client::Handshake::with_options(version, Target::domain("example.com", 443).unwrap(), a, o).unwrap();
            let mut out = Vec::new();
            let mut buf = Vec::new();
            let mut total = 0;
            let mut chunks = chunks.into_iter();
            let result = loop {
                match hs.advance(&buf, &mut out) {
                    Err(e) => break Err(e),
                    Ok(p) => {
                        total += p.consumed;
                        if let client::Event::Connected(b) = p.event {
                            break Ok(b.into_owned());
                        }
                        buf.drain(..p.consumed);
                        match chunks.next() {
                            Some(c) => buf.extend_from_slice(c),
                            None => break Err(Error::Failed),
                        }
                    }
                }
            };
            let _ = total;
            (result, out)
        };
        let whole = run(vec![&replies[..]]);
        let chunked = run(replies.chunks(cut).collect());
        prop_assert_eq!(whole, chunked);
    }

    /// HTTP responses: any cut gives the same result; no panic.
    #[test]
    fn http_response_chunking(head in "(HTTP/1\\.[01] [0-9]{3}( [a-zA-Z ]{0,20})?\r?\n)([A-Za-z-]{1,10}: [a-z0-9]{0,10}\r?\n){0,5}\r?\n[a-z]{0,5}", cut in 1usize..9) {
        let bytes = head.as_bytes();
        let run = |chunks: Vec<&[u8]>| {
            let mut hs = http::Handshake::new(Target::domain("example.com", 443).unwrap(), None).unwrap();
            let mut out = Vec::new();
            let mut buf = Vec::new();
            for c in chunks {
                buf.extend_from_slice(c);
                match hs.advance(&buf, &mut out) {
                    Ok(p) => if let http::Event::Connected(r) = p.event {
                        return Ok((r.status, buf[p.consumed..].to_vec()));
                    },
                    Err(e) => return Err(e),
                }
            }
            Err(Error::Failed)
        };
        let whole = run(vec![bytes]);
        let chunked = run(bytes.chunks(cut).collect());
        prop_assert_eq!(whole.as_ref().map(|w| w.0), chunked.as_ref().map(|c| c.0));
        if let (Ok(w), Ok(c)) = (&whole, &chunked) {
            prop_assert!(w.1.starts_with(&c.1));
            prop_assert!(bytes.ends_with(&w.1));
        }
        let status: u16 = head[9..12].parse().unwrap();
        if (200..300).contains(&status) {
            prop_assert!(whole.is_ok());
        } else {
            prop_assert_eq!(whole, Err(Error::HttpStatus { status }));
        }
    }
}

fn inputs() -> Vec<Vec<u8>> {
    let args =
        "cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw;iat-mode=0";
    let mut s5 = hex("05 02 00 02 01 56");
    s5.extend_from_slice(args.as_bytes());
    s5.extend(hex("01 00 05 01 00 03 0b 6578616d706c652e636f6d 01bb"));
    s5.extend_from_slice(b"pipelined");
    let mut s4a = hex("04 01 01 bb 00 00 00 01");
    s4a.extend_from_slice(args.as_bytes());
    s4a.extend(hex("00 6578616d706c652e636f6d 00 16 03"));
    let mut json = hex("05 01 09 00000002 7b7d 05 01 00 01 c6336401 a926");
    json.extend_from_slice(b"x");
    vec![
        s5,
        s4a,
        json,
        hex("05 01 00 05 01 00 04 00000000000000000000000000000000 0000"),
    ]
}

fn strip(r: ServerRun) -> ServerRun {
    ServerRun { calls: 0, ..r }
}

/// Byte-at-a-time feeding re-checks an incomplete message in O(1): a 4 MiB JSON block, a
/// 4 MiB SOCKS4 USERID and a 4 MiB HTTP head, fed 1 byte per call, finish quickly (O(n^2)
/// would be ~10^13 steps).
#[test]
fn bytewise_is_linear() {
    const N: usize = 4 << 20;
    let mut p = Policy::default();
    p.max_json_len = N as u32;
    p.max_userid_len = N;
    let start = std::time::Instant::now();

    let mut json = hex("05 01 09");
    json.extend((N as u32).to_be_bytes());
    json.extend(std::iter::repeat_n(b' ', N));
    json.extend(hex("05 01 00 01 7f000001 0050"));
    let mut userid = hex("04 01 0050 7f000001");
    userid.extend(std::iter::repeat_n(b'a', N));
    userid.push(0);
    for input in [json, userid] {
        let mut hs = pt_socks::server::Handshake::new(p);
        let mut out = Vec::new();
        let (mut base, mut fed) = (0, 0);
        let mut seen_request = false;
        while !seen_request {
            let pr = hs.advance(&input[base..fed], &mut out).unwrap();
            match pr.event {
                pt_socks::server::Event::Credentials(_) => hs.decide(true, &mut out).unwrap(),
                pt_socks::server::Event::Request(_) => seen_request = true,
                _ => {
                    assert!(fed < input.len());
                    fed += 1;
                }
            }
            base += pr.consumed;
        }
        assert!(seen_request);
    }

    let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
    let mut lines = 0;
    while head.len() < N {
        head.extend_from_slice(b"X-Pad: 0123456789\r\n");
        lines += 1;
    }
    head.extend_from_slice(b"\r\n");
    let mut hs = http::Handshake::new(Target::domain("a", 1).unwrap(), None)
        .unwrap()
        .with_max_head(2 * N);
    let mut out = Vec::new();
    let mut connected = false;
    for i in 1..=head.len() {
        if let http::Event::Connected(r) = hs.advance(&head[..i], &mut out).unwrap().event {
            assert_eq!(r.headers().count(), lines);
            connected = true;
        }
    }
    assert!(connected);
    assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
}
