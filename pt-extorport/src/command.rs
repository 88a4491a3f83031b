//! The command codec: `CMD (2 bytes) | BODYLEN (2 bytes) | BODY`, both numbers big-endian
//! (`ext-orport-spec.txt` section 3.1), and the USERADDR and TRANSPORT bodies.
//!
//! ```
//! use pt_extorport::{Command, Parsed};
//!
//! let wire = b"\x00\x02\x00\x05obfs4\x00\x00\x00\x00";
//! let Parsed::Complete { value, len } = Command::parse(wire) else { panic!() };
//! assert_eq!(value, Command::Transport(b"obfs4"));
//! assert_eq!(Command::parse(&wire[len..]), Parsed::Complete { value: Command::Done, len: 4 });
//! assert!(Command::parse(&wire[..8]).is_incomplete());
//!
//! let mut out = Vec::new();
//! Command::Transport(b"obfs4").encode(&mut out)?;
//! assert_eq!(out, wire[..9]);
//! # Ok::<(), pt_extorport::Error>(())
//! ```

use bytes::BufMut;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while};
use nom::character::complete::digit1;
use nom::combinator::{all_consuming, opt};
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

use crate::{Error, Parsed, check_room};

/// DONE (PT to tor): no more commands; tor answers OKAY or DENY.
pub const DONE: u16 = 0x0000;
/// USERADDR (PT to tor): the client's address, `1.2.3.4:5678` or `[1:2::3:4]:5678`.
pub const USERADDR: u16 = 0x0001;
/// TRANSPORT (PT to tor): the transport's name, a C identifier.
pub const TRANSPORT: u16 = 0x0002;
/// OKAY (tor to PT): go ahead with the OR protocol.
pub const OKAY: u16 = 0x1000;
/// DENY (tor to PT): the connection is refused.
pub const DENY: u16 = 0x1001;
/// CONTROL (tor to PT): reserved by the spec, sent by no implementation.
pub const CONTROL: u16 = 0x1002;

/// The length of a command header (code and body length).
pub const HEADER_LEN: usize = 4;
/// The longest body a command can carry (its length field is 16 bits).
pub const MAX_BODY_LEN: usize = u16::MAX as usize;
/// The longest command on the wire.
pub const MAX_COMMAND_LEN: usize = HEADER_LEN + MAX_BODY_LEN;
/// The longest USERADDR body this crate writes: `[` + 39 address characters + `]:65535`.
pub const MAX_USERADDR_LEN: usize = 47;

/// OKAY on the wire.
pub(crate) const OKAY_BYTES: [u8; 4] = [0x10, 0x00, 0, 0];
/// DENY on the wire.
pub(crate) const DENY_BYTES: [u8; 4] = [0x10, 0x01, 0, 0];
/// DONE on the wire.
pub(crate) const DONE_BYTES: [u8; 4] = [0, 0, 0, 0];

