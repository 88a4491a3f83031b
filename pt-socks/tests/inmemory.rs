//! In-memory client <-> server runs for every version and auth method, and the PT-args
//! credential boundaries (0, 1, 254, 255, 256, 509, 510, 511 bytes, and the 384-byte string
//! tor sends for Tor Browser's built-in snowflake bridge; behaviours: `rfc1929-split-at-255`).

mod common;

use pt_args::bridge::BridgeLine;
use pt_socks::client::{self, Auth};
use pt_socks::server::{self, Credentials, Policy};
use pt_socks::socks5::{Command, ReplyCode};
use pt_socks::{Error, Target, Version};

/// Tor Browser's built-in snowflake bridge line (tor-browser-build,
/// `projects/tor-expert-bundle/pt_config.json`; the same one pt-args and the benches use).
const SNOWFLAKE: &str = "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72 \
fingerprint=2B280B23E1107BB62ABFC40DDCC8824814F80A72 url=https://1098762253.rsc.cdn77.org/ \
fronts=www.cdn77.com,www.phpmyadmin.net \
ice=stun:stun.antisip.com:3478,stun:stun.epygi.com:3478,stun:stun.uls.co.za:3478,\
stun:stun.voipgate.com:3478,stun:stun.mixvoip.com:3478,stun:stun.nextcloud.com:3478,\
stun:stun.bethesda.net:3478,stun:stun.nextcloud.com:443 utls-imitate=hellorandomizedalpn";

#[derive(Debug, PartialEq)]
struct Outcome {
    /// The credentials bytes the server saw, joined (behaviours: `rfc1929-nul-password-marker`),
    /// or the USERID / JSON.
    creds: Option<Vec<u8>>,
    target: Option<String>,
    client: Result<String, Error>,
    /// Application data that followed, as each side received it.
    server_leftover: Vec<u8>,
    client_leftover: Vec<u8>,
}

/// Runs a client and a server against each other, moving `step` bytes at a time each way.
fn run(
    client: &mut client::Handshake<'_>,
    policy: Policy,
    accept: bool,
    code: ReplyCode,
    step: usize,
) -> Outcome {
    let mut server = server::Handshake::new(policy);
    let (mut c2s, mut s2c) = (Vec::<u8>::new(), Vec::<u8>::new());
    let (mut s_in, mut c_in) = (Vec::<u8>::new(), Vec::<u8>::new());
    let mut outcome = Outcome {
        creds: None,
        target: None,
        client: Err(Error::Failed),
        server_leftover: Vec::new(),
        client_leftover: Vec::new(),
    };
    let mut client_done = false;
    let mut server_done = false;
    for _ in 0..10_000 {
        // Client side.
        if !client_done {
            match client.advance(&c_in, &mut c2s) {
                Ok(p) => {
                    let consumed = p.consumed;
                    if let client::Event::Connected(bound) = p.event {
                        outcome.client = Ok(bound.to_string());
                        client_done = true;
                        // The client sends data right after the reply.
                        c2s.extend_from_slice(b"client data");
                    }
                    c_in.drain(..consumed);
                }
                Err(e) => {
                    outcome.client = Err(e);
                    client_done = true;
                }
            }
        }
        // Move bytes.
        let n = step.min(c2s.len());
        s_in.extend(c2s.drain(..n));
        // Server side.
        if !server_done {
            match server.advance(&s_in, &mut s2c) {
                Ok(p) => {
                    let consumed = p.consumed;
                    match p.event {
                        server::Event::NeedInput => {}
                        server::Event::Credentials(c) => {
                            outcome.creds = Some(match c {
                                Credentials::UserPass(up) => {
                                    pt_args::socks::from_rfc1929(up.uname, up.passwd).into_owned()
                                }
                                Credentials::UserId(id) => id.to_vec(),
                                Credentials::Json(j) => j.json.to_vec(),
                            });
                            let _ = server.decide(accept, &mut s2c);
                        }
                        server::Event::Request(r) => {
                            outcome.target = Some(r.target.to_string());
                            server.reply(code, None, &mut s2c).unwrap();
                            if code.is_success() {
                                s2c.extend_from_slice(b"server data");
                            }
                        }
                        server::Event::Done => server_done = true,
                    }
                    s_in.drain(..consumed);
                }
                Err(_) => server_done = true,
            }
        }
        let n = step.min(s2c.len());
        c_in.extend(s2c.drain(..n));
        if client_done && server_done && c2s.is_empty() && s2c.is_empty() {
            break;
        }
    }
    outcome.server_leftover = s_in;
    outcome.client_leftover = c_in;
    outcome
}

