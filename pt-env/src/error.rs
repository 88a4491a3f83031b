//! The one error type of this crate, and the line (stream, exit code) each error becomes.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::{Dialect, Flag, Var};

/// The most bytes of an offending value an [`Error`] keeps to quote in its message. Longer
/// values are cut (and the quote ends with `...`), so no input makes an error allocate more.
pub const ECHO_MAX: usize = 64;

/// Where a value came from: an environment variable or a command-line flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A `TOR_PT_*` environment variable.
    Env(Var),
    /// A PT 2.x/3.0 command-line flag.
    Flag(Flag),
}

impl fmt::Display for Origin {
    /// The variable's name, or the flag with its dash (`-bindaddr`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Env(v) => f.write_str(v.name()),
            Origin::Flag(flag) => write!(f, "-{}", flag.name()),
        }
    }
}

/// How the parent passes configuration in a dialect, for messages that name "the" variable or
/// flag of a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Via {
    /// `TOR_PT_*` variables only (PT 1.0).
    Env,
    /// Variables or flags (PT 2.0 to 2.2).
    Either,
    /// Flags only (PT 3.0).
    Flags,
}

impl Via {
    /// How `dialect` passes configuration.
    pub const fn of(dialect: Dialect) -> Via {
        match dialect {
            Dialect::Pt1 => Via::Env,
            Dialect::Pt2 | Dialect::Pt22 => Via::Either,
            Dialect::Pt3 => Via::Flags,
        }
    }
}

/// A quoted copy of (at most [`ECHO_MAX`] bytes of) an offending value, for error messages.
///
/// It prints between double quotes with every byte that is not printable ASCII escaped, so a
/// message can never break the line it is written on.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Echo {
    bytes: Vec<u8>,
    truncated: bool,
}

impl Echo {
    /// A quote of `value` (its first [`ECHO_MAX`] bytes).
    pub fn new(value: &[u8]) -> Echo {
        let end = value.len().min(ECHO_MAX);
        Echo {
            bytes: value.get(..end).unwrap_or_default().to_vec(),
            truncated: value.len() > ECHO_MAX,
        }
    }

    /// The kept bytes (the start of the value).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether the value was longer than [`ECHO_MAX`] bytes.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// The bytes, escaped, without quotes.
    fn write_bare(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.bytes.escape_ascii())?;
        if self.truncated {
            f.write_str("...")?;
        }
        Ok(())
    }
}

impl fmt::Display for Echo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        self.write_bare(f)?;
        f.write_str("\"")
    }
}

impl fmt::Debug for Echo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// What is wrong with an `<address>:<port>` value.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddrProblem {
    /// The value is empty.
    Empty,
    /// Nothing before the `:`.
    MissingHost,
    /// No `:<port>`, or nothing after the `:`.
    MissingPort,
    /// The host is not an IP literal (goptlib's and obfs4proxy's "not an IP string").
    NotAnIp,
    /// The host is neither an IP literal nor a host name.
    BadHost,
    /// The port is not 1 to 5 decimal digits worth at most 65535.
    BadPort,
    /// An IPv6 address without brackets where the policy requires them.
    Unbracketed,
    /// An IP address of the other family (an IPv6 address in `..._V4`, or the reverse).
    WrongFamily,
}

impl fmt::Display for AddrProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddrProblem::Empty => "empty address",
            AddrProblem::MissingHost => "missing host",
            AddrProblem::MissingPort => "missing port",
            AddrProblem::NotAnIp => "not an IP string",
            AddrProblem::BadHost => "not a host name or IP string",
            AddrProblem::BadPort => "invalid port: expected 0 to 65535",
            AddrProblem::Unbracketed => "IPv6 address without brackets",
            AddrProblem::WrongFamily => "wrong address family",
        })
    }
}

/// What is wrong with one `<transport>-<address>:<port>` entry of `TOR_PT_SERVER_BINDADDR`.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindAddrProblem {
    /// The entry has no `-`.
    NoDash,
    /// A second entry for the same transport.
    Duplicate,
    /// The address after the `-` is not `<ip>:<port>`.
    Address(AddrProblem),
    /// The strict policy found an entry for a transport that is not being launched.
    NotLaunched,
}

