//! [`Args`]: the ordered multimap every flavour parses into and encodes from.
//!
//! Layout: a parsed `Args` keeps the input slice it was parsed from and, per pair, three
//! `u32` offsets into it: where the key starts, where it ends (the `=`), and where the value
//! ends, since a parsed pair is always `key=value` in one piece. A pair with a backslash is
//! unescaped into the `Args`' own byte buffer (its arena), again as `key=value`, and its
//! offsets point there instead. So parsing allocates only for escaped pairs, and a pair costs
//! 12 bytes, the first [`INLINE_PAIRS`] of them stored inline.

use alloc::vec::Vec;
use core::fmt;

use crate::Error;
use crate::escape::{Field, unescape_into};

/// How many pairs [`Args`] holds before it allocates a list for them. Deployed PT arguments
/// have 1 to 5 pairs (obfs4: `cert`, `iat-mode`; Tor Browser's snowflake bridge line: 5), so
/// parsing them never touches the heap unless a field needs unescaping.
pub const INLINE_PAIRS: usize = 6;

/// The most bytes one parse can take, and the most bytes an [`Args`] can own: offsets are
/// stored in 31 bits.
pub const MAX_INPUT: usize = (1 << 31) - 1;

/// Set on [`Pair::start`] when the pair is in the arena rather than the input.
const IN_ARENA: u32 = 1 << 31;

/// `key=value` at `[start, end)` of the input (or, with [`IN_ARENA`] set on `start`, of the
/// arena): the key is `[start, eq)`, the value `[eq + 1, end)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Pair {
    start: u32,
    eq: u32,
    end: u32,
}

#[derive(Clone)]
enum Pairs {
    Inline {
        len: u8,
        pairs: [Pair; INLINE_PAIRS],
    },
    Heap(Vec<Pair>),
}

/// An ordered list of `key=value` pairs: order and duplicate keys are kept exactly as parsed.
///
/// Keys and values are **bytes**: tor passes a bridge line's arguments to the PT unchanged,
/// whatever they hold, so a Latin-1 byte or invalid UTF-8 is a valid argument. The `&str`
/// accessors ([`get`](Self::get), [`get_all`](Self::get_all), [`iter_str`](Self::iter_str))
/// give text where the bytes are UTF-8, which they are for every deployed PT's arguments;
/// [`get_bytes`](Self::get_bytes), [`get_all_bytes`](Self::get_all_bytes) and
/// [`iter`](Self::iter) give the bytes.
///
/// A parsed `Args` borrows every pair that had no backslash from the input; an escaped pair
/// is unescaped into a buffer the `Args` owns. [`push`](Self::push) copies into that buffer;
/// [`into_owned`](Self::into_owned) detaches everything. The first [`INLINE_PAIRS`] pairs are
/// stored inline (12 bytes each), so parsing typical PT arguments allocates nothing.
///
/// ```
/// use pt_args::Args;
///
/// let mut args = Args::new();
/// args.push("front", "a.example");
/// args.push("front", "b.example");
/// args.push("url", "https://x.example/");
/// args.push("k", b"caf\xe9"); // Latin-1: a valid argument, not valid UTF-8
/// assert_eq!(args.get("front"), Some("a.example"));
/// assert_eq!(args.get_all("front").collect::<Vec<_>>(), ["a.example", "b.example"]);
/// assert_eq!(args.get("k"), None);
/// assert_eq!(args.get_bytes("k"), Some(&b"caf\xe9"[..]));
/// assert_eq!(args.len(), 4);
/// ```
#[derive(Clone)]
pub struct Args<'a> {
    /// The parsed input; pairs without [`IN_ARENA`] point into it.
    src: &'a [u8],
    pairs: Pairs,
    /// Unescaped and pushed pairs, as `key=value`; pairs with [`IN_ARENA`] point into it.
    arena: Vec<u8>,
}

impl<'a> Args<'a> {
    /// An empty list; does not allocate.
    #[inline]
    pub const fn new() -> Self {
        Args::parsing(&[])
    }

    /// An empty list whose pairs will be ranges of `src` ([`push_field`](Self::push_field)).
    /// The caller has checked `src.len() <= MAX_INPUT`.
    #[inline]
    pub(crate) const fn parsing(src: &'a [u8]) -> Self {
        Args {
            src,
            pairs: Pairs::Inline {
                len: 0,
                pairs: [Pair {
                    start: 0,
                    eq: 0,
                    end: 0,
                }; INLINE_PAIRS],
            },
            arena: Vec::new(),
        }
    }

