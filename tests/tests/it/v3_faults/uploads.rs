//! Direct uploads under faults: `complete` retried, errors that name the asset or batch, a file
//! changed mid-upload refused, S3's `400 RequestTimeout` retried, an expired URL never used,
//! and one retry layer for bytes in memory.

use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use heygen_client::types::CompleteAssetUploadBatchRequest;
use heygen_client::{DirectUploadOptions, MAX_UPLOAD_ASSET_BYTES, PUT_OPERATION};
use heygen_client::{Error, WaitOptions};
use heygen_tests::{Harness, call};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::fake::quick_retries;

fn slot_on(storage: &MockServer, asset_id: &str, expires_in_seconds: i64) -> Value {
    json!({"asset_id": asset_id, "upload_url": format!("{}/bucket/{asset_id}?X-Amz-Signature=sig", storage.uri()),
        "upload_headers": {"Content-Type": "video/mp4"}, "expires_in_seconds": expires_in_seconds,
        "max_bytes": 5_000_000_000_i64, "status": "pending_upload"})
}

fn completed(size: u64) -> Value {
    json!({"data": {"asset_id": "as_1", "url": "https://files.example/as_1.mp4", "mime_type": "video/mp4",
        "size_bytes": size, "status": "processing"}})
}

struct Setup {
    h: Harness,
    storage: MockServer,
    dir: tempfile::TempDir,
}

impl Setup {
    /// A client with quick retries, fake storage, and `create_asset_upload` answering with a
    /// slot valid for `expires_in_seconds`.
    async fn new(expires_in_seconds: i64) -> Self {
        let h = Harness::start_with(|b| b.retry_policy(quick_retries())).await;
        let storage = MockServer::start().await;
        let slot = json!({"data": slot_on(&storage, "as_1", expires_in_seconds)});
        call("POST", "/v3/assets/direct-uploads")
            .respond_with(ResponseTemplate::new(200).set_body_json(slot))
            .mount(&h.api)
            .await;
        Setup { h, storage, dir: tempfile::tempdir().unwrap() }
    }

    fn file(&self, name: &str, len: usize) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, vec![7u8; len]).unwrap();
        path
    }

    async fn puts(&self) -> usize {
        self.storage.received_requests().await.unwrap().len()
    }

    async fn completes(&self) -> usize {
        let requests = self.h.api.received_requests().await.unwrap();
        requests.iter().filter(|r| r.url.path().ends_with("/complete")).count()
    }

    async fn upload(&self, path: &Path, options: &DirectUploadOptions) -> Result<String, Error> {
        let mut options = options.clone();
        options.content_type = Some("video/mp4".into());
        self.h.client.v3().direct_upload_file(path, &options).await.map(|asset| asset.asset_id)
    }
}

async fn store_ok(storage: &MockServer) {
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(200)).mount(storage).await;
}

#[tokio::test]
async fn complete_is_retried_after_a_503_as_the_safe_call_it_is() {
    let s = Setup::new(900).await;
    store_ok(&s.storage).await;
    call("POST", "/v3/assets/as_1/complete")
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&s.h.api)
        .await;
    call("POST", "/v3/assets/as_1/complete")
        .respond_with(ResponseTemplate::new(200).set_body_json(completed(1000)))
        .mount(&s.h.api)
        .await;
    let file = s.file("clip.mp4", 1000);
    assert_eq!(s.upload(&file, &DirectUploadOptions::default()).await.unwrap(), "as_1");
    assert_eq!((s.puts().await, s.completes().await), (1, 2), "the bytes once, complete again");

    // The batch form too.
    call("POST", "/v3/assets/complete/batches")
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&s.h.api)
        .await;
    call("POST", "/v3/assets/complete/batches")
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"data": {"batch_id": "ub1"}})))
        .mount(&s.h.api)
        .await;
    let request = CompleteAssetUploadBatchRequest { batch_id: "ub1".into() };
    s.h.client.v3().complete_asset_upload_batch(&request).await.unwrap();
}

#[tokio::test]
async fn a_failure_after_the_reservation_names_the_asset() {
    let s = Setup::new(900).await;
    store_ok(&s.storage).await;
    let refused = json!({"error": {"code": "checksum_mismatch", "message": "the bytes differ"}});
    call("POST", "/v3/assets/as_1/complete")
        .respond_with(ResponseTemplate::new(400).set_body_json(refused))
        .mount(&s.h.api)
        .await;
    let err = s.upload(&s.file("clip.mp4", 1000), &DirectUploadOptions::default()).await.unwrap_err();
    assert_eq!(err.asset_id(), Some("as_1"), "{err:?}");
    assert_eq!((err.operation(), err.status().map(|s| s.as_u16())), ("complete_asset_upload", Some(400)));
}

