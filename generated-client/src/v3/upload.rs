//! Uploading files to v3: one multipart request for files up to 32 MB (`upload_asset`), and
//! HeyGen's direct upload for larger ones (`create_asset_upload`, a `PUT` of the bytes to the
//! presigned URL it returns, `complete_asset_upload`), streamed from disk.

use std::fmt;
use std::future::Future;
use std::num::NonZeroU64;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use futures_util::TryStreamExt as _;
use reqwest::header::{CONTENT_LENGTH, HeaderName, HeaderValue};
use sha2::{Digest as _, Sha256};
use tokio::io::AsyncReadExt as _;
use tracing::Instrument as _;

use super::Client;
use super::assets::media_type;
use super::types::{self, AssetUploadSlot};
use crate::envelope::Reported;
use crate::error::{ApiError, Created};
use crate::reply::{kept_body, request_id};
use crate::retry::retry_after;
use crate::send::{Call, Failure, send};
use crate::trace::span;
use crate::url::without_query;
use progenitor_client::ClientInfo as _;

use crate::state::ClientState;
use crate::{Error, RetryPolicy};

/// The largest file sent in one `upload_asset` request. HeyGen says 32 MB without saying
/// which megabyte; the smaller reading sends a file near the line the direct way, which takes
/// any size, rather than into a refusal.
pub const MAX_UPLOAD_ASSET_BYTES: u64 = 32 * 1000 * 1000;

/// The name the `PUT` to a presigned URL goes by in errors and traces: it is no operation of
/// HeyGen's API.
pub const PUT_OPERATION: &str = "put_asset_upload";

/// How much of a file is read at a time, for the checksum and for the upload.
const CHUNK: usize = 64 * 1024;

/// A `PUT` is given at least this long, and a second per megabyte on top (see
/// [`DirectUploadOptions::put_timeout`]).
const MIN_PUT_TIMEOUT: Duration = Duration::from_secs(300);

/// A stored file, whichever way it went up.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UploadedAsset {
    /// The id to pass wherever a file is taken ([`types::AssetInput::asset_id`]).
    pub asset_id: String,
    /// A public link to the file. Always there after a one-request upload; HeyGen does not
    /// promise it on completing a direct upload.
    pub url: Option<String>,
    /// The type HeyGen detected from the bytes (as for `url`).
    pub mime_type: Option<String>,
    /// The stored size in bytes (as for `url`).
    pub size_bytes: Option<i64>,
    /// After a direct upload, the asset's state as HeyGen reported it on completion (it may
    /// read `processing` for a while); `None` after a one-request upload, which is ready when
    /// it returns.
    pub status: Option<String>,
}

/// How far the bytes of a direct upload have gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadProgress {
    /// Bytes handed to the connection so far. A retried `PUT` starts again from 0.
    pub sent: u64,
    /// The file's size.
    pub total: u64,
}

/// A progress callback, shared by clones of [`DirectUploadOptions`].
pub type UploadProgressFn = Arc<dyn Fn(UploadProgress) + Send + Sync>;

/// Settings of a direct upload; the defaults guess what can be guessed.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct DirectUploadOptions {
    /// Called each time a chunk (64 KiB) of the file is handed to the connection.
    pub progress: Option<UploadProgressFn>,
    /// Read the file once more beforehand for its SHA-256, which HeyGen's storage then checks
    /// on the `PUT` and HeyGen again on completion: a file that changed or arrived damaged is
    /// refused rather than stored.
    pub checksum: bool,
    /// The MIME type to declare; by default worked out from the content, else the file name.
    pub content_type: Option<String>,
    /// The name HeyGen keeps; by default the file's own.
    pub file_name: Option<String>,
    /// How long one `PUT` attempt may take. By default a second per megabyte of the file, and
    /// at least five minutes, whatever the client's own timeout.
    pub put_timeout: Option<Duration>,
}

