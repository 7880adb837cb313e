//! Verifying and parsing webhook deliveries, independent of any web framework: give it the
//! request's headers, its raw body and the endpoint's secret.
//!
//! HeyGen signs each delivery with HMAC-SHA256 over the exact body bytes, keyed by the
//! endpoint's `secret` (from `create_webhook_endpoint` or `list_webhook_endpoints`), and sends
//! the lower-case hex digest in the `Signature` header (`Heygen-Signature` in HeyGen's newer
//! documentation; both are read).

use hmac::{KeyInit, Mac};
use http::HeaderMap;
use serde_json::Value;
use sha2::Sha256;

use crate::types;

/// Headers that may carry the signature, in order of preference.
pub const SIGNATURE_HEADERS: [&str; 2] = ["signature", "heygen-signature"];

/// A delivery whose signature checked out.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The event, typed; [`types::WebhookEvent::Unknown`] (with the body as JSON) for an event
    /// type this client does not model yet.
    pub event: types::WebhookEvent,
    pub event_type: String,
    /// The delivery's id, for ignoring repeated deliveries.
    pub event_id: Option<String>,
    /// The event's details exactly as sent.
    pub event_data: Option<Value>,
}

/// Why a delivery was rejected. Holds neither the secret nor the expected signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    #[error("the delivery has no signature header (expected one of {SIGNATURE_HEADERS:?})")]
    MissingSignature,
    #[error("the signature does not match the body: wrong secret, or the body was changed")]
    InvalidSignature,
    #[error("the signed body is not a webhook event: {0}")]
    Malformed(#[from] serde_json::Error),
}

/// Verifies a delivery's signature, then parses it.
pub fn verify(headers: &HeaderMap, body: &[u8], secret: &str) -> Result<Delivery, WebhookError> {
    let signature = SIGNATURE_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .ok_or(WebhookError::MissingSignature)?;
    verify_signature(signature, body, secret)?;
    parse(body)
}

/// Checks a hex HMAC-SHA256 `signature` of `body` under `secret`, in constant time.
pub fn verify_signature(signature: &str, body: &[u8], secret: &str) -> Result<(), WebhookError> {
    let signature = hex::decode(signature.trim()).map_err(|_| WebhookError::InvalidSignature)?;
    let mut mac = Hmac::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&signature).map_err(|_| WebhookError::InvalidSignature)
}

type Hmac = hmac::Hmac<Sha256>;

/// Parses a delivery body without checking its signature (for bodies verified elsewhere).
pub fn parse(body: &[u8]) -> Result<Delivery, WebhookError> {
    let envelope: types::GenericWebhookEvent = serde_json::from_slice(body)?;
    let event = serde_json::from_slice(body)?;
    Ok(Delivery {
        event,
        event_type: envelope.event_type,
        event_id: envelope.event_id,
        event_data: envelope.event_data,
    })
}
