//! Every SOCKS transcript in `testdata/` (recorded from tor 0.4.9.11 and obfs4proxy 0.0.14) replayed byte for byte: through our server
//! machine (as tor's peer, and as obfs4proxy's replacement) and through our client machine (as
//! tor, and as the obfs4proxy test client).

mod common;
use common::{fixtures, hex, json_str, json_str_array, run_server, steps};

use pt_socks::client::{self, Auth};
use pt_socks::rfc1929::UserPass;
use pt_socks::server::Policy;
use pt_socks::socks5::{Command, ReplyCode};
use pt_socks::{Error, Target, Version};
use std::path::{Path, PathBuf};

/// A `.hex` transcript: client chunks and everything the PT answered.
struct HexFile {
    path: PathBuf,
    chunks: Vec<Vec<u8>>,
    server: Vec<u8>,
}

fn hex_files() -> Vec<HexFile> {
    let root = fixtures().join("tor-client");
    let mut dirs = vec![root.join("main/socks")];
    for case in std::fs::read_dir(root.join("cases")).expect("fixtures/tor-client/cases") {
        let case = case.unwrap().path();
        for sub in ["socks-pt", "socks-pt4"] {
            if case.join(sub).is_dir() {
                dirs.push(case.join(sub));
            }
        }
    }
    let mut files = Vec::new();
    for dir in dirs {
        for f in std::fs::read_dir(&dir).unwrap() {
            let path = f.unwrap().path();
            if path.extension().is_some_and(|e| e == "hex") {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut chunks = Vec::new();
                let mut server = Vec::new();
                for line in text.lines() {
                    if let Some(h) = line.strip_prefix("C ") {
                        chunks.push(hex(h));
                    } else if let Some(h) = line.strip_prefix("S ") {
                        server.extend(hex(h));
                    }
                }
                files.push(HexFile {
                    path,
                    chunks,
                    server,
                });
            }
        }
    }
    assert!(
        files.len() >= 20,
        "expected the tor SOCKS fixtures, found {}",
        files.len()
    );
    files
}

/// What the PT decided in a transcript, read from its answer: accept the credentials unless it
/// sent an auth failure, and reply with the code it sent (None: it never replied).
fn decisions(client: &[u8], server: &[u8]) -> (bool, Option<ReplyCode>) {
    match client.first() {
        Some(4) => match server.get(1) {
            Some(0x5a) => (true, Some(ReplyCode::SUCCEEDED)),
            Some(_) => (true, Some(ReplyCode::GENERAL_FAILURE)),
            None => (true, None),
        },
        _ => {
            let after_method = if server.get(1) == Some(&2) {
                if server.get(2..4) != Some(&[1, 0]) {
                    return (false, None);
                }
                &server[4..]
            } else {
                server.get(2..).unwrap_or_default()
            };
            (true, after_method.get(1).map(|&c| ReplyCode(c)))
        }
    }
}

fn replay_server(path: &Path, chunks: &[Vec<u8>], expected: &[u8]) -> common::ServerRun {
    let all: Vec<u8> = chunks.concat();
    let (accept, reply) = decisions(&all, expected);
    let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
    let run = run_server(Policy::default(), &refs, accept, reply);
    assert_eq!(run.out, expected, "{}: server output", path.display());
    // Whole, byte by byte, and in the fixture's chunks: the same result.
    let bytes: Vec<&[u8]> = all.chunks(1).collect();
    let run1 = run_server(Policy::default(), &bytes, accept, reply);
    let run_whole = run_server(Policy::default(), &[&all], accept, reply);
    for other in [&run1, &run_whole] {
        assert_eq!(
            (
                &other.out,
                &other.creds,
                &other.request,
                &other.error,
                other.done
            ),
            (&run.out, &run.creds, &run.request, &run.error, run.done),
            "{}",
            path.display()
        );
    }
    run
}

#[test]
fn tor_hex_transcripts_through_server() {
    for f in hex_files() {
        let run = replay_server(&f.path, &f.chunks, &f.server);
        let name = f.path.file_name().unwrap().to_str().unwrap().to_string();
        if name == "fake5-none.hex" {
            assert_eq!(
                run.error,
                Some(Error::CredentialsRejected {
                    auth: pt_socks::AuthKind::UserPass
                })
            );
        } else {
            let (version, cmd, _) = run.request.clone().expect("a request");
            assert_eq!(cmd, Command::Connect);
            assert_eq!(
                version,
                if name.starts_with("fake4") {
                    Version::Socks4
                } else {
                    Version::Socks5
                }
            );
        }
    }
}

