//! RFC 1929 split and join of SOCKS arguments (`socks::to_rfc1929`, `from_rfc1929`,
//! `parse_rfc1929`): tor's and Arti's split, with Arti's `proxied.rs` `split_settings` vectors.
//!
//! Pinned choices: tor's and Arti's `<= 255` bytes rule for the NUL password (the spec says
//! "less than 255"; behaviours: `rfc1929-nul-password-up-to-255`); longer lists cut at byte 255
//! (behaviours: `rfc1929-split-at-255`); a one-byte NUL PASSWD always means "no password", even
//! where the protocol makes that ambiguous (behaviours: `rfc1929-nul-password-marker`).

mod common;

use std::borrow::Cow;

use common::pairs;
use pt_args::Error;
use pt_args::socks::{self, Config, MAX_RFC1929_FIELD, MAX_SOCKS5_ARGS, Rfc1929};

/// Arti's `split_settings` test data: "examplestrg" x 50 (550 bytes).
fn examplestrg() -> Vec<u8> {
    b"examplestrg".repeat(50)
}

#[test]
fn limits_are_tors() {
    assert_eq!(MAX_RFC1929_FIELD, 255);
    assert_eq!(MAX_SOCKS5_ARGS, 510);
}

/// Arti's `split_settings` vectors plus the boundaries 1, 254, 509: `(len, UNAME len, PASSWD)`
/// where PASSWD `None` means "the rest of the input".
#[test]
fn split_vectors_and_boundaries() {
    let data = examplestrg();
    let cases: &[(usize, usize, Option<&[u8]>)] = &[
        (1, 1, Some(b"\0")),
        (50, 50, Some(b"\0")),
        (254, 254, Some(b"\0")),
        // Exactly 255 bytes still gets the NUL password (tor: <= 255; spec: < 255;
        // behaviours: `rfc1929-nul-password-up-to-255`).
        (255, 255, Some(b"\0")),
        (256, 255, None),
        (300, 255, None),
        (509, 255, None),
        (510, 255, None),
    ];
    for &(len, uname_len, passwd) in cases {
        let input = &data[..len];
        let f = socks::to_rfc1929(input).unwrap().expect("non-empty");
        assert_eq!(f.uname, &input[..uname_len], "len {len}");
        match passwd {
            Some(p) => assert_eq!(f.passwd, p, "len {len}"),
            None => {
                assert_eq!(f.passwd, &input[uname_len..], "len {len}");
                assert_eq!(f.passwd.len(), len - 255, "len {len}");
            }
        }
        assert!(f.uname.len() <= MAX_RFC1929_FIELD && f.passwd.len() <= MAX_RFC1929_FIELD);
        // And the PT side puts it back together.
        assert_eq!(socks::from_rfc1929(f.uname, f.passwd), input, "len {len}");
    }
    // 300 bytes: (255, 45), as in Arti's test.
    let f = socks::to_rfc1929(&data[..300]).unwrap().unwrap();
    assert_eq!((f.uname.len(), f.passwd.len()), (255, 45));
}

#[test]
fn empty_is_no_auth_and_too_long_is_an_error() {
    let data = examplestrg();
    assert_eq!(socks::to_rfc1929(b""), Ok(None));
    for len in [511, 512, 550] {
        assert_eq!(
            socks::to_rfc1929(&data[..len]),
            Err(Error::TooLong { len, max: 510 }),
            "len {len}"
        );
    }
}

#[test]
fn nul_bytes_in_the_arguments() {
    // "\0" -> ([0], [0]): ambiguous with the marker, and still reads back as "\0".
    let f = socks::to_rfc1929(b"\0").unwrap().unwrap();
    assert_eq!(
        f,
        Rfc1929 {
            uname: b"\0",
            passwd: b"\0"
        }
    );
    assert_eq!(socks::from_rfc1929(f.uname, f.passwd), &b"\0"[..]);
    // 510 NULs -> 255 + 255 NULs; 511 NULs -> error.
    let nuls = [0u8; 511];
    let f = socks::to_rfc1929(&nuls[..510]).unwrap().unwrap();
    assert_eq!((f.uname, f.passwd), (&nuls[..255], &nuls[..255]));
    assert_eq!(socks::from_rfc1929(f.uname, f.passwd), &nuls[..510]);
    assert_eq!(
        socks::to_rfc1929(&nuls),
        Err(Error::TooLong { len: 511, max: 510 })
    );
}

/// PASSWD = one NUL byte is "no password". The one input this makes ambiguous is 256 bytes
/// ending in NUL: its PASSWD is exactly `00`, so the PT drops it. Pinned: that is the
/// protocol (tor and goptlib behave the same), not something the split can avoid (behaviours:
/// `rfc1929-nul-password-marker`).
#[test]
fn nul_password_marker_and_its_ambiguity() {
    assert_eq!(
        socks::from_rfc1929(b"k=v", b"\0"),
        Cow::Borrowed(&b"k=v"[..])
    );
    // An empty PASSWD (PLEN 0, not what tor sends) is also "no password".
    assert_eq!(socks::from_rfc1929(b"k=v", b""), Cow::Borrowed(&b"k=v"[..]));
    // Anything else is joined, NULs included.
    let joined = socks::from_rfc1929(b"k=v", b"\0\0");
    assert!(matches!(joined, Cow::Owned(_)));
    assert_eq!(joined, &b"k=v\0\0"[..]);
    assert_eq!(
        socks::from_rfc1929(b"k=", b"v"),
        Cow::<[u8]>::Owned(b"k=v".to_vec())
    );

    let mut ambiguous = vec![b'a'; 255];
    ambiguous.push(0);
    let f = socks::to_rfc1929(&ambiguous).unwrap().unwrap();
    assert_eq!(f.passwd, b"\0");
    assert_eq!(socks::from_rfc1929(f.uname, f.passwd), &ambiguous[..255]);
}

