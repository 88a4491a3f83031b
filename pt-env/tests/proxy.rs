//! `TOR_PT_PROXY`: goptlib's `TestGetProxyURL` vectors (2018 `proxy_test.go`), obfs4proxy's
//! checks (`obfs4proxy/pt_extras.go` `ptGetProxy`), tor's URIs (`transports.c`
//! `get_pt_proxy_uri`, test `test_get_pt_proxy_uri` in `src/test/test_pt.c`) and the raw
//! credentials tor 0.4.9.11 wrote (behaviours: `env-proxy-schemes-and-hosts`,
//! `env-proxy-userinfo-raw`, `env-proxy-fail-closed`).

mod common;

use common::{client, client_env, error};
use pt_env::{AddrProblem, Config, Error, Keyword, Proxy, ProxyProblem, ProxyScheme};

fn problem(uri: &str, config: &Config) -> Option<ProxyProblem> {
    match Proxy::parse(uri.as_bytes(), config) {
        Ok(_) => None,
        Err(Error::Proxy { problem, .. }) => Some(problem),
        Err(e) => panic!("{uri}: not a proxy error: {e:?}"),
    }
}

/// goptlib's rejections (`TestGetProxyURL`): every one is refused under every policy.
#[test]
fn goptlib_rejections_are_refused() {
    use AddrProblem::*;
    use ProxyProblem::*;
    let cases: &[(&str, ProxyProblem)] = &[
        ("bogus", NotAbsolute),
        ("http:", NotAbsolute),
        ("://127.0.0.1", NotAbsolute),
        ("//127.0.0.1", NotAbsolute),
        ("http:127.0.0.1", NotAbsolute),
        ("://[::1]", NotAbsolute),
        ("//[::1]", NotAbsolute),
        ("http:[::1]", NotAbsolute),
        ("://localhost", NotAbsolute),
        ("//localhost", NotAbsolute),
        ("http:localhost", NotAbsolute),
        ("http://127.0.0.1", Host(MissingPort)),
        ("socks4a://127.0.0.1", Host(MissingPort)),
        ("socks5://127.0.0.1", Host(MissingPort)),
        ("http://127.0.0.1:", Host(MissingPort)),
        ("http://[::1]", Host(MissingPort)),
        ("http://localhost", Host(MissingPort)),
        ("unknown://localhost/whatever", Scheme),
        ("http://:8080", Host(MissingHost)),
        ("socks4a://:1080", Host(MissingHost)),
        ("socks5://:1080", Host(MissingHost)),
    ];
    for config in [Config::DEFAULT, Config::LENIENT, Config::STRICT] {
        for &(uri, want) in cases {
            assert_eq!(problem(uri, &config), Some(want), "{uri}");
        }
    }
}

/// goptlib's acceptances (`TestGetProxyURL`) and what we say. goptlib checks neither the
/// scheme, nor paths, nor that the host is an IP; obfs4proxy checks all three, and so do we,
/// except that `Config::LENIENT` takes goptlib's host names.
#[test]
fn goptlib_acceptances() {
    use ProxyProblem::*;
    // (uri, DEFAULT, LENIENT)
    let cases: &[(&str, Option<ProxyProblem>, Option<ProxyProblem>)] = &[
        ("http://127.0.0.1:8080", None, None),
        ("http://127.0.0.1:8080/", Some(Path), Some(Path)),
        ("http://127.0.0.1:8080/path", Some(Path), Some(Path)),
        ("http://[::1]:8080", None, None),
        ("http://[::1]:8080/", Some(Path), Some(Path)),
        ("http://[::1]:8080/path", Some(Path), Some(Path)),
        (
            "http://localhost:8080",
            Some(Host(AddrProblem::NotAnIp)),
            None,
        ),
        ("http://localhost:8080/", Some(Path), Some(Path)),
        (
            "http://user@localhost:8080",
            Some(Host(AddrProblem::NotAnIp)),
            None,
        ),
        (
            "http://user:password@localhost:8080",
            Some(Host(AddrProblem::NotAnIp)),
            None,
        ),
        (
            "socks5://localhost:1080",
            Some(Host(AddrProblem::NotAnIp)),
            None,
        ),
        (
            "socks4a://localhost:1080",
            Some(Host(AddrProblem::NotAnIp)),
            None,
        ),
        (
            "unknown://localhost:9999/whatever",
            Some(Scheme),
            Some(Scheme),
        ),
    ];
    for &(uri, default, lenient) in cases {
        assert_eq!(problem(uri, &Config::DEFAULT), default, "{uri} DEFAULT");
        assert_eq!(problem(uri, &Config::LENIENT), lenient, "{uri} LENIENT");
    }
    let p = Proxy::parse(b"http://user:password@localhost:8080", &Config::LENIENT).unwrap();
    assert_eq!(p.addr.to_string(), "localhost:8080");
    let a = p.auth.unwrap();
    assert_eq!(
        (&*a.user, a.password.as_deref()),
        (&b"user"[..], Some(&b"password"[..]))
    );
}

