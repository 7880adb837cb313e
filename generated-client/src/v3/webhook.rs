//! v3 webhook deliveries: verify one, parse it into [`types::WebhookDelivery`], drop repeats by
//! event id, and catch up on missed events from HeyGen's event log. Independent of any web
//! framework: give it the request's headers, its raw body and the endpoint's secret
//! (`create_webhook_endpoint` or `rotate_webhook_endpoint_secret` shows it once).
//!
//! # The signature scheme, and what HeyGen does not say
//!
//! HeyGen's v3 pages say that deliveries are signed with HMAC under the endpoint's `whsec_...`
//! secret, but the part of the guide that gives the header names, the signed string and a
//! timestamp tolerance could not be read (docs/v3-webhooks-facts.md, section 2). Where the pages
//! are silent this module follows the scheme of the legacy module [`crate::webhook`], which
//! code verifying real v3 deliveries agrees with:
//!
//! - HMAC-SHA256 of the raw body bytes, keyed by the whole secret as UTF-8 (prefix included),
//!   sent as lower-case hex in `Heygen-Signature` (v3) or `Signature` (legacy); every such
//!   header present is tried, so both schemes are accepted;
//! - `Heygen-Timestamp` (Unix seconds), where sent, must be within a tolerance of now (default
//!   5 minutes). Nothing shows that the timestamp is signed, so a replayer could send a fresh
//!   one: the replay defence that holds is dropping repeated event ids ([`SeenEvents`]);
//! - the event id is the body's `event_id` (signed), else the `Heygen-Event-Id` header.
//!
//! Rotating a secret invalidates the old one at once on HeyGen's side, but deliveries already
//! in flight or being retried were signed with it: give [`Verifier::new`] both secrets for a
//! while.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use futures_core::Stream;
use futures_util::StreamExt;
use http::HeaderMap;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::params::ListWebhookEventsParams;
use super::{Client, types};
pub use crate::webhook::{DEFAULT_TOLERANCE, SIGNATURE_HEADERS, TIMESTAMP_HEADER, WebhookError};

/// The header that may carry the event's id when the body does not.
pub const EVENT_ID_HEADER: &str = "heygen-event-id";

/// A v3 delivery whose signature checked out (or an event read from the log).
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The event, typed; [`types::WebhookDelivery::Unknown`] (the body as JSON) for an event type
    /// this version does not list.
    pub event: types::WebhookDelivery,
    /// The `event_type` as sent, also for unknown types.
    pub event_type: String,
    /// The event's id: the body's `event_id`, else the `Heygen-Event-Id` header (which, unlike
    /// the body, is not known to be signed). `None` when neither is sent: such a delivery cannot
    /// be told apart from its repeats.
    pub event_id: Option<String>,
    /// When HeyGen created the event (an ISO 8601 string), where sent.
    pub created_at: Option<String>,
    /// `event_data` exactly as sent, with any field the typed event does not know
    /// (`Value::Null` when absent).
    pub event_data: Value,
}

impl Delivery {
    /// An event from HeyGen's event log (`list_webhook_events`) as the delivery it stands for,
    /// so that one handler serves live deliveries and caught-up events alike.
    pub fn from_event(event: types::WebhookEvent) -> Result<Self, WebhookError> {
        let body = serde_json::json!({
            "event_type": event.event_type.0,
            "event_data": event.event_data,
            "event_id": event.event_id,
            "created_at": event.created_at,
        });
        from_value(body, None)
    }
}

/// Checks v3 deliveries against one or more secrets (several while a secret is being rotated).
#[derive(Clone, Debug)]
pub struct Verifier(crate::webhook::Verifier);

impl Verifier {
    /// A verifier for `secrets`; fails with [`WebhookError::EmptySecret`] when there is none or
    /// one is empty or blank.
    pub fn new<S: AsRef<str>>(secrets: impl IntoIterator<Item = S>) -> Result<Self, WebhookError> {
        crate::webhook::Verifier::new(secrets).map(Self)
    }

    /// How far `Heygen-Timestamp` may be from now (default [`DEFAULT_TOLERANCE`]); checked only
    /// where the header is sent.
    pub fn tolerance(self, tolerance: Duration) -> Self {
        Self(self.0.tolerance(tolerance))
    }

