//! The parent-side session checkers (`pt_ipc::session::Session`) with arbitrary sequences of
//! messages and of raw bytes: never a panic, nothing accepted after a failure, and feeding the
//! same lines as bytes or one by one gives the same verdict.
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_ipc::Message;
use pt_ipc::session::{Event, Session};

fn session(server: bool, proxy: bool) -> Session {
    if server {
        Session::server(&["1", "2.2"], &["obfs4", "a"])
    } else {
        Session::client(&["1", "2.2"], &["obfs4", "a"], proxy)
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(server), Ok(proxy)) = (bool::arbitrary(&mut u), bool::arbitrary(&mut u)) else {
        return;
    };
    // Arbitrary messages, checked one by one.
    let mut s = session(server, proxy);
    let mut text = Vec::new();
    for _ in 0..64 {
        if u.is_empty() {
            break;
        }
        let Ok(m) = Message::arbitrary(&mut u) else {
            break;
        };
        m.encode(&mut text).unwrap();
        let failed = s.is_failed();
        match s.message(m) {
            Ok(_) => assert!(!failed),
            Err(_) => assert!(failed),
        }
    }
    // The same lines as a byte stream.
    let mut s2 = session(server, proxy);
    let mut rest = &text[..];
    while let Ok(p) = s2.advance(rest) {
        rest = &rest[p.consumed..];
        if matches!(p.event, Event::NeedInput) {
            break;
        }
    }
    assert_eq!(s2.is_failed(), s.is_failed());
    assert_eq!(s2.is_done(), s.is_done());
    // Raw bytes.
    let mut s3 = session(server, proxy);
    let mut rest = u.take_rest();
    while let Ok(p) = s3.advance(rest) {
        rest = &rest[p.consumed..];
        if matches!(p.event, Event::NeedInput) {
            break;
        }
    }
    let _ = s3.finish(rest);
});
