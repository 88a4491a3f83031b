//! torrc `Bridge` lines (`pt_args::bridge`): tor's `k=v` item rule and 510-byte limit
//! (behaviours: `bridge-line-key-value-items`, `bridge-socks-args-510`) on real bridge lines:
//! Tor Browser's built-in obfs4, snowflake and meek_lite bridges (tor-browser-build,
//! `projects/tor-expert-bundle/pt_config.json`) and a webtunnel line. The SOCKS string is tor's
//! (`Escaping::Minimal`: `\` and `;` escaped, `=` not), split for RFC 1929 with
//! `socks::to_rfc1929`.

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use common::{OBFS4_BRIDGE, SNOWFLAKE_BRIDGE, pairs};
use pt_args::Error;
use pt_args::bridge::{BridgeLine, DEFAULT_PORT, Fingerprint};
use pt_args::socks::{self, Config, Escaping};

const OBFS4_CERT: &str = "2uplIpLQ0q9+0qMFrK5pkaYRDOe460LL9WHBvatgkuRr/SL31wBOEupaMMJ6koRE6Ld0ew";

const SNOWFLAKE_ICE: &str = "stun:stun.antisip.com:3478,stun:stun.epygi.com:3478,stun:stun.uls.co.za:3478,\
stun:stun.voipgate.com:3478,stun:stun.mixvoip.com:3478,stun:stun.nextcloud.com:3478,\
stun:stun.bethesda.net:3478,stun:stun.nextcloud.com:443";

/// A webtunnel bridge line as third-party launchers ship it among their built-in bridges, on
/// an IPv6 placeholder address (2001:db8::/32).
const WEBTUNNEL_BRIDGE: &str = "webtunnel [2001:db8:9443:367a:3276:1e74:91c3:7a5a]:443 \
    54BF1146B161573185FBA0299B0DC3A8F7D08080 \
    url=https://d3pyjtpvxs6z0u.cloudfront.net/Exei6xoh1aev8fiethee ver=0.0.1";

/// meek_lite, Tor Browser's former built-in meek bridge (`pt_config.json`).
const MEEK_LITE_BRIDGE: &str = "meek_lite 192.0.2.18:80 BE776A53492E1E044A26F17306E1BC46A55A1625 \
    url=https://meek.azureedge.net/ front=ajax.aspnetcdn.com";

/// Checks what a PT does with the line's SOCKS string: split as tor does, rejoin, parse with
/// both policies, and get the line's arguments back.
fn pt_reads_back(line: &BridgeLine<'_>) {
    let wire = line.socks_args();
    assert_eq!(wire.len(), line.socks_args_len());
    let mut buf = Vec::new();
    assert_eq!(line.encode_socks_args(&mut buf), Ok(wire.len()));
    assert_eq!(buf, wire);
    assert_eq!(
        socks::to_vec_with(line.args(), Escaping::Minimal).as_deref(),
        Ok(&*wire)
    );
    match socks::to_rfc1929(&wire).unwrap() {
        None => assert!(line.args().is_empty()),
        Some(f) => {
            for policy in [Config::LENIENT, Config::STRICT] {
                let back = socks::parse_rfc1929(f.uname, f.passwd, policy).unwrap();
                assert_eq!(&back, line.args(), "{policy:?}");
            }
        }
    }
    // SOCKS4 carries the whole string in USERID.
    let back = socks::parse_with(&wire, Config::LENIENT).unwrap();
    assert_eq!(&back, line.args());
}

