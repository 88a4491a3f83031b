//! The `TOR_PT_*` environment of a managed Pluggable Transport, both directions, and the PT
//! 2.x/3.0 command line. Sans-IO: no `std::env`, no files, no process.
//!
//! A PT starts by reading its environment (`pt-spec.txt` section 3.2) and must answer with
//! exactly the right first line: `VERSION <v>`, or `VERSION-ERROR`, `ENV-ERROR`,
//! `PROXY-ERROR`. A parent (tor, Arti, a VPN, a test harness) must build that environment.
//! This crate does both:
//!
//! - **PT side.** [`Env`] collects the `TOR_PT_*` variables from any iterator of
//!   `(name, value)` byte pairs (names that are not `TOR_PT_*` are ignored) and, for PT 2.x/3.0,
//!   the flags of an argv ([`Env::with_argv`]). [`Env::negotiate`] picks the version,
//!   [`Env::config`] reads the rest into a [`ClientConfig`] or a [`ServerConfig`]
//!   ([`PtConfig`]); values borrow from your storage, [`PtConfig::into_owned`] copies them. Every
//!   [`Error`] knows its line ([`Error::line`]), and for PT 2.x its stream and sysexits code.
//! - **Parent side.** The same config types are the builders: [`ClientConfig::new`],
//!   [`ServerConfig::new`], `with_*` setters, then [`to_env`](ServerConfig::to_env) (tor's
//!   bytes: IPv6 in brackets, options escaped by [`pt_args::options`], an empty
//!   `TOR_PT_EXTENDED_SERVER_PORT`) or [`to_argv`](ServerConfig::to_argv). Builders refuse what
//!   a PT would reject, so `parse(build(x)) == x`.
//! - **Versions.** [`Dialect`]: `1` (PT 1.0); `2`, `2.0`, `2.1` (PT 2.0/2.1); `2.2`; `3.0`.
//!   The PT lists the ones it speaks in [`Config::dialects`]; the token is answered exactly as
//!   offered.
//!
//! The grammars (version list, `<address>:<port>`, the proxy URI, the bind-address list,
//! argv flags) are small nom parsers, one per rule, next to the spec text they implement;
//! [`pt_args`] checks transport names and reads `TOR_PT_SERVER_TRANSPORT_OPTIONS`.
//!
//! # Example: a PT's first lines
//!
//! ```
//! use pt_env::{Config, Env, PtConfig};
//!
//! // What tor 0.4.9.11 gave a client PT with `Socks5Proxy` and credentials set (the bytes of
//! // testdata/tor-client/cases/proxy-socks5-auth/pt-env.txt). From a real process:
//! // `let vars = pt_env::vars_os();` and `Env::from_pairs(&vars)`.
//! let vars = [
//!     ("TOR_PT_CLIENT_TRANSPORTS", "fake5"),
//!     ("TOR_PT_EXIT_ON_STDIN_CLOSE", "1"),
//!     ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
//!     ("TOR_PT_PROXY", "socks5://alice:s3cr:et@x@127.0.0.1:1080"),
//!     ("TOR_PT_STATE_LOCATION", "/srv/ptr/cases/proxy-socks5-auth/data/pt_state/"),
//! ];
//! let config = Config::DEFAULT;
//! let env = Env::from_pairs(&vars);
//! let mut stdout = Vec::new();
//! let version = match env.negotiate(&config) {
//!     Ok(v) => v,
//!     Err(e) => { e.line().write(&mut stdout)?; return Ok(()) } // then exit(e.exit_code(None))
//! };
//! version.write_line(&mut stdout)?;
//! match env.config(version, &config) {
//!     Ok(PtConfig::Client(c)) => {
//!         let proxy = c.proxy.as_ref().expect("tor set TOR_PT_PROXY");
//!         assert_eq!(proxy.auth.as_ref().unwrap().password.as_deref(), Some(&b"s3cr:et@x"[..]));
//!         stdout.extend_from_slice(b"PROXY DONE\n");
//!         for t in &c.transports {
//!             stdout.extend_from_slice(format!("CMETHOD {t} socks5 127.0.0.1:1080\n").as_bytes());
//!         }
//!         stdout.extend_from_slice(b"CMETHODS DONE\n");
//!     }
//!     Ok(PtConfig::Server(_)) => unreachable!(),
//!     Err(e) => { e.line().write(&mut stdout)?; } // then exit(e.exit_code(Some(dialect)))
//! }
//! assert_eq!(
//!     String::from_utf8(stdout).unwrap(),
//!     "VERSION 1\nPROXY DONE\nCMETHOD fake5 socks5 127.0.0.1:1080\nCMETHODS DONE\n"
//! );
//! # Ok::<(), pt_env::Error>(())
//! ```
//!
//! `pt-env/examples/minimal_pt.rs` is the same as a program, for the environment you give it:
//!
//! ```sh
//! TOR_PT_MANAGED_TRANSPORT_VER=1 TOR_PT_STATE_LOCATION=/tmp/x TOR_PT_CLIENT_TRANSPORTS=obfs4 \
//!     cargo run -p pt-env --example minimal_pt
//! ```
//!
//! # Where the references disagree
//!
//! For what tor, goptlib, Arti, obfs4proxy, snowflake, the PT specs and the PT 2.x dispatcher
//! each do, with their sources, and the tests that pin our choice, see `docs/behaviours.md` in
//! the repository. Each bullet names its rows there, and the code cites rows as
//! (behaviours: `row-id`).
//!
//! - **Order of the first lines.** `VERSION` first, then any `ENV-ERROR`, as goptlib and the
//!   spec's workflow do; obfs4proxy and snowflake check the state location before the version
//!   (behaviours: `env-check-order`).
//! - **Versions.** Any well-formed list is accepted and tokens compare exactly, untrimmed; the
//!   newest supported dialect wins and its token is answered as offered; from PT 2.2 on, no
//!   list means the newest version (behaviours: `env-version-negotiation`,
//!   `env-version-list-malformed`).
//! - **Client or server.** obfs4proxy's rule (both set: `ENV-ERROR`); neither set is our own
//!   `ENV-ERROR`, where obfs4proxy prints nothing (behaviours: `env-client-or-server`).
//! - **Messages.** goptlib's and obfs4proxy's wording where the problem is the same, pt-args'
//!   for the k=v problems it finds (behaviours: `env-error-wording`).
//! - **Empty and repeated variables.** Empty is unset (goptlib, tor's empty
//!   `TOR_PT_EXTENDED_SERVER_PORT`); a repeated name keeps its first value, as `getenv` does
//!   (behaviours: `env-empty-means-unset`, `env-duplicate-names`). Values are bytes
//!   (behaviours: `env-values-are-bytes`).
//! - **Transport names.** Checked as C identifiers, so `*` is an `ENV-ERROR`, where obfs4proxy
//!   and snowflake answer `CMETHOD-ERROR` (behaviours: `env-transport-names`).
//! - **The upstream proxy.** obfs4proxy's three schemes and IP hosts by default, goptlib's
//!   host names under [`Config::LENIENT`]; userinfo raw and split at the last `@`, as tor
//!   writes it; every refusal is a `PROXY-ERROR`, where obfs4proxy exits silently on some
//!   (behaviours: `env-proxy-schemes-and-hosts`, `env-proxy-userinfo-raw`,
//!   `env-proxy-fail-closed`).
//! - **Addresses.** goptlib's `resolveAddr`: brackets for IPv6, the pre-bug-7011 unbracketed
//!   form unless strict, port 0 (behaviours: `env-address-grammar`); outbound bind addresses
//!   (behaviours: `env-outbound-bind-address`).
//! - **Server variables.** BINDADDR optional (goptlib requires it), split at the first `-`,
//!   filtered by the transports; the Extended ORPort and its cookie (behaviours:
//!   `env-bindaddr`, `env-extended-server-port`); the state location and stdin rule
//!   (behaviours: `env-state-location`, `env-exit-on-stdin-close`); the options a builder
//!   writes (behaviours: `env-builder-options-escaping`).
//! - **PT 2.x/3.0.** Go flag syntax; flags win in 2.0/2.1, both is an error in 2.2, 3.0 reads
//!   flags only; the exclusive flag groups; options k=v or JSON by dialect; error lines on
//!   stderr with sysexits codes; `-mode` case (behaviours: `pt2-flag-syntax`,
//!   `pt2-flags-vs-env`, `pt2-exclusive-flags`, `pt2-options-format`,
//!   `pt2-error-streams-exit-codes`, `pt2-mode-case`).
//!
//! # Features
//!
//! - `std` (default): [`vars_os`] and [`from_env`] (which only collect
//!   `std::env::vars_os()` and call the core), [`FsPath::to_path_buf`]; everything else is
//!   `no_std`.
//! - `alloc`: required (transport lists, error messages, builders' output).
//! - `serde`: `Serialize`/`Deserialize` on the configs and their parts, and the typed helpers
//!   of [`JsonOptions`] (serde_json, with `alloc` only).
//! - `arbitrary`: `Arbitrary` on the configs and their parts, generating only what the
//!   builders accept, so that `parse(build(x)) == x` is a fuzzable property. Implies `std`.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(feature = "alloc"))]
compile_error!("pt-env needs the `alloc` feature (enabled by the default `std` feature)");

