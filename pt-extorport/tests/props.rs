//! Properties: commands round-trip; arbitrary input never panics either machine; every way of
//! cutting the input gives the same bytes and the same verdict as feeding it whole.

mod common;
use common::{run_client, run_server};

use proptest::prelude::*;
use pt_extorport::{Command, Cookie, Parsed, client};

fn command() -> impl Strategy<Value = (u16, Vec<u8>)> {
    (any::<u16>(), prop::collection::vec(any::<u8>(), 0..300))
}

fn cuts(data: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = data;
    for &c in cuts {
        let n = c.min(rest.len());
        let (a, b) = rest.split_at(n);
        out.push(a.to_vec());
        rest = b;
    }
    out.push(rest.to_vec());
    out
}

/// What the PT-side machine is fed by a tor that knows the cookie, then `tail`.
fn tor_bytes(tail: &[u8]) -> Vec<u8> {
    let k = Cookie::new([0x11; 32]).key();
    let mut v = vec![1, 0];
    v.extend_from_slice(&k.server_hash(&[0x22; 32], &[0x33; 32]));
    v.extend_from_slice(&[0x33; 32]);
    v.push(1);
    v.extend_from_slice(tail);
    v
}

/// What the tor-side machine is fed by a PT that knows the cookie, then `tail`.
fn pt_bytes(tail: &[u8]) -> Vec<u8> {
    let k = Cookie::new([0x11; 32]).key();
    let mut v = vec![1];
    v.extend_from_slice(&[0x22; 32]);
    v.extend_from_slice(&k.client_hash(&[0x22; 32], &[0x33; 32]));
    v.extend_from_slice(tail);
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn command_round_trip((code, body) in command(), extra in prop::collection::vec(any::<u8>(), 0..8)) {
        let cmd = Command::from_parts(code, &body);
        let mut wire = Vec::new();
        prop_assert_eq!(cmd.encode(&mut wire).unwrap(), cmd.encoded_len());
        let n = wire.len();
        for i in 0..n {
            prop_assert!(Command::parse(&wire[..i]).is_incomplete());
        }
        wire.extend_from_slice(&extra);
        prop_assert_eq!(Command::parse(&wire), Parsed::Complete { value: cmd, len: n });
        prop_assert_eq!(cmd.code(), code);
    }

    #[test]
    fn useraddr_round_trip(addr in any::<std::net::SocketAddr>()) {
        let addr = match addr {
            std::net::SocketAddr::V6(a) => std::net::SocketAddr::new(a.ip().to_owned().into(), a.port()),
            a => a,
        };
        prop_assume!(addr.port() != 0);
        let mut out = Vec::new();
        pt_extorport::command::write_useraddr(addr, &mut out).unwrap();
        prop_assert_eq!(pt_extorport::command::parse_useraddr(&out[4..]), Ok(addr));
    }

    #[test]
    fn useraddr_never_panics(body in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = pt_extorport::command::parse_useraddr(&body);
        let _ = pt_extorport::command::check_transport(&body);
    }

    /// The PT side: arbitrary bytes after a good authentication, cut anywhere.
    #[test]
    fn client_chunking(tail in prop::collection::vec(any::<u8>(), 0..64), raw in any::<bool>(),
                       cut_list in prop::collection::vec(0usize..40, 0..8)) {
        let k = Cookie::new([0x11; 32]).key();
        let input = if raw { tail.clone() } else { tor_bytes(&tail) };
        let mk = || client::Handshake::new(&k, [0x22; 32]).with_transport("x").unwrap();
        let whole = run_client(mk(), &[&input]);
        let chunks = cuts(&input, &cut_list);
        let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let cut = run_client(mk(), &refs);
        prop_assert_eq!(&cut.sent, &whole.sent);
        prop_assert_eq!(&cut.error, &whole.error);
        prop_assert_eq!(cut.done, whole.done);
        prop_assert_eq!(&cut.leftover, &whole.leftover);
        let bytewise: Vec<&[u8]> = input.chunks(1).collect();
        let bw = run_client(mk(), &bytewise);
        prop_assert_eq!(&bw.sent, &whole.sent);
        prop_assert_eq!(&bw.error, &whole.error);
    }

    /// tor's side: arbitrary commands after a good authentication, cut anywhere.
    #[test]
    fn server_chunking(tail in prop::collection::vec(any::<u8>(), 0..64), raw in any::<bool>(),
                       accept in any::<bool>(), cut_list in prop::collection::vec(0usize..40, 0..8)) {
        let k = Cookie::new([0x11; 32]).key();
        let input = if raw { tail.clone() } else { pt_bytes(&tail) };
        let whole = run_server(&k, [0x33; 32], &[&input], accept);
        let chunks = cuts(&input, &cut_list);
        let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let cut = run_server(&k, [0x33; 32], &refs, accept);
        prop_assert_eq!(&cut, &whole);
        let bytewise: Vec<&[u8]> = input.chunks(1).collect();
        prop_assert_eq!(&run_server(&k, [0x33; 32], &bytewise, accept), &whole);
        if let Some(e) = &whole.error {
            prop_assert!(whole.sent.ends_with(e.reply()));
        }
    }
}
