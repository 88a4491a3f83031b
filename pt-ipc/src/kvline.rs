//! Key/value lines: the arguments of `LOG` and `STATUS` (`pt-spec.txt` sections 3.3.4 and
//! 3.3.5), read as tor's `kvline_parse` with `KV_QUOTED` reads them
//! (`src/lib/encoding/kvline.c`; behaviours: `ipc-kvline-grammar`).
//!
//! - Pairs are separated by whitespace (space, `\t`, `\r`, `\v`); leading whitespace is skipped.
//! - A key runs to the first whitespace or `=`; a word without `=`, an empty key, or a key
//!   holding `"`, `'`, a control byte or a byte above 126 rejects the whole line.
//! - A value starting with `"` is a [C string](crate::cstring); parsing goes on right after
//!   its closing quote (`K="a"B=c` is two pairs). Any other value runs to the next whitespace
//!   and may hold `=` and `"`. `K=` and `K=""` are both the empty value.
//! - Keys may repeat; [`KvLine::get`] gives the first, as tor's `config_line_find` does.
//!
//! The strict policy also wants exactly one space between pairs and nothing before the first
//! or after the last. A [`KvLine`] keeps the text it was parsed from (checked once) and decodes
//! a value only when asked, so parsing allocates nothing.
//!
//! ```
//! use pt_ipc::KvLine;
//!
//! let kv = KvLine::parse(r#"TRANSPORT=obfs4 ERRSTR="Connection refused" K="a"B=c"#, false)?;
//! assert_eq!(kv.get("ERRSTR").as_deref(), Some(&b"Connection refused"[..]));
//! assert_eq!(kv.get("B").as_deref(), Some(&b"c"[..]));
//! assert_eq!(kv.iter().count(), 4);
//! # Ok::<(), pt_ipc::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use nom::Parser;
use nom::bytes::complete::{take_while, take_while1};

use crate::cstring;
use crate::error::{Error, KvProblem};

type Res<'a, T> = nom::IResult<&'a [u8], T>;

/// tor's `TOR_ISSPACE` minus the line feed, which never reaches a line.
fn is_space(b: u8) -> bool {
    const TABLE: [bool; 256] = byte_table!(|b| matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c));
    TABLE[usize::from(b)]
}

/// `ws = *(SP / HTAB / CR / VT / FF)`
fn ws(i: &[u8]) -> Res<'_, &[u8]> {
    take_while(is_space).parse(i)
}

/// `key = 1*(printable US-ASCII but "=", DQUOTE and "'")`: tor reads a key up to whitespace
/// or `=` and then refuses it if it holds any other byte, which comes to the same.
fn key(i: &[u8]) -> Res<'_, &[u8]> {
    take_while1(|b| key_byte_ok(b) && b != b'=').parse(i)
}

/// A key byte tor can carry (its `needs_escape(key, as_keyless_val=true)` is false).
fn key_byte_ok(b: u8) -> bool {
    const TABLE: [bool; 256] = byte_table!(|b| b >= 0x21 && b < 0x7f && b != b'"' && b != b'\'');
    TABLE[usize::from(b)]
}

/// `bare-value = *(any byte but whitespace)`
fn bare_value(i: &[u8]) -> Res<'_, &[u8]> {
    take_while(|b| !is_space(b)).parse(i)
}

/// One pair as it appears in the text.
#[derive(Clone, Copy)]
struct RawPair<'a> {
    key: &'a [u8],
    /// The value's bytes: the C string with its quotes when `quoted` (only a C string with an
    /// escape; one without is given as the bytes between its quotes).
    value: &'a [u8],
    quoted: bool,
}

/// Reads the pair at the start of `i` (after any whitespace). `at` is the offset of `i` in the
/// whole text, for errors.
fn pair<'a>(
    i: &'a [u8],
    at: usize,
    strict: bool,
    kw: &'static str,
) -> Result<(&'a [u8], RawPair<'a>), Error> {
    let err = |problem, offset| Error::KvLine {
        keyword: kw,
        problem,
        offset,
    };
    let (rest, k) = key(i).unwrap_or((i, &[]));
    let after_key = at + k.len();
    let rest = match nom::character::complete::char::<_, nom::error::Error<&[u8]>>('=').parse(rest)
    {
        // `=value`: the key is empty.
        Ok(_) if k.is_empty() => return Err(err(KvProblem::EmptyKey, at)),
        Ok((rest, _)) => rest,
        // The word ended without `=`.
        Err(_) if rest.first().is_none_or(|&b| is_space(b)) => {
            return Err(err(KvProblem::MissingEquals, after_key));
        }
        Err(_) => return Err(err(KvProblem::BadKeyByte, after_key)),
    };
    let vat = after_key + 1;
    if rest.first() == Some(&b'"') {
        let (used, escaped) = cstring::check(rest, strict).map_err(|e| e.shifted(vat))?;
        let (value, rest) = rest.split_at(used);
        // Without an escape the value is the text between the quotes: no second pass later.
        let (value, quoted) = match value.get(1..used - 1) {
            Some(inner) if !escaped => (inner, false),
            _ => (value, true),
        };
        return Ok((
            rest,
            RawPair {
                key: k,
                value,
                quoted,
            },
        ));
    }
    let (rest, value) = bare_value(rest).map_err(|_| err(KvProblem::MissingEquals, vat))?;
    Ok((
        rest,
        RawPair {
            key: k,
            value,
            quoted: false,
        },
    ))
}

