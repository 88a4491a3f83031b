//! tor's side of the Extended ORPort: offer SAFE_COOKIE, check the PT's hash, read its
//! commands, and answer DONE with OKAY or DENY.
//!
//! For a tor-like parent, or a test harness standing in for tor. Driven as every machine of
//! this family is (see [Sending what `out` holds](crate#sending-what-out-holds)): pass all
//! the unconsumed bytes you have received to [`Handshake::advance`] (the first call, with no
//! input, writes the auth-type list `01 00`), send what it wrote into `out`, drop
//! [`Progress::consumed`] bytes, and handle the [`Event`]:
//!
//! - [`Event::NeedInput`]: read more, call again;
//! - [`Event::UserAddr`], [`Event::Transport`], [`Event::Ignored`]: a command arrived (note
//!   it), call again;
//! - [`Event::Decide`]: the PT sent DONE; call [`Handshake::decide`], which writes OKAY or
//!   DENY;
//! - [`Event::Done`]: OKAY was written; the input after the consumed bytes is OR-protocol
//!   data.
//!
//! What it checks is what tor checks (`ext_orport.c`): the auth type must be 1, else the
//! connection closes without a reply; the client nonce is buffered until its 32 bytes are
//! there; a wrong ClientHash (compared in constant time) gets the status `00` and closes;
//! USERADDR must be an IP literal with an optional port
//! ([`command::parse_useraddr`](crate::command::parse_useraddr));
//! TRANSPORT a C identifier (a second one replaces the first); unknown commands are
//! skipped, as are OKAY, DENY and CONTROL sent by a PT.
//!
//! One choice differs from tor: tor closes a connection whose input holds more bytes when it
//! reads DONE (behaviours: `extorport-no-data-before-okay`); this machine hands them back
//! after [`Event::Done`], as every machine here does with pipelined bytes. A parent that wants
//! tor's rule closes when `input.len() > consumed` on [`Event::Decide`].
//!
//! ```
//! use pt_extorport::server::{Event, Handshake};
//! use pt_extorport::{Cookie, client};
//!
//! let key = Cookie::new([0x11; 32]).key();
//! let mut tor = Handshake::new(&key, [0x33; 32]);
//! let mut pt = client::Handshake::new(&key, [0x22; 32])
//!     .with_useraddr("192.0.2.7:41000".parse().unwrap())
//!     .with_transport("obfs4")?;
//!
//! // The two machines talk through two in-memory pipes.
//! let (mut to_pt, mut to_tor) = (Vec::new(), Vec::new());
//! let (mut addr, mut transport) = (None, String::new());
//! loop {
//!     let result = tor.advance(&to_tor, &mut to_pt);
//!     let p = result?; // `to_pt` is the "socket": it already holds what tor sent
//!     let consumed = p.consumed;
//!     let pt_turn = p.event == Event::NeedInput;
//!     match p.event {
//!         Event::NeedInput => {}
//!         Event::UserAddr(a) => addr = Some(a),
//!         Event::Transport(name) => transport = name.to_owned(), // borrowed from `to_tor`
//!         Event::Ignored(_) => {}
//!         Event::Decide { .. } => tor.decide(true, &mut to_pt)?,
//!         Event::Done => break,
//!     }
//!     to_tor.drain(..consumed); // once the event, which borrows the input, is handled
//!     if pt_turn {
//!         let p = pt.advance(&to_pt, &mut to_tor)?;
//!         to_pt.drain(..p.consumed);
//!     }
//! }
//! let p = pt.advance(&to_pt, &mut to_tor)?;
//! assert_eq!(p.event, client::Event::Done);
//! assert_eq!(addr, Some("192.0.2.7:41000".parse().unwrap()));
//! assert_eq!(transport, "obfs4");
//! # Ok::<(), pt_extorport::Error>(())
//! ```

use bytes::BufMut;
use core::net::SocketAddr;

use crate::command::{
    Command, DENY_BYTES, HEADER_LEN, OKAY_BYTES, check_transport, parse_useraddr,
};
use crate::{
    AUTH_TYPE_SAFE_COOKIE, AuthKey, Error, HASH_LEN, NONCE_LEN, Parsed, Progress, check_room,
};

/// The most bytes [`Handshake::advance`] writes in one call (and in all its calls together):
/// the auth-type list `01 00`, ServerHash and ServerNonce, and the status byte.
pub const MAX_ADVANCE_OUTPUT: usize = 2 + HASH_LEN + NONCE_LEN + 1;

