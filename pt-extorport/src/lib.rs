//! The Extended ORPort between a server Pluggable Transport and tor, Sans-IO: the auth cookie
//! file, SAFE_COOKIE authentication on both sides, and the command codec.
//!
//! A server PT tells tor which address its client came from and which transport carried it by
//! connecting to tor's Extended ORPort (`TOR_PT_EXTENDED_SERVER_PORT`) instead of the plain
//! ORPort, proving it can read tor's cookie file (`TOR_PT_AUTH_COOKIE_FILE`), and sending
//! USERADDR, TRANSPORT and DONE (`ext-orport-spec.txt`). This crate does both ends with no I/O,
//! no RNG, no allocation, in `#![no_std]` + `alloc`:
//!
//! - [`Cookie`]: the 64-byte cookie file, read and written; [`AuthKey`]: HMAC-SHA256 keyed
//!   with the cookie once, computing and checking (in constant time) both SAFE_COOKIE hashes.
//! - [`client::Handshake`]: the PT side. [`server::Handshake`]: tor's side, for a tor-like
//!   parent or a test harness. Nonces come from the caller.
//! - [`Command`]: the `CMD | BODYLEN | BODY` framing, parsed incrementally from a borrowed
//!   slice and encoded into any [`bytes::BufMut`]; [`command::parse_useraddr`] and
//!   [`command::check_transport`] read USERADDR and TRANSPORT bodies as tor does.
//!
//! # Sending what `out` holds
//!
//! Both machines are driven the way `pt_socks::server::Handshake` is: pass the bytes you have,
//! get back how many were consumed and one event; whatever must be sent is written into your
//! `out` buffer, including the reply to a message the machine fails (tor's `00` status for a
//! wrong client hash, DENY) before the error is returned. So the one rule of a driver is:
//!
//! **after every call to `advance` or `decide`, send whatever `out` holds, whatever the call
//! returned, and only then act on the result** (relay on `Done`, close on an error).
//!
//! "Need more bytes" is never an error, an incomplete message is re-checked in O(1) (the
//! machine remembers how many bytes it needs), and bytes after the handshake stay yours.
//!
//! # Example: both sides over in-memory buffers
//!
//! ```
//! use pt_extorport::{Cookie, client, server};
//!
//! // tor writes the cookie file from 32 random bytes; the PT reads it.
//! let file = Cookie::new([0x11; 32]).to_file();
//! let key = Cookie::from_file(&file[..])?.key();
//!
//! let mut pt = client::Handshake::new(&key, [0x22; 32]) // the client nonce: random bytes
//!     .with_useraddr("198.51.100.7:50000".parse().unwrap())
//!     .with_transport("obfs4")?;
//! let mut tor = server::Handshake::new(&key, [0x33; 32]); // the server nonce
//!
//! let (mut pt_in, mut tor_in) = (Vec::new(), Vec::new()); // what each side received
//! let mut seen = Vec::new();
//! loop {
//!     // tor's turn: the first call sends `01 00`. (`pt_in` stands for the socket: what tor
//!     // writes is sent at once, so `?` loses nothing here.)
//!     let p = tor.advance(&tor_in, &mut pt_in)?;
//!     let (consumed, mut pt_turn) = (p.consumed, false);
//!     match p.event {
//!         server::Event::Decide { .. } => tor.decide(true, &mut pt_in)?, // OKAY
//!         server::Event::NeedInput => pt_turn = true,
//!         server::Event::Done => break,
//!         other => seen.push(format!("{other:?}")), // a USERADDR or TRANSPORT
//!     }
//!     tor_in.drain(..consumed); // after the event, which borrows the input
//!     if pt_turn {
//!         let p = pt.advance(&pt_in, &mut tor_in)?;
//!         pt_in.drain(..p.consumed);
//!     }
//! }
//! assert_eq!(pt.advance(&pt_in, &mut tor_in)?.event, client::Event::Done);
//! assert_eq!(seen, ["UserAddr(198.51.100.7:50000)", "Transport(\"obfs4\")"]);
//! # Ok::<(), pt_extorport::Error>(())
//! ```
//!
//! # Where the references disagree
//!
//! For what tor, goptlib, obfs4proxy and the spec each do, with sources and the tests that pin
//! our choice, see `docs/behaviours.md` in the repository (the code cites rows as
//! (behaviours: `row-id`)).
//!
//! - **USERADDR without a port, or with port 0.** The spec knows only `IP:port`; tor accepts a
//!   missing port as port 0 (with a warning) but refuses an explicit `:0`; goptlib's tests send
//!   `0.0.0.0:0`. The server machine reads bodies exactly as tor does (behaviours:
//!   `extorport-useraddr-grammar`); the client machine writes the spec's `IP:port` form.
//! - **TRANSPORT.** Any C identifier of any length, not checked against the configured
//!   transports; a second TRANSPORT replaces the first, as in tor (behaviours:
//!   `extorport-transport-name`).
//! - **Data after DONE.** tor closes when more bytes follow DONE; the PT-side machine reports
//!   `Done` only after OKAY, and the tor-side machine hands such bytes back (behaviours:
//!   `extorport-no-data-before-okay`).
//! - **Replies other than OKAY.** goptlib fails on anything but OKAY; the spec says unknown
//!   codes MUST be ignored, so the PT-side machine skips them and fails on DENY and on the
//!   codes only a PT sends (behaviours: `extorport-client-reply`).
//! - **Cookie file.** Exactly 64 bytes, header compared in constant time; empty, short, long
//!   and wrong-header files are four errors, as in goptlib (behaviours:
//!   `extorport-cookie-file`).
//!
//! # Features
//!
//! - `std` (default): nothing more than `alloc` today (`core::error::Error` is implemented
//!   either way).
//! - `alloc`: required.
//! - `serde`: `Serialize`/`Deserialize` on [`ErrorKind`].
//! - `arbitrary`: `Arbitrary` on [`Command`] (generating only valid commands, so that
//!   `parse(encode(x)) == x` is a fuzzable property) and [`Cookie`]. Implies `std`.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(feature = "alloc"))]
compile_error!("pt-extorport needs the `alloc` feature (enabled by the default `std` feature)");

