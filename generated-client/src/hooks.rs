//! The hooks progenitor runs around every generated method: authenticate and route the request
//! (`pre`), then send it and read its reply, with retries, inside one tracing span (`exec`).
//!
//! `exec` reads the whole reply itself, so that the body limit, retries of a cut body, the
//! envelope check and the redirect refusal hold for every operation alike. A verdict it reaches
//! (a typed [`Error`]) travels to [`crate::runtime::finish`] inside the `reqwest::Error` that
//! `exec` returns, as the source of a failed body read: progenitor hands that error on untouched.

use std::sync::Mutex;
use std::time::Instant;

use bytes::Bytes;
use bytes_carrier::carry;
use reqwest::ResponseBuilderExt;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION};
use reqwest::{Request, Response, StatusCode};
use tracing::{Instrument, Level, field};

use crate::config::ClientState;
use crate::config::{Credentials, base_text};
use crate::envelope::{RawOutcome, raw_outcome};
use crate::error::ErrorCode;
use crate::error::{ApiError, Error, MAX_KEPT_BODY, kept_body, origin_of, parse_error_body, request_id, without_query};
use crate::retry::{InProgressPolicy, StatusVerdict, error_delay, may_have_arrived, retry_after, status_verdict};
use crate::rt::{Host, IdempotencyKey, Operation};

/// HeyGen's API key header.
static API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");
/// HeyGen's idempotency key header (v3).
static IDEMPOTENCY_KEY_HEADER: HeaderName = HeaderName::from_static("idempotency-key");
/// progenitor adds `api-version: <info.version>` to every request; HeyGen has no use for it.
static API_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");

/// The `pre` hook of every generated client: checks that `operation` accepts the client's
/// credentials, routes the request to the operation's host, checks that the path is the
/// operation's (no `.`/`..` argument moved it), and attaches the credentials. `operation` is
/// `None` for an id the generated facts do not know, which cannot happen for generated methods.
pub fn pre(state: &ClientState, request: &mut Request, operation: Option<&'static Operation>) -> Result<(), String> {
    let operation = operation.ok_or("the client has no facts for this operation")?;
    if !operation.credentials.contains(&state.credentials.credential()) {
        return Err(format!(
            "this operation does not accept a {}; build the client with an API key",
            state.credentials.describe()
        ));
    }
    let host = state.base_url(operation.host);
    if operation.host != Host::Api {
        *request.url_mut() = reroute(request.url(), state.base_url(Host::Api), host)?;
    }
    if !follows_template(request.url().path(), host.path(), operation.path) {
        return Err(format!(
            "a path argument of {} is `.`, `..` or empty, which would send the request to another endpoint",
            operation.id
        ));
    }
    // The key goes only to the client's own hosts, whatever built the URL.
    if !state.is_own_origin(request.url()) {
        return Err(format!(
            "refusing to send credentials to {}, which is not one of the client's hosts",
            origin_of(request.url())
        ));
    }
    let key = match operation.idempotency_key {
        Some(IdempotencyKey::Header) => Some(header_key(request, state.idempotency_key.as_deref())),
        Some(IdempotencyKey::Body(field)) => add_body_key(request, field, state.idempotency_key.as_deref()).transpose(),
        None => None,
    };
    match key {
        Some(Ok(key)) => crate::call::record_key(&key),
        Some(Err(KeyProblem::Invalid(reason))) => {
            let message = format!("invalid idempotency key: {reason}");
            crate::call::refuse(Error::InvalidIdempotencyKey { operation: operation.id, reason });
            return Err(message);
        }
        Some(Err(KeyProblem::Other(message))) => return Err(message),
        None => {}
    }
    let headers = request.headers_mut();
    headers.remove(&API_VERSION_HEADER);
    match &state.credentials {
        Credentials::ApiKey(key) => headers.insert(API_KEY_HEADER.clone(), key.clone()),
        Credentials::SessionToken(bearer) => headers.insert(AUTHORIZATION, bearer.clone()),
    };
    Ok(())
}

/// Why a call's idempotency key cannot be sent.
enum KeyProblem {
    /// The caller's key breaks HeyGen's rule.
    Invalid(String),
    /// The request could not be given one.
    Other(String),
}

