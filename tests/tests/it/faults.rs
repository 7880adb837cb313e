//! Fault injection: the client against servers that misbehave, one test (or a few) per item of
//! issue 15. Fake servers run on 127.0.0.1 only; every wait is bounded.

#![allow(deprecated)] // the streaming calls are deprecated upstream (replaced by LiveAvatar)

use crate::support::{fake, trace_subscriber};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fake::{FakeServer, LIMIT, Reply, bounded, quick_retries};
use futures_util::{StreamExt, TryStreamExt};
use heygen_client::legacy::streaming::{self, StreamingError, StreamingSession};
use heygen_client::legacy::webhook::{self, Verifier, WebhookError};
use heygen_client::legacy::{Client, types};
use heygen_client::{Error, RetryPolicy, WaitOptions};
use heygen_tests::{API_KEY, Harness, call, example_response, success_example};
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

fn client_for(url: &str) -> Client {
    heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(url)
        .retry_policy(quick_retries())
        .build_legacy()
        .unwrap()
}

fn status_example() -> Value {
    success_example("get_video_status")
}

fn create_video_body() -> types::CreateAvatarVideoV2Request {
    serde_json::from_value(json!({"video_inputs": [{"voice": {"type": "silence"}}]})).unwrap()
}

// ---- 1. redirects ------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_the_key_stays_home() {
    let elsewhere = FakeServer::start(|_, _| Reply::json(200, &status_example())).await;
    let target = format!("{}/v1/video_status.get?video_id=v1", elsewhere.url);
    let api = FakeServer::start(move |_, _| Reply::redirect(307, target.clone())).await;
    let client = client_for(&api.url);

    let err = bounded(client.get_video_status("v1")).await.unwrap_err();
    let Error::Redirected { status, location, .. } = &err else { panic!("{err:?}") };
    assert_eq!(status.as_u16(), 307);
    assert_eq!(location.as_deref(), Some(elsewhere.url.as_str()), "the error names the target's origin only");
    // A create's body is not re-sent either.
    let err = bounded(client.create_avatar_video_v2(&create_video_body())).await.unwrap_err();
    assert!(matches!(err, Error::Redirected { .. }), "{err:?}");
    assert_eq!(elsewhere.count(), 0, "a request followed the redirect: {:?}", elsewhere.recorded());
    assert_eq!(api.count(), 2);
}

// ---- 2. body limit -----------------------------------------------------------------------------

#[tokio::test]
async fn an_endless_body_ends_in_a_typed_error_at_the_limit() {
    let endless =
        FakeServer::start(|_, _| Reply::Stream { status: 200, chunk: vec![b' '; 64 * 1024], total: 1 << 30 }).await;
    let limit = 1 << 20;
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(&endless.url)
        .max_body_bytes(limit)
        .build_legacy()
        .unwrap();

    let err = bounded(client.get_video_status("v1")).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { operation: "get_video_status", limit: l, .. } if l == limit),
        "{err:?}"
    );
    let err = bounded(client.fetch_text(&format!("{}/subtitles.srt", endless.url))).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { operation: "fetch_text", .. }), "{err:?}");
    assert_eq!(endless.count(), 2, "a body over the limit is not worth another attempt");
}

#[tokio::test]
async fn trace_logging_shows_neither_large_nor_binary_bodies_in_full() {
    let (logs, _guard) = trace_subscriber();
    let h = Harness::start().await;
    let mut large = status_example();
    large["data"]["caption_url"] = json!("x".repeat(1 << 20));
    call("GET", "/v1/video_status.get")
        .respond_with(ResponseTemplate::new(200).set_body_json(large))
        .mount(&h.api)
        .await;
    call("POST", "/v1/asset").respond_with(example_response("upload_asset")).mount(&h.upload).await;

    h.client.get_video_status("v1").await.unwrap();
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.extend(std::iter::repeat_n(0xC3, 200_000));
    h.client.upload_asset(types::AssetContentType::ImageJpeg, jpeg).await.unwrap();

    let logs = logs.text();
    assert!(logs.len() < 100_000, "{} bytes of logs for two calls", logs.len());
    assert!(logs.contains("response body") && logs.contains("bytes of"), "bodies are summarised:\n{logs}");
}

// ---- 3. streaming sessions are stopped -------------------------------------------------------

