//! A SOCKS5 server handshake over an in-memory buffer, fed as tor sends it (one small write
//! per field, as in `testdata/tor-client/main/socks/fake5-127.0.0.1_9.hex`), with an
//! in-memory client on the other side for the second run.
//!
//! Run with `cargo run -p pt-socks --example socks_server`.

use pt_socks::client::{self, Auth};
use pt_socks::server::{Credentials, Event, Handshake, Policy};
use pt_socks::socks5::ReplyCode;
use pt_socks::{Target, Version};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The bytes tor wrote, chunk by chunk, followed by the TLS ClientHello.
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
    let mut out = Vec::new();
    let mut chunks = chunks.iter();
    loop {
        let p = hs.advance(&inbuf, &mut out)?;
        let consumed = p.consumed;
        match p.event {
            Event::NeedInput => match chunks.next() {
                Some(c) => inbuf.extend_from_slice(c),
                None => break,
            },
            Event::Credentials(c) => {
                if let Credentials::UserPass(_) = c {
                    let args = c
                        .pt_args(pt_args::socks::Policy::Lenient)?
                        .unwrap_or_default();
                    for (k, v) in &args {
                        println!("arg {k} = {v}");
                    }
                }
                hs.decide(true, &mut out)?;
            }
            Event::Request(req) => {
                println!("{} {:?} to {}", req.version, req.command, req.target);
                hs.reply(ReplyCode::SUCCEEDED, None, &mut out)?;
            }
            Event::Done => {
                inbuf.drain(..consumed);
                inbuf.extend(chunks.by_ref().flat_map(|c| c.iter()));
                break;
            }
        }
        inbuf.drain(..consumed);
    }
    println!("sent {out:02x?}");
    println!("application data: {inbuf:02x?}");
    assert_eq!(out, [5, 2, 1, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0]);

    // 2. Our client against our server, the args split tor's way.
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
        let p = s.advance(&to_server, &mut to_client)?;
        let consumed = p.consumed;
        match p.event {
            Event::Credentials(_) => s.decide(true, &mut to_client)?,
            Event::Request(_) => s.reply(ReplyCode::SUCCEEDED, None, &mut to_client)?,
            Event::NeedInput | Event::Done => {}
        }
        to_server.drain(..consumed);
    }
    Ok(())
}