impl DirectUploadOptions {
    /// These options, with `progress` called as the bytes go.
    pub fn on_progress(mut self, progress: impl Fn(UploadProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// These options, with the SHA-256 checked by storage and by HeyGen.
    pub fn with_checksum(mut self) -> Self {
        self.checksum = true;
        self
    }

    fn put_timeout_for(&self, size: u64) -> Duration {
        self.put_timeout.unwrap_or_else(|| MIN_PUT_TIMEOUT.max(Duration::from_secs(size / 1_000_000)))
    }
}

impl fmt::Debug for DirectUploadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectUploadOptions")
            .field("progress", &self.progress.as_ref().map(|_| "Fn"))
            .field("checksum", &self.checksum)
            .field("content_type", &self.content_type)
            .field("file_name", &self.file_name)
            .field("put_timeout", &self.put_timeout)
            .finish()
    }
}

/// Where the bytes of an upload come from.
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    /// A file, read afresh (and streamed) for each attempt, as it was when the upload began.
    File(&'a Path, FileStamp),
    /// Bytes in memory; each attempt shares them.
    Memory(&'a Bytes),
}

/// A file's size and modification time when an upload began. A file that differs from it
/// before or after a `PUT` changed while it was being sent: storing it would keep a cut or
/// mixed file under a size that no longer describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FileStamp {
    pub(super) len: u64,
    modified: Option<SystemTime>,
}

impl Client {
    /// Uploads the file at `path` and returns its asset id: in one `upload_asset` request up to
    /// [`MAX_UPLOAD_ASSET_BYTES`], else by [`direct_upload_file`](Self::direct_upload_file) with
    /// default options, streamed from disk.
    ///
    /// Either way the upload is sent again after a timeout, a lost connection, a 429 or a 5xx,
    /// up to the client's retry limit, without storing the file twice: the one request carries
    /// the same `Idempotency-Key` every time, and a direct upload repeats only its `PUT`.
    pub async fn upload_asset_file(&self, path: impl AsRef<Path>) -> Result<UploadedAsset, Error> {
        let path = path.as_ref();
        let stamp = file_stamp(path, "upload_asset").await?;
        if stamp.len > MAX_UPLOAD_ASSET_BYTES {
            return self.direct_upload_file(path, &DirectUploadOptions::default()).await;
        }
        let bytes = read_file(path, MAX_UPLOAD_ASSET_BYTES).await?;
        // Read whole, as it was sized: a file being written to is not sent half-written.
        if bytes.len() as u64 != stamp.len {
            return Err(file_changed("upload_asset", path));
        }
        unchanged("upload_asset", Source::File(path, stamp)).await?;
        self.upload_asset_bytes(bytes, &file_name_of(path)).await
    }

    /// Uploads `bytes` as a file named `file_name` (HeyGen keeps the name; the type comes from
    /// the content, or else the name). Over [`MAX_UPLOAD_ASSET_BYTES`] it takes the direct
    /// upload, sending the bytes from memory.
    pub async fn upload_asset_bytes(&self, bytes: impl Into<Bytes>, file_name: &str) -> Result<UploadedAsset, Error> {
        let bytes = bytes.into();
        let content_type = media_type(&bytes, Some(Path::new(file_name)));
        if bytes.len() as u64 > MAX_UPLOAD_ASSET_BYTES {
            let options = DirectUploadOptions { file_name: Some(file_name.to_owned()), ..Default::default() };
            let content_type = content_type.ok_or_else(|| unknown_type("upload_asset", &file_name))?;
            let size = bytes.len() as u64;
            return self.direct_upload(Source::Memory(&bytes), size, content_type, None, &options).await;
        }
        // One form, one key: the runtime reads the form into memory once and sends those same
        // bytes (boundary included) under the same key on every attempt.
        let form = multipart_form(&bytes, file_name, content_type.as_deref())?;
        let reply = self.upload_asset(form).await?;
        let data = reply.into_inner().data;
        Ok(UploadedAsset {
            asset_id: data.asset_id,
            url: Some(data.url),
            mime_type: Some(data.mime_type),
            size_bytes: Some(data.size_bytes),
            status: None,
        })
    }

