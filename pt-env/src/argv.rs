//! The PT 2.x/3.0 command line: Go `flag` package syntax (pt2 Dispatcher IPC section 1).
//!
//! The rules, as Go's `flag.FlagSet.Parse` applies them (behaviours: `pt2-flag-syntax`):
//! `-name value` and `-name=value` for a flag that takes a value (the next argument is the
//! value even when it starts with `-`); `-name` and `-name=<bool>` for a boolean flag, whose
//! bare form never takes the next argument; `--name` is `-name`; `--` ends the flags and is
//! dropped; the first argument that is not a flag (`-` alone included) ends them and is kept
//! with the rest as positional arguments; a flag given twice keeps its last value; an unknown
//! flag is an error, so a PT declares its own with [`FlagSpec`].

use alloc::vec::Vec;
use core::fmt;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till1};
use nom::combinator::{opt, rest, verify};
use nom::sequence::preceded;
use nom::{IResult, Parser};

use crate::error::Echo;
use crate::{Env, Error};

/// A command-line flag of PT 2.0 to 3.0 (and the dispatcher's legacy `-transparent`/`-udp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Flag {
    /// `-ptversion`: the version list (`TOR_PT_MANAGED_TRANSPORT_VER`).
    PtVersion,
    /// `-state`: the state directory (`TOR_PT_STATE_LOCATION`).
    State,
    /// `-exit-on-stdin-close` (boolean; `TOR_PT_EXIT_ON_STDIN_CLOSE`).
    ExitOnStdinClose,
    /// `-ipcLogLevel`: `NONE`, `ERROR`, `WARN`, `INFO` or `DEBUG` (PT 2.2).
    IpcLogLevel,
    /// `-transports`: a comma-separated list (`TOR_PT_CLIENT_TRANSPORTS` /
    /// `TOR_PT_SERVER_TRANSPORTS`).
    Transports,
    /// `-transport`: one transport (PT 2.2), exclusive with `-transports`.
    Transport,
    /// `-options`: transport options (k=v in PT 2.0/2.1 text, JSON from PT 2.2).
    Options,
    /// `-optionsFile`: a file holding what `-options` would (PT 2.2); the path only.
    OptionsFile,
    /// `-mode`: `socks5`, `transparent-TCP`, `transparent-UDP` or `STUN` (PT 2.2).
    Mode,
    /// `-client` (boolean, PT 2.2).
    Client,
    /// `-server` (boolean, PT 2.2).
    Server,
    /// `-proxylistenaddr`: where the client listens (PT 2.2).
    ProxyListenAddr,
    /// `-proxylistenhost`, with `-proxylistenport`.
    ProxyListenHost,
    /// `-proxylistenport`, with `-proxylistenhost`.
    ProxyListenPort,
    /// `-proxy`: the upstream proxy (`TOR_PT_PROXY`).
    Proxy,
    /// `-bindaddr`: `transport-address:port,...` (`TOR_PT_SERVER_BINDADDR`).
    BindAddr,
    /// `-bindhost`, with `-bindport` and `-transport` (PT 2.2).
    BindHost,
    /// `-bindport`, with `-bindhost` and `-transport` (PT 2.2).
    BindPort,
    /// `-target`: the destination (`TOR_PT_ORPORT`; PT 2.0: also the client's).
    Target,
    /// `-targethost`, with `-targetport` (PT 2.2).
    TargetHost,
    /// `-targetport`, with `-targethost` (PT 2.2).
    TargetPort,
    /// `-orport`: the older name of `-target` on a server (up to PT 2.2.1).
    OrPort,
    /// `-extorport`: the Extended ORPort (`TOR_PT_EXTENDED_SERVER_PORT`).
    ExtOrPort,
    /// `-authcookie`: its cookie file (`TOR_PT_AUTH_COOKIE_FILE`).
    AuthCookie,
    /// `-transparent` (boolean, the dispatcher's legacy mode flag).
    Transparent,
    /// `-udp` (boolean, the dispatcher's legacy mode flag).
    Udp,
}

/// How many flags [`Flag`] has.
pub(crate) const FLAG_COUNT: usize = 26;

