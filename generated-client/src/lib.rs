//! Typed async client for the [HeyGen](https://www.heygen.com) REST API.
//!
//! ```no_run
//! use heygen_client::Client;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Reads HEYGEN_API_KEY (and optionally HEYGEN_BASE_URL, HEYGEN_UPLOAD_BASE_URL).
//! let client = Client::from_env()?;
//! let status = client.get_video_status("7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f").await?;
//! println!("{:?}: {:?}", status.data.status, status.data.video_url);
//! # Ok(())
//! # }
//! ```
//!
//! Every HeyGen endpoint is a method on [`Client`], generated from `spec/heygen.yaml`; request and
//! response bodies are in [`types`]. Methods return [`ResponseValue`] (the typed body, plus status
//! and headers) or an [`Error`] whose error responses carry HeyGen's [`types::ErrorBody`].
//!
//! The generated code lives in `generated.rs` (never edited by hand); the rest of this crate is a
//! thin hand-written layer: configuration and credentials ([`ClientBuilder`]) and the request
//! hooks that authenticate and route each call.

#![cfg_attr(docsrs, feature(doc_cfg))]
// The hand-written layer documents every public item; the generated module documents what the
// spec describes, and progenitor leaves some of its own items bare.
#![deny(missing_docs)]

#[allow(dead_code, clippy::all, missing_docs)]
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask generate`
mod generated;

mod call;
mod config;
mod download;
mod envelope;
mod error;
mod hooks;
mod pagination;
mod redact;
mod retry;
#[doc(hidden)]
pub mod rt;
mod runtime;
#[cfg(feature = "streaming")]
#[cfg_attr(docsrs, doc(cfg(feature = "streaming")))]
pub mod streaming;
mod upload;
pub mod v3;
mod waiter;
pub mod webhook;

pub use config::{
    BuildError, ClientBuilder, ClientState, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT,
};
pub use error::{ApiError, Created, DecodeError, Error};
pub use generated::{ByteStream, Client, ClientInfo, ResponseValue, params, types};
pub use retry::{InProgressPolicy, RetryPolicy};
pub use upload::asset_content_type;
pub use waiter::{MAX_POLLS_WITHOUT_STATUS, MIN_POLL_INTERVAL, Progress, ProgressFn, WaitOptions};

/// The README's Rust snippets, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The same for the crate's own README, the one its registry page shows.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoctests;
