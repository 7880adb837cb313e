//! HeyGen's v3 API: `heygen_client::v3::Client`, generated from `spec/heygen-v3.yaml`.
//!
//! HeyGen's v1/v2 API ([`crate::Client`]) reached its end of life on 2026-11-01; v3 is where
//! HeyGen adds features. The two clients share one configuration, one runtime (retries,
//! timeouts, body limit, tracing, redaction) and one [`Error`](crate::Error), so a program can
//! move one call at a time:
//!
//! ```no_run
//! # async fn run() -> Result<(), heygen_client::Error> {
//! let legacy = heygen_client::Client::from_env().expect("HEYGEN_API_KEY is set");
//! let v3 = legacy.v3();
//! let me = v3.get_current_user().await?;
//! # let _ = me;
//! # Ok(())
//! # }
//! ```
//!
//! v3 conventions the client handles for every operation:
//! - replies are `{data: ...}`; HeyGen's error body `{error: {code, message, param, doc_url}}`
//!   becomes [`Error::Api`](crate::Error::Api);
//! - operations HeyGen de-duplicates get an `Idempotency-Key` per call (a random UUID from the
//!   operating system, unless the caller passes one, which must follow HeyGen's rule), sent again
//!   with the same bytes on every retry of that call, so a create retried after a timeout, a 5xx
//!   or a lost connection cannot make a second, charged job; a `409 request_in_progress` while
//!   the first attempt still runs is waited out on its own budget
//!   ([`ClientBuilder::in_progress_policy`](crate::ClientBuilder::in_progress_policy)), and any
//!   other 409 is final. Every error of such a call keeps its key
//!   ([`Error::idempotency_key`](crate::Error::idempotency_key)): calling again with it resumes
//!   the same job;
//! - any 2xx whose body decodes as the operation's reply is a success, whatever status the spec
//!   declares;
//! - paged lists get a `*_stream` method that follows `next_token` while `has_more` (a page
//!   that says `has_more` with no `next_token` ends it with
//!   [`Error::IncompletePages`](crate::Error::IncompletePages));
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

#[allow(dead_code, missing_docs, clippy::all)]
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask generate`
mod generated;

mod assets;
mod batch;
mod upload;

pub use assets::MAX_INLINE_BYTES;
pub use batch::{BatchOutcome, MAX_BATCH_ITEMS};
pub use generated::{Client, params, types};
pub use upload::{
    DirectUploadOptions, MAX_UPLOAD_ASSET_BYTES, PUT_OPERATION, UploadProgress, UploadProgressFn, UploadedAsset,
};

pub mod webhook;

impl crate::Client {
    /// The v3 client with this client's configuration: the same credentials, hosts, timeouts,
    /// retry policy and connection pool. Cheap: nothing is built anew but a handle.
    pub fn v3(&self) -> Client {
        use progenitor_client::ClientInfo;
        let state = self.inner().clone();
        let base = crate::config::base_text(state.base_url(crate::rt::Host::Api)).to_owned();
        Client::new_with_client(&base, self.client().clone(), state)
    }
}
