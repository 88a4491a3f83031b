//! `TOR_PT_SERVER_TRANSPORT_OPTIONS` (`pt_args::options`): goptlib's vectors (`args_test.go`
//! `TestParseServerTransportOptions`, `pt_test.go` `TestGetServerBindaddrs`), tor's
//! (`test_pt.c` `test_pt_get_transport_options`), a real torrc and the spec's example
//! (`pt-spec.txt` section 3.2.3).
//!
//! Where the references disagree: the current spec and tor escape `: ; \`; the older spec text
//! (quoted by goptlib) also escapes `=` (behaviours: `server-options-escape-equals`). Pinned
//! choices: the encoder escapes all four (`\ : ; =`, a superset every decoder reads); the
//! default decoder is goptlib's (`Config::LENIENT`: any `\x`, an unescaped `:` or `=` in a value
//! kept; behaviours: `server-options-colon-in-value`); `Config::STRICT` follows the spec text: an
//! unescaped `:` in a value and an invalid transport name are errors (behaviours:
//! `server-options-transport-names`).

mod common;

use common::groups;
use pt_args::Error;
use pt_args::options::{self, Config, ServerTransportOptions};

/// `(transport, key, value)` items to push, as a literal table.
type Items = &'static [(&'static str, &'static str, &'static str)];
type Groups = &'static [(&'static str, &'static [(&'static str, &'static str)])];

/// What tor builds from `ServerTransportOptions gruyere melty=10 hardness=se;ven` and
/// `ServerTransportOptions stnectaire melty=4 hardness=three` (`src/test/test_pt.c`
/// `test_pt_get_transport_options`).
const TOR_ENCODED: &str =
    r"gruyere:melty=10;gruyere:hardness=se\;ven;stnectaire:melty=4;stnectaire:hardness=three";
const TOR_GROUPS: Groups = &[
    ("gruyere", &[("melty", "10"), ("hardness", "se;ven")]),
    ("stnectaire", &[("melty", "4"), ("hardness", "three")]),
];

/// goptlib's `args_test.go` `TestParseServerTransportOptions` successes, tor's encoding, a
/// real torrc and the spec's example; these hold under both policies unless listed in
/// `LENIENT_ONLY`.
const SUCCESS: &[(&str, Groups)] = &[
    ("", &[]),
    ("t:k=v", &[("t", &[("k", "v")])]),
    ("t:k=v=v", &[("t", &[("k", "v=v")])]),
    ("t:k=vv==", &[("t", &[("k", "vv==")])]),
    ("t:k=", &[("t", &[("k", "")])]),
    (
        "t1:k=v1;t2:k=v2;t1:k=v3",
        &[("t1", &[("k", "v1"), ("k", "v3")]), ("t2", &[("k", "v2")])],
    ),
    (
        r"t:k\:1=v;t:k\=2=v;t:k\;3=v;t:k\\4=v",
        &[(
            "t",
            &[("k:1", "v"), ("k=2", "v"), ("k;3", "v"), (r"k\4", "v")],
        )],
    ),
    (
        r"t:k=v\:1;t:k=v\=2;t:k=v\;3;t:k=v\\4",
        &[(
            "t",
            &[("k", "v:1"), ("k", "v=2"), ("k", "v;3"), ("k", r"v\4")],
        )],
    ),
    // Also goptlib's multi-transport case in `pt_test.go` `TestGetServerBindaddrs`.
    (
        "trebuchet:secret=nou;trebuchet:cache=/tmp/cache;ballista:secret=yes",
        &[
            ("trebuchet", &[("secret", "nou"), ("cache", "/tmp/cache")]),
            ("ballista", &[("secret", "yes")]),
        ],
    ),
    // tor's own encoding decodes.
    (TOR_ENCODED, TOR_GROUPS),
    // `ServerTransportOptions front w-min=1 w-max=13 n-client=3000 n-server=3000` from a
    // wfdef user's torrc (GitHub issue websitefingerprinting/wfdef#4), and the spec's example.
    (
        "front:w-min=1;front:w-max=13;front:n-client=3000;front:n-server=3000",
        &[(
            "front",
            &[
                ("w-min", "1"),
                ("w-max", "13"),
                ("n-client", "3000"),
                ("n-server", "3000"),
            ],
        )],
    ),
    (
        "scramblesuit:key=banana;automata:rule=110;automata:depth=3",
        &[
            ("scramblesuit", &[("key", "banana")]),
            ("automata", &[("rule", "110"), ("depth", "3")]),
        ],
    ),
    ("obfs4:iat-mode=1", &[("obfs4", &[("iat-mode", "1")])]),
];

