//! The server machine driven exactly as the `pt_socks::server` module docs say, by a minimal
//! blocking driver over a real `TcpStream` pair on 127.0.0.1: after every call to `advance`,
//! `decide` or `reply` it sends whatever `out` holds, whatever the call returned, and only then
//! acts on the result. The client side checks that every reply byte arrives: on success, on
//! rejected credentials and on every error reply.

mod common;
use common::hex;

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

use pt_socks::server::{Credentials, Event, Handshake, MAX_REPLY_OUTPUT, Policy};
use pt_socks::socks5::ReplyCode;
use pt_socks::{Error, Version};

/// How a driven handshake ended.
#[derive(Debug, PartialEq)]
enum End {
    /// `Event::Done`: the reply was sent and the pipelined bytes were relayed (echoed back).
    Relayed,
    /// An error: its reply (if any) was sent, then the connection was closed.
    Failed(Error),
    /// The request was answered with a failure code, then the connection was closed.
    Refused(ReplyCode),
    /// The client closed before the handshake ended.
    Eof,
}

/// Runs one call of the machine with a fresh fixed-size `out` (the most any call writes), then
/// sends whatever the call wrote, whatever it returned: the rule of the module docs.
fn call<T>(stream: &mut TcpStream, f: impl FnOnce(&mut &mut [u8]) -> T) -> io::Result<T> {
    let mut buf = [0u8; MAX_REPLY_OUTPUT];
    let mut out: &mut [u8] = &mut buf;
    let result = f(&mut out);
    let written = MAX_REPLY_OUTPUT - out.len();
    stream.write_all(&buf[..written])?;
    Ok(result)
}

/// The driver: credentials are accepted when their PT arguments parse (the JSON block when it
/// is `{}`), every request is answered with `code`. On `Done` the bytes after the handshake are
/// "relayed" by echoing them back, after the reply.
fn serve(stream: &mut TcpStream, policy: Policy, code: ReplyCode) -> io::Result<End> {
    let mut hs = Handshake::new(policy);
    let mut inbuf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 512];
    loop {
        let result = call(stream, |out| hs.advance(&inbuf, out))?;
        let progress = match result {
            Ok(p) => p,
            Err(e) => return Ok(End::Failed(e)),
        };
        let consumed = progress.consumed;
        match progress.event {
            Event::NeedInput => {
                inbuf.drain(..consumed);
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    return Ok(End::Eof);
                }
                inbuf.extend_from_slice(&chunk[..n]);
                continue;
            }
            Event::Credentials(c) => {
                let ok = match c {
                    Credentials::Json(j) => j.json == b"{}",
                    _ => c
                        .pt_args(pt_args::socks::Config::LENIENT)
                        .is_ok_and(|a| a.is_some_and(|a| a.get("k").is_some())),
                };
                if let Err(e) = call(stream, |out| hs.decide(ok, out))? {
                    return Ok(End::Failed(e));
                }
            }
            Event::Request(_) => {
                if let Err(e) = call(stream, |out| hs.reply(code, None, out))? {
                    return Ok(End::Failed(e));
                }
                if !code.is_success() {
                    return Ok(End::Refused(code));
                }
            }
            Event::Done => {
                // The success reply went out right after `reply`; relay from here.
                stream.write_all(&inbuf[consumed..])?;
                let mut rest = Vec::new();
                stream.read_to_end(&mut rest)?;
                stream.write_all(&rest)?;
                return Ok(End::Relayed);
            }
        }
        inbuf.drain(..consumed);
    }
}

/// A connected pair on 127.0.0.1: the server end runs `serve` on a thread.
fn pair(policy: Policy, code: ReplyCode) -> (TcpStream, std::thread::JoinHandle<io::Result<End>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept()?;
        stream.set_read_timeout(Some(Duration::from_secs(20)))?;
        let end = serve(&mut stream, policy, code);
        // Close gracefully: stop sending, and read what the client still sends, so that its
        // late bytes do not make the kernel reset the connection before the reply is read.
        let _ = stream.shutdown(Shutdown::Write);
        let _ = io::copy(&mut stream, &mut io::sink());
        end
    });
    let client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    client.set_nodelay(true).unwrap();
    (client, server)
}

