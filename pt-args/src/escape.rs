//! The scanner and escaper shared by every flavour: backslash escapes, byte classes, and
//! writing escaped text into a [`BufMut`].

use alloc::borrow::Cow;
use alloc::string::String;
use bytes::BufMut;

use crate::Error;

/// A set of bytes, as a lookup table.
#[derive(Clone, Copy)]
pub(crate) struct ByteSet([bool; 256]);

impl ByteSet {
    pub(crate) const fn of(bytes: &[u8]) -> ByteSet {
        let mut t = [false; 256];
        let mut i = 0;
        while i < bytes.len() {
            t[bytes[i] as usize] = true;
            i += 1;
        }
        ByteSet(t)
    }

    #[inline(always)]
    pub(crate) fn has(&self, b: u8) -> bool {
        self.0[b as usize]
    }
}

/// Which bytes may follow a backslash.
#[derive(Clone, Copy)]
pub(crate) enum Escapes {
    /// Any byte (goptlib, tor, Arti).
    Any,
    /// Only these (obfs4proxy's SOCKS args decoder: `\\ \= \;`), named for error messages.
    Only(&'static ByteSet, &'static str),
}

/// One scanned field: `input[start..end]`, and whether it held a backslash.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) escaped: bool,
}

impl Field {
    /// The field's text, unescaped. Borrows when the field had no backslash.
    pub(crate) fn text<'a>(&self, input: &'a str) -> Cow<'a, str> {
        let raw = &input[self.start..self.end];
        if self.escaped {
            Cow::Owned(unescape(raw))
        } else {
            Cow::Borrowed(raw)
        }
    }
}

/// Where a scanned field ends: a set of stop bytes, searched for together with the backslash.
///
/// With at most two stop bytes the search is `memchr2`/`memchr3` (SIMD where the target has
/// it), otherwise a table lookup per byte; the result is the same.
#[derive(Clone, Copy)]
pub(crate) struct Stops {
    /// The stop bytes and the backslash.
    set: ByteSet,
    /// The stop bytes and the backslash, when there are at most three in all (else `n` is 0).
    needle: [u8; 3],
    n: u8,
}

impl Stops {
    pub(crate) const fn of(stops: &[u8]) -> Stops {
        let mut table = ByteSet::of(stops).0;
        table[b'\\' as usize] = true;
        let mut needle = [b'\\'; 3];
        let mut n = 0;
        let mut b = 0;
        while b < 256 {
            if table[b] {
                if n < 3 {
                    needle[n] = b as u8;
                }
                n += 1;
            }
            b += 1;
        }
        Stops {
            set: ByteSet(table),
            needle,
            n: if n <= 3 { n as u8 } else { 0 },
        }
    }

    /// The offset in `hay` of the first stop byte or backslash.
    #[inline(always)]
    fn find(&self, hay: &[u8]) -> Option<usize> {
        let [a, b, c] = self.needle;
        match self.n {
            1 => memchr::memchr(a, hay),
            2 => memchr::memchr2(a, b, hay),
            3 => memchr::memchr3(a, b, c, hay),
            _ => hay.iter().position(|&x| self.set.has(x)),
        }
    }
}

/// Scans from `start` to the first unescaped byte of `stops`, or the end of `input`.
///
/// A backslash escapes the byte after it (checked against `escapes`); a backslash at the very
/// end is an error. Linear in the bytes scanned.
#[inline]
pub(crate) fn scan(
    input: &[u8],
    start: usize,
    stops: &Stops,
    escapes: Escapes,
) -> Result<Field, Error> {
    let mut i = start;
    let mut escaped = false;
    loop {
        let Some(hit) = input.get(i..).and_then(|rest| stops.find(rest)) else {
            i = input.len();
            break;
        };
        i += hit;
        if input[i] != b'\\' {
            break;
        }
        let Some(&next) = input.get(i + 1) else {
            return Err(Error::TrailingBackslash { offset: i });
        };
        if let Escapes::Only(allowed, names) = escapes
            && !allowed.has(next)
        {
            return Err(Error::InvalidEscape {
                offset: i,
                found: next,
                allowed: names,
            });
        }
        escaped = true;
        i += 2;
    }
    Ok(Field {
        start,
        end: i,
        escaped,
    })
}

