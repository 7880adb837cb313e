//! The client runtime, for every operation alike: typed errors, envelope failures inside 200
//! replies, retries that never duplicate work, timeouts, forward compatibility, and logs that
//! never show a secret.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use heygen_client::legacy::types;
use heygen_client::{Error, RetryPolicy};
use heygen_tests::{API_KEY, Harness, call, example_response, success_example};
use serde_json::json;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use wiremock::ResponseTemplate;

/// Fast retries, so the tests do not sleep for long.
fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_secs(2),
        ..RetryPolicy::default()
    }
}

fn create_video_body() -> types::CreateAvatarVideoV2Request {
    serde_json::from_value(json!({"video_inputs": [{"voice": {"type": "silence"}}]})).unwrap()
}

async fn get_status(h: &Harness) -> Result<types::VideoStatusResponse, Error> {
    h.client.get_video_status("v1").await.map(|r| r.into_inner())
}

// ---- retries ---------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limited_request_waits_for_retry_after_then_succeeds() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    call("POST", "/v2/video/generate")
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&h.api)
        .await;
    call("POST", "/v2/video/generate")
        .respond_with(example_response("create_avatar_video_v2"))
        .expect(1)
        .mount(&h.api)
        .await;
    let started = Instant::now();
    // A create call is retried after a 429: the server did not act on it.
    h.client.create_avatar_video_v2(&create_video_body()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "Retry-After: 1 was not honoured");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    call("GET", "/v1/video_status.get")
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", soon.as_str()))
        .up_to_n_times(1)
        .mount(&h.api)
        .await;
    call("GET", "/v1/video_status.get").respond_with(example_response("get_video_status")).mount(&h.api).await;
    let started = Instant::now();
    get_status(&h).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "the HTTP date was not honoured");
}

#[tokio::test]
async fn service_unavailable_then_success_for_a_read() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    call("GET", "/v1/video_status.get")
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&h.api)
        .await;
    call("GET", "/v1/video_status.get")
        .respond_with(example_response("get_video_status"))
        .expect(1)
        .mount(&h.api)
        .await;
    assert_eq!(get_status(&h).await.unwrap().data.status, types::VideoStatus::Completed);
}

#[tokio::test]
async fn a_read_gives_up_after_the_configured_retries() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    call("GET", "/v1/video_status.get").respond_with(ResponseTemplate::new(502)).expect(3).mount(&h.api).await;
    let err = get_status(&h).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
}

#[tokio::test]
async fn zero_retries_sends_once() {
    let h = Harness::start_with(|b| b.max_retries(0)).await;
    call("GET", "/v1/video_status.get").respond_with(ResponseTemplate::new(503)).expect(1).mount(&h.api).await;
    assert!(matches!(get_status(&h).await, Err(Error::Api(e)) if e.status == 503));
}

#[tokio::test]
async fn a_create_is_not_retried_after_a_gateway_error() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    call("POST", "/v2/video/generate").respond_with(ResponseTemplate::new(503)).expect(1).mount(&h.api).await;
    let err = h.client.create_avatar_video_v2(&create_video_body()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn a_post_marked_idempotent_is_retried_after_a_gateway_error() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    call("POST", "/v1/asset/a-1/delete")
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&h.api)
        .await;
    call("POST", "/v1/asset/a-1/delete").respond_with(example_response("delete_asset")).expect(1).mount(&h.api).await;
    h.client.delete_asset("a-1").await.unwrap();
}

/// A server that reads each request in full, then hangs up without answering.
async fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0; 64 * 1024];
                let mut read = 0;
                while let Ok(n) = socket.read(&mut buffer[read..]).await {
                    read += n;
                    let text = String::from_utf8_lossy(&buffer[..read]);
                    let Some(end) = text.find("\r\n\r\n") else { if n == 0 { return } else { continue } };
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if read >= end + 4 + length {
                        seen.fetch_add(1, Ordering::SeqCst);
                        return; // dropping the socket closes the connection
                    }
                }
            });
        }
    });
    (url, requests)
}

