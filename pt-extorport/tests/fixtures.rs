//! The ExtORPort transcripts in `testdata/` replayed byte for byte: those recorded against tor
//! 0.4.9.11 (`tor-server/main/extorport-transcripts.jsonl`, a scripted PT talking to tor's
//! ExtORPort) through our PT-side machine as tor's peer and, reversed, through our tor-side
//! machine (it must send what tor sent and reach tor's verdict); and obfs4proxy 0.0.14's
//! exchange with a recording fake tor (`obfs4proxy/interop/extorport-from-obfs4proxy.jsonl`)
//! through both machines.

mod common;
use common::{fixtures, hex, hex32, run_client, run_server};

use pt_extorport::{Command, Cookie, Error, Parsed, client};
use serde_json::Value;

struct Case {
    name: String,
    cookie: [u8; 32],
    client_nonce: Option<[u8; 32]>,
    server_nonce: Option<[u8; 32]>,
    /// (from tor?, bytes) of every step that carried bytes.
    steps: Vec<(bool, Vec<u8>)>,
}

impl Case {
    fn from_json(v: &Value, name: &str) -> Case {
        let nonce = |k: &str| v.get(k).and_then(Value::as_str).map(hex32);
        Case {
            name: name.to_string(),
            cookie: hex32(v["cookie_hex"].as_str().unwrap()),
            client_nonce: nonce("client_nonce_hex"),
            server_nonce: nonce("server_nonce_hex"),
            steps: v["steps"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|s| {
                    let bytes = hex(s.get("hex")?.as_str()?);
                    (!bytes.is_empty()).then(|| (s["dir"] == "tor->pt", bytes))
                })
                .collect(),
        }
    }

    fn sent_by(&self, tor: bool) -> Vec<Vec<u8>> {
        self.steps
            .iter()
            .filter(|s| s.0 == tor)
            .map(|s| s.1.clone())
            .collect()
    }

    fn tor_okayed(&self) -> bool {
        self.sent_by(true)
            .last()
            .is_some_and(|b| b == &[0x10, 0, 0, 0])
    }
}

fn tor_cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(fixtures().join("tor-server/main/extorport-transcripts.jsonl"))
            .expect("testdata/tor-server/main/extorport-transcripts.jsonl");
    let cases: Vec<Case> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let name = v["case"].as_str().unwrap().to_string();
            Case::from_json(&v, &name)
        })
        .collect();
    assert_eq!(cases.len(), 13);
    cases
}

fn obfs4proxy_case() -> Case {
    let text = std::fs::read_to_string(
        fixtures().join("obfs4proxy/interop/extorport-from-obfs4proxy.jsonl"),
    )
    .expect("testdata/obfs4proxy/interop/extorport-from-obfs4proxy.jsonl");
    let v: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let mut case = Case::from_json(&v, "obfs4proxy");
    // obfs4proxy chose its nonce: the step after the auth type.
    let pt = case.sent_by(false);
    case.client_nonce = Some(pt[1].clone().try_into().unwrap());
    case
}

/// tor's verdict for each recorded case, as our tor-side machine must reach it.
fn expected_server_error(name: &str) -> Option<Error> {
    match name {
        "wrong-client-hash" => Some(Error::ClientHashMismatch),
        "bad-auth-type-2" => Some(Error::UnsupportedAuthType { found: 2 }),
        "transport-with-nul" => Some(Error::TransportNul { offset: 5 }),
        "bad-transport-name" => Some(Error::BadTransport { offset: 3 }),
        _ => None,
    }
}

fn replay_server(case: &Case) {
    let key = Cookie::new(case.cookie).key();
    let pt = case.sent_by(false);
    let chunks: Vec<&[u8]> = pt.iter().map(Vec::as_slice).collect();
    let run = run_server(&key, case.server_nonce.unwrap_or([0; 32]), &chunks, true);
    let tor_sent: Vec<u8> = case.sent_by(true).concat();
    // The auth-type list is all tor sent before closing on a bad auth type; otherwise tor's
    // bytes depend on its nonce, which we were given.
    assert_eq!(run.sent, tor_sent, "{}: the same bytes as tor", case.name);
    assert_eq!(run.done, case.tor_okayed(), "{}: tor's verdict", case.name);
    match (&run.error, expected_server_error(&case.name)) {
        (Some(e), Some(want)) => assert_eq!(*e, want, "{}", case.name),
        (Some(Error::BadUserAddr { .. }), None) if case.name.contains("useraddr") => {}
        (None, None) => assert!(run.decided, "{}", case.name),
        other => panic!("{}: {other:?}", case.name),
    }
    if !case.tor_okayed() {
        assert!(
            run.error.as_ref().is_some_and(Error::closes),
            "{}: tor closed",
            case.name
        );
    }
}

