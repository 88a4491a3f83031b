//! The stdout line protocol a Pluggable Transport speaks to its parent process.
//!
//! **Status: not yet implemented.** This crate is reserved in the pt-codecs workspace so that the
//! dependency graph, the feature set and the `no_std` proof are in place from the start. It will
//! hold zero-copy parsing and encoding of every PT 1.0 message (`VERSION`, `CMETHOD`,
//! `SMETHOD ... ARGS:`, `PROXY DONE`, `LOG`, `STATUS`, the `*-ERROR` lines), the control-spec
//! CString codec, an incremental line splitter, and session checkers for both sides.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(feature = "alloc"))]
compile_error!("pt-ipc needs the `alloc` feature (enabled by the default `std` feature)");

// Referenced so that the no_std proof in .ci/ loads every dependency of this crate.
use bytes as _;
use memchr as _;
use nom as _;
use pt_args as _;
use pt_env as _;
use thiserror as _;
