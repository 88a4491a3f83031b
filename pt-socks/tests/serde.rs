//! The serde forms of the server policy: a deserialized policy is as valid as one built in
//! code, so no configuration file can make the server select a method it cannot run.
#![cfg(feature = "serde")]

mod common;
use common::hex;

use pt_socks::Error;
use pt_socks::server::{Event, Handshake, Methods, Policy};
use pt_socks::socks5::Method;

/// What a client that offers everything sends, followed by a request that a server which
/// skipped authentication would take: `05 05 00 01 02 09 FF`, then CONNECT 127.0.0.1:9.
fn offer_everything() -> Vec<u8> {
    hex("05 05 00 01 02 09 ff 05 01 00 01 7f000001 0009")
}

/// `{"list":[1,0,0,0],"len":1}` was the derived form of a `Methods` holding GSSAPI alone: the
/// server then answered `05 01`, skipped authentication and read the next bytes as the
/// request. Neither that form nor the plain list `[1]` deserializes now.
#[test]
fn deserialized_methods_cannot_select_gssapi() {
    for json in [r#"{"list":[1,0,0,0],"len":1}"#, "[1]", "[2,1]"] {
        let r = serde_json::from_str::<Methods>(json);
        assert!(r.is_err(), "{json} deserialized to {r:?}");
    }
    let policy = r#"{"socks4":true,"socks5":true,"methods":{"list":[1,0,0,0],"len":1},
        "legacy_json_order":"BigEndian","max_json_len":65536,"max_userid_len":1024,
        "allow_bind":false,"allow_udp_associate":false,"strict":false}"#;
    assert!(serde_json::from_str::<Policy>(policy).is_err());
    // The same policy with a list the server can run works, and is run as listed.
    let policy = policy.replace(r#"{"list":[1,0,0,0],"len":1}"#, "[0]");
    let policy: Policy = serde_json::from_str(&policy).unwrap();
    assert_eq!(policy.methods.as_slice(), [Method::NO_AUTH]);
    let mut hs = Handshake::new(policy);
    let mut out = Vec::new();
    let input = offer_everything();
    let p = hs.advance(&input, &mut out).unwrap();
    assert!(matches!(p.event, Event::Request(_)));
    assert_eq!(out, [5, 0]);
}

/// `{"list":[255,...],"len":9}` made the server send `05 FF` and carry on as if no-auth had
/// been chosen (and `len` 9 pointed past the 4 slots). Refused in both forms.
#[test]
fn deserialized_methods_cannot_select_no_acceptable() {
    for json in [
        r#"{"list":[255,255,255,255],"len":9}"#,
        r#"{"list":[255,0,0,0],"len":1}"#,
        "[255]",
        "[0,255]",
        "[0,2,9,128,255]",
        "[0,0]",
        "[3]",
    ] {
        let r = serde_json::from_str::<Methods>(json);
        assert!(r.is_err(), "{json} deserialized to {r:?}");
    }
    let err = serde_json::from_str::<Methods>("[255]")
        .unwrap_err()
        .to_string();
    assert!(err.contains("255"), "{err}");
    let err = serde_json::from_str::<Methods>("[0,2,0]")
        .unwrap_err()
        .to_string();
    assert!(err.contains("twice"), "{err}");
    // What the server does with a client that offers only FF: `05 FF`, then nothing more.
    let mut hs = Handshake::new(Policy::default());
    let mut out = Vec::new();
    let input = hex("05 01 ff 05 01 00 01 7f000001 0009");
    assert_eq!(
        hs.advance(&input, &mut out),
        Err(Error::NoAcceptableMethod { offered: 1 })
    );
    assert_eq!(out, [5, 0xFF]);
    assert!(hs.is_failed());
}

/// `Methods` serializes as the plain list it deserializes from, and a whole `Policy` goes
/// through JSON unchanged.
#[test]
fn methods_serialize_as_a_plain_list() {
    assert_eq!(serde_json::to_string(&Methods::PT).unwrap(), "[2,9,0]");
    let all = Methods::new(&[
        Method::LEGACY_JSON,
        Method::NO_AUTH,
        Method::JSON,
        Method::USER_PASS,
    ])
    .unwrap();
    assert_eq!(serde_json::to_string(&all).unwrap(), "[128,0,9,2]");
    let empty = Methods::new(&[]).unwrap();
    assert_eq!(serde_json::to_string(&empty).unwrap(), "[]");
    for m in [Methods::PT, all, empty] {
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Methods>(&json).unwrap(), m);
    }
    let mut policy = Policy::default();
    policy.methods = all;
    policy.strict = true;
    let json = serde_json::to_string(&policy).unwrap();
    assert!(json.contains(r#""methods":[128,0,9,2]"#), "{json}");
    assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), policy);
}
