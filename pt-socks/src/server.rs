//! The SOCKS server handshake: what a client PT runs for tor (or any parent).
//!
//! One machine speaks SOCKS4, SOCKS4a and SOCKS5 (with no-auth, RFC 1929 and the PT 2.x JSON
//! block), driven as every machine of this family is: pass all the unconsumed bytes you have to
//! [`Handshake::advance`], drop [`Progress::consumed`] bytes from the front of your buffer, and
//! handle the [`Event`]:
//!
//! - [`Event::NeedInput`]: send what was written to `out`, read more, call again;
//! - [`Event::Credentials`]: check them (for a PT: [`Credentials::pt_args`]) and call
//!   [`Handshake::decide`], which writes `01 00` or the refusal;
//! - [`Event::Request`]: connect, then call [`Handshake::reply`] with the outcome (twice for BIND);
//! - [`Event::Done`]: the bytes after the consumed ones are application data.
//!
//! Protocol errors are returned only after the reply they call for has been written to `out`
//! ([`Error::reply`] says which bytes). An incomplete message is re-checked in O(1) (the machine
//! remembers how many bytes it needs and how far its NUL scan got), so feeding one byte at a
//! time costs the same order as feeding whole messages, and nothing allocates.
//!
//! ```
//! use pt_socks::server::{Credentials, Event, Handshake, Policy};
//! use pt_socks::socks5::ReplyCode;
//!
//! // tor's SOCKS4 request to a PT, with the args in USERID, fed one byte at a time.
//! let wire = b"\x04\x01\x00\x0e\x7f\x00\x00\x01k=v\x00";
//! let mut hs = Handshake::new(Policy::default());
//! let (mut buf, mut out) = (Vec::new(), Vec::new());
//! let mut userid = Vec::new();
//! for &b in wire {
//!     buf.push(b);
//!     loop {
//!         let p = hs.advance(&buf, &mut out)?;
//!         match p.event {
//!             Event::NeedInput => { buf.drain(..p.consumed); break; }
//!             Event::Credentials(Credentials::UserId(id)) => {
//!                 userid = id.to_vec();
//!                 hs.decide(true, &mut out)?;
//!             }
//!             Event::Request(req) => {
//!                 assert_eq!(req.target.to_string(), "127.0.0.1:14");
//!                 hs.reply(ReplyCode::SUCCEEDED, None, &mut out)?;
//!             }
//!             Event::Credentials(_) => unreachable!("SOCKS4 has only a USERID"),
//!             Event::Done => break,
//!         }
//!         buf.drain(..p.consumed);
//!     }
//! }
//! assert!(hs.is_done());
//! assert_eq!(userid, b"k=v");
//! assert_eq!(out, [0x00, 0x5a, 0, 0, 0, 0, 0, 0]);
//! # Ok::<(), pt_socks::Error>(())
//! ```

use bytes::BufMut;
use core::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use crate::json::{ByteOrder, JsonBlock};
use crate::rfc1929::UserPass;
use crate::socks4::{self, check_host, parse_header};
use crate::socks5::{self, Command, Greeting, Method, ReplyCode};
use crate::util::{check_room, find_nul};
use crate::{AuthKind, Encode, Error, Parse, Parsed, Progress, Target, Version};

/// The most bytes one call of [`Handshake::advance`] writes: a method selection plus a
/// 10-byte error reply. `advance` fails with [`Error::BufferTooSmall`], doing nothing, when the
/// output buffer has less room (a `Vec<u8>` always has room).
pub const MAX_ADVANCE_OUTPUT: usize = 12;

/// The most bytes one call of [`Handshake::decide`] writes.
pub const MAX_DECIDE_OUTPUT: usize = 10;

/// The default cap on the JSON parameter block: 64 KiB.
pub const DEFAULT_MAX_JSON_LEN: u32 = 64 * 1024;

/// The default cap on a SOCKS4 USERID: 1024 bytes (tor sends at most 510).
pub const DEFAULT_MAX_USERID_LEN: usize = 1024;

/// The SOCKS5 methods a server accepts, in its order of preference (at most 4, no repeats,
/// from [`Method::NO_AUTH`], [`Method::USER_PASS`], [`Method::JSON`], [`Method::LEGACY_JSON`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Methods {
    list: [Method; 4],
    len: u8,
}