/// Why `TOR_PT_PROXY` (or `-proxy`) is refused. Each becomes a `PROXY-ERROR` line.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProxyProblem {
    /// No `<scheme>://`.
    NotAbsolute,
    /// A scheme other than `socks4a`, `socks5` and `http`.
    Scheme,
    /// A `/path` after the port.
    Path,
    /// A `?query` after the port.
    Query,
    /// A `#fragment` after the port.
    Fragment,
    /// `socks4a` with a password: SOCKS4 has none.
    Socks4aPassword,
    /// `socks5` with a user name that is not 1 to 255 bytes (RFC 1929).
    Socks5User,
    /// `socks5` with a user name but no password, or one that is not 1 to 255 bytes.
    Socks5Password,
    /// The `<host>:<port>` part.
    Host(AddrProblem),
}

/// What went wrong while reading or building a PT's configuration.
///
/// Every error knows the line a PT writes for it ([`line`](Error::line): `VERSION-ERROR
/// no-version`, `ENV-ERROR <what>`, `PROXY-ERROR <why>`), the stream the line goes to and the
/// exit status that follows in the negotiated dialect ([`stream`](Error::stream),
/// [`exit_code`](Error::exit_code)). The [`Display`](fmt::Display) text is the line's message.
/// Values are quoted in messages as [`Echo`]es (at most [`ECHO_MAX`] bytes, escaped), and a
/// proxy URI's user name and password are never quoted.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// None of the offered versions is one this PT supports (`VERSION-ERROR no-version`).
    NoVersion {
        /// The highest dialect among the offered versions that this crate knows, if any: the
        /// stream and exit code follow it.
        offered: Option<Dialect>,
    },
    /// The strict policy found a version list that is not `version *("," version)` with
    /// versions of printable, non-space, non-comma ASCII (`pt-spec.txt` section 3.2.1).
    MalformedVersionList {
        /// Where the list came from.
        origin: Origin,
        /// Offset of the first offending byte.
        offset: usize,
    },
    /// A required setting is absent (or empty, which counts as absent).
    Missing {
        /// Its environment variable, in dialects that read one.
        var: Option<Var>,
        /// Its flag, in dialects that read one.
        flag: Option<Flag>,
    },
    /// Both `TOR_PT_CLIENT_TRANSPORTS` and `TOR_PT_SERVER_TRANSPORTS` are set (obfs4proxy's
    /// rule).
    BothSides,
    /// Neither `TOR_PT_CLIENT_TRANSPORTS` nor `TOR_PT_SERVER_TRANSPORTS` (nor a transports
    /// flag) is set: the program was not launched as a managed transport.
    NotManaged,
    /// A value that must be text is not UTF-8.
    NotUtf8 {
        /// Where the value came from.
        origin: Origin,
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// A transport name is not `[a-zA-Z_][a-zA-Z0-9_]*` (`pt-spec.txt` section 3.1).
    InvalidTransportName {
        /// Where the list came from.
        origin: Origin,
        /// Offset in the value of the first offending byte.
        offset: usize,
        /// The name.
        name: Echo,
    },
    /// An `<address>:<port>` value is not one.
    InvalidAddress {
        /// Where the value came from.
        origin: Origin,
        /// Offset in the value where the problem is.
        offset: usize,
        /// What is wrong.
        problem: AddrProblem,
        /// The value.
        value: Echo,
    },
    /// An entry of `TOR_PT_SERVER_BINDADDR` (or `-bindaddr`) is bad.
    BindAddr {
        /// Where the list came from.
        origin: Origin,
        /// Offset in the whole value where the problem is.
        offset: usize,
        /// What is wrong.
        problem: BindAddrProblem,
        /// The entry.
        entry: Echo,
    },
    /// `TOR_PT_SERVER_TRANSPORT_OPTIONS` (or a k=v `-options`) does not parse.
    Options {
        /// Where the value came from.
        origin: Origin,
        /// The value.
        value: Echo,
        /// The k=v parser's error (with its byte offset).
        #[source]
        error: pt_args::Error,
    },
    /// JSON options are not a JSON object.
    InvalidJson {
        /// Where the value came from.
        origin: Origin,
        /// What is wrong (serde_json's message when it parsed them).
        detail: String,
    },
    /// A path that must be absolute (the PT 1.0 to 2.1 state location) is not.
    RelativePath {
        /// Where the value came from.
        origin: Origin,
        /// The path.
        value: Echo,
    },
    /// A server has neither an ORPort (target) nor an Extended ORPort.
    NoTarget {
        /// How the dialect passes them, for the message.
        via: Via,
    },
    /// An Extended ORPort without an auth cookie file.
    NoAuthCookie {
        /// Where the Extended ORPort came from.
        ext: Origin,
    },
    /// An auth cookie file without an Extended ORPort (refused by the strict policy and in PT
    /// 2.2 and later).
    UnexpectedAuthCookie {
        /// Where the cookie path came from.
        cookie: Origin,
    },
    /// The upstream proxy is unusable: the `PROXY-ERROR` line ("fail closed": a bad proxy is
    /// never ignored).
    Proxy {
        /// Why.
        problem: ProxyProblem,
        /// Offset in the URI where the problem is.
        offset: usize,
        /// The scheme (for [`ProxyProblem::Scheme`]) or the host (for
        /// [`ProxyProblem::Host`]); empty otherwise. Never the user name or password.
        text: Echo,
    },
    /// A value outside the set a setting takes (`-mode`, `-ipcLogLevel`, `-bindport`, ...).
    InvalidValue {
        /// Where the value came from.
        origin: Origin,
        /// The value.
        value: Echo,
        /// What it should have been.
        expected: &'static str,
    },
    /// A command-line flag this crate (and the caller) does not define.
    UnknownFlag {
        /// Index of the argument.
        index: usize,
        /// The flag's name.
        flag: Echo,
    },
    /// A flag that takes a value was the last argument.
    FlagNeedsValue {
        /// Index of the argument.
        index: usize,
        /// The flag's name.
        flag: Echo,
    },
    /// An argument starting with `-` that is not `-name`, `--name`, `-name=value` or `--`.
    BadFlagSyntax {
        /// Index of the argument.
        index: usize,
        /// The argument.
        arg: Echo,
    },
    /// A boolean flag with a value Go's `strconv.ParseBool` does not take.
    InvalidBool {
        /// Index of the argument.
        index: usize,
        /// The value.
        value: Echo,
    },
    /// PT 2.2: a setting given both as an environment variable and as a flag ("the application
    /// MUST NOT specify both").
    BothSet {
        /// The variable.
        var: Var,
        /// The flag.
        flag: Flag,
    },
    /// Two ways to give one setting that exclude each other (`-transport` and `-transports`,
    /// `-bindaddr` and `-bindhost`, `-mode` and `-transparent`, `-client` and `-server`, ...).
    Exclusive {
        /// The first one.
        first: Origin,
        /// The second one.
        second: Origin,
    },
    /// One flag of a group that must be given together, without another.
    Incomplete {
        /// The flag given.
        given: Flag,
        /// The flag missing.
        missing: Flag,
    },
    /// A flag the negotiated dialect does not have on this side (`-target` on a PT 3.0 client,
    /// whose server address is `serverAddress` in its options).
    NotInDialect {
        /// The flag.
        flag: Flag,
        /// The dialect.
        dialect: Dialect,
    },
    /// A builder cannot express a value in the requested form.
    Unbuildable {
        /// What could not be built.
        what: &'static str,
        /// Why.
        why: &'static str,
    },
    /// A builder could not encode server transport options.
    Encode {
        /// The variable or flag being built.
        origin: Origin,
        /// The encoder's error.
        #[source]
        error: pt_args::Error,
    },
    /// An output buffer has less room than the line needs. Nothing was written.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoVersion { .. } => f.write_str("no-version"),
            Error::MalformedVersionList { origin, offset } => write!(
                f,
                "{origin}: malformed version list at byte {offset}: expected versions of \
                 printable ASCII without spaces, separated by ','"
            ),
            Error::Missing { var, flag } => match (var, flag) {
                (Some(v), None) => write!(f, "no {} environment variable", v.name()),
                (None, Some(fl)) => write!(f, "no -{} flag", fl.name()),
                (Some(v), Some(fl)) => {
                    write!(f, "no {} environment variable or -{} flag", v.name(), fl.name())
                }
                (None, None) => f.write_str("a required setting is missing"),
            },
            Error::BothSides => f.write_str("TOR_PT_[CLIENT,SERVER]_TRANSPORTS both set"),
            Error::NotManaged => f.write_str(
                "not launched as a managed transport: neither TOR_PT_CLIENT_TRANSPORTS nor \
                 TOR_PT_SERVER_TRANSPORTS is set",
            ),
            Error::NotUtf8 { origin, offset } => {
                write!(f, "{origin}: invalid UTF-8 at byte {offset}")
            }
            Error::InvalidTransportName {
                origin,
                offset,
                name,
            } => write!(
                f,
                "{origin}: invalid transport name {name} at byte {offset}: expected \
                 [a-zA-Z_][a-zA-Z0-9_]*"
            ),
            Error::InvalidAddress {
                origin,
                offset,
                problem,
                value,
            } => write!(
                f,
                "cannot resolve {origin} {value}: {problem} at byte {offset}"
            ),
            Error::BindAddr {
                origin,
                offset,
                problem,
                entry,
            } => {
                write!(f, "{origin}: {entry}: ")?;
                match problem {
                    BindAddrProblem::NoDash => f.write_str("doesn't contain \"-\""),
                    BindAddrProblem::Duplicate => {
                        let name = entry.as_bytes().split(|&b| b == b'-').next();
                        write!(
                            f,
                            "duplicate method name {}",
                            Echo::new(name.unwrap_or_default())
                        )
                    }
                    BindAddrProblem::Address(p) => write!(f, "{p} at byte {offset}"),
                    BindAddrProblem::NotLaunched => {
                        f.write_str("names a transport that is not being launched")
                    }
                }
            }
            Error::Options {
                origin,
                value,
                error,
            } => write!(f, "{origin}: {value}: {error}"),
            Error::InvalidJson { origin, detail } => {
                write!(f, "{origin}: invalid JSON options: {detail}")
            }
            Error::RelativePath { origin, value } => {
                write!(f, "{origin}: {value} is not an absolute path")
            }
            Error::NoTarget { via } => f.write_str(match via {
                Via::Env => "need TOR_PT_ORPORT or TOR_PT_EXTENDED_SERVER_PORT environment variable",
                Via::Either => {
                    "need TOR_PT_ORPORT, TOR_PT_EXTENDED_SERVER_PORT, -orport, -target or -extorport"
                }
                Via::Flags => "need -target or -extorport",
            }),
            Error::NoAuthCookie { ext } => match ext {
                Origin::Env(_) => f.write_str(
                    "need TOR_PT_AUTH_COOKIE_FILE environment variable with \
                     TOR_PT_EXTENDED_SERVER_PORT",
                ),
                Origin::Flag(_) => f.write_str("No -authcookie when -extorport set"),
            },
            Error::UnexpectedAuthCookie { cookie } => {
                write!(f, "{cookie} set without an extended server port")
            }
            Error::Proxy {
                problem,
                offset: _,
                text,
            } => match problem {
                ProxyProblem::NotAbsolute => {
                    f.write_str("proxy URI is relative, must be absolute (<scheme>://...)")
                }
                ProxyProblem::Scheme => {
                    f.write_str("proxy URI has invalid scheme: ")?;
                    text.write_bare(f)
                }
                ProxyProblem::Path => f.write_str("proxy URI has a path defined"),
                ProxyProblem::Query => f.write_str("proxy URI has a query defined"),
                ProxyProblem::Fragment => f.write_str("proxy URI has a fragment defined"),
                ProxyProblem::Socks4aPassword => {
                    f.write_str("proxy URI specified SOCKS4a and a password")
                }
                ProxyProblem::Socks5User => f.write_str(
                    "proxy URI specified an invalid SOCKS5 username: expected 1 to 255 bytes",
                ),
                ProxyProblem::Socks5Password => f.write_str(
                    "proxy URI specified an invalid SOCKS5 password: expected 1 to 255 bytes",
                ),
                ProxyProblem::Host(p) => write!(f, "proxy URI has invalid host: {p}: {text}"),
            },
            Error::InvalidValue {
                origin,
                value,
                expected,
            } => write!(f, "invalid value {value} for {origin}: expected {expected}"),
            Error::UnknownFlag { index: _, flag } => {
                f.write_str("flag provided but not defined: -")?;
                flag.write_bare(f)
            }
            Error::FlagNeedsValue { index: _, flag } => {
                f.write_str("flag needs an argument: -")?;
                flag.write_bare(f)
            }
            Error::BadFlagSyntax { index, arg } => {
                write!(f, "bad flag syntax: {arg} (argument {index})")
            }
            Error::InvalidBool { index, value } => write!(
                f,
                "invalid boolean value {value} (argument {index}): expected true or false"
            ),
            Error::BothSet { var, flag } => write!(
                f,
                "both {} and -{} are set: PT 2.2 allows only one",
                var.name(),
                flag.name()
            ),
            Error::Exclusive { first, second } => {
                write!(f, "{first} and {second} cannot both be set")
            }
            Error::Incomplete { given, missing } => {
                write!(f, "-{} needs -{}", given.name(), missing.name())
            }
            Error::NotInDialect { flag, dialect } => {
                write!(f, "-{} is not allowed here in {dialect}", flag.name())
            }
            Error::Unbuildable { what, why } => write!(f, "cannot build {what}: {why}"),
            Error::Encode { origin, error } => write!(f, "cannot build {origin}: {error}"),
            Error::BufferTooSmall { needed, available } => write!(
                f,
                "output buffer too small: need {needed} bytes, have {available}"
            ),
        }
    }
}

