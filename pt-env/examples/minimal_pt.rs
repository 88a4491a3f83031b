//! A minimal PT main: read the environment (and, for PT 2.x/3.0, the command line), print the
//! right first lines, and stop. It listens on nothing: the CMETHOD/SMETHOD addresses are
//! placeholders where a real PT would report its listeners.
//!
//! ```sh
//! TOR_PT_MANAGED_TRANSPORT_VER=1 TOR_PT_STATE_LOCATION=/tmp/x TOR_PT_CLIENT_TRANSPORTS=obfs4 \
//!     cargo run -p pt-env --example minimal_pt
//! # VERSION 1
//! # CMETHOD obfs4 socks5 127.0.0.1:1080
//! # CMETHODS DONE
//!
//! TOR_PT_MANAGED_TRANSPORT_VER=1 TOR_PT_STATE_LOCATION=/tmp/x TOR_PT_CLIENT_TRANSPORTS=obfs4 \
//!     TOR_PT_PROXY=socks5://localhost:1080 cargo run -p pt-env --example minimal_pt
//! # VERSION 1
//! # PROXY-ERROR proxy URI has invalid host: not an IP string: "localhost"
//!
//! cargo run -p pt-env --example minimal_pt -- -ptversion 3.0 -server -transport obfs4 \
//!     -bindaddr obfs4-127.0.0.1:4433 -target 127.0.0.1:9001
//! # VERSION 3.0
//! # SMETHOD obfs4 127.0.0.1:4433
//! # SMETHODS DONE
//! ```
//!
//! An error line goes where the dialect says (stdout in PT 1.0, stderr with a sysexits code
//! in PT 2.x/3.0), and the process exits with the error's code.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};

use pt_env::{Config, Dialect, Dialects, Env, Error, PtConfig, Stream};

fn main() {
    let vars = pt_env::vars_os();
    let argv: Vec<Vec<u8>> = std::env::args_os().skip(1).map(os_bytes).collect();
    let config = Config::DEFAULT.with_dialects(Dialects::ALL);

    // Step 1: what we were started with. A flag error comes before any version is agreed.
    let env = match Env::from_pairs(&vars).with_argv(&argv, &[]) {
        Ok(env) => env,
        Err(e) => fail(&e, None),
    };
    // Step 2: the version, then `VERSION <token>` before anything else.
    let version = match env.negotiate(&config) {
        Ok(v) => v,
        Err(e) => fail(&e, None),
    };
    let dialect = version.dialect();
    println!("VERSION {version}");
    // Steps 3 and 4: the rest. An error now comes after the VERSION line.
    match env.config(version, &config) {
        Ok(PtConfig::Client(client)) => {
            if client.proxy.is_some() {
                println!("PROXY DONE");
            }
            for (i, t) in client.transports.iter().enumerate() {
                let addr = client.proxy_listen.unwrap_or_else(|| placeholder(i));
                println!("CMETHOD {t} {} {addr}", client.common.mode());
            }
            println!("CMETHODS DONE");
        }
        Ok(PtConfig::Server(server)) => {
            for (i, t) in server.transports.iter().enumerate() {
                let addr = server.bind_addr(t).unwrap_or_else(|| placeholder(i));
                println!("SMETHOD {t} {addr}");
            }
            println!("SMETHODS DONE");
        }
        Err(e) => fail(&e, Some(dialect)),
    }
}

/// Where this example pretends transport `i` listens.
fn placeholder(i: usize) -> SocketAddr {
    let port = 1080u16.saturating_add(u16::try_from(i).unwrap_or(u16::MAX));
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// Writes the error's line where `dialect` wants it, and exits with its code.
fn fail(e: &Error, dialect: Option<Dialect>) -> ! {
    let line = e.line();
    match e.stream(dialect) {
        Stream::Stdout => println!("{line}"),
        Stream::Stderr => eprintln!("{line}"),
    }
    std::io::stdout().flush().ok();
    std::process::exit(i32::from(e.exit_code(dialect)));
}

fn os_bytes(s: std::ffi::OsString) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        s.into_vec()
    }
    #[cfg(not(unix))]
    {
        s.to_string_lossy().into_owned().into_bytes()
    }
}
