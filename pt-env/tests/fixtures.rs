//! The environments real parents gave real PTs (`testdata/`, read at test time; a missing file
//! fails the test): tor 0.4.9.11 as the parent of a client PT (`tor-client/main`, the proxy and
//! outbound-bind cases) and of a server PT (`tor-server/main` with an ExtORPort,
//! `tor-server/multi-transport-no-extorport`), and obfs4proxy's interop runs. Each parses to
//! the values the file shows, under every policy, and builds back to the same bytes (tor's
//! except for `=` in options, which our encoder escapes: behaviours:
//! `env-builder-options-escaping`).

mod common;

use common::{env_dump, read_testdata};
use pt_env::{Config, Env, Host, ProxyScheme, PtConfig, Var};

/// The `TOR_PT_*` pairs of a dump (tor passes its own `HOME`, `LANG`, `PATH` through too).
fn dump(rel: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    env_dump(&read_testdata(rel))
}

fn parse_all(pairs: &[(Vec<u8>, Vec<u8>)]) -> PtConfig<'_> {
    let got = pt_env::parse(pairs, &Config::DEFAULT).unwrap();
    for config in [Config::LENIENT, Config::STRICT] {
        assert_eq!(pt_env::parse(pairs, &config).unwrap(), got);
    }
    got
}

/// The dump's `TOR_PT_*` variables, as the builder must write them.
fn tor_pt_vars(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = pairs
        .iter()
        .filter(|(n, _)| n.starts_with(b"TOR_PT_"))
        .map(|(n, v)| (String::from_utf8(n.clone()).unwrap(), v.clone()))
        .collect();
    v.sort();
    v
}

fn built(config: &PtConfig<'_>) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = config
        .to_env()
        .unwrap()
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_vec()))
        .collect();
    v.sort();
    v
}

#[test]
fn tor_client_main() {
    let pairs = dump("tor-client/main/pt-env.txt");
    assert!(
        pairs.iter().any(|(n, _)| n == b"HOME"),
        "tor passes HOME through"
    );
    let c = parse_all(&pairs);
    let PtConfig::Client(c) = &c else { panic!() };
    assert_eq!(c.common.version.token(), "1");
    assert_eq!(
        c.common.state_location.as_ref().unwrap().as_bytes(),
        b"/srv/ptr/client-main/data/pt_state/"
    );
    assert!(c.common.exit_on_stdin_close);
    assert_eq!(c.transports, ["fake5", "fake4"]);
    assert!(c.proxy.is_none());
    assert_eq!(built(&PtConfig::Client(c.clone())), tor_pt_vars(&pairs));
}