/// The key in the `Idempotency-Key` header: one already there (checked), else the handle's
/// (`named`, checked when it was named), else a fresh one; added.
fn header_key(request: &mut Request, named: Option<&str>) -> Result<String, KeyProblem> {
    if let Some(given) = request.headers().get(&IDEMPOTENCY_KEY_HEADER) {
        let given = given.to_str().map_err(|_| KeyProblem::Invalid("it is not visible ASCII".into()))?;
        check_idempotency_key(given).map_err(KeyProblem::Invalid)?;
        return Ok(given.to_owned());
    }
    let key = fresh_unless(named)?;
    let value = HeaderValue::from_str(&key).map_err(|e| KeyProblem::Other(e.to_string()))?;
    request.headers_mut().insert(IDEMPOTENCY_KEY_HEADER.clone(), value);
    Ok(key)
}

/// The longest idempotency key HeyGen takes.
const MAX_KEY_LEN: usize = 255;

/// HeyGen's rule for idempotency keys: 1 to 255 characters of `A-Z a-z 0-9 _ : . -`. Checked
/// before sending, so that a key HeyGen would refuse (or, worse, take in a form the caller does
/// not expect to resume with) fails here with nothing sent.
pub(crate) fn check_idempotency_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("it is empty".into());
    }
    if key.len() > MAX_KEY_LEN {
        return Err(format!("it is {} characters long; HeyGen takes at most {MAX_KEY_LEN}", key.len()));
    }
    match key.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'))) {
        Some(c) => Err(format!("it holds {c:?}; HeyGen takes only letters, digits and `_ : . -`")),
        None => Ok(()),
    }
}

/// A fresh idempotency key: a random (version 4) UUID from the operating system's CSPRNG, so
/// that no one can guess another caller's key (HeyGen would replay that caller's reply). It is
/// made once per call, in `pre`; the retry loop sends copies of the same request, so every
/// retry carries the same key.
pub(crate) fn new_idempotency_key() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random bytes for an idempotency key: {e}"))?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    Ok([&hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]].join("-"))
}

/// The handle's key (`named`) if it has one, else a fresh one.
fn fresh_unless(named: Option<&str>) -> Result<String, KeyProblem> {
    match named {
        Some(key) => Ok(key.to_owned()),
        None => new_idempotency_key().map_err(KeyProblem::Other),
    }
}

/// Puts the handle's key (`named`) or a fresh one into `field` of the JSON body, unless the
/// caller set one in the body (which is checked); the key the body carries.
fn add_body_key(request: &mut Request, field: &str, named: Option<&str>) -> Result<Option<String>, KeyProblem> {
    let Some(bytes) = request.body().and_then(|b| b.as_bytes()) else { return Ok(None) };
    let Ok(serde_json::Value::Object(mut body)) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(None);
    };
    match body.get(field) {
        Some(serde_json::Value::String(given)) => {
            check_idempotency_key(given).map_err(KeyProblem::Invalid)?;
            return Ok(Some(given.clone()));
        }
        Some(serde_json::Value::Null) | None => {}
        Some(_) => return Err(KeyProblem::Invalid(format!("`{field}` is not a string"))),
    }
    let key = fresh_unless(named)?;
    body.insert(field.to_owned(), key.clone().into());
    let bytes = serde_json::to_vec(&body).map_err(|e| KeyProblem::Other(e.to_string()))?;
    request.headers_mut().insert(CONTENT_LENGTH, bytes.len().into());
    *request.body_mut() = Some(bytes.into());
    Ok(Some(key))
}

/// The `exec` hook of every generated client: sends the request with retries and reads its
/// reply (see the module docs).
pub async fn exec(
    http: &reqwest::Client,
    state: &ClientState,
    request: Request,
    operation_id: &'static str,
    operation: Option<&'static Operation>,
) -> reqwest::Result<Response> {
    let idempotent = operation.is_some_and(|op| op.idempotent);
    let keyed = operation.is_some_and(|op| op.idempotency_key.is_some());
    let deletes = operation.is_some_and(|op| op.method == "DELETE");
    let call = Call { operation: operation_id, idempotent, keyed, deletes, api: true };
    match send(http, state, request, call).instrument(span(operation_id)).await {
        Ok(response) => Ok(response),
        Err(Failure::Transport(error)) => Err(error),
        Err(Failure::Verdict(error)) => Err(carry(Verdict(Mutex::new(Some(error)))).await),
    }
}

