//! Sending a request, again when it is safe: backoff with jitter, `Retry-After`, and never a
//! second copy of a request the server may already have acted on.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// When and how often a failed request is sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first; 0 turns retries off.
    pub max_retries: u32,
    /// Wait before the first retry; it doubles with each further one (with jitter).
    pub initial_backoff: Duration,
    /// The longest wait between attempts when the server does not say how long to wait.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client waits out by itself. A server asking for a longer
    /// wait gets no retry: the call fails at once with the wait in
    /// [`ApiError::retry_after`](crate::ApiError::retry_after), so the caller can schedule it.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What a reply's status says about sending the request again.
pub(crate) enum StatusVerdict {
    /// Not a status worth another attempt.
    Final,
    /// Try again after this long.
    RetryAfter(Duration),
    /// The server asks for a longer wait than the policy allows: give up now.
    TooLong,
}

/// How a call sent with an idempotency key waits while HeyGen answers `409
/// request_in_progress` (an earlier attempt with the same key still runs, typically one whose
/// reply was lost): it sends the same request again, under the same key, until HeyGen gives the
/// first attempt's reply or `max_wait` would be passed; the 409 is then the call's error, with
/// the key ([`Error::idempotency_key`](crate::Error::idempotency_key)) to resume with. These
/// waits are not taken from [`RetryPolicy::max_retries`]. Set with
/// [`ClientBuilder::in_progress_policy`](crate::ClientBuilder::in_progress_policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InProgressPolicy {
    /// The most time one call spends waiting in all (default 2 minutes); 0 turns waiting off.
    pub max_wait: Duration,
    /// Wait before the first repeat; it doubles with each further one (with jitter), unless
    /// HeyGen sends `Retry-After`.
    pub initial_backoff: Duration,
    /// The longest wait between repeats.
    pub max_backoff: Duration,
}

impl Default for InProgressPolicy {
    fn default() -> Self {
        Self {
            max_wait: Duration::from_secs(120),
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(15),
        }
    }
}

impl InProgressPolicy {
    /// The wait before repeat number `wait` (1-based).
    pub(crate) fn backoff(&self, wait: u32) -> Duration {
        let policy = RetryPolicy {
            initial_backoff: self.initial_backoff,
            max_backoff: self.max_backoff,
            ..RetryPolicy::default()
        };
        policy.backoff(wait)
    }
}

/// What a status says about trying again: a 429 always (the server did not act on it), a
/// gateway failure only for an idempotent request (the server may have acted on it). A keyed
/// call's `409 request_in_progress` is not a retry: it is waited out on its own budget
/// ([`InProgressPolicy`]); any other 409 is final.
pub(crate) fn status_verdict(
    policy: &RetryPolicy,
    status: StatusCode,
    headers: &HeaderMap,
    idempotent: bool,
    attempt: u32,
) -> StatusVerdict {
    let retryable = match status {
        // The server refused before acting on it: always safe to send again.
        StatusCode::TOO_MANY_REQUESTS => true,
        // The gateway failed; whether the request was acted on is unknown.
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => idempotent,
        _ => false,
    };
    if !retryable {
        return StatusVerdict::Final;
    }
    match retry_after(headers) {
        Some(wait) if wait > policy.max_retry_after => StatusVerdict::TooLong,
        Some(wait) => StatusVerdict::RetryAfter(wait),
        None => StatusVerdict::RetryAfter(policy.backoff(attempt)),
    }
}

/// Whether a transport failure may be retried, and after how long.
pub(crate) fn error_delay(
    policy: &RetryPolicy,
    error: &reqwest::Error,
    idempotent: bool,
    attempt: u32,
) -> Option<Duration> {
    if error.is_connect() || idempotent {
        // No connection means nothing was sent; anything else was sent, then lost, and only a
        // request that may be repeated is.
        Some(policy.backoff(attempt))
    } else {
        None
    }
}

/// Whether a transport failure means the request may have reached the server.
pub(crate) fn may_have_arrived(error: &reqwest::Error) -> bool {
    !error.is_connect()
}

impl RetryPolicy {
    /// Exponential backoff for retry number `attempt` (1-based), with jitter over its upper half.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self.initial_backoff.saturating_mul(1 << attempt.saturating_sub(1).min(16));
        let ceiling = exponential.min(self.max_backoff);
        ceiling / 2 + (ceiling / 2).mul_f64(fastrand::f64())
    }
}

/// `Retry-After` as a delay: seconds, or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_the_cap_and_saturates() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        for attempt in 1..=40 {
            let wait = policy.backoff(attempt);
            assert!(wait <= policy.max_backoff, "attempt {attempt}: {wait:?}");
        }
        assert!(policy.backoff(u32::MAX) <= policy.max_backoff, "no overflow on absurd attempts");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn a_gateway_failure_is_retried_only_when_idempotent() {
        let policy = RetryPolicy::default();
        let headers = HeaderMap::new();
        let verdict = |status, idempotent| status_verdict(&policy, status, &headers, idempotent, 1);
        assert!(matches!(verdict(StatusCode::BAD_GATEWAY, true), StatusVerdict::RetryAfter(_)));
        assert!(matches!(verdict(StatusCode::BAD_GATEWAY, false), StatusVerdict::Final));
        assert!(matches!(verdict(StatusCode::TOO_MANY_REQUESTS, false), StatusVerdict::RetryAfter(_)));
        assert!(matches!(verdict(StatusCode::BAD_REQUEST, true), StatusVerdict::Final));
    }
}
