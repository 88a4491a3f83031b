//! SOCKS per-connection arguments: `key=value;key=value` (`pt-spec.txt` section 3.5).
//!
//! A client PT receives these in the SOCKS5 username and password (RFC 1929) or the SOCKS4
//! USERID; the parent writes them from the bridge line's `k=v` items.
//!
//! Keys and values are bytes: tor passes a bridge line's arguments unchanged, whatever they
//! hold, so the decoders take any bytes (`require_utf8` in [`Config`] refuses what is not
//! UTF-8), and [`Args::get`] gives text where the value is UTF-8 (behaviours:
//! `socks-args-are-bytes`).
//!
//! **Decoding** follows goptlib by default ([`Config::LENIENT`]): a key ends at the first
//! unescaped `=`, a value at the next unescaped `;`, a backslash escapes any byte, and an
//! unescaped `=` inside a value is kept (tor never escapes `=`; behaviours:
//! `socks-args-equals-in-value`). The empty string is an empty list; a trailing `;`, an empty
//! key, a key without `=` and a trailing backslash are errors, as in goptlib's `args_test.go`
//! `TestParseClientParameters`. [`Config::STRICT`] is obfs4proxy's (and lyrebird's) decoder,
//! the one deployed obfs4 and meek_lite clients use: only `\\`, `\=` and `\;` are escapes
//! (behaviours: `socks-args-unknown-escape`).
//!
//! **Encoding** escapes `\`, `=` and `;` in keys and values ([`Escaping::Spec`], what the spec
//! asks and every decoder accepts). [`Escaping::Minimal`] escapes `\` and `;` everywhere and `=`
//! only in keys: byte for byte what tor sends for every bridge line tor accepts, and what Arti
//! sends always (behaviours: `socks-args-escape-set`), so it is the one to use when the 510-byte
//! limit is counted as tor counts (behaviours: `bridge-socks-args-510`). Both refuse a NUL byte
//! ([`Error::Unencodable`]): SOCKS4 ends the USERID at a NUL, and after the RFC 1929 split a
//! PASSWD that is a lone NUL reads back as "no password" (behaviours:
//! `socks-args-nul-unencodable`).
//!
//! ```
//! use pt_args::socks;
//!
//! let args = socks::parse(r"shared-secret=rah\;asia;secrets-file=/tmp/blob;k=a=b")?;
//! assert_eq!(args.get("shared-secret"), Some("rah;asia"));
//! assert_eq!(args.get("k"), Some("a=b"));
//! assert_eq!(socks::to_string(&args)?, r"shared-secret=rah\;asia;secrets-file=/tmp/blob;k=a\=b");
//!
//! // Bytes that are not UTF-8 are arguments too (tor sends them unchanged).
//! let latin1 = socks::parse(b"k=caf\xe9")?;
//! assert_eq!(latin1.get_bytes("k"), Some(&b"caf\xe9"[..]));
//! assert_eq!(latin1.get("k"), None); // not text
//! # Ok::<(), pt_args::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::BufMut;

use crate::escape::{
    ByteSet, Escapes, check_input, check_room, encode_to_string, encode_to_vec, first_forbidden,
    pairs_len, put_pairs,
};
use crate::list::{Grammar, parse_items};
use crate::{Args, Error};

/// The most bytes one RFC 1929 field (UNAME or PASSWD) carries.
pub const MAX_RFC1929_FIELD: usize = 255;

/// The most bytes of encoded arguments SOCKS5 can carry: UNAME plus PASSWD (tor's
/// `MAX_SOCKS5_AUTH_SIZE_TOTAL`; tor refuses a longer bridge line at configuration time).
pub const MAX_SOCKS5_ARGS: usize = 2 * MAX_RFC1929_FIELD;

/// How to decode: the same shape as [`smethod::Config`](crate::smethod::Config) and
/// [`options::Config`](crate::options::Config). The default is [`Config::LENIENT`].
///
/// ```
/// use pt_args::{Error, socks::{self, Config}};
///
/// let strict = Config::STRICT.with_require_utf8(true);
/// assert_eq!(socks::parse_with(b"k=caf\xe9", strict), Err(Error::NotUtf8 { offset: 5 }));
/// assert!(socks::parse_with(b"k=caf\xe9", Config::STRICT).is_ok());
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct Config {
    /// obfs4proxy's decoder: only `\\`, `\=` and `\;` are escapes, `k=a\xb` is an error.
    /// Off: goptlib's decoder, a backslash escapes any byte (`k=a\xb` gives `axb`).
    pub strict: bool,
    /// Refuse input that is not UTF-8 ([`Error::NotUtf8`]), so that every key and value of
    /// the result is text.
    pub require_utf8: bool,
}

impl Config {
    /// goptlib's decoder, any bytes (the default).
    pub const LENIENT: Config = Config {
        strict: false,
        require_utf8: false,
    };
    /// obfs4proxy's decoder, any bytes.
    pub const STRICT: Config = Config {
        strict: true,
        require_utf8: false,
    };

    crate::config_setters!();
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

const STRICT_ESCAPES: ByteSet = ByteSet::of(b"\\=;");

const LENIENT: Grammar = Grammar::new(b";", false, b"", Escapes::Any);
const STRICT: Grammar = Grammar::new(
    b";",
    false,
    b"",
    Escapes::Only(&STRICT_ESCAPES, r"\\ \= \;"),
);

/// Parses `input` (text or bytes) with [`Config::LENIENT`].
#[inline]
pub fn parse<I: AsRef<[u8]> + ?Sized>(input: &I) -> Result<Args<'_>, Error> {
    parse_with(input, Config::LENIENT)
}