/// One ExtORPort command, borrowed from the input.
///
/// DONE, OKAY and DENY carry no body; one received with a body is read as the command and the
/// body skipped, as tor (DONE) and goptlib (OKAY) do. [`Command::Unknown`] holds every other
/// code: the spec says parties MUST ignore them (section 3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command<'a> {
    /// `0x0000`: no more commands.
    Done,
    /// `0x0001`: the client's address as text (not checked here: see [`parse_useraddr`]).
    UserAddr(&'a [u8]),
    /// `0x0002`: the transport's name (not checked here: see [`check_transport`]).
    Transport(&'a [u8]),
    /// `0x1000`: tor accepts the connection.
    Okay,
    /// `0x1001`: tor refuses the connection.
    Deny,
    /// `0x1002`: reserved.
    Control(&'a [u8]),
    /// Any other code.
    Unknown {
        /// The command code (never one of the six above).
        code: u16,
        /// The body.
        body: &'a [u8],
    },
}

impl<'a> Command<'a> {
    /// The command with this code and body (a body on DONE, OKAY or DENY is dropped).
    pub fn from_parts(code: u16, body: &'a [u8]) -> Self {
        match code {
            DONE => Command::Done,
            USERADDR => Command::UserAddr(body),
            TRANSPORT => Command::Transport(body),
            OKAY => Command::Okay,
            DENY => Command::Deny,
            CONTROL => Command::Control(body),
            code => Command::Unknown { code, body },
        }
    }

    /// The command code.
    pub fn code(&self) -> u16 {
        match self {
            Command::Done => DONE,
            Command::UserAddr(_) => USERADDR,
            Command::Transport(_) => TRANSPORT,
            Command::Okay => OKAY,
            Command::Deny => DENY,
            Command::Control(_) => CONTROL,
            Command::Unknown { code, .. } => *code,
        }
    }

    /// The body (empty for DONE, OKAY and DENY).
    pub fn body(&self) -> &'a [u8] {
        match self {
            Command::UserAddr(b) | Command::Transport(b) | Command::Control(b) => b,
            Command::Unknown { body, .. } => body,
            Command::Done | Command::Okay | Command::Deny => &[],
        }
    }

    /// Parses one command from the start of `input`; the bytes after it are not looked at
    /// (goptlib's `pt_test.go` `TestExtOrPortRecvCommand` vectors). A strict prefix of a
    /// command is [`Parsed::Incomplete`] with the exact number of bytes missing once the
    /// header has arrived. There is no invalid command: every code and length is framing.
    #[inline]
    pub fn parse(input: &'a [u8]) -> Parsed<Command<'a>> {
        let Some(&[c0, c1, l0, l1]) = input.get(..HEADER_LEN) else {
            return Parsed::need(HEADER_LEN, input.len());
        };
        let total = HEADER_LEN + usize::from(u16::from_be_bytes([l0, l1]));
        match input.get(HEADER_LEN..total) {
            Some(body) => Parsed::Complete {
                value: Command::from_parts(u16::from_be_bytes([c0, c1]), body),
                len: total,
            },
            None => Parsed::need(total, input.len()),
        }
    }

    /// The number of bytes [`encode`](Self::encode) writes.
    pub fn encoded_len(&self) -> usize {
        HEADER_LEN + self.body().len()
    }

    /// Writes the command into `out` and returns the bytes written.
    ///
    /// # Errors
    ///
    /// [`Error::BodyTooLong`] for a body over [`MAX_BODY_LEN`] bytes (tor and goptlib refuse
    /// it too), [`Error::BufferTooSmall`] when `out` lacks room; either way nothing is written.
    pub fn encode<B: BufMut>(&self, out: &mut B) -> Result<usize, Error> {
        encode_raw(self.code(), self.body(), out)
    }
}

/// Writes a command with any code and body (a DONE with a body, for a test) into `out`.
///
/// # Errors
///
/// As [`Command::encode`].
pub fn encode_raw<B: BufMut>(code: u16, body: &[u8], out: &mut B) -> Result<usize, Error> {
    let Ok(len) = u16::try_from(body.len()) else {
        return Err(Error::BodyTooLong { len: body.len() });
    };
    check_room(out, HEADER_LEN + body.len())?;
    out.put_u16(code);
    out.put_u16(len);
    out.put_slice(body);
    Ok(HEADER_LEN + body.len())
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Command<'a> {
    /// Only valid commands: bodies of at most [`MAX_BODY_LEN`] bytes, and an `Unknown` code is
    /// never one of the six known ones, so that `parse(encode(x)) == x`.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let body = |u: &mut arbitrary::Unstructured<'a>| -> arbitrary::Result<&'a [u8]> {
            let len = u.int_in_range(0..=MAX_BODY_LEN.min(u.len()))?;
            u.bytes(len)
        };
        Ok(match u.int_in_range(0..=6u8)? {
            0 => Command::Done,
            1 => Command::UserAddr(body(u)?),
            2 => Command::Transport(body(u)?),
            3 => Command::Okay,
            4 => Command::Deny,
            5 => Command::Control(body(u)?),
            _ => {
                let code = match u16::arbitrary(u)? {
                    c @ (DONE | USERADDR | TRANSPORT | OKAY | DENY | CONTROL) => c | 0x0100,
                    c => c,
                };
                Command::Unknown {
                    code,
                    body: body(u)?,
                }
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// USERADDR

/// Reads a USERADDR body the way tor does (`ext_orport.c`
/// `connection_ext_or_handle_cmd_useraddr`, which calls `tor_addr_port_split` and
/// `tor_addr_parse`; behaviours: `extorport-useraddr-grammar`):
///
/// 1. a NUL byte anywhere fails ([`Error::UserAddrNul`]);
/// 2. a body that is a whole IPv6 literal, bracketed or not, is that address with port 0
///    (`[::1]`, `::1`, and `2001:db8::1:443`, which is one address);
/// 3. otherwise the body splits at its last `:` into an IP literal (IPv4, or IPv6 with or
///    without brackets: `1:2:3:4:5:6:7:8:80` is port 80) and a port read as C's `strtol` reads it (leading white space and a `+` are
///    allowed) that must be 1 to 65535;
/// 4. a body without a `:` is an IPv4 literal with port 0 (tor only warns about the missing
///    port).
///
/// IPv4 octets are 1 to 3 decimal digits without a leading zero, as tor's `tor_inet_aton`
/// reads them. Host names, `[1.2.3.4]`, spaces around the address and a trailing line feed
/// fail ([`Error::BadUserAddr`]).
///
/// ```
/// use pt_extorport::command::parse_useraddr;
///
/// assert_eq!(parse_useraddr(b"1.2.3.4:5678")?.to_string(), "1.2.3.4:5678");
/// assert_eq!(parse_useraddr(b"[2001:db8::1]:443")?.to_string(), "[2001:db8::1]:443");
/// assert_eq!(parse_useraddr(b"1.2.3.4")?.port(), 0);
/// assert!(parse_useraddr(b"1.2.3.4:0").is_err());
/// assert!(parse_useraddr(b"not-an-address").is_err());
/// # Ok::<(), pt_extorport::Error>(())
/// ```
#[inline]
pub fn parse_useraddr(body: &[u8]) -> Result<SocketAddr, Error> {
    match fast_useraddr(body) {
        Some(addr) => Ok(addr),
        None => useraddr_grammar(body),
    }
}

// The fast path, hand-written because the grammar costs far more than the 20 % the house
// rules allow. The grammar below (nom, with `core::net`'s parsers for the IP literals) took
// 752 instructions and 48-72 ns for `198.51.100.7:50000`, 641 and 38-59 ns for
// `1.2.3.4:5678`, 1,536 and 145-150 ns for `[2001:db8::1]:443` (callgrind and divan,
// `wire::parse_useraddr`, 2-core development machine, harness included), which made USERADDR a
// third of the tor side's overhead over its two HMACs (21,100 instructions). The fast path
// reads the two forms a PT writes (`ext-orport-spec.txt` section 3.2.1) in 273, 182 and 508
// instructions. Anything else, valid or not, goes to the grammar, and the answer is the same
// either way (the `tests` module below compares the two).

/// `a.b.c.d:port` or `[IPv6]:port` with a port of 1 to 5 digits (1 to 65535): the address, or
/// `None` for anything else (which the grammar then reads).
#[inline]
fn fast_useraddr(body: &[u8]) -> Option<SocketAddr> {
    if body.first() == Some(&b'[') {
        fast_bracketed_v6(body)
    } else {
        fast_v4(body)
    }
}

/// `a.b.c.d:port`.
#[inline]
fn fast_v4(body: &[u8]) -> Option<SocketAddr> {
    let (octets, port) = dotted_quad(body, Some(b':'))?;
    let port = fast_port(port)?;
    Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::from(octets)), port))
}

/// A dotted IPv4 address at the start of `s`, followed by `then` (and the rest after it,
/// returned) or, with `None`, by nothing.
#[inline(always)]
fn dotted_quad(s: &[u8], then: Option<u8>) -> Option<([u8; 4], &[u8])> {
    let (a, s) = octet(s, Some(b'.'))?;
    let (b, s) = octet(s, Some(b'.'))?;
    let (c, s) = octet(s, Some(b'.'))?;
    let (d, s) = octet(s, then)?;
    Some(([a, b, c, d], s))
}

/// An octet at the start of `s` as `core::net` and tor read it (1 to 3 digits, no leading
/// zero, at most 255), followed by `then` (or by nothing), and the rest after `then`.
#[inline(always)]
fn octet(s: &[u8], then: Option<u8>) -> Option<(u8, &[u8])> {
    let ends = |rest: &[u8]| match then {
        Some(b) => rest.first() == Some(&b),
        None => rest.is_empty(),
    };
    let (value, rest) = match *s {
        [d @ b'0'..=b'9', ref rest @ ..] if ends(rest) => (digit(d), rest),
        [d1 @ b'1'..=b'9', d2 @ b'0'..=b'9', ref rest @ ..] if ends(rest) => {
            (digit(d1) * 10 + digit(d2), rest)
        }
        [
            d1 @ b'1'..=b'9',
            d2 @ b'0'..=b'9',
            d3 @ b'0'..=b'9',
            ref rest @ ..,
        ] if ends(rest) => (digit(d1) * 100 + digit(d2) * 10 + digit(d3), rest),
        _ => return None,
    };
    Some((
        u8::try_from(value).ok()?,
        rest.get(usize::from(then.is_some())..)?,
    ))
}

/// `[IPv6]:port`.
#[inline]
fn fast_bracketed_v6(body: &[u8]) -> Option<SocketAddr> {
    let close = body.iter().position(|&b| b == b']')?;
    let inner = body.get(1..close)?;
    let port = fast_port(body.get(close + 1..)?.strip_prefix(b":")?)?;
    let ip = fast_ipv6(inner)?;
    Some(SocketAddr::new(IpAddr::V6(ip), port))
}

/// An IPv6 address as `core::net` reads it (RFC 4291 section 2.2): 1-to-4-digit hexadecimal
/// groups, eight of them, or at most seven and one `::`, the last two of which may be written
/// as a dotted IPv4 address.
#[inline]
fn fast_ipv6(text: &[u8]) -> Option<Ipv6Addr> {
    let mut groups = [0u16; 8];
    let mut n = 0;
    let mut gap = None;
    let mut rest = text;
    if let Some(after) = rest.strip_prefix(b"::") {
        gap = Some(0);
        rest = after;
    }
    while !rest.is_empty() {
        // A dotted IPv4 part ends the address and stands for two groups.
        if let Some((quad, _)) = dotted_quad(rest, None) {
            let [a, b, c, d] = quad;
            *groups.get_mut(n)? = u16::from_be_bytes([a, b]);
            *groups.get_mut(n + 1)? = u16::from_be_bytes([c, d]);
            n += 2;
            break;
        }
        let (value, len) = hex_group(rest)?;
        *groups.get_mut(n)? = value;
        n += 1;
        rest = match rest.get(len..)? {
            [] => break,
            [b':', b':', after @ ..] if gap.is_none() => {
                gap = Some(n);
                after
            }
            // A group must follow a single colon.
            [b':', after @ ..] if !after.is_empty() => after,
            _ => return None,
        };
    }
    match gap {
        None if n == 8 => {}
        Some(at) if n <= 7 => {
            // The groups after `::` move to the end; zeros fill the gap.
            let tail = n - at;
            groups.copy_within(at..n, 8 - tail);
            groups.get_mut(at..8 - tail)?.fill(0);
        }
        _ => return None,
    }
    Some(Ipv6Addr::from(groups))
}

/// The value and length of the 1 to 4 hexadecimal digits at the start of `s`.
#[inline]
fn hex_group(s: &[u8]) -> Option<(u16, usize)> {
    let mut value = 0u16;
    let mut len = 0;
    for &b in s.iter().take(4) {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => break,
        };
        value = value << 4 | u16::from(d);
        len += 1;
    }
    (len > 0).then_some((value, len))
}

/// A port that is all of `digits`: 1 to 5 decimal digits making 1 to 65535.
#[inline]
fn fast_port(digits: &[u8]) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 {
        return None;
    }
    let mut value = 0u32;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value * 10 + u32::from(d);
    }
    match u16::try_from(value) {
        Ok(port @ 1..) => Some(port),
        _ => None,
    }
}

