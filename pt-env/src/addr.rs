//! `<address>:<port>`: the address grammar every variable and flag shares.
//!
//! `pt-spec.txt` section 3.2.3: "The `<address>:<port>` combination MUST be an IP address
//! supported by `bind()`, and MUST NOT be a host name"; section 3.2.1: "IPv6 addresses MUST
//! always be wrapped in square brackets". The PT 2.0 spec lets `-target`/`-orport` name a
//! host ("IPv4, IPv6 or a domain name"), and goptlib lets `TOR_PT_PROXY` do so.
//!
//! goptlib (`pt.go` `resolveAddr`, vectors in `pt_test.go` `TestResolveAddr`) also takes an
//! unbracketed IPv6 address with the port after the last colon, which tor wrote before its bug
//! 7011 was fixed, and accepts port 0 (behaviours: `env-address-grammar`).

use alloc::borrow::Cow;
use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::digit1;
use nom::combinator::{all_consuming, map, map_opt, verify};
use nom::sequence::{delimited, separated_pair};
use nom::{IResult, Parser};

use crate::error::AddrProblem;

/// The longest host name accepted (the SOCKS5 limit, one length byte).
pub const MAX_HOST_NAME_LEN: usize = 255;

/// A host: an IP literal, or a host name where the setting and the policy allow one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Host<'a> {
    /// An IPv4 or IPv6 literal.
    Ip(IpAddr),
    /// A host name: 1 to [`MAX_HOST_NAME_LEN`] letters, digits, `-`, `_` and `.`, with at
    /// least one letter.
    Name(Cow<'a, str>),
}

impl Host<'_> {
    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Host<'static> {
        match self {
            Host::Ip(ip) => Host::Ip(ip),
            Host::Name(n) => Host::Name(Cow::Owned(n.into_owned())),
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Host<'_> {
    /// As serialized; a name must be a host name ([`HostPort::name`]'s rule).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        enum Repr {
            Ip(IpAddr),
            Name(alloc::string::String),
        }
        match Repr::deserialize(d)? {
            Repr::Ip(ip) => Ok(Host::Ip(ip)),
            Repr::Name(n) if all_consuming(host_name).parse(n.as_bytes()).is_ok() => {
                Ok(Host::Name(Cow::Owned(n)))
            }
            Repr::Name(_) => Err(serde::de::Error::custom("not a host name")),
        }
    }
}

impl fmt::Display for Host<'_> {
    /// IPv6 in brackets, as every `<address>:<port>` writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(IpAddr::V4(ip)) => write!(f, "{ip}"),
            Host::Name(n) => f.write_str(n),
        }
    }
}

/// An `<address>:<port>` whose address may be a host name: the PT 2.x target
/// (`-target`, `-orport`) and an upstream proxy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HostPort<'a> {
    /// The host.
    pub host: Host<'a>,
    /// The port.
    pub port: u16,
}

impl<'a> HostPort<'a> {
    /// An IP socket address.
    pub const fn ip(addr: SocketAddr) -> HostPort<'static> {
        HostPort {
            host: Host::Ip(addr.ip()),
            port: addr.port(),
        }
    }

    /// A host name and port; `None` unless `name` is a host name ([`Host::Name`]).
    ///
    /// ```
    /// use pt_env::HostPort;
    /// assert_eq!(HostPort::name("example.com", 9922).unwrap().to_string(), "example.com:9922");
    /// assert!(HostPort::name("exa mple", 1).is_none());
    /// ```
    pub fn name(name: &'a str, port: u16) -> Option<HostPort<'a>> {
        all_consuming(host_name).parse(name.as_bytes()).ok()?;
        Some(HostPort {
            host: Host::Name(Cow::Borrowed(name)),
            port,
        })
    }

    /// The socket address, when the host is an IP literal.
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        match self.host {
            Host::Ip(ip) => Some(SocketAddr::new(ip, self.port)),
            Host::Name(_) => None,
        }
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> HostPort<'static> {
        HostPort {
            host: self.host.into_owned(),
            port: self.port,
        }
    }
}

