//! Verifying webhook deliveries' signatures, independent of any web framework and of either API's
//! event types: give it the request's headers, its raw body and the endpoint's secret. The v3
//! (`v3/webhook.rs`) and legacy (`legacy/webhook.rs`) modules parse what it verified.
//!
//! HeyGen signs each delivery with HMAC-SHA256 over the exact body bytes, keyed by the
//! endpoint's `secret` (from `create_webhook_endpoint` or `list_webhook_endpoints`), and sends
//! the lower-case hex digest in the `Signature` header (`Heygen-Signature` in HeyGen's newer
//! documentation; both are read, and every one present is tried). [`Verifier`] takes several
//! secrets, for the time a secret is being rotated, and checks `Heygen-Timestamp` where sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{KeyInit, Mac};
use http::HeaderMap;
use sha2::Sha256;

/// Headers that may carry the signature. Every one present is tried, so a stray header (a
/// proxy's own `Signature`) does not hide a valid one.
pub const SIGNATURE_HEADERS: [&str; 2] = ["signature", "heygen-signature"];
/// The header with the delivery's time (Unix seconds), which HeyGen's newer deliveries carry.
pub const TIMESTAMP_HEADER: &str = "heygen-timestamp";
/// How far a delivery's timestamp may be from now unless [`Verifier::tolerance`] says otherwise.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);
/// The most signature headers a delivery may carry. HeyGen sends one; a few leave room for a
/// proxy's own. More is refused before any HMAC is computed, so that junk headers cannot
/// multiply the work.
pub const MAX_SIGNATURE_HEADERS: usize = 8;
/// The largest body verified unless [`Verifier::max_body_bytes`] says otherwise. HeyGen's
/// deliveries are small JSON documents; a larger body is refused before it is hashed.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

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
    /// The caller's store of handled event ids ([`crate::webhook::SeenEvents`]) failed, so
    /// whether the delivery is a repeat is unknown: answer with an error and HeyGen sends it again.
    #[error("the store of handled webhook events failed: {0}")]
    Store(Box<dyn std::error::Error + Send + Sync>),
    /// The delivery carries more signature headers than [`MAX_SIGNATURE_HEADERS`]; refused
    /// before any signature was computed.
    #[error("the delivery carries {count} signature headers, more than the {MAX_SIGNATURE_HEADERS} accepted")]
    TooManySignatures {
        /// How many it carried.
        count: usize,
    },
    /// The body is larger than [`Verifier::max_body_bytes`]; refused before it was hashed.
    #[error("the delivery's body has {size} bytes, more than the limit of {limit}")]
    BodyTooLarge {
        /// The body's size.
        size: usize,
        /// The limit it passed.
        limit: usize,
    },
    /// Another delivery of the same event is being handled right now
    /// ([`crate::webhook::Verifier::handle_once`]): answer with an error status (such as
    /// 409 or 503) so that HeyGen sends it again later; it is not acknowledged as handled.
    #[error("the event is being handled by an earlier delivery; answer with an error so that it is sent again")]
    InProgress,
}