/// goptlib's escaped transport names, the comma pitfall of goptlib's old test and an unescaped
/// `:` in a value: goptlib accepts them; `Config::STRICT` rejects them (`(input, groups, strict
/// error)`; behaviours: `server-options-transport-names`, `server-options-commas-not-separators`,
/// `server-options-colon-in-value`).
const LENIENT_ONLY: &[(&str, Groups, Error)] = &[
    (
        r"t\:1:k=v;t\=2:k=v;t\;3:k=v;t\\4:k=v",
        &[
            ("t:1", &[("k", "v")]),
            ("t=2", &[("k", "v")]),
            ("t;3", &[("k", "v")]),
            (r"t\4", &[("k", "v")]),
        ],
        Error::InvalidTransportName { offset: 1 },
    ),
    // Commas are not separators: this is ONE option of transport alpha (behaviours:
    // `server-options-commas-not-separators`).
    (
        "alpha:k1=v1,beta:k2=v2,gamma:k3=v3",
        &[("alpha", &[("k1", "v1,beta:k2=v2,gamma:k3=v3")])],
        Error::Unescaped {
            offset: 16,
            found: ':',
        },
    ),
    // tor would have sent `t:url=https\://x` (behaviours: `server-options-colon-in-value`).
    (
        "t:url=https://x",
        &[("t", &[("url", "https://x")])],
        Error::Unescaped {
            offset: 11,
            found: ':',
        },
    ),
    (
        "ok:a=1;web-tunnel:k=v",
        &[("ok", &[("a", "1")]), ("web-tunnel", &[("k", "v")])],
        Error::InvalidTransportName { offset: 10 },
    ),
    (
        "4x:k=v",
        &[("4x", &[("k", "v")])],
        Error::InvalidTransportName { offset: 0 },
    ),
    (
        "t:k=a:b",
        &[("t", &[("k", "a:b")])],
        Error::Unescaped {
            offset: 5,
            found: ':',
        },
    ),
];

