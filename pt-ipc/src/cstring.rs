//! Quoted C strings, the value syntax of `LOG` and `STATUS` (`pt-spec.txt` sections 3.3.4 and
//! 3.3.5 point to control-spec section 2.1.1).
//!
//! **Decoding** follows tor's `unescape_string` (`src/lib/encoding/cstring.c`): the value starts
//! with `"`; a raw NUL or line feed before the closing quote is an error; the escapes are
//! `\n \r \t \" \\ \'`, `\xHH` (two hex digits, any case) and octal `\d`, `\dd`, `\ddd`
//! (greedy, at most `\377`); a value that decodes to a NUL byte is refused (tor's
//! `kvline_parse` drops it). Any other escape is an error under the strict policy, as in tor;
//! the lenient policy keeps the escaped byte, as Arti's `tor-ptmgr` `ipc.rs` does (behaviours:
//! `ipc-cstring-unknown-escape`). Raw bytes above 127 and raw spaces are accepted.
//!
//! **Encoding** writes `"`, every byte from space to `~` except `"` and `\` as it is, the named
//! escapes `\n \r \t \" \\` (which tor and Arti both decode), and exactly three octal digits
//! for every other byte (control bytes, DEL, bytes above 127). Three digits always, so a digit
//! that follows cannot join the escape: goptlib's `\x0123abc` trap (behaviours:
//! `ipc-cstring-encoder`). The output is printable US-ASCII, so it is a safe argument.
//!
//! ```
//! use pt_ipc::cstring;
//!
//! let (value, used) = cstring::decode(br#""a\"b\101" rest"#, false)?;
//! assert_eq!(&*value, b"a\"bA");
//! assert_eq!(used, 10);
//! assert_eq!(cstring::to_string(b"tab\there \x01\x80"), r#""tab\there \001\200""#);
//! # Ok::<(), pt_ipc::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use bytes::BufMut;
use nom::Parser;
use nom::bytes::complete::{tag, take_while_m_n, take_while1};

use crate::error::{CStringProblem, Error};

/// One piece of a C string body: a run of plain bytes, or the byte an escape stands for.
enum Piece<'a> {
    Plain(&'a [u8]),
    Byte(u8),
}

type Res<'a, T> = nom::IResult<&'a [u8], T>;

/// A byte that stands for itself inside the quotes: anything but `"`, `\`, NUL and LF.
fn is_plain(b: u8) -> bool {
    const TABLE: [bool; 256] = byte_table!(|b| !matches!(b, b'"' | b'\\' | b'\n' | 0));
    TABLE[usize::from(b)]
}

/// `plain = 1*(any byte but '"' / '\' / NUL / LF)`
fn plain(i: &[u8]) -> Res<'_, &[u8]> {
    take_while1(is_plain).parse(i)
}

/// `octal = 1*3("0"-"7")`, greedy; its value must fit a byte.
fn octal(i: &[u8]) -> Res<'_, u32> {
    take_while_m_n(1, 3, |b: u8| (b'0'..=b'7').contains(&b))
        .map(|d: &[u8]| d.iter().fold(0u32, |n, &b| n * 8 + u32::from(b - b'0')))
        .parse(i)
}

/// `hex = ("x" / "X") 2HEXDIG`
fn hex(i: &[u8]) -> Res<'_, u8> {
    let (i, _) = nom::branch::alt((tag("x"), tag("X"))).parse(i)?;
    take_while_m_n(2, 2, |b: u8| b.is_ascii_hexdigit())
        .map(|d: &[u8]| d.iter().fold(0u8, |n, &b| (n << 4) | hex_val(b)))
        .parse(i)
}

fn hex_val(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b.wrapping_sub(b'A').wrapping_add(10) & 0x0f,
    }
}

/// `named = "n" / "r" / "t" / DQUOTE / "\" / "'"`
fn named(i: &[u8]) -> Option<u8> {
    Some(match i.first()? {
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'"' => b'"',
        b'\\' => b'\\',
        b'\'' => b'\'',
        _ => return None,
    })
}

/// `escape = "\" (named / hex / octal)`; anything else after the backslash is an error
/// (strict) or stands for itself (lenient). Returns the byte and the bytes used, or the
/// problem. `i` starts after the backslash.
fn escape(i: &[u8], strict: bool) -> Result<(u8, usize), CStringProblem> {
    if let Some(b) = named(i) {
        return Ok((b, 1));
    }
    if let Ok((rest, b)) = hex(i) {
        return Ok((b, i.len() - rest.len()));
    }
    if let Ok((rest, v)) = octal(i) {
        let b = u8::try_from(v).map_err(|_| CStringProblem::OctalOverflow)?;
        return Ok((b, i.len() - rest.len()));
    }
    match i.first() {
        None | Some(b'\n') | Some(0) => Err(CStringProblem::Unterminated),
        Some(b'x' | b'X') if strict => Err(CStringProblem::BadHexEscape),
        Some(_) if strict => Err(CStringProblem::UnknownEscape),
        Some(&b) => Ok((b, 1)),
    }
}