fn ip(s: &str) -> Target<'static> {
    Target::Ip(s.parse().unwrap())
}

#[test]
fn every_version_and_method() {
    let json = br#"{"k":"v"}"#;
    let domain = Target::domain("example.com", 443).unwrap();
    let cases: Vec<(Version, Target<'_>, Auth<'_>, Option<&[u8]>)> = vec![
        (Version::Socks4, ip("198.51.100.1:43302"), Auth::None, None),
        (
            Version::Socks4,
            ip("198.51.100.1:43302"),
            Auth::UserId(b"k=v"),
            Some(b"k=v"),
        ),
        (
            Version::Socks4,
            domain.clone(),
            Auth::UserId(b"k=v"),
            Some(b"k=v"),
        ),
        (Version::Socks5, ip("198.51.100.1:43302"), Auth::None, None),
        (Version::Socks5, ip("[2001:db8::1]:443"), Auth::None, None),
        (
            Version::Socks5,
            domain.clone(),
            Auth::from_pt_args(b"a=b", Version::Socks5).unwrap(),
            Some(b"a=b"),
        ),
        (
            Version::Socks5,
            domain.clone(),
            Auth::Json(json),
            Some(json),
        ),
    ];
    for step in [1, 3, 100] {
        for (version, target, auth, creds) in &cases {
            let expected_target = target.to_string();
            let mut c = client::Handshake::new(*version, target.clone(), *auth).unwrap();
            let o = run(&mut c, Policy::default(), true, ReplyCode::SUCCEEDED, step);
            assert_eq!(o.creds.as_deref(), *creds, "{version} {auth:?}");
            assert_eq!(o.target.as_deref(), Some(expected_target.as_str()));
            assert_eq!(o.client, Ok("0.0.0.0:0".to_string()));
            assert_eq!(
                o.server_leftover, b"client data",
                "{version} {auth:?} step {step}"
            );
            assert_eq!(o.client_leftover, b"server data");
        }
    }
}

#[test]
fn refusals_are_told_apart() {
    // Auth refused.
    let mut c = client::Handshake::new(
        Version::Socks5,
        ip("192.0.2.1:1"),
        Auth::from_pt_args(b"a=b", Version::Socks5).unwrap(),
    )
    .unwrap();
    let o = run(&mut c, Policy::default(), false, ReplyCode::SUCCEEDED, 100);
    assert_eq!(o.client, Err(Error::ProxyRefusedAuth { status: 1 }));
    // Target unreachable.
    let mut c = client::Handshake::new(Version::Socks5, ip("192.0.2.1:1"), Auth::None).unwrap();
    let o = run(
        &mut c,
        Policy::default(),
        true,
        ReplyCode::HOST_UNREACHABLE,
        100,
    );
    assert_eq!(
        o.client,
        Err(Error::ProxyRequestFailed {
            version: Version::Socks5,
            code: 4
        })
    );
    let mut c = client::Handshake::new(Version::Socks4, ip("192.0.2.1:1"), Auth::None).unwrap();
    let o = run(
        &mut c,
        Policy::default(),
        true,
        ReplyCode::HOST_UNREACHABLE,
        100,
    );
    assert_eq!(
        o.client,
        Err(Error::ProxyRequestFailed {
            version: Version::Socks4,
            code: 0x5b
        })
    );
    // No acceptable method: the server wants user/pass only.
    let mut p = Policy::default();
    p.methods = server::Methods::new(&[pt_socks::socks5::Method::USER_PASS]).unwrap();
    let mut c = client::Handshake::new(Version::Socks5, ip("192.0.2.1:1"), Auth::None).unwrap();
    let o = run(&mut c, p, true, ReplyCode::SUCCEEDED, 100);
    assert_eq!(o.client, Err(Error::ProxyRefusedMethods));
    // JSON rejected: 05 13 arrives as the request reply.
    let mut c =
        client::Handshake::new(Version::Socks5, ip("192.0.2.1:1"), Auth::Json(b"{}")).unwrap();
    let o = run(&mut c, Policy::default(), false, ReplyCode::SUCCEEDED, 100);
    assert_eq!(
        o.client,
        Err(Error::ProxyRequestFailed {
            version: Version::Socks5,
            code: 0x13
        })
    );
}

