//! The `TOR_PT_*` variables case by case, as goptlib's tests (`pt_test.go`
//! `TestGetManagedTransportVer`, `TestGetClientTransports`, `TestGetServerBindaddrs`,
//! `TestMakeStateDir`; `args_test.go` `TestParseServerTransportOptions`), obfs4proxy's checks
//! (`obfs4proxy/pt_extras.go`), tor (`src/feature/client/transports.c`
//! `create_managed_proxy_environment`, `get_transport_options_for_server_proxy`; test
//! `test_pt_get_transport_options` in `src/test/test_pt.c`) and `pt-spec.txt` section 3.2 state
//! them. Where we differ from a reference, the test says so and names the
//! `docs/behaviours.md` row. Addresses are in `addresses.rs`, `TOR_PT_PROXY` in `proxy.rs`.

mod common;

use common::{client, client_env, error, first_lines, parse, server, server_env};
use pt_env::{Config, Error, Origin, PtConfig, Var};

// ---- TOR_PT_MANAGED_TRANSPORT_VER ---------------------------------------------------------

/// goptlib `TestGetManagedTransportVer`: unset and empty are both "no variable"
/// (`getenvRequired`); behaviours: `env-empty-means-unset`.
#[test]
fn version_unset_or_empty_is_env_error() {
    for pairs in [client_env(&[])[1..].to_vec(), {
        let mut v = client_env(&[]);
        v[0].1 = "";
        v
    }] {
        let e = error(&pairs, &Config::DEFAULT);
        assert_eq!(
            e.line().to_string(),
            "ENV-ERROR no TOR_PT_MANAGED_TRANSPORT_VER environment variable"
        );
    }
}

/// goptlib `TestGetManagedTransportVer` vectors, and `pt-spec.txt` section 3.2.1's example
/// list (behaviours: `env-version-negotiation`).
#[test]
fn version_lists() {
    let cases: &[(&str, Option<&str>)] = &[
        ("2", None),
        ("1", Some("1")),
        ("1,1", Some("1")),
        ("1,2", Some("1")),
        ("2,1", Some("1")),
        ("1,1a,2b,this_is_a_valid_ver", Some("1")),
        // No trimming (goptlib compares each item exactly): behaviours:
        // `env-version-list-malformed`.
        (" 1", None),
        ("1 ", None),
        ("1a", None),
    ];
    for &(list, want) in cases {
        let pairs = [("TOR_PT_MANAGED_TRANSPORT_VER", list)];
        let got = pt_env::Env::from_pairs(&pairs).negotiate(&Config::DEFAULT);
        match want {
            Some(v) => assert_eq!(got.unwrap().token(), v, "{list:?}"),
            None => assert_eq!(
                got.unwrap_err().line().to_string(),
                "VERSION-ERROR no-version",
                "{list:?}"
            ),
        }
    }
}

/// A malformed list still finds `1` leniently, as goptlib does; the strict policy refuses it
/// (behaviours: `env-version-list-malformed`).
#[test]
fn malformed_version_list_lenient_and_strict() {
    for (list, offset) in [("1, 2", 2), ("1,,2", 2), ("1,", 2), ("1,\u{e9}", 2)] {
        let pairs = [("TOR_PT_MANAGED_TRANSPORT_VER", list)];
        let env = pt_env::Env::from_pairs(&pairs);
        assert_eq!(env.negotiate(&Config::DEFAULT).unwrap().token(), "1");
        assert_eq!(
            env.negotiate(&Config::STRICT).unwrap_err(),
            Error::MalformedVersionList {
                origin: Origin::Env(Var::ManagedTransportVer),
                offset
            },
            "{list:?}"
        );
    }
}

/// goptlib `ClientSetup`/`ServerSetup` print `VERSION 1` before they read the other variables,
/// so an `ENV-ERROR` comes second (behaviours: `env-check-order`).
#[test]
fn version_line_comes_before_env_error() {
    let pairs = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_CLIENT_TRANSPORTS", "obfs4"),
    ];
    assert_eq!(
        first_lines(&pairs, &Config::DEFAULT),
        [
            "VERSION 1",
            "ENV-ERROR no TOR_PT_STATE_LOCATION environment variable"
        ]
    );
}

