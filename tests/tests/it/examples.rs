//! The runnable example that has no `v3_` twin (`whoami`), its core run against mock servers;
//! the others are in `v3_examples.rs`.

#![allow(dead_code)] // each example's `main` is not called here
#![allow(clippy::duplicate_mod)] // each example includes the shared `common` module, as it does when built alone

use heygen_tests::{Harness, call};
use serde_json::json;
use wiremock::ResponseTemplate;

#[path = "../../../generated-client/examples/whoami.rs"]
mod whoami;

#[tokio::test]
async fn whoami_prints_the_email_else_the_user_name() {
    let h = Harness::start().await;
    let reply = json!({"data": {"username": "ada", "email": "ada@example.com"}});
    call("GET", "/v3/users/me").respond_with(ResponseTemplate::new(200).set_body_json(reply)).mount(&h.api).await;
    assert_eq!(whoami::run(&h.client.v3()).await.unwrap(), ["ada@example.com"]);
    h.api.reset().await;
    let reply = json!({"data": {"username": "ada"}});
    call("GET", "/v3/users/me").respond_with(ResponseTemplate::new(200).set_body_json(reply)).mount(&h.api).await;
    assert_eq!(whoami::run(&h.client.v3()).await.unwrap(), ["ada"]);
}

#[tokio::test]
async fn an_example_fails_with_a_readable_error() {
    let h = Harness::start_with(|b| b.max_retries(0)).await;
    let body = json!({"error": {"code": "unauthorized", "message": "Invalid credentials provided"}});
    call("GET", "/v3/users/me").respond_with(ResponseTemplate::new(401).set_body_json(body)).mount(&h.api).await;
    let err = whoami::run(&h.client.v3()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "get_current_user: HeyGen answered 401 Unauthorized, code unauthorized: Invalid credentials provided"
    );
}