#[test]
fn client_protocol_violations() {
    let mut c = client::Handshake::new(Version::Socks5, ip("192.0.2.1:1"), Auth::None).unwrap();
    let mut out = Vec::new();
    let _greeting = c.advance(&[], &mut out).unwrap();
    assert_eq!(
        c.advance(&[5, 2], &mut out),
        Err(Error::UnexpectedMethod { method: 2 })
    );
    let mut strict = client::Options::default();
    strict.strict = true;
    let mut c =
        client::Handshake::with_options(Version::Socks5, ip("192.0.2.1:1"), Auth::None, strict)
            .unwrap();
    let _greeting = c.advance(&[], &mut out).unwrap();
    assert_eq!(
        c.advance(&[4, 0], &mut out),
        Err(Error::BadReplyVersion {
            found: 4,
            expected: 5
        })
    );
    // tor-style leniency by default: the reply version byte is not checked (behaviours:
    // `socks-client-reply-leniency`).
    let mut c = client::Handshake::new(Version::Socks5, ip("192.0.2.1:1"), Auth::None).unwrap();
    let _greeting = c.advance(&[], &mut out).unwrap();
    let p = c
        .advance(&[0, 0, 7, 0, 0, 3, 1, b'h', 0, 80], &mut out)
        .unwrap();
    assert_eq!(
        p.event,
        client::Event::Connected(Target::domain("h", 80).unwrap())
    );
    // Unknown ATYP in a reply.
    let mut c = client::Handshake::new(Version::Socks5, ip("192.0.2.1:1"), Auth::None).unwrap();
    let _greeting = c.advance(&[], &mut out).unwrap();
    assert!(matches!(
        c.advance(&[5, 0, 5, 0, 0, 9, 1], &mut out),
        Err(Error::UnsupportedAddressType { atyp: 9, .. })
    ));
    // Unencodable configurations.
    assert!(client::Handshake::new(Version::Socks4, ip("[::1]:1"), Auth::None).is_err());
    assert!(
        client::Handshake::new(Version::Socks4, ip("1.2.3.4:1"), Auth::UserId(b"a\0b")).is_err()
    );
    assert!(client::Handshake::new(Version::Socks5, ip("1.2.3.4:1"), Auth::UserId(b"a")).is_err());
}

/// Encoded PT args of exactly `len` bytes: `k=` + filler.
fn args_of_len(len: usize) -> Vec<u8> {
    if len == 0 {
        return Vec::new();
    }
    if len == 1 {
        return b"k".to_vec(); // not k=v, but still carried verbatim
    }
    let mut a = b"k=".to_vec();
    a.extend((0..len - 2).map(|i| b"0123456789"[i % 10]));
    a
}

