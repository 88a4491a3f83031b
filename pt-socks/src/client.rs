//! The SOCKS client handshake: what a parent (tor-like) runs towards a client PT, and what a PT
//! runs towards its upstream `TOR_PT_PROXY` (`socks5://` or `socks4a://`).
//!
//! CONNECT only. Driven like the server: call [`Handshake::advance`] with every unconsumed byte
//! received so far (nothing at first), send what it wrote to `out`, drop
//! [`Progress::consumed`] bytes, and stop at [`Event::Connected`]; the bytes after the consumed
//! ones are the tunnel's first data. Failures are told apart: [`Error::ProxyRefusedMethods`],
//! [`Error::ProxyRefusedAuth`], [`Error::ProxyRequestFailed`] (with the code) and protocol
//! violations ([`Error::kind`]).
//!
//! ```
//! use pt_socks::client::{Auth, Event, Handshake};
//! use pt_socks::{Target, Version};
//!
//! let args = b"cert=AAAA;iat-mode=0"; // the encoded PT arguments
//! let auth = Auth::from_pt_args(args, Version::Socks5)?;
//! let mut hs = Handshake::new(Version::Socks5, "192.0.2.1:443".parse::<std::net::SocketAddr>().unwrap().into(), auth)?;
//! let mut out = Vec::new();
//! assert_eq!(hs.advance(&[], &mut out)?.event, Event::NeedInput);
//! assert_eq!(out, [5, 1, 2]); // greeting: user/pass only
//! out.clear();
//! // The server picks 02 and accepts; its CONNECT reply is followed by tunnel data.
//! let replies = b"\x05\x02\x01\x00\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00hello";
//! let p = hs.advance(replies, &mut out)?;
//! assert_eq!(p.event, Event::Connected(Target::UNSPECIFIED));
//! assert_eq!(&replies[p.consumed..], b"hello");
//! assert_eq!(out[..3], [1, 20, b'c']); // RFC 1929 with the args in UNAME, PASSWD = NUL
//! # Ok::<(), pt_socks::Error>(())
//! ```

use bytes::BufMut;

use crate::json::JsonBlock;
use crate::rfc1929::{MAX_FIELD, Status, UserPass};
use crate::socks5::{Command, Greeting, Method, MethodSelection};
use crate::util::check_room;
use crate::{Encode, Error, Parse, Parsed, Progress, Target, Version, socks4, socks5};

/// How the client authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth<'c> {
    /// SOCKS5 no authentication; SOCKS4 empty USERID.
    None,
    /// SOCKS5 RFC 1929 username and password.
    UserPass(UserPass<'c>),
    /// SOCKS5 PT 2.x JSON parameter block (method `09`).
    Json(&'c [u8]),
    /// SOCKS4 USERID (no NUL byte).
    UserId(&'c [u8]),
}

impl<'c> Auth<'c> {
    /// The credentials that carry encoded PT arguments (from
    /// [`pt_args::socks::encode`] or `BridgeLine::socks_args`) exactly as tor and Arti send
    /// them: SOCKS5 splits them with [`pt_args::socks::to_rfc1929`] (empty: no auth; over 510
    /// bytes: an error; behaviours: `rfc1929-split-at-255`); SOCKS4 puts them whole in USERID (a
    /// NUL byte is an error; behaviours: `socks4-userid-whole-args`).
    pub fn from_pt_args(encoded: &'c [u8], version: Version) -> Result<Self, Error> {
        match version {
            Version::Socks5 => Ok(match UserPass::from_pt_args(encoded)? {
                Some(up) => Auth::UserPass(up),
                None => Auth::None,
            }),
            Version::Socks4 if encoded.contains(&0) => Err(Error::Unencodable {
                what: "a NUL byte in a SOCKS4 USERID",
            }),
            Version::Socks4 => Ok(Auth::UserId(encoded)),
        }
    }

    fn method(&self) -> Method {
        match self {
            Auth::UserPass(_) => Method::USER_PASS,
            Auth::Json(_) => Method::JSON,
            Auth::None | Auth::UserId(_) => Method::NO_AUTH,
        }
    }
}

/// Client options.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Options {
    /// Also offer no-auth next to user/pass or JSON, as tor does (`05 02 00 02`). If the
    /// server then picks no-auth, the credentials are silently not sent. Default: off, so that
    /// a server that cannot take the arguments fails the handshake instead (behaviours:
    /// `socks5-client-method-offer`).
    pub offer_no_auth: bool,
    /// Check reply version bytes (`05`, `01`, SOCKS4 `00` or `04`); tor does not (behaviours:
    /// `socks-client-reply-leniency`).
    pub strict: bool,
}

/// What the caller must do after [`Handshake::advance`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<'i> {
    /// Send what was written to `out`, then call again with more bytes.
    NeedInput,
    /// The proxy connected; the bound address it reported (often `0.0.0.0:0`). The input
    /// after the consumed bytes is tunnel data.
    Connected(Target<'i>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    Method,
    AuthStatus,
    Reply5,
    Reply4,
    Done,
    Failed,
}

enum Step<'i> {
    Next(usize),
    Need(usize),
    Connected(usize, Target<'i>),
}

/// The SOCKS client handshake (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct Handshake<'c> {
    version: Version,
    target: Target<'c>,
    auth: Auth<'c>,
    options: Options,
    state: State,
    need: usize,
}

