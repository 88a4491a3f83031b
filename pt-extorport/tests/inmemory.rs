//! Our PT-side and tor-side machines talking to each other in memory: good and wrong cookies,
//! a wrong auth type, DENY, unknown commands, every way of cutting the bytes; and the driving
//! contract (incomplete prefixes, leftovers, small buffers, misuse).

mod common;
use common::{run_client, run_server, talk};

use pt_extorport::{Cookie, Error, client, command, server};

const ADDR: &str = "198.51.100.7:50000";

fn key(b: u8) -> pt_extorport::AuthKey {
    Cookie::new([b; 32]).key()
}

#[test]
fn good_cookie_every_cut() {
    let k = key(0x11);
    for cut in [0, 1, 2, 3, 5, 7, 13, 31, 32, 33, 64, 65] {
        let pt = client::Handshake::new(&k, [0x22; 32])
            .with_useraddr(ADDR.parse().unwrap())
            .with_transport("obfs4")
            .unwrap();
        let (r, run) = talk(pt, &k, [0x33; 32], true, cut);
        assert_eq!(r, Ok(true), "cut {cut}");
        assert!(run.done && run.error.is_none(), "cut {cut}: {run:?}");
        assert_eq!(run.useraddr, Some(ADDR.parse().unwrap()));
        assert_eq!(run.transport.as_deref(), Some("obfs4"));
        // 01 00, hash and nonce, 01, OKAY.
        assert_eq!(run.sent.len(), 2 + 64 + 1 + 4);
        assert_eq!(run.sent[..2], [1, 0]);
        assert_eq!(run.sent[66..], [1, 0x10, 0, 0, 0]);
    }
}

#[test]
fn no_metadata_and_ipv6() {
    let k = key(0x44);
    let (r, run) = talk(client::Handshake::new(&k, [1; 32]), &k, [2; 32], true, 0);
    assert_eq!(r, Ok(true));
    assert_eq!((run.useraddr, run.transport), (None, None));
    let pt =
        client::Handshake::new(&k, [1; 32]).with_useraddr("[2001:db8::1]:443".parse().unwrap());
    let (r, run) = talk(pt, &k, [2; 32], true, 1);
    assert_eq!(r, Ok(true));
    assert_eq!(run.useraddr, Some("[2001:db8::1]:443".parse().unwrap()));
}

/// A PT with the wrong cookie: tor's side answers `00` and fails; the PT never gets that far,
/// because it checks the server hash first and stops without sending its own.
#[test]
fn wrong_cookie() {
    let (pt_key, tor_key) = (key(1), key(2));
    for cut in [0, 1, 7] {
        let pt = client::Handshake::new(&pt_key, [0x22; 32]);
        let (r, run) = talk(pt, &tor_key, [0x33; 32], true, cut);
        assert_eq!(r, Err(Error::ServerHashMismatch), "cut {cut}");
        assert_eq!(run.error, None, "tor waits for a hash that never comes");
        assert_eq!(run.sent.len(), 66);
    }
    // A PT that does send a hash made with a wrong cookie: tor's side sends 00 and closes.
    let tor_key = key(2);
    let mut pt_bytes = vec![1];
    pt_bytes.extend_from_slice(&[0x22; 32]);
    let run = run_server(&tor_key, [0x33; 32], &[&pt_bytes], true);
    let hash = key(1).client_hash(&[0x22; 32], &[0x33; 32]);
    let run2 = run_server(&tor_key, [0x33; 32], &[&pt_bytes, &hash], true);
    assert_eq!(run.error, None);
    assert_eq!(run2.error, Some(Error::ClientHashMismatch));
    assert_eq!(run2.sent.last(), Some(&0));
    assert_eq!(run2.sent.len(), 67);
    assert_eq!(Error::ClientHashMismatch.reply(), [0]);
    // The PT side reads that `00` as a rejection.
    let good = key(2);
    let mut tor_bytes = vec![1, 0];
    tor_bytes.extend_from_slice(&good.server_hash(&[0x22; 32], &[0x33; 32]));
    tor_bytes.extend_from_slice(&[0x33; 32]);
    tor_bytes.push(0);
    let run = run_client(client::Handshake::new(&good, [0x22; 32]), &[&tor_bytes]);
    assert_eq!(run.error, Some(Error::AuthRejected { status: 0 }));
    assert_eq!(run.sent.len(), 65, "nothing after the client hash");
}

