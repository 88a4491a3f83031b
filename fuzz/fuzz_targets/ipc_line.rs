//! One PT stdout line (`pt_ipc::Message::parse_with`): any bytes give a message or an error,
//! never a panic, under every policy and dialect; what parses encodes to one line that parses
//! back to the same message; an arbitrary valid message reads back as itself.
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_ipc::{Config, Dialect, Message};

fuzz_target!(|data: &[u8]| {
    for config in [
        Config::LENIENT,
        Config::STRICT,
        Config::LENIENT.with_dialect(Dialect::Pt22),
        Config::STRICT.with_dialect(Dialect::Pt3),
    ] {
        if let Ok(m) = Message::parse_with(data, config) {
            let mut out = Vec::new();
            let n = m.encode(&mut out).expect("a Vec has room");
            assert_eq!(n, m.encoded_len());
            assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
            let back = Message::parse_with(&out[..n - 1], config.with_strict(false))
                .expect("our encoding parses");
            assert_eq!(back, m);
        }
    }
    let mut u = Unstructured::new(data);
    if let Ok(m) = Message::arbitrary(&mut u) {
        let line = m.to_string();
        assert_eq!(Message::parse(line.as_bytes()).expect("valid message"), m);
    }
});