impl<'c> Handshake<'c> {
    /// A CONNECT to `target` with default [`Options`]. Checks that `auth` fits `version` and
    /// that the messages can be encoded (no IPv6 or NUL bytes in SOCKS4, fields of at most 255
    /// bytes, ...).
    pub fn new(version: Version, target: Target<'c>, auth: Auth<'c>) -> Result<Self, Error> {
        Self::with_options(version, target, auth, Options::default())
    }

    /// A CONNECT to `target` with `options`.
    pub fn with_options(
        version: Version,
        target: Target<'c>,
        auth: Auth<'c>,
        options: Options,
    ) -> Result<Self, Error> {
        let hs = Handshake {
            version,
            target,
            auth,
            options,
            state: State::Start,
            need: 0,
        };
        match (version, auth) {
            (Version::Socks4, Auth::None | Auth::UserId(_)) => hs.request4().check()?,
            (Version::Socks5, Auth::UserPass(up)) => {
                if up.uname.len() > MAX_FIELD || up.passwd.len() > MAX_FIELD {
                    return Err(Error::Unencodable {
                        what: "an RFC 1929 field longer than 255 bytes",
                    });
                }
            }
            (Version::Socks5, Auth::Json(j)) => {
                if u32::try_from(j.len()).is_err() {
                    return Err(Error::Unencodable {
                        what: "a JSON block longer than 2^32 - 1 bytes",
                    });
                }
            }
            (Version::Socks5, Auth::None) => {}
            _ => {
                return Err(Error::Unencodable {
                    what: "these credentials with this SOCKS version",
                });
            }
        }
        Ok(hs)
    }

    /// Whether the proxy connected.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Whether the handshake failed.
    pub fn is_failed(&self) -> bool {
        self.state == State::Failed
    }

