//! The one error type of this crate, and what each error means on the parent's side.

use alloc::string::String;

/// What is wrong with a quoted C string (control-spec section 2.1.1, as tor's
/// `unescape_string` in `src/lib/encoding/cstring.c` reads it).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CStringProblem {
    /// The value does not start with `"`.
    MissingOpenQuote,
    /// The line ended before the closing `"`.
    Unterminated,
    /// A raw NUL or line feed inside the quotes.
    RawControl,
    /// A backslash followed by a byte that is no escape (strict policy; tor rejects it, Arti
    /// keeps the byte).
    UnknownEscape,
    /// `\x` not followed by two hex digits (strict policy).
    BadHexEscape,
    /// An octal escape above `\377`.
    OctalOverflow,
    /// The value decodes to a NUL byte, which tor refuses.
    DecodedNul,
}

/// What is wrong with a `LOG`/`STATUS` key/value line (tor's `kvline_parse` with `KV_QUOTED`,
/// `src/lib/encoding/kvline.c`).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum KvProblem {
    /// A word without `=`: tor rejects the whole line.
    MissingEquals,
    /// `=value` with no key.
    EmptyKey,
    /// A key holding `"`, `'`, a control byte or a byte above 126.
    BadKeyByte,
    /// The strict policy wants exactly one space between pairs (no leading or trailing
    /// whitespace, no pair glued to a closing quote).
    Spacing,
    /// A required key is missing (`SEVERITY` or `MESSAGE` in `LOG`; `TRANSPORT` or
    /// `TYPE=version` in a strict `STATUS`).
    MissingKey,
    /// The `LOG` severity is not one of `error`, `warning`, `notice`, `info`, `debug` (or, in the
    /// PT 2.2 form, `ERROR`, `WARN`, `INFO`, `DEBUG`).
    BadSeverity,
}

impl core::fmt::Display for CStringProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CStringProblem::MissingOpenQuote => "no opening quote",
            CStringProblem::Unterminated => "no closing quote",
            CStringProblem::RawControl => "raw NUL or line feed inside the quotes",
            CStringProblem::UnknownEscape => "unknown escape",
            CStringProblem::BadHexEscape => "\\x without two hex digits",
            CStringProblem::OctalOverflow => "octal escape above \\377",
            CStringProblem::DecodedNul => "decodes to a NUL byte",
        })
    }
}

impl core::fmt::Display for KvProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            KvProblem::MissingEquals => "a word without '='",
            KvProblem::EmptyKey => "empty key",
            KvProblem::BadKeyByte => "a quote, control or non-ASCII byte in a key",
            KvProblem::Spacing => "not exactly one space between pairs",
            KvProblem::MissingKey => "a required key is missing",
            KvProblem::BadSeverity => "unknown severity",
        })
    }
}

