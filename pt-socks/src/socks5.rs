//! SOCKS5 messages (RFC 1928): greeting, method selection, request, reply and the UDP header.
//!
//! ```text
//! greeting          VER=05 NMETHODS METHODS(1-255)
//! method selection  VER=05 METHOD
//! request           VER=05 CMD RSV=00 ATYP DST.ADDR DST.PORT(2, big-endian)
//! reply             VER=05 REP RSV=00 ATYP BND.ADDR BND.PORT(2)
//! UDP header        RSV(2)=0000 FRAG ATYP DST.ADDR DST.PORT DATA
//! ATYP              01 = IPv4 (4 bytes), 03 = domain (LEN + 1-255 bytes), 04 = IPv6 (16 bytes)
//! ```
//!
//! ```
//! use pt_socks::{Encode, Parse, Parsed, Target};
//! use pt_socks::socks5::{Command, Request};
//!
//! let wire = [5, 1, 0, 3, 11, b'e', b'x', b'a', b'm', b'p', b'l', b'e', b'.', b'c', b'o', b'm', 1, 187];
//! let Parsed::Complete { value, len } = Request::parse(&wire)? else { unreachable!() };
//! assert_eq!((value.command, len), (Command::Connect, 18));
//! assert_eq!(value.target, Target::domain("example.com", 443)?);
//! assert!(Request::parse(&wire[..17])?.is_incomplete());
//! let mut out = [0u8; 32];
//! assert_eq!(value.encode_to_slice(&mut out)?, 18);
//! assert_eq!(&out[..18], &wire);
//! # Ok::<(), pt_socks::Error>(())
//! ```

use bytes::BufMut;
use core::net::SocketAddr;

use crate::addr::parse_socks5;
use crate::util::{byte, check_room};
use crate::{Encode, Error, Parse, Parsed, Target, Version};

/// A SOCKS5 authentication method byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Method(pub u8);

impl Method {
    /// `00`: no authentication.
    pub const NO_AUTH: Method = Method(0x00);
    /// `01`: GSSAPI (never selected by this crate).
    pub const GSSAPI: Method = Method(0x01);
    /// `02`: RFC 1929 username/password, where PT 1.0 puts the per-connection arguments.
    pub const USER_PASS: Method = Method(0x02);
    /// `09`: the PT 2.x JSON parameter block (IANA "JSON Parameter Block").
    pub const JSON: Method = Method(0x09);
    /// `80`: the pre-2.0-final private method for the JSON block (dispatcher 2.0.1 - 2.1.5).
    pub const LEGACY_JSON: Method = Method(0x80);
    /// `FF`: no acceptable method.
    pub const NO_ACCEPTABLE: Method = Method(0xFF);
}

/// The client's greeting: the methods it offers, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Greeting<'a> {
    methods: &'a [u8],
}

impl<'a> Greeting<'a> {
    /// A greeting offering `methods` (at most 255).
    pub fn new(methods: &'a [u8]) -> Result<Self, Error> {
        if methods.len() > 255 {
            return Err(Error::Unencodable {
                what: "more than 255 methods",
            });
        }
        Ok(Greeting { methods })
    }

    /// The offered method bytes.
    pub fn methods(&self) -> &'a [u8] {
        self.methods
    }

    /// Whether `method` is offered.
    pub fn offers(&self, method: Method) -> bool {
        self.methods.contains(&method.0)
    }
}

impl<'a> Parse<'a> for Greeting<'a> {
    /// Parses `05 NMETHODS METHODS`. NMETHODS = 0 parses (the server then answers `05 FF`).
    /// A first byte other than `05` is [`Error::UnknownVersion`].
    fn parse(input: &'a [u8]) -> Result<Parsed<Self>, Error> {
        match byte(input, 0) {
            None => return Ok(Parsed::need(2, 0)),
            Some(5) => {}
            Some(found) => return Err(Error::UnknownVersion { found }),
        }
        let Some(n) = byte(input, 1) else {
            return Ok(Parsed::need(2, input.len()));
        };
        let len = 2 + n as usize;
        match input.get(2..len) {
            Some(methods) => Ok(Parsed::Complete {
                value: Greeting { methods },
                len,
            }),
            None => Ok(Parsed::need(len, input.len())),
        }
    }
}