#[test]
fn parse_rfc1929_with_nul_marker_borrows() {
    for policy in [Config::LENIENT, Config::STRICT] {
        let a = socks::parse_rfc1929(b"cert=AAAA;iat-mode=0", b"\0", policy).unwrap();
        assert_eq!(pairs(&a), [("cert", "AAAA"), ("iat-mode", "0")]);
        assert!(a.is_borrowed());
        let a = socks::parse_rfc1929(b"k=v", b"", policy).unwrap();
        assert_eq!(pairs(&a), [("k", "v")]);
    }
}

/// Builds `k=<filler>` whose encoding puts `special` so that the cut at byte 255 falls inside it.
fn straddling(special: &str, first_byte_at: usize) -> pt_args::Args<'static> {
    let filler = "a".repeat(first_byte_at - 2);
    let mut a = pt_args::Args::new();
    a.push("k", format!("{filler}{special}tail"));
    a.push("z", "end");
    a
}

#[test]
fn split_inside_an_escape_rejoins() {
    // `;` encodes as `\;`: put the backslash at byte 254 so UNAME ends with it.
    let a = straddling(";", 254);
    let wire = socks::to_string(&a).unwrap();
    assert_eq!(&wire[254..256], r"\;");
    let f = socks::to_rfc1929(wire.as_bytes()).unwrap().unwrap();
    assert_eq!(f.uname.last(), Some(&b'\\'));
    // UNAME alone does not parse (it ends in a lone backslash) ...
    assert_eq!(
        socks::parse_with(f.uname, Config::LENIENT),
        Err(Error::TrailingBackslash { offset: 254 })
    );
    // ... joined with PASSWD it does, under both policies.
    for policy in [Config::LENIENT, Config::STRICT] {
        let back = socks::parse_rfc1929(f.uname, f.passwd, policy).unwrap();
        assert_eq!(back, a);
        assert!(!back.is_borrowed());
    }
}

#[test]
fn split_inside_a_utf8_character_rejoins() {
    for (ch, first_byte_at) in [("é", 254), ("€", 254), ("€", 253), ("𝄞", 252), ("𝄞", 254)]
    {
        let a = straddling(ch, first_byte_at);
        let wire = socks::to_string(&a).unwrap();
        assert!(
            !wire.is_char_boundary(255),
            "{ch} at {first_byte_at} straddles the cut"
        );
        let f = socks::to_rfc1929(wire.as_bytes()).unwrap().unwrap();
        // UNAME alone is not UTF-8: refused when UTF-8 is required ...
        let utf8 = Config::LENIENT.with_require_utf8(true);
        assert_eq!(
            socks::parse_with(f.uname, utf8),
            Err(Error::NotUtf8 {
                offset: first_byte_at
            })
        );
        // ... and otherwise a truncated list whose last value ends inside the character.
        let alone = socks::parse_with(f.uname, Config::LENIENT).unwrap();
        assert_eq!(alone.len(), 1);
        assert_eq!(alone.get("k"), None, "not UTF-8");
        assert_eq!(alone.get_bytes("k").map(<[u8]>::len), Some(253));
        // Joined, it is the whole list, text again.
        for config in [Config::LENIENT, utf8] {
            let back = socks::parse_rfc1929(f.uname, f.passwd, config).unwrap();
            assert_eq!(back, a, "{ch} at {first_byte_at}");
        }
        let back = socks::parse_rfc1929(f.uname, f.passwd, Config::LENIENT).unwrap();
        // Everything is owned: the joined buffer is gone once parse_rfc1929 returns.
        assert!(!back.is_borrowed());
        assert_eq!(back.get("k").map(str::len), a.get("k").map(str::len));
    }
}

#[test]
fn parse_rfc1929_error_offsets_count_from_the_start_of_uname() {
    // 255 valid bytes in UNAME, the error in PASSWD.
    let uname = format!("k={}", "a".repeat(253));
    assert_eq!(uname.len(), 255);
    assert_eq!(
        socks::parse_rfc1929(uname.as_bytes(), b";bad", Config::LENIENT),
        Err(Error::MissingEquals { offset: 259 })
    );
    assert_eq!(
        socks::parse_rfc1929(uname.as_bytes(), br";b=\q", Config::STRICT),
        Err(Error::InvalidEscape {
            offset: 258,
            found: b'q',
            allowed: r"\\ \= \;"
        })
    );
    assert_eq!(
        socks::parse_rfc1929(
            uname.as_bytes(),
            b";b=\xff",
            Config::LENIENT.with_require_utf8(true)
        ),
        Err(Error::NotUtf8 { offset: 258 })
    );
    // Without require_utf8 the byte is a value.
    let back = socks::parse_rfc1929(uname.as_bytes(), b";b=\xff", Config::LENIENT).unwrap();
    assert_eq!(back.get_bytes("b"), Some(&b"\xff"[..]));
    // Errors inside UNAME with the NUL marker.
    assert_eq!(
        socks::parse_rfc1929(b"a=1;", b"\0", Config::LENIENT),
        Err(Error::TrailingSeparator { offset: 3 })
    );
    assert_eq!(
        socks::parse_rfc1929(b"a=1;;", b"\0", Config::LENIENT),
        Err(Error::EmptyItem { offset: 4 })
    );
}