#[tokio::test]
async fn a_create_whose_connection_drops_after_sending_is_not_retried() {
    let (url, requests) = hang_up_server().await;
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(url)
        .retry_policy(quick_retries())
        .build_legacy()
        .unwrap();
    let err = client.create_avatar_video_v2(&create_video_body()).await.unwrap_err();
    assert!(matches!(err, Error::Connection { operation: "create_avatar_video_v2", .. }), "{err:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1, "the create request was sent twice");
}

#[tokio::test]
async fn a_read_whose_connection_drops_is_retried() {
    let (url, requests) = hang_up_server().await;
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(url)
        .retry_policy(quick_retries())
        .build_legacy()
        .unwrap();
    assert!(matches!(client.get_video_status("v1").await, Err(Error::Connection { .. })));
    assert_eq!(requests.load(Ordering::SeqCst), 3, "one attempt and two retries");
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_create() {
    // Bind then drop a listener: its port now refuses connections, so nothing is ever sent.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(50), ..quick_retries() })
        .build_legacy()
        .unwrap();
    let started = Instant::now();
    let err = client.create_avatar_video_v2(&create_video_body()).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(started.elapsed() >= Duration::from_millis(70), "two backoffs were expected before giving up");
}

// ---- timeouts --------------------------------------------------------------------------------

#[tokio::test]
async fn a_slow_reply_is_a_timeout_error() {
    let h = Harness::start_with(|b| b.timeout(Duration::from_millis(200)).max_retries(0)).await;
    call("GET", "/v1/video_status.get")
        .respond_with(example_response("get_video_status").set_delay(Duration::from_secs(2)))
        .mount(&h.api)
        .await;
    let err = get_status(&h).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { operation: "get_video_status", .. }), "{err:?}");
    assert_eq!(err.to_string(), "get_video_status: timed out");
}

#[tokio::test]
async fn a_create_that_times_out_is_not_sent_again() {
    let h = Harness::start_with(|b| b.timeout(Duration::from_millis(200)).retry_policy(quick_retries())).await;
    call("POST", "/v2/video/generate")
        .respond_with(example_response("create_avatar_video_v2").set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&h.api)
        .await;
    assert!(matches!(h.client.create_avatar_video_v2(&create_video_body()).await, Err(Error::Timeout { .. })));
}

// ---- failures inside 200 replies -------------------------------------------------------------

#[tokio::test]
async fn a_200_with_a_v1_error_code_is_an_error() {
    let h = Harness::start().await;
    let body = json!({"code": 40001, "message": "Missing required input parameters", "data": null});
    call("GET", "/v1/video_status.get")
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&h.api)
        .await;
    let Err(Error::Api(e)) = get_status(&h).await else { panic!("expected an API error") };
    assert_eq!((e.status.as_u16(), e.code.unwrap().to_string()), (200, "40001".to_owned()));
    assert_eq!(e.message.as_deref(), Some("Missing required input parameters"));
}

#[tokio::test]
async fn a_200_with_a_v1_error_code_and_data_is_still_an_error() {
    let h = Harness::start().await;
    let mut body = success_example("get_video_status");
    body["code"] = json!(400562);
    body["message"] = json!("forbidden");
    call("GET", "/v1/video_status.get")
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&h.api)
        .await;
    let err = get_status(&h).await.unwrap_err();
    assert_eq!(err.to_string(), "get_video_status: HeyGen answered 200 OK, code 400562: forbidden");
}

#[tokio::test]
async fn a_200_with_a_v2_error_object_is_an_error() {
    let h = Harness::start().await;
    let body = json!({"data": null, "error": {"code": "invalid_parameter", "message": "video_inputs is invalid: field required"}});
    call("POST", "/v2/video/generate").respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&h.api).await;
    let Err(Error::Api(e)) = h.client.create_avatar_video_v2(&create_video_body()).await else {
        panic!("expected an API error")
    };
    assert!(matches!(e.code, Some(heygen_client::ErrorCode::String(ref c)) if c == "invalid_parameter"));
    assert_eq!(e.message.as_deref(), Some("video_inputs is invalid: field required"));
}

