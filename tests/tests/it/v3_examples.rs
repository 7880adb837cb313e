//! The v3 examples in generated-client/examples, their cores run against mock servers.

#![allow(dead_code)] // each example's `main` is not called here
#![allow(clippy::duplicate_mod)] // each example includes the shared `common` module, as it does when built alone

use std::time::Duration;

use heygen_client::WaitOptions;
use heygen_tests::{Harness, call};
use serde_json::json;
use wiremock::matchers::{body_json, header_exists, method, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "../../../generated-client/examples/v3_clone_voice.rs"]
mod v3_clone_voice;
#[path = "../../../generated-client/examples/v3_create_video.rs"]
mod v3_create_video;
#[path = "../../../generated-client/examples/v3_list_videos.rs"]
mod v3_list_videos;
#[path = "../../../generated-client/examples/v3_translate_video.rs"]
mod v3_translate_video;
#[path = "../../../generated-client/examples/v3_upload_large_file.rs"]
mod v3_upload_large_file;

fn args(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

#[tokio::test]
async fn v3_create_video_creates_with_a_key_waits_and_prints_the_url() {
    let h = Harness::start().await;
    call("POST", "/v3/videos")
        .and(header_exists("idempotency-key"))
        .and(body_json(
            json!({"type": "avatar", "avatar_id": "look_1", "voice_id": "voice_1", "script": "Hello there"}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": {"video_id": "vid_1", "status": "waiting"}})),
        )
        .expect(1)
        .mount(&h.api)
        .await;
    let video = |status: &str, url: Option<&str>| {
        ResponseTemplate::new(200).set_body_json(json!({"data": {"id": "vid_1", "status": status, "video_url": url}}))
    };
    call("GET", "/v3/videos/vid_1").respond_with(video("processing", None)).up_to_n_times(1).mount(&h.api).await;
    call("GET", "/v3/videos/vid_1")
        .respond_with(video("completed", Some("https://files.example/vid_1.mp4")))
        .mount(&h.api)
        .await;
    let wait = WaitOptions { interval: Duration::from_millis(5), ..WaitOptions::default() };
    let lines =
        v3_create_video::run(&h.client.v3(), &args(&["look_1", "voice_1", "Hello", "there"]), &wait).await.unwrap();
    assert_eq!(lines, ["https://files.example/vid_1.mp4"]);
}

#[tokio::test]
async fn v3_list_videos_prints_every_video_across_pages() {
    let h = Harness::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let videos: Vec<_> = ids.iter().map(|id| json!({"id": id, "status": "completed"})).collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({"data": videos, "has_more": next.is_some(), "next_token": next}))
    };
    call("GET", "/v3/videos")
        .and(query_param_is_missing("token"))
        .respond_with(page(&["a", "b"], Some("t2")))
        .mount(&h.api)
        .await;
    call("GET", "/v3/videos").and(query_param("token", "t2")).respond_with(page(&["c"], None)).mount(&h.api).await;
    let lines = v3_list_videos::run(&h.client.v3()).await.unwrap();
    assert_eq!(lines, ["a completed", "b completed", "c completed"]);
}

#[tokio::test]
async fn v3_upload_large_file_uploads_directly_and_prints_the_asset_id() {
    let h = Harness::start().await;
    let storage = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.mp4");
    std::fs::write(&path, vec![7u8; 200_000]).unwrap();
    call("POST", "/v3/assets/direct-uploads")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "asset_id": "as_talk", "upload_url": format!("{}/put/as_talk", storage.uri()),
            "upload_headers": {"Content-Type": "video/mp4"}, "expires_in_seconds": 900,
            "max_bytes": 1_000_000_000, "status": "pending_upload",
        }})))
        .expect(1)
        .mount(&h.api)
        .await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&storage).await;
    call("POST", "/v3/assets/as_talk/complete")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "asset_id": "as_talk", "url": "https://files.example/talk.mp4", "mime_type": "video/mp4",
            "size_bytes": 200_000, "status": "processing",
        }})))
        .expect(1)
        .mount(&h.api)
        .await;
    let lines = v3_upload_large_file::run(&h.client.v3(), &args(&[path.to_str().unwrap()])).await.unwrap();
    assert_eq!(lines, ["as_talk"]);
}

#[tokio::test]
async fn v3_translate_video_waits_for_every_language() {
    let h = Harness::start().await;
    call("POST", "/v3/video-translations")
        .and(header_exists("idempotency-key"))
        .and(wiremock::matchers::body_partial_json(json!({
            "video": {"type": "url", "url": "https://files.example/talk.mp4"},
            "output_languages": ["Spanish (Spain)", "German"],
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": {"video_translation_ids": ["t1", "t2"]}})),
        )
        .expect(1)
        .mount(&h.api)
        .await;
    for id in ["t1", "t2"] {
        let done =
            json!({"data": {"id": id, "status": "completed", "video_url": format!("https://files.example/{id}.mp4")}});
        call("GET", &format!("/v3/video-translations/{id}"))
            .respond_with(ResponseTemplate::new(200).set_body_json(done))
            .mount(&h.api)
            .await;
    }
    let wait = WaitOptions { interval: Duration::from_millis(5), ..WaitOptions::default() };
    let lines = v3_translate_video::run(
        &h.client.v3(),
        &args(&["https://files.example/talk.mp4", "Spanish (Spain)", "German"]),
        &wait,
    )
    .await
    .unwrap();
    assert_eq!(lines, ["https://files.example/t1.mp4", "https://files.example/t2.mp4"]);
}

#[tokio::test]
async fn v3_clone_voice_waits_for_complete_then_speaks() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("me.mp3");
    std::fs::write(&recording, b"ID3\x03\x00\x00\x00\x00\x00\x00not really audio").unwrap();
    call("POST", "/v3/voices/clone")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"voice_clone_id": "v_1"}})))
        .expect(1)
        .mount(&h.api)
        .await;
    let voice = |status: &str| {
        ResponseTemplate::new(200)
            .set_body_json(json!({"data": {"voice_id": "v_1", "name": "Me", "status": status, "support_pause": true}}))
    };
    call("GET", "/v3/voices/v_1").respond_with(voice("processing")).up_to_n_times(1).mount(&h.api).await;
    call("GET", "/v3/voices/v_1").respond_with(voice("complete")).mount(&h.api).await;
    call("POST", "/v3/voices/speech")
        .and(wiremock::matchers::body_partial_json(json!({"text": "Hello there", "voice_id": "v_1"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"audio_url": "https://files.example/hello.mp3", "duration": 1.2}})),
        )
        .expect(1)
        .mount(&h.api)
        .await;
    let wait = WaitOptions { interval: Duration::from_millis(5), ..WaitOptions::default() };
    let path = recording.to_str().unwrap();
    let lines = v3_clone_voice::run(&h.client.v3(), &args(&[path, "Me", "Hello", "there"]), &wait).await.unwrap();
    assert_eq!(lines, ["https://files.example/hello.mp3"]);
}