const SESSION_ID: &str = "sess-3f1a";

fn session_reply(edit: impl FnOnce(&mut Value)) -> ResponseTemplate {
    let mut body = success_example("create_streaming_session");
    body["data"]["session_id"] = json!(SESSION_ID);
    edit(&mut body);
    ResponseTemplate::new(200).set_body_json(body)
}

async fn mount_new_and_start(api: &MockServer, reply: ResponseTemplate) {
    call("POST", "/v1/streaming.new").respond_with(reply).mount(api).await;
    call("POST", "/v1/streaming.start").respond_with(example_response("start_streaming_session")).mount(api).await;
}

async fn stops(api: &MockServer) -> Vec<Value> {
    let requests = api.received_requests().await.unwrap_or_default();
    requests
        .iter()
        .filter(|r| r.url.path() == "/v1/streaming.stop")
        .map(|r| serde_json::from_slice(&r.body).unwrap_or_default())
        .collect()
}

/// Waits (bounded) until at least `n` stops have arrived.
async fn wait_for_stops(api: &MockServer, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + LIMIT;
    loop {
        let seen = stops(api).await;
        if seen.len() >= n || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn avatar_request() -> types::CreateStreamingSessionRequest {
    types::CreateStreamingSessionRequest { avatar_id: Some("Wayne_20240711".into()), ..Default::default() }
}

#[tokio::test]
async fn a_stop_that_meets_a_503_is_retried() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    mount_new_and_start(&h.api, session_reply(|_| {})).await;
    call("POST", "/v1/streaming.stop").respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&h.api).await;
    call("POST", "/v1/streaming.stop").respond_with(example_response("close_streaming_session")).mount(&h.api).await;

    let session = StreamingSession::start(&h.client, avatar_request()).await.unwrap();
    bounded(session.stop()).await.unwrap();
    assert_eq!(stops(&h.api).await.len(), 2);
}

#[tokio::test]
async fn a_failed_stop_leaves_the_drop_guard_armed() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    mount_new_and_start(&h.api, session_reply(|_| {})).await;
    call("POST", "/v1/streaming.stop").respond_with(ResponseTemplate::new(400)).mount(&h.api).await;

    let session = StreamingSession::start(&h.client, avatar_request()).await.unwrap();
    assert!(session.stop().await.is_err());
    assert_eq!(wait_for_stops(&h.api, 2).await.len(), 2, "the drop guard sends the stop again");
}

#[tokio::test]
async fn a_cancelled_stop_is_sent_again_on_drop() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    mount_new_and_start(&h.api, session_reply(|_| {})).await;
    call("POST", "/v1/streaming.stop")
        .respond_with(example_response("close_streaming_session").set_delay(Duration::from_millis(300)))
        .mount(&h.api)
        .await;

    let session = StreamingSession::start(&h.client, avatar_request()).await.unwrap();
    assert!(tokio::time::timeout(Duration::from_millis(50), session.stop()).await.is_err(), "cancelled");
    assert_eq!(wait_for_stops(&h.api, 2).await.len(), 2, "the cancelled stop is sent again");
}

#[tokio::test]
async fn a_created_session_whose_reply_does_not_decode_is_stopped_by_its_id() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    mount_new_and_start(&h.api, session_reply(|body| body["data"]["session_duration_limit"] = json!("ten minutes")))
        .await;
    call("POST", "/v1/streaming.stop").respond_with(example_response("close_streaming_session")).mount(&h.api).await;

    let err = StreamingSession::start(&h.client, avatar_request()).await.unwrap_err();
    assert!(matches!(err, StreamingError::Api(Error::Decode(_))), "{err:?}");
    assert_eq!(stops(&h.api).await, [json!({"session_id": SESSION_ID})]);
}

// ---- 4. session credentials are redacted -----------------------------------------------------

