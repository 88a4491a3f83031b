//! `TOR_PT_SERVER_TRANSPORT_OPTIONS` (`pt_args::options`): no input panics under either config,
//! `require_utf8` refuses exactly the input that is not UTF-8, whatever parses and encodes
//! survives a round trip, and any encodable set of options parses back to itself. Transport
//! names, keys and values are bytes.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_args::options::{self, Config, ServerTransportOptions};
use pt_args::{Args, Error};

const CONFIGS: [Config; 2] = [Config::LENIENT, Config::STRICT];

fuzz_target!(|data: &[u8]| {
    let not_utf8 = std::str::from_utf8(data).err().map(|e| Error::NotUtf8 {
        offset: e.valid_up_to(),
    });
    for config in CONFIGS {
        let got = black_box(options::parse_with(data, config));
        if let Ok(opts) = &got {
            round_trip(opts);
        }
        let utf8 = options::parse_with(data, config.with_require_utf8(true));
        match &not_utf8 {
            Some(e) => assert_eq!(utf8.as_ref(), Err(e)),
            None => assert_eq!(utf8, got),
        }
    }
    if let Ok(opts) = structured(&mut Unstructured::new(data)) {
        round_trip(&opts);
    }
});

/// Up to 4 (transport name, `Args`) groups; names are arbitrary bytes, so some are invalid
/// or empty, and repeated names merge into one group.
fn structured(u: &mut Unstructured<'_>) -> arbitrary::Result<ServerTransportOptions<'static>> {
    let mut opts = ServerTransportOptions::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let name = Vec::<u8>::arbitrary(u)?;
        let args = Args::arbitrary(u)?;
        for (k, v) in args.iter() {
            opts.push(&name, k, v);
        }
    }
    Ok(opts)
}

/// Encodes `opts` and parses the result back (strictly too when every name is valid).
fn round_trip(opts: &ServerTransportOptions<'_>) {
    let encoded = match options::to_vec(opts) {
        Ok(s) => s,
        Err(Error::EncodeEmptyKey { .. }) => {
            assert!(
                opts.iter()
                    .any(|(t, a)| t.is_empty() || a.iter().any(|(k, _)| k.is_empty()))
            );
            return;
        }
        Err(Error::Unencodable { found: 0, .. }) => {
            assert!(opts.iter().any(|(t, a)| {
                t.contains(&0) || a.iter().any(|(k, v)| k.contains(&0) || v.contains(&0))
            }));
            return;
        }
        Err(e) => panic!("unexpected {e:?} for {opts:?}"),
    };
    assert_eq!(encoded.len(), options::encoded_len(opts));
    let text = opts
        .iter()
        .all(|(t, a)| std::str::from_utf8(t).is_ok() && a.is_utf8());
    assert_eq!(options::to_string(opts).is_ok(), text);
    let names_valid = opts
        .transports()
        .all(|t| pt_args::name::validate(t).is_ok());
    for config in CONFIGS {
        if config.strict && !names_valid {
            assert!(options::parse_with(&encoded, config).is_err());
            continue;
        }
        let back = options::parse_with(&encoded, config)
            .unwrap_or_else(|e| panic!("{encoded:?} under {config:?}: {e}"));
        assert_eq!(&back, opts, "{encoded:?} under {config:?}");
    }
}
