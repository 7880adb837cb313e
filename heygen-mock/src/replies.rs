//! Every reply value the fake sends, built from the client's types: the one module that writes
//! their fields, so a change to the types breaks the build here rather than drifting.
//!
//! Required fields are written `value.into()`: a field the client later makes optional
//! (`Option<T>`) takes the same expression (`Option<T>: From<T>`), so that change needs no edit.
#![allow(clippy::useless_conversion)]

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use serde::Serialize;

use crate::api::types;
use crate::clock::Clock;
use crate::jobs::{FAILURE_CODE, FAILURE_MESSAGE, Job, JobKind, Phase, Timing};
use crate::state::{Endpoint, Shared, StoredAsset};

/// The length, in seconds, of every file a job makes.
const MEDIA_SECONDS: f64 = 5.0;

/// What a reply about a job needs besides the job: where the fake serves files, and the time.
pub(crate) struct View<'a> {
    pub base: &'a str,
    pub clock: &'a Clock,
    pub timing: &'a Timing,
    pub now: Duration,
}

// Here rather than in `state`, which the replies read and which stays below them.
impl Shared {
    /// What the replies about jobs need, at fake time `now`.
    pub(crate) fn view<'a>(&'a self, now: Duration) -> View<'a> {
        View { base: self.base(), clock: &self.clock, timing: &self.config.timing, now }
    }
}

