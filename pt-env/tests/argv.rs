//! The PT 2.x/3.0 command line (pt2 Dispatcher IPC sections 1, 2 and 7): Go `flag` syntax
//! (behaviours: `pt2-flag-syntax`), flags against variables by dialect (`pt2-flags-vs-env`),
//! the exclusive and split flag groups (`pt2-exclusive-flags`), options by dialect
//! (`pt2-options-format`), `-mode` (`pt2-mode-case`), and the command lines Operator
//! Foundation's own tools pass the dispatcher.

mod common;

use pt_env::{
    Config, Dialect, Dialects, Env, Error, Flag, FlagSpec, Host, LogLevel, Mode, Origin, PtConfig,
    TransportOptions, Var,
};

const ALL: Config = Config::DEFAULT.with_dialects(Dialects::ALL);

fn run<'a>(vars: &'a [(&'a str, &'a str)], argv: &'a [&'a str]) -> Result<PtConfig<'a>, Error> {
    Env::from_pairs(vars).with_argv(argv, &[])?.parse(&ALL)
}

/// Go's `flag` package: `-f v`, `-f=v`, `--f`, booleans by presence or `=bool`, `--` ends the
/// flags, the first non-flag ends them too, the last value of a repeated flag counts.
#[test]
fn go_flag_syntax() {
    let argv = [
        "-ptversion=2",
        "--state",
        "-odd-but-a-value",
        "-transports",
        "a,b",
        "-transports",
        "c",
        "-exit-on-stdin-close",
        "-client=false",
        "--",
        "-server",
        "rest",
    ];
    let env = Env::new().with_argv(&argv, &[]).unwrap();
    assert_eq!(env.flag(Flag::PtVersion), Some(&b"2"[..]));
    assert_eq!(env.flag(Flag::State), Some(&b"-odd-but-a-value"[..]));
    assert_eq!(env.flag(Flag::Transports), Some(&b"c"[..]));
    assert_eq!(env.flag(Flag::ExitOnStdinClose), Some(&b"true"[..]));
    assert_eq!(env.flag(Flag::Client), Some(&b"false"[..]));
    assert_eq!(env.flag(Flag::Server), None);
    assert_eq!(env.positional(), [&b"-server"[..], b"rest"]);

    // A boolean never takes the next argument: `true` here is the first positional one.
    let env = Env::new()
        .with_argv(&["-client", "true", "-server"], &[])
        .unwrap();
    assert_eq!(env.flag(Flag::Client), Some(&b"true"[..]));
    assert_eq!(env.positional(), [&b"true"[..], b"-server"]);
    // `-` alone is positional and ends the flags.
    let env = Env::new().with_argv(&["-", "-client"], &[]).unwrap();
    assert_eq!(env.positional(), [&b"-"[..], b"-client"]);
    // strconv.ParseBool spellings.
    for (v, b) in [
        ("1", "true"),
        ("t", "true"),
        ("TRUE", "true"),
        ("F", "false"),
        ("0", "false"),
    ] {
        let arg = [format!("-udp={v}")];
        let env = Env::new().with_argv(&arg, &[]).unwrap();
        assert_eq!(env.flag(Flag::Udp), Some(b.as_bytes()), "{v}");
    }
    // Errors, with the argument's index.
    let errors: &[(&[&str], Error)] = &[
        (
            &["-nosuch"],
            Error::UnknownFlag {
                index: 0,
                flag: echo("nosuch"),
            },
        ),
        (
            &["-state"],
            Error::FlagNeedsValue {
                index: 0,
                flag: echo("state"),
            },
        ),
        (
            &["-client", "-=x"],
            Error::BadFlagSyntax {
                index: 1,
                arg: echo("-=x"),
            },
        ),
        (
            &["---client"],
            Error::BadFlagSyntax {
                index: 0,
                arg: echo("---client"),
            },
        ),
        (
            &["-udp=yes"],
            Error::InvalidBool {
                index: 0,
                value: echo("yes"),
            },
        ),
        // Names are case-sensitive, as Go's: the Swift dispatcher's `-optionsfile` is not ours.
        (
            &["-optionsfile", "x"],
            Error::UnknownFlag {
                index: 0,
                flag: echo("optionsfile"),
            },
        ),
    ];
    for (argv, want) in errors {
        assert_eq!(
            Env::new().with_argv(*argv, &[]).unwrap_err(),
            *want,
            "{argv:?}"
        );
    }
}