impl Flag {
    /// Every flag, in the order the argv builders write them.
    pub const ALL: [Flag; FLAG_COUNT] = [
        Flag::PtVersion,
        Flag::State,
        Flag::ExitOnStdinClose,
        Flag::IpcLogLevel,
        Flag::Transports,
        Flag::Transport,
        Flag::Options,
        Flag::OptionsFile,
        Flag::Mode,
        Flag::Client,
        Flag::Server,
        Flag::ProxyListenAddr,
        Flag::ProxyListenHost,
        Flag::ProxyListenPort,
        Flag::Proxy,
        Flag::BindAddr,
        Flag::BindHost,
        Flag::BindPort,
        Flag::Target,
        Flag::TargetHost,
        Flag::TargetPort,
        Flag::OrPort,
        Flag::ExtOrPort,
        Flag::AuthCookie,
        Flag::Transparent,
        Flag::Udp,
    ];

    /// The flag's name, without the dash (case-sensitive, as Go's).
    pub const fn name(self) -> &'static str {
        match self {
            Flag::PtVersion => "ptversion",
            Flag::State => "state",
            Flag::ExitOnStdinClose => "exit-on-stdin-close",
            Flag::IpcLogLevel => "ipcLogLevel",
            Flag::Transports => "transports",
            Flag::Transport => "transport",
            Flag::Options => "options",
            Flag::OptionsFile => "optionsFile",
            Flag::Mode => "mode",
            Flag::Client => "client",
            Flag::Server => "server",
            Flag::ProxyListenAddr => "proxylistenaddr",
            Flag::ProxyListenHost => "proxylistenhost",
            Flag::ProxyListenPort => "proxylistenport",
            Flag::Proxy => "proxy",
            Flag::BindAddr => "bindaddr",
            Flag::BindHost => "bindhost",
            Flag::BindPort => "bindport",
            Flag::Target => "target",
            Flag::TargetHost => "targethost",
            Flag::TargetPort => "targetport",
            Flag::OrPort => "orport",
            Flag::ExtOrPort => "extorport",
            Flag::AuthCookie => "authcookie",
            Flag::Transparent => "transparent",
            Flag::Udp => "udp",
        }
    }

    /// Whether the flag is boolean (present or `-flag=true|false`, never a next-argument
    /// value).
    pub const fn is_bool(self) -> bool {
        matches!(
            self,
            Flag::ExitOnStdinClose | Flag::Client | Flag::Server | Flag::Transparent | Flag::Udp
        )
    }

    /// The flag called `name`.
    pub fn from_name(name: &[u8]) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.name().as_bytes() == name)
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Flag {
    /// The flag with its dash.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "-{}", self.name())
    }
}

/// A flag of the PT's own (obfs4proxy's `-enableLogging`, the dispatcher's `-logLevel`), so
/// that the parser knows whether it takes a value. Its value is in
/// [`Env::extra_flags`](crate::Env::extra_flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FlagSpec<'s> {
    /// The name, without the dash.
    pub name: &'s str,
    /// Whether it is boolean.
    pub boolean: bool,
}

impl<'s> FlagSpec<'s> {
    /// A flag that takes a value.
    pub const fn value(name: &'s str) -> Self {
        FlagSpec {
            name,
            boolean: false,
        }
    }

