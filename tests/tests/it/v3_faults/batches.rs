//! Batches: every batch create carries an idempotency key, a failure after the create still
//! names the batch, and an outcome is a success only when every expected item succeeded.

use std::time::Duration;

use heygen_client::types::CreateVideoBatchRequest;
use heygen_client::{Created, Error, WaitOptions};
use heygen_tests::{Harness, call, is_uuid};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;
use wiremock::matchers::query_param;

fn batch_of(videos: usize) -> CreateVideoBatchRequest {
    let video = json!({"type": "avatar", "avatar_id": "look_1", "voice_id": "voice_1", "script": "Hello"});
    serde_json::from_value(json!({"videos": vec![video; videos]})).unwrap()
}

fn wait_for(timeout: Duration) -> WaitOptions {
    WaitOptions { interval: Duration::from_millis(5), timeout, ..WaitOptions::default() }
}

fn detail(status: &str, total_items: i64, items: Value) -> Value {
    json!({"data": {"batch_id": "b1", "status": status, "total_items": total_items, "counts_by_status": {},
        "created_at": 1_760_000_000, "items": items, "has_more": false, "next_token": null}})
}

async fn accept_batch(h: &Harness) {
    call("POST", "/v3/videos/batches")
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"data": {"batch_id": "b1"}})))
        .mount(&h.api)
        .await;
}

async fn key_sent(h: &Harness) -> Option<String> {
    let requests = h.api.received_requests().await.unwrap();
    let create = requests.iter().find(|r| r.method.as_str() == "POST").unwrap();
    create.headers.get("idempotency-key").map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_video_batch_create_carries_the_callers_key_or_a_fresh_one() {
    let h = Harness::start().await;
    accept_batch(&h).await;
    call("GET", "/v3/videos/batches/b1")
        .respond_with(ResponseTemplate::new(200).set_body_json(detail("completed", 0, json!([]))))
        .mount(&h.api)
        .await;
    let v3 = h.client.v3();
    v3.with_idempotency_key("order-7:batch")
        .unwrap()
        .create_video_batch_and_wait(&batch_of(2), &wait_for(Duration::from_secs(5)))
        .await
        .unwrap();
    assert_eq!(key_sent(&h).await.as_deref(), Some("order-7:batch"));

    let h = Harness::start().await;
    accept_batch(&h).await;
    h.client.v3().create_video_batch(&batch_of(1)).await.unwrap();
    assert!(key_sent(&h).await.is_some_and(|key| is_uuid(&key)), "a generated key");
}

#[tokio::test]
async fn a_wait_timeout_after_the_create_still_names_the_batch() {
    let h = Harness::start().await;
    accept_batch(&h).await;
    call("GET", "/v3/videos/batches/b1")
        .respond_with(ResponseTemplate::new(200).set_body_json(detail("processing", 2, json!([]))))
        .mount(&h.api)
        .await;
    let v3 = h.client.v3();
    let err = v3.create_video_batch_and_wait(&batch_of(2), &wait_for(Duration::from_millis(200))).await;
    let err = err.unwrap_err();
    assert_eq!(err.batch_id(), Some("b1"), "{err:?}");
    assert_eq!(err.created(), Some(&Created::VideoBatch { batch_id: "b1".into() }));
    let Error::AfterCreate { source, .. } = &err else { panic!("{err:?}") };
    assert!(matches!(**source, Error::WaitTimeout { .. }), "{source:?}");
    assert!(err.to_string().contains("b1"), "{err}");

    // A status poll that fails for good names it too.
    let h = Harness::start_with(|b| b.max_retries(0)).await;
    accept_batch(&h).await;
    call("GET", "/v3/videos/batches/b1").respond_with(ResponseTemplate::new(403)).mount(&h.api).await;
    let err = h.client.v3().create_video_batch_and_wait(&batch_of(2), &wait_for(Duration::from_secs(5))).await;
    let err = err.unwrap_err();
    assert_eq!((err.batch_id(), err.status().map(|s| s.as_u16())), (Some("b1"), Some(403)), "{err:?}");
}

async fn outcome_of(status: &str, total_items: i64, items: Value) -> heygen_client::BatchOutcome {
    let h = Harness::start().await;
    call("GET", "/v3/videos/batches/b1")
        .and(query_param("limit", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(detail(status, total_items, json!([]))))
        .mount(&h.api)
        .await;
    call("GET", "/v3/videos/batches/b1")
        .and(query_param("limit", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(detail(status, total_items, items)))
        .mount(&h.api)
        .await;
    h.client.v3().wait_for_video_batch_items("b1", &wait_for(Duration::from_secs(5))).await.unwrap()
}

#[tokio::test]
async fn a_batch_succeeded_only_when_every_expected_item_did() {
    let done = |i: i64| json!({"item_index": i, "status": "completed", "video_id": format!("v{i}")});

    let failed_empty = outcome_of("failed", 3, json!([])).await;
    assert!(!failed_empty.all_succeeded(), "a failed batch with no items");
    let failed_nothing = outcome_of("failed", 0, json!([])).await;
    assert!(!failed_nothing.all_succeeded(), "a failed batch that reports no items at all");

    // Paging ended after two of three items (`has_more: false` from a confused server).
    let cut = outcome_of("completed", 3, json!([done(0), done(1)])).await;
    assert_eq!((cut.items.len(), cut.total_items), (2, Some(3)));
    assert!(!cut.all_succeeded(), "an item list cut short");

    let whole = outcome_of("completed", 2, json!([done(0), done(1)])).await;
    assert!(whole.all_succeeded());
}
