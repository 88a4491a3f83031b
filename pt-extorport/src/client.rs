//! The PT side of the Extended ORPort: authenticate to tor, send USERADDR, TRANSPORT and DONE,
//! and wait for OKAY.
//!
//! Driven as every machine of this family is (see [Sending what `out` holds](crate#sending-what-out-holds)):
//! pass all the unconsumed bytes you have received to [`Handshake::advance`], send what it
//! wrote into `out`, drop [`Progress::consumed`] bytes from the front of your buffer, and
//! handle the [`Event`]:
//!
//! - [`Event::NeedInput`]: read more, call again;
//! - [`Event::Done`]: tor answered OKAY; the input after the consumed bytes (if any) is tor's
//!   first OR-protocol data, and from now on you relay.
//!
//! The steps (`ext-orport-spec.txt` sections 2.1 and 3; goptlib's `pt.go`
//! `extOrPortAuthenticate` and `extOrPortSetMetadata`):
//!
//! 1. read tor's auth-type list up to its `00` (at most 256 bytes; SAFE_COOKIE, type 1, must
//!    be in it) and send `01` and the client nonce;
//! 2. read ServerHash and ServerNonce, check ServerHash in constant time (on a mismatch fail
//!    at once, **without** sending ClientHash: the server does not know the cookie), and send
//!    ClientHash;
//! 3. read the status byte (`01` = success), then send USERADDR (if set), TRANSPORT (if set)
//!    and DONE;
//! 4. read tor's answer: OKAY ends the handshake, DENY and the commands only a PT sends are
//!    errors, and commands with unknown codes are skipped (the spec's MUST).
//!
//! The machine reports [`Event::Done`] only after OKAY: tor closes a connection that sends
//! data after DONE before OKAY (`ext_orport.c` `connection_ext_or_process_inbuf`; behaviours:
//! `extorport-no-data-before-okay`), so a PT must not relay before that.
//!
//! ```
//! use pt_extorport::client::{Event, Handshake};
//! use pt_extorport::Cookie;
//!
//! // tor's side of the `good` transcript in testdata/tor-server/main/extorport-transcripts.jsonl.
//! let cookie = Cookie::from_file(&hex("2120457874656e646564204f52506f7274204175746820436f6f6b\
//!     696520210a38b2696dec50ea5514a56292a2afb1d300528e465349154d532ef242dade24e9"))?;
//! let key = cookie.key();
//! let client_nonce: [u8; 32] = core::array::from_fn(|i| i as u8);
//! let tor = hex("0100\
//!     2328dd111939eaeca86ac3c1bd9a62d25d5c64f30a7e4b5efb162f1de09b790a\
//!     c3cb3870225fb862400a09b663117347582525b620c1697b363d60dc404cec8b\
//!     01 10000000");
//!
//! let mut hs = Handshake::new(&key, client_nonce)
//!     .with_useraddr("1.2.3.4:5678".parse().unwrap())
//!     .with_transport("fakes")?;
//! let (mut out, mut sent) = (Vec::new(), Vec::new());
//! let mut inbuf = Vec::new();
//! for &b in &tor {
//!     inbuf.push(b); // one byte per read
//!     let result = hs.advance(&inbuf, &mut out);
//!     sent.append(&mut out); // 1. send `out`, whatever the call returned;
//!     let p = result?; // 2. then act on the result (on an error: close).
//!     inbuf.drain(..p.consumed);
//!     if p.event == Event::Done {
//!         break;
//!     }
//! }
//! assert!(hs.is_done());
//! assert_eq!(sent.len(), 1 + 32 + 32 + 16 + 9 + 4);
//! assert_eq!(sent[65..], hex("0001000c312e322e332e343a35363738 0002000566616b6573 00000000"));
//! # fn hex(s: &str) -> Vec<u8> {
//! #     let s: String = s.split_whitespace().collect();
//! #     (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
//! # }
//! # Ok::<(), pt_extorport::Error>(())
//! ```

use bytes::BufMut;
use core::net::SocketAddr;

use crate::command::{self, Command, DONE_BYTES, HEADER_LEN, MAX_USERADDR_LEN, format_useraddr};
use crate::{
    AUTH_TYPE_SAFE_COOKIE, AuthKey, Error, HASH_LEN, MAX_AUTH_TYPES, NONCE_LEN, Parsed, Progress,
    check_room,
};

/// What the PT side writes before its metadata: `01`, the client nonce and ClientHash.
pub const MAX_AUTH_OUTPUT: usize = 1 + NONCE_LEN + HASH_LEN;

/// What the caller must do after [`Handshake::advance`], once it has sent what `out` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Call again when more bytes have arrived (after sending `out`: tor waits for it).
    NeedInput,
    /// tor answered OKAY: the handshake is over and the input after the consumed bytes is
    /// OR-protocol data. Send `out` before relaying: when tor's status and OKAY arrive in one
    /// read (a replay, a test), the call that returns `Done` also wrote the commands.
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    AuthTypes,
    ServerHash,
    Status,
    Reply,
    Done,
    Failed,
}

