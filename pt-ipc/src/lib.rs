//! The stdout line protocol a Pluggable Transport speaks to its parent process
//! (`pt-spec.txt` section 3.3, and the PT 2.x additions), both ways, Sans-IO and `no_std`.
//!
//! A managed PT tells its parent (tor, Arti, a VPN, a test harness) what it launched by writing
//! lines: `VERSION 1`, `CMETHOD obfs4 socks5 127.0.0.1:37347`, `SMETHOD ... ARGS:cert=...`,
//! `LOG SEVERITY=... MESSAGE="..."`, `STATUS ...`, the `*-ERROR` lines and the `DONE` lines.
//! This crate parses and writes every one of them exactly, and tells a parent whether the PT
//! followed the protocol:
//!
//! - **Wire layer.** [`Message`] borrows the line: parsing allocates nothing unless a `LOG`
//!   message holds an escape. Keywords are matched whole (tor matches by prefix),
//!   the [`Config`] chooses the lenient reading (tor's: runs of spaces, a trailing `\r`, UTF-8)
//!   or the strict one (the spec's: single spaces, US-ASCII), and the PT dialect (PT 2.2's
//!   `LOG <LEVEL> <text>`, PT 2.x CMETHOD modes). Every value is checked when it is made, so
//!   [`Message::encode`] can only write a well-formed line, and `parse(encode(m)) == m`.
//!   [`cstring`] is the C string codec of `LOG`/`STATUS` values, [`KvLine`] their key/value
//!   grammar; SMETHOD `ARGS:` go through [`pt_args::smethod`].
//! - **Machines.** [`split::Splitter`] cuts a PT's output into lines in O(n) whatever the
//!   chunking, with a maximum line length. [`session::Session`] is the parent-side checker for
//!   a client or a server PT: fed bytes (or lines), it applies tor's rules and returns
//!   events: a method ready or failed, setup done, a log or status line, or the reason the PT
//!   failed. Both are driven like every machine of this workspace (pt-socks' `Handshake`):
//!   `advance(&input)` returns a [`Progress`] with the bytes consumed and one event, "need more
//!   input" is never an error, and nothing is re-scanned.
//! - **PT side.** [`pt::Setup`] turns a pt-env outcome and the PT's launched methods into the
//!   right lines in the right order.
//!
//! # Example: a parent reads a PT's stdout
//!
//! ```
//! use pt_ipc::session::{Event, Session};
//!
//! // What a client PT wrote (testdata/tor-client/main/pt-stdout.txt, shortened), arriving in
//! // two chunks.
//! let chunks: [&[u8]; 2] = [
//!     b"VERSION 1\nLOG SEVERITY=notice MESSAGE=\"fake pt star",
//!     b"ting\"\nCMETHOD fake5 socks5 127.0.0.1:45575\nCMETHODS DONE\n",
//! ];
//! let mut session = Session::client(&["1"], &["fake5"], false);
//! let mut buf = Vec::new();
//! let mut ready = Vec::new();
//! for chunk in chunks {
//!     buf.extend_from_slice(chunk);
//!     loop {
//!         let p = session.advance(&buf)?;
//!         let (consumed, stop) = match p.event {
//!             Event::NeedInput => (p.consumed, true),
//!             Event::MethodReady { method, .. } => {
//!                 ready.push((method.transport().to_owned(), method.addr()));
//!                 (p.consumed, false)
//!             }
//!             Event::Log(log) => {
//!                 assert_eq!(log.message(), b"fake pt starting");
//!                 (p.consumed, false)
//!             }
//!             Event::Done => (p.consumed, true),
//!             Event::Failed(why) => panic!("tor would kill this PT: {why}"),
//!             _ => (p.consumed, false),
//!         };
//!         buf.drain(..consumed);
//!         if stop {
//!             break;
//!         }
//!     }
//! }
//! assert!(session.is_done());
//! assert_eq!(ready, [("fake5".to_owned(), "127.0.0.1:45575".parse().unwrap())]);
//! # Ok::<(), pt_ipc::Error>(())
//! ```
//!
//! `pt-ipc/examples/read_stdout.rs` does the same for a file or standard input.
//!
//! # Where the references disagree
//!
//! For what tor, goptlib, Arti, the spec and the PT 2.x dispatcher each do, with their
//! sources, and the tests that pin our choice, see `docs/behaviours.md` in the repository.
//! Each bullet names its rows there, and the code cites rows as (behaviours: `row-id`).
//!
//! - **Keywords** are whole words, so `CMETHODX a b c` is unknown, where tor 0.4.9 matches by
//!   prefix (behaviours: `ipc-keyword-matching`).
//! - **Spacing.** Lenient: runs of spaces and a trailing `\r`, as tor; strict: the spec's
//!   single spaces (behaviours: `ipc-field-spacing`).
//! - **C strings.** tor's escapes; an unknown escape is an error under the strict policy (tor)
//!   and its byte under the lenient one (Arti); our encoder writes named escapes for `\n \r \t
//!   \" \\` and three octal digits otherwise (behaviours: `ipc-cstring-unknown-escape`,
//!   `ipc-cstring-encoder`).
//! - **STATUS** without `TRANSPORT` is accepted unless strict (behaviours:
//!   `ipc-status-transport-key`); **SMETHOD ARGS** are kept verbatim as tor publishes them
//!   (behaviours: `ipc-smethod-options`); **CMETHOD** fields after the address are reported
//!   (behaviours: `ipc-cmethod-extra-fields`).
//! - **Sessions** follow tor 0.4.9's verdicts on the recorded runs (behaviours:
//!   `ipc-session-rules`), including `PROXY DONE` checked only at `CMETHODS DONE`.
//!
//! # Features
//!
//! - `std` (default): nothing more than `alloc` today; the crate is `no_std` + `alloc`.
//! - `serde`: `Serialize`/`Deserialize` on the policy and token types.
//! - `arbitrary`: `Arbitrary` on [`Message`] (owned), generating only valid messages, so that
//!   `parse(encode(m)) == m` is a fuzzable property. Implies `std`.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(feature = "alloc"))]
compile_error!("pt-ipc needs the `alloc` feature (enabled by the default `std` feature)");

