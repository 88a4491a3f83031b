//! Known answers: the published SAFE_COOKIE vectors (tor's, goptlib's, the benchmark's), the
//! hashes recorded from real tor and obfs4proxy runs (`testdata/tor-server/extorport-safecookie-KAT.md`),
//! the cookie files, and the command, USERADDR and TRANSPORT tables of tor and goptlib.

mod common;
use common::{fixtures, hex, hex32};

use pt_extorport::command::{self, check_transport, encode_raw, parse_useraddr};
use pt_extorport::{Command, Cookie, Error, Parsed};

fn check(cookie: [u8; 32], cn: [u8; 32], sn: [u8; 32], server_hash: &str, client_hash: &str) {
    let key = Cookie::new(cookie).key();
    assert_eq!(key.server_hash(&cn, &sn).to_vec(), hex(server_hash));
    assert_eq!(key.client_hash(&cn, &sn).to_vec(), hex(client_hash));
    assert!(key.verify_server_hash(&cn, &sn, &hex(server_hash)));
    assert!(key.verify_client_hash(&cn, &sn, &hex(client_hash)));
    assert!(!key.verify_server_hash(&cn, &sn, &hex(client_hash)));
    assert!(!key.verify_client_hash(&cn, &sn, &hex(server_hash)[..31]));
}

/// tor's `test_extorport.c` `test_ext_or_cookie_auth_testvec`.
#[test]
fn tor_test_vector() {
    check(
        *b"Gliding wrapt in a brown mantle,",
        *b"But when I look ahead up the whi",
        *b"te road There is always another ",
        "ec80ed6e546d3b36fdfc22fe1315416b029f1ade7610d910878b62eeb7403821",
        "ab391732dd2ed968cd40c087d1b1f25b33b3cd77ff79bd80c2074bbf438119a2",
    );
}

/// goptlib's `pt_test.go` `TestComputeServerHash` and `TestComputeClientHash`.
#[test]
fn goptlib_test_vector() {
    check(
        [0; 32],
        [0; 32],
        [0; 32],
        "9e221919982a84f75faf60ef926949796268c97833e06960ff265369a90fd6d8",
        "0f368b1bee24aabc54a9114ce06c070f3ed99d0d368f599ccc6dfdc8bf457a62",
    );
}

/// The benchmark's input (cookie 0x11, client nonce 0x22, server nonce 0x33), on which Go,
/// RustCrypto, ring and Python agree.
#[test]
fn benchmark_vector() {
    check(
        [0x11; 32],
        [0x22; 32],
        [0x33; 32],
        "c8141730eabb742216e69f8fd9cee0bd612659447086823c4f2399d78ca6f797",
        "2165bd8c88d8926f8f041632e16020ac2e67ce930e25eb5fe842e9c48f50e94e",
    );
}

/// Every block of the KAT file recorded from tor 0.4.9.11 and obfs4proxy 0.0.14.
#[test]
fn recorded_kat_file() {
    let text = std::fs::read_to_string(fixtures().join("tor-server/extorport-safecookie-KAT.md"))
        .expect("testdata/tor-server/extorport-safecookie-KAT.md");
    let field = |block: &str, name: &str| -> Option<String> {
        block.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            let k = k.trim();
            (k.starts_with(name) && k[name.len()..].trim_start().starts_with('('))
                .then(|| v.split_whitespace().next().unwrap_or("").to_string())
        })
    };
    let mut checked = 0;
    for block in text.split("\n## ").skip(1) {
        let Some(cookie) = field(block, "cookie") else {
            continue;
        };
        let cn = hex32(&field(block, "client_nonce").unwrap());
        let sn = hex32(&field(block, "server_nonce").unwrap());
        check(
            hex32(&cookie),
            cn,
            sn,
            &field(block, "server_hash").unwrap(),
            &field(block, "client_hash").unwrap(),
        );
        checked += 1;
    }
    assert_eq!(checked, 3, "the three recorded exchanges");

    // The cookie file tor wrote, as hex in the KAT file and in cookie-file.hex.
    let file_hex = |t: &str| {
        t.lines()
            .find_map(|l| l.strip_prefix("hex="))
            .map(hex)
            .expect("hex= line")
    };
    let kat_file = file_hex(&text);
    let hex_file = file_hex(
        &std::fs::read_to_string(fixtures().join("tor-server/main/cookie-file.hex")).unwrap(),
    );
    assert_eq!(kat_file, hex_file);
    let cookie = Cookie::from_file(&kat_file).unwrap();
    assert_eq!(
        cookie.as_bytes().to_vec(),
        hex("38b2696dec50ea5514a56292a2afb1d300528e465349154d532ef242dade24e9")
    );
    assert_eq!(cookie.to_file().to_vec(), kat_file);
}