impl Encode for Greeting<'_> {
    fn encoded_len(&self) -> usize {
        2 + self.methods.len()
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        let n = u8::try_from(self.methods.len()).map_err(|_| Error::Unencodable {
            what: "more than 255 methods",
        })?;
        let len = self.encoded_len();
        check_room(buf, len)?;
        buf.put_u8(5);
        buf.put_u8(n);
        buf.put_slice(self.methods);
        Ok(len)
    }
}

/// The server's method selection: `05 METHOD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct MethodSelection {
    /// The chosen method, or [`Method::NO_ACCEPTABLE`].
    pub method: Method,
}

impl Parse<'_> for MethodSelection {
    /// Parses `VER METHOD`. The version byte is not checked (tor does not; behaviours:
    /// `socks-client-reply-leniency`); the client machine checks it under its strict option.
    fn parse(input: &[u8]) -> Result<Parsed<Self>, Error> {
        match input {
            [_, m, ..] => Ok(Parsed::Complete {
                value: MethodSelection { method: Method(*m) },
                len: 2,
            }),
            _ => Ok(Parsed::need(2, input.len())),
        }
    }
}

impl Encode for MethodSelection {
    fn encoded_len(&self) -> usize {
        2
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        check_room(buf, 2)?;
        buf.put_slice(&[5, self.method.0]);
        Ok(2)
    }
}

/// A request command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Command {
    /// `01`: CONNECT (SOCKS4 and 5).
    Connect,
    /// `02`: BIND (SOCKS4 and 5).
    Bind,
    /// `03`: UDP ASSOCIATE (SOCKS5 only).
    UdpAssociate,
}

impl Command {
    /// The command byte.
    pub const fn byte(self) -> u8 {
        match self {
            Command::Connect => 1,
            Command::Bind => 2,
            Command::UdpAssociate => 3,
        }
    }

    /// The command for a byte, if it is one of the three.
    pub const fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(Command::Connect),
            2 => Some(Command::Bind),
            3 => Some(Command::UdpAssociate),
            _ => None,
        }
    }
}

/// A SOCKS5 request: `05 CMD 00 ATYP DST.ADDR DST.PORT`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request<'a> {
    /// The command.
    pub command: Command,
    /// The destination (for UDP ASSOCIATE, where the client will send from).
    pub target: Target<'a>,
}

impl Request<'_> {
    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Request<'static> {
        Request {
            command: self.command,
            target: self.target.into_owned(),
        }
    }
}

impl<'a> Parse<'a> for Request<'a> {
    /// Parses a request. Errors are checked as soon as the byte is there: version
    /// ([`Error::BadRequestVersion`]), command ([`Error::UnsupportedCommand`]), address type
    /// ([`Error::UnsupportedAddressType`]), empty domain. The RSV byte is ignored, as Arti does;
    /// the server machine checks it under its strict policy (behaviours: `socks5-rsv-byte`).
    fn parse(input: &'a [u8]) -> Result<Parsed<Self>, Error> {
        match byte(input, 0) {
            None => return Ok(Parsed::need(5, 0)),
            Some(5) => {}
            Some(found) => return Err(Error::BadRequestVersion { found }),
        }
        let command = match byte(input, 1) {
            None => return Ok(Parsed::need(5, input.len())),
            Some(c) => Command::from_byte(c).ok_or(Error::UnsupportedCommand {
                version: Version::Socks5,
                command: c,
            })?,
        };
        match parse_socks5(input, 3, Version::Socks5)? {
            Ok((target, len)) => Ok(Parsed::Complete {
                value: Request { command, target },
                len,
            }),
            Err(total) => Ok(Parsed::need(total, input.len())),
        }
    }
}