/// The `.jsonl` twins: parsed fields (USERID, UNAME/PASSWD, target) and the args they carry.
#[test]
fn tor_jsonl_fields_through_server_and_client() {
    let mut files = vec![fixtures().join("tor-client/main/socks/socks-handshakes.unique.jsonl")];
    for case in std::fs::read_dir(fixtures().join("tor-client/cases")).unwrap() {
        let case = case.unwrap().path();
        for sub in ["socks-pt", "socks-pt4"] {
            let f = case.join(sub).join("socks-handshakes.unique.jsonl");
            if f.exists() {
                files.push(f);
            }
        }
    }
    let mut n = 0;
    for file in files {
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            n += 1;
            let chunks: Vec<Vec<u8>> = json_str_array(line, "client_to_pt_chunks")
                .unwrap()
                .iter()
                .map(|c| hex(c))
                .collect();
            let client_bytes = hex(&json_str(line, "client_to_pt_hex").unwrap());
            let server_bytes = hex(&json_str(line, "pt_to_client_hex").unwrap());
            assert_eq!(chunks.concat(), client_bytes);
            let run = replay_server(&file, &chunks, &server_bytes);
            let socks4 = json_str(line, "transport").unwrap() == "fake4";
            // Credentials and target as the fixture parsed them.
            let (userid, uname, passwd) = (
                json_str(line, "userid"),
                json_str(line, "uname"),
                json_str(line, "passwd"),
            );
            let encoded: Vec<u8> = if socks4 {
                let userid = userid.unwrap();
                if userid.is_empty() {
                    assert_eq!(run.creds, None);
                } else {
                    assert_eq!(run.creds.as_ref().unwrap().0, userid.as_bytes());
                }
                userid.into_bytes()
            } else if let (Some(u), Some(p)) = (uname, passwd) {
                assert_eq!(
                    run.creds.as_ref().unwrap(),
                    &(u.clone().into_bytes(), p.clone().into_bytes())
                );
                // The PT args parse back out of the fields (behaviours: `rfc1929-nul-password-marker`).
                let up = UserPass {
                    uname: u.as_bytes(),
                    passwd: p.as_bytes(),
                };
                let args = up.pt_args(pt_args::socks::Config::LENIENT).unwrap();
                assert!(!args.is_empty());
                pt_args::socks::from_rfc1929(u.as_bytes(), p.as_bytes()).into_owned()
            } else {
                assert_eq!(run.creds, None);
                Vec::new()
            };
            if let Some(t) = json_str(line, "target") {
                let got = run.request.as_ref().unwrap().2.clone();
                // The fixture writes IPv6 without brackets.
                assert_eq!(got.replace(['[', ']'], ""), t);
            }

            // Our client as tor: same bytes out, given the PT's answers.
            let target = match &run.request {
                Some((_, _, t)) => Target::Ip(t.parse().unwrap()),
                None => Target::Ip("127.0.0.1:9".parse().unwrap()),
            };
            let version = if socks4 {
                Version::Socks4
            } else {
                Version::Socks5
            };
            let auth = Auth::from_pt_args(&encoded, version).unwrap();
            let opts = {
                let mut o = client::Options::default();
                o.offer_no_auth = true;
                o
            };
            let mut hs = client::Handshake::with_options(version, target, auth, opts).unwrap();
            let mut out = Vec::new();
            let result = drive_client(&mut hs, &server_bytes, &mut out);
            assert_eq!(out, client_bytes, "{}: client bytes as tor", file.display());
            match run.error {
                Some(Error::CredentialsRejected { .. }) => {
                    assert_eq!(result, Err(Error::ProxyRefusedAuth { status: 1 }))
                }
                _ if server_bytes
                    .len()
                    .checked_sub(9)
                    .and_then(|i| server_bytes.get(i))
                    .is_some_and(|&c| !socks4 && c != 0) =>
                {
                    assert!(matches!(
                        result,
                        Err(Error::ProxyRequestFailed {
                            version: Version::Socks5,
                            ..
                        })
                    ))
                }
                _ if socks4 && server_bytes[1] != 0x5a => {
                    assert_eq!(
                        result,
                        Err(Error::ProxyRequestFailed {
                            version: Version::Socks4,
                            code: 0x5b
                        })
                    )
                }
                _ => assert_eq!(result, Ok(server_bytes.len())),
            }
        }
    }
    assert!(n >= 10, "{n} jsonl transcripts");
}

