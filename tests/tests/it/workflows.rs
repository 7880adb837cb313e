//! Workflows over the generated operations: waiting for jobs, paging through lists, uploading
//! files and verifying webhook deliveries.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use heygen_client::legacy::params::ListVideosParams;
use heygen_client::legacy::types;
use heygen_client::legacy::webhook::{self, WebhookError};
use heygen_client::{Error, WaitOptions};
use heygen_tests::{Harness, call, spec, success_example};
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;
use wiremock::matchers::{body_bytes, header, query_param, query_param_is_missing};

fn fast_wait() -> WaitOptions {
    WaitOptions {
        interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
        ..WaitOptions::default()
    }
}

fn video_status(status: &str, error: Value) -> ResponseTemplate {
    let mut body = success_example("get_video_status");
    body["data"]["status"] = json!(status);
    body["data"]["error"] = error;
    ResponseTemplate::new(200).set_body_json(body)
}

// ---- waiters ---------------------------------------------------------------------------------

#[tokio::test]
async fn wait_for_video_polls_until_completed_and_reports_progress() {
    let h = Harness::start().await;
    call("GET", "/v1/video_status.get")
        .respond_with(video_status("pending", Value::Null))
        .up_to_n_times(1)
        .mount(&h.api)
        .await;
    call("GET", "/v1/video_status.get")
        .respond_with(video_status("processing", Value::Null))
        .up_to_n_times(2)
        .mount(&h.api)
        .await;
    call("GET", "/v1/video_status.get")
        .and(query_param("video_id", "v-1"))
        .respond_with(video_status("completed", Value::Null))
        .mount(&h.api)
        .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let options = fast_wait().on_progress(move |p| record.lock().unwrap().push(p.status.to_owned()));
    let video = h.client.wait_for_video("v-1", &options).await.unwrap();
    assert_eq!(video.video_url.as_deref(), Some("https://resource.heygen.ai/video/7b3c5e9f.mp4"));
    assert_eq!(*seen.lock().unwrap(), ["pending", "processing", "processing", "completed"]);
}

#[tokio::test]
async fn a_failed_job_is_an_error_with_heygens_reason() {
    let h = Harness::start().await;
    let reason = json!({"code": 40119, "detail": null, "message": "Video is too long"});
    call("GET", "/v1/video_status.get").respond_with(video_status("failed", reason)).mount(&h.api).await;
    let err = h.client.wait_for_video("v-1", &fast_wait()).await.unwrap_err();
    assert!(
        matches!(&err, Error::JobFailed { status, reason: Some(r), .. } if status == "failed" && r == "Video is too long (code 40119)")
    );
    assert_eq!(err.to_string(), "get_video_status: the job ended `failed`: Video is too long (code 40119)");
}

#[tokio::test]
async fn a_job_past_its_deadline_is_a_wait_timeout() {
    let h = Harness::start().await;
    call("GET", "/v1/video_status.get").respond_with(video_status("processing", Value::Null)).mount(&h.api).await;
    let options = WaitOptions { timeout: Duration::from_millis(60), ..fast_wait() };
    let err = h.client.wait_for_video("v-1", &options).await.unwrap_err();
    assert!(
        matches!(err, Error::WaitTimeout { ref status, waited, .. } if status == "processing" && waited >= Duration::from_millis(60)),
        "{err:?}"
    );
}

#[tokio::test]
async fn every_waiter_reads_its_own_status_field() {
    let h = Harness::start().await;
    let mut training = success_example("get_photo_avatar_training_status");
    training["data"]["status"] = json!("failed");
    training["data"]["error_msg"] = json!("Not enough looks to train on");
    call("GET", "/v2/photo_avatar/train/status/g-1")
        .respond_with(ResponseTemplate::new(200).set_body_json(training))
        .mount(&h.api)
        .await;
    let err = h.client.wait_for_photo_avatar_training("g-1", &fast_wait()).await.unwrap_err();
    assert!(
        matches!(err, Error::JobFailed { reason: Some(ref r), .. } if r == "Not enough looks to train on"),
        "{err:?}"
    );

    let mut translation = success_example("get_video_translation_status");
    translation["data"]["status"] = json!("success");
    call("GET", "/v2/video_translate/t-1")
        .respond_with(ResponseTemplate::new(200).set_body_json(translation))
        .mount(&h.api)
        .await;
    let done = h.client.wait_for_video_translation("t-1", &fast_wait()).await.unwrap();
    assert_eq!(done.status, types::VideoTranslationStatus::Success);
}

// ---- pagination ------------------------------------------------------------------------------

fn video_page(ids: &[&str], token: Option<&str>) -> ResponseTemplate {
    let videos: Vec<Value> = ids.iter().map(|id| json!({"video_id": id, "status": "completed"})).collect();
    ResponseTemplate::new(200).set_body_json(json!({"code": 100, "data": {"videos": videos, "token": token}}))
}