/// Checks deliveries against one or more secrets: several during a secret rotation, when
/// deliveries signed with the old secret and with the new one both arrive.
#[derive(Clone)]
pub struct Verifier {
    secrets: Vec<Vec<u8>>,
    tolerance: Duration,
    max_body_bytes: usize,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &format_args!("<{} redacted>", self.secrets.len()))
            .field("tolerance", &self.tolerance)
            .field("max_body_bytes", &self.max_body_bytes)
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
        Ok(Self { secrets, tolerance: DEFAULT_TOLERANCE, max_body_bytes: DEFAULT_MAX_BODY_BYTES })
    }

    /// The largest body verified (default [`DEFAULT_MAX_BODY_BYTES`]); a larger one is
    /// [`WebhookError::BodyTooLarge`] before it is hashed.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// How far the `Heygen-Timestamp` of a delivery may be from now (default
    /// [`DEFAULT_TOLERANCE`]). Checked only when the header is present: HeyGen's older
    /// deliveries have none. HeyGen does not say whether the timestamp is signed, so it bounds
    /// replays only of deliveries that keep the header.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The checks of the legacy `Verifier::verify` (in `legacy/webhook.rs`) without parsing the
    /// body: for a body parsed as something else, such as a v3 delivery ([`crate::webhook`]
    /// builds on this).
    ///
    /// Cheap checks come first (body size, number of signature headers, timestamp, signatures
    /// that are not 32 bytes of hex), so a junk delivery costs no HMAC; then one HMAC per
    /// secret, compared in constant time with every signature sent.
    pub fn authenticate(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        if body.len() > self.max_body_bytes {
            return Err(WebhookError::BodyTooLarge { size: body.len(), limit: self.max_body_bytes });
        }
        let count = SIGNATURE_HEADERS.iter().map(|name| headers.get_all(*name).iter().count()).sum();
        if count == 0 {
            return Err(WebhookError::MissingSignature);
        }
        if count > MAX_SIGNATURE_HEADERS {
            return Err(WebhookError::TooManySignatures { count });
        }
        self.check_timestamp(headers)?;
        let signatures: Vec<Tag> = SIGNATURE_HEADERS
            .iter()
            .flat_map(|name| headers.get_all(*name))
            .filter_map(|value| value.to_str().ok())
            .filter_map(parse_tag)
            .collect();
        if signatures.is_empty() {
            return Err(WebhookError::InvalidSignature);
        }
        let matched = self.secrets.iter().filter_map(|secret| tag(body, secret)).any(|expected| {
            // Every comparison runs, in constant time, whichever matches.
            signatures.iter().fold(false, |found, signature| found | (*signature == expected))
        });
        if !matched {
            return Err(WebhookError::InvalidSignature);
        }
        Ok(())
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

/// Checks a hex HMAC-SHA256 `signature` of `body` under `secret`, in constant time.
#[cfg(feature = "legacy")]
pub fn verify_signature(signature: &str, body: &[u8], secret: &str) -> Result<(), WebhookError> {
    if secret.trim().is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    let signature = parse_tag(signature).ok_or(WebhookError::InvalidSignature)?;
    match tag(body, secret.as_bytes()) {
        Some(expected) if expected == signature => Ok(()),
        _ => Err(WebhookError::InvalidSignature),
    }
}

type Hmac = hmac::Hmac<Sha256>;
/// An HMAC-SHA256 tag, whose `==` runs in constant time.
type Tag = hmac::digest::CtOutput<Hmac>;

/// A signature header's value as a tag, if it is 32 bytes of hex (nothing else can match).
fn parse_tag(text: &str) -> Option<Tag> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut bytes).ok()?;
    Some(Tag::new(bytes.into()))
}

/// The HMAC-SHA256 of `body` under `secret`.
fn tag(body: &[u8], secret: &[u8]) -> Option<Tag> {
    #[cfg(all(test, feature = "legacy"))]
    tests::HMACS.with(|count| count.set(count.get() + 1));
    let mut mac = <Hmac as KeyInit>::new_from_slice(secret).ok()?;
    mac.update(body);
    Some(mac.finalize())
}

#[cfg(all(test, feature = "legacy"))]
mod tests {
    use std::cell::Cell;

    use super::*;

    thread_local! {
        /// How many HMACs this thread computed.
        pub(super) static HMACS: Cell<usize> = const { Cell::new(0) };
    }

    fn hex_tag(body: &[u8], secret: &str) -> String {
        let mut mac = <Hmac as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn one_hmac_per_secret_whatever_the_number_of_signatures() {
        let body = br#"{"event_type":"avatar_video.success","event_data":{}}"#;
        let verifier = Verifier::new(["whsec_old", "whsec_new"]).unwrap();
        let mut headers = HeaderMap::new();
        for junk in 0..MAX_SIGNATURE_HEADERS - 1 {
            headers.append("heygen-signature", format!("{junk:064x}").parse().unwrap());
        }
        headers.append("heygen-signature", hex_tag(body, "whsec_new").parse().unwrap());
        HMACS.with(|count| count.set(0));
        verifier.authenticate(&headers, body).unwrap();
        assert_eq!(HMACS.with(Cell::get), 2, "one HMAC per secret, not per (header, secret) pair");

        // Too many headers, a stale timestamp, or signatures that cannot match: no HMAC at all.
        headers.append("signature", "00".parse().unwrap());
        HMACS.with(|count| count.set(0));
        assert!(matches!(verifier.authenticate(&headers, body), Err(WebhookError::TooManySignatures { count: 9 })));
        let mut stale = HeaderMap::new();
        stale.insert("heygen-signature", hex_tag(body, "whsec_new").parse().unwrap());
        stale.insert(TIMESTAMP_HEADER, "1".parse().unwrap());
        assert!(matches!(verifier.authenticate(&stale, body), Err(WebhookError::StaleTimestamp { .. })));
        let mut not_hex = HeaderMap::new();
        not_hex.insert("heygen-signature", "zz".parse().unwrap());
        assert!(matches!(verifier.authenticate(&not_hex, body), Err(WebhookError::InvalidSignature)));
        assert_eq!(HMACS.with(Cell::get), 0);
    }
}
