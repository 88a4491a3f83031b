//! Known answers: tor's `test_pt.c` accept/reject cases and kvline/C string rules, Arti's
//! `ipc.rs` spec examples, goptlib's keyword/argument safety and C string round-trip vectors
//! (`pt_test.go`), the spec's own examples, and the PT 2.x dialect.

use std::borrow::Cow;

use pt_ipc::{
    CStringProblem, Config, Dialect, Error, KvLine, KvProblem, Level, Message, Protocol, Text,
    cstring,
};

fn parse(line: &str) -> Result<Message<'_>, Error> {
    Message::parse(line.as_bytes())
}

fn strict(line: &str) -> Result<Message<'_>, Error> {
    Message::parse_with(line.as_bytes(), Config::STRICT)
}

/// Arti's `it_parses_spec_examples`, plus the spec's own examples (sections 3.3.1 to 3.3.5).
#[test]
fn spec_and_arti_examples_parse_and_round_trip() {
    let lines = [
        "VERSION-ERROR no-version",
        "VERSION 1",
        "ENV-ERROR No TOR_PT_AUTH_COOKIE_FILE when TOR_PT_EXTENDED_SERVER_PORT set",
        "PROXY DONE",
        "PROXY-ERROR SOCKS 4 upstream proxies unsupported",
        "CMETHOD trebuchet socks5 127.0.0.1:19999",
        "CMETHOD-ERROR trebuchet no rocks available",
        "CMETHODS DONE",
        "SMETHOD trebuchet 198.51.100.1:19999",
        "SMETHOD rot_by_N 198.51.100.1:2323 ARGS:N=13",
        "SMETHOD obfs4 198.51.100.1:43734 ARGS:cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw,iat-mode=0",
        "SMETHOD-ERROR trebuchet no cows available",
        "SMETHODS DONE",
        r#"LOG SEVERITY=debug MESSAGE="Connected to bridge A""#,
        "STATUS TRANSPORT=obfs4 ADDRESS=198.51.100.123:1234 CONNECT=Success",
        r#"STATUS TRANSPORT=obfs4 ADDRESS=198.51.100.222:2222 CONNECT=Failed FINGERPRINT=<Fingerprint> ERRSTR="Connection refused""#,
        "STATUS TRANSPORT=trebuchet ADDRESS=198.51.100.15:443 PERCENT=42",
    ];
    for line in lines {
        for config in [Config::LENIENT, Config::STRICT] {
            let m = Message::parse_with(line.as_bytes(), config)
                .unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(m.to_string(), line, "our encoding is the spec's");
            assert!(!matches!(m, Message::Unknown(_)), "{line}");
        }
    }
    let Message::Smethod(s) = parse(lines[9]).unwrap() else {
        panic!()
    };
    assert_eq!(
        s.args(Default::default()).unwrap().unwrap().get("N"),
        Some("13")
    );
    let Message::Cmethod(c) = parse(lines[5]).unwrap() else {
        panic!()
    };
    assert_eq!(
        (c.transport(), c.protocol()),
        ("trebuchet", Protocol::Socks5)
    );
    let Message::EnvError(t) = parse(lines[2]).unwrap() else {
        panic!()
    };
    assert_eq!(t.as_str(), &lines[2][10..]);
}

