//! Sending webhook deliveries: each one is POSTed to its URL, signed as the client verifies it
//! (`Heygen-Signature` over the raw body with the endpoint's secret, `Heygen-Timestamp`,
//! `Heygen-Event-Id`), and sent again after the configured waits until a 2xx answers it.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::api::{self, types};
use crate::state::Shared;

/// One delivery the fake sends.
pub(crate) struct Outgoing {
    /// Its index in the delivery log.
    pub record: usize,
    pub url: String,
    pub secret: String,
    pub event_id: String,
    pub body: Bytes,
}

/// What became of one delivery: where it went and how each attempt was answered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// The URL it was sent to.
    pub url: String,
    /// The event's id.
    pub event_id: String,
    /// The event's type, such as `avatar_video.success`.
    pub event_type: String,
    /// Each attempt's outcome: the status the receiver answered, or why no answer came.
    pub attempts: Vec<Result<u16, String>>,
    /// Whether an attempt was answered with a 2xx.
    pub delivered: bool,
    /// Whether no attempt is left to make (delivered, or every retry used).
    pub finished: bool,
}

impl DeliveryRecord {
    pub(crate) fn new(url: &str, event: &types::WebhookEvent) -> Self {
        Self {
            url: url.to_owned(),
            event_id: event.event_id.clone(),
            event_type: event.event_type.0.clone(),
            attempts: Vec::new(),
            delivered: false,
            finished: false,
        }
    }
}

/// Sends what arrives on `outbox`, each delivery on its own task so a slow receiver delays no
/// other. Ends when the fake is dropped.
pub(crate) async fn run(shared: std::sync::Weak<Shared>, mut outbox: mpsc::UnboundedReceiver<Outgoing>) {
    // No redirects: a delivery goes where the test said, nowhere else.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build();
    let Ok(http) = http else { return };
    while let Some(outgoing) = outbox.recv().await {
        let Some(shared) = shared.upgrade() else { return };
        tokio::spawn(deliver(http.clone(), shared, outgoing));
    }
}

async fn deliver(http: reqwest::Client, shared: Arc<Shared>, outgoing: Outgoing) {
    let signature = api::sign(&outgoing.body, &outgoing.secret);
    let waits = shared.config.webhook_retries.clone();
    let mut waits = waits.into_iter();
    loop {
        let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let request = http
            .post(&outgoing.url)
            .timeout(shared.config.webhook_timeout)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(api::signature_header(), &signature)
            .header(api::TIMESTAMP_HEADER, timestamp.to_string())
            .header(api::EVENT_ID_HEADER, &outgoing.event_id)
            .body(outgoing.body.clone());
        let outcome = match request.send().await {
            Ok(response) => Ok(response.status().as_u16()),
            // The error names the URL the test gave; it holds no secret.
            Err(error) => Err(error.without_url().to_string()),
        };
        let delivered = matches!(outcome, Ok(200..=299));
        let next = if delivered { None } else { waits.next() };
        {
            let mut state = shared.lock();
            if let Some(record) = state.deliveries.get_mut(outgoing.record) {
                record.attempts.push(outcome);
                record.delivered = delivered;
                record.finished = next.is_none();
            }
        }
        match next {
            Some(wait) => tokio::time::sleep(wait).await,
            None => return,
        }
    }
}

/// How long [`FakeHeyGen::wait_for_deliveries`](crate::FakeHeyGen::wait_for_deliveries) polls.
pub(crate) const POLL: Duration = Duration::from_millis(5);