#[tokio::test]
async fn session_credentials_stay_out_of_debug_output_and_logs() {
    let (logs, _guard) = trace_subscriber();
    let h = Harness::start().await;
    let reply = session_reply(|body| {
        body["data"]["realtime_endpoint"] =
            json!("wss://realtime.example.com/v1/ws/path-secret-91?token=query-secret-17");
        body["data"]["livekit_agent_token"] = json!("agent-secret-55");
        body["data"]["ice_servers2"] =
            json!([{"urls": ["turn:turn.example.com"], "username": "u-1", "credential": "ice-secret-23"}]);
    });
    mount_new_and_start(&h.api, reply).await;
    call("POST", "/v1/streaming.stop").respond_with(example_response("close_streaming_session")).mount(&h.api).await;

    let session = StreamingSession::start(&h.client, avatar_request()).await.unwrap();
    let debug = format!("{session:?}");
    session.stop().await.unwrap();
    let access_token = success_example("create_streaming_session")["data"]["access_token"].as_str().unwrap().to_owned();
    let logs = logs.text();
    for secret in ["path-secret-91", "query-secret-17", "agent-secret-55", "ice-secret-23", &access_token] {
        assert!(!debug.contains(secret), "{secret} in Debug output: {debug}");
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
    assert!(debug.contains(SESSION_ID), "the id stays visible: {debug}");
}

// ---- 5. failures in either envelope ----------------------------------------------------------

#[tokio::test]
async fn a_200_failure_in_either_envelope_is_an_error_whatever_the_type_declares() {
    let h = Harness::start().await;
    // trash_folder's type declares only the newer envelope ({data, error}).
    call("POST", "/v1/folders/f-1/trash")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 40004, "message": "folder not found"})))
        .mount(&h.api)
        .await;
    // get_video_status's type declares only the older one ({code, data, message}).
    let mut failed = status_example();
    failed["error"] = json!({"code": "video_not_found", "message": "no such video"});
    call("GET", "/v1/video_status.get")
        .respond_with(ResponseTemplate::new(200).set_body_json(failed))
        .mount(&h.api)
        .await;

    let err = h.client.trash_folder("f-1").await.unwrap_err();
    let Error::Api(e) = &err else { panic!("{err:?}") };
    assert_eq!((e.status.as_u16(), e.code.as_ref().map(ToString::to_string)), (200, Some("40004".into())));
    assert_eq!(e.message.as_deref(), Some("folder not found"));
    let err = h.client.get_video_status("v1").await.unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.message.as_deref() == Some("no such video")), "{err:?}");
}

// ---- 6. waiters --------------------------------------------------------------------------------

#[tokio::test]
async fn a_hanging_poll_ends_at_the_waits_deadline() {
    let silent = FakeServer::start(|_, _| Reply::Silent(Duration::from_secs(10))).await;
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(&silent.url)
        .timeout(Duration::from_secs(3))
        .build_legacy()
        .unwrap();
    let options = WaitOptions { timeout: Duration::from_millis(300), ..WaitOptions::default() };

    let started = Instant::now();
    let err = bounded(client.wait_for_video("v1", &options)).await.unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1), "the wait overshot: {:?}", started.elapsed());
}

