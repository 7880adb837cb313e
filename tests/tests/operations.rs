//! One test per operation: the request the client sends (method, path, query, `X-Api-Key`, body)
//! and the typed parse of the spec's example response. A request that does not match its mock
//! gets wiremock's 404, so the call fails.

use heygen_client::types;
use heygen_tests::{Harness, assert_parsed_example, call, example_response};
use serde_json::json;
use wiremock::matchers::{body_bytes, body_json, header, query_param};

#[tokio::test]
async fn create_avatar_video_v2() {
    let h = Harness::start().await;
    let sent = json!({
        "video_inputs": [{
            "character": {"type": "avatar", "avatar_id": "Angela-inblackskirt-20220820", "avatar_style": "normal"},
            "voice": {"type": "text", "voice_id": "1bd001e7e50f421d891986aad5158bc8", "input_text": "Hello there", "speed": 1.1},
            "background": {"type": "color", "value": "#f6f6fc"}
        }, {
            "character": {"type": "talking_photo", "talking_photo_id": "tp-1", "talking_style": "expressive"},
            "voice": {"type": "silence", "duration": 2.0}
        }],
        "dimension": {"width": 1280, "height": 720},
        "caption": true,
        "title": "Launch"
    });
    call("POST", "/v2/video/generate")
        .and(body_json(&sent))
        .respond_with(example_response("create_avatar_video_v2"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body: types::CreateAvatarVideoV2Request = serde_json::from_value(sent).unwrap();
    assert!(matches!(body.video_inputs[0].voice, types::Voice::Text { .. }));
    let reply = h.client.create_avatar_video_v2(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.video_id, "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f");
    assert_parsed_example("create_avatar_video_v2", &reply);
}

#[tokio::test]
async fn get_video_status() {
    let h = Harness::start().await;
    call("GET", "/v1/video_status.get")
        .and(query_param("video_id", "abc123"))
        .respond_with(example_response("get_video_status"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_video_status("abc123").await.unwrap().into_inner();
    assert_eq!(reply.code, 100);
    assert_eq!(reply.data.status, types::VideoStatus::Completed);
    assert_eq!(reply.data.duration, Some(12.5));
    assert_parsed_example("get_video_status", &reply);
}

#[tokio::test]
async fn create_webm_video() {
    let h = Harness::start().await;
    let sent = json!({"avatar_pose_id": "Vanessa-invest-20220722", "avatar_style": "closeUp", "input_text": "Hi", "voice_id": "v1"});
    call("POST", "/v1/video.webm")
        .and(body_json(&sent))
        .respond_with(example_response("create_webm_video"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body: types::CreateWebmVideoRequest = serde_json::from_value(sent).unwrap();
    let reply = h.client.create_webm_video(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.video_id, "5d1e3f7a9b2c4e6f8a0b1c2d3e4f5a6b");
    assert_parsed_example("create_webm_video", &reply);
}

#[tokio::test]
async fn create_avatar_iv_video() {
    let h = Harness::start().await;
    let body = types::CreateAvatarIvVideoRequest {
        image_key: "image/abc/original.jpg".into(),
        video_title: "Demo".into(),
        script: "Welcome".into(),
        voice_id: "v1".into(),
        video_orientation: Some(types::VideoOrientation::Portrait),
        audio_asset_id: None,
        audio_url: None,
        custom_motion_prompt: Some("waves".into()),
        enhance_custom_motion_prompt: None,
        fit: None,
    };
    call("POST", "/v2/video/av4/generate")
        .and(body_json(json!({
            "image_key": "image/abc/original.jpg", "video_title": "Demo", "script": "Welcome",
            "voice_id": "v1", "video_orientation": "portrait", "custom_motion_prompt": "waves"
        })))
        .respond_with(example_response("create_avatar_iv_video"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.create_avatar_iv_video(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.video_id, "0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d");
    assert_parsed_example("create_avatar_iv_video", &reply);
}

#[tokio::test]
async fn list_videos() {
    let h = Harness::start().await;
    call("GET", "/v1/video.list")
        .and(query_param("limit", "2"))
        .and(query_param("token", "page-1"))
        .respond_with(example_response("list_videos"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_videos(None, Some(2), None, Some("page-1")).await.unwrap().into_inner();
    assert_eq!(reply.data.videos.len(), 2);
    assert_eq!(reply.data.videos[1].type_, Some(types::VideoKind::Translated));
    assert_eq!(reply.data.token.as_deref(), Some("NjY3ZDFhYjI5ZTQ4"));
    assert_parsed_example("list_videos", &reply);
}

#[tokio::test]
async fn share_video() {
    let h = Harness::start().await;
    call("POST", "/v1/video/share")
        .and(body_json(json!({"video_id": "abc123"})))
        .respond_with(example_response("share_video"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::ShareVideoRequest { video_id: "abc123".into() };
    let reply = h.client.share_video(&body).await.unwrap().into_inner();
    assert!(
        matches!(&reply.data, Some(types::SharedVideo::String(url)) if url.starts_with("https://app.heygen.com/share/"))
    );
    assert_parsed_example("share_video", &reply);
}

#[tokio::test]
async fn delete_video() {
    let h = Harness::start().await;
    call("DELETE", "/v1/video.delete")
        .and(query_param("video_id", "abc123"))
        .and(query_param("type", "video_translate"))
        .respond_with(example_response("delete_video"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply =
        h.client.delete_video(Some(types::DeletedVideoKind::VideoTranslate), "abc123").await.unwrap().into_inner();
    assert_eq!(reply.code, 100);
    assert!(reply.data.is_none());
    assert_parsed_example("delete_video", &reply);
}

#[tokio::test]
async fn get_remaining_quota() {
    let h = Harness::start().await;
    call("GET", "/v2/user/remaining_quota")
        .respond_with(example_response("get_remaining_quota"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_remaining_quota().await.unwrap().into_inner();
    assert_eq!(reply.data.remaining_quota, 2344452);
    assert_eq!(reply.data.details.get("api"), Some(&2344452.0));
    assert_parsed_example("get_remaining_quota", &reply);
}

#[tokio::test]
async fn get_current_user() {
    let h = Harness::start().await;
    call("GET", "/v1/user/me").respond_with(example_response("get_current_user")).expect(1).mount(&h.api).await;
    let reply = h.client.get_current_user().await.unwrap().into_inner();
    assert_eq!(reply.data.email.as_deref(), Some("ada@example.com"));
    assert_parsed_example("get_current_user", &reply);
}

#[tokio::test]
async fn upload_asset_sends_raw_bytes_to_the_upload_host() {
    let h = Harness::start().await;
    let png = b"\x89PNG\r\n\x1a\n-not-really-a-png".to_vec();
    call("POST", "/v1/asset")
        .and(header("content-type", "image/png"))
        .and(body_bytes(png.clone()))
        .respond_with(example_response("upload_asset"))
        .expect(1)
        .mount(&h.upload)
        .await;
    let reply = h.client.upload_asset(types::AssetContentType::ImagePng, png).await.unwrap().into_inner();
    assert_eq!(reply.data.file_type, Some(types::AssetFileType::Image));
    assert_eq!(reply.data.image_key.as_deref(), Some("image/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b/original.jpg"));
    assert_parsed_example("upload_asset", &reply);
    assert!(h.api.received_requests().await.unwrap().is_empty(), "nothing goes to the API host");
}

#[tokio::test]
async fn list_assets() {
    let h = Harness::start().await;
    call("GET", "/v1/asset/list")
        .and(query_param("file_type", "image"))
        .and(query_param("limit", "50"))
        .respond_with(example_response("list_assets"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_assets(Some("image"), None, Some(50), None).await.unwrap().into_inner();
    assert_eq!(reply.data.total, Some(2));
    assert_eq!(reply.data.assets[1].url, None);
    assert_parsed_example("list_assets", &reply);
}

#[tokio::test]
async fn delete_asset() {
    let h = Harness::start().await;
    call("POST", "/v1/asset/asset%2F42/delete")
        .respond_with(example_response("delete_asset"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.delete_asset("asset/42").await.unwrap().into_inner();
    assert_eq!(reply.data.as_ref().map(|a| a.id.as_str()), Some("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"));
    assert_parsed_example("delete_asset", &reply);
}
