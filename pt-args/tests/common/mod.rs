//! Helpers shared by the integration tests: fixture files and `Args` comparisons.
#![allow(dead_code)]

use std::path::PathBuf;

use pt_args::Args;
use pt_args::options::ServerTransportOptions;

/// The repository's `testdata/` folder (recorded transcripts; see `testdata/README.md`).
pub(crate) const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata");

/// The path of a fixture file, relative to [`FIXTURES`].
pub(crate) fn fixture_path(rel: &str) -> PathBuf {
    PathBuf::from(FIXTURES).join(rel)
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
