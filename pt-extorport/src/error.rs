//! The one error type of this crate, and what each error puts on the wire.

use crate::command::DENY_BYTES;

/// The auth status byte tor sends for a wrong client hash (`ext-orport-spec.txt` section 2.1;
/// tor's `ext_orport.c` `connection_ext_or_auth_send_result`).
const STATUS_FAILURE: [u8; 1] = [0];

/// What kind of failure an [`Error`] is, for callers that only need to tell them apart.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ErrorKind {
    /// The auth cookie file is not 64 bytes with the right header.
    CookieFile,
    /// The peer broke the protocol (a bad auth type, a bad USERADDR or TRANSPORT, an
    /// unexpected reply).
    Protocol,
    /// Authentication failed: a hash did not match, or the peer refused ours.
    AuthFailed,
    /// The connection was refused after authentication (DENY, by tor or by the caller).
    Refused,
    /// A value cannot be encoded, or an output buffer is too small.
    Encode,
    /// The machine was driven out of order (a decision is pending, the handshake is over).
    Usage,
}

/// What went wrong while reading a cookie file, authenticating, or exchanging commands.
///
/// Every error of a machine has had its wire consequence decided before it is returned:
/// [`reply`](Error::reply) gives the bytes the machine wrote into the caller's `out` buffer
/// just before (tor's `00` auth status, a DENY), and is empty when the right move is to close
/// without a word. Those bytes are still in `out` when the error is returned: **send `out`,
/// then close** (see [Sending what `out` holds](crate#sending-what-out-holds)). The variants
/// say "Reply in `out`" or "Close" for these consequences.
///
/// [`Error::BufferTooSmall`] and the usage errors write nothing and change nothing. No input,
/// however hostile, makes this crate panic.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The cookie file is empty (tor had not written it yet: goptlib re-reads it for each
    /// connection for this reason).
    #[error("the ExtORPort auth cookie file is empty")]
    CookieFileEmpty,
    /// The cookie file is shorter than 64 bytes.
    #[error("the ExtORPort auth cookie file has {len} bytes: expected 64")]
    CookieFileTooShort {
        /// Its length.
        len: usize,
    },
    /// The cookie file is longer than 64 bytes.
    #[error("the ExtORPort auth cookie file has {len} bytes: expected 64")]
    CookieFileTooLong {
        /// Its length.
        len: usize,
    },
    /// The cookie file does not start with `! Extended ORPort Auth Cookie !` and a line feed
    /// (compared in constant time, so no offset is given).
    #[error("the ExtORPort auth cookie file has the wrong header")]
    CookieFileBadHeader,

    /// PT side: the server's auth-type list ended without SAFE_COOKIE (type 1). Close: nothing
    /// was sent.
    #[error("the server offered {offered} auth types but not SAFE_COOKIE (1)")]
    NoSafeCookie {
        /// How many types the server offered.
        offered: usize,
    },
    /// PT side: 256 bytes of auth types without the `00` that ends the list (goptlib's limit).
    /// Close: nothing was sent.
    #[error("read 256 auth types without the 0x00 that ends the list")]
    TooManyAuthTypes,
    /// PT side: the server hash is wrong (compared in constant time), so the server does not
    /// know the cookie. Close: the client hash was **not** sent.
    #[error("the server hash does not match: the server does not know the cookie")]
    ServerHashMismatch,
    /// PT side: the server's auth status was not `01` (tor sends `00` for a wrong client hash,
    /// then closes). Close.
    #[error("the server rejected the authentication (status {status:#04x})")]
    AuthRejected {
        /// The status byte received.
        status: u8,
    },
    /// PT side: the server answered DONE with DENY. Close.
    #[error("the server answered DENY to our metadata")]
    Denied,
    /// PT side: the server answered DONE with a command a server does not send (DONE,
    /// USERADDR, TRANSPORT or CONTROL; unknown codes are skipped). Close.
    #[error("the server answered with command {code:#06x} instead of OKAY")]
    UnexpectedReply {
        /// The command code received.
        code: u16,
    },

    /// tor side: the client chose an auth type other than SAFE_COOKIE (1). Close without a
    /// reply, as tor does (`ext_orport.c` `connection_ext_or_auth_neg_auth_type`).
    #[error("the client chose auth type {found:#04x}: only SAFE_COOKIE (1) is supported")]
    UnsupportedAuthType {
        /// The byte received.
        found: u8,
    },
    /// tor side: the client hash is wrong (compared in constant time). Reply in `out` (send
    /// it, then close): the status byte `00`, as tor does.
    #[error("the client hash does not match: the client does not know the cookie")]
    ClientHashMismatch,
    /// tor side: a USERADDR body holds a NUL byte. Close without a reply, as tor does
    /// (`ext_orport.c` `connection_ext_or_handle_cmd_useraddr`).
    #[error("NUL byte at offset {offset} of a USERADDR body")]
    UserAddrNul {
        /// The offset of the NUL in the body.
        offset: usize,
    },
    /// tor side: a USERADDR body is not an IP literal with an optional port in 1-65535, the
    /// way tor reads it (behaviours: `extorport-useraddr-grammar`). Close without a reply.
    #[error("malformed USERADDR: {problem}")]
    BadUserAddr {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// tor side: a TRANSPORT body holds a NUL byte. Close without a reply, as tor does
    /// (`ext_orport.c` `connection_ext_or_handle_cmd_transport`).
    #[error("NUL byte at offset {offset} of a TRANSPORT body")]
    TransportNul {
        /// The offset of the NUL in the body.
        offset: usize,
    },
    /// tor side: a TRANSPORT body is not a C identifier (`pt_args::name::validate`). Close
    /// without a reply.
    #[error("the TRANSPORT name is not a C identifier (byte {offset})")]
    BadTransport {
        /// The offset of the first byte that breaks the rule.
        offset: usize,
    },
    /// tor side: the caller refused the connection. Reply in `out` (send it, then close):
    /// DENY `10 01 00 00`.
    #[error("the connection was refused (DENY)")]
    Refused,

    /// A command body is longer than the 65535 bytes its length field can say.
    #[error("a command body of {len} bytes: at most 65535 fit the length field")]
    BodyTooLong {
        /// The body's length.
        len: usize,
    },
    /// A transport name given to the PT-side machine is not a C identifier.
    #[error("transport name: {0}")]
    TransportName(#[from] pt_args::Error),
    /// The output buffer has less room than the message or the machine's step needs. Nothing
    /// was written, and a machine consumed nothing and did not change: send what `out` holds
    /// (or give it more room) and make the same call again.
    #[error("output buffer too small: need {needed} bytes, have {available}")]
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        available: usize,
    },

    /// A decision is pending: call [`server::Handshake::decide`](crate::server::Handshake::decide)
    /// before `advance` again. Nothing written.
    #[error("a decision is pending: answer DONE before calling advance again")]
    DecisionPending,
    /// `decide` was called when no DONE awaited an answer. Nothing written.
    #[error("no decision is pending")]
    NotPending,
    /// The handshake already failed; the connection should be closed. Nothing written.
    #[error("the handshake has already failed")]
    Failed,
}

