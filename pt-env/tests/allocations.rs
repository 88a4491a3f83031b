//! What parsing asks of the heap, counted with a counting global allocator around
//! `std::alloc::System` (`stats_alloc`; the workspace forbids `unsafe_code`, so this test cannot
//! implement `GlobalAlloc` itself). Values borrow from the input: the allocations are the lists
//! (transports, bind addresses, option groups) and the one unescaped copy of escaped options.
//!
//! The file holds exactly one test, so nothing else allocates while it counts.

mod common;

use std::alloc::System;
use std::hint::black_box;

use common::{env_dump, read_testdata};
use pt_env::{Config, Env};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Calls to `alloc`/`realloc` made by `f` (not by the drop of its result).
fn calls<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let region = Region::new(GLOBAL);
    let out = black_box(f());
    let change = region.change();
    (out, change.allocations + change.reallocations)
}

#[test]
fn heap_use_of_parsing_tors_environments() {
    let client = env_dump(&read_testdata("tor-client/main/pt-env.txt"));
    let server = env_dump(&read_testdata("tor-server/main/pt-env.txt"));
    let multi = env_dump(&read_testdata(
        "tor-server/multi-transport-no-extorport/pt-env.txt",
    ));

    // Collecting the variables and negotiating: nothing.
    let (env, n) = calls(|| Env::from_pairs(&client));
    assert_eq!(n, 0);
    let (version, n) = calls(|| env.negotiate(&Config::DEFAULT).unwrap());
    assert_eq!(n, 0);

    // The client: the transport list only.
    let (c, n) = calls(|| env.config(version, &Config::DEFAULT).unwrap());
    assert_eq!(n, 1, "{c:?}");

    // The server with five options, four of them escaped: the transport list, the option
    // group (its list, its index, its unescaped copies) and the bind addresses.
    let (s, server_calls) = calls(|| pt_env::parse(&server, &Config::DEFAULT).unwrap());
    println!("server: {server_calls} allocations");
    assert_eq!(server_calls, 5, "{s:?}");

    // Two transports, two option groups, nothing escaped: no copy of any value.
    let (m, multi_calls) = calls(|| pt_env::parse(&multi, &Config::DEFAULT).unwrap());
    println!("multi-transport: {multi_calls} allocations");
    assert_eq!(multi_calls, 4, "{m:?}");

    // A missing variable: the error holds no copy, nothing is allocated.
    let bad = [
        ("TOR_PT_MANAGED_TRANSPORT_VER", "1"),
        ("TOR_PT_CLIENT_TRANSPORTS", "x"),
    ];
    let (e, n) = calls(|| pt_env::parse(&bad, &Config::DEFAULT).unwrap_err());
    assert_eq!(n, 0, "{e:?}");
}
