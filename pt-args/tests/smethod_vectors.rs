//! SMETHOD `ARGS:` (`pt_args::smethod`): the spec's examples (`pt-spec.txt` section 3.3.3 and
//! Appendix B), goptlib's encoder vectors (`args_test.go` `TestEncodeSmethodArgs`) and Arti's
//! decoder rules (`crates/tor-ptmgr/src/ipc.rs` `parse_one_smethod_arg`).
//!
//! Where the references disagree: the spec escapes only `=` and `,`; goptlib also escapes `\`
//! (behaviours: `smethod-args-escape-backslash`); Arti rejects an unescaped `=` in a value
//! (behaviours: `smethod-args-equals-in-value`). Pinned choices: the encoder is goptlib's
//! (escapes `\ = ,`) but keeps insertion order instead of sorting keys (behaviours:
//! `smethod-args-key-order`); the default decoder is lenient (any `\x`, unescaped `=` kept in a
//! value); `strict` is Arti's; `pt2_semicolons` also splits at `;` (behaviours:
//! `smethod-args-pt2-semicolons`).

mod common;

use common::{args, pairs};
use pt_args::Error;
use pt_args::smethod::{self, Config};

const LENIENT: Config = Config::LENIENT;
const STRICT: Config = Config::STRICT;
const PT2: Config = Config::LENIENT.with_pt2_semicolons(true);
const PT2_STRICT: Config = Config::STRICT.with_pt2_semicolons(true);
const ALL: [Config; 4] = [LENIENT, STRICT, PT2, PT2_STRICT];

/// The obfs4 SMETHOD ARGS of the spec's example server session (`pt-spec.txt` Appendix B):
/// `cert=` (70 characters of unpadded base64) and `iat-mode=`, as obfs4 servers publish them.
const SPEC_OBFS4: &str =
    "cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw,iat-mode=0";

/// goptlib's `args_test.go` `TestEncodeSmethodArgs`, with the pairs pushed in goptlib's
/// sorted order, so the output is goptlib's byte for byte.
const GOPTLIB_ENCODE: &[(&[(&str, &str)], &str)] = &[
    (&[], ""),
    (
        &[
            ("j", "v1"),
            ("j", "v2"),
            ("j", "v3"),
            ("k", "v1"),
            ("k", "v2"),
            ("k", "v3"),
        ],
        "j=v1,j=v2,j=v3,k=v1,k=v2,k=v3",
    ),
    (
        &[("=,\\", "="), ("=,\\", ","), ("=,\\", "\\")],
        r"\=\,\\=\=,\=\,\\=\,,\=\,\\=\\",
    ),
    (&[("secret", "yes")], "secret=yes"),
    (
        &[("cache", "/tmp/cache"), ("secret", "nou")],
        "cache=/tmp/cache,secret=nou",
    ),
    // Spec examples (section 3.3.3 and Appendix B).
    (&[("N", "13")], "N=13"),
    (
        &[
            (
                "cert",
                "HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw",
            ),
            ("iat-mode", "0"),
        ],
        SPEC_OBFS4,
    ),
    // ';' and ':' are not special; non-ASCII passes through.
    (&[("k", "a;b:c"), ("ключ", "é")], "k=a;b:c,ключ=é"),
];

#[test]
fn goptlib_encoder_vectors() {
    for &(input, expected) in GOPTLIB_ENCODE {
        let a = args(input);
        assert_eq!(smethod::to_string(&a).as_deref(), Ok(expected), "{input:?}");
        assert_eq!(smethod::encoded_len(&a), expected.len());
        let mut out = b"ARGS:".to_vec();
        assert_eq!(smethod::encode(&a, &mut out), Ok(expected.len()));
        assert_eq!(&out[5..], expected.as_bytes());
        // Every decoder setting without ';' in the data reads it back.
        for config in [LENIENT, STRICT] {
            assert_eq!(
                smethod::parse_with(expected, config).unwrap(),
                a,
                "{config:?} {expected:?}"
            );
        }
    }
}

/// goptlib sorts keys; we keep insertion order: `{secret:nou, cache:/tmp/cache}` pushed in
/// that order encodes as `secret=...,cache=...`, where goptlib would write `cache` first
/// (behaviours: `smethod-args-key-order`).
#[test]
fn encoder_keeps_insertion_order_where_goptlib_sorts() {
    let a = args(&[
        ("secret", "nou"),
        ("cache", "/tmp/cache"),
        ("secret", "again"),
    ]);
    assert_eq!(
        smethod::to_string(&a).as_deref(),
        Ok("secret=nou,cache=/tmp/cache,secret=again")
    );
    assert_eq!(
        smethod::parse("secret=nou,cache=/tmp/cache,secret=again").unwrap(),
        a
    );
}

