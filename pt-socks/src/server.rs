//! The SOCKS server handshake: what a client PT runs for tor (or any parent).
//!
//! One machine speaks SOCKS4, SOCKS4a and SOCKS5 (with no-auth, RFC 1929 and the PT 2.x JSON
//! block), driven as every machine of this family is: pass all the unconsumed bytes you have to
//! [`Handshake::advance`], drop [`Progress::consumed`] bytes from the front of your buffer, and
//! handle the [`Event`]:
//!
//! - [`Event::NeedInput`]: read more, call again;
//! - [`Event::Credentials`]: check them (for a PT: [`Credentials::pt_args`]) and call
//!   [`Handshake::decide`], which writes `01 00` or the refusal;
//! - [`Event::Request`]: connect, then call [`Handshake::reply`] with the outcome (twice for BIND);
//! - [`Event::Done`]: the bytes after the consumed ones are application data.
//!
//! # Sending what `out` holds
//!
//! [`advance`](Handshake::advance), [`decide`](Handshake::decide) and
//! [`reply`](Handshake::reply) write every byte the client must receive into the caller's
//! `out` buffer, and they write the reply *before* they return an error: `05 FF`, `01 01`,
//! `05 07 ...`, `00 5B ...` ([`Error::reply`] says which bytes). So the one rule of a driver is:
//!
//! **after every call to `advance`, `decide` or `reply`, send whatever `out` holds, whatever the
//! call returned, and only then act on the result** (relay on [`Event::Done`], close on an
//! error).
//!
//! Checking the result first loses replies: `hs.decide(false, &mut out)?` returns before the
//! `01 01` in `out` is sent, and a loop that breaks on [`Event::Done`] without sending `out`
//! drops the success reply that [`reply`](Handshake::reply) wrote. A driver whose `out` is a
//! fixed `&mut [u8]` of [`MAX_REPLY_OUTPUT`] bytes (the most one call writes), emptied after
//! every call, never sees [`Error::BufferTooSmall`]. An incomplete message is re-checked in O(1)
//! (the machine remembers how many bytes it needs and how far its NUL scan got), so feeding one
//! byte at a time costs the same order as feeding whole messages, and nothing allocates.
//!
//! ```
//! use pt_socks::server::{Credentials, Event, Handshake, Policy};
//! use pt_socks::socks5::ReplyCode;
//!
//! // tor's SOCKS4 request to a PT, with the args in USERID, fed one byte at a time.
//! let wire = b"\x04\x01\x00\x0e\x7f\x00\x00\x01k=v\x00";
//! let mut hs = Handshake::new(Policy::default());
//! let (mut buf, mut out) = (Vec::new(), Vec::new());
//! let mut sent = Vec::new(); // what reached the client
//! let mut userid = Vec::new();
//! for &b in wire {
//!     buf.push(b);
//!     loop {
//!         let result = hs.advance(&buf, &mut out);
//!         sent.append(&mut out); // send `out` first, whatever the call returned
//!         let p = result?; // an error's reply has just been sent: close
//!         match p.event {
//!             Event::NeedInput => { buf.drain(..p.consumed); break; }
//!             Event::Credentials(Credentials::UserId(id)) => {
//!                 userid = id.to_vec();
//!                 let result = hs.decide(true, &mut out);
//!                 sent.append(&mut out);
//!                 result?;
//!             }
//!             Event::Request(req) => {
//!                 assert_eq!(req.target.to_string(), "127.0.0.1:14");
//!                 let result = hs.reply(ReplyCode::SUCCEEDED, None, &mut out);
//!                 sent.append(&mut out);
//!                 result?;
//!             }
//!             Event::Credentials(_) => unreachable!("SOCKS4 has only a USERID"),
//!             Event::Done => break, // `out` was sent after `reply`: relay from here
//!         }
//!         buf.drain(..p.consumed);
//!     }
//! }
//! assert!(hs.is_done());
//! assert_eq!(userid, b"k=v");
//! assert_eq!(sent, [0x00, 0x5a, 0, 0, 0, 0, 0, 0]);
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