#[test]
fn obfs4_86_byte_socks_string_fits_in_uname() {
    let line = BridgeLine::parse(OBFS4_BRIDGE).unwrap();
    assert_eq!(line.transport().map(|t| t.as_str()), Some("obfs4"));
    assert_eq!(line.addr(), SocketAddr::from(([51, 222, 13, 177], 80)));
    assert_eq!(
        line.fingerprint().map(|f| f.to_string()).as_deref(),
        Some("5EDAC3B810E12B01F6FD8050D2FD3E277B289A08")
    );
    assert_eq!(
        pairs(line.args()),
        [("cert", OBFS4_CERT), ("iat-mode", "0")]
    );
    assert!(line.args().is_borrowed());
    assert_eq!(OBFS4_CERT.len(), 70);
    let wire = line.socks_args();
    assert_eq!(wire, format!("cert={OBFS4_CERT};iat-mode=0").into_bytes());
    assert_eq!(wire.len(), 86);
    let f = socks::to_rfc1929(&wire).unwrap().unwrap();
    assert_eq!(f.uname, &wire[..]);
    assert_eq!(f.passwd, b"\0");
    // Nothing to unescape: the PT's parse borrows UNAME.
    let back = socks::parse_rfc1929(f.uname, f.passwd, Config::STRICT).unwrap();
    assert!(back.is_borrowed());
    pt_reads_back(&line);
}

#[test]
fn snowflake_384_bytes_split_inside_stun_mixvo() {
    let line = BridgeLine::parse(SNOWFLAKE_BRIDGE).unwrap();
    assert_eq!(line.transport().map(|t| t.as_str()), Some("snowflake"));
    assert_eq!(line.addr(), SocketAddr::from(([192, 0, 2, 3], 80)));
    assert_eq!(
        pairs(line.args()),
        [
            ("fingerprint", "2B280B23E1107BB62ABFC40DDCC8824814F80A72"),
            ("url", "https://1098762253.rsc.cdn77.org/"),
            ("fronts", "www.cdn77.com,www.phpmyadmin.net"),
            ("ice", SNOWFLAKE_ICE),
            ("utls-imitate", "hellorandomizedalpn"),
        ]
    );
    let wire = line.socks_args();
    assert_eq!(
        wire,
        format!(
            "fingerprint=2B280B23E1107BB62ABFC40DDCC8824814F80A72;\
             url=https://1098762253.rsc.cdn77.org/;fronts=www.cdn77.com,www.phpmyadmin.net;\
             ice={SNOWFLAKE_ICE};utls-imitate=hellorandomizedalpn"
        )
        .into_bytes()
    );
    assert_eq!(wire.len(), 384);
    let f = socks::to_rfc1929(&wire).unwrap().unwrap();
    assert_eq!(f.uname.len(), 255);
    assert_eq!(f.passwd.len(), 129);
    assert!(
        f.uname.ends_with(b"stun:stun.mixvo"),
        "UNAME ends inside stun.mixvoip.com"
    );
    assert!(f.passwd.starts_with(b"ip.com:3478,"));
    assert!(f.passwd.ends_with(b";utls-imitate=hellorandomizedalpn"));
    // UNAME alone is a truncated list; the PT must join.
    let alone = socks::parse_with(f.uname, Config::LENIENT).unwrap();
    assert_ne!(&alone, line.args());
    let back = socks::parse_rfc1929(f.uname, f.passwd, Config::LENIENT).unwrap();
    assert_eq!(back.get("ice"), Some(SNOWFLAKE_ICE));
    assert_eq!(back.len(), 5);
    pt_reads_back(&line);
}

#[test]
fn webtunnel_ipv6() {
    let line = BridgeLine::parse(WEBTUNNEL_BRIDGE).unwrap();
    assert_eq!(line.transport().map(|t| t.as_str()), Some("webtunnel"));
    let ip: Ipv6Addr = "2001:db8:9443:367a:3276:1e74:91c3:7a5a".parse().unwrap();
    assert_eq!(line.addr(), SocketAddr::new(IpAddr::V6(ip), 443));
    assert_eq!(
        line.fingerprint(),
        Some(Fingerprint::from_hex("54BF1146B161573185FBA0299B0DC3A8F7D08080").unwrap())
    );
    assert_eq!(
        line.socks_args(),
        b"url=https://d3pyjtpvxs6z0u.cloudfront.net/Exei6xoh1aev8fiethee;ver=0.0.1"
    );
    pt_reads_back(&line);
}

