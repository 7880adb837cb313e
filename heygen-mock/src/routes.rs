//! The HTTP side: the v3 routes the fake serves (paths and `operationId`s as in
//! `spec/heygen-v3.yaml`, which a test checks), the presigned upload and the file downloads,
//! and the middleware in front of them (the call log, credentials, the injected faults).
// Required reply fields are written `value.into()` so a field the client makes optional
// later takes the same expression (see `replies`).
#![allow(clippy::useless_conversion)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use http::{HeaderMap, Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};

use crate::api::{MAX_UPLOAD_ASSET_BYTES, types};
use crate::error::ApiFailure;
use crate::faults::{self, FaultKind};
use crate::jobs::{Job, JobKind, JobRequest, Phase, decide_failure};
use crate::replies::{self, json};
use crate::state::{Call, Endpoint, Keyed, Shared, StoredAsset};

/// Every route: `operationId`, method, path. The v3 ones are HeyGen's (checked against the
/// spec by a test); the last two are the fake's own stand-ins for HeyGen's storage hosts.
pub(crate) const ROUTES: &[(&str, &str, &str)] = &[
    ("create_video", "POST", "/v3/videos"),
    ("list_videos", "GET", "/v3/videos"),
    ("get_video", "GET", "/v3/videos/{video_id}"),
    ("delete_video", "DELETE", "/v3/videos/{video_id}"),
    ("create_video_translation", "POST", "/v3/video-translations"),
    ("list_video_translations", "GET", "/v3/video-translations"),
    ("get_video_translation", "GET", "/v3/video-translations/{video_translation_id}"),
    ("delete_video_translation", "DELETE", "/v3/video-translations/{video_translation_id}"),
    ("create_lipsync", "POST", "/v3/lipsyncs"),
    ("list_lipsyncs", "GET", "/v3/lipsyncs"),
    ("get_lipsync", "GET", "/v3/lipsyncs/{lipsync_id}"),
    ("delete_lipsync", "DELETE", "/v3/lipsyncs/{lipsync_id}"),
    ("clone_voice", "POST", "/v3/voices/clone"),
    ("get_voice", "GET", "/v3/voices/{voice_id}"),
    ("create_speech", "POST", "/v3/voices/speech"),
    ("create_background_removal", "POST", "/v3/background-removals"),
    ("list_background_removals", "GET", "/v3/background-removals"),
    ("get_background_removal", "GET", "/v3/background-removals/{job_id}"),
    ("delete_background_removal", "DELETE", "/v3/background-removals/{job_id}"),
    ("upload_asset", "POST", "/v3/assets"),
    ("create_asset_upload", "POST", "/v3/assets/direct-uploads"),
    ("complete_asset_upload", "POST", "/v3/assets/{asset_id}/complete"),
    ("get_asset", "GET", "/v3/assets/{asset_id}"),
    ("list_webhook_endpoints", "GET", "/v3/webhooks/endpoints"),
    ("create_webhook_endpoint", "POST", "/v3/webhooks/endpoints"),
    ("update_webhook_endpoint", "PATCH", "/v3/webhooks/endpoints/{endpoint_id}"),
    ("delete_webhook_endpoint", "DELETE", "/v3/webhooks/endpoints/{endpoint_id}"),
    ("rotate_webhook_endpoint_secret", "POST", "/v3/webhooks/endpoints/{endpoint_id}/rotate-secret"),
    ("list_webhook_events", "GET", "/v3/webhooks/events"),
    ("get_current_user", "GET", "/v3/users/me"),
    ("put_asset_upload", "PUT", UPLOAD_PATH),
    ("fetch_file", "GET", FILES_PATH),
];

/// Where the presigned `PUT` of a direct upload goes.
const UPLOAD_PATH: &str = "/_fake/uploads/{asset_id}";
/// Where job outputs and assets are served.
const FILES_PATH: &str = "/_fake/files/{*file}";

/// The operation served at `path` (a route template) for `method`.
pub(crate) fn operation(method: &Method, path: &str) -> Option<&'static str> {
    ROUTES.iter().find(|(_, m, p)| *m == method.as_str() && *p == path).map(|(id, _, _)| *id)
}

