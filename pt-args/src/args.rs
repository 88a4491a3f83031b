//! [`Args`]: the ordered multimap every flavour parses into and encodes from.

use alloc::borrow::Cow;
#[cfg(any(feature = "serde", feature = "arbitrary"))]
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::mem::take;

/// How many pairs [`Args`] holds before it allocates. Real PT arguments have 1 to 6 pairs
/// (obfs4: `cert`, `iat-mode`), so the common case never touches the heap.
pub const INLINE_PAIRS: usize = 4;

type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// An ordered list of `key=value` pairs: order and duplicate keys are kept exactly as parsed.
///
/// Keys and values borrow from the parsed input when it had no escapes in them, and own an
/// unescaped copy otherwise; [`into_owned`](Self::into_owned) detaches everything. The first
/// [`INLINE_PAIRS`] pairs are stored inline, so parsing typical PT arguments allocates nothing.
///
/// ```
/// use pt_args::Args;
///
/// let mut args = Args::new();
/// args.push("front", "a.example");
/// args.push("front", "b.example");
/// args.push("url", "https://x.example/");
/// assert_eq!(args.get("front"), Some("a.example"));
/// assert_eq!(args.get_all("front").collect::<Vec<_>>(), ["a.example", "b.example"]);
/// assert_eq!(args.len(), 3);
/// ```
#[derive(Clone)]
pub struct Args<'a> {
    store: Store<'a>,
}

#[derive(Clone)]
enum Store<'a> {
    Inline {
        len: usize,
        pairs: [Pair<'a>; INLINE_PAIRS],
    },
    Heap(Vec<Pair<'a>>),
}

const EMPTY: Pair<'static> = (Cow::Borrowed(""), Cow::Borrowed(""));

impl<'a> Args<'a> {
    /// An empty list; does not allocate.
    pub const fn new() -> Self {
        Args {
            store: Store::Inline {
                len: 0,
                pairs: [EMPTY; INLINE_PAIRS],
            },
        }
    }

    /// Appends a pair at the end, after any pair with the same key.
    pub fn push(&mut self, key: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) {
        let pair = (key.into(), value.into());
        match &mut self.store {
            Store::Inline { len, pairs } if *len < INLINE_PAIRS => {
                pairs[*len] = pair;
                *len += 1;
            }
            Store::Inline { len, pairs } => {
                let mut heap = Vec::with_capacity(2 * INLINE_PAIRS);
                heap.extend(pairs[..*len].iter_mut().map(|(k, v)| (take(k), take(v))));
                heap.push(pair);
                self.store = Store::Heap(heap);
            }
            Store::Heap(heap) => heap.push(pair),
        }
    }

    /// The pairs, in order.
    pub fn as_slice(&self) -> &[(Cow<'a, str>, Cow<'a, str>)] {
        match &self.store {
            Store::Inline { len, pairs } => &pairs[..*len],
            Store::Heap(heap) => heap,
        }
    }

    /// The value of the first pair whose key is `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The values of every pair whose key is `key`, in order.
    pub fn get_all<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.iter().filter(move |(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Whether some pair has the key `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.iter().any(|(k, _)| k == key)
    }

    /// The pairs, in order, as `(key, value)`.
    pub fn iter(&self) -> Iter<'_, 'a> {
        Iter {
            inner: self.as_slice().iter(),
        }
    }

    /// The number of pairs (duplicate keys count once per pair).
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every key and value borrows from the parsed input (nothing was unescaped).
    pub fn is_borrowed(&self) -> bool {
        self.as_slice()
            .iter()
            .all(|(k, v)| matches!(k, Cow::Borrowed(_)) && matches!(v, Cow::Borrowed(_)))
    }

    /// A copy that owns all its strings and no longer borrows the input.
    pub fn into_owned(self) -> Args<'static> {
        let mut out = Args::new();
        let owned = |(k, v): Pair<'a>| (Cow::Owned(k.into_owned()), Cow::Owned(v.into_owned()));
        match self.store {
            Store::Inline { len, pairs } => pairs
                .into_iter()
                .take(len)
                .map(owned)
                .for_each(|(k, v)| out.push(k, v)),
            Store::Heap(heap) => out.store = Store::Heap(heap.into_iter().map(owned).collect()),
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
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Args<'_> {}

impl fmt::Debug for Args<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, K: Into<Cow<'a, str>>, V: Into<Cow<'a, str>>> FromIterator<(K, V)> for Args<'a> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut args = Args::new();
        args.extend(iter);
        args
    }
}

impl<'a, K: Into<Cow<'a, str>>, V: Into<Cow<'a, str>>> Extend<(K, V)> for Args<'a> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.push(k, v);
        }
    }
}

impl<'s, 'a> IntoIterator for &'s Args<'a> {
    type Item = (&'s str, &'s str);
    type IntoIter = Iter<'s, 'a>;
    fn into_iter(self) -> Iter<'s, 'a> {
        self.iter()
    }
}

/// Iterator over the pairs of an [`Args`], from [`Args::iter`].
#[derive(Clone, Debug)]
pub struct Iter<'s, 'a> {
    inner: core::slice::Iter<'s, Pair<'a>>,
}

impl<'s> Iterator for Iter<'s, '_> {
    type Item = (&'s str, &'s str);
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (&**k, &**v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_, '_> {}
impl DoubleEndedIterator for Iter<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (&**k, &**v))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Args<'_> {
    /// A sequence of `[key, value]` pairs, so order and duplicates survive.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Args<'_> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pairs = Vec::<(String, String)>::deserialize(d)?;
        Ok(pairs.into_iter().collect())
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Args<'static> {
    /// Any pairs with non-empty keys (an empty key cannot be encoded by any flavour).
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut args = Args::new();
        for _ in 0..u.int_in_range(0..=8)? {
            let mut key = <String as arbitrary::Arbitrary>::arbitrary(u)?;
            if key.is_empty() {
                key.push('k');
            }
            args.push(key, <String as arbitrary::Arbitrary>::arbitrary(u)?);
        }
        Ok(args)
    }
}