/// tor closes without a word on an auth type other than 1.
#[test]
fn wrong_auth_type() {
    let k = key(3);
    for t in [0u8, 2, 0x99, 0xff] {
        let run = run_server(&k, [0; 32], &[&[t]], true);
        assert_eq!(run.error, Some(Error::UnsupportedAuthType { found: t }));
        assert_eq!(run.sent, [1, 0]);
        assert!(run.error.unwrap().closes());
    }
}

/// The PT side's reading of the auth-type list.
#[test]
fn auth_type_lists() {
    let k = key(3);
    let hs = || client::Handshake::new(&k, [9; 32]);
    // SAFE_COOKIE among others, in any order.
    for list in [&[1u8, 0][..], &[2, 1, 0], &[1, 5, 7, 0]] {
        let run = run_client(hs(), &[list]);
        assert_eq!(run.error, None);
        assert_eq!(run.sent.len(), 33, "{list:?}");
    }
    for list in [&[0u8][..], &[2, 3, 0]] {
        let run = run_client(hs(), &[list]);
        assert_eq!(
            run.error,
            Some(Error::NoSafeCookie {
                offered: list.len() - 1
            })
        );
        assert!(run.sent.is_empty());
    }
    // 255 types and the 00: fine; 256 types: goptlib's limit.
    let mut list = vec![2u8; 254];
    list.push(1);
    list.push(0);
    assert_eq!(run_client(hs(), &[&list]).error, None);
    let list = vec![1u8; 256];
    assert_eq!(
        run_client(hs(), &[&list]).error,
        Some(Error::TooManyAuthTypes)
    );
    assert_eq!(run_client(hs(), &[&list[..255]]).error, None);
}

#[test]
fn deny() {
    let k = key(5);
    let pt = client::Handshake::new(&k, [1; 32])
        .with_transport("meek_lite")
        .unwrap();
    let (r, run) = talk(pt, &k, [2; 32], false, 3);
    assert_eq!(r, Err(Error::Denied));
    assert_eq!(run.error, Some(Error::Refused));
    assert!(run.sent.ends_with(&[0x10, 1, 0, 0]));
    assert_eq!(Error::Refused.reply(), [0x10, 1, 0, 0]);
}

/// What the PT side does with each command tor might answer DONE with.
#[test]
fn client_replies() {
    let k = key(6);
    let (cn, sn) = ([7; 32], [8; 32]);
    let mut head = vec![1, 0];
    head.extend_from_slice(&k.server_hash(&cn, &sn));
    head.extend_from_slice(&sn);
    head.push(1);
    let run_with = |reply: &[u8]| {
        let mut tor = head.clone();
        tor.extend_from_slice(reply);
        run_client(client::Handshake::new(&k, cn), &[&tor])
    };
    // Unknown codes are skipped, OKAY with a body is OKAY, the bytes after OKAY are handed back.
    let run = run_with(b"\xff\xf0\x00\x03ABC\x10\x00\x00\x02hi\x16\x03\x01");
    assert!(run.done);
    assert_eq!(run.leftover, b"\x16\x03\x01");
    for (reply, err) in [
        (&b"\x10\x01\x00\x00"[..], Error::Denied),
        (b"\x10\x02\x00\x00", Error::UnexpectedReply { code: 0x1002 }),
        (b"\x00\x00\x00\x00", Error::UnexpectedReply { code: 0 }),
        (b"\x00\x01\x00\x00", Error::UnexpectedReply { code: 1 }),
        (b"\x00\x02\x00\x00", Error::UnexpectedReply { code: 2 }),
    ] {
        let run = run_with(reply);
        assert_eq!(run.error, Some(err), "{reply:?}");
        assert!(!run.done);
    }
    // A wrong server hash: no client hash is sent.
    let mut bad = head.clone();
    bad[2] ^= 1;
    let run = run_client(client::Handshake::new(&k, cn), &[&bad]);
    assert_eq!(run.error, Some(Error::ServerHashMismatch));
    assert_eq!(run.sent.len(), 33);
}

