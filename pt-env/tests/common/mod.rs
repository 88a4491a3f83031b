//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use pt_env::{ClientConfig, Config, Env, Error, PtConfig, ServerConfig};

/// The repository's `testdata/` folder (recorded environments; see `testdata/README.md`).
pub fn testdata() -> std::path::PathBuf {
    // The crate folder cargo names when it runs the test, so that a binary reused from another
    // checkout sharing the target folder (`.ci/run`'s fresh clone) reads this checkout's files.
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(
            || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            std::path::PathBuf::from,
        )
        .join("../testdata")
}

/// The bytes of `testdata/<rel>`; a missing file fails the test.
pub fn read_testdata(rel: &str) -> Vec<u8> {
    let path = testdata().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `NAME=value` lines of an environment dump, as byte pairs (split at the first `=`).
pub fn env_dump(bytes: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let eq = l.iter().position(|&b| b == b'=').expect("NAME=value");
            (l[..eq].to_vec(), l[eq + 1..].to_vec())
        })
        .collect()
}

/// `(name, value)` text pairs as the core takes them.
pub fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> Env<'a> {
    Env::from_pairs(pairs)
}

/// The configuration `pairs` give under `config`.
pub fn parse<'a>(pairs: &'a [(&'a str, &'a str)], config: &Config) -> Result<PtConfig<'a>, Error> {
    pt_env::parse(pairs, config)
}

/// The client configuration `pairs` give (panics on an error or a server).
pub fn client<'a>(pairs: &'a [(&'a str, &'a str)], config: &Config) -> ClientConfig<'a> {
    match parse(pairs, config) {
        Ok(PtConfig::Client(c)) => c,
        other => panic!("{pairs:?}: expected a client, got {other:?}"),
    }
}

/// The server configuration `pairs` give (panics on an error or a client).
pub fn server<'a>(pairs: &'a [(&'a str, &'a str)], config: &Config) -> ServerConfig<'a> {
    match parse(pairs, config) {
        Ok(PtConfig::Server(s)) => s,
        other => panic!("{pairs:?}: expected a server, got {other:?}"),
    }
}

/// The error `pairs` give.
pub fn error(pairs: &[(&str, &str)], config: &Config) -> Error {
    match parse(pairs, config) {
        Err(e) => e,
        Ok(c) => panic!("{pairs:?}: expected an error, got {c:?}"),
    }
}

/// The first lines a PT following the spec's workflow writes for `pairs`: `VERSION` (if a
/// version was agreed) and then the error line, if any.
pub fn first_lines(pairs: &[(&str, &str)], config: &Config) -> Vec<String> {
    let env = Env::from_pairs(pairs);
    let version = match env.negotiate(config) {
        Ok(v) => v,
        Err(e) => return vec![e.line().to_string()],
    };
    let mut lines = vec![format!("VERSION {version}")];
    if let Err(e) = env.config(version, config) {
        lines.push(e.line().to_string());
    }
    lines
}

/// A client PT 1.0 environment with `extra` added.
pub fn client_env<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", "/var/lib/tor/pt_state/"),
        ("TOR_PT_CLIENT_TRANSPORTS", "obfs4"),
    ];
    v.extend_from_slice(extra);
    v
}

/// A server PT 1.0 environment with `extra` added (no ORPort: add one).
pub fn server_env<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_STATE_LOCATION", "/var/lib/tor/pt_state/"),
    ];
    v.extend_from_slice(extra);
    v
}
