//! HTTP CONNECT client codec, for a PT behind `TOR_PT_PROXY=http://[user:pass@]host:port`.
//!
//! The request is `CONNECT host:port HTTP/1.1`, a `Host` header and, when the proxy URL has a
//! userinfo, `Proxy-Authorization: Basic base64(user:pass)` (tor puts the userinfo in
//! `TOR_PT_PROXY` raw, not percent-encoded). The response head, status line and headers up to
//! the blank line, is read with a size cap; a 2xx status is success and anything else fails
//! closed with [`Error::HttpStatus`], as a PT must. Bytes after the head are tunnel data.
//!
//! ```
//! use pt_socks::http::{BasicAuth, Event, Handshake};
//! use pt_socks::Target;
//!
//! let target = Target::domain("bridge.example", 443)?;
//! let auth = BasicAuth { user: b"bob", pass: b"pa:ss" };
//! let mut hs = Handshake::new(target, Some(auth))?;
//! let mut out = Vec::new();
//! assert_eq!(hs.advance(b"", &mut out)?.event, Event::NeedInput);
//! assert_eq!(out, b"CONNECT bridge.example:443 HTTP/1.1\r\nHost: bridge.example:443\r\n\
//!                   Proxy-Authorization: Basic Ym9iOnBhOnNz\r\n\r\n");
//! let reply = b"HTTP/1.1 200 Connection established\r\nVia: x\r\n\r\n\x16\x03";
//! let p = hs.advance(reply, &mut out)?;
//! let Event::Connected(resp) = p.event else { unreachable!() };
//! assert_eq!((resp.status, resp.reason), (200, &b"Connection established"[..]));
//! assert_eq!(&reply[p.consumed..], b"\x16\x03");
//! # Ok::<(), pt_socks::Error>(())
//! ```

use bytes::BufMut;
use core::fmt::{self, Write};

use crate::util::check_room;
use crate::{Encode, Error, Parse, Parsed, Progress, Target};

/// The default cap on the response head: 16 KiB.
pub const DEFAULT_MAX_HEAD: usize = 16 * 1024;

/// Basic proxy credentials (the userinfo of the proxy URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BasicAuth<'a> {
    /// The user name (no `:`; the first `:` of the userinfo ends it).
    pub user: &'a [u8],
    /// The password (may contain `:`).
    pub pass: &'a [u8],
}

impl<'a> BasicAuth<'a> {
    /// Splits a raw userinfo (`user:pass`, or `user` alone) at its first `:`.
    pub fn from_userinfo(userinfo: &'a [u8]) -> Self {
        match userinfo.iter().position(|&b| b == b':') {
            Some(i) => BasicAuth {
                user: userinfo.get(..i).unwrap_or_default(),
                pass: userinfo.get(i + 1..).unwrap_or_default(),
            },
            None => BasicAuth {
                user: userinfo,
                pass: b"",
            },
        }
    }

    fn plain_len(&self) -> usize {
        self.user.len() + 1 + self.pass.len()
    }
}

/// A CONNECT request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectRequest<'a> {
    /// Where the proxy should connect. A domain must be printable ASCII with no space.
    pub target: Target<'a>,
    /// Credentials for `Proxy-Authorization: Basic`.
    pub auth: Option<BasicAuth<'a>>,
}

struct Count(usize);

impl Write for Count {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

struct Put<'b, B>(&'b mut B);

impl<B: BufMut> Write for Put<'_, B> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.put_slice(s.as_bytes());
        Ok(())
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn put_base64<B: BufMut>(buf: &mut B, auth: &BasicAuth<'_>) {
    let mut bytes = auth
        .user
        .iter()
        .chain(b":")
        .chain(auth.pass.iter())
        .copied();
    while let (Some(a), b, c) = (bytes.next(), bytes.next(), bytes.next()) {
        let n = u32::from(a) << 16 | u32::from(b.unwrap_or(0)) << 8 | u32::from(c.unwrap_or(0));
        let sym = |shift: u32| B64[(n >> shift & 63) as usize];
        buf.put_slice(&[sym(18), sym(12)]);
        buf.put_u8(if b.is_some() { sym(6) } else { b'=' });
        buf.put_u8(if c.is_some() { sym(0) } else { b'=' });
        if c.is_none() {
            break;
        }
    }
}

