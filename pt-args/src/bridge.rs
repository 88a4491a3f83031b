//! torrc `Bridge` lines: `[transport] address[:port] [fingerprint] [key=value ...]`.
//!
//! This is what a parent (tor, Arti, a launcher) reads from its configuration or from
//! BridgeDB, and turns into the SOCKS arguments it sends the client PT. The rules are tor's
//! (`src/app/config/config.c` `parse_bridge_line`, which splits the line with
//! `smartlist_split_string(..., NULL, SPLIT_SKIP_SPACE|SPLIT_IGNORE_BLANK, -1)` in
//! `src/lib/smartlist_core/smartlist_split.c`; behaviours: `bridge-line-key-value-items`,
//! `bridge-line-item-splitting`):
//!
//! - the input is **one logical line**, after the configuration file's own syntax has been
//!   applied (comments, `\`-newline continuations, quoting): tor's torrc reader does that before
//!   `parse_bridge_line` sees the line. It is bytes: tor passes the arguments to the PT
//!   unchanged, whatever they hold (a Latin-1 `é` reaches the PT as the byte `e9`);
//! - items are separated by runs of spaces and tabs, and only those; each item then loses the
//!   white space (space, tab, LF, VT, FF, CR) at its two ends, and an item left empty is skipped.
//!   So an LF inside an item stays there: `a=1\nb=2` is one argument, sent to the PT as is;
//! - a leading `Bridge` keyword is skipped, in any case, as torrc keywords are
//!   case-insensitive; a NUL byte is an error ([`Error::Nul`]), since tor's lines are C strings;
//! - the first item is the transport name when it is a C identifier (`[a-zA-Z_][a-zA-Z0-9_]*`);
//! - then the address: `IPv4:port` or `[IPv6]:port`; without a port tor uses 443. tor also looks
//!   up host names; this crate does no I/O and takes IP literals only;
//! - then, if the next item is not `k=v`, the 40-hex-digit fingerprint (without a transport,
//!   the rest of the line is the fingerprint, which tor allows to hold spaces);
//! - every remaining item must be `k=v`: it contains `=`, not first, and is at least 2 bytes
//!   (`key=` is fine, `=value` is not); the items are taken literally, with no unescaping;
//! - the SOCKS arguments, encoded the way tor sends them ([`Escaping::Minimal`]: `\` and `;`
//!   escaped, `=` not), may be at most 510 bytes; tor refuses the configuration otherwise
//!   (behaviours: `bridge-socks-args-510`). The parse stops storing arguments as soon as the
//!   limit is passed, so a huge line costs no memory.
//!
//! Parsing borrows every item from the line and allocates nothing for up to
//! [`INLINE_PAIRS`](crate::INLINE_PAIRS) arguments.
//!
//! ```
//! use pt_args::bridge::BridgeLine;
//!
//! let line = BridgeLine::parse(
//!     "Bridge fake5 127.0.0.1:9 0123456789ABCDEF0123456789ABCDEF01234567 \
//!      key=value shared-secret=x;y arg-with-equals=a=b backslash=c\\d",
//! )?;
//! assert_eq!(line.transport().map(|t| t.as_str()), Some("fake5"));
//! // What tor 0.4.9 sent in the SOCKS5 username (testdata/tor-client/main).
//! assert_eq!(
//!     line.socks_args(),
//!     br"key=value;shared-secret=x\;y;arg-with-equals=a=b;backslash=c\\d"
//! );
//! // Bytes are arguments too: tor sent this one to the PT as `6b 3d 63 61 66 e9`.
//! let latin1 = BridgeLine::parse(b"t5 127.0.0.1:1 k=caf\xe9")?;
//! assert_eq!(latin1.socks_args(), b"k=caf\xe9");
//! # Ok::<(), pt_args::Error>(())
//! ```
//!
//! [`Escaping::Minimal`]: crate::socks::Escaping::Minimal

use alloc::vec::Vec;
use bytes::BufMut;
use core::fmt;
use core::net::{IpAddr, SocketAddr};

use crate::escape::{Field, check_room, escaped_len, put_pairs};
use crate::socks::{MAX_SOCKS5_ARGS, MINIMAL_VALUE_SPECIALS, SPEC_SPECIALS};
use crate::{Args, Error, TransportName};

