//! v3 idempotency keys against fakes on 127.0.0.1: one key per call, the same on every retry of
//! that call, the caller's own key as given, a 409 `request_in_progress` waited out, a create
//! sent again after a lost connection only when it carries a key, and background removal's body
//! `request_id` as the equivalent of the header. Retries are counted on heygen-mock's typed
//! stubs, HeyGen's replay of a key in flight on its stateful fake; the lost-connection tests are
//! still on `support/fake.rs`.

use crate::support::fake;

use std::time::Duration;

use fake::{FakeServer, Reply, bounded, quick_retries};
use heygen_client as v3;
use heygen_client::Error;
use heygen_mock::stubs::{self, Operation};
use heygen_mock::{ApiFailure, FakeHeyGen, JobKind, MockHeyGen};
use heygen_tests::requests::request_for;
use heygen_tests::{API_KEY, Document, DocumentExt, Harness, call, is_uuid};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

const KEY: &str = "idempotency-key";

/// The request body of a valid call of the v3 operation `id`, as its Rust type.
fn body<T: DeserializeOwned>(id: &str) -> T {
    request_for(Document::V3, id).body().unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn create_video_body() -> v3::types::CreateVideoRequest {
    body("create_video")
}

/// `request_in_progress` is waited out on its own budget, from 1 s by default: quicker here.
fn quick_in_progress() -> heygen_client::InProgressPolicy {
    heygen_client::InProgressPolicy {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..Default::default()
    }
}

async fn harness() -> Harness {
    Harness::start_with(|builder| builder.retry_policy(quick_retries()).in_progress_policy(quick_in_progress())).await
}

fn v3_client_for(url: &str) -> v3::Client {
    heygen_client::Client::builder().api_key(API_KEY).base_url(url).retry_policy(quick_retries()).build().unwrap()
}

fn example(id: &str) -> ResponseTemplate {
    Document::V3.example_response(id)
}

/// HeyGen's v3 error body.
fn v3_error(status: u16, code: &str) -> ResponseTemplate {
    let error = json!({"error": {"code": code, "message": code.replace('_', " "), "param": null, "doc_url": null}});
    ResponseTemplate::new(status).set_body_json(error)
}

/// The idempotency key of each request received, in order.
async fn keys(requests: Vec<Request>) -> Vec<String> {
    let key = |r: &Request| r.headers.get(KEY).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    requests.iter().map(key).collect()
}

async fn received(h: &Harness) -> Vec<Request> {
    h.api.received_requests().await.expect("request recording is on")
}

#[tokio::test]
async fn every_retry_of_one_call_carries_the_same_key() {
    // Typed stubs (heygen-mock): two 503s in HeyGen's error body, then the spec's example; the
    // log keeps each attempt's key. The stub mounted last is tried first.
    let mock = MockHeyGen::start().await;
    mock.create_video().mount();
    mock.create_video().times(2).fail(ApiFailure::new(503, "service_unavailable", "service unavailable"));

    let reply = bounded(v3_client_for(&mock.url()).create_video(&create_video_body())).await.unwrap();
    let example = stubs::CreateVideo::example().expect("the spec has an example").expect("it decodes");
    assert_eq!(reply.data.video_id, example.data.video_id);
    let keys: Vec<String> =
        mock.received::<stubs::CreateVideo>().into_iter().map(|r| r.idempotency_key.unwrap_or_default()).collect();
    assert_eq!(keys.len(), 3, "two 503s, then the reply");
    assert!(is_uuid(&keys[0]), "a generated key is a UUID: {:?}", keys[0]);
    assert!(keys.iter().all(|key| *key == keys[0]), "one key for every attempt: {keys:?}");
}

#[tokio::test]
async fn two_calls_send_two_keys() {
    let h = harness().await;
    call("POST", "/v3/videos").respond_with(example("create_video")).mount(&h.api).await;
    let client = h.client.v3();
    for _ in 0..2 {
        bounded(client.create_video(&create_video_body())).await.unwrap();
    }
    let keys = keys(received(&h).await).await;
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|key| is_uuid(key)), "{keys:?}");
    assert_ne!(keys[0], keys[1], "each call has its own key");
}

