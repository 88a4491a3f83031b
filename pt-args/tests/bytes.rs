//! Arguments are bytes (issue 7, point 1): tor passes a bridge line's arguments to the PT
//! unchanged, whatever the bytes, so a PT built on this crate must accept what a
//! goptlib-based PT accepts. The `&str` accessors give text where the bytes are UTF-8;
//! `require_utf8` in every config refuses what is not; the text encoders say `NotUtf8`.

mod common;

use common::pairs;
use pt_args::bridge::{BridgeLine, Fingerprint};
use pt_args::options::{self, ServerTransportOptions};
use pt_args::{Args, Error, smethod, socks};

/// `(key, value)` byte pairs, as a literal table.
type BytePairs = &'static [(&'static [u8], &'static [u8])];

const FP: &str = "0123456789ABCDEF0123456789ABCDEF01234567";

/// The line of issue 7 with `k=<value>` after the fingerprint.
fn line_with(args: &[u8]) -> Vec<u8> {
    let mut line = format!("Bridge t5 127.0.0.1:1 {FP} ").into_bytes();
    line.extend_from_slice(args);
    line
}

/// What tor sent the PT for two bridge lines with non-UTF-8 arguments (issue 7: tor 0.4.9
/// writes a bridge line's arguments into UNAME as they are): a Latin-1 `é`, and invalid
/// UTF-8 in a value and in a key.
#[test]
fn bridge_line_bytes_reach_the_pt_as_tor_sends_them() {
    let cases: &[(&[u8], &[u8], BytePairs)] = &[
        (
            b"k=caf\xe9",
            &[0x6b, 0x3d, 0x63, 0x61, 0x66, 0xe9],
            &[(b"k", b"caf\xe9")],
        ),
        (
            b"k=\xff\xfe x\xff=1",
            &[0x6b, 0x3d, 0xff, 0xfe, 0x3b, 0x78, 0xff, 0x3d, 0x31],
            &[(b"k", b"\xff\xfe"), (b"x\xff", b"1")],
        ),
    ];
    for &(items, uname, want) in cases {
        let text = line_with(items);
        let line = BridgeLine::parse(&text).unwrap_or_else(|e| panic!("{items:?}: {e}"));
        assert_eq!(line.transport().map(|t| t.as_str()), Some("t5"));
        assert_eq!(
            line.fingerprint().map(|f| f.to_string()).as_deref(),
            Some(FP)
        );
        assert_eq!(line.args().iter().collect::<Vec<_>>(), want);
        assert!(line.args().is_borrowed());
        assert!(!line.args().is_utf8());
        // The SOCKS string is tor's UNAME, byte for byte, with the NUL password.
        let wire = line.socks_args();
        assert_eq!(wire, uname);
        assert_eq!(line.socks_args_len(), uname.len());
        let mut buf = Vec::new();
        assert_eq!(line.encode_socks_args(&mut buf), Ok(uname.len()));
        assert_eq!(buf, uname);
        let f = socks::to_rfc1929(&wire).unwrap().unwrap();
        assert_eq!((f.uname, f.passwd), (uname, &b"\0"[..]));
        // The PT reads the arguments back, in every config that does not demand UTF-8.
        for config in [socks::Config::LENIENT, socks::Config::STRICT] {
            let back = socks::parse_rfc1929(f.uname, f.passwd, config).unwrap();
            assert_eq!(&back, line.args(), "{config:?}");
            assert!(back.is_borrowed());
            let utf8 = config.with_require_utf8(true);
            let offset = std::str::from_utf8(uname).unwrap_err().valid_up_to();
            assert_eq!(
                socks::parse_rfc1929(f.uname, f.passwd, utf8),
                Err(Error::NotUtf8 { offset })
            );
        }
        // The exact line bytes parse back; Display is lossy (U+FFFD), so it does not.
        let exact = line.to_vec();
        assert_eq!(BridgeLine::parse(&exact).unwrap(), line);
        assert_eq!(
            exact,
            format!("t5 127.0.0.1:1 {FP} ")
                .into_bytes()
                .into_iter()
                .chain(items.iter().copied())
                .collect::<Vec<_>>()
        );
        let shown = line.to_string();
        assert!(shown.contains('\u{FFFD}'), "{shown:?}");
        assert!(shown.starts_with(&format!("t5 127.0.0.1:1 {FP} ")));
    }
    // The Latin-1 value, as the PT's code sees it.
    let text = line_with(b"k=caf\xe9");
    let line = BridgeLine::parse(&text).unwrap();
    let args = socks::parse(&line.socks_args()).unwrap().into_owned();
    assert_eq!(args.get("k"), None, "not UTF-8");
    assert_eq!(args.get_bytes("k"), Some(&b"caf\xe9"[..]));
    assert!(args.contains_key("k"));
}

