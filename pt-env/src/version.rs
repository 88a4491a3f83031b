//! `TOR_PT_MANAGED_TRANSPORT_VER` / `-ptversion`: the version list, the dialects it selects and
//! the negotiation (`pt-spec.txt` section 3.2.1; PT 2.x Dispatcher IPC "version negotiation").

use alloc::borrow::Cow;
use core::fmt;

use nom::bytes::complete::{tag, take_while1};
use nom::combinator::all_consuming;
use nom::multi::many0_count;
use nom::sequence::preceded;
use nom::{IResult, Parser};

use crate::util::items;
use crate::{Error, Origin};

/// A family of protocol versions that read the same configuration and write the same lines.
///
/// The version token a parent offers selects one (pt2 Dispatcher IPC section 2): `1` is PT 1.0
/// (tor, Arti, goptlib); `2`, `2.0` and `2.1` are PT 2.0/2.1, whose IPC text is the same;
/// `2.2` is PT 2.2 (and 2.2.1, which kept the token); `3.0` is PT 3.0. Ordered oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Dialect {
    /// PT 1.0 (`1`): `TOR_PT_*` variables, every line on stdout.
    Pt1,
    /// PT 2.0 and 2.1 (`2`, `2.0`, `2.1`): variables or flags (a flag wins), error lines on
    /// stderr with sysexits codes.
    Pt2,
    /// PT 2.2 (`2.2`): variables or flags but never both for one setting, JSON options, most
    /// settings optional.
    Pt22,
    /// PT 3.0 (`3.0`): flags only (the version may still come from the variable).
    Pt3,
}

impl Dialect {
    /// Every dialect, oldest first.
    pub const ALL: [Dialect; 4] = [Dialect::Pt1, Dialect::Pt2, Dialect::Pt22, Dialect::Pt3];

    /// The version tokens that select this dialect; the first is the one a PT answers when
    /// the parent offered none (PT 2.2 and later).
    pub const fn tokens(self) -> &'static [&'static str] {
        match self {
            Dialect::Pt1 => &["1"],
            Dialect::Pt2 => &["2", "2.0", "2.1"],
            Dialect::Pt22 => &["2.2"],
            Dialect::Pt3 => &["3.0"],
        }
    }

    /// The dialect a version token selects, if this crate knows it.
    ///
    /// ```
    /// use pt_env::Dialect;
    /// assert_eq!(Dialect::of_token(b"2.1"), Some(Dialect::Pt2));
    /// assert_eq!(Dialect::of_token(b"1a"), None);
    /// ```
    pub fn of_token(token: &[u8]) -> Option<Dialect> {
        Dialect::ALL
            .into_iter()
            .find(|d| d.tokens().iter().any(|t| t.as_bytes() == token))
    }

    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Pt1 => "PT 1.0",
            Dialect::Pt2 => "PT 2.0/2.1",
            Dialect::Pt22 => "PT 2.2",
            Dialect::Pt3 => "PT 3.0",
        })
    }
}

/// The set of dialects a PT supports (a small bit set).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dialects(u8);

impl Dialects {
    /// None.
    pub const NONE: Dialects = Dialects(0);
    /// PT 1.0 only: what tor, Arti and goptlib speak (the default).
    pub const PT1: Dialects = Dialects(Dialect::Pt1.bit());
    /// Every dialect this crate knows.
    pub const ALL: Dialects = Dialects(
        Dialect::Pt1.bit() | Dialect::Pt2.bit() | Dialect::Pt22.bit() | Dialect::Pt3.bit(),
    );

    /// This set plus `dialect`.
    pub const fn with(self, dialect: Dialect) -> Dialects {
        Dialects(self.0 | dialect.bit())
    }

    /// Whether `dialect` is in the set.
    pub const fn contains(self, dialect: Dialect) -> bool {
        self.0 & dialect.bit() != 0
    }

    /// The newest dialect in the set.
    pub fn highest(self) -> Option<Dialect> {
        self.iter().last()
    }

    /// The dialects in the set, oldest first.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = Dialect> {
        Dialect::ALL.into_iter().filter(move |d| self.contains(*d))
    }
}

impl Default for Dialects {
    fn default() -> Self {
        Dialects::PT1
    }
}

impl FromIterator<Dialect> for Dialects {
    fn from_iter<I: IntoIterator<Item = Dialect>>(iter: I) -> Self {
        iter.into_iter().fold(Dialects::NONE, Dialects::with)
    }
}

impl fmt::Debug for Dialects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Dialects {
    /// A list of dialects.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Dialects {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let list = alloc::vec::Vec::<Dialect>::deserialize(d)?;
        Ok(list.into_iter().collect())
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Dialects {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Dialects(u8::arbitrary(u)? & Dialects::ALL.0))
    }
}

/// The negotiated version: the token exactly as the parent offered it (parents compare the
/// string they get back) and the dialect it selects.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Version<'a> {
    token: Cow<'a, str>,
    dialect: Dialect,
}

impl<'a> Version<'a> {
    /// `1`: PT 1.0, what tor and Arti offer.
    pub const V1: Version<'static> = Version::known("1", Dialect::Pt1);
    /// `2`: PT 2.0/2.1 as its IPC text names it.
    pub const V2: Version<'static> = Version::known("2", Dialect::Pt2);
    /// `2.2`: PT 2.2.
    pub const V2_2: Version<'static> = Version::known("2.2", Dialect::Pt22);
    /// `3.0`: PT 3.0.
    pub const V3_0: Version<'static> = Version::known("3.0", Dialect::Pt3);