impl From<SocketAddr> for HostPort<'static> {
    fn from(addr: SocketAddr) -> Self {
        HostPort::ip(addr)
    }
}

impl fmt::Display for HostPort<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

// ---------------------------------------------------------------------------------------------
// Grammar rules.

/// `port = 1*DIGIT`, at most 65535. Leading zeros are taken, as Go's `strconv.ParseUint`
/// (goptlib, obfs4proxy) takes them; so is port 0.
pub(crate) fn port(i: &[u8]) -> IResult<&[u8], u16> {
    map_opt(digit1, |d: &[u8]| {
        d.iter().try_fold(0u16, |acc, &b| {
            acc.checked_mul(10)?.checked_add(u16::from(b - b'0'))
        })
    })
    .parse(i)
}

/// Parses ASCII text with `core`'s address parsers.
fn from_text<T: core::str::FromStr>(s: &[u8]) -> Option<T> {
    core::str::from_utf8(s).ok()?.parse().ok()
}

/// `IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet`: the run of digits and
/// dots, checked by `core`'s parser (four octets of at most 255, no leading zero), so the bytes
/// are scanned once by nom rather than octet by octet and again by `core`.
pub(crate) fn ipv4(i: &[u8]) -> IResult<&[u8], Ipv4Addr> {
    map_opt(
        take_while1(|b: u8| b.is_ascii_digit() || b == b'.'),
        from_text::<Ipv4Addr>,
    )
    .parse(i)
}

/// A byte of an IPv6 literal: hex digits, `:`, and `.` for an embedded IPv4 tail.
fn is_ipv6_char(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

/// `IPv6address` (RFC 4291 text form, without a zone).
pub(crate) fn ipv6(i: &[u8]) -> IResult<&[u8], Ipv6Addr> {
    map_opt(take_while1(is_ipv6_char), from_text::<Ipv6Addr>).parse(i)
}

/// `"[" IPv6address "]"`
pub(crate) fn bracketed_ipv6(i: &[u8]) -> IResult<&[u8], Ipv6Addr> {
    delimited(tag("["), ipv6, tag("]")).parse(i)
}

/// A host-name byte.
fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

/// `host-name = 1*255(ALPHA / DIGIT / "-" / "_" / ".")` with at least one letter, so that no
/// malformed IPv4 literal (`1.2.3`, `1.2.3.256`) passes for a name.
pub(crate) fn host_name(i: &[u8]) -> IResult<&[u8], &str> {
    map_opt(
        verify(take_while1(is_name_char), |n: &[u8]| {
            n.len() <= MAX_HOST_NAME_LEN && n.iter().any(u8::is_ascii_alphabetic)
        }),
        |n| core::str::from_utf8(n).ok(),
    )
    .parse(i)
}

/// `ip-port = IPv4address ":" port / "[" IPv6address "]" ":" port`: the spec's form, with no
/// legacy IPv6 and no host name; the fast path of [`parse_host_port`], whose slower path takes
/// the legacy form and host names and says what is wrong.
///
/// A hand-written version of this rule takes 0.55x to 0.8x the time of this one on tor's
/// addresses (`benches/benches/env.rs` `nom_vs_hand`), but parsing tor's whole server
/// environments only 4 % to 7 % less (`parse::tor_server_*`), under the 20 % that would justify
/// leaving nom: an environment is read once per process.
pub(crate) fn ip_port(i: &[u8]) -> IResult<&[u8], SocketAddr> {
    alt((
        map(separated_pair(ipv4, tag(":"), port), |(ip, p)| {
            SocketAddr::from((ip, p))
        }),
        map(separated_pair(bracketed_ipv6, tag(":"), port), |(ip, p)| {
            SocketAddr::from((ip, p))
        }),
    ))
    .parse(i)
}

/// Parses the whole of `text` as the spec's `<address>:<port>` with an IP literal:
/// `<IPv4>:<port>` or `[<IPv6>]:<port>` (`pt-spec.txt` section 3.2.3; no host name, no
/// unbracketed IPv6). IPv4 octets have no leading zero; the port is a run of digits with a
/// value of at most 65535, leading zeros and port 0 included (a caller that refuses port 0,
/// as tor does on CMETHOD and SMETHOD lines, checks it).
///
/// ```
/// use std::net::SocketAddr;
/// assert_eq!(pt_env::parse_socket_addr(b"127.0.0.1:9050"), Some(SocketAddr::from(([127, 0, 0, 1], 9050))));
/// assert_eq!(pt_env::parse_socket_addr(b"[::1]:0").map(|a| a.port()), Some(0));
/// assert_eq!(pt_env::parse_socket_addr(b"localhost:9050"), None);
/// assert_eq!(pt_env::parse_socket_addr(b"::1:9050"), None);
/// assert_eq!(pt_env::parse_socket_addr(b"01.2.3.4:80"), None);
/// ```
pub fn parse_socket_addr(text: &[u8]) -> Option<SocketAddr> {
    all_consuming(ip_port).parse(text).ok().map(|(_, a)| a)
}

/// An IP literal alone, IPv6 bracketed or not (`-bindhost`, `-proxylistenhost`).
pub(crate) fn ip_literal(i: &[u8]) -> IResult<&[u8], IpAddr> {
    alt((
        map(ipv4, IpAddr::V4),
        map(bracketed_ipv6, IpAddr::V6),
        map(ipv6, IpAddr::V6),
    ))
    .parse(i)
}

/// What an address may be.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rule {
    /// Take the unbracketed IPv6 form (everything after the last colon is the port).
    pub(crate) legacy_ipv6: bool,
    /// Take host names.
    pub(crate) names: bool,
}

