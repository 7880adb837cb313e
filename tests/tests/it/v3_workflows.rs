//! v3 workflows against fakes: cursor streams that stop where `has_more` says (at the top level
//! and inside `data` for batch reads), and waiters that end on each kind of terminal state.
//! Where a reply is one typed value, heygen-mock's typed stubs (`MockHeyGen`) serve it; the
//! rest edit the spec's JSON examples on wiremock until they move over.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::TryStreamExt;
use heygen_client as v3;
use heygen_client::{Error, WaitOptions};
use heygen_mock::MockHeyGen;
use heygen_mock::stubs::{self, Operation};
use heygen_tests::{Document, DocumentExt, Harness, call};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;
use wiremock::matchers::{query_param, query_param_is_missing};

fn fast_wait() -> WaitOptions {
    WaitOptions {
        interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
        ..WaitOptions::default()
    }
}

/// `id`'s example with `edit` applied.
fn example_with(id: &str, edit: impl FnOnce(&mut Value)) -> ResponseTemplate {
    let mut body = Document::V3.success_example(id);
    edit(&mut body);
    ResponseTemplate::new(200).set_body_json(body)
}

async fn v3() -> (Harness, v3::Client) {
    let h = Harness::start().await;
    let client = h.client.v3();
    (h, client)
}

// ---- pagination ------------------------------------------------------------------------------

/// A copy of `item` with `field` set to `value`.
fn with_field(item: &Value, field: &str, value: Value) -> Value {
    let mut item = item.clone();
    item[field] = value;
    item
}

/// A typed page of `list_videos`: the spec's example video once per id.
fn typed_video_page(ids: &[&str], has_more: bool, next_token: Option<&str>) -> v3::types::ListVideosResponse {
    let example = stubs::ListVideos::example().expect("the spec has an example").expect("it decodes");
    let video = &example.data[0];
    let data = ids.iter().map(|id| v3::types::VideoDetail { id: (*id).to_owned(), ..video.clone() }).collect();
    v3::types::ListVideosResponse { data, has_more: Some(has_more), next_token: next_token.map(str::to_owned) }
}

#[tokio::test]
async fn a_stream_follows_next_token_and_stops_where_has_more_is_false() {
    // Typed stubs (heygen-mock): the pages are the client's own types, not JSON.
    let mock = MockHeyGen::start().await;
    let client = mock.client();
    mock.list_videos().when(|r| r.query_param("token").is_none()).reply(typed_video_page(
        &["v1", "v2"],
        true,
        Some("t2"),
    ));
    // The last page still carries a token: `has_more: false` alone ends the list.
    mock.list_videos().with_query("token", "t2").reply(typed_video_page(&["v3"], false, Some("t3")));
    mock.list_videos().with_query("token", "t3").expect(0).reply(typed_video_page(&["never"], false, None));

    let videos: Vec<v3::types::VideoDetail> = client
        .list_videos_stream(v3::params::ListVideosParams { limit: Some(2), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = videos.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["v1", "v2", "v3"]);
    let requests = mock.received::<stubs::ListVideos>();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.query_param("limit") == Some("2")), "the limit on every page");
    mock.verify().unwrap();
}

#[tokio::test]
async fn a_batch_reads_its_items_page_by_page_inside_data() {
    let (h, client) = v3().await;
    let path = "/v3/videos/batches/b-1";
    let page = |indexes: &[u64], has_more: bool, next_token: Option<&str>| {
        let indexes = indexes.to_vec();
        let next_token = next_token.map(str::to_owned);
        example_with("get_video_batch", move |body| {
            let item = body["data"]["items"][0].clone();
            let items: Vec<Value> = indexes.iter().map(|&i| with_field(&item, "item_index", json!(i))).collect();
            body["data"]["items"] = json!(items);
            body["data"]["has_more"] = json!(has_more);
            body["data"]["next_token"] = json!(next_token);
        })
    };
    call("GET", path)
        .and(query_param_is_missing("token"))
        .respond_with(page(&[0, 1], true, Some("p2")))
        .mount(&h.api)
        .await;
    call("GET", path).and(query_param("token", "p2")).respond_with(page(&[2], false, None)).mount(&h.api).await;

    let items: Vec<v3::types::VideoBatchItem> = client.get_video_batch_stream("b-1", None).try_collect().await.unwrap();
    let indexes: Vec<Option<i64>> = items.iter().map(|item| item.item_index).collect();
    assert_eq!(indexes, [Some(0), Some(1), Some(2)]);
    assert_eq!(h.api.received_requests().await.unwrap().len(), 2);
}

