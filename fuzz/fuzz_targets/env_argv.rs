//! The PT 2.x/3.0 command line (`pt_env::Env::with_argv`): any argv gives flags or an error,
//! never a panic; the flags give a configuration or an error in every dialect; an error is one
//! printable line; whatever parses and builds parses back to itself; a PT 2.x/3.0 configuration
//! made of arbitrary parts builds into an argv that parses back to it.
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_args::TransportName;
use pt_env::{
    ClientConfig, Config, Dialects, Env, FlagSpec, FsPath, HostPort, LogLevel, Mode, Proxy,
    PtConfig, ServerConfig, Version,
};

const ALL: Config = Config::DEFAULT.with_dialects(Dialects::ALL);
const OWN: [FlagSpec<'static>; 2] = [
    FlagSpec::value("logLevel"),
    FlagSpec::boolean("enableLogging"),
];

fuzz_target!(|data: &[u8]| {
    // Arguments separated by NUL bytes, which an argv cannot hold.
    let argv: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    match Env::new().with_argv(argv.iter().copied(), &OWN) {
        Err(e) => assert!(!e.line().to_string().contains('\n')),
        Ok(env) => {
            for policy in [
                ALL,
                Config::LENIENT.with_dialects(Dialects::ALL),
                Config::STRICT.with_dialects(Dialects::ALL),
            ] {
                match env.parse(&policy) {
                    Err(e) => {
                        let line = e.line().to_string();
                        assert!(line.is_ascii() && !line.contains('\n'), "{line:?}");
                    }
                    Ok(c) => {
                        if let Ok(a) = c.to_argv() {
                            let again = Env::new()
                                .with_argv(a.iter(), &[])
                                .and_then(|e| e.parse(&policy));
                            assert_eq!(again.as_ref(), Ok(&c), "{a:?}");
                        }
                    }
                }
            }
        }
    }
    let _ = structured(&mut Unstructured::new(data));
});

/// A socket address with no IPv6 scope id or flow label, which `<address>:<port>` cannot
/// carry (the builders refuse them).
fn addr(u: &mut Unstructured<'_>) -> libfuzzer_sys::arbitrary::Result<std::net::SocketAddr> {
    let a = std::net::SocketAddr::arbitrary(u)?;
    Ok(std::net::SocketAddr::new(a.ip(), a.port()))
}

/// A PT 2.x/3.0 configuration from arbitrary parts: `to_argv` builds it and the parser reads it
/// back, or `to_argv` refuses it for a documented reason.
fn structured(u: &mut Unstructured<'_>) -> libfuzzer_sys::arbitrary::Result<()> {
    let version = match u.int_in_range(0..=2)? {
        0 => Version::V2,
        1 => Version::V2_2,
        _ => Version::V3_0,
    };
    let state = Some(FsPath::arbitrary(u)?);
    let transports: Vec<TransportName<'static>> = (0..u.int_in_range(1..=3)?)
        .map(|_| TransportName::arbitrary(u))
        .collect::<Result<_, _>>()?;
    let mode = Option::<Mode>::arbitrary(u)?;
    let level = Option::<LogLevel>::arbitrary(u)?;
    let config = if bool::arbitrary(u)? {
        let mut s = ServerConfig::new(version, state, transports.clone());
        s.common.mode = mode;
        s.common.ipc_log_level = level;
        s.common.exit_on_stdin_close = bool::arbitrary(u)?;
        if bool::arbitrary(u)? {
            s = s.with_bind_addr(transports[0].clone(), addr(u)?);
        }
        s.or_port = Some(HostPort::arbitrary(u)?);
        if bool::arbitrary(u)? {
            s = s.with_ext_or_port(addr(u)?, FsPath::arbitrary(u)?);
        }
        PtConfig::Server(s)
    } else {
        let pt3 = version == Version::V3_0;
        let mut c = ClientConfig::new(version, state, transports);
        c.common.mode = mode;
        c.common.ipc_log_level = level;
        c.proxy = Option::<Proxy<'static>>::arbitrary(u)?;
        c.proxy_listen = if bool::arbitrary(u)? {
            Some(addr(u)?)
        } else {
            None
        };
        if !pt3 {
            c.target = Option::<HostPort<'static>>::arbitrary(u)?;
        }
        PtConfig::Client(c)
    };
    let argv = config.to_argv().expect("a PT 2.x/3.0 configuration builds");
    let back = Env::new()
        .with_argv(argv.iter(), &[])
        .and_then(|e| e.parse(&ALL));
    assert_eq!(back.as_ref(), Ok(&config), "{argv:?}");
    Ok(())
}
