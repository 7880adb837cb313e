//! Typed stubs (`MockHeyGen`): matching on the typed request, the typed request log, HeyGen's
//! error replies, faults, and the message of a request no stub matched.

use crate::common;

use std::time::{Duration, Instant};

use heygen_mock::api::{Error, types};
use heygen_mock::stubs::{CreateVideo, GetVideo, Operation};
use heygen_mock::{ApiFailure, MockHeyGen, samples};

fn created(video_id: &str) -> types::CreateVideoResponse {
    types::CreateVideoResponse {
        data: types::VideoCreated { video_id: video_id.into(), status: "waiting".into(), output_format: None },
    }
}

/// The `title` of an avatar video request.
fn title(request: &types::CreateVideoRequest) -> Option<String> {
    match request {
        types::CreateVideoRequest::Avatar(avatar) => avatar.title.clone(),
        _ => None,
    }
}

#[tokio::test]
async fn a_predicate_over_the_typed_body_picks_the_stub_and_the_log_keeps_typed_requests() {
    let mock = MockHeyGen::start().await;
    let client = mock.client();
    let first = mock.create_video().when(|req| title(&req.body).as_deref() == Some("first")).reply(created("vid_1"));
    let second = mock.create_video().when(|req| title(&req.body).as_deref() == Some("second")).reply(created("vid_2"));
    let id = common::create_video(&client, Some("key-2"), &samples::avatar_video("second")).await.unwrap();
    assert_eq!(id, "vid_2");
    let id = common::create_video(&client, None, &samples::avatar_video("first")).await.unwrap();
    assert_eq!(id, "vid_1");
    assert_eq!((first.hits(), second.hits()), (1, 1));

    let bodies: Vec<Option<String>> = mock.create_video().received().iter().map(title).collect();
    assert_eq!(bodies, [Some("second".to_owned()), Some("first".to_owned())]);
    let requests = mock.received::<CreateVideo>();
    assert_eq!(requests[0].idempotency_key.as_deref(), Some("key-2"));
    assert!(mock.received::<GetVideo>().is_empty());
}

#[tokio::test]
async fn a_stub_matches_the_typed_body_and_path_parameters_exactly() {
    let mock = MockHeyGen::start().await;
    let client = mock.client();
    mock.create_video().with_body(&samples::avatar_video("exact")).reply(created("vid_exact"));
    mock.get_video().with_path("video_id", "vid_a").mount();
    assert_eq!(common::create_video(&client, None, &samples::avatar_video("exact")).await.unwrap(), "vid_exact");
    assert!(common::create_video(&client, None, &samples::avatar_video("other")).await.is_err());
    client.get_video("vid_a").await.unwrap();
    assert_eq!(client.get_video("vid_b").await.unwrap_err().status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        mock.received::<GetVideo>().iter().map(|r| r.path_param("video_id").unwrap()).collect::<Vec<_>>(),
        ["vid_a", "vid_b"]
    );
}

#[tokio::test]
async fn a_stub_without_a_reply_answers_the_specs_example() {
    let mock = MockHeyGen::start().await;
    mock.get_video().mount();
    let video = mock.client().get_video("any").await.unwrap().into_inner();
    let example: types::GetVideoResponse = serde_json::from_str(GetVideo::EXAMPLE.unwrap()).unwrap();
    assert_eq!(serde_json::to_value(video).unwrap(), serde_json::to_value(example).unwrap());
}

#[tokio::test]
async fn an_error_reply_reaches_the_client_as_heygens_error_with_its_retry_after() {
    let mock = MockHeyGen::start().await;
    let failure =
        ApiFailure { retry_after: Some(Duration::from_secs(7200)), ..ApiFailure::rate_limited(Duration::ZERO) };
    let stub = mock.get_video().fail(failure);
    let error = mock.client().get_video("vid").await.unwrap_err();
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.status, 429);
    assert_eq!(api.retry_after, Some(Duration::from_secs(7200)));
    assert!(api.has_code("rate_limit_exceeded"), "{api:?}");
    assert_eq!(stub.hits(), 1, "a wait longer than the client's limit is not retried");

    mock.create_video().fail(ApiFailure::invalid("script", "script is too long"));
    let error = common::create_video(&mock.client(), None, &samples::avatar_video("x")).await.unwrap_err();
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!((api.status.as_u16(), api.param.as_deref()), (400, Some("script")));
}

