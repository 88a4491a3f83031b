//! Small helpers shared by the wire types and the machines.

use bytes::BufMut;

use crate::Error;

/// Fails with [`Error::BufferTooSmall`] unless `buf` has room for `needed` more bytes.
pub(crate) fn check_room(buf: &impl BufMut, needed: usize) -> Result<(), Error> {
    let available = buf.remaining_mut();
    if available < needed {
        Err(Error::BufferTooSmall { needed, available })
    } else {
        Ok(())
    }
}

/// The byte at `i`, if the input has it.
#[inline]
pub(crate) fn byte(input: &[u8], i: usize) -> Option<u8> {
    input.get(i).copied()
}

/// A big-endian `u16` at `i..i + 2`, if the input has it.
#[inline]
pub(crate) fn be16(input: &[u8], i: usize) -> Option<u16> {
    match input.get(i..i.checked_add(2)?) {
        Some(&[a, b]) => Some(u16::from_be_bytes([a, b])),
        _ => None,
    }
}

/// Four bytes at `i..i + 4`, if the input has them.
#[inline]
pub(crate) fn four(input: &[u8], i: usize) -> Option<[u8; 4]> {
    match input.get(i..i.checked_add(4)?) {
        Some(&[a, b, c, d]) => Some([a, b, c, d]),
        _ => None,
    }
}

/// Sixteen bytes at `i..i + 16`, if the input has them.
#[inline]
pub(crate) fn sixteen(input: &[u8], i: usize) -> Option<[u8; 16]> {
    let s = input.get(i..i.checked_add(16)?)?;
    let mut a = [0u8; 16];
    a.copy_from_slice(s);
    Some(a)
}

/// The offset of the first NUL in `bytes` (the end of a SOCKS4 USERID or HOST): a plain loop
/// for the few bytes of a small read, `memchr` for large ones.
#[inline(always)]
pub(crate) fn find_nul(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 16 {
        bytes.iter().position(|&b| b == 0)
    } else {
        memchr::memchr(0, bytes)
    }
}
