//! The one item-list parser behind every flavour: `[prefix:]key=value` items joined by a
//! separator, with backslash escapes.
//!
//! One pass over the input: a `memchr2`/`memchr3` iterator (or a byte table, for flavours
//! with more than three special bytes) yields every byte that can end a field or start an
//! escape, and a small state machine (prefix, key, value) decides what each one means. Bytes
//! between special bytes are never looked at one by one.

use crate::Error;
use crate::escape::{ByteSet, Escapes, Field};

/// A flavour's grammar, as byte classes.
pub(crate) struct Grammar {
    /// Item separators.
    seps: ByteSet,
    /// Whether every item starts with a `prefix:` (server transport options).
    prefix: bool,
    /// Bytes a value may not hold unescaped (the strict policies' `=` or `:`).
    value_refused: ByteSet,
    /// Every byte the state machine reacts to (the backslash included).
    specials: ByteSet,
    /// Which bytes a backslash may escape.
    escapes: Escapes,
}

impl Grammar {
    /// Items joined by one of `seps`; with `prefix`, each item is `prefix:key=value`; a value
    /// may not hold a byte of `value_refused` unescaped.
    pub(crate) const fn new(
        seps: &[u8],
        prefix: bool,
        value_refused: &[u8],
        escapes: Escapes,
    ) -> Grammar {
        let colon: &[u8] = if prefix { b":" } else { b"" };
        Grammar {
            seps: ByteSet::of(seps),
            prefix,
            value_refused: ByteSet::of(value_refused),
            specials: ByteSet::of_all(&[b"\\", seps, b"=", colon, value_refused]),
            escapes,
        }
    }
}

/// One parsed item, as fields of the input.
pub(crate) struct Item {
    pub(crate) prefix: Option<Field>,
    pub(crate) key: Field,
    pub(crate) value: Field,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Prefix,
    Key,
    Value,
}

/// Parses every item of `b`, in order, calling `each` for each one.
///
/// The empty input has no items. Errors are those of a left-to-right reading: the first
/// problem found is the one reported, with its offset.
#[inline]
pub(crate) fn parse_items(
    b: &[u8],
    g: &Grammar,
    mut each: impl FnMut(Item) -> Result<(), Error>,
) -> Result<(), Error> {
    if b.is_empty() {
        return Ok(());
    }
    let first = if g.prefix { State::Prefix } else { State::Key };
    let mut state = first;
    // The current field starts at `start`; `escaped` says whether it held a backslash.
    let (mut start, mut escaped) = (0, false);
    let mut prefix = None;
    let mut key = Field {
        start: 0,
        end: 0,
        escaped: false,
    };
    // Hits below `skip` are bytes escaped by a backslash.
    let mut skip = 0;
    let mut hits = g.specials.iter_in(b);
    loop {
        let Some(i) = hits.by_ref().find(|&i| i >= skip) else {
            return match state {
                State::Prefix if start == b.len() => Err(empty_item(
                    b,
                    start,
                    Error::EmptyTransport { offset: start },
                    g,
                )),
                State::Prefix => Err(Error::MissingColon { offset: b.len() }),
                State::Key if start == b.len() => Err(empty_key(b, start, g)),
                State::Key => Err(Error::MissingEquals { offset: b.len() }),
                State::Value => each(Item {
                    prefix,
                    key,
                    value: Field {
                        start,
                        end: b.len(),
                        escaped,
                    },
                }),
            };
        };
        let c = b.get(i).copied().unwrap_or_default();
        if c == b'\\' {
            let Some(&next) = b.get(i + 1) else {
                return Err(Error::TrailingBackslash { offset: i });
            };
            if let Escapes::Only(allowed, names) = g.escapes
                && !allowed.has(next)
            {
                return Err(Error::InvalidEscape {
                    offset: i,
                    found: next,
                    allowed: names,
                });
            }
            escaped = true;
            skip = i + 2;
            continue;
        }
        let field = Field {
            start,
            end: i,
            escaped,
        };
        match state {
            State::Prefix if c == b':' || c == b'=' || g.seps.has(c) => {
                if i == start {
                    return Err(empty_item(
                        b,
                        start,
                        Error::EmptyTransport { offset: start },
                        g,
                    ));
                }
                if c != b':' {
                    return Err(Error::MissingColon { offset: i });
                }
                prefix = Some(field);
                state = State::Key;
            }
            State::Key if c == b'=' || g.seps.has(c) => {
                if i == start {
                    return Err(empty_key(b, start, g));
                }
                if c != b'=' {
                    return Err(Error::MissingEquals { offset: i });
                }
                key = field;
                state = State::Value;
            }
            State::Value if g.seps.has(c) => {
                each(Item {
                    prefix,
                    key,
                    value: field,
                })?;
                state = first;
            }
            State::Value if g.value_refused.has(c) => {
                return Err(Error::Unescaped {
                    offset: i,
                    found: char::from(c),
                });
            }
            // A special byte that means nothing here (`=` in a lenient value, say).
            _ => continue,
        }
        (start, escaped) = (i + 1, false);
    }
}

/// The error for an empty key at `pos`: after a prefix it is just an empty key; otherwise see
/// [`empty_item`].
fn empty_key(b: &[u8], pos: usize, g: &Grammar) -> Error {
    let err = Error::EmptyKey { offset: pos };
    if g.prefix {
        err
    } else {
        empty_item(b, pos, err, g)
    }
}

/// The error for an item that is empty where a key or name should start: a separator at the
/// very end is a [`Error::TrailingSeparator`], an item with nothing before the next separator
/// (`a=1;;b=2`, `;a=1`) an [`Error::EmptyItem`].
fn empty_item(b: &[u8], pos: usize, otherwise: Error, g: &Grammar) -> Error {
    match b.get(pos) {
        None if pos > 0 => Error::TrailingSeparator { offset: pos - 1 },
        Some(&sep) if g.seps.has(sep) => Error::EmptyItem { offset: pos },
        _ => otherwise,
    }
}