/// Whether `path` (a request's, on a host whose base path is `base`) has the segments of
/// `template`: its literal segments, and one non-empty segment per parameter. reqwest resolves
/// `.` and `..` segments when it parses the URL, so a path argument of `..` shows here as a
/// missing segment.
fn follows_template(path: &str, base: &str, template: &str) -> bool {
    let Some(rest) = path.strip_prefix(base.trim_end_matches('/')) else { return false };
    let (mut actual, mut expected) = (rest.split('/'), template.split('/'));
    loop {
        match (actual.next(), expected.next()) {
            (None, None) => return true,
            (Some(got), Some(want)) if want.contains('{') => {
                if got.is_empty() || got == "." || got == ".." {
                    return false;
                }
            }
            (Some(got), Some(want)) if got == want => {}
            _ => return false,
        }
    }
}

/// The request's span: one per call, retries included.
pub(crate) fn span(operation: &'static str) -> tracing::Span {
    tracing::info_span!(
        "heygen.request",
        operation = operation,
        method = field::Empty,
        path = field::Empty,
        attempt = field::Empty,
        status = field::Empty,
        duration_ms = field::Empty,
    )
}

/// `url` (built on `from`) moved onto `to`, by parsed parts: the operation's path relative to
/// `from`'s path, appended to `to`'s path; the query kept.
fn reroute(url: &reqwest::Url, from: &reqwest::Url, to: &reqwest::Url) -> Result<reqwest::Url, String> {
    let prefix = base_text(from).len();
    let relative = url.as_str().get(prefix..).filter(|_| url.as_str().starts_with(base_text(from)));
    let relative = relative.ok_or_else(|| "the request URL is not on the API host".to_owned())?;
    reqwest::Url::parse(&format!("{}{relative}", base_text(to))).map_err(|e| e.to_string())
}

/// The verdict `exec` reached, carried to [`crate::runtime::finish`] as the source of the
/// `reqwest::Error` it returns. Taken out once.
#[derive(Debug)]
pub(crate) struct Verdict(Mutex<Option<Error>>);

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the client refused the reply")
    }
}

impl std::error::Error for Verdict {}

/// The typed error `exec` decided on, if `error` carries one.
pub(crate) fn take_verdict(error: &reqwest::Error) -> Option<Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(verdict) = current.downcast_ref::<Verdict>() {
            return verdict.0.lock().ok()?.take();
        }
        source = current.source();
    }
    None
}

mod bytes_carrier {
    use futures_util::stream;
    use reqwest::Response;

    /// A `reqwest::Error` whose source is `verdict`: a body that fails with it, read.
    pub(super) async fn carry(verdict: super::Verdict) -> reqwest::Error {
        let failing = stream::iter([Err::<Vec<u8>, _>(verdict)]);
        let mut response = Response::from(http::Response::new(reqwest::Body::wrap_stream(failing)));
        loop {
            match response.chunk().await {
                Err(error) => return error,
                // The body's only item is the error; nothing else can come first.
                Ok(_) => continue,
            }
        }
    }
}

/// What the runtime needs to know about a call.
#[derive(Clone, Copy)]
pub(crate) struct Call {
    pub operation: &'static str,
    /// Sending it twice has the same effect as once.
    pub idempotent: bool,
    /// Sent with an idempotency key: a `409 request_in_progress` means the first attempt is
    /// still running, and is waited out on a budget of its own ([`InProgressPolicy`]).
    pub keyed: bool,
    /// A DELETE: a 404 after an attempt that may have arrived means it was deleted then.
    pub deletes: bool,
    /// A call of HeyGen's API (its envelope is checked), as opposed to a signed link.
    pub api: bool,
}

/// Why [`send`] gave up.
pub(crate) enum Failure {
    /// The request could not be sent or its reply not read.
    Transport(reqwest::Error),
    /// The reply arrived, and the client refuses it with this error.
    Verdict(Error),
}

