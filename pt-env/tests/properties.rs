//! Properties: what a builder writes parses back to the same configuration (environment in PT
//! 1.0, command line in PT 2.0 to 3.0, under every policy that takes it); any `(name, value)`
//! pairs and any argv give a configuration or an error, never a panic, and an error's line is
//! one line; whatever parses and builds parses again to the same thing.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use proptest::prelude::*;
use pt_args::TransportName;
use pt_args::options::ServerTransportOptions;
use pt_env::{
    ClientConfig, Config, Dialect, Dialects, Env, FsPath, HostPort, JsonOptions, LogLevel, Mode,
    Proxy, ProxyAuth, ProxyScheme, PtConfig, ServerConfig, TransportOptions, Var, Version,
};

const ALL: Config = Config::DEFAULT.with_dialects(Dialects::ALL);

fn transport() -> impl Strategy<Value = TransportName<'static>> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,8}".prop_map(|s| TransportName::from_string(s).unwrap())
}

fn transports() -> impl Strategy<Value = Vec<TransportName<'static>>> {
    proptest::collection::vec(transport(), 1..4)
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|x| IpAddr::V4(Ipv4Addr::from(x))),
        any::<u128>().prop_map(|x| IpAddr::V6(Ipv6Addr::from(x))),
    ]
}

fn socket_addr() -> impl Strategy<Value = SocketAddr> {
    (ip(), any::<u16>()).prop_map(|(i, p)| SocketAddr::new(i, p))
}

/// Bytes with none of `banned`.
fn bytes(len: std::ops::Range<usize>, banned: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), len).prop_map(move |v| {
        v.into_iter()
            .map(|b| if banned.contains(&b) { b'x' } else { b })
            .collect()
    })
}

fn abs_path() -> impl Strategy<Value = FsPath<'static>> {
    bytes(0..24, b"\0").prop_map(|mut v| {
        v.insert(0, b'/');
        FsPath::from_vec(v)
    })
}

fn rel_path() -> impl Strategy<Value = FsPath<'static>> {
    bytes(1..24, b"\0/\\").prop_map(FsPath::from_vec)
}

fn proxy() -> impl Strategy<Value = Proxy<'static>> {
    let auth = |scheme: ProxyScheme| -> BoxedStrategy<Option<ProxyAuth<'static>>> {
        let some = match scheme {
            ProxyScheme::Socks5 => {
                (bytes(1..256, b"\0:"), bytes(1..256, b"\0").prop_map(Some)).boxed()
            }
            ProxyScheme::Socks4a => (bytes(0..20, b"\0:"), Just(None)).boxed(),
            ProxyScheme::Http => (
                bytes(0..20, b"\0:"),
                proptest::option::of(bytes(0..20, b"\0")),
            )
                .boxed(),
        };
        proptest::option::of(some.prop_map(|(u, p)| ProxyAuth {
            user: Cow::Owned(u),
            password: p.map(Cow::Owned),
        }))
        .boxed()
    };
    prop_oneof![
        Just(ProxyScheme::Socks4a),
        Just(ProxyScheme::Socks5),
        Just(ProxyScheme::Http)
    ]
    .prop_flat_map(move |s| (Just(s), auth(s), socket_addr()))
    .prop_map(|(scheme, auth, a)| {
        let mut p = Proxy::new(scheme, a);
        p.auth = auth;
        p
    })
}

fn host_port() -> impl Strategy<Value = HostPort<'static>> {
    prop_oneof![
        socket_addr().prop_map(HostPort::ip),
        ("[a-z][a-z0-9.-]{0,12}", any::<u16>())
            .prop_map(|(n, p)| HostPort::name(&n, p).unwrap().into_owned()),
    ]
}

