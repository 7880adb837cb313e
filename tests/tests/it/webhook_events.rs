//! Webhook payloads: every event type HeyGen documents a body for (docs.heygen.com/docs/using-heygens-webhook-events,
//! with HeyGen's placeholders replaced by realistic values) parses into its named schema type, parses as the
//! tagged union `WebhookEvent` into the matching variant, and serializes back to the payload (nulls aside).
//! Event types without a documented payload are read as `GenericWebhookEvent`.

use heygen_client::legacy::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Drops null object members, so that absent and null compare equal.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Parses `payload` as `T` and checks that serializing it back gives `payload` (a field `T` does not
/// know would be dropped, and fail this).
fn parse_exactly<T: DeserializeOwned + Serialize>(payload: &Value) -> T {
    let parsed: T = serde_json::from_value(payload.clone())
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", std::any::type_name::<T>()));
    let back = serde_json::to_value(&parsed).expect("typed values serialize");
    assert_eq!(
        without_nulls(back),
        without_nulls(payload.clone()),
        "{} does not round-trip",
        std::any::type_name::<T>()
    );
    parsed
}

/// The union and the catch-all: `payload` parses as both and serializes back to itself.
fn parse_as_union(payload: &Value) -> types::WebhookEvent {
    let generic: types::GenericWebhookEvent = parse_exactly(payload);
    assert_eq!(Some(generic.event_type.as_str()), payload["event_type"].as_str());
    parse_exactly(payload)
}

#[test]
fn avatar_video_success() {
    let payload = json!({
        "event_type": "avatar_video.success",
        "event_data": {
            "video_id": "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f",
            "url": "https://resource.heygen.ai/video/7b3c5e9f.mp4",
            "callback_id": "order-1234"
        }
    });
    let event: types::AvatarVideoSuccessEvent = parse_exactly(&payload);
    assert_eq!(event.event_type, "avatar_video.success");
    assert_eq!(event.event_data.video_id, "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f");
    assert_eq!(event.event_data.url.as_deref(), Some("https://resource.heygen.ai/video/7b3c5e9f.mp4"));
    assert_eq!(event.event_data.callback_id.as_deref(), Some("order-1234"));
    let types::WebhookEvent::AvatarVideoSuccess(data) = parse_as_union(&payload) else {
        panic!("avatar_video.success must be the AvatarVideoSuccess variant");
    };
    assert_eq!(data.video_id, "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f");
}

#[test]
fn avatar_video_fail() {
    let payload = json!({
        "event_type": "avatar_video.fail",
        "event_data": {
            "video_id": "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f",
            "msg": "Avatar not found",
            "callback_id": "order-1234"
        }
    });
    let event: types::AvatarVideoFailEvent = parse_exactly(&payload);
    assert_eq!(event.event_type, "avatar_video.fail");
    assert_eq!(event.event_data.video_id, "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f");
    assert_eq!(event.event_data.msg.as_deref(), Some("Avatar not found"));
    let types::WebhookEvent::AvatarVideoFail(data) = parse_as_union(&payload) else {
        panic!("avatar_video.fail must be the AvatarVideoFail variant");
    };
    assert_eq!(data.callback_id.as_deref(), Some("order-1234"));
}

#[test]
fn avatar_video_gif_success() {
    let payload = json!({
        "event_type": "avatar_video_gif.success",
        "event_data": {
            "video_id": "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f",
            "url": "https://resource.heygen.ai/video/gifs/7b3c5e9f.gif",
            "callback_id": "order-1234"
        }
    });
    let event: types::AvatarVideoSuccessEvent = parse_exactly(&payload);
    assert_eq!(event.event_type, "avatar_video_gif.success");
    assert_eq!(event.event_data.video_id, "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f");
    assert_eq!(event.event_data.url.as_deref(), Some("https://resource.heygen.ai/video/gifs/7b3c5e9f.gif"));
    let types::WebhookEvent::AvatarVideoGifSuccess(data) = parse_as_union(&payload) else {
        panic!("avatar_video_gif.success must be the AvatarVideoGifSuccess variant");
    };
    assert!(data.url.is_some_and(|url| url.ends_with(".gif")));
}

#[test]
fn avatar_video_gif_fail() {
    let payload = json!({
        "event_type": "avatar_video_gif.fail",
        "event_data": {
            "video_id": "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f",
            "msg": "GIF generation failed",
            "callback_id": "order-1234"
        }
    });
    let event: types::AvatarVideoFailEvent = parse_exactly(&payload);
    assert_eq!(event.event_type, "avatar_video_gif.fail");
    assert_eq!(event.event_data.msg.as_deref(), Some("GIF generation failed"));
    assert_eq!(event.event_data.callback_id.as_deref(), Some("order-1234"));
    let types::WebhookEvent::AvatarVideoGifFail(data) = parse_as_union(&payload) else {
        panic!("avatar_video_gif.fail must be the AvatarVideoGifFail variant");
    };
    assert_eq!(data.video_id, "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f");
}

#[test]
fn video_translate_success() {
    let payload = json!({
        "event_type": "video_translate.success",
        "event_data": {
            "video_translate_id": "2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b",
            "url": "https://resource.heygen.ai/video_translate/2c4e6a8b.mp4",
            "callback_id": "translation-42",
            "output_language": "Spanish"
        }
    });
    let event: types::VideoTranslateSuccessEvent = parse_exactly(&payload);
    assert_eq!(event.event_type, "video_translate.success");
    assert_eq!(event.event_data.video_translate_id, "2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b");
    assert_eq!(event.event_data.output_language.as_deref(), Some("Spanish"));
    assert_eq!(event.event_data.url.as_deref(), Some("https://resource.heygen.ai/video_translate/2c4e6a8b.mp4"));
    let types::WebhookEvent::VideoTranslateSuccess(data) = parse_as_union(&payload) else {
        panic!("video_translate.success must be the VideoTranslateSuccess variant");
    };
    assert_eq!(data.callback_id.as_deref(), Some("translation-42"));
}

#[test]
fn video_translate_fail() {
    let payload = json!({
        "event_type": "video_translate.fail",
        "event_data": {
            "video_translate_id": "2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b",
            "message": "No speech detected in the source video",
            "callback_id": "translation-42",
            "output_language": "Spanish"
        }
    });
    let event: types::VideoTranslateFailEvent = parse_exactly(&payload);
    assert_eq!(event.event_type, "video_translate.fail");
    assert_eq!(event.event_data.video_translate_id, "2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b");
    assert_eq!(event.event_data.message.as_deref(), Some("No speech detected in the source video"));
    let types::WebhookEvent::VideoTranslateFail(data) = parse_as_union(&payload) else {
        panic!("video_translate.fail must be the VideoTranslateFail variant");
    };
    assert_eq!(data.output_language.as_deref(), Some("Spanish"));
}

#[test]
fn personalized_video() {
    let payload = json!({
        "event_type": "personalized_video",
        "event_data": {
            "project_id": "5e6f7a8b9c0d4e1f2a3b4c5d6e7f8a9b",
            "video_id": "1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d",
            "video_url": "https://resource.heygen.ai/personalized/1a2b3c4d.mp4",
            "landing_page_url": "https://app.heygen.com/video/1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d",
            "gif_url": "https://resource.heygen.ai/personalized/1a2b3c4d.gif",
            "gif_html": "<a href=\"https://app.heygen.com/video/1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d\"><img src=\"https://resource.heygen.ai/personalized/1a2b3c4d.gif\"></a>",
            "contact_info": "ada@example.com"
        }
    });
    let event: types::PersonalizedVideoEvent = parse_exactly(&payload);
    assert_eq!(event.event_type, "personalized_video");
    assert_eq!(event.event_data.project_id.as_deref(), Some("5e6f7a8b9c0d4e1f2a3b4c5d6e7f8a9b"));
    assert_eq!(event.event_data.video_url.as_deref(), Some("https://resource.heygen.ai/personalized/1a2b3c4d.mp4"));
    assert_eq!(event.event_data.contact_info, Some(json!("ada@example.com")));
    let types::WebhookEvent::PersonalizedVideo(data) = parse_as_union(&payload) else {
        panic!("personalized_video must be the PersonalizedVideo variant");
    };
    assert_eq!(data.video_id.as_deref(), Some("1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d"));
}

#[test]
fn an_undocumented_event_type_reads_as_generic_webhook_event() {
    let payload = json!({
        "event_type": "photo_avatar_train.success",
        "event_data": {"group_id": "3b5d7f9a1c2e4a6b8d0f2a4c6e8b0d2f", "status": "ready"}
    });
    let event: types::GenericWebhookEvent = parse_exactly(&payload);
    assert_eq!(event.event_type, "photo_avatar_train.success");
    assert_eq!(event.event_data.as_ref().and_then(|d| d.get("status")), Some(&json!("ready")));
    assert!(event.event_id.is_none());
    let union = serde_json::from_value::<types::WebhookEvent>(payload.clone()).unwrap();
    assert!(matches!(union, types::WebhookEvent::Unknown(raw) if raw == payload), "kept whole as Unknown");
}
