//! Every error's line, pinned byte for byte, with its stream and exit code in each dialect
//! (`pt-spec.txt` section 3.3.1; pt2 Dispatcher IPC "exit codes": `ENV-ERROR` 64,
//! `PROXY-ERROR` 69, `VERSION-ERROR` 78, on stderr; behaviours: `pt2-error-streams-exit-codes`).
//! The messages keep goptlib's and obfs4proxy's wording where they have one.

mod common;

use pt_env::{
    Config, Dialect, Dialects, EX_CONFIG, EX_UNAVAILABLE, EX_USAGE, EXIT_FAILURE, Env, Error,
    Keyword, Stream,
};

const ALL: Config = Config::DEFAULT.with_dialects(Dialects::ALL);

/// The error `vars` and `argv` give: from `with_argv`, `negotiate` or `config`, with the
/// dialect agreed before it (if any).
fn failure(vars: &[(&str, &str)], argv: &[&str], config: &Config) -> (Error, Option<Dialect>) {
    let env = match Env::from_pairs(vars).with_argv(argv, &[]) {
        Ok(e) => e,
        Err(e) => return (e, None),
    };
    let v = match env.negotiate(config) {
        Ok(v) => v,
        Err(e) => return (e, None),
    };
    let d = v.dialect();
    match env.config(v, config) {
        Ok(c) => panic!("{vars:?} {argv:?}: expected an error, got {c:?}"),
        Err(e) => (e, Some(d)),
    }
}

const V1_CLIENT: &[(&str, &str)] = &[
    ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
    ("TOR_PT_STATE_LOCATION", "/s/"),
    ("TOR_PT_CLIENT_TRANSPORTS", "obfs4"),
];

/// `(vars, argv, config, line)`.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], Config, &'a str);