/// The most bytes [`Handshake::decide`] writes: OKAY or DENY, `10 0X 00 00`.
pub const MAX_DECIDE_OUTPUT: usize = 4;

/// The auth-type list tor sends: SAFE_COOKIE, then the `00` that ends the list.
const AUTH_TYPES: [u8; 2] = [AUTH_TYPE_SAFE_COOKIE, 0];

/// What the caller must do after [`Handshake::advance`], once it has sent what `out` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'i> {
    /// Call again when more bytes have arrived (after sending `out`: the PT waits for it).
    NeedInput,
    /// The PT sent a valid USERADDR: the address its client connected from. Port 0 means the
    /// PT gave none (tor accepts that with a warning). A later USERADDR replaces it.
    UserAddr(SocketAddr),
    /// The PT sent a valid TRANSPORT: the name of the transport, borrowed from the input. A
    /// later TRANSPORT replaces it (tor keeps the last one).
    Transport(&'i str),
    /// A command tor skips: an unknown code, or OKAY, DENY or CONTROL sent by the PT.
    Ignored(Command<'i>),
    /// The PT sent DONE: answer with [`Handshake::decide`].
    Decide {
        /// The last USERADDR, if any.
        useraddr: Option<SocketAddr>,
        /// Whether a TRANSPORT was received (tor records `<??>` when none was).
        transport: bool,
    },
    /// OKAY was written; the input after the consumed bytes is OR-protocol data.
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    AuthType,
    ClientNonce,
    ClientHash,
    Commands,
    Decide,
    Done,
    Failed,
}

/// tor's side of the Extended ORPort handshake (see the [module docs](self)).
///
/// It borrows the [`AuthKey`] (one per cookie, shared between connections); the server nonce
/// (32 random bytes) comes from the caller.
#[derive(Clone, Debug)]
pub struct Handshake<'k> {
    key: &'k AuthKey,
    server_nonce: [u8; NONCE_LEN],
    client_nonce: [u8; NONCE_LEN],
    state: State,
    /// Bytes of the current message needed before it is worth looking at again.
    need: usize,
    useraddr: Option<SocketAddr>,
    transport: bool,
}

impl<'k> Handshake<'k> {
    /// A new handshake; the first [`advance`](Self::advance) writes the auth-type list.
    #[inline]
    pub fn new(key: &'k AuthKey, server_nonce: [u8; NONCE_LEN]) -> Self {
        Handshake {
            key,
            server_nonce,
            client_nonce: [0; NONCE_LEN],
            state: State::Start,
            need: 0,
            useraddr: None,
            transport: false,
        }
    }

    /// The last valid USERADDR received.
    pub fn useraddr(&self) -> Option<SocketAddr> {
        self.useraddr
    }

    /// Whether the PT authenticated (its ClientHash was right).
    pub fn is_authenticated(&self) -> bool {
        matches!(self.state, State::Commands | State::Decide | State::Done)
    }

    /// Whether OKAY was written.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Whether the handshake failed or was refused.
    pub fn is_failed(&self) -> bool {
        self.state == State::Failed
    }

    #[inline]
    fn output_left(&self) -> usize {
        match self.state {
            State::Start => MAX_ADVANCE_OUTPUT,
            State::AuthType | State::ClientNonce => HASH_LEN + NONCE_LEN + 1,
            State::ClientHash => 1,
            _ => 0,
        }
    }

