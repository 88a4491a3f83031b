//! SOCKS per-connection arguments (`pt_args::socks`): no input panics, whatever parses
//! survives an encode/parse round trip under both escapings and both policies, and any
//! `Args` that encodes parses back to itself.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_args::socks::{self, Escaping, Policy};
use pt_args::{Args, Error};

const POLICIES: [Policy; 2] = [Policy::Lenient, Policy::Strict];
const ESCAPINGS: [Escaping; 2] = [Escaping::Spec, Escaping::Minimal];

fuzz_target!(|data: &[u8]| {
    raw(data);
    rfc1929_fields(data);
    structured(data);
});

/// Arbitrary bytes as a SOCKS field, under every policy.
fn raw(data: &[u8]) {
    for policy in POLICIES {
        if let Ok(args) = black_box(socks::parse_bytes(data, policy)) {
            round_trip(&args);
        }
    }
}

/// Arbitrary bytes split into UNAME and PASSWD at a place the first byte picks.
fn rfc1929_fields(data: &[u8]) {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let (uname, passwd) = rest.split_at(usize::from(cut).min(rest.len()));
    for policy in POLICIES {
        if let Ok(args) = black_box(socks::parse_rfc1929(uname, passwd, policy)) {
            round_trip(&args);
        }
    }
}

/// Any `Args` that encodes (non-empty keys) parses back to itself.
fn structured(data: &[u8]) {
    let Ok(args) = Args::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    round_trip(&args);
    // A too small buffer is refused before anything is written.
    let mut small = [0u8; 64];
    let needed = socks::encoded_len(&args);
    let mut buf: &mut [u8] = &mut small;
    match socks::encode(&args, &mut buf) {
        Ok(n) => {
            assert!(needed <= 64);
            assert_eq!(n, needed);
            assert_eq!(
                socks::parse(std::str::from_utf8(&small[..n]).unwrap()).unwrap(),
                args
            );
        }
        Err(Error::BufferTooSmall {
            needed: n,
            available,
        }) => {
            assert_eq!((n, available), (needed, 64));
            assert!(needed > 64);
            assert_eq!(small, [0u8; 64], "nothing written on error");
        }
        Err(e) => panic!("unexpected {e:?} for {args:?}"),
    }
}

/// Encodes `args` with both escapings and checks both decoders read the same pairs back, and
/// that the RFC 1929 split and rejoin loses nothing.
fn round_trip(args: &Args<'_>) {
    for escaping in ESCAPINGS {
        let encoded = match socks::to_string_with(args, escaping) {
            Ok(s) => s,
            Err(e) => {
                // The only thing that cannot be encoded is an empty key (parse never yields one).
                assert!(matches!(e, Error::EncodeEmptyKey { .. }), "{e:?}");
                assert!(args.iter().any(|(k, _)| k.is_empty()));
                return;
            }
        };
        assert_eq!(encoded.len(), socks::encoded_len_with(args, escaping));
        for policy in POLICIES {
            let back = socks::parse_with(&encoded, policy)
                .unwrap_or_else(|e| panic!("{encoded:?} ({escaping:?}) under {policy:?}: {e}"));
            assert_eq!(&back, args, "{encoded:?} ({escaping:?}) under {policy:?}");
        }
        match socks::to_rfc1929(encoded.as_bytes()) {
            // A PASSWD of exactly one NUL byte means "no password" (behaviours:
            // `rfc1929-nul-password-marker`), so 256 encoded bytes ending in NUL lose that byte
            // on the way back: the protocol cannot tell them apart (tor's arguments never hold
            // a NUL).
            Ok(Some(f)) if f.passwd == b"\0" && encoded.len() > socks::MAX_RFC1929_FIELD => {}
            Ok(Some(f)) => {
                let back = socks::parse_rfc1929(f.uname, f.passwd, Policy::Lenient).unwrap();
                assert_eq!(&back, args);
            }
            Ok(None) => assert!(args.is_empty()),
            Err(e) => assert!(encoded.len() > socks::MAX_SOCKS5_ARGS, "{e:?}"),
        }
    }
}