/// Every kind of error a PT can meet.
#[test]
fn lines_pinned() {
    let v1 = &[("TOR_PT_MANAGED_TRANSPORT_VER", "1")][..];
    let cases: &[Case] = &[
        (
            &[("TOR_PT_MANAGED_TRANSPORT_VER", "2")],
            &[],
            Config::DEFAULT,
            "VERSION-ERROR no-version",
        ),
        (
            &[],
            &[],
            Config::DEFAULT,
            "ENV-ERROR no TOR_PT_MANAGED_TRANSPORT_VER environment variable",
        ),
        (
            &[("TOR_PT_MANAGED_TRANSPORT_VER", "1,,2")],
            &[],
            Config::STRICT,
            "ENV-ERROR TOR_PT_MANAGED_TRANSPORT_VER: malformed version list at byte 2: expected \
             versions of printable ASCII without spaces, separated by ','",
        ),
        (
            &[
                ("TOR_PT_MANAGED_TRANSPORT_VER", "2"),
                ("TOR_PT_CLIENT_TRANSPORTS", "obfs4"),
            ],
            &[],
            ALL,
            "ENV-ERROR no TOR_PT_STATE_LOCATION environment variable or -state flag",
        ),
        (
            v1,
            &[],
            Config::DEFAULT,
            "ENV-ERROR not launched as a managed transport: neither TOR_PT_CLIENT_TRANSPORTS \
             nor TOR_PT_SERVER_TRANSPORTS is set",
        ),
        (
            &[],
            &["-ptversion", "3.0"],
            ALL,
            "ENV-ERROR no -transports flag",
        ),
        (
            &[],
            &["-ptversion", "3.0", "-server", "-transport", "obfs4"],
            ALL,
            "ENV-ERROR need -target or -extorport",
        ),
        (
            &[],
            &[
                "-ptversion",
                "2.2",
                "-server",
                "-transport",
                "obfs4",
                "-state",
                "s",
            ],
            ALL,
            "ENV-ERROR need TOR_PT_ORPORT, TOR_PT_EXTENDED_SERVER_PORT, -orport, -target or \
             -extorport",
        ),
        (
            &[],
            &[
                "-ptversion",
                "3.0",
                "-server",
                "-transport",
                "obfs4",
                "-extorport",
                "127.0.0.1:1",
            ],
            ALL,
            "ENV-ERROR No -authcookie when -extorport set",
        ),
        (
            &[],
            &[
                "-ptversion",
                "3.0",
                "-transport",
                "obfs4",
                "-target",
                "192.0.2.1:443",
            ],
            ALL,
            "ENV-ERROR -target is not allowed here in PT 3.0",
        ),
        (
            &[],
            &["-ptversion", "2.2", "-transport", "obfs4", "-mode", "bogus"],
            ALL,
            "ENV-ERROR invalid value \"bogus\" for -mode: expected socks5, transparent-TCP, \
             transparent-UDP or STUN",
        ),
        (
            &[],
            &[
                "-ptversion",
                "2.2",
                "-transport",
                "obfs4",
                "-ipcLogLevel",
                "LOUD",
            ],
            ALL,
            "ENV-ERROR invalid value \"LOUD\" for -ipcLogLevel: expected NONE, ERROR, WARN, INFO \
             or DEBUG",
        ),
        (
            &[],
            &["-enableLogging"],
            ALL,
            "ENV-ERROR flag provided but not defined: -enableLogging",
        ),
        (
            &[],
            &["-transport", "a", "-state"],
            ALL,
            "ENV-ERROR flag needs an argument: -state",
        ),
        (
            &[],
            &["---x"],
            ALL,
            "ENV-ERROR bad flag syntax: \"---x\" (argument 0)",
        ),
        (
            &[],
            &["-client=maybe"],
            ALL,
            "ENV-ERROR invalid boolean value \"maybe\" (argument 0): expected true or false",
        ),
        (
            &[("TOR_PT_STATE_LOCATION", "/s/")],
            &["-ptversion", "2.2", "-transport", "a", "-state", "/t/"],
            ALL,
            "ENV-ERROR both TOR_PT_STATE_LOCATION and -state are set: PT 2.2 allows only one",
        ),
        (
            &[],
            &["-ptversion", "2.2", "-transport", "a", "-transports", "a,b"],
            ALL,
            "ENV-ERROR -transport and -transports cannot both be set",
        ),
        (
            &[],
            &[
                "-ptversion",
                "2.2",
                "-server",
                "-transport",
                "a",
                "-bindhost",
                "0.0.0.0",
            ],
            ALL,
            "ENV-ERROR -bindhost needs -bindport",
        ),
        (
            &[],
            &["-ptversion", "2.2", "-transport", "a", "-options", "k=v"],
            ALL,
            "ENV-ERROR -options: invalid JSON options: expected a JSON object",
        ),
        (
            &[
                ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
                ("TOR_PT_STATE_LOCATION", "/s/"),
                ("TOR_PT_SERVER_TRANSPORTS", "a"),
                ("TOR_PT_ORPORT", "127.0.0.1:1"),
                ("TOR_PT_AUTH_COOKIE_FILE", "/c"),
            ],
            &[],
            Config::STRICT,
            "ENV-ERROR TOR_PT_AUTH_COOKIE_FILE set without an extended server port",
        ),
        (
            &[
                ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
                ("TOR_PT_STATE_LOCATION", "/s/"),
                ("TOR_PT_SERVER_TRANSPORTS", "a"),
                ("TOR_PT_ORPORT", "127.0.0.1:1"),
                ("TOR_PT_SERVER_BINDADDR", "b-127.0.0.1:2"),
            ],
            &[],
            Config::STRICT,
            "ENV-ERROR TOR_PT_SERVER_BINDADDR: \"b-127.0.0.1:2\": names a transport that is not \
             being launched",
        ),
        (
            &[
                ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
                ("TOR_PT_STATE_LOCATION", "/s/"),
                ("TOR_PT_CLIENT_TRANSPORTS", "a"),
                ("TOR_PT_OUTBOUND_BIND_ADDRESS_V4", "::1"),
            ],
            &[],
            Config::DEFAULT,
            "ENV-ERROR cannot resolve TOR_PT_OUTBOUND_BIND_ADDRESS_V4 \"::1\": wrong address \
             family at byte 0",
        ),
    ];
    for (vars, argv, config, line) in cases {
        let (e, _) = failure(vars, argv, config);
        assert_eq!(e.line().to_string(), *line, "{vars:?} {argv:?}");
        assert_eq!(e.to_string(), e.line().message);
    }
}

/// Quoted values are escaped and cut at `ECHO_MAX` bytes, so a line never breaks.
#[test]
fn quoted_values_are_escaped_and_bounded() {
    let long = format!("{}\n\"x", "a".repeat(100));
    let pairs = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", "/s/"),
        ("TOR_PT_SERVER_TRANSPORTS", "a"),
        ("TOR_PT_ORPORT", long.as_str()),
    ];
    let (e, _) = failure(&pairs, &[], &Config::DEFAULT);
    let line = e.line().to_string();
    assert!(!line.contains('\n'));
    assert!(
        line.contains(&format!("\"{}...\"", "a".repeat(pt_env::ECHO_MAX))),
        "{line}"
    );
    let (e, _) = failure(&[], &["-x\n\"y"], &ALL);
    assert_eq!(
        e.line().to_string(),
        "ENV-ERROR flag provided but not defined: -x\\n\\\"y"
    );
}

