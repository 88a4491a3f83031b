//! The one error type of this crate, and what each error puts on the wire.

use crate::Version;
use crate::socks5::Command;

/// SOCKS5 replies with BND = `0.0.0.0:0`, the form goptlib, obfs4proxy and the dispatcher send.
const fn r5(code: u8) -> [u8; 10] {
    [5, code, 0, 1, 0, 0, 0, 0, 0, 0]
}

const R5_GENERAL: [u8; 10] = r5(0x01);
const R5_COMMAND: [u8; 10] = r5(0x07);
const R5_ATYP: [u8; 10] = r5(0x08);
const R5_JSON_TOO_LARGE: [u8; 10] = r5(0x10);
const R5_JSON_PARSE: [u8; 10] = r5(0x12);
const R5_JSON_INVALID: [u8; 10] = r5(0x13);
const NO_METHOD: [u8; 2] = [5, 0xFF];
const AUTH_FAILED: [u8; 2] = [1, 1];
const R4_REJECTED: [u8; 8] = [0, 0x5B, 0, 0, 0, 0, 0, 0];

/// Which credentials a SOCKS server was asked to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AuthKind {
    /// RFC 1929 username and password (SOCKS5 method `02`).
    UserPass,
    /// The PT 2.x JSON parameter block (SOCKS5 method `09`, or the legacy `80`).
    Json,
    /// The SOCKS4 USERID.
    UserId,
}

/// What kind of failure an [`Error`] is, for callers that only need to tell them apart
/// (fail closed on [`AuthRejected`](ErrorKind::AuthRejected), retry elsewhere on
/// [`RequestFailed`](ErrorKind::RequestFailed), log [`Protocol`](ErrorKind::Protocol)).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The peer broke the protocol (bad version, bad length, unknown address type, ...).
    Protocol,
    /// Something the protocol allows but the policy or this implementation does not support.
    Unsupported,
    /// Credentials were refused (by the caller on the server side, by the proxy on the client
    /// side).
    AuthRejected,
    /// The proxy could not or would not reach the target (a SOCKS or HTTP failure code).
    RequestFailed,
    /// A value cannot be encoded, or an output buffer is too small.
    Encode,
    /// The machine was driven out of order (a decision is pending, the handshake is over).
    Usage,
}

