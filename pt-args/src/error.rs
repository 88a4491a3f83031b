//! The one error type of this crate.

/// What went wrong while parsing or encoding k=v arguments.
///
/// Parse errors carry the byte offset into the input where the problem was found; encode errors
/// carry the index of the offending pair. No input makes any function of this crate panic.
///
/// Where an error ends up on the wire is decided by the crate that carries the arguments: a
/// SOCKS server answers a [`socks`](crate::socks) parse error with the RFC 1929 failure reply
/// `01 01`, a PT turns a [`options`](crate::options) error into an `ENV-ERROR` line, and a
/// parent rejects a bad [`bridge`](crate::bridge) line at configuration time, as tor does.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A backslash was the last byte of the input, so it escapes nothing.
    #[error("trailing backslash at byte {offset}: expected a byte after the escape")]
    TrailingBackslash {
        /// Offset of the backslash.
        offset: usize,
    },
    /// A backslash escaped a byte that the strict policy does not allow.
    #[error(
        "invalid escape at byte {offset}: expected one of {allowed} after '\\', found {found:#04x}"
    )]
    InvalidEscape {
        /// Offset of the backslash.
        offset: usize,
        /// The escaped byte.
        found: u8,
        /// The escapes the policy allows, for the message (for example `\\ \= \;`).
        allowed: &'static str,
    },
    /// A key was empty (`=value`, `;=v`).
    #[error("empty key at byte {offset}: expected at least one byte before '='")]
    EmptyKey {
        /// Offset where the key should have started.
        offset: usize,
    },
    /// A key was not followed by `=` (`key`, `a;b=c`).
    #[error("missing '=' at byte {offset}: expected '=' after the key")]
    MissingEquals {
        /// Offset where `=` was expected (the separator or the end of the input).
        offset: usize,
    },
    /// The input ended with a separator (`key=value;`).
    #[error("trailing separator at byte {offset}: expected another key=value item after it")]
    TrailingSeparator {
        /// Offset of the separator.
        offset: usize,
    },
    /// An item was empty: a separator where an item should start (`a=1;;b=2`, `;a=1`).
    #[error("empty item at byte {offset}: expected key=value before the separator")]
    EmptyItem {
        /// Offset where the item should have started (the separator that follows it).
        offset: usize,
    },
    /// The strict policy found an unescaped `=` (SMETHOD ARGS values, as Arti checks) or an
    /// unescaped `:` (server transport options values).
    #[error("unescaped {found:?} at byte {offset}: the strict policy expects it to be escaped")]
    Unescaped {
        /// Offset of the byte.
        offset: usize,
        /// The byte (as a char) that should have been escaped.
        found: char,
    },
    /// A server transport option had no transport name (`:k=v`).
    #[error("empty transport name at byte {offset}: expected a name before ':'")]
    EmptyTransport {
        /// Offset where the name should have started.
        offset: usize,
    },
    /// A server transport option's transport name did not end with `:` (`key=value`).
    #[error("missing ':' at byte {offset}: expected ':' after the transport name")]
    MissingColon {
        /// Offset where `:` was expected.
        offset: usize,
    },
    /// A transport name did not match `[a-zA-Z_][a-zA-Z0-9_]*` (PT spec section 3.1).
    #[error("invalid transport name at byte {offset}: expected [a-zA-Z_][a-zA-Z0-9_]*")]
    InvalidTransportName {
        /// Offset of the first offending byte (0 for an empty name).
        offset: usize,
    },
    /// The input was not UTF-8, and the caller asked for UTF-8 (`require_utf8` in a decoder's
    /// config, or a `to_string` encoder).
    #[error("invalid UTF-8 at byte {offset}")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// A pair's key or value was not UTF-8 where text was asked for
    /// ([`Args::iter_str`](crate::Args::iter_str)).
    #[error("pair {index} is not UTF-8")]
    PairNotUtf8 {
        /// Index of the pair.
        index: usize,
    },
    /// A bridge line held a NUL byte: tor's configuration lines are C strings and cannot
    /// hold one, and SOCKS cannot carry it to the PT intact.
    #[error("NUL byte at {offset}: a bridge line cannot hold one")]
    Nul {
        /// Offset of the NUL.
        offset: usize,
    },
    /// An [`Args`](crate::Args) pair had an empty key (or, for server transport options, an empty
    /// transport name), which no decoder accepts.
    #[error("cannot encode pair {index}: the key is empty")]
    EncodeEmptyKey {
        /// Index of the pair.
        index: usize,
    },
    /// A pair held a byte that this flavour cannot carry (a space, tab, CR, LF or NUL in SMETHOD
    /// ARGS; a NUL in SOCKS arguments or in an environment variable).
    #[error("cannot encode pair {index}: byte {found:#04x} cannot be carried in this flavour")]
    Unencodable {
        /// Index of the pair (or of the transport group for server transport options).
        index: usize,
        /// The byte.
        found: u8,
    },
    /// The output buffer has less room than [`encoded_len`](crate::socks::encoded_len) says.
    #[error("output buffer too small: need {needed} bytes, have {available}")]
    BufferTooSmall {
        /// Bytes the encoding needs.
        needed: usize,
        /// Bytes the buffer had room for.
        available: usize,
    },
    /// Encoded SOCKS arguments longer than SOCKS can carry (510 bytes over RFC 1929), or an
    /// input longer than a parser takes ([`MAX_INPUT`](crate::MAX_INPUT)).
    #[error("too long: {len} bytes, where at most {max} fit")]
    TooLong {
        /// Length of the encoded arguments.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A bridge line had no address.
    #[error("bridge line has too few items: expected [transport] address:port")]
    MissingAddress,
    /// A bridge line's address was not an IP literal with an optional port.
    #[error("invalid bridge address at byte {offset}: expected IPv4:port or [IPv6]:port")]
    InvalidAddress {
        /// Offset of the address item.
        offset: usize,
    },
    /// A bridge line's fingerprint was not 40 hex digits.
    #[error("invalid fingerprint at byte {offset}: expected 40 hex digits")]
    InvalidFingerprint {
        /// Offset of the fingerprint item.
        offset: usize,
    },
    /// A bridge line item after the fingerprint was not `k=v` (tor: "is not a k=v item").
    #[error("item at byte {offset} is not a k=v item: expected key=value with a non-empty key")]
    NotKeyValue {
        /// Offset of the item.
        offset: usize,
    },
}

