//! The recorded stdout of real and fake PTs under tor 0.4.9.11, obfs4proxy 0.0.14 and
//! snowflake-client (see `testdata/README.md`): every line parses, and the session checker
//! gives the verdict tor gave in that run (its `tor-info-pt-excerpt.log` beside the stdout).

use std::path::PathBuf;

use pt_ipc::session::{Event, Failure, Session};
use pt_ipc::{Error, KvProblem, Message, Severity, Violation};

fn testdata() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("../testdata")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(testdata().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect()
}

/// Every client case with its recorded stdout.
const CLIENT_CASES: [&str; 22] = [
    "bad-cmethod-addr",
    "bad-cmethod-hostname",
    "bad-cmethod-proto",
    "cmethod-error",
    "cmethod-extra-args",
    "cmethod-wrong-name",
    "exit-early",
    "log-status-postconfig-ctl",
    "log-status-preconfig",
    "outbound-bind",
    "outbound-bind-pt",
    "proxy-error",
    "proxy-https",
    "proxy-https-auth",
    "proxy-noproxydone",
    "proxy-socks4",
    "proxy-socks5",
    "proxy-socks5-auth",
    "socks-reply-failures",
    "unknown-keyword",
    "version-2",
    "version-error",
];

/// Runs a session over `stdout` fed in one piece, then EOF; returns the events (owned as
/// debug strings) and the final verdict.
fn run(mut s: Session, stdout: &[u8]) -> (Vec<String>, Option<Failure<'static>>) {
    let mut events = Vec::new();
    let mut buf = stdout;
    loop {
        let p = s.advance(buf).expect("session not over");
        let stop = matches!(p.event, Event::NeedInput | Event::Failed(_));
        if let Event::Failed(f) = &p.event {
            return (events, Some(f.clone().into_owned()));
        }
        events.push(format!("{:?}", p.event));
        buf = &buf[p.consumed..];
        if stop {
            break;
        }
    }
    match s.finish(buf).expect("session not over").event {
        Event::Failed(f) => (events, Some(f.into_owned())),
        Event::Closed => (events, None),
        other => panic!("unexpected {other:?}"),
    }
}

/// What tor did in each case, from the excerpt: `Ok(n)` = configured with `n` transports
/// registered, `Err(..)` = "failed the configuration protocol" or killed.
fn tor_verdict(case: &str) -> Result<usize, &'static str> {
    let log = String::from_utf8(read(&format!(
        "tor-client/cases/{case}/tor-info-pt-excerpt.log"
    )))
    .unwrap();
    // exit-early: the PT exits after VERSION, tor relaunches it.
    if log.contains("failed the configuration protocol")
        || log.contains("did not configure the specified outgoing proxy")
        || log.contains("terminated with status code 3")
    {
        return Err("broken");
    }
    assert!(log.contains("configuration completed"), "{case}");
    // Some runs hold two launches: methods attached per completed configuration.
    let launches = log.matches("configuration completed!").count();
    Ok(log.matches("Attached to managed proxy").count() / launches)
}

#[test]
fn every_client_case_gets_tor_s_verdict() {
    for case in CLIENT_CASES {
        let stdout = read(&format!("tor-client/cases/{case}/pt-stdout.txt"));
        let proxy = case.starts_with("proxy-");
        // exit-early holds one VERSION line per launch: check the first launch.
        let stdout = if case == "exit-early" {
            b"VERSION 1\n".to_vec()
        } else {
            stdout
        };
        let session = Session::client(&["1"], &["fake5"], proxy);
        let (events, verdict) = run(session.clone(), &stdout);
        match (tor_verdict(case), verdict) {
            (Err(_), Some(_)) => {}
            (Ok(n), None) => {
                let ready = events
                    .iter()
                    .filter(|e| e.starts_with("MethodReady"))
                    .count();
                assert_eq!(ready, n, "{case}: {events:#?}");
            }
            (tor, ours) => panic!("{case}: tor {tor:?}, we {ours:?}"),
        }
    }
}

