//! SMETHOD `ARGS:` (`pt_args::smethod`): no input panics under any config, whatever parses
//! and encodes survives a round trip, and any encodable `Args` parses back to itself.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_args::smethod::{self, Config};
use pt_args::{Args, Error};

const CONFIGS: [Config; 4] = [
    Config {
        strict: false,
        pt2_semicolons: false,
    },
    Config {
        strict: true,
        pt2_semicolons: false,
    },
    Config {
        strict: false,
        pt2_semicolons: true,
    },
    Config {
        strict: true,
        pt2_semicolons: true,
    },
];

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for config in CONFIGS {
            if let Ok(args) = black_box(smethod::parse_with(text, config)) {
                round_trip(&args);
            }
        }
    }
    if let Ok(args) = Args::arbitrary(&mut Unstructured::new(data)) {
        round_trip(&args);
    }
});

/// Encodes `args` and parses the result back under every config that can read it.
fn round_trip(args: &Args<'_>) {
    let encoded = match smethod::to_string(args) {
        Ok(s) => s,
        Err(Error::EncodeEmptyKey { index }) => {
            assert!(args.as_slice()[index].0.is_empty());
            return;
        }
        Err(Error::Unencodable { index, found }) => {
            let (k, v) = &args.as_slice()[index];
            assert!(b" \t\r\n\0".contains(&found));
            assert!(k.as_bytes().contains(&found) || v.as_bytes().contains(&found));
            return;
        }
        Err(e) => panic!("unexpected {e:?} for {args:?}"),
    };
    assert_eq!(encoded.len(), smethod::encoded_len(args));
    // The encoder writes `,` and escapes `\ = ,` only, so a PT 2.x decoder (which also splits at
    // `;`) reads it back only when no key or value holds a `;`.
    let has_semicolon = args.iter().any(|(k, v)| k.contains(';') || v.contains(';'));
    for config in CONFIGS {
        if config.pt2_semicolons && has_semicolon {
            continue;
        }
        let back = smethod::parse_with(&encoded, config)
            .unwrap_or_else(|e| panic!("{encoded:?} under {config:?}: {e}"));
        assert_eq!(&back, args, "{encoded:?} under {config:?}");
    }
}