/// What went wrong in a SOCKS or HTTP CONNECT handshake or while encoding a message.
///
/// Server-side protocol errors know their wire consequence: [`reply`](Error::reply) gives the
/// exact bytes the server machine wrote into the caller's `out` buffer before it returned the
/// error (empty when it closes without a reply). Those bytes are still in `out` when the error
/// is returned: **send `out`, then close**. A driver that returns on the error first (a `?`
/// straight after `advance` or `decide`) never sends them (see
/// [Sending what `out` holds](crate::server#sending-what-out-holds)). The variants below say
/// "Reply in `out`" for these bytes.
///
/// Client-side errors have no reply: the client just closes. [`Error::BufferTooSmall`] and the
/// usage errors write nothing. No input, however hostile, makes this crate panic.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The first byte of the connection was neither `04` nor `05`. No reply is sent
    /// (behaviours: `socks-bad-version-reply`).
    #[error("unknown SOCKS version {found:#04x} at byte 0: expected 0x04 or 0x05")]
    UnknownVersion {
        /// The byte received.
        found: u8,
    },
    /// The client speaks a SOCKS version the policy turned off. Reply in `out` (send it, then
    /// close): `00 5B ...` for SOCKS4 and `05 FF` for SOCKS5.
    #[error("{version} is disabled by the policy")]
    VersionDisabled {
        /// The version the client asked for.
        version: Version,
    },
    /// No method the client offered is acceptable (or it offered none). Reply in `out` (send it,
    /// then close): `05 FF`.
    #[error("none of the {offered} offered authentication methods is acceptable")]
    NoAcceptableMethod {
        /// How many methods the client offered.
        offered: usize,
    },
    /// The RFC 1929 sub-negotiation did not start with `01`. Reply in `out` (send it, then close):
    /// `01 01`, as goptlib does (its `socks_test.go` `TestRFC1929InvalidVersion`).
    #[error("bad RFC 1929 version {found:#04x} at byte 0: expected 0x01")]
    BadAuthVersion {
        /// The byte received.
        found: u8,
    },
    /// An RFC 1929 field was empty and the strict policy forbids it. Reply in `out` (send it, then
    /// close): `01 01` (behaviours: `rfc1929-empty-fields`).
    #[error("empty RFC 1929 {field}: the strict policy expects 1 to 255 bytes")]
    EmptyAuthField {
        /// `"UNAME"` or `"PASSWD"`.
        field: &'static str,
    },
    /// The caller rejected the credentials. Reply in `out` (send it, then close): `01 01` (RFC
    /// 1929), `00 5B ...` (SOCKS4 USERID) or `05 13 ...` (JSON block: "invalid or missing keys or
    /// values").
    #[error("credentials rejected ({auth:?})")]
    CredentialsRejected {
        /// Which credentials were rejected.
        auth: AuthKind,
    },
    /// The JSON parameter block had length 0 (the dispatcher rejects it). Reply in `out` (send it,
    /// then close): `05 12 ...` ("JSON parse error").
    #[error("empty JSON parameter block: expected at least 1 byte")]
    JsonEmpty,
    /// The JSON parameter block is longer than the policy allows. Reply in `out` (send it, then
    /// close): `05 10 ...` ("too large").
    #[error("JSON parameter block of {len} bytes: expected at most {max}")]
    JsonTooLong {
        /// The announced length.
        len: u32,
        /// The policy's maximum.
        max: u32,
    },
    /// A SOCKS5 request did not start with `05`. Reply in `out` (send it, then close): `05 01 ...`
    /// as goptlib does (behaviours: `socks-bad-version-reply`).
    #[error("bad SOCKS5 request version {found:#04x} at byte 0: expected 0x05")]
    BadRequestVersion {
        /// The byte received.
        found: u8,
    },
    /// The strict policy found a non-zero RSV byte in a request. Reply in `out` (send it, then
    /// close): `05 01 ...` (behaviours: `socks5-rsv-byte`).
    #[error("reserved byte {found:#04x} at byte 2: the strict policy expects 0x00")]
    NonZeroReserved {
        /// The byte received.
        found: u8,
    },
    /// The request's command is not CONNECT, BIND or UDP ASSOCIATE (SOCKS4: CONNECT or BIND).
    /// Reply in `out` (send it, then close): `05 07 ...` or `00 5B ...`.
    #[error("unsupported {version} command {command:#04x} at byte 1")]
    UnsupportedCommand {
        /// The protocol version of the request.
        version: Version,
        /// The command byte.
        command: u8,
    },
    /// The command is valid but the policy refuses it (BIND and UDP ASSOCIATE by default).
    /// Reply in `out` (send it, then close): `05 07 ...` or `00 5B ...`.
    #[error("{version} command {command:?} refused by the policy")]
    CommandRefused {
        /// The protocol version of the request.
        version: Version,
        /// The command.
        command: Command,
    },
    /// The address type is not 1, 3 or 4. Reply in `out` (send it, then close): `05 08 ...`.
    #[error("unsupported address type {atyp:#04x} at byte {offset}: expected 0x01, 0x03 or 0x04")]
    UnsupportedAddressType {
        /// The ATYP byte.
        atyp: u8,
        /// Its offset in the message.
        offset: usize,
    },
    /// A domain name of length 0. Reply in `out` (send it, then close): `05 01 ...` (as obfs4proxy
    /// does) or `00 5B ...` (behaviours: `socks5-empty-domain`).
    #[error("empty domain name in a {version} message")]
    EmptyDomain {
        /// The protocol version of the message.
        version: Version,
    },
    /// A SOCKS4 USERID or SOCKS4a host name is longer than the cap. Reply in `out` (send it, then
    /// close): `00 5B ...`.
    #[error("SOCKS4 {field} longer than {max} bytes")]
    FieldTooLong {
        /// `"USERID"` or `"HOST"`.
        field: &'static str,
        /// The cap.
        max: usize,
    },

    /// Client side: the proxy answered `05 FF`, none of the offered methods.
    #[error("the proxy accepts none of the offered authentication methods")]
    ProxyRefusedMethods,
    /// Client side: the proxy picked a method that was not offered (a protocol violation).
    #[error("the proxy selected method {method:#04x}, which was not offered")]
    UnexpectedMethod {
        /// The method byte received.
        method: u8,
    },
    /// Client side: the proxy refused the RFC 1929 credentials (status != 0).
    #[error("the proxy refused the credentials (status {status:#04x})")]
    ProxyRefusedAuth {
        /// The status byte received.
        status: u8,
    },
    /// Client side: the proxy could not or would not connect to the target.
    #[error("the {version} proxy failed the request with code {code:#04x}")]
    ProxyRequestFailed {
        /// The protocol version.
        version: Version,
        /// The REP byte (SOCKS5) or CD byte (SOCKS4, 0x5B-0x5D).
        code: u8,
    },
    /// Client side, strict: a reply's version byte was wrong (tor does not check it;
    /// behaviours: `socks-client-reply-leniency`).
    #[error("bad reply version {found:#04x}: expected {expected:#04x}")]
    BadReplyVersion {
        /// The byte received.
        found: u8,
        /// The byte expected.
        expected: u8,
    },

    /// HTTP CONNECT: the proxy answered with a non-2xx status.
    #[error("the HTTP proxy answered status {status}")]
    HttpStatus {
        /// The status code.
        status: u16,
    },
    /// HTTP CONNECT: the response head is not `HTTP/1.x SSS reason` plus header lines.
    #[error("malformed HTTP response at byte {offset}")]
    HttpMalformed {
        /// Offset of the problem in the response.
        offset: usize,
    },
    /// HTTP CONNECT: the response head is longer than the cap.
    #[error("HTTP response head longer than {max} bytes")]
    HttpHeadTooLong {
        /// The cap.
        max: usize,
    },

    /// A value cannot be put on the wire in this message (for example an IPv6 target in SOCKS4,
    /// a NUL byte in a USERID, a field longer than its length byte allows).
    #[error("cannot encode {what}")]
    Unencodable {
        /// What could not be encoded.
        what: &'static str,
    },
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
    /// PT arguments could not be split into or parsed from SOCKS fields.
    #[error("PT arguments: {0}")]
    Args(#[from] pt_args::Error),

    /// A decision (credentials or request reply) is pending: call it before `advance` again.
    #[error("a decision is pending: answer the last event before calling advance again")]
    DecisionPending,
    /// A decision method was called when the machine was not waiting for it.
    #[error("no {expected} decision is pending")]
    NotPending {
        /// The decision that was attempted.
        expected: &'static str,
    },
    /// The handshake already failed (or was refused); the connection should be closed.
    #[error("the handshake has already failed")]
    Failed,
}

