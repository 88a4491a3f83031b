//! The PT side of the Extended ORPort over a blocking `Read + Write` stream (a
//! `std::net::TcpStream` to `TOR_PT_EXTENDED_SERVER_PORT`), driving
//! [`pt_extorport::client::Handshake`].
//!
//! The driver follows the crate's one rule: after every call to `advance`, it sends what the
//! machine wrote, whatever the call returned, and only then acts on the result.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::path::Path;

use pt_extorport::{AuthKey, Cookie, client};

/// Why the handshake did not end with OKAY.
#[derive(Debug)]
pub enum DriveError {
    /// Reading or writing the stream failed.
    Io(io::Error),
    /// The machine failed (a wrong server hash, a refused authentication, DENY, ...): the
    /// driver closes.
    Protocol(pt_extorport::Error),
    /// tor closed the connection before OKAY, after `received` bytes that the machine read
    /// without failing.
    Closed {
        /// Bytes received in all.
        received: usize,
    },
}

impl From<io::Error> for DriveError {
    fn from(e: io::Error) -> Self {
        DriveError::Io(e)
    }
}

/// What tor and the PT sent in a handshake that ended with OKAY.
#[derive(Debug)]
pub struct Authenticated {
    /// Every byte the PT sent.
    pub sent: Vec<u8>,
    /// Every byte tor sent up to and including OKAY.
    pub received: Vec<u8>,
    /// Bytes tor sent after OKAY (OR-protocol data for the relay loop).
    pub leftover: Vec<u8>,
}

/// Reads the cookie file at `path` (tor's `TOR_PT_AUTH_COOKIE_FILE`). Re-read it for every
/// connection, as goptlib does: tor may write it after the PT started.
pub fn read_cookie(path: &Path) -> Result<Cookie, DriveError> {
    let file = std::fs::read(path)?;
    Cookie::from_file(&file).map_err(DriveError::Protocol)
}

/// 32 random bytes from the operating system, for a nonce.
pub fn random_nonce() -> io::Result<[u8; 32]> {
    let mut nonce = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut nonce)?;
    Ok(nonce)
}

/// Authenticates to tor's Extended ORPort on `stream` with `key`, sends `useraddr` and
/// `transport` (when given) and DONE, and waits for OKAY.
pub fn connect<S: Read + Write>(
    stream: &mut S,
    key: &AuthKey,
    client_nonce: [u8; 32],
    useraddr: Option<SocketAddr>,
    transport: Option<&str>,
) -> Result<Authenticated, DriveError> {
    let mut hs = client::Handshake::new(key, client_nonce);
    if let Some(addr) = useraddr {
        hs = hs.with_useraddr(addr);
    }
    if let Some(name) = transport {
        hs = hs.with_transport(name).map_err(DriveError::Protocol)?;
    }
    let mut inbuf: Vec<u8> = Vec::with_capacity(256);
    let mut out: Vec<u8> = Vec::with_capacity(hs.max_output());
    let (mut sent, mut received) = (Vec::new(), Vec::new());
    let mut chunk = [0u8; 4096];
    loop {
        let result = hs.advance(&inbuf, &mut out);
        // 1. Send what the machine wrote, whatever it returned.
        if !out.is_empty() {
            stream.write_all(&out)?;
            stream.flush()?;
            sent.append(&mut out);
        }
        // 2. Then act on the result.
        let p = result.map_err(DriveError::Protocol)?;
        match p.event {
            client::Event::NeedInput => {
                inbuf.drain(..p.consumed);
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    return Err(DriveError::Closed {
                        received: received.len(),
                    });
                }
                received.extend_from_slice(&chunk[..n]);
                inbuf.extend_from_slice(&chunk[..n]);
            }
            client::Event::Done => {
                let leftover = inbuf.split_off(p.consumed);
                received.truncate(received.len() - leftover.len());
                return Ok(Authenticated {
                    sent,
                    received,
                    leftover,
                });
            }
        }
    }
}
