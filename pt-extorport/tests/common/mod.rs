//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use pt_extorport::{AuthKey, Error, client, server};

pub fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(s.len().is_multiple_of(2), "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

pub fn hex32(s: &str) -> [u8; 32] {
    hex(s).try_into().expect("32 bytes of hex")
}

/// The repository's `testdata/` folder (recorded transcripts; see `testdata/README.md`).
pub fn fixtures() -> std::path::PathBuf {
    // The crate folder cargo names when it runs the test, so that a binary reused from another
    // checkout sharing the target folder reads this checkout's files.
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(
            || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            std::path::PathBuf::from,
        )
        .join("../testdata")
}

/// What a scripted PT-side run sent and saw.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ClientRun {
    pub sent: Vec<u8>,
    pub error: Option<Error>,
    pub done: bool,
    pub leftover: Vec<u8>,
}

/// Feeds `chunks` one at a time to the PT-side machine, sending `out` after every call.
pub fn run_client(mut hs: client::Handshake<'_>, chunks: &[&[u8]]) -> ClientRun {
    let mut run = ClientRun::default();
    let mut buf = Vec::new();
    let mut chunks = chunks.iter();
    loop {
        let mut out = Vec::new();
        let result = hs.advance(&buf, &mut out);
        run.sent.extend_from_slice(&out);
        let p = match result {
            Ok(p) => p,
            Err(e) => {
                run.error = Some(e);
                break;
            }
        };
        buf.drain(..p.consumed);
        match p.event {
            client::Event::NeedInput => match chunks.next() {
                Some(c) => buf.extend_from_slice(c),
                None => break,
            },
            client::Event::Done => {
                run.done = true;
                for c in chunks.by_ref() {
                    buf.extend_from_slice(c);
                }
                run.leftover = buf;
                break;
            }
        }
    }
    run
}

/// What a scripted tor-side run sent and saw.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ServerRun {
    pub sent: Vec<u8>,
    pub events: Vec<String>,
    pub error: Option<Error>,
    pub decided: bool,
    pub done: bool,
    pub useraddr: Option<std::net::SocketAddr>,
    pub transport: Option<String>,
    pub leftover: Vec<u8>,
}

/// Feeds `chunks` one at a time to the tor-side machine; DONE is answered with `accept`.
pub fn run_server(
    key: &AuthKey,
    server_nonce: [u8; 32],
    chunks: &[&[u8]],
    accept: bool,
) -> ServerRun {
    let mut hs = server::Handshake::new(key, server_nonce);
    let mut run = ServerRun::default();
    let mut buf = Vec::new();
    let mut chunks = chunks.iter();
    loop {
        let mut out = Vec::new();
        let result = hs.advance(&buf, &mut out);
        run.sent.extend_from_slice(&out);
        let p = match result {
            Ok(p) => p,
            Err(e) => {
                run.error = Some(e);
                break;
            }
        };
        let consumed = p.consumed;
        match p.event {
            server::Event::NeedInput => {
                buf.drain(..consumed);
                match chunks.next() {
                    Some(c) => buf.extend_from_slice(c),
                    None => break,
                }
                continue;
            }
            server::Event::UserAddr(a) => {
                run.useraddr = Some(a);
                run.events.push(format!("useraddr {a}"));
            }
            server::Event::Transport(t) => {
                run.transport = Some(t.to_owned());
                run.events.push(format!("transport {t}"));
            }
            server::Event::Ignored(c) => run.events.push(format!("ignored {:#06x}", c.code())),
            server::Event::Decide {
                useraddr,
                transport,
            } => {
                assert_eq!(useraddr, run.useraddr);
                assert_eq!(transport, run.transport.is_some());
                run.decided = true;
                let mut out = Vec::new();
                let result = hs.decide(accept, &mut out);
                run.sent.extend_from_slice(&out);
                if let Err(e) = result {
                    run.error = Some(e);
                    break;
                }
            }
            server::Event::Done => {
                run.done = true;
                buf.drain(..consumed);
                for c in chunks.by_ref() {
                    buf.extend_from_slice(c);
                }
                run.leftover = buf;
                break;
            }
        }
        buf.drain(..consumed);
    }
    run
}

/// A client and a server talking through in-memory pipes, each side's output delivered in
/// pieces of `cut` bytes (0: whole). Returns the PT side's result (`Ok(true)`: OKAY seen,
/// `Ok(false)`: the connection ended first) and the tor side's run.
pub fn talk(
    client: client::Handshake<'_>,
    server_key: &AuthKey,
    server_nonce: [u8; 32],
    accept: bool,
    cut: usize,
) -> (Result<bool, Error>, ServerRun) {
    let mut pt = client;
    let mut tor = server::Handshake::new(server_key, server_nonce);
    let mut run = ServerRun::default();
    let (mut pt_in, mut tor_in): (Vec<u8>, Vec<u8>) = (Vec::new(), Vec::new());
    let (mut to_pt, mut to_tor): (Vec<u8>, Vec<u8>) = (Vec::new(), Vec::new());
    let deliver = |pipe: &mut Vec<u8>, inbuf: &mut Vec<u8>| {
        let n = if cut == 0 {
            pipe.len()
        } else {
            cut.min(pipe.len())
        };
        inbuf.extend(pipe.drain(..n));
        n > 0
    };
    let mut pt_result: Option<Result<bool, Error>> = None;
    let mut tor_over = false;
    loop {
        let mut progressed = false;
        while !tor_over {
            let mut out = Vec::new();
            let r = tor.advance(&tor_in, &mut out);
            progressed |= !out.is_empty();
            to_pt.extend_from_slice(&out);
            run.sent.extend_from_slice(&out);
            let p = match r {
                Err(e) => {
                    run.error = Some(e);
                    tor_over = true;
                    break;
                }
                Ok(p) => p,
            };
            let consumed = p.consumed;
            let need_input = p.event == server::Event::NeedInput;
            match p.event {
                server::Event::NeedInput => {}
                server::Event::UserAddr(a) => run.useraddr = Some(a),
                server::Event::Transport(t) => run.transport = Some(t.to_owned()),
                server::Event::Ignored(c) => run.events.push(format!("ignored {:#06x}", c.code())),
                server::Event::Decide { .. } => {
                    run.decided = true;
                    let mut out = Vec::new();
                    let r = tor.decide(accept, &mut out);
                    to_pt.extend_from_slice(&out);
                    run.sent.extend_from_slice(&out);
                    if let Err(e) = r {
                        run.error = Some(e);
                        tor_over = true;
                    }
                }
                server::Event::Done => {
                    run.done = true;
                    tor_over = true;
                }
            }
            tor_in.drain(..consumed);
            if need_input {
                break;
            }
            progressed = true;
        }
        progressed |= deliver(&mut to_pt, &mut pt_in);
        if pt_result.is_none() {
            let mut out = Vec::new();
            let r = pt.advance(&pt_in, &mut out);
            to_tor.extend_from_slice(&out);
            match r {
                Err(e) => pt_result = Some(Err(e)),
                Ok(p) => {
                    pt_in.drain(..p.consumed);
                    if p.event == client::Event::Done {
                        pt_result = Some(Ok(true));
                    }
                }
            }
        }
        progressed |= deliver(&mut to_tor, &mut tor_in);
        if matches!(pt_result, Some(Err(_))) || !progressed {
            break;
        }
    }
    (pt_result.unwrap_or(Ok(false)), run)
}