    /// Appends a pair at the end, after any pair with the same key. The bytes are copied into
    /// the `Args`' own buffer.
    ///
    /// # Panics
    ///
    /// Like `Vec::push` on capacity overflow: if the bytes owned by this `Args` would exceed
    /// [`MAX_INPUT`] (2 GiB). Parsing never gets there: inputs longer than that are refused
    /// with [`Error::TooLong`].
    pub fn push(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        let start = self.arena.len();
        self.arena.extend_from_slice(key.as_ref());
        let eq = self.arena.len();
        self.arena.push(b'=');
        self.arena.extend_from_slice(value.as_ref());
        let pair = self.arena_pair(start, eq, 0);
        self.push_pair(pair);
    }

    /// Appends the pair `key=value` of `input` (the input this `Args` is parsing), unescaping
    /// it into the arena if either field holds a backslash.
    #[inline]
    pub(crate) fn push_field(&mut self, input: &[u8], key: Field, value: Field) {
        // Offsets fit: the parser refused inputs longer than MAX_INPUT.
        let pair = if key.escaped || value.escaped {
            self.unescape_pair(input, key, value, 0)
        } else {
            Pair {
                start: key.start as u32,
                eq: key.end as u32,
                end: value.end as u32,
            }
        };
        self.push_pair(pair);
    }

    /// [`push_field`](Self::push_field) for an owned input that [`finish_owned`]
    /// (Self::finish_owned) will put at the start of the arena: ranges are taken as arena
    /// ranges, and unescaped pairs go after the input.
    pub(crate) fn push_field_owned(&mut self, input: &[u8], key: Field, value: Field) {
        let pair = if key.escaped || value.escaped {
            self.unescape_pair(input, key, value, input.len())
        } else {
            Pair {
                start: key.start as u32 | IN_ARENA,
                eq: key.end as u32,
                end: value.end as u32,
            }
        };
        self.push_pair(pair);
    }