#[test]
fn credential_boundaries() {
    for len in [0, 1, 254, 255, 256, 509, 510, 511] {
        let args = args_of_len(len);
        // SOCKS5: the tor/Arti split (behaviours: `rfc1929-nul-password-up-to-255`,
        // `rfc1929-split-at-255`).
        let auth = Auth::from_pt_args(&args, Version::Socks5);
        if len > 510 {
            assert!(matches!(
                auth,
                Err(Error::Args(pt_args::Error::TooLong { len: 511, max: 510 }))
            ));
        } else {
            let auth = auth.unwrap();
            match (len, auth) {
                (0, Auth::None) => {}
                (1..=255, Auth::UserPass(up)) => {
                    assert_eq!((up.uname.len(), up.passwd), (len, &b"\0"[..]));
                }
                (_, Auth::UserPass(up)) => {
                    assert_eq!((up.uname.len(), up.passwd.len()), (255, len - 255))
                }
                other => panic!("{len}: {other:?}"),
            }
            let mut c = client::Handshake::new(Version::Socks5, ip("192.0.2.1:80"), auth).unwrap();
            let o = run(&mut c, Policy::default(), true, ReplyCode::SUCCEEDED, 7);
            assert_eq!(o.creds, (len > 0).then(|| args.clone()), "{len}");
            assert!(o.client.is_ok());
        }
        // SOCKS4: the whole string in USERID, no split (behaviours: `socks4-userid-whole-args`).
        let auth = Auth::from_pt_args(&args, Version::Socks4).unwrap();
        let mut c = client::Handshake::new(Version::Socks4, ip("192.0.2.1:80"), auth).unwrap();
        let o = run(&mut c, Policy::default(), true, ReplyCode::SUCCEEDED, 7);
        assert_eq!(o.creds, (len > 0).then(|| args.clone()), "SOCKS4 {len}");
    }
    // "\0" with SOCKS5 is ambiguous with the no-password marker: (00, 00), as Arti's
    // `split_settings` has it; it reads back as "\0" only because UNAME holds it (behaviours:
    // `rfc1929-nul-password-marker`).
    let Auth::UserPass(up) = Auth::from_pt_args(b"\0", Version::Socks5).unwrap() else {
        panic!()
    };
    assert_eq!((up.uname, up.passwd), (&b"\0"[..], &b"\0"[..]));
    assert_eq!(
        pt_args::socks::from_rfc1929(up.uname, up.passwd).as_ref(),
        b"\0"
    );
    // 510 NULs split 255/255; SOCKS4 with a NUL is an error.
    let nuls = [0u8; 510];
    let Auth::UserPass(up) = Auth::from_pt_args(&nuls, Version::Socks5).unwrap() else {
        panic!()
    };
    assert_eq!((up.uname.len(), up.passwd.len()), (255, 255));
    assert!(Auth::from_pt_args(&nuls, Version::Socks4).is_err());
}

#[test]
fn snowflake_384_bytes() {
    let line = BridgeLine::parse(SNOWFLAKE).unwrap();
    let wire = line.socks_args();
    assert_eq!(wire.len(), 384);
    let auth = Auth::from_pt_args(&wire, Version::Socks5).unwrap();
    let Auth::UserPass(up) = auth else { panic!() };
    assert_eq!((up.uname.len(), up.passwd.len()), (255, 129));
    assert!(
        std::str::from_utf8(up.uname)
            .unwrap()
            .ends_with("stun.mixvo"),
        "UNAME ends inside stun.mixvoip.com"
    );
    for step in [1, 5, 1000] {
        let mut c = client::Handshake::new(Version::Socks5, Target::Ip(line.addr()), auth).unwrap();
        let o = run(&mut c, Policy::default(), true, ReplyCode::SUCCEEDED, step);
        assert_eq!(o.creds.as_deref(), Some(&wire[..]));
    }
    // And the server parses the args back.
    let mut input = vec![5, 2, 0, 2];
    up.encode_into(&mut input);
    input.extend_from_slice(&[5, 1, 0, 1, 192, 0, 2, 3, 0, 80]);
    let mut hs = server::Handshake::new(Policy::default());
    let mut out = Vec::new();
    let p = hs.advance(&input, &mut out).unwrap();
    let server::Event::Credentials(c) = p.event else {
        panic!()
    };
    let args = c.pt_args(pt_args::socks::Config::LENIENT).unwrap().unwrap();
    assert_eq!(args, *line.args());
    assert_eq!(args.get("utls-imitate"), Some("hellorandomizedalpn"));
    assert_eq!(Command::Connect, Command::Connect);
}

trait EncodeInto {
    fn encode_into(&self, v: &mut Vec<u8>);
}
impl EncodeInto for pt_socks::rfc1929::UserPass<'_> {
    fn encode_into(&self, v: &mut Vec<u8>) {
        pt_socks::Encode::encode(self, v).unwrap();
    }
}

