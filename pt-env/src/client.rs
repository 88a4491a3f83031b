//! A client PT's configuration (`pt-spec.txt` section 3.2.2; PT 2.2's client flags).

use alloc::vec::Vec;
use core::net::SocketAddr;

use nom::Parser;
use nom::combinator::all_consuming;
use pt_args::TransportName;

use crate::addr::{self, HostPort, Rule, ip_literal, port};
use crate::build::EnvVars;
use crate::env::Ctx;
use crate::error::{AddrProblem, Echo};
use crate::options::{TransportOptions, parse_inline};
use crate::{Argv, Common, Dialect, Error, Flag, Origin, Proxy, Var};

/// What a client PT is asked to do.
///
/// Build one with [`ClientConfig::new`] and the `with_*` setters, then
/// [`to_env`](ClientConfig::to_env) or [`to_argv`](ClientConfig::to_argv); a PT gets one from
/// [`Env::config`](crate::Env::config). `parse(build(x)) == x` for every `x` a builder takes.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClientConfig<'a> {
    /// The version, state location and other shared settings.
    pub common: Common<'a>,
    /// `TOR_PT_CLIENT_TRANSPORTS` / `-transports` / `-transport`: names checked as C
    /// identifiers, in order, duplicates kept. `*` is not special (behaviours:
    /// `env-transport-names`).
    pub transports: Vec<TransportName<'a>>,
    /// `TOR_PT_PROXY` / `-proxy`: the upstream proxy, already checked (answer `PROXY DONE`).
    pub proxy: Option<Proxy<'a>>,
    /// `-proxylistenaddr` or `-proxylistenhost` + `-proxylistenport` (PT 2.2): where to listen.
    pub proxy_listen: Option<SocketAddr>,
    /// `-target` or `-targethost` + `-targetport` (PT 2.0 to 2.2): where to connect; may be a
    /// host name. PT 3.0 puts it in the options' `serverAddress`.
    pub target: Option<HostPort<'a>>,
    /// `-options` / `-optionsFile` (PT 2.x; a PT 1.0 client gets its options per connection,
    /// over SOCKS).
    pub options: Option<TransportOptions<'a>>,
}