    const fn known(token: &'static str, dialect: Dialect) -> Version<'static> {
        Version {
            token: Cow::Borrowed(token),
            dialect,
        }
    }

    /// The version a token selects, for a parent building an environment; `None` if this crate
    /// does not know the token.
    pub fn new(token: &'a str) -> Option<Version<'a>> {
        let dialect = Dialect::of_token(token.as_bytes())?;
        Some(Version {
            token: Cow::Borrowed(token),
            dialect,
        })
    }

    /// The token, as offered.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The length of the `VERSION <token>` line with its line feed.
    pub fn line_len(&self) -> usize {
        "VERSION ".len() + self.token.len() + 1
    }

    /// Writes `VERSION <token>\n` (the first line of a PT that agreed on a version) into `buf`,
    /// returning the bytes written; writes nothing if `buf` has less room.
    pub fn write_line<B: bytes::BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        let needed = self.line_len();
        if buf.remaining_mut() < needed {
            return Err(Error::BufferTooSmall {
                needed,
                available: buf.remaining_mut(),
            });
        }
        buf.put_slice(b"VERSION ");
        buf.put_slice(self.token.as_bytes());
        buf.put_u8(b'\n');
        Ok(needed)
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Version<'static> {
        Version {
            token: Cow::Owned(self.token.into_owned()),
            dialect: self.dialect,
        }
    }
}

impl fmt::Display for Version<'_> {
    /// The token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.token)
    }
}

impl fmt::Debug for Version<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({:?}, {:?})", &*self.token, self.dialect)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Version<'_> {
    /// The token.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.token)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Version<'_> {
    /// A token this crate knows (its dialect follows from it).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let token = alloc::string::String::deserialize(d)?;
        let dialect = Dialect::of_token(token.as_bytes())
            .ok_or_else(|| serde::de::Error::custom("unknown PT version token"))?;
        Ok(Version {
            token: Cow::Owned(token),
            dialect,
        })
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Version<'static> {
    /// One of the tokens this crate knows.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let dialect = Dialect::arbitrary(u)?;
        let token = *u.choose(dialect.tokens())?;
        Ok(Version {
            token: Cow::Borrowed(token),
            dialect,
        })
    }
}

// `pt-spec.txt` section 3.2.1: "Valid versions MUST consist entirely of non-whitespace,
// non-comma printable ASCII characters." The list is "delimited by commas".

/// A version character: printable ASCII (`!` to `~`) other than `,`.
fn is_version_char(b: u8) -> bool {
    b.is_ascii_graphic() && b != b','
}

/// `version = 1*version-char`
fn version_token(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while1(is_version_char).parse(i)
}

/// `version-list = version *("," version)`
fn version_list(i: &[u8]) -> IResult<&[u8], usize> {
    all_consuming(preceded(
        version_token,
        many0_count(preceded(tag(","), version_token)),
    ))
    .parse(i)
}

/// Checks the whole list against the grammar (the strict policy), returning the offset of the
/// first byte that breaks it (where an empty version should have started, or the first byte
/// that is not a version character).
pub(crate) fn check_list(list: &[u8]) -> Result<(), usize> {
    if version_list(list).is_ok() {
        return Ok(());
    }
    let bad = items(list, b',').find_map(|(at, item)| match item.first() {
        None => Some(at),
        Some(_) => version_token(item)
            .ok()
            .filter(|(rest, _)| !rest.is_empty())
            .map(|(rest, _)| at + item.len() - rest.len())
            .or_else(|| version_token(item).is_err().then_some(at)),
    });
    Err(bad.unwrap_or(list.len()))
}

/// Picks a version from `list`: the newest supported dialect that the list offers, with the
/// first offered token of that dialect, exactly as offered (behaviours:
/// `env-version-negotiation`). Tokens are compared byte for byte, untrimmed (goptlib's
/// `getManagedTransportVer`), so a malformed token never matches.
pub(crate) fn pick<'a>(list: &'a [u8], supported: crate::Dialects) -> Option<Version<'a>> {
    let chosen = supported.iter().rev().find_map(|d| {
        items(list, b',').find_map(|(_, t)| (Dialect::of_token(t) == Some(d)).then_some(t))
    })?;
    let token = core::str::from_utf8(chosen).ok()?;
    Version::new(token)
}

/// The newest dialect this crate knows among the tokens offered in `list`.
pub(crate) fn highest_offered(list: &[u8]) -> Option<Dialect> {
    items(list, b',')
        .filter_map(|(_, t)| Dialect::of_token(t))
        .max()
}

/// The version a PT answers when the parent offered none: the first token of the newest
/// supported dialect, if that is PT 2.2 or later ("the PT MUST still print VERSION with its
/// latest version").
pub(crate) fn unoffered(supported: crate::Dialects) -> Option<Version<'static>> {
    let d = supported.highest().filter(|d| *d >= Dialect::Pt22)?;
    let token = d.tokens().first()?;
    Some(Version {
        token: Cow::Borrowed(token),
        dialect: d,
    })
}

/// The error for a version list that offers nothing we support.
pub(crate) fn no_version(list: &[u8]) -> Error {
    Error::NoVersion {
        offered: highest_offered(list),
    }
}

/// The error for a list the strict policy refuses.
pub(crate) fn malformed(origin: Origin, offset: usize) -> Error {
    Error::MalformedVersionList { origin, offset }
}
