//! torrc bridge lines (`pt_args::bridge`): no input panics, a parsed line writes out (exact
//! bytes, and as text when it is text) as a line that parses to the same thing, its SOCKS
//! arguments decode to its `k=v` items, and a line built from an arbitrary `Args` parses back
//! to those pairs. Lines are bytes; a NUL is an error.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_args::bridge::{BridgeLine, Fingerprint};
use pt_args::socks::{self, Config};
use pt_args::{Args, Error, TransportName};

fuzz_target!(|data: &[u8]| {
    match black_box(BridgeLine::parse(data)) {
        Ok(line) => check(&line),
        Err(e) => {
            if let Some(offset) = data.iter().position(|&b| b == 0) {
                assert_eq!(e, Error::Nul { offset });
            }
        }
    }
    let _ = structured(&mut Unstructured::new(data));
});

/// tor's `TOR_ISSPACE`: what each item loses at its two ends.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// What must hold for every line that parses.
fn check(line: &BridgeLine<'_>) {
    let exact = line.to_vec();
    let again =
        BridgeLine::parse(&exact).unwrap_or_else(|e| panic!("{line:?} written as {exact:?}: {e}"));
    assert_eq!(&again, line, "written as {exact:?}");
    if line.args().is_utf8() {
        let printed = line.to_string();
        assert_eq!(printed.as_bytes(), &exact[..]);
    }

    let wire = line.socks_args();
    assert_eq!(wire.len(), line.socks_args_len());
    assert!(wire.len() <= socks::MAX_SOCKS5_ARGS);
    assert!(!wire.contains(&0));
    for config in [Config::LENIENT, Config::STRICT] {
        assert_eq!(
            &socks::parse_with(&wire, config).unwrap(),
            line.args(),
            "{wire:?}"
        );
    }
    match socks::to_rfc1929(&wire).unwrap() {
        // No NUL in a bridge line, so PASSWD is never an ambiguous lone NUL.
        Some(f) => assert_eq!(
            &socks::parse_rfc1929(f.uname, f.passwd, Config::STRICT).unwrap(),
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
    // A bridge line item cannot hold a space, tab or NUL; a key ends at its first `=`; an
    // item loses white space at its two ends.
    let breaks = |s: &[u8]| s.iter().any(|&b| matches!(b, b' ' | b'\t' | 0));
    if args.iter().any(|(k, v)| {
        k.contains(&b'=')
            || breaks(k)
            || breaks(v)
            || k.first().is_some_and(|&b| is_space(b))
            || v.last().is_some_and(|&b| is_space(b))
    }) {
        return Ok(());
    }
    // With or without torrc's keyword; a transport named `bridge` (any case) needs it.
    let keyword = bool::arbitrary(u)? || transport.as_str().eq_ignore_ascii_case("bridge");
    let mut text = if keyword {
        b"Bridge ".to_vec()
    } else {
        Vec::new()
    };
    text.extend_from_slice(format!("{transport} {addr}").as_bytes());
    if let Some(fp) = fingerprint {
        text.extend_from_slice(format!(" {fp}").as_bytes());
    }
    for (k, v) in args.iter() {
        text.push(b' ');
        text.extend_from_slice(k);
        text.push(b'=');
        text.extend_from_slice(v);
    }
    match BridgeLine::parse(&text) {
        Ok(line) => {
            assert_eq!(line.transport(), Some(&transport), "{text:?}");
            assert_eq!(line.addr(), addr);
            assert_eq!(line.fingerprint(), fingerprint);
            assert_eq!(line.args(), &args, "{text:?}");
            // Written back without the keyword, unless the transport needs it.
            let named_bridge = transport.as_str().eq_ignore_ascii_case("bridge");
            let written = match text.strip_prefix(b"Bridge ") {
                Some(rest) if !named_bridge => rest,
                _ => &text[..],
            };
            assert_eq!(line.to_vec(), written);
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
