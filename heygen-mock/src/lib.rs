#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod api;
mod clock;
mod error;
mod faults;
mod jobs;
mod multipart;
mod receiver;
mod replies;
mod routes;
pub mod samples;
mod state;
pub mod stubs;
mod webhooks;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

pub use clock::Pace;
pub use error::ApiFailure;
pub use faults::{Fault, FaultKind};
pub use jobs::{JobKind, JobRequest, Timing};
pub use receiver::{Received, WebhookReceiver};
pub use state::Call;
pub use stubs::MockHeyGen;
pub use webhooks::DeliveryRecord;

use jobs::FailRule;
use state::{Config, Shared};

/// What the fake serves: `(operationId, method, path template)` for each route, HeyGen's v3
/// routes first, then the fake's stand-ins for HeyGen's storage (`put_asset_upload`, the
/// presigned `PUT`; `fetch_file`, downloads).
pub fn served_operations() -> Vec<(&'static str, &'static str, &'static str)> {
    routes::ROUTES.to_vec()
}

/// The key [`FakeHeyGen::client`] sends when the fake takes any key.
const DEFAULT_API_KEY: &str = "fake-api-key";

/// A fake of HeyGen's v3 API, served on 127.0.0.1 while this value lives. See the crate's
/// documentation for what it serves; every reply is a value of the client's types, serialized.
pub struct FakeHeyGen {
    shared: Arc<Shared>,
    addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeHeyGen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeHeyGen").field("addr", &self.addr).field("pace", &self.shared.config.pace).finish()
    }
}

/// Settings of a [`FakeHeyGen`] before it starts.
#[derive(Clone, Debug)]
pub struct Builder {
    config: Config,
    addr: SocketAddr,
}

impl Builder {
    /// How the fake's clock moves on its own (default [`Pace::Manual`]: only by
    /// [`FakeHeyGen::advance`]).
    pub fn pace(mut self, pace: Pace) -> Self {
        self.config.pace = pace;
        self
    }

    /// How long jobs spend pending and processing, in fake time (default [`Timing::default`]).
    pub fn timing(mut self, timing: Timing) -> Self {
        self.config.timing = timing;
        self
    }

    /// How long (wall time) a create takes before it is carried out and answered; while it
    /// runs, a repeat with the same `Idempotency-Key` gets 409 `request_in_progress`.
    /// Default: no delay.
    pub fn create_latency(mut self, latency: Duration) -> Self {
        self.config.create_latency = latency;
        self
    }

    /// How long a reply is replayed for its idempotency key, in fake time (default 24 hours,
    /// as HeyGen documents).
    pub fn idempotency_window(mut self, window: Duration) -> Self {
        self.config.idempotency_window = window;
        self
    }

    /// Accept only this API key (`X-Api-Key`, or a Bearer token); by default any non-empty one.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.config.api_key = Some(key.into());
        self
    }

    /// The waits between attempts of a webhook delivery that got no 2xx (default 10 ms, 50 ms,
    /// 200 ms, 1 s: five attempts in all). HeyGen's own schedule is not documented.
    pub fn webhook_retries(mut self, waits: impl IntoIterator<Item = Duration>) -> Self {
        self.config.webhook_retries = waits.into_iter().collect();
        self
    }

    /// The secret that deliveries to a create's own `callback_url` are signed with. HeyGen does
    /// not document how it signs those; the fake signs them like endpoint deliveries.
    pub fn callback_secret(mut self, secret: impl Into<String>) -> Self {
        self.config.callback_secret = secret.into();
        self
    }

    /// The largest direct upload accepted, held in memory (default 256 MiB).
    pub fn max_upload_bytes(mut self, max: u64) -> Self {
        self.config.max_upload_bytes = max;
        self
    }

    /// The address to listen on (default 127.0.0.1 on a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Binds the address and starts serving.
    pub async fn start(self) -> std::io::Result<FakeHeyGen> {
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let (outbox, deliveries) = tokio::sync::mpsc::unbounded_channel();
        let shared = Shared::new(self.config, outbox);
        let shown =
            if addr.ip().is_unspecified() { SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port())) } else { addr };
        let _ = shared.base.set(format!("http://{shown}"));
        let router = routes::router(shared.clone());
        let mut tasks = vec![
            tokio::spawn(async move {
                // Serving ends only when the task is aborted (the fake is dropped).
                let _ = axum::serve(listener, router).await;
            }),
            tokio::spawn(webhooks::run(Arc::downgrade(&shared), deliveries)),
        ];
        if let Pace::Wall(_) = shared.config.pace {
            // Jobs end, and are announced, with no request needed to notice.
            let weak = Arc::downgrade(&shared);
            tasks.push(tokio::spawn(async move {
                let mut every = tokio::time::interval(Duration::from_millis(50));
                loop {
                    every.tick().await;
                    let Some(shared) = weak.upgrade() else { return };
                    shared.tick();
                }
            }));
        }
        Ok(FakeHeyGen { shared, addr, tasks })
    }
}