    fn request4(&self) -> socks4::Request<'_> {
        socks4::Request {
            command: Command::Connect,
            target: self.target.clone(),
            userid: match self.auth {
                Auth::UserId(id) => id,
                _ => &[],
            },
        }
    }

    fn request5(&self) -> socks5::Request<'_> {
        socks5::Request {
            command: Command::Connect,
            target: self.target.clone(),
        }
    }

    fn methods(&self) -> ([u8; 2], usize) {
        let m = self.auth.method();
        if m != Method::NO_AUTH && self.options.offer_no_auth {
            ([Method::NO_AUTH.0, m.0], 2)
        } else {
            ([m.0, 0], 1)
        }
    }

    /// The bytes every message still to be written takes; `advance` checks `out` has this
    /// much room before doing anything.
    fn still_to_write(&self) -> usize {
        let req = match self.version {
            Version::Socks4 => self.request4().encoded_len(),
            Version::Socks5 => self.request5().encoded_len(),
        };
        let auth = match self.auth {
            Auth::UserPass(up) => up.encoded_len(),
            Auth::Json(j) => JsonBlock::new(j).encoded_len(),
            _ => 0,
        };
        match (self.version, self.state) {
            (Version::Socks4, State::Start) => req,
            (Version::Socks5, State::Start) => 2 + self.methods().1 + auth + req,
            (_, State::Method) => auth + req,
            (_, State::AuthStatus) => req,
            _ => 0,
        }
    }

    /// Processes the proxy's replies in `input` and writes the next messages into `out` (the
    /// first call, with any input, writes the greeting or the SOCKS4 request).
    ///
    /// Fails with [`Error::BufferTooSmall`], doing nothing, unless `out` has room for every
    /// message still to be sent (at most 4 + 513 + 262 bytes with RFC 1929).
    pub fn advance<'i, B: BufMut>(
        &mut self,
        input: &'i [u8],
        out: &mut B,
    ) -> Result<Progress<Event<'i>>, Error> {
        match self.state {
            State::Done => {
                return Err(Error::NotPending {
                    expected: "advance (the proxy already connected)",
                });
            }
            State::Failed => return Err(Error::Failed),
            _ => {}
        }
        check_room(out, self.still_to_write())?;
        let mut pos = 0;
        loop {
            let rest = input.get(pos..).unwrap_or_default();
            if self.state != State::Start && rest.len() < self.need {
                return Ok(Progress {
                    consumed: pos,
                    event: Event::NeedInput,
                });
            }
            match self.step(rest, out) {
                Ok(Step::Next(n)) => pos += n,
                Ok(Step::Need(total)) => self.need = total.max(rest.len() + 1),
                Ok(Step::Connected(n, bound)) => {
                    return Ok(Progress {
                        consumed: pos + n,
                        event: Event::Connected(bound),
                    });
                }
                Err(e) => {
                    self.state = State::Failed;
                    return Err(e);
                }
            }
        }
    }

    /// One step of the machine on the bytes of the current message.
    fn step<'i, B: BufMut>(&mut self, rest: &'i [u8], out: &mut B) -> Result<Step<'i>, Error> {
        let strict = self.options.strict;
        let check_version = |found: Option<&u8>, expected: u8| match found {
            Some(&found) if strict && found != expected => {
                Err(Error::BadReplyVersion { found, expected })
            }
            _ => Ok(()),
        };
        match self.state {
            State::Start => {
                match self.version {
                    Version::Socks4 => {
                        self.request4().encode(out)?;
                        self.state = State::Reply4;
                        self.need = 8;
                    }
                    Version::Socks5 => {
                        let (m, n) = self.methods();
                        Greeting::new(m.get(..n).unwrap_or_default())?.encode(out)?;
                        self.state = State::Method;
                        self.need = 2;
                    }
                }
                Ok(Step::Next(0))
            }
            State::Method => {
                let Parsed::Complete { value, len } = MethodSelection::parse(rest)? else {
                    return Ok(Step::Need(2));
                };
                check_version(rest.first(), 5)?;
                let (offered, n) = self.methods();
                let method = value.method;
                if method == Method::NO_ACCEPTABLE {
                    return Err(Error::ProxyRefusedMethods);
                }
                if !offered.get(..n).unwrap_or_default().contains(&method.0) {
                    return Err(Error::UnexpectedMethod { method: method.0 });
                }
                match (method, self.auth) {
                    (Method::USER_PASS, Auth::UserPass(up)) => {
                        up.encode(out)?;
                        self.state = State::AuthStatus;
                        self.need = 2;
                    }
                    (Method::JSON, Auth::Json(j)) => {
                        JsonBlock::new(j).encode(out)?;
                        self.send_request5(out)?;
                    }
                    _ => self.send_request5(out)?,
                }
                Ok(Step::Next(len))
            }
            State::AuthStatus => {
                let Parsed::Complete { value, len } = Status::parse(rest)? else {
                    return Ok(Step::Need(2));
                };
                check_version(rest.first(), 1)?;
                if !value.is_success() {
                    return Err(Error::ProxyRefusedAuth { status: value.0 });
                }
                self.send_request5(out)?;
                Ok(Step::Next(len))
            }
            // RFC 1928 section 6: a REP other than X'00' is a failure whatever follows it, so
            // it is reported as soon as it arrives, before an address type this crate does
            // not know (or one a broken proxy fills with zero) can hide it (behaviours:
            // `socks5-client-failure-reply-atyp`).
            State::Reply5 if rest.get(1).is_some_and(|&code| code != 0) => {
                check_version(rest.first(), 5)?;
                Err(Error::ProxyRequestFailed {
                    version: Version::Socks5,
                    code: rest.get(1).copied().unwrap_or_default(),
                })
            }
            State::Reply5 => match socks5::Reply::parse(rest)? {
                Parsed::Complete { value, len } => {
                    check_version(rest.first(), 5)?;
                    self.state = State::Done;
                    Ok(Step::Connected(len, value.bound))
                }
                Parsed::Incomplete { needed } => Ok(Step::Need(rest.len() + needed)),
            },
            State::Reply4 => match socks4::Reply::parse(rest)? {
                Parsed::Complete { value, len } => {
                    if strict && !matches!(rest.first(), Some(0 | 4)) {
                        check_version(rest.first(), 0)?;
                    }
                    if !value.code.is_success() {
                        return Err(Error::ProxyRequestFailed {
                            version: Version::Socks4,
                            code: value.code.0,
                        });
                    }
                    self.state = State::Done;
                    Ok(Step::Connected(len, Target::Ip(value.bound.into())))
                }
                Parsed::Incomplete { needed } => Ok(Step::Need(rest.len() + needed)),
            },
            State::Done | State::Failed => Err(Error::Failed),
        }
    }

    fn send_request5<B: BufMut>(&mut self, out: &mut B) -> Result<(), Error> {
        self.request5().encode(out)?;
        self.state = State::Reply5;
        // VER REP: enough to see a failure.
        self.need = 2;
        Ok(())
    }
}
