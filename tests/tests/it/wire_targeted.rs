//! What `wire.rs` cannot check from the spec alone, because a person chose it: how a path
//! parameter is percent-encoded, which host a raw upload goes to and with which `Content-Type`,
//! how a field named after a Rust keyword travels, how a typed enum maps to its wire value
//! and back, and how a parameters struct and a body's constructor reach the wire. A request that does not match its mock gets wiremock's 404, so the call fails.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use heygen_client as v3;
use heygen_client::legacy::params::ListAssetsParams;
use heygen_client::legacy::types;
use heygen_tests::{Harness, assert_parsed_example, call, example_response};
use serde_json::json;
use wiremock::ResponseTemplate;
use wiremock::matchers::{body_bytes, body_json, header, query_param};

/// Characters that would end or split a path segment travel percent-encoded inside it: `/`,
/// space, `?`, `#` and `%` itself, and non-ASCII text as its UTF-8 bytes.
#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let cases = [
        ("tpl/22a48da4 v3", "/v3/template/tpl%2F22a48da4%20v3"),
        ("vidéo☃", "/v3/template/vid%C3%A9o%E2%98%83"),
        ("a?b#c", "/v3/template/a%3Fb%23c"),
        ("100%", "/v3/template/100%25"),
    ];
    for (id, wire_path) in cases {
        let h = Harness::start().await;
        call("GET", wire_path).respond_with(example_response("get_template_v3")).expect(1).mount(&h.api).await;
        let reply = h.client.get_template_v3(id).await.unwrap_or_else(|e| panic!("{id:?}: {e}"));
        assert_parsed_example("get_template_v3", &reply.into_inner());
    }
    // A parameter in the middle of the path stays one segment too.
    let h = Harness::start().await;
    call("GET", "/v2/avatar/Abigail%20expressive%2F2024/details")
        .respond_with(example_response("get_avatar_details"))
        .expect(1)
        .mount(&h.api)
        .await;
    let reply = h.client.get_avatar_details("Abigail expressive/2024").await.unwrap().into_inner();
    assert_eq!(reply.data.gender, Some(types::AvatarGender::Female));
}

#[tokio::test]
async fn upload_asset_goes_to_the_upload_host_only() {
    let h = Harness::start().await;
    call("POST", "/v1/asset").respond_with(example_response("upload_asset")).expect(1).mount(&h.upload).await;
    let reply = h.client.upload_asset(types::AssetContentType::ImagePng, b"png".to_vec()).await.unwrap().into_inner();
    assert_eq!(reply.data.file_type, Some(types::AssetFileType::Image));
    assert_parsed_example("upload_asset", &reply);
    assert!(h.api.received_requests().await.unwrap().is_empty(), "nothing goes to the API host");
}

/// The bytes travel as they are, with the `Content-Type` the caller picked, not JSON's.
#[tokio::test]
async fn a_raw_upload_sends_its_bytes_with_the_chosen_content_type() {
    let png = b"\x89PNG\r\n\x1a\n-not-really-a-png".to_vec();
    let cases = [(types::AssetContentType::ImagePng, "image/png"), (types::AssetContentType::VideoWebm, "video/webm")];
    for (content_type, wire) in cases {
        let h = Harness::start().await;
        call("POST", "/v1/asset")
            .and(header("content-type", wire))
            .and(body_bytes(png.clone()))
            .respond_with(example_response("upload_asset"))
            .expect(1)
            .mount(&h.upload)
            .await;
        h.client.upload_asset(content_type, png.clone()).await.unwrap_or_else(|e| panic!("{wire}: {e}"));
    }
}

