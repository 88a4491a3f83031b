//! Property tests (proptest, 256 cases each): round trips for every flavour, no panic and
//! consistent results on arbitrary input, prefixes of valid lists, RFC 1929 split/join for
//! every length, and linear-time parsing of large inputs.

mod common;

use std::time::{Duration, Instant};

use proptest::prelude::*;

use pt_args::bridge::{BridgeLine, Fingerprint};
use pt_args::options::{self, ServerTransportOptions};
use pt_args::smethod::{self, Config};
use pt_args::socks::{self, Escaping, Policy};
use pt_args::{Args, Error, TransportName};

/// Characters that matter to some flavour, whitespace, NUL and non-ASCII, plus any `char`.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec![
            '\\', '=', ';', ',', ':', 'a', 'b', 'k', ' ', '\t', '\r', '\n', '\0', 'é', '€', '𝄞',
        ]),
        1 => any::<char>(),
    ]
}

fn text(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), len).prop_map(String::from_iter)
}

/// Like [`text`] without the bytes SMETHOD ARGS cannot carry.
fn smethod_text(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    text(len).prop_map(|s| s.replace([' ', '\t', '\r', '\n', '\0'], ""))
}

/// Pairs with non-empty keys.
fn pair_list() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((text(1..=6), text(0..=8)), 0..=8)
}

fn to_args(pairs: &[(String, String)]) -> Args<'_> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