fn kv_options(
    names: Vec<TransportName<'static>>,
) -> impl Strategy<Value = ServerTransportOptions<'static>> {
    let n = names.len();
    proptest::collection::vec((0..n, bytes(1..8, b"\0"), bytes(0..8, b"\0")), 0..5).prop_map(
        move |items| {
            let mut o = ServerTransportOptions::new();
            for (i, k, v) in items {
                o.push(names[i].as_str(), k, v);
            }
            o
        },
    )
}

/// A PT 1.0 client or server that `to_env` builds.
fn v1_config() -> impl Strategy<Value = PtConfig<'static>> {
    let common = || {
        (
            abs_path(),
            any::<bool>(),
            proptest::option::of(any::<u32>()),
            proptest::option::of(any::<u128>()),
        )
    };
    let client = (common(), transports(), proptest::option::of(proxy())).prop_map(
        |((state, exit, v4, v6), t, proxy)| {
            let mut c =
                ClientConfig::new(Version::V1, Some(state), t).with_exit_on_stdin_close(exit);
            c.common.outbound_bind_v4 = v4.map(Ipv4Addr::from);
            c.common.outbound_bind_v6 = v6.map(Ipv6Addr::from);
            c.proxy = proxy;
            PtConfig::Client(c)
        },
    );
    let server = (common(), transports())
        .prop_flat_map(|(common, t)| {
            let binds = proptest::collection::vec(proptest::option::of(socket_addr()), t.len());
            (
                Just(common),
                Just(t.clone()),
                kv_options(t),
                binds,
                proptest::option::of(socket_addr()),
                proptest::option::of((socket_addr(), abs_path())),
            )
        })
        .prop_filter("needs an ORPort or an ExtORPort", |(.., or, ext)| {
            or.is_some() || ext.is_some()
        })
        .prop_map(|((state, exit, _, _), t, opts, binds, or, ext)| {
            let mut s = ServerConfig::new(Version::V1, Some(state), t.clone())
                .with_exit_on_stdin_close(exit);
            if !opts.is_empty() {
                s.options = Some(TransportOptions::KeyValue(opts));
            }
            for (name, b) in t.iter().zip(binds) {
                if let Some(a) = b
                    && !s.bind_addrs.iter().any(|x| x.transport == *name)
                {
                    s = s.with_bind_addr(name.clone(), a);
                }
            }
            s.or_port = or.map(HostPort::ip);
            if let Some((a, cookie)) = ext {
                s = s.with_ext_or_port(a, cookie);
            }
            PtConfig::Server(s)
        });
    prop_oneof![client, server]
}

