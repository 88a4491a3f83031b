//! Every line a PT writes to its parent: parsing (borrowed, zero-copy) and encoding.

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;
use core::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV6};

use bytes::BufMut;
use nom::Parser;
use nom::bytes::complete::take_while1;
use pt_env::{Dialect, Stream};

use crate::kvline::KvLine;
use crate::text::{Text, Token, line_breaker};
use crate::{Config, Error, KvProblem};

type Res<'a, T> = nom::IResult<&'a [u8], T>;

// ---------------------------------------------------------------------------------------------
// The line metaformat, `pt-spec.txt` section 3.3:
//
//   <Line> ::= <Keyword> <OptArgs> <NL>
//   <Keyword> ::= <KeywordChar> | <Keyword> <KeywordChar>
//   <KeywordChar> ::= <any US-ASCII alphanumeric, dash, and underscore>
//   <OptArgs> ::= <Args>*
//   <Args> ::= <SP> <ArgChar> | <Args> <ArgChar>
//   <ArgChar> ::= <any US-ASCII character but NUL or NL>
// ---------------------------------------------------------------------------------------------

/// `KeywordChar`
fn is_keyword_char(b: u8) -> bool {
    const TABLE: [bool; 256] = byte_table!(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    TABLE[usize::from(b)]
}

/// `Keyword = 1*KeywordChar`
fn keyword(i: &[u8]) -> Res<'_, &[u8]> {
    take_while1(is_keyword_char).parse(i)
}

/// The common case of the address rule, `IPv4 ":" port` with nothing after it, read byte by
/// byte; `None` for anything else (then pt-env's nom rule, [`pt_env::parse_socket_addr`],
/// decides). It accepts a subset of what that rule accepts, with the same result (the unit test
/// `fast_path_agrees` checks).
///
/// Hand-written because nom cost more than 20 % here: callgrind on the `parse_cmethod`
/// benchmark (`CMETHOD obfs4 socks5 127.0.0.1:37347`) counted 567 instructions per line in
/// `parse_addr` with nom rules alone, 198 with this path first (nom: 2.9 times as many).
#[inline(always)]
fn ipv4_port(b: &[u8]) -> Option<SocketAddr> {
    let digit = |i: usize| {
        let d = b.get(i)?.wrapping_sub(b'0');
        (d < 10).then_some(u32::from(d))
    };
    // `dec-octet` at `i`, and the offset after it: 1 to 3 digits, no leading zero, at most
    // 255 (a fourth digit fails on the separator after it).
    let octet = |i: usize| -> Option<(u8, usize)> {
        let a = digit(i)?;
        let Some(x) = digit(i + 1) else {
            return Some((a as u8, i + 1));
        };
        if a == 0 {
            return None;
        }
        let Some(y) = digit(i + 2) else {
            return Some(((a * 10 + x) as u8, i + 2));
        };
        Some((u8::try_from(a * 100 + x * 10 + y).ok()?, i + 3))
    };
    let mut octets = [0u8; 4];
    let mut i = 0;
    for (k, o) in octets.iter_mut().enumerate() {
        let (v, end) = octet(i)?;
        let sep = if k < 3 { b'.' } else { b':' };
        if b.get(end) != Some(&sep) {
            return None;
        }
        *o = v;
        i = end + 1;
    }
    // `port`: the rest of the field, digits (leading zeros taken, as tor's `strtol` takes
    // them) with a value of at most 65535.
    let digits = b.get(i..)?;
    if digits.is_empty() {
        return None;
    }
    let mut port = 0u16;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d >= 10 {
            return None;
        }
        port = port.checked_mul(10)?.checked_add(u16::from(d))?;
    }
    Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::from(octets)), port))
}

/// Reads a whole field as an address, refusing port 0 (tor does).
fn parse_addr(t: &str, at: usize, kw: &'static str) -> Result<SocketAddr, Error> {
    match ipv4_port(t.as_bytes()).or_else(|| pt_env::parse_socket_addr(t.as_bytes())) {
        Some(a) => {
            if a.port() == 0 {
                Err(Error::ZeroPort {
                    keyword: kw,
                    offset: at,
                })
            } else {
                Ok(a)
            }
        }
        _ => Err(Error::BadAddress {
            keyword: kw,
            offset: at,
        }),
    }
}

/// Writes an address as tor writes it (`[v6]:port`), with no allocation: IPv4 and the port
/// digit by digit (formatting through `core::fmt` took most of an encode), IPv6 through
/// `core::fmt` into a stack buffer.
fn put_addr(a: &SocketAddr, out: &mut impl FnMut(&str)) {
    struct Buf {
        b: [u8; 64],
        n: usize,
    }
    impl Buf {
        fn push(&mut self, s: &[u8]) {
            let end = (self.n + s.len()).min(self.b.len());
            if let Some(dst) = self.b.get_mut(self.n..end) {
                dst.copy_from_slice(s.get(..end - self.n).unwrap_or_default());
            }
            self.n = end;
        }
        fn num(&mut self, v: u16) {
            let mut d = [0u8; 5];
            let mut i = d.len();
            let mut v = v;
            loop {
                i -= 1;
                if let Some(x) = d.get_mut(i) {
                    *x = b'0' + (v % 10) as u8;
                }
                v /= 10;
                if v == 0 || i == 0 {
                    break;
                }
            }
            self.push(d.get(i..).unwrap_or_default());
        }
    }
    impl fmt::Write for Buf {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.push(s.as_bytes());
            Ok(())
        }
    }
    let mut b = Buf { b: [0; 64], n: 0 };
    match a {
        SocketAddr::V4(v4) => {
            for (i, o) in v4.ip().octets().into_iter().enumerate() {
                if i > 0 {
                    b.push(b".");
                }
                b.num(u16::from(o));
            }
        }
        // A plain `[ip]` (the parser never produces a scope id or flow info).
        SocketAddr::V6(v6) => {
            let _ = fmt::write(&mut b, format_args!("[{}]", v6.ip()));
        }
    }
    b.push(b":");
    b.num(a.port());
    out(core::str::from_utf8(b.b.get(..b.n).unwrap_or_default()).unwrap_or_default());
}

// ---------------------------------------------------------------------------------------------
// Field types
// ---------------------------------------------------------------------------------------------

/// The proxy protocol of a `CMETHOD`: `socks4`/`socks5` (PT 1.0), and the PT 2.x modes
/// `transparent-TCP`, `transparent-UDP`, `STUN` (pt2 Dispatcher IPC section 3).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Protocol {
    /// `socks4` (tor then speaks SOCKS4).
    Socks4,
    /// `socks5`.
    Socks5,
    /// `transparent-TCP` (PT 2.0 and later).
    TransparentTcp,
    /// `transparent-UDP` (PT 2.0 and later).
    TransparentUdp,
    /// `STUN` (PT 2.0 and later).
    Stun,
}