/// The port tor uses for a bridge address without one.
pub const DEFAULT_PORT: u16 = 443;

/// A relay identity fingerprint: the SHA-1 of the relay's RSA identity key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Fingerprint(pub [u8; 20]);

impl Fingerprint {
    /// Parses 40 hex digits (either case), given as text or bytes.
    ///
    /// ```
    /// use pt_args::bridge::Fingerprint;
    /// let fp: Fingerprint = "2b280b23e1107bb62abfc40ddcc8824814f80a72".parse()?;
    /// assert_eq!(fp.to_string(), "2B280B23E1107BB62ABFC40DDCC8824814F80A72");
    /// # Ok::<(), pt_args::Error>(())
    /// ```
    pub fn from_hex(hex: impl AsRef<[u8]>) -> Result<Self, Error> {
        let b = hex.as_ref();
        if b.len() != 40 {
            return Err(Error::InvalidFingerprint { offset: 0 });
        }
        let mut out = [0u8; 20];
        for (i, (slot, pair)) in out.iter_mut().zip(b.chunks_exact(2)).enumerate() {
            let [hi, lo] = [pair[0], pair[1]].map(hex_val);
            let hi = hi.ok_or(Error::InvalidFingerprint { offset: 2 * i })?;
            let lo = lo.ok_or(Error::InvalidFingerprint { offset: 2 * i + 1 })?;
            *slot = hi << 4 | lo;
        }
        Ok(Fingerprint(out))
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl core::str::FromStr for Fingerprint {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Fingerprint::from_hex(s)
    }
}

impl fmt::Display for Fingerprint {
    /// 40 upper-case hex digits, as tor writes them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02X}"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// A parsed bridge line. Borrows the transport name and the `k=v` items from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BridgeLine<'a> {
    transport: Option<TransportName<'a>>,
    addr: SocketAddr,
    fingerprint: Option<Fingerprint>,
    args: Args<'a>,
}

impl<'a> BridgeLine<'a> {
    /// Parses a bridge line (text or bytes) as tor does (see the [module docs](self)).
    ///
    /// ```
    /// use pt_args::{Error, bridge::BridgeLine};
    ///
    /// let plain = BridgeLine::parse("bridge 192.0.2.7 4123456789ABCDEF0123456789ABCDEF01234567")?;
    /// assert_eq!(plain.addr().port(), 443);
    /// assert_eq!(BridgeLine::parse("obfs4 192.0.2.7:80 iat-mode=0 =x"),
    ///            Err(Error::NotKeyValue { offset: 30 }));
    /// // An LF inside an item does not split it, as in tor.
    /// let lf = BridgeLine::parse("t 192.0.2.7:80 a=1\nb=2")?;
    /// assert_eq!(lf.socks_args(), b"a=1\nb=2");
    /// # Ok::<(), pt_args::Error>(())
    /// ```
    pub fn parse<I: AsRef<[u8]> + ?Sized>(line: &'a I) -> Result<Self, Error> {
        let line = line.as_ref();
        if let Some(offset) = memchr::memchr(0, line) {
            return Err(Error::Nul { offset });
        }
        if line.len() > crate::MAX_INPUT {
            return Err(Error::TooLong {
                len: line.len(),
                max: crate::MAX_INPUT,
            });
        }
        let mut items = Items { line, pos: 0 };
        let mut item = items.next();
        if let Some((_, first)) = item
            && first.eq_ignore_ascii_case(b"bridge")
        {
            item = items.next();
        }
        let Some((mut at, mut text)) = item else {
            return Err(Error::MissingAddress);
        };
        let transport = core::str::from_utf8(text)
            .ok()
            .and_then(|t| TransportName::new(t).ok());
        if transport.is_some() {
            (at, text) = items.next().ok_or(Error::MissingAddress)?;
        }
        let addr = parse_addr(text).ok_or(Error::InvalidAddress { offset: at })?;

        let mut fingerprint = None;
        let mut args = Args::parsing(line);
        let mut rest = items.next();
        if let Some((at, text)) = rest {
            if transport.is_none() {
                // tor joins the rest of a transport-less line into the fingerprint.
                let fp = joined_fingerprint(Items { line, pos: at })
                    .ok_or(Error::InvalidFingerprint { offset: at })?;
                return Ok(BridgeLine {
                    transport,
                    addr,
                    fingerprint: Some(fp),
                    args,
                });
            }
            if !is_key_value(text) {
                fingerprint = Some(
                    Fingerprint::from_hex(text)
                        .map_err(|_| Error::InvalidFingerprint { offset: at })?,
                );
                rest = items.next();
            }
        }
        // tor checks every item before the length; past the limit nothing more is stored.
        let mut len = 0usize;
        while let Some((at, text)) = rest {
            let Some(eq) = text
                .iter()
                .position(|&b| b == b'=')
                .filter(|_| is_key_value(text))
            else {
                return Err(Error::NotKeyValue { offset: at });
            };
            let (k, v) = text.split_at(eq);
            let v = v.get(1..).unwrap_or_default();
            len += usize::from(len > 0)
                + escaped_len(k, &SPEC_SPECIALS)
                + 1
                + escaped_len(v, &MINIMAL_VALUE_SPECIALS);
            if len <= MAX_SOCKS5_ARGS {
                let field = |start, len: usize| Field {
                    start,
                    end: start + len,
                    escaped: false,
                };
                args.push_field(line, field(at, k.len()), field(at + eq + 1, v.len()));
            }
            rest = items.next();
        }
        if len > MAX_SOCKS5_ARGS {
            return Err(Error::TooLong {
                len,
                max: MAX_SOCKS5_ARGS,
            });
        }
        Ok(BridgeLine {
            transport,
            addr,
            fingerprint,
            args,
        })
    }

