//! v3 batches: at most 100 items, refused before sending; waiting for a batch returns every
//! item across pages, failed ones included; an upload batch streams each file to its slot.

use std::time::Duration;

use heygen_client::types::{CreateVideoBatchRequest, VideoBatchDetailStatus};
use heygen_client::{DirectUploadOptions, MAX_BATCH_ITEMS};
use heygen_client::{Error, WaitOptions};
use heygen_tests::{Harness, call};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fast_wait() -> WaitOptions {
    WaitOptions { interval: Duration::from_millis(5), timeout: Duration::from_secs(10), ..WaitOptions::default() }
}

fn batch_of(videos: usize) -> CreateVideoBatchRequest {
    let video = json!({"type": "avatar", "avatar_id": "look_1", "voice_id": "voice_1", "script": "Hello"});
    serde_json::from_value(json!({"title": "launch", "videos": vec![video; videos]})).unwrap()
}

fn detail(status: &str, items: Value, has_more: bool, next_token: Option<&str>) -> Value {
    json!({"data": {
        "batch_id": "b1", "status": status, "title": "launch", "total_items": 3,
        "counts_by_status": {"completed": 2, "failed": 1}, "created_at": 1_760_000_000,
        "items": items, "has_more": has_more, "next_token": next_token,
    }})
}

#[tokio::test]
async fn a_batch_of_more_than_100_or_of_none_is_refused_before_sending() {
    let h = Harness::start().await;
    call("POST", "/v3/videos/batches").respond_with(ResponseTemplate::new(202)).expect(0).mount(&h.api).await;
    for videos in [MAX_BATCH_ITEMS + 1, 0] {
        let err = h.client.v3().create_video_batch_and_wait(&batch_of(videos), &fast_wait()).await.unwrap_err();
        let Error::InvalidRequest { operation, message } = &err else { panic!("{err:?}") };
        assert_eq!(*operation, "create_video_batch");
        assert!(message.contains(&videos.to_string()), "{message}");
    }
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> = (0..=MAX_BATCH_ITEMS).map(|i| dir.path().join(format!("{i}.png"))).collect();
    let err = h.client.v3().upload_asset_files(&paths, &DirectUploadOptions::default(), &fast_wait()).await;
    assert!(matches!(err, Err(Error::InvalidRequest { .. })), "{err:?}");
}

