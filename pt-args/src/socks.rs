//! SOCKS per-connection arguments: `key=value;key=value` (`pt-spec.txt` section 3.5).
//!
//! A client PT receives these in the SOCKS5 username and password (RFC 1929) or the SOCKS4
//! USERID; the parent writes them from the bridge line's `k=v` items.
//!
//! **Decoding** follows goptlib by default ([`Policy::Lenient`]): a key ends at the first
//! unescaped `=`, a value at the next unescaped `;`, a backslash escapes any byte, and an
//! unescaped `=` inside a value is kept (tor never escapes `=`; behaviours:
//! `socks-args-equals-in-value`). The empty string is an empty list; a trailing `;`, an empty
//! key, a key without `=` and a trailing backslash are errors, as in goptlib's `args_test.go`
//! `TestParseClientParameters`. [`Policy::Strict`] is obfs4proxy's (and lyrebird's) decoder,
//! the one deployed obfs4 and meek_lite clients use: only `\\`, `\=` and `\;` are escapes
//! (behaviours: `socks-args-unknown-escape`).
//!
//! **Encoding** escapes `\`, `=` and `;` in keys and values ([`Escaping::Spec`], what the spec
//! asks and every decoder accepts). [`Escaping::Minimal`] escapes `\` and `;` everywhere and `=`
//! only in keys: byte for byte what tor sends for every bridge line tor accepts, and what Arti
//! sends always (behaviours: `socks-args-escape-set`), so it is the one to use when the 510-byte
//! limit is counted as tor counts (behaviours: `bridge-socks-args-510`).
//!
//! ```
//! use pt_args::socks;
//!
//! let args = socks::parse(r"shared-secret=rah\;asia;secrets-file=/tmp/blob;k=a=b")?;
//! assert_eq!(args.get("shared-secret"), Some("rah;asia"));
//! assert_eq!(args.get("k"), Some("a=b"));
//! assert_eq!(socks::to_string(&args)?, r"shared-secret=rah\;asia;secrets-file=/tmp/blob;k=a\=b");
//! # Ok::<(), pt_args::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::BufMut;

use crate::escape::{
    ByteSet, Escapes, Stops, check_room, encode_to_string, pairs_len, put_pairs, utf8,
};
use crate::list::{Grammar, parse_items};
use crate::{Args, Error};

/// The most bytes one RFC 1929 field (UNAME or PASSWD) carries.
pub const MAX_RFC1929_FIELD: usize = 255;

/// The most bytes of encoded arguments SOCKS5 can carry: UNAME plus PASSWD (tor's
/// `MAX_SOCKS5_AUTH_SIZE_TOTAL`; tor refuses a longer bridge line at configuration time).
pub const MAX_SOCKS5_ARGS: usize = 2 * MAX_RFC1929_FIELD;

/// How strictly to decode.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Policy {
    /// goptlib's decoder: a backslash escapes any byte (`k=a\xb` gives `axb`).
    #[default]
    Lenient,
    /// obfs4proxy's decoder: only `\\`, `\=` and `\;` are escapes; `k=a\xb` is an error.
    Strict,
}

/// Which bytes the encoder escapes.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Escaping {
    /// `\`, `=` and `;` in keys and values, as the spec says.
    #[default]
    Spec,
    /// `\` and `;` everywhere, `=` in keys only: tor's bytes (tor cannot express a key with
    /// `=`) and Arti's. Shorter when values hold `=`, which every decoder accepts unescaped.
    Minimal,
}

const SEPS: ByteSet = ByteSet::of(b";");
const STRICT_ESCAPES: ByteSet = ByteSet::of(b"\\=;");

const fn grammar(escapes: Escapes) -> Grammar {
    Grammar {
        seps: SEPS,
        prefix_stops: None,
        key_stops: Stops::of(b"=;"),
        value_stops: Stops::of(b";"),
        escapes,
    }
}

const LENIENT: Grammar = grammar(Escapes::Any);
const STRICT: Grammar = grammar(Escapes::Only(&STRICT_ESCAPES, r"\\ \= \;"));

/// Parses `input` with [`Policy::Lenient`].
pub fn parse(input: &str) -> Result<Args<'_>, Error> {
    parse_with(input, Policy::Lenient)
}

/// Parses `input` with the given policy.
///
/// ```
/// use pt_args::{Error, socks::{self, Policy}};
///
/// assert_eq!(socks::parse_with(r"k=a\xb", Policy::Lenient)?.get("k"), Some("axb"));
/// assert!(matches!(socks::parse_with(r"k=a\xb", Policy::Strict), Err(Error::InvalidEscape { offset: 3, .. })));
/// # Ok::<(), pt_args::Error>(())
/// ```
pub fn parse_with(input: &str, policy: Policy) -> Result<Args<'_>, Error> {
    let g = match policy {
        Policy::Lenient => &LENIENT,
        Policy::Strict => &STRICT,
    };
    let mut args = Args::new();
    parse_items(input, g, |item| {
        args.push(item.key.text(input), item.value.text(input));
        Ok(())
    })?;
    Ok(args)
}

/// Parses raw bytes (a SOCKS field), which must be UTF-8.
pub fn parse_bytes(input: &[u8], policy: Policy) -> Result<Args<'_>, Error> {
    parse_with(utf8(input)?, policy)
}

const SPEC_SPECIALS: ByteSet = ByteSet::of(b"\\=;");
const MINIMAL_VALUE_SPECIALS: ByteSet = ByteSet::of(b"\\;");

fn specials(escaping: Escaping) -> (&'static ByteSet, &'static ByteSet) {
    match escaping {
        Escaping::Spec => (&SPEC_SPECIALS, &SPEC_SPECIALS),
        Escaping::Minimal => (&SPEC_SPECIALS, &MINIMAL_VALUE_SPECIALS),
    }
}