/// What went wrong while parsing, encoding, splitting or checking PT stdout lines.
///
/// Every error that concerns a line gives the byte offset in that line where the problem was
/// found ([`offset`](Error::offset)). On the parent's side, an error on a line whose keyword
/// tor knows (`VERSION`, `CMETHOD`, `SMETHOD`, ...) makes tor mark the PT broken and kill it;
/// an error on a `LOG` or `STATUS` line is only logged; a line with a malformed keyword is
/// ignored as unknown. The [`session`](crate::session) checkers apply exactly that. No input,
/// however hostile, makes this crate panic.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A NUL byte (never allowed on a line, `pt-spec.txt` section 3.3).
    #[error("NUL byte at offset {offset}")]
    Nul {
        /// Where.
        offset: usize,
    },
    /// A line feed inside a line (a line passed to [`Message::parse`](crate::Message::parse)
    /// must not hold its terminator, and an argument to encode must not hold one).
    #[error("line feed at offset {offset} inside a line")]
    LineFeed {
        /// Where.
        offset: usize,
    },
    /// The line is not UTF-8 (the spec allows only US-ASCII; the lenient policy also takes
    /// UTF-8 text, as tor and Arti do).
    #[error("invalid UTF-8 at offset {offset}")]
    NotUtf8 {
        /// Where the invalid sequence starts.
        offset: usize,
    },
    /// A byte above 127 under the strict policy (the spec's arguments are US-ASCII).
    #[error("non-ASCII byte at offset {offset}: the strict policy expects US-ASCII")]
    NotAscii {
        /// Where.
        offset: usize,
    },
    /// A `\r` at the end of the line under the strict policy.
    #[error("carriage return at offset {offset}: the strict policy expects LF line ends")]
    CarriageReturn {
        /// Where.
        offset: usize,
    },
    /// The keyword is empty or holds a byte other than US-ASCII letters, digits, `-` and `_`
    /// (or is not followed by a space). A parent ignores such a line.
    #[error("malformed keyword: byte at offset {offset}")]
    BadKeyword {
        /// The first offending byte (0 for an empty keyword).
        offset: usize,
    },
    /// Two spaces in a row, or a trailing space, under the strict policy.
    #[error("empty field at offset {offset}: the strict policy expects single spaces")]
    EmptyField {
        /// Where the empty field starts.
        offset: usize,
    },
    /// A required field is missing (`VERSION` with no version, `CMETHOD trebuchet`, ...).
    #[error("{keyword} needs a {field} at offset {offset}")]
    MissingField {
        /// The line's keyword.
        keyword: &'static str,
        /// The field that is missing.
        field: &'static str,
        /// The end of the line.
        offset: usize,
    },
    /// More fields than the message has (`VERSION 1 2`, or anything after `PROXY DONE` under
    /// the strict policy).
    #[error("unexpected field after a complete {keyword} at offset {offset}")]
    ExtraField {
        /// The line's keyword.
        keyword: &'static str,
        /// Where the extra field starts.
        offset: usize,
    },
    /// The transport name is not a C identifier (`pt-spec.txt` section 3.1).
    #[error("{keyword}: transport name is not a C identifier (byte at offset {offset})")]
    BadTransportName {
        /// The line's keyword.
        keyword: &'static str,
        /// The offending byte.
        offset: usize,
    },
    /// The CMETHOD protocol is not one this dialect knows (tor: "a proxy protocol we don't
    /// recognize").
    #[error("CMETHOD protocol at offset {offset} is not socks4, socks5 or a PT 2.x mode")]
    BadProtocol {
        /// Where the protocol field starts.
        offset: usize,
    },
    /// The address is not an IP literal with a port (tor: "Error parsing transport address").
    #[error("{keyword}: address at offset {offset} is not <IPv4>:<port> or [<IPv6>]:<port>")]
    BadAddress {
        /// The line's keyword.
        keyword: &'static str,
        /// Where the address starts.
        offset: usize,
    },
    /// The address has port 0, which tor refuses.
    #[error("{keyword}: address at offset {offset} has port 0")]
    ZeroPort {
        /// The line's keyword.
        keyword: &'static str,
        /// Where the address starts.
        offset: usize,
    },
    /// A `LOG`/`STATUS` key/value problem.
    #[error("{keyword}: {problem} at offset {offset}")]
    KvLine {
        /// `LOG` or `STATUS`.
        keyword: &'static str,
        /// What is wrong.
        problem: KvProblem,
        /// Where.
        offset: usize,
    },
    /// A quoted value that does not decode.
    #[error("C string: {problem} at offset {offset}")]
    CString {
        /// What is wrong.
        problem: CStringProblem,
        /// Where, in the line (or in the value passed to [`cstring::decode`](crate::cstring::decode)).
        offset: usize,
    },
    /// The `ARGS:` of an SMETHOD do not decode with [`pt_args::smethod`] (or cannot be encoded).
    #[error("SMETHOD ARGS: {0}")]
    SmethodArgs(pt_args::Error),
    /// A value cannot be written on a line (a constructor refused it).
    #[error("cannot encode {what}")]
    Unencodable {
        /// What could not be encoded.
        what: &'static str,
    },
    /// The output buffer has less room than the line needs; nothing was written.
    #[error("output buffer too small: need {needed} bytes, have {available}")]
    BufferTooSmall {
        /// The bytes the line needs.
        needed: usize,
        /// The room the buffer had.
        available: usize,
    },
    /// A line longer than the splitter's maximum; it is skipped up to its line feed.
    #[error("line longer than {max} bytes")]
    LineTooLong {
        /// The splitter's maximum.
        max: usize,
    },
    /// The PT broke the configuration protocol: tor marks it broken and kills it ("failed the
    /// configuration protocol and will be destroyed").
    #[error("protocol violation: {violation}")]
    Protocol {
        /// What the PT did.
        violation: Violation,
    },
    /// A session checker was driven after it had finished or failed.
    #[error("the session is over")]
    SessionOver,
}