/// The cookie file the obfs4proxy interop run gave obfs4proxy (binary, 64 bytes).
#[test]
fn obfs4proxy_cookie_file() {
    let file = std::fs::read(fixtures().join("obfs4proxy/interop/fake_extorport_cookie")).unwrap();
    let cookie = Cookie::from_file(&file).unwrap();
    assert_eq!(
        cookie.as_bytes().to_vec(),
        hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
    );
    let mut out = Vec::new();
    assert_eq!(cookie.write_file(&mut out), Ok(64));
    assert_eq!(out, file);
}

/// goptlib's `pt_test.go` `TestReadAuthCookie`: four distinct failures and the good file.
#[test]
fn cookie_file_errors() {
    let mut good = b"! Extended ORPort Auth Cookie !\n".to_vec();
    good.extend_from_slice(b"0123456789ABCDEF0123456789ABCDEF");
    assert_eq!(
        Cookie::from_file(&good).unwrap().as_bytes(),
        b"0123456789ABCDEF0123456789ABCDEF"
    );
    assert_eq!(Cookie::from_file(b""), Err(Error::CookieFileEmpty));
    let mut impostor = b"! Impostor ORPort Auth Cookie !\n".to_vec();
    impostor.extend_from_slice(b"0123456789ABCDEF0123456789ABCDEF");
    assert_eq!(
        Cookie::from_file(&impostor),
        Err(Error::CookieFileBadHeader)
    );
    assert_eq!(
        Cookie::from_file(&good[..63]),
        Err(Error::CookieFileTooShort { len: 63 })
    );
    let mut long = good.clone();
    long.push(b'X');
    assert_eq!(
        Cookie::from_file(&long),
        Err(Error::CookieFileTooLong { len: 65 })
    );
    assert_eq!(
        Error::CookieFileEmpty.kind(),
        pt_extorport::ErrorKind::CookieFile
    );
    assert!(!Error::CookieFileEmpty.closes());
}

#[test]
fn cookie_secrecy() {
    let cookie = Cookie::new([0xAB; 32]);
    assert_eq!(format!("{cookie:?}"), "Cookie(..)");
    assert_eq!(format!("{:?}", cookie.key()), "AuthKey(..)");
    assert_ne!(cookie, Cookie::new([0xAC; 32]));
    let mut small = [0u8; 63];
    assert_eq!(
        cookie.write_file(&mut &mut small[..]),
        Err(Error::BufferTooSmall {
            needed: 64,
            available: 63
        })
    );
}

/// goptlib's `pt_test.go` encode vectors, and tor's `test_ext_or_write_command`.
#[test]
fn command_encode_vectors() {
    let enc = |code: u16, body: &[u8]| {
        let mut out = Vec::new();
        encode_raw(code, body, &mut out).map(|_| out)
    };
    assert_eq!(enc(0, b"").unwrap(), hex("00000000"));
    assert_eq!(enc(5, b"").unwrap(), hex("00050000"));
    assert_eq!(enc(0xfffe, b"").unwrap(), hex("fffe0000"));
    assert_eq!(enc(0xffff, b"").unwrap(), hex("ffff0000"));
    assert_eq!(enc(0x1234, b"hello").unwrap(), b"\x12\x34\x00\x05hello");
    let big = enc(0x1234, &[0; 65535]).unwrap();
    assert_eq!(big[..4], hex("1234ffff"));
    assert_eq!(big.len(), 65539);
    assert_eq!(
        enc(0x1234, &[0; 65536]),
        Err(Error::BodyTooLong { len: 65536 })
    );
    // tor
    assert_eq!(enc(0x99, b"").unwrap(), hex("00990000"));
    assert_eq!(
        enc(0x99, b"Wai\0Hello").unwrap(),
        b"\x00\x99\x00\x09Wai\0Hello"
    );
    let x = enc(0xf00d, &[b'x'; 65535]).unwrap();
    assert_eq!(x[..4], hex("f00dffff"));
    assert_eq!(
        enc(0xf00d, &[b'x'; 100_000]),
        Err(Error::BodyTooLong { len: 100_000 })
    );
    // TRANSPORT and DONE
    for (name, wire) in [
        (&b""[..], &b"\x00\x02\x00\x00"[..]),
        (b"a", b"\x00\x02\x00\x01a"),
        (b"alpha", b"\x00\x02\x00\x05alpha"),
    ] {
        let mut out = Vec::new();
        Command::Transport(name).encode(&mut out).unwrap();
        assert_eq!(out, wire);
    }
    let mut out = Vec::new();
    assert_eq!(Command::Done.encode(&mut out), Ok(4));
    assert_eq!(out, [0, 0, 0, 0]);
    assert_eq!(Command::Okay.encoded_len(), 4);
    let mut small = [0u8; 8];
    assert_eq!(
        Command::Transport(b"alphabet").encode(&mut &mut small[..]),
        Err(Error::BufferTooSmall {
            needed: 12,
            available: 8
        })
    );
}