#[tokio::test]
async fn a_callers_key_is_sent_as_given_on_every_attempt() {
    let h = harness().await;
    call("POST", "/v3/videos").respond_with(v3_error(503, "service_unavailable")).up_to_n_times(1).mount(&h.api).await;
    call("POST", "/v3/videos").respond_with(example("create_video")).mount(&h.api).await;
    let mine = "order-1234:video.intro_v2";
    bounded(h.client.v3().with_idempotency_key(mine).unwrap().create_video(&create_video_body())).await.unwrap();
    assert_eq!(keys(received(&h).await).await, [mine, mine]);
}

#[tokio::test]
async fn a_request_in_progress_is_waited_out_with_the_same_key() {
    let h = harness().await;
    call("POST", "/v3/videos").respond_with(v3_error(409, "request_in_progress")).up_to_n_times(2).mount(&h.api).await;
    call("POST", "/v3/videos").respond_with(example("create_video")).mount(&h.api).await;
    bounded(h.client.v3().create_video(&create_video_body())).await.unwrap();
    let keys = keys(received(&h).await).await;
    assert_eq!(keys.len(), 3, "two 409s, then the first attempt's reply");
    assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");
}

/// Against the stateful fake: a repeat of a keyed create while the first is still in flight is
/// answered HeyGen's `409 request_in_progress`; the client waits it out and gets the first
/// reply, so one video exists, not two.
#[tokio::test]
async fn a_repeat_while_the_first_is_in_flight_waits_and_gets_the_first_reply() {
    let fake = FakeHeyGen::builder().create_latency(Duration::from_millis(500)).start().await.unwrap();
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(fake.url())
        .retry_policy(quick_retries())
        .in_progress_policy(quick_in_progress())
        .build()
        .unwrap();
    let keyed = client.with_idempotency_key("order-77:intro").unwrap();
    let request = create_video_body();
    let first = keyed.create_video(&request);
    let repeat = async {
        // Sent once the first is in flight (500 ms of latency on the fake's side).
        tokio::time::sleep(Duration::from_millis(50)).await;
        keyed.create_video(&request).await
    };
    let (first, repeat) = bounded(async { tokio::join!(first, repeat) }).await;
    let (first, repeat) = (first.unwrap().into_inner().data, repeat.unwrap().into_inner().data);
    assert_eq!(repeat.video_id, first.video_id, "the first reply, replayed");
    assert_eq!(fake.job_count(JobKind::Video), 1, "one video, not two");
    // Two calls, plus at least one resend after a 409: the repeat did meet the first in flight.
    assert!(fake.calls_to("create_video") >= 3, "{} calls", fake.calls_to("create_video"));
    let keys: Vec<_> = fake.calls().into_iter().filter_map(|c| c.idempotency_key).collect();
    assert!(keys.iter().all(|key| key == "order-77:intro"), "{keys:?}");
}

/// Without a key, a 409 is a conflict the caller must see, not something to wait out.
#[tokio::test]
async fn a_409_for_a_call_without_a_key_is_the_callers_error() {
    let h = harness().await;
    call("POST", "/v3/voices/clone").respond_with(v3_error(409, "conflict")).mount(&h.api).await;
    let err = bounded(h.client.v3().clone_voice(&body("clone_voice"))).await.unwrap_err();
    let Error::Api(e) = &err else { panic!("{err:?}") };
    assert_eq!((e.status.as_u16(), e.code.as_ref().map(ToString::to_string)), (409, Some("conflict".to_owned())));
    let requests = received(&h).await;
    assert_eq!(requests.len(), 1, "sent once");
    assert!(!requests[0].headers.contains_key(KEY), "clone_voice takes no key");
}

/// The first attempt reaches the server and the connection drops before any reply: the server
/// may have acted on it. HeyGen replays a keyed request's first reply, so only that is safe to
/// send again.
fn hang_up_then_reply(example: Value) -> impl Fn(usize, &fake::Recorded) -> Reply {
    move |n, _| if n == 0 { Reply::HangUp } else { Reply::json(200, &example) }
}