    /// Uploads the file at `path` the direct way, whatever its size: reserves the asset
    /// (`create_asset_upload`), streams the file to the presigned URL HeyGen returns with the
    /// headers it names, and completes it (`complete_asset_upload`). The file is never held in
    /// memory whole, and the API key is never sent to the storage host.
    ///
    /// The `PUT` is retried like an idempotent call (reading the file afresh each time); the
    /// two API calls are retried by the runtime. An empty file, or one larger than HeyGen
    /// allows, is [`Error::InvalidRequest`]; one that changes size while it is being sent is
    /// refused by the storage host.
    pub async fn direct_upload_file(
        &self,
        path: impl AsRef<Path>,
        options: &DirectUploadOptions,
    ) -> Result<UploadedAsset, Error> {
        let path = path.as_ref();
        let stamp = file_stamp(path, "create_asset_upload").await?;
        let size = stamp.len;
        let content_type = match &options.content_type {
            Some(given) => given.clone(),
            None => {
                let head = read_head(path).await?;
                media_type(&head, Some(path)).ok_or_else(|| unknown_type("create_asset_upload", &path.display()))?
            }
        };
        let checksum = if options.checksum { Some(sha256_of(path).await?) } else { None };
        let options = DirectUploadOptions {
            file_name: Some(options.file_name.clone().unwrap_or_else(|| file_name_of(path))),
            ..options.clone()
        };
        self.direct_upload(Source::File(path, stamp), size, content_type, checksum, &options).await
    }

    async fn direct_upload(
        &self,
        source: Source<'_>,
        size: u64,
        content_type: String,
        checksum: Option<String>,
        options: &DirectUploadOptions,
    ) -> Result<UploadedAsset, Error> {
        let size_bytes = NonZeroU64::new(size).ok_or_else(|| Error::InvalidRequest {
            operation: "create_asset_upload",
            message: "the file is empty; HeyGen stores no empty assets".into(),
        })?;
        let request = types::CreateAssetUploadRequest {
            checksum_sha256: checksum.clone(),
            content_type,
            filename: options.file_name.clone().unwrap_or_else(|| "upload".into()),
            size_bytes,
        };
        // Taken before the request is sent, so that the URL's lifetime is never overestimated.
        let reserved = Instant::now();
        // The key is made here so that a reply without an asset id still hands the caller the
        // key that replays the reservation.
        let key = self.key_for_call("create_asset_upload")?;
        let slot = self.keyed(key.clone()).create_asset_upload(&request).await?.into_inner().data;
        let asset_id = super::needed(slot.asset_id.clone(), "create_asset_upload", "asset_id", &slot)
            .map_err(|error| error.with_idempotency_key(Some(&key)))?;
        let after = |error: Error| error.after_create(Created::Asset { asset_id: asset_id.clone() });
        self.put_upload(&slot, reserved, source, size, options).await.map_err(after)?;
        let complete = types::CompleteAssetUploadRequest { checksum_sha256: checksum };
        let done = self.complete_asset_upload(&asset_id, &complete).await.map_err(after)?.into_inner().data;
        Ok(UploadedAsset {
            asset_id: done.asset_id.unwrap_or(asset_id),
            url: done.url,
            mime_type: done.mime_type,
            size_bytes: done.size_bytes,
            status: done.status,
        })
    }

