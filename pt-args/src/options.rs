//! `TOR_PT_SERVER_TRANSPORT_OPTIONS`: `transport:key=value;transport:key=value` (`pt-spec.txt`
//! section 3.2.3).
//!
//! The parent passes each server transport its options, grouped here per transport in the
//! order the transports first appear, each group's options in input order. Names, keys and
//! values are bytes (an environment variable need not be UTF-8); `require_utf8` in [`Config`]
//! refuses what is not UTF-8.
//!
//! **Decoding** follows goptlib (`args.go` `parseServerTransportOptions`, with the vectors of
//! its `args_test.go` `TestParseServerTransportOptions`): the transport name ends at an unescaped
//! `:` (an `=` or `;` first is an error), the key at `=`, the value at `;`; a backslash escapes
//! any byte; names and keys must be non-empty, values may be empty; the empty string has no
//! options. tor's own encoding (which escapes `:` `;` `\` but not `=`) decodes. An unescaped
//! `:` inside a value is accepted (behaviours: `server-options-colon-in-value`);
//! [`Config::STRICT`] rejects it and also requires transport names to match
//! `[a-zA-Z_][a-zA-Z0-9_]*` (behaviours: `server-options-transport-names`).
//!
//! **Encoding** escapes `\`, `:`, `;` and `=` in names, keys and values (the older spec text,
//! a superset of tor's; behaviours: `server-options-escape-equals`). A NUL cannot be carried in
//! an environment variable and is an [`Error::Unencodable`].
//!
//! ```
//! use pt_args::options;
//!
//! let opts = options::parse(r"gruyere:melty=10;gruyere:hardness=se\;ven;stnectaire:melty=4")?;
//! assert_eq!(opts.get("gruyere").unwrap().get("hardness"), Some("se;ven"));
//! assert_eq!(opts.transports().collect::<Vec<_>>(), [&b"gruyere"[..], b"stnectaire"]);
//! # Ok::<(), pt_args::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::BufMut;
use core::fmt;

use crate::escape::{
    ByteSet, Escapes, Field, check_input, check_room, encode_to_string, encode_to_vec, escaped_len,
    first_forbidden, pairs_len, put_pairs, unescape_into,
};
use crate::list::{Grammar, parse_items};
use crate::{Args, Error};

/// How to decode: the same shape as [`socks::Config`](crate::socks::Config) and
/// [`smethod::Config`](crate::smethod::Config). The default is [`Config::LENIENT`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct Config {
    /// Also require valid transport names and an escaped `:` in values, as the spec says.
    /// Off: goptlib's decoder.
    pub strict: bool,
    /// Refuse input that is not UTF-8 ([`Error::NotUtf8`]).
    pub require_utf8: bool,
}

impl Config {
    /// goptlib's decoder (the default).
    pub const LENIENT: Config = Config {
        strict: false,
        require_utf8: false,
    };
    /// The spec's rules: C-identifier transport names, `:` escaped in values.
    pub const STRICT: Config = Config {
        strict: true,
        require_utf8: false,
    };

    crate::config_setters!();
}

/// Server transport options, grouped per transport, order kept.
///
/// Finding a transport's group takes O(log n) in the number of transports, when parsing and
/// in [`push`](Self::push).
#[derive(Clone, Default)]
pub struct ServerTransportOptions<'a> {
    groups: Vec<(Cow<'a, [u8]>, Args<'a>)>,
    /// Transport name -> its index in `groups`.
    index: BTreeMap<Cow<'a, [u8]>, usize>,
}

impl<'a> ServerTransportOptions<'a> {
    /// No options.
    pub const fn new() -> Self {
        ServerTransportOptions {
            groups: Vec::new(),
            index: BTreeMap::new(),
        }
    }

    /// Adds `key=value` to `transport`'s options (after its existing ones). The bytes are
    /// copied.
    pub fn push(
        &mut self,
        transport: impl AsRef<[u8]>,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) {
        let transport = transport.as_ref();
        let group = match self.index.get(transport) {
            Some(&i) => i,
            None => self.add_group(Cow::Owned(transport.to_vec()), Args::new()),
        };
        if let Some((_, args)) = self.groups.get_mut(group) {
            args.push(key, value);
        }
    }

    /// Adds an empty group for `transport`, returning its index.
    fn add_group(&mut self, transport: Cow<'a, [u8]>, args: Args<'a>) -> usize {
        let i = self.groups.len();
        self.index.insert(transport.clone(), i);
        self.groups.push((transport, args));
        i
    }

    /// The options of `transport`, if it has any.
    pub fn get(&self, transport: impl AsRef<[u8]>) -> Option<&Args<'a>> {
        let i = *self.index.get(transport.as_ref())?;
        self.groups.get(i).map(|(_, a)| a)
    }

    /// The transports that have options, in order of first appearance.
    pub fn transports(&self) -> impl Iterator<Item = &[u8]> {
        self.groups.iter().map(|(t, _)| &**t)
    }

    /// Every transport with its options.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &Args<'a>)> {
        self.groups.iter().map(|(t, a)| (&**t, a))
    }

    /// The number of transports that have options.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there are no options at all.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> ServerTransportOptions<'static> {
        let mut out = ServerTransportOptions::new();
        for (t, a) in self.groups {
            out.add_group(Cow::Owned(t.into_owned()), a.into_owned());
        }
        out
    }
}

