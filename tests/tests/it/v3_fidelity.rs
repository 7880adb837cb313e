//! Replies HeyGen documents that the v3 types used to refuse (issue 24): empty pages, fields
//! HeyGen does not promise, a reply without `has_more`, fields beside `data`, and the two
//! operations whose reply HeyGen shows in two shapes.

use futures_util::TryStreamExt;
use heygen_client::{params, types};
use heygen_tests::requests::request_for;
use heygen_tests::{Document, DocumentExt, Harness, call};
use serde_json::{Value, json};
use wiremock::matchers::{any, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

async fn serve(h: &Harness, body: Value) {
    h.api.reset().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&h.api).await;
}

/// `{"data": []}`, with neither `has_more` nor `next_token`, decodes on every operation whose
/// reply is a list in `data`, and its stream ends after that one page.
#[tokio::test]
async fn an_empty_page_decodes_on_every_list_operation() {
    let h = Harness::start_with(|b| b.max_retries(0)).await;
    let lists: Vec<&str> = Document::V3
        .operations()
        .iter()
        .copied()
        .filter(|id| Document::V3.success_example(id)["data"].is_array())
        .collect();
    assert!(lists.len() >= 20, "only {} list operations: {lists:?}", lists.len());
    let mut failures = Vec::new();
    for id in &lists {
        serve(&h, json!({"data": []})).await;
        if let Err(e) = Document::V3.call(&h.client, id, &request_for(Document::V3, id)).await {
            failures.push(format!("{id}: {e}"));
        }
    }
    assert!(failures.is_empty(), "an empty page fails:\n  {}", failures.join("\n  "));

    serve(&h, json!({"data": []})).await;
    let videos: Vec<types::VideoDetail> =
        h.client.v3().list_videos_stream(Default::default()).try_collect().await.unwrap();
    assert!(videos.is_empty());
    assert_eq!(h.api.received_requests().await.unwrap().len(), 1);
}

/// HeyGen's document requires `first_name`, but bodies HeyGen shows leave it out: the body wins.
#[tokio::test]
async fn a_user_without_first_name_decodes() {
    let h = Harness::start().await;
    let mut body = Document::V3.success_example("get_current_user");
    body["data"].as_object_mut().unwrap().remove("first_name").expect("the example has a first name");
    serve(&h, body).await;
    let user = h.client.v3().get_current_user().await.expect("decodes").into_inner().data;
    assert_eq!(user.first_name, None);
    assert!(user.email.is_some());
}

/// `create_avatar`'s new look without `avatar_type` decodes.
#[tokio::test]
async fn a_created_avatar_look_without_avatar_type_decodes() {
    let h = Harness::start().await;
    let mut body = Document::V3.success_example("create_avatar");
    body["data"]["avatar_item"].as_object_mut().unwrap().remove("avatar_type").expect("the example has a type");
    serve(&h, body.clone()).await;
    let mut input = request_for(Document::V3, "create_avatar");
    input.params.remove("Idempotency-Key");
    let reply = Document::V3.call(&h.client, "create_avatar", &input).await.expect("decodes");
    assert_eq!(reply.body["data"]["avatar_item"].get("avatar_type"), None);
    assert_eq!(reply.body["data"]["avatar_item"]["id"], body["data"]["avatar_item"]["id"]);
}

/// A page without `has_more` is read by its cursor: with a `next_token` the stream goes on, and
/// without one it ends.
#[tokio::test]
async fn a_page_without_has_more_follows_its_next_token_and_ends_without_one() {
    let h = Harness::start().await;
    let video = Document::V3.success_example("list_videos")["data"][0].clone();
    let with_id = |id: &str| {
        let mut v = video.clone();
        v["id"] = json!(id);
        v
    };
    call("GET", "/v3/videos")
        .and(query_param_is_missing("token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [with_id("v1")], "next_token": "t2"})))
        .mount(&h.api)
        .await;
    call("GET", "/v3/videos")
        .and(query_param("token", "t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [with_id("v2")], "next_token": null})))
        .mount(&h.api)
        .await;
    let videos: Vec<types::VideoDetail> =
        h.client.v3().list_videos_stream(Default::default()).try_collect().await.unwrap();
    let ids: Vec<&str> = videos.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["v1", "v2"]);
    assert_eq!(h.api.received_requests().await.unwrap().len(), 2);
}

/// The `error` HeyGen's document shows beside `data` in the reply of deleting a webhook
/// endpoint is kept, not dropped.
#[tokio::test]
async fn the_error_beside_data_of_a_deleted_endpoint_is_kept() {
    let h = Harness::start().await;
    let body = json!({"data": {}, "error": {"note": "kept"}});
    serve(&h, body).await;
    let reply = Document::V3
        .call(&h.client, "delete_webhook_endpoint", &request_for(Document::V3, "delete_webhook_endpoint"))
        .await
        .expect("an error object without code or message is no failure");
    assert_eq!(reply.body["error"], json!({"note": "kept"}));
}

/// `list_video_translation_languages` as HeyGen's document has it (`{data: {languages}}`) and
/// as its pages also show it (`{languages}`): both decode, and `languages()` reads either.
#[tokio::test]
async fn translation_languages_decode_with_and_without_data() {
    let h = Harness::start().await;
    let client = h.client.v3();
    for body in [json!({"data": {"languages": ["English", "French"]}}), json!({"languages": ["English", "French"]})] {
        serve(&h, body.clone()).await;
        let reply = client.list_video_translation_languages().await.unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(reply.languages(), ["English", "French"], "{body}");
        let back = serde_json::to_value(reply.into_inner()).unwrap();
        assert_eq!(back, body, "the typed reply keeps the shape it came in");
    }
}

/// `search_sounds` as a flat list with the paging fields beside it, and as `data.items` with
/// them inside: both decode, `sounds()` and `next_token()` read either, and the stream follows
/// a flat page to a nested one.
#[tokio::test]
async fn sounds_decode_as_a_flat_list_and_as_data_items() {
    let h = Harness::start().await;
    let client = h.client.v3();
    let sound = Document::V3.success_example("search_sounds")["data"][0].clone();
    let with_id = |id: &str| {
        let mut s = sound.clone();
        s["id"] = json!(id);
        s
    };
    let flat = json!({"data": [with_id("s1")], "has_more": true, "next_token": "t2"});
    let nested = json!({"data": {"items": [with_id("s2")], "has_more": false, "next_token": null}});
    let query = types::SearchSoundsQuery::try_from("whoosh").unwrap();
    for (body, id, next) in [(&flat, "s1", Some("t2")), (&nested, "s2", None)] {
        serve(&h, body.clone()).await;
        let reply = client.search_sounds(&query, Default::default()).await.unwrap_or_else(|e| panic!("{body}: {e}"));
        let ids: Vec<&str> = reply.sounds().iter().map(|s| s.id.as_deref().unwrap_or_default()).collect();
        assert_eq!(ids, [id]);
        assert_eq!(reply.next_token(), next);
    }

    h.api.reset().await;
    call("GET", "/v3/audio/sounds")
        .and(query_param_is_missing("token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&flat))
        .mount(&h.api)
        .await;
    call("GET", "/v3/audio/sounds")
        .and(query_param("token", "t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&nested))
        .mount(&h.api)
        .await;
    let sounds: Vec<types::Sound> =
        client.search_sounds_stream(&query, params::SearchSoundsParams::default()).try_collect().await.unwrap();
    let ids: Vec<&str> = sounds.iter().map(|s| s.id.as_deref().unwrap_or_default()).collect();
    assert_eq!(ids, ["s1", "s2"]);
}
