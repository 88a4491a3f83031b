//! SMETHOD `ARGS:` (`pt_args::smethod`): no input panics under any config, `require_utf8`
//! refuses exactly the input that is not UTF-8, whatever parses and encodes survives a round
//! trip, and any encodable `Args` parses back to itself. Keys and values are bytes.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_args::smethod::{self, Config};
use pt_args::{Args, Error};

const CONFIGS: [Config; 4] = [
    Config::LENIENT,
    Config::STRICT,
    Config::LENIENT.with_pt2_semicolons(true),
    Config::STRICT.with_pt2_semicolons(true),
];

/// The bytes the encoder refuses: they would end the SMETHOD word or line.
const FORBIDDEN: &[u8] = b" \t\r\n\0";

fuzz_target!(|data: &[u8]| {
    let not_utf8 = std::str::from_utf8(data).err().map(|e| Error::NotUtf8 {
        offset: e.valid_up_to(),
    });
    for config in CONFIGS {
        let got = black_box(smethod::parse_with(data, config));
        if let Ok(args) = &got {
            round_trip(args);
        }
        let utf8 = smethod::parse_with(data, config.with_require_utf8(true));
        match &not_utf8 {
            Some(e) => assert_eq!(utf8.as_ref(), Err(e)),
            None => assert_eq!(utf8, got),
        }
    }
    if let Ok(args) = Args::arbitrary(&mut Unstructured::new(data)) {
        round_trip(&args);
    }
});

/// Encodes `args` and parses the result back under every config that can read it.
fn round_trip(args: &Args<'_>) {
    let encoded = match smethod::to_vec(args) {
        Ok(s) => s,
        Err(Error::EncodeEmptyKey { index }) => {
            assert!(args.iter().nth(index).unwrap().0.is_empty());
            return;
        }
        Err(Error::Unencodable { index, found }) => {
            let (k, v) = args.iter().nth(index).unwrap();
            assert!(FORBIDDEN.contains(&found));
            assert!(k.contains(&found) || v.contains(&found));
            return;
        }
        Err(e) => panic!("unexpected {e:?} for {args:?}"),
    };
    assert_eq!(encoded.len(), smethod::encoded_len(args));
    assert_eq!(smethod::to_string(args).is_ok(), args.is_utf8());
    // The encoder writes `,` and escapes `\ = ,` only, so a PT 2.x decoder (which also splits at
    // `;`) reads it back only when no key or value holds a `;`.
    let has_semicolon = args
        .iter()
        .any(|(k, v)| k.contains(&b';') || v.contains(&b';'));
    for config in CONFIGS {
        if config.pt2_semicolons && has_semicolon {
            continue;
        }
        let back = smethod::parse_with(&encoded, config)
            .unwrap_or_else(|e| panic!("{encoded:?} under {config:?}: {e}"));
        assert_eq!(&back, args, "{encoded:?} under {config:?}");
    }
}