const SMETHOD_FORBIDDEN: &[u8] = b" \t\r\n\0";
const SMETHOD_CONFIGS: [Config; 4] = [
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

fn transport_name() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,6}"
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`, written out independently of the crate.
fn is_c_identifier(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// SOCKS: parse(encode(x)) == x for both escapings and both policies, any non-empty keys
    /// (Minimal escapes `=` in keys, so keys with `=` round-trip too).
    #[test]
    fn socks_round_trip(pairs in pair_list()) {
        let a = to_args(&pairs);
        for escaping in [Escaping::Spec, Escaping::Minimal] {
            let wire = socks::to_string_with(&a, escaping).unwrap();
            prop_assert_eq!(wire.len(), socks::encoded_len_with(&a, escaping));
            for policy in [Policy::Lenient, Policy::Strict] {
                let back = socks::parse_with(&wire, policy);
                prop_assert_eq!(back.as_ref(), Ok(&a), "{:?} {:?} {:?}", escaping, policy, wire);
                prop_assert_eq!(back.unwrap().is_borrowed(), !wire.contains('\\'));
            }
            // Through RFC 1929 when it fits.
            if wire.len() <= socks::MAX_SOCKS5_ARGS {
                match socks::to_rfc1929(wire.as_bytes()).unwrap() {
                    None => prop_assert!(a.is_empty()),
                    Some(f) => {
                        // A 256-byte string ending in NUL loses that NUL (behaviours:
                        // `rfc1929-nul-password-marker`).
                        let ambiguous = wire.len() == 256 && wire.ends_with('\0');
                        if !ambiguous {
                            let back = socks::parse_rfc1929(f.uname, f.passwd, Policy::Lenient);
                            prop_assert_eq!(back.as_ref(), Ok(&a));
                        }
                    }
                }
            }
        }
        // Spec output is longer than Minimal output by one byte per '=' in a value.
        let spec = socks::to_string(&a).unwrap();
        let minimal = socks::to_string_with(&a, Escaping::Minimal).unwrap();
        let equals_in_values = pairs.iter().map(|(_, v)| v.matches('=').count()).sum::<usize>();
        prop_assert_eq!(spec.len() - minimal.len(), equals_in_values);
    }

    /// SMETHOD ARGS: parse(encode(x)) == x without the bytes it refuses; pt2 mode too when
    /// nothing holds `;`.
    #[test]
    fn smethod_round_trip(pairs in prop::collection::vec((smethod_text(1..=6), smethod_text(0..=8)), 0..=8)) {
        let pairs: Vec<_> = pairs.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        let a = to_args(&pairs);
        let wire = smethod::to_string(&a).unwrap();
        prop_assert_eq!(wire.len(), smethod::encoded_len(&a));
        let has_semicolon = pairs.iter().any(|(k, v)| k.contains(';') || v.contains(';'));
        for config in SMETHOD_CONFIGS {
            if config.pt2_semicolons && has_semicolon {
                continue;
            }
            prop_assert_eq!(smethod::parse_with(&wire, config), Ok(a.clone()), "{:?} {:?}", config, wire);
        }
    }

    /// SMETHOD ARGS: a space, tab, CR, LF or NUL anywhere is `Unencodable` for the first pair
    /// that holds one, naming its first such byte.
    #[test]
    fn smethod_unencodable(pairs in pair_list()) {
        let a = to_args(&pairs);
        let bad = |s: &str| s.bytes().find(|b| SMETHOD_FORBIDDEN.contains(b));
        let expected = pairs
            .iter()
            .enumerate()
            .find_map(|(index, (k, v))| bad(k).or_else(|| bad(v)).map(|found| Error::Unencodable { index, found }));
        let mut out = Vec::new();
        match expected {
            Some(e) => {
                prop_assert_eq!(smethod::encode(&a, &mut out), Err(e));
                prop_assert!(out.is_empty());
            }
            None => {
                let wire = smethod::to_string(&a).unwrap();
                prop_assert_eq!(smethod::parse(&wire), Ok(a));
            }
        }
    }

    /// Server transport options built with push: parse(encode(x)) == x; NUL is Unencodable
    /// for its transport group; with valid names the strict policy reads it too.
    #[test]
    fn options_round_trip(
        items in prop::collection::vec((text(1..=5), text(1..=6), text(0..=8)), 0..=8),
        names in prop::collection::vec(transport_name(), 1..=3),
    ) {
        let mut opts = ServerTransportOptions::new();
        for (t, k, v) in &items {
            opts.push(t.as_str(), k.as_str(), v.as_str());
        }
        let nul_group = opts
            .iter()
            .position(|(t, a)| t.contains('\0') || a.iter().any(|(k, v)| k.contains('\0') || v.contains('\0')));
        match nul_group {
            Some(index) => prop_assert_eq!(options::to_string(&opts), Err(Error::Unencodable { index, found: 0 })),
            None => {
                let wire = options::to_string(&opts).unwrap();
                prop_assert_eq!(wire.len(), options::encoded_len(&opts));
                prop_assert_eq!(options::parse(&wire), Ok(opts.clone()), "{:?}", wire);
            }
        }
        // Valid names, arbitrary keys and values without NUL: both policies.
        let mut valid = ServerTransportOptions::new();
        for (i, (_, k, v)) in items.iter().enumerate() {
            let k = k.replace('\0', "");
            if !k.is_empty() {
                valid.push(names[i % names.len()].as_str(), k, v.replace('\0', ""));
            }
        }
        let wire = options::to_string(&valid).unwrap();
        for policy in [options::Policy::Lenient, options::Policy::Strict] {
            prop_assert_eq!(options::parse_with(&wire, policy), Ok(valid.clone()), "{:?}", wire);
        }
    }

    /// Every prefix of a valid SOCKS list parses or errors without panicking; a prefix that
    /// ends at an item boundary gives exactly the first items, and one that ends just after
    /// the separator is a trailing-separator error at that separator.
    #[test]
    fn socks_prefixes(pairs in pair_list()) {
        let a = to_args(&pairs);
        let wire = socks::to_string(&a).unwrap();
        for end in 0..=wire.len() {
            for policy in [Policy::Lenient, Policy::Strict] {
                let _ = socks::parse_bytes(&wire.as_bytes()[..end], policy);
            }
        }
        for i in 1..pairs.len() {
            let head = to_args(&pairs[..i]);
            let head_wire = socks::to_string(&head).unwrap();
            prop_assert!(wire.starts_with(&head_wire));
            prop_assert_eq!(socks::parse(&head_wire), Ok(head));
            prop_assert_eq!(
                socks::parse(&wire[..head_wire.len() + 1]),
                Err(Error::TrailingSeparator { offset: head_wire.len() })
            );
        }
    }

    /// Every prefix (at character boundaries) of valid SMETHOD and options lists: no panic,
    /// and a successful parse re-encodes to a list that parses the same.
    #[test]
    fn smethod_and_options_prefixes(
        pairs in prop::collection::vec((smethod_text(1..=6), smethod_text(0..=8)), 0..=6),
        items in prop::collection::vec((transport_name(), smethod_text(1..=5), smethod_text(0..=6)), 0..=6),
    ) {
        let pairs: Vec<_> = pairs.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        let wire = smethod::to_string(&to_args(&pairs)).unwrap();
        for end in (0..=wire.len()).filter(|&e| wire.is_char_boundary(e)) {
            for config in SMETHOD_CONFIGS {
                if let Ok(a) = smethod::parse_with(&wire[..end], config) {
                    let again = smethod::to_string(&a).unwrap();
                    prop_assert_eq!(smethod::parse(&again), Ok(a));
                }
            }
        }
        let mut opts = ServerTransportOptions::new();
        for (t, k, v) in items.iter().filter(|(_, k, _)| !k.is_empty()) {
            opts.push(t.as_str(), k.as_str(), v.as_str());
        }
        let wire = options::to_string(&opts).unwrap();
        for end in (0..=wire.len()).filter(|&e| wire.is_char_boundary(e)) {
            for policy in [options::Policy::Lenient, options::Policy::Strict] {
                if let Ok(o) = options::parse_with(&wire[..end], policy) {
                    let again = options::to_string(&o).unwrap();
                    prop_assert_eq!(options::parse(&again), Ok(o));
                }
            }
        }
    }

    /// Arbitrary text into every parser: no panic, and consistent answers (strict accepts
    /// only what lenient accepts, with the same result; what parses re-encodes and re-parses).
    #[test]
    fn arbitrary_text_never_panics(input in prop_oneof![text(0..=40), any::<String>()]) {
        let lenient = socks::parse_with(&input, Policy::Lenient);
        let strict = socks::parse_with(&input, Policy::Strict);
        if let Ok(s) = &strict {
            prop_assert_eq!(lenient.as_ref(), Ok(s));
        }
        if let Ok(a) = &lenient {
            for escaping in [Escaping::Spec, Escaping::Minimal] {
                let wire = socks::to_string_with(a, escaping).unwrap();
                prop_assert_eq!(socks::parse(&wire), Ok(a.clone()));
            }
        }

        for pt2 in [false, true] {
            let l = smethod::parse_with(&input, Config { strict: false, pt2_semicolons: pt2 });
            let s = smethod::parse_with(&input, Config { strict: true, pt2_semicolons: pt2 });
            if let Ok(s) = &s {
                prop_assert_eq!(l.as_ref(), Ok(s));
            }
            if let Ok(a) = &l
                && let Ok(wire) = smethod::to_string(a)
            {
                prop_assert_eq!(smethod::parse(&wire), Ok(a.clone()));
            }
        }

        let l = options::parse_with(&input, options::Policy::Lenient);
        let s = options::parse_with(&input, options::Policy::Strict);
        if let Ok(s) = &s {
            prop_assert_eq!(l.as_ref(), Ok(s));
        }
        if let Ok(o) = &l
            && let Ok(wire) = options::to_string(o)
        {
            prop_assert_eq!(options::parse(&wire), Ok(o.clone()));
        }

        prop_assert_eq!(TransportName::new(&input).is_ok(), is_c_identifier(&input));
        let fp_ok = input.len() == 40 && input.bytes().all(|b| b.is_ascii_hexdigit());
        prop_assert_eq!(Fingerprint::from_hex(&input).is_ok(), fp_ok);
        check_bridge_line(&input)?;
    }

    /// Bridge lines assembled from plausible and implausible tokens: no panic; what parses
    /// has a SOCKS string of at most 510 bytes and prints as a line that parses the same.
    #[test]
    fn bridge_lines_from_tokens(tokens in prop::collection::vec(
        prop_oneof![
            prop::sample::select(vec![
                "Bridge", "obfs4", "snowflake", "meek-lite", "192.0.2.1:80", "192.0.2.1", "[::1]:9",
                "[2001:db8::1]", "localhost:80", "0123456789ABCDEF0123456789ABCDEF01234567",
                "0123 4567", "k=v", "key=", "=x", "=", "x", "k=a=b", r"b=c\d", "s=x;y", "é=ü",
            ]).prop_map(String::from),
            text(0..=6),
        ],
        0..=8,
    ), seps in prop::collection::vec(prop::sample::select(vec![" ", "\t", "  "]), 8)) {
        let mut line = String::new();
        for (i, t) in tokens.iter().enumerate() {
            if i > 0 {
                line.push_str(seps[i]);
            }
            line.push_str(t);
        }
        check_bridge_line(&line)?;
    }

    /// Arbitrary bytes: parse_bytes reports exactly where UTF-8 breaks, and parse_rfc1929 with
    /// any split agrees with parsing the joined bytes.
    #[test]
    fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..=64), cut in any::<prop::sample::Index>()) {
        for policy in [Policy::Lenient, Policy::Strict] {
            let got = socks::parse_bytes(&input, policy);
            match std::str::from_utf8(&input) {
                Ok(s) => prop_assert_eq!(got, socks::parse_with(s, policy)),
                Err(e) => prop_assert_eq!(got, Err(Error::NotUtf8 { offset: e.valid_up_to() })),
            }
            let at = cut.index(input.len() + 1);
            let (uname, passwd) = input.split_at(at);
            let joined = socks::parse_rfc1929(uname, passwd, policy);
            if passwd == b"\0" || passwd.is_empty() {
                prop_assert_eq!(joined, socks::parse_bytes(uname, policy));
            } else {
                prop_assert_eq!(joined, socks::parse_bytes(&input, policy));
            }
        }
        let _ = socks::to_rfc1929(&input);
    }
}

proptest! {
    // Each case checks all 511 lengths, so fewer cases.
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// RFC 1929 split then join returns the original for every length 0..=510 (except the one
    /// ambiguous case; behaviours: `rfc1929-nul-password-marker`), and every length above 510
    /// is refused.
    #[test]
    fn rfc1929_split_join_every_length(data in prop::collection::vec(prop_oneof![Just(0u8), Just(b'\\'), any::<u8>()], 512)) {
        for len in 0..=socks::MAX_SOCKS5_ARGS {
            let input = &data[..len];
            match socks::to_rfc1929(input).unwrap() {
                None => prop_assert_eq!(len, 0),
                Some(f) => {
                    prop_assert!(len > 0);
                    prop_assert_eq!(f.uname, &input[..len.min(255)]);
                    prop_assert!(!f.passwd.is_empty() && f.passwd.len() <= 255);
                    if len <= 255 {
                        prop_assert_eq!(f.passwd, b"\0");
                    } else {
                        prop_assert_eq!(f.passwd, &input[255..]);
                    }
                    let joined = socks::from_rfc1929(f.uname, f.passwd);
                    if len == 256 && input[255] == 0 {
                        prop_assert_eq!(&*joined, &input[..255], "PASSWD 00 means no password");
                    } else {
                        prop_assert_eq!(&*joined, input, "len {}", len);
                    }
                }
            }
        }
        for len in [511, 512] {
            prop_assert_eq!(socks::to_rfc1929(&data[..len]), Err(Error::TooLong { len, max: 510 }));
        }
    }
}

/// Parses a bridge line and checks what a successful parse promises.
fn check_bridge_line(line: &str) -> Result<(), TestCaseError> {
    let Ok(parsed) = BridgeLine::parse(line) else {
        return Ok(());
    };
    let wire = parsed.socks_args().unwrap();
    prop_assert!(wire.len() <= socks::MAX_SOCKS5_ARGS);
    prop_assert_eq!(wire.len(), parsed.socks_args_len());
    prop_assert_eq!(socks::parse(&wire), Ok(parsed.args().clone()));
    for (k, v) in parsed.args() {
        prop_assert!(!k.is_empty() && !k.contains('=') && !k.contains([' ', '\t']));
        prop_assert!(!v.contains([' ', '\t']));
    }
    // A transport literally named "Bridge" prints as the keyword; leave that case out.
    if parsed.transport().is_some_and(|t| t.as_str() == "Bridge") {
        return Ok(());
    }
    let shown = parsed.to_string();
    prop_assert_eq!(
        BridgeLine::parse(&shown),
        Ok(parsed),
        "{:?} -> {:?}",
        line,
        shown
    );
    Ok(())
}

#[cfg(feature = "arbitrary")]
proptest! {
    /// `Args`' `Arbitrary` impl (used by the fuzz targets) only makes encodable lists.
    #[test]
    fn arbitrary_args_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..=256)) {
        use arbitrary::{Arbitrary, Unstructured};
        let mut u = Unstructured::new(&bytes);
        if let Ok(a) = Args::arbitrary(&mut u) {
            for escaping in [Escaping::Spec, Escaping::Minimal] {
                let wire = socks::to_string_with(&a, escaping).unwrap();
                prop_assert_eq!(socks::parse(&wire), Ok(a.clone()));
            }
        }
        let mut u = Unstructured::new(&bytes);
        if let Ok(name) = TransportName::arbitrary(&mut u) {
            prop_assert!(is_c_identifier(name.as_str()));
        }
    }
}

/// Runs `parse` on `input` and fails if it takes more than a generous bound: a quadratic
/// parser takes minutes on these inputs, a linear one milliseconds. Not a performance claim.
fn linear<'a, T>(what: &str, input: &'a str, parse: impl FnOnce(&'a str) -> T) -> T {
    const BOUND: Duration = Duration::from_secs(10);
    assert!(input.len() >= 1_000_000, "{what}: the input is about 1 MB");
    let start = Instant::now();
    let out = parse(input);
    let took = start.elapsed();
    assert!(took < BOUND, "{what}: {} bytes took {took:?}", input.len());
    out
}

#[test]
fn large_inputs_parse_in_linear_time() {
    const N: usize = 500_000;
    // One value of 500k escaped backslashes, in every flavour and policy.
    let pairs = format!("k={}", r"\\".repeat(N));
    let want = "\\".repeat(N);
    for policy in [Policy::Lenient, Policy::Strict] {
        let a = linear("socks backslashes", &pairs, |s| {
            socks::parse_with(s, policy)
        })
        .unwrap();
        assert_eq!(a.get("k"), Some(want.as_str()));
    }
    for config in [SMETHOD_CONFIGS[0], SMETHOD_CONFIGS[3]] {
        let a = linear("smethod backslashes", &pairs, |s| {
            smethod::parse_with(s, config)
        })
        .unwrap();
        assert_eq!(a.get("k"), Some(want.as_str()));
    }
    let opts = format!("t:{pairs}");
    for policy in [options::Policy::Lenient, options::Policy::Strict] {
        let o = linear("options backslashes", &opts, |s| {
            options::parse_with(s, policy)
        })
        .unwrap();
        assert_eq!(o.get("t").and_then(|a| a.get("k")), Some(want.as_str()));
    }
    // A key of backslashes with no '=' (the error is found at the very end).
    let key = r"\\".repeat(N);
    let e = linear("socks key without =", &key, socks::parse).unwrap_err();
    assert_eq!(e, Error::MissingEquals { offset: 2 * N });
    // A trailing lone backslash after 1 MB.
    let trailing = format!("k={}\\", "a".repeat(1_000_000));
    let e = linear("socks trailing backslash", &trailing, socks::parse).unwrap_err();
    assert_eq!(e, Error::TrailingBackslash { offset: 1_000_002 });
}

#[test]
fn many_items_parse_in_linear_time() {
    const ITEMS: usize = 250_000;
    let ok_list = vec!["a=b"; ITEMS + 100].join(";");
    assert_eq!(
        linear("socks many items", &ok_list, socks::parse)
            .unwrap()
            .len(),
        ITEMS + 100
    );
    let smethod_list = vec!["a=b"; ITEMS + 100].join(",");
    assert_eq!(
        linear("smethod many items", &smethod_list, smethod::parse)
            .unwrap()
            .len(),
        ITEMS + 100
    );

    // Server transport options: many items of one transport, and many distinct transports
    // (the grouping must not search every group for every item).
    let same = vec!["t:a=b"; ITEMS].join(";");
    let o = linear("options one transport", &same, options::parse).unwrap();
    assert_eq!(o.get("t").map(Args::len), Some(ITEMS));
    let distinct = (0..100_000)
        .map(|i| format!("t{i}:k=v"))
        .collect::<Vec<_>>()
        .join(";");
    let o = linear("options distinct transports", &distinct, options::parse).unwrap();
    assert_eq!(o.len(), 100_000);
    assert_eq!(o.transports().nth(99_999), Some("t99999"));

    // Bridge lines: 1 MB of k=v items (too long, but it must say so quickly), and a
    // transport-less line whose "fingerprint" is 1 MB of spaced hex.
    let items = vec!["k=v"; ITEMS].join(" ");
    let line = format!("obfs4 192.0.2.1:80 {items}");
    let e = linear("bridge many items", &line, BridgeLine::parse).unwrap_err();
    assert_eq!(
        e,
        Error::TooLong {
            len: 4 * ITEMS - 1,
            max: 510
        }
    );
    let spaced = vec!["0123"; ITEMS].join(" ");
    let line = format!("192.0.2.1:80 {spaced}");
    let e = linear("bridge long fingerprint", &line, BridgeLine::parse).unwrap_err();
    assert_eq!(e, Error::InvalidFingerprint { offset: 13 });
}
