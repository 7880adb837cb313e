//! Idempotency keys (issue 23, items 1, 2 and 10): `request_in_progress` waited out on its own
//! budget under one key, other 409s final, every error of a keyed call carrying its key, a
//! caller's key checked before sending, keys from a CSPRNG, and a retried multipart upload sent
//! byte for byte.

use std::time::Duration;

use heygen_client::Error;
use heygen_tests::is_uuid;

use super::common::*;

fn create_video_body() -> heygen_client::types::CreateVideoRequest {
    body("create_video")
}

/// Five `409 request_in_progress` (more than `max_retries`, 2), then the first attempt's reply.
#[tokio::test]
async fn request_in_progress_is_waited_out_beyond_max_retries_under_one_key() {
    let server = FakeServer::start(|n, _| match n {
        0..=4 => Reply::json(409, &v3_error("request_in_progress")),
        _ => Reply::json(200, &example("create_video")),
    })
    .await;
    let reply = bounded(v3_client(&server.url).create_video(&create_video_body())).await.unwrap();
    assert_eq!(serde_json::to_value(&reply.data).unwrap()["video_id"], example("create_video")["data"]["video_id"]);
    let keys = keys(&server.recorded());
    assert_eq!(keys.len(), 6, "five 409s, then the reply");
    assert!(is_uuid(&keys[0]) && keys.iter().all(|k| *k == keys[0]), "{keys:?}");
}

/// The wait is bounded: past `max_wait` the 409 is the answer, with the key to resume with,
/// and resuming with it sends that key.
#[tokio::test]
async fn a_wait_that_runs_out_ends_with_the_key_to_resume_with() {
    let server = FakeServer::start(|n, _| match n {
        0..=999 => Reply::json(409, &v3_error("request_in_progress")),
        _ => unreachable!(),
    })
    .await;
    let client = builder(&server.url).in_progress_policy(quick_in_progress(Duration::from_millis(200))).build();
    let client = client.unwrap();
    let started = std::time::Instant::now();
    let error = bounded(client.create_video(&create_video_body())).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "bounded by max_wait: {:?}", started.elapsed());
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert!(api.is_request_in_progress(), "{error}");
    let sent = keys(&server.recorded());
    assert!(sent.len() > 3, "waited beyond max_retries: {sent:?}");
    assert_eq!(error.idempotency_key(), Some(sent[0].as_str()));
    assert!(error.to_string().contains(&sent[0]), "the message names the key: {error}");

    let before = server.count();
    // The documented way back: a handle that names the key.
    let resumed = client.with_idempotency_key(error.idempotency_key().unwrap()).unwrap();
    let _ = bounded(resumed.create_video(&create_video_body())).await;
    assert_eq!(keys(&server.recorded()[before..])[0], sent[0], "resumed under the same key");
}

/// A 409 with another code is a conflict with the resource's state: final at once.
#[tokio::test]
async fn a_409_other_than_request_in_progress_is_final() {
    let server = FakeServer::start(|_, _| Reply::json(409, &v3_error("conflict"))).await;
    let error = bounded(v3_client(&server.url).create_video(&create_video_body())).await.unwrap_err();
    assert!(matches!(&error, Error::Api(e) if e.has_code("conflict")), "{error:?}");
    assert_eq!(server.count(), 1, "not sent again");
    assert_eq!(error.idempotency_key(), Some(keys(&server.recorded())[0].as_str()));
}

/// Every way a keyed call can fail after sending keeps the key it was sent with: a 5xx, a
/// timeout, a lost connection, a reply that does not decode, a redirect.
#[tokio::test]
async fn every_error_of_a_keyed_call_carries_its_key() {
    let cases: Vec<(&str, fn() -> Reply)> = vec![
        ("api", || Reply::json(500, &v3_error("internal_error"))),
        ("timeout", || Reply::Silent(Duration::from_secs(3))),
        ("connection", || Reply::HangUp),
        ("decode", || Reply::json(200, &serde_json::json!({"data": {"video_id": 7}}))),
        ("redirect", || Reply::redirect(307, "https://elsewhere.example/v3/videos".into())),
    ];
    for (case, reply) in cases {
        let server = FakeServer::start(move |_, _| reply()).await;
        let client = builder(&server.url).timeout(Duration::from_millis(200)).max_retries(0).build().unwrap();
        let error = bounded(client.create_video(&create_video_body())).await.unwrap_err();
        let sent = keys(&server.recorded());
        assert!(is_uuid(&sent[0]), "{case}: {sent:?}");
        assert_eq!(error.idempotency_key(), Some(sent[0].as_str()), "{case}: {error:?}");
        // The caller's own key is kept alike.
        let error =
            bounded(client.with_idempotency_key("order-42:retry.1").unwrap().create_video(&create_video_body()))
                .await
                .unwrap_err();
        assert_eq!(error.idempotency_key(), Some("order-42:retry.1"), "{case}: {error:?}");
        // A call without a key has none in its errors.
        let error = bounded(client.get_video("v_1")).await.unwrap_err();
        assert_eq!(error.idempotency_key(), None, "{case}: {error:?}");
    }
}