/// obfs4proxy's own rules: three schemes, SOCKS4a without a password, SOCKS5 credentials of
/// 1 to 255 bytes, and no query or fragment.
#[test]
fn obfs4proxy_rules() {
    use ProxyProblem::*;
    let u255 = "u".repeat(255);
    let u256 = "u".repeat(256);
    let cases: Vec<(String, Option<ProxyProblem>)> = vec![
        ("socks4a://u:p@127.0.0.1:1080".into(), Some(Socks4aPassword)),
        ("socks4a://u:@127.0.0.1:1080".into(), Some(Socks4aPassword)),
        ("socks4a://u@127.0.0.1:1080".into(), None),
        ("socks5://:p@127.0.0.1:1080".into(), Some(Socks5User)),
        ("socks5://@127.0.0.1:1080".into(), Some(Socks5User)),
        ("socks5://u@127.0.0.1:1080".into(), Some(Socks5Password)),
        ("socks5://u:@127.0.0.1:1080".into(), Some(Socks5Password)),
        (format!("socks5://{u255}:{u255}@127.0.0.1:1080"), None),
        (
            format!("socks5://{u256}:p@127.0.0.1:1080"),
            Some(Socks5User),
        ),
        (
            format!("socks5://u:{u256}@127.0.0.1:1080"),
            Some(Socks5Password),
        ),
        ("http://@127.0.0.1:3128".into(), None),
        ("https://127.0.0.1:3128".into(), Some(Scheme)),
        ("socks4://127.0.0.1:1080".into(), Some(Scheme)),
        ("SOCKS5://127.0.0.1:1080".into(), None),
        ("socks5://127.0.0.1:1080?x=y".into(), Some(Query)),
        ("socks5://127.0.0.1:1080#top".into(), Some(Fragment)),
        // The pre-bug-7011 unbracketed IPv6 form is for ORPORT and BINDADDR only: in a URI
        // Go's `SplitHostPort` (goptlib, obfs4proxy) refuses it too.
        (
            "socks5://1:2::3:4:1080".into(),
            Some(Host(AddrProblem::Unbracketed)),
        ),
    ];
    for (uri, want) in &cases {
        assert_eq!(problem(uri, &Config::DEFAULT), *want, "{uri}");
    }
    assert_eq!(
        problem("socks5://1:2::3:4:1080", &Config::LENIENT),
        Some(Host(AddrProblem::Unbracketed))
    );
}

/// tor writes credentials raw (A16: no percent-encoding); the userinfo ends at the last `@`
/// and splits at its first `:`; nothing is decoded. The values are the ones tor 0.4.9.11
/// exported (`testdata/tor-client/cases/proxy-*-auth/pt-env.txt`).
#[test]
fn userinfo_is_raw() {
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        (
            "socks5://alice:s3cr:et@x@127.0.0.1:1080",
            "alice",
            Some("s3cr:et@x"),
            "127.0.0.1:1080",
        ),
        (
            "http://bob:pa:ss@127.0.0.1:3128",
            "bob",
            Some("pa:ss"),
            "127.0.0.1:3128",
        ),
        (
            "socks5://u:a/b?c#d@127.0.0.1:1",
            "u",
            Some("a/b?c#d"),
            "127.0.0.1:1",
        ),
        (
            "http://us%40er:p%3Aw@[::1]:80",
            "us%40er",
            Some("p%3Aw"),
            "[::1]:80",
        ),
        ("http://a@b@127.0.0.1:80", "a@b", None, "127.0.0.1:80"),
    ];
    for &(uri, user, password, addr) in cases {
        let p = Proxy::parse(uri.as_bytes(), &Config::STRICT).unwrap();
        let a = p.auth.clone().unwrap();
        assert_eq!(&*a.user, user.as_bytes(), "{uri}");
        assert_eq!(a.password.as_deref(), password.map(str::as_bytes), "{uri}");
        assert_eq!(p.addr.to_string(), addr, "{uri}");
        assert_eq!(p.to_uri().unwrap(), uri.as_bytes(), "{uri}");
    }
}

