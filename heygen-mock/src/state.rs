//! What the fake remembers, all in memory behind one lock: jobs, assets and uploads, webhook
//! endpoints, the event log and its deliveries, idempotency keys, and the test's rules.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::api::types;
use crate::clock::{Clock, Pace};
use crate::faults::Fault;
use crate::jobs::{FailRule, Job, JobKind, Phase, Timing};
use crate::replies::View;
use crate::webhooks::{DeliveryRecord, Outgoing};

/// The fake's settings; [`FakeHeyGen::builder`](crate::FakeHeyGen::builder) sets them.
#[derive(Clone)]
pub(crate) struct Config {
    pub pace: Pace,
    pub timing: Timing,
    /// Wall time a keyed create stays in flight before it is carried out.
    pub create_latency: Duration,
    /// How long a reply is replayed for its idempotency key, in fake time (HeyGen: 24 hours).
    pub idempotency_window: Duration,
    /// The only key accepted; any non-empty key when `None`.
    pub api_key: Option<String>,
    /// The waits between attempts of a delivery that was not answered with a 2xx.
    pub webhook_retries: Vec<Duration>,
    /// How long one delivery attempt may take.
    pub webhook_timeout: Duration,
    /// The secret deliveries to a create's own `callback_url` are signed with.
    pub callback_secret: String,
    /// The largest direct upload accepted.
    pub max_upload_bytes: u64,
}

impl std::fmt::Debug for Config {
    /// Without the API key and the callback secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("pace", &self.pace)
            .field("timing", &self.timing)
            .field("create_latency", &self.create_latency)
            .field("idempotency_window", &self.idempotency_window)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("webhook_retries", &self.webhook_retries)
            .field("webhook_timeout", &self.webhook_timeout)
            .field("callback_secret", &"<redacted>")
            .field("max_upload_bytes", &self.max_upload_bytes)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            pace: Pace::Manual,
            timing: Timing::default(),
            create_latency: Duration::ZERO,
            idempotency_window: Duration::from_secs(24 * 60 * 60),
            api_key: None,
            webhook_retries: [10, 50, 200, 1000].map(Duration::from_millis).to_vec(),
            webhook_timeout: Duration::from_secs(10),
            callback_secret: "whsec_fake_callback_secret".to_owned(),
            max_upload_bytes: 256 * 1024 * 1024,
        }
    }
}

/// A file the fake holds: reserved by a direct upload, or uploaded in one request.
#[derive(Clone, Debug)]
pub(crate) struct StoredAsset {
    pub id: String,
    pub name: String,
    pub content_type: String,
    /// The size a direct upload declared (its `PUT` must match).
    pub declared_size: u64,
    pub checksum_sha256: Option<String>,
    /// The bytes, once put.
    pub bytes: Bytes,
    pub put: bool,
    pub completed: bool,
    pub created: Duration,
}

/// A registered webhook endpoint.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub id: String,
    pub url: String,
    pub events: Option<Vec<types::WebhookEventType>>,
    pub secret: String,
    pub created_at: String,
}

/// One idempotency key's state.
#[derive(Clone, Debug)]
pub(crate) enum Keyed {
    /// The first request is still being carried out.
    InFlight,
    /// Its reply, replayed until `until` (fake time).
    Done { until: Duration, status: u16, body: Bytes },
}

/// One request the fake received, for assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Call {
    /// The `operationId`, or `None` for a path the fake does not serve.
    pub operation: Option<&'static str>,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The `Idempotency-Key` header, if any.
    pub idempotency_key: Option<String>,
}

#[derive(Default)]
pub(crate) struct State {
    next_id: u64,
    pub jobs: Vec<Job>,
    pub assets: HashMap<String, StoredAsset>,
    /// The credential in each direct upload's presigned URL.
    pub upload_signatures: HashMap<String, String>,
    pub endpoints: Vec<Endpoint>,
    pub events: Vec<types::WebhookEvent>,
    pub deliveries: Vec<DeliveryRecord>,
    pub keys: HashMap<(String, String, String), Keyed>,
    pub fail_rules: Vec<FailRule>,
    pub faults: Vec<Fault>,
    pub calls: Vec<Call>,
}

