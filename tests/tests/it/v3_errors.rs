//! v3 error bodies `{error: {code, message, param, doc_url}}` become `Error::Api` with all four,
//! and the statuses callers act on (402 credits, 409 in progress, 429 rate limit) are told apart
//! by their code; the legacy envelope still parses as before.

use std::time::Duration;

use heygen_client::{ApiError, Error, RetryPolicy};
use heygen_tests::{API_KEY, Harness, call};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

fn v3_error(code: &str, message: &str, param: Option<&str>) -> Value {
    let anchor = code.replace('_', "-");
    json!({"error": {
        "code": code,
        "message": message,
        "param": param,
        "doc_url": format!("https://developers.heygen.com/docs/error-codes#{anchor}"),
    }})
}

fn no_retries() -> RetryPolicy {
    RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
}

async fn api_error_of(status: u16, body: Value, headers: &[(&str, &str)]) -> ApiError {
    let h = Harness::start_with(|b| b.retry_policy(no_retries())).await;
    let mut reply = ResponseTemplate::new(status).set_body_json(body);
    for (name, value) in headers {
        reply = reply.insert_header(*name, *value);
    }
    call("GET", "/v3/users/me").respond_with(reply).expect(1).mount(&h.api).await;
    match h.client.v3().get_current_user().await {
        Err(Error::Api(e)) => e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn a_validation_error_keeps_code_message_param_and_doc_url() {
    let body = v3_error("invalid_parameter", "limit may not exceed 100", Some("limit"));
    let e = api_error_of(400, body, &[("x-request-id", "req-7")]).await;
    assert_eq!(e.status, 400);
    assert!(e.has_code("invalid_parameter"), "{:?}", e.code);
    assert_eq!(e.message.as_deref(), Some("limit may not exceed 100"));
    assert_eq!(e.param.as_deref(), Some("limit"));
    assert_eq!(e.doc_url.as_deref(), Some("https://developers.heygen.com/docs/error-codes#invalid-parameter"));
    assert_eq!(e.request_id.as_deref(), Some("req-7"));
    let shown = e.to_string();
    for part in ["400", "invalid_parameter", "limit may not exceed 100", "`limit`", "#invalid-parameter", "req-7"] {
        assert!(shown.contains(part), "{part:?} missing from {shown:?}");
    }
    assert!(!e.is_insufficient_credit() && !e.is_rate_limited() && !e.is_request_in_progress());
}

#[tokio::test]
async fn a_402_is_insufficient_credit_without_a_param() {
    // HeyGen's documented shape leaves `param` out altogether.
    let body = json!({"error": {
        "code": "insufficient_credit",
        "message": "3 credits left, 12 needed",
        "doc_url": "https://developers.heygen.com/docs/error-codes#insufficient-credit",
    }});
    let e = api_error_of(402, body, &[]).await;
    assert!(e.is_insufficient_credit());
    assert!(!e.is_rate_limited() && !e.is_request_in_progress());
    assert_eq!(e.param, None);
    assert!(e.doc_url.is_some());
}

#[tokio::test]
async fn a_409_in_progress_is_told_from_a_state_conflict() {
    let in_progress =
        api_error_of(409, v3_error("request_in_progress", "the first request still runs", None), &[]).await;
    assert!(in_progress.is_request_in_progress());
    let conflict = api_error_of(409, v3_error("conflict", "the session has ended", None), &[]).await;
    assert!(!conflict.is_request_in_progress());
    assert_eq!(conflict.status, 409);
}

#[tokio::test]
async fn a_429_is_rate_limited_and_keeps_its_wait() {
    // Longer than the policy waits, so the error comes back at once with the wait in it.
    let policy_max = RetryPolicy::default().max_retry_after.as_secs();
    let wait = (policy_max + 60).to_string();
    let body = v3_error("rate_limit_exceeded", "10 jobs already run", None);
    let e = api_error_of(429, body, &[("retry-after", &wait)]).await;
    assert!(e.is_rate_limited());
    assert!(e.has_code("RATE_LIMIT_EXCEEDED"), "codes compare in any case");
    assert_eq!(e.retry_after, Some(Duration::from_secs(policy_max + 60)));
    assert!(!e.is_insufficient_credit());
}

#[tokio::test]
async fn the_legacy_envelope_still_gives_code_and_message_without_v3_fields() {
    let h = Harness::start_with(|b| b.retry_policy(no_retries())).await;
    call("GET", "/v1/video_status.get")
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"code": 40001, "message": "missing video_id"})))
        .mount(&h.api)
        .await;
    let Err(Error::Api(e)) = h.client.get_video_status("v1").await else { panic!("expected Error::Api") };
    assert_eq!(e.code.as_ref().map(ToString::to_string).as_deref(), Some("40001"));
    assert_eq!(e.message.as_deref(), Some("missing video_id"));
    assert_eq!((e.param, e.doc_url), (None, None));
}

#[tokio::test]
async fn a_v3_error_inside_a_200_is_an_api_error_with_its_param() {
    let h = Harness::start().await;
    let body = v3_error("invalid_parameter", "unknown folder", Some("folder_id"));
    call("GET", "/v3/users/me").respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&h.api).await;
    let Err(Error::Api(e)) = h.client.v3().get_current_user().await else { panic!("expected Error::Api") };
    assert_eq!(e.status, 200);
    assert_eq!(e.param.as_deref(), Some("folder_id"));
    assert!(e.doc_url.as_deref().is_some_and(|url| url.ends_with("#invalid-parameter")));
}

#[tokio::test]
async fn a_key_echoed_in_param_or_doc_url_is_taken_out() {
    let body = json!({"error": {
        "code": "unauthorized",
        "message": "bad key",
        "param": format!("x-api-key={API_KEY}"),
        "doc_url": format!("https://developers.heygen.com/docs/error-codes?key={API_KEY}"),
    }});
    let e = api_error_of(401, body, &[]).await;
    let everything = format!("{e} {e:?}");
    assert!(!everything.contains(API_KEY), "{everything}");
    assert!(e.param.is_some() && e.doc_url.is_some());
}