    /// The transport name, or `None` for a plain (vanilla) bridge.
    pub fn transport(&self) -> Option<&TransportName<'a>> {
        self.transport.as_ref()
    }

    /// The bridge's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The relay fingerprint, if the line has one.
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        self.fingerprint
    }

    /// The `k=v` items, in order, taken literally.
    pub fn args(&self) -> &Args<'a> {
        &self.args
    }

    /// The length of [`socks_args`](Self::socks_args): at most 510 bytes.
    pub fn socks_args_len(&self) -> usize {
        crate::socks::encoded_len_with(&self.args, crate::socks::Escaping::Minimal)
    }

    /// Writes the SOCKS arguments exactly as tor sends them to the PT into `buf`, returning
    /// the bytes written. Fails only when `buf` has less room than
    /// [`socks_args_len`](Self::socks_args_len).
    pub fn encode_socks_args(&self, buf: &mut impl BufMut) -> Result<usize, Error> {
        let needed = self.socks_args_len();
        check_room(buf, needed)?;
        self.put_socks_args(buf);
        Ok(needed)
    }

    /// The SOCKS arguments exactly as tor sends them to the PT: `k=v` items joined by `;`,
    /// with `\` and `;` escaped, the other bytes unchanged. Split it for RFC 1929 with
    /// [`socks::to_rfc1929`](crate::socks::to_rfc1929).
    pub fn socks_args(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.socks_args_len());
        self.put_socks_args(&mut out);
        out
    }

    /// Every pair of a parsed line is encodable (a key before its `=`, no NUL), so this
    /// cannot fail once `buf` has room.
    fn put_socks_args(&self, buf: &mut impl BufMut) {
        put_pairs(
            buf,
            &self.args,
            b';',
            &SPEC_SPECIALS,
            &MINIMAL_VALUE_SPECIALS,
            None,
        );
    }

    /// The line in tor's form (see [`Display`](#impl-Display-for-BridgeLine%3C'_%3E)), with
    /// the arguments' bytes exactly: [`parse`](Self::parse) reads it back to an equal line.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(t) = &self.transport {
            if t.eq_ignore_ascii_case("bridge") {
                out.extend_from_slice(b"Bridge ");
            }
            out.extend_from_slice(t.as_bytes());
            out.push(b' ');
        }
        // Writing into a Vec cannot fail.
        let _ = fmt::Write::write_fmt(&mut VecWriter(&mut out), format_args!("{}", self.addr));
        if let Some(fp) = &self.fingerprint {
            let _ = fmt::Write::write_fmt(&mut VecWriter(&mut out), format_args!(" {fp}"));
        }
        for (k, v) in self.args.iter() {
            out.push(b' ');
            out.extend_from_slice(k);
            out.push(b'=');
            out.extend_from_slice(v);
        }
        out
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> BridgeLine<'static> {
        BridgeLine {
            transport: self.transport.map(TransportName::into_owned),
            addr: self.addr,
            fingerprint: self.fingerprint,
            args: self.args.into_owned(),
        }
    }
}