/// `(case, scheme, address, user and password)`.
type ProxyCase = (
    &'static str,
    ProxyScheme,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// `Socks4Proxy`, `Socks5Proxy` (with `s3cr:et@x`), `HTTPSProxy` (with `bob:pa:ss`).
#[test]
fn tor_client_proxies() {
    let cases: &[ProxyCase] = &[
        ("proxy-socks4", ProxyScheme::Socks4a, "127.0.0.1:1081", None),
        ("proxy-socks5", ProxyScheme::Socks5, "127.0.0.1:1080", None),
        (
            "proxy-socks5-auth",
            ProxyScheme::Socks5,
            "127.0.0.1:1080",
            Some(("alice", "s3cr:et@x")),
        ),
        ("proxy-https", ProxyScheme::Http, "127.0.0.1:3128", None),
        (
            "proxy-https-auth",
            ProxyScheme::Http,
            "127.0.0.1:3128",
            Some(("bob", "pa:ss")),
        ),
    ];
    for &(case, scheme, addr, auth) in cases {
        let pairs = dump(&format!("tor-client/cases/{case}/pt-env.txt"));
        let c = parse_all(&pairs);
        let p = c.as_client().unwrap().proxy.clone().expect(case);
        assert_eq!(p.scheme, scheme, "{case}");
        assert_eq!(p.addr.to_string(), addr, "{case}");
        let got = p
            .auth
            .map(|a| (a.user.to_vec(), a.password.map(|p| p.to_vec())));
        let want = auth.map(|(u, pw)| (u.as_bytes().to_vec(), Some(pw.as_bytes().to_vec())));
        assert_eq!(got, want, "{case}");
        assert_eq!(built(&c), tor_pt_vars(&pairs), "{case}");
    }
}

/// `OutboundBindAddress` / `OutboundBindAddressPT`: V4 plain, V6 in brackets.
#[test]
fn tor_client_outbound_bind() {
    for (case, v4) in [
        ("outbound-bind", "127.0.0.1"),
        ("outbound-bind-pt", "127.0.0.2"),
    ] {
        let pairs = dump(&format!("tor-client/cases/{case}/pt-env.txt"));
        let c = parse_all(&pairs);
        assert_eq!(c.common().outbound_bind_v4, Some(v4.parse().unwrap()));
        assert_eq!(c.common().outbound_bind_v6, Some("::1".parse().unwrap()));
        assert_eq!(built(&c), tor_pt_vars(&pairs), "{case}");
    }
}

/// The bridge with an ExtORPort: every variable, and the options tor escaped.
#[test]
fn tor_server_main() {
    let pairs = dump("tor-server/main/pt-env.txt");
    let c = parse_all(&pairs);
    let PtConfig::Server(s) = &c else { panic!() };
    assert_eq!(s.transports, ["fakes"]);
    assert_eq!(
        s.bind_addr("fakes"),
        Some("127.0.0.1:19302".parse().unwrap())
    );
    assert_eq!(
        s.or_port.as_ref().unwrap().socket_addr(),
        Some("127.0.0.1:19301".parse().unwrap())
    );
    assert_eq!(s.ext_or_port, Some("127.0.0.1:34647".parse().unwrap()));
    assert_eq!(
        s.auth_cookie_file.as_ref().unwrap().as_bytes(),
        b"/srv/ptr/server-main/data/extended_orport_auth_cookie"
    );
    let o = s.transport_options("fakes").unwrap();
    let pairs_got: Vec<(&str, &str)> = o.iter_str().map(Result::unwrap).collect();
    assert_eq!(
        pairs_got,
        [
            ("key", "banana"),
            ("colon", "a:b"),
            ("semicolon", "c;d"),
            ("backslash", r"e\f"),
            ("equals", "g=h"),
        ]
    );
    // Built back: tor's bytes, except `equals=g\=h` (we also escape `=`).
    let mut want = tor_pt_vars(&pairs);
    for (n, v) in &mut want {
        if n == "TOR_PT_SERVER_TRANSPORT_OPTIONS" {
            let text = String::from_utf8(v.clone()).unwrap();
            assert!(text.ends_with("fakes:equals=g=h"));
            *v = text.replace("equals=g=h", r"equals=g\=h").into_bytes();
        }
    }
    assert_eq!(built(&c), want);
}

/// Two transports, no ExtORPort: `fakez-0.0.0.0:0` for the one without an address, and
/// `TOR_PT_EXTENDED_SERVER_PORT=` present but empty.
#[test]
fn tor_server_multi_transport_no_extorport() {
    let pairs = dump("tor-server/multi-transport-no-extorport/pt-env.txt");
    assert!(
        pairs
            .iter()
            .any(|(n, v)| n == b"TOR_PT_EXTENDED_SERVER_PORT" && v.is_empty())
    );
    let c = parse_all(&pairs);
    let PtConfig::Server(s) = &c else { panic!() };
    assert_eq!(s.transports, ["fakes", "fakez"]);
    assert_eq!(
        s.bind_addr("fakes"),
        Some("127.0.0.1:19312".parse().unwrap())
    );
    assert_eq!(s.bind_addr("fakez"), Some("0.0.0.0:0".parse().unwrap()));
    assert_eq!(s.ext_or_port, None);
    assert_eq!(s.auth_cookie_file, None);
    assert_eq!(s.transport_options("fakes").unwrap().get("a"), Some("1"));
    let z = s.transport_options("fakez").unwrap();
    assert_eq!((z.get("b"), z.get("c")), (Some("2"), Some("3")));
    // tor's bytes exactly, the empty EXTENDED_SERVER_PORT included.
    assert_eq!(built(&c), tor_pt_vars(&pairs));
}

/// obfs4proxy's interop runs: a client, a server, a server behind a fake ExtORPort.
#[test]
fn obfs4proxy_interop_envs() {
    let c = dump("obfs4proxy/interop/obfs4-client-env.txt");
    let cfg = parse_all(&c);
    assert_eq!(cfg.as_client().unwrap().transports, ["obfs4"]);
    assert_eq!(
        cfg.common().state_location.as_ref().unwrap().as_bytes(),
        b"/srv/ptr/obfs4/state-client"
    );
    assert_eq!(built(&cfg), tor_pt_vars(&c));

    let s = dump("obfs4proxy/interop/obfs4-server-env.txt");
    let cfg = parse_all(&s);
    let srv = cfg.as_server().unwrap();
    assert_eq!(
        srv.bind_addr("obfs4"),
        Some("127.0.0.1:19401".parse().unwrap())
    );
    assert!(matches!(srv.or_port.as_ref().unwrap().host, Host::Ip(_)));
    // This parent left TOR_PT_EXTENDED_SERVER_PORT out; our builder writes it empty, as tor.
    let mut want = tor_pt_vars(&s);
    want.push(("TOR_PT_EXTENDED_SERVER_PORT".into(), Vec::new()));
    want.sort();
    assert_eq!(built(&cfg), want);

    let x = dump("obfs4proxy/interop/obfs4-server-extorport-env.txt");
    let cfg = parse_all(&x);
    let srv = cfg.as_server().unwrap();
    assert_eq!(srv.ext_or_port, Some("127.0.0.1:19403".parse().unwrap()));
    assert_eq!(
        srv.transport_options("obfs4").unwrap().get("iat-mode"),
        Some("0")
    );
    assert_eq!(built(&cfg), tor_pt_vars(&x));
}

/// Parsing borrows: the values point into the dump.
#[test]
fn values_borrow_from_the_input() {
    let pairs = dump("tor-server/main/pt-env.txt");
    let env = Env::from_pairs(&pairs);
    let raw = env.var(Var::StateLocation).unwrap();
    let c = env.parse(&Config::DEFAULT).unwrap();
    let state = c.common().state_location.as_ref().unwrap().as_bytes();
    assert_eq!(state.as_ptr(), raw.as_ptr());
    let owned = c.clone().into_owned();
    assert_eq!(owned, c);
}