    /// Verifies a delivery (a signature header matches the body under some secret, and its
    /// timestamp, if any, is within the tolerance), then parses it.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, WebhookError> {
        self.0.authenticate(headers, body)?;
        let header_id = headers.get(EVENT_ID_HEADER).and_then(|v| v.to_str().ok()).map(str::trim);
        from_value(serde_json::from_slice(body)?, header_id.filter(|id| !id.is_empty()))
    }

    /// [`Verifier::verify`], then records the event id in `seen`: `Ok(None)` for an event already
    /// recorded (answer it with a 2xx so HeyGen stops sending it, and do nothing else). Only
    /// verified deliveries are recorded, so forged ones cannot fill the store. A delivery without
    /// an event id is always returned. If handling a returned delivery fails, call
    /// [`SeenEvents::forget`] before answering with an error, or HeyGen's retry is dropped too.
    pub async fn verify_once<S: SeenEvents>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        seen: &S,
    ) -> Result<Option<Delivery>, WebhookError> {
        let delivery = self.verify(headers, body)?;
        first_time(seen, delivery).await
    }
}

/// Verifies a v3 delivery under one `secret`, then parses it: [`Verifier`] with one secret.
pub fn verify(headers: &HeaderMap, body: &[u8], secret: &str) -> Result<Delivery, WebhookError> {
    Verifier::new([secret])?.verify(headers, body)
}

