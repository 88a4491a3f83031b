//! The HTTP CONNECT client: the response-head size cap, how strictly the head is read
//! (behaviours: `http-connect-response-strictness`), and how a raw proxy userinfo becomes Basic
//! credentials (behaviours: `http-proxy-userinfo-raw`).

use pt_socks::http::{BasicAuth, ConnectRequest, DEFAULT_MAX_HEAD, Event, Handshake, Response};
use pt_socks::{Encode, Error, ErrorKind, Parse, Parsed, Target};

fn handshake(max_head: usize) -> Handshake<'static> {
    Handshake::new(Target::domain("bridge.example", 443).unwrap(), None)
        .unwrap()
        .with_max_head(max_head)
}

/// The response to `head`, given whole and then one byte at a time (each call with every byte
/// received so far): both must agree. `Ok(status)` or the error.
fn respond(head: &[u8], max_head: usize) -> Result<u16, Error> {
    let whole = {
        let mut hs = handshake(max_head);
        let mut out = Vec::new();
        hs.advance(head, &mut out).and_then(|p| match p.event {
            Event::Connected(r) => Ok(r.status),
            Event::NeedInput => Err(Error::Failed),
        })
    };
    let mut hs = handshake(max_head);
    let mut out = Vec::new();
    let mut bytewise = Err(Error::Failed);
    for end in 0..=head.len() {
        match hs.advance(&head[..end], &mut out) {
            Ok(p) => {
                if let Event::Connected(r) = p.event {
                    bytewise = Ok(r.status);
                    break;
                }
            }
            Err(e) => {
                bytewise = Err(e);
                break;
            }
        }
    }
    assert_eq!(whole, bytewise, "{:?}", String::from_utf8_lossy(head));
    whole
}

/// The head cap (`Error::HttpHeadTooLong`): a head of exactly the cap passes, one byte more
/// fails, whether it arrives whole or one byte at a time; an unfinished head fails as soon as
/// it is longer than the cap, without waiting for its end; tunnel data after the head does not
/// count; the machine is failed afterwards.
#[test]
fn head_size_cap() {
    let head = b"HTTP/1.1 200 Connection established\r\nVia: 1.1 proxy\r\n\r\n";
    let n = head.len();
    assert_eq!(respond(head, n), Ok(200));
    assert_eq!(
        respond(head, n - 1),
        Err(Error::HttpHeadTooLong { max: n - 1 })
    );
    // Tunnel data behind a head at the cap is not part of the head.
    let mut with_data = head.to_vec();
    with_data.extend_from_slice(&[0x16; 100]);
    let mut hs = handshake(n);
    let p = hs.advance(&with_data, &mut Vec::new()).unwrap();
    assert_eq!(p.consumed, n);
    assert!(matches!(p.event, Event::Connected(_)));

    // A head that never ends: waits while it fits, fails at the first byte past the cap.
    let endless: Vec<u8> = b"HTTP/1.1 200 OK\r\nX-Pad: "
        .iter()
        .copied()
        .chain(std::iter::repeat(b'a'))
        .take(100)
        .collect();
    let mut hs = handshake(64);
    let mut out = Vec::new();
    for end in 0..=64 {
        let p = hs.advance(&endless[..end], &mut out).unwrap();
        assert_eq!((p.consumed, p.event), (0, Event::NeedInput), "{end} bytes");
    }
    let e = hs.advance(&endless[..65], &mut out).unwrap_err();
    assert_eq!(e, Error::HttpHeadTooLong { max: 64 });
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(e.reply().is_empty());
    assert_eq!(hs.advance(&endless, &mut out), Err(Error::Failed));
    // All at once, past the cap: the same error.
    assert_eq!(
        handshake(64)
            .advance(&endless, &mut out)
            .map(|p| p.consumed),
        Err(Error::HttpHeadTooLong { max: 64 })
    );

    // The default cap, 16 KiB.
    let mut big = b"HTTP/1.1 200 OK\r\n".to_vec();
    let filler = DEFAULT_MAX_HEAD - big.len() - "X-Pad: \r\n\r\n".len();
    big.extend_from_slice(b"X-Pad: ");
    big.extend(std::iter::repeat_n(b'a', filler));
    big.extend_from_slice(b"\r\n\r\n");
    assert_eq!(big.len(), DEFAULT_MAX_HEAD);
    let mut hs = Handshake::new(Target::domain("a", 1).unwrap(), None).unwrap();
    assert!(matches!(
        hs.advance(&big, &mut Vec::new()).unwrap().event,
        Event::Connected(_)
    ));
    big.insert(20, b'a');
    let mut hs = Handshake::new(Target::domain("a", 1).unwrap(), None).unwrap();
    assert_eq!(
        hs.advance(&big, &mut Vec::new()).map(|p| p.consumed),
        Err(Error::HttpHeadTooLong {
            max: DEFAULT_MAX_HEAD
        })
    );
}

