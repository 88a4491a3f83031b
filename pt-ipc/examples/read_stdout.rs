//! Reads a PT's stdout (a file, or standard input) as a parent would and prints the events.
//!
//! ```sh
//! cargo run -p pt-ipc --example read_stdout -- client fake5 < testdata/tor-client/main/pt-stdout.txt
//! cargo run -p pt-ipc --example read_stdout -- server obfs4 testdata/obfs4proxy/interop/obfs4-server-stdout.txt
//! ```
//!
//! Arguments: `client` or `server`, the requested transports (comma-separated), and optionally
//! a file. The exit status is 0 when the PT completed setup, 1 when tor would have killed it.

use std::io::Read;

use pt_ipc::session::{Event, Session};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let side = args.first().map_or("client", String::as_str);
    let transports: Vec<&str> = args.get(1).map_or("", String::as_str).split(',').collect();
    let mut input = Vec::new();
    match args.get(2) {
        Some(path) => input = std::fs::read(path).expect("read the file"),
        None => {
            std::io::stdin()
                .read_to_end(&mut input)
                .expect("read stdin");
        }
    }
    let mut session = match side {
        "server" => Session::server(&["1"], &transports),
        _ => Session::client(&["1"], &transports, false),
    };
    let mut rest = &input[..];
    loop {
        let p = match session.advance(rest) {
            Ok(p) => p,
            Err(e) => {
                println!("stopped: {e}");
                break;
            }
        };
        rest = &rest[p.consumed..];
        match p.event {
            Event::NeedInput => {
                let end = session.finish(rest).expect("session not over");
                match end.event {
                    Event::Failed(why) => println!("failed: {why}"),
                    Event::Closed => println!("output ended after setup"),
                    other => println!("{other:?}"),
                }
                break;
            }
            Event::MethodReady { method, requested } => println!(
                "ready: {} at {}{}",
                method.transport(),
                method.addr(),
                if requested { "" } else { " (not requested)" }
            ),
            Event::Log(l) => println!("log {}: {}", l.severity(), l.message_lossy()),
            Event::Ignored { line, error } => match error {
                Some(e) => println!("ignored ({e}): {}", String::from_utf8_lossy(line)),
                None => println!("ignored: {}", String::from_utf8_lossy(line)),
            },
            Event::Failed(why) => {
                println!("failed: {why}");
                break;
            }
            other => println!("{other:?}"),
        }
    }
    for m in session.launched() {
        println!("launched {} {}", m.transport, m.addr);
    }
    std::process::exit(if session.is_done() { 0 } else { 1 });
}
