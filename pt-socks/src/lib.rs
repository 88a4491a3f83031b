//! SOCKS4/4a/5 and RFC 1929 for Pluggable Transports, Sans-IO: wire types and both handshakes.
//!
//! Every PT client is a SOCKS server that tor (or another parent) talks to, and receives its
//! per-connection arguments in the RFC 1929 username and password (or the SOCKS4 USERID). Every
//! PT behind `TOR_PT_PROXY` is a SOCKS or HTTP CONNECT client. This crate does both sides with no
//! I/O, no runtime and no allocation on the hot path, in `#![no_std]` + `alloc`.
//!
//! - **Wire layer**: [`socks5`] (RFC 1928 greeting, method selection, request, reply, UDP header),
//!   [`rfc1929`] (username/password), [`json`] (the PT 2.x parameter block, method `09`),
//!   [`socks4`] (SOCKS4 and 4a). Each type parses from a borrowed slice with [`Parse`] into
//!   [`Parsed::Complete`] (with the bytes used) or [`Parsed::Incomplete`] (with at least how many
//!   more bytes are needed), and encodes with [`Encode`] into any [`bytes::BufMut`] or a
//!   `&mut [u8]`, after checking the room, with [`Encode::encoded_len`].
//! - **Machines**: [`server::Handshake`] (what a PT client runs for tor) and
//!   [`client::Handshake`] (what a parent, or a PT behind an upstream proxy, runs), plus the
//!   [`http`] CONNECT client for `TOR_PT_PROXY=http://...`. They share one driving shape: pass the
//!   bytes you have, get back how many were consumed and one [`Progress::event`] to handle;
//!   whatever must be sent is written into your output buffer. "Need more bytes" is never an
//!   error, an incomplete message costs O(1) to re-check, and bytes after the handshake stay yours.
//! - **PT arguments**: [`server::Credentials::pt_args`] joins UNAME + PASSWD and parses them with
//!   [`pt_args::socks`]; [`client::Auth::from_pt_args`] splits them exactly as tor and Arti do
//!   (up to 255 bytes: PASSWD = one NUL byte; up to 510: split at byte 255).
//!
//! # Example: a SOCKS5 server handshake over an in-memory buffer
//!
//! The machines write what must be sent into `out`, including the reply to a message they
//! fail, before they return. So a driver sends whatever `out` holds after **every** call,
//! whatever the call returned, and only then looks at the result: a `?` before that would drop
//! the `05 FF` or `01 01` waiting in `out` (see the [`server`] module docs).
//!
//! ```
//! use pt_socks::server::{Event, Handshake, Policy};
//! use pt_socks::socks5::ReplyCode;
//!
//! // What tor writes to a PT's SOCKS port: greeting, RFC 1929 with the args, CONNECT, and
//! // (pipelined) the first bytes of the tunnelled data.
//! let mut inbuf: Vec<u8> = Vec::new();
//! inbuf.extend_from_slice(&[5, 2, 0, 2]);
//! inbuf.extend_from_slice(&[1, 10]);
//! inbuf.extend_from_slice(b"iat-mode=0");
//! inbuf.extend_from_slice(&[1, 0]);
//! inbuf.extend_from_slice(&[5, 1, 0, 1, 192, 0, 2, 1, 0x01, 0xbb]);
//! inbuf.extend_from_slice(b"\x16\x03\x01 TLS...");
//!
//! let mut hs = Handshake::new(Policy::default());
//! let mut out = Vec::new(); // what the machine wrote and we have not sent yet
//! let mut sent = Vec::new(); // what we sent back (a socket in a real driver)
//! let mut iat_mode = None;
//! loop {
//!     let result = hs.advance(&inbuf, &mut out);
//!     sent.append(&mut out); // 1. send `out`, whatever the call returned;
//!     let progress = result?; // 2. then act on the result (on an error: close).
//!     match progress.event {
//!         Event::NeedInput => unreachable!("everything is already in the buffer"),
//!         Event::Credentials(c) => {
//!             let args = c.pt_args(pt_args::socks::Config::LENIENT);
//!             let ok = match &args {
//!                 Ok(Some(args)) => { iat_mode = args.get("iat-mode").map(str::to_owned); true }
//!                 _ => false,
//!             };
//!             let result = hs.decide(ok, &mut out); // writes 01 00 (or 01 01 and fails)
//!             sent.append(&mut out);
//!             result?;
//!         }
//!         Event::Request(req) => {
//!             assert_eq!(req.target.to_string(), "192.0.2.1:443");
//!             // ... connect to the bridge, then:
//!             let result = hs.reply(ReplyCode::SUCCEEDED, None, &mut out);
//!             sent.append(&mut out); // the success reply goes out before any relayed byte
//!             result?;
//!         }
//!         Event::Done => {
//!             inbuf.drain(..progress.consumed);
//!             break;
//!         }
//!     }
//!     inbuf.drain(..progress.consumed);
//! }
//! assert_eq!(iat_mode.as_deref(), Some("0"));
//! assert_eq!(sent, [5, 2, 1, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
//! assert_eq!(inbuf, b"\x16\x03\x01 TLS..."); // pipelined data is never lost
//! # Ok::<(), pt_socks::Error>(())
//! ```
//!
//! # Where the references disagree
//!
//! For what tor, goptlib, Arti, obfs4proxy, the PT specs and the PT 2.x dispatcher each do,
//! with their sources, and the tests that pin our choice, see `docs/behaviours.md` in the
//! repository. Each bullet names its rows there, and the code cites rows as
//! (behaviours: `row-id`).
//!
//! - **Method preference.** tor offers `05 02 00 02` and silently drops the args if the server
//!   picks `00`, so the default [`server::Policy`] prefers user/pass, then `09`, then no-auth,
//!   as goptlib does. Psiphon prefers no-auth: reorder [`server::Policy::methods`] (behaviours:
//!   `socks5-method-preference`).
//! - **Empty RFC 1929 fields.** goptlib and obfs4proxy reply `01 01`; Arti accepts them. We
//!   accept them unless [`server::Policy::strict`] is set (behaviours: `rfc1929-empty-fields`).
//! - **RSV byte.** goptlib fails a non-zero RSV with `05 01`, Arti ignores it: we ignore it
//!   unless strict (behaviours: `socks5-rsv-byte`).
//! - **Bad request version.** A bad first byte closes without a reply; a bad version in the
//!   request after a SOCKS5 greeting gets goptlib's `05 01` (behaviours:
//!   `socks-bad-version-reply`).
//! - **Empty domain.** goptlib closes silently, obfs4proxy replies `05 01`: we reply
//!   (behaviours: `socks5-empty-domain`).
//! - **Bound address.** Every reply without an address uses `0.0.0.0:0` (goptlib, obfs4proxy,
//!   the dispatcher), not Arti's `[::]:0` for IPv6 requests (behaviours: `socks-bound-address`).
//! - **Pipelining.** goptlib and obfs4proxy fail when bytes follow a message; we hand them back
//!   (behaviours: `socks-pipelined-data`).
//! - **SOCKS4.** Every failure is `5B`, as Arti sends (behaviours: `socks4-reply-codes`); the PT
//!   args travel whole in USERID (behaviours: `socks4-userid-whole-args`).
//! - **PT args in RFC 1929.** Split and joined exactly as tor and Arti do (behaviours:
//!   `rfc1929-nul-password-up-to-255`, `rfc1929-split-at-255`, `rfc1929-nul-password-marker`).
//! - **Client greeting.** We offer only the method that carries the args; tor's `00 02` is
//!   [`client::Options::offer_no_auth`] (behaviours: `socks5-client-method-offer`).
//! - **Replies seen by the client.** tor does not check reply version bytes; neither do we
//!   unless [`client::Options::strict`] is set (behaviours: `socks-client-reply-leniency`).
//! - **A failure reply with an unknown address type.** tor and Arti fail on the address type
//!   before they look at REP; like the Go SOCKS5 client obfs4proxy uses for a `socks5://`
//!   proxy, we report the failure code REP carries (behaviours:
//!   `socks5-client-failure-reply-atyp`).
//! - **JSON block errors.** The PT 2.x codes `0x10`-`0x13` are sent as the REP byte of a SOCKS5
//!   reply, the only reading that fits the spec; the dispatcher just closes (behaviours:
//!   `pt2-json-block-framing`, `pt2-json-error-codes`).
//! - **HTTP proxy credentials.** tor writes the userinfo of `TOR_PT_PROXY` raw, so it is split
//!   at its first `:` and never percent-decoded (behaviours: `http-proxy-userinfo-raw`).
//! - **HTTP proxy responses.** The response head is read by RFC 9112's grammar (httparse),
//!   stricter than Go's `net/http` in obfs4proxy: `HTTP/1.2`, control bytes in the reason
//!   phrase and obs-fold lines are errors (behaviours: `http-connect-response-strictness`).
//!
//! # Features
//!
//! - `std` (default): [`socks5::ReplyCode::from_io_error_kind`]; everything else is `no_std`.
//! - `alloc`: required (owned forms and joined RFC 1929 arguments).
//! - `serde`: `Serialize`/`Deserialize` on the policies and the small wire enums. A
//!   deserialized policy is checked as one built in code is ([`server::Methods`] is a plain list
//!   of the methods the server can run).
//! - `arbitrary`: `Arbitrary` on every wire type, generating only valid values, so that
//!   `parse(encode(x)) == x` is a fuzzable property. Implies `std`.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(feature = "alloc"))]
compile_error!("pt-socks needs the `alloc` feature (enabled by the default `std` feature)");

