//! `ClientBuilder::http_client`: a reqwest client the caller built, with this crate's
//! credentials, retries, user agent and per-attempt timeout on top, and never one that could
//! carry the API key through a redirect. Fake servers run on 127.0.0.1 only; every wait is bounded.

use crate::support::fake;

use std::time::Duration;

use fake::{FakeServer, Reply, bounded, quick_retries};
use heygen_client::legacy::Client;
use heygen_client::{BuildError, Error};
use heygen_tests::{API_KEY, success_example};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::redirect::Policy;

fn status_reply() -> Reply {
    Reply::json(200, &success_example("get_video_status"))
}

/// A client the way a caller would build one for a corporate network: a header of its own,
/// no redirects.
fn corporate_http(extra: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("x-corporate-tag", HeaderValue::from_static("finance"));
    extra(reqwest::Client::builder().default_headers(headers).redirect(Policy::none())).build().unwrap()
}

fn client_with(http: reqwest::Client, url: &str) -> Result<Client, BuildError> {
    heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(url)
        .retry_policy(quick_retries())
        .http_client(http)
        .build_legacy()
}

#[tokio::test]
async fn a_callers_client_carries_our_credentials_user_agent_and_retries() {
    let api =
        FakeServer::start(|n, _| if n == 0 { Reply::json(503, &serde_json::json!({})) } else { status_reply() }).await;
    let client = client_with(corporate_http(|b| b), &api.url).unwrap();

    let reply = bounded(client.get_video_status("v1")).await.unwrap();
    assert_eq!(Some(reply.data.id.as_str()), success_example("get_video_status")["data"]["id"].as_str());
    let seen = api.recorded();
    assert_eq!(seen.len(), 2, "a 503 is retried through the caller's client too");
    for request in &seen {
        assert_eq!(request.header("x-corporate-tag"), Some("finance"), "the caller's client was not used");
        assert_eq!(request.header("x-api-key"), Some(API_KEY));
        assert_eq!(request.header("user-agent"), Some(concat!("heygen-rs/", env!("CARGO_PKG_VERSION"))));
    }
}

#[tokio::test]
async fn a_callers_own_user_agent_is_kept() {
    let api = FakeServer::start(|_, _| status_reply()).await;
    let client = client_with(corporate_http(|b| b.user_agent("acme-batch/2.1")), &api.url).unwrap();

    bounded(client.get_video_status("v1")).await.unwrap();
    bounded(client.fetch_text(&format!("{}/subtitles.srt", api.url))).await.unwrap();
    for request in api.recorded() {
        assert_eq!(request.header("user-agent"), Some("acme-batch/2.1"), "{}", request.target);
    }
}

#[tokio::test]
async fn a_callers_client_that_may_follow_redirects_is_refused_before_anything_is_sent() {
    let elsewhere = FakeServer::start(|_, _| status_reply()).await;
    let target = format!("{}/v1/video_status.get?video_id=v1", elsewhere.url);
    let api = FakeServer::start(move |_, _| Reply::redirect(307, target.clone())).await;

    // reqwest's default follows up to ten redirects, keeping X-Api-Key on another host.
    let following = [
        reqwest::Client::new(),
        reqwest::Client::builder().redirect(Policy::limited(3)).build().unwrap(),
        reqwest::Client::builder().redirect(Policy::custom(|attempt| attempt.stop())).build().unwrap(),
        // A header value that spells out the safe policy does not pass for it.
        corporate_http(|b| {
            let mut headers = HeaderMap::new();
            headers.insert("x-note", HeaderValue::from_static(r#"redirect_policy: "Policy(None)""#));
            b.default_headers(headers).redirect(Policy::default())
        }),
    ];
    for http in following {
        let err = client_with(http, &api.url).unwrap_err();
        assert!(matches!(err, BuildError::RedirectingHttpClient), "{err:?}");
        assert!(err.to_string().contains("Policy::none()"), "the error says how to fix it: {err}");
    }
    assert_eq!(api.count() + elsewhere.count(), 0);

    // The same redirect through an accepted caller's client ends in the usual typed error.
    let client = client_with(corporate_http(|b| b), &api.url).unwrap();
    let err = bounded(client.get_video_status("v1")).await.unwrap_err();
    assert!(matches!(err, Error::Redirected { .. }), "{err:?}");
    assert_eq!(elsewhere.count(), 0, "a request followed the redirect: {:?}", elsewhere.recorded());
}

#[tokio::test]
async fn the_builders_timeout_bounds_each_attempt_through_a_callers_client() {
    let silent = FakeServer::start(|_, _| Reply::Silent(Duration::from_secs(3))).await;
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(&silent.url)
        .max_retries(0)
        .timeout(Duration::from_millis(200))
        .http_client(corporate_http(|b| b)) // no timeout of its own
        .build_legacy()
        .unwrap();

    let started = std::time::Instant::now();
    let err = bounded(client.get_video_status("v1")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { operation: "get_video_status", .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[test]
fn the_callers_default_headers_stay_out_of_debug_output() {
    let mut headers = HeaderMap::new();
    headers.insert("x-proxy-secret", HeaderValue::from_static("hunter2-corporate"));
    let http = reqwest::Client::builder().default_headers(headers).redirect(Policy::none()).build().unwrap();
    let builder = heygen_client::Client::builder().api_key(API_KEY).http_client(http);
    let client = builder.clone().build_legacy().unwrap();
    for shown in [format!("{builder:?}"), format!("{client:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains(API_KEY), "{shown}");
    }
}