/// tor's command handling: unknown commands ignored, a second TRANSPORT replaces the first,
/// the port-less USERADDR tor accepts, the ones it refuses.
#[test]
fn server_commands() {
    let k = key(9);
    let (cn, sn) = ([1; 32], [2; 32]);
    let mut auth = vec![1];
    auth.extend_from_slice(&cn);
    auth.extend_from_slice(&k.client_hash(&cn, &sn));
    let run_cmds = |cmds: &[u8]| {
        let mut all = auth.clone();
        all.extend_from_slice(cmds);
        run_server(&k, sn, &[&all], true)
    };
    let run = run_cmds(
        b"\xff\xf0\x00\x03ABC\x10\x00\x00\x00\x00\x02\x00\x03abc\x00\x02\x00\x03xyz\x00\x01\x00\x071.2.3.4\x00\x00\x00\x00",
    );
    assert!(run.done, "{run:?}");
    assert_eq!(
        run.events,
        [
            "ignored 0xfff0",
            "ignored 0x1000",
            "transport abc",
            "transport xyz",
            "useraddr 1.2.3.4:0",
        ]
    );
    assert_eq!(run.transport.as_deref(), Some("xyz"));
    for (cmd, err) in [
        (
            &b"\x00\x01\x00\x0d1.2.3.4:5678\0"[..],
            Error::UserAddrNul { offset: 12 },
        ),
        (
            b"\x00\x02\x00\x08rfc1149\0",
            Error::TransportNul { offset: 7 },
        ),
        (
            b"\x00\x02\x00\x07rf*1149",
            Error::BadTransport { offset: 2 },
        ),
    ] {
        let run = run_cmds(cmd);
        assert_eq!(run.error, Some(err));
        assert_eq!(run.sent.len(), 67, "nothing after the status");
    }
    let run = run_cmds(b"\x00\x01\x00\x09host:1234");
    assert!(matches!(run.error, Some(Error::BadUserAddr { .. })));
    // Bytes pipelined after DONE are handed back after OKAY.
    let run = run_cmds(b"\x00\x00\x00\x00\x16\x03\x01");
    assert!(run.done);
    assert_eq!(run.leftover, b"\x16\x03\x01");
}

/// Every strict prefix of each side's input is incomplete (no error, no event), and the bytes
/// written depend only on the bytes seen.
#[test]
fn strict_prefixes_are_incomplete() {
    let k = key(0x21);
    let (cn, sn) = ([3; 32], [4; 32]);
    let mut tor = vec![1, 0];
    tor.extend_from_slice(&k.server_hash(&cn, &sn));
    tor.extend_from_slice(&sn);
    tor.push(1);
    tor.extend_from_slice(&[0x10, 0, 0, 0]);
    let mk = || {
        client::Handshake::new(&k, cn)
            .with_useraddr("1.2.3.4:5".parse().unwrap())
            .with_transport("t")
            .unwrap()
    };
    for n in 0..tor.len() {
        let run = run_client(mk(), &[&tor[..n]]);
        assert_eq!(
            (run.error.clone(), run.done),
            (None, false),
            "client prefix {n}"
        );
    }
    assert!(run_client(mk(), &[&tor]).done);

    let pt = run_client(mk(), &[&tor]).sent;
    for n in 0..pt.len() {
        let run = run_server(&k, sn, &[&pt[..n]], true);
        assert_eq!(
            (run.error.clone(), run.decided),
            (None, false),
            "server prefix {n}"
        );
    }
    assert!(run_server(&k, sn, &[&pt], true).done);
}