fn video_status(status: &str) -> ResponseTemplate {
    let mut body = status_example();
    body["data"]["status"] = json!(status);
    body["data"]["error"] = Value::Null;
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn a_transient_poll_failure_does_not_end_the_wait() {
    let h = Harness::start_with(|b| b.max_retries(0)).await;
    for reply in [video_status("processing"), ResponseTemplate::new(500), ResponseTemplate::new(503)] {
        call("GET", "/v1/video_status.get").respond_with(reply).up_to_n_times(1).mount(&h.api).await;
    }
    call("GET", "/v1/video_status.get").respond_with(video_status("completed")).mount(&h.api).await;
    let options = WaitOptions {
        interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(10),
        ..WaitOptions::default()
    };

    let video = bounded(h.client.wait_for_video("v1", &options)).await.unwrap();
    assert_eq!(video.status.to_string(), "completed");
    assert_eq!(h.api.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn extreme_wait_options_do_not_panic() {
    let h = Harness::start().await;
    call("GET", "/v1/video_status.get").respond_with(video_status("processing")).mount(&h.api).await;
    let huge = WaitOptions {
        timeout: Duration::from_millis(100),
        interval: Duration::MAX,
        max_interval: Duration::MAX,
        progress: None,
    };
    let err = bounded(h.client.wait_for_video("v1", &huge)).await.unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
    let zero =
        WaitOptions { timeout: Duration::ZERO, interval: Duration::ZERO, max_interval: Duration::ZERO, progress: None };
    assert!(matches!(bounded(h.client.wait_for_video("v1", &zero)).await, Err(Error::WaitTimeout { .. })));
    let endless = WaitOptions { timeout: Duration::MAX, interval: Duration::from_millis(1), ..WaitOptions::default() };
    h.api.reset().await;
    call("GET", "/v1/video_status.get").respond_with(video_status("completed")).mount(&h.api).await;
    assert!(bounded(h.client.wait_for_video("v1", &endless)).await.is_ok());
}

// ---- 7. paging -------------------------------------------------------------------------------

/// Answers `list_videos` with `page(token)`: the items' ids and the next token.
struct Pages(Box<dyn Fn(Option<&str>) -> (Vec<&'static str>, Option<String>) + Send + Sync>);

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let token = request.url.query_pairs().find(|(k, _)| k == "token").map(|(_, v)| v.into_owned());
        let (ids, next) = (self.0)(token.as_deref());
        let mut body = success_example("list_videos");
        let item = body["data"]["videos"][0].clone();
        body["data"]["videos"] = ids
            .iter()
            .map(|id| {
                let mut item = item.clone();
                item["video_id"] = json!(id);
                item
            })
            .collect();
        body["data"]["token"] = json!(next);
        ResponseTemplate::new(200).set_body_json(body)
    }
}

#[tokio::test]
async fn a_cursor_cycle_ends_the_list_with_each_page_fetched_once() {
    let h = Harness::start().await;
    let pages = Pages(Box::new(|token| match token {
        None => (vec!["v1"], Some("A".into())),
        Some("A") => (vec!["v2"], Some("B".into())),
        _ => (vec!["v3"], Some("A".into())),
    }));
    call("GET", "/v1/video.list").respond_with(pages).mount(&h.api).await;

    let videos: Vec<_> =
        bounded(h.client.list_videos_stream(Default::default()).try_collect::<Vec<_>>()).await.unwrap();
    let ids: Vec<_> = videos.iter().map(|v| v.video_id.as_str()).collect();
    assert_eq!(ids, ["v1", "v2", "v3"]);
    assert_eq!(h.api.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn empty_pages_with_fresh_cursors_do_not_page_forever() {
    let h = Harness::start().await;
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    let pages = Pages(Box::new(move |_| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        (Vec::new(), Some(format!("cursor-{n}")))
    }));
    call("GET", "/v1/video.list").respond_with(pages).mount(&h.api).await;

    let videos: Vec<_> =
        bounded(h.client.list_videos_stream(Default::default()).try_collect::<Vec<_>>()).await.unwrap();
    assert!(videos.is_empty());
    assert!(served.load(Ordering::SeqCst) <= 16, "{} pages fetched", served.load(Ordering::SeqCst));
}

// ---- 8. silent WebSockets --------------------------------------------------------------------

/// A WebSocket server that accepts and then never reads nor writes (it does not even answer a
/// close), holding the connection until the test ends.
async fn silent_socket() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/v1/ws/session", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            if let Ok(socket) = tokio_tungstenite::accept_async(tcp).await {
                held.push(socket);
            }
        }
    });
    url
}

/// Waits without a real-time limit: under paused time, only the client's own deadlines can end
/// the wait before this one.
async fn virtually_bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(24 * 3600), future).await.expect("no deadline ended the wait")
}

#[tokio::test]
async fn a_socket_that_never_says_connected_times_out() {
    let (_sender, mut events) = streaming::connect(&silent_socket().await).await.unwrap();
    tokio::time::pause();
    let err = virtually_bounded(events.wait_connected()).await.unwrap_err();
    assert!(matches!(err, StreamingError::TimedOut { .. }), "{err:?}");
}

#[tokio::test]
async fn a_socket_that_goes_silent_is_reported_dead() {
    let (_sender, mut events) = streaming::connect(&silent_socket().await).await.unwrap();
    tokio::time::pause();
    let event = virtually_bounded(events.next()).await;
    assert!(matches!(event, Some(Err(StreamingError::TimedOut { .. }))), "{event:?}");
    assert!(events.next().await.is_none(), "the stream ends after it");
}

