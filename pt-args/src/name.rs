//! Transport names: `[a-zA-Z_][a-zA-Z0-9_]*` (PT spec section 3.1).

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

use crate::Error;

/// A Pluggable Transport name, validated on construction.
///
/// PT spec section 3.1: names "MUST be valid C identifiers", that is they match
/// `[a-zA-Z_][a-zA-Z0-9_]*`, with no length limit. The borrowed form costs nothing;
/// [`into_owned`](Self::into_owned) makes a `'static` copy.
///
/// ```
/// use pt_args::TransportName;
///
/// let name = TransportName::new("obfs4")?;
/// assert_eq!(name, "obfs4");
/// assert!(TransportName::new("meek-lite").is_err());
/// assert!(TransportName::new("4obfs").is_err());
/// # Ok::<(), pt_args::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransportName<'a>(Cow<'a, str>);

impl<'a> TransportName<'a> {
    /// Validates `name` and borrows it.
    pub fn new(name: &'a str) -> Result<Self, Error> {
        validate(name.as_bytes())?;
        Ok(TransportName(Cow::Borrowed(name)))
    }

    /// Validates `name` and keeps it.
    pub fn from_string(name: String) -> Result<TransportName<'static>, Error> {
        validate(name.as_bytes())?;
        Ok(TransportName(Cow::Owned(name)))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> TransportName<'static> {
        TransportName(Cow::Owned(self.0.into_owned()))
    }
}

/// Checks `name` against `[a-zA-Z_][a-zA-Z0-9_]*`.
///
/// ```
/// assert!(pt_args::name::validate(b"snowflake").is_ok());
/// assert_eq!(
///     pt_args::name::validate(b"web-tunnel"),
///     Err(pt_args::Error::InvalidTransportName { offset: 3 })
/// );
/// ```
pub fn validate(name: &[u8]) -> Result<(), Error> {
    match name.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {}
        _ => return Err(Error::InvalidTransportName { offset: 0 }),
    }
    match name
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
    {
        Some(offset) => Err(Error::InvalidTransportName { offset }),
        None => Ok(()),
    }
}

impl core::str::FromStr for TransportName<'static> {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        TransportName::new(s).map(TransportName::into_owned)
    }
}

impl fmt::Display for TransportName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TransportName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl AsRef<str> for TransportName<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl core::ops::Deref for TransportName<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for TransportName<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for TransportName<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for TransportName<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for TransportName<'_> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        validate(s.as_bytes()).map_err(serde::de::Error::custom)?;
        Ok(TransportName(Cow::Owned(s)))
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for TransportName<'static> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
        const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
        let mut s = String::new();
        s.push(char::from(*u.choose(FIRST)?));
        for _ in 0..u.int_in_range(0..=15)? {
            s.push(char::from(*u.choose(REST)?));
        }
        Ok(TransportName(Cow::Owned(s)))
    }
}
