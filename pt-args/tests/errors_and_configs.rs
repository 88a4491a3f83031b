//! Issue 7, point 7: `Error::offset()` and `Error::index()` (a caller needed a 13-arm match),
//! `EmptyItem` for an empty item where `TrailingSeparator` was reported, and one `Config`
//! shape for the three k=v flavours (a `socks::Policy` enum, a `smethod::Config` struct and an
//! `options::Policy` enum before).

use pt_args::bridge::{BridgeLine, Fingerprint};
use pt_args::{Args, Error, TransportName, options, smethod, socks};

/// One of every variant, with the offset and the index it carries.
fn every_variant() -> Vec<(Error, Option<usize>, Option<usize>)> {
    vec![
        (Error::TrailingBackslash { offset: 1 }, Some(1), None),
        (
            Error::InvalidEscape {
                offset: 2,
                found: b'x',
                allowed: r"\\ \= \;",
            },
            Some(2),
            None,
        ),
        (Error::EmptyKey { offset: 3 }, Some(3), None),
        (Error::MissingEquals { offset: 4 }, Some(4), None),
        (Error::TrailingSeparator { offset: 5 }, Some(5), None),
        (Error::EmptyItem { offset: 6 }, Some(6), None),
        (
            Error::Unescaped {
                offset: 7,
                found: '=',
            },
            Some(7),
            None,
        ),
        (Error::EmptyTransport { offset: 8 }, Some(8), None),
        (Error::MissingColon { offset: 9 }, Some(9), None),
        (Error::InvalidTransportName { offset: 10 }, Some(10), None),
        (Error::NotUtf8 { offset: 11 }, Some(11), None),
        (Error::Nul { offset: 12 }, Some(12), None),
        (Error::InvalidAddress { offset: 13 }, Some(13), None),
        (Error::InvalidFingerprint { offset: 14 }, Some(14), None),
        (Error::NotKeyValue { offset: 15 }, Some(15), None),
        (Error::PairNotUtf8 { index: 16 }, None, Some(16)),
        (Error::EncodeEmptyKey { index: 17 }, None, Some(17)),
        (
            Error::Unencodable {
                index: 18,
                found: 0,
            },
            None,
            Some(18),
        ),
        (
            Error::BufferTooSmall {
                needed: 19,
                available: 1,
            },
            None,
            None,
        ),
        (Error::TooLong { len: 511, max: 510 }, None, None),
        (Error::MissingAddress, None, None),
    ]
}

#[test]
fn offset_and_index_on_every_variant() {
    for (e, offset, index) in every_variant() {
        assert_eq!(e.offset(), offset, "{e:?}");
        assert_eq!(e.index(), index, "{e:?}");
        // Never both: parse errors have an offset, encode errors an index.
        assert!(offset.is_none() || index.is_none());
        // The message names the number it carries.
        if let Some(n) = offset.or(index) {
            assert!(e.to_string().contains(&n.to_string()), "{e}");
        }
    }
}

