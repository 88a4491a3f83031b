//! Real tor (0.4.9) as a loopback bridge with an Extended ORPort, and our PT-side machine
//! talking to it over a `TcpStream` with the cookie file tor wrote: USERADDR, TRANSPORT and
//! DONE get OKAY. With a wrong cookie, tor's side fails as our machines predict: the PT side
//! sees a wrong server hash and stops; a client hash made with the wrong cookie gets `00` and
//! a close, as our tor-side machine answers it. Command sequences after a good authentication
//! get the same verdict from tor as from our tor-side machine.
//!
//! Ignored by a plain `cargo test`; `.ci/run` installs tor and runs it with `--ignored`.
//! Loopback only: the bridge's ports are on 127.0.0.1, its only directory authority is a fake
//! one on 127.0.0.1 and it has no fallback directories.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use pt_extorport::{AuthKey, Cookie, Error, server};
use pt_interop::extorport::{self, DriveError};
use pt_interop::hex;
use pt_interop::tor::ExtOrPortBridge;

fn dial(bridge: &ExtOrPortBridge) -> TcpStream {
    let s = TcpStream::connect(bridge.extorport).expect("connect to the ExtORPort");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// Reads until `n` bytes or EOF.
fn read_up_to(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while got.len() < n {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(e) => panic!("read: {e} after {}", hex(&got)),
        }
    }
    got
}

/// Whether tor closes the connection (EOF or reset) within the read timeout, with no byte.
fn closes(s: &mut TcpStream) -> Result<(), String> {
    let mut buf = [0u8; 64];
    match s.read(&mut buf) {
        Ok(0) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(()),
        Ok(n) => Err(format!("tor sent {} instead of closing", hex(&buf[..n]))),
        Err(e) => Err(format!("tor did not close: {e}")),
    }
}

/// Authenticates by hand (the PT-side machine always ends with DONE), returning the stream
/// after tor's status `01`.
fn authenticated(bridge: &ExtOrPortBridge, key: &AuthKey) -> TcpStream {
    let mut s = dial(bridge);
    let nonce = extorport::random_nonce().unwrap();
    assert_eq!(read_up_to(&mut s, 2), [1, 0], "tor's auth-type list");
    let mut first = vec![1];
    first.extend_from_slice(&nonce);
    s.write_all(&first).unwrap();
    let reply = read_up_to(&mut s, 64);
    let server_nonce: [u8; 32] = reply[32..].try_into().unwrap();
    assert!(key.verify_server_hash(&nonce, &server_nonce, &reply[..32]));
    s.write_all(&key.client_hash(&nonce, &server_nonce))
        .unwrap();
    assert_eq!(read_up_to(&mut s, 1), [1], "auth status");
    s
}

/// Our tor-side machine's verdict on `cmds` after a good authentication: `Ok(true)` OKAY,
/// `Ok(false)` still waiting, `Err` closes.
fn our_verdict(cmds: &[u8]) -> Result<bool, Error> {
    let key = Cookie::new([7; 32]).key();
    let (cn, sn) = ([1; 32], [2; 32]);
    let mut input = vec![1];
    input.extend_from_slice(&cn);
    input.extend_from_slice(&key.client_hash(&cn, &sn));
    input.extend_from_slice(cmds);
    let mut hs = server::Handshake::new(&key, sn);
    let mut rest = &input[..];
    loop {
        let p = hs.advance(rest, &mut Vec::new())?;
        let consumed = p.consumed;
        match p.event {
            server::Event::NeedInput => return Ok(false),
            server::Event::Decide { .. } => hs.decide(true, &mut Vec::new())?,
            server::Event::Done => return Ok(true),
            _ => {}
        }
        rest = &rest[consumed..];
    }
}

