//! The corpus of real bodies (`tests/fixtures/real/`) through the generated client over HTTP.
//! Replies are served by a mock and must decode and keep every value they carried; requests must
//! convert to the typed request and go out with every value; error bodies must become
//! `Error::Api` with HeyGen's code and message; webhook deliveries must parse to their typed
//! event. A body that fails here calls for a spec fix, not an exception in this file.

use std::collections::BTreeSet;
use std::time::Duration;

use heygen_client::types;
use heygen_client::{Error, WaitOptions, webhook};
use heygen_tests::calls::CallError;
use heygen_tests::corpus::{self, Entry, Expect, Kind, Origin, missing_leaves};
use heygen_tests::generated_calls::{OPERATIONS, call};
use heygen_tests::requests::request_for;
use heygen_tests::{Doc, Harness, success_example};
use hmac::{KeyInit, Mac};
use http::{HeaderMap, HeaderValue};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn every_real_body_goes_through_the_client() {
    let harness = Harness::start_with(|b| b.max_retries(0)).await;
    let entries = corpus::entries();
    let mut failures = Vec::new();
    for entry in &entries {
        let body = corpus::body(entry);
        let outcome = match entry.kind {
            Kind::Reply => reply(&harness, entry, &body).await,
            Kind::Error => error(&harness, entry, &body).await,
            Kind::Request => request(&harness, entry, &body).await,
            Kind::Webhook => delivery(&body),
        };
        if let Err(why) = outcome {
            failures.push(format!("{} ({}): {why}", entry.file, entry.source));
        }
    }
    assert!(failures.is_empty(), "{} of {} bodies failed:\n  {}", failures.len(), entries.len(), failures.join("\n  "));
}

/// Serves `body` with `status` for whatever the client asks, on both hosts.
async fn serve(harness: &Harness, status: u16, body: &Value) {
    for server in [&harness.api, &harness.upload] {
        server.reset().await;
        Mock::given(any()).respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(server).await;
    }
}

async fn reply(harness: &Harness, entry: &Entry, body: &Value) -> Result<(), String> {
    serve(harness, entry.status.unwrap_or(200), body).await;
    let reply = call(&harness.client, &entry.operation, &request_for(Doc::Legacy, &entry.operation))
        .await
        .map_err(|e| e.to_string())?;
    let lost = missing_leaves(body, &reply.body, true);
    if lost.is_empty() { Ok(()) } else { Err(format!("the typed reply lost values: {}", lost.join("; "))) }
}

async fn error(harness: &Harness, entry: &Entry, body: &Value) -> Result<(), String> {
    let status = entry.status.ok_or("an error body needs its status")?;
    serve(harness, status, body).await;
    let e = match call(&harness.client, &entry.operation, &request_for(Doc::Legacy, &entry.operation)).await {
        Err(CallError::Client(Error::Api(e))) => e,
        Err(other) => return Err(format!("expected Error::Api, got {other}")),
        Ok(reply) => return Err(format!("expected Error::Api, got a reply {}", reply.body)),
    };
    let detail = body.get("error").filter(|e| e.is_object()).unwrap_or(body);
    // ErrorCode has no PartialEq; its JSON form is the code as HeyGen sent it.
    let code = Some(&detail["code"]).filter(|c| !c.is_null()).cloned();
    let got_code = e.code.as_ref().map(|c| serde_json::to_value(c).expect("codes serialize"));
    let message = detail["message"].as_str().or(detail["msg"].as_str()).map(str::to_owned);
    if e.status.as_u16() != status {
        return Err(format!("status {} instead of {status}", e.status));
    }
    if got_code != code || e.message != message {
        return Err(format!("code {:?} / message {:?} instead of {code:?} / {message:?}", e.code, e.message));
    }
    Ok(())
}

async fn request(harness: &Harness, entry: &Entry, body: &Value) -> Result<(), String> {
    serve(harness, 200, &success_example(&entry.operation)).await;
    let mut input = request_for(Doc::Legacy, &entry.operation);
    input.body = Some(body.clone());
    let outcome = call(&harness.client, &entry.operation, &input).await;
    if entry.expect == Some(Expect::Rejected) {
        return match outcome {
            Err(CallError::Input { name, .. }) if name == "body" => Ok(()),
            Err(other) => Err(format!("expected the typed request to refuse the body, got {other}")),
            Ok(_) => Err(format!("the typed request accepted a body the spec refuses ({:?})", entry.reason)),
        };
    }
    outcome.map_err(|e| e.to_string())?;
    let mut sent = Vec::new();
    for server in [&harness.api, &harness.upload] {
        sent.extend(server.received_requests().await.unwrap_or_default());
    }
    let [sent] = sent.as_slice() else { return Err(format!("{} requests went out instead of one", sent.len())) };
    let sent: Value = serde_json::from_slice(&sent.body).map_err(|e| format!("the sent body is not JSON: {e}"))?;
    let lost = missing_leaves(body, &sent, false);
    if lost.is_empty() { Ok(()) } else { Err(format!("the request went out without: {}", lost.join("; "))) }
}

