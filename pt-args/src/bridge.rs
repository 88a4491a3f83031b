//! torrc `Bridge` lines: `[transport] address[:port] [fingerprint] [key=value ...]`.
//!
//! This is what a parent (tor, Arti, a launcher) reads from its configuration or from
//! BridgeDB, and turns into the SOCKS arguments it sends the client PT. The rules are tor's
//! (`src/app/config/config.c` `parse_bridge_line`; behaviours: `bridge-line-key-value-items`):
//!
//! - items are separated by spaces or tabs; a leading `Bridge` keyword is skipped;
//! - the first item is the transport name when it is a C identifier (`[a-zA-Z_][a-zA-Z0-9_]*`);
//! - then the address: `IPv4:port` or `[IPv6]:port`; without a port tor uses 443. tor also looks
//!   up host names; this crate does no I/O and takes IP literals only;
//! - then, if the next item is not `k=v`, the 40-hex-digit fingerprint (without a transport,
//!   the rest of the line is the fingerprint, which tor allows to hold spaces);
//! - every remaining item must be `k=v`: it contains `=`, not first, and is at least 2 bytes
//!   (`key=` is fine, `=value` is not); the items are taken literally, with no unescaping;
//! - the SOCKS arguments, encoded the way tor sends them ([`Escaping::Minimal`]: `\` and `;`
//!   escaped, `=` not), may be at most 510 bytes; tor refuses the configuration otherwise
//!   (behaviours: `bridge-socks-args-510`).
//!
//! ```
//! use pt_args::bridge::BridgeLine;
//!
//! let line = BridgeLine::parse(
//!     "Bridge fake5 127.0.0.1:9 0123456789ABCDEF0123456789ABCDEF01234567 \
//!      key=value shared-secret=x;y arg-with-equals=a=b backslash=c\\d",
//! )?;
//! assert_eq!(line.transport().map(|t| t.as_str()), Some("fake5"));
//! // What tor 0.4.9 sent in the SOCKS5 username (fixtures/tor-client/main).
//! assert_eq!(
//!     line.socks_args()?,
//!     r"key=value;shared-secret=x\;y;arg-with-equals=a=b;backslash=c\\d"
//! );
//! # Ok::<(), pt_args::Error>(())
//! ```
//!
//! [`Escaping::Minimal`]: crate::socks::Escaping::Minimal

use alloc::string::String;
use bytes::BufMut;
use core::fmt;
use core::net::{IpAddr, SocketAddr};

use crate::socks::{self, Escaping, MAX_SOCKS5_ARGS};
use crate::{Args, Error, TransportName};

/// The port tor uses for a bridge address without one.
pub const DEFAULT_PORT: u16 = 443;

/// A relay identity fingerprint: the SHA-1 of the relay's RSA identity key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Fingerprint(pub [u8; 20]);

impl Fingerprint {
    /// Parses 40 hex digits (either case).
    ///
    /// ```
    /// use pt_args::bridge::Fingerprint;
    /// let fp: Fingerprint = "2b280b23e1107bb62abfc40ddcc8824814f80a72".parse()?;
    /// assert_eq!(fp.to_string(), "2B280B23E1107BB62ABFC40DDCC8824814F80A72");
    /// # Ok::<(), pt_args::Error>(())
    /// ```
    pub fn from_hex(hex: &str) -> Result<Self, Error> {
        let b = hex.as_bytes();
        if b.len() != 40 {
            return Err(Error::InvalidFingerprint { offset: 0 });
        }
        let mut out = [0u8; 20];
        for (i, pair) in b.chunks_exact(2).enumerate() {
            let hi = hex_val(pair[0]).ok_or(Error::InvalidFingerprint { offset: 2 * i })?;
            let lo = hex_val(pair[1]).ok_or(Error::InvalidFingerprint { offset: 2 * i + 1 })?;
            out[i] = hi << 4 | lo;
        }
        Ok(Fingerprint(out))
    }
}

