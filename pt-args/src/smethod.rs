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
//! [`Config::strict`] rejects it as Arti does (behaviours: `smethod-args-equals-in-value`).
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
use bytes::BufMut;

use crate::escape::{
    ByteSet, Escapes, Stops, check_room, encode_to_string, first_forbidden, pairs_len, put_pairs,
};
use crate::list::{Grammar, parse_items};
use crate::{Args, Error};

/// Decoder settings. The default is lenient and accepts only `,` as the separator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Config {
    /// Reject an unescaped `=` inside a value, as Arti does.
    pub strict: bool,
    /// Accept `;` as a separator too (PT 2.x tolerance); the encoder always writes `,`.
    pub pt2_semicolons: bool,
}

const fn grammar(seps: &[u8], value_stops: &[u8]) -> Grammar {
    let mut key_stops = [b'=', 0, 0];
    let mut i = 0;
    while i < seps.len() {
        key_stops[i + 1] = seps[i];
        i += 1;
    }
    Grammar {
        seps: ByteSet::of(seps),
        prefix_stops: None,
        key_stops: Stops::of(&key_stops),
        value_stops: Stops::of(value_stops),
        escapes: Escapes::Any,
    }
}

const GRAMMARS: [Grammar; 4] = [
    grammar(b",", b","),
    grammar(b",", b",="),
    grammar(b",;", b",;"),
    grammar(b",;", b",;="),
];

/// Parses `input` (the text after `ARGS:`) with the default [`Config`].
pub fn parse(input: &str) -> Result<Args<'_>, Error> {
    parse_with(input, Config::default())
}

/// Parses `input` with the given settings.
///
/// ```
/// use pt_args::{Error, smethod::{self, Config}};
///
/// let strict = Config { strict: true, ..Config::default() };
/// assert_eq!(smethod::parse("k=a=b")?.get("k"), Some("a=b"));
/// assert_eq!(smethod::parse_with("k=a=b", strict), Err(Error::Unescaped { offset: 3, found: '=' }));
/// let pt2 = Config { pt2_semicolons: true, ..Config::default() };
/// assert_eq!(smethod::parse_with("a=1;b=2", pt2)?.len(), 2);
/// # Ok::<(), pt_args::Error>(())
/// ```
pub fn parse_with(input: &str, config: Config) -> Result<Args<'_>, Error> {
    let g = &GRAMMARS[usize::from(config.pt2_semicolons) * 2 + usize::from(config.strict)];
    let mut args = Args::new();
    parse_items(input, g, |item| {
        args.push(item.key.text(input), item.value.text(input));
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

/// Encodes `args` into a new string (without the `ARGS:` prefix).
pub fn to_string(args: &Args<'_>) -> Result<String, Error> {
    encode_to_string(encoded_len(args), |out| encode(args, out))
}