#[test]
fn the_verdicts_say_why() {
    let verdict = |case: &str, proxy| {
        run(
            Session::client(&["1"], &["fake5"], proxy),
            &read(&format!("tor-client/cases/{case}/pt-stdout.txt")),
        )
        .1
        .unwrap()
    };
    let malformed = |f: Failure<'_>| match f {
        Failure::Protocol(Violation::Malformed { error }) => *error,
        other => panic!("{other:?}"),
    };
    // tor: "Error parsing transport address '127.0.0.1:notaport'".
    assert_eq!(
        malformed(verdict("bad-cmethod-addr", false)),
        Error::BadAddress {
            keyword: "CMETHOD",
            offset: 21
        }
    );
    // tor: "Error parsing transport address 'localhost'".
    assert!(matches!(
        malformed(verdict("bad-cmethod-hostname", false)),
        Error::BadAddress { .. }
    ));
    // tor: "a proxy protocol we don't recognize. (http)".
    assert_eq!(
        malformed(verdict("bad-cmethod-proto", false)),
        Error::BadProtocol { offset: 14 }
    );
    assert_eq!(
        verdict("proxy-error", true),
        Failure::ProxyError("cannot use that proxy".parse().unwrap())
    );
    // The recorded stdout stops before the `CMETHODS DONE` that tor's log shows it received
    // (the PT was killed while the capture was flushed): with it, tor's reason.
    assert_eq!(
        verdict("proxy-noproxydone", true),
        Failure::Protocol(Violation::Eof)
    );
    let mut stdout = read("tor-client/cases/proxy-noproxydone/pt-stdout.txt");
    stdout.extend_from_slice(b"CMETHODS DONE\n");
    assert_eq!(
        run(Session::client(&["1"], &["fake5"], true), &stdout).1,
        Some(Failure::Protocol(Violation::MissingProxyDone))
    );
    assert_eq!(
        verdict("version-2", false),
        Failure::Protocol(Violation::VersionNotOffered {
            version: "2".into()
        })
    );
    assert_eq!(
        verdict("version-error", false),
        Failure::VersionError("no-version".parse().unwrap())
    );
    assert_eq!(
        run(Session::client(&["1"], &["fake5"], false), b"VERSION 1\n").1,
        Some(Failure::Protocol(Violation::Eof))
    );
}

#[test]
fn every_fixture_line_parses_or_fails_as_tor_said() {
    let mut files = vec![
        "tor-client/main/pt-stdout.txt".to_owned(),
        "tor-server/main/pt-stdout.txt".to_owned(),
        "tor-server/multi-transport-no-extorport/pt-stdout.txt".to_owned(),
        "obfs4proxy/interop/obfs4-client-stdout.txt".to_owned(),
        "obfs4proxy/interop/obfs4-server-stdout.txt".to_owned(),
        "obfs4proxy/interop/obfs4-server-extorport-stdout.txt".to_owned(),
    ];
    files.extend(CLIENT_CASES.map(|c| format!("tor-client/cases/{c}/pt-stdout.txt")));
    let mut parsed = 0;
    for f in &files {
        let bytes = read(f);
        for line in lines(&bytes) {
            let text = String::from_utf8_lossy(line);
            match Message::parse(line) {
                Ok(m) => {
                    parsed += 1;
                    // Our encoding reads back the same.
                    let mut out = Vec::new();
                    m.encode(&mut out).unwrap();
                    assert_eq!(
                        Message::parse(&out[..out.len() - 1]).unwrap(),
                        m,
                        "{f}: {text}"
                    );
                }
                Err(e) => {
                    // Only the lines tor refused or warned about.
                    let known_bad = text.contains("notaport")
                        || text.contains("localhost:1234")
                        || text.contains(" http ")
                        || text.contains("bogus")
                        || text.contains("unterminated")
                        || text.contains("noequals")
                        || text == "LOG MESSAGE=\"no severity\""
                        || text == "LOG SEVERITY=notice";
                    assert!(known_bad, "{f}: {text}: {e}");
                }
            }
        }
    }
    assert!(parsed > 150, "{parsed}");
}

