//! [`Env`]: the `TOR_PT_*` variables and PT 2.x flags a PT was started with, collected but not
//! yet checked; version negotiation; and the rules that pick a setting's value from a variable
//! or a flag in each dialect.

use alloc::vec::Vec;

use crate::argv::{self, FALSE, FLAG_COUNT, FlagSpec, TRUE};
use crate::error::Via;
use crate::vars::VAR_COUNT;
use crate::version::{self, Version};
use crate::{ClientConfig, Config, Dialect, Error, Flag, Origin, PtConfig, ServerConfig, Var};

/// One `(name, value)` pair of an environment, borrowed for `'a`: `(&name, &value)` or a
/// reference to a `(name, value)` tuple, of anything that is bytes (`&str`, `String`,
/// `Vec<u8>`, `&[u8]`, `OsStr` bytes on Unix).
pub trait Pair<'a> {
    /// The name.
    fn name(&self) -> &[u8];
    /// The value, borrowed for `'a`.
    fn value(&self) -> &'a [u8];
}

impl<'a, N, V> Pair<'a> for (&N, &'a V)
where
    N: AsRef<[u8]> + ?Sized,
    V: AsRef<[u8]> + ?Sized,
{
    fn name(&self) -> &[u8] {
        self.0.as_ref()
    }
    fn value(&self) -> &'a [u8] {
        self.1.as_ref()
    }
}

impl<'a, N: AsRef<[u8]>, V: AsRef<[u8]>> Pair<'a> for &'a (N, V) {
    fn name(&self) -> &[u8] {
        self.0.as_ref()
    }
    fn value(&self) -> &'a [u8] {
        let pair: &'a (N, V) = self;
        pair.1.as_ref()
    }
}

