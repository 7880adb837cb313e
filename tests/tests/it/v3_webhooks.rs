//! v3 webhook deliveries (`heygen_client::webhook`): verification (tampered body, wrong
//! secret, stale timestamp, rotated secret, empty secret, the legacy header), repeated event ids,
//! every documented event type parsed into its typed variant, unknown types kept whole, catching
//! up from the event log, and the axum example server end to end, also behind heygen-mock's
//! stateful fake. Deliveries signed by hand stay here: the verification tests need byte-level
//! control of the body and headers (tampering, stale times, the legacy header).

#![allow(dead_code)] // the example's `main` is not called here

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use futures_util::TryStreamExt;
use heygen_client::types::{self, WebhookDelivery, WebhookEvent};
use heygen_client::webhook::{
    self, CatchUpError, Delivery, HandleError, Handled, RecentEvents, Verifier, WebhookError,
};
use heygen_mock::{ApiFailure, FakeHeyGen, MockHeyGen};
use heygen_tests::{Harness, call, normalized, workspace_root};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;
use wiremock::matchers::{query_param, query_param_is_missing};

#[path = "../../../generated-client/examples/v3_webhook_server.rs"]
mod v3_webhook_server;

use crate::support::signing;

use signing::{now, sign};

const SECRET: &str = "whsec_k7x9m2new";
const OLD_SECRET: &str = "whsec_abc123old";

fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
    pairs.iter().map(|(name, value)| (HeaderName::from_static(name), HeaderValue::from_str(value).unwrap())).collect()
}

/// The headers of a v3 delivery of `body` signed with `secret`, sent now.
fn signed(body: &[u8], secret: &str) -> HeaderMap {
    headers(&[("heygen-signature", sign(body, secret)), ("heygen-timestamp", now().to_string())])
}

fn body(event_id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event_id": event_id,
        "event_type": "avatar_video.success",
        "event_data": {"video_id": "v_abc123", "url": "https://resource.heygen.ai/video/v_abc123.mp4", "callback_id": "order-1234"},
        "created_at": "2026-03-25T12:00:00Z"
    }))
    .unwrap()
}

#[test]
fn a_signed_delivery_is_verified_and_typed() {
    let body = body("evt_1");
    let delivery = webhook::verify(&signed(&body, SECRET), &body, SECRET).unwrap();
    assert_eq!(delivery.event_type, "avatar_video.success");
    assert_eq!(delivery.event_id.as_deref(), Some("evt_1"));
    assert_eq!(delivery.created_at.as_deref(), Some("2026-03-25T12:00:00Z"));
    assert_eq!(delivery.event_data["callback_id"], "order-1234");
    let WebhookDelivery::AvatarVideoSuccess(data) = delivery.event else { panic!("{:?}", delivery.event) };
    assert_eq!(data.video_id.as_deref(), Some("v_abc123"));
    assert_eq!(data.callback_id.as_deref(), Some("order-1234"));
}

#[test]
fn a_tampered_body_is_refused() {
    let original = body("evt_1");
    let headers = signed(&original, SECRET);
    let tampered = String::from_utf8(original).unwrap().replace("v_abc123", "v_evil99");
    let err = webhook::verify(&headers, tampered.as_bytes(), SECRET).unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature), "{err:?}");
    // Nor is a body whose JSON means the same but whose bytes differ: the bytes are signed.
    let reformatted = serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&body("evt_1")).unwrap()).unwrap();
    let err = webhook::verify(&signed(&body("evt_1"), SECRET), &reformatted, SECRET).unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature), "{err:?}");
}

#[test]
fn a_wrong_secret_or_a_missing_signature_is_refused() {
    let body = body("evt_1");
    let err = webhook::verify(&signed(&body, "whsec_someone_else"), &body, SECRET).unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature), "{err:?}");
    let err = webhook::verify(&headers(&[("heygen-signature", "not hex".into())]), &body, SECRET).unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature), "{err:?}");
    let err = webhook::verify(&headers(&[("heygen-timestamp", now().to_string())]), &body, SECRET).unwrap_err();
    assert!(matches!(err, WebhookError::MissingSignature), "{err:?}");
    // The error says nothing of the secret or of the signature expected.
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(SECRET) && !shown.contains(&sign(&body, SECRET)), "{shown}");
}

