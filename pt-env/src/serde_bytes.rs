//! serde forms of byte values: a string where the bytes are UTF-8, else bytes (as pt-args
//! writes `Args`); read back from a string, bytes or a sequence of byte values.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

#[allow(clippy::ptr_arg)] // serde's `with` passes the field's type
pub(crate) fn serialize<S: Serializer>(v: &Cow<'_, [u8]>, s: S) -> Result<S::Ok, S::Error> {
    match core::str::from_utf8(v) {
        Ok(text) => s.serialize_str(text),
        Err(_) => s.serialize_bytes(v),
    }
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or bytes")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
        Ok(v.as_bytes().to_vec())
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
        Ok(v.to_vec())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut out = Vec::new();
        while let Some(b) = seq.next_element::<u8>()? {
            out.push(b);
        }
        Ok(out)
    }
}

pub(crate) fn deserialize<'de, 'a, D: Deserializer<'de>>(d: D) -> Result<Cow<'a, [u8]>, D::Error> {
    d.deserialize_byte_buf(BytesVisitor).map(Cow::Owned)
}

pub(crate) mod option {
    use super::*;
    use serde::Deserialize;

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<Cow<'_, [u8]>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&Field(b)),
            None => s.serialize_none(),
        }
    }

    struct Field<'b>(&'b [u8]);

    impl serde::Serialize for Field<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match core::str::from_utf8(self.0) {
                Ok(text) => s.serialize_str(text),
                Err(_) => s.serialize_bytes(self.0),
            }
        }
    }

    struct Owned(Vec<u8>);

    impl<'de> Deserialize<'de> for Owned {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_byte_buf(BytesVisitor).map(Owned)
        }
    }

    pub(crate) fn deserialize<'de, 'a, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Cow<'a, [u8]>>, D::Error> {
        Ok(Option::<Owned>::deserialize(d)?.map(|o| Cow::Owned(o.0)))
    }
}

/// [`ServerTransportOptions`](pt_args::options::ServerTransportOptions) as a sequence of
/// `[transport, args]` pairs (pt-args gives it no serde form of its own).
pub(crate) mod server_options {
    use super::*;
    use pt_args::Args;
    use pt_args::options::ServerTransportOptions;
    use serde::{Deserialize, Serialize};

    struct Name<'b>(&'b [u8]);

    impl Serialize for Name<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match core::str::from_utf8(self.0) {
                Ok(text) => s.serialize_str(text),
                Err(_) => s.serialize_bytes(self.0),
            }
        }
    }

    struct OwnedName(Vec<u8>);

    impl<'de> Deserialize<'de> for OwnedName {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_byte_buf(BytesVisitor).map(OwnedName)
        }
    }

    pub(crate) fn serialize<S: Serializer>(
        v: &ServerTransportOptions<'_>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(t, a)| (Name(t), a)))
    }

    pub(crate) fn deserialize<'de, 'a, D: Deserializer<'de>>(
        d: D,
    ) -> Result<ServerTransportOptions<'a>, D::Error> {
        let groups = Vec::<(OwnedName, Args<'static>)>::deserialize(d)?;
        let mut out = ServerTransportOptions::new();
        for (t, args) in groups {
            for (k, v) in args.iter() {
                out.push(&t.0, k, v);
            }
        }
        Ok(out)
    }
}
