//! HeyGen's error replies: `{"error": {"code", "message", "param", "doc_url"}}` with the status
//! HeyGen gives each code (the v3 fact sheet: 400 `invalid_parameter`, 401 `unauthorized`, 404
//! `not_found`, 409 `request_in_progress`, 413 `payload_too_large`, 429 `rate_limit_exceeded`,
//! 5xx), built from the client's own error type.
// Required reply fields are written `value.into()` so a field the client makes optional
// later takes the same expression (see `replies`).
#![allow(clippy::useless_conversion)]

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::api::types;

/// An error reply as HeyGen sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiFailure {
    /// The HTTP status.
    pub status: u16,
    /// The machine-readable code, such as `invalid_parameter`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The request field at fault, for validation errors.
    pub param: Option<String>,
    /// Sent as `Retry-After` (whole seconds, rounded up).
    pub retry_after: Option<Duration>,
}

impl ApiFailure {
    /// A failure with `status`, `code` and `message`.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { status, code: code.into(), message: message.into(), param: None, retry_after: None }
    }

    /// 400 `invalid_parameter` about `param`.
    pub fn invalid(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self { param: Some(param.into()), ..Self::new(400, "invalid_parameter", message) }
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(404, "not_found", format!("no {what} with id `{id}`"))
    }

    /// 429 `rate_limit_exceeded` with `Retry-After`.
    pub fn rate_limited(retry_after: Duration) -> Self {
        let message = "too many concurrent requests; retry after the time in Retry-After";
        Self { retry_after: Some(retry_after), ..Self::new(429, "rate_limit_exceeded", message) }
    }

    /// The body, as the client's type.
    pub fn body(&self) -> types::ErrorBody {
        types::ErrorBody {
            error: types::ApiErrorDetail {
                code: self.code.clone().into(),
                message: self.message.clone().into(),
                param: self.param.clone(),
                doc_url: Some(format!("https://developers.heygen.com/docs/error-codes#{}", self.code)),
            },
        }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = crate::routes::json(status, &self.body());
        if let Some(wait) = self.retry_after {
            let secs = wait.as_secs().saturating_add(u64::from(wait.subsec_nanos() > 0));
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
