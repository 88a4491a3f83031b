//! `TOR_PT_SERVER_TRANSPORT_OPTIONS` (`pt_args::options`): no input panics under either policy,
//! whatever parses and encodes survives a round trip, and any encodable set of options parses
//! back to itself.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_args::options::{self, Policy, ServerTransportOptions};
use pt_args::{Args, Error};

const POLICIES: [Policy; 2] = [Policy::Lenient, Policy::Strict];

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for policy in POLICIES {
            if let Ok(opts) = black_box(options::parse_with(text, policy)) {
                round_trip(&opts);
            }
        }
    }
    if let Ok(opts) = structured(&mut Unstructured::new(data)) {
        round_trip(&opts);
    }
});

/// Up to 4 (transport name, `Args`) groups; names are arbitrary strings, so some are invalid
/// or empty, and repeated names merge into one group.
fn structured(u: &mut Unstructured<'_>) -> arbitrary::Result<ServerTransportOptions<'static>> {
    let mut opts = ServerTransportOptions::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let name = String::arbitrary(u)?;
        let args = Args::arbitrary(u)?;
        for (k, v) in args.iter() {
            opts.push(name.clone(), k.to_owned(), v.to_owned());
        }
    }
    Ok(opts)
}

/// Encodes `opts` and parses the result back (strictly too when every name is valid).
fn round_trip(opts: &ServerTransportOptions<'_>) {
    let encoded = match options::to_string(opts) {
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
                t.contains('\0') || a.iter().any(|(k, v)| k.contains('\0') || v.contains('\0'))
            }));
            return;
        }
        Err(e) => panic!("unexpected {e:?} for {opts:?}"),
    };
    assert_eq!(encoded.len(), options::encoded_len(opts));
    let names_valid = opts
        .transports()
        .all(|t| pt_args::name::validate(t.as_bytes()).is_ok());
    for policy in POLICIES {
        if policy == Policy::Strict && !names_valid {
            assert!(options::parse_with(&encoded, policy).is_err());
            continue;
        }
        let back = options::parse_with(&encoded, policy)
            .unwrap_or_else(|e| panic!("{encoded:?} under {policy:?}: {e}"));
        assert_eq!(&back, opts, "{encoded:?} under {policy:?}");
    }
}