/// Checks the whole text, calling `each` for every pair.
fn walk<'a>(
    text: &'a [u8],
    strict: bool,
    kw: &'static str,
    mut each: impl FnMut(RawPair<'a>),
) -> Result<(), Error> {
    let spacing = |offset| Error::KvLine {
        keyword: kw,
        problem: KvProblem::Spacing,
        offset,
    };
    let mut i = text;
    let mut first = true;
    loop {
        let here = text.len() - i.len();
        let (rest, space) = ws(i).unwrap_or((i, &[]));
        if rest.is_empty() {
            if strict && !space.is_empty() {
                return Err(spacing(here));
            }
            return Ok(());
        }
        if strict
            && !(if first {
                space.is_empty()
            } else {
                space == b" "
            })
        {
            return Err(spacing(here));
        }
        let (rest, p) = pair(rest, here + space.len(), strict, kw)?;
        each(p);
        i = rest;
        first = false;
    }
}

/// The pairs of a checked text, one at a time (no allocation).
struct Pairs<'a> {
    rest: &'a [u8],
    strict: bool,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = RawPair<'a>;

    fn next(&mut self) -> Option<RawPair<'a>> {
        let (rest, _) = ws(self.rest).unwrap_or((self.rest, &[]));
        if rest.is_empty() {
            self.rest = rest;
            return None;
        }
        // The text was checked when the line was made, so this cannot fail; stop if it does.
        let (rest, p) = pair(rest, 0, self.strict, "").ok()?;
        self.rest = rest;
        Some(p)
    }
}

/// A value as it appears in the text, and whether it is a quoted C string.
pub(crate) type RawValue<'a> = (&'a [u8], bool);

/// Checks `text` in one pass and returns, for each of `keys`, its first value undecoded (with
/// its quotes when `true`), and the number of pairs.
pub(crate) fn check_find<'a, const N: usize>(
    text: &'a [u8],
    strict: bool,
    kw: &'static str,
    keys: [&[u8]; N],
) -> Result<([Option<RawValue<'a>>; N], usize), Error> {
    let mut found = [None; N];
    let mut n = 0;
    walk(text, strict, kw, |p| {
        n += 1;
        for (k, slot) in keys.iter().zip(found.iter_mut()) {
            if slot.is_none() && p.key == *k {
                *slot = Some((p.value, p.quoted));
            }
        }
    })?;
    Ok((found, n))
}

/// Decodes one value (already checked).
fn decode<'a>(p: &RawPair<'a>, strict: bool) -> Cow<'a, [u8]> {
    if p.quoted {
        cstring::decode(p.value, strict)
            .map(|(v, _)| v)
            .unwrap_or(Cow::Borrowed(p.value))
    } else {
        Cow::Borrowed(p.value)
    }
}

/// A checked key/value line: the arguments of `LOG` and `STATUS`, read as tor's `kvline_parse`
/// with `KV_QUOTED` reads them (`src/lib/encoding/kvline.c`; behaviours: `ipc-kvline-grammar`):
/// whitespace between pairs, `key=value` with a bare or C-string value, no empty keys, keys may
/// repeat ([`get`](Self::get) gives the first). The text is checked once and kept; values are
/// decoded only when asked, so parsing allocates nothing.
///
/// ```
/// use pt_ipc::KvLine;
///
/// let kv = KvLine::parse(r#"TRANSPORT=obfs4 ERRSTR="Connection refused" K="a"B=c"#, false)?;
/// assert_eq!(kv.get("ERRSTR").as_deref(), Some(&b"Connection refused"[..]));
/// assert_eq!(kv.get("B").as_deref(), Some(&b"c"[..]));
/// assert_eq!(kv.iter().count(), 4);
/// # Ok::<(), pt_ipc::Error>(())
/// ```
#[derive(Clone)]
pub struct KvLine<'a> {
    text: Cow<'a, str>,
    strict: bool,
}