    /// Sends the bytes to one presigned slot: `PUT`, with the slot's headers as given and no
    /// credentials, retried on failures that may pass. `reserved` is when the slot was asked
    /// for: its URL is not used once `expires_in_seconds` have passed since.
    pub(super) async fn put_upload(
        &self,
        slot: &AssetUploadSlot,
        reserved: Instant,
        source: Source<'_>,
        size: u64,
        options: &DirectUploadOptions,
    ) -> Result<(), Error> {
        // No limit given: HeyGen's storage host refuses what is too large.
        if let Some(max) = slot.max_bytes.and_then(|max| u64::try_from(max).ok()).filter(|max| size > *max) {
            return Err(Error::InvalidRequest {
                operation: PUT_OPERATION,
                message: format!("the file has {size} bytes; HeyGen takes at most {max} this way"),
            });
        }
        let upload_url = super::needed(slot.upload_url.as_deref(), "create_asset_upload", "upload_url", slot)?;
        let url = presigned_url(upload_url)?;
        let headers = slot_headers(slot, size)?;
        let timeout = options.put_timeout_for(size);
        // HeyGen does not promise `expires_in_seconds`: without it the URL's lifetime is unknown
        // and the storage host alone judges it; with it, an expired URL is never sent to.
        let lifetime = slot.expires_in_seconds.map(|secs| u64::try_from(secs).unwrap_or(0));
        let expires = lifetime.map(|secs| reserved.checked_add(Duration::from_secs(secs)));
        retrying(self.inner(), || {
            let (url, headers, progress) = (url.clone(), headers.clone(), options.progress.clone());
            async move {
                // Checked before every attempt: a retry can outlive the URL too.
                if let (Some(expires), Some(secs)) = (expires, lifetime)
                    && expires.is_none_or(|expires| Instant::now() >= expires)
                {
                    return Err(Error::InvalidRequest {
                        operation: PUT_OPERATION,
                        message: format!(
                            "the upload URL expired ({secs} s after it was reserved); nothing was sent, reserve the upload again"
                        ),
                    });
                }
                unchanged(PUT_OPERATION, source).await?;
                let body = upload_body(source, size, progress).await?;
                let request = self.client().put(url).headers(headers).timeout(timeout).body(body);
                let request = request.build().map_err(|e| Error::InvalidRequest {
                    operation: PUT_OPERATION,
                    message: without_query(e).to_string(),
                })?;
                put_once(self.client(), self.inner(), request).await?;
                // The bytes sent are the file as stamped only if it is still as stamped now.
                unchanged(PUT_OPERATION, source).await
            }
        })
        .await
    }
}

/// Fails with [`Error::File`] when a file source no longer has the size and modification time
/// it had when the upload began.
async fn unchanged(operation: &'static str, source: Source<'_>) -> Result<(), Error> {
    let Source::File(path, stamp) = source else { return Ok(()) };
    if file_stamp(path, operation).await? == stamp {
        return Ok(());
    }
    Err(file_changed(operation, path))
}

fn file_changed(operation: &'static str, path: &Path) -> Error {
    let source = std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        "the file changed (size or modification time) while it was being uploaded; upload it again once it is final",
    );
    file_error(operation, path, source)
}

/// One `PUT` through the runtime's sending path (tracing, redirect refusal, bounded reply),
/// which adds no credentials: those are added by the `pre` hook of API operations only. Its
/// body is a stream the runtime cannot copy, so the runtime sends it once and [`retrying`]
/// is the one retry layer.
async fn put_once(http: &reqwest::Client, state: &ClientState, request: reqwest::Request) -> Result<(), Error> {
    let call = Call { operation: PUT_OPERATION, idempotent: true, keyed: false, deletes: false };
    let response = match send(http, state, request, call).instrument(span(PUT_OPERATION)).await {
        Ok(response) => response,
        Err(Failure::Transport(error)) => return Err(Error::transport(PUT_OPERATION, error)),
        Err(Failure::Verdict(error)) => return Err(error),
    };
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let (request_id, wait) = (request_id(response.headers()), retry_after(response.headers()));
    let bytes = response.bytes().await.map_err(|e| Error::transport(PUT_OPERATION, e))?;
    let error = ApiError::reported(PUT_OPERATION, status, Reported::default(), request_id, kept_body(&bytes), wait);
    Err(Error::Api(error))
}

