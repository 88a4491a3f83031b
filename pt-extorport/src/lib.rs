//! The Extended ORPort protocol between a server Pluggable Transport and its parent.
//!
//! **Status: not yet implemented.** This crate is reserved in the pt-codecs workspace so that the
//! dependency graph, the feature set and the `no_std` proof are in place from the start. It will
//! hold the auth cookie file format, SAFE_COOKIE authentication as Sans-IO client and server
//! machines (nonces come from the caller), and the command codec (`USERADDR`, `TRANSPORT`,
//! `DONE`, `OKAY`, `DENY`, ...).
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(feature = "alloc"))]
compile_error!("pt-extorport needs the `alloc` feature (enabled by the default `std` feature)");

// Referenced so that the no_std proof in .ci/ loads every dependency of this crate.
use bytes as _;
use hmac as _;
use pt_args as _;
use pt_env as _;
use sha2 as _;
use subtle as _;
use thiserror as _;
use zeroize as _;