#[test]
fn a_stale_or_unreadable_timestamp_is_refused() {
    let body = body("evt_1");
    let at = |t: String| headers(&[("heygen-signature", sign(&body, SECRET)), ("heygen-timestamp", t)]);
    let verifier = Verifier::new([SECRET]).unwrap();
    verifier.verify(&at(now().to_string()), &body).unwrap();
    verifier.verify(&at((now() - 240).to_string()), &body).unwrap();
    for stale in [now() - 600, now() + 600, 0] {
        let err = verifier.verify(&at(stale.to_string()), &body).unwrap_err();
        assert!(matches!(err, WebhookError::StaleTimestamp { .. }), "{stale}: {err:?}");
    }
    let err = verifier.verify(&at("yesterday".into()), &body).unwrap_err();
    assert!(matches!(err, WebhookError::StaleTimestamp { .. }), "{err:?}");
    // A tighter tolerance refuses what the default accepts.
    let strict = Verifier::new([SECRET]).unwrap().tolerance(Duration::from_secs(60));
    let err = strict.verify(&at((now() - 240).to_string()), &body).unwrap_err();
    assert!(matches!(err, WebhookError::StaleTimestamp { tolerance } if tolerance == Duration::from_secs(60)));
}

#[test]
fn during_a_rotation_both_secrets_verify_and_after_it_only_the_new_one() {
    let body = body("evt_1");
    let rotating = Verifier::new([OLD_SECRET, SECRET]).unwrap();
    rotating.verify(&signed(&body, OLD_SECRET), &body).unwrap();
    rotating.verify(&signed(&body, SECRET), &body).unwrap();
    let rotated = Verifier::new([SECRET]).unwrap();
    let err = rotated.verify(&signed(&body, OLD_SECRET), &body).unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature), "{err:?}");
    // The Debug output of a verifier hides its secrets.
    let shown = format!("{rotating:?}");
    assert!(!shown.contains(SECRET) && !shown.contains(OLD_SECRET), "{shown}");
}

#[test]
fn an_empty_or_blank_secret_is_refused() {
    let body = body("evt_1");
    for secrets in [vec![""], vec!["  "], vec![SECRET, ""], vec![]] {
        assert!(matches!(Verifier::new(secrets.clone()), Err(WebhookError::EmptySecret)), "{secrets:?}");
    }
    // Even with a signature made with the empty key, which anyone can make.
    let err = webhook::verify(&signed(&body, ""), &body, "").unwrap_err();
    assert!(matches!(err, WebhookError::EmptySecret), "{err:?}");
}

#[test]
fn the_legacy_signature_header_is_still_accepted() {
    let body = body("evt_1");
    let legacy = headers(&[("signature", sign(&body, SECRET))]);
    let delivery = webhook::verify(&legacy, &body, SECRET).unwrap();
    assert!(matches!(delivery.event, WebhookDelivery::AvatarVideoSuccess(_)));
    // A stray header of either name does not hide a valid one.
    let both = headers(&[("signature", "00".repeat(32)), ("heygen-signature", sign(&body, SECRET))]);
    webhook::verify(&both, &body, SECRET).unwrap();
}

/// A handler that counts its runs and succeeds.
async fn run(verifier: &Verifier, body: &[u8], secret: &str, seen: &RecentEvents) -> Result<Handled, WebhookError> {
    let headers = signed(body, secret);
    let handled = verifier.handle_once(&headers, body, seen, |_| async { Ok::<(), std::io::Error>(()) });
    handled.await.map_err(|error| match error {
        HandleError::Webhook(error) => error,
        other => panic!("{other:?}"),
    })
}

#[tokio::test]
async fn a_repeated_event_id_is_dropped() {
    let verifier = Verifier::new([SECRET]).unwrap();
    let seen = RecentEvents::default();
    let first = body("evt_1");
    assert_eq!(run(&verifier, &first, SECRET, &seen).await.unwrap(), Handled::Done);
    // HeyGen's retry of the same event: verified, then dropped.
    assert_eq!(run(&verifier, &first, SECRET, &seen).await.unwrap(), Handled::Repeat);
    let second = body("evt_2");
    assert_eq!(run(&verifier, &second, SECRET, &seen).await.unwrap(), Handled::Done);

    // A forged delivery is refused before its id is recorded, so it cannot block the real one.
    let third = body("evt_3");
    let err = run(&verifier, &third, "whsec_forger", &seen).await.unwrap_err();
    assert!(matches!(err, WebhookError::InvalidSignature), "{err:?}");
    assert_eq!(run(&verifier, &third, SECRET, &seen).await.unwrap(), Handled::Done);
    assert_eq!(seen.len(), 3);
}

