//! Waiters and pages under faults (issue 23, item 9): a 429's `Retry-After` honoured by the
//! waiter, a floor under the poll interval, a missing status ending the wait, and `has_more`
//! without a cursor ending a stream with an error.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use heygen_client::{Error, MAX_POLLS_WITHOUT_STATUS, WaitOptions};

use super::common::*;

fn rate_limited(seconds: u64) -> Reply {
    Reply::Full {
        status: 429,
        headers: vec![("content-type", "application/json".into()), ("retry-after", seconds.to_string())],
        body: serde_json::to_vec(&v3_error("rate_limit_exceeded")).unwrap(),
    }
}

fn video(status: &str) -> serde_json::Value {
    let mut reply = example("get_video");
    reply["data"]["status"] = status.into();
    reply
}

fn quick(timeout: Duration) -> WaitOptions {
    WaitOptions {
        timeout,
        interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(10),
        ..WaitOptions::default()
    }
}

/// `Retry-After: 200` is past both the retry ceiling and the wait's deadline: the waiter ends at
/// once with the 429 (which says when to come back) instead of polling on at its interval.
#[tokio::test]
async fn a_retry_after_past_the_deadline_ends_the_wait_with_the_429() {
    let server = FakeServer::start(|_, _| rate_limited(200)).await;
    let started = Instant::now();
    let error = bounded(v3_client(&server.url).wait_for_video("v_1", &quick(Duration::from_secs(3)))).await;
    let error = error.unwrap_err();
    assert!(matches!(&error, Error::Api(e) if e.retry_after == Some(Duration::from_secs(200))), "{error:?}");
    assert_eq!(server.count(), 1, "one poll, not one per interval");
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
}

/// A shorter `Retry-After` delays the next poll by that much, not by the waiter's interval.
#[tokio::test]
async fn a_retry_after_within_the_deadline_delays_the_next_poll() {
    let server = FakeServer::start(|n, _| match n {
        0 => rate_limited(1),
        _ => Reply::json(200, &video("completed")),
    })
    .await;
    let client = builder(&server.url).max_retries(0).build().unwrap();
    let started = Instant::now();
    bounded(client.wait_for_video("v_1", &quick(Duration::from_secs(3)))).await.unwrap();
    assert_eq!(server.count(), 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "polled again after {:?}", started.elapsed());
}

/// `interval: 0` does not poll in a tight loop: polls are at least `MIN_POLL_INTERVAL` apart.
#[tokio::test]
async fn a_zero_interval_does_not_spin() {
    let server = FakeServer::start(|_, _| Reply::json(200, &video("processing"))).await;
    let options = WaitOptions {
        timeout: Duration::from_millis(500),
        interval: Duration::ZERO,
        max_interval: Duration::ZERO,
        ..WaitOptions::default()
    };
    let error = bounded(v3_client(&server.url).wait_for_video("v_1", &options)).await.unwrap_err();
    assert!(matches!(error, Error::WaitTimeout { .. }), "{error:?}");
    let most = (500 / heygen_client::MIN_POLL_INTERVAL.as_millis() + 1) as usize;
    assert!(server.count() <= most, "{} polls in 500 ms", server.count());
}

/// A reply without a status (null) cannot say how the job is going: after a few such polls the
/// wait ends with a typed error, not at its deadline.
#[tokio::test]
async fn a_missing_status_ends_the_wait_after_a_bounded_number_of_polls() {
    let mut reply = example("get_avatar_group");
    reply["data"]["status"] = serde_json::Value::Null;
    let server = FakeServer::start(move |_, _| Reply::json(200, &reply)).await;
    let started = Instant::now();
    let options = quick(Duration::from_secs(30));
    let client = v3_client(&server.url);
    let wait = client.wait_for_avatar_training("g_1", &options);
    let error =
        tokio::time::timeout(Duration::from_secs(5), wait).await.expect("not waited to the deadline").unwrap_err();
    assert!(matches!(error, Error::MissingStatus { operation: "get_avatar_group", .. }), "{error:?}");
    assert_eq!(server.count(), MAX_POLLS_WITHOUT_STATUS as usize);
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// `has_more: true` with no `next_token`: the items so far come, then an error, never a silent
/// end that passes a cut list off as whole.
#[tokio::test]
async fn has_more_without_a_cursor_ends_the_stream_with_an_error() {
    let mut page = example("list_videos");
    page["has_more"] = true.into();
    page["next_token"] = serde_json::Value::Null;
    let items = page["data"].as_array().map_or(0, Vec::len);
    let server = FakeServer::start(move |_, _| Reply::json(200, &page)).await;
    let client = v3_client(&server.url);
    let results: Vec<_> = bounded(client.list_videos_stream(Default::default()).collect()).await;
    assert_eq!(results.len(), items + 1, "{results:?}");
    assert!(results[..items].iter().all(Result::is_ok));
    assert!(matches!(results[items], Err(Error::IncompletePages { operation: "list_videos" })), "{results:?}");
}
