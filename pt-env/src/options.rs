//! Transport options: `TOR_PT_SERVER_TRANSPORT_OPTIONS` (k=v, read by [`pt_args::options`]),
//! the JSON `-options` of PT 2.2/3.0, and `-optionsFile`.
//!
//! The format follows the dialect (behaviours: `pt2-options-format`): PT 1.0 reads k=v; PT
//! 2.0/2.1 read k=v as their text says, or JSON when the value starts with `{` (the dispatcher
//! sends JSON); PT 2.2 and 3.0 read JSON. JSON options are kept as raw text; with the `serde`
//! feature, [`JsonOptions`] has typed helpers for both shapes in use: nested by transport name
//! (`{"obfs4": {"cert": "..."}}`, the spec's example) and flat for the one transport
//! (`{"serverAddress": "192.0.2.1:443", ...}`, the dispatcher's v3 files).

use alloc::borrow::Cow;
use core::fmt;

use pt_args::Args;
use pt_args::options::ServerTransportOptions;

use crate::vars::FsPath;
use crate::{Dialect, Error, Origin};

/// Transport options as the parent passed them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TransportOptions<'a> {
    /// `transport:key=value;...`, grouped per transport (PT 1.0, and the PT 2.0/2.1 text).
    KeyValue(
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_bytes::server_options"))]
        ServerTransportOptions<'a>,
    ),
    /// A JSON object (PT 2.2/3.0, and the dispatcher's `-options` in 2.x).
    Json(JsonOptions<'a>),
    /// `-optionsFile`: the path only. Read the file, then parse its content with
    /// [`TransportOptions::parse_file`].
    File(FsPath<'a>),
}

impl<'a> TransportOptions<'a> {
    /// The k=v options of `transport`, if these are k=v options and it has some.
    pub fn key_value(&self, transport: &str) -> Option<&Args<'a>> {
        match self {
            TransportOptions::KeyValue(o) => o.get(transport),
            _ => None,
        }
    }

    /// Parses the content of an `-optionsFile` as `dialect` reads `-options`.
    pub fn parse_file(
        content: &'a [u8],
        dialect: Dialect,
        config: &crate::Config,
    ) -> Result<TransportOptions<'a>, Error> {
        parse_inline(
            Origin::Flag(crate::Flag::OptionsFile),
            content,
            dialect,
            config,
        )
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> TransportOptions<'static> {
        match self {
            TransportOptions::KeyValue(o) => TransportOptions::KeyValue(o.into_owned()),
            TransportOptions::Json(j) => TransportOptions::Json(j.into_owned()),
            TransportOptions::File(p) => TransportOptions::File(p.into_owned()),
        }
    }
}

/// Whether `value` looks like JSON: its first byte that is not JSON white space is `{`.
pub(crate) fn looks_like_json(value: &[u8]) -> bool {
    value
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .is_some_and(|&b| b == b'{')
}

/// Parses an options value the way `dialect` reads it.
pub(crate) fn parse_inline<'a>(
    origin: Origin,
    value: &'a [u8],
    dialect: Dialect,
    config: &crate::Config,
) -> Result<TransportOptions<'a>, Error> {
    let json = match dialect {
        Dialect::Pt1 => false,
        Dialect::Pt2 => looks_like_json(value),
        Dialect::Pt22 | Dialect::Pt3 => true,
    };
    if json {
        return JsonOptions::parse(origin, value).map(TransportOptions::Json);
    }
    pt_args::options::parse_with(value, config.options)
        .map(TransportOptions::KeyValue)
        .map_err(|error| Error::Options {
            origin,
            value: crate::error::Echo::new(value),
            error,
        })
}

/// JSON options, kept as the text the parent passed. Parsing only checks that it is UTF-8 and
/// starts (after white space) with `{`; with the `serde` feature the helpers parse it.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct JsonOptions<'a>(Cow<'a, str>);