fn echo(s: &str) -> pt_env::Echo {
    pt_env::Echo::new(s.as_bytes())
}

/// The PT's own flags, declared with `FlagSpec`, are collected (last value wins).
#[test]
fn own_flags() {
    let argv = [
        "-logLevel",
        "DEBUG",
        "-enableLogging",
        "-logLevel=INFO",
        "-ptversion",
        "2",
    ];
    let own = [
        FlagSpec::value("logLevel"),
        FlagSpec::boolean("enableLogging"),
    ];
    let env = Env::new().with_argv(&argv, &own).unwrap();
    assert_eq!(
        env.extra_flags(),
        [
            (&b"logLevel"[..], &b"INFO"[..]),
            (&b"enableLogging"[..], &b"true"[..])
        ]
    );
    assert_eq!(env.flag(Flag::PtVersion), Some(&b"2"[..]));
}

/// transport-canary's command line for the dispatcher (pt2 Dispatcher IPC section 6), PT 2.0.
#[test]
fn transport_canary_command_line() {
    let argv = [
        "-transparent",
        "-client",
        "-target",
        "203.0.113.9:2345",
        "-transports",
        "shadow",
        "-options",
        r#"{"password": "1234", "cipherName": "DarkStar"}"#,
        "-state",
        "/tmp/state",
        "-ptversion",
        "2",
        "-proxylistenaddr",
        "127.0.0.1:1234",
        "-logLevel",
        "DEBUG",
        "-enableLogging",
    ];
    let own = [
        FlagSpec::value("logLevel"),
        FlagSpec::boolean("enableLogging"),
    ];
    let env = Env::new().with_argv(&argv, &own).unwrap();
    let PtConfig::Client(c) = env.parse(&ALL).unwrap() else {
        panic!()
    };
    assert_eq!(c.common.version.token(), "2");
    assert_eq!(c.common.version.dialect(), Dialect::Pt2);
    assert_eq!(c.common.mode, Some(Mode::TransparentTcp));
    assert_eq!(c.transports, ["shadow"]);
    assert_eq!(c.target.unwrap().to_string(), "203.0.113.9:2345");
    assert_eq!(c.proxy_listen, Some("127.0.0.1:1234".parse().unwrap()));
    match c.options.unwrap() {
        TransportOptions::Json(j) => assert!(j.as_str().contains("DarkStar")),
        other => panic!("{other:?}"),
    }
}

/// A PT 3.0 server with the split flags and an options file, and the target as a host name.
#[test]
fn pt3_server_split_flags() {
    let argv = [
        "-ptversion",
        "3.0",
        "-server",
        "-transport",
        "shadow",
        "-bindhost",
        "0.0.0.0",
        "-bindport",
        "1234",
        "-targethost",
        "example.com",
        "-targetport",
        "9922",
        "-optionsFile",
        "shadow.json",
        "-state",
        "state",
    ];
    let PtConfig::Server(s) = run(&[], &argv).unwrap() else {
        panic!()
    };
    assert_eq!(s.bind_addr("shadow"), Some("0.0.0.0:1234".parse().unwrap()));
    let t = s.or_port.unwrap();
    assert_eq!(t.host, Host::Name("example.com".into()));
    assert_eq!(t.port, 9922);
    assert_eq!(
        s.options,
        Some(TransportOptions::File(pt_env::FsPath::new(b"shadow.json")))
    );
    // Relative state: allowed from PT 2.2 on.
    assert_eq!(s.common.state_location.unwrap().as_bytes(), b"state");
}

