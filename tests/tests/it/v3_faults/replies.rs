//! Replies whose status is not the one the spec declares (issue 23, item 4): any 2xx whose body
//! decodes as the success type is a success, for every operation.

use heygen_client::Error;

use super::common::*;

/// `create_video_batch` is declared 202; HeyGen answering 200 (or 201) has still created the
/// batch, and an error there would make a retrying caller pay twice.
#[tokio::test]
async fn a_2xx_other_than_the_declared_one_is_success_when_its_body_decodes() {
    for status in [200, 201] {
        let server = FakeServer::start(move |_, _| Reply::json(status, &example("create_video_batch"))).await;
        let client = v3_client(&server.url);
        let reply = bounded(client.create_video_batch(&body("create_video_batch"))).await;
        let reply = reply.unwrap_or_else(|e| panic!("{status}: {e:?}"));
        assert_eq!(reply.status().as_u16(), status, "the status as received");
        let batch_id = &example("create_video_batch")["data"]["batch_id"];
        assert_eq!(&serde_json::to_value(&reply.data).unwrap()["batch_id"], batch_id);
    }
    // And the other way round: a 202 for an operation declared 200.
    let server = FakeServer::start(|_, _| Reply::json(202, &example("create_video"))).await;
    bounded(v3_client(&server.url).create_video(&body("create_video"))).await.unwrap();

    // The status is a hint, not a pass: a 2xx whose body is not the success type stays
    // `Error::Decode`, and a failure envelope inside it stays `Error::Api`.
    let server = FakeServer::start(|_, _| Reply::json(201, &serde_json::json!({"data": "not a batch"}))).await;
    let error = bounded(v3_client(&server.url).create_video_batch(&body("create_video_batch"))).await.unwrap_err();
    assert!(matches!(&error, Error::Decode(e) if e.status == 201), "{error:?}");
    let server = FakeServer::start(|_, _| Reply::json(201, &v3_error("invalid_parameter"))).await;
    let error = bounded(v3_client(&server.url).create_video_batch(&body("create_video_batch"))).await.unwrap_err();
    assert!(matches!(&error, Error::Api(e) if e.has_code("invalid_parameter")), "{error:?}");
}
