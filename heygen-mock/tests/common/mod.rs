//! What the tests share: typed requests for every kind of job, and the few client calls whose
//! signatures are about to change (the idempotency key's place), each written once.
#![allow(dead_code)] // each test file uses a part

use std::time::Duration;

use heygen_mock::api::{Client, Error, WaitOptions, types};

/// Polls often: the fake answers at once.
pub fn fast_wait() -> WaitOptions {
    WaitOptions {
        interval: Duration::from_millis(2),
        max_interval: Duration::from_millis(10),
        ..WaitOptions::default()
    }
}

/// `create_video` with an optional idempotency key.
pub async fn create_video(
    client: &Client,
    key: Option<&str>,
    request: &types::CreateVideoRequest,
) -> Result<String, Error> {
    Ok(client.create_video(key, request).await?.into_inner().data.video_id)
}

/// `create_lipsync` with an optional idempotency key.
pub async fn create_lipsync(client: &Client, key: Option<&str>) -> Result<String, Error> {
    Ok(client.create_lipsync(key, &lipsync()).await?.into_inner().data.lipsync_id)
}

/// `create_webhook_endpoint` for every event type; its id and secret.
pub async fn create_endpoint(client: &Client, url: &str) -> (String, String) {
    let request = types::WebhookEndpointCreateRequest { url: url.to_owned(), events: None, entity_id: None };
    let endpoint = client.create_webhook_endpoint(None, &request).await.unwrap().into_inner().data;
    (endpoint.endpoint_id, endpoint.secret.expect("the create reply shows the secret"))
}

/// HeyGen's error body of a failed call, as the client's type.
pub fn error_body(error: &Error) -> types::ErrorBody {
    match error {
        Error::Api(api) => serde_json::from_str(&api.body).expect("HeyGen's error body"),
        other => panic!("expected an API error, got {other}"),
    }
}

fn url(text: &str) -> types::AssetInput {
    types::AssetInput::url(text)
}

fn remote(text: &str) -> types::RemoteAssetInput {
    types::RemoteAssetInput::url(text)
}

/// An `avatar` video titled `title`.
pub fn avatar_video(title: &str) -> types::CreateVideoRequest {
    avatar_video_with(title, None)
}

/// An `avatar` video whose own `callback_url` and `callback_id` are `callback`.
pub fn avatar_video_with(title: &str, callback: Option<(&str, &str)>) -> types::CreateVideoRequest {
    types::CreateVideoRequest::Avatar {
        avatar_id: "avatar_1".into(),
        script: Some(types::VideoScript(Some("Hello.".into()))),
        voice_id: Some("voice_1".into()),
        title: Some(types::VideoTitle(Some(title.into()))),
        callback_url: callback.map(|(url, _)| types::VideoCallbackUrl(Some(url.into()))),
        callback_id: callback.map(|(_, id)| types::VideoCallbackId(Some(id.into()))),
        aspect_ratio: None,
        audio_asset_id: None,
        audio_url: None,
        background: None,
        brand_glossary_id: None,
        caption: None,
        engine: None,
        expressiveness: None,
        fit: None,
        folder_id: None,
        motion_prompt: None,
        output_format: None,
        remove_background: None,
        resolution: None,
        voice_settings: None,
        watermark: None,
    }
}

/// An `image` video.
pub fn image_video() -> types::CreateVideoRequest {
    types::CreateVideoRequest::Image {
        image: url("https://example.com/face.png"),
        script: Some(types::VideoScript(Some("Hello.".into()))),
        voice_id: Some("voice_1".into()),
        aspect_ratio: None,
        audio_asset_id: None,
        audio_url: None,
        background: None,
        brand_glossary_id: None,
        callback_id: None,
        callback_url: None,
        caption: None,
        expressiveness: None,
        fit: None,
        folder_id: None,
        motion_prompt: None,
        output_format: None,
        remove_background: None,
        resolution: None,
        title: None,
        voice_settings: None,
        watermark: None,
    }
}

