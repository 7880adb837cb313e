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
//! are silent this module follows the scheme of the legacy webhook module, which
//! code verifying real v3 deliveries agrees with:
//!
//! - HMAC-SHA256 of the raw body bytes, keyed by the whole secret as UTF-8 (prefix included),
//!   sent as lower-case hex in `Heygen-Signature` (v3) or `Signature` (legacy); every such
//!   header present is tried, so both schemes are accepted;
//! - `Heygen-Timestamp` (Unix seconds), where sent, must be within a tolerance of now (default
//!   5 minutes). Nothing shows that the timestamp is signed, so a replayer could send a fresh
//!   one: the replay defence that holds is dropping repeated event ids ([`SeenEvents`]);
//! - the event id is the body's `event_id`, which the signature covers. The `Heygen-Event-Id`
//!   header is not known to be signed, so it is only reported ([`Delivery::header_event_id`]),
//!   never used to drop a delivery: a captured delivery replayed with a fresh header would pass,
//!   and a forged header could hide a real event. A delivery without a signed `event_id` is
//!   handled every time it arrives: make its handler idempotent by what the signed body says
//!   (such as the `video_id` and the event type: mark the video done in your own records, and
//!   do nothing for one already marked).
//!
//! Cheap checks run before any HMAC (body size, number of signature headers, timestamp), and
//! each secret costs one HMAC whatever the number of signature headers.
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
pub use crate::webhook_base::{DEFAULT_TOLERANCE, SIGNATURE_HEADERS, TIMESTAMP_HEADER, WebhookError};

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
    /// The event's id: the body's `event_id`, which the signature covers. `None` when the body
    /// has none: such a delivery cannot be told apart from its repeats (see the module docs).
    pub event_id: Option<String>,
    /// The `Heygen-Event-Id` header as sent. It is not known to be signed, so anyone who
    /// captured a delivery can change it: log it, never drop a delivery by it.
    pub header_event_id: Option<String>,
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
pub struct Verifier(crate::webhook_base::Verifier);

impl Verifier {
    /// A verifier for `secrets`; fails with [`WebhookError::EmptySecret`] when there is none or
    /// one is empty or blank.
    pub fn new<S: AsRef<str>>(secrets: impl IntoIterator<Item = S>) -> Result<Self, WebhookError> {
        crate::webhook_base::Verifier::new(secrets).map(Self)
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

    /// The largest body verified (default [`crate::webhook_base::DEFAULT_MAX_BODY_BYTES`]).
    pub fn max_body_bytes(self, limit: usize) -> Self {
        Self(self.0.max_body_bytes(limit))
    }

    /// [`Verifier::verify`], then `handle`s the delivery unless `seen` says its event was
    /// handled already, recording it as handled only once `handle` succeeded:
    ///
    /// - [`Handled::Done`]: `handle` ran and succeeded; answer 2xx.
    /// - [`Handled::Repeat`]: an earlier delivery of this event was handled; answer 2xx and do
    ///   nothing else.
    /// - [`HandleError::Webhook`] with [`WebhookError::InProgress`]: an earlier delivery of this
    ///   event is being handled right now; answer with an error (409 or 503) so HeyGen sends it
    ///   again later, when the first has finished or failed.
    /// - [`HandleError::Handler`]: `handle` failed; the event is released, so HeyGen's next
    ///   delivery of it is handled again. Answer with an error.
    ///
    /// Only verified deliveries touch the store, so forged ones cannot fill it. A delivery
    /// without a signed `event_id` is handled every time (see the module docs).
    pub async fn handle_once<S, F, Fut, E>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        seen: &S,
        handle: F,
    ) -> Result<Handled, HandleError<E>>
    where
        S: SeenEvents,
        F: FnOnce(Delivery) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let delivery = self.verify(headers, body).map_err(HandleError::Webhook)?;
        let Some(id) = delivery.event_id.clone() else {
            handle(delivery).await.map_err(HandleError::Handler)?;
            return Ok(Handled::Done);
        };
        match seen.claim(&id).await.map_err(store_error)? {
            Claim::Done => return Ok(Handled::Repeat),
            Claim::Running => return Err(HandleError::Webhook(WebhookError::InProgress)),
            Claim::First => {}
        }
        match handle(delivery).await {
            Ok(()) => {
                seen.complete(&id).await.map_err(store_error)?;
                Ok(Handled::Done)
            }
            Err(error) => {
                // If releasing fails too, the claim's lease runs out and a later delivery is handled.
                let _ = seen.release(&id).await;
                Err(HandleError::Handler(error))
            }
        }
    }
}

/// What [`Verifier::handle_once`] did with a delivery: either way, answer it with a 2xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Handled {
    /// The handler ran and succeeded.
    Done,
    /// The event was handled before; the handler did not run.
    Repeat,
}