/// 2.0/2.1: a flag overrides the variable. 2.2: both is an error. 3.0: variables other than
/// the version are not read (behaviours: `pt2-flags-vs-env`).
#[test]
fn flags_against_variables_by_dialect() {
    let vars = [
        ("TOR_PT_STATE_LOCATION", "/from/env/"),
        ("TOR_PT_CLIENT_TRANSPORTS", "envt"),
    ];
    let flags =
        |v: &'static str| -> Vec<&'static str> { vec!["-ptversion", v, "-state", "/from/flag/"] };
    // PT 2.0: the flag wins, the env's transports are read.
    let argv = flags("2.1");
    let c = run(&vars, &argv).unwrap();
    assert_eq!(
        c.common().state_location.as_ref().unwrap().as_bytes(),
        b"/from/flag/"
    );
    assert_eq!(c.as_client().unwrap().transports, ["envt"]);
    // PT 1.0 too: flags, where given, win.
    let argv = ["-state", "/from/flag/"];
    let v1 = [("TOR_PT_MANAGED_TRANSPORT_VER", "1"), vars[0], vars[1]];
    let c = run(&v1, &argv).unwrap();
    assert_eq!(
        c.common().state_location.as_ref().unwrap().as_bytes(),
        b"/from/flag/"
    );
    // PT 2.2: both given is an error.
    let argv = flags("2.2");
    assert_eq!(
        run(&vars, &argv).unwrap_err(),
        Error::BothSet {
            var: Var::StateLocation,
            flag: Flag::State
        }
    );
    // PT 3.0: the variables are not read: no transports.
    let argv = flags("3.0");
    assert_eq!(
        run(&vars, &argv).unwrap_err(),
        Error::Missing {
            var: None,
            flag: Some(Flag::Transports)
        }
    );
    // The version itself: the flag wins (3.0 Base section 4.2), except that 2.2 forbids both.
    let both = [("TOR_PT_MANAGED_TRANSPORT_VER", "1")];
    let env = Env::from_pairs(&both)
        .with_argv(&["-ptversion", "3.0"], &[])
        .unwrap();
    assert_eq!(env.negotiate(&ALL).unwrap().token(), "3.0");
    let env = Env::from_pairs(&both)
        .with_argv(&["-ptversion", "2.2"], &[])
        .unwrap();
    assert_eq!(
        env.negotiate(&ALL).unwrap_err(),
        Error::BothSet {
            var: Var::ManagedTransportVer,
            flag: Flag::PtVersion
        }
    );
    // 3.0 reads the variable when the flag is absent.
    let env = Env::from_pairs(&[("TOR_PT_MANAGED_TRANSPORT_VER", "3.0")]);
    assert_eq!(env.negotiate(&ALL).unwrap().dialect(), Dialect::Pt3);
}

/// Negotiation: the newest supported dialect offered, its first token as offered; no list
/// means the newest version from 2.2 on (behaviours: `env-version-negotiation`).
#[test]
fn negotiation_by_dialect() {
    let cases: &[(&str, Dialects, Option<&str>)] = &[
        ("1,2.2,3.0", Dialects::ALL, Some("3.0")),
        ("1,2.1,2.0", Dialects::PT1.with(Dialect::Pt2), Some("2.1")),
        ("2.0,1", Dialects::ALL, Some("2.0")),
        (
            "1,1a,2.2,this_is_a_valid_version",
            Dialects::ALL,
            Some("2.2"),
        ),
        ("2", Dialects::PT1, None),
        ("3", Dialects::ALL, None),
        ("1.0", Dialects::ALL, None),
    ];
    for &(list, dialects, want) in cases {
        let pairs = [("TOR_PT_MANAGED_TRANSPORT_VER", list)];
        let got = Env::from_pairs(&pairs).negotiate(&Config::DEFAULT.with_dialects(dialects));
        assert_eq!(
            got.ok().map(|v| v.token().to_owned()).as_deref(),
            want,
            "{list}"
        );
    }
    // No list at all.
    let none = Env::new();
    assert_eq!(none.negotiate(&ALL).unwrap().token(), "3.0");
    let upto22 = Config::DEFAULT.with_dialects(Dialects::PT1.with(Dialect::Pt22));
    assert_eq!(none.negotiate(&upto22).unwrap().token(), "2.2");
    let upto2 = Config::DEFAULT.with_dialects(Dialects::PT1.with(Dialect::Pt2));
    assert_eq!(
        none.negotiate(&upto2).unwrap_err(),
        Error::Missing {
            var: Some(Var::ManagedTransportVer),
            flag: Some(Flag::PtVersion)
        }
    );
}

