//! pt-ipc against Arti's tor-ptmgr 0.47 (`tor_ptmgr::ipc::PtMessage`, parsed through
//! `FromStr`) on the four lines of the reference measurements, in the same run.
//!
//! `cd peer-benches && cargo bench --bench ipc_peers`. Both sides do what a parent needs from
//! the line: tor-ptmgr builds its message (owned strings and a map for SMETHOD ARGS and STATUS,
//! the LOG message unescaped); pt-ipc parses the borrowed message and reads the same values
//! (CMETHOD address, SMETHOD ARGS decoded, LOG message, STATUS pairs checked and TRANSPORT
//! read, and in the `_all_values` row every value decoded).

use std::hint::black_box;
use std::str::FromStr;

use divan::Bencher;
use pt_ipc::Message;
use tor_ptmgr::ipc::PtMessage;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

const CMETHOD: &str = "CMETHOD obfs4 socks5 127.0.0.1:37347";
const SMETHOD: &str = "SMETHOD obfs4 198.51.100.1:43734 ARGS:cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw,iat-mode=0";
const LOG: &str = r#"LOG SEVERITY=debug MESSAGE="Connected to bridge A""#;
const STATUS: &str = r#"STATUS TRANSPORT=obfs4 ADDRESS=198.51.100.123:1234 CONNECT=Failed ERROR="connection refused" MESSAGE="dial tcp 198.51.100.123:1234: \"refused\"""#;

fn main() {
    for l in [CMETHOD, SMETHOD, LOG, STATUS] {
        assert!(PtMessage::from_str(l).is_ok(), "tor-ptmgr parses {l}");
        assert!(Message::parse(l.as_bytes()).is_ok(), "pt-ipc parses {l}");
    }
    divan::main();
}

const LINES: [(&str, &str); 4] = [
    ("cmethod", CMETHOD),
    ("smethod", SMETHOD),
    ("log", LOG),
    ("status", STATUS),
];

#[divan::bench(args = ["cmethod", "smethod", "log", "status"], sample_size = 1000)]
fn tor_ptmgr(bencher: Bencher, which: &str) {
    let line = LINES.iter().find(|(n, _)| *n == which).unwrap().1;
    bencher.bench_local(|| PtMessage::from_str(black_box(line)).unwrap());
}

#[divan::bench(args = ["cmethod", "smethod", "log", "status", "status_all_values"], sample_size = 1000)]
fn pt_ipc(bencher: Bencher, which: &str) {
    let line = match which {
        "status_all_values" => STATUS,
        w => LINES.iter().find(|(n, _)| *n == w).unwrap().1,
    };
    let all = which == "status_all_values";
    bencher.bench_local(
        || match Message::parse(black_box(line.as_bytes())).unwrap() {
            Message::Cmethod(c) => c.addr().port() as usize,
            Message::Smethod(s) => {
                let args = s.args(pt_args::smethod::Config::LENIENT).unwrap().unwrap();
                args.get("cert").map_or(0, str::len) + args.len()
            }
            Message::Log(l) => l.message().len(),
            Message::Status(s) if all => s.pairs().iter().map(|(k, v)| k.len() + v.len()).sum(),
            Message::Status(s) => s.transport().map_or(0, |t| t.len()),
            _ => 0,
        },
    );
}
