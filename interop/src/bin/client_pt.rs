//! A managed client Pluggable Transport that records what its parent sends it.
//!
//! Launched by tor (`ClientTransportPlugin a,b exec client_pt RECORD_FILE`), it reads its
//! environment with pt-env (writing `VERSION 1`, or the error line pt-env gives and exiting),
//! opens one SOCKS listener per transport in `TOR_PT_CLIENT_TRANSPORTS` (SOCKS4 for names ending
//! in `4`, SOCKS5 otherwise), announces them on stdout, and for every connection runs the
//! pt-socks server handshake, appends one line to RECORD_FILE, and answers "succeeded" without
//! dialing anything. It exits when its stdin closes (`TOR_PT_EXIT_ON_STDIN_CLOSE`).
//!
//! Record lines are tab-separated: transport, SOCKS version, UNAME/USERID hex, PASSWD hex,
//! target, and then either `ok` and the hex of the arguments re-encoded with `pt_args::socks`
//! (tor's escaping, `Escaping::Minimal`: any bytes, exactly), or `err` and the parse (or
//! re-encoding) error.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use pt_args::socks::Escaping;
use pt_env::{Config, Dialect, Env, PtConfig, Stream};
use pt_interop::hex;
use pt_ipc::pt::Setup;
use pt_ipc::{Cmethod, Message, MethodError, Protocol, Text};
use pt_socks::server::Policy;
use pt_socks::socks5::ReplyCode;

fn main() {
    let record = std::env::args()
        .nth(1)
        .expect("usage: client_pt RECORD_FILE");
    let out = Arc::new(Mutex::new(
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&record)
            .expect("open record file"),
    ));
    // The environment, through pt-env: VERSION first, then the rest (or the error's line).
    let vars = pt_env::vars_os();
    let env = Env::from_pairs(&vars);
    let config = Config::DEFAULT;
    let version = env
        .negotiate(&config)
        .unwrap_or_else(|e| fail(Setup::failed(None, &e, None)));
    let setup = Setup::new(&version);
    let dialect = version.dialect();
    let client = match env.config(version, &config) {
        Ok(PtConfig::Client(c)) => c,
        Ok(PtConfig::Server(_)) => {
            let mut lines = setup.lines().to_vec();
            let text = "client_pt is a client PT: TOR_PT_SERVER_TRANSPORTS is set";
            lines.push(Message::EnvError(Text::new(text).expect("one line")));
            emit(&lines, dialect);
            std::process::exit(1);
        }
        Err(e) => fail(Setup::failed(Some(setup), &e, Some(dialect))),
    };
    if client.proxy.is_some() {
        // It dials nothing, so it cannot honour an upstream proxy: fail closed.
        let mut lines = setup.lines().to_vec();
        let text = "client_pt does not dial, so it cannot use a proxy";
        lines.push(Message::ProxyError(Text::new(text).expect("one line")));
        emit(&lines, dialect);
        std::process::exit(1);
    }
    let mut methods = Vec::new();
    for name in client.transports.iter().map(|t| t.as_str()) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let proto = if name.ends_with('4') {
            Protocol::Socks4
        } else {
            Protocol::Socks5
        };
        methods.push(
            Cmethod::new(name, proto, addr)
                .map(Cmethod::into_owned)
                .map_err(|e| {
                    MethodError::new(name, "cannot announce this listener")
                        .map(MethodError::into_owned)
                        .unwrap_or_else(|_| panic!("{e}"))
                }),
        );
        let (name, out) = (name.to_owned(), Arc::clone(&out));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (name, out) = (name.clone(), Arc::clone(&out));
                std::thread::spawn(move || serve(stream, &name, &out));
            }
        });
    }
    // VERSION, the CMETHOD lines and CMETHODS DONE, written through pt-ipc.
    let setup = setup.client(false, methods);
    emit(setup.lines(), dialect);
    // Exit when the parent closes our stdin.
    let mut sink = [0u8; 64];
    while std::io::stdin().read(&mut sink).is_ok_and(|n| n > 0) {}
}

/// Writes `lines` (encoded by pt-ipc) to the stream each goes to in `dialect`.
fn emit(lines: &[Message<'_>], dialect: Dialect) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for m in lines {
        match m.stream(dialect) {
            Stream::Stdout => m.encode(&mut out),
            Stream::Stderr => m.encode(&mut err),
        }
        .expect("a Vec has room");
    }
    std::io::stdout().write_all(&out).ok();
    std::io::stdout().flush().ok();
    std::io::stderr().write_all(&err).ok();
}

/// Writes the lines of a failed setup where its dialect puts them and exits with its code.
fn fail(setup: Setup<'_>) -> ! {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    setup.write(&mut out, &mut err).expect("a Vec has room");
    std::io::stdout().write_all(&out).ok();
    std::io::stdout().flush().ok();
    std::io::stderr().write_all(&err).ok();
    std::process::exit(i32::from(setup.exit_code().unwrap_or(1)));
}

fn serve(mut stream: std::net::TcpStream, name: &str, out: &Mutex<std::fs::File>) {
    let line = match pt_interop::socks::accept(&mut stream, Policy::default(), |_| {
        ReplyCode::SUCCEEDED
    }) {
        Ok(a) => {
            // The arguments are bytes: re-encoded as tor encodes them and written in hex;
            // one with a NUL cannot be re-encoded, and says so.
            let minimal = |args| pt_args::socks::to_vec_with(args, Escaping::Minimal);
            let args = match a.args.as_ref().map(minimal) {
                Ok(Ok(wire)) => format!("ok\t{}", hex(&wire)),
                Ok(Err(e)) => format!("err\tre-encoding: {e}"),
                Err(e) => format!("err\t{e}"),
            };
            let field = |f: &Option<Vec<u8>>| f.as_deref().map(hex).unwrap_or_else(|| "-".into());
            format!(
                "{name}\t{}\t{}\t{}\t{}\t{args}\n",
                a.version,
                field(&a.uname),
                field(&a.passwd),
                a.target
            )
        }
        Err(e) => format!("{name}\terror\t{e}\n"),
    };
    eprintln!("client_pt: {}", line.trim_end());
    if let Ok(mut f) = out.lock() {
        let _ = f.write_all(line.as_bytes());
    }
}