/// Walks the C string at the start of `input`, handing each piece of the body to `sink`, and
/// returns the bytes used through the closing quote. Error offsets are in `input`.
fn walk<'a>(
    input: &'a [u8],
    strict: bool,
    mut sink: impl FnMut(Piece<'a>),
) -> Result<usize, Error> {
    let fail = |problem, offset| Error::CString { problem, offset };
    let mut i = match input.split_first() {
        Some((b'"', body)) => body,
        _ => return Err(fail(CStringProblem::MissingOpenQuote, 0)),
    };
    loop {
        let at = input.len() - i.len();
        match i.first() {
            None => return Err(fail(CStringProblem::Unterminated, at)),
            Some(b'"') => return Ok(at + 1),
            Some(b'\n' | 0) => return Err(fail(CStringProblem::RawControl, at)),
            Some(b'\\') => {
                let rest = i.get(1..).unwrap_or_default();
                let (b, used) = escape(rest, strict).map_err(|p| fail(p, at))?;
                if b == 0 {
                    return Err(fail(CStringProblem::DecodedNul, at));
                }
                i = rest.get(used..).unwrap_or_default();
                sink(Piece::Byte(b));
            }
            Some(_) => match plain(i) {
                Ok((rest, run)) => {
                    i = rest;
                    sink(Piece::Plain(run));
                }
                Err(_) => return Err(fail(CStringProblem::Unterminated, at)),
            },
        }
    }
}

/// Checks the C string at the start of `input` without decoding it, returning the bytes used
/// through the closing quote and whether it held an escape.
pub(crate) fn check(input: &[u8], strict: bool) -> Result<(usize, bool), Error> {
    let mut escaped = false;
    let used = walk(input, strict, |p| escaped |= matches!(p, Piece::Byte(_)))?;
    Ok((used, escaped))
}

/// Decodes the C string at the start of `input` (which must start with `"`).
///
/// Returns the decoded bytes (borrowed from `input` when there was no escape, so nothing is
/// allocated) and how many bytes of `input` it used, through the closing quote. `strict` is
/// tor's reading (unknown escapes are errors); otherwise Arti's (the escaped byte stands for
/// itself). Error offsets are in `input`.
pub fn decode(input: &[u8], strict: bool) -> Result<(Cow<'_, [u8]>, usize), Error> {
    let mut owned: Option<Vec<u8>> = None;
    let mut plain_len = 0;
    let used = walk(input, strict, |piece| match (piece, &mut owned) {
        (Piece::Plain(run), Some(v)) => v.extend_from_slice(run),
        (Piece::Plain(run), None) => plain_len += run.len(),
        (Piece::Byte(b), Some(v)) => v.push(b),
        (Piece::Byte(b), None) => {
            // The first escape: copy the plain bytes before it, then decode into the copy.
            let mut v = Vec::with_capacity(input.len());
            v.extend_from_slice(input.get(1..1 + plain_len).unwrap_or_default());
            v.push(b);
            owned = Some(v);
        }
    })?;
    let value = match owned {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(input.get(1..used - 1).unwrap_or_default()),
    };
    Ok((value, used))
}

/// How an encoded byte is written.
fn class(b: u8) -> Option<u8> {
    match b {
        b'\n' => Some(b'n'),
        b'\r' => Some(b'r'),
        b'\t' => Some(b't'),
        b'"' => Some(b'"'),
        b'\\' => Some(b'\\'),
        _ => None,
    }
}

fn is_literal(b: u8) -> bool {
    (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\'
}

/// The length of `value` encoded, quotes included.
pub fn encoded_len(value: &[u8]) -> usize {
    2 + value
        .iter()
        .map(|&b| match b {
            _ if is_literal(b) => 1,
            _ if class(b).is_some() => 2,
            _ => 4,
        })
        .sum::<usize>()
}

/// Encodes `value` as a C string into `buf`, returning the bytes written; writes nothing and
/// fails with [`Error::BufferTooSmall`] if `buf` has less room than [`encoded_len`]. Any bytes
/// can be encoded except NUL, which tor's decoder refuses ([`Error::Nul`]).
pub fn encode(value: &[u8], buf: &mut impl BufMut) -> Result<usize, Error> {
    if let Some(offset) = memchr::memchr(0, value) {
        return Err(Error::Nul { offset });
    }
    let needed = encoded_len(value);
    if buf.remaining_mut() < needed {
        return Err(Error::BufferTooSmall {
            needed,
            available: buf.remaining_mut(),
        });
    }
    put(value, buf);
    Ok(needed)
}

/// Writes `value` encoded (the caller checked the room and the absence of NUL).
pub(crate) fn put(value: &[u8], buf: &mut impl BufMut) {
    buf.put_u8(b'"');
    let mut rest = value;
    while !rest.is_empty() {
        let run = rest
            .iter()
            .position(|&b| !is_literal(b))
            .unwrap_or(rest.len());
        let (lit, tail) = rest.split_at(run);
        buf.put_slice(lit);
        let Some((&b, tail)) = tail.split_first() else {
            break;
        };
        match class(b) {
            Some(c) => buf.put_slice(&[b'\\', c]),
            None => buf.put_slice(&[
                b'\\',
                b'0' + (b >> 6),
                b'0' + ((b >> 3) & 7),
                b'0' + (b & 7),
            ]),
        }
        rest = tail;
    }
    buf.put_u8(b'"');
}

/// `value` encoded as a C string, quotes included. A NUL byte cannot be carried; it is written
/// as `\000`, which tor refuses, so use [`encode`] to be told instead.
pub fn to_string(value: &[u8]) -> String {
    let mut v = Vec::with_capacity(encoded_len(value));
    put(value, &mut v);
    // Only printable US-ASCII was written.
    String::from_utf8(v).unwrap_or_default()
}