// ---- Client or server ------------------------------------------------------------------------

/// obfs4proxy `ptIsClient`: both set is `ENV-ERROR TOR_PT_[CLIENT,SERVER]_TRANSPORTS both set`;
/// neither is an error of its own (obfs4proxy prints nothing there; we print an `ENV-ERROR`:
/// behaviours: `env-client-or-server`).
#[test]
fn client_or_server() {
    let both = client_env(&[("TOR_PT_SERVER_TRANSPORTS", "obfs4")]);
    assert_eq!(error(&both, &Config::DEFAULT), Error::BothSides);
    assert_eq!(
        Error::BothSides.line().to_string(),
        "ENV-ERROR TOR_PT_[CLIENT,SERVER]_TRANSPORTS both set"
    );
    let neither = server_env(&[]);
    assert_eq!(error(&neither, &Config::DEFAULT), Error::NotManaged);
    // Empty counts as unset.
    let empty = server_env(&[
        ("TOR_PT_CLIENT_TRANSPORTS", ""),
        ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    assert!(matches!(
        parse(&empty, &Config::DEFAULT),
        Ok(PtConfig::Server(_))
    ));
}

// ---- TOR_PT_CLIENT_TRANSPORTS ----------------------------------------------------------------

/// goptlib `TestGetClientTransports` splits on every `,` with no escaping and gives `*` no
/// meaning. We split the same way and then check each name as a C identifier (`pt-spec.txt`
/// section 3.1), so `alpha\,beta` and `*` are `ENV-ERROR`s where goptlib hands the PT the
/// names `alpha\`, `beta` and `*` (behaviours: `env-transport-names`).
#[test]
fn client_transport_lists() {
    let ok: &[(&str, &[&str])] = &[
        ("alpha", &["alpha"]),
        ("alpha,beta", &["alpha", "beta"]),
        ("alpha,beta,gamma", &["alpha", "beta", "gamma"]),
        ("_a1,B_2", &["_a1", "B_2"]),
        ("alpha,alpha", &["alpha", "alpha"]),
    ];
    for &(list, want) in ok {
        let pairs = client_env(&[]);
        let pairs: Vec<_> = pairs
            .into_iter()
            .map(|(n, v)| {
                (
                    n,
                    if n == "TOR_PT_CLIENT_TRANSPORTS" {
                        list
                    } else {
                        v
                    },
                )
            })
            .collect();
        assert_eq!(
            client(&pairs, &Config::DEFAULT).transports,
            want,
            "{list:?}"
        );
    }
    let bad: &[(&str, usize)] = &[
        (r"alpha\,beta", 5),
        ("*", 0),
        ("alpha,*,gamma", 6),
        ("alpha,", 6),
        (",alpha", 0),
        ("alpha beta", 5),
        ("4alpha", 0),
        ("meek-lite", 4),
    ];
    for &(list, offset) in bad {
        let pairs = [
            ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
            ("TOR_PT_STATE_LOCATION", "/s/"),
            ("TOR_PT_CLIENT_TRANSPORTS", list),
        ];
        match error(&pairs, &Config::DEFAULT) {
            Error::InvalidTransportName {
                origin: Origin::Env(Var::ClientTransports),
                offset: o,
                ..
            } => assert_eq!(o, offset, "{list:?}"),
            other => panic!("{list:?}: {other:?}"),
        }
    }
}

/// pyptlib (early) read `*` as "every transport" and answered `VERSION-ERROR no-version`; no
/// current reference does, and neither do we: `*` is a bad name, after `VERSION 1`.
#[test]
fn star_is_not_all_transports() {
    let pairs = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", "/s/"),
        ("TOR_PT_CLIENT_TRANSPORTS", "*"),
    ];
    let lines = first_lines(&pairs, &Config::DEFAULT);
    assert_eq!(lines[0], "VERSION 1");
    assert!(lines[1].starts_with("ENV-ERROR TOR_PT_CLIENT_TRANSPORTS: invalid transport name"));
}

// ---- TOR_PT_STATE_LOCATION, TOR_PT_EXIT_ON_STDIN_CLOSE --------------------------------------

/// tor writes `<DataDirectory>/pt_state/` with the slash and does not create it; the path is
/// kept byte for byte (goptlib `MakeStateDir` returns it unchanged). Relative paths: refused by
/// default and strict, taken by `Config::LENIENT` as goptlib does (behaviours:
/// `env-state-location`).
#[test]
fn state_location() {
    let pairs = client_env(&[]);
    let c = client(&pairs, &Config::DEFAULT);
    assert_eq!(
        c.common.state_location.unwrap().as_bytes(),
        b"/var/lib/tor/pt_state/"
    );
    let rel = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", "pt_state"),
        ("TOR_PT_CLIENT_TRANSPORTS", "obfs4"),
    ];
    assert_eq!(
        error(&rel, &Config::DEFAULT).line().to_string(),
        "ENV-ERROR TOR_PT_STATE_LOCATION: \"pt_state\" is not an absolute path"
    );
    assert!(
        error(&rel, &Config::STRICT)
            .to_string()
            .contains("absolute")
    );
    assert_eq!(
        client(&rel, &Config::LENIENT)
            .common
            .state_location
            .unwrap()
            .as_bytes(),
        b"pt_state"
    );
    let win = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", r"C:\Tor\Data\pt_state\"),
        ("TOR_PT_CLIENT_TRANSPORTS", "obfs4"),
    ];
    assert!(
        client(&win, &Config::STRICT)
            .common
            .state_location
            .is_some()
    );
}