/// Parses `input` (text or bytes) with the given config. Borrows every field without a
/// backslash; allocates only to unescape.
///
/// ```
/// use pt_args::{Error, socks::{self, Config}};
///
/// assert_eq!(socks::parse_with(r"k=a\xb", Config::LENIENT)?.get("k"), Some("axb"));
/// assert!(matches!(socks::parse_with(r"k=a\xb", Config::STRICT), Err(Error::InvalidEscape { offset: 3, .. })));
/// # Ok::<(), pt_args::Error>(())
/// ```
#[inline]
pub fn parse_with<I: AsRef<[u8]> + ?Sized>(input: &I, config: Config) -> Result<Args<'_>, Error> {
    let input = input.as_ref();
    check_input(input, config.require_utf8)?;
    // Built where it is returned: an `Args` is 144 bytes, not worth a copy per parse.
    let mut out = Ok(Args::parsing(input));
    if let Ok(args) = &mut out
        && let Err(e) = parse_items(input, grammar_of(config), |item| {
            args.push_field(input, item.key, item.value);
            Ok(())
        })
    {
        out = Err(e);
    }
    out
}

fn grammar_of(config: Config) -> &'static Grammar {
    if config.strict { &STRICT } else { &LENIENT }
}

pub(crate) const SPEC_SPECIALS: ByteSet = ByteSet::of(b"\\=;");
pub(crate) const MINIMAL_VALUE_SPECIALS: ByteSet = ByteSet::of(b"\\;");
const FORBIDDEN: ByteSet = ByteSet::of(b"\0");

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

/// Checks that every pair of `args` can be encoded: a non-empty key, no NUL.
pub(crate) fn check_encodable(args: &Args<'_>) -> Result<(), Error> {
    for (index, (k, v)) in args.iter().enumerate() {
        if k.is_empty() {
            return Err(Error::EncodeEmptyKey { index });
        }
        if let Some(found) =
            first_forbidden(k, &FORBIDDEN).or_else(|| first_forbidden(v, &FORBIDDEN))
        {
            return Err(Error::Unencodable { index, found });
        }
    }
    Ok(())
}

/// Encodes `args` into `buf`, returning the bytes written.
///
/// Fails, writing nothing, when a key is empty, a key or value holds a NUL byte (which
/// SOCKS cannot carry intact: see the [module docs](self)), or `buf` is too small.
///
/// ```
/// use pt_args::{Args, Error, socks};
///
/// let args: Args = [("k", "a\0b")].into_iter().collect();
/// assert_eq!(socks::to_vec(&args), Err(Error::Unencodable { index: 0, found: 0 }));
/// ```
pub fn encode_with(
    args: &Args<'_>,
    escaping: Escaping,
    buf: &mut impl BufMut,
) -> Result<usize, Error> {
    check_encodable(args)?;
    let needed = encoded_len_with(args, escaping);
    check_room(buf, needed)?;
    let (key_sp, value_sp) = specials(escaping);
    put_pairs(buf, args, b';', key_sp, value_sp, None);
    Ok(needed)
}

/// Encodes `args` with [`Escaping::Spec`] into a new `Vec`.
pub fn to_vec(args: &Args<'_>) -> Result<Vec<u8>, Error> {
    to_vec_with(args, Escaping::Spec)
}

/// Encodes `args` with `escaping` into a new `Vec`.
pub fn to_vec_with(args: &Args<'_>, escaping: Escaping) -> Result<Vec<u8>, Error> {
    encode_to_vec(encoded_len_with(args, escaping), |out| {
        encode_with(args, escaping, out)
    })
}

/// Encodes `args` with [`Escaping::Spec`] into a new string ([`Error::NotUtf8`] if the
/// arguments are not text: use [`to_vec`] for bytes).
pub fn to_string(args: &Args<'_>) -> Result<String, Error> {
    to_string_with(args, Escaping::Spec)
}

/// Encodes `args` with `escaping` into a new string ([`Error::NotUtf8`] if the arguments are
/// not text: use [`to_vec_with`] for bytes).
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
#[inline]
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
/// Borrows UNAME when PASSWD is the NUL marker; otherwise the joined copy becomes the
/// `Args`' own buffer, so the bytes are copied once.
///
/// ```
/// use pt_args::socks::{self, Config};
///
/// let args = socks::parse_rfc1929(b"cert=AAAA;iat-mode=0", b"\0", Config::LENIENT)?;
/// assert_eq!(args.get("iat-mode"), Some("0"));
/// assert!(args.is_borrowed());
/// # Ok::<(), pt_args::Error>(())
/// ```
#[inline]
pub fn parse_rfc1929<'a>(
    uname: &'a [u8],
    passwd: &[u8],
    config: Config,
) -> Result<Args<'a>, Error> {
    let joined = match from_rfc1929(uname, passwd) {
        Cow::Borrowed(uname) => return parse_with(uname, config),
        Cow::Owned(joined) => joined,
    };
    // The joined input and its unescaped pairs share one buffer of 31-bit offsets.
    if joined.len() > crate::MAX_INPUT / 2 {
        return Err(Error::TooLong {
            len: joined.len(),
            max: crate::MAX_INPUT / 2,
        });
    }
    check_input(&joined, config.require_utf8)?;
    let mut args = Args::new();
    parse_items(&joined, grammar_of(config), |item| {
        args.push_field_owned(&joined, item.key, item.value);
        Ok(())
    })?;
    Ok(args.finish_owned(joined))
}