impl Methods {
    /// User/pass, then the JSON block, then no-auth: tor offers `00 02` and drops the args if
    /// the server picks `00`, so user/pass must win (goptlib's order; behaviours:
    /// `socks5-method-preference`).
    pub const PT: Methods = Methods {
        list: [
            Method::USER_PASS,
            Method::JSON,
            Method::NO_AUTH,
            Method::NO_ACCEPTABLE,
        ],
        len: 3,
    };

    /// The methods `prefs`, most preferred first.
    pub fn new(prefs: &[Method]) -> Result<Self, Error> {
        let mut m = Methods {
            list: [Method::NO_ACCEPTABLE; 4],
            len: 0,
        };
        for (i, &p) in prefs.iter().enumerate() {
            let known = [
                Method::NO_AUTH,
                Method::USER_PASS,
                Method::JSON,
                Method::LEGACY_JSON,
            ];
            if !known.contains(&p) || prefs.get(..i).is_some_and(|s| s.contains(&p)) {
                return Err(Error::Unencodable {
                    what: "a server method list with an unknown or repeated method",
                });
            }
            let slot = m.list.get_mut(i).ok_or(Error::Unencodable {
                what: "a server method list of more than 4 methods",
            })?;
            *slot = p;
            m.len += 1;
        }
        Ok(m)
    }

    /// The methods, most preferred first.
    pub fn as_slice(&self) -> &[Method] {
        self.list.get(..self.len as usize).unwrap_or(&self.list)
    }

    /// The most preferred method among those offered.
    pub fn choose(&self, offered: &[u8]) -> Option<Method> {
        self.as_slice()
            .iter()
            .copied()
            .find(|m| offered.contains(&m.0))
    }
}

impl Default for Methods {
    fn default() -> Self {
        Methods::PT
    }
}

/// What the server accepts. The default suits a PT client speaking to tor or Arti.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Policy {
    /// Accept SOCKS4 and SOCKS4a (default: yes; tor uses SOCKS4 for `socks4` CMETHODs).
    pub socks4: bool,
    /// Accept SOCKS5 (default: yes).
    pub socks5: bool,
    /// SOCKS5 methods in order of preference (default [`Methods::PT`]).
    pub methods: Methods,
    /// Byte order of the JSON block's length under the legacy method `80`, when
    /// [`methods`](Self::methods) holds [`Method::LEGACY_JSON`] (default big-endian, what the
    /// dispatcher sent; Draft 2's example is little-endian).
    pub legacy_json_order: ByteOrder,
    /// The longest JSON block accepted (default [`DEFAULT_MAX_JSON_LEN`]); longer gets `05 10`.
    pub max_json_len: u32,
    /// The longest SOCKS4 USERID accepted (default [`DEFAULT_MAX_USERID_LEN`]).
    pub max_userid_len: usize,
    /// Hand BIND requests to the caller (default: refuse them with `07` / `5B`).
    pub allow_bind: bool,
    /// Hand UDP ASSOCIATE requests to the caller (default: refuse them with `07`).
    pub allow_udp_associate: bool,
    /// goptlib's and obfs4proxy's strictness: refuse empty RFC 1929 fields with `01 01` and a
    /// non-zero RSV byte with `05 01` (default: accept both, as Arti does).
    pub strict: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            socks4: true,
            socks5: true,
            methods: Methods::PT,
            legacy_json_order: ByteOrder::BigEndian,
            max_json_len: DEFAULT_MAX_JSON_LEN,
            max_userid_len: DEFAULT_MAX_USERID_LEN,
            allow_bind: false,
            allow_udp_associate: false,
            strict: false,
        }
    }
}

/// Credentials the caller must accept or reject with [`Handshake::decide`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials<'a> {
    /// RFC 1929 username and password (SOCKS5 method `02`).
    UserPass(UserPass<'a>),
    /// The PT 2.x JSON parameter block (method `09` or `80`); the JSON is not validated.
    Json(JsonBlock<'a>),
    /// A non-empty SOCKS4 USERID.
    UserId(&'a [u8]),
}

impl<'a> Credentials<'a> {
    /// Which kind of credentials these are.
    pub fn kind(&self) -> AuthKind {
        match self {
            Credentials::UserPass(_) => AuthKind::UserPass,
            Credentials::Json(_) => AuthKind::Json,
            Credentials::UserId(_) => AuthKind::UserId,
        }
    }

    /// The PT 1.0 per-connection arguments: UNAME + PASSWD joined unless PASSWD is the single
    /// NUL byte (behaviours: `rfc1929-nul-password-marker`), or the USERID, parsed with
    /// `policy` by [`pt_args::socks`]. `None` for the JSON block, which is not a `k=v` list.
    pub fn pt_args(
        &self,
        policy: pt_args::socks::Policy,
    ) -> Result<Option<pt_args::Args<'a>>, pt_args::Error> {
        match self {
            Credentials::UserPass(up) => up.pt_args(policy).map(Some),
            Credentials::UserId(id) => pt_args::socks::parse_bytes(id, policy).map(Some),
            Credentials::Json(_) => Ok(None),
        }
    }
}

/// A request the caller must answer with [`Handshake::reply`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// The protocol version the client speaks.
    pub version: Version,
    /// CONNECT, or BIND / UDP ASSOCIATE when the policy allows them.
    pub command: Command,
    /// The destination, borrowed from the input. `[::]:0` is a PT 2.0 "bound transport"
    /// ([`Target::is_bound_transport`]).
    pub target: Target<'a>,
}

