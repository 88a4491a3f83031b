//! From a bridge line to the SOCKS credentials tor sends the client PT, and back.
//!
//! Run: `cargo run -p pt-args --example bridge_line [BRIDGE LINE]`
//!
//! Without an argument it uses Tor Browser's built-in snowflake bridge, whose SOCKS arguments
//! (384 bytes) do not fit in one RFC 1929 field: tor splits them into UNAME (255 bytes) and
//! PASSWD (the rest), and the PT joins them back before parsing.

use pt_args::bridge::BridgeLine;
use pt_args::socks::{self, Config};

/// Tor Browser's built-in snowflake bridge, as listed in tor-browser-build's
/// `projects/tor-expert-bundle/pt_config.json` (the address is a documentation placeholder
/// that the snowflake PT does not connect to).
const SNOWFLAKE: &str = "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72 \
    fingerprint=2B280B23E1107BB62ABFC40DDCC8824814F80A72 url=https://1098762253.rsc.cdn77.org/ \
    fronts=www.cdn77.com,www.phpmyadmin.net \
    ice=stun:stun.antisip.com:3478,stun:stun.epygi.com:3478,stun:stun.uls.co.za:3478,\
stun:stun.voipgate.com:3478,stun:stun.mixvoip.com:3478,stun:stun.nextcloud.com:3478,\
stun:stun.bethesda.net:3478,stun:stun.nextcloud.com:443 utls-imitate=hellorandomizedalpn";

fn main() {
    let arg = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let text = if arg.is_empty() { SNOWFLAKE } else { &arg };
    if let Err(e) = run(text) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(text: &str) -> Result<(), pt_args::Error> {
    let line = BridgeLine::parse(text)?;
    println!("bridge line   {line}");
    match line.transport() {
        Some(t) => println!("transport     {t}"),
        None => println!("transport     (none: a plain bridge, no SOCKS arguments)"),
    }
    println!("address       {}", line.addr());
    if let Some(fp) = line.fingerprint() {
        println!("fingerprint   {fp}");
    }

    // The parent side: what tor writes to the PT's SOCKS port.
    let wire = line.socks_args();
    println!(
        "\nSOCKS args    {} bytes (limit {})",
        wire.len(),
        socks::MAX_SOCKS5_ARGS
    );
    println!("              {}", show(&wire));
    match socks::to_rfc1929(&wire)? {
        None => println!("SOCKS5        no arguments: tor offers only method 00 (no auth)"),
        Some(fields) => {
            println!("SOCKS5        greeting 05 02 00 02, then RFC 1929:");
            println!(
                "  ULEN  {:>3}   UNAME  {}",
                fields.uname.len(),
                show(fields.uname)
            );
            println!(
                "  PLEN  {:>3}   PASSWD {}",
                fields.passwd.len(),
                show(fields.passwd)
            );

            // The PT side: join UNAME + PASSWD (unless PASSWD is the NUL marker) and parse.
            let args = socks::parse_rfc1929(fields.uname, fields.passwd, Config::LENIENT)?;
            println!("\nThe PT reads {} arguments:", args.len());
            for (k, v) in &args {
                println!("  {:<13} {}", show(k), show(v));
            }
        }
    }
    println!(
        "\nSOCKS4        USERID = all {} bytes, then a NUL",
        wire.len()
    );
    Ok(())
}

/// Printable bytes as text, anything else as \xNN.
fn show(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() {
                char::from(b).to_string()
            } else {
                format!("\\x{b:02x}")
            }
        })
        .collect()
}