/// Why [`Verifier::handle_once`] did not handle a delivery: answer it with an error status.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandleError<E> {
    /// The delivery was refused, is being handled by an earlier delivery
    /// ([`WebhookError::InProgress`]), or the store failed.
    #[error(transparent)]
    Webhook(WebhookError),
    /// The handler failed; the event was released so that its next delivery is handled.
    #[error("the webhook handler failed: {0}")]
    Handler(E),
}

fn store_error<E: Into<Box<dyn std::error::Error + Send + Sync>>, H>(error: E) -> HandleError<H> {
    HandleError::Webhook(WebhookError::Store(error.into()))
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

/// A delivery from its body. A known event type whose data does not fit its type is kept as
/// [`types::WebhookDelivery::Unknown`] with the body as sent: refusing it would make HeyGen send
/// it again for ever, and stop [`catch_up`] at it.
fn from_value(body: Value, header_id: Option<&str>) -> Result<Delivery, WebhookError> {
    let text = |key: &str| match body.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let Some(event_type) = body.get("event_type").and_then(Value::as_str).map(str::to_owned) else {
        return Err(WebhookError::Malformed(serde::de::Error::missing_field("event_type")));
    };
    let event_id = text("event_id");
    let header_event_id = header_id.map(str::to_owned);
    let created_at = text("created_at");
    let event_data = body.get("event_data").cloned().unwrap_or(Value::Null);
    let event = match serde_json::from_value(body.clone()) {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(%error, %event_type, "a webhook event does not fit its type; kept as unknown");
            types::WebhookDelivery::Unknown(body)
        }
    };
    Ok(Delivery { event, event_type, event_id, header_event_id, created_at, event_data })
}

/// Claims a delivery's event for the caller: `Ok(None)` when it was handled or is being
/// handled; a delivery without an id is always returned.
async fn claimed<S: SeenEvents>(seen: &S, delivery: Delivery) -> Result<Option<Delivery>, WebhookError> {
    let Some(id) = &delivery.event_id else { return Ok(Some(delivery)) };
    match seen.claim(id).await {
        Ok(Claim::First) => Ok(Some(delivery)),
        Ok(Claim::Done | Claim::Running) => Ok(None),
        Err(e) => Err(WebhookError::Store(e.into())),
    }
}

/// What a [`SeenEvents`] store knows of an event id when it is claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// Neither handled nor being handled: it is now claimed for the caller, who handles it and
    /// then calls [`SeenEvents::complete`] (or [`SeenEvents::release`] if handling failed).
    First,
    /// Being handled by an earlier delivery whose claim has not run out.
    Running,
    /// Handled.
    Done,
}

/// Where a service remembers the events it has handled, to drop HeyGen's repeated deliveries
/// (HeyGen retries a delivery that was not answered in time, and catching up reads events that
/// may have arrived too). An event is claimed when its handling starts and recorded as done
/// only when it succeeded: a repeat that arrives while the first is still being handled is not
/// acknowledged as done, and a failed handling leaves the event to be handled again.
/// [`RecentEvents`] keeps them in memory, which serves one process; a service with several
/// instances, or one that must remember across restarts, needs a shared store with an atomic
/// "claim if absent" and a lease, such as Redis `SET key running NX EX <lease>` then
/// `SET key done EX <window>`, behind this trait.
pub trait SeenEvents: Sync {
    /// Why the store failed.
    type Error: Into<Box<dyn std::error::Error + Send + Sync>>;

    /// Claims `event_id` for handling. Must be atomic: two deliveries of one event racing each
    /// other must not both get [`Claim::First`]. A claim should run out after a lease (a
    /// handler that crashed never releases it).
    fn claim(&self, event_id: &str) -> impl Future<Output = Result<Claim, Self::Error>> + Send;

    /// Records that `event_id` was handled: its later deliveries are repeats.
    fn complete(&self, event_id: &str) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Releases the claim on `event_id`, so that its next delivery is handled: for a handler
    /// that failed.
    fn release(&self, event_id: &str) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// The event ids handled (or being handled) within a time window, at most `capacity` of them:
/// a bounded in-memory [`SeenEvents`] for one process. Ids are kept as SHA-256 digests (32
/// bytes each, whatever their length), so memory stays below about `capacity` × 100 bytes. The
/// oldest id is dropped when the set is full, and every id once it is older than the window; a
/// repeat arriving after that is handled again, so choose a window longer than HeyGen keeps
/// retrying (HeyGen does not document its schedule; the default is 24 hours). A claim not
/// completed within the lease (default 5 minutes: a handler that hung or a process that lost
/// the task) no longer holds off the event's next delivery.
#[derive(Debug)]
pub struct RecentEvents {
    capacity: usize,
    window: Duration,
    lease: Duration,
    state: Mutex<Recent>,
}

/// One remembered id: when it was claimed, and whether its handling completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    at: Instant,
    done: bool,
}

#[derive(Debug, Default)]
struct Recent {
    /// Each id's entry.
    at: HashMap<[u8; 32], Entry>,
    /// The ids in the order they were claimed, oldest first.
    order: VecDeque<([u8; 32], Instant)>,
}