/// What a PT was started with: its `TOR_PT_*` variables and (PT 2.x/3.0) its command-line
/// flags, borrowed from the caller's storage, not yet checked.
///
/// A PT follows `pt-spec.txt` section 3: [`negotiate`](Env::negotiate) a version (on error,
/// write its line: `VERSION-ERROR no-version`), write `VERSION <token>`, then read the rest
/// with [`config`](Env::config) (on error, write its `ENV-ERROR` or `PROXY-ERROR` line). So a
/// bad variable is reported after the `VERSION` line, as goptlib does (behaviours:
/// `env-check-order`). [`parse`](Env::parse) does both steps at once.
///
/// ```
/// use pt_env::{Config, Env, PtConfig};
///
/// let vars = [
///     ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
///     ("TOR_PT_STATE_LOCATION", "/var/lib/tor/pt_state/"),
///     ("TOR_PT_CLIENT_TRANSPORTS", "obfs4,snowflake"),
///     ("HOME", "/root"), // not TOR_PT_*: ignored
/// ];
/// let env = Env::from_pairs(&vars);
/// let version = env.negotiate(&Config::DEFAULT)?;
/// assert_eq!(version.to_string(), "1");
/// let PtConfig::Client(client) = env.config(version, &Config::DEFAULT)? else { panic!() };
/// assert_eq!(client.transports, ["obfs4", "snowflake"]);
/// # Ok::<(), pt_env::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Env<'a> {
    vars: [Option<&'a [u8]>; VAR_COUNT],
    flags: [Option<&'a [u8]>; FLAG_COUNT],
    pub(crate) extra: Vec<(&'a [u8], &'a [u8])>,
    pub(crate) positional: Vec<&'a [u8]>,
}

impl<'a> Env<'a> {
    /// Nothing set.
    pub fn new() -> Env<'a> {
        Env::default()
    }

    /// Collects the `TOR_PT_*` variables this crate knows from `pairs`; every other name is
    /// ignored. When a name appears twice the first value counts, as `getenv` in C and Go
    /// reads an environment (behaviours: `env-duplicate-names`).
    pub fn from_pairs<I>(pairs: I) -> Env<'a>
    where
        I: IntoIterator,
        I::Item: Pair<'a>,
    {
        let mut env = Env::new();
        for pair in pairs {
            if let Some(var) = Var::from_name(pair.name()) {
                let slot = &mut env.vars[var.index()];
                if slot.is_none() {
                    *slot = Some(pair.value());
                }
            }
        }
        env
    }

    /// Sets `var` (replacing any value).
    pub fn set_var(&mut self, var: Var, value: &'a [u8]) {
        self.vars[var.index()] = Some(value);
    }

    /// The raw value of `var`, if it was set (perhaps empty).
    pub fn var(&self, var: Var) -> Option<&'a [u8]> {
        self.vars[var.index()]
    }

    /// Adds the flags of `argv` (the arguments after the program name), parsed with Go's `flag`
    /// rules (behaviours: `pt2-flag-syntax`). `own` declares the PT's own flags, which
    /// [`extra_flags`](Env::extra_flags) then holds; any other unknown flag is an error. The
    /// first argument that is not a flag, and everything after it, are
    /// [`positional`](Env::positional).
    ///
    /// ```
    /// use pt_env::{Env, Flag, FlagSpec};
    ///
    /// let argv = ["-ptversion", "2.2", "-transport=obfs4", "--client", "-enableLogging", "x"];
    /// let env = Env::new().with_argv(&argv, &[FlagSpec::boolean("enableLogging")])?;
    /// assert_eq!(env.flag(Flag::PtVersion), Some(&b"2.2"[..]));
    /// assert_eq!(env.flag(Flag::Client), Some(&b"true"[..]));
    /// assert_eq!(env.extra_flags(), [(&b"enableLogging"[..], &b"true"[..])]);
    /// assert_eq!(env.positional(), [&b"x"[..]]);
    /// # Ok::<(), pt_env::Error>(())
    /// ```
    pub fn with_argv<I, A>(mut self, argv: I, own: &[FlagSpec<'_>]) -> Result<Env<'a>, Error>
    where
        I: IntoIterator<Item = &'a A>,
        A: AsRef<[u8]> + ?Sized + 'a,
    {
        argv::parse_into(&mut self, argv, own)?;
        Ok(self)
    }

    pub(crate) fn set_flag(&mut self, flag: Flag, value: &'a [u8]) {
        self.flags[flag.index()] = Some(value);
    }

    /// The value of `flag`, if given: its argument, or `true`/`false` for a boolean flag.
    pub fn flag(&self, flag: Flag) -> Option<&'a [u8]> {
        self.flags[flag.index()]
    }

    /// The PT's own flags ([`FlagSpec`]) that were given, with their values (`true`/`false`
    /// for a boolean one), in order of first appearance.
    pub fn extra_flags(&self) -> &[(&'a [u8], &'a [u8])] {
        &self.extra
    }

    /// The arguments after the flags.
    pub fn positional(&self) -> &[&'a [u8]] {
        &self.positional
    }

    /// Step 2 of `pt-spec.txt` section 3: picks the version to answer from `-ptversion` (which
    /// wins) or `TOR_PT_MANAGED_TRANSPORT_VER`, among [`Config::dialects`]. The newest
    /// supported dialect offered wins, with its first offered token, exactly as offered
    /// (behaviours: `env-version-negotiation`).
    ///
    /// Errors: [`Error::NoVersion`] (`VERSION-ERROR no-version`); [`Error::Missing`] when no
    /// list was given and the PT supports nothing newer than PT 2.1 (PT 2.2 and later answer
    /// their newest version then); [`Error::MalformedVersionList`] under the strict policy;
    /// [`Error::BothSet`] when PT 2.2 is chosen from a flag and a variable both given.
    pub fn negotiate(&self, config: &Config) -> Result<Version<'a>, Error> {
        let flag = nonempty(self.flag(Flag::PtVersion));
        let var = nonempty(self.var(Var::ManagedTransportVer));
        let (origin, list) = match (flag, var) {
            (Some(f), _) => (Origin::Flag(Flag::PtVersion), f),
            (None, Some(v)) => (Origin::Env(Var::ManagedTransportVer), v),
            (None, None) => {
                return version::unoffered(config.dialects).ok_or_else(|| Error::Missing {
                    var: Some(Var::ManagedTransportVer),
                    flag: config
                        .dialects
                        .highest()
                        .filter(|d| *d >= Dialect::Pt2)
                        .map(|_| Flag::PtVersion),
                });
            }
        };
        if config.strict {
            version::check_list(list).map_err(|at| version::malformed(origin, at))?;
        }
        let chosen =
            version::pick(list, config.dialects).ok_or_else(|| version::no_version(list))?;
        if chosen.dialect() == Dialect::Pt22 && flag.is_some() && var.is_some() {
            return Err(Error::BothSet {
                var: Var::ManagedTransportVer,
                flag: Flag::PtVersion,
            });
        }
        Ok(chosen)
    }

    /// Steps 3 and 4 of `pt-spec.txt` section 3: reads everything else in the negotiated
    /// dialect. Client or server is decided as obfs4proxy decides it (behaviours:
    /// `env-client-or-server`): one of `TOR_PT_CLIENT_TRANSPORTS` / `TOR_PT_SERVER_TRANSPORTS`
    /// set ([`Error::BothSides`] if both, [`Error::NotManaged`] if neither), or the
    /// `-client`/`-server` flags, a PT 2.x process with neither being a client.
    pub fn config(&self, version: Version<'a>, config: &Config) -> Result<PtConfig<'a>, Error> {
        let ctx = Ctx {
            env: self,
            dialect: version.dialect(),
            config,
        };
        let server = ctx.is_server()?;
        let common = crate::common::parse(&ctx, version)?;
        if server {
            ServerConfig::parse(&ctx, common).map(PtConfig::Server)
        } else {
            ClientConfig::parse(&ctx, common).map(PtConfig::Client)
        }
    }

    /// [`negotiate`](Env::negotiate) then [`config`](Env::config).
    pub fn parse(&self, config: &Config) -> Result<PtConfig<'a>, Error> {
        let version = self.negotiate(config)?;
        self.config(version, config)
    }
}

