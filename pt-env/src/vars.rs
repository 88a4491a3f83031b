//! The `TOR_PT_*` variables (`pt-spec.txt` section 3.2) and the path values some of them hold.

use alloc::borrow::Cow;
use core::fmt;

/// A `TOR_PT_*` environment variable this crate reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Var {
    /// `TOR_PT_MANAGED_TRANSPORT_VER`: the versions the parent speaks (section 3.2.1).
    ManagedTransportVer,
    /// `TOR_PT_STATE_LOCATION`: where the PT keeps state.
    StateLocation,
    /// `TOR_PT_EXIT_ON_STDIN_CLOSE`: `1` when a closed stdin means "exit".
    ExitOnStdinClose,
    /// `TOR_PT_OUTBOUND_BIND_ADDRESS_V4`: the IPv4 source address for outgoing connections.
    OutboundBindAddressV4,
    /// `TOR_PT_OUTBOUND_BIND_ADDRESS_V6`: the IPv6 one, in brackets.
    OutboundBindAddressV6,
    /// `TOR_PT_CLIENT_TRANSPORTS`: the client transports to launch (section 3.2.2).
    ClientTransports,
    /// `TOR_PT_PROXY`: the upstream proxy URI.
    Proxy,
    /// `TOR_PT_SERVER_TRANSPORTS`: the server transports to launch (section 3.2.3).
    ServerTransports,
    /// `TOR_PT_SERVER_TRANSPORT_OPTIONS`: `transport:key=value;...`.
    ServerTransportOptions,
    /// `TOR_PT_SERVER_BINDADDR`: `transport-address:port,...`.
    ServerBindaddr,
    /// `TOR_PT_ORPORT`: where to forward plain traffic.
    Orport,
    /// `TOR_PT_EXTENDED_SERVER_PORT`: the Extended ORPort (empty when there is none).
    ExtendedServerPort,
    /// `TOR_PT_AUTH_COOKIE_FILE`: the Extended ORPort's cookie file.
    AuthCookieFile,
}

/// How many variables [`Var`] has.
pub(crate) const VAR_COUNT: usize = 13;

impl Var {
    /// Every variable, in the order the builders write them.
    pub const ALL: [Var; VAR_COUNT] = [
        Var::ManagedTransportVer,
        Var::StateLocation,
        Var::ExitOnStdinClose,
        Var::OutboundBindAddressV4,
        Var::OutboundBindAddressV6,
        Var::ClientTransports,
        Var::Proxy,
        Var::ServerTransports,
        Var::ServerTransportOptions,
        Var::ServerBindaddr,
        Var::Orport,
        Var::ExtendedServerPort,
        Var::AuthCookieFile,
    ];

    /// The variable's name.
    pub const fn name(self) -> &'static str {
        match self {
            Var::ManagedTransportVer => "TOR_PT_MANAGED_TRANSPORT_VER",
            Var::StateLocation => "TOR_PT_STATE_LOCATION",
            Var::ExitOnStdinClose => "TOR_PT_EXIT_ON_STDIN_CLOSE",
            Var::OutboundBindAddressV4 => "TOR_PT_OUTBOUND_BIND_ADDRESS_V4",
            Var::OutboundBindAddressV6 => "TOR_PT_OUTBOUND_BIND_ADDRESS_V6",
            Var::ClientTransports => "TOR_PT_CLIENT_TRANSPORTS",
            Var::Proxy => "TOR_PT_PROXY",
            Var::ServerTransports => "TOR_PT_SERVER_TRANSPORTS",
            Var::ServerTransportOptions => "TOR_PT_SERVER_TRANSPORT_OPTIONS",
            Var::ServerBindaddr => "TOR_PT_SERVER_BINDADDR",
            Var::Orport => "TOR_PT_ORPORT",
            Var::ExtendedServerPort => "TOR_PT_EXTENDED_SERVER_PORT",
            Var::AuthCookieFile => "TOR_PT_AUTH_COOKIE_FILE",
        }
    }

    /// The variable called `name` (case-sensitive, as environments are on Unix).
    ///
    /// ```
    /// use pt_env::Var;
    /// assert_eq!(Var::from_name(b"TOR_PT_ORPORT"), Some(Var::Orport));
    /// assert_eq!(Var::from_name(b"tor_pt_orport"), None);
    /// ```
    pub fn from_name(name: &[u8]) -> Option<Var> {
        let rest = name.strip_prefix(b"TOR_PT_")?;
        Var::ALL
            .into_iter()
            .find(|v| v.name().as_bytes().get(7..) == Some(rest))
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A file-system path as the parent passed it: bytes (Unix paths need not be UTF-8), borrowed
/// from the input. Creating or reading what it names is the caller's job.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct FsPath<'a>(
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_bytes"))] Cow<'a, [u8]>,
);

impl<'a> FsPath<'a> {
    /// Wraps a path given as bytes.
    pub fn new(path: &'a [u8]) -> FsPath<'a> {
        FsPath(Cow::Borrowed(path))
    }

    /// Wraps an owned path.
    pub fn from_vec(path: alloc::vec::Vec<u8>) -> FsPath<'static> {
        FsPath(Cow::Owned(path))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The path as text, if it is UTF-8.
    pub fn to_str(&self) -> Option<&str> {
        core::str::from_utf8(&self.0).ok()
    }

    /// Whether the path is absolute on Unix (`/...`) or Windows (`C:\...`, `C:/...`,
    /// `\\server\...`). The check is textual, whatever the platform this runs on.
    ///
    /// ```
    /// use pt_env::FsPath;
    /// assert!(FsPath::new(b"/var/lib/tor/pt_state/").is_absolute());
    /// assert!(FsPath::new(br"C:\tor\pt_state").is_absolute());
    /// assert!(!FsPath::new(b"pt_state").is_absolute());
    /// ```
    pub fn is_absolute(&self) -> bool {
        match self.0.as_ref() {
            [b'/', ..] | [b'\\', b'\\', ..] => true,
            [d, b':', b'\\' | b'/', ..] => d.is_ascii_alphabetic(),
            _ => false,
        }
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> FsPath<'static> {
        FsPath(Cow::Owned(self.0.into_owned()))
    }

    /// The path as a [`std::path::PathBuf`]: the bytes unchanged on Unix; elsewhere the
    /// bytes read as UTF-8, with any invalid sequence replaced by U+FFFD.
    #[cfg(feature = "std")]
    pub fn to_path_buf(&self) -> std::path::PathBuf {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            std::path::PathBuf::from(std::ffi::OsStr::from_bytes(&self.0))
        }
        #[cfg(not(unix))]
        {
            std::path::PathBuf::from(alloc::string::String::from_utf8_lossy(&self.0).into_owned())
        }
    }
}

impl fmt::Debug for FsPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FsPath(\"{}\")", self.0.escape_ascii())
    }
}

impl fmt::Display for FsPath<'_> {
    /// The path, with bytes that are not UTF-8 shown as U+FFFD.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            f.write_str(chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_str("\u{FFFD}")?;
            }
        }
        Ok(())
    }
}

impl<'a> From<&'a str> for FsPath<'a> {
    fn from(s: &'a str) -> Self {
        FsPath::new(s.as_bytes())
    }
}