/// Sends `input` in one write, closes the sending half, and returns everything received until
/// the server closed, with how the server ended.
fn pipelined(policy: Policy, code: ReplyCode, input: &[u8]) -> (Vec<u8>, End) {
    let (mut client, server) = pair(policy, code);
    client.write_all(input).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut received = Vec::new();
    client.read_to_end(&mut received).unwrap();
    (received, server.join().unwrap().unwrap())
}

/// Reads exactly `n` bytes, as an interactive client waits for each answer before it sends
/// its next message.
fn expect(client: &mut TcpStream, wanted: &[u8]) {
    let mut got = vec![0u8; wanted.len()];
    client.read_exact(&mut got).unwrap();
    assert_eq!(got, wanted);
}

fn r5(code: u8) -> Vec<u8> {
    let mut r = vec![5, code, 0, 1];
    r.extend_from_slice(&[0; 6]);
    r
}

fn r4(code: u8) -> Vec<u8> {
    vec![0, code, 0, 0, 0, 0, 0, 0]
}

/// An interactive client (one message, then wait for its answer) gets every answer: the
/// method selection is sent at `NeedInput`, `01 00` after `decide`, the reply after `reply`,
/// and the relayed bytes only after the reply.
#[test]
fn interactive_success_every_answer_arrives() {
    let (mut client, server) = pair(Policy::default(), ReplyCode::SUCCEEDED);
    client.write_all(&hex("05 02 00 02")).unwrap();
    expect(&mut client, &[5, 2]);
    client.write_all(b"\x01\x03k=v\x01\x00").unwrap();
    expect(&mut client, &[1, 0]);
    client.write_all(&hex("05 01 00 01 7f000001 0009")).unwrap();
    expect(&mut client, &r5(0));
    client.write_all(b"tunnel data").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, b"tunnel data");
    assert_eq!(server.join().unwrap().unwrap(), End::Relayed);
}

/// Rejected credentials: an interactive client gets `01 01` before the server closes.
#[test]
fn interactive_rejected_credentials_reply_arrives() {
    let (mut client, server) = pair(Policy::default(), ReplyCode::SUCCEEDED);
    client.write_all(&hex("05 02 00 02")).unwrap();
    expect(&mut client, &[5, 2]);
    client.write_all(b"\x01\x07garbage\x01\x00").unwrap();
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, [1, 1]);
    drop(client);
    assert_eq!(
        server.join().unwrap().unwrap(),
        End::Failed(Error::CredentialsRejected {
            auth: pt_socks::AuthKind::UserPass
        })
    );
}