/// The spec does not escape `\`, goptlib (and we) do (behaviours:
/// `smethod-args-escape-backslash`).
#[test]
fn backslash_is_escaped_like_goptlib() {
    let a = args(&[("path", r"C:\dir\"), ("k", "a,b=c")]);
    let wire = smethod::to_string(&a).unwrap();
    assert_eq!(wire, r"path=C:\\dir\\,k=a\,b\=c");
    assert_eq!(smethod::parse(&wire).unwrap(), a);
    // What a spec-only encoder (escaping `=` and `,` but not `\`) would write loses its
    // backslashes under our decoder (backslash escapes any byte), and a value ending in `\`
    // cannot be read at all: pinned, the reason the encoder escapes `\`.
    assert_eq!(
        pairs(&smethod::parse(r"path=C:\dir").unwrap()),
        [("path", "C:dir")]
    );
    assert_eq!(
        smethod::parse(r"path=C:\dir\,k=v"),
        Ok(args(&[("path", r"C:dir,k=v")]))
    );
    assert_eq!(
        smethod::parse(r"path=C:\"),
        Err(Error::TrailingBackslash { offset: 7 })
    );
}

/// Decoder vectors: `(input, config, result)`.
#[test]
fn decode_vectors_lenient_strict_pt2() {
    type Case = (
        &'static str,
        Config,
        Result<&'static [(&'static str, &'static str)], Error>,
    );
    let cases: &[Case] = &[
        ("", LENIENT, Ok(&[])),
        ("", PT2_STRICT, Ok(&[])),
        ("a=1,b=2", LENIENT, Ok(&[("a", "1"), ("b", "2")])),
        ("k=", LENIENT, Ok(&[("k", "")])),
        // An unescaped '=' in a value: kept by default, rejected by strict (Arti; behaviours:
        // `smethod-args-equals-in-value`).
        ("k=a=b", LENIENT, Ok(&[("k", "a=b")])),
        (
            "k=a=b",
            STRICT,
            Err(Error::Unescaped {
                offset: 3,
                found: '=',
            }),
        ),
        (
            "x=1,k=a=b",
            STRICT,
            Err(Error::Unescaped {
                offset: 7,
                found: '=',
            }),
        ),
        (
            "k==",
            STRICT,
            Err(Error::Unescaped {
                offset: 2,
                found: '=',
            }),
        ),
        (r"k=a\=b", STRICT, Ok(&[("k", "a=b")])),
        (r"k=a\,b", STRICT, Ok(&[("k", "a,b")])),
        // Any byte may be escaped, in every setting.
        (r"k=a\xb", STRICT, Ok(&[("k", "axb")])),
        (r"k\,1=v", LENIENT, Ok(&[("k,1", "v")])),
        // ';' is an ordinary byte unless pt2_semicolons is on.
        ("a=1;b=2", LENIENT, Ok(&[("a", "1;b=2")])),
        (
            "a=1;b=2",
            STRICT,
            Err(Error::Unescaped {
                offset: 5,
                found: '=',
            }),
        ),
        ("a=1;b=2", PT2, Ok(&[("a", "1"), ("b", "2")])),
        (
            "a=1;b=2,c=3",
            PT2,
            Ok(&[("a", "1"), ("b", "2"), ("c", "3")]),
        ),
        (r"a=1\;b=2", PT2, Ok(&[("a", "1;b=2")])),
        (
            "a=1;b=x=y",
            PT2_STRICT,
            Err(Error::Unescaped {
                offset: 7,
                found: '=',
            }),
        ),
        ("k=v;", PT2, Err(Error::TrailingSeparator { offset: 3 })),
        ("k=v;,a=b", PT2, Err(Error::EmptyItem { offset: 4 })),
        ("a;b=c", PT2, Err(Error::MissingEquals { offset: 1 })),
        ("a;b=c", LENIENT, Ok(&[("a;b", "c")])),
        // Structural errors, every setting.
        ("k", LENIENT, Err(Error::MissingEquals { offset: 1 })),
        ("a,b=c", STRICT, Err(Error::MissingEquals { offset: 1 })),
        ("=v", LENIENT, Err(Error::EmptyKey { offset: 0 })),
        (",k=v", LENIENT, Err(Error::EmptyItem { offset: 0 })),
        (";k=v", PT2, Err(Error::EmptyItem { offset: 0 })),
        ("a=1,=v", LENIENT, Err(Error::EmptyKey { offset: 4 })),
        ("k=v,", LENIENT, Err(Error::TrailingSeparator { offset: 3 })),
        ("k=v,,a=b", STRICT, Err(Error::EmptyItem { offset: 4 })),
        ("k=v,,", LENIENT, Err(Error::EmptyItem { offset: 4 })),
        (",,", PT2, Err(Error::EmptyItem { offset: 0 })),
        (
            r"k=v\",
            LENIENT,
            Err(Error::TrailingBackslash { offset: 3 }),
        ),
        (r"k\", PT2, Err(Error::TrailingBackslash { offset: 1 })),
    ];
    for (input, config, expected) in cases {
        let got = smethod::parse_with(input, *config);
        match expected {
            Ok(p) => assert_eq!(pairs(&got.unwrap()), *p, "{config:?} {input:?}"),
            Err(e) => assert_eq!(got, Err(e.clone()), "{config:?} {input:?}"),
        }
    }
    assert_eq!(Config::default(), LENIENT, "the documented default");
    assert_eq!(
        smethod::parse("k=a=b"),
        smethod::parse_with("k=a=b", LENIENT)
    );
}

/// The obfs4 server's real ARGS: nothing to escape, so zero-copy in every setting (behaviours:
/// `smethod-args-equals-in-value`).
#[test]
fn obfs4_server_args_decode_in_every_setting() {
    for config in ALL {
        let a = smethod::parse_with(SPEC_OBFS4, config).unwrap();
        assert_eq!(a.get("iat-mode"), Some("0"));
        assert_eq!(a.get("cert").map(str::len), Some(70));
        assert!(a.is_borrowed());
    }
}

/// goptlib writes a space unescaped, which breaks the SMETHOD line; we refuse it (and the other
/// line-breaking bytes) with `Unencodable` and the pair's index, writing nothing (behaviours:
/// `smethod-args-line-breaking-bytes`).
#[test]
fn bytes_that_break_the_line_are_unencodable() {
    for bad in [b' ', b'\t', b'\r', b'\n', 0] {
        let c = char::from(bad);
        let (value, key) = (format!("a{c}b"), format!("k{c}"));
        let in_value = args(&[("ok", "1"), ("k", &value)]);
        let in_key = args(&[("ok", "1"), ("ok2", "2"), (&key, "v")]);
        for (a, index) in [(in_value, 1), (in_key, 2)] {
            let mut out = Vec::new();
            assert_eq!(
                smethod::encode(&a, &mut out),
                Err(Error::Unencodable { index, found: bad }),
                "{bad:#04x}"
            );
            assert!(out.is_empty());
            assert_eq!(
                smethod::to_string(&a),
                Err(Error::Unencodable { index, found: bad })
            );
        }
    }
    // The first offending pair wins, whatever the error.
    assert_eq!(
        smethod::to_string(&args(&[("a b", "x"), ("", "y")])),
        Err(Error::Unencodable {
            index: 0,
            found: b' '
        })
    );
    assert_eq!(
        smethod::to_string(&args(&[("a", "x"), ("", "y"), ("c", " ")])),
        Err(Error::EncodeEmptyKey { index: 1 })
    );
    // Other control bytes and non-ASCII are carried.
    let ok = args(&[("k", "\u{1}\u{7f}é")]);
    assert_eq!(
        smethod::parse(&smethod::to_string(&ok).unwrap()).unwrap(),
        ok
    );
}

#[test]
fn encode_into_too_small_slice_is_buffer_too_small_and_untouched() {
    let a = args(&[("cert", "abc,def"), ("iat-mode", "0")]);
    let needed = smethod::encoded_len(&a);
    assert_eq!(needed, r"cert=abc\,def,iat-mode=0".len());
    for size in [0, 1, needed - 1] {
        let mut storage = vec![0x55_u8; size];
        assert_eq!(
            smethod::encode(&a, &mut &mut storage[..]),
            Err(Error::BufferTooSmall {
                needed,
                available: size
            })
        );
        assert!(storage.iter().all(|&b| b == 0x55));
    }
    let mut storage = vec![0u8; needed];
    assert_eq!(smethod::encode(&a, &mut &mut storage[..]), Ok(needed));
    assert_eq!(storage, br"cert=abc\,def,iat-mode=0");
}

/// pt2_semicolons is decode-only: the encoder writes `,` and does not escape `;`, so a value
/// holding `;` does not survive a PT 2.x decode. Pinned (the encoder stays goptlib's).
#[test]
fn pt2_mode_does_not_round_trip_semicolons_in_values() {
    let a = args(&[("k", "a;b")]);
    let wire = smethod::to_string(&a).unwrap();
    assert_eq!(wire, "k=a;b");
    assert_eq!(smethod::parse(&wire).unwrap(), a);
    assert_eq!(
        smethod::parse_with(&wire, PT2),
        Err(Error::MissingEquals { offset: 5 })
    );
}
