//! The SOCKS server machine against its references, as tables: goptlib's server vectors (its
//! `socks_test.go`: `TestAuth*`, `TestRFC1929*`, `TestRequest*`, `TestResponseNil`),
//! obfs4proxy's replies (`common/socks5/socks5.go`) and Arti's (`crates/tor-socksproto`).
//! Where they disagree, the rows of `docs/behaviours.md` named below say which one we follow.

mod common;
use common::{hex, run_server, run_server_whole};

use pt_socks::server::{Policy, Request};
use pt_socks::socks5::{Command, ReplyCode};
use pt_socks::{Error, Version};

fn pol() -> Policy {
    Policy::default()
}

/// Method negotiation: goptlib's `TestAuth*` vectors (behaviours: `socks5-method-preference`,
/// `socks-bad-version-reply`). (input, reply written, error)
#[test]
fn method_negotiation() {
    let table: &[(&str, &str, Option<Error>)] = &[
        ("03 01 00", "", Some(Error::UnknownVersion { found: 3 })),
        (
            "05 00",
            "05 ff",
            Some(Error::NoAcceptableMethod { offered: 0 }),
        ),
        ("05 01 00", "05 00", None),
        ("05 01 02", "05 02", None),
        ("05 02 00 02", "05 02", None),
        (
            "05 01 01",
            "05 ff",
            Some(Error::NoAcceptableMethod { offered: 1 }),
        ),
        ("05 03 00 01 02", "05 02", None),
        // Arti's `handshake/proxy.rs` test: 05 02 99 88 (no usable method)
        (
            "05 02 99 88",
            "05 ff",
            Some(Error::NoAcceptableMethod { offered: 2 }),
        ),
    ];
    for (input, reply, err) in table {
        let run = run_server(pol(), &[&hex(input)], true, None);
        assert_eq!(run.out, hex(reply), "{input}");
        assert_eq!(run.error, *err, "{input}");
        if let Some(e) = err {
            assert_eq!(e.reply(), hex(reply).as_slice(), "{input}: Error::reply");
        }
    }
}

/// RFC 1929 sub-negotiation (after `05 01 02` -> `05 02`): goptlib's `TestRFC1929*` vectors
/// (behaviours: `rfc1929-empty-fields`).
#[test]
fn rfc1929_subnegotiation() {
    let pre = "05 01 02";
    // (auth bytes, policy strict?, accept?, expected output after 05 02, error)
    let table: &[(&str, bool, bool, &str, Option<Error>)] = &[
        (
            "03 05 4142434445 05 6162636465",
            false,
            true,
            "01 01",
            Some(Error::BadAuthVersion { found: 3 }),
        ),
        (
            "01 00 05 6162636465",
            true,
            true,
            "01 01",
            Some(Error::EmptyAuthField { field: "UNAME" }),
        ),
        (
            "01 05 4142434445 00",
            true,
            true,
            "01 01",
            Some(Error::EmptyAuthField { field: "PASSWD" }),
        ),
        // Arti accepts empty fields: the default policy hands them to the caller.
        (
            "01 00 05 6162636465 05 01 00 01 7f000001 235a",
            false,
            true,
            "01 00 05 00 00 01 00000000 0000",
            None,
        ),
        // Args that do not parse: the caller rejects them.
        (
            "01 05 4142434445 05 6162636465",
            false,
            false,
            "01 01",
            Some(Error::CredentialsRejected {
                auth: pt_socks::AuthKind::UserPass,
            }),
        ),
        ("01 09 6b65793d76616c7565 01 00", false, true, "01 00", None),
    ];
    for (auth, strict, accept, expect, err) in table {
        let mut p = pol();
        p.strict = *strict;
        let input = hex(&format!("{pre} {auth}"));
        let run = run_server(p, &[&input], *accept, Some(ReplyCode::SUCCEEDED));
        assert_eq!(run.out, hex(&format!("05 02 {expect}")), "{auth}");
        assert_eq!(run.error, *err, "{auth}");
    }
    // The args of the success vector.
    let run = run_server(
        pol(),
        &[&hex("05 01 02 01 09 6b65793d76616c7565 01 00")],
        true,
        None,
    );
    let (u, p) = run.creds.unwrap();
    let args = pt_args::socks::parse_rfc1929(&u, &p, pt_args::socks::Config::LENIENT).unwrap();
    assert_eq!(args.get("key"), Some("value"));
    // EOF after the version byte: goptlib sends no reply; we just need more input.
    let run = run_server(pol(), &[&hex("05 01 02 01")], true, None);
    assert_eq!((run.out, run.error), (hex("05 02"), None));
}