#[test]
fn the_bodys_signed_event_id_is_the_events_id() {
    let verifier = Verifier::new([SECRET]).unwrap();
    let body = body_with_id();
    let mut headers = signed(&body, SECRET);
    headers.insert("heygen-event-id", HeaderValue::from_static("evt_other"));
    let delivery = verifier.verify(&headers, &body).unwrap();
    assert_eq!(delivery.event_id.as_deref(), Some("evt_body"));
    assert_eq!(delivery.header_event_id.as_deref(), Some("evt_other"));
}

fn body_with_id() -> Vec<u8> {
    br#"{"event_id":"evt_body","event_type":"batch.finished","event_data":{}}"#.to_vec()
}

#[test]
fn recent_events_is_bounded_and_forgets_after_its_window() {
    let seen = RecentEvents::new(2, Duration::from_secs(3600));
    assert!(seen.first_time("a") && seen.first_time("b"));
    // Full: a repeat is still caught, and a new id pushes out the oldest.
    assert!(!seen.first_time("a"));
    assert!(seen.first_time("c"));
    assert_eq!(seen.len(), 2);
    assert!(!seen.first_time("b") && !seen.first_time("c"));
    assert!(seen.first_time("a"), "the oldest id was dropped to make room");

    let brief = RecentEvents::new(100, Duration::from_millis(20));
    assert!(brief.first_time("a"));
    assert!(!brief.first_time("a"));
    std::thread::sleep(Duration::from_millis(60));
    assert!(brief.first_time("a"), "an id older than the window is forgotten");
    assert_eq!(brief.len(), 1);

    // Ids of any length take the same room: a 1 MB id is kept as a digest.
    let long = "x".repeat(1 << 20);
    assert!(seen.first_time(&long) && !seen.first_time(&long));
}

/// One row per event type HeyGen lists (docs/v3-webhooks-facts.md, section 4), with an
/// `event_data` as documented where it is, and a plausible one where it is not.
fn documented_events() -> Vec<(&'static str, Value)> {
    let video = json!({"video_id": "v_abc123", "url": "https://resource.heygen.ai/video/v_abc123.mp4", "callback_id": "order-1234",
        "gif_download_url": "https://resource.heygen.ai/video/gifs/v_abc123.gif", "video_page_url": "https://app.heygen.com/videos/v_abc123",
        "video_share_page_url": "https://app.heygen.com/share/v_abc123", "folder_id": "f_1"});
    let video_failed = json!({"video_id": "v_abc123", "msg": "Avatar not found", "callback_id": "order-1234"});
    let undocumented = json!({"id": "x_1", "status": "done", "nested": {"n": 1}});
    vec![
        ("avatar_video.success", video.clone()),
        ("avatar_video.fail", video_failed.clone()),
        ("avatar_video_gif.success", video),
        ("avatar_video_gif.fail", video_failed),
        ("avatar_video_caption.success", undocumented.clone()),
        ("avatar_video_caption.fail", undocumented.clone()),
        (
            "video_translate.success",
            json!({"video_translate_id": "vt_1", "url": "https://resource.heygen.ai/translate/vt_1.mp4", "callback_id": "t-42", "output_language": "Spanish"}),
        ),
        (
            "video_translate.fail",
            json!({"video_translate_id": "vt_1", "message": "No speech detected", "callback_id": "t-42", "output_language": "Spanish"}),
        ),
        ("video_translate.preflight.validation_failed", undocumented.clone()),
        ("video_translate.preflight.download_failed", undocumented.clone()),
        ("video_agent.success", undocumented.clone()),
        ("video_agent.fail", undocumented.clone()),
        (
            "personalized_video",
            json!({"project_id": "p_1", "video_id": "v_2", "video_url": "https://resource.heygen.ai/p/v_2.mp4",
                "landing_page_url": "https://app.heygen.com/p/v_2", "gif_url": "https://resource.heygen.ai/p/v_2.gif",
                "gif_html": "<img src=\"https://resource.heygen.ai/p/v_2.gif\">", "contact_info": "ada@example.com"}),
        ),
        ("instant_avatar.success", undocumented.clone()),
        ("instant_avatar.fail", undocumented.clone()),
        ("photo_avatar_generation.success", undocumented.clone()),
        ("photo_avatar_generation.fail", undocumented.clone()),
        ("photo_avatar_train.success", undocumented.clone()),
        ("photo_avatar_train.fail", undocumented.clone()),
        ("photo_avatar_add_motion.success", undocumented.clone()),
        ("photo_avatar_add_motion.fail", undocumented.clone()),
        ("proofread_creation.success", undocumented.clone()),
        ("proofread_creation.fail", undocumented.clone()),
        ("live_avatar.success", undocumented.clone()),
        ("live_avatar.fail", undocumented.clone()),
        ("hyperframes_video.success", undocumented.clone()),
        ("hyperframes_video.fail", undocumented.clone()),
        ("ai_clipping.success", undocumented.clone()),
        ("ai_clipping.fail", undocumented.clone()),
        ("batch.finished", json!({"batch_id": "b_1", "status": "completed"})),
    ]
}

