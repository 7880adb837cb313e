//! Typed sample requests, one for each kind of job the fake runs, for tests that need a valid
//! request and care about little in it. Built from the client's types like everything else here.

use crate::api::types;

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
        aspect_ratio: types::CreateVideoRequestAspectRatio::X169,
        auto_duration: false,
        duration: None,
        enhance_prompt: false,
        folder_id: None,
        references: None,
        resolution: types::CreateVideoRequestResolution::X1080p,
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
        voice_name: "My voice".parse().expect("a valid voice name"),
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
