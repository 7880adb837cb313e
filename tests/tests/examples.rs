//! The runnable examples in generated-client/examples, their cores run against mock servers.

#![allow(dead_code)] // each example's `main` is not called here
#![allow(clippy::duplicate_mod)] // each example includes the shared `common` module, as it does when built alone

use std::time::Duration;

use heygen_client::WaitOptions;
use heygen_tests::{Harness, call, example_response, success_example};
use serde_json::json;
use wiremock::ResponseTemplate;
use wiremock::matchers::{body_json, body_partial_json, header, query_param};

#[path = "../../generated-client/examples/create_video.rs"]
mod create_video;
#[path = "../../generated-client/examples/list_videos.rs"]
mod list_videos;
#[path = "../../generated-client/examples/translate_video.rs"]
mod translate_video;
#[path = "../../generated-client/examples/upload_asset.rs"]
mod upload_asset;
#[path = "../../generated-client/examples/whoami.rs"]
mod whoami;

fn args(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

fn fast_wait() -> WaitOptions {
    WaitOptions { interval: Duration::from_millis(5), ..WaitOptions::default() }
}

#[tokio::test]
async fn create_video_creates_waits_and_prints_the_url() {
    let h = Harness::start().await;
    call("POST", "/v2/video/generate")
        .and(body_json(json!({"video_inputs": [{
            "character": {"type": "avatar", "avatar_id": "Angela"},
            "voice": {"type": "text", "voice_id": "v-1", "input_text": "Hello from Rust"}
        }]})))
        .respond_with(example_response("create_avatar_video_v2"))
        .expect(1)
        .mount(&h.api)
        .await;
    call("GET", "/v1/video_status.get")
        .and(query_param("video_id", "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f"))
        .respond_with(example_response("get_video_status"))
        .mount(&h.api)
        .await;
    let lines =
        create_video::run(&h.client, &args(&["Angela", "v-1", "Hello", "from", "Rust"]), &fast_wait()).await.unwrap();
    assert_eq!(lines, ["https://resource.heygen.ai/video/7b3c5e9f.mp4"]);
}

#[tokio::test]
async fn translate_video_translates_waits_and_prints_the_url() {
    let h = Harness::start().await;
    call("POST", "/v2/video_translate")
        .and(body_partial_json(json!({"video_url": "https://example.com/in.mp4", "output_language": "Spanish"})))
        .respond_with(example_response("translate_video"))
        .expect(1)
        .mount(&h.api)
        .await;
    let id = success_example("translate_video")["data"]["video_translate_id"].as_str().unwrap().to_owned();
    let mut done = success_example("get_video_translation_status");
    done["data"]["status"] = json!("success");
    done["data"]["url"] = json!("https://resource.heygen.ai/translated.mp4");
    call("GET", &format!("/v2/video_translate/{id}"))
        .respond_with(ResponseTemplate::new(200).set_body_json(done))
        .mount(&h.api)
        .await;
    let lines =
        translate_video::run(&h.client, &args(&["https://example.com/in.mp4", "Spanish"]), &fast_wait()).await.unwrap();
    assert_eq!(lines, ["https://resource.heygen.ai/translated.mp4"]);
}

#[tokio::test]
async fn upload_asset_uploads_and_prints_the_id() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("song.mp3");
    std::fs::write(&path, b"ID3\x04\x00\x00\x00\x00\x00\x00audio").unwrap();
    call("POST", "/v1/asset")
        .and(header("content-type", "audio/mpeg"))
        .respond_with(example_response("upload_asset"))
        .expect(1)
        .mount(&h.upload)
        .await;
    let lines = upload_asset::run(&h.client, &args(&[path.to_str().unwrap()])).await.unwrap();
    assert_eq!(lines, ["9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"]);
}

#[tokio::test]
async fn list_videos_prints_every_id_across_pages() {
    let h = Harness::start().await;
    let page = |ids: &[&str], token: Option<&str>| {
        let videos: Vec<_> = ids.iter().map(|id| json!({"video_id": id})).collect();
        ResponseTemplate::new(200).set_body_json(json!({"code": 100, "data": {"videos": videos, "token": token}}))
    };
    call("GET", "/v1/video.list")
        .and(query_param("token", "next"))
        .respond_with(page(&["c"], None))
        .mount(&h.api)
        .await;
    call("GET", "/v1/video.list").respond_with(page(&["a", "b"], Some("next"))).mount(&h.api).await;
    assert_eq!(list_videos::run(&h.client).await.unwrap(), ["a", "b", "c"]);
}

#[tokio::test]
async fn whoami_prints_the_email_then_the_quota() {
    let h = Harness::start().await;
    call("GET", "/v1/user/me").respond_with(example_response("get_current_user")).mount(&h.api).await;
    call("GET", "/v2/user/remaining_quota").respond_with(example_response("get_remaining_quota")).mount(&h.api).await;
    assert_eq!(whoami::run(&h.client).await.unwrap(), ["ada@example.com", "2344452"]);
}

#[tokio::test]
async fn an_example_fails_with_a_readable_error() {
    let h = Harness::start_with(|b| b.max_retries(0)).await;
    call("GET", "/v1/user/me")
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"code": 40009, "message": "Invalid credentials provided"})),
        )
        .mount(&h.api)
        .await;
    let err = whoami::run(&h.client).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "get_current_user: HeyGen answered 401 Unauthorized, code 40009: Invalid credentials provided"
    );
}