/// Request errors and successes (after no-auth): goptlib's `TestRequestInvalidHdr`,
/// `TestRequestIPv4`, `TestRequestIPv6`, `TestRequestFQDN` (behaviours: `socks5-rsv-byte`,
/// `socks-bad-version-reply`, `socks5-empty-domain`).
#[test]
fn requests() {
    let pre = "05 01 00";
    let table: &[(&str, &str, Option<Error>, Option<&str>)] = &[
        (
            "03 01 00 01 7f000001 235a",
            "05 01 00 01 00000000 0000",
            Some(Error::BadRequestVersion { found: 3 }),
            None,
        ),
        (
            "05 05 00 01 7f000001 235a",
            "05 07 00 01 00000000 0000",
            Some(Error::UnsupportedCommand {
                version: Version::Socks5,
                command: 5,
            }),
            None,
        ),
        // RSV = 0x30 is ignored by default (Arti)...
        (
            "05 01 30 01 7f000001 235a",
            "05 00 00 01 00000000 0000",
            None,
            Some("127.0.0.1:9050"),
        ),
        (
            "05 01 00 05 7f000001 235a",
            "05 08 00 01 00000000 0000",
            Some(Error::UnsupportedAddressType { atyp: 5, offset: 3 }),
            None,
        ),
        (
            "05 01 00 01 7f000001 235a",
            "05 00 00 01 00000000 0000",
            None,
            Some("127.0.0.1:9050"),
        ),
        (
            "05 01 00 04 0102030405060708090a0b0c0d0e0f10 235a",
            "05 00 00 01 00000000 0000",
            None,
            Some("[102:304:506:708:90a:b0c:d0e:f10]:9050"),
        ),
        (
            "05 01 00 03 0b 6578616d706c652e636f6d 235a",
            "05 00 00 01 00000000 0000",
            None,
            Some("example.com:9050"),
        ),
        // Empty domain -> general failure (obfs4proxy replies; goptlib closes).
        (
            "05 01 00 03 00 235a",
            "05 01 00 01 00000000 0000",
            Some(Error::EmptyDomain {
                version: Version::Socks5,
            }),
            None,
        ),
        // BIND and UDP ASSOCIATE are refused by the default policy.
        (
            "05 02 00 01 7f000001 235a",
            "05 07 00 01 00000000 0000",
            Some(Error::CommandRefused {
                version: Version::Socks5,
                command: Command::Bind,
            }),
            None,
        ),
        (
            "05 03 00 01 00000000 0000",
            "05 07 00 01 00000000 0000",
            Some(Error::CommandRefused {
                version: Version::Socks5,
                command: Command::UdpAssociate,
            }),
            None,
        ),
    ];
    for (req, reply, err, target) in table {
        let run = run_server_whole(pol(), &hex(&format!("{pre} {req}")));
        assert_eq!(run.out, hex(&format!("05 00 {reply}")), "{req}");
        assert_eq!(run.error, *err, "{req}");
        assert_eq!(
            run.request.map(|r| r.2),
            target.map(str::to_string),
            "{req}"
        );
    }
    // ...and refused under the strict policy (goptlib).
    let mut strict = pol();
    strict.strict = true;
    let run = run_server_whole(strict, &hex("05 01 00 05 01 30 01 7f000001 235a"));
    assert_eq!(run.out, hex("05 00 05 01 00 01 00000000 0000"));
    assert_eq!(run.error, Some(Error::NonZeroReserved { found: 0x30 }));
    // A truncated address gets nothing: it is just incomplete (goptlib sends nothing either).
    let run = run_server_whole(pol(), &hex("05 01 00 05 01 00 01 7f00"));
    assert_eq!((run.out, run.error), (hex("05 00"), None));
}