impl Request<'_> {
    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Request<'static> {
        Request {
            version: self.version,
            command: self.command,
            target: self.target.into_owned(),
        }
    }
}

/// What the caller must do after [`Handshake::advance`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// Send what was written to `out`, then call again with more bytes.
    NeedInput,
    /// Accept or reject these with [`Handshake::decide`]. For SOCKS4 the USERID is part of
    /// the request, so nothing is consumed yet: keep the bytes, and the next `advance` after
    /// accepting returns the [`Request`](Event::Request) without scanning them again.
    Credentials(Credentials<'a>),
    /// Answer this with [`Handshake::reply`].
    Request(Request<'a>),
    /// The handshake is over; the input after the consumed bytes is application data.
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    Greeting,
    UserPass,
    Json(ByteOrder),
    Request5,
    Request4,
    Decide(AuthKind),
    Request4Ready,
    Reply { version: Version, command: Command },
    BindSecond { version: Version },
    Done,
    Failed,
}

/// What one state step did.
enum Step<'i> {
    /// Consumed this many bytes; go on with the next state.
    Next(usize),
    /// The current message needs this many bytes in total.
    Need(usize),
    /// Consumed this many bytes and stop with this event.
    Stop(usize, Event<'i>),
}

/// The SOCKS server handshake (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct Handshake {
    policy: Policy,
    state: State,
    /// Bytes of the current message needed before it is worth looking at again.
    need: usize,
    /// SOCKS4: where the NUL scan goes on, from the message start.
    scan: usize,
    /// SOCKS4: while a USERID or HOST NUL is awaited, the input length up to which
    /// [`advance`](Self::advance) may scan new bytes itself (0 = not waiting).
    nul_limit: usize,
    /// SOCKS4: the offset of the NUL that ends the USERID (0 = not found yet).
    userid_end: usize,
    /// SOCKS4: the length of a complete request kept while its USERID is decided.
    pending: usize,
    method: Option<Method>,
    version: Option<Version>,
}

impl Handshake {
    /// A new handshake, waiting for the client's first byte.
    pub fn new(policy: Policy) -> Self {
        Handshake {
            policy,
            state: State::Start,
            need: 1,
            scan: 8,
            nul_limit: 0,
            userid_end: 0,
            pending: 0,
            method: None,
            version: None,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The protocol version, once the first byte has arrived.
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// The SOCKS5 method selected, once the greeting has been answered.
    pub fn method(&self) -> Option<Method> {
        self.method
    }

    /// Whether the handshake finished successfully.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Whether the handshake failed or the request was refused.
    pub fn is_failed(&self) -> bool {
        self.state == State::Failed
    }

    /// Processes `input` (every unconsumed byte received so far) and writes any reply into
    /// `out`. See the [module docs](self).
    ///
    /// Fails with [`Error::DecisionPending`] while a [`decide`](Self::decide) or
    /// [`reply`](Self::reply) is due, [`Error::Failed`] after a failure, and
    /// [`Error::BufferTooSmall`] (doing nothing) when `out` has less than
    /// [`MAX_ADVANCE_OUTPUT`] bytes of room. Any other error has had its
    /// [reply](Error::reply) written to `out`, and the connection should be closed.
    #[inline]
    pub fn advance<'i, B: BufMut>(
        &mut self,
        input: &'i [u8],
        out: &mut B,
    ) -> Result<Progress<Event<'i>>, Error> {
        // The O(1) re-check of an incomplete message (`need` is 0 outside the reading states).
        if input.len() < self.need {
            return Ok(Progress {
                consumed: 0,
                event: Event::NeedInput,
            });
        }
        // SOCKS4 awaiting a NUL: only the new bytes are looked at, without re-entering the
        // state machine, unless the field may have grown too long.
        if input.len() <= self.nul_limit
            && let Some(new) = input.get(self.scan..)
            && find_nul(new).is_none()
        {
            self.scan = input.len();
            self.need = input.len() + 1;
            return Ok(Progress {
                consumed: 0,
                event: Event::NeedInput,
            });
        }
        self.advance_slow(input, out)
    }

