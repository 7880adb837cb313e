//! What the modules of this suite share: clients that retry and wait quickly, HeyGen's error
//! body, and request bodies and replies from the v3 document's examples.

use std::time::Duration;

use heygen_client as v3;
use heygen_client::{ClientBuilder, InProgressPolicy};
use heygen_tests::requests::request_for;
use heygen_tests::{API_KEY, Document, DocumentExt};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub use crate::support::fake::{FakeServer, Recorded, Reply, bounded, quick_retries};

/// Waits for `request_in_progress` of milliseconds, within `max_wait`.
pub fn quick_in_progress(max_wait: Duration) -> InProgressPolicy {
    InProgressPolicy { max_wait, initial_backoff: Duration::from_millis(5), max_backoff: Duration::from_millis(20) }
}

/// A builder for a client of `url` (both hosts) with quick retries and waits.
pub fn builder(url: &str) -> ClientBuilder {
    heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(url)
        .upload_base_url(url)
        .retry_policy(quick_retries())
        .in_progress_policy(quick_in_progress(Duration::from_secs(2)))
}

pub fn v3_client(url: &str) -> v3::Client {
    builder(url).build().unwrap()
}

/// The request body of a valid call of the v3 operation `id`, as its Rust type.
pub fn body<T: DeserializeOwned>(id: &str) -> T {
    request_for(Document::V3, id).body().unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// The v3 document's success example of `id`.
pub fn example(id: &str) -> Value {
    Document::V3.success_example(id)
}

/// HeyGen's v3 error body.
pub fn v3_error(code: &str) -> Value {
    json!({"error": {"code": code, "message": code.replace('_', " "), "param": null, "doc_url": null}})
}

/// The `Idempotency-Key` of each request, in order.
pub fn keys(requests: &[Recorded]) -> Vec<String> {
    requests.iter().map(|r| r.header("idempotency-key").unwrap_or_default().to_owned()).collect()
}
