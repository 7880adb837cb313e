//! Webhook deliveries: announcing each job that ended (an entry in the event log and a delivery
//! to each receiver that listens), and sending them. Each delivery is POSTed to its URL, signed
//! as the client verifies it (`Heygen-Signature` over the raw body with the endpoint's secret,
//! `Heygen-Timestamp`, `Heygen-Event-Id`), and sent again after the configured waits until a
//! 2xx answers it.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::api;
use crate::jobs::Phase;
use crate::replies;
use crate::state::{DeliveryRecord, Outgoing, Shared};

// Here rather than in `state`: announcing builds the event (`replies`) and queues deliveries, and
// `state` stays below both.
impl Shared {
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
            let Ok(event) = replies::event(&delivery, event_id, created_at) else { continue };
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