/// The value of an ASCII digit.
#[inline]
fn digit(d: u8) -> u32 {
    u32::from(d - b'0')
}

/// tor's whole USERADDR grammar (the steps in [`parse_useraddr`]'s docs).
fn useraddr_grammar(body: &[u8]) -> Result<SocketAddr, Error> {
    // One pass for the NUL check and the colons.
    let (mut colons, mut last_colon) = (0usize, None);
    for (offset, &b) in body.iter().enumerate() {
        match b {
            0 => return Err(Error::UserAddrNul { offset }),
            b':' => {
                colons += 1;
                last_colon = Some(offset);
            }
            _ => {}
        }
    }
    // An IPv6 literal has at least two colons: only then can the whole body be one.
    if colons >= 2
        && let Some(ip) = ipv6_literal(body)
    {
        return Ok(SocketAddr::new(IpAddr::V6(ip), 0));
    }
    let (address, port) = match last_colon {
        Some(colon) => {
            let (address, port) = body.split_at(colon);
            let port = port.get(1..).unwrap_or_default();
            match all_consuming(c_port).parse(port) {
                Ok((_, port)) => (address, port),
                Err(_) => {
                    return Err(Error::BadUserAddr {
                        problem: "the port is not a number from 1 to 65535",
                    });
                }
            }
        }
        None => (body, 0),
    };
    // `tor_addr_parse`: with a colon left, only IPv6 (bracketed or not) can match; without
    // one, only IPv4 (so `[1.2.3.4]` is refused, as tor refuses it).
    let ip = if colons >= 2 {
        ipv6_literal(address).map(IpAddr::V6)
    } else {
        core::str::from_utf8(address)
            .ok()
            .and_then(|s| s.parse::<Ipv4Addr>().ok())
            .map(IpAddr::V4)
    };
    match ip {
        Some(ip) => Ok(SocketAddr::new(ip, port)),
        None => Err(Error::BadUserAddr {
            problem: "the address is not an IP literal",
        }),
    }
}

