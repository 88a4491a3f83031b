//! Bad environments given to real PTs (`testdata/obfs4proxy/badenv-results.json`,
//! `testdata/snowflake-client/badenv-results.json`: obfs4proxy 0.0.14 and snowflake-client
//! 2.5.1, each started under ~28 environments, stdout recorded).
//!
//! For each environment we compute the lines a PT following this crate writes itself
//! (`VERSION`, then any `VERSION-ERROR` / `ENV-ERROR` / `PROXY-ERROR`, with `Config::DEFAULT`)
//! and compare them with the same lines of the real PT's stdout (its `CMETHOD`, `SMETHOD`,
//! `PROXY DONE`, `CMETHOD-ERROR` lines are the PT's business, not the environment's). They are
//! equal, or the case is listed below with what we write instead and the
//! `docs/behaviours.md` row that explains it.

mod common;

use std::collections::BTreeMap;

use common::{first_lines, read_testdata};
use pt_env::Config;
use serde_json::Value;

/// One recorded run: its environment and its stdout lines.
struct Run {
    env: Vec<(String, String)>,
    stdout: Vec<String>,
}

fn runs(rel: &str) -> BTreeMap<String, Run> {
    let json: Value = serde_json::from_slice(&read_testdata(rel)).unwrap();
    let obj = json.as_object().expect("an object of runs");
    obj.iter()
        .map(|(name, run)| {
            let env = run["env"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            let stdout = run["stdout"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap().to_owned())
                .collect();
            (name.clone(), Run { env, stdout })
        })
        .collect()
}

/// The lines a PT writes because of its environment.
fn env_lines(stdout: &[String]) -> Vec<String> {
    stdout
        .iter()
        .filter(|l| {
            let kw = l.split(' ').next().unwrap_or("");
            matches!(
                kw,
                "VERSION" | "VERSION-ERROR" | "ENV-ERROR" | "PROXY-ERROR"
            )
        })
        .cloned()
        .collect()
}

fn ours(run: &Run) -> Vec<String> {
    let pairs: Vec<(&str, &str)> = run
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    first_lines(&pairs, &Config::DEFAULT)
}

/// A case where our lines differ: what we write, and the behaviours row.
struct Differs {
    case: &'static str,
    ours: &'static [&'static str],
    row: &'static str,
}

/// Compares every run of `rel`, expecting exactly the differences in `differs`.
fn compare(rel: &str, differs: &[Differs]) {
    let runs = runs(rel);
    assert!(runs.len() >= 25, "{rel}: {} runs", runs.len());
    for d in differs {
        assert!(runs.contains_key(d.case), "{rel}: no case {}", d.case);
    }
    for (name, run) in &runs {
        let got = ours(run);
        let theirs = env_lines(&run.stdout);
        match differs.iter().find(|d| d.case == name) {
            Some(d) => {
                assert_eq!(
                    got, d.ours,
                    "{rel} {name} (ours; see behaviours: `{}`)",
                    d.row
                );
                assert_ne!(
                    got, theirs,
                    "{rel} {name}: listed as differing but the same"
                );
            }
            None => assert_eq!(got, theirs, "{rel} {name}"),
        }
    }
}

/// obfs4proxy 0.0.14: 28 environments.
#[test]
fn obfs4proxy_verdicts() {
    let differs = [
        // obfs4proxy prints nothing (stderr: "must be run as a managed transport"); we check
        // the version first, as goptlib and the spec's workflow do.
        Differs {
            case: "no-pt-env-at-all",
            ours: &["ENV-ERROR no TOR_PT_MANAGED_TRANSPORT_VER environment variable"],
            row: "env-client-or-server",
        },
        Differs {
            case: "no-transports",
            ours: &[
                "VERSION 1",
                "ENV-ERROR not launched as a managed transport: neither \
                 TOR_PT_CLIENT_TRANSPORTS nor TOR_PT_SERVER_TRANSPORTS is set",
            ],
            row: "env-client-or-server",
        },
        // obfs4proxy checks the state location before the version: the same ENV-ERROR, after
        // VERSION here.
        Differs {
            case: "client-no-state-location",
            ours: &[
                "VERSION 1",
                "ENV-ERROR no TOR_PT_STATE_LOCATION environment variable",
            ],
            row: "env-check-order",
        },
        // obfs4proxy treats `*` as an unknown transport (CMETHOD-ERROR) and keeps running.
        Differs {
            case: "client-star",
            ours: &[
                "VERSION 1",
                "ENV-ERROR TOR_PT_CLIENT_TRANSPORTS: invalid transport name \"*\" at byte 0: \
                 expected [a-zA-Z_][a-zA-Z0-9_]*",
            ],
            row: "env-transport-names",
        },
        // obfs4proxy exits silently (rc 1) on these two; we fail closed with a PROXY-ERROR.
        Differs {
            case: "proxy-not-a-url",
            ours: &[
                "VERSION 1",
                "PROXY-ERROR proxy URI is relative, must be absolute (<scheme>://...)",
            ],
            row: "env-proxy-fail-closed",
        },
        Differs {
            case: "proxy-socks5-no-port",
            ours: &[
                "VERSION 1",
                "PROXY-ERROR proxy URI has invalid host: missing port: \"127.0.0.1\"",
            ],
            row: "env-proxy-fail-closed",
        },
        // The same ENV-ERROR, with pt-args' wording of the problem (obfs4proxy: `no colon in
        // "iat-mode"`).
        Differs {
            case: "server-options-no-prefix",
            ours: &[
                "VERSION 1",
                "ENV-ERROR TOR_PT_SERVER_TRANSPORT_OPTIONS: \"iat-mode=1\": missing ':' at \
                 byte 8: expected ':' after the transport name",
            ],
            row: "env-error-wording",
        },
    ];
    compare("obfs4proxy/badenv-results.json", &differs);
}