/// The PT side of the Extended ORPort handshake (see the [module docs](self)).
///
/// It borrows the [`AuthKey`] (make one per cookie with [`Cookie::key`](crate::Cookie::key))
/// and the transport name; the client nonce (32 random bytes) comes from the caller.
#[derive(Clone, Debug)]
pub struct Handshake<'a> {
    key: &'a AuthKey,
    client_nonce: [u8; NONCE_LEN],
    useraddr: [u8; MAX_USERADDR_LEN],
    useraddr_len: u8,
    has_useraddr: bool,
    transport: Option<&'a str>,
    state: State,
    /// Bytes of the current message needed before it is worth looking at again.
    need: usize,
    /// Auth types read so far (without the `00`).
    offered: usize,
    safe_cookie: bool,
}

impl<'a> Handshake<'a> {
    /// A handshake that will send DONE alone, waiting for tor's auth-type list.
    #[inline]
    pub fn new(key: &'a AuthKey, client_nonce: [u8; NONCE_LEN]) -> Self {
        Handshake {
            key,
            client_nonce,
            useraddr: [0; MAX_USERADDR_LEN],
            useraddr_len: 0,
            has_useraddr: false,
            transport: None,
            state: State::AuthTypes,
            need: 1,
            offered: 0,
            safe_cookie: false,
        }
    }

    /// Sends USERADDR with the client's address, as `1.2.3.4:5678` or `[1:2::3:4]:5678`
    /// (the spec's two forms; `ext-orport-spec.txt` section 3.2.1). An IPv6 scope id (`%3`)
    /// is not written: it is no part of those forms, and tor refuses it.
    ///
    /// Port 0 is written as `:0`, which tor refuses by closing the connection (an explicit
    /// port must be 1-65535; behaviours: `extorport-useraddr-grammar`): give the client's real
    /// port.
    #[inline]
    #[must_use]
    pub fn with_useraddr(mut self, addr: SocketAddr) -> Self {
        let len = format_useraddr(addr, &mut self.useraddr);
        self.useraddr_len = u8::try_from(len).unwrap_or(0);
        self.has_useraddr = true;
        self
    }

    /// Sends TRANSPORT with the name of the transport that carried the client.
    ///
    /// # Errors
    ///
    /// [`Error::TransportName`] unless `name` is a C identifier (tor closes the connection
    /// for any other name; [`pt_args::name::validate`]).
    #[inline]
    pub fn with_transport(mut self, name: &'a str) -> Result<Self, Error> {
        pt_args::name::validate(name.as_bytes())?;
        self.transport = Some(name);
        Ok(self)
    }

    /// Whether tor answered OKAY.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Whether the handshake failed.
    pub fn is_failed(&self) -> bool {
        self.state == State::Failed
    }

    /// The USERADDR, TRANSPORT and DONE commands' length.
    #[inline]
    fn metadata_len(&self) -> usize {
        let useraddr = if self.has_useraddr {
            HEADER_LEN + usize::from(self.useraddr_len)
        } else {
            0
        };
        let transport = self.transport.map_or(0, |t| HEADER_LEN + t.len());
        useraddr + transport + DONE_BYTES.len()
    }

    /// Everything this handshake writes, from start to end: `01`, the nonce, ClientHash,
    /// and the commands. An `out` with this much room never gets [`Error::BufferTooSmall`].
    pub fn max_output(&self) -> usize {
        MAX_AUTH_OUTPUT + self.metadata_len()
    }

    /// What is still to be written.
    #[inline]
    fn output_left(&self) -> usize {
        match self.state {
            State::AuthTypes => MAX_AUTH_OUTPUT + self.metadata_len(),
            State::ServerHash => HASH_LEN + self.metadata_len(),
            State::Status => self.metadata_len(),
            State::Reply | State::Done | State::Failed => 0,
        }
    }

    /// Processes `input` (every unconsumed byte received from tor) and writes what must be
    /// sent into `out`. Send what `out` holds after the call, whatever it returned (see the
    /// [module docs](self)).
    ///
    /// It asks `out` for room for everything still to be written in the handshake (at most
    /// [`max_output`](Self::max_output) bytes; a `Vec<u8>` always has it), so that a call that
    /// reads several of tor's messages at once can answer them all.
    ///
    /// # Errors
    ///
    /// - A protocol or authentication error ([`Error::NoSafeCookie`],
    ///   [`Error::TooManyAuthTypes`], [`Error::ServerHashMismatch`], [`Error::AuthRejected`],
    ///   [`Error::Denied`], [`Error::UnexpectedReply`]): send what `out` holds (the answers
    ///   to the messages before the bad one), then close.
    /// - [`Error::BufferTooSmall`]: nothing was written or consumed and the machine did not
    ///   change; send `out` (or give it more room) and call again.
    /// - [`Error::Failed`] after a failure: nothing written.
    #[inline]
    pub fn advance<B: BufMut>(
        &mut self,
        input: &[u8],
        out: &mut B,
    ) -> Result<Progress<Event>, Error> {
        // The O(1) re-check of an incomplete message.
        if input.len() < self.need {
            return Ok(Progress {
                consumed: 0,
                event: Event::NeedInput,
            });
        }
        self.advance_slow(input, out)
    }