fn check_target(target: &Target<'_>) -> Result<(), Error> {
    match target {
        Target::Domain(d, _) if !d.as_bytes().iter().all(|b| b.is_ascii_graphic()) => {
            Err(Error::Unencodable {
                what: "a CONNECT host that is not printable ASCII",
            })
        }
        _ => Ok(()),
    }
}

impl ConnectRequest<'_> {
    fn write_authority<W: Write>(&self, w: &mut W) -> fmt::Result {
        match &self.target {
            Target::Ip(a) => write!(w, "{a}"),
            Target::Domain(d, p) => write!(w, "{}:{p}", d.as_str().unwrap_or_default()),
        }
    }

    fn authority_len(&self) -> usize {
        let mut c = Count(0);
        let _ = self.write_authority(&mut c);
        c.0
    }
}

impl Encode for ConnectRequest<'_> {
    fn encoded_len(&self) -> usize {
        let a = self.authority_len();
        let auth = self.auth.map_or(0, |au| {
            "Proxy-Authorization: Basic \r\n".len() + au.plain_len().div_ceil(3) * 4
        });
        "CONNECT  HTTP/1.1\r\nHost: \r\n\r\n".len() + 2 * a + auth
    }

    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        check_target(&self.target)?;
        let len = self.encoded_len();
        check_room(buf, len)?;
        let mut w = Put(buf);
        let _ = w.write_str("CONNECT ");
        let _ = self.write_authority(&mut w);
        let _ = w.write_str(" HTTP/1.1\r\nHost: ");
        let _ = self.write_authority(&mut w);
        let _ = w.write_str("\r\n");
        if let Some(auth) = &self.auth {
            let _ = w.write_str("Proxy-Authorization: Basic ");
            put_base64(w.0, auth);
            let _ = w.write_str("\r\n");
        }
        let _ = w.write_str("\r\n");
        Ok(len)
    }
}

/// An HTTP response head, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response<'a> {
    /// The minor version of `HTTP/1.x`.
    pub minor_version: u8,
    /// The status code.
    pub status: u16,
    /// The reason phrase (may be empty).
    pub reason: &'a [u8],
    /// The header lines, each ending in LF or CRLF, without the blank line.
    pub header_block: &'a [u8],
}

impl<'a> Response<'a> {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The headers as `(name, value)`, values trimmed of spaces and tabs.
    pub fn headers(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        self.header_block
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .filter(|l| !l.is_empty())
            .map(|l| match l.iter().position(|&b| b == b':') {
                Some(i) => (
                    l.get(..i).unwrap_or_default(),
                    l.get(i + 1..).unwrap_or_default().trim_ascii(),
                ),
                None => (l, &[][..]),
            })
    }

    /// Parses a complete head (`head` ends with the blank line).
    fn from_head(head: &'a [u8]) -> Result<Self, Error> {
        let bad = |offset| Error::HttpMalformed { offset };
        let line_end = head.iter().position(|&b| b == b'\n').ok_or(bad(0))?;
        let line = head.get(..line_end).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let rest = line.strip_prefix(b"HTTP/1.").ok_or(bad(0))?;
        let (minor, rest) = match rest {
            [m @ b'0'..=b'9', b' ', rest @ ..] => (m - b'0', rest),
            _ => return Err(bad(7)),
        };
        let (status, reason) = match rest {
            [a @ b'0'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9', tail @ ..] => {
                let status =
                    u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0');
                match tail {
                    [] => (status, &[][..]),
                    [b' ', reason @ ..] => (status, reason),
                    _ => return Err(bad(12)),
                }
            }
            _ => return Err(bad(9)),
        };
        let block_start = line_end + 1;
        let block = head.get(block_start..).unwrap_or_default();
        // Drop the blank line.
        let block = block.strip_suffix(b"\n").unwrap_or(block);
        let block = block.strip_suffix(b"\r").unwrap_or(block);
        let mut at = block_start;
        for l in block.split(|&b| b == b'\n') {
            let t = l.strip_suffix(b"\r").unwrap_or(l);
            if !t.is_empty() && !t.contains(&b':') {
                return Err(bad(at));
            }
            at += l.len() + 1;
        }
        Ok(Response {
            minor_version: minor,
            status,
            reason,
            header_block: block,
        })
    }
}

