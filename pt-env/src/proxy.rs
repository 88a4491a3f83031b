//! `TOR_PT_PROXY` / `-proxy`: the upstream proxy URI (`pt-spec.txt` section 3.2.2).
//!
//! The spec's grammar is `<proxy_type>://[<user_name>[:<password>][@]<ip>:<port>` (its brackets
//! do not balance). tor writes `socks4a://`, `socks5://` and `http://` URIs with an IP host and
//! the user name and password **raw**, not percent-encoded (`transports.c` `get_pt_proxy_uri`):
//! `socks5://alice:s3cr:et@x@127.0.0.1:1080` is user `alice`, password `s3cr:et@x`. So the
//! userinfo ends at the **last** `@` and splits at its **first** `:`; nothing is percent-decoded
//! (behaviours: `env-proxy-userinfo-raw`). obfs4proxy's checks (`pt_extras.go` `ptGetProxy`)
//! apply: three schemes, no path, query or fragment, SOCKS5 credentials of 1 to 255 bytes,
//! no SOCKS4a password, an IP host unless [`Config::proxy_host_names`](crate::Config)
//! (goptlib) allows names (behaviours: `env-proxy-schemes-and-hosts`). Every refusal is a
//! `PROXY-ERROR` (behaviours: `env-proxy-fail-closed`).

use alloc::borrow::Cow;
use alloc::string::ToString;
use alloc::vec::Vec;
use core::fmt;

use nom::bytes::complete::{tag, take_while1};
use nom::sequence::terminated;
use nom::{IResult, Parser};

use crate::addr::{self, HostPort, Rule, put_display};
use crate::error::{AddrProblem, Echo, ProxyProblem};
use crate::{Config, Error};

/// The longest SOCKS5 user name or password (RFC 1929: one length byte).
pub const MAX_SOCKS5_FIELD: usize = 255;

/// The protocol the PT speaks to its upstream proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ProxyScheme {
    /// `socks4a://` (tor's `Socks4Proxy`).
    Socks4a,
    /// `socks5://` (tor's `Socks5Proxy`).
    Socks5,
    /// `http://`: HTTP CONNECT (tor's `HTTPSProxy`).
    Http,
}

impl ProxyScheme {
    /// The scheme as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProxyScheme::Socks4a => "socks4a",
            ProxyScheme::Socks5 => "socks5",
            ProxyScheme::Http => "http",
        }
    }
}

/// The credentials of a proxy URI, raw bytes as tor writes them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProxyAuth<'a> {
    /// The user name (no `:`).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_bytes"))]
    pub user: Cow<'a, [u8]>,
    /// The password, if the userinfo had a `:`.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_bytes::option"))]
    pub password: Option<Cow<'a, [u8]>>,
}

impl ProxyAuth<'_> {
    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> ProxyAuth<'static> {
        ProxyAuth {
            user: Cow::Owned(self.user.into_owned()),
            password: self.password.map(|p| Cow::Owned(p.into_owned())),
        }
    }
}

/// An upstream proxy.
///
/// ```
/// use pt_env::{Config, Proxy, ProxyScheme};
///
/// let p = Proxy::parse(b"socks5://alice:s3cr:et@x@127.0.0.1:1080", &Config::DEFAULT)?;
/// assert_eq!(p.scheme, ProxyScheme::Socks5);
/// let auth = p.auth.as_ref().unwrap();
/// assert_eq!(&*auth.user, b"alice");
/// assert_eq!(auth.password.as_deref(), Some(&b"s3cr:et@x"[..]));
/// assert_eq!(p.to_uri()?, b"socks5://alice:s3cr:et@x@127.0.0.1:1080");
/// # Ok::<(), pt_env::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Proxy<'a> {
    /// The protocol.
    pub scheme: ProxyScheme,
    /// The credentials, if any.
    pub auth: Option<ProxyAuth<'a>>,
    /// The proxy's address (an IP literal unless the policy took a host name).
    pub addr: HostPort<'a>,
}