/// The presigned URL, if it is one the bytes may go to: HTTPS, or plain HTTP on this machine
/// (a test's fake storage).
fn presigned_url(text: &str) -> Result<reqwest::Url, Error> {
    let refuse =
        |why: &str| Error::InvalidRequest { operation: PUT_OPERATION, message: format!("the upload URL {why}") };
    let url = reqwest::Url::parse(text).map_err(|_| refuse("HeyGen returned is not a URL"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if crate::url::is_loopback(&url) => Ok(url),
        _ => Err(refuse(&format!("at {} is not HTTPS; the file is not sent there", crate::url::origin_of(&url)))),
    }
}

/// The slot's headers as HeyGen gave them, plus the length the storage host needs (a streamed
/// body is otherwise sent in chunks, which presigned `PUT`s refuse).
fn slot_headers(slot: &AssetUploadSlot, size: u64) -> Result<reqwest::header::HeaderMap, Error> {
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &slot.upload_headers {
        let name = HeaderName::try_from(name.as_str());
        let value = HeaderValue::try_from(value.as_str());
        let (Ok(name), Ok(value)) = (name, value) else {
            return Err(Error::InvalidRequest {
                operation: PUT_OPERATION,
                message: "HeyGen named an upload header that is not a valid HTTP header".into(),
            });
        };
        headers.append(name, value);
    }
    headers.entry(CONTENT_LENGTH).or_insert_with(|| HeaderValue::from(size));
    Ok(headers)
}

/// A fresh body for one attempt: the file streamed in chunks (never more than `size` bytes of
/// it), or the shared bytes; `progress` hears of every chunk.
async fn upload_body(
    source: Source<'_>,
    size: u64,
    progress: Option<UploadProgressFn>,
) -> Result<reqwest::Body, Error> {
    let mut sent = 0u64;
    let mut report = move |chunk: &Bytes| {
        sent += chunk.len() as u64;
        if let Some(progress) = &progress {
            progress(UploadProgress { sent, total: size });
        }
    };
    match source {
        Source::File(path, _) => {
            let file = tokio::fs::File::open(path).await.map_err(|source| file_error(PUT_OPERATION, path, source))?;
            let chunks = tokio_util::io::ReaderStream::with_capacity(file.take(size), CHUNK);
            Ok(reqwest::Body::wrap_stream(chunks.inspect_ok(move |chunk| report(chunk))))
        }
        Source::Memory(bytes) => {
            report(bytes);
            // A one-chunk stream rather than `Body::from`: a body the runtime could copy would
            // be retried there as well as in `retrying`, up to (retries + 1)² `PUT`s.
            let chunk = futures_util::stream::once(std::future::ready(Ok::<_, std::io::Error>(bytes.clone())));
            Ok(reqwest::Body::wrap_stream(chunk))
        }
    }
}

/// The multipart body of `upload_asset`: the bytes (shared, not copied) in the field `file`.
fn multipart_form(
    bytes: &Bytes,
    file_name: &str,
    content_type: Option<&str>,
) -> Result<reqwest::multipart::Form, Error> {
    let body = reqwest::Body::from(bytes.clone());
    let mut part =
        reqwest::multipart::Part::stream_with_length(body, bytes.len() as u64).file_name(file_name.to_owned());
    if let Some(content_type) = content_type {
        part = part.mime_str(content_type).map_err(|_| Error::InvalidRequest {
            operation: "upload_asset",
            message: format!("`{content_type}` is not a MIME type"),
        })?;
    }
    Ok(reqwest::multipart::Form::new().part("file", part))
}

/// Runs `attempt` until it succeeds, fails in a way another attempt cannot mend, or the
/// client's retries are used up. Only for the storage `PUT` of the same bytes (HeyGen's own calls
/// are retried by the runtime, which alone knows the 409 `request_in_progress` rule).
pub(super) async fn retrying<T, F, Fut>(state: &ClientState, mut attempt: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let policy = &state.retry;
    let mut tries = 1;
    loop {
        let error = match attempt().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let delay = (tries <= policy.max_retries).then(|| retry_delay(policy, &error, tries)).flatten();
        let Some(delay) = delay else { return Err(error) };
        tracing::warn!(%error, ?delay, "retrying");
        tokio::time::sleep(delay).await;
        tries += 1;
    }
}

/// How long to wait before repeating a request that is safe to repeat, if `error` may pass.
fn retry_delay(policy: &RetryPolicy, error: &Error, tries: u32) -> Option<Duration> {
    match error {
        Error::Timeout { .. } | Error::Connection { .. } => Some(policy.backoff(tries)),
        // S3 answers a `PUT` whose bytes came too slowly with 400 `RequestTimeout`, and asks
        // for it to be sent again.
        Error::Api(e) if e.status == reqwest::StatusCode::BAD_REQUEST && is_storage_timeout(&e.body) => {
            Some(policy.backoff(tries))
        }
        // A storage conflict (409) is final, like every 409 but HeyGen's `request_in_progress`.
        Error::Api(e) if matches!(e.status.as_u16(), 429 | 500 | 502 | 503 | 504) => match e.retry_after {
            Some(wait) if wait > policy.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(policy.backoff(tries)),
        },
        _ => None,
    }
}

/// Whether a storage host's error body is S3's retryable `RequestTimeout`: the body as S3 sent
/// it, or as the error keeps it (the redaction rule keeps only `Code: …; Message: …` of XML).
fn is_storage_timeout(body: &str) -> bool {
    body.contains("<Code>RequestTimeout</Code>")
        || body.split(';').next().map(str::trim) == Some("Code: RequestTimeout")
}

/// The file's size and modification time, from its metadata; it must be a regular file.
pub(super) async fn file_stamp(path: &Path, operation: &'static str) -> Result<FileStamp, Error> {
    let metadata = tokio::fs::metadata(path).await.map_err(|source| file_error(operation, path, source))?;
    if !metadata.is_file() {
        let source = std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file");
        return Err(file_error(operation, path, source));
    }
    Ok(FileStamp { len: metadata.len(), modified: metadata.modified().ok() })
}

/// The whole file, which is at most `limit` bytes (cut there should it have grown).
async fn read_file(path: &Path, limit: u64) -> Result<Bytes, Error> {
    let file = tokio::fs::File::open(path).await.map_err(|source| file_error("upload_asset", path, source))?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).await.map_err(|source| file_error("upload_asset", path, source))?;
    Ok(bytes.into())
}