#[test]
#[ignore = "needs tor installed: .ci/run installs it and runs this with --ignored"]
fn tor_extorport() {
    let bridge = ExtOrPortBridge::start("extorport").unwrap_or_else(|e| panic!("{e}"));
    let cookie = extorport::read_cookie(&bridge.cookie_file).expect("tor's cookie file");
    let key = cookie.key();

    // 1. The PT side, with USERADDR, TRANSPORT and DONE: OKAY.
    for (addr, transport) in [
        (Some("198.51.100.7:50000"), Some("obfs4")),
        (Some("[2001:db8::1]:443"), None),
        (None, Some("snowflake")),
        (None, None),
    ] {
        let mut s = dial(&bridge);
        let nonce = extorport::random_nonce().unwrap();
        let r = extorport::connect(
            &mut s,
            &key,
            nonce,
            addr.map(|a| a.parse().unwrap()),
            transport,
        )
        .unwrap_or_else(|e| panic!("{addr:?} {transport:?}: {e:?}\n{}", bridge.tor.notice_log()));
        assert_eq!(r.received[..2], [1, 0]);
        assert_eq!(r.received[66..], [1, 0x10, 0, 0, 0], "status 01, then OKAY");
        assert!(r.leftover.is_empty(), "tor waits for the TLS ClientHello");
    }

    // 2. A wrong cookie: the PT side sees tor's hash is wrong and sends no hash of its own.
    let wrong = Cookie::new([0; 32]).key();
    let mut s = dial(&bridge);
    match extorport::connect(&mut s, &wrong, [9; 32], None, None) {
        Err(DriveError::Protocol(Error::ServerHashMismatch)) => {}
        other => panic!("expected a server hash mismatch, got {other:?}"),
    }
    // A client hash made with the wrong cookie: `00` and a close, as our tor side answers.
    let mut s = dial(&bridge);
    assert_eq!(read_up_to(&mut s, 2), [1, 0]);
    let mut first = vec![1];
    first.extend_from_slice(&[9; 32]);
    s.write_all(&first).unwrap();
    let reply = read_up_to(&mut s, 64);
    let server_nonce: [u8; 32] = reply[32..].try_into().unwrap();
    s.write_all(&wrong.client_hash(&[9; 32], &server_nonce))
        .unwrap();
    assert_eq!(
        read_up_to(&mut s, 1),
        Error::ClientHashMismatch.reply(),
        "status 00"
    );
    closes(&mut s).unwrap();

    // 3. An auth type other than 1: tor closes without a byte, as our tor side does.
    let mut s = dial(&bridge);
    assert_eq!(read_up_to(&mut s, 2), [1, 0]);
    s.write_all(&[2]).unwrap();
    closes(&mut s).unwrap();

    // 4. Commands after a good authentication: tor and our tor side agree.
    let cases: [(&str, Vec<u8>); 9] = [
        (
            "port-less USERADDR",
            b"\x00\x01\x00\x071.2.3.4\x00\x00\x00\x00".to_vec(),
        ),
        (
            "USERADDR with +port",
            b"\x00\x01\x00\x0b1.2.3.4:+80\x00\x00\x00\x00".to_vec(),
        ),
        (
            "USERADDR port 0",
            b"\x00\x01\x00\x091.2.3.4:0\x00\x00\x00\x00".to_vec(),
        ),
        (
            "USERADDR host name",
            b"\x00\x01\x00\x0eexample.com:80\x00\x00\x00\x00".to_vec(),
        ),
        (
            "USERADDR [1.2.3.4]",
            b"\x00\x01\x00\x0c[1.2.3.4]:80\x00\x00\x00\x00".to_vec(),
        ),
        (
            "TRANSPORT not an identifier",
            b"\x00\x02\x00\x07rf*1149\x00\x00\x00\x00".to_vec(),
        ),
        (
            "two TRANSPORTs",
            b"\x00\x02\x00\x01a\x00\x02\x00\x01b\x00\x00\x00\x00".to_vec(),
        ),
        (
            "unknown command",
            b"\xff\xf0\x00\x03ABC\x00\x00\x00\x00".to_vec(),
        ),
        (
            "OKAY from the PT",
            b"\x10\x00\x00\x00\x00\x00\x00\x00".to_vec(),
        ),
    ];
    for (what, cmds) in cases {
        let mut s = authenticated(&bridge, &key);
        s.write_all(&cmds).unwrap();
        let tor_okay = match read_up_to(&mut s, 4).as_slice() {
            [0x10, 0, 0, 0] => true,
            [] => false,
            other => panic!("{what}: tor sent {}", hex(other)),
        };
        let ours = our_verdict(&cmds);
        assert_eq!(ours == Ok(true), tor_okay, "{what}: ours {ours:?}");
    }
}