fn hex_val(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
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
    /// Parses a bridge line as tor does (see the [module docs](self)).
    ///
    /// ```
    /// use pt_args::{Error, bridge::BridgeLine};
    ///
    /// let plain = BridgeLine::parse("192.0.2.7 4123456789ABCDEF0123456789ABCDEF01234567")?;
    /// assert_eq!(plain.addr().port(), 443);
    /// assert_eq!(BridgeLine::parse("obfs4 192.0.2.7:80 iat-mode=0 =x"),
    ///            Err(Error::NotKeyValue { offset: 30 }));
    /// # Ok::<(), pt_args::Error>(())
    /// ```
    pub fn parse(line: &'a str) -> Result<Self, Error> {
        let mut items = Items { line, pos: 0 };
        let mut item = items.next();
        if let Some((_, "Bridge")) = item {
            item = items.next();
        }
        let Some((mut at, mut text)) = item else {
            return Err(Error::MissingAddress);
        };
        let transport = TransportName::new(text).ok();
        if transport.is_some() {
            (at, text) = items.next().ok_or(Error::MissingAddress)?;
        }
        let addr = parse_addr(text).ok_or(Error::InvalidAddress { offset: at })?;

        let mut fingerprint = None;
        let mut args = Args::new();
        let mut rest = items.next();
        if let Some((at, text)) = rest {
            if transport.is_none() {
                // tor joins the rest of a transport-less line into the fingerprint.
                let joined: String = line[at..].split([' ', '\t', '\r', '\n']).collect();
                let fp = Fingerprint::from_hex(&joined)
                    .map_err(|_| Error::InvalidFingerprint { offset: at })?;
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
        while let Some((at, text)) = rest {
            if !is_key_value(text) {
                return Err(Error::NotKeyValue { offset: at });
            }
            let (k, v) = text.split_once('=').unwrap_or((text, ""));
            args.push(k, v);
            rest = items.next();
        }
        let line = BridgeLine {
            transport,
            addr,
            fingerprint,
            args,
        };
        let len = line.socks_args_len();
        if len > MAX_SOCKS5_ARGS {
            return Err(Error::TooLong {
                len,
                max: MAX_SOCKS5_ARGS,
            });
        }
        Ok(line)
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

    /// The length of [`socks_args`](Self::socks_args).
    pub fn socks_args_len(&self) -> usize {
        socks::encoded_len_with(&self.args, Escaping::Minimal)
    }

    /// Writes the SOCKS arguments exactly as tor sends them to the PT into `buf`.
    pub fn encode_socks_args(&self, buf: &mut impl BufMut) -> Result<usize, Error> {
        socks::encode_with(&self.args, Escaping::Minimal, buf)
    }

    /// The SOCKS arguments exactly as tor sends them to the PT: `k=v` items joined by `;`,
    /// with `\` and `;` escaped. Split it for RFC 1929 with [`socks::to_rfc1929`].
    pub fn socks_args(&self) -> Result<String, Error> {
        socks::to_string_with(&self.args, Escaping::Minimal)
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

impl fmt::Display for BridgeLine<'_> {
    /// The line in tor's form, without the `Bridge` keyword, except before a transport that is
    /// itself named `Bridge`: [`BridgeLine::parse`] would skip that name as the keyword.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(t) = &self.transport {
            if t.as_str() == "Bridge" {
                f.write_str("Bridge ")?;
            }
            write!(f, "{t} ")?;
        }
        write!(f, "{}", self.addr)?;
        if let Some(fp) = &self.fingerprint {
            write!(f, " {fp}")?;
        }
        self.args
            .iter()
            .try_for_each(|(k, v)| write!(f, " {k}={v}"))
    }
}

/// tor's `string_is_key_value`: at least 2 bytes, with a `=` that is not the first byte.
fn is_key_value(item: &str) -> bool {
    item.len() >= 2 && item.find('=').is_some_and(|i| i > 0)
}

/// `IPv4:port`, `[IPv6]:port`, or either without the port (443).
fn parse_addr(text: &str) -> Option<SocketAddr> {
    if let Ok(sa) = text.parse::<SocketAddr>() {
        return Some(sa);
    }
    let ip = match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(v6) => IpAddr::V6(v6.parse().ok()?),
        None => IpAddr::V4(text.parse().ok()?),
    };
    Some(SocketAddr::new(ip, DEFAULT_PORT))
}

/// Items separated by spaces and tabs, with their byte offsets.
struct Items<'a> {
    line: &'a str,
    pos: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<(usize, &'a str)> {
        let b = self.line.as_bytes();
        while self.pos < b.len() && matches!(b[self.pos], b' ' | b'\t' | b'\r' | b'\n') {
            self.pos += 1;
        }
        let start = self.pos;
        while self.pos < b.len() && !matches!(b[self.pos], b' ' | b'\t' | b'\r' | b'\n') {
            self.pos += 1;
        }
        (start < self.pos).then(|| (start, &self.line[start..self.pos]))
    }
}
