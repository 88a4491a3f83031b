//! SOCKS4/4a/5 and RFC 1929 for Pluggable Transports, Sans-IO.
//!
//! **Status: in progress** (issue 3).
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(feature = "alloc"))]
compile_error!("pt-socks needs the `alloc` feature (enabled by the default `std` feature)");

// Referenced so that the no_std proof in .ci/ loads every dependency of this crate.
use bytes as _;
use pt_args as _;
use thiserror as _;