#[test]
fn meek_lite_and_ipv6_obfs4() {
    let line = BridgeLine::parse(MEEK_LITE_BRIDGE).unwrap();
    assert_eq!(line.transport().map(|t| t.as_str()), Some("meek_lite"));
    assert_eq!(
        line.socks_args(),
        b"url=https://meek.azureedge.net/;front=ajax.aspnetcdn.com"
    );
    pt_reads_back(&line);

    // An obfs4 bridge on IPv6 (address from a public bridge line; the fingerprint is made
    // up). tor must reach it with SOCKS5: SOCKS4 cannot carry IPv6.
    let v6 = format!(
        "obfs4 [2a02:ed80:2:1:f816:3eff:feb2:5071]:80 603E0123456789ABCDEF0123456789ABCDEF3818 \
         cert={OBFS4_CERT} iat-mode=0"
    );
    let line = BridgeLine::parse(&v6).unwrap();
    assert!(line.addr().is_ipv6());
    assert_eq!(line.addr().port(), 80);
    assert_eq!(line.socks_args().len(), 86);
}

/// What counts as a `k=v` item (tor's `string_is_key_value`), and fingerprint detection
/// (behaviours: `bridge-line-key-value-items`).
#[test]
fn key_value_validity_and_fingerprint_detection() {
    const FP: &str = "0123456789ABCDEF0123456789ABCDEF01234567";
    let head = format!("fake5 127.0.0.1:9 {FP} ");
    // Accepted items and what they become.
    let ok: &[(&str, (&str, &str))] = &[
        ("key=", ("key", "")),
        ("x=", ("x", "")),
        ("k=v", ("k", "v")),
        ("k==", ("k", "=")),
        ("k=v=w", ("k", "v=w")),
        (r"k=c\d", ("k", r"c\d")),
        ("k=x;y", ("k", "x;y")),
        ("ключ=é", ("ключ", "é")),
    ];
    for &(item, pair) in ok {
        let text = format!("{head}{item}");
        let line = BridgeLine::parse(&text).unwrap_or_else(|e| panic!("{item:?}: {e}"));
        assert_eq!(pairs(line.args()), [pair], "{item:?}");
    }
    // Rejected items: "is not a k=v item", at the item's offset.
    for item in ["=value", "=x", "=", "novalue", "x", r"a\", "\"a"] {
        let text = format!("{head}k=v {item}");
        assert_eq!(
            BridgeLine::parse(&text),
            Err(Error::NotKeyValue {
                offset: head.len() + 4
            }),
            "{item:?}"
        );
    }
    // Duplicates are kept, in order.
    let line = BridgeLine::parse("fake5 127.0.0.1:9 k=1 k= k=2").unwrap();
    assert_eq!(pairs(line.args()), [("k", "1"), ("k", ""), ("k", "2")]);
    assert_eq!(line.socks_args(), b"k=1;k=;k=2");

    // The first item after the address is the fingerprint unless it is k=v.
    let line = BridgeLine::parse("obfs4 192.0.2.1:80 cert=abc iat-mode=0").unwrap();
    assert_eq!(line.fingerprint(), None);
    assert_eq!(line.args().len(), 2);
    let text = format!("obfs4 192.0.2.1:80 {FP}");
    let line = BridgeLine::parse(&text).unwrap();
    assert_eq!(
        line.fingerprint().map(|f| f.to_string()).as_deref(),
        Some(FP)
    );
    assert!(line.args().is_empty());
    assert_eq!(line.socks_args(), b"");
    // Lower case is accepted and shown upper case.
    let text = format!("obfs4 192.0.2.1:80 {}", FP.to_lowercase());
    let line = BridgeLine::parse(&text).unwrap();
    assert_eq!(
        line.fingerprint().map(|f| f.to_string()).as_deref(),
        Some(FP)
    );
    // Not k=v and not a fingerprint: the fingerprint is wrong (tor: "Key digest ... is wrong").
    let long = format!("{FP}0");
    for item in [
        "=x",
        "novalue",
        "=",
        &FP[..39],
        &long,
        "0123456789ABCDEF0123456789ABCDEF0123456G",
    ] {
        let text = format!("obfs4 192.0.2.1:80 {item} k=v");
        assert_eq!(
            BridgeLine::parse(&text),
            Err(Error::InvalidFingerprint { offset: 19 }),
            "{item:?}"
        );
    }
}