extern crate alloc;

/// A `[bool; 256]` of a byte predicate, built at compile time: the scanning predicates of the
/// nom grammars look their byte up in one (callgrind on the benchmark lines: a lookup took
/// about half the instructions of the range tests it replaces).
macro_rules! byte_table {
    (|$b:ident| $e:expr) => {{
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            let $b = i as u8;
            t[i] = $e;
            i += 1;
        }
        t
    }};
}

#[cfg(feature = "arbitrary")]
mod arbitrary_impls;
pub mod cstring;
mod error;
mod kvline;
mod message;
pub mod pt;
pub mod session;
pub mod split;
mod text;

pub use error::{CStringProblem, Error, KvProblem, Violation};
pub use kvline::KvLine;
pub use message::{
    Cmethod, Level, LevelLog, Log, Message, MethodError, Protocol, Severity, Smethod, Status,
    Unknown,
};
pub use pt_env::{Dialect, Stream};
pub use text::{Text, Token};

use thiserror as _;

/// How to read lines. The default is [`Config::LENIENT`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Config {
    /// The spec's reading: single spaces between fields, no trailing `\r`, US-ASCII only,
    /// tor's C string escapes only, `STATUS` with `TRANSPORT` (or `TYPE=version`), SMETHOD
    /// `ARGS:` that decode as Arti decodes them, names checked on `*-ERROR` lines.
    pub strict: bool,
    /// The negotiated dialect, which chooses the `LOG` grammar (PT 2.2 and later:
    /// `LOG <LEVEL> <text>`) and the CMETHOD protocols (PT 2.0 and later: the transparent and
    /// STUN modes).
    pub dialect: Dialect,
}

impl Config {
    /// tor's reading of PT 1.0 lines (the default).
    pub const LENIENT: Config = Config {
        strict: false,
        dialect: Dialect::Pt1,
    };
    /// The spec's reading of PT 1.0 lines.
    pub const STRICT: Config = Config {
        strict: true,
        dialect: Dialect::Pt1,
    };

    /// This config with [`strict`](Self::strict) set to `on`.
    pub const fn with_strict(mut self, on: bool) -> Self {
        self.strict = on;
        self
    }

    /// This config for `dialect`.
    ///
    /// ```
    /// use pt_ipc::{Config, Dialect, Message};
    /// let pt22 = Config::LENIENT.with_dialect(Dialect::Pt22);
    /// let Message::LevelLog(l) = Message::parse_with(b"LOG WARN disk almost full", pt22)? else {
    ///     unreachable!()
    /// };
    /// assert_eq!(l.text(), "disk almost full");
    /// # Ok::<(), pt_ipc::Error>(())
    /// ```
    pub const fn with_dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::LENIENT
    }
}

pub use pt_args::sansio::Progress;