/// The groups that exclude each other, and the split forms that need all their parts
/// (behaviours: `pt2-exclusive-flags`).
#[test]
fn exclusive_and_split_flags() {
    use Error::{Exclusive, Incomplete};
    let f = Origin::Flag;
    let cases: &[(&[&str], Error)] = &[
        (
            &["-client", "-server"],
            Exclusive {
                first: f(Flag::Client),
                second: f(Flag::Server),
            },
        ),
        (
            &["-transport", "a", "-transports", "a"],
            Exclusive {
                first: f(Flag::Transport),
                second: f(Flag::Transports),
            },
        ),
        (
            &[
                "-transport",
                "a",
                "-options",
                "{}",
                "-optionsFile",
                "o.json",
            ],
            Exclusive {
                first: f(Flag::Options),
                second: f(Flag::OptionsFile),
            },
        ),
        (
            &["-transport", "a", "-mode", "STUN", "-udp"],
            Exclusive {
                first: f(Flag::Mode),
                second: f(Flag::Udp),
            },
        ),
        (
            &[
                "-transport",
                "a",
                "-proxylistenaddr",
                "127.0.0.1:1",
                "-proxylistenhost",
                "127.0.0.1",
                "-proxylistenport",
                "1",
            ],
            Exclusive {
                first: f(Flag::ProxyListenAddr),
                second: f(Flag::ProxyListenHost),
            },
        ),
        (
            &["-transport", "a", "-proxylistenport", "1"],
            Incomplete {
                given: Flag::ProxyListenPort,
                missing: Flag::ProxyListenHost,
            },
        ),
        (
            &[
                "-server",
                "-transport",
                "a",
                "-target",
                "127.0.0.1:1",
                "-orport",
                "127.0.0.1:2",
            ],
            Exclusive {
                first: f(Flag::OrPort),
                second: f(Flag::Target),
            },
        ),
        (
            &[
                "-server",
                "-transport",
                "a",
                "-target",
                "127.0.0.1:1",
                "-targethost",
                "127.0.0.1",
                "-targetport",
                "1",
            ],
            Exclusive {
                first: f(Flag::Target),
                second: f(Flag::TargetHost),
            },
        ),
        (
            &["-server", "-transport", "a", "-targethost", "127.0.0.1"],
            Incomplete {
                given: Flag::TargetHost,
                missing: Flag::TargetPort,
            },
        ),
        (
            &[
                "-server",
                "-transports",
                "a,b",
                "-bindhost",
                "0.0.0.0",
                "-bindport",
                "1",
                "-target",
                "127.0.0.1:1",
            ],
            Incomplete {
                given: Flag::BindHost,
                missing: Flag::Transport,
            },
        ),
        (
            &[
                "-server",
                "-transport",
                "a",
                "-bindaddr",
                "a-0.0.0.0:1",
                "-bindhost",
                "0.0.0.0",
                "-bindport",
                "1",
            ],
            Exclusive {
                first: f(Flag::BindAddr),
                second: f(Flag::BindHost),
            },
        ),
    ];
    for (tail, want) in cases {
        let mut argv = vec!["-ptversion", "2.2"];
        argv.extend_from_slice(tail);
        assert_eq!(run(&[], &argv).unwrap_err(), *want, "{tail:?}");
    }
    // `-transport` against the variable: PT 2.2 calls it both; 2.0 takes the flag as the one
    // that excludes the list.
    let vars = [("TOR_PT_CLIENT_TRANSPORTS", "a")];
    let argv = ["-ptversion", "2.1", "-transport", "b", "-state", "/s/"];
    assert_eq!(
        run(&vars, &argv).unwrap_err(),
        Exclusive {
            first: f(Flag::Transport),
            second: Origin::Env(Var::ClientTransports)
        }
    );
}