/// Sends `request`, and again while the retry policy allows and it is safe; reads the reply's
/// body (up to the client's limit) and hands on a response that holds it.
pub(crate) async fn send(
    http: &reqwest::Client,
    state: &ClientState,
    mut request: Request,
    call: Call,
) -> Result<Response, Failure> {
    if let Some(caller_http) = &state.caller_http {
        caller_http.apply(&mut request);
    }
    if call.keyed {
        request = replayable(request, call).await?;
    }
    let started = Instant::now();
    let span = tracing::Span::current();
    span.record("method", field::display(request.method()));
    span.record("path", request.url().path());
    // Whether an earlier attempt may have reached the server and acted.
    let mut arrived = false;
    // Attempts spent from `max_retries`; waits for `request_in_progress` have their own budget.
    let mut attempt = 1;
    let mut in_progress = InProgressWait::new(&state.in_progress);
    loop {
        span.record("attempt", attempt);
        trace_request(&request, state);
        let copy = request.try_clone();
        let may_retry = copy.is_some() && attempt <= state.retry.max_retries;
        let outcome = attempt_once(http, request, call, state, attempt, may_retry).await;
        let (delay, failure) = match outcome {
            Ok(Received::Done(response)) => {
                let status = response.status();
                span.record("duration_ms", started.elapsed().as_millis() as u64);
                span.record("status", status.as_u16());
                if call.deletes && arrived && status == StatusCode::NOT_FOUND {
                    let request_id = request_id(response.headers());
                    return Err(Failure::Verdict(Error::AlreadyDeleted { operation: call.operation, request_id }));
                }
                tracing::debug!("response received");
                return Ok(response);
            }
            Ok(Received::InProgress { response, retry_after }) => {
                arrived = true;
                match in_progress.next_delay(retry_after).filter(|_| copy.is_some()) {
                    Some(delay) => {
                        tracing::warn!(
                            ?delay,
                            "an earlier attempt with this idempotency key is still running; waiting"
                        );
                        request = copy.expect("checked above");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    None => {
                        span.record("duration_ms", started.elapsed().as_millis() as u64);
                        span.record("status", response.status().as_u16());
                        return Ok(response);
                    }
                }
            }
            Ok(Received::Retry { status, delay }) => {
                arrived |= status != StatusCode::TOO_MANY_REQUESTS;
                tracing::warn!(status = status.as_u16(), ?delay, "retrying");
                (delay, None)
            }
            Err(Failure::Transport(error)) => {
                let error = without_query(error);
                let delay = may_retry.then(|| error_delay(&state.retry, &error, call.idempotent, attempt)).flatten();
                arrived |= may_have_arrived(&error);
                match delay {
                    Some(delay) => {
                        tracing::warn!(%error, ?delay, "retrying");
                        (delay, None)
                    }
                    None => (Default::default(), Some(Failure::Transport(error))),
                }
            }
            Err(verdict) => (Default::default(), Some(verdict)),
        };
        if let Some(failure) = failure {
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            if let Failure::Transport(error) = &failure {
                tracing::debug!(%error, "request failed");
            }
            return Err(failure);
        }
        // A retry is only decided when the request could be copied.
        let Some(copy) = copy else { return Err(Failure::Verdict(not_copied(call.operation))) };
        tokio::time::sleep(delay).await;
        request = copy;
        attempt += 1;
    }
}

/// The most of a keyed call's streamed body (a multipart form) the client holds in memory so
/// that every attempt sends the same bytes: far above `upload_asset`'s 32 MB.
const MAX_REPLAYABLE_BODY: u64 = 64 * 1024 * 1024;

/// `request` with a body every attempt can send byte for byte: a keyed call's streamed body of
/// known length (a multipart form, whose boundary is random per form) is read into memory once.
/// HeyGen replays the first reply for a repeated key, but only the same bytes make every attempt
/// the same request, whichever reaches it first.
async fn replayable(mut request: Request, call: Call) -> Result<Request, Failure> {
    if request.body().is_none_or(|b| b.as_bytes().is_some()) {
        return Ok(request);
    }
    let length = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let Some(length) = length.filter(|n| *n <= MAX_REPLAYABLE_BODY) else { return Ok(request) };
    let Some(body) = request.body_mut().take() else { return Ok(request) };
    let mut stream = Response::from(http::Response::new(body));
    let bytes = match read_limited(&mut stream, length as usize).await.map_err(Failure::Transport)? {
        Body::Whole(bytes) if bytes.len() as u64 == length => bytes,
        _ => {
            let message = "the request body does not have the length it declared".into();
            return Err(Failure::Verdict(Error::InvalidRequest { operation: call.operation, message }));
        }
    };
    *request.body_mut() = Some(bytes.into());
    Ok(request)
}

/// The budget of one keyed call for waiting out `409 request_in_progress`.
struct InProgressWait<'a> {
    policy: &'a InProgressPolicy,
    waited: std::time::Duration,
    waits: u32,
}

impl<'a> InProgressWait<'a> {
    fn new(policy: &'a InProgressPolicy) -> Self {
        InProgressWait { policy, waited: Default::default(), waits: 0 }
    }