/// The reply every PT sends (goptlib's `TestResponseNil`), for an IPv6 request too; any failure
/// code; SOCKS4 maps to 5A/5B (behaviours: `socks-bound-address`, `socks4-reply-codes`).
#[test]
fn replies() {
    for code in 0u8..=8 {
        let run = run_server(
            pol(),
            &[&hex(
                "05 01 00 05 01 00 04 00000000000000000000000000000001 0050",
            )],
            true,
            Some(ReplyCode(code)),
        );
        assert_eq!(
            run.out,
            hex(&format!("05 00 05 {code:02x} 00 01 00000000 0000"))
        );
        assert_eq!(run.done, code == 0);
    }
    // Arti's `handshake/proxy.rs` test: SOCKS4 to 203.0.113.7:80 with an empty USERID; a
    // rejection is 5B.
    let run = run_server(
        pol(),
        &[&hex("04 01 0050 CB007107 00")],
        true,
        Some(ReplyCode::HOST_UNREACHABLE),
    );
    assert_eq!(run.request.unwrap().2, "203.0.113.7:80");
    assert_eq!(run.out, hex("00 5b 0000 00000000"));
    assert!(run.creds.is_none(), "empty USERID is no-auth (as in Arti)");
}

/// SOCKS4a when the IP is 0.0.0.x with x != 0, as goptlib 0.5's `socks.go` and Arti's
/// `handshake/proxy.rs` read it.
#[test]
fn socks4a() {
    let run = run_server_whole(
        pol(),
        &hex("04 01 01bb 00000001 6b3d76 00 6578616d706c652e636f6d 00 ff"),
    );
    assert_eq!(
        run.request.unwrap(),
        (Version::Socks4, Command::Connect, "example.com:443".into())
    );
    assert_eq!(run.creds.unwrap().0, b"k=v");
    assert_eq!(run.out, hex("00 5a 0000 00000000"));
    assert_eq!(run.leftover, [0xff]);
    // 0.0.0.0 is not the 4a marker.
    let run = run_server_whole(pol(), &hex("04 01 01bb 00000000 00"));
    assert_eq!(run.request.unwrap().2, "0.0.0.0:443");
    // Empty host, over-long host, over-long USERID, unknown command: 5B.
    let run = run_server_whole(pol(), &hex("04 01 01bb 00000001 00 00"));
    assert_eq!(
        (run.out, run.error),
        (
            hex("00 5b 0000 00000000"),
            Some(Error::EmptyDomain {
                version: Version::Socks4
            })
        )
    );
    let mut long = hex("04 01 01bb 00000001 00");
    long.extend(std::iter::repeat_n(b'a', 256));
    let run = run_server_whole(pol(), &long);
    assert_eq!(
        run.error,
        Some(Error::FieldTooLong {
            field: "HOST",
            max: 255
        })
    );
    let mut p = pol();
    p.max_userid_len = 10;
    let mut long = hex("04 01 01bb 7f000001");
    long.extend(std::iter::repeat_n(b'a', 11));
    let run = run_server_whole(p, &long);
    assert_eq!(
        run.error,
        Some(Error::FieldTooLong {
            field: "USERID",
            max: 10
        })
    );
    assert_eq!(run.out, hex("00 5b 0000 00000000"));
    let run = run_server_whole(pol(), &hex("04 03 01bb 7f000001 00"));
    assert_eq!(
        run.error,
        Some(Error::UnsupportedCommand {
            version: Version::Socks4,
            command: 3
        })
    );
    // A rejected USERID gets 5B.
    let run = run_server(pol(), &[&hex("04 01 01bb 7f000001 6b3d76 00")], false, None);
    assert_eq!(run.out, hex("00 5b 0000 00000000"));
    assert_eq!(
        run.error,
        Some(Error::CredentialsRejected {
            auth: pt_socks::AuthKind::UserId
        })
    );
}