impl<'a> ClientConfig<'a> {
    /// A client speaking `version`, keeping state in `state` (`None` only from PT 2.2 on),
    /// launching `transports`.
    pub fn new(
        version: crate::Version<'a>,
        state: Option<crate::FsPath<'a>>,
        transports: Vec<TransportName<'a>>,
    ) -> ClientConfig<'a> {
        ClientConfig {
            common: Common::new(version, state),
            transports,
            proxy: None,
            proxy_listen: None,
            target: None,
            options: None,
        }
    }

    /// This config with `TOR_PT_EXIT_ON_STDIN_CLOSE=1` (tor and Arti always set it).
    pub fn with_exit_on_stdin_close(mut self, on: bool) -> Self {
        self.common.exit_on_stdin_close = on;
        self
    }

    /// This config with an upstream proxy.
    pub fn with_proxy(mut self, proxy: Proxy<'a>) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// This config with outbound bind addresses.
    pub fn with_outbound_bind(
        mut self,
        v4: Option<core::net::Ipv4Addr>,
        v6: Option<core::net::Ipv6Addr>,
    ) -> Self {
        self.common.outbound_bind_v4 = v4;
        self.common.outbound_bind_v6 = v6;
        self
    }

    pub(crate) fn parse(ctx: &Ctx<'_, 'a>, common: Common<'a>) -> Result<ClientConfig<'a>, Error> {
        let transports = ctx.transports(Var::ClientTransports)?;
        let proxy = match ctx.setting(Var::Proxy, Flag::Proxy)? {
            Some((_, v)) => Some(Proxy::parse(v, ctx.config)?),
            None => None,
        };
        let proxy_listen = listen_addr(ctx)?;
        let target = match target(ctx, None)? {
            Some((Origin::Flag(f), _)) if ctx.dialect == Dialect::Pt3 => {
                return Err(Error::NotInDialect {
                    flag: f,
                    dialect: Dialect::Pt3,
                });
            }
            t => t.map(|(_, hp)| hp),
        };
        let options = options(ctx, None)?;
        Ok(ClientConfig {
            common,
            transports,
            proxy,
            proxy_listen,
            target,
            options,
        })
    }

    /// The environment tor would give this client: `TOR_PT_MANAGED_TRANSPORT_VER`,
    /// `TOR_PT_STATE_LOCATION`, `TOR_PT_EXIT_ON_STDIN_CLOSE`, the outbound bind addresses,
    /// `TOR_PT_CLIENT_TRANSPORTS` and `TOR_PT_PROXY` (its credentials raw, as tor writes them).
    ///
    /// Refuses what a PT would reject or what has no variable: no transport, a bad proxy, a
    /// relative or missing state location before PT 2.2, the flag-only settings, and PT 3.0
    /// (which has no variables).
    ///
    /// ```
    /// use pt_env::{ClientConfig, FsPath, Proxy, ProxyScheme, Version};
    /// use pt_args::TransportName;
    ///
    /// let proxy = Proxy::new(ProxyScheme::Http, "127.0.0.1:3128".parse::<std::net::SocketAddr>()?)
    ///     .with_auth(b"bob", Some(b"pa:ss"));
    /// let client = ClientConfig::new(
    ///     Version::V1,
    ///     Some(FsPath::new(b"/var/lib/tor/pt_state/")),
    ///     vec![TransportName::new("obfs4")?],
    /// )
    /// .with_exit_on_stdin_close(true)
    /// .with_proxy(proxy);
    /// let vars = client.to_env()?;
    /// assert_eq!(vars.get(pt_env::Var::Proxy), Some(&b"http://bob:pa:ss@127.0.0.1:3128"[..]));
    /// assert_eq!(vars.len(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_env(&self) -> Result<EnvVars, Error> {
        no_env_in_pt3(&self.common)?;
        if self.proxy_listen.is_some() || self.target.is_some() || self.options.is_some() {
            return Err(Error::Unbuildable {
                what: "the environment",
                why: "-proxylistenaddr, -target and -options have no client variable: use \
                      to_argv",
            });
        }
        let mut out = EnvVars::with_capacity(128);
        crate::common::put_env(&self.common, &mut out)?;
        check_transports(&self.transports)?;
        out.put_with(Var::ClientTransports, |b| {
            crate::transports::put_list(b, &self.transports);
        });
        if let Some(p) = &self.proxy {
            out.put(Var::Proxy, &p.to_uri()?);
        }
        Ok(out)
    }

    /// The command line of a PT 2.x/3.0 client: `-ptversion`, `-state`, ..., `-client`,
    /// `-transports`, `-proxy`, `-proxylistenaddr`, `-target` (not in PT 3.0), `-options` or
    /// `-optionsFile`. Refuses PT 1.0 (which has no flags), the outbound bind addresses (no
    /// flag carries them) and k=v options from PT 2.2 on (JSON only).
    pub fn to_argv(&self) -> Result<Argv, Error> {
        let dialect = self.common.version.dialect();
        no_flags_in_pt1(dialect)?;
        let mut out = Argv::default();
        crate::common::put_argv(&self.common, &mut out)?;
        out.flag(Flag::Client, b"");
        check_transports(&self.transports)?;
        out.flag_with(Flag::Transports, |b| {
            crate::transports::put_list(b, &self.transports);
        });
        if let Some(p) = &self.proxy {
            out.flag(Flag::Proxy, &p.to_uri()?);
        }
        if let Some(a) = self.proxy_listen {
            crate::common::check_addr("-proxylistenaddr", a)?;
            out.flag_with(Flag::ProxyListenAddr, |b| addr::put_display(b, a));
        }
        if let Some(t) = &self.target {
            if dialect == Dialect::Pt3 {
                return Err(Error::NotInDialect {
                    flag: Flag::Target,
                    dialect,
                });
            }
            out.flag_with(Flag::Target, |b| addr::put_display(b, t));
        }
        put_options_flag(self.options.as_ref(), dialect, &mut out)?;
        Ok(out)
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> ClientConfig<'static> {
        ClientConfig {
            common: self.common.into_owned(),
            transports: self
                .transports
                .into_iter()
                .map(TransportName::into_owned)
                .collect(),
            proxy: self.proxy.map(Proxy::into_owned),
            proxy_listen: self.proxy_listen,
            target: self.target.map(HostPort::into_owned),
            options: self.options.map(TransportOptions::into_owned),
        }
    }
}

