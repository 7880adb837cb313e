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
    types::CreateVideoFromAvatar {
        script: Some("Hello.".into()),
        voice_id: Some("voice_1".into()),
        title: Some(title.into()),
        callback_url: callback.map(|(url, _)| url.into()),
        callback_id: callback.map(|(_, id)| id.into()),
        ..types::CreateVideoFromAvatar::new("avatar_1")
    }
    .into()
}

/// An `image` video.
pub fn image_video() -> types::CreateVideoRequest {
    types::CreateVideoFromImage {
        script: Some("Hello.".into()),
        voice_id: Some("voice_1".into()),
        ..types::CreateVideoFromImage::new(url("https://example.com/face.png"))
    }
    .into()
}

/// A `cinematic_avatar` video.
pub fn cinematic_video() -> types::CreateVideoRequest {
    types::CreateVideoFromCinematicAvatar {
        resolution: types::CreateVideoRequestResolution::X1080p,
        ..types::CreateVideoFromCinematicAvatar::new(vec!["look_1".to_owned()], "A walk on the beach.")
    }
    .into()
}

/// A `studio` video of one image scene.
pub fn studio_video() -> types::CreateVideoRequest {
    let scene =
        types::ImageScene { duration: Some(3.0), ..types::ImageScene::new(url("https://example.com/slide.png")) };
    types::CreateVideoFromStudio::new(vec![scene.into()]).into()
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