/// HeyGen's rule: 1 to 255 characters of `A-Z a-z 0-9 _ : . -`. A key that breaks it is refused
/// with nothing sent: when a handle names it, and in a body's `request_id`.
#[tokio::test]
async fn a_callers_key_that_breaks_heygens_rule_is_refused_before_sending() {
    let server = FakeServer::start(|_, _| Reply::json(200, &example("create_video"))).await;
    let client = v3_client(&server.url);
    let long = "k".repeat(256);
    for bad in ["", "has space", "slash/key", "ключ", "semi;colon", long.as_str()] {
        let error = client.with_idempotency_key(bad).unwrap_err();
        assert!(
            matches!(error, Error::InvalidIdempotencyKey { operation: "with_idempotency_key", .. }),
            "{bad:?}: {error:?}"
        );
    }
    let mut removal: heygen_client::types::BackgroundRemovalCreateRequest = body("create_background_removal");
    removal.request_id = Some("not allowed!".into());
    let error = bounded(client.create_background_removal(&removal)).await.unwrap_err();
    assert!(matches!(error, Error::InvalidIdempotencyKey { .. }), "{error:?}");
    assert_eq!(server.count(), 0, "nothing was sent");

    let longest = "A-z_0:9.".repeat(32)[..255].to_owned();
    bounded(client.with_idempotency_key(&longest).unwrap().create_video(&create_video_body())).await.unwrap();
    assert_eq!(keys(&server.recorded()), [longest]);
}

/// Keys come from the operating system's CSPRNG, not from a generator anyone in the process can
/// seed: reseeding `fastrand` (which the client also uses, for jitter) does not repeat a key.
#[tokio::test(flavor = "current_thread")]
async fn keys_do_not_follow_a_seedable_generator() {
    let server = FakeServer::start(|_, _| Reply::json(200, &example("create_video"))).await;
    let client = v3_client(&server.url);
    for _ in 0..2 {
        fastrand::seed(7);
        bounded(client.create_video(&create_video_body())).await.unwrap();
    }
    let sent = keys(&server.recorded());
    assert!(sent.iter().all(|k| is_uuid(k)), "{sent:?}");
    assert_eq!(&sent[0][14..15], "4", "a version 4 UUID: {}", sent[0]);
    assert_ne!(sent[0], sent[1], "the same seed gave the same key");
}

/// `upload_asset` is a multipart form, whose boundary is random: a retry must send the same
/// bytes (boundary included) under the same key, or it is another request.
#[tokio::test]
async fn a_retried_multipart_upload_sends_the_same_bytes_under_the_same_key() {
    let server = FakeServer::start(|n, _| match n {
        0 => Reply::json(503, &v3_error("service_unavailable")),
        1 => Reply::HangUp,
        _ => Reply::json(200, &example("upload_asset")),
    })
    .await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    bounded(v3_client(&server.url).upload_asset_bytes(png, "pixel.png")).await.unwrap();
    let sent = server.recorded();
    assert_eq!(sent.len(), 3, "a 503, a lost connection, then the reply");
    let first = &sent[0];
    for again in &sent[1..] {
        assert_eq!(again.header("content-type"), first.header("content-type"), "the same boundary");
        assert_eq!(again.header("idempotency-key"), first.header("idempotency-key"));
        assert!(again.body == first.body, "byte for byte the same body");
    }
    assert!(first.header("content-type").unwrap_or_default().starts_with("multipart/form-data; boundary="));
}