/// tor's `test_pt_parsing` and `parse_method_line_helper` rules.
#[test]
fn tor_method_line_rules() {
    let e = |l| parse(l).unwrap_err();
    assert!(matches!(
        e("CMETHOD trebuchet"),
        Error::MissingField {
            field: "protocol",
            ..
        }
    ));
    assert!(matches!(
        e("SMETHOD trebuchet"),
        Error::MissingField {
            field: "address",
            ..
        }
    ));
    assert_eq!(
        e("CMETHOD trebuchet dog 127.0.0.1:1999"),
        Error::BadProtocol { offset: 18 }
    );
    assert!(matches!(
        e("CMETHOD trebuchet socks4 abcd"),
        Error::BadAddress { offset: 25, .. }
    ));
    assert!(matches!(
        e("SMETHOD trebuchet abcd"),
        Error::BadAddress { offset: 18, .. }
    ));
    assert!(matches!(
        e("SMETHOD trebuchet 127.0.0.1:0"),
        Error::ZeroPort { .. }
    ));
    assert!(matches!(
        e("CMETHOD trebuchet socks5 127.0.0.1:65536"),
        Error::BadAddress { .. }
    ));
    assert!(matches!(
        e("CMETHOD 4obfs socks5 127.0.0.1:1"),
        Error::BadTransportName { offset: 8, .. }
    ));
    assert!(matches!(
        e("CMETHOD meek-lite socks5 127.0.0.1:1"),
        Error::BadTransportName { offset: 12, .. }
    ));
    let Message::Cmethod(c) = parse("CMETHOD trebuchet socks4 [::1]:1999").unwrap() else {
        panic!()
    };
    assert_eq!(c.addr(), "[::1]:1999".parse().unwrap());
    assert!(matches!(
        e("CMETHOD trebuchet socks4 ::1:1999"),
        Error::BadAddress { .. }
    ));
    // Runs of spaces, as tor's smartlist split skips them; the spec's single spaces when strict.
    let m = parse("CMETHOD  trebuchet   socks5 127.0.0.1:19999  ").unwrap();
    assert_eq!(m.to_string(), "CMETHOD trebuchet socks5 127.0.0.1:19999");
    assert_eq!(
        strict("CMETHOD  trebuchet socks5 127.0.0.1:19999").unwrap_err(),
        Error::EmptyField { offset: 7 }
    );
    // Fields after the CMETHOD address: tor ignores them; we report them.
    let Message::Cmethod(c) =
        parse("CMETHOD fake5 socks5 127.0.0.1:54913 ARGS:foo=bar OPT-ARGS:x=y").unwrap()
    else {
        panic!()
    };
    assert_eq!(c.extra(), "ARGS:foo=bar OPT-ARGS:x=y");
    // SMETHOD ARGS: only the word right after the address, verbatim.
    let Message::Smethod(s) =
        parse("SMETHOD trebuchet 127.0.0.1:9999 ARGS:counterweight=3,sling=snappy").unwrap()
    else {
        panic!()
    };
    assert_eq!(s.args_raw(), Some("counterweight=3,sling=snappy"));
    let Message::Smethod(s) = parse("SMETHOD t 127.0.0.1:9 FOO ARGS:a=b").unwrap() else {
        panic!()
    };
    assert_eq!((s.args_raw(), s.options()), (None, "FOO ARGS:a=b"));
    // ARGS that Arti cannot decode: kept by the lenient policy (tor publishes them), refused
    // by the strict one.
    assert!(parse("SMETHOD t 127.0.0.1:9 ARGS:iat-mode=fo=o").is_ok());
    assert!(matches!(
        strict("SMETHOD t 127.0.0.1:9 ARGS:iat-mode=fo=o"),
        Err(Error::SmethodArgs(_))
    ));
    assert!(matches!(
        strict("SMETHOD t 127.0.0.1:9 ARGS:iat-mode=0\\"),
        Err(Error::SmethodArgs(_))
    ));
}

#[test]
fn keywords_are_whole_words() {
    // tor 0.4.9 matches these by prefix; they are unknown keywords here.
    for line in [
        "CMETHODX a b c",
        "VERSIONS 1",
        "LOGGING_OPTION x",
        "SMETHODS-DONE",
    ] {
        let m = parse(line).unwrap();
        assert!(matches!(m, Message::Unknown(_)), "{line}");
        assert_eq!(m.to_string(), line);
    }
    let Message::Unknown(u) = parse("PROXY NOTDONE").unwrap() else {
        panic!()
    };
    assert_eq!((u.keyword(), u.rest()), ("PROXY", "NOTDONE"));
    // goptlib's keywordIsSafe vectors: the unsafe ones are not keywords.
    for bad in ["CMETHOD: x", "CMETHOD\x7f x", "CMÉTHOD x", " CMETHOD", ""] {
        assert!(
            matches!(parse(bad), Err(Error::BadKeyword { .. })),
            "{bad:?}"
        );
    }
    for good in ["0", "z", "Z", "-", "_", "a-b_C9"] {
        assert!(matches!(parse(good), Ok(Message::Unknown(_))), "{good}");
    }
    // LOG and STATUS without arguments.
    assert!(matches!(
        parse("LOG"),
        Err(Error::KvLine {
            problem: KvProblem::MissingKey,
            ..
        })
    ));
    assert!(parse("STATUS").is_err());
}

