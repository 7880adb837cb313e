//! The one error type every operation returns. No variant holds a secret: the API key and
//! session token travel only in request headers, which are never part of an error, and reply
//! text an error keeps goes through the same redaction as the logs (`redact.rs`).
//!
//! An error of a call sent with an idempotency key keeps that key
//! ([`Error::idempotency_key`]): calling again with it replays the first attempt's outcome
//! instead of starting a second, charged job.
use std::fmt;

use reqwest::StatusCode;

use crate::url::without_query;

/// Why a call failed. Match on the variant; each carries the operation (its `operationId`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// HeyGen answered with an error: a non-2xx status, or a 2xx whose envelope reports failure.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A success status whose body does not match the spec (not JSON, truncated, wrong types).
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The request did not finish within the configured timeout.
    #[error("{operation}: timed out{}", key_note(idempotency_key))]
    Timeout {
        /// The failing operation's `operationId`.
        operation: &'static str,
        /// The idempotency key the call was sent with, for a keyed call (see
        /// [`Error::idempotency_key`]).
        idempotency_key: Option<String>,
    },
    /// The request could not be sent, or the reply could not be read (DNS, refused or reset connection).
    #[error("{operation}: connection failed: {source}{}", key_note(idempotency_key))]
    Connection {
        /// The failing operation's `operationId`.
        operation: &'static str,
        /// reqwest's error, without the URL's query string.
        source: reqwest::Error,
        /// The idempotency key the call was sent with, for a keyed call.
        idempotency_key: Option<String>,
    },
    /// The request could not be built: a parameter that is not a valid header value, or
    /// credentials the operation does not accept. Nothing was sent.
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        /// The failing operation's `operationId`.
        operation: &'static str,
        /// What was wrong with it.
        message: String,
    },
    /// A background job ended in failure (from a `wait_for_*` method). `operation` is the
    /// status operation that reported it.
    #[error("{operation}: the job ended `{status}`{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    JobFailed {
        /// The failing operation's `operationId`.
        operation: &'static str,
        /// The job's final state as HeyGen names it (`failed`, ...).
        status: String,
        /// HeyGen's explanation, when the reply gave one.
        reason: Option<String>,
    },
    /// A `wait_for_*` method stopped because the job waits for the caller (a consent to give, an
    /// answer to send): it will not go on by itself. Act, then wait again.
    #[error("{operation}: the job is `{status}` and waits for you to act before it goes on")]
    JobNeedsAction {
        /// The status operation's `operationId`.
        operation: &'static str,
        /// The state as HeyGen names it (`pending_consent`, ...).
        status: String,
    },
    /// A `wait_for_*` method gave up: the job was still running when its timeout passed.
    #[error("{operation}: gave up after {waited:?}; the job was still `{status}`")]
    WaitTimeout {
        /// The failing operation's `operationId`.
        operation: &'static str,
        /// The job's state at the last poll.
        status: String,
        /// How long the wait lasted.
        waited: std::time::Duration,
    },
    /// A local file could not be read (from an upload helper). Nothing was sent.
    #[error("{operation}: cannot read {}: {source}", path.display())]
    File {
        /// The failing operation's `operationId`.
        operation: &'static str,
        /// The file as given.
        path: std::path::PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// The server answered with a redirect. API calls never follow one, so that the credentials
    /// cannot be carried to another host or over plain HTTP. `location` is the target's origin
    /// (scheme, host, port) only, when the reply named one.
    #[error("{operation}: the server redirected ({status}){}; redirects are not followed{}", location.as_ref().map(|l| format!(" to {l}")).unwrap_or_default(), key_note(idempotency_key))]
    Redirected {
        /// The failing operation's `operationId`.
        operation: &'static str,
        /// The redirect's status (301, 302, 307, ...).
        status: StatusCode,
        /// The target's origin, when the reply named one.
        location: Option<String>,
        /// The idempotency key the call was sent with, for a keyed call.
        idempotency_key: Option<String>,
    },
    /// The reply's body was larger than the client's limit
    /// ([`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes)); reading stopped there.
    #[error("{operation}: the reply is larger than the limit of {limit} bytes{}", key_note(idempotency_key))]
    BodyTooLarge {
        /// The failing operation's `operationId`.
        operation: &'static str,
        /// The limit in bytes.
        limit: usize,
        /// The idempotency key the call was sent with, for a keyed call.
        idempotency_key: Option<String>,
    },
    /// The idempotency key given for a call breaks HeyGen's rule (1 to 255 characters of
    /// `A-Z a-z 0-9 _ : . -`). Nothing was sent.
    #[error("{operation}: invalid idempotency key: {reason}")]
    InvalidIdempotencyKey {
        /// The operation's `operationId`.
        operation: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A paged list said it had more pages (`has_more: true`) but gave no cursor to fetch them
    /// with: the items so far are not the whole list.
    #[error("{operation}: the server said there are more pages but sent no cursor; the list is incomplete")]
    IncompletePages {
        /// The list operation's `operationId`.
        operation: &'static str,
    },
    /// A `wait_for_*` method stopped because the job's status was missing from several replies
    /// in a row: without it the job's state cannot be told.
    #[error("{operation}: the reply had no status in {polls} polls in a row")]
    MissingStatus {
        /// The status operation's `operationId`.
        operation: &'static str,
        /// The polls in a row without a status.
        polls: u32,
    },
    /// A delete was sent again after its first reply was lost, and the retry found nothing to
    /// delete (404): the earlier attempt most likely deleted it. Treat it as deleted unless the
    /// id may have been wrong from the start.
    #[error(
        "{operation}: not found on a retry, after an earlier attempt whose reply was lost; it was most likely deleted by that attempt"
    )]
    AlreadyDeleted {
        /// The failing operation's `operationId`.
        operation: &'static str,
        /// The retry's request id, when HeyGen sent one.
        request_id: Option<String>,
    },
    /// A helper of several steps (create, upload, complete, wait) failed after HeyGen had
    /// created something that may already cost money or hold a file: `created` names it, so the
    /// caller can resume (wait again, complete again) instead of creating it anew. `source` is
    /// the step that failed.
    #[error("{source} (after creating {created})")]
    AfterCreate {
        /// What HeyGen had created when the step failed.
        created: Created,
        /// The failing step.
        source: Box<Error>,
    },
}

