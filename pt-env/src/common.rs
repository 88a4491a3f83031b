//! The settings clients and servers share (`pt-spec.txt` section 3.2.1, PT 2.2's additions).

use core::net::{Ipv4Addr, Ipv6Addr};

use nom::Parser;
use nom::combinator::all_consuming;

use crate::addr::{bracketed_ipv6, ipv4, ipv6};
use crate::build::{ArgvOut, EnvOut};
use crate::env::Ctx;
use crate::error::{AddrProblem, Echo};
use crate::{Dialect, Error, Flag, FsPath, LogLevel, Mode, Origin, Var, Version};

/// What every PT reads, client or server.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Common<'a> {
    /// The negotiated version (write `VERSION <token>` first).
    pub version: Version<'a>,
    /// `TOR_PT_STATE_LOCATION` / `-state`, unchanged (tor's ends with `/`; it does not create
    /// the directory, the PT does). `None` only from PT 2.2 on, where it defaults to the
    /// current directory (behaviours: `env-state-location`).
    pub state_location: Option<FsPath<'a>>,
    /// `TOR_PT_EXIT_ON_STDIN_CLOSE=1` (only `1` counts; behaviours:
    /// `env-exit-on-stdin-close`) or `-exit-on-stdin-close`.
    pub exit_on_stdin_close: bool,
    /// `TOR_PT_OUTBOUND_BIND_ADDRESS_V4` (empty: unset).
    pub outbound_bind_v4: Option<Ipv4Addr>,
    /// `TOR_PT_OUTBOUND_BIND_ADDRESS_V6`, written in brackets (empty: unset; behaviours:
    /// `env-outbound-bind-address`).
    pub outbound_bind_v6: Option<Ipv6Addr>,
    /// `-ipcLogLevel` (PT 2.2; `None`: not given, which means `NONE`).
    pub ipc_log_level: Option<LogLevel>,
    /// `-mode`, or `-transparent`/`-udp` (PT 2.2; `None`: not given, which means `socks5`).
    pub mode: Option<Mode>,
}

impl<'a> Common<'a> {
    /// The common settings of a PT speaking `version` that keeps its state in `state`.
    pub fn new(version: Version<'a>, state: Option<FsPath<'a>>) -> Common<'a> {
        Common {
            version,
            state_location: state,
            exit_on_stdin_close: false,
            outbound_bind_v4: None,
            outbound_bind_v6: None,
            ipc_log_level: None,
            mode: None,
        }
    }

    /// The mode, `socks5` when none was given.
    pub fn mode(&self) -> Mode {
        self.mode.unwrap_or(Mode::Socks5)
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Common<'static> {
        Common {
            version: self.version.into_owned(),
            state_location: self.state_location.map(FsPath::into_owned),
            exit_on_stdin_close: self.exit_on_stdin_close,
            outbound_bind_v4: self.outbound_bind_v4,
            outbound_bind_v6: self.outbound_bind_v6,
            ipc_log_level: self.ipc_log_level,
            mode: self.mode,
        }
    }
}

fn bad_addr(origin: Origin, value: &[u8], problem: AddrProblem) -> Error {
    Error::InvalidAddress {
        origin,
        offset: 0,
        problem,
        value: Echo::new(value),
    }
}

pub(crate) fn parse<'a>(ctx: &Ctx<'_, 'a>, version: Version<'a>) -> Result<Common<'a>, Error> {
    let old = ctx.dialect < Dialect::Pt22;
    let state_location = match ctx.setting(Var::StateLocation, Flag::State)? {
        None if old => return Err(ctx.missing(Some(Var::StateLocation), Some(Flag::State))),
        None => None,
        Some((origin, v)) => {
            let p = FsPath::new(v);
            if old && !ctx.config.relative_state && !p.is_absolute() {
                return Err(Error::RelativePath {
                    origin,
                    value: Echo::new(v),
                });
            }
            Some(p)
        }
    };
    let exit_flag = ctx.flag_bool(Flag::ExitOnStdinClose).map(|b| {
        (
            Flag::ExitOnStdinClose,
            if b { &b"1"[..] } else { &b"0"[..] },
        )
    });
    let exit_on_stdin_close = ctx
        .pick(Some(Var::ExitOnStdinClose), exit_flag)?
        .is_some_and(|(_, v)| v == b"1");

    let v4_origin = Origin::Env(Var::OutboundBindAddressV4);
    let outbound_bind_v4 = match ctx.var(Var::OutboundBindAddressV4) {
        None => None,
        Some(v) => match all_consuming(ipv4).parse(v) {
            Ok((_, ip)) => Some(ip),
            Err(_) => {
                let problem = if all_consuming(bracketed_ipv6).parse(v).is_ok()
                    || all_consuming(ipv6).parse(v).is_ok()
                {
                    AddrProblem::WrongFamily
                } else {
                    AddrProblem::NotAnIp
                };
                return Err(bad_addr(v4_origin, v, problem));
            }
        },
    };
    let v6_origin = Origin::Env(Var::OutboundBindAddressV6);
    let outbound_bind_v6 = match ctx.var(Var::OutboundBindAddressV6) {
        None => None,
        Some(v) => match all_consuming(bracketed_ipv6).parse(v) {
            Ok((_, ip)) => Some(ip),
            Err(_) => match all_consuming(ipv6).parse(v) {
                Ok((_, ip)) if !ctx.config.strict => Some(ip),
                Ok(_) => return Err(bad_addr(v6_origin, v, AddrProblem::Unbracketed)),
                Err(_) if all_consuming(ipv4).parse(v).is_ok() => {
                    return Err(bad_addr(v6_origin, v, AddrProblem::WrongFamily));
                }
                Err(_) => return Err(bad_addr(v6_origin, v, AddrProblem::NotAnIp)),
            },
        },
    };

    let ipc_log_level = match ctx.flag(Flag::IpcLogLevel) {
        None => None,
        Some(v) => {
            Some(
                LogLevel::parse(v, ctx.config.strict).ok_or_else(|| Error::InvalidValue {
                    origin: Origin::Flag(Flag::IpcLogLevel),
                    value: Echo::new(v),
                    expected: LogLevel::EXPECTED,
                })?,
            )
        }
    };
    let mode = parse_mode(ctx)?;
    Ok(Common {
        version,
        state_location,
        exit_on_stdin_close,
        outbound_bind_v4,
        outbound_bind_v6,
        ipc_log_level,
        mode,
    })
}

