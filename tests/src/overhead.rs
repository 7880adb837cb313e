//! The requests the per-request overhead is measured on (the `requests` bench, its
//! instruction-count driver, and the tests `it overhead::` and `memory request_memory::`): one
//! loopback server that answers every case, the bodies, and the bare reqwest + serde_json side
//! that makes the same requests.
//!
//! Both sides send the same headers (checked by `it/overhead.rs`) and decode into the same
//! types; the client runs with its defaults (retries, timeouts and tracing on, no subscriber
//! installed).

use heygen_client as v3;
use heygen_client::legacy::{Client, types};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wiremock::matchers::{query_param, query_param_is_missing};
use wiremock::{MockServer, ResponseTemplate};

use crate::requests::request_for;
use crate::{API_KEY, Document, DocumentExt, call, success_example};

/// The `User-Agent` heygen-client sends, which the bare side sends too.
pub const CLIENT_USER_AGENT: &str = "heygen-rs/0.1.0";
/// How many pages the paged v3 stream fetches, and the items on each (HeyGen's largest page).
pub const PAGES: usize = 10;
pub const PAGE_ITEMS: usize = 100;
/// The folder the paged stream lists, which tells its requests from the large list's.
const PAGED_FOLDER: &str = "paged";

/// The server, both clients and the request bodies.
pub struct Cases {
    pub server: MockServer,
    pub client: Client,
    pub v3: v3::Client,
    pub bare: reqwest::Client,
    pub create_body: types::CreateAvatarVideoV2Request,
    pub v3_create_body: v3::types::CreateVideoRequest,
}

impl Cases {
    /// Starts the server (recording requests only when `record`, for the wire check: the
    /// benchmark's runs would otherwise pile up every request) and builds both sides.
    pub async fn start(record: bool) -> Self {
        let server = if record {
            MockServer::start().await
        } else {
            MockServer::builder().disable_request_recording().start().await
        };
        let mounts = [
            call("GET", "/v1/user/me").respond_with(ok(success_example("get_current_user"))),
            call("GET", "/v1/video.list").respond_with(ok(large_list())),
            call("POST", "/v2/video/generate").respond_with(ok(success_example("create_avatar_video_v2"))),
            call("POST", "/v3/videos").respond_with(Document::V3.example_response("create_video")),
            call("GET", "/v3/users/me").respond_with(Document::V3.example_response("get_current_user")),
            call("GET", "/v3/videos").and(query_param_is_missing("folder_id")).respond_with(ok(large_v3_list())),
        ];
        for mock in mounts {
            mock.mount(&server).await;
        }
        for page in 0..PAGES {
            let request = call("GET", "/v3/videos").and(query_param("folder_id", PAGED_FOLDER));
            let request = match page {
                0 => request.and(query_param_is_missing("token")),
                _ => request.and(query_param("token", page_token(page))),
            };
            request.respond_with(ok(v3_page(page))).mount(&server).await;
        }
        let client = v3::Client::builder().api_key(API_KEY).base_url(server.uri()).build_legacy().unwrap();
        let bare = reqwest::Client::builder().user_agent(CLIENT_USER_AGENT).build().unwrap();
        let create_body = serde_json::from_value(nested_body()).unwrap();
        let v3_create_body = request_for(Document::V3, "create_video").body().unwrap();
        Cases { server, v3: client.v3(), client, bare, create_body, v3_create_body }
    }

    /// A GET of `path` by bare reqwest, decoded into `T`.
    pub async fn bare_get<T: DeserializeOwned>(&self, path: &str) -> T {
        bare(self.bare.get(format!("{}{path}", self.server.uri()))).await
    }

    /// Every video of the paged v3 list through the client's stream.
    pub async fn client_pages(&self) -> Vec<v3::types::VideoDetail> {
        use futures_util::TryStreamExt;
        let params = v3::params::ListVideosParams { folder_id: Some(PAGED_FOLDER), ..Default::default() };
        let videos: Vec<_> = self.v3.list_videos_stream(params).try_collect().await.unwrap();
        assert_eq!(videos.len(), PAGES * PAGE_ITEMS);
        videos
    }