/// obfs4proxy `ptShouldExitOnStdinClose` and the spec: only `1` enables it (behaviours:
/// `env-exit-on-stdin-close`).
#[test]
fn exit_on_stdin_close_only_one() {
    for (v, want) in [
        ("1", true),
        ("0", false),
        ("", false),
        ("true", false),
        ("yes", false),
        (" 1", false),
        ("11", false),
    ] {
        let pairs = client_env(&[("TOR_PT_EXIT_ON_STDIN_CLOSE", v)]);
        assert_eq!(
            client(&pairs, &Config::DEFAULT).common.exit_on_stdin_close,
            want,
            "{v:?}"
        );
    }
    let unset = client_env(&[]);
    assert!(!client(&unset, &Config::DEFAULT).common.exit_on_stdin_close);
}

// ---- TOR_PT_OUTBOUND_BIND_ADDRESS_V4 / _V6 ---------------------------------------------------

/// tor `managed_proxy_outbound_address`: V4 a dotted quad, V6 in brackets; unset or empty is
/// "use the default" (spec section 3.2.1; behaviours: `env-outbound-bind-address`).
#[test]
fn outbound_bind_addresses() {
    let pairs = client_env(&[
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V4", "203.0.113.4"),
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V6", "[2001:db8::4]"),
    ]);
    let c = client(&pairs, &Config::STRICT);
    assert_eq!(
        c.common.outbound_bind_v4,
        Some("203.0.113.4".parse().unwrap())
    );
    assert_eq!(
        c.common.outbound_bind_v6,
        Some("2001:db8::4".parse().unwrap())
    );
    let empty = client_env(&[
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V4", ""),
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V6", ""),
    ]);
    let c = client(&empty, &Config::STRICT);
    assert_eq!(
        (c.common.outbound_bind_v4, c.common.outbound_bind_v6),
        (None, None)
    );
    // Unbracketed: taken unless strict.
    let bare = client_env(&[("TOR_PT_OUTBOUND_BIND_ADDRESS_V6", "2001:db8::4")]);
    assert!(
        client(&bare, &Config::DEFAULT)
            .common
            .outbound_bind_v6
            .is_some()
    );
    assert!(
        error(&bare, &Config::STRICT)
            .to_string()
            .contains("IPv6 address without brackets")
    );
    for (var, v) in [
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V4", "[::1]"),
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V4", "1.2.3.4:80"),
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V6", "127.0.0.1"),
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V6", "[::1]:80"),
    ] {
        let pairs = client_env(&[(var, v)]);
        assert!(
            matches!(
                error(&pairs, &Config::DEFAULT),
                Error::InvalidAddress { .. }
            ),
            "{var}={v}"
        );
    }
}

