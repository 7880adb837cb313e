//! What the tests share: the client calls the tests make often, each written once, and a few
//! checks.

use std::time::Duration;

use heygen_mock::api::{Client, Error, WaitOptions, types};

/// Polls often: the fake answers at once.
pub fn fast_wait() -> WaitOptions {
    // A broken fake fails the test in seconds, not after the default half hour.
    WaitOptions {
        timeout: Duration::from_secs(10),
        interval: Duration::from_millis(2),
        max_interval: Duration::from_millis(10),
        ..WaitOptions::default()
    }
}

/// `create_video`, with the key `key` names (through `Client::with_idempotency_key`), else a
/// fresh one.
pub async fn create_video(
    client: &Client,
    key: Option<&str>,
    request: &types::CreateVideoRequest,
) -> Result<String, Error> {
    Ok(keyed(client, key)?.create_video(request).await?.into_inner().data.video_id)
}

/// `create_lipsync`, keyed as [`create_video`].
pub async fn create_lipsync(client: &Client, key: Option<&str>) -> Result<String, Error> {
    Ok(keyed(client, key)?.create_lipsync(&heygen_mock::samples::lipsync()).await?.into_inner().data.lipsync_id)
}

/// `client` with `key` as its calls' idempotency key, or `client` itself.
fn keyed(client: &Client, key: Option<&str>) -> Result<Client, Error> {
    match key {
        Some(key) => client.with_idempotency_key(key),
        None => Ok(client.clone()),
    }
}

/// `create_video_translation` of the sample request into `languages`: one id per language.
pub async fn create_translation(client: &Client, languages: &[&str]) -> Vec<String> {
    let request = heygen_mock::samples::translation(languages);
    client.create_video_translation(&request).await.unwrap().into_inner().data.video_translation_ids
}

/// `create_asset_upload`: the slot to `PUT` the bytes to.
pub async fn create_asset_upload(client: &Client, request: &types::CreateAssetUploadRequest) -> types::AssetUploadSlot {
    client.create_asset_upload(request).await.unwrap().into_inner().data
}

/// `rotate_webhook_endpoint_secret`: the new secret.
pub async fn rotate_secret(client: &Client, endpoint_id: &str) -> String {
    client.rotate_webhook_endpoint_secret(endpoint_id).await.unwrap().into_inner().data.secret
}

/// `create_webhook_endpoint` for every event type; its id and secret.
pub async fn create_endpoint(client: &Client, url: &str) -> (String, String) {
    let request = types::WebhookEndpointCreateRequest { url: url.to_owned(), events: None, entity_id: None };
    let endpoint = client.create_webhook_endpoint(&request).await.unwrap().into_inner().data;
    (endpoint.endpoint_id, endpoint.secret.expect("the create reply shows the secret"))
}

/// What an error body says, read from the client's type (whatever Rust types hold its fields).
#[derive(Debug, PartialEq)]
pub struct Reported {
    pub code: String,
    pub message: String,
    pub param: Option<String>,
}

/// HeyGen's error body `bytes`, which must decode as the client's `ErrorBody`.
pub fn reported(bytes: &[u8]) -> Reported {
    let body: types::ErrorBody = serde_json::from_slice(bytes).expect("HeyGen's error body");
    let error = &serde_json::to_value(&body).unwrap()["error"];
    let text = |field: &str| error[field].as_str().map(str::to_owned);
    Reported {
        code: text("code").unwrap_or_default(),
        message: text("message").unwrap_or_default(),
        param: text("param"),
    }
}

/// HeyGen's error body of a failed call.
pub fn error_body(error: &Error) -> Reported {
    match error {
        Error::Api(api) => reported(api.body.as_bytes()),
        other => panic!("expected an API error, got {other}"),
    }
}

/// The `status` a typed reply carries, as sent (whatever Rust type holds it).
pub fn status_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).unwrap()["status"].as_str().unwrap_or_default().to_owned()
}

/// A POST of a typed body to the fake without the client (no retries, no key of its own), with
/// `key` as `Idempotency-Key`.
pub async fn raw_post<T: serde::Serialize>(
    fake: &heygen_mock::FakeHeyGen,
    path: &str,
    key: Option<&str>,
    body: &T,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", fake.url()))
        .header("x-api-key", "test")
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap());
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.unwrap()
}
