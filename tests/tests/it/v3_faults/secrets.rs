//! Secrets out of `Debug` and error text (issue 23, item 8): the caller's default headers, a
//! webhook secret or token in a reply that does not decode, presigned URLs, and storage error
//! bodies, by the same rule as the logs.

use heygen_client::Error;
use heygen_tests::API_KEY;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::redirect::Policy;
use serde_json::json;

use super::common::*;

const WEBHOOK_SECRET: &str = "whsec_Q2hhbmdlTWVQbGVhc2U0MmNoYXJz";
const TOKEN: &str = "tok-a8f3e0c4d1b2";
const SIGNATURE: &str = "X-Amz-Signature=5e1b9c7a";

/// Neither client's `Debug` prints the caller's reqwest client, whose `Debug` shows its default
/// headers (a proxy's credentials, say).
#[test]
fn neither_clients_debug_shows_the_callers_default_headers() {
    let mut headers = HeaderMap::new();
    headers.insert("x-proxy-secret", HeaderValue::from_static("hunter2-corporate"));
    let http = reqwest::Client::builder().default_headers(headers).redirect(Policy::none()).build().unwrap();
    let client = heygen_client::Client::builder().api_key(API_KEY).http_client(http).build().unwrap();
    for shown in [format!("{client:?}"), format!("{:?}", client.legacy())] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains(API_KEY), "{shown}");
        assert!(shown.contains("api.heygen.com"), "still useful: {shown}");
    }
}

/// The text and `Debug` of `error` hold none of the secrets.
fn assert_clean(error: &Error) {
    for shown in [error.to_string(), format!("{error:?}")] {
        for secret in [WEBHOOK_SECRET, TOKEN, SIGNATURE, "5e1b9c7a"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}

/// A created webhook endpoint (with its signing secret) whose reply does not decode: the secret
/// is neither in the kept body nor in the decoder's reason.
#[tokio::test]
async fn a_reply_that_does_not_decode_keeps_no_secret() {
    let replies = [
        // Valid JSON, wrong type elsewhere.
        json!({"data": {"endpoint_id": 5, "secret": WEBHOOK_SECRET, "url": "https://example.com/hook"}}).to_string(),
        // The secret where a number belongs: serde quotes the value in its reason.
        json!({"data": {"endpoint_id": "e1", "created_at": WEBHOOK_SECRET, "status": 1, "url": "u"}}).to_string(),
        // Cut short: no parser can find the field, the rule still does.
        format!(
            r#"{{"data": {{"secret": "{WEBHOOK_SECRET}", "access_token": "{TOKEN}", "url": "https://s3.example/a?{SIGNATURE}"#
        ),
    ];
    for reply in replies {
        let server = FakeServer::start(move |_, _| Reply::Full {
            status: 200,
            headers: vec![("content-type", "application/json".into())],
            body: reply.clone().into_bytes(),
        })
        .await;
        let request = body("create_webhook_endpoint");
        let error = bounded(v3_client(&server.url).create_webhook_endpoint(&request)).await.unwrap_err();
        assert!(matches!(error, Error::Decode(_)), "{error:?}");
        assert_clean(&error);
    }
}

/// An error reply that is not HeyGen's error body keeps no secret either, in its body or message.
#[tokio::test]
async fn an_error_reply_keeps_no_secret() {
    let server = FakeServer::start(|_, _| {
        Reply::json(
            400,
            &json!({
                "message": format!("signing secret {WEBHOOK_SECRET} rejected"),
                "token": TOKEN,
                "upload_url": format!("https://bucket.s3.example/key?{SIGNATURE}"),
            }),
        )
    })
    .await;
    let error =
        bounded(v3_client(&server.url).create_webhook_endpoint(&body("create_webhook_endpoint"))).await.unwrap_err();
    assert!(matches!(&error, Error::Api(e) if e.status == 400), "{error:?}");
    assert_clean(&error);
}

/// A storage host's XML error echoes the signed request (`StringToSign`, `CanonicalRequest`, the
/// presigned URL): the error keeps its code and message only.
#[tokio::test]
async fn a_storage_error_body_is_not_kept_whole() {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code>\
         <Message>The request signature we calculated does not match</Message>\
         <StringToSign>AWS4-HMAC-SHA256 20261206T000000Z canonical-request-digest</StringToSign>\
         <CanonicalRequest>PUT /key {SIGNATURE}&amp;X-Amz-Credential=AKIAEXAMPLE</CanonicalRequest>\
         <RequestId>R42</RequestId></Error>"
    );
    let storage = FakeServer::start(move |_, _| Reply::Full {
        status: 403,
        headers: vec![("content-type", "application/xml".into())],
        body: xml.clone().into_bytes(),
    })
    .await;
    let mut slot = example("create_asset_upload");
    slot["data"]["upload_url"] = format!("{}/key?{SIGNATURE}", storage.url).into();
    slot["data"]["upload_headers"] = json!({"Content-Type": "image/png"});
    let api = FakeServer::start(move |_, _| Reply::json(200, &slot)).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pixel.png");
    std::fs::write(&file, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89").unwrap();
    let options = heygen_client::DirectUploadOptions::default();
    let error = bounded(v3_client(&api.url).direct_upload_file(&file, &options)).await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("SignatureDoesNotMatch"), "the code is kept: {shown}");
    for echoed in ["canonical-request-digest", "AKIAEXAMPLE", "5e1b9c7a", "StringToSign"] {
        assert!(!shown.contains(echoed), "{echoed} in {shown}");
    }
}