/// The first line alone: the same as obfs4proxy's, except where obfs4proxy printed nothing or
/// checked the state location first.
#[test]
fn obfs4proxy_first_lines() {
    let runs = runs("obfs4proxy/badenv-results.json");
    let mut differing = Vec::new();
    for (name, run) in &runs {
        let got = ours(run);
        let theirs = env_lines(&run.stdout);
        if got.first() != theirs.first() {
            differing.push(name.as_str());
        }
    }
    assert_eq!(
        differing,
        [
            "client-no-state-location",
            "no-pt-env-at-all",
            "no-transports"
        ]
    );
}

/// snowflake-client 2.5.1, a client-only PT that refuses every proxy ("proxy is not
/// supported") and reads the state location before anything else.
#[test]
fn snowflake_verdicts() {
    const SERVER_CASES: [&str; 7] = [
        "server-bindaddr-malformed",
        "server-bindaddr-other-transport",
        "server-extport-empty",
        "server-extport-no-cookie",
        "server-no-orport",
        "server-options-iat-mode-1",
        "server-options-no-prefix",
    ];
    let runs = runs("snowflake-client/badenv-results.json");
    for (name, run) in &runs {
        let got = ours(run);
        let theirs = env_lines(&run.stdout);
        if name.starts_with("proxy-") && theirs.len() == 2 {
            // A policy of snowflake's, not a property of the environment: it refuses proxies
            // it could parse. Our line for a good proxy is none; for a bad one a PROXY-ERROR.
            assert_eq!(got[0], "VERSION 1", "{name}");
            assert!(theirs[1].starts_with("PROXY-ERROR"), "{name}");
            continue;
        }
        match name.as_str() {
            // No variable at all: snowflake complains about the state location first.
            "no-pt-env-at-all" => assert_eq!(
                theirs,
                ["ENV-ERROR no TOR_PT_STATE_LOCATION environment variable"]
            ),
            // As for obfs4proxy: the state location after VERSION (behaviours:
            // `env-check-order`).
            "client-no-state-location" => assert_eq!(got, ["VERSION 1", theirs[0].as_str()]),
            // Client-only, snowflake names the client variable; we name both (behaviours:
            // `env-client-or-server`).
            "no-transports" => {
                assert_eq!(
                    theirs,
                    [
                        "VERSION 1",
                        "ENV-ERROR no TOR_PT_CLIENT_TRANSPORTS environment variable"
                    ]
                );
                assert_eq!(got[0], "VERSION 1");
                assert!(got[1].starts_with("ENV-ERROR not launched as a managed transport"));
            }
            // As for obfs4proxy (behaviours: `env-transport-names`, `env-proxy-fail-closed`):
            // snowflake writes VERSION and no error line of its own.
            "client-star" | "proxy-not-a-url" | "proxy-socks5-no-port" => {
                assert_eq!(theirs, ["VERSION 1"], "{name}");
                assert_eq!(got.len(), 2, "{name}");
                assert_eq!(got[0], "VERSION 1");
            }
            n if SERVER_CASES.contains(&n) => {
                // Server environments: snowflake is client-only.
                assert_eq!(
                    theirs[1],
                    "ENV-ERROR no TOR_PT_CLIENT_TRANSPORTS environment variable"
                );
                assert_eq!(got[0], "VERSION 1");
            }
            _ => assert_eq!(got, theirs, "{name}"),
        }
    }
}