/// An IPv6 literal as `tor_addr_parse` reads one: `[` IPv6 `]`, or bare.
fn ipv6_literal(text: &[u8]) -> Option<Ipv6Addr> {
    // `[...]:port` is no literal: say so before parsing the address in brackets.
    if text.first() == Some(&b'[') && text.last() != Some(&b']') {
        return None;
    }
    let (_, ip) = all_consuming(alt((bracketed_ipv6, bare_ipv6)))
        .parse(text)
        .ok()?;
    Some(ip)
}

/// `"[" IPv6 "]"`.
fn bracketed_ipv6(input: &[u8]) -> IResult<&[u8], Ipv6Addr> {
    let (rest, inner) =
        delimited(tag(&b"["[..]), take_while(|b| b != b']'), tag(&b"]"[..])).parse(input)?;
    let (_, ip) = bare_ipv6(inner)?;
    Ok((rest, ip))
}

/// A bare IPv6 literal: the whole rest of the input, read by core's parser (tor's
/// `tor_inet_pton` differs only on forms no PT writes: behaviours:
/// `extorport-useraddr-grammar`).
fn bare_ipv6(input: &[u8]) -> IResult<&[u8], Ipv6Addr> {
    match core::str::from_utf8(input)
        .ok()
        .and_then(|s| s.parse::<Ipv6Addr>().ok())
    {
        Some(ip) => Ok((input.get(input.len()..).unwrap_or_default(), ip)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::Verify,
        ))),
    }
}