#[tokio::test]
async fn a_keyed_create_is_sent_again_after_a_lost_connection() {
    let server = FakeServer::start(hang_up_then_reply(Document::V3.success_example("create_video"))).await;
    bounded(v3_client_for(&server.url).create_video(&create_video_body())).await.unwrap();
    let keys: Vec<_> = server.recorded().iter().map(|r| r.header(KEY).unwrap_or_default().to_owned()).collect();
    assert_eq!(keys.len(), 2);
    assert!(is_uuid(&keys[0]) && keys[1] == keys[0], "{keys:?}");
}

#[tokio::test]
async fn a_create_without_a_key_is_not_sent_again_after_a_lost_connection() {
    let server =
        FakeServer::start(hang_up_then_reply(Document::Legacy.success_example("create_avatar_video_v2"))).await;
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(&server.url)
        .retry_policy(quick_retries())
        .build_legacy();
    let legacy_body = request_for(Document::Legacy, "create_avatar_video_v2").body().unwrap();
    let err = bounded(client.unwrap().create_avatar_video_v2(&legacy_body)).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert_eq!(server.count(), 1, "a legacy create without a key is sent once");

    let server = FakeServer::start(hang_up_then_reply(Document::V3.success_example("clone_voice"))).await;
    let err = bounded(v3_client_for(&server.url).clone_voice(&body("clone_voice"))).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert_eq!(server.count(), 1, "a v3 create without a key is sent once");
}

// ---- background removal: the key is the body's `request_id` ---------------------------------

fn request_ids(requests: &[Request]) -> Vec<Value> {
    requests.iter().map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["request_id"].clone()).collect()
}

#[tokio::test]
async fn background_removal_gets_a_request_id_the_same_on_every_retry() {
    let h = harness().await;
    let path = "/v3/background-removals";
    call("POST", path).respond_with(v3_error(503, "service_unavailable")).up_to_n_times(1).mount(&h.api).await;
    call("POST", path).respond_with(example("create_background_removal")).mount(&h.api).await;
    let mut request: v3::types::BackgroundRemovalCreateRequest = body("create_background_removal");
    request.request_id = None;
    bounded(h.client.v3().create_background_removal(&request)).await.unwrap();

    let requests = received(&h).await;
    let ids = request_ids(&requests);
    assert_eq!(ids.len(), 2);
    assert!(ids[0].as_str().is_some_and(is_uuid), "filled in with a UUID: {ids:?}");
    assert_eq!(ids[1], ids[0], "the same on the retry");
    assert!(requests.iter().all(|r| !r.headers.contains_key(KEY)), "HeyGen ignores the header here");
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let mut given = serde_json::to_value(&request).unwrap();
    given["request_id"] = ids[0].clone();
    assert_eq!(sent, given, "nothing else in the body changed");
}

#[tokio::test]
async fn background_removal_keeps_the_callers_request_id() {
    let h = harness().await;
    call("POST", "/v3/background-removals").respond_with(example("create_background_removal")).mount(&h.api).await;
    let mut request: v3::types::BackgroundRemovalCreateRequest = body("create_background_removal");
    request.request_id = Some("batch-7:clip-3".to_owned());
    bounded(h.client.v3().create_background_removal(&request)).await.unwrap();
    assert_eq!(request_ids(&received(&h).await), [json!("batch-7:clip-3")]);
}

/// The handle's key (`with_idempotency_key`) fills `request_id` when the body has none, as it
/// fills the header of other creates; a `request_id` in the body still wins.
#[tokio::test]
async fn background_removal_takes_the_handles_key_when_the_body_has_none() {
    let h = harness().await;
    call("POST", "/v3/background-removals").respond_with(example("create_background_removal")).mount(&h.api).await;
    let mut request: v3::types::BackgroundRemovalCreateRequest = body("create_background_removal");
    request.request_id = None;
    let keyed = h.client.v3().with_idempotency_key("order-9:clip-1").unwrap();
    bounded(keyed.create_background_removal(&request)).await.unwrap();
    request.request_id = Some("batch-7:clip-3".to_owned());
    bounded(keyed.create_background_removal(&request)).await.unwrap();
    assert_eq!(request_ids(&received(&h).await), [json!("order-9:clip-1"), json!("batch-7:clip-3")]);
}
