//! How to read a configuration ([`Config`]), and the PT 2.2 enumerated settings.

use core::fmt;

use crate::Dialects;

/// What to accept. The same shape as pt-args' configs: public fields, presets, `with_*`
/// setters. [`Config::DEFAULT`] is the default.
///
/// | | `DEFAULT` | `LENIENT` | `STRICT` |
/// |---|---|---|---|
/// | follows | obfs4proxy, the spec where tor is exact | goptlib | the spec |
/// | proxy host names (`socks5://localhost:1080`) | no | yes | no |
/// | unbracketed IPv6 `1:2::3:4:9999` (tor before bug 7011) | yes | yes | no |
/// | relative state location (PT 1.0 to 2.1) | no | yes | no |
/// | malformed version lists, cookie without ExtORPort, BINDADDR for other transports | tolerated | tolerated | refused |
/// | server transport options decoder | `options::Config::LENIENT` | `LENIENT` | `STRICT` |
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct Config {
    /// The dialects the PT supports (default: PT 1.0 only).
    pub dialects: Dialects,
    /// Accept a host name as the host of `TOR_PT_PROXY`, as goptlib does (obfs4proxy and the
    /// dispatcher require an IP literal; behaviours: `env-proxy-schemes-and-hosts`).
    pub proxy_host_names: bool,
    /// Accept an unbracketed IPv6 address in `<address>:<port>` values, the port after the last
    /// colon, as goptlib does for tor before bug 7011 (behaviours: `env-address-grammar`). Not
    /// in a proxy URI, where no reference takes it.
    pub legacy_ipv6: bool,
    /// Accept a relative `TOR_PT_STATE_LOCATION` in PT 1.0 to 2.1, where the spec says
    /// absolute; goptlib does not check (behaviours: `env-state-location`). PT 2.2 and later
    /// allow relative paths anyway.
    pub relative_state: bool,
    /// Refuse what the spec forbids although deployed PTs tolerate it: a malformed version
    /// list, `TOR_PT_AUTH_COOKIE_FILE` without `TOR_PT_EXTENDED_SERVER_PORT`, a BINDADDR entry
    /// for a transport not being launched, an unbracketed `..._V6` address, `-mode` and
    /// `-ipcLogLevel` values in another case.
    pub strict: bool,
    /// How `TOR_PT_SERVER_TRANSPORT_OPTIONS` (and a k=v `-options`) is decoded.
    pub options: pt_args::options::Config,
}

impl Config {
    /// obfs4proxy's checks, and the spec's where tor writes exactly what it says.
    pub const DEFAULT: Config = Config {
        dialects: Dialects::PT1,
        proxy_host_names: false,
        legacy_ipv6: true,
        relative_state: false,
        strict: false,
        options: pt_args::options::Config::LENIENT,
    };
    /// goptlib's acceptance: also proxy host names and relative state paths.
    pub const LENIENT: Config = Config {
        dialects: Dialects::PT1,
        proxy_host_names: true,
        legacy_ipv6: true,
        relative_state: true,
        strict: false,
        options: pt_args::options::Config::LENIENT,
    };
    /// The spec's rules.
    pub const STRICT: Config = Config {
        dialects: Dialects::PT1,
        proxy_host_names: false,
        legacy_ipv6: false,
        relative_state: false,
        strict: true,
        options: pt_args::options::Config::STRICT,
    };

    /// This config with [`dialects`](Self::dialects) set.
    pub const fn with_dialects(mut self, dialects: Dialects) -> Self {
        self.dialects = dialects;
        self
    }

    /// This config with [`proxy_host_names`](Self::proxy_host_names) set to `on`.
    pub const fn with_proxy_host_names(mut self, on: bool) -> Self {
        self.proxy_host_names = on;
        self
    }

    /// This config with [`legacy_ipv6`](Self::legacy_ipv6) set to `on`.
    pub const fn with_legacy_ipv6(mut self, on: bool) -> Self {
        self.legacy_ipv6 = on;
        self
    }

    /// This config with [`relative_state`](Self::relative_state) set to `on`.
    pub const fn with_relative_state(mut self, on: bool) -> Self {
        self.relative_state = on;
        self
    }

    /// This config with [`strict`](Self::strict) set to `on`.
    pub const fn with_strict(mut self, on: bool) -> Self {
        self.strict = on;
        self
    }

    /// This config with [`options`](Self::options) set.
    pub const fn with_options(mut self, options: pt_args::options::Config) -> Self {
        self.options = options;
        self
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::DEFAULT
    }
}

/// Looks `v` up among `names` (exactly, or ignoring ASCII case unless `strict`).
fn lookup<T: Copy>(v: &[u8], names: &[(&str, T)], strict: bool) -> Option<T> {
    names.iter().find_map(|(n, t)| {
        let hit = if strict {
            n.as_bytes() == v
        } else {
            n.as_bytes().eq_ignore_ascii_case(v)
        };
        hit.then_some(*t)
    })
}

/// The proxy mode of PT 2.2 (`-mode`, or the dispatcher's `-transparent`/`-udp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Mode {
    /// `socks5` (the default): a SOCKS5 listener.
    Socks5,
    /// `transparent-TCP` (legacy: `-transparent`).
    TransparentTcp,
    /// `transparent-UDP` (legacy: `-transparent -udp`).
    TransparentUdp,
    /// `STUN` (legacy: `-udp` alone).
    Stun,
}

impl Mode {
    const NAMES: [(&'static str, Mode); 4] = [
        ("socks5", Mode::Socks5),
        ("transparent-TCP", Mode::TransparentTcp),
        ("transparent-UDP", Mode::TransparentUdp),
        ("STUN", Mode::Stun),
    ];
    pub(crate) const EXPECTED: &'static str = "socks5, transparent-TCP, transparent-UDP or STUN";

    /// The token as the spec writes it (also the CMETHOD mode field).
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Socks5 => "socks5",
            Mode::TransparentTcp => "transparent-TCP",
            Mode::TransparentUdp => "transparent-UDP",
            Mode::Stun => "STUN",
        }
    }

    /// The mode `token` names: exactly as the dispatcher matches it when `strict`, ignoring
    /// ASCII case otherwise, as proposal 0009 says (behaviours: `pt2-mode-case`).
    pub fn parse(token: &[u8], strict: bool) -> Option<Mode> {
        lookup(token, &Mode::NAMES, strict)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `-ipcLogLevel` of PT 2.2: the least severe `LOG` line the PT writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum LogLevel {
    /// `NONE` (the default): no `LOG` lines.
    None,
    /// `ERROR`.
    Error,
    /// `WARN`.
    Warn,
    /// `INFO`.
    Info,
    /// `DEBUG`.
    Debug,
}

impl LogLevel {
    const NAMES: [(&'static str, LogLevel); 5] = [
        ("NONE", LogLevel::None),
        ("ERROR", LogLevel::Error),
        ("WARN", LogLevel::Warn),
        ("INFO", LogLevel::Info),
        ("DEBUG", LogLevel::Debug),
    ];
    pub(crate) const EXPECTED: &'static str = "NONE, ERROR, WARN, INFO or DEBUG";

    /// The token.
    pub const fn as_str(self) -> &'static str {
        match self {
            LogLevel::None => "NONE",
            LogLevel::Error => "ERROR",
            LogLevel::Warn => "WARN",
            LogLevel::Info => "INFO",
            LogLevel::Debug => "DEBUG",
        }
    }

    /// The level `token` names (exactly when `strict`, else ignoring ASCII case).
    pub fn parse(token: &[u8], strict: bool) -> Option<LogLevel> {
        lookup(token, &LogLevel::NAMES, strict)
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