impl Error {
    /// The bytes the server machine wrote into the output buffer before returning this error, which
    /// the driver must send before it closes: `05 FF`, `01 01`, `05 07 00 01 0.0.0.0:0`, `00 5B
    /// 0000 00000000`, ... Empty when the server closes without a reply (an unknown first byte;
    /// behaviours: `socks-bad-version-reply`), and for client-side, encoding and usage errors.
    pub fn reply(&self) -> &'static [u8] {
        use Version::{Socks4, Socks5};
        match self {
            Error::VersionDisabled { version: Socks4 } => &R4_REJECTED,
            Error::VersionDisabled { version: Socks5 } | Error::NoAcceptableMethod { .. } => {
                &NO_METHOD
            }
            Error::BadAuthVersion { .. } | Error::EmptyAuthField { .. } => &AUTH_FAILED,
            Error::CredentialsRejected { auth } => match auth {
                AuthKind::UserPass => &AUTH_FAILED,
                AuthKind::Json => &R5_JSON_INVALID,
                AuthKind::UserId => &R4_REJECTED,
            },
            Error::JsonEmpty => &R5_JSON_PARSE,
            Error::JsonTooLong { .. } => &R5_JSON_TOO_LARGE,
            Error::BadRequestVersion { .. } | Error::NonZeroReserved { .. } => &R5_GENERAL,
            Error::UnsupportedCommand { version, .. } | Error::CommandRefused { version, .. } => {
                match version {
                    Socks4 => &R4_REJECTED,
                    Socks5 => &R5_COMMAND,
                }
            }
            Error::UnsupportedAddressType { .. } => &R5_ATYP,
            Error::EmptyDomain { version } => match version {
                Socks4 => &R4_REJECTED,
                Socks5 => &R5_GENERAL,
            },
            Error::FieldTooLong { .. } => &R4_REJECTED,
            _ => &[],
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::VersionDisabled { .. }
            | Error::NoAcceptableMethod { .. }
            | Error::CommandRefused { .. }
            | Error::UnsupportedCommand { .. }
            | Error::UnsupportedAddressType { .. }
            | Error::JsonTooLong { .. }
            | Error::FieldTooLong { .. }
            | Error::ProxyRefusedMethods
            | Error::HttpHeadTooLong { .. } => ErrorKind::Unsupported,
            Error::CredentialsRejected { .. } | Error::ProxyRefusedAuth { .. } => {
                ErrorKind::AuthRejected
            }
            Error::ProxyRequestFailed { .. } => ErrorKind::RequestFailed,
            Error::HttpStatus { status } if *status == 407 => ErrorKind::AuthRejected,
            Error::HttpStatus { .. } => ErrorKind::RequestFailed,
            Error::Unencodable { .. } | Error::BufferTooSmall { .. } | Error::Args(_) => {
                ErrorKind::Encode
            }
            Error::DecisionPending | Error::NotPending { .. } | Error::Failed => ErrorKind::Usage,
            _ => ErrorKind::Protocol,
        }
    }
}
