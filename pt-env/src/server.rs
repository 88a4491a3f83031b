//! A server PT's configuration (`pt-spec.txt` section 3.2.3; PT 2.2's server flags).

use alloc::vec::Vec;
use core::net::SocketAddr;

use pt_args::TransportName;

use crate::addr::{self, HostPort};
use crate::bindaddr::{self, BindAddr, ListRules};
use crate::build::EnvVars;
use crate::client::{
    check_not_json, check_transports, no_env_in_pt3, no_flags_in_pt1, options, put_options_flag,
    split_addr, target,
};
use crate::env::Ctx;
use crate::error::Echo;
use crate::options::TransportOptions;
use crate::{Argv, Common, Dialect, Error, Flag, FsPath, Host, Origin, Var};

/// What a server PT is asked to do.
///
/// Build one with [`ServerConfig::new`] and the `with_*` setters, then
/// [`to_env`](ServerConfig::to_env) or [`to_argv`](ServerConfig::to_argv); a PT gets one from
/// [`Env::config`](crate::Env::config). `parse(build(x)) == x` for every `x` a builder takes.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ServerConfig<'a> {
    /// The version, state location and other shared settings.
    pub common: Common<'a>,
    /// `TOR_PT_SERVER_TRANSPORTS` / `-transports` / `-transport`.
    pub transports: Vec<TransportName<'a>>,
    /// `TOR_PT_SERVER_TRANSPORT_OPTIONS` / `-options` / `-optionsFile` (absent or empty:
    /// `None`). k=v options decode with [`pt_args::options`].
    pub options: Option<TransportOptions<'a>>,
    /// `TOR_PT_SERVER_BINDADDR` / `-bindaddr` / `-bindhost` + `-bindport`: the entries of the
    /// launched transports, in order (behaviours: `env-bindaddr`). Empty when absent, which the
    /// spec allows (goptlib requires the variable).
    pub bind_addrs: Vec<BindAddr<'a>>,
    /// `TOR_PT_ORPORT` / `-orport` / `-target` / `-targethost` + `-targetport`: where to send
    /// plain traffic. An IP literal in PT 1.0; PT 2.x also names hosts.
    pub or_port: Option<HostPort<'a>>,
    /// `TOR_PT_EXTENDED_SERVER_PORT` / `-extorport` (empty: `None`; behaviours:
    /// `env-extended-server-port`).
    pub ext_or_port: Option<SocketAddr>,
    /// `TOR_PT_AUTH_COOKIE_FILE` / `-authcookie`: required with `ext_or_port`.
    pub auth_cookie_file: Option<FsPath<'a>>,
}

