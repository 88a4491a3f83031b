//! The PT side: the lines a PT writes at startup, in the right order and on the right stream.
//!
//! [`Setup`] starts from the outcome of pt-env's negotiation: [`Setup::new`] with the agreed
//! version (the `VERSION` line), or [`Setup::failed`] with the error (its `VERSION-ERROR`,
//! `ENV-ERROR` or `PROXY-ERROR` line, on the stream and with the exit code of the dialect).
//! Then a client reports its proxy and methods with [`Setup::client`], a server its methods
//! with [`Setup::server`], and the `DONE` line closes the list. [`Setup::write`] puts each line
//! into the buffer of its stream.
//!
//! ```
//! use pt_ipc::pt::Setup;
//! use pt_ipc::{Cmethod, MethodError, Protocol};
//!
//! let version = pt_env::Version::V1;
//! let lines = Setup::new(&version).client(
//!     true, // TOR_PT_PROXY was set and will be used
//!     [
//!         Ok(Cmethod::new("obfs4", Protocol::Socks5, "127.0.0.1:37347".parse().unwrap())?),
//!         Err(MethodError::new("meek", "no such transport is supported")?),
//!     ],
//! );
//! let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
//! lines.write(&mut stdout, &mut stderr)?;
//! assert_eq!(
//!     String::from_utf8(stdout).unwrap(),
//!     "VERSION 1\nPROXY DONE\nCMETHOD obfs4 socks5 127.0.0.1:37347\n\
//!      CMETHOD-ERROR meek no such transport is supported\nCMETHODS DONE\n"
//! );
//! assert!(stderr.is_empty());
//! # Ok::<(), pt_ipc::Error>(())
//! ```

use alloc::vec::Vec;

use bytes::BufMut;
use pt_env::{Dialect, Stream};

use crate::{Cmethod, Error, Message, MethodError, Smethod};

/// A PT's startup lines (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setup<'a> {
    dialect: Dialect,
    lines: Vec<Message<'a>>,
    exit_code: Option<u8>,
}

impl<'a> Setup<'a> {
    /// The `VERSION` line of the negotiated version.
    pub fn new(version: &pt_env::Version<'_>) -> Setup<'static> {
        Setup {
            dialect: version.dialect(),
            lines: alloc::vec![Message::version(version)],
            exit_code: None,
        }
    }

    /// The line of a pt-env error: `VERSION-ERROR` from [`pt_env::Env::negotiate`] (pass
    /// `None`), or the `ENV-ERROR`/`PROXY-ERROR` of the config after `VERSION` (pass the
    /// dialect; the lines of `setup` come first). The PT must then exit with
    /// [`exit_code`](Self::exit_code).
    pub fn failed(
        setup: Option<Setup<'a>>,
        error: &pt_env::Error,
        dialect: Option<Dialect>,
    ) -> Setup<'a> {
        let mut lines = setup.map(|s| s.lines).unwrap_or_default();
        lines.push(Message::from_env_error(&error.line()));
        Setup {
            dialect: dialect.unwrap_or(match error.stream(None) {
                Stream::Stdout => Dialect::Pt1,
                Stream::Stderr => Dialect::Pt2,
            }),
            lines,
            exit_code: Some(error.exit_code(dialect)),
        }
    }

    /// A client's lines after `VERSION`: `PROXY DONE` when it will use the configured proxy,
    /// one `CMETHOD` or `CMETHOD-ERROR` per method, then `CMETHODS DONE`.
    pub fn client<I>(mut self, proxy_done: bool, methods: I) -> Setup<'a>
    where
        I: IntoIterator<Item = Result<Cmethod<'a>, MethodError<'a>>>,
    {
        if proxy_done {
            self.lines.push(Message::ProxyDone);
        }
        for m in methods {
            self.lines.push(match m {
                Ok(c) => Message::Cmethod(c),
                Err(e) => Message::CmethodError(e),
            });
        }
        self.lines.push(Message::CmethodsDone);
        self
    }

    /// A server's lines after `VERSION`: one `SMETHOD` or `SMETHOD-ERROR` per method, then
    /// `SMETHODS DONE`.
    pub fn server<I>(mut self, methods: I) -> Setup<'a>
    where
        I: IntoIterator<Item = Result<Smethod<'a>, MethodError<'a>>>,
    {
        for m in methods {
            self.lines.push(match m {
                Ok(s) => Message::Smethod(s),
                Err(e) => Message::SmethodError(e),
            });
        }
        self.lines.push(Message::SmethodsDone);
        self
    }

    /// The lines, in order.
    pub fn lines(&self) -> &[Message<'a>] {
        &self.lines
    }

    /// The exit status after an error line ([`failed`](Self::failed)), else `None`.
    pub fn exit_code(&self) -> Option<u8> {
        self.exit_code
    }

    /// The stream each line goes to in this dialect ([`Message::stream`]).
    pub fn streams(&self) -> impl Iterator<Item = (Stream, &Message<'a>)> + '_ {
        self.lines.iter().map(|m| (m.stream(self.dialect), m))
    }

    /// Writes every line into the buffer of its stream (stdout first in order), returning the
    /// bytes written. Fails with [`Error::BufferTooSmall`] if a buffer runs out of room (the
    /// lines before it were written).
    pub fn write(
        &self,
        stdout: &mut impl BufMut,
        stderr: &mut impl BufMut,
    ) -> Result<usize, Error> {
        let mut n = 0;
        for (stream, m) in self.streams() {
            n += match stream {
                Stream::Stdout => m.encode(stdout)?,
                Stream::Stderr => m.encode(stderr)?,
            };
        }
        Ok(n)
    }
}