/// The first bytes of the file, enough to recognise its type.
pub(super) async fn read_head(path: &Path) -> Result<Vec<u8>, Error> {
    let file = tokio::fs::File::open(path).await.map_err(|s| file_error("create_asset_upload", path, s))?;
    let mut head = Vec::with_capacity(8192);
    file.take(8192).read_to_end(&mut head).await.map_err(|s| file_error("create_asset_upload", path, s))?;
    Ok(head)
}

/// The file's SHA-256 in hex, read chunk by chunk.
pub(super) async fn sha256_of(path: &Path) -> Result<String, Error> {
    let error = |source| file_error("create_asset_upload", path, source);
    let mut file = tokio::fs::File::open(path).await.map_err(error)?;
    let (mut hasher, mut buffer) = (Sha256::new(), vec![0u8; CHUNK]);
    loop {
        match file.read(&mut buffer).await.map_err(error)? {
            0 => return Ok(hex::encode(hasher.finalize())),
            n => hasher.update(&buffer[..n]),
        }
    }
}

pub(super) fn file_name_of(path: &Path) -> String {
    path.file_name().map_or_else(|| "upload".to_owned(), |name| name.to_string_lossy().into_owned())
}

fn file_error(operation: &'static str, path: &Path, source: std::io::Error) -> Error {
    Error::File { operation, path: path.to_owned(), source }
}

pub(super) fn unknown_type(operation: &'static str, name: &dyn fmt::Display) -> Error {
    Error::InvalidRequest {
        operation,
        message: format!("cannot tell the type of {name}; set DirectUploadOptions::content_type"),
    }
}