    #[inline(never)]
    fn advance_slow<'i, B: BufMut>(
        &mut self,
        input: &'i [u8],
        out: &mut B,
    ) -> Result<Progress<Event<'i>>, Error> {
        match self.state {
            State::Done => {
                return Ok(Progress {
                    consumed: 0,
                    event: Event::Done,
                });
            }
            State::Failed => return Err(Error::Failed),
            State::Decide(_) | State::Reply { .. } | State::BindSecond { .. } => {
                return Err(Error::DecisionPending);
            }
            _ => {}
        }
        check_room(out, MAX_ADVANCE_OUTPUT)?;
        let mut pos = 0;
        loop {
            let rest = input.get(pos..).unwrap_or_default();
            if rest.len() < self.need {
                return Ok(Progress {
                    consumed: pos,
                    event: Event::NeedInput,
                });
            }
            match self.step(rest, out) {
                Ok(Step::Next(n)) => pos += n,
                Ok(Step::Need(total)) => self.need = total.max(rest.len() + 1),
                Ok(Step::Stop(n, event)) => {
                    self.need = 0;
                    return Ok(Progress {
                        consumed: pos + n,
                        event,
                    });
                }
                Err(e) => return Err(self.fail(e, out)),
            }
        }
    }

    /// Accepts (`true`) or rejects the credentials of the last [`Event::Credentials`].
    ///
    /// Accepting writes `01 00` for RFC 1929 (nothing for the JSON block and SOCKS4, whose
    /// answer is the request reply). Rejecting writes `01 01`, `05 13 ...` (JSON) or
    /// `00 5B ...` (SOCKS4) and returns [`Error::CredentialsRejected`].
    pub fn decide<B: BufMut>(&mut self, accept: bool, out: &mut B) -> Result<(), Error> {
        let State::Decide(kind) = self.state else {
            return Err(Error::NotPending {
                expected: "credentials",
            });
        };
        check_room(out, MAX_DECIDE_OUTPUT)?;
        if !accept {
            return Err(self.fail(Error::CredentialsRejected { auth: kind }, out));
        }
        match kind {
            AuthKind::UserPass => {
                out.put_slice(&[1, 0]);
                self.expect_request5();
            }
            AuthKind::Json => self.expect_request5(),
            AuthKind::UserId => {
                self.state = State::Request4Ready;
                self.need = self.pending;
            }
        }
        Ok(())
    }

    /// Answers the last [`Event::Request`]: `code` [`ReplyCode::SUCCEEDED`] with the bound
    /// address (`None` sends `0.0.0.0:0`, as every PT does), or a failure code. SOCKS4 gets
    /// `5A` for success and `5B` for any failure (and `0.0.0.0:0` for an IPv6 bound address).
    ///
    /// After a success the handshake is done, except for BIND, which takes a second reply when
    /// the peer connects. After a failure it is over ([`is_failed`](Self::is_failed)).
    pub fn reply<B: BufMut>(
        &mut self,
        code: ReplyCode,
        bound: Option<SocketAddr>,
        out: &mut B,
    ) -> Result<(), Error> {
        let (version, first_bind) = match self.state {
            State::Reply { version, command } => (version, command == Command::Bind),
            State::BindSecond { version } => (version, false),
            _ => return Err(Error::NotPending { expected: "reply" }),
        };
        match version {
            Version::Socks5 => socks5::Reply {
                code,
                bound: bound.map_or(Target::UNSPECIFIED, Target::Ip),
            }
            .encode(out)?,
            Version::Socks4 => socks4::Reply {
                code: if code.is_success() {
                    socks4::Code::GRANTED
                } else {
                    socks4::Code::REJECTED
                },
                bound: match bound {
                    Some(SocketAddr::V4(a)) => a,
                    _ => SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0),
                },
            }
            .encode(out)?,
        };
        self.state = if !code.is_success() {
            State::Failed
        } else if first_bind {
            State::BindSecond { version }
        } else {
            State::Done
        };
        Ok(())
    }

    fn expect_request5(&mut self) {
        self.state = State::Request5;
        self.need = 5;
    }

    fn fail<B: BufMut>(&mut self, e: Error, out: &mut B) -> Error {
        let reply = e.reply();
        // The room was checked on entry (MAX_ADVANCE_OUTPUT / MAX_DECIDE_OUTPUT).
        if out.remaining_mut() >= reply.len() {
            out.put_slice(reply);
        }
        self.state = State::Failed;
        self.need = 0;
        self.nul_limit = 0;
        e
    }

    fn step<'i, B: BufMut>(&mut self, rest: &'i [u8], out: &mut B) -> Result<Step<'i>, Error> {
        match self.state {
            State::Start => self.start(rest),
            State::Greeting => self.greeting(rest, out),
            State::UserPass => self.user_pass(rest),
            State::Json(order) => self.json(rest, order),
            State::Request5 => self.request5(rest),
            State::Request4 => self.request4(rest),
            State::Request4Ready => self.request4_ready(rest),
            // advance() returns before stepping in any other state.
            _ => Err(Error::Failed),
        }
    }

    fn start<'i>(&mut self, rest: &'i [u8]) -> Result<Step<'i>, Error> {
        match rest.first().copied() {
            None => Ok(Step::Need(1)),
            Some(5) => {
                self.version = Some(Version::Socks5);
                if !self.policy.socks5 {
                    return Err(Error::VersionDisabled {
                        version: Version::Socks5,
                    });
                }
                self.state = State::Greeting;
                self.need = 2;
                Ok(Step::Next(0))
            }
            Some(4) => {
                self.version = Some(Version::Socks4);
                if !self.policy.socks4 {
                    return Err(Error::VersionDisabled {
                        version: Version::Socks4,
                    });
                }
                self.state = State::Request4;
                self.need = 9;
                Ok(Step::Next(0))
            }
            Some(found) => Err(Error::UnknownVersion { found }),
        }
    }

    fn greeting<'i, B: BufMut>(&mut self, rest: &'i [u8], out: &mut B) -> Result<Step<'i>, Error> {
        let (greeting, len) = match Greeting::parse(rest)? {
            Parsed::Complete { value, len } => (value, len),
            Parsed::Incomplete { needed } => return Ok(Step::Need(rest.len() + needed)),
        };
        let offered = greeting.methods();
        let Some(method) = self.policy.methods.choose(offered) else {
            return Err(Error::NoAcceptableMethod {
                offered: offered.len(),
            });
        };
        out.put_slice(&[5, method.0]);
        self.method = Some(method);
        match method {
            Method::USER_PASS => {
                self.state = State::UserPass;
                self.need = 3;
            }
            Method::JSON => {
                self.state = State::Json(ByteOrder::BigEndian);
                self.need = 4;
            }
            Method::LEGACY_JSON => {
                self.state = State::Json(self.policy.legacy_json_order);
                self.need = 4;
            }
            _ => self.expect_request5(),
        }
        Ok(Step::Next(len))
    }

    fn user_pass<'i>(&mut self, rest: &'i [u8]) -> Result<Step<'i>, Error> {
        let (up, len) = match UserPass::parse(rest)? {
            Parsed::Complete { value, len } => (value, len),
            Parsed::Incomplete { needed } => return Ok(Step::Need(rest.len() + needed)),
        };
        if self.policy.strict {
            if up.uname.is_empty() {
                return Err(Error::EmptyAuthField { field: "UNAME" });
            }
            if up.passwd.is_empty() {
                return Err(Error::EmptyAuthField { field: "PASSWD" });
            }
        }
        self.state = State::Decide(AuthKind::UserPass);
        Ok(Step::Stop(
            len,
            Event::Credentials(Credentials::UserPass(up)),
        ))
    }

    fn json<'i>(&mut self, rest: &'i [u8], order: ByteOrder) -> Result<Step<'i>, Error> {
        let Some(n) = JsonBlock::peek_len(rest, order) else {
            return Ok(Step::Need(4));
        };
        if n == 0 {
            return Err(Error::JsonEmpty);
        }
        if n > self.policy.max_json_len {
            return Err(Error::JsonTooLong {
                len: n,
                max: self.policy.max_json_len,
            });
        }
        match JsonBlock::parse_with(rest, order)? {
            Parsed::Complete { value, len } => {
                self.state = State::Decide(AuthKind::Json);
                Ok(Step::Stop(
                    len,
                    Event::Credentials(Credentials::Json(value)),
                ))
            }
            Parsed::Incomplete { needed } => Ok(Step::Need(rest.len() + needed)),
        }
    }

    fn request5<'i>(&mut self, rest: &'i [u8]) -> Result<Step<'i>, Error> {
        let parsed = socks5::Request::parse(rest)?;
        if let (true, Some(&found @ 1..)) = (self.policy.strict, rest.get(2)) {
            return Err(Error::NonZeroReserved { found });
        }
        let (req, len) = match parsed {
            Parsed::Complete { value, len } => (value, len),
            Parsed::Incomplete { needed } => return Ok(Step::Need(rest.len() + needed)),
        };
        self.check_command(Version::Socks5, req.command)?;
        self.state = State::Reply {
            version: Version::Socks5,
            command: req.command,
        };
        Ok(Step::Stop(
            len,
            Event::Request(Request {
                version: Version::Socks5,
                command: req.command,
                target: req.target,
            }),
        ))
    }

    fn check_command(&self, version: Version, command: Command) -> Result<(), Error> {
        let allowed = match command {
            Command::Connect => true,
            Command::Bind => self.policy.allow_bind,
            Command::UdpAssociate => self.policy.allow_udp_associate,
        };
        if allowed {
            Ok(())
        } else {
            Err(Error::CommandRefused { version, command })
        }
    }

    /// SOCKS4: scans for the NULs from where the last call stopped.
    fn request4<'i>(&mut self, rest: &'i [u8]) -> Result<Step<'i>, Error> {
        self.nul_limit = 0;
        let header = match parse_header(rest)? {
            Ok(h) => h,
            Err(total) => return Ok(Step::Need(total)),
        };
        let max_userid = self.policy.max_userid_len;
        if self.userid_end == 0 {
            let from = self.scan.max(8);
            match rest.get(from..).and_then(find_nul) {
                Some(i) => {
                    self.userid_end = from + i;
                    self.scan = from + i + 1;
                }
                None => {
                    self.scan = rest.len().max(8);
                    if rest.len().saturating_sub(8) > max_userid {
                        return Err(Error::FieldTooLong {
                            field: "USERID",
                            max: max_userid,
                        });
                    }
                    self.nul_limit = max_userid.saturating_add(8);
                    return Ok(Step::Need(rest.len() + 1));
                }
            }
            if self.userid_end.saturating_sub(8) > max_userid {
                return Err(Error::FieldTooLong {
                    field: "USERID",
                    max: max_userid,
                });
            }
        }
        let uend = self.userid_end;
        let total = if header.socks4a {
            let from = self.scan.max(uend + 1);
            match rest.get(from..).and_then(find_nul) {
                Some(i) => {
                    check_host(rest.get(uend + 1..from + i).unwrap_or_default())?;
                    from + i + 1
                }
                None => {
                    self.scan = rest.len();
                    if rest.len().saturating_sub(uend + 1) > crate::MAX_DOMAIN_LEN {
                        return Err(Error::FieldTooLong {
                            field: "HOST",
                            max: crate::MAX_DOMAIN_LEN,
                        });
                    }
                    self.nul_limit = uend + 1 + crate::MAX_DOMAIN_LEN;
                    return Ok(Step::Need(rest.len() + 1));
                }
            }
        } else {
            uend + 1
        };
        self.check_command(Version::Socks4, header.command)?;
        self.pending = total;
        let userid = rest.get(8..uend).unwrap_or_default();
        if userid.is_empty() {
            self.request4_ready(rest)
        } else {
            self.state = State::Decide(AuthKind::UserId);
            Ok(Step::Stop(
                0,
                Event::Credentials(Credentials::UserId(userid)),
            ))
        }
    }

    /// SOCKS4: hands out the request whose USERID was accepted (no scan: the offsets are known).
    fn request4_ready<'i>(&mut self, rest: &'i [u8]) -> Result<Step<'i>, Error> {
        let (uend, total) = (self.userid_end, self.pending);
        let header = match parse_header(rest)? {
            Ok(h) => h,
            Err(t) => return Ok(Step::Need(t)),
        };
        let (Some(userid), Some(host)) = (
            rest.get(8..uend),
            rest.get(uend + 1..total.saturating_sub(1).max(uend + 1)),
        ) else {
            return Ok(Step::Need(total));
        };
        let req = header.request(userid, header.socks4a.then_some(host));
        self.state = State::Reply {
            version: Version::Socks4,
            command: req.command,
        };
        Ok(Step::Stop(
            total,
            Event::Request(Request {
                version: Version::Socks4,
                command: req.command,
                target: req.target,
            }),
        ))
    }
}