    /// Processes `input` (every unconsumed byte received from the PT) and writes what must be
    /// sent into `out`: the auth-type list, ServerHash and ServerNonce, the status byte. Send
    /// what `out` holds after the call, whatever it returned (see the [module docs](self)).
    ///
    /// It asks `out` for room for all that is still to come ([`MAX_ADVANCE_OUTPUT`] bytes at
    /// first, nothing once the PT is authenticated).
    ///
    /// # Errors
    ///
    /// - [`Error::ClientHashMismatch`]: `00` is in `out`. **Send `out`, then close.**
    /// - [`Error::UnsupportedAuthType`], [`Error::UserAddrNul`], [`Error::BadUserAddr`],
    ///   [`Error::TransportNul`], [`Error::BadTransport`]: close without a reply, as tor does
    ///   (after sending what `out` holds from earlier messages of the same call).
    /// - [`Error::BufferTooSmall`]: nothing was written or consumed and the machine did not
    ///   change; send `out` (or give it more room) and call again.
    /// - [`Error::DecisionPending`] while a [`decide`](Self::decide) is due, [`Error::Failed`]
    ///   after a failure: nothing written.
    #[inline]
    pub fn advance<'i, B: BufMut>(
        &mut self,
        input: &'i [u8],
        out: &mut B,
    ) -> Result<Progress<Event<'i>>, Error> {
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
            State::Decide => return Err(Error::DecisionPending),
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
                Ok(Step::Stop(n, event)) => {
                    return Ok(Progress {
                        consumed: pos + n,
                        event,
                    });
                }
                Err(e) => {
                    if let [status] = e.reply() {
                        out.put_u8(*status);
                    }
                    self.state = State::Failed;
                    self.need = 0;
                    return Err(e);
                }
            }
        }
    }

    /// Answers the DONE of the last [`Event::Decide`]: OKAY (`accept`) or DENY.
    ///
    /// # Errors
    ///
    /// - [`Error::Refused`] when `accept` is false: DENY `10 01 00 00` is in `out`. **Send
    ///   `out`, then close.**
    /// - [`Error::BufferTooSmall`]: `out` has less than [`MAX_DECIDE_OUTPUT`] bytes of room.
    ///   Nothing was written; send `out` and call again.
    /// - [`Error::NotPending`] when no DONE awaits an answer: nothing written.
    pub fn decide<B: BufMut>(&mut self, accept: bool, out: &mut B) -> Result<(), Error> {
        if self.state != State::Decide {
            return Err(Error::NotPending);
        }
        check_room(out, MAX_DECIDE_OUTPUT)?;
        if accept {
            out.put_slice(&OKAY_BYTES);
            self.state = State::Done;
            Ok(())
        } else {
            out.put_slice(&DENY_BYTES);
            self.state = State::Failed;
            Err(Error::Refused)
        }
    }

    fn step<'i, B: BufMut>(&mut self, rest: &'i [u8], out: &mut B) -> Result<Step<'i>, Error> {
        match self.state {
            State::Start => {
                out.put_slice(&AUTH_TYPES);
                self.state = State::AuthType;
                self.need = 1;
                Ok(Step::Next(0))
            }
            State::AuthType => match rest.first() {
                None => Ok(Step::Need(1)),
                Some(&AUTH_TYPE_SAFE_COOKIE) => {
                    self.state = State::ClientNonce;
                    self.need = NONCE_LEN;
                    Ok(Step::Next(1))
                }
                Some(&found) => Err(Error::UnsupportedAuthType { found }),
            },
            State::ClientNonce => {
                let Some(nonce) = rest.get(..NONCE_LEN) else {
                    return Ok(Step::Need(NONCE_LEN));
                };
                self.client_nonce.copy_from_slice(nonce);
                out.put_slice(&self.key.server_hash(&self.client_nonce, &self.server_nonce));
                out.put_slice(&self.server_nonce);
                self.state = State::ClientHash;
                self.need = HASH_LEN;
                Ok(Step::Next(NONCE_LEN))
            }
            State::ClientHash => {
                let Some(hash) = rest.get(..HASH_LEN) else {
                    return Ok(Step::Need(HASH_LEN));
                };
                if !self
                    .key
                    .verify_client_hash(&self.client_nonce, &self.server_nonce, hash)
                {
                    return Err(Error::ClientHashMismatch);
                }
                out.put_u8(1);
                self.state = State::Commands;
                self.need = HEADER_LEN;
                Ok(Step::Next(HASH_LEN))
            }
            State::Commands => self.command(rest),
            // advance() returns before stepping in any other state.
            State::Decide | State::Done | State::Failed => Err(Error::Failed),
        }
    }

    fn command<'i>(&mut self, rest: &'i [u8]) -> Result<Step<'i>, Error> {
        let (cmd, len) = match Command::parse(rest) {
            Parsed::Complete { value, len } => (value, len),
            Parsed::Incomplete { needed } => return Ok(Step::Need(rest.len() + needed)),
        };
        self.need = HEADER_LEN;
        let event = match cmd {
            Command::Done => {
                self.state = State::Decide;
                self.need = 0;
                Event::Decide {
                    useraddr: self.useraddr,
                    transport: self.transport,
                }
            }
            Command::UserAddr(body) => {
                let addr = parse_useraddr(body)?;
                self.useraddr = Some(addr);
                Event::UserAddr(addr)
            }
            Command::Transport(body) => {
                let name = check_transport(body)?;
                self.transport = true;
                Event::Transport(name)
            }
            other => Event::Ignored(other),
        };
        Ok(Step::Stop(len, event))
    }
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