#[tokio::test]
async fn a_stream_follows_the_cursor_across_pages() {
    let h = Harness::start().await;
    call("GET", "/v1/video.list")
        .and(query_param_is_missing("token"))
        .respond_with(video_page(&["a", "b"], Some("p2")))
        .expect(1)
        .mount(&h.api)
        .await;
    call("GET", "/v1/video.list")
        .and(query_param("token", "p2"))
        .respond_with(video_page(&["c"], Some("p3")))
        .expect(1)
        .mount(&h.api)
        .await;
    call("GET", "/v1/video.list")
        .and(query_param("token", "p3"))
        .and(query_param("limit", "2"))
        .respond_with(video_page(&["d"], None))
        .expect(1)
        .mount(&h.api)
        .await;
    let ids: Vec<String> = h
        .client
        .list_videos_stream(ListVideosParams { limit: Some(2), ..Default::default() })
        .map_ok(|v| v.video_id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d"]);
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    let h = Harness::start().await;
    call("GET", "/v1/video.list")
        .and(query_param_is_missing("token"))
        .respond_with(video_page(&["a", "b"], Some("p2")))
        .expect(1)
        .mount(&h.api)
        .await;
    let first: Vec<_> = h.client.list_videos_stream(Default::default()).take(2).collect().await;
    assert_eq!(first.len(), 2, "the second page was never needed, so never asked for");
}

#[tokio::test]
async fn an_empty_list_is_an_empty_stream() {
    let h = Harness::start().await;
    let empty = json!({"error": null, "data": {"assets": [], "token": ""}});
    call("GET", "/v1/asset/list")
        .respond_with(ResponseTemplate::new(200).set_body_json(empty))
        .expect(1)
        .mount(&h.api)
        .await;
    let assets: Vec<_> = h.client.list_assets_stream(Default::default()).try_collect().await.unwrap();
    assert!(assets.is_empty());
}

#[tokio::test]
async fn an_error_mid_way_is_yielded_then_ends_the_stream() {
    let h = Harness::start_with(|b| b.max_retries(0)).await;
    call("GET", "/v1/video.list")
        .and(query_param_is_missing("token"))
        .respond_with(video_page(&["a"], Some("p2")))
        .mount(&h.api)
        .await;
    call("GET", "/v1/video.list")
        .and(query_param("token", "p2"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&h.api)
        .await;
    let items: Vec<_> = h.client.list_videos_stream(Default::default()).collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().video_id, "a");
    assert!(matches!(&items[1], Err(Error::Api(e)) if e.status == 500));
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream() {
    let h = Harness::start().await;
    call("GET", "/v1/folders")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"error": null, "data": {"folders": [{"id": "f", "name": "F"}], "token": "same"}}),
            ),
        )
        .expect(2)
        .mount(&h.api)
        .await;
    let folders: Vec<_> = h.client.list_folders_stream(Default::default()).try_collect().await.unwrap();
    assert_eq!(folders.len(), 2, "the first page, then the page the cursor points at, then stop");
}

// ---- uploads ---------------------------------------------------------------------------------

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

#[tokio::test]
async fn a_file_is_uploaded_with_the_type_its_content_shows() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.bin"); // the extension says nothing; the bytes say PNG
    std::fs::write(&path, PNG).unwrap();
    call("POST", "/v1/asset")
        .and(header("content-type", "image/png"))
        .and(body_bytes(PNG))
        .respond_with(heygen_tests::example_response("upload_asset"))
        .expect(1)
        .mount(&h.upload)
        .await;
    h.client.upload_asset_file(&path).await.unwrap();
}

#[tokio::test]
async fn bytes_fall_back_to_the_file_name_for_their_type() {
    let h = Harness::start().await;
    let audio = b"\x00\x01not-a-recognisable-header".to_vec();
    call("POST", "/v1/asset")
        .and(header("content-type", "audio/mpeg"))
        .and(body_bytes(audio.clone()))
        .respond_with(heygen_tests::example_response("upload_asset"))
        .expect(1)
        .mount(&h.upload)
        .await;
    h.client.upload_asset_bytes(audio, Some("voice-over.mp3")).await.unwrap();
}

#[tokio::test]
async fn bad_files_fail_before_anything_is_sent() {
    let h = Harness::start().await;
    let missing = h.client.upload_asset_file("/nonexistent/clip.mp4").await.unwrap_err();
    assert!(matches!(&missing, Error::File { path, .. } if path.ends_with("clip.mp4")), "{missing:?}");
    let pdf = h.client.upload_asset_bytes(b"%PDF-1.7 ...".to_vec(), Some("report.pdf")).await.unwrap_err();
    assert!(matches!(&pdf, Error::InvalidRequest { message, .. } if message.contains("application/pdf")), "{pdf}");
    let unknown = h.client.upload_asset_bytes(vec![0u8; 16], None).await.unwrap_err();
    assert!(matches!(unknown, Error::InvalidRequest { .. }));
    assert!(h.upload.received_requests().await.unwrap().is_empty(), "nothing reached the upload host");
}

// ---- webhooks --------------------------------------------------------------------------------

const SECRET: &str = "whsec-test-8c1f";

fn sign(body: &[u8], secret: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn headers(name: &str, value: &str) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
    headers
}

