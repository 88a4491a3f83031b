//! Helpers shared by the integration tests: fixture files and `Args` comparisons.
#![allow(dead_code)]

use std::path::PathBuf;

use pt_args::Args;
use pt_args::options::ServerTransportOptions;

/// One of Tor Browser's built-in obfs4 bridges (`pt_config.json`).
pub(crate) const OBFS4_BRIDGE: &str = "obfs4 51.222.13.177:80 5EDAC3B810E12B01F6FD8050D2FD3E277B289A08 \
    cert=2uplIpLQ0q9+0qMFrK5pkaYRDOe460LL9WHBvatgkuRr/SL31wBOEupaMMJ6koRE6Ld0ew iat-mode=0";

/// Tor Browser's built-in snowflake bridge (`pt_config.json`; the address is a placeholder):
/// five arguments, 384 bytes of SOCKS arguments, split over UNAME and PASSWD.
pub(crate) const SNOWFLAKE_BRIDGE: &str = "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72 \
    fingerprint=2B280B23E1107BB62ABFC40DDCC8824814F80A72 url=https://1098762253.rsc.cdn77.org/ \
    fronts=www.cdn77.com,www.phpmyadmin.net \
    ice=stun:stun.antisip.com:3478,stun:stun.epygi.com:3478,stun:stun.uls.co.za:3478,\
stun:stun.voipgate.com:3478,stun:stun.mixvoip.com:3478,stun:stun.nextcloud.com:3478,\
stun:stun.bethesda.net:3478,stun:stun.nextcloud.com:443 utls-imitate=hellorandomizedalpn";

/// The repository's `testdata/` folder (recorded transcripts; see `testdata/README.md`).
///
/// Found from the crate folder cargo names when it *runs* the test, so that a test binary that
/// cargo reuses from another checkout sharing the target folder (as `.ci/run`'s fresh-clone step
/// does) reads this checkout's files; the folder at build time is the fallback.
pub(crate) fn fixtures_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("../testdata")
}

/// The path of a fixture file, relative to [`fixtures_dir`].
pub(crate) fn fixture_path(rel: &str) -> PathBuf {
    fixtures_dir().join(rel)
}

/// Reads a fixture file. A missing file fails the test loudly: these tests never skip.
pub(crate) fn read_fixture(rel: &str) -> String {
    let path = fixture_path(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "fixture {} is missing or unreadable ({e}); every file the tests read is \
             committed under testdata/ at the repository root",
            path.display()
        )
    })
}

/// The pairs of `args`, in order, for comparison with a literal table.
/// Panics if a key or value is not UTF-8 (these tables are text).
pub(crate) fn pairs<'s>(args: &'s Args<'_>) -> Vec<(&'s str, &'s str)> {
    args.iter_str()
        .collect::<Result<_, _>>()
        .expect("UTF-8 pairs")
}

/// Builds `Args` from a literal table.
pub(crate) fn args(pairs: &[(&str, &str)]) -> Args<'static> {
    pairs.iter().copied().collect()
}

/// The groups of `opts`, in order, for comparison with a literal table.
pub(crate) fn groups<'s>(
    opts: &'s ServerTransportOptions<'_>,
) -> Vec<(&'s str, Vec<(&'s str, &'s str)>)> {
    opts.iter()
        .map(|(t, a)| (std::str::from_utf8(t).expect("UTF-8 name"), pairs(a)))
        .collect()
}

/// Decodes a string of hex digits (no separators).
pub(crate) fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd-length hex string {s:?}");
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&s[i..i + 2], 16).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
        })
        .collect()
}