/// The LOG lines of the log-status runs decode to the text tor logged, and the ones tor
/// refused are refused.
#[test]
fn log_lines_decode_to_what_tor_logged() {
    let stdout = read("tor-client/cases/log-status-preconfig/pt-stdout.txt");
    let log = String::from_utf8(read(
        "tor-client/cases/log-status-preconfig/tor-info-pt-excerpt.log",
    ))
    .unwrap();
    let mut logged = 0;
    for line in lines(&stdout) {
        if !line.starts_with(b"LOG ") {
            continue;
        }
        match Message::parse(line) {
            Ok(Message::Log(l)) => {
                // tor logs `Managed proxy "...": <message>` (one log line: cut at a newline).
                let msg = l.message_lossy();
                let first = msg.split('\n').next().unwrap();
                assert!(
                    log.contains(&format!("\": {first}")),
                    "tor did not log {first:?}"
                );
                logged += 1;
            }
            Ok(other) => panic!("{other:?}"),
            Err(e) => {
                let text = String::from_utf8_lossy(line);
                let args = text.strip_prefix("LOG ").unwrap();
                // tor warned about each of these.
                assert!(
                    log.contains(&format!("invalid LOG message: {args}"))
                        || log.contains("invalid severity level: bogus")
                        || log.contains("LOG line without SEVERITY")
                        || log.contains("LOG line without MESSAGE"),
                    "{text}: {e}"
                );
            }
        }
    }
    assert_eq!(logged, 6);
    let m = Message::parse(br#"LOG SEVERITY=notice MESSAGE="octal \101\102 hex? \x41 unicode ok""#)
        .unwrap();
    let Message::Log(l) = m else { panic!() };
    assert_eq!(l.message(), b"octal AB hex? A unicode ok");
    assert_eq!(l.severity(), Severity::Notice);
    assert_eq!(
        Message::parse(b"LOG SEVERITY=bogus MESSAGE=\"bad severity\"").unwrap_err(),
        Error::KvLine {
            keyword: "LOG",
            problem: KvProblem::BadSeverity,
            offset: 13
        }
    );
}

#[test]
fn status_lines_as_tor_read_them() {
    let stdout = read("tor-client/cases/log-status-postconfig-ctl/pt-stdout.txt");
    let mut statuses = Vec::new();
    for line in lines(&stdout)
        .into_iter()
        .filter(|l| l.starts_with(b"STATUS"))
    {
        statuses.push(Message::parse(line).map(Message::into_owned));
    }
    assert_eq!(statuses.len(), 5);
    // tor warned about exactly the unterminated one and the one without '='.
    let bad: Vec<bool> = statuses.iter().map(Result::is_err).collect();
    assert_eq!(bad, [false, false, true, true, false]);
    let Ok(Message::Status(s)) = &statuses[4] else {
        panic!()
    };
    assert!(s.is_version_report());
    assert_eq!(s.transport(), None);
    let Ok(Message::Status(s)) = &statuses[1] else {
        panic!()
    };
    assert_eq!(s.transport(), None); // `STATUS CONNECT=Success`: tor 0.4.9 took it silently
    let m = Message::parse(
        br#"STATUS TRANSPORT=fake5 ADDRESS=127.0.0.1:9 CONNECT=Failed ERROR="no route \"x\"""#,
    )
    .unwrap();
    let Message::Status(s) = m else { panic!() };
    assert_eq!(
        s.pairs().get("ERROR").as_deref(),
        Some(&b"no route \"x\""[..])
    );
    assert_eq!(s.transport().as_deref(), Some(&b"fake5"[..]));
}

#[test]
fn server_runs_and_obfs4proxy() {
    let args = |f: &str| {
        let bytes = read(f);
        let mut s = Session::server(&["1"], &["fakes", "fakez", "obfs4"]);
        let mut buf = &bytes[..];
        let mut launched = Vec::new();
        loop {
            let p = s.advance(buf).unwrap();
            buf = &buf[p.consumed..];
            match p.event {
                Event::Done => break,
                Event::Failed(f) => panic!("{f}"),
                Event::MethodReady { method, requested } => {
                    assert!(requested);
                    launched.push(method.transport().to_owned());
                }
                _ => {}
            }
        }
        (launched, s.launched().to_vec())
    };
    let (names, l) = args("tor-server/main/pt-stdout.txt");
    assert_eq!(names, ["fakes"]);
    // tor published `cert=abc\,def,iat-mode=0` verbatim; decoded, the comma is data.
    assert_eq!(l[0].args.as_deref(), Some(r"cert=abc\,def,iat-mode=0"));
    let m =
        Message::parse(b"SMETHOD fakes 127.0.0.1:19302 ARGS:cert=abc\\,def,iat-mode=0").unwrap();
    let Message::Smethod(s) = m else { panic!() };
    let a = s.args(pt_args::smethod::Config::LENIENT).unwrap().unwrap();
    assert_eq!(a.get("cert"), Some("abc,def"));
    // The multi-transport run: two launches (tor restarted the PT); each is a session.
    let bytes = read("tor-server/multi-transport-no-extorport/pt-stdout.txt");
    let text = String::from_utf8(bytes).unwrap();
    for launch in text.split_inclusive("SMETHODS DONE\n") {
        let (events, verdict) = run(
            Session::server(&["1"], &["fakes", "fakez"]),
            launch.as_bytes(),
        );
        assert_eq!(verdict, None);
        assert_eq!(
            events
                .iter()
                .filter(|e| e.starts_with("MethodReady"))
                .count(),
            2
        );
    }
    let (names, l) = args("obfs4proxy/interop/obfs4-server-stdout.txt");
    assert_eq!(names, ["obfs4"]);
    let line = format!(
        "SMETHOD obfs4 {} ARGS:{}",
        l[0].addr,
        l[0].args.as_ref().unwrap()
    );
    let Message::Smethod(s) = Message::parse(line.as_bytes()).unwrap() else {
        panic!()
    };
    let a = s.args(pt_args::smethod::Config::STRICT).unwrap().unwrap();
    assert_eq!(a.get("cert").map(str::len), Some(70));
    assert_eq!(a.get("iat-mode"), Some("0"));
    let (events, verdict) = run(
        Session::client(&["1"], &["obfs4"], false),
        &read("obfs4proxy/interop/obfs4-client-stdout.txt"),
    );
    assert_eq!(verdict, None);
    assert_eq!(events.len(), 4, "{events:?}"); // VERSION, CMETHOD, DONE, NeedInput
}

#[test]
fn snowflake_client_stdout() {
    let json: serde_json::Value =
        serde_json::from_slice(&read("snowflake-client/snowflake-socks-run.json")).unwrap();
    let mut s = Session::client(&["1"], &["snowflake"], false);
    let mut seen = Vec::new();
    for entry in json["stdout_lines"].as_array().unwrap() {
        let line = entry[1].as_str().unwrap();
        match s.line(line.as_bytes()).unwrap() {
            Event::Log(l) => seen.push(l.message_lossy().into_owned()),
            Event::Failed(f) => panic!("{f}"),
            _ => {}
        }
    }
    assert!(s.is_done());
    assert_eq!(seen[0], "offer created");
    assert_eq!(s.launched()[0].addr.port(), 33065);
}

#[test]
fn chunkings_give_the_same_lines() {
    let bytes = read("tor-client/cases/log-status-postconfig-ctl/pt-stdout.txt");
    let whole: Vec<&[u8]> = lines(&bytes);
    for chunk in [1, 2, 3, 7, 64, bytes.len()] {
        let mut s = pt_ipc::split::Splitter::new();
        let mut buf: Vec<u8> = Vec::new();
        let mut got: Vec<Vec<u8>> = Vec::new();
        for piece in bytes.chunks(chunk) {
            buf.extend_from_slice(piece);
            loop {
                let p = s.advance(&buf);
                let line = match p.event {
                    pt_ipc::split::Event::Line(l) => Some(l.to_vec()),
                    _ => None,
                };
                buf.drain(..p.consumed);
                match line {
                    Some(l) => got.push(l),
                    None => break,
                }
            }
        }
        assert_eq!(got, whole, "chunk {chunk}");
    }
}