extern crate alloc;

mod addr;
#[cfg(feature = "arbitrary")]
mod arbitrary_impls;
mod argv;
mod bindaddr;
mod build;
mod client;
mod common;
mod config;
mod env;
mod error;
mod options;
mod proxy;
#[cfg(feature = "serde")]
mod serde_bytes;
mod server;
mod transports;
mod util;
mod vars;
mod version;

pub use addr::{Host, HostPort, MAX_HOST_NAME_LEN, parse_socket_addr};
pub use argv::{Argv, Flag, FlagSpec};
pub use bindaddr::BindAddr;
pub use build::EnvVars;
pub use client::ClientConfig;
pub use common::Common;
pub use config::{Config, LogLevel, Mode};
pub use env::{Env, Pair};
pub use error::{
    AddrProblem, BindAddrProblem, ECHO_MAX, EX_CONFIG, EX_UNAVAILABLE, EX_USAGE, EXIT_FAILURE,
    Echo, Error, ErrorLine, Keyword, Origin, ProxyProblem, Stream, Via,
};
#[cfg(feature = "serde")]
pub use options::JsonShape;
pub use options::{JsonOptions, TransportOptions};
pub use proxy::{MAX_SOCKS5_FIELD, Proxy, ProxyAuth, ProxyScheme};
pub use server::ServerConfig;
pub use vars::{FsPath, Var};
pub use version::{Dialect, Dialects, Version};