/// The most bytes one call of [`Handshake::advance`] writes: a method selection (2 bytes) and,
/// when the client pipelined its next message behind the greeting, the error reply to that
/// message (at most 10 bytes).
///
/// `advance` asks only for the room it may use in this call (see its docs): this much room
/// always suffices, and less often does too.
pub const MAX_ADVANCE_OUTPUT: usize = 12;

/// The most bytes one call of [`Handshake::decide`] writes: the `05 13 ...` refusal of a JSON
/// block (accepting writes `01 00` or nothing, refusing RFC 1929 `01 01`, SOCKS4 `00 5B ...`).
pub const MAX_DECIDE_OUTPUT: usize = 10;

/// The most bytes one call of [`Handshake::reply`] writes: a SOCKS5 reply with an IPv6 bound
/// address (`05 REP 00 04`, 16 address bytes, 2 port bytes). It is also the most that any one
/// call of the server machine writes, so a driver that sends `out` after every call can use a
/// fixed buffer of this size.
pub const MAX_REPLY_OUTPUT: usize = 22;

/// The default cap on the JSON parameter block: 64 KiB.
pub const DEFAULT_MAX_JSON_LEN: u32 = 64 * 1024;

/// The default cap on a SOCKS4 USERID: 1024 bytes (tor sends at most 510).
pub const DEFAULT_MAX_USERID_LEN: usize = 1024;