#[test]
fn fingerprint_parsing() {
    let fp = Fingerprint::from_hex("2b280b23e1107bb62abfc40ddcc8824814f80a72").unwrap();
    assert_eq!(fp.0[0], 0x2b);
    assert_eq!(fp.0[19], 0x72);
    assert_eq!(fp.to_string(), "2B280B23E1107BB62ABFC40DDCC8824814F80A72");
    assert_eq!(
        format!("{fp:?}"),
        "Fingerprint(2B280B23E1107BB62ABFC40DDCC8824814F80A72)"
    );
    assert_eq!(
        "2B280B23E1107BB62ABFC40DDCC8824814F80A72".parse::<Fingerprint>(),
        Ok(fp)
    );
    let cases: &[(&str, usize)] = &[
        ("", 0),
        ("0123", 0),
        ("x123456789ABCDEF0123456789ABCDEF01234567", 0),
        ("0x23456789ABCDEF0123456789ABCDEF01234567", 1),
        ("0123456789ABCDEF0123456789ABCDEF0123456Z", 39),
        ("+123456789ABCDEF0123456789ABCDEF01234567", 0),
    ];
    for &(hex, offset) in cases {
        assert_eq!(
            Fingerprint::from_hex(hex),
            Err(Error::InvalidFingerprint { offset }),
            "{hex:?}"
        );
    }
    // 40 bytes but not 40 ASCII characters.
    let mut s = "é".repeat(20);
    assert_eq!(s.len(), 40);
    assert_eq!(
        Fingerprint::from_hex(&s),
        Err(Error::InvalidFingerprint { offset: 0 })
    );
    s.replace_range(0..2, "00");
    assert_eq!(
        Fingerprint::from_hex(&s),
        Err(Error::InvalidFingerprint { offset: 2 })
    );
}

/// The limit is 510 bytes of the escaped string, checked when the line is parsed, as tor
/// 0.4.9.11 does (behaviours: `bridge-socks-args-510`).
#[test]
fn socks_args_limit_is_510_escaped_bytes() {
    let at = |args: &str| {
        BridgeLine::parse(&format!("fake5 127.0.0.1:9 {args}")).map(|l| l.socks_args_len())
    };
    let a = |n: usize| "a".repeat(n);
    // `k=<500 a>;;;;`: 506 raw bytes, 510 escaped: accepted.
    assert_eq!(at(&format!("k={};;;;", a(500))), Ok(510));
    // One more ';': 512 escaped: rejected.
    assert_eq!(
        at(&format!("k={};;;;;", a(500))),
        Err(Error::TooLong { len: 512, max: 510 })
    );
    // Backslashes count twice too.
    assert_eq!(at(&format!("k={}", "\\".repeat(254))), Ok(510));
    assert_eq!(
        at(&format!("k={}", "\\".repeat(255))),
        Err(Error::TooLong { len: 512, max: 510 })
    );
    // Exactly 510 plain bytes, 511, 512.
    assert_eq!(at(&format!("k={}", a(508))), Ok(510));
    assert_eq!(
        at(&format!("k={}", a(509))),
        Err(Error::TooLong { len: 511, max: 510 })
    );
    assert_eq!(
        at(&format!("k={}", a(510))),
        Err(Error::TooLong { len: 512, max: 510 })
    );
    // Separators count: two items of 254 and 255 bytes make 510.
    assert_eq!(at(&format!("a={} b={}", a(252), a(253))), Ok(510));
    assert_eq!(
        at(&format!("a={} b={}", a(252), a(254))),
        Err(Error::TooLong { len: 511, max: 510 })
    );
    // '=' in a value is not escaped by tor, so it counts once.
    assert_eq!(at(&format!("k={}", "=".repeat(508))), Ok(510));
    // The accepted 510-byte string is split 255 + 255.
    let text = format!("fake5 127.0.0.1:9 k={};;;;", a(500));
    let line = BridgeLine::parse(&text).unwrap();
    let wire = line.socks_args();
    let f = socks::to_rfc1929(&wire).unwrap().unwrap();
    assert_eq!((f.uname.len(), f.passwd.len()), (255, 255));
    assert!(f.passwd.ends_with(br"\;\;\;\;"));
    pt_reads_back(&line);
}