/// A PT's configuration: a client's or a server's.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PtConfig<'a> {
    /// `TOR_PT_CLIENT_TRANSPORTS` (or `-client`).
    Client(ClientConfig<'a>),
    /// `TOR_PT_SERVER_TRANSPORTS` (or `-server`).
    Server(ServerConfig<'a>),
}

impl<'a> PtConfig<'a> {
    /// The shared settings.
    pub fn common(&self) -> &Common<'a> {
        match self {
            PtConfig::Client(c) => &c.common,
            PtConfig::Server(s) => &s.common,
        }
    }

    /// The negotiated version.
    pub fn version(&self) -> &Version<'a> {
        &self.common().version
    }

    /// The client configuration, if this is one.
    pub fn as_client(&self) -> Option<&ClientConfig<'a>> {
        match self {
            PtConfig::Client(c) => Some(c),
            PtConfig::Server(_) => None,
        }
    }

    /// The server configuration, if this is one.
    pub fn as_server(&self) -> Option<&ServerConfig<'a>> {
        match self {
            PtConfig::Server(s) => Some(s),
            PtConfig::Client(_) => None,
        }
    }

    /// [`ClientConfig::to_env`] or [`ServerConfig::to_env`].
    pub fn to_env(&self) -> Result<EnvVars, Error> {
        match self {
            PtConfig::Client(c) => c.to_env(),
            PtConfig::Server(s) => s.to_env(),
        }
    }

    /// [`ClientConfig::to_argv`] or [`ServerConfig::to_argv`].
    pub fn to_argv(&self) -> Result<Argv, Error> {
        match self {
            PtConfig::Client(c) => c.to_argv(),
            PtConfig::Server(s) => s.to_argv(),
        }
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> PtConfig<'static> {
        match self {
            PtConfig::Client(c) => PtConfig::Client(c.into_owned()),
            PtConfig::Server(s) => PtConfig::Server(s.into_owned()),
        }
    }
}

/// Reads a PT's configuration from `(name, value)` pairs in one step:
/// [`Env::from_pairs`] then [`Env::parse`]. Use [`Env`] to write `VERSION` before a later
/// error's line, as the spec's workflow does.
///
/// ```
/// let vars = [
///     ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
///     ("TOR_PT_STATE_LOCATION", "/var/lib/tor/pt_state/"),
///     ("TOR_PT_SERVER_TRANSPORTS", "obfs4"),
///     ("TOR_PT_SERVER_BINDADDR", "obfs4-0.0.0.0:443"),
///     ("TOR_PT_ORPORT", "127.0.0.1:9001"),
///     ("TOR_PT_EXTENDED_SERVER_PORT", ""),
/// ];
/// let config = pt_env::parse(&vars, &pt_env::Config::DEFAULT)?;
/// let server = config.as_server().unwrap();
/// assert_eq!(server.bind_addr("obfs4"), Some("0.0.0.0:443".parse().unwrap()));
/// assert_eq!(server.ext_or_port, None); // empty is unset
/// # Ok::<(), pt_env::Error>(())
/// ```
pub fn parse<'a, I>(pairs: I, config: &Config) -> Result<PtConfig<'a>, Error>
where
    I: IntoIterator,
    I::Item: Pair<'a>,
{
    Env::from_pairs(pairs).parse(config)
}

/// The `TOR_PT_*` variables of this process, as bytes (`std::env::vars_os()`, nothing else).
///
/// On Unix names and values are the process's bytes. Elsewhere they are read as UTF-8 (on
/// Windows, from UTF-16) with any invalid sequence replaced by U+FFFD, so a path that is not
/// valid text there reaches the PT altered (behaviours: `env-values-are-bytes`).
#[cfg(feature = "std")]
pub fn vars_os() -> alloc::vec::Vec<(alloc::vec::Vec<u8>, alloc::vec::Vec<u8>)> {
    std::env::vars_os()
        .map(|(n, v)| (os_bytes(n), os_bytes(v)))
        .filter(|(n, _)| n.starts_with(b"TOR_PT_"))
        .collect()
}

#[cfg(feature = "std")]
fn os_bytes(s: std::ffi::OsString) -> alloc::vec::Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        s.into_vec()
    }
    #[cfg(not(unix))]
    {
        s.to_string_lossy().into_owned().into_bytes()
    }
}

/// This process's configuration: [`vars_os`], then [`parse`], copied out.
#[cfg(feature = "std")]
pub fn from_env(config: &Config) -> Result<PtConfig<'static>, Error> {
    let vars = vars_os();
    parse(&vars, config).map(PtConfig::into_owned)
}