type Shared_ = State<Arc<Shared>>;
type Reply = Result<Response, ApiFailure>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new();
    // One `route` per path, with every method served there.
    let mut paths: Vec<&str> = ROUTES.iter().map(|(_, _, path)| *path).collect();
    paths.sort_unstable();
    paths.dedup();
    for path in paths {
        let mut methods = MethodRouter::new();
        for (id, method, _) in ROUTES.iter().filter(|(_, _, p)| *p == path) {
            methods = add(methods, id, method);
        }
        router = router.route(path, methods);
    }
    let body_limit = (shared.config.max_upload_bytes.max(MAX_UPLOAD_ASSET_BYTES) as usize).saturating_add(1 << 20);
    router
        .fallback(unknown_route)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), layer))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(shared)
}

/// `methods` with the handler of operation `id` added.
fn add(methods: MethodRouter<Arc<Shared>>, id: &str, method: &str) -> MethodRouter<Arc<Shared>> {
    let filter = match method {
        "GET" => MethodFilter::GET,
        "POST" => MethodFilter::POST,
        "PUT" => MethodFilter::PUT,
        "PATCH" => MethodFilter::PATCH,
        _ => MethodFilter::DELETE,
    };
    macro_rules! to {
        ($handler:expr) => {
            methods.on(filter, $handler)
        };
    }
    match id {
        "create_video" => to!(create_video),
        "list_videos" => to!(|s: Shared_, q| list_jobs(s, q, JobKind::Video)),
        "get_video" => to!(|s: Shared_, p| get_job(s, p, JobKind::Video)),
        "delete_video" => to!(|s: Shared_, p| delete_job(s, p, JobKind::Video)),
        "create_video_translation" => to!(create_video_translation),
        "list_video_translations" => to!(|s: Shared_, q| list_jobs(s, q, JobKind::VideoTranslation)),
        "get_video_translation" => to!(|s: Shared_, p| get_job(s, p, JobKind::VideoTranslation)),
        "delete_video_translation" => to!(|s: Shared_, p| delete_job(s, p, JobKind::VideoTranslation)),
        "create_lipsync" => to!(create_lipsync),
        "list_lipsyncs" => to!(|s: Shared_, q| list_jobs(s, q, JobKind::Lipsync)),
        "get_lipsync" => to!(|s: Shared_, p| get_job(s, p, JobKind::Lipsync)),
        "delete_lipsync" => to!(|s: Shared_, p| delete_job(s, p, JobKind::Lipsync)),
        "clone_voice" => to!(clone_voice),
        "get_voice" => to!(|s: Shared_, p| get_job(s, p, JobKind::VoiceClone)),
        "create_speech" => to!(create_speech),
        "create_background_removal" => to!(create_background_removal),
        "list_background_removals" => to!(|s: Shared_, q| list_jobs(s, q, JobKind::BackgroundRemoval)),
        "get_background_removal" => to!(|s: Shared_, p| get_job(s, p, JobKind::BackgroundRemoval)),
        "delete_background_removal" => to!(|s: Shared_, p| delete_job(s, p, JobKind::BackgroundRemoval)),
        "upload_asset" => to!(upload_asset),
        "create_asset_upload" => to!(create_asset_upload),
        "complete_asset_upload" => to!(complete_asset_upload),
        "get_asset" => to!(get_asset),
        "list_webhook_endpoints" => to!(list_webhook_endpoints),
        "create_webhook_endpoint" => to!(create_webhook_endpoint),
        "update_webhook_endpoint" => to!(update_webhook_endpoint),
        "delete_webhook_endpoint" => to!(delete_webhook_endpoint),
        "rotate_webhook_endpoint_secret" => to!(rotate_webhook_endpoint_secret),
        "get_current_user" => to!(|| async { ok(&replies::current_user()) }),
        "list_webhook_events" => to!(list_webhook_events),
        "put_asset_upload" => to!(put_asset_upload),
        "fetch_file" => to!(fetch_file),
        other => unreachable!("ROUTES names `{other}`, which has no handler"),
    }
}