/// The signature HeyGen puts on a delivery of `body` to an endpoint whose secret is `secret`
/// (lower-case hex HMAC-SHA256 of the raw bytes, keyed by the whole secret), as sent in
/// `Heygen-Signature`: what [`Verifier`] accepts. For fakes of HeyGen and tests of a webhook
/// handler; a service receiving deliveries only verifies.
pub fn sign(body: &[u8], secret: &str) -> String {
    use hmac::{KeyInit, Mac};
    // HMAC takes a key of any length, so this never fails.
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Parses a v3 delivery body without checking its signature (for bodies verified elsewhere).
pub fn parse(body: &[u8]) -> Result<Delivery, WebhookError> {
    from_value(serde_json::from_slice(body)?, None)
}

fn from_value(body: Value, header_id: Option<&str>) -> Result<Delivery, WebhookError> {
    let text = |key: &str| match body.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let Some(event_type) = body.get("event_type").and_then(Value::as_str).map(str::to_owned) else {
        return Err(WebhookError::Malformed(serde::de::Error::missing_field("event_type")));
    };
    let event_id = text("event_id").or_else(|| header_id.map(str::to_owned));
    let created_at = text("created_at");
    let event_data = body.get("event_data").cloned().unwrap_or(Value::Null);
    let event = serde_json::from_value(body)?;
    Ok(Delivery { event, event_type, event_id, created_at, event_data })
}

async fn first_time<S: SeenEvents>(seen: &S, delivery: Delivery) -> Result<Option<Delivery>, WebhookError> {
    let Some(id) = &delivery.event_id else { return Ok(Some(delivery)) };
    match seen.record(id).await {
        Ok(true) => Ok(Some(delivery)),
        Ok(false) => Ok(None),
        Err(e) => Err(WebhookError::Store(e.into())),
    }
}

/// Where a service remembers the events it has handled, to drop HeyGen's repeated deliveries
/// (HeyGen retries a delivery that was not answered in time, and catching up reads events that
/// may have arrived too). [`RecentEvents`] keeps them in memory, which serves one process; a
/// service with several instances, or one that must remember across restarts, needs a shared
/// store whose "insert if absent" is atomic, such as Redis `SET key 1 NX EX <seconds>` or a
/// unique index in its database, behind this trait.
pub trait SeenEvents: Sync {
    /// Why the store failed.
    type Error: Into<Box<dyn std::error::Error + Send + Sync>>;

    /// Records `event_id`: `true` if it was not recorded before (handle the event), `false` if
    /// it was (a repeat). Must be atomic: two deliveries of one event racing each other must
    /// not both get `true`.
    fn record(&self, event_id: &str) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// Forgets `event_id`, so that its next delivery is handled: for a handler that failed.
    fn forget(&self, event_id: &str) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// The event ids seen within a time window, at most `capacity` of them: a bounded in-memory
/// [`SeenEvents`] for one process. Ids are kept as SHA-256 digests (32 bytes each, whatever
/// their length), so memory stays below about `capacity` × 100 bytes. The oldest id is dropped
/// when the set is full, and every id once it is older than the window; a repeat arriving after
/// that is handled again, so choose a window longer than HeyGen keeps retrying (HeyGen does not
/// document its schedule; the default is 24 hours).
#[derive(Debug)]
pub struct RecentEvents {
    capacity: usize,
    window: Duration,
    state: Mutex<Recent>,
}

#[derive(Debug, Default)]
struct Recent {
    /// When each id was recorded.
    at: HashMap<[u8; 32], Instant>,
    /// The ids in the order they were recorded, oldest first.
    order: VecDeque<([u8; 32], Instant)>,
}

impl Recent {
    /// Drops the oldest entries while `drop(entries, recorded_at)` holds for the oldest one.
    fn drop_oldest_while(&mut self, drop: impl Fn(usize, Instant) -> bool) {
        while let Some(&(oldest, at)) = self.order.front() {
            if !drop(self.order.len(), at) {
                break;
            }
            self.order.pop_front();
            // The id may have been forgotten and recorded again since; only this entry goes.
            if self.at.get(&oldest) == Some(&at) {
                self.at.remove(&oldest);
            }
        }
    }
}

impl Default for RecentEvents {
    /// 10,000 ids for 24 hours.
    fn default() -> Self {
        Self::new(10_000, Duration::from_secs(24 * 60 * 60))
    }
}

impl RecentEvents {
    /// At most `capacity` ids (at least one), each for `window`.
    pub fn new(capacity: usize, window: Duration) -> Self {
        Self { capacity: capacity.max(1), window, state: Mutex::default() }
    }

    /// Records `event_id`: `true` the first time within the window, `false` for a repeat.
    pub fn first_time(&self, event_id: &str) -> bool {
        let key: [u8; 32] = Sha256::digest(event_id.as_bytes()).into();
        let now = Instant::now();
        let mut recent = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Expired ids go first, so that a repeat within the window is caught even when full.
        recent.drop_oldest_while(|_, at| now.saturating_duration_since(at) >= self.window);
        if recent.at.contains_key(&key) {
            return false;
        }
        recent.drop_oldest_while(|len, _| len >= self.capacity);
        recent.at.insert(key, now);
        recent.order.push_back((key, now));
        true
    }

    /// Forgets `event_id`, so that its next delivery counts as the first.
    pub fn forget(&self, event_id: &str) {
        let key: [u8; 32] = Sha256::digest(event_id.as_bytes()).into();
        let mut recent = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        recent.at.remove(&key);
    }

    /// How many ids are remembered now (expired ones are dropped at the next record).
    pub fn len(&self) -> usize {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).at.len()
    }

    /// Whether no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SeenEvents for RecentEvents {
    type Error = std::convert::Infallible;

    fn record(&self, event_id: &str) -> impl Future<Output = Result<bool, Self::Error>> + Send {
        std::future::ready(Ok(self.first_time(event_id)))
    }

    fn forget(&self, event_id: &str) -> impl Future<Output = Result<(), Self::Error>> + Send {
        RecentEvents::forget(self, event_id);
        std::future::ready(Ok(()))
    }
}

/// Why catching up stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatchUpError {
    /// Reading the event log failed.
    #[error(transparent)]
    Api(#[from] crate::Error),
    /// An event of the log could not be parsed, or the store of seen events failed.
    #[error(transparent)]
    Webhook(#[from] WebhookError),
}

/// The events of HeyGen's event log that `seen` has not recorded (and are recorded now), as
/// [`Delivery`] values: for a service that was down, to handle what it missed with the same
/// code and the same store as live deliveries. Pages are read lazily, every event type unless
/// `event_type` is given. With `since`, events created before it are skipped; an event whose
/// `created_at` is not an RFC 3339 UTC time (`2026-03-25T12:00:00Z`) is kept, never dropped
/// unseen. HeyGen does not document the log's order or how long it keeps events, so the whole
/// log is read.
///
/// Remember that an in-memory [`RecentEvents`] starts empty after a restart: give `since` (the
/// time of the last event handled, kept somewhere durable) or a durable [`SeenEvents`].
pub fn catch_up<'a, S: SeenEvents>(
    client: &'a Client,
    event_type: Option<&'a types::WebhookEventType>,
    since: Option<SystemTime>,
    seen: &'a S,
) -> impl Stream<Item = Result<Delivery, CatchUpError>> + Unpin + 'a {
    let params = ListWebhookEventsParams { event_type, limit: Some(100), ..Default::default() };
    let log = client.list_webhook_events_stream(params);
    Box::pin(
        log.filter(move |event| {
            let before = match (event, since) {
                (Ok(event), Some(since)) => {
                    humantime::parse_rfc3339_weak(&event.created_at).is_ok_and(|created| created < since)
                }
                _ => false,
            };
            std::future::ready(!before)
        })
        .then(move |event| async move {
            let delivery = Delivery::from_event(event?)?;
            Ok(first_time(seen, delivery).await?)
        })
        .filter_map(|step: Result<Option<Delivery>, CatchUpError>| std::future::ready(step.transpose())),
    )
}
