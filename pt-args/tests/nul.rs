//! NUL bytes (issue 7, point 4): the SMETHOD decoder's key stop set used to hold padding
//! zeros, so a NUL ended a key there and nowhere else; the SOCKS encoder used to accept NUL,
//! which SOCKS cannot carry intact (behaviours: `socks-args-nul-unencodable`); a bridge line
//! is a C string in tor and cannot hold one.

use pt_args::bridge::BridgeLine;
use pt_args::options::{self, ServerTransportOptions};
use pt_args::socks::{self, Escaping};
use pt_args::{Args, Error, smethod};

const SMETHOD_CONFIGS: [smethod::Config; 4] = [
    smethod::Config::LENIENT,
    smethod::Config::STRICT,
    smethod::Config::LENIENT.with_pt2_semicolons(true),
    smethod::Config::STRICT.with_pt2_semicolons(true),
];

/// `smethod::parse("a\0b=c")` failed with `MissingEquals { offset: 1 }` while the other
/// flavours accepted it: a NUL is an ordinary byte to every decoder.
#[test]
fn smethod_decoder_takes_nul_like_the_other_flavours() {
    for config in SMETHOD_CONFIGS {
        for config in [config, config.with_require_utf8(true)] {
            let a =
                smethod::parse_with("a\0b=c", config).unwrap_or_else(|e| panic!("{config:?}: {e}"));
            assert_eq!(
                a.iter().collect::<Vec<_>>(),
                [(&b"a\0b"[..], &b"c"[..])],
                "{config:?}"
            );
            assert_eq!(a.get("a\0b"), Some("c"));
            assert!(a.is_borrowed());
            let a = smethod::parse_with("\0=\0,k\0=v\0", config).unwrap();
            assert_eq!(
                a.iter().collect::<Vec<_>>(),
                [(&b"\0"[..], &b"\0"[..]), (b"k\0", b"v\0")],
                "{config:?}"
            );
            // A NUL right before the '=' and after an escape.
            let a = smethod::parse_with("k\\,\0=v", config).unwrap();
            assert_eq!(a.get_bytes(b"k,\0"), Some(&b"v"[..]));
        }
    }
    // The same input in the other flavours.
    assert_eq!(socks::parse("a\0b=c").unwrap().get("a\0b"), Some("c"));
    assert_eq!(
        options::parse("t:a\0b=c")
            .unwrap()
            .get("t")
            .and_then(|a| a.get("a\0b")),
        Some("c")
    );
    // A long key with a NUL in the middle, in every SMETHOD config.
    let key = format!("{}\0{}", "a".repeat(10_000), "b".repeat(10_000));
    let input = format!("{key}=v");
    for config in SMETHOD_CONFIGS {
        assert_eq!(
            smethod::parse_with(&input, config).unwrap().get(&key),
            Some("v")
        );
    }
    // The encoder still refuses it: it would end the line in tor's reading.
    let a: Args<'_> = [("a\0b", "c")].into_iter().collect();
    assert_eq!(
        smethod::to_vec(&a),
        Err(Error::Unencodable { index: 0, found: 0 })
    );
}

/// The SOCKS encoder refuses NUL in keys and values (`Unencodable`, with the pair's index),
/// writing nothing, with either escaping.
#[test]
fn socks_encoder_refuses_nul() {
    type BytePairs = &'static [(&'static [u8], &'static [u8])];
    let cases: &[(BytePairs, usize)] = &[
        (&[(b"k", b"\0")], 0),
        (&[(b"k", b"a\0b")], 0),
        (&[(b"\0", b"v")], 0),
        (&[(b"ok", b"1"), (b"k\0", b"v")], 1),
        (&[(b"ok", b"1"), (b"k", b"1"), (b"x", b"\0")], 2),
        // The first offending pair wins, whatever the error.
        (&[(b"a", b"\0"), (b"", b"y")], 0),
    ];
    for &(pairs, index) in cases {
        let a: Args<'_> = pairs.iter().copied().collect();
        let e = Error::Unencodable { index, found: 0 };
        for escaping in [Escaping::Spec, Escaping::Minimal] {
            let mut out = Vec::new();
            assert_eq!(
                socks::encode_with(&a, escaping, &mut out),
                Err(e.clone()),
                "{pairs:?}"
            );
            assert!(out.is_empty(), "nothing written");
            let mut slice = [0xAAu8; 64];
            assert_eq!(
                socks::encode_with(&a, escaping, &mut &mut slice[..]),
                Err(e.clone())
            );
            assert!(slice.iter().all(|&b| b == 0xAA));
            assert_eq!(socks::to_vec_with(&a, escaping), Err(e.clone()));
            assert_eq!(socks::to_string_with(&a, escaping), Err(e.clone()));
        }
        assert_eq!(socks::to_vec(&a), Err(e.clone()));
        assert_eq!(socks::to_string(&a), Err(e));
    }
    // An empty key before the NUL is reported first.
    let a: Args<'_> = [(&b""[..], &b"\0"[..])].into_iter().collect();
    assert_eq!(socks::to_vec(&a), Err(Error::EncodeEmptyKey { index: 0 }));
    // The decoders still take a NUL (goptlib and tor do): only the encoder is strict.
    let a = socks::parse(b"k=a\0b").unwrap();
    assert_eq!(a.get_bytes("k"), Some(&b"a\0b"[..]));
    // So a list parsed with a NUL cannot be written out again.
    assert_eq!(
        socks::to_vec(&a),
        Err(Error::Unencodable { index: 0, found: 0 })
    );
}