/// The dispatcher's legacy mode flags, and `-mode`'s case (behaviours: `pt2-mode-case`).
#[test]
fn modes() {
    let cases: &[(&[&str], Option<Mode>)] = &[
        (&[], None),
        (&["-transparent"], Some(Mode::TransparentTcp)),
        (&["-transparent", "-udp"], Some(Mode::TransparentUdp)),
        (&["-udp"], Some(Mode::Stun)),
        (&["-transparent=false"], None),
        (&["-mode", "socks5"], Some(Mode::Socks5)),
        (&["-mode", "transparent-TCP"], Some(Mode::TransparentTcp)),
        (&["-mode", "transparent-tcp"], Some(Mode::TransparentTcp)),
        (&["-mode=STUN"], Some(Mode::Stun)),
    ];
    for (tail, want) in cases {
        let mut argv = vec!["-ptversion", "2.2", "-transport", "a"];
        argv.extend_from_slice(tail);
        assert_eq!(run(&[], &argv).unwrap().common().mode, *want, "{tail:?}");
    }
    let strict = Config::STRICT.with_dialects(Dialects::ALL);
    let argv = [
        "-ptversion",
        "2.2",
        "-transport",
        "a",
        "-mode",
        "transparent-tcp",
    ];
    let e = Env::new()
        .with_argv(&argv, &[])
        .unwrap()
        .parse(&strict)
        .unwrap_err();
    assert!(matches!(
        e,
        Error::InvalidValue {
            origin: Origin::Flag(Flag::Mode),
            ..
        }
    ));
    let argv = [
        "-ptversion",
        "2.2",
        "-transport",
        "a",
        "-ipcLogLevel",
        "warn",
    ];
    assert_eq!(
        run(&[], &argv).unwrap().common().ipc_log_level,
        Some(LogLevel::Warn)
    );
}

/// Options: k=v in PT 1.0 and (by the 2.0/2.1 text) 2.x unless the value starts with `{`;
/// JSON from 2.2 on (behaviours: `pt2-options-format`).
#[test]
fn options_format_by_dialect() {
    let kv = "t:k=v";
    let json = r#" {"t": {"k": "v"}}"#;
    for (version, value, is_json) in [
        ("2", kv, false),
        ("2.1", json, true),
        ("2.2", json, true),
        ("3.0", json, true),
    ] {
        let argv = [
            "-ptversion",
            version,
            "-server",
            "-transport",
            "t",
            "-options",
            value,
            "-target",
            "127.0.0.1:1",
            "-state",
            "/s/",
        ];
        let c = run(&[], &argv).unwrap();
        let o = c.as_server().unwrap().options.clone().unwrap();
        assert_eq!(
            matches!(o, TransportOptions::Json(_)),
            is_json,
            "{version} {value}"
        );
    }
    // The variable in PT 1.0 is k=v even if it starts with `{` (a transport named `{t`).
    let vars = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", "/s/"),
        ("TOR_PT_SERVER_TRANSPORTS", "t"),
        ("TOR_PT_ORPORT", "127.0.0.1:1"),
        ("TOR_PT_SERVER_TRANSPORT_OPTIONS", "{t:k=v"),
    ];
    let s = pt_env::parse(&vars, &ALL).unwrap();
    assert!(matches!(
        s.as_server().unwrap().options,
        Some(TransportOptions::KeyValue(_))
    ));
    // `-optionsFile` content parses as the dialect reads `-options`.
    let content = br#"{"serverAddress": "192.0.2.1:443"}"#;
    let o = TransportOptions::parse_file(content, Dialect::Pt3, &ALL).unwrap();
    assert!(matches!(o, TransportOptions::Json(_)));
}

/// A PT 2.2 process with no `-client`/`-server` and no variable is a client.
#[test]
fn pt22_default_is_client() {
    let argv = ["-ptversion", "2.2", "-transports", "a,b"];
    assert!(matches!(run(&[], &argv).unwrap(), PtConfig::Client(_)));
    let argv = ["-ptversion", "2.2"];
    assert_eq!(
        run(&[], &argv).unwrap_err(),
        Error::Missing {
            var: Some(Var::ClientTransports),
            flag: Some(Flag::Transports)
        }
    );
}