/// tor's `test_get_pt_proxy_uri` URIs, built from their parts, byte for byte, and back.
#[test]
fn tor_proxy_uris_build_and_parse() {
    let v4 = |s: &str| s.parse::<std::net::SocketAddr>().unwrap();
    let cases: Vec<(Proxy<'static>, &str)> = vec![
        (
            Proxy::new(ProxyScheme::Socks4a, v4("192.0.2.1:1080")),
            "socks4a://192.0.2.1:1080",
        ),
        (
            Proxy::new(ProxyScheme::Socks5, v4("192.0.2.1:1080")),
            "socks5://192.0.2.1:1080",
        ),
        (
            Proxy::new(ProxyScheme::Socks5, v4("192.0.2.1:1080"))
                .with_auth(b"hwest", Some(b"r34n1m470r")),
            "socks5://hwest:r34n1m470r@192.0.2.1:1080",
        ),
        (
            Proxy::new(ProxyScheme::Http, v4("192.0.2.1:80")),
            "http://192.0.2.1:80",
        ),
        (
            Proxy::new(ProxyScheme::Http, v4("192.0.2.1:80"))
                .with_auth(b"hwest", Some(b"r34n1m470r")),
            "http://hwest:r34n1m470r@192.0.2.1:80",
        ),
        (
            Proxy::new(ProxyScheme::Socks4a, v4("[2001:db8::1]:1080")),
            "socks4a://[2001:db8::1]:1080",
        ),
    ];
    for (proxy, uri) in cases {
        assert_eq!(proxy.to_uri().unwrap(), uri.as_bytes());
        assert_eq!(
            Proxy::parse(uri.as_bytes(), &Config::STRICT).unwrap(),
            proxy
        );
    }
    // What the PT side would refuse cannot be built.
    let bad = Proxy::new(ProxyScheme::Socks4a, v4("192.0.2.1:1080")).with_auth(b"u", Some(b"p"));
    assert!(bad.to_uri().is_err());
    let colon = Proxy::new(ProxyScheme::Http, v4("192.0.2.1:80")).with_auth(b"a:b", None);
    assert!(matches!(colon.to_uri(), Err(Error::Unbuildable { .. })));
}

/// Every refusal is a `PROXY-ERROR` line, after `VERSION`, never silently ignored; the host is
/// quoted, the credentials never are.
#[test]
fn proxy_error_lines() {
    let u256 = "u".repeat(256);
    let long_user = format!("socks5://{u256}:secret@127.0.0.1:1080");
    let cases: Vec<(&str, &str)> = vec![
        (
            "bogus://127.0.0.1:1",
            "PROXY-ERROR proxy URI has invalid scheme: bogus",
        ),
        (
            "https://127.0.0.1:3128",
            "PROXY-ERROR proxy URI has invalid scheme: https",
        ),
        (
            "socks5://localhost:1080",
            "PROXY-ERROR proxy URI has invalid host: not an IP string: \"localhost\"",
        ),
        (
            "127.0.0.1:1080",
            "PROXY-ERROR proxy URI is relative, must be absolute (<scheme>://...)",
        ),
        (
            "socks5://127.0.0.1",
            "PROXY-ERROR proxy URI has invalid host: missing port: \"127.0.0.1\"",
        ),
        (
            "http://127.0.0.1:80/x",
            "PROXY-ERROR proxy URI has a path defined",
        ),
        (
            "http://127.0.0.1:80?x",
            "PROXY-ERROR proxy URI has a query defined",
        ),
        (
            "http://127.0.0.1:80#x",
            "PROXY-ERROR proxy URI has a fragment defined",
        ),
        (
            "socks4a://u:secret@127.0.0.1:1",
            "PROXY-ERROR proxy URI specified SOCKS4a and a password",
        ),
        (
            &long_user,
            "PROXY-ERROR proxy URI specified an invalid SOCKS5 username: expected 1 to 255 bytes",
        ),
        (
            "socks5://u@127.0.0.1:1",
            "PROXY-ERROR proxy URI specified an invalid SOCKS5 password: expected 1 to 255 bytes",
        ),
        (
            "http://u:secret@[::1:80",
            "PROXY-ERROR proxy URI has invalid host: not an IP string: \"::1:80\"",
        ),
    ];
    for (uri, line) in cases {
        let pairs = client_env(&[("TOR_PT_PROXY", uri)]);
        let e = error(&pairs, &Config::DEFAULT);
        assert_eq!(e.keyword(), Keyword::ProxyError);
        assert_eq!(e.line().to_string(), line, "{uri}");
        assert!(!e.line().message.contains("secret"));
        assert_eq!(
            common::first_lines(&pairs, &Config::DEFAULT),
            ["VERSION 1", line]
        );
    }
    // Unset or empty: no proxy (goptlib `TestGetProxyURL`).
    for pairs in [client_env(&[]), client_env(&[("TOR_PT_PROXY", "")])] {
        assert!(client(&pairs, &Config::DEFAULT).proxy.is_none());
    }
}

/// `Debug` never shows the password: not a `Proxy`'s, an `Env`'s or an `EnvVars`'.
#[test]
fn debug_hides_the_password() {
    let p = Proxy::parse(b"socks5://alice:hunter2@127.0.0.1:1080", &Config::DEFAULT).unwrap();
    let shown = format!("{p:?}");
    assert!(
        shown.contains("alice") && !shown.contains("hunter2"),
        "{shown}"
    );
}
