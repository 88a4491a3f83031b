//! Real tor as the parent of our client PT: tor turns bridge lines into SOCKS credentials, our
//! PT (`client_pt`, on pt-socks) decodes them with pt-args, and the result must equal what
//! pt-args says tor sends for those bridge lines, including lines whose arguments are not
//! UTF-8 (tor passes them on byte for byte).
//!
//! Ignored by a plain `cargo test`; `.ci/run` installs tor and runs it with `--ignored`.
//! Loopback only: every bridge is 127.0.0.1 and `UseBridges 1` keeps tor from contacting
//! anything else.

use std::time::Duration;

use pt_args::bridge::BridgeLine;
use pt_args::socks;
use pt_interop::{hex, tor::Tor};

const SNOWFLAKE_ARGS: &str = "fingerprint=2B280B23E1107BB62ABFC40DDCC8824814F80A72 \
    url=https://1098762253.rsc.cdn77.org/ fronts=www.cdn77.com,www.phpmyadmin.net \
    ice=stun:stun.antisip.com:3478,stun:stun.epygi.com:3478,stun:stun.uls.co.za:3478,\
stun:stun.voipgate.com:3478,stun:stun.mixvoip.com:3478,stun:stun.nextcloud.com:3478,\
stun:stun.bethesda.net:3478,stun:stun.nextcloud.com:443 utls-imitate=hellorandomizedalpn";

/// The fingerprint of the bridge whose argument holds a line feed.
const LF_FP: &str = "9123456789ABCDEF0123456789ABCDEF01234567";

/// (bridge line without "Bridge", as bytes, SOCKS version tor uses for that transport)
fn bridges() -> Vec<(Vec<u8>, &'static str)> {
    let fp = |n: u8| format!("{n}123456789ABCDEF0123456789ABCDEF01234567");
    let text = |s: String| s.into_bytes();
    let bytes = |head: String, tail: &[u8]| [head.as_bytes(), tail].concat();
    vec![
        (
            text(format!(
                "ptfive 127.0.0.1:9 {} key=value shared-secret=x;y arg-with-equals=a=b backslash=c\\d",
                fp(0)
            )),
            "SOCKS5",
        ),
        // Arguments are bytes: tor passes a Latin-1 byte and invalid UTF-8 on unchanged
        // (docs/behaviours.md row `socks-args-are-bytes`).
        (
            bytes(format!("ptfive 127.0.0.1:15 {} ", fp(6)), b"k=caf\xe9"),
            "SOCKS5",
        ),
        (
            bytes(
                format!("ptfive 127.0.0.1:16 {} ", fp(7)),
                b"k=\xff\xfe x\xff=1",
            ),
            "SOCKS5",
        ),
        (
            bytes(format!("ptfour4 127.0.0.1:17 {} ", fp(8)), b"k=caf\xe9"),
            "SOCKS4",
        ),
        (
            text(format!("ptfive 127.0.0.1:10 {} {SNOWFLAKE_ARGS}", fp(1))),
            "SOCKS5",
        ),
        (text(format!("ptfive 127.0.0.1:11 {}", fp(2))), "SOCKS5"),
        (
            text(format!(
                "ptfive 127.0.0.1:12 {} k={}",
                fp(3),
                "a".repeat(508)
            )),
            "SOCKS5",
        ),
        (
            text(format!(
                "ptfour4 127.0.0.1:13 {} key=value shared-secret=x;y",
                fp(4)
            )),
            "SOCKS4",
        ),
        (
            text(format!("ptfour4 127.0.0.1:14 {} {SNOWFLAKE_ARGS}", fp(5))),
            "SOCKS4",
        ),
    ]
}