#[test]
fn every_flavour_parses_bytes_and_require_utf8_refuses_them() {
    // SOCKS.
    for config in [socks::Config::LENIENT, socks::Config::STRICT] {
        let a = socks::parse_with(b"k=caf\xe9;\xff=\xfe;t=text", config).unwrap();
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            [
                (&b"k"[..], &b"caf\xe9"[..]),
                (b"\xff", b"\xfe"),
                (b"t", b"text")
            ]
        );
        assert_eq!(a.get("k"), None);
        assert_eq!(a.get_bytes("k"), Some(&b"caf\xe9"[..]));
        assert_eq!(a.get(b"\xff"), None);
        assert_eq!(a.get_bytes(b"\xff"), Some(&b"\xfe"[..]));
        assert_eq!(a.get("t"), Some("text"));
        assert_eq!(a.get("absent"), None);
        assert_eq!(a.get_bytes("absent"), None);
        assert!(a.is_borrowed());
        assert_eq!(
            socks::parse_with(b"k=caf\xe9;\xff=\xfe", config.with_require_utf8(true)),
            Err(Error::NotUtf8 { offset: 5 })
        );
        // An escaped non-UTF-8 byte: the lenient decoder unescapes it, strict refuses it.
        let escaped = socks::parse_with(b"k=a\\\xe9", config);
        if config.strict {
            assert!(matches!(
                escaped,
                Err(Error::InvalidEscape {
                    offset: 3,
                    found: 0xe9,
                    ..
                })
            ));
        } else {
            assert_eq!(escaped.unwrap().get_bytes("k"), Some(&b"a\xe9"[..]));
        }
    }
    // SMETHOD ARGS.
    for config in [
        smethod::Config::LENIENT,
        smethod::Config::STRICT,
        smethod::Config::LENIENT.with_pt2_semicolons(true),
    ] {
        let a = smethod::parse_with(b"cert=\x80\x81,iat-mode=0", config).unwrap();
        assert_eq!(a.get_bytes("cert"), Some(&b"\x80\x81"[..]));
        assert_eq!(a.get("iat-mode"), Some("0"));
        assert_eq!(
            smethod::parse_with(b"cert=\x80\x81,iat-mode=0", config.with_require_utf8(true)),
            Err(Error::NotUtf8 { offset: 5 })
        );
    }
    // Server transport options: names are bytes too (lenient; strict wants C identifiers).
    let o = options::parse(b"t\xe9:k=v;obfs4:cert=\xff").unwrap();
    assert_eq!(
        o.transports().collect::<Vec<_>>(),
        [&b"t\xe9"[..], b"obfs4"]
    );
    assert_eq!(o.get(b"t\xe9").and_then(|a| a.get("k")), Some("v"));
    assert_eq!(
        o.get("obfs4").and_then(|a| a.get_bytes("cert")),
        Some(&b"\xff"[..])
    );
    assert_eq!(o.get("obfs4").and_then(|a| a.get("cert")), None);
    let (name, args) = o.iter().next().unwrap();
    assert_eq!((name, args.len()), (&b"t\xe9"[..], 1));
    assert_eq!(
        options::parse_with(
            b"obfs4:cert=\xff",
            options::Config::LENIENT.with_require_utf8(true)
        ),
        Err(Error::NotUtf8 { offset: 11 })
    );
    assert_eq!(
        options::parse_with(b"t\xe9:k=v", options::Config::STRICT),
        Err(Error::InvalidTransportName { offset: 1 })
    );
    assert!(options::parse_with(b"obfs4:cert=\xff", options::Config::STRICT).is_ok());
    // UTF-8 is checked before anything else: the first invalid byte, not the first error.
    assert_eq!(
        socks::parse_with(b"=;\xc3", socks::Config::LENIENT.with_require_utf8(true)),
        Err(Error::NotUtf8 { offset: 2 })
    );
    // A truncated character is invalid at its first byte.
    assert_eq!(
        socks::parse_with(
            "k=€".as_bytes()[..4].to_vec().as_slice(),
            socks::Config::STRICT.with_require_utf8(true)
        ),
        Err(Error::NotUtf8 { offset: 2 })
    );
}