impl<'a> ServerConfig<'a> {
    /// A server speaking `version`, keeping state in `state` (`None` only from PT 2.2 on),
    /// launching `transports`. Add an ORPort or an Extended ORPort before building.
    pub fn new(
        version: crate::Version<'a>,
        state: Option<FsPath<'a>>,
        transports: Vec<TransportName<'a>>,
    ) -> ServerConfig<'a> {
        ServerConfig {
            common: Common::new(version, state),
            transports,
            options: None,
            bind_addrs: Vec::new(),
            or_port: None,
            ext_or_port: None,
            auth_cookie_file: None,
        }
    }

    /// This config with `TOR_PT_EXIT_ON_STDIN_CLOSE=1`.
    pub fn with_exit_on_stdin_close(mut self, on: bool) -> Self {
        self.common.exit_on_stdin_close = on;
        self
    }

    /// This config with the ORPort (target).
    pub fn with_or_port(mut self, addr: impl Into<HostPort<'a>>) -> Self {
        self.or_port = Some(addr.into());
        self
    }

    /// This config with an Extended ORPort and its cookie file.
    pub fn with_ext_or_port(mut self, addr: SocketAddr, cookie: FsPath<'a>) -> Self {
        self.ext_or_port = Some(addr);
        self.auth_cookie_file = Some(cookie);
        self
    }

    /// This config with `transport` listening on `addr`.
    pub fn with_bind_addr(mut self, transport: TransportName<'a>, addr: SocketAddr) -> Self {
        self.bind_addrs.push(BindAddr::new(transport, addr));
        self
    }

    /// This config with transport options.
    pub fn with_options(mut self, options: TransportOptions<'a>) -> Self {
        self.options = Some(options);
        self
    }

    /// This config with `args` added to `transport`'s k=v options (tor's
    /// `ServerTransportOptions <transport> k=v ...`), after any it has. Replaces JSON options or
    /// an options file, which cannot be mixed with k=v ones.
    ///
    /// ```
    /// use pt_args::{Args, TransportName};
    /// use pt_env::{FsPath, ServerConfig, Var, Version};
    ///
    /// let obfs4 = TransportName::new("obfs4")?;
    /// let args: Args = [("iat-mode", "1")].into_iter().collect();
    /// let server = ServerConfig::new(Version::V1, Some(FsPath::new(b"/s/")), vec![obfs4.clone()])
    ///     .with_or_port("127.0.0.1:9001".parse::<std::net::SocketAddr>()?)
    ///     .with_transport_args(&obfs4, &args);
    /// let vars = server.to_env()?;
    /// assert_eq!(vars.get(Var::ServerTransportOptions), Some(&b"obfs4:iat-mode=1"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_transport_args(
        mut self,
        transport: &TransportName<'_>,
        args: &pt_args::Args<'_>,
    ) -> Self {
        let mut opts = match self.options.take() {
            Some(TransportOptions::KeyValue(o)) => o,
            _ => pt_args::options::ServerTransportOptions::new(),
        };
        for (k, v) in args.iter() {
            opts.push(transport.as_str(), k, v);
        }
        self.options = Some(TransportOptions::KeyValue(opts));
        self
    }

    /// The k=v options of `transport` (the `Options` goptlib hands each `Bindaddr`).
    pub fn transport_options(&self, transport: &str) -> Option<&pt_args::Args<'a>> {
        self.options.as_ref()?.key_value(transport)
    }

    /// Where `transport` should listen, if the parent said.
    pub fn bind_addr(&self, transport: &str) -> Option<SocketAddr> {
        self.bind_addrs
            .iter()
            .find(|b| b.transport == transport)
            .map(|b| b.addr)
    }

    pub(crate) fn parse(ctx: &Ctx<'_, 'a>, common: Common<'a>) -> Result<ServerConfig<'a>, Error> {
        let transports = ctx.transports(Var::ServerTransports)?;
        let options = options(ctx, Some(Var::ServerTransportOptions))?;
        let bind_addrs = bind_addrs(ctx, &transports)?;
        let or_port = target(ctx, Some(Var::Orport))?.map(|(_, hp)| hp);
        let ext = ctx.setting(Var::ExtendedServerPort, Flag::ExtOrPort)?;
        let cookie = ctx.setting(Var::AuthCookieFile, Flag::AuthCookie)?;
        let ext_or_port = match ext {
            None => None,
            Some((origin, v)) => {
                if cookie.is_none() {
                    return Err(Error::NoAuthCookie { ext: origin });
                }
                let a = addr::parse_ip_port(v, ctx.config.legacy_ipv6).map_err(
                    |(offset, problem)| Error::InvalidAddress {
                        origin,
                        offset,
                        problem,
                        value: Echo::new(v),
                    },
                )?;
                Some(a)
            }
        };
        if let (None, Some((origin, _))) = (ext_or_port, cookie)
            && (ctx.config.strict || ctx.dialect >= Dialect::Pt22)
        {
            return Err(Error::UnexpectedAuthCookie { cookie: origin });
        }
        if or_port.is_none() && ext_or_port.is_none() {
            return Err(Error::NoTarget { via: ctx.via() });
        }
        Ok(ServerConfig {
            common,
            transports,
            options,
            bind_addrs,
            or_port,
            ext_or_port,
            auth_cookie_file: cookie.map(|(_, v)| FsPath::new(v)),
        })
    }

    fn check(&self) -> Result<(), Error> {
        check_transports(&self.transports)?;
        if let Some(a) = self.ext_or_port {
            crate::common::check_addr("TOR_PT_EXTENDED_SERVER_PORT", a)?;
        }
        for (i, b) in self.bind_addrs.iter().enumerate() {
            crate::common::check_addr("TOR_PT_SERVER_BINDADDR", b.addr)?;
            if !self.transports.contains(&b.transport) {
                return Err(Error::Unbuildable {
                    what: "TOR_PT_SERVER_BINDADDR",
                    why: "an entry names a transport that is not being launched",
                });
            }
            if self
                .bind_addrs
                .get(..i)
                .is_some_and(|before| before.iter().any(|x| x.transport == b.transport))
            {
                return Err(Error::Unbuildable {
                    what: "TOR_PT_SERVER_BINDADDR",
                    why: "two entries name the same transport",
                });
            }
        }
        match (&self.ext_or_port, &self.auth_cookie_file) {
            (Some(_), None) => Err(Error::Unbuildable {
                what: "TOR_PT_EXTENDED_SERVER_PORT",
                why: "an Extended ORPort needs TOR_PT_AUTH_COOKIE_FILE",
            }),
            (None, Some(_)) => Err(Error::Unbuildable {
                what: "TOR_PT_AUTH_COOKIE_FILE",
                why: "a cookie file without an Extended ORPort",
            }),
            (_, Some(p)) => crate::common::check_path("TOR_PT_AUTH_COOKIE_FILE", p),
            (None, None) if self.or_port.is_none() => Err(Error::Unbuildable {
                what: "the server configuration",
                why: "a server needs an ORPort or an Extended ORPort",
            }),
            (None, None) => Ok(()),
        }
    }

    /// The environment tor would give this server: the common variables,
    /// `TOR_PT_SERVER_TRANSPORTS`, `TOR_PT_SERVER_TRANSPORT_OPTIONS` (left out when there are
    /// none, as tor does), `TOR_PT_SERVER_BINDADDR` (left out when empty), `TOR_PT_ORPORT`,
    /// `TOR_PT_EXTENDED_SERVER_PORT` (empty when there is no Extended ORPort, as tor writes it)
    /// and `TOR_PT_AUTH_COOKIE_FILE`.
    ///
    /// The options are encoded by [`pt_args::options`], which escapes `\ : ; =`: tor's bytes,
    /// plus `=` escaped (behaviours: `env-builder-options-escaping`). Refuses what a PT would
    /// reject or what has no variable: no transport, a BINDADDR entry for another transport
    /// or a duplicate one, an Extended ORPort without a cookie file (or the reverse), neither
    /// an ORPort nor an Extended ORPort, an ORPort host name in PT 1.0, options that are not
    /// k=v in PT 1.0, `-optionsFile`, the flag-only settings, and PT 3.0.
    pub fn to_env(&self) -> Result<EnvVars, Error> {
        no_env_in_pt3(&self.common)?;
        self.check()?;
        let dialect = self.common.version.dialect();
        let mut out = EnvVars::with_capacity(256);
        crate::common::put_env(&self.common, &mut out)?;
        out.put_with(Var::ServerTransports, |b| {
            crate::transports::put_list(b, &self.transports);
        });
        match &self.options {
            None => {}
            Some(TransportOptions::KeyValue(o)) if o.is_empty() => {}
            Some(TransportOptions::KeyValue(o)) => {
                let text = out.try_put_with(Var::ServerTransportOptions, |b| {
                    b.reserve(pt_args::options::encoded_len(o));
                    pt_args::options::encode(o, b)
                        .map(drop)
                        .map_err(|error| Error::Encode {
                            origin: Origin::Env(Var::ServerTransportOptions),
                            error,
                        })
                })?;
                check_not_json(dialect, text)?;
            }
            Some(TransportOptions::Json(j)) if dialect >= Dialect::Pt2 => {
                out.put(Var::ServerTransportOptions, j.as_str().as_bytes());
            }
            Some(TransportOptions::Json(_) | TransportOptions::File(_)) => {
                return Err(Error::Unbuildable {
                    what: "TOR_PT_SERVER_TRANSPORT_OPTIONS",
                    why: "PT 1.0 reads k=v options, and no variable names an options file",
                });
            }
        }
        if !self.bind_addrs.is_empty() {
            out.put_with(Var::ServerBindaddr, |b| {
                bindaddr::put_list(b, &self.bind_addrs);
            });
        }
        if let Some(hp) = &self.or_port {
            if dialect == Dialect::Pt1 && matches!(hp.host, Host::Name(_)) {
                return Err(Error::Unbuildable {
                    what: "TOR_PT_ORPORT",
                    why: "PT 1.0 reads an IP address, not a host name",
                });
            }
            out.put_display(Var::Orport, hp);
        }
        match self.ext_or_port {
            Some(a) => out.put_display(Var::ExtendedServerPort, a),
            None => out.put(Var::ExtendedServerPort, b""),
        }
        if let Some(p) = &self.auth_cookie_file {
            out.put(Var::AuthCookieFile, p.as_bytes());
        }
        Ok(out)
    }

    /// The command line of a PT 2.x/3.0 server: the common flags, `-server`, `-transports`,
    /// `-options` or `-optionsFile`, `-bindaddr`, `-orport` (PT 2.0/2.1) or `-target`,
    /// `-extorport`, `-authcookie`. Refuses PT 1.0, what [`to_env`](ServerConfig::to_env)
    /// refuses for the same reasons, and k=v options from PT 2.2 on.
    pub fn to_argv(&self) -> Result<Argv, Error> {
        let dialect = self.common.version.dialect();
        no_flags_in_pt1(dialect)?;
        self.check()?;
        let mut out = Argv::default();
        crate::common::put_argv(&self.common, &mut out)?;
        out.flag(Flag::Server, b"");
        out.flag_with(Flag::Transports, |b| {
            crate::transports::put_list(b, &self.transports);
        });
        put_options_flag(self.options.as_ref(), dialect, &mut out)?;
        if !self.bind_addrs.is_empty() {
            out.flag_with(Flag::BindAddr, |b| {
                bindaddr::put_list(b, &self.bind_addrs);
            });
        }
        if let Some(hp) = &self.or_port {
            let flag = if dialect == Dialect::Pt2 {
                Flag::OrPort
            } else {
                Flag::Target
            };
            out.flag_with(flag, |b| addr::put_display(b, hp));
        }
        if let Some(a) = self.ext_or_port {
            out.flag_with(Flag::ExtOrPort, |b| addr::put_display(b, a));
        }
        if let Some(p) = &self.auth_cookie_file {
            out.flag(Flag::AuthCookie, p.as_bytes());
        }
        Ok(out)
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> ServerConfig<'static> {
        ServerConfig {
            common: self.common.into_owned(),
            transports: self
                .transports
                .into_iter()
                .map(TransportName::into_owned)
                .collect(),
            options: self.options.map(TransportOptions::into_owned),
            bind_addrs: self
                .bind_addrs
                .into_iter()
                .map(BindAddr::into_owned)
                .collect(),
            or_port: self.or_port.map(HostPort::into_owned),
            ext_or_port: self.ext_or_port,
            auth_cookie_file: self.auth_cookie_file.map(FsPath::into_owned),
        }
    }
}