/// What a helper of several steps had created before one of them failed
/// ([`Error::AfterCreate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Created {
    /// A video batch (`create_video_batch`): wait for it with
    /// `v3::Client::wait_for_video_batch_items`.
    VideoBatch {
        /// The batch's id.
        batch_id: String,
    },
    /// A reserved direct upload (`create_asset_upload`): its bytes may or may not be stored; it
    /// is usable once `complete_asset_upload` succeeds for it.
    Asset {
        /// The asset's id.
        asset_id: String,
    },
    /// A batch of reserved direct uploads (`create_asset_upload_batch`); follow it with
    /// `complete_asset_upload_batch` and `v3::Client::wait_for_asset_batch_items`.
    AssetBatch {
        /// The batch's id.
        batch_id: String,
    },
}

impl fmt::Display for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Created::VideoBatch { batch_id } => write!(f, "video batch {batch_id}"),
            Created::Asset { asset_id } => write!(f, "asset {asset_id}"),
            Created::AssetBatch { batch_id } => write!(f, "upload batch {batch_id}"),
        }
    }
}

impl Error {
    /// The operation (`operationId`) that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Api(e) => e.operation,
            Error::Decode(e) => e.operation,
            Error::Timeout { operation, .. }
            | Error::Connection { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::JobFailed { operation, .. }
            | Error::JobNeedsAction { operation, .. }
            | Error::WaitTimeout { operation, .. }
            | Error::File { operation, .. }
            | Error::Redirected { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::InvalidIdempotencyKey { operation, .. }
            | Error::IncompletePages { operation }
            | Error::MissingStatus { operation, .. }
            | Error::AlreadyDeleted { operation, .. } => operation,
            Error::AfterCreate { source, .. } => source.operation(),
        }
    }

    /// What a helper of several steps had created before it failed ([`Error::AfterCreate`]).
    pub fn created(&self) -> Option<&Created> {
        match self {
            Error::AfterCreate { created, .. } => Some(created),
            _ => None,
        }
    }

    /// The failing step itself: the error inside [`Error::AfterCreate`], else this error. Match
    /// on it to handle a failure the same way whether or not something was created first.
    pub fn step(&self) -> &Error {
        match self {
            Error::AfterCreate { source, .. } => source.step(),
            other => other,
        }
    }

    /// The id of the batch a helper had created before it failed, if any.
    pub fn batch_id(&self) -> Option<&str> {
        match self.created()? {
            Created::VideoBatch { batch_id } | Created::AssetBatch { batch_id } => Some(batch_id),
            Created::Asset { .. } => None,
        }
    }

    /// The id of the asset a direct upload had reserved before it failed, if any.
    pub fn asset_id(&self) -> Option<&str> {
        match self.created()? {
            Created::Asset { asset_id } => Some(asset_id),
            _ => None,
        }
    }

    /// This error, marked as having happened after HeyGen created `created`.
    pub(crate) fn after_create(self, created: Created) -> Self {
        match self {
            // The first thing created is the one to resume from.
            already @ Error::AfterCreate { .. } => already,
            source => Error::AfterCreate { created, source: Box::new(source) },
        }
    }