/// The fake's middleware: records the call, checks credentials, brings jobs up to date, and
/// applies the first fault that matches.
async fn layer(
    State(shared): State<Arc<Shared>>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let operation = matched.and_then(|m| self::operation(request.method(), m.as_str()));
    let path = request.uri().path().to_owned();
    let key = request.headers().get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let api = path.starts_with("/v3/");
    shared.lock().calls.push(Call { operation, method: request.method().to_string(), path, idempotency_key: key });
    // A refused request uses up no fault.
    if api && let Err(failure) = authenticate(&shared, request.headers()) {
        return failure.into_response();
    }
    let fault = faults::take(&mut shared.lock().faults, operation);
    shared.tick();
    match fault {
        None => next.run(request).await,
        Some(FaultKind::RateLimited { retry_after }) => ApiFailure::rate_limited(retry_after).into_response(),
        Some(FaultKind::ServerError { status }) => {
            ApiFailure::new(status, "internal_error", "a fault the test injected").into_response()
        }
        Some(FaultKind::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(FaultKind::CutBody) => faults::cut(next.run(request).await).await,
    }
}

/// HeyGen takes `X-Api-Key` or `Authorization: Bearer`; the fake takes any non-empty one, or
/// only the key it was given.
fn authenticate(shared: &Shared, headers: &http::HeaderMap) -> Result<(), ApiFailure> {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let given = key.or(bearer).map(str::trim).filter(|k| !k.is_empty());
    let accepted = match (&shared.config.api_key, given) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(wanted), Some(given)) => wanted == given,
    };
    if accepted { Ok(()) } else { Err(ApiFailure::new(401, "unauthorized", "no valid API key or token was given")) }
}

fn ok<T: Serialize>(value: &T) -> Reply {
    Ok(json(StatusCode::OK, value))
}

async fn unknown_route(method: Method, uri: http::Uri) -> ApiFailure {
    ApiFailure::new(404, "not_found", format!("the fake serves no {method} {}", uri.path()))
}

/// A JSON body as its typed request; HeyGen's 400 when it is not one.
fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiFailure> {
    serde_json::from_slice(body)
        .map_err(|error| ApiFailure::invalid("body", format!("the body is not a valid request: {error}")))
}

/// The typed request's own fields, to read the few the fake keeps (`title`, `callback_url`,
/// ...) whatever variant or wrapper type holds them.
fn fields<T: Serialize>(request: &T) -> serde_json::Value {
    serde_json::to_value(request).unwrap_or_default()
}

fn text(fields: &serde_json::Value, name: &str) -> Option<String> {
    fields.get(name).and_then(serde_json::Value::as_str).map(str::to_owned)
}

// ---- idempotency ----------------------------------------------------------------------------

/// A reply to keep for a key: its status and body.
struct Stored(StatusCode, Bytes);

fn stored<T: Serialize>(value: &T) -> Result<Stored, ApiFailure> {
    let body = serde_json::to_vec(value)
        .map_err(|e| ApiFailure::new(500, "internal_error", format!("the fake could not serialize its reply: {e}")))?;
    Ok(Stored(StatusCode::OK, body.into()))
}

/// Whether `key` is one HeyGen takes: 1 to 255 of `[A-Za-z0-9_:.-]`.
fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(&b))
}

/// Removes an in-flight key whose request was abandoned (the caller hung up), so it is not
/// stuck in flight for good.
struct InFlight<'a> {
    shared: &'a Shared,
    id: Option<(String, String, String)>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            self.shared.lock().keys.remove(&id);
        }
    }
}

/// Carries out a create under HeyGen's idempotency rules: a key seen within the window replays
/// the first reply (even if the body differs); a key whose first request is still in flight
/// gets 409 `request_in_progress`; the same key on another path is another key. Only
/// successful replies are kept: after an error the key is free again.
async fn keyed(
    shared: &Shared,
    method: &str,
    path: String,
    key: Option<String>,
    run: impl FnOnce() -> Result<Stored, ApiFailure>,
) -> Reply {
    let Some(key) = key else {
        tokio::time::sleep(shared.config.create_latency).await;
        let Stored(status, body) = run()?;
        return Ok(raw_json(status, body));
    };
    if !valid_key(&key) {
        return Err(ApiFailure::invalid("Idempotency-Key", "1 to 255 letters, digits and `_-:.`"));
    }
    let id = (method.to_owned(), path, key);
    {
        let mut state = shared.lock();
        match state.keys.get(&id) {
            Some(Keyed::Done { until, status, body }) if shared.clock.now() < *until => {
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::OK);
                return Ok(raw_json(status, body.clone()));
            }
            Some(Keyed::InFlight) => {
                let message = "a request with this Idempotency-Key is still in progress; retry later";
                return Err(ApiFailure::new(409, "request_in_progress", message));
            }
            _ => {
                state.keys.insert(id.clone(), Keyed::InFlight);
            }
        }
    }
    let mut guard = InFlight { shared, id: Some(id) };
    tokio::time::sleep(shared.config.create_latency).await;
    let outcome = run();
    let id = guard.id.take().expect("the key is held until here");
    let mut state = shared.lock();
    match &outcome {
        Ok(Stored(status, body)) => {
            let until = shared.clock.now().saturating_add(shared.config.idempotency_window);
            state.keys.insert(id, Keyed::Done { until, status: status.as_u16(), body: body.clone() });
        }
        Err(_) => {
            state.keys.remove(&id);
        }
    }
    let Stored(status, body) = outcome?;
    Ok(raw_json(status, body))
}