/// goptlib's `pt_test.go` `TestExtOrPortRecvCommand`.
#[test]
fn command_decode_vectors() {
    for short in [
        &b""[..],
        b"\x12",
        b"\x12\x34",
        b"\x12\x34\x00",
        b"\x12\x34\x00\x01",
    ] {
        assert!(Command::parse(short).is_incomplete(), "{short:?}");
    }
    assert_eq!(
        Command::parse(b"\x12\x34\x00"),
        Parsed::Incomplete { needed: 1 }
    );
    assert_eq!(
        Command::parse(b"\x12\x34\x00\x01"),
        Parsed::Incomplete { needed: 1 }
    );
    assert_eq!(
        Command::parse(b"\x12\x34\x00\x05ab"),
        Parsed::Incomplete { needed: 3 }
    );
    let unknown = |body| Command::Unknown { code: 0x1234, body };
    assert_eq!(
        Command::parse(b"\x12\x34\x00\x00"),
        Parsed::Complete {
            value: unknown(b""),
            len: 4
        }
    );
    assert_eq!(
        Command::parse(b"\x12\x34\x00\x00more"),
        Parsed::Complete {
            value: unknown(b""),
            len: 4
        }
    );
    assert_eq!(
        Command::parse(b"\x12\x34\x00\x04body"),
        Parsed::Complete {
            value: unknown(b"body"),
            len: 8
        }
    );
    assert_eq!(
        Command::parse(b"\x12\x34\x00\x04bodymore"),
        Parsed::Complete {
            value: unknown(b"body"),
            len: 8
        }
    );
    // The named codes.
    for (wire, cmd) in [
        (&b"\x00\x00\x00\x00"[..], Command::Done),
        (b"\x00\x01\x00\x01x", Command::UserAddr(b"x")),
        (b"\x00\x02\x00\x01x", Command::Transport(b"x")),
        (b"\x10\x00\x00\x00", Command::Okay),
        (b"\x10\x01\x00\x00", Command::Deny),
        (b"\x10\x02\x00\x01x", Command::Control(b"x")),
        // A body on DONE or OKAY is skipped, as tor and goptlib do.
        (b"\x00\x00\x00\x02ab", Command::Done),
        (b"\x10\x00\x00\x01a", Command::Okay),
    ] {
        assert_eq!(
            Command::parse(wire),
            Parsed::Complete {
                value: cmd,
                len: wire.len()
            },
            "{wire:?}"
        );
    }
}