    /// The same by bare reqwest: a request per page, following `next_token` until `has_more`
    /// is false.
    pub async fn bare_pages(&self) -> Vec<v3::types::VideoDetail> {
        let mut videos = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![("folder_id", PAGED_FOLDER)];
            query.extend(token.as_deref().map(|token| ("token", token)));
            let request = self.bare.get(format!("{}/v3/videos", self.server.uri())).query(&query);
            let page: v3::types::ListVideosResponse = bare(request).await;
            videos.extend(page.data);
            match (page.has_more, page.next_token) {
                (Some(true), Some(next)) => token = Some(next),
                _ => break,
            }
        }
        assert_eq!(videos.len(), PAGES * PAGE_ITEMS);
        videos
    }
}

/// A request sent the way bare reqwest would, with the same headers as the client, its reply
/// read whole and decoded with serde_json into `T`.
pub async fn bare<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    let reply = request.header("x-api-key", API_KEY).header("accept", "application/json").send().await.unwrap();
    serde_json::from_slice(&reply.bytes().await.unwrap()).unwrap()
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// About 1.1 MB of legacy JSON: 7,000 listed videos.
pub fn large_list() -> Value {
    let videos: Vec<Value> = (0..7_000)
        .map(|i| {
            json!({"video_id": format!("{i:032x}"), "status": "completed", "created_at": 1719491200 + i,
                   "type": "GENERATED", "video_title": format!("Weekly update number {i}")})
        })
        .collect();
    json!({"code": 100, "message": "Success", "data": {"videos": videos, "token": null}})
}

/// One v3 video as HeyGen lists it (the spec's example), with its own id.
fn v3_video(i: usize) -> Value {
    let id = format!("v_{i:012x}");
    json!({
        "id": id, "status": "completed", "title": format!("Weekly update number {i}"),
        "created_at": 1711929600 + i, "completed_at": 1711930200 + i,
        "video_url": format!("https://files.heygen.ai/video/{id}.mp4"),
        "thumbnail_url": format!("https://files.heygen.ai/thumb/{id}.jpg"),
        "gif_url": format!("https://files.heygen.ai/gif/{id}.gif"),
        "captioned_video_url": format!("https://files.heygen.ai/video/{id}_captioned.mp4"),
        "subtitle_url": format!("https://files.heygen.ai/srt/{id}.srt"),
        "duration": 30.5, "folder_id": "folder_abc123", "output_language": null,
        "failure_code": null, "failure_message": null,
        "video_page_url": format!("https://app.heygen.com/video/{id}")
    })
}

/// About 1.1 MB of v3 JSON: one page of 2,000 videos.
pub fn large_v3_list() -> Value {
    json!({"data": (0..2_000).map(v3_video).collect::<Vec<_>>(), "has_more": false, "next_token": null})
}

fn page_token(page: usize) -> String {
    format!("page-{page}")
}

/// Page `page` (from 0) of the paged list; the last says `has_more: false`.
fn v3_page(page: usize) -> Value {
    let items: Vec<Value> = (page * PAGE_ITEMS..(page + 1) * PAGE_ITEMS).map(v3_video).collect();
    let more = page + 1 < PAGES;
    json!({"data": items, "has_more": more, "next_token": more.then(|| page_token(page + 1))})
}

/// Ten scenes, each with a character, a voice and a background.
pub fn nested_body() -> Value {
    let scene = |i: usize| {
        json!({
            "character": {"type": "avatar", "avatar_id": "Angela-inblackskirt-20220820", "avatar_style": "normal",
                          "offset": {"x": 0.1, "y": -0.2}, "scale": 0.9},
            "voice": {"type": "text", "voice_id": "1bd001e7e50f421d891986aad5158bc8",
                      "input_text": format!("Scene {i}: the quick brown fox jumps over the lazy dog."), "speed": 1.1},
            "background": {"type": "image", "url": "https://example.com/bg.png", "fit": "cover"}
        })
    };
    json!({"video_inputs": (0..10).map(scene).collect::<Vec<_>>(), "title": "Benchmark", "dimension": {"width": 1280, "height": 720}})
}