#[test]
fn addresses_ports_and_missing_items() {
    let cases: &[(&str, SocketAddr)] = &[
        ("obfs4 192.0.2.1:80", SocketAddr::from(([192, 0, 2, 1], 80))),
        (
            "obfs4 192.0.2.1",
            SocketAddr::from(([192, 0, 2, 1], DEFAULT_PORT)),
        ),
        (
            "obfs4 [::1]:13",
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 13),
        ),
        (
            "obfs4 [::1]",
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 443),
        ),
        ("192.0.2.7:9001", SocketAddr::from(([192, 0, 2, 7], 9001))),
        (
            "Bridge 192.0.2.7",
            SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)), 443),
        ),
        (
            "Bridge\tobfs4\t192.0.2.1:0",
            SocketAddr::from(([192, 0, 2, 1], 0)),
        ),
        (
            "  Bridge   obfs4   192.0.2.1:1  ",
            SocketAddr::from(([192, 0, 2, 1], 1)),
        ),
    ];
    for &(text, addr) in cases {
        let line = BridgeLine::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(line.addr(), addr, "{text:?}");
        assert_eq!(line.fingerprint(), None);
        assert!(line.args().is_empty());
    }
    assert_eq!(DEFAULT_PORT, 443);
    // The keyword is skipped once: a transport literally named "Bridge" needs it.
    let line = BridgeLine::parse("Bridge Bridge 192.0.2.1:80").unwrap();
    assert_eq!(line.transport().map(|t| t.as_str()), Some("Bridge"));
    assert_eq!(
        BridgeLine::parse("Bridge 192.0.2.1:80")
            .unwrap()
            .transport(),
        None
    );
    let errors: &[(&str, Error)] = &[
        ("", Error::MissingAddress),
        ("   ", Error::MissingAddress),
        ("Bridge", Error::MissingAddress),
        ("obfs4", Error::MissingAddress),
        ("Bridge obfs4 ", Error::MissingAddress),
        // Host names are not looked up (no I/O): only IP literals.
        (
            "obfs4 bridge.example:443",
            Error::InvalidAddress { offset: 6 },
        ),
        ("obfs4 192.0.2.1:65536", Error::InvalidAddress { offset: 6 }),
        ("obfs4 192.0.2.1:", Error::InvalidAddress { offset: 6 }),
        ("obfs4 ::1", Error::InvalidAddress { offset: 6 }),
        ("obfs4 [::1]x", Error::InvalidAddress { offset: 6 }),
        (
            "Bridge obfs4 999.0.2.1:1",
            Error::InvalidAddress { offset: 13 },
        ),
        // Not a C identifier, so it is read as the address (tor does the same).
        (
            "meek-lite 192.0.2.1:80",
            Error::InvalidAddress { offset: 0 },
        ),
        ("4obfs 192.0.2.1:80", Error::InvalidAddress { offset: 0 }),
    ];
    for (text, expected) in errors {
        assert_eq!(BridgeLine::parse(text), Err(expected.clone()), "{text:?}");
    }
}

