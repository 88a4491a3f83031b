//! Real transcripts from tor 0.4.9.11 and obfs4proxy 0.0.14 (`testdata/` at the
//! repository root, read at test time; a missing file fails the test, nothing is skipped):
//!
//! - `tor-client/main/torrc` Bridge lines against the SOCKS bytes tor sent
//!   (`tor-client/main/socks/*.hex`): RFC 1929 UNAME/PASSWD for SOCKS5, USERID for SOCKS4;
//! - `tor-client/toolong-args-config-rejected.log`: the 510-byte limit;
//! - `tor-server/*`: `ServerTransportOptions` torrc lines against the
//!   `TOR_PT_SERVER_TRANSPORT_OPTIONS` tor exported, and SMETHOD ARGS lines;
//! - `obfs4proxy/interop`: SMETHOD ARGS and RFC 1929 credentials obfs4proxy accepted.

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use common::{fixture_path, groups, hex, pairs, read_fixture};
use pt_args::bridge::BridgeLine;
use pt_args::options::{self, Config as OptConfig, ServerTransportOptions};
use pt_args::socks::{self, Config, MAX_SOCKS5_ARGS};
use pt_args::{Error, smethod};

/// The lines of `text` that start with `keyword `, without it.
fn lines_after<'t>(text: &'t str, keyword: &str) -> Vec<&'t str> {
    text.lines()
        .filter_map(|l| l.strip_prefix(keyword)?.strip_prefix(' '))
        .collect()
}

/// The value of `NAME=` in an environment dump.
fn env_var<'t>(env: &'t str, name: &str) -> &'t str {
    env.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("{name} not in the environment dump"))
}

/// What tor sent the PT in one `.hex` transcript.
#[derive(Debug)]
enum Sent {
    Socks4 {
        target: SocketAddr,
        userid: Vec<u8>,
    },
    Socks5NoAuth {
        target: SocketAddr,
    },
    Socks5Auth {
        target: SocketAddr,
        uname: Vec<u8>,
        passwd: Vec<u8>,
    },
}

/// Decodes the client-to-PT bytes of a `.hex` file (`C <hex>` lines).
fn read_sent(name: &str) -> Sent {
    let text = read_fixture(&format!("tor-client/main/socks/{name}"));
    let c: Vec<u8> = lines_after(&text, "C").into_iter().flat_map(hex).collect();
    let take = |at: &mut usize, n: usize| {
        let s = c
            .get(*at..*at + n)
            .unwrap_or_else(|| panic!("{name}: truncated at {at}"));
        *at += n;
        s.to_vec()
    };
    let mut at = 0;
    match c.first() {
        Some(4) => {
            // 04 01 PORT IPv4 USERID 00, nothing after it.
            let head = take(&mut at, 8);
            assert_eq!(head[1], 1, "{name}: CONNECT");
            let port = u16::from_be_bytes([head[2], head[3]]);
            let ip = Ipv4Addr::new(head[4], head[5], head[6], head[7]);
            let rest = &c[at..];
            assert_eq!(rest.last(), Some(&0), "{name}: USERID ends with NUL");
            let userid = rest[..rest.len() - 1].to_vec();
            assert!(!userid.contains(&0), "{name}: one NUL only");
            Sent::Socks4 {
                target: SocketAddr::new(IpAddr::V4(ip), port),
                userid,
            }
        }
        Some(5) => {
            let head = take(&mut at, 2);
            let methods = take(&mut at, usize::from(head[1]));
            let auth = if methods.contains(&2) {
                assert_eq!(
                    methods,
                    [0, 2],
                    "{name}: tor offers no-auth first, then user/pass"
                );
                assert_eq!(take(&mut at, 1), [1], "{name}: RFC 1929 version");
                let ulen = take(&mut at, 1)[0];
                let uname = take(&mut at, usize::from(ulen));
                let plen = take(&mut at, 1)[0];
                let passwd = take(&mut at, usize::from(plen));
                Some((uname, passwd))
            } else {
                assert_eq!(methods, [0], "{name}: no-auth only");
                None
            };
            let connect = take(&mut at, 4);
            assert_eq!(connect[..3], [5, 1, 0], "{name}: CONNECT");
            let ip = match connect[3] {
                1 => IpAddr::V4(Ipv4Addr::from(
                    <[u8; 4]>::try_from(take(&mut at, 4)).unwrap(),
                )),
                4 => IpAddr::V6(Ipv6Addr::from(
                    <[u8; 16]>::try_from(take(&mut at, 16)).unwrap(),
                )),
                other => panic!("{name}: ATYP {other}"),
            };
            let p = take(&mut at, 2);
            let target = SocketAddr::new(ip, u16::from_be_bytes([p[0], p[1]]));
            assert_eq!(at, c.len(), "{name}: nothing after CONNECT");
            match auth {
                Some((uname, passwd)) => Sent::Socks5Auth {
                    target,
                    uname,
                    passwd,
                },
                None => Sent::Socks5NoAuth { target },
            }
        }
        other => panic!("{name}: SOCKS version {other:?}"),
    }
}

