//! Webhooks under faults: cheap checks before any HMAC, no de-duplication by an unsigned
//! header, an event recorded as handled only once its handler succeeded, and a known event
//! whose data does not fit its type kept rather than refused (live and when catching up).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::TryStreamExt as _;
use heygen_client::types::WebhookDelivery;
use heygen_client::webhook::{
    self, Delivery, HandleError, Handled, RecentEvents, SeenEvents as _, Verifier, WebhookError,
};
use heygen_tests::{Harness, call};
use http::{HeaderMap, HeaderValue};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::signing::{now, sign};

const SECRET: &str = "whsec_faults";

fn signed(body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("heygen-signature", sign(body, SECRET).parse().unwrap());
    headers.insert("heygen-timestamp", now().to_string().parse().unwrap());
    headers
}

fn event(event_id: Option<&str>) -> Vec<u8> {
    let mut body = json!({"event_type": "avatar_video.success", "event_data": {"video_id": "v1"}});
    if let Some(id) = event_id {
        body["event_id"] = id.into();
    }
    serde_json::to_vec(&body).unwrap()
}

#[test]
fn cheap_checks_come_before_any_signature_is_computed() {
    let verifier = Verifier::new([SECRET]).unwrap();
    let body = event(Some("evt_1"));

    // 100 junk signatures, then the right one: refused for the count alone.
    let mut junk = HeaderMap::new();
    for n in 0..100 {
        junk.append("heygen-signature", format!("{n:064x}").parse().unwrap());
    }
    junk.append("heygen-signature", sign(&body, SECRET).parse().unwrap());
    let err = verifier.verify(&junk, &body).unwrap_err();
    assert!(matches!(err, WebhookError::TooManySignatures { count: 101 }), "{err:?}");

    // A 2 MB body, correctly signed: refused for its size.
    let large =
        [b"{\"event_type\":\"batch.finished\",\"event_data\":{\"pad\":\"".as_slice(), &[b'x'; 2 << 20], b"\"}}"]
            .concat();
    let err = verifier.verify(&signed(&large), &large).unwrap_err();
    assert!(matches!(err, WebhookError::BodyTooLarge { limit: 1_048_576, .. }), "{err:?}");
    assert!(Verifier::new([SECRET]).unwrap().max_body_bytes(4 << 20).verify(&signed(&large), &large).is_ok());

    // A stale timestamp is refused as stale before the (wrong) signature is looked at.
    let mut stale = HeaderMap::new();
    stale.insert("heygen-signature", "ab".repeat(32).parse().unwrap());
    stale.insert("heygen-timestamp", (now() - 3600).to_string().parse().unwrap());
    let err = verifier.verify(&stale, &body).unwrap_err();
    assert!(matches!(err, WebhookError::StaleTimestamp { .. }), "{err:?}");
}

/// Runs `handle_once` with a handler that counts its runs and ends with `outcome`.
async fn deliver(
    verifier: &Verifier,
    headers: &HeaderMap,
    body: &[u8],
    seen: &RecentEvents,
    runs: &AtomicUsize,
    outcome: Result<(), &'static str>,
) -> Result<Handled, HandleError<&'static str>> {
    verifier
        .handle_once(headers, body, seen, |_| async move {
            runs.fetch_add(1, Ordering::SeqCst);
            outcome
        })
        .await
}