/// How a PT broke the configuration protocol, as a session checker sees it.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    /// A line other than `VERSION`, `VERSION-ERROR`, `ENV-ERROR`, `LOG` or `STATUS` came before
    /// `VERSION` (tor 0.4.9: out of state), or one of those three came after it.
    #[error("{keyword} out of order")]
    OutOfOrder {
        /// The keyword.
        keyword: String,
    },
    /// `VERSION` named a version the parent did not offer (tor: "tried to negotiate on version
    /// '2'. We only support version '1'").
    #[error("VERSION {version} was not offered")]
    VersionNotOffered {
        /// The version the PT named.
        version: String,
    },
    /// A proxy was configured and the PT ended setup without `PROXY DONE` (tor: "did not
    /// configure the specified outgoing proxy and will be terminated").
    #[error("the PT ended setup without PROXY DONE although a proxy was configured")]
    MissingProxyDone,
    /// A client PT wrote a server line, or the other way round.
    #[error("{keyword} from a PT on the wrong side")]
    WrongSide {
        /// The keyword.
        keyword: String,
    },
    /// A line with a keyword tor knows did not parse (tor marks the PT broken).
    #[error("malformed line: {error}")]
    Malformed {
        /// The parse error.
        error: alloc::boxed::Box<Error>,
    },
    /// The PT's output ended before setup was complete (tor: "terminated with status ...").
    #[error("output ended before setup was complete")]
    Eof,
}

impl Error {
    /// The byte offset in the line where the problem was found, where there is one.
    ///
    /// ```
    /// let err = pt_ipc::Message::parse(b"CMETHOD trebuchet socks5 127.0.0.1:0").unwrap_err();
    /// assert_eq!(err.offset(), Some(25));
    /// ```
    pub fn offset(&self) -> Option<usize> {
        match *self {
            Error::Nul { offset }
            | Error::LineFeed { offset }
            | Error::NotUtf8 { offset }
            | Error::NotAscii { offset }
            | Error::CarriageReturn { offset }
            | Error::BadKeyword { offset }
            | Error::EmptyField { offset }
            | Error::MissingField { offset, .. }
            | Error::ExtraField { offset, .. }
            | Error::BadTransportName { offset, .. }
            | Error::BadProtocol { offset }
            | Error::BadAddress { offset, .. }
            | Error::ZeroPort { offset, .. }
            | Error::KvLine { offset, .. }
            | Error::CString { offset, .. } => Some(offset),
            Error::SmethodArgs(ref e) => e.offset(),
            Error::Protocol {
                violation: Violation::Malformed { ref error },
            } => error.offset(),
            _ => None,
        }
    }

    /// The same error with its offset moved by `by` bytes (errors found in a part of a line).
    pub(crate) fn shifted(self, by: usize) -> Error {
        match self {
            Error::CString { problem, offset } => Error::CString {
                problem,
                offset: offset + by,
            },
            Error::KvLine {
                keyword,
                problem,
                offset,
            } => Error::KvLine {
                keyword,
                problem,
                offset: offset + by,
            },
            other => other,
        }
    }
}

impl From<pt_args::Error> for Error {
    fn from(e: pt_args::Error) -> Self {
        Error::SmethodArgs(e)
    }
}
