//! SOCKS per-connection arguments (`pt_args::socks`): the spec's example (`pt-spec.txt`
//! section 3.5), goptlib's decoder vectors, tor's and Arti's encoder vectors.
//!
//! Decoding: goptlib's vectors (`args_test.go` `TestParseClientParameters`, errors and
//! successes) hold for both policies, because obfs4proxy's `common/socks5/args_test.go` carries
//! the same vectors. The two decoders disagree only on escapes other than `\\ \= \;`: the
//! default, `Config::LENIENT`, is goptlib's; `Config::STRICT` is obfs4proxy's (behaviours:
//! `socks-args-unknown-escape`). Encoding: `Escaping::Spec` (the default) escapes `\ = ;`
//! everywhere; `Escaping::Minimal` is tor's and Arti's bytes (behaviours:
//! `socks-args-escape-set`).

mod common;

use common::{args, pairs};
use pt_args::Error;
use pt_args::socks::{self, Config, Escaping};

const BOTH: [Config; 2] = [Config::LENIENT, Config::STRICT];

/// A list of `(key, value)` pairs, as a literal table.
type Pairs = &'static [(&'static str, &'static str)];

/// goptlib's `args_test.go` `TestParseClientParameters` successes, in input order: we keep
/// order and duplicates as a list where goptlib builds a map of lists.
const GOPTLIB_SUCCESS: &[(&str, &[(&str, &str)])] = &[
    ("", &[]),
    ("key=", &[("key", "")]),
    ("key==", &[("key", "=")]),
    ("key=value", &[("key", "value")]),
    ("a=b=c", &[("a", "b=c")]),
    ("a=bc==", &[("a", "bc==")]),
    ("key=a\nb", &[("key", "a\nb")]),
    (r"key=value\;", &[("key", "value;")]),
    (r#"key="value""#, &[("key", r#""value""#)]),
    (r#"key=""value"""#, &[("key", r#"""value"""#)]),
    (r#""key=value""#, &[(r#""key"#, r#"value""#)]),
    ("key=value;key=value", &[("key", "value"), ("key", "value")]),
    (
        "key=value1;key=value2",
        &[("key", "value1"), ("key", "value2")],
    ),
    (
        "key1=value1;key2=value2;key1=value3",
        &[("key1", "value1"), ("key2", "value2"), ("key1", "value3")],
    ),
    (r"\;=\;;\\=\;", &[(";", ";"), ("\\", ";")]),
    (r"a\=b=c", &[("a=b", "c")]),
    (
        "shared-secret=rahasia;secrets-file=/tmp/blob",
        &[("shared-secret", "rahasia"), ("secrets-file", "/tmp/blob")],
    ),
    ("rocks=20;height=5.6", &[("rocks", "20"), ("height", "5.6")]),
    // tor never escapes '=' in a value; both decoders keep it (behaviours:
    // `socks-args-equals-in-value`).
    ("k=a=b", &[("k", "a=b")]),
    // Non-ASCII passes through, escaped or not.
    (r"ключ=знач\;ение", &[("ключ", "знач;ение")]),
];

#[test]
fn goptlib_success_vectors_decode_under_both_policies() {
    for policy in BOTH {
        for &(input, expected) in GOPTLIB_SUCCESS {
            let got = socks::parse_with(input, policy)
                .unwrap_or_else(|e| panic!("{policy:?} {input:?}: {e}"));
            assert_eq!(pairs(&got), expected, "{policy:?} {input:?}");
            // Zero-copy exactly when there is nothing to unescape.
            assert_eq!(
                got.is_borrowed(),
                !input.contains('\\'),
                "{policy:?} {input:?}"
            );
            // Bytes and text parse the same.
            assert_eq!(socks::parse_with(input.as_bytes(), policy), Ok(got));
        }
    }
    // parse() is the lenient policy.
    assert_eq!(pairs(&socks::parse("a=b=c").unwrap()), [("a", "b=c")]);
}

/// goptlib's error vectors (`args_test.go` `TestParseClientParameters`; obfs4proxy's
/// `common/socks5/args_test.go` has the same), with the exact variant and offset, plus a few
/// more shapes of the same errors.
const GOPTLIB_ERRORS: &[(&str, Error)] = &[
    ("key", Error::MissingEquals { offset: 3 }),
    (r"key\", Error::TrailingBackslash { offset: 3 }),
    ("=value", Error::EmptyKey { offset: 0 }),
    ("==value", Error::EmptyKey { offset: 0 }),
    ("==key=value", Error::EmptyKey { offset: 0 }),
    (r"key=value\", Error::TrailingBackslash { offset: 9 }),
    (r"a=b;key=value\", Error::TrailingBackslash { offset: 13 }),
    ("a;b=c", Error::MissingEquals { offset: 1 }),
    // An empty item at the start (`;`, `;key=value`) or between two separators (`a=b;;c=d`)
    // is an `EmptyItem` at the offset where the item should have started; only a separator
    // at the very end of a non-empty list is a `TrailingSeparator`.
    (";", Error::EmptyItem { offset: 0 }),
    ("key=value;", Error::TrailingSeparator { offset: 9 }),
    (";key=value", Error::EmptyItem { offset: 0 }),
    (r"key\=value", Error::MissingEquals { offset: 10 }),
    // More of the same.
    ("a=b;;c=d", Error::EmptyItem { offset: 4 }),
    ("a=b;=c", Error::EmptyKey { offset: 4 }),
    ("a=b;c", Error::MissingEquals { offset: 5 }),
    (";;", Error::EmptyItem { offset: 0 }),
    ("a=1;b=2;;", Error::EmptyItem { offset: 8 }),
    (r"\", Error::TrailingBackslash { offset: 0 }),
];

#[test]
fn goptlib_error_vectors_fail_with_exact_variant_and_offset_under_both_policies() {
    for policy in BOTH {
        for (input, expected) in GOPTLIB_ERRORS {
            assert_eq!(
                socks::parse_with(input, policy),
                Err(expected.clone()),
                "{policy:?} {input:?}"
            );
        }
    }
}

/// The decoders disagree on escapes other than `\\ \= \;`. Default: goptlib's
/// (`Config::LENIENT`, any byte may be escaped); `Config::STRICT` is obfs4proxy's (behaviours:
/// `socks-args-unknown-escape`).
#[test]
fn lenient_default_accepts_any_escape_strict_obfs4proxy_rejects() {
    const STRICT_ALLOWED: &str = r"\\ \= \;";
    let cases: &[(&str, Pairs, Error)] = &[
        (
            r"k=a\xb",
            &[("k", "axb")],
            Error::InvalidEscape {
                offset: 3,
                found: b'x',
                allowed: STRICT_ALLOWED,
            },
        ),
        (
            r"k\n=v",
            &[("kn", "v")],
            Error::InvalidEscape {
                offset: 1,
                found: b'n',
                allowed: STRICT_ALLOWED,
            },
        ),
        (
            r"a=1;b=\a",
            &[("a", "1"), ("b", "a")],
            Error::InvalidEscape {
                offset: 6,
                found: b'a',
                allowed: STRICT_ALLOWED,
            },
        ),
        (
            r"k=\ ",
            &[("k", " ")],
            Error::InvalidEscape {
                offset: 2,
                found: b' ',
                allowed: STRICT_ALLOWED,
            },
        ),
        // An escaped multi-byte character is kept whole by the lenient decoder; the strict
        // one reports its first byte.
        (
            r"k=\é",
            &[("k", "é")],
            Error::InvalidEscape {
                offset: 2,
                found: 0xC3,
                allowed: STRICT_ALLOWED,
            },
        ),
    ];
    for (input, lenient, strict) in cases {
        assert_eq!(
            pairs(&socks::parse(input).unwrap()),
            *lenient,
            "lenient {input:?}"
        );
        assert_eq!(
            socks::parse_with(input, Config::STRICT),
            Err(strict.clone()),
            "strict {input:?}"
        );
    }
    assert_eq!(
        Config::default(),
        Config::LENIENT,
        "the documented default policy"
    );
    // The three escapes the strict policy does accept.
    let ok = socks::parse_with(r"k\\\=\;=\\\=\;", Config::STRICT).unwrap();
    assert_eq!(pairs(&ok), [(r"k\=;", r"\=;")]);
}

/// Arguments are bytes: non-UTF-8 input parses; `require_utf8` refuses it with the offset of
/// the first invalid byte.
#[test]
fn require_utf8_reports_invalid_utf8_offset() {
    for policy in BOTH {
        let utf8 = policy.with_require_utf8(true);
        assert_eq!(
            socks::parse_with(b"k=ab\xffc", utf8),
            Err(Error::NotUtf8 { offset: 4 })
        );
        assert_eq!(
            socks::parse_with(b"\xc3", utf8),
            Err(Error::NotUtf8 { offset: 0 })
        );
        let bytes = socks::parse_with(b"k=ab\xffc", policy).unwrap();
        assert_eq!(bytes.get_bytes("k"), Some(&b"ab\xffc"[..]));
        assert_eq!(bytes.get("k"), None);
        assert_eq!(
            socks::parse_with(b"\xc3", policy),
            Err(Error::MissingEquals { offset: 1 })
        );
        assert_eq!(
            pairs(&socks::parse_with("k=é".as_bytes(), utf8).unwrap()),
            [("k", "é")]
        );
        assert_eq!(
            pairs(&socks::parse_with("k=é".as_bytes(), policy).unwrap()),
            [("k", "é")]
        );
    }
}

/// Encoder vectors as `(pairs, Escaping::Spec output, Escaping::Minimal output)`.
/// The spec's example (`pt-spec.txt` section 3.5), tor's escape function (`test_util.c`
/// `test_util_escape_string_socks`, applied to a value), Arti's `proxied.rs`
/// `setting_encoding` (behaviours: `socks-args-escape-set`, `socks-args-equals-in-value`,
/// `socks-args-key-with-equals`).
const ENCODE: &[(Pairs, &str, &str)] = &[
    (&[], "", ""),
    // The spec's example.
    (
        &[("shared-secret", "rahasia"), ("secrets-file", "/tmp/blob")],
        "shared-secret=rahasia;secrets-file=/tmp/blob",
        "shared-secret=rahasia;secrets-file=/tmp/blob",
    ),
    // tor's `test_util_escape_string_socks`: `tor_escape_str_for_pt_args(s, ";\\")` applied
    // to the value.
    (
        &[("k", r"This is a backslash: \")],
        r"k=This is a backslash: \\",
        r"k=This is a backslash: \\",
    ),
    (
        &[("k", "First rule:Do not use ;")],
        r"k=First rule:Do not use \;",
        r"k=First rule:Do not use \;",
    ),
    (&[("k", "")], "k=", "k="),
    (&[("k", r";\;\")], r"k=\;\\\;\\", r"k=\;\\\;\\"),
    (&[("k", ";")], r"k=\;", r"k=\;"),
    // Arti's `setting_encoding`.
    (&[("hello", "world")], "hello=world", "hello=world"),
    (
        &[("hey", "verden"), ("hello", "world"), ("selv", "tak")],
        "hey=verden;hello=world;selv=tak",
        "hey=verden;hello=world;selv=tak",
    ),
    (
        &[("semi;colon", "equals=sign")],
        r"semi\;colon=equals\=sign",
        r"semi\;colon=equals=sign",
    ),
    (
        &[("equals=sign", "semi;colon"), ("also", r"back\slash")],
        r"equals\=sign=semi\;colon;also=back\\slash",
        r"equals\=sign=semi\;colon;also=back\\slash",
    ),
    // '=' in a value: escaped by the spec, sent as-is by tor and Arti (behaviours:
    // `socks-args-equals-in-value`).
    (&[("k", "a=b")], r"k=a\=b", "k=a=b"),
    (&[("k", "=")], r"k=\=", "k=="),
    // Arti refuses a key with '='; we escape it, and goptlib reads `a\=b=c` as key `a=b`
    // (behaviours: `socks-args-key-with-equals`).
    (&[("a=b", "c")], r"a\=b=c", r"a\=b=c"),
    // Order and duplicates are kept.
    (
        &[("k", "2"), ("a", "1"), ("k", "3")],
        "k=2;a=1;k=3",
        "k=2;a=1;k=3",
    ),
    // Non-ASCII is written as-is; ',' and ':' are not special here.
    (&[("ключ", "зн;ач")], r"ключ=зн\;ач", r"ключ=зн\;ач"),
    (
        &[("ice", "stun:a:1,stun:b:2")],
        "ice=stun:a:1,stun:b:2",
        "ice=stun:a:1,stun:b:2",
    ),
];

#[test]
fn encoder_vectors_spec_and_minimal() {
    assert_eq!(
        Escaping::default(),
        Escaping::Spec,
        "the documented default escaping"
    );
    for &(input, spec, minimal) in ENCODE {
        let a = args(input);
        for (escaping, expected) in [(Escaping::Spec, spec), (Escaping::Minimal, minimal)] {
            assert_eq!(
                socks::to_string_with(&a, escaping).as_deref(),
                Ok(expected),
                "{escaping:?} {input:?}"
            );
            assert_eq!(
                socks::encoded_len_with(&a, escaping),
                expected.len(),
                "{escaping:?} {input:?}"
            );
            // encode into a Vec that already holds bytes: it appends and returns only its count.
            let mut out = b"prefix".to_vec();
            assert_eq!(
                socks::encode_with(&a, escaping, &mut out),
                Ok(expected.len())
            );
            assert_eq!(&out[6..], expected.as_bytes());
            // Both decoders read both encodings back.
            for policy in BOTH {
                let back = socks::parse_with(expected, policy).unwrap();
                assert_eq!(back, a, "{escaping:?} {policy:?} {expected:?}");
            }
        }
        // The default functions are the Spec escaping.
        assert_eq!(socks::to_string(&a).as_deref(), Ok(spec));
        assert_eq!(socks::encoded_len(&a), spec.len());
        let mut out = Vec::new();
        assert_eq!(socks::encode(&a, &mut out), Ok(spec.len()));
        assert_eq!(out, spec.as_bytes());
    }
}

#[test]
fn encode_rejects_empty_key_with_its_index_and_writes_nothing() {
    let cases: &[(&[(&str, &str)], usize)] = &[
        (&[("", "v")], 0),
        (&[("a", "b"), ("", "c")], 1),
        (&[("a", "b"), ("c", "d"), ("", ""), ("", "x")], 2),
    ];
    for &(input, index) in cases {
        let a = args(input);
        for escaping in [Escaping::Spec, Escaping::Minimal] {
            let mut out = Vec::new();
            assert_eq!(
                socks::encode_with(&a, escaping, &mut out),
                Err(Error::EncodeEmptyKey { index })
            );
            assert!(out.is_empty(), "nothing written on error");
            assert_eq!(
                socks::to_string_with(&a, escaping),
                Err(Error::EncodeEmptyKey { index })
            );
        }
    }
}

#[test]
fn encode_into_too_small_slice_is_buffer_too_small_and_untouched() {
    let a = args(&[("shared-secret", "x;y"), ("k", "a=b")]);
    for escaping in [Escaping::Spec, Escaping::Minimal] {
        let needed = socks::encoded_len_with(&a, escaping);
        let expected = socks::to_string_with(&a, escaping).unwrap();
        assert_eq!(needed, expected.len());
        for size in [0, 1, needed / 2, needed - 1] {
            let mut storage = vec![0xAA_u8; size];
            let mut buf = &mut storage[..];
            assert_eq!(
                socks::encode_with(&a, escaping, &mut buf),
                Err(Error::BufferTooSmall {
                    needed,
                    available: size
                }),
                "{escaping:?} size {size}"
            );
            assert!(
                storage.iter().all(|&b| b == 0xAA),
                "nothing written on error"
            );
        }
        for size in [needed, needed + 7] {
            let mut storage = vec![0xAA_u8; size];
            let mut buf = &mut storage[..];
            assert_eq!(socks::encode_with(&a, escaping, &mut buf), Ok(needed));
            assert_eq!(
                buf.len(),
                size - needed,
                "the slice advanced by the bytes written"
            );
            assert_eq!(&storage[..needed], expected.as_bytes());
            assert!(storage[needed..].iter().all(|&b| b == 0xAA));
        }
    }
    // A limited BufMut over a growable buffer is bounded too.
    let mut v = Vec::new();
    let mut limited = bytes::BufMut::limit(&mut v, 5);
    assert_eq!(
        socks::encode(&a, &mut limited),
        Err(Error::BufferTooSmall {
            needed: socks::encoded_len(&a),
            available: 5
        })
    );
    assert!(v.is_empty());
    // An empty list needs no room at all.
    let mut empty: [u8; 0] = [];
    assert_eq!(
        socks::encode(&pt_args::Args::new(), &mut &mut empty[..]),
        Ok(0)
    );
}

#[test]
fn error_messages_name_the_offset_and_the_expectation() {
    let e = socks::parse("a=b;c").unwrap_err();
    assert_eq!(
        e.to_string(),
        "missing '=' at byte 5: expected '=' after the key"
    );
    let e = socks::parse_with(r"k=a\xb", Config::STRICT).unwrap_err();
    assert_eq!(
        e.to_string(),
        r"invalid escape at byte 3: expected one of \\ \= \; after '\', found 0x78"
    );
    let e = Error::BufferTooSmall {
        needed: 9,
        available: 2,
    };
    assert_eq!(
        e.to_string(),
        "output buffer too small: need 9 bytes, have 2"
    );
}