#[test]
fn text_accessors_on_bytes() {
    let mut a = Args::new();
    a.push("k", "1");
    a.push("k", b"\xff");
    a.push(b"\xfe", "x");
    a.push("k", String::from("3"));
    a.push(vec![b'v'], [b'\xe9']);
    assert_eq!(a.len(), 5);
    assert!(!a.is_borrowed());
    assert!(!a.is_utf8());
    assert_eq!(a.get("k"), Some("1"));
    assert_eq!(
        a.get_all("k").collect::<Vec<_>>(),
        ["1", "3"],
        "skips non-UTF-8"
    );
    assert_eq!(
        a.get_all_bytes("k").collect::<Vec<_>>(),
        [&b"1"[..], b"\xff", b"3"]
    );
    assert_eq!(a.get(b"\xfe"), Some("x"));
    assert!(a.contains_key(b"\xfe"));
    assert_eq!(a.get("v"), None);
    assert_eq!(a.get_bytes("v"), Some(&b"\xe9"[..]));
    // iter_str: text where it can, PairNotUtf8 with the pair's index where it cannot.
    let text: Vec<Result<(&str, &str), Error>> = a.iter_str().collect();
    assert_eq!(
        text,
        [
            Ok(("k", "1")),
            Err(Error::PairNotUtf8 { index: 1 }),
            Err(Error::PairNotUtf8 { index: 2 }),
            Ok(("k", "3")),
            Err(Error::PairNotUtf8 { index: 4 }),
        ]
    );
    assert_eq!(
        a.iter_str().collect::<Result<Vec<_>, _>>(),
        Err(Error::PairNotUtf8 { index: 1 })
    );
    assert_eq!(Error::PairNotUtf8 { index: 1 }.index(), Some(1));
    assert_eq!(
        Error::PairNotUtf8 { index: 1 }.to_string(),
        "pair 1 is not UTF-8"
    );
    // Debug shows the bytes that are not UTF-8 as escapes.
    assert_eq!(
        format!("{a:?}"),
        r#"[("k", "1"), ("k", "\xff"), ("\xfe", "x"), ("k", "3"), ("v", "\xe9")]"#
    );
    // Text pairs are text.
    let t = socks::parse("a=1;b=é").unwrap();
    assert!(t.is_utf8());
    assert_eq!(pairs(&t), [("a", "1"), ("b", "é")]);
    // into_owned keeps the bytes.
    let owned = socks::parse(b"k=\xff\\;").unwrap().into_owned();
    assert_eq!(owned.get_bytes("k"), Some(&b"\xff;"[..]));
}

/// The text encoders say `NotUtf8` (at the first invalid byte of the output) for arguments
/// that are not text, never an empty or lossy string; the byte encoders carry them.
#[test]
fn to_string_of_bytes_is_not_utf8() {
    let a: Args<'_> = [(&b"a"[..], &b"1"[..]), (b"k", b"caf\xe9")]
        .into_iter()
        .collect();
    // "a=1;k=caf" is 9 bytes.
    for escaping in [socks::Escaping::Spec, socks::Escaping::Minimal] {
        assert_eq!(
            socks::to_string_with(&a, escaping),
            Err(Error::NotUtf8 { offset: 9 })
        );
        assert_eq!(
            socks::to_vec_with(&a, escaping).as_deref(),
            Ok(&b"a=1;k=caf\xe9"[..])
        );
    }
    assert_eq!(socks::to_string(&a), Err(Error::NotUtf8 { offset: 9 }));
    assert_eq!(socks::to_vec(&a).as_deref(), Ok(&b"a=1;k=caf\xe9"[..]));
    assert_eq!(smethod::to_string(&a), Err(Error::NotUtf8 { offset: 9 }));
    assert_eq!(smethod::to_vec(&a).as_deref(), Ok(&b"a=1,k=caf\xe9"[..]));
    assert_eq!(socks::parse(&socks::to_vec(&a).unwrap()).unwrap(), a);
    assert_eq!(smethod::parse(&smethod::to_vec(&a).unwrap()).unwrap(), a);

    let mut o = ServerTransportOptions::new();
    o.push("t", "a", "1");
    o.push(b"u\xff", "k", "v");
    // "t:a=1;u" is 7 bytes.
    assert_eq!(options::to_string(&o), Err(Error::NotUtf8 { offset: 7 }));
    let wire = options::to_vec(&o).unwrap();
    assert_eq!(wire, b"t:a=1;u\xff:k=v");
    assert_eq!(options::parse(&wire).unwrap(), o);
    // A non-UTF-8 byte split by escaping: still the offset of the first invalid byte.
    let split: Args<'_> = [(&b"k"[..], &b"\xc3;"[..])].into_iter().collect();
    assert_eq!(socks::to_vec(&split).as_deref(), Ok(&b"k=\xc3\\;"[..]));
    assert_eq!(socks::to_string(&split), Err(Error::NotUtf8 { offset: 2 }));
}