/// Every Bridge line of the client torrc produces exactly the bytes tor sent for it.
#[test]
fn torrc_bridge_lines_produce_the_recorded_socks_bytes() {
    let torrc = read_fixture("tor-client/main/torrc");
    let bridge_texts = lines_after(&torrc, "Bridge");
    assert_eq!(
        bridge_texts.len(),
        7,
        "the fixture torrc has 7 Bridge lines"
    );
    let bridges: Vec<BridgeLine<'_>> = bridge_texts
        .iter()
        .map(|t| BridgeLine::parse(t).unwrap_or_else(|e| panic!("{t:?}: {e}")))
        .collect();

    let dir = fixture_path("tor-client/main/socks");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fixture directory {} is missing ({e})", dir.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".hex"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 7, "one transcript per bridge: {names:?}");

    let mut seen = Vec::new();
    let mut with_args = 0;
    for name in &names {
        let sent = read_sent(name);
        let target = match &sent {
            Sent::Socks4 { target, .. }
            | Sent::Socks5NoAuth { target }
            | Sent::Socks5Auth { target, .. } => *target,
        };
        let (i, line) = bridges
            .iter()
            .enumerate()
            .find(|(_, b)| b.addr() == target)
            .unwrap_or_else(|| panic!("{name}: no Bridge line for {target}"));
        seen.push(i);
        let transport = line
            .transport()
            .expect("every fixture bridge has a transport");
        assert!(
            name.starts_with(&format!("{transport}-")),
            "{name} is {transport}'s transcript"
        );
        let wire = line.socks_args();
        assert_eq!(wire.len(), line.socks_args_len());
        match sent {
            Sent::Socks4 { userid, .. } => {
                assert_eq!(transport.as_str(), "fake4");
                // SOCKS4: the whole string in USERID, no 255-byte split.
                assert_eq!(userid, wire, "{name}: USERID");
                let back = socks::parse_with(&userid, Config::LENIENT).unwrap();
                assert_eq!(&back, line.args(), "{name}");
            }
            Sent::Socks5NoAuth { .. } => {
                assert_eq!(wire, b"", "{name}: no args, so no RFC 1929");
                assert_eq!(socks::to_rfc1929(&wire), Ok(None));
            }
            Sent::Socks5Auth { uname, passwd, .. } => {
                let f = socks::to_rfc1929(&wire).unwrap().expect("args");
                assert_eq!(f.uname, &uname[..], "{name}: UNAME");
                assert_eq!(f.passwd, &passwd[..], "{name}: PASSWD");
                for policy in [Config::LENIENT, Config::STRICT] {
                    let back = socks::parse_rfc1929(&uname, &passwd, policy).unwrap();
                    assert_eq!(&back, line.args(), "{name} {policy:?}");
                }
                with_args += 1;
            }
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        (0..7).collect::<Vec<_>>(),
        "every Bridge line has its transcript"
    );
    assert_eq!(
        with_args, 3,
        "fake5 :9, :10 and [::1]:13 sent RFC 1929 credentials"
    );
}

/// The exact strings tor 0.4.9.11 sent for the first two Bridge lines of
/// `tor-client/main/torrc` (`tor-client/main/socks/fake5-127.0.0.1_9.hex` and `_10.hex`;
/// behaviours: `socks-args-escape-set`, `rfc1929-split-at-255`).
#[test]
fn tor_socks_strings_of_the_first_two_bridge_lines() {
    let torrc = read_fixture("tor-client/main/torrc");
    let texts = lines_after(&torrc, "Bridge");
    let first = BridgeLine::parse(texts[0]).unwrap();
    assert_eq!(
        pairs(first.args()),
        [
            ("key", "value"),
            ("shared-secret", "x;y"),
            ("arg-with-equals", "a=b"),
            ("backslash", r"c\d")
        ]
    );
    let wire = first.socks_args();
    assert_eq!(
        wire,
        br"key=value;shared-secret=x\;y;arg-with-equals=a=b;backslash=c\\d"
    );
    assert_eq!(wire.len(), 0x3f);
    // The PT reads it back zero-copy except for the two escaped values.
    let back = socks::parse(&wire).unwrap();
    assert_eq!(&back, first.args());
    assert!(!back.is_borrowed());

    let long = BridgeLine::parse(texts[1]).unwrap();
    assert_eq!(long.socks_args_len(), 305);
    let wire = long.socks_args();
    let f = socks::to_rfc1929(&wire).unwrap().unwrap();
    assert_eq!((f.uname.len(), f.passwd.len()), (255, 50));
    assert_eq!(
        f.passwd,
        b"01234567890123456789012345678901234567890123456789"
    );
}

/// tor refused a bridge line whose SOCKS string was 608 bytes: same limit, same count.
#[test]
fn toolong_log_matches_our_limit() {
    let log = read_fixture("tor-client/toolong-args-config-rejected.log");
    let msg = "SOCKS arguments can't be more than ";
    let line = log
        .lines()
        .find(|l| l.contains(msg))
        .expect("tor's warning is in the log");
    let rest = &line[line.find(msg).unwrap() + msg.len()..];
    // "510 bytes (608)."
    let (max, rest) = rest.split_once(" bytes (").unwrap();
    let len = rest.strip_suffix(").").unwrap();
    let (max, len): (usize, usize) = (max.parse().unwrap(), len.parse().unwrap());
    assert_eq!(max, MAX_SOCKS5_ARGS);
    assert!(log.contains("Bridge line did not parse"));
    // A line whose escaped SOCKS string has that many bytes is refused with the same numbers.
    let text = format!("fake5 127.0.0.1:12 k={}", "a".repeat(len - 2));
    let err = BridgeLine::parse(&text).unwrap_err();
    assert_eq!(err, Error::TooLong { len, max });
    assert_eq!(
        err.to_string(),
        format!("too long: {len} bytes, where at most {max} fit")
    );
}

/// Builds the options tor would export for the `ServerTransportOptions` lines of a torrc
/// (items split at whitespace, each `k=v` at its first `=`), in torrc order.
fn options_from_torrc(torrc: &str) -> ServerTransportOptions<'_> {
    let mut opts = ServerTransportOptions::new();
    for line in lines_after(torrc, "ServerTransportOptions") {
        let mut items = line.split_whitespace();
        let transport = items.next().unwrap();
        for item in items {
            let (k, v) = item.split_once('=').unwrap();
            opts.push(transport, k, v);
        }
    }
    opts
}

