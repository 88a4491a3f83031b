//! A blocking SOCKS server handshake over any `Read + Write` stream, driving
//! [`pt_socks::server::Handshake`].

use std::io::{self, Read, Write};

use pt_args::Args;
use pt_socks::server::{Credentials, Event, Handshake, Policy};
use pt_socks::socks5::ReplyCode;
use pt_socks::{Target, Version};

/// What a client sent during one SOCKS handshake.
#[derive(Debug)]
pub struct Accepted {
    /// SOCKS4 (or 4a) or SOCKS5.
    pub version: Version,
    /// The RFC 1929 UNAME, or the SOCKS4 USERID; `None` if the client sent no credentials.
    pub uname: Option<Vec<u8>>,
    /// The RFC 1929 PASSWD (`None` for SOCKS4 or no credentials).
    pub passwd: Option<Vec<u8>>,
    /// The PT arguments carried in the credentials, or why they did not parse.
    pub args: Result<Args<'static>, pt_args::Error>,
    /// Where the client asked to connect.
    pub target: Target<'static>,
    /// Bytes the client sent after its request (pipelined application data).
    pub leftover: Vec<u8>,
}

/// Runs the server side of a SOCKS handshake on `stream`.
///
/// Credentials are accepted when their PT arguments parse (an empty set is fine); `connect`
/// is called with the target and returns the reply code to send. Returns what the client sent
/// once the reply is written; bytes read past the request are in [`Accepted::leftover`].
pub fn accept<S: Read + Write>(
    stream: &mut S,
    policy: Policy,
    connect: impl FnOnce(&Target<'_>) -> ReplyCode,
) -> io::Result<Accepted> {
    let mut hs = Handshake::new(policy);
    let mut inbuf: Vec<u8> = Vec::with_capacity(1024);
    let mut out: Vec<u8> = Vec::with_capacity(64);
    let mut chunk = [0u8; 4096];
    let mut uname = None;
    let mut passwd = None;
    let mut args = Ok(Args::new());
    let mut connect = Some(connect);
    let mut version = Version::Socks5;
    let mut target = None;
    loop {
        let step = hs.advance(&inbuf, &mut out);
        stream.write_all(&out)?;
        out.clear();
        let progress = step.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        match progress.event {
            Event::NeedInput => {
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                inbuf.drain(..progress.consumed);
                inbuf.extend_from_slice(&chunk[..n]);
                continue;
            }
            Event::Credentials(c) => {
                match c {
                    Credentials::UserPass(up) => {
                        uname = Some(up.uname.to_vec());
                        passwd = Some(up.passwd.to_vec());
                    }
                    Credentials::UserId(id) => uname = Some(id.to_vec()),
                    Credentials::Json(_) => {}
                }
                args = c
                    .pt_args(pt_args::socks::Config::LENIENT)
                    .map(|a| a.unwrap_or_default().into_owned());
                // Send the answer (`01 00` or the refusal) before acting on the result.
                let decided = hs.decide(args.is_ok(), &mut out);
                stream.write_all(&out)?;
                out.clear();
                decided.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            }
            Event::Request(req) => {
                version = req.version;
                let code = connect
                    .take()
                    .map_or(ReplyCode::GENERAL_FAILURE, |f| f(&req.target));
                target = Some(req.target.into_owned());
                let replied = hs.reply(code, None, &mut out);
                stream.write_all(&out)?;
                out.clear();
                replied.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            }
            Event::Done => {
                stream.write_all(&out)?;
                let leftover = inbuf[progress.consumed..].to_vec();
                let target =
                    target.ok_or_else(|| io::Error::other("handshake done without a request"))?;
                return Ok(Accepted {
                    version,
                    uname,
                    passwd,
                    args,
                    target,
                    leftover,
                });
            }
        }
        inbuf.drain(..progress.consumed);
        stream.write_all(&out)?;
        out.clear();
    }
}

/// Runs the client side of a SOCKS CONNECT handshake on `stream`.
///
/// Returns the bound address the proxy reported and any bytes that arrived after its reply
/// (the tunnel's first data).
pub fn connect<S: Read + Write>(
    stream: &mut S,
    version: Version,
    target: Target<'_>,
    auth: pt_socks::client::Auth<'_>,
) -> io::Result<(Target<'static>, Vec<u8>)> {
    use pt_socks::client::{Event, Handshake};
    let invalid = |e: pt_socks::Error| io::Error::new(io::ErrorKind::InvalidData, e);
    let mut hs = Handshake::new(version, target, auth).map_err(invalid)?;
    let mut inbuf: Vec<u8> = Vec::with_capacity(512);
    let mut out: Vec<u8> = Vec::with_capacity(512);
    let mut chunk = [0u8; 4096];
    loop {
        let step = hs.advance(&inbuf, &mut out);
        stream.write_all(&out)?;
        out.clear();
        let progress = step.map_err(invalid)?;
        match progress.event {
            Event::NeedInput => {
                inbuf.drain(..progress.consumed);
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                inbuf.extend_from_slice(&chunk[..n]);
            }
            Event::Connected(bound) => {
                let bound = bound.into_owned();
                return Ok((bound, inbuf[progress.consumed..].to_vec()));
            }
        }
    }
}