    /// How long to wait before the next attempt, or `None` when the budget would be overrun
    /// (the 409 is then the call's answer, with its key).
    fn next_delay(&mut self, retry_after: Option<std::time::Duration>) -> Option<std::time::Duration> {
        self.waits += 1;
        let delay = retry_after.unwrap_or_else(|| self.policy.backoff(self.waits));
        let total = self.waited.checked_add(delay)?;
        if total > self.policy.max_wait {
            return None;
        }
        self.waited = total;
        Some(delay)
    }
}

fn not_copied(operation: &'static str) -> Error {
    Error::InvalidRequest { operation, message: "the request body cannot be sent twice".into() }
}

/// What one attempt gave.
enum Received {
    /// The reply, its body read.
    Done(Response),
    /// A status worth another attempt after `delay`.
    Retry { status: StatusCode, delay: std::time::Duration },
    /// A keyed call's `409 request_in_progress`: an earlier attempt with the key still runs.
    InProgress { response: Response, retry_after: Option<std::time::Duration> },
}

async fn attempt_once(
    http: &reqwest::Client,
    request: Request,
    call: Call,
    state: &ClientState,
    attempt: u32,
    can_retry: bool,
) -> Result<Received, Failure> {
    let response = http.execute(request).await.map_err(Failure::Transport)?;
    let status = response.status();
    if status.is_redirection() {
        let location = response.headers().get(LOCATION).and_then(|l| l.to_str().ok());
        let location = location.and_then(|l| response.url().join(l).ok()).map(|l| origin_of(&l));
        let idempotency_key = None;
        return Err(Failure::Verdict(Error::Redirected {
            operation: call.operation,
            status,
            location,
            idempotency_key,
        }));
    }
    if can_retry
        && let StatusVerdict::RetryAfter(delay) =
            status_verdict(&state.retry, status, response.headers(), call.idempotent, attempt)
    {
        return Ok(Received::Retry { status, delay });
    }
    // A final reply, `Retry-After` too long included: the error keeps the wait.
    let reply = read_reply(response, call, state).await?;
    if call.keyed && status == StatusCode::CONFLICT {
        return in_progress(reply, call.operation).await;
    }
    Ok(Received::Done(reply))
}

/// A keyed call's 409, read: `request_in_progress` is waited out; any other code (a conflict
/// with the resource's state) is final.
async fn in_progress(reply: Response, operation: &'static str) -> Result<Received, Failure> {
    let (status, version, headers) = (reply.status(), reply.version(), reply.headers().clone());
    let body = reply.bytes().await.map_err(Failure::Transport)?;
    let in_progress = parse_error_body(&body).is_some_and(|reported| {
        matches!(&reported.code, Some(ErrorCode::String(code)) if code.eq_ignore_ascii_case("request_in_progress"))
    });
    let retry_after = retry_after(&headers);
    let mut rebuilt = http::Response::builder().status(status).version(version);
    if let Some(kept) = rebuilt.headers_mut() {
        kept.extend(headers);
    }
    let response = Response::from(rebuilt.body(body).map_err(|_| Failure::Verdict(unkept(operation)))?);
    Ok(if in_progress { Received::InProgress { response, retry_after } } else { Received::Done(response) })
}

fn unkept(operation: &'static str) -> Error {
    Error::InvalidRequest { operation, message: "the reply's status line or headers could not be kept".into() }
}

/// Reads the body of `response` and applies the reply's verdicts.
async fn read_reply(mut response: Response, call: Call, state: &ClientState) -> Result<Response, Failure> {
    let status = response.status();
    let limit = if status.is_success() { state.max_body_bytes } else { MAX_KEPT_BODY };
    let body = match read_limited(&mut response, limit).await {
        Ok(Body::Whole(body)) => body,
        // An error body is only kept in part anyway: its first bytes are enough.
        Ok(Body::Cut(body)) if !status.is_success() => body,
        Ok(Body::Cut(_)) => {
            let idempotency_key = None;
            return Err(Failure::Verdict(Error::BodyTooLarge { operation: call.operation, limit, idempotency_key }));
        }
        Err(error) => return Err(Failure::Transport(error)),
    };
    if tracing::enabled!(Level::TRACE) {
        let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        trace_body("response body", &body, content_type, state);
    }
    if call.api && status.is_success() {
        match raw_outcome(&body) {
            RawOutcome::Success => {}
            RawOutcome::Failure(reported) => {
                let (request_id, body) = (request_id(response.headers()), kept_body(&body));
                let error = ApiError::reported(call.operation, status, reported, request_id, body, None);
                return Err(Failure::Verdict(Error::Api(error)));
            }
        }
    }
    // The reply again, now holding its body. Its headers move over rather than being copied, and
    // its URL goes with it (without one, reqwest would parse a placeholder URL for every reply).
    let mut rebuilt = http::Response::builder().status(status).version(response.version()).url(response.url().clone());
    if let Some(headers) = rebuilt.headers_mut() {
        *headers = std::mem::take(response.headers_mut());
    }
    let rebuilt = rebuilt.body(body).map_err(|_| Failure::Verdict(unkept(call.operation)))?;
    Ok(Response::from(rebuilt))
}