/// Where the blank line ends the head, scanning from `from` with the current line starting at
/// `line_start`; `Err((scan, line_start))` to resume from when not found.
fn find_head_end(
    input: &[u8],
    from: usize,
    mut line_start: usize,
) -> Result<usize, (usize, usize)> {
    let tail = input.get(from..).unwrap_or_default();
    for (i, &b) in tail.iter().enumerate() {
        if b == b'\n' {
            let at = from + i;
            let line = input.get(line_start..at).unwrap_or_default();
            if line_start > 0 && (line.is_empty() || line == b"\r") {
                return Ok(at + 1);
            }
            line_start = at + 1;
        }
    }
    Err((input.len().max(from), line_start))
}

impl<'a> Parse<'a> for Response<'a> {
    /// Parses a response head; `len` is where the tunnel data starts. Uncapped: the
    /// [`Handshake`] caps the head and scans incrementally.
    fn parse(input: &'a [u8]) -> Result<Parsed<Self>, Error> {
        match find_head_end(input, 0, 0) {
            Ok(end) => Ok(Parsed::Complete {
                value: Response::from_head(input.get(..end).unwrap_or_default())?,
                len: end,
            }),
            Err(_) => Ok(Parsed::need(input.len() + 1, input.len())),
        }
    }
}

/// What the caller must do after [`Handshake::advance`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<'i> {
    /// Send what was written to `out`, then call again with more bytes.
    NeedInput,
    /// The proxy answered 2xx; the input after the consumed bytes is tunnel data.
    Connected(Response<'i>),
}

/// The HTTP CONNECT client handshake.
#[derive(Clone, Debug)]
pub struct Handshake<'c> {
    request: ConnectRequest<'c>,
    max_head: usize,
    sent: bool,
    done: bool,
    failed: bool,
    scan: usize,
    line_start: usize,
}

impl<'c> Handshake<'c> {
    /// A CONNECT to `target`, with Basic credentials if given, and a head cap of
    /// [`DEFAULT_MAX_HEAD`].
    pub fn new(target: Target<'c>, auth: Option<BasicAuth<'c>>) -> Result<Self, Error> {
        let request = ConnectRequest { target, auth };
        check_target(&request.target)?;
        Ok(Handshake {
            request,
            max_head: DEFAULT_MAX_HEAD,
            sent: false,
            done: false,
            failed: false,
            scan: 0,
            line_start: 0,
        })
    }

    /// Sets the cap on the response head.
    pub fn with_max_head(mut self, max_head: usize) -> Self {
        self.max_head = max_head;
        self
    }

    /// The request this handshake sends.
    pub fn request(&self) -> &ConnectRequest<'c> {
        &self.request
    }

    /// Writes the request on the first call, then reads the response head from `input` (every
    /// unconsumed byte received). Scans only bytes it has not seen. A non-2xx status fails
    /// with [`Error::HttpStatus`].
    pub fn advance<'i, B: BufMut>(
        &mut self,
        input: &'i [u8],
        out: &mut B,
    ) -> Result<Progress<Event<'i>>, Error> {
        if self.failed {
            return Err(Error::Failed);
        }
        if self.done {
            return Err(Error::NotPending {
                expected: "advance (the proxy already connected)",
            });
        }
        if !self.sent {
            self.request.encode(out)?;
            self.sent = true;
        }
        let result = match find_head_end(input, self.scan, self.line_start) {
            Ok(end) if end > self.max_head => Err(Error::HttpHeadTooLong { max: self.max_head }),
            Ok(end) => Response::from_head(input.get(..end).unwrap_or_default()).and_then(|r| {
                if r.is_success() {
                    Ok(Progress {
                        consumed: end,
                        event: Event::Connected(r),
                    })
                } else {
                    Err(Error::HttpStatus { status: r.status })
                }
            }),
            Err((scan, line_start)) if scan > self.max_head => {
                let _ = line_start;
                Err(Error::HttpHeadTooLong { max: self.max_head })
            }
            Err((scan, line_start)) => {
                self.scan = scan;
                self.line_start = line_start;
                return Ok(Progress {
                    consumed: 0,
                    event: Event::NeedInput,
                });
            }
        };
        match &result {
            Ok(_) => self.done = true,
            Err(_) => self.failed = true,
        }
        result
    }
}
