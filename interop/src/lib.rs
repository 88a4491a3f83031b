//! Blocking `std` drivers for the pt-codecs state machines, and the harness the interop tests
//! use to run real peers (tor, curl) on loopback.
//!
//! The codec crates do no I/O; this crate shows the few lines it takes to drive them over a
//! `std::net::TcpStream`, and is what the tests in `tests/` run against the real programs.
//! The interop tests are marked ignored (with the reason) so that `cargo test` on a machine without the peers says
//! so in its summary; `.ci/run` installs tor, obfs4proxy and curl and runs them with
//! `cargo test -p pt-interop -- --ignored`, where a missing peer is a failure.

pub mod extorport;
pub mod socks;
pub mod tor;

/// Waits up to 5 s for `child` (which was asked to exit) to end, then kills it. Only ever
/// the process the test started, by its handle.
pub fn wait_or_kill(child: &mut std::process::Child) {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(5) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Hex of `bytes`, for records and messages.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