    /// Ends a parse of owned input ([`push_field_owned`](Self::push_field_owned)): `input`
    /// becomes the start of the arena, the unescaped pairs follow it. The caller has checked
    /// that `input` and its unescaped copy fit in [`MAX_INPUT`].
    pub(crate) fn finish_owned(self, mut input: Vec<u8>) -> Args<'static> {
        input.extend_from_slice(&self.arena);
        Args {
            src: &[],
            pairs: self.pairs,
            arena: input,
        }
    }

    #[cold]
    fn unescape_pair(&mut self, input: &[u8], key: Field, value: Field, shift: usize) -> Pair {
        let field = |f: Field| input.get(f.start..f.end).unwrap_or_default();
        if self.arena.capacity() == 0 {
            // Every unescaped pair of this input fits in the input's length: one allocation.
            self.arena
                .reserve_exact(input.len().saturating_sub(key.start));
        }
        let start = self.arena.len();
        unescape_into(field(key), &mut self.arena);
        let eq = self.arena.len();
        self.arena.push(b'=');
        unescape_into(field(value), &mut self.arena);
        self.arena_pair(start, eq, shift)
    }

    /// The pair from `start` to the end of the arena, its `=` at `eq`, once `shift` bytes
    /// have been put before the arena.
    fn arena_pair(&self, start: usize, eq: usize, shift: usize) -> Pair {
        let end = self.arena.len() + shift;
        assert!(
            end <= MAX_INPUT,
            "Args capacity overflow: more than 2 GiB of owned bytes"
        );
        Pair {
            start: (start + shift) as u32 | IN_ARENA,
            eq: (eq + shift) as u32,
            end: end as u32,
        }
    }

    #[inline]
    fn push_pair(&mut self, pair: Pair) {
        match &mut self.pairs {
            Pairs::Inline { len, pairs } => match pairs.get_mut(usize::from(*len)) {
                Some(slot) => {
                    *slot = pair;
                    *len += 1;
                }
                None => self.spill(pair),
            },
            Pairs::Heap(heap) => heap.push(pair),
        }
    }

    #[cold]
    fn spill(&mut self, pair: Pair) {
        let mut heap = Vec::with_capacity(2 * INLINE_PAIRS);
        heap.extend_from_slice(self.pairs());
        heap.push(pair);
        self.pairs = Pairs::Heap(heap);
    }

    #[inline]
    fn pairs(&self) -> &[Pair] {
        match &self.pairs {
            Pairs::Inline { len, pairs } => pairs.get(..usize::from(*len)).unwrap_or_default(),
            Pairs::Heap(heap) => heap,
        }
    }

    /// The key and value of `p`.
    #[inline]
    fn resolve(&self, p: &Pair) -> (&[u8], &[u8]) {
        let (from, start) = if p.start & IN_ARENA != 0 {
            (&self.arena[..], p.start & !IN_ARENA)
        } else {
            (self.src, p.start)
        };
        let (start, eq, end) = (start as usize, p.eq as usize, p.end as usize);
        (
            from.get(start..eq).unwrap_or_default(),
            from.get(eq + 1..end).unwrap_or_default(),
        )
    }

    /// The value of the first pair whose key is `key`, if it is UTF-8.
    ///
    /// `None` when no pair has that key, or when its value is not UTF-8: use
    /// [`get_bytes`](Self::get_bytes) to tell the two apart.
    #[inline]
    pub fn get(&self, key: impl AsRef<[u8]>) -> Option<&str> {
        self.get_bytes(key)
            .and_then(|v| core::str::from_utf8(v).ok())
    }

    /// The value of the first pair whose key is `key`.
    #[inline]
    pub fn get_bytes(&self, key: impl AsRef<[u8]>) -> Option<&[u8]> {
        let key = key.as_ref();
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The values of every pair whose key is `key`, in order, skipping those that are not
    /// UTF-8 (see [`get_all_bytes`](Self::get_all_bytes)).
    pub fn get_all<'s>(
        &'s self,
        key: &'s (impl AsRef<[u8]> + ?Sized),
    ) -> impl Iterator<Item = &'s str> + 's {
        self.get_all_bytes(key)
            .filter_map(|v| core::str::from_utf8(v).ok())
    }

    /// The values of every pair whose key is `key`, in order.
    pub fn get_all_bytes<'s>(
        &'s self,
        key: &'s (impl AsRef<[u8]> + ?Sized),
    ) -> impl Iterator<Item = &'s [u8]> + 's {
        let key = key.as_ref();
        self.iter().filter(move |(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Whether some pair has the key `key`.
    #[inline]
    pub fn contains_key(&self, key: impl AsRef<[u8]>) -> bool {
        let key = key.as_ref();
        self.iter().any(|(k, _)| k == key)
    }

    /// The pairs, in order, as `(key, value)` bytes.
    #[inline]
    pub fn iter(&self) -> Iter<'_, 'a> {
        Iter {
            args: self,
            inner: self.pairs().iter(),
        }
    }

    /// The pairs, in order, as `(key, value)` text: each item is an error
    /// ([`Error::PairNotUtf8`]) where the key or the value is not UTF-8.
    ///
    /// ```
    /// use pt_args::socks;
    ///
    /// let args = socks::parse("cert=AAAA;iat-mode=0")?;
    /// let pairs: Vec<(&str, &str)> = args.iter_str().collect::<Result<_, _>>()?;
    /// assert_eq!(pairs, [("cert", "AAAA"), ("iat-mode", "0")]);
    /// # Ok::<(), pt_args::Error>(())
    /// ```
    pub fn iter_str(&self) -> impl Iterator<Item = Result<(&str, &str), Error>> + '_ {
        self.iter().enumerate().map(|(index, (k, v))| {
            match (core::str::from_utf8(k), core::str::from_utf8(v)) {
                (Ok(k), Ok(v)) => Ok((k, v)),
                _ => Err(Error::PairNotUtf8 { index }),
            }
        })
    }

    /// Whether every key and value is UTF-8.
    pub fn is_utf8(&self) -> bool {
        self.iter_str().all(|p| p.is_ok())
    }

    /// The number of pairs (duplicate keys count once per pair).
    #[inline]
    pub fn len(&self) -> usize {
        self.pairs().len()
    }

    /// Whether there are no pairs.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every key and value borrows from the parsed input (nothing was unescaped,
    /// nothing pushed): the `Args` owns no bytes.
    #[inline]
    pub fn is_borrowed(&self) -> bool {
        self.arena.is_empty() && self.pairs().iter().all(|p| p.start & IN_ARENA == 0)
    }

    /// A copy that owns all its bytes and no longer borrows the input. The bytes of the pairs
    /// that borrow are copied once, into one buffer; an `Args` that borrows nothing is moved.
    pub fn into_owned(self) -> Args<'static> {
        if self.pairs().iter().all(|p| p.start & IN_ARENA != 0) {
            return Args {
                src: &[],
                pairs: self.pairs,
                arena: self.arena,
            };
        }
        let total: usize = self.iter().map(|(k, v)| k.len() + 1 + v.len()).sum();
        let mut out = Args::new();
        out.arena.reserve_exact(total);
        if let Pairs::Heap(heap) = &self.pairs {
            out.pairs = Pairs::Heap(Vec::with_capacity(heap.len()));
        }
        for (k, v) in self.iter() {
            out.push(k, v);
        }
        out
    }
}

impl Default for Args<'_> {
    fn default() -> Self {
        Args::new()
    }
}