// ---- Server variables ------------------------------------------------------------------------

/// goptlib `getServerBindaddrs` splits each entry on its first `-` (behaviours:
/// `env-bindaddr`).
#[test]
fn bindaddr_splits_on_first_dash() {
    let pairs = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "alpha"),
        ("TOR_PT_SERVER_BINDADDR", "alpha-127.0.0.1:1984"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    let s = server(&pairs, &Config::DEFAULT);
    assert_eq!(
        s.bind_addr("alpha"),
        Some("127.0.0.1:1984".parse().unwrap())
    );
}

/// goptlib `TestGetServerBindaddrs` failures, with goptlib's message for the missing dash.
#[test]
fn bindaddr_bad_cases() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "alpha",
            "alpha",
            "ENV-ERROR TOR_PT_SERVER_BINDADDR: \"alpha\": doesn't contain \"-\"",
        ),
        (
            "alpha-1.2.3.4",
            "alpha",
            "ENV-ERROR TOR_PT_SERVER_BINDADDR: \"alpha-1.2.3.4\": missing port at byte 13",
        ),
        (
            "alpha-0.0.0.0:1234,alpha-[::]:1234",
            "alpha",
            "ENV-ERROR TOR_PT_SERVER_BINDADDR: \"alpha-[::]:1234\": duplicate method name \"alpha\"",
        ),
        (
            "alpha-0.0.0.0:1234,alpha-0.0.0.0:1234",
            "alpha",
            "ENV-ERROR TOR_PT_SERVER_BINDADDR: \"alpha-0.0.0.0:1234\": duplicate method name \"alpha\"",
        ),
    ];
    for &(bindaddr, transports, line) in cases {
        let pairs = server_env(&[
            ("TOR_PT_SERVER_TRANSPORTS", transports),
            ("TOR_PT_SERVER_BINDADDR", bindaddr),
            ("TOR_PT_ORPORT", "127.0.0.1:9001"),
        ]);
        assert_eq!(
            error(&pairs, &Config::DEFAULT).line().to_string(),
            line,
            "{bindaddr:?}"
        );
    }
    // `alpha\,beta-1.2.3.4:1111` with transports `alpha\,beta`: goptlib fails on BINDADDR (the
    // entry `alpha\` has no dash); we fail first on the transport list, whose `alpha\` is not a
    // C identifier (behaviours: `env-transport-names`). An ENV-ERROR either way.
    let pairs = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", r"alpha\,beta"),
        ("TOR_PT_SERVER_BINDADDR", r"alpha\,beta-1.2.3.4:1111"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    assert!(matches!(
        error(&pairs, &Config::DEFAULT),
        Error::InvalidTransportName {
            origin: Origin::Env(Var::ServerTransports),
            ..
        }
    ));
}