/// Why: a 254-byte value whose encoding (`k=` + 254 bytes = 256) ends in NUL splits into
/// UNAME = 255 bytes and PASSWD = `00`, which the receiver reads as "no password": the value
/// comes back as 253 bytes. The encoder now refuses it.
#[test]
fn the_256_byte_encoding_ending_in_nul_is_refused() {
    let mut value = vec![b'a'; 253];
    value.push(0);
    assert_eq!(value.len(), 254);
    let a: Args<'_> = [(&b"k"[..], &value[..])].into_iter().collect();
    assert_eq!(socks::encoded_len(&a), 256);
    for escaping in [Escaping::Spec, Escaping::Minimal] {
        assert_eq!(
            socks::to_vec_with(&a, escaping),
            Err(Error::Unencodable { index: 0, found: 0 })
        );
    }
    // What the old encoder wrote, and what the PT read from it: a byte lost.
    let mut wire = b"k=".to_vec();
    wire.extend_from_slice(&value);
    let f = socks::to_rfc1929(&wire).unwrap().unwrap();
    assert_eq!((f.uname.len(), f.passwd), (255, &b"\0"[..]));
    let read = socks::parse_rfc1929(f.uname, f.passwd, socks::Config::LENIENT).unwrap();
    assert_eq!(read.get_bytes("k").map(<[u8]>::len), Some(253));
    assert_ne!(read, a);
    // A NUL anywhere else would not have lost bytes over RFC 1929 but would end a SOCKS4
    // USERID: refused all the same.
    let mut early = [b'a'; 100];
    early[50] = 0;
    let a: Args<'_> = [(&b"k"[..], &early[..])].into_iter().collect();
    assert_eq!(
        socks::to_vec(&a),
        Err(Error::Unencodable { index: 0, found: 0 })
    );
}

/// A NUL anywhere in a bridge line is `Error::Nul` at its offset (tor's lines are C strings),
/// checked before anything else.
#[test]
fn bridge_line_with_nul_is_refused_at_its_offset() {
    let cases: &[(&[u8], usize)] = &[
        (b"\0", 0),
        (b"\0obfs4 192.0.2.1:80", 0),
        (b"obfs4\0 192.0.2.1:80", 5),
        (b"obfs4 192.0.2.1:80\0", 18),
        (b"obfs4 192.0.2.1:80 k=a\0b", 22),
        (b"obfs4 192.0.2.1:80 k=v \0", 23),
        (b"Bridge obfs4 192.0.2.1:80 k=v x=\0", 32),
        // Before a later error, and with two NULs, the first.
        (b"obfs4 bad-address k=\0 \0", 20),
        (b"=x \0", 3),
    ];
    for &(line, offset) in cases {
        let err = BridgeLine::parse(line).unwrap_err();
        assert_eq!(err, Error::Nul { offset }, "{line:?}");
        assert_eq!(err.offset(), Some(offset));
        assert_eq!(
            err.to_string(),
            format!("NUL byte at {offset}: a bridge line cannot hold one")
        );
    }
    // Options: the encoder refuses a NUL in a name, key or value (it cannot be in an
    // environment variable); the decoder takes it.
    let mut o = ServerTransportOptions::new();
    o.push("t", "k", "a\0");
    assert_eq!(
        options::to_vec(&o),
        Err(Error::Unencodable { index: 0, found: 0 })
    );
    assert_eq!(
        options::parse(b"t:k=a\0")
            .unwrap()
            .get("t")
            .and_then(|a| a.get_bytes("k")),
        Some(&b"a\0"[..])
    );
}