/// `-mode`, or the dispatcher's legacy flags: `-transparent` is transparent-TCP, with `-udp`
/// transparent-UDP, `-udp` alone STUN (pt2 Dispatcher IPC section 1.7).
fn parse_mode(ctx: &Ctx<'_, '_>) -> Result<Option<Mode>, Error> {
    let transparent = ctx.flag_bool(Flag::Transparent);
    let udp = ctx.flag_bool(Flag::Udp);
    if let Some(v) = ctx.flag(Flag::Mode) {
        if let Some(legacy) = transparent
            .map(|_| Flag::Transparent)
            .or(udp.map(|_| Flag::Udp))
        {
            return Err(Error::Exclusive {
                first: Origin::Flag(Flag::Mode),
                second: Origin::Flag(legacy),
            });
        }
        return Mode::parse(v, ctx.config.strict)
            .map(Some)
            .ok_or_else(|| Error::InvalidValue {
                origin: Origin::Flag(Flag::Mode),
                value: Echo::new(v),
                expected: Mode::EXPECTED,
            });
    }
    Ok(match (transparent.unwrap_or(false), udp.unwrap_or(false)) {
        (false, false) => None,
        (true, false) => Some(Mode::TransparentTcp),
        (true, true) => Some(Mode::TransparentUdp),
        (false, true) => Some(Mode::Stun),
    })
}

fn unbuildable(what: &'static str, why: &'static str) -> Error {
    Error::Unbuildable { what, why }
}

/// Checks a socket address a builder writes: an IPv6 one with a scope id or a flow label cannot
/// be written as `<address>:<port>` (and a zone would be refused by the PT side).
pub(crate) fn check_addr(what: &'static str, a: core::net::SocketAddr) -> Result<(), Error> {
    match a {
        core::net::SocketAddr::V6(v6) if v6.scope_id() != 0 || v6.flowinfo() != 0 => {
            Err(unbuildable(
                what,
                "an IPv6 scope id or flow label has no place in <address>:<port>",
            ))
        }
        _ => Ok(()),
    }
}

/// Checks a path a builder writes: not empty, no NUL.
pub(crate) fn check_path(what: &'static str, p: &FsPath<'_>) -> Result<(), Error> {
    if p.as_bytes().is_empty() || p.as_bytes().contains(&0) {
        return Err(unbuildable(what, "the path is empty or holds a NUL byte"));
    }
    Ok(())
}

/// Checks the state location a builder writes for `dialect`.
fn check_state(c: &Common<'_>) -> Result<(), Error> {
    let old = c.version.dialect() < Dialect::Pt22;
    match &c.state_location {
        None if old => Err(unbuildable(
            "TOR_PT_STATE_LOCATION",
            "PT 1.0 to 2.1 require a state location",
        )),
        None => Ok(()),
        Some(p) => {
            check_path("TOR_PT_STATE_LOCATION", p)?;
            if old && !p.is_absolute() {
                return Err(unbuildable(
                    "TOR_PT_STATE_LOCATION",
                    "PT 1.0 to 2.1 require an absolute path",
                ));
            }
            Ok(())
        }
    }
}

/// Writes the common variables; refuses the flag-only settings.
pub(crate) fn put_env(c: &Common<'_>, out: &mut EnvOut) -> Result<(), Error> {
    check_state(c)?;
    if c.ipc_log_level.is_some() || c.mode.is_some() {
        return Err(unbuildable(
            "the environment",
            "-ipcLogLevel and -mode have no environment variable: use to_argv",
        ));
    }
    out.put(Var::ManagedTransportVer, c.version.token().as_bytes());
    if let Some(p) = &c.state_location {
        out.put(Var::StateLocation, p.as_bytes());
    }
    if c.exit_on_stdin_close {
        out.put(Var::ExitOnStdinClose, b"1");
    }
    if let Some(ip) = c.outbound_bind_v4 {
        out.put_display(Var::OutboundBindAddressV4, ip);
    }
    if let Some(ip) = c.outbound_bind_v6 {
        out.put_display(Var::OutboundBindAddressV6, crate::Host::Ip(ip.into()));
    }
    Ok(())
}

/// Writes the common flags; refuses what no flag carries.
pub(crate) fn put_argv(c: &Common<'_>, out: &mut ArgvOut) -> Result<(), Error> {
    check_state(c)?;
    if c.outbound_bind_v4.is_some() || c.outbound_bind_v6.is_some() {
        return Err(unbuildable(
            "the command line",
            "no flag carries the outbound bind addresses",
        ));
    }
    out.flag(Flag::PtVersion, c.version.token().as_bytes());
    if let Some(p) = &c.state_location {
        out.flag(Flag::State, p.as_bytes());
    }
    if c.exit_on_stdin_close {
        out.flag(Flag::ExitOnStdinClose, b"");
    }
    if let Some(l) = c.ipc_log_level {
        out.flag(Flag::IpcLogLevel, l.as_str().as_bytes());
    }
    if let Some(m) = c.mode {
        out.flag(Flag::Mode, m.as_str().as_bytes());
    }
    Ok(())
}
