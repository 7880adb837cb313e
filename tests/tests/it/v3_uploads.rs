//! v3 uploads: one multipart request up to 32 MB, sent again with the same idempotency key; the
//! direct upload (reserve, `PUT` to a presigned URL on another host, complete) above it, with
//! the slot's headers as given, no credentials on the storage host, a progress callback and a
//! checksum. The presigned URLs point at a second mock server on 127.0.0.1. The multipart retry
//! runs on heygen-mock's typed stubs; the direct-upload tests stay on wiremock: they check each
//! header of the `PUT` on a second host and answer slots with fields missing or broken, which
//! the fake (its own storage, headers not logged) and typed replies cannot.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use heygen_client::{DirectUploadOptions, MAX_UPLOAD_ASSET_BYTES, PUT_OPERATION, UploadProgress};
use heygen_client::{Error, RetryPolicy, types};
use heygen_mock::stubs::{self, Operation};
use heygen_mock::{ApiFailure, MockHeyGen};
use heygen_tests::{API_KEY, Harness, call};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn uploaded(asset_id: &str, size: usize) -> Value {
    json!({"data": {"asset_id": asset_id, "url": "https://files.example/a", "mime_type": "image/png", "size_bytes": size}})
}

/// A reply to `create_asset_upload` whose presigned URL points at `storage`.
fn slot(storage: &MockServer, max_bytes: u64) -> Value {
    json!({"data": {
        "asset_id": "as_big",
        "upload_url": format!("{}/bucket/as_big?X-Amz-Signature=s3cr3t-sig", storage.uri()),
        "upload_headers": {"Content-Type": "video/mp4", "x-amz-meta-origin": "heygen"},
        "expires_in_seconds": 900,
        "max_bytes": max_bytes,
        "status": "pending_upload",
    }})
}