/// A SOCKS5 reply whose REP is not `00` is the failure it carries, whatever its address type:
/// `05 05 00 00 ...` (ATYP 0) and any unknown ATYP report the code, not
/// `UnsupportedAddressType` (RFC 1928 section 6; behaviours: `socks5-client-failure-reply-atyp`).
/// The code is reported as soon as the REP byte arrives, so the result is the same however the
/// reply is cut; a successful reply with an unknown ATYP is still a protocol error, and the
/// strict option checks the version byte first.
#[test]
fn client_reports_the_failure_code_whatever_the_atyp() {
    fn client_reply(reply: &[u8], strict: bool, bytewise: bool) -> Result<Target<'static>, Error> {
        let mut options = client::Options::default();
        options.strict = strict;
        let mut c = client::Handshake::with_options(
            Version::Socks5,
            ip("192.0.2.1:1"),
            Auth::None,
            options,
        )
        .unwrap();
        let mut out = Vec::new();
        let _greeting = c.advance(&[], &mut out).unwrap();
        let mut input = vec![5, 0];
        let chunks: Vec<&[u8]> = if bytewise {
            reply.chunks(1).collect()
        } else {
            vec![reply]
        };
        for chunk in chunks {
            input.extend_from_slice(chunk);
            let p = c.advance(&input, &mut out)?;
            if let client::Event::Connected(bound) = p.event {
                return Ok(bound.into_owned());
            }
            input.drain(..p.consumed);
        }
        Err(Error::Failed)
    }
    let failed = |code| {
        Err(Error::ProxyRequestFailed {
            version: Version::Socks5,
            code,
        })
    };
    for (reply, wanted) in [
        (&[5u8, 5, 0, 0, 0, 0, 0, 0, 0, 0][..], failed(5)),
        (&[5, 5, 0, 0], failed(5)),
        (&[5, 5], failed(5)),
        (&[5, 1, 0, 0xff, 1, 2, 3], failed(1)),
        (&[5, 4, 0, 5, 0, 0], failed(4)),
        (&[5, 0x13, 0, 9], failed(0x13)),
        (&[5, 2, 0, 1, 0, 0, 0, 0, 0, 0], failed(2)),
        (&[0, 3, 0, 0], failed(3)),
        (
            &[5, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            Err(Error::UnsupportedAddressType { atyp: 0, offset: 3 }),
        ),
        (
            &[5, 0, 0, 9],
            Err(Error::UnsupportedAddressType { atyp: 9, offset: 3 }),
        ),
        (&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0], Ok(Target::UNSPECIFIED)),
        // A domain of length 0 is an error as soon as its length byte arrives, however the
        // bytes are cut (found by the socks_client fuzz target: byte by byte waited for more).
        (
            &[0x41, 0, 0, 3, 0],
            Err(Error::EmptyDomain {
                version: Version::Socks5,
            }),
        ),
    ] {
        assert_eq!(client_reply(reply, false, false), wanted, "{reply:02x?}");
        assert_eq!(
            client_reply(reply, false, true),
            wanted,
            "{reply:02x?} bytewise"
        );
        if let Err(Error::ProxyRequestFailed { code, .. }) = wanted {
            assert_eq!(
                failed(code).unwrap_err().kind(),
                pt_socks::ErrorKind::RequestFailed
            );
        }
    }
    // Strict: the version byte is checked before the code.
    assert_eq!(
        client_reply(&[0, 3, 0, 0], true, false),
        Err(Error::BadReplyVersion {
            found: 0,
            expected: 5
        })
    );
    assert_eq!(client_reply(&[5, 3, 0, 0], true, true), failed(3));
    // Our server's failure replies reach our client as their codes.
    for code in [1u8, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x13, 0x7f, 0xff] {
        let mut c = client::Handshake::new(Version::Socks5, ip("192.0.2.1:1"), Auth::None).unwrap();
        let o = run(&mut c, Policy::default(), true, ReplyCode(code), 1);
        assert_eq!(
            o.client,
            Err(Error::ProxyRequestFailed {
                version: Version::Socks5,
                code
            }),
            "{code:#04x}"
        );
    }
}