/// The accessors on errors the parsers and encoders really return.
#[test]
fn offset_and_index_of_real_errors() {
    let parse_errors: Vec<(Result<(), Error>, usize)> = vec![
        (socks::parse(r"k=v\").map(drop), 3),
        (
            socks::parse_with(r"k=\x", socks::Config::STRICT).map(drop),
            2,
        ),
        (socks::parse("a=1;=v").map(drop), 4),
        (socks::parse("a=1;b").map(drop), 5),
        (socks::parse("a=1;").map(drop), 3),
        (socks::parse("a=1;;b=2").map(drop), 4),
        (
            smethod::parse_with("k=a=b", smethod::Config::STRICT).map(drop),
            3,
        ),
        (options::parse("t:k=v;:k=v").map(drop), 6),
        (options::parse("t;k=v").map(drop), 1),
        (
            options::parse_with("t-x:k=v", options::Config::STRICT).map(drop),
            1,
        ),
        (
            socks::parse_with(b"k=\xff", socks::Config::LENIENT.with_require_utf8(true)).map(drop),
            2,
        ),
        (BridgeLine::parse(b"obfs4 1.2.3.4 \0").map(drop), 14),
        (BridgeLine::parse("obfs4 nowhere").map(drop), 6),
        (BridgeLine::parse("obfs4 1.2.3.4:5 0123 k=v").map(drop), 16),
        (BridgeLine::parse("obfs4 1.2.3.4:5 k=v =x").map(drop), 20),
        (TransportName::new("ab-c").map(drop), 2),
        (Fingerprint::from_hex("x").map(drop), 0),
    ];
    for (got, offset) in parse_errors {
        let e = got.unwrap_err();
        assert_eq!(e.offset(), Some(offset), "{e:?}");
        assert_eq!(e.index(), None, "{e:?}");
    }
    let pairs = |p: &[(&str, &str)]| -> Args<'static> { p.iter().copied().collect() };
    let encode_errors: Vec<(Error, usize)> = vec![
        (
            socks::to_vec(&pairs(&[("a", "1"), ("", "2")])).unwrap_err(),
            1,
        ),
        (
            socks::to_vec(&pairs(&[("a", "1"), ("b", "2"), ("c", "\0")])).unwrap_err(),
            2,
        ),
        (smethod::to_vec(&pairs(&[("a", " ")])).unwrap_err(), 0),
        (
            socks::parse(b"a=1;b=2;c=\xff")
                .unwrap()
                .iter_str()
                .find_map(Result::err)
                .unwrap(),
            2,
        ),
    ];
    for (e, index) in encode_errors {
        assert_eq!(e.index(), Some(index), "{e:?}");
        assert_eq!(e.offset(), None, "{e:?}");
    }
    let e = socks::encode(&pairs(&[("k", "v")]), &mut &mut [0u8; 1][..]).unwrap_err();
    assert_eq!((e.offset(), e.index()), (None, None));
    let e = BridgeLine::parse("obfs4").unwrap_err();
    assert_eq!((e.offset(), e.index()), (None, None));
}

/// `a=1;;b=2` is an empty item, not a trailing separator: `EmptyItem` at the offset where
/// the item should have started, in every flavour; `TrailingSeparator` only for a separator
/// at the very end.
#[test]
fn empty_items_are_empty_items() {
    let socks_cases: &[(&str, Error)] = &[
        ("a=1;;b=2", Error::EmptyItem { offset: 4 }),
        (";a=1", Error::EmptyItem { offset: 0 }),
        (";;", Error::EmptyItem { offset: 0 }),
        (";", Error::EmptyItem { offset: 0 }),
        ("a=1;;", Error::EmptyItem { offset: 4 }),
        ("a=1;", Error::TrailingSeparator { offset: 3 }),
        ("a=1;b=2;", Error::TrailingSeparator { offset: 7 }),
    ];
    for (input, e) in socks_cases {
        for config in [socks::Config::LENIENT, socks::Config::STRICT] {
            assert_eq!(
                socks::parse_with(input, config),
                Err(e.clone()),
                "{input:?}"
            );
        }
        let commas = input.replace(';', ",");
        for config in [smethod::Config::LENIENT, smethod::Config::STRICT] {
            assert_eq!(
                smethod::parse_with(&commas, config),
                Err(e.clone()),
                "{commas:?}"
            );
        }
        // PT 2.x semicolons, and a mix of both separators.
        let pt2 = smethod::Config::LENIENT.with_pt2_semicolons(true);
        assert_eq!(smethod::parse_with(input, pt2), Err(e.clone()), "{input:?}");
    }
    assert_eq!(
        smethod::parse_with(
            "a=1,;b=2",
            smethod::Config::LENIENT.with_pt2_semicolons(true)
        ),
        Err(Error::EmptyItem { offset: 4 })
    );
    let options_cases: &[(&str, Error)] = &[
        ("t:a=1;;t:b=2", Error::EmptyItem { offset: 6 }),
        (";t:a=1", Error::EmptyItem { offset: 0 }),
        (";", Error::EmptyItem { offset: 0 }),
        ("t:a=1;", Error::TrailingSeparator { offset: 5 }),
        // An empty key after a transport name is an empty key.
        ("t:;a=1", Error::EmptyKey { offset: 2 }),
    ];
    for (input, e) in options_cases {
        for config in [options::Config::LENIENT, options::Config::STRICT] {
            assert_eq!(
                options::parse_with(input, config).map(|o| o.len()),
                Err(e.clone()),
                "{input:?}"
            );
        }
    }
    assert_eq!(
        Error::EmptyItem { offset: 4 }.to_string(),
        "empty item at byte 4: expected key=value before the separator"
    );
}

/// The same config shape in the three flavours: `LENIENT` (the default) and `STRICT`, the
/// pub fields `strict` and `require_utf8`, and `const fn` builders.
#[test]
fn one_config_shape_for_the_three_flavours() {
    macro_rules! same_shape {
        ($config:ty) => {{
            const L: $config = <$config>::LENIENT;
            const S: $config = <$config>::STRICT;
            const U: $config = <$config>::LENIENT.with_require_utf8(true);
            const BACK: $config = <$config>::STRICT.with_strict(false);
            assert_eq!(<$config>::default(), L, stringify!($config));
            assert!(!L.strict && !L.require_utf8);
            assert!(S.strict && !S.require_utf8);
            assert!(U.require_utf8 && !U.strict);
            assert_eq!(BACK, L);
            assert_eq!(L.with_strict(true), S);
            assert_eq!(S.with_require_utf8(true).with_require_utf8(false), S);
            let copy: $config = S;
            assert_eq!(format!("{copy:?}"), format!("{S:?}"));
        }};
    }
    same_shape!(socks::Config);
    same_shape!(smethod::Config);
    same_shape!(options::Config);
    // SMETHOD's extra knob, off in both presets.
    const PT2: smethod::Config = smethod::Config::STRICT.with_pt2_semicolons(true);
    const {
        assert!(PT2.strict && PT2.pt2_semicolons);
        assert!(
            !smethod::Config::LENIENT.pt2_semicolons && !smethod::Config::STRICT.pt2_semicolons
        );
    }
    assert_eq!(PT2.with_pt2_semicolons(false), smethod::Config::STRICT);

    // What each knob does, flavour by flavour.
    assert!(socks::parse_with(r"k=\x", socks::Config::LENIENT).is_ok());
    assert!(socks::parse_with(r"k=\x", socks::Config::LENIENT.with_strict(true)).is_err());
    assert!(smethod::parse_with("k=a=b", smethod::Config::LENIENT).is_ok());
    assert!(smethod::parse_with("k=a=b", smethod::Config::LENIENT.with_strict(true)).is_err());
    assert!(options::parse_with("t:u=a:b", options::Config::LENIENT).is_ok());
    assert!(options::parse_with("t:u=a:b", options::Config::LENIENT.with_strict(true)).is_err());
    let bad = b"k=\xe9";
    assert!(socks::parse_with(bad, socks::Config::LENIENT).is_ok());
    assert!(smethod::parse_with(bad, smethod::Config::LENIENT).is_ok());
    assert!(options::parse_with(b"t:k=\xe9", options::Config::LENIENT).is_ok());
    let utf8_error = Err(Error::NotUtf8 { offset: 2 });
    assert_eq!(
        socks::parse_with(bad, socks::Config::LENIENT.with_require_utf8(true)).map(|a| a.len()),
        utf8_error
    );
    assert_eq!(
        smethod::parse_with(bad, smethod::Config::LENIENT.with_require_utf8(true)).map(|a| a.len()),
        utf8_error
    );
    assert_eq!(
        options::parse_with(b"k=\xe9", options::Config::LENIENT.with_require_utf8(true))
            .map(|o| o.len()),
        utf8_error
    );
}