/// Every error reply the server machine has, and the success and refusal replies, reach a
/// client that pipelines its messages. Each case: what the client sends, what it must
/// receive, and how the server ends.
#[test]
fn every_reply_reaches_the_client() {
    let connect = "05 01 00 01 7f000001 0009";
    let mut small_json = Policy::default();
    small_json.max_json_len = 4;
    let mut strict = Policy::default();
    strict.strict = true;
    let mut no_socks4 = Policy::default();
    no_socks4.socks4 = false;
    let mut no_socks5 = Policy::default();
    no_socks5.socks5 = false;
    let mut short_userid = Policy::default();
    short_userid.max_userid_len = 4;
    let d = Policy::default();
    let ok = ReplyCode::SUCCEEDED;
    let cat = |parts: &[&[u8]]| parts.concat();
    let args = b"\x01\x03k=v\x01\x00";
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, Policy, ReplyCode, Vec<u8>, Vec<u8>, End)> = vec![
        (
            "success, pipelined, with tunnel data",
            d,
            ok,
            cat(&[&hex("05 02 00 02"), args, &hex(connect), b"data"]),
            cat(&[&[5, 2, 1, 0], &r5(0), b"data"]),
            End::Relayed,
        ),
        (
            "SOCKS4 success",
            d,
            ok,
            cat(&[&hex("04 01 0009 7f000001"), b"k=v\0", b"data"]),
            cat(&[&r4(0x5a), b"data"]),
            End::Relayed,
        ),
        (
            "05 FF: no acceptable method",
            d,
            ok,
            hex("05 01 01"),
            vec![5, 0xFF],
            End::Failed(Error::NoAcceptableMethod { offered: 1 }),
        ),
        (
            "05 FF: SOCKS5 disabled",
            no_socks5,
            ok,
            hex("05 01 00"),
            vec![5, 0xFF],
            End::Failed(Error::VersionDisabled {
                version: Version::Socks5,
            }),
        ),
        (
            "01 01: bad RFC 1929 version",
            d,
            ok,
            hex("05 01 02 02 01 61 01 00"),
            vec![5, 2, 1, 1],
            End::Failed(Error::BadAuthVersion { found: 2 }),
        ),
        (
            "01 01: empty UNAME, strict",
            strict,
            ok,
            hex("05 01 02 01 00 01 00"),
            vec![5, 2, 1, 1],
            End::Failed(Error::EmptyAuthField { field: "UNAME" }),
        ),
        (
            "01 01: rejected credentials",
            d,
            ok,
            cat(&[&hex("05 01 02 01 01 61 01 00"), &hex(connect)]),
            vec![5, 2, 1, 1],
            End::Failed(Error::CredentialsRejected {
                auth: pt_socks::AuthKind::UserPass,
            }),
        ),
        (
            "05 07: BIND refused by the policy",
            d,
            ok,
            hex("05 01 00 05 02 00 01 7f000001 0009"),
            cat(&[&[5, 0], &r5(7)]),
            End::Failed(Error::CommandRefused {
                version: Version::Socks5,
                command: pt_socks::socks5::Command::Bind,
            }),
        ),
        (
            "05 07: unknown command",
            d,
            ok,
            hex("05 01 00 05 09 00 01 7f000001 0009"),
            cat(&[&[5, 0], &r5(7)]),
            End::Failed(Error::UnsupportedCommand {
                version: Version::Socks5,
                command: 9,
            }),
        ),
        (
            "05 08: unknown address type",
            d,
            ok,
            hex("05 01 00 05 01 00 05 7f000001 0009"),
            cat(&[&[5, 0], &r5(8)]),
            End::Failed(Error::UnsupportedAddressType { atyp: 5, offset: 3 }),
        ),
        (
            "05 01: bad request version",
            d,
            ok,
            hex("05 01 00 04 01 00 01 7f000001 0009"),
            cat(&[&[5, 0], &r5(1)]),
            End::Failed(Error::BadRequestVersion { found: 4 }),
        ),
        (
            "05 01: non-zero RSV, strict",
            strict,
            ok,
            hex("05 01 00 05 01 01 01 7f000001 0009"),
            cat(&[&[5, 0], &r5(1)]),
            End::Failed(Error::NonZeroReserved { found: 1 }),
        ),
        (
            "05 01: empty domain",
            d,
            ok,
            hex("05 01 00 05 01 00 03 00 0009"),
            cat(&[&[5, 0], &r5(1)]),
            End::Failed(Error::EmptyDomain {
                version: Version::Socks5,
            }),
        ),
        (
            "05 05: the request refused by the caller",
            d,
            ReplyCode::CONNECTION_REFUSED,
            cat(&[&hex("05 01 00"), &hex(connect)]),
            cat(&[&[5, 0], &r5(5)]),
            End::Refused(ReplyCode::CONNECTION_REFUSED),
        ),
        (
            "05 13: JSON block rejected",
            d,
            ok,
            cat(&[&hex("05 01 09 00000002"), b"[]", &hex(connect)]),
            cat(&[&[5, 9], &r5(0x13)]),
            End::Failed(Error::CredentialsRejected {
                auth: pt_socks::AuthKind::Json,
            }),
        ),
        (
            "05 00: JSON block accepted (no answer of its own)",
            d,
            ok,
            cat(&[&hex("05 01 09 00000002"), b"{}", &hex(connect)]),
            cat(&[&[5, 9], &r5(0)]),
            End::Relayed,
        ),
        (
            "05 12: empty JSON block",
            d,
            ok,
            hex("05 01 09 00000000"),
            cat(&[&[5, 9], &r5(0x12)]),
            End::Failed(Error::JsonEmpty),
        ),
        (
            "05 10: JSON block too long",
            small_json,
            ok,
            hex("05 01 09 00000005 7b7d202020"),
            cat(&[&[5, 9], &r5(0x10)]),
            End::Failed(Error::JsonTooLong { len: 5, max: 4 }),
        ),
        (
            "5B: SOCKS4 USERID rejected",
            d,
            ok,
            cat(&[&hex("04 01 0009 7f000001"), b"nope\0"]),
            r4(0x5b),
            End::Failed(Error::CredentialsRejected {
                auth: pt_socks::AuthKind::UserId,
            }),
        ),
        (
            "5B: SOCKS4 disabled",
            no_socks4,
            ok,
            cat(&[&hex("04 01 0009 7f000001"), b"\0"]),
            r4(0x5b),
            End::Failed(Error::VersionDisabled {
                version: Version::Socks4,
            }),
        ),
        (
            "5B: SOCKS4 USERID too long",
            short_userid,
            ok,
            cat(&[&hex("04 01 0009 7f000001"), b"k=vvv\0"]),
            r4(0x5b),
            End::Failed(Error::FieldTooLong {
                field: "USERID",
                max: 4,
            }),
        ),
        (
            "5B: SOCKS4 BIND refused",
            d,
            ok,
            cat(&[&hex("04 02 0009 7f000001"), b"\0"]),
            r4(0x5b),
            End::Failed(Error::CommandRefused {
                version: Version::Socks4,
                command: pt_socks::socks5::Command::Bind,
            }),
        ),
        (
            "5B: SOCKS4a empty host",
            d,
            ok,
            cat(&[&hex("04 01 0009 00000001"), b"\0\0"]),
            r4(0x5b),
            End::Failed(Error::EmptyDomain {
                version: Version::Socks4,
            }),
        ),
        (
            "5B: SOCKS4 request refused by the caller",
            d,
            ReplyCode::HOST_UNREACHABLE,
            cat(&[&hex("04 01 0009 7f000001"), b"\0"]),
            r4(0x5b),
            End::Refused(ReplyCode::HOST_UNREACHABLE),
        ),
        (
            "no reply: unknown version",
            d,
            ok,
            hex("06 01 00"),
            vec![],
            End::Failed(Error::UnknownVersion { found: 6 }),
        ),
        (
            "EOF mid-handshake: the method selection was still sent",
            d,
            ok,
            hex("05 01 00 05 01"),
            vec![5, 0],
            End::Eof,
        ),
    ];
    for (name, policy, code, input, expected, end) in cases {
        let (received, got_end) = pipelined(policy, code, &input);
        assert_eq!(received, expected, "{name}: bytes received");
        if let End::Failed(e) = &got_end {
            assert!(received.ends_with(e.reply()), "{name}: {e:?}");
        }
        assert_eq!(got_end, end, "{name}");
        // The same bytes one at a time: the same answer.
        let (mut client, server) = pair(policy, code);
        for b in &input {
            if client.write_all(std::slice::from_ref(b)).is_err() {
                break; // the server has answered and closed
            }
        }
        let _ = client.shutdown(Shutdown::Write);
        let mut bytewise = Vec::new();
        client.read_to_end(&mut bytewise).unwrap();
        assert_eq!(bytewise, expected, "{name}: byte at a time");
        assert_eq!(
            server.join().unwrap().unwrap(),
            end,
            "{name}: byte at a time"
        );
    }
}