#[tokio::test]
async fn a_finished_batch_comes_back_with_every_item_across_pages() {
    let h = Harness::start().await;
    call("POST", "/v3/videos/batches")
        .and(body_json(serde_json::to_value(batch_of(3)).unwrap()))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"data": {"batch_id": "b1"}})))
        .expect(1)
        .mount(&h.api)
        .await;
    // Polls ask for one item; the batch runs for two polls, then ends `failed` (one item did).
    let polls = call("GET", "/v3/videos/batches/b1").and(query_param("limit", "1"));
    polls
        .respond_with(ResponseTemplate::new(200).set_body_json(detail("processing", json!([]), true, Some("p"))))
        .up_to_n_times(2)
        .mount(&h.api)
        .await;
    call("GET", "/v3/videos/batches/b1")
        .and(query_param("limit", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(detail("failed", json!([]), true, Some("p"))))
        .mount(&h.api)
        .await;
    let first = json!([
        {"item_index": 0, "status": "completed", "video_id": "v0"},
        {"item_index": 1, "status": "failed", "error": {"code": "invalid_parameter", "message": "no such voice"}},
    ]);
    call("GET", "/v3/videos/batches/b1")
        .and(query_param("limit", "100"))
        .and(query_param_is_missing("token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(detail("failed", first, true, Some("t2"))))
        .expect(1)
        .mount(&h.api)
        .await;
    let second = json!([{"item_index": 2, "status": "completed", "video_id": "v2"}]);
    call("GET", "/v3/videos/batches/b1")
        .and(query_param("limit", "100"))
        .and(query_param("token", "t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(detail("failed", second, false, None)))
        .expect(1)
        .mount(&h.api)
        .await;

    let outcome = h.client.v3().create_video_batch_and_wait(&batch_of(3), &fast_wait()).await.unwrap();
    assert_eq!(outcome.batch_id, "b1");
    assert_eq!(outcome.status, VideoBatchDetailStatus::Failed);
    assert_eq!(outcome.items.len(), 3);
    let done: Vec<_> = outcome.succeeded().filter_map(|item| item.video_id.as_deref()).collect();
    assert_eq!(done, ["v0", "v2"]);
    let failed: Vec<_> = outcome.failed().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].item_index, Some(1));
    assert_eq!(failed[0].error.as_ref().unwrap()["message"], "no such voice");
    assert!(!outcome.all_succeeded());
}

#[tokio::test]
async fn a_batch_still_running_at_the_deadline_is_a_wait_timeout() {
    let h = Harness::start().await;
    call("GET", "/v3/videos/batches/b1")
        .respond_with(ResponseTemplate::new(200).set_body_json(detail("processing", json!([]), false, None)))
        .mount(&h.api)
        .await;
    let options = WaitOptions { timeout: Duration::from_millis(60), ..fast_wait() };
    let err = h.client.v3().wait_for_video_batch_items("b1", &options).await.unwrap_err();
    assert!(matches!(&err, Error::WaitTimeout { status, .. } if status == "processing"), "{err:?}");
}

#[tokio::test]
async fn an_upload_batch_puts_each_file_in_its_slot_then_completes_and_waits() {
    let h = Harness::start().await;
    let storage = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let files = [("a.mp3", b"ID3\x03 first".to_vec()), ("b.mp3", b"ID3\x03 the second".to_vec())];
    let paths: Vec<_> = files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    let slot = |id: &str| {
        json!({"asset_id": id, "upload_url": format!("{}/bucket/{id}?sig=x", storage.uri()),
            "upload_headers": {"Content-Type": "audio/mpeg"}, "expires_in_seconds": 900,
            "max_bytes": 1_000_000, "status": "pending_upload"})
    };
    call("POST", "/v3/assets/direct-uploads/batches")
        .and(body_json(json!({"files": [
            {"filename": "a.mp3", "content_type": "audio/mpeg", "size_bytes": files[0].1.len()},
            {"filename": "b.mp3", "content_type": "audio/mpeg", "size_bytes": files[1].1.len()},
        ]})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"batch_id": "ab1", "items": [slot("as_a"), slot("as_b")]}})),
        )
        .expect(1)
        .mount(&h.api)
        .await;
    for (id, (_, bytes)) in ["as_a", "as_b"].iter().zip(&files) {
        Mock::given(method("PUT"))
            .and(path(format!("/bucket/{id}")))
            .and(wiremock::matchers::body_bytes(bytes.clone()))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .mount(&storage)
            .await;
    }
    call("POST", "/v3/assets/complete/batches")
        .and(body_json(json!({"batch_id": "ab1"})))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"data": {"batch_id": "ab1"}})))
        .expect(1)
        .mount(&h.api)
        .await;
    let items = json!([
        {"item_index": 0, "status": "completed", "video_id": "as_a"},
        {"item_index": 1, "status": "completed", "video_id": "as_b"},
    ]);
    let mut finished = detail("completed", items, false, None);
    finished["data"]["total_items"] = 2.into();
    call("GET", "/v3/assets/batches/ab1")
        .respond_with(ResponseTemplate::new(200).set_body_json(finished))
        .mount(&h.api)
        .await;

    let outcome =
        h.client.v3().upload_asset_files(&paths, &DirectUploadOptions::default(), &fast_wait()).await.unwrap();
    assert!(outcome.all_succeeded());
    let ids: Vec<_> = outcome.succeeded().filter_map(|item| item.video_id.as_deref()).collect();
    assert_eq!(ids, ["as_a", "as_b"]);
    assert!(storage.received_requests().await.unwrap().iter().all(|r| !r.headers.contains_key("x-api-key")));
}

/// HeyGen does not promise a created batch's `batch_id` (see docs/v3-required-fields.md): a
/// reply without it ends in `Error::Decode` naming the field (not a wait on an empty id); a
/// poll without a state ends the wait the same way.
#[tokio::test]
async fn a_created_batch_or_a_poll_without_its_fields_is_a_decode_error_by_name() {
    let h = Harness::start().await;
    let created = call("POST", "/v3/videos/batches")
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"data": {"title": "launch"}})))
        .expect(1)
        .mount_as_scoped(&h.api)
        .await;
    let err = h.client.v3().create_video_batch_and_wait(&batch_of(1), &fast_wait()).await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("expected Error::Decode, got {err:?}") };
    assert_eq!(decode.operation, "create_video_batch");
    assert!(decode.reason.contains("`batch_id`"), "{decode:?}");
    drop(created);

    call("GET", "/v3/videos/batches/b1")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"batch_id": "b1"}})))
        .mount(&h.api)
        .await;
    let err = h.client.v3().wait_for_video_batch_items("b1", &fast_wait()).await.unwrap_err();
    assert!(matches!(&err, Error::Decode(d) if d.reason.contains("`status`")), "{err:?}");
}