#[tokio::test]
async fn times_limits_a_stub_and_later_requests_fall_through_to_older_ones() {
    let mock = MockHeyGen::start().await;
    let client = mock.client();
    let fallback = mock.get_video().mount();
    let transient = mock.get_video().times(1).expect(1).fail(ApiFailure::new(503, "internal_error", "try again"));
    // The client retries a GET after a 503: the second attempt reaches the older stub.
    client.get_video("vid").await.unwrap();
    assert_eq!((transient.hits(), fallback.hits()), (1, 1));
    mock.verify().unwrap();
    mock.get_video().with_path("video_id", "never").expect(1).mount();
    let unmet = mock.verify().unwrap_err();
    assert!(unmet.contains("stub #3 of `get_video` answered 0 time(s), expected 1"), "{unmet}");
}

#[tokio::test]
async fn faults_delay_cut_the_body_or_hang_up() {
    let mock = MockHeyGen::start().await;
    let client = mock.client();
    mock.get_video().with_path("video_id", "slow").delay(Duration::from_millis(300)).mount();
    let started = Instant::now();
    client.get_video("slow").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));

    let cut = mock.create_video().cut_body().reply(created("vid_cut"));
    let error = common::create_video(&client, None, &samples::avatar_video("cut")).await.unwrap_err();
    assert!(matches!(error, Error::Connection { .. } | Error::Decode(_)), "{error:?}");
    assert!(cut.hits() >= 1);

    let hang = mock.delete_video().hang_up();
    let error = client.delete_video("vid").await.unwrap_err();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(hang.hits() >= 1);
}

#[tokio::test]
async fn a_request_no_stub_matches_gets_a_404_naming_the_closest_stub_and_why() {
    let mock = MockHeyGen::start().await;
    let client = mock.client();
    mock.create_video().with_body(&samples::avatar_video("wanted")).reply(created("vid"));
    mock.create_video().with_body(&samples::avatar_video("unsent")).when(|_| false).reply(created("vid"));
    let error = common::create_video(&client, None, &samples::avatar_video("sent")).await.unwrap_err();
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!((api.status.as_u16(), api.code.as_ref().map(|c| c.to_string())), (404, Some("not_found".into())));
    let message = api.message.clone().unwrap();
    assert_eq!(mock.unmatched().as_slice(), std::slice::from_ref(&message));
    // Stub #1 fails one condition, #2 two: #1 is the closest.
    assert!(message.starts_with("no stub matched POST /v3/videos (`create_video`); the closest, stub #1"), "{message}");
    assert!(message.contains(r#"the body differs: at /title: expected "wanted", got "sent""#), "{message}");

    mock.create_video().when(|_| false).reply(created("vid"));
    common::create_video(&client, None, &samples::avatar_video("wanted")).await.unwrap();
    // #1 and #3 now fail one condition each; the newer is named.
    common::create_video(&client, None, &samples::avatar_video("sent")).await.unwrap_err();
    let message = mock.unmatched().pop().unwrap();
    assert!(
        message.contains("stub #3 of `create_video`, did not because its `.when` predicate #1 is false"),
        "{message}"
    );

    client.get_video("vid").await.unwrap_err();
    let message = mock.unmatched().pop().unwrap();
    assert_eq!(
        message,
        "no stub matched GET /v3/videos/vid: no stub of `get_video` is mounted (stubs are mounted for create_video)"
    );
}

#[tokio::test]
async fn a_path_of_no_operation_is_named_as_such() {
    let mock = MockHeyGen::start().await;
    let reply = reqwest::Client::new().get(format!("{}/v3/videos/a/b/c", mock.url())).send().await.unwrap();
    assert_eq!(reply.status(), 404);
    let message = mock.unmatched().pop().unwrap();
    assert!(
        message.starts_with("no stub matched GET /v3/videos/a/b/c: it is no v3 operation's method and path"),
        "{message}"
    );
}

/// An operation whose spec gives no example (none of v3's today: the house rules require one on
/// a JSON reply), declared as the generator would.
struct NoExample;

impl Operation for NoExample {
    type Body = ();
    type Reply = types::GetVideoResponse;
    const ID: &'static str = "get_video";
    const METHOD: &'static str = "GET";
    const PATH: &'static str = "/v3/videos/{video_id}";
    const STATUS: u16 = 200;
    const BODY: heygen_mock::stubs::BodyKind = heygen_mock::stubs::BodyKind::None;
    const EXAMPLE: Option<&'static str> = None;
}

#[tokio::test]
#[should_panic(expected = "the spec has no example of `get_video`'s reply; set one with `reply`")]
async fn a_stub_of_an_operation_without_an_example_requires_a_reply() {
    let mock = MockHeyGen::start().await;
    let _ = mock.stub::<NoExample>().mount();
}
