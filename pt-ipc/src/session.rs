//! Parent-side checkers: did the PT follow the configuration protocol, and what did it launch?
//!
//! A [`Session`] is made for a client or a server PT with what the parent offered (versions,
//! transports, an upstream proxy) and is fed the PT's output: bytes with
//! [`Session::advance`] (it splits lines itself), single lines with [`Session::line`], or
//! parsed messages with [`Session::message`]. It applies the rules tor 0.4.9 applies in
//! `handle_proxy_line` (`src/feature/client/transports.c`; behaviours: `ipc-session-rules`):
//!
//! - `VERSION` must come first and name a version the parent offered; a second `VERSION` is out
//!   of order.
//! - `ENV-ERROR`, `VERSION-ERROR` and `PROXY-ERROR` end the session: the PT gave up.
//! - `CMETHOD`, `SMETHOD`, their `-ERROR` lines, `PROXY DONE` and the `DONE` lines are accepted
//!   only after `VERSION` and before the `DONE` line; a malformed one is fatal, as in tor.
//! - `CMETHOD-ERROR`/`SMETHOD-ERROR` fail one method only (tor bug 7362).
//! - When a proxy was configured, `CMETHODS DONE` without an earlier `PROXY DONE` is fatal (tor
//!   kills the PT at that point: "did not configure the specified outgoing proxy"). `PROXY DONE`
//!   without a configured proxy is ignored, as tor does.
//! - `LOG` and `STATUS` are accepted at any time, before `VERSION` and after setup; a malformed
//!   one is only ignored (tor logs a warning).
//! - Lines with unknown or malformed keywords are ignored.
//! - A method for a transport the parent did not request is accepted (tor registers it) and
//!   reported with `requested: false`.
//! - The output ending before the `DONE` line is fatal ([`Session::finish`]).
//!
//! Fatal outcomes are [`Event::Failed`] with the reason; after one, the session is over and
//! every further call returns [`Error::SessionOver`]. No order of lines or bytes makes it panic.
//!
//! ```
//! use pt_ipc::session::{Event, Failure, Session};
//! use pt_ipc::Violation;
//!
//! // tor offered a proxy and the PT never said PROXY DONE (the recorded proxy-noproxydone run).
//! let mut s = Session::client(&["1"], &["fake5"], true);
//! assert!(matches!(s.line(b"VERSION 1")?, Event::Version(_)));
//! assert!(matches!(s.line(b"CMETHOD fake5 socks5 127.0.0.1:39455")?, Event::MethodReady { .. }));
//! assert_eq!(
//!     s.line(b"CMETHODS DONE")?,
//!     Event::Failed(Failure::Protocol(Violation::MissingProxyDone))
//! );
//! # Ok::<(), pt_ipc::Error>(())
//! ```

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::net::SocketAddr;

use crate::split::{self, Splitter};
use crate::{
    Cmethod, Config, Dialect, Error, LevelLog, Log, Message, MethodError, Progress, Protocol,
    Smethod, Status, Text, Token, Violation,
};

/// Which kind of PT a session checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Side {
    /// A client PT: `CMETHOD` lines, `PROXY DONE`.
    Client,
    /// A server PT: `SMETHOD` lines.
    Server,
}

/// A method line, as a session hands it on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method<'a> {
    /// From a client PT.
    Client(Cmethod<'a>),
    /// From a server PT.
    Server(Smethod<'a>),
}

impl Method<'_> {
    /// The transport name.
    pub fn transport(&self) -> &str {
        match self {
            Method::Client(c) => c.transport(),
            Method::Server(s) => s.transport(),
        }
    }

    /// The listener's address.
    pub fn addr(&self) -> SocketAddr {
        match self {
            Method::Client(c) => c.addr(),
            Method::Server(s) => s.addr(),
        }
    }
}

/// A method the PT launched, kept by the session ([`Session::launched`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Launched {
    /// The transport name.
    pub transport: String,
    /// The listener's address.
    pub addr: SocketAddr,
    /// The CMETHOD protocol (client PTs).
    pub protocol: Option<Protocol>,
    /// The SMETHOD `ARGS:` text, verbatim (server PTs).
    pub args: Option<String>,
    /// Whether the parent asked for this transport.
    pub requested: bool,
}

