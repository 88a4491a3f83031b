//! The parent side: environments and command lines built from typed values, as tor writes
//! them (`transports.c` `create_managed_proxy_environment`, `get_transport_options_for_server_proxy`
//! and `managed_proxy_outbound_address`; test `test_pt_get_transport_options` in
//! `src/test/test_pt.c`), and what the builders refuse because a PT would reject it.

mod common;

use pt_args::TransportName;
use pt_args::options::ServerTransportOptions;
use pt_env::{
    ClientConfig, Config, Dialects, Env, Error, FsPath, HostPort, JsonOptions, LogLevel, Mode,
    PtConfig, ServerConfig, TransportOptions, Var, Version,
};

const ALL: Config = Config::DEFAULT.with_dialects(Dialects::ALL);

fn name(s: &str) -> TransportName<'_> {
    TransportName::new(s).unwrap()
}

fn addr(s: &str) -> std::net::SocketAddr {
    s.parse().unwrap()
}

fn vars(v: &pt_env::EnvVars) -> Vec<(String, String)> {
    v.iter()
        .map(|(n, x)| (n.to_owned(), String::from_utf8(x.to_vec()).unwrap()))
        .collect()
}

/// tor's server environment: `TOR_PT_SERVER_TRANSPORT_OPTIONS` exactly as
/// `test_pt_get_transport_options` expects it (no `=` in the values, so our escaping of `=`
/// does not show), an empty `TOR_PT_EXTENDED_SERVER_PORT` without an ExtORPort (A26), and no
/// `TOR_PT_ORPORT` without one (A27).
#[test]
fn tor_server_environment() {
    let mut opts = ServerTransportOptions::new();
    opts.push("gruyere", "melty", "10");
    opts.push("gruyere", "hardness", "se;ven");
    opts.push("stnectaire", "melty", "4");
    opts.push("stnectaire", "hardness", "three");
    let s = ServerConfig::new(
        Version::V1,
        Some(FsPath::new(b"/var/lib/tor/pt_state/")),
        vec![name("gruyere"), name("stnectaire")],
    )
    .with_exit_on_stdin_close(true)
    .with_options(TransportOptions::KeyValue(opts))
    .with_bind_addr(name("gruyere"), addr("0.0.0.0:0"))
    .with_bind_addr(name("stnectaire"), addr("[::]:443"))
    .with_or_port(addr("127.0.0.1:9001"));
    let v = s.to_env().unwrap();
    assert_eq!(
        vars(&v),
        [
            ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
            ("TOR_PT_STATE_LOCATION", "/var/lib/tor/pt_state/"),
            ("TOR_PT_EXIT_ON_STDIN_CLOSE", "1"),
            ("TOR_PT_SERVER_TRANSPORTS", "gruyere,stnectaire"),
            (
                "TOR_PT_SERVER_TRANSPORT_OPTIONS",
                r"gruyere:melty=10;gruyere:hardness=se\;ven;stnectaire:melty=4;stnectaire:hardness=three"
            ),
            ("TOR_PT_SERVER_BINDADDR", "gruyere-0.0.0.0:0,stnectaire-[::]:443"),
            ("TOR_PT_ORPORT", "127.0.0.1:9001"),
            ("TOR_PT_EXTENDED_SERVER_PORT", ""),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    let pairs = vars(&v);
    let back = pt_env::parse(&pairs, &Config::STRICT).unwrap();
    assert_eq!(back, PtConfig::Server(s.clone()));

    // With an ExtORPort and no ORPort.
    let mut s = s;
    s.or_port = None;
    let s = s.with_ext_or_port(addr("127.0.0.1:4200"), FsPath::new(b"/c/cookie"));
    let v = s.to_env().unwrap();
    assert_eq!(v.get(Var::Orport), None);
    assert_eq!(v.get(Var::ExtendedServerPort), Some(&b"127.0.0.1:4200"[..]));
    assert_eq!(v.get(Var::AuthCookieFile), Some(&b"/c/cookie"[..]));
}

/// tor's client environment: the version, the state, `1` for stdin, V6 bind in brackets (A30).
#[test]
fn tor_client_environment() {
    let c = ClientConfig::new(
        Version::V1,
        Some(FsPath::new(b"/d/pt_state/")),
        vec![name("fake5"), name("fake4")],
    )
    .with_exit_on_stdin_close(true)
    .with_outbound_bind(
        Some("127.0.0.2".parse().unwrap()),
        Some("::1".parse().unwrap()),
    );
    let v = c.to_env().unwrap();
    assert_eq!(
        vars(&v),
        [
            ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
            ("TOR_PT_STATE_LOCATION", "/d/pt_state/"),
            ("TOR_PT_EXIT_ON_STDIN_CLOSE", "1"),
            ("TOR_PT_OUTBOUND_BIND_ADDRESS_V4", "127.0.0.2"),
            ("TOR_PT_OUTBOUND_BIND_ADDRESS_V6", "[::1]"),
            ("TOR_PT_CLIENT_TRANSPORTS", "fake5,fake4"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(
        pt_env::parse(&vars(&v), &Config::STRICT).unwrap(),
        PtConfig::Client(c)
    );
}

/// What the builders refuse, each because a PT would reject it or no variable carries it.
#[test]
fn builders_refuse() {
    let state = Some(FsPath::new(b"/s/"));
    let base = || ServerConfig::new(Version::V1, state.clone(), vec![name("a")]);
    let client = || ClientConfig::new(Version::V1, state.clone(), vec![name("a")]);
    let refused: Vec<(&str, Result<pt_env::EnvVars, Error>)> = vec![
        (
            "no transport",
            ClientConfig::new(Version::V1, state.clone(), vec![]).to_env(),
        ),
        (
            "no state in PT 1.0",
            ClientConfig::new(Version::V1, None, vec![name("a")]).to_env(),
        ),
        (
            "relative state in PT 1.0",
            ClientConfig::new(Version::V1, Some(FsPath::new(b"rel")), vec![name("a")]).to_env(),
        ),
        ("no ORPort nor ExtORPort", base().to_env()),
        (
            "BINDADDR for another transport",
            base()
                .with_or_port(addr("127.0.0.1:1"))
                .with_bind_addr(name("b"), addr("0.0.0.0:1"))
                .to_env(),
        ),
        (
            "two BINDADDR entries for one transport",
            base()
                .with_or_port(addr("127.0.0.1:1"))
                .with_bind_addr(name("a"), addr("0.0.0.0:1"))
                .with_bind_addr(name("a"), addr("0.0.0.0:2"))
                .to_env(),
        ),
        (
            "a host name as PT 1.0 ORPort",
            base()
                .with_or_port(HostPort::name("example.com", 1).unwrap())
                .to_env(),
        ),
        ("a cookie without ExtORPort", {
            let mut s = base().with_or_port(addr("127.0.0.1:1"));
            s.auth_cookie_file = Some(FsPath::new(b"/c"));
            s.to_env()
        }),
        (
            "JSON options in PT 1.0",
            base()
                .with_or_port(addr("127.0.0.1:1"))
                .with_options(TransportOptions::Json(JsonOptions::new("{}").unwrap()))
                .to_env(),
        ),
        (
            "an options file has no variable",
            base()
                .with_or_port(addr("127.0.0.1:1"))
                .with_options(TransportOptions::File(FsPath::new(b"/o.json")))
                .to_env(),
        ),
        ("a NUL in an option", {
            let mut o = ServerTransportOptions::new();
            o.push("a", "k", "v\0");
            base()
                .with_or_port(addr("127.0.0.1:1"))
                .with_options(TransportOptions::KeyValue(o))
                .to_env()
        }),
        (
            "PT 3.0 has no variables",
            ClientConfig::new(Version::V3_0, None, vec![name("a")]).to_env(),
        ),
        ("flag-only settings", {
            let mut c = client();
            c.common.mode = Some(Mode::Stun);
            c.to_env()
        }),
        ("client target has no variable", {
            let mut c = client();
            c.target = Some(HostPort::ip(addr("192.0.2.1:1")));
            c.to_env()
        }),
    ];
    for (why, got) in refused {
        let e = got.expect_err(why);
        assert!(
            matches!(
                e,
                Error::Unbuildable { .. } | Error::Encode { .. } | Error::Proxy { .. }
            ),
            "{why}: {e:?}"
        );
    }
    assert!(client().to_argv().is_err(), "PT 1.0 has no flags");
    // An IPv6 scope id (or flow label) has no place in `<address>:<port>`.
    let scoped = std::net::SocketAddr::V6(std::net::SocketAddrV6::new(
        "fe80::1".parse().unwrap(),
        443,
        0,
        2,
    ));
    let e = base()
        .with_or_port(addr("127.0.0.1:1"))
        .with_bind_addr(name("a"), scoped)
        .to_env();
    assert!(matches!(e, Err(Error::Unbuildable { .. })), "{e:?}");
    let mut c = ClientConfig::new(Version::V3_0, None, vec![name("a")]);
    c.target = Some(HostPort::ip(addr("192.0.2.1:1")));
    assert!(c.to_argv().is_err(), "no client -target in PT 3.0");
    let mut c = ClientConfig::new(Version::V2_2, None, vec![name("a")]);
    c.common.outbound_bind_v4 = Some("1.2.3.4".parse().unwrap());
    assert!(c.to_argv().is_err(), "no flag for the bind addresses");
    let mut o = ServerTransportOptions::new();
    o.push("a", "k", "v");
    c.common.outbound_bind_v4 = None;
    c.options = Some(TransportOptions::KeyValue(o.clone()));
    assert!(c.to_argv().is_err(), "k=v options in PT 2.2");
    let mut o2 = ServerTransportOptions::new();
    o2.push("{a", "k", "v");
    c.common.version = Version::V2;
    c.common.state_location = Some(FsPath::new(b"/s/"));
    c.options = Some(TransportOptions::KeyValue(o2));
    assert!(
        c.to_argv().is_err(),
        "k=v options that PT 2.0 would read as JSON"
    );
    c.options = Some(TransportOptions::KeyValue(o));
    assert!(c.to_argv().is_ok());
}

/// Command lines, and back through the parser.
#[test]
fn argv_builders() {
    let s = ServerConfig::new(
        Version::V2_2,
        Some(FsPath::new(b"state")),
        vec![name("obfs4")],
    )
    .with_bind_addr(name("obfs4"), addr("[::]:443"))
    .with_or_port(HostPort::name("example.com", 9001).unwrap())
    .with_ext_or_port(addr("127.0.0.1:4200"), FsPath::new(b"/c"))
    .with_exit_on_stdin_close(true);
    let argv = s.to_argv().unwrap();
    let args: Vec<String> = argv
        .iter()
        .map(|a| String::from_utf8(a.to_vec()).unwrap())
        .collect();
    assert_eq!(
        args,
        [
            "-ptversion",
            "2.2",
            "-state",
            "state",
            "-exit-on-stdin-close",
            "-server",
            "-transports",
            "obfs4",
            "-bindaddr",
            "obfs4-[::]:443",
            "-target",
            "example.com:9001",
            "-extorport",
            "127.0.0.1:4200",
            "-authcookie",
            "/c",
        ]
    );
    let back = Env::new()
        .with_argv(argv.iter(), &[])
        .unwrap()
        .parse(&ALL)
        .unwrap();
    assert_eq!(back, PtConfig::Server(s));

    let mut c = ClientConfig::new(Version::V3_0, None, vec![name("shadow")]);
    c.common.ipc_log_level = Some(LogLevel::Debug);
    c.common.mode = Some(Mode::TransparentUdp);
    c.proxy_listen = Some(addr("127.0.0.1:1234"));
    c.options = Some(TransportOptions::Json(
        JsonOptions::new(r#"{"serverAddress":"192.0.2.1:443"}"#).unwrap(),
    ));
    let argv = c.to_argv().unwrap();
    assert_eq!(argv.len(), 13);
    assert_eq!(argv.to_vec()[2], b"-ipcLogLevel");
    let back = Env::new()
        .with_argv(argv.iter(), &[])
        .unwrap()
        .parse(&ALL)
        .unwrap();
    assert_eq!(back, PtConfig::Client(c));
}

/// `EnvVars`: a parent can offer several versions by replacing the one the builder wrote.
#[test]
fn env_vars_editing() {
    let c = ClientConfig::new(Version::V1, Some(FsPath::new(b"/s/")), vec![name("a")]);
    let mut v = c.to_env().unwrap();
    assert_eq!(v.len(), 3);
    v.set(Var::ManagedTransportVer, b"1,2.2");
    assert_eq!(v.get(Var::ManagedTransportVer), Some(&b"1,2.2"[..]));
    v.remove(Var::StateLocation);
    assert_eq!(v.len(), 2);
    assert!(!v.is_empty());
    assert_eq!(
        format!("{v:?}"),
        r#"{"TOR_PT_MANAGED_TRANSPORT_VER": "1,2.2", "TOR_PT_CLIENT_TRANSPORTS": "a"}"#
    );
}
