//! `Arbitrary` for the configs and their parts: only values the builders accept, so that
//! `parse(build(x)) == x` can be fuzzed.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use arbitrary::{Arbitrary, Result, Unstructured};
use pt_args::TransportName;
use pt_args::options::ServerTransportOptions;

use crate::{
    BindAddr, ClientConfig, Common, FsPath, Host, HostPort, Proxy, ProxyAuth, ProxyScheme,
    PtConfig, ServerConfig, TransportOptions, Version,
};

fn ip(u: &mut Unstructured<'_>) -> Result<IpAddr> {
    Ok(if bool::arbitrary(u)? {
        IpAddr::V6(Ipv6Addr::from(u128::arbitrary(u)?))
    } else {
        IpAddr::V4(Ipv4Addr::from(u32::arbitrary(u)?))
    })
}

fn socket_addr(u: &mut Unstructured<'_>) -> Result<SocketAddr> {
    Ok(SocketAddr::new(ip(u)?, u16::arbitrary(u)?))
}

/// Up to `max` bytes, none of them in `banned`; at least `min`.
fn bytes(u: &mut Unstructured<'_>, min: usize, max: usize, banned: &[u8]) -> Result<Vec<u8>> {
    let len = u.int_in_range(min..=max)?;
    let mut out = Vec::with_capacity(len);
    for _ in 0..len {
        let b = u8::arbitrary(u)?;
        out.push(if banned.contains(&b) { b'x' } else { b });
    }
    Ok(out)
}

impl<'a> Arbitrary<'a> for HostPort<'static> {
    /// An IP address or a host name (letters, digits, `-`, `.`, starting with a letter).
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let host = if bool::arbitrary(u)? {
            Host::Ip(ip(u)?)
        } else {
            const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-.";
            let mut n = alloc::string::String::from("h");
            for _ in 0..u.int_in_range(0..=20)? {
                n.push(char::from(*u.choose(CHARS)?));
            }
            Host::Name(Cow::Owned(n))
        };
        Ok(HostPort {
            host,
            port: u16::arbitrary(u)?,
        })
    }
}

impl<'a> Arbitrary<'a> for FsPath<'static> {
    /// An absolute Unix path with no NUL.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut p = alloc::vec![b'/'];
        p.extend(bytes(u, 0, 40, b"\0")?);
        Ok(FsPath::from_vec(p))
    }
}

impl<'a> Arbitrary<'a> for Proxy<'static> {
    /// A proxy every rule of the PT side accepts: an IP host; SOCKS5 credentials of 1 to 255
    /// bytes; no SOCKS4a password; no `:` in a user name, no NUL anywhere.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let scheme = ProxyScheme::arbitrary(u)?;
        let addr = HostPort::ip(socket_addr(u)?);
        let auth = if bool::arbitrary(u)? {
            let (user, password) = match scheme {
                ProxyScheme::Socks5 => (bytes(u, 1, 255, b"\0:")?, Some(bytes(u, 1, 255, b"\0")?)),
                ProxyScheme::Socks4a => (bytes(u, 0, 40, b"\0:")?, None),
                ProxyScheme::Http => (
                    bytes(u, 0, 40, b"\0:")?,
                    if bool::arbitrary(u)? {
                        Some(bytes(u, 0, 40, b"\0")?)
                    } else {
                        None
                    },
                ),
            };
            Some(ProxyAuth {
                user: Cow::Owned(user),
                password: password.map(Cow::Owned),
            })
        } else {
            None
        };
        Ok(Proxy { scheme, auth, addr })
    }
}

fn transports(u: &mut Unstructured<'_>) -> Result<Vec<TransportName<'static>>> {
    let n = u.int_in_range(1..=4)?;
    (0..n).map(|_| TransportName::arbitrary(u)).collect()
}

fn common(u: &mut Unstructured<'_>) -> Result<Common<'static>> {
    let mut c = Common::new(Version::V1, Some(FsPath::arbitrary(u)?));
    c.exit_on_stdin_close = bool::arbitrary(u)?;
    c.outbound_bind_v4 = Option::<u32>::arbitrary(u)?.map(Ipv4Addr::from);
    c.outbound_bind_v6 = Option::<u128>::arbitrary(u)?.map(Ipv6Addr::from);
    Ok(c)
}

impl<'a> Arbitrary<'a> for ClientConfig<'static> {
    /// A PT 1.0 client that [`ClientConfig::to_env`] builds.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut c = ClientConfig::new(Version::V1, None, transports(u)?);
        c.common = common(u)?;
        c.proxy = Option::<Proxy<'static>>::arbitrary(u)?;
        Ok(c)
    }
}

impl<'a> Arbitrary<'a> for ServerConfig<'static> {
    /// A PT 1.0 server that [`ServerConfig::to_env`] builds.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let names = transports(u)?;
        let mut s = ServerConfig::new(Version::V1, None, names.clone());
        s.common = common(u)?;
        let mut opts = ServerTransportOptions::new();
        for _ in 0..u.int_in_range(0..=4)? {
            let t = u.choose(&names)?;
            let key = bytes(u, 1, 12, b"\0")?;
            let value = bytes(u, 0, 12, b"\0")?;
            opts.push(t.as_str(), key, value);
        }
        if !opts.is_empty() {
            s.options = Some(TransportOptions::KeyValue(opts));
        }
        for t in &names {
            let taken = s.bind_addrs.iter().any(|b| b.transport == *t);
            if !taken && bool::arbitrary(u)? {
                s.bind_addrs.push(BindAddr::new(t.clone(), socket_addr(u)?));
            }
        }
        if bool::arbitrary(u)? {
            s.or_port = Some(HostPort::ip(socket_addr(u)?));
        }
        if s.or_port.is_none() || bool::arbitrary(u)? {
            s.ext_or_port = Some(socket_addr(u)?);
            s.auth_cookie_file = Some(FsPath::arbitrary(u)?);
        }
        Ok(s)
    }
}

impl<'a> Arbitrary<'a> for PtConfig<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(if bool::arbitrary(u)? {
            PtConfig::Server(ServerConfig::arbitrary(u)?)
        } else {
            PtConfig::Client(ClientConfig::arbitrary(u)?)
        })
    }
}
