//! SMETHOD `ARGS:` values: `key=value,key=value` (`pt-spec.txt` section 3.3.3).
//!
//! A server PT publishes these (for example obfs4's `cert=...,iat-mode=0`); tor copies them
//! verbatim into the bridge's extra-info, and a client later receives them as SOCKS arguments.
//!
//! **Encoding** escapes `\`, `=` and `,` in keys and values, as goptlib does (the spec names
//! only `=` and `,`, but without escaping `\` a value ending in a backslash could not be read
//! back; behaviours: `smethod-args-escape-backslash`). Pair order is kept (goptlib sorts keys;
//! order carries no meaning; behaviours: `smethod-args-key-order`). A space, tab, CR, LF or NUL
//! cannot be carried, because tor splits the SMETHOD line at spaces and lines at LF: such a pair
//! is an [`Error::Unencodable`], never a broken line (behaviours:
//! `smethod-args-line-breaking-bytes`).
//!
//! **Decoding** lets a backslash escape any byte. By default an unescaped `=` in a value is kept;
//! [`Config::STRICT`] rejects it as Arti does (behaviours: `smethod-args-equals-in-value`).
//! [`Config::pt2_semicolons`] also accepts `;` as a separator, for the PT 2.x dialect whose
//! examples use it (behaviours: `smethod-args-pt2-semicolons`).
//!
//! ```
//! use pt_args::smethod;
//!
//! let args = smethod::parse("cert=HszPy3vWfjsESCEOo9ZBkRv6zQ,iat-mode=0")?;
//! assert_eq!(args.get("iat-mode"), Some("0"));
//! assert_eq!(smethod::to_string(&args)?, "cert=HszPy3vWfjsESCEOo9ZBkRv6zQ,iat-mode=0");
//! # Ok::<(), pt_args::Error>(())
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use bytes::BufMut;

use crate::escape::{
    ByteSet, Escapes, check_input, check_room, encode_to_string, encode_to_vec, first_forbidden,
    pairs_len, put_pairs,
};
use crate::list::{Grammar, parse_items};
use crate::{Args, Error};

/// How to decode: the same shape as [`socks::Config`](crate::socks::Config) and
/// [`options::Config`](crate::options::Config). The default is [`Config::LENIENT`], which
/// accepts only `,` as the separator.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct Config {
    /// Reject an unescaped `=` inside a value, as Arti does.
    pub strict: bool,
    /// Refuse input that is not UTF-8 ([`Error::NotUtf8`]).
    pub require_utf8: bool,
    /// Accept `;` as a separator too (PT 2.x tolerance); the encoder always writes `,`.
    pub pt2_semicolons: bool,
}

impl Config {
    /// goptlib's and tor's reading: an unescaped `=` in a value is kept (the default).
    pub const LENIENT: Config = Config {
        strict: false,
        require_utf8: false,
        pt2_semicolons: false,
    };
    /// Arti's reading: an unescaped `=` in a value is an error.
    pub const STRICT: Config = Config {
        strict: true,
        ..Config::LENIENT
    };

    crate::config_setters!();

    /// This config with [`pt2_semicolons`](Self::pt2_semicolons) set to `on`.
    pub const fn with_pt2_semicolons(mut self, on: bool) -> Self {
        self.pt2_semicolons = on;
        self
    }
}

/// Indexed by `pt2_semicolons * 2 + strict`.
const GRAMMARS: [Grammar; 4] = [
    Grammar::new(b",", false, b"", Escapes::Any),
    Grammar::new(b",", false, b"=", Escapes::Any),
    Grammar::new(b",;", false, b"", Escapes::Any),
    Grammar::new(b",;", false, b"=", Escapes::Any),
];

/// Parses `input` (the text after `ARGS:`, as text or bytes) with [`Config::LENIENT`].
pub fn parse<I: AsRef<[u8]> + ?Sized>(input: &I) -> Result<Args<'_>, Error> {
    parse_with(input, Config::LENIENT)
}

/// Parses `input` with the given config.
///
/// ```
/// use pt_args::{Error, smethod::{self, Config}};
///
/// assert_eq!(smethod::parse("k=a=b")?.get("k"), Some("a=b"));
/// assert_eq!(smethod::parse_with("k=a=b", Config::STRICT), Err(Error::Unescaped { offset: 3, found: '=' }));
/// let pt2 = Config::LENIENT.with_pt2_semicolons(true);
/// assert_eq!(smethod::parse_with("a=1;b=2", pt2)?.len(), 2);
/// # Ok::<(), pt_args::Error>(())
/// ```
pub fn parse_with<I: AsRef<[u8]> + ?Sized>(input: &I, config: Config) -> Result<Args<'_>, Error> {
    let input = input.as_ref();
    check_input(input, config.require_utf8)?;
    let g = &GRAMMARS[usize::from(config.pt2_semicolons) * 2 + usize::from(config.strict)];
    let mut args = Args::parsing(input);
    parse_items(input, g, |item| {
        args.push_field(input, item.key, item.value);
        Ok(())
    })?;
    Ok(args)
}

const SPECIALS: ByteSet = ByteSet::of(b"\\=,");
/// Bytes that would end the SMETHOD word or line.
const FORBIDDEN: ByteSet = ByteSet::of(b" \t\r\n\0");

/// The length of `args` encoded.
pub fn encoded_len(args: &Args<'_>) -> usize {
    pairs_len(args, &SPECIALS, &SPECIALS)
}

/// Encodes `args` into `buf` (without the `ARGS:` prefix), returning the bytes written.
///
/// Fails, writing nothing, on an empty key, a byte that cannot be carried (space, tab, CR, LF,
/// NUL) or a too small `buf`.
pub fn encode(args: &Args<'_>, buf: &mut impl BufMut) -> Result<usize, Error> {
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
    let needed = encoded_len(args);
    check_room(buf, needed)?;
    put_pairs(buf, args, b',', &SPECIALS, &SPECIALS, None);
    Ok(needed)
}

/// Encodes `args` into a new `Vec` (without the `ARGS:` prefix).
pub fn to_vec(args: &Args<'_>) -> Result<Vec<u8>, Error> {
    encode_to_vec(encoded_len(args), |out| encode(args, out))
}

/// Encodes `args` into a new string (without the `ARGS:` prefix); [`Error::NotUtf8`] if the
/// arguments are not text.
pub fn to_string(args: &Args<'_>) -> Result<String, Error> {
    encode_to_string(encoded_len(args), |out| encode(args, out))
}
