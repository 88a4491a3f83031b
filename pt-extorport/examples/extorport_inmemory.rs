//! Both ends of the Extended ORPort over in-memory buffers: a server PT (the client machine)
//! authenticates to a stand-in for tor (the server machine), reports its client's address and
//! transport, and waits for OKAY before it relays the first bytes. A second run shows what
//! each side sees when the PT holds the wrong cookie.
//!
//! Both drivers follow the crate's one rule: after every call to `advance` or `decide`, send
//! whatever `out` holds, whatever the call returned, and only then act on the result.
//!
//! Run with `cargo run -p pt-extorport --example extorport_inmemory`.

use pt_extorport::{AuthKey, Cookie, Error, client, server};

/// One direction of a connection: bytes sent and not yet read.
#[derive(Default)]
struct Pipe(Vec<u8>);

/// What the stand-in for tor learnt.
#[derive(Debug, Default)]
struct TorView {
    useraddr: Option<std::net::SocketAddr>,
    transport: Option<String>,
    verdict: Option<Result<(), Error>>,
}

fn run(pt_key: &AuthKey, tor_key: &AuthKey) -> (Result<Vec<u8>, Error>, TorView) {
    // The nonces come from the caller's RNG; fixed here so the run is reproducible.
    let mut pt = client::Handshake::new(pt_key, [0x22; 32])
        .with_useraddr("203.0.113.9:51234".parse().unwrap())
        .with_transport("obfs4")
        .expect("a C identifier");
    let mut tor = server::Handshake::new(tor_key, [0x33; 32]);
    let (mut to_pt, mut to_tor) = (Pipe::default(), Pipe::default());
    let mut view = TorView::default();
    // Data the PT wants to relay once tor said OKAY (tor closes on data sent before that).
    let mut first_data = Some(b"\x16\x03\x01 OR-protocol bytes".to_vec());
    let mut pt_result = None;

    while pt_result.is_none() {
        // tor's turn: handle every event its input allows.
        while view.verdict.is_none() {
            let mut out = Vec::new();
            let result = tor.advance(&to_tor.0, &mut out);
            to_pt.0.extend_from_slice(&out); // send first...
            let p = match result {
                Ok(p) => p, // ...then act
                Err(e) => {
                    view.verdict = Some(Err(e)); // close
                    break;
                }
            };
            let consumed = p.consumed;
            let mut stop = false;
            match p.event {
                server::Event::NeedInput => stop = true,
                server::Event::UserAddr(a) => view.useraddr = Some(a),
                server::Event::Transport(t) => view.transport = Some(t.to_owned()),
                server::Event::Ignored(c) => println!("tor: ignoring command {:#06x}", c.code()),
                server::Event::Decide { .. } => {
                    let mut out = Vec::new();
                    let result = tor.decide(true, &mut out); // OKAY
                    to_pt.0.extend_from_slice(&out);
                    if let Err(e) = result {
                        view.verdict = Some(Err(e));
                    }
                }
                server::Event::Done => {
                    view.verdict = Some(Ok(()));
                    stop = true;
                }
            }
            to_tor.0.drain(..consumed);
            if stop {
                break;
            }
        }
        // The PT's turn.
        let mut out = Vec::new();
        let result = pt.advance(&to_pt.0, &mut out);
        to_tor.0.extend_from_slice(&out);
        match result {
            Err(e) => pt_result = Some(Err(e)), // close
            Ok(p) => {
                to_pt.0.drain(..p.consumed);
                if p.event == client::Event::Done {
                    // Only now may the PT relay.
                    let data = first_data.take().unwrap_or_default();
                    to_tor.0.extend_from_slice(&data);
                    pt_result = Some(Ok(data));
                } else if out.is_empty() && view.verdict.is_some() {
                    // tor closed and the PT has nothing more to read: EOF.
                    pt_result = Some(Ok(Vec::new()));
                }
            }
        }
    }
    // What arrived at tor after OKAY is OR-protocol data, for tor's relay loop.
    if view.verdict == Some(Ok(())) {
        println!("tor: {} bytes of OR data after OKAY", to_tor.0.len());
    }
    (pt_result.unwrap_or(Ok(Vec::new())), view)
}

fn main() {
    // tor writes the cookie file; the PT reads it (from TOR_PT_AUTH_COOKIE_FILE).
    let file = Cookie::new([0x5a; 32]).to_file();
    let key = Cookie::from_file(&file[..])
        .expect("a 64-byte cookie file")
        .key();

    let (pt, tor) = run(&key, &key);
    println!("good cookie: PT {pt:?}\n             tor {tor:?}");
    assert_eq!(tor.transport.as_deref(), Some("obfs4"));
    assert_eq!(tor.useraddr, Some("203.0.113.9:51234".parse().unwrap()));
    assert!(pt.is_ok());

    let wrong = Cookie::new([0xa5; 32]).key();
    let (pt, tor) = run(&wrong, &key);
    println!("wrong cookie: PT {pt:?}\n              tor {tor:?}");
    // The PT sees that tor's hash is wrong and stops before it sends its own.
    assert_eq!(pt, Err(Error::ServerHashMismatch));
}