pub(crate) fn no_env_in_pt3(common: &Common<'_>) -> Result<(), Error> {
    if common.version.dialect() == Dialect::Pt3 {
        return Err(Error::Unbuildable {
            what: "the environment",
            why: "PT 3.0 has no TOR_PT_* variables: use to_argv",
        });
    }
    Ok(())
}

pub(crate) fn no_flags_in_pt1(dialect: Dialect) -> Result<(), Error> {
    if dialect == Dialect::Pt1 {
        return Err(Error::Unbuildable {
            what: "the command line",
            why: "PT 1.0 has no flags: use to_env",
        });
    }
    Ok(())
}

/// PT 2.0/2.1 read an options value that starts with `{` as JSON: k=v options must not.
pub(crate) fn check_not_json(dialect: Dialect, text: &[u8]) -> Result<(), Error> {
    if dialect == Dialect::Pt2 && crate::options::looks_like_json(text) {
        return Err(Error::Unbuildable {
            what: "the k=v options",
            why: "PT 2.0/2.1 would read a value starting with '{' as JSON",
        });
    }
    Ok(())
}

pub(crate) fn check_transports(t: &[TransportName<'_>]) -> Result<(), Error> {
    if t.is_empty() {
        return Err(Error::Unbuildable {
            what: "the transport list",
            why: "a PT needs at least one transport",
        });
    }
    Ok(())
}

/// Writes `-options`/`-optionsFile` as `dialect` reads them.
pub(crate) fn put_options_flag(
    options: Option<&TransportOptions<'_>>,
    dialect: Dialect,
    out: &mut Argv,
) -> Result<(), Error> {
    match options {
        None => {}
        Some(TransportOptions::KeyValue(o)) => {
            if dialect >= Dialect::Pt22 {
                return Err(Error::Unbuildable {
                    what: "-options",
                    why: "PT 2.2 and 3.0 read JSON options only",
                });
            }
            if o.is_empty() {
                return Ok(());
            }
            let text = pt_args::options::to_vec(o).map_err(|error| Error::Encode {
                origin: Origin::Flag(Flag::Options),
                error,
            })?;
            check_not_json(dialect, &text)?;
            out.flag(Flag::Options, &text);
        }
        Some(TransportOptions::Json(j)) => out.flag(Flag::Options, j.as_str().as_bytes()),
        Some(TransportOptions::File(p)) => {
            crate::common::check_path("-optionsFile", p)?;
            out.flag(Flag::OptionsFile, p.as_bytes());
        }
    }
    Ok(())
}

/// `-proxylistenaddr`, or `-proxylistenhost` + `-proxylistenport`: an IP literal only.
fn listen_addr(ctx: &Ctx<'_, '_>) -> Result<Option<SocketAddr>, Error> {
    let combined = ctx.flag(Flag::ProxyListenAddr);
    let split = ctx.pair(Flag::ProxyListenHost, Flag::ProxyListenPort)?;
    match (combined, split) {
        (Some(_), Some(_)) => Err(Error::Exclusive {
            first: Origin::Flag(Flag::ProxyListenAddr),
            second: Origin::Flag(Flag::ProxyListenHost),
        }),
        (Some(v), None) => addr::parse_ip_port(v, ctx.config.legacy_ipv6)
            .map(Some)
            .map_err(|(offset, problem)| Error::InvalidAddress {
                origin: Origin::Flag(Flag::ProxyListenAddr),
                offset,
                problem,
                value: Echo::new(v),
            }),
        (None, Some((h, p))) => split_addr(Flag::ProxyListenHost, h, Flag::ProxyListenPort, p)
            .map(|hp| hp.socket_addr()),
        (None, None) => Ok(None),
    }
}

/// A `-xhost` + `-xport` pair; the host an IP literal (`names` false) or also a name.
pub(crate) fn split_addr<'a>(
    host_flag: Flag,
    host: &'a [u8],
    port_flag: Flag,
    p: &'a [u8],
) -> Result<HostPort<'a>, Error> {
    split_host_port(host_flag, host, port_flag, p, false)
}