/// The keyword of an error line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Keyword {
    /// `VERSION-ERROR`: no compatible version (`pt-spec.txt` section 3.3.1).
    VersionError,
    /// `ENV-ERROR`: the configuration is bad (section 3.3.1; PT 2.x: env vars or flags).
    EnvError,
    /// `PROXY-ERROR`: the upstream proxy is unusable (section 3.3.2).
    ProxyError,
}

impl Keyword {
    /// The keyword as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Keyword::VersionError => "VERSION-ERROR",
            Keyword::EnvError => "ENV-ERROR",
            Keyword::ProxyError => "PROXY-ERROR",
        }
    }

    /// The sysexits code PT 2.0 to 3.0 exit with after this line (pt2 Dispatcher IPC, "exit
    /// codes"): `EX_CONFIG` (78), `EX_USAGE` (64), `EX_UNAVAILABLE` (69).
    pub const fn sysexits_code(self) -> u8 {
        match self {
            Keyword::VersionError => EX_CONFIG,
            Keyword::EnvError => EX_USAGE,
            Keyword::ProxyError => EX_UNAVAILABLE,
        }
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// sysexits `EX_USAGE`: after `ENV-ERROR` in PT 2.x/3.0.
pub const EX_USAGE: u8 = 64;
/// sysexits `EX_UNAVAILABLE`: after `PROXY-ERROR` in PT 2.x/3.0.
pub const EX_UNAVAILABLE: u8 = 69;
/// sysexits `EX_CONFIG`: after `VERSION-ERROR` in PT 2.x/3.0.
pub const EX_CONFIG: u8 = 78;
/// The exit status after an error line in PT 1.0, which names none: 1, what goptlib-based PTs
/// (obfs4proxy, snowflake) exit with.
pub const EXIT_FAILURE: u8 = 1;

/// Which standard stream a line goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Stream {
    /// Standard output: every PT 1.0 line, and `VERSION`, `CMETHOD`, ... in every dialect.
    Stdout,
    /// Standard error: the error lines of PT 2.0 to 3.0.
    Stderr,
}

