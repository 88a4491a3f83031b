//! Every SOCKS wire type: arbitrary valid values encode and parse back to themselves (with the
//! exact length, and every strict prefix incomplete), and arbitrary bytes never panic a parser.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_socks::json::JsonBlock;
use pt_socks::rfc1929::{Status, UserPass};
use pt_socks::socks5::{Greeting, MethodSelection};
use pt_socks::{Encode, Parse, Parsed, http, socks4, socks5};

fn round_trip<'a, T>(value: &T, wire: &'a mut Vec<u8>, parse: impl Fn(&'a [u8]) -> Parsed<T>)
where
    T: Encode + PartialEq + std::fmt::Debug + 'a,
{
    let n = value.encode(wire).expect("valid values encode");
    assert_eq!(n, value.encoded_len());
    assert_eq!(n, wire.len());
    let mut small = vec![0u8; n.saturating_sub(1)];
    assert!(n == 0 || value.encode_to_slice(&mut small).is_err());
    let wire: &'a [u8] = wire;
    for i in [0, n / 2, n.saturating_sub(1)] {
        if i < n {
            assert!(parse(&wire[..i]).is_incomplete(), "prefix {i} of {value:?}");
        }
    }
    assert_eq!(
        parse(wire),
        Parsed::Complete {
            value: parse_value(parse(wire)),
            len: n
        }
    );
    assert_eq!(&parse_value(parse(wire)), value);
}

fn parse_value<T>(p: Parsed<T>) -> T {
    match p {
        Parsed::Complete { value, .. } => value,
        Parsed::Incomplete { .. } => panic!("incomplete"),
    }
}

fn structured(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    match u.int_in_range(0..=9u8)? {
        0 => {
            let v = socks5::Request::arbitrary(u)?;
            round_trip(&v, &mut Vec::new(), |w| socks5::Request::parse(w).unwrap());
        }
        1 => {
            let v = socks5::Reply::arbitrary(u)?;
            round_trip(&v, &mut Vec::new(), |w| socks5::Reply::parse(w).unwrap());
        }
        2 => {
            let v = socks5::UdpHeader::arbitrary(u)?;
            round_trip(&v, &mut Vec::new(), |w| {
                socks5::UdpHeader::parse(w).unwrap()
            });
        }
        3 => {
            let v = Greeting::arbitrary(u)?;
            round_trip(&v, &mut Vec::new(), |w| Greeting::parse(w).unwrap());
        }
        4 => {
            let v = MethodSelection::arbitrary(u)?;
            round_trip(&v, &mut Vec::new(), |w| MethodSelection::parse(w).unwrap());
        }
        5 => {
            let v = UserPass::arbitrary(u)?;
            round_trip(&v, &mut Vec::new(), |w| UserPass::parse(w).unwrap());
        }
        6 => {
            let v = Status::arbitrary(u)?;
            round_trip(&v, &mut Vec::new(), |w| Status::parse(w).unwrap());
        }
        7 => {
            let v = JsonBlock::arbitrary(u)?;
            let o = v.order;
            round_trip(&v, &mut Vec::new(), |w| {
                JsonBlock::parse_with(w, o).unwrap()
            });
        }
        8 => {
            let v = socks4::Request::arbitrary(u)?;
            round_trip(&v, &mut Vec::new(), |w| socks4::Request::parse(w).unwrap());
        }
        _ => {
            let v = socks4::Reply::arbitrary(u)?;
            round_trip(&v, &mut Vec::new(), |w| socks4::Reply::parse(w).unwrap());
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = black_box(socks5::Greeting::parse(data));
    let _ = black_box(socks5::Request::parse(data));
    let _ = black_box(socks5::Reply::parse(data));
    let _ = black_box(socks5::UdpHeader::parse(data));
    let _ = black_box(UserPass::parse(data));
    let _ = black_box(JsonBlock::parse(data));
    let _ = black_box(socks4::Request::parse(data));
    let _ = black_box(socks4::Reply::parse(data));
    let _ = black_box(http::Response::parse(data));
    let _ = structured(&mut Unstructured::new(data));
});
