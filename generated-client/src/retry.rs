//! Sending a request, again when it is safe: backoff with jitter, `Retry-After`, and never a
//! second copy of a request the server may already have acted on.

use std::time::{Duration, SystemTime};

use reqwest::header::RETRY_AFTER;
use reqwest::{Request, Response, StatusCode};

/// When and how often a failed request is sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first; 0 turns retries off.
    pub max_retries: u32,
    /// Wait before the first retry; it doubles with each further one (with jitter).
    pub initial_backoff: Duration,
    /// The longest wait between attempts, `Retry-After` included.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 2, initial_backoff: Duration::from_millis(500), max_backoff: Duration::from_secs(30) }
    }
}

/// What one attempt says about trying again.
pub(crate) fn retry_delay(
    policy: &RetryPolicy,
    result: &reqwest::Result<Response>,
    idempotent: bool,
    attempt: u32,
) -> Option<Duration> {
    let backoff = || policy.backoff(attempt);
    match result {
        // The server refused before acting on it: always safe to send again.
        Ok(response) if response.status() == StatusCode::TOO_MANY_REQUESTS => {
            Some(retry_after(response).unwrap_or_else(backoff).min(policy.max_backoff))
        }
        // The gateway failed; whether the request was acted on is unknown.
        Ok(response)
            if idempotent
                && matches!(
                    response.status(),
                    StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
                ) =>
        {
            Some(retry_after(response).unwrap_or_else(backoff).min(policy.max_backoff))
        }
        Ok(_) => None,
        // No connection, so nothing was sent.
        Err(e) if e.is_connect() => Some(backoff()),
        // Sent, then lost: only a request that may be repeated is.
        Err(e) if idempotent && (e.is_timeout() || e.is_request() || e.is_body()) => Some(backoff()),
        Err(_) => None,
    }
}

impl RetryPolicy {
    /// Exponential backoff for retry number `attempt` (1-based), with jitter over its upper half.
    fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self.initial_backoff.saturating_mul(1 << attempt.saturating_sub(1).min(16));
        let ceiling = exponential.min(self.max_backoff);
        ceiling / 2 + ceiling.mul_f64(fastrand::f64() / 2.0)
    }
}

/// `Retry-After` as a delay: seconds, or an HTTP date.
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

/// A copy for the next attempt, when there may be one (a streamed body cannot be copied).
pub(crate) fn next_copy(policy: &RetryPolicy, request: &Request, attempt: u32) -> Option<Request> {
    if attempt > policy.max_retries { None } else { request.try_clone() }
}
