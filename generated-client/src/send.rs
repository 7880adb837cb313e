//! The `exec` hook of every generated client, and the loop it runs: send the request, and again
//! while the retry policy allows and it is safe; read the reply's body under the limit and apply
//! the reply's verdicts (a redirect, a body too large, a keyed call's `409 request_in_progress`
//! waited out).
//!
//! The reply is read whole here, so that the body limit, retries of a cut body and the redirect
//! refusal hold for every operation alike; the envelope is read with the typed decode
//! (`decode.rs`), which then finds the body in memory. A verdict (a typed [`Error`])
//! reaches [`crate::finish::finish`] inside the `reqwest::Error` that `exec` returns
//! (`verdict.rs`).

use std::time::Instant;

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{Request, Response, ResponseBuilderExt, StatusCode};
use tracing::{Instrument, Level, field};

use crate::envelope::parse_error_body;
use crate::error::{Error, ErrorCode};
use crate::facts::Operation;
use crate::reply::{Body, MAX_KEPT_BODY, read_limited, request_id};
use crate::retry::{InProgressPolicy, StatusVerdict, error_delay, may_have_arrived, retry_after, status_verdict};
use crate::state::ClientState;
use crate::trace::{span, trace_body, trace_request};
use crate::url::{origin_of, without_query};
use crate::verdict::carry;

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
    let call = Call { operation: operation_id, idempotent, keyed, deletes };
    // Boxed once here: every layer above (progenitor's method, `finish`'s boxed call) then holds
    // a pointer instead of moving the whole send loop's state each time it is moved.
    match Box::pin(send(http, state, request, call)).instrument(span(operation_id)).await {
        Ok(response) => Ok(response),
        Err(Failure::Transport(error)) => Err(error),
        Err(Failure::Verdict(error)) => Err(carry(error).await),
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
    // The reply again, now holding its body. Its headers move over rather than being copied, and
    // its URL goes with it (without one, reqwest would parse a placeholder URL for every reply).
    let mut rebuilt = http::Response::builder().status(status).version(response.version()).url(response.url().clone());
    if let Some(headers) = rebuilt.headers_mut() {
        *headers = std::mem::take(response.headers_mut());
    }
    let rebuilt = rebuilt.body(body).map_err(|_| Failure::Verdict(unkept(call.operation)))?;
    Ok(Response::from(rebuilt))
}