#[test]
fn version_lines() {
    let Message::Version(v) = parse("VERSION 666").unwrap() else {
        panic!()
    };
    assert_eq!(v.as_str(), "666");
    assert!(matches!(parse("VERSION "), Err(Error::MissingField { .. })));
    assert!(matches!(parse("VERSION"), Err(Error::MissingField { .. })));
    assert!(matches!(
        parse("VERSION 1 2"),
        Err(Error::ExtraField { offset: 10, .. })
    ));
    // tor compares `1 ` with strcmp and fails; the lenient policy drops the trailing space,
    // the strict one refuses it.
    assert!(parse("VERSION 1 ").is_ok());
    assert_eq!(
        strict("VERSION 1 ").unwrap_err(),
        Error::EmptyField { offset: 9 }
    );
    // A trailing CR.
    assert_eq!(parse("VERSION 1\r").unwrap().to_string(), "VERSION 1");
    assert_eq!(
        strict("VERSION 1\r").unwrap_err(),
        Error::CarriageReturn { offset: 9 }
    );
    assert_eq!(
        parse("VERSION 1\n").unwrap_err(),
        Error::LineFeed { offset: 9 }
    );
    assert_eq!(
        parse("VERSION \x001").unwrap_err(),
        Error::Nul { offset: 8 }
    );
}

