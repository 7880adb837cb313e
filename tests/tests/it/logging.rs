//! Tracing: one span per request with its operation, method, path, attempt, status and
//! duration; bodies at trace level only, and never a secret, whatever the level.

#![allow(deprecated)] // the streaming calls used here are deprecated upstream (replaced by LiveAvatar)

use heygen_client::legacy::types;
use heygen_tests::{API_KEY, Harness, call, example_response, success_example};
use wiremock::ResponseTemplate;
use wiremock::matchers::{method, path};

use crate::support::trace_subscriber;

const SESSION_TOKEN: &str = "sess-token-93b1e0";

/// Runs calls that carry every kind of secret, with a trace-level subscriber on this thread.
async fn trace_calls() -> String {
    let (captured, _guard) = trace_subscriber();

    let h = Harness::start().await;
    call("GET", "/v1/user/me").respond_with(example_response("get_current_user")).mount(&h.api).await;
    call("POST", "/v1/streaming.create_token")
        .respond_with(example_response("create_streaming_session_token"))
        .mount(&h.api)
        .await;
    call("POST", "/v1/webhook/endpoint.add")
        .respond_with(example_response("create_webhook_endpoint"))
        .mount(&h.api)
        .await;
    call("GET", "/v1/asset/list").respond_with(ResponseTemplate::new(401).set_body_string(API_KEY)).mount(&h.api).await;
    wiremock::Mock::given(method("POST"))
        .and(path("/v1/streaming.keep_alive"))
        .respond_with(example_response("keep_streaming_session_alive"))
        .mount(&h.api)
        .await;

    h.client.get_current_user().await.unwrap();
    h.client.create_streaming_session_token().await.unwrap();
    let webhook = types::CreateWebhookEndpointRequest {
        url: "https://example.com/hook".into(),
        events: Some(vec!["avatar_video.success".into()]),
        entity_id: None,
    };
    h.client.create_webhook_endpoint(&webhook).await.unwrap();
    let err = h.client.list_assets(Default::default()).await.unwrap_err();
    tracing::error!(%err, "logged by the application");
    let token_client =
        heygen_client::Client::builder().session_token(SESSION_TOKEN).base_url(h.api.uri()).build_legacy().unwrap();
    token_client
        .keep_streaming_session_alive(&types::StreamingSessionIdRequest { session_id: "s-1".into() })
        .await
        .unwrap();
    captured.text()
}

#[tokio::test]
async fn trace_logs_never_contain_a_secret() {
    let logs = trace_calls().await;
    let issued_token = success_example("create_streaming_session_token")["data"]["token"].as_str().unwrap().to_owned();
    let webhook_secret = success_example("create_webhook_endpoint")["data"]["secret"].as_str().unwrap().to_owned();
    for secret in [API_KEY, SESSION_TOKEN, &issued_token, &webhook_secret] {
        assert!(!logs.contains(secret), "a secret ({secret}) reached the logs:\n{logs}");
    }
    assert!(logs.contains("response body") && logs.contains("<redacted>"), "bodies are logged at trace level:\n{logs}");
}

#[tokio::test]
async fn each_request_has_a_span_with_its_facts() {
    let logs = trace_calls().await;
    let line = logs.lines().find(|l| l.contains("response received") && l.contains("get_current_user")).expect(&logs);
    for field in [
        "heygen.request",
        "operation=\"get_current_user\"",
        "method=GET",
        "path=\"/v1/user/me\"",
        "attempt=1",
        "status=200",
        "duration_ms=",
    ] {
        assert!(line.contains(field), "{field} missing from: {line}");
    }
}