/// Versions and methods turned off by the policy.
#[test]
fn policy_switches() {
    let mut p = pol();
    p.socks4 = false;
    let run = run_server_whole(p, &hex("04 01 01bb 7f000001 00"));
    assert_eq!(
        (run.out, run.error),
        (
            hex("00 5b 0000 00000000"),
            Some(Error::VersionDisabled {
                version: Version::Socks4
            })
        )
    );
    let mut p = pol();
    p.socks5 = false;
    let run = run_server_whole(p, &hex("05 01 00"));
    assert_eq!(
        (run.out, run.error),
        (
            hex("05 ff"),
            Some(Error::VersionDisabled {
                version: Version::Socks5
            })
        )
    );
    // Psiphon's order: no-auth first (behaviours: `socks5-method-preference`).
    let mut p = pol();
    p.methods = pt_socks::server::Methods::new(&[
        pt_socks::socks5::Method::NO_AUTH,
        pt_socks::socks5::Method::USER_PASS,
    ])
    .unwrap();
    let run = run_server(p, &[&hex("05 02 00 02")], true, None);
    assert_eq!(run.out, hex("05 00"));
    // BIND allowed: two replies.
    let mut p = pol();
    p.allow_bind = true;
    let mut hs = pt_socks::server::Handshake::new(p);
    let mut out = Vec::new();
    let input = hex("05 01 00 05 02 00 01 c0000201 0050");
    let pr = hs.advance(&input, &mut out).unwrap();
    assert!(matches!(
        pr.event,
        pt_socks::server::Event::Request(Request {
            command: Command::Bind,
            ..
        })
    ));
    hs.reply(
        ReplyCode::SUCCEEDED,
        Some("192.0.2.9:4000".parse().unwrap()),
        &mut out,
    )
    .unwrap();
    assert!(!hs.is_done());
    assert_eq!(hs.advance(&[], &mut out), Err(Error::DecisionPending));
    hs.reply(
        ReplyCode::SUCCEEDED,
        Some("[2001:db8::1]:5000".parse().unwrap()),
        &mut out,
    )
    .unwrap();
    assert!(hs.is_done());
    assert_eq!(
        out,
        hex("05 00 05 00 00 01 c0000209 0fa0 05 00 00 04 20010db8000000000000000000000001 1388")
    );
}

/// PT 2.x JSON block (method 09) and the legacy 80 (behaviours: `pt2-json-block-framing`,
/// `pt2-json-error-codes`).
#[test]
fn json_block() {
    let json = br#"{"shared-secret": "rahasia", "secrets-file": "/tmp/blob"}"#;
    let mut input = hex("05 01 09 00000039");
    input.extend_from_slice(json);
    input.extend(hex("05 01 00 04 00000000000000000000000000000000 0000"));
    let run = run_server_whole(pol(), &input);
    assert_eq!(run.creds.unwrap().0, json);
    assert_eq!(
        run.out,
        hex("05 09 05 00 00 01 00000000 0000"),
        "no auth reply"
    );
    // The bound-transport destination [::]:0.
    assert_eq!(run.request.unwrap().2, "[::]:0");
    // Rejected by the caller: 05 13; empty: 05 12; too long: 05 10.
    let run = run_server(pol(), &[&input], false, None);
    assert_eq!(run.out, hex("05 09 05 13 00 01 00000000 0000"));
    let run = run_server_whole(pol(), &hex("05 01 09 00000000"));
    assert_eq!(
        (run.out, run.error),
        (
            hex("05 09 05 12 00 01 00000000 0000"),
            Some(Error::JsonEmpty)
        )
    );
    let mut p = pol();
    p.max_json_len = 56;
    let run = run_server_whole(p, &input);
    assert_eq!(run.out, hex("05 09 05 10 00 01 00000000 0000"));
    assert_eq!(run.error, Some(Error::JsonTooLong { len: 57, max: 56 }));
    // Legacy 80 is off by default...
    let run = run_server_whole(pol(), &hex("05 01 80"));
    assert_eq!(run.out, hex("05 ff"));
    // ...and on with the policy switch, in either byte order.
    for (order, len) in [
        (pt_socks::json::ByteOrder::BigEndian, "00000002"),
        (pt_socks::json::ByteOrder::LittleEndian, "02000000"),
    ] {
        let mut p = pol();
        p.methods = pt_socks::server::Methods::new(&[
            pt_socks::socks5::Method::JSON,
            pt_socks::socks5::Method::LEGACY_JSON,
        ])
        .unwrap();
        p.legacy_json_order = order;
        let run = run_server_whole(
            p,
            &hex(&format!("05 01 80 {len} 7b7d 05 01 00 01 7f000001 0050")),
        );
        assert_eq!(run.creds.unwrap().0, b"{}");
        assert!(run.done);
    }
}