fn raw_json(status: StatusCode, body: Bytes) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

// ---- jobs -----------------------------------------------------------------------------------

/// Starts one job of `kind` for `request`, failing or not by the test's rules.
fn start_job(shared: &Shared, request: &JobRequest<'_>, configure: impl FnOnce(&mut Job)) -> String {
    let now = shared.clock.now();
    let mut state = shared.lock();
    let fails = decide_failure(&mut state.fail_rules, request);
    let kind = request.kind();
    let id = state.new_id(kind.prefix());
    let mut job = Job::new(id.clone(), kind, now, fails);
    configure(&mut job);
    state.jobs.push(job);
    id
}

/// Copies the fields every create may carry (`title`, `callback_url`, `callback_id`,
/// `folder_id`) from the typed request.
fn common(fields: &serde_json::Value) -> impl FnOnce(&mut Job) + '_ {
    move |job| {
        job.title = text(fields, "title");
        job.callback_url = text(fields, "callback_url");
        job.callback_id = text(fields, "callback_id");
        job.folder_id = text(fields, "folder_id");
    }
}

async fn create_video(State(shared): Shared_, headers: HeaderMap, body: Bytes) -> Reply {
    let request: types::CreateVideoRequest = parse(&body)?;
    if request_kind(&request).is_none() {
        return Err(ApiFailure::invalid("type", "`type` is not one of avatar, image, cinematic_avatar, studio"));
    }
    keyed(&shared, "POST", "/v3/videos".into(), idempotency_key(&headers), || {
        let fields = fields(&request);
        let id = start_job(&shared, &JobRequest::Video(&request), common(&fields));
        stored(&replies::video_created(&id))
    })
    .await
}

/// The kind of video, or `None` for a `type` the client's types do not know.
fn request_kind(request: &types::CreateVideoRequest) -> Option<&'static str> {
    match request {
        types::CreateVideoRequest::Avatar { .. } => Some("avatar"),
        types::CreateVideoRequest::Image { .. } => Some("image"),
        types::CreateVideoRequest::CinematicAvatar { .. } => Some("cinematic_avatar"),
        types::CreateVideoRequest::Studio { .. } => Some("studio"),
        _ => None,
    }
}