/// The length of `args` encoded with [`Escaping::Spec`].
pub fn encoded_len(args: &Args<'_>) -> usize {
    encoded_len_with(args, Escaping::Spec)
}

/// The length of `args` encoded with `escaping`.
pub fn encoded_len_with(args: &Args<'_>, escaping: Escaping) -> usize {
    let (key_sp, value_sp) = specials(escaping);
    pairs_len(args, key_sp, value_sp)
}

/// Encodes `args` with [`Escaping::Spec`] into `buf`, returning the bytes written.
pub fn encode(args: &Args<'_>, buf: &mut impl BufMut) -> Result<usize, Error> {
    encode_with(args, Escaping::Spec, buf)
}

/// Encodes `args` into `buf`, returning the bytes written.
///
/// Fails, writing nothing, when a key is empty or `buf` is too small.
pub fn encode_with(
    args: &Args<'_>,
    escaping: Escaping,
    buf: &mut impl BufMut,
) -> Result<usize, Error> {
    if let Some(index) = args.iter().position(|(k, _)| k.is_empty()) {
        return Err(Error::EncodeEmptyKey { index });
    }
    let needed = encoded_len_with(args, escaping);
    check_room(buf, needed)?;
    let (key_sp, value_sp) = specials(escaping);
    put_pairs(buf, args, b';', key_sp, value_sp, None);
    Ok(needed)
}

/// Encodes `args` with [`Escaping::Spec`] into a new string.
pub fn to_string(args: &Args<'_>) -> Result<String, Error> {
    to_string_with(args, Escaping::Spec)
}

/// Encodes `args` with `escaping` into a new string.
pub fn to_string_with(args: &Args<'_>, escaping: Escaping) -> Result<String, Error> {
    encode_to_string(encoded_len_with(args, escaping), |out| {
        encode_with(args, escaping, out)
    })
}

/// Encoded arguments split into the RFC 1929 fields tor and Arti send (behaviours:
/// `rfc1929-nul-password-up-to-255`, `rfc1929-split-at-255`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rfc1929<'a> {
    /// UNAME: the first (at most) 255 bytes.
    pub uname: &'a [u8],
    /// PASSWD: the rest, or the single NUL byte when everything fit in UNAME.
    pub passwd: &'a [u8],
}

/// Splits encoded arguments into RFC 1929 UNAME and PASSWD exactly as tor and Arti do.
///
/// - empty: `None` (tor offers only "no authentication", `05 01 00`);
/// - 1 to 255 bytes: UNAME = the arguments, PASSWD = one NUL byte (tor uses `<= 255` where the
///   spec says "less than 255"; behaviours: `rfc1929-nul-password-up-to-255`);
/// - 256 to 510 bytes: UNAME = the first 255 bytes, PASSWD = the rest; the cut is by bytes and
///   may fall inside an escape or a UTF-8 character (behaviours: `rfc1929-split-at-255`);
/// - longer: [`Error::TooLong`].
///
/// ```
/// use pt_args::socks::{Rfc1929, to_rfc1929};
///
/// let f = to_rfc1929(b"iat-mode=0")?.unwrap();
/// assert_eq!(f, Rfc1929 { uname: b"iat-mode=0", passwd: b"\0" });
/// # Ok::<(), pt_args::Error>(())
/// ```
pub fn to_rfc1929(encoded: &[u8]) -> Result<Option<Rfc1929<'_>>, Error> {
    match encoded.len() {
        0 => Ok(None),
        1..=MAX_RFC1929_FIELD => Ok(Some(Rfc1929 {
            uname: encoded,
            passwd: b"\0",
        })),
        len if len <= MAX_SOCKS5_ARGS => {
            let (uname, passwd) = encoded.split_at(MAX_RFC1929_FIELD);
            Ok(Some(Rfc1929 { uname, passwd }))
        }
        len => Err(Error::TooLong {
            len,
            max: MAX_SOCKS5_ARGS,
        }),
    }
}

/// Joins RFC 1929 fields back into the encoded arguments: UNAME + PASSWD, unless PASSWD is the
/// single NUL byte, which means "no password" (behaviours: `rfc1929-nul-password-marker`).
/// Borrows when nothing is joined.
pub fn from_rfc1929<'a>(uname: &'a [u8], passwd: &[u8]) -> Cow<'a, [u8]> {
    if passwd == b"\0" || passwd.is_empty() {
        Cow::Borrowed(uname)
    } else {
        let mut joined = Vec::with_capacity(uname.len() + passwd.len());
        joined.extend_from_slice(uname);
        joined.extend_from_slice(passwd);
        Cow::Owned(joined)
    }
}

/// Joins RFC 1929 fields ([`from_rfc1929`]) and parses the result: what a client PT does with
/// the username and password it receives. Error offsets count from the start of UNAME.
///
/// ```
/// use pt_args::socks::{self, Policy};
///
/// let args = socks::parse_rfc1929(b"cert=AAAA;iat-mode=0", b"\0", Policy::Lenient)?;
/// assert_eq!(args.get("iat-mode"), Some("0"));
/// # Ok::<(), pt_args::Error>(())
/// ```
pub fn parse_rfc1929<'a>(
    uname: &'a [u8],
    passwd: &[u8],
    policy: Policy,
) -> Result<Args<'a>, Error> {
    match from_rfc1929(uname, passwd) {
        Cow::Borrowed(b) => parse_bytes(b, policy),
        Cow::Owned(joined) => parse_bytes(&joined, policy).map(Args::into_owned),
    }
}