impl Error {
    /// The bytes the machine wrote into the output buffer before it returned this error,
    /// which the driver must send before it closes: `00` for [`Error::ClientHashMismatch`],
    /// DENY for [`Error::Refused`]. Empty for every other error: close without a reply (or,
    /// for encoding and usage errors, nothing happened on the wire).
    pub fn reply(&self) -> &'static [u8] {
        match self {
            Error::ClientHashMismatch => &STATUS_FAILURE,
            Error::Refused => &DENY_BYTES,
            _ => &[],
        }
    }

    /// Whether the connection must be closed (after sending [`reply`](Error::reply)): true for
    /// every protocol, authentication and refusal error, false for the cookie-file, encoding
    /// and usage errors, which say nothing about a connection.
    pub fn closes(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Protocol | ErrorKind::AuthFailed | ErrorKind::Refused
        ) || matches!(self, Error::Failed)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::CookieFileEmpty
            | Error::CookieFileTooShort { .. }
            | Error::CookieFileTooLong { .. }
            | Error::CookieFileBadHeader => ErrorKind::CookieFile,
            Error::ServerHashMismatch | Error::AuthRejected { .. } | Error::ClientHashMismatch => {
                ErrorKind::AuthFailed
            }
            Error::Denied | Error::Refused => ErrorKind::Refused,
            Error::BodyTooLong { .. } | Error::TransportName(_) | Error::BufferTooSmall { .. } => {
                ErrorKind::Encode
            }
            Error::DecisionPending | Error::NotPending | Error::Failed => ErrorKind::Usage,
            _ => ErrorKind::Protocol,
        }
    }

    /// The byte offset of the problem in the command body, where there is one.
    pub fn offset(&self) -> Option<usize> {
        match *self {
            Error::UserAddrNul { offset }
            | Error::TransportNul { offset }
            | Error::BadTransport { offset } => Some(offset),
            _ => None,
        }
    }
}