impl State {
    /// A fresh id: `prefix`, a counter and random hex, so ids never repeat within a fake and do
    /// not look guessable across fakes.
    pub(crate) fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_{:04}{:08x}", self.next_id, fastrand::u32(..))
    }

    pub(crate) fn job(&self, kind: JobKind, id: &str) -> Option<&Job> {
        self.jobs.iter().find(|job| job.kind == kind && job.id == id)
    }

    /// The jobs of `kind`, newest first.
    pub(crate) fn jobs_of(&self, kind: JobKind) -> impl Iterator<Item = &Job> {
        self.jobs.iter().rev().filter(move |job| job.kind == kind)
    }
}

/// Everything the server's handlers and the [`FakeHeyGen`](crate::FakeHeyGen) handle share.
pub(crate) struct Shared {
    pub config: Config,
    pub clock: Clock,
    state: Mutex<State>,
    /// `http://127.0.0.1:PORT`, known once the listener is bound.
    pub base: OnceLock<String>,
    pub outbox: mpsc::UnboundedSender<Outgoing>,
}

impl Shared {
    pub(crate) fn new(config: Config, outbox: mpsc::UnboundedSender<Outgoing>) -> Arc<Self> {
        let clock = Clock::new(config.pace);
        Arc::new(Self { config, clock, state: Mutex::default(), base: OnceLock::new(), outbox })
    }

    /// The state; a panic while it was held (a test's predicate) leaves it usable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn base(&self) -> &str {
        self.base.get().map_or("http://127.0.0.1", String::as_str)
    }

    pub(crate) fn view<'a>(&'a self, now: Duration) -> View<'a> {
        View { base: self.base(), clock: &self.clock, timing: &self.config.timing, now }
    }

    /// Announces every job that has ended since the last look: an entry in the event log and a
    /// signed delivery to each endpoint that listens for it and to the job's `callback_url`.
    /// Runs before every request is answered, after [`advance`](crate::FakeHeyGen::advance),
    /// and on a timer when the clock follows wall time.
    pub(crate) fn tick(&self) {
        let now = self.clock.now();
        let view = self.view(now);
        let mut state = self.lock();
        let state = &mut *state;
        // In the order the jobs end, so events and deliveries come in that order too.
        let mut ended: Vec<usize> = (0..state.jobs.len())
            .filter(|&i| {
                let job = &state.jobs[i];
                !job.announced && matches!(job.phase(now, view.timing), Phase::Completed | Phase::Failed)
            })
            .collect();
        ended.sort_by_key(|&i| state.jobs[i].ends(view.timing));
        for i in ended {
            state.jobs[i].announced = true;
            let job = state.jobs[i].clone();
            let Some(delivery) = view.ending_event(&job) else { continue };
            let event_id = state.new_id("event");
            let created_at = self.clock.rfc3339(job.ends(view.timing));
            let Ok(event) = crate::replies::event(&delivery, event_id, created_at) else { continue };
            // The body every receiver gets: the event as the event log holds it, which is
            // what a verifier parses as a delivery.
            let Ok(body) = serde_json::to_vec(&event).map(Bytes::from) else { continue };
            let mut targets: Vec<(String, String)> = state
                .endpoints
                .iter()
                .filter(|ep| ep.events.as_ref().is_none_or(|wanted| wanted.iter().any(|t| t.0 == event.event_type.0)))
                .map(|ep| (ep.url.clone(), ep.secret.clone()))
                .collect();
            if let Some(url) = &job.callback_url {
                targets.push((url.clone(), self.config.callback_secret.clone()));
            }
            for (url, secret) in targets {
                let record = state.deliveries.len();
                state.deliveries.push(DeliveryRecord::new(&url, &event));
                let outgoing = Outgoing { record, url, secret, event_id: event.event_id.clone(), body: body.clone() };
                // The sender lives as long as the fake; a send after shutdown has no one to deliver.
                let _ = self.outbox.send(outgoing);
            }
            state.events.push(event);
        }
    }
}
