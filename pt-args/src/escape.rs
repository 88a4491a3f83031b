//! The scanner and escaper shared by every flavour: backslash escapes, byte classes, and
//! writing escaped text into a [`BufMut`].

use alloc::string::String;
use alloc::vec::Vec;
use bytes::BufMut;

use crate::Error;

/// A set of bytes, as a lookup table, plus the bytes themselves when there are at most three,
/// so that long fields are searched with `memchr` (SIMD where the target has it).
#[derive(Clone, Copy)]
pub(crate) struct ByteSet {
    table: [bool; 256],
    needle: [u8; 3],
    /// How many of `needle` are used; 0 when the set has more than three bytes.
    n: u8,
}

/// Below this length a field is scanned byte by byte: a `memchr` call costs more.
const SHORT: usize = 16;

impl ByteSet {
    pub(crate) const fn of(bytes: &[u8]) -> ByteSet {
        ByteSet::of_all(&[bytes])
    }

    /// Every byte of every part.
    pub(crate) const fn of_all(parts: &[&[u8]]) -> ByteSet {
        let mut table = [false; 256];
        let mut needle = [0u8; 3];
        let mut n = 0;
        let mut p = 0;
        while p < parts.len() {
            let mut i = 0;
            while i < parts[p].len() {
                let b = parts[p][i];
                if !table[b as usize] {
                    table[b as usize] = true;
                    if n < 3 {
                        needle[n] = b;
                    }
                    n += 1;
                }
                i += 1;
            }
            p += 1;
        }
        ByteSet {
            table,
            needle,
            n: if n <= 3 { n as u8 } else { 0 },
        }
    }

    #[inline(always)]
    pub(crate) fn has(&self, b: u8) -> bool {
        self.table[b as usize]
    }

    /// The offset of the first byte of `s` in the set.
    #[inline]
    pub(crate) fn find_in(&self, s: &[u8]) -> Option<usize> {
        let [a, b, c] = self.needle;
        match self.n {
            1 if s.len() >= SHORT => memchr::memchr(a, s),
            2 if s.len() >= SHORT => memchr::memchr2(a, b, s),
            3 if s.len() >= SHORT => memchr::memchr3(a, b, c, s),
            _ => s.iter().position(|&x| self.has(x)),
        }
    }

    /// How many bytes of `s` are in the set.
    #[inline]
    pub(crate) fn count_in(&self, s: &[u8]) -> usize {
        let mut count = 0;
        let mut from = 0;
        while let Some(i) = s.get(from..).and_then(|rest| self.find_in(rest)) {
            count += 1;
            from += i + 1;
        }
        count
    }

    /// The offsets of the bytes of `hay` in the set, in order: one `memchr2`/`memchr3` pass
    /// (SIMD where the target has it) when the set has two or three bytes, else a table lookup
    /// per byte.
    #[inline]
    pub(crate) fn iter_in<'h>(&'h self, hay: &'h [u8]) -> Hits<'h> {
        let [a, b, c] = self.needle;
        match self.n {
            2 => Hits::Two(memchr::memchr2_iter(a, b, hay)),
            3 => Hits::Three(memchr::memchr3_iter(a, b, c, hay)),
            _ => Hits::Table {
                hay,
                pos: 0,
                set: self,
            },
        }
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

/// The iterator of [`ByteSet::iter_in`].
pub(crate) enum Hits<'h> {
    Two(memchr::Memchr2<'h>),
    Three(memchr::Memchr3<'h>),
    Table {
        hay: &'h [u8],
        pos: usize,
        set: &'h ByteSet,
    },
}

impl Iterator for Hits<'_> {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        match self {
            Hits::Two(it) => it.next(),
            Hits::Three(it) => it.next(),
            Hits::Table { hay, pos, set } => {
                let i = *pos + hay.get(*pos..)?.iter().position(|&x| set.has(x))?;
                *pos = i + 1;
                Some(i)
            }
        }
    }
}

/// Appends `raw` to `out` with one level of backslash escaping removed: `\x` becomes `x` for
/// any byte `x`. The caller has checked there is no trailing backslash.
pub(crate) fn unescape_into(raw: &[u8], out: &mut Vec<u8>) {
    out.reserve(raw.len());
    let mut rest = raw;
    while let Some(i) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(rest.get(..i).unwrap_or_default());
        out.extend(rest.get(i + 1));
        rest = rest.get(i + 2..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
}

/// The length of `s` once every byte of `specials` is prefixed with a backslash.
#[inline]
pub(crate) fn escaped_len(s: &[u8], specials: &ByteSet) -> usize {
    s.len() + specials.count_in(s)
}

/// Writes `s` with every byte of `specials` prefixed with a backslash. The caller has checked
/// that `buf` has room ([`escaped_len`]).
#[inline]
pub(crate) fn put_escaped(buf: &mut impl BufMut, s: &[u8], specials: &ByteSet) {
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|rest| specials.find_in(rest)) {
        let at = from + i;
        buf.put_slice(s.get(from..at).unwrap_or_default());
        buf.put_u8(b'\\');
        buf.put_u8(s.get(at).copied().unwrap_or_default());
        from = at + 1;
    }
    buf.put_slice(s.get(from..).unwrap_or_default());
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
pub(crate) fn first_forbidden(s: &[u8], forbidden: &ByteSet) -> Option<u8> {
    forbidden.find_in(s).and_then(|i| s.get(i).copied())
}

/// The checks every parser makes before it looks at `input`: its length fits the 31-bit
/// ranges of [`Args`](crate::Args), and, when the caller asks, it is UTF-8.
#[inline]
pub(crate) fn check_input(input: &[u8], require_utf8: bool) -> Result<(), Error> {
    if input.len() > crate::MAX_INPUT {
        return Err(Error::TooLong {
            len: input.len(),
            max: crate::MAX_INPUT,
        });
    }
    if require_utf8 {
        core::str::from_utf8(input).map_err(|e| Error::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
    }
    Ok(())
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
    prefix: Option<(&[u8], &ByteSet)>,
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

/// Runs an encoder into a new `Vec` of exactly `len` bytes.
pub(crate) fn encode_to_vec(
    len: usize,
    encode: impl FnOnce(&mut Vec<u8>) -> Result<usize, Error>,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(len);
    encode(&mut out)?;
    Ok(out)
}

/// [`encode_to_vec`], as text: [`Error::NotUtf8`] if the arguments' bytes are not UTF-8.
pub(crate) fn encode_to_string(
    len: usize,
    encode: impl FnOnce(&mut Vec<u8>) -> Result<usize, Error>,
) -> Result<String, Error> {
    String::from_utf8(encode_to_vec(len, encode)?).map_err(|e| Error::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}
