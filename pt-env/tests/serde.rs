//! With `serde`: the configs round-trip through JSON (bytes that are not UTF-8 included), and
//! the JSON options of PT 2.2/3.0 have typed helpers for both shapes in use (pt2 Dispatcher IPC
//! section 1.8; behaviours: `pt2-options-format`).
#![cfg(feature = "serde")]

use pt_env::{Config, Dialects, Error, Host, JsonOptions, JsonShape, PtConfig, TransportOptions};

#[test]
fn configs_round_trip_through_json() {
    let vars: Vec<(&[u8], &[u8])> = vec![
        (b"TOR_PT_MANAGED_TRANSPORT_VER", b"1"),
        (b"TOR_PT_STATE_LOCATION", b"/st\xffate/"),
        (b"TOR_PT_CLIENT_TRANSPORTS", b"obfs4,snowflake"),
        (b"TOR_PT_PROXY", b"socks5://al\xffce:s3cr:et@x@[::1]:1080"),
        (b"TOR_PT_OUTBOUND_BIND_ADDRESS_V6", b"[::1]"),
    ];
    let c = pt_env::parse(vars.iter().map(|(n, v)| (*n, *v)), &Config::DEFAULT).unwrap();
    let json = serde_json::to_string(&c).unwrap();
    let back: PtConfig<'static> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);

    let vars = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", "/s/"),
        ("TOR_PT_SERVER_TRANSPORTS", "a,b"),
        ("TOR_PT_SERVER_TRANSPORT_OPTIONS", r"a:k=v;b:x=\;;a:k=w"),
        ("TOR_PT_SERVER_BINDADDR", "b-[::]:1"),
        ("TOR_PT_EXTENDED_SERVER_PORT", "127.0.0.1:4200"),
        ("TOR_PT_AUTH_COOKIE_FILE", "/c"),
    ];
    let s = pt_env::parse(&vars, &Config::DEFAULT).unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        json.contains(r#""KeyValue":[["a",[["k","v"],["k","w"]]],["b",[["x",";"]]]]"#),
        "{json}"
    );
    let back: PtConfig<'static> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
}

/// A version is its token; a host name is checked.
#[test]
fn checked_forms() {
    let v: pt_env::Version<'static> = serde_json::from_str(r#""2.1""#).unwrap();
    assert_eq!(v.dialect(), pt_env::Dialect::Pt2);
    assert_eq!(serde_json::to_string(&v).unwrap(), r#""2.1""#);
    assert!(serde_json::from_str::<pt_env::Version<'static>>(r#""7""#).is_err());
    let h: Host<'static> = serde_json::from_str(r#"{"Name":"example.com"}"#).unwrap();
    assert_eq!(h, Host::Name("example.com".into()));
    assert!(serde_json::from_str::<Host<'static>>(r#"{"Name":"exa mple"}"#).is_err());
    let ip: Host<'static> = serde_json::from_str(r#"{"Ip":"::1"}"#).unwrap();
    assert_eq!(ip, Host::Ip("::1".parse().unwrap()));
}

#[test]
fn policy_from_json() {
    let c: Config =
        serde_json::from_str(r#"{"proxy_host_names": true, "dialects": ["Pt1", "Pt3"]}"#).unwrap();
    assert!(c.proxy_host_names);
    assert_eq!(c.dialects, Dialects::PT1.with(pt_env::Dialect::Pt3));
    assert_eq!(c.legacy_ipv6, Config::DEFAULT.legacy_ipv6);
    let back: Config = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
    assert_eq!(back, c);
}

/// Nested by transport (the 2.2/3.0 spec's example shape, with valid JSON), flat with
/// `serverAddress` (the dispatcher's v3 files).
#[test]
fn json_option_shapes() {
    let nested = JsonOptions::new(
        r#"{"shadow": {"password": "password", "cipherName": "AES-128-GCM"}, "obfs4": {}}"#,
    )
    .unwrap();
    let names = ["shadow", "obfs4"];
    assert_eq!(nested.shape(&names).unwrap(), JsonShape::Nested);
    let shadow = nested.for_transport("shadow", &names).unwrap().unwrap();
    assert_eq!(shadow["cipherName"], "AES-128-GCM");
    assert!(nested.for_transport("meek", &names).unwrap().is_none());

    let flat = JsonOptions::new(
        r#"{"serverAddress": "example.com:2345", "serverPublicKey": "abc", "transport": "shadow"}"#,
    )
    .unwrap();
    assert_eq!(flat.shape(&["shadow"]).unwrap(), JsonShape::Flat);
    let a = flat.server_address("shadow", &["shadow"]).unwrap().unwrap();
    assert_eq!(a.host, Host::Name("example.com".into()));
    assert_eq!(a.port, 2345);
    // Flat options belong to the one transport launched.
    assert!(
        flat.for_transport("shadow", &["shadow", "obfs4"])
            .unwrap()
            .is_none()
    );

    let v6 = JsonOptions::new(r#"{"serverAddress": "[2001:db8::1]:443"}"#).unwrap();
    let a = v6.server_address("t", &["t"]).unwrap().unwrap();
    assert_eq!(a.to_string(), "[2001:db8::1]:443");

    let built = JsonOptions::nested([("obfs4", shadow.clone())]);
    assert_eq!(built.shape(&["obfs4"]).unwrap(), JsonShape::Nested);
    assert_eq!(
        built.for_transport("obfs4", &["obfs4"]).unwrap().unwrap(),
        shadow
    );

    // Errors: not JSON, a bad address.
    assert!(JsonOptions::new("k=v").is_err());
    let broken = JsonOptions::new("{\"a\": }").unwrap();
    assert!(matches!(broken.object(), Err(Error::InvalidJson { .. })));
    let bad = JsonOptions::new(r#"{"serverAddress": "nope"}"#).unwrap();
    assert!(matches!(
        bad.server_address("t", &["t"]),
        Err(Error::InvalidAddress { .. })
    ));
}

/// The options of a PT 3.0 command line, read with the helpers.
#[test]
fn pt3_client_server_address_from_options() {
    let argv = [
        "-ptversion",
        "3.0",
        "-transport",
        "shadow",
        "-options",
        r#"{"serverAddress":"192.0.2.7:1234","cipherName":"DarkStar"}"#,
    ];
    let env = pt_env::Env::new().with_argv(&argv, &[]).unwrap();
    let c = env
        .parse(&Config::DEFAULT.with_dialects(Dialects::ALL))
        .unwrap();
    let c = c.as_client().unwrap();
    let Some(TransportOptions::Json(j)) = &c.options else {
        panic!()
    };
    let addr = j.server_address("shadow", &c.transports).unwrap().unwrap();
    assert_eq!(addr.socket_addr(), Some("192.0.2.7:1234".parse().unwrap()));
}