/// A port as `tor_parse_long(s, 10, 1, 65535)` reads it: C `strtol` skips white space
/// (`isspace`: space, `\t`, `\n`, `\v`, `\f`, `\r`) and takes one sign, then decimal digits,
/// which must be all that is left and make a number from 1 to 65535 (leading zeros are fine).
fn c_port(input: &[u8]) -> IResult<&[u8], u16> {
    let (rest, (minus, digits)) = preceded(
        take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')),
        (opt(alt((tag(&b"+"[..]), tag(&b"-"[..])))), digit1),
    )
    .parse(input)?;
    let value = digits.iter().fold(0u32, |n, d| {
        n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    });
    let negative = minus.is_some_and(|m: &[u8]| m == b"-");
    match u16::try_from(value) {
        Ok(port @ 1..) if !negative => Ok((rest, port)),
        _ => Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::Verify,
        ))),
    }
}

/// Writes `addr` as the spec's USERADDR text (`1.2.3.4:5678`, `[1:2::3:4]:5678`) into `buf`
/// and returns its length (at most [`MAX_USERADDR_LEN`]): the text of `SocketAddr`'s `Display`
/// (RFC 5952 for IPv6, `::ffff:1.2.3.4` for a mapped IPv4 address), written byte by byte, but
/// without an IPv6 scope id (`%3`), which is no part of the spec's form and which tor refuses.
/// `core::fmt` took 440 instructions for `198.51.100.7:50000` and 1,460 for
/// `[2001:db8::1]:443`, a large part of the PT side's overhead over its two HMACs.
pub(crate) fn format_useraddr(addr: SocketAddr, buf: &mut [u8; MAX_USERADDR_LEN]) -> usize {
    match addr {
        SocketAddr::V4(a) => {
            let len = put_ipv4(buf, 0, a.ip().octets());
            buf[len] = b':';
            put_port(buf, len + 1, a.port())
        }
        SocketAddr::V6(a) => {
            buf[0] = b'[';
            let mut len = 1;
            if let Some(v4) = a.ip().to_ipv4_mapped() {
                buf[1..8].copy_from_slice(b"::ffff:");
                len = put_ipv4(buf, 8, v4.octets());
            } else {
                let groups = a.ip().segments();
                // RFC 5952 section 4.2: `::` stands for the longest run of two or more zero
                // groups, the first one if two are as long.
                let (mut zeros, mut zeros_len, mut run, mut run_len) = (0, 0, 0, 0);
                for (i, &g) in groups.iter().enumerate() {
                    if g == 0 {
                        if run_len == 0 {
                            run = i;
                        }
                        run_len += 1;
                        if run_len > zeros_len {
                            (zeros, zeros_len) = (run, run_len);
                        }
                    } else {
                        run_len = 0;
                    }
                }
                if zeros_len < 2 {
                    zeros = groups.len();
                }
                len = put_groups(buf, len, &groups[..zeros]);
                if zeros < groups.len() {
                    buf[len] = b':';
                    buf[len + 1] = b':';
                    len = put_groups(buf, len + 2, &groups[zeros + zeros_len..]);
                }
            }
            buf[len] = b']';
            buf[len + 1] = b':';
            put_port(buf, len + 2, a.port())
        }
    }
}