/// `tor-server/main` and `tor-server/multi-transport-no-extorport`: tor's real
/// `TOR_PT_SERVER_TRANSPORT_OPTIONS` decodes to the torrc's options under both policies. Our
/// encoding equals tor's except that we also escape `=` (behaviours: `server-options-escape-equals`).
#[test]
fn tor_server_transport_options_decode_to_the_torrc_options() {
    let cases = [
        (
            "tor-server/main",
            r"fakes:key=banana;fakes:colon=a\:b;fakes:semicolon=c\;d;fakes:backslash=e\\f;fakes:equals=g\=h",
        ),
        (
            "tor-server/multi-transport-no-extorport",
            "fakes:a=1;fakez:b=2;fakez:c=3",
        ),
    ];
    for (dir, ours) in cases {
        let torrc = read_fixture(&format!("{dir}/torrc"));
        let env = read_fixture(&format!("{dir}/pt-env.txt"));
        let expected = options_from_torrc(&torrc);
        assert!(
            !expected.is_empty(),
            "{dir}: torrc has ServerTransportOptions"
        );
        let tors = env_var(&env, "TOR_PT_SERVER_TRANSPORT_OPTIONS");
        for policy in [OptConfig::LENIENT, OptConfig::STRICT] {
            assert_eq!(
                options::parse_with(tors, policy).unwrap(),
                expected,
                "{dir} {policy:?}"
            );
        }
        let encoded = options::to_string(&expected).unwrap();
        assert_eq!(encoded, ours, "{dir}");
        assert_eq!(
            encoded.replace(r"\=", "="),
            tors,
            "{dir}: tor's bytes but for '='"
        );
        assert_eq!(options::parse(&encoded).unwrap(), expected);
    }
    let env = read_fixture("tor-server/main/pt-env.txt");
    let main = options::parse(env_var(&env, "TOR_PT_SERVER_TRANSPORT_OPTIONS")).unwrap();
    assert_eq!(
        groups(&main),
        [(
            "fakes",
            vec![
                ("key", "banana"),
                ("colon", "a:b"),
                ("semicolon", "c;d"),
                ("backslash", r"e\f"),
                ("equals", "g=h"),
            ]
        )]
    );
    // obfs4proxy's environments.
    let env = read_fixture("obfs4proxy/interop/obfs4-server-extorport-env.txt");
    let o = options::parse(env_var(&env, "TOR_PT_SERVER_TRANSPORT_OPTIONS")).unwrap();
    assert_eq!(o.get("obfs4").and_then(|a| a.get("iat-mode")), Some("0"));
}

