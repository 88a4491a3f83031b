//! The heap claims of the crate docs, counted (issue 7, points 2 and 7): a counting global
//! allocator around `std::alloc::System` (`stats_alloc`, which counts every call and byte in
//! atomics; the workspace forbids `unsafe_code`, so this test cannot implement `GlobalAlloc`
//! itself) measures each operation.
//!
//! The file holds exactly one test, so nothing else allocates while it counts: the harness
//! runs it alone, and it prints nothing until it has measured everything.

mod common;

use std::alloc::System;
use std::hint::black_box;

use common::{OBFS4_BRIDGE, SNOWFLAKE_BRIDGE};
use pt_args::bridge::BridgeLine;
use pt_args::socks::{self, Config};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// What one measured operation asked of the allocator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Count {
    /// Calls to `alloc`, `alloc_zeroed` and `realloc`.
    calls: usize,
    /// Bytes requested: new blocks in full, grown blocks by their growth.
    bytes: usize,
}

/// Runs `f`, counting its allocations (not the drop of its result, which happens after).
fn count<T>(f: impl FnOnce() -> T) -> (T, Count) {
    let region = Region::new(GLOBAL);
    let out = black_box(f());
    let change = region.change();
    let count = Count {
        calls: change.allocations + change.reallocations,
        bytes: change.bytes_allocated,
    };
    (out, count)
}

/// The 86-byte SOCKS arguments of every obfs4 bridge (the spec's example cert, 70 characters).
const OBFS4_ARGS: &str =
    "cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw;iat-mode=0";

const NONE: Count = Count { calls: 0, bytes: 0 };

#[test]
fn heap_use_of_parsing_and_encoding() {
    // Prepared outside the measured regions.
    let huge_line = format!("obfs4 192.0.2.1:80 {}", vec!["k=v"; 250_000].join(" "));
    assert!(huge_line.len() > 1_000_000);
    let snowflake = BridgeLine::parse(SNOWFLAKE_BRIDGE).unwrap();
    let snowflake_wire = snowflake.socks_args();
    assert_eq!(snowflake_wire.len(), 384);
    let fields = socks::to_rfc1929(&snowflake_wire).unwrap().unwrap();
    assert_eq!((fields.uname.len(), fields.passwd.len()), (255, 129));
    let obfs4 = BridgeLine::parse(OBFS4_BRIDGE).unwrap();
    let mut buf = [0u8; 512];

    // Positive control: the counter sees allocations, from std and from this crate.
    let (_, control_std) = count(|| Vec::<u8>::with_capacity(100));
    let (escaped, control_escape) = count(|| socks::parse(r"k=a\;b").unwrap());
    let (_, control_owned) = count(|| socks::parse(OBFS4_ARGS).unwrap().into_owned());

    // The obfs4 args as a client PT receives them, and the value it needs.
    let (cert_len, obfs4_args) = count(|| {
        let args = socks::parse(OBFS4_ARGS).unwrap();
        args.get("cert").map(str::len)
    });
    let (_, obfs4_args_strict) = count(|| {
        let args = socks::parse_with(OBFS4_ARGS, Config::STRICT).unwrap();
        args.get("iat-mode").map(str::len)
    });
    // ... through RFC 1929 with the NUL password: UNAME is borrowed.
    let (borrowed, rfc1929_nul_marker) = count(|| {
        let args = socks::parse_rfc1929(OBFS4_ARGS.as_bytes(), b"\0", Config::LENIENT).unwrap();
        (args.is_borrowed(), args.get("cert").map(str::len))
    });
    // Split over UNAME and PASSWD: one copy, the join, which the `Args` keeps.
    let (joined, rfc1929_split) = count(|| {
        let args = socks::parse_rfc1929(fields.uname, fields.passwd, Config::LENIENT).unwrap();
        (args.len(), args.get("utls-imitate").map(str::len))
    });

    // Bridge lines: the obfs4 line (2 args) and Tor Browser's snowflake line (5 args).
    let (obfs4_line_args, obfs4_line) =
        count(|| BridgeLine::parse(OBFS4_BRIDGE).map(|l| l.args().len()));
    let (snowflake_line_args, snowflake_line) =
        count(|| BridgeLine::parse(SNOWFLAKE_BRIDGE).map(|l| l.args().len()));
    // Their SOCKS strings: one allocation of exactly the right size; none into a buffer.
    let (wire, socks_args_snowflake) = count(|| snowflake.socks_args());
    let (_, socks_args_obfs4) = count(|| obfs4.socks_args());
    let (written, encode_socks_args) = count(|| obfs4.encode_socks_args(&mut &mut buf[..]));

    // A 1 MB line of `k=v` items: refused once past 510 bytes without storing the rest (it
    // used to request about 25 MB in 16 allocations).
    let (huge, huge_line_count) = count(|| BridgeLine::parse(&huge_line).map(|l| l.args().len()));

    // Everything measured: now check.
    assert!(
        control_std.calls >= 1 && control_std.bytes >= 100,
        "{control_std:?}"
    );
    assert!(control_escape.calls >= 1, "{control_escape:?}");
    assert_eq!(escaped.get("k"), Some("a;b"));
    assert!(control_owned.calls >= 1, "{control_owned:?}");

    assert_eq!(cert_len, Some(70));
    assert_eq!(obfs4_args, NONE, "socks::parse of the obfs4 args + get");
    assert_eq!(
        obfs4_args_strict, NONE,
        "socks::parse_with(STRICT) of the obfs4 args"
    );
    assert_eq!(borrowed, (true, Some(70)));
    assert_eq!(
        rfc1929_nul_marker, NONE,
        "parse_rfc1929 with the NUL password"
    );
    assert_eq!(joined, (5, Some(19)));
    assert_eq!(
        rfc1929_split,
        Count {
            calls: 1,
            bytes: 384
        },
        "parse_rfc1929 split over UNAME and PASSWD: the join only"
    );

    assert_eq!(obfs4_line_args, Ok(2));
    assert_eq!(obfs4_line, NONE, "BridgeLine::parse of the obfs4 line");
    assert_eq!(snowflake_line_args, Ok(5));
    assert_eq!(
        snowflake_line, NONE,
        "BridgeLine::parse of the snowflake line"
    );
    assert_eq!(wire, snowflake_wire);
    assert_eq!(
        socks_args_snowflake,
        Count {
            calls: 1,
            bytes: 384
        },
        "socks_args()"
    );
    assert_eq!(
        socks_args_obfs4,
        Count {
            calls: 1,
            bytes: 86
        },
        "socks_args()"
    );
    assert_eq!(written, Ok(86));
    assert_eq!(encode_socks_args, NONE, "encode_socks_args into a slice");

    assert_eq!(
        huge,
        Err(pt_args::Error::TooLong {
            len: 4 * 250_000 - 1,
            max: 510
        })
    );
    assert!(
        huge_line_count.calls <= 8 && huge_line_count.bytes <= 16 * 1024,
        "refusing a 1 MB bridge line: {huge_line_count:?}"
    );
}
