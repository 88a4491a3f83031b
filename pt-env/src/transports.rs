//! Transport lists: `TOR_PT_CLIENT_TRANSPORTS`, `TOR_PT_SERVER_TRANSPORTS`, `-transports`
//! (`pt-spec.txt` sections 3.1 and 3.2.2).
//!
//! "a comma separated list of PT names"; names "MUST be valid C identifiers". The list is split
//! on every `,` with no escaping, and `*` means nothing special (goptlib `pt_test.go`
//! `TestGetClientTransports`; behaviours: `env-transport-names`).

use alloc::vec::Vec;

use pt_args::TransportName;

use crate::error::Echo;
use crate::util::items;
use crate::{Error, Origin};

/// One name at `at` in the value of `origin`: `name = (ALPHA / "_") *(ALPHA / DIGIT / "_")`,
/// checked by pt-args' rule for transport names ([`pt_args::name::validate`]).
pub(crate) fn parse_name(
    origin: Origin,
    item: &[u8],
    at: usize,
) -> Result<TransportName<'_>, Error> {
    let bad = |offset: usize| Error::InvalidTransportName {
        origin,
        offset: at + offset,
        name: Echo::new(item),
    };
    pt_args::name::validate(item).map_err(|e| bad(e.offset().unwrap_or(0)))?;
    // A valid name is ASCII, so neither of these fails.
    let text = core::str::from_utf8(item).map_err(|_| bad(0))?;
    TransportName::new(text).map_err(|_| bad(0))
}

/// `transport-list = name *("," name)`
pub(crate) fn parse_list(origin: Origin, value: &[u8]) -> Result<Vec<TransportName<'_>>, Error> {
    items(value, b',')
        .map(|(at, item)| parse_name(origin, item, at))
        .collect()
}

/// Writes `names` joined with `,`.
pub(crate) fn put_list(out: &mut Vec<u8>, names: &[TransportName<'_>]) {
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(n.as_str().as_bytes());
    }
}