/// Writes `octets` as a dotted IPv4 address at `buf[at..]` (`at` <= 8) and returns the end.
#[inline]
fn put_ipv4(buf: &mut [u8; MAX_USERADDR_LEN], at: usize, octets: [u8; 4]) -> usize {
    let mut len = at;
    for octet in octets {
        len = put_octet(buf, len, octet);
        buf[len] = b'.';
        len += 1;
    }
    len - 1
}

/// Writes IPv6 groups in lowercase hexadecimal without leading zeros, separated by `:`, at
/// `buf[at..]`, and returns the end (eight groups and their colons fit in 39 bytes).
#[inline]
fn put_groups(buf: &mut [u8; MAX_USERADDR_LEN], at: usize, groups: &[u16]) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut len = at;
    for (i, &g) in groups.iter().enumerate() {
        if i > 0 {
            buf[len] = b':';
            len += 1;
        }
        let digits = match g {
            0..=0xf => 1,
            0x10..=0xff => 2,
            0x100..=0xfff => 3,
            _ => 4,
        };
        for d in 0..digits {
            buf[len + d] = HEX[usize::from((g >> (4 * (digits - 1 - d))) & 0xf)];
        }
        len += digits;
    }
    len
}

/// The decimal text of every octet, left-aligned in three bytes, then its length.
const OCTET_TEXT: [[u8; 4]; 256] = {
    let mut table = [[0u8; 4]; 256];
    let mut i = 0;
    while i < 256 {
        let v = i as u8;
        table[i] = if v >= 100 {
            [b'0' + v / 100, b'0' + v / 10 % 10, b'0' + v % 10, 3]
        } else if v >= 10 {
            [b'0' + v / 10, b'0' + v % 10, 0, 2]
        } else {
            [b'0' + v, 0, 0, 1]
        };
        i += 1;
    }
    table
};

/// Writes `octet` in decimal at `buf[at..]` and returns the end. Three bytes are written
/// whatever the length, from a table (dividing took 50 instructions an octet); the bytes
/// after the end are overwritten next or lie past the text. There is room: an IPv4 address
/// ends by byte 22 of 47, even after `[::ffff:`.
#[inline]
fn put_octet(buf: &mut [u8; MAX_USERADDR_LEN], at: usize, octet: u8) -> usize {
    let [a, b, c, len] = OCTET_TEXT[usize::from(octet)];
    buf[at..at + 3].copy_from_slice(&[a, b, c]);
    at + usize::from(len)
}

