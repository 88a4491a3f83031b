//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use pt_socks::server::{self, Credentials, Event, Handshake, Policy};
use pt_socks::socks5::{Command, ReplyCode};
use pt_socks::{Error, Version};

pub fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(s.len().is_multiple_of(2), "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The repository's `testdata/` folder (recorded transcripts; see `testdata/README.md`).
pub fn fixtures() -> std::path::PathBuf {
    // The crate folder cargo names when it runs the test, so that a binary reused from another
    // checkout sharing the target folder (`.ci/run`'s fresh clone) reads this checkout's files.
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(
            || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            std::path::PathBuf::from,
        )
        .join("../testdata")
}

/// What a scripted server run saw and wrote.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ServerRun {
    pub out: Vec<u8>,
    /// Joined credentials: UNAME+PASSWD (raw, not joined by the NUL-password
    /// rule, behaviours: `rfc1929-nul-password-marker`), USERID or JSON.
    pub creds: Option<(Vec<u8>, Vec<u8>)>,
    pub request: Option<(Version, Command, String)>,
    pub leftover: Vec<u8>,
    pub error: Option<Error>,
    pub done: bool,
    /// How many times advance was called.
    pub calls: usize,
}

/// Feeds `chunks` one at a time to a server machine. Credentials are accepted when `accept`,
/// requests answered with `reply` (not at all when `None`).
pub fn run_server(
    policy: Policy,
    chunks: &[&[u8]],
    accept: bool,
    reply: Option<ReplyCode>,
) -> ServerRun {
    let mut hs = Handshake::new(policy);
    let mut run = ServerRun::default();
    let mut buf: Vec<u8> = Vec::new();
    let mut chunks = chunks.iter();
    'outer: loop {
        let p = match hs.advance(&buf, &mut run.out) {
            Ok(p) => p,
            Err(e) => {
                run.error = Some(e);
                break;
            }
        };
        run.calls += 1;
        let consumed = p.consumed;
        match p.event {
            Event::NeedInput => {
                buf.drain(..consumed);
                match chunks.next() {
                    Some(c) => buf.extend_from_slice(c),
                    None => break 'outer,
                }
                continue;
            }
            Event::Credentials(c) => {
                run.creds = Some(match c {
                    Credentials::UserPass(up) => (up.uname.to_vec(), up.passwd.to_vec()),
                    Credentials::UserId(id) => (id.to_vec(), Vec::new()),
                    Credentials::Json(j) => (j.json.to_vec(), Vec::new()),
                });
                if let Err(e) = hs.decide(accept, &mut run.out) {
                    run.error = Some(e);
                    break;
                }
            }
            Event::Request(r) => {
                run.request = Some((r.version, r.command, r.target.to_string()));
                match reply {
                    Some(code) => hs.reply(code, None, &mut run.out).expect("reply"),
                    None => break 'outer,
                }
                if !code_ok(reply) {
                    break;
                }
            }
            Event::Done => {
                run.done = true;
                buf.drain(..consumed);
                for c in chunks.by_ref() {
                    buf.extend_from_slice(c);
                }
                run.leftover = buf.clone();
                break;
            }
        }
        buf.drain(..consumed);
    }
    run
}

fn code_ok(reply: Option<ReplyCode>) -> bool {
    reply.is_some_and(|c| c.is_success())
}

/// Feeds the whole input at once.
pub fn run_server_whole(policy: Policy, input: &[u8]) -> ServerRun {
    run_server(policy, &[input], true, Some(ReplyCode::SUCCEEDED))
}

pub fn default_policy() -> server::Policy {
    server::Policy::default()
}

/// Minimal JSON string field extraction for the flat fixture objects.
pub fn json_str(obj: &str, key: &str) -> Option<String> {
    let pat = format!("\"{key}\": \"");
    let start = obj.find(&pat)? + pat.len();
    let mut out = String::new();
    let mut chars = obj[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'u' => {
                    let h: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
                }
                o => out.push(o),
            },
            c => out.push(c),
        }
    }
    None
}

/// The string items of a JSON array field.
pub fn json_str_array(obj: &str, key: &str) -> Option<Vec<String>> {
    let pat = format!("\"{key}\": [");
    let start = obj.find(&pat)? + pat.len();
    let end = start + obj[start..].find(']')?;
    Some(
        obj[start..end]
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .collect(),
    )
}

/// `(dir, hex)` of each step of an obfs4proxy transcript.
pub fn steps(obj: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = obj;
    while let Some(i) = rest.find("{\"dir\": \"") {
        let step = &rest[i..];
        let end = step.find('}').unwrap_or(step.len());
        let step = &step[..end];
        if let (Some(dir), Some(hex)) = (json_str(step, "dir"), json_str(step, "hex")) {
            out.push((dir, hex));
        }
        rest = &rest[i + end..];
    }
    out
}