/// Removes one level of backslash escaping: `\x` becomes `x` for any character `x`.
///
/// Only ASCII backslashes are removed, so the result is valid UTF-8 and an escaped
/// multi-byte character is kept whole. The caller has checked there is no trailing backslash.
pub(crate) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = memchr::memchr(b'\\', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let mut after = rest[i + 1..].chars();
        if let Some(c) = after.next() {
            out.push(c);
        }
        rest = after.as_str();
    }
    out.push_str(rest);
    out
}

/// The length of `s` once every byte of `specials` is prefixed with a backslash.
#[inline]
pub(crate) fn escaped_len(s: &str, specials: &ByteSet) -> usize {
    s.len() + s.bytes().filter(|b| specials.has(*b)).count()
}

/// Writes `s` with every byte of `specials` prefixed with a backslash. The caller has checked
/// that `buf` has room ([`escaped_len`]).
#[inline]
pub(crate) fn put_escaped(buf: &mut impl BufMut, s: &str, specials: &ByteSet) {
    let bytes = s.as_bytes();
    let mut from = 0;
    for (i, b) in bytes.iter().enumerate() {
        if specials.has(*b) {
            buf.put_slice(&bytes[from..i]);
            buf.put_u8(b'\\');
            from = i;
        }
    }
    buf.put_slice(&bytes[from..]);
}

/// Fails with [`Error::BufferTooSmall`] unless `buf` has room for `needed` bytes.
pub(crate) fn check_room(buf: &impl BufMut, needed: usize) -> Result<(), Error> {
    let available = buf.remaining_mut();
    if available < needed {
        Err(Error::BufferTooSmall { needed, available })
    } else {
        Ok(())
    }
}

/// The first byte of `s` that is in `forbidden`, if any.
pub(crate) fn first_forbidden(s: &str, forbidden: &ByteSet) -> Option<u8> {
    s.bytes().find(|b| forbidden.has(*b))
}

/// Validates `input` as UTF-8, with the offset of the first bad byte as the error.
pub(crate) fn utf8(input: &[u8]) -> Result<&str, Error> {
    core::str::from_utf8(input).map_err(|e| Error::NotUtf8 {
        offset: e.valid_up_to(),
    })
}

/// The length of `args` written by [`put_pairs`].
pub(crate) fn pairs_len(args: &crate::Args<'_>, key_sp: &ByteSet, value_sp: &ByteSet) -> usize {
    let seps = args.len().saturating_sub(1);
    args.iter()
        .map(|(k, v)| escaped_len(k, key_sp) + 1 + escaped_len(v, value_sp))
        .sum::<usize>()
        + seps
}

/// Writes `args` as escaped `key=value` items joined by `sep`; `prefix` (a transport name and
/// its specials) goes before every item, followed by `:`.
pub(crate) fn put_pairs(
    buf: &mut impl BufMut,
    args: &crate::Args<'_>,
    sep: u8,
    key_sp: &ByteSet,
    value_sp: &ByteSet,
    prefix: Option<(&str, &ByteSet)>,
) {
    for (i, (k, v)) in args.iter().enumerate() {
        if i > 0 {
            buf.put_u8(sep);
        }
        if let Some((name, name_sp)) = prefix {
            put_escaped(buf, name, name_sp);
            buf.put_u8(b':');
        }
        put_escaped(buf, k, key_sp);
        buf.put_u8(b'=');
        put_escaped(buf, v, value_sp);
    }
}

/// Runs an encoder into a new `String`. Encoders write whole UTF-8 strings and ASCII bytes
/// only, so the conversion cannot fail.
pub(crate) fn encode_to_string(
    capacity: usize,
    encode: impl FnOnce(&mut alloc::vec::Vec<u8>) -> Result<usize, Error>,
) -> Result<String, Error> {
    let mut out = alloc::vec::Vec::with_capacity(capacity);
    encode(&mut out)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}