struct VecWriter<'v>(&'v mut Vec<u8>);

impl fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl fmt::Display for BridgeLine<'_> {
    /// The line in tor's form, without the `Bridge` keyword, except before a transport that is
    /// itself named `bridge` (in any case): [`BridgeLine::parse`] would skip that name as the
    /// keyword. Arguments that are not UTF-8 are shown with U+FFFD in place of the bad bytes;
    /// [`to_vec`](BridgeLine::to_vec) gives the exact bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(t) = &self.transport {
            if t.eq_ignore_ascii_case("bridge") {
                f.write_str("Bridge ")?;
            }
            write!(f, "{t} ")?;
        }
        write!(f, "{}", self.addr)?;
        if let Some(fp) = &self.fingerprint {
            write!(f, " {fp}")?;
        }
        for (k, v) in self.args.iter() {
            f.write_str(" ")?;
            lossy(f, k)?;
            f.write_str("=")?;
            lossy(f, v)?;
        }
        Ok(())
    }
}

/// Writes `bytes` as text, U+FFFD for each invalid sequence.
fn lossy(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        f.write_str(chunk.valid())?;
        if !chunk.invalid().is_empty() {
            f.write_str("\u{FFFD}")?;
        }
    }
    Ok(())
}

/// tor's `string_is_key_value`: at least 2 bytes, with a `=` that is not the first byte.
fn is_key_value(item: &[u8]) -> bool {
    item.len() >= 2 && item.iter().position(|&b| b == b'=').is_some_and(|i| i > 0)
}

/// The fingerprint made of the remaining items joined with nothing between them, as tor
/// reads a transport-less line; without allocating.
fn joined_fingerprint(items: Items<'_>) -> Option<Fingerprint> {
    let mut hex = [0u8; 40];
    let mut n = 0;
    for (_, text) in items {
        hex.get_mut(n..n + text.len())?.copy_from_slice(text);
        n += text.len();
    }
    Fingerprint::from_hex(hex.get(..n)?).ok()
}

/// `IPv4:port`, `[IPv6]:port`, or either without the port (443).
fn parse_addr(text: &[u8]) -> Option<SocketAddr> {
    let text = core::str::from_utf8(text).ok()?;
    if let Ok(sa) = text.parse::<SocketAddr>() {
        return Some(sa);
    }
    let ip = match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(v6) => IpAddr::V6(v6.parse().ok()?),
        None => IpAddr::V4(text.parse().ok()?),
    };
    Some(SocketAddr::new(ip, DEFAULT_PORT))
}

/// Items as tor's `smartlist_split_string` with no separator and `SPLIT_SKIP_SPACE |
/// SPLIT_IGNORE_BLANK` makes them: split at runs of spaces and tabs, each trimmed of
/// `TOR_ISSPACE` bytes at both ends, empty ones skipped. With their byte offsets.
struct Items<'a> {
    line: &'a [u8],
    pos: usize,
}

/// tor's `TOR_ISSPACE`: the C locale's `isspace`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

impl<'a> Iterator for Items<'a> {
    type Item = (usize, &'a [u8]);
    fn next(&mut self) -> Option<(usize, &'a [u8])> {
        loop {
            let rest = self.line.get(self.pos..)?;
            if rest.is_empty() {
                return None;
            }
            let end = memchr::memchr2(b' ', b'\t', rest).unwrap_or(rest.len());
            let raw = rest.get(..end).unwrap_or_default();
            let start = self.pos;
            self.pos += end + 1;
            let lead = raw.iter().take_while(|&&b| is_space(b)).count();
            let trail = raw.iter().rev().take_while(|&&b| is_space(b)).count();
            if lead < raw.len() {
                let text = raw.get(lead..raw.len() - trail).unwrap_or_default();
                return Some((start + lead, text));
            }
        }
    }
}
