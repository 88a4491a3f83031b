//! torrc bridge lines (`pt_args::bridge`): no input panics, a parsed line prints as a line that
//! parses to the same thing, its SOCKS arguments decode to its `k=v` items, and a line built
//! from an arbitrary `Args` parses back to those pairs.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_args::bridge::{BridgeLine, Fingerprint};
use pt_args::socks::{self, Policy};
use pt_args::{Args, Error, TransportName};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(line) = black_box(BridgeLine::parse(text))
    {
        check(&line);
    }
    let _ = structured(&mut Unstructured::new(data));
});

/// What must hold for every line that parses.
fn check(line: &BridgeLine<'_>) {
    let printed = line.to_string();
    let again = BridgeLine::parse(&printed)
        .unwrap_or_else(|e| panic!("{line:?} printed as {printed:?}: {e}"));
    assert_eq!(&again, line, "printed as {printed:?}");

    let wire = line
        .socks_args()
        .expect("a parsed line's keys are non-empty");
    assert_eq!(wire.len(), line.socks_args_len());
    assert!(wire.len() <= socks::MAX_SOCKS5_ARGS);
    for policy in [Policy::Lenient, Policy::Strict] {
        assert_eq!(
            &socks::parse_with(&wire, policy).unwrap(),
            line.args(),
            "{wire:?}"
        );
    }
    match socks::to_rfc1929(wire.as_bytes()).unwrap() {
        // 256 bytes ending in NUL: PASSWD is the lone NUL that means "no password" (see
        // args_socks.rs); tor never has a NUL in a bridge line.
        Some(f) if f.passwd == b"\0" && wire.len() > socks::MAX_RFC1929_FIELD => {}
        Some(f) => assert_eq!(
            &socks::parse_rfc1929(f.uname, f.passwd, Policy::Strict).unwrap(),
            line.args()
        ),
        None => assert!(line.args().is_empty()),
    }
}

/// A line written from arbitrary parts parses back to them, unless its SOCKS arguments are
/// longer than tor accepts.
fn structured(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let transport = TransportName::arbitrary(u)?;
    let fingerprint = Option::<Fingerprint>::arbitrary(u)?;
    let args = Args::arbitrary(u)?;
    let port = u16::arbitrary(u)?;
    let v6 = bool::arbitrary(u)?;
    let addr = if v6 {
        std::net::SocketAddr::from((std::net::Ipv6Addr::from(u128::arbitrary(u)?), port))
    } else {
        std::net::SocketAddr::from((std::net::Ipv4Addr::from(u32::arbitrary(u)?), port))
    };
    // A bridge line item cannot hold a separator, and a key ends at its first `=`.
    let sep = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    if args
        .iter()
        .any(|(k, v)| k.contains('=') || k.contains(sep) || v.contains(sep))
    {
        return Ok(());
    }
    // With or without torrc's keyword; a transport named `Bridge` needs it.
    let keyword = bool::arbitrary(u)? || transport.as_str() == "Bridge";
    let mut text = if keyword {
        "Bridge ".to_owned()
    } else {
        String::new()
    };
    text.push_str(&format!("{transport} {addr}"));
    if let Some(fp) = fingerprint {
        text.push_str(&format!(" {fp}"));
    }
    for (k, v) in args.iter() {
        text.push_str(&format!(" {k}={v}"));
    }
    match BridgeLine::parse(&text) {
        Ok(line) => {
            assert_eq!(line.transport(), Some(&transport), "{text:?}");
            assert_eq!(line.addr(), addr);
            assert_eq!(line.fingerprint(), fingerprint);
            assert_eq!(line.args(), &args, "{text:?}");
            check(&line);
        }
        Err(Error::TooLong { len, .. }) => {
            assert!(len > socks::MAX_SOCKS5_ARGS);
            assert_eq!(
                len,
                socks::encoded_len_with(&args, socks::Escaping::Minimal)
            );
        }
        Err(e) => panic!("{text:?}: {e}"),
    }
    Ok(())
}