/// goptlib filters BINDADDR by `TOR_PT_SERVER_TRANSPORTS`: an entry for a transport not
/// launched is dropped (the strict policy refuses it). goptlib's `*` and unset transports
/// cases are ENV-ERRORs here (`*` is not a name; no transports at all is not a managed
/// launch): behaviours: `env-bindaddr`, `env-transport-names`.
#[test]
fn bindaddr_filtered_by_transports() {
    let pairs = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "xxx"),
        ("TOR_PT_SERVER_BINDADDR", "alpha-1.2.3.4:1111"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    assert!(server(&pairs, &Config::DEFAULT).bind_addrs.is_empty());
    assert!(
        error(&pairs, &Config::STRICT)
            .to_string()
            .contains("names a transport that is not being launched")
    );
    let star = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "*"),
        ("TOR_PT_SERVER_BINDADDR", "alpha-1.2.3.4:1111"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    assert!(matches!(
        error(&star, &Config::DEFAULT),
        Error::InvalidTransportName { .. }
    ));
    let unset = server_env(&[
        ("TOR_PT_SERVER_BINDADDR", "alpha-1.2.3.4:1111"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    assert_eq!(error(&unset, &Config::DEFAULT), Error::NotManaged);
}

/// goptlib's good multi-transport case (`TestGetServerBindaddrs`).
#[test]
fn bindaddr_multi_transport_with_options() {
    let pairs = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "trebuchet,ballista"),
        (
            "TOR_PT_SERVER_BINDADDR",
            "trebuchet-127.0.0.1:1984,ballista-127.0.0.1:4891",
        ),
        (
            "TOR_PT_SERVER_TRANSPORT_OPTIONS",
            "trebuchet:secret=nou;trebuchet:cache=/tmp/cache;ballista:secret=yes",
        ),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    let s = server(&pairs, &Config::DEFAULT);
    assert_eq!(s.bind_addrs.len(), 2);
    assert_eq!(s.bind_addrs[0].transport, "trebuchet");
    assert_eq!(
        s.bind_addr("ballista"),
        Some("127.0.0.1:4891".parse().unwrap())
    );
    let t = s.transport_options("trebuchet").unwrap();
    assert_eq!(t.get("secret"), Some("nou"));
    assert_eq!(t.get("cache"), Some("/tmp/cache"));
    assert_eq!(
        s.transport_options("ballista").unwrap().get("secret"),
        Some("yes")
    );
}

/// The pitfall goptlib v1.6 fixed in its own test: commas do not separate options, so this is
/// one option of `alpha` (behaviours: `server-options-commas-not-separators`); the strict
/// policy refuses it.
#[test]
fn options_commas_are_not_separators() {
    let pairs = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "alpha,beta,gamma"),
        (
            "TOR_PT_SERVER_TRANSPORT_OPTIONS",
            "alpha:k1=v1,beta:k2=v2,gamma:k3=v3",
        ),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    let s = server(&pairs, &Config::DEFAULT);
    let a = s.transport_options("alpha").unwrap();
    assert_eq!(a.get("k1"), Some("v1,beta:k2=v2,gamma:k3=v3"));
    assert!(s.transport_options("beta").is_none());
    assert!(matches!(
        error(&pairs, &Config::STRICT),
        Error::Options { .. }
    ));
}

/// An options error is goptlib's `TOR_PT_SERVER_TRANSPORT_OPTIONS: "<value>": <problem>`.
#[test]
fn options_error_line() {
    let pairs = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
        ("TOR_PT_SERVER_TRANSPORT_OPTIONS", "iat-mode=1"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    assert_eq!(
        error(&pairs, &Config::DEFAULT).line().to_string(),
        "ENV-ERROR TOR_PT_SERVER_TRANSPORT_OPTIONS: \"iat-mode=1\": missing ':' at byte 8: \
         expected ':' after the transport name"
    );
}

/// goptlib `ServerSetup`: at least one of ORPORT and EXTENDED_SERVER_PORT, and a cookie file
/// with the latter; tor writes `TOR_PT_EXTENDED_SERVER_PORT=` empty without an ExtORPort,
/// which is "unset" (behaviours: `env-extended-server-port`).
#[test]
fn orport_extended_port_and_cookie() {
    let none = server_env(&[("TOR_PT_SERVER_TRANSPORTS", "obfs4")]);
    assert_eq!(
        error(&none, &Config::DEFAULT).line().to_string(),
        "ENV-ERROR need TOR_PT_ORPORT or TOR_PT_EXTENDED_SERVER_PORT environment variable"
    );
    let empty_ext = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
        ("TOR_PT_EXTENDED_SERVER_PORT", ""),
    ]);
    let s = server(&empty_ext, &Config::STRICT);
    assert_eq!(s.ext_or_port, None);
    let no_cookie = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
        ("TOR_PT_EXTENDED_SERVER_PORT", "127.0.0.1:4200"),
    ]);
    assert_eq!(
        error(&no_cookie, &Config::DEFAULT).line().to_string(),
        "ENV-ERROR need TOR_PT_AUTH_COOKIE_FILE environment variable with \
         TOR_PT_EXTENDED_SERVER_PORT"
    );
    let ext_only = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
        ("TOR_PT_EXTENDED_SERVER_PORT", "127.0.0.1:4200"),
        (
            "TOR_PT_AUTH_COOKIE_FILE",
            "/var/lib/tor/extended_orport_auth_cookie",
        ),
    ]);
    let s = server(&ext_only, &Config::STRICT);
    assert_eq!(s.or_port, None);
    assert_eq!(s.ext_or_port, Some("127.0.0.1:4200".parse().unwrap()));
    // A cookie file without an Extended ORPort: the spec says "MUST be omitted"; goptlib
    // ignores it. Kept by default, refused by the strict policy.
    let stray = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
        ("TOR_PT_AUTH_COOKIE_FILE", "/c"),
    ]);
    assert!(server(&stray, &Config::DEFAULT).auth_cookie_file.is_some());
    assert!(matches!(
        error(&stray, &Config::STRICT),
        Error::UnexpectedAuthCookie { .. }
    ));
    let bad_orport = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
        ("TOR_PT_ORPORT", "localhost:9001"),
    ]);
    assert_eq!(
        error(&bad_orport, &Config::DEFAULT).line().to_string(),
        "ENV-ERROR cannot resolve TOR_PT_ORPORT \"localhost:9001\": not an IP string at byte 0"
    );
}