/// What httparse refuses, pinned with the offset the code reports: the status-line field
/// (`HTTP/1.` at 0, the minor version at 7, the code at 9, the reason at 13) or the start of
/// the header line at fault. Go's `net/http`, which obfs4proxy's HTTP proxy dialer uses,
/// accepts several of these (behaviours: `http-connect-response-strictness`).
#[test]
fn response_head_strictness_pinned() {
    let refused: &[(&str, &[u8], usize)] = &[
        ("HTTP/1.2", b"HTTP/1.2 200 OK\r\n\r\n", 7),
        ("HTTP/1.5", b"HTTP/1.5 200 OK\r\n\r\n", 7),
        ("HTTP/1.9", b"HTTP/1.9 200 OK\r\n\r\n", 7),
        ("HTTP/2.0", b"HTTP/2.0 200 OK\r\n\r\n", 0),
        ("two-digit status", b"HTTP/1.1 20 OK\r\n\r\n", 9),
        ("NUL in the reason", b"HTTP/1.1 200 O\x00K\r\n\r\n", 13),
        ("SOH in the reason", b"HTTP/1.1 200 O\x01K\r\n\r\n", 13),
        ("ESC in the reason", b"HTTP/1.1 200 O\x1bK\r\n\r\n", 13),
        ("DEL in the reason", b"HTTP/1.1 200 O\x7fK\r\n\r\n", 13),
        ("lone CR in the reason", b"HTTP/1.1 200 O\rK\r\n\r\n", 13),
        (
            "space in a header name",
            b"HTTP/1.1 200 OK\r\nX Y: z\r\n\r\n",
            17,
        ),
        (
            "separator in a header name",
            b"HTTP/1.1 200 OK\r\nX(Y): z\r\n\r\n",
            17,
        ),
        (
            "header name not a token, second line",
            b"HTTP/1.1 200 OK\r\nA: 1\r\nX@Y: z\r\n\r\n",
            23,
        ),
        (
            "space before the colon",
            b"HTTP/1.1 200 OK\r\nX-Y : z\r\n\r\n",
            17,
        ),
        (
            "tab before the colon",
            b"HTTP/1.1 200 OK\r\nX-Y\t: z\r\n\r\n",
            17,
        ),
        (
            "obs-fold with a space",
            b"HTTP/1.1 200 OK\r\nX-Y: a\r\n b\r\n\r\n",
            25,
        ),
        (
            "obs-fold with a tab",
            b"HTTP/1.1 200 OK\r\nX-Y: a\r\n\tb\r\n\r\n",
            25,
        ),
        (
            "obs-fold, bare LF line ends",
            b"HTTP/1.1 200 OK\nX-Y: a\n b\n\n",
            23,
        ),
        (
            "SOH in a header value",
            b"HTTP/1.1 200 OK\r\nX-Y: a\x01b\r\n\r\n",
            17,
        ),
        (
            "NUL in a header value",
            b"HTTP/1.1 200 OK\r\nX-Y: a\x00b\r\n\r\n",
            17,
        ),
        (
            "DEL in a header value",
            b"HTTP/1.1 200 OK\r\nX-Y: a\x7fb\r\n\r\n",
            17,
        ),
        (
            "lone CR in a header value",
            b"HTTP/1.1 200 OK\r\nX-Y: a\rb\r\n\r\n",
            17,
        ),
    ];
    for (what, head, offset) in refused {
        assert_eq!(
            respond(head, DEFAULT_MAX_HEAD),
            Err(Error::HttpMalformed { offset: *offset }),
            "{what}"
        );
        assert_eq!(
            Response::parse(head),
            Err(Error::HttpMalformed { offset: *offset }),
            "{what}: Response::parse"
        );
    }
    // The line is drawn there: HTAB and obs-text (bytes 80-FF) are fine in the reason and in
    // values, an empty reason is fine, and so is a bare LF for CRLF.
    let accepted: &[(&str, &[u8])] = &[
        ("HTTP/1.0", b"HTTP/1.0 200 OK\r\n\r\n"),
        ("tab in the reason", b"HTTP/1.1 200 O\tK\r\n\r\n"),
        ("obs-text in the reason", b"HTTP/1.1 200 O\x80K\r\n\r\n"),
        ("no reason", b"HTTP/1.1 200\r\n\r\n"),
        ("empty reason", b"HTTP/1.1 200 \r\n\r\n"),
        ("tab in a value", b"HTTP/1.1 200 OK\r\nX-Y: a\tb\r\n\r\n"),
        (
            "obs-text in a value",
            b"HTTP/1.1 200 OK\r\nX-Y: a\xffb\r\n\r\n",
        ),
        ("bare LF", b"HTTP/1.1 200 OK\nX-Y: z\n\n"),
    ];
    for (what, head) in accepted {
        assert_eq!(respond(head, DEFAULT_MAX_HEAD), Ok(200), "{what}");
        assert!(
            matches!(Response::parse(head), Ok(Parsed::Complete { .. })),
            "{what}"
        );
    }
    // The reason phrase is handed back raw.
    let Ok(Parsed::Complete { value, .. }) = Response::parse(b"HTTP/1.1 200 O\x80K\r\n\r\n") else {
        panic!()
    };
    assert_eq!(value.reason, b"O\x80K");
}

