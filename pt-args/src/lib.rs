//! k=v argument lists of Tor Pluggable Transports, in all three escaping flavours.
//!
//! Pluggable Transports pass `key=value` arguments in three places, each with its own
//! separator and escaping rules, and the deployed implementations (tor, goptlib, Arti,
//! obfs4proxy) do not agree on them. This crate gives each flavour its own module, so they
//! are never mixed up, and documents which behaviour it follows where the references differ:
//!
//! | flavour | module | separator | written by | read by |
//! |---|---|---|---|---|
//! | SOCKS per-connection args (`pt-spec.txt` 3.5) | [`socks`] | `;` | the parent (tor, Arti) | the client PT |
//! | SMETHOD `ARGS:` (`pt-spec.txt` 3.3.3) | [`smethod`] | `,` | the server PT | the parent (extra-info) |
//! | `TOR_PT_SERVER_TRANSPORT_OPTIONS` (`pt-spec.txt` 3.2.3) | [`options`] | `;` with `transport:` prefixes | the parent | the server PT |
//!
//! plus torrc [`bridge`] lines, whose `k=v` items become the SOCKS arguments, and
//! [`TransportName`] (`pt-spec.txt` 3.1).
//!
//! Everything parses into [`Args`], an ordered multimap of **byte** keys and values (tor passes
//! a bridge line's arguments to the PT unchanged, whatever they hold) that keeps order and
//! duplicate keys, with `&str` accessors where the bytes are UTF-8. Every parser takes text
//! or bytes. An `Args` stores each pair as two byte ranges into the input (16 bytes a pair,
//! up to [`INLINE_PAIRS`] pairs inline) and allocates only to unescape a field that held a
//! backslash, so parsing typical arguments does not allocate. Encoders write into any
//! [`bytes::BufMut`] (a `Vec<u8>`, a `BytesMut`, a `&mut [u8]`) after checking it has room, and
//! report the exact length first with `encoded_len`. Nothing panics, and every parser is linear
//! in its input.
//!
//! # Example: from a bridge line to what the PT reads
//!
//! ```
//! use pt_args::{bridge::BridgeLine, socks};
//!
//! // The parent side: a bridge line as a user pastes it.
//! let line = BridgeLine::parse(
//!     "obfs4 192.0.2.1:80 5EDAC3B810E12B01F6FD8050D2FD3E277B289A08 \
//!      cert=2uplIpLQ0q9+0qMFrK5pkaYRDOe460LL9WHBvatgkuRr/SL31wBOEupaMMJ6koRE6Ld0ew iat-mode=0",
//! )?;
//! let wire = line.socks_args(); // what tor writes into the SOCKS username
//! assert_eq!(wire.len(), 86);
//! let fields = socks::to_rfc1929(&wire)?.expect("non-empty args");
//! assert_eq!(fields.passwd, b"\0"); // fits in UNAME: PASSWD is one NUL byte
//!
//! // The PT side: username and password back into arguments.
//! let args = socks::parse_rfc1929(fields.uname, fields.passwd, socks::Config::LENIENT)?;
//! assert_eq!(args.get("iat-mode"), Some("0"));
//! assert!(args.is_borrowed()); // no escapes, so nothing was copied
//! # Ok::<(), pt_args::Error>(())
//! ```
//!
//! # Where the references disagree
//!
//! For what tor, goptlib, Arti, obfs4proxy and the spec each do, with their sources, and the
//! tests that pin our choice, see `docs/behaviours.md` in the repository. Each bullet names its
//! rows there, and the code cites rows as (behaviours: `row-id`).
//!
//! - **SOCKS argument escaping.** The spec escapes `\ = ;`, tor only `\ ;`, Arti `=` in keys
//!   only: [`socks::Escaping::Spec`] (default) or [`socks::Escaping::Minimal`] for tor's bytes
//!   (behaviours: `socks-args-escape-set`, `socks-args-key-with-equals`). An unescaped `=` in a
//!   value is kept (behaviours: `socks-args-equals-in-value`).
//! - **Unknown SOCKS escapes.** goptlib accepts `\x` for any byte, obfs4proxy only `\\ \= \;`:
//!   [`socks::Config::LENIENT`] (default) or [`socks::Config::STRICT`] (behaviours:
//!   `socks-args-unknown-escape`).
//! - **RFC 1929 fields.** Up to 255 bytes get the NUL password where the spec says "less than
//!   255"; longer lists are cut at byte 255; PASSWD `00` means "no password" (behaviours:
//!   `rfc1929-nul-password-up-to-255`, `rfc1929-split-at-255`, `rfc1929-nul-password-marker`).
//! - **SMETHOD `ARGS:`.** The encoder also escapes `\`, as goptlib does, keeps pair order, and
//!   refuses bytes that would break the line; [`smethod::Config::strict`] rejects an unescaped
//!   `=` in a value as Arti does (behaviours: `smethod-args-escape-backslash`,
//!   `smethod-args-key-order`, `smethod-args-line-breaking-bytes`,
//!   `smethod-args-equals-in-value`, `smethod-args-pt2-semicolons`).
//! - **Server transport options.** The encoder also escapes `=` (the older spec text); the
//!   default decoder is goptlib's, [`options::Config::STRICT`] follows the spec (behaviours:
//!   `server-options-escape-equals`, `server-options-colon-in-value`,
//!   `server-options-transport-names`, `server-options-commas-not-separators`).
//! - **Bytes, not text.** tor passes arguments byte for byte; Arti takes only UTF-8. Every
//!   decoder takes bytes, `require_utf8` refuses the rest (behaviours: `socks-args-are-bytes`).
//!   The SOCKS encoders refuse NUL, which SOCKS cannot carry intact (behaviours:
//!   `socks-args-nul-unencodable`).
//! - **Bridge lines.** tor's item splitting (spaces and tabs only, items trimmed), its `k=v`
//!   item rule and its 510-byte limit on the escaped arguments (behaviours:
//!   `bridge-line-item-splitting`, `bridge-line-key-value-items`, `bridge-socks-args-510`).
//!
//! # Features
//!
//! - `std` (default): implies `alloc`; nothing else yet, the crate is `no_std` throughout.
//! - `alloc`: required (the crate needs a global allocator for unescaped strings); without
//!   `std`, enable it explicitly.
//! - `serde`: `Serialize`/`Deserialize` for [`Args`] (as a sequence of pairs),
//!   [`TransportName`] and the `Config` types.
//! - `arbitrary`: `Arbitrary` for [`Args`], [`TransportName`] and
//!   [`bridge::Fingerprint`]; implies `std`.
#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(not(feature = "alloc"))]
compile_error!("pt-args needs the `alloc` feature (enabled by the default `std` feature)");

extern crate alloc;

/// The setters every flavour's `Config` has (one shape for the three of them): expands inside
/// an `impl Config` whose struct has the fields `strict` and `require_utf8`.
macro_rules! config_setters {
    () => {
        /// This config with [`strict`](Self::strict) set to `on`.
        pub const fn with_strict(mut self, on: bool) -> Self {
            self.strict = on;
            self
        }

        /// This config with [`require_utf8`](Self::require_utf8) set to `on`.
        pub const fn with_require_utf8(mut self, on: bool) -> Self {
            self.require_utf8 = on;
            self
        }
    };
}
pub(crate) use config_setters;

mod args;
pub mod bridge;
mod error;
mod escape;
mod list;
pub mod name;
pub mod options;
pub mod sansio;
pub mod smethod;
pub mod socks;

pub use args::{Args, INLINE_PAIRS, Iter, MAX_INPUT};
pub use error::Error;
pub use name::TransportName;