pub(crate) fn split_host_port<'a>(
    host_flag: Flag,
    host: &'a [u8],
    port_flag: Flag,
    p: &'a [u8],
    names: bool,
) -> Result<HostPort<'a>, Error> {
    let host = if names {
        addr::parse_host(host, true)
    } else {
        all_consuming(ip_literal)
            .parse(host)
            .map(|(_, ip)| crate::Host::Ip(ip))
            .map_err(|_| (0, AddrProblem::NotAnIp))
    }
    .map_err(|(offset, problem)| Error::InvalidAddress {
        origin: Origin::Flag(host_flag),
        offset,
        problem,
        value: Echo::new(host),
    })?;
    let (_, port) = all_consuming(port)
        .parse(p)
        .map_err(|_| Error::InvalidValue {
            origin: Origin::Flag(port_flag),
            value: Echo::new(p),
            expected: "a port number, 0 to 65535",
        })?;
    Ok(HostPort { host, port })
}

/// The target: `-target` or `-orport` (one of them), or `-targethost` + `-targetport`, or
/// `var` (`TOR_PT_ORPORT` on a server), by the dialect's rules. Host names are taken from PT
/// 2.0 on; PT 1.0 reads an IP literal.
pub(crate) fn target<'a>(
    ctx: &Ctx<'_, 'a>,
    var: Option<Var>,
) -> Result<Option<(Origin, HostPort<'a>)>, Error> {
    let t = ctx.flag(Flag::Target);
    let o = ctx.flag(Flag::OrPort);
    if t.is_some() && o.is_some() {
        return Err(Error::Exclusive {
            first: Origin::Flag(Flag::OrPort),
            second: Origin::Flag(Flag::Target),
        });
    }
    let combined = t
        .map(|v| (Flag::Target, v))
        .or(o.map(|v| (Flag::OrPort, v)));
    let split = ctx.pair(Flag::TargetHost, Flag::TargetPort)?;
    if let (Some((f, _)), Some(_)) = (combined, split) {
        return Err(Error::Exclusive {
            first: Origin::Flag(f),
            second: Origin::Flag(Flag::TargetHost),
        });
    }
    let names = ctx.dialect >= Dialect::Pt2;
    let rule = Rule {
        legacy_ipv6: ctx.config.legacy_ipv6,
        names,
    };
    if let Some((h, p)) = split {
        if let Some(v) = var.filter(|v| ctx.var(*v).is_some() && ctx.dialect == Dialect::Pt22) {
            return Err(Error::BothSet {
                var: v,
                flag: Flag::TargetHost,
            });
        }
        let hp = split_host_port(Flag::TargetHost, h, Flag::TargetPort, p, names)?;
        return Ok(Some((Origin::Flag(Flag::TargetHost), hp)));
    }
    let Some((origin, v)) = ctx.pick(var, combined)? else {
        return Ok(None);
    };
    addr::parse_host_port(v, rule)
        .map(|hp| Some((origin, hp)))
        .map_err(|(offset, problem)| Error::InvalidAddress {
            origin,
            offset,
            problem,
            value: Echo::new(v),
        })
}

/// `-options` or `-optionsFile` (one of them), or `var`, by the dialect's rules.
pub(crate) fn options<'a>(
    ctx: &Ctx<'_, 'a>,
    var: Option<Var>,
) -> Result<Option<TransportOptions<'a>>, Error> {
    let inline = ctx.flag(Flag::Options);
    let file = ctx.flag(Flag::OptionsFile);
    if inline.is_some() && file.is_some() {
        return Err(Error::Exclusive {
            first: Origin::Flag(Flag::Options),
            second: Origin::Flag(Flag::OptionsFile),
        });
    }
    let flag = inline
        .map(|v| (Flag::Options, v))
        .or(file.map(|v| (Flag::OptionsFile, v)));
    match ctx.pick(var, flag)? {
        None => Ok(None),
        Some((Origin::Flag(Flag::OptionsFile), v)) => {
            Ok(Some(TransportOptions::File(crate::FsPath::new(v))))
        }
        Some((origin, v)) => parse_inline(origin, v, ctx.dialect, ctx.config).map(Some),
    }
}