impl Encode for Request<'_> {
    fn encoded_len(&self) -> usize {
        3 + self.target.socks5_len()
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        let len = self.encoded_len();
        check_room(buf, len)?;
        buf.put_slice(&[5, self.command.byte(), 0]);
        self.target.put_socks5(buf);
        Ok(len)
    }
}

/// A SOCKS5 reply code (REP). Any byte is representable; the constants name RFC 1928's and the
/// PT 2.x JSON block's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ReplyCode(pub u8);

impl ReplyCode {
    /// `00` succeeded.
    pub const SUCCEEDED: ReplyCode = ReplyCode(0x00);
    /// `01` general SOCKS server failure.
    pub const GENERAL_FAILURE: ReplyCode = ReplyCode(0x01);
    /// `02` connection not allowed by ruleset.
    pub const NOT_ALLOWED: ReplyCode = ReplyCode(0x02);
    /// `03` network unreachable.
    pub const NETWORK_UNREACHABLE: ReplyCode = ReplyCode(0x03);
    /// `04` host unreachable.
    pub const HOST_UNREACHABLE: ReplyCode = ReplyCode(0x04);
    /// `05` connection refused.
    pub const CONNECTION_REFUSED: ReplyCode = ReplyCode(0x05);
    /// `06` TTL expired (also what goptlib and the dispatcher send for a timeout).
    pub const TTL_EXPIRED: ReplyCode = ReplyCode(0x06);
    /// `07` command not supported.
    pub const COMMAND_NOT_SUPPORTED: ReplyCode = ReplyCode(0x07);
    /// `08` address type not supported.
    pub const ADDRESS_TYPE_NOT_SUPPORTED: ReplyCode = ReplyCode(0x08);
    /// `10` PT 2.x: JSON parameter block too large.
    pub const JSON_TOO_LARGE: ReplyCode = ReplyCode(0x10);
    /// `11` PT 2.x: timeout reading the JSON parameter block.
    pub const JSON_TIMEOUT: ReplyCode = ReplyCode(0x11);
    /// `12` PT 2.x: JSON parse error.
    pub const JSON_PARSE_ERROR: ReplyCode = ReplyCode(0x12);
    /// `13` PT 2.x: invalid or missing keys or values.
    pub const JSON_INVALID: ReplyCode = ReplyCode(0x13);

    /// Whether this is [`SUCCEEDED`](Self::SUCCEEDED).
    pub const fn is_success(self) -> bool {
        self.0 == 0
    }

    /// The code obfs4proxy and shapeshifter-dispatcher send for a failed connect (their
    /// `common/socks5/socks5.go` `ErrorToReplyCode`; permission denied is the dispatcher's
    /// addition): network unreachable 03, host unreachable 04, refused or reset 05, timed out 06,
    /// address not available 08, permission denied 02, anything else 01.
    #[cfg(feature = "std")]
    pub fn from_io_error_kind(kind: std::io::ErrorKind) -> Self {
        use std::io::ErrorKind as K;
        match kind {
            K::NetworkUnreachable => Self::NETWORK_UNREACHABLE,
            K::HostUnreachable => Self::HOST_UNREACHABLE,
            K::ConnectionRefused | K::ConnectionReset => Self::CONNECTION_REFUSED,
            K::TimedOut => Self::TTL_EXPIRED,
            K::AddrNotAvailable => Self::ADDRESS_TYPE_NOT_SUPPORTED,
            K::PermissionDenied => Self::NOT_ALLOWED,
            _ => Self::GENERAL_FAILURE,
        }
    }
}

/// A SOCKS5 reply: `05 REP 00 ATYP BND.ADDR BND.PORT`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reply<'a> {
    /// The reply code.
    pub code: ReplyCode,
    /// The bound address ([`Target::UNSPECIFIED`] when the server has none to report).
    pub bound: Target<'a>,
}