async fn create_video_translation(State(shared): Shared_, headers: HeaderMap, body: Bytes) -> Reply {
    let request: types::VideoTranslationCreateRequest = parse(&body)?;
    let fields = fields(&request);
    let languages: Vec<String> = fields
        .get("output_languages")
        .and_then(|v| v.as_array())
        .map(|langs| langs.iter().filter_map(|l| l.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if languages.is_empty() {
        return Err(ApiFailure::invalid("output_languages", "name at least one output language"));
    }
    let path = "/v3/video-translations".to_owned();
    keyed(&shared, "POST", path, idempotency_key(&headers), || {
        // One job per output language, as HeyGen does.
        let ids = languages
            .iter()
            .map(|language| {
                let job_request = JobRequest::VideoTranslation { request: &request, output_language: language };
                start_job(&shared, &job_request, |job| {
                    common(&fields)(job);
                    job.output_language = Some(language.clone());
                    job.input_language = text(&fields, "input_language");
                    job.translate_audio_only = fields.get("translate_audio_only").and_then(|v| v.as_bool());
                })
            })
            .collect();
        stored(&replies::translations_created(ids))
    })
    .await
}

async fn create_lipsync(State(shared): Shared_, headers: HeaderMap, body: Bytes) -> Reply {
    let request: types::LipsyncCreateRequest = parse(&body)?;
    keyed(&shared, "POST", "/v3/lipsyncs".into(), idempotency_key(&headers), || {
        let fields = fields(&request);
        let id = start_job(&shared, &JobRequest::Lipsync(&request), common(&fields));
        stored(&replies::lipsync_created(&id))
    })
    .await
}

async fn clone_voice(State(shared): Shared_, body: Bytes) -> Reply {
    let request: types::VoiceCloneRequest = parse(&body)?;
    let fields = fields(&request);
    // HeyGen takes no idempotency key here.
    let id = start_job(&shared, &JobRequest::VoiceClone(&request), |job| {
        job.title = text(&fields, "voice_name");
        job.input_language = text(&fields, "language");
    });
    ok(&replies::voice_clone_started(&id))
}

/// Speech comes back in the reply, as at HeyGen. The fake has no stock voices: it speaks only
/// with its own voice clones once they are complete, and serves the audio like a job's output.
async fn create_speech(State(shared): Shared_, body: Bytes) -> Reply {
    let request: types::SpeechRequest = parse(&body)?;
    let now = shared.clock.now();
    let state = shared.lock();
    let voice = state
        .job(JobKind::VoiceClone, &request.voice_id)
        .filter(|job| job.phase(now, &shared.config.timing) == Phase::Completed)
        .ok_or_else(|| ApiFailure::not_found("voice", &request.voice_id))?;
    let audio_url = shared.view(now).file_url(voice, "speech.mp3");
    ok(&replies::speech(audio_url, &request.text))
}

async fn create_background_removal(State(shared): Shared_, body: Bytes) -> Reply {
    let request: types::BackgroundRemovalCreateRequest = parse(&body)?;
    if request.layers.is_empty() {
        return Err(ApiFailure::invalid("layers", "name at least one layer"));
    }
    // HeyGen ignores `Idempotency-Key` here and de-duplicates by the body's `request_id`.
    let fields = fields(&request);
    let key = text(&fields, "request_id");
    keyed(&shared, "POST", "/v3/background-removals".into(), key, || {
        let id = start_job(&shared, &JobRequest::BackgroundRemoval(&request), |job| {
            job.title = text(&fields, "title");
            job.layers = request.layers.clone();
        });
        let state = shared.lock();
        let job = state.job(JobKind::BackgroundRemoval, &id).expect("the job just started");
        let data = shared.view(shared.clock.now()).background_removal(job);
        stored(&types::CreateBackgroundRemovalResponse { data })
    })
    .await
}

async fn get_job(State(shared): Shared_, Path(id): Path<String>, kind: JobKind) -> Reply {
    let state = shared.lock();
    let job = state.job(kind, &id).ok_or_else(|| ApiFailure::not_found(kind.noun(), &id))?;
    let view = shared.view(shared.clock.now());
    match kind {
        JobKind::Video => ok(&types::GetVideoResponse { data: view.video(job) }),
        JobKind::VideoTranslation => ok(&types::GetVideoTranslationResponse { data: view.video_translation(job) }),
        JobKind::Lipsync => ok(&types::GetLipsyncResponse { data: view.lipsync(job) }),
        JobKind::VoiceClone => ok(&types::GetVoiceResponse { data: view.voice(job) }),
        JobKind::BackgroundRemoval => ok(&types::GetBackgroundRemovalResponse { data: view.background_removal(job) }),
    }
}

async fn delete_job(State(shared): Shared_, Path(id): Path<String>, kind: JobKind) -> Reply {
    let mut state = shared.lock();
    let index = state
        .jobs
        .iter()
        .position(|job| job.kind == kind && job.id == id)
        .ok_or_else(|| ApiFailure::not_found(kind.noun(), &id))?;
    state.jobs.remove(index);
    match kind {
        JobKind::Video => ok(&replies::deleted_video(&id)),
        JobKind::VideoTranslation => ok(&replies::deleted_translation(&id)),
        JobKind::Lipsync => ok(&replies::deleted_lipsync(&id)),
        JobKind::BackgroundRemoval => ok(&replies::deleted_background_removal(&id)),
        JobKind::VoiceClone => Err(ApiFailure::new(405, "method_not_allowed", "not served")),
    }
}

// ---- paging ---------------------------------------------------------------------------------

/// One page of `items` by the query's `limit` (1 to 100, default 10) and `token`; the next
/// page's token when more follow. Tokens are opaque to callers.
fn page<T>(query: &HashMap<String, String>, items: Vec<T>) -> Result<(Vec<T>, bool, Option<String>), ApiFailure> {
    let limit = match query.get("limit") {
        None => 10,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiFailure::invalid("limit", "`limit` is a whole number from 1 to 100"))?,
    };
    let start = match query.get("token") {
        None => 0,
        Some(token) => token
            .strip_prefix("page_")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n <= items.len())
            .ok_or_else(|| ApiFailure::invalid("token", "`token` is not a `next_token` of this list"))?,
    };
    let end = start.saturating_add(limit).min(items.len());
    let has_more = end < items.len();
    let next = has_more.then(|| format!("page_{end}"));
    let page = items.into_iter().skip(start).take(end - start).collect();
    Ok((page, has_more, next))
}