/// Our tor-side machine, fed what the PT sent tor, sends what tor sent and decides as tor did.
#[test]
fn tor_transcripts_through_our_server() {
    for case in tor_cases() {
        replay_server(&case);
    }
}

/// The metadata a case's PT sent, if our PT-side machine can send exactly that (a valid
/// USERADDR in the spec's form, a valid TRANSPORT, DONE, nothing else).
fn metadata(
    case: &Case,
    after_auth: &[Vec<u8>],
) -> Option<(Option<std::net::SocketAddr>, Option<String>)> {
    let wire = after_auth.concat();
    let (mut addr, mut transport) = (None, None);
    let mut rest = &wire[..];
    loop {
        let Parsed::Complete { value, len } = Command::parse(rest) else {
            return None;
        };
        rest = &rest[len..];
        match value {
            Command::UserAddr(b) => {
                let a = pt_extorport::command::parse_useraddr(b).ok()?;
                if a.to_string().as_bytes() != b {
                    return None;
                }
                addr = Some(a);
            }
            Command::Transport(t) => {
                transport = Some(pt_extorport::command::check_transport(t).ok()?.to_string())
            }
            Command::Done if rest.is_empty() => return Some((addr, transport)),
            _ => return None,
        }
        let _ = case;
    }
}

fn replay_client(case: &Case) {
    let key = Cookie::new(case.cookie).key();
    let nonce = case.client_nonce.unwrap();
    let pt = case.sent_by(false);
    let tor = case.sent_by(true);
    let chunks: Vec<&[u8]> = tor.iter().map(Vec::as_slice).collect();
    // pt[0] = auth type, pt[1] = nonce, pt[2] = client hash, then the commands.
    let meta = metadata(case, pt.get(3..).unwrap_or_default());
    let mut hs = client::Handshake::new(&key, nonce);
    if let Some((addr, transport)) = &meta {
        if let Some(a) = addr {
            hs = hs.with_useraddr(*a);
        }
        if let Some(t) = transport {
            hs = hs.with_transport(t).unwrap();
        }
    }
    let run = run_client(hs, &chunks);
    // tor's bytes: `01 00`, ServerHash, ServerNonce, the status, then its reply.
    let all = tor.concat();
    let status = all.get(66).copied();
    let server_nonce: [u8; 32] = all[34..66].try_into().unwrap();
    let correct_hash = key.client_hash(&nonce, &server_nonce);
    let mut want = vec![1];
    want.extend_from_slice(&nonce);
    want.extend_from_slice(&correct_hash);
    assert_eq!(
        run.sent[..65],
        want[..],
        "{}: 01, nonce, client hash",
        case.name
    );
    if case.name != "wrong-client-hash" {
        assert_eq!(
            correct_hash.to_vec(),
            pt[2],
            "{}: the hash the PT sent",
            case.name
        );
    }
    match status {
        Some(1) => {
            if meta.is_some() {
                assert_eq!(
                    run.sent,
                    pt.concat(),
                    "{}: every byte the PT sent",
                    case.name
                );
            } else {
                assert_eq!(run.sent[65..], [0, 0, 0, 0], "{}: DONE alone", case.name);
            }
            assert_eq!(run.done, case.tor_okayed(), "{}", case.name);
            assert_eq!(run.error, None, "{}", case.name);
        }
        Some(s) => assert_eq!(
            run.error,
            Some(Error::AuthRejected { status: s }),
            "{}",
            case.name
        ),
        None => unreachable!(),
    }
    assert!(run.leftover.is_empty());
}

/// Our PT-side machine, as tor's peer, sends what the scripted PT sent (where it sends the same
/// metadata) and reaches the same end.
#[test]
fn tor_transcripts_through_our_client() {
    let mut replayed = 0;
    for case in tor_cases() {
        if case.server_nonce.is_none() {
            continue; // bad-auth-type-2: our client only ever chooses type 1
        }
        replay_client(&case);
        replayed += 1;
    }
    assert_eq!(replayed, 12);
}

/// obfs4proxy's exchange: our tor-side machine sends what the recording fake tor sent, and
/// our PT-side machine sends what obfs4proxy sent.
#[test]
fn obfs4proxy_transcript() {
    let case = obfs4proxy_case();
    replay_server(&case);
    let key = Cookie::new(case.cookie).key();
    let mut server = run_server(
        &key,
        case.server_nonce.unwrap(),
        &case
            .sent_by(false)
            .iter()
            .map(Vec::as_slice)
            .collect::<Vec<_>>(),
        true,
    );
    assert_eq!(server.useraddr, Some("127.0.0.1:37162".parse().unwrap()));
    assert_eq!(server.transport.take().as_deref(), Some("obfs4"));
    replay_client(&case);
}