#[test]
fn success_vectors_under_both_policies() {
    for policy in [Config::LENIENT, Config::STRICT] {
        for &(input, expected) in SUCCESS {
            let got = options::parse_with(input, policy)
                .unwrap_or_else(|e| panic!("{policy:?} {input:?}: {e}"));
            let want: Vec<(&str, Vec<(&str, &str)>)> =
                expected.iter().map(|(t, p)| (*t, p.to_vec())).collect();
            assert_eq!(groups(&got), want, "{policy:?} {input:?}");
            assert_eq!(got.len(), expected.len());
            assert_eq!(got.is_empty(), expected.is_empty());
            assert_eq!(
                got.transports().collect::<Vec<_>>(),
                expected.iter().map(|g| g.0.as_bytes()).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn lenient_default_accepts_strict_rejects() {
    assert_eq!(Config::default(), Config::LENIENT, "the documented default");
    for (input, expected, strict) in LENIENT_ONLY {
        let got = options::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        let want: Vec<(&str, Vec<(&str, &str)>)> =
            expected.iter().map(|(t, p)| (*t, p.to_vec())).collect();
        assert_eq!(groups(&got), want, "{input:?}");
        assert_eq!(
            options::parse_with(input, Config::STRICT).map(|o| o.into_owned()),
            Err(strict.clone()),
            "strict {input:?}"
        );
    }
}

/// goptlib's error vectors (`args_test.go` `TestParseServerTransportOptions`), exact variant
/// and offset, both policies.
#[test]
fn goptlib_error_vectors() {
    let cases: &[(&str, Error)] = &[
        (r"t\", Error::TrailingBackslash { offset: 1 }),
        (":=", Error::EmptyTransport { offset: 0 }),
        ("t:=", Error::EmptyKey { offset: 2 }),
        (":k=", Error::EmptyTransport { offset: 0 }),
        (":=v", Error::EmptyTransport { offset: 0 }),
        ("t:=v", Error::EmptyKey { offset: 2 }),
        (r"t:k\", Error::TrailingBackslash { offset: 3 }),
        ("t:k=v;", Error::TrailingSeparator { offset: 5 }),
        ("abc", Error::MissingColon { offset: 3 }),
        ("t:", Error::EmptyKey { offset: 2 }),
        ("key=value", Error::MissingColon { offset: 3 }),
        ("=value", Error::EmptyTransport { offset: 0 }),
        (r"t:k=v\", Error::TrailingBackslash { offset: 5 }),
        (r"t1:k=v;t2:k=v\", Error::TrailingBackslash { offset: 13 }),
        ("t:=key=value", Error::EmptyKey { offset: 2 }),
        ("t:==key=value", Error::EmptyKey { offset: 2 }),
        ("t:;key=value", Error::EmptyKey { offset: 2 }),
        (r"t:key\=value", Error::MissingEquals { offset: 12 }),
        // More shapes: a missing '=', an empty item, a name cut by ';', a missing name later.
        ("t:k", Error::MissingEquals { offset: 3 }),
        ("t:k;u:k=v", Error::MissingEquals { offset: 3 }),
        ("t:k=v;;u:k=v", Error::EmptyItem { offset: 6 }),
        (";t:k=v", Error::EmptyItem { offset: 0 }),
        ("t;k=v", Error::MissingColon { offset: 1 }),
        ("t:k=v;:k=v", Error::EmptyTransport { offset: 6 }),
        ("t:k=v;u", Error::MissingColon { offset: 7 }),
        // No transport: obfs4proxy 0.0.14 answers this value with `ENV-ERROR
        // TOR_PT_SERVER_TRANSPORT_OPTIONS: "iat-mode=1": no colon in "iat-mode"`.
        ("iat-mode=1", Error::MissingColon { offset: 8 }),
    ];
    for policy in [Config::LENIENT, Config::STRICT] {
        for (input, expected) in cases {
            assert_eq!(
                options::parse_with(input, policy).map(|o| o.into_owned()),
                Err(expected.clone()),
                "{policy:?} {input:?}"
            );
        }
    }
}

/// tor's encoding does not escape `=`; ours does (the older spec text, goptlib's comment).
/// Both decode to the same options (behaviours: `server-options-escape-equals`).
#[test]
fn encoder_matches_tor_except_for_escaping_equals() {
    let mut opts = ServerTransportOptions::new();
    opts.push("gruyere", "melty", "10");
    opts.push("gruyere", "hardness", "se;ven");
    opts.push("stnectaire", "melty", "4");
    opts.push("stnectaire", "hardness", "three");
    // No '=' in any value: byte for byte tor's string.
    assert_eq!(options::to_string(&opts).as_deref(), Ok(TOR_ENCODED));
    assert_eq!(options::parse(TOR_ENCODED).unwrap(), opts);

    let mut eq = ServerTransportOptions::new();
    eq.push("fakes", "equals", "g=h");
    let ours = options::to_string(&eq).unwrap();
    assert_eq!(
        ours, r"fakes:equals=g\=h",
        "we escape '=' (older spec text)"
    );
    let tors = "fakes:equals=g=h";
    for policy in [Config::LENIENT, Config::STRICT] {
        assert_eq!(options::parse_with(&ours, policy).unwrap(), eq);
        assert_eq!(options::parse_with(tors, policy).unwrap(), eq);
    }
}

#[test]
fn encoder_vectors() {
    let cases: &[(Items, &str)] = &[
        (&[], ""),
        (&[("t", "k", "v")], "t:k=v"),
        (&[("t", "k", "")], "t:k="),
        // Every special byte in every position.
        (&[("t:1", "k;2", r"v\3=")], r"t\:1:k\;2=v\\3\="),
        (&[("t", "url", "https://x")], r"t:url=https\://x"),
        // Grouped per transport in order of first appearance, each group in push order.
        (
            &[("t1", "a", "1"), ("t2", "b", "2"), ("t1", "c", "3")],
            "t1:a=1;t1:c=3;t2:b=2",
        ),
        (&[("t", "k", "ключ,é")], "t:k=ключ,é"),
    ];
    for &(input, expected) in cases {
        let mut opts = ServerTransportOptions::new();
        for &(t, k, v) in input {
            opts.push(t, k, v);
        }
        assert_eq!(
            options::to_string(&opts).as_deref(),
            Ok(expected),
            "{input:?}"
        );
        assert_eq!(options::encoded_len(&opts), expected.len(), "{input:?}");
        let mut out = b"X=".to_vec();
        assert_eq!(options::encode(&opts, &mut out), Ok(expected.len()));
        assert_eq!(&out[2..], expected.as_bytes());
        assert_eq!(options::parse(expected).unwrap(), opts, "{expected:?}");
    }
}

#[test]
fn encode_errors_name_the_transport_group() {
    let build = |items: &[(&'static str, &'static str, &'static str)]| {
        let mut o = ServerTransportOptions::new();
        for &(t, k, v) in items {
            o.push(t, k, v);
        }
        o
    };
    let cases: &[(Items, Error)] = &[
        (&[("", "k", "v")], Error::EncodeEmptyKey { index: 0 }),
        (
            &[("a", "k", "v"), ("b", "", "v")],
            Error::EncodeEmptyKey { index: 1 },
        ),
        (
            &[("a", "k", "v"), ("b", "k", "x\0y")],
            Error::Unencodable { index: 1, found: 0 },
        ),
        (
            &[("a\0", "k", "v")],
            Error::Unencodable { index: 0, found: 0 },
        ),
        (
            &[("a", "k\0", "v")],
            Error::Unencodable { index: 0, found: 0 },
        ),
    ];
    for (items, expected) in cases {
        let o = build(items);
        let mut out = Vec::new();
        assert_eq!(
            options::encode(&o, &mut out),
            Err(expected.clone()),
            "{items:?}"
        );
        assert!(out.is_empty());
        assert_eq!(options::to_string(&o), Err(expected.clone()));
    }
}

#[test]
fn encode_into_too_small_slice_is_buffer_too_small_and_untouched() {
    let o = options::parse(TOR_ENCODED).unwrap();
    let needed = options::encoded_len(&o);
    assert_eq!(needed, TOR_ENCODED.len());
    for size in [0, 1, needed - 1] {
        let mut storage = vec![0x33_u8; size];
        assert_eq!(
            options::encode(&o, &mut &mut storage[..]),
            Err(Error::BufferTooSmall {
                needed,
                available: size
            })
        );
        assert!(storage.iter().all(|&b| b == 0x33));
    }
    let mut storage = vec![0u8; needed];
    assert_eq!(options::encode(&o, &mut &mut storage[..]), Ok(needed));
    assert_eq!(storage, TOR_ENCODED.as_bytes());
}

#[test]
fn server_transport_options_accessors() {
    let o = options::parse(TOR_ENCODED).unwrap();
    assert_eq!(o.get("gruyere").unwrap().get("hardness"), Some("se;ven"));
    assert!(
        !o.get("gruyere").unwrap().is_borrowed(),
        "an escaped value is owned"
    );
    assert!(o.get("stnectaire").unwrap().is_borrowed());
    assert_eq!(o.get("pepperjack"), None);
    assert_eq!(
        format!("{o:?}"),
        r#"{"gruyere": [("melty", "10"), ("hardness", "se;ven")], "stnectaire": [("melty", "4"), ("hardness", "three")]}"#
    );
    let owned: ServerTransportOptions<'static> = o.clone().into_owned();
    assert_eq!(owned, o);
    assert!(ServerTransportOptions::new().is_empty());
    assert_eq!(
        ServerTransportOptions::default(),
        ServerTransportOptions::new()
    );
    // An escaped name and its plain spelling are the same transport (lenient).
    let o = options::parse(r"t\x:a=1;tx:b=2").unwrap();
    assert_eq!(groups(&o), [("tx", vec![("a", "1"), ("b", "2")])]);
}
