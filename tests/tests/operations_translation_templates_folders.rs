//! One test per Video Translation, Templates and Folders operation: the request the client sends
//! (method, path, query, `X-Api-Key`, body) and the typed parse of the spec's example response.
//! A request that does not match its mock gets wiremock's 404, so the call fails.

use std::collections::BTreeMap;

use heygen_client::types;
use heygen_tests::{Harness, assert_parsed_example, call, example_response};
use serde_json::json;
use wiremock::matchers::{body_json, query_param, query_param_is_missing};

/// Asserts the single request `server` received carried no body (the bodyless POSTs).
async fn assert_sent_no_body(server: &wiremock::MockServer) {
    let requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1);
    assert!(requests[0].body.is_empty(), "unexpected body: {:?}", String::from_utf8_lossy(&requests[0].body));
}

// ---------------------------------------------------------------------------------------------
// Video Translation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_translation_languages() {
    let h = Harness::start().await;
    call("GET", "/v2/video_translate/target_languages")
        .respond_with(example_response("list_translation_languages"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_translation_languages().await.unwrap().into_inner();
    assert_eq!(reply.data.languages.len(), 5);
    assert!(reply.data.languages.iter().any(|l| l == "English - Your Accent"));
    assert!(reply.error.is_none());
    assert_parsed_example("list_translation_languages", &reply);
}

#[tokio::test]
async fn translate_video() {
    let h = Harness::start().await;
    call("POST", "/v2/video_translate")
        .and(body_json(json!({
            "video_url": "https://example.com/videos/launch.mp4",
            "output_language": "Spanish",
            "title": "Launch video (Spanish)",
            "translate_audio_only": false
        })))
        .respond_with(example_response("translate_video"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::TranslateVideoRequest {
        video_url: "https://example.com/videos/launch.mp4".into(),
        output_language: Some("Spanish".into()),
        output_languages: vec![],
        title: Some("Launch video (Spanish)".into()),
        translate_audio_only: Some(false),
        brand_voice_id: None,
        callback_id: None,
        callback_url: None,
        enable_dynamic_duration: None,
        keep_the_same_format: None,
        mode: None,
        speaker_num: None,
    };
    let reply = h.client.translate_video(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.video_translate_id.as_deref(), Some("4f2a9c1e7b3d4e5f8a6b0c9d1e2f3a4b"));
    assert!(reply.data.video_translate_ids.is_none());
    assert_parsed_example("translate_video", &reply);
}

#[tokio::test]
async fn get_video_translation_status() {
    let h = Harness::start().await;
    call("GET", "/v2/video_translate/4f2a9c1e7b3d4e5f8a6b0c9d1e2f3a4b")
        .respond_with(example_response("get_video_translation_status"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_video_translation_status("4f2a9c1e7b3d4e5f8a6b0c9d1e2f3a4b").await.unwrap().into_inner();
    assert_eq!(reply.data.status, types::VideoTranslationStatus::Success);
    assert_eq!(reply.data.video_translate_id, "4f2a9c1e7b3d4e5f8a6b0c9d1e2f3a4b");
    assert!(reply.data.url.as_deref().is_some_and(|u| u.ends_with("/translated.mp4")));
    assert!(reply.data.message.is_none());
    assert_parsed_example("get_video_translation_status", &reply);
}

#[tokio::test]
async fn get_video_translation_caption() {
    let h = Harness::start().await;
    call("GET", "/v2/video_translate/caption")
        .and(query_param("video_translate_id", "4f2a9c1e7b3d4e5f8a6b0c9d1e2f3a4b"))
        .and(query_param("caption_type", "vtt"))
        .respond_with(example_response("get_video_translation_caption"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h
        .client
        .get_video_translation_caption(Some("vtt"), "4f2a9c1e7b3d4e5f8a6b0c9d1e2f3a4b")
        .await
        .unwrap()
        .into_inner();
    assert!(reply.data.caption_url.ends_with("/caption.vtt"));
    assert_parsed_example("get_video_translation_caption", &reply);
}

#[tokio::test]
async fn generate_proofread() {
    let h = Harness::start().await;
    call("POST", "/v2/video_translate/proofread")
        .and(body_json(json!({
            "video_url": "https://example.com/videos/launch.mp4",
            "output_language": "French",
            "title": "Launch video (French proofread)",
            "speaker_num": 1
        })))
        .respond_with(example_response("generate_proofread"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::GenerateProofreadRequest {
        video_url: "https://example.com/videos/launch.mp4".into(),
        output_language: Some("French".into()),
        output_languages: vec![],
        title: Some("Launch video (French proofread)".into()),
        speaker_num: Some(1),
        brand_voice_id: None,
        disable_music_track: None,
        enable_speech_enhancement: None,
        enable_video_stretching: None,
        folder_id: None,
    };
    let reply = h.client.generate_proofread(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.proofread_id.as_deref(), Some("6070191e6cbf438494ef6a642f2483a6"));
    assert_eq!(reply.data.status.as_deref(), Some("processing"));
    assert_parsed_example("generate_proofread", &reply);
}

#[tokio::test]
async fn get_proofread_status() {
    let h = Harness::start().await;
    // `status` comes before the id in this path, unlike the other proofread paths.
    call("GET", "/v2/video_translate/proofread/status/6070191e6cbf438494ef6a642f2483a6")
        .respond_with(example_response("get_proofread_status"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_proofread_status("6070191e6cbf438494ef6a642f2483a6").await.unwrap().into_inner();
    assert_eq!(reply.data.status, types::ProofreadStatus::Completed);
    assert_eq!(reply.data.submitted_for_review, Some(false));
    assert!(reply.data.details.is_none());
    assert_parsed_example("get_proofread_status", &reply);
}

#[tokio::test]
async fn download_proofread_srt() {
    let h = Harness::start().await;
    call("GET", "/v2/video_translate/proofread/6070191e6cbf438494ef6a642f2483a6/download-srt")
        .respond_with(example_response("download_proofread_srt"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.download_proofread_srt("6070191e6cbf438494ef6a642f2483a6").await.unwrap().into_inner();
    assert!(matches!(
        &reply.data,
        types::ProofreadSrt::ProofreadSrtLink(types::ProofreadSrtLink { srt_url: Some(url) }) if url.ends_with("/subtitle.srt")
    ));
    assert_parsed_example("download_proofread_srt", &reply);
}

#[tokio::test]
async fn upload_proofread_srt() {
    let h = Harness::start().await;
    let srt = "https://example-bucket.s3.amazonaws.com/edited/launch-fr.srt?X-Amz-Signature=abc123";
    call("POST", "/v2/video_translate/proofread/6070191e6cbf438494ef6a642f2483a6/upload-srt")
        .and(body_json(json!({"srt_file_url": srt})))
        .respond_with(example_response("upload_proofread_srt"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::UploadProofreadSrtRequest { srt_file_url: srt.into() };
    let reply = h.client.upload_proofread_srt("6070191e6cbf438494ef6a642f2483a6", &body).await.unwrap().into_inner();
    // The documented reply is an empty object: every field of the free-form envelope is absent.
    assert!(reply.code.is_none() && reply.data.is_none() && reply.error.is_none());
    assert!(reply.message.is_none() && reply.msg.is_none());
    assert_parsed_example("upload_proofread_srt", &reply);
}

#[tokio::test]
async fn generate_video_from_proofread() {
    let h = Harness::start().await;
    call("POST", "/v2/video_translate/proofread/6070191e6cbf438494ef6a642f2483a6/generate")
        .and(body_json(json!({"captions": true, "translate_audio_only": false})))
        .respond_with(example_response("generate_video_from_proofread"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::GenerateVideoFromProofreadRequest {
        captions: Some(true),
        translate_audio_only: Some(false),
        ..Default::default()
    };
    let reply =
        h.client.generate_video_from_proofread("6070191e6cbf438494ef6a642f2483a6", &body).await.unwrap().into_inner();
    assert_eq!(reply.data.video_translate_id.as_deref(), Some("9b8a7c6d5e4f4a3b2c1d0e9f8a7b6c5d"));
    assert_eq!(reply.data.status.as_deref(), Some("pending"));
    assert_parsed_example("generate_video_from_proofread", &reply);
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_templates() {
    let h = Harness::start().await;
    call("GET", "/v2/templates").respond_with(example_response("list_templates")).expect(1).mount(&h.api).await;
    let reply = h.client.list_templates().await.unwrap().into_inner();
    assert_eq!(reply.data.templates.len(), 2);
    assert_eq!(reply.data.templates[1].template_id, "f6552f86a6ec48e323698d485438e978");
    assert_eq!(reply.data.templates[0].aspect_ratio.as_deref(), Some("landscape"));
    assert!(reply.data.templates[0].thumbnail_image_url.is_none());
    assert_parsed_example("list_templates", &reply);
}

#[tokio::test]
async fn get_template_v2() {
    let h = Harness::start().await;
    call("GET", "/v2/template/22a48da453ef4c014a6a60d827a02f0b")
        .respond_with(example_response("get_template_v2"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_template_v2("22a48da453ef4c014a6a60d827a02f0b").await.unwrap().into_inner();
    assert!(matches!(
        &reply.data.variables["first_name"],
        types::TemplateVariable::Text { name, properties } if name == "first_name" && properties.content.as_deref() == Some("Alex")
    ));
    let types::TemplateVariable::Image { properties, .. } = &reply.data.variables["poolside_image"] else {
        panic!("poolside_image should be an image variable: {:?}", reply.data.variables["poolside_image"]);
    };
    assert_eq!(properties.fit, Some(types::BackgroundFit::Contain));
    assert!(properties.asset_id.is_none());
    assert_parsed_example("get_template_v2", &reply);
}

#[tokio::test]
async fn get_template_v3_with_an_id_that_needs_percent_encoding() {
    let h = Harness::start().await;
    call("GET", "/v3/template/tpl%2F22a48da4%20v3")
        .respond_with(example_response("get_template_v3"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_template_v3("tpl/22a48da4 v3").await.unwrap().into_inner();
    assert_eq!(reply.data.version.as_deref(), Some("4"));
    let types::TemplateVariable::Character { properties, .. } = &reply.data.variables["avatar_scene1"] else {
        panic!("avatar_scene1 should be a character variable");
    };
    assert_eq!(properties.type_, Some(types::TemplateCharacterKind::Avatar));
    let types::TemplateVariable::Video { properties, .. } = &reply.data.variables["shopping_video"] else {
        panic!("shopping_video should be a video variable");
    };
    assert_eq!(properties.play_style, Some(types::TemplateVideoPlayStyle::Loop));
    assert_eq!(properties.fit, Some(types::BackgroundFit::None));
    let scenes = reply.data.scenes.as_deref().expect("scenes");
    assert_eq!(scenes[0].id, "3c2b1a0f9e8d4c7b6a5f4e3d2c1b0a9f");
    let Some(types::TemplateSceneVariables::Object(scene_vars)) = &scenes[0].variables else {
        panic!("the example's scene variables are an object keyed by name: {:?}", scenes[0].variables);
    };
    assert_eq!(scene_vars["shopping_video"].type_, Some(types::TemplateVariableKind::Video));
    assert_parsed_example("get_template_v3", &reply);
}

#[tokio::test]
async fn generate_video_from_template() {
    let h = Harness::start().await;
    // The request data's text, character and voice variables, plus one of each remaining
    // variant (image, video, audio), so every `TemplateVariable` variant is checked on the wire.
    let sent = json!({
        "title": "Welcome, Alex",
        "caption": false,
        "variables": {
            "first_name": {"name": "first_name", "type": "text", "properties": {"content": "Alex"}},
            "avatar_scene1": {
                "name": "avatar_scene1",
                "type": "character",
                "properties": {"character_id": "Briana_public_2_20240110", "type": "avatar"}
            },
            "script1_voice": {"name": "script1_voice", "type": "voice", "properties": {"voice_id": "1ae3be1e24894ccabdb4d8139399f721"}},
            "poolside_image": {
                "name": "poolside_image",
                "type": "image",
                "properties": {"url": "https://example.com/images/pool.jpg", "fit": "cover"}
            },
            "shopping_video": {
                "name": "shopping_video",
                "type": "video",
                "properties": {"asset_id": "8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b", "play_style": "fit_to_scene", "fit": "contain"}
            },
            "background_music": {"name": "background_music", "type": "audio", "properties": {"url": "https://example.com/audio/theme.mp3"}}
        }
    });
    call("POST", "/v2/template/22a48da453ef4c014a6a60d827a02f0b/generate")
        .and(body_json(&sent))
        .respond_with(example_response("generate_video_from_template"))
        .expect(1)
        .mount(&h.api)
        .await;

    let mut variables = BTreeMap::new();
    variables.insert(
        "first_name".to_string(),
        types::TemplateVariable::Text {
            name: "first_name".into(),
            properties: types::TemplateTextProperties { content: Some("Alex".into()) },
        },
    );
    variables.insert(
        "avatar_scene1".to_string(),
        types::TemplateVariable::Character {
            name: "avatar_scene1".into(),
            properties: types::TemplateCharacterProperties {
                character_id: Some("Briana_public_2_20240110".into()),
                type_: Some(types::TemplateCharacterKind::Avatar),
            },
        },
    );
    variables.insert(
        "script1_voice".to_string(),
        types::TemplateVariable::Voice {
            name: "script1_voice".into(),
            properties: types::TemplateVoiceProperties { voice_id: Some("1ae3be1e24894ccabdb4d8139399f721".into()) },
        },
    );
    variables.insert(
        "poolside_image".to_string(),
        types::TemplateVariable::Image {
            name: "poolside_image".into(),
            properties: types::TemplateImageProperties {
                url: Some("https://example.com/images/pool.jpg".into()),
                fit: Some(types::BackgroundFit::Cover),
                asset_id: None,
            },
        },
    );
    variables.insert(
        "shopping_video".to_string(),
        types::TemplateVariable::Video {
            name: "shopping_video".into(),
            properties: types::TemplateVideoProperties {
                asset_id: Some("8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b".into()),
                play_style: Some(types::TemplateVideoPlayStyle::FitToScene),
                fit: Some(types::BackgroundFit::Contain),
                url: None,
            },
        },
    );
    variables.insert(
        "background_music".to_string(),
        types::TemplateVariable::Audio {
            name: "background_music".into(),
            properties: types::TemplateAudioProperties {
                url: Some("https://example.com/audio/theme.mp3".into()),
                asset_id: None,
            },
        },
    );
    let body = types::GenerateFromTemplateRequest {
        title: Some("Welcome, Alex".into()),
        caption: Some(false),
        variables,
        brand_voice_id: None,
        callback_id: None,
        callback_url: None,
        dimension: None,
        enable_sharing: None,
        folder_id: None,
        fps: None,
        include_gif: None,
        keep_text_vertically_centered: None,
        reorder_music: None,
        scene_ids: vec![],
        subtitles: None,
        test: None,
    };
    // The typed body serializes to exactly the JSON above: the variant becomes the `type` tag next
    // to `name` and `properties`, and the character's own `type` stays inside `properties`.
    assert_eq!(serde_json::to_value(&body).unwrap(), sent);

    let reply =
        h.client.generate_video_from_template("22a48da453ef4c014a6a60d827a02f0b", &body).await.unwrap().into_inner();
    assert_eq!(reply.data.video_id, "1d2c3b4a5f6e4d7c8b9a0f1e2d3c4b5a");
    assert!(reply.error.is_none());
    assert_parsed_example("generate_video_from_template", &reply);

    // And byte-level: the tag is the literal `"type":"text"` etc., with no stray nulls.
    let requests = h.api.received_requests().await.unwrap();
    let wire = String::from_utf8(requests[0].body.clone()).unwrap();
    for tag in ["text", "image", "video", "audio", "character", "voice"] {
        assert!(wire.contains(&format!(r#""type":"{tag}""#)), "no {tag} tag in {wire}");
    }
    assert!(!wire.contains("null"), "absent fields must be omitted, not null: {wire}");
}

// ---------------------------------------------------------------------------------------------
// Folders
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_folders() {
    let h = Harness::start().await;
    call("GET", "/v1/folders")
        .and(query_param("limit", "20"))
        .and(query_param("is_trash", "false"))
        .and(query_param_is_missing("name_filter"))
        .and(query_param_is_missing("parent_id"))
        .and(query_param_is_missing("token"))
        .respond_with(example_response("list_folders"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.list_folders(Some(false), Some(20), None, None, None).await.unwrap().into_inner();
    assert_eq!(reply.data.total, Some(2));
    assert!(reply.data.token.is_none());
    assert_eq!(reply.data.folders[0].project_type, Some(types::FolderProjectType::VideoTranslate));
    assert_eq!(reply.data.folders[1].parent_id.as_deref(), Some("b275004e1f104dc482c89ea15a2d80ad"));
    assert_eq!(reply.data.folders[1].direct_children_count, Some(0));
    assert_parsed_example("list_folders", &reply);
}

#[tokio::test]
async fn create_folder() {
    let h = Harness::start().await;
    call("POST", "/v1/folders/create")
        .and(body_json(json!({"name": "Q3 campaign", "project_type": "video"})))
        .respond_with(example_response("create_folder"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::CreateFolderRequest {
        name: Some("Q3 campaign".into()),
        project_type: Some(types::FolderProjectType::Video),
        parent_id: None,
    };
    let reply = h.client.create_folder(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.id, "7a6b5c4d3e2f4a1b9c8d7e6f5a4b3c2d");
    assert_eq!(reply.data.project_type, Some(types::FolderProjectType::Video));
    assert_eq!(reply.data.is_trash, Some(false));
    assert_parsed_example("create_folder", &reply);
}

#[tokio::test]
async fn rename_folder() {
    let h = Harness::start().await;
    call("POST", "/v1/folders/7a6b5c4d3e2f4a1b9c8d7e6f5a4b3c2d")
        .and(body_json(json!({"name": "Q3 campaign (final)"})))
        .respond_with(example_response("rename_folder"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::RenameFolderRequest { name: "Q3 campaign (final)".into() };
    let reply = h.client.rename_folder("7a6b5c4d3e2f4a1b9c8d7e6f5a4b3c2d", &body).await.unwrap().into_inner();
    assert_eq!(reply.data.name, "Q3 campaign (final)");
    assert_eq!(reply.data.updated_ts, Some(1719750400));
    assert_parsed_example("rename_folder", &reply);
}

#[tokio::test]
async fn trash_folder() {
    let h = Harness::start().await;
    call("POST", "/v1/folders/7a6b5c4d3e2f4a1b9c8d7e6f5a4b3c2d/trash")
        .respond_with(example_response("trash_folder"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.trash_folder("7a6b5c4d3e2f4a1b9c8d7e6f5a4b3c2d").await.unwrap().into_inner();
    // The reply is free-form (`data` is a JSON value), so read it as JSON.
    let data = reply.data.as_ref().expect("data");
    assert_eq!(data["is_trash"], json!(true));
    assert_eq!(data["id"], json!("7a6b5c4d3e2f4a1b9c8d7e6f5a4b3c2d"));
    assert_parsed_example("trash_folder", &reply);
    assert_sent_no_body(&h.api).await;
}

#[tokio::test]
async fn restore_folder_with_an_id_that_needs_percent_encoding() {
    let h = Harness::start().await;
    call("POST", "/v1/folders/team%2F7a6b5c4d%20old/restore")
        .respond_with(example_response("restore_folder"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.restore_folder("team/7a6b5c4d old").await.unwrap().into_inner();
    assert_eq!(reply.data.is_trash, Some(false));
    assert_eq!(reply.data.name, "Folder for Deletion");
    assert!(reply.data.parent_id.is_none());
    assert_parsed_example("restore_folder", &reply);
    assert_sent_no_body(&h.api).await;
}