impl FakeHeyGen {
    /// A fake with the default settings on a free loopback port: its clock moves only when
    /// [`advance`](Self::advance)d. Panics if no port can be bound.
    pub async fn start() -> Self {
        Self::builder().start().await.expect("a loopback port for the fake")
    }

    /// Settings for a fake.
    pub fn builder() -> Builder {
        Builder { config: Config::default(), addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)) }
    }

    /// The base URL, `http://127.0.0.1:PORT`: give it to a client as its API (and upload) host.
    pub fn url(&self) -> String {
        self.shared.base().to_owned()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A v3 client of this fake (the client's defaults, an API key the fake accepts).
    pub fn client(&self) -> api::Client {
        api::client(&self.url(), self.shared.config.api_key.as_deref().unwrap_or(DEFAULT_API_KEY))
    }

    /// Moves the fake's clock on by `by`; jobs that end meanwhile are announced at once
    /// (event log, webhook deliveries).
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
        self.shared.tick();
    }

    /// How much fake time has passed since the fake started.
    pub fn elapsed(&self) -> Duration {
        self.shared.clock.now()
    }

    /// The next `n` jobs, of any kind, fail.
    pub fn fail_next(&self, n: u32) {
        self.shared.lock().fail_rules.push(FailRule::Next { kind: None, remaining: n });
    }

    /// The next `n` jobs of `kind` fail.
    pub fn fail_next_of(&self, kind: JobKind, n: u32) {
        self.shared.lock().fail_rules.push(FailRule::Next { kind: Some(kind), remaining: n });
    }

    /// Every job whose typed request satisfies `predicate` fails. The predicate runs while the
    /// fake's state is locked: it must not call the fake.
    pub fn fail_when(&self, predicate: impl Fn(&JobRequest<'_>) -> bool + Send + Sync + 'static) {
        self.shared.lock().fail_rules.push(FailRule::When(Arc::new(predicate)));
    }

    /// Forgets every rule that makes jobs fail (jobs already started keep their fate).
    pub fn clear_failure_rules(&self) {
        self.shared.lock().fail_rules.clear();
    }

    /// Adds a fault rule; the first rule that matches a request applies.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Forgets every fault rule.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Every request received so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// How many requests reached the operation `operation_id`.
    pub fn calls_to(&self, operation_id: &str) -> usize {
        self.shared.lock().calls.iter().filter(|call| call.operation == Some(operation_id)).count()
    }

    /// How many jobs of `kind` exist (deleted ones excluded).
    pub fn job_count(&self, kind: JobKind) -> usize {
        self.shared.lock().jobs_of(kind).count()
    }

    /// Every webhook delivery so far, with the outcome of each attempt.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared.lock().deliveries.clone()
    }

    /// Waits (wall time, at most `timeout`) until at least `n` deliveries have no attempt left
    /// to make, and returns every delivery; fewer if the time runs out.
    pub async fn wait_for_deliveries(&self, n: usize, timeout: Duration) -> Vec<DeliveryRecord> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let deliveries = self.deliveries();
            let finished = deliveries.iter().filter(|d| d.finished).count();
            if finished >= n || tokio::time::Instant::now() >= deadline {
                return deliveries;
            }
            tokio::time::sleep(webhooks::POLL).await;
        }
    }

    /// The secret deliveries to a create's `callback_url` are signed with.
    pub fn callback_secret(&self) -> &str {
        &self.shared.config.callback_secret
    }

    /// The made-up bytes the fake serves for a job's output file at `url` (a `video_url`, ...),
    /// to compare a download with; `None` for a URL that is not a job output of this fake.
    pub fn output_bytes(&self, url: &str) -> Option<Vec<u8>> {
        let rest = url.strip_prefix(&self.url())?.strip_prefix("/_fake/files/")?;
        let mut parts = rest.splitn(3, '/');
        let (kind, id, name) = (parts.next()?, parts.next()?, parts.next()?);
        (kind != "assets").then(|| routes::file_bytes(kind, id, name))
    }
}

impl Drop for FakeHeyGen {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
