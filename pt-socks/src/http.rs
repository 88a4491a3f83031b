//! HTTP CONNECT client codec, for a PT behind `TOR_PT_PROXY=http://[user:pass@]host:port`.
//!
//! The request is `CONNECT host:port HTTP/1.1` and a `Host` header (the authority form of
//! [RFC 9110 section 9.3.6](https://www.rfc-editor.org/rfc/rfc9110#section-9.3.6)) and, when
//! the proxy URL has a userinfo, `Proxy-Authorization: Basic base64(user:pass)` (the Basic
//! scheme of [RFC 7617](https://www.rfc-editor.org/rfc/rfc7617)). tor puts the userinfo in
//! `TOR_PT_PROXY` raw, not percent-encoded (behaviours: `http-proxy-userinfo-raw`). The
//! [`base64`] crate does the encoding, through a small stack buffer into the caller's
//! `BufMut`, so long credentials cost no allocation.
//!
//! The response head, status line and header lines up to the blank line, is read with a size
//! cap ([`DEFAULT_MAX_HEAD`], or [`Handshake::with_max_head`]); a 2xx status is success and
//! anything else fails closed with [`Error::HttpStatus`], as a PT must (by RFC 9110 section
//! 9.3.6 only a 2xx response means that the proxy switched to tunnel mode). Bytes after the
//! head are tunnel data.
//!
//! The head is found by a `memchr` scan for the blank line (`CRLF CRLF`, or with a bare `LF`
//! ending either line, which RFC 9112 section 2.2 lets a recipient accept). The scan resumes
//! where the last call stopped, so a head that arrives one byte at a time costs O(n) in all,
//! and only a complete head is parsed, by the [`httparse`] crate (zero-copy, no allocation): in
//! one call when it has at most 64 header lines, else (and to find the line at fault) the
//! status line and then each header line on its own, so the number of header lines is bounded
//! by the size cap only. httparse follows the grammar of
//! [RFC 9112 sections 4 and 5](https://www.rfc-editor.org/rfc/rfc9112#section-4): the version
//! must be `HTTP/1.0` or `HTTP/1.1`, the status three digits, the reason phrase and field values
//! free of control bytes other than HTAB, a field name a token directly followed by `:`, and a
//! CR only before an LF. Anything else is [`Error::HttpMalformed`] with the offset of the field
//! (status line) or header line at fault: `HTTP/1.2` to `HTTP/1.9`, a control byte or lone CR
//! in the reason phrase or a field value, a field name that is not a token or is followed by
//! whitespace, and obs-fold continuation lines. Go's `net/http`, which obfs4proxy's HTTP proxy
//! client uses, accepts some of these (behaviours: `http-connect-response-strictness`).
//! [`Response::reason`] and [`Response::header_block`] are the raw bytes of the input.
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

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::BufMut;
use core::fmt::{self, Write};
use core::mem::MaybeUninit;

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

/// How many bytes of `user:pass` go into one [`base64::Engine::encode_slice`] call: a multiple
/// of 3, so that only the last chunk can end in `=` padding.
const PLAIN_CHUNK: usize = 96;