#[tokio::test]
async fn after_close_the_stream_ends_even_if_the_server_never_answers() {
    let (mut sender, mut events) = streaming::connect(&silent_socket().await).await.unwrap();
    sender.keep_alive().await.unwrap();
    sender.close().await.unwrap();
    tokio::time::pause();
    assert!(virtually_bounded(events.next()).await.is_none());
}

// ---- 9. base URLs ----------------------------------------------------------------------------

#[tokio::test]
async fn base_urls_are_normalised_before_routing() {
    let (api, upload) = (MockServer::start().await, MockServer::start().await);
    call("POST", "/v1/asset").respond_with(example_response("upload_asset")).expect(1).mount(&upload).await;
    let port = |server: &MockServer| server.address().port();
    // As read from an env file: upper-case scheme and host, trailing slash and newline.
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("HTTP://LOCALHOST:{}/\n", port(&api)))
        .upload_base_url(format!(" http://LocalHost:{}/\n", port(&upload)))
        .build_legacy()
        .unwrap();
    client.upload_asset(types::AssetContentType::ImageJpeg, vec![0xFF, 0xD8, 0xFF]).await.unwrap();
    assert!(api.received_requests().await.unwrap().is_empty(), "the upload went to the API host");
}

#[test]
fn plain_http_is_for_loopback_only_and_user_info_is_refused_unechoed() {
    let build = |url: &str, insecure: bool| {
        heygen_client::Client::builder().api_key(API_KEY).base_url(url).allow_insecure_http(insecure).build_legacy()
    };
    assert!(build("http://api.example.com", false).is_err(), "plain HTTP to another host");
    assert!(build("http://api.example.com", true).is_ok());
    assert!(build("http://127.0.0.1:9", false).is_ok() && build("http://[::1]:9", false).is_ok());
    let err = build("https://admin:hunter2@api.example.com", false).unwrap_err().to_string();
    assert!(!err.contains("hunter2") && !err.contains("admin"), "{err}");
    // Default ports are dropped: the key's origin check compares parsed origins.
    assert!(build("https://API.heygen.com:443/", false).is_ok());
}

// ---- 10. Retry-After -------------------------------------------------------------------------

#[tokio::test]
async fn a_retry_after_beyond_the_ceiling_fails_at_once_with_the_wait() {
    let h = Harness::start_with(|b| {
        b.retry_policy(RetryPolicy { max_retry_after: Duration::from_secs(60), ..quick_retries() })
    })
    .await;
    call("GET", "/v1/video_status.get")
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&h.api)
        .await;

    let started = Instant::now();
    let err = bounded(h.client.get_video_status("v1")).await.unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.retry_after == Some(Duration::from_secs(120))), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(h.api.received_requests().await.unwrap().len(), 1);
}

// ---- 11. cut bodies ----------------------------------------------------------------------------

fn cut_then_whole(n: usize, _: &fake::Recorded) -> Reply {
    let body = serde_json::to_vec(&status_example()).unwrap();
    if n == 0 {
        Reply::Cut { status: 200, declared: body.len(), body: body[..20].to_vec() }
    } else {
        Reply::json(200, &status_example())
    }
}