/// Every event payload the spec documents (the `example` of each `*Event` schema).
fn documented_events() -> Vec<(String, Value)> {
    let schemas = spec().json["components"]["schemas"].as_object().unwrap();
    schemas
        .iter()
        .filter(|(name, schema)| name.ends_with("Event") && schema.get("example").is_some())
        .map(|(name, schema)| (name.clone(), schema["example"].clone()))
        .collect()
}

#[test]
fn every_documented_event_verifies_and_parses_into_its_variant() {
    let events = documented_events();
    assert!(events.len() >= 5, "the spec documents the webhook events");
    for (schema, example) in events {
        let body = serde_json::to_vec(&example).unwrap();
        let delivery = webhook::verify(&headers("Signature", &sign(&body, SECRET)), &body, SECRET).unwrap();
        assert_eq!(delivery.event_type, example["event_type"].as_str().unwrap(), "{schema}");
        let unknown = matches!(delivery.event, types::WebhookEvent::Unknown(_));
        assert!(!unknown, "{schema}'s documented example parsed as an unknown event");
    }
}

#[test]
fn the_newer_header_name_is_read_too() {
    let body = br#"{"event_type": "avatar_video.success", "event_data": {"video_id": "v", "url": "u"}}"#;
    let delivery = webhook::verify(&headers("Heygen-Signature", &sign(body, SECRET)), body, SECRET).unwrap();
    assert!(matches!(delivery.event, types::WebhookEvent::AvatarVideoSuccess(data) if data.video_id == "v"));
}

#[test]
fn a_tampered_body_or_wrong_secret_is_rejected() {
    let body = br#"{"event_type": "avatar_video.success", "event_data": {"video_id": "v", "url": "u"}}"#;
    let signature = sign(body, SECRET);
    let tampered = br#"{"event_type": "avatar_video.success", "event_data": {"video_id": "x", "url": "u"}}"#;
    assert!(matches!(
        webhook::verify(&headers("signature", &signature), tampered, SECRET),
        Err(WebhookError::InvalidSignature)
    ));
    assert!(matches!(
        webhook::verify(&headers("signature", &signature), body, "other-secret"),
        Err(WebhookError::InvalidSignature)
    ));
    assert!(matches!(
        webhook::verify(&headers("signature", "not-hex"), body, SECRET),
        Err(WebhookError::InvalidSignature)
    ));
    assert!(matches!(webhook::verify(&http::HeaderMap::new(), body, SECRET), Err(WebhookError::MissingSignature)));
    let err = webhook::verify(&headers("signature", &signature), tampered, SECRET).unwrap_err().to_string();
    assert!(!err.contains(SECRET) && !err.contains(&signature), "{err}");
}

#[test]
fn an_event_we_do_not_model_keeps_its_data() {
    let body = br#"{"event_type": "photo_avatar_train.success", "event_data": {"group_id": "g-1"}, "event_id": "e-9"}"#;
    let delivery = webhook::verify(&headers("signature", &sign(body, SECRET)), body, SECRET).unwrap();
    assert!(matches!(&delivery.event, types::WebhookEvent::Unknown(raw) if raw["event_data"]["group_id"] == "g-1"));
    assert_eq!(delivery.event_type, "photo_avatar_train.success");
    assert_eq!(delivery.event_id.as_deref(), Some("e-9"));
    assert_eq!(delivery.event_data, Some(json!({"group_id": "g-1"})));
}

#[test]
fn a_signed_body_that_is_not_an_event_is_malformed() {
    let body = b"[1, 2, 3]";
    assert!(matches!(
        webhook::verify(&headers("signature", &sign(body, SECRET)), body, SECRET),
        Err(WebhookError::Malformed(_))
    ));
}

// ---- downloads -------------------------------------------------------------------------------

#[tokio::test]
async fn proofread_subtitles_come_back_as_text_without_credentials() {
    let h = Harness::start().await;
    let files = wiremock::MockServer::start().await;
    let srt = "1\n00:00:00,000 --> 00:00:02,000\nHola\n";
    wiremock::Mock::given(wiremock::matchers::path("/p-1.srt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(srt))
        .expect(1)
        .mount(&files)
        .await;
    let reply = json!({"error": null, "data": {"srt_url": format!("{}/p-1.srt", files.uri())}});
    call("GET", "/v2/video_translate/proofread/p-1/download-srt")
        .respond_with(ResponseTemplate::new(200).set_body_json(reply))
        .mount(&h.api)
        .await;
    assert_eq!(h.client.download_proofread_srt_text("p-1").await.unwrap(), srt);
    let sent = files.received_requests().await.unwrap();
    assert!(!sent[0].headers.contains_key("x-api-key"), "the signed link gets no API key");
}

#[tokio::test]
async fn an_expired_link_is_an_api_error() {
    let h = Harness::start().await;
    let files = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(403).set_body_string("<Error><Code>AccessDenied</Code></Error>"))
        .mount(&files)
        .await;
    let err = h.client.fetch_text(&format!("{}/old.srt", files.uri())).await.unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.status == 403 && e.body.contains("AccessDenied")), "{err:?}");
}