/// A failure: where in the value, and what.
pub(crate) type Failure = (usize, AddrProblem);

/// Parses `<address>:<port>` by `rule`.
pub(crate) fn parse_host_port(value: &[u8], rule: Rule) -> Result<HostPort<'_>, Failure> {
    if let Ok((_, addr)) = all_consuming(ip_port).parse(value) {
        return Ok(HostPort::ip(addr));
    }
    let parts = split(value)?;
    let host = check_host(&parts, rule)?;
    match all_consuming(port).parse(parts.port) {
        Ok((_, p)) => Ok(HostPort { host, port: p }),
        Err(_) => Err((parts.port_at, AddrProblem::BadPort)),
    }
}

/// Parses `<ip>:<port>` (no host name) by `rule`.
pub(crate) fn parse_ip_port(value: &[u8], legacy_ipv6: bool) -> Result<SocketAddr, Failure> {
    let rule = Rule {
        legacy_ipv6,
        names: false,
    };
    let hp = parse_host_port(value, rule)?;
    hp.socket_addr().ok_or((0, AddrProblem::NotAnIp))
}

/// Parses a host alone (`-targethost`): an IP literal, IPv6 bracketed or not, or a name if
/// `names`.
pub(crate) fn parse_host(value: &[u8], names: bool) -> Result<Host<'_>, Failure> {
    if let Ok((_, ip)) = all_consuming(ip_literal).parse(value) {
        return Ok(Host::Ip(ip));
    }
    if names {
        if let Ok((_, n)) = all_consuming(host_name).parse(value) {
            return Ok(Host::Name(Cow::Borrowed(n)));
        }
        return Err((0, AddrProblem::BadHost));
    }
    Err((0, AddrProblem::NotAnIp))
}

/// `<address>:<port>` cut into its two parts, before either is checked.
struct Parts<'v> {
    host: &'v [u8],
    bracketed: bool,
    /// The host had colons but no brackets: the legacy IPv6 form.
    bare_colons: bool,
    port: &'v [u8],
    port_at: usize,
}

