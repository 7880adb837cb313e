//! One test per operation of the Photo Avatar Generation, Video Avatar Generation, Avatar
//! Management, Voice Management and Voice Audio Preview groups: the request the client sends
//! (method, path, query, `X-Api-Key`, body) and the typed parse of the spec's example response.
//! A request that does not match its mock gets wiremock's 404, so the call fails.

use heygen_client::types;
use heygen_tests::{Harness, assert_parsed_example, call, example_response};
use serde_json::json;
use wiremock::matchers::{body_json, query_param};

// ---- Photo Avatar Generation ---------------------------------------------------------------

#[tokio::test]
async fn generate_photo_avatar_photos() {
    let h = Harness::start().await;
    let sent = json!({
        "name": "Lina",
        "age": "Young Adult",
        "gender": "Woman",
        "ethnicity": "Asian American",
        "orientation": "horizontal",
        "pose": "half_body",
        "style": "Realistic",
        "appearance": "A stylish woman in casual clothes walking down a busy city street",
        "callback_id": "lina-photos-1"
    });
    call("POST", "/v2/photo_avatar/photo/generate")
        .and(body_json(&sent))
        .respond_with(example_response("generate_photo_avatar_photos"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body: types::GeneratePhotoAvatarPhotosRequest = serde_json::from_value(sent).unwrap();
    assert_eq!(body.age, types::PhotoAvatarAge::YoungAdult);
    assert_eq!(body.ethnicity, types::PhotoAvatarEthnicity::AsianAmerican);
    let reply = h.client.generate_photo_avatar_photos(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.generation_id, "def3076d2c8b4929acf269d8ea6b562e");
    assert!(reply.error.is_none());
    assert_parsed_example("generate_photo_avatar_photos", &reply);
}

#[tokio::test]
async fn get_photo_avatar_generation() {
    let h = Harness::start().await;
    call("GET", "/v2/photo_avatar/generation/gen%2F1%20a")
        .respond_with(example_response("get_photo_avatar_generation"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_photo_avatar_generation("gen/1 a").await.unwrap().into_inner();
    assert_eq!(reply.data.status, types::PhotoAvatarGenerationStatus::Success);
    let keys = reply.data.image_key_list.as_deref().unwrap();
    assert_eq!(keys.len(), 4);
    assert_eq!(keys[0], "image/701c1dfb977d4d62bef3fda755e2d4c5/original");
    assert_eq!(reply.data.msg, None);
    assert_parsed_example("get_photo_avatar_generation", &reply);
}

#[tokio::test]
async fn create_photo_avatar_group() {
    let h = Harness::start().await;
    call("POST", "/v2/photo_avatar/avatar_group/create")
        .and(body_json(json!({"name": "Sylvia", "image_key": "image/47b2367366d94ee79894ed1f692b33ae/original"})))
        .respond_with(example_response("create_photo_avatar_group"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::CreatePhotoAvatarGroupRequest {
        name: "Sylvia".into(),
        image_key: "image/47b2367366d94ee79894ed1f692b33ae/original".into(),
        generation_id: None,
    };
    let reply = h.client.create_photo_avatar_group(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.status, Some(types::AvatarLookStatus::Pending));
    assert_eq!(reply.data.group_id.as_deref(), Some("0b1b8dabd16f40a2b2ae6599790bba05"));
    let upscale = reply.data.upscale_availability.as_ref().unwrap();
    assert_eq!(upscale.available, Some(false));
    assert_parsed_example("create_photo_avatar_group", &reply);
}

#[tokio::test]
async fn add_looks_to_photo_avatar_group() {
    let h = Harness::start().await;
    call("POST", "/v2/photo_avatar/avatar_group/add")
        .and(body_json(json!({
            "group_id": "0b1b8dabd16f40a2b2ae6599790bba05",
            "image_keys": [
                "image/5a6b7c8d9e0f4a1b2c3d4e5f6a7b8c9d/original",
                "image/6b7c8d9e0f1a4b2c3d4e5f6a7b8c9d0e/original"
            ],
            "name": "Sylvia outdoors"
        })))
        .respond_with(example_response("add_looks_to_photo_avatar_group"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::AddPhotoAvatarLooksRequest {
        group_id: "0b1b8dabd16f40a2b2ae6599790bba05".into(),
        image_keys: vec![
            "image/5a6b7c8d9e0f4a1b2c3d4e5f6a7b8c9d/original".into(),
            "image/6b7c8d9e0f1a4b2c3d4e5f6a7b8c9d0e/original".into(),
        ],
        name: Some("Sylvia outdoors".into()),
        generation_id: None,
    };
    let reply = h.client.add_looks_to_photo_avatar_group(&body).await.unwrap().into_inner();
    let looks = &reply.data.photo_avatar_list;
    assert_eq!(looks.len(), 1);
    assert_eq!(looks[0].id, "3c9e1a7b5d2f4e8a9b0c1d2e3f4a5b6c");
    assert_eq!(looks[0].is_motion, Some(false));
    assert_parsed_example("add_looks_to_photo_avatar_group", &reply);
}

#[tokio::test]
async fn train_photo_avatar_group() {
    let h = Harness::start().await;
    call("POST", "/v2/photo_avatar/train")
        .and(body_json(json!({"group_id": "0b1b8dabd16f40a2b2ae6599790bba05"})))
        .respond_with(example_response("train_photo_avatar_group"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::TrainPhotoAvatarGroupRequest { group_id: "0b1b8dabd16f40a2b2ae6599790bba05".into() };
    let reply = h.client.train_photo_avatar_group(&body).await.unwrap().into_inner();
    let job = reply.data.as_ref().expect("a training job");
    assert_eq!(job.flow_id.as_deref(), Some("8f2d6b4a1c3e4f5a9b7d0e2c4a6b8d1f"));
    assert_parsed_example("train_photo_avatar_group", &reply);
}

#[tokio::test]
async fn get_photo_avatar_training_status() {
    let h = Harness::start().await;
    call("GET", "/v2/photo_avatar/train/status/group%2F7")
        .respond_with(example_response("get_photo_avatar_training_status"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_photo_avatar_training_status("group/7").await.unwrap().into_inner();
    assert_eq!(reply.data.status, types::PhotoAvatarTrainingStatus::Ready);
    assert_eq!(reply.data.error_msg, None);
    assert_eq!(reply.data.updated_at, Some(1733862151.0));
    assert_parsed_example("get_photo_avatar_training_status", &reply);
}

#[tokio::test]
async fn generate_photo_avatar_looks() {
    let h = Harness::start().await;
    call("POST", "/v2/photo_avatar/look/generate")
        .and(body_json(json!({
            "group_id": "0b1b8dabd16f40a2b2ae6599790bba05",
            "prompt": "Wearing a navy suit in a bright modern office",
            "orientation": "vertical",
            "pose": "half_body",
            "style": "Realistic"
        })))
        .respond_with(example_response("generate_photo_avatar_looks"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::GeneratePhotoAvatarLooksRequest {
        group_id: "0b1b8dabd16f40a2b2ae6599790bba05".into(),
        prompt: "Wearing a navy suit in a bright modern office".into(),
        orientation: Some(types::PhotoAvatarOrientation::Vertical),
        pose: Some(types::PhotoAvatarPose::HalfBody),
        style: Some(types::PhotoAvatarStyle::Realistic),
    };
    let reply = h.client.generate_photo_avatar_looks(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.generation_id, "4ea4fea89c724fcfb49502c4323bac55");
    assert_parsed_example("generate_photo_avatar_looks", &reply);
}

#[tokio::test]
async fn add_photo_avatar_motion() {
    let h = Harness::start().await;
    call("POST", "/v2/photo_avatar/add_motion")
        .and(body_json(json!({
            "id": "62d4489300634c3f99c0ec994c31fa76",
            "prompt": "Nods gently and smiles while speaking",
            "motion_type": "consistent"
        })))
        .respond_with(example_response("add_photo_avatar_motion"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::AddPhotoAvatarMotionRequest {
        id: "62d4489300634c3f99c0ec994c31fa76".into(),
        prompt: Some("Nods gently and smiles while speaking".into()),
        motion_type: Some("consistent".into()),
    };
    let reply = h.client.add_photo_avatar_motion(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.id, "e08fcc7348ef4f839ed31abf000cef2c");
    assert_parsed_example("add_photo_avatar_motion", &reply);
}

#[tokio::test]
async fn add_photo_avatar_sound_effect() {
    let h = Harness::start().await;
    call("POST", "/v2/photo_avatar/add_sound_effect")
        .and(body_json(json!({"id": "e08fcc7348ef4f839ed31abf000cef2c"})))
        .respond_with(example_response("add_photo_avatar_sound_effect"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::PhotoAvatarIdRequest { id: "e08fcc7348ef4f839ed31abf000cef2c".into() };
    let reply = h.client.add_photo_avatar_sound_effect(&body).await.unwrap().into_inner();
    let effect = reply.data.as_ref().expect("a sound effect");
    assert_eq!(effect.sound_effect_id.as_deref(), Some("6d4b2f0e8c1a4e3b9f7d5c3a1e9b7d5f"));
    assert_parsed_example("add_photo_avatar_sound_effect", &reply);
}

#[tokio::test]
async fn get_photo_avatar_details() {
    let h = Harness::start().await;
    call("GET", "/v2/photo_avatar/look%2F9")
        .respond_with(example_response("get_photo_avatar_details"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_photo_avatar_details("look/9").await.unwrap().into_inner();
    assert_eq!(reply.data.status, Some(types::AvatarLookStatus::Completed));
    assert_eq!(reply.data.is_motion, Some(true));
    assert_eq!(reply.data.upscale_availability.as_ref().and_then(|u| u.available), Some(true));
    assert_parsed_example("get_photo_avatar_details", &reply);
}

#[tokio::test]
async fn delete_photo_avatar() {
    let h = Harness::start().await;
    call("DELETE", "/v2/photo_avatar/3c9e1a7b5d2f4e8a9b0c1d2e3f4a5b6c")
        .respond_with(example_response("delete_photo_avatar"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.delete_photo_avatar("3c9e1a7b5d2f4e8a9b0c1d2e3f4a5b6c").await.unwrap().into_inner();
    assert_eq!(reply.code, 100);
    assert!(reply.data.is_none());
    assert_parsed_example("delete_photo_avatar", &reply);
}

#[tokio::test]
async fn upscale_photo_avatar() {
    let h = Harness::start().await;
    call("POST", "/v2/photo_avatar/upscale")
        .and(body_json(json!({"id": "e08fcc7348ef4f839ed31abf000cef2c"})))
        .respond_with(example_response("upscale_photo_avatar"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::PhotoAvatarIdRequest { id: "e08fcc7348ef4f839ed31abf000cef2c".into() };
    let reply = h.client.upscale_photo_avatar(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.as_ref().and_then(|d| d.id.as_deref()), Some("7a5c3e1f9b8d4c2a6e0f1b3d5a7c9e2b"));
    assert!(reply.error.is_none());
    assert_parsed_example("upscale_photo_avatar", &reply);
}

#[tokio::test]
async fn delete_photo_avatar_group() {
    let h = Harness::start().await;
    call("DELETE", "/v2/photo_avatar_group/0b1b8dabd16f40a2b2ae6599790bba05")
        .respond_with(example_response("delete_photo_avatar_group"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.delete_photo_avatar_group("0b1b8dabd16f40a2b2ae6599790bba05").await.unwrap().into_inner();
    assert_eq!(reply.code, Some(100));
    assert!(reply.data.is_none());
    assert!(reply.error.is_none());
    assert_parsed_example("delete_photo_avatar_group", &reply);
}

// ---- Video Avatar Generation ---------------------------------------------------------------

#[tokio::test]
async fn create_video_avatar() {
    let h = Harness::start().await;
    call("POST", "/v2/video_avatar")
        .and(body_json(json!({
            "training_footage_url": "https://example.com/footage/ada-training.mp4",
            "video_consent_url": "https://example.com/footage/ada-consent.mp4",
            "avatar_name": "Ada in the studio",
            "callback_id": "ada-twin-1"
        })))
        .respond_with(example_response("create_video_avatar"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::CreateVideoAvatarRequest {
        training_footage_url: "https://example.com/footage/ada-training.mp4".into(),
        video_consent_url: "https://example.com/footage/ada-consent.mp4".into(),
        avatar_name: "Ada in the studio".into(),
        callback_id: Some("ada-twin-1".into()),
        callback_url: None,
        avatar_group_id: None,
    };
    let reply = h.client.create_video_avatar(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.avatar_id, "5f3a1c9e7b2d4f6a8c0e2b4d6f8a1c3e");
    assert_eq!(reply.data.avatar_group_id.as_deref(), Some("9d7b5f3a1e2c4b6d8f0a2c4e6b8d0f1a"));
    assert_parsed_example("create_video_avatar", &reply);
}

#[tokio::test]
async fn get_video_avatar_status() {
    let h = Harness::start().await;
    call("GET", "/v2/video_avatar/twin%2Fa%20b")
        .respond_with(example_response("get_video_avatar_status"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_video_avatar_status("twin/a b").await.unwrap().into_inner();
    assert_eq!(reply.data.status, Some(types::VideoAvatarStatus::Completed));
    assert_eq!(reply.data.error_message, None);
    assert_eq!(reply.data.default_voice_id.as_deref(), Some("1bd001e7e50f421d891986aad5158bc8"));
    assert_parsed_example("get_video_avatar_status", &reply);
}

#[tokio::test]
async fn delete_video_avatar() {
    let h = Harness::start().await;
    call("DELETE", "/v2/video_avatar/twin%2F1")
        .respond_with(example_response("delete_video_avatar"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.delete_video_avatar("twin/1").await.unwrap().into_inner();
    assert_eq!(reply.code, 100);
    assert!(reply.data.is_none());
    assert_eq!(reply.message, None);
    assert_parsed_example("delete_video_avatar", &reply);
}

// ---- Avatar Management ---------------------------------------------------------------------

#[tokio::test]
async fn list_avatar_groups() {
    let h = Harness::start().await;
    call("GET", "/v2/avatar_group.list")
        .and(query_param("include_public", "false"))
        .respond_with(example_response("list_avatar_groups"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_avatar_groups(Some(false)).await.unwrap().into_inner();
    assert_eq!(reply.data.total_count, Some(2));
    let groups = &reply.data.avatar_group_list;
    assert_eq!(groups[0].train_status.as_deref(), Some("ready"));
    assert_eq!(groups[1].preview_image, None);
    assert_eq!(groups[1].default_voice_id.as_deref(), Some("1bd001e7e50f421d891986aad5158bc8"));
    assert_parsed_example("list_avatar_groups", &reply);
}

#[tokio::test]
async fn list_avatar_group_looks() {
    let h = Harness::start().await;
    call("GET", "/v2/avatar_group/group%2F7/avatars")
        .respond_with(example_response("list_avatar_group_looks"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_avatar_group_looks("group/7").await.unwrap().into_inner();
    let look = &reply.data.avatar_list[0];
    assert_eq!(look.status, Some(types::AvatarLookStatus::Completed));
    assert_eq!(look.default_voice_id.as_deref(), Some("1bd001e7e50f421d891986aad5158bc8"));
    assert_eq!(
        look.upscale_availability.as_ref().and_then(|u| u.reason.as_deref()),
        Some("Only motion avatars can be upscaled")
    );
    assert_parsed_example("list_avatar_group_looks", &reply);
}

#[tokio::test]
async fn list_avatars() {
    let h = Harness::start().await;
    call("GET", "/v2/avatars").respond_with(example_response("list_avatars")).expect(1).mount(&h.api).await;
    let reply = h.client.list_avatars().await.unwrap().into_inner();
    assert_eq!(reply.data.avatars[0].avatar_id, "Abigail_expressive_2024112501");
    assert_eq!(reply.data.avatars[0].premium, Some(false));
    assert_eq!(reply.data.talking_photos[0].talking_photo_name.as_deref(), Some("Sylvia"));
    assert_parsed_example("list_avatars", &reply);
}

#[tokio::test]
async fn get_avatar_details() {
    let h = Harness::start().await;
    call("GET", "/v2/avatar/Abigail%20expressive%2F2024/details")
        .respond_with(example_response("get_avatar_details"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_avatar_details("Abigail expressive/2024").await.unwrap().into_inner();
    assert_eq!(reply.data.gender, Some(types::AvatarGender::Female));
    assert_eq!(reply.data.is_public, Some(true));
    assert_eq!(reply.data.tags, ["AVATAR_IV", "NEW"]);
    assert_parsed_example("get_avatar_details", &reply);
}

// ---- Voice Management ----------------------------------------------------------------------

#[tokio::test]
async fn list_voices() {
    let h = Harness::start().await;
    call("GET", "/v2/voices").respond_with(example_response("list_voices")).expect(1).mount(&h.api).await;
    let reply = h.client.list_voices().await.unwrap().into_inner();
    let voices = &reply.data.voices;
    assert_eq!(voices.len(), 2);
    assert_eq!(voices[0].support_interactive_avatar, Some(true));
    assert_eq!(voices[1].gender.as_deref(), Some("Male"));
    assert_eq!(voices[1].preview_audio.as_deref(), Some(""));
    assert_parsed_example("list_voices", &reply);
}

#[tokio::test]
async fn list_voice_locales() {
    let h = Harness::start().await;
    call("GET", "/v2/voices/locales")
        .respond_with(example_response("list_voice_locales"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_voice_locales().await.unwrap().into_inner();
    let locales = &reply.data.locales;
    assert_eq!(locales.len(), 2);
    assert_eq!(locales[0].locale.as_deref(), Some("pt-BR"));
    assert_eq!(locales[1].language_code.as_deref(), Some("en"));
    assert_parsed_example("list_voice_locales", &reply);
}

#[tokio::test]
async fn list_brand_voices() {
    let h = Harness::start().await;
    call("GET", "/v1/brand_voice/list")
        .and(query_param("limit", "20"))
        .and(query_param("name_only", "true"))
        .and(query_param("token", "page 2&x"))
        .respond_with(example_response("list_brand_voices"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_brand_voices(Some(20), Some(true), Some("page 2&x")).await.unwrap().into_inner();
    assert_eq!(reply.data.total, Some(1));
    assert_eq!(reply.data.token, None);
    let glossary = &reply.data.list[0];
    assert_eq!(glossary.whitelist[0].0, ["AI", "artificial intelligence"]);
    assert_eq!(glossary.blacklist, ["Acme", "John Smith"]);
    assert_parsed_example("list_brand_voices", &reply);
}

#[tokio::test]
async fn update_brand_voice() {
    let h = Harness::start().await;
    call("POST", "/v1/brand_voice/glossary%2F2")
        .and(body_json(json!({"vocabulary": [["HeyGen", "Hey-jen"]], "tones": ["professional", "friendly"]})))
        .respond_with(example_response("update_brand_voice"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::UpdateBrandVoiceRequest {
        vocabulary: vec![types::TermPair(["HeyGen".into(), "Hey-jen".into()])],
        tones: vec!["professional".into(), "friendly".into()],
        blacklist: vec![],
        whitelist: vec![],
        name: None,
        tone: None,
    };
    let reply = h.client.update_brand_voice("glossary/2", &body).await.unwrap().into_inner();
    assert_eq!(reply.code, Some(100));
    assert_eq!(reply.message.as_deref(), Some("Success"));
    assert_eq!(reply.data.vocabulary[0].0, ["HeyGen", "Hey-jen"]);
    assert_parsed_example("update_brand_voice", &reply);
}

// ---- Voice Audio Preview -------------------------------------------------------------------

#[tokio::test]
async fn generate_voice_preview() {
    let h = Harness::start().await;
    call("POST", "/v2/voices/1bd001e7e50f421d891986aad5158bc8/preview")
        .and(body_json(json!({
            "text": "Hello world, this is a quick preview.",
            "voice_id": "1bd001e7e50f421d891986aad5158bc8",
            "text_type": "plain",
            "with_timestamps": true
        })))
        .respond_with(example_response("generate_voice_preview"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::GenerateVoicePreviewRequest {
        text: "Hello world, this is a quick preview.".into(),
        voice_id: "1bd001e7e50f421d891986aad5158bc8".into(),
        text_type: Some(types::VoicePreviewTextType::Plain),
        with_timestamps: Some(true),
        generation_type: None,
        settings: None,
    };
    let reply = h.client.generate_voice_preview("1bd001e7e50f421d891986aad5158bc8", &body).await.unwrap().into_inner();
    assert_eq!(reply.data.duration, Some(2.35));
    let words = reply.data.word_timestamps.as_deref().unwrap();
    assert_eq!(words[1].word.as_deref(), Some("world"));
    assert_eq!(words[1].end, Some(0.95));
    assert_parsed_example("generate_voice_preview", &reply);
}