impl Protocol {
    /// The token as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Protocol::Socks4 => "socks4",
            Protocol::Socks5 => "socks5",
            Protocol::TransparentTcp => "transparent-TCP",
            Protocol::TransparentUdp => "transparent-UDP",
            Protocol::Stun => "STUN",
        }
    }

    /// Whether `dialect` has this protocol: PT 1.0 only the two SOCKS versions (tor refuses
    /// anything else), PT 2.0 and later all five (behaviours: `ipc-cmethod-mode-tokens`).
    pub const fn in_dialect(self, dialect: Dialect) -> bool {
        matches!(self, Protocol::Socks4 | Protocol::Socks5) || !matches!(dialect, Dialect::Pt1)
    }

    /// The protocol a token names in `dialect` (exact, case-sensitive, as tor and the
    /// dispatcher compare).
    pub fn parse(token: &[u8], dialect: Dialect) -> Option<Protocol> {
        let p = match token {
            b"socks4" => Protocol::Socks4,
            b"socks5" => Protocol::Socks5,
            b"transparent-TCP" => Protocol::TransparentTcp,
            b"transparent-UDP" => Protocol::TransparentUdp,
            b"STUN" => Protocol::Stun,
            _ => return None,
        };
        p.in_dialect(dialect).then_some(p)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A PT 1.0 `LOG` severity (`pt-spec.txt` section 3.3.4), exactly as tor's
/// `managed_proxy_severity_parse` accepts it (case-sensitive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Severity {
    /// `error`.
    Error,
    /// `warning`.
    Warning,
    /// `notice`.
    Notice,
    /// `info`.
    Info,
    /// `debug`.
    Debug,
}

impl Severity {
    const ALL: [Severity; 5] = [
        Severity::Error,
        Severity::Warning,
        Severity::Notice,
        Severity::Info,
        Severity::Debug,
    ];

    /// The token as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
            Severity::Info => "info",
            Severity::Debug => "debug",
        }
    }

    /// The severity a token names (`warn`, `err`, `WARNING` name none, as in tor).
    pub fn parse(token: &[u8]) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str().as_bytes() == token)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A PT 2.2 `LOG <LEVEL> <text>` level (pt2 Dispatcher IPC section 3; `NONE` is only a filter
/// value and never appears on a line).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Level {
    /// `ERROR`.
    Error,
    /// `WARN`.
    Warn,
    /// `INFO`.
    Info,
    /// `DEBUG`.
    Debug,
}

impl Level {
    const ALL: [Level; 4] = [Level::Error, Level::Warn, Level::Info, Level::Debug];

    /// The token as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }

    /// The level a token names (exact).
    pub fn parse(token: &[u8]) -> Option<Level> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().as_bytes() == token)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks a transport name (a C identifier, `pt-spec.txt` section 3.1) with pt-args' rule.
fn check_name(name: &str, at: usize, kw: &'static str) -> Result<(), Error> {
    pt_args::name::validate(name.as_bytes()).map_err(|e| Error::BadTransportName {
        keyword: kw,
        offset: at + e.offset().unwrap_or(0),
    })
}

/// `CMETHOD <transport> <protocol> <address:port>`: a client transport is listening.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cmethod<'a> {
    transport: Cow<'a, str>,
    protocol: Protocol,
    addr: SocketAddr,
    extra: Cow<'a, str>,
}

impl<'a> Cmethod<'a> {
    /// A CMETHOD line; fails unless `transport` is a C identifier and `addr` has a non-zero
    /// port.
    ///
    /// ```
    /// use pt_ipc::{Cmethod, Message, Protocol};
    /// let m = Cmethod::new("obfs4", Protocol::Socks5, "127.0.0.1:37347".parse().unwrap())?;
    /// assert_eq!(Message::Cmethod(m).to_string(), "CMETHOD obfs4 socks5 127.0.0.1:37347");
    /// # Ok::<(), pt_ipc::Error>(())
    /// ```
    pub fn new(transport: &'a str, protocol: Protocol, addr: SocketAddr) -> Result<Self, Error> {
        check_name(transport, 0, "CMETHOD")?;
        check_port(addr, "CMETHOD")?;
        Ok(Cmethod {
            transport: Cow::Borrowed(transport),
            protocol,
            addr: plain_addr(addr),
            extra: Cow::Borrowed(""),
        })
    }

    /// The transport name.
    pub fn transport(&self) -> &str {
        &self.transport
    }

    /// The protocol the parent must speak to the listener.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Where the listener is.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Fields after the address, verbatim (empty when there were none). The spec defines none
    /// and tor ignores them without a word; we keep them so a caller can report them
    /// (behaviours: `ipc-cmethod-extra-fields`).
    pub fn extra(&self) -> &str {
        &self.extra
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Cmethod<'static> {
        Cmethod {
            transport: Cow::Owned(self.transport.into_owned()),
            protocol: self.protocol,
            addr: self.addr,
            extra: Cow::Owned(self.extra.into_owned()),
        }
    }
}

fn check_port(addr: SocketAddr, kw: &'static str) -> Result<(), Error> {
    if addr.port() == 0 {
        return Err(Error::ZeroPort {
            keyword: kw,
            offset: 0,
        });
    }
    Ok(())
}

fn plain_addr(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(v6) => SocketAddr::V6(SocketAddrV6::new(*v6.ip(), v6.port(), 0, 0)),
        v4 => v4,
    }
}

/// `SMETHOD <transport> <address:port> [options]`: a server transport is listening.
///
/// The first option, when it starts with `ARGS:`, holds the arguments clients need
/// (`pt-spec.txt` section 3.3.3). tor examines only that one word and publishes the text after
/// `ARGS:` verbatim in the bridge's extra-info, so [`args_raw`](Self::args_raw) gives it as it
/// was written, and [`args`](Self::args) decodes it with [`pt_args::smethod`]. The lenient
/// policy accepts ARGS that do not decode (tor publishes them anyway); the strict one refuses
/// them (Arti's reading). Other options are kept verbatim in [`options`](Self::options)
/// (behaviours: `ipc-smethod-options`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Smethod<'a> {
    transport: Cow<'a, str>,
    addr: SocketAddr,
    args: Option<Cow<'a, str>>,
    options: Cow<'a, str>,
}

impl<'a> Smethod<'a> {
    /// An SMETHOD line without options; fails unless `transport` is a C identifier and `addr`
    /// has a non-zero port.
    pub fn new(transport: &'a str, addr: SocketAddr) -> Result<Self, Error> {
        check_name(transport, 0, "SMETHOD")?;
        check_port(addr, "SMETHOD")?;
        Ok(Smethod {
            transport: Cow::Borrowed(transport),
            addr: plain_addr(addr),
            args: None,
            options: Cow::Borrowed(""),
        })
    }