impl View<'_> {
    /// Where the fake serves a job's output named `name`.
    pub(crate) fn file_url(&self, job: &Job, name: &str) -> String {
        format!("{}/_fake/files/{}/{}/{name}", self.base, job.kind.prefix(), job.id)
    }

    fn created_at(&self, job: &Job) -> Option<i64> {
        Some(self.clock.unix(job.created))
    }

    fn ended_at(&self, job: &Job, phase: Phase) -> Option<i64> {
        matches!(phase, Phase::Completed | Phase::Failed).then(|| self.clock.unix(job.ends(self.timing)))
    }

    /// `on_success` when the job completed.
    fn output<T>(&self, phase: Phase, on_success: impl FnOnce() -> T) -> Option<T> {
        (phase == Phase::Completed).then(on_success)
    }

    fn failure(&self, phase: Phase) -> Option<String> {
        (phase == Phase::Failed).then(|| FAILURE_MESSAGE.to_owned())
    }

    pub(crate) fn video(&self, job: &Job) -> types::VideoDetail {
        let phase = job.phase(self.now, self.timing);
        let status = match phase {
            Phase::Pending => types::VideoDetailStatus::Pending,
            Phase::Processing => types::VideoDetailStatus::Processing,
            Phase::Completed => types::VideoDetailStatus::Completed,
            Phase::Failed => types::VideoDetailStatus::Failed,
        };
        types::VideoDetail {
            id: job.id.clone().into(),
            status: status.into(),
            title: job.title.clone(),
            folder_id: job.folder_id.clone(),
            created_at: self.created_at(job),
            completed_at: self.ended_at(job, phase).filter(|_| phase == Phase::Completed),
            duration: self.output(phase, || MEDIA_SECONDS),
            video_url: self.output(phase, || self.file_url(job, "video.mp4")),
            captioned_video_url: None,
            thumbnail_url: self.output(phase, || self.file_url(job, "thumbnail.jpg")),
            gif_url: self.output(phase, || self.file_url(job, "preview.gif")),
            subtitle_url: None,
            video_page_url: self.output(phase, || self.file_url(job, "page")),
            output_language: job.output_language.clone(),
            failure_code: (phase == Phase::Failed).then(|| FAILURE_CODE.to_owned()),
            failure_message: self.failure(phase),
        }
    }

    pub(crate) fn video_translation(&self, job: &Job) -> types::VideoTranslation {
        let phase = job.phase(self.now, self.timing);
        let status = match phase {
            Phase::Pending => types::VideoTranslationStatus::Pending,
            Phase::Processing => types::VideoTranslationStatus::Running,
            Phase::Completed => types::VideoTranslationStatus::Completed,
            Phase::Failed => types::VideoTranslationStatus::Failed,
        };
        types::VideoTranslation {
            id: job.id.clone().into(),
            status: status.into(),
            title: job.title.clone(),
            callback_id: job.callback_id.clone(),
            created_at: self.created_at(job),
            duration: self.output(phase, || MEDIA_SECONDS),
            input_language: job.input_language.clone(),
            output_language: job.output_language.clone(),
            translate_audio_only: job.translate_audio_only,
            video_url: self.output(phase, || self.file_url(job, "video.mp4")),
            audio_url: self.output(phase, || self.file_url(job, "audio.mp3")),
            srt_caption_url: self.output(phase, || self.file_url(job, "captions.srt")),
            vtt_caption_url: self.output(phase, || self.file_url(job, "captions.vtt")),
            failure_message: self.failure(phase),
        }
    }

    pub(crate) fn lipsync(&self, job: &Job) -> types::Lipsync {
        let phase = job.phase(self.now, self.timing);
        let status = match phase {
            Phase::Pending => types::LipsyncStatus::Pending,
            Phase::Processing => types::LipsyncStatus::Running,
            Phase::Completed => types::LipsyncStatus::Completed,
            Phase::Failed => types::LipsyncStatus::Failed,
        };
        types::Lipsync {
            id: job.id.clone().into(),
            status: status.into(),
            title: job.title.clone(),
            callback_id: job.callback_id.clone(),
            created_at: self.created_at(job),
            duration: self.output(phase, || MEDIA_SECONDS),
            video_url: self.output(phase, || self.file_url(job, "video.mp4")),
            caption_url: None,
            failure_message: self.failure(phase),
        }
    }

    pub(crate) fn voice(&self, job: &Job) -> types::VoiceDetail {
        let phase = job.phase(self.now, self.timing);
        // HeyGen's clone states: `processing` (no `pending`), then `complete` or `failed`.
        let status = match phase {
            Phase::Pending | Phase::Processing => types::VoiceCloneStatus::Processing,
            Phase::Completed => types::VoiceCloneStatus::Complete,
            Phase::Failed => types::VoiceCloneStatus::Failed,
        };
        let done = phase == Phase::Completed;
        types::VoiceDetail {
            voice_id: job.id.clone().into(),
            status: Some(status),
            // A clone has no voice record (name, language, ...) until it is done.
            name: job.title.clone().filter(|_| done),
            language: job.input_language.clone().filter(|_| done),
            gender: None,
            preview_audio_url: self.output(phase, || self.file_url(job, "preview.mp3")),
            support_pause: done.into(),
            support_interactive_avatar: false,
            created_at: self.created_at(job),
            failure_message: self.failure(phase),
        }
    }

    pub(crate) fn background_removal(&self, job: &Job) -> types::BackgroundRemoval {
        let phase = job.phase(self.now, self.timing);
        let status = match phase {
            Phase::Pending => types::BackgroundRemovalStatus::Pending,
            Phase::Processing => types::BackgroundRemovalStatus::Processing,
            Phase::Completed => types::BackgroundRemovalStatus::Completed,
            Phase::Failed => types::BackgroundRemovalStatus::Failed,
        };
        let layer = |wanted: types::BackgroundRemovalLayer, name: &str| {
            job.layers.contains(&wanted).then(|| self.file_url(job, name))
        };
        types::BackgroundRemoval {
            id: job.id.clone().into(),
            status: status.into(),
            created_at: self.created_at(job),
            completed_at: self.ended_at(job, phase).filter(|_| phase == Phase::Completed),
            duration: self.output(phase, || MEDIA_SECONDS),
            layers: self.output(phase, || types::BackgroundRemovalLayers {
                foreground: layer(types::BackgroundRemovalLayer::Foreground, "foreground.webm"),
                mask: layer(types::BackgroundRemovalLayer::Mask, "mask.mp4"),
                background: layer(types::BackgroundRemovalLayer::Background, "background.mp4"),
                extra: Default::default(),
            }),
            error: self.failure(phase),
        }
    }

    /// The event a job's end is announced with, where HeyGen documents one: `avatar_video.*`
    /// for videos, `video_translate.*` for translations. HeyGen names no event for the end of a
    /// lipsync, voice clone or background removal, so the fake sends none.
    pub(crate) fn ending_event(&self, job: &Job) -> Option<types::WebhookDelivery> {
        let phase = job.phase(self.now, self.timing);
        let failed = phase == Phase::Failed;
        let event = match job.kind {
            JobKind::Video if failed => types::WebhookDelivery::AvatarVideoFail(types::AvatarVideoFailed {
                video_id: Some(job.id.clone()),
                callback_id: job.callback_id.clone(),
                msg: Some(FAILURE_MESSAGE.to_owned()),
                error: None,
            }),
            JobKind::Video => types::WebhookDelivery::AvatarVideoSuccess(types::AvatarVideoSucceeded {
                video_id: Some(job.id.clone()),
                callback_id: job.callback_id.clone(),
                folder_id: job.folder_id.clone(),
                url: Some(self.file_url(job, "video.mp4")),
                gif_download_url: Some(self.file_url(job, "preview.gif")),
                video_page_url: Some(self.file_url(job, "page")),
                video_share_page_url: None,
                video_url: Some(self.file_url(job, "video.mp4")),
                thumbnail_url: Some(self.file_url(job, "thumbnail.jpg")),
                duration: None,
            }),
            JobKind::VideoTranslation if failed => {
                types::WebhookDelivery::VideoTranslateFail(types::VideoTranslateFailed {
                    video_translate_id: Some(job.id.clone()),
                    callback_id: job.callback_id.clone(),
                    output_language: job.output_language.clone(),
                    message: Some(FAILURE_MESSAGE.to_owned()),
                })
            }
            JobKind::VideoTranslation => {
                types::WebhookDelivery::VideoTranslateSuccess(types::VideoTranslateSucceeded {
                    video_translate_id: Some(job.id.clone()),
                    callback_id: job.callback_id.clone(),
                    output_language: job.output_language.clone(),
                    url: Some(self.file_url(job, "video.mp4")),
                })
            }
            _ => return None,
        };
        Some(event)
    }
}