/// Misuse is an error with no reply, never a panic.
#[test]
fn usage_errors() {
    let mut hs = pt_socks::server::Handshake::new(pol());
    let mut out = Vec::new();
    assert_eq!(
        hs.decide(true, &mut out),
        Err(Error::NotPending {
            expected: "credentials"
        })
    );
    assert_eq!(
        hs.reply(ReplyCode::SUCCEEDED, None, &mut out),
        Err(Error::NotPending { expected: "reply" })
    );
    // `out` must have room for what this call may write: the method selection, and the reply
    // to a failure of a message pipelined behind the greeting (see `tests/bounds.rs`).
    let mut small = [0u8; 1];
    assert_eq!(
        hs.advance(&[5, 1, 0], &mut &mut small[..]),
        Err(Error::BufferTooSmall {
            needed: 2,
            available: 1
        })
    );
    let mut small = [0u8; 4];
    assert_eq!(
        hs.advance(&[5, 1, 0, 5], &mut &mut small[..]),
        Err(Error::BufferTooSmall {
            needed: 12,
            available: 4
        })
    );
    assert_eq!(small, [0; 4]);
    let input = hex("05 01 02 01 01 61 01 00");
    let pr = hs.advance(&input, &mut out).unwrap();
    assert_eq!(pr.consumed, 8);
    assert_eq!(hs.advance(&[], &mut out), Err(Error::DecisionPending));
    let _ = hs.decide(false, &mut out);
    assert_eq!(hs.advance(&[], &mut out), Err(Error::Failed));
    assert!(hs.is_failed());
}

/// Error kinds and replies for every client-side error are empty.
#[test]
fn error_kinds() {
    use pt_socks::ErrorKind;
    assert_eq!(
        Error::ProxyRefusedAuth { status: 1 }.kind(),
        ErrorKind::AuthRejected
    );
    assert_eq!(
        Error::ProxyRequestFailed {
            version: Version::Socks5,
            code: 4
        }
        .kind(),
        ErrorKind::RequestFailed
    );
    assert_eq!(
        Error::UnexpectedMethod { method: 0 }.kind(),
        ErrorKind::Protocol
    );
    assert_eq!(
        Error::HttpStatus { status: 407 }.kind(),
        ErrorKind::AuthRejected
    );
    assert!(Error::ProxyRefusedMethods.reply().is_empty());
    assert!(Error::UnknownVersion { found: 0 }.reply().is_empty());
}

/// SOCKS4 fields that grow too long fail at the same byte, with the same `5B` reply, whether
/// the request arrives whole or one byte at a time (the byte-at-a-time NUL wait runs outside
/// the state machine and must hand over before a limit is crossed). At the limit they pass.
#[test]
fn socks4_field_limits_bytewise() {
    let mut p = pol();
    p.max_userid_len = 10;
    let cases: [(Vec<u8>, Option<&str>); 4] = [
        (
            [hex("04 01 01bb 7f000001"), vec![b'a'; 11]].concat(),
            Some("USERID"),
        ),
        (
            [hex("04 01 01bb 7f000001"), vec![b'a'; 10], vec![0]].concat(),
            None,
        ),
        (
            [hex("04 01 01bb 00000001 00"), vec![b'h'; 256]].concat(),
            Some("HOST"),
        ),
        (
            [hex("04 01 01bb 00000001 00"), vec![b'h'; 255], vec![0]].concat(),
            None,
        ),
    ];
    for (input, too_long) in cases {
        let whole = run_server(p, &[&input], true, Some(ReplyCode::SUCCEEDED));
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        let bytewise = run_server(p, &bytes, true, Some(ReplyCode::SUCCEEDED));
        match too_long {
            Some(field) => {
                assert!(
                    matches!(whole.error, Some(Error::FieldTooLong { field: f, .. }) if f == field)
                );
                assert_eq!(whole.out, hex("00 5b 0000 00000000"));
            }
            None => assert!(whole.done && whole.error.is_none(), "{whole:?}"),
        }
        assert_eq!(whole.error, bytewise.error);
        assert_eq!(whole.out, bytewise.out);
        assert_eq!(whole.request, bytewise.request);
    }
}