/// Cuts `value` at the colon that starts the port: after `]` when bracketed, else the only
/// colon, else (the legacy IPv6 form) the last one.
fn split(value: &[u8]) -> Result<Parts<'_>, Failure> {
    if value.is_empty() {
        return Err((0, AddrProblem::Empty));
    }
    let (host, bracketed, after_host) = if value.first() == Some(&b'[') {
        let close = value
            .iter()
            .position(|&b| b == b']')
            .ok_or((0, AddrProblem::NotAnIp))?;
        (value.get(1..close).unwrap_or_default(), true, close + 1)
    } else {
        match value.iter().rposition(|&b| b == b':') {
            Some(colon) => (value.get(..colon).unwrap_or_default(), false, colon),
            None => return Err((value.len(), AddrProblem::MissingPort)),
        }
    };
    let after = value.get(after_host..).unwrap_or_default();
    let Some(port) = after.strip_prefix(b":") else {
        return Err((after_host, AddrProblem::MissingPort));
    };
    if port.is_empty() {
        return Err((after_host + 1, AddrProblem::MissingPort));
    }
    if host.is_empty() {
        return Err((usize::from(bracketed), AddrProblem::MissingHost));
    }
    Ok(Parts {
        host,
        bracketed,
        bare_colons: !bracketed && host.contains(&b':'),
        port,
        port_at: after_host + 1,
    })
}

/// Checks the host part of `parts` by `rule`.
fn check_host<'v>(parts: &Parts<'v>, rule: Rule) -> Result<Host<'v>, Failure> {
    let at = usize::from(parts.bracketed);
    if parts.bracketed {
        return match all_consuming(ipv6).parse(parts.host) {
            Ok((_, ip)) => Ok(Host::Ip(IpAddr::V6(ip))),
            Err(_) => Err((at, AddrProblem::NotAnIp)),
        };
    }
    if parts.bare_colons {
        return match all_consuming(ipv6).parse(parts.host) {
            Ok((_, ip)) if rule.legacy_ipv6 => Ok(Host::Ip(IpAddr::V6(ip))),
            Ok(_) => Err((0, AddrProblem::Unbracketed)),
            Err(_) => Err((0, AddrProblem::NotAnIp)),
        };
    }
    if let Ok((_, ip)) = all_consuming(ipv4).parse(parts.host) {
        return Ok(Host::Ip(IpAddr::V4(ip)));
    }
    if rule.names {
        if let Ok((_, n)) = all_consuming(host_name).parse(parts.host) {
            return Ok(Host::Name(Cow::Borrowed(n)));
        }
        return Err((0, AddrProblem::BadHost));
    }
    Err((0, AddrProblem::NotAnIp))
}

/// Appends what `value` displays as to `out` (addresses, ports: `[::1]:80`, IPv6 bracketed as
/// tor writes it since bug 7011).
pub(crate) fn put_display(out: &mut alloc::vec::Vec<u8>, value: impl fmt::Display) {
    struct Sink<'o>(&'o mut alloc::vec::Vec<u8>);
    impl fmt::Write for Sink<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.extend_from_slice(s.as_bytes());
            Ok(())
        }
    }
    let _ = fmt::Write::write_fmt(&mut Sink(out), format_args!("{value}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(port(b"65535x"), Ok((&b"x"[..], 65535)));
        assert!(port(b"65536").is_err());
        assert_eq!(
            ipv4(b"1.2.3.4:"),
            Ok((&b":"[..], Ipv4Addr::new(1, 2, 3, 4)))
        );
        assert!(ipv4(b"1.2.3.256").is_err());
        assert_eq!(
            bracketed_ipv6(b"[::1]"),
            Ok((&b""[..], Ipv6Addr::LOCALHOST))
        );
        assert!(host_name(b"1.2.3").is_err());
        let ok = |v: &[u8]| all_consuming(ip_port).parse(v).ok().map(|(_, a)| a);
        assert_eq!(ok(b"[::1]:80"), Some("[::1]:80".parse().unwrap()));
        assert_eq!(ok(b"1.2.3.4:0080"), Some("1.2.3.4:80".parse().unwrap()));
        for bad in [
            &b"1.2.3.4:"[..],
            b"1.2.3.4:65536",
            b"[::1]80",
            b"[::1]:+1",
            b"::1:80",
            b"",
        ] {
            assert_eq!(ok(bad), None, "{bad:?}");
        }
        assert_eq!(host_name(b"a-b.c:1"), Ok((&b":1"[..], "a-b.c")));
    }
}