/// An entry of the event log for `delivery`, whose type and data are the typed delivery's own.
pub(crate) fn event(
    delivery: &types::WebhookDelivery,
    event_id: String,
    created_at: String,
) -> Result<types::WebhookEvent, serde_json::Error> {
    let mut value = serde_json::to_value(delivery)?;
    let event_type: types::WebhookEventType = serde_json::from_value(value["event_type"].take())?;
    let event_data = serde_json::from_value(value["event_data"].take())?;
    Ok(types::WebhookEvent {
        event_id: event_id.into(),
        event_type: event_type.into(),
        event_data,
        created_at: created_at.into(),
    })
}

pub(crate) fn video_created(id: &str) -> types::CreateVideoResponse {
    // HeyGen's first status in this reply is `waiting`; `get_video` then says `pending`.
    let data = types::VideoCreated {
        video_id: id.to_owned().into(),
        status: "waiting".to_owned().into(),
        output_format: None,
    };
    types::CreateVideoResponse { data }
}

pub(crate) fn translations_created(ids: Vec<String>) -> types::CreateVideoTranslationResponse {
    types::CreateVideoTranslationResponse {
        data: types::CreateVideoTranslationResponseData { video_translation_ids: ids.into() },
    }
}

pub(crate) fn lipsync_created(id: &str) -> types::CreateLipsyncResponse {
    types::CreateLipsyncResponse { data: types::CreateLipsyncResponseData { lipsync_id: id.to_owned().into() } }
}

/// The account behind any key the fake takes: one made-up user with a prepaid wallet, so
/// `billing_type` names the one balance that is filled in, as HeyGen's reply does.
pub(crate) fn current_user() -> types::GetCurrentUserResponse {
    types::GetCurrentUserResponse {
        data: types::CurrentUser {
            billing_type: Some(types::CurrentUserBillingType::Wallet),
            email: Some("fake-user@example.com".to_owned()),
            first_name: None,
            last_name: None,
            subscription: None,
            usage_based: None,
            username: "fake-user".to_owned(),
            wallet: Some(types::UserWallet {
                auto_reload: None,
                currency: types::UserWalletCurrency::Usd,
                remaining_balance: Some(100.0),
            }),
        },
    }
}

/// A speech of `text` at `audio_url`; its length at a speaking pace of 15 characters a second.
pub(crate) fn speech(audio_url: String, text: &str) -> types::CreateSpeechResponse {
    types::CreateSpeechResponse {
        data: types::CreateSpeechResponseData {
            audio_url,
            duration: text.chars().count() as f64 / 15.0,
            request_id: None,
            word_timestamps: None,
        },
    }
}

pub(crate) fn voice_clone_started(id: &str) -> types::CloneVoiceResponse {
    types::CloneVoiceResponse { data: types::CloneVoiceResponseData { voice_clone_id: id.to_owned().into() } }
}