/// One error line: `<KEYWORD> <message>`, without the line feed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ErrorLine {
    /// `VERSION-ERROR`, `ENV-ERROR` or `PROXY-ERROR`.
    pub keyword: Keyword,
    /// The message: printable ASCII, no line feed.
    pub message: String,
}

impl ErrorLine {
    /// The length of the line with its line feed.
    pub fn encoded_len(&self) -> usize {
        self.keyword.as_str().len() + 1 + self.message.len() + 1
    }

    /// Writes `<KEYWORD> <message>\n` into `buf`, returning the bytes written; writes nothing
    /// and fails with [`Error::BufferTooSmall`] when `buf` has less room.
    pub fn write<B: bytes::BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        let needed = self.encoded_len();
        if buf.remaining_mut() < needed {
            return Err(Error::BufferTooSmall {
                needed,
                available: buf.remaining_mut(),
            });
        }
        buf.put_slice(self.keyword.as_str().as_bytes());
        buf.put_u8(b' ');
        buf.put_slice(self.message.as_bytes());
        buf.put_u8(b'\n');
        Ok(needed)
    }
}

impl fmt::Display for ErrorLine {
    /// The line without its line feed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.keyword, self.message)
    }
}

impl Error {
    /// The keyword of the line this error becomes.
    pub fn keyword(&self) -> Keyword {
        match self {
            Error::NoVersion { .. } => Keyword::VersionError,
            Error::Proxy { .. } => Keyword::ProxyError,
            _ => Keyword::EnvError,
        }
    }