/// A `cinematic_avatar` video.
pub fn cinematic_video() -> types::CreateVideoRequest {
    types::CreateVideoRequest::CinematicAvatar {
        avatar_id: vec!["look_1".into()],
        prompt: "A walk on the beach.".into(),
        aspect_ratio: types::CreateVideoRequestAspectRatio::try_from("16:9").unwrap(),
        auto_duration: false,
        duration: None,
        enhance_prompt: false,
        folder_id: None,
        references: None,
        resolution: types::CreateVideoRequestResolution::try_from("1080p").unwrap(),
        title: None,
    }
}

/// A `studio` video of one image scene.
pub fn studio_video() -> types::CreateVideoRequest {
    let scene = types::StudioScene::Image {
        source: url("https://example.com/slide.png"),
        duration: Some(3.0),
        audio_asset_id: None,
        audio_url: None,
        script: None,
        voice_id: None,
        voice_settings: None,
    };
    types::CreateVideoRequest::Studio {
        scenes: vec![scene],
        aspect_ratio: None,
        brand_glossary_id: None,
        callback_id: None,
        callback_url: None,
        caption: None,
        folder_id: None,
        resolution: None,
        title: None,
        watermark: None,
    }
}

/// A translation into `languages`.
pub fn translation(languages: &[&str]) -> types::VideoTranslationCreateRequest {
    types::VideoTranslationCreateRequest {
        video: remote("https://example.com/talk.mp4"),
        output_languages: languages.iter().map(|l| (*l).to_owned()).collect(),
        title: Some("talk".into()),
        audio: None,
        brand_glossary_id: None,
        brand_voice_id: None,
        callback_id: None,
        callback_url: None,
        disable_music_track: false,
        enable_caption: false,
        enable_dynamic_duration: true,
        enable_speech_enhancement: false,
        enable_watermark: false,
        end_time: None,
        folder_id: None,
        fps_mode: None,
        input_language: None,
        keep_the_same_format: None,
        mode: None,
        speaker_num: None,
        srt: None,
        srt_role: None,
        start_time: None,
        stock_voice_config: None,
        translate_audio_only: false,
    }
}

/// A lipsync.
pub fn lipsync() -> types::LipsyncCreateRequest {
    types::LipsyncCreateRequest {
        video: remote("https://example.com/talk.mp4"),
        audio: remote("https://example.com/voice.mp3"),
        title: None,
        callback_id: None,
        callback_url: None,
        disable_music_track: false,
        enable_caption: false,
        enable_dynamic_duration: true,
        enable_speech_enhancement: false,
        enable_watermark: false,
        end_time: None,
        folder_id: None,
        fps_mode: None,
        keep_the_same_format: None,
        mode: None,
        start_time: None,
    }
}

/// A voice clone.
pub fn voice_clone() -> types::VoiceCloneRequest {
    types::VoiceCloneRequest {
        audio: url("https://example.com/voice.mp3"),
        voice_name: "My voice".parse().unwrap(),
        language: Some("English".into()),
        remove_background_noise: true,
    }
}

/// A background removal, de-duplicated by `request_id` when given.
pub fn background_removal(request_id: Option<&str>) -> types::BackgroundRemovalCreateRequest {
    types::BackgroundRemovalCreateRequest {
        video: url("https://example.com/talk.mp4"),
        layers: vec![types::BackgroundRemovalLayer::Foreground, types::BackgroundRemovalLayer::Mask],
        request_id: request_id.map(str::to_owned),
        title: None,
    }
}

/// The `status` a typed reply carries, as sent (whatever Rust type holds it).
pub fn status_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).unwrap()["status"].as_str().unwrap_or_default().to_owned()
}

/// A POST of a typed body to the fake without the client (no retries, no key of its own), with
/// `key` as `Idempotency-Key`.
pub async fn raw_post<T: serde::Serialize>(
    fake: &heygen_mock::FakeHeyGen,
    path: &str,
    key: Option<&str>,
    body: &T,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", fake.url()))
        .header("x-api-key", "test")
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap());
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.unwrap()
}
