//! Per-request overhead of `heygen-client` against the same requests made with bare reqwest and
//! serde_json, on loopback: a small GET, a list reply of about 1 MB, a POST with a nested body,
//! and a v3 create that carries an idempotency key. Both sides send the same headers and decode
//! into the same types; the client runs with its defaults (retries and tracing on, no subscriber
//! installed).
//!
//! Run with `cargo bench -p heygen-tests --bench requests`; results are in docs/benchmarks.md.

use criterion::{Criterion, criterion_group, criterion_main};
use heygen_client as v3;
use heygen_client::legacy::{Client, types};
use heygen_tests::requests::request_for;
use heygen_tests::{API_KEY, Document, DocumentExt, call, success_example};
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

struct Fixture {
    server: MockServer,
    client: Client,
    v3: v3::Client,
    bare: reqwest::Client,
    create_body: types::CreateAvatarVideoV2Request,
    v3_create_body: v3::types::CreateVideoRequest,
}

fn fixture(runtime: &tokio::runtime::Runtime) -> Fixture {
    runtime.block_on(async {
        let server = MockServer::start().await;
        call("GET", "/v1/user/me")
            .respond_with(ResponseTemplate::new(200).set_body_json(success_example("get_current_user")))
            .mount(&server)
            .await;
        call("GET", "/v1/video.list")
            .respond_with(ResponseTemplate::new(200).set_body_json(large_list()))
            .mount(&server)
            .await;
        call("POST", "/v2/video/generate")
            .respond_with(ResponseTemplate::new(200).set_body_json(success_example("create_avatar_video_v2")))
            .mount(&server)
            .await;
        call("POST", "/v3/videos").respond_with(Document::V3.example_response("create_video")).mount(&server).await;
        let client = heygen_client::Client::builder().api_key(API_KEY).base_url(server.uri()).build_legacy().unwrap();
        let create_body = serde_json::from_value(nested_body()).unwrap();
        let v3_create_body = request_for(Document::V3, "create_video").body().unwrap();
        Fixture { server, v3: client.v3(), client, bare: reqwest::Client::new(), create_body, v3_create_body }
    })
}

/// About 1 MB of JSON: thousands of listed videos.
fn large_list() -> Value {
    let videos: Vec<Value> = (0..7_000)
        .map(|i| {
            json!({"video_id": format!("{i:032x}"), "status": "completed", "created_at": 1719491200 + i,
                   "type": "GENERATED", "video_title": format!("Weekly update number {i}")})
        })
        .collect();
    json!({"code": 100, "message": "Success", "data": {"videos": videos, "token": null}})
}

/// Ten scenes, each with a character, a voice and a background.
fn nested_body() -> Value {
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

/// A request sent the way bare reqwest would, with the same API key header as the client, its
/// reply decoded with serde_json into `T`.
async fn bare<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    let reply = request.header("x-api-key", API_KEY).header("accept", "application/json").send().await.unwrap();
    serde_json::from_slice(&reply.bytes().await.unwrap()).unwrap()
}

/// A fresh random (version 4) UUID, the idempotency key a bare-reqwest caller would send, so
/// that the bare side also makes one per call and sends a header of the same size.
fn idempotency_key() -> String {
    let n = fastrand::u128(..);
    let variant = 0x8000 | ((n >> 52) & 0x3fff);
    format!(
        "{:08x}-{:04x}-4{:03x}-{variant:04x}-{:012x}",
        n >> 96,
        (n >> 80) & 0xffff,
        (n >> 68) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

async fn bare_get<T: serde::de::DeserializeOwned>(f: &Fixture, path: &str) -> T {
    bare(f.bare.get(format!("{}{path}", f.server.uri()))).await
}

fn requests(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let f = fixture(&runtime);

    let mut small = c.benchmark_group("small GET (get_current_user)");
    small.bench_function("heygen-client", |b| {
        b.to_async(&runtime).iter(|| async { f.client.get_current_user().await.unwrap() })
    });
    small.bench_function("bare reqwest", |b| {
        b.to_async(&runtime).iter(|| bare_get::<types::CurrentUserResponse>(&f, "/v1/user/me"))
    });
    small.finish();

    let mut large = c.benchmark_group("1 MB list (list_videos)");
    large.sample_size(30);
    large.bench_function("heygen-client", |b| {
        b.to_async(&runtime).iter(|| async { f.client.list_videos(Default::default()).await.unwrap() })
    });
    large.bench_function("bare reqwest", |b| {
        b.to_async(&runtime).iter(|| bare_get::<types::VideoListResponse>(&f, "/v1/video.list"))
    });
    large.finish();

    let mut post = c.benchmark_group("nested POST (create_avatar_video_v2)");
    post.bench_function("heygen-client", |b| {
        b.to_async(&runtime).iter(|| async { f.client.create_avatar_video_v2(&f.create_body).await.unwrap() })
    });
    post.bench_function("bare reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = f.bare.post(format!("{}/v2/video/generate", f.server.uri())).json(&f.create_body);
            bare::<types::VideoIdV2Response>(request).await
        })
    });
    post.finish();

    let mut keyed = c.benchmark_group("v3 create with an idempotency key (create_video)");
    keyed.bench_function("heygen-client", |b| {
        b.to_async(&runtime).iter(|| async { f.v3.create_video(&f.v3_create_body).await.unwrap() })
    });
    keyed.bench_function("bare reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = f
                .bare
                .post(format!("{}/v3/videos", f.server.uri()))
                .header("api-version", "3.0.0")
                .header("idempotency-key", idempotency_key())
                .json(&f.v3_create_body);
            bare::<v3::types::CreateVideoResponse>(request).await
        })
    });
    keyed.finish();
}

criterion_group!(benches, requests);
criterion_main!(benches);