/// Feeds the server's bytes one at a time to a client; Ok(consumed) at Connected.
fn drive_client(
    hs: &mut client::Handshake<'_>,
    server: &[u8],
    out: &mut Vec<u8>,
) -> Result<usize, Error> {
    let mut fed = 0;
    let mut buf: Vec<u8> = Vec::new();
    let mut total = 0;
    loop {
        let p = hs.advance(&buf, out)?;
        total += p.consumed;
        let connected = matches!(p.event, client::Event::Connected(_));
        let consumed = p.consumed;
        buf.drain(..consumed);
        match connected {
            true => return Ok(total),
            false => match server.get(fed) {
                Some(&b) => {
                    buf.push(b);
                    fed += 1;
                }
                None => return Ok(usize::MAX),
            },
        }
    }
}

/// obfs4proxy's transcripts: our server in obfs4proxy's place, our client in the test client's.
#[test]
fn obfs4proxy_transcripts() {
    let text =
        std::fs::read_to_string(fixtures().join("obfs4proxy/interop/socks-transcripts.jsonl"))
            .unwrap();
    let mut n = 0;
    for line in text.lines() {
        let case = json_str(line, "case").unwrap();
        let st = steps(line);
        let client_chunks: Vec<Vec<u8>> = st
            .iter()
            .filter(|s| s.0 == "client->pt")
            .map(|s| hex(&s.1))
            .collect();
        let server_bytes: Vec<u8> = st
            .iter()
            .filter(|s| s.0 == "pt->client")
            .flat_map(|s| hex(&s.1))
            .collect();
        n += 1;
        if case.starts_with("socks4a") {
            // obfs4proxy closes on SOCKS4a; we parse it (and can refuse it by policy).
            let run = run_server(
                Policy::default(),
                &[&client_chunks[0]],
                true,
                Some(ReplyCode::SUCCEEDED),
            );
            assert_eq!(run.request.unwrap().2, "localhost:19401");
            let args =
                pt_args::socks::parse_with(&run.creds.unwrap().0, pt_args::socks::Config::STRICT)
                    .unwrap()
                    .into_owned();
            assert_eq!(args.get("iat-mode"), Some("0"));
            let mut p = Policy::default();
            p.socks4 = false;
            let run = run_server(p, &[&client_chunks[0]], true, None);
            assert_eq!(
                run.error,
                Some(Error::VersionDisabled {
                    version: Version::Socks4
                })
            );
            continue;
        }
        let run = replay_server(std::path::Path::new(&case), &client_chunks, &server_bytes);
        if let Some((u, p)) = &run.creds {
            // obfs4proxy concatenates UNAME + PASSWD (unless PASSWD is one NUL), as we do.
            let args = pt_args::socks::parse_rfc1929(u, p, pt_args::socks::Config::STRICT).unwrap();
            assert!(args.get("cert").is_some(), "{case}");
        }

        // Our client as the test client: default options offer user/pass only (`05 01 02`).
        let all = client_chunks.concat();
        let auth = match run.creds.as_ref() {
            Some((u, p)) => Auth::UserPass(UserPass {
                uname: u,
                passwd: p,
            }),
            None => Auth::None,
        };
        let (_, _, target) = run.request.clone().unwrap();
        let target = match target.parse() {
            Ok(a) => Target::Ip(a),
            Err(_) => Target::domain("localhost", 19401).unwrap(),
        };
        let mut hs = client::Handshake::new(Version::Socks5, target, auth).unwrap();
        let mut out = Vec::new();
        let result = drive_client(&mut hs, &server_bytes, &mut out);
        assert_eq!(out, all, "{case}: client bytes");
        match json_str(line, "reply_code").as_deref() {
            Some("00") => assert_eq!(result, Ok(server_bytes.len()), "{case}"),
            Some("01") => assert_eq!(
                result,
                Err(Error::ProxyRequestFailed {
                    version: Version::Socks5,
                    code: 1
                }),
                "{case}"
            ),
            _ => assert_eq!(result, Ok(usize::MAX), "{case}: still waiting"),
        }
    }
    assert_eq!(n, 10);
}
