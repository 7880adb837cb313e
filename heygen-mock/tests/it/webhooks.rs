//! Webhook endpoints and deliveries: signed as the client verifies them, retried until a 2xx,
//! re-signed after a rotation, recorded in the event log.

use crate::common;

use std::time::Duration;

use heygen_mock::api::{self, params, types, webhook};
use heygen_mock::{FakeHeyGen, WebhookReceiver};
use http::StatusCode;

const LATER: Duration = Duration::from_secs(60);
const WAIT: Duration = Duration::from_secs(5);

#[test]
fn what_sign_makes_the_verifier_accepts_and_nothing_else() {
    let event = types::WebhookDelivery::AvatarVideoSuccess(types::AvatarVideoSucceeded::default());
    let body = &serde_json::to_vec(&event).unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert("heygen-signature", api::sign(body, "whsec_a").parse().unwrap());
    assert!(webhook::verify(&headers, body, "whsec_a").is_ok());
    assert!(webhook::verify(&headers, body, "whsec_b").is_err());
    assert!(webhook::verify(&headers, &body[1..], "whsec_a").is_err());
}

#[tokio::test]
async fn a_delivery_is_sent_again_until_it_is_answered_with_a_2xx() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let receiver = WebhookReceiver::start().await;
    let (_, secret) = common::create_endpoint(&client, receiver.url()).await;
    receiver.answer_next([StatusCode::INTERNAL_SERVER_ERROR, StatusCode::SERVICE_UNAVAILABLE]);
    common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
    fake.advance(LATER);

    let deliveries = fake.wait_for_deliveries(1, WAIT).await;
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].attempts, [Ok(500), Ok(503), Ok(200)]);
    assert!(deliveries[0].delivered);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let attempt = receiver.next(WAIT).await.unwrap();
        ids.push(webhook::verify(&attempt.headers, &attempt.body, &secret).unwrap().event_id);
    }
    assert!(ids.iter().all(|id| id.is_some() && *id == ids[0]), "every attempt is the same event: {ids:?}");
}

#[tokio::test]
async fn a_delivery_gives_up_after_its_last_retry() {
    let fake = FakeHeyGen::builder().webhook_retries([Duration::from_millis(1); 2]).start().await.unwrap();
    let client = fake.client();
    let receiver = WebhookReceiver::start().await;
    common::create_endpoint(&client, receiver.url()).await;
    receiver.answer_next([StatusCode::INTERNAL_SERVER_ERROR; 10]);
    common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
    fake.advance(LATER);
    let deliveries = fake.wait_for_deliveries(1, WAIT).await;
    assert_eq!(deliveries[0].attempts, [Ok(500), Ok(500), Ok(500)]);
    assert!(deliveries[0].finished && !deliveries[0].delivered);
}

#[tokio::test]
async fn after_a_rotation_deliveries_verify_with_the_new_secret_only() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let receiver = WebhookReceiver::start().await;
    let (endpoint, old) = common::create_endpoint(&client, receiver.url()).await;
    let new = common::rotate_secret(&client, &endpoint).await;
    assert_ne!(old, new);
    common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
    fake.advance(LATER);
    let delivery = receiver.next(WAIT).await.unwrap();
    assert!(webhook::verify(&delivery.headers, &delivery.body, &old).is_err());
    assert!(webhook::verify(&delivery.headers, &delivery.body, &new).is_ok());
}

#[tokio::test]
async fn endpoints_list_without_secrets_and_a_deleted_one_gets_nothing() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let receiver = WebhookReceiver::start().await;
    let (endpoint, _) = common::create_endpoint(&client, receiver.url()).await;
    let listed = client.list_webhook_endpoints(None, None).await.unwrap().into_inner().data;
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].endpoint_id.as_str(), listed[0].secret.as_deref()), (endpoint.as_str(), None));

    client.delete_webhook_endpoint(&endpoint).await.unwrap();
    common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
    fake.advance(LATER);
    assert!(receiver.next(Duration::from_millis(100)).await.is_none());
    assert!(fake.deliveries().is_empty());
}

#[tokio::test]
async fn the_event_log_holds_each_ended_job_as_the_delivery_it_stands_for() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let id = common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
    fake.advance(LATER);
    let events =
        client.list_webhook_events(params::ListWebhookEventsParams::default()).await.unwrap().into_inner().data;
    assert_eq!(events.len(), 1);
    let delivery = webhook::Delivery::from_event(events[0].clone()).unwrap();
    match delivery.event {
        types::WebhookDelivery::AvatarVideoSuccess(done) => assert_eq!(done.video_id, Some(id)),
        other => panic!("expected avatar_video.success, got {other:?}"),
    }
}