    /// This line with `ARGS:` and `args` encoded by [`pt_args::smethod`] (which refuses a space,
    /// tab, CR, LF or NUL, so the line cannot break).
    ///
    /// ```
    /// use pt_ipc::{Message, Smethod};
    /// let args: pt_args::Args = [("cert", "abc,def"), ("iat-mode", "0")].into_iter().collect();
    /// let m = Smethod::new("obfs4", "198.51.100.1:43734".parse().unwrap())?.with_args(&args)?;
    /// assert_eq!(
    ///     Message::Smethod(m).to_string(),
    ///     r"SMETHOD obfs4 198.51.100.1:43734 ARGS:cert=abc\,def,iat-mode=0"
    /// );
    /// # Ok::<(), pt_ipc::Error>(())
    /// ```
    pub fn with_args(mut self, args: &pt_args::Args<'_>) -> Result<Self, Error> {
        let text = pt_args::smethod::to_string(args)?;
        self.args = Some(Cow::Owned(text));
        Ok(self)
    }

    /// This line with further options after the `ARGS:` word, written verbatim. Fails on a
    /// NUL, LF or CR, or on text that starts with a space or with `ARGS:` (it would be read
    /// back as the ARGS).
    pub fn with_options(mut self, options: &'a str) -> Result<Self, Error> {
        if let Some(e) = line_breaker(options.as_bytes()) {
            return Err(e);
        }
        if options.starts_with(' ') || (self.args.is_none() && options.starts_with("ARGS:")) {
            return Err(Error::Unencodable {
                what: "SMETHOD options starting with a space, or with ARGS: where no ARGS are set",
            });
        }
        self.options = Cow::Borrowed(options);
        Ok(self)
    }

    /// The transport name.
    pub fn transport(&self) -> &str {
        &self.transport
    }

    /// Where clients reach the listener.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The text after `ARGS:`, exactly as written (what tor publishes), if the first option
    /// was an `ARGS:` word.
    pub fn args_raw(&self) -> Option<&str> {
        self.args.as_deref()
    }

    /// The ARGS decoded by [`pt_args::smethod`] with `config` (borrowing, no allocation unless
    /// a field held an escape); `None` when there were none.
    ///
    /// ```
    /// let line = b"SMETHOD obfs4 198.51.100.1:43734 ARGS:cert=HszPy3,iat-mode=0";
    /// let pt_ipc::Message::Smethod(m) = pt_ipc::Message::parse(line)? else { unreachable!() };
    /// let args = m.args(pt_args::smethod::Config::LENIENT).unwrap()?;
    /// assert_eq!(args.get("iat-mode"), Some("0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn args(
        &self,
        config: pt_args::smethod::Config,
    ) -> Option<Result<pt_args::Args<'_>, pt_args::Error>> {
        // The text is a `str`, UTF-8 already: no second check, whatever `config` asks.
        let config = config.with_require_utf8(false);
        self.args
            .as_deref()
            .map(|a| pt_args::smethod::parse_with(a, config))
    }

    /// The options after the ARGS word (or after the address when there was none), verbatim.
    pub fn options(&self) -> &str {
        &self.options
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Smethod<'static> {
        Smethod {
            transport: Cow::Owned(self.transport.into_owned()),
            addr: self.addr,
            args: self.args.map(|a| Cow::Owned(a.into_owned())),
            options: Cow::Owned(self.options.into_owned()),
        }
    }
}

/// `CMETHOD-ERROR <transport> <message>` or `SMETHOD-ERROR <transport> <message>`: one
/// transport failed to launch (not fatal: tor bug 7362).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MethodError<'a> {
    transport: Token<'a>,
    message: Text<'a>,
}

impl<'a> MethodError<'a> {
    /// A method error; `transport` must be a C identifier, `message` free [`Text`].
    pub fn new(transport: &'a str, message: &'a str) -> Result<Self, Error> {
        check_name(transport, 0, "METHOD-ERROR")?;
        Ok(MethodError {
            transport: Token::checked(transport),
            message: Text::new(message)?,
        })
    }

    /// The transport name as written (tor does not check it on this line, and neither does
    /// the lenient parser).
    pub fn transport(&self) -> &str {
        &self.transport
    }

    /// The message (may be empty).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> MethodError<'static> {
        MethodError {
            transport: self.transport.into_owned(),
            message: self.message.into_owned(),
        }
    }
}

/// `LOG SEVERITY=<severity> MESSAGE=<message>` (PT 1.0, `pt-spec.txt` section 3.3.4).
///
/// Both keys are required and the first of each counts; other keys are allowed and kept (tor
/// forwards them to its control port). The message is a plain word or a C string, decoded;
/// it borrows from the line unless it held an escape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log<'a> {
    severity: Severity,
    message: Cow<'a, [u8]>,
    pairs: KvLine<'a>,
}

impl<'a> Log<'a> {
    /// `LOG SEVERITY=<severity> MESSAGE=<message as a C string>`, as goptlib's `Log` writes it.
    /// Fails only on a NUL in `message`, which tor's decoder refuses.
    ///
    /// ```
    /// use pt_ipc::{Log, Message, Severity};
    /// let m = Log::new(Severity::Debug, b"Connected to bridge A")?;
    /// assert_eq!(
    ///     Message::Log(m).to_string(),
    ///     r#"LOG SEVERITY=debug MESSAGE="Connected to bridge A""#
    /// );
    /// # Ok::<(), pt_ipc::Error>(())
    /// ```
    pub fn new(severity: Severity, message: &[u8]) -> Result<Log<'static>, Error> {
        if let Some(offset) = memchr::memchr(0, message) {
            return Err(Error::Nul { offset });
        }
        let mut text = alloc::vec::Vec::with_capacity(26 + crate::cstring::encoded_len(message));
        text.extend_from_slice(b"SEVERITY=");
        text.extend_from_slice(severity.as_str().as_bytes());
        text.extend_from_slice(b" MESSAGE=");
        crate::cstring::put(message, &mut text);
        let text = String::from_utf8(text).unwrap_or_default();
        let pairs = KvLine::parse(&text, false)?.into_owned();
        Ok(Log {
            severity,
            message: Cow::Owned(message.to_vec()),
            pairs,
        })
    }

    /// The severity.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The message, decoded.
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// The message as text, with any invalid UTF-8 replaced.
    pub fn message_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.message)
    }

    /// All the pairs of the line, `SEVERITY` and `MESSAGE` included.
    pub fn pairs(&self) -> &KvLine<'a> {
        &self.pairs
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Log<'static> {
        Log {
            severity: self.severity,
            message: Cow::Owned(self.message.into_owned()),
            pairs: self.pairs.into_owned(),
        }
    }
}

/// `LOG <LEVEL> <text>` (PT 2.2 and later; pt2 Dispatcher IPC section 3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LevelLog<'a> {
    level: Level,
    text: Text<'a>,
}