#[tokio::test]
async fn a_delivery_without_a_signed_event_id_is_not_deduplicated_by_its_header() {
    let verifier = Verifier::new([SECRET]).unwrap();
    let (seen, runs) = (RecentEvents::default(), AtomicUsize::new(0));
    let body = event(None);
    let mut headers = signed(&body);
    headers.insert("heygen-event-id", HeaderValue::from_static("evt_h1"));
    let delivery = verifier.verify(&headers, &body).unwrap();
    assert_eq!((delivery.event_id.as_deref(), delivery.header_event_id.as_deref()), (None, Some("evt_h1")));
    // The header can be set by anyone who captured the delivery: it neither drops a delivery
    // nor lets one through as new. Both deliveries are handled (the handler must be idempotent).
    for _ in 0..2 {
        assert_eq!(deliver(&verifier, &headers, &body, &seen, &runs, Ok(())).await.unwrap(), Handled::Done);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert!(seen.is_empty(), "nothing recorded under an unsigned id");
}

#[tokio::test]
async fn a_repeat_is_acknowledged_only_after_the_first_delivery_was_handled() {
    let verifier = Arc::new(Verifier::new([SECRET]).unwrap());
    let seen = Arc::new(RecentEvents::default());
    let body = event(Some("evt_slow"));
    let headers = signed(&body);

    // The first delivery's handler is still running when HeyGen's retry arrives.
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let (finish_tx, finish_rx) = tokio::sync::oneshot::channel::<Result<(), &'static str>>();
    let first = {
        let (verifier, seen, headers, body) = (verifier.clone(), seen.clone(), headers.clone(), body.clone());
        tokio::spawn(async move {
            let handle = |_: Delivery| async move {
                started_tx.send(()).unwrap();
                finish_rx.await.unwrap()
            };
            verifier.handle_once(&headers, &body, &*seen, handle).await
        })
    };
    started_rx.await.unwrap();
    let runs = AtomicUsize::new(0);
    let retry = deliver(&verifier, &headers, &body, &seen, &runs, Ok(())).await;
    assert!(matches!(retry, Err(HandleError::Webhook(WebhookError::InProgress))), "{retry:?}");
    assert_eq!(runs.load(Ordering::SeqCst), 0);

    // The first handler fails: the event is handled again by the next delivery.
    finish_tx.send(Err("database down")).unwrap();
    assert!(matches!(first.await.unwrap(), Err(HandleError::Handler("database down"))));
    assert_eq!(deliver(&verifier, &headers, &body, &seen, &runs, Ok(())).await.unwrap(), Handled::Done);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    // Only now is it a repeat.
    assert_eq!(deliver(&verifier, &headers, &body, &seen, &runs, Ok(())).await.unwrap(), Handled::Repeat);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

/// Known event types whose data does not fit their types.
fn misfits() -> [serde_json::Value; 2] {
    [
        json!({"event_id": "evt_m1", "event_type": "avatar_video.success", "event_data": {"video_id": 42},
            "created_at": "2026-03-25T12:00:00Z"}),
        json!({"event_id": "evt_m2", "event_type": "batch.finished", "event_data": "done",
            "created_at": "2026-03-25T12:00:00Z"}),
    ]
}

#[test]
fn a_known_event_whose_data_does_not_fit_is_kept_whole() {
    for sent in misfits() {
        let body = serde_json::to_vec(&sent).unwrap();
        let delivery = webhook::verify(&signed(&body), &body, SECRET).unwrap();
        assert_eq!(delivery.event_type, sent["event_type"]);
        assert_eq!(delivery.event_id.as_deref(), sent["event_id"].as_str());
        let WebhookDelivery::Unknown(kept) = delivery.event else { panic!("{:?}", delivery.event) };
        assert_eq!(kept, sent);
    }
    // The legacy module keeps it too.
    let body = br#"{"event_type":"avatar_video.success","event_data":{"video_id":42}}"#;
    let delivery = heygen_client::legacy::webhook::verify(&signed(body), body, SECRET).unwrap();
    assert!(matches!(delivery.event, heygen_client::legacy::types::WebhookEvent::Unknown(_)), "{:?}", delivery.event);
}

#[tokio::test]
async fn an_event_that_does_not_fit_never_blocks_catching_up() {
    let h = Harness::start().await;
    // (The log types `event_data` as an object, so only the first misfit can be logged.)
    let [misfit, _] = misfits();
    let fine = json!({"event_id": "evt_ok", "event_type": "avatar_video.success", "event_data": {"video_id": "v1"},
        "created_at": "2026-03-25T12:00:00Z"});
    let page = json!({"data": [misfit, fine], "has_more": false, "next_token": null});
    call("GET", "/v3/webhooks/events").respond_with(ResponseTemplate::new(200).set_body_json(page)).mount(&h.api).await;
    let v3 = h.client.v3();
    let seen = RecentEvents::default();
    let caught: Vec<Delivery> = webhook::catch_up(&v3, None, None, &seen).try_collect().await.unwrap();
    let ids: Vec<_> = caught.iter().map(|d| d.event_id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["evt_m1", "evt_ok"]);
    assert!(matches!(caught[0].event, WebhookDelivery::Unknown(_)));
    for delivery in &caught {
        seen.complete(delivery.event_id.as_deref().unwrap()).await.unwrap();
    }
    assert!(webhook::catch_up(&v3, None, None, &seen).try_collect::<Vec<_>>().await.unwrap().is_empty());
}
