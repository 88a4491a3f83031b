//! RFC 1929 username/password sub-negotiation (SOCKS5 method `02`).
//!
//! ```text
//! request  VER=01 ULEN UNAME(0-255) PLEN PASSWD(0-255)
//! reply    VER=01 STATUS (00 = success)
//! ```
//!
//! The RFC asks for 1 to 255 bytes per field; goptlib and obfs4proxy refuse empty fields, Arti
//! accepts them (behaviours: `rfc1929-empty-fields`). The parser accepts them; the server
//! machine refuses them under its strict policy. PT 1.0 puts the per-connection arguments here
//! (see [`UserPass::pt_args`]).
//!
//! ```
//! use pt_socks::{Encode, Parse, Parsed};
//! use pt_socks::rfc1929::UserPass;
//!
//! let wire = b"\x01\x0aiat-mode=0\x01\x00";
//! let Parsed::Complete { value, len } = UserPass::parse(wire)? else { unreachable!() };
//! assert_eq!((value.uname, value.passwd, len), (&b"iat-mode=0"[..], &b"\0"[..], 14));
//! assert_eq!(value.pt_args(pt_args::socks::Config::LENIENT)?.get("iat-mode"), Some("0"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use bytes::BufMut;

use crate::util::{byte, check_room};
use crate::{Encode, Error, Parse, Parsed};

/// The most bytes in UNAME or PASSWD.
pub const MAX_FIELD: usize = pt_args::socks::MAX_RFC1929_FIELD;

/// An RFC 1929 request: username and password, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UserPass<'a> {
    /// UNAME (0-255 bytes).
    pub uname: &'a [u8],
    /// PASSWD (0-255 bytes).
    pub passwd: &'a [u8],
}

impl<'a> UserPass<'a> {
    /// Fields carrying encoded PT arguments, split exactly as tor and Arti split them
    /// (behaviours: `rfc1929-nul-password-up-to-255`, `rfc1929-split-at-255`):
    /// up to 255 bytes go in UNAME with PASSWD = one NUL byte; 256 to 510 bytes are cut at byte
    /// 255; `None` for empty arguments (offer no-auth instead); longer is an error.
    pub fn from_pt_args(encoded: &'a [u8]) -> Result<Option<Self>, Error> {
        Ok(pt_args::socks::to_rfc1929(encoded)?.map(|f| UserPass {
            uname: f.uname,
            passwd: f.passwd,
        }))
    }

    /// The PT arguments these fields carry: UNAME + PASSWD joined unless PASSWD is the single
    /// NUL byte (behaviours: `rfc1929-nul-password-marker`), then parsed with `config`. Borrows
    /// from UNAME when nothing was joined and nothing needed unescaping.
    #[inline]
    pub fn pt_args(
        &self,
        config: pt_args::socks::Config,
    ) -> Result<pt_args::Args<'a>, pt_args::Error> {
        pt_args::socks::parse_rfc1929(self.uname, self.passwd, config)
    }
}

impl<'a> Parse<'a> for UserPass<'a> {
    /// Parses the request; a version byte other than `01` is [`Error::BadAuthVersion`].
    fn parse(input: &'a [u8]) -> Result<Parsed<Self>, Error> {
        match byte(input, 0) {
            None => return Ok(Parsed::need(3, 0)),
            Some(1) => {}
            Some(found) => return Err(Error::BadAuthVersion { found }),
        }
        let Some(ulen) = byte(input, 1) else {
            return Ok(Parsed::need(3, input.len()));
        };
        let plen_at = 2 + ulen as usize;
        let Some(plen) = byte(input, plen_at) else {
            return Ok(Parsed::need(plen_at + 1, input.len()));
        };
        let len = plen_at + 1 + plen as usize;
        match (input.get(2..plen_at), input.get(plen_at + 1..len)) {
            (Some(uname), Some(passwd)) => Ok(Parsed::Complete {
                value: UserPass { uname, passwd },
                len,
            }),
            _ => Ok(Parsed::need(len, input.len())),
        }
    }
}

impl Encode for UserPass<'_> {
    fn encoded_len(&self) -> usize {
        3 + self.uname.len() + self.passwd.len()
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        let too_long = || Error::Unencodable {
            what: "an RFC 1929 field longer than 255 bytes",
        };
        let ulen = u8::try_from(self.uname.len()).map_err(|_| too_long())?;
        let plen = u8::try_from(self.passwd.len()).map_err(|_| too_long())?;
        let len = self.encoded_len();
        check_room(buf, len)?;
        buf.put_u8(1);
        buf.put_u8(ulen);
        buf.put_slice(self.uname);
        buf.put_u8(plen);
        buf.put_slice(self.passwd);
        Ok(len)
    }
}

/// The RFC 1929 reply: `01 STATUS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Status(pub u8);

impl Status {
    /// `01 00`: accepted.
    pub const SUCCESS: Status = Status(0);
    /// `01 01`: refused (any non-zero status is a refusal).
    pub const FAILURE: Status = Status(1);

    /// Whether the status is 0.
    pub const fn is_success(self) -> bool {
        self.0 == 0
    }
}

impl Parse<'_> for Status {
    /// Parses `VER STATUS`; the version byte is not checked (tor does not; behaviours:
    /// `socks-client-reply-leniency`).
    fn parse(input: &[u8]) -> Result<Parsed<Self>, Error> {
        match input {
            [_, s, ..] => Ok(Parsed::Complete {
                value: Status(*s),
                len: 2,
            }),
            _ => Ok(Parsed::need(2, input.len())),
        }
    }
}

impl Encode for Status {
    fn encoded_len(&self) -> usize {
        2
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        check_room(buf, 2)?;
        buf.put_slice(&[1, self.0]);
        Ok(2)
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for UserPass<'a> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let ulen = u.int_in_range(0..=MAX_FIELD)?;
        let uname = u.bytes(ulen)?;
        let plen = u.int_in_range(0..=MAX_FIELD)?;
        Ok(UserPass {
            uname,
            passwd: u.bytes(plen)?,
        })
    }
}