/// The spec says BINDADDR "MAY be omitted"; goptlib requires it, tor always sets it. We
/// follow the spec; Arti sets it (and OPTIONS) to empty strings, which we read as absent
/// (behaviours: `env-bindaddr`, `env-empty-means-unset`).
#[test]
fn bindaddr_and_options_may_be_absent_or_empty() {
    let absent = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    let s = server(&absent, &Config::STRICT);
    assert!(s.bind_addrs.is_empty());
    assert!(s.options.is_none());
    let empty = server_env(&[
        ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
        ("TOR_PT_SERVER_BINDADDR", ""),
        ("TOR_PT_SERVER_TRANSPORT_OPTIONS", ""),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
    ]);
    assert_eq!(server(&empty, &Config::STRICT), s);
}

/// A name given twice keeps its first value, as `getenv` does in C and Go (behaviours:
/// `env-duplicate-names`); names that are not `TOR_PT_*` are ignored.
#[test]
fn duplicate_names_first_wins_and_others_ignored() {
    let pairs = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", "/first/"),
        ("TOR_PT_STATE_LOCATION", "/second/"),
        ("TOR_PT_CLIENT_TRANSPORTS", "obfs4"),
        ("TOR_PT_UNKNOWN", "x"),
        ("tor_pt_client_transports", "bogus,*"),
        ("HOME", "/root"),
    ];
    let c = client(&pairs, &Config::DEFAULT);
    assert_eq!(c.common.state_location.unwrap().as_bytes(), b"/first/");
    assert_eq!(c.transports, ["obfs4"]);
}

/// Values are bytes: a non-UTF-8 state path is kept; a non-UTF-8 byte where text is needed
/// is an error, never a panic (behaviours: `env-values-are-bytes`).
#[test]
fn non_utf8_values() {
    let pairs: Vec<(&[u8], &[u8])> = vec![
        (b"TOR_PT_MANAGED_TRANSPORT_VER", b"1"),
        (b"TOR_PT_STATE_LOCATION", b"/st\xffate/"),
        (b"TOR_PT_CLIENT_TRANSPORTS", b"obfs4"),
    ];
    let cfg = pt_env::parse(pairs.iter().map(|(n, v)| (*n, *v)), &Config::DEFAULT).unwrap();
    assert_eq!(
        cfg.common().state_location.as_ref().unwrap().as_bytes(),
        b"/st\xffate/"
    );
    let bad: Vec<(&[u8], &[u8])> = vec![
        (b"TOR_PT_MANAGED_TRANSPORT_VER", b"1"),
        (b"TOR_PT_STATE_LOCATION", b"/s/"),
        (b"TOR_PT_CLIENT_TRANSPORTS", b"obfs\xff"),
        (b"TOR_PT_PROXY", b"socks5://\xff:1"),
    ];
    let e = pt_env::parse(bad.iter().map(|(n, v)| (*n, *v)), &Config::DEFAULT).unwrap_err();
    assert!(
        matches!(e, Error::InvalidTransportName { offset: 4, .. }),
        "{e:?}"
    );
    assert_eq!(
        e.line().to_string(),
        "ENV-ERROR TOR_PT_CLIENT_TRANSPORTS: invalid transport name \"obfs\\xff\" at byte 4: \
         expected [a-zA-Z_][a-zA-Z0-9_]*"
    );
}

