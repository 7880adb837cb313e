//! The hooks progenitor runs around every generated method: authenticate and route the request
//! (`pre`), then send it and read its reply, with retries, inside one tracing span (`exec`).
//!
//! `exec` reads the whole reply itself, so that the body limit, retries of a cut body, the
//! envelope check and the redirect refusal hold for every operation alike. A verdict it reaches
//! (a typed [`Error`]) travels to [`crate::runtime::finish`] inside the `reqwest::Error` that
//! `exec` returns, as the source of a failed body read: progenitor hands that error on untouched.

use std::sync::Mutex;
use std::time::Instant;

use bytes_carrier::carry;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION};
use reqwest::{Request, Response, StatusCode};
use tracing::{Instrument, Level, field};

use crate::ClientState;
use crate::config::{Credentials, base_text};
use crate::envelope::{RawOutcome, raw_outcome};
use crate::error::{ApiError, Error, MAX_KEPT_BODY, kept_body, origin_of, request_id, without_query};
use crate::retry::{StatusVerdict, error_delay, may_have_arrived, next_copy, status_verdict};
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
    match operation.idempotency_key {
        Some(IdempotencyKey::Header) if !request.headers().contains_key(&IDEMPOTENCY_KEY_HEADER) => {
            let key = HeaderValue::from_str(&new_idempotency_key()).map_err(|e| e.to_string())?;
            request.headers_mut().insert(IDEMPOTENCY_KEY_HEADER.clone(), key);
        }
        Some(IdempotencyKey::Body(field)) => add_body_key(request, field)?,
        _ => {}
    }
    let headers = request.headers_mut();
    headers.remove(&API_VERSION_HEADER);
    match &state.credentials {
        Credentials::ApiKey(key) => headers.insert(API_KEY_HEADER.clone(), key.clone()),
        Credentials::SessionToken(bearer) => headers.insert(AUTHORIZATION, bearer.clone()),
    };
    Ok(())
}

/// A fresh idempotency key: a random (version 4) UUID. It is made once per call, in `pre`; the
/// retry loop sends copies of the same request, so every retry carries the same key.
pub(crate) fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    fastrand::fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// Puts a fresh key into `field` of the JSON body, unless the caller set one.
fn add_body_key(request: &mut Request, field: &str) -> Result<(), String> {
    let Some(bytes) = request.body().and_then(|b| b.as_bytes()) else { return Ok(()) };
    let Ok(serde_json::Value::Object(mut body)) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(());
    };
    if body.get(field).is_some_and(|v| !v.is_null()) {
        return Ok(());
    }
    body.insert(field.to_owned(), new_idempotency_key().into());
    let bytes = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
    request.headers_mut().insert(CONTENT_LENGTH, bytes.len().into());
    *request.body_mut() = Some(bytes.into());
    Ok(())
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
    /// Sent with an idempotency key: a 409 means the first attempt is still running, and is
    /// waited out.
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
    let started = Instant::now();
    let span = tracing::Span::current();
    span.record("method", field::display(request.method()));
    span.record("path", request.url().path());
    // Whether an earlier attempt may have reached the server and acted.
    let mut arrived = false;
    let mut attempt = 1;
    loop {
        span.record("attempt", attempt);
        trace_request(&request, state);
        let copy = next_copy(&state.retry, &request, attempt);
        let outcome = attempt_once(http, request, call, state, attempt, copy.is_some()).await;
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
            Ok(Received::Retry { status, delay }) => {
                arrived |= status != StatusCode::TOO_MANY_REQUESTS;
                tracing::warn!(status = status.as_u16(), ?delay, "retrying");
                (delay, None)
            }
            Err(Failure::Transport(error)) => {
                let error = without_query(error);
                let delay = copy.as_ref().and_then(|_| error_delay(&state.retry, &error, call.idempotent, attempt));
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

fn not_copied(operation: &'static str) -> Error {
    Error::InvalidRequest { operation, message: "the request body cannot be sent twice".into() }
}

/// What one attempt gave.
enum Received {
    /// The reply, its body read.
    Done(Response),
    /// A status worth another attempt after `delay`.
    Retry { status: StatusCode, delay: std::time::Duration },
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
        return Err(Failure::Verdict(Error::Redirected { operation: call.operation, status, location }));
    }
    if can_retry
        && let StatusVerdict::RetryAfter(delay) =
            status_verdict(&state.retry, status, response.headers(), call.idempotent, call.keyed, attempt)
    {
        return Ok(Received::Retry { status, delay });
    }
    // A final reply, `Retry-After` too long included: the error keeps the wait.
    read_reply(response, call, state).await.map(Received::Done)
}

/// Reads the body of `response` and applies the reply's verdicts.
async fn read_reply(response: Response, call: Call, state: &ClientState) -> Result<Response, Failure> {
    let status = response.status();
    let limit = if status.is_success() { state.max_body_bytes } else { MAX_KEPT_BODY };
    let mut rebuilt = http::Response::builder().status(status).version(response.version());
    if let Some(headers) = rebuilt.headers_mut() {
        headers.extend(response.headers().clone());
    }
    let request_id = request_id(response.headers());
    let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = match read_limited(response, limit).await {
        Ok(Body::Whole(body)) => body,
        // An error body is only kept in part anyway: its first bytes are enough.
        Ok(Body::Cut(body)) if !status.is_success() => body,
        Ok(Body::Cut(_)) => {
            return Err(Failure::Verdict(Error::BodyTooLarge { operation: call.operation, limit }));
        }
        Err(error) => return Err(Failure::Transport(error)),
    };
    trace_body("response body", &body, content_type.as_deref(), state);
    if call.api && status.is_success() {
        match raw_outcome(&body) {
            RawOutcome::Success => {}
            RawOutcome::Failure(reported) => {
                let body = kept_body(&body);
                let error = ApiError::reported(call.operation, status, reported, request_id, body, None);
                return Err(Failure::Verdict(Error::Api(error)));
            }
        }
    }
    let rebuilt = rebuilt.body(body).map_err(|_| {
        Failure::Verdict(Error::InvalidRequest {
            operation: call.operation,
            message: "the reply's status line or headers could not be kept".into(),
        })
    })?;
    Ok(Response::from(rebuilt))
}

/// A body as read.
pub(crate) enum Body {
    /// All of it.
    Whole(Vec<u8>),
    /// Its first `limit` bytes: there was more.
    Cut(Vec<u8>),
}

/// Reads `response`'s body chunk by chunk, never holding more than `limit` bytes (nor reserving
/// more than that, whatever `Content-Length` claims).
pub(crate) async fn read_limited(mut response: Response, limit: usize) -> reqwest::Result<Body> {
    let declared = response.content_length().and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    let mut body = Vec::with_capacity(declared.min(limit).min(1 << 20));
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        let take = chunk.len().min(room);
        if body.capacity() - body.len() < take {
            // Grow by doubling, but never past the limit.
            let wanted = (body.len() + take).max(body.capacity() * 2).min(limit);
            body.reserve_exact(wanted - body.len());
        }
        body.extend_from_slice(&chunk[..take]);
        if take < chunk.len() {
            return Ok(Body::Cut(body));
        }
    }
    Ok(Body::Whole(body))
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