impl<'a> Proxy<'a> {
    /// A proxy with no credentials.
    pub fn new(scheme: ProxyScheme, addr: impl Into<HostPort<'a>>) -> Proxy<'a> {
        Proxy {
            scheme,
            auth: None,
            addr: addr.into(),
        }
    }

    /// This proxy with a user name and an optional password (bytes, written raw).
    pub fn with_auth(mut self, user: &'a [u8], password: Option<&'a [u8]>) -> Proxy<'a> {
        self.auth = Some(ProxyAuth {
            user: Cow::Borrowed(user),
            password: password.map(Cow::Borrowed),
        });
        self
    }

    /// Parses a proxy URI by `config` ([`Config::proxy_host_names`]); every error is an
    /// [`Error::Proxy`], a `PROXY-ERROR` line. An IPv6 host must be in brackets under every
    /// policy: tor has always written it so here, and neither goptlib nor obfs4proxy takes
    /// the unbracketed form in a URI.
    pub fn parse(uri: &'a [u8], config: &Config) -> Result<Proxy<'a>, Error> {
        parse(uri, config.proxy_host_names, false)
    }

    /// Checks what the PT side checks: the SOCKS5 and SOCKS4a credential rules, and that a user
    /// name has no `:` (it would end the user name) and nothing has a NUL (an environment
    /// variable cannot hold one).
    pub fn check(&self) -> Result<(), Error> {
        check_auth(self.scheme, self.auth.as_ref(), 0)?;
        if let Some(a) = &self.auth {
            let nul = a.user.contains(&0) || a.password.as_ref().is_some_and(|p| p.contains(&0));
            if a.user.contains(&b':') || nul {
                return Err(Error::Unbuildable {
                    what: "the proxy URI",
                    why: "a user name cannot hold ':' and no field can hold a NUL byte",
                });
            }
        }
        Ok(())
    }

    /// The URI as tor writes it: `scheme://[user[:password]@]host:port`, the credentials raw.
    /// Fails on what [`check`](Proxy::check) refuses.
    pub fn to_uri(&self) -> Result<Vec<u8>, Error> {
        self.check()?;
        let mut out = Vec::with_capacity(self.uri_len_hint());
        out.extend_from_slice(self.scheme.as_str().as_bytes());
        out.extend_from_slice(b"://");
        if let Some(a) = &self.auth {
            out.extend_from_slice(&a.user);
            if let Some(p) = &a.password {
                out.push(b':');
                out.extend_from_slice(p);
            }
            out.push(b'@');
        }
        put_display(&mut out, &self.addr);
        Ok(out)
    }

    fn uri_len_hint(&self) -> usize {
        let auth = self.auth.as_ref().map_or(0, |a| {
            a.user.len() + a.password.as_ref().map_or(0, |p| p.len() + 1) + 1
        });
        self.scheme.as_str().len() + 3 + auth + 48
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Proxy<'static> {
        Proxy {
            scheme: self.scheme,
            auth: self.auth.map(ProxyAuth::into_owned),
            addr: self.addr.into_owned(),
        }
    }
}

impl fmt::Debug for Proxy<'_> {
    /// Never shows the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Proxy");
        d.field("scheme", &self.scheme);
        if let Some(a) = &self.auth {
            d.field("user", &a.user.escape_ascii().to_string());
            d.field("password", &a.password.as_ref().map(|_| "<hidden>"));
        }
        d.field("addr", &self.addr).finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Grammar rules.

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3986 section 3.1), then `://`.
fn scheme(i: &[u8]) -> IResult<&[u8], &[u8]> {
    terminated(
        take_while1(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')),
        tag("://"),
    )
    .parse(i)
}

/// `userinfo "@"`: everything before the **last** `@` of the rest of the URI (tor writes the
/// credentials raw, so they may hold `@`, `:` and `/`; the host part never holds `@`).
fn userinfo(i: &[u8]) -> (Option<&[u8]>, &[u8], usize) {
    match i.iter().rposition(|&b| b == b'@') {
        Some(at) => (i.get(..at), i.get(at + 1..).unwrap_or_default(), at + 1),
        None => (None, i, 0),
    }
}

/// `user [":" password]`: split at the **first** `:`.
fn split_userinfo(u: &[u8]) -> (&[u8], Option<&[u8]>) {
    match u.iter().position(|&b| b == b':') {
        Some(c) => (
            u.get(..c).unwrap_or_default(),
            Some(u.get(c + 1..).unwrap_or_default()),
        ),
        None => (u, None),
    }
}

fn refuse(problem: ProxyProblem, offset: usize, text: &[u8]) -> Error {
    Error::Proxy {
        problem,
        offset,
        text: Echo::new(text),
    }
}

/// The credential rules of `scheme` (obfs4proxy `ptGetProxy`).
fn check_auth(scheme: ProxyScheme, auth: Option<&ProxyAuth<'_>>, at: usize) -> Result<(), Error> {
    let Some(a) = auth else { return Ok(()) };
    match scheme {
        ProxyScheme::Http => Ok(()),
        ProxyScheme::Socks4a if a.password.is_some() => {
            Err(refuse(ProxyProblem::Socks4aPassword, at, b""))
        }
        ProxyScheme::Socks4a => Ok(()),
        ProxyScheme::Socks5 => {
            if a.user.is_empty() || a.user.len() > MAX_SOCKS5_FIELD {
                return Err(refuse(ProxyProblem::Socks5User, at, b""));
            }
            match &a.password {
                Some(p) if !p.is_empty() && p.len() <= MAX_SOCKS5_FIELD => Ok(()),
                _ => Err(refuse(ProxyProblem::Socks5Password, at, b"")),
            }
        }
    }
}

/// `proxy-uri = scheme "://" [ userinfo "@" ] host ":" port`
fn parse(uri: &[u8], names: bool, legacy_ipv6: bool) -> Result<Proxy<'_>, Error> {
    let (rest, raw_scheme) = scheme(uri).map_err(|_| refuse(ProxyProblem::NotAbsolute, 0, b""))?;
    let scheme = [ProxyScheme::Socks4a, ProxyScheme::Socks5, ProxyScheme::Http]
        .into_iter()
        .find(|s| s.as_str().as_bytes().eq_ignore_ascii_case(raw_scheme))
        .ok_or_else(|| refuse(ProxyProblem::Scheme, 0, raw_scheme))?;
    let base = raw_scheme.len() + 3;
    let (info, host_part, host_at) = userinfo(rest);
    let auth = info.map(|u| {
        let (user, password) = split_userinfo(u);
        ProxyAuth {
            user: Cow::Borrowed(user),
            password: password.map(Cow::Borrowed),
        }
    });
    check_auth(scheme, auth.as_ref(), base)?;
    let host_at = base + host_at;
    let end = host_part
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#'));
    if let Some(e) = end {
        let problem = match host_part.get(e) {
            Some(b'/') => ProxyProblem::Path,
            Some(b'?') => ProxyProblem::Query,
            _ => ProxyProblem::Fragment,
        };
        return Err(refuse(problem, host_at + e, b""));
    }
    let rule = Rule { legacy_ipv6, names };
    let addr = addr::parse_host_port(host_part, rule).map_err(|(at, p)| {
        let text = match p {
            AddrProblem::NotAnIp | AddrProblem::BadHost | AddrProblem::Unbracketed => {
                host_only(host_part)
            }
            _ => host_part,
        };
        refuse(ProxyProblem::Host(p), host_at + at, text)
    })?;
    Ok(Proxy { scheme, auth, addr })
}

/// The host of `host:port` for a message (Go's `SplitHostPort` host: brackets removed).
fn host_only(hp: &[u8]) -> &[u8] {
    if let Some(inner) = hp.strip_prefix(b"[") {
        let close = inner.iter().position(|&b| b == b']').unwrap_or(inner.len());
        return inner.get(..close).unwrap_or_default();
    }
    match hp.iter().rposition(|&b| b == b':') {
        Some(c) => hp.get(..c).unwrap_or_default(),
        None => hp,
    }
}