/// A line without a transport: tor joins the rest of the line into the fingerprint (it may
/// hold spaces), so k=v items there are a bad fingerprint. Pinned: the
/// `Error::ArgsWithoutTransport` variant is never returned; `InvalidFingerprint` is.
#[test]
fn vanilla_bridge_lines() {
    const FP: &str = "4123456789ABCDEF0123456789ABCDEF01234567";
    let text = format!("192.0.2.7 {FP}");
    let line = BridgeLine::parse(&text).unwrap();
    assert_eq!(line.transport(), None);
    assert_eq!(line.addr().port(), 443);
    assert_eq!(
        line.fingerprint().map(|f| f.to_string()).as_deref(),
        Some(FP)
    );
    assert_eq!(line.socks_args(), b"");
    let spaced = "4123 4567 89AB CDEF 0123\t4567 89AB CDEF 0123 4567";
    let text = format!("Bridge 192.0.2.7:443 {spaced}");
    let line = BridgeLine::parse(&text).unwrap();
    assert_eq!(
        line.fingerprint().map(|f| f.to_string()).as_deref(),
        Some(FP)
    );
    assert_eq!(
        BridgeLine::parse(&format!("192.0.2.7:443 {FP} key=value")),
        Err(Error::InvalidFingerprint { offset: 14 })
    );
    assert_eq!(
        BridgeLine::parse("192.0.2.7:443 key=value"),
        Err(Error::InvalidFingerprint { offset: 14 })
    );
}

#[test]
fn display_is_tors_form_and_parses_back() {
    for text in [
        OBFS4_BRIDGE,
        SNOWFLAKE_BRIDGE,
        WEBTUNNEL_BRIDGE,
        MEEK_LITE_BRIDGE,
        "Bridge 192.0.2.7 4123456789ABCDEF0123456789ABCDEF01234567",
        "x 192.0.2.1:1 k= a=b=c",
    ] {
        let line = BridgeLine::parse(text).unwrap();
        let shown = line.to_string();
        assert!(!shown.starts_with("Bridge "));
        let again = BridgeLine::parse(&shown).unwrap();
        assert_eq!(again, line, "{shown:?}");
        let owned: BridgeLine<'static> = line.clone().into_owned();
        assert_eq!(owned, line);
    }
    assert_eq!(
        BridgeLine::parse("Bridge\tobfs4  192.0.2.1 cert=x  iat-mode=0")
            .unwrap()
            .to_string(),
        "obfs4 192.0.2.1:443 cert=x iat-mode=0"
    );
    assert_eq!(
        BridgeLine::parse("webtunnel [2001:db8::1]:443 url=https://x/")
            .unwrap()
            .to_string(),
        "webtunnel [2001:db8::1]:443 url=https://x/"
    );
}

/// Issue 7, point 3: items are split at runs of spaces and tabs only, as tor's
/// `smartlist_split_string(NULL sep, SPLIT_SKIP_SPACE|SPLIT_IGNORE_BLANK)` splits them; an
/// LF, CR, VT or FF inside an item stays there, and reaches the PT as is (tor sent
/// `a=1\nb=2` as `61 3d 31 0a 62 3d 32`). `bridge.rs` used to split at CR and LF too.
#[test]
fn line_breaks_inside_an_item_stay_in_it() {
    for ws in [b'\n', b'\r', 0x0b, 0x0c] {
        let mut text = b"t5 127.0.0.1:1 a=1".to_vec();
        text.push(ws);
        text.extend_from_slice(b"b=2 c=3");
        let line = BridgeLine::parse(&text).unwrap_or_else(|e| panic!("{ws:#04x}: {e}"));
        let mut value = b"1".to_vec();
        value.push(ws);
        value.extend_from_slice(b"b=2");
        assert_eq!(
            line.args().iter().collect::<Vec<_>>(),
            [(&b"a"[..], &value[..]), (b"c", b"3")],
            "{ws:#04x}"
        );
        let mut wire = b"a=".to_vec();
        wire.extend_from_slice(&value);
        wire.extend_from_slice(b";c=3");
        assert_eq!(line.socks_args(), wire);
        pt_reads_back(&line);
        // Written out and parsed again: the same line.
        assert_eq!(BridgeLine::parse(&line.to_vec()).unwrap(), line);
        assert_eq!(BridgeLine::parse(&line.to_string()).unwrap(), line);
    }
    // tor's recorded bytes for the LF case.
    let line = BridgeLine::parse("t5 127.0.0.1:1 a=1\nb=2").unwrap();
    assert_eq!(
        line.socks_args(),
        [0x61, 0x3d, 0x31, 0x0a, 0x62, 0x3d, 0x32]
    );
    assert_eq!(line.args().len(), 1);
    // An LF inside the address or the transport is part of that item, so it is invalid.
    assert_eq!(
        BridgeLine::parse("t5 127.0.0.1\n:1"),
        Err(Error::InvalidAddress { offset: 3 })
    );
}