    /// The idempotency key a keyed call (a create, `upload_asset`, ...) was sent with, whether
    /// the caller gave it or the client made it; `None` for other calls and for errors raised
    /// before anything was sent.
    ///
    /// Whatever the error (a timeout, a lost connection, a 5xx, a `request_in_progress` that
    /// outlasted the client's wait, a reply that did not decode), HeyGen may have acted on the
    /// call. Calling the same operation again with this key (HeyGen keeps keys for 24 hours)
    /// returns the first attempt's job instead of creating and charging a second one:
    ///
    /// ```no_run
    /// # async fn run(client: heygen_client::Client, request: heygen_client::types::CreateVideoRequest) -> Result<(), heygen_client::Error> {
    /// let video = match client.create_video(&request).await {
    ///     Ok(video) => video,
    ///     // Resume under the same key: HeyGen replays the first attempt's reply.
    ///     Err(error) => match error.idempotency_key() {
    ///         Some(key) => client.with_idempotency_key(key)?.create_video(&request).await?,
    ///         None => return Err(error),
    ///     },
    /// };
    /// # let _ = video;
    /// # Ok(())
    /// # }
    /// ```
    pub fn idempotency_key(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.idempotency_key.as_deref(),
            Error::Decode(e) => e.idempotency_key.as_deref(),
            Error::Timeout { idempotency_key, .. }
            | Error::Connection { idempotency_key, .. }
            | Error::Redirected { idempotency_key, .. }
            | Error::BodyTooLarge { idempotency_key, .. } => idempotency_key.as_deref(),
            // The failing step's own key; what the helper created is in `created()`.
            Error::AfterCreate { source, .. } => source.idempotency_key(),
            _ => None,
        }
    }

    /// This error with `key` as the idempotency key it was sent with, in every variant that
    /// can come out of a call after it was sent.
    pub(crate) fn with_idempotency_key(mut self, key: Option<&str>) -> Self {
        let Some(key) = key else { return self };
        let slot = match &mut self {
            Error::Api(e) => &mut e.idempotency_key,
            Error::Decode(e) => &mut e.idempotency_key,
            Error::Timeout { idempotency_key, .. }
            | Error::Connection { idempotency_key, .. }
            | Error::Redirected { idempotency_key, .. }
            | Error::BodyTooLarge { idempotency_key, .. } => idempotency_key,
            _ => return self,
        };
        slot.get_or_insert_with(|| key.to_owned());
        self
    }

    /// The HTTP status, when HeyGen answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Redirected { status, .. } => Some(*status),
            Error::AlreadyDeleted { .. } => Some(StatusCode::NOT_FOUND),
            Error::AfterCreate { source, .. } => source.status(),
            _ => None,
        }
    }
}

impl Error {
    /// A transport failure: a timeout is its own variant, anything else a connection error.
    /// The URL it names loses its query string: a signed link carries its credential there.
    pub(crate) fn transport(operation: &'static str, source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Error::Timeout { operation, idempotency_key: None }
        } else {
            Error::Connection { operation, source: without_query(source), idempotency_key: None }
        }
    }
}

/// HeyGen reported a failure.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The failing operation's `operationId`.
    pub operation: &'static str,
    /// The HTTP status; 200 when the failure was reported inside a success envelope.
    pub status: StatusCode,
    /// HeyGen's error code: numeric (`40001`) in the older envelope, a word (`invalid_parameter`) in the newer.
    /// [`has_code`](Self::has_code) and the `is_*` methods compare it without minding its case.
    pub code: Option<ErrorCode>,
    /// HeyGen's explanation, from either envelope.
    pub message: Option<String>,
    /// The request field HeyGen blames, for a validation error (v3's `error.param`).
    pub param: Option<String>,
    /// HeyGen's page about the code (v3's `error.doc_url`).
    pub doc_url: Option<String>,
    /// The request id, when HeyGen (or a proxy in front of it) sends one.
    pub request_id: Option<String>,
    /// The body as received (at most 64 KiB), for replies that are not HeyGen's
    /// error JSON, such as a proxy's HTML page or an empty body.
    pub body: String,
    /// How long the server asked the client to wait (`Retry-After`), when it said. A 429 whose
    /// wait is longer than [`RetryPolicy::max_retry_after`](crate::RetryPolicy::max_retry_after)
    /// fails at once with it, so that the caller can schedule the call again.
    pub retry_after: Option<std::time::Duration>,
    /// The idempotency key of a keyed call (see [`Error::idempotency_key`]).
    pub idempotency_key: Option<String>,
}