#[test]
fn every_documented_event_type_parses_to_its_typed_variant() {
    for (event_type, event_data) in documented_events() {
        let sent = json!({"event_id": format!("evt_{event_type}"), "event_type": event_type, "event_data": event_data});
        let body = serde_json::to_vec(&sent).unwrap();
        let delivery = webhook::verify(&signed(&body, SECRET), &body, SECRET).unwrap();
        assert!(!matches!(delivery.event, WebhookDelivery::Unknown(_)), "{event_type} parsed as Unknown");
        // The variant serializes back under the same name with every field it was given: it is
        // this type's variant, and its typed fields hold all that was sent.
        let back = serde_json::to_value(&delivery.event).unwrap();
        assert_eq!(back["event_type"], event_type);
        assert_eq!(normalized(back["event_data"].clone()), normalized(event_data.clone()), "{event_type}");
        assert_eq!(delivery.event_data, event_data);
    }
    // The typed fields carry what their names say.
    let parse = |event_type: &str| {
        let (_, data) = documented_events().into_iter().find(|(t, _)| *t == event_type).unwrap();
        webhook::parse(&serde_json::to_vec(&json!({"event_type": event_type, "event_data": data})).unwrap())
            .unwrap()
            .event
    };
    let WebhookDelivery::AvatarVideoFail(data) = parse("avatar_video.fail") else { panic!() };
    assert_eq!(data.msg.as_deref(), Some("Avatar not found"));
    let WebhookDelivery::VideoTranslateSuccess(data) = parse("video_translate.success") else { panic!() };
    assert_eq!(data.output_language.as_deref(), Some("Spanish"));
    let WebhookDelivery::VideoTranslateFail(data) = parse("video_translate.fail") else { panic!() };
    assert_eq!(data.message.as_deref(), Some("No speech detected"));
    let WebhookDelivery::PersonalizedVideo(data) = parse("personalized_video") else { panic!() };
    assert_eq!(data.landing_page_url.as_deref(), Some("https://app.heygen.com/p/v_2"));
    let WebhookDelivery::BatchFinished(data) = parse("batch.finished") else { panic!() };
    assert_eq!(data["batch_id"], "b_1");
    let WebhookDelivery::AiClippingFail(data) = parse("ai_clipping.fail") else { panic!() };
    assert_eq!(data["nested"]["n"], 1);
}

#[test]
fn the_spec_lists_exactly_the_event_types_tested_here() {
    let path = workspace_root().join(heygen_codegen::Document::V3.spec_path());
    let source = std::fs::read_to_string(&path).unwrap();
    let spec = heygen_codegen::load_and_validate(&path, &source).unwrap_or_else(|e| panic!("{e}"));
    let variants = spec.json.pointer("/components/schemas/WebhookDelivery/oneOf").and_then(Value::as_array).unwrap();
    let mut in_spec: Vec<String> = variants
        .iter()
        .map(|v| {
            let tag = &v["properties"]["event_type"];
            tag["const"].as_str().or_else(|| tag["enum"][0].as_str()).unwrap().to_owned()
        })
        .collect();
    let mut tested: Vec<String> = documented_events().into_iter().map(|(t, _)| t.to_owned()).collect();
    in_spec.sort();
    tested.sort();
    assert_eq!(in_spec, tested);
}

