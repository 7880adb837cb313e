//! Typed async client for [HeyGen](https://www.heygen.com)'s v3 REST API.
//!
//! ```no_run
//! use heygen_client::Client;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Reads HEYGEN_API_KEY (and optionally HEYGEN_BASE_URL).
//! let client = Client::from_env()?;
//! let video = client.get_video("7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f").await?.into_inner().data;
//! println!("{:?}: {:?}", video.status, video.video_url);
//! # Ok(())
//! # }
//! ```
//!
//! Every v3 endpoint is a method on [`Client`], generated from `spec/heygen-v3.yaml`; request and
//! response bodies are in [`types`], optional arguments in [`params`]. Methods return
//! [`ResponseValue`] (the typed body, plus status and headers) or an [`Error`].
//!
//! HeyGen's retired v1/v2 API is [`legacy`] behind the cargo feature `legacy` (and its WebSocket
//! streaming behind `streaming`): [`ClientBuilder::build_legacy`], or `client.legacy()` for the
//! legacy client with the same configuration.
//!
//! v3 conventions the client handles for every operation:
//! - replies are `{data: ...}`; HeyGen's error body `{error: {code, message, param, doc_url}}`
//!   becomes [`Error::Api`];
//! - operations HeyGen de-duplicates get an `Idempotency-Key` per call (a random UUID from the
//!   operating system, unless the caller passes one, which must follow HeyGen's rule), sent again
//!   with the same bytes on every retry of that call, so a create retried after a timeout, a 5xx
//!   or a lost connection cannot make a second, charged job; a `409 request_in_progress` while
//!   the first attempt still runs is waited out on its own budget
//!   ([`ClientBuilder::in_progress_policy`]), and any
//!   other 409 is final. Every error of such a call keeps its key
//!   ([`Error::idempotency_key`]): calling again with it resumes
//!   the same job;
//! - any 2xx whose body decodes as the operation's reply is a success, whatever status the spec
//!   declares;
//! - paged lists get a `*_stream` method that follows `next_token` while `has_more` (a page
//!   that says `has_more` with no `next_token` ends it with
//!   [`Error::IncompletePages`]; a page without `has_more`, which
//!   HeyGen does not promise, is read by its `next_token` alone);
//! - background jobs get `wait_for_*` methods.
//!
//! Beside the generated operations, hand-written helpers for files and batches:
//! [`types::AssetInput::url`], [`asset_id`](types::AssetInput::asset_id),
//! [`bytes`](types::AssetInput::bytes) and [`from_file`](types::AssetInput::from_file) build file
//! inputs; [`Client::upload_asset_file`] uploads a file of any size (the direct upload,
//! [`Client::direct_upload_file`], above [`MAX_UPLOAD_ASSET_BYTES`]); and
//! [`Client::create_video_batch_and_wait`] and [`Client::upload_asset_files`] run batches of up
//! to [`MAX_BATCH_ITEMS`] and return each item's [`BatchOutcome`].
//! Webhook deliveries are verified and typed by [`webhook`].

#![cfg_attr(docsrs, feature(doc_cfg))]
// The hand-written layer documents every public item; the generated modules document what the
// specs describe, and progenitor leaves some of its own items bare.
#![deny(missing_docs)]

mod call;
mod config;
mod decode;
mod download;
mod envelope;
mod error;
mod facts;
mod finish;
mod idempotency;
#[cfg(feature = "legacy")]
#[cfg_attr(docsrs, doc(cfg(feature = "legacy")))]
pub mod legacy;
mod pagination;
mod prepare;
mod redact;
mod reply;
mod retry;
#[doc(hidden)]
pub mod rt;
mod send;
mod state;
mod trace;
mod url;
mod v3;
mod verdict;
mod waiter;
mod webhook_base;

pub use config::{BuildError, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT};
pub use error::{ApiError, Created, DecodeError, Error, ErrorCode};
pub use retry::{InProgressPolicy, RetryPolicy};
pub use v3::{
    BatchOutcome, ByteStream, Client, DirectUploadOptions, MAX_BATCH_ITEMS, MAX_INLINE_BYTES, MAX_UPLOAD_ASSET_BYTES,
    PUT_OPERATION, ResponseValue, UploadProgress, UploadProgressFn, UploadedAsset, params, types, webhook,
};
pub use waiter::{MAX_POLLS_WITHOUT_STATUS, MIN_POLL_INTERVAL, Progress, ProgressFn, WaitOptions};

/// The README's Rust snippets, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The same for the crate's own README, the one its registry page shows.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoctests;

/// The same for the whole tour of the client, `docs/using.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/using.md")]
pub struct UsingDoctests;