/// A value for `Debug`: escaped, and a proxy URI with credentials (an `@`) hidden.
pub(crate) struct Shown<'v>(pub(crate) &'v [u8], pub(crate) bool);

impl core::fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.1 && self.0.contains(&b'@') {
            return f.write_str("\"<a proxy URI with credentials>\"");
        }
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

impl core::fmt::Debug for Env<'_> {
    /// The variables and flags that are set; a proxy URI's credentials are not shown.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let vars = Var::ALL
            .into_iter()
            .filter_map(|v| self.var(v).map(|x| (v.name(), Shown(x, v == Var::Proxy))));
        let flags = crate::argv::Flag::ALL.into_iter().filter_map(|fl| {
            self.flag(fl)
                .map(|x| (fl.name(), Shown(x, fl == Flag::Proxy)))
        });
        f.debug_map()
            .entries(vars)
            .entries(flags)
            .entries(
                self.extra
                    .iter()
                    .map(|(n, v)| (Shown(n, false), Shown(v, false))),
            )
            .finish()?;
        if !self.positional.is_empty() {
            write!(f, " + {} positional arguments", self.positional.len())?;
        }
        Ok(())
    }
}

/// An empty value counts as unset, as goptlib's `getenv` checks treat it (behaviours:
/// `env-empty-means-unset`).
fn nonempty(v: Option<&[u8]>) -> Option<&[u8]> {
    v.filter(|v| !v.is_empty())
}

/// The two values of a flag pair (`-bindhost` + `-bindport`).
pub(crate) type ValuePair<'a> = (&'a [u8], &'a [u8]);

/// The rules that pick a setting's value in the negotiated dialect.
pub(crate) struct Ctx<'e, 'a> {
    pub(crate) env: &'e Env<'a>,
    pub(crate) dialect: Dialect,
    pub(crate) config: &'e Config,
}

