//! Target and bound addresses: an IP socket address or a domain name with a port.

use alloc::borrow::Cow;
use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};

use crate::Error;

/// The longest domain name SOCKS5 can carry (its length is one byte), also the cap for SOCKS4a.
pub const MAX_DOMAIN_LEN: usize = 255;

/// A domain name as it appears on the wire: 1 to [`MAX_DOMAIN_LEN`] bytes, borrowed from the
/// input when parsed. SOCKS5 allows any bytes; nothing checks that it is a valid host name, so
/// use [`as_str`](Domain::as_str) before resolving it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Domain<'a>(Cow<'a, [u8]>);

impl<'a> Domain<'a> {
    /// Wraps `name`, which must be 1 to 255 bytes.
    pub fn new(name: impl Into<Cow<'a, [u8]>>) -> Result<Self, Error> {
        let name = name.into();
        if name.is_empty() || name.len() > MAX_DOMAIN_LEN {
            return Err(Error::Unencodable {
                what: "a domain name that is not 1 to 255 bytes",
            });
        }
        Ok(Domain(name))
    }

    /// Wraps bytes a parser has already length-checked.
    pub(crate) fn from_wire(name: &'a [u8]) -> Self {
        Domain(Cow::Borrowed(name))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The name as UTF-8, if it is.
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(&self.0).ok()
    }

    /// The length in bytes (1 to 255).
    #[allow(clippy::len_without_is_empty)] // never empty
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Domain<'static> {
        Domain(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for Domain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Domain({self})")
    }
}

impl fmt::Display for Domain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => f.write_str(s),
            None => self
                .0
                .iter()
                .try_for_each(|b| write!(f, "{}", b.escape_ascii())),
        }
    }
}

/// Where a request wants to go, or the address a reply reports as bound.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target<'a> {
    /// An IPv4 or IPv6 socket address (SOCKS5 ATYP 1 or 4; SOCKS4).
    Ip(SocketAddr),
    /// A domain name and port (SOCKS5 ATYP 3; SOCKS4a).
    Domain(Domain<'a>, u16),
}

impl<'a> Target<'a> {
    /// `0.0.0.0:0`, the bound address every PT server replies with (behaviours:
    /// `socks-bound-address`).
    pub const UNSPECIFIED: Target<'static> =
        Target::Ip(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0));

    /// `[::]:0`, the "bound transport" destination of the 2016 "Pluggable Transports Work In
    /// Progress" document, kept by no released spec (behaviours: `pt2-json-block-framing`).
    pub const BOUND_TRANSPORT: Target<'static> = Target::Ip(SocketAddr::V6(SocketAddrV6::new(
        Ipv6Addr::UNSPECIFIED,
        0,
        0,
        0,
    )));

    /// A domain target; fails unless `name` is 1 to 255 bytes.
    pub fn domain(name: &'a str, port: u16) -> Result<Self, Error> {
        Ok(Target::Domain(Domain::new(name.as_bytes())?, port))
    }

    /// The port.
    pub fn port(&self) -> u16 {
        match self {
            Target::Ip(a) => a.port(),
            Target::Domain(_, p) => *p,
        }
    }

    /// Whether this is `[::]:0` (IPv6 unspecified, port 0): a PT 2.0 "bound transport" request
    /// whose destination comes from the transport's own configuration.
    pub fn is_bound_transport(&self) -> bool {
        matches!(self, Target::Ip(SocketAddr::V6(a)) if a.ip().is_unspecified() && a.port() == 0)
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Target<'static> {
        match self {
            Target::Ip(a) => Target::Ip(a),
            Target::Domain(d, p) => Target::Domain(d.into_owned(), p),
        }
    }

    /// Length of the SOCKS5 encoding: ATYP, address, port.
    pub(crate) fn socks5_len(&self) -> usize {
        match self {
            Target::Ip(SocketAddr::V4(_)) => 1 + 4 + 2,
            Target::Ip(SocketAddr::V6(_)) => 1 + 16 + 2,
            Target::Domain(d, _) => 1 + 1 + d.len() + 2,
        }
    }

    /// Writes ATYP, address and port. The caller has checked the room.
    pub(crate) fn put_socks5(&self, buf: &mut impl bytes::BufMut) {
        match self {
            Target::Ip(SocketAddr::V4(a)) => {
                buf.put_u8(1);
                buf.put_slice(&a.ip().octets());
            }
            Target::Ip(SocketAddr::V6(a)) => {
                buf.put_u8(4);
                buf.put_slice(&a.ip().octets());
            }
            Target::Domain(d, _) => {
                buf.put_u8(3);
                buf.put_u8(d.len() as u8); // Domain guarantees 1..=255
                buf.put_slice(d.as_bytes());
            }
        }
        buf.put_u16(self.port());
    }
}