/// A body as read.
pub(crate) enum Body {
    /// All of it.
    Whole(Bytes),
    /// Its first `limit` bytes: there was more.
    Cut(Bytes),
}

/// Reads `response`'s body chunk by chunk, never holding more than `limit` bytes (nor reserving
/// more than that, whatever `Content-Length` claims).
pub(crate) async fn read_limited(response: &mut Response, limit: usize) -> reqwest::Result<Body> {
    let declared = response.content_length().and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    let Some(first) = response.chunk().await? else { return Ok(Body::Whole(Bytes::new())) };
    if first.len() > limit {
        return Ok(Body::Cut(first.slice(..limit)));
    }
    // Most replies arrive in one chunk: it is the body as it came, without a copy.
    let Some(mut chunk) = response.chunk().await? else { return Ok(Body::Whole(first)) };
    let mut body = Vec::with_capacity(room(declared, limit, first.len()));
    body.extend_from_slice(&first);
    drop(first);
    loop {
        let take = chunk.len().min(limit - body.len());
        if body.capacity() - body.len() < take {
            body.reserve_exact(room(declared, limit, body.len() + take) - body.len());
        }
        body.extend_from_slice(&chunk[..take]);
        if take < chunk.len() {
            return Ok(Body::Cut(body.into()));
        }
        match response.chunk().await? {
            Some(next) => chunk = next,
            None => return Ok(Body::Whole(body.into())),
        }
    }
}

/// The capacity to give a body buffer that must hold `needed` bytes: what `Content-Length`
/// declares (`declared`, 0 when it declares nothing), so that the buffer is allocated once at
/// its final size (growing a 1 MB buffer copies it), but never more than the limit, which a
/// server could as well fill. Without a declared length it doubles.
fn room(declared: usize, limit: usize, needed: usize) -> usize {
    let wanted = if declared >= needed { declared } else { needed.saturating_mul(2) };
    wanted.min(limit).max(needed)
}

/// The most body text a trace event shows; larger bodies are summarised.
const MAX_LOGGED_BODY: usize = MAX_KEPT_BODY;

fn trace_request(request: &Request, state: &ClientState) {
    if !tracing::enabled!(Level::TRACE) {
        return;
    }
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if let Some(body) = request.body().and_then(|b| b.as_bytes()) {
        trace_body("request body", body, content_type, state);
    }
}

/// At trace level only, logs a body with secrets taken out: JSON with secret fields redacted,
/// other text with URLs' query strings removed, and binary or oversized bodies only by size.
fn trace_body(what: &str, body: &[u8], content_type: Option<&str>, state: &ClientState) {
    if !tracing::enabled!(Level::TRACE) {
        return;
    }
    let kind = content_type.unwrap_or("no content type");
    if body.len() > MAX_LOGGED_BODY {
        tracing::trace!(body = %format_args!("<{} bytes of {kind}, not logged>", body.len()), "{what}");
    } else {
        match crate::redact::redact(body, state) {
            Some(text) => tracing::trace!(body = %text, "{what}"),
            None => tracing::trace!(body = %format_args!("<{} bytes of {kind}>", body.len()), "{what}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::follows_template;

    #[test]
    fn a_path_follows_its_template_segment_by_segment() {
        let template = "/v1/asset/{asset_id}/delete";
        assert!(follows_template("/v1/asset/a1/delete", "/", template));
        assert!(follows_template("/prefix/v1/asset/a%2Fb/delete", "/prefix", template));
        // What reqwest makes of `..`, `.` and an empty argument.
        assert!(!follows_template("/v1/delete", "/", template));
        assert!(!follows_template("/v1/asset/delete", "/", template));
        assert!(!follows_template("/v1/asset//delete", "/", template));
        assert!(!follows_template("/v2/asset/a1/delete", "/", template));
        assert!(!follows_template("/elsewhere/v1/asset/a1/delete", "/prefix", template));
    }
}
