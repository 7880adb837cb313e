//! What the runtime logs about a request: its span (one per call, retries included) and, at trace
//! level only, its bodies with secrets taken out by the logs' rule (`redact.rs`).

use reqwest::Request;
use reqwest::header::CONTENT_TYPE;
use tracing::{Level, field};

use crate::reply::MAX_KEPT_BODY;
use crate::state::ClientState;

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

/// The most body text a trace event shows; larger bodies are summarised.
const MAX_LOGGED_BODY: usize = MAX_KEPT_BODY;

pub(crate) fn trace_request(request: &Request, state: &ClientState) {
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
pub(crate) fn trace_body(what: &str, body: &[u8], content_type: Option<&str>, state: &ClientState) {
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