impl<'a> KvLine<'a> {
    /// Checks `text` (the arguments of a `LOG` or `STATUS` line) and keeps it. `strict` is
    /// tor's C-string reading plus single spaces; otherwise unknown escapes keep their byte and
    /// any whitespace separates pairs.
    pub fn parse(text: &'a str, strict: bool) -> Result<KvLine<'a>, Error> {
        Self::parse_for(text, strict, "LOG/STATUS")
    }

    pub(crate) fn parse_for(
        text: &'a str,
        strict: bool,
        kw: &'static str,
    ) -> Result<KvLine<'a>, Error> {
        walk(text.as_bytes(), strict, kw, |_| {})?;
        Ok(KvLine {
            text: Cow::Borrowed(text),
            strict,
        })
    }

    /// A text already checked with `strict`.
    pub(crate) fn checked(text: &'a str, strict: bool) -> KvLine<'a> {
        KvLine {
            text: Cow::Borrowed(text),
            strict,
        }
    }

    /// Builds a line from pairs, quoting a value as a C string unless it is non-empty printable
    /// US-ASCII without `"` or `\` (tor's `kvline_encode` makes the same choice).
    ///
    /// Fails with [`Error::Unencodable`] on an empty key, a key holding anything but printable
    /// US-ASCII other than `=`, `"` and `'`, or a value holding NUL.
    ///
    /// ```
    /// let kv = pt_ipc::KvLine::from_pairs([("TRANSPORT", &b"obfs4"[..]), ("ERR", b"no route")])?;
    /// assert_eq!(kv.as_str(), r#"TRANSPORT=obfs4 ERR="no route""#);
    /// # Ok::<(), pt_ipc::Error>(())
    /// ```
    pub fn from_pairs<K, V, I>(pairs: I) -> Result<KvLine<'static>, Error>
    where
        K: AsRef<[u8]>,
        V: AsRef<[u8]>,
        I: IntoIterator<Item = (K, V)>,
    {
        let mut text = Vec::new();
        for (k, v) in pairs {
            let (k, v) = (k.as_ref(), v.as_ref());
            if k.is_empty() || k.iter().any(|&b| !key_byte_ok(b) || b == b'=') {
                return Err(Error::Unencodable {
                    what: "a LOG/STATUS key (printable US-ASCII, no = \" ')",
                });
            }
            if v.contains(&0) {
                return Err(Error::Unencodable {
                    what: "a LOG/STATUS value holding NUL",
                });
            }
            if !text.is_empty() {
                text.push(b' ');
            }
            text.extend_from_slice(k);
            text.push(b'=');
            put_value(v, &mut text);
        }
        // Only printable US-ASCII was written.
        let text = String::from_utf8(text).unwrap_or_default();
        Ok(KvLine {
            text: Cow::Owned(text),
            strict: false,
        })
    }

    fn pairs(&self) -> Pairs<'_> {
        Pairs {
            rest: self.text.as_bytes(),
            strict: self.strict,
        }
    }

    /// The text, as parsed or built.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The pairs in order, values decoded (borrowed unless a C string held an escape).
    pub fn iter(&self) -> impl Iterator<Item = (&str, Cow<'_, [u8]>)> + '_ {
        self.pairs().map(move |p| {
            (
                core::str::from_utf8(p.key).unwrap_or_default(),
                decode(&p, self.strict),
            )
        })
    }

    /// The first value of `key`, decoded.
    pub fn get(&self, key: impl AsRef<[u8]>) -> Option<Cow<'_, [u8]>> {
        let key = key.as_ref();
        self.pairs()
            .find(|p| p.key == key)
            .map(|p| decode(&p, self.strict))
    }

    /// The first value of `key`, undecoded (with its quotes when `true`).
    pub(crate) fn raw(&self, key: &[u8]) -> Option<(&[u8], bool)> {
        self.pairs()
            .find(|p| p.key == key)
            .map(|p| (p.value, p.quoted))
    }

    /// Whether the line holds `key`.
    pub fn contains_key(&self, key: impl AsRef<[u8]>) -> bool {
        self.raw(key.as_ref()).is_some()
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> KvLine<'static> {
        KvLine {
            text: Cow::Owned(self.text.into_owned()),
            strict: self.strict,
        }
    }
}

/// Writes a value: bare when it is non-empty printable US-ASCII without `"` and `\`, else a C
/// string.
pub(crate) fn put_value(v: &[u8], out: &mut Vec<u8>) {
    if !v.is_empty()
        && v.iter()
            .all(|&b| (0x21..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.extend_from_slice(v);
    } else {
        cstring::put(v, out);
    }
}

impl PartialEq for KvLine<'_> {
    /// Equal when the pairs decode to the same keys and values in the same order, however they
    /// were quoted or spaced.
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for KvLine<'_> {}

impl fmt::Debug for KvLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.iter()
                    .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned())),
            )
            .finish()
    }
}

impl fmt::Display for KvLine<'_> {
    /// The text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