/// `type` is a Rust keyword: the query parameter and the field are `type_` in Rust and `type` on
/// the wire, both ways.
#[tokio::test]
async fn fields_named_type_travel_as_type() {
    let h = Harness::start().await;
    call("DELETE", "/v1/video.delete")
        .and(query_param("video_id", "abc123"))
        .and(query_param("type", "video_translate"))
        .respond_with(example_response("delete_video"))
        .expect(1)
        .mount(&h.api)
        .await;
    h.client.delete_video(Some(types::DeletedVideoKind::VideoTranslate), "abc123").await.unwrap();

    call("GET", "/v1/video.list").respond_with(example_response("list_videos")).expect(1).mount(&h.api).await;
    let reply = h.client.list_videos(Default::default()).await.unwrap().into_inner();
    assert_eq!(reply.data.videos[1].type_, Some(types::VideoKind::Translated));

    // A template variable is tagged by `type`, and a character's properties have their own
    // `type`: the tag sits beside `name` and `properties`, the field stays inside `properties`.
    let sent = json!({
        "variables": {
            "first_name": {"name": "first_name", "type": "text", "properties": {"content": "Alex"}},
            "avatar_scene1": {
                "name": "avatar_scene1",
                "type": "character",
                "properties": {"character_id": "Briana_public_2_20240110", "type": "avatar"}
            }
        }
    });
    call("POST", "/v2/template/22a48da453ef4c014a6a60d827a02f0b/generate")
        .and(body_json(&sent))
        .respond_with(example_response("generate_video_from_template"))
        .expect(1)
        .mount(&h.api)
        .await;
    let variables = BTreeMap::from([
        (
            "first_name".to_owned(),
            types::TemplateVariable::Text {
                name: "first_name".into(),
                properties: types::TemplateTextProperties { content: Some("Alex".into()) },
            },
        ),
        (
            "avatar_scene1".to_owned(),
            types::TemplateVariable::Character {
                name: "avatar_scene1".into(),
                properties: types::TemplateCharacterProperties {
                    character_id: Some("Briana_public_2_20240110".into()),
                    type_: Some(types::TemplateCharacterKind::Avatar),
                },
            },
        ),
    ]);
    let body = types::GenerateFromTemplateRequest::new(variables);
    h.client.generate_video_from_template("22a48da453ef4c014a6a60d827a02f0b", &body).await.unwrap();
    let requests = h.api.received_requests().await.unwrap();
    let wire = String::from_utf8(requests.last().unwrap().body.clone()).unwrap();
    assert!(!wire.contains("type_") && !wire.contains("null"), "no Rust names, absent fields omitted: {wire}");
}

