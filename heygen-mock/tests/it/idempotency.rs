//! Idempotency keys as HeyGen documents them: a repeat within 24 hours replays the first reply
//! (even with another body), a repeat while the first is in flight gets 409
//! `request_in_progress`, and keys are scoped per path.

use crate::common;

use std::time::Duration;

use heygen_mock::{FakeHeyGen, JobKind};

const HOUR: Duration = Duration::from_secs(60 * 60);

#[tokio::test]
async fn a_repeat_within_24_hours_replays_the_first_reply_even_with_another_body() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let first = common::create_video(&client, Some("order-1"), &heygen_mock::samples::avatar_video("a")).await.unwrap();
    let again = common::create_video(&client, Some("order-1"), &heygen_mock::samples::avatar_video("b")).await.unwrap();
    assert_eq!(first, again);
    fake.advance(23 * HOUR);
    let later = common::create_video(&client, Some("order-1"), &heygen_mock::samples::avatar_video("a")).await.unwrap();
    assert_eq!(first, later);
    assert_eq!(fake.job_count(JobKind::Video), 1);

    fake.advance(2 * HOUR);
    let after_the_window =
        common::create_video(&client, Some("order-1"), &heygen_mock::samples::avatar_video("a")).await.unwrap();
    assert_ne!(first, after_the_window);
    assert_eq!(fake.job_count(JobKind::Video), 2);
}

#[tokio::test]
async fn the_same_key_on_another_path_is_another_key() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    common::create_video(&client, Some("shared-key"), &heygen_mock::samples::avatar_video("a")).await.unwrap();
    common::create_lipsync(&client, Some("shared-key")).await.unwrap();
    assert_eq!((fake.job_count(JobKind::Video), fake.job_count(JobKind::Lipsync)), (1, 1));
}

#[tokio::test]
async fn a_repeat_while_the_first_is_in_flight_gets_409_request_in_progress() {
    let fake = FakeHeyGen::builder().create_latency(Duration::from_millis(300)).start().await.unwrap();
    let body = heygen_mock::samples::avatar_video("slow");
    let (first, second) = tokio::join!(common::raw_post(&fake, "/v3/videos", Some("k-409"), &body), async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        common::raw_post(&fake, "/v3/videos", Some("k-409"), &body).await
    });
    assert_eq!(second.status(), 409);
    assert_eq!(common::reported(&second.bytes().await.unwrap()).code, "request_in_progress");
    assert_eq!(first.status(), 200);
    let first_body = first.bytes().await.unwrap();

    let replay = common::raw_post(&fake, "/v3/videos", Some("k-409"), &body).await;
    assert_eq!(replay.status(), 200);
    assert_eq!(replay.bytes().await.unwrap(), first_body, "the replay is the first reply");
    assert_eq!(fake.job_count(JobKind::Video), 1);
}

#[tokio::test]
async fn the_client_waits_out_a_409_and_gets_the_same_video() {
    let fake = FakeHeyGen::builder().create_latency(Duration::from_millis(200)).start().await.unwrap();
    let client = fake.client();
    let body = heygen_mock::samples::avatar_video("twice");
    let (a, b) = tokio::join!(common::create_video(&client, Some("k-twice"), &body), async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        common::create_video(&client, Some("k-twice"), &body).await
    });
    assert_eq!(a.unwrap(), b.unwrap());
    assert_eq!(fake.job_count(JobKind::Video), 1);
    assert!(fake.calls_to("create_video") >= 3, "the second call met a 409 and came back");
}

#[tokio::test]
async fn a_background_removal_is_deduplicated_by_its_request_id_not_the_header() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let create = |request_id: Option<&'static str>| {
        let client = client.clone();
        async move {
            client
                .create_background_removal(&heygen_mock::samples::background_removal(request_id))
                .await
                .unwrap()
                .into_inner()
                .data
                .id
        }
    };
    assert_eq!(create(Some("r-1")).await, create(Some("r-1")).await);
    assert_ne!(create(None).await, create(None).await);
    // HeyGen ignores `Idempotency-Key` here.
    for _ in 0..2 {
        let reply = common::raw_post(
            &fake,
            "/v3/background-removals",
            Some("h-1"),
            &heygen_mock::samples::background_removal(None),
        )
        .await;
        assert_eq!(reply.status(), 200);
    }
    assert_eq!(fake.job_count(JobKind::BackgroundRemoval), 5);
}

#[tokio::test]
async fn a_key_heygen_would_refuse_is_a_400_naming_the_header() {
    let fake = FakeHeyGen::start().await;
    let reply =
        common::raw_post(&fake, "/v3/videos", Some("no spaces allowed"), &heygen_mock::samples::avatar_video("a"))
            .await;
    assert_eq!(reply.status(), 400);
    let error = common::reported(&reply.bytes().await.unwrap());
    assert_eq!((error.code.as_str(), error.param.as_deref()), ("invalid_parameter", Some("Idempotency-Key")));
    assert_eq!(fake.job_count(JobKind::Video), 0);
}