async fn list_jobs(State(shared): Shared_, Query(query): Query<HashMap<String, String>>, kind: JobKind) -> Reply {
    let state = shared.lock();
    let view = shared.view(shared.clock.now());
    let jobs: Vec<&Job> = state
        .jobs_of(kind)
        .filter(|job| {
            kind != JobKind::Video || query.get("folder_id").is_none_or(|f| job.folder_id.as_ref() == Some(f))
        })
        .filter(|job| {
            kind != JobKind::Video
                || query.get("title").is_none_or(|t| job.title.as_ref().is_some_and(|own| own.contains(t)))
        })
        .collect();
    let (jobs, has_more, next_token) = page(&query, jobs)?;
    match kind {
        JobKind::Video => {
            let data = jobs.iter().map(|job| view.video(job)).collect();
            ok(&types::ListVideosResponse { data, has_more: has_more.into(), next_token })
        }
        JobKind::VideoTranslation => {
            let data = jobs.iter().map(|job| view.video_translation(job)).collect();
            ok(&types::ListVideoTranslationsResponse { data, has_more: has_more.into(), next_token })
        }
        JobKind::Lipsync => {
            let data = jobs.iter().map(|job| view.lipsync(job)).collect();
            ok(&types::ListLipsyncsResponse { data, has_more: has_more.into(), next_token })
        }
        JobKind::BackgroundRemoval => {
            let data = jobs.iter().map(|job| view.background_removal(job)).collect();
            ok(&types::ListBackgroundRemovalsResponse { data, has_more: has_more.into(), next_token })
        }
        JobKind::VoiceClone => Err(ApiFailure::new(405, "method_not_allowed", "not served")),
    }
}

// ---- assets ---------------------------------------------------------------------------------

fn asset_url(shared: &Shared, id: &str) -> String {
    format!("{}/_fake/files/assets/{id}", shared.base())
}

async fn upload_asset(State(shared): Shared_, headers: HeaderMap, body: Bytes) -> Reply {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let part =
        crate::multipart::file_part(content_type, &body, "file").map_err(|why| ApiFailure::invalid("file", why))?;
    if part.bytes.len() as u64 > MAX_UPLOAD_ASSET_BYTES {
        let message = format!("a file over {MAX_UPLOAD_ASSET_BYTES} bytes takes the direct upload");
        return Err(ApiFailure::new(413, "payload_too_large", message));
    }
    keyed(&shared, "POST", "/v3/assets".into(), idempotency_key(&headers), || {
        let mut state = shared.lock();
        let id = state.new_id("asset");
        let asset = StoredAsset {
            id: id.clone(),
            name: part.file_name.clone().unwrap_or_else(|| "upload".into()),
            content_type: part.content_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
            declared_size: part.bytes.len() as u64,
            checksum_sha256: None,
            bytes: part.bytes.clone(),
            put: true,
            completed: true,
            created: shared.clock.now(),
        };
        let reply = replies::uploaded(&asset, asset_url(&shared, &id));
        state.assets.insert(id, asset);
        stored(&reply)
    })
    .await
}

async fn create_asset_upload(State(shared): Shared_, headers: HeaderMap, body: Bytes) -> Reply {
    let request: types::CreateAssetUploadRequest = parse(&body)?;
    let fields = fields(&request);
    let size = fields.get("size_bytes").and_then(|v| v.as_u64()).unwrap_or(0);
    if size > shared.config.max_upload_bytes {
        let message = format!("the fake takes at most {} bytes", shared.config.max_upload_bytes);
        return Err(ApiFailure::invalid("size_bytes", message));
    }
    keyed(&shared, "POST", "/v3/assets/direct-uploads".into(), idempotency_key(&headers), || {
        let mut state = shared.lock();
        let id = state.new_id("asset");
        let asset = StoredAsset {
            id: id.clone(),
            name: text(&fields, "filename").unwrap_or_default(),
            content_type: text(&fields, "content_type").unwrap_or_default(),
            declared_size: size,
            checksum_sha256: text(&fields, "checksum_sha256"),
            bytes: Bytes::new(),
            put: false,
            completed: false,
            created: shared.clock.now(),
        };
        // The presigned URL's credential: a PUT without it is refused, as storage does.
        let signature = format!("{:016x}", fastrand::u64(..));
        let url = format!("{}/_fake/uploads/{id}?signature={signature}", shared.base());
        let reply = replies::upload_slot(
            &id,
            url,
            &asset.content_type,
            Duration::from_secs(3600),
            shared.config.max_upload_bytes,
        );
        state.assets.insert(id.clone(), asset);
        state.upload_signatures.insert(id, signature);
        stored(&reply)
    })
    .await
}

