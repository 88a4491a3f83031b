//! The `TOR_PT_*` environment of a managed Pluggable Transport, both directions.
//!
//! **Status: not yet implemented.** This crate is reserved in the pt-codecs workspace so that the
//! dependency graph, the feature set and the `no_std` proof are in place from the start. It will
//! hold:
//!
//! - parsing of every `TOR_PT_*` variable for the PT (`TOR_PT_MANAGED_TRANSPORT_VER`,
//!   `TOR_PT_CLIENT_TRANSPORTS`, `TOR_PT_PROXY`, `TOR_PT_SERVER_BINDADDR`,
//!   `TOR_PT_SERVER_TRANSPORT_OPTIONS`, `TOR_PT_ORPORT`, `TOR_PT_EXTENDED_SERVER_PORT`, ...),
//!   with each error mapped to the exact `ENV-ERROR` / `VERSION-ERROR` / `PROXY-ERROR` line;
//! - builders that produce the same environment for a parent process (tor, Arti, a VPN);
//! - the PT 2.x/3.0 command-line flags.
//!
//! k=v values (server transport options) come from [`pt_args`].
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(feature = "alloc"))]
compile_error!("pt-env needs the `alloc` feature (enabled by the default `std` feature)");

// Referenced so that the no_std proof in .ci/ loads every dependency of this crate.
use bytes as _;
use pt_args as _;
use thiserror as _;
