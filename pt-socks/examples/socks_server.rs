//! A SOCKS5 server handshake over an in-memory buffer, fed as tor sends it (one small write
//! per field, as in `testdata/tor-client/main/socks/fake5-127.0.0.1_9.hex`), with an
//! in-memory client on the other side for the second run.
//!
//! Both drivers follow the rule of the `pt_socks::server` module docs: after every call to
//! `advance`, `decide` or `reply`, send whatever `out` holds, whatever the call returned, and
//! only then act on the result. An error's reply (`05 FF`, `01 01`, ...) is in `out` when the
//! error is returned, so a `?` straight on the call would never send it.
//!
//! Run with `cargo run -p pt-socks --example socks_server`.

use pt_socks::client::{self, Auth};
use pt_socks::server::{Credentials, Event, Handshake, MAX_REPLY_OUTPUT, Policy};
use pt_socks::socks5::ReplyCode;
use pt_socks::{Target, Version};

/// Stands for the socket: everything "sent" to the client.
#[derive(Default)]
struct Wire {
    sent: Vec<u8>,
}

impl Wire {
    /// Sends what one call wrote into `out` (the first `MAX_REPLY_OUTPUT - room_left` bytes of
    /// the stack buffer).
    fn send(&mut self, buf: &[u8; MAX_REPLY_OUTPUT], room_left: usize) {
        self.sent
            .extend_from_slice(&buf[..MAX_REPLY_OUTPUT - room_left]);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The bytes tor wrote, chunk by chunk, followed by the TLS ClientHello. The replies are
    //    written into a fixed stack buffer of MAX_REPLY_OUTPUT bytes (the most any one call
    //    writes), sent after every call.
    let chunks: [&[u8]; 12] = [
        b"\x05",
        b"\x02",
        b"\x00\x02",
        b"\x01",
        b"\x3f",
        br"key=value;shared-secret=x\;y;arg-with-equals=a=b;backslash=c\\d",
        b"\x01",
        b"\x00",
        b"\x05\x01\x00\x01",
        b"\x7f\x00\x00\x01",
        b"\x00\x09",
        b"\x16\x03\x01\x02\x00",
    ];
    let mut hs = Handshake::new(Policy::default());
    let mut inbuf: Vec<u8> = Vec::new();
    let mut wire = Wire::default();
    let mut chunks = chunks.iter();
    loop {
        let mut buf = [0u8; MAX_REPLY_OUTPUT];
        let mut out: &mut [u8] = &mut buf;
        let result = hs.advance(&inbuf, &mut out);
        let left = out.len();
        wire.send(&buf, left); // first send, whatever `advance` returned ...
        let p = result?; // ... then act on it: an error's reply has been sent, so close
        let consumed = p.consumed;
        let mut buf = [0u8; MAX_REPLY_OUTPUT];
        let mut out: &mut [u8] = &mut buf;
        match p.event {
            Event::NeedInput => match chunks.next() {
                Some(c) => inbuf.extend_from_slice(c),
                None => break,
            },
            Event::Credentials(c) => {
                let args = match c {
                    Credentials::UserPass(_) => c.pt_args(pt_args::socks::Config::LENIENT),
                    _ => Ok(None),
                };
                if let Ok(Some(args)) = &args {
                    for (k, v) in args {
                        let text = |b| String::from_utf8_lossy(b).into_owned();
                        println!("arg {} = {}", text(k), text(v));
                    }
                }
                // Refusing writes `01 01` and fails: it is sent before the error is acted on.
                let result = hs.decide(args.is_ok(), &mut out);
                let left = out.len();
                wire.send(&buf, left);
                result?;
            }
            Event::Request(req) => {
                println!("{} {:?} to {}", req.version, req.command, req.target);
                let result = hs.reply(ReplyCode::SUCCEEDED, None, &mut out);
                let left = out.len();
                wire.send(&buf, left); // the success reply goes out before any relayed byte
                result?;
            }
            Event::Done => {
                // Everything `out` held has been sent; relay from here.
                inbuf.drain(..consumed);
                inbuf.extend(chunks.by_ref().flat_map(|c| c.iter()));
                break;
            }
        }
        inbuf.drain(..consumed);
    }
    println!("sent {:02x?}", wire.sent);
    println!("application data: {inbuf:02x?}");
    assert_eq!(wire.sent, [5, 2, 1, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0]);

    // 2. Our client against our server, the args split tor's way. Each side's `out` is the
    //    other side's input, so what a call wrote is "sent" as soon as it returns, errors
    //    included: a refusal reaches the client even when the server's call fails.
    let args = b"cert=AAAA;iat-mode=0";
    let auth = Auth::from_pt_args(args, Version::Socks5)?;
    let mut c = client::Handshake::new(Version::Socks5, Target::domain("example.com", 443)?, auth)?;
    let mut s = Handshake::new(Policy::default());
    let (mut to_server, mut to_client) = (Vec::new(), Vec::new());
    loop {
        let p = c.advance(&to_client, &mut to_server)?;
        if let client::Event::Connected(bound) = p.event {
            println!("client connected, bound {bound}");
            break;
        }
        to_client.drain(..p.consumed);
        let p = match s.advance(&to_server, &mut to_client) {
            Ok(p) => p,
            Err(e) => {
                // The reply is already in `to_client`: let the client read it, then stop.
                println!("server failed ({e}); the client reads {:02x?}", e.reply());
                let _ = c.advance(&to_client, &mut to_server);
                return Err(e.into());
            }
        };
        let consumed = p.consumed;
        let answered = match p.event {
            Event::Credentials(_) => s.decide(true, &mut to_client),
            Event::Request(_) => s.reply(ReplyCode::SUCCEEDED, None, &mut to_client),
            Event::NeedInput | Event::Done => Ok(()),
        };
        to_server.drain(..consumed);
        if let Err(e) = answered {
            let _ = c.advance(&to_client, &mut to_server);
            return Err(e.into());
        }
    }
    Ok(())
}