impl<'a> LevelLog<'a> {
    /// A PT 2.2 log line.
    pub fn new(level: Level, text: Text<'a>) -> Self {
        LevelLog { level, text }
    }

    /// The level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> LevelLog<'static> {
        LevelLog {
            level: self.level,
            text: self.text.into_owned(),
        }
    }
}

/// `STATUS TRANSPORT=<transport> <K_1>=<V_1> ...` (`pt-spec.txt` section 3.3.5), or goptlib's
/// `STATUS TYPE=version IMPLEMENTATION=<impl> VERSION=<version>`.
///
/// tor 0.4.9 and Arti accept a STATUS line without `TRANSPORT` (the recorded
/// `log-status-preconfig` run shows no warning), so only the strict policy requires
/// `TRANSPORT` or `TYPE=version` (behaviours: `ipc-status-transport-key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status<'a> {
    pairs: KvLine<'a>,
}

impl<'a> Status<'a> {
    /// A STATUS line of these pairs; fails if there are none.
    ///
    /// ```
    /// use pt_ipc::{KvLine, Message, Status};
    /// let kv = KvLine::from_pairs([("TRANSPORT", &b"obfs4"[..]), ("CONNECT", b"Success")])?;
    /// assert_eq!(Message::Status(Status::new(kv)?).to_string(), "STATUS TRANSPORT=obfs4 CONNECT=Success");
    /// # Ok::<(), pt_ipc::Error>(())
    /// ```
    pub fn new(pairs: KvLine<'a>) -> Result<Self, Error> {
        if pairs.iter().next().is_none() {
            return Err(Error::Unencodable {
                what: "a STATUS line without pairs",
            });
        }
        Ok(Status { pairs })
    }

    /// goptlib's `ReportVersion`: `STATUS TYPE=version IMPLEMENTATION="<impl>" VERSION="<v>"`.
    pub fn version_report(implementation: &[u8], version: &[u8]) -> Result<Status<'static>, Error> {
        let mut text = alloc::vec::Vec::new();
        text.extend_from_slice(b"TYPE=version IMPLEMENTATION=");
        crate::cstring::encode(implementation, &mut text)?;
        text.extend_from_slice(b" VERSION=");
        crate::cstring::encode(version, &mut text)?;
        let text = String::from_utf8(text).unwrap_or_default();
        let pairs = KvLine::parse(&text, false)?.into_owned();
        Ok(Status { pairs })
    }

    /// The first `TRANSPORT` value.
    pub fn transport(&self) -> Option<Cow<'_, [u8]>> {
        self.pairs.get("TRANSPORT")
    }

    /// Whether this is a `TYPE=version` report (goptlib's `ReportVersion`, lyrebird).
    pub fn is_version_report(&self) -> bool {
        self.pairs.get("TYPE").as_deref() == Some(b"version")
    }

    /// The pairs.
    pub fn pairs(&self) -> &KvLine<'a> {
        &self.pairs
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Status<'static> {
        Status {
            pairs: self.pairs.into_owned(),
        }
    }
}

/// A line whose keyword this crate does not know. Parents must ignore it (`pt-spec.txt`
/// section 3.3); it is kept for the caller.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Unknown<'a> {
    keyword: Cow<'a, str>,
    rest: Cow<'a, str>,
}

impl<'a> Unknown<'a> {
    /// An unknown line; `keyword` must be US-ASCII letters, digits, `-` and `_` and not a
    /// keyword this crate knows, `rest` free [`Text`].
    pub fn new(keyword: &'a str, rest: Text<'a>) -> Result<Self, Error> {
        match self::keyword(keyword.as_bytes()) {
            Ok((tail, _)) if tail.is_empty() && Kw::of(keyword.as_bytes()).is_none() => {}
            _ => {
                return Err(Error::Unencodable {
                    what: "an unknown keyword (letters, digits, - and _, not a known keyword)",
                });
            }
        }
        Ok(Unknown {
            keyword: Cow::Borrowed(keyword),
            rest: Cow::Owned(String::from(rest.as_str())),
        })
    }

    /// The keyword.
    pub fn keyword(&self) -> &str {
        &self.keyword
    }