    /// A boolean flag.
    pub const fn boolean(name: &'s str) -> Self {
        FlagSpec {
            name,
            boolean: true,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Grammar rules.

/// `flag-arg = ("--" / "-") name ["=" value]`, where `name` is at least one byte, does not
/// start with `-` and holds no `=` (Go's `flag.FlagSet.parseOne`).
/// A flag's name and its `=value`, if written so.
type FlagParts<'i> = (&'i [u8], Option<&'i [u8]>);

fn flag_arg(i: &[u8]) -> IResult<&[u8], FlagParts<'_>> {
    preceded(
        alt((tag("--"), tag("-"))),
        (
            verify(take_till1(|b| b == b'='), |n: &[u8]| {
                n.first() != Some(&b'-')
            }),
            opt(preceded(tag("="), rest)),
        ),
    )
    .parse(i)
}

/// `strconv.ParseBool`'s spellings.
pub(crate) fn parse_bool(v: &[u8]) -> Option<bool> {
    match v {
        b"1" | b"t" | b"T" | b"TRUE" | b"true" | b"True" => Some(true),
        b"0" | b"f" | b"F" | b"FALSE" | b"false" | b"False" => Some(false),
        _ => None,
    }
}

/// The stored value of a boolean flag.
pub(crate) const TRUE: &[u8] = b"true";
/// The stored value of a boolean flag set to false.
pub(crate) const FALSE: &[u8] = b"false";

/// Parses `argv` (without the program name) into `env`'s flag slots.
pub(crate) fn parse_into<'a, I, A>(
    env: &mut Env<'a>,
    argv: I,
    own: &[FlagSpec<'_>],
) -> Result<(), Error>
where
    I: IntoIterator<Item = &'a A>,
    A: AsRef<[u8]> + ?Sized + 'a,
{
    let mut args = argv.into_iter().map(|a| a.as_ref()).enumerate();
    while let Some((index, arg)) = args.next() {
        if arg.len() < 2 || arg.first() != Some(&b'-') {
            env.positional.push(arg);
            env.positional.extend(args.map(|(_, a)| a));
            return Ok(());
        }
        if arg == b"--" {
            env.positional.extend(args.map(|(_, a)| a));
            return Ok(());
        }
        let Ok((_, (name, inline))) = flag_arg(arg) else {
            return Err(Error::BadFlagSyntax {
                index,
                arg: Echo::new(arg),
            });
        };
        let known = Flag::from_name(name);
        let boolean = match known {
            Some(f) => f.is_bool(),
            None => match own.iter().find(|s| s.name.as_bytes() == name) {
                Some(s) => s.boolean,
                None => {
                    return Err(Error::UnknownFlag {
                        index,
                        flag: Echo::new(name),
                    });
                }
            },
        };
        let value = if boolean {
            match inline {
                None => TRUE,
                Some(v) => match parse_bool(v) {
                    Some(true) => TRUE,
                    Some(false) => FALSE,
                    None => {
                        return Err(Error::InvalidBool {
                            index,
                            value: Echo::new(v),
                        });
                    }
                },
            }
        } else {
            match inline {
                Some(v) => v,
                None => match args.next() {
                    Some((_, v)) => v,
                    None => {
                        return Err(Error::FlagNeedsValue {
                            index,
                            flag: Echo::new(name),
                        });
                    }
                },
            }
        };
        match known {
            Some(f) => env.set_flag(f, value),
            None => match env.extra.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = value,
                None => env.extra.push((name, value)),
            },
        }
    }
    Ok(())
}

/// A command line built for a PT: the arguments after the program name, each as bytes, in one
/// buffer.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Argv {
    buf: Vec<u8>,
    ends: Vec<usize>,
}

impl Argv {
    pub(crate) fn push(&mut self, arg: &[u8]) {
        self.buf.extend_from_slice(arg);
        self.ends.push(self.buf.len());
    }

    /// Appends `-name` and, for a flag that takes one, `value` as the next argument.
    pub(crate) fn flag(&mut self, flag: Flag, value: &[u8]) {
        self.buf.push(b'-');
        self.buf.extend_from_slice(flag.name().as_bytes());
        self.ends.push(self.buf.len());
        if !flag.is_bool() {
            self.push(value);
        }
    }

    /// Appends `-name` and `value` written by `put`.
    pub(crate) fn flag_with(&mut self, flag: Flag, put: impl FnOnce(&mut Vec<u8>)) {
        self.buf.push(b'-');
        self.buf.extend_from_slice(flag.name().as_bytes());
        self.ends.push(self.buf.len());
        put(&mut self.buf);
        self.ends.push(self.buf.len());
    }

    /// The arguments.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        self.ends.iter().enumerate().map(|(i, &e)| {
            let s = i.checked_sub(1).and_then(|p| self.ends.get(p)).copied();
            self.buf.get(s.unwrap_or(0)..e).unwrap_or_default()
        })
    }

    /// The number of arguments.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The arguments as separate vectors.
    pub fn to_vec(&self) -> Vec<Vec<u8>> {
        self.iter().map(<[u8]>::to_vec).collect()
    }
}

impl fmt::Debug for Argv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|a| alloc::format!("{}", a.escape_ascii())))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_syntax() {
        assert_eq!(
            flag_arg(b"-a=b"),
            Ok((&b""[..], (&b"a"[..], Some(&b"b"[..]))))
        );
        assert_eq!(flag_arg(b"--a"), Ok((&b""[..], (&b"a"[..], None))));
        assert_eq!(
            flag_arg(b"-a="),
            Ok((&b""[..], (&b"a"[..], Some(&b""[..]))))
        );
        assert!(flag_arg(b"---a").is_err());
        assert!(flag_arg(b"-=a").is_err());
    }
}
