//! Small helpers shared by the grammar modules.

use nom::bytes::complete::take_till;
use nom::{IResult, Parser};

use crate::{Error, Origin};

/// `item = *(any byte but sep)`: one item of a `sep`-separated list.
fn list_item(sep: u8) -> impl Fn(&[u8]) -> IResult<&[u8], &[u8]> {
    move |i| take_till(|b| b == sep).parse(i)
}

/// The items of a `sep`-separated list with their offsets, empty items included (`a,,b` has
/// three, the empty string one): the PT lists split as Go's `strings.Split` does.
pub(crate) fn items(list: &[u8], sep: u8) -> impl Iterator<Item = (usize, &[u8])> {
    let mut rest = Some((0usize, list));
    core::iter::from_fn(move || {
        let (at, input) = rest?;
        let (after, item) = match list_item(sep)(input) {
            Ok(ok) => ok,
            Err(_) => (&input[input.len()..], input),
        };
        rest = after
            .split_first()
            .map(|(_, tail)| (at + item.len() + 1, tail));
        Some((at, item))
    })
}

/// `value` as text, or [`Error::NotUtf8`].
pub(crate) fn text(origin: Origin, value: &[u8]) -> Result<&str, Error> {
    core::str::from_utf8(value).map_err(|e| Error::NotUtf8 {
        origin,
        offset: e.valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::items;
    use alloc::vec::Vec;

    #[test]
    fn items_split_like_go() {
        let got: Vec<_> = items(b"a,,bc,", b',').collect();
        assert_eq!(
            got,
            [
                (0, &b"a"[..]),
                (2, &b""[..]),
                (3, &b"bc"[..]),
                (6, &b""[..])
            ]
        );
        assert_eq!(items(b"", b',').collect::<Vec<_>>(), [(0, &b""[..])]);
    }
}
