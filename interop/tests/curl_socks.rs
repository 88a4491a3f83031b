//! curl as the SOCKS client of our SOCKS server (pt-socks driven by `pt_interop::socks`):
//! SOCKS5 with RFC 1929 (PT arguments split across UNAME and PASSWD), SOCKS5 with a host name,
//! and SOCKS4a with the arguments in USERID. Each run fetches a page from a loopback HTTP server
//! through the proxy, so the reply and the pipelined data path are exercised too.
//!
//! Ignored by a plain `cargo test`; `.ci/run` installs curl and runs it with `--ignored`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::mpsc;
use std::thread;

use pt_interop::socks::{Accepted, accept};
use pt_socks::server::Policy;
use pt_socks::socks5::ReplyCode;

/// A one-shot HTTP server on loopback that answers `hello`.
fn http_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let _ = s.write_all(
                b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
            );
        }
    });
    port
}

/// A one-shot SOCKS proxy on loopback: handshake with pt-socks, then relay to the target.
fn socks_server() -> (u16, mpsc::Receiver<Accepted>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let Ok((mut client, _)) = listener.accept() else {
            return;
        };
        let mut upstream = None;
        let accepted = accept(
            &mut client,
            Policy::default(),
            |target| match TcpStream::connect(target.to_string().as_str()) {
                Ok(s) => {
                    upstream = Some(s);
                    ReplyCode::SUCCEEDED
                }
                Err(e) => ReplyCode::from_io_error_kind(e.kind()),
            },
        );
        let Ok(accepted) = accepted else { return };
        if let Some(mut up) = upstream {
            let _ = up.write_all(&accepted.leftover);
            let mut down = up.try_clone().unwrap();
            let mut client2 = client.try_clone().unwrap();
            let t = thread::spawn(move || {
                let _ = std::io::copy(&mut client2, &mut up);
            });
            let _ = std::io::copy(&mut down, &mut client);
            let _ = client.shutdown(std::net::Shutdown::Both);
            let _ = t.join();
        }
        let _ = tx.send(accepted);
    });
    (port, rx)
}

fn curl(proxy_flag: &str, proxy_port: u16, user: &str, url: &str) -> String {
    let out = Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "10",
            proxy_flag,
            &format!("127.0.0.1:{proxy_port}"),
            "--proxy-user",
            user,
            url,
        ])
        .output()
        .expect("curl is not installed (apt-get install curl)");
    assert!(
        out.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run(proxy_flag: &str, user: &str, host: &str) -> Accepted {
    let http = http_server();
    let (socks, rx) = socks_server();
    let body = curl(proxy_flag, socks, user, &format!("http://{host}:{http}/"));
    assert_eq!(body, "hello");
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("the SOCKS server finished")
}

#[test]
#[ignore = "needs curl installed: .ci/run installs it and runs this with --ignored"]
fn curl_socks5_rfc1929_args_split_across_uname_and_passwd() {
    // curl splits --proxy-user at the first ':': UNAME `cert=a\;b;iat-mo`, PASSWD `de=0`.
    let a = run("--socks5", r"cert=a\;b;iat-mo:de=0", "127.0.0.1");
    assert_eq!(a.version, pt_socks::Version::Socks5);
    assert_eq!(a.uname.as_deref(), Some(&br"cert=a\;b;iat-mo"[..]));
    assert_eq!(a.passwd.as_deref(), Some(&b"de=0"[..]));
    let args = a.args.expect("args parse");
    assert_eq!(args.get("cert"), Some("a;b"));
    assert_eq!(args.get("iat-mode"), Some("0"));
}

#[test]
#[ignore = "needs curl installed: .ci/run installs it and runs this with --ignored"]
fn curl_socks5_hostname_target() {
    let a = run("--socks5-hostname", "k=v:x", "localhost");
    assert!(
        a.target.to_string().starts_with("localhost:"),
        "{}",
        a.target
    );
    assert_eq!(a.args.expect("args parse").get("k"), Some("vx"));
}

#[test]
#[ignore = "needs curl installed: .ci/run installs it and runs this with --ignored"]
fn curl_socks4a_args_in_userid() {
    let a = run(
        "--socks4a",
        "shared-secret=rahasia;secrets-file=/tmp/blob",
        "localhost",
    );
    assert_eq!(a.version, pt_socks::Version::Socks4);
    assert_eq!(
        a.uname.as_deref(),
        Some(&b"shared-secret=rahasia;secrets-file=/tmp/blob"[..])
    );
    let args = a.args.expect("args parse");
    assert_eq!(args.get("secrets-file"), Some("/tmp/blob"));
}