/// Each item loses tor's white space (space, tab, LF, VT, FF, CR) at both ends; an item left
/// empty (a lone LF between spaces, a CRLF line end) is skipped; tabs split like spaces.
#[test]
fn white_space_at_the_ends_of_items_is_trimmed_and_blank_items_skipped() {
    type BytePairs = &'static [(&'static [u8], &'static [u8])];
    let cases: &[(&[u8], BytePairs)] = &[
        (b"t5 127.0.0.1:1 a=1 \n b=2", &[(b"a", b"1"), (b"b", b"2")]),
        (b"t5 127.0.0.1:1 a=1\r\n", &[(b"a", b"1")]),
        (
            b"t5 127.0.0.1:1 \na=1\n \r\x0bb=2\x0b\x0c",
            &[(b"a", b"1"), (b"b", b"2")],
        ),
        (b"t5 127.0.0.1:1 a=\n", &[(b"a", b"")]),
        (
            b"t5\t127.0.0.1:1\ta=1\t\tb=2",
            &[(b"a", b"1"), (b"b", b"2")],
        ),
        (b"\r\n\tt5 \x0c 127.0.0.1:1\r\n a=1 \t ", &[(b"a", b"1")]),
        (b"t5 127.0.0.1:1 \n \r \x0b \x0c ", &[]),
        // Only the ends: white space between the '=' and the value stays.
        (b"t5 127.0.0.1:1 a=\n1", &[(b"a", b"\n1")]),
        (b"t5 127.0.0.1:1 a\r=1", &[(b"a\r", b"1")]),
    ];
    for &(text, want) in cases {
        let line = BridgeLine::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(line.transport().map(|t| t.as_str()), Some("t5"), "{text:?}");
        assert_eq!(
            line.addr(),
            SocketAddr::from(([127, 0, 0, 1], 1)),
            "{text:?}"
        );
        assert_eq!(line.args().iter().collect::<Vec<_>>(), want, "{text:?}");
        assert!(line.args().is_borrowed());
        pt_reads_back(&line);
    }
    // Offsets point at the item after trimming.
    assert_eq!(
        BridgeLine::parse("t5 127.0.0.1:1 a=1 \n\rnovalue"),
        Err(Error::NotKeyValue { offset: 21 })
    );
    assert_eq!(
        BridgeLine::parse("t5 \n127.0.0.1:x"),
        Err(Error::InvalidAddress { offset: 4 })
    );
    // A fingerprint item with a CR at its end (a CRLF file) is still a fingerprint.
    let text = "obfs4 192.0.2.1:80 0123456789ABCDEF0123456789ABCDEF01234567\r\n";
    assert!(BridgeLine::parse(text).unwrap().fingerprint().is_some());
}

