//! SOCKS4 and SOCKS4a messages.
//!
//! ```text
//! request  VN=04 CD DSTPORT(2) DSTIP(4) USERID NUL            (SOCKS4)
//!          VN=04 CD DSTPORT(2) 0.0.0.x  USERID NUL HOST NUL   (SOCKS4a, x != 0)
//! reply    VN=00 CD DSTPORT(2) DSTIP(4)    CD: 5A granted, 5B rejected, 5C, 5D identd
//! ```
//!
//! tor sends plain SOCKS4 to a PT, with the whole PT argument string in USERID (no 255-byte
//! split, no NUL allowed; behaviours: `socks4-userid-whole-args`).
//!
//! ```
//! use pt_socks::{Parse, Parsed, Target};
//! use pt_socks::socks4::Request;
//!
//! let wire = b"\x04\x01\x00\x50\xcb\x00\x71\x07k=v\x00";
//! let Parsed::Complete { value, len } = Request::parse(wire)? else { unreachable!() };
//! assert_eq!((value.target.to_string(), value.userid, len), ("203.0.113.7:80".into(), &b"k=v"[..], 12));
//! # Ok::<(), pt_socks::Error>(())
//! ```

use bytes::BufMut;
use core::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use crate::addr::{Domain, MAX_DOMAIN_LEN};
use crate::socks5::Command;
use crate::util::{be16, byte, check_room, find_nul, four};
use crate::{Encode, Error, Parse, Parsed, Target, Version};

/// A SOCKS4 or SOCKS4a request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request<'a> {
    /// CONNECT or BIND ([`Command::UdpAssociate`] cannot be encoded).
    pub command: Command,
    /// An IPv4 target (SOCKS4) or a domain (SOCKS4a). IPv6 and `0.0.0.x` with x != 0 (the 4a
    /// marker) cannot be encoded.
    pub target: Target<'a>,
    /// The USERID (no NUL byte), where PT 1.0 puts the per-connection arguments.
    pub userid: &'a [u8],
}

impl<'a> Request<'a> {
    /// The PT arguments carried in USERID, parsed with `config`.
    pub fn pt_args(
        &self,
        config: pt_args::socks::Config,
    ) -> Result<pt_args::Args<'a>, pt_args::Error> {
        pt_args::socks::parse_with(self.userid, config)
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.userid.contains(&0) {
            return Err(Error::Unencodable {
                what: "a NUL byte in a SOCKS4 USERID",
            });
        }
        match &self.target {
            Target::Ip(SocketAddr::V6(_)) => Err(Error::Unencodable {
                what: "an IPv6 target in SOCKS4",
            }),
            Target::Ip(SocketAddr::V4(a)) if is_4a_marker(*a.ip()) => Err(Error::Unencodable {
                what: "a SOCKS4 target in 0.0.0.1-0.0.0.255 (the SOCKS4a marker)",
            }),
            Target::Domain(d, _) if d.as_bytes().contains(&0) => Err(Error::Unencodable {
                what: "a NUL byte in a SOCKS4a host name",
            }),
            _ if self.command == Command::UdpAssociate => Err(Error::Unencodable {
                what: "UDP ASSOCIATE in SOCKS4",
            }),
            _ => Ok(()),
        }
    }
}

fn is_4a_marker(ip: Ipv4Addr) -> bool {
    let [a, b, c, d] = ip.octets();
    a == 0 && b == 0 && c == 0 && d != 0
}

impl<'a> Parse<'a> for Request<'a> {
    /// Parses a request. Errors: a version other than `04` ([`Error::UnknownVersion`]), a
    /// command other than CONNECT/BIND, an empty or over-255-byte SOCKS4a host. The USERID has
    /// no cap here (the server machine caps it). Scans the whole input for the NULs: the server
    /// machine scans incrementally instead.
    fn parse(input: &'a [u8]) -> Result<Parsed<Self>, Error> {
        let header = match parse_header(input)? {
            Ok(h) => h,
            Err(total) => return Ok(Parsed::need(total, input.len())),
        };
        let rest = input.get(8..).unwrap_or(&[]);
        let Some(uend) = find_nul(rest) else {
            return Ok(Parsed::need(input.len() + 1, input.len()));
        };
        let userid = rest.get(..uend).unwrap_or(&[]);
        if !header.socks4a {
            return Ok(Parsed::Complete {
                value: header.request(userid, None),
                len: 8 + uend + 1,
            });
        }
        let host_at = uend + 1;
        let after = rest.get(host_at..).unwrap_or(&[]);
        match find_nul(after) {
            Some(hlen) => {
                let host = after.get(..hlen).unwrap_or(&[]);
                check_host(host)?;
                Ok(Parsed::Complete {
                    value: header.request(userid, Some(host)),
                    len: 8 + host_at + hlen + 1,
                })
            }
            None if after.len() > MAX_DOMAIN_LEN => Err(Error::FieldTooLong {
                field: "HOST",
                max: MAX_DOMAIN_LEN,
            }),
            None => Ok(Parsed::need(input.len() + 1, input.len())),
        }
    }
}

/// The fixed 8 bytes of a request.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    pub(crate) command: Command,
    pub(crate) port: u16,
    pub(crate) ip: Ipv4Addr,
    pub(crate) socks4a: bool,
}

impl Header {
    pub(crate) fn request<'a>(&self, userid: &'a [u8], host: Option<&'a [u8]>) -> Request<'a> {
        let target = match host {
            Some(h) => Target::Domain(Domain::from_wire(h), self.port),
            None => Target::Ip(SocketAddr::V4(SocketAddrV4::new(self.ip, self.port))),
        };
        Request {
            command: self.command,
            target,
            userid,
        }
    }
}

