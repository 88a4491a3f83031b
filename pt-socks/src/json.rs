//! The PT 2.x JSON parameter block (SOCKS5 method `09`; behaviours: `pt2-json-block-framing`).
//!
//! After the server selects method `09`, the client sends a 4-byte big-endian length and that
//! many bytes of UTF-8 JSON (an object), then goes straight on to the request: there is no
//! authentication reply. The legacy private method `80` used the same framing in dispatcher
//! 2.0.1 - 2.1.5; the PT 2.0 Draft 2 text shows the length little-endian. This module only
//! frames the bytes; checking the JSON is the caller's job.
//!
//! ```
//! use pt_socks::{Encode, Parse, Parsed};
//! use pt_socks::json::JsonBlock;
//!
//! let json = br#"{"shared-secret": "rahasia", "secrets-file": "/tmp/blob"}"#;
//! let block = JsonBlock::new(json);
//! let mut wire = Vec::new();
//! block.encode(&mut wire)?;
//! assert_eq!(&wire[..4], &[0, 0, 0, 0x39]);
//! assert_eq!(JsonBlock::parse(&wire)?, Parsed::Complete { value: block, len: 4 + 57 });
//! # Ok::<(), pt_socks::Error>(())
//! ```

use bytes::BufMut;

use crate::util::{check_room, four};
use crate::{Encode, Error, Parse, Parsed};

/// The byte order of the block's length field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ByteOrder {
    /// Network order, as every released spec and dispatcher uses.
    #[default]
    BigEndian,
    /// As the PT 2.0 Draft 2 example bytes show (never implemented by the dispatcher).
    LittleEndian,
}

/// A JSON parameter block: `LEN(4) JSON`, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JsonBlock<'a> {
    /// The JSON bytes (not validated).
    pub json: &'a [u8],
    /// The byte order of the length field.
    pub order: ByteOrder,
}

impl<'a> JsonBlock<'a> {
    /// A block with a big-endian length.
    pub fn new(json: &'a [u8]) -> Self {
        JsonBlock {
            json,
            order: ByteOrder::BigEndian,
        }
    }

    /// The length field of a block whose first 4 bytes are in `input`.
    pub fn peek_len(input: &[u8], order: ByteOrder) -> Option<u32> {
        let b = four(input, 0)?;
        Some(match order {
            ByteOrder::BigEndian => u32::from_be_bytes(b),
            ByteOrder::LittleEndian => u32::from_le_bytes(b),
        })
    }

    /// Parses a block whose length has byte order `order`.
    pub fn parse_with(input: &'a [u8], order: ByteOrder) -> Result<Parsed<Self>, Error> {
        let Some(n) = Self::peek_len(input, order) else {
            return Ok(Parsed::need(4, input.len()));
        };
        let len = 4usize.saturating_add(n as usize);
        match input.get(4..len) {
            Some(json) => Ok(Parsed::Complete {
                value: JsonBlock { json, order },
                len,
            }),
            None => Ok(Parsed::need(len, input.len())),
        }
    }
}

impl<'a> Parse<'a> for JsonBlock<'a> {
    /// Parses a block with a big-endian length.
    fn parse(input: &'a [u8]) -> Result<Parsed<Self>, Error> {
        Self::parse_with(input, ByteOrder::BigEndian)
    }
}

impl Encode for JsonBlock<'_> {
    fn encoded_len(&self) -> usize {
        4 + self.json.len()
    }
    fn encode<B: BufMut>(&self, buf: &mut B) -> Result<usize, Error> {
        let n = u32::try_from(self.json.len()).map_err(|_| Error::Unencodable {
            what: "a JSON block longer than 2^32 - 1 bytes",
        })?;
        let len = self.encoded_len();
        check_room(buf, len)?;
        match self.order {
            ByteOrder::BigEndian => buf.put_u32(n),
            ByteOrder::LittleEndian => buf.put_u32_le(n),
        }
        buf.put_slice(self.json);
        Ok(len)
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for JsonBlock<'a> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=1024usize)?;
        Ok(JsonBlock {
            order: u.arbitrary()?,
            json: u.bytes(n)?,
        })
    }
}