#[tokio::test]
async fn a_read_whose_body_is_cut_is_retried() {
    let server = FakeServer::start(cut_then_whole).await;
    let reply = bounded(client_for(&server.url).get_video_status("v1")).await.unwrap();
    assert_eq!(reply.data.video_url, status_example()["data"]["video_url"].as_str().map(str::to_owned));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_create_whose_body_is_cut_is_not_sent_again() {
    let server = FakeServer::start(cut_then_whole).await;
    let err = bounded(client_for(&server.url).create_avatar_video_v2(&create_video_body())).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert_eq!(server.count(), 1);
}

// ---- 12. webhooks ----------------------------------------------------------------------------

fn sign(body: &[u8], secret: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn headers(pairs: &[(&'static str, String)]) -> http::HeaderMap {
    pairs.iter().map(|(name, value)| (http::HeaderName::from_static(name), value.parse().unwrap())).collect()
}

#[test]
fn webhook_verification_edges() {
    let body = br#"{"event_type":"avatar_video.success","event_data":{"video_id":"v1"}}"#;
    let forged = sign(body, "");
    assert!(matches!(webhook::verify(&headers(&[("signature", forged)]), body, ""), Err(WebhookError::EmptySecret)));
    assert!(matches!(Verifier::new(Vec::<String>::new()), Err(WebhookError::EmptySecret)));

    // A stray `Signature` header does not hide a valid `Heygen-Signature`.
    let both = headers(&[("signature", "0000".into()), ("heygen-signature", sign(body, "whsec-new"))]);
    webhook::verify(&both, body, "whsec-new").unwrap();

    // During a rotation, both secrets verify.
    let rotating = Verifier::new(["whsec-old", "whsec-new"]).unwrap();
    for secret in ["whsec-old", "whsec-new"] {
        rotating.verify(&headers(&[("signature", sign(body, secret))]), body).unwrap();
    }
    assert!(matches!(
        rotating.verify(&headers(&[("signature", sign(body, "whsec-other"))]), body),
        Err(WebhookError::InvalidSignature)
    ));

    // A timestamp, where sent, is checked against the tolerance.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let at = |t: u64| headers(&[("heygen-signature", sign(body, "whsec-new")), ("heygen-timestamp", t.to_string())]);
    rotating.verify(&at(now), body).unwrap();
    assert!(matches!(rotating.verify(&at(now - 3600), body), Err(WebhookError::StaleTimestamp { .. })));
}

// ---- 13. error metadata ----------------------------------------------------------------------

#[tokio::test]
async fn a_200_failure_keeps_the_request_id_and_the_body_as_received() {
    let h = Harness::start().await;
    let body = json!({"code": 40004, "message": "folder not found", "trace": "unknown-field-kept"});
    call("POST", "/v1/folders/f-1/trash")
        .respond_with(ResponseTemplate::new(200).set_body_json(body).insert_header("x-request-id", "req-77"))
        .mount(&h.api)
        .await;
    let err = h.client.trash_folder("f-1").await.unwrap_err();
    let Error::Api(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.request_id.as_deref(), Some("req-77"));
    assert!(e.body.contains("unknown-field-kept"), "{}", e.body);
}

#[tokio::test]
async fn fetch_text_goes_through_the_runtime_and_hides_the_links_signature() {
    let (logs, _guard) = trace_subscriber();
    let server = FakeServer::start(|n, _| match n {
        0 => Reply::Full { status: 503, headers: vec![], body: Vec::new() },
        _ => Reply::Full { status: 200, headers: vec![], body: b"1\n00:00:00,000 --> 00:00:01,000\nHi\n".to_vec() },
    })
    .await;
    let client = client_for(&server.url);
    let text =
        bounded(client.fetch_text(&format!("{}/a.srt?X-Amz-Signature=sig-secret-31", server.url))).await.unwrap();
    assert!(text.contains("Hi"));
    assert_eq!(server.count(), 2, "a GET of a signed link is retried after a 503");
    assert!(server.recorded().iter().all(|r| r.header("x-api-key").is_none()), "no credentials go with a link");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err =
        client.fetch_text(&format!("http://127.0.0.1:{port}/a.srt?X-Amz-Signature=sig-secret-47")).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    let logs = logs.text();
    for secret in ["sig-secret-31", "sig-secret-47"] {
        assert!(!shown.contains(secret), "{shown}");
        assert!(!logs.contains(secret), "{logs}");
    }
    assert!(logs.contains("retrying"), "the runtime logs its retries:\n{logs}");
}

// ---- 14. a DELETE retried after a lost reply -------------------------------------------------

#[tokio::test]
async fn a_delete_retried_after_a_lost_reply_that_finds_404_is_reported_as_deleted() {
    let not_found = json!({"code": 40004, "message": "video not found"});
    let reply = move |n: usize, _: &fake::Recorded| if n == 0 { Reply::HangUp } else { Reply::json(404, &not_found) };
    let server = FakeServer::start(reply.clone()).await;
    let err = bounded(client_for(&server.url).delete_video(None, "v1")).await.unwrap_err();
    assert!(matches!(err, Error::AlreadyDeleted { operation: "delete_video", .. }), "{err:?}");
    assert_eq!(server.count(), 2);

    // Without a lost reply, a 404 is a plain 404.
    let direct =
        FakeServer::start(|_, _| Reply::json(404, &json!({"code": 40004, "message": "video not found"}))).await;
    let err = bounded(client_for(&direct.url).delete_video(None, "v1")).await.unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.status == 404), "{err:?}");
}
