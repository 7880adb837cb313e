//! The overhead cases of the `requests` bench (`heygen_tests::overhead`): the client and bare
//! reqwest send the same requests, so the benchmark compares the same work.

use std::future::Future;

use heygen_client::legacy::types;
use heygen_tests::overhead::{Cases, bare};
use wiremock::Request;

/// Both sides of every case send the same requests: method, path and query, every header (the
/// idempotency key's value aside, a fresh one per call on both sides) and body. A difference
/// would make the benchmark compare different work.
#[tokio::test]
async fn the_client_and_bare_reqwest_send_the_same_requests() {
    let cases = Cases::start(true).await;
    // Each case's requests, one side then the other.
    let sides: Vec<(&str, Vec<Request>, Vec<Request>)> = vec![
        (
            "small GET",
            sent(&cases, || async { cases.client.get_current_user().await.unwrap() }).await,
            sent(&cases, || cases.bare_get::<types::CurrentUserResponse>("/v1/user/me")).await,
        ),
        (
            "list",
            sent(&cases, || async { cases.client.list_videos(Default::default()).await.unwrap() }).await,
            sent(&cases, || cases.bare_get::<types::VideoListResponse>("/v1/video.list")).await,
        ),
        (
            "nested POST",
            sent(&cases, || async { cases.client.create_avatar_video_v2(&cases.create_body).await.unwrap() }).await,
            sent(&cases, || {
                let request =
                    cases.bare.post(format!("{}/v2/video/generate", cases.server.uri())).json(&cases.create_body);
                bare::<types::VideoIdV2Response>(request)
            })
            .await,
        ),
        (
            "v3 create",
            sent(&cases, || async { cases.v3.create_video(&cases.v3_create_body).await.unwrap() }).await,
            sent(&cases, || {
                let request = cases
                    .bare
                    .post(format!("{}/v3/videos", cases.server.uri()))
                    .header("idempotency-key", "00000000-0000-4000-8000-000000000000")
                    .json(&cases.v3_create_body);
                bare::<heygen_client::types::CreateVideoResponse>(request)
            })
            .await,
        ),
        (
            "v3 small GET",
            sent(&cases, || async { cases.v3.get_current_user().await.unwrap() }).await,
            sent(&cases, || cases.bare_get::<heygen_client::types::GetCurrentUserResponse>("/v3/users/me")).await,
        ),
        (
            "v3 list",
            sent(&cases, || async { cases.v3.list_videos(Default::default()).await.unwrap() }).await,
            sent(&cases, || cases.bare_get::<heygen_client::types::ListVideosResponse>("/v3/videos")).await,
        ),
        ("v3 pages", sent(&cases, || cases.client_pages()).await, sent(&cases, || cases.bare_pages()).await),
    ];
    for (case, ours, theirs) in sides {
        assert!(!ours.is_empty(), "{case}: nothing sent");
        assert_eq!(ours.len(), theirs.len(), "{case}: request counts");
        for (ours, theirs) in ours.iter().zip(&theirs) {
            assert_eq!(
                (&ours.method, ours.url.path(), ours.url.query()),
                (&theirs.method, theirs.url.path(), theirs.url.query()),
                "{case}"
            );
            assert_eq!(headers(ours), headers(theirs), "{case}: headers");
            assert_eq!(ours.body, theirs.body, "{case}: body");
        }
    }
}

/// The requests the server received while `call` ran.
async fn sent<F: Future>(cases: &Cases, call: impl FnOnce() -> F) -> Vec<Request> {
    let before = cases.server.received_requests().await.unwrap().len();
    call().await;
    cases.server.received_requests().await.unwrap().split_off(before)
}

/// A request's headers, sorted, the idempotency key's value reduced to its length.
fn headers(request: &Request) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let value = if name == "idempotency-key" { format!("<{} characters>", value.len()) } else { value };
            (name.to_string(), value)
        })
        .collect();
    headers.sort();
    headers
}
