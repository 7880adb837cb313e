//! Faults a test injects on chosen operations: rate limits, server errors, latency and replies
//! cut short, each for a number of requests or for good.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use http::header;

use crate::error::ApiFailure;
use crate::state::{Call, Shared};

/// What a fault does to a request it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// 429 `rate_limit_exceeded` with this `Retry-After`; the request is not carried out.
    RateLimited {
        /// The wait the reply asks for.
        retry_after: Duration,
    },
    /// This status (500, 502, 503, ...) with HeyGen's error body; the request is not carried out.
    ServerError {
        /// The status.
        status: u16,
    },
    /// The request is carried out after this long (wall time).
    Latency(Duration),
    /// The request is carried out, but the connection closes halfway through the reply's body:
    /// the caller cannot know what happened.
    CutBody,
}

/// A fault rule: what happens ([`FaultKind`]), to which operation, how many times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    operation: Option<String>,
    kind: FaultKind,
    remaining: Option<u32>,
}

impl Fault {
    /// A fault of `kind` on every operation, for good (narrow it with [`on`](Self::on) and
    /// [`times`](Self::times)).
    pub fn new(kind: FaultKind) -> Self {
        Self { operation: None, kind, remaining: None }
    }

    /// 429 `rate_limit_exceeded` with `Retry-After`.
    pub fn rate_limited(retry_after: Duration) -> Self {
        Self::new(FaultKind::RateLimited { retry_after })
    }

    /// A 5xx `status` with HeyGen's error body.
    pub fn server_error(status: u16) -> Self {
        Self::new(FaultKind::ServerError { status })
    }

    /// The reply comes after `delay`.
    pub fn latency(delay: Duration) -> Self {
        Self::new(FaultKind::Latency(delay))
    }

    /// The reply's body stops halfway and the connection closes.
    pub fn cut_body() -> Self {
        Self::new(FaultKind::CutBody)
    }

    /// Only on the operation `operation_id` (`create_video`, `get_video`, ...; the presigned
    /// upload `PUT` is `put_asset_upload`, a file download `fetch_file`).
    pub fn on(mut self, operation_id: &str) -> Self {
        self.operation = Some(operation_id.to_owned());
        self
    }

    /// Only for the next `n` requests it matches.
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n);
        self
    }

    fn matches(&self, operation: Option<&str>) -> bool {
        let operation_matches = match &self.operation {
            Some(wanted) => operation == Some(wanted.as_str()),
            None => operation.is_some(),
        };
        operation_matches && self.remaining != Some(0)
    }
}

/// The fake's middleware: records the call, checks credentials, brings jobs up to date, and
/// applies the first fault that matches.
pub(crate) async fn layer(
    State(shared): State<Arc<Shared>>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let operation = matched.and_then(|m| crate::routes::operation(request.method(), m.as_str()));
    let path = request.uri().path().to_owned();
    let key = request.headers().get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let api = path.starts_with("/v3/");
    shared.lock().calls.push(Call { operation, method: request.method().to_string(), path, idempotency_key: key });
    // A refused request uses up no fault.
    if api && let Err(failure) = authenticate(&shared, request.headers()) {
        return failure.into_response();
    }
    let fault = {
        let mut state = shared.lock();
        let fault = state.faults.iter_mut().find(|fault| fault.matches(operation)).map(|fault| {
            if let Some(remaining) = &mut fault.remaining {
                *remaining -= 1;
            }
            fault.kind.clone()
        });
        state.faults.retain(|fault| fault.remaining != Some(0));
        fault
    };
    shared.tick();
    match fault {
        None => next.run(request).await,
        Some(FaultKind::RateLimited { retry_after }) => ApiFailure::rate_limited(retry_after).into_response(),
        Some(FaultKind::ServerError { status }) => {
            ApiFailure::new(status, "internal_error", "a fault the test injected").into_response()
        }
        Some(FaultKind::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(FaultKind::CutBody) => cut(next.run(request).await).await,
    }
}

/// HeyGen takes `X-Api-Key` or `Authorization: Bearer`; the fake takes any non-empty one, or
/// only the key it was given.
fn authenticate(shared: &Shared, headers: &http::HeaderMap) -> Result<(), ApiFailure> {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let given = key.or(bearer).map(str::trim).filter(|k| !k.is_empty());
    let accepted = match (&shared.config.api_key, given) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(wanted), Some(given)) => wanted == given,
    };
    if accepted { Ok(()) } else { Err(ApiFailure::new(401, "unauthorized", "no valid API key or token was given")) }
}

/// `response` with its body stopped halfway: the declared length stays whole, so the caller
/// sees the connection close early.
pub(crate) async fn cut(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    parts.headers.insert(header::CONTENT_LENGTH, bytes.len().into());
    let half = bytes.slice(..bytes.len() / 2);
    let first = futures_util::stream::once(async move { Ok::<_, std::io::Error>(half) });
    // The pause lets the head and the first half go out before the connection is dropped.
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "cut by a fault"))
    });
    Response::from_parts(parts, Body::from_stream(first.chain(cut)))
}
