//! `TOR_PT_SERVER_BINDADDR` / `-bindaddr`: where each server transport listens
//! (`pt-spec.txt` section 3.2.3).
//!
//! "A comma separated list of `<key>-<value>` pairs, where `<key>` is a PT name and `<value>`
//! is the `<address>:<port>`"; "Applications MUST NOT set more than one `<address>:<port>` pair
//! per PT name". goptlib (`pt.go` `getServerBindaddrs`, vectors in `pt_test.go`
//! `TestGetServerBindaddrs`) splits each entry on its **first** `-`, refuses a duplicate name
//! and drops the entries of transports that are not being launched. tor writes `name-0.0.0.0:0`
//! for a transport with no configured address (behaviours: `env-bindaddr`).

use alloc::vec::Vec;
use core::net::SocketAddr;

use nom::bytes::complete::{tag, take_till};
use nom::combinator::rest;
use nom::sequence::separated_pair;
use nom::{IResult, Parser};
use pt_args::TransportName;

use crate::addr::{parse_ip_port, put_display};
use crate::error::{BindAddrProblem, Echo};
use crate::util::items;
use crate::{Error, Origin};

/// Where one server transport listens.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BindAddr<'a> {
    /// The transport.
    pub transport: TransportName<'a>,
    /// The address (`0.0.0.0:0` is tor's "no address configured").
    pub addr: SocketAddr,
}

impl<'a> BindAddr<'a> {
    /// `transport` listens on `addr`.
    pub fn new(transport: TransportName<'a>, addr: SocketAddr) -> Self {
        BindAddr { transport, addr }
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> BindAddr<'static> {
        BindAddr {
            transport: self.transport.into_owned(),
            addr: self.addr,
        }
    }
}

/// `bindaddr-entry = name "-" address ":" port`, split at the first `-` (a transport name
/// cannot hold one).
fn bind_entry(i: &[u8]) -> IResult<&[u8], (&[u8], &[u8])> {
    separated_pair(take_till(|b| b == b'-'), tag("-"), rest).parse(i)
}

/// What the server parse needs to read the list.
pub(crate) struct ListRules<'t, 'a> {
    pub(crate) transports: &'t [TransportName<'a>],
    pub(crate) legacy_ipv6: bool,
    pub(crate) strict: bool,
}

/// `bindaddr-list = bindaddr-entry *("," bindaddr-entry)`: the entries of the launched
/// transports, in order.
pub(crate) fn parse_list<'a>(
    origin: Origin,
    value: &'a [u8],
    rules: &ListRules<'_, 'a>,
) -> Result<Vec<BindAddr<'a>>, Error> {
    let mut out: Vec<BindAddr<'a>> = Vec::with_capacity(rules.transports.len());
    for (index, (at, entry)) in items(value, b',').enumerate() {
        let fail = |offset: usize, problem| Error::BindAddr {
            origin,
            offset,
            problem,
            entry: Echo::new(entry),
        };
        let Ok((_, (name, addr))) = bind_entry(entry) else {
            return Err(fail(at, BindAddrProblem::NoDash));
        };
        // The list is short: look back over it rather than allocate a set.
        let again = items(value, b',')
            .take(index)
            .any(|(_, e)| bind_entry(e).is_ok_and(|(_, (n, _))| n == name));
        if again {
            return Err(fail(at, BindAddrProblem::Duplicate));
        }
        let addr_at = at + name.len() + 1;
        let addr = parse_ip_port(addr, rules.legacy_ipv6)
            .map_err(|(o, p)| fail(addr_at + o, BindAddrProblem::Address(p)))?;
        match rules.transports.iter().find(|t| t.as_bytes() == name) {
            Some(t) => out.push(BindAddr::new(t.clone(), addr)),
            None if rules.strict => return Err(fail(at, BindAddrProblem::NotLaunched)),
            None => {}
        }
    }
    Ok(out)
}

/// Writes `list` as `name-addr:port,...`.
pub(crate) fn put_list(out: &mut Vec<u8>, list: &[BindAddr<'_>]) {
    for (i, b) in list.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b.transport.as_bytes());
        out.push(b'-');
        put_display(out, b.addr);
    }
}