#[tokio::test]
async fn a_200_with_a_v2_error_string_is_an_error() {
    let h = Harness::start().await;
    let body = json!({"data": {"remaining_quota": 0}, "error": "quota service unavailable"});
    call("GET", "/v2/user/remaining_quota")
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&h.api)
        .await;
    let Err(Error::Api(e)) = h.client.get_remaining_quota().await else { panic!("expected an API error") };
    assert!(e.code.is_none());
    assert_eq!(e.message.as_deref(), Some("quota service unavailable"));
}

// ---- malformed and surprising replies --------------------------------------------------------

async fn status_reply(template: ResponseTemplate) -> Result<types::VideoStatusResponse, Error> {
    let h = Harness::start_with(|b| b.max_retries(0)).await;
    call("GET", "/v1/video_status.get").respond_with(template).mount(&h.api).await;
    get_status(&h).await
}

fn status_body(edit: impl FnOnce(&mut serde_json::Value)) -> ResponseTemplate {
    let mut body = success_example("get_video_status");
    edit(&mut body);
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn an_html_502_from_a_proxy_keeps_its_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let reply = ResponseTemplate::new(502).set_body_raw(html, "text/html");
    let Err(Error::Api(e)) = status_reply(reply).await else { panic!("expected an API error") };
    assert_eq!((e.status.as_u16(), e.code.is_none(), e.body.as_str()), (502, true, html));
    assert!(e.to_string().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn an_empty_200_is_a_decode_error() {
    let err = status_reply(ResponseTemplate::new(200)).await.unwrap_err();
    assert!(matches!(&err, Error::Decode(e) if e.status == 200 && e.body.is_empty()), "{err:?}");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_that_keeps_the_body() {
    let reply =
        ResponseTemplate::new(200).set_body_raw(r#"{"code": 100, "data": {"id": "v1", "stat"#, "application/json");
    let Err(Error::Decode(e)) = status_reply(reply).await else { panic!("expected a decode error") };
    assert!(e.body.ends_with(r#""stat"#) && e.reason.contains("EOF"), "{e}");
}

#[tokio::test]
async fn a_wrong_field_type_is_a_decode_error() {
    let Err(Error::Decode(e)) = status_reply(status_body(|b| b["data"]["id"] = json!(42))).await else {
        panic!("expected a decode error")
    };
    assert!(e.reason.contains("invalid type"), "{e}");
}

#[tokio::test]
async fn a_json_array_instead_of_an_object_is_a_decode_error() {
    assert!(matches!(
        status_reply(ResponseTemplate::new(200).set_body_json(json!([1, 2]))).await,
        Err(Error::Decode(_))
    ));
}

#[tokio::test]
async fn plain_text_where_json_is_declared_is_a_decode_error() {
    let reply = ResponseTemplate::new(200).set_body_raw("OK", "text/plain");
    assert!(matches!(status_reply(reply).await, Err(Error::Decode(e)) if e.body == "OK"));
}

#[tokio::test]
async fn an_undeclared_success_status_is_a_decode_error() {
    let err = status_reply(ResponseTemplate::new(204)).await.unwrap_err();
    assert!(matches!(&err, Error::Decode(e) if e.status == 204 && e.reason.contains("declares 200")), "{err:?}");
}

#[tokio::test]
async fn an_unknown_enum_value_is_kept() {
    let reply = status_reply(status_body(|b| b["data"]["status"] = json!("rendering_4k"))).await.unwrap();
    assert_eq!(reply.data.status, types::VideoStatus::Unknown("rendering_4k".into()));
    assert_eq!(reply.data.status.to_string(), "rendering_4k");
}

#[tokio::test]
async fn an_unknown_field_is_ignored() {
    let reply = status_reply(status_body(|b| b["data"]["resolution"] = json!({"width": 3840}))).await.unwrap();
    assert_eq!(reply.data.id, "7b3c5e9f1a2d4c6b8e0f1a2b3c4d5e6f");
}

#[tokio::test]
async fn null_for_an_optional_object_reads_as_absent() {
    let reply = status_reply(status_body(|b| b["data"]["error"] = json!(null))).await.unwrap();
    assert!(reply.data.error.is_none());
}

#[tokio::test]
async fn a_very_large_reply_parses() {
    let h = Harness::start().await;
    let video = success_example("list_videos")["data"]["videos"][0].clone();
    let body = json!({"code": 100, "data": {"videos": vec![video; 20_000], "token": null}});
    call("GET", "/v1/video.list").respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&h.api).await;
    let reply = h.client.list_videos(Default::default()).await.unwrap();
    assert_eq!(reply.data.videos.len(), 20_000);
}

#[tokio::test]
async fn a_very_large_error_body_is_capped() {
    let reply = ResponseTemplate::new(500).set_body_raw("x".repeat(5 * 1024 * 1024), "text/plain");
    let Err(Error::Api(e)) = status_reply(reply).await else { panic!("expected an API error") };
    assert_eq!(e.body.len(), 64 * 1024, "error bodies are kept up to 64 KiB");
}

#[tokio::test]
async fn a_v1_error_body_on_404_is_typed() {
    let reply = ResponseTemplate::new(404).set_body_json(json!({"code": 40104, "message": "Video not found"}));
    let err = status_reply(reply).await.unwrap_err();
    assert_eq!(err.to_string(), "get_video_status: HeyGen answered 404 Not Found, code 40104: Video not found");
}

#[tokio::test]
async fn a_v2_error_object_on_400_is_typed() {
    let body = json!({"data": null, "error": {"code": "invalid_parameter", "message": "video_id is invalid"}});
    let Err(Error::Api(e)) = status_reply(ResponseTemplate::new(400).set_body_json(body)).await else { panic!() };
    assert_eq!(
        (e.code.unwrap().to_string(), e.message.unwrap()),
        ("invalid_parameter".into(), "video_id is invalid".into())
    );
}

#[tokio::test]
async fn an_error_string_on_401_is_typed() {
    let reply = ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized"}));
    let Err(Error::Api(e)) = status_reply(reply).await else { panic!() };
    assert_eq!((e.status.as_u16(), e.message.as_deref()), (401, Some("Unauthorized")));
}

#[tokio::test]
async fn an_empty_500_is_an_api_error() {
    let Err(Error::Api(e)) = status_reply(ResponseTemplate::new(500)).await else { panic!() };
    assert_eq!((e.status.as_u16(), e.code.is_none(), e.message.is_none(), e.body.is_empty()), (500, true, true, true));
}

#[tokio::test]
async fn the_request_id_is_kept() {
    let reply = ResponseTemplate::new(400)
        .insert_header("x-request-id", "req-7f3a")
        .set_body_json(json!({"code": 400175, "message": "Invalid parameter"}));
    let err = status_reply(reply).await.unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.request_id.as_deref() == Some("req-7f3a")));
    assert!(err.to_string().ends_with("(request id req-7f3a)"), "{err}");
}

#[test]
fn an_unknown_union_kind_is_kept() {
    let voice: types::Voice = serde_json::from_value(json!({"type": "music", "track": "x"})).unwrap();
    assert!(matches!(voice, types::Voice::Unknown(raw) if raw["track"] == "x"));
}

#[test]
fn request_bodies_serialize_only_documented_values() {
    let body = types::ShareVideoRequest { video_id: "v".into() };
    assert_eq!(serde_json::to_value(body).unwrap(), json!({"video_id": "v"}));
    assert_eq!(serde_json::to_value(types::VideoOrientation::Portrait).unwrap(), json!("portrait"));
    // An open enum parses and displays a value it does not know as the same string.
    let unknown: types::VideoStatus = "rendering".parse().unwrap();
    assert_eq!(unknown, types::VideoStatus::Unknown("rendering".into()));
    assert_eq!(unknown.to_string(), "rendering");
    assert_eq!("completed".parse::<types::VideoStatus>().unwrap(), types::VideoStatus::Completed);
}