/// A PT 2.x/3.0 client or server that `to_argv` builds.
fn flags_config() -> impl Strategy<Value = PtConfig<'static>> {
    let dialect = prop_oneof![Just(Dialect::Pt2), Just(Dialect::Pt22), Just(Dialect::Pt3)];
    let mode = proptest::option::of(prop_oneof![
        Just(Mode::Socks5),
        Just(Mode::TransparentTcp),
        Just(Mode::TransparentUdp),
        Just(Mode::Stun)
    ]);
    let level = proptest::option::of(prop_oneof![
        Just(LogLevel::None),
        Just(LogLevel::Error),
        Just(LogLevel::Warn),
        Just(LogLevel::Info),
        Just(LogLevel::Debug)
    ]);
    (
        dialect,
        mode,
        level,
        any::<bool>(),
        abs_path(),
        rel_path(),
        any::<bool>(),
        transports(),
    )
        .prop_flat_map(|(d, mode, level, exit, abs, rel, server, t)| {
            let version = match d {
                Dialect::Pt2 => Version::V2,
                Dialect::Pt22 => Version::V2_2,
                _ => Version::V3_0,
            };
            let state = if d == Dialect::Pt2 {
                Some(abs)
            } else {
                Some(rel)
            };
            let json = proptest::option::of("[a-zA-Z]{1,6}".prop_map(|k| {
                TransportOptions::Json(
                    JsonOptions::new(&format!(r#"{{"{k}": 1}}"#))
                        .unwrap()
                        .into_owned(),
                )
            }));
            (
                Just((version, state, mode, level, exit, server, t.clone())),
                proptest::option::of(proxy()),
                proptest::option::of(socket_addr()),
                proptest::option::of(host_port()),
                json,
                proptest::collection::vec(proptest::option::of(socket_addr()), t.len()),
                proptest::option::of((socket_addr(), abs_path())),
            )
        })
        .prop_map(
            |(
                (version, state, mode, level, exit, server, t),
                proxy,
                listen,
                target,
                options,
                binds,
                ext,
            )| {
                let d = version.dialect();
                if server {
                    let mut s =
                        ServerConfig::new(version, state, t.clone()).with_exit_on_stdin_close(exit);
                    s.common.mode = mode;
                    s.common.ipc_log_level = level;
                    s.options = options;
                    for (name, b) in t.iter().zip(binds) {
                        if let Some(a) = b
                            && !s.bind_addrs.iter().any(|x| x.transport == *name)
                        {
                            s = s.with_bind_addr(name.clone(), a);
                        }
                    }
                    s.or_port = target.or_else(|| {
                        ext.is_none()
                            .then(|| HostPort::ip(SocketAddr::from(([127, 0, 0, 1], 9001))))
                    });
                    if let Some((a, cookie)) = ext {
                        s = s.with_ext_or_port(a, cookie);
                    }
                    PtConfig::Server(s)
                } else {
                    let mut c = ClientConfig::new(version, state, t).with_exit_on_stdin_close(exit);
                    c.common.mode = mode;
                    c.common.ipc_log_level = level;
                    c.proxy = proxy;
                    c.proxy_listen = listen;
                    c.target = target.filter(|_| d != Dialect::Pt3);
                    c.options = options;
                    PtConfig::Client(c)
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `parse(to_env(x)) == x` in PT 1.0, under every policy.
    #[test]
    fn env_round_trip(config in v1_config()) {
        let vars = config.to_env().unwrap();
        let pairs: Vec<(&str, &[u8])> = vars.iter().collect();
        for policy in [Config::DEFAULT, Config::LENIENT, Config::STRICT] {
            let back = pt_env::parse(pairs.iter().map(|(n, v)| (*n, *v)), &policy).unwrap();
            prop_assert_eq!(&back, &config);
        }
        prop_assert_eq!(config.clone().into_owned(), config);
    }

    /// `parse(to_argv(x)) == x` in PT 2.0, 2.2 and 3.0.
    #[test]
    fn argv_round_trip(config in flags_config()) {
        let argv = config.to_argv().unwrap();
        let env = Env::new().with_argv(argv.iter(), &[]).unwrap();
        let back = env.parse(&ALL).unwrap();
        prop_assert_eq!(back, config);
    }

    /// Any pairs: a configuration or an error, never a panic; an error is one printable line.
    #[test]
    fn any_pairs_never_panic(
        pairs in proptest::collection::vec(
            (0usize..Var::ALL.len() + 1, proptest::collection::vec(any::<u8>(), 0..40)),
            0..14,
        ),
        dialects in any::<u8>(),
    ) {
        let named: Vec<(&[u8], Vec<u8>)> = pairs
            .into_iter()
            .map(|(i, v)| (Var::ALL.get(i).map_or(&b"OTHER"[..], |v| v.name().as_bytes()), v))
            .collect();
        let dialects: Dialects = Dialect::ALL.into_iter().filter(|d| dialects & (1 << (*d as u8)) != 0).collect();
        for policy in [Config::DEFAULT, Config::LENIENT, Config::STRICT] {
            let policy = policy.with_dialects(dialects);
            check(&Env::from_pairs(named.iter().map(|(n, v)| (*n, v))), &policy)?;
        }
    }

    /// Variables drawn from plausible pieces, so that more of them parse.
    #[test]
    fn plausible_pairs_never_panic(
        picks in proptest::collection::vec((0usize..13, 0usize..PIECES.len()), 0..14),
    ) {
        let pairs: Vec<(&str, &str)> = picks.iter().map(|&(v, p)| (Var::ALL[v].name(), PIECES[p])).collect();
        for policy in [Config::DEFAULT, Config::LENIENT, Config::STRICT] {
            check(&Env::from_pairs(&pairs), &policy.with_dialects(Dialects::ALL))?;
        }
    }

    /// Any argv: flags or an error, never a panic.
    #[test]
    fn any_argv_never_panics(args in proptest::collection::vec(
        prop_oneof![
            proptest::sample::select(FLAG_WORDS).prop_map(|s| s.as_bytes().to_vec()),
            proptest::sample::select(PIECES).prop_map(|s| s.as_bytes().to_vec()),
            proptest::collection::vec(any::<u8>(), 0..12),
        ],
        0..16,
    )) {
        match Env::new().with_argv(args.iter(), &[]) {
            Ok(env) => check(&env, &ALL)?,
            Err(e) => prop_assert!(!e.line().to_string().contains('\n')),
        }
    }
}

/// Parses `env`; an error is one line; a result that builds parses back to itself.
fn check(env: &Env<'_>, policy: &Config) -> Result<(), TestCaseError> {
    match env.parse(policy) {
        Err(e) => {
            let line = e.line().to_string();
            prop_assert!(!line.contains('\n') && !line.contains('\0'), "{line:?}");
            prop_assert!(line.is_ascii(), "{line:?}");
        }
        Ok(c) => {
            prop_assert_eq!(c.clone().into_owned(), c.clone());
            if c.version().dialect() == Dialect::Pt1
                && let Ok(vars) = c.to_env()
            {
                let pairs: Vec<(&str, &[u8])> = vars.iter().collect();
                let again = pt_env::parse(pairs.iter().map(|(n, v)| (*n, *v)), policy);
                prop_assert_eq!(again, Ok(c.clone()));
            }
            if c.version().dialect() != Dialect::Pt1
                && let Ok(argv) = c.to_argv()
            {
                let again = Env::new()
                    .with_argv(argv.iter(), &[])
                    .and_then(|e| e.parse(policy));
                prop_assert_eq!(again, Ok(c));
            }
        }
    }
    Ok(())
}

/// Values that mean something somewhere.
const PIECES: &[&str] = &[
    "",
    "1",
    "2",
    "2.2",
    "3.0",
    "1,2.2,3.0",
    "1,,2",
    "/s/",
    "s",
    "obfs4",
    "obfs4,snowflake",
    "*",
    "127.0.0.1:9001",
    "[::1]:80",
    "1:2::3:4:9999",
    "localhost:1",
    "a-127.0.0.1:1",
    "obfs4-0.0.0.0:0,obfs4-[::]:1",
    "obfs4:k=v;obfs4:x=\\;",
    "{\"obfs4\":{}}",
    "{",
    "0",
    "socks5://u:p@127.0.0.1:1080",
    "socks4a://u:p@1.2.3.4:1",
    "http://[::1]:1/",
    "[2001:db8::4]",
    "203.0.113.4",
    "STUN",
    "DEBUG",
    "true",
    "example.com:9922",
];

/// Flags and things that look like flags.
const FLAG_WORDS: &[&str] = &[
    "-ptversion",
    "-state",
    "-exit-on-stdin-close",
    "-ipcLogLevel",
    "-transports",
    "-transport",
    "-options",
    "-optionsFile",
    "-mode",
    "-client",
    "-server",
    "-proxylistenaddr",
    "-proxylistenhost",
    "-proxylistenport",
    "-proxy",
    "-bindaddr",
    "-bindhost",
    "-bindport",
    "-target",
    "-targethost",
    "-targetport",
    "-orport",
    "-extorport",
    "-authcookie",
    "-transparent",
    "-udp",
    "--",
    "-",
    "--client",
    "-client=false",
    "-udp=1",
    "-=x",
    "---x",
];