impl From<SocketAddr> for Target<'_> {
    fn from(a: SocketAddr) -> Self {
        Target::Ip(a)
    }
}

impl fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Ip(a) => write!(f, "{a}"),
            Target::Domain(d, p) => write!(f, "{d}:{p}"),
        }
    }
}

/// Parses the SOCKS5 address that starts with its ATYP byte at `at`.
///
/// Returns the target and the offset just past the port, `Ok(None)` with the total length
/// needed so far when the input is short, or the error for a bad ATYP or an empty domain.
pub(crate) fn parse_socks5(
    input: &[u8],
    at: usize,
    version: crate::Version,
) -> Result<Result<(Target<'_>, usize), usize>, Error> {
    use crate::util::{be16, byte, four, sixteen};
    // Until ATYP arrives, ask for it alone: it may be an error by itself, and a machine that
    // waited for more would fail or not depending on how the bytes were cut.
    let Some(atyp) = byte(input, at) else {
        return Ok(Err(at + 1));
    };
    let addr_at = at + 1;
    let (end, target) = match atyp {
        1 => {
            let end = addr_at + 4 + 2;
            match (four(input, addr_at), be16(input, addr_at + 4)) {
                (Some(ip), Some(port)) => (end, Target::Ip(SocketAddr::new(ip.into(), port))),
                _ => return Ok(Err(end)),
            }
        }
        4 => {
            let end = addr_at + 16 + 2;
            match (sixteen(input, addr_at), be16(input, addr_at + 16)) {
                (Some(ip), Some(port)) => (end, Target::Ip(SocketAddr::new(ip.into(), port))),
                _ => return Ok(Err(end)),
            }
        }
        3 => {
            // The length byte alone, too: a zero length is an error by itself.
            let Some(len) = byte(input, addr_at) else {
                return Ok(Err(addr_at + 1));
            };
            if len == 0 {
                return Err(Error::EmptyDomain { version });
            }
            let name_at = addr_at + 1;
            let end = name_at + len as usize + 2;
            match (
                input.get(name_at..name_at + len as usize),
                be16(input, end - 2),
            ) {
                (Some(name), Some(port)) => (end, Target::Domain(Domain::from_wire(name), port)),
                _ => return Ok(Err(end)),
            }
        }
        atyp => return Err(Error::UnsupportedAddressType { atyp, offset: at }),
    };
    Ok(Ok((target, end)))
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Domain<'static> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = u.int_in_range(1..=MAX_DOMAIN_LEN)?;
        let mut name = alloc::vec::Vec::with_capacity(len);
        for _ in 0..len {
            name.push(u.int_in_range(1..=255u8)?); // no NUL, so SOCKS4a can carry it too
        }
        Ok(Domain(Cow::Owned(name)))
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Target<'static> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.int_in_range(0..=2u8)? {
            0 => Target::Ip(SocketAddr::new(
                IpAddr::V4(Ipv4Addr::from(u.arbitrary::<[u8; 4]>()?)),
                u.arbitrary()?,
            )),
            1 => Target::Ip(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(u.arbitrary::<[u8; 16]>()?),
                u.arbitrary()?,
                0,
                0,
            ))),
            _ => Target::Domain(u.arbitrary()?, u.arbitrary()?),
        })
    }
}