impl Recent {
    /// Drops the oldest entries while `drop(entries, claimed_at)` holds for the oldest one.
    fn drop_oldest_while(&mut self, drop: impl Fn(usize, Instant) -> bool) {
        while let Some(&(oldest, at)) = self.order.front() {
            if !drop(self.order.len(), at) {
                break;
            }
            self.order.pop_front();
            // The id may have been released and claimed again since; only this entry goes.
            if self.at.get(&oldest).map(|entry| entry.at) == Some(at) {
                self.at.remove(&oldest);
            }
        }
    }
}

impl Default for RecentEvents {
    /// 10,000 ids for 24 hours, claims held for 5 minutes.
    fn default() -> Self {
        Self::new(10_000, Duration::from_secs(24 * 60 * 60))
    }
}

fn digest(event_id: &str) -> [u8; 32] {
    Sha256::digest(event_id.as_bytes()).into()
}

impl RecentEvents {
    /// At most `capacity` ids (at least one), each for `window`; claims held for 5 minutes.
    pub fn new(capacity: usize, window: Duration) -> Self {
        Self { capacity: capacity.max(1), window, lease: Duration::from_secs(5 * 60), state: Mutex::default() }
    }

    /// How long a claim not yet completed holds off other deliveries of its event.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, Recent> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Claims `event_id` (see [`SeenEvents::claim`]).
    pub fn claim_now(&self, event_id: &str) -> Claim {
        let (key, now) = (digest(event_id), Instant::now());
        let mut recent = self.recent();
        // Expired ids go first, so that a repeat within the window is caught even when full.
        recent.drop_oldest_while(|_, at| now.saturating_duration_since(at) >= self.window);
        match recent.at.get(&key) {
            Some(entry) if entry.done => return Claim::Done,
            Some(entry) if now.saturating_duration_since(entry.at) < self.lease => return Claim::Running,
            _ => {}
        }
        recent.drop_oldest_while(|len, _| len >= self.capacity);
        recent.at.insert(key, Entry { at: now, done: false });
        recent.order.push_back((key, now));
        Claim::First
    }

    /// Records `event_id` as handled (see [`SeenEvents::complete`]).
    pub fn complete_now(&self, event_id: &str) {
        let key = digest(event_id);
        let mut recent = self.recent();
        match recent.at.get_mut(&key) {
            Some(entry) => entry.done = true,
            None => {
                // Completed without a claim (or after its claim was dropped): remember it anyway.
                drop(recent);
                if self.claim_now(event_id) == Claim::First {
                    self.complete_now(event_id);
                }
            }
        }
    }

    /// Claims and completes `event_id` at once: `true` the first time within the window,
    /// `false` when it was handled or is being handled. For events handled on the spot.
    pub fn first_time(&self, event_id: &str) -> bool {
        let first = self.claim_now(event_id) == Claim::First;
        if first {
            self.complete_now(event_id);
        }
        first
    }

    /// Forgets `event_id`, so that its next delivery counts as the first.
    pub fn forget(&self, event_id: &str) {
        let key = digest(event_id);
        self.recent().at.remove(&key);
    }

    /// How many ids are remembered now (expired ones are dropped at the next claim).
    pub fn len(&self) -> usize {
        self.recent().at.len()
    }

    /// Whether no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SeenEvents for RecentEvents {
    type Error = std::convert::Infallible;

    fn claim(&self, event_id: &str) -> impl Future<Output = Result<Claim, Self::Error>> + Send {
        std::future::ready(Ok(self.claim_now(event_id)))
    }

    fn complete(&self, event_id: &str) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.complete_now(event_id);
        std::future::ready(Ok(()))
    }

    fn release(&self, event_id: &str) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.forget(event_id);
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

/// The events of HeyGen's event log that `seen` has neither recorded as handled nor sees being
/// handled, each claimed in `seen` as it is yielded, as [`Delivery`] values: for a service that was down, to handle what it missed with the same
/// code and the same store as live deliveries. Pages are read lazily, every event type unless
/// `event_type` is given. With `since`, events created before it are skipped; an event whose
/// `created_at` is not an RFC 3339 UTC time (`2026-03-25T12:00:00Z`) is kept, never dropped
/// unseen. HeyGen does not document the log's order or how long it keeps events, so the whole
/// log is read.
///
/// After handling each yielded delivery, call [`SeenEvents::complete`] with its id (or
/// [`SeenEvents::release`] if handling failed), as [`Verifier::handle_once`] does for live
/// deliveries. An event whose data does not fit its type comes as
/// [`types::WebhookDelivery::Unknown`] and does not stop the stream.
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
            Ok(claimed(seen, delivery).await?)
        })
        .filter_map(|step: Result<Option<Delivery>, CatchUpError>| std::future::ready(step.transpose())),
    )
}