// ---- waiters ---------------------------------------------------------------------------------

/// Mounts replies of `id` at `path` whose `data.status` takes each of `statuses` once, in order,
/// the last one from then on.
async fn poll_through(h: &Harness, path: &str, id: &str, statuses: &[&str]) {
    for (i, status) in statuses.iter().enumerate() {
        let status = status.to_string();
        let reply = call("GET", path).respond_with(example_with(id, |body| body["data"]["status"] = json!(status)));
        let last = i + 1 == statuses.len();
        if last { reply.mount(&h.api).await } else { reply.up_to_n_times(1).mount(&h.api).await }
    }
}

async fn polls(h: &Harness) -> usize {
    h.api.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn wait_for_video_polls_until_completed() {
    let (h, client) = v3().await;
    poll_through(&h, "/v3/videos/v-1", "get_video", &["pending", "processing", "processing", "completed"]).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let options = fast_wait().on_progress(move |p| record.lock().unwrap().push(p.status.to_owned()));

    let video = client.wait_for_video("v-1", &options).await.unwrap();
    let expected = Document::V3.success_example("get_video")["data"]["video_url"].clone();
    assert_eq!(video.video_url.as_deref(), expected.as_str());
    assert_eq!(*seen.lock().unwrap(), ["pending", "processing", "processing", "completed"]);
}

#[tokio::test]
async fn a_failed_video_is_job_failed_with_heygens_reason() {
    let mock = MockHeyGen::start().await;
    let client = mock.client();
    let example = stubs::GetVideo::example().expect("the spec has an example").expect("it decodes");
    let failed = v3::types::VideoDetail {
        status: v3::types::VideoDetailStatus::Failed,
        failure_message: Some("The script is longer than 5,000 characters".to_owned()),
        ..example.data
    };
    mock.get_video().with_path("video_id", "v-1").reply(v3::types::GetVideoResponse { data: failed });
    let err = client.wait_for_video("v-1", &fast_wait()).await.unwrap_err();
    assert!(
        matches!(&err, Error::JobFailed { operation: "get_video", status, reason: Some(r) }
            if status == "failed" && r == "The script is longer than 5,000 characters"),
        "{err:?}"
    );
}

#[tokio::test]
async fn avatar_training_waiting_for_consent_needs_the_callers_action() {
    let (h, client) = v3().await;
    // `completed` would end the wait in success, were it polled: the wait must stop before.
    poll_through(&h, "/v3/avatars/g-1", "get_avatar_group", &["processing", "pending_consent", "completed"]).await;
    let err = client.wait_for_avatar_training("g-1", &fast_wait()).await.unwrap_err();
    assert!(
        matches!(&err, Error::JobNeedsAction { operation: "get_avatar_group", status } if status == "pending_consent"),
        "{err:?}"
    );
    assert_eq!(polls(&h).await, 2);
}

#[tokio::test]
async fn a_voice_clone_ends_on_complete_not_completed() {
    let (h, client) = v3().await;
    // `completed` is not a voice clone's word: the wait goes on through it.
    poll_through(&h, "/v3/voices/voice-1", "get_voice", &["processing", "completed", "complete"]).await;
    let voice = client.wait_for_voice_clone("voice-1", &fast_wait()).await.unwrap();
    assert_eq!(json!(voice.voice_id), Document::V3.success_example("get_voice")["data"]["voice_id"]);
    assert_eq!(polls(&h).await, 3);
}
