//! Zero allocations for the four benchmark lines, proven with a counting global allocator
//! (`stats_alloc`; the workspace forbids the `unsafe` a `GlobalAlloc` of our own would need).
//! One test in this file, so no other test thread allocates while it measures.

use std::alloc::System;
use std::hint::black_box;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

use pt_ipc::Message;
use pt_ipc::session::{Event, Session};
use pt_ipc::split::{self, Splitter};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const CMETHOD: &[u8] = b"CMETHOD obfs4 socks5 127.0.0.1:37347";
const SMETHOD: &[u8] = b"SMETHOD obfs4 198.51.100.1:43734 ARGS:cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw,iat-mode=0";
const LOG: &[u8] = br#"LOG SEVERITY=debug MESSAGE="Connected to bridge A""#;
const STATUS: &[u8] = br#"STATUS TRANSPORT=obfs4 ADDRESS=198.51.100.123:1234 CONNECT=Failed ERROR="connection refused" MESSAGE="dial tcp 198.51.100.123:1234: \"refused\"""#;

fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let region = Region::new(GLOBAL);
    let value = f();
    let change = region.change();
    (change.allocations + change.reallocations, value)
}

#[test]
fn parsing_the_benchmark_lines_does_not_allocate() {
    // CMETHOD, SMETHOD with its ARGS decoded, LOG with its message, STATUS with its pairs
    // checked and the unescaped values read.
    let (n, _) = allocations(|| {
        let Message::Cmethod(c) = Message::parse(black_box(CMETHOD)).unwrap() else {
            panic!()
        };
        black_box(c.addr());
        let Message::Smethod(s) = Message::parse(black_box(SMETHOD)).unwrap() else {
            panic!()
        };
        let args = s.args(pt_args::smethod::Config::LENIENT).unwrap().unwrap();
        black_box(args.get("cert"));
        let Message::Log(l) = Message::parse(black_box(LOG)).unwrap() else {
            panic!()
        };
        black_box(l.message());
        let Message::Status(st) = Message::parse(black_box(STATUS)).unwrap() else {
            panic!()
        };
        black_box(st.transport());
        black_box(st.pairs().get("ERROR"));
    });
    assert_eq!(n, 0);

    // Encoding into a stack buffer.
    let m = Message::parse(SMETHOD).unwrap();
    let (n, _) = allocations(|| {
        let mut buf = [0u8; 256];
        let mut out = &mut buf[..];
        black_box(m.encode(&mut out).unwrap());
    });
    assert_eq!(n, 0);

    // The splitter, and a session checker after its construction, over a whole stdout
    // (methods are kept by the session: one allocation each, measured below).
    let stdout = b"VERSION 1\nLOG SEVERITY=notice MESSAGE=\"starting\"\nCMETHODS DONE\n";
    let mut session = Session::client(&["1"], &["obfs4"], false);
    let (n, _) = allocations(|| {
        let mut sp = Splitter::new();
        let mut rest = &stdout[..];
        while let p @ pt_ipc::Progress {
            event: split::Event::Line(_),
            ..
        } = sp.advance(rest)
        {
            rest = &rest[p.consumed..];
        }
        let mut rest = &stdout[..];
        loop {
            let p = session.advance(rest).unwrap();
            rest = &rest[p.consumed..];
            if matches!(p.event, Event::Done | Event::NeedInput) {
                break;
            }
        }
    });
    assert_eq!(n, 0);
    assert!(session.is_done());

    // Positive controls: the counter sees the allocations that do happen: a LOG message with
    // an escape (one copy), the value of STATUS's escaped MESSAGE, and a launched method.
    let (n, _) = allocations(|| {
        let Message::Log(l) =
            Message::parse(black_box(br#"LOG SEVERITY=info MESSAGE="a\"b""#)).unwrap()
        else {
            panic!()
        };
        black_box(l.message());
    });
    assert_eq!(n, 1);
    let Message::Status(st) = Message::parse(STATUS).unwrap() else {
        panic!()
    };
    let (n, _) = allocations(|| black_box(st.pairs().get("MESSAGE")));
    assert_eq!(n, 1);
    let mut s = Session::client(&["1"], &["obfs4"], false);
    s.line(b"VERSION 1").unwrap();
    let (n, _) = allocations(|| black_box(s.line(CMETHOD).unwrap()).clone());
    assert!(n >= 1);
}
