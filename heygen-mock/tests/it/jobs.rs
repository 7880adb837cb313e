//! Jobs of every kind follow the fake's clock, `pending` → `processing` (or `running`) →
//! `completed`, or `failed` by the test's rules.

use crate::common;

use std::time::Duration;

use heygen_mock::api::{Error, types};
use heygen_mock::{FakeHeyGen, JobKind, JobRequest, Pace, Timing, WebhookReceiver};

const LATER: Duration = Duration::from_secs(60);

#[tokio::test]
async fn every_kind_of_video_renders() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let requests = [
        heygen_mock::samples::avatar_video("a"),
        heygen_mock::samples::image_video(),
        heygen_mock::samples::cinematic_video(),
        heygen_mock::samples::studio_video(),
    ];
    let mut ids = Vec::new();
    for request in &requests {
        ids.push(common::create_video(&client, None, request).await.unwrap());
    }
    fake.advance(LATER);
    for id in &ids {
        let video = client.wait_for_video(id, &common::fast_wait()).await.unwrap();
        assert!(video.video_url.is_some());
    }
}

#[tokio::test]
async fn a_translation_makes_one_job_per_language_which_runs_then_completes() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let receiver = WebhookReceiver::start().await;
    let (endpoint, secret) = common::create_endpoint(&client, receiver.url()).await;
    // Only translation events for this endpoint.
    let events = Some(vec![types::WebhookEventType("video_translate.success".into())]);
    client
        .update_webhook_endpoint(&endpoint, &types::WebhookEndpointUpdateRequest { events, url: None })
        .await
        .unwrap();

    let ids = common::create_translation(&client, &["Spanish", "French"]).await;
    assert_eq!(ids.len(), 2);
    assert_eq!(common::status_of(&client.get_video_translation(&ids[0]).await.unwrap().into_inner().data), "pending");
    fake.advance(Duration::from_secs(2));
    assert_eq!(common::status_of(&client.get_video_translation(&ids[0]).await.unwrap().into_inner().data), "running");
    common::create_video(&client, None, &heygen_mock::samples::avatar_video("not listened for")).await.unwrap();
    fake.advance(LATER);
    for (id, language) in ids.iter().zip(["Spanish", "French"]) {
        let done = client.wait_for_video_translation(id, &common::fast_wait()).await.unwrap();
        assert_eq!(done.output_language.as_deref(), Some(language));
    }
    let mut languages = Vec::new();
    for _ in 0..2 {
        let delivery = receiver.next(Duration::from_secs(5)).await.expect("a delivery per language");
        match heygen_mock::api::webhook::verify(&delivery.headers, &delivery.body, &secret).unwrap().event {
            types::WebhookDelivery::VideoTranslateSuccess(done) => languages.push(done.output_language.unwrap()),
            other => panic!("expected video_translate.success, got {other:?}"),
        }
    }
    languages.sort();
    assert_eq!(languages, ["French", "Spanish"]);
    assert!(receiver.next(Duration::from_millis(100)).await.is_none(), "the video's event is not listened for");
}

#[tokio::test]
async fn lipsyncs_voice_clones_and_background_removals_complete() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let lipsync = common::create_lipsync(&client, None).await.unwrap();
    let voice =
        client.clone_voice(&heygen_mock::samples::voice_clone()).await.unwrap().into_inner().data.voice_clone_id;
    let removal = client
        .create_background_removal(&heygen_mock::samples::background_removal(None))
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(common::status_of(&removal), "pending");
    assert_eq!(
        common::status_of(&client.get_voice(voice.as_deref().unwrap()).await.unwrap().into_inner().data),
        "processing"
    );
    fake.advance(LATER);

    assert!(client.wait_for_lipsync(&lipsync, &common::fast_wait()).await.unwrap().video_url.is_some());
    let voice = client.wait_for_voice_clone(voice.as_deref().unwrap(), &common::fast_wait()).await.unwrap();
    assert_eq!((common::status_of(&voice).as_str(), voice.name.as_deref()), ("complete", Some("My voice")));
    let removal =
        client.wait_for_background_removal(removal.id.as_deref().unwrap(), &common::fast_wait()).await.unwrap();
    let layers = removal.layers.expect("a completed removal has its layers");
    assert!(layers.foreground.is_some() && layers.mask.is_some() && layers.background.is_none(), "{layers:?}");
}

#[tokio::test]
async fn failure_rules_pick_jobs_by_kind_by_count_and_by_request() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    fake.fail_next_of(JobKind::Lipsync, 1);
    fake.fail_when(|request| matches!(request, JobRequest::VideoTranslation { output_language: "French", .. }));
    let video = common::create_video(&client, None, &heygen_mock::samples::avatar_video("fine")).await.unwrap();
    let doomed_lipsync = common::create_lipsync(&client, None).await.unwrap();
    let next_lipsync = common::create_lipsync(&client, None).await.unwrap();
    let translations = common::create_translation(&client, &["Spanish", "French"]).await;
    let [spanish, french] = <[String; 2]>::try_from(translations).unwrap();
    fake.advance(LATER);

    let wait = common::fast_wait();
    client.wait_for_video(&video, &wait).await.unwrap();
    assert!(matches!(client.wait_for_lipsync(&doomed_lipsync, &wait).await, Err(Error::JobFailed { .. })));
    client.wait_for_lipsync(&next_lipsync, &wait).await.unwrap();
    client.wait_for_video_translation(&spanish, &wait).await.unwrap();
    let failed = client.wait_for_video_translation(&french, &wait).await.unwrap_err();
    assert!(matches!(failed, Error::JobFailed { reason: Some(_), .. }), "{failed:?}");
}

#[tokio::test]
async fn with_a_wall_clock_pace_jobs_finish_and_are_announced_on_their_own() {
    let timing = Timing { pending: Duration::from_secs(1), processing: Duration::from_secs(4) };
    // 100 fake seconds a second: the five-second render takes 50 ms.
    let fake = FakeHeyGen::builder().pace(Pace::Wall(100.0)).timing(timing).start().await.unwrap();
    let client = fake.client();
    let receiver = WebhookReceiver::start().await;
    common::create_endpoint(&client, receiver.url()).await;
    let id = common::create_video(&client, None, &heygen_mock::samples::avatar_video("paced")).await.unwrap();
    // No request and no `advance`: the fake's own timer announces the end.
    assert!(receiver.next(Duration::from_secs(5)).await.is_some());
    client.wait_for_video(&id, &common::fast_wait()).await.unwrap();
}

#[tokio::test]
async fn an_unknown_or_deleted_job_is_a_404_not_found() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let id = common::create_video(&client, None, &heygen_mock::samples::avatar_video("short-lived")).await.unwrap();
    client.delete_video(&id).await.unwrap();
    for missing in [id.as_str(), "video_never"] {
        let error = client.get_video(missing).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(common::error_body(&error).code, "not_found");
    }
    assert_eq!(fake.job_count(JobKind::Video), 0);
}