pub(crate) fn deleted_video(id: &str) -> types::DeleteVideoResponse {
    types::DeleteVideoResponse { data: types::VideoDeleted { id: id.to_owned().into(), deleted: Some(true) } }
}

pub(crate) fn deleted_translation(id: &str) -> types::DeleteVideoTranslationResponse {
    types::DeleteVideoTranslationResponse {
        data: types::DeleteVideoTranslationResponseData { id: id.to_owned().into() },
    }
}

pub(crate) fn deleted_lipsync(id: &str) -> types::DeleteLipsyncResponse {
    types::DeleteLipsyncResponse { data: types::DeleteLipsyncResponseData { id: id.to_owned().into() } }
}

pub(crate) fn deleted_background_removal(id: &str) -> types::DeleteBackgroundRemovalResponse {
    types::DeleteBackgroundRemovalResponse {
        data: types::DeleteBackgroundRemovalResponseData { id: id.to_owned().into(), deleted: true.into() },
    }
}

pub(crate) fn deleted_webhook_endpoint() -> types::DeleteWebhookEndpointResponse {
    // HeyGen's reply: `data` is an empty object.
    types::DeleteWebhookEndpointResponse { data: Default::default(), error: None }
}

/// A direct-upload slot: the presigned `PUT` goes to the fake itself.
pub(crate) fn upload_slot(
    asset_id: &str,
    upload_url: String,
    content_type: &str,
    expires_in: Duration,
    max_bytes: u64,
) -> types::CreateAssetUploadResponse {
    let headers = [("Content-Type".to_owned(), content_type.to_owned())].into_iter().collect();
    types::CreateAssetUploadResponse {
        data: types::AssetUploadSlot {
            asset_id: asset_id.to_owned().into(),
            upload_url: upload_url.into(),
            upload_headers: headers,
            expires_in_seconds: (expires_in.as_secs() as i64).into(),
            max_bytes: (max_bytes.min(i64::MAX as u64) as i64).into(),
            status: "pending_upload".to_owned().into(),
        },
    }
}

pub(crate) fn upload_completed(asset: &StoredAsset, url: String) -> types::CompleteAssetUploadResponse {
    types::CompleteAssetUploadResponse {
        data: types::AssetCompleted {
            asset_id: asset.id.clone().into(),
            url: url.into(),
            mime_type: asset.content_type.clone().into(),
            size_bytes: (asset.bytes.len() as i64).into(),
            status: "completed".to_owned().into(),
        },
    }
}

pub(crate) fn uploaded(asset: &StoredAsset, url: String) -> types::UploadAssetResponse {
    types::UploadAssetResponse {
        data: types::AssetUploaded {
            asset_id: asset.id.clone().into(),
            url: url.into(),
            mime_type: asset.content_type.clone().into(),
            size_bytes: (asset.bytes.len() as i64).into(),
        },
    }
}

pub(crate) fn asset(asset: &StoredAsset, url: Option<String>, uploaded_at: i64) -> types::GetAssetResponse {
    let kind = asset.content_type.split('/').next().unwrap_or("file").to_owned();
    types::GetAssetResponse {
        data: types::Asset {
            id: asset.id.clone().into(),
            name: asset.name.clone().into(),
            type_: kind.into(),
            url,
            folder_id: None,
            owner: "fake-user".to_owned().into(),
            space_id: "fake-space".to_owned().into(),
            uploaded_at: uploaded_at.into(),
        },
    }
}

pub(crate) fn webhook_endpoint(endpoint: &Endpoint, show_secret: bool) -> types::WebhookEndpoint {
    types::WebhookEndpoint {
        endpoint_id: endpoint.id.clone().into(),
        url: endpoint.url.clone().into(),
        events: endpoint.events.clone(),
        // HeyGen shows the secret only in the replies of create and rotate.
        secret: show_secret.then(|| endpoint.secret.clone()),
        status: types::WebhookEndpointStatus::Enabled.into(),
        created_at: endpoint.created_at.clone().into(),
    }
}

pub(crate) fn rotated(endpoint: &Endpoint) -> types::RotateWebhookEndpointSecretResponse {
    types::RotateWebhookEndpointSecretResponse {
        data: types::RotateWebhookEndpointSecretResponseData {
            endpoint_id: endpoint.id.clone().into(),
            secret: endpoint.secret.clone().into(),
        },
    }
}

/// A JSON reply of a typed value.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, format!("the fake could not serialize its reply: {error}"))
            .into_response(),
    }
}