/// Writes `base64(user ":" pass)` (standard alphabet, padded, as RFC 7617 section 2 asks) in
/// chunks through a stack buffer: no allocation, whatever the length.
fn put_base64<B: BufMut>(buf: &mut B, auth: &BasicAuth<'_>) {
    fn flush<B: BufMut>(buf: &mut B, plain: &[u8]) {
        let mut encoded = [0u8; PLAIN_CHUNK / 3 * 4];
        // Cannot fail: `encoded` has room for the encoding of PLAIN_CHUNK bytes.
        if let Ok(n) = STANDARD.encode_slice(plain, &mut encoded) {
            buf.put_slice(encoded.get(..n).unwrap_or_default());
        }
    }
    let mut plain = [0u8; PLAIN_CHUNK];
    let mut filled = 0;
    for mut part in [auth.user, b":", auth.pass] {
        while !part.is_empty() {
            let room = plain.get_mut(filled..).unwrap_or_default();
            let n = part.len().min(room.len());
            let (now, later) = part.split_at(n);
            room.get_mut(..n).unwrap_or_default().copy_from_slice(now);
            part = later;
            filled += n;
            if filled == PLAIN_CHUNK {
                flush(buf, &plain);
                filled = 0;
            }
        }
    }
    if filled > 0 {
        flush(buf, plain.get(..filled).unwrap_or_default());
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

    /// Parses a complete head (`head` ends with the blank line, as [`find_head_end`] found it).
    fn from_head(head: &'a [u8]) -> Result<Self, Error> {
        let status_end = memchr::memchr(b'\n', head).map_or(head.len(), |i| i + 1);
        let (minor_version, status) = match parse_whole(head) {
            Some(parsed) => parsed,
            None => parse_by_line(head, status_end)?,
        };
        // httparse checked the layout `HTTP/1.x SSS[ reason]`: the reason is what follows the
        // space at byte 12, raw (httparse gives an empty one for obs-text).
        let line = head.get(..status_end).unwrap_or_default();
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let reason = line.get(13..).unwrap_or_default();
        // The header lines, each ending in LF, without the blank line.
        let block = head.get(status_end..).unwrap_or_default();
        let block = block.strip_suffix(b"\n").unwrap_or(block);
        let block = block.strip_suffix(b"\r").unwrap_or(block);
        Ok(Response {
            minor_version,
            status,
            reason,
            header_block: block,
        })
    }
}

/// How many header lines the one-call parse of a head ([`parse_whole`]) has room for. A head
/// with more is parsed line by line ([`parse_by_line`]) instead: the number of header lines is
/// bounded by the size cap only, never by this.
const HEADER_SLOTS: usize = 64;

/// The usual case: the whole head in one [`httparse`] call, with [`HEADER_SLOTS`] uninitialised
/// header slots. `None` when httparse rejects it or it has more headers than slots; then
/// [`parse_by_line`] decides, and says where the fault is (httparse gives no offset).
fn parse_whole(head: &[u8]) -> Option<(u8, u16)> {
    // httparse skips empty lines before the status line; a head must start with it.
    if matches!(head.first(), Some(b'\r' | b'\n')) {
        return None;
    }
    let mut slots = [MaybeUninit::uninit(); HEADER_SLOTS];
    let mut response = httparse::Response::new(&mut []);
    let parsed = httparse::ParserConfig::default().parse_response_with_uninit_headers(
        &mut response,
        head,
        &mut slots,
    );
    match parsed {
        Ok(httparse::Status::Complete(len)) if len == head.len() => {
            Some((response.version?, response.code?))
        }
        _ => None,
    }
}

/// The head parsed piece by piece with [`httparse`]: the status line with its response parser
/// and no header slot, then each header line with [`httparse::parse_headers`] and one slot.
/// Any number of header lines, and the error says which line (or status-line field) is at
/// fault.
fn parse_by_line(head: &[u8], status_end: usize) -> Result<(u8, u16), Error> {
    let bad = |offset| Error::HttpMalformed { offset };
    let (status_line, rest) = head.split_at(status_end.min(head.len()));
    // A valid status line alone is `Partial` (the headers would follow), with the version and
    // the code filled in.
    let mut response = httparse::Response::new(&mut []);
    if let Err(e) = response.parse(status_line) {
        return Err(bad(status_line_offset(status_line, e)));
    }
    // `None` when the line was empty (httparse skips those before a status line).
    let (Some(minor_version), Some(status)) = (response.version, response.code) else {
        return Err(bad(0));
    };
    // Each header line, up to the blank line: a valid one alone is `Partial` too.
    let mut line_start = 0;
    for lf in memchr::memchr_iter(b'\n', rest) {
        let line = rest.get(line_start..=lf).unwrap_or_default();
        if matches!(line, b"\n" | b"\r\n") {
            break;
        }
        if httparse::parse_headers(line, &mut [httparse::EMPTY_HEADER]).is_err() {
            return Err(bad(status_end + line_start));
        }
        line_start = lf + 1;
    }
    Ok((minor_version, status))
}

/// The offset of the status-line field an httparse error is about (httparse gives no offset):
/// `HTTP/1.` at 0, the minor version digit and the space after it at 7, the status code at 9,
/// what follows the code at 12 and the reason phrase at 13.
fn status_line_offset(line: &[u8], e: httparse::Error) -> usize {
    let is_code = |c: &[u8]| c.iter().all(u8::is_ascii_digit);
    match e {
        httparse::Error::Version if line.starts_with(b"HTTP/1.") => 7,
        httparse::Error::Status if !line.get(9..12).is_some_and(is_code) => 9,
        httparse::Error::Status if line.get(12) != Some(&b' ') => 12,
        httparse::Error::Status => 13,
        _ => 0,
    }
}

/// Where the blank line ends the head, scanning from `from` with the current line starting at
/// `line_start`; `Err((scan, line_start))` to resume from when not found. A blank line is an
/// empty line or a lone CR, ended by LF, after the status line. A plain loop for the few bytes
/// of a small read, `memchr` for large ones.
#[inline]
fn find_head_end(
    input: &[u8],
    from: usize,
    mut line_start: usize,
) -> Result<usize, (usize, usize)> {
    let tail = input.get(from..).unwrap_or_default();
    if tail.len() >= 16 {
        return find_head_end_memchr(input, from, line_start);
    }
    for (i, &b) in tail.iter().enumerate() {
        if b == b'\n' && ends_head(input, &mut line_start, from + i) {
            return Ok(from + i + 1);
        }
    }
    Err((input.len().max(from), line_start))
}

/// [`find_head_end`] for a large read.
#[inline(never)]
fn find_head_end_memchr(
    input: &[u8],
    from: usize,
    mut line_start: usize,
) -> Result<usize, (usize, usize)> {
    let tail = input.get(from..).unwrap_or_default();
    for i in memchr::memchr_iter(b'\n', tail) {
        if ends_head(input, &mut line_start, from + i) {
            return Ok(from + i + 1);
        }
    }
    Err((input.len().max(from), line_start))
}

/// Whether the LF at `lf` ends a blank line after the status line (so the head); else the next
/// line starts after it.
#[inline(always)]
fn ends_head(input: &[u8], line_start: &mut usize, lf: usize) -> bool {
    let blank = *line_start > 0 && matches!(input.get(*line_start..lf), Some(b"" | b"\r"));
    *line_start = lf + 1;
    blank
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