impl ApiError {
    /// Whether HeyGen's code is `code`, in any case: HeyGen spells some codes in capitals
    /// (`INVALID_PARAMETER`) on some endpoints.
    pub fn has_code(&self, code: &str) -> bool {
        matches!(&self.code, Some(ErrorCode::String(ours)) if ours.eq_ignore_ascii_case(code))
    }

    /// The account lacks the credits for this (402, `insufficient_credit`; the older API says
    /// `MOVIO_PAYMENT_INSUFFICIENT_CREDIT`). Retrying does not help; topping up does.
    pub fn is_insufficient_credit(&self) -> bool {
        let says_so = matches!(&self.code, Some(ErrorCode::String(code))
            if code.to_ascii_lowercase().ends_with("insufficient_credit"));
        self.status == StatusCode::PAYMENT_REQUIRED || says_so
    }

    /// An earlier request with the same idempotency key is still running (409,
    /// `request_in_progress`). The client waits these out itself
    /// ([`InProgressPolicy`](crate::InProgressPolicy)); this is what remains when that wait ran
    /// out: call again later with [`Error::idempotency_key`]. A 409 with another code is a
    /// conflict with the resource's state, and final.
    pub fn is_request_in_progress(&self) -> bool {
        self.has_code("request_in_progress")
    }

    /// Too many requests or too many jobs at once (429, `rate_limit_exceeded`);
    /// [`retry_after`](Self::retry_after) says how long HeyGen asked to wait, when it did.
    pub fn is_rate_limited(&self) -> bool {
        self.status == StatusCode::TOO_MANY_REQUESTS || self.has_code("rate_limit_exceeded")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HeyGen answered {}", self.operation, self.status)?;
        if let Some(code) = &self.code {
            write!(f, ", code {code}")?;
        }
        match &self.message {
            Some(message) => write!(f, ": {message}")?,
            None if !self.body.is_empty() => write!(f, ": {}", excerpt(&self.body))?,
            None => {}
        }
        if let Some(param) = &self.param {
            write!(f, " (parameter `{param}`)")?;
        }
        if let Some(url) = &self.doc_url {
            write!(f, " (see {url})")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        f.write_str(&key_note(&self.idempotency_key))
    }
}

impl std::error::Error for ApiError {}

/// A success status with a body the client could not decode.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// The failing operation's `operationId`.
    pub operation: &'static str,
    /// The reply's (success) status.
    pub status: StatusCode,
    /// What did not match, from the JSON decoder.
    pub reason: String,
    /// The body as received (at most 64 KiB), secrets redacted.
    pub body: String,
    /// The idempotency key of a keyed call (see [`Error::idempotency_key`]).
    pub idempotency_key: Option<String>,
}

impl DecodeError {
    pub(crate) fn new(operation: &'static str, status: StatusCode, reason: String, body: String) -> Self {
        DecodeError { operation, status, reason, body, idempotency_key: None }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: unexpected reply ({}): {}", self.operation, self.status, self.reason)?;
        if !self.body.is_empty() {
            write!(f, "; body: {}", excerpt(&self.body))?;
        }
        f.write_str(&key_note(&self.idempotency_key))
    }
}

impl std::error::Error for DecodeError {}

/// How an error's text names the idempotency key to resume with.
fn key_note(key: &Option<String>) -> String {
    key.as_ref().map(|key| format!(" (idempotency key {key})")).unwrap_or_default()
}

fn excerpt(body: &str) -> String {
    const SHOWN: usize = 200;
    let mut end = body.len().min(SHOWN);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let cut = if end < body.len() { "…" } else { "" };
    format!("{}{cut}", body[..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_a_character_boundary() {
        let long = "é".repeat(150);
        let cut = excerpt(&long);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() <= 101, "{}", cut.chars().count());
        assert_eq!(excerpt("  short  "), "short");
    }
}

/// A HeyGen error code: numeric (`40009`), a word (`invalid_parameter`,
/// `MOVIO_PAYMENT_INSUFFICIENT_CREDIT`), or digits sent as a string (`"400009"`). Hand-written
/// rather than taken from a generated document, so that the runtime needs neither (the legacy
/// document's `types::ErrorCode` is the same shape).
#[derive(serde::Deserialize, serde::Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(untagged)]
pub enum ErrorCode {
    /// A numeric code, as the older envelope sends it.
    Int64(i64),
    /// A word, or digits in a string.
    String(String),
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int64(code) => code.fmt(f),
            Self::String(code) => f.write_str(code),
        }
    }
}

impl From<i64> for ErrorCode {
    fn from(value: i64) -> Self {
        Self::Int64(value)
    }
}