extern crate alloc;

mod addr;
pub mod client;
mod error;
pub mod http;
pub mod json;
pub mod rfc1929;
pub mod server;
pub mod socks4;
pub mod socks5;
mod util;

pub use addr::{Domain, MAX_DOMAIN_LEN, Target};
pub use error::{AuthKind, Error, ErrorKind};

use core::fmt;

/// A SOCKS protocol version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Version {
    /// SOCKS4 and its 4a extension (host names).
    Socks4,
    /// SOCKS5 (RFC 1928).
    Socks5,
}

impl Version {
    /// The version byte (`04` or `05`).
    pub const fn byte(self) -> u8 {
        match self {
            Version::Socks4 => 4,
            Version::Socks5 => 5,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::Socks4 => "SOCKS4",
            Version::Socks5 => "SOCKS5",
        })
    }
}

pub use pt_args::sansio::Parsed;

/// Parsing a wire message from the start of a borrowed slice, with no copy.
pub trait Parse<'a>: Sized {
    /// Parses one message from the start of `input`; bytes after it are not looked at.
    fn parse(input: &'a [u8]) -> Result<Parsed<Self>, Error>;
}

/// Encoding a wire message.
pub trait Encode {
    /// The exact number of bytes [`encode`](Encode::encode) writes.
    fn encoded_len(&self) -> usize;

    /// Writes the message into `buf` and returns the bytes written. Fails, writing nothing,
    /// when the value cannot be encoded or `buf` has less room than
    /// [`encoded_len`](Encode::encoded_len).
    fn encode<B: bytes::BufMut>(&self, buf: &mut B) -> Result<usize, Error>;

    /// Writes the message at the start of `buf` and returns the bytes written.
    fn encode_to_slice(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut s = buf;
        self.encode(&mut s)
    }
}

pub use pt_args::sansio::Progress;