impl Error {
    /// The byte offset into the input where a parse error was found, for the variants that
    /// have one (encode errors have a pair index instead, see [`index`](Self::index)).
    ///
    /// ```
    /// let err = pt_args::socks::parse("a=1;;b=2").unwrap_err();
    /// assert_eq!(err, pt_args::Error::EmptyItem { offset: 4 });
    /// assert_eq!(err.offset(), Some(4));
    /// ```
    pub fn offset(&self) -> Option<usize> {
        match *self {
            Error::TrailingBackslash { offset }
            | Error::InvalidEscape { offset, .. }
            | Error::EmptyKey { offset }
            | Error::MissingEquals { offset }
            | Error::TrailingSeparator { offset }
            | Error::EmptyItem { offset }
            | Error::Unescaped { offset, .. }
            | Error::EmptyTransport { offset }
            | Error::MissingColon { offset }
            | Error::InvalidTransportName { offset }
            | Error::NotUtf8 { offset }
            | Error::Nul { offset }
            | Error::InvalidAddress { offset }
            | Error::InvalidFingerprint { offset }
            | Error::NotKeyValue { offset } => Some(offset),
            Error::PairNotUtf8 { .. }
            | Error::EncodeEmptyKey { .. }
            | Error::Unencodable { .. }
            | Error::BufferTooSmall { .. }
            | Error::TooLong { .. }
            | Error::MissingAddress => None,
        }
    }

    /// The index of the offending pair (or transport group) for the encode errors and
    /// [`Error::PairNotUtf8`].
    pub fn index(&self) -> Option<usize> {
        match *self {
            Error::PairNotUtf8 { index }
            | Error::EncodeEmptyKey { index }
            | Error::Unencodable { index, .. } => Some(index),
            _ => None,
        }
    }
}