/// tor's USERADDR rules (`ext_orport.c` `connection_ext_or_handle_cmd_useraddr`; the cases
/// measured against tor 0.4.9.11), and what goptlib sends.
#[test]
fn useraddr_table() {
    let ok = [
        ("1.2.3.4:5678", "1.2.3.4:5678"),
        ("[1:2::3:4]:5678", "[1:2::3:4]:5678"),
        ("0.0.0.0:1", "0.0.0.0:1"),
        ("255.255.255.255:65535", "255.255.255.255:65535"),
        (
            "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:63335",
            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:63335",
        ),
        ("[2001:db8::1]:443", "[2001:db8::1]:443"),
        // No port: port 0, with only a warning in tor.
        ("1.2.3.4", "1.2.3.4:0"),
        ("[::1]", "[::1]:0"),
        ("::1", "[::1]:0"),
        // One IPv6 address, port 0.
        ("2001:db8::1:443", "[2001:db8::1:443]:0"),
        // strtol: white space and a sign before the digits, leading zeros.
        ("1.2.3.4:+80", "1.2.3.4:80"),
        ("1.2.3.4: 80", "1.2.3.4:80"),
        ("1.2.3.4:\t80", "1.2.3.4:80"),
        ("1.2.3.4:0080", "1.2.3.4:80"),
        // All eight groups, then the port after the last colon.
        ("1:2:3:4:5:6:7:8:80", "[1:2:3:4:5:6:7:8]:80"),
        // IPv6 forms a PT may write, as `core::net` reads them (not among the cases measured
        // against tor): a dotted IPv4 tail, upper case, `::` at either end. They take the
        // fast path of `parse_useraddr`.
        ("[::ffff:192.0.2.7]:41000", "[::ffff:192.0.2.7]:41000"),
        ("[::1.2.3.4]:80", "[::102:304]:80"),
        ("[64:ff9b::192.0.2.7]:80", "[64:ff9b::c000:207]:80"),
        ("[1:2:3:4:5:6:1.2.3.4]:80", "[1:2:3:4:5:6:102:304]:80"),
        ("[2001:DB8::A]:80", "[2001:db8::a]:80"),
        ("[1:2:3:4:5:6:7::]:80", "[1:2:3:4:5:6:7:0]:80"),
        ("[::2:3:4:5:6:7:8]:80", "[0:2:3:4:5:6:7:8]:80"),
        ("[0000:0:00:000::ffff]:80", "[::ffff]:80"),
    ];
    for (body, want) in ok {
        assert_eq!(
            parse_useraddr(body.as_bytes()).map(|a| a.to_string()),
            Ok(want.to_string()),
            "{body}"
        );
    }
    let bad = [
        "1.2.3.4:0",
        "[::1]:0",
        "0.0.0.0:0",
        "1.2.3.4:65536",
        "1.2.3.4:",
        "1.2.3.4:0x50",
        "1.2.3.4:-80",
        "1.2.3.4:80 ",
        " 1.2.3.4:80",
        "1.2.3.4:80\n",
        "01.2.3.4:80",
        "[1.2.3.4]:80",
        "example.com:80",
        "not-an-address",
        "",
        ":80",
        "1.2.3.4:99999999999999999999",
        "[::1]:",
        "[::1:80",
        // Malformed IPv6 in brackets (not measured against tor either).
        "[1::2::3]:80",
        "[12345::]:80",
        "[1:2:3:4:5:6:7:8:9]:80",
        "[1:2:3:4:5:6:7]:80",
        "[::1.2.3]:80",
        "[::1.2.3.4.5]:80",
        "[::256.1.1.1]:80",
        "[]:80",
    ];
    for body in bad {
        assert!(
            matches!(
                parse_useraddr(body.as_bytes()),
                Err(Error::BadUserAddr { .. })
            ),
            "{body:?}"
        );
    }
    assert_eq!(
        parse_useraddr(b"1.2.3.4:5678\0"),
        Err(Error::UserAddrNul { offset: 12 })
    );
    assert_eq!(Error::UserAddrNul { offset: 12 }.offset(), Some(12));
    assert!(Error::UserAddrNul { offset: 12 }.reply().is_empty());
    assert!(parse_useraddr(&[0xff, b':', b'8']).is_err());
}

/// What the PT side writes for each address form (goptlib's `TestExtOrSendUserAddr`
/// addresses that the spec allows).
#[test]
fn useraddr_encoding() {
    for (addr, text) in [
        ("1.2.3.4:9999", "1.2.3.4:9999"),
        ("255.255.255.255:65535", "255.255.255.255:65535"),
        ("[::]:0", "[::]:0"),
        ("[1:2::3:4]:5678", "[1:2::3:4]:5678"),
        (
            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
        ),
    ] {
        let mut out = Vec::new();
        let n = command::write_useraddr(addr.parse().unwrap(), &mut out).unwrap();
        assert_eq!(n, 4 + text.len());
        assert_eq!(out[4..], *text.as_bytes());
        assert_eq!(out[..4], [0, 1, 0, text.len() as u8]);
        assert!(text.len() <= command::MAX_USERADDR_LEN);
    }
}

/// tor's TRANSPORT rules (`ext_orport.c` `connection_ext_or_handle_cmd_transport`).
#[test]
fn transport_table() {
    assert_eq!(check_transport(b"rfc1149"), Ok("rfc1149"));
    assert_eq!(check_transport(b"_x9"), Ok("_x9"));
    let long = vec![b'a'; 65535];
    assert_eq!(check_transport(&long).map(str::len), Ok(65535));
    assert_eq!(
        check_transport(b"rfc1149\0"),
        Err(Error::TransportNul { offset: 7 })
    );
    assert_eq!(
        check_transport(b"rf*1149"),
        Err(Error::BadTransport { offset: 2 })
    );
    assert_eq!(
        check_transport(b"bad name!"),
        Err(Error::BadTransport { offset: 3 })
    );
    assert_eq!(
        check_transport(b"9lives"),
        Err(Error::BadTransport { offset: 0 })
    );
    assert_eq!(check_transport(b""), Err(Error::BadTransport { offset: 0 }));
    assert_eq!(
        check_transport("obfs\u{e9}".as_bytes()),
        Err(Error::BadTransport { offset: 4 })
    );
}