    /// The rest of the line after the keyword and its spaces.
    pub fn rest(&self) -> &str {
        &self.rest
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Unknown<'static> {
        Unknown {
            keyword: Cow::Owned(self.keyword.into_owned()),
            rest: Cow::Owned(self.rest.into_owned()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Message
// ---------------------------------------------------------------------------------------------

/// One line a PT writes to its parent (`pt-spec.txt` section 3.3; PT 2.x additions from the
/// pt2 Dispatcher IPC text), borrowed from the line.
///
/// Parse with [`Message::parse`] (the lenient PT 1.0 policy) or [`Message::parse_with`];
/// write with [`Message::encode`] (with the line feed) or `Display` (without it). Every value
/// is checked when it is made, so an encoded message is always one well-formed line that
/// parses back to the same message.
///
/// ```
/// use pt_ipc::Message;
///
/// let m = Message::parse(b"CMETHOD trebuchet socks5 127.0.0.1:19999")?;
/// let Message::Cmethod(c) = &m else { unreachable!() };
/// assert_eq!(c.addr().port(), 19999);
/// let mut out = Vec::new();
/// m.encode(&mut out)?;
/// assert_eq!(out, b"CMETHOD trebuchet socks5 127.0.0.1:19999\n");
///
/// // Keywords are whole words: tor 0.4.9 matches this one by prefix as a CMETHOD.
/// assert!(matches!(Message::parse(b"CMETHODX a b c")?, Message::Unknown(_)));
/// # Ok::<(), pt_ipc::Error>(())
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message<'a> {
    /// `VERSION <version>`: the version the PT chose.
    Version(Token<'a>),
    /// `VERSION-ERROR <message>` (usually `no-version`): no common version; the PT exits.
    VersionError(Text<'a>),
    /// `ENV-ERROR <message>`: the environment is bad; the PT exits.
    EnvError(Text<'a>),
    /// `PROXY DONE`: the PT will use `TOR_PT_PROXY`.
    ProxyDone,
    /// `PROXY-ERROR <message>`: the PT cannot use `TOR_PT_PROXY`; it exits.
    ProxyError(Text<'a>),
    /// `CMETHOD ...`: a client transport is ready.
    Cmethod(Cmethod<'a>),
    /// `CMETHOD-ERROR <transport> <message>`.
    CmethodError(MethodError<'a>),
    /// `CMETHODS DONE`: client setup is over.
    CmethodsDone,
    /// `SMETHOD ...`: a server transport is ready.
    Smethod(Smethod<'a>),
    /// `SMETHOD-ERROR <transport> <message>`.
    SmethodError(MethodError<'a>),
    /// `SMETHODS DONE`: server setup is over.
    SmethodsDone,
    /// PT 1.0 `LOG SEVERITY=... MESSAGE=...`.
    Log(Log<'a>),
    /// PT 2.2 `LOG <LEVEL> <text>`.
    LevelLog(LevelLog<'a>),
    /// `STATUS ...`.
    Status(Status<'a>),
    /// `CMESSAGE <text>` (PT 2.0 draft 1; never given a grammar): passed through.
    Cmessage(Text<'a>),
    /// `SMESSAGE <text>` (PT 2.0 draft 1; never given a grammar): passed through.
    Smessage(Text<'a>),
    /// Any other keyword.
    Unknown(Unknown<'a>),
}

/// The keywords this crate knows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kw {
    Version,
    VersionError,
    EnvError,
    Proxy,
    ProxyError,
    Cmethod,
    CmethodError,
    Cmethods,
    Smethod,
    SmethodError,
    Smethods,
    Log,
    Status,
    Cmessage,
    Smessage,
}

impl Kw {
    #[inline(always)]
    fn of(k: &[u8]) -> Option<Kw> {
        // A `match` on the bytes: the compiler switches on the length first.
        Some(match k {
            b"VERSION" => Kw::Version,
            b"VERSION-ERROR" => Kw::VersionError,
            b"ENV-ERROR" => Kw::EnvError,
            b"PROXY" => Kw::Proxy,
            b"PROXY-ERROR" => Kw::ProxyError,
            b"CMETHOD" => Kw::Cmethod,
            b"CMETHOD-ERROR" => Kw::CmethodError,
            b"CMETHODS" => Kw::Cmethods,
            b"SMETHOD" => Kw::Smethod,
            b"SMETHOD-ERROR" => Kw::SmethodError,
            b"SMETHODS" => Kw::Smethods,
            b"LOG" => Kw::Log,
            b"STATUS" => Kw::Status,
            b"CMESSAGE" => Kw::Cmessage,
            b"SMESSAGE" => Kw::Smessage,
            _ => return None,
        })
    }
}

/// The offset of the first space in `s`, or its length: eight bytes at a time over the first
/// [`SHORT_SCAN`] bytes (most fields are short, and a memchr call cost more than the scan: with
/// memchr, callgrind counted about 160 instructions per field of the `parse_cmethod` benchmark
/// line, field splitting included), then memchr for the rest (a long `ARGS:` word).
#[inline(always)]
fn find_space(s: &[u8]) -> usize {
    let (head, tail) = s.split_at(s.len().min(SHORT_SCAN));
    match find_word(head, |w| zero_bytes(w ^ SPACES), |b| b == b' ') {
        Some(at) => at,
        None if tail.is_empty() => head.len(),
        None => head.len() + memchr::memchr(b' ', tail).unwrap_or(tail.len()),
    }
}

/// How many bytes [`find_space`] scans eight at a time before using memchr (callgrind on the
/// benchmark lines: 64 cost the SMETHOD line 31 instructions more, for its long `ARGS:` word;
/// 16 as much; the CMETHOD line the same with all three).
const SHORT_SCAN: usize = 32;
/// The longest line [`check_line`] scans eight bytes at a time rather than with memchr (on the
/// benchmark lines, callgrind: at 36 bytes the word loop saved 16 instructions, at 51 it cost
/// 13 more).
const LINE_SCAN: usize = 40;
const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
const LINE_FEEDS: u64 = u64::from_le_bytes([b'\n'; 8]);

/// The high bit of each byte of `w` that is zero, exact for the lowest such byte (a byte above
/// a zero byte may be marked too, which [`find_word`] never looks at).
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & (ONES << 7)
}

/// The offset of the first byte of `s` that `hit` picks: `mark` gives the high bit of each such
/// byte among eight read little-endian (exact for the lowest, as [`zero_bytes`]). Words of
/// eight, the last one overlapping the one before; `hit` alone under eight bytes.
#[inline(always)]
fn find_word(s: &[u8], mark: impl Fn(u64) -> u64, hit: impl Fn(u8) -> bool) -> Option<usize> {
    let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
    let first = |m: u64| (m.trailing_zeros() / 8) as usize;
    if s.len() < 8 {
        return s.iter().position(|&b| hit(b));
    }
    let mut chunks = s.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let m = mark(word(c));
        if m != 0 {
            return Some(at + first(m));
        }
        at += 8;
    }
    let left = chunks.remainder().len();
    if left == 0 {
        return None;
    }
    // The last eight bytes, of which the first `8 - left` were read already (no hit there, so
    // nothing marked above them by a borrow): drop their bits.
    let m = mark(word(s.get(s.len() - 8..)?)) >> (8 * (8 - left));
    (m != 0).then(|| at + first(m))
}

/// The fields after the keyword, and where they are in the line.
struct Fields<'a> {
    line: &'a str,
    /// Offset of the first unread byte.
    pos: usize,
    strict: bool,
}

impl<'a> Fields<'a> {
    /// The next field and its offset. Lenient: any run of spaces separates; strict: one.
    #[inline(always)]
    fn next(&mut self) -> Result<Option<(&'a str, usize)>, Error> {
        let bytes = self.line.as_bytes();
        let pos = self.pos;
        let mut start = pos;
        while bytes.get(start) == Some(&b' ') {
            start += 1;
        }
        if start == bytes.len() {
            // Nothing left, or only spaces (strict: an empty field).
            if self.strict && start != pos {
                return Err(Error::EmptyField { offset: pos });
            }
            self.pos = start;
            return Ok(None);
        }
        if self.strict && start != pos + 1 {
            return Err(Error::EmptyField { offset: pos });
        }
        // `field = 1*(ArgChar but SP)`.
        let end = start + find_space(bytes.get(start..).unwrap_or_default());
        self.pos = end;
        // Two `split_at_checked` rather than `get(start..end)`, which stayed a call.
        let field = match self.line.split_at_checked(end) {
            Some((head, _)) => head.split_at_checked(start).map_or("", |(_, f)| f),
            None => "",
        };
        Ok(Some((field, start)))
    }

    #[inline(always)]
    fn need(&mut self, kw: &'static str, what: &'static str) -> Result<(&'a str, usize), Error> {
        // A `match`, not `ok_or`: building the error up front and dropping it cost 12
        // instructions per field.
        match self.next()? {
            Some(field) => Ok(field),
            None => Err(Error::MissingField {
                keyword: kw,
                field: what,
                offset: self.line.len(),
            }),
        }
    }

    /// The rest of the line after the separating space(s), and its offset.
    fn rest(&mut self) -> Result<(&'a str, usize), Error> {
        let bytes = self.line.as_bytes();
        let rest = bytes.get(self.pos..).unwrap_or_default();
        let skip = rest.iter().take_while(|&&b| b == b' ').count();
        if self.strict && !rest.is_empty() && (skip != 1 || rest.len() == 1) {
            return Err(Error::EmptyField { offset: self.pos });
        }
        let start = self.pos + skip;
        self.pos = bytes.len();
        let rest = self.line.split_at_checked(start).map_or("", |(_, r)| r);
        Ok((rest, start))
    }

    /// Fails on any further field (lenient: trailing spaces are fine).
    fn end(&mut self, kw: &'static str) -> Result<(), Error> {
        match self.next()? {
            None => Ok(()),
            Some((_, offset)) => Err(Error::ExtraField {
                keyword: kw,
                offset,
            }),
        }
    }
}

impl<'a> Message<'a> {
    /// Parses one line (without its line feed) with the lenient PT 1.0 policy
    /// ([`Config::LENIENT`]).
    pub fn parse(line: &'a [u8]) -> Result<Message<'a>, Error> {
        Message::parse_with(line, Config::LENIENT)
    }

    /// Parses one line (without its line feed) with `config`.
    ///
    /// The keyword is matched whole. A line whose keyword is malformed is an
    /// [`Error::BadKeyword`] (a parent ignores it); an unknown well-formed keyword is
    /// [`Message::Unknown`].
    pub fn parse_with(line: &'a [u8], config: Config) -> Result<Message<'a>, Error> {
        let strict = config.strict;
        let line = check_line(line, strict)?;
        let bytes = line.as_bytes();
        let kw_len = match keyword(bytes) {
            Ok((rest, k)) => match rest.first() {
                None | Some(b' ') => k.len(),
                Some(_) => return Err(Error::BadKeyword { offset: k.len() }),
            },
            Err(_) => return Err(Error::BadKeyword { offset: 0 }),
        };
        let (kw_bytes, _) = bytes.split_at(kw_len);
        let kw_str = line.get(..kw_len).unwrap_or_default();
        let mut f = Fields {
            line,
            pos: kw_len,
            strict,
        };
        let Some(kw) = Kw::of(kw_bytes) else {
            let (rest, _) = f.rest()?;
            return Ok(Message::Unknown(Unknown {
                keyword: Cow::Borrowed(kw_str),
                rest: Cow::Borrowed(rest),
            }));
        };
        let text =
            |f: &mut Fields<'a>, need: bool, name: &'static str| -> Result<Text<'a>, Error> {
                let (rest, at) = f.rest()?;
                if rest.is_empty() && need && strict {
                    return Err(Error::MissingField {
                        keyword: name,
                        field: "message",
                        offset: at,
                    });
                }
                Ok(Text::checked(rest))
            };
        Ok(match kw {
            Kw::Version => {
                let (v, _) = f.need("VERSION", "version")?;
                f.end("VERSION")?;
                Message::Version(Token::checked(v))
            }
            Kw::VersionError => Message::VersionError(text(&mut f, true, "VERSION-ERROR")?),
            Kw::EnvError => Message::EnvError(text(&mut f, true, "ENV-ERROR")?),
            Kw::ProxyError => Message::ProxyError(text(&mut f, true, "PROXY-ERROR")?),
            Kw::Cmessage => Message::Cmessage(text(&mut f, false, "CMESSAGE")?),
            Kw::Smessage => Message::Smessage(text(&mut f, false, "SMESSAGE")?),
            Kw::Proxy | Kw::Cmethods | Kw::Smethods => {
                let save = f.pos;
                match f.next()? {
                    Some(("DONE", _)) => {
                        if strict {
                            f.end(kw_name(kw))?;
                        }
                        match kw {
                            Kw::Proxy => Message::ProxyDone,
                            Kw::Cmethods => Message::CmethodsDone,
                            _ => Message::SmethodsDone,
                        }
                    }
                    _ => {
                        f.pos = save;
                        let (rest, _) = f.rest()?;
                        Message::Unknown(Unknown {
                            keyword: Cow::Borrowed(kw_str),
                            rest: Cow::Borrowed(rest),
                        })
                    }
                }
            }
            Kw::Cmethod => {
                let (name, at) = f.need("CMETHOD", "transport")?;
                check_name(name, at, "CMETHOD")?;
                let (proto, pat) = f.need("CMETHOD", "protocol")?;
                // `let else`, not `ok_or`: an error built up front is dropped on success.
                let Some(protocol) = Protocol::parse(proto.as_bytes(), config.dialect) else {
                    return Err(Error::BadProtocol { offset: pat });
                };
                let (a, aat) = f.need("CMETHOD", "address")?;
                let addr = parse_addr(a, aat, "CMETHOD")?;
                let (extra, _) = f.rest()?;
                Message::Cmethod(Cmethod {
                    transport: Cow::Borrowed(name),
                    protocol,
                    addr,
                    extra: Cow::Borrowed(extra),
                })
            }
            Kw::Smethod => {
                let (name, at) = f.need("SMETHOD", "transport")?;
                check_name(name, at, "SMETHOD")?;
                let (a, aat) = f.need("SMETHOD", "address")?;
                let addr = parse_addr(a, aat, "SMETHOD")?;
                let save = f.pos;
                let args = match f.next()? {
                    Some((word, wat)) if word.starts_with("ARGS:") => {
                        let raw = word.get(5..).unwrap_or_default();
                        if strict {
                            pt_args::smethod::parse_with(raw, pt_args::smethod::Config::STRICT)
                                .map_err(Error::SmethodArgs)?;
                            let _ = wat;
                        }
                        Some(Cow::Borrowed(raw))
                    }
                    _ => {
                        f.pos = save;
                        None
                    }
                };
                let (options, _) = f.rest()?;
                Message::Smethod(Smethod {
                    transport: Cow::Borrowed(name),
                    addr,
                    args,
                    options: Cow::Borrowed(options),
                })
            }
            Kw::CmethodError | Kw::SmethodError => {
                let name_kw = kw_name(kw);
                let (name, at) = f.need(name_kw, "transport")?;
                if strict {
                    check_name(name, at, name_kw)?;
                }
                let message = text(&mut f, false, name_kw)?;
                let e = MethodError {
                    transport: Token::checked(name),
                    message,
                };
                if kw == Kw::CmethodError {
                    Message::CmethodError(e)
                } else {
                    Message::SmethodError(e)
                }
            }
            Kw::Log => {
                let (rest, at) = f.rest()?;
                let level_form = config.dialect >= Dialect::Pt22
                    && !(!strict
                        && (rest.starts_with("SEVERITY=") || rest.starts_with("MESSAGE=")));
                if level_form {
                    let (lvl, text) = rest.split_once(' ').unwrap_or((rest, ""));
                    let level = Level::parse(lvl.as_bytes()).ok_or(Error::KvLine {
                        keyword: "LOG",
                        problem: KvProblem::BadSeverity,
                        offset: at,
                    })?;
                    let text = if strict {
                        text
                    } else {
                        text.trim_start_matches(' ')
                    };
                    Message::LevelLog(LevelLog {
                        level,
                        text: Text::checked(text),
                    })
                } else {
                    parse_log(rest, at, strict)?
                }
            }
            Kw::Status => {
                let (rest, at) = f.rest()?;
                let ([transport, kind], n) = crate::kvline::check_find(
                    rest.as_bytes(),
                    strict,
                    "STATUS",
                    [b"TRANSPORT", b"TYPE"],
                )
                .map_err(|e| e.shifted(at))?;
                let version_report =
                    kind.is_some_and(|k| decode_raw(k, strict).as_ref() == b"version");
                if n == 0 || strict && transport.is_none() && !version_report {
                    return Err(Error::KvLine {
                        keyword: "STATUS",
                        problem: KvProblem::MissingKey,
                        offset: line.len(),
                    });
                }
                let status = Status {
                    pairs: KvLine::checked(rest, strict),
                };
                Message::Status(status)
            }
        })
    }

    /// The keyword (`PROXY DONE`, `CMETHODS DONE` and `SMETHODS DONE` give their first word).
    pub fn keyword(&self) -> &str {
        match self {
            Message::Version(_) => "VERSION",
            Message::VersionError(_) => "VERSION-ERROR",
            Message::EnvError(_) => "ENV-ERROR",
            Message::ProxyDone => "PROXY",
            Message::ProxyError(_) => "PROXY-ERROR",
            Message::Cmethod(_) => "CMETHOD",
            Message::CmethodError(_) => "CMETHOD-ERROR",
            Message::CmethodsDone => "CMETHODS",
            Message::Smethod(_) => "SMETHOD",
            Message::SmethodError(_) => "SMETHOD-ERROR",
            Message::SmethodsDone => "SMETHODS",
            Message::Log(_) | Message::LevelLog(_) => "LOG",
            Message::Status(_) => "STATUS",
            Message::Cmessage(_) => "CMESSAGE",
            Message::Smessage(_) => "SMESSAGE",
            Message::Unknown(u) => u.keyword(),
        }
    }

    /// Calls `out` with each piece of the line, without the line feed.
    fn pieces(&self, out: &mut impl FnMut(&str)) {
        let with_text = |out: &mut dyn FnMut(&str), kw: &str, t: &str| {
            out(kw);
            if !t.is_empty() {
                out(" ");
                out(t);
            }
        };
        match self {
            Message::Version(v) => {
                out("VERSION ");
                out(v);
            }
            Message::VersionError(t) => with_text(out, "VERSION-ERROR", t),
            Message::EnvError(t) => with_text(out, "ENV-ERROR", t),
            Message::ProxyDone => out("PROXY DONE"),
            Message::ProxyError(t) => with_text(out, "PROXY-ERROR", t),
            Message::Cmethod(c) => {
                out("CMETHOD ");
                out(&c.transport);
                out(" ");
                out(c.protocol.as_str());
                out(" ");
                put_addr(&c.addr, out);
                if !c.extra.is_empty() {
                    out(" ");
                    out(&c.extra);
                }
            }
            Message::CmethodError(e) => {
                out("CMETHOD-ERROR ");
                with_text(out, &e.transport, &e.message);
            }
            Message::CmethodsDone => out("CMETHODS DONE"),
            Message::Smethod(s) => {
                out("SMETHOD ");
                out(&s.transport);
                out(" ");
                put_addr(&s.addr, out);
                if let Some(a) = &s.args {
                    out(" ARGS:");
                    out(a);
                }
                if !s.options.is_empty() {
                    out(" ");
                    out(&s.options);
                }
            }
            Message::SmethodError(e) => {
                out("SMETHOD-ERROR ");
                with_text(out, &e.transport, &e.message);
            }
            Message::SmethodsDone => out("SMETHODS DONE"),
            Message::Log(l) => {
                out("LOG ");
                out(l.pairs.as_str());
            }
            Message::LevelLog(l) => {
                out("LOG ");
                out(l.level.as_str());
                if !l.text.is_empty() {
                    out(" ");
                    out(&l.text);
                }
            }
            Message::Status(s) => {
                out("STATUS ");
                out(s.pairs.as_str());
            }
            Message::Cmessage(t) => with_text(out, "CMESSAGE", t),
            Message::Smessage(t) => with_text(out, "SMESSAGE", t),
            Message::Unknown(u) => with_text(out, &u.keyword, &u.rest),
        }
    }

    /// The length of the encoded line, line feed included.
    pub fn encoded_len(&self) -> usize {
        let mut n = 1;
        self.pieces(&mut |s| n += s.len());
        n
    }

    /// Writes the line and its line feed into `buf`, returning the bytes written; writes
    /// nothing and fails with [`Error::BufferTooSmall`] if `buf` has less room than
    /// [`encoded_len`](Self::encoded_len).
    pub fn encode(&self, buf: &mut impl BufMut) -> Result<usize, Error> {
        let needed = self.encoded_len();
        if buf.remaining_mut() < needed {
            return Err(Error::BufferTooSmall {
                needed,
                available: buf.remaining_mut(),
            });
        }
        self.pieces(&mut |s| buf.put_slice(s.as_bytes()));
        buf.put_u8(b'\n');
        Ok(needed)
    }

    /// The stream the PT writes this line to in `dialect`: stdout, except the error lines
    /// (`VERSION-ERROR`, `ENV-ERROR`, `PROXY-ERROR`, `CMETHOD-ERROR`, `SMETHOD-ERROR`) in PT 2.0
    /// and later, which go to stderr (pt2 Dispatcher IPC section 3; behaviours:
    /// `pt2-error-streams-exit-codes`). A parent should read both streams with the same parser.
    pub fn stream(&self, dialect: Dialect) -> Stream {
        match self {
            Message::VersionError(_)
            | Message::EnvError(_)
            | Message::ProxyError(_)
            | Message::CmethodError(_)
            | Message::SmethodError(_)
                if dialect != Dialect::Pt1 =>
            {
                Stream::Stderr
            }
            _ => Stream::Stdout,
        }
    }

    /// The `VERSION` line for a negotiated version.
    pub fn version(version: &pt_env::Version<'_>) -> Message<'static> {
        Message::Version(Token::checked(version.token()).into_owned())
    }

    /// The line of a pt-env error (`VERSION-ERROR`, `ENV-ERROR` or `PROXY-ERROR`).
    ///
    /// ```
    /// let err = pt_env::parse(&[("TOR_PT_MANAGED_TRANSPORT_VER", "2")], &pt_env::Config::DEFAULT)
    ///     .unwrap_err();
    /// assert_eq!(pt_ipc::Message::from_env_error(&err.line()).to_string(), "VERSION-ERROR no-version");
    /// ```
    pub fn from_env_error(line: &pt_env::ErrorLine) -> Message<'static> {
        // pt-env writes printable ASCII messages; anything else would be replaced.
        let text = Text::from_string(line.message.clone()).unwrap_or_else(|_| {
            Text::from_string(
                line.message
                    .replace(['\n', '\r', '\0'], " ")
                    .trim_start()
                    .into(),
            )
            .unwrap_or_else(|_| Text::checked("error").into_owned())
        });
        match line.keyword {
            pt_env::Keyword::VersionError => Message::VersionError(text),
            pt_env::Keyword::EnvError => Message::EnvError(text),
            pt_env::Keyword::ProxyError => Message::ProxyError(text),
        }
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> Message<'static> {
        match self {
            Message::Version(t) => Message::Version(t.into_owned()),
            Message::VersionError(t) => Message::VersionError(t.into_owned()),
            Message::EnvError(t) => Message::EnvError(t.into_owned()),
            Message::ProxyDone => Message::ProxyDone,
            Message::ProxyError(t) => Message::ProxyError(t.into_owned()),
            Message::Cmethod(c) => Message::Cmethod(c.into_owned()),
            Message::CmethodError(e) => Message::CmethodError(e.into_owned()),
            Message::CmethodsDone => Message::CmethodsDone,
            Message::Smethod(s) => Message::Smethod(s.into_owned()),
            Message::SmethodError(e) => Message::SmethodError(e.into_owned()),
            Message::SmethodsDone => Message::SmethodsDone,
            Message::Log(l) => Message::Log(l.into_owned()),
            Message::LevelLog(l) => Message::LevelLog(l.into_owned()),
            Message::Status(s) => Message::Status(s.into_owned()),
            Message::Cmessage(t) => Message::Cmessage(t.into_owned()),
            Message::Smessage(t) => Message::Smessage(t.into_owned()),
            Message::Unknown(u) => Message::Unknown(u.into_owned()),
        }
    }
}

fn kw_name(kw: Kw) -> &'static str {
    match kw {
        Kw::Proxy => "PROXY DONE",
        Kw::Cmethods => "CMETHODS DONE",
        Kw::Smethods => "SMETHODS DONE",
        Kw::CmethodError => "CMETHOD-ERROR",
        _ => "SMETHOD-ERROR",
    }
}

/// Decodes a value found by [`crate::kvline::check_find`].
fn decode_raw(raw: (&[u8], bool), strict: bool) -> Cow<'_, [u8]> {
    match raw {
        (v, true) => crate::cstring::decode(v, strict)
            .map(|(v, _)| v)
            .unwrap_or(Cow::Borrowed(v)),
        (v, false) => Cow::Borrowed(v),
    }
}

/// The PT 1.0 LOG arguments, checked and searched in one pass.
fn parse_log(rest: &str, at: usize, strict: bool) -> Result<Message<'_>, Error> {
    let ([sev, msg], _) =
        crate::kvline::check_find(rest.as_bytes(), strict, "LOG", [b"SEVERITY", b"MESSAGE"])
            .map_err(|e| e.shifted(at))?;
    let missing = || Error::KvLine {
        keyword: "LOG",
        problem: KvProblem::MissingKey,
        offset: at + rest.len(),
    };
    let sev = decode_raw(sev.ok_or_else(missing)?, strict);
    let severity = Severity::parse(&sev).ok_or_else(|| Error::KvLine {
        keyword: "LOG",
        problem: KvProblem::BadSeverity,
        offset: at + rest.find("SEVERITY=").unwrap_or(0) + 9,
    })?;
    let message = decode_raw(msg.ok_or_else(missing)?, strict);
    Ok(Message::Log(Log {
        severity,
        message,
        pairs: KvLine::checked(rest, strict),
    }))
}

/// Checks the line's bytes: no NUL or LF; trailing CRs dropped (lenient) or refused (strict);
/// UTF-8 (lenient) or US-ASCII (strict).
fn check_line(line: &[u8], strict: bool) -> Result<&str, Error> {
    let line = match line.split_last() {
        // Every trailing CR, so that the text before them reads back the same once encoded.
        Some((b'\r', _)) if !strict => {
            let keep = line.iter().rposition(|&b| b != b'\r').map_or(0, |p| p + 1);
            line.get(..keep).unwrap_or_default()
        }
        Some((b'\r', head)) => {
            return Err(Error::CarriageReturn { offset: head.len() });
        }
        _ => line,
    };
    // Eight bytes at a time on a short line (setting up memchr cost more), memchr beyond.
    let breaker = if line.len() <= LINE_SCAN {
        find_word(
            line,
            |w| zero_bytes(w) | zero_bytes(w ^ LINE_FEEDS),
            |b| b == 0 || b == b'\n',
        )
    } else {
        memchr::memchr2(0, b'\n', line)
    };
    if let Some(at) = breaker {
        return Err(if line.get(at) == Some(&0) {
            Error::Nul { offset: at }
        } else {
            Error::LineFeed { offset: at }
        });
    }
    if strict && let Some(offset) = line.iter().position(|b| !b.is_ascii()) {
        return Err(Error::NotAscii { offset });
    }
    core::str::from_utf8(line).map_err(|e| Error::NotUtf8 {
        offset: e.valid_up_to(),
    })
}

impl fmt::Display for Message<'_> {
    /// The line, without its line feed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut r = Ok(());
        self.pieces(&mut |s| {
            if r.is_ok() {
                r = f.write_str(s);
            }
        });
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the hand-written IPv4 path accepts, the nom rules accept with the same result.
    #[test]
    fn fast_path_agrees() {
        let octets = [
            "", "0", "00", "01", "1", "9", "10", "99", "100", "199", "255", "256", "299", "999",
            "1000", "x", "-1", " 1",
        ];
        let ports = [
            "", "0", "00", "1", "01", "65535", "065535", "65536", "99999", "100000", "1x", "+1",
        ];
        let mut accepted = 0;
        for a in octets {
            for b in ["0", "01", "255", "256"] {
                for p in ports {
                    for t in [
                        format!("{a}.1.{b}.2:{p}"),
                        format!("1.{a}.2.{b}:{p}"),
                        format!("{a}.{b}.{a}.{b}:{p}"),
                        format!("{a}.{b}.{a}:{p}"),
                        format!("{a}.{b}.{a}.{b}.1:{p}"),
                        format!("{a}.{b}.{a}.{b}:{p} "),
                        format!("{a}.{b}.{a}.{b}{p}"),
                    ] {
                        let fast = ipv4_port(t.as_bytes());
                        if fast.is_some() {
                            accepted += 1;
                            assert_eq!(fast, pt_env::parse_socket_addr(t.as_bytes()), "{t:?}");
                        }
                        if pt_env::parse_socket_addr(t.as_bytes()).is_some_and(|a| a.is_ipv4()) {
                            assert_eq!(fast, pt_env::parse_socket_addr(t.as_bytes()), "{t:?}");
                        }
                    }
                }
            }
        }
        assert!(accepted > 100, "{accepted}");
    }
}