/// PT 1.0: stdout, exit 1. PT 2.x/3.0: stderr, sysexits by keyword. A `VERSION-ERROR` before
/// any version is agreed follows the newest dialect the parent offered.
#[test]
fn streams_and_exit_codes() {
    // ENV-ERROR after VERSION 1.
    let (e, d) = failure(&V1_CLIENT[..2], &[], &ALL);
    assert_eq!(d, Some(Dialect::Pt1));
    assert_eq!(
        (e.stream(d), e.exit_code(d)),
        (Stream::Stdout, EXIT_FAILURE)
    );
    for dialect in [Dialect::Pt2, Dialect::Pt22, Dialect::Pt3] {
        assert_eq!(
            (e.stream(Some(dialect)), e.exit_code(Some(dialect))),
            (Stream::Stderr, EX_USAGE)
        );
    }
    // PROXY-ERROR.
    let mut proxy = V1_CLIENT.to_vec();
    proxy.push(("TOR_PT_PROXY", "https://127.0.0.1:1"));
    let (e, _) = failure(&proxy, &[], &ALL);
    assert_eq!(e.keyword(), Keyword::ProxyError);
    assert_eq!(e.exit_code(Some(Dialect::Pt1)), EXIT_FAILURE);
    assert_eq!(
        (
            e.stream(Some(Dialect::Pt2)),
            e.exit_code(Some(Dialect::Pt2))
        ),
        (Stream::Stderr, EX_UNAVAILABLE)
    );
    // VERSION-ERROR: tor's `2` is PT 2.0 to us, so stderr and 78; an unknown token is PT 1.0's
    // stdout.
    for (list, stream, code) in [
        ("2", Stream::Stderr, EX_CONFIG),
        ("1a,3.0", Stream::Stderr, EX_CONFIG),
        ("7", Stream::Stdout, EXIT_FAILURE),
    ] {
        let pairs = [("TOR_PT_MANAGED_TRANSPORT_VER", list)];
        let e = Env::from_pairs(&pairs)
            .negotiate(&Config::DEFAULT)
            .unwrap_err();
        assert_eq!(e.line().to_string(), "VERSION-ERROR no-version");
        assert_eq!(
            (e.stream(None), e.exit_code(None)),
            (stream, code),
            "{list}"
        );
    }
    assert_eq!(Keyword::EnvError.sysexits_code(), 64);
    assert_eq!(Keyword::ProxyError.sysexits_code(), 69);
    assert_eq!(Keyword::VersionError.sysexits_code(), 78);
}

/// Lines write into any `BufMut`, with their line feed, or not at all.
#[test]
fn lines_write_into_bufmut() {
    let e = Env::from_pairs(&[("TOR_PT_MANAGED_TRANSPORT_VER", "2")])
        .negotiate(&Config::DEFAULT)
        .unwrap_err();
    let line = e.line();
    let mut out = Vec::new();
    assert_eq!(line.write(&mut out).unwrap(), 25);
    assert_eq!(out, b"VERSION-ERROR no-version\n");
    assert_eq!(line.encoded_len(), 25);
    let mut small = [0u8; 10];
    let mut buf: &mut [u8] = &mut small;
    assert_eq!(
        line.write(&mut buf),
        Err(Error::BufferTooSmall {
            needed: 25,
            available: 10
        })
    );
    assert_eq!(small, [0; 10]);
    let v = Env::from_pairs(V1_CLIENT)
        .negotiate(&Config::DEFAULT)
        .unwrap();
    let mut out = Vec::new();
    v.write_line(&mut out).unwrap();
    assert_eq!(out, b"VERSION 1\n");
    assert_eq!(v.line_len(), 10);
}

/// Errors carry an offset where there is a position.
#[test]
fn offsets() {
    let (e, _) = failure(&[], &["-ptversion", "2.2", "-x"], &ALL);
    assert_eq!(e.offset(), Some(2));
    let mut pairs = V1_CLIENT.to_vec();
    pairs[2].1 = "obfs4,meek-lite";
    let (e, _) = failure(&pairs, &[], &ALL);
    assert_eq!(e.offset(), Some(10));
}