/// The presigned `PUT`, answered as a storage host would: plain statuses, no JSON.
async fn put_asset_upload(
    State(shared): Shared_,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = shared.lock();
    let signed = state.upload_signatures.get(&id).is_some_and(|s| query.get("signature") == Some(s));
    let Some(asset) = state.assets.get_mut(&id).filter(|_| signed) else {
        return (StatusCode::FORBIDDEN, "the upload URL is not valid").into_response();
    };
    if asset.completed {
        return (StatusCode::FORBIDDEN, "the upload is already complete").into_response();
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type != asset.content_type {
        return (StatusCode::FORBIDDEN, "Content-Type differs from the signed one").into_response();
    }
    if body.len() as u64 != asset.declared_size {
        return (StatusCode::BAD_REQUEST, "the body's size differs from the declared size").into_response();
    }
    if let Some(expected) = &asset.checksum_sha256
        && !expected.eq_ignore_ascii_case(&hex::encode(Sha256::digest(&body)))
    {
        return (StatusCode::BAD_REQUEST, "the body's SHA-256 differs from the declared one").into_response();
    }
    asset.bytes = body;
    asset.put = true;
    StatusCode::OK.into_response()
}

async fn complete_asset_upload(State(shared): Shared_, Path(id): Path<String>, body: Bytes) -> Reply {
    let request: types::CompleteAssetUploadRequest =
        if body.is_empty() { parse(&Bytes::from_static(b"{}"))? } else { parse(&body)? };
    let checksum = text(&fields(&request), "checksum_sha256");
    let url = asset_url(&shared, &id);
    let mut state = shared.lock();
    let asset = state.assets.get_mut(&id).ok_or_else(|| ApiFailure::not_found("asset", &id))?;
    if !asset.put {
        return Err(ApiFailure::invalid("asset_id", "nothing was uploaded to this asset's upload URL"));
    }
    if let Some(expected) = checksum
        && !expected.eq_ignore_ascii_case(&hex::encode(Sha256::digest(&asset.bytes)))
    {
        return Err(ApiFailure::invalid("checksum_sha256", "the uploaded bytes have another SHA-256"));
    }
    // Completing again is safe and returns the same asset.
    asset.completed = true;
    ok(&replies::upload_completed(asset, url))
}

async fn get_asset(State(shared): Shared_, Path(id): Path<String>) -> Reply {
    let state = shared.lock();
    let asset = state.assets.get(&id).filter(|a| a.completed).ok_or_else(|| ApiFailure::not_found("asset", &id))?;
    ok(&replies::asset(asset, Some(asset_url(&shared, &id)), shared.clock.unix(asset.created)))
}

/// A file: an asset's bytes, or a job's output (made up, and the same every time).
async fn fetch_file(State(shared): Shared_, Path(file): Path<String>) -> Response {
    let state = shared.lock();
    let not_found = || (StatusCode::NOT_FOUND, "no such file").into_response();
    let mut parts = file.splitn(3, '/');
    let (Some(prefix), Some(id)) = (parts.next(), parts.next()) else { return not_found() };
    if prefix == "assets" {
        return match state.assets.get(id).filter(|a| a.completed) {
            Some(asset) => ([(header::CONTENT_TYPE, asset.content_type.clone())], asset.bytes.clone()).into_response(),
            None => not_found(),
        };
    }
    let name = parts.next().unwrap_or_default();
    let now = shared.clock.now();
    let done = state
        .jobs
        .iter()
        .find(|job| job.kind.prefix() == prefix && job.id == id)
        .is_some_and(|job| job.phase(now, &shared.config.timing) == Phase::Completed);
    if !done {
        return not_found();
    }
    let content_type = match name.rsplit('.').next() {
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("mp3") => "audio/mpeg",
        Some("jpg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("srt") => "application/x-subrip",
        Some("vtt") => "text/vtt",
        _ => "text/html",
    };
    ([(header::CONTENT_TYPE, content_type)], file_bytes(prefix, id, name)).into_response()
}

/// The made-up content of a job's output file: the same bytes for the same file every time.
pub(crate) fn file_bytes(kind: &str, id: &str, name: &str) -> Vec<u8> {
    format!("heygen-mock output {name} of {kind} {id}\n").into_bytes()
}

// ---- webhooks -------------------------------------------------------------------------------

fn check_url(url: &str) -> Result<(), ApiFailure> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(()),
        _ => Err(ApiFailure::invalid("url", "`url` is not an http(s) URL")),
    }
}

