//! Verifying and parsing webhook deliveries, independent of any web framework: give it the
//! request's headers, its raw body and the endpoint's secret.
//!
//! HeyGen signs each delivery with HMAC-SHA256 over the exact body bytes, keyed by the
//! endpoint's `secret` (from `create_webhook_endpoint` or `list_webhook_endpoints`), and sends
//! the lower-case hex digest in the `Signature` header (`Heygen-Signature` in HeyGen's newer
//! documentation; both are read, and every one present is tried). [`Verifier`] takes several
//! secrets, for the time a secret is being rotated, and checks `Heygen-Timestamp` where sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{KeyInit, Mac};
use http::HeaderMap;
use serde_json::Value;
use sha2::Sha256;

use crate::types;

/// Headers that may carry the signature. Every one present is tried, so a stray header (a
/// proxy's own `Signature`) does not hide a valid one.
pub const SIGNATURE_HEADERS: [&str; 2] = ["signature", "heygen-signature"];
/// The header with the delivery's time (Unix seconds), which HeyGen's newer deliveries carry.
pub const TIMESTAMP_HEADER: &str = "heygen-timestamp";
/// How far a delivery's timestamp may be from now unless [`Verifier::tolerance`] says otherwise.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

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

/// Why a delivery was rejected. Holds neither the secret nor the expected signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// None of the headers HeyGen signs deliveries with is present.
    #[error("the delivery has no signature header (expected one of {SIGNATURE_HEADERS:?})")]
    MissingSignature,
    /// No signature header matches the body under any of the secrets.
    #[error("the signature does not match the body: wrong secret, or the body was changed")]
    InvalidSignature,
    /// The signature checked out, but the body is not a webhook event as the spec describes it.
    #[error("the signed body is not a webhook event: {0}")]
    Malformed(#[from] serde_json::Error),
    /// A verifier needs at least one secret, and no secret may be empty: with an empty key,
    /// anyone can sign.
    #[error("an empty webhook secret verifies nothing: give the endpoint's secret")]
    EmptySecret,
    /// The delivery's timestamp header is not a Unix time, or is further from now than the
    /// tolerance: an old delivery replayed, or a clock far off.
    #[error("the delivery's timestamp is missing a valid value or is outside the tolerance of {tolerance:?}")]
    StaleTimestamp {
        /// The tolerance the timestamp was checked against.
        tolerance: Duration,
    },
    /// The caller's store of handled event ids ([`crate::v3::webhook::SeenEvents`]) failed, so
    /// whether the delivery is a repeat is unknown: answer with an error and HeyGen sends it again.
    #[error("the store of handled webhook events failed: {0}")]
    Store(Box<dyn std::error::Error + Send + Sync>),
}

/// Checks deliveries against one or more secrets: several during a secret rotation, when
/// deliveries signed with the old secret and with the new one both arrive.
#[derive(Clone)]
pub struct Verifier {
    secrets: Vec<Vec<u8>>,
    tolerance: Duration,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &format_args!("<{} redacted>", self.secrets.len()))
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Verifier {
    /// A verifier for `secrets`; fails with [`WebhookError::EmptySecret`] when there is none or
    /// one is empty or blank.
    pub fn new<S: AsRef<str>>(secrets: impl IntoIterator<Item = S>) -> Result<Self, WebhookError> {
        let secrets: Vec<Vec<u8>> = secrets.into_iter().map(|s| s.as_ref().as_bytes().to_vec()).collect();
        if secrets.is_empty() || secrets.iter().any(|s| s.trim_ascii().is_empty()) {
            return Err(WebhookError::EmptySecret);
        }
        Ok(Self { secrets, tolerance: DEFAULT_TOLERANCE })
    }

    /// How far the `Heygen-Timestamp` of a delivery may be from now (default
    /// [`DEFAULT_TOLERANCE`]). Checked only when the header is present: HeyGen's older
    /// deliveries have none. HeyGen does not say whether the timestamp is signed, so it bounds
    /// replays only of deliveries that keep the header.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies a delivery: some signature header present matches the body under some secret,
    /// and its timestamp, if any, is within the tolerance. Then parses it.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, WebhookError> {
        self.authenticate(headers, body)?;
        parse(body)
    }

    /// The checks of [`Verifier::verify`] without parsing the body: for a body parsed as
    /// something else, such as a v3 delivery ([`crate::v3::webhook`] builds on this).
    pub fn authenticate(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        let mut signatures = SIGNATURE_HEADERS
            .iter()
            .flat_map(|name| headers.get_all(*name))
            .filter_map(|value| value.to_str().ok())
            .peekable();
        if signatures.peek().is_none() {
            return Err(WebhookError::MissingSignature);
        }
        let matched = signatures.any(|signature| {
            let Ok(signature) = hex::decode(signature.trim()) else { return false };
            self.secrets.iter().any(|secret| signed_by(&signature, body, secret))
        });
        if !matched {
            return Err(WebhookError::InvalidSignature);
        }
        self.check_timestamp(headers)
    }

    fn check_timestamp(&self, headers: &HeaderMap) -> Result<(), WebhookError> {
        let Some(value) = headers.get(TIMESTAMP_HEADER) else { return Ok(()) };
        let stale = WebhookError::StaleTimestamp { tolerance: self.tolerance };
        let sent = value.to_str().ok().and_then(|v| v.trim().parse::<u64>().ok()).ok_or(stale)?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
        if now.abs_diff(sent) > self.tolerance.as_secs() {
            return Err(WebhookError::StaleTimestamp { tolerance: self.tolerance });
        }
        Ok(())
    }
}

/// Verifies a delivery's signature under `secret`, then parses it: [`Verifier`] with one secret.
pub fn verify(headers: &HeaderMap, body: &[u8], secret: &str) -> Result<Delivery, WebhookError> {
    Verifier::new([secret])?.verify(headers, body)
}

/// Checks a hex HMAC-SHA256 `signature` of `body` under `secret`, in constant time.
pub fn verify_signature(signature: &str, body: &[u8], secret: &str) -> Result<(), WebhookError> {
    if secret.trim().is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    let signature = hex::decode(signature.trim()).map_err(|_| WebhookError::InvalidSignature)?;
    if signed_by(&signature, body, secret.as_bytes()) { Ok(()) } else { Err(WebhookError::InvalidSignature) }
}

fn signed_by(signature: &[u8], body: &[u8], secret: &[u8]) -> bool {
    match Hmac::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            mac.verify_slice(signature).is_ok()
        }
        Err(_) => false,
    }
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