#[test]
fn fingerprints_from_bytes() {
    let fp = Fingerprint::from_hex(FP.as_bytes()).unwrap();
    assert_eq!(Fingerprint::from_hex(FP), Ok(fp));
    assert_eq!(Fingerprint::from_hex(String::from(FP)), Ok(fp));
    let mut bad = FP.as_bytes().to_vec();
    bad[7] = 0xff;
    assert_eq!(
        Fingerprint::from_hex(&bad),
        Err(Error::InvalidFingerprint { offset: 7 })
    );
    // A non-UTF-8 fingerprint item in a bridge line.
    let mut line = b"t5 127.0.0.1:1 ".to_vec();
    line.extend_from_slice(&bad);
    assert_eq!(
        BridgeLine::parse(&line),
        Err(Error::InvalidFingerprint { offset: 15 })
    );
    // A non-UTF-8 first item is not a transport name; it is read as the address.
    assert_eq!(
        BridgeLine::parse(b"t\xe9 127.0.0.1:1"),
        Err(Error::InvalidAddress { offset: 0 })
    );
}

#[cfg(feature = "serde")]
mod serde_round_trips {
    use super::*;

    /// `Args` serializes as a list of `[key, value]` pairs: a string where the bytes are
    /// UTF-8, else a byte array (a JSON list of numbers), and reads both back.
    #[test]
    fn non_utf8_args_round_trip_through_json() {
        let a: Args<'_> = [
            (&b"k"[..], &b"caf\xe9"[..]),
            (b"\xff", b"x"),
            (b"t", b"text"),
            (b"k", b""),
        ]
        .into_iter()
        .collect();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"[["k",[99,97,102,233]],[[255],"x"],["t","text"],["k",""]]"#
        );
        let back: Args<'static> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        // A parsed, borrowed list and an owned one serialize alike.
        let parsed = socks::parse(b"k=caf\xe9;\xff=x;t=text;k=").unwrap();
        assert!(parsed.is_borrowed());
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        // Strings, byte arrays and mixes are all accepted on input.
        let mixed: Args<'static> =
            serde_json::from_str(r#"[[[107],"caf\u00e9"],["k",[]]]"#).unwrap();
        assert_eq!(
            mixed.iter().collect::<Vec<_>>(),
            [(&b"k"[..], "café".as_bytes()), (b"k", b"")]
        );
        let empty: Args<'static> = serde_json::from_str("[]").unwrap();
        assert!(empty.is_empty());
        assert!(serde_json::from_str::<Args<'static>>(r#"[["k",[256]]]"#).is_err());
        assert!(serde_json::from_str::<Args<'static>>(r#"[["k"]]"#).is_err());
    }

    /// Each flavour's `Config` round-trips, and a missing field takes its default.
    #[test]
    fn configs_round_trip_through_json() {
        for c in [
            socks::Config::LENIENT,
            socks::Config::STRICT,
            socks::Config::STRICT.with_require_utf8(true),
            socks::Config::LENIENT.with_require_utf8(true),
        ] {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(
                serde_json::from_str::<socks::Config>(&json).unwrap(),
                c,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&socks::Config::STRICT).unwrap(),
            r#"{"strict":true,"require_utf8":false}"#
        );
        for c in [
            smethod::Config::LENIENT,
            smethod::Config::STRICT,
            smethod::Config::LENIENT.with_pt2_semicolons(true),
            smethod::Config::STRICT
                .with_pt2_semicolons(true)
                .with_require_utf8(true),
        ] {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(
                serde_json::from_str::<smethod::Config>(&json).unwrap(),
                c,
                "{json}"
            );
        }
        for c in [
            options::Config::LENIENT,
            options::Config::STRICT,
            options::Config::LENIENT.with_require_utf8(true),
        ] {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(
                serde_json::from_str::<options::Config>(&json).unwrap(),
                c,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::from_str::<socks::Config>("{}").unwrap(),
            socks::Config::LENIENT
        );
        assert_eq!(
            serde_json::from_str::<smethod::Config>(r#"{"pt2_semicolons":true}"#).unwrap(),
            smethod::Config::LENIENT.with_pt2_semicolons(true)
        );
        assert_eq!(
            serde_json::from_str::<options::Config>(r#"{"strict":true}"#).unwrap(),
            options::Config::STRICT
        );
    }
}