#[test]
fn an_unknown_event_type_is_kept_whole() {
    let sent = json!({"event_id": "evt_9", "event_type": "avatar_video_4k.success", "event_data": {"video_id": "v_9", "pixels": [3840, 2160]}, "created_at": "2026-07-01T00:00:00Z"});
    let body = serde_json::to_vec(&sent).unwrap();
    let delivery = webhook::verify(&signed(&body, SECRET), &body, SECRET).unwrap();
    assert_eq!(delivery.event_type, "avatar_video_4k.success");
    assert_eq!(delivery.event_id.as_deref(), Some("evt_9"));
    let WebhookDelivery::Unknown(value) = delivery.event else { panic!("{:?}", delivery.event) };
    assert_eq!(value, sent);
}

#[test]
fn a_signed_body_that_is_not_an_event_is_a_typed_error() {
    // (A known type whose data does not fit is kept: `v3_faults`' webhook tests.)
    let bodies: [&[u8]; 3] = [b"not json", b"[1,2,3]", br#"{"event_data":{"video_id":"v1"}}"#];
    for body in bodies {
        let err = webhook::verify(&signed(body, SECRET), body, SECRET).unwrap_err();
        assert!(matches!(err, WebhookError::Malformed(_)), "{}: {err:?}", String::from_utf8_lossy(body));
    }
}

fn logged(event_id: &str, event_type: &str, created_at: &str) -> Value {
    json!({"event_id": event_id, "event_type": event_type, "event_data": {"video_id": event_id}, "created_at": created_at})
}

#[test]
fn a_logged_event_becomes_the_delivery_it_stands_for() {
    let event: WebhookEvent =
        serde_json::from_value(logged("evt_5", "avatar_video.success", "2026-03-25T12:00:00Z")).unwrap();
    let delivery = Delivery::from_event(event).unwrap();
    assert_eq!(delivery.event_id.as_deref(), Some("evt_5"));
    assert_eq!(delivery.created_at.as_deref(), Some("2026-03-25T12:00:00Z"));
    let WebhookDelivery::AvatarVideoSuccess(data) = delivery.event else { panic!("{:?}", delivery.event) };
    assert_eq!(data.video_id.as_deref(), Some("evt_5"));
}

#[tokio::test]
async fn catching_up_yields_the_events_not_yet_seen_since_a_time() {
    let h = Harness::start().await;
    let page = |items: Vec<Value>, next: Option<&str>| {
        ResponseTemplate::new(200).set_body_json(json!({"data": items, "has_more": next.is_some(), "next_token": next}))
    };
    call("GET", "/v3/webhooks/events")
        .and(query_param("token", "p2"))
        .respond_with(page(
            vec![
                logged("evt_3", "video_translate.success", "2026-03-25T11:00:00Z"),
                // Before `since`: skipped, and not recorded.
                logged("evt_2", "avatar_video.fail", "2026-03-24T09:00:00Z"),
                // A time that does not parse is kept rather than dropped unseen.
                logged("evt_1", "batch.finished", "last tuesday"),
            ],
            None,
        ))
        .expect(2)
        .mount(&h.api)
        .await;
    call("GET", "/v3/webhooks/events")
        .and(query_param("limit", "100"))
        .and(query_param_is_missing("token"))
        .respond_with(page(
            vec![
                logged("evt_5", "avatar_video.success", "2026-03-25T12:30:00Z"),
                // Already handled live.
                logged("evt_4", "avatar_video.success", "2026-03-25T12:00:00Z"),
            ],
            Some("p2"),
        ))
        .expect(2)
        .mount(&h.api)
        .await;
    let v3 = h.client.v3();
    let seen = RecentEvents::default();
    assert!(seen.first_time("evt_4"));
    let since = UNIX_EPOCH + Duration::from_secs(1_774_396_800); // 2026-03-25T00:00:00Z
    let caught: Vec<Delivery> = webhook::catch_up(&v3, None, Some(since), &seen).try_collect().await.unwrap();
    let ids: Vec<_> = caught.iter().map(|d| d.event_id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["evt_5", "evt_3", "evt_1"]);
    assert!(matches!(caught[1].event, WebhookDelivery::VideoTranslateSuccess(_)));
    assert!(!seen.first_time("evt_5") && !seen.first_time("evt_3"));
    assert!(seen.first_time("evt_2"), "an event skipped for its age is not recorded");

    // Catching up again finds nothing new.
    let seen_again: Vec<Delivery> = webhook::catch_up(&v3, None, Some(since), &seen).try_collect().await.unwrap();
    assert!(seen_again.is_empty(), "{seen_again:?}");
}

#[tokio::test]
async fn catching_up_reports_a_failing_log() {
    // Typed stubs (heygen-mock): HeyGen's 401 error body, no JSON written here.
    let mock = MockHeyGen::start().await;
    mock.list_webhook_events().fail(ApiFailure::new(401, "unauthorized", "bad key"));
    let v3 = heygen_client::Client::builder().api_key("key").base_url(mock.url()).max_retries(0).build().unwrap();
    let seen = RecentEvents::default();
    let err = webhook::catch_up(&v3, None, None, &seen).try_collect::<Vec<_>>().await.unwrap_err();
    assert!(matches!(err, CatchUpError::Api(heygen_client::Error::Api(ref e)) if e.status == 401), "{err:?}");
}

#[tokio::test]
async fn the_example_server_verifies_drops_repeats_and_refuses_forgeries() {
    use v3_webhook_server::{Receiver, app};
    let receiver =
        Arc::new(Receiver { verifier: Verifier::new([OLD_SECRET, SECRET]).unwrap(), seen: RecentEvents::default() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks/heygen", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app(receiver)).await });
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>, headers: HeaderMap| {
        let request = http.post(&url).headers(headers).body(body);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let delivery = body("evt_srv");
    assert_eq!(post(delivery.clone(), signed(&delivery, SECRET)).await, 200);
    assert_eq!(post(delivery.clone(), signed(&delivery, OLD_SECRET)).await, 200, "a repeat is acknowledged");
    assert_eq!(post(body("evt_x"), signed(&delivery, SECRET)).await, 401, "a body the signature is not for");
    assert_eq!(post(delivery.clone(), signed(&delivery, "whsec_forger")).await, 401);
    assert_eq!(post(delivery.clone(), HeaderMap::new()).await, 401);
    let not_an_event = b"{}".to_vec();
    assert_eq!(post(not_an_event.clone(), signed(&not_an_event, SECRET)).await, 400);
    server.abort();
}

/// The example server behind an endpoint registered at the stateful fake: a video that ends
/// brings one delivery, signed with the endpoint's secret, which the server verifies and
/// acknowledges at the first attempt; the same delivery to an endpoint whose secret the server
/// does not hold is refused on every attempt.
#[tokio::test]
async fn the_example_server_accepts_the_fakes_signed_deliveries_and_no_others() {
    use v3_webhook_server::{Receiver, app};
    let fake = FakeHeyGen::builder().webhook_retries([Duration::from_millis(1)]).start().await.unwrap();
    let client = fake.client();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks/heygen", listener.local_addr().unwrap());
    let register = |url: String| {
        let request = types::WebhookEndpointCreateRequest { url, events: None, entity_id: None };
        let client = client.clone();
        async move { client.create_webhook_endpoint(&request).await.unwrap().into_inner().data.secret.unwrap() }
    };
    let secret = register(url.clone()).await;
    let _other = register(url.clone()).await; // a second endpoint, with a secret the server lacks
    let receiver =
        Arc::new(Receiver { verifier: Verifier::new([secret.as_str()]).unwrap(), seen: RecentEvents::default() });
    let server = tokio::spawn(async move { axum::serve(listener, app(receiver)).await });

    let created = client.create_video(&heygen_mock::samples::avatar_video("hi")).await.unwrap().into_inner().data;
    fake.advance(Duration::from_secs(60));
    let deliveries = fake.wait_for_deliveries(2, Duration::from_secs(5)).await;
    server.abort();
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    assert!(deliveries.iter().all(|d| d.event_type == "avatar_video.success" && d.url == url), "{deliveries:?}");
    let attempts: Vec<_> = deliveries.iter().map(|d| (d.attempts.clone(), d.delivered)).collect();
    assert!(attempts.contains(&(vec![Ok(200)], true)), "the endpoint's own secret verifies: {attempts:?}");
    assert!(attempts.contains(&(vec![Ok(401), Ok(401)], false)), "another secret is refused: {attempts:?}");
    let events = client.list_webhook_events(Default::default()).await.unwrap().into_inner().data;
    assert!(events.iter().any(|e| e.event_data["video_id"] == created.video_id.as_str()), "{events:?}");
}
