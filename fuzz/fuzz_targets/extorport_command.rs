//! The command codec: every valid command survives encode then parse (with any bytes after
//! it); arbitrary bytes parse without panic, and a complete command re-encodes to the bytes
//! it came from (DONE, OKAY and DENY drop a body); the USERADDR and TRANSPORT body checks
//! never panic, and an accepted address is written as `SocketAddr` writes it and reads back
//! the same.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pt_extorport::command::{self, check_transport, parse_useraddr};
use pt_extorport::{Command, Parsed};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    command: Command<'a>,
    tail: &'a [u8],
    raw: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let cmd = input.command;
    let mut wire = Vec::new();
    let n = cmd.encode(&mut wire).expect("a generated command encodes");
    assert_eq!(n, cmd.encoded_len());
    for i in 0..n.min(64) {
        assert!(Command::parse(&wire[..i]).is_incomplete());
    }
    wire.extend_from_slice(input.tail);
    assert_eq!(
        Command::parse(&wire),
        Parsed::Complete { value: cmd, len: n }
    );

    match Command::parse(input.raw) {
        Parsed::Complete { value, len } => {
            let mut again = Vec::new();
            value.encode(&mut again).unwrap();
            match value {
                Command::Done | Command::Okay | Command::Deny => {
                    assert_eq!(again[..2], input.raw[..2]);
                }
                _ => assert_eq!(again, input.raw[..len]),
            }
        }
        Parsed::Incomplete { needed } => assert!(needed >= 1),
    }

    if let Ok(addr) = parse_useraddr(input.raw) {
        let mut out = Vec::new();
        command::write_useraddr(addr, &mut out).unwrap();
        // The hand-written text is `SocketAddr`'s.
        assert_eq!(out[4..], *addr.to_string().as_bytes());
        if addr.port() != 0 {
            assert_eq!(parse_useraddr(&out[4..]), Ok(addr));
        }
    }
    if let Ok(name) = check_transport(input.raw) {
        assert_eq!(name.as_bytes(), input.raw);
    }
});