/// `BasicAuth::from_userinfo` splits a raw userinfo at its first `:` and decodes nothing, as
/// obfs4proxy's Go URL parser does for the value tor exports (behaviours:
/// `http-proxy-userinfo-raw`).
#[test]
fn basic_auth_from_userinfo_splits_at_the_first_colon() {
    /// Userinfo, user, password, the Basic credentials.
    type Case = (&'static [u8], &'static [u8], &'static [u8], &'static str);
    let cases: &[Case] = &[
        (b"bob:pa:ss", b"bob", b"pa:ss", "Ym9iOnBhOnNz"),
        (b"bob", b"bob", b"", "Ym9iOg=="),
        (b"bob:", b"bob", b"", "Ym9iOg=="),
        (b":secret", b"", b"secret", "OnNlY3JldA=="),
        (b"", b"", b"", "Og=="),
        (b"a%3Ab:c%40d", b"a%3Ab", b"c%40d", "YSUzQWI6YyU0MGQ="),
        (b"::", b"", b":", "Ojo="),
    ];
    for (userinfo, user, pass, base64) in cases {
        let auth = BasicAuth::from_userinfo(userinfo);
        assert_eq!(
            (auth.user, auth.pass),
            (*user, *pass),
            "{:?}",
            String::from_utf8_lossy(userinfo)
        );
        let request = ConnectRequest {
            target: Target::domain("h", 1).unwrap(),
            auth: Some(auth),
        };
        let mut wire = Vec::new();
        let n = request.encode(&mut wire).unwrap();
        assert_eq!(n, request.encoded_len());
        let expected = format!(
            "CONNECT h:1 HTTP/1.1\r\nHost: h:1\r\nProxy-Authorization: Basic {base64}\r\n\r\n"
        );
        assert_eq!(String::from_utf8(wire).unwrap(), expected);
    }
}
