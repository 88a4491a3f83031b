//! `TOR_PT_SERVER_TRANSPORT_OPTIONS`: `transport:key=value;transport:key=value` (`pt-spec.txt`
//! section 3.2.3).
//!
//! The parent passes each server transport its options, grouped here per transport in the
//! order the transports first appear, each group's options in input order.
//!
//! **Decoding** follows goptlib (`args.go` `parseServerTransportOptions`, with the vectors of
//! its `args_test.go` `TestParseServerTransportOptions`): the transport name ends at an unescaped
//! `:` (an `=` or `;` first is an error), the key at `=`, the value at `;`; a backslash escapes
//! any byte; names and keys must be non-empty, values may be empty; the empty string has no
//! options. tor's own encoding (which escapes `:` `;` `\` but not `=`) decodes. An unescaped
//! `:` inside a value is accepted (behaviours: `server-options-colon-in-value`);
//! [`Policy::Strict`] rejects it and also requires transport names to match
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
//! assert_eq!(opts.transports().collect::<Vec<_>>(), ["gruyere", "stnectaire"]);
//! # Ok::<(), pt_args::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use bytes::BufMut;
use core::fmt;

use crate::escape::{
    ByteSet, Escapes, Stops, check_room, encode_to_string, escaped_len, first_forbidden, pairs_len,
    put_pairs,
};
use crate::list::{Grammar, parse_items};
use crate::{Args, Error};

/// How strictly to decode.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Policy {
    /// goptlib's decoder.
    #[default]
    Lenient,
    /// Also require valid transport names and an escaped `:` in values, as the spec says.
    Strict,
}

/// Server transport options, grouped per transport, order kept.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServerTransportOptions<'a> {
    groups: Vec<(Cow<'a, str>, Args<'a>)>,
}

impl<'a> ServerTransportOptions<'a> {
    /// No options.
    pub const fn new() -> Self {
        ServerTransportOptions { groups: Vec::new() }
    }

    /// Adds `key=value` to `transport`'s options (after its existing ones).
    pub fn push(
        &mut self,
        transport: impl Into<Cow<'a, str>>,
        key: impl Into<Cow<'a, str>>,
        value: impl Into<Cow<'a, str>>,
    ) {
        let transport = transport.into();
        match self.groups.iter_mut().find(|(t, _)| *t == transport) {
            Some((_, args)) => args.push(key, value),
            None => self.push_group(transport, key.into(), value.into()),
        }
    }

    /// Adds a new group for `transport` with one option.
    fn push_group(&mut self, transport: Cow<'a, str>, key: Cow<'a, str>, value: Cow<'a, str>) {
        let mut args = Args::new();
        args.push(key, value);
        self.groups.push((transport, args));
    }

    /// The options of `transport`, if it has any.
    pub fn get(&self, transport: &str) -> Option<&Args<'a>> {
        self.groups
            .iter()
            .find(|(t, _)| t == transport)
            .map(|(_, a)| a)
    }

    /// The transports that have options, in order of first appearance.
    pub fn transports(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|(t, _)| &**t)
    }

    /// Every transport with its options.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Args<'a>)> {
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
        let groups = self
            .groups
            .into_iter()
            .map(|(t, a)| (Cow::Owned(t.into_owned()), a.into_owned()));
        ServerTransportOptions {
            groups: groups.collect(),
        }
    }
}

impl fmt::Debug for ServerTransportOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

const SEPS: ByteSet = ByteSet::of(b";");

const fn grammar(value_stops: &[u8]) -> Grammar {
    Grammar {
        seps: SEPS,
        prefix_stops: Some(Stops::of(b":=;")),
        key_stops: Stops::of(b"=;"),
        value_stops: Stops::of(value_stops),
        escapes: Escapes::Any,
    }
}

const LENIENT: Grammar = grammar(b";");
const STRICT: Grammar = grammar(b";:");

/// Parses `input` with [`Policy::Lenient`].
pub fn parse(input: &str) -> Result<ServerTransportOptions<'_>, Error> {
    parse_with(input, Policy::Lenient)
}

/// Parses `input` with the given policy.
///
/// ```
/// use pt_args::{Error, options::{self, Policy}};
///
/// assert!(options::parse("t:url=https://x").is_ok());
/// assert_eq!(options::parse_with("t:url=https://x", Policy::Strict).unwrap_err(),
///            Error::Unescaped { offset: 11, found: ':' });
/// # Ok::<(), pt_args::Error>(())
/// ```
pub fn parse_with(input: &str, policy: Policy) -> Result<ServerTransportOptions<'_>, Error> {
    let g = match policy {
        Policy::Lenient => &LENIENT,
        Policy::Strict => &STRICT,
    };
    let mut opts = ServerTransportOptions::new();
    // Transport name -> its group in `opts`: a linear search per item made the parse quadratic
    // in the number of distinct transports.
    let mut groups: BTreeMap<Cow<'_, str>, usize> = BTreeMap::new();
    parse_items(input, g, |item| {
        let Some(name) = item.prefix else {
            return Ok(());
        };
        if policy == Policy::Strict {
            crate::name::validate(&input.as_bytes()[name.start..name.end]).map_err(
                |e| match e {
                    Error::InvalidTransportName { offset } => Error::InvalidTransportName {
                        offset: name.start + offset,
                    },
                    other => other,
                },
            )?;
        }
        let (name, key, value) = (
            name.text(input),
            item.key.text(input),
            item.value.text(input),
        );
        match groups.get(&name).and_then(|&i| opts.groups.get_mut(i)) {
            Some((_, args)) => args.push(key, value),
            None => {
                groups.insert(name.clone(), opts.groups.len());
                opts.push_group(name, key, value);
            }
        }
        Ok(())
    })?;
    Ok(opts)
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

/// Encodes `opts` into a new string.
pub fn to_string(opts: &ServerTransportOptions<'_>) -> Result<String, Error> {
    encode_to_string(encoded_len(opts), |out| encode(opts, out))
}