/// SMETHOD ARGS as written by a PT: decode, and our encoder writes the same bytes back.
#[test]
fn smethod_args_from_real_pts() {
    let files = [
        "tor-server/main/pt-stdout.txt",
        "tor-server/multi-transport-no-extorport/pt-stdout.txt",
        "obfs4proxy/interop/obfs4-server-stdout.txt",
        "obfs4proxy/interop/obfs4-server-extorport-stdout.txt",
    ];
    let mut checked = 0;
    for file in files {
        for line in lines_after(&read_fixture(file), "SMETHOD") {
            let Some(args) = line.split(' ').find_map(|w| w.strip_prefix("ARGS:")) else {
                continue;
            };
            for config in [smethod::Config::default(), smethod::Config::STRICT] {
                let a = smethod::parse_with(args, config).unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_eq!(a.get("iat-mode"), Some("0"), "{file}");
                assert_eq!(smethod::to_string(&a).as_deref(), Ok(args), "{file}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "found {checked} ARGS");
    let a = smethod::parse(r"cert=abc\,def,iat-mode=0").unwrap();
    assert_eq!(pairs(&a), [("cert", "abc,def"), ("iat-mode", "0")]);
}

/// tor turns `ARGS:cert=abc\,def,iat-mode=0` into the bridge line
/// `cert=abc\ def iat-mode=0` (every `,` becomes a space, escape or not), which is not a valid
/// bridge line: `def` is not a k=v item. Pinned: we reject what tor wrote, as tor itself would.
#[test]
fn tor_written_bridgelines_with_escaped_comma_are_rejected() {
    for dir in ["tor-server/main", "tor-server/multi-transport-no-extorport"] {
        let text = read_fixture(&format!("{dir}/datadir-bridgelines"));
        let lines = lines_after(&text, "Bridge");
        assert!(!lines.is_empty());
        for line in lines {
            let at = line.find(" def ").expect("the tor quirk is in the fixture") + 1;
            assert_eq!(
                BridgeLine::parse(line),
                Err(Error::NotKeyValue { offset: at }),
                "{line}"
            );
        }
    }
}

/// RFC 1929 credentials obfs4proxy accepted (auth status `01 00`), including one split at 40
/// bytes rather than 255: joined, they are the same arguments.
#[test]
fn obfs4proxy_accepted_rfc1929_credentials() {
    let text = read_fixture("obfs4proxy/interop/socks-transcripts.jsonl");
    let marker = r#""what": "RFC1929 auth", "hex": ""#;
    let mut decoded = Vec::new();
    for line in text.lines() {
        let Some(i) = line.find(marker) else { continue };
        let h = &line[i + marker.len()..];
        let auth = hex(&h[..h.find('"').unwrap()]);
        assert_eq!(auth[0], 1, "RFC 1929 version");
        let ulen = usize::from(auth[1]);
        let uname = &auth[2..2 + ulen];
        let plen = usize::from(auth[2 + ulen]);
        let passwd = &auth[3 + ulen..3 + ulen + plen];
        assert_eq!(3 + ulen + plen, auth.len());
        let args = socks::parse_rfc1929(uname, passwd, Config::STRICT)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .into_owned();
        assert!(args.contains_key("cert"));
        decoded.push((
            line.contains("split-across-uname-passwd"),
            plen == 1 && passwd == [0],
            uname.to_vec(),
            args,
        ));
    }
    assert!(decoded.len() >= 8, "{} credentials", decoded.len());
    let split = decoded.iter().find(|d| d.0).expect("the split case");
    assert!(!split.1, "the split case has a real PASSWD");
    let tor_style = &decoded[0];
    assert!(tor_style.1, "tor style: NUL password");
    assert_eq!(split.3, tor_style.3, "split or not, the same arguments");
    assert_eq!(split.3.get("iat-mode"), Some("0"));
    // tor's encoding of those arguments is byte for byte the tor-style UNAME (86 bytes, as for every obfs4
    // bridge: the cert is always 70 characters).
    let wire = socks::to_string_with(&tor_style.3, socks::Escaping::Minimal).unwrap();
    assert_eq!(wire.as_bytes(), &tor_style.2[..]);
    assert_eq!(wire.len(), 86);
    // And its cert is the one the obfs4proxy server published in SMETHOD ARGS: one flavour's
    // output, carried through a bridge line, is the other flavour's input.
    let stdout = read_fixture("obfs4proxy/interop/obfs4-server-stdout.txt");
    let published = lines_after(&stdout, "SMETHOD")
        .into_iter()
        .find_map(|l| l.split(' ').find_map(|w| w.strip_prefix("ARGS:")))
        .expect("obfs4 SMETHOD ARGS");
    let published = smethod::parse(published).unwrap();
    assert_eq!(published.get("cert"), tor_style.3.get("cert"));
    let bridge = format!(
        "obfs4 127.0.0.1:19401 cert={} iat-mode={}",
        published.get("cert").unwrap(),
        published.get("iat-mode").unwrap()
    );
    let bridge = BridgeLine::parse(&bridge).unwrap();
    assert_eq!(bridge.socks_args(), &tor_style.2[..]);
}
