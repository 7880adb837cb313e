//! A webhook receiver for tests: a server on 127.0.0.1 that keeps every request it gets, so a
//! test can give its URL to the fake (or to HeyGen's webhook settings of its own code) and then
//! check what arrived with its own verifier.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use http::{HeaderMap, StatusCode};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// One request the receiver got.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Received {
    /// Its headers (signature, timestamp, event id, ...).
    pub headers: HeaderMap,
    /// Its raw body, as a verifier needs it.
    pub body: Bytes,
}

#[derive(Default)]
struct Inbox {
    received: Mutex<VecDeque<Received>>,
    /// Statuses to answer the next requests with (then 200).
    answers: Mutex<VecDeque<StatusCode>>,
    arrived: Notify,
}

/// A loopback server that records the requests sent to it and answers 200 (or the statuses set
/// by [`answer_next`](Self::answer_next)). Stops when dropped.
pub struct WebhookReceiver {
    url: String,
    inbox: Arc<Inbox>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookReceiver").field("url", &self.url).finish_non_exhaustive()
    }
}

impl WebhookReceiver {
    /// Starts one on a free loopback port. Panics if no port can be bound.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("a loopback port for the receiver");
        let url = format!("http://{}/webhook", listener.local_addr().expect("a bound address"));
        let inbox = Arc::new(Inbox::default());
        let router = Router::new().fallback(receive).with_state(inbox.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, inbox, task }
    }

    /// The URL to deliver to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next `statuses.len()` requests are answered with these statuses, in order (to make a
    /// sender retry); later ones with 200 again.
    pub fn answer_next(&self, statuses: impl IntoIterator<Item = StatusCode>) {
        self.inbox.answers.lock().unwrap_or_else(|p| p.into_inner()).extend(statuses);
    }

    /// The oldest request not taken yet, waiting for one up to `timeout` (wall time).
    pub async fn next(&self, timeout: Duration) -> Option<Received> {
        let wait = async {
            loop {
                let arrived = self.inbox.arrived.notified();
                if let Some(received) = self.inbox.received.lock().unwrap_or_else(|p| p.into_inner()).pop_front() {
                    return received;
                }
                arrived.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.ok()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(inbox): State<Arc<Inbox>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let answer = inbox.answers.lock().unwrap_or_else(|p| p.into_inner()).pop_front().unwrap_or(StatusCode::OK);
    inbox.received.lock().unwrap_or_else(|p| p.into_inner()).push_back(Received { headers, body });
    inbox.arrived.notify_waiters();
    answer
}