// ---- The spec's own examples -----------------------------------------------------------------

/// Every example of `pt-spec.txt` section 3.2 parses to what the text says, and builds back.
#[test]
fn spec_examples() {
    let client_vars = [
        (
            "TOR_PT_MANAGED_TRANSPORT_VER",
            "1,1a,2b,this_is_a_valid_ver",
        ),
        ("TOR_PT_STATE_LOCATION", "/var/lib/tor/pt_state/"),
        ("TOR_PT_EXIT_ON_STDIN_CLOSE", "1"),
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V4", "203.0.113.4"),
        ("TOR_PT_OUTBOUND_BIND_ADDRESS_V6", "[2001:db8::4]"),
        ("TOR_PT_CLIENT_TRANSPORTS", "obfs2,obfs3,obfs4"),
        ("TOR_PT_PROXY", "socks5://tor:test1234@198.51.100.1:8000"),
    ];
    let c = client(&client_vars, &Config::STRICT);
    assert_eq!(c.common.version.token(), "1");
    assert_eq!(c.transports, ["obfs2", "obfs3", "obfs4"]);
    let p = c.proxy.as_ref().unwrap();
    assert_eq!(p.addr.to_string(), "198.51.100.1:8000");
    assert_eq!(&*p.auth.as_ref().unwrap().user, b"tor");
    for uri in ["socks4a://198.51.100.2:8001", "http://198.51.100.3:443"] {
        let pairs = client_env(&[("TOR_PT_PROXY", uri)]);
        let c = client(&pairs, &Config::STRICT);
        assert_eq!(c.proxy.unwrap().to_uri().unwrap(), uri.as_bytes());
    }

    let server_vars = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", "/var/lib/tor/pt_state/"),
        ("TOR_PT_SERVER_TRANSPORTS", "obfs3,scramblesuit"),
        (
            "TOR_PT_SERVER_TRANSPORT_OPTIONS",
            "scramblesuit:key=banana;automata:rule=110;automata:depth=3",
        ),
        (
            "TOR_PT_SERVER_BINDADDR",
            "obfs3-198.51.100.1:1984,scramblesuit-127.0.0.1:4891",
        ),
        ("TOR_PT_ORPORT", "127.0.0.1:9001"),
        ("TOR_PT_EXTENDED_SERVER_PORT", "127.0.0.1:4200"),
        (
            "TOR_PT_AUTH_COOKIE_FILE",
            "/var/lib/tor/extended_orport_auth_cookie",
        ),
    ];
    let s = server(&server_vars, &Config::DEFAULT);
    assert_eq!(
        s.transport_options("scramblesuit").unwrap().get("key"),
        Some("banana")
    );
    let automata = s.transport_options("automata").unwrap();
    assert_eq!(
        (automata.get("rule"), automata.get("depth")),
        (Some("110"), Some("3"))
    );
    assert_eq!(
        s.bind_addr("obfs3"),
        Some("198.51.100.1:1984".parse().unwrap())
    );
    assert_eq!(
        s.bind_addr("scramblesuit"),
        Some("127.0.0.1:4891".parse().unwrap())
    );
    assert_eq!(s.ext_or_port, Some("127.0.0.1:4200".parse().unwrap()));
    let vars = s.to_env().unwrap();
    let pairs: Vec<(&str, &[u8])> = vars.iter().collect();
    let back = pt_env::parse(pairs.iter().map(|(n, v)| (*n, *v)), &Config::DEFAULT).unwrap();
    assert_eq!(back, PtConfig::Server(s));
}
