//! `<address>:<port>`: goptlib's `TestResolveAddr` vectors (`pt_test.go`; the function is
//! `pt.go` `resolveAddr`, used for `TOR_PT_SERVER_BINDADDR`, `TOR_PT_ORPORT` and
//! `TOR_PT_EXTENDED_SERVER_PORT`), every rejected string with the problem we name and every
//! accepted one, under each policy (behaviours: `env-address-grammar`).

mod common;

use common::{error, server, server_env};
use pt_env::{AddrProblem, BindAddrProblem, Config, Error, Origin, Var};

/// goptlib's rejected strings, with what we find wrong and where.
const REJECTED: &[(&[u8], AddrProblem, usize)] = &[
    (b"", AddrProblem::Empty, 0),
    (b"1.2.3.4", AddrProblem::MissingPort, 7),
    (b"1.2.3.4:", AddrProblem::MissingPort, 8),
    (b"9999", AddrProblem::MissingPort, 4),
    (b":9999", AddrProblem::MissingHost, 0),
    (b"[1:2::3:4]", AddrProblem::MissingPort, 10),
    (b"[1:2::3:4]:", AddrProblem::MissingPort, 11),
    (b"[1::2::3:4]", AddrProblem::MissingPort, 11),
    (b"1:2::3:4::9999", AddrProblem::NotAnIp, 0),
    (b"1:2:3:4::9999", AddrProblem::NotAnIp, 0),
    (b"localhost:9999", AddrProblem::NotAnIp, 0),
    (b"[localhost]:9999", AddrProblem::NotAnIp, 1),
    (b"1.2.3.4:http", AddrProblem::BadPort, 8),
    (b"1.2.3.4:0x50", AddrProblem::BadPort, 8),
    (b"1.2.3.4:-65456", AddrProblem::BadPort, 8),
    (b"1.2.3.4:65536", AddrProblem::BadPort, 8),
    (b"1.2.3.4:80\x00", AddrProblem::BadPort, 8),
    (b"1.2.3.4:80 ", AddrProblem::BadPort, 8),
    (b" 1.2.3.4:80", AddrProblem::NotAnIp, 0),
    (b"1.2.3.4 : 80", AddrProblem::NotAnIp, 0),
];

/// goptlib's accepted strings (the last is the unbracketed pre-bug-7011 form), plus port 0 as
/// tor writes for "no address" and a port with leading zeros (Go's `ParseUint` takes them).
const ACCEPTED: &[(&str, &str, bool)] = &[
    ("1.2.3.4:9999", "1.2.3.4:9999", true),
    ("[1:2::3:4]:9999", "[1:2::3:4]:9999", true),
    ("1:2::3:4:9999", "[1:2::3:4]:9999", false),
    ("0.0.0.0:0", "0.0.0.0:0", true),
    ("127.0.0.1:0080", "127.0.0.1:80", true),
    ("[::ffff:1.2.3.4]:1", "[::ffff:1.2.3.4]:1", true),
];

/// The address problem of `TOR_PT_SERVER_BINDADDR=alpha-<addr>`, which every address of
/// goptlib's list (the empty one included) can be.
fn bindaddr_problem(
    addr: &[u8],
    config: &Config,
) -> Result<std::net::SocketAddr, (AddrProblem, usize)> {
    let mut value = b"alpha-".to_vec();
    value.extend_from_slice(addr);
    let pairs: Vec<(&[u8], &[u8])> = vec![
        (b"TOR_PT_MANAGED_TRANSPORT_VER", b"1"),
        (b"TOR_PT_STATE_LOCATION", b"/s/"),
        (b"TOR_PT_SERVER_TRANSPORTS", b"alpha"),
        (b"TOR_PT_ORPORT", b"127.0.0.1:9001"),
        (b"TOR_PT_SERVER_BINDADDR", &value),
    ];
    match pt_env::parse(pairs.iter().map(|(n, v)| (*n, *v)), config) {
        Ok(c) => Ok(c.as_server().unwrap().bind_addr("alpha").unwrap()),
        Err(Error::BindAddr {
            origin: Origin::Env(Var::ServerBindaddr),
            offset,
            problem: BindAddrProblem::Address(p),
            ..
        }) => Err((p, offset - "alpha-".len())),
        Err(e) => panic!("{addr:?}: {e:?}"),
    }
}

#[test]
fn resolve_addr_rejects_goptlibs_list() {
    for config in [Config::DEFAULT, Config::LENIENT, Config::STRICT] {
        for &(addr, problem, offset) in REJECTED {
            assert_eq!(
                bindaddr_problem(addr, &config),
                Err((problem, offset)),
                "{:?}",
                addr.escape_ascii().to_string()
            );
        }
    }
}

#[test]
fn resolve_addr_accepts_goptlibs_list() {
    for &(addr, canonical, strict_too) in ACCEPTED {
        for config in [Config::DEFAULT, Config::LENIENT] {
            let got = bindaddr_problem(addr.as_bytes(), &config).unwrap();
            assert_eq!(got.to_string(), canonical, "{addr}");
        }
        let strict = bindaddr_problem(addr.as_bytes(), &Config::STRICT);
        if strict_too {
            assert_eq!(strict.unwrap().to_string(), canonical);
        } else {
            assert_eq!(strict, Err((AddrProblem::Unbracketed, 0)), "{addr}");
        }
    }
}

/// The same grammar for `TOR_PT_ORPORT` and `TOR_PT_EXTENDED_SERVER_PORT`, with goptlib's
/// `cannot resolve <VAR> "<value>": ...` message.
#[test]
fn orport_and_extended_port_share_the_grammar() {
    for &(addr, problem, offset) in REJECTED.iter().filter(|r| !r.0.is_empty()) {
        for var in ["TOR_PT_ORPORT", "TOR_PT_EXTENDED_SERVER_PORT"] {
            let value = std::str::from_utf8(addr).unwrap();
            let pairs = server_env(&[
                ("TOR_PT_SERVER_TRANSPORTS", "alpha"),
                (var, value),
                ("TOR_PT_AUTH_COOKIE_FILE", "/c"),
            ]);
            match error(&pairs, &Config::DEFAULT) {
                Error::InvalidAddress {
                    origin: Origin::Env(v),
                    problem: p,
                    offset: o,
                    ..
                } => {
                    assert_eq!((v.name(), p, o), (var, problem, offset), "{value:?}");
                }
                other => panic!("{var}={value:?}: {other:?}"),
            }
        }
    }
    let pairs = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "alpha"),
        ("TOR_PT_ORPORT", "1:2::3:4:9999"),
    ]);
    assert_eq!(
        server(&pairs, &Config::DEFAULT)
            .or_port
            .unwrap()
            .socket_addr()
            .unwrap()
            .to_string(),
        "[1:2::3:4]:9999"
    );
    let pairs = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "alpha"),
        ("TOR_PT_ORPORT", "1.2.3.4:http"),
    ]);
    assert_eq!(
        error(&pairs, &Config::DEFAULT).line().to_string(),
        "ENV-ERROR cannot resolve TOR_PT_ORPORT \"1.2.3.4:http\": invalid port: expected 0 to \
         65535 at byte 8"
    );
}