/// Why a session failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure<'a> {
    /// The PT wrote `VERSION-ERROR`.
    VersionError(Text<'a>),
    /// The PT wrote `ENV-ERROR`.
    EnvError(Text<'a>),
    /// The PT wrote `PROXY-ERROR`.
    ProxyError(Text<'a>),
    /// The PT broke the protocol.
    Protocol(Violation),
}

impl Failure<'_> {
    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Failure<'static> {
        match self {
            Failure::VersionError(t) => Failure::VersionError(t.into_owned()),
            Failure::EnvError(t) => Failure::EnvError(t.into_owned()),
            Failure::ProxyError(t) => Failure::ProxyError(t.into_owned()),
            Failure::Protocol(v) => Failure::Protocol(v),
        }
    }
}

impl fmt::Display for Failure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::VersionError(t) => write!(f, "VERSION-ERROR {t}"),
            Failure::EnvError(t) => write!(f, "ENV-ERROR {t}"),
            Failure::ProxyError(t) => write!(f, "PROXY-ERROR {t}"),
            Failure::Protocol(v) => write!(f, "{v}"),
        }
    }
}

/// What the caller must do after a session call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// Call [`Session::advance`] again when more bytes have arrived.
    NeedInput,
    /// The PT chose this version (one the parent offered).
    Version(Token<'a>),
    /// The PT will use the configured proxy.
    ProxyDone,
    /// A transport is listening.
    MethodReady {
        /// The method line.
        method: Method<'a>,
        /// Whether the parent asked for this transport (tor accepts it either way).
        requested: bool,
    },
    /// A transport failed to launch (the others go on).
    MethodFailed(MethodError<'a>),
    /// Setup is complete; [`Session::launched`] lists the methods.
    Done,
    /// A PT 1.0 log line.
    Log(Log<'a>),
    /// A PT 2.2 log line.
    LevelLog(LevelLog<'a>),
    /// A status line.
    Status(Status<'a>),
    /// A line the parent ignores: an unknown keyword, a malformed `LOG` or `STATUS` (with the
    /// error), `PROXY DONE` with no proxy configured, a line that was too long (empty `line`).
    Ignored {
        /// The line, without its line feed.
        line: &'a [u8],
        /// Why it was not used, if it did not parse.
        error: Option<Error>,
    },
    /// The session is over: the PT gave up or broke the protocol (tor kills it).
    Failed(Failure<'a>),
    /// From [`Session::finish`]: the output ended after setup was complete.
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before `VERSION`.
    Launched,
    /// After `VERSION`, before the `DONE` line.
    Accepting,
    /// After the `DONE` line.
    Done,
    /// After a failure.
    Failed,
}

/// The parent-side checker (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct Session {
    side: Side,
    offered: Vec<String>,
    requested: Vec<String>,
    proxy: bool,
    proxy_done: bool,
    config: Config,
    state: State,
    launched: Vec<Launched>,
    splitter: Splitter,
}

impl Session {
    fn new(side: Side, versions: &[&str], transports: &[&str], proxy: bool) -> Session {
        Session {
            side,
            offered: versions.iter().map(|v| (*v).to_owned()).collect(),
            requested: transports.iter().map(|t| (*t).to_owned()).collect(),
            proxy,
            proxy_done: false,
            config: Config::LENIENT,
            state: State::Launched,
            launched: Vec::new(),
            splitter: Splitter::new(),
        }
    }

    /// A checker for a client PT that was offered `versions`, asked for `transports`, and given
    /// a `TOR_PT_PROXY` when `proxy` is true.
    pub fn client(versions: &[&str], transports: &[&str], proxy: bool) -> Session {
        Session::new(Side::Client, versions, transports, proxy)
    }

    /// A checker for a server PT that was offered `versions` and asked for `transports`.
    pub fn server(versions: &[&str], transports: &[&str]) -> Session {
        Session::new(Side::Server, versions, transports, false)
    }

    /// A checker for the client PT a parent launches with `config` (its version, transports
    /// and proxy).
    pub fn for_client(config: &pt_env::ClientConfig<'_>) -> Session {
        let names: Vec<&str> = config.transports.iter().map(|t| t.as_str()).collect();
        Session::client(
            &[config.common.version.token()],
            &names,
            config.proxy.is_some(),
        )
    }

    /// A checker for the server PT a parent launches with `config`.
    pub fn for_server(config: &pt_env::ServerConfig<'_>) -> Session {
        let names: Vec<&str> = config.transports.iter().map(|t| t.as_str()).collect();
        Session::server(&[config.common.version.token()], &names)
    }

    /// This session reading lines with `strict` (the dialect still follows `VERSION`).
    pub fn with_strict(mut self, strict: bool) -> Session {
        self.config.strict = strict;
        self
    }

    /// This session with lines longer than `max` bytes ignored (default
    /// [`split::DEFAULT_MAX_LINE_LEN`]).
    pub fn with_max_line_len(mut self, max: usize) -> Session {
        self.splitter = Splitter::with_max_line_len(max);
        self
    }

    /// Which kind of PT this session checks.
    pub fn side(&self) -> Side {
        self.side
    }

    /// The dialect the PT's `VERSION` chose (PT 1.0 before it).
    pub fn dialect(&self) -> Dialect {
        self.config.dialect
    }

    /// Whether setup is complete (the `DONE` line was accepted).
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Whether the session failed.
    pub fn is_failed(&self) -> bool {
        self.state == State::Failed
    }

    /// The methods launched so far, in order.
    pub fn launched(&self) -> &[Launched] {
        &self.launched
    }

    /// Reads the next line from `input` (the bytes not consumed so far) and checks it.
    pub fn advance<'a>(&mut self, input: &'a [u8]) -> Result<Progress<Event<'a>>, Error> {
        if self.state == State::Failed {
            return Err(Error::SessionOver);
        }
        let p = self.splitter.advance(input);
        let event = match p.event {
            split::Event::NeedInput | split::Event::End => Event::NeedInput,
            split::Event::Line(line) => self.line(line)?,
            split::Event::TooLong { max } => Event::Ignored {
                line: &[],
                error: Some(Error::LineTooLong { max }),
            },
        };
        Ok(Progress {
            consumed: p.consumed,
            event,
        })
    }

    /// At the end of the PT's output: checks a last line without a line feed in `input`, if
    /// any (call again with the rest, usually nothing), then returns [`Event::Closed`] if setup
    /// was complete or [`Event::Failed`] if it was not.
    pub fn finish<'a>(&mut self, input: &'a [u8]) -> Result<Progress<Event<'a>>, Error> {
        if self.state == State::Failed {
            return Err(Error::SessionOver);
        }
        let event = match self.splitter.finish(input) {
            split::Event::Line(line) => {
                let used = (line.len() + 1).min(input.len());
                return Ok(Progress {
                    consumed: used,
                    event: self.line(line)?,
                });
            }
            split::Event::TooLong { max } => Event::Ignored {
                line: &[],
                error: Some(Error::LineTooLong { max }),
            },
            split::Event::NeedInput | split::Event::End => {
                if self.state == State::Done {
                    Event::Closed
                } else {
                    self.fail(Failure::Protocol(Violation::Eof))
                }
            }
        };
        Ok(Progress {
            consumed: input.len(),
            event,
        })
    }

    /// Parses and checks one line (without its line feed).
    pub fn line<'a>(&mut self, line: &'a [u8]) -> Result<Event<'a>, Error> {
        if self.state == State::Failed {
            return Err(Error::SessionOver);
        }
        match Message::parse_with(line, self.config) {
            Ok(m) => self.message(m).map(|e| match e {
                Event::Ignored { error, .. } => Event::Ignored { line, error },
                other => other,
            }),
            Err(error) => Ok(self.malformed(line, error)),
        }
    }

    /// What a line that does not parse means.
    fn malformed<'a>(&mut self, line: &'a [u8], error: Error) -> Event<'a> {
        // Which keyword the line has decides: tor ignores unknown lines and only warns about
        // LOG and STATUS, and kills the PT over a malformed line of any other keyword.
        let kw_end = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
        let kw = line.get(..kw_end).unwrap_or_default();
        let known = matches!(
            kw,
            b"VERSION"
                | b"VERSION-ERROR"
                | b"ENV-ERROR"
                | b"PROXY"
                | b"PROXY-ERROR"
                | b"CMETHOD"
                | b"CMETHOD-ERROR"
                | b"CMETHODS"
                | b"SMETHOD"
                | b"SMETHOD-ERROR"
                | b"SMETHODS"
        );
        if !known {
            return Event::Ignored {
                line,
                error: Some(error),
            };
        }
        // A malformed VERSION before any is still out of order after one.
        self.fail(Failure::Protocol(Violation::Malformed {
            error: Box::new(error),
        }))
    }

    fn fail<'a>(&mut self, why: Failure<'a>) -> Event<'a> {
        self.state = State::Failed;
        Event::Failed(why)
    }

    fn out_of_order<'a>(&mut self, keyword: &str) -> Event<'a> {
        self.fail(Failure::Protocol(Violation::OutOfOrder {
            keyword: keyword.to_string(),
        }))
    }

    fn wrong_side<'a>(&mut self, keyword: &str) -> Event<'a> {
        self.fail(Failure::Protocol(Violation::WrongSide {
            keyword: keyword.to_string(),
        }))
    }

    /// Checks one parsed message (the lines of one PT, in order).
    pub fn message<'a>(&mut self, message: Message<'a>) -> Result<Event<'a>, Error> {
        if self.state == State::Failed {
            return Err(Error::SessionOver);
        }
        let accepting = self.state == State::Accepting;
        let ignored = Event::Ignored {
            line: &[],
            error: None,
        };
        Ok(match message {
            Message::Log(l) => Event::Log(l),
            Message::LevelLog(l) => Event::LevelLog(l),
            Message::Status(s) => Event::Status(s),
            Message::VersionError(t) => self.fail(Failure::VersionError(t)),
            Message::EnvError(t) => self.fail(Failure::EnvError(t)),
            Message::Version(v) => {
                if self.state != State::Launched {
                    return Ok(self.out_of_order("VERSION"));
                }
                if !self.offered.iter().any(|o| o == v.as_str()) {
                    return Ok(self.fail(Failure::Protocol(Violation::VersionNotOffered {
                        version: v.as_str().to_owned(),
                    })));
                }
                self.config.dialect = Dialect::of_token(v.as_bytes()).unwrap_or(Dialect::Pt1);
                self.state = State::Accepting;
                Event::Version(v)
            }
            Message::ProxyError(t) => self.fail(Failure::ProxyError(t)),
            Message::ProxyDone if !accepting => self.out_of_order("PROXY DONE"),
            Message::ProxyDone if self.side == Side::Server || !self.proxy => ignored,
            Message::ProxyDone => {
                self.proxy_done = true;
                Event::ProxyDone
            }
            Message::Cmethod(_) | Message::CmethodError(_) | Message::CmethodsDone
                if !accepting =>
            {
                self.out_of_order(message.keyword())
            }
            Message::Smethod(_) | Message::SmethodError(_) | Message::SmethodsDone
                if !accepting =>
            {
                self.out_of_order(message.keyword())
            }
            Message::Cmethod(_) | Message::CmethodError(_) | Message::CmethodsDone
                if self.side == Side::Server =>
            {
                self.wrong_side(message.keyword())
            }
            Message::Smethod(_) | Message::SmethodError(_) | Message::SmethodsDone
                if self.side == Side::Client =>
            {
                self.wrong_side(message.keyword())
            }
            Message::Cmethod(c) => {
                let requested = self.requested.iter().any(|t| t == c.transport());
                self.launched.push(Launched {
                    transport: c.transport().to_owned(),
                    addr: c.addr(),
                    protocol: Some(c.protocol()),
                    args: None,
                    requested,
                });
                Event::MethodReady {
                    method: Method::Client(c),
                    requested,
                }
            }
            Message::Smethod(s) => {
                let requested = self.requested.iter().any(|t| t == s.transport());
                self.launched.push(Launched {
                    transport: s.transport().to_owned(),
                    addr: s.addr(),
                    protocol: None,
                    args: s.args_raw().map(str::to_owned),
                    requested,
                });
                Event::MethodReady {
                    method: Method::Server(s),
                    requested,
                }
            }
            Message::CmethodError(e) | Message::SmethodError(e) => Event::MethodFailed(e),
            Message::CmethodsDone if self.proxy && !self.proxy_done => {
                self.fail(Failure::Protocol(Violation::MissingProxyDone))
            }
            Message::CmethodsDone | Message::SmethodsDone => {
                self.state = State::Done;
                Event::Done
            }
            _ => ignored,
        })
    }
}
