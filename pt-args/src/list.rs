//! The one item-list parser behind every flavour: `[prefix:]key=value` items joined by a
//! separator, with backslash escapes.

use crate::Error;
use crate::escape::{ByteSet, Escapes, Field, Stops, scan};

/// A flavour's grammar, as byte classes.
pub(crate) struct Grammar {
    /// Item separators.
    pub(crate) seps: ByteSet,
    /// Where a transport prefix ends (`:` `=` and the separators); `None` for no prefix.
    pub(crate) prefix_stops: Option<Stops>,
    /// Where a key ends: `=` and the separators.
    pub(crate) key_stops: Stops,
    /// Where a value ends: the separators, plus any byte the strict policy refuses unescaped.
    pub(crate) value_stops: Stops,
    /// Which bytes a backslash may escape.
    pub(crate) escapes: Escapes,
}

/// One parsed item, as fields of the input.
pub(crate) struct Item {
    pub(crate) prefix: Option<Field>,
    pub(crate) key: Field,
    pub(crate) value: Field,
}

/// Parses every item of `input`, in order, calling `each` for each one.
///
/// The empty input has no items. Each byte is looked at once: the whole parse is linear.
pub(crate) fn parse_items(
    input: &str,
    g: &Grammar,
    mut each: impl FnMut(Item) -> Result<(), Error>,
) -> Result<(), Error> {
    let b = input.as_bytes();
    if b.is_empty() {
        return Ok(());
    }
    let mut pos = 0;
    loop {
        let prefix = match &g.prefix_stops {
            Some(stops) => {
                let f = scan(b, pos, stops, g.escapes)?;
                if f.start == f.end {
                    return Err(empty_item(b, pos, Error::EmptyTransport { offset: pos }, g));
                }
                if b.get(f.end) != Some(&b':') {
                    return Err(Error::MissingColon { offset: f.end });
                }
                pos = f.end + 1;
                Some(f)
            }
            None => None,
        };
        let key = scan(b, pos, &g.key_stops, g.escapes)?;
        if key.start == key.end {
            let err = Error::EmptyKey { offset: pos };
            return Err(if prefix.is_some() {
                err
            } else {
                empty_item(b, pos, err, g)
            });
        }
        if b.get(key.end) != Some(&b'=') {
            return Err(Error::MissingEquals { offset: key.end });
        }
        let value = scan(b, key.end + 1, &g.value_stops, g.escapes)?;
        match b.get(value.end) {
            Some(&sep) if !g.seps.has(sep) => {
                return Err(Error::Unescaped {
                    offset: value.end,
                    found: char::from(sep),
                });
            }
            _ => {}
        }
        each(Item { prefix, key, value })?;
        if value.end == b.len() {
            return Ok(());
        }
        pos = value.end + 1;
    }
}

/// The error for an item that is empty where a key or name should start: after a separator
/// at the end of the input (or before another separator) it is a [`Error::TrailingSeparator`].
fn empty_item(b: &[u8], pos: usize, otherwise: Error, g: &Grammar) -> Error {
    let at_boundary = pos == b.len() || g.seps.has(b[pos]);
    if pos > 0 && at_boundary {
        Error::TrailingSeparator { offset: pos - 1 }
    } else {
        otherwise
    }
}