impl PartialEq for Args<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Args<'_> {}

impl fmt::Debug for Args<'_> {
    /// The pairs as a list of `(key, value)`, each shown as a string where it is UTF-8 and
    /// with `\x..` escapes for the bytes that are not.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|(k, v)| (Text(k), Text(v))))
            .finish()
    }
}

/// Bytes shown as a string literal, invalid UTF-8 as `\x..` escapes.
pub(crate) struct Text<'b>(pub(crate) &'b [u8]);

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                fmt::Display::fmt(&c.escape_debug(), f)?;
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        f.write_str("\"")
    }
}

impl<K: AsRef<[u8]>, V: AsRef<[u8]>> FromIterator<(K, V)> for Args<'_> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut args = Args::new();
        args.extend(iter);
        args
    }
}

impl<K: AsRef<[u8]>, V: AsRef<[u8]>> Extend<(K, V)> for Args<'_> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.push(k, v);
        }
    }
}

impl<'s, 'a> IntoIterator for &'s Args<'a> {
    type Item = (&'s [u8], &'s [u8]);
    type IntoIter = Iter<'s, 'a>;
    #[inline]
    fn into_iter(self) -> Iter<'s, 'a> {
        self.iter()
    }
}

/// Iterator over the pairs of an [`Args`] as bytes, from [`Args::iter`].
#[derive(Clone)]
pub struct Iter<'s, 'a> {
    args: &'s Args<'a>,
    inner: core::slice::Iter<'s, Pair>,
}

impl fmt::Debug for Iter<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("remaining", &self.inner.len())
            .finish()
    }
}

impl<'s> Iterator for Iter<'s, '_> {
    type Item = (&'s [u8], &'s [u8]);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|p| self.args.resolve(p))
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_, '_> {}

impl DoubleEndedIterator for Iter<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|p| self.args.resolve(p))
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::Args;
    use alloc::vec::Vec;
    use core::fmt;
    use serde::de::{self, SeqAccess, Visitor};

    /// One key or value: a string where the bytes are UTF-8, else a byte array.
    struct Field<'b>(&'b [u8]);

    impl serde::Serialize for Field<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match core::str::from_utf8(self.0) {
                Ok(text) => s.serialize_str(text),
                Err(_) => s.serialize_bytes(self.0),
            }
        }
    }

    impl serde::Serialize for Args<'_> {
        /// A sequence of `[key, value]` pairs, so order and duplicates survive. Each key and
        /// value is a string where it is UTF-8, else bytes.
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.iter().map(|(k, v)| (Field(k), Field(v))))
        }
    }

    /// Accepts a string, bytes, or a sequence of byte values.
    struct OwnedField(Vec<u8>);

    impl<'de> serde::Deserialize<'de> for OwnedField {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = OwnedField;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a string or bytes")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<OwnedField, E> {
                    Ok(OwnedField(v.as_bytes().to_vec()))
                }
                fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<OwnedField, E> {
                    Ok(OwnedField(v.to_vec()))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OwnedField, A::Error> {
                    let mut out = Vec::new();
                    while let Some(b) = seq.next_element::<u8>()? {
                        out.push(b);
                    }
                    Ok(OwnedField(out))
                }
            }
            // Bytes, not `any`: formats that are not self-describing (bincode, postcard)
            // read a string and bytes alike; JSON gives a string or an array here.
            d.deserialize_byte_buf(V)
        }
    }

    impl<'de> serde::Deserialize<'de> for Args<'_> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let pairs = Vec::<(OwnedField, OwnedField)>::deserialize(d)?;
            Ok(pairs.into_iter().map(|(k, v)| (k.0, v.0)).collect())
        }
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Args<'static> {
    /// Byte pairs with non-empty keys and no NUL: an empty key cannot be encoded by any
    /// flavour and a NUL by none of SOCKS and the environment, so `parse(encode(x)) == x`
    /// holds for the SOCKS args and server transport options encoders. (SMETHOD `ARGS:`
    /// also refuses white space: filter for it there.)
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let no_nul = |mut v: Vec<u8>| {
            v.iter_mut().filter(|b| **b == 0).for_each(|b| *b = b'0');
            v
        };
        let mut args = Args::new();
        for _ in 0..u.int_in_range(0..=10)? {
            let mut key = no_nul(<Vec<u8> as arbitrary::Arbitrary>::arbitrary(u)?);
            if key.is_empty() {
                key.push(b'k');
            }
            args.push(
                key,
                no_nul(<Vec<u8> as arbitrary::Arbitrary>::arbitrary(u)?),
            );
        }
        Ok(args)
    }
}
