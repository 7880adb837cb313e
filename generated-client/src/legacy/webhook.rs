//! Verifying and parsing the legacy API's webhook deliveries (v3's are in
//! [`crate::webhook`]): HMAC-SHA256 of the body under the endpoint's secret, in the `Signature`
//! (or `Heygen-Signature`) header, checked against every secret given and the
//! `Heygen-Timestamp` where sent. The signature checks are the shared ones (`webhook_base.rs`);
//! what is legacy is the typed event a delivery parses into.

use http::HeaderMap;
use serde_json::Value;

use super::types;
pub use crate::webhook_base::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE, MAX_SIGNATURE_HEADERS, SIGNATURE_HEADERS, TIMESTAMP_HEADER, Verifier,
    WebhookError, verify_signature,
};

/// A delivery whose signature checked out.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The event, typed; [`types::WebhookEvent::Unknown`] (with the body as JSON) for an event
    /// type this client does not model yet.
    pub event: types::WebhookEvent,
    /// The `event_type` as sent (`avatar_video.success`, ...), also for unknown types.
    pub event_type: String,
    /// The delivery's id, for ignoring repeated deliveries.
    pub event_id: Option<String>,
    /// The event's details exactly as sent.
    pub event_data: Option<Value>,
}

impl Verifier {
    /// Verifies a delivery: some signature header present matches the body under some secret,
    /// and its timestamp, if any, is within the tolerance. Then parses it.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, WebhookError> {
        self.authenticate(headers, body)?;
        parse(body)
    }
}

/// Verifies a delivery's signature under `secret`, then parses it: [`Verifier`] with one secret.
pub fn verify(headers: &HeaderMap, body: &[u8], secret: &str) -> Result<Delivery, WebhookError> {
    Verifier::new([secret])?.verify(headers, body)
}

/// Parses a delivery body without checking its signature (for bodies verified elsewhere). A
/// known event type whose data does not fit its type is kept as
/// [`types::WebhookEvent::Unknown`] with the body as sent, rather than refused: refusing makes
/// HeyGen send it again and again.
pub fn parse(body: &[u8]) -> Result<Delivery, WebhookError> {
    let envelope: types::GenericWebhookEvent = serde_json::from_slice(body)?;
    let event = serde_json::from_slice(body).or_else(|error| {
        tracing::warn!(%error, event_type = %envelope.event_type, "a webhook event does not fit its type; kept as unknown");
        serde_json::from_slice(body).map(types::WebhookEvent::Unknown)
    })?;
    Ok(Delivery {
        event,
        event_type: envelope.event_type,
        event_id: envelope.event_id,
        event_data: envelope.event_data,
    })
}