fn new_secret() -> String {
    format!("whsec_{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

async fn create_webhook_endpoint(State(shared): Shared_, headers: HeaderMap, body: Bytes) -> Reply {
    let request: types::WebhookEndpointCreateRequest = parse(&body)?;
    let fields = fields(&request);
    let url = text(&fields, "url").unwrap_or_default();
    check_url(&url)?;
    keyed(&shared, "POST", "/v3/webhooks/endpoints".into(), idempotency_key(&headers), || {
        let mut state = shared.lock();
        let endpoint = Endpoint {
            id: state.new_id("endpoint"),
            url,
            events: request.events.clone(),
            secret: new_secret(),
            created_at: shared.clock.rfc3339(shared.clock.now()),
        };
        let reply = types::CreateWebhookEndpointResponse { data: replies::webhook_endpoint(&endpoint, true) };
        state.endpoints.push(endpoint);
        stored(&reply)
    })
    .await
}

async fn list_webhook_endpoints(State(shared): Shared_, Query(query): Query<HashMap<String, String>>) -> Reply {
    let state = shared.lock();
    let (endpoints, has_more, next_token) = page(&query, state.endpoints.iter().collect())?;
    let data = endpoints.into_iter().map(|ep| replies::webhook_endpoint(ep, false)).collect();
    ok(&types::ListWebhookEndpointsResponse { data, has_more: has_more.into(), next_token })
}

async fn update_webhook_endpoint(State(shared): Shared_, Path(id): Path<String>, body: Bytes) -> Reply {
    let request: types::WebhookEndpointUpdateRequest = parse(&body)?;
    let url = text(&fields(&request), "url");
    if let Some(url) = &url {
        check_url(url)?;
    }
    let mut state = shared.lock();
    let endpoint = state
        .endpoints
        .iter_mut()
        .find(|ep| ep.id == id)
        .ok_or_else(|| ApiFailure::not_found("webhook endpoint", &id))?;
    if let Some(url) = url {
        endpoint.url = url;
    }
    if let Some(events) = request.events {
        // The list is replaced whole.
        endpoint.events = Some(events);
    }
    ok(&types::UpdateWebhookEndpointResponse { data: replies::webhook_endpoint(endpoint, false) })
}

async fn delete_webhook_endpoint(State(shared): Shared_, Path(id): Path<String>) -> Reply {
    let mut state = shared.lock();
    let before = state.endpoints.len();
    state.endpoints.retain(|ep| ep.id != id);
    if state.endpoints.len() == before {
        return Err(ApiFailure::not_found("webhook endpoint", &id));
    }
    ok(&replies::deleted_webhook_endpoint())
}

async fn rotate_webhook_endpoint_secret(State(shared): Shared_, Path(id): Path<String>, headers: HeaderMap) -> Reply {
    let path = format!("/v3/webhooks/endpoints/{id}/rotate-secret");
    keyed(&shared, "POST", path, idempotency_key(&headers), || {
        let mut state = shared.lock();
        let endpoint = state
            .endpoints
            .iter_mut()
            .find(|ep| ep.id == id)
            .ok_or_else(|| ApiFailure::not_found("webhook endpoint", &id))?;
        // The old secret stops at once, as HeyGen's does.
        endpoint.secret = new_secret();
        stored(&replies::rotated(endpoint))
    })
    .await
}

async fn list_webhook_events(State(shared): Shared_, Query(query): Query<HashMap<String, String>>) -> Reply {
    let state = shared.lock();
    let wanted = query.get("event_type");
    let events: Vec<types::WebhookEvent> =
        state.events.iter().rev().filter(|e| wanted.is_none_or(|t| e.event_type.0 == *t)).cloned().collect();
    let (data, has_more, next_token) = page(&query, events)?;
    ok(&types::ListWebhookEventsResponse { data, has_more: has_more.into(), next_token })
}