/// Signs `body` as HeyGen does, verifies and parses it, and checks the typed event keeps it all.
fn delivery(body: &Value) -> Result<(), String> {
    const SECRET: &str = "corpus-webhook-secret";
    let raw = serde_json::to_vec(body).expect("JSON serializes");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(&raw);
    let mut headers = HeaderMap::new();
    headers.insert("signature", HeaderValue::from_str(&hex::encode(mac.finalize().into_bytes())).expect("hex"));
    let delivery = webhook::verify(&headers, &raw, SECRET).map_err(|e| e.to_string())?;
    if let types::WebhookEvent::Unknown(_) = delivery.event {
        return Err(format!("{} parsed as Unknown", delivery.event_type));
    }
    let typed = serde_json::to_value(&delivery.event).expect("typed events serialize");
    let lost = missing_leaves(body, &typed, true);
    if lost.is_empty() { Ok(()) } else { Err(format!("the typed event lost values: {}", lost.join("; "))) }
}

/// Every body file is listed once, every listed file exists, and every entry names a real
/// operation with a status where one applies.
#[test]
fn the_index_lists_every_body_with_its_source() {
    let entries = corpus::entries();
    let listed: BTreeSet<_> = entries.iter().map(|e| e.file.clone()).collect();
    assert_eq!(listed.len(), entries.len(), "a file is listed twice");
    let on_disk: BTreeSet<_> = std::fs::read_dir(corpus::directory())
        .unwrap()
        .map(|f| f.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json") && name != "index.json")
        .collect();
    assert_eq!(listed, on_disk, "index.json and the files differ");
    for entry in &entries {
        assert!(!entry.source.trim().is_empty(), "{}: no source", entry.file);
        match entry.kind {
            Kind::Webhook => assert_eq!(entry.operation, "webhook", "{}", entry.file),
            _ => assert!(
                OPERATIONS.contains(&entry.operation.as_str()),
                "{}: no operation {}",
                entry.file,
                entry.operation
            ),
        }
        let needs_status = matches!(entry.kind, Kind::Reply | Kind::Error);
        assert_eq!(entry.status.is_some(), needs_status, "{}: status", entry.file);
        assert_eq!(entry.expect.is_some(), entry.reason.is_some(), "{}: a rejected body says why", entry.file);
        if entry.origin == Origin::HeygenPage {
            assert!(entry.source.contains("heygen.com") || entry.source.contains("movio.la"), "{}", entry.file);
        }
    }
}

/// HeyGen's note and clients in the wild say `complete` for a finished Digital Twin: the waiter
/// must end there, not poll until its timeout.
#[tokio::test]
async fn the_video_avatar_waiter_ends_on_complete() {
    let harness = Harness::start_with(|b| b.max_retries(0)).await;
    let entry =
        corpus::entries().into_iter().find(|e| e.file == "get_video_avatar_status.reply.complete.json").unwrap();
    serve(&harness, 200, &corpus::body(&entry)).await;
    let options = WaitOptions {
        timeout: Duration::from_secs(2),
        interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(10),
        ..WaitOptions::default()
    };
    let avatar = harness.client.wait_for_video_avatar("<avatar_id>", &options).await.expect("complete ends the wait");
    assert_eq!(avatar.status.as_ref().map(ToString::to_string).as_deref(), Some("complete"));
}

/// HeyGen's update page says `events: null` subscribes the endpoint to every event, while
/// leaving `events` out keeps its list: the typed request sends each as asked.
#[tokio::test]
async fn update_webhook_endpoint_sends_null_events_and_can_leave_them_out() {
    let harness = Harness::start_with(|b| b.max_retries(0)).await;
    let cases = [
        (Some(types::WebhookEventSelection(None)), Some(Value::Null)),
        (None, None),
        (
            Some(types::WebhookEventSelection(Some(vec!["avatar_video.success".into()]))),
            Some(serde_json::json!(["avatar_video.success"])),
        ),
    ];
    for (events, expected) in cases {
        serve(&harness, 200, &success_example("update_webhook_endpoint")).await;
        let request = types::UpdateWebhookEndpointRequest { endpoint_id: "ep-1".into(), events, url: None };
        harness.client.update_webhook_endpoint(&request).await.expect("the mock accepts it");
        let sent = harness.api.received_requests().await.unwrap_or_default();
        let sent: Value = serde_json::from_slice(&sent[0].body).expect("a JSON body");
        assert_eq!(sent.get("events"), expected.as_ref(), "sent {sent}");
    }
}