impl<'a> JsonOptions<'a> {
    /// Wraps `text`, which must start (after white space) with `{`.
    pub fn new(text: &'a str) -> Result<JsonOptions<'a>, Error> {
        JsonOptions::parse(Origin::Flag(crate::Flag::Options), text.as_bytes())
    }

    fn parse(origin: Origin, value: &'a [u8]) -> Result<JsonOptions<'a>, Error> {
        let text = crate::util::text(origin, value)?;
        if !looks_like_json(value) {
            return Err(Error::InvalidJson {
                origin,
                detail: alloc::string::String::from("expected a JSON object"),
            });
        }
        Ok(JsonOptions(Cow::Borrowed(text)))
    }

    /// The raw text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A copy that no longer borrows the input.
    pub fn into_owned(self) -> JsonOptions<'static> {
        JsonOptions(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for JsonOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonOptions({:?})", &*self.0)
    }
}

#[cfg(feature = "serde")]
pub use json::JsonShape;

#[cfg(feature = "serde")]
mod json {
    use alloc::borrow::Cow;
    use alloc::string::{String, ToString};
    use serde_json::{Map, Value};

    use super::JsonOptions;
    use crate::addr::{HostPort, Rule, parse_host_port};
    use crate::{Error, Flag, Origin};

    /// How JSON options are laid out (pt2 Dispatcher IPC section 1.8).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum JsonShape {
        /// `{"<transport>": {...}, ...}`: every top-level key is a launched transport and every
        /// value an object (the 2.2/3.0 spec example, the dispatcher's 2.x server).
        Nested,
        /// `{"key": value, ...}` for the one transport (the dispatcher's v3 files, with
        /// `serverAddress`).
        Flat,
    }

    fn invalid(detail: String) -> Error {
        Error::InvalidJson {
            origin: Origin::Flag(Flag::Options),
            detail,
        }
    }

    impl JsonOptions<'_> {
        /// The options as a JSON object.
        pub fn object(&self) -> Result<Map<String, Value>, Error> {
            serde_json::from_str(&self.0).map_err(|e| invalid(e.to_string()))
        }

        /// Nested if every top-level key names one of `transports` and holds an object (an
        /// empty object counts as nested), flat otherwise.
        pub fn shape(&self, transports: &[impl AsRef<str>]) -> Result<JsonShape, Error> {
            Ok(shape_of(&self.object()?, transports))
        }

        /// The options of `transport`: its object when nested; the whole object when flat and
        /// `transport` is the only one launched; `None` otherwise.
        pub fn for_transport(
            &self,
            transport: &str,
            transports: &[impl AsRef<str>],
        ) -> Result<Option<Map<String, Value>>, Error> {
            let mut map = self.object()?;
            Ok(match shape_of(&map, transports) {
                JsonShape::Nested => match map.remove(transport) {
                    Some(Value::Object(o)) => Some(o),
                    _ => None,
                },
                JsonShape::Flat => {
                    let only = transports.len() == 1
                        && transports.first().is_some_and(|t| t.as_ref() == transport);
                    only.then_some(map)
                }
            })
        }

        /// The `serverAddress` of `transport` (proposal 0014, the PT 3.0 client's target), as
        /// `<address>:<port>` where the address may be a host name.
        pub fn server_address(
            &self,
            transport: &str,
            transports: &[impl AsRef<str>],
        ) -> Result<Option<HostPort<'static>>, Error> {
            let Some(map) = self.for_transport(transport, transports)? else {
                return Ok(None);
            };
            let Some(v) = map.get("serverAddress") else {
                return Ok(None);
            };
            let Value::String(s) = v else {
                return Err(invalid(String::from("serverAddress is not a string")));
            };
            let rule = Rule {
                legacy_ipv6: true,
                names: true,
            };
            match parse_host_port(s.as_bytes(), rule) {
                Ok(hp) => Ok(Some(hp.into_owned())),
                Err((offset, problem)) => Err(Error::InvalidAddress {
                    origin: Origin::Flag(Flag::Options),
                    offset,
                    problem,
                    value: crate::error::Echo::new(s.as_bytes()),
                }),
            }
        }

        /// Options written from a JSON object.
        pub fn from_object(map: &Map<String, Value>) -> JsonOptions<'static> {
            let text = Value::Object(map.clone()).to_string();
            JsonOptions(Cow::Owned(text))
        }

        /// Nested options: one object per transport.
        pub fn nested<'t>(
            per_transport: impl IntoIterator<Item = (&'t str, Map<String, Value>)>,
        ) -> JsonOptions<'static> {
            let map: Map<String, Value> = per_transport
                .into_iter()
                .map(|(t, o)| (String::from(t), Value::Object(o)))
                .collect();
            JsonOptions::from_object(&map)
        }
    }

    fn shape_of(map: &Map<String, Value>, transports: &[impl AsRef<str>]) -> JsonShape {
        let nested = map
            .iter()
            .all(|(k, v)| v.is_object() && transports.iter().any(|t| t.as_ref() == k.as_str()));
        if nested {
            JsonShape::Nested
        } else {
            JsonShape::Flat
        }
    }
}