    /// The line a PT writes for this error: `VERSION-ERROR no-version`, `ENV-ERROR <what>` or
    /// `PROXY-ERROR <why>`.
    ///
    /// ```
    /// let err = pt_env::parse(&[("TOR_PT_MANAGED_TRANSPORT_VER", "2")], &pt_env::Config::DEFAULT)
    ///     .unwrap_err();
    /// assert_eq!(err.line().to_string(), "VERSION-ERROR no-version");
    /// ```
    pub fn line(&self) -> ErrorLine {
        ErrorLine {
            keyword: self.keyword(),
            message: alloc::format!("{self}"),
        }
    }

    /// The dialect whose conventions apply: the negotiated one, else (before one is agreed) the
    /// highest known dialect the parent offered.
    fn conventions(&self, dialect: Option<Dialect>) -> Dialect {
        dialect
            .or(match self {
                Error::NoVersion { offered } => *offered,
                _ => None,
            })
            .unwrap_or(Dialect::Pt1)
    }

    /// The stream the line goes to: stdout in PT 1.0, stderr in PT 2.0 to 3.0 (behaviours:
    /// `pt2-error-streams-exit-codes`). Pass the negotiated dialect, or `None` when the error
    /// came from [`Env::negotiate`](crate::Env::negotiate): a `VERSION-ERROR` then follows the
    /// highest dialect the parent offered, and anything else PT 1.0.
    pub fn stream(&self, dialect: Option<Dialect>) -> Stream {
        match self.conventions(dialect) {
            Dialect::Pt1 => Stream::Stdout,
            _ => Stream::Stderr,
        }
    }

    /// The exit status after the line: [`EXIT_FAILURE`] in PT 1.0, the sysexits code of the
    /// keyword ([`Keyword::sysexits_code`]) in PT 2.0 to 3.0. `dialect` as for
    /// [`stream`](Error::stream).
    pub fn exit_code(&self, dialect: Option<Dialect>) -> u8 {
        match self.conventions(dialect) {
            Dialect::Pt1 => EXIT_FAILURE,
            _ => self.keyword().sysexits_code(),
        }
    }

    /// The byte offset in the offending value (or the argument index of a flag error), where
    /// there is one.
    pub fn offset(&self) -> Option<usize> {
        match *self {
            Error::MalformedVersionList { offset, .. }
            | Error::NotUtf8 { offset, .. }
            | Error::InvalidTransportName { offset, .. }
            | Error::InvalidAddress { offset, .. }
            | Error::BindAddr { offset, .. }
            | Error::Proxy { offset, .. } => Some(offset),
            Error::UnknownFlag { index, .. }
            | Error::FlagNeedsValue { index, .. }
            | Error::BadFlagSyntax { index, .. }
            | Error::InvalidBool { index, .. } => Some(index),
            Error::Options { ref error, .. } => error.offset(),
            _ => None,
        }
    }
}