    #[inline(never)]
    fn advance_slow<B: BufMut>(
        &mut self,
        input: &[u8],
        out: &mut B,
    ) -> Result<Progress<Event>, Error> {
        match self.state {
            State::Done => {
                return Ok(Progress {
                    consumed: 0,
                    event: Event::Done,
                });
            }
            State::Failed => return Err(Error::Failed),
            _ => {}
        }
        check_room(out, self.output_left())?;
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
                Ok(Step::Done(n)) => {
                    self.state = State::Done;
                    self.need = 0;
                    return Ok(Progress {
                        consumed: pos + n,
                        event: Event::Done,
                    });
                }
                Err(e) => {
                    self.state = State::Failed;
                    self.need = 0;
                    return Err(e);
                }
            }
        }
    }

    fn step<B: BufMut>(&mut self, rest: &[u8], out: &mut B) -> Result<Step, Error> {
        match self.state {
            State::AuthTypes => self.auth_types(rest, out),
            State::ServerHash => self.server_hash(rest, out),
            State::Status => self.status(rest, out),
            State::Reply => self.reply(rest),
            // advance() returns before stepping in any other state.
            State::Done | State::Failed => Err(Error::Failed),
        }
    }

    /// The auth-type list, read up to its `00` (goptlib's limit of 256 bytes).
    fn auth_types<B: BufMut>(&mut self, rest: &[u8], out: &mut B) -> Result<Step, Error> {
        for (i, &b) in rest.iter().enumerate() {
            if b == 0 {
                if !self.safe_cookie {
                    return Err(Error::NoSafeCookie {
                        offered: self.offered,
                    });
                }
                out.put_u8(AUTH_TYPE_SAFE_COOKIE);
                out.put_slice(&self.client_nonce);
                self.state = State::ServerHash;
                self.need = HASH_LEN + NONCE_LEN;
                return Ok(Step::Next(i + 1));
            }
            self.safe_cookie |= b == AUTH_TYPE_SAFE_COOKIE;
            self.offered += 1;
            if self.offered >= MAX_AUTH_TYPES {
                return Err(Error::TooManyAuthTypes);
            }
        }
        Ok(Step::Next(rest.len()))
    }

    /// ServerHash and ServerNonce: check the hash, send ClientHash.
    fn server_hash<B: BufMut>(&mut self, rest: &[u8], out: &mut B) -> Result<Step, Error> {
        let (Some(hash), Some(nonce)) = (
            rest.get(..HASH_LEN),
            rest.get(HASH_LEN..HASH_LEN + NONCE_LEN)
                .and_then(|n| <&[u8; NONCE_LEN]>::try_from(n).ok()),
        ) else {
            return Ok(Step::Need(HASH_LEN + NONCE_LEN));
        };
        if !self.key.verify_server_hash(&self.client_nonce, nonce, hash) {
            return Err(Error::ServerHashMismatch);
        }
        out.put_slice(&self.key.client_hash(&self.client_nonce, nonce));
        self.state = State::Status;
        self.need = 1;
        Ok(Step::Next(HASH_LEN + NONCE_LEN))
    }

    /// The auth status: on success, send the metadata.
    fn status<B: BufMut>(&mut self, rest: &[u8], out: &mut B) -> Result<Step, Error> {
        let Some(&status) = rest.first() else {
            return Ok(Step::Need(1));
        };
        if status != 1 {
            return Err(Error::AuthRejected { status });
        }
        if self.has_useraddr {
            let text = self
                .useraddr
                .get(..usize::from(self.useraddr_len))
                .unwrap_or_default();
            command::encode_raw(command::USERADDR, text, out)?;
        }
        if let Some(name) = self.transport {
            command::encode_raw(command::TRANSPORT, name.as_bytes(), out)?;
        }
        out.put_slice(&DONE_BYTES);
        self.state = State::Reply;
        self.need = HEADER_LEN;
        Ok(Step::Next(1))
    }

    /// tor's answer to DONE; unknown commands are skipped.
    fn reply(&mut self, rest: &[u8]) -> Result<Step, Error> {
        match Command::parse(rest) {
            Parsed::Incomplete { needed } => Ok(Step::Need(rest.len() + needed)),
            Parsed::Complete { value, len } => {
                self.need = HEADER_LEN;
                match value {
                    Command::Okay => Ok(Step::Done(len)),
                    Command::Deny => Err(Error::Denied),
                    Command::Unknown { .. } => Ok(Step::Next(len)),
                    other => Err(Error::UnexpectedReply { code: other.code() }),
                }
            }
        }
    }
}

/// What one state step did.
enum Step {
    /// Consumed this many bytes; go on.
    Next(usize),
    /// The current message needs this many bytes in total.
    Need(usize),
    /// Consumed this many bytes, the last of them OKAY.
    Done(usize),
}
