//! Benchmarks for pt-codecs live in `benches/`; this library holds the shared inputs.
//!
//! Run them with `cargo bench -p pt-benches`. The inputs are the ones the peers were measured
//! on, once, before these benches were written (goptlib's `parseClientParameters` and
//! `parseServerTransportOptions`, Arti's `encode_settings`, tor-socksproto's handshakes), so
//! the numbers compare directly; tor-socksproto also runs side by side in `benches/socks.rs`.
//! The peer figures quoted in `benches/args.rs` come from that one-off measurement, on a
//! 2-vCPU AMD EPYC VM: goptlib at commit e6425ce of the GitHub mirror torbsd/goptlib under
//! Go 1.19 (`go test -bench . -benchmem -count 3`, median of the 3 runs), and Arti's code in a
//! Rust `std::time::Instant` harness with a counting allocator (median of 3 runs of 7 samples).
//! They are a guide, not a promise for another machine.

use pt_args::Args;

/// The 86-byte obfs4 SOCKS arguments, as tor sends them: the `cert` and `iat-mode` of the
/// obfs4 server in the example server session of `pt-spec.txt` (Appendix B), joined with `;`.
pub const OBFS4_ARGS: &str =
    "cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw;iat-mode=0";

/// The obfs4 `cert` value inside [`OBFS4_ARGS`].
pub const OBFS4_CERT: &str =
    "HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw";

/// Escape-heavy SOCKS arguments, modelled on the `pt-spec.txt` example
/// `shared-secret=rahasia;secrets-file=/tmp/blob` with a `;`, backslashes and an `=` escaped in
/// the values, plus `iat-mode=0`, as they are on the wire (single backslashes). Decodes to
/// [`ESCAPE_HEAVY_PAIRS`].
pub const ESCAPE_HEAVY_ARGS: &str =
    r"shared-secret=rah\;asia;secrets-file=/tmp/bl\\ob;foo=a\=b\\c;iat-mode=0";

/// The decoded pairs of [`ESCAPE_HEAVY_ARGS`]; encoding them with the spec escaping gives
/// [`ESCAPE_HEAVY_ARGS`] back.
pub const ESCAPE_HEAVY_PAIRS: [(&str, &str); 4] = [
    ("shared-secret", "rah;asia"),
    ("secrets-file", r"/tmp/bl\ob"),
    ("foo", r"a=b\c"),
    ("iat-mode", "0"),
];

/// The obfs4 SMETHOD `ARGS:` value (86 bytes) of the example server session of `pt-spec.txt`
/// (Appendix B).
pub const OBFS4_SMETHOD_ARGS: &str =
    "cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw,iat-mode=0";

/// A `TOR_PT_SERVER_TRANSPORT_OPTIONS` value giving the same two obfs4 options.
pub const OBFS4_SERVER_OPTIONS: &str = "obfs4:cert=HszPy3vWfjsESCEOo9ZBkRv6zQ/1mGHzc8arF0y2SpwFr3WhsMu8rK0zyaoyERfbz3ddFw;obfs4:iat-mode=0";

/// Tor Browser's built-in snowflake bridge line (placeholder address), as listed in
/// tor-browser-build's `projects/tor-expert-bundle/pt_config.json`.
///
/// The same line `pt-args/tests/bridge_lines.rs` uses. Its SOCKS arguments are
/// [`SNOWFLAKE_SOCKS_ARGS_LEN`] bytes, so tor splits them across UNAME and PASSWD, the cut
/// falling inside `stun.mixvoip.com` (behaviours: `rfc1929-split-at-255`).
pub const SNOWFLAKE_BRIDGE_LINE: &str = "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72 \
fingerprint=2B280B23E1107BB62ABFC40DDCC8824814F80A72 url=https://1098762253.rsc.cdn77.org/ \
fronts=www.cdn77.com,www.phpmyadmin.net \
ice=stun:stun.antisip.com:3478,stun:stun.epygi.com:3478,stun:stun.uls.co.za:3478,\
stun:stun.voipgate.com:3478,stun:stun.mixvoip.com:3478,stun:stun.nextcloud.com:3478,\
stun:stun.bethesda.net:3478,stun:stun.nextcloud.com:443 utls-imitate=hellorandomizedalpn";

/// The length of the SOCKS arguments tor sends for [`SNOWFLAKE_BRIDGE_LINE`].
pub const SNOWFLAKE_SOCKS_ARGS_LEN: usize = 384;

/// `[("cert", OBFS4_CERT), ("iat-mode", "0")]`: the pairs behind [`OBFS4_ARGS`].
pub fn obfs4_pairs() -> Args<'static> {
    [("cert", OBFS4_CERT), ("iat-mode", "0")]
        .into_iter()
        .collect()
}

/// [`ESCAPE_HEAVY_PAIRS`] as [`Args`].
pub fn escape_heavy_pairs() -> Args<'static> {
    ESCAPE_HEAVY_PAIRS.into_iter().collect()
}