fn completed(size: u64) -> Value {
    json!({"data": {"asset_id": "as_big", "url": "https://files.example/big.mp4", "mime_type": "video/mp4",
        "size_bytes": size, "status": "processing"}})
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn a_small_file_goes_up_in_one_multipart_request() {
    let h = Harness::start().await;
    call("POST", "/v3/assets")
        .and(header_exists("idempotency-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(uploaded("as_1", PNG.len())))
        .expect(1)
        .mount(&h.api)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("photo.png");
    std::fs::write(&file, PNG).unwrap();

    let asset = h.client.v3().upload_asset_file(&file).await.unwrap();
    assert_eq!((asset.asset_id.as_str(), asset.status), ("as_1", None));

    let request = &h.api.received_requests().await.unwrap()[0];
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains(r#"name="file"; filename="photo.png""#), "{body}");
    assert!(body.contains("Content-Type: image/png"), "{body}");
    assert!(request.body.windows(PNG.len()).any(|w| w == PNG), "the file's bytes are in the form");
}

#[tokio::test]
async fn a_failed_multipart_upload_is_sent_again_with_the_same_key() {
    // Typed stubs (heygen-mock): a 503 in HeyGen's error body once, then a typed reply; the log
    // keeps each form as it came, with its key. The stub mounted last is tried first.
    let mock = MockHeyGen::start().await;
    let example = stubs::UploadAsset::example().expect("the spec has an example").expect("it decodes");
    let reply = types::UploadAssetResponse { data: types::AssetUploaded { asset_id: "as_1".into(), ..example.data } };
    mock.upload_asset().reply(reply);
    mock.upload_asset().times(1).fail(ApiFailure::new(503, "service_unavailable", "service unavailable"));
    let client = heygen_client::Client::builder()
        .api_key(API_KEY)
        .base_url(mock.url())
        .retry_policy(quick_retries())
        .build()
        .unwrap();

    let asset = client.upload_asset_bytes(b"ID3\x03".to_vec(), "voice.mp3").await.unwrap();
    assert_eq!(asset.asset_id, "as_1");
    let requests = mock.received::<stubs::UploadAsset>();
    assert_eq!(requests.len(), 2, "one retry");
    let keys: Vec<_> = requests.iter().map(|r| r.idempotency_key.clone().expect("a key on every attempt")).collect();
    assert_eq!(keys[0], keys[1], "a retry carries the first attempt's key");
    // Each attempt is a new form (its own boundary) around the same file.
    for request in &requests {
        let body = String::from_utf8_lossy(&request.body.0);
        assert!(body.contains("filename=\"voice.mp3\"") && body.contains("ID3\u{3}"), "{body}");
    }

    // Another call is another upload, with another key.
    client.upload_asset_bytes(b"ID3\x03".to_vec(), "voice.mp3").await.unwrap();
    let third = &mock.received::<stubs::UploadAsset>()[2];
    assert_ne!(third.idempotency_key.as_ref(), Some(&keys[0]));
}

#[tokio::test]
async fn a_direct_upload_puts_the_file_on_the_presigned_host_without_the_key() {
    let h = Harness::start().await;
    let storage = MockServer::start().await;
    let contents = pattern(300_000);
    let checksum = hex::encode(Sha256::digest(&contents));
    call("POST", "/v3/assets/direct-uploads")
        .and(header_exists("idempotency-key"))
        .and(body_json(json!({"filename": "clip.mp4", "content_type": "video/mp4", "size_bytes": contents.len(),
            "checksum_sha256": checksum})))
        .respond_with(ResponseTemplate::new(200).set_body_json(slot(&storage, 5_000_000_000)))
        .expect(1)
        .mount(&h.api)
        .await;
    Mock::given(method("PUT"))
        .and(path("/bucket/as_big"))
        .and(header("content-type", "video/mp4"))
        .and(header("x-amz-meta-origin", "heygen"))
        .and(header("content-length", contents.len().to_string().as_str()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&storage)
        .await;
    call("POST", "/v3/assets/as_big/complete")
        .and(body_json(json!({"checksum_sha256": checksum})))
        .respond_with(ResponseTemplate::new(200).set_body_json(completed(contents.len() as u64)))
        .expect(1)
        .mount(&h.api)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clip.mp4");
    std::fs::write(&file, &contents).unwrap();
    let seen = Arc::new(Mutex::new(Vec::<UploadProgress>::new()));
    let record = seen.clone();
    let options =
        DirectUploadOptions::default().with_checksum().on_progress(move |p| record.lock().unwrap().push(p)).clone();

    let asset = h.client.v3().direct_upload_file(&file, &options).await.unwrap();
    assert_eq!((asset.asset_id.as_str(), asset.status.as_deref()), ("as_big", Some("processing")));

    let put = &storage.received_requests().await.unwrap()[0];
    assert_eq!(put.body, contents, "the file arrives whole");
    assert!(put.url.query().is_some_and(|q| q.contains("X-Amz-Signature")), "the URL is used as given");
    let sent: Vec<_> = put.headers.iter().map(|(name, _)| name.as_str().to_owned()).collect();
    assert!(!sent.iter().any(|n| n == "x-api-key" || n == "authorization"), "credentials went to storage: {sent:?}");
    assert!(!put.headers.values().any(|v| v.as_bytes().windows(API_KEY.len()).any(|w| w == API_KEY.as_bytes())));

    let progress = seen.lock().unwrap().clone();
    assert!(progress.len() > 1, "reported as it goes: {progress:?}");
    assert!(progress.windows(2).all(|w| w[0].sent < w[1].sent));
    let last = progress.last().unwrap();
    assert_eq!((last.sent, last.total), (contents.len() as u64, contents.len() as u64));
}

#[tokio::test]
async fn a_file_over_32_mb_takes_the_direct_upload_by_itself() {
    let h = Harness::start().await;
    let storage = MockServer::start().await;
    let size = MAX_UPLOAD_ASSET_BYTES + 1;
    call("POST", "/v3/assets").respond_with(ResponseTemplate::new(500)).expect(0).mount(&h.api).await;
    call("POST", "/v3/assets/direct-uploads")
        .and(body_json(json!({"filename": "long.mp4", "content_type": "video/mp4", "size_bytes": size})))
        .respond_with(ResponseTemplate::new(200).set_body_json(slot(&storage, 5_000_000_000)))
        .expect(1)
        .mount(&h.api)
        .await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&storage).await;
    call("POST", "/v3/assets/as_big/complete")
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(completed(size)))
        .expect(1)
        .mount(&h.api)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.mp4");
    std::fs::File::create(&file).unwrap().set_len(size).unwrap();

    let asset = h.client.v3().upload_asset_file(&file).await.unwrap();
    assert_eq!(asset.asset_id, "as_big");
    let put = &storage.received_requests().await.unwrap()[0];
    assert_eq!(put.body.len() as u64, size);
}

#[tokio::test]
async fn a_put_that_meets_a_503_is_sent_again_from_the_start_of_the_file() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    let storage = MockServer::start().await;
    call("POST", "/v3/assets/direct-uploads")
        .respond_with(ResponseTemplate::new(200).set_body_json(slot(&storage, 1_000_000)))
        .mount(&h.api)
        .await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&storage).await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(200)).mount(&storage).await;
    call("POST", "/v3/assets/as_big/complete")
        .respond_with(ResponseTemplate::new(200).set_body_json(completed(1000)))
        .expect(1)
        .mount(&h.api)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clip.mp4");
    let contents = pattern(1000);
    std::fs::write(&file, &contents).unwrap();

    h.client.v3().direct_upload_file(&file, &DirectUploadOptions::default()).await.unwrap();
    let puts = storage.received_requests().await.unwrap();
    assert_eq!(puts.len(), 2);
    assert!(puts.iter().all(|put| put.body == contents));
}