impl PartialEq for ServerTransportOptions<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.groups == other.groups
    }
}

impl Eq for ServerTransportOptions<'_> {}

impl fmt::Debug for ServerTransportOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(t, a)| (crate::args::Text(t), a)))
            .finish()
    }
}

const LENIENT: Grammar = Grammar::new(b";", true, b"", Escapes::Any);
const STRICT: Grammar = Grammar::new(b";", true, b":", Escapes::Any);

/// Parses `input` (text or bytes) with [`Config::LENIENT`].
pub fn parse<I: AsRef<[u8]> + ?Sized>(input: &I) -> Result<ServerTransportOptions<'_>, Error> {
    parse_with(input, Config::LENIENT)
}

/// Parses `input` with the given config.
///
/// ```
/// use pt_args::{Error, options::{self, Config}};
///
/// assert!(options::parse("t:url=https://x").is_ok());
/// assert_eq!(options::parse_with("t:url=https://x", Config::STRICT).unwrap_err(),
///            Error::Unescaped { offset: 11, found: ':' });
/// # Ok::<(), pt_args::Error>(())
/// ```
pub fn parse_with<I: AsRef<[u8]> + ?Sized>(
    input: &I,
    config: Config,
) -> Result<ServerTransportOptions<'_>, Error> {
    let input = input.as_ref();
    check_input(input, config.require_utf8)?;
    let g = if config.strict { &STRICT } else { &LENIENT };
    let mut opts = ServerTransportOptions::new();
    parse_items(input, g, |item| {
        let Some(name) = item.prefix else {
            return Ok(());
        };
        if config.strict {
            crate::name::validate(input.get(name.start..name.end).unwrap_or_default()).map_err(
                |e| match e {
                    Error::InvalidTransportName { offset } => Error::InvalidTransportName {
                        offset: name.start + offset,
                    },
                    other => other,
                },
            )?;
        }
        let name = field_bytes(input, name);
        let group = match opts.index.get(&*name) {
            Some(&i) => i,
            None => opts.add_group(name, Args::parsing(input)),
        };
        if let Some((_, args)) = opts.groups.get_mut(group) {
            args.push_field(input, item.key, item.value);
        }
        Ok(())
    })?;
    Ok(opts)
}

/// A field's bytes, unescaped; borrowed when it had no backslash.
fn field_bytes(input: &[u8], f: Field) -> Cow<'_, [u8]> {
    let raw = input.get(f.start..f.end).unwrap_or_default();
    if f.escaped {
        let mut out = Vec::with_capacity(raw.len());
        unescape_into(raw, &mut out);
        Cow::Owned(out)
    } else {
        Cow::Borrowed(raw)
    }
}

const SPECIALS: ByteSet = ByteSet::of(b"\\:;=");
const FORBIDDEN: ByteSet = ByteSet::of(b"\0");

/// The length of `opts` encoded.
pub fn encoded_len(opts: &ServerTransportOptions<'_>) -> usize {
    let items: usize = opts
        .iter()
        .map(|(t, a)| {
            (escaped_len(t, &SPECIALS) + 1) * a.len() + pairs_len(a, &SPECIALS, &SPECIALS)
        })
        .sum();
    items + opts.len().saturating_sub(1)
}

/// Encodes `opts` into `buf`, returning the bytes written.
///
/// Fails, writing nothing, on an empty transport name or key, a NUL, or a too small `buf`.
pub fn encode(opts: &ServerTransportOptions<'_>, buf: &mut impl BufMut) -> Result<usize, Error> {
    for (index, (t, args)) in opts.iter().enumerate() {
        if t.is_empty() {
            return Err(Error::EncodeEmptyKey { index });
        }
        let bad = first_forbidden(t, &FORBIDDEN).or_else(|| {
            args.iter().find_map(|(k, v)| {
                first_forbidden(k, &FORBIDDEN).or_else(|| first_forbidden(v, &FORBIDDEN))
            })
        });
        if let Some(found) = bad {
            return Err(Error::Unencodable { index, found });
        }
        if args.iter().any(|(k, _)| k.is_empty()) {
            return Err(Error::EncodeEmptyKey { index });
        }
    }
    let needed = encoded_len(opts);
    check_room(buf, needed)?;
    for (i, (t, args)) in opts.iter().enumerate() {
        if i > 0 {
            buf.put_u8(b';');
        }
        put_pairs(buf, args, b';', &SPECIALS, &SPECIALS, Some((t, &SPECIALS)));
    }
    Ok(needed)
}

/// Encodes `opts` into a new `Vec`.
pub fn to_vec(opts: &ServerTransportOptions<'_>) -> Result<Vec<u8>, Error> {
    encode_to_vec(encoded_len(opts), |out| encode(opts, out))
}

/// Encodes `opts` into a new string; [`Error::NotUtf8`] if the options are not text.
pub fn to_string(opts: &ServerTransportOptions<'_>) -> Result<String, Error> {
    encode_to_string(encoded_len(opts), |out| encode(opts, out))
}