/// tor's `unescape_string` (cstring.c) and the lenient reading of Arti.
#[test]
fn cstring_decoding() {
    let dec =
        |s: &str, strict| cstring::decode(s.as_bytes(), strict).map(|(v, n)| (v.into_owned(), n));
    let ok = |s: &str, want: &[u8]| {
        for st in [true, false] {
            assert_eq!(dec(s, st).unwrap(), (want.to_vec(), s.len()), "{s}");
        }
    };
    ok(r#""""#, b"");
    ok(r#""a b""#, b"a b");
    ok(r#""\n\r\t\"\\\'""#, b"\n\r\t\"\\'");
    ok(r#""\x41\X4a\x7e""#, b"AJ~");
    ok(r#""\101\102""#, b"AB");
    ok(r#""\0123""#, b"\n3");
    ok(r#""\1a""#, b"\x01a");
    ok(r#""\377""#, b"\xff");
    ok("\"caf\u{e9}\"", "caf\u{e9}".as_bytes());
    let err = |s: &str, st| dec(s, st).unwrap_err();
    let problem = |s: &str, st| match err(s, st) {
        Error::CString { problem, .. } => problem,
        other => panic!("{other:?}"),
    };
    assert_eq!(problem(r#""\400""#, false), CStringProblem::OctalOverflow);
    assert_eq!(problem(r#""\777""#, true), CStringProblem::OctalOverflow);
    for e in [r#""\a""#, r#""\z""#, r#""\8""#, r#""\9""#, r#""\?""#] {
        assert_eq!(problem(e, true), CStringProblem::UnknownEscape, "{e}");
        // Arti: the escaped byte itself.
        assert_eq!(dec(e, false).unwrap().0, e.as_bytes()[2..3].to_vec());
    }
    assert_eq!(problem(r#""\xZZ""#, true), CStringProblem::BadHexEscape);
    assert_eq!(problem(r#""a\0b""#, false), CStringProblem::DecodedNul);
    assert_eq!(problem(r#""\000""#, true), CStringProblem::DecodedNul);
    assert_eq!(problem(r#""\x00""#, true), CStringProblem::DecodedNul);
    assert_eq!(problem("\"a\nb\"", true), CStringProblem::RawControl);
    assert_eq!(problem("\"a\0b\"", true), CStringProblem::RawControl);
    assert_eq!(problem(r#""abc"#, true), CStringProblem::Unterminated);
    assert_eq!(problem(r#""abc\"#, false), CStringProblem::Unterminated);
    assert_eq!(problem("abc", true), CStringProblem::MissingOpenQuote);
    // No escape: borrowed.
    assert!(matches!(
        cstring::decode(br#""plain""#, true).unwrap().0,
        Cow::Borrowed(_)
    ));
}

/// goptlib's `TestEncodeCString` vectors and all 256 byte values, read back with tor's rules.
#[test]
fn cstring_encoding_round_trips() {
    let vectors: [&[u8]; 9] = [
        b"",
        b"\"",
        b"\"\"",
        b"abc\"def",
        b"\\",
        b"\\\\",
        b"\x0123abc",
        b"\n\r\t\x7f",
        b"\\377",
    ];
    for v in vectors {
        let s = cstring::to_string(v);
        assert!(s.bytes().all(|b| (0x20..0x7f).contains(&b)), "{s}");
        assert_eq!(
            cstring::decode(s.as_bytes(), true).unwrap(),
            (Cow::from(v), s.len())
        );
    }
    assert_eq!(cstring::to_string(b"\x0123abc"), r#""\00123abc""#);
    assert_eq!(cstring::to_string(b"\n\r\t\x7f"), r#""\n\r\t\177""#);
    let all: Vec<u8> = (1..=255).collect();
    let s = cstring::to_string(&all);
    assert_eq!(s.len(), cstring::encoded_len(&all));
    assert_eq!(cstring::decode(s.as_bytes(), true).unwrap().0, all);
    for b in 1..=255u8 {
        let s = cstring::to_string(&[b, b'7']);
        assert_eq!(
            &*cstring::decode(s.as_bytes(), true).unwrap().0,
            &[b, b'7'][..],
            "{b}"
        );
    }
    let mut out = Vec::new();
    assert_eq!(
        cstring::encode(b"a\0b", &mut out),
        Err(Error::Nul { offset: 1 })
    );
    assert!(out.is_empty());
}

/// tor's `kvline_parse(KV_QUOTED)` rules.
#[test]
fn kvline_rules() {
    let kv = |s| KvLine::parse(s, false);
    let problem = |s| match kv(s).unwrap_err() {
        Error::KvLine { problem, .. } => problem,
        other => panic!("{other:?}"),
    };
    assert_eq!(problem("SEVERITY=debug foo"), KvProblem::MissingEquals);
    assert_eq!(problem("=value"), KvProblem::EmptyKey);
    assert_eq!(problem("K=\"a\"b"), KvProblem::MissingEquals);
    assert_eq!(problem("\"V\""), KvProblem::BadKeyByte);
    assert_eq!(problem("K'=v"), KvProblem::BadKeyByte);
    assert_eq!(
        kv("K=a\"b").unwrap().get("K").as_deref(),
        Some(&b"a\"b"[..])
    );
    let l = kv("K=\"a\"B=c").unwrap();
    let pairs: Vec<_> = l
        .iter()
        .map(|(k, v)| (k.to_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        [("K".into(), b"a".to_vec()), ("B".into(), b"c".to_vec())]
    );
    assert_eq!(kv("K=").unwrap().get("K").as_deref(), Some(&b""[..]));
    assert_eq!(kv("K=\"\"").unwrap().get("K").as_deref(), Some(&b""[..]));
    assert_eq!(kv("K=1 K=2").unwrap().get("K").as_deref(), Some(&b"1"[..]));
    assert_eq!(kv(" \tK=1\x0bJ=2 ").unwrap().iter().count(), 2);
    assert!(matches!(
        kv("K=\"a\\0\""),
        Err(Error::CString {
            problem: CStringProblem::DecodedNul,
            offset: 4
        })
    ));
    // Strict: single spaces only.
    assert!(KvLine::parse("K=1 J=2", true).is_ok());
    for bad in ["K=1  J=2", " K=1", "K=1 ", "K=\"a\"B=c", "K=1\tJ=2"] {
        assert!(
            matches!(
                KvLine::parse(bad, true),
                Err(Error::KvLine {
                    problem: KvProblem::Spacing,
                    ..
                })
            ),
            "{bad:?}"
        );
    }
    // Equality is on decoded pairs.
    assert_eq!(kv("K=\"a\"").unwrap(), kv("K=a").unwrap());
}

#[test]
fn log_lines() {
    let msg = |s: &str| match parse(s).unwrap() {
        Message::Log(l) => l.message().to_vec(),
        other => panic!("{other:?}"),
    };
    // Arti's vectors, read with tor's rules.
    assert_eq!(msg(r#"LOG SEVERITY=debug MESSAGE="\r\n\t""#), b"\r\n\t");
    assert_eq!(msg("LOG SEVERITY=debug MESSAGE="), b"");
    assert_eq!(msg(r#"LOG SEVERITY=debug MESSAGE="\a""#), b"a");
    assert!(strict(r#"LOG SEVERITY=debug MESSAGE="\a""#).is_err());
    assert_eq!(msg(r#"LOG SEVERITY=debug MESSAGE="\0101""#), b"\x081");
    // Key order does not matter; the first occurrence wins; extra keys are kept.
    assert_eq!(msg("LOG MESSAGE=a SEVERITY=info MESSAGE=b X=y"), b"a");
    for bad in ["warn", "err", "WARNING", "Notice"] {
        let line = format!("LOG SEVERITY={bad} MESSAGE=x");
        assert!(
            matches!(
                parse(&line),
                Err(Error::KvLine {
                    problem: KvProblem::BadSeverity,
                    ..
                })
            ),
            "{bad}"
        );
    }
    // Zero-copy unless an escape needs decoding.
    let line = String::from(r#"LOG SEVERITY=debug MESSAGE="Connected to bridge A""#);
    let Message::Log(l) = parse(&line).unwrap() else {
        panic!()
    };
    assert_eq!(l.message_lossy(), "Connected to bridge A");
    assert_eq!(l.pairs().get("SEVERITY").as_deref(), Some(&b"debug"[..]));
}

#[test]
fn pt2_dialect() {
    let pt22 = Config::LENIENT.with_dialect(Dialect::Pt22);
    let Message::LevelLog(l) =
        Message::parse_with(b"LOG ERROR something broke: x=1", pt22).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (l.level(), l.text()),
        (Level::Error, "something broke: x=1")
    );
    assert!(Message::parse_with(b"LOG NONE x", pt22).is_err());
    assert!(Message::parse_with(b"LOG notice x", pt22).is_err());
    // The lenient policy still reads a PT 1.0 LOG in a PT 2.2 session.
    assert!(matches!(
        Message::parse_with(b"LOG SEVERITY=info MESSAGE=x", pt22).unwrap(),
        Message::Log(_)
    ));
    for (mode, p) in [
        ("transparent-TCP", Protocol::TransparentTcp),
        ("transparent-UDP", Protocol::TransparentUdp),
        ("STUN", Protocol::Stun),
    ] {
        let line = format!("CMETHOD t {mode} 127.0.0.1:1");
        let Message::Cmethod(c) =
            Message::parse_with(line.as_bytes(), Config::LENIENT.with_dialect(Dialect::Pt2))
                .unwrap()
        else {
            panic!()
        };
        assert_eq!(c.protocol(), p);
        assert_eq!(Message::Cmethod(c).to_string(), line);
        // PT 1.0 (tor) refuses them.
        assert!(matches!(parse(&line), Err(Error::BadProtocol { .. })));
        assert!(
            Message::parse_with(
                line.as_bytes(),
                Config::LENIENT.with_dialect(Dialect::Pt2).with_strict(true)
            )
            .is_ok()
        );
    }
    assert!(parse("CMETHOD t transparent-tcp 127.0.0.1:1").is_err());
    // CMESSAGE/SMESSAGE pass through.
    assert!(
        matches!(parse("CMESSAGE opaque stuff"), Ok(Message::Cmessage(t)) if t == "opaque stuff")
    );
    assert!(matches!(parse("SMESSAGE"), Ok(Message::Smessage(t)) if t.is_empty()));
    // Error lines go to stderr from PT 2.0 on.
    let e = parse("ENV-ERROR x").unwrap();
    assert_eq!(e.stream(Dialect::Pt1), pt_ipc::Stream::Stdout);
    assert_eq!(e.stream(Dialect::Pt3), pt_ipc::Stream::Stderr);
}

/// goptlib's `argIsSafe` vectors: what a constructor takes as free text.
#[test]
fn argument_safety() {
    for ok in [
        "",
        "abc",
        "127.0.0.1:8000",
        "a\\b",
        "ab\\",
        "abc\x7f",
        "var=GVsbG8\\=",
    ] {
        assert!(Text::new(ok).is_ok(), "{ok:?}");
    }
    for bad in ["a\nb", "ab\\\n", "ab\n\\", "a\0b", "a\rb"] {
        assert!(Text::new(bad).is_err(), "{bad:?}");
    }
    // goptlib panics on these; our constructors refuse them.
    assert!(pt_ipc::MethodError::new("t", "two\nlines").is_err());
    assert!(pt_ipc::MethodError::new("t-1", "x").is_err());
    assert!(pt_ipc::Token::new("1 2").is_err());
    let args: pt_args::Args = [("k", "a b")].into_iter().collect();
    let s = pt_ipc::Smethod::new("t", "127.0.0.1:1".parse().unwrap()).unwrap();
    assert!(s.with_args(&args).is_err());
    assert!(pt_ipc::Cmethod::new("t", Protocol::Socks5, "127.0.0.1:0".parse().unwrap()).is_err());
    assert!(pt_ipc::Log::new(pt_ipc::Severity::Info, b"a\0").is_err());
    let mut out = [0u8; 4];
    assert_eq!(
        parse("VERSION 1").unwrap().encode(&mut &mut out[..]),
        Err(Error::BufferTooSmall {
            needed: 10,
            available: 4
        })
    );
}

#[test]
fn status_and_setup_lines() {
    let s = pt_ipc::Status::version_report(b"lyrebird", b"0.8.1").unwrap();
    let m = Message::Status(s);
    assert_eq!(
        m.to_string(),
        r#"STATUS TYPE=version IMPLEMENTATION="lyrebird" VERSION="0.8.1""#
    );
    assert_eq!(Message::parse(m.to_string().as_bytes()).unwrap(), m);
    assert!(strict("STATUS CONNECT=Success").is_err());
    assert!(strict("STATUS TYPE=version IMPLEMENTATION=x").is_ok());
    // pt-env's error becomes the PT's line, on the stream of the dialect.
    let err = pt_env::parse(
        &[("TOR_PT_MANAGED_TRANSPORT_VER", "2.2")],
        &pt_env::Config::DEFAULT,
    )
    .unwrap_err();
    let setup = pt_ipc::pt::Setup::failed(None, &err, None);
    assert_eq!(setup.lines()[0].to_string(), "VERSION-ERROR no-version");
    assert_eq!(setup.exit_code(), Some(78));
    let (mut out, mut errout) = (Vec::new(), Vec::new());
    setup.write(&mut out, &mut errout).unwrap();
    assert_eq!(
        (out.as_slice(), errout.as_slice()),
        (&b""[..], &b"VERSION-ERROR no-version\n"[..])
    );
}

#[test]
fn ipv4_literals() {
    for ok in [
        "0.0.0.0:1",
        "255.255.255.255:65535",
        "10.0.0.1:80",
        "198.51.100.1:43734",
    ] {
        let line = format!("SMETHOD t {ok}");
        let Message::Smethod(s) = parse(&line).unwrap() else {
            panic!()
        };
        assert_eq!(s.addr(), ok.parse().unwrap());
    }
    for bad in [
        "256.0.0.1:1",
        "1.2.3:1",
        "1.2.3.4.5:1",
        "01.2.3.4:1",
        "1.2.3.4:",
        "1.2.3.4:x",
        "1.2.3.4:123456",
        "1.2.3.4",
    ] {
        let line = format!("SMETHOD t {bad}");
        assert!(
            matches!(parse(&line), Err(Error::BadAddress { .. })),
            "{bad}"
        );
        assert!(
            bad.parse::<std::net::SocketAddr>().is_err(),
            "core::net agrees on {bad}"
        );
    }
}

/// Ports are read as tor's `tor_addr_port_parse` reads them (`strtol` in base 10): leading zeros
/// are taken, however many, on both address forms (the rule is pt-env's
/// `parse_socket_addr`, which pt-ipc calls behind its IPv4 fast path).
#[test]
fn ports_with_leading_zeros() {
    for (field, port) in [
        ("127.0.0.1:080", 80),
        ("127.0.0.1:0000000080", 80),
        ("[::1]:000443", 443),
    ] {
        let line = format!("CMETHOD t socks5 {field}");
        let Message::Cmethod(c) = parse(&line).unwrap() else {
            panic!("{line}")
        };
        assert_eq!(c.addr().port(), port, "{line}");
    }
    for zero in ["127.0.0.1:00000", "[::1]:0"] {
        let line = format!("CMETHOD t socks5 {zero}");
        assert!(
            matches!(parse(&line), Err(Error::ZeroPort { .. })),
            "{line}"
        );
    }
}

/// Found by the `ipc_line` fuzz target: every trailing CR goes, so the rest reads back the same.
#[test]
fn trailing_carriage_returns() {
    let m = parse("4  2\r\r").unwrap();
    assert_eq!(m.to_string(), "4 2");
    assert_eq!(Message::parse(m.to_string().as_bytes()).unwrap(), m);
    assert!(matches!(parse("VERSION 1\r\r\r"), Ok(Message::Version(v)) if v == "1"));
}

/// Error messages name the problem in words, for a parent's log.
#[test]
fn error_messages_are_words() {
    let e = parse(r#"LOG SEVERITY=bogus MESSAGE="x""#).unwrap_err();
    assert_eq!(e.to_string(), "LOG: unknown severity at offset 13");
    let e = parse(r#"LOG SEVERITY=notice MESSAGE="x"#).unwrap_err();
    assert_eq!(e.to_string(), "C string: no closing quote at offset 30");
}