impl<'a> Ctx<'_, 'a> {
    /// A non-empty variable, unless PT 3.0 (which has none; behaviours: `pt2-flags-vs-env`).
    pub(crate) fn var(&self, var: Var) -> Option<&'a [u8]> {
        if self.dialect == Dialect::Pt3 {
            return None;
        }
        nonempty(self.env.var(var))
    }

    /// A non-empty flag.
    pub(crate) fn flag(&self, flag: Flag) -> Option<&'a [u8]> {
        nonempty(self.env.flag(flag))
    }

    /// A boolean flag's value, if given.
    pub(crate) fn flag_bool(&self, flag: Flag) -> Option<bool> {
        match self.env.flag(flag) {
            Some(v) if v == TRUE => Some(true),
            Some(v) if v == FALSE => Some(false),
            _ => None,
        }
    }

    /// The value of a setting given by `var` or `flag`: the flag wins in PT 1.0 to 2.1, both
    /// is an error in PT 2.2, PT 3.0 reads only the flag (behaviours: `pt2-flags-vs-env`).
    pub(crate) fn pick(
        &self,
        var: Option<Var>,
        flag: Option<(Flag, &'a [u8])>,
    ) -> Result<Option<(Origin, &'a [u8])>, Error> {
        let from_env = var.and_then(|v| self.var(v).map(|x| (v, x)));
        match (from_env, flag) {
            (Some((v, _)), Some((f, _))) if self.dialect == Dialect::Pt22 => {
                Err(Error::BothSet { var: v, flag: f })
            }
            (_, Some((f, x))) => Ok(Some((Origin::Flag(f), x))),
            (Some((v, x)), None) => Ok(Some((Origin::Env(v), x))),
            (None, None) => Ok(None),
        }
    }

    /// [`pick`](Ctx::pick) with the flag's own value.
    pub(crate) fn setting(
        &self,
        var: Var,
        flag: Flag,
    ) -> Result<Option<(Origin, &'a [u8])>, Error> {
        self.pick(Some(var), self.flag(flag).map(|x| (flag, x)))
    }

    /// The error for a required setting, naming what the dialect reads.
    pub(crate) fn missing(&self, var: Option<Var>, flag: Option<Flag>) -> Error {
        let via = Via::of(self.dialect);
        Error::Missing {
            var: var.filter(|_| via != Via::Flags),
            flag: flag.filter(|_| via != Via::Env),
        }
    }

    pub(crate) fn via(&self) -> Via {
        Via::of(self.dialect)
    }

    /// Client or server (see [`Env::config`]).
    fn is_server(&self) -> Result<bool, Error> {
        match (self.flag_bool(Flag::Client), self.flag_bool(Flag::Server)) {
            (Some(true), Some(true)) => {
                return Err(Error::Exclusive {
                    first: Origin::Flag(Flag::Client),
                    second: Origin::Flag(Flag::Server),
                });
            }
            (_, Some(true)) => return Ok(true),
            (Some(true), _) => return Ok(false),
            _ => {}
        }
        let client = self.var(Var::ClientTransports).is_some();
        let server = self.var(Var::ServerTransports).is_some();
        match (client, server) {
            (true, true) => Err(Error::BothSides),
            (true, false) => Ok(false),
            (false, true) => Ok(true),
            // PT 2.2: "If neither -client nor -server is given, the PT MUST run as a client";
            // a PT 2.0/2.1 command line with transports but no variable is one too.
            (false, false) => {
                let flags =
                    self.flag(Flag::Transports).is_some() || self.flag(Flag::Transport).is_some();
                if flags || self.dialect >= Dialect::Pt22 {
                    Ok(false)
                } else {
                    Err(Error::NotManaged)
                }
            }
        }
    }

    /// The transports, from `var`, `-transports` or `-transport` (which excludes the other
    /// two).
    pub(crate) fn transports(&self, var: Var) -> Result<Vec<pt_args::TransportName<'a>>, Error> {
        let single = self.flag(Flag::Transport);
        let list = self.setting(var, Flag::Transports)?;
        match (single, list) {
            (Some(_), Some((origin, _))) => Err(Error::Exclusive {
                first: Origin::Flag(Flag::Transport),
                second: origin,
            }),
            (Some(one), None) => {
                crate::transports::parse_name(Origin::Flag(Flag::Transport), one, 0)
                    .map(|n| alloc::vec![n])
            }
            (None, Some((origin, v))) => crate::transports::parse_list(origin, v),
            (None, None) => Err(self.missing(Some(var), Some(Flag::Transports))),
        }
    }

    /// A `-flag` pair that must come together (`-bindhost` + `-bindport`, ...): both values,
    /// or neither, or [`Error::Incomplete`].
    pub(crate) fn pair(&self, a: Flag, b: Flag) -> Result<Option<ValuePair<'a>>, Error> {
        match (self.flag(a), self.flag(b)) {
            (Some(x), Some(y)) => Ok(Some((x, y))),
            (Some(_), None) => Err(Error::Incomplete {
                given: a,
                missing: b,
            }),
            (None, Some(_)) => Err(Error::Incomplete {
                given: b,
                missing: a,
            }),
            (None, None) => Ok(None),
        }
    }
}
