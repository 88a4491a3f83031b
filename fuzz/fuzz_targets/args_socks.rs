//! SOCKS per-connection arguments (`pt_args::socks`): no input panics, whatever parses
//! survives an encode/parse round trip under both escapings and both configs, `require_utf8`
//! refuses exactly the input that is not UTF-8, and any `Args` that encodes parses back to
//! itself. Keys and values are bytes; the encoder refuses only an empty key and a NUL
//! (behaviours: `socks-args-nul-unencodable`).
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_args::socks::{self, Config, Escaping};
use pt_args::{Args, Error};

const CONFIGS: [Config; 2] = [Config::LENIENT, Config::STRICT];
const ESCAPINGS: [Escaping; 2] = [Escaping::Spec, Escaping::Minimal];

fuzz_target!(|data: &[u8]| {
    raw(data);
    rfc1929_fields(data);
    structured(data);
});

/// Arbitrary bytes as a SOCKS field, under every config.
fn raw(data: &[u8]) {
    let not_utf8 = std::str::from_utf8(data).err().map(|e| Error::NotUtf8 {
        offset: e.valid_up_to(),
    });
    for config in CONFIGS {
        let got = black_box(socks::parse_with(data, config));
        if let Ok(args) = &got {
            round_trip(args);
        }
        let utf8 = socks::parse_with(data, config.with_require_utf8(true));
        match &not_utf8 {
            Some(e) => assert_eq!(utf8.as_ref(), Err(e)),
            None => assert_eq!(utf8, got),
        }
    }
}

/// Arbitrary bytes split into UNAME and PASSWD at a place the first byte picks.
fn rfc1929_fields(data: &[u8]) {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let (uname, passwd) = rest.split_at(usize::from(cut).min(rest.len()));
    for config in CONFIGS {
        let got = black_box(socks::parse_rfc1929(uname, passwd, config));
        if let Ok(args) = &got {
            round_trip(args);
        }
        let joined = socks::from_rfc1929(uname, passwd);
        assert_eq!(got, socks::parse_with(&*joined, config));
    }
}

/// Any `Args` that encodes (non-empty keys, no NUL) parses back to itself.
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
            assert_eq!(socks::parse(&small[..n]).unwrap(), args);
        }
        Err(Error::BufferTooSmall {
            needed: n,
            available,
        }) => {
            assert_eq!((n, available), (needed, 64));
            assert!(needed > 64);
            assert_eq!(small, [0u8; 64], "nothing written on error");
        }
        Err(Error::EncodeEmptyKey { .. } | Error::Unencodable { found: 0, .. }) => {
            assert_eq!(small, [0u8; 64], "nothing written on error");
        }
        Err(e) => panic!("unexpected {e:?} for {args:?}"),
    }
}

/// Encodes `args` with both escapings and checks both decoders read the same pairs back, and
/// that the RFC 1929 split and rejoin loses nothing.
fn round_trip(args: &Args<'_>) {
    // The first pair the encoder cannot write: an empty key, or a NUL in the key or value.
    let unencodable = args.iter().enumerate().find_map(|(index, (k, v))| {
        if k.is_empty() {
            Some(Error::EncodeEmptyKey { index })
        } else if k.contains(&0) || v.contains(&0) {
            Some(Error::Unencodable { index, found: 0 })
        } else {
            None
        }
    });
    for escaping in ESCAPINGS {
        let encoded = match socks::to_vec_with(args, escaping) {
            Ok(s) => s,
            Err(e) => {
                assert_eq!(Some(e), unencodable);
                return;
            }
        };
        assert_eq!(unencodable, None);
        assert!(!encoded.contains(&0));
        assert_eq!(encoded.len(), socks::encoded_len_with(args, escaping));
        for config in CONFIGS {
            let back = socks::parse_with(&encoded, config)
                .unwrap_or_else(|e| panic!("{encoded:?} ({escaping:?}) under {config:?}: {e}"));
            assert_eq!(&back, args, "{encoded:?} ({escaping:?}) under {config:?}");
        }
        // Text exactly when the arguments are text.
        assert_eq!(
            socks::to_string_with(args, escaping).is_ok(),
            args.is_utf8(),
            "{args:?}"
        );
        match socks::to_rfc1929(&encoded) {
            // No NUL, so never the ambiguous "256 bytes ending in NUL" (behaviours:
            // `rfc1929-nul-password-marker`): every split reads back.
            Ok(Some(f)) => {
                let back = socks::parse_rfc1929(f.uname, f.passwd, Config::LENIENT).unwrap();
                assert_eq!(&back, args);
            }
            Ok(None) => assert!(args.is_empty()),
            Err(e) => assert!(encoded.len() > socks::MAX_SOCKS5_ARGS, "{e:?}"),
        }
    }
}
