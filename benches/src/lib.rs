//! Benchmarks for pt-codecs live in `benches/`; this library holds the shared inputs.
//!
//! Run them with `cargo bench -p pt-benches`.

/// The 86-byte obfs4 SOCKS arguments of `perf-anchors.md`.
pub const OBFS4_ARGS: &str =
    "cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw;iat-mode=0";