/// A typed enum value goes out as its wire string and the reply's comes back as the variant.
#[tokio::test]
async fn enum_values_map_both_ways() {
    let h = Harness::start().await;
    call("POST", "/v1/folders/create")
        .and(body_json(json!({"name": "Q3 campaign", "project_type": "video"})))
        .respond_with(example_response("create_folder"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::CreateFolderRequest {
        name: Some("Q3 campaign".into()),
        project_type: Some(types::FolderProjectType::Video),
        parent_id: None,
    };
    let reply = h.client.create_folder(&body).await.unwrap().into_inner();
    assert_eq!(reply.data.project_type, Some(types::FolderProjectType::Video));

    call("GET", "/v1/folders").respond_with(example_response("list_folders")).expect(1).mount(&h.api).await;
    let reply = h.client.list_folders(Default::default()).await.unwrap().into_inner();
    assert_eq!(reply.data.folders[0].project_type, Some(types::FolderProjectType::VideoTranslate));
}

/// A path argument of `.`, `..` or nothing would move the request to another endpoint (reqwest
/// resolves dot segments when it parses the URL): the client refuses it before sending.
#[tokio::test]
async fn dot_segment_path_arguments_are_refused_before_sending() {
    let h = Harness::start().await;
    for id in ["..", ".", ""] {
        let err = h.client.delete_asset(id).await.unwrap_err();
        assert!(
            matches!(&err, heygen_client::Error::InvalidRequest { message, .. } if message.contains("another endpoint")),
            "{id:?}: {err}"
        );
    }
    // `%2e%2e` is no dot segment once encoded: it stays inside the one path segment.
    call("POST", "/v1/asset/%252e%252e/delete")
        .respond_with(example_response("delete_asset"))
        .expect(1)
        .mount(&h.api)
        .await;
    h.client.delete_asset("%2e%2e").await.unwrap();
    assert_eq!(h.api.received_requests().await.unwrap().len(), 1, "only the encoded one was sent");
}

/// The query string of the last request `server` received, as sorted `name=value` pairs.
async fn last_query(server: &wiremock::MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    let url = &requests.last().expect("a request").url;
    let mut pairs: Vec<String> = url.query_pairs().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort();
    pairs
}

/// A parameters struct sends the fields that are set, each under its wire name, and nothing for
/// the ones left to `Default`.
#[tokio::test]
async fn a_parameters_struct_sends_only_the_fields_set() {
    let h = Harness::start().await;
    call("GET", "/v1/asset/list").respond_with(example_response("list_assets")).expect(1).mount(&h.api).await;
    let params = ListAssetsParams { file_type: Some("image"), limit: Some(50), ..Default::default() };
    h.client.list_assets(params).await.unwrap();
    assert_eq!(last_query(&h.api).await, ["file_type=image", "limit=50"]);
}

/// A required argument stays positional before the struct (v3's `search_assets` takes `query`
/// between optional ones in progenitor's order), and a field named after a keyword (`type_`)
/// goes out under its wire name.
#[tokio::test]
async fn a_required_argument_stays_positional_beside_the_struct() {
    let h = Harness::start().await;
    let page = json!({"data": [], "has_more": false, "next_token": null});
    call("GET", "/v3/assets/search")
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(1)
        .mount(&h.api)
        .await;
    let params = v3::params::SearchAssetsParams { type_: Some("icon"), limit: Some(5), ..Default::default() };
    h.client.v3().search_assets("rocket", params).await.unwrap();
    assert_eq!(last_query(&h.api).await, ["limit=5", "query=rocket", "type=icon"]);
}

/// A stream given a cursor in its parameters starts there, and follows the cursors the pages
/// hand out from then on; the other fields go with every page.
#[tokio::test]
async fn a_stream_starts_at_the_cursor_in_its_parameters() {
    let h = Harness::start().await;
    let page = |ids: &[&str], token: Option<&str>| {
        let assets: Vec<_> = ids.iter().map(|id| json!({"id": id, "name": id, "file_type": "image"})).collect();
        ResponseTemplate::new(200).set_body_json(json!({"error": null, "data": {"assets": assets, "token": token}}))
    };
    call("GET", "/v1/asset/list")
        .and(query_param("token", "saved"))
        .and(query_param("file_type", "image"))
        .respond_with(page(&["a"], Some("next")))
        .expect(1)
        .mount(&h.api)
        .await;
    call("GET", "/v1/asset/list")
        .and(query_param("token", "next"))
        .and(query_param("file_type", "image"))
        .respond_with(page(&["b"], None))
        .expect(1)
        .mount(&h.api)
        .await;
    let params = ListAssetsParams { file_type: Some("image"), token: Some("saved"), ..Default::default() };
    let assets: Vec<types::Asset> = h.client.list_assets_stream(params).try_collect().await.unwrap();
    let ids: Vec<&str> = assets.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
}

/// A request body's `new` takes its required fields and leaves every other one out of the JSON;
/// struct update syntax sets more.
#[tokio::test]
async fn a_body_built_with_new_sends_only_what_was_set() {
    let h = Harness::start().await;
    call("POST", "/v2/video_translate")
        .and(body_json(json!({"video_url": "https://example.com/a.mp4", "output_language": "Spanish"})))
        .respond_with(example_response("translate_video"))
        .expect(1)
        .mount(&h.api)
        .await;
    let body = types::TranslateVideoRequest {
        output_language: Some("Spanish".into()),
        ..types::TranslateVideoRequest::new("https://example.com/a.mp4")
    };
    h.client.translate_video(&body).await.unwrap();
}