#[test]
#[ignore = "needs tor installed: .ci/run installs it and runs this with --ignored"]
fn tor_sends_the_bridge_args_we_expect() {
    let pt = env!("CARGO_BIN_EXE_client_pt");
    let record =
        std::env::temp_dir().join(format!("pt-interop-client-record-{}", std::process::id()));
    let _ = std::fs::remove_file(&record);
    let bridges = bridges();
    let mut torrc = format!(
        "SocksPort 127.0.0.1:auto\nUseBridges 1\nClientTransportPlugin ptfive,ptfour4 exec {pt} {}\n",
        record.display()
    )
    .into_bytes();
    for (line, _) in &bridges {
        torrc.extend_from_slice(b"Bridge ");
        torrc.extend_from_slice(line);
        torrc.push(b'\n');
    }
    // A value holding a line feed: the torrc line quotes it (tor's config reader undoes
    // `\n` inside quotes), and tor's item splitting keeps it inside the item
    // (docs/behaviours.md row `bridge-line-item-splitting`).
    let lf_line = format!("ptfive 127.0.0.1:18 {LF_FP} a=1\nb=2");
    torrc.extend_from_slice(
        format!("Bridge \"ptfive 127.0.0.1:18 {LF_FP} a=1\\nb=2\"\n").as_bytes(),
    );
    let mut tor = Tor::start("client-pt", &torrc).expect("start tor");
    let read = || std::fs::read_to_string(&record).unwrap_or_default();
    let failures = [
        "failed the configuration protocol",
        "terminated with status",
        "Bridge line did not parse",
    ];
    tor.wait_until(Duration::from_secs(40), &failures, |_| {
        read().lines().count() > bridges.len()
    })
    .unwrap_or_else(|e| panic!("{e}\nrecord so far:\n{}", read()));
    let records = read();
    drop(tor);

    for (line, version) in &bridges {
        let bridge = BridgeLine::parse(line).expect("our bridge lines parse");
        let target = bridge.addr().to_string();
        let rec = records
            .lines()
            .find(|r| r.split('\t').nth(4) == Some(target.as_str()))
            .unwrap_or_else(|| panic!("tor never connected for {target}:\n{records}"));
        let f: Vec<&str> = rec.split('\t').collect();
        assert_eq!(f[1], *version, "{rec}");
        let wire = bridge.socks_args();
        match (*version, socks::to_rfc1929(&wire).unwrap()) {
            ("SOCKS4", _) => assert_eq!(f[2], hex(&wire), "USERID for {target}"),
            (_, None) => assert_eq!((f[2], f[3]), ("-", "-"), "no credentials for {target}"),
            (_, Some(fields)) => {
                assert_eq!(f[2], hex(fields.uname), "UNAME for {target}");
                assert_eq!(f[3], hex(fields.passwd), "PASSWD for {target}");
            }
        }
        assert_eq!(f[5], "ok", "{rec}");
        // client_pt decoded the arguments and wrote them back as tor encodes them, in hex:
        // the same bytes as tor sent, whatever they hold.
        assert_eq!(
            f.get(6).copied(),
            Some(&hex(&wire)[..]),
            "args decoded for {target}"
        );
    }
    let lf = BridgeLine::parse(&lf_line).expect("the LF line parses");
    assert_eq!(lf.args().len(), 1, "one argument, LF inside");
    // The bytes tor 0.4.9.11 was recorded sending for these lines, independent of our encoder.
    for (target, field, want) in [
        ("127.0.0.1:15", 2, "6b3d636166e9"),
        ("127.0.0.1:16", 2, "6b3dfffe3b78ff3d31"),
        ("127.0.0.1:17", 2, "6b3d636166e9"),
        ("127.0.0.1:18", 2, "613d310a623d32"),
        ("127.0.0.1:18", 6, "613d310a623d32"),
    ] {
        let rec = records
            .lines()
            .find(|r| r.split('\t').nth(4) == Some(target))
            .expect("recorded above");
        assert_eq!(rec.split('\t').nth(field), Some(want), "{rec}");
    }
    let _ = std::fs::remove_file(&record);
}