impl Reply<'_> {
    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Reply<'static> {
        Reply {
            code: self.code,
            bound: self.bound.into_owned(),
        }
    }
}

impl<'a> Parse<'a> for Reply<'a> {
    /// Parses a reply. The version and RSV bytes are not checked (tor does not; behaviours:
    /// `socks-client-reply-leniency`); ATYP 1, 3 and 4 are accepted.
    fn parse(input: &'a [u8]) -> Result<Parsed<Self>, Error> {
        let Some(code) = byte(input, 1) else {
            return Ok(Parsed::need(5, input.len()));
        };
        match parse_socks5(input, 3, Version::Socks5)? {
            Ok((bound, len)) => Ok(Parsed::Complete {
                value: Reply {
                    code: ReplyCode(code),
                    bound,
                },
                len,
            }),
            Err(total) => Ok(Parsed::need(total, input.len())),
        }
    }
}

impl Encode for Reply<'_> {
    fn encoded_len(&self) -> usize {
        3 + self.bound.socks5_len()
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        let len = self.encoded_len();
        check_room(buf, len)?;
        buf.put_slice(&[5, self.code.0, 0]);
        self.bound.put_socks5(buf);
        Ok(len)
    }
}

/// The header of a SOCKS5 UDP datagram: `RSV(2) FRAG ATYP DST.ADDR DST.PORT`, then the data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UdpHeader<'a> {
    /// The fragment number (0 = a whole datagram).
    pub frag: u8,
    /// The destination (client to relay) or source (relay to client).
    pub target: Target<'a>,
}

impl UdpHeader<'_> {
    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> UdpHeader<'static> {
        UdpHeader {
            frag: self.frag,
            target: self.target.into_owned(),
        }
    }
}

impl<'a> Parse<'a> for UdpHeader<'a> {
    /// Parses the header; `len` is where the data starts. A datagram is whole, so an
    /// `Incomplete` result means a truncated datagram.
    fn parse(input: &'a [u8]) -> Result<Parsed<Self>, Error> {
        let Some(frag) = byte(input, 2) else {
            return Ok(Parsed::need(5, input.len()));
        };
        match parse_socks5(input, 3, Version::Socks5)? {
            Ok((target, len)) => Ok(Parsed::Complete {
                value: UdpHeader { frag, target },
                len,
            }),
            Err(total) => Ok(Parsed::need(total, input.len())),
        }
    }
}

impl Encode for UdpHeader<'_> {
    fn encoded_len(&self) -> usize {
        3 + self.target.socks5_len()
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        let len = self.encoded_len();
        check_room(buf, len)?;
        buf.put_slice(&[0, 0, self.frag]);
        self.target.put_socks5(buf);
        Ok(len)
    }
}

impl From<SocketAddr> for Reply<'_> {
    /// A success reply with this bound address.
    fn from(bound: SocketAddr) -> Self {
        Reply {
            code: ReplyCode::SUCCEEDED,
            bound: Target::Ip(bound),
        }
    }
}

#[cfg(feature = "arbitrary")]
mod arb {
    use super::*;
    use arbitrary::{Arbitrary, Result, Unstructured};

    impl<'a> Arbitrary<'a> for Greeting<'a> {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            let n = u.int_in_range(0..=255usize)?;
            Ok(Greeting {
                methods: u.bytes(n)?,
            })
        }
    }
    impl<'a> Arbitrary<'a> for Request<'a> {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            Ok(Request {
                command: u.arbitrary()?,
                target: u.arbitrary()?,
            })
        }
    }
    impl<'a> Arbitrary<'a> for Reply<'a> {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            Ok(Reply {
                code: u.arbitrary()?,
                bound: u.arbitrary()?,
            })
        }
    }
    impl<'a> Arbitrary<'a> for UdpHeader<'a> {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            Ok(UdpHeader {
                frag: u.arbitrary()?,
                target: u.arbitrary()?,
            })
        }
    }
}