/// Writes `port` in decimal at `buf[at..]` (`at` <= 16 for IPv4, <= 42 for IPv6: room for 5
/// digits) and returns the end.
#[inline]
fn put_port(buf: &mut [u8; MAX_USERADDR_LEN], at: usize, port: u16) -> usize {
    let n = match port {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    };
    let mut v = port;
    let mut end = at + n;
    while end > at {
        end -= 1;
        buf[end] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    at + n
}

/// Writes a USERADDR command for `addr` into `out`, as `1.2.3.4:5678` or `[1:2::3:4]:5678`
/// (`SocketAddr`'s text without an IPv6 scope id).
///
/// # Errors
///
/// [`Error::BufferTooSmall`] (nothing written).
///
/// ```
/// let mut out = Vec::new();
/// pt_extorport::command::write_useraddr("1.2.3.4:5678".parse().unwrap(), &mut out)?;
/// assert_eq!(out, b"\x00\x01\x00\x0c1.2.3.4:5678");
/// # Ok::<(), pt_extorport::Error>(())
/// ```
pub fn write_useraddr<B: BufMut>(addr: SocketAddr, out: &mut B) -> Result<usize, Error> {
    let mut text = [0u8; MAX_USERADDR_LEN];
    let len = format_useraddr(addr, &mut text);
    encode_raw(USERADDR, text.get(..len).unwrap_or_default(), out)
}

/// Checks a TRANSPORT body as tor does (`ext_orport.c`
/// `connection_ext_or_handle_cmd_transport`): no NUL byte, and a C identifier
/// ([`pt_args::name::validate`]). The name is not compared with the configured transports,
/// and any length is fine (behaviours: `extorport-transport-name`).
///
/// ```
/// use pt_extorport::command::check_transport;
///
/// assert_eq!(check_transport(b"obfs4")?, "obfs4");
/// assert!(check_transport(b"rf*1149").is_err());
/// assert!(check_transport(b"rfc1149\0").is_err());
/// # Ok::<(), pt_extorport::Error>(())
/// ```
pub fn check_transport(body: &[u8]) -> Result<&str, Error> {
    match pt_args::name::validate(body) {
        // A C identifier is ASCII.
        Ok(()) => core::str::from_utf8(body).map_err(|e| Error::BadTransport {
            offset: e.valid_up_to(),
        }),
        // tor looks for a NUL first; a C identifier has none, so only a refused name is
        // searched for one.
        Err(e) => Err(match body.iter().position(|&b| b == 0) {
            Some(offset) => Error::TransportNul { offset },
            None => match e {
                pt_args::Error::InvalidTransportName { offset } => Error::BadTransport { offset },
                _ => Error::BadTransport { offset: 0 },
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{fast_useraddr, parse_useraddr, useraddr_grammar};
    use proptest::prelude::*;

    /// The fast path answers only where the grammar accepts, and gives the grammar's answer.
    fn agrees(body: &[u8]) -> Result<(), TestCaseError> {
        let grammar = useraddr_grammar(body);
        if let Some(fast) = fast_useraddr(body) {
            prop_assert_eq!(Ok(fast), grammar.clone(), "{:?}", body);
        }
        prop_assert_eq!(parse_useraddr(body), grammar, "{:?}", body);
        Ok(())
    }

    /// Bytes that address text is made of, and the ones the fast path must turn away.
    fn near_valid() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop::sample::select(&b"0123456789.:[]abcdefABCDEF +-\t\n\0x\xff"[..]);
        prop::collection::vec(byte, 0..48)
    }

    /// A valid address written in the fast path's forms, then changed in one byte.
    fn mutated() -> impl Strategy<Value = Vec<u8>> {
        (
            any::<core::net::SocketAddr>(),
            any::<prop::sample::Index>(),
            prop::sample::select(&b"0123456789.:[]a +-\0"[..]),
            0..3u8,
        )
            .prop_map(|(addr, at, byte, how)| {
                let mut text = addr.to_string().into_bytes();
                let i = at.index(text.len() + 1);
                match how {
                    0 if i < text.len() => text[i] = byte,
                    1 => text.insert(i, byte),
                    _ if i < text.len() => {
                        text.remove(i);
                    }
                    _ => {}
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn fast_path_agrees_on_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..48)) {
            agrees(&body)?;
        }

        #[test]
        fn fast_path_agrees_on_near_valid_text(body in near_valid()) {
            agrees(&body)?;
        }

        #[test]
        fn fast_path_agrees_on_mutated_addresses(body in mutated()) {
            agrees(&body)?;
        }

        /// Every address the PT side writes (port 1 to 65535) takes the fast path.
        #[test]
        fn fast_path_takes_what_a_pt_writes(ip in any::<core::net::IpAddr>(), port in 1..=u16::MAX) {
            let addr = core::net::SocketAddr::new(ip, port);
            let text = addr.to_string();
            prop_assert_eq!(fast_useraddr(text.as_bytes()), Some(addr));
            agrees(text.as_bytes())?;
        }
    }

    /// An IPv6 address with many zero groups, to exercise `::`.
    fn sparse_ipv6() -> impl Strategy<Value = core::net::Ipv6Addr> {
        let group = prop_oneof![
            Just(0u16),
            Just(0u16),
            Just(1u16),
            Just(0xffff),
            any::<u16>()
        ];
        prop::array::uniform8(group).prop_map(core::net::Ipv6Addr::from)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// The hand-written text is `SocketAddr`'s `Display` without the scope id.
        #[test]
        fn format_matches_display(addr in any::<core::net::SocketAddr>(), ip6 in sparse_ipv6(),
                                  port in any::<u16>(), scope in any::<u32>()) {
            for addr in [
                addr,
                core::net::SocketAddr::new(ip6.into(), port),
                core::net::SocketAddr::new(ip6.to_canonical(), port),
                core::net::SocketAddrV6::new(ip6, port, 0, scope).into(),
            ] {
                let mut buf = [0; super::MAX_USERADDR_LEN];
                let len = super::format_useraddr(addr, &mut buf);
                let want = core::net::SocketAddr::new(addr.ip(), addr.port()).to_string();
                prop_assert_eq!(core::str::from_utf8(&buf[..len]), Ok(&*want));
            }
        }
    }

    /// The IPv6 forms with a special text: `::` at either end, ties, mapped IPv4.
    #[test]
    fn format_ipv6_edges() {
        for text in [
            "[::]:0",
            "[::1]:1",
            "[1::]:80",
            "[1:0:0:1:0:0:0:1]:80",
            "[1:0:0:1:0:0:1:1]:80",
            "[1:0:1:0:1:0:1:0]:80",
            "[::ffff:1.2.3.4]:80",
            "[::ffff:0.0.0.0]:65535",
            "[::1.2.3.4]:80",
            "[64:ff9b::1.2.3.4]:80",
            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
            "[fe80::1%4294967295]:65535",
        ] {
            let addr: core::net::SocketAddr = text.parse().unwrap();
            let mut buf = [0; super::MAX_USERADDR_LEN];
            let len = super::format_useraddr(addr, &mut buf);
            let want = core::net::SocketAddr::new(addr.ip(), addr.port()).to_string();
            assert_eq!(core::str::from_utf8(&buf[..len]), Ok(&*want), "{text}");
        }
    }

    /// The edges of each octet and of the port, on both sides of the fast path.
    #[test]
    fn fast_path_edges() {
        let fast = [
            "0.0.0.0:1",
            "255.255.255.255:65535",
            "1.2.3.4:0080",
            "1.2.3.4:00001",
            "10.100.200.9:5678",
            "[::]:1",
            "[1:2:3:4:5:6:7:8]:65535",
            "[1:2:3:4:5:6:7::]:80",
            "[::2:3:4:5:6:7:8]:80",
            "[1:2:3::6:7:8]:80",
            "[ABCD:ef01::]:80",
            "[0000:0:00:000::ffff]:80",
            "[::1.2.3.4]:80",
            "[::ffff:1.2.3.4]:80",
            "[1:2:3:4:5:6:1.2.3.4]:80",
            "[1:2:3:4:5::1.2.3.4]:80",
        ];
        for body in fast {
            assert!(fast_useraddr(body.as_bytes()).is_some(), "{body}");
            agrees(body.as_bytes()).unwrap();
        }
        let slow = [
            "256.1.1.1:80",
            "1.2.3.4:65536",
            "1.2.3.4:000080",
            "1.2.3.4:0",
            "1.2.3.4: 80",
            "1.2.3.4:+80",
            "1.2.3.4",
            "01.2.3.4:80",
            "1.2.3.00:80",
            "1234.2.3.4:80",
            "1.2.3:80",
            "1.2.3.4.5:80",
            "1.2.3.4:80:80",
            "[::1]",
            "[::1]:",
            "[::1]:0",
            "[::1]]:80",
            "[[::1]:80",
            "[1.2.3.4]:80",
            "[::01.2.3.4]:80",
            "[1:2:3:4:5:6::1.2.3.4]:80",
            "[1:2:3:4:5:1.2.3.4]:80",
            "[1:2:3:4:5:6:7:1.2.3.4]:80",
            "[1.2.3.4::]:80",
            "[::1.2.3.4.5]:80",
            "[::1.2.3]:80",
            "[1:2:3:4:5:6:7:8::]:80",
            "[::1:2:3:4:5:6:7:8]:80",
            "[1:2:3:4:5:6:7]:80",
            "[1:2:3:4:5:6:7:8:9]:80",
            "[1::2::3]:80",
            "[:::]:80",
            "[:1::]:80",
            "[1::2:]:80",
            "[12345::]:80",
            "[g::]:80",
            "[]:80",
            "::1",
            "1:2:3:4:5:6:7:8:80",
            "",
            ":",
            "[",
        ];
        for body in slow {
            assert!(fast_useraddr(body.as_bytes()).is_none(), "{body}");
            agrees(body.as_bytes()).unwrap();
        }
    }
}