/// `-bindaddr` or `TOR_PT_SERVER_BINDADDR`, or `-bindhost` + `-bindport` for the one
/// transport.
fn bind_addrs<'a>(
    ctx: &Ctx<'_, 'a>,
    transports: &[TransportName<'a>],
) -> Result<Vec<BindAddr<'a>>, Error> {
    let combined = ctx.setting(Var::ServerBindaddr, Flag::BindAddr)?;
    let split = ctx.pair(Flag::BindHost, Flag::BindPort)?;
    match (combined, split) {
        (Some((origin, _)), Some(_)) => Err(Error::Exclusive {
            first: origin,
            second: Origin::Flag(Flag::BindHost),
        }),
        (Some((origin, v)), None) => {
            let rules = ListRules {
                transports,
                legacy_ipv6: ctx.config.legacy_ipv6,
                strict: ctx.config.strict,
            };
            bindaddr::parse_list(origin, v, &rules)
        }
        (None, Some((h, p))) => {
            let [only] = transports else {
                return Err(Error::Incomplete {
                    given: Flag::BindHost,
                    missing: Flag::Transport,
                });
            };
            let hp = split_addr(Flag::BindHost, h, Flag::BindPort, p)?;
            let addr = hp.socket_addr().ok_or(Error::Incomplete {
                given: Flag::BindHost,
                missing: Flag::BindPort,
            })?;
            Ok(alloc::vec![BindAddr::new(only.clone(), addr)])
        }
        (None, None) => Ok(Vec::new()),
    }
}
