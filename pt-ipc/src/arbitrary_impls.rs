//! `Arbitrary` for the owned messages: only values the constructors accept, so that
//! `parse(encode(m)) == m` holds for every generated message (with the lenient PT 1.0 policy,
//! or the PT 2.2 one for [`Message::LevelLog`]).

use alloc::string::String;
use alloc::vec::Vec;
use core::net::{IpAddr, SocketAddr};

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::{
    Cmethod, KvLine, Level, LevelLog, Log, Message, MethodError, Protocol, Severity, Smethod,
    Status, Text, Token,
};

fn name(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(pt_args::TransportName::arbitrary(u)?.as_str().into())
}

fn addr(u: &mut Unstructured<'_>) -> Result<SocketAddr> {
    let ip = IpAddr::arbitrary(u)?;
    let port = u.int_in_range(1..=u16::MAX)?;
    Ok(SocketAddr::new(ip, port))
}

fn bytes(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let mut v = Vec::<u8>::arbitrary(u)?;
    v.retain(|&b| b != 0);
    v.truncate(40);
    Ok(v)
}

fn kv(u: &mut Unstructured<'_>) -> Result<KvLine<'static>> {
    const KEYS: [&str; 6] = ["TRANSPORT", "ADDRESS", "CONNECT", "ERRSTR", "K_1", "x-y"];
    let n = u.int_in_range(1..=4)?;
    let mut pairs = Vec::new();
    for _ in 0..n {
        pairs.push((*u.choose(&KEYS)?, bytes(u)?));
    }
    KvLine::from_pairs(pairs).map_err(|_| arbitrary::Error::IncorrectFormat)
}

impl<'a> Arbitrary<'a> for Message<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let bad = |_| arbitrary::Error::IncorrectFormat;
        Ok(match u.int_in_range(0..=15)? {
            0 => Message::Version(Token::arbitrary(u)?),
            1 => Message::VersionError(Text::arbitrary(u)?),
            2 => Message::EnvError(Text::arbitrary(u)?),
            3 => Message::ProxyDone,
            4 => Message::ProxyError(Text::arbitrary(u)?),
            5 => {
                let n = name(u)?;
                let protocol = *u.choose(&[Protocol::Socks4, Protocol::Socks5])?;
                Message::Cmethod(
                    Cmethod::new(&n, protocol, addr(u)?)
                        .map_err(bad)?
                        .into_owned(),
                )
            }
            6 | 9 => {
                let n = name(u)?;
                let t = Text::arbitrary(u)?;
                let e = MethodError::new(&n, &t).map_err(bad)?.into_owned();
                if u.arbitrary()? {
                    Message::CmethodError(e)
                } else {
                    Message::SmethodError(e)
                }
            }
            7 => Message::CmethodsDone,
            8 => {
                let n = name(u)?;
                let mut s = Smethod::new(&n, addr(u)?).map_err(bad)?.into_owned();
                if u.arbitrary()? {
                    let args = pt_args::Args::arbitrary(u)?;
                    if let Ok(with) = s.clone().with_args(&args) {
                        s = with;
                    }
                }
                Message::Smethod(s)
            }
            10 => Message::SmethodsDone,
            11 => Message::Log(Log::new(Severity::arbitrary(u)?, &bytes(u)?).map_err(bad)?),
            12 => Message::Status(Status::new(kv(u)?).map_err(bad)?),
            13 => Message::Cmessage(Text::arbitrary(u)?),
            14 => Message::Smessage(Text::arbitrary(u)?),
            _ => {
                let kw = *u.choose(&["FOOBAR", "X-EXTENSION", "EVENT", "ARG-ERROR"])?;
                Message::Unknown(
                    crate::Unknown::new(kw, Text::arbitrary(u)?)
                        .map_err(bad)?
                        .into_owned(),
                )
            }
        })
    }
}

impl<'a> Arbitrary<'a> for LevelLog<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(LevelLog::new(Level::arbitrary(u)?, Text::arbitrary(u)?))
    }
}
