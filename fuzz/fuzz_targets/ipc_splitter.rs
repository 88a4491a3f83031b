//! The line splitter (`pt_ipc::split::Splitter`) with chunked input: any bytes and any
//! chunking give the same lines as feeding everything at once, never more than the maximum
//! line length buffered, and never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pt_ipc::split::{Event, Splitter};

fn lines(data: &[u8], chunk: usize, max: usize) -> Vec<Option<Vec<u8>>> {
    let mut s = Splitter::with_max_line_len(max);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    for piece in data.chunks(chunk.max(1)) {
        buf.extend_from_slice(piece);
        loop {
            let p = s.advance(&buf);
            assert!(p.consumed <= buf.len());
            let got = match p.event {
                Event::Line(l) => Some(Some(l.to_vec())),
                Event::TooLong { .. } => Some(None),
                _ => None,
            };
            buf.drain(..p.consumed);
            match got {
                Some(g) => out.push(g),
                None => break,
            }
        }
        assert!(buf.len() <= max + 1);
    }
    match s.finish(&buf) {
        Event::Line(l) => out.push(Some(l.to_vec())),
        Event::TooLong { .. } => out.push(None),
        _ => {}
    }
    out
}

fuzz_target!(|input: (u8, u8, Vec<u8>)| {
    let (chunk, max, data) = input;
    let max = usize::from(max) + 1;
    let whole = lines(&data, data.len().max(1), max);
    assert_eq!(lines(&data, usize::from(chunk), max), whole);
    assert_eq!(lines(&data, 1, max), whole);
});