extern crate alloc;

pub mod client;
pub mod command;
mod cookie;
mod error;
pub mod server;

pub use command::Command;
pub use cookie::{AuthKey, Cookie};
pub use error::{Error, ErrorKind};

use bytes::BufMut;

/// Length of the cookie (`ext-orport-spec.txt` section 2.1.2).
pub const COOKIE_LEN: usize = 32;
/// The header of the cookie file: `! Extended ORPort Auth Cookie !` and a line feed.
pub const COOKIE_FILE_HEADER: &[u8; 32] = b"! Extended ORPort Auth Cookie !\n";
/// Length of the cookie file: the header, then the cookie.
pub const COOKIE_FILE_LEN: usize = 64;
/// Length of the client and server nonces.
pub const NONCE_LEN: usize = 32;
/// Length of ServerHash and ClientHash (HMAC-SHA256).
pub const HASH_LEN: usize = 32;
/// The SAFE_COOKIE auth type, the only one defined (section 2.1.1).
pub const AUTH_TYPE_SAFE_COOKIE: u8 = 1;
/// The most bytes of auth-type list the PT side reads before it gives up on the `00` that
/// ends it (goptlib's limit).
pub const MAX_AUTH_TYPES: usize = 256;
/// The HMAC message prefix of ServerHash (section 2.1.3).
pub const SERVER_HASH_CONST: &[u8] = b"ExtORPort authentication server-to-client hash";
/// The HMAC message prefix of ClientHash (section 2.1.3).
pub const CLIENT_HASH_CONST: &[u8] = b"ExtORPort authentication client-to-server hash";

pub use pt_args::sansio::Parsed;

pub use pt_args::sansio::Progress;

/// Fails with [`Error::BufferTooSmall`] unless `buf` has room for `needed` more bytes.
pub(crate) fn check_room(buf: &impl BufMut, needed: usize) -> Result<(), Error> {
    let available = buf.remaining_mut();
    if available < needed {
        Err(Error::BufferTooSmall { needed, available })
    } else {
        Ok(())
    }
}