/// Checks a complete SOCKS4a host name.
pub(crate) fn check_host(host: &[u8]) -> Result<(), Error> {
    if host.is_empty() {
        Err(Error::EmptyDomain {
            version: Version::Socks4,
        })
    } else if host.len() > MAX_DOMAIN_LEN {
        Err(Error::FieldTooLong {
            field: "HOST",
            max: MAX_DOMAIN_LEN,
        })
    } else {
        Ok(())
    }
}

/// Parses the 8-byte header, checking the version and command as soon as they arrive.
/// `Ok(Err(total))` when short.
pub(crate) fn parse_header(input: &[u8]) -> Result<Result<Header, usize>, Error> {
    match byte(input, 0) {
        None => return Ok(Err(9)),
        Some(4) => {}
        Some(found) => return Err(Error::UnknownVersion { found }),
    }
    let command = match byte(input, 1) {
        None => return Ok(Err(9)),
        Some(1) => Command::Connect,
        Some(2) => Command::Bind,
        Some(command) => {
            return Err(Error::UnsupportedCommand {
                version: Version::Socks4,
                command,
            });
        }
    };
    match (be16(input, 2), four(input, 4)) {
        (Some(port), Some(ip)) => {
            let ip = Ipv4Addr::from(ip);
            Ok(Ok(Header {
                command,
                port,
                ip,
                socks4a: is_4a_marker(ip),
            }))
        }
        _ => Ok(Err(9)),
    }
}

impl Encode for Request<'_> {
    fn encoded_len(&self) -> usize {
        let host = match &self.target {
            Target::Domain(d, _) => d.len() + 1,
            Target::Ip(_) => 0,
        };
        8 + self.userid.len() + 1 + host
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        self.check()?;
        let len = self.encoded_len();
        check_room(buf, len)?;
        buf.put_slice(&[4, self.command.byte()]);
        buf.put_u16(self.target.port());
        match &self.target {
            Target::Ip(SocketAddr::V4(a)) => buf.put_slice(&a.ip().octets()),
            _ => buf.put_slice(&[0, 0, 0, 1]),
        }
        buf.put_slice(self.userid);
        buf.put_u8(0);
        if let Target::Domain(d, _) = &self.target {
            buf.put_slice(d.as_bytes());
            buf.put_u8(0);
        }
        Ok(len)
    }
}

/// A SOCKS4 reply code (CD).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Code(pub u8);

impl Code {
    /// `5A`: request granted.
    pub const GRANTED: Code = Code(0x5A);
    /// `5B`: request rejected or failed.
    pub const REJECTED: Code = Code(0x5B);
    /// `5C`: rejected, the client runs no identd.
    pub const NO_IDENTD: Code = Code(0x5C);
    /// `5D`: rejected, identd disagrees with the USERID.
    pub const IDENTD_MISMATCH: Code = Code(0x5D);

    /// Whether the request was granted (tor's test: CD == 5A; behaviours: `socks4-reply-codes`).
    pub const fn is_success(self) -> bool {
        self.0 == 0x5A
    }
}

/// A SOCKS4 reply: `00 CD DSTPORT DSTIP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reply {
    /// The reply code.
    pub code: Code,
    /// DSTPORT and DSTIP (ignored for CONNECT; the bound address for BIND).
    pub bound: SocketAddrV4,
}

impl Reply {
    /// A reply with `0.0.0.0:0`, what PTs send (`00 5A 0000 00000000` in the recorded tor
    /// transcripts, `testdata/tor-client/main/socks/fake4-*.hex`).
    pub const fn new(code: Code) -> Self {
        Reply {
            code,
            bound: SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0),
        }
    }
}

impl Parse<'_> for Reply {
    /// Parses the 8-byte reply; the version byte is not checked (tor does not; behaviours:
    /// `socks-client-reply-leniency`).
    fn parse(input: &[u8]) -> Result<Parsed<Self>, Error> {
        match (byte(input, 1), be16(input, 2), four(input, 4)) {
            (Some(code), Some(port), Some(ip)) => Ok(Parsed::Complete {
                value: Reply {
                    code: Code(code),
                    bound: SocketAddrV4::new(ip.into(), port),
                },
                len: 8,
            }),
            _ => Ok(Parsed::need(8, input.len())),
        }
    }
}

impl Encode for Reply {
    fn encoded_len(&self) -> usize {
        8
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        check_room(buf, 8)?;
        buf.put_slice(&[0, self.code.0]);
        buf.put_u16(self.bound.port());
        buf.put_slice(&self.bound.ip().octets());
        Ok(8)
    }
}

#[cfg(feature = "arbitrary")]
mod arb {
    use super::*;
    use arbitrary::{Arbitrary, Result, Unstructured};

    impl<'a> Arbitrary<'a> for Request<'a> {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            let command = if u.arbitrary()? {
                Command::Connect
            } else {
                Command::Bind
            };
            let port = u.arbitrary()?;
            let target = if u.arbitrary()? {
                Target::Domain(u.arbitrary()?, port)
            } else {
                let mut ip = Ipv4Addr::from(u.arbitrary::<[u8; 4]>()?);
                if is_4a_marker(ip) {
                    ip = Ipv4Addr::UNSPECIFIED;
                }
                Target::Ip(SocketAddr::V4(SocketAddrV4::new(ip, port)))
            };
            let n = u.int_in_range(0..=600usize)?;
            let raw = u.bytes(n)?;
            let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
            Ok(Request {
                command,
                target,
                userid: raw.get(..end).unwrap_or_default(),
            })
        }
    }

    impl<'a> Arbitrary<'a> for Reply {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            Ok(Reply {
                code: u.arbitrary()?,
                bound: SocketAddrV4::new(Ipv4Addr::from(u.arbitrary::<[u8; 4]>()?), u.arbitrary()?),
            })
        }
    }
}
