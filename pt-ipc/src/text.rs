//! Checked text for the free-form fields of a line.

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

use crate::Error;

/// Where `s` breaks a line: the offset of the first NUL, LF or CR, as the error it is.
pub(crate) fn line_breaker(s: &[u8]) -> Option<Error> {
    let at = memchr::memchr3(0, b'\n', b'\r', s)?;
    Some(match s.get(at) {
        Some(0) => Error::Nul { offset: at },
        Some(b'\n') => Error::LineFeed { offset: at },
        _ => Error::CarriageReturn { offset: at },
    })
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $check:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name<'a>(Cow<'a, str>);

        impl<'a> $name<'a> {
            /// Checks `s` and borrows it.
            pub fn new(s: &'a str) -> Result<Self, Error> {
                let check: fn(&str) -> Result<(), Error> = $check;
                check(s)?;
                Ok($name(Cow::Borrowed(s)))
            }

            /// Checks `s` and keeps it.
            pub fn from_string(s: String) -> Result<$name<'static>, Error> {
                let check: fn(&str) -> Result<(), Error> = $check;
                check(&s)?;
                Ok($name(Cow::Owned(s)))
            }

            /// Already checked by the parser.
            pub(crate) fn checked(s: &'a str) -> Self {
                $name(Cow::Borrowed(s))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// A copy that no longer borrows the input.
            pub fn into_owned(self) -> $name<'static> {
                $name(Cow::Owned(self.0.into_owned()))
            }
        }

        impl core::ops::Deref for $name<'_> {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name<'_> {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name<'_> {
            fn eq(&self, other: &str) -> bool {
                *self.0 == *other
            }
        }

        impl PartialEq<&str> for $name<'_> {
            fn eq(&self, other: &&str) -> bool {
                *self.0 == **other
            }
        }

        impl fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&*self.0, f)
            }
        }

        impl core::str::FromStr for $name<'static> {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                $name::new(s).map($name::into_owned)
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name<'static> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                $name::from_string(s).map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "arbitrary")]
        impl<'a> arbitrary::Arbitrary<'a> for $name<'static> {
            fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
                const CHARS: &[u8] = b"abcXYZ019 -_=:,.\"\\/!~\t";
                let mut s = String::new();
                for _ in 0..u.int_in_range(0..=24)? {
                    s.push(char::from(*u.choose(CHARS)?));
                }
                let mut t = s.trim_start_matches([' ', '\t']).replace(['\t'], "");
                if !$name::from_string(t.clone()).is_ok() {
                    t = t.replace(' ', "_");
                }
                if t.is_empty() {
                    t.push('x');
                }
                $name::from_string(t).map_err(|_| arbitrary::Error::IncorrectFormat)
            }
        }
    };
}

fn check_text(s: &str) -> Result<(), Error> {
    if let Some(e) = line_breaker(s.as_bytes()) {
        return Err(e);
    }
    if s.starts_with(' ') {
        return Err(Error::Unencodable {
            what: "text starting with a space (a parser skips it)",
        });
    }
    Ok(())
}

fn check_token(s: &str) -> Result<(), Error> {
    check_text(s)?;
    if s.is_empty() || s.contains(' ') {
        return Err(Error::Unencodable {
            what: "an empty word or a word with a space",
        });
    }
    Ok(())
}

text_type!(
    /// Free text to the end of a line: the message of `ENV-ERROR`, `CMETHOD-ERROR`, ..., the text
    /// of a PT 2.2 `LOG`, the body of `CMESSAGE`. Any UTF-8 but NUL, LF and CR, not starting
    /// with a space (a parser would skip it).
    ///
    /// ```
    /// use pt_ipc::Text;
    /// assert!(Text::new("no rocks available").is_ok());
    /// assert!(Text::new("two\nlines").is_err());
    /// ```
    Text,
    check_text,
    "text"
);

text_type!(
    /// One non-empty word without spaces (a version token, a keyword of an unknown line is
    /// checked separately). Any UTF-8 but space, NUL, LF and CR.
    ///
    /// ```
    /// use pt_ipc::Token;
    /// assert!(Token::new("1").is_ok());
    /// assert!(Token::new("1 2").is_err());
    /// ```
    Token,
    check_token,
    "token"
);
