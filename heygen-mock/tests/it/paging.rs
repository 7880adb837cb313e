//! Lists page with `limit`, `token`, `has_more` and `next_token`, newest first.

use crate::common;

use futures_util::TryStreamExt as _;
use heygen_mock::FakeHeyGen;
use heygen_mock::api::params;

#[tokio::test]
async fn the_clients_stream_follows_next_token_through_every_page() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    let mut created = Vec::new();
    for n in 0..23 {
        created.push(
            common::create_video(&client, None, &heygen_mock::samples::avatar_video(&format!("v{n}"))).await.unwrap(),
        );
    }
    let listed: Vec<String> = client
        .list_videos_stream(params::ListVideosParams { limit: Some(10), ..Default::default() })
        .map_ok(|video| video.id)
        .try_collect()
        .await
        .unwrap();
    created.reverse();
    assert_eq!(listed, created, "every video once, newest first");
    assert_eq!(fake.calls_to("list_videos"), 3, "pages of 10, 10 and 3");
}

#[tokio::test]
async fn a_page_says_whether_more_follow_and_a_foreign_token_is_refused() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    for n in 0..3 {
        common::create_video(&client, None, &heygen_mock::samples::avatar_video(&format!("v{n}"))).await.unwrap();
    }
    let first = client
        .list_videos(params::ListVideosParams { limit: Some(2), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.data.len(), 2);
    assert_eq!(first.has_more, Some(true));
    let token = first.next_token.expect("a token for the next page");
    let last = client
        .list_videos(params::ListVideosParams { limit: Some(2), token: Some(&token), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(last.data.len(), 1);
    assert_ne!(last.has_more, Some(true));
    assert_eq!(last.next_token, None);

    let error = client
        .list_videos(params::ListVideosParams { token: Some("not-a-token"), ..Default::default() })
        .await
        .unwrap_err();
    let body = common::error_body(&error);
    assert_eq!((body.code.as_str(), body.param.as_deref()), ("invalid_parameter", Some("token")));
}

#[tokio::test]
async fn a_title_filter_narrows_the_list() {
    let fake = FakeHeyGen::start().await;
    let client = fake.client();
    for title in ["launch day", "recap", "launch week"] {
        common::create_video(&client, None, &heygen_mock::samples::avatar_video(title)).await.unwrap();
    }
    let page = client
        .list_videos(params::ListVideosParams { title: Some("launch"), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    let titles: Vec<_> = page.data.iter().map(|v| v.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["launch week", "launch day"]);
}