/// `ReplyCode::from_io_error_kind` gives obfs4proxy's and the dispatcher's codes (their
/// `common/socks5/socks5.go` `ErrorToReplyCode`), and `01` for anything else.
#[cfg(feature = "std")]
#[test]
fn reply_code_from_io_error_kind() {
    use std::io::ErrorKind as K;
    let table = [
        (K::NetworkUnreachable, ReplyCode::NETWORK_UNREACHABLE, 0x03),
        (K::HostUnreachable, ReplyCode::HOST_UNREACHABLE, 0x04),
        (K::ConnectionRefused, ReplyCode::CONNECTION_REFUSED, 0x05),
        (K::ConnectionReset, ReplyCode::CONNECTION_REFUSED, 0x05),
        (K::TimedOut, ReplyCode::TTL_EXPIRED, 0x06),
        (
            K::AddrNotAvailable,
            ReplyCode::ADDRESS_TYPE_NOT_SUPPORTED,
            0x08,
        ),
        (K::PermissionDenied, ReplyCode::NOT_ALLOWED, 0x02),
        (K::NotFound, ReplyCode::GENERAL_FAILURE, 0x01),
        (K::ConnectionAborted, ReplyCode::GENERAL_FAILURE, 0x01),
        (K::AddrInUse, ReplyCode::GENERAL_FAILURE, 0x01),
        (K::UnexpectedEof, ReplyCode::GENERAL_FAILURE, 0x01),
        (K::Other, ReplyCode::GENERAL_FAILURE, 0x01),
    ];
    for (kind, code, byte) in table {
        assert_eq!(ReplyCode::from_io_error_kind(kind), code, "{kind:?}");
        assert_eq!(code.0, byte);
        assert!(!code.is_success());
    }
    // The kind of a real failed connect: nothing listens on this port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    if let Err(e) = std::net::TcpStream::connect(addr) {
        assert_eq!(
            ReplyCode::from_io_error_kind(e.kind()),
            ReplyCode::CONNECTION_REFUSED
        );
    }
}

/// `Target::is_bound_transport` is `[::]:0` exactly: IPv6 unspecified and port 0, as parsed
/// from a request or built from `Target::BOUND_TRANSPORT`; not `0.0.0.0:0`, another port,
/// another IPv6 address, or a domain.
#[test]
fn bound_transport_target() {
    use pt_socks::Target;
    use pt_socks::{Parse, Parsed};
    assert!(Target::BOUND_TRANSPORT.is_bound_transport());
    let ip = |s: &str| Target::Ip(s.parse().unwrap());
    assert!(ip("[::]:0").is_bound_transport());
    for t in [
        ip("[::]:1"),
        ip("[::1]:0"),
        ip("[::ffff:0.0.0.0]:0"),
        ip("0.0.0.0:0"),
        Target::UNSPECIFIED,
        Target::domain("::", 0).unwrap(),
    ] {
        assert!(!t.is_bound_transport(), "{t}");
    }
    let wire = hex("05 01 00 04 00000000000000000000000000000000 0000");
    let Ok(Parsed::Complete { value, .. }) = pt_socks::socks5::Request::parse(&wire) else {
        panic!()
    };
    assert!(value.target.is_bound_transport());
    // And what the server hands the caller for it.
    let mut input = hex("05 01 00");
    input.extend_from_slice(&wire);
    let run = run_server_whole(pol(), &input);
    assert_eq!(
        run.request,
        Some((Version::Socks5, Command::Connect, "[::]:0".to_string()))
    );
}
