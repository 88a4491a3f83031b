//! Properties: every generated message reads back as itself; every chunking of a stream
//! gives the same lines; no line or order of lines makes a session checker panic.

use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;

use pt_ipc::session::{Event, Session};
use pt_ipc::split::{self, Splitter};
use pt_ipc::{Config, Dialect, LevelLog, Message};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

fn lines_of(input: &[u8], chunk: usize, max: usize) -> Vec<Result<Vec<u8>, ()>> {
    let mut s = Splitter::with_max_line_len(max);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    for piece in input.chunks(chunk.max(1)) {
        buf.extend_from_slice(piece);
        loop {
            let p = s.advance(&buf);
            let got = match p.event {
                split::Event::Line(l) => Some(Ok(l.to_vec())),
                split::Event::TooLong { .. } => Some(Err(())),
                _ => None,
            };
            assert!(p.consumed <= buf.len());
            buf.drain(..p.consumed);
            match got {
                Some(g) => out.push(g),
                None => break,
            }
        }
        assert!(
            buf.len() <= max + 1,
            "the splitter buffers at most one line"
        );
    }
    match s.finish(&buf) {
        split::Event::Line(l) => out.push(Ok(l.to_vec())),
        split::Event::TooLong { .. } => out.push(Err(())),
        _ => {}
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn messages_round_trip(seed in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut u = Unstructured::new(&seed);
        if let Ok(m) = Message::arbitrary(&mut u) {
            let mut out = Vec::new();
            let n = m.encode(&mut out).unwrap();
            prop_assert_eq!(n, out.len());
            prop_assert_eq!(n, m.encoded_len());
            prop_assert_eq!(out.last(), Some(&b'\n'));
            prop_assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
            let back = Message::parse(&out[..n - 1]).unwrap();
            prop_assert_eq!(&back, &m);
            prop_assert_eq!(back.into_owned(), m);
        }
        let mut u = Unstructured::new(&seed);
        if let Ok(l) = LevelLog::arbitrary(&mut u) {
            let m = Message::LevelLog(l);
            let line = m.to_string();
            let pt22 = Config::LENIENT.with_dialect(Dialect::Pt22);
            prop_assert_eq!(Message::parse_with(line.as_bytes(), pt22).unwrap(), m);
        }
    }

    #[test]
    fn any_line_parses_or_fails_without_panicking(line in proptest::collection::vec(any::<u8>(), 0..120)) {
        for config in [Config::LENIENT, Config::STRICT, Config::LENIENT.with_dialect(Dialect::Pt22)] {
            if let Ok(m) = Message::parse_with(&line, config) {
                // What parses encodes to a line that parses to the same message.
                let text = m.to_string();
                prop_assert_eq!(Message::parse_with(text.as_bytes(), config.with_strict(false)).unwrap(), m);
            }
        }
    }

    #[test]
    fn every_chunking_gives_the_same_lines(
        parts in proptest::collection::vec(
            prop_oneof![
                Just(&b"VERSION 1\n"[..]),
                Just(&b"CMETHOD a socks5 127.0.0.1:1\r\n"[..]),
                Just(&b"LOG SEVERITY=info MESSAGE=\"x\"\n"[..]),
                Just(&b"\n"[..]),
                Just(&b"a very long line without an end "[..]),
            ],
            0..20,
        ),
        chunk in 1usize..40,
        max in 8usize..64,
    ) {
        let input: Vec<u8> = parts.concat();
        let whole = lines_of(&input, input.len().max(1), max);
        prop_assert_eq!(lines_of(&input, chunk, max), whole.clone());
        prop_assert_eq!(lines_of(&input, 1, max), whole);
    }

    #[test]
    fn sessions_never_panic(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("VERSION 1"), Just("VERSION 2"), Just("VERSION-ERROR no-version"),
                Just("ENV-ERROR x"), Just("PROXY DONE"), Just("PROXY-ERROR x"),
                Just("CMETHOD a socks5 127.0.0.1:1"), Just("CMETHOD b socks4 [::1]:2"),
                Just("CMETHOD-ERROR a no"), Just("CMETHODS DONE"),
                Just("SMETHOD a 127.0.0.1:1 ARGS:k=v"), Just("SMETHOD-ERROR a no"),
                Just("SMETHODS DONE"), Just("LOG SEVERITY=info MESSAGE=x"),
                Just("LOG x"), Just("STATUS K=v"), Just("FOO bar"), Just("CMETHOD x"),
                Just("### debug text"), Just(""),
            ],
            0..12,
        ),
        server in any::<bool>(),
        proxy in any::<bool>(),
    ) {
        let mut s = if server {
            Session::server(&["1"], &["a"])
        } else {
            Session::client(&["1"], &["a"], proxy)
        };
        let mut failed = false;
        for l in &lines {
            match s.line(l.as_bytes()) {
                Ok(Event::Failed(_)) => failed = true,
                Ok(_) => prop_assert!(!failed),
                Err(_) => prop_assert!(failed),
            }
        }
        let input: Vec<u8> = lines.iter().flat_map(|l| format!("{l}\n").into_bytes()).collect();
        let mut s2 = if server { Session::server(&["1"], &["a"]) } else { Session::client(&["1"], &["a"], proxy) };
        let mut buf = &input[..];
        while let Ok(p) = s2.advance(buf) {
            buf = &buf[p.consumed..];
            if matches!(p.event, Event::NeedInput | Event::Failed(_)) {
                break;
            }
        }
        prop_assert_eq!(s2.is_failed(), s.is_failed());
        prop_assert_eq!(s2.is_done(), s.is_done());
    }
}