/// Issue 7, point 7: torrc keywords are case-insensitive, so `bridge` and `BRIDGE` are the
/// keyword too (`bridge obfs4 ...` failed with `InvalidAddress`); skipped once, so a
/// transport literally named `bridge` (in any case) needs the keyword before it, which
/// `Display` and `to_vec` write.
#[test]
fn bridge_keyword_in_any_case_and_a_transport_named_bridge() {
    for keyword in ["Bridge", "bridge", "BRIDGE", "bRiDgE"] {
        let text = format!("{keyword} obfs4 192.0.2.1:80 iat-mode=0");
        let line = BridgeLine::parse(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(line.transport().map(|t| t.as_str()), Some("obfs4"));
        assert_eq!(line.addr(), SocketAddr::from(([192, 0, 2, 1], 80)));
        let text = format!("{keyword}\t192.0.2.1:80");
        assert_eq!(BridgeLine::parse(&text).unwrap().transport(), None);
    }
    // Not a keyword unless it is the whole item.
    assert_eq!(
        BridgeLine::parse("Bridges obfs4 192.0.2.1:80"),
        Err(Error::InvalidAddress { offset: 8 })
    );
    for name in ["bridge", "Bridge", "BRIDGE"] {
        let text = format!("Bridge {name} 192.0.2.1:80 k=v");
        let line = BridgeLine::parse(&text).unwrap();
        assert_eq!(line.transport().map(|t| t.as_str()), Some(name));
        let shown = line.to_string();
        assert_eq!(shown, format!("Bridge {name} 192.0.2.1:80 k=v"));
        assert_eq!(line.to_vec(), shown.as_bytes());
        assert_eq!(BridgeLine::parse(&shown).unwrap(), line);
        assert_eq!(BridgeLine::parse(&line.to_vec()).unwrap(), line);
        // Without the keyword, the name is taken as the keyword.
        let bare = format!("{name} 192.0.2.1:80");
        assert_eq!(BridgeLine::parse(&bare).unwrap().transport(), None);
    }
    // Any other transport is written without the keyword.
    let line = BridgeLine::parse("BRIDGE obfs4 192.0.2.1:80").unwrap();
    assert_eq!(line.to_string(), "obfs4 192.0.2.1:80");
}

/// Issue 7, point 7: `socks_args()` cannot fail for a parsed line (it returns the bytes);
/// `encode_socks_args` fails only when the buffer is too small, writing nothing.
#[test]
fn encode_socks_args_fails_only_on_a_small_buffer() {
    let line = BridgeLine::parse(OBFS4_BRIDGE).unwrap();
    let needed = line.socks_args_len();
    assert_eq!(needed, 86);
    for size in [0, 1, 85] {
        let mut storage = vec![0x55u8; size];
        assert_eq!(
            line.encode_socks_args(&mut &mut storage[..]),
            Err(Error::BufferTooSmall {
                needed,
                available: size
            })
        );
        assert!(storage.iter().all(|&b| b == 0x55));
    }
    let mut storage = [0u8; 86];
    assert_eq!(line.encode_socks_args(&mut &mut storage[..]), Ok(86));
    assert_eq!(storage.to_vec(), line.socks_args());
    // A line without arguments needs no room.
    let bare = BridgeLine::parse("obfs4 192.0.2.1:80").unwrap();
    assert_eq!(bare.encode_socks_args(&mut &mut [0u8; 0][..]), Ok(0));
    assert!(bare.socks_args().is_empty());
}

/// Issue 7, point 7: the 510-byte limit is checked as the items come, and storing stops once
/// it is passed; tor's order is kept (every item must be k=v before the length is judged),
/// and the error gives the exact total length.
#[test]
fn the_limit_reports_the_exact_length_and_comes_after_k_v_checks() {
    let many = vec!["k=v"; 200].join(" ");
    let text = format!("fake5 127.0.0.1:9 {many}");
    assert_eq!(
        BridgeLine::parse(&text),
        Err(Error::TooLong { len: 799, max: 510 })
    );
    // A bad item after the limit was passed: NotKeyValue, as in tor.
    let text = format!("fake5 127.0.0.1:9 {many} novalue");
    assert_eq!(
        BridgeLine::parse(&text),
        Err(Error::NotKeyValue {
            offset: text.len() - 7
        })
    );
    // Escapes count past the limit too: 200 more `;` count 400 more bytes.
    let text = format!("fake5 127.0.0.1:9 {many} x={}", ";".repeat(200));
    assert_eq!(
        BridgeLine::parse(&text),
        Err(Error::TooLong {
            len: 799 + 1 + 2 + 400,
            max: 510
        })
    );
}