/// The SOCKS5 methods a server accepts, in its order of preference (at most 4, no repeats,
/// from [`Method::NO_AUTH`], [`Method::USER_PASS`], [`Method::JSON`], [`Method::LEGACY_JSON`]:
/// the methods this machine can run).
///
/// Every way to make one checks this: [`Methods::new`], and with the `serde` feature its
/// `Deserialize`, which reads the same plain list of method bytes that `Serialize` writes
/// (`[2, 9, 0]` for [`Methods::PT`] in JSON) and refuses an unknown or repeated method or a
/// fifth one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

    /// The methods `prefs`, most preferred first. Fails with [`Error::Unencodable`] for a
    /// method this machine cannot run (GSSAPI, `FF`, ...), a repeated one, or more than 4.
    pub fn new(prefs: &[Method]) -> Result<Self, Error> {
        let mut m = Methods {
            list: [Method::NO_ACCEPTABLE; 4],
            len: 0,
        };
        for (i, &p) in prefs.iter().enumerate() {
            if !RUNNABLE.contains(&p) || prefs.get(..i).is_some_and(|s| s.contains(&p)) {
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

/// The methods [`Methods`] may hold: those the machine has a sub-negotiation for.
const RUNNABLE: [Method; 4] = [
    Method::NO_AUTH,
    Method::USER_PASS,
    Method::JSON,
    Method::LEGACY_JSON,
];

#[cfg(feature = "serde")]
impl serde::Serialize for Methods {
    /// A plain list of method bytes, most preferred first.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Methods {
    /// A plain list of method bytes, checked as [`Methods::new`] checks it (no allocation).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error as _, SeqAccess, Unexpected, Visitor};

        struct List;

        impl<'de> Visitor<'de> for List {
            type Value = Methods;

            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(
                    "a list of at most 4 different SOCKS5 methods among 0 (no auth), \
                     2 (RFC 1929), 9 and 128 (JSON block)",
                )
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Methods, A::Error> {
                let mut list = [Method::NO_ACCEPTABLE; 4];
                let mut len = 0;
                while let Some(m) = seq.next_element::<Method>()? {
                    if !RUNNABLE.contains(&m) {
                        return Err(A::Error::invalid_value(
                            Unexpected::Unsigned(u64::from(m.0)),
                            &"a method this server can run: 0, 2, 9 or 128",
                        ));
                    }
                    if list.get(..len).is_some_and(|l| l.contains(&m)) {
                        return Err(A::Error::custom(format_args!(
                            "SOCKS5 method {} listed twice",
                            m.0
                        )));
                    }
                    let Some(slot) = list.get_mut(len) else {
                        return Err(A::Error::invalid_length(len + 1, &self));
                    };
                    *slot = m;
                    len += 1;
                }
                Methods::new(list.get(..len).unwrap_or_default()).map_err(A::Error::custom)
            }
        }

        deserializer.deserialize_seq(List)
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
    /// `config` by [`pt_args::socks`]. `None` for the JSON block, which is not a `k=v` list.
    #[inline]
    pub fn pt_args(
        &self,
        config: pt_args::socks::Config,
    ) -> Result<Option<pt_args::Args<'a>>, pt_args::Error> {
        match self {
            Credentials::UserPass(up) => up.pt_args(config).map(Some),
            Credentials::UserId(id) => pt_args::socks::parse_with(*id, config).map(Some),
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

/// What the caller must do after [`Handshake::advance`], once it has sent what `out` holds
/// (see [Sending what `out` holds](self#sending-what-out-holds)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// Call again when more bytes have arrived (after sending `out`: the method selection
    /// may be there, and the client waits for it).
    NeedInput,
    /// Accept or reject these with [`Handshake::decide`]. For SOCKS4 the USERID is part of
    /// the request, so nothing is consumed yet: keep the bytes, and the next `advance` after
    /// accepting returns the [`Request`](Event::Request) without scanning them again.
    Credentials(Credentials<'a>),
    /// Answer this with [`Handshake::reply`].
    Request(Request<'a>),
    /// The handshake is over; the input after the consumed bytes is application data.
    ///
    /// The call that returns `Done` writes nothing, but the success reply that
    /// [`Handshake::reply`] wrote into `out` before it must reach the client before any relayed
    /// byte: a driver that sends `out` after every call (the rule of the
    /// [module docs](self#sending-what-out-holds)) has sent it; one that does not must send
    /// `out` now, before it relays.
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
    /// `out`: the method selection `05 XX`, or the reply to a message it fails. Send what `out`
    /// holds after the call, whatever it returned (see the [module docs](self)).
    ///
    /// It asks `out` only for the room it may use in this call: 2 bytes to answer a greeting
    /// (12 when more bytes follow the greeting in `input`, for the reply to a failure of the
    /// next message), or the length of the error reply of a message it fails (2 for RFC 1929,
    /// 8 for SOCKS4, 10 for a SOCKS5 request or a JSON block). Nothing, when it only consumes
    /// or hands out an event. A `Vec<u8>` always has room; [`MAX_ADVANCE_OUTPUT`] bytes always
    /// suffice.
    ///
    /// # Errors
    ///
    /// - A protocol error ([`ErrorKind::Protocol`](crate::ErrorKind::Protocol),
    ///   [`Unsupported`](crate::ErrorKind::Unsupported)): its [reply](Error::reply), if any, has
    ///   been written to `out`. **Send `out`, then close** the connection.
    /// - [`Error::BufferTooSmall`]: `out` has less room than this call needs. Nothing was
    ///   written or consumed and the machine did not change: send `out` (or give it more room)
    ///   and call again with the same input.
    /// - [`Error::DecisionPending`] while a [`decide`](Self::decide) or [`reply`](Self::reply)
    ///   is due, [`Error::Failed`] after a failure: nothing written.
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
        // What to go back to when `out` is too small: the steps update the scan offsets and
        // the state before they find out that they have a reply to write.
        let saved = self.clone();
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
                Err(e) => {
                    let available = out.remaining_mut();
                    let needed = e.reply().len();
                    let too_small = matches!(e, Error::BufferTooSmall { .. });
                    // Nothing was consumed or written yet in this call: a greeting (the only
                    // message answered before another in one call) checks the room for the
                    // reply to the message that follows it.
                    debug_assert!(pos == 0 || !(too_small || available < needed));
                    if (too_small || available < needed) && pos == 0 {
                        *self = saved;
                        return Err(if too_small {
                            e
                        } else {
                            Error::BufferTooSmall { needed, available }
                        });
                    }
                    return Err(self.fail(e, out));
                }
            }
        }
    }

    /// Accepts (`true`) or rejects the credentials of the last [`Event::Credentials`].
    ///
    /// Accepting writes `01 00` for RFC 1929 (nothing for the JSON block and SOCKS4, whose
    /// answer is the request reply). Rejecting writes `01 01`, `05 13 ...` (JSON) or
    /// `00 5B ...` (SOCKS4) and returns [`Error::CredentialsRejected`]. Either way, send what
    /// `out` holds before acting on the result (see the [module docs](self)).
    ///
    /// # Errors
    ///
    /// - [`Error::CredentialsRejected`] when `accept` is `false`: the refusal has been written
    ///   to `out`. **Send `out`, then close.**
    /// - [`Error::BufferTooSmall`]: `out` has less room than this answer (at most
    ///   [`MAX_DECIDE_OUTPUT`] bytes). Nothing was written; send `out` and call again.
    /// - [`Error::NotPending`] when no credentials await a decision: nothing written.
    pub fn decide<B: BufMut>(&mut self, accept: bool, out: &mut B) -> Result<(), Error> {
        let State::Decide(kind) = self.state else {
            return Err(Error::NotPending {
                expected: "credentials",
            });
        };
        if !accept {
            let e = Error::CredentialsRejected { auth: kind };
            check_room(out, e.reply().len())?;
            return Err(self.fail(e, out));
        }
        match kind {
            AuthKind::UserPass => {
                check_room(out, 2)?;
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
    /// the peer connects. After a failure it is over ([`is_failed`](Self::is_failed)). Either
    /// way the reply is in `out`: send it before relaying or closing (see the
    /// [module docs](self)); the [`Event::Done`] that follows writes nothing more.
    ///
    /// # Errors
    ///
    /// - [`Error::BufferTooSmall`]: `out` has less room than the reply (at most
    ///   [`MAX_REPLY_OUTPUT`] bytes). Nothing was written and the request is still pending.
    /// - [`Error::NotPending`] when no request awaits a reply: nothing written.
    ///
    /// A failure `code` is not an error of this call: it returns `Ok` once the failure reply is
    /// in `out`, and the handshake is then failed.
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
        // The callers checked the room for the reply.
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
        let refuse = Error::NoAcceptableMethod {
            offered: offered.len(),
        };
        let Some(method) = self.policy.methods.choose(offered) else {
            return Err(refuse);
        };
        // What comes next, and the longest reply to a failure of it.
        let (next, need, next_reply) = match method {
            Method::USER_PASS => (State::UserPass, 3, 2),
            Method::JSON => (State::Json(ByteOrder::BigEndian), 4, 10),
            Method::LEGACY_JSON => (State::Json(self.policy.legacy_json_order), 4, 10),
            Method::NO_AUTH => (State::Request5, 5, 10),
            // `Methods` holds no other method (`Methods::new` and its `Deserialize` refuse
            // them); should one get through, answer `05 FF` (RFC 1928 section 3) rather than
            // select a method whose sub-negotiation this machine does not have.
            _ => return Err(refuse),
        };
        // When the client pipelined its next message, this call may also fail it: ask for the
        // room of that reply now, while nothing has been written or consumed.
        let room = if rest.len() > len { 2 + next_reply } else { 2 };
        check_room(out, room)?;
        out.put_slice(&[5, method.0]);
        self.method = Some(method);
        self.state = next;
        self.need = need;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Defence in depth: a `Methods` that holds a method the machine cannot run (which
    /// `Methods::new` and its `Deserialize` refuse to build) makes it answer `05 FF` and fail,
    /// never select the method and go on as if no authentication had been chosen.
    #[test]
    fn unrunnable_method_is_refused() {
        for (bad, greeting) in [
            (Method::GSSAPI, [5u8, 1, 1]),
            (Method::NO_ACCEPTABLE, [5, 1, 0xFF]),
            (Method(0x03), [5, 1, 3]),
        ] {
            let policy = Policy {
                methods: Methods {
                    list: [
                        bad,
                        Method::NO_ACCEPTABLE,
                        Method::NO_ACCEPTABLE,
                        Method::NO_ACCEPTABLE,
                    ],
                    len: 1,
                },
                ..Policy::default()
            };
            let mut hs = Handshake::new(policy);
            let mut input = greeting.to_vec();
            // What a client that believes it may skip authentication sends next.
            input.extend_from_slice(&[5, 1, 0, 1, 127, 0, 0, 1, 0, 9]);
            let mut out = Vec::new();
            let r = hs.advance(&input, &mut out);
            assert_eq!(r, Err(Error::NoAcceptableMethod { offered: 1 }), "{bad:?}");
            assert_eq!(out, [5, 0xFF], "{bad:?}");
            assert!(hs.is_failed());
            assert_eq!(hs.method(), None);
            assert_eq!(hs.advance(&input, &mut out), Err(Error::Failed));
        }
    }
}