#[tokio::test]
async fn a_refused_put_is_an_api_error_without_the_signature_and_nothing_is_completed() {
    let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
    let storage = MockServer::start().await;
    call("POST", "/v3/assets/direct-uploads")
        .respond_with(ResponseTemplate::new(200).set_body_json(slot(&storage, 1_000_000)))
        .mount(&h.api)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(403).set_body_string("<Error><Code>SignatureDoesNotMatch</Code></Error>"))
        .expect(1)
        .mount(&storage)
        .await;
    call("POST", "/v3/assets/as_big/complete").respond_with(ResponseTemplate::new(200)).expect(0).mount(&h.api).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clip.mp4");
    std::fs::write(&file, pattern(1000)).unwrap();

    let err = h.client.v3().direct_upload_file(&file, &DirectUploadOptions::default()).await.unwrap_err();
    assert_eq!(err.asset_id(), Some("as_big"));
    let Error::Api(e) = err.step() else { panic!("{err:?}") };
    assert_eq!((e.operation, e.status.as_u16()), (PUT_OPERATION, 403));
    assert!(e.body.contains("SignatureDoesNotMatch"));
    assert!(!format!("{err} {err:?}").contains("s3cr3t-sig"));
}

#[tokio::test]
async fn slots_that_cannot_be_used_are_refused_before_any_byte_is_sent() {
    let h = Harness::start().await;
    let storage = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clip.mp4");
    std::fs::write(&file, pattern(1000)).unwrap();
    let options = DirectUploadOptions::default();

    // Plain HTTP to another machine.
    let mut insecure = slot(&storage, 1_000_000);
    insecure["data"]["upload_url"] = json!("http://storage.example.com/bucket/as_big?X-Amz-Signature=s3cr3t-sig");
    let create = call("POST", "/v3/assets/direct-uploads")
        .respond_with(ResponseTemplate::new(200).set_body_json(insecure))
        .up_to_n_times(1)
        .mount_as_scoped(&h.api)
        .await;
    let err = h.client.v3().direct_upload_file(&file, &options).await.unwrap_err();
    assert!(matches!(err.step(), Error::InvalidRequest { message, .. } if message.contains("not HTTPS")), "{err:?}");
    assert!(!format!("{err}").contains("s3cr3t-sig"));
    drop(create);

    // A file larger than the slot takes.
    call("POST", "/v3/assets/direct-uploads")
        .respond_with(ResponseTemplate::new(200).set_body_json(slot(&storage, 999)))
        .mount(&h.api)
        .await;
    let err = h.client.v3().direct_upload_file(&file, &options).await.unwrap_err();
    assert!(matches!(err.step(), Error::InvalidRequest { message, .. } if message.contains("at most 999")), "{err:?}");
    assert!(storage.received_requests().await.unwrap().is_empty());

    // An empty file is refused before HeyGen is asked.
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    let before = h.api.received_requests().await.unwrap().len();
    let err = h.client.v3().direct_upload_file(&empty, &options).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(h.api.received_requests().await.unwrap().len(), before);
}

/// HeyGen does not promise the fields of a direct upload's slot or completion (see
/// docs/v3-required-fields.md): a slot without `upload_url` ends in `Error::Decode` naming it,
/// before any byte is sent and with the slot's secrets redacted; a completion that says only
/// `{}` still gives the asset, by the slot's id.
#[tokio::test]
async fn a_slot_or_completion_missing_fields_is_handled_by_name() {
    let h = Harness::start().await;
    let storage = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clip.mp4");
    std::fs::write(&file, pattern(1000)).unwrap();
    let options = DirectUploadOptions::default();

    let mut no_url = slot(&storage, 1_000_000);
    no_url["data"].as_object_mut().unwrap().remove("upload_url");
    no_url["data"]["upload_headers"]["x-amz-security-token"] = json!("tok-s3cr3t");
    let create = call("POST", "/v3/assets/direct-uploads")
        .respond_with(ResponseTemplate::new(200).set_body_json(no_url))
        .up_to_n_times(1)
        .mount_as_scoped(&h.api)
        .await;
    let err = h.client.v3().direct_upload_file(&file, &options).await.unwrap_err();
    // The slot was reserved, so the error names the asset as well.
    assert_eq!(err.asset_id(), Some("as_big"), "{err:?}");
    let Error::Decode(decode) = err.step() else { panic!("expected Error::Decode, got {err:?}") };
    assert!(decode.reason.contains("`upload_url`"), "{}", decode.reason);
    assert!(decode.body.contains("as_big"), "the reply stays visible: {}", decode.body);
    assert!(!decode.body.contains("tok-s3cr3t") && !format!("{err:?}").contains("tok-s3cr3t"));
    assert!(storage.received_requests().await.unwrap().is_empty());
    drop(create);

    call("POST", "/v3/assets/direct-uploads")
        .respond_with(ResponseTemplate::new(200).set_body_json(slot(&storage, 1_000_000)))
        .mount(&h.api)
        .await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(200)).mount(&storage).await;
    call("POST", "/v3/assets/as_big/complete")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .mount(&h.api)
        .await;
    let asset = h.client.v3().direct_upload_file(&file, &options).await.unwrap();
    assert_eq!(asset.asset_id, "as_big");
    assert_eq!((asset.url, asset.mime_type, asset.size_bytes, asset.status), (None, None, None, None));
}