/// `BufferTooSmall` changes nothing; the documented room always suffices.
#[test]
fn small_buffers() {
    let k = key(0x31);
    let mut tor = server::Handshake::new(&k, [0; 32]);
    let mut small = [0u8; 10];
    let r = tor.advance(&[], &mut &mut small[..]);
    assert_eq!(
        r,
        Err(Error::BufferTooSmall {
            needed: server::MAX_ADVANCE_OUTPUT,
            available: 10
        })
    );
    let mut buf = [0u8; server::MAX_ADVANCE_OUTPUT];
    let mut out = &mut buf[..];
    let p = tor.advance(&[], &mut out).unwrap();
    assert_eq!(p.event, server::Event::NeedInput);
    assert_eq!(out.len(), server::MAX_ADVANCE_OUTPUT - 2);

    let pt = client::Handshake::new(&k, [0; 32])
        .with_transport("abc")
        .unwrap();
    assert_eq!(pt.max_output(), 65 + 7 + 4);
    let mut pt2 = pt.clone();
    let r = pt2.advance(&[1, 0], &mut &mut small[..]);
    assert_eq!(
        r,
        Err(Error::BufferTooSmall {
            needed: 76,
            available: 10
        })
    );
    let mut buf = [0u8; 76];
    let p = pt2.advance(&[1, 0], &mut &mut buf[..]).unwrap();
    assert_eq!((p.consumed, p.event), (2, client::Event::NeedInput));

    // decide
    let mut tor = server::Handshake::new(&k, [0; 32]);
    assert_eq!(tor.decide(true, &mut Vec::new()), Err(Error::NotPending));
    let _ = tor.advance(&[1], &mut Vec::new()).unwrap();
    let mut v = Vec::new();
    let mut auth = [0u8; 32].to_vec();
    auth.extend_from_slice(&k.client_hash(&[0; 32], &[0; 32]));
    auth.extend_from_slice(&[0, 0, 0, 0, 1, 2, 3]);
    let p = tor.advance(&auth, &mut v).unwrap();
    assert!(matches!(
        p.event,
        server::Event::Decide {
            useraddr: None,
            transport: false
        }
    ));
    assert_eq!(p.consumed, 68);
    assert_eq!(
        tor.advance(&auth[68..], &mut v),
        Err(Error::DecisionPending)
    );
    assert_eq!(
        tor.decide(true, &mut &mut small[..3]),
        Err(Error::BufferTooSmall {
            needed: 4,
            available: 3
        })
    );
    tor.decide(true, &mut v).unwrap();
    let p = tor.advance(&auth[68..], &mut v).unwrap();
    assert_eq!((p.consumed, p.event), (0, server::Event::Done));
    assert!(tor.is_done() && tor.is_authenticated());
}

#[test]
fn misuse_after_failure() {
    let k = key(0x41);
    let mut tor = server::Handshake::new(&k, [0; 32]);
    assert!(tor.advance(&[7], &mut Vec::new()).is_err());
    assert!(tor.is_failed());
    assert_eq!(tor.advance(&[1], &mut Vec::new()), Err(Error::Failed));
    let mut pt = client::Handshake::new(&k, [0; 32]);
    assert!(pt.advance(&[0], &mut Vec::new()).is_err());
    assert!(pt.is_failed());
    assert_eq!(pt.advance(&[1, 0], &mut Vec::new()), Err(Error::Failed));
    assert!(
        client::Handshake::new(&k, [0; 32])
            .with_transport("meek-lite")
            .is_err()
    );
    let _ = command::MAX_COMMAND_LEN;
}