#[tokio::test]
async fn a_failed_upload_batch_names_the_batch() {
    let s = Setup::new(900).await;
    let batch = json!({"data": {"batch_id": "ub1", "items": [slot_on(&s.storage, "as_1", 900), slot_on(&s.storage, "as_2", 900)]}});
    call("POST", "/v3/assets/direct-uploads/batches")
        .respond_with(ResponseTemplate::new(200).set_body_json(batch))
        .mount(&s.h.api)
        .await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(403)).mount(&s.storage).await;
    let files = [s.file("a.mp4", 10), s.file("b.mp4", 10)];
    let mut options = DirectUploadOptions::default();
    options.content_type = Some("video/mp4".into());
    let err = s.h.client.v3().upload_asset_files(&files, &options, &WaitOptions::default()).await.unwrap_err();
    assert_eq!(err.batch_id(), Some("ub1"), "{err:?}");
    assert_eq!(err.operation(), PUT_OPERATION);
}

/// Options whose progress callback runs `change` on the file once, after the first chunk.
fn changing(path: &Path, change: fn(&Path)) -> DirectUploadOptions {
    let path = path.to_owned();
    let once = std::sync::Once::new();
    DirectUploadOptions::default().on_progress(move |_| once.call_once(|| change(&path)))
}

#[tokio::test]
async fn a_file_that_changes_during_the_upload_is_refused_not_stored() {
    let s = Setup::new(900).await;
    store_ok(&s.storage).await;
    call("POST", "/v3/assets/as_1/complete")
        .respond_with(ResponseTemplate::new(200).set_body_json(completed(300_000)))
        .mount(&s.h.api)
        .await;
    let grow: fn(&Path) = |path| {
        std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(b"more").unwrap();
    };
    // The same size, other bytes: only the modification time tells.
    let rewrite: fn(&Path) = |path| {
        let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        (&file).write_all(&[9u8; 16]).unwrap();
        file.set_modified(SystemTime::now() + Duration::from_secs(5)).unwrap();
    };
    for (name, change) in [("grown.mp4", grow), ("rewritten.mp4", rewrite)] {
        let file = s.file(name, 300_000);
        let err = s.upload(&file, &changing(&file, change)).await.unwrap_err();
        assert_eq!(err.asset_id(), Some("as_1"), "{name}: {err:?}");
        let Error::AfterCreate { source, .. } = &err else { panic!("{err:?}") };
        assert!(matches!(**source, Error::File { .. }), "{name}: {source:?}");
        assert!(err.to_string().contains("changed"), "{err}");
    }
    assert_eq!(s.completes().await, 0, "a changed file is never completed");
}

#[tokio::test]
async fn s3s_400_request_timeout_is_sent_again() {
    let s = Setup::new(900).await;
    let timeout = "<?xml version=\"1.0\"?><Error><Code>RequestTimeout</Code><Message>Your socket connection \
        to the server was not read from or written to within the timeout period.</Message></Error>";
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(timeout, "application/xml"))
        .up_to_n_times(1)
        .mount(&s.storage)
        .await;
    store_ok(&s.storage).await;
    call("POST", "/v3/assets/as_1/complete")
        .respond_with(ResponseTemplate::new(200).set_body_json(completed(1000)))
        .mount(&s.h.api)
        .await;
    assert_eq!(s.upload(&s.file("clip.mp4", 1000), &DirectUploadOptions::default()).await.unwrap(), "as_1");
    assert_eq!(s.puts().await, 2);
}

#[tokio::test]
async fn an_expired_upload_url_is_refused_before_sending() {
    let s = Setup::new(0).await;
    store_ok(&s.storage).await;
    let err = s.upload(&s.file("clip.mp4", 1000), &DirectUploadOptions::default()).await.unwrap_err();
    assert_eq!(err.asset_id(), Some("as_1"), "{err:?}");
    assert_eq!(err.operation(), PUT_OPERATION);
    assert!(err.to_string().contains("expired"), "{err}");
    assert_eq!(s.puts().await, 0, "nothing sent to an expired URL");
}

#[tokio::test]
async fn an_upload_from_memory_is_retried_by_one_layer_only() {
    let s = Setup::new(900).await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(503)).mount(&s.storage).await;
    let bytes = vec![0u8; MAX_UPLOAD_ASSET_BYTES as usize + 1];
    let err = s.h.client.v3().upload_asset_bytes(bytes, "clip.mp4").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert_eq!(s.puts().await, 3, "the first attempt and max_retries (2) more, not (2 + 1)²");
}
