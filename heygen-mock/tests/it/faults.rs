//! Faults by rule: rate limits with `Retry-After`, server errors, latency and cut bodies, on
//! chosen operations, against the client's own retry behaviour.

use crate::common;

use std::time::{Duration, Instant};

use futures_util::TryStreamExt as _;
use heygen_mock::api::{Error, params};
use heygen_mock::{FakeHeyGen, Fault, JobKind};

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_by_the_client() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let id = common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
    fake.inject(Fault::rate_limited(Duration::ZERO).on("get_video").times(1));
    client.get_video(&id).await.unwrap();
    assert_eq!(fake.calls_to("get_video"), 2);
}

#[tokio::test]
async fn a_429_asking_for_longer_than_the_client_waits_fails_at_once_with_the_wait() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    fake.inject(Fault::rate_limited(Duration::from_secs(3600)).on("create_video"));
    let error = common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap_err();
    match &error {
        Error::Api(api) => {
            assert_eq!(api.status, 429);
            assert_eq!(api.retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("expected a 429, got {other:?}"),
    }
    assert_eq!(common::error_body(&error).code, "rate_limit_exceeded");
    assert_eq!(fake.job_count(JobKind::Video), 0);
}

#[tokio::test]
async fn a_503_on_one_operation_is_retried_and_leaves_the_others_alone() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
    fake.inject(Fault::server_error(503).on("list_videos").times(1));
    let videos: Vec<_> = client.list_videos_stream(params::ListVideosParams::default()).try_collect().await.unwrap();
    assert_eq!(videos.len(), 1);
    assert_eq!(fake.calls_to("list_videos"), 2);
    assert_eq!(fake.calls_to("create_video"), 1);
}

#[tokio::test]
async fn a_create_whose_reply_is_cut_never_makes_a_second_video() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    fake.inject(Fault::cut_body().on("create_video").times(1));
    let outcome = common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await;
    // The render started; whether the client gave up or repeated the call under its key, there
    // is one video, and an id it returns is that video's.
    assert_eq!(fake.job_count(JobKind::Video), 1);
    if let Ok(id) = outcome {
        let listed = client.list_videos(params::ListVideosParams::default()).await.unwrap().into_inner();
        assert_eq!(listed.data[0].id, id);
    }
}

#[tokio::test]
async fn a_cut_body_stops_halfway_through_the_declared_length() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let id = common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
    fake.inject(Fault::cut_body().on("get_video").times(1));
    let url = format!("{}/v3/videos/{id}", fake.url());
    let reply = reqwest::Client::new().get(&url).header("x-api-key", "k").send().await.unwrap();
    assert_eq!(reply.status(), 200);
    assert!(reply.bytes().await.is_err(), "the body ends before its Content-Length");
    let whole = reqwest::Client::new().get(&url).header("x-api-key", "k").send().await.unwrap();
    assert!(whole.bytes().await.is_ok(), "only one request was cut");
}

#[tokio::test]
async fn latency_delays_the_reply() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let id = common::create_video(&client, None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
    fake.inject(Fault::latency(Duration::from_millis(200)).on("get_video").times(1));
    let started = Instant::now();
    client.get_video(&id).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    let started = Instant::now();
    client.get_video(&id).await.unwrap();
    eprintln!("without the fault: {:?}", started.elapsed());
}

#[tokio::test]
async fn every_call_needs_a_key_and_a_fixed_key_refuses_others() {
    let fake = FakeHeyGen::builder().api_key("the-key").start().await.unwrap();
    let reply = common::raw_post(&fake, "/v3/videos", None, &heygen_mock::samples::avatar_video("a")).await;
    assert_eq!(reply.status(), 401, "raw_post sends another key");
    common::create_video(&fake.client(), None, &heygen_mock::samples::avatar_video("a")).await.unwrap();
}

#[tokio::test]
async fn extreme_settings_and_clock_moves_do_not_panic_and_hide_the_secrets() {
    let builder = FakeHeyGen::builder()
        .api_key("the-secret-key")
        .callback_secret("whsec_hidden")
        .pace(heygen_mock::Pace::Wall(1e300));
    let shown = format!("{builder:?}");
    assert!(!shown.contains("the-secret-key") && !shown.contains("whsec_hidden"), "{shown}");
    let fake = builder.start().await.unwrap();
    let client = fake.client();
    fake.advance(Duration::MAX);
    let id = common::create_video(&client, None, &heygen_mock::samples::avatar_video("far future")).await.unwrap();
    fake.advance(Duration::MAX);
    client.get_video(&id).await.unwrap();
    fake.inject(Fault::rate_limited(Duration::MAX).on("get_video").times(1));
    assert!(client.get_video(&id).await.is_err(), "a wait beyond the client's ceiling is not waited out");
}
