//! Our codecs as the parent of a real obfs4proxy pair, loopback only:
//!
//! 1. obfs4proxy as a server PT prints `SMETHOD obfs4 ... ARGS:cert=...,iat-mode=0`; we read
//!    its stdout with pt-ipc's splitter, messages and session checker (tor's rules), and decode
//!    the ARGS with `pt_args::smethod` (lenient and strict).
//! 2. obfs4proxy as a client PT opens a SOCKS5 port; our SOCKS client (`pt_socks::client`)
//!    sends those arguments in RFC 1929 exactly as tor would, and obfs4proxy's own (strict)
//!    decoder must accept them: a wrong `cert` would make the obfs4 handshake fail.
//! 3. Data goes through the obfs4 tunnel to an echo server and back.
//!
//! Ignored by a plain `cargo test`; `.ci/run` installs obfs4proxy and runs it with `--ignored`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use pt_args::smethod;
use pt_ipc::Protocol;
use pt_ipc::session::{Event, Launched, Session, Side};
use pt_socks::client::Auth;
use pt_socks::{Target, Version};

/// An obfs4proxy process; closing its stdin makes it exit, then it is killed by PID if needed.
struct Pt {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Every line the session saw, for failure messages.
    lines: Vec<String>,
    /// What the pt-ipc session checker accepted.
    launched: Vec<Launched>,
}

impl Pt {
    /// Starts obfs4proxy and reads its stdout through pt-ipc's splitter and session checker
    /// (tor's rules) until setup is done; a PT that breaks the protocol fails the test.
    fn start(env: &[(&str, String)], side: Side) -> Pt {
        let mut child = Command::new("obfs4proxy")
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("TOR_PT_MANAGED_TRANSPORT_VER", "1")
            .env("TOR_PT_EXIT_ON_STDIN_CLOSE", "1")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("obfs4proxy is not installed (apt-get install obfs4proxy)");
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut session = match side {
            Side::Client => Session::client(&["1"], &["obfs4"], false),
            Side::Server => Session::server(&["1"], &["obfs4"]),
        };
        let (mut buf, mut lines) = (Vec::new(), Vec::new());
        let mut chunk = [0u8; 512];
        'read: loop {
            let n = stdout.read(&mut chunk).expect("obfs4proxy stdout");
            buf.extend_from_slice(&chunk[..n]);
            loop {
                let p = if n == 0 {
                    session.finish(&buf)
                } else {
                    session.advance(&buf)
                }
                .expect("session not over");
                let end = (p.consumed.min(buf.len())).saturating_sub(1);
                lines.push(String::from_utf8_lossy(&buf[..end]).into_owned());
                match p.event {
                    Event::NeedInput if n > 0 => {
                        lines.pop();
                        buf.drain(..p.consumed);
                        break;
                    }
                    Event::Done => break 'read,
                    Event::Failed(why) => panic!("obfs4proxy failed: {why} ({lines:?})"),
                    Event::Closed | Event::NeedInput => panic!("stdout ended early: {lines:?}"),
                    _ => {}
                }
                buf.drain(..p.consumed);
            }
        }
        let launched = session.launched().to_vec();
        Pt {
            child,
            stdin,
            lines,
            launched,
        }
    }
}

impl Drop for Pt {
    fn drop(&mut self) {
        drop(self.stdin.take());
        pt_interop::wait_or_kill(&mut self.child);
    }
}

fn echo_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut r = s.try_clone().unwrap();
                let _ = std::io::copy(&mut r, &mut s);
            });
        }
    });
    port
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
#[ignore = "needs obfs4proxy installed: .ci/run installs it and runs this with --ignored"]
fn obfs4proxy_server_args_and_client_socks_round_trip() {
    let dir = std::env::temp_dir().join(format!("pt-interop-obfs4-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let echo = echo_server();
    let bind = format!("127.0.0.1:{}", free_port());

    let server = Pt::start(
        &[
            (
                "TOR_PT_STATE_LOCATION",
                dir.join("server").display().to_string(),
            ),
            ("TOR_PT_SERVER_TRANSPORTS", "obfs4".into()),
            ("TOR_PT_SERVER_BINDADDR", format!("obfs4-{bind}")),
            ("TOR_PT_ORPORT", format!("127.0.0.1:{echo}")),
        ],
        Side::Server,
    );
    assert_eq!(server.launched.len(), 1, "{:?}", server.lines);
    let smethod = &server.launched[0];
    assert_eq!(
        (smethod.transport.as_str(), smethod.addr.to_string()),
        ("obfs4", bind.clone()),
        "{:?}",
        server.lines
    );
    assert!(smethod.requested);
    let raw_args = smethod.args.as_deref().expect("SMETHOD has ARGS");
    let args = smethod::parse(raw_args).expect("obfs4proxy's ARGS decode");
    let strict = smethod::Config::STRICT;
    assert_eq!(
        smethod::parse_with(raw_args, strict).as_ref(),
        Ok(&args),
        "and decode strictly"
    );
    assert_eq!(
        args.get("cert").map(str::len),
        Some(70),
        "cert is 70 base64 chars: {raw_args}"
    );
    assert_eq!(args.get("iat-mode"), Some("0"));
    assert_eq!(
        smethod::to_string(&args).unwrap(),
        raw_args,
        "our encoder writes the same line"
    );

    let client = Pt::start(
        &[
            (
                "TOR_PT_STATE_LOCATION",
                dir.join("client").display().to_string(),
            ),
            ("TOR_PT_CLIENT_TRANSPORTS", "obfs4".into()),
        ],
        Side::Client,
    );
    let cmethod = &client.launched[0];
    assert_eq!(
        (cmethod.transport.as_str(), cmethod.protocol),
        ("obfs4", Some(Protocol::Socks5)),
        "{:?}",
        client.lines
    );

    // What tor would send for `Bridge obfs4 <bind> cert=... iat-mode=0`.
    let socks_args = pt_args::socks::to_vec_with(&args, pt_args::socks::Escaping::Minimal).unwrap();
    let mut stream = TcpStream::connect(cmethod.addr).expect("connect to obfs4proxy's SOCKS port");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let target = Target::Ip(bind.parse().unwrap());
    let auth = Auth::from_pt_args(&socks_args, Version::Socks5).unwrap();
    let (_bound, early) = pt_interop::socks::connect(&mut stream, Version::Socks5, target, auth)
        .expect("obfs4proxy accepted our SOCKS5 handshake and reached the obfs4 server");
    assert!(early.is_empty());

    let msg = b"hello through a real obfs4 tunnel";
    stream.write_all(msg).unwrap();
    let mut back = vec![0u8; msg.len()];
    stream
        .read_exact(&mut back)
        .expect("echo through the tunnel");
    assert_eq!(back, msg);

    drop(stream);
    drop(client);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
